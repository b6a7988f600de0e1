//! What MongoDB already holds of a batch: the stored versions of its keys, looked up by the
//! range of their hours or by `$in` in chunks, and how many records each touched hour holds.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::{Document, RawDocument, doc};
use releve::rawfile::LandingOrder;
use releve::store::{StoreError, chrono_date, hour_of};
use releve::{RawFileName, Source, record_data};
use serde_json::Value;

use crate::batch::Batch;
use crate::database::{
    HOUR_RANGES_AT_MOST, each_found, hour_filters, hour_range, hour_runs, raw_records, records,
};

/// Keys per `$in` lookup, at most: on nx-27017 each lookup costs about a scan of the
/// source's records, so fewer, larger lookups are faster there (a France Travail day cut into
/// ten files: 8,000 keys a batch).
const KEYS_PER_LOOKUP: usize = 5000;

/// How many times the batch's keys in a run of hours the records stored there may be for the
/// run to be read by its range rather than its keys looked up by `$in` (see [`range_pays`]).
const RANGE_READ_SLACK: usize = 2;

/// Bytes of keys per `$in` lookup, at most (but for a longer key, looked up alone): far below
/// MongoDB's 16 MiB per command.
const KEY_BYTES_PER_LOOKUP: usize = 4 * 1024 * 1024;

pub(super) struct StoredVersion {
    /// The landed file the version came from.
    pub(super) order: LandingOrder,
    /// The latest landed file known to hold it (`last_file`, else `file`).
    pub(super) last: LandingOrder,
    pub(super) time: DateTime<Utc>,
    pub(super) hour: DateTime<Utc>,
    pub(super) data: Value,
}

/// A record of the batch's keys as MongoDB holds it.
pub(super) enum Stored {
    /// As the summariser writes records.
    Version(StoredVersion),
    /// Not as the summariser writes records (a server that re-typed a field), with its hour
    /// when that can be read.
    Unreadable { hour: Option<DateTime<Utc>> },
}

/// The stored versions of the batch's keys: first the stored records of the hours the batch's
/// records fall in, read by range when those hours make at most [`HOUR_RANGES_AT_MOST`] runs
/// of consecutive hours, for each run holding at most [`RANGE_READ_SLACK`] times as many
/// stored records as the batch's keys there (see [`range_pays`]; a key stored in another hour
/// is found next), then the keys not found there, looked up by `$in`. nx-27017 answers an `$in` of thousands of keys in seconds, a
/// range of the `(source, hour)` index at once: a year of an archive landed again, every record
/// stored in its hour, took 17 s of lookups, and takes one range read.
pub(super) async fn stored_versions(
    db: &Database,
    source: &Source,
    batch: &Batch,
) -> Result<HashMap<String, Stored>, StoreError> {
    let action = format!("lookup of `{}` records", source.name);
    let mut stored = HashMap::new();
    let hours: BTreeSet<DateTime<Utc>> = batch
        .records
        .values()
        .map(|version| hour_of(version.time))
        .collect();
    let runs = hour_runs(&hours);
    if runs.len() <= HOUR_RANGES_AT_MOST {
        for (first, last) in runs {
            let filter = hour_range(&source.name, first, last);
            let keys_there = batch
                .records
                .values()
                .filter(|version| (first..=last).contains(&hour_of(version.time)))
                .count();
            if !range_pays(db, &source.name, &filter, keys_there).await? {
                continue;
            }
            read_stored(
                db,
                filter,
                &action,
                |key| batch.records.contains_key(key),
                &mut stored,
            )
            .await?;
        }
    }
    let missing = batch
        .records
        .keys()
        .map(String::as_str)
        .filter(|key| !stored.contains_key(*key));
    for chunk in lookup_chunks(missing) {
        let filter = doc! {"source": &source.name, "key": {"$in": chunk}};
        read_stored(db, filter, &action, |_| true, &mut stored).await?;
    }
    Ok(stored)
}

