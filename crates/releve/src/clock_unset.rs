//! A clock not set yet. A machine without a real-time clock (a Raspberry Pi) boots with its
//! clock at 1970-01-01 on some images, until NTP sets it a minute or more later, and cron
//! starts the stages meanwhile. A clock reading a time before relevé existed cannot be right:
//! a run then would take every saved run for one dated ahead, forget it and collect again,
//! into files named 1970.

use chrono::{DateTime, Utc};

/// 22 November 2026, 00:00 UTC: relevé's first day. No run of it can have begun earlier.
const FIRST_DAY_SECONDS: i64 = 1_795_305_600;

/// relevé's first day: a clock reading earlier is not set yet.
pub fn first_day() -> DateTime<Utc> {
    DateTime::from_timestamp(FIRST_DAY_SECONDS, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

/// A clock read before [`first_day`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the clock reads {}, before relevé existed ({}): it is not set yet (a machine without a real-time clock, such as a Raspberry Pi, just booted? NTP sets it a minute or more later; `timedatectl` says whether it is synchronised); nothing was read or written, and the first run once it is set runs as usual",
    .now.format("%Y-%m-%d %H:%M:%S UTC"),
    first_day().format("%Y-%m-%d")
)]
pub struct ClockUnset {
    /// The time the clock read.
    pub now: DateTime<Utc>,
}

/// `Err` when `now`, the clock's reading, is before relevé's [`first_day`].
pub fn check(now: DateTime<Utc>) -> Result<(), ClockUnset> {
    match now < first_day() {
        true => Err(ClockUnset { now }),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_before_releve_existed_is_not_set_and_one_since_is() {
        let boot = DateTime::UNIX_EPOCH + chrono::TimeDelta::seconds(61);
        let said = check(boot).expect_err("1970 is not set").to_string();
        assert!(said.contains("1970-01-01 00:01:01 UTC"), "{said}");
        assert!(said.contains("2026-11-22"), "{said}");
        assert_eq!(check(first_day()), Ok(()));
    }
}
