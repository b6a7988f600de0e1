//! A run's metrics, written beside its data file (or alone, for a failed run) for the
//! summariser to load into `runs`.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use releve::rawfile::{self, RawFileName};
use releve::{RunMetrics, Source};

use crate::http::CallCounts;
use crate::state::{Running, SourceState};

/// Why a run failed, and until when the API asked not to be called.
pub(super) struct Failure<'a> {
    pub(super) reason: &'a str,
    pub(super) paused_until: Option<DateTime<Utc>>,
    pub(super) day: Option<NaiveDate>,
    /// The total the API announced before the run failed, if it did.
    pub(super) announced: Option<u64>,
    /// When the schedule counts the attempt from (see `RunSettings::began`).
    pub(super) scheduled_from: DateTime<Utc>,
    /// Stopped by a signal, not failed (see [`SourceState::stopped`]).
    pub(super) stopped: bool,
}

/// Writes a failed run's metrics (no data file beside them) and notes the failure in `state`.
pub(super) fn record_failure(
    source: &Source,
    raw_dir: &Path,
    state: &mut SourceState,
    started: DateTime<Utc>,
    counts: CallCounts,
    failure: Failure<'_>,
) {
    let mut metrics = metrics_of(source, state, started, counts, failure.day);
    metrics.scheduled_from = scheduled_apart(failure.scheduled_from, started);
    metrics.error = Some(failure.reason.to_owned());
    metrics.announced = failure.announced;
    if failure.stopped {
        state.stopped(failure.scheduled_from, failure.reason);
    } else {
        state.failed(failure.scheduled_from, failure.reason, failure.paused_until);
    }
    let retry_from = crate::schedule::retry_from(source, state);
    metrics.retry_from = match failure.stopped {
        // Tried again at once, by the next minute's run, unless the API asked to wait (the
        // reports read a failed run without a retry time as one of before relevé recorded
        // them, which may have paused).
        true => {
            let next =
                releve::config::run_minute(failure.scheduled_from) + chrono::TimeDelta::minutes(1);
            Some(retry_from.map_or(next, |retry| retry.max(next)))
        }
        false => retry_from,
    };
    if let Some(name) = rawfile::free_run_name(raw_dir, &source.name, metrics.finished) {
        write_metrics(raw_dir, &name, &metrics);
    }
}

/// Writes the metrics of a run that never finished (`running`, found in the state by the
/// next run), dated when it started, and notes the failure in `state`.
pub(super) fn record_interrupted(
    source: &Source,
    raw_dir: &Path,
    state: &mut SourceState,
    running: &Running,
    reason: &str,
) {
    let mut metrics = unfinished_metrics(source, state, running);
    // Its end is unknown: its start stands for it, its length is not known.
    metrics.finished = running.started;
    metrics.duration_ms = None;
    metrics.error = Some(reason.to_owned());
    state.failed(running.started, reason, None);
    // As the source is scheduled: without the runs the state dates ahead of this clock, which
    // it keeps until an API tells this clock is right.
    let mut scheduled = state.clone();
    scheduled.forget_future_runs(Utc::now());
    metrics.retry_from = crate::schedule::retry_from(source, &scheduled);
    if let Some(name) = rawfile::free_run_name(raw_dir, &source.name, running.started) {
        write_metrics(raw_dir, &name, &metrics);
    }
}

/// Writes the metrics of a run that landed `file`, holding `records`, and was stopped before
/// it wrote them or saved its state (found by the next run), and notes the landing in `state`:
/// the calls it made are not known.
pub(super) fn record_unfinished_landing(
    source: &Source,
    raw_dir: &Path,
    state: &mut SourceState,
    running: &Running,
    file: &RawFileName,
    records: u64,
) {
    let mut metrics = unfinished_metrics(source, state, running);
    metrics.file = Some(file.file_name());
    metrics.finished = file.landed_at.max(running.started);
    metrics.duration_ms =
        u64::try_from((metrics.finished - running.started).num_milliseconds()).ok();
    metrics.records = records;
    keep_earlier_failure(raw_dir, file);
    write_metrics(raw_dir, file, &metrics);
    // An incremental source's cursor stays where it was: the next run asks again from there
    // (the summariser keeps each record once).
    state.succeeded(
        running.started,
        file.landing_order(),
        None,
        running.day,
        metrics.every_s,
    );
    state.landed_under_key();
}

/// The collector run's start `scheduled_from`, for the metrics of a source's run that
/// `started` later, when the schedule counts that run from another minute than its own start's
/// (see [`RunMetrics::scheduled_from`]): a run of cron's 22:59 begun at 22:59:57.5 whose source
/// started at 22:59:58, in the two seconds taken for the next minute's.
pub(super) fn scheduled_apart(
    scheduled_from: DateTime<Utc>,
    started: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let minute = releve::config::run_minute;
    (scheduled_from < started && minute(scheduled_from) != minute(started))
        .then_some(scheduled_from)
}

/// The metrics of the run `running` found unfinished by the next: its calls are not known.
fn unfinished_metrics(source: &Source, state: &SourceState, running: &Running) -> RunMetrics {
    let mut metrics = metrics_of(
        source,
        state,
        running.started,
        CallCounts::default(),
        running.day,
    );
    (metrics.http_calls, metrics.retries, metrics.throttled) = (None, None, None);
    metrics
}

/// A failed run in the same second may have left its metrics (and no data) under the name the
/// new data file just took: move them to a free name so the success does not replace them.
pub(super) fn keep_earlier_failure(raw_dir: &Path, landed: &RawFileName) {
    let orphan = landed.metrics().path_in(raw_dir);
    if !orphan.exists() {
        return;
    }
    if let Some(free) = rawfile::free_run_name(raw_dir, &landed.source, landed.landed_at)
        && let Err(err) = std::fs::rename(&orphan, free.metrics().path_in(raw_dir))
    {
        tracing::warn!(file = %orphan.display(), error = %err, "Cannot move an earlier run's metrics aside.");
    }
}

