//! A numeric field's part of a source's section: its mean within its min–max band per hour
//! (per day in a month, or of daily values), its totals for a `totals` field, or a line of
//! figures where a chart would say less (values in one hour or day only, a day of daily
//! values, no value at all).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use releve::store::{HourlySummary, NumericSummary, chrono_date};
use releve::{Resolution, Source};

use super::added_fields::AddedField;
use super::begun_and_ahead::{band_captions, total_captions};
use super::field_totals::{FieldTotals, plausible_range};
use super::highest_said::highest_said;
use super::past_scale::{past_scale, spikes_said, totals_past_scale};
use super::source_pages::{one_day_of_daily_values, say_partly};
use crate::charts::{self, ChartError, HourBand, TimeAxis, ValueScale, px};
use crate::highest::HighestRecord;
use crate::naming::{name_of, unit_of, with_unit};
use crate::pdf::{BODY, CONTENT_WIDTH, Ink, ReportDocument};

/// Lays out `field` of `source` over the hours of `axis` (`hourly[i]`: the summary of its hour
/// `i`, if any), naming `highest`, the record of its highest value, when it is the field's.
pub(super) fn numeric_chart(
    doc: &mut ReportDocument,
    source: &Source,
    field: &str,
    hourly: &[Option<&HourlySummary>],
    axis: &TimeAxis,
    added: &AddedField<'_>,
    highest: Option<&HighestRecord>,
) -> Result<(), ChartError> {
    let unit = unit_of(source, field);
    let named = with_unit(source, field);
    let one_day = one_day_of_daily_values(source, axis.kind());
    let stats: Vec<_> = hourly
        .iter()
        .map(|h| h.and_then(|h| h.numeric.iter().find(|n| n.field == field)))
        .collect();
    let title = chart_title(&named, one_day, axis, &stats);
    let highest =
        highest.and_then(|record| highest_said(source, record, hourly, &stats, axis.tz()));
    let bands: Vec<Option<HourBand>> = stats
        .iter()
        .map(|n| {
            let n = (*n)?;
            Some(HourBand {
                min: n.min?,
                mean: n.mean?,
                max: n.max?,
                values: n.count,
            })
        })
        .collect();
    let summarised: Vec<_> = hourly
        .iter()
        .flatten()
        .map(|h| chrono_date(h.hour))
        .collect();
    if !summarised.is_empty() && stats.iter().all(Option::is_none) {
        doc.heading(&title, 10.0, 8.0);
        doc.paragraph(&added.in_no_summary(&summarised), BODY, false, Ink::MUTED);
        return Ok(());
    }
    let lacking: Vec<_> = hourly
        .iter()
        .zip(&stats)
        .filter_map(|(hour, n)| match (hour, n) {
            (Some(hour), None) => Some(chrono_date(hour.hour)),
            _ => None,
        })
        .collect();
    let partly = added.in_some_summaries(&lacking, summarised.len());
    let unranged: Vec<_> = hourly
        .iter()
        .zip(&stats)
        .filter_map(|(hour, n)| {
            let (hour, n) = ((*hour)?, (*n)?);
            let plausible = |value: Option<f64>| {
                value.is_none_or(|value| source.is_plausible_value(field, value))
            };
            (!plausible(n.min) || !plausible(n.max)).then(|| chrono_date(hour.hour))
        })
        .collect();
    let before_range = added.before_range(&unranged, summarised.len());
    let partly: Option<String> = match (partly, before_range) {
        (Some(partly), Some(range)) => Some(format!("{partly} {range}")),
        (partly, range) => partly.or(range),
    };
    let range = plausible_range(source, field);
    let range = range.as_deref();
    let totals = FieldTotals::of(&stats, axis, range);
    if totals.count == 0 {
        doc.heading(&title, 10.0, 8.0);
        doc.paragraph(
            &totals.no_value(name_of(source, field)),
            BODY,
            true,
            Ink::ALERT,
        );
        say_partly(doc, partly.as_deref());
        return Ok(());
    }
    // The value axis's title, and the chart's size.
    let y_title = unit.unwrap_or(name_of(source, field));
    let size = (px(CONTENT_WIDTH), px(58.0));
    if source.totals.iter().any(|total| total.as_str() == field) {
        let sums: Vec<f64> = stats.iter().map(|n| n.map_or(0.0, |n| n.sum)).collect();
        if one_day {
            doc.heading(&named, 10.0, 8.0);
            let caption = totals.total_caption("This day's total", &sums, unit);
            doc.paragraph(&caption, BODY, false, Ink::TEXT);
            say_partly(doc, partly.as_deref());
            return Ok(());
        }
        let with_codes = charts::hours_with_codes(&bands);
        let steps = charts::total_steps(axis, &sums, &with_codes);
        let scale = charts::totals_scale(&steps);
        let with_value: Vec<bool> = stats
            .iter()
            .map(|n| n.is_some_and(|n| n.count > 0))
            .collect();
        let chart = charts::totals(axis, &sums, &with_value, scale, &named, y_title, size)?;
        let totalled = total_captions(
            &stats,
            &sums,
            &with_codes,
            axis,
            unit,
            range,
            source.forecast,
        );
        let unvalued = super::field_totals::unvalued_note(axis, &with_value);
        let partial = super::field_totals::partial_days_note(axis, &stats);
        let past = totals_past_scale(source, added, field, &steps, axis, scale);
        let captions: Vec<&str> = totalled
            .iter()
            .map(String::as_str)
            .chain(unvalued.as_deref())
            .chain(partial.as_deref())
            .chain(past.as_deref())
            .chain(partly.as_deref())
            .collect();
        doc.chart(chart, &captions);
        return Ok(());
    }
    // A chart of one point on an axis made up around it says less than a line.
    let lone = if one_day {
        Some("This day".to_owned())
    } else {
        lone_step(&bands, axis, source.resolution)
    };
    if let Some(when) = lone {
        doc.heading(&named, 10.0, 8.0);
        doc.paragraph(&totals.caption(&when, &bands, unit), BODY, false, Ink::TEXT);
        if let Some(highest) = &highest {
            doc.paragraph(highest, BODY, false, Ink::TEXT);
        }
        say_partly(doc, partly.as_deref());
        return Ok(());
    }
    let Some(scale) = ValueScale::of(&bands) else {
        // Counted values, none of them finite: nothing a chart can draw.
        doc.heading(&named, 10.0, 8.0);
        for caption in band_captions(&stats, &bands, axis, unit, range, source.forecast) {
            doc.paragraph(&caption, BODY, false, Ink::TEXT);
        }
        say_partly(doc, partly.as_deref());
        return Ok(());
    };
    let chart = charts::numeric_band(axis, &bands, scale, &title, y_title, size)?;
    let banded = band_captions(&stats, &bands, axis, unit, range, source.forecast);
    let past = past_scale(source, added, field, &bands, axis, scale);
    let spikes = spikes_said(
        source,
        added,
        field,
        &charts::spikes(&bands, scale),
        axis,
        scale,
    );
    let captions: Vec<&str> = banded
        .iter()
        .map(String::as_str)
        .chain(highest.as_deref())
        .chain(past.as_deref())
        .chain(spikes.as_deref())
        .chain(partly.as_deref())
        .collect();
    doc.chart(chart, &captions);
    Ok(())
}