/// Whether reading the stored records `filter` selects (a run of hours holding `keys_there`
/// of the batch's keys) pays: when they are at most [`RANGE_READ_SLACK`] times as many as
/// those keys, the range returns at most that many times the records an `$in` of the keys
/// would, in one pass of the `(source, hour)` index, where nx-27017 answers an `$in` of a
/// year's keys in 17 s: an archive landed again after it stopped serving some of its records
/// (a station dropped) is still read by its range. When they are more, most are other keys
/// (the earlier runs of a forecast stamped and keyed by its run, the earlier snapshots of a
/// station keyed by their stamp): a range read would return every one of them, with its
/// `data`, to find few or none of the batch's keys, so the keys are looked up by `$in` alone.
/// One count of the index's range.
async fn range_pays(
    db: &Database,
    source: &str,
    filter: &Document,
    keys_there: usize,
) -> Result<bool, StoreError> {
    let stored = records(db)
        .count_documents(filter.clone())
        .await
        .map_err(StoreError::command(&format!(
            "counting `{source}` records of the batch's hours"
        )))?;
    Ok(usize::try_from(stored)
        .is_ok_and(|stored| stored <= keys_there.saturating_mul(RANGE_READ_SLACK)))
}

/// Reads the stored records `filter` selects whose key is `wanted` into `stored`.
async fn read_stored(
    db: &Database,
    filter: Document,
    action: &str,
    wanted: impl Fn(&str) -> bool,
    stored: &mut HashMap<String, Stored>,
) -> Result<(), StoreError> {
    each_found(
        raw_records(db)
            .find(filter)
            .projection(doc! {"_id": 0, "key": 1, "file": 1, "landed_at": 1, "last_file": 1, "time": 1, "hour": 1, "data": 1}),
        action,
        |document| {
            if let Ok(key) = document.get_str("key")
                && wanted(key)
            {
                let found = stored_version(&document).map_or_else(
                    || Stored::Unreadable {
                        hour: document.get_datetime("hour").ok().map(chrono_date),
                    },
                    Stored::Version,
                );
                stored.insert(key.to_owned(), found);
            }
        },
    )
    .await
}

/// `keys` cut into lookups of at most [`KEYS_PER_LOOKUP`] keys and [`KEY_BYTES_PER_LOOKUP`]
/// bytes of keys (a longer key is looked up alone).
pub(super) fn lookup_chunks<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<Vec<&'a str>> {
    let mut chunks: Vec<Vec<&str>> = Vec::new();
    let mut bytes = 0;
    for key in keys {
        match chunks.last_mut() {
            Some(chunk)
                if chunk.len() < KEYS_PER_LOOKUP && bytes + key.len() <= KEY_BYTES_PER_LOOKUP =>
            {
                chunk.push(key);
            }
            _ => {
                chunks.push(vec![key]);
                bytes = 0;
            }
        }
        bytes += key.len();
    }
    chunks
}

/// How many records MongoDB holds in each of `hours` (hours without records are absent).
/// Counted here from one small projected document per record: an `aggregate` with `$group`
/// would send one per hour, but on nx-27017 (the tests' and the demo's server) its `$match`
/// on an `$in` of hours matched no record, and `$group` returns dates as text.
pub(super) async fn count_per_hour(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<HashMap<DateTime<Utc>, usize>, StoreError> {
    let action = format!("counting `{source}` records per hour");
    let mut counts = HashMap::new();
    for filter in hour_filters(source, hours) {
        each_found(
            records(db)
                .find(filter)
                .projection(doc! {"_id": 0, "hour": 1}),
            &action,
            |document| {
                if let Ok(hour) = document.get_datetime("hour") {
                    *counts.entry(chrono_date(*hour)).or_default() += 1;
                }
            },
        )
        .await?;
    }
    Ok(counts)
}

fn stored_version(document: &RawDocument) -> Option<StoredVersion> {
    let file = document.get_str("file").ok()?;
    let order = LandingOrder {
        landed_at: chrono_date(document.get_datetime("landed_at").ok()?),
        sequence: RawFileName::parse(file).map_or(1, |name| name.sequence),
    };
    let last = document
        .get_str("last_file")
        .ok()
        .and_then(RawFileName::parse)
        .map_or(order, |name| name.landing_order())
        .max(order);
    let time = chrono_date(document.get_datetime("time").ok()?);
    let hour = chrono_date(document.get_datetime("hour").ok()?);
    let data = record_data::as_json(document.get_document("data").ok()?).ok()?;
    Some(StoredVersion {
        order,
        last,
        time,
        hour,
        data,
    })
}
