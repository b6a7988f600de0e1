//! The report itself: the cover with the health summary, the source catalogue, the pages of
//! each source and the completeness section, laid out on A4 pages from what MongoDB holds.

mod added_fields;
mod begun_and_ahead;
mod category_page;
mod credit;
mod expected_notes;
mod field_totals;
mod highest_said;
mod largest_total;
mod map_page;
mod numeric_page;
mod past_scale;
mod pooled_keys;
mod published_at;
mod quality;
mod short_of_expected;
mod silences;
mod source_pages;
mod steps_in_words;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use releve::Config;

use crate::catalogue::catalogue_table;
use crate::charts::ChartError;
use crate::completeness::silence::Silence;
use crate::completeness::{self, Completeness, ExpectedFrom};
use crate::format::{counted, grouped, last_collection};
use crate::pdf::{BODY, Column, FontError, Ink, ReportDocument, Reserved, Table};
use crate::period::{PeriodKind, ReportPeriod};
use crate::query::SourceData;
use short_of_expected::{Machine, short_of_expected, united};

/// The report could not be laid out.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The bundled font is unreadable.
    #[error(transparent)]
    Font(#[from] FontError),
    /// A chart of a source could not be drawn.
    #[error("source `{source_name}`: {chart}")]
    Chart {
        /// The source.
        source_name: String,
        /// What failed.
        chart: ChartError,
    },
}

/// Everything a report is made from.
pub struct ReportInput<'a> {
    /// The configuration (catalogue, units, intervals).
    pub config: &'a Config,
    /// The period covered.
    pub period: &'a ReportPeriod,
    /// What MongoDB holds, by source name.
    pub data: &'a BTreeMap<String, SourceData>,
    /// Each source's first known collection, by source name; a source missing here counts
    /// from its first run in the period, if any.
    pub first_runs: &'a BTreeMap<String, DateTime<Utc>>,
    /// Where the runs still kept begin, when `runs` has lost older ones to its TTL.
    pub runs_kept_from: Option<DateTime<Utc>>,
    /// Quarantined files of the period by source.
    pub quarantined: &'a Quarantined,
    /// What could not be read (documents of MongoDB, folders of the raw folder given by
    /// `--raw-dir`), and what that leaves out: one line each, shown on the cover.
    pub problems: &'a [String],
    /// The stretches of runs the database lost that the period overlaps (restored from an
    /// older backup), one line each, shown on the cover: a fact of the data, not a failure of
    /// the run.
    pub lost_runs: &'a [String],
    /// The newest run of each source the database held when the report read it, recorded in
    /// the PDF (see [`crate::pdf::newest_runs_read`]).
    pub newest_runs: &'a releve::store::restored::NewestRuns,
    /// Where each source's runs the database lost end, of those overlapping the period.
    pub lost_until: &'a BTreeMap<String, DateTime<Utc>>,
    /// The sources whose credentials are not set where the report is generated (the
    /// collector skips them).
    pub credentials_missing: &'a BTreeSet<String>,
    /// The period's records of sources no longer configured (renamed, or their table
    /// removed), by source name: left out of the report, which says so on its cover.
    pub unconfigured: &'a BTreeMap<String, i64>,
    /// When the report is generated.
    pub generated_at: DateTime<Utc>,
    /// When its data counts as read (no later than `generated_at`: see the analyser's
    /// `report_run`), which the PDF records as its creation date for `--if-missing`.
    pub data_read_at: DateTime<Utc>,
    /// True when it replaces, unasked, a report of its period whose hours were summarised
    /// again since (`--if-missing`): the cover says so.
    pub written_again: bool,
}

/// The quarantined files of the period, by source, as far as the report knows them.
pub enum Quarantined {
    /// The raw folder was not given (`--raw-dir`).
    NotGiven,
    /// The quarantine folder could not be read.
    Unreadable,
    /// Counted, by source (a source with none is missing), in the raw folder given.
    Counted {
        raw_dir: std::path::PathBuf,
        files: BTreeMap<String, u64>,
        /// Files landed after the period, by source: the health the cover gives now counts
        /// them.
        later: BTreeMap<String, u64>,
    },
}