/// The metrics of a run so far; `day` is the day a per-day source collects, `state` the
/// source's state before the run.
pub(super) fn metrics_of(
    source: &Source,
    state: &SourceState,
    started: DateTime<Utc>,
    counts: CallCounts,
    day: Option<NaiveDate>,
) -> RunMetrics {
    let finished = Utc::now();
    RunMetrics {
        window_parts: None,
        source: source.name.clone(),
        kind: source.kind.name().to_owned(),
        file: None,
        started,
        finished,
        duration_ms: Some(u64::try_from((finished - started).num_milliseconds()).unwrap_or(0)),
        http_calls: Some(counts.http_calls),
        retries: Some(counts.retries),
        throttled: Some(counts.throttled),
        announced: None,
        records: 0,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day,
        every_s: Some(source.every.duration().as_secs()),
        disabled_from: state.disabled_from(source, started),
        retry_from: None,
        scheduled_from: None,
    }
}

/// Writes `metrics` beside the run's data file name; a failure is a warning, not a lost run.
pub(super) fn write_metrics(raw_dir: &Path, run: &RawFileName, metrics: &RunMetrics) {
    let written = serde_json::to_vec_pretty(metrics)
        .map_err(std::io::Error::other)
        .and_then(|bytes| rawfile::write_metrics(raw_dir, run, &bytes));
    if let Err(err) = written {
        tracing::warn!(
            source = %metrics.source,
            file = %run.metrics().path_in(raw_dir).display(),
            error = %err,
            "Cannot write the run metrics."
        );
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use releve::rawfile;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .single()
            .expect("time")
    }

    /// A source's run is recorded with the collector run's start only where the schedule
    /// counts it from another minute than its own start's: cron's 22:59 run begun 57.5 s late,
    /// whose source started in the two seconds taken for 23:00's, or a source that waited a
    /// minute for a slot; not every run a few milliseconds after its collector run began.
    #[test]
    fn a_run_carries_its_collector_run_s_start_where_their_minutes_differ() {
        let began = at(22, 59) + chrono::TimeDelta::milliseconds(57_500);
        let late = began + chrono::TimeDelta::milliseconds(500);
        assert_eq!(scheduled_apart(began, late), Some(began));
        let waited = at(10, 0) + chrono::TimeDelta::seconds(70);
        assert_eq!(scheduled_apart(at(10, 0), waited), Some(at(10, 0)));
        let soon = at(10, 0) + chrono::TimeDelta::milliseconds(40);
        assert_eq!(scheduled_apart(at(10, 0), soon), None);
        let both_late = at(22, 59) + chrono::TimeDelta::seconds(58);
        assert_eq!(
            scheduled_apart(both_late, both_late + chrono::TimeDelta::milliseconds(300)),
            None
        );
    }

    fn keyed(first: &RawFileName, files: u64) -> SourceState {
        SourceState {
            key: Some("K".to_owned()),
            key_before: Some("K0".to_owned()),
            key_first_file: Some(first.file_name()),
            key_files: Some(files),
            ..SourceState::default()
        }
    }

    /// F1 landed under K and was stored; the next run landed F2 under K and was killed; the
    /// run after settles it as an unfinished landing, a file landed under K: F2 waiting does
    /// not read as "nothing of K stored", and putting K0 back would be warned of.
    #[test]
    fn an_unfinished_landing_counts_among_the_key_files() {
        let source = crate::testing::minutely();
        let dir = tempfile::tempdir().expect("temp dir");
        let raw = dir.path();
        let f1 = rawfile::land(raw, &source.name, at(10, 0), b"{}").expect("F1");
        let mut state = keyed(&f1, 1);
        state.succeeded(at(10, 0), f1.landing_order(), None, None, Some(60));
        let f2 = rawfile::land(raw, &source.name, at(10, 1), b"{}").expect("F2");
        std::fs::remove_file(f1.path_in(raw)).expect("F1 summarised");
        let running = Running {
            started: at(10, 1),
            day: None,
            waiting_ahead: Vec::new(),
        };
        record_unfinished_landing(&source, raw, &mut state, &running, &f2, 0);
        assert_eq!(
            state
                .stored_key(raw, &source.name, None)
                .map(String::as_str),
            Some("K"),
            "F1 was stored under K; key_files = {:?}",
            state.key_files
        );
    }

    /// A daily source run at 23:30 in Paris on 28 March is next due at the start of the 29th
    /// on that clock (23:00 UTC on the 28th); disabled at 23:45 and enabled again on the 30th,
    /// the run that took up again says it skipped from the start of the 29th, the collection
    /// the report of the 29th expects, not from when it was disabled.
    #[test]
    fn a_daily_source_disabled_before_its_next_day_skipped_from_that_day_s_start() {
        let daily = crate::testing::configured(
            "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"https://example.org/feed\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"time\"\n",
        );
        let utc = |day, h, m| {
            Utc.with_ymd_and_hms(2026, 3, day, h, m, 0)
                .single()
                .expect("time")
        };
        let mut state = SourceState::default();
        // 23:30 CET on Saturday 28 March.
        let ran = utc(28, 22, 30);
        state.succeeded(ran, crate::testing::landing(ran), None, None, Some(86_400));
        state.disabled_since = Some(utc(28, 22, 45));
        let metrics = metrics_of(&daily, &state, utc(30, 10, 30), CallCounts::default(), None);
        assert_eq!(
            metrics.disabled_from,
            // 00:00 CET on Sunday 29 March, when the collector would have run it.
            Some(utc(28, 23, 0)),
        );
    }
}
