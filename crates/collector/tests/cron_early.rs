//! Cron's run begun a moment early: cron's clock a second or two ahead of the collector's
//! (see `releve::config::CRON_EARLY`), its run of 13:00 begins at 12:59:58 and is counted in
//! 13:00 by the schedule and the reports alike. The real `collector` binary runs under
//! libfaketime (`testkit::faketime`) at pinned instants.

mod common;

use common::{Site, usgs_source};

/// The warning of an entry left out of the configuration (a `units` of a field the source
/// does not summarise), in the stderr of a run as cron makes it, its clock at `instant`.
fn says_the_left_out_entry_at(instant: &str) -> bool {
    let site = Site::new(&usgs_source(
        "quakes",
        // Nothing answers: the run fails at once, the warning said before it or not at all.
        "http://127.0.0.1:9/feed",
        "units = { \"properties.magg\" = \"Mw\" }\n",
    ));
    let output = testkit::faketime::command(env!("CARGO_BIN_EXE_collector"), instant)
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "1")
        .output()
        .expect("the collector runs");
    String::from_utf8_lossy(&output.stderr).contains("properties.magg")
}

/// Cron's log says an entry left out once an hour, in the hour's first minute: cron's run of
/// 13:00 begun at 12:59:58 says it, and its run of 13:01 begun at 13:00:58 does not. Counted
/// by the minute the clock read, a cron two seconds ahead said it at 13:01, and one whose
/// lead varies by a second could skip the hour or say it twice.
#[test]
fn cron_s_run_of_the_hour_begun_in_the_minute_before_says_what_is_left_out() {
    assert!(
        says_the_left_out_entry_at("2026-12-07 12:59:58"),
        "cron's 13:00 run, begun two seconds early, says the entry left out"
    );
    assert!(
        !says_the_left_out_entry_at("2026-12-07 13:00:58"),
        "cron's 13:01 run, begun two seconds early, says nothing of it"
    );
    assert!(
        says_the_left_out_entry_at("2026-12-07 13:00:30"),
        "a run in the hour's first minute says it"
    );
}
