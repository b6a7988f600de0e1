//! The completeness and quality section: per source, collections expected versus landed,
//! hours without data, coverage of the announced totals, retries, 429s and failures.

use releve::{Resolution, Source};

use crate::completeness::silence::Silence;
use crate::completeness::{Completeness, Coverage, ExpectedFrom, PausedInto};
use crate::format::{counted, grouped, local_time, share_floored};
use crate::pdf::{BODY, Column, Ink, ReportDocument, Table};
use crate::period::ReportPeriod;
use crate::report::short_of_expected::due_while_no_source_ran;
use crate::report::silences::{OngoingAt, after_words, silence_lines, stretch_words};
use crate::report::{Quarantined, expected_notes};

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
    alerts(
        doc,
        assessed,
        silences,
        &silence_lines(silences, tz, ongoing_at),
        period,
        ongoing_at,
    );
}

/// Whether a source's stretch without a run is the machine's: it overlaps the `stretches` no
/// source ran in (said above it: a laptop asleep, a machine off), and what is left of it
/// outside them is shorter than two and a half of the source's intervals, no stretch of its
/// own. Each end alone within that slack is not enough: a source stopped for hours on both
/// sides of a short sleep was hidden by it.
fn within_no_run_of_any(gap: &Silence, stretches: &[Silence], source: &Source) -> bool {
    let secs = i64::try_from(source.every.duration().as_secs().min(400 * 86_400)).unwrap_or(0);
    let slack = chrono::Duration::seconds(secs.saturating_mul(5) / 2);
    let asleep = stretches
        .iter()
        .map(|silence| gap.until.min(silence.until) - gap.from.max(silence.from))
        .filter(|overlap| *overlap > chrono::Duration::zero())
        .fold(chrono::Duration::zero(), |sum, overlap| sum + overlap);
    asleep > chrono::Duration::zero() && gap.until - gap.from - asleep < slack
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

/// The notes and alerts under the table: an unknown quarantine, each source's latest failure,
/// shortfall and records the summariser dropped.
fn alerts(
    doc: &mut ReportDocument,
    assessed: &[(&Source, Completeness)],
    stretches: &[Silence],
    silences: &[String],
    period: &ReportPeriod,
    ongoing_at: OngoingAt,
) {
    let tz = period.tz;
    // In red and bold when the source is failing or late now, or landed nothing in the period;
    // a source that failed now and then and collects well reads in grey, so it does not bury
    // one that stopped.
    let failures: Vec<(String, Ink)> = assessed
        .iter()
        .filter_map(|(source, c)| {
            let ink = if c.health.alerts() || c.landed == 0 {
                Ink::ALERT
            } else {
                Ink::MUTED
            };
            c.last_error.as_ref().map(|e| {
                let e = match e.trim() {
                    "" => "(no message recorded)",
                    e => e,
                };
                let line = format!(
                    "{}: {} of {} failed; latest failure: {e}",
                    source.name,
                    counted(c.failed, "collection"),
                    grouped(i128::from(c.failed + c.landed_runs))
                );
                (line, ink)
            })
        })
        .collect();
    // A source with failures and stretches without a run no failure accounts for (a cron line
    // removed, a run hung on its lock), the longest of them named, though a longer one a
    // failure explains: the line of collections that did not run is for sources without
    // failures, whose backoff cannot space their runs.
    let unexplained: Vec<(String, Ink)> = assessed
        .iter()
        .filter(|(_, c)| c.failed > 0)
        .filter_map(|(source, c)| {
            let gap = c
                .without_run
                .iter()
                .filter(|gap| gap.before.leaves_unexplained())
                .filter(|gap| !within_no_run_of_any(&gap.stretch, stretches, source))
                .max_by_key(|gap| gap.stretch.until - gap.stretch.from)?;
            let line = format!(
                "{}: no run {}{}: was the collector stopped, its cron line removed, or its table refused by the configuration (logs/collector.log says which)?",
                source.name,
                stretch_words(&gap.stretch, tz, ongoing_at, ""),
                after_words(gap.before, tz)
            );
            Some((line, Ink::ALERT))
        })
        .collect();
    // Sources that were due and neither landed nor failed: no run at all, which no failure
    // line tells.
    let silent: Vec<String> = assessed
        .iter()
        .filter(|(_, c)| c.expected > 0 && c.landed == 0 && c.failed == 0)
        .map(|(source, c)| {
            // When it stopped, rather than its health now: the report may be read, or
            // written, long after the period.
            let before = c.last_run_before.map_or(String::new(), |last| {
                format!(
                    "; its last run before the period was at {}",
                    local_time(last, tz)
                )
            });
            format!(
                "{}: no collection in this period, of {} expected (no run in it{before}).",
                source.name,
                grouped(i128::from(c.expected))
            )
        })
        .collect();
    // Sources that landed some of their collections and failed none, but fewer than were
    // due: the collector did not run them (stopped, or its cron line removed), which no
    // failure line tells. A failed run's backoff also spaces the runs out, so only a source
    // without failures is counted here; its failure line speaks for the other. A failure
    // just before the period (a 429's pause across midnight) is not among the period's runs:
    // the line names it as the likely cause when the collections missed are those from the
    // period's start to its first run.
    let missed: Vec<(String, Ink)> = assessed
        .iter()
        .filter(|(_, c)| c.failed == 0 && c.landed > 0 && c.landed < c.expected)
        .map(|(source, c)| {
            let missing = c.expected - c.landed;
            // Those due while no source ran (a laptop asleep) are the machine's, said in red
            // above: the source is not alarmed of them (as the cover's line sets them aside).
            let machine = due_while_no_source_ran(source, c, stretches, period).min(missing);
            let why = match c.paused_into {
                _ if machine == missing => "all while no source ran, as said above".to_owned(),
                PausedInto::Until(retry) => format!(
                    "its last run before the period failed: the collector put it off until {}",
                    local_time(crate::format::cron_minute(retry), tz)
                ),
                PausedInto::Perhaps => "its last run before the period failed: it may have been paused, or backing off, into the period".to_owned(),
                PausedInto::No => "no run recorded for them: was the collector stopped?".to_owned(),
            };
            let why = match machine {
                0 => why,
                _ if machine == missing => why,
                n => format!("{why}; {n} of them while no source ran, as said above"),
            };
            // When: a stopped collector leaves one stretch, which a chart of counts cannot
            // tell from hours without events; not again when all of it was said above.
            let said_above = machine == missing;
            let when = c.longest_without_run.filter(|_| !said_above).map_or(String::new(), |gap| {
                format!(
                    "; the longest stretch without a run: {}",
                    stretch_words(&gap.stretch, tz, ongoing_at, "")
                )
            });
            let line = format!(
                "{}: {} of {} expected did not run ({why}){when}.",
                source.name,
                counted(missing, "collection"),
                grouped(i128::from(c.expected))
            );
            // One run skipped now and then reads in grey; a tenth or more of the period, red,
            // but for those the machine missed.
            let own = missing - machine;
            let ink = if own > 0 && own * 10 >= c.expected - machine {
                Ink::ALERT
            } else {
                Ink::MUTED
            };
            (line, ink)
        })
        .collect();
    let shortfalls: Vec<(String, Ink)> = assessed
        .iter()
        .filter(|(_, c)| c.shortfall > 0)
        .map(|(source, c)| shortfall_line(source, c))
        .collect();
    let runs_known = assessed.iter().all(|(_, c)| !c.expected_from.unknown());
    if failures.is_empty()
        && silences.is_empty()
        && silent.is_empty()
        && missed.is_empty()
        && shortfalls.is_empty()
        && runs_known
    {
        // Of a period begun before the oldest runs kept, only their stretch is known: from the
        // oldest (a daily source's first run kept comes later, its day's runs known before).
        // Of a source whose runs MongoDB lost before a time in the period, likewise.
        let kept_from = assessed
            .iter()
            .filter_map(|(_, c)| match c.expected_from {
                ExpectedFrom::OldestKept(at) => Some((at, "the oldest runs kept")),
                ExpectedFrom::AfterLoss(at) => {
                    Some((at, "MongoDB having lost the runs before (see above)"))
                }
                _ => None,
            })
            .min();
        let none = match kept_from {
            Some((at, why)) => format!(
                "No failed collection in this period since {}, {why}.",
                local_time(at, tz)
            ),
            None => "No failed collection in this period.".to_owned(),
        };
        doc.paragraph(&none, BODY, false, Ink::TEXT);
    }
    // When no source collected, first: it explains the lines of each source below.
    for line in silences {
        doc.paragraph(line, BODY, true, Ink::ALERT);
    }
    for (line, ink) in &failures {
        doc.paragraph(line, BODY, *ink == Ink::ALERT, *ink);
    }
    for line in &silent {
        doc.paragraph(line, BODY, true, Ink::ALERT);
    }
    for (line, ink) in missed.iter().chain(&unexplained) {
        doc.paragraph(line, BODY, *ink == Ink::ALERT, *ink);
    }
    for (line, ink) in &shortfalls {
        doc.paragraph(line, BODY, *ink == Ink::ALERT, *ink);
    }
    // Counted by the runs: of a period begun before the oldest runs kept, those of runs kept.
    let landed = |c: &Completeness| match c.expected_from {
        ExpectedFrom::OldestKept(at) => format!(
            "landed since {}, the oldest runs kept (those of earlier runs are no longer known),",
            local_time(at, tz)
        ),
        ExpectedFrom::AfterLoss(at) => format!(
            "landed since {}, MongoDB having lost the runs before,",
            local_time(at, tz)
        ),
        _ => "landed in this period".to_owned(),
    };
    for (source, c) in assessed.iter().filter(|(_, c)| c.key_clashes > 0) {
        let clashes = format!(
            "{}: {} {} shared their key (`{}`) with a different record of the same run, and only the last of each is summarised: is `key` unique?",
            source.name,
            counted(c.key_clashes, "record"),
            landed(c),
            source.key
        );
        doc.paragraph(&clashes, BODY, true, Ink::ALERT);
    }
    for (source, c) in assessed.iter().filter(|(_, c)| c.clashes_before.0 > 0) {
        let (count, keys) = &c.clashes_before;
        let keys: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
        let clashes = format!(
            "{}: {} {} shared their key with a different record of the same run under a `key` since changed ({}); files summarised after the change were read with the `key` now, `{}`, which the collector's log says when its records share it.",
            source.name,
            counted(*count, "record"),
            landed(c),
            keys.join(", "),
            source.key
        );
        doc.paragraph(&clashes, BODY, false, Ink::MUTED);
    }
    for (source, c) in assessed.iter().filter(|(_, c)| c.rejected > 0) {
        let files = match (&c.expected_from, source.collects_by_day()) {
            // Dropped records are kept as long as the runs: those of earlier files are gone.
            (ExpectedFrom::OldestKept(at), _) => format!(
                "files landed since {}, the oldest runs kept (those of earlier files are no longer known)",
                local_time(*at, tz)
            ),
            (ExpectedFrom::AfterLoss(at), _) => format!(
                "files landed since {}, MongoDB having lost those of earlier files",
                local_time(*at, tz)
            ),
            (_, true) => "the files of the days collected in this period".to_owned(),
            (_, false) => "files landed in this period".to_owned(),
        };
        let dropped = format!(
            "{}: {} dropped by the summariser (no key, or no time it could read) from {files}; its log names the files, and `rejected_records` keeps each distinct one (a record too large for it keeps its file in the raw folder's _quarantine/).",
            source.name,
            counted(c.rejected, "record")
        );
        doc.paragraph(&dropped, BODY, true, Ink::ALERT);
    }
}

/// The line of records `source`'s runs were told of and did not land (`c.shortfall` > 0).
/// Summed over several runs, a list cut at each run counts the same records again: the most a
/// run missed says how many were past its reach. An `http_json` source makes one request a
/// run: a list of the newest first, asked for often enough, lands over its runs what each run
/// leaves past its page. That is most likely so when its runs landed the same records again
/// (the period holds fewer records than they landed) and the period holds at least as many as
/// a run was told of: the line is then grey; else it is red, as records lost are (a list cut at
/// the same place at each run, or runs too far apart to overlap).
fn shortfall_line(source: &Source, c: &Completeness) -> (String, Ink) {
    let over = match c.short_runs {
        0 | 1 => String::new(),
        runs => format!(
            " over {} runs, at most {} in a run",
            grouped(i128::from(runs)),
            grouped(i128::from(c.most_short))
        ),
    };
    let announced = counted(c.shortfall, "announced record");
    let name = &source.name;
    let page = if c.short_runs > 1 {
        "the page each run landed"
    } else {
        "the page of the run that fell short"
    };
    let records = u64::try_from(c.records).unwrap_or(0);
    let landed_again = records < c.landed_of_announced && records >= c.most_announced;
    match source.kind {
        releve::SourceKind::HttpJson(_) if landed_again => (
            format!(
                "{name}: {announced} past {page}{over} (one request a run); its runs landed records again, and the period holds {}, at least as many as a run was told of: later runs most likely landed them (the newest first, asked for often enough).",
                counted(records, "record")
            ),
            Ink::MUTED,
        ),
        releve::SourceKind::HttpJson(_) => (
            format!(
                "{name}: {announced} past {page}{over} (one request a run), which later runs did not land again: ask for them all in one answer (a page size in `params`), or for the newest often enough."
            ),
            Ink::ALERT,
        ),
        releve::SourceKind::Opendatasoft(_)
        | releve::SourceKind::OdsV1(_)
        | releve::SourceKind::FranceTravail(_) => (
            format!(
                "{name}: {announced} not landed{over} (out of reach of any query, or not served)."
            ),
            Ink::ALERT,
        ),
    }
}
