//! A MongoDB that answers the driver's heartbeats and pings but holds every query (a lock
//! held, a disk full, a machine swapping): the summariser, the report and the export held
//! their run, and the summariser and the day job their cron locks, until it answered, each
//! later run skipped and nothing said (stop 59's SRE). Each now gives up once an operation has
//! waited past the URI's `socketTimeoutMS` (5 minutes unless it says), saying so in one line.

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

/// The stalling front's URI, asking for a 2-second wait.
fn stalled_uri(front: &common::front::Front) -> String {
    format!("mongodb://127.0.0.1:{}/?socketTimeoutMS=2000", front.port)
}

#[test]
fn a_summariser_run_held_by_mongodb_gives_up_after_its_wait_and_keeps_the_files() {
    let dir = checkout();
    let front = common::front::Front::start("stalled_queries.py", &[]);
    let mut summariser = Command::new(testkit::binary("summariser"));
    summariser.args(["--mongodb-uri", &stalled_uri(&front), "--database", "held"]);
    let output = within_a_minute(summariser, dir.path());
    let stderr = said(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "MongoDB at mongodb://127.0.0.1:{}/?socketTimeoutMS=2000 left an operation unanswered for 2 s: it may be overloaded, held by a lock or out of disk space; see its log (the URI's socketTimeoutMS sets this wait, 5 min unless it does)",
            front.port
        )) && stderr.contains("no file was deleted whose data MongoDB had not acknowledged"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    let kept = std::fs::read_dir(dir.path().join("raw/feed"))
        .expect("raw/feed")
        .count();
    assert_eq!(kept, 1, "the landed file waits for the next run");
}

#[test]
fn a_report_held_by_mongodb_gives_up_after_its_wait_and_writes_nothing() {
    let dir = checkout();
    let front = common::front::Front::start("stalled_queries.py", &[]);
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
            && stderr.contains("left an operation unanswered for 2 s"),
        "{stderr}"
    );
    let reports = std::fs::read_dir(dir.path().join("reports"))
        .expect("reports/")
        .count();
    assert_eq!(reports, 0, "nothing half-written is left in reports/");
}

#[test]
fn an_export_held_by_mongodb_gives_up_after_its_wait_and_leaves_its_output_as_it_was() {
    let dir = checkout();
    let output_file = dir.path().join("feed.csv");
    std::fs::write(&output_file, "yesterday's export\n").expect("an earlier export");
    let front = common::front::Front::start("stalled_queries.py", &[]);
    let mut analyser = Command::new(env!("CARGO_BIN_EXE_analyser"));
    analyser
        .args([
            "export",
            "--source",
            "feed",
            "--mongodb-uri",
            &stalled_uri(&front),
        ])
        .args(["--database", "held", "--output"])
        .arg(&output_file);
    let output = within_a_minute(analyser, dir.path());
    let stderr = said(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("nothing was exported")
            && stderr.contains("left an operation unanswered for 2 s"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&output_file).expect("the earlier export"),
        "yesterday's export\n"
    );
}

/// A stage asked to stop while it waits for MongoDB (`docker stop`, a Kubernetes Job past its
/// deadline, `systemctl stop`, Ctrl-C): it stops within a moment, saying so in one line, its
/// lock released and its files kept, rather than waiting out the grace period to be killed
/// (found by the data engineer running relevé in a container).
#[test]
fn a_stage_waiting_for_mongodb_stops_at_sigterm_and_keeps_its_files() {
    let dir = checkout();
    let front = common::front::Front::start("stalled_queries.py", &[]);
    let uri = format!("mongodb://127.0.0.1:{}/", front.port);
    let stages: [(&str, std::path::PathBuf, Vec<&str>); 2] = [
        (
            "summariser",
            testkit::binary("summariser"),
            vec!["--mongodb-uri", &uri, "--database", "held"],
        ),
        (
            "analyser",
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_analyser")),
            vec!["report", "--mongodb-uri", &uri, "--database", "held"],
        ),
    ];
    for (stage, binary, args) in stages {
        let child = {
            let _forking = common::writing_or_forking();
            Command::new(binary)
                .args(&args)
                .current_dir(dir.path())
                .env_remove("MONGODB_URI")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the stage starts")
        };
        // Waiting for the held query by then.
        std::thread::sleep(Duration::from_secs(2));
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let mut child = child;
        let asked = Instant::now();
        while child.try_wait().expect("waited for").is_none() {
            if asked.elapsed() > Duration::from_secs(5) {
                let _ = child.kill();
                panic!("{stage} still runs 5 s after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let output = child.wait_with_output().expect("its output");
        let stderr = said(&output);
        assert_eq!(output.status.code(), Some(1), "{stage}: {stderr}");
        assert!(
            stderr.contains(&format!("{stage}: stopped by SIGTERM before it finished")),
            "{stage}: {stderr}"
        );
    }
    let kept = std::fs::read_dir(dir.path().join("raw/feed"))
        .expect("raw/feed")
        .count();
    assert_eq!(kept, 1, "the landed file waits for the next run");
}

/// A MongoDB that answers the driver's heartbeats (its monitoring connection) but holds the
/// handshake of the connection an operation opens: the driver bounds only the TCP and TLS part
/// of making a connection (`connectTimeoutMS`), so the wait counts from when an operation asks
/// for a connection, not from when it is handed over (found by the review of the deadline).
#[test]
fn a_summariser_run_whose_new_connection_mongodb_holds_gives_up_after_its_wait_and_keeps_the_files()
{
    let dir = checkout();
    let front = common::front::Front::start("stalled_queries.py", &[Path::new("handshakes")]);
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
    let front = common::front::Front::start("stalled_queries.py", &[Path::new("handshakes")]);
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

/// `--resummarise` given up (MongoDB holding an operation, a signal): its line said the files
/// wait for the next run, which never summarises stored hours again; it now says to run
/// `--resummarise` again, as a run refused by the lock does (found by a review).
#[test]
fn a_resummarise_given_up_says_to_run_it_again() {
    let dir = checkout();
    let front = common::front::Front::start("stalled_queries.py", &[]);
    let mut summariser = Command::new(testkit::binary("summariser"));
    summariser
        .args(["--mongodb-uri", &stalled_uri(&front), "--database", "held"])
        .args(["--resummarise", "feed"]);
    let output = within_a_minute(summariser, dir.path());
    let stderr = said(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("left an operation unanswered")
            && stderr.contains("run --resummarise again once MongoDB answers"),
        "{stderr}"
    );
}
