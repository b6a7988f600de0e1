//! Reports written before their period's summaries changed: a day the collector caught up
//! once its credentials were fixed, a refused table fixed, a backfill. With `--if-missing`,
//! the crontab's jobs write them again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{Document, doc};
use releve::Config;
use releve::store::{self, StoreError};

use crate::period::ReportPeriod;

use crate::period::STORED_WITHIN;

/// How many local days before the asked period's end the reports of earlier periods of its
/// kind are checked: a week, as far back as the collector catches up a day it missed (France
/// Travail's), and a day more. A day job checks the eight days before, a week job the week
/// before; calendar days, whatever a clock change makes of their hours.
const CHECKED_BACK_DAYS: i64 = 8;

/// A report in the reports folder written once its period was complete.
#[derive(Debug, Clone)]
pub struct Written {
    /// Its period.
    pub period: ReportPeriod,
    /// Its file.
    pub path: PathBuf,
    /// When it was written: when its data was read, as its file is dated, or as the report
    /// records it (see [`crate::pdf::generated_at`]) when that is a second or more earlier
    /// (a copy's file is dated by the copy).
    pub written_at: DateTime<Utc>,
}

/// The report of `period` in `reports_dir`, when there is one written (see [`Written`]) once the
/// period's data was stored, [`STORED_WITHIN`] hours after it was complete
/// ([`ReportPeriod::complete_at`]): one written earlier, by hand while the period ran or just
/// after, lacks its last data. One that left out `[[source]]` tables the configuration refused
/// counts as unwritten once the configuration refuses none (`refused_now` false): it lacks
/// their sources.
pub fn written_once_complete(
    reports_dir: &Path,
    period: &ReportPeriod,
    refused_now: bool,
) -> Option<Written> {
    let path = reports_dir.join(period.file_name());
    let metadata = std::fs::metadata(&path)
        .ok()
        .filter(|meta| meta.is_file())?;
    let modified = DateTime::<Utc>::from(metadata.modified().ok()?);
    let bytes = std::fs::read(&path).ok();
    if bytes
        .as_deref()
        .is_some_and(|bytes| !crate::pdf::is_whole(bytes))
    {
        tracing::warn!(file = %path.display(), "The report is empty or cut short (a power cut while it was written?): it is written again.");
        return None;
    }
    // The file's time, to the nanosecond, unless the report's own, to the second, is earlier
    // than that second: the file was copied (`cp -r`), and is as new as the copy.
    let written_at = match bytes.as_deref().and_then(crate::pdf::generated_at) {
        Some(generated) if generated + chrono::TimeDelta::seconds(1) <= modified => generated,
        _ => modified,
    };
    if written_at < period.complete_at() + STORED_WITHIN {
        return None;
    }
    let left_out_fixed =
        !refused_now && bytes.is_some_and(|bytes| crate::pdf::left_out_refused(&bytes));
    (!left_out_fixed).then_some(Written {
        period: *period,
        path,
        written_at,
    })
}

/// The reports of `asked` and of the periods of its kind that ended within
/// [`CHECKED_BACK_DAYS`] before it, that were written once complete; `asked`'s first. No more
/// periods than the reports folder keeps of a kind (`keep`, `0` for all): an older report
/// written again would be removed at once.
pub fn written_reports(
    reports_dir: &Path,
    asked: &ReportPeriod,
    keep: usize,
    refused_now: bool,
) -> Vec<Written> {
    checked_periods(asked, keep)
        .iter()
        .filter_map(|period| written_once_complete(reports_dir, period, refused_now))
        .collect()
}

/// The periods of `asked`'s kind that ended within [`CHECKED_BACK_DAYS`] before it, newest
/// first, with no report written once complete: their job did not run then (a machine off or
/// asleep at its hour) or failed, or a report was written by hand before they ended. No more
/// than the reports folder keeps of a kind, as [`written_reports`].
pub fn missed_reports(
    reports_dir: &Path,
    asked: &ReportPeriod,
    keep: usize,
    refused_now: bool,
) -> Vec<ReportPeriod> {
    checked_periods(asked, keep)
        .into_iter()
        .skip(1)
        .filter(|period| written_once_complete(reports_dir, period, refused_now).is_none())
        .collect()
}

/// `asked` and the periods of its kind that ended within [`CHECKED_BACK_DAYS`] before it,
/// newest first, no more than `keep` (`0` for all).
fn checked_periods(asked: &ReportPeriod, keep: usize) -> Vec<ReportPeriod> {
    let mut periods = Vec::new();
    let mut period = *asked;
    let most = if keep == 0 { usize::MAX } else { keep };
    for _ in 0..most {
        periods.push(period);
        period = period.before();
        let back = (asked.end_day - period.end_day).num_days();
        if back > CHECKED_BACK_DAYS || back <= 0 {
            break;
        }
    }
    periods
}

