//! A small DNS world on loopback: one server playing the recursive resolver (it answers for
//! every zone, following CNAMEs across them), and two authoritative servers, `ns1` on
//! 127.0.0.11 and `ns2` on 127.0.0.12, sharing one port, as the zone files' NS glue says.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use hickory_proto::rr::Name;

use crate::server::DnsServer;
use crate::zone::Zone;

pub const NS1: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);
pub const NS2: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 12);

pub struct Lab {
    /// Stands in for the system resolver (`--nameserver`).
    pub resolver: DnsServer,
    /// `ns1` and `ns2`, asked directly on `auth_port`.
    pub auth: Vec<DnsServer>,
    pub auth_port: u16,
}

impl Lab {
    /// Serves `zones` everywhere; `ns2_zones` replace same-origin zones on `ns2` only, so the
    /// two authoritative servers can disagree.
    pub async fn start(zones: Vec<Zone>, ns2_zones: Vec<Zone>) -> std::io::Result<Self> {
        let resolver = DnsServer::start(IpAddr::V4(Ipv4Addr::LOCALHOST), 0, zones.clone()).await?;
        let mut ns2 = zones.clone();
        for z in ns2_zones {
            ns2.retain(|existing| existing.origin() != z.origin());
            ns2.push(z);
        }
        let mut last_err = None;
        // ns1 picks a free port; ns2 needs the same port on its address, which may be taken.
        for _ in 0..20 {
            let first = DnsServer::start(IpAddr::V4(NS1), 0, zones.clone()).await?;
            let port = first.addr().port();
            match DnsServer::start(IpAddr::V4(NS2), port, ns2.clone()).await {
                Ok(second) => {
                    return Ok(Self {
                        resolver,
                        auth: vec![first, second],
                        auth_port: port,
                    })
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| std::io::Error::other("no common port for ns1 and ns2")))
    }

    /// The authoritative servers' addresses (`ns1`, `ns2`).
    pub fn auth_addrs(&self) -> Vec<SocketAddr> {
        self.auth.iter().map(|s| s.addr()).collect()
    }

    /// The origins of the zones `ns1` serves, without the final dot.
    pub fn origins(&self) -> Vec<String> {
        self.auth[0].edit_zones(|zones| {
            zones
                .iter()
                .map(|z| z.origin().to_ascii().trim_end_matches('.').to_string())
                .collect()
        })
    }

    /// Edits zone `origin` on every authoritative server, as a save in a DNS console does.
    /// Returns what `edit` returned on each server; empty when no server has that zone.
    pub fn edit_zone<R>(&self, origin: &str, edit: impl Fn(&mut Zone) -> R) -> Vec<R> {
        let Ok(name) = Name::from_ascii(format!("{}.", origin.trim_end_matches('.'))) else {
            return Vec::new();
        };
        self.auth
            .iter()
            .filter_map(|s| {
                s.edit_zones(|zones| zones.iter_mut().find(|z| *z.origin() == name).map(&edit))
            })
            .collect()
    }
}
