//! The pages of one source: its records counted per hour (per day in a month, or for a source
//! of daily values), then each numeric field (`numeric_page`), the top category values
//! (`category_page`) and, for positioned sources, the map of positions (`map_page`).

mod shadings;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use releve::store::{HourlySummary, chrono_date};
use releve::{Resolution, Source};

use super::added_fields::AddedField;
use super::category_page::{TOP_VALUES, category_chart};
use super::credit::credit_line;
use super::expected_notes::first_collection;
use super::map_page::map_chart;
use super::numeric_page::numeric_chart;
use super::steps_in_words::busiest_and_quietest;
use crate::charts::{self, ChartError, TimeAxis, px};
use crate::completeness::{Completeness, ExpectedFrom};
use crate::format::counted;
use crate::hour_data::holds_data;
use crate::pdf::{BODY, CAPTION, CONTENT_WIDTH, Ink, ReportDocument};
use crate::period::{PeriodKind, ReportPeriod};
use crate::query::SourceData;
use shadings::{
    disabled_note, disabled_stretches, failing_note, shaded_without_run, without_run_note,
};

/// What a record "without a number" in a numeric field holds, as the hourly summaries'
/// `nulls` count it.
pub(super) const NOT_A_NUMBER: &str =
    "absent, null, or text that is not a number, such as a decimal comma";

