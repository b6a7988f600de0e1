//! The assessment of one source over the period: its completeness figures from its runs, its
//! summaries and what else is known of it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use releve::Source;

use super::expected::expected;
use super::expected_from::{ExpectedFrom, expected_from, expected_until};
use super::health::health;
use super::paused_into::paused_into;
use super::steps::{elapsed_steps, off_stretches};
use super::{Completeness, failing, silence};
use crate::period::ReportPeriod;
use crate::query::{CollectionRun, Disabled, SourceData};

/// What [`assess`] knows of a source besides its data.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// Its first known collection.
    pub first_run: Option<DateTime<Utc>>,
    /// True when its credentials are not set where the report is generated.
    pub credentials_missing: bool,
    /// Where the runs still kept begin, when `runs` has lost older ones to its TTL (see
    /// [`crate::query::runs_kept_from`]).
    pub runs_kept_from: Option<DateTime<Utc>>,
    /// Its files of the period waiting in `raw/_quarantine/` (see [`crate::quarantine::count`]).
    pub quarantined: u64,
    /// Its files landed after the period waiting there (see
    /// [`crate::quarantine::count_later`]).
    pub quarantined_since: u64,
    /// Where its runs the database lost (restored from an older backup) end, when they
    /// overlap the period (see [`releve::store::restored`]).
    pub lost_until: Option<DateTime<Utc>>,
}

