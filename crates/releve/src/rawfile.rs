//! The raw folder's naming contract, written and read in this one place.
//!
//! A run of source `usgs` landed at 07:33:15 UTC is `raw/usgs/usgs_2026-11-22T07-33-15Z.json`;
//! a second run in the same second becomes `..._2026-11-22T07-33-15Z-2.json`. Its metrics sit
//! beside it as `usgs_2026-11-22T07-33-15Z.metrics.json`. Files are written under a hidden
//! `.tmp` name, flushed to disk and only then linked (renamed, on a file system without links)
//! to their final name, so a reader never sees a partial file under a `.json` name.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};

/// Bytes in a MiB, the unit of the summariser's `--max-file-mb`.
pub const MIB: u64 = 1024 * 1024;

/// The largest landed file the summariser reads by default, in MiB (`--max-file-mb`): a France
/// Travail day is about 120 MB, and a file takes about twice its size of memory while it is
/// summarised. The collector reads no single answer larger than this.
pub const DEFAULT_MAX_FILE_MB: u64 = 1024;

/// The folder under the raw folder where the summariser moves files it cannot use, each with
/// a `<file>.reason` beside it. Not a valid source name, so never taken for a source's folder.
pub const QUARANTINE_DIR: &str = "_quarantine";

/// `raw/_quarantine/`: see [`QUARANTINE_DIR`].
pub fn quarantine_dir(raw_dir: &Path) -> PathBuf {
    raw_dir.join(QUARANTINE_DIR)
}

/// Every landed file (data or metrics, of any source) in the quarantine; no folder means none.
pub fn quarantined(raw_dir: &Path) -> io::Result<Vec<RawFileName>> {
    let entries = match fs::read_dir(quarantine_dir(raw_dir)) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut files = Vec::new();
    for entry in entries {
        if let Some(file) = entry?.file_name().to_str().and_then(RawFileName::parse) {
            files.push(file);
        }
    }
    Ok(files)
}

/// `raw/_quarantine/<file>.reason`: why `quarantined`, a file in quarantine, is there.
pub fn quarantine_reason(quarantined: &Path) -> PathBuf {
    let mut name = quarantined.as_os_str().to_os_string();
    name.push(".reason");
    PathBuf::from(name)
}

/// `raw/<source>/.lock`: held by the collector run collecting the source.
pub fn source_lock(raw_dir: &Path, source: &str) -> PathBuf {
    raw_dir.join(source).join(".lock")
}

/// `raw/<source>/.state.json`: the collector's schedule and cursor for the source.
pub fn state_file(raw_dir: &Path, source: &str) -> PathBuf {
    raw_dir.join(source).join(".state.json")
}

/// `raw/.summariser.lock`: held by the summariser run reading the raw folder.
pub fn summariser_lock(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".summariser.lock")
}

/// `raw/.summariser-database`: the name of the database the summariser last wrote the raw
/// folder's files into, so that a run finding that database empty stops instead of taking
/// the files into the wrong one.
pub fn summariser_database(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".summariser-database")
}

const STAMP: &str = "%Y-%m-%dT%H-%M-%SZ";
const DATA_SUFFIX: &str = ".json";
const METRICS_SUFFIX: &str = ".metrics.json";

/// True for a valid source name, `[a-z0-9-]+`: safe as a folder and a file-name prefix, and
/// never mistaken for the `_` that separates it from the landing time.
pub fn is_source_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What a file in `raw/<source>/` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RawFileRole {
    /// The records of one run.
    Data,
    /// The metrics of one run.
    Metrics,
}

/// The parsed name of a landed file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawFileName {
    /// When the run landed (UTC, second precision).
    pub landed_at: DateTime<Utc>,
    /// 1 for the first run in that second, 2 for the next, ...
    pub sequence: u32,
    /// The source name.
    pub source: String,
    /// Data or metrics.
    pub role: RawFileRole,
}

/// Where a landed file stands among its source's files: by landing time, then sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LandingOrder {
    /// When the run landed.
    pub landed_at: DateTime<Utc>,
    /// The run's sequence within that second.
    pub sequence: u32,
}

impl RawFileName {
    /// Where this file stands among its source's files.
    pub fn landing_order(&self) -> LandingOrder {
        LandingOrder {
            landed_at: self.landed_at,
            sequence: self.sequence,
        }
    }

    /// The data file name of a run.
    pub fn data(source: &str, landed_at: DateTime<Utc>, sequence: u32) -> Self {
        RawFileName {
            landed_at,
            sequence,
            source: source.to_owned(),
            role: RawFileRole::Data,
        }
    }

