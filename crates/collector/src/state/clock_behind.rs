//! The backoff of a source whose run found this machine's clock behind its API's (an API's
//! `Date` more than 15 minutes ahead: a boot before NTP sets the clock). Nothing lands at such
//! a clock, and nothing is recorded (see [`crate::http::FetchError::ClockBehind`]); without a
//! backoff each cron minute called the API again, for nothing, all day when a firewall blocks
//! NTP. The source waits 5 minutes of this clock, then 10, 20, 40, then an hour; a clock that
//! jumped since (another boot, or NTP setting it) ends the wait at once, so the first run at a
//! clock set right collects as usual, whatever the wait: 5 minutes is only what a clock still
//! behind costs, an hour at most what an API sending a wrong `Date` delays its landing by.
//!
//! In the state file, `"clock_behind"`:
//!
//! ```json
//! {"found_at":"2026-12-04T12:00:05Z","api_date":"2026-12-07T19:41:10Z",
//!  "retry_at":"2026-12-04T12:05:00Z","in_a_row":1}
//! ```

use chrono::{DateTime, TimeDelta, Utc};
use releve::config::{CRON_EARLY, run_minute};
use serde::{Deserialize, Serialize};

use crate::http::MOST_BEHIND;

/// The first wait after a run found the clock behind.
const FIRST_WAIT: TimeDelta = TimeDelta::minutes(5);

/// The longest wait, however many runs in a row found the clock behind.
const LONGEST_WAIT: TimeDelta = TimeDelta::hours(1);

/// A run found this machine's clock behind its API's: the source is not called again before
/// `retry_at`, by this clock, unless the clock jumped since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockBehind {
    /// This clock's reading when the API's answer came.
    pub found_at: DateTime<Utc>,
    /// The API's time then, by its `Date` header.
    pub api_date: DateTime<Utc>,
    /// When the source is tried again, by this clock.
    pub retry_at: DateTime<Utc>,
    /// Runs in a row that found the clock behind, this clock not having jumped between them.
    pub in_a_row: u32,
}

impl ClockBehind {
    /// The clock found behind, `here` against the API's `there`, by a run scheduled from
    /// `run_start`, after `before`, the backoff a run found before on this clock, if any.
    pub fn found(
        before: Option<&ClockBehind>,
        here: DateTime<Utc>,
        there: DateTime<Utc>,
        run_start: DateTime<Utc>,
    ) -> ClockBehind {
        let in_a_row = before.map_or(1, |before| before.in_a_row.saturating_add(1));
        ClockBehind {
            found_at: here,
            api_date: there,
            retry_at: run_minute(run_start) + wait(in_a_row),
            in_a_row,
        }
    }

    /// Whether this clock jumped since, reading `now`: back before `found_at` (another boot,
    /// `fake-hwclock` restoring an earlier time), or to within the 15 minutes behind the API's
    /// `Date` (NTP set it).
    pub fn jumped(&self, now: DateTime<Utc>) -> bool {
        now < self.found_at || now >= self.api_date - MOST_BEHIND
    }

    /// When the source is tried again, if it is still backing off at `now`: not once the
    /// clock jumped, nor from [`CRON_EARLY`] before `retry_at` (cron's run of that minute).
    pub fn backing_off(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (!self.jumped(now) && now + CRON_EARLY < self.retry_at).then_some(self.retry_at)
    }
}

/// The wait after `in_a_row` runs found the clock behind: [`FIRST_WAIT`], doubling with each,
/// at most [`LONGEST_WAIT`].
fn wait(in_a_row: u32) -> TimeDelta {
    let doublings = in_a_row.saturating_sub(1).min(16);
    FIRST_WAIT
        .checked_mul(1 << doublings)
        .unwrap_or(LONGEST_WAIT)
        .min(LONGEST_WAIT)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Timelike};

    use super::*;

    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, h, m, 5)
            .single()
            .expect("time")
    }

    #[test]
    fn the_wait_doubles_from_five_minutes_to_an_hour() {
        let waits: Vec<i64> = (1..=7).map(|n| wait(n).num_minutes()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60, 60]);
        assert_eq!(wait(u32::MAX), LONGEST_WAIT);
    }

    #[test]
    fn a_backoff_holds_until_its_end_or_a_jump_of_the_clock() {
        let first = ClockBehind::found(None, at(4, 12, 0), at(7, 19, 0), at(4, 12, 0));
        assert_eq!(first.retry_at, at(4, 12, 5) - TimeDelta::seconds(5));
        assert_eq!(first.backing_off(at(4, 12, 1)), Some(first.retry_at));
        assert_eq!(first.backing_off(at(4, 12, 5)), None, "over");
        assert_eq!(first.backing_off(at(4, 11, 50)), None, "another boot");
        assert_eq!(first.backing_off(at(7, 18, 46)), None, "NTP set it");
        assert!(!first.jumped(at(4, 12, 5)));
        let second = ClockBehind::found(Some(&first), at(4, 12, 5), at(7, 19, 5), at(4, 12, 5));
        assert_eq!((second.in_a_row, second.retry_at.minute()), (2, 15));
    }
}
