//! The README's mongosh of "To carry a source's history over to its new name", step by step
//! through the driver (nx-27017 runs no mongosh).

use futures_util::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};

/// The README's batch: the old name's documents the new name holds, deleted so many at a time.
const BATCH: usize = 1000;

/// For each collection, the old name's documents the new name already holds (by the
/// collection's unique field) deleted a batch at a time (an `$or` of equalities, each naming the old name: nx-27017 deletes
/// more with `source` beside the `$or`), then the
/// rest given the new name; then the stretches of runs lost noted under the old name
/// (`installation`'s `lost_runs`) given the new name.
pub async fn carry_over(db: &mongodb::Database, from: &str, to: &str) {
    let unique = [
        ("records", "key"),
        ("hourly", "hour"),
        ("runs", "started"),
        ("rejected", "file"),
        ("rejected_records", "hash"),
    ];
    for (name, field) in unique {
        let collection = db.collection::<Document>(name);
        let held: Vec<Document> = collection
            .find(doc! {"source": to})
            .projection(doc! {field: 1})
            .await
            .expect("find")
            .try_collect()
            .await
            .expect("documents");
        let values: Vec<Document> = held
            .iter()
            .filter_map(|document| document.get(field))
            .map(|value| doc! {"source": from, field: value.clone()})
            .collect();
        for batch in values.chunks(BATCH) {
            collection
                .delete_many(doc! {"$or": batch.to_vec()})
                .await
                .expect("deleteMany");
        }
        collection
            .update_many(doc! {"source": from}, doc! {"$set": {"source": to}})
            .await
            .expect("updateMany");
    }
    let installation = db.collection::<Document>("installation");
    let note = installation
        .find_one(doc! {"_id": "summariser"})
        .await
        .expect("findOne");
    let Some(Ok(lost_runs)) = note.as_ref().map(|note| note.get_array("lost_runs")) else {
        return;
    };
    let renamed: Vec<Bson> = lost_runs
        .iter()
        .map(|lost| {
            let Bson::Document(lost) = lost else {
                return lost.clone();
            };
            let mut lost = lost.clone();
            if let Ok(sources) = lost.get_array("sources") {
                let sources: Vec<Bson> = sources
                    .iter()
                    .map(|source| match source {
                        Bson::Document(s) if s.get_str("source") == Ok(from) => {
                            let mut s = s.clone();
                            s.insert("source", to);
                            Bson::Document(s)
                        }
                        other => other.clone(),
                    })
                    .collect();
                lost.insert("sources", sources);
            }
            Bson::Document(lost)
        })
        .collect();
    installation
        .update_one(
            doc! {"_id": "summariser"},
            doc! {"$set": {"lost_runs": renamed}},
        )
        .await
        .expect("updateOne");
}
