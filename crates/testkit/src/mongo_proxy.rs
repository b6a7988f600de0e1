//! A loopback proxy in front of the test MongoDB, for tests of a server far away or going
//! away: it forwards the wire protocol message by message, tallies the commands it forwards
//! by name (what a run costs on a server far away), and as its [`Conduct`] says, holds each
//! answer back a while of its own (varied, so that answers to reads sent together come back in
//! another order than they were sent) and goes away at the n-th of chosen commands: that
//! connection closed without forwarding it, every other at its next message, new ones refused,
//! as a server that crashes or a network that fails mid-run; or answers a chosen command (each,
//! or the first only) with a chosen error itself, as a real MongoDB refuses what nx-27017 lets
//! pass. It needs a server without authentication (the tests').

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};

/// The wire protocol's `OP_MSG` opcode.
const OP_MSG: i32 = 2013;

/// The write commands.
const WRITES: &[&str] = &["insert", "update", "delete", "findAndModify"];

/// How long a far server's answers are held back, in turn: varied, so a read sent later is
/// often answered first.
const FAR_HELD_MS: &[u64] = &[40, 3, 25, 60, 10, 1, 33];

/// What the proxy does besides forwarding.
#[derive(Debug, Clone, Copy)]
pub struct Conduct {
    /// How long each answer is held back, in milliseconds, in turn over all connections;
    /// none: answers go at once.
    pub held_ms: &'static [u64],
    /// The commands whose `cut_at`-th (1 for the first) the proxy goes away at.
    pub cut_on: &'static [&'static str],
    /// Which of the `cut_on` commands the proxy goes away at; `usize::MAX`: none.
    pub cut_at: usize,
    /// The error the proxy answers a kind of command with itself, not forwarding it.
    pub refuse: Option<Refusal>,
    /// How many commands of `refuse`'s kind it answers so (1: the first only, as a server
    /// whose state changed after its refusal); `usize::MAX`: each.
    pub refuse_times: usize,
}

/// An error the proxy answers each command of a kind with, as a server refusing it.
#[derive(Debug, Clone, Copy)]
pub struct Refusal {
    /// The kind of command refused: its name and collection (`createIndexes hourly`).
    pub kind: &'static str,
    /// The server's error code (85).
    pub code: i32,
    /// The code's name (`IndexOptionsConflict`).
    pub code_name: &'static str,
    /// The server's message.
    pub message: &'static str,
}

impl Conduct {
    /// A server far away: its answers held back as `FAR_HELD_MS` says, never cut.
    pub fn far() -> Conduct {
        Conduct {
            held_ms: FAR_HELD_MS,
            cut_on: &[],
            cut_at: usize::MAX,
            refuse: None,
            refuse_times: usize::MAX,
        }
    }

    /// A server nearby that stays: its commands tallied, its writes counted.
    pub fn counting() -> Conduct {
        Conduct::cut_at_write(usize::MAX)
    }

    /// A server going away at the `cut_at`-th write command.
    pub fn cut_at_write(cut_at: usize) -> Conduct {
        Conduct::cut_at_command(WRITES, cut_at)
    }

    /// A server going away at the `cut_at`-th of the commands named in `commands`
    /// (`createIndexes`: a run's first, which creates relevé's collections).
    pub fn cut_at_command(commands: &'static [&'static str], cut_at: usize) -> Conduct {
        Conduct {
            held_ms: &[],
            cut_on: commands,
            cut_at,
            refuse: None,
            refuse_times: usize::MAX,
        }
    }

    /// A server nearby that stays, and answers each command of `refusal`'s kind with its
    /// error.
    pub fn refusing(refusal: Refusal) -> Conduct {
        Conduct {
            refuse: Some(refusal),
            ..Conduct::counting()
        }
    }

    /// A server nearby that stays, and answers the first command of `refusal`'s kind with its
    /// error, forwarding the others.
    pub fn refusing_once(refusal: Refusal) -> Conduct {
        Conduct {
            refuse_times: 1,
            ..Conduct::refusing(refusal)
        }
    }
}

/// A proxy in front of a MongoDB server, on its own runtime thread.
pub struct MongoProxy {
    address: SocketAddr,
    seen: Arc<Seen>,
    stopped: Arc<AtomicBool>,
}