/// What a numeric chart's only values are said to cover when they fall in one hour (one day,
/// for a source of daily values): `Values in one hour only, 2026-11-21 14:00–15:00`; `None`
/// when they span more, or none.
fn lone_step(
    bands: &[Option<HourBand>],
    axis: &TimeAxis,
    resolution: Resolution,
) -> Option<String> {
    let mut filled = bands
        .iter()
        .zip(axis.hours())
        .filter(|(band, _)| band.is_some())
        .map(|(_, hour)| *hour);
    let first = filled.next()?;
    match resolution {
        Resolution::Hour => filled.next().is_none().then(|| {
            format!(
                "Values in one hour only, {}{}",
                one_hour(first, axis.tz()),
                to_come(axis.is_to_come(first))
            )
        }),
        Resolution::Day => {
            let day = |hour: DateTime<Utc>| axis.day_of(hour);
            filled.all(|hour| day(hour) == day(first)).then(|| {
                format!(
                    "Values on one day only, {}{}",
                    day(first).format("%Y-%m-%d"),
                    to_come(axis.is_to_come(first))
                )
            })
        }
    }
}

/// Words after a lone step still to come when the report was generated (a forecast's).
fn to_come(ahead: bool) -> &'static str {
    if ahead {
        ", still to come when the report was generated"
    } else {
        ""
    }
}

