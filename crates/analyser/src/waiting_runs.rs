//! Collector runs whose metrics files still wait in `raw/<source>/` for the summariser: the
//! freshest news of a source's health (MongoDB's `runs` gets them at the summariser's next
//! hourly run). Read by `analyser status`, and by a report given `--raw-dir`, so a report
//! written at 04:15 does not call a minutely source late for runs summarised at 05:05.

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use releve::{RawFileRole, RunMetrics, rawfile};

use crate::period::ReportPeriod;
use crate::query::{CollectionRun, Disabled, SourceData, placed_at};

/// What waits in `raw/<source>/` for the summariser.
#[derive(Debug, Default)]
pub struct Waiting {
    /// The run metrics; a file that cannot be read is logged and skipped.
    pub runs: Vec<RunMetrics>,
    /// When the earliest data file landed: the summariser is behind when that was hours ago
    /// (as `analyser status` judges it, whether or not its run's metrics were taken).
    pub oldest_landed: Option<DateTime<Utc>>,
}

/// What waits in `raw/<source>/`. A folder that does not exist holds nothing; one that cannot
/// be listed is an error.
pub fn read(raw_dir: &Path, source: &str) -> std::io::Result<Waiting> {
    let mut waiting = Waiting::default();
    for name in rawfile::list(raw_dir, source)? {
        match name.role {
            RawFileRole::Metrics => waiting.runs.extend(read_metrics(&name.path_in(raw_dir))),
            RawFileRole::Data => {
                let oldest = waiting.oldest_landed.get_or_insert(name.landed_at);
                *oldest = (*oldest).min(name.landed_at);
            }
        }
    }
    Ok(waiting)
}

/// A run waiting in `raw/`, as it tells when its source collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunMark {
    /// When it began.
    pub started: DateTime<Utc>,
    /// Until when a failure put its source off (a pause the API asked for, a backoff), if it
    /// did.
    pub retry_from: Option<DateTime<Utc>>,
    /// Since when its source had been disabled (`enabled = false`), for the first run after.
    pub disabled_from: Option<DateTime<Utc>>,
    /// The `every` it collected under, when its metrics say (a source's `every` may have been
    /// changed since: the runs made before are judged by their own).
    pub every: Option<TimeDelta>,
}

impl From<&RunMetrics> for RunMark {
    fn from(run: &RunMetrics) -> Self {
        RunMark {
            started: run.started,
            retry_from: run.retry_from,
            disabled_from: run.disabled_from,
            every: run
                .every_s
                .and_then(|secs| i64::try_from(secs).ok())
                .map(TimeDelta::seconds),
        }
    }
}

/// When the collector ran on this machine since the summariser last took its files: the runs
/// waiting in `raw/`, of every source. A stretch between two runs is the machine asleep or off
/// (a laptop's night, when cron ran no summariser either) when it is longer than twice the
/// `every` (30 minutes at least, the longest wait after failures) of the most frequent source
/// that was collecting on both sides of it, not put off by a failure nor disabled across it;
/// with no such source, nothing tells. A source's `every` there is the longer of those its runs
/// on either side of the stretch collected under, when their metrics say, else the one
/// configured now (the one now for the stretch since its last run).
#[derive(Debug, Clone, Default)]
pub struct CollectorRuns {
    /// Each source's interval and runs, in time order.
    sources: Vec<(TimeDelta, Vec<RunMark>)>,
    /// Every run's start, in time order.
    starts: Vec<DateTime<Utc>>,
}

impl CollectorRuns {
    /// The runs of each source: its `every` now (`None` when not known, or for a source
    /// disabled now, which tells nothing of a stretch since its last run) and its waiting runs.
    pub fn new(
        sources: impl IntoIterator<Item = (Option<releve::Every>, Vec<RunMark>)>,
    ) -> CollectorRuns {
        let mut runs = CollectorRuns::default();
        for (every, mut marks) in sources {
            runs.starts.extend(marks.iter().map(|mark| mark.started));
            if let Some(every) = every
                && !marks.is_empty()
            {
                marks.sort_unstable_by_key(|mark| mark.started);
                runs.sources.push((every.as_chrono(), marks));
            }
        }
        runs.starts.sort_unstable();
        runs
    }

    /// Whether the machine was asleep or off between the runs at `from` and `until` (`now`,
    /// for the stretch since the last run): see [`CollectorRuns`].
    fn asleep(&self, from: DateTime<Utc>, until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let collecting = self.sources.iter().filter_map(|(every, marks)| {
            // Its last run at `from` or before: recent, not put off past `until`; its next run
            // at `until` or after, not after a stretch disabled that began by `from`.
            let before = marks.partition_point(|mark| mark.started <= from);
            let last = marks.get(before.checked_sub(1)?)?;
            let next = marks.get(before);
            // An `every` changed within the stretch: the longer of the intervals on its two
            // sides explains it (the run after it recorded the new one; none yet, the one now).
            let after = next.map_or(*every, |next| next.every.unwrap_or(*every));
            let every = &last.every.unwrap_or(*every).max(after);
            let recent = from - last.started <= *every * 2;
            let put_off = last.retry_from.is_some_and(|retry| retry >= until);
            let disabled = next
                .and_then(|next| next.disabled_from)
                .is_some_and(|off| off <= from + *every * 2);
            let after = until == now || next.is_some_and(|next| next.started >= until);
            (recent && !put_off && !disabled && after).then_some(*every)
        });
        collecting
            .min()
            .is_some_and(|every| until - from > (every * 2).max(TimeDelta::minutes(30)))
    }

