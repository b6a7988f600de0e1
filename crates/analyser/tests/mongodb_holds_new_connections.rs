//! A MongoDB that answers the driver's heartbeats (its monitoring connection) but holds the
//! handshake of the connection an operation opens: the deadline of `releve::store::answered`
//! starts when a pooled connection is checked out, which the driver says only once the
//! connection is made and its handshake answered, and the driver bounds only the TCP and TLS
//! part of that by `connectTimeoutMS`. The stage then waits for ever, under its cron lock, though
//! the README says it stops after the URI's `socketTimeoutMS` (5 minutes unless it says).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};

const CONFIG: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"feed\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/feed\"\nevery = \"1h\"\nrecords = \"items\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"v\"]\n";

/// A checkout whose `raw/feed/` holds one landed file.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for folder in ["raw", "reports"] {
        std::fs::create_dir_all(root.join(folder)).expect("folder");
    }
    std::fs::write(root.join("sources.toml"), CONFIG).expect("sources.toml");
    let time = Utc::now() - TimeDelta::hours(2);
    let body = serde_json::json!({"items": [{"id": "a", "time": time.to_rfc3339(), "v": 1.0}]});
    let body = serde_json::to_vec(&body).expect("JSON");
    releve::rawfile::land(&root.join("raw"), "feed", time, &body).expect("landed");
    dir
}

/// Runs `command` in `dir`, failing the test if it has not ended after a minute.
fn within_a_minute(mut command: Command, dir: &Path) -> Output {
    let child = {
        let _forking = common::writing_or_forking();
        command
            .current_dir(dir)
            .env_remove("MONGODB_URI")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the stage starts")
    };
    let mut child = child;
    let started = Instant::now();
    while child.try_wait().expect("waited for").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("still waiting for MongoDB after a minute");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.wait_with_output().expect("its output")
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The front's URI, asking for a 2-second wait.
fn stalled_uri(front: &common::front::Front) -> String {
    format!("mongodb://127.0.0.1:{}/?socketTimeoutMS=2000", front.port)
}

#[test]
fn a_summariser_run_whose_new_connection_mongodb_holds_gives_up_after_its_wait_and_keeps_the_files()
{
    let dir = checkout();
    let front = common::front::Front::start("stalled_handshakes.py", &[]);
    let mut summariser = Command::new(testkit::binary("summariser"));
    summariser.args(["--mongodb-uri", &stalled_uri(&front), "--database", "held"]);
    let output = within_a_minute(summariser, dir.path());
    let stderr = said(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("MongoDB at mongodb://127.0.0.1:{}/", front.port))
            && stderr.contains("no file was deleted whose data MongoDB had not acknowledged"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    let kept = std::fs::read_dir(dir.path().join("raw/feed"))
        .expect("raw/feed")
        .count();
    assert_eq!(kept, 1, "the landed file waits for the next run");
}

#[test]
fn a_report_whose_new_connection_mongodb_holds_gives_up_after_its_wait_and_writes_nothing() {
    let dir = checkout();
    let front = common::front::Front::start("stalled_handshakes.py", &[]);
    let mut analyser = Command::new(env!("CARGO_BIN_EXE_analyser"));
    analyser.args([
        "report",
        "--mongodb-uri",
        &stalled_uri(&front),
        "--database",
        "held",
    ]);
    let output = within_a_minute(analyser, dir.path());
    let stderr = said(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no report was written")
            && stderr.contains(&format!("MongoDB at mongodb://127.0.0.1:{}/", front.port)),
        "{stderr}"
    );
}
