//! One question to one server, over hickory-net: UDP first, TCP when the answer is truncated
//! (RFC 7766 §5). Each question gets a fresh socket, so nothing is cached between checks.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::tcp::TcpClientStream;
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::{DnsHandle, FirstAnswer};
use hickory_net::NetError;
use hickory_proto::op::{DnsRequest, DnsRequestOptions, DnsResponse, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::{canonical, DnsRecord, Outcome, RType, RecordData, Status};

/// Whether to ask a recursive resolver or an authoritative server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryMode {
    /// RD set: the server resolves on our behalf and may answer from its cache.
    Recursive,
    /// RD clear: the server answers from its own zones only (RFC 1035 §4.1.1).
    Authoritative,
}

/// Asks `server` one question. Never fails: a failure is an [`Outcome`] with a failure status.
pub async fn query(
    server: SocketAddr,
    name: &str,
    rtype: RType,
    mode: QueryMode,
    timeout: Duration,
) -> Outcome {
    let qname = match Name::from_ascii(format!("{}.", name.trim_end_matches('.'))) {
        Ok(n) => n,
        Err(e) => return Outcome::failed(Status::Error, format!("not a valid DNS name: {e}")),
    };
    let request = request(qname, rtype, mode);
    let udp = UdpClientStream::builder(server, TokioRuntimeProvider::default())
        .with_timeout(Some(timeout))
        .exchange();
    let first = tokio::time::timeout(timeout, udp.send(request.clone()).first_answer()).await;
    let response = match first {
        Err(_) => return timed_out(server, timeout),
        Ok(Err(e)) => return from_error(server, e, timeout),
        Ok(Ok(r)) if r.metadata.truncation => {
            tracing::debug!(%server, name, %rtype, "truncated over UDP, asking again over TCP");
            match ask_tcp(server, request, timeout).await {
                Ok(r) => r,
                Err(outcome) => return outcome,
            }
        }
        Ok(Ok(r)) => r,
    };
    from_response(&response, rtype)
}

async fn ask_tcp(
    server: SocketAddr,
    request: DnsRequest,
    timeout: Duration,
) -> Result<DnsResponse, Outcome> {
    // The provider owns the task that drives the connection: it must outlive the exchange.
    let provider = TokioRuntimeProvider::default();
    let exchange = async {
        let tcp = TcpClientStream::exchange(server, None, timeout, None, provider.clone()).await?;
        tcp.send(request).first_answer().await
    };
    let result = match tokio::time::timeout(timeout, exchange).await {
        Err(_) => Err(timed_out(server, timeout)),
        Ok(Err(e)) => Err(from_error(server, e, timeout)),
        Ok(Ok(r)) => Ok(r),
    };
    drop(provider);
    result
}

fn request(qname: Name, rtype: RType, mode: QueryMode) -> DnsRequest {
    let mut options = DnsRequestOptions::default();
    options.recursion_desired = mode == QueryMode::Recursive;
    options.use_edns = true;
    // 1232 bytes avoids IP fragmentation (DNS flag day 2020); larger answers come over TCP.
    options.edns_payload_len = 1232;
    DnsRequest::from_query(Query::query(qname, record_type(rtype)), options)
}

fn record_type(rtype: RType) -> RecordType {
    match rtype {
        RType::A => RecordType::A,
        RType::Aaaa => RecordType::AAAA,
        RType::Cname => RecordType::CNAME,
        RType::MX => RecordType::MX,
        RType::TXT => RecordType::TXT,
        RType::NS => RecordType::NS,
        RType::SOA => RecordType::SOA,
    }
}

fn timed_out(server: SocketAddr, timeout: Duration) -> Outcome {
    Outcome::failed(
        Status::Timeout,
        format!(
            "{server} did not answer within {:.1} s",
            timeout.as_secs_f32()
        ),
    )
}

