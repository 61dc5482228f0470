//! A resolver that misbehaves for chosen record types only: it stands on a loopback address in
//! front of a real server and passes questions on, except those whose type has a [`Fault`].
//!
//! Real resolvers fail per question: a DNSSEC failure makes a validating resolver answer
//! SERVFAIL for the signed MX while the A record it has cached still comes back; a broken
//! middlebox mangles some answers and not others. The whole-server [`crate::Behavior`] cannot
//! show that. The faults are named as hickory-dns names its test servers, and the messages are
//! built with hickory-proto: nothing here writes DNS wire format by hand.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

/// How the liar answers a question of one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Passes the question on and the answer back unchanged.
    Forward,
    /// Never answers.
    Timeout,
    /// Answers SERVFAIL (what a validating resolver says when DNSSEC fails).
    ServFail,
    /// Answers REFUSED.
    Refused,
    /// Answers with bytes that are not a DNS message (the request's ID, then noise).
    Garbage,
    /// Answers with the real answer under another message ID (a spoofing attempt or a broken
    /// middlebox).
    WrongId,
    /// Answers with the real answer to a question about another name.
    WrongQuestion,
}

struct State {
    by_type: BTreeMap<u16, Fault>,
    default: Fault,
}

/// A running liar. Dropping it stops it.
pub struct Liar {
    addr: SocketAddr,
    state: Arc<RwLock<State>>,
    task: JoinHandle<()>,
}

impl Drop for Liar {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How long the liar waits for the real server before giving up on a forwarded question.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(2);

impl Liar {
    /// Starts a liar on `ip` (a free UDP port) in front of `upstream`; every type is forwarded
    /// until [`Liar::set`] says otherwise. UDP only: it never truncates, so clients never
    /// switch to TCP.
    pub async fn start(ip: IpAddr, upstream: SocketAddr) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::new(ip, 0), upstream).await
    }

    /// Starts a liar on `addr` (a chosen port: in place of one of a zone's servers, which are
    /// all asked on one port) in front of `upstream`.
    pub async fn start_on(addr: SocketAddr, upstream: SocketAddr) -> std::io::Result<Self> {
        let socket = Arc::new(UdpSocket::bind(addr).await?);
        let addr = socket.local_addr()?;
        let state = Arc::new(RwLock::new(State {
            by_type: BTreeMap::new(),
            default: Fault::Forward,
        }));
        let task = tokio::spawn(serve(socket, upstream, state.clone()));
        Ok(Self { addr, state, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers questions of `rtype` (every type, for `None`) with `fault`.
    pub fn set(&self, rtype: Option<RecordType>, fault: Fault) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        match rtype {
            Some(t) => {
                state.by_type.insert(u16::from(t), fault);
            }
            None => {
                state.by_type.clear();
                state.default = fault;
            }
        }
    }
}

async fn serve(socket: Arc<UdpSocket>, upstream: SocketAddr, state: Arc<RwLock<State>>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((len, client)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let packet = buf[..len].to_vec();
        let socket = socket.clone();
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(request) = Message::from_vec(&packet) else {
                return;
            };
            let fault = {
                let s = state.read().unwrap_or_else(|e| e.into_inner());
                request
                    .queries
                    .first()
                    .and_then(|q| s.by_type.get(&u16::from(q.query_type())).copied())
                    .unwrap_or(s.default)
            };
            if let Some(reply) = reply(fault, &request, &packet, upstream).await {
                let _ = socket.send_to(&reply, client).await;
            }
        });
    }
}

/// The bytes to send back for `request` under `fault`; `None` sends nothing.
async fn reply(
    fault: Fault,
    request: &Message,
    packet: &[u8],
    upstream: SocketAddr,
) -> Option<Vec<u8>> {
    let id = request.metadata.id;
    let error = |rcode| {
        let mut m = Message::error_msg(id, request.metadata.op_code, rcode);
        m.add_queries(request.queries.clone());
        m.to_vec().ok()
    };
    match fault {
        Fault::Timeout => None,
        Fault::ServFail => error(ResponseCode::ServFail),
        Fault::Refused => error(ResponseCode::Refused),
        Fault::Garbage => {
            let mut bytes = id.to_be_bytes().to_vec();
            bytes.extend_from_slice(b"\x81\x80this is not a DNS message\x00\xff");
            Some(bytes)
        }
        Fault::Forward => forward(packet, upstream).await,
        Fault::WrongId => {
            let mut answer = Message::from_vec(&forward(packet, upstream).await?).ok()?;
            answer.metadata.id = id.wrapping_add(1);
            answer.to_vec().ok()
        }
        Fault::WrongQuestion => {
            let mut answer = Message::from_vec(&forward(packet, upstream).await?).ok()?;
            let forged = Name::from_ascii("forged.invalid.").ok()?;
            for q in &mut answer.queries {
                q.set_name(forged.clone());
            }
            answer.to_vec().ok()
        }
    }
}

/// Passes `packet` to `upstream` and returns its answer.
async fn forward(packet: &[u8], upstream: SocketAddr) -> Option<Vec<u8>> {
    let local = match upstream.ip() {
        IpAddr::V4(_) => SocketAddr::from(([127, 0, 0, 1], 0)),
        IpAddr::V6(_) => SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], 0)),
    };
    let socket = UdpSocket::bind(local).await.ok()?;
    socket.send_to(packet, upstream).await.ok()?;
    let mut buf = vec![0u8; 65535];
    let len = tokio::time::timeout(UPSTREAM_TIMEOUT, socket.recv(&mut buf))
        .await
        .ok()?
        .ok()?;
    buf.truncate(len);
    Some(buf)
}
