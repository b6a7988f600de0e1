//! Locks between real processes: the crontab's summariser line, run twice while the first run
//! is still going, runs the stage once; a holder killed with `kill -9` leaves no stale lock;
//! `releve::RunLock` (the binaries' own lock) and flock(1) exclude each other. The crontab
//! line also keeps its log bounded.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use releve::RunLock;

/// A stand-in summariser: notes that it ran, then holds on until its stdin gives a line or ends.
const STAND_IN: &str =
    "#!/bin/sh\necho \"collector ran\" >>ran.txt\necho 'Collected.' >&2\nread _ || true\n";

/// A temp checkout holding the crontab's helpers and a stand-in release summariser.
struct Checkout {
    dir: tempfile::TempDir,
    line: String,
}

impl Checkout {
    fn new() -> Checkout {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = testkit::workspace_root();
        let writing = common::writing_or_forking();
        let rotate = dir.path().join("deploy/cron/rotate-log");
        std::fs::create_dir_all(rotate.parent().expect("a parent")).expect("folders");
        std::fs::copy(root.join("deploy/cron/rotate-log"), &rotate).expect("copy rotate-log");
        common::write_executable(&dir.path().join("target/release/summariser"), STAND_IN);
        drop(writing);
        let template = std::fs::read_to_string(root.join("crontab")).expect("read crontab");
        let home = dir.path().to_str().expect("UTF-8 temp path");
        let line = template
            .lines()
            .find(|line| !line.starts_with('#') && line.contains("target/release/summariser"))
            .expect("the crontab runs the summariser")
            .replace("@RELEVE_HOME@", home);
        let command = line
            .split_whitespace()
            .skip(5)
            .collect::<Vec<_>>()
            .join(" ");
        Checkout { dir, line: command }
    }