/// The hour starting at `hour` in `tz`, with the zone's abbreviation, as the cover says it
/// (`2026-11-21 14:00–15:00 CET`), so a caption copied alone still says its zone: an hour a
/// clock change repeats has its end read at its start's offset, so it still reads as one hour,
/// its abbreviation telling which (`2026-10-25 02:00–03:00 CEST`, then `… CET`); the hour
/// before clocks go forward ends at the time they show then (`2026-03-29 01:00 CET–03:00 CEST`).
pub(super) fn one_hour(hour: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    let start = hour.with_timezone(&tz);
    let shown_then = (hour + chrono::TimeDelta::hours(1)).with_timezone(&tz);
    let offset =
        |time: &chrono::DateTime<chrono_tz::Tz>| time.fixed_offset().offset().local_minus_utc();
    // Clocks gone forward (a larger offset): the end they show then, in its own zone's name.
    if offset(&shown_then) > offset(&start) {
        return format!(
            "{}–{}",
            start.format("%Y-%m-%d %H:%M %Z"),
            shown_then.format("%H:%M %Z")
        );
    }
    let end = start.fixed_offset() + chrono::TimeDelta::hours(1);
    format!(
        "{}–{} {}",
        start.format("%Y-%m-%d %H:%M"),
        end.format("%H:%M"),
        start.format("%Z")
    )
}

/// The day the step beginning at `hour` on `axis` counts in, as a caption names it: a local
/// day of hourly figures with the zone's abbreviation, as [`one_hour`] names hours
/// (`2026-11-21 CET`; `2026-10-25 CEST–CET`, the day clocks go back); a day of daily values by
/// its date alone, as the API dated it (the same day in any zone).
pub(super) fn one_day(axis: &TimeAxis, hour: DateTime<Utc>) -> String {
    let day = axis.day_of(hour);
    if axis.resolution() == Resolution::Day {
        return day.format("%Y-%m-%d").to_string();
    }
    let tz = axis.tz();
    let start = crate::period::local_midnight(tz, day).with_timezone(&tz);
    let next = day.succ_opt().unwrap_or(day);
    let last = (crate::period::local_midnight(tz, next) - chrono::TimeDelta::seconds(1))
        .with_timezone(&tz);
    let (began, ended) = (
        start.format("%Z").to_string(),
        last.format("%Z").to_string(),
    );
    match began == ended {
        true => format!("{} {began}", day.format("%Y-%m-%d")),
        false => format!("{} {began}–{ended}", day.format("%Y-%m-%d")),
    }
}

/// A numeric chart's title: what each point is. A day of daily values is said in words,
/// under the field's name: no chart to title; values of one record a day, or an hour, have no
/// mean or range to name.
fn chart_title(
    named: &str,
    one_day: bool,
    axis: &TimeAxis,
    stats: &[Option<&NumericSummary>],
) -> String {
    if one_day {
        named.to_owned()
    } else if one_value_a_day(axis, stats) {
        format!("{named}: value per day")
    } else if axis.step() == charts::Step::Hour && stats.iter().flatten().all(|n| n.count <= 1) {
        format!("{named}: value per hour")
    } else {
        format!(
            "{named}: {} mean and min–max range",
            charts::numeric_step(axis)
        )
    }
}

/// Whether `axis` charts daily values and none of its days holds more than one value of the
/// field (`stats[i]`: its statistics in hour `i`): each day's mean and range are its value.
fn one_value_a_day(axis: &TimeAxis, stats: &[Option<&NumericSummary>]) -> bool {
    if axis.resolution() != Resolution::Day {
        return false;
    }
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (hour, n) in axis.hours().iter().zip(stats) {
        if let Some(n) = n {
            *per_day.entry(axis.day_of(*hour)).or_default() += n.count;
        }
    }
    per_day.values().all(|values| *values <= 1)
}

#[cfg(test)]
mod tests {
    use super::{
        FieldTotals, HourBand, NumericSummary, TimeAxis, chart_title, one_hour, one_value_a_day,
    };
    use crate::period::{PeriodKind, ReportPeriod};
    use releve::Resolution;

