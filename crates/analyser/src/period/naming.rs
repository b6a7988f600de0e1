//! A period's names: its report's file name, its title and bounds in words for the cover,
//! and the kind and first day a report's file name says.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::{PeriodKind, ReportPeriod};

impl ReportPeriod {
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::period::tests::day;

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
}