    /// The crontab line run the way cron runs it (`sh -c`), in its own process group.
    fn command(&self) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(&self.line).process_group(0);
        command
    }

    fn start(&self, stdin: Stdio) -> Child {
        let _forking = common::writing_or_forking();
        self.command()
            .stdin(stdin)
            .spawn()
            .expect("start the crontab line")
    }

    fn run_to_end(&self) -> ExitStatus {
        self.start(Stdio::null()).wait().expect("wait for the line")
    }

    fn runs(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("ran.txt"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    /// Waits (up to a generous bound, for slow machines) until the stage has run `n` times.
    fn wait_for_runs(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.runs() < n {
            assert!(Instant::now() < deadline, "the stage never started");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }
}

#[test]
fn a_run_still_going_makes_the_next_cron_run_skip() {
    let checkout = Checkout::new();
    let mut first = checkout.start(Stdio::piped());
    checkout.wait_for_runs(1);

    checkout.run_to_end();
    assert_eq!(checkout.runs(), 1, "the stage did not run twice at once");
    let log = std::fs::read_to_string(checkout.path("logs/summariser.log")).expect("log");
    assert!(
        log.contains(
            "summariser: the previous run still holds logs/summariser.lock; this run is skipped."
        ),
        "the skipped run says so in the log: {log}"
    );

    let mut release = first.stdin.take().expect("stdin of the first run");
    writeln!(release).expect("let the first run finish");
    drop(release);
    assert!(first.wait().expect("first run ends").success());

    assert!(checkout.run_to_end().success(), "the next run goes ahead");
    assert_eq!(checkout.runs(), 2);
    let log = std::fs::read_to_string(checkout.path("logs/summariser.log")).expect("log");
    assert_eq!(
        log.matches("Collected.").count(),
        2,
        "stderr of each run is logged: {log}"
    );
}

#[test]
fn a_holder_killed_with_sigkill_leaves_no_stale_lock() {
    let checkout = Checkout::new();
    let mut first = checkout.start(Stdio::piped());
    checkout.wait_for_runs(1);

    let group = format!("-{}", first.id());
    let forking = common::writing_or_forking();
    let killed = Command::new("sh")
        .args(["-c", "kill -s KILL -- \"$1\"", "sh", &group])
        .status()
        .expect("run the shell's kill");
    drop(forking);
    assert!(killed.success());
    assert!(!first.wait().expect("the killed run ends").success());

    assert!(
        checkout.run_to_end().success(),
        "the lock went with its holder"
    );
    assert_eq!(checkout.runs(), 2);
}

#[test]
fn run_lock_and_flock_exclude_each_other_across_processes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(".summariser.lock");
    let forking = common::writing_or_forking();
    let mut holder = Command::new("flock")
        .arg(&path)
        .args(["-c", "echo held; read _ || true"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run flock(1)");
    drop(forking);
    let mut said = String::new();
    BufReader::new(holder.stdout.take().expect("holder stdout"))
        .read_line(&mut said)
        .expect("holder says it holds the lock");
    assert_eq!(said.trim(), "held");

    assert!(
        RunLock::try_acquire(&path).expect("lock file").is_none(),
        "another process holds the lock"
    );
    drop(holder.stdin.take());
    assert!(holder.wait().expect("holder ends").success());
    let lock = RunLock::try_acquire(&path).expect("lock file");
    assert!(lock.is_some(), "free once its holder ended");
}

#[test]
fn the_crontab_line_keeps_its_log_bounded() {
    let checkout = Checkout::new();
    let log = checkout.path("logs/summariser.log");
    std::fs::create_dir_all(log.parent().expect("logs")).expect("logs dir");
    for generation in 0..4 {
        std::fs::write(&log, format!("{generation}\n{}", "x".repeat(2000))).expect("a big log");
        let _forking = common::writing_or_forking();
        let status = checkout
            .command()
            .stdin(Stdio::null())
            .env("RELEVE_LOG_MAX_BYTES", "1000")
            .env("RELEVE_LOG_KEEP", "2")
            .status()
            .expect("run the crontab line");
        assert!(status.success(), "run {generation}");
    }
    let live = std::fs::read_to_string(&log).expect("live log");
    assert_eq!(
        live.trim(),
        "Collected.",
        "the live log starts afresh after rotation"
    );
    let kept: Vec<String> = (1..=4)
        .filter_map(|n| {
            std::fs::read_to_string(checkout.path(&format!("logs/summariser.log.{n}"))).ok()
        })
        .map(|text| text.lines().next().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        kept,
        ["3", "2"],
        "the two newest old logs are kept, newest first"
    );

    // KEEP lowered: the older logs a larger one kept go at the next rotation.
    std::fs::write(&log, "x".repeat(2000)).expect("a big log");
    let _forking = common::writing_or_forking();
    let status = checkout
        .command()
        .stdin(Stdio::null())
        .env("RELEVE_LOG_MAX_BYTES", "1000")
        .env("RELEVE_LOG_KEEP", "1")
        .status()
        .expect("run the crontab line");
    assert!(status.success());
    assert!(checkout.path("logs/summariser.log.1").exists());
    assert!(
        !checkout.path("logs/summariser.log.2").exists(),
        "past RELEVE_LOG_KEEP=1"
    );
}

#[test]
fn log_settings_that_are_not_numbers_are_said_in_the_log_and_never_empty_it() {
    let checkout = Checkout::new();
    let log = checkout.path("logs/summariser.log");
    std::fs::create_dir_all(log.parent().expect("logs")).expect("logs dir");
    std::fs::write(&log, format!("old\n{}", "x".repeat(3000))).expect("a big log");
    let _forking = common::writing_or_forking();
    let output = checkout
        .command()
        .stdin(Stdio::null())
        .env("RELEVE_LOG_MAX_BYTES", "2K")
        .env("RELEVE_LOG_KEEP", "99999999999999999999")
        .output()
        .expect("run the crontab line");
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "nothing for cron to mail: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let old = std::fs::read_to_string(checkout.path("logs/summariser.log.1")).expect("rotated");
    assert!(
        old.starts_with("old\n"),
        "2K is 2,048 bytes: rotated, not emptied"
    );
    let live = std::fs::read_to_string(&log).expect("live log");
    assert!(
        live.starts_with("rotate-log: RELEVE_LOG_KEEP=99999999999999999999 is not a whole number from 0 to 99; 5 used ["),
        "{live}"
    );
}

/// On a disk out of inodes no log can be created: rotate-log leaves the logs as they were,
/// the live one past its size, rather than moving it away (cron would then not start the stage,
/// its line appending to a log that cannot be created) or shifting the older ones up a place
/// each minute until the last is written over (found by the review of stop 55). Here a folder
/// in the place of the new log rotate-log makes first stands for the disk out of inodes, as
/// root may write anywhere and a mount is not every test machine's to make.
#[test]
fn a_log_that_cannot_be_created_again_leaves_the_older_logs_as_they_were() {
    let checkout = Checkout::new();
    let logs = checkout.path("logs");
    std::fs::create_dir_all(logs.join("summariser.log.new")).expect("a folder in the way");
    let log = checkout.path("logs/summariser.log");
    std::fs::write(&log, format!("live\n{}", "x".repeat(2000))).expect("a big log");
    std::fs::write(checkout.path("logs/summariser.log.1"), "old1\n").expect("an old log");
    std::fs::write(checkout.path("logs/summariser.log.2"), "old2\n").expect("an older log");
    let first_lines = || -> Vec<(String, String)> {
        ["", ".1", ".2", ".3"]
            .iter()
            .filter_map(|suffix| {
                let text = std::fs::read_to_string(format!("{}{suffix}", log.display())).ok()?;
                Some((
                    format!("summariser.log{suffix}"),
                    text.lines().next().unwrap_or("").to_owned(),
                ))
            })
            .collect()
    };
    for minute in 0..2 {
        let _forking = common::writing_or_forking();
        let status = Command::new("sh")
            .arg("deploy/cron/rotate-log")
            .arg("logs/summariser.log")
            .current_dir(checkout.dir.path())
            .env("RELEVE_LOG_MAX_BYTES", "1000")
            .env("RELEVE_LOG_KEEP", "3")
            .stdin(Stdio::null())
            .status()
            .expect("run rotate-log");
        assert!(status.success(), "minute {minute}");
        assert_eq!(
            first_lines(),
            [
                ("summariser.log".to_owned(), "live".to_owned()),
                ("summariser.log.1".to_owned(), "old1".to_owned()),
                ("summariser.log.2".to_owned(), "old2".to_owned()),
            ],
            "minute {minute}"
        );
    }
}

/// Whether a line of a stage's log is dated as the README's "Logs" says every line is: a
/// tracing line starts with its UTC time (`2026-12-05T19:21:27.580628Z  INFO …`), a failure,
/// skip or rotate-log line ends with it (`analyser: … [2026-12-05T19:21:27+00:00]`).
fn dated(line: &str) -> bool {
    let starts = line
        .split_whitespace()
        .next()
        .is_some_and(|word| chrono::DateTime::parse_from_rfc3339(word).is_ok());
    let ends = line
        .rsplit_once(" [")
        .and_then(|(_, tail)| tail.strip_suffix(']'))
        .is_some_and(|time| chrono::DateTime::parse_from_rfc3339(time).is_ok());
    starts || ends
}

/// The crontab's day report job runs hourly from 04:15 to 23:15 with `--if-missing`, and each
/// run that finds the report written prints its path on stdout, which the line appends to
/// `logs/analyser.log` with its stderr: a bare `/home/…/reports/2026-12-04.pdf` without a time
/// or a level, some 60 a day with the week's and month's jobs. The README's "Logs" says every
/// line of a stage's log carries a UTC timestamp (the line "Wrote the report" / "left as it is"
/// beside it already names the path), so a log shipper parsing lines by their timestamp drops
/// these, or glues them onto the line before.
#[test]
fn every_line_the_crontab_s_report_job_logs_carries_its_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = testkit::workspace_root();
    {
        let _writing = common::writing_or_forking();
        let rotate = dir.path().join("deploy/cron/rotate-log");
        std::fs::create_dir_all(rotate.parent().expect("a parent")).expect("folders");
        std::fs::copy(root.join("deploy/cron/rotate-log"), &rotate).expect("copy rotate-log");
        let release = dir.path().join("target/release");
        std::fs::create_dir_all(&release).expect("target/release");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_analyser"), release.join("analyser"))
            .expect("the release analyser");
    }
    for folder in ["raw", "reports", "logs"] {
        std::fs::create_dir_all(dir.path().join(folder)).expect("folder");
    }
    std::fs::write(
        dir.path().join("sources.toml"),
        "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/feed\"\nevery = \"1h\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
    )
    .expect("sources.toml");
    // The job runs at a fixed instant: taken from the wall clock, the days written here and
    // the day the job asks for fell on either side of a midnight the test ran across. The day
    // reports it may ask for (yesterday, or the day before in the first two hours of a UTC
    // day), written once complete: the job finds its report written.
    const RUN_AT: &str = "2026-12-02 12:00:00";
    for day in ["2026-11-30", "2026-12-01"] {
        std::fs::write(
            dir.path().join(format!("reports/{day}.pdf")),
            b"%PDF-1.4\n%%EOF\n",
        )
        .expect("a report");
    }
    let template = std::fs::read_to_string(root.join("crontab")).expect("read crontab");
    let home = dir.path().to_str().expect("UTF-8 temp path");
    let line = template
        .lines()
        .find(|line| !line.starts_with('#') && line.contains("--period day"))
        .expect("the crontab's day report job")
        .replace("@RELEVE_HOME@", home);
    let command = line
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    let mongo = testkit::MongoServer::shared();
    let uri = format!(
        "{}/{}",
        mongo.uri().trim_end_matches('/'),
        mongo.fresh_database("dated")
    );
    let _forking = common::writing_or_forking();
    let status = testkit::faketime::command("sh", RUN_AT)
        .arg("-c")
        .arg(&command)
        .env("MONGODB_URI", &uri)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .status()
        .expect("run the crontab line");
    assert!(status.success());
    let log = std::fs::read_to_string(dir.path().join("logs/analyser.log")).expect("the log");
    assert!(
        log.contains("left as it is"),
        "the job found its report written: {log}"
    );
    let undated: Vec<&str> = log.lines().filter(|line| !dated(line)).collect();
    assert!(
        undated.is_empty(),
        "lines of logs/analyser.log without their time: {undated:?}\n{log}"
    );
}