impl Quarantined {
    /// The files of `source` landed after the period, 0 when they could not be counted.
    fn later_of(&self, source: &str) -> u64 {
        match self {
            Quarantined::Counted { later, .. } => later.get(source).copied().unwrap_or(0),
            Quarantined::NotGiven | Quarantined::Unreadable => 0,
        }
    }

    /// The files of `source` counted, 0 when they could not be.
    fn of(&self, source: &str) -> u64 {
        match self {
            Quarantined::Counted { files, .. } => files.get(source).copied().unwrap_or(0),
            Quarantined::NotGiven | Quarantined::Unreadable => 0,
        }
    }

    /// The raw folder the quarantine was counted in, as the lines about it name it: `raw` when
    /// it was not.
    fn raw_dir(&self) -> &std::path::Path {
        match self {
            Quarantined::Counted { raw_dir, .. } => raw_dir,
            Quarantined::NotGiven | Quarantined::Unreadable => std::path::Path::new("raw"),
        }
    }
}

/// Lays out the whole report and returns the PDF bytes.
pub fn render(input: &ReportInput<'_>) -> Result<Vec<u8>, RenderError> {
    let period = input.period;
    let title = format!("relevé report: {}", period.label());
    let mut doc = ReportDocument::new(&title, input.data_read_at)?;
    if !input.config.refused.is_empty() {
        doc.mark_left_out();
    }
    doc.mark_newest_runs(input.newest_runs);
    let empty = SourceData::default();
    let assessed: Vec<(&releve::Source, Completeness)> = input
        .config
        .sources
        .iter()
        .map(|source| {
            let data = input.data.get(&source.name).unwrap_or(&empty);
            let first_run = input
                .first_runs
                .get(&source.name)
                .copied()
                .into_iter()
                .chain(data.runs.first().map(|run| run.started))
                .min();
            let known = completeness::Known {
                first_run,
                credentials_missing: input.credentials_missing.contains(&source.name),
                runs_kept_from: input.runs_kept_from,
                quarantined: input.quarantined.of(&source.name),
                quarantined_since: input.quarantined.later_of(&source.name),
                lost_until: input.lost_until.get(&source.name).copied(),
            };
            // Of a source whose runs MongoDB lost up to a time in the period, the runs are
            // counted from then, as its expected collections are: those kept before the
            // stretch would be weighed against none expected.
            let kept;
            let data = match known.lost_until {
                Some(until) if period.start() <= until => {
                    kept = SourceData {
                        runs: data
                            .runs
                            .iter()
                            .filter(|run| run.started > until)
                            .cloned()
                            .collect(),
                        ..data.clone()
                    };
                    &kept
                }
                _ => data,
            };
            (
                source,
                completeness::assess(source, data, known, period, input.generated_at),
            )
        })
        .collect();
    let silences = completeness::silence::silences(
        assessed.iter().map(|(source, c)| {
            let data = input.data.get(&source.name).unwrap_or(&empty);
            (*source, data, c)
        }),
        period,
        input.generated_at.min(period.end()),
    );
    doc.bookmark("Cover");
    let contents = cover(&mut doc, input, &assessed, &silences);
    doc.section("Source catalogue", 14.0, 20.0);
    let catalogue = doc.page_number();
    doc.table(&catalogue_table(input.config));
    let mut first_section = None;
    for (source, c) in &assessed {
        let data = input.data.get(&source.name).unwrap_or(&empty);
        let section = source_pages::source_section(
            &mut doc,
            source,
            data,
            c,
            period,
            input.generated_at,
            input.quarantined.raw_dir(),
        );
        section.map_err(|chart| RenderError::Chart {
            source_name: source.name.clone(),
            chart,
        })?;
        if first_section.is_none() {
            first_section = doc.last_marked_page();
        }
    }
    let quality = doc.page_number() + 1;
    quality::completeness_section(
        &mut doc,
        &assessed,
        &silences,
        input.quarantined,
        period,
        ongoing_at(input),
    );
    if let Some(contents) = contents {
        let quality = doc.last_marked_page().unwrap_or(quality);
        // The completeness section starts a page: the sources' run up to the one before it.
        let pages = ContentsPages {
            catalogue,
            sections: first_section.map(|first| (first, quality.saturating_sub(1).max(first))),
            quality,
        };
        doc.fill(contents, &pages.line());
    }
    Ok(doc.finish(&title))
}

