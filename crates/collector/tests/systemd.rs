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

/// A `[[source]]` table the configuration refuses (its `kind` misspelt) beside one that runs:
/// the collector collects the other, "says in one line per refused table … and exits 1
/// (cron's collector, run every minute, says it in its first minute of each hour, not 60
/// times an hour)" (README). Under cron an exit status goes unread; a systemd timer's
/// service run every minute is marked failed at each of those 59 runs, its `OnFailure=` alert
/// sent, and its journal (`journalctl -u releve-collector`) holds nothing but the other
/// source's "Landed a file": no line says why it failed. The README's "1 when any source or
/// file failed, with one line per failure on stderr naming it" is false for those runs.
#[test]
fn a_service_run_that_exits_1_for_a_refused_table_says_why_in_its_journal() {
    let (server, _calls) = numbered_feed(|_| async { usgs_body(1) });
    let config = format!(
        "{}\n[[source]]\nname = \"tidal\"\nkind = \"http_jsn\"\nurl = \"{}/feed\"\nevery = \"1m\"\n",
        usgs_source("quakes", &format!("{}/feed", server.url()), ""),
        server.url()
    );
    let site = Site::new(&config);
    out_of_the_first_minute();
    let output = as_a_service(site.dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(site.data_files("quakes").len(), 1, "{stderr}");
    if output.status.success() {
        return;
    }
    assert!(
        stderr.contains("tidal"),
        "the service's run exits {:?} (systemd marks the unit failed) with no line naming \
         the refused table `tidal`, or any cause; its journal reads:\n{stderr}",
        output.status.code()
    );
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
    let config = format!(
        "{}\n[[source]]\nname = \"tidal\"\nkind = \"http_jsn\"\nurl = \"{}/feed\"\nevery = \"1m\"\n",
        usgs_source("quakes", &format!("{}/feed", server.url()), ""),
        server.url()
    );
    let site = Site::new(&config);
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
