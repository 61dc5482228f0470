//! A real PowerDNS Authoritative Server for tests (Debian's `pdns-server` with
//! `pdns-backend-sqlite3`), serving one zone on loopback, with its HTTP API and RFC 2136
//! updates signed by a TSIG key, so the one-click repair is tested against a DNS host that is
//! not ours. It is killed (by its PID) when dropped.
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use mxdoctor_dnsworld::PowerDns;
//! let pdns = PowerDns::start("example.test", "$ORIGIN example.test.\n$TTL 60\n@ IN SOA ns1 h 1 3600 600 86400 30\n@ IN NS ns1\nns1 IN A 127.0.0.11\n")?;
//! // HTTP API: pdns.api_url() with the X-API-Key pdns.api_key();
//! // DNS (queries, AXFR and RFC 2136 with TSIG pdns.tsig_name() / pdns.tsig_secret()): pdns.dns_addr().
//! let before = pdns.listing()?;
//! # Ok(()) }
//! ```
//!
//! It listens for DNS on `ns1` (127.0.0.11) and `ns2` (127.0.0.12) at one port, as the test
//! zones' NS glue says (like [`crate::Lab`]), and for its API on 127.0.0.1. Caches are off, so
//! an answer always shows the latest change.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::lab::{NS1, NS2};

/// Where `pdns_server` is looked for: `$MXDOCTOR_PDNS_SERVER`, then Debian's path, then `$PATH`.
pub fn pdns_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MXDOCTOR_PDNS_SERVER") {
        return Some(PathBuf::from(p));
    }
    let debian = Path::new("/usr/sbin/pdns_server");
    if debian.exists() {
        return Some(debian.to_path_buf());
    }
    find_in_path("pdns_server")
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.exists())
    })
}

/// The TSIG key every harness server trusts for its zone (a test key, on loopback only).
const TSIG_NAME: &str = "mxdoctor-test";
const TSIG_SECRET: &str = "bXhkb2N0b3ItdGVzdC10c2lnLXNlY3JldC0zMi1ieXRlcw==";
const API_KEY: &str = "mxdoctor-test-api-key";

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct PowerDns {
    child: Option<Child>,
    binary: PathBuf,
    dir: PathBuf,
    zone: String,
    dns_port: u16,
    api_port: u16,
}