    /// A week's chart of daily values is titled by its values, not by a mean and a range, while
    /// no day holds two; one of hourly values keeps its mean and range.
    #[test]
    fn daily_values_of_one_record_a_day_are_values_per_day() {
        let paris = chrono_tz::Europe::Paris;
        let week =
            ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), paris);
        let daily = TimeAxis::new(week.hours_of(Resolution::Day), paris, week.kind).per_day();
        let value = |count| NumericSummary {
            field: "tmax".to_owned(),
            count,
            nulls: 0,
            implausible: 0,
            min: Some(1.0),
            max: Some(1.0),
            mean: Some(1.0),
            sum: 1.0,
        };
        let (one, two) = (value(1), value(2));
        // The first hour of each day holds its value.
        let mut stats: Vec<Option<&NumericSummary>> = vec![None; daily.len()];
        for (i, hour) in daily.hours().iter().enumerate() {
            if i == 0 || daily.day_of(*hour) != daily.day_of(daily.hours()[i - 1]) {
                stats[i] = Some(&one);
            }
        }
        assert!(one_value_a_day(&daily, &stats));
        stats[1] = Some(&one);
        assert!(!one_value_a_day(&daily, &stats), "two values on one day");
        stats[1] = None;
        stats[0] = Some(&two);
        assert!(!one_value_a_day(&daily, &stats), "two stations' values");
        let hourly = TimeAxis::new(week.hours(), paris, week.kind);
        let stats = vec![Some(&one); hourly.len()];
        assert!(!one_value_a_day(&hourly, &stats));
        // Titles: a value per hour has no mean or range to name; two in an hour have.
        assert_eq!(
            chart_title("t (°C)", false, &hourly, &stats),
            "t (°C): value per hour"
        );
        let mut stats = stats;
        stats[3] = Some(&two);
        assert_eq!(
            chart_title("t (°C)", false, &hourly, &stats),
            "t (°C): hourly mean and min–max range"
        );
        let month = ReportPeriod::containing(
            PeriodKind::Month,
            "2026-11-18".parse().expect("date"),
            paris,
        );
        let month = TimeAxis::new(month.hours(), paris, month.kind);
        let stats = vec![Some(&one); month.len()];
        assert_eq!(
            chart_title("t (°C)", false, &month, &stats),
            "t (°C): daily mean and min–max range",
            "a month's day holds 24 hourly values"
        );
    }

    #[test]
    fn an_hour_where_clocks_change_reads_as_one_hour_and_every_hour_with_its_zone() {
        use chrono::TimeZone as _;
        let paris = chrono_tz::Europe::Paris;
        let at = |h| {
            chrono::Utc
                .with_ymd_and_hms(2026, 10, 25, h, 0, 0)
                .single()
                .expect("instant")
        };
        // 00:00Z is 02:00 summer time, 01:00Z 02:00 winter time.
        assert_eq!(one_hour(at(0), paris), "2026-10-25 02:00–03:00 CEST");
        assert_eq!(one_hour(at(1), paris), "2026-10-25 02:00–03:00 CET");
        let spring = chrono::Utc
            .with_ymd_and_hms(2026, 3, 29, 0, 0, 0)
            .single()
            .expect("instant");
        assert_eq!(one_hour(spring, paris), "2026-03-29 01:00 CET–03:00 CEST");
        // Lord Howe Island: clocks go back half an hour, 02:00 +11:00 to 01:30 +10:30.
        let half_hour_back = chrono::Utc
            .with_ymd_and_hms(2026, 4, 4, 14, 0, 0)
            .single()
            .expect("instant");
        assert_eq!(
            one_hour(half_hour_back, chrono_tz::Australia::Lord_Howe),
            "2026-04-05 01:00–02:00 +11"
        );
        assert_eq!(
            one_hour(at(23), chrono_tz::UTC),
            "2026-10-25 23:00–00:00 UTC"
        );
    }

    #[test]
    fn a_value_the_same_every_time_is_said_once() {
        let totals = FieldTotals {
            count: 2_500,
            mean: 1.0,
            nulls: 3,
            implausible: 0,
            implausible_where: String::new(),
            nulls_where: String::new(),
        };
        let band = |values| {
            Some(HourBand {
                min: 1.0,
                mean: 1.0,
                max: 1.0,
                values,
            })
        };
        let bands = [band(1_000), None, band(1_500)];
        assert_eq!(
            totals.caption("Period", &bands, None),
            "Period: 1 in each of 2,500 values; 3 records without a value."
        );
        let one = FieldTotals { count: 1, ..totals };
        assert_eq!(
            one.caption("Period", &[band(1)], Some("km")),
            "Period: 1 km (1 value); 3 records without a value."
        );
    }
}
