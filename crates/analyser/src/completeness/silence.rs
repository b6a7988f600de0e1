//! Stretches of a period in which no collection of any source started although a source was
//! due several times: the collector, or the machine it runs on, was most likely stopped then.
//! Each source's line of collections that did not run counts them; this says when, and that
//! every source was silent at once.

use chrono::{DateTime, Duration, Utc};
use releve::Source;

use super::expected_from::expected_until;
use super::{Completeness, Health};
use crate::period::ReportPeriod;
use crate::query::{CollectionRun, Disabled, SourceData};

/// A stretch without any collection starting, between two that did (or the period's edges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Silence {
    /// The last collection that started before it, or where the period's collections are
    /// first expected.
    pub from: DateTime<Utc>,
    /// The first collection that started after it, or where the elapsed period ends.
    pub until: DateTime<Utc>,
}

/// The shortest silence told: the collector's hourly runs were most likely stopped, not
/// slowed (a minute source's cron minute lost now and then under load).
const SHORTEST: Duration = Duration::hours(1);

/// How late after it is due a run may start: cron starts the collector each minute.
const CRON_MINUTE: Duration = Duration::minutes(1);

/// A source's runs, and the intervals they were made at.
struct Runs<'a> {
    /// Its runs in the period.
    runs: &'a [CollectionRun],
    /// Its latest run before the period.
    before: Option<&'a CollectionRun>,
    /// Its `every` now, the interval of runs that recorded none.
    configured: Duration,
}

impl<'a> Runs<'a> {
    fn of(source: &Source, data: &'a SourceData) -> Self {
        Runs {
            runs: &data.runs,
            before: data.run_before.as_ref(),
            configured: source.every.as_chrono(),
        }
    }

    /// The shortest interval it ran at, configured now or recorded by a run: no stretch
    /// shorter than two and a half of it is one without runs.
    fn shortest(&self) -> Duration {
        self.runs
            .iter()
            .chain(self.before)
            .filter_map(CollectionRun::interval)
            .fold(self.configured, Duration::min)
    }

    /// The last run started by `at`.
    fn last_by(&self, at: DateTime<Utc>) -> Option<&'a CollectionRun> {
        self.runs
            .iter()
            .chain(self.before)
            .filter(|run| run.started <= at)
            .max_by_key(|run| run.started)
    }

    /// What came before `stretch`, one of the source's stretches without a run: the last of
    /// its runs started by the stretch's start, in the period or the last before it.
    fn before(&self, stretch: &Silence) -> Before {
        let Some(failure) = self.last_by(stretch.from).filter(|run| run.error.is_some()) else {
            return Before::NoFailure;
        };
        match failure.retry_from {
            Some(retry) => Before::PutOff {
                retry,
                covers: stretch.until <= retry + self.interval_after(Some(failure)) + CRON_MINUTE,
            },
            // A pause lasts a day at most: past it, the failure explains nothing.
            None => Before::MayHavePaused {
                covers: stretch.until
                    <= failure.retried_by() + self.interval_after(Some(failure)) + CRON_MINUTE,
            },
        }
    }

    /// The interval a stretch without a run from `from` to `until` is judged by: the one in
    /// force after the last run by `from` (see [`Runs::interval_after`]), or the one the run
    /// at `until` recorded, when longer: `every` lengthened in between (`15m` made `1h`), the
    /// collector schedules that run by the new one, an interval after the last.
    fn interval_across(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Duration {
        let after = self
            .runs
            .iter()
            .filter(|run| run.started == until)
            .filter_map(CollectionRun::interval)
            .max();
        let before = self.interval_after(self.last_by(from));
        after.map_or(before, |after| after.max(before))
    }

    /// The interval in force after `last` (see [`Runs::last_by`]): the one it recorded, where
    /// it did, or before the first run known, the one that run recorded; else `every` now.
    fn interval_after(&self, last: Option<&CollectionRun>) -> Duration {
        let first = || self.runs.iter().min_by_key(|run| run.started);
        last.or_else(first)
            .and_then(CollectionRun::interval)
            .unwrap_or(self.configured)
    }
}

/// A source that was due over part of the period.
struct Due<'a> {
    /// See [`Runs::shortest`].
    shortest: Duration,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    disabled: &'a [Disabled],
    runs: Runs<'a>,
}

impl Due<'_> {
    /// True when the source was due throughout `from..until`, enabled, and that stretch is
    /// over two and a half of its intervals: one run skipped now and then is no silence. Not
    /// after a failed run, in the period or the last before it: the source may have been
    /// paused (an exhausted quota, from the evening before) or backing off.
    fn missed(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        let due = self.from <= from && until <= self.until;
        // The cheap tests first: a month of a minute source holds some 43,000 runs.
        if !due || until - from <= self.shortest * 5 / 2 {
            return false;
        }
        let before = self.runs.last_by(from);
        let every = self.runs.interval_across(from, until);
        // A failure excuses a stretch it may have paused the source for: one ending by its
        // retry (within a day of it, when it recorded none), the interval the collector then
        // took to run it again, and the cron minute that run waited for.
        let excused_until = |run: &CollectionRun| run.retried_by() + every + CRON_MINUTE;
        until - from > every * 5 / 2
            && before.is_none_or(|run| run.error.is_none() || until > excused_until(run))
            && !self
                .disabled
                .iter()
                .any(|disabled| disabled.from < until && disabled.until > from)
    }
}

