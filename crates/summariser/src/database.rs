//! The summariser's MongoDB work for one batch, in the order that keeps a crash harmless:
//! note the hours about to change in `summariser_pending`, write the new and changed records,
//! recompute those hours (from the records in hand when the plan holds all of an hour's records,
//! see [`crate::plan`], else from `records`), clear the note, load the run metrics. Every step
//! can be repeated: records identical to the stored version are skipped, hours are recomputed
//! from scratch, and a run already loaded is recognised by its unique index.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{self, Bson, Document, RawDocumentBuf, doc};
use mongodb::error::ErrorKind;
use mongodb::options::InsertManyOptions;
use mongodb::{Collection, Database};
use releve::store::{HOURLY, RECORDS, RUNS, StoreError, bson_date, chrono_date};
use releve::{RawFileName, Source, record_data};
use serde_json::Value;

use crate::batch::{Batch, Version};
use crate::crash;
use crate::plan::{HourRecord, Plan};
use crate::storable;
use crate::summary::{Facts, hour_of, summarise_hours};

/// Internal collection of hours whose summary must be recomputed; empty after a finished run.
pub const PENDING: &str = "summariser_pending";

/// Documents per `insert_many`, at most.
const CHUNK: usize = 1000;

/// Bytes of record text per `insert_many`, about.
const CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// Hours per delete (each one an `$or` clause).
const HOURS_PER_DELETE: usize = 200;

/// Statements per `update` command (an hourly summary is a few kilobytes).
const UPDATES_PER_COMMAND: usize = 500;

const DUPLICATE_KEY: i32 = 11000;

/// The `records` collection.
pub(crate) fn records(db: &Database) -> Collection<Document> {
    db.collection(RECORDS)
}

/// The `records` collection read as raw BSON, so each record's `data` reads back as served
/// (see [`releve::record_data`]).
pub(crate) fn raw_records(db: &Database) -> Collection<RawDocumentBuf> {
    db.collection(RECORDS)
}

/// A record MongoDB cannot store, and the landed file its version came from.
#[derive(Debug)]
pub struct Unstorable {
    /// Index of the file in [`Batch::data_files`].
    pub file: usize,
    /// Indexes of the batch's earlier files holding versions it replaced (see
    /// [`crate::batch::Version::superseded`]).
    pub superseded: Vec<usize>,
    /// The record in words: its key in backticks, or what it lacks.
    pub record: String,
    /// Why it cannot be stored.
    pub reason: String,
}

