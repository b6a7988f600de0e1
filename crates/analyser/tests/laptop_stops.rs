//! A laptop shut down, or its collector stopped by a signal: runs stopped together are no
//! network's failure, and a night after a shutdown is said as no collection.

mod common;

use chrono::Duration;
use common::golden;
use common::laptop::{CONFIG, day_cover, ran_just_now};

/// The laptop shut down at midnight and switched on again at 08:00: systemd's SIGTERM at the
/// shutdown stopped the collector's runs under way (both sources' run of 00:00), which the
/// collector records as stopped, its error the signal's, retried by the next minute's run (it
/// recorded no retry time at first, which reads to the report as a run of before relevé
/// recorded retries, which "may have paused" the source for up to a day: the stopped runs
/// explained the whole night away). The night without a run is the machine's, as on the night
/// asleep above, and the cover says it.
#[tokio::test(flavor = "multi_thread")]
async fn a_night_after_a_shutdown_stopped_the_collector_is_said_as_no_collection() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let off = at > start && at < start + Duration::hours(8);
        let error = (at == start).then_some(stopped.as_str());
        if !off {
            // As the collector writes a stopped run: retried by the next minute's run.
            for source in ["meteo", "station"] {
                let mut run = golden::run(source, at, 1, None, error);
                if error.is_some() {
                    run.retry_from = Some(at + Duration::minutes(1));
                }
                runs.push(run);
            }
        }
        at += Duration::minutes(15);
    }
    ran_just_now(&mut runs);
    let cover = day_cover("laptopshutdown", &runs, CONFIG).await;
    assert!(
        cover.contains("No collection of any source started from"),
        "the night the machine was off, after the shutdown stopped the collector, is not said: {cover}"
    );
}

/// The collector run by an orchestrator whose timeout is shorter than the runs took from 14:00
/// to 17:00 (a Kubernetes CronJob's `activeDeadlineSeconds`, an Airflow `execution_timeout`,
/// the node overloaded by a backup): every run of both sources was stopped by SIGTERM, each
/// recorded as the collector writes a stopped run ("stopped by SIGTERM before it finished",
/// retried by the next minute's run). The cover blames "most likely the machine's network (a
/// captive portal to sign in to, a proxy, the connection down) or an API they all call": no
/// API and no network failed, every error says the runs were stopped on this machine, and the
/// user sent to sign in to a Wi-Fi portal looks in the wrong place.
#[tokio::test(flavor = "multi_thread")]
async fn runs_stopped_by_a_signal_together_are_not_blamed_on_the_network_or_an_api() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let cut = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        for source in ["meteo", "station"] {
            let mut run = golden::run(
                source,
                at,
                u64::from(!cut),
                None,
                cut.then_some(stopped.as_str()),
            );
            if cut {
                // As the collector writes a stopped run: retried by the next minute's run.
                run.retry_from = Some(at + Duration::minutes(1));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    ran_just_now(&mut runs);
    let cover = day_cover("laptopstoppedtogether", &runs, CONFIG).await;
    assert!(
        !cover.contains("most likely the machine's network"),
        "every failed run of 14:00 to 17:00 was stopped by SIGTERM on this machine, yet the cover blames its network or an API: {cover}"
    );
}

/// The same orchestrator's too-short timeout stopping every run of both sources from 14:00 to
/// 17:00, but for the 15:30 run, whose requests timed out inside the run just before the
/// orchestrator's deadline (the node overloaded by a backup: "operation timed out", a real
/// failure of a quarter of an hour). The cover says every source failed at once for the three
/// hours, "most likely the machine's network": the stretch said is the whole stretch of stops,
/// the one real failure in it enough to have it blamed on the network, though a quarter of an
/// hour of real failures alone is below the hour the cover ever says.
#[tokio::test(flavor = "multi_thread")]
async fn one_real_failure_among_hours_of_stops_does_not_blame_the_hours_on_the_network() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let timed_out = "error sending request: operation timed out";
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let cut = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        let failed = at == start + Duration::hours(15) + Duration::minutes(30);
        for source in ["meteo", "station"] {
            let error = match (cut, failed) {
                (true, true) => Some(timed_out),
                (true, false) => Some(stopped.as_str()),
                _ => None,
            };
            let mut run = golden::run(source, at, u64::from(!cut), None, error);
            if cut {
                run.retry_from = Some(at + Duration::minutes(if failed { 15 } else { 1 }));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    ran_just_now(&mut runs);
    let cover = day_cover("laptopstopsandonefailure", &runs, CONFIG).await;
    assert!(
        !cover.contains("most likely the machine's network"),
        "a quarter of an hour of real failures among three hours of runs stopped by SIGTERM is said as the network down for the three hours: {cover}"
    );
}

/// The orchestrator's too-short timeout stopping every run of both sources from 14:00 to
/// 17:00 (the node overloaded by a backup), but for the first and the last, 14:00 and 16:45,
/// whose requests timed out inside the run just before the orchestrator's deadline ("operation
/// timed out": real failures, a quarter of an hour each). The cover says every source failed
/// at once from 14:00 to 17:00, "most likely the machine's network": the stretch is narrowed
/// to run from the first real failure to the run after the last, so the ten runs stopped by
/// SIGTERM between them are counted as the network's, where one such failure alone is not.
#[tokio::test(flavor = "multi_thread")]
async fn two_real_failures_hours_apart_among_stops_do_not_blame_the_hours_on_the_network() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let timed_out = "error sending request: operation timed out";
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let cut = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        let failed = at == start + Duration::hours(14)
            || at == start + Duration::hours(16) + Duration::minutes(45);
        for source in ["meteo", "station"] {
            let error = match (cut, failed) {
                (true, true) => Some(timed_out),
                (true, false) => Some(stopped.as_str()),
                _ => None,
            };
            let mut run = golden::run(source, at, u64::from(!cut), None, error);
            if cut {
                run.retry_from = Some(at + Duration::minutes(if failed { 15 } else { 1 }));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    ran_just_now(&mut runs);
    let cover = day_cover("laptopstopsbetweentwofailures", &runs, CONFIG).await;
    assert!(
        !cover.contains("most likely the machine's network"),
        "two quarter-hours of real failures, at either end of three hours of runs stopped by SIGTERM, are said as the network down for the three hours: {cover}"
    );
}
