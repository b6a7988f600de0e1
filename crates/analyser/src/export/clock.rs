//! How the CSV writes times, and heads their columns: in UTC by default, or with
//! `--local-time` on the clock of the report's zone (`[report] timezone`), which a student
//! reads, the zone named in the heading.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::spreadsheet::Layout;

/// The clock the times are written on, in the layout of the CSV.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    layout: Layout,
    /// The zone asked for by `--local-time`; UTC without it.
    zone: Option<Tz>,
}

impl Clock {
    /// Times in UTC, as `layout` writes them.
    pub(super) fn utc(layout: Layout) -> Clock {
        Clock { layout, zone: None }
    }

    /// Times on the clock of `zone`, as `layout` writes them.
    pub(super) fn local(layout: Layout, zone: Tz) -> Clock {
        Clock {
            layout,
            zone: Some(zone),
        }
    }

    /// The layout of the CSV the times are written in.
    pub(super) fn layout(self) -> Layout {
        self.layout
    }

    /// A time's cell. In UTC: ISO 8601 to `precision` (`2026-12-07T14:00:00.000Z`), or in
    /// the [`Layout::DecimalComma`] layout to the second (`2026-12-07 14:00:00`), which Excel
    /// and LibreOffice read as a date and time (with milliseconds, Excel shows minutes and
    /// seconds alone). On a zone's clock: ISO 8601 with its offset
    /// (`2026-12-07T15:00:00.000+01:00`), or `2026-12-07 15:00:00`.
    pub(super) fn time(self, at: DateTime<Utc>, precision: SecondsFormat) -> String {
        match (self.layout, self.zone) {
            (Layout::DecimalPoint, None) => at.to_rfc3339_opts(precision, true),
            (Layout::DecimalPoint, Some(zone)) => {
                at.with_timezone(&zone).to_rfc3339_opts(precision, false)
            }
            (Layout::DecimalComma, None) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            (Layout::DecimalComma, Some(zone)) => at
                .with_timezone(&zone)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        }
    }

    /// The heading of a column of times named `name`: `name`, or in the
    /// [`Layout::DecimalComma`] layout, whose times say no zone, `name (UTC)`; on a zone's
    /// clock, `name (Europe/Paris)`.
    pub(super) fn heading(self, name: &str) -> String {
        match (self.layout, self.zone) {
            (_, Some(zone)) => format!("{name} ({})", zone.name()),
            (Layout::DecimalPoint, None) => name.to_owned(),
            (Layout::DecimalComma, None) => format!("{name} (UTC)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0)
            .single()
            .expect("instant")
    }

    #[test]
    fn times_on_a_zones_clock_follow_its_summer_time_and_name_it_in_the_heading() {
        let paris = chrono_tz::Europe::Paris;
        let comma = Clock::local(Layout::DecimalComma, paris);
        assert_eq!(
            comma.time(at(12, 7, 14), SecondsFormat::Millis),
            "2026-12-07 15:00:00"
        );
        assert_eq!(
            comma.time(at(7, 7, 14), SecondsFormat::Millis),
            "2026-07-07 16:00:00"
        );
        assert_eq!(comma.heading("time"), "time (Europe/Paris)");
        let point = Clock::local(Layout::DecimalPoint, paris);
        assert_eq!(
            point.time(at(12, 7, 14), SecondsFormat::Millis),
            "2026-12-07T15:00:00.000+01:00"
        );
        assert_eq!(point.heading("hour"), "hour (Europe/Paris)");
        let utc = Clock::utc(Layout::DecimalPoint);
        assert_eq!(
            utc.time(at(12, 7, 14), SecondsFormat::Millis),
            "2026-12-07T14:00:00.000Z"
        );
        assert_eq!(utc.heading("time"), "time");
        assert_eq!(
            Clock::utc(Layout::DecimalComma).heading("time"),
            "time (UTC)"
        );
    }
}
