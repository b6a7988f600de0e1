//! One source's landed files, oldest first, in batches: read and merge the files, write what
//! changed, recompute the touched hours, load the run metrics, and only then delete the files.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mongodb::Database;
use releve::{RawFileName, RawFileRole, RunMetrics, Source, rawfile};
use tracing::{debug, warn};

use crate::batch::Batch;
use crate::landed::{self, ReadError};
use crate::{Failure, SourceReport, SummariseError, crash, database, plan, quarantine};

/// A batch is written once its files hold this many bytes (a larger file makes a batch alone).
const BATCH_BYTES: u64 = 32 * 1024 * 1024;
/// ... or this many files (the default of [`crate::Options::batch_files`]).
pub const BATCH_FILES: usize = 500;

/// Summarises every landed file of `source`.
pub async fn summarise_source(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    batch_files: usize,
) -> Result<SourceReport, SummariseError> {
    let mut report = SourceReport {
        source: source.name.clone(),
        ..SourceReport::default()
    };
    let names = rawfile::list(raw_dir, &source.name).map_err(|err| SummariseError::Listing {
        folder: raw_dir.join(&source.name),
        source: err,
    })?;
    let mut leftover = database::pending_hours(db, &source.name).await?;
    let mut batch = Batch::default();
    for name in names {
        match name.role {
            RawFileRole::Metrics => batch.metrics_files.push(name),
            RawFileRole::Data => read_into(raw_dir, source, name, &mut batch, &mut report),
        }
        if batch.bytes >= BATCH_BYTES || batch.data_files.len() >= batch_files {
            flush(
                db,
                raw_dir,
                source,
                std::mem::take(&mut batch),
                &mut leftover,
                &mut report,
            )
            .await?;
        }
    }
    if !batch.is_empty() || !leftover.is_empty() {
        flush(db, raw_dir, source, batch, &mut leftover, &mut report).await?;
    }
    Ok(report)
}

fn read_into(
    raw_dir: &Path,
    source: &Source,
    name: RawFileName,
    batch: &mut Batch,
    report: &mut SourceReport,
) {
    let path = name.path_in(raw_dir);
    match landed::read(&path, source) {
        Ok(file) => {
            if file.rejected > 0 {
                warn!(file = %path.display(), rejected = file.rejected, "Skipped records lacking a key or a time.");
            }
            report.records_read += file.records.len();
            report.records_rejected += file.rejected;
            batch.merge(name, file);
        }
        Err(ReadError::Refused(reason)) => report.failures.push(refused(raw_dir, path, &reason)),
        Err(ReadError::Io(err)) => report.failures.push(unreadable(path, &err)),
    }
}

/// Quarantines a file that cannot be summarised; the failure says where it went.
fn refused(raw_dir: &Path, path: PathBuf, reason: &str) -> Failure {
    let reason = match quarantine::quarantine(raw_dir, &path, reason) {
        Ok(moved) => format!("{reason}; moved to {}", moved.display()),
        Err(err) => format!("{reason}; could not be quarantined: {err}"),
    };
    Failure { file: path, reason }
}

/// A file that could not be read; it stays in place for the next run.
fn unreadable(path: PathBuf, err: &std::io::Error) -> Failure {
    Failure {
        file: path,
        reason: format!("cannot read: {err}"),
    }
}

async fn flush(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    batch: Batch,
    leftover: &mut BTreeSet<DateTime<Utc>>,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    let mut plan = plan::plan(db, source, &batch).await?;
    report.records_inserted += plan.inserts.len();
    report.records_updated += plan.updates.len();
    let mut hours = std::mem::take(leftover);
    hours.extend(plan.hours.iter().copied());
    if !plan.hours.is_empty() {
        database::note_pending(db, &source.name, &plan.hours).await?;
    }
    let unstorable = database::write_records(db, source, &batch, &plan).await?;
    if unstorable > 0 {
        warn!(source = %source.name, records = unstorable, "Skipped records MongoDB cannot store.");
        plan.read_every_hour();
    }
    if !hours.is_empty() {
        report.hours_written +=
            database::recompute_hours(db, source, &hours, std::mem::take(&mut plan.in_hand))
                .await?;
    }
    let runs: Vec<RunMetrics> = batch
        .metrics_files
        .iter()
        .filter_map(|name| read_metrics(raw_dir, name, report))
        .collect();
    database::load_runs(db, &source.name, runs).await?;
    for name in batch.data_files.iter().chain(&batch.metrics_files) {
        let path = name.path_in(raw_dir);
        match fs::remove_file(&path) {
            Ok(()) => report.files_done += 1,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => report.failures.push(Failure {
                file: path,
                reason: format!("summarised but cannot be deleted: {err}"),
            }),
        }
        crash::passed("file-deleted");
    }
    debug!(source = %source.name, files = batch.data_files.len(), records = batch.records.len(), hours = hours.len(), "Summarised a batch.");
    Ok(())
}

fn read_metrics(
    raw_dir: &Path,
    name: &RawFileName,
    report: &mut SourceReport,
) -> Option<RunMetrics> {
    let path = name.path_in(raw_dir);
    let parsed = fs::read(&path).map_err(ReadError::Io).and_then(|bytes| {
        serde_json::from_slice::<RunMetrics>(&bytes)
            .map_err(|err| ReadError::Refused(format!("not valid run metrics: {err}")))
    });
    match parsed {
        Ok(metrics) => return Some(metrics),
        Err(ReadError::Refused(reason)) => report.failures.push(refused(raw_dir, path, &reason)),
        Err(ReadError::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(ReadError::Io(err)) => report.failures.push(unreadable(path, &err)),
    }
    None
}
