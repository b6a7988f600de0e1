//! Everything the report shows, read from MongoDB in a handful of queries per source: the
//! hourly summaries of the period, the collector runs, the last successful collection and,
//! for positioned sources, the positions of the period's records; and each source's first known
//! collection. Documents without the shape relevé writes are left out and noted (see
//! `reading`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::FindOptions;
use releve::store::{self, HourlySummary, StoreError, StoredRun};
use releve::{Config, RunMetrics, Source};
use serde::Deserialize;

use crate::period::ReportPeriod;
pub use crate::reading::Unread;
use crate::reading::{each_source, find_all, find_first, find_latest};

pub use crate::positions::{MAX_POSITIONS, Position, Positions};

/// One collector run, as the report needs it (its default, a run at the epoch that landed
/// nothing, is for tests to build on).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CollectionRun {
    /// When the run started.
    pub started: DateTime<Utc>,
    /// The data file it landed (none for a failed run).
    pub file: Option<String>,
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
    /// Records landed sharing their key with a different record of the same run.
    pub key_clashes: u64,
    /// The `key` they shared, as written then, when the run recorded it.
    pub clash_key: Option<String>,
    /// Why the run failed, when it did.
    pub error: Option<String>,
    /// The source's `every` the run collected under, in seconds, when it recorded it.
    pub every_s: Option<i64>,
    /// For the first run after the source was enabled again, when its first collection
    /// skipped while disabled was due: none was expected from then until this run.
    pub disabled_from: Option<DateTime<Utc>>,
    /// The day a per-day source's run collected (none for other sources, and for runs stored
    /// before relevé recorded it).
    pub day: Option<chrono::NaiveDate>,
    /// For a failed run, when the collector tries the source again at the earliest (none for
    /// runs stored before relevé recorded it).
    pub retry_from: Option<DateTime<Utc>>,
}

impl CollectionRun {
    /// The `every` the run collected under, when it recorded one.
    pub fn interval(&self) -> Option<chrono::Duration> {
        self.every_s
            .filter(|every| *every > 0)
            .and_then(chrono::Duration::try_seconds)
    }

    /// When the collector was to run `source` next after this run, at the interval it recorded
    /// (else `every`), as the schedule counts it ([`releve::Every::due_after`]: from the run's
    /// minute, whole days on the reports' clock).
    pub fn next_due(&self, source: &releve::Source) -> DateTime<Utc> {
        let every = self
            .every_s
            .and_then(|every| u64::try_from(every).ok())
            .filter(|every| *every > 0)
            .map_or(source.every, releve::Every::from_secs);
        every.due_after(self.started, source.days_in)
    }

    /// For a failed run, when the collector was to try the source again: the retry it
    /// recorded (the run itself starts at the cron minute after it), or for a run stored
    /// before relevé recorded it, the end of the longest pause an API can ask for
    /// ([`releve::metrics::LONGEST_PAUSE`]).
    pub fn retried_by(&self) -> DateTime<Utc> {
        self.retry_from
            .unwrap_or(self.started + releve::metrics::LONGEST_PAUSE)
    }

    /// The day a per-day source's run collected: a run stored before relevé recorded `day`
    /// collected the UTC day before the one it started.
    pub fn collected_day(&self) -> Option<chrono::NaiveDate> {
        self.day.or_else(|| self.started.date_naive().pred_opt())
    }
}

impl From<&RunMetrics> for CollectionRun {
    fn from(run: &RunMetrics) -> Self {
        CollectionRun {
            started: run.started,
            file: run.file.clone(),
            records: run.records,
            announced: run.announced,
            // A run that did not finish adds none it is known to have made.
            retries: run.retries.unwrap_or(0),
            throttled: run.throttled.unwrap_or(0),
            shortfall: releve::metrics::shortfall_read(
                run.started,
                run.announced,
                run.shortfall,
                run.coverage,
            ),
            key_clashes: run.key_clashes,
            clash_key: run.clash_key.clone(),
            error: run.error.clone(),
            every_s: run
                .every_s
                .and_then(|every| i64::try_from(every).ok())
                .filter(plausible_every),
            disabled_from: run.disabled_from,
            day: run.day,
            retry_from: run.retry_from,
        }
    }
}

impl From<StoredRun> for CollectionRun {
    fn from(run: StoredRun) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let announced = run.announced.map(count);
        CollectionRun {
            started: store::chrono_date(run.started),
            file: run.file,
            records: count(run.records),
            announced,
            retries: run.retries.map_or(0, count),
            throttled: run.throttled.map_or(0, count),
            shortfall: releve::metrics::shortfall_read(
                store::chrono_date(run.started),
                announced,
                count(run.shortfall),
                run.coverage,
            ),
            key_clashes: count(run.key_clashes),
            clash_key: run.clash_key,
            error: run.error,
            every_s: run.every_s.filter(plausible_every),
            disabled_from: run.disabled_from.map(store::chrono_date),
            day: run.day,
            retry_from: run.retry_from.map(store::chrono_date),
        }
    }
}

