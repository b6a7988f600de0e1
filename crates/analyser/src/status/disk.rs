//! The room left where the collector lands its files and the analyser writes its reports. A
//! run that cannot write leaves no trace (its metrics file cannot be written either), so status
//! says the disk is nearly full before it is.

use std::path::Path;

/// Below this, the next runs may not fit: France Travail's day alone lands about 120 MB, and
/// the files wait up to an hour for the summariser.
pub const LOW: u64 = 500_000_000;

/// Below this many files (inodes) left to create, the next runs may not fit either: a minute
/// source lands two files a run, and they wait up to an hour for the summariser (forty minute
/// sources, about 4,800).
pub const FEW_FILES: u64 = 10_000;

/// The room left on one file system, with the folders of relevé it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeSpace {
    /// The folders as given (`raw`, `reports`).
    pub folders: Vec<String>,
    /// Bytes an unprivileged process can still write there, or why that is unknown.
    pub available: Result<u64, String>,
    /// How many more files an unprivileged process can create there (its free inodes), when
    /// its file system counts them (btrfs and ZFS do not) and it could be read.
    pub files: Option<u64>,
}

/// The room left for each of `folders`, one entry per file system; a folder not created yet
/// is measured where it will be created.
pub fn free_space(folders: &[&Path]) -> Vec<FreeSpace> {
    let mut found: Vec<(Option<u64>, FreeSpace)> = Vec::new();
    for folder in folders {
        let shown = folder.display().to_string();
        let measured = nearest_existing(folder);
        let device = device(measured);
        if let Some((_, space)) = found
            .iter_mut()
            .find(|(seen, _)| device.is_some() && *seen == device)
        {
            space.folders.push(shown);
            continue;
        }
        let available = fs4::available_space(measured).map_err(|err| err.to_string());
        found.push((
            device,
            FreeSpace {
                folders: vec![shown],
                available,
                files: files_left(measured),
            },
        ));
    }
    found.into_iter().map(|(_, space)| space).collect()
}

impl FreeSpace {
    /// `71.2 GB (raw, reports)`; `1.1 GB, room for 812 more files (raw)` when few files can be created.
    pub fn render(&self) -> String {
        let amount = match &self.available {
            Ok(bytes) => bytes_said(*bytes),
            Err(_) => "?".to_owned(),
        };
        let files = match self.files {
            Some(files) if files < FEW_FILES => {
                format!(", room for {}", crate::format::counted(files, "more file"))
            }
            _ => String::new(),
        };
        format!("{amount}{files} ({})", self.folders.join(", "))
    }

    /// What needs attention: little room left, or room that could not be measured.
    pub fn problem(&self) -> Option<String> {
        let folders = self.folders.join(" and ");
        match &self.available {
            Ok(bytes) if *bytes < LOW => Some(format!(
                "only {} free on the disk of {folders} (less than {}): runs that cannot write leave no trace, not even a failure; free some space",
                bytes_said(*bytes),
                bytes_said(LOW)
            )),
            Ok(_) => match self.files {
                Some(files) if files < FEW_FILES => Some(format!(
                    "only {} more {} can be created on the disk of {folders}, though it has room (its inodes nearly all used: `df -i`): runs that cannot create their files leave no trace, not even a failure; delete files there",
                    crate::format::grouped(files),
                    if files == 1 { "file" } else { "files" }
                )),
                _ => None,
            },
            Err(why) => Some(format!(
                "the free space on the disk of {folders} could not be read: {why}"
            )),
        }
    }
}

/// Why the analyser cannot write its reports in `folder` (or create it), when it cannot: a
/// folder made read-only, a file system mounted read-only, another owner. Tried as the
/// analyser writes, by creating a file of its own there and removing it. Cron's day job then
/// fails every morning, and before two days' reports are written no report is missed
/// either (see `day_reports`): this says it at once.
pub fn reports_unwritable(folder: &Path) -> Option<String> {
    // Without a trailing slash (`reports/`), which would have the link below followed.
    let folder: &Path = &folder.components().collect::<std::path::PathBuf>();
    // A link to a folder that is not there (a disk not mounted), the reports folder's or one
    // of its parents': the report cannot be written through it, though the folder holding
    // the link can be written in.
    let dangling = folder.ancestors().find(|ancestor| {
        std::fs::symlink_metadata(ancestor).is_ok_and(|meta| meta.file_type().is_symlink())
            && !ancestor.exists()
    });
    if let Some(link) = dangling {
        let target = std::fs::read_link(link)
            .map(|target| target.display().to_string())
            .unwrap_or_else(|_| "?".to_owned());
        let where_ = if link == folder {
            "is".to_owned()
        } else {
            format!("lies under {}, which is", link.display())
        };
        return Some(format!(
            "the reports folder {} {where_} a link to {target}, which does not exist (a disk not mounted?): no report is written until it does",
            folder.display()
        ));
    }
    cannot_create(folder).map(|err| {
        format!(
            "the reports folder {} cannot be written ({}): no report is written until it can; {}",
            folder.display(),
            crate::why_unreadable(&err),
            what_to_check(&err)
        )
    })
}

