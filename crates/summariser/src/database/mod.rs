//! The summariser's MongoDB work for one batch, in the order that keeps a crash harmless:
//! note the hours about to change in `summariser_pending`, write the new and changed records,
//! recompute those hours (from the records in hand when the plan holds all of an hour's records,
//! see [`crate::plan`], else from `records`), clear the note, load the run metrics. Every step
//! can be repeated: records identical to the stored version are skipped, hours are recomputed
//! from scratch, and a run already loaded is recognised by its unique index.

pub(crate) mod foreign_index;
mod hourly;
mod hourly_write;
mod pending;
mod records;
mod runs;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
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

pub(crate) use hourly::read_hours_between;
pub use hourly::{SameSummary, recompute_hours, stored_hours, summarised_counts};
pub use pending::{Pending, PendingHours, clear_pending, note_pending, pending_hours};
pub use records::{confirm_records, write_records};
pub(crate) use runs::insert_unless_stored;
pub use runs::load_runs;

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

pub(crate) use releve::store::each_found;

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
    /// Indexes in [`Batch::data_files`] of the files holding it, oldest first (see
    /// [`crate::batch::Version::holders`]): all are quarantined, as runs summarising each
    /// alone would quarantine each. Never empty.
    pub files: Vec<usize>,
    /// Indexes of the batch's earlier files holding versions it replaced (see
    /// [`crate::batch::Version::superseded`]).
    pub superseded: Vec<usize>,
    /// The record in words: its key in backticks, or what it lacks.
    pub record: String,
    /// Why it cannot be stored.
    pub reason: String,
}

fn hours_filter(source: &str, hours: &BTreeSet<DateTime<Utc>>) -> Document {
    let hours: Vec<bson::DateTime> = hours.iter().map(|h| bson_date(*h)).collect();
    doc! {"source": source, "hour": {"$in": hours}}
}

/// Deletes the documents of `source` in `hours` from `collection`: one range of the
/// `(source, hour)` index per run of consecutive hours when they make at most
/// [`HOUR_RANGES_AT_MOST`] runs (a year of an archive's hours is one), which nx-27017 deletes
/// in one pass, where it took 3 s for each `$or` of [`HOURS_PER_DELETE`] hours; scattered hours
/// by such `$or`s. An `$or` of whole `{source, hour}` equalities: nx-27017 rejects `$in` over
/// dates in deletes ("malformed JSON"), deletes nothing for `$in` over strings, and reads
/// `{source, $or: [...]}` as if the `source` condition were one more alternative, deleting other
/// sources' hours.
async fn delete_hours(
    db: &Database,
    collection: &str,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let runs = hour_runs(hours);
    let filters: Vec<Document> = if runs.len() <= HOUR_RANGES_AT_MOST {
        runs.iter()
            .map(|(first, last)| hour_range(source, *first, *last))
            .collect()
    } else {
        let hours: Vec<&DateTime<Utc>> = hours.iter().collect();
        hours
            .chunks(HOURS_PER_DELETE)
            .map(|chunk| {
                let any_hour: Vec<Document> = chunk
                    .iter()
                    .map(|h| doc! {"source": source, "hour": bson_date(**h)})
                    .collect();
                doc! {"$or": any_hour}
            })
            .collect()
    };
    for filter in filters {
        db.collection::<Document>(collection)
            .delete_many(filter)
            .await
            .map_err(StoreError::command(&format!(
                "deleting `{source}` hours from `{collection}`"
            )))?;
    }
    Ok(())
}

/// At most this many runs of consecutive hours are read, counted or deleted a range each;
/// hours scattered over more are listed.
pub(crate) const HOUR_RANGES_AT_MOST: usize = 4;

/// Hours per `$in` of hours read or counted, when they are scattered.
const HOURS_PER_LISTING: usize = 200;

/// The filters that select `source`'s documents in `hours`: one range of the `(source, hour)`
/// index per run of consecutive hours (an hourly run touches one or two, a day's backlog or a
/// year of an archive one), as nx-27017 answers a range several times faster than the same
/// hours listed with `$in`, which it reads with a subquery per document; hours scattered over
/// more runs than [`HOUR_RANGES_AT_MOST`] are listed with `$in`, [`HOURS_PER_LISTING`] at a
/// time, rather than asked one range after another. Never one range from the first hour to
/// the last: a revision of an hour years back would read every hour in between.
pub(crate) fn hour_filters(source: &str, hours: &BTreeSet<DateTime<Utc>>) -> Vec<Document> {
    let runs = hour_runs(hours);
    if runs.len() <= HOUR_RANGES_AT_MOST {
        return runs
            .into_iter()
            .map(|(first, last)| hour_range(source, first, last))
            .collect();
    }
    let hours: Vec<Bson> = hours
        .iter()
        .map(|h| Bson::DateTime(bson_date(*h)))
        .collect();
    hours
        .chunks(HOURS_PER_LISTING)
        .map(|chunk| doc! {"source": source, "hour": {"$in": chunk}})
        .collect()
}

/// The filter of `source`'s documents from hour `first` to hour `last`, both included.
pub(crate) fn hour_range(source: &str, first: DateTime<Utc>, last: DateTime<Utc>) -> Document {
    doc! {"source": source, "hour": {"$gte": bson_date(first), "$lte": bson_date(last)}}
}

/// `hours` as runs of consecutive hours, first and last of each.
pub(crate) fn hour_runs(hours: &BTreeSet<DateTime<Utc>>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut runs: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for &hour in hours {
        match runs.last_mut() {
            Some((_, last)) if hour - *last == TimeDelta::hours(1) => *last = hour,
            _ => runs.push((hour, hour)),
        }
    }
    runs
}
