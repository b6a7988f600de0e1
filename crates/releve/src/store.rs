//! The MongoDB side of the contract: collection names, the documents users query, indexes,
//! and a connection that fails in seconds rather than the driver's default 30.
//!
//! `hourly` holds one [`HourlySummary`] per (source, UTC hour); `records` holds the latest
//! version of each de-duplicated record; `runs` holds the collector's [`RunMetrics`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use mongodb::bson::{self, Document, doc};
use mongodb::options::{
    Acknowledgment, ClientOptions, IndexOptions, ReadPreference, SelectionCriteria, WriteConcern,
};
use mongodb::{Client, Database, IndexModel};
use serde::{Deserialize, Serialize};

use crate::metrics::RunMetrics;

/// Collection of hourly summaries.
pub const HOURLY: &str = "hourly";
/// Collection of de-duplicated records.
pub const RECORDS: &str = "records";
/// Collection of collector runs.
pub const RUNS: &str = "runs";
/// Collection of the records the summariser dropped, per landed file (no key, or no time it
/// could read).
pub const REJECTED: &str = "rejected";
/// Collection of the records themselves the summariser dropped, once per content.
pub const REJECTED_RECORDS: &str = "rejected_records";

/// Default URI when neither `--mongodb-uri` nor `MONGODB_URI` is given.
pub const DEFAULT_URI: &str = "mongodb://127.0.0.1:27017";
/// Default database.
pub const DEFAULT_DATABASE: &str = "releve";

/// Category values an `hourly` document names per field and hour; the rest are counted in
/// its `other`.
pub const TOP_CATEGORY_VALUES: usize = 20;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long `runs` documents are kept (a TTL index on `finished`).
pub const RUNS_KEPT: Duration = Duration::from_secs(90 * 86_400);

/// A MongoDB failure, with the URI's credentials removed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URI is not a MongoDB connection string.
    // The driver's error kind only: its full text adds `labels: {}, source: None, ...`.
    #[error("MongoDB URI {uri} is invalid: {}", gist(.cause))]
    BadUri {
        /// The URI without credentials.
        uri: String,
        /// The driver's complaint.
        cause: mongodb::error::Error,
    },
    /// The URI asks writers not to wait for MongoDB's acknowledgement.
    #[error(
        "MongoDB URI {uri} asks for unacknowledged writes (w=0): the summariser deletes a landed \
         file only once MongoDB has acknowledged its records; remove `w=0`"
    )]
    Unacknowledged {
        /// The URI without credentials.
        uri: String,
    },
    /// The database name is one MongoDB cannot take.
    #[error("--database `{name}` is not a MongoDB database name: {why}")]
    BadDatabase {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// No server answered.
    #[error("MongoDB at {uri} is unreachable ({detail}): check the URI and that the server runs")]
    Unreachable {
        /// The URI without credentials.
        uri: String,
        /// The gist of the driver's complaint (its full text is logged at debug level).
        detail: String,
    },
    /// The server refused the URI's credentials.
    #[error(
        "MongoDB at {uri} refused the login: check the user, password and authSource in the URI"
    )]
    LoginRefused {
        /// The URI without credentials.
        uri: String,
    },
    /// A command was answered with a write error.
    #[error("MongoDB refused the {action}: {reason}")]
    Refused {
        /// What was being done.
        action: String,
        /// The server's message.
        reason: String,
    },
    /// A command failed.
    #[error("MongoDB {action} failed: {}", gist(.cause))]
    Command {
        /// What was being done.
        action: String,
        /// The driver's complaint.
        cause: mongodb::error::Error,
    },
}

/// The driver's error in words: its kind, without the fields of an error nested inside it
/// (`Kind: …, labels: {}, source: None, server response: None`), which its text adds when
/// a reply could not be read.
fn gist(cause: &mongodb::error::Error) -> String {
    without_nested_fields(&cause.kind.to_string())
}

