//! A loopback proxy in front of the test MongoDB that goes away at a chosen write (or another
//! chosen command): it forwards the wire protocol as it is, counts the write commands (`insert`,
//! `update`, `delete`, `findAndModify`), and on the n-th one closes its connection without forwarding it, closes
//! every other at its next message and refuses new ones, as a server that crashes or a
//! network that fails mid-run. It needs a server without authentication (the tests'). It
//! also tallies every command it forwards by name: what a run costs on a server far away.

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The wire protocol's `OP_MSG` opcode.
const OP_MSG: i32 = 2013;

/// A proxy in front of a MongoDB server that cuts at a write.
pub struct CuttingProxy {
    address: SocketAddr,
    cut: Arc<AtomicBool>,
    writes: Arc<AtomicUsize>,
    stopped: Arc<AtomicBool>,
    tally: Tally,
    /// Connections accepted.
    connections: Arc<AtomicUsize>,
}

/// The commands forwarded, by name.
type Tally = Arc<Mutex<BTreeMap<String, usize>>>;

impl CuttingProxy {
    /// Starts a proxy to `upstream` (`host:port`) on its own runtime thread; it goes away at
    /// the `cut_at`-th write command (1 for the first).
    pub fn start(upstream: &str, cut_at: usize) -> CuttingProxy {
        CuttingProxy::start_at(upstream, WRITES, cut_at)
    }

    /// [`CuttingProxy::start`], going away at the `cut_at`-th of the commands named in
    /// `commands` (`createIndexes`: a run's first, which creates relevé's collections).
    pub fn start_at(
        upstream: &str,
        commands: &'static [&'static str],
        cut_at: usize,
    ) -> CuttingProxy {
        let upstream: SocketAddr = upstream
            .to_socket_addrs()
            .ok()
            .and_then(|mut addresses| addresses.next())
            .expect("the upstream's host:port");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("proxy address");
        let cut = Arc::new(AtomicBool::new(false));
        let writes = Arc::new(AtomicUsize::new(0));
        let stopped = Arc::new(AtomicBool::new(false));
        let tally = Tally::default();
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = connections.clone();
        let state = (cut.clone(), writes.clone(), tally.clone());
        let stop = stopped.clone();
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
                    accepted.fetch_add(1, Ordering::SeqCst);
                    if state.0.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let state = state.clone();
                    tokio::spawn(async move {
                        let (cut, writes, tally) = state;
                        let counted = Counted { cut, writes, tally };
                        let _ = relay(client, upstream, counted, commands, cut_at).await;
                    });
                }
            });
        });
        CuttingProxy {
            address,
            cut,
            writes,
            stopped,
            tally,
            connections,
        }
    }

    /// The connections accepted so far: a client's monitor, and its pool's.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The commands forwarded so far, by name, but for the handshakes and heartbeats
    /// (`hello`, `isMaster`), which the driver's monitor sends on its own schedule.
    pub fn commands(&self) -> BTreeMap<String, usize> {
        let tally = self
            .tally
            .lock()
            .map(|tally| tally.clone())
            .unwrap_or_default();
        tally
            .into_iter()
            .filter(|(name, _)| !matches!(name.as_str(), "hello" | "isMaster" | "ismaster"))
            .collect()
    }

    /// The URI to give the summariser.
    pub fn uri(&self) -> String {
        format!("mongodb://{}/?directConnection=true", self.address)
    }

    /// The write commands seen, the one cut at included.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// Whether the proxy went away.
    pub fn has_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

impl Drop for CuttingProxy {
    /// Stops accepting: the accept loop wakes to one last connection and ends with its thread.
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.address);
    }
}

/// What a connection's relay counts, shared with the proxy.
struct Counted {
    cut: Arc<AtomicBool>,
    writes: Arc<AtomicUsize>,
    tally: Tally,
}

/// Relays one connection until either side closes it or the proxy cuts.
async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    counted: Counted,
    commands: &'static [&'static str],
    cut_at: usize,
) -> std::io::Result<()> {
    let Counted { cut, writes, tally } = counted;
    let server = TcpStream::connect(upstream).await?;
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let answers = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        client_write
    });
    loop {
        let mut header = [0u8; 16];
        if client_read.read_exact(&mut header).await.is_err() || cut.load(Ordering::SeqCst) {
            break;
        }
        let length = i32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let opcode = i32::from_le_bytes([header[12], header[13], header[14], header[15]]);
        let mut body = vec![0u8; usize::try_from(length).unwrap_or(16).saturating_sub(16)];
        if client_read.read_exact(&mut body).await.is_err() {
            break;
        }
        let name = (opcode == OP_MSG).then(|| command_name(&body)).flatten();
        if name.as_deref().is_some_and(|name| commands.contains(&name))
            && writes.fetch_add(1, Ordering::SeqCst) + 1 >= cut_at
        {
            cut.store(true, Ordering::SeqCst);
            break;
        }
        if let (Some(name), Ok(mut tally)) = (name, tally.lock()) {
            *tally.entry(name).or_default() += 1;
        }
        if server_write.write_all(&header).await.is_err()
            || server_write.write_all(&body).await.is_err()
        {
            break;
        }
    }
    // Both ways closed: the client sees its connection reset mid-command.
    answers.abort();
    Ok(())
}

/// The write commands.
const WRITES: &[&str] = &["insert", "update", "delete", "findAndModify"];

/// The command an `OP_MSG` body (after its header) holds: its flag bits, then a kind-0
/// section whose document's first key names the command.
fn command_name(body: &[u8]) -> Option<String> {
    let document = body.get(5..)?;
    if body.get(4) != Some(&0) {
        return None;
    }
    let command = mongodb::bson::Document::from_reader(document).ok()?;
    command.keys().next().cloned()
}
