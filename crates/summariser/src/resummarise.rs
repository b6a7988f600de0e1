//! Summarising a source's stored hours again from `records` (`summariser --resummarise`), once
//! the fields its summaries hold have changed in the configuration: `numeric`, `categories`,
//! `plausible`, `lon` and `lat`.
//!
//! A day of hours at a time, each pass as a run's recomputation is: the hours are noted as
//! pending first, so a run killed midway leaves them to the next run, which finishes them.
//! Hours that began more than `keep_days` ago are final and stay as they are; so does an hour
//! whose summary counts more records than `records` still holds (records that expired under an
//! earlier, shorter `keep_days`, or deleted by hand): summarised again, it would shrink.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use mongodb::Database;
use releve::Source;
use releve::store::StoreError;
use tracing::warn;

use crate::database;
use crate::plan::{self, HourRecord};

/// Hours summarised again per pass: a day of France Travail's offers is about 40,000 records.
const HOURS_PER_PASS: usize = 24;

/// What summarising a source's stored hours again did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resummarised {
    /// Hourly summaries written again.
    pub hours: usize,
    /// Hours left as they were: their summary counts records `records` no longer holds.
    pub incomplete: usize,
}

/// Summarises again every hour of `source` whose records `records` holds, within `keep_days`.
pub async fn resummarise(db: &Database, source: &Source) -> Result<Resummarised, StoreError> {
    let name = source.name.as_str();
    let hours = database::stored_hours(db, name, plan::retention_horizon(source)).await?;
    let hours: Vec<DateTime<Utc>> = hours.into_iter().collect();
    let mut done = Resummarised::default();
    for pass in hours.chunks(HOURS_PER_PASS) {
        let pass: BTreeSet<DateTime<Utc>> = pass.iter().copied().collect();
        let mut facts = Vec::new();
        database::read_hours(db, source, &pass, &mut facts).await?;
        let mut in_hand: BTreeMap<DateTime<Utc>, Vec<HourRecord>> = BTreeMap::new();
        for (hour, key, facts) in facts {
            in_hand.entry(hour).or_default().push((key, facts));
        }
        let counted = database::summarised_counts(db, name, &pass).await?;
        let complete: BTreeSet<DateTime<Utc>> = pass
            .into_iter()
            .filter(|hour| {
                let held = in_hand.get(hour).map_or(0, Vec::len);
                let complete = i64::try_from(held)
                    .is_ok_and(|held| held >= counted.get(hour).copied().unwrap_or(0));
                if !complete {
                    done.incomplete += 1;
                }
                complete
            })
            .collect();
        in_hand.retain(|hour, _| complete.contains(hour));
        if complete.is_empty() {
            continue;
        }
        database::note_pending(db, name, &complete).await?;
        done.hours += database::recompute_hours(db, source, &complete, in_hand).await?;
    }
    if done.incomplete > 0 {
        warn!(source = %name, hours = done.incomplete, "Left hours as they were summarised: their summaries count records that `records` no longer holds (expired under an earlier, shorter keep_days, or deleted), and summarised again they would shrink.");
    }
    Ok(done)
}
