//! What MongoDB holds about one source for the report's period, as [`super::load`] reads it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use releve::store::HourlySummary;

use super::{CollectionRun, Positions};
use crate::period::ReportPeriod;

/// What MongoDB holds about one source for the period.
#[derive(Debug, Clone, Default)]
pub struct SourceData {
    /// Hourly summaries of the UTC hours overlapping the period, by hour.
    pub hourly: Vec<HourlySummary>,
    /// Collector runs started in the period.
    pub runs: Vec<CollectionRun>,
    /// When the last successful run finished (as `analyser status` counts it), up to the
    /// report's generation.
    pub last_success: Option<DateTime<Utc>>,
    /// Whether the latest run, up to the report's generation, failed.
    pub latest_run_failed: bool,
    /// When the latest run started.
    pub latest_run: Option<DateTime<Utc>>,
    /// Records the summariser dropped (no key, or no time it could read) from files landed in
    /// the period, or for a per-day source from the files of its runs of the period
    /// (`rejected`).
    pub rejected: u64,
    /// Positions, for positioned sources.
    pub positions: Option<Positions>,
    /// The record of the period's highest value of the source's `highest` field, when it is
    /// configured and a record of it is still stored.
    pub highest: Option<crate::highest::HighestRecord>,
    /// Successful runs of the period whose files still wait in `raw/` for the summariser, and
    /// the records they landed (a record served to several runs counted in each): not in
    /// `hourly` yet.
    pub waiting: WaitingRuns,
    /// The stretches overlapping the period while the source was disabled, oldest first.
    pub disabled: Vec<Disabled>,
    /// The latest run started before the period, for a source whose runs belong to when they
    /// started (not one collecting by day): a failure then may have paused the source into
    /// the period, and its interval is the one in force when the period began.
    pub run_before: Option<CollectionRun>,
    /// When `run_before` failed, its runs started up to it from twice the shortest stretch of
    /// failures shaded before it, oldest first (see `completeness::failing`): where
    /// an outage begun before the period began. Else none.
    pub runs_before: Vec<CollectionRun>,
    /// Records in the period before (the day, week or month before), from `hourly`, to compare
    /// the period's with.
    pub records_before: i64,
    /// Since when its runs have landed no record under a query changed since, as the raw
    /// folder's state file says (read with `--raw-dir` only; see [`releve::selection`]).
    pub unmatched: Option<DateTime<Utc>>,
    /// The `numeric` and `categories` fields some of the period's summaries lack (summarised
    /// before the field was added) that none of the records of those hours read holds, even as
    /// null: fetched without it, they cannot be summarised again with it (see
    /// `fields_not_in_records`).
    pub fields_not_in_records: BTreeSet<String>,
}

/// A stretch while a source was disabled (`enabled = false`): from when its first collection
/// skipped was due to the first run after it was enabled again, which tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disabled {
    /// When the first collection skipped was due.
    pub from: DateTime<Utc>,
    /// When the first run after it started.
    pub until: DateTime<Utc>,
}

impl Disabled {
    /// The stretch the run tells of, if it tells one.
    pub fn told_by(run: &CollectionRun) -> Option<Disabled> {
        let from = run.disabled_from.filter(|from| *from < run.started)?;
        Some(Disabled {
            from,
            until: run.started,
        })
    }

    /// True when the stretch overlaps `period`.
    pub fn overlaps(&self, period: &ReportPeriod) -> bool {
        self.from < period.end() && self.until > period.start()
    }
}

/// Runs landed and not summarised yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitingRuns {
    /// Successful runs.
    pub runs: u64,
    /// The records they landed, a record landed by several runs counted in each.
    pub records: u64,
    /// When the file of the earliest successful run waiting in `raw/`, of any period, landed.
    pub oldest_landed: Option<DateTime<Utc>>,
    /// How long that file has waited while the summariser could have taken it (see
    /// `waiting_runs::CollectorRuns`): the summariser is behind when it is hours.
    pub waited: Option<chrono::TimeDelta>,
}

impl SourceData {
    /// Records in the period, from the hourly summaries.
    pub fn records(&self) -> i64 {
        self.hourly.iter().map(|h| h.count).sum()
    }
}