/// Lays out the section of `source`.
pub fn source_section(
    doc: &mut ReportDocument,
    source: &Source,
    data: &SourceData,
    completeness: &Completeness,
    period: &ReportPeriod,
    generated: chrono::DateTime<chrono::Utc>,
    raw_dir: &std::path::Path,
) -> Result<(), ChartError> {
    let quarantined = completeness.quarantined;
    // Kept with its description and first chart, or with the line that stands for them.
    let description = if source.description.is_empty() {
        0.0
    } else {
        doc.paragraph_height(&source.description, BODY, false)
    };
    let credit = credit_line(source, data, period.tz);
    let description = description + doc.paragraph_height(&credit.text(), CAPTION, false);
    let quarantine = quarantine_note(source, quarantined, raw_dir);
    let quarantine_height = quarantine
        .as_ref()
        .map_or(0.0, |note| doc.paragraph_height(note, BODY, true));
    let failed = failed_note(data);
    let failed_height = failed
        .as_ref()
        .map_or(0.0, |note| doc.paragraph_height(note, BODY, true));
    let above = description + quarantine_height + failed_height;
    // Records none of which holds data are said as no record is: no data in this period.
    let no_data = !data.hourly.iter().any(|h| holds_data(source, h));
    let keep_with = above + if no_data { 15.0 } else { 80.0 };
    let whole = above + estimated_height(source, data, period.kind);
    doc.flowing_section(&source.name, 16.0, keep_with, whole);
    if !source.description.is_empty() {
        doc.paragraph(&source.description, BODY, false, Ink::MUTED);
    }
    doc.paragraph(&credit.text(), CAPTION, false, Ink::MUTED);
    doc.credit_section(&credit);
    let daily = source.resolution == Resolution::Day;
    // Collected from its first run in the period on: hours before it cannot hold a value.
    let collected_from = match completeness.expected_from {
        ExpectedFrom::FirstRun(first) | ExpectedFrom::AfterPeriod(first) => Some(first),
        _ => None,
    };
    // A source of daily values loses no day to a stopped collector: its API serves past days.
    let without_run = if daily {
        Vec::new()
    } else {
        shaded_without_run(completeness)
    };
    let disabled = disabled_stretches(source, completeness, period, generated);
    let axis = TimeAxis::new(period.hours_of(source.resolution), period.tz, period.kind)
        .generated_at(generated)
        .collected_from(collected_from)
        .without_run(
            without_run
                .iter()
                .map(|gap| (gap.stretch.from, gap.stretch.until))
                .collect(),
        )
        .disabled(disabled.iter().map(|s| (s.from, s.until)).collect())
        .failing(
            completeness
                .failing
                .iter()
                .map(|failing| (failing.stretch.from, failing.stretch.until))
                .collect(),
        );
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
    if no_data {
        doc.gap(4.0);
        let steps = match (source.resolution, period.kind) {
            (Resolution::Hour, _) => "these hours",
            (Resolution::Day, PeriodKind::Day) => "this day",
            (Resolution::Day, PeriodKind::Week | PeriodKind::Month) => "these days",
        };
        // A period before the source was first collected is no alarm: said as such; nor is a
        // source disabled and not run in the period (a source retired).
        let retired = !source.enabled
            && completeness.landed == 0
            && completeness.failed == 0
            && !completeness.expected_from.unknown();
        match completeness.expected_from {
            _ if retired => doc.paragraph(
                "No data for this source in this period: it is disabled (`enabled = false`) and was not collected.",
                11.0,
                false,
                Ink::MUTED,
            ),
            ExpectedFrom::AfterPeriod(first) => doc.paragraph(
                &format!(
                    "No data for this source in this period: it ended before the source's {}.",
                    first_collection(source, first, period.tz)
                ),
                11.0,
                false,
                Ink::MUTED,
            ),
            _ if records > 0 => doc.paragraph(
                &match records {
                    1 => format!(
                        "No data for this source in this period: its 1 record of {steps} holds no data."
                    ),
                    n => format!(
                        "No data for this source in this period: its {n} records of {steps} hold no data."
                    ),
                },
                11.0,
                true,
                Ink::ALERT,
            ),
            _ => doc.paragraph(
                &format!(
                    "No data for this source in this period: no record of it was summarised for {steps}."
                ),
                11.0,
                true,
                Ink::ALERT,
            ),
        }
        if let Some(note) = &failed {
            doc.gap(2.0);
            doc.paragraph(note, BODY, true, Ink::ALERT);
        }
        if let Some(note) = &quarantine {
            doc.gap(2.0);
            doc.paragraph(note, BODY, true, Ink::ALERT);
        }
        return Ok(());
    }
    doc.paragraph(
        &records_sentence(source, &axis, &hourly, records, generated),
        BODY,
        false,
        Ink::TEXT,
    );
    // Charts empty before a first collection in the period are no hours collected empty. A
    // first run that landed records of the hours before it (a backfill, a forecast's past
    // days) leaves them drawn: nothing to say then.
    let first_record = hourly
        .iter()
        .zip(axis.hours())
        .find(|(summary, _)| summary.is_some_and(|h| holds_data(source, h)))
        .map(|(_, hour)| *hour);
    if let ExpectedFrom::FirstRun(first) = completeness.expected_from
        && first > period.start()
        && first_record.is_none_or(|hour| hour >= releve::store::hour_of(first))
    {
        let note = format!(
            "Collected from its {}: its charts hold nothing before.",
            first_collection(source, first, period.tz)
        );
        doc.paragraph(&note, BODY, false, Ink::MUTED);
    }
    if let Some(note) = without_run_note(&without_run, period, generated) {
        doc.paragraph(&note, BODY, true, Ink::ALERT);
    }
    if let Some(note) = failing_note(&completeness.failing, period, generated) {
        doc.paragraph(&note, BODY, true, Ink::ALERT);
    }
    let still_disabled = completeness.disabled_after.is_some();
    if let Some(note) = disabled_note(&disabled, still_disabled, period, generated) {
        doc.paragraph(&note, BODY, false, Ink::MUTED);
    }
    if let Some(note) = &quarantine {
        doc.paragraph(note, BODY, true, Ink::ALERT);
    }
    doc.gap(2.0);
    let width = px(CONTENT_WIDTH);
    // A day's count of daily values is the sentence above: a chart of one bar adds nothing.
    if !one_day_of_daily_values(source, period.kind) {
        // An hour whose records hold no value counts none, as the records sentence says.
        let counts: Vec<i64> = hourly
            .iter()
            .map(|h| h.filter(|h| holds_data(source, h)).map_or(0, |h| h.count))
            .collect();
        let in_words = busiest_and_quietest(&axis, &counts);
        doc.chart(
            charts::record_counts(&axis, &counts, (width, px(62.0)))?,
            &in_words.as_deref().into_iter().collect::<Vec<_>>(),
        );
    }
    if let Some(note) = super::pooled_keys::pooled_note(source) {
        doc.paragraph(&note, BODY, false, Ink::MUTED);
    }
    for field in &source.numeric {
        let in_records = !data.fields_not_in_records.contains(field.as_str());
        let added = AddedField::new(source, field.as_str(), "numeric", generated, in_records);
        let highest = data.highest.as_ref().filter(|h| h.field == field.as_str());
        numeric_chart(doc, source, field.as_str(), &hourly, &axis, &added, highest)?;
    }
    for field in &source.categories {
        let in_records = !data.fields_not_in_records.contains(field.as_str());
        let added = AddedField::new(source, field.as_str(), "categories", generated, in_records);
        let in_words = one_day_of_daily_values(source, period.kind);
        category_chart(
            doc,
            source,
            field.as_str(),
            &data.hourly,
            &added,
            &axis,
            in_words,
        )?;
    }
    if let Some(positions) = &data.positions {
        map_chart(doc, source, positions, &data.hourly, records)?;
    }
    Ok(())
}

/// True for a day report of a source of daily values: one value per key, shown as figures.
pub(super) fn one_day_of_daily_values(source: &Source, kind: PeriodKind) -> bool {
    source.resolution == Resolution::Day && kind == PeriodKind::Day
}

