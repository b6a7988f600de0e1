//! Day reports cron did not write (MongoDB down at 04:15, a full disk): once the reports
//! folder holds a day report, one is expected each day, and a day without one is a problem
//! until it is written, by hand with `analyser --date DAY`.

use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::period::PeriodKind;

/// Hours after a day ends by which its report is written: the crontab writes the latest day
/// over at 04:15 machine time, which west of UTC can be nearly a day after the day ends.
const DUE_AFTER_HOURS: i64 = 30;

/// At most this many missing days are named; the others are counted.
const NAMED: usize = 3;

/// The problem line when day reports are missing from `reports_dir` after its newest one, up
/// to the latest day due at `now` in the report's time zone `tz`; none when the folder holds no
/// day report (none is written here).
pub fn missing(reports_dir: &Path, tz: Tz, now: DateTime<Utc>) -> Option<String> {
    let newest = newest_day(reports_dir)?;
    let due = (now - TimeDelta::hours(DUE_AFTER_HOURS))
        .with_timezone(&tz)
        .date_naive()
        .checked_sub_days(Days::new(1))?;
    let missing: Vec<NaiveDate> = newest
        .iter_days()
        .skip(1)
        .take_while(|day| *day <= due)
        .collect();
    let first = missing.first()?;
    let named: Vec<String> = missing
        .iter()
        .take(NAMED)
        .map(ToString::to_string)
        .collect();
    let days = match missing.len() {
        1 => format!("the day report of {first} was not written"),
        n if n <= NAMED => format!("the day reports of {} were not written", named.join(", ")),
        n => format!(
            "the day reports of {} and {} more days were not written",
            named.join(", "),
            n - NAMED
        ),
    };
    Some(format!(
        "{days} (the newest is {}): see logs/analyser.log, then run `analyser --date {first}`{}",
        reports_dir.join(format!("{newest}.pdf")).display(),
        if missing.len() > 1 {
            " and so on for each day"
        } else {
            ""
        }
    ))
}

/// The day of the newest day report in `reports_dir`, by its name.
fn newest_day(reports_dir: &Path) -> Option<NaiveDate> {
    std::fs::read_dir(reports_dir)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            if !PeriodKind::Day.names_report(&name) {
                return None;
            }
            NaiveDate::parse_from_str(name.strip_suffix(".pdf")?, "%Y-%m-%d").ok()
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn folder(days: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for day in days {
            std::fs::write(dir.path().join(format!("{day}.pdf")), b"%PDF").expect("report");
        }
        std::fs::write(dir.path().join("week-2026-W47.pdf"), b"%PDF").expect("report");
        dir
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .expect("instant")
    }

    #[test]
    fn a_day_is_missing_once_its_report_is_due_and_not_written() {
        let paris = chrono_tz::Europe::Paris;
        let dir = folder(&["2026-11-19", "2026-11-20"]);
        // 21 November ends at 23:00 UTC; cron writes it at 04:15 on the 22nd.
        assert_eq!(missing(dir.path(), paris, at(22, 5)), None);
        assert_eq!(
            missing(dir.path(), paris, at(23, 4)),
            None,
            "within 30 hours"
        );
        let line = missing(dir.path(), paris, at(23, 6)).expect("missing");
        assert!(
            line.starts_with("the day report of 2026-11-21 was not written (the newest is ")
                && line.ends_with(
                    "2026-11-20.pdf): see logs/analyser.log, then run `analyser --date 2026-11-21`"
                ),
            "{line}"
        );
        let line = missing(dir.path(), paris, at(27, 6)).expect("missing");
        assert!(
            line.starts_with(
                "the day reports of 2026-11-21, 2026-11-22, 2026-11-23 and 2 more days were not written"
            ) && line.ends_with("`analyser --date 2026-11-21` and so on for each day"),
            "{line}"
        );
    }

    #[test]
    fn no_day_report_here_expects_none() {
        let dir = folder(&[]);
        assert_eq!(missing(dir.path(), chrono_tz::UTC, at(27, 6)), None);
        assert_eq!(
            missing(Path::new("/nonexistent/reports"), chrono_tz::UTC, at(27, 6)),
            None
        );
    }
}
