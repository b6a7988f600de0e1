//! The collector on a home folder with a disk quota and a file-size limit, as on a university
//! cluster's login node: a write refused is a failed source, said in one line naming the file
//! and what is full, never a run killed half-way.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use axum::Router;
use axum::routing::get;
use common::{Site, usgs_body, usgs_source};
use testkit::http::LocalServer;

fn feed(body: String) -> LocalServer {
    LocalServer::start(Router::new().route("/feed", get(move || async move { body })))
}

/// The first line of `stderr` holding `needle`; the test fails without one.
fn line_with<'s>(stderr: &'s str, needle: &str) -> &'s str {
    stderr
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("a line holding {needle:?}: {stderr}"))
}

/// A file-size limit (`ulimit -f`, `fsize` in a login node's `limits.conf`) smaller than an
/// answer: writing past it raises SIGXFSZ, whose default kills the process. The collector dies
/// mid-landing (exit 153, a bare "File size limit exceeded" from the shell, a temporary file
/// left behind), and its next run calls it "killed or crashed (out of memory, a deadline?)".
/// The write should fail as a full disk's does: the source failed, in one line naming its
/// folder, no temporary file left, and the other sources landed.
#[test]
fn a_file_size_limit_fails_the_source_naming_its_folder_instead_of_killing_the_run() {
    // About 70 KB, past the limit (32 blocks: 16 KiB for dash, 32 KiB for bash).
    let big = feed(usgs_body(400));
    let small = feed(usgs_body(2));
    let site = Site::new(&format!(
        "{}{}",
        usgs_source("big", &format!("{}/feed", big.url()), ""),
        usgs_source("small", &format!("{}/feed", small.url()), "")
    ));
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 32 && exec \"$0\"")
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "1")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.signal(),
        None,
        "the run was killed by a signal (25 is SIGXFSZ) writing past the file-size limit: {stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let said = line_with(&stderr, "source `big` failed:");
    assert!(said.contains("raw/big"), "names the folder: {said}");
    assert!(
        site.file_names("big")
            .iter()
            .all(|name| !name.ends_with(".tmp")),
        "no temporary file left: {:?}",
        site.file_names("big")
    );
    assert_eq!(site.data_files("small").len(), 1, "{stderr}");
}

/// A home folder over its disk quota (NFS, EDQUOT: "Disk quota exceeded"), the usual way a
/// cluster's home fills, while `df` shows the server's terabytes free. A quota of files
/// reached refuses the collector's trial file in `raw/`, and the line told the user to "check
/// --raw-dir and its permissions"; `analyser status` says "check its permissions and how its
/// disk is mounted", and a landing refused gets no advice at all: only ENOSPC and a read-only
/// disk are known as the disk's (`releve::disk_fault::advice`). The quota is what to free.
#[cfg(target_os = "linux")]
#[test]
fn a_raw_folder_over_its_disk_quota_is_told_to_free_space_not_to_check_its_permissions() {
    // EDQUOT on Linux.
    let over_quota = || std::io::Error::from_raw_os_error(122);
    let refused = collector::RunError::RawDirUnwritable {
        path: "raw".into(),
        within: None,
        cause: over_quota(),
    }
    .to_string();
    assert!(
        !refused.contains("permissions"),
        "a quota reached is not a matter of permissions: {refused}"
    );
    let advice = releve::disk_fault::advice(&over_quota());
    assert!(
        advice.is_some_and(|advice| advice.contains("quota")),
        "the landing's and status's advice for a quota reached: {advice:?}"
    );
}

/// The cron log under the same file-size limit: `logs/collector.log` is rotated at 10 MiB
/// (`deploy/cron/rotate-log`), so under a smaller `ulimit -f` it grows to the limit and stays
/// there. The SIGXFSZ handler is set only once the run starts (`releve::stop::listen`), after
/// `.env` is read: its warning of a `.env` others can read ("run `chmod 600`", said at every
/// run) is written to the full log first, and SIGXFSZ kills the stage there, every run, before
/// any source is collected. Past that point a line that cannot be written is lost, never the
/// run (as `releve::logging` means it to be): so should this first one be.
#[test]
fn a_log_at_the_file_size_limit_does_not_kill_the_run_at_its_first_warning() {
    use std::os::unix::fs::PermissionsExt as _;

    let small = feed(usgs_body(2));
    let site = Site::new(&usgs_source("small", &format!("{}/feed", small.url()), ""));
    let env = site.dir.path().join(".env");
    std::fs::write(&env, "SOME_KEY=value\n").expect(".env");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    // The log already at the limit (64 KiB: past 32 blocks for dash and for bash).
    let log = site.dir.path().join("collector.log");
    std::fs::write(&log, vec![b'.'; 64 * 1024]).expect("the log");
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 32 && exec \"$0\" 2>>collector.log")
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "1")
        .output()
        .expect("collector runs");
    assert_eq!(
        output.status.signal(),
        None,
        "the run was killed by a signal (25 is SIGXFSZ) writing its first warning to the log"
    );
    assert_eq!(
        site.data_files("small").len(),
        1,
        "the source was collected, exit {:?}",
        output.status.code()
    );
}

/// A Raspberry Pi's SD card full to its last block (its raw folder grown while MongoDB was
/// down): the run cannot even note its start in the state file, so it can land nothing, and
/// it cannot record its failure either, so no backoff follows. Each source was collected from
/// its API in full, every minute, and thrown away (a France Travail day: minutes of calls,
/// against the API's quota). A run that cannot note its start calls no API, and says why.
#[test]
fn a_disk_too_full_to_note_the_run_calls_no_api_and_keeps_the_state() {
    let (feed, calls) = common::numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    let first = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .output()
        .expect("collector runs");
    assert!(first.status.success(), "{first:?}");
    let state = std::fs::read(site.raw().join("quakes/.state.json")).expect("the state");
    // No byte can be written (`ulimit -f 0`), as on a disk full to its last block: files
    // can be created, not filled.
    let full = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 0 && exec \"$0\" --force")
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("COLLECTOR_BACKOFF_MS", "1")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&full.stderr).into_owned();
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the API was called though nothing could be landed: {stderr}"
    );
    let said = line_with(&stderr, "source `quakes` failed:");
    assert!(
        said.contains("raw/quakes/.state.json") && said.contains("ulimit -f"),
        "names the state file and what to do: {said}"
    );
    assert_eq!(
        std::fs::read(site.raw().join("quakes/.state.json")).expect("the state"),
        state,
        "the state kept as it was"
    );
}
