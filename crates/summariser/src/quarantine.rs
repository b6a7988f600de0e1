//! Quarantine: a landed file that cannot be summarised moves to `raw/_quarantine/`, with a
//! `<file name>.reason` text file beside it, so it never blocks the files after it and nothing
//! is lost. The reason is written first, then the file is moved in one rename: a data file in
//! quarantine always has its reason, and a reason alone (a run killed between the two) is
//! replaced when its file is quarantined again.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use releve::RawFileName;
use releve::rawfile::{self, LandingOrder, RawFileRole};

/// Moves `file` into quarantine with `reason`; returns its new path. A name already taken in
/// quarantine (a run name reused once the first file had left) takes the next free sequence of
/// that run name (`..._07-00-00Z-2.json`), so it is still counted as that source's file:
/// nothing there is ever replaced. Errors name the path that failed.
pub fn quarantine(raw_dir: &Path, file: &Path, reason: &str) -> io::Result<PathBuf> {
    let dir = rawfile::quarantine_dir(raw_dir);
    fs::create_dir_all(&dir).map_err(|err| match fs::metadata(&dir) {
        Ok(meta) if !meta.is_dir() => naming(
            &dir,
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "it is not a folder: move that file away so the quarantine can be made",
            ),
        ),
        _ => naming(&dir, err),
    })?;
    let name = file
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a file path has a name"))?;
    let landed = name.to_str().and_then(RawFileName::parse);
    let target = (0..10_000u32)
        .map(|n| {
            let renamed = landed.as_ref().filter(|_| n > 0).and_then(|run| {
                Some(RawFileName {
                    sequence: run.sequence.checked_add(n)?,
                    ..run.clone()
                })
            });
            match renamed {
                Some(run) => dir.join(run.file_name()),
                // Not a landed file's name, or one past the largest sequence (written by hand).
                None if n > 0 => {
                    let mut other = name.to_os_string();
                    other.push(format!("~{n}"));
                    dir.join(other)
                }
                None => dir.join(name),
            }
        })
        // A reason alone is what a run killed before its rename left: its name is free.
        .find(|candidate| !candidate.exists())
        .ok_or_else(|| {
            naming(
                &dir.join(name),
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "10,000 files of that name are already in quarantine; the file stays where it is",
                ),
            )
        })?;
    move_with_reason(file, &target, reason)?;
    Ok(target)
}

/// Writes `reason` beside `target`, then moves `file` there.
fn move_with_reason(file: &Path, target: &Path, reason: &str) -> io::Result<()> {
    let reason_file = rawfile::quarantine_reason(target);
    write_synced(&reason_file, &format!("{reason}\n")).map_err(|err| naming(&reason_file, err))?;
    crate::crash::passed("quarantine-reason-written");
    if let Err(err) = fs::rename(file, target) {
        // The file stays where it is (a folder it cannot leave): its reason would be alone.
        // Unless another run moved it there meanwhile (the same file, two runs at once): the
        // reason is then that file's.
        if fs::symlink_metadata(target).is_err() {
            let _ = fs::remove_file(&reason_file);
        }
        return Err(naming(target, err));
    }
    Ok(())
}

/// The data files of `source` waiting in quarantine: files that may come back, older than
/// files summarised since. An unreadable folder holds none that could come back.
pub fn waiting(raw_dir: &Path, source: &str) -> BTreeSet<LandingOrder> {
    of_source(raw_dir, source)
        .filter(|name| name.role == RawFileRole::Data)
        .map(|name| name.landing_order())
        .collect()
}

/// How many landed files of `source`, data or metrics, wait in quarantine (as `analyser
/// status` counts them); an unreadable folder counts none.
pub fn count(raw_dir: &Path, source: &str) -> usize {
    of_source(raw_dir, source).count()
}

/// The landed files of `source` in quarantine; an unreadable folder holds none.
fn of_source<'a>(raw_dir: &Path, source: &'a str) -> impl Iterator<Item = RawFileName> + 'a {
    rawfile::quarantined(raw_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(move |name| name.source == source)
}

/// Writes `text` to `path` and waits for the disk: a power cut after the file's rename must not
/// leave it in quarantine with an empty reason. The text goes to a temp file renamed over
/// `path` (see [`rawfile::replace_file`]): a symbolic link planted in its place (`raw/` may be
/// a shared folder) is replaced, never written through, and a write that fails (a full disk)
/// leaves no partial reason.
fn write_synced(path: &Path, text: &str) -> io::Result<()> {
    rawfile::replace_file(path, text.as_bytes())
}

