//! Days on the reports' clock (`[report]`'s `timezone`): where each begins.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The first instant of `day` in `tz`: its midnight, or the hour a clock change starts it at.
pub fn midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let at = |hour| -> Option<NaiveDateTime> { day.and_hms_opt(hour, 0, 0) };
    // A clock change at midnight skips it; the day then starts at the first valid hour.
    [0, 1, 2]
        .into_iter()
        .filter_map(at)
        .find_map(|naive| tz.from_local_datetime(&naive).earliest())
        .map_or_else(
            || day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            |local| local.with_timezone(&Utc),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_begins_at_its_midnight_or_where_a_clock_change_skips_it() {
        let day = |text: &str| text.parse::<NaiveDate>().expect("date");
        let utc = |text: &str| text.parse::<DateTime<Utc>>().expect("instant");
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            midnight(paris, day("2026-12-02")),
            utc("2026-12-01T23:00:00Z")
        );
        assert_eq!(
            midnight(paris, day("2026-07-02")),
            utc("2026-07-01T22:00:00Z")
        );
        // Santiago's clocks go from 00:00 to 01:00 on 6 September 2026.
        let santiago = chrono_tz::America::Santiago;
        assert_eq!(
            midnight(santiago, day("2026-09-06")),
            utc("2026-09-06T04:00:00Z")
        );
    }
}
