//! The pages of one source: record counts and each numeric field's mean within its min–max
//! band, per hour (per day in a month, or for a source of daily values), the top category
//! values and, for positioned sources, the map of positions.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use releve::store::{HourlySummary, chrono_date};
use releve::{Resolution, Source};

use super::added_fields::AddedField;
use super::category_page::{TOP_VALUES, category_chart};
use super::field_totals::FieldTotals;
use super::map_page::map_chart;
use super::past_scale::{past_scale, spikes_said, totals_past_scale};
use crate::charts::{self, ChartError, HourBand, TimeAxis, ValueScale, px};
use crate::format::{counted, local_time};
use crate::naming::{name_of, unit_of, with_unit};
use crate::pdf::{BODY, CONTENT_WIDTH, Ink, ReportDocument};
use crate::period::{PeriodKind, ReportPeriod};
use crate::query::SourceData;

/// What a record "without a number" in a numeric field holds, as the hourly summaries'
/// `nulls` count it.
pub(super) const NOT_A_NUMBER: &str =
    "absent, null, or text that is not a number, such as a decimal comma";

/// Lays out the section of `source`.
pub fn source_section(
    doc: &mut ReportDocument,
    source: &Source,
    data: &SourceData,
    quarantined: u64,
    period: &ReportPeriod,
    generated: chrono::DateTime<chrono::Utc>,
) -> Result<(), ChartError> {
    // Kept with its description and first chart, or with the line that stands for them.
    let description = if source.description.is_empty() {
        0.0
    } else {
        doc.paragraph_height(&source.description, BODY, false)
    };
    let quarantine = quarantine_note(source, quarantined);
    let quarantine_height = quarantine
        .as_ref()
        .map_or(0.0, |note| doc.paragraph_height(note, BODY, true));
    let failed = failed_note(data);
    let failed_height = failed
        .as_ref()
        .map_or(0.0, |note| doc.paragraph_height(note, BODY, false));
    let above = description + quarantine_height + failed_height;
    let keep_with = above + if data.records() == 0 { 15.0 } else { 75.0 };
    let whole = above + estimated_height(source, data, period.kind);
    doc.flowing_section(&source.name, 16.0, keep_with, whole);
    if !source.description.is_empty() {
        doc.paragraph(&source.description, BODY, false, Ink::MUTED);
    }
    let daily = source.resolution == Resolution::Day;
    let axis = TimeAxis::new(period.hours_of(source.resolution), period.tz, period.kind);
    let axis = if daily { axis.per_day() } else { axis };
    let by_hour: HashMap<i64, &HourlySummary> = data
        .hourly
        .iter()
        .map(|h| (chrono_date(h.hour).timestamp(), h))
        .collect();
    let hourly: Vec<Option<&HourlySummary>> = axis
        .hours()
        .iter()
        .map(|hour| by_hour.get(&hour.timestamp()).copied())
        .collect();
    let records = data.records();
    if records == 0 {
        doc.gap(4.0);
        let steps = match (source.resolution, period.kind) {
            (Resolution::Hour, _) => "these hours",
            (Resolution::Day, PeriodKind::Day) => "this day",
            (Resolution::Day, PeriodKind::Week | PeriodKind::Month) => "these days",
        };
        doc.paragraph(
            &format!(
                "No data for this source in this period: no record of it was summarised for {steps}."
            ),
            11.0,
            true,
            Ink::ALERT,
        );
        if let Some(note) = &failed {
            doc.gap(2.0);
            doc.paragraph(note, BODY, false, Ink::ALERT);
        }
        if let Some(note) = &quarantine {
            doc.gap(2.0);
            doc.paragraph(note, BODY, true, Ink::ALERT);
        }
        return Ok(());
    }
    doc.paragraph(
        &records_sentence(&axis, &hourly, records, source.resolution, generated),
        BODY,
        false,
        Ink::TEXT,
    );
    if let Some(note) = &quarantine {
        doc.paragraph(note, BODY, true, Ink::ALERT);
    }
    doc.gap(2.0);
    let width = px(CONTENT_WIDTH);
    // A day's count of daily values is the sentence above: a chart of one bar adds nothing.
    if !one_day_of_daily_values(source, period.kind) {
        let counts: Vec<i64> = hourly.iter().map(|h| h.map_or(0, |h| h.count)).collect();
        doc.chart(
            charts::record_counts(&axis, &counts, (width, px(62.0)))?,
            &[],
        );
    }
    for field in &source.numeric {
        let added = AddedField::new(source, field.as_str(), "numeric", generated);
        numeric_chart(doc, source, field.as_str(), &hourly, &axis, &added)?;
    }
    for field in &source.categories {
        let added = AddedField::new(source, field.as_str(), "categories", generated);
        let in_words = one_day_of_daily_values(source, period.kind);
        category_chart(doc, source, field.as_str(), &data.hourly, &added, in_words)?;
    }
    if let Some(positions) = &data.positions {
        map_chart(doc, source, positions, &data.hourly, records)?;
    }
    Ok(())
}

