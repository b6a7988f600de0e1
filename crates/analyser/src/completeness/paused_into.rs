//! Whether the collections a source missed in the period are those the collector put off
//! after a failure before it.

use chrono::{DateTime, Utc};
use releve::Source;

use super::ExpectedFrom;
use crate::period::ReportPeriod;
use crate::query::SourceData;

/// Whether the collections a source missed in the period are those the collector put off
/// after its last run before the period failed: the source's first run in the period came
/// only after as many intervals, and no later than the failure's retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PausedInto {
    /// They are not, or none was missed.
    No,
    /// They are: the failure recorded that the collector would not try the source again
    /// before then (the end of a pause the API asked for, or of the backoff).
    Until(DateTime<Utc>),
    /// They may be: the failure, recorded before relevé noted when it would try again, may
    /// have paused the source for up to [`releve::metrics::LONGEST_PAUSE`].
    Perhaps,
}

/// See [`Completeness::paused_into`](super::Completeness::paused_into); `until` is where
/// collections stop being expected.
pub(super) fn paused_into(
    source: &Source,
    data: &SourceData,
    from: ExpectedFrom,
    period: &ReportPeriod,
    expected: u64,
    landed: u64,
    until: Option<DateTime<Utc>>,
) -> PausedInto {
    let missed = expected.saturating_sub(landed);
    let (Some(failure), Some(until)) = (data.run_before.as_ref(), until) else {
        return PausedInto::No;
    };
    if missed == 0 || failure.error.is_none() || from != ExpectedFrom::PeriodStart {
        return PausedInto::No;
    }
    let every = failure
        .interval()
        .unwrap_or_else(|| source.every.as_chrono())
        .num_seconds()
        .max(1);
    let resumed = data
        .runs
        .iter()
        .map(|run| run.started)
        .min()
        .unwrap_or(until);
    // The collections due before the first run, and of those, the ones due before the retry:
    // the collector runs at the cron minute after it, so one due a few seconds before it (a
    // pause the API asked for ends between minutes, and older collectors dated the retry 30 s
    // before a minute) was put off too.
    let before_first = (resumed - period.start()).num_seconds() / every;
    let to_retry = (failure.retried_by() - period.start()).num_seconds();
    let before_retry = if to_retry > 0 {
        (to_retry - 1) / every + 1
    } else {
        0
    };
    let skipped = before_first.min(before_retry);
    if !i64::try_from(missed).is_ok_and(|missed| missed <= skipped) {
        PausedInto::No
    } else if let Some(retry) = failure.retry_from {
        PausedInto::Until(retry)
    } else {
        PausedInto::Perhaps
    }
}