/// The section's first sentence: its records, in how many of the period's hours (local days,
/// for a source of daily values) with data, how many of those lie ahead of the time the report
/// was `generated` (a forecast's), and the records of the other hours, which hold no data.
fn records_sentence(
    source: &Source,
    axis: &TimeAxis,
    hourly: &[Option<&HourlySummary>],
    records: i64,
    generated: DateTime<Utc>,
) -> String {
    let with_records = |data: bool| {
        hourly
            .iter()
            .zip(axis.hours())
            .filter(move |(summary, _)| {
                summary.is_some_and(|h| h.count > 0 && holds_data(source, h) == data)
            })
            .map(|(_, hour)| *hour)
    };
    let busy = with_records(true);
    let nulls_only: i64 = hourly
        .iter()
        .flatten()
        .filter(|h| !holds_data(source, h))
        .map(|h| h.count)
        .sum();
    let no_value = |steps: usize, step: &str| match (nulls_only, steps) {
        (0, _) => String::new(),
        (1, 0) => "; 1 more record holds no data".to_owned(),
        (n, 0) => format!("; {} hold no data", counted(n, "more record")),
        (1, _) => format!("; 1 more record holds no data, in 1 other {step}"),
        (n, 1) => format!(
            "; {} hold no data, in 1 other {step}",
            counted(n, "more record")
        ),
        (n, steps) => format!(
            "; {} hold no data, in {steps} other {step}s",
            counted(n, "more record")
        ),
    };
    let all_records = counted(records, "record");
    let records = counted(records - nulls_only, "record");
    let (busy, ahead, of, begun, step, no_value) = match axis.resolution() {
        Resolution::Hour => {
            let busy: Vec<_> = busy.collect();
            let ahead = busy.iter().filter(|hour| axis.is_to_come(**hour)).count();
            let begun = axis
                .hours()
                .iter()
                .filter(|hour| !axis.is_to_come(**hour))
                .count();
            let no_value = no_value(with_records(false).count(), "hour");
            (busy.len(), ahead, axis.len(), begun, "hour", no_value)
        }
        Resolution::Day => {
            let day = |hour: &DateTime<Utc>| axis.day_of(*hour);
            let days: BTreeSet<NaiveDate> = axis.hours().iter().map(day).collect();
            let busy: BTreeSet<NaiveDate> = busy.map(|hour| day(&hour)).collect();
            if days.len() == 1 {
                return if busy.is_empty() && nulls_only > 0 {
                    format!("{all_records} for this day, holding no data.")
                } else {
                    format!("{records} for this day{}.", no_value(0, "day"))
                };
            }
            let others: BTreeSet<NaiveDate> = with_records(false)
                .map(|hour| day(&hour))
                .filter(|d| !busy.contains(d))
                .collect();
            let no_value = no_value(others.len(), "day");
            // The day the report was generated on: an instant, not an hour's figures.
            let today = generated.with_timezone(&axis.tz()).date_naive();
            let ahead = busy.iter().filter(|d| **d > today).count();
            let begun = days.iter().filter(|d| **d <= today).count();
            (busy.len(), ahead, days.len(), begun, "day", no_value)
        }
    };
    // In a period not over, the completeness table counts the begun ones: said here too, so
    // the two counts are not read as contradicting each other.
    let begun = if begun < of {
        format!(
            " ({begun} of the {of} begun when the report was generated; the charts shade the rest)"
        )
    } else {
        String::new()
    };
    let ahead = match ahead {
        0 => String::new(),
        1 => format!("; 1 of these {step}s was still to come when the report was generated"),
        n => format!("; {n} of these {step}s were still to come when the report was generated"),
    };
    format!(
        "{records} in {busy} of {}{begun}{ahead}{no_value}.",
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
fn quarantine_note(source: &Source, quarantined: u64, raw_dir: &std::path::Path) -> Option<String> {
    let quarantine = releve::rawfile::quarantine_dir(raw_dir);
    let quarantine = quarantine.display();
    let folder = raw_dir.join(&source.name);
    let folder = folder.display();
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
            "1 file of {name} {of_period} waits in {quarantine}/: the summariser \
             could not use it, and the records only it holds are not summarised (of a file set \
             aside for one record MongoDB cannot store, only that record). Read the \
             .reason beside it, fix the cause, move the file back into {folder}/ and delete \
             its .reason: the summariser's next run takes it."
        ),
        n => format!(
            "{n} files of {name} {of_period} wait in {quarantine}/: the \
             summariser could not use them, and the records only they hold are not summarised (of \
             a file set aside for one record MongoDB cannot store, only that record). \
             For each, read the .reason beside it, fix the cause, move the file back into \
             {folder}/ and delete its .reason: the summariser's next run takes it."
        ),
    };
    Some(note)
}

/// About how tall the section of `source` is below its title and description, in millimetres:
/// enough to tell whether it fits whole on a page (its charts' heights, a few caption lines
/// each).
fn estimated_height(source: &Source, data: &SourceData, kind: PeriodKind) -> f32 {
    if !data.hourly.iter().any(|h| holds_data(source, h)) {
        return 15.0;
    }
    let one_day = one_day_of_daily_values(source, kind);
    // The chart and its line of busiest and quietest steps.
    let counts = if one_day { 8.0 } else { 8.0 + 64.0 + 5.0 };
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
