//! A caching resolver on loopback, in front of the DNS world's authoritative servers: what a
//! public DNS service or an ISP's resolver does, small enough to start inside the app. Answers
//! are kept in hickory-resolver's own [`ResponseCache`]: positive answers for their TTL,
//! NXDOMAIN and NODATA for the SOA's negative TTL (RFC 2308 §5), and TTLs count down in what it
//! serves, as real caches do. What a cache holds can be taken out ([`CachingResolver::kept`])
//! and put into a new one ([`CachingResolver::restore`]) with the same expiry times: a practice
//! session closed mid-wait finds the caches as the internet's would be, still counting down.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hickory_net::runtime::{Time, TokioRuntimeProvider};
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::{DnsHandle, FirstAnswer};
use hickory_net::{DnsError, NetError, NoRecords};
use hickory_proto::op::{DnsRequest, DnsRequestOptions, Message, Metadata, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record};
use hickory_resolver::config::ResolverOpts;
use hickory_resolver::{ResponseCache, TtlConfig};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use hickory_server::Server;
use serde::{Deserialize, Serialize};

use crate::server::{send, send_empty, serve};

#[derive(Clone)]
struct Handler {
    cache: ResponseCache,
    upstream: Arc<Vec<SocketAddr>>,
    timeout: Duration,
    queries: Arc<AtomicU64>,
    /// The newest answer put in the cache for each question, for [`CachingResolver::kept`].
    kept: Arc<Mutex<HashMap<Query, KeptAnswer>>>,
}

/// One answer a cache holds: the upstream message (DNS wire format), when it came and when it
/// expires (ms since the Unix epoch), enough to put the same copy into a new cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptAnswer {
    pub message: Vec<u8>,
    pub at_ms: u64,
    /// Copies saved without it count as expired.
    #[serde(default)]
    pub until_ms: u64,
}

/// A running caching resolver. Dropping it stops it.
pub struct CachingResolver {
    addr: SocketAddr,
    handler: Handler,
    _server: Server<Handler>,
}

impl CachingResolver {
    /// Starts on `ip:port` (0 picks a free port), asking `upstream` servers in turn.
    pub async fn start(ip: IpAddr, port: u16, upstream: Vec<SocketAddr>) -> std::io::Result<Self> {
        let handler = Handler {
            cache: ResponseCache::new(4096, TtlConfig::from_opts(&ResolverOpts::default())),
            upstream: Arc::new(upstream),
            timeout: Duration::from_secs(2),
            queries: Arc::new(AtomicU64::new(0)),
            kept: Arc::default(),
        };
        let (addr, server) = serve(handler.clone(), ip, port).await?;
        Ok(Self {
            addr,
            handler,
            _server: server,
        })
    }

    /// What the cache holds now (expired copies left out).
    pub fn kept(&self) -> Vec<KeptAnswer> {
        let now = now_ms();
        let Ok(mut kept) = self.handler.kept.lock() else {
            return Vec::new();
        };
        kept.retain(|_, k| k.until_ms > now);
        kept.values().cloned().collect()
    }