/// What the proxy saw, shared by its connections.
#[derive(Default)]
struct Seen {
    /// Whether the proxy went away.
    cut: AtomicBool,
    /// The commands cut on seen, the one cut at included.
    cut_on_seen: AtomicUsize,
    /// The commands of [`Conduct::refuse`]'s kind seen, refused or not.
    refusable_seen: AtomicUsize,
    /// The answers sent, for their turn of [`Conduct::held_ms`].
    answers: AtomicUsize,
    /// The connections accepted: a client's monitor, and its pool's.
    connections: AtomicUsize,
    /// The commands forwarded, by name.
    forwarded: Mutex<BTreeMap<String, usize>>,
    /// The commands forwarded, by kind (`find records`).
    forwarded_kinds: Mutex<BTreeMap<String, usize>>,
    /// The filters of the `find` commands forwarded, with the collection each named.
    find_filters: Mutex<Vec<(String, mongodb::bson::Document)>>,
    /// The documents answers returned in a cursor's batch, by the kind of their command
    /// (`find records`, `getMore records`).
    returned: Mutex<BTreeMap<String, usize>>,
    /// The bytes of the answers to cursors' commands, by kind: what reads cost on a link.
    returned_bytes: Mutex<BTreeMap<String, usize>>,
    /// The commands waiting for their answers, by kind.
    waiting: Mutex<Waiting>,
}

/// The commands waiting for their answers, by kind (`find hourly`), and the most seen waiting
/// at once.
#[derive(Default)]
struct Waiting {
    now: BTreeMap<String, usize>,
    most: BTreeMap<String, usize>,
}

impl MongoProxy {
    /// Starts a proxy to `upstream` (`host:port` or a `mongodb://` URI of one host) that
    /// behaves as `conduct` says.
    ///
    /// # Panics
    /// When `upstream` names no address or no loopback port can be bound: fatal to a test.
    pub fn start(upstream: &str, conduct: Conduct) -> MongoProxy {
        let host = upstream
            .trim_start_matches("mongodb://")
            .split(['/', '?'])
            .next()
            .unwrap_or(upstream);
        let upstream: SocketAddr = host
            .to_socket_addrs()
            .ok()
            .and_then(|mut addresses| addresses.next())
            .unwrap_or_else(|| panic!("no host:port in the upstream {upstream}"));
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|err| panic!("cannot bind the proxy on loopback: {err}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|err| panic!("the proxy's address: {err}"));
        if let Err(err) = listener.set_nonblocking(true) {
            panic!("the proxy's listener cannot be made non-blocking: {err}");
        }
        let seen = Arc::new(Seen::default());
        let stopped = Arc::new(AtomicBool::new(false));
        let (shared, stop) = (seen.clone(), stopped.clone());
        std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => panic!("the proxy's runtime: {err}"),
            };
            runtime.block_on(accept(listener, upstream, conduct, shared, stop));
        });
        MongoProxy {
            address,
            seen,
            stopped,
        }
    }

    /// The connections accepted so far: a client's monitor, and its pool's.
    pub fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }

    /// The URI to give a stage.
    pub fn uri(&self) -> String {
        format!("mongodb://{}/?directConnection=true", self.address)
    }

    /// The commands forwarded so far, by name, but for the handshakes and heartbeats
    /// (`hello`, `isMaster`), which the driver's monitor sends on its own schedule.
    pub fn commands(&self) -> BTreeMap<String, usize> {
        let forwarded = self
            .seen
            .forwarded
            .lock()
            .map(|forwarded| forwarded.clone())
            .unwrap_or_default();
        forwarded
            .into_iter()
            .filter(|(name, _)| !is_heartbeat(name))
            .collect()
    }

    /// The commands forwarded so far, by kind (`find records`), but for the heartbeats.
    pub fn commands_by_kind(&self) -> BTreeMap<String, usize> {
        let forwarded = self
            .seen
            .forwarded_kinds
            .lock()
            .map(|forwarded| forwarded.clone())
            .unwrap_or_default();
        forwarded
            .into_iter()
            .filter(|(kind, _)| !kind.split(' ').next().is_some_and(is_heartbeat))
            .collect()
    }

    /// The documents returned so far in cursors' batches, by the kind of the command answered
    /// (`find records`, `getMore records`): what reads cost on a link.
    pub fn documents_returned(&self) -> BTreeMap<String, usize> {
        self.seen
            .returned
            .lock()
            .map(|returned| returned.clone())
            .unwrap_or_default()
    }

    /// The bytes of the answers to cursors' commands so far, headers included, by the kind of
    /// the command answered (`find records`, `getMore records`).
    pub fn bytes_returned(&self) -> BTreeMap<String, usize> {
        self.seen
            .returned_bytes
            .lock()
            .map(|bytes| bytes.clone())
            .unwrap_or_default()
    }

    /// The filters of the `find` commands forwarded so far on `collection`, in turn: how a
    /// run read it.
    pub fn find_filters(&self, collection: &str) -> Vec<mongodb::bson::Document> {
        self.seen
            .find_filters
            .lock()
            .map(|filters| {
                filters
                    .iter()
                    .filter(|(on, _)| on == collection)
                    .map(|(_, filter)| filter.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The commands cut on seen (the write commands, unless others were named), the one cut at
    /// included.
    pub fn writes(&self) -> usize {
        self.seen.cut_on_seen.load(Ordering::SeqCst)
    }

    /// Whether the proxy went away.
    pub fn has_cut(&self) -> bool {
        self.seen.cut.load(Ordering::SeqCst)
    }

    /// The most commands of each kind (`find hourly`) seen waiting for their answers at once.
    pub fn most_waiting_at_once(&self) -> BTreeMap<String, usize> {
        self.seen
            .waiting
            .lock()
            .map(|waiting| waiting.most.clone())
            .unwrap_or_default()
    }
}

impl Drop for MongoProxy {
    /// Stops accepting: the accept loop wakes to one last connection and ends with its thread.
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.address);
    }
}

/// Accepts connections until the proxy is dropped, refusing them once it went away.
async fn accept(
    listener: std::net::TcpListener,
    upstream: SocketAddr,
    conduct: Conduct,
    seen: Arc<Seen>,
    stopped: Arc<AtomicBool>,
) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        if stopped.load(Ordering::SeqCst) {
            return;
        }
        seen.connections.fetch_add(1, Ordering::SeqCst);
        if seen.cut.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        let seen = seen.clone();
        tokio::spawn(async move {
            let _ = relay(client, upstream, conduct, seen).await;
        });
    }
}

