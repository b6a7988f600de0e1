//! A database gone back in time since this raw folder's last run (restored from an older
//! backup): said, and kept in the database for `analyser status` and the reports (see
//! [`releve::store::restored`]).

use std::path::Path;

use mongodb::Database;
use releve::store::StoreError;
use releve::store::restored::{self, LostRuns, Noted, RunSpans};
use tracing::warn;

/// Says, and keeps in `db`, the runs of the configured `sources` it lost since the raw folder
/// `raw_dir` noted their newest (a source removed from the configuration, its runs deleted
/// with it, is not looked for).
pub(crate) async fn check(
    db: &Database,
    raw_dir: &Path,
    database: &str,
    sources: &[&str],
) -> Result<(), StoreError> {
    let held = restored::run_spans(db, sources).await?;
    let noted = restored::noted(raw_dir, database);
    let noted = Noted {
        runs: noted
            .runs
            .into_iter()
            .filter(|(source, _)| sources.contains(&source.as_str()))
            .collect(),
        ..noted
    };
    let Some(lost) = LostRuns::between(&noted, &held, chrono::Utc::now()) else {
        return Ok(());
    };
    warn!(
        "{}: collect that stretch again where its API still serves it (see the README's \"MongoDB restored from an older backup\"); `analyser status` says it for a day, and the reports of those days from now on.",
        lost.fact()
    );
    restored::record(db, &lost).await?;
    // Said once: the database's runs are now the ones to compare with.
    note_runs(raw_dir, database, &held);
    Ok(())
}

/// Notes in the raw folder the newest run of each of `sources` that `db` holds after this run.
pub(crate) async fn note(db: &Database, raw_dir: &Path, database: &str, sources: &[&str]) {
    match restored::run_spans(db, sources).await {
        Ok(held) => note_runs(raw_dir, database, &held),
        Err(err) => {
            warn!(error = %err, "Cannot read the newest runs stored, to tell the database gone back in time at the next run.")
        }
    }
}

fn note_runs(raw_dir: &Path, database: &str, held: &RunSpans) {
    if let Err(err) = restored::note(raw_dir, database, held, chrono::Utc::now()) {
        let path = releve::rawfile::summariser_newest_run(raw_dir);
        warn!(path = %path.display(), error = %err, "Cannot note the newest runs stored: a database restored from an older backup would go unsaid.");
    }
}
