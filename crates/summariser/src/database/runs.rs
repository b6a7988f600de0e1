//! Loading collector runs into `runs`, and inserting documents a unique index may hold already.

use super::*;

/// Loads collector runs (their `runs` documents) into `runs`; runs already there (same
/// source, start and file) are left as they are. Existing runs are looked up first because
/// nx-27017's unique index lets two runs with `file: null` in.
pub async fn load_runs(db: &Database, source: &str, runs: Vec<Document>) -> Result<(), StoreError> {
    if runs.is_empty() {
        return Ok(());
    }
    let collection = db.collection::<Document>(RUNS);
    let action = format!("loading `{source}` runs");
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
        .map_err(StoreError::command(&action))?;
    let mut loaded = HashSet::new();
    while let Some(document) = cursor
        .try_next()
        .await
        .map_err(StoreError::command(&action))?
    {
        loaded.extend(identity(&document));
    }
    let documents: Vec<Document> = runs
        .into_iter()
        .filter(|run| identity(run).is_none_or(|id| loaded.insert(id)))
        .collect();
    if !documents.is_empty() {
        insert_unless_stored(&collection, documents)
            .await
            .map_err(StoreError::command(&action))?;
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