/// Relays one connection until either side closes it or the proxy goes away: each command as
/// it comes, each answer after its hold (one command at a time on a connection, as drivers
/// send them).
async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    conduct: Conduct,
    seen: Arc<Seen>,
) -> std::io::Result<()> {
    let server = TcpStream::connect(upstream).await?;
    let (mut client_read, client_write) = client.into_split();
    let client_write = Arc::new(tokio::sync::Mutex::new(client_write));
    let (mut server_read, mut server_write) = server.into_split();
    let sent: Arc<Mutex<Option<String>>> = Arc::default();
    let (answered, answering_seen) = (sent.clone(), seen.clone());
    let answering_write = client_write.clone();
    let answering = tokio::spawn(async move {
        let seen = answering_seen;
        while let Some((header, body)) = message(&mut server_read).await {
            let turn = seen.answers.fetch_add(1, Ordering::SeqCst);
            if let Some(held) = conduct.held_ms.get(turn % conduct.held_ms.len().max(1)) {
                tokio::time::sleep(Duration::from_millis(*held)).await;
            }
            if !answer(&answering_write, &header, &body).await {
                break;
            }
            let kind = answered.lock().ok().and_then(|mut sent| sent.take());
            if let (Some(kind), Some(found), Ok(mut returned)) =
                (&kind, batch_length(&body), seen.returned.lock())
            {
                *returned.entry(kind.clone()).or_default() += found;
                if let Ok(mut bytes) = seen.returned_bytes.lock() {
                    *bytes.entry(kind.clone()).or_default() += header.len() + body.len();
                }
            }
            if let (Some(kind), Ok(mut waiting)) = (kind, seen.waiting.lock()) {
                *waiting.now.entry(kind).or_default() -= 1;
            }
        }
    });
    while let Some((header, body)) = message(&mut client_read).await {
        if seen.cut.load(Ordering::SeqCst) {
            break;
        }
        let opcode = i32::from_le_bytes([header[12], header[13], header[14], header[15]]);
        let command = (opcode == OP_MSG).then(|| Command::of(&body)).flatten();
        if let Some(command) = command {
            if conduct.cut_on.contains(&command.name.as_str())
                && seen.cut_on_seen.fetch_add(1, Ordering::SeqCst) + 1 >= conduct.cut_at
            {
                seen.cut.store(true, Ordering::SeqCst);
                break;
            }
            if let Some(refusal) = conduct.refuse.filter(|refusal| {
                refusal.kind == command.kind
                    && seen.refusable_seen.fetch_add(1, Ordering::SeqCst) < conduct.refuse_times
            }) {
                let (header, body) = refused(&header, refusal);
                if !answer(&client_write, &header, &body).await {
                    break;
                }
                continue;
            }
            seen.note(command, &sent);
        }
        if server_write.write_all(&header).await.is_err()
            || server_write.write_all(&body).await.is_err()
        {
            break;
        }
    }
    // Both ways closed: once cut, the client sees its connection reset mid-command.
    answering.abort();
    Ok(())
}