fn naming(path: &Path, err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_another_run_quarantined_meanwhile_keeps_its_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("usgs_2026-11-22T07-00-00Z.json");
        // The other run moved the file in first: this run's rename finds it gone.
        fs::write(&target, b"{not json").expect("quarantined by the other run");
        let gone = dir
            .path()
            .join("usgs")
            .join("usgs_2026-11-22T07-00-00Z.json");
        move_with_reason(&gone, &target, "not valid JSON").expect_err("gone");
        assert_eq!(
            fs::read_to_string(rawfile::quarantine_reason(&target)).expect("its reason"),
            "not valid JSON\n"
        );
    }

    #[test]
    fn a_quarantined_file_keeps_its_bytes_and_gets_a_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source_dir = dir.path().join("usgs");
        fs::create_dir_all(&source_dir).expect("source dir");
        let file = source_dir.join("usgs_2026-11-22T07-00-00Z.json");
        fs::write(&file, b"{not json").expect("file");
        let moved = quarantine(dir.path(), &file, "not valid JSON").expect("quarantined");
        assert!(!file.exists());
        assert_eq!(fs::read(&moved).expect("moved file"), b"{not json");
        let reason = fs::read_to_string(
            rawfile::quarantine_dir(dir.path()).join("usgs_2026-11-22T07-00-00Z.json.reason"),
        )
        .expect("reason file");
        assert_eq!(reason, "not valid JSON\n");
    }

    #[test]
    fn a_file_that_cannot_move_leaves_no_reason_behind_and_a_file_named_like_the_folder_is_said() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir
            .path()
            .join("usgs")
            .join("usgs_2026-11-22T07-00-00Z.json");
        let err = quarantine(dir.path(), &missing, "gone").expect_err("nothing to move");
        assert!(err.to_string().contains("_quarantine"), "{err}");
        let left: Vec<_> = fs::read_dir(rawfile::quarantine_dir(dir.path()))
            .expect("quarantine")
            .collect();
        assert!(left.is_empty(), "no reason alone: {left:?}");

        let other = tempfile::tempdir().expect("temp dir");
        fs::write(rawfile::quarantine_dir(other.path()), b"").expect("a file named _quarantine");
        let err = quarantine(other.path(), &missing, "x").expect_err("no folder");
        assert!(err.to_string().contains("it is not a folder"), "{err}");
    }

    #[test]
    fn a_name_already_in_quarantine_is_never_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source_dir = dir.path().join("usgs");
        fs::create_dir_all(&source_dir).expect("source dir");
        let file = source_dir.join("usgs_2026-11-22T07-00-00Z.json");
        fs::write(&file, b"first").expect("file");
        let first = quarantine(dir.path(), &file, "one").expect("quarantined");
        fs::write(&file, b"second").expect("same name again");
        let second = quarantine(dir.path(), &file, "two").expect("quarantined");
        assert_ne!(first, second);
        assert!(
            second
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(RawFileName::parse)
                .is_some_and(|n| n.source == "usgs"),
            "still counted as a usgs file: {second:?}"
        );
        assert_eq!(fs::read(&first).expect("first"), b"first");
        assert_eq!(fs::read(&second).expect("second"), b"second");
        assert_eq!(
            fs::read_to_string(rawfile::quarantine_reason(&second)).expect("second reason"),
            "two\n"
        );
    }

    #[test]
    fn a_name_at_the_largest_sequence_is_kept_apart_without_overflowing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source_dir = dir.path().join("usgs");
        fs::create_dir_all(&source_dir).expect("source dir");
        let name = format!("usgs_2026-11-22T07-00-00Z-{}.json", u32::MAX);
        assert!(RawFileName::parse(&name).is_some(), "a landed file's name");
        let file = source_dir.join(&name);
        fs::write(&file, b"first").expect("file");
        let first = quarantine(dir.path(), &file, "one").expect("quarantined");
        fs::write(&file, b"second").expect("same name again");
        let second = quarantine(dir.path(), &file, "two").expect("quarantined");
        assert_ne!(first, second);
        assert_eq!(fs::read(&second).expect("second"), b"second");
    }

    #[test]
    fn a_reason_is_never_written_through_a_symbolic_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let raw = dir.path().join("raw");
        fs::create_dir_all(raw.join("feed")).expect("source folder");
        fs::create_dir_all(rawfile::quarantine_dir(&raw)).expect("quarantine");
        let notes = dir.path().join("notes.txt");
        fs::write(&notes, "someone's notes\n").expect("write");
        let name = "feed_2026-12-03T05-00-00Z.json";
        let landed = raw.join("feed").join(name);
        fs::write(&landed, "not json").expect("landed");
        let planted = rawfile::quarantine_reason(&rawfile::quarantine_dir(&raw).join(name));
        std::os::unix::fs::symlink(&notes, &planted).expect("link");

        let moved = quarantine(&raw, &landed, "not valid JSON").expect("quarantined");

        assert_eq!(
            fs::read_to_string(&notes).expect("read"),
            "someone's notes\n",
            "the file the link led to is untouched"
        );
        let reason = rawfile::quarantine_reason(&moved);
        assert!(!reason.is_symlink(), "the link is replaced by the reason");
        assert_eq!(
            fs::read_to_string(&reason).expect("reason"),
            "not valid JSON\n"
        );
    }
}