/// The pages the cover's contents name, numbered from 1.
struct ContentsPages {
    catalogue: usize,
    /// The pages the sources' sections run over, when there is one.
    sections: Option<(usize, usize)>,
    quality: usize,
}

impl ContentsPages {
    /// Pages as far as a report goes: the widest the line can be.
    const WIDEST: ContentsPages = ContentsPages {
        catalogue: 9999,
        sections: Some((9999, 9999)),
        quality: 9999,
    };

    /// The cover's contents line.
    fn line(&self) -> String {
        let sections = match self.sections {
            Some((first, last)) if first == last => format!(", page {first}"),
            Some((first, last)) => format!(", pages {first} to {last}"),
            None => String::new(),
        };
        format!(
            "Contents: source catalogue, page {}; one section per source{sections} (records over \
             time, numeric fields, categories, positions); completeness and quality, page {}. \
             Each is a bookmark of this PDF (the viewer's side panel).",
            self.catalogue, self.quality
        )
    }
}

/// The cover, and the room kept on it for its contents line (see [`ContentsPages`]).
fn cover(
    doc: &mut ReportDocument,
    input: &ReportInput<'_>,
    assessed: &[(&releve::Source, Completeness)],
    silences: &[Silence],
) -> Option<Reserved> {
    cover_title(doc, input);
    doc.gap(10.0);
    doc.rule();
    cover_health(doc, input, assessed, silences);
    doc.gap(2.0);
    // Left out rather than carried alone onto a page of its own by a long health block; its
    // page numbers are written once the sections are laid out.
    doc.reserve(&ContentsPages::WIDEST.line(), BODY, Ink::MUTED)
}

/// The cover's title block: the report's period and when it was generated.
fn cover_title(doc: &mut ReportDocument, input: &ReportInput<'_>) {
    let period = input.period;
    doc.gap(40.0);
    doc.paragraph("relevé", 30.0, true, Ink::TITLE);
    doc.gap(2.0);
    doc.paragraph("Open-data collection report", 16.0, false, Ink::TEXT);
    doc.gap(12.0);
    let (name, days) = period.title();
    doc.paragraph(&name, 20.0, true, Ink::TEXT);
    if let Some(days) = days {
        doc.paragraph(&days, 16.0, false, Ink::TEXT);
    }
    doc.gap(2.0);
    doc.paragraph(
        &format!("Period: {}", period.bounds_label()),
        BODY,
        false,
        Ink::MUTED,
    );
    if let Some(hours) = period.hours_label() {
        doc.paragraph(&hours, BODY, false, Ink::MUTED);
    }
    let generated = input.generated_at.with_timezone(&period.tz);
    doc.paragraph(
        &format!(
            "{}{}",
            period.naming_zone(format!(
                "Generated {}",
                generated.format("%Y-%m-%d %H:%M:%S %Z")
            )),
            if input.written_again {
                ", replacing the report written before: hours of the period were summarised since"
            } else {
                ""
            }
        ),
        BODY,
        false,
        Ink::MUTED,
    );
    if input.generated_at < period.end() {
        doc.paragraph(
            "This period was not over when the report was generated: it shows what MongoDB \
             held then, and collections are expected up to that time only.",
            BODY,
            true,
            Ink::ALERT,
        );
    }
}

