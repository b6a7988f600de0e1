//! The report period: a day, an ISO week or a month of the report's time zone, turned into the
//! UTC instants and UTC hours MongoDB is queried for, and into the report's file name.
//!
//! A Paris day in winter runs from 23:00Z to 23:00Z; a day with a clock change has 23 or 25
//! hours. Everything downstream works on the list of UTC hour starts this module produces.

mod daily_values;
mod latest_complete;
mod naming;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use releve::Resolution;

use daily_values::first_hour_on;
pub use daily_values::local_day;
pub(crate) use latest_complete::STORED_WITHIN;
pub use latest_complete::last_day_of_latest_complete;

/// How long a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodKind {
    /// One calendar day.
    Day,
    /// One ISO week, Monday to Sunday.
    Week,
    /// One calendar month.
    Month,
}

/// One report period in one time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPeriod {
    /// Day, week or month.
    pub kind: PeriodKind,
    /// First local day of the period.
    pub first_day: NaiveDate,
    /// The local day after the period's last day.
    pub end_day: NaiveDate,
    /// The report's time zone.
    pub tz: Tz,
}

impl ReportPeriod {
    /// The period of `kind` that holds the local day `anchor`.
    pub fn containing(kind: PeriodKind, anchor: NaiveDate, tz: Tz) -> Self {
        let (first_day, end_day) = match kind {
            PeriodKind::Day => (anchor, anchor + Duration::days(1)),
            PeriodKind::Week => {
                let monday =
                    anchor - Duration::days(i64::from(anchor.weekday().num_days_from_monday()));
                (monday, monday + Duration::days(7))
            }
            PeriodKind::Month => {
                let first = anchor.with_day(1).unwrap_or(anchor);
                let next = first
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(first + Duration::days(31));
                (first, next)
            }
        };
        ReportPeriod {
            kind,
            first_day,
            end_day,
            tz,
        }
    }

    /// The period of the same kind just before this one (the day, week or month before).
    pub fn before(&self) -> Self {
        let last_day_before = self.first_day.pred_opt().unwrap_or(self.first_day);
        ReportPeriod::containing(self.kind, last_day_before, self.tz)
    }

    /// The period's first instant.
    pub fn start(&self) -> DateTime<Utc> {
        local_midnight(self.tz, self.first_day)
    }

    /// The instant just after the period.
    pub fn end(&self) -> DateTime<Utc> {
        local_midnight(self.tz, self.end_day)
    }

    /// The first UTC hour that begins in the period. Hourly figures cover the UTC hours that
    /// begin in the period: in a zone whose offset is not whole hours (Asia/Kolkata, UTC+5:30)
    /// that is the period shifted by the odd half hour, so each hour is in exactly one day's
    /// report and the map's records are those of the same hours.
    pub fn first_hour(&self) -> DateTime<Utc> {
        hour_at_or_after(self.start())
    }

    /// The instant just after the last UTC hour that begins in the period.
    pub fn end_hour(&self) -> DateTime<Utc> {
        hour_at_or_after(self.end())
    }

    /// True when each of the period's hours is UTC's in its zone (offset zero throughout):
    /// its days are UTC's, whatever the zone is named (`UTC`, `Etc/GMT`, `Europe/London` in
    /// winter).
    pub fn days_are_utc(&self) -> bool {
        use chrono::Offset;
        self.hours().iter().all(|hour| {
            hour.with_timezone(&self.tz)
                .offset()
                .fix()
                .local_minus_utc()
                == 0
        })
    }

    /// True when the period does not start on a UTC hour (a zone with a half-hour offset).
    pub fn hours_shifted(&self) -> bool {
        self.first_hour() != self.start()
    }

    /// The UTC hours that begin in the period, as hour starts.
    pub fn hours(&self) -> Vec<DateTime<Utc>> {
        self.hours_of(Resolution::Hour)
    }

    /// The first UTC hour whose figures count in the period, for a source of `resolution`:
    /// [`ReportPeriod::first_hour`], or for daily values the first hour [`local_day`] places in
    /// its first day.
    pub fn first_hour_of(&self, resolution: Resolution) -> DateTime<Utc> {
        match resolution {
            Resolution::Hour => self.first_hour(),
            Resolution::Day => first_hour_on(self.first_day, self.tz),
        }
    }

    /// The instant just after the last UTC hour whose figures count in the period, for a
    /// source of `resolution` (see [`ReportPeriod::first_hour_of`]).
    pub fn end_hour_of(&self, resolution: Resolution) -> DateTime<Utc> {
        match resolution {
            Resolution::Hour => self.end_hour(),
            Resolution::Day => first_hour_on(self.end_day, self.tz),
        }
    }

    /// Whether the day of daily values `day` had begun at `at`: its local midnight had passed.
    pub fn day_begun(&self, day: NaiveDate, at: DateTime<Utc>) -> bool {
        local_midnight(self.tz, day) <= at
    }

