//! The completeness and quality section: per source, collections expected versus landed,
//! hours without data, coverage of the announced totals, retries, 429s and failures.

use releve::{Resolution, Source};

use crate::completeness::silence::Silence;
use crate::completeness::{Completeness, Coverage};
use crate::format::{counted, grouped, share_floored};
use crate::pdf::{Column, Ink, ReportDocument, Table};
use crate::period::ReportPeriod;
use crate::report::silences::{OngoingAt, silence_lines};
use crate::report::{Quarantined, expected_notes};

mod alerts;

/// Lays out the section on a new page.
pub fn completeness_section(
    doc: &mut ReportDocument,
    assessed: &[(&Source, Completeness)],
    silences: &[Silence],
    quarantined: &Quarantined,
    period: &ReportPeriod,
    ongoing_at: OngoingAt,
) {
    let tz = period.tz;
    doc.section("Completeness and quality", 14.0, 20.0);
    doc.paragraph(
        "How completely each source was collected in this period, and what went wrong; the \
         columns are explained under the table.",
        8.0,
        false,
        Ink::MUTED,
    );
    doc.gap(2.0);
    let by_day = assessed
        .iter()
        .any(|(source, _)| source.resolution == Resolution::Day);
    // The column of quarantined files only when it says more than the note under the
    // table would: the page has no room for a column of noughts.
    let quarantine_column = match quarantined {
        Quarantined::NotGiven => false,
        Quarantined::Unreadable => true,
        Quarantined::Counted { .. } => assessed.iter().any(|(_, c)| c.quarantined > 0),
    };
    completeness_table(doc, assessed, quarantined, by_day, quarantine_column);
    for (column, meaning) in COLUMNS {
        let column = match column {
            HOURS_WITHOUT_DATA if by_day => "Without data, Records",
            QUARANTINED if !quarantine_column => continue,
            column => column,
        };
        doc.paragraph(&format!("{column}: {meaning}"), 7.5, false, Ink::MUTED);
    }
    doc.gap(2.0);
    expected_notes::utc_days_note(doc, assessed, period);
    expected_notes::expected_from_notes(doc, assessed, tz);
    expected_notes::disabled_notes(doc, assessed, tz);
    waiting_note(doc, assessed);
    let quarantine_note = match quarantined {
        Quarantined::NotGiven => {
            Some("Quarantined files: n/a, the raw folder was not given (--raw-dir).".to_owned())
        }
        Quarantined::Unreadable => {
            Some("Quarantined files: ?, the quarantine could not be read.".to_owned())
        }
        Quarantined::Counted { raw_dir, later, .. } if !quarantine_column => {
            let since = match later.values().sum::<u64>() {
                0 => String::new(),
                n => format!(
                    " ({} landed since {}: `analyser status` names them)",
                    counted(n, "file"),
                    if n == 1 { "does" } else { "do" }
                ),
            };
            Some(format!(
                "Quarantined files: no file of this period waits in {}/{since}.",
                releve::rawfile::quarantine_dir(raw_dir).display()
            ))
        }
        Quarantined::Counted { .. } => None,
    };
    if let Some(note) = &quarantine_note {
        doc.paragraph(note, 8.0, false, Ink::MUTED);
    }
    alerts::alerts(
        doc,
        assessed,
        silences,
        &silence_lines(silences, tz, ongoing_at),
        period,
        ongoing_at,
    );
}

/// The key of the hours-without-data column, headed "Without data" when a source of daily values
/// counts days in it.
const HOURS_WITHOUT_DATA: &str = "Hours without data, Records";

/// The key of the quarantined files' column, shown only with files in quarantine.
const QUARANTINED: &str = "Quarantined";

/// What each column of the table says, one line each under it.
const COLUMNS: [(&str, &str); 6] = [
    (
        "Health",
        "the source's health when the report was generated, except \"none landed\" (collections \
         expected, none landed in the period), \"not started\" (no record, and the period ended \
         before the source's first known collection) and \"not known\" (no record, in a period \
         older than the runs kept, or whose runs MongoDB lost).",
    ),
    (
        "Expected",
        "collections the source's interval calls for in the elapsed part of the period, from \
         its first known collection (its earliest recorded run) when that came later; an interval \
         of whole days counts calendar days, so a daily source is expected once a day across a \
         clock change.",
    ),
    (
        "Landed, Failed, Retries, 429s",
        "the collector's runs in the period: collections that landed a file (a France Travail \
         day collected again lands once), that failed, requests retried, and answers asking it \
         to slow down (HTTP 429).",
    ),
    (
        HOURS_WITHOUT_DATA,
        "from the hourly summaries: hours of the period without a record (days, for a source of \
         daily values, whose cell says so), for a source first collected in the period or after \
         it from its first collection or first record, and distinct records.",
    ),
    (
        "Coverage",
        "the records the period's runs landed against the totals the APIs announced to them (a \
         row a dataset holds twice, served and landed once, counting as landed), summed \
         \"over\" the runs that announced one (a record announced to several runs, such as \
         a snapshot fetched each hour, counts in each, so the total is not the period's \
         records; a France Travail day collected again counts once, at its latest run's \
         total); \"not announced\" for APIs that announce none, \"no run\" without a run, \
         \"none landed\" when every run failed.",
    ),
    (
        QUARANTINED,
        "the source's files landed in the period and waiting in the raw folder's _quarantine/ \
         when the report was generated (a per-day source's: the files of the days it collected \
         in the period; \"n/a\": the analyser was not given the raw folder).",
    ),
];

