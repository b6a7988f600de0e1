//! Reading a source's folder: its landed files, the entries no stage reads, and the temp files
//! a killed landing leaves.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{RawFileName, temp_target};

/// Every complete landed file of `source` under `raw_dir`, oldest first.
pub fn list(raw_dir: &Path, source: &str) -> io::Result<Vec<RawFileName>> {
    Ok(list_all(raw_dir, source)?.landed)
}

/// What `raw/<source>/` holds.
#[derive(Debug, Default)]
pub struct Listing {
    /// The source's landed files, oldest first.
    pub landed: Vec<RawFileName>,
    /// The names of the other entries, hidden ones (`.state.json`, `.lock`, temporary files)
    /// left out: files misnamed or misplaced by hand, which no stage reads. Sorted.
    pub foreign: Vec<String>,
    /// Entries named as landed files that are not files (a folder, which the collector never
    /// lands, a named pipe that would block its reader for ever, a device, a socket): no stage
    /// opens them. Sorted. (A broken link fails to be read, as an I/O error does: what it
    /// pointed to may be a landed file on a disk not mounted.)
    pub not_files: Vec<String>,
}

/// The landed files of `source` and the foreign entries beside them; no folder holds none. A
/// link in the folder's place whose target is gone (a disk not mounted) is an error, not an
/// empty folder: the landed files may wait there.
pub fn list_all(raw_dir: &Path, source: &str) -> io::Result<Listing> {
    let dir = raw_dir.join(source);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return match fs::read_link(&dir) {
                Ok(target) => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "it is a symbolic link to {}, which does not exist (a disk not mounted?): mount it, or point the link at the folder",
                        target.display()
                    ),
                )),
                Err(_) => Ok(Listing::default()),
            };
        }
        Err(err) => return Err(err),
    };
    let mut listing = Listing::default();
    for entry in entries {
        let entry = entry?;
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        match RawFileName::parse(&file_name) {
            // Links followed: a link to a landed file is read as one.
            Some(_) if fs::metadata(entry.path()).is_ok_and(|meta| !meta.is_file()) => {
                listing.not_files.push(file_name.into_owned());
            }
            Some(name) if name.source == source => listing.landed.push(name),
            _ if file_name.starts_with('.') => {}
            _ => listing.foreign.push(file_name.into_owned()),
        }
    }
    listing.landed.sort();
    listing.foreign.sort();
    listing.not_files.sort();
    Ok(listing)
}

/// Removes the temporary files in `raw/<source>/` (named as `write_temp` names them, see
/// [`temp_target`]), which only a landing killed half-way leaves; for a caller holding the source's lock. Returns each file tried, with
/// the outcome: one that cannot be removed does not stop the others.
pub fn remove_temps(raw_dir: &Path, source: &str) -> io::Result<Vec<(PathBuf, io::Result<()>)>> {
    let dir = raw_dir.join(source);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut tried = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
        if temp_target(&name).is_some() && is_file {
            tried.push((entry.path(), fs::remove_file(entry.path())));
        }
    }
    tried.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(tried)
}