    /// The UTC hours whose figures count in the period for a source of `resolution`, as hour
    /// starts: for daily values, the hours [`local_day`] places in its days.
    pub fn hours_of(&self, resolution: Resolution) -> Vec<DateTime<Utc>> {
        let end = self.end_hour_of(resolution);
        let mut hours = Vec::new();
        let mut hour = self.first_hour_of(resolution);
        while hour < end {
            hours.push(hour);
            hour += Duration::hours(1);
        }
        hours
    }

    /// The local day the figures of `hour` count in for a source of `resolution` (see
    /// [`local_day`]).
    pub fn day_of(&self, hour: DateTime<Utc>, resolution: Resolution) -> NaiveDate {
        local_day(hour, self.tz, resolution)
    }
}

/// `at` when it starts a UTC hour, else the start of the next one.
fn hour_at_or_after(at: DateTime<Utc>) -> DateTime<Utc> {
    let hour = releve::store::hour_of(at);
    if hour == at {
        at
    } else {
        hour.checked_add_signed(chrono::TimeDelta::hours(1))
            .unwrap_or(at)
    }
}

/// The first instant of `day` in `tz`: its midnight, or the hour a clock change starts it at.
pub(crate) use releve::local_day::midnight as local_midnight;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_before_is_the_day_week_or_month_before() {
        let paris = chrono_tz::Europe::Paris;
        let day = |text: &str| text.parse::<NaiveDate>().expect("date");
        let before = |kind, anchor| ReportPeriod::containing(kind, day(anchor), paris).before();
        assert_eq!(
            before(PeriodKind::Day, "2026-03-01").first_day,
            day("2026-02-28")
        );
        let week = before(PeriodKind::Week, "2026-01-01");
        assert_eq!(
            (week.first_day, week.end_day),
            (day("2025-12-22"), day("2025-12-29"))
        );
        let month = before(PeriodKind::Month, "2026-03-31");
        assert_eq!(
            (month.first_day, month.end_day),
            (day("2026-02-01"), day("2026-03-01"))
        );
        assert_eq!(
            month.end(),
            ReportPeriod::containing(PeriodKind::Month, day("2026-03-31"), paris).start()
        );
    }

    pub(super) fn day(text: &str) -> NaiveDate {
        text.parse().expect("valid date")
    }

    #[test]
    fn a_paris_winter_day_runs_from_23z_to_23z() {
        let period =
            ReportPeriod::containing(PeriodKind::Day, day("2026-11-21"), chrono_tz::Europe::Paris);
        assert_eq!(period.start().to_rfc3339(), "2026-11-20T23:00:00+00:00");
        assert_eq!(period.end().to_rfc3339(), "2026-11-21T23:00:00+00:00");
        assert_eq!(period.hours().len(), 24);
        assert_eq!(period.file_name(), "2026-11-21.pdf");
    }

    #[test]
    fn clock_change_days_have_23_or_25_hours() {
        let paris = chrono_tz::Europe::Paris;
        let spring = ReportPeriod::containing(PeriodKind::Day, day("2026-03-29"), paris);
        let autumn = ReportPeriod::containing(PeriodKind::Day, day("2026-10-25"), paris);
        assert_eq!(spring.hours().len(), 23);
        assert_eq!(autumn.hours().len(), 25);
    }

    #[test]
    fn a_half_hour_zone_reports_the_24_utc_hours_that_begin_in_its_day() {
        let kolkata =
            ReportPeriod::containing(PeriodKind::Day, day("2026-11-21"), chrono_tz::Asia::Kolkata);
        assert_eq!(kolkata.start().to_rfc3339(), "2026-11-20T18:30:00+00:00");
        assert_eq!(
            kolkata.first_hour().to_rfc3339(),
            "2026-11-20T19:00:00+00:00"
        );
        assert_eq!(kolkata.end_hour().to_rfc3339(), "2026-11-21T19:00:00+00:00");
        assert_eq!(kolkata.hours().first(), Some(&kolkata.first_hour()));
        assert_eq!(
            kolkata.hours().len(),
            24,
            "no hour shared with the next day"
        );
        let next =
            ReportPeriod::containing(PeriodKind::Day, day("2026-11-22"), chrono_tz::Asia::Kolkata);
        assert_eq!(next.first_hour(), kolkata.end_hour());
        assert_eq!(
            kolkata.hours_label().as_deref(),
            Some("Hourly figures cover whole UTC hours: 2026-11-21 00:30 to 2026-11-22 00:30 IST.")
        );
        let paris =
            ReportPeriod::containing(PeriodKind::Day, day("2026-11-21"), chrono_tz::Europe::Paris);
        assert_eq!(paris.first_hour(), paris.start());
        assert_eq!(paris.end_hour(), paris.end());
        assert_eq!(paris.hours_label(), None);
    }
}