fn from_error(server: SocketAddr, error: NetError, timeout: Duration) -> Outcome {
    match error {
        NetError::Timeout => timed_out(server, timeout),
        NetError::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Outcome::failed(
            Status::Error,
            format!("no DNS server is answering at {server} (connection refused)"),
        ),
        other => Outcome::failed(Status::Error, format!("{server}: {other}")),
    }
}

fn from_response(response: &DnsResponse, rtype: RType) -> Outcome {
    let records: Vec<DnsRecord> = response.answers.iter().map(convert).collect();
    let soa = response.authorities.iter().find_map(|r| match &r.data {
        RData::SOA(soa) => Some((r, soa)),
        _ => None,
    });
    let negative_ttl = soa.map(|(r, soa)| r.ttl.min(soa.minimum));
    let zone = soa.map(|(r, _)| canonical(&r.name.to_ascii()));
    let has_answer = records.iter().any(|r| r.rtype() == Some(rtype));
    let status = match response.metadata.response_code {
        ResponseCode::NoError if has_answer => Status::Answer,
        ResponseCode::NoError => Status::NoData,
        ResponseCode::NXDomain => Status::NxDomain,
        ResponseCode::ServFail => Status::ServFail,
        ResponseCode::Refused => Status::Refused,
        _ => Status::Error,
    };
    let detail = status
        .is_failure()
        .then(|| format!("the server answered {}", response.metadata.response_code));
    let delegation = if records.is_empty() && !response.metadata.authoritative {
        response
            .authorities
            .iter()
            .filter(|r| matches!(r.data, RData::NS(_)))
            .map(convert)
            .collect()
    } else {
        Vec::new()
    };
    Outcome {
        status,
        records,
        negative_ttl: (!has_answer).then_some(negative_ttl).flatten(),
        zone,
        authoritative: response.metadata.authoritative,
        detail,
        delegation,
    }
}

fn convert(record: &Record) -> DnsRecord {
    let data = match &record.data {
        RData::A(a) => RecordData::A { address: a.0 },
        RData::AAAA(a) => RecordData::Aaaa { address: a.0 },
        RData::CNAME(c) => RecordData::Cname {
            target: canonical(&c.0.to_ascii()),
        },
        RData::MX(mx) => RecordData::MX {
            preference: mx.preference,
            exchange: canonical(&mx.exchange.to_ascii()),
        },
        RData::TXT(txt) => RecordData::TXT {
            text: txt
                .txt_data
                .iter()
                .map(|s| String::from_utf8_lossy(s))
                .collect::<Vec<_>>()
                .concat(),
        },
        RData::NS(ns) => RecordData::NS {
            host: canonical(&ns.0.to_ascii()),
        },
        RData::SOA(soa) => RecordData::SOA {
            mname: canonical(&soa.mname.to_ascii()),
            rname: canonical(&soa.rname.to_ascii()),
            serial: soa.serial,
            minimum: soa.minimum,
        },
        other => RecordData::Other {
            rtype: other.record_type().to_string(),
            value: other.to_string(),
        },
    };
    DnsRecord {
        name: canonical(&record.name.to_ascii()),
        ttl: record.ttl,
        data,
    }
}

/// The resolvers this machine is configured to use (`/etc/resolv.conf` and the like), read by
/// hickory-resolver. Only the addresses are taken: each check asks them afresh.
pub fn system_resolvers() -> Result<Vec<SocketAddr>, String> {
    let (config, _opts) = hickory_resolver::system_conf::read_system_conf()
        .map_err(|e| format!("cannot read this computer's DNS settings: {e}"))?;
    let mut addrs: Vec<SocketAddr> = Vec::new();
    for ns in config.name_servers() {
        let port = ns.connections.first().map(|c| c.port).unwrap_or(53);
        let addr = SocketAddr::new(ns.ip, port);
        if !addrs.contains(&addr) {
            addrs.push(addr);
        }
    }
    if addrs.is_empty() {
        return Err("this computer has no DNS server configured".into());
    }
    Ok(addrs)
}
