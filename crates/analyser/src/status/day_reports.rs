//! Day reports cron did not write (MongoDB down at 04:15, a full disk): once the reports
//! folder holds day reports of two days in a row (written by cron, not now and then by hand),
//! one is expected each day, and a day of the last week without one is a problem until it is
//! written, by hand with `analyser --date DAY`.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::period::{PeriodKind, ReportPeriod, last_day_of_latest_complete};

/// Hours after a day ends by which its report is written: the crontab writes, at 04:15 machine
/// time, the latest day over by the start of that UTC day, which west of UTC can be a day and
/// a few hours after the day ends (up to 27¼ hours, on the Azores).
const DUE_AFTER_HOURS: i64 = 30;

/// Days looked back for missing reports, the latest day due included: a gap older than that
/// is history (days reported by hand now and then are no installation's gaps).
const LOOKED_BACK_DAYS: u64 = 7;

/// At most this many missing days are named; the others are counted.
const NAMED: usize = 3;

/// Where the reports are, and how a missing one is written again.
pub struct Reports<'a> {
    /// The reports folder.
    pub dir: &'a Path,
    /// The report's time zone (`[report] timezone`).
    pub tz: Tz,
    /// The command that writes the report of a day, less `--date DAY`.
    pub command: String,
    /// How many reports of a kind the analyser keeps (`[report] keep`): past that many days
    /// back, a day report is pruned, not missing.
    pub keep: usize,
    /// Whether MongoDB cannot be read now: a report missing waits for it, and no command
    /// writes one before it answers.
    pub mongodb_down: bool,
}

impl Reports<'_> {
    /// What to do about reports missing: wait for MongoDB while it cannot be read (the next
    /// report job writes them once it answers), else read the log and run `run`.
    fn remedy(&self, run: &str) -> String {
        if self.mongodb_down {
            "they wait for MongoDB, which cannot be read now (above): the next report job writes them once it answers".to_owned()
        } else {
            format!("see logs/analyser.log, then run {run}")
        }
    }
}

/// The latest day whose report is due at `now`, in the report's time zone `tz`.
fn due_day(tz: Tz, now: DateTime<Utc>) -> Option<NaiveDate> {
    (now - TimeDelta::hours(DUE_AFTER_HOURS))
        .with_timezone(&tz)
        .date_naive()
        .checked_sub_days(Days::new(1))
}

/// When the latest day whose report is due at `now` began: a source that ran before it
/// collected that day (see [`missing`]).
pub fn due_day_start(tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    due_day(tz, now).map(|day| crate::period::local_midnight(tz, day))
}

/// The problem line when day reports are missing from the reports folder: days of the last
/// week (or of the last `keep` days, when fewer) up to the latest day due at `now`, not before
/// its oldest day report, without one; none when the folder holds no two day reports of days
/// in a row (no day report is written here by cron), unless it holds none at all though
/// sources ran before the day due (`collected_before_due`): cron's analyser lines did not run
/// (not installed, a laptop asleep at their hours) or failed each time.
pub fn missing(
    reports: &Reports<'_>,
    now: DateTime<Utc>,
    collected_before_due: bool,
) -> Option<String> {
    let written = match written_periods(PeriodKind::Day, reports.dir) {
        Ok(written) => written,
        Err(why) => return Some(why),
    };
    let due = due_day(reports.tz, now)?;
    // None, or only some written now and then by hand: said when sources ran before the day
    // due and its report is not there.
    if !written_by_cron(PeriodKind::Day, reports, &written, due) {
        let newest = written.last();
        if newest.is_some_and(|newest| *newest >= due) || !collected_before_due {
            return None;
        }
        let after = newest.map_or(String::new(), |newest| format!(" after that of {newest}"));
        return Some(format!(
            "no day report was written in {}{after}, though sources have run since before {due}, whose report is due: the crontab's analyser lines did not run (not installed: `crontab -l`; the machine off or asleep at their hours) or failed (see logs/analyser.log); `{} --if-missing` writes the latest day's and those missed in the eight days before",
            reports.dir.display(),
            reports.command
        ));
    }
    let oldest = *written.first()?;
    // `keep = 0` keeps every report: the whole week is looked at.
    let looked_back = match reports.keep {
        0 => LOOKED_BACK_DAYS,
        keep => LOOKED_BACK_DAYS.min(keep as u64),
    };
    let from = due
        .checked_sub_days(Days::new(looked_back - 1))?
        .max(oldest);
    let missing: Vec<NaiveDate> = from
        .iter_days()
        .take_while(|day| *day <= due)
        .filter(|day| !written.contains(day))
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
    // One day by its date; several by `--if-missing`, which writes those missed in the
    // eight days before the latest due, as far as these are looked for.
    let run = match missing.len() {
        1 => format!("`{} --date {first}`", reports.command),
        _ => format!(
            "`{} --if-missing`, which writes each of them",
            reports.command
        ),
    };
    Some(format!(
        "{days} (in {}): {}",
        reports.dir.display(),
        reports.remedy(&run)
    ))
}

