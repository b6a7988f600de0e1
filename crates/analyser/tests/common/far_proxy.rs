//! A loopback proxy in front of the test MongoDB standing for a server far away: it forwards
//! the wire protocol as it is, holds each answer back a while of its own (a few to some tens
//! of milliseconds, varied, so that answers to reads sent together come back in another order
//! than they were sent), and counts how many commands of each kind (`find hourly`) were waiting
//! for their answers at once. It needs a server without authentication (the tests').

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The wire protocol's `OP_MSG` opcode.
const OP_MSG: i32 = 2013;

/// How long the answers are held back, in turn: varied, so a read sent later is often answered
/// first.
const HELD_MS: [u64; 7] = [40, 3, 25, 60, 10, 1, 33];

/// A proxy in front of a MongoDB server whose answers come late and out of order.
pub struct FarProxy {
    address: SocketAddr,
    stopped: Arc<AtomicBool>,
    waiting: Arc<Mutex<Waiting>>,
}

/// The commands waiting for their answers, by kind, and the most seen waiting at once.
#[derive(Default)]
struct Waiting {
    now: BTreeMap<String, usize>,
    most: BTreeMap<String, usize>,
}

impl FarProxy {
    /// Starts a proxy to `upstream` (`host:port` or a `mongodb://` URI of one host) on its own
    /// runtime thread.
    pub fn start(upstream: &str) -> FarProxy {
        let host = upstream
            .trim_start_matches("mongodb://")
            .split(['/', '?'])
            .next()
            .unwrap_or(upstream);
        let upstream: SocketAddr = host
            .to_socket_addrs()
            .ok()
            .and_then(|mut addresses| addresses.next())
            .expect("the upstream's host:port");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("proxy address");
        let stopped = Arc::new(AtomicBool::new(false));
        let waiting = Arc::new(Mutex::new(Waiting::default()));
        let (stop, shared) = (stopped.clone(), waiting.clone());
        let answers = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("proxy runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    let Ok((client, _)) = listener.accept().await else {
                        return;
                    };
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let (waiting, answers) = (shared.clone(), answers.clone());
                    tokio::spawn(async move {
                        let _ = relay(client, upstream, waiting, answers).await;
                    });
                }
            });
        });
        FarProxy {
            address,
            stopped,
            waiting,
        }
    }

    /// The URI to give the analyser.
    pub fn uri(&self) -> String {
        format!("mongodb://{}/?directConnection=true", self.address)
    }

    /// The most commands of each kind (`find hourly`) seen waiting for their answers at once.
    pub fn most_waiting_at_once(&self) -> BTreeMap<String, usize> {
        self.waiting
            .lock()
            .map(|waiting| waiting.most.clone())
            .unwrap_or_default()
    }
}

impl Drop for FarProxy {
    /// Stops accepting: the accept loop wakes to one last connection and ends with its thread.
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.address);
    }
}

/// Relays one connection until either side closes it: each command as it comes, each answer
/// after its wait (one command at a time on a connection, as drivers send them).
async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    waiting: Arc<Mutex<Waiting>>,
    answers: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let server = TcpStream::connect(upstream).await?;
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let sent: Arc<Mutex<Option<String>>> = Arc::default();
    let answered = sent.clone();
    let tally = waiting.clone();
    let answering = tokio::spawn(async move {
        while let Some((header, body)) = message(&mut server_read).await {
            let turn = answers.fetch_add(1, Ordering::SeqCst);
            let held = HELD_MS[turn % HELD_MS.len()];
            tokio::time::sleep(Duration::from_millis(held)).await;
            if client_write.write_all(&header).await.is_err()
                || client_write.write_all(&body).await.is_err()
            {
                break;
            }
            let kind = answered.lock().ok().and_then(|mut sent| sent.take());
            if let (Some(kind), Ok(mut tally)) = (kind, tally.lock()) {
                *tally.now.entry(kind).or_default() -= 1;
            }
        }
    });
    while let Some((header, body)) = message(&mut client_read).await {
        let opcode = i32::from_le_bytes([header[12], header[13], header[14], header[15]]);
        let kind = (opcode == OP_MSG).then(|| command_kind(&body)).flatten();
        if let (Some(kind), Ok(mut tally)) = (kind, waiting.lock()) {
            let now = tally.now.entry(kind.clone()).or_default();
            *now += 1;
            let at_once = *now;
            let most = tally.most.entry(kind.clone()).or_default();
            *most = (*most).max(at_once);
            if let Ok(mut sent) = sent.lock() {
                *sent = Some(kind);
            }
        }
        if server_write.write_all(&header).await.is_err()
            || server_write.write_all(&body).await.is_err()
        {
            break;
        }
    }
    answering.abort();
    Ok(())
}

/// One message of the wire protocol: its 16-byte header and its body; `None` once closed.
async fn message(from: &mut (impl AsyncRead + Unpin)) -> Option<([u8; 16], Vec<u8>)> {
    let mut header = [0u8; 16];
    from.read_exact(&mut header).await.ok()?;
    let length = i32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let mut body = vec![0u8; usize::try_from(length).unwrap_or(16).saturating_sub(16)];
    from.read_exact(&mut body).await.ok()?;
    Some((header, body))
}

/// The kind of command an `OP_MSG` body (after its header) holds, its name and the collection
/// it names (`find hourly`); `None` for the driver's handshakes and heartbeats (`hello`,
/// `isMaster`), sent on its own schedule.
fn command_kind(body: &[u8]) -> Option<String> {
    let document = body.get(5..)?;
    if body.get(4) != Some(&0) {
        return None;
    }
    let command = mongodb::bson::Document::from_reader(document).ok()?;
    let (name, value) = command.iter().next()?;
    if matches!(name.as_str(), "hello" | "isMaster" | "ismaster") {
        return None;
    }
    Some(match (value.as_str(), command.get_str("collection")) {
        (Some(collection), _) | (None, Ok(collection)) => format!("{name} {collection}"),
        _ => name.clone(),
    })
}