/// The cover's health block: one line on the whole, the problems, the records and a table of
/// the sources' health.
fn cover_health(
    doc: &mut ReportDocument,
    input: &ReportInput<'_>,
    assessed: &[(&releve::Source, Completeness)],
    silences: &[Silence],
) {
    let pairs: Vec<(&releve::Source, &Completeness)> =
        assessed.iter().map(|(s, c)| (*s, c)).collect();
    let healthy = !assessed.iter().any(|(_, c)| c.needs_attention())
        && input.config.refused.is_empty()
        && input.problems.is_empty()
        && input.lost_runs.is_empty();
    let ink = if healthy { Ink::TEXT } else { Ink::ALERT };
    doc.paragraph(&completeness::health_line(&pairs), 12.0, true, ink);
    refused_sources(doc, &input.config.refused);
    for problem in input.problems.iter().chain(input.lost_runs) {
        doc.paragraph(&as_sentence(problem), BODY, true, Ink::ALERT);
    }
    let records: i64 = assessed.iter().map(|(_, c)| c.records).sum();
    let with_data = assessed.iter().filter(|(_, c)| c.records > 0).count();
    let summary = if records == 0 {
        match first_collection_after(assessed) {
            Some((source, first)) => format!(
                "No data in this period: it ended before relevé's {}.",
                expected_notes::first_collection(source, first, input.period.tz)
            ),
            None => "No data in this period: no source has records between these dates.".to_owned(),
        }
    } else {
        format!(
            "{} from {with_data} of {} in the period.",
            counted(records, "record"),
            counted(assessed.len() as u64, "source")
        )
    };
    doc.paragraph(&summary, 11.0, false, Ink::TEXT);
    if let Some(note) = mostly_waiting(assessed) {
        doc.paragraph(&note, BODY, true, Ink::ALERT);
    }
    if let Some(note) = silences::cover_line(silences, input.period.tz, ongoing_at(input)) {
        doc.paragraph(&note, BODY, true, Ink::ALERT);
    }
    let empty = SourceData::default();
    let together = completeness::failing::together(assessed.iter().map(|(source, c)| {
        let data = input.data.get(&source.name).unwrap_or(&empty);
        (*source, data, c)
    }));
    if let Some(note) =
        silences::failing_together_line(&together, input.period.tz, ongoing_at(input))
    {
        doc.paragraph(&note, BODY, true, Ink::ALERT);
    }
    // The collections due while every source failed at once are the network's too: from
    // the first failed one (a silence's start is a run that was made).
    let machines = united(
        silences
            .iter()
            .map(|&stretch| Machine::after_a_run(stretch))
            .chain(
                together
                    .iter()
                    .map(|&stretch| Machine::from_a_failure(stretch)),
            ),
    );
    if let Some(note) = short_of_expected(assessed, &machines, input.period) {
        doc.paragraph(&note, BODY, true, Ink::ALERT);
    }
    if let Some(note) = unconfigured_note(input.unconfigured) {
        doc.paragraph(&note, BODY, false, Ink::MUTED);
    }
    doc.gap(4.0);
    doc.table(&health_table(input, assessed));
}

