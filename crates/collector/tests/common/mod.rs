//! Shared set-up of the collector's integration tests: a temp folder holding `sources.toml`
//! and `raw/`, arguments for the library's `run`, and readers for what landed.

#![allow(dead_code)]

pub mod eco2mix;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use collector::{Args, RetryPolicy};
use releve::RunMetrics;
use releve::cli::{ConfigArgs, RawDirArgs};
use releve::rawfile::{self, RawFileRole};

/// A temp folder with a configuration and a raw folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// Writes `config` as `sources.toml` in a fresh temp folder.
    pub fn new(config: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("sources.toml"), config).expect("write config");
        Site { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("sources.toml")
    }

    pub fn raw(&self) -> PathBuf {
        self.dir.path().join("raw")
    }

    /// Arguments for `collector::run`: only `sources` (all when empty), `--force` or not.
    pub fn args(&self, sources: &[&str], force: bool) -> Args {
        Args {
            config: ConfigArgs {
                config: self.config(),
            },
            raw_dir: RawDirArgs {
                raw_dir: self.raw(),
            },
            sources: sources.iter().map(|s| (*s).to_owned()).collect(),
            force,
            date: None,
            since: None,
            check: false,
        }
    }

    /// Runs the collector once on every source due, as cron does, with [`fast_policy`].
    pub async fn run(&self) -> collector::Outcome {
        collector::run_with(&self.args(&[], false), fast_policy())
            .await
            .expect("the collector runs")
    }

    /// Runs the collector once on every source (`--force` or not) with [`fast_policy`],
    /// expecting exactly one source to fail and nothing to land from it: its reason, checked to
    /// be one line.
    pub async fn failed_run(&self, force: bool) -> String {
        let outcome = collector::run_with(&self.args(&[], force), fast_policy())
            .await
            .expect("the collector runs");
        let failures: Vec<_> = outcome.failures().collect();
        assert_eq!(
            failures.len(),
            1,
            "one failed source: {:?}",
            outcome.sources
        );
        let (source, reason) = failures[0];
        assert!(!reason.contains('\n'), "one line: {reason}");
        assert!(self.data_files(source).is_empty(), "nothing partial lands");
        reason.to_owned()
    }

    /// Landed data files of `source`, oldest first.
    pub fn data_files(&self, source: &str) -> Vec<PathBuf> {
        self.files(source, RawFileRole::Data)
    }

    /// The state the collector saved for `source`.
    pub fn state(&self, source: &str) -> collector::state::SourceState {
        let path = self.raw().join(source).join(".state.json");
        serde_json::from_slice(&std::fs::read(path).expect("state")).expect("state JSON")
    }

    /// Edits the state the collector saved for `source`, as a run would have left it.
    pub fn edit_state(&self, source: &str, edit: impl FnOnce(&mut collector::state::SourceState)) {
        let mut state = self.state(source);
        edit(&mut state);
        let path = self.raw().join(source).join(".state.json");
        std::fs::write(path, serde_json::to_vec(&state).expect("JSON")).expect("write state");
    }

    /// Run metrics of `source`, oldest first.
    pub fn metrics(&self, source: &str) -> Vec<RunMetrics> {
        self.files(source, RawFileRole::Metrics)
            .iter()
            .map(|path| {
                serde_json::from_slice(&std::fs::read(path).expect("read metrics"))
                    .expect("metrics are RunMetrics")
            })
            .collect()
    }

    /// The landed files of `source` with `role`, oldest first.
    pub fn files(&self, source: &str, role: RawFileRole) -> Vec<PathBuf> {
        rawfile::list(&self.raw(), source)
            .expect("list raw files")
            .into_iter()
            .filter(|name| name.role == role)
            .map(|name| name.path_in(&self.raw()))
            .collect()
    }

    /// Every file under `raw/` (hidden ones too) with its contents as text.
    pub fn everything_written(&self) -> Vec<(PathBuf, String)> {
        let mut found = Vec::new();
        walk(&self.raw(), &mut found);
        found
    }

    /// Names of every file under `raw/<source>/`, hidden ones included.
    pub fn file_names(&self, source: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.raw().join(source))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

fn walk(dir: &Path, found: &mut Vec<(PathBuf, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            let text =
                String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
            found.push((path, text));
        }
    }
}

/// A retry policy with millisecond backoffs, so fault tests stay fast.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
        throttled_floor: Duration::from_millis(10),
    }
}

/// A `[[source]]` table of kind `http_json` reading a USGS-shaped feed at `url`.
pub fn usgs_source(name: &str, url: &str, extra: &str) -> String {
    usgs_source_every(name, url, "1m", extra)
}

/// [`usgs_source`] collected every `every`. A test that runs the collector twice and expects
/// the second run to find the source not due uses `5m`: a `1m` source is due again at the next
/// minute, which a quick second run may reach.
pub fn usgs_source_every(name: &str, url: &str, every: &str, extra: &str) -> String {
    format!(
        r#"
[[source]]
name = "{name}"
kind = "http_json"
url = "{url}"
every = "{every}"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
{extra}
"#
    )
}

/// A USGS-shaped body with `n` earthquakes.
pub fn usgs_body(n: usize) -> String {
    let features: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "type": "Feature",
                "id": format!("us{i:04}"),
                "properties": {"mag": 1.0 + i as f64 / 10.0, "time": 1_763_795_000_000_i64 + i as i64 * 1000, "type": "earthquake"},
                "geometry": {"type": "Point", "coordinates": [-155.2, 19.3, 3.9]}
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "metadata": {"count": n}, "features": features})
        .to_string()
}

/// A loopback server whose `/feed` answers each call with `answer(n)`, `n` counting calls from
/// 0, and the number of calls it answered.
pub fn numbered_feed<F, Fut, R>(
    answer: F,
) -> (
    testkit::http::LocalServer,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
)
where
    F: Fn(usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = R> + Send + 'static,
    R: axum::response::IntoResponse + 'static,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = testkit::http::LocalServer::start(axum::Router::new().route(
        "/feed",
        axum::routing::get(move || answer(counter.fetch_add(1, Ordering::SeqCst))),
    ));
    (server, calls)
}

/// Every variable a proxy is read from.
const PROXY_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The real `collector` binary, forced, in `site`'s folder, every proxy variable of the
/// test's own environment cleared, for the test to set its own.
pub fn collector_without_proxies(site: &Site) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    command.current_dir(site.dir.path()).arg("--force");
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// A loopback listener on `address` (`127.0.0.1:0`, `[::1]:0`) answering each request, once
/// its head is read, with `answer` whole and closing: its port and the requests it was sent.
pub fn answering_each_request(address: &str, answer: String) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind(address).expect("bind");
    let port = listener.local_addr().expect("address").port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let _ = stream.write_all(answer.as_bytes());
            let _ = stream.shutdown(Shutdown::Both);
        }
    });
    (port, requests)
}

/// An HTTP/1.1 answer closing its connection: `status` (`200 OK`), `headers` (each ending
/// `\r\n`), then `body` of `content_type`.
pub fn closing_answer(status: &str, headers: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}