impl PowerDns {
    /// Starts PowerDNS with one zone, `zone_name`, loaded from `zone_text` (zone-file form),
    /// writable through the API and by RFC 2136 updates signed with [`Self::tsig_name`], and
    /// transferable (AXFR) only with that key.
    pub fn start(zone_name: &str, zone_text: &str) -> std::io::Result<Self> {
        let binary = pdns_binary().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "pdns_server is not installed: `apt-get install pdns-server pdns-backend-sqlite3 sqlite3` (scripts/setup does this), or set MXDOCTOR_PDNS_SERVER",
            )
        })?;
        let zone = zone_name.trim_end_matches('.').to_ascii_lowercase();
        let dir = std::env::temp_dir().join(format!(
            "mxdoctor-pdns-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let mut pdns = PowerDns {
            child: None,
            binary,
            dir,
            zone,
            dns_port: 0,
            api_port: 0,
        };
        pdns.prepare(zone_text)?;
        let mut last = None;
        for _ in 0..10 {
            pdns.dns_port = free_port(&[IpAddr::V4(NS1), IpAddr::V4(NS2)])?;
            pdns.api_port = free_port(&[IpAddr::V4(Ipv4Addr::LOCALHOST)])?;
            match pdns.spawn() {
                Ok(()) => return Ok(pdns),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("PowerDNS did not start")))
    }

    /// The database with the schema, the zone and the TSIG key; then the configuration.
    fn prepare(&self, zone_text: &str) -> std::io::Result<()> {
        let db = self.dir.join("pdns.sqlite3");
        let schema = [
            "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
            "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql",
        ]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
        .ok_or_else(|| {
            std::io::Error::other(
                "the PowerDNS SQLite schema is missing: `apt-get install pdns-backend-sqlite3`",
            )
        })?;
        run(Command::new("sqlite3")
            .arg(&db)
            .arg(format!(".read {}", schema.display())))?;
        std::fs::write(self.dir.join("pdns.conf"), self.config(0, 0))?;
        let zone_file = self.dir.join("zone.txt");
        std::fs::write(&zone_file, zone_text)?;
        let zone = self.zone.as_str();
        self.pdnsutil(&["load-zone", zone, &zone_file.to_string_lossy()])?;
        self.pdnsutil(&["import-tsig-key", TSIG_NAME, "hmac-sha256", TSIG_SECRET])?;
        self.pdnsutil(&["set-meta", zone, "TSIG-ALLOW-DNSUPDATE", TSIG_NAME])?;
        self.pdnsutil(&["activate-tsig-key", zone, TSIG_NAME, "primary"])?;
        Ok(())
    }

    fn pdnsutil(&self, args: &[&str]) -> std::io::Result<()> {
        let pdnsutil = self
            .binary
            .parent()
            .map(|d| d.parent().unwrap_or(d).join("bin/pdnsutil"))
            .filter(|p| p.exists())
            .or_else(|| find_in_path("pdnsutil"))
            .unwrap_or_else(|| PathBuf::from("pdnsutil"));
        run(Command::new(pdnsutil)
            .arg(format!("--config-dir={}", self.dir.display()))
            .args(args))
    }

    fn config(&self, dns_port: u16, api_port: u16) -> String {
        format!(
            "launch=gsqlite3\n\
             gsqlite3-database={dir}/pdns.sqlite3\n\
             local-address={ns1}, {ns2}\n\
             local-port={dns_port}\n\
             api=yes\n\
             api-key={API_KEY}\n\
             webserver=yes\n\
             webserver-address=127.0.0.1\n\
             webserver-port={api_port}\n\
             webserver-allow-from=127.0.0.0/8\n\
             dnsupdate=yes\n\
             allow-dnsupdate-from=127.0.0.0/8\n\
             allow-axfr-ips=\n\
             disable-axfr=no\n\
             socket-dir={dir}\n\
             security-poll-suffix=\n\
             daemon=no\n\
             guardian=no\n\
             disable-syslog=yes\n\
             loglevel=4\n\
             cache-ttl=0\n\
             query-cache-ttl=0\n\
             negquery-cache-ttl=0\n\
             zone-cache-refresh-interval=0\n\
             distributor-threads=1\n\
             receiver-threads=1\n",
            dir = self.dir.display(),
            ns1 = NS1,
            ns2 = NS2,
        )
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        std::fs::write(
            self.dir.join("pdns.conf"),
            self.config(self.dns_port, self.api_port),
        )?;
        let log = std::fs::File::create(self.dir.join("log"))?;
        let child = Command::new(&self.binary)
            .arg(format!("--config-dir={}", self.dir.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        self.child = Some(child);
        let started = Instant::now();
        // Ready when both the DNS port and the API accept TCP.
        while started.elapsed() < Duration::from_secs(15) {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                self.child = None;
                return Err(std::io::Error::other(format!(
                    "pdns_server exited ({status}): {}",
                    self.log()
                )));
            }
            let up =
                |a: SocketAddr| TcpStream::connect_timeout(&a, Duration::from_millis(100)).is_ok();
            if up(self.dns_addr()) && up(self.api_addr()) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        self.stop();
        Err(std::io::Error::other(format!(
            "pdns_server did not answer within 15 s: {}",
            self.log()
        )))
    }

    /// The server's log so far (for an assertion message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    /// The zone's origin, lower case, without the final dot.
    pub fn zone(&self) -> &str {
        &self.zone
    }

    /// The API's base address, `http://127.0.0.1:PORT` (what `mxdoctor fix --endpoint` takes).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr())
    }

    fn api_addr(&self) -> SocketAddr {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.api_port)
    }

    pub fn api_key(&self) -> &'static str {
        API_KEY
    }

    /// Where it answers DNS (UDP and TCP): `ns1`, 127.0.0.11, at [`Self::dns_port`].
    pub fn dns_addr(&self) -> SocketAddr {
        SocketAddr::new(IpAddr::V4(NS1), self.dns_port)
    }

    /// The port of both `ns1` and `ns2` (a check's `auth_port`).
    pub fn dns_port(&self) -> u16 {
        self.dns_port
    }

    pub fn tsig_name(&self) -> &'static str {
        TSIG_NAME
    }

    /// The TSIG secret, base64 (hmac-sha256).
    pub fn tsig_secret(&self) -> &'static str {
        TSIG_SECRET
    }

    /// Sends one request to the API; returns the status and the body.
    pub fn api(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect_timeout(&self.api_addr(), Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nX-API-Key: {API_KEY}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    }

    /// A fresh Unbound on loopback that sends this zone's questions to PowerDNS and every
    /// other zone's to `lab`: a resolver with nothing cached, for a check of the zone.
    pub fn resolver(&self, lab: &crate::Lab) -> std::io::Result<crate::Unbound> {
        let here = vec![
            SocketAddr::new(IpAddr::V4(NS1), self.dns_port()),
            SocketAddr::new(IpAddr::V4(NS2), self.dns_port()),
        ];
        let origins = lab.origins();
        let mut stubs: Vec<(&str, Vec<SocketAddr>)> = origins
            .iter()
            .filter(|o| o.as_str() != self.zone())
            .map(|o| (o.as_str(), lab.auth_addrs()))
            .collect();
        stubs.push((self.zone(), here));
        crate::Unbound::start(IpAddr::V4(Ipv4Addr::LOCALHOST), &stubs)
    }

    /// Replaces (or, with no records, deletes) one record set through the API, as another
    /// person at the console would. `name` is relative to the zone (`@` for the apex);
    /// `contents` in zone-file form (`"10 mx.example.com."`, `"\"v=spf1 -all\""`).
    pub fn replace(
        &self,
        name: &str,
        rtype: &str,
        ttl: u32,
        contents: &[&str],
    ) -> std::io::Result<()> {
        let fqdn = if name == "@" {
            format!("{}.", self.zone)
        } else {
            format!("{name}.{}.", self.zone)
        };
        let records: Vec<String> = contents
            .iter()
            .map(|c| format!("{{\"content\":{},\"disabled\":false}}", json_string(c)))
            .collect();
        let change = if contents.is_empty() {
            "DELETE"
        } else {
            "REPLACE"
        };
        let body = format!(
            "{{\"rrsets\":[{{\"name\":{},\"type\":\"{rtype}\",\"ttl\":{ttl},\"changetype\":\"{change}\",\"records\":[{}]}}]}}",
            json_string(&fqdn),
            records.join(",")
        );
        let (status, text) = self.api("PATCH", &self.zone_path(), Some(&body))?;
        if status != 204 && status != 200 {
            return Err(std::io::Error::other(format!(
                "PATCH answered {status}: {text}"
            )));
        }
        Ok(())
    }

    fn zone_path(&self) -> String {
        format!("/api/v1/servers/localhost/zones/{}.", self.zone)
    }

    /// The whole zone as the API lists it, one line per record, `name TTL TYPE content`,
    /// sorted: compare two listings byte for byte. The SOA is in it (RFC 2136 updates raise
    /// its serial; the API's changes do not).
    pub fn listing(&self) -> std::io::Result<Vec<String>> {
        let (status, body) = self.api("GET", &self.zone_path(), None)?;
        if status != 200 {
            return Err(std::io::Error::other(format!(
                "GET zone answered {status}: {body}"
            )));
        }
        let zone: serde_json::Value = serde_json::from_str(&body).map_err(std::io::Error::other)?;
        let mut lines = Vec::new();
        for rrset in zone["rrsets"].as_array().into_iter().flatten() {
            for record in rrset["records"].as_array().into_iter().flatten() {
                lines.push(format!(
                    "{} {} {} {}{}",
                    rrset["name"].as_str().unwrap_or_default(),
                    rrset["ttl"],
                    rrset["type"].as_str().unwrap_or_default(),
                    record["content"].as_str().unwrap_or_default(),
                    if record["disabled"].as_bool() == Some(true) {
                        " (disabled)"
                    } else {
                        ""
                    }
                ));
            }
        }
        lines.sort();
        Ok(lines)
    }

    /// Kills the server (as a crash would); the zone stays in its database.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same ports, with the zone as it was left.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.stop();
        let mut last = None;
        for _ in 0..20 {
            match self.spawn() {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("PowerDNS did not restart")))
    }
}

impl Drop for PowerDns {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(command: &mut Command) -> std::io::Result<()> {
    let out = command.stdin(Stdio::null()).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{:?} failed: {}{}",
            command,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A port free for UDP and TCP on every one of `ips` at the moment of asking.
fn free_port(ips: &[IpAddr]) -> std::io::Result<u16> {
    for _ in 0..200 {
        let udp = UdpSocket::bind(SocketAddr::new(ips[0], 0))?;
        let port = udp.local_addr()?.port();
        drop(udp);
        let free = ips.iter().all(|ip| {
            let a = SocketAddr::new(*ip, port);
            UdpSocket::bind(a).is_ok() && TcpListener::bind(a).is_ok()
        });
        if free {
            return Ok(port);
        }
    }
    Err(std::io::Error::other("no free port"))
}
