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
    let starts = runs
        .iter()
        .filter_map(|run| run.get_datetime("started").ok());
    let mut loaded = HashSet::new();
    if let Some(lookup) = stored_runs_filter(source, starts) {
        each_found(
            collection
                .find(lookup)
                .projection(doc! {"_id": 0, "started": 1, "file": 1}),
            &action,
            |document| loaded.extend(identity(&document)),
        )
        .await?;
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

/// The runs of `source` that may already be stored among runs started at `starts`: those
/// started from the first to the last of them, a range of the `(source, started, file)` index
/// (`None` without a start). Not an `$in` of the starts: nx-27017 reads an `$in` with a subquery
/// per document, several times slower than a range, and every hourly run asks this of every
/// source over `runs`' 90 days. Runs in between that are not this batch's only fill the set of
/// identities the batch is compared with. Starts further apart than [`RANGE_AT_MOST`] (a file
/// moved back from quarantine weeks later) are listed with `$in`, rather than reading every run
/// between them.
fn stored_runs_filter<'a>(
    source: &str,
    starts: impl Iterator<Item = &'a bson::DateTime> + Clone,
) -> Option<Document> {
    let (first, last) = starts.clone().fold(
        None,
        |bounds: Option<(bson::DateTime, bson::DateTime)>, at| {
            Some(bounds.map_or((*at, *at), |(first, last)| (first.min(*at), last.max(*at))))
        },
    )?;
    if last.timestamp_millis() - first.timestamp_millis() > RANGE_AT_MOST.num_milliseconds() {
        let starts: Vec<bson::DateTime> = starts.copied().collect();
        return Some(doc! {"source": source, "started": {"$in": starts}});
    }
    Some(doc! {"source": source, "started": {"$gte": first, "$lte": last}})
}

/// The widest span of a batch's starts looked up as one range: a day and a half holds an
/// hourly run's batch and a day's backlog.
const RANGE_AT_MOST: chrono::TimeDelta = chrono::TimeDelta::hours(36);

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
    fn stored_runs_are_looked_up_by_a_range_of_starts() {
        let at = |ms: i64| bson::DateTime::from_millis(ms);
        let starts = [at(3_000), at(1_000), at(2_000)];
        assert_eq!(
            stored_runs_filter("usgs", starts.iter()),
            Some(doc! {"source": "usgs", "started": {"$gte": at(1_000), "$lte": at(3_000)}})
        );
        assert_eq!(stored_runs_filter("usgs", [].iter()), None);
        // A file back from quarantine weeks later: its start listed, not every run between.
        let day = 86_400_000;
        let apart = [at(1_000), at(1_000 + 20 * day)];
        assert_eq!(
            stored_runs_filter("usgs", apart.iter()),
            Some(doc! {"source": "usgs", "started": {"$in": [at(1_000), at(1_000 + 20 * day)]}})
        );
    }
}
