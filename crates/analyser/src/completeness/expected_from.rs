//! Where a period's expected collections are counted from (the period's start, the source's
//! first run, the oldest runs kept, the end of a loss), and up to when they are expected.

use chrono::{DateTime, Duration, Utc};
use releve::Source;

use crate::period::ReportPeriod;
use crate::query::SourceData;

/// Where the expected collections of a period are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedFrom {
    /// The period's start: the source collected before it.
    PeriodStart,
    /// No run of the source is known, nor any summary (a source just added or renamed, one
    /// never collected for want of credentials): none is expected, and its health says so.
    NoRunKnown,
    /// The source's first known collection, which started inside the period.
    FirstRun(DateTime<Utc>),
    /// The source's first known collection came after the period: none was expected.
    AfterPeriod(DateTime<Utc>),
    /// The period began before the runs still kept ([`releve::store::RUNS_KEPT`]), which
    /// start at the given time, inside it: collections are counted from there on.
    OldestKept(DateTime<Utc>),
    /// The period ended before the runs still kept begin: its collections are not known.
    RunsExpired,
    /// The database lost the source's runs of a stretch overlapping the period (restored from
    /// an older backup): collections are counted from the given time, inside it, when the run
    /// after the last lost was due.
    AfterLoss(DateTime<Utc>),
    /// The database lost the source's runs of the whole period: its collections are not known.
    RunsLost,
}

impl ExpectedFrom {
    /// True when the period's runs are gone, so its collection figures are not known.
    pub fn unknown(self) -> bool {
        matches!(self, ExpectedFrom::RunsExpired | ExpectedFrom::RunsLost)
    }

    /// Where collections are counted from in `period`; `None` when none is expected, or none
    /// is known.
    pub(crate) fn counted_from(self, period: &ReportPeriod) -> Option<DateTime<Utc>> {
        match self {
            ExpectedFrom::PeriodStart => Some(period.start()),
            ExpectedFrom::FirstRun(first)
            | ExpectedFrom::OldestKept(first)
            | ExpectedFrom::AfterLoss(first) => Some(first),
            ExpectedFrom::AfterPeriod(_)
            | ExpectedFrom::RunsExpired
            | ExpectedFrom::RunsLost
            | ExpectedFrom::NoRunKnown => None,
        }
    }
}

/// Up to when the source's collections are expected: `reference`, or of a disabled source
/// its last run in the period and that run's interval, when it was disabled as far as the
/// report can tell; without a run, not at all (`None`).
pub(super) fn expected_until(
    source: &Source,
    data: &SourceData,
    reference: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if source.enabled {
        return Some(reference);
    }
    let last = data.runs.iter().max_by_key(|run| run.started)?;
    Some(last.next_due(source).min(reference))
}

/// Where the period's expected collections are counted from. When `runs` has lost its older
/// runs (`kept_from`), for a period that began before the runs kept, the earliest run of the
/// source is its first collection only when it came well after they begin (a source added
/// since); otherwise collections are counted from the oldest runs kept, or not at all when the
/// whole period is older.
pub(super) fn expected_from(
    source: &Source,
    first_run: Option<DateTime<Utc>>,
    kept_from: Option<DateTime<Utc>>,
    period: &ReportPeriod,
) -> ExpectedFrom {
    // The earliest run kept of a source can come an interval after the oldest of all.
    let added_since = |horizon: DateTime<Utc>| {
        first_run
            .is_some_and(|first| first > horizon + source.every.as_chrono() + Duration::hours(1))
    };
    // A period that began less than an hour before the runs kept loses at most that hour's
    // runs: counted from its first run as usual.
    if let Some(horizon) = kept_from
        && period.start() < horizon - Duration::hours(1)
        && !added_since(horizon)
    {
        // From the source's own first run kept, at the horizon or within an interval after it:
        // the run of the interval under way at the horizon went with the runs expired.
        return if period.end() <= horizon {
            ExpectedFrom::RunsExpired
        } else {
            ExpectedFrom::OldestKept(first_run.map_or(horizon, |first| first.max(horizon)))
        };
    }
    match first_run {
        Some(first) if first >= period.end() => ExpectedFrom::AfterPeriod(first),
        Some(first) if first > period.start() => ExpectedFrom::FirstRun(first),
        _ => ExpectedFrom::PeriodStart,
    }
}