impl Seen {
    /// Notes `command` forwarded, and waiting for its answer (noted in `sent`) unless it is a
    /// heartbeat.
    fn note(&self, command: Command, sent: &Mutex<Option<String>>) {
        if let Ok(mut forwarded) = self.forwarded.lock() {
            *forwarded.entry(command.name.clone()).or_default() += 1;
        }
        if let Ok(mut kinds) = self.forwarded_kinds.lock() {
            *kinds.entry(command.kind.clone()).or_default() += 1;
        }
        if let (Some(find), Ok(mut filters)) = (command.find, self.find_filters.lock()) {
            filters.push(find);
        }
        if is_heartbeat(&command.name) {
            return;
        }
        if let Ok(mut waiting) = self.waiting.lock() {
            let now = waiting.now.entry(command.kind.clone()).or_default();
            *now += 1;
            let at_once = *now;
            let most = waiting.most.entry(command.kind.clone()).or_default();
            *most = (*most).max(at_once);
        }
        if let Ok(mut sent) = sent.lock() {
            *sent = Some(command.kind);
        }
    }
}

/// Sends the client an answer; false once it cannot be sent.
async fn answer(client: &tokio::sync::Mutex<OwnedWriteHalf>, header: &[u8], body: &[u8]) -> bool {
    let mut client = client.lock().await;
    client.write_all(header).await.is_ok() && client.write_all(body).await.is_ok()
}

/// The answer (its header and body) refusing the command whose header is `asked` as
/// `refusal` says: an `OP_MSG` of one kind-0 section, `ok: 0` with its code and message.
fn refused(asked: &[u8; 16], refusal: Refusal) -> ([u8; 16], Vec<u8>) {
    let error = mongodb::bson::doc! {
        "ok": 0.0,
        "errmsg": refusal.message,
        "code": refusal.code,
        "codeName": refusal.code_name,
    };
    let mut body = vec![0, 0, 0, 0, 0];
    if let Err(err) = error.to_writer(&mut body) {
        panic!("the refusal's document: {err}");
    }
    let length = i32::try_from(16 + body.len()).unwrap_or(i32::MAX);
    let mut header = [0u8; 16];
    header[0..4].copy_from_slice(&length.to_le_bytes());
    header[8..12].copy_from_slice(&asked[4..8]);
    header[12..16].copy_from_slice(&OP_MSG.to_le_bytes());
    (header, body)
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

/// How many documents an `OP_MSG` answer's cursor batch holds (`firstBatch`, `nextBatch`);
/// `None` for an answer without a cursor.
fn batch_length(body: &[u8]) -> Option<usize> {
    if body.get(4) != Some(&0) {
        return None;
    }
    let answer = mongodb::bson::Document::from_reader(body.get(5..)?).ok()?;
    let cursor = answer.get_document("cursor").ok()?;
    let batch = cursor
        .get_array("firstBatch")
        .or_else(|_| cursor.get_array("nextBatch"))
        .ok()?;
    Some(batch.len())
}

/// A command sent.
struct Command {
    /// Its name (`find`).
    name: String,
    /// Its name and the collection it names (`find hourly`), or its name alone.
    kind: String,
    /// A `find`'s collection and filter.
    find: Option<(String, mongodb::bson::Document)>,
}

impl Command {
    /// The command an `OP_MSG` body (after its header) holds: its flag bits, then a kind-0
    /// section whose document's first key names the command.
    fn of(body: &[u8]) -> Option<Command> {
        let document = body.get(5..)?;
        if body.get(4) != Some(&0) {
            return None;
        }
        let command = mongodb::bson::Document::from_reader(document).ok()?;
        let (name, value) = command.iter().next()?;
        let kind = match (value.as_str(), command.get_str("collection")) {
            (Some(collection), _) | (None, Ok(collection)) => format!("{name} {collection}"),
            _ => name.clone(),
        };
        let find = match (name.as_str(), value.as_str()) {
            ("find", Some(collection)) => Some((
                collection.to_owned(),
                command.get_document("filter").cloned().unwrap_or_default(),
            )),
            _ => None,
        };
        Some(Command {
            name: name.clone(),
            kind,
            find,
        })
    }
}

/// Whether a command's name is one of the driver's handshakes and heartbeats, sent on its own
/// schedule.
fn is_heartbeat(name: &str) -> bool {
    matches!(name, "hello" | "isMaster" | "ismaster")
}