fn without_nested_fields(text: &str) -> String {
    [", labels: {}", ", source: None", ", server response: None"]
        .iter()
        .fold(text.replace("Kind: ", ""), |text, noise| {
            text.replace(noise, "")
        })
}

impl StoreError {
    /// Wraps a driver error with what was being done; the text is copied only on failure, so
    /// the wrapper costs nothing per document of a cursor.
    pub fn command(action: &str) -> impl FnOnce(mongodb::error::Error) -> StoreError + '_ {
        move |cause| StoreError::Command {
            action: action.to_owned(),
            cause,
        }
    }

    fn unreachable(uri: String, cause: &mongodb::error::Error) -> StoreError {
        tracing::debug!(error = %cause, "MongoDB did not answer the ping.");
        let login = matches!(
            *cause.kind,
            mongodb::error::ErrorKind::Authentication { .. }
        );
        match why_unreachable(&cause.to_string()) {
            _ if login => StoreError::LoginRefused { uri },
            Unreachable::Login => StoreError::LoginRefused { uri },
            Unreachable::Because(detail) => StoreError::Unreachable {
                uri,
                detail: detail.to_owned(),
            },
        }
    }
}

/// Why no server could be used.
#[derive(Debug, PartialEq)]
enum Unreachable {
    /// The credentials were refused.
    Login,
    /// Anything else, in words.
    Because(&'static str),
}

/// The cause in a driver's error text (which also holds internals not worth showing), the
/// most specific first: a server selection timeout wraps the others. The driver's own words
/// are matched (`SCRAM failure`, `Connection refused`), not a host name holding them.
fn why_unreachable(text: &str) -> Unreachable {
    let holds = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if holds(&[
        "SCRAM failure",
        "Authentication failed",
        "AuthenticationFailed",
    ]) {
        Unreachable::Login
    } else if holds(&["failed to lookup address", "Name or service not known"]) {
        Unreachable::Because("the host name does not resolve")
    } else if holds(&["Connection refused"]) {
        Unreachable::Because("connection refused")
    } else if holds(&["certificate", "TLS handshake", "tls handshake"]) {
        Unreachable::Because("the TLS handshake failed")
    } else if holds(&["Server selection timeout", "timed out"]) {
        Unreachable::Because("no server answered in time")
    } else {
        Unreachable::Because("no usable server")
    }
}

/// Connects, checks the server answers a ping within a few seconds, and ensures the indexes
/// (the stages that write).
///
/// Landed files are deleted once their records are acknowledged, so a write is acknowledged
/// only once a majority of the replica set holds it (on a replica set, in its journal: a
/// failover cannot undo it then), unless the URI sets `w` itself; a URI asking
/// for no acknowledgement (`w=0`) is refused. Waiting for a single server's journal
/// (`journal=true`) is the URI's choice: it costs nx-27017 half again the run's time. Reads
/// go to the primary, which holds the writes just made, whatever `readPreference` the URI
/// gives the readers.
pub async fn connect(uri: &str, database: &str) -> Result<Database, StoreError> {
    let options = for_writers(client_options(uri, database).await?, uri)?;
    let db = open(uri, database, options).await?;
    ensure_indexes(&db).await?;
    Ok(db)
}

/// `options` as a writer needs them (see [`connect`]).
fn for_writers(mut options: ClientOptions, uri: &str) -> Result<ClientOptions, StoreError> {
    let unacknowledged = options
        .write_concern
        .as_ref()
        .is_some_and(|concern| concern.w == Some(Acknowledgment::Nodes(0)));
    if unacknowledged {
        return Err(StoreError::Unacknowledged { uri: redact(uri) });
    }
    // A URI may set `journal` or `wtimeoutMS` alone: the driver then holds a concern without `w`.
    let concern = options
        .write_concern
        .get_or_insert_with(WriteConcern::default);
    concern.w.get_or_insert(Acknowledgment::Majority);
    options.selection_criteria = Some(SelectionCriteria::ReadPreference(ReadPreference::Primary));
    Ok(options)
}

/// Connects and checks the server answers a ping within a few seconds, creating nothing: for
/// readers whose MongoDB user may only read.
pub async fn connect_read_only(uri: &str, database: &str) -> Result<Database, StoreError> {
    let options = client_options(uri, database).await?;
    open(uri, database, options).await
}

/// The URI's options, with relevé's timeouts and name unless it sets them.
async fn client_options(uri: &str, database: &str) -> Result<ClientOptions, StoreError> {
    check_database_name(database)?;
    let mut options = ClientOptions::parse(uri)
        .await
        .map_err(|cause| StoreError::BadUri {
            uri: redact(uri),
            cause,
        })?;
    options
        .server_selection_timeout
        .get_or_insert(CONNECT_TIMEOUT);
    options.connect_timeout.get_or_insert(CONNECT_TIMEOUT);
    options.app_name.get_or_insert_with(|| "releve".to_owned());
    Ok(options)
}

/// A client with `options`, once the server has answered a ping.
async fn open(uri: &str, database: &str, options: ClientOptions) -> Result<Database, StoreError> {
    let shown = redact(uri);
    let client = Client::with_options(options).map_err(|cause| StoreError::BadUri {
        uri: shown.clone(),
        cause,
    })?;
    let db = client.database(database);
    db.run_command(doc! {"ping": 1})
        .await
        .map_err(|cause| StoreError::unreachable(shown, &cause))?;
    Ok(db)
}

async fn ensure_indexes(db: &Database) -> Result<(), StoreError> {
    let unique = || IndexOptions::builder().unique(true).build();
    let indexes: [(&str, Document, Option<IndexOptions>); 10] = [
        (HOURLY, doc! {"source": 1, "hour": 1}, Some(unique())),
        (RECORDS, doc! {"source": 1, "key": 1}, Some(unique())),
        (RECORDS, doc! {"source": 1, "hour": 1}, None),
        (
            RECORDS,
            doc! {"expire_at": 1},
            Some(IndexOptions::builder().expire_after(Duration::ZERO).build()),
        ),
        (
            RUNS,
            doc! {"source": 1, "started": 1, "file": 1},
            Some(unique()),
        ),
        (
            RUNS,
            doc! {"finished": 1},
            Some(IndexOptions::builder().expire_after(RUNS_KEPT).build()),
        ),
        (REJECTED, doc! {"source": 1, "file": 1}, Some(unique())),
        (
            REJECTED,
            doc! {"landed_at": 1},
            Some(IndexOptions::builder().expire_after(RUNS_KEPT).build()),
        ),
        (
            REJECTED_RECORDS,
            doc! {"source": 1, "hash": 1},
            Some(unique()),
        ),
        (
            REJECTED_RECORDS,
            doc! {"landed_at": 1},
            Some(IndexOptions::builder().expire_after(RUNS_KEPT).build()),
        ),
    ];
    for (collection, keys, options) in indexes {
        let model = IndexModel::builder().keys(keys).options(options).build();
        db.collection::<Document>(collection)
            .create_index(model)
            .await
            .map_err(StoreError::command(&format!(
                "index creation on `{collection}`"
            )))?;
    }
    Ok(())
}

/// Refuses a name MongoDB would refuse only once connected, which the driver reports as no
/// usable server: empty, 64 bytes or more, or holding `/\. "$` or a NUL character.
pub fn check_database_name(name: &str) -> Result<(), StoreError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.len() >= 64 {
        Some("it must be shorter than 64 bytes")
    } else if name.contains(['/', '\\', '.', ' ', '"', '$', '\0']) {
        Some("it cannot hold `/`, `\\`, `.`, a space, `\"` or `$`")
    } else {
        None
    };
    match why {
        Some(why) => Err(StoreError::BadDatabase {
            name: name.to_owned(),
            why,
        }),
        None => Ok(()),
    }
}