fn record_document(
    source: &Source,
    key: &str,
    version: &Version,
    file: &RawFileName,
    last_file: &RawFileName,
) -> Result<Document, String> {
    let text = version.raw.get();
    if let Some(number) = storable::oversized_integer(text) {
        return Err(format!(
            "the integer {number} is outside the signed 64-bit range, which MongoDB cannot store"
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
    let data = storable::record_document(&value)?;
    let mut document = doc! {
        "source": &source.name,
        "key": key,
        "time": bson_date(version.time),
        "hour": bson_date(hour_of(version.time)),
        "file": file.file_name(),
        "landed_at": bson_date(file.landed_at),
        "last_file": last_file.file_name(),
        "data": data,
    };
    storable::within_size_limit(text.len(), &document)?;
    if let Some(days) = source.keep_days {
        let expire_at = version
            .time
            .checked_add_signed(TimeDelta::days(i64::from(days)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        document.insert("expire_at", bson_date(expire_at));
    }
    Ok(document)
}

fn hours_filter(source: &str, hours: &BTreeSet<DateTime<Utc>>) -> Document {
    let hours: Vec<bson::DateTime> = hours.iter().map(|h| bson_date(*h)).collect();
    doc! {"source": source, "hour": {"$in": hours}}
}

/// Deletes the documents of `source` in `hours` from `collection`. The filter is an `$or` of
/// whole `{source, hour}` equalities: nx-27017 rejects `$in` over dates in deletes ("malformed
/// JSON"), deletes nothing for `$in` over strings, and reads `{source, $or: [...]}` as if the
/// `source` condition were one more alternative, deleting other sources' hours.
async fn delete_hours(
    db: &Database,
    collection: &str,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let hours: Vec<&DateTime<Utc>> = hours.iter().collect();
    for chunk in hours.chunks(HOURS_PER_DELETE) {
        let any_hour: Vec<Document> = chunk
            .iter()
            .map(|h| doc! {"source": source, "hour": bson_date(**h)})
            .collect();
        db.collection::<Document>(collection)
            .delete_many(doc! {"$or": any_hour})
            .await
            .map_err(StoreError::command(format!(
                "deleting `{source}` hours from `{collection}`"
            )))?;
    }
    Ok(())
}

/// Hours a crashed run noted but did not finish recomputing.
pub async fn pending_hours(
    db: &Database,
    source: &str,
) -> Result<BTreeSet<DateTime<Utc>>, StoreError> {
    let action = || StoreError::command(format!("reading pending hours of `{source}`"));
    let mut cursor = db
        .collection::<Document>(PENDING)
        .find(doc! {"source": source})
        .await
        .map_err(action())?;
    let mut hours = BTreeSet::new();
    while let Some(document) = cursor.try_next().await.map_err(action())? {
        if let Ok(hour) = document.get_datetime("hour") {
            hours.insert(chrono_date(*hour));
        }
    }
    Ok(hours)
}

/// Notes `hours` as pending before any record of them changes.
pub async fn note_pending(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let notes: Vec<Document> = hours
        .iter()
        .map(|h| doc! {"source": source, "hour": bson_date(*h)})
        .collect();
    db.collection::<Document>(PENDING)
        .insert_many(notes)
        .await
        .map_err(StoreError::command(format!(
            "noting pending hours of `{source}`"
        )))?;
    crash::passed("pending-written");
    Ok(())
}

/// What [`write_records`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// New records inserted.
    pub inserted: usize,
    /// Stored records replaced by a newer version.
    pub updated: usize,
    /// Versions MongoDB cannot store (numbers out of BSON's range, NUL characters in field
    /// names), not written.
    pub unstorable: Vec<Unstorable>,
}

/// Writes the planned records. A record the server refuses (a write error naming it, not a
/// failure of the server or of its write concern) is unstorable like one that cannot be
/// made into BSON: its file is held back, and the other records go through.
pub async fn write_records(
    db: &Database,
    source: &Source,
    batch: &Batch,
    plan: &Plan,
) -> Result<Written, StoreError> {
    let name = source.name.as_str();
    let mut unstorable = Vec::new();
    let (mut inserted, mut updated) = (0, 0);
    let unstorable_version = |key: &str, version: &Version, reason: String| Unstorable {
        file: version.file(),
        superseded: version.superseded.clone(),
        record: format!("`{key}`"),
        reason,
    };
    let document_of = |key: &String, unstorable: &mut Vec<Unstorable>| {
        let version = batch.records.get(key)?;
        let file = &batch.data_files[version.file()];
        let last_file = &batch.data_files[plan.last_file(batch, version)];
        match record_document(source, key, version, file, last_file) {
            Ok(document) => Some(document),
            Err(reason) => {
                unstorable.push(unstorable_version(key, version, reason));
                None
            }
        }
    };
    let unordered = InsertManyOptions::builder().ordered(false).build();
    let mut keys = plan.inserts.iter().peekable();
    while keys.peek().is_some() {
        // Up to CHUNK records or CHUNK_BYTES of their text a call, so large records never
        // pile up in memory as BSON.
        let (mut documents, mut sent, mut bytes) = (Vec::new(), Vec::new(), 0);
        while documents.len() < CHUNK && bytes < CHUNK_BYTES {
            let Some(key) = keys.next() else { break };
            bytes += batch.records.get(key).map_or(0, |v| v.raw.get().len());
            if let Some(document) = document_of(key, &mut unstorable) {
                documents.push(document);
                sent.push(key);
            }
        }
        if documents.is_empty() {
            continue;
        }
        let action = format!("insertion of `{name}` records");
        let refused = match records(db)
            .insert_many(documents)
            .with_options(unordered.clone())
            .await
        {
            Ok(_) => Vec::new(),
            Err(err) => refused_documents(&err).ok_or_else(|| StoreError::command(action)(err))?,
        };
        inserted += sent.len() - refused.len();
        for (index, reason) in refused {
            if let Some(key) = sent.get(index)
                && let Some(version) = batch.records.get(*key)
            {
                unstorable.push(unstorable_version(key, version, server_refusal(&reason)));
            }
        }
        crash::passed("records-inserted");
    }
    for key in &plan.updates {
        let Some(document) = document_of(key, &mut unstorable) else {
            continue;
        };
        // An upsert: the TTL monitor may have dropped the stored version since the lookup.
        let replaced = records(db)
            .replace_one(doc! {"source": name, "key": key}, document)
            .upsert(true)
            .await;
        match replaced {
            Ok(_) => updated += 1,
            Err(err) => match (refused_document(&err), batch.records.get(key)) {
                (Some(reason), Some(version)) => {
                    unstorable.push(unstorable_version(key, version, server_refusal(&reason)));
                }
                _ => {
                    let action = format!("update of `{name}` record `{key}`");
                    return Err(StoreError::command(action)(err));
                }
            },
        }
        crash::passed("record-updated");
    }
    confirm_records(db, source, batch, plan).await?;
    Ok(Written {
        inserted,
        updated,
        unstorable,
    })
}

/// Why the server refused a record, for its file's quarantine reason.
fn server_refusal(message: &str) -> String {
    format!("the server refused it: {message}")
}

/// The documents of an unordered `insert_many` the server refused, by index in the call,
/// with its message; `None` when the call failed otherwise (the server, the network, an
/// unmet write concern), which stops the run.
fn refused_documents(err: &mongodb::error::Error) -> Option<Vec<(usize, String)>> {
    match err.kind.as_ref() {
        ErrorKind::InsertMany(failure) if failure.write_concern_error.is_none() => {
            let errors = failure.write_errors.as_ref()?;
            Some(
                errors
                    .iter()
                    .map(|error| (error.index, error.message.clone()))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The server's message when it refused the one document written; `None` for any other
/// failure.
fn refused_document(err: &mongodb::error::Error) -> Option<String> {
    match err.kind.as_ref() {
        ErrorKind::Write(mongodb::error::WriteFailure::WriteError(error)) => {
            Some(error.message.clone())
        }
        _ => None,
    }
}

/// Sets the `last_file` of the records later files repeated unchanged.
async fn confirm_records(
    db: &Database,
    source: &Source,
    batch: &Batch,
    plan: &Plan,
) -> Result<(), StoreError> {
    let name = source.name.as_str();
    for chunk in plan.confirmations.chunks(UPDATES_PER_COMMAND) {
        let updates: Vec<Document> = chunk
            .iter()
            .map(|(key, holder)| {
                let last_file = batch.data_files[*holder].file_name();
                doc! {
                    "q": {"source": name, "key": key},
                    "u": {"$set": {"last_file": last_file}},
                }
            })
            .collect();
        run_updates(
            db,
            RECORDS,
            updates,
            &format!("confirming `{name}` records"),
        )
        .await?;
        crash::passed("records-confirmed");
    }
    Ok(())
}

/// Runs one `update` command and turns its first write error, or a write concern it could
/// not meet (a replica set short of members), into a refusal: the driver's helpers do so, but
/// it hands a command's answer back as it came.
async fn run_updates(
    db: &Database,
    collection: &str,
    updates: Vec<Document>,
    action: &str,
) -> Result<(), StoreError> {
    let command = doc! {"update": collection, "updates": updates, "ordered": false};
    let answer = db
        .run_command(command)
        .await
        .map_err(StoreError::command(action.to_owned()))?;
    refusal(&answer).map_or(Ok(()), |reason| {
        Err(StoreError::Refused {
            action: action.to_owned(),
            reason,
        })
    })
}

/// The server's message for a write command's first write error or its write concern error.
fn refusal(answer: &Document) -> Option<String> {
    let message =
        |error: &Document, otherwise: &str| error.get_str("errmsg").unwrap_or(otherwise).to_owned();
    if let Ok(errors) = answer.get_array("writeErrors")
        && let Some(first) = errors.first()
    {
        return Some(first.as_document().map_or_else(
            || "a write error".to_owned(),
            |error| message(error, "a write error"),
        ));
    }
    answer
        .get_document("writeConcernError")
        .ok()
        .map(|error| format!("write concern not met: {}", message(error, "no detail")))
}

/// Recomputes the summaries of `hours` — from `in_hand` for the hours it holds, from
/// `records` for the others — replaces them in `hourly`, then clears their pending note.
pub async fn recompute_hours(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    in_hand: BTreeMap<DateTime<Utc>, Vec<HourRecord>>,
) -> Result<usize, StoreError> {
    let name = source.name.as_str();
    let to_read: BTreeSet<DateTime<Utc>> = hours
        .iter()
        .filter(|hour| !in_hand.contains_key(hour))
        .copied()
        .collect();
    let mut facts: Vec<(DateTime<Utc>, String, Facts)> = in_hand
        .into_iter()
        .flat_map(|(hour, records)| records.into_iter().map(move |(key, f)| (hour, key, f)))
        .collect();
    if !to_read.is_empty() {
        read_hours(db, source, &to_read, &mut facts).await?;
    }
    let summaries = summarise_hours(source, facts, bson::DateTime::now());
    // Each summary replaces its hour's in place (an `update` command of upserts, each atomic
    // on its document), so a report read meanwhile, or after a crash here, finds every hour,
    // old or new; only hours left without records are deleted.
    let mut emptied = hours.clone();
    for chunk in summaries.chunks(UPDATES_PER_COMMAND) {
        let mut updates = Vec::with_capacity(chunk.len());
        for summary in chunk {
            emptied.remove(&chrono_date(summary.hour));
            let document = bson::to_document(summary).map_err(|err| StoreError::Command {
                action: format!("encoding `{name}` hourly summaries"),
                cause: err.into(),
            })?;
            updates.push(doc! {
                "q": {"source": name, "hour": summary.hour},
                "u": document,
                "upsert": true,
            });
        }
        let action = format!("writing `{name}` hourly summaries");
        run_updates(db, HOURLY, updates, &action).await?;
        crash::passed("hourly-replaced");
    }
    delete_hours(db, HOURLY, name, &emptied).await?;
    crash::passed("hourly-deleted");
    clear_pending(db, name, hours).await?;
    Ok(summaries.len())
}

/// Clears the pending note of `hours`.
pub async fn clear_pending(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    delete_hours(db, PENDING, source, hours).await?;
    crash::passed("pending-cleared");
    Ok(())
}

/// Reads the records of `hours` back from `records`.
async fn read_hours(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    facts: &mut Vec<(DateTime<Utc>, String, Facts)>,
) -> Result<(), StoreError> {
    let name = source.name.as_str();
    let action = || StoreError::command(format!("reading `{name}` records to summarise"));
    let mut cursor = raw_records(db)
        .find(hours_filter(name, hours))
        .projection(doc! {"_id": 0, "key": 1, "hour": 1, "data": 1})
        .await
        .map_err(action())?;
    while let Some(document) = cursor.try_next().await.map_err(action())? {
        let (Ok(key), Ok(hour)) = (document.get_str("key"), document.get_datetime("hour")) else {
            continue;
        };
        // A `data` that is not as the summariser wrote it (a server that re-typed it) still
        // counts as a record of its hour, one holding no field.
        let record = document
            .get_document("data")
            .ok()
            .and_then(|data| record_data::as_json(data).ok())
            .unwrap_or(Value::Null);
        facts.push((
            chrono_date(hour),
            key.to_owned(),
            Facts::of(source, &record),
        ));
    }
    Ok(())
}

/// Loads collector runs (their `runs` documents) into `runs`; runs already there (same
/// source, start and file) are left as they are. Existing runs are looked up first because
/// nx-27017's unique index lets two runs with `file: null` in.
pub async fn load_runs(db: &Database, source: &str, runs: Vec<Document>) -> Result<(), StoreError> {
    if runs.is_empty() {
        return Ok(());
    }
    let collection = db.collection::<Document>(RUNS);
    let action = || StoreError::command(format!("loading `{source}` runs"));
    let identity = |run: &Document| {
        let started = run.get_datetime("started").ok()?.timestamp_millis();
        Some((started, run.get_str("file").ok().map(str::to_owned)))
    };
    let starts: Vec<Bson> = runs
        .iter()
        .filter_map(|run| run.get("started").cloned())
        .collect();
    let mut cursor = collection
        .find(doc! {"source": source, "started": {"$in": starts}})
        .projection(doc! {"_id": 0, "started": 1, "file": 1})
        .await
        .map_err(action())?;
    let mut loaded = HashSet::new();
    while let Some(document) = cursor.try_next().await.map_err(action())? {
        loaded.extend(identity(&document));
    }
    let documents: Vec<Document> = runs
        .into_iter()
        .filter(|run| identity(run).is_none_or(|id| loaded.insert(id)))
        .collect();
    if !documents.is_empty() {
        insert_unless_stored(&collection, documents)
            .await
            .map_err(action())?;
    }
    crash::passed("runs-loaded");
    Ok(())
}

/// Inserts `documents`, all of them tried; one a unique index finds already stored (a
/// concurrent run, a rerun after a crash) is no failure.
pub(crate) async fn insert_unless_stored(
    collection: &Collection<Document>,
    documents: Vec<Document>,
) -> Result<(), mongodb::error::Error> {
    let unordered = InsertManyOptions::builder().ordered(false).build();
    match collection
        .insert_many(documents)
        .with_options(unordered)
        .await
    {
        Err(err) if !only_duplicates(&err) => Err(err),
        _ => Ok(()),
    }
}

fn only_duplicates(err: &mongodb::error::Error) -> bool {
    match err.kind.as_ref() {
        ErrorKind::InsertMany(failure) => {
            failure.write_concern_error.is_none()
                && failure
                    .write_errors
                    .as_ref()
                    .is_some_and(|errors| errors.iter().all(|e| e.code == DUPLICATE_KEY))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_errors_and_unmet_write_concerns_are_refusals() {
        assert_eq!(refusal(&doc! {"ok": 1, "n": 3, "nModified": 3}), None);
        let written_wrong =
            doc! {"ok": 1, "writeErrors": [{"index": 0, "code": 2, "errmsg": "bad update"}]};
        assert_eq!(refusal(&written_wrong).as_deref(), Some("bad update"));
        let unacknowledged = doc! {"ok": 1, "n": 3, "writeConcernError": {"code": 64, "errmsg": "waiting for replication timed out"}};
        assert_eq!(
            refusal(&unacknowledged).as_deref(),
            Some("write concern not met: waiting for replication timed out")
        );
    }
}