/// `changed`, less the `written` reports of a period the database lost runs of (`lost`)
/// that were written from it whole, before it lost them: they hold what it no longer does, and
/// one written again would read its collections missing. Each is said, and left as it is.
pub fn holding_what_was_lost(
    mut changed: BTreeMap<PathBuf, BTreeSet<String>>,
    written: &[Written],
    lost: &[releve::store::restored::LostRuns],
) -> BTreeMap<PathBuf, BTreeSet<String>> {
    for report in written {
        // Its file read only for a report of a period the database lost runs of.
        let overlapped = lost
            .iter()
            .any(|lost| lost.overlaps(report.period.start(), report.period.end()));
        if !overlapped || !changed.contains_key(&report.path) {
            continue;
        }
        let read = std::fs::read(&report.path)
            .map(|bytes| crate::pdf::newest_runs_read(&bytes))
            .unwrap_or_default();
        let holds_lost = lost.iter().any(|lost| {
            report.written_at < lost.noticed
                && lost
                    .overlapping(report.period.start(), report.period.end())
                    .iter()
                    .any(|source| match read.get(&source.name) {
                        // It read a run the database no longer holds.
                        Some(newest) => source.after.is_none_or(|after| *newest > after),
                        // A report of an earlier version, or of no run of the source: written
                        // whole when written by the time the database was last seen so.
                        None => read.is_empty() && Some(report.written_at) <= lost.seen,
                    })
        });
        if holds_lost && changed.remove(&report.path).is_some() {
            tracing::warn!(path = %report.path.display(), "Hours of this report's period were summarised since it was written, but it was written from the database before it lost runs of the period (restored from an older backup): it holds what the database no longer does, and is left as it is (--if-missing). Move it aside, and run the report of its --date by hand, to write it from the database as it is now.");
        }
    }
    changed
}