/// The URI with any `user:password@` replaced, and the values of options that may hold a
/// secret (`tlsCertificateKeyFilePassword`, `authMechanismProperties` with a session token),
/// for messages and logs.
pub fn redact(uri: &str) -> String {
    // Everything up to the last `@` goes: a password holding `/`, `?` or `@` that should
    // have been percent-encoded is still hidden, and so is one in a URI missing its scheme
    // (`user:password@host`, `mongodb:/user:password@host`).
    let (userinfo, rest) = match (uri.find("://"), uri.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            (format!("{}://***@", &uri[..scheme_end]), &uri[at + 1..])
        }
        (_, Some(at)) => ("***@".to_owned(), &uri[at + 1..]),
        _ => (String::new(), uri),
    };
    match rest.split_once('?') {
        Some((address, options)) => format!("{userinfo}{address}?{}", redact_options(options)),
        None => format!("{userinfo}{rest}"),
    }
}

/// `name=value` options (`&` or `;` between them) with the values of secret-looking names
/// replaced by `***`.
fn redact_options(options: &str) -> String {
    let secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        [
            "password",
            "secret",
            "token",
            "key",
            "authmechanismproperties",
        ]
        .iter()
        .any(|word| name.contains(word))
    };
    let mut shown = String::with_capacity(options.len());
    for piece in options.split_inclusive(['&', ';']) {
        let (option, separator) = match piece.strip_suffix(['&', ';']) {
            Some(option) => (option, &piece[option.len()..]),
            None => (piece, ""),
        };
        match option.split_once('=') {
            Some((name, _)) if secret(name) => {
                shown.push_str(name);
                shown.push_str("=***");
            }
            _ => shown.push_str(option),
        }
        shown.push_str(separator);
    }
    shown
}

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
    pub hour: bson::DateTime,
    /// Distinct records (by the source's `key`) whose time falls in the hour.
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
    /// When the summary was last computed.
    pub updated_at: bson::DateTime,
}