/// The problem line when the latest week or month report due is missing (`kind` is
/// [`PeriodKind::Week`] or [`PeriodKind::Month`]): the crontab's daily jobs write one the
/// first day it can be ([`ReportPeriod::complete_at`]), so a period complete for
/// [`DUE_AFTER_HOURS`] without its report was missed. Said only once the folder holds reports
/// of two periods in a row of that kind (written by cron, not now and then by hand), and not
/// for a period before the oldest of them.
pub fn missing_latest(
    kind: PeriodKind,
    reports: &Reports<'_>,
    now: DateTime<Utc>,
) -> Option<String> {
    let written = written_periods(kind, reports.dir).ok()?;
    let due_day =
        last_day_of_latest_complete(kind, reports.tz, now - TimeDelta::hours(DUE_AFTER_HOURS));
    let due = ReportPeriod::containing(kind, due_day, reports.tz);
    if !written_by_cron(kind, reports, &written, due.first_day) {
        return None;
    }
    if due.first_day < *written.first()? || written.contains(&due.first_day) {
        return None;
    }
    let run = format!(
        "`{} --period {} --date {due_day}`",
        reports.command,
        kind.name()
    );
    Some(format!(
        "the {} report {} was not written (in {}): {}",
        kind.name(),
        due.file_name(),
        reports.dir.display(),
        reports.remedy(&run)
    ))
}

/// Whether the reports of `kind` written (their periods' first days) are cron's, which writes
/// one each period, rather than written now and then by hand: two periods in a row; with
/// `[report] keep = 1`, which never keeps two, the one kept when it is of the period before
/// the one due (starting on `due`).
fn written_by_cron(
    kind: PeriodKind,
    reports: &Reports<'_>,
    written: &BTreeSet<NaiveDate>,
    due: NaiveDate,
) -> bool {
    let next = |first: &NaiveDate| ReportPeriod::containing(kind, *first, reports.tz).end_day;
    written.iter().any(|first| written.contains(&next(first)))
        || (reports.keep == 1
            && written.len() == 1
            && written.first().is_some_and(|only| next(only) == due))
}

