//! The batch's run metrics, loaded into `runs`.

use std::path::Path;

use mongodb::Database;
use mongodb::bson::Document;
use releve::metrics::MetricsFileError;
use releve::store::run_document;
use releve::{RawFileName, RunMetrics, Source};

use super::disposal::set_aside;
use crate::batch::Batch;
use crate::landed::ReadError;
use crate::{SourceReport, SummariseError, database};

/// Loads the batch's run metrics into `runs`; returns the metrics files loaded.
pub(super) async fn load_runs<'b>(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    batch: &'b Batch,
    report: &mut SourceReport,
) -> Result<Vec<&'b RawFileName>, SummariseError> {
    let mut loaded = Vec::new();
    let mut runs = Vec::new();
    for name in &batch.metrics_files {
        if let Some(run) = read_run(raw_dir, name, report) {
            loaded.push(name);
            runs.push(run);
        }
    }
    let starts = || {
        runs.iter()
            .filter_map(|run| run.get_datetime("started").ok())
            .map(|at| releve::store::chrono_date(*at))
    };
    let span = starts().min().zip(starts().max());
    database::load_runs(db, &source.name, runs).await?;
    if let Some((oldest, newest)) = span {
        let stored = report.runs_stored.get_or_insert((oldest, newest));
        *stored = (stored.0.min(oldest), stored.1.max(newest));
    }
    // Acknowledged: noted now, for a server that dies before the run ends.
    if let Some(span) = span
        && let Err(err) = releve::store::restored::advance(raw_dir, db.name(), &source.name, span)
    {
        let path = releve::rawfile::summariser_newest_run(raw_dir);
        tracing::warn!(path = %path.display(), error = %err, "Cannot note the newest run stored: a database restored from an older backup would go unsaid.");
    }
    Ok(loaded)
}

/// A metrics file as its `runs` document, or `None` when the file is gone, is not a run
/// MongoDB can store (quarantined) or cannot be read (left for the next run).
fn read_run(raw_dir: &Path, name: &RawFileName, report: &mut SourceReport) -> Option<Document> {
    let path = name.path_in(raw_dir);
    let parsed = RunMetrics::read(&path)
        .map_err(|err| match err {
            MetricsFileError::Unreadable { cause, .. } => ReadError::Io(cause),
            MetricsFileError::Invalid { cause, .. } => {
                ReadError::Refused(format!("not valid run metrics: {cause}"))
            }
        })
        .and_then(|mut metrics| {
            // Named inside after another source, the file was renamed into this one's folder
            // and name: a source renamed while its last run waited (the stages' advice).
            if metrics.source != name.source {
                tracing::warn!(
                    file = %path.display(),
                    named_inside = %metrics.source,
                    "A run's metrics file names another source inside than its name and folder do (a source renamed while its last run waited): stored as a run of `{}`.",
                    name.source
                );
                metrics.source = name.source.clone();
            }
            run_document(&metrics).map_err(|err| {
                ReadError::Refused(format!("run metrics MongoDB cannot store: {err}"))
            })
        });
    match parsed {
        Ok(run) => return Some(run),
        Err(ReadError::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => report.failures.push(set_aside(raw_dir, path, err)),
    }
    None
}
