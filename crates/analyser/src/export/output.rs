//! Where the CSV goes: a file that appears whole or not at all, or standard output.

use std::path::{Path, PathBuf};

use releve::rawfile::Replacement;

use super::{ExportError, TableError};

/// A file that appears whole or not at all, written as [`releve::rawfile::replace_file`]
/// writes a report (a temporary file beside it, renamed over it once complete), with the
/// permissions any new file gets, as readable as one written by `> FILE`.
pub(super) struct PartFile {
    path: PathBuf,
    pub(super) out: std::io::BufWriter<Replacement>,
}

impl PartFile {
    /// A temporary file beside `path`, to become it.
    pub(super) fn create(path: &Path) -> Result<PartFile, ExportError> {
        let replacement = Replacement::create(path).map_err(|cause| ExportError::Write {
            path: path.to_owned(),
            cause,
        })?;
        Ok(PartFile {
            path: path.to_owned(),
            out: std::io::BufWriter::new(replacement),
        })
    }

    /// Puts the file in place once `written` succeeded; the temporary file goes otherwise.
    pub(super) fn finish(self, written: Result<(), TableError>) -> Result<(), ExportError> {
        let failed = |cause: std::io::Error| ExportError::Write {
            path: self.path.clone(),
            cause,
        };
        match written {
            Ok(()) => {}
            Err(TableError::Store(err)) => return Err(ExportError::Store(err)),
            Err(TableError::Write(cause)) => return Err(failed(cause)),
        }
        let replacement = self
            .out
            .into_inner()
            .map_err(|err| failed(err.into_error()))?;
        replacement.commit().map_err(failed)
    }
}

/// The outcome of a table written to standard output: whether it was written whole. A reader
/// that stops early (`| head`) ends the export without an error.
pub(super) fn to_stdout(written: Result<(), TableError>) -> Result<bool, ExportError> {
    match written {
        Ok(()) => Ok(true),
        Err(TableError::Write(cause)) if cause.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(false)
        }
        Err(TableError::Store(err)) => Err(ExportError::Store(err)),
        Err(TableError::Write(cause)) => Err(ExportError::Write {
            path: PathBuf::from("-"),
            cause,
        }),
    }
}
