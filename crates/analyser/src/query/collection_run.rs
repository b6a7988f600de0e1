//! One collector run as the report reads it from `runs` (or from a metrics file waiting in
//! `raw/`).

use chrono::{DateTime, Utc};
use releve::RunMetrics;
use releve::store::{self, StoredRun};

/// One collector run, as the report needs it (its default, a run at the epoch that landed
/// nothing, is for tests to build on).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CollectionRun {
    /// When the run started, as the collector's schedule counts it: when the collector run
    /// that made it began, where that was earlier (a source started after the run's start-up,
    /// or waited for one of its slots; see [`RunMetrics::scheduled_from`]).
    pub started: DateTime<Utc>,
    /// The data file it landed (none for a failed run).
    pub file: Option<String>,
    /// Records landed.
    pub records: u64,
    /// Records the API announced, when it did.
    pub announced: Option<u64>,
    /// Retried requests.
    pub retries: u64,
    /// 429 answers.
    pub throttled: u64,
    /// Records the API announced but no query could reach.
    pub shortfall: u64,
    /// Records landed sharing their key with a different record of the same run.
    pub key_clashes: u64,
    /// The `key` they shared, as written then, when the run recorded it.
    pub clash_key: Option<String>,
    /// Why the run failed, when it did.
    pub error: Option<String>,
    /// The source's `every` the run collected under, in seconds, when it recorded it.
    pub every_s: Option<i64>,
    /// For the first run after the source was enabled again, when its first collection
    /// skipped while disabled was due: none was expected from then until this run.
    pub disabled_from: Option<DateTime<Utc>>,
    /// The day a per-day source's run collected (none for other sources, and for runs stored
    /// before relevé recorded it).
    pub day: Option<chrono::NaiveDate>,
    /// For a failed run, when the collector tries the source again at the earliest (none for
    /// runs stored before relevé recorded it).
    pub retry_from: Option<DateTime<Utc>>,
}

impl CollectionRun {
    /// The `every` the run collected under, when it recorded one.
    pub fn interval(&self) -> Option<chrono::Duration> {
        self.every_s
            .filter(|every| *every > 0)
            .and_then(chrono::Duration::try_seconds)
    }

    /// When the collector was to run `source` next after this run, at the interval it recorded
    /// (else `every`), as the schedule counts it ([`releve::Every::due_after`]: from the run's
    /// minute, whole days on the reports' clock).
    pub fn next_due(&self, source: &releve::Source) -> DateTime<Utc> {
        let every = self
            .every_s
            .and_then(|every| u64::try_from(every).ok())
            .filter(|every| *every > 0)
            .map_or(source.every, releve::Every::from_secs);
        every.due_after(self.started, source.days_in)
    }

    /// For a failed run, when the collector was to try the source again: the retry it
    /// recorded (the run itself starts at the cron minute after it), or for a run stored
    /// before relevé recorded it, the end of the longest pause an API can ask for
    /// ([`releve::metrics::LONGEST_PAUSE`]).
    pub fn retried_by(&self) -> DateTime<Utc> {
        self.retry_from
            .unwrap_or(self.started + releve::metrics::LONGEST_PAUSE)
    }

    /// The day a per-day source's run collected: a run stored before relevé recorded `day`
    /// collected the UTC day before the one it started.
    pub fn collected_day(&self) -> Option<chrono::NaiveDate> {
        self.day.or_else(|| self.started.date_naive().pred_opt())
    }
}

impl From<&RunMetrics> for CollectionRun {
    fn from(run: &RunMetrics) -> Self {
        CollectionRun {
            started: placed_at(run.started, run.scheduled_from),
            file: run.file.clone(),
            records: run.records,
            announced: run.announced,
            // A run that did not finish adds none it is known to have made.
            retries: run.retries.unwrap_or(0),
            throttled: run.throttled.unwrap_or(0),
            shortfall: releve::metrics::shortfall_read(
                run.started,
                run.announced,
                run.shortfall,
                run.coverage,
            ),
            key_clashes: run.key_clashes,
            clash_key: run.clash_key.clone(),
            error: run.error.clone(),
            every_s: run
                .every_s
                .and_then(|every| i64::try_from(every).ok())
                .filter(plausible_every),
            disabled_from: run.disabled_from,
            day: run.day,
            retry_from: run.retry_from,
        }
    }
}

impl From<StoredRun> for CollectionRun {
    fn from(run: StoredRun) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let announced = run.announced.map(count);
        CollectionRun {
            started: placement(&run),
            file: run.file,
            records: count(run.records),
            announced,
            retries: run.retries.map_or(0, count),
            throttled: run.throttled.map_or(0, count),
            shortfall: releve::metrics::shortfall_read(
                store::chrono_date(run.started),
                announced,
                count(run.shortfall),
                run.coverage,
            ),
            key_clashes: count(run.key_clashes),
            clash_key: run.clash_key,
            error: run.error,
            every_s: run.every_s.filter(plausible_every),
            disabled_from: run.disabled_from.map(store::chrono_date),
            day: run.day,
            retry_from: run.retry_from.map(store::chrono_date),
        }
    }
}

/// Where the reports place a run that `started`, its collector run begun at `scheduled_from`
/// where recorded: the earlier of the two (see [`CollectionRun::started`]). A run belongs to
/// the period its placement falls in, even where it started in the next.
pub fn placed_at(started: DateTime<Utc>, scheduled_from: Option<DateTime<Utc>>) -> DateTime<Utc> {
    scheduled_from.map_or(started, |from| from.min(started))
}

/// Where the reports place a stored run ([`placed_at`]).
pub fn placement(run: &StoredRun) -> DateTime<Utc> {
    placed_at(
        store::chrono_date(run.started),
        run.scheduled_from.map(store::chrono_date),
    )
}

/// An `every_s` the configuration could have set (a minute to [`releve::Every::LONGEST`]): one
/// edited by hand past it is taken as not recorded.
fn plausible_every(seconds: &i64) -> bool {
    u64::try_from(*seconds)
        .is_ok_and(|seconds| (60..=releve::Every::LONGEST.duration().as_secs()).contains(&seconds))
}