/// Statistics of one numeric field over one hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    /// The field path from `sources.toml`.
    pub field: String,
    /// Records holding a number in this field.
    pub count: i64,
    /// Records without a number (missing, null, `"ND"`).
    pub nulls: i64,
    /// Records whose number lies outside the source's `plausible` range; they are left out of
    /// `count` and the statistics (absent before 2026-11-30, read as 0).
    #[serde(default)]
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
    pub other: i64,
    /// Records without a value.
    pub nulls: i64,
}

/// How many records hold one category value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueCount {
    /// The value.
    pub value: String,
    /// Records holding it.
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
    /// Records landed.
    #[serde(default)]
    pub records: i64,
    /// The total the API announced, if it did.
    #[serde(default)]
    pub announced: Option<i64>,
    /// Requests that repeated an earlier failed attempt.
    #[serde(default)]
    pub retries: i64,
    /// Answers with status 429.
    #[serde(default)]
    pub throttled: i64,
    /// Records announced that no query could reach or that were never served.
    #[serde(default)]
    pub shortfall: i64,
    /// Why the run failed, when it did.
    #[serde(default)]
    pub error: Option<String>,
    /// The day a per-day source's run collected.
    #[serde(default)]
    pub day: Option<chrono::NaiveDate>,
}

impl StoredRun {
    /// When the run ended, or started for a document without `finished`.
    pub fn ended(&self) -> DateTime<Utc> {
        chrono_date(self.finished.unwrap_or(self.started))
    }
}

/// A [`RunMetrics`] as stored in `runs`, with BSON dates.
pub fn run_document(metrics: &RunMetrics) -> Result<Document, bson::ser::Error> {
    let mut document = bson::to_document(metrics)?;
    document.insert("started", bson_date(metrics.started));
    document.insert("finished", bson_date(metrics.finished));
    Ok(document)
}

#[cfg(test)]
mod tests;
