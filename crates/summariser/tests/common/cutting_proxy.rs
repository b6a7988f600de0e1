//! A loopback proxy in front of the test MongoDB that goes away at a chosen write (or another
//! chosen command): it forwards the wire protocol as it is, counts the write commands (`insert`,
//! `update`, `delete`, `findAndModify`), and on the n-th one closes its connection without forwarding it, closes
//! every other at its next message and refuses new ones, as a server that crashes or a
//! network that fails mid-run. It needs a server without authentication (the tests').

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
}

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
        let state = (cut.clone(), writes.clone());
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
                    if state.0.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let state = state.clone();
                    tokio::spawn(async move {
                        let _ = relay(client, upstream, state.0, state.1, commands, cut_at).await;
                    });
                }
            });
        });
        CuttingProxy {
            address,
            cut,
            writes,
            stopped,
        }
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

/// Relays one connection until either side closes it or the proxy cuts.
async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    cut: Arc<AtomicBool>,
    writes: Arc<AtomicUsize>,
    commands: &'static [&'static str],
    cut_at: usize,
) -> std::io::Result<()> {
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
        if opcode == OP_MSG
            && is_one_of(&body, commands)
            && writes.fetch_add(1, Ordering::SeqCst) + 1 >= cut_at
        {
            cut.store(true, Ordering::SeqCst);
            break;
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

/// Whether an `OP_MSG` body (after its header) holds one of `commands`: its flag bits, then a
/// kind-0 section whose document's first key names the command.
fn is_one_of(body: &[u8], commands: &[&str]) -> bool {
    let Some(document) = body.get(5..) else {
        return false;
    };
    if body.get(4) != Some(&0) {
        return false;
    }
    let Ok(command) = mongodb::bson::Document::from_reader(document) else {
        return false;
    };
    command
        .keys()
        .next()
        .is_some_and(|name| commands.contains(&name.as_str()))
}
