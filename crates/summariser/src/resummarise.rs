//! Summarising a source's stored hours again from `records` (`summariser --resummarise`), once
//! the fields its summaries hold have changed in the configuration: `numeric`, `categories`,
//! `plausible`, `lon` and `lat`.
//!
//! Hours are summarised again in passes of about [`RECORDS_PER_PASS`] records, each as a run's
//! recomputation is: noted as pending first, so a run killed midway leaves the pass under way
//! to the next run, which finishes it. Hours that began more than `keep_days` ago are final and
//! stay as they are; so does an hour whose summary counts more records than `records` still
//! holds (records that expired under an earlier, shorter `keep_days`, or deleted by hand):
//! summarised again, it would shrink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use mongodb::Database;
use releve::store::StoreError;
use releve::{Config, Source};
use tracing::warn;

use crate::SummariseError;
use crate::database::{self, SameSummary};
use crate::plan::{self, HourRecord};

/// Records read back per pass, about (an hour holding more makes a pass alone): a day of
/// France Travail's offers is about 40,000, a day of USGS events a few hundred, so a sparse
/// source takes few passes, each a query of `records` (a scan of it on nx-27017).
const RECORDS_PER_PASS: i64 = 50_000;

/// Which sources' stored hours a run summarises again from `records` (`--resummarise`), after
/// their summary fields (`numeric`, `categories`, `plausible`, `lon`, `lat`) changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Resummarise {
    /// None: a run as cron makes it.
    #[default]
    Nothing,
    /// Every configured source.
    All,
    /// These sources.
    Sources(Vec<String>),
}

impl Resummarise {
    /// From `--resummarise`: absent, given alone, or given source names.
    pub fn from_names(names: Option<Vec<String>>) -> Resummarise {
        match names {
            None => Resummarise::Nothing,
            Some(names) if names.is_empty() => Resummarise::All,
            Some(names) => Resummarise::Sources(names),
        }
    }

    /// Whether `source`'s hours are summarised again.
    pub fn includes(&self, source: &str) -> bool {
        match self {
            Resummarise::Nothing => false,
            Resummarise::All => true,
            Resummarise::Sources(names) => names.iter().any(|name| name == source),
        }
    }

    /// Refuses a name that no accepted source of `config` (read from `path`) bears.
    pub fn check(&self, config: &Config, path: &Path) -> Result<(), SummariseError> {
        let Resummarise::Sources(names) = self else {
            return Ok(());
        };
        for name in names {
            if config.source(name).is_some() {
                continue;
            }
            return Err(SummariseError::UnknownSource {
                config: path.to_owned(),
                name: name.clone(),
                refused: config.refused_source(name).is_some(),
            });
        }
        Ok(())
    }
}

/// What summarising a source's stored hours again did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resummarised {
    /// Hourly summaries written again: those that changed.
    pub hours: usize,
    /// Hours left as they were: their summary counts records `records` no longer holds.
    pub incomplete: usize,
    /// Hours left as they were: they began more than `keep_days` ago.
    pub past_keep_days: u64,
}

