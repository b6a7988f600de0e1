//! The documents users query (`hourly`, `records`, `runs`) and the dates they hold.

use super::counts;
use super::*;

/// A chrono time as a BSON date.
pub fn bson_date(time: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(time.timestamp_millis())
}

/// The start of the UTC hour holding `time`: the `hour` of a record and of its summary.
/// Whole seconds, so it holds for every year a record's time can have (chrono's
/// `duration_trunc` works in nanoseconds and gives up outside 1677–2262).
pub fn hour_of(time: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = time.timestamp();
    DateTime::from_timestamp(seconds - seconds.rem_euclid(3600), 0).unwrap_or(time)
}

/// A BSON date as a chrono time.
pub fn chrono_date(time: bson::DateTime) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(time.timestamp_millis()).unwrap_or_default()
}

/// One document of `hourly`: what a source's records of one UTC hour look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourlySummary {
    /// Source name.
    pub source: String,
    /// Start of the UTC hour.
    #[serde(deserialize_with = "counts::hour_start")]
    pub hour: bson::DateTime,
    /// Distinct records (by the source's `key`) whose time falls in the hour.
    #[serde(deserialize_with = "counts::count")]
    pub count: i64,
    /// One entry per configured numeric field.
    #[serde(default)]
    pub numeric: Vec<NumericSummary>,
    /// One entry per configured category field.
    #[serde(default)]
    pub categories: Vec<CategoryCounts>,
    /// Bounding box of the positioned records, for positioned sources.
    #[serde(default)]
    pub bbox: Option<BoundingBox>,
    /// When the summary was last computed (read as the epoch when missing: no reader needs
    /// it, and a document written by hand without it still reads).
    #[serde(default = "counts::epoch")]
    pub updated_at: bson::DateTime,
}

/// Statistics of one numeric field over one hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    /// The field path from `sources.toml`.
    pub field: String,
    /// Records holding a number in this field.
    #[serde(deserialize_with = "counts::count")]
    pub count: i64,
    /// Records without a number (missing, null, `"ND"`).
    #[serde(deserialize_with = "counts::count")]
    pub nulls: i64,
    /// Records whose number lies outside the source's `plausible` range; they are left out of
    /// `count` and the statistics (absent before 2026-11-30, read as 0).
    #[serde(default, deserialize_with = "counts::count")]
    pub implausible: i64,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Sum of values.
    pub sum: f64,
}

/// Value counts of one category field over one hour: the 20 most frequent, the rest in `other`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCounts {
    /// The field path from `sources.toml`.
    pub field: String,
    /// Most frequent values first.
    pub values: Vec<ValueCount>,
    /// Records whose value is not among `values`.
    #[serde(deserialize_with = "counts::count")]
    pub other: i64,
    /// Records without a value.
    #[serde(deserialize_with = "counts::count")]
    pub nulls: i64,
}

/// How many records hold one category value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueCount {
    /// The value.
    pub value: String,
    /// Records holding it.
    #[serde(deserialize_with = "counts::count")]
    pub count: i64,
}

/// The smallest box holding every positioned record of the hour, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    /// West edge.
    pub min_lon: f64,
    /// South edge.
    pub min_lat: f64,
    /// East edge.
    pub max_lon: f64,
    /// North edge.
    pub max_lat: f64,
}

impl BoundingBox {
    /// The box of one point.
    pub fn around(lon: f64, lat: f64) -> BoundingBox {
        BoundingBox {
            min_lon: lon,
            min_lat: lat,
            max_lon: lon,
            max_lat: lat,
        }
    }

    /// The smallest box holding both.
    pub fn union(self, other: BoundingBox) -> BoundingBox {
        BoundingBox {
            min_lon: self.min_lon.min(other.min_lon),
            min_lat: self.min_lat.min(other.min_lat),
            max_lon: self.max_lon.max(other.max_lon),
            max_lat: self.max_lat.max(other.max_lat),
        }
    }

    /// The smallest box holding all of `boxes`; `None` when there is none.
    pub fn enclosing(boxes: impl IntoIterator<Item = BoundingBox>) -> Option<BoundingBox> {
        boxes.into_iter().reduce(BoundingBox::union)
    }
}

/// One document of `records`: the latest version of a de-duplicated record. The summariser
/// writes it field by field (through serde, bson would read a `data` object shaped like
/// extended JSON, `{"$date": …}`, as a typed value) and its tests read what it wrote back into
/// this type, so the two cannot drift apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// Source name.
    pub source: String,
    /// The record identity (`key` field) as text.
    pub key: String,
    /// The record time.
    pub time: bson::DateTime,
    /// Start of the UTC hour of `time`.
    pub hour: bson::DateTime,
    /// The landed file this version came from.
    pub file: String,
    /// When that file landed; a version from a later file replaces an earlier one.
    pub landed_at: bson::DateTime,
    /// While a file of the source waits in quarantine, the latest later file that held this
    /// version (later files may repeat it unchanged), else `file`: a file older than it, moved
    /// back from quarantine, never replaces it. Absent from documents stored before relevé
    /// kept it: `file` then stands for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_file: Option<String>,
    /// The record as the API served it.
    pub data: Document,
    /// When the record may be dropped (sources with `keep_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_at: Option<bson::DateTime>,
}