/// Assesses one source; `now` bounds the elapsed part of a period still running.
pub fn assess(
    source: &Source,
    data: &SourceData,
    known: Known,
    period: &ReportPeriod,
    now: DateTime<Utc>,
) -> Completeness {
    let first_run = known.first_run;
    let reference = now.min(period.end());
    // A run known only by its outcome (the latest, the last success) came before the period;
    // summaries or a period older than the runs kept tell of runs no longer known.
    let run_known = first_run.is_some()
        || !data.runs.is_empty()
        || data.last_success.is_some()
        || data.latest_run.is_some()
        || data.run_before.is_some()
        || !data.hourly.is_empty()
        || data.records_before > 0
        || known
            .runs_kept_from
            .is_some_and(|horizon| period.start() < horizon);
    let expected_from = match known.lost_until {
        // Its runs up to the last lost are not known, as expired ones: counted from the run due
        // after it, the first the database holds.
        Some(until) if run_known && period.start() <= until => {
            let first_kept = until + source.every.as_chrono();
            match period.end() <= first_kept {
                true => ExpectedFrom::RunsLost,
                false => ExpectedFrom::AfterLoss(first_kept),
            }
        }
        _ if run_known => expected_from(source, first_run, known.runs_kept_from, period),
        _ => ExpectedFrom::NoRunKnown,
    };
    let first_in_or_after = match expected_from {
        ExpectedFrom::FirstRun(first) | ExpectedFrom::AfterPeriod(first) => Some(first),
        // Nothing collected yet: no hour of it is without data, the hour under way included.
        ExpectedFrom::NoRunKnown => Some(period.end()),
        _ => None,
    };
    let until = expected_until(source, data, reference);
    let off = off_stretches(source, data, period, expected_from, until);
    let (steps, steps_with_data) =
        elapsed_steps(source, data, period, reference, first_in_or_after, &off);
    // Runs that landed: a failed run's metrics may say what was announced, but it landed
    // nothing, and the next run collects those records.
    // A day collected again (`--date DAY --force`) announces that day's total again: a source
    // collecting by day counts each day's latest landing only, in its coverage and its
    // shortfall (a day landed whole the second time lacks nothing).
    let collected_again = |run: &CollectionRun| {
        source.collects_by_day()
            && data.runs.iter().any(|later| {
                later.collected_day() == run.collected_day()
                    && later.started > run.started
                    && later.error.is_none()
                    && later.announced.is_some()
            })
    };
    let latest: Vec<&CollectionRun> = data
        .runs
        .iter()
        .filter(|run| !collected_again(run))
        .collect();
    let announcing = latest
        .iter()
        .copied()
        .filter(|run| run.announced.is_some() && run.error.is_none());
    let last_run = data.runs.iter().max_by_key(|run| run.started);
    let landed = landed_collections(source, &data.runs);
    let landed_runs = data.runs.iter().filter(|run| run.error.is_none()).count() as u64;
    let expected = until.map_or(0, |until| {
        expected(source, data, expected_from, period, until, now)
    });
    let disabled: Vec<Disabled> = data
        .disabled
        .iter()
        .filter(|disabled| disabled.overlaps(period))
        .copied()
        .collect();
    let without_run = match (expected_from.counted_from(period), until) {
        (Some(from), Some(until)) => {
            silence::stretches_without_run(source, data, &disabled, from, (until, until == now))
        }
        _ => Vec::new(),
    };
    // A stretch without runs that a failure puts off (the collector backing off, up to 15
    // minutes, or as long as the API asked) is part of the outage, not an end to it: a minute
    // source's four hours of failures are one stretch, not twenty too short to be shaded.
    let cut: Vec<(DateTime<Utc>, DateTime<Utc>)> = without_run
        .iter()
        .filter(|gap| !matches!(gap.before, silence::Before::PutOff { covers: true, .. }))
        .map(|gap| (gap.stretch.from, gap.stretch.until))
        .chain(disabled.iter().map(|d| (d.from, d.until)))
        .collect();
    let failing = failing::failing_stretches(
        source,
        (data.run_before.as_ref(), &data.runs_before, &data.runs),
        (period.start(), reference),
        &cut,
    );
    let longest_without_run = without_run
        .iter()
        .copied()
        .max_by_key(|gap| gap.stretch.until - gap.stretch.from);
    Completeness {
        expected,
        expected_from,
        landed,
        landed_runs,
        failed: data.runs.iter().filter(|run| run.error.is_some()).count() as u64,
        steps,
        steps_without_data: steps.saturating_sub(steps_with_data),
        announced: announcing.clone().filter_map(|run| run.announced).sum(),
        // What a run did not fall short of: a row the dataset holds twice, served whole, lands
        // once and is no shortfall; a run landing more than it announced (a dataset that grew
        // between its first page and its export) covered its announced total, not more.
        landed_of_announced: announcing
            .clone()
            .map(|run| run.announced.unwrap_or(0).saturating_sub(run.shortfall))
            .sum(),
        announcing_runs: announcing.count() as u64,
        retries: data.runs.iter().map(|run| run.retries).sum(),
        throttled: data.runs.iter().map(|run| run.throttled).sum(),
        shortfall: latest.iter().map(|run| run.shortfall).sum(),
        short_runs: latest.iter().filter(|run| run.shortfall > 0).count() as u64,
        most_short: latest.iter().map(|run| run.shortfall).max().unwrap_or(0),
        most_announced: data
            .runs
            .iter()
            .filter_map(|run| run.announced)
            .max()
            .unwrap_or(0),
        key_clashes: data
            .runs
            .iter()
            .filter(|run| !clashed_under_another_key(source, run))
            .map(|run| run.key_clashes)
            .sum(),
        clashes_before: data
            .runs
            .iter()
            .filter(|run| clashed_under_another_key(source, run))
            .fold((0, BTreeSet::new()), |(count, mut keys), run| {
                keys.extend(run.clash_key.clone());
                (count + run.key_clashes, keys)
            }),
        records: data.records(),
        rejected: data.rejected,
        waiting: data.waiting,
        health: health(source, data, known.credentials_missing, now),
        quarantined: known.quarantined,
        quarantined_since: known.quarantined_since,
        last_error: data.runs.iter().rev().find_map(|run| run.error.clone()),
        disabled,
        disabled_after: (!source.enabled).then(|| last_run.map(|run| run.started)),
        disabled_due: last_run
            .filter(|_| !source.enabled)
            .map(|run| run.next_due(source)),
        paused_into: paused_into(source, data, expected_from, period, expected, landed, until),
        longest_without_run,
        without_run,
        failing,
        last_run_before: data.run_before.as_ref().map(|run| run.started),
    }
}

/// The collections of `runs` that landed their data: runs, or for a source collecting by day
/// the days landed, however often a day was collected again (a day collected twice is no
/// other day landed).
pub(crate) fn landed_collections(source: &Source, runs: &[CollectionRun]) -> u64 {
    let landed = runs.iter().filter(|run| run.error.is_none());
    if source.collects_by_day() {
        landed
            .map(CollectionRun::collected_day)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64
    } else {
        landed.count() as u64
    }
}

/// Whether `run`'s records clashed under a `key` other than `source`'s present one.
fn clashed_under_another_key(source: &Source, run: &CollectionRun) -> bool {
    run.key_clashes > 0
        && run
            .clash_key
            .as_ref()
            .is_some_and(|key| *key != source.key.to_string())
}