/// One row per source: collections expected, landed and failed, hours without data, records,
/// coverage, retries, 429s and quarantined files. With a source of daily values among them
/// (`by_day`) the column of time without data is headed "Without data" and each cell names its
/// unit, hours or days.
fn completeness_table(
    doc: &mut ReportDocument,
    assessed: &[(&Source, Completeness)],
    quarantined: &Quarantined,
    by_day: bool,
    quarantine_column: bool,
) {
    let mut columns = vec![
        // What is left of the width goes to the names first: they break at hyphens otherwise.
        Column::names("Source", 6.0),
        Column::text("Health", 0.6),
        Column::number("Expected", 0.3),
        Column::number("Landed", 0.3),
        Column::number("Failed", 0.3),
        Column::number(
            if by_day {
                "Without data"
            } else {
                "Hours without data"
            },
            0.3,
        ),
        Column::number("Records", 0.3),
        Column::number("Coverage", 0.3),
        Column::number("Retries", 0.3),
        Column::number("429s", 0.3),
    ];
    if quarantine_column {
        columns.push(Column::number(QUARANTINED, 0.3));
    }
    let rows = assessed
        .iter()
        .map(|(source, c)| {
            // Figures of runs no longer kept are not known: a dash, not a 0.
            let of_runs = |n: u64| {
                if c.expected_from.unknown() {
                    "–".to_owned()
                } else {
                    grouped(i128::from(n))
                }
            };
            let coverage = match c.coverage_of() {
                Coverage::NotKnown => "–".to_owned(),
                Coverage::NoRun => "no run".to_owned(),
                Coverage::NoneLanded => "none landed".to_owned(),
                Coverage::NotAnnounced => "not announced".to_owned(),
                // Runs told of no record covered all of them.
                Coverage::Of { announced: 0, .. } => "0 of 0".to_owned(),
                // Of several runs, said as a sum over them: a snapshot fetched each hour is
                // announced whole to each.
                Coverage::Of { landed, announced } if c.announcing_runs > 1 => format!(
                    "{} of {} over {} runs",
                    share_floored(landed, announced),
                    grouped(i128::from(announced)),
                    grouped(i128::from(c.announcing_runs))
                ),
                Coverage::Of { landed, announced } => format!(
                    "{} of {}",
                    share_floored(landed, announced),
                    grouped(i128::from(announced))
                ),
            };
            let mut row = vec![
                source.name.clone(),
                c.period_word().to_owned(),
                of_runs(c.expected),
                of_runs(c.landed),
                of_runs(c.failed),
                match source.resolution {
                    // Hours go without their unit, which would wrap the table's numbers:
                    // the key under it says so.
                    Resolution::Hour => format!("{} of {}", c.steps_without_data, c.steps),
                    Resolution::Day => format!(
                        "{} of {}",
                        c.steps_without_data,
                        counted(c.steps as u64, "day")
                    ),
                },
                grouped(c.records),
                coverage,
                of_runs(c.retries),
                of_runs(c.throttled),
            ];
            if quarantine_column {
                row.push(match quarantined {
                    Quarantined::NotGiven => "n/a".to_owned(),
                    Quarantined::Unreadable => "?".to_owned(),
                    Quarantined::Counted { files, .. } => {
                        grouped(files.get(&source.name).copied().unwrap_or(0))
                    }
                });
            }
            row
        })
        .collect();
    doc.table(&Table {
        columns,
        rows,
        size: 7.0,
    });
}

/// The records landed in the period that the summariser has not stored yet: counted as landed
/// and in the coverage, not yet in the records or the charts (a report of today so far, or
/// one written before the summariser's hourly run, would otherwise show full coverage next to
/// no records without a word).
fn waiting_note(doc: &mut ReportDocument, assessed: &[(&Source, Completeness)]) {
    let waiting: Vec<String> = assessed
        .iter()
        .filter(|(_, c)| c.waiting.runs > 0)
        .map(|(source, c)| {
            format!(
                "{}: {} landing {}",
                source.name,
                counted(c.waiting.runs, "run"),
                counted(c.waiting.records, "record")
            )
        })
        .collect();
    if waiting.is_empty() {
        return;
    }
    let note = format!(
        "Not summarised yet: {}, whose files wait in the raw folder for the summariser, which runs hourly. These runs count in Landed and coverage; their records (a record landed by several runs counted in each) are not yet in Records or the charts.",
        waiting.join("; ")
    );
    doc.paragraph(&note, 8.0, false, Ink::MUTED);
}