/// One document of `runs` as the readers read it: [`RunMetrics`] with BSON dates (see
/// [`run_document`]), every field a reader can do without defaulted, so a document written by
/// an earlier relevé still reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoredRun {
    /// Source name.
    pub source: String,
    /// When the run started.
    pub started: bson::DateTime,
    /// When it ended; a success counts from then.
    #[serde(default)]
    pub finished: Option<bson::DateTime>,
    /// The data file the run landed (none for a failed run).
    #[serde(default)]
    pub file: Option<String>,
    /// Records landed.
    #[serde(default, deserialize_with = "counts::count")]
    pub records: i64,
    /// The total the API announced, if it did.
    #[serde(default, deserialize_with = "counts::optional_count")]
    pub announced: Option<i64>,
    /// Requests that repeated an earlier failed attempt; `None` for a run that did not finish.
    #[serde(default, deserialize_with = "counts::optional_count")]
    pub retries: Option<i64>,
    /// Answers with status 429; `None` for a run that did not finish.
    #[serde(default, deserialize_with = "counts::optional_count")]
    pub throttled: Option<i64>,
    /// Records announced that no query could reach or that were never served.
    #[serde(default, deserialize_with = "counts::count")]
    pub shortfall: i64,
    /// The share of the announced total landed (see [`RunMetrics::coverage`]).
    #[serde(default)]
    pub coverage: Option<f64>,
    /// Records landed that shared their key with a different record of the same run.
    #[serde(default, deserialize_with = "counts::count")]
    pub key_clashes: i64,
    /// The `key` those records shared, as written then; absent when none did, and from runs
    /// stored before relevé recorded it.
    #[serde(default)]
    pub clash_key: Option<String>,
    /// Why the run failed, when it did.
    #[serde(default)]
    pub error: Option<String>,
    /// The day a per-day source's run collected.
    #[serde(default)]
    pub day: Option<chrono::NaiveDate>,
    /// The source's `every` the run collected under, in seconds (absent before relevé
    /// recorded it).
    #[serde(default, deserialize_with = "counts::optional_count")]
    pub every_s: Option<i64>,
    /// When the first collection skipped while the source was disabled was due, for the
    /// first run after it was enabled again.
    #[serde(default)]
    pub disabled_from: Option<bson::DateTime>,
    /// For a failed run, when the collector tries the source again at the earliest.
    #[serde(default)]
    pub retry_from: Option<bson::DateTime>,
    /// When the collector run that made this one began, when before `started` (absent before
    /// relevé recorded it): see [`RunMetrics::scheduled_from`].
    #[serde(default)]
    pub scheduled_from: Option<bson::DateTime>,
}

impl StoredRun {
    /// When the run ended, or started for a document without `finished`.
    pub fn ended(&self) -> DateTime<Utc> {
        chrono_date(self.finished.unwrap_or(self.started))
    }
}

/// A [`RunMetrics`] as stored in `runs`, with BSON dates. A total announced past any real one
/// (10^12, an API's error) is stored as none announced, its shortfall as none, with a warning:
/// the readers would refuse the run.
pub fn run_document(metrics: &RunMetrics) -> Result<Document, bson::ser::Error> {
    let past_any = metrics
        .announced
        .filter(|&announced| i64::try_from(announced).map_or(true, |n| n > counts::MOST));
    let mut metrics = std::borrow::Cow::Borrowed(metrics);
    if let Some(announced) = past_any {
        tracing::warn!(
            source = %metrics.source,
            started = %metrics.started,
            "The API announced {announced} records, more than any API holds: the run is stored without that total."
        );
        let kept = metrics.to_mut();
        (kept.announced, kept.coverage, kept.shortfall) = (None, None, 0);
    }
    let metrics = metrics.as_ref();
    let mut document = bson::to_document(metrics)?;
    document.insert("started", bson_date(metrics.started));
    document.insert("finished", bson_date(metrics.finished));
    if let Some(from) = metrics.disabled_from {
        document.insert("disabled_from", bson_date(from));
    }
    if let Some(retry) = metrics.retry_from {
        document.insert("retry_from", bson_date(retry));
    }
    if let Some(from) = metrics.scheduled_from {
        document.insert("scheduled_from", bson_date(from));
    }
    Ok(document)
}
