//! The records a batch's files held without a key or a time the summariser could read, noted
//! per file in `rejected` (see README), so a report can say how many records never reached
//! the summaries. One document per file, replaced when the file is read again: a rerun, or a
//! run after a crash, notes the same count.

use mongodb::Database;
use mongodb::bson::{Document, doc};
use releve::store::{REJECTED, StoreError, bson_date};

use crate::batch::Batch;
use crate::crash;

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
            .map_err(StoreError::command(format!(
                "noting the records `{source}` dropped"
            )))?;
        crash::passed("rejected-noted");
    }
    Ok(())
}