    /// The metrics file that goes with this run.
    pub fn metrics(&self) -> Self {
        RawFileName {
            role: RawFileRole::Metrics,
            ..self.clone()
        }
    }

    /// The file name, without folder.
    pub fn file_name(&self) -> String {
        let stamp = self.landed_at.format(STAMP);
        let sequence = if self.sequence > 1 {
            format!("-{}", self.sequence)
        } else {
            String::new()
        };
        let suffix = match self.role {
            RawFileRole::Data => DATA_SUFFIX,
            RawFileRole::Metrics => METRICS_SUFFIX,
        };
        format!("{}_{stamp}{sequence}{suffix}", self.source)
    }

    /// How `source`'s data files are named, for people: `usgs_YYYY-MM-DDTHH-MM-SSZ.json`.
    pub fn pattern(source: &str) -> String {
        format!("{source}_YYYY-MM-DDTHH-MM-SSZ{DATA_SUFFIX}")
    }

    /// The file's path under a raw folder.
    pub fn path_in(&self, raw_dir: &Path) -> PathBuf {
        raw_dir.join(&self.source).join(self.file_name())
    }

    /// Parses a file name; `None` for anything that is not a complete landed file
    /// (temp files, quarantine reasons, foreign files).
    pub fn parse(file_name: &str) -> Option<Self> {
        let (stem, role) = if let Some(stem) = file_name.strip_suffix(METRICS_SUFFIX) {
            (stem, RawFileRole::Metrics)
        } else {
            (file_name.strip_suffix(DATA_SUFFIX)?, RawFileRole::Data)
        };
        let (source, rest) = stem.rsplit_once('_')?;
        if !is_source_name(source) {
            return None;
        }
        let (stamp, sequence) = match rest.get(20..) {
            Some("") => (rest, 1),
            Some(tail) => (
                &rest[..20],
                tail.strip_prefix('-')?.parse().ok().filter(|&n| n > 1)?,
            ),
            None => return None,
        };
        let landed_at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
        // Years MongoDB-compatible servers store as dates, and no leap second (`07-00-60Z`,
        // which would sort as 07:01:00): a name made by hand, left alone like any other.
        if !(1..=9999).contains(&landed_at.year()) || landed_at.nanosecond() >= 1_000_000_000 {
            return None;
        }
        let name = RawFileName {
            landed_at,
            sequence,
            source: source.to_owned(),
            role,
        };
        // Only the name the file is written back as (not `-02`, `+2`): it is opened by it.
        (name.file_name() == file_name).then_some(name)
    }
}

/// Lands `contents` as a new data file of `source` under `raw_dir`, never overwriting an
/// existing run: the bytes go to a temp file, are flushed to disk, then linked to the first
/// free name for that second. Returns the name it landed under.
pub fn land(
    raw_dir: &Path,
    source: &str,
    landed_at: DateTime<Utc>,
    contents: &[u8],
) -> io::Result<RawFileName> {
    let first = LandingOrder {
        landed_at,
        sequence: 1,
    };
    land_from(raw_dir, source, first, contents)
}

/// Lands `contents` as [`land`] does, under the first free name from `first` on in its second
/// (`first.sequence` 3: `..._08-00-01Z-3.json` or a later sequence): a run landing in the second
/// of a file already summarised and deleted still reads as the newer one.
pub fn land_from(
    raw_dir: &Path,
    source: &str,
    first: LandingOrder,
    contents: &[u8],
) -> io::Result<RawFileName> {
    land_linking(raw_dir, source, first, contents, |tmp, target| {
        fs::hard_link(tmp, target)
    })
}

/// Lands `contents` as [`land_from`] does, linking the temp file to its name with `link`.
fn land_linking(
    raw_dir: &Path,
    source: &str,
    first: LandingOrder,
    contents: &[u8],
    link: impl Fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<RawFileName> {
    let dir = raw_dir.join(source);
    fs::create_dir_all(&dir)?;
    let landed_at = first.landed_at.with_nanosecond_zero();
    let tmp = write_temp(&dir, &format!(".{source}_{}", std::process::id()), contents)?;
    let result = link_first_free(
        &dir,
        &tmp,
        first.sequence.max(1),
        |sequence| RawFileName::data(source, landed_at, sequence),
        link,
    );
    let _ = fs::remove_file(&tmp);
    let name = result?;
    sync_dir(&dir)?;
    Ok(name)
}

/// Writes a run's metrics beside its data file (replacing an earlier version of the same
/// run's metrics, which is never data).
pub fn write_metrics(raw_dir: &Path, data: &RawFileName, contents: &[u8]) -> io::Result<PathBuf> {
    let path = data.metrics().path_in(raw_dir);
    replace_file(&path, contents)?;
    Ok(path)
}

/// Replaces the file at `path` with `contents` all at once: the bytes go to a hidden temp
/// file beside it, are flushed to disk, then renamed over it, and the rename is flushed too.
/// A reader sees the old contents or the new, never a mix; a failure leaves no temp file.
pub fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        ));
    };
    // A bare file name lies in the working folder.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    fs::create_dir_all(dir)?;
    let tmp = write_temp(dir, &format!(".{}", name.to_string_lossy()), contents)?;
    if let Err(err) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(err);
    }
    sync_dir(dir)
}

