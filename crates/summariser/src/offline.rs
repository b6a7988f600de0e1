//! Summaries computed in memory, without a database and without touching the files: the same
//! reading, merging and folding as a real run, for the benchmark and for checking a raw folder.

use std::path::Path;

use mongodb::bson;
use releve::store::HourlySummary;
use releve::{RawFileRole, Source, rawfile};

use crate::batch::Batch;
use crate::landed::{self, ReadError};
use crate::summary::{hour_of, summarise_hours};

/// What reading a source's files in memory gave.
#[derive(Debug, Default)]
pub struct OfflineSummary {
    /// Data files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Record versions read.
    pub versions: usize,
    /// Distinct records.
    pub records: usize,
    /// One summary per hour.
    pub hours: Vec<HourlySummary>,
    /// Files that would be quarantined, with the reason.
    pub refused: Vec<(String, String)>,
}

/// Why a source's files could not be read in memory: a folder or a file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot read: {cause}")]
pub struct OfflineError {
    /// The folder or file.
    pub path: std::path::PathBuf,
    /// The I/O failure.
    pub cause: std::io::Error,
}

/// Reads every landed data file of `source` and summarises its hours; files that would be
/// quarantined are listed in [`OfflineSummary::refused`].
pub fn summarise(raw_dir: &Path, source: &Source) -> Result<OfflineSummary, OfflineError> {
    let mut batch = Batch::default();
    let mut summary = OfflineSummary::default();
    let names = rawfile::list(raw_dir, &source.name).map_err(|cause| OfflineError {
        path: raw_dir.join(&source.name),
        cause,
    })?;
    for name in names {
        if name.role != RawFileRole::Data {
            continue;
        }
        // No size limit: the benchmark and the checks read every file, whatever its size.
        let path = name.path_in(raw_dir);
        match landed::read(&path, source, u64::MAX) {
            Ok(file) => {
                summary.versions += file.records.len();
                batch.merge(name, file, crate::batch::final_hours(source));
            }
            Err(ReadError::Refused(reason)) => summary.refused.push((name.file_name(), reason)),
            Err(ReadError::Io(cause)) => return Err(OfflineError { path, cause }),
            // Not given a limit: no file is too large.
            Err(ReadError::TooLarge { bytes, .. }) => {
                summary
                    .refused
                    .push((name.file_name(), format!("{bytes} bytes: too large")));
            }
        }
    }
    summary.files = batch.data_files.len();
    summary.bytes = batch.bytes;
    summary.records = batch.records.len();
    let facts = batch
        .records
        .into_iter()
        .map(|(key, version)| (hour_of(version.time), key, version.facts))
        .collect();
    summary.hours = summarise_hours(source, facts, bson::DateTime::now());
    Ok(summary)
}
