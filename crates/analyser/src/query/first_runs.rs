//! Each configured source's first known collection, where what the report expects of it
//! begins.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::doc;
use releve::store::{self, StoreError, StoredRun};
use releve::{Config, Source};

use crate::reading::{Unread, each_source, find_first};

/// Each configured source's first known collection: the start of its earliest run still in
/// `runs`, whatever its outcome, in or out of the period — for a per-day source, the start, in
/// the report's time zone, of the earliest day a run collected, but not before the day before
/// its earliest run began. Sources without a run are left out. A few sources are read at a
/// time (see `each_source`).
pub async fn first_runs(
    db: &Database,
    config: &Config,
    unread: &Unread,
) -> Result<BTreeMap<String, DateTime<Utc>>, StoreError> {
    let firsts = each_source(&config.sources, unread, async |source, unread| {
        first_run(db, config, source, unread).await
    })
    .await?;
    let names = config.sources.iter().map(|source| source.name.clone());
    Ok(names
        .zip(firsts)
        .filter_map(|(name, first)| Some((name, first?)))
        .collect())
}

/// The first known collection of `source` (see [`first_runs`]).
async fn first_run(
    db: &Database,
    config: &Config,
    source: &Source,
    unread: &Unread,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let name = source.name.as_str();
    let action = format!("reading the first run of {name}");
    // Dates only, as in `runs_kept_from`: a document without `started` would sort first.
    let dated = doc! {"source": name, "started": {"$gte": mongodb::bson::DateTime::from_millis(0)}};
    let by_start: Option<StoredRun> =
        find_first(db, store::RUNS, dated, doc! {"started": 1}, &action, unread).await?;
    let Some(by_start) = by_start else {
        return Ok(None);
    };
    let first = if source.collects_by_day() {
        // The earliest day collected: a run's `day`, or for a run stored before runs
        // carried it, the UTC day before the one it started (`$and`: see `load_source`).
        // It starts at that day's midnight in the report's time zone, as the report's
        // days do (the day's run is counted in the report of that day, see
        // `load_source`): at UTC midnight, west of UTC the day before would expect it.
        let with_day = doc! {"$and": [{"source": name}, {"day": {"$type": "string"}}]};
        let by_day: Option<StoredRun> =
            find_first(db, store::RUNS, with_day, doc! {"day": 1}, &action, unread).await?;
        // Never before the day before the first run began: a day before it, collected by
        // hand (`--date`, a history gathered on the day relevé was installed), tells of
        // that day's data, not of a collector that ran then.
        let day_before_first =
            store::chrono_date(by_start.started).date_naive() - chrono::Days::new(1);
        let legacy = by_start.day.is_none().then_some(day_before_first);
        by_day
            .and_then(|run| run.day)
            .into_iter()
            .chain(legacy)
            .min()
            .map(|day| day.max(day_before_first))
            .map(|day| crate::period::local_midnight(config.report.timezone, day))
    } else {
        Some(super::placement(&by_start))
    };
    Ok(first)
}