/// The first run name of `source` in the second of `at` whose data and metrics files are
/// both free: where a failed run's metrics go, with no data file beside them.
pub fn free_run_name(raw_dir: &Path, source: &str, at: DateTime<Utc>) -> Option<RawFileName> {
    let at = at.with_nanosecond_zero();
    (1..10_000)
        .map(|sequence| RawFileName::data(source, at, sequence))
        .find(|name| !name.path_in(raw_dir).exists() && !name.metrics().path_in(raw_dir).exists())
}

/// The name a temporary file was written for (`.2026-11-21.pdf.0.tmp` → `2026-11-21.pdf`,
/// `.usgs_4242.0.tmp` → `usgs_4242`), `None` for any other name: the one reading of the names
/// `write_temp` gives.
pub fn temp_target(file_name: &str) -> Option<&str> {
    let inner = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (target, attempt) = inner.rsplit_once('.')?;
    attempt.parse::<u32>().ok().map(|_| target)
}

/// Writes `contents` to a new file named `{prefix}.{attempt}.tmp` in `dir` (see
/// [`temp_target`]), flushed to disk.
fn write_temp(dir: &Path, prefix: &str, contents: &[u8]) -> io::Result<PathBuf> {
    for attempt in 0..1000u32 {
        let path = dir.join(format!("{prefix}.{attempt}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                let written = file.write_all(contents).and_then(|()| file.sync_all());
                return match written {
                    Ok(()) => Ok(path),
                    Err(err) => {
                        let _ = fs::remove_file(&path);
                        Err(err)
                    }
                };
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free temp name in {}", dir.display()),
    ))
}

/// Gives `tmp` the first free landed name from `first` on. The name is taken by a hard link,
/// which fails rather than replace a file. A file system without hard links (FAT or exFAT, as
/// USB disks are formatted; some network shares) refuses every link: there the temp file is
/// renamed to a name found free, which the caller's hold on the source's lock keeps free, as
/// only a landing under that lock names files so.
fn link_first_free(
    dir: &Path,
    tmp: &Path,
    first: u32,
    name_for: impl Fn(u32) -> RawFileName,
    link: impl Fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<RawFileName> {
    let mut links = true;
    for sequence in first..first.saturating_add(10_000) {
        let name = name_for(sequence);
        // A failed run's metrics alone hold that name: a run landing under it would write its
        // metrics over them, maybe while the summariser, having read them, is about to
        // delete what it read.
        if dir.join(name.metrics().file_name()).exists() {
            continue;
        }
        let target = dir.join(name.file_name());
        if links {
            match link(tmp, &target) {
                Ok(()) => return Ok(name),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
                // EPERM (FAT, exFAT) or EOPNOTSUPP: links refused. A folder that cannot be
                // written (EACCES) refuses the rename below too, which then says so.
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::PermissionDenied | io::ErrorKind::Unsupported
                    ) =>
                {
                    links = false;
                }
                Err(err) => return Err(err),
            }
        }
        // Taken, even by a dangling link: never replaced.
        if fs::symlink_metadata(&target).is_ok() {
            continue;
        }
        fs::rename(tmp, &target)?;
        return Ok(name);
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free file name in {}", dir.display()),
    ))
}

/// Flushes a folder's entries (a rename in it) to disk. A folder the process may write but
/// not read (mode 0333) cannot be opened to be flushed: the rename stands, left to the
/// system's own flush.
fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir) {
        Ok(folder) => folder.sync_all(),
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => Ok(()),
        Err(err) => Err(err),
    }
}

trait WholeSeconds {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSeconds for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}

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

mod unconfigured;
pub use unconfigured::{Unconfigured, unconfigured};

#[cfg(test)]
mod tests;