    /// How long a file landed at `landed` has waited for the summariser: the time from then to
    /// `now` the machine was up, less each stretch between runs in which it was asleep or off
    /// (cron ran no summariser then; a summariser run that failed once after a laptop woke
    /// does not make its night hours waited).
    pub fn waited_for_summariser(&self, landed: DateTime<Utc>, now: DateTime<Utc>) -> TimeDelta {
        let after = self
            .starts
            .iter()
            .copied()
            .filter(|start| *start > landed && *start < now)
            .chain([now]);
        let mut asleep = TimeDelta::zero();
        let mut before = landed;
        for start in after {
            if self.asleep(before, start, now) {
                asleep += start - before;
            }
            before = start;
        }
        (now - landed - asleep).max(TimeDelta::zero())
    }
}

/// One run metrics file; `None`, logged, when it cannot be read.
pub fn read_metrics(path: &Path) -> Option<RunMetrics> {
    RunMetrics::read(path)
        .inspect_err(|error| tracing::warn!(%error, "Cannot read a run metrics file."))
        .ok()
}

/// Folds runs not yet in MongoDB into what the report reads of a source, as if they were
/// stored: the period's runs (by the day they collected, for a per-day source), the last run
/// before the period (of a source whose runs belong to when they started) and its health.
/// Their successes count as successes; the newest of those newer than every stored run says
/// whether the latest run failed (a file that could not be deleted can be older than stored
/// runs). Only runs started by `now` (the report's generation, give or take the minute
/// `analyser status` allows a clock) count. A run is known by its
/// start to the millisecond, as MongoDB keeps it: its file says nanoseconds.
pub fn fold_into(
    data: &mut SourceData,
    runs: &[RunMetrics],
    period: &ReportPeriod,
    now: DateTime<Utc>,
) {
    let until = crate::status::not_after(now);
    let runs = runs.iter().filter(|run| run.started <= until);
    let placed = |run: &RunMetrics| placed_at(run.started, run.scheduled_from);
    for run in runs.clone() {
        let in_period = match run.day {
            Some(day) => (period.first_day..period.end_day).contains(&day),
            None => (period.start()..period.end()).contains(&placed(run)),
        };
        let millis = placed(run).timestamp_millis();
        let stored = data
            .runs
            .iter()
            .any(|known| known.started.timestamp_millis() == millis);
        if in_period && !stored {
            data.runs.push(CollectionRun::from(run));
            if run.succeeded() {
                data.waiting.runs += 1;
                data.waiting.records += run.records;
            }
        }
    }
    data.runs.sort_by_key(|run| run.started);
    // The runs before the period a stretch of failures may run through into it, beside those
    // read from MongoDB (see `SourceData::runs_before`).
    for run in runs
        .clone()
        .filter(|run| run.day.is_none() && placed(run) < period.start())
    {
        let millis = placed(run).timestamp_millis();
        if !data
            .runs_before
            .iter()
            .any(|known| known.started.timestamp_millis() == millis)
        {
            data.runs_before.push(CollectionRun::from(run));
        }
    }
    data.runs_before.sort_by_key(|run| run.started);
    // The last run before the period, of a source whose runs belong to when they started.
    let before = runs
        .clone()
        .filter(|run| run.day.is_none() && placed(run) < period.start())
        .max_by_key(|run| placed(run));
    if let Some(before) = before
        && data
            .run_before
            .as_ref()
            .is_none_or(|known| known.started < placed(before))
    {
        data.run_before = Some(CollectionRun::from(before));
    }
    for disabled in runs
        .clone()
        .filter_map(|run| Disabled::told_by(&CollectionRun::from(run)))
    {
        // Known by the run's start to the millisecond, as MongoDB keeps it.
        let millis = disabled.until.timestamp_millis();
        let stored = data
            .disabled
            .iter()
            .any(|known| known.until.timestamp_millis() == millis);
        if disabled.overlaps(period) && !stored {
            data.disabled.push(disabled);
        }
    }
    data.disabled.sort_by_key(|disabled| disabled.from);
    let newest_success = runs
        .clone()
        .filter(|run| run.error.is_none())
        .map(|run| run.finished)
        .max();
    data.last_success = data.last_success.max(newest_success);
    let newest = runs
        .filter(|run| {
            data.latest_run
                .is_none_or(|stored| run.started.timestamp_millis() > stored.timestamp_millis())
        })
        .max_by_key(|run| run.started);
    if let Some(newest) = newest {
        data.latest_run_failed = newest.error.is_some();
        data.latest_run = Some(newest.started);
    }
}

/// The first collection these runs tell of (see `query::first_runs`): the midnight in `tz`,
/// the report's time zone, starting the first day a per-day source collected (not before the
/// day before its earliest run began: a past day collected by hand), else the earliest run's
/// placement ([`placed_at`]).
pub fn first_collection(runs: &[RunMetrics], per_day: bool, tz: Tz) -> Option<DateTime<Utc>> {
    if per_day {
        let day_before_first = runs
            .iter()
            .map(|run| run.started)
            .min()?
            .date_naive()
            .pred_opt()?;
        runs.iter()
            .filter_map(|run| run.day)
            .min()
            .map(|day| crate::period::local_midnight(tz, day.max(day_before_first)))
    } else {
        runs.iter()
            .map(|run| placed_at(run.started, run.scheduled_from))
            .min()
    }
}

#[cfg(test)]
mod tests;
