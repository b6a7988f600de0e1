//! Everything the report shows, read from MongoDB in a handful of queries per source: the
//! hourly summaries of the period, the collector runs, the last successful collection and,
//! for positioned sources, the positions of the period's records; and each source's first known
//! collection. Documents without the shape relevé writes are left out and noted (see
//! `reading`).

mod collection_run;
mod first_runs;
mod runs_kept;
mod source_data;
mod unconfigured;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::FindOptions;
use releve::store::{self, HourlySummary, StoreError, StoredRun};
use releve::{Config, Source};
use serde::Deserialize;

use crate::period::ReportPeriod;
pub use crate::reading::Unread;
use crate::reading::{each_source, find_all, find_latest};

pub use crate::positions::{MAX_POSITIONS, Position, Positions};
use collection_run::placement;
pub use collection_run::{CollectionRun, placed_at};
pub use first_runs::first_runs;
pub use runs_kept::{kept_from, runs_kept_from};
pub use source_data::{Disabled, SourceData, WaitingRuns};
pub use unconfigured::{others_ran, unconfigured};

/// Loads every configured source's data for the period, by source name, a few sources at a
/// time (see `each_source`).
pub async fn load(
    db: &Database,
    config: &Config,
    period: &ReportPeriod,
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<BTreeMap<String, SourceData>, StoreError> {
    let loaded = each_source(&config.sources, unread, async |source, unread| {
        load_source(db, source, period, now, unread).await
    })
    .await?;
    let names = config.sources.iter().map(|source| source.name.clone());
    Ok(names.zip(loaded).collect())
}

/// The filter of `source`'s documents, in `hourly` or `records`, of the UTC hours whose figures
/// count in `period` (see [`ReportPeriod::first_hour_of`]): a range of the `source` + `hour`
/// index.
pub(crate) fn hours_of(source: &Source, period: &ReportPeriod) -> Document {
    doc! {"source": &source.name, "hour": {
        "$gte": store::bson_date(period.first_hour_of(source.resolution)),
        "$lt": store::bson_date(period.end_hour_of(source.resolution)),
    }}
}

/// What MongoDB holds about `source` for `period` (see [`SourceData`]), its health judged at
/// `now`.
async fn load_source(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<SourceData, StoreError> {
    let name = source.name.as_str();
    let by_hour = FindOptions::builder().sort(doc! {"hour": 1}).build();
    let action = format!("reading `hourly` of {name}");
    let hours = hours_of(source, period);
    let hourly = find_all(db, store::HOURLY, hours, by_hour, &action, unread).await?;
    let by_start = FindOptions::builder().sort(doc! {"started": 1}).build();
    let action = format!("reading `runs` of {name}");
    let started = runs_of(source, period);
    let runs: Vec<StoredRun> =
        find_all(db, store::RUNS, started, by_start.clone(), &action, unread).await?;
    // A run started in the period but placed before it (its collector run began in the
    // minute before) belongs to the period before, of which it may be the last run.
    let (runs, placed_before): (Vec<StoredRun>, Vec<StoredRun>) = if source.collects_by_day() {
        (runs, Vec::new())
    } else {
        runs.into_iter()
            .partition(|run| placement(run) >= period.start())
    };
    // The runs that tell of a stretch disabled overlapping the period, which may come after it.
    let disabled = doc! {
        "source": name,
        "disabled_from": {"$lt": store::bson_date(period.end())},
        "started": {"$gt": store::bson_date(period.start())},
    };
    let action = format!("reading when {name} was disabled");
    let disabled: Vec<StoredRun> =
        find_all(db, store::RUNS, disabled, by_start, &action, unread).await?;
    let run_before = run_before(db, source, period, unread)
        .await?
        .into_iter()
        .chain(placed_before)
        .max_by_key(placement);
    let fields_not_in_records = fields_not_in_records(db, source, &hourly).await?;
    let runs_before = match &run_before {
        Some(before) if before.error.is_some() => runs_before(db, source, before, unread).await?,
        _ => Vec::new(),
    };
    let records_before = records_in(db, source, &period.before(), unread).await?;
    let health = run_health(db, name, now, unread).await?;
    let rejected = rejected(db, source, period, &runs, unread).await?;
    let positions = match source.position() {
        Some(_) => Some(crate::positions::load(db, source, period, MAX_POSITIONS).await?),
        None => None,
    };
    let highest = crate::highest::load(db, source, period).await?;
    let mut runs: Vec<CollectionRun> = runs.into_iter().map(CollectionRun::from).collect();
    runs.sort_by_key(|run| run.started);
    Ok(SourceData {
        hourly,
        runs,
        last_success: health.last_success,
        latest_run_failed: health.latest_run_failed,
        latest_run: health.latest_run,
        rejected,
        positions,
        highest,
        waiting: WaitingRuns::default(),
        disabled: disabled
            .into_iter()
            .filter_map(|run| Disabled::told_by(&CollectionRun::from(run)))
            .collect(),
        run_before: run_before.map(CollectionRun::from),
        runs_before: runs_before.into_iter().map(CollectionRun::from).collect(),
        records_before,
        // From the raw folder, when the report reads one.
        unmatched: None,
        fields_not_in_records,
    })
}

/// Records read at most, of the hours a field's summaries lack, to tell whether they hold it:
/// the latest first, stopping at the first that does (a field most records lack is found in
/// a few).
const RECORDS_SAMPLED: i64 = 20_000;

/// The `numeric` and `categories` fields of `source` that some of `hourly` lack (summarised
/// before the field was added) and that none of the records of those hours read (up to
/// [`RECORDS_SAMPLED`], the latest hours first) holds, even as null: fetched without it (left
/// out of the query, as of a `select`, or dropped), so that `summariser --resummarise` cannot
/// add it. The records are read here, not filtered or projected by the server: `$exists` on a
/// path through an array or on a null, and a projection of a dotted path, are not answered
/// alike by every MongoDB-compatible server.
async fn fields_not_in_records(
    db: &Database,
    source: &Source,
    hourly: &[HourlySummary],
) -> Result<BTreeSet<String>, StoreError> {
    use futures_util::TryStreamExt;
    // The fields by the hours that lack them: fields added together lack the same hours, and
    // their records are read once.
    let mut by_hours: BTreeMap<Vec<mongodb::bson::DateTime>, Vec<&releve::FieldPath>> =
        BTreeMap::new();
    for field in source.numeric.iter().chain(&source.categories) {
        let lacking: Vec<mongodb::bson::DateTime> = hourly
            .iter()
            .filter(|summary| {
                !summary.numeric.iter().any(|n| n.field == field.as_str())
                    && !summary.categories.iter().any(|c| c.field == field.as_str())
            })
            .map(|summary| summary.hour)
            .collect();
        if !lacking.is_empty() {
            by_hours.entry(lacking).or_default().push(field);
        }
    }
    let mut not_held = BTreeSet::new();
    for (lacking, mut fields) in by_hours {
        let action = format!("reading `records` of {} for fields added", source.name);
        let filter = doc! {"source": &source.name, "hour": {"$in": lacking}};
        let records = db.collection::<mongodb::bson::RawDocumentBuf>(store::RECORDS);
        let mut found = records
            .find(filter)
            .projection(doc! {"_id": 0, "data": 1})
            .sort(doc! {"hour": -1})
            .limit(RECORDS_SAMPLED)
            .await
            .map_err(StoreError::command(&action))?;
        let mut read = 0;
        while !fields.is_empty()
            && let Some(document) = found
                .try_next()
                .await
                .map_err(StoreError::command(&action))?
        {
            let data = document
                .get_document("data")
                .ok()
                .and_then(|data| releve::record_data::as_json(data).ok());
            if let Some(data) = data {
                read += 1;
                fields.retain(|field| field.get(&data).is_none());
            }
        }
        if read > 0 {
            not_held.extend(fields.iter().map(|field| field.as_str().to_owned()));
        }
    }
    Ok(not_held)
}

/// Records of `source` in `period`, from the `count` of its hourly summaries.
async fn records_in(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    unread: &Unread,
) -> Result<i64, StoreError> {
    let counts = FindOptions::builder()
        .projection(doc! {"count": 1, "_id": 0})
        .build();
    let action = format!("reading `hourly` of {} before the period", source.name);
    let hours = hours_of(source, period);
    let counted: Vec<Counted> = find_all(db, store::HOURLY, hours, counts, &action, unread).await?;
    Ok(counted.iter().map(|hour| hour.count).sum())
}

/// The filter of `source`'s runs of `period`: a per-day source's runs belong to the day they
/// collected (France Travail collects a day after it ends), the others' to where they are
/// placed ([`placed_at`]): those started or scheduled from in the period, of which those
/// started in it but placed before it are left to the period before.
fn runs_of(source: &Source, period: &ReportPeriod) -> Document {
    let name = source.name.as_str();
    if !source.collects_by_day() {
        let (start, end) = (
            store::bson_date(period.start()),
            store::bson_date(period.end()),
        );
        let within = doc! {"$gte": start, "$lt": end};
        // A run is scheduled from no later than it started, so one scheduled from in the period
        // either started in it or after it: both bounded by `started`, which MongoDB's index
        // of `runs` reads (a report of yesterday reads today's runs, not 90 days of them).
        let scheduled_within = doc! {"started": {"$gte": end}, "scheduled_from": within.clone()};
        // `$and`: see below.
        return doc! {"$and": [
            {"source": name},
            {"$or": [{"started": within}, scheduled_within]},
        ]};
    }
    let days = doc! {"$gte": period.first_day.to_string(), "$lt": period.end_day.to_string()};
    // Runs stored before `day` existed collected the UTC day before the one they started.
    let next_midnight = |day: chrono::NaiveDate| {
        store::bson_date(
            (day + chrono::Days::new(1))
                .and_time(chrono::NaiveTime::MIN)
                .and_utc(),
        )
    };
    let legacy = doc! {
        "day": {"$exists": false},
        "started": {"$gte": next_midnight(period.first_day), "$lt": next_midnight(period.end_day)},
    };
    // `$and`, not a `source` beside `$or`: nx-27017 reads a field next to `$or` as one more
    // alternative, and every other source's runs would count.
    doc! {"$and": [{"source": name}, {"$or": [{"day": days}, legacy]}]}
}

/// The latest run of `source` started before `period` (a run started in it but placed before
/// it is read with its runs); none for a source collecting by day, whose runs belong to the
/// days they collect.
async fn run_before(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    unread: &Unread,
) -> Result<Option<StoredRun>, StoreError> {
    if source.collects_by_day() {
        return Ok(None);
    }
    let name = source.name.as_str();
    let action = format!("reading the last run of {name} before the period");
    let before = doc! {"source": name, "started": {"$lt": store::bson_date(period.start())}};
    find_latest(db, store::RUNS, before, "started", &action, unread).await
}

/// The runs of `source` started up to `before`, from twice the shortest stretch of failures
/// shaded at its interval before it (a stretch begun earlier is as long as needed from
/// there), oldest first.
async fn runs_before(
    db: &Database,
    source: &Source,
    before: &StoredRun,
    unread: &Unread,
) -> Result<Vec<StoredRun>, StoreError> {
    let name = source.name.as_str();
    let last = CollectionRun::from(before.clone());
    let interval = last.interval().unwrap_or_else(|| source.every.as_chrono());
    let back = crate::completeness::failing::shortest(interval) * 2;
    let action = format!("reading the runs of {name} before the period");
    let window = doc! {"source": name, "started": {
        "$gte": store::bson_date(last.started - back),
        "$lte": before.started,
    }};
    let by_start = FindOptions::builder().sort(doc! {"started": 1}).build();
    find_all(db, store::RUNS, window, by_start, &action, unread).await
}

/// Records the summariser dropped from `source`'s files of `period`: landed in it, or for a
/// per-day source those of its `runs` of the period (they land the day after the day they
/// collect, France Travail's from 00:00 UTC).
async fn rejected(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    runs: &[StoredRun],
    unread: &Unread,
) -> Result<u64, StoreError> {
    let name = source.name.as_str();
    let landed = if source.collects_by_day() {
        let files: Vec<&str> = runs.iter().filter_map(|run| run.file.as_deref()).collect();
        doc! {"source": name, "file": {"$in": files}}
    } else {
        let (start, end) = (
            store::bson_date(period.start()),
            store::bson_date(period.end()),
        );
        doc! {"source": name, "landed_at": {"$gte": start, "$lt": end}}
    };
    let action = format!("reading `rejected` of {name}");
    let dropped: Vec<Counted> =
        find_all(db, store::REJECTED, landed, None, &action, unread).await?;
    Ok(dropped
        .iter()
        .map(|file| u64::try_from(file.count).unwrap_or(0))
        .sum())
}

/// The end of the last successful run and whether the latest run failed. Health is judged
/// `now`, when the report is generated, so a morning report tells whether collection is working
/// now; runs dated later (a clock that ran ahead) are not counted, as in `analyser status`.
/// A latest run that succeeded is also the last success: only a failed one needs a second look.
async fn run_health(
    db: &Database,
    name: &str,
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<RunHealth, StoreError> {
    let action = format!("reading the last run of {name}");
    let until = store::bson_date(crate::status::not_after(now));
    let latest: Option<StoredRun> = find_latest(
        db,
        store::RUNS,
        doc! {"source": name, "started": {"$lte": until}},
        "started",
        &action,
        unread,
    )
    .await?;
    let latest_run = latest.as_ref().map(|run| store::chrono_date(run.started));
    let latest_run_failed = latest.as_ref().is_some_and(|run| run.error.is_some());
    let last_success = if latest_run_failed {
        let success = doc! {"source": name, "error": Bson::Null, "started": {"$lte": until}};
        find_latest::<StoredRun>(db, store::RUNS, success, "started", &action, unread).await?
    } else {
        latest
    };
    Ok(RunHealth {
        last_success: last_success.as_ref().map(StoredRun::ended),
        latest_run_failed,
        latest_run,
    })
}

/// A document's `count`: an hour's records, or a landed file's records the summariser dropped.
#[derive(Deserialize)]
struct Counted {
    #[serde(deserialize_with = "releve::store::count")]
    count: i64,
}

/// A source's runs as its health needs them.
struct RunHealth {
    last_success: Option<DateTime<Utc>>,
    latest_run_failed: bool,
    latest_run: Option<DateTime<Utc>>,
}
