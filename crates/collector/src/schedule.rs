//! When a source is due. Cron starts the collector on the minute, so the schedule counts in
//! minutes: an interval source is due from the start of the minute its last successful run
//! *started* in, plus `every`. A `1m` source run by cron every minute is never skipped for a
//! second of jitter, and one first run by hand at 10:00:11 is due at cron's 10:01 (counted from
//! the run's start to the second, it was not: 49 s had passed); a run starting up to two
//! seconds before that minute on this clock finds it due too, and is counted from that minute
//! (see [`CRON_EARLY`]). A per-day
//! source (France Travail) is due while the `--date` day is not landed.
//!
//! After a failed run a source waits before trying again, from the minute of that attempt: its
//! interval, doubled for each further run failed in a row, and never more than 15 minutes. A
//! minutely source tries at its next minute, then 2, 4 and 8 minutes later, then every 15
//! minutes, so an API that keeps failing (or a quota it keeps refusing without saying until
//! when) is not called every minute all day; a failing hourly or daily source tries every 15
//! minutes. When the API asked to wait longer (an exhausted daily quota), the source waits
//! until then, at most a day.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use releve::Source;
use releve::config::CRON_EARLY;

use crate::state::SourceState;

/// Whether to collect now, and why not when not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Collect now.
    Now,
    /// The last success, or the last failure, is recent: the next run is due from this time.
    NotBefore(DateTime<Utc>),
    /// The day was already landed.
    DayLanded(NaiveDate),
}

/// The longest wait after a failed run.
const RETRY_AFTER_FAILURE: TimeDelta = TimeDelta::minutes(15);

/// When the retries of a run scheduled from `scheduled_from` end: its interval later, or,
/// after `failures_in_a_row` failed runs before it, the backoff after one more failure when that
/// is longer (see [`retry_from`]: a `1m` source failing waits 2, 4, 8, then 15 minutes), less
/// a tenth of it, between 2 and 30 seconds (at 10:00:54 for a `1m` source run by cron at 10:00
/// after a success; at 10:03:36 after two failures). So a server that hangs does not hold the
/// source's lock when its next run comes (see
/// [`crate::http::SourceClient::with_retry_deadline`]), and retries are not cut for a run that
/// will not come; a long collection of a daily source (a France Travail day) keeps its day to
/// retry in. A run by hand late in its minute keeps its full time to retry: cron's next run
/// may then find the source held and skip it.
pub fn retries_end(
    source: &Source,
    scheduled_from: DateTime<Utc>,
    failures_in_a_row: u32,
) -> DateTime<Utc> {
    let next = source
        .every
        .as_chrono()
        .max(backoff(source, failures_in_a_row.saturating_add(1)));
    let margin = (next / 10).clamp(TimeDelta::seconds(2), TimeDelta::seconds(30));
    scheduled_from + next - margin
}

/// How long after a failed run the source is due again, the failures in a row counting it:
/// its interval, doubling with each failure after the first, at most [`RETRY_AFTER_FAILURE`].
fn backoff(source: &Source, failures_in_a_row: u32) -> TimeDelta {
    let doublings = failures_in_a_row.saturating_sub(1).min(16);
    source
        .every
        .as_chrono()
        .checked_mul(1 << doublings)
        .unwrap_or(RETRY_AFTER_FAILURE)
        .min(RETRY_AFTER_FAILURE)
}

pub use releve::CATCH_UP_DAYS;

/// The newest day of the last [`CATCH_UP_DAYS`] up to `yesterday` that a per-day source has
/// not landed, counting only days after its first landed day (a new source starts with
/// yesterday). Newest first: a day that keeps failing never holds back the newer days (it
/// does hold back the older ones, until it leaves the window or is collected).
pub fn missed_day(yesterday: NaiveDate, landed: &BTreeSet<NaiveDate>) -> Option<NaiveDate> {
    let first = *landed.first()?;
    let window = yesterday - Days::new(CATCH_UP_DAYS - 1);
    let mut day = yesterday;
    while day > first && day >= window {
        if !landed.contains(&day) {
            return Some(day);
        }
        day = day.pred_opt()?;
    }
    None
}

