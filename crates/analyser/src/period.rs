//! The report period: a day, an ISO week or a month of the report's time zone, turned into the
//! UTC instants and UTC hours MongoDB is queried for, and into the report's file name.
//!
//! A Paris day in winter runs from 23:00Z to 23:00Z; a day with a clock change has 23 or 25
//! hours. Everything downstream works on the list of UTC hour starts this module produces.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use releve::Resolution;

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

    /// The report's file name: `2026-11-21.pdf`, `week-2026-W47.pdf`, `month-2026-11.pdf`.
    pub fn file_name(&self) -> String {
        match self.kind {
            PeriodKind::Day => format!("{}.pdf", self.first_day.format("%Y-%m-%d")),
            PeriodKind::Week => {
                let week = self.first_day.iso_week();
                format!("week-{}-W{:02}.pdf", week.year(), week.week())
            }
            PeriodKind::Month => format!("month-{}.pdf", self.first_day.format("%Y-%m")),
        }
    }

    /// The period in words, for titles: `Saturday 21 November 2026`, `Week 47 of 2026 …`.
    pub fn label(&self) -> String {
        match self.title() {
            (name, Some(days)) => format!("{name} ({days})"),
            (name, None) => name,
        }
    }

    /// The period's name, and for a week the days it runs over (`Week 47 of 2026`, `16
    /// November to 22 November 2026`): the cover sets them on lines of their own, so a date is
    /// never broken across two.
    pub fn title(&self) -> (String, Option<String>) {
        let last_day = self.end_day - Duration::days(1);
        match self.kind {
            PeriodKind::Day => (self.first_day.format("%A %-d %B %Y").to_string(), None),
            PeriodKind::Week => {
                let week = self.first_day.iso_week();
                // The first day's year too when the week straddles the new year.
                let first = if self.first_day.year() == last_day.year() {
                    "%-d %B"
                } else {
                    "%-d %B %Y"
                };
                (
                    format!("Week {} of {}", week.week(), week.year()),
                    Some(format!(
                        "{} to {}",
                        self.first_day.format(first),
                        last_day.format("%-d %B %Y")
                    )),
                )
            }
            PeriodKind::Month => (self.first_day.format("%B %Y").to_string(), None),
        }
    }

    /// The period's bounds in the report's time zone, for the cover.
    pub fn bounds_label(&self) -> String {
        let fmt = "%Y-%m-%d %H:%M %Z";
        self.naming_zone(format!(
            "{} to {}",
            self.start().with_timezone(&self.tz).format(fmt),
            self.end().with_timezone(&self.tz).format(fmt),
        ))
    }

    /// On the cover of a period that does not start on a UTC hour: the span the hourly
    /// figures cover, in the report's zone.
    pub fn hours_label(&self) -> Option<String> {
        self.hours_shifted().then(|| {
            format!(
                "Hourly figures cover whole UTC hours: {} to {}.",
                self.first_hour()
                    .with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M"),
                self.end_hour()
                    .with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M %Z"),
            )
        })
    }

    /// `local` (times in the report's zone, ending with the zone's abbreviation) followed by
    /// the zone's name, unless the abbreviation is the name (`UTC`).
    pub fn naming_zone(&self, local: String) -> String {
        let name = self.tz.name();
        if local.ends_with(name) {
            local
        } else {
            format!("{local} ({name})")
        }
    }
}

