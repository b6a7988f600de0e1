//! A database gone back in time since this raw folder's last run (restored from an older
//! backup): said, and kept in the database for `analyser status` and the reports (see
//! [`releve::store::restored`]).

use std::path::Path;

use mongodb::Database;
use releve::store::StoreError;
use releve::store::restored::{self, LostRuns};
use tracing::warn;

/// Says, and keeps in `db`, the runs it lost since the raw folder `raw_dir` noted its newest.
pub(crate) async fn check(db: &Database, raw_dir: &Path, database: &str) -> Result<(), StoreError> {
    let newest = restored::newest_run(db).await?;
    let noted = restored::noted(raw_dir, database);
    let Some(lost) = LostRuns::between(noted, newest, chrono::Utc::now()) else {
        return Ok(());
    };
    warn!(
        "{}: collect that stretch again where its API still serves it (see the README's \"MongoDB restored from an older backup\"); `analyser status` says it for a day, and the reports of those days from now on.",
        lost.fact()
    );
    restored::record(db, &lost).await?;
    // Said once: the database's newest run is now the one to compare with.
    note_newest(raw_dir, database, newest);
    Ok(())
}

/// Notes in the raw folder the newest run `db` holds after this run.
pub(crate) async fn note(db: &Database, raw_dir: &Path, database: &str) {
    match restored::newest_run(db).await {
        Ok(newest) => note_newest(raw_dir, database, newest),
        Err(err) => {
            warn!(error = %err, "Cannot read the newest run stored, to tell the database gone back in time at the next run.")
        }
    }
}

fn note_newest(raw_dir: &Path, database: &str, newest: Option<chrono::DateTime<chrono::Utc>>) {
    if let Err(err) = restored::note(raw_dir, database, newest) {
        let path = releve::rawfile::summariser_newest_run(raw_dir);
        warn!(path = %path.display(), error = %err, "Cannot note the newest run stored: a database restored from an older backup would go unsaid.");
    }
}
