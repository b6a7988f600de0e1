//! The notes under the completeness table on where each source's expected collections are
//! counted from, on the stretches none was expected while it was disabled, and on the UTC days
//! a per-day source's coverage counts in a report of another zone.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use releve::Source;

use crate::completeness::{Completeness, Coverage, ExpectedFrom};
use crate::format::{counted, local_time};
use crate::pdf::{Ink, ReportDocument};
use crate::period::ReportPeriod;

/// For the per-day sources (France Travail) whose coverage the period's runs announced, in a
/// report whose days are not UTC's (an offset other than zero in the period): that coverage is of the UTC days the runs collected, while
/// Records counts the period's hours in the report's zone, so the two differ by the offers of
/// the hours they do not share (the last UTC hour of each day, in Paris in winter), with
/// nothing lost.
pub(super) fn utc_days_note(
    doc: &mut ReportDocument,
    assessed: &[(&Source, Completeness)],
    period: &ReportPeriod,
) {
    if period.days_are_utc() {
        return;
    }
    let tz = period.tz;
    let by_day: Vec<&str> = assessed
        .iter()
        .filter(|(source, c)| {
            source.collects_by_day() && matches!(c.coverage_of(), Coverage::Of { .. })
        })
        .map(|(source, _)| source.name.as_str())
        .collect();
    if by_day.is_empty() {
        return;
    }
    let note = format!(
        "{}{}: its coverage is of the UTC days its runs collected (France Travail's days, 00:00 to 24:00 UTC), while Records counts the period's hours in {tz}: they differ by the records of the hours one holds and the other does not, which count in the report of the period holding them, none lost for it.",
        crate::format::listed(&by_day),
        if by_day.len() > 1 { ", each" } else { "" }
    );
    doc.paragraph(&note, 8.0, false, Ink::MUTED);
}

/// For each source whose expected collections are not counted from the period's start, from
/// when they are.
pub(super) fn expected_from_notes(
    doc: &mut ReportDocument,
    assessed: &[(&Source, Completeness)],
    tz: Tz,
) {
    let expired: Vec<&str> = assessed
        .iter()
        .filter(|(_, c)| c.expected_from == ExpectedFrom::RunsExpired)
        .map(|(source, _)| source.name.as_str())
        .collect();
    if !expired.is_empty() {
        let note = format!(
            "This period ended more than {} days ago, and runs and dropped records are kept that long: the collection figures (expected, landed, failed, retries, 429s, coverage) of {}, and the records the summariser dropped, are no longer known (–, and no line of dropped records); records and hours without data come from the hourly summaries.",
            releve::store::RUNS_KEPT.as_secs() / 86_400,
            if expired.len() == assessed.len() {
                "every source".to_owned()
            } else {
                crate::format::listed(&expired)
            }
        );
        doc.paragraph(&note, 8.0, false, Ink::MUTED);
    }
    let lost: Vec<&str> = assessed
        .iter()
        .filter(|(_, c)| c.expected_from == ExpectedFrom::RunsLost)
        .map(|(source, _)| source.name.as_str())
        .collect();
    if !lost.is_empty() {
        let note = format!(
            "MongoDB lost the runs of this period of {} (restored from an older backup, as the cover says): their collection figures are not known (–); records and hours without data come from the hourly summaries it holds.",
            crate::format::listed(&lost)
        );
        doc.paragraph(&note, 8.0, false, Ink::MUTED);
    }
    // Sources whose note says the same (a new installation's, first collected by one cron
    // run) share one, naming them all.
    let mut notes: Vec<(Vec<&str>, String)> = Vec::new();
    for (source, c) in assessed {
        let first = |at: DateTime<Utc>| first_collection(source, at, tz);
        let note = match c.expected_from {
            ExpectedFrom::PeriodStart | ExpectedFrom::RunsExpired | ExpectedFrom::RunsLost => {
                continue;
            }
            // A disabled source is said by its own note, and is not collected at all.
            ExpectedFrom::NoRunKnown if !source.enabled => continue,
            ExpectedFrom::NoRunKnown => format!(
                "no run known, so no collection expected{}.",
                if c.health == crate::completeness::Health::Skipped {
                    " (its credentials are not set here, and the collector skips a source without them)"
                } else {
                    " (a source just added is collected from cron's next minute)"
                }
            ),
            ExpectedFrom::FirstRun(at) => {
                format!("expected collections counted from its {}.", first(at))
            }
            ExpectedFrom::AfterPeriod(at) if c.records > 0 => format!(
                "{}, after this period: no collection expected; its {} in the period {} landed by collections made after it.",
                first(at),
                counted(c.records, "record"),
                if c.records == 1 { "was" } else { "were" }
            ),
            ExpectedFrom::AfterPeriod(at) => {
                format!("{}, after this period: no collection expected.", first(at))
            }
            ExpectedFrom::OldestKept(at) => format!(
                "collections counted from {}, the oldest runs kept (runs are kept {} days).",
                local_time(at, tz),
                releve::store::RUNS_KEPT.as_secs() / 86_400
            ),
            ExpectedFrom::AfterLoss(at) => format!(
                "collections counted from {}, MongoDB having lost its runs before (restored from an older backup, as the cover says).",
                local_time(at, tz)
            ),
        };
        match notes.iter_mut().find(|(_, said)| *said == note) {
            Some((names, _)) => names.push(&source.name),
            None => notes.push((vec![&source.name], note)),
        }
    }
    for (names, note) in notes {
        let named = match names.as_slice() {
            [one] => (*one).to_owned(),
            many => format!("{}, each", crate::format::listed(many)),
        };
        doc.paragraph(&format!("{named}: {note}"), 8.0, false, Ink::MUTED);
    }
}

