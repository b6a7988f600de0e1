//! Folders of `raw/` left by sources the configuration no longer has (renamed or removed):
//! their landed files wait there, never summarised, until the source's table is back.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use super::{RawFileName, RawFileRole};
use crate::Config;

/// A folder of `raw/` named as a source the configuration lacks, holding landed files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfigured {
    /// The folder.
    pub folder: PathBuf,
    /// The landed data and metrics files in it.
    pub files: usize,
    /// Of those, the runs' metrics files.
    pub metrics: usize,
    /// Where the refused `[[source]]` tables whose `name` cannot be read begin (the file and
    /// the line): one of them may be this folder's source.
    pub unnamed_refused: Vec<(PathBuf, usize)>,
}

/// The folders of `raw_dir` that hold landed files named for them and that no table of `config`
/// names (a source configured, or refused: its files are said to wait with its refusal), by
/// name. Hidden folders and `_quarantine` are never sources'; a raw folder that cannot be read
/// has none.
pub fn unconfigured(raw_dir: &Path, config: &Config) -> Vec<Unconfigured> {
    let unnamed_refused: Vec<(PathBuf, usize)> = config
        .refused
        .iter()
        .filter(|table| table.name.is_none())
        .map(|table| (table.path.clone(), table.table_line))
        .collect();
    let Ok(entries) = fs::read_dir(raw_dir) else {
        return Vec::new();
    };
    let mut found: Vec<Unconfigured> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            if name.starts_with(['.', '_']) || config.has_table(&name) || !entry.path().is_dir() {
                return None;
            }
            let landed: Vec<RawFileName> = fs::read_dir(entry.path())
                .ok()?
                .flatten()
                // Named for this folder's source: a link to a configured source's folder,
                // or files put in the wrong folder, are no source's waiting files.
                .filter_map(|file| file.file_name().to_str().and_then(RawFileName::parse))
                .filter(|landed| landed.source == name)
                .collect();
            (!landed.is_empty()).then(|| Unconfigured {
                folder: entry.path(),
                files: landed.len(),
                metrics: landed
                    .iter()
                    .filter(|landed| landed.role == RawFileRole::Metrics)
                    .count(),
                unnamed_refused: unnamed_refused.clone(),
            })
        })
        .collect();
    found.sort_by(|a, b| a.folder.cmp(&b.folder));
    found
}

/// `raw/usgs: 2 landed files of a source missing from the configuration wait, never
/// summarised; …` with what to do; when refused tables' names cannot be read, that it may be
/// one of them.
impl fmt::Display for Unconfigured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = self.files - self.metrics;
        let data_files = match data {
            1 => "1 landed file".to_owned(),
            n => format!("{n} landed files"),
        };
        let runs = match self.metrics {
            1 => "the metrics of 1 run".to_owned(),
            n => format!("the metrics of {n} runs"),
        };
        let files = match (data, self.metrics) {
            (_, 0) => data_files,
            (0, _) => runs,
            _ => format!("{data_files} and {runs}"),
        };
        let wait = if data + self.metrics == 1 {
            "waits"
        } else {
            "wait"
        };
        let folder = self.folder.display();
        let Some(tables) = self.refused_tables() else {
            return write!(
                f,
                "{folder}: {files} of a source missing from the configuration {wait} there, never summarised; to have them summarised, put its `[[source]]` table back (`enabled = false` stops collecting it)"
            );
        };
        let name = self
            .folder
            .file_name()
            .map(|name| name.to_string_lossy())
            .unwrap_or_default();
        write!(
            f,
            "{folder}: {files} of a source no `[[source]]` table names {wait} there, never summarised; it may be {tables}, whose `name` cannot be read: to have them summarised, write `name = \"{name}\"` in it, else put the source's `[[source]]` table back"
        )
    }
}

impl Unconfigured {
    /// `the refused table at sources.toml:4`, or `one of the refused tables at …`, when some
    /// refused tables' names cannot be read.
    fn refused_tables(&self) -> Option<String> {
        let at: Vec<String> = self
            .unnamed_refused
            .iter()
            .map(|(path, line)| format!("{}:{line}", path.display()))
            .collect();
        match at.as_slice() {
            [] => None,
            [one] => Some(format!("the refused table at {one}")),
            [all @ .., last] => Some(format!(
                "one of the refused tables at {} and {last}",
                all.join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

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
        let config = Config::parse(
            "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n",
            Path::new("sources.toml"),
        )
        .expect("the file is read");
        let found = unconfigured(raw.path(), &config);
        assert_eq!(
            found,
            vec![Unconfigured {
                folder: raw.path().join("retired"),
                files: 2,
                metrics: 1,
                unnamed_refused: Vec::new(),
            }]
        );
        assert!(found[0].to_string().ends_with(
            "retired: 1 landed file and the metrics of 1 run of a source missing from the configuration wait there, never summarised; to have them summarised, put its `[[source]]` table back (`enabled = false` stops collecting it)"
        ));
    }

    #[test]
    fn a_folder_may_be_a_refused_table_s_whose_name_cannot_be_read() {
        let raw = tempfile::tempdir().expect("temp dir");
        let dir = raw.path().join("first");
        fs::create_dir_all(&dir).expect("folder");
        fs::write(dir.join("first_2026-11-22T07-33-15Z.json"), b"[]").expect("file");
        let table = |name: &str| {
            format!(
                "[[source]]\nname = {name}\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n\n"
            )
        };
        let config = Config::parse(
            &format!("{}{}", table("42"), table("\"second\"")),
            Path::new("sources.toml"),
        )
        .expect("the file is read");
        assert_eq!(config.refused[0].name, None);
        let found = unconfigured(raw.path(), &config);
        assert_eq!(
            found[0].to_string(),
            format!(
                "{}: 1 landed file of a source no `[[source]]` table names waits there, never summarised; it may be the refused table at sources.toml:1, whose `name` cannot be read: to have them summarised, write `name = \"first\"` in it, else put the source's `[[source]]` table back",
                dir.display()
            )
        );
        // Two such tables: either may be.
        let config = Config::parse(
            &format!("{}{}", table("42"), table("true")),
            Path::new("sources.toml"),
        )
        .expect("the file is read");
        assert!(
            unconfigured(raw.path(), &config)[0]
                .to_string()
                .contains("it may be one of the refused tables at sources.toml:1 and sources.toml:9, whose `name` cannot be read"),
        );
    }
}
