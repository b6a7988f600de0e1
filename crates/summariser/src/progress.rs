//! The newest landed file of each source summarised into this database (`summariser_progress`,
//! one internal document per source). A file older than it is out of order — one moved back
//! from quarantine — and is summarised in a batch of its own, so what it changes does not
//! depend on which newer files would have shared its batch.

use std::collections::BTreeMap;

use mongodb::Database;
use mongodb::bson::{Document, doc};
use releve::RawFileName;
use releve::rawfile::LandingOrder;
use releve::store::StoreError;

use crate::crash;

/// The internal collection holding each source's newest summarised file.
pub const PROGRESS: &str = "summariser_progress";

/// The newest file of each source summarised so far (one read for all sources).
pub async fn newest(db: &Database) -> Result<BTreeMap<String, LandingOrder>, StoreError> {
    let mut newest = BTreeMap::new();
    releve::store::each_found(
        db.collection::<Document>(PROGRESS).find(doc! {}),
        "reading the summarised files",
        |document| {
            let file = document
                .get_str("newest_file")
                .ok()
                .and_then(RawFileName::parse);
            if let (Ok(source), Some(file)) = (document.get_str("source"), file) {
                newest.insert(source.to_owned(), file.landing_order());
            }
        },
    )
    .await?;
    Ok(newest)
}

/// Notes `file` as the newest file of `source` summarised.
pub async fn note(db: &Database, source: &str, file: &RawFileName) -> Result<(), StoreError> {
    db.collection::<Document>(PROGRESS)
        .update_one(
            doc! {"source": source},
            doc! {"$set": {"newest_file": file.file_name()}},
        )
        .upsert(true)
        .await
        .map_err(StoreError::command(&format!(
            "noting the summarised files of `{source}`"
        )))?;
    crash::passed("progress-noted");
    Ok(())
}