/// `first known collection, 2026-12-03 09:24`, or of a per-day source, whose first known
/// collection is the first day its schedule collected (from that day's midnight in the
/// report's time zone: the day before its first run, or later), `first scheduled day,
/// 2026-12-03` (a day before it collected by hand is no collection expected).
pub(super) fn first_collection(source: &Source, at: DateTime<Utc>, tz: Tz) -> String {
    if source.collects_by_day() {
        format!(
            "first scheduled day, {}",
            at.with_timezone(&tz).format("%Y-%m-%d")
        )
    } else {
        format!("first known collection, {}", local_time(at, tz))
    }
}

/// For each source disabled for a while in the period, or disabled now, when no collection
/// was expected of it.
pub(super) fn disabled_notes(
    doc: &mut ReportDocument,
    assessed: &[(&Source, Completeness)],
    tz: Tz,
) {
    for (source, c) in assessed.iter().filter(|(_, c)| !c.disabled.is_empty()) {
        let stretches: Vec<String> = c
            .disabled
            .iter()
            .map(|stretch| {
                format!(
                    "from {} until its run of {}",
                    local_time(stretch.from, tz),
                    local_time(stretch.until, tz)
                )
            })
            .collect();
        let note = format!(
            "{}: disabled (enabled = false) {}: no collection expected then.",
            source.name,
            stretches.join(", ")
        );
        doc.paragraph(&note, 8.0, false, Ink::MUTED);
    }
    for (source, c) in assessed {
        let note = match c.disabled_after {
            None => continue,
            // A per-day source's run counts in the period of the day it collects, which it
            // starts after: its time is said as the run's start.
            Some(Some(last)) if source.collects_by_day() => format!(
                "{}: disabled (enabled = false) when this report was written: collections expected up to its last run counted in the period, started {}, none after.",
                source.name,
                local_time(last, tz)
            ),
            Some(Some(last)) => format!(
                "{}: disabled (enabled = false) when this report was written: collections expected up to its last run in the period, {}, none after.",
                source.name,
                local_time(last, tz)
            ),
            Some(None) => format!(
                "{}: disabled (enabled = false) when this report was written, with no run in the period: no collection expected.",
                source.name
            ),
        };
        doc.paragraph(&note, 8.0, false, Ink::MUTED);
    }
}
