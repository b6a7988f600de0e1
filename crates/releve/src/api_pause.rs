//! A pause an API asked for after a failed run (an exhausted quota), as the collector's state
//! file holds it (`"paused_until"`, and when it was set, `"paused_at"`): the rule of its end,
//! which the collector's schedule keeps and `analyser status` shows.

use chrono::{DateTime, TimeDelta, Utc};

use crate::metrics::LONGEST_PAUSE;
use crate::rawfile::CLOCK_DRIFT;

/// A pause the API asked for: set at `set_at`, by the clock then, to end at `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiPause {
    /// When it was set, by the clock then.
    pub set_at: DateTime<Utc>,
    /// Its end as it was set.
    pub until: DateTime<Utc>,
}

impl ApiPause {
    /// The pause a state file records: none unless the last run failed (`failed`) and the
    /// API asked to wait `until`; set at `at`, else (a state saved before it was noted) at the
    /// last attempt.
    pub fn recorded(
        failed: bool,
        last_attempt: Option<DateTime<Utc>>,
        at: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Option<ApiPause> {
        if !failed {
            return None;
        }
        Some(ApiPause {
            set_at: at.or(last_attempt)?,
            until: until?,
        })
    }

    /// Its length as set, at most [`LONGEST_PAUSE`].
    pub fn length(&self) -> TimeDelta {
        (self.until - self.set_at).clamp(TimeDelta::zero(), LONGEST_PAUSE)
    }

    /// Whether it was set more than a minute of drift ahead of `now` (a clock that ran ahead
    /// when it was set, or this one behind, a boot before NTP sets it): it then holds its own
    /// length from `now`, not until a time this clock cannot tell.
    pub fn set_ahead(&self, now: DateTime<Utc>) -> bool {
        self.set_at > now + CLOCK_DRIFT
    }

    /// Its end as it was set, at most a day after it was set.
    pub fn end_as_set(&self) -> DateTime<Utc> {
        self.until.min(self.set_at + LONGEST_PAUSE)
    }

    /// Its end at `now`, as the collector keeps it: its own length from `now` when it was set
    /// ahead of `now`, else its end as set.
    pub fn end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        if self.set_ahead(now) {
            now + self.length()
        } else {
            self.end_as_set()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, h, 0, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn a_pause_set_ahead_holds_its_own_length_from_now() {
        let pause = ApiPause {
            set_at: at(7, 19),
            until: at(7, 21),
        };
        assert_eq!(pause.end(at(7, 20)), at(7, 21), "as set");
        assert_eq!(
            pause.end(at(4, 12)),
            at(4, 14),
            "set ahead: two hours from now"
        );
        let long = ApiPause {
            set_at: at(4, 12),
            until: at(7, 12),
        };
        assert_eq!(long.end(at(4, 13)), at(5, 12), "a day at most");
    }
}