    /// Puts `kept` copies into the cache as if they had come when they did: each expires when
    /// it would have in the cache it was taken from. Copies already expired and messages that
    /// do not parse are skipped.
    pub fn restore(&self, kept: &[KeptAnswer]) {
        let (now, now_ms) = (Instant::now(), now_ms());
        for k in kept.iter().filter(|k| k.until_ms > now_ms) {
            let Ok(m) = Message::from_vec(&k.message) else {
                continue;
            };
            let Some(query) = m.queries.first().cloned() else {
                continue;
            };
            let age = Duration::from_millis(now_ms.saturating_sub(k.at_ms));
            let Some(then) = now.checked_sub(age) else {
                continue;
            };
            if let Some(entry) = entry_of(&query, m) {
                self.handler.cache.insert(query.clone(), entry, then);
                if let Ok(mut held) = self.handler.kept.lock() {
                    held.insert(query, k.clone());
                }
            }
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many queries it has received (from clients, not sent upstream).
    pub fn queries(&self) -> u64 {
        self.handler.queries.load(Ordering::Relaxed)
    }
}

/// What the cache keeps for one question.
enum Cached {
    Answer(Message),
    Negative {
        rcode: ResponseCode,
        authorities: Vec<Record>,
    },
}

impl Handler {
    async fn ask_upstream(&self, query: &Query) -> Result<Message, NetError> {
        let mut last = NetError::Timeout;
        for server in self.upstream.iter() {
            let mut options = DnsRequestOptions::default();
            options.recursion_desired = false;
            let request = DnsRequest::from_query(query.clone(), options);
            let udp = UdpClientStream::builder(*server, TokioRuntimeProvider::default())
                .with_timeout(Some(self.timeout))
                .exchange();
            match tokio::time::timeout(self.timeout, udp.send(request).first_answer()).await {
                Ok(Ok(r)) => return Ok(r.into_message()),
                Ok(Err(e)) => last = e,
                Err(_) => last = NetError::Timeout,
            }
        }
        Err(last)
    }

    /// The answer from the cache, else from upstream (then kept).
    async fn resolve(&self, query: &Query) -> Option<Cached> {
        let now = Instant::now();
        if let Some(hit) = self.cache.get(query, now) {
            return Some(from_cache(hit));
        }
        let entry = match self.ask_upstream(query).await {
            Ok(m) => {
                let wire = m.to_vec().ok();
                let ttl = keep_for(&m);
                match entry_of(query, m.clone()) {
                    Some(entry) => {
                        if let (Some(message), Some(ttl)) = (wire, ttl) {
                            let at_ms = now_ms();
                            let kept = KeptAnswer {
                                message,
                                at_ms,
                                until_ms: at_ms + u64::from(ttl) * 1000,
                            };
                            if let Ok(mut held) = self.kept.lock() {
                                held.insert(query.clone(), kept);
                            }
                        }
                        entry
                    }
                    // SERVFAIL, REFUSED: passed on, never kept.
                    None => {
                        return Some(Cached::Negative {
                            rcode: m.metadata.response_code,
                            authorities: Vec::new(),
                        })
                    }
                }
            }
            Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => {
                Err(NetError::Dns(DnsError::NoRecordsFound(nr)))
            }
            Err(e) => {
                tracing::debug!("practice cache: upstream failed: {e}");
                return None;
            }
        };
        self.cache.insert(query.clone(), entry.clone(), now);
        Some(from_cache(entry))
    }
}

/// What the cache keeps for an upstream answer to `query`: the answer, or NXDOMAIN/NODATA for
/// the SOA's negative TTL; `None` for SERVFAIL and REFUSED, which are never kept.
fn entry_of(query: &Query, m: Message) -> Option<Result<Message, NetError>> {
    match m.metadata.response_code {
        ResponseCode::NoError if !m.answers.is_empty() => Some(Ok(m)),
        ResponseCode::NoError | ResponseCode::NXDomain => {
            let mut nr = NoRecords::new(query.clone(), m.metadata.response_code);
            nr.negative_ttl = negative_ttl(&m);
            nr.authorities = Some(Arc::from(m.authorities.clone()));
            Some(Err(NetError::Dns(DnsError::NoRecordsFound(nr))))
        }
        _ => None,
    }
}

fn negative_ttl(m: &Message) -> Option<u32> {
    m.authorities.iter().find_map(|r| match &r.data {
        RData::SOA(soa) => Some(r.ttl.min(soa.minimum)),
        _ => None,
    })
}

/// How long a copy of `m` stays in the cache (seconds).
fn keep_for(m: &Message) -> Option<u32> {
    if m.answers.is_empty() {
        negative_ttl(m)
    } else {
        m.answers.iter().map(|r| r.ttl).min()
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn from_cache(entry: Result<Message, NetError>) -> Cached {
    match entry {
        Ok(m) => Cached::Answer(m),
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => Cached::Negative {
            rcode: nr.response_code,
            authorities: nr.authorities.map(|a| a.to_vec()).unwrap_or_default(),
        },
        Err(_) => Cached::Negative {
            rcode: ResponseCode::ServFail,
            authorities: Vec::new(),
        },
    }
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.recursion_available = true;
        let Some(q) = request.queries.queries().first() else {
            return send_empty(
                &mut response_handle,
                request,
                metadata,
                ResponseCode::FormErr,
            )
            .await;
        };
        let name: Name = q.name().into();
        let query = Query::query(name, q.query_type());
        let Some(found) = self.resolve(&query).await else {
            return send_empty(
                &mut response_handle,
                request,
                metadata,
                ResponseCode::ServFail,
            )
            .await;
        };
        let builder = MessageResponseBuilder::from_message_request(request);
        match found {
            Cached::Answer(m) => {
                metadata.response_code = ResponseCode::NoError;
                let response = builder.build(metadata, m.answers.iter(), [], [], []);
                send(&mut response_handle, response, metadata).await
            }
            Cached::Negative { rcode, authorities } => {
                metadata.response_code = rcode;
                let response = builder.build(metadata, [], [], authorities.iter(), []);
                send(&mut response_handle, response, metadata).await
            }
        }
    }
}