/// When the period ended before relevé's first collection, the source that made it and when:
/// the period is empty for that reason alone. Sources never run (no credentials here, or not
/// run yet) are left out; a source collecting by day, whose first collection is dated by its
/// first day's midnight, gives it only when no other one does.
fn first_collection_after<'a>(
    assessed: &[(&'a releve::Source, Completeness)],
) -> Option<(&'a releve::Source, DateTime<Utc>)> {
    let firsts = assessed
        .iter()
        .filter(|(_, c)| {
            !matches!(
                c.health,
                completeness::Health::Skipped | completeness::Health::Never
            )
        })
        .map(|(source, c)| match c.expected_from {
            ExpectedFrom::AfterPeriod(first) => Some((*source, first)),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let earliest = |by_day: bool| {
        firsts
            .iter()
            .filter(|(source, _)| source.collects_by_day() == by_day)
            .min_by_key(|(_, first)| *first)
            .copied()
    };
    earliest(false).or_else(|| earliest(true))
}

/// When the report was generated, if the period was not over then: a stretch without runs
/// ending then ran on.
fn ongoing_at(input: &ReportInput<'_>) -> silences::OngoingAt {
    (input.generated_at < input.period.end()).then_some(input.generated_at)
}

/// What the cover says of the sources most of whose collections of the period wait in `raw/`
/// for the summariser, with records: a report written by hand just after a collection (France
/// Travail's day, landed at 08:00 on a laptop just woken) would otherwise read `OK` beside a
/// few records. (Counted by runs: a snapshot feed's waiting runs land its records again.)
fn mostly_waiting(assessed: &[(&releve::Source, Completeness)]) -> Option<String> {
    let waiting: Vec<String> = assessed
        .iter()
        .filter(|(_, c)| c.waiting.records > 0 && c.waiting.runs * 2 > c.landed_runs)
        .map(|(source, c)| {
            format!(
                "{} ({} of {}, landing {})",
                source.name,
                c.waiting.runs,
                c.landed_runs,
                counted(c.waiting.records, "record")
            )
        })
        .collect();
    if waiting.is_empty() {
        return None;
    }
    Some(format!(
        "Most collections of {} in this period wait in the raw folder for the summariser: their records are not in this report's records or charts; run `summariser`, then this report again.",
        waiting.join(", ")
    ))
}

/// What the cover says of the period's records that MongoDB holds of sources no longer in the
/// configuration, which the report leaves out.
fn unconfigured_note(unconfigured: &BTreeMap<String, i64>) -> Option<String> {
    if unconfigured.is_empty() {
        return None;
    }
    let records: i64 = unconfigured.values().sum();
    let sources: Vec<String> = unconfigured
        .iter()
        .map(|(name, count)| format!("{name} ({})", grouped(*count)))
        .collect();
    Some(format!(
        "Left out of this report: MongoDB holds {} of this period from {} no longer in the configuration, {}: a source renamed keeps its history under its old name; keep a table with `enabled = false` to report it.",
        counted(records, "record"),
        counted(sources.len() as u64, "source"),
        sources.join(", ")
    ))
}

/// A line of the log as a sentence of the cover: a capital first, a full stop last.
fn as_sentence(line: &str) -> String {
    let mut chars = line.chars();
    let first = chars.next().map(char::to_uppercase);
    format!(
        "{}{}.",
        first.into_iter().flatten().collect::<String>(),
        chars.as_str()
    )
}

/// The `[[source]]` tables the configuration refused, which the report leaves out.
fn refused_sources(doc: &mut ReportDocument, refused: &[releve::RefusedSource]) {
    if refused.is_empty() {
        return;
    }
    doc.paragraph(
        &format!(
            "Left out of this report: the configuration refused {}, not collected while so. \
             Nothing collected before is lost (it is in MongoDB or waits in the raw folder): once fixed, \
             their files are summarised, and the next report job (`--if-missing`), or `analyser --date`, \
             writes this report again with them.",
            counted(refused.len() as u64, "source table")
        ),
        BODY,
        true,
        Ink::ALERT,
    );
    for source in refused {
        doc.paragraph(&source.to_string(), BODY, true, Ink::ALERT);
    }
    doc.gap(3.0);
}

/// The cover's column of the period before's records.
fn before_title(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Day => "Day before",
        PeriodKind::Week => "Week before",
        PeriodKind::Month => "Month before",
    }
}

/// One row per source for the cover: health, records in the period and the one before, and
/// last successful collection.
fn health_table(input: &ReportInput<'_>, assessed: &[(&releve::Source, Completeness)]) -> Table {
    let period_before = input.period.before();
    // Runs expired past the start of the period before: whether the source collected then is
    // not known.
    let runs_lost = input
        .runs_kept_from
        .is_some_and(|kept| kept > period_before.start());
    let columns = vec![
        Column::text("Source", 2.8),
        Column::text("Health now", 2.4),
        Column::number("Records in period", 0.45),
        Column::number(before_title(input.period.kind), 0.45),
        Column::number("Last successful collection", 0.4),
    ];
    let rows = assessed
        .iter()
        .map(|(source, c)| {
            let data = input.data.get(&source.name);
            let last_success = data.and_then(|d| d.last_success);
            let records_before = data.map_or(0, |d| d.records_before);
            // Nothing was collected then: no figure to compare with.
            let collected_before = runs_lost
                || input
                    .first_runs
                    .get(&source.name)
                    .is_some_and(|first| *first < period_before.end());
            let before = if records_before == 0 && !collected_before {
                "–".to_owned()
            } else {
                grouped(records_before)
            };
            vec![
                source.name.clone(),
                c.cover_word(),
                grouped(c.records),
                before,
                last_collection(last_success, input.period.tz),
            ]
        })
        .collect();
    Table {
        columns,
        rows,
        size: 9.0,
    }
}
