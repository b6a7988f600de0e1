//! A run the state says was under way when the next run takes the source's lock: its process
//! ended without finishing it (killed out of memory or at a deadline, a crash), or it finished
//! and could not save its state (a full disk).
//!
//! The temporary files a run killed while landing left behind are removed under the lock.

use std::path::Path;

use chrono::Utc;
use releve::Source;
use releve::rawfile::{self, LandingOrder, RawFileName};
use releve::under_way::{Running, Trace};

use super::run_metrics;
use crate::state::SourceState;

/// Settles the run `state` says was under way. When it wrote its metrics, they stand and the
/// state is brought to them (a landing, or a failure for the schedule's backoff): it only
/// could not save its state. When it landed a data file (see [`Running::trace`]), it is
/// recorded as landed, its records counted from the file. Otherwise it is recorded as failed,
/// with metrics saying so, for `status` and the report, and the backoff applies to it.
/// The run is told its files by its start as noted and `landed_before`, the last landing its
/// state recorded before it (as read, before runs dated ahead of this clock were forgotten):
/// never by this clock, which may be behind since, and would take the run before's files for
/// its own. A landing it recorded later than the settled run's (dated ahead of this clock) stays
/// the last (see [`keep_later_landing`]). Returns whether there was one.
pub(super) fn settle_interrupted_run(
    source: &Source,
    raw_dir: &Path,
    state: &mut SourceState,
    landed_before: Option<LandingOrder>,
) -> bool {
    let Some(noted) = state.running.take() else {
        return false;
    };
    let started = noted
        .started
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // Settling it notes a failure or a landing, which ends a disabled stretch noted since.
    let success_started = state.last_success_started;
    let disabled_since = state.disabled_since;
    let files = rawfile::list(raw_dir, &source.name).unwrap_or_default();
    let trace = noted.trace(raw_dir, &files, landed_before);
    // Noted while the clock ran ahead: recorded as of now, not in the future.
    let running = Running {
        started: noted.started.min(Utc::now()),
        ..noted
    };
    match trace {
        Trace::Metrics(metrics) => {
            tracing::warn!(source = %source.name, "The run started at {started} wrote its metrics but not its state (a full disk?): its outcome stands as its metrics say.");
            match &metrics.error {
                // A pause it was asked for stands as its metrics recorded it (older metrics
                // recorded none: the backoff applies instead).
                Some(error) => state.failed(running.started, error, metrics.retry_from),
                // Landed: not due again before its interval (a per-day source's day is
                // landed); an incremental source's cursor stays where it was, so the next run
                // asks again from there (the summariser keeps each record once).
                None => {
                    let landed = metrics.file.as_deref().and_then(RawFileName::parse).map_or(
                        LandingOrder {
                            landed_at: metrics.finished,
                            sequence: 1,
                        },
                        |file| file.landing_order(),
                    );
                    state.succeeded(running.started, landed, None, metrics.day, metrics.every_s);
                    if metrics.file.is_some() {
                        state.landed_under_key();
                    }
                }
            }
        }
        // A run whose file landed and whose metrics and state could not be written leaves
        // the same trace as one killed right after landing. Its file landed whole (it is
        // moved into place once written): the run landed, its records counted from it.
        Trace::Landed(file) => match records_in(source, &file.path_in(raw_dir)) {
            Some(records) => {
                tracing::warn!(source = %source.name, "The run started at {started} landed {} ({records} records) but did not finish: {}; counted as landed, its calls and retries unknown.", file.file_name(), running.why_not_finished_after_landing());
                run_metrics::record_unfinished_landing(
                    source, raw_dir, state, &running, &file, records,
                );
            }
            None => interrupted(
                source,
                raw_dir,
                state,
                &running,
                &format!(
                    "the run started at {started} landed {} but did not finish, and its records cannot be read back: {}",
                    file.file_name(),
                    running.why_not_finished_after_landing()
                ),
            ),
        },
        Trace::Nothing => {
            let reason = running.did_not_finish();
            interrupted(source, raw_dir, state, &running, &reason);
        }
    }
    keep_later_landing(state, success_started, landed_before);
    // Disabled after the run began (the run killed, then `enabled = false` set): the stretch
    // stands, for the next run's metrics to tell.
    if disabled_since.is_some_and(|since| since >= running.started) {
        state.disabled_since = disabled_since;
    }
    if let Err(err) = state.save(raw_dir, &source.name) {
        tracing::warn!(source = %source.name, error = %err, "Cannot save the state file.");
    }
    true
}