/// The days a per-day source never landed that left the catch-up's window (the last
/// [`CATCH_UP_DAYS`] up to `yesterday`) since its last run, whose `yesterday` was
/// `attempted_yesterday`: each is said once, as it leaves, with the command that collects it.
/// Only days after its first landed day count, as for [`missed_day`].
pub fn left_the_catch_up(
    attempted_yesterday: NaiveDate,
    yesterday: NaiveDate,
    landed: &BTreeSet<NaiveDate>,
) -> Vec<NaiveDate> {
    let Some(&first) = landed.first() else {
        return Vec::new();
    };
    let window_start = |yesterday: NaiveDate| yesterday - Days::new(CATCH_UP_DAYS - 1);
    let (was, is) = (window_start(attempted_yesterday), window_start(yesterday));
    was.iter_days()
        .take_while(|day| *day < is)
        .filter(|day| *day > first && !landed.contains(day))
        .collect()
}

/// When a source whose last run failed is due again at the earliest: the end of the pause the
/// API asked for (at most a day after the attempt), or of the backoff after failures in a row,
/// whichever is later, and for an interval source never before its interval has passed since
/// its last success (a `--force` run that failed soon after it); `None` when its last run did
/// not fail. (A per-day source whose day is landed also waits for its next day, which this
/// does not tell.)
pub fn retry_from(source: &Source, state: &SourceState) -> Option<DateTime<Utc>> {
    let retry = after_failure(source, state)?;
    Some(match next_interval(source, state) {
        Some(next) if !crate::sources::per_day(source) => retry.max(next),
        _ => retry,
    })
}

/// The end of the pause or backoff after a failed last run.
fn after_failure(source: &Source, state: &SourceState) -> Option<DateTime<Utc>> {
    if state.stopped {
        // No backoff after a stop, but a wait the API asked for before it still holds.
        return api_pause(state);
    }
    state.last_error.as_ref()?;
    // An attempt dated ahead of this clock is forgotten (see
    // `SourceState::forget_future_runs`): its backoff with it, not the pause it set.
    let backoff = state.last_attempt.map(|attempt| {
        releve::config::run_minute(attempt) + backoff(source, state.failures_in_a_row)
    });
    api_pause(state).max(backoff)
}

/// The end of the pause the API asked for at the last failed run (at most a day after it was
/// set), if it asked for one.
fn api_pause(state: &SourceState) -> Option<DateTime<Utc>> {
    state.api_pause().map(|pause| pause.end_as_set())
}

/// Decides whether `source` is due at `now`: what is due on the minute is due from
/// [`CRON_EARLY`] before it (two runs in a minute stay apart unless the first began in its
/// last two seconds), but for a day's start (a run begun before midnight is the day before's,
/// for the collector and the reports alike) and the end of a wait the API asked for.
pub fn due(source: &Source, state: &SourceState, day: NaiveDate, now: DateTime<Utc>) -> Due {
    if let Some(retry) = retry_from(source, state) {
        // Cron's early start is the schedule's margin, not the API's: a wait it asked for is
        // kept to the second, whatever backoff ends after it.
        let waiting_for_the_api = api_pause(state).is_some_and(|pause| now < pause);
        if waiting_for_the_api || now + CRON_EARLY < retry {
            return Due::NotBefore(retry);
        }
    }
    if crate::sources::per_day(source) {
        return if state.days.contains(&day) {
            Due::DayLanded(day)
        } else {
            Due::Now
        };
    }
    // A day's run is never taken early: begun before midnight, it would be the day
    // before's (cron's midnight run read a moment early waits for its 00:01).
    let early = match source.every.whole_days() {
        Some(_) => TimeDelta::zero(),
        None => CRON_EARLY,
    };
    match next_interval(source, state) {
        Some(next) if now + early < next => Due::NotBefore(next),
        _ => Due::Now,
    }
}

/// When an interval source's next run is due after its last success, if it had one: `every`
/// later, from the start of a day in the reports' zone for whole days (see
/// [`releve::config::Every::due_after`]), so that each of their days holds a daily run once.
fn next_interval(source: &Source, state: &SourceState) -> Option<DateTime<Utc>> {
    Some(
        source
            .every
            .due_after(state.last_success_started?, source.days_in),
    )
}

#[cfg(test)]
mod tests;
