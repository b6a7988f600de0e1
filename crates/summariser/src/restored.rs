//! A database gone back in time since this raw folder's last run (restored from an older
//! backup): said, and kept in the database for `analyser status` and the reports (see
//! [`releve::store::restored`]).

use std::path::Path;

use mongodb::Database;
use releve::store::StoreError;
use releve::store::restored::{self, LostRuns, Noted, RunSpans};
use tracing::warn;

use crate::SourceReport;

/// The oldest and newest run of each of the configured `sources` that `db` holds. A failure
/// to read them fails the run when `checking` (they are compared with the raw folder's note),
/// else it is said and nothing is noted at the end.
pub(crate) async fn held(
    db: &Database,
    sources: &[&str],
    checking: bool,
) -> Result<Option<RunSpans>, StoreError> {
    match restored::run_spans(db, sources).await {
        Ok(held) => Ok(Some(held)),
        Err(err) if checking => Err(err),
        Err(err) => {
            warn!(error = %err, "Cannot read the newest runs stored, to tell the database gone back in time at the next run.");
            Ok(None)
        }
    }
}

/// Says, and keeps in `db`, the runs of the configured `sources` it lost since the raw folder
/// `raw_dir` noted their newest, `held` being the runs of those sources `db` holds (a source
/// removed from the configuration, its runs deleted with it, is not looked for, nor one whose
/// newest run noted `db` holds under another name: a source renamed, its runs carried over).
pub(crate) async fn check(
    db: &Database,
    raw_dir: &Path,
    (database, sources): (&str, &[&str]),
    held: &RunSpans,
) -> Result<(), StoreError> {
    let noted = restored::noted(raw_dir, database);
    let mut runs = noted.runs.clone();
    runs.retain(|source, _| sources.contains(&source.as_str()));
    for (source, span) in &noted.runs {
        let missing = held
            .get(source)
            .is_none_or(|kept| kept.newest < span.newest);
        if missing
            && runs.contains_key(source)
            && restored::run_renamed(db, source, span.newest).await?
        {
            runs.remove(source);
        }
    }
    let noted = Noted { runs, ..noted };
    let Some(lost) = LostRuns::between(&noted, held, chrono::Utc::now()) else {
        return Ok(());
    };
    warn!(
        "{}: collect that stretch again where its API still serves it (see the README's \"MongoDB restored from an older backup\"); `analyser status` says it for a day, and the reports of those days from now on.",
        lost.fact()
    );
    restored::record(db, &lost).await?;
    // Said once: the database's runs are now the ones to compare with.
    note_runs(raw_dir, database, held);
    Ok(())
}

/// Notes in the raw folder the newest run of each source the database holds after this run:
/// those `held` at its start, widened by the runs each of its `reports` stored (nothing when
/// they could not be read).
pub(crate) fn note(
    raw_dir: &Path,
    database: &str,
    held: Option<RunSpans>,
    reports: &[SourceReport],
) {
    let Some(mut held) = held else {
        return;
    };
    for report in reports {
        if let Some(stored) = report.runs_stored {
            restored::widen(&mut held, &report.source, stored);
        }
    }
    note_runs(raw_dir, database, &held);
}

fn note_runs(raw_dir: &Path, database: &str, held: &RunSpans) {
    if let Err(err) = restored::note(raw_dir, database, held, chrono::Utc::now()) {
        let path = releve::rawfile::summariser_newest_run(raw_dir);
        warn!(path = %path.display(), error = %err, "Cannot note the newest runs stored: a database restored from an older backup would go unsaid.");
    }
}
