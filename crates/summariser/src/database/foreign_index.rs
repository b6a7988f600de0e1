//! Unique indexes relevé did not make (a user trying indexes out). A write one refuses as a
//! duplicate is no fault of the record (quarantined, a good file would wait there, and every
//! file after it with the same value), nor a run already loaded (its metrics file would be
//! deleted with the run never stored): the run stops, its files waiting, naming the index.

use releve::store::{REJECTED, REJECTED_RECORDS};

use super::*;

/// The unique index relevé makes on `collection`, by its keys (see `releve::store`).
fn ours(collection: &str) -> Option<Document> {
    match collection {
        HOURLY => Some(doc! {"source": 1, "hour": 1}),
        RECORDS => Some(doc! {"source": 1, "key": 1}),
        RUNS => Some(doc! {"source": 1, "started": 1, "file": 1}),
        REJECTED => Some(doc! {"source": 1, "file": 1}),
        REJECTED_RECORDS => Some(doc! {"source": 1, "hash": 1}),
        _ => None,
    }
}

/// The refusal to stop the run with when one of `refused` (what was refused as a duplicate,
/// with the server's words) names a unique index of `collection` relevé did not make; `None`
/// when none does.
pub(crate) async fn refusal(
    db: &Database,
    collection: &str,
    action: &str,
    refused: &[(String, &str)],
) -> Result<Option<StoreError>, StoreError> {
    if refused.is_empty() {
        return Ok(None);
    }
    let listing = format!("listing the indexes of `{collection}`");
    let mut indexes: Vec<mongodb::IndexModel> = Vec::new();
    releve::store::each_found(
        db.collection::<Document>(collection).list_indexes(),
        &listing,
        |index| indexes.push(index),
    )
    .await?;
    let found = indexes.into_iter().find_map(|index| {
        let options = index.options?;
        let name = options.name?;
        let foreign = options.unique == Some(true)
            && name != "_id_"
            && ours(collection).is_none_or(|ours| ours != index.keys);
        let (what, said) = refused.iter().find(|(_, said)| names(said, &name))?;
        foreign.then_some((name, index.keys, what, said))
    });
    Ok(found.map(|(name, keys, what, said)| StoreError::Refused {
        action: action.to_owned(),
        reason: format!(
            "{what} is refused as a duplicate ({said}) by the unique index `{name}` on {keys} of `{collection}`, which relevé did not make: drop it (db.{collection}.dropIndex(\"{name}\")) or make it again without `unique`"
        ),
    }))
}

/// Whether `message` names the index `name`: MongoDB's `index: NAME dup key`, nx-27017's
/// `index 'NAME'`.
fn names(message: &str, name: &str) -> bool {
    message.contains(&format!("index: {name} "))
        || message.contains(&format!("index '{name}'"))
        || message.contains(&format!("index \"{name}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_read_from_mongodb_s_words_and_nx_27017_s() {
        let mongodb = "E11000 duplicate key error collection: releve.records index: mine dup key: \
                       { data.properties.mag: 1.0 }";
        assert!(names(mongodb, "mine"));
        assert!(!names(mongodb, "min"));
        let nx = "UNIQUE constraint failed: index 'idx_records_data_properties_mag'";
        assert!(names(nx, "idx_records_data_properties_mag"));
        assert!(!names(nx, "idx_records"));
    }
}
