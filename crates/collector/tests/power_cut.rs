//! A Raspberry Pi in a lab whose power is cut without warning, several times a month: what the
//! collector's next run, after the machine starts again, makes of the run the cut stopped.

mod common;

use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Site, numbered_feed, usgs_body, usgs_source, usgs_source_every};
use releve::RawFileRole;

/// When this machine last started, as the kernel says (`btime` in `/proc/stat`).
fn boot_time() -> DateTime<Utc> {
    let stat = std::fs::read_to_string("/proc/stat").expect("/proc/stat");
    let seconds: i64 = stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))
        .expect("a btime line")
        .trim()
        .parse()
        .expect("seconds");
    DateTime::from_timestamp(seconds, 0).expect("a time")
}

/// The power went while a collector run was under way: its state still says `running`, from
/// before the machine started again. The next run records it as failed, and its error, in
/// `runs`, the report's failure lines and `analyser status`, reads "its process was killed or
/// crashed (out of memory, a deadline?)": the lab's researcher goes looking for a memory leak
/// or a hung API after every storm, where the machine itself stopped. A run started before the
/// machine's last start was stopped by the machine stopping (a power cut, a reboot), which the
/// collector can tell, and should say.
#[test]
fn a_run_stopped_by_a_power_cut_is_not_blamed_on_memory_or_a_deadline() {
    let (server, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    // The run under way when the power went, ten minutes before the machine started again.
    let cut = boot_time() - TimeDelta::minutes(10);
    let at = |time: DateTime<Utc>| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let folder = site.raw().join("usgs");
    std::fs::create_dir_all(&folder).expect("the source's folder");
    let state = serde_json::json!({
        "last_success_started": at(cut - TimeDelta::minutes(1)),
        "last_success_landed": at(cut - TimeDelta::minutes(1)),
        "last_success_every_s": 60,
        "last_attempt": at(cut),
        "last_error": null,
        "cursor": null,
        "days": [],
        "running": {"started": at(cut)},
    });
    std::fs::write(folder.join(".state.json"), state.to_string()).expect("the state");

    // The first minute after the machine started again.
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<String> = site
        .metrics("usgs")
        .into_iter()
        .filter(|metrics| metrics.started.timestamp() == cut.timestamp())
        .filter_map(|metrics| metrics.error)
        .collect();
    let [error] = errors.as_slice() else {
        panic!("the run the power cut stopped is recorded as failed, once: {errors:?}\n{stderr}")
    };
    assert!(
        !site.files("usgs", RawFileRole::Data).is_empty(),
        "the new run lands: {stderr}"
    );
    let said = error.to_lowercase();
    assert!(
        !said.contains("out of memory")
            && [
                "power",
                "reboot",
                "restart",
                "machine stopped",
                "shut down",
                "boot"
            ]
            .iter()
            .any(|word| said.contains(word)),
        "a run started before the machine's last start ({}) is said as: {error}",
        at(boot_time())
    );
}

/// The real `collector` binary in `site`'s folder, as cron starts it, at this machine's clock.
fn collector_now(site: &Site) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .output()
        .expect("collector runs")
}

/// The clock ran ahead, then NTP set it right: the state's last landing is dated ahead, which
/// the state file keeps until a run lands, so the run noted under way kept it too. That run
/// landed its file, named by the clock set right, and was killed before its metrics (out of
/// memory): the next run took the landing dated ahead for the last before the killed run,
/// passed the file over as older, counted the run failed ("did not finish") and collected
/// again. The file is the killed run's landing, counted as landed.
#[test]
fn a_run_killed_after_landing_counts_as_landed_though_the_state_dates_a_landing_ahead() {
    let (server, calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "1h",
        "",
    ));
    let first = collector_now(&site);
    assert!(first.status.success(), "{first:?}");
    let landed = site.state("usgs");
    let [file] = site
        .files("usgs", RawFileRole::Data)
        .try_into()
        .expect("one file landed");
    // Killed before its metrics were written.
    for metrics in site.files("usgs", RawFileRole::Metrics) {
        std::fs::remove_file(metrics).expect("no metrics yet");
    }
    let ahead = Utc::now() + TimeDelta::hours(2);
    site.edit_state("usgs", |state| {
        state.running = Some(collector::state::Running {
            started: landed.last_success_started.expect("its start"),
            day: None,
            waiting_ahead: Vec::new(),
        });
        state.last_success_started = Some(ahead);
        state.last_success_landed = Some(ahead);
        state.last_attempt = Some(ahead);
    });

    let next = collector_now(&site);
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(
        !stderr.contains("counted as a failed run"),
        "the landed run counted failed: {stderr}"
    );
    let name = file
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    let metrics = site.metrics("usgs");
    assert!(
        metrics
            .iter()
            .any(|run| run.file.as_deref() == Some(name.as_str()) && run.error.is_none()),
        "its file counted as its landing: {metrics:?}\n{stderr}"
    );
    assert_eq!(site.state("usgs").failures_in_a_row, 0, "{stderr}");
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "not collected again: {stderr}"
    );
}

/// A `fake-hwclock` boot after a power cut that killed a run: the boot's clock, restored days
/// back, is behind the last landing the state dates. The killed run, counted failed, gave in its
/// metrics a retry time after the next interval from that landing, days ahead of this clock,
/// which `analyser status` and the report read, while the source, scheduled as if that landing
/// had not happened, was due again within minutes. The retry time is the backoff's.
#[test]
fn a_killed_run_settled_at_a_clock_behind_says_the_retry_of_its_backoff() {
    let (server, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let first = collector_now(&site);
    assert!(first.status.success(), "{first:?}");
    site.edit_state("usgs", |state| {
        state.running = Some(collector::state::Running {
            started: Utc::now(),
            day: None,
            waiting_ahead: Vec::new(),
        });
    });
    let boot = Utc::now() - TimeDelta::days(3);
    let booted = testkit::faketime::command(
        env!("CARGO_BIN_EXE_collector"),
        &boot.format("%Y-%m-%d %H:%M:%S").to_string(),
    )
    .current_dir(site.dir.path())
    .env("RUST_LOG", "info")
    .env("COLLECTOR_BACKOFF_MS", "1")
    .output()
    .expect("collector runs");
    let stderr = String::from_utf8_lossy(&booted.stderr);
    let killed: Vec<_> = site
        .metrics("usgs")
        .into_iter()
        .filter(|run| {
            run.error
                .as_deref()
                .is_some_and(|error| error.contains("did not finish"))
        })
        .collect();
    let [killed] = killed.as_slice() else {
        panic!("the killed run counted failed once: {killed:?}\n{stderr}")
    };
    let retry = killed.retry_from.expect("a retry time");
    assert!(
        retry < boot + TimeDelta::hours(1),
        "retried from {retry}, the boot's clock at {boot}: {stderr}"
    );
}
