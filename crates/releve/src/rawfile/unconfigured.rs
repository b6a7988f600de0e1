//! Folders of `raw/` left by sources the configuration no longer has (renamed or removed):
//! their landed files wait there, never summarised, until the source's table is back.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use super::RawFileName;

/// A folder of `raw/` named as a source the configuration lacks, holding landed files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfigured {
    /// The folder.
    pub folder: PathBuf,
    /// The landed data and metrics files in it.
    pub files: usize,
}

/// The folders of `raw_dir` that hold landed files named for them and whose name `known` does
/// not accept (a source configured, or refused: its files are said to wait with its refusal),
/// by name. Hidden folders and `_quarantine` are never sources'; a raw folder that cannot be
/// read has none.
pub fn unconfigured(raw_dir: &Path, known: impl Fn(&str) -> bool) -> Vec<Unconfigured> {
    let Ok(entries) = fs::read_dir(raw_dir) else {
        return Vec::new();
    };
    let mut found: Vec<Unconfigured> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            if name.starts_with(['.', '_']) || known(&name) || !entry.path().is_dir() {
                return None;
            }
            let files = fs::read_dir(entry.path())
                .ok()?
                .flatten()
                // Named for this folder's source: a link to a configured source's folder,
                // or files put in the wrong folder, are no source's waiting files.
                .filter(|file| {
                    file.file_name()
                        .to_str()
                        .and_then(RawFileName::parse)
                        .is_some_and(|landed| landed.source == name)
                })
                .count();
            (files > 0).then(|| Unconfigured {
                folder: entry.path(),
                files,
            })
        })
        .collect();
    found.sort_by(|a, b| a.folder.cmp(&b.folder));
    found
}

/// `raw/usgs: 2 landed files of a source missing from the configuration wait, never
/// summarised; …` with what to do.
impl fmt::Display for Unconfigured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (files, wait) = match self.files {
            1 => ("1 landed file".to_owned(), "waits"),
            n => (format!("{n} landed files"), "wait"),
        };
        write!(
            f,
            "{}: {files} of a source missing from the configuration {wait} there, never summarised; to have them summarised, put its `[[source]]` table back (`enabled = false` stops collecting it)",
            self.folder.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_holding_their_own_landed_files_are_named() {
        let raw = tempfile::tempdir().expect("temp dir");
        let land = |folder: &str, file: &str| {
            let dir = raw.path().join(folder);
            fs::create_dir_all(&dir).expect("folder");
            fs::write(dir.join(file), b"[]").expect("file");
        };
        land("usgs", "usgs_2026-11-22T07-33-15Z.json");
        land("retired", "retired_2026-11-22T07-33-15Z.json");
        land("retired", "retired_2026-11-22T07-33-15Z.metrics.json");
        land("retired", "notes.txt");
        land("misplaced", "usgs_2026-11-22T07-34-15Z.json");
        land(".hidden", ".hidden_2026-11-22T07-33-15Z.json");
        land("_quarantine", "retired_2026-11-22T07-00-00Z.json");
        #[cfg(unix)]
        std::os::unix::fs::symlink(raw.path().join("usgs"), raw.path().join("linked"))
            .expect("link");
        let found = unconfigured(raw.path(), |name| name == "usgs");
        assert_eq!(
            found,
            vec![Unconfigured {
                folder: raw.path().join("retired"),
                files: 2,
            }]
        );
        assert!(found[0].to_string().ends_with(
            "retired: 2 landed files of a source missing from the configuration wait there, never summarised; to have them summarised, put its `[[source]]` table back (`enabled = false` stops collecting it)"
        ));
    }
}
