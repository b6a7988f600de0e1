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
        let started: Vec<String> = documents.iter().map(run_in_words).collect();
        let duplicates = insert_unless_stored(&collection, documents)
            .await
            .map_err(StoreError::command(&action))?;
        let refused: Vec<(String, &str)> = duplicates
            .iter()
            .filter_map(|(index, said)| Some((started.get(*index)?.clone(), said.as_str())))
            .collect();
        if let Some(refusal) =
            foreign_index::refusal(db, RUNS, &format!("loading of `{source}` runs"), &refused)
                .await?
        {
            return Err(refusal);
        }
    }
    crash::passed("runs-loaded");
    Ok(())
}

/// A run as its metrics say it: `the run started at 2026-12-07T10:00:00Z (file …)`.
fn run_in_words(run: &Document) -> String {
    let started = run
        .get_datetime("started")
        .ok()
        .and_then(|at| at.try_to_rfc3339_string().ok())
        .unwrap_or_default();
    match run.get_str("file") {
        Ok(file) => format!("the run started at {started} (file {file})"),
        Err(_) => format!("the run started at {started}"),
    }
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
/// concurrent run, a rerun after a crash) is no failure. Returns those refused as duplicates,
/// by index in `documents`, with the server's words, for the caller to tell a unique index of
/// its own from one relevé did not make (see [`foreign_index`]).
pub(crate) async fn insert_unless_stored(
    collection: &Collection<Document>,
    documents: Vec<Document>,
) -> Result<Vec<(usize, String)>, mongodb::error::Error> {
    let unordered = InsertManyOptions::builder().ordered(false).build();
    match collection
        .insert_many(documents)
        .with_options(unordered)
        .await
    {
        Ok(_) => Ok(Vec::new()),
        Err(err) => match only_duplicates(&err) {
            Some(duplicates) => Ok(duplicates),
            None => Err(err),
        },
    }
}

/// The duplicates `err` is made of, when it is made of duplicates alone.
fn only_duplicates(err: &mongodb::error::Error) -> Option<Vec<(usize, String)>> {
    match err.kind.as_ref() {
        ErrorKind::InsertMany(failure) if failure.write_concern_error.is_none() => {
            let errors = failure.write_errors.as_ref()?;
            errors
                .iter()
                .map(|e| (e.code == DUPLICATE_KEY).then(|| (e.index, e.message.clone())))
                .collect()
        }
        _ => None,
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
