//! A Raspberry Pi in a lab whose power is cut without warning, several times a month: what the
//! collector's next run, after the machine starts again, makes of the run the cut stopped.

mod common;

use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Site, numbered_feed, usgs_body, usgs_source};
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
