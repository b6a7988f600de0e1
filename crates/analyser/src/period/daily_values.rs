//! The local day the figures of a UTC hour count in, for hourly and for daily values, and the
//! first hour of a day of daily values.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use releve::Resolution;

use super::local_midnight;

/// The local day in `tz` the figures of the UTC hour starting at `hour` count in: the day its
/// start falls in; for daily values (`resolution = "day"`), the later of the local day its
/// last instant falls in and its UTC day. A day is dated at its local midnight (with its
/// offset: `2026-11-30T00:00:00+01:00`) or by the day alone (`2026-11-30`, 00:00 UTC), and
/// either way counts in its own day, in any zone: east of UTC a local midnight falls in the
/// UTC day before (the local day wins), west of it a day alone falls in the local evening
/// before (the UTC day wins), and in a zone offset by a half hour (Asia/Kolkata) a local
/// midnight lies in the hour from 23:30 local (its last instant's day wins).
pub fn local_day(hour: DateTime<Utc>, tz: Tz, resolution: Resolution) -> NaiveDate {
    match resolution {
        Resolution::Hour => hour.with_timezone(&tz).date_naive(),
        Resolution::Day => {
            let last = hour + Duration::hours(1) - Duration::seconds(1);
            last.with_timezone(&tz).date_naive().max(hour.date_naive())
        }
    }
}

/// The first UTC hour [`local_day`] places in `day` or later, for daily values in `tz` (the
/// days it gives never go back as hours go on).
pub(super) fn first_hour_on(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    // A day before: the local day of its hours is before `day`, and so is their UTC day.
    let mut hour = releve::store::hour_of(local_midnight(tz, day)) - Duration::days(1);
    while local_day(hour, tz, Resolution::Day) < day {
        hour += Duration::hours(1);
    }
    hour
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::period::{PeriodKind, ReportPeriod};

    #[test]
    fn the_days_of_daily_values_follow_each_other_across_clock_changes() {
        use chrono::TimeZone as _;
        let start = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("instant");
        for tz in [
            chrono_tz::Europe::Paris,
            chrono_tz::America::New_York,
            chrono_tz::America::Santiago,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Asia::Kolkata,
            chrono_tz::Pacific::Apia,
            chrono_tz::Pacific::Pago_Pago,
        ] {
            let mut previous = local_day(start, tz, Resolution::Day);
            for hours in 1..365 * 24 {
                let hour = start + Duration::hours(hours);
                let day = local_day(hour, tz, Resolution::Day);
                assert!(
                    day == previous || Some(day) == previous.succ_opt(),
                    "{tz}: {hour} counts in {day}, after {previous}"
                );
                previous = day;
            }
            // A week's hours end where the next week's begin.
            let week = ReportPeriod::containing(PeriodKind::Week, start.date_naive(), tz);
            let next = ReportPeriod::containing(PeriodKind::Week, week.end_day, tz);
            assert_eq!(
                week.end_hour_of(Resolution::Day),
                next.first_hour_of(Resolution::Day),
                "{tz}"
            );
        }
    }

    #[test]
    fn a_day_of_daily_values_counts_in_its_own_day_in_any_zone() {
        use chrono::TimeZone as _;
        let day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap_or_default();
        let utc = |y, m, d, h, min| {
            Utc.with_ymd_and_hms(y, m, d, h, min, 0)
                .single()
                .expect("instant")
        };
        let counted_in =
            |at: DateTime<Utc>, tz: Tz| local_day(releve::store::hour_of(at), tz, Resolution::Day);
        // Dated by the day alone (00:00 UTC) or at the local midnight, with its offset.
        for (tz, local_midnight) in [
            (chrono_tz::Europe::Paris, utc(2026, 11, 17, 23, 0)),
            (chrono_tz::America::New_York, utc(2026, 11, 18, 5, 0)),
            (chrono_tz::Asia::Kolkata, utc(2026, 11, 17, 18, 30)),
            (chrono_tz::America::St_Johns, utc(2026, 11, 18, 3, 30)),
            (chrono_tz::Asia::Tokyo, utc(2026, 11, 17, 15, 0)),
            (chrono_tz::Pacific::Kiritimati, utc(2026, 11, 17, 10, 0)),
        ] {
            assert_eq!(
                counted_in(utc(2026, 11, 18, 0, 0), tz),
                day,
                "{tz}: a day alone"
            );
            assert_eq!(
                counted_in(local_midnight, tz),
                day,
                "{tz}: its local midnight"
            );
            // A period's hours of daily values are those placed in its days.
            let period = ReportPeriod::containing(PeriodKind::Day, day, tz);
            let hours = period.hours_of(Resolution::Day);
            assert!(
                hours
                    .iter()
                    .all(|h| local_day(*h, tz, Resolution::Day) == day),
                "{tz}"
            );
            assert_eq!(hours.len(), 24, "{tz}");
            assert_eq!(
                period.first_hour_of(Resolution::Day),
                releve::store::hour_of(local_midnight.min(utc(2026, 11, 18, 0, 0))),
                "{tz}"
            );
        }
        // Hours keep the day their start falls in.
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            local_day(utc(2026, 11, 17, 23, 0), paris, Resolution::Hour),
            day
        );
        assert_eq!(
            local_day(utc(2026, 11, 17, 22, 0), paris, Resolution::Hour),
            day.pred_opt().unwrap_or_default()
        );
    }
}
