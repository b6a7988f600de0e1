//! Everything the report shows, read from MongoDB in a handful of queries per source: the
//! hourly summaries of the period, the collector runs, the last successful collection and,
//! for positioned sources, the positions of the period's records; and each source's first known
//! collection. Its ways of reading, `find_all` and `find_latest` (over `find_first`), serve
//! `analyser status` too.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::FindOptions;
use releve::store::{self, HourlySummary, StoreError};
use releve::{Config, Source};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::period::ReportPeriod;

/// At most this many positions are drawn per source and period; past it, an even sample.
pub const MAX_POSITIONS: usize = 20_000;

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
    /// The day a per-day source's run collected.
    #[serde(default)]
    day: Option<chrono::NaiveDate>,
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
    /// The positions read: of every record, or of one in every `sampled_every`.
    pub points: Vec<Position>,
    /// Records of the period in `records`, positioned or not.
    pub records: u64,
    /// 1 when every record was read; n when one record in n was, evenly through the period.
    pub sampled_every: u64,
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

impl SourceData {
    /// Records in the period, from the hourly summaries.
    pub fn records(&self) -> i64 {
        self.hourly.iter().map(|h| h.count).sum()
    }
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

/// Each configured source's first known collection: the start of its earliest run still in
/// `runs`, whatever its outcome, in or out of the period — for a per-day source, the start
/// (UTC) of the earliest day a run collected. Sources without a run are left out.
pub async fn first_runs(
    db: &Database,
    config: &Config,
) -> Result<BTreeMap<String, DateTime<Utc>>, StoreError> {
    let mut first_runs = BTreeMap::new();
    for source in &config.sources {
        let name = source.name.as_str();
        let action = format!("reading the first run of {name}");
        let by_start: Option<RunDocument> = find_first(
            db,
            store::RUNS,
            doc! {"source": name},
            doc! {"started": 1},
            &action,
        )
        .await?;
        let Some(by_start) = by_start else {
            continue;
        };
        let first = if source.collects_by_day() {
            // The earliest day collected: a run's `day`, or for a run stored before runs
            // carried it, the UTC day before the one it started (`$and`: see `load_source`).
            let with_day = doc! {"$and": [{"source": name}, {"day": {"$type": "string"}}]};
            let by_day: Option<RunDocument> =
                find_first(db, store::RUNS, with_day, doc! {"day": 1}, &action).await?;
            let legacy = by_start
                .day
                .is_none()
                .then(|| store::chrono_date(by_start.started).date_naive() - chrono::Days::new(1));
            by_day
                .and_then(|run| run.day)
                .into_iter()
                .chain(legacy)
                .min()
                .and_then(|day| day.and_hms_opt(0, 0, 0))
                .map(|midnight| midnight.and_utc())
        } else {
            Some(store::chrono_date(by_start.started))
        };
        if let Some(first) = first {
            first_runs.insert(source.name.clone(), first);
        }
    }
    Ok(first_runs)
}

async fn load_source(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
) -> Result<SourceData, StoreError> {
    let name = source.name.as_str();
    let end = store::bson_date(period.end());
    let hours = doc! {"source": name, "hour": {
        "$gte": store::bson_date(period.first_hour()),
        "$lt": store::bson_date(period.end_hour()),
    }};
    let by_hour = FindOptions::builder().sort(doc! {"hour": 1}).build();
    let action = format!("reading `hourly` of {name}");
    let hourly = find_all(db, store::HOURLY, hours, by_hour, &action).await?;
    // A per-day source's runs belong to the day they collected (France Travail collects a day
    // after it ends), the others' to when they started.
    let started = if source.collects_by_day() {
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
    } else {
        doc! {"source": name, "started": {"$gte": store::bson_date(period.start()), "$lt": end}}
    };
    let by_start = FindOptions::builder().sort(doc! {"started": 1}).build();
    let action = format!("reading `runs` of {name}");
    let runs: Vec<RunDocument> = find_all(db, store::RUNS, started, by_start, &action).await?;
    let (last_success, latest_run_failed) = run_health(db, name).await?;
    let positions = match source.position() {
        Some(_) => Some(load_positions(db, source, period, MAX_POSITIONS).await?),
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

/// The start of the last successful run and whether the latest run failed. Health is judged
/// when the report is generated, so a morning report tells whether collection is working now.
/// A latest run that succeeded is also the last success: only a failed one needs a second look.
async fn run_health(
    db: &Database,
    name: &str,
) -> Result<(Option<DateTime<Utc>>, bool), StoreError> {
    let action = format!("reading the last run of {name}");
    let latest: Option<RunDocument> =
        find_latest(db, store::RUNS, doc! {"source": name}, "started", &action).await?;
    let latest_run_failed = latest.as_ref().is_some_and(|run| run.error.is_some());
    let last_success = if latest_run_failed {
        let success = doc! {"source": name, "error": Bson::Null};
        find_latest::<RunDocument>(db, store::RUNS, success, "started", &action).await?
    } else {
        latest
    };
    Ok((
        last_success.map(|run| store::chrono_date(run.started)),
        latest_run_failed,
    ))
}

/// The positions of `source`'s records in the period: all of them up to `most` records, else
/// one record in every `sampled_every` (a power of two), taken evenly through the period's
/// records so the map shows every place and every hour (the first `most` alone would be the
/// earliest hours, or the first regions a France Travail day was collected in).
pub async fn load_positions(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    most: usize,
) -> Result<Positions, StoreError> {
    let name = source.name.as_str();
    // The records of the hours the summaries cover (see `ReportPeriod::first_hour`), read
    // through the `source` + `hour` index.
    let filter = doc! {"source": name, "hour": {"$gte": store::bson_date(period.first_hour()), "$lt": store::bson_date(period.end_hour())}};
    let action = format!("reading `records` of {name}");
    let mut cursor = db
        .collection::<Document>(store::RECORDS)
        .find(filter)
        .projection(position_projection(source))
        .await
        .map_err(StoreError::command(&action))?;
    let mut sample = Sample::new(most);
    while let Some(document) = cursor
        .try_next()
        .await
        .map_err(StoreError::command(&action))?
    {
        sample.offer(|| position_of(source, document));
    }
    Ok(sample.into_positions())
}

/// An even sample of a stream of records, never holding more than `most` positions: while it
/// would, the stride doubles and every other position kept goes.
struct Sample {
    most: usize,
    every: u64,
    read: u64,
    kept: Vec<(u64, Position)>,
}

impl Sample {
    fn new(most: usize) -> Self {
        Sample {
            most: most.max(1),
            every: 1,
            read: 0,
            kept: Vec::new(),
        }
    }

    /// The next record, whose position is worked out only when it is kept.
    fn offer(&mut self, position: impl FnOnce() -> Option<Position>) {
        let index = self.read;
        self.read += 1;
        if !index.is_multiple_of(self.every) {
            return;
        }
        let Some(position) = position() else {
            return;
        };
        self.kept.push((index, position));
        while self.kept.len() > self.most {
            self.every *= 2;
            let every = self.every;
            self.kept.retain(|(index, _)| index.is_multiple_of(every));
        }
    }

    fn into_positions(self) -> Positions {
        Positions {
            points: self
                .kept
                .into_iter()
                .map(|(_, position)| position)
                .collect(),
            records: self.read,
            sampled_every: self.every,
        }
    }
}

/// The parts of a record a position needs: its longitude, latitude and first numeric field,
/// each projected down to its first array index (a projection cannot index an array), none
/// inside another (MongoDB refuses overlapping projections).
fn position_projection(source: &Source) -> Document {
    let mut paths: Vec<Vec<&str>> = source
        .position()
        .into_iter()
        .flat_map(|(lon, lat)| [lon, lat])
        .chain(source.numeric.first())
        .map(|path| {
            path.segments()
                .iter()
                .map(String::as_str)
                .take_while(|segment| !segment.bytes().all(|b| b.is_ascii_digit()))
                .collect()
        })
        .collect();
    paths.sort();
    paths.dedup();
    let mut projection = doc! {"_id": 0};
    for (index, path) in paths.iter().enumerate() {
        let inside_another = paths[..index].iter().any(|other| path.starts_with(other));
        if !inside_another {
            let field = std::iter::once("data")
                .chain(path.iter().copied())
                .collect::<Vec<_>>()
                .join(".");
            projection.insert(field, 1);
        }
    }
    projection
}

/// Every document of `collection` matching `filter`, sorted, projected or limited by `options`;
/// `action` says what was being read when MongoDB fails.
pub(crate) async fn find_all<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    options: impl Into<Option<FindOptions>>,
    action: &str,
) -> Result<Vec<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    db.collection::<T>(collection)
        .find(filter)
        .with_options(options)
        .await
        .map_err(StoreError::command(action))?
        .try_collect()
        .await
        .map_err(StoreError::command(action))
}

/// The document of `collection` matching `filter` with the greatest `field`.
pub(crate) async fn find_latest<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    field: &str,
    action: &str,
) -> Result<Option<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    find_first(db, collection, filter, doc! {field: -1}, action).await
}