/// Why the collector cannot land its files in the raw folder `folder` (nor the summariser take
/// its lock there), when it cannot: a disk remounted read-only after an error, no inode left,
/// another owner. Neither records a failure then, so no source reads failing: each reads `ok`
/// until it is stale. (A raw folder that does not exist is said with the sources, see
/// `gather`.)
pub fn raw_unwritable(folder: &Path) -> Option<String> {
    // One that is not a folder is said as unreadable.
    if !folder.is_dir() {
        return None;
    }
    cannot_create(folder).map(|err| raw_cannot_be_written(folder, &err))
}

/// Why the collector cannot land a source's files in its own folder (`raw/<source>`), for each
/// of `sources` whose folder exists and cannot be written in: one left owned by root by a
/// `sudo collector --source NAME`, while cron runs as its user. Its runs record no failure
/// either. For a raw folder that can be written in (see [`raw_unwritable`]).
pub fn source_folders_unwritable(raw_dir: &Path, sources: &[&str]) -> Vec<String> {
    sources
        .iter()
        .map(|source| (source, raw_dir.join(source)))
        .filter(|(_, folder)| folder.is_dir())
        .filter_map(|(source, folder)| {
            let err = cannot_create(&folder)?;
            Some(format!(
                "source `{source}`: its folder {} cannot be written ({}): the collector lands none of its files and records no failure, and the summariser cannot delete them; {}",
                folder.display(),
                crate::why_unreadable(&err),
                releve::disk_fault::advice(&err).unwrap_or(
                    "check its owner (a collector run by hand with sudo?) and permissions"
                )
            ))
        })
        .collect()
}

/// `the raw folder raw cannot be written (Read-only file system (os error 30)): …`.
fn raw_cannot_be_written(folder: &Path, err: &std::io::Error) -> String {
    format!(
        "the raw folder {} cannot be written ({}): the collector lands nothing and the summariser stores nothing until it can, and no run is recorded as failing; {}",
        folder.display(),
        crate::why_unreadable(err),
        what_to_check(err)
    )
}

/// What to do about a folder where a file could not be created for `err`.
fn what_to_check(err: &std::io::Error) -> &'static str {
    releve::disk_fault::advice(err).unwrap_or("check its permissions and how its disk is mounted")
}

