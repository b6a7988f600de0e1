//! The MongoDB side of the contract: collection names, the documents users query, indexes,
//! and a connection that fails in seconds rather than the driver's default 30.
//!
//! `hourly` holds one [`HourlySummary`] per (source, UTC hour); `records` holds the latest
//! version of each de-duplicated record; `runs` holds the collector's [`RunMetrics`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use mongodb::bson::{self, Document, doc};
use mongodb::options::{
    Acknowledgment, ClientOptions, ConnectionString, ReadPreference, SelectionCriteria,
    WriteConcern,
};
use mongodb::{Client, Database};
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
/// How long an operation of a run waits for a server to take it, once the first one was
/// answered, unless the URI's `serverSelectionTimeoutMS` says: the driver's own default, which
/// a replica set's election (a primary stepping down for maintenance, under 12 s) fits in.
const ELECTION_WAIT: Duration = Duration::from_secs(30);
/// How long `runs` documents are kept (a TTL index on `finished`).
pub const RUNS_KEPT: Duration = Duration::from_secs(90 * 86_400);

mod counts;
mod deadline;
mod documents;
mod error;
mod hosts;
mod indexes;
pub mod installation;
mod redaction;
pub mod restored;
mod trust;

pub use counts::{count, hour_start, optional_count};
use deadline::ANSWER_WAIT;
pub use deadline::answered;
pub use documents::{
    BoundingBox, CategoryCounts, HourlySummary, NumericSummary, StoredRecord, StoredRun,
    ValueCount, bson_date, chrono_date, hour_of, run_document,
};
pub use error::{StoreError, apart as clocks_apart};
pub use hosts::{same_server, server};
use indexes::ensure_indexes;
use redaction::password_as_port;
pub use redaction::{redact, redact_uris};

/// Calls `each` with every document a `find` returns, in order, one at a time (none is held
/// after `each` returns); `action` names the read in its errors.
pub async fn each_found<T>(
    find: impl std::future::IntoFuture<Output = mongodb::error::Result<mongodb::Cursor<T>>>,
    action: &str,
    mut each: impl FnMut(T),
) -> Result<(), StoreError>
where
    T: serde::de::DeserializeOwned + Send + Sync,
{
    use futures_util::TryStreamExt;
    let mut cursor = find.await.map_err(StoreError::command(action))?;
    while let Some(document) = cursor
        .try_next()
        .await
        .map_err(StoreError::command(action))?
    {
        each(document);
    }
    Ok(())
}
use error::TlsAsked;
#[cfg(test)]
use error::{
    Unreachable, closed_at_once, signed_by_no_ca_trusted, why_unreachable, without_nested_fields,
};

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
    connect_unindexed(uri, database).await?.indexed().await
}

/// Connects for writing as [`connect`] does, creating nothing yet: the caller can look at
/// the database as it was found ([`Unindexed::held_releve_data`]) before the indexes
/// ([`Unindexed::indexed`]) create relevé's collections in it.
pub async fn connect_unindexed(uri: &str, database: &str) -> Result<Unindexed, StoreError> {
    let options = for_writers(client_options(uri, database).await?, uri)?;
    let db = open(uri, database, options).await?;
    let checked = match check_clock(&db).await {
        Ok(()) => holds_releve_data(&db).await,
        Err(err) => Err(err),
    };
    match checked {
        Ok(held_releve_data) => Ok(Unindexed {
            db,
            held_releve_data,
        }),
        Err(err) => {
            shut_down(db).await;
            Err(err)
        }
    }
}

