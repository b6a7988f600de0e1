//! The backoff of a source whose run found this machine's clock behind its API's (an API's
//! `Date` more than 15 minutes ahead: a boot before NTP sets the clock). Nothing lands at such
//! a clock, and nothing is recorded (the collector's `FetchError::ClockBehind`); without a
//! backoff each cron minute called the API again, for nothing, all day when a firewall blocks
//! NTP. The source waits 5 minutes of this clock, then 10, 20, 40, then an hour. A clock set
//! right since (NTP) has moved forward by what it was behind, past the end of the wait when it
//! was behind more than the wait (a clock days behind): the first run at it collects. A clock
//! behind by less is tried at the end of its wait at the latest, 45 minutes after NTP set it
//! at most (an hour's wait less the 15 minutes it was behind at least). Nothing tells NTP's
//! setting from time passing by this clock alone: taken for it, a clock behind by 15 to 75
//! minutes, read within 15 minutes of the API's `Date` once that many minutes had passed, ended
//! the backoff every few minutes. A clock back before `found_at` (another boot restoring an
//! earlier time) ends the wait at once; `fake-hwclock` restoring a later time does not.
//!
//! In the collector's state file (`raw/<source>/.state.json`), `"clock_behind"`, which
//! `analyser status` reads too:
//!
//! ```json
//! {"found_at":"2026-12-04T12:00:05Z","api_date":"2026-12-07T19:41:10Z",
//!  "retry_at":"2026-12-04T12:05:00Z","in_a_row":1}
//! ```

use crate::config::{CRON_EARLY, run_minute};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The first wait after a run found the clock behind.
const FIRST_WAIT: TimeDelta = TimeDelta::minutes(5);

/// The longest wait, however many runs in a row found the clock behind.
const LONGEST_WAIT: TimeDelta = TimeDelta::hours(1);

/// A run found this machine's clock behind its API's: the source is not called again before
/// `retry_at`, by this clock, unless the clock went back since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockBehind {
    /// This clock's reading when the API's answer came.
    pub found_at: DateTime<Utc>,
    /// The API's time then, by its `Date` header.
    pub api_date: DateTime<Utc>,
    /// When the source is tried again, by this clock.
    pub retry_at: DateTime<Utc>,
    /// Runs in a row that found the clock behind, this clock not having gone back between them.
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

    /// Whether this clock jumped back since, reading `now` before `found_at` (another boot
    /// restoring an earlier time). A jump forward (NTP setting it) is told by no reading: time
    /// passing reaches the same ones.
    pub fn jumped(&self, now: DateTime<Utc>) -> bool {
        now < self.found_at
    }

    /// When the source is tried again, if it is still backing off at `now`: not once the
    /// clock went back, nor from [`CRON_EARLY`] before `retry_at` (cron's run of that minute).
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
    fn a_backoff_holds_until_its_end_or_the_clock_going_back() {
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

    /// A clock 18 minutes behind (`fake-hwclock` after a power cut, NTP blocked): 4 minutes on,
    /// 14 minutes behind the API's `Date`, it was taken for set by NTP, the backoff ended, and
    /// the API was called every few minutes for as long as NTP stayed blocked.
    #[test]
    fn a_clock_behind_by_minutes_backs_off_as_time_passes() {
        let found = ClockBehind::found(None, at(4, 12, 0), at(4, 12, 18), at(4, 12, 0));
        assert_eq!(found.backing_off(at(4, 12, 4)), Some(found.retry_at));
        let fourth = (0..3).fold(found, |before, n| {
            let now = before.retry_at + TimeDelta::minutes(n);
            ClockBehind::found(Some(&before), now, now + TimeDelta::minutes(18), now)
        });
        assert_eq!(
            fourth.in_a_row, 4,
            "no reading of this clock ended the backoff"
        );
        assert_eq!(fourth.retry_at - fourth.found_at, TimeDelta::minutes(40));
        // NTP sets it 18 minutes forward: tried at the end of the wait, 22 minutes on.
        let set = fourth.found_at + TimeDelta::minutes(18);
        assert_eq!(fourth.backing_off(set), Some(fourth.retry_at));
        assert_eq!(fourth.backing_off(fourth.retry_at), None);
    }

    /// A clock days behind, set by NTP: past the end of any wait, tried at once.
    #[test]
    fn a_clock_set_days_forward_is_tried_at_once() {
        let found = ClockBehind::found(None, at(4, 12, 0), at(7, 19, 0), at(4, 12, 0));
        let sixth = (0..5).fold(found, |before, _| {
            let now = before.retry_at;
            ClockBehind::found(Some(&before), now, at(7, 19, 0), now)
        });
        assert_eq!(sixth.retry_at - sixth.found_at, TimeDelta::hours(1));
        assert_eq!(
            sixth.backing_off(sixth.found_at + TimeDelta::minutes(1)),
            Some(sixth.retry_at)
        );
        assert_eq!(sixth.backing_off(at(7, 19, 1)), None, "NTP set it");
    }
}