/// An `every_s` the configuration could have set (a minute to [`releve::Every::LONGEST`]): one
/// edited by hand past it is taken as not recorded.
fn plausible_every(seconds: &i64) -> bool {
    u64::try_from(*seconds)
        .is_ok_and(|seconds| (60..=releve::Every::LONGEST.duration().as_secs()).contains(&seconds))
}

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

/// Loads every configured source's data for the period, by source name, a few sources at a
/// time (see [`each_source`]).
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

/// The records of the period that `hourly` holds of sources the configuration does not
/// collect (a source renamed or its table removed keeps its history under its old name; a
/// table refused), by source name. A note of the cover, not the report's data: what cannot be
/// read is passed over.
pub async fn unconfigured(
    db: &Database,
    config: &Config,
    period: &ReportPeriod,
) -> BTreeMap<String, i64> {
    let names: Vec<&str> = config
        .sources
        .iter()
        .map(|source| source.name.as_str())
        .collect();
    let filter = doc! {"source": {"$nin": names}, "hour": {
        "$gte": store::bson_date(period.first_hour()),
        "$lt": store::bson_date(period.end_hour()),
    }};
    let only = FindOptions::builder()
        .projection(doc! {"_id": 0, "source": 1, "count": 1})
        .build();
    let mut counts = BTreeMap::new();
    let found = db
        .collection::<mongodb::bson::Document>(store::HOURLY)
        .find(filter)
        .with_options(only)
        .await;
    let Ok(mut cursor) = found else {
        return counts;
    };
    while let Ok(Some(summary)) = futures_util::TryStreamExt::try_next(&mut cursor).await {
        // Read as every reader reads a count; one that does not read is passed over.
        let Some(Ok(count)) = summary
            .get("count")
            .map(|count| store::count(mongodb::bson::Deserializer::new(count.clone())))
        else {
            continue;
        };
        if let Ok(source) = summary.get_str("source")
            && count > 0
        {
            *counts.entry(source.to_owned()).or_insert(0) += count;
        }
    }
    counts
}

/// A source the configuration does not collect that `runs` holds a run of in the period (or
/// of the day after it, when a per-day source collects a day): a source refused or removed
/// whose runs failed has a section in a report written before, though `hourly` holds nothing
/// of it. What cannot be read counts as such a run, of no name known (the report is then left
/// as it is).
pub async fn others_ran(
    db: &Database,
    config: &Config,
    period: &ReportPeriod,
) -> Option<Option<String>> {
    let names: Vec<&str> = config
        .sources
        .iter()
        .map(|source| source.name.as_str())
        .collect();
    let filter = doc! {"$and": [
        {"source": {"$nin": names}},
        {"started": {
            "$gte": store::bson_date(period.start()),
            "$lt": store::bson_date(period.end() + chrono::TimeDelta::days(1)),
        }},
    ]};
    match db
        .collection::<mongodb::bson::Document>(store::RUNS)
        .find_one(filter)
        .projection(doc! {"_id": 0, "source": 1})
        .await
    {
        Ok(None) => None,
        Ok(Some(run)) => Some(run.get_str("source").ok().map(str::to_owned)),
        Err(_) => Some(None),
    }
}

/// Where the runs still kept begin, when `runs` has lost older ones: the end of the oldest run
/// kept, when it ended about [`store::RUNS_KEPT`] before `now`, which is where the TTL index
/// has been deleting (see [`kept_from`]). An older oldest run means runs are not being deleted
/// (a server without TTL), a younger one that none has aged enough yet: nothing is lost then.
pub async fn runs_kept_from(
    db: &Database,
    config: &Config,
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    // The TTL index on `finished` serves this sort; a run without `finished` never expires.
    // Configured sources only: a run of a source removed since is not this report's concern.
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let oldest: Option<StoredRun> = find_first(
        db,
        store::RUNS,
        // Dates only (a range compares no other type); nx-27017 knows no `$type: "date"`.
        doc! {"source": {"$in": names}, "finished": {"$gte": mongodb::bson::DateTime::from_millis(0)}},
        doc! {"finished": 1},
        "reading the oldest run kept",
        unread,
    )
    .await?;
    let intervals = config
        .sources
        .iter()
        .filter(|source| source.enabled)
        .map(|source| source.every.as_chrono());
    Ok(kept_from(oldest.map(|run| run.ended()), intervals, now))
}

