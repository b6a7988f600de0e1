//! Writing into the raw folder: a file lands under a hidden temp name, is flushed to disk, and
//! only then takes its final name, so a reader never sees a partial file under a landed name.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{LandingOrder, RawFileName};

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
pub(super) fn land_linking(
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
    fs::create_dir_all(folder_of(path)?)?;
    let mut replacement = Replacement::create(path)?;
    replacement.write_all(contents)?;
    replacement.commit()
}

/// A file written in place of another as [`replace_file`] writes one, for contents written
/// a piece at a time: write into it, then [`commit`](Replacement::commit) it. Dropped
/// before, its temp file goes and the file it was to replace stays as it was.
pub struct Replacement {
    path: PathBuf,
    temp: PathBuf,
    file: File,
    committed: bool,
}

impl Replacement {
    /// A replacement of the file at `path`, whose folder must exist; the temp file beside it
    /// gets a new file's permissions (0666 less the umask).
    pub fn create(path: &Path) -> io::Result<Replacement> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let (temp, file) = create_temp(folder_of(path)?, &format!(".{name}"))?;
        Ok(Replacement {
            path: path.to_owned(),
            temp,
            file,
            committed: false,
        })
    }

    /// Flushes what was written to disk, renames it over the file, and flushes the rename.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        fs::rename(&self.temp, &self.path)?;
        self.committed = true;
        sync_dir(folder_of(&self.path)?)
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// The folder a file `path` names lies in (a bare file name lies in the working folder).
fn folder_of(path: &Path) -> io::Result<&Path> {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(_)) if dir.as_os_str().is_empty() => Ok(Path::new(".")),
        (Some(dir), Some(_)) => Ok(dir),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        )),
    }
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

/// Writes `contents` to a new temp file in `dir` (see [`create_temp`]), flushed to disk.
fn write_temp(dir: &Path, prefix: &str, contents: &[u8]) -> io::Result<PathBuf> {
    let (path, mut file) = create_temp(dir, prefix)?;
    match file.write_all(contents).and_then(|()| file.sync_all()) {
        Ok(()) => Ok(path),
        Err(err) => {
            let _ = fs::remove_file(&path);
            Err(err)
        }
    }
}

/// A new, empty file named `{prefix}.{attempt}.tmp` in `dir` (see [`temp_target`]).
fn create_temp(dir: &Path, prefix: &str) -> io::Result<(PathBuf, File)> {
    for attempt in 0..1000u32 {
        let path = dir.join(format!("{prefix}.{attempt}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
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
