//! When a period's data is complete and stored, and the period a job reports when no `--date`
//! is given: the latest complete one.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{PeriodKind, ReportPeriod};

impl ReportPeriod {
    /// The period `--date` and `--period` ask for: the one holding `date`, else the latest
    /// complete one `STORED_WITHIN` before `now` ([`last_day_of_latest_complete`]), whose data
    /// is stored: jobs from 00:00 to 02:00 UTC (the evening, behind UTC) still report the period
    /// before, whose report they find written, rather than one whose last offers are not
    /// stored yet, which each of them would write again. With the day it was chosen by.
    pub fn asked(
        kind: PeriodKind,
        date: Option<NaiveDate>,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> (Self, NaiveDate) {
        let anchor =
            date.unwrap_or_else(|| last_day_of_latest_complete(kind, tz, now - STORED_WITHIN));
        (ReportPeriod::containing(kind, anchor, tz), anchor)
    }

    /// When the period's data is complete: the start of the UTC day after the one its end falls
    /// in (its end, when that is a UTC midnight). France Travail's day is a UTC day, collected
    /// from 00:00 UTC, so until then the last hours of a period that ends within a UTC day lack
    /// its offers.
    pub fn complete_at(&self) -> DateTime<Utc> {
        let end = self.end();
        match utc_day_start(end) {
            start if start == end => end,
            start => start + Duration::days(1),
        }
    }
}

/// Time after a period is complete ([`ReportPeriod::complete_at`]) by which its data is
/// stored: France Travail's day, collected from 00:00 UTC, is stored by the summariser's run
/// at the next :05, or the one after when the collection takes long.
pub(crate) const STORED_WITHIN: Duration = Duration::hours(2);

/// The default day of a report of `kind`: the last day of the latest period of that kind over
/// by the start of the current UTC day, in the report's time zone: the latest period complete
/// ([`ReportPeriod::complete_at`]), which in a zone behind UTC is the day after its local end
/// (so its last hours' offers are counted). The choice depends on the UTC day alone, so a job
/// run at a fixed UTC time (the crontab's) reports consecutive periods across clock changes,
/// neither skipping one nor writing one twice (except where a change crosses UTC's offset, as
/// the Azores' −1 to 0 does, which moves the choice by a day). At the crontab's 04:15 UTC that
/// is yesterday from UTC to UTC+14, the day before yesterday behind UTC, where the week and
/// month jobs likewise report the week or month before the last.
pub fn last_day_of_latest_complete(kind: PeriodKind, tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    let anchor = utc_day_start(now).with_timezone(&tz).date_naive();
    ReportPeriod::containing(kind, anchor, tz).first_day - Duration::days(1)
}

/// The start (00:00 UTC) of the UTC day `at` falls in.
fn utc_day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive().and_time(NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::Datelike;

    use crate::period::tests::day;

    #[test]
    fn the_default_day_is_over_by_the_start_of_the_utc_day() {
        let at = |text: &str| -> DateTime<Utc> { text.parse().expect("valid instant") };
        let latest = |tz, now| last_day_of_latest_complete(PeriodKind::Day, tz, at(now));
        let paris = chrono_tz::Europe::Paris;
        // 00:30 on the 22nd in Paris: the 21st is over there, but France Travail's UTC day of
        // the 21st, which its last hour holds, is collected only from 00:00 UTC.
        assert_eq!(latest(paris, "2026-11-21T23:30:00Z"), day("2026-11-20"));
        assert_eq!(latest(paris, "2026-11-22T00:05:00Z"), day("2026-11-21"));
        assert_eq!(
            latest(chrono_tz::UTC, "2026-11-21T23:30:00Z"),
            day("2026-11-20")
        );
        assert_eq!(
            latest(chrono_tz::Pacific::Auckland, "2026-11-22T04:15:00Z"),
            day("2026-11-21"),
            "ahead of UTC, yesterday"
        );
    }

    /// A machine on its owner's clock far ahead of UTC, the crontab's hours left as shipped
    /// (04:15 to 23:15 on that clock): the runs before 02:00 UTC ask for the day before
    /// yesterday, written the day before, and the first after asks for yesterday.
    #[test]
    fn the_shipped_day_job_on_a_clock_ahead_of_utc_first_reports_yesterday_after_two_utc() {
        use chrono::TimeZone;
        let day_job = |tz: Tz, local: &str| {
            let now = tz
                .from_local_datetime(&local.parse().expect("local time"))
                .single()
                .expect("one instant")
                .with_timezone(&Utc);
            ReportPeriod::asked(PeriodKind::Day, None, tz, now).1
        };
        for (tz, last_before, first_after) in [
            (chrono_tz::Asia::Kolkata, "07:15", "08:15"),
            (chrono_tz::Asia::Kathmandu, "07:15", "08:15"),
            (chrono_tz::Pacific::Chatham, "15:15", "16:15"),
        ] {
            let on_the_7th = |time: &str| day_job(tz, &format!("2026-12-07T{time}:00"));
            assert_eq!(on_the_7th("04:15"), day("2026-12-05"), "{tz}");
            assert_eq!(on_the_7th(last_before), day("2026-12-05"), "{tz}");
            assert_eq!(on_the_7th(first_after), day("2026-12-06"), "{tz}");
        }
    }

    #[test]
    fn a_period_is_complete_once_the_utc_day_holding_its_end_is_over() {
        let complete = |tz, first: &str| {
            ReportPeriod::containing(PeriodKind::Day, day(first), tz)
                .complete_at()
                .to_rfc3339()
        };
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(complete(paris, "2026-11-21"), "2026-11-22T00:00:00+00:00");
        assert_eq!(
            complete(chrono_tz::UTC, "2026-11-21"),
            "2026-11-22T00:00:00+00:00"
        );
        assert_eq!(
            complete(chrono_tz::America::New_York, "2026-11-21"),
            "2026-11-23T00:00:00+00:00",
            "it ends at 05:00 UTC on the 22nd, within France Travail's day of the 22nd"
        );
    }

    #[test]
    fn a_daily_job_at_a_fixed_utc_time_reports_every_day_once_across_clock_changes() {
        for tz in [
            chrono_tz::America::New_York,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::Europe::Paris,
            chrono_tz::Europe::London,
            chrono_tz::Pacific::Auckland,
            chrono_tz::Asia::Kolkata,
        ] {
            // The day job at 04:15 UTC from February to December 2026: both clock changes.
            let mut job: DateTime<Utc> = "2026-02-01T04:15:00Z".parse().expect("valid instant");
            let mut reported = last_day_of_latest_complete(PeriodKind::Day, tz, job);
            while job.month() < 12 {
                job += Duration::days(1);
                let next = last_day_of_latest_complete(PeriodKind::Day, tz, job);
                assert_eq!(next, reported + Duration::days(1), "{tz} at {job}");
                let period = |day| ReportPeriod::containing(PeriodKind::Day, day, tz);
                assert!(period(next).complete_at() <= job, "{tz} at {job}: complete");
                assert!(
                    period(next + Duration::days(1)).complete_at() > job,
                    "{tz} at {job}: the latest complete"
                );
                reported = next;
            }
        }
    }

    #[test]
    fn the_default_week_and_month_are_over_in_the_report_zone() {
        let at = |text: &str| -> DateTime<Utc> { text.parse().expect("valid instant") };
        let latest = |kind, tz, now: &str| last_day_of_latest_complete(kind, tz, at(now));
        let (paris, new_york) = (chrono_tz::Europe::Paris, chrono_tz::America::New_York);
        // The week job: Monday 2026-11-23 04:25 UTC, Sunday 23:25 in New York.
        let week_job = "2026-11-23T04:25:00Z";
        assert_eq!(latest(PeriodKind::Week, paris, week_job), day("2026-11-22"));
        assert_eq!(
            latest(PeriodKind::Week, new_york, week_job),
            day("2026-11-15"),
            "the week ending that Sunday is not over in New York: the one before is reported"
        );
        // The month job: 2026-12-01 04:35 UTC, still 30 November in New York.
        let month_job = "2026-12-01T04:35:00Z";
        assert_eq!(
            latest(PeriodKind::Month, paris, month_job),
            day("2026-11-30")
        );
        assert_eq!(
            latest(PeriodKind::Month, new_york, month_job),
            day("2026-10-31")
        );
        let day_job = "2026-11-23T04:15:00Z";
        assert_eq!(
            latest(PeriodKind::Day, new_york, day_job),
            day("2026-11-21")
        );
        // In summer the day job runs at 00:15 in New York: the 14th is over there, but France
        // Travail's UTC day holding its last four hours is not collected yet.
        assert_eq!(
            latest(PeriodKind::Day, new_york, "2026-07-15T04:15:00Z"),
            day("2026-07-13")
        );
        assert_eq!(
            latest(PeriodKind::Week, new_york, "2026-07-13T04:25:00Z"),
            day("2026-07-05"),
            "a Monday job in summer, Monday 00:25 in New York"
        );
    }
}
