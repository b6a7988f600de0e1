//! Where the CSV goes: a file that appears whole or not at all, or standard output.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{ExportError, TableError};

/// A file that appears whole or not at all: written as a temporary file beside it, renamed
/// over it once complete. It is created with the permissions any new file gets (0666 less the
/// umask), not a temporary file's owner-only 0600, so the CSV is as readable as one written by
/// `> FILE`.
pub(super) struct PartFile {
    path: PathBuf,
    pub(super) out: std::io::BufWriter<std::fs::File>,
    temporary: tempfile::TempPath,
}

impl PartFile {
    /// A temporary file beside `path`, to become it.
    pub(super) fn create(path: &Path) -> Result<PartFile, ExportError> {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let (file, temporary) = tempfile::Builder::new()
            .prefix(".export-")
            .suffix(".csv.part")
            .permissions(std::fs::Permissions::from_mode(0o666))
            .tempfile_in(folder)
            .map_err(|cause| ExportError::Write {
                path: path.to_owned(),
                cause,
            })?
            .into_parts();
        Ok(PartFile {
            path: path.to_owned(),
            out: std::io::BufWriter::new(file),
            temporary,
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
        let file = self
            .out
            .into_inner()
            .map_err(|err| failed(err.into_error()))?;
        file.sync_all().map_err(failed)?;
        self.temporary
            .persist(&self.path)
            .map_err(|err| failed(err.error))
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