/// Summarises again every hour of `source` whose records `records` holds, within `keep_days`,
/// and any older one holding records but no summary (deleted by hand, as the README's repair
/// of a `key` changed in place does): it has nothing to shrink.
pub async fn resummarise(db: &Database, source: &Source) -> Result<Resummarised, StoreError> {
    let name = source.name.as_str();
    let since = plan::retention_horizon(source);
    let within = |hour: &DateTime<Utc>| since.is_none_or(|since| *hour >= since);
    let counted = database::summarised_counts(db, name).await?;
    let hours: BTreeSet<DateTime<Utc>> = database::stored_hours(db, name)
        .await?
        .into_iter()
        .filter(|hour| within(hour) || !counted.contains_key(hour))
        .collect();
    // The summaries of hours past `keep_days`, which stay as they are (those the passes write
    // had none).
    let (counted, past_keep_days): (BTreeMap<DateTime<Utc>, i64>, BTreeMap<_, _>) =
        counted.into_iter().partition(|(hour, _)| within(hour));
    let mut done = Resummarised {
        // Summaries of hours `records` holds nothing of any more: all their records are gone.
        incomplete: counted.keys().filter(|hour| !hours.contains(hour)).count(),
        past_keep_days: past_keep_days.len() as u64,
        ..Resummarised::default()
    };
    for pass in passes(hours, &counted) {
        let (Some(first), Some(last)) = (pass.first(), pass.last()) else {
            continue;
        };
        // Every hour from the first to the last of a pass is in it: passes follow each other.
        let mut facts = Vec::new();
        database::read_hours_between(db, source, (*first, *last), &mut facts).await?;
        let mut in_hand: BTreeMap<DateTime<Utc>, Vec<HourRecord>> = BTreeMap::new();
        for (hour, key, facts) in facts {
            in_hand.entry(hour).or_default().push((key, facts));
        }
        let holds_all = |hour: &DateTime<Utc>| {
            let held = in_hand.get(hour).map_or(0, Vec::len);
            i64::try_from(held).is_ok_and(|held| held >= counted.get(hour).copied().unwrap_or(0))
        };
        let (complete, incomplete): (BTreeSet<_>, BTreeSet<_>) =
            pass.into_iter().partition(holds_all);
        done.incomplete += incomplete.len();
        in_hand.retain(|hour, _| complete.contains(hour));
        if complete.is_empty() {
            continue;
        }
        database::note_pending(db, name, &complete, database::Pending::SummariesOnly).await?;
        done.hours +=
            database::recompute_hours(db, source, &complete, in_hand, SameSummary::LeftAsItIs)
                .await?;
    }
    if done.past_keep_days > 0 {
        warn!(source = %name, hours = done.past_keep_days, "Left hours that began more than keep_days ago as they were summarised: they are final, and their records are expiring.");
    }
    if done.incomplete > 0 {
        warn!(source = %name, hours = done.incomplete, "Left hours as they were summarised: their summaries count records that `records` no longer holds (expired under an earlier, shorter keep_days, or deleted), and summarised again they would shrink. To summarise such an hour from the records left (records stored twice under a `key` changed in place, deleted), delete its `hourly` document first: README, `key`.");
    }
    Ok(done)
}

/// `hours` in passes of about [`RECORDS_PER_PASS`] records, by their summaries' `count` (an
/// hour without one counts as one record).
fn passes(
    hours: BTreeSet<DateTime<Utc>>,
    counted: &BTreeMap<DateTime<Utc>, i64>,
) -> Vec<BTreeSet<DateTime<Utc>>> {
    let mut passes = Vec::new();
    let (mut pass, mut records) = (BTreeSet::new(), 0);
    for hour in hours {
        let count = counted.get(&hour).copied().unwrap_or(0).max(1);
        if !pass.is_empty() && records + count > RECORDS_PER_PASS {
            passes.push(std::mem::take(&mut pass));
            records = 0;
        }
        pass.insert(hour);
        records += count;
    }
    if !pass.is_empty() {
        passes.push(pass);
    }
    passes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn passes_hold_about_so_many_records_and_a_larger_hour_alone() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let hour = |n: i64| start + TimeDelta::hours(n);
        let hours: BTreeSet<_> = (0..6).map(hour).collect();
        let counted = BTreeMap::from([
            (hour(0), 20_000),
            (hour(1), 20_000),
            (hour(2), 20_000),
            (hour(3), 90_000),
            (hour(4), 3),
        ]);
        let sizes: Vec<Vec<i64>> = passes(hours, &counted)
            .iter()
            .map(|pass| pass.iter().map(|h| (*h - start).num_hours()).collect())
            .collect();
        assert_eq!(sizes, vec![vec![0, 1], vec![2], vec![3], vec![4, 5]]);
    }
}