/// Keeps the last successful run the state recorded before the settled one, its start
/// `started` and its landing `landed`, where later than the settled run's: dated ahead of this
/// clock (a boot's clock behind), the state file keeps it until an API's `Date` tells this
/// clock is right. Erased, once NTP set the clock, an interval source ran again at once.
fn keep_later_landing(
    state: &mut SourceState,
    started: Option<chrono::DateTime<Utc>>,
    landed: Option<LandingOrder>,
) {
    state.last_success_started = state.last_success_started.max(started);
    if let Some(landed) = landed.filter(|landed| Some(*landed) > state.last_landing()) {
        state.last_success_landed = Some(landed.landed_at);
        state.last_success_sequence = (landed.sequence > 1).then_some(landed.sequence);
    }
}

/// Records `running` as failed for `reason`, with metrics saying so.
fn interrupted(
    source: &Source,
    raw_dir: &Path,
    state: &mut SourceState,
    running: &Running,
    reason: &str,
) {
    tracing::warn!(source = %source.name, "{reason}; counted as a failed run.");
    run_metrics::record_interrupted(source, raw_dir, state, running, reason);
}

/// How many records the landed data file at `path` holds, where they are for `source`; `None`
/// when it cannot be read.
fn records_in(source: &Source, path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut records = 0;
    let located = releve::locate::for_each_record(&text, source.records_path().segments(), |_| {
        records += 1;
    })
    .ok()?;
    (located == releve::locate::Located::Records).then_some(records)
}