/// The first document of `collection` matching `filter` in the order `sort`.
async fn find_first<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    sort: Document,
    action: &str,
) -> Result<Option<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    db.collection::<T>(collection)
        .find_one(filter)
        .sort(sort)
        .await
        .map_err(StoreError::command(action))
}

fn position_of(source: &Source, document: Document) -> Option<Position> {
    let (lon_path, lat_path) = source.position()?;
    let data = record_data(document);
    let (lon, lat) = releve::record::on_globe(
        lon_path.get(&data).and_then(releve::record::number)?,
        lat_path.get(&data).and_then(releve::record::number)?,
    )?;
    let value = source
        .numeric
        .first()
        .and_then(|path| path.get(&data))
        .and_then(releve::record::number);
    Some(Position { lon, lat, value })
}

/// The record's `data` from a projected `records` document. MongoDB returns the projected
/// fields nested (`{"data": {"geometry": {...}}}`); nx-27017 returns them under their dotted
/// names (`{"data.geometry.coordinates": [...]}`), which are nested here the same way.
fn record_data(document: Document) -> Value {
    let mut data = Value::Object(serde_json::Map::new());
    'fields: for (name, value) in document {
        let mut segments = name.split('.');
        if segments.next() != Some("data") {
            continue;
        }
        let mut at = &mut data;
        for segment in segments {
            let Value::Object(map) = at else {
                continue 'fields;
            };
            at = map
                .entry(segment)
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
        }
        *at = value.into_relaxed_extjson();
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(fields: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://x\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n{fields}"
        );
        Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("valid config")
            .sources
            .remove(0)
    }

    #[test]
    fn a_projection_stops_at_array_indexes_and_never_overlaps() {
        let usgs = source(
            "numeric = [\"properties.mag\"]\nlon = \"geometry.coordinates.0\"\nlat = \"geometry.coordinates.1\"\n",
        );
        assert_eq!(
            position_projection(&usgs),
            doc! {"_id": 0, "data.geometry.coordinates": 1, "data.properties.mag": 1}
        );
        let nested = source("numeric = [\"place\"]\nlon = \"place.lon\"\nlat = \"place.lat\"\n");
        assert_eq!(
            position_projection(&nested),
            doc! {"_id": 0, "data.place": 1},
            "a field inside another projected one is not projected again"
        );
    }

    #[test]
    fn positions_read_the_same_from_nested_and_dotted_projections() {
        let usgs = source(
            "numeric = [\"properties.mag\"]\nlon = \"geometry.coordinates.0\"\nlat = \"geometry.coordinates.1\"\n",
        );
        let expected = Some(Position {
            lon: 1.44,
            lat: 43.6,
            value: Some(2.5),
        });
        let nested = doc! {"data": {"geometry": {"coordinates": [1.44, 43.6, 5.0]}, "properties": {"mag": 2.5}}};
        assert_eq!(position_of(&usgs, nested), expected, "MongoDB's shape");
        let dotted =
            doc! {"data.geometry.coordinates": [1.44, 43.6, 5.0], "data.properties.mag": 2.5};
        assert_eq!(position_of(&usgs, dotted), expected, "nx-27017's shape");
    }

    #[test]
    fn a_sample_keeps_one_record_in_a_stride_through_the_whole_stream() {
        let at = |n: u64| Position {
            lon: n as f64,
            lat: 0.0,
            value: None,
        };
        let mut sample = Sample::new(30);
        for n in 0..100 {
            // Every tenth record has no position: it counts, it is not drawn.
            sample.offer(|| (n % 10 != 9).then(|| at(n)));
        }
        let positions = sample.into_positions();
        assert_eq!((positions.records, positions.sampled_every), (100, 4));
        let kept: Vec<f64> = positions.points.iter().map(|p| p.lon).collect();
        let expected: Vec<f64> = (0..100)
            .step_by(4)
            .filter(|n| n % 10 != 9)
            .map(|n| n as f64)
            .collect();
        assert_eq!(kept, expected, "from the first record to the last");

        let mut few = Sample::new(30);
        (0..30).for_each(|n| few.offer(|| Some(at(n))));
        let all = few.into_positions();
        assert_eq!((all.points.len(), all.sampled_every), (30, 1));
    }
}