/// True for a day report of a source of daily values: one value per key, shown as figures.
fn one_day_of_daily_values(source: &Source, kind: PeriodKind) -> bool {
    source.resolution == Resolution::Day && kind == PeriodKind::Day
}

/// The section's first sentence: its records, in how many of the period's hours (local days,
/// for a source of daily values), and how many of those lie ahead of the time the report was
/// `generated` (a forecast's).
fn records_sentence(
    axis: &TimeAxis,
    hourly: &[Option<&HourlySummary>],
    records: i64,
    resolution: Resolution,
    generated: DateTime<Utc>,
) -> String {
    let busy = hourly
        .iter()
        .zip(axis.hours())
        .filter(|(summary, _)| summary.is_some_and(|h| h.count > 0))
        .map(|(_, hour)| *hour);
    let records = counted(records, "record");
    let (busy, ahead, of, step) = match resolution {
        Resolution::Hour => {
            let busy: Vec<_> = busy.collect();
            let ahead = busy.iter().filter(|hour| **hour >= generated).count();
            (busy.len(), ahead, axis.len(), "hour")
        }
        Resolution::Day => {
            let day = |hour: &DateTime<Utc>| axis.day_of(*hour);
            let days: BTreeSet<NaiveDate> = axis.hours().iter().map(day).collect();
            if days.len() == 1 {
                return format!("{records} for this day.");
            }
            let busy: BTreeSet<NaiveDate> = busy.map(|hour| day(&hour)).collect();
            // The day the report was generated on: an instant, not an hour's figures.
            let today = generated.with_timezone(&axis.tz()).date_naive();
            let ahead = busy.iter().filter(|d| **d > today).count();
            (busy.len(), ahead, days.len(), "day")
        }
    };
    let ahead = match ahead {
        0 => String::new(),
        1 => format!("; 1 of these {step}s was still to come when the report was generated"),
        n => format!("; {n} of these {step}s were still to come when the report was generated"),
    };
    format!(
        "{records} in {busy} of {}{ahead}.",
        counted(of as u64, step)
    )
}

/// The sentence under "No data" of a source whose every collection of the period failed,
/// with the latest failure: why there is no data, where a reader of its section looks.
fn failed_note(data: &SourceData) -> Option<String> {
    if data.records() > 0 || data.runs.is_empty() || data.runs.iter().any(|run| run.error.is_none())
    {
        return None;
    }
    let latest = data
        .runs
        .iter()
        .max_by_key(|run| run.started)
        .and_then(|run| run.error.as_deref())
        .map(str::trim)
        .unwrap_or_default();
    let latest = match latest.trim_end_matches('.') {
        "" => "(no message recorded)",
        latest => latest,
    };
    Some(match data.runs.len() {
        1 => format!("Its one collection of this period failed: {latest}."),
        n => format!(
            "All {} of this period failed; the latest: {latest}.",
            counted(n as u64, "collection")
        ),
    })
}