/// Removes the temporary files a run killed while landing left behind. Only collector runs
/// write them, each holding this source's lock, so under the lock every one is an orphan.
pub(super) fn remove_orphan_temps(source: &Source, raw_dir: &Path) {
    match rawfile::remove_temps(raw_dir, &source.name) {
        Ok(tried) => {
            for (path, outcome) in tried {
                match outcome {
                    Ok(()) => {
                        tracing::warn!(source = %source.name, file = %path.display(), "Removed a temporary file an interrupted run left.")
                    }
                    Err(err) => {
                        tracing::warn!(source = %source.name, file = %path.display(), error = %err, "Cannot remove a temporary file an interrupted run left.")
                    }
                }
            }
        }
        Err(err) => {
            tracing::warn!(source = %source.name, error = %err, "Cannot look for temporary files an interrupted run left.");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone};
    use releve::RunMetrics;

    use super::*;

    fn at(minute: u32, second: u32, millis: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 10, minute, second)
            .single()
            .expect("a time")
            + chrono::TimeDelta::milliseconds(millis)
    }

    /// A source folder holding a data file of two records landed at 10:01:00, and `metrics`
    /// beside it, when given.
    fn folder_with(metrics: Option<&RunMetrics>) -> (tempfile::TempDir, RawFileName) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("usgs")).expect("source folder");
        let file = RawFileName::data("usgs", at(1, 0, 0), 1);
        std::fs::write(
            file.path_in(dir.path()),
            br#"[{"id":"a","time":"2026-11-22T10:00:00Z"},{"id":"b","time":"2026-11-22T10:00:00Z"}]"#,
        )
        .expect("data file");
        if let Some(metrics) = metrics {
            let bytes = serde_json::to_vec(metrics).expect("metrics");
            rawfile::write_metrics(dir.path(), &file, &bytes).expect("metrics written");
        }
        (dir, file)
    }

    /// The metrics of the run that landed `file`, started at 10:00:59.9.
    fn landed_by_run_before(file: &RawFileName) -> RunMetrics {
        RunMetrics {
            window_parts: None,
            scheduled_from: None,
            source: "usgs".into(),
            kind: "http_json".into(),
            file: Some(file.file_name()),
            started: at(0, 59, 900),
            finished: at(1, 0, 300),
            duration_ms: Some(400),
            http_calls: Some(3),
            retries: Some(2),
            throttled: Some(0),
            announced: Some(2),
            records: 2,
            coverage: Some(1.0),
            shortfall: 0,
            key_clashes: 0,
            clash_key: None,
            error: None,
            day: None,
            every_s: Some(60),
            disabled_from: None,
            retry_from: None,
        }
    }

    fn killed_at(started: DateTime<Utc>) -> SourceState {
        SourceState {
            running: Some(Running {
                started,
                day: None,
                waiting_ahead: Vec::new(),
            }),
            ..SourceState::default()
        }
    }

    /// The run before landed its file in the second the killed run started in, and wrote its
    /// metrics beside it: that file is not the killed run's, whose failure is counted.
    #[test]
    fn a_run_killed_before_landing_does_not_take_the_file_the_run_before_landed() {
        let probe = RawFileName::data("usgs", at(1, 0, 0), 1);
        let before = landed_by_run_before(&probe);
        let (dir, file) = folder_with(Some(&before));
        let mut state = killed_at(at(1, 0, 400));
        let landed_before = state.last_landing();
        assert!(settle_interrupted_run(
            &crate::testing::minutely(),
            dir.path(),
            &mut state,
            landed_before
        ));
        let kept = RunMetrics::read(&file.metrics().path_in(dir.path())).expect("metrics");
        assert_eq!(kept, before, "the run before's metrics stand");
        assert_eq!(state.failures_in_a_row, 1, "the killed run failed");
        assert_eq!(state.last_success_started, None);
    }

    /// The run before landed its file in the second the killed run started in, and its
    /// metrics were taken by the summariser while the file waits: the state's last landing
    /// tells the file is that run's, not the killed run's.
    #[test]
    fn a_file_the_state_records_as_landed_before_is_not_the_killed_runs() {
        let (dir, file) = folder_with(None);
        let mut state = killed_at(at(1, 0, 400));
        state.last_success_started = Some(at(0, 59, 900));
        state.last_success_landed = Some(at(1, 0, 0));
        let landed_before = state.last_landing();
        assert!(settle_interrupted_run(
            &crate::testing::minutely(),
            dir.path(),
            &mut state,
            landed_before
        ));
        assert_eq!(state.failures_in_a_row, 1, "the killed run failed");
        assert_eq!(state.last_success_started, Some(at(0, 59, 900)));
        let failure = rawfile::list(dir.path(), "usgs")
            .expect("listing")
            .into_iter()
            .find(|name| name.role == releve::RawFileRole::Metrics)
            .map(|name| RunMetrics::read(&name.path_in(dir.path())).expect("metrics"))
            .expect("the failure's metrics");
        assert_eq!(failure.file, None, "no landing counted: {failure:?}");
        assert!(failure.error.is_some(), "{failure:?}");
        assert!(
            RunMetrics::read(&file.metrics().path_in(dir.path()))
                .map_or(true, |beside| beside.file.is_none()),
            "nothing claims the file"
        );
    }

    /// A failed run's metrics under the name the killed run then landed its file at are
    /// moved aside, not written over, when the landing is counted.
    #[test]
    fn a_landing_counted_after_a_kill_keeps_a_failure_of_its_second() {
        let probe = RawFileName::data("usgs", at(1, 0, 0), 1);
        let failure = RunMetrics {
            file: None,
            records: 0,
            announced: None,
            coverage: None,
            error: Some("HTTP 503".into()),
            started: at(0, 59, 0),
            ..landed_by_run_before(&probe)
        };
        let (dir, file) = folder_with(Some(&failure));
        let mut state = killed_at(at(1, 0, 400));
        settle_interrupted_run(&crate::testing::minutely(), dir.path(), &mut state, None);
        let runs: Vec<RunMetrics> = rawfile::list(dir.path(), "usgs")
            .expect("listing")
            .iter()
            .filter(|name| name.role == releve::RawFileRole::Metrics)
            .map(|name| RunMetrics::read(&name.path_in(dir.path())).expect("metrics"))
            .collect();
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs.contains(&failure), "the failure is kept: {runs:?}");
        assert!(
            runs.iter()
                .any(|run| run.file == Some(file.file_name()) && run.records == 2),
            "the landing counted: {runs:?}"
        );
        assert_eq!(state.last_success_started, Some(at(1, 0, 400)));
    }

    /// A source disabled after the run was killed stays noted disabled once the run is
    /// settled, for the next run's metrics to tell.
    #[test]
    fn settling_a_killed_run_keeps_the_source_noted_disabled_since() {
        let (dir, _) = folder_with(None);
        std::fs::remove_dir_all(dir.path().join("usgs")).expect("emptied");
        std::fs::create_dir_all(dir.path().join("usgs")).expect("source folder");
        let mut state = killed_at(at(1, 0, 400));
        state.disabled_since = Some(at(1, 30, 0));
        settle_interrupted_run(&crate::testing::minutely(), dir.path(), &mut state, None);
        assert_eq!(state.failures_in_a_row, 1);
        assert_eq!(state.disabled_since, Some(at(1, 30, 0)));
    }
}
