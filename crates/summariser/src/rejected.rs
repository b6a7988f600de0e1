//! The records a batch's files held without a key or a time the summariser could read, noted
//! per file in `rejected` (see README), so a report can say how many records never reached
//! the summaries. One document per file, replaced when the file is read again: a rerun, or a
//! run after a crash, notes the same count. The records themselves are kept in
//! `rejected_records`, once per content.

use std::collections::{BTreeMap, HashSet};
use std::hash::Hasher;

use mongodb::Database;
use mongodb::bson::{Document, doc};
use releve::rawfile::LandingOrder;
use releve::store::{REJECTED, REJECTED_RECORDS, StoreError, bson_date};
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::batch::Batch;
use crate::database::{Unstorable, each_found};
use crate::landed::RecordText;
use crate::{crash, database};

/// Notes the batch's dropped records, file by file.
pub async fn note(db: &Database, source: &str, batch: &Batch) -> Result<(), StoreError> {
    let collection = db.collection::<Document>(REJECTED);
    for (index, count) in &batch.rejected {
        let name = &batch.data_files[*index];
        let count = i64::try_from(*count).unwrap_or(i64::MAX);
        let file = name.file_name();
        // A whole document, not `$set`: nx-27017 stores dates set by an upsert as text.
        collection
            .replace_one(
                doc! {"source": source, "file": &file},
                doc! {"source": source, "file": &file, "landed_at": bson_date(name.landed_at), "count": count},
            )
            .upsert(true)
            .await
            .map_err(StoreError::command(&format!(
                "noting the records `{source}` dropped"
            )))?;
        crash::passed("rejected-noted");
    }
    Ok(())
}

/// Removes the notes of the batch's files summarised before (no later than `newest`: moved
/// back from quarantine once fixed by hand) that drop no record now, though their earlier
/// reading dropped some: "reading the file again replaces its document". No call for a batch
/// of new files.
pub async fn clear_returned(
    db: &Database,
    source: &str,
    batch: &Batch,
    newest: Option<LandingOrder>,
) -> Result<(), StoreError> {
    let files: Vec<String> = batch
        .data_files
        .iter()
        .enumerate()
        .filter(|(index, name)| {
            newest.is_some_and(|newest| name.landing_order() <= newest)
                && !batch.rejected.iter().any(|(file, _)| file == index)
        })
        .map(|(_, name)| name.file_name())
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    db.collection::<Document>(REJECTED)
        .delete_many(doc! {"source": source, "file": {"$in": files}})
        .await
        .map_err(StoreError::command(&format!(
            "clearing the records `{source}` dropped"
        )))?;
    Ok(())
}

/// Records per `$in` lookup and per `insert_many` of dropped records.
const RECORDS_PER_CALL: usize = 1000;

/// The longest record text a `rejected_records` document holds: MongoDB's documents stop at
/// 16 MiB.
const MOST_RECORD_BYTES: usize = 15 * 1024 * 1024;

/// Keeps the text of the batch's dropped records in `rejected_records`, once per content (a
/// feed that serves the same faulty record every minute keeps it once), before any file of
/// the batch is deleted: a record the summaries cannot use is still not lost. A rerun finds
/// them stored and writes nothing. Returns the records too large to keep there: their files
/// go to quarantine instead of being deleted.
pub async fn keep_records(
    db: &Database,
    source: &str,
    batch: &Batch,
) -> Result<Vec<Unstorable>, StoreError> {
    let action = format!("keeping the records `{source}` dropped");
    let collection = db.collection::<Document>(REJECTED_RECORDS);
    let mut too_large = Vec::new();
    // The first file holding each content names it.
    let mut by_hash: BTreeMap<String, (usize, &RecordText)> = BTreeMap::new();
    for (file, text) in &batch.rejected_records {
        if text.get().len() > MOST_RECORD_BYTES {
            too_large.push(Unstorable {
                files: vec![*file],
                superseded: Vec::new(),
                record: "one without a key or a time".to_owned(),
                reason: format!(
                    "its text is {} bytes, too large to keep in `{REJECTED_RECORDS}`",
                    text.get().len()
                ),
            });
            continue;
        }
        by_hash
            .entry(content_hash(text.get()))
            .or_insert((*file, text));
    }
    let contents: Vec<(String, (usize, &RecordText))> = by_hash.into_iter().collect();
    for chunk in contents.chunks(RECORDS_PER_CALL) {
        let hashes: Vec<&str> = chunk.iter().map(|(hash, _)| hash.as_str()).collect();
        let mut kept = HashSet::new();
        each_found(
            collection
                .find(doc! {"source": source, "hash": {"$in": &hashes}})
                .projection(doc! {"hash": 1, "_id": 0}),
            &action,
            |document| {
                if let Ok(hash) = document.get_str("hash") {
                    kept.insert(hash.to_owned());
                }
            },
        )
        .await?;
        let documents: Vec<Document> = chunk
            .iter()
            .filter(|(hash, _)| !kept.contains(hash))
            .map(|(hash, (file, text))| {
                let name = &batch.data_files[*file];
                doc! {
                    "source": source,
                    "hash": hash,
                    "file": name.file_name(),
                    "landed_at": bson_date(name.landed_at),
                    "record": text.get(),
                }
            })
            .collect();
        if documents.is_empty() {
            continue;
        }
        let files: Vec<String> = chunk
            .iter()
            .filter(|(hash, _)| !kept.contains(hash))
            .map(|(_, (file, _))| batch.data_files[*file].file_name())
            .collect();
        let duplicates = database::insert_unless_stored(&collection, documents)
            .await
            .map_err(StoreError::command(&action))?;
        let refused: Vec<(String, &str)> = duplicates
            .iter()
            .filter_map(|(index, said)| {
                let file = files.get(*index)?;
                Some((
                    format!("a record without a key or a time of {file}"),
                    said.as_str(),
                ))
            })
            .collect();
        let keeping = format!("keeping of `{source}` records without a key or a time");
        if let Some(refusal) =
            database::foreign_index::refusal(db, REJECTED_RECORDS, &keeping, &refused).await?
        {
            return Err(refusal);
        }
        crash::passed("rejected-records-kept");
    }
    Ok(too_large)
}

/// A record text's identity in `rejected_records`: 128 bits of SipHash-1-3 with fixed keys,
/// in hexadecimal, the same on every run and machine.
fn content_hash(text: &str) -> String {
    let mut hasher = SipHasher13::new();
    hasher.write(text.as_bytes());
    format!("{:032x}", hasher.finish128().as_u128())
}
