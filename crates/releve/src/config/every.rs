//! Durations written the way people write schedules: `30s`, `1m`, `15m`, `1h`, `1d`.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Days, DurationRound, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// Seconds in a day of 24 hours.
const SECONDS_PER_DAY: u64 = 24 * 60 * 60;

/// A collection interval or timeout as written in `sources.toml`.
/// How early a run may start and still be its cron minute's: cron's clock a moment ahead of
/// the one the collector reads (a Kubernetes CronJob's controller and its node, a clock slewed
/// back).
pub const CRON_EARLY: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

/// The minute a run that started at `started` is counted from, by the collector's schedule
/// and the reports alike: the one it began in, or the next when it began in that minute's last
/// [`CRON_EARLY`] (counted from the minute before, each next run of cron's a moment ahead
/// would come a minute early: a `5m` source every 4 minutes).
pub fn run_minute(started: DateTime<Utc>) -> DateTime<Utc> {
    let placed = started + CRON_EARLY;
    placed
        .duration_trunc(chrono::TimeDelta::minutes(1))
        .unwrap_or(placed)
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Every(Duration);

impl Every {
    /// Builds an interval from whole seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Every(Duration::from_secs(secs))
    }

    /// When an interval begun at `from` ends: `from` plus the interval, but for one of whole
    /// days, the start of the day that many days after `from`'s on `zone`'s clock (the
    /// reports' days), so that each of those days holds a daily run: a machine awake on a day
    /// collects it that day whenever it is awake, never kept waiting for the time of day of a
    /// run made late the day before (a laptop woken at 20:00 one day and asleep by 19:00 the
    /// next).
    fn after(self, from: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let elapsed = from
            .checked_add_signed(self.as_chrono())
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let Some(days) = self.whole_days() else {
            return elapsed;
        };
        from.with_timezone(&zone)
            .date_naive()
            .checked_add_days(Days::new(days))
            .map_or(elapsed, |day| crate::local_day::midnight(zone, day))
    }

    /// When a source is next due after a run that started at `started`: the interval after
    /// that run's minute ([`run_minute`]), or for whole days, the start of the day that many
    /// days after its day on `zone`'s clock (see `after`; a run begun before midnight is the
    /// day before's). Cron starts the collector on the minute, so the schedule counts in
    /// minutes: a `1m` source is never skipped for a second of jitter, and one first run by
    /// hand at 10:00:11 is due at cron's 10:01. The collector's schedule and the reports'
    /// expected collections both count by it.
    pub fn due_after(self, started: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let minute = match self.whole_days() {
            Some(_) => started
                .duration_trunc(chrono::TimeDelta::minutes(1))
                .unwrap_or(started),
            None => run_minute(started),
        };
        self.after(minute, zone)
    }

    /// How many days the interval is, when it is whole days (`1d`, `7d`), which count on the
    /// reports' clock (see [`Every::due_after`]).
    pub fn whole_days(self) -> Option<u64> {
        let secs = self.0.as_secs();
        (secs >= SECONDS_PER_DAY
            && secs.is_multiple_of(SECONDS_PER_DAY)
            && self.0.subsec_nanos() == 0)
            .then_some(secs / SECONDS_PER_DAY)
    }

    /// The interval as a standard duration.
    pub fn duration(self) -> Duration {
        self.0
    }

    /// The longest interval accepted: a year (`366d`). Longer ones would overflow the time
    /// arithmetic of schedules and reports, and mean "hardly ever", which `enabled = false`
    /// says better.
    pub const LONGEST: Every = Every::from_secs(366 * 86_400);

    /// The interval as a chrono duration, for schedule arithmetic on timestamps.
    pub fn as_chrono(self) -> chrono::TimeDelta {
        i64::try_from(self.0.as_secs())
            .ok()
            .and_then(chrono::TimeDelta::try_seconds)
            .unwrap_or(chrono::TimeDelta::MAX)
    }
}

