//! A caching resolver on loopback, in front of the DNS world's authoritative servers: what a
//! public DNS service or an ISP's resolver does, small enough to start inside the app. Answers
//! are kept in hickory-resolver's own [`ResponseCache`]: positive answers for their TTL,
//! NXDOMAIN and NODATA for the SOA's negative TTL (RFC 2308 §5), and TTLs count down in what it
//! serves, as real caches do.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

use crate::server::{send, serve};

#[derive(Clone)]
struct Handler {
    cache: ResponseCache,
    upstream: Arc<Vec<SocketAddr>>,
    timeout: Duration,
    queries: Arc<AtomicU64>,
}

/// A running caching resolver. Dropping it stops it.
pub struct CachingResolver {
    addr: SocketAddr,
    queries: Arc<AtomicU64>,
    _server: Server<Handler>,
}

impl CachingResolver {
    /// Starts on `ip:port` (0 picks a free port), asking `upstream` servers in turn.
    pub async fn start(ip: IpAddr, port: u16, upstream: Vec<SocketAddr>) -> std::io::Result<Self> {
        let cache = ResponseCache::new(4096, TtlConfig::from_opts(&ResolverOpts::default()));
        let queries = Arc::new(AtomicU64::new(0));
        let handler = Handler {
            cache: cache.clone(),
            upstream: Arc::new(upstream),
            timeout: Duration::from_secs(2),
            queries: queries.clone(),
        };
        let (addr, server) = serve(handler, ip, port).await?;
        Ok(Self {
            addr,
            queries,
            _server: server,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many queries it has received (from clients, not sent upstream).
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
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
        let result = self.ask_upstream(query).await;
        let entry: Result<Message, NetError> = match result {
            Ok(m) if m.metadata.response_code == ResponseCode::NoError && !m.answers.is_empty() => {
                Ok(m)
            }
            Ok(m)
                if matches!(
                    m.metadata.response_code,
                    ResponseCode::NoError | ResponseCode::NXDomain
                ) =>
            {
                let negative_ttl = m.authorities.iter().find_map(|r| match &r.data {
                    RData::SOA(soa) => Some(r.ttl.min(soa.minimum)),
                    _ => None,
                });
                let mut nr = NoRecords::new(query.clone(), m.metadata.response_code);
                nr.negative_ttl = negative_ttl;
                nr.authorities = Some(Arc::from(m.authorities.clone()));
                Err(NetError::Dns(DnsError::NoRecordsFound(nr)))
            }
            Ok(m) => {
                // SERVFAIL, REFUSED: passed on, never kept.
                return Some(Cached::Negative {
                    rcode: m.metadata.response_code,
                    authorities: Vec::new(),
                });
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
        let builder = MessageResponseBuilder::from_message_request(request);
        let Some(q) = request.queries.queries().first() else {
            metadata.response_code = ResponseCode::FormErr;
            return send(
                &mut response_handle,
                builder.build_no_records(metadata),
                metadata,
            )
            .await;
        };
        let name: Name = q.name().into();
        let query = Query::query(name, q.query_type());
        let Some(found) = self.resolve(&query).await else {
            metadata.response_code = ResponseCode::ServFail;
            return send(
                &mut response_handle,
                builder.build_no_records(metadata),
                metadata,
            )
            .await;
        };
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