impl PeriodKind {
    /// `day`, `week` or `month`, as `--period` takes it.
    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
        }
    }

    /// True when `file_name` is a report of this kind, as [`ReportPeriod::file_name`] writes them.
    pub fn names_report(self, file_name: &str) -> bool {
        self.reported_day(file_name).is_some()
    }

    /// The first day of the period `file_name` reports on when it is a report of this kind, as
    /// [`ReportPeriod::file_name`] writes them: `2026-11-21.pdf`, `week-2026-W47.pdf` (its
    /// Monday), `month-2026-11.pdf` (its first).
    pub fn reported_day(self, file_name: &str) -> Option<NaiveDate> {
        let stem = file_name.strip_suffix(".pdf")?;
        let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        match self {
            // As the analyser names them: `2026-11-02`, never a hand-named `2026-11-2.pdf`.
            PeriodKind::Day => date(stem).filter(|_| stem.len() == 10),
            PeriodKind::Week => {
                let (year, week) = stem.strip_prefix("week-")?.split_once("-W")?;
                if year.len() != 4 || week.len() != 2 {
                    return None;
                }
                NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)
            }
            PeriodKind::Month => {
                let month = stem.strip_prefix("month-")?;
                date(&format!("{month}-01")).filter(|_| month.len() == 7)
            }
        }
    }
}

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
fn first_hour_on(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    // A day before: the local day of its hours is before `day`, and so is their UTC day.
    let mut hour = releve::store::hour_of(local_midnight(tz, day)) - Duration::days(1);
    while local_day(hour, tz, Resolution::Day) < day {
        hour += Duration::hours(1);
    }
    hour
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

    fn day(text: &str) -> NaiveDate {
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
    fn the_cover_names_the_zone_once() {
        let paris =
            ReportPeriod::containing(PeriodKind::Day, day("2026-11-21"), chrono_tz::Europe::Paris);
        assert_eq!(
            paris.bounds_label(),
            "2026-11-21 00:00 CET to 2026-11-22 00:00 CET (Europe/Paris)"
        );
        let utc = ReportPeriod::containing(PeriodKind::Day, day("2026-11-21"), chrono_tz::UTC);
        assert_eq!(
            utc.bounds_label(),
            "2026-11-21 00:00 UTC to 2026-11-22 00:00 UTC"
        );
    }

    #[test]
    fn a_week_across_the_new_year_names_both_years() {
        let paris = chrono_tz::Europe::Paris;
        let first = ReportPeriod::containing(PeriodKind::Week, day("2026-01-01"), paris);
        assert_eq!(
            first.label(),
            "Week 1 of 2026 (29 December 2025 to 4 January 2026)"
        );
        let last = ReportPeriod::containing(PeriodKind::Week, day("2021-01-01"), paris);
        assert_eq!(
            last.label(),
            "Week 53 of 2020 (28 December 2020 to 3 January 2021)"
        );
        let within = ReportPeriod::containing(PeriodKind::Week, day("2026-11-21"), paris);
        assert_eq!(
            within.label(),
            "Week 47 of 2026 (16 November to 22 November 2026)"
        );
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

    #[test]
    fn weeks_and_months_are_named_as_documented() {
        let paris = chrono_tz::Europe::Paris;
        let week = ReportPeriod::containing(PeriodKind::Week, day("2026-11-21"), paris);
        assert_eq!(week.first_day, day("2026-11-16"));
        assert_eq!(week.file_name(), "week-2026-W47.pdf");
        assert_eq!(week.hours().len(), 7 * 24);
        let month = ReportPeriod::containing(PeriodKind::Month, day("2026-11-21"), paris);
        assert_eq!(month.file_name(), "month-2026-11.pdf");
        assert_eq!(month.hours().len(), 30 * 24);
    }

    #[test]
    fn report_names_are_told_apart_by_kind() {
        assert!(PeriodKind::Day.names_report("2026-11-21.pdf"));
        assert!(!PeriodKind::Day.names_report("week-2026-W47.pdf"));
        assert!(PeriodKind::Week.names_report("week-2026-W47.pdf"));
        assert!(PeriodKind::Month.names_report("month-2026-11.pdf"));
        assert!(!PeriodKind::Month.names_report("month-2026-11.pdf.tmp"));
        assert!(!PeriodKind::Day.names_report("notes.pdf"));
        let day = |text: &str| text.parse::<NaiveDate>().ok();
        assert_eq!(
            PeriodKind::Week.reported_day("week-2026-W47.pdf"),
            day("2026-11-16")
        );
        assert_eq!(
            PeriodKind::Month.reported_day("month-2026-11.pdf"),
            day("2026-11-01")
        );
        assert_eq!(
            PeriodKind::Day.reported_day("2026-11-21.pdf"),
            day("2026-11-21")
        );
        assert_eq!(PeriodKind::Week.reported_day("week-2026-W54.pdf"), None);
        assert!(
            !PeriodKind::Day.names_report("2026-11-2.pdf"),
            "a name the analyser never writes is not its report"
        );
    }

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
