//! The `collector` binary run as a systemd service runs it, started by a timer: no terminal,
//! not cron either, its environment as systemd sets it (no `TERM`, no `HOME`,
//! `INVOCATION_ID` and `JOURNAL_STREAM` set), stderr going to the journal, and its exit status
//! read: a status other than 0 marks the unit failed (`systemctl --failed`, `OnFailure=`).
//! These tests spawn the binary.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{Timelike, Utc};
use common::{Site, numbered_feed, usgs_body, usgs_source};

/// Waits until the clock is out of the first minute of an hour (and not about to enter it),
/// the only minute whose routine run says the sources it leaves out.
fn out_of_the_first_minute() {
    loop {
        let now = Utc::now();
        let quiet = now.minute() != 0 && !(now.minute() == 59 && now.second() >= 50);
        if quiet {
            return;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// The collector run in `folder` (its `WorkingDirectory=`) as a systemd service runs it.
fn as_a_service(folder: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(folder)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("LANG", "C.UTF-8")
        .env("INVOCATION_ID", "5f1e0c4b8d2a4e6f9a7b3c1d0e2f4a6b")
        .env("JOURNAL_STREAM", "8:4242")
        .env("COLLECTOR_BACKOFF_MS", "5")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run the collector")
}

/// A `quakes` source fed from `url`, and a table `tidal` refused (its `kind` misspelt).
fn quakes_beside_a_refused_table(url: &str) -> String {
    format!(
        "{}\n[[source]]\nname = \"tidal\"\nkind = \"http_jsn\"\nurl = \"{url}/feed\"\nevery = \"1m\"\n",
        usgs_source("quakes", &format!("{url}/feed"), "")
    )
}

/// A `[[source]]` table the configuration refuses (its `kind` misspelt) beside one that runs,
/// a systemd timer's service run every minute: the collector collects the other, and each run
/// exits 1 only with a line naming the refused table (a unit marked failed, its `OnFailure=`
/// alert sent, with a journal holding nothing but the other source's "Landed a file", was what
/// 59 runs of 60 did); the run after, within the hour, says nothing and exits 0.
#[test]
fn a_service_run_that_exits_1_for_a_refused_table_says_why_in_its_journal() {
    let (server, _calls) = numbered_feed(|_| async { usgs_body(1) });
    let site = Site::new(&quakes_beside_a_refused_table(&server.url()));
    out_of_the_first_minute();
    for run in 0..2 {
        let output = as_a_service(site.dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!site.data_files("quakes").is_empty(), "{stderr}");
        assert_eq!(
            output.status.success(),
            !stderr.contains("tidal"),
            "run {run} exits {:?}, its journal reading:\n{stderr}",
            output.status.code()
        );
        assert_eq!(stderr.contains("tidal"), run == 0, "run {run}: {stderr}");
    }
}

/// A run that is not cron's every-minute one but has no terminal either: a CI job checking a
/// pull request's `sources.toml` with `collector`, a one-shot Kubernetes Job, `ssh host
/// collector`, or a user at a terminal keeping the output (`collector 2>&1 | tee run.log`).
/// The README: every stage "says in one line per refused table the file, the line …, the
/// source and the key, and exits 1 (cron's collector, run every minute, says it and exits 1 in
/// its first minute of each hour …)". Out of the first minute of the hour such a run is taken
/// for cron's (no terminal is all it looks at): the table misspelt is neither said nor
/// failed, and the run exits 0, so the CI job passes and the Job reads `Completed` with a
/// source never collected. Before this stop's change it exited 1 at least.
#[test]
fn a_ci_run_without_a_terminal_fails_for_a_refused_table_whatever_the_minute() {
    let (server, _calls) = numbered_feed(|_| async { usgs_body(1) });
    let site = Site::new(&quakes_beside_a_refused_table(&server.url()));
    out_of_the_first_minute();
    // A CI runner's step: its output piped to the job's log, no terminal.
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("CI", "true")
        .env("COLLECTOR_BACKOFF_MS", "5")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run the collector");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(site.data_files("quakes").len(), 1, "{stderr}");
    assert!(
        output.status.code() == Some(1) && stderr.contains("tidal"),
        "a run without a terminal out of minute :00 exits {:?} and says nothing of the refused \
         table `tidal` (the README: every stage says it and exits 1); stderr:\n{stderr}",
        output.status.code()
    );
}

/// A first `sources.toml` whose only table is refused (its `kind` misspelt), on a fresh
/// checkout: `install-cron.sh` makes `logs/`, not `raw/`, and a run with no source to collect
/// never makes it. The README: a collector run without a terminal "says it and exits 1 when the
/// refusals changed since a run said them, or an hour after, not 60 times an hour". Each run
/// notes what it said in `raw/.collector-refusals`, which cannot be written in a raw folder
/// that does not exist (`refusals::noted` drops the error), so every minute's run reads no note
/// and says the table again and exits 1 again: 60 lines (and 60 failed units, 60 cron mails)
/// an hour, for good, until the table is fixed.
#[test]
fn a_lone_refused_table_on_a_fresh_checkout_is_not_said_every_minute() {
    let site = Site::new(
        "[[source]]\nname = \"tidal\"\nkind = \"http_jsn\"\nurl = \"http://127.0.0.1:9/feed\"\nevery = \"1m\"\n",
    );
    out_of_the_first_minute();
    let first = as_a_service(site.dir.path());
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(
        first.status.code() == Some(1) && first_err.contains("tidal"),
        "the first run says the refused table and exits 1: {first_err}"
    );
    // The next minutes' runs, within the hour: the refusal is unchanged.
    for minute in 1..=3 {
        let next = as_a_service(site.dir.path());
        let stderr = String::from_utf8_lossy(&next.stderr);
        assert!(
            !stderr.contains("tidal") && next.status.success(),
            "run {minute} after the one that said it, within the hour, says the unchanged \
             refused table again and exits {:?} (raw/ was never made, so no note of what was \
             said; raw/ exists: {}); stderr:\n{stderr}",
            next.status.code(),
            site.raw().exists()
        );
    }
}

/// A table refused, said by a run; the user fixes it (the next runs collect it, nothing
/// refused), then a `git checkout sources.toml` or a backup restored brings back the very
/// same fault within the hour. The README: a run without a terminal "says it and exits 1 when
/// the refusals changed since a run said them". They did change (runs saw none refused), but
/// `raw/.collector-refusals` still holds the fingerprint said before the fix, and a run that
/// finds nothing refused leaves it as it was: every run for the rest of the hour leaves the
/// table uncollected, without a word, and exits 0.
#[test]
fn a_refused_table_fixed_then_broken_again_within_the_hour_is_said_again() {
    let (server, _calls) = numbered_feed(|_| async { usgs_body(1) });
    let quakes = usgs_source("quakes", &format!("{}/feed", server.url()), "");
    let table = |kind: &str| {
        format!(
            "{quakes}\n[[source]]\nname = \"tidal\"\nkind = \"{kind}\"\nurl = \"{}/feed\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"properties.time\"\nrecords = \"features\"\n",
            server.url()
        )
    };
    let site = Site::new(&table("http_jsn"));
    std::fs::create_dir_all(site.raw()).expect("raw/, made by earlier runs");
    out_of_the_first_minute();
    let first = as_a_service(site.dir.path());
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(
        first.status.code() == Some(1) && first_err.contains("tidal"),
        "the first run says the refused table: {first_err}"
    );
    // Fixed: a run collects it, nothing refused.
    std::fs::write(site.config(), table("http_json")).expect("fix the table");
    let fixed = as_a_service(site.dir.path());
    let fixed_err = String::from_utf8_lossy(&fixed.stderr);
    assert!(
        fixed.status.success() && !fixed_err.contains("http_jsn"),
        "the fixed table is accepted: {fixed_err}"
    );
    // The old file back: the same fault as first said.
    std::fs::write(site.config(), table("http_jsn")).expect("the fault back");
    let again = as_a_service(site.dir.path());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        again.status.code() == Some(1) && stderr.contains("tidal") && stderr.contains("http_jsn"),
        "the table refused again after a run found it fixed is neither said nor failed for \
         (exit {:?}): `tidal` goes uncollected silently until an hour after the first saying; \
         stderr:\n{stderr}",
        again.status.code()
    );
}

/// Root's crontab (`sudo scripts/install-cron.sh`, this stop's "mixed owners") ran the
/// collector for a while with a table refused: it left `raw/.collector-refusals`, root's, 0644.
/// The student removes root's lines, gives the checkout back to themselves (`sudo chown -R` of
/// the source folders `collector --check` names, or of the checkout, root's note having been
/// made again since), and runs their own crontab. Their runs read root's note, cannot replace
/// it (`refusals::noted` drops the error), and, once it is an hour old, each minute's run says
/// the refused table again and exits 1: 60 lines an hour for good (60 failed units under
/// systemd), nothing saying why. The summariser takes root's lock file read only for the same
/// reason (`mixed_owners.rs`). Needs root, to leave a file of root's in a raw folder of
/// `nobody`'s, who runs the collector.
#[test]
fn a_refusals_note_root_left_does_not_have_every_minute_say_the_refused_table() {
    use std::os::unix::process::CommandExt;
    assert!(
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0"),
        "this test needs root: it leaves root's raw/.collector-refusals in nobody's raw folder"
    );
    let (server, _calls) = numbered_feed(|_| async { usgs_body(1) });
    let site = Site::new(&quakes_beside_a_refused_table(&server.url()));
    std::fs::create_dir_all(site.raw()).expect("raw/");
    let note = site.raw().join(".collector-refusals");
    // Root's last run said them two hours ago.
    let said_at = (Utc::now() - chrono::TimeDelta::hours(2)).to_rfc3339();
    std::fs::write(&note, format!("{said_at} 0123456789abcdef\n")).expect("root's note");
    let status = Command::new("chown")
        .args(["-R", "65534:65534", &site.dir.path().display().to_string()])
        .status()
        .expect("chown runs");
    assert!(status.success(), "the checkout made nobody's");
    std::os::unix::fs::chown(&note, Some(0), Some(0)).expect("the note root's");
    out_of_the_first_minute();
    let as_the_user = || {
        Command::new(env!("CARGO_BIN_EXE_collector"))
            .current_dir(site.dir.path())
            .env("COLLECTOR_BACKOFF_MS", "5")
            .uid(65534)
            .gid(65534)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run the collector")
    };
    let first = as_the_user();
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(
        first.status.code() == Some(1) && first_err.contains("tidal"),
        "the user's first run says the refused table (root's note is two hours old): {first_err}"
    );
    assert_eq!(site.data_files("quakes").len(), 1, "{first_err}");
    for minute in 1..=2 {
        let next = as_the_user();
        let stderr = String::from_utf8_lossy(&next.stderr);
        assert!(
            next.status.success() && !stderr.contains("tidal"),
            "run {minute} after the one that said it, within the hour, says the refused table \
             again and exits {:?}: root's raw/.collector-refusals cannot be replaced, and \
             nothing says so; stderr:\n{stderr}",
            next.status.code()
        );
    }
}