/// The sentence on the source's files of the period that wait in `raw/_quarantine/`:
/// the records only they hold are not summarised until each is fixed and moved back.
fn quarantine_note(source: &Source, quarantined: u64) -> Option<String> {
    let name = &source.name;
    // A per-day source's files land the day after the day they collect.
    let of_period = if source.collects_by_day() {
        "of a day of this period"
    } else {
        "landed in this period"
    };
    let note = match quarantined {
        0 => return None,
        1 => format!(
            "1 file of {name} {of_period} waits in raw/_quarantine/: the summariser \
             could not use it, and the records only it holds are not summarised (of a file set \
             aside for one record MongoDB cannot store, only that record). Read the \
             .reason beside it, fix the cause, move the file back into raw/{name}/ and delete \
             its .reason: the summariser's next run takes it."
        ),
        n => format!(
            "{n} files of {name} {of_period} wait in raw/_quarantine/: the \
             summariser could not use them, and the records only they hold are not summarised (of \
             a file set aside for one record MongoDB cannot store, only that record). \
             For each, read the .reason beside it, fix the cause, move the file back into \
             raw/{name}/ and delete its .reason: the summariser's next run takes it."
        ),
    };
    Some(note)
}

fn numeric_chart(
    doc: &mut ReportDocument,
    source: &Source,
    field: &str,
    hourly: &[Option<&HourlySummary>],
    axis: &TimeAxis,
    added: &AddedField<'_>,
) -> Result<(), ChartError> {
    let unit = unit_of(source, field);
    let step = charts::numeric_step(axis);
    let named = with_unit(source, field);
    let one_day = one_day_of_daily_values(source, axis.kind());
    // A day of daily values is said in words, under the field's name: no chart to title.
    let title = if one_day {
        named.clone()
    } else {
        format!("{named}: {step} mean and min–max range")
    };
    let stats: Vec<_> = hourly
        .iter()
        .map(|h| h.and_then(|h| h.numeric.iter().find(|n| n.field == field)))
        .collect();
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
    let totals = FieldTotals::of(&stats);
    if totals.count == 0 {
        doc.heading(&title, 10.0, 8.0);
        doc.paragraph(
            &totals.no_value(name_of(source, field)),
            BODY,
            false,
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
            doc.paragraph(&totals.total_caption(&sums, unit), BODY, false, Ink::TEXT);
            say_partly(doc, partly.as_deref());
            return Ok(());
        }
        let steps = charts::total_steps(axis, &sums, &charts::hours_with_codes(&bands));
        let scale = charts::totals_scale(&steps);
        let chart = charts::totals(axis, &sums, scale, &named, y_title, size)?;
        let caption = totals.total_caption(&sums, unit);
        let past = totals_past_scale(source, added, field, &steps, axis, scale);
        let captions: Vec<&str> = std::iter::once(caption.as_str())
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
        say_partly(doc, partly.as_deref());
        return Ok(());
    }
    let Some(scale) = ValueScale::of(&bands) else {
        // Counted values, none of them finite: nothing a chart can draw.
        doc.heading(&named, 10.0, 8.0);
        doc.paragraph(
            &totals.caption("Period", &bands, unit),
            BODY,
            false,
            Ink::TEXT,
        );
        say_partly(doc, partly.as_deref());
        return Ok(());
    };
    let chart = charts::numeric_band(axis, &bands, scale, &title, y_title, size)?;
    let caption = totals.caption("Period", &bands, unit);
    let past = past_scale(source, added, field, &bands, axis, scale);
    let spikes = spikes_said(
        source,
        added,
        field,
        &charts::spikes(&bands, scale),
        axis,
        scale,
    );
    let captions: Vec<&str> = std::iter::once(caption.as_str())
        .chain(past.as_deref())
        .chain(spikes.as_deref())
        .chain(partly.as_deref())
        .collect();
    doc.chart(chart, &captions);
    Ok(())
}