/// Why a file cannot be created in `folder` (or where it will be created), tried as relevé
/// writes: by creating a file of its own there, removed at once.
fn cannot_create(folder: &Path) -> Option<std::io::Error> {
    let at = nearest_existing(folder);
    let trial = at.join(format!(".status-can-write-{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&trial);
    match written {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(&trial);
            None
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => None,
        Err(err) => Some(err),
    }
}

/// `folder`, or its nearest ancestor that exists (the current folder for a relative path
/// none of whose folders exist).
fn nearest_existing(folder: &Path) -> &Path {
    folder
        .ancestors()
        .find(|ancestor| !ancestor.as_os_str().is_empty() && ancestor.exists())
        .unwrap_or(Path::new("."))
}

/// How many more files an unprivileged process can create on the file system of `path`;
/// `None` when it does not count them (reporting no inode at all, as btrfs does) or cannot be
/// read.
#[cfg(unix)]
fn files_left(path: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(path).ok()?;
    (stats.f_files > 0).then_some(stats.f_favail)
}

#[cfg(not(unix))]
fn files_left(_path: &Path) -> Option<u64> {
    None
}

#[cfg(unix)]
fn device(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|meta| meta.dev())
}

#[cfg(not(unix))]
fn device(_path: &Path) -> Option<u64> {
    None
}

/// `312 MB`, `71.2 GB` (powers of 1,000, as disks are sold and `df -H` says).
fn bytes_said(bytes: u64) -> String {
    const GB: u64 = 1_000_000_000;
    if bytes >= GB {
        format!("{:.1} GB", bytes as f64 / GB as f64)
    } else {
        format!("{} MB", bytes / 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(folders: &[&str], available: Result<u64, String>) -> FreeSpace {
        FreeSpace {
            folders: folders.iter().map(|f| (*f).to_owned()).collect(),
            available,
            files: None,
        }
    }

    #[test]
    fn little_room_is_a_problem_naming_the_folders_and_the_amount() {
        let low = space(&["raw", "reports"], Ok(312_400_000));
        assert_eq!(low.render(), "312 MB (raw, reports)");
        let problem = low.problem().expect("a problem");
        assert!(
            problem
                .starts_with("only 312 MB free on the disk of raw and reports (less than 500 MB)"),
            "{problem}"
        );
        let roomy = space(&["raw"], Ok(71_234_000_000));
        assert_eq!(roomy.render(), "71.2 GB (raw)");
        assert_eq!(roomy.problem(), None);
        assert_eq!(space(&["raw"], Ok(LOW)).problem(), None);
    }

    /// A disk with room but (nearly) no inode left lands no file either, as `df -h` does not
    /// show; a file system that counts no inode (btrfs) is measured by its bytes only.
    #[test]
    fn few_files_left_to_create_is_a_problem_though_bytes_are_free() {
        let few = FreeSpace {
            files: Some(812),
            ..space(&["raw"], Ok(1_100_000_000))
        };
        assert_eq!(few.render(), "1.1 GB, room for 812 more files (raw)");
        let problem = few.problem().expect("a problem");
        assert!(
            problem.starts_with("only 812 more files can be created on the disk of raw"),
            "{problem}"
        );
        assert!(problem.contains("df -i"), "{problem}");
        let plenty = FreeSpace {
            files: Some(FEW_FILES),
            ..space(&["raw"], Ok(1_100_000_000))
        };
        assert_eq!(plenty.render(), "1.1 GB (raw)");
        assert_eq!(plenty.problem(), None);
        assert_eq!(space(&["raw"], Ok(1_100_000_000)).problem(), None);
    }

    /// What a raw folder that cannot be written says to do depends on why: a disk full (or out
    /// of inodes) or mounted read-only (as the kernel does after a disk error) is not a matter
    /// of permissions.
    #[test]
    fn a_raw_folder_that_cannot_be_written_says_what_to_do_for_its_cause() {
        use std::io::{Error, ErrorKind};
        let raw = Path::new("raw");
        let read_only = raw_cannot_be_written(raw, &Error::from(ErrorKind::ReadOnlyFilesystem));
        assert!(
            read_only.starts_with("the raw folder raw cannot be written (read-only filesystem")
                && read_only.contains("the collector lands nothing")
                && read_only.contains("mounted read-only"),
            "{read_only}"
        );
        let full = raw_cannot_be_written(raw, &Error::from(ErrorKind::StorageFull));
        assert!(full.contains("`df -i`"), "{full}");
        let denied = raw_cannot_be_written(raw, &Error::from(ErrorKind::PermissionDenied));
        assert!(
            denied.ends_with("check its permissions and how its disk is mounted"),
            "{denied}"
        );
    }

    /// A raw folder that can be written in, or that is not a folder (said as unreadable, with
    /// the sources), is no problem of this kind.
    #[test]
    fn a_raw_folder_that_can_be_written_or_is_not_one_is_not_said_unwritable() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(raw_unwritable(dir.path()), None);
        let file = dir.path().join("raw");
        std::fs::write(&file, "").expect("a file");
        assert_eq!(raw_unwritable(&file), None);
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("listing").count(),
            1,
            "the trial file is removed"
        );
    }

    #[test]
    fn room_that_cannot_be_measured_is_said() {
        let unknown = space(&["raw"], Err("permission denied".to_owned()));
        assert_eq!(unknown.render(), "? (raw)");
        assert!(
            unknown
                .problem()
                .is_some_and(|p| p.contains("raw") && p.contains("permission denied"))
        );
    }

    #[test]
    fn folders_on_one_disk_are_measured_once_and_missing_ones_where_they_will_be() {
        let dir = tempfile::tempdir().expect("temp dir");
        let raw = dir.path().join("raw");
        std::fs::create_dir(&raw).expect("raw");
        let reports = dir.path().join("reports/not/yet");
        let spaces = free_space(&[&raw, &reports]);
        assert_eq!(spaces.len(), 1, "{spaces:?}");
        assert_eq!(
            spaces[0].folders,
            [raw.display().to_string(), reports.display().to_string()]
        );
        assert!(spaces[0].available.as_ref().is_ok_and(|bytes| *bytes > 0));
    }
}
