//! The reports folder: the old reports pruned, a report saved all at once.

use std::path::Path;

use releve::Config;

use crate::AnalyserError;
use crate::period::ReportPeriod;

/// Removes the reports of `period`'s kind past the `keep` newest, warning of what cannot be.
pub(super) fn prune_old_reports(reports_dir: &Path, config: &Config, period: &ReportPeriod) {
    match crate::retention::prune(
        reports_dir,
        period.kind,
        config.report.keep,
        &period.file_name(),
    ) {
        Ok(tried) => {
            for (old, outcome) in tried {
                match outcome {
                    Ok(()) => tracing::info!(path = %old.display(), "Removed an old report."),
                    Err(err) => {
                        tracing::warn!(path = %old.display(), error = %err, "Cannot remove an old report.");
                    }
                }
            }
        }
        // No folder yet (the first report makes it), or no folder at all, which the write says.
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) => {}
        Err(err) => {
            tracing::warn!(folder = %reports_dir.display(), error = %err, "Cannot list the reports folder to remove old reports.");
        }
    }
}

/// Writes the report all at once (see [`releve::rawfile::replace_file`]): a reader never sees
/// a partial report, and a failed write leaves no temporary file.
pub(super) fn save(path: &Path, bytes: &[u8]) -> Result<(), AnalyserError> {
    if let Some(folder) = path.parent()
        && std::fs::metadata(folder).is_ok_and(|meta| !meta.is_dir())
    {
        return Err(AnalyserError::Write {
            path: folder.to_owned(),
            cause: std::io::Error::other("it is not a folder: check --reports-dir"),
        });
    }
    releve::rawfile::replace_file(path, bytes).map_err(|cause| AnalyserError::Write {
        path: path.to_owned(),
        cause,
    })
}