impl TryFrom<String> for Every {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl std::str::FromStr for Every {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{text}` is not an interval: write a whole number and a unit m, h or d, e.g. `15m`, `1h` or `1d` (or s, seconds, for a timeout or a lookback, e.g. `20s`)"
            )
        };
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (count, unit) = text.split_at(split);
        // Digits past a u64 are still a count: far too long, not malformed.
        let count: u64 = match count.parse::<u64>() {
            Ok(count) => count,
            Err(_) if !count.is_empty() => u64::MAX,
            Err(_) => return Err(bad()),
        };
        let unit_secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(format!(
                "`{text}` is not an interval: it must be longer than zero"
            ));
        }
        let every = Every(Duration::from_secs(count.saturating_mul(unit_secs)));
        if every > Every::LONGEST {
            return Err(format!(
                "`{text}` is too long an interval: at most a year, `366d`"
            ));
        }
        Ok(every)
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        match secs {
            s if s % 86_400 == 0 => write!(f, "{}d", s / 86_400),
            s if s % 3600 == 0 => write!(f, "{}h", s / 3600),
            s if s % 60 == 0 => write!(f, "{}m", s / 60),
            s => write!(f, "{s}s"),
        }
    }
}

impl fmt::Debug for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn parses_the_units_people_write() {
        assert_eq!("1m".parse::<Every>(), Ok(Every::from_secs(60)));
        assert_eq!("15m".parse::<Every>(), Ok(Every::from_secs(900)));
        assert_eq!("1h".parse::<Every>(), Ok(Every::from_secs(3600)));
        assert_eq!("1d".parse::<Every>(), Ok(Every::from_secs(86_400)));
        assert_eq!("45s".parse::<Every>(), Ok(Every::from_secs(45)));
        assert_eq!("366d".parse::<Every>(), Ok(Every::LONGEST));
        assert_eq!(
            "527041m".parse::<Every>(),
            Err("`527041m` is too long an interval: at most a year, `366d`".to_owned())
        );
        assert_eq!(
            "99999999999999999999m".parse::<Every>(),
            Err(
                "`99999999999999999999m` is too long an interval: at most a year, `366d`"
                    .to_owned()
            ),
            "past a 64-bit count too"
        );
    }

    #[test]
    fn rejects_what_is_not_an_interval() {
        for bad in [
            "",
            "m",
            "15",
            "1w",
            "-1m",
            "0m",
            "1.5h",
            "367d",
            "99999999d",
        ] {
            assert!(bad.parse::<Every>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn displays_in_the_largest_whole_unit() {
        assert_eq!(Every::from_secs(900).to_string(), "15m");
        assert_eq!(Every::from_secs(7200).to_string(), "2h");
        assert_eq!(Every::from_secs(90).to_string(), "90s");
    }

    fn utc(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, hour, minute, 0)
            .single()
            .expect("instant")
    }

    /// A daily run is due at the start of the next day on the reports' clock, whatever its
    /// time of day and whether the day is 23, 24 or 25 hours long, so each of the report's
    /// days holds one run; shorter intervals are elapsed time.
    #[test]
    fn whole_days_end_at_the_start_of_a_day_on_the_reports_clock() {
        let paris = chrono_tz::Europe::Paris;
        let day = Every::from_secs(86_400);
        // Saturday 28 March 23:30 CET is 22:30 UTC; Sunday 29 March starts at 23:00 UTC.
        assert_eq!(day.after(utc(3, 28, 22, 30), paris), utc(3, 28, 23, 0));
        // Sunday 29 March 00:10 CET: Monday 30 March starts at 22:00 UTC (CEST).
        assert_eq!(day.after(utc(3, 28, 23, 10), paris), utc(3, 29, 22, 0));
        // Saturday 24 October 23:30 CEST; Sunday 25 October starts at 22:00 UTC.
        assert_eq!(day.after(utc(10, 24, 21, 30), paris), utc(10, 24, 22, 0));
        // A run begun at 23:59:59 is the day's: the next is due from midnight.
        let early = utc(3, 28, 22, 59) + chrono::TimeDelta::seconds(59);
        assert_eq!(day.after(early, paris), utc(3, 28, 23, 0));
        // A run at 20:00 (a laptop woken late) is due from midnight, not 20:00 the next day.
        assert_eq!(day.after(utc(12, 1, 19, 0), paris), utc(12, 1, 23, 0));
        let week = Every::from_secs(7 * 86_400);
        assert_eq!(week.after(utc(3, 24, 22, 30), paris), utc(3, 30, 22, 0));
        let hour = Every::from_secs(3_600);
        assert_eq!(hour.after(utc(3, 29, 0, 30), paris), utc(3, 29, 1, 30));
        assert_eq!(
            day.after(utc(3, 28, 22, 30), chrono_tz::UTC),
            utc(3, 29, 0, 0)
        );
    }
}