/// Of the `written` reports, those some of whose hours were summarised since they were
/// written, with the sources whose summaries changed, by file. An hour summarised at a time
/// still to come at `now` (a clock that ran ahead, then set right) is no change: every run
/// would write the report again until that time.
pub async fn changed_since(
    db: &Database,
    config: &Config,
    written: &[Written],
    now: DateTime<Utc>,
) -> Result<BTreeMap<PathBuf, BTreeSet<String>>, StoreError> {
    let mut changed: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let Some(oldest) = written.iter().map(|w| w.written_at).min() else {
        return Ok(changed);
    };
    let hours = written.iter().flat_map(|w| {
        config.sources.iter().map(|source| {
            (
                w.period.first_hour_of(source.resolution),
                w.period.end_hour_of(source.resolution),
            )
        })
    });
    let (Some(from), Some(until)) = (
        hours.clone().map(|(from, _)| from).min(),
        hours.map(|(_, until)| until).max(),
    ) else {
        return Ok(changed);
    };
    let filter = doc! {
        "hour": {"$gte": store::bson_date(from), "$lt": store::bson_date(until)},
        "updated_at": {"$gt": store::bson_date(oldest)},
    };
    let action = "reading the hours summarised since the reports were written";
    let summaries: Vec<Document> = db
        .collection::<Document>(store::HOURLY)
        .find(filter)
        .projection(doc! {"_id": 0, "source": 1, "hour": 1, "updated_at": 1})
        .await
        .map_err(StoreError::command(action))?
        .try_collect()
        .await
        .map_err(StoreError::command(action))?;
    let mut ahead = 0;
    for summary in &summaries {
        // A document not shaped as the summariser writes it is named by the report itself.
        let (Ok(name), Ok(hour), Ok(updated_at)) = (
            summary.get_str("source"),
            summary.get_datetime("hour"),
            summary.get_datetime("updated_at"),
        ) else {
            continue;
        };
        let Some(source) = config.source(name) else {
            continue;
        };
        let (hour, updated_at) = (store::chrono_date(*hour), store::chrono_date(*updated_at));
        if updated_at > now {
            ahead += 1;
            continue;
        }
        for w in written {
            let in_period = w.period.first_hour_of(source.resolution) <= hour
                && hour < w.period.end_hour_of(source.resolution);
            if in_period && updated_at > w.written_at {
                changed
                    .entry(w.path.clone())
                    .or_default()
                    .insert(name.to_owned());
            }
        }
    }
    if ahead > 0 {
        tracing::info!(
            hours = ahead,
            "Hours of these reports' periods were summarised at a time still to come (a clock that ran ahead, then set right): not taken for changes since the reports were written."
        );
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::PeriodKind;

    /// The Paris day `d` of `month` 2026.
    fn day(month: u32, d: u32) -> ReportPeriod {
        ReportPeriod::containing(
            PeriodKind::Day,
            chrono::NaiveDate::from_ymd_opt(2026, month, d).expect("date"),
            chrono_tz::Europe::Paris,
        )
    }

    /// Writes a report of each period in `dir`, then returns the days of the month of those
    /// `written_reports` finds for `asked`, newest first.
    fn checked_days(dir: &Path, written: &[ReportPeriod], asked: &ReportPeriod) -> Vec<u32> {
        for period in written {
            std::fs::write(dir.join(period.file_name()), b"%PDF-1.7\n%%EOF\n").expect("report");
        }
        written_reports(dir, asked, 60, false)
            .iter()
            .map(|w| chrono::Datelike::day(&w.period.first_day))
            .collect()
    }

    #[test]
    fn a_day_job_checks_the_eight_days_before_and_a_week_job_the_week_before() {
        let dir = tempfile::tempdir().expect("temp dir");
        let days: Vec<ReportPeriod> = (1..=21).map(|d| day(11, d)).collect();
        assert_eq!(
            checked_days(dir.path(), &days, &day(11, 21)),
            (13..=21).rev().collect::<Vec<_>>()
        );
        let week = ReportPeriod::containing(
            PeriodKind::Week,
            day(11, 21).first_day,
            chrono_tz::Europe::Paris,
        );
        let weeks = [week, week.before(), week.before().before()];
        assert_eq!(
            checked_days(dir.path(), &weeks, &week),
            [16, 9],
            "the week of 16 November and the one before"
        );
    }

    #[test]
    fn the_days_missed_are_those_without_a_report_written_once_complete() {
        let dir = tempfile::tempdir().expect("temp dir");
        let days: Vec<ReportPeriod> = [13, 14, 16, 19, 21].iter().map(|d| day(11, *d)).collect();
        checked_days(dir.path(), &days, &day(11, 21));
        let missed: Vec<u32> = missed_reports(dir.path(), &day(11, 21), 60, false)
            .iter()
            .map(|period| chrono::Datelike::day(&period.first_day))
            .collect();
        assert_eq!(missed, [20, 18, 17, 15], "the asked day is not among them");
        assert_eq!(
            missed_reports(dir.path(), &day(11, 21), 3, false).len(),
            1,
            "no more than the folder keeps: the 20th"
        );
    }

    /// Across the end of summer time (25 October 2026 in Paris) the eighth day before ended
    /// eight days and an hour before: calendar days are counted, not hours.
    #[test]
    fn a_day_job_checks_the_eight_days_before_across_the_end_of_summer_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let days: Vec<ReportPeriod> = (15..=30).map(|d| day(10, d)).collect();
        assert_eq!(
            checked_days(dir.path(), &days, &day(10, 30)),
            (22..=30).rev().collect::<Vec<_>>()
        );
        assert_eq!(
            written_reports(dir.path(), &day(10, 30), 3, false).len(),
            3,
            "no more than the folder keeps"
        );
        assert_eq!(
            written_reports(dir.path(), &day(10, 30), 0, false).len(),
            9,
            "`keep = 0` keeps every report: the eight days before are checked"
        );
    }

    /// Jordan's machine and cron are on Chicago time, as is `[report] timezone`. The crontab's
    /// day job runs hourly from 04:15 to 23:15 machine time, so the first job of a new UTC day
    /// is 18:15 CST (00:15 UTC): it writes the day before yesterday's report, which is then not
    /// "written once complete" (before 02:00 UTC), so the 19:15 job writes it again, and the
    /// 20:15 job a third time, every evening (README: "behind UTC they only run later, which is
    /// harmless"; "the others find it written and leave it as it is").
    #[test]
    fn a_day_job_on_a_clock_behind_utc_writes_each_day_report_once() {
        use chrono::{NaiveDate, TimeZone};
        use std::collections::BTreeMap;

        let chicago = chrono_tz::America::Chicago;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut writes: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
        for date in NaiveDate::from_ymd_opt(2026, 12, 1)
            .expect("date")
            .iter_days()
            .take(6)
        {
            // `15 4-23 * * *` read on a Chicago clock.
            for hour in 4..=23 {
                let job = chicago
                    .from_local_datetime(&date.and_hms_opt(hour, 15, 0).expect("time"))
                    .single()
                    .expect("instant")
                    .with_timezone(&Utc);
                let (period, _) = ReportPeriod::asked(PeriodKind::Day, None, chicago, job);
                if written_once_complete(dir.path(), &period, false).is_some() {
                    continue;
                }
                let path = dir.path().join(period.file_name());
                std::fs::write(&path, b"%PDF-1.7\n%%EOF\n").expect("report");
                std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .and_then(|file| file.set_modified(job.into()))
                    .expect("dated when written");
                writes
                    .entry(period.first_day)
                    .or_default()
                    .push(format!("{hour}:15 CST"));
            }
        }
        for (day, jobs) in &writes {
            assert_eq!(
                jobs.len(),
                1,
                "the report of {day} was written by the jobs of {jobs:?}"
            );
        }
    }
}