/// How far this machine's clock and MongoDB's may be apart before a writer stops: clocks kept
/// by NTP are within a second; hours apart means one was set wrong.
pub const CLOCKS_APART_AT_MOST: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Refuses to go on when this machine's clock and MongoDB's (its `hello` answer's `localTime`)
/// are more than [`CLOCKS_APART_AT_MOST`] apart: the summariser dates records' hours, their
/// expiry and `keep_days` against its clock, so a clock set a month ahead would skip every
/// record landed as past `keep_days`, for good. A server that does not say its time is trusted.
async fn check_clock(db: &Database) -> Result<(), StoreError> {
    let hello = match db.run_command(doc! { "hello": 1 }).await {
        Ok(hello) => hello,
        // A server that does not know `hello` (older than 4.4.2, or a lookalike) says no time.
        Err(err) => {
            tracing::debug!(error = %err, "MongoDB did not answer hello: its clock is not compared.");
            return Ok(());
        }
    };
    let here = Utc::now();
    let Ok(server) = hello.get_datetime("localTime") else {
        return Ok(());
    };
    clocks_close(here, chrono_date(*server))
}

/// See [`check_clock`].
fn clocks_close(here: DateTime<Utc>, server: DateTime<Utc>) -> Result<(), StoreError> {
    if (here - server).abs() > CLOCKS_APART_AT_MOST {
        return Err(StoreError::ClocksApart { here, server });
    }
    Ok(())
}

/// A database connected for writing whose indexes are not ensured yet (see
/// [`connect_unindexed`]).
pub struct Unindexed {
    db: Database,
    /// Whether the database held relevé's collections when connected.
    pub held_releve_data: bool,
}

impl Unindexed {
    /// Whether the default database, `releve`, on the same server holds relevé's collections;
    /// false when it cannot be read (a user allowed only its own database).
    pub async fn default_holds_releve_data(&self) -> bool {
        let default = self.db.client().database(DEFAULT_DATABASE);
        self.db.name() != DEFAULT_DATABASE && holds_releve_data(&default).await.unwrap_or(false)
    }

    /// Whether the database holds a document in `hourly`, `records` or `runs`: relevé data
    /// some run stored, not only the collections a first run cut while creating them left.
    pub async fn holds_stored_data(&self) -> Result<bool, StoreError> {
        for name in [HOURLY, RECORDS, RUNS] {
            let found = self
                .db
                .collection::<mongodb::bson::Document>(name)
                .find_one(doc! {})
                .projection(doc! { "_id": 1 })
                .await
                .map_err(StoreError::command("reading what the database holds"))?;
            if found.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The database as found, its indexes not ensured yet: to read, or to name the raw folder
    /// it is summarised from (see [`installation`]).
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The database, once its indexes are ensured; shut down on failure.
    pub async fn indexed(self) -> Result<Database, StoreError> {
        if let Err(err) = ensure_indexes(&self.db).await {
            shut_down(self.db).await;
            return Err(err);
        }
        Ok(self.db)
    }

    /// Shuts the client down without creating anything (see [`shut_down`]).
    pub async fn shut_down(self) {
        shut_down(self.db).await;
    }
}

/// A URI split at its options, as the driver reads them: what comes before the first `?`, and
/// what after it (`socketTimeoutMS=…&appName=…`); `None` without options.
fn uri_query(uri: &str) -> Option<(&str, &str)> {
    uri.split_once('?')
}

/// Fails with [`StoreError::NoReleveData`] unless `db` holds the collections the summariser
/// creates (see [`holds_releve_data`]): for readers, before they read or write anything.
pub async fn require_releve_data(db: &Database) -> Result<(), StoreError> {
    if holds_releve_data(db).await? {
        Ok(())
    } else {
        Err(StoreError::NoReleveData {
            database: db.name().to_owned(),
        })
    }
}

/// Whether `db` holds the collections the summariser creates on its first run (`hourly` or
/// `runs`).
pub async fn holds_releve_data(db: &Database) -> Result<bool, StoreError> {
    // Refused relevé's default database, the user was most likely given another.
    let refused = |action: &'static str| {
        move |cause: mongodb::error::Error| {
            if db.name() == DEFAULT_DATABASE && error::unauthorized(&cause) {
                StoreError::DefaultRefused {
                    action: action.to_owned(),
                    cause,
                }
            } else {
                StoreError::command(action)(cause)
            }
        }
    };
    // `authorizedCollections`: a user allowed to read these collections, and no more, may
    // list them.
    let names = db
        .list_collection_names()
        .authorized_collections(true)
        .await
        .map_err(refused("listing the collections"))?;
    if names.iter().any(|name| name == HOURLY || name == RUNS) {
        return Ok(true);
    }
    // The same empty list answers a user with no right on the database: reading it tells.
    db.collection::<mongodb::bson::Document>(RUNS)
        .find_one(doc! {})
        .projection(doc! { "_id": 1 })
        .await
        .map_err(refused("reading the database"))?;
    Ok(false)
}

/// Shuts `db`'s client down: call it when done with the database, after an error too. A client
/// left to be dropped as the process exits ends its sessions from a background task the
/// runtime has already stopped, and the driver can then panic, printing a backtrace that a
/// cron mail would carry (seen once in a few hundred runs).
pub async fn shut_down(db: Database) {
    // `immediate`: cursors dropped earlier may still be closing; they need not be waited for.
    db.client().clone().shutdown().immediate(true).await;
}

/// How long a write waits for the acknowledgement its write concern asks for, unless the URI
/// sets `wtimeoutMS`.
pub const WRITE_WAIT: Duration = Duration::from_secs(60);

/// Whether `concern` asks for unacknowledged writes (`w=0`).
fn unacknowledged(concern: Option<&WriteConcern>) -> bool {
    concern.is_some_and(|concern| concern.w == Some(Acknowledgment::Nodes(0)))
}

/// `options` as a writer needs them (see [`connect`]).
fn for_writers(mut options: ClientOptions, uri: &str) -> Result<ClientOptions, StoreError> {
    if unacknowledged(options.write_concern.as_ref()) {
        return Err(StoreError::Unacknowledged { uri: redact(uri) });
    }
    // A URI may set `journal` or `wtimeoutMS` alone: the driver then holds a concern without `w`.
    let concern = options
        .write_concern
        .get_or_insert_with(WriteConcern::default);
    concern.w.get_or_insert(Acknowledgment::Majority);
    // A replica set short of the members `w` asks for would otherwise leave the run waiting,
    // holding its lock, until someone kills it: it fails instead, and its files stay.
    concern.w_timeout.get_or_insert(WRITE_WAIT);
    options.selection_criteria = Some(SelectionCriteria::ReadPreference(ReadPreference::Primary));
    Ok(options)
}

/// Connects and checks the server answers a ping within a few seconds, creating nothing: for
/// readers whose MongoDB user may only read.
pub async fn connect_read_only(uri: &str, database: &str) -> Result<Database, StoreError> {
    let options = client_options(uri, database).await?;
    open(uri, database, options).await
}

/// [`connect_read_only`], given up after `wait`, or after the URI's `serverSelectionTimeoutMS`
/// (and a connection's time) when it asks for more: a server that answers the driver's
/// heartbeats but not its ping would otherwise be waited for for ever.
pub async fn connect_read_only_within(
    uri: &str,
    database: &str,
    wait: Duration,
) -> Result<Database, StoreError> {
    let options = client_options(uri, database).await?;
    let selection = options.server_selection_timeout.unwrap_or(CONNECT_TIMEOUT);
    open_within(
        uri,
        database,
        options,
        wait.max(selection + CONNECT_TIMEOUT),
    )
    .await
}

/// Refuses, before anything is read or locked, a URI or database name a writer cannot use: a
/// name MongoDB would refuse, a URI the driver cannot read, or one asking for unacknowledged
/// writes (`w=0`). A `mongodb+srv://` URI's text alone is read here: reading its options
/// whole resolves its name, which is for the connection to do.
pub async fn check_usable(uri: &str, database: &str) -> Result<(), StoreError> {
    check_database_named(database, uri_database(uri).as_deref() == Some(database))?;
    if uri.trim_start().starts_with("mongodb+srv://") {
        // Its options are read without the DNS lookup reading it as `ClientOptions` makes.
        return match mongodb::options::ConnectionString::parse(uri) {
            Ok(read) if unacknowledged(read.write_concern.as_ref()) => {
                Err(StoreError::Unacknowledged { uri: redact(uri) })
            }
            Ok(_) => Ok(()),
            Err(cause) => match unreadable(uri, &cause) {
                err if err.is_usage() => Err(err),
                _ => Ok(()),
            },
        };
    }
    match ClientOptions::parse(deadline::for_the_driver(uri).as_ref())
        .await
        .map_err(|cause| unreadable(uri, &cause))
    {
        Ok(options) => for_writers(options, uri).map(|_| ()),
        // A server not reachable is for the connection to say.
        Err(err) if !err.is_usage() => Ok(()),
        Err(err) => Err(err),
    }
}

/// Why the driver could not read `uri`: a `mongodb+srv://` URI is resolved while it is read,
/// and a name that does not resolve now (DNS down, a paused cluster) is a server not
/// reachable, not a URI mistyped.
fn unreadable(uri: &str, cause: &mongodb::error::Error) -> StoreError {
    match *cause.kind {
        mongodb::error::ErrorKind::DnsResolve { .. } | mongodb::error::ErrorKind::Io(_) => {
            // Reading the URI: no connection tried, neither closed nor refused for its TLS.
            StoreError::unreachable(redact(uri), cause, TlsAsked::Off)
        }
        _ => StoreError::bad_uri(uri, cause),
    }
}

/// The URI's options, with relevé's timeouts and name unless it sets them.
async fn client_options(uri: &str, database: &str) -> Result<ClientOptions, StoreError> {
    let named = uri_database(uri);
    check_database_named(database, named.as_deref() == Some(database))?;
    if let Some(named) = named.filter(|named| named != database) {
        tracing::warn!(
            "The MongoDB URI names the database {named}, and --database {database} is used: the URI's database is only where its user logs in when it sets no `authSource`."
        );
    }
    // A `mongodb+srv://` URI is resolved while it is read, which the driver gives as long as
    // the resolver takes (15 s and more when it does not answer).
    let parsed = tokio::time::timeout(
        CONNECT_TIMEOUT,
        ClientOptions::parse(deadline::for_the_driver(uri).as_ref()),
    )
    .await
    .map_err(|_| StoreError::Unreachable {
        uri: redact(uri),
        detail: format!(
            "the DNS lookup of the `mongodb+srv://` name did not answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ),
    })?;
    let mut options = parsed.map_err(|cause| unreadable(uri, &cause))?;
    options
        .server_selection_timeout
        .get_or_insert(CONNECT_TIMEOUT);
    options.connect_timeout.get_or_insert(CONNECT_TIMEOUT);
    options.app_name.get_or_insert_with(|| "releve".to_owned());
    Ok(options)
}

/// A client with `options`, once the server has answered a ping.
async fn open(uri: &str, database: &str, options: ClientOptions) -> Result<Database, StoreError> {
    open_within(uri, database, options, Duration::MAX).await
}

/// [`open`], the ping given up after `wait`. The ping is sent by a client that gives a server
/// seconds to answer (a server down is said at once), which then does the run's work; on a
/// replica set or a sharded cluster, the run's operations go through another that waits out an
/// election (see [`ELECTION_WAIT`]), unless the URI sets its own wait.
async fn open_within(
    uri: &str,
    database: &str,
    options: ClientOptions,
    wait: Duration,
) -> Result<Database, StoreError> {
    let shown = redact(uri);
    let mut options = options;
    let tls = TlsAsked::of(&options);
    let asked = ConnectionString::parse(deadline::for_the_driver(uri).as_ref())
        .ok()
        .and_then(|asked| asked.server_selection_timeout);
    // Read by the driver as each client below is made, then no more.
    let trusted = trust::machines_certificates(&mut options, &std::env::temp_dir())?;
    let mut working = options.clone();
    deadline::watch(&mut options, uri);
    let first = Client::with_options(options).map_err(|cause| StoreError::bad_uri(uri, &cause))?;
    let db = first.database(database);
    let failed = match tokio::time::timeout(wait, db.run_command(doc! {"ping": 1})).await {
        // The URI's own wait is the ping's too: its client does the run's work.
        Ok(Ok(_)) if asked.is_some() => {
            drop(trusted);
            return Ok(db);
        }
        Ok(Ok(_)) => {
            // A replica set's (or a sharded cluster's) operations wait out an election; a
            // single server's have none to wait for, and go through the ping's client.
            let hello = db.run_command(doc! {"hello": 1}).await;
            let elects = hello.is_ok_and(|hello| {
                hello.contains_key("setName") || hello.get_str("msg") == Ok("isdbgrid")
            });
            if !elects {
                drop(trusted);
                return Ok(db);
            }
            working.server_selection_timeout = Some(ELECTION_WAIT);
            shut_down(db).await;
            deadline::watch(&mut working, uri);
            let working =
                Client::with_options(working).map_err(|cause| StoreError::bad_uri(uri, &cause));
            drop(trusted);
            return Ok(working?.database(database));
        }
        Ok(Err(cause)) => StoreError::unreachable(shown, &cause, tls),
        // A server was found (its heartbeats answered), and the ping held.
        Err(_) => StoreError::NoAnswer {
            uri: shown,
            waited: wait.as_secs(),
        },
    };
    shut_down(db).await;
    Err(failed)
}

/// Refuses a name MongoDB would refuse only once connected, which the driver reports as no
/// usable server: empty, 64 bytes or more, or holding `/\\. "$` or a NUL character. The name is
/// said as `--database`'s.
pub fn check_database_name(name: &str) -> Result<(), StoreError> {
    check_database_named(name, false)
}

/// [`check_database_name`], the name said as the URI's path's when `from_uri`.
fn check_database_named(name: &str, from_uri: bool) -> Result<(), StoreError> {
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
            name: redact_uris(name),
            why,
            from_uri,
        }),
        None => Ok(()),
    }
}

/// The database `uri` names in its path (`mongodb://user:password@host/phd_db?authSource=…`),
/// which MongoDB's own tools take as the default database; not `admin`, `local` or `config`,
/// named there to log in, never to hold data. Read by the driver's own parser (which DNS is
/// not asked for), so that a URI it cannot read names none: a password holding a `/` or `?`
/// it should not is never taken for a database, and said as one.
pub fn uri_database(uri: &str) -> Option<String> {
    let name = mongodb::options::ConnectionString::parse(uri)
        .ok()?
        .default_database?;
    (!matches!(name.as_str(), "admin" | "local" | "config")).then_some(name)
}

#[cfg(test)]
mod tests;
