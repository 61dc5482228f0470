//! A DNS server on a loopback address, serving [`Zone`]s over UDP and TCP through
//! hickory-server, with the faults real servers show.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hickory_net::runtime::Time;
use hickory_net::xfer::Protocol;
use hickory_proto::op::{Header, HeaderCounts, Metadata, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

use crate::zone::{answer, CnamePolicy, Zone};

/// How a server misbehaves. Named as hickory-dns names its test servers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Behavior {
    /// Answers from its zones.
    #[default]
    Normal,
    /// Answers from its zones after a delay (a far-away server).
    Delay(Duration),
    /// Never answers: every query times out.
    Timeout,
    /// Answers SERVFAIL to everything.
    ServFail,
    /// Answers REFUSED to everything.
    Refused,
    /// Over UDP, answers with the TC bit and no records; over TCP, answers in full.
    Truncated,
    /// Answers NXDOMAIN with no records to everything, the root included: a captive portal,
    /// a filter or an offline network's resolver.
    DenyAll,
}

#[derive(Debug)]
struct State {
    zones: Vec<Zone>,
    behavior: Behavior,
    policy: CnamePolicy,
}

#[derive(Clone)]
struct Handler {
    state: Arc<RwLock<State>>,
    queries: Arc<AtomicU64>,
}

/// A running server. Dropping it stops it.
pub struct DnsServer {
    addr: SocketAddr,
    state: Arc<RwLock<State>>,
    queries: Arc<AtomicU64>,
    server: Server<Handler>,
}

impl DnsServer {
    /// Starts a server on `ip`, on `port` for UDP and TCP alike (0 picks a free port).
    pub async fn start(ip: IpAddr, port: u16, zones: Vec<Zone>) -> std::io::Result<Self> {
        let state = Arc::new(RwLock::new(State {
            zones,
            behavior: Behavior::Normal,
            policy: CnamePolicy::default(),
        }));
        let queries = Arc::new(AtomicU64::new(0));
        let handler = Handler {
            state: state.clone(),
            queries: queries.clone(),
        };
        let (addr, server) = serve(handler, ip, port).await?;
        Ok(Self {
            addr,
            state,
            queries,
            server,
        })
    }

    /// The address it listens on (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many queries it has received so far.
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    pub fn set_behavior(&self, behavior: Behavior) {
        self.write().behavior = behavior;
    }

    pub fn set_cname_policy(&self, policy: CnamePolicy) {
        self.write().policy = policy;
    }

    /// Edits the served zones in place, as a panel's "save" does: the next query sees the edit.
    pub fn edit_zones<R>(&self, edit: impl FnOnce(&mut Vec<Zone>) -> R) -> R {
        edit(&mut self.write().zones)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        // A panic while holding the lock can only come from a test assertion; keep serving.
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops serving at once.
    pub async fn stop(mut self) {
        self.server.shutdown_token().cancel();
        let _ = self.server.shutdown_gracefully().await;
    }
}

/// Serves `handler` over UDP and TCP on `ip:port` (0 picks a free port serving both).
pub(crate) async fn serve<H: RequestHandler>(
    handler: H,
    ip: IpAddr,
    port: u16,
) -> std::io::Result<(SocketAddr, Server<H>)> {
    let (udp, tcp) = bind_pair(ip, port).await?;
    let addr = udp.local_addr()?;
    let mut server = Server::new(handler);
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(10), 64);
    Ok((addr, server))
}

/// Binds UDP and TCP on the same port; with port 0, retries until one free port serves both.
async fn bind_pair(ip: IpAddr, port: u16) -> std::io::Result<(UdpSocket, TcpListener)> {
    let mut last_err = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind(SocketAddr::new(ip, port)).await?;
        let chosen = udp.local_addr()?.port();
        match TcpListener::bind(SocketAddr::new(ip, chosen)).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) if port == 0 => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| std::io::Error::other("no free port")))
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let (behavior, policy) = {
            let s = self.state.read().unwrap_or_else(|e| e.into_inner());
            (s.behavior, s.policy)
        };
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.recursion_available = request.metadata.recursion_desired;
        let builder = MessageResponseBuilder::from_message_request(request);
        let fixed_rcode = match behavior {
            Behavior::Timeout => return no_response(metadata),
            Behavior::ServFail => Some(ResponseCode::ServFail),
            Behavior::Refused => Some(ResponseCode::Refused),
            Behavior::DenyAll => Some(ResponseCode::NXDomain),
            Behavior::Truncated if request.protocol() == Protocol::Udp => {
                metadata.truncation = true;
                Some(ResponseCode::NoError)
            }
            Behavior::Delay(d) => {
                tokio::time::sleep(d).await;
                None
            }
            _ => None,
        };
        if let Some(rcode) = fixed_rcode {
            return send_empty(&mut response_handle, request, metadata, rcode).await;
        }
        let Some(query) = request.queries.queries().first() else {
            return send_empty(
                &mut response_handle,
                request,
                metadata,
                ResponseCode::FormErr,
            )
            .await;
        };
        let qname: Name = query.name().into();
        let qtype: RecordType = query.query_type();
        let found = {
            let s = self.state.read().unwrap_or_else(|e| e.into_inner());
            answer(&s.zones, &qname, qtype, policy)
        };
        metadata.response_code = found.rcode;
        metadata.authoritative = found.rcode != ResponseCode::Refused;
        let response = builder.build(metadata, found.answers.iter(), [], found.soa.iter(), []);
        send(&mut response_handle, response, metadata).await
    }
}

/// Answers `request` with no records and `rcode` (SERVFAIL, REFUSED, FORMERR, an empty NOERROR).
pub(crate) async fn send_empty<R: ResponseHandler>(
    handle: &mut R,
    request: &Request,
    mut metadata: Metadata,
    rcode: ResponseCode,
) -> ResponseInfo {
    metadata.response_code = rcode;
    let response = MessageResponseBuilder::from_message_request(request).build_no_records(metadata);
    send(handle, response, metadata).await
}

pub(crate) async fn send<'a, R: ResponseHandler>(
    handle: &mut R,
    response: hickory_server::zone_handler::MessageResponse<
        '_,
        'a,
        impl Iterator<Item = &'a hickory_proto::rr::Record> + Send + 'a,
        impl Iterator<Item = &'a hickory_proto::rr::Record> + Send + 'a,
        impl Iterator<Item = &'a hickory_proto::rr::Record> + Send + 'a,
        impl Iterator<Item = &'a hickory_proto::rr::Record> + Send + 'a,
    >,
    metadata: Metadata,
) -> ResponseInfo {
    match handle.send_response(response).await {
        Ok(info) => info,
        Err(e) => {
            tracing::debug!("could not send a DNS response: {e}");
            no_response(metadata)
        }
    }
}

fn no_response(metadata: Metadata) -> ResponseInfo {
    ResponseInfo::from(Header {
        metadata,
        counts: HeaderCounts {
            queries: 0,
            answers: 0,
            authorities: 0,
            additionals: 0,
        },
    })
}