/// The first days of the periods of `kind` whose reports are in `dir`, by their names; why the
/// folder cannot be read, when it exists and cannot be (a folder not made yet holds none).
fn written_periods(kind: PeriodKind, dir: &Path) -> Result<BTreeSet<NaiveDate>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(err) => {
            return Err(format!(
                "cannot read the reports folder {}: {}; whether day reports are missing is unknown",
                dir.display(),
                crate::why_unreadable(&err)
            ));
        }
    };
    Ok(entries
        .flatten()
        .filter_map(|entry| kind.reported_day(entry.file_name().to_str()?))
        .collect())
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

    fn missing_in(dir: &Path, tz: Tz, now: DateTime<Utc>) -> Option<String> {
        missing_kept(dir, tz, now, 30)
    }

    fn missing_kept(dir: &Path, tz: Tz, now: DateTime<Utc>, keep: usize) -> Option<String> {
        let reports = Reports {
            dir,
            tz,
            command: "analyser --raw-dir raw".to_owned(),
            keep,
            mongodb_down: false,
        };
        missing(&reports, now, false)
    }

    #[test]
    fn a_day_is_missing_once_its_report_is_due_and_not_written() {
        let paris = chrono_tz::Europe::Paris;
        let dir = folder(&["2026-11-19", "2026-11-20"]);
        // 21 November ends at 23:00 UTC; cron writes it at 04:15 on the 22nd.
        assert_eq!(missing_in(dir.path(), paris, at(22, 5)), None);
        assert_eq!(
            missing_in(dir.path(), paris, at(23, 4)),
            None,
            "within 30 hours"
        );
        let line = missing_in(dir.path(), paris, at(23, 6)).expect("missing");
        assert!(
            line.starts_with("the day report of 2026-11-21 was not written (in ")
                && line.ends_with(
                    "see logs/analyser.log, then run `analyser --raw-dir raw --date 2026-11-21`"
                ),
            "{line}"
        );
        let line = missing_in(dir.path(), paris, at(27, 6)).expect("missing");
        assert!(
            line.starts_with(
                "the day reports of 2026-11-21, 2026-11-22, 2026-11-23 and 2 more days were not written"
            ) && line.ends_with("`analyser --raw-dir raw --if-missing`, which writes each of them"),
            "{line}"
        );
    }

    /// A laptop asleep at 04:15 each night: cron's day job never ran, the folder holds no day
    /// report; once a source ran before the day due, that is said, with the command writing
    /// them all.
    #[test]
    fn a_folder_without_any_day_report_is_named_once_a_day_was_collected() {
        let paris = chrono_tz::Europe::Paris;
        let dir = folder(&[]);
        let reports = Reports {
            dir: dir.path(),
            tz: paris,
            command: "analyser --raw-dir raw".to_owned(),
            keep: 60,
            mongodb_down: false,
        };
        assert_eq!(
            missing(&reports, at(23, 6), false),
            None,
            "nothing collected"
        );
        let line = missing(&reports, at(23, 6), true).expect("named");
        assert!(
            line.starts_with("no day report was written in ")
                && line.contains("though sources have run since before 2026-11-21, whose report is due")
                && line.ends_with("`analyser --raw-dir raw --if-missing` writes the latest day's and those missed in the eight days before"),
            "{line}"
        );
        assert_eq!(
            due_day_start(paris, at(23, 6)),
            Some(at(20, 23)),
            "the 21st began at 23:00 UTC on the 20th"
        );
    }

    /// A report written once by hand after installing, then cron's analyser lines never
    /// running (a laptop asleep at their hours, a crontab not installed) while the sources
    /// collect for weeks: said as a folder with no day report is (found by the review of stop
    /// 54).
    #[test]
    fn one_day_report_written_by_hand_does_not_hide_cron_s_analyser_lines_never_running() {
        let paris = chrono_tz::Europe::Paris;
        let dir = folder(&["2026-11-02"]);
        let reports = Reports {
            dir: dir.path(),
            tz: paris,
            command: "analyser --raw-dir raw".to_owned(),
            keep: 60,
            mongodb_down: false,
        };
        let line = missing(&reports, at(23, 6), true).expect("a line");
        assert!(
            line.starts_with(&format!(
                "no day report was written in {} after that of 2026-11-02, though sources have run since before 2026-11-21, whose report is due",
                dir.path().display()
            )),
            "{line}"
        );
        // The day due written by hand too: nothing missing is said.
        let dir = folder(&["2026-11-02", "2026-11-21"]);
        let reports = Reports {
            dir: dir.path(),
            ..reports
        };
        assert_eq!(missing(&reports, at(23, 6), true), None);
        assert_eq!(
            missing(
                &Reports {
                    dir: folder(&["2026-11-02"]).path(),
                    ..reports
                },
                at(23, 6),
                false
            ),
            None
        );
    }

    #[test]
    fn a_night_missed_between_two_reports_is_named_for_a_week() {
        let paris = chrono_tz::Europe::Paris;
        let dir = folder(&["2026-11-18", "2026-11-19", "2026-11-21"]);
        let line = missing_in(dir.path(), paris, at(22, 6)).expect("missing");
        assert!(
            line.starts_with("the day report of 2026-11-20 was not written"),
            "{line}"
        );
        // A week on, it is history.
        let dir = folder(&[
            "2026-11-18",
            "2026-11-19",
            "2026-11-21",
            "2026-11-22",
            "2026-11-23",
            "2026-11-24",
            "2026-11-25",
            "2026-11-26",
            "2026-11-27",
        ]);
        assert_eq!(missing_in(dir.path(), paris, at(29, 6)), None);
    }

    #[test]
    fn day_reports_written_now_and_then_by_hand_expect_none() {
        let dir = folder(&["2026-10-01", "2026-11-03"]);
        assert_eq!(missing_in(dir.path(), chrono_tz::UTC, at(27, 6)), None);
    }

    #[test]
    fn with_few_reports_kept_only_their_days_are_looked_at() {
        let paris = chrono_tz::Europe::Paris;
        // `keep = 3`: the 22nd missed; a report before the 20th would be pruned.
        let dir = folder(&["2026-11-20", "2026-11-21", "2026-11-23"]);
        let line = missing_kept(dir.path(), paris, at(25, 6), 3).expect("missing");
        assert!(
            line.starts_with("the day report of 2026-11-22 was not written"),
            "{line}"
        );
        let dir = folder(&["2026-11-21", "2026-11-22"]);
        assert_eq!(missing_kept(dir.path(), paris, at(24, 6), 2), None);
    }

    #[test]
    fn with_every_report_kept_the_whole_week_is_looked_at() {
        let paris = chrono_tz::Europe::Paris;
        // `keep = 0` keeps them all: the 22nd and the 23rd missed, and said for a week.
        let dir = folder(&["2026-11-20", "2026-11-21", "2026-11-24", "2026-11-25"]);
        let line = missing_kept(dir.path(), paris, at(27, 6), 0).expect("missing");
        assert!(
            line.starts_with("the day reports of 2026-11-22, 2026-11-23 were not written"),
            "{line}"
        );
    }

    #[test]
    fn the_latest_week_or_month_report_due_and_not_written_is_said() {
        let paris = chrono_tz::Europe::Paris;
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str| std::fs::write(dir.path().join(name), b"%PDF").expect("report");
        let latest = |kind, now| {
            let reports = Reports {
                dir: dir.path(),
                tz: paris,
                command: "analyser --raw-dir raw".to_owned(),
                keep: 60,
                mongodb_down: false,
            };
            missing_latest(kind, &reports, now)
        };
        // Weeks 45 and 46 written; week 47 ends on Sunday 22 November, complete at 00:00 UTC
        // on the 23rd, due 30 hours later.
        write("week-2026-W45.pdf");
        write("week-2026-W46.pdf");
        assert_eq!(latest(PeriodKind::Week, at(24, 5)), None, "not due yet");
        let line = latest(PeriodKind::Week, at(24, 7)).expect("missing");
        assert!(
            line.starts_with("the week report week-2026-W47.pdf was not written (in ")
                && line.ends_with("run `analyser --raw-dir raw --period week --date 2026-11-22`"),
            "{line}"
        );
        write("week-2026-W47.pdf");
        assert_eq!(latest(PeriodKind::Week, at(27, 7)), None);
        // `keep = 1` keeps one report of a kind: the one before the period due tells of cron.
        let alone = tempfile::tempdir().expect("temp dir");
        std::fs::write(alone.path().join("week-2026-W47.pdf"), b"%PDF").expect("report");
        std::fs::write(alone.path().join("2026-11-29.pdf"), b"%PDF").expect("report");
        let kept_one = Reports {
            dir: alone.path(),
            tz: paris,
            command: "analyser --raw-dir raw".to_owned(),
            keep: 1,
            mongodb_down: false,
        };
        let december = |day, hour| {
            Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0)
                .single()
                .expect("instant")
        };
        let line = missing_latest(PeriodKind::Week, &kept_one, december(1, 7)).expect("missing");
        assert!(
            line.starts_with("the week report week-2026-W48.pdf was not written"),
            "{line}"
        );
        let line = missing(&kept_one, december(2, 7), false).expect("missing");
        assert!(
            line.starts_with("the day report of 2026-11-30 was not written"),
            "{line}"
        );
        // One month report alone: written by hand, not by cron.
        write("month-2026-09.pdf");
        assert_eq!(latest(PeriodKind::Month, at(27, 7)), None);
        write("month-2026-10.pdf");
        assert_eq!(
            latest(PeriodKind::Month, at(27, 7)),
            None,
            "October's is written"
        );
        let december = Utc
            .with_ymd_and_hms(2026, 12, 2, 7, 0, 0)
            .single()
            .expect("instant");
        let line = latest(PeriodKind::Month, december).expect("missing");
        assert!(
            line.starts_with("the month report month-2026-11.pdf was not written"),
            "{line}"
        );
    }

    #[test]
    fn no_day_report_here_expects_none() {
        let dir = folder(&[]);
        assert_eq!(missing_in(dir.path(), chrono_tz::UTC, at(27, 6)), None);
        assert_eq!(
            missing_in(Path::new("/nonexistent/reports"), chrono_tz::UTC, at(27, 6)),
            None
        );
    }

    #[test]
    fn a_reports_folder_that_is_a_file_is_said() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("reports");
        std::fs::write(&file, b"x").expect("file");
        let line = missing_in(&file, chrono_tz::UTC, at(27, 6)).expect("said");
        assert!(line.starts_with("cannot read the reports folder"), "{line}");
    }
}
