//! An export to standard output (`analyser export --source … > file.csv`) of a month, whose
//! MongoDB holds a `getMore` of its second day once its first day's rows are written:
//! `releve::store::answered` gives it up after the URI's `socketTimeoutMS`, and the failure
//! line says "nothing was exported" though the first day's rows were written to standard
//! output (flushed as the writer is dropped), which the user's file now holds: a CSV cut short,
//! looking whole, said to be nothing.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{Datelike, TimeDelta, Utc};

const CONFIG: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"feed\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/feed\"\nevery = \"1h\"\nrecords = \"items\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"v\"]\n";

/// Records of the first day of last month (its whole day fits in a cursor's first batch, 101)
/// and of its second day (more than that, read past a `getMore`).
const FIRST_DAY: i64 = 10;
const SECOND_DAY: i64 = 300;

/// A checkout whose `raw/feed/` holds one landed file of records of the first two days of last
/// month, at noon.
fn checkout() -> (tempfile::TempDir, chrono::NaiveDate) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for folder in ["raw", "reports"] {
        std::fs::create_dir_all(root.join(folder)).expect("folder");
    }
    std::fs::write(root.join("sources.toml"), CONFIG).expect("sources.toml");
    let this_month = Utc::now().date_naive().with_day(1).expect("the 1st");
    let first = (this_month - TimeDelta::days(1))
        .with_day(1)
        .expect("last month's 1st");
    let noon = first.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    let times = (0..FIRST_DAY)
        .map(|i| noon + TimeDelta::seconds(i))
        .chain((0..SECOND_DAY).map(|i| noon + TimeDelta::days(1) + TimeDelta::seconds(i)));
    let items: Vec<_> = times
        .enumerate()
        .map(|(i, time)| {
            serde_json::json!({"id": format!("r{i}"), "time": time.to_rfc3339(), "v": i as f64})
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({"items": items})).expect("JSON");
    releve::rawfile::land(&root.join("raw"), "feed", Utc::now(), &body).expect("landed");
    (dir, first)
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
    let output = std::thread::spawn(move || {
        while child.try_wait().expect("waited for").is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        child
    });
    let child = output.join().expect("the waiter");
    child.wait_with_output().expect("its output")
}

#[test]
fn an_export_to_standard_output_held_after_its_first_rows_does_not_say_nothing_was_exported() {
    let (dir, first) = checkout();
    let database = format!("held_midway_{}", std::process::id());
    let server = testkit::MongoServer::shared();
    let mut summariser = Command::new(testkit::binary("summariser"));
    summariser.args(["--mongodb-uri", server.uri(), "--database", &database]);
    let stored = within_a_minute(summariser, dir.path());
    assert!(
        stored.status.success(),
        "{}",
        String::from_utf8_lossy(&stored.stderr)
    );

    let front = common::front::Front::start("stalled_queries.py", &[Path::new("getmore")]);
    let uri = format!("mongodb://127.0.0.1:{}/?socketTimeoutMS=2000", front.port);
    let mut analyser = Command::new(env!("CARGO_BIN_EXE_analyser"));
    analyser
        .args(["export", "--source", "feed", "--mongodb-uri", &uri])
        .args(["--database", &database, "--period", "month"])
        .args(["--date", &first.to_string()]);
    let output = within_a_minute(analyser, dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("left an operation unanswered for 2 s"),
        "{stderr}"
    );
    let rows = stdout.lines().count().saturating_sub(1);
    assert_eq!(
        rows, FIRST_DAY as usize,
        "the first batch's rows were written: {rows}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        !stderr.contains("nothing was exported"),
        "{rows} rows were written to standard output, yet: {stderr}"
    );
}
