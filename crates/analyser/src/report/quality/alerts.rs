//! The notes and alerts under the completeness table: each source's failures, stretches
//! without a run, collections that did not run, shortfalls and records the summariser dropped.

use releve::Source;

use crate::completeness::silence::Silence;
use crate::completeness::{Completeness, ExpectedFrom, PausedInto};
use crate::format::{counted, grouped, local_time};
use crate::pdf::{BODY, Ink, ReportDocument};
use crate::period::ReportPeriod;
use crate::report::short_of_expected::due_while_no_source_ran;
use crate::report::silences::{OngoingAt, after_words, stretch_words};

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

/// The notes and alerts under the table: an unknown quarantine, each source's latest failure,
/// shortfall and records the summariser dropped.
pub(super) fn alerts(
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
