//! Everything the report shows, read from MongoDB in a handful of queries per source: the
//! hourly summaries of the period, the collector runs, the last successful collection and,
//! for positioned sources, the positions of the period's records.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::FindOptions;
use releve::store::{self, HourlySummary, StoreError};
use releve::{Config, Source};
use serde::Deserialize;

use crate::period::ReportPeriod;

/// At most this many positions are drawn per source and period.
pub const MAX_POSITIONS: i64 = 20_000;

/// One collector run, as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionRun {
    /// When the run started.
    pub started: DateTime<Utc>,
    /// Records landed.
    pub records: u64,
    /// Records the API announced, when it did.
    pub announced: Option<u64>,
    /// Retried requests.
    pub retries: u64,
    /// 429 answers.
    pub throttled: u64,
    /// Records the API announced but no query could reach.
    pub shortfall: u64,
    /// Why the run failed, when it did.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct RunDocument {
    started: mongodb::bson::DateTime,
    #[serde(default)]
    records: i64,
    #[serde(default)]
    announced: Option<i64>,
    #[serde(default)]
    retries: i64,
    #[serde(default)]
    throttled: i64,
    #[serde(default)]
    shortfall: i64,
    #[serde(default)]
    error: Option<String>,
}

impl From<RunDocument> for CollectionRun {
    fn from(run: RunDocument) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        CollectionRun {
            started: store::chrono_date(run.started),
            records: count(run.records),
            announced: run.announced.map(count),
            retries: count(run.retries),
            throttled: count(run.throttled),
            shortfall: count(run.shortfall),
            error: run.error,
        }
    }
}

/// A record's position and the value of the source's first numeric field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Longitude in degrees.
    pub lon: f64,
    /// Latitude in degrees.
    pub lat: f64,
    /// The first numeric field, when the record holds it.
    pub value: Option<f64>,
}

/// The positions of one source's records in the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Positions {
    /// Up to [`MAX_POSITIONS`] positions.
    pub points: Vec<Position>,
    /// Records of the period in `records`, positioned or not.
    pub records: u64,
}

/// What MongoDB holds about one source for the period.
#[derive(Debug, Clone, Default)]
pub struct SourceData {
    /// Hourly summaries of the UTC hours overlapping the period, by hour.
    pub hourly: Vec<HourlySummary>,
    /// Collector runs started in the period.
    pub runs: Vec<CollectionRun>,
    /// The last run that succeeded, up to the report's generation.
    pub last_success: Option<DateTime<Utc>>,
    /// Whether the latest run, up to the report's generation, failed.
    pub latest_run_failed: bool,
    /// Positions, for positioned sources.
    pub positions: Option<Positions>,
}

/// Loads every configured source's data for the period, by source name.
pub async fn load(
    db: &Database,
    config: &Config,
    period: &ReportPeriod,
) -> Result<BTreeMap<String, SourceData>, StoreError> {
    let mut data = BTreeMap::new();
    for source in &config.sources {
        data.insert(source.name.clone(), load_source(db, source, period).await?);
    }
    Ok(data)
}

async fn load_source(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
) -> Result<SourceData, StoreError> {
    let hours = period.hours();
    let (first_hour, end) = (
        hours.first().copied().unwrap_or_else(|| period.start()),
        period.end(),
    );
    let name = source.name.as_str();
    let hourly = db
        .collection::<HourlySummary>(store::HOURLY)
        .find(doc! {"source": name, "hour": {"$gte": store::bson_date(first_hour), "$lt": store::bson_date(end)}})
        .sort(doc! {"hour": 1})
        .await
        .map_err(StoreError::command(format!("reading `hourly` of {name}")))?
        .try_collect()
        .await
        .map_err(StoreError::command(format!("reading `hourly` of {name}")))?;
    let runs: Vec<RunDocument> = db
        .collection::<RunDocument>(store::RUNS)
        .find(doc! {"source": name, "started": {"$gte": store::bson_date(period.start()), "$lt": store::bson_date(end)}})
        .sort(doc! {"started": 1})
        .await
        .map_err(StoreError::command(format!("reading `runs` of {name}")))?
        .try_collect()
        .await
        .map_err(StoreError::command(format!("reading `runs` of {name}")))?;
    let last_success = latest_run(db, name, doc! {"source": name, "error": Bson::Null})
        .await?
        .map(|run| store::chrono_date(run.started));
    let latest_run_failed = latest_run(db, name, doc! {"source": name})
        .await?
        .is_some_and(|run| run.error.is_some());
    let positions = match source.position() {
        Some(_) => Some(load_positions(db, source, period).await?),
        None => None,
    };
    Ok(SourceData {
        hourly,
        runs: runs.into_iter().map(CollectionRun::from).collect(),
        last_success,
        latest_run_failed,
        positions,
    })
}

/// The most recent run matching `filter`: health is judged when the report is generated, so
/// a morning report tells whether collection is working now.
async fn latest_run(
    db: &Database,
    name: &str,
    filter: Document,
) -> Result<Option<RunDocument>, StoreError> {
    db.collection::<RunDocument>(store::RUNS)
        .find_one(filter)
        .sort(doc! {"started": -1})
        .await
        .map_err(StoreError::command(format!(
            "reading the last run of {name}"
        )))
}

async fn load_positions(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
) -> Result<Positions, StoreError> {
    let name = source.name.as_str();
    let filter = doc! {"source": name, "time": {"$gte": store::bson_date(period.start()), "$lt": store::bson_date(period.end())}};
    let collection = db.collection::<Document>(store::RECORDS);
    let records = collection
        .count_documents(filter.clone())
        .await
        .map_err(StoreError::command(format!("counting `records` of {name}")))?;
    let options = FindOptions::builder()
        .projection(doc! {"data": 1, "_id": 0})
        .limit(MAX_POSITIONS)
        .build();
    let documents: Vec<Document> = collection
        .find(filter)
        .with_options(options)
        .await
        .map_err(StoreError::command(format!("reading `records` of {name}")))?
        .try_collect()
        .await
        .map_err(StoreError::command(format!("reading `records` of {name}")))?;
    let points = documents
        .into_iter()
        .filter_map(|document| position_of(source, document))
        .collect();
    Ok(Positions { points, records })
}

fn position_of(source: &Source, mut document: Document) -> Option<Position> {
    let (lon_path, lat_path) = source.position()?;
    let Some(Bson::Document(data)) = document.remove("data") else {
        return None;
    };
    let data = Bson::Document(data).into_relaxed_extjson();
    let lon = lon_path.get(&data).and_then(releve::record::number)?;
    let lat = lat_path.get(&data).and_then(releve::record::number)?;
    let valid = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
    let value = source
        .numeric
        .first()
        .and_then(|path| path.get(&data))
        .and_then(releve::record::number);
    valid.then_some(Position { lon, lat, value })
}