/// The stretches of the elapsed period (up to `reference`), of an hour or more, in which no
/// source started a collection while at least one source was due over the whole stretch and
/// went more than two and a half of its intervals without one, oldest first.
pub fn silences<'a>(
    sources: impl IntoIterator<Item = (&'a Source, &'a SourceData, &'a Completeness)>,
    period: &ReportPeriod,
    reference: DateTime<Utc>,
) -> Vec<Silence> {
    let mut starts = Vec::new();
    let mut due = Vec::new();
    for (source, data, completeness) in sources {
        starts.extend(data.runs.iter().map(|run| run.started));
        // Never collected (its credentials not set here, or not run by this collector's cron
        // lines): nothing tells it was due. A source collecting by day is due by the days it
        // collects, not by its runs' times (a day collected with `--date` long after it).
        if matches!(completeness.health, Health::Skipped | Health::Never)
            || source.collects_by_day()
        {
            continue;
        }
        let (Some(from), Some(until)) = (
            completeness.expected_from.counted_from(period),
            expected_until(source, data, reference),
        ) else {
            continue;
        };
        let runs = Runs::of(source, data);
        due.push(Due {
            shortest: runs.shortest(),
            from,
            until,
            disabled: &completeness.disabled,
            runs,
        });
    }
    let Some(first) = due.iter().map(|due| due.from).min() else {
        return Vec::new();
    };
    starts.retain(|start| (first..reference).contains(start));
    starts.sort_unstable();
    let edges = std::iter::once(first)
        .chain(starts)
        .chain(std::iter::once(reference));
    let mut silences = Vec::new();
    let mut previous: Option<DateTime<Utc>> = None;
    for edge in edges {
        if let Some(from) = previous
            && edge - from >= SHORTEST
            && due.iter().any(|due| due.missed(from, edge))
        {
            silences.push(Silence { from, until: edge });
        }
        previous = Some(edge);
    }
    silences
}

/// A stretch of a source's period in which none of its runs started, and what came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithoutRun {
    pub stretch: Silence,
    pub before: Before,
}

/// The stretches of `from..until` in which no run of the source started, where each is over
/// two and a half of the interval in force at its start (one run skipped now and then is no
/// stretch), leaving out the stretches it was disabled, oldest first, each with what came
/// before it: tell a reader when the collections it missed were due, and why they may have
/// been. `up_to_now` when `until` is when the report is generated, not the period's end: the
/// last stretch then runs up to the collector's next run, which `every` as configured now
/// schedules.
pub(super) fn stretches_without_run(
    source: &Source,
    data: &SourceData,
    disabled: &[Disabled],
    from: DateTime<Utc>,
    (until, up_to_now): (DateTime<Utc>, bool),
) -> Vec<WithoutRun> {
    // A source collecting by day is due by the days it collects, not by its runs' times.
    if source.collects_by_day() || until <= from {
        return Vec::new();
    }
    let runs = Runs::of(source, data);
    let shortest = runs.shortest();
    let mut edges: Vec<DateTime<Utc>> = data
        .runs
        .iter()
        .map(|run| run.started)
        .chain(disabled.iter().flat_map(|d| [d.from, d.until]))
        .filter(|edge| (from..until).contains(edge))
        .collect();
    edges.extend([from, until]);
    edges.sort_unstable();
    edges
        .windows(2)
        .map(|pair| Silence {
            from: pair[0],
            until: pair[1],
        })
        .filter(|gap| {
            !disabled
                .iter()
                .any(|d| d.from <= gap.from && gap.until <= d.until)
        })
        // The cheap test first: a month of a minute source holds some 43,000 gaps.
        .filter(|gap| gap.until - gap.from > shortest * 5 / 2)
        .filter(|gap| {
            let mut interval = runs.interval_across(gap.from, gap.until);
            // Up to now: the collector schedules the next run by `every` as configured now,
            // which may have grown since the last run (`1m` made `5m` two minutes ago).
            if up_to_now && gap.until == until {
                interval = interval.max(runs.configured);
            }
            gap.until - gap.from > interval * 5 / 2
        })
        .map(|stretch| WithoutRun {
            stretch,
            before: runs.before(&stretch),
        })
        .collect()
}

/// What came before a stretch of a source without a run (see [`stretches_without_run`]): a
/// failed run puts the source off, so the stretch it explains is no stopped collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// A run that landed, or none known: nothing the collector recorded put the source off.
    NoFailure,
    /// A failed run, after which the collector was not to try the source again before
    /// `retry`; `covers` when that retry, the interval then in force and the cron minute the
    /// next run waits for account for the whole stretch.
    PutOff { retry: DateTime<Utc>, covers: bool },
    /// A failed run stored before relevé recorded when it would try again: it may have paused
    /// the source (for up to [`releve::metrics::LONGEST_PAUSE`]); `covers` when such a pause
    /// accounts for the whole stretch.
    MayHavePaused { covers: bool },
}

impl Before {
    /// True when no failure accounts for the whole stretch: the collector did not start the
    /// source (stopped, or its cron line removed), for all it recorded.
    pub fn leaves_unexplained(self) -> bool {
        matches!(
            self,
            Before::NoFailure
                | Before::PutOff { covers: false, .. }
                | Before::MayHavePaused { covers: false }
        )
    }
}

#[cfg(test)]
mod tests;