/// The end of the oldest run kept, `oldest`, when the TTL index has been deleting up to it:
/// when it ended within a day of the horizon, [`store::RUNS_KEPT`] before `now` (a day
/// before it: deletions lag), or after it by up to the slowest of the enabled sources'
/// `intervals` and an hour for its run, since the run after the last one deleted can end that
/// late. An interval of half the time runs are kept or more (a quarterly source) widens
/// nothing: its runs, one or two kept at a time, would mark runs lost from its first on.
pub fn kept_from(
    oldest: Option<DateTime<Utc>>,
    intervals: impl IntoIterator<Item = chrono::TimeDelta>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let kept = chrono::TimeDelta::seconds(i64::try_from(store::RUNS_KEPT.as_secs()).unwrap_or(0));
    let horizon = now - kept;
    let day = chrono::TimeDelta::days(1);
    let slowest = intervals
        .into_iter()
        .filter(|every| *every * 2 < kept)
        .max()
        .unwrap_or_default();
    let later = day.max(slowest + chrono::TimeDelta::hours(1));
    oldest.filter(|finished| horizon - day <= *finished && *finished <= horizon + later)
}

/// Each configured source's first known collection: the start of its earliest run still in
/// `runs`, whatever its outcome, in or out of the period — for a per-day source, the start, in
/// the report's time zone, of the earliest day a run collected, but not before the day before
/// its earliest run began. Sources without a run are left out. A few sources are read at a
/// time (see [`each_source`]).
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
        Some(store::chrono_date(by_start.started))
    };
    Ok(first)
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
    // The runs that tell of a stretch disabled overlapping the period, which may come after it.
    let disabled = doc! {
        "source": name,
        "disabled_from": {"$lt": store::bson_date(period.end())},
        "started": {"$gt": store::bson_date(period.start())},
    };
    let action = format!("reading when {name} was disabled");
    let disabled: Vec<StoredRun> =
        find_all(db, store::RUNS, disabled, by_start, &action, unread).await?;
    let run_before = run_before(db, source, period, unread).await?;
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
    Ok(SourceData {
        hourly,
        runs: runs.into_iter().map(CollectionRun::from).collect(),
        last_success: health.last_success,
        latest_run_failed: health.latest_run_failed,
        latest_run: health.latest_run,
        rejected,
        positions,
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
/// collected (France Travail collects a day after it ends), the others' to when they started.
fn runs_of(source: &Source, period: &ReportPeriod) -> Document {
    let name = source.name.as_str();
    if !source.collects_by_day() {
        let (start, end) = (
            store::bson_date(period.start()),
            store::bson_date(period.end()),
        );
        return doc! {"source": name, "started": {"$gte": start, "$lt": end}};
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

/// The latest run of `source` started before `period`; none for a source collecting by day,
/// whose runs belong to the days they collect.
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn the_oldest_run_kept_marks_lost_runs_when_it_ended_near_the_horizon() {
        let now = Utc::now();
        let horizon = now - TimeDelta::days(90);
        let after = |t: TimeDelta| Some(horizon + t);
        let quarter_hour = TimeDelta::minutes(15);
        let day = TimeDelta::days(1);
        // Sources every 15 minutes: runs are deleted up to the horizon, give or take a day.
        assert_eq!(
            kept_from(after(quarter_hour), [quarter_hour], now),
            after(quarter_hour)
        );
        assert_eq!(kept_from(after(-day), [quarter_hour], now), after(-day));
        // Older: no TTL deletes runs; younger: none has aged that far yet.
        assert_eq!(kept_from(after(-day * 2), [quarter_hour], now), None);
        assert_eq!(kept_from(after(day * 2), [quarter_hour], now), None);
        // Daily sources only: the run after the last one deleted ended up to a day and its
        // run's length later.
        let daily_run = day + TimeDelta::minutes(4);
        assert_eq!(kept_from(after(daily_run), [day], now), after(daily_run));
        assert_eq!(kept_from(after(day * 2), [day], now), None);
        // A weekly source widens the later side only: a run older than the horizon by more
        // than a day still means a server without TTL.
        let week = TimeDelta::days(7);
        assert_eq!(kept_from(after(day * 6), [week], now), after(day * 6));
        assert_eq!(kept_from(after(-day * 2), [week], now), None);
        assert_eq!(kept_from(after(day * 9), [week], now), None);
        assert_eq!(kept_from(None, [day], now), None);
        // A quarterly source beside a daily one: the daily one's interval holds. Alone, its
        // first run, today, is no run kept after others were deleted.
        let quarter = TimeDelta::days(91);
        assert_eq!(kept_from(after(day * 9), [day, quarter], now), None);
        assert_eq!(
            kept_from(after(daily_run), [quarter, day], now),
            after(daily_run)
        );
        assert_eq!(kept_from(Some(now), [quarter], now), None);
        assert_eq!(kept_from(Some(now - day * 10), [quarter], now), None);
    }
}