/// What a numeric chart's only values are said to cover when they fall in one hour (one day,
/// for a source of daily values): `Values in one hour only, 2026-10-25 02:00–03:00`; `None`
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
        Resolution::Hour => filled
            .next()
            .is_none()
            .then(|| format!("Values in one hour only, {}", one_hour(first, axis.tz()))),
        Resolution::Day => {
            let day = |hour: DateTime<Utc>| axis.day_of(hour);
            filled
                .all(|hour| day(hour) == day(first))
                .then(|| format!("Values on one day only, {}", day(first).format("%Y-%m-%d")))
        }
    }
}

/// About how tall the section of `source` is below its title and description, in millimetres:
/// enough to tell whether it fits whole on a page (its charts' heights, a few caption lines
/// each).
fn estimated_height(source: &Source, data: &SourceData, kind: PeriodKind) -> f32 {
    if data.records() == 0 {
        return 15.0;
    }
    let one_day = one_day_of_daily_values(source, kind);
    let counts = if one_day { 8.0 } else { 8.0 + 64.0 };
    // A field with values in one hour or none is a line, not a chart.
    let numeric: f32 = source
        .numeric
        .iter()
        .map(|field| {
            let hours = data
                .hourly
                .iter()
                .filter(|h| {
                    h.numeric
                        .iter()
                        .any(|n| n.field == field.as_str() && n.count > 0)
                })
                .count();
            let totals = source.totals.iter().any(|total| total == field);
            if !one_day && (hours > 1 || totals) {
                58.0 + 14.0
            } else {
                14.0
            }
        })
        .sum();
    let categories: f32 = source
        .categories
        .iter()
        .map(|field| {
            let values: std::collections::BTreeSet<&str> = data
                .hourly
                .iter()
                .flat_map(|h| h.categories.iter().filter(|c| c.field == field.as_str()))
                .flat_map(|c| c.values.iter().map(|v| v.value.as_str()))
                .collect();
            if one_day && values.len() <= TOP_VALUES {
                14.0
            } else {
                20.0 + 6.5 * values.len().min(TOP_VALUES) as f32 + 12.0
            }
        })
        .sum();
    let map = if data.positions.is_some() {
        105.0 + 20.0
    } else {
        0.0
    };
    counts + numeric + categories + map
}

/// What the figures standing for a chart leave out, if anything, under them.
pub(super) fn say_partly(doc: &mut ReportDocument, partly: Option<&str>) {
    if let Some(partly) = partly {
        doc.paragraph(partly, BODY, false, Ink::MUTED);
    }
}

/// A chart's captions: `caption`, then what its figures leave out, if anything.
pub(super) fn with_partly<'a>(caption: &'a str, partly: Option<&'a str>) -> Vec<&'a str> {
    std::iter::once(caption).chain(partly).collect()
}

/// The hour starting at `hour` in `tz`, `2026-10-25 02:00–03:00`: its end is read at its
/// start's offset, so an hour where clocks change still reads as one hour.
pub(super) fn one_hour(hour: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    let end = hour.with_timezone(&tz).fixed_offset() + chrono::TimeDelta::hours(1);
    format!("{}–{}", local_time(hour, tz), end.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::{FieldTotals, HourBand, one_hour};

    #[test]
    fn an_hour_where_clocks_change_still_reads_as_one_hour() {
        use chrono::TimeZone as _;
        let paris = chrono_tz::Europe::Paris;
        let at = |h| {
            chrono::Utc
                .with_ymd_and_hms(2026, 10, 25, h, 0, 0)
                .single()
                .expect("instant")
        };
        // 00:00Z is 02:00 summer time, 01:00Z 02:00 winter time.
        assert_eq!(one_hour(at(0), paris), "2026-10-25 02:00–03:00");
        assert_eq!(one_hour(at(1), paris), "2026-10-25 02:00–03:00");
        assert_eq!(one_hour(at(23), chrono_tz::UTC), "2026-10-25 23:00–00:00");
    }

    #[test]
    fn a_value_the_same_every_time_is_said_once() {
        let totals = FieldTotals {
            count: 2_500,
            mean: 1.0,
            nulls: 3,
            implausible: 0,
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
