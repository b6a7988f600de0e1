//! Fixtures for relevé's tests: a local MongoDB-compatible server (nx-27017, started through
//! `scripts/mongo-local.sh` once per test process, on a free port, stopped when the process
//! ends), a database name per test, the real binaries, a loopback HTTP server, and a loopback
//! proxy in front of the MongoDB, far away or going away.

pub mod faketime;
pub mod france_travail;
pub mod http;
pub mod mongo_proxy;
pub mod ods_v1;
pub mod open_meteo;
pub mod opendatasoft;
mod quota;
pub mod replay;
pub mod terminal;
pub mod usgs;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// The path of one of the workspace's binaries (`collector`, `summariser`, `analyser`) for a
/// test of another package, which cargo does not build them for: built by `cargo test
/// --workspace` (or `cargo build --workspace`) before the tests run. A test of the binary's
/// own package uses `env!("CARGO_BIN_EXE_<name>")` instead. Missing, or older than a source
/// file it is built from (`cargo test -p testkit` after an edit), is a failure rather than a
/// test of yesterday's binary.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    let built = std::fs::metadata(&path).and_then(|meta| meta.modified());
    let Ok(built) = built else {
        panic!(
            "{} is missing: run `cargo build --workspace` before the tests",
            path.display()
        );
    };
    // What the binary is built from, as cargo noted it beside the binary (`<name>.d`): test
    // files of the same folders are not part of it and may be newer.
    if let Some(newer) = built_from(&dir.join(format!("{name}.d")))
        .into_iter()
        .filter_map(|source| {
            let edited = std::fs::metadata(&source).and_then(|meta| meta.modified());
            edited.ok().map(|edited| (edited, source))
        })
        .filter(|(edited, _)| *edited > built)
        .max()
    {
        panic!(
            "{} is older than {}: run `cargo build --workspace` (or `cargo test --workspace`)",
            path.display(),
            newer.1.display()
        );
    }
    path
}

/// The source files a dep-info file (`target/debug/<name>.d`, one line `target: sources…`,
/// spaces in paths escaped) lists; none when it cannot be read.
fn built_from(dep_info: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(dep_info) else {
        return Vec::new();
    };
    let Some((_, sources)) = text.lines().next().and_then(|line| line.split_once(": ")) else {
        return Vec::new();
    };
    sources
        .replace("\\ ", "\0")
        .split_whitespace()
        .map(|source| PathBuf::from(source.replace('\0', " ")))
        .collect()
}

/// A running local MongoDB-compatible server shared by the tests of one process.
pub struct MongoServer {
    uri: String,
    _dir: Option<tempfile::TempDir>,
}

static SERVER: OnceLock<MongoServer> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

impl MongoServer {
    /// The server for this test process: `RELEVE_TEST_MONGODB_URI` when set, else a fresh
    /// nx-27017 instance.
    pub fn shared() -> &'static MongoServer {
        SERVER.get_or_init(|| match std::env::var("RELEVE_TEST_MONGODB_URI") {
            Ok(uri) if !uri.is_empty() => MongoServer { uri, _dir: None },
            _ => MongoServer::start(),
        })
    }

    /// A server of the test's own beside the shared one (the new server of a move, the old one
    /// still running), stopped when dropped.
    pub fn another() -> MongoServer {
        MongoServer::start()
    }

    fn start() -> MongoServer {
        let dir = tempfile::tempdir().expect("temp dir for the MongoDB-compatible server");
        let script = workspace_root().join("scripts/mongo-local.sh");
        let output = Command::new(&script)
            .arg("start")
            .arg(dir.path())
            .output()
            .expect("scripts/mongo-local.sh runs");
        assert!(
            output.status.success(),
            "starting nx-27017 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let uri = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        stop_when_this_process_ends(&script, dir.path());
        MongoServer {
            uri,
            _dir: Some(dir),
        }
    }

    /// The server's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// A database name no other test of this process uses.
    pub fn fresh_database(&self, label: &str) -> String {
        let n = DATABASES.fetch_add(1, Ordering::Relaxed);
        let label: String = label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(24)
            .collect();
        format!("t{}_{n}_{label}", std::process::id())
    }

    /// A driver handle on a database of this server.
    pub async fn client_database(&self, name: &str) -> mongodb::Database {
        let client = mongodb::Client::with_uri_str(&self.uri)
            .await
            .expect("client for the test server");
        client.database(name)
    }
}

/// Stops a server of a test's own ([`MongoServer::another`]); the shared one, never dropped,
/// is stopped when the process ends.
impl Drop for MongoServer {
    fn drop(&mut self) {
        if let Some(dir) = &self._dir {
            let _ = Command::new(workspace_root().join("scripts/mongo-local.sh"))
                .arg("stop")
                .arg(dir.path())
                .output();
        }
    }
}

/// Stops the server and removes its folder once this test process has ended, however it ends.
/// The watchdog is in a process group of its own: a Ctrl-C at the terminal stops the tests, not
/// it (nx-27017 runs in its own session and would be left behind). Paths go as arguments, never
/// into the shell text.
fn stop_when_this_process_ends(script: &Path, dir: &Path) {
    use std::os::unix::process::CommandExt as _;
    let watchdog =
        r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"; rm -rf "$3""#;
    let _ = Command::new("sh")
        .arg("-c")
        .arg(watchdog)
        .arg("releve-test-watchdog")
        .arg(std::process::id().to_string())
        .arg(script)
        .arg(dir)
        .process_group(0)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
