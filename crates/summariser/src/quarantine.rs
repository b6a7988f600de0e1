//! Quarantine: a landed file that cannot be summarised moves to `raw/_quarantine/`, with a
//! `<file name>.reason` text file beside it, so it never blocks the files after it and nothing
//! is lost. The reason is written first, then the file is moved in one rename.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The quarantine folder under a raw folder (`_` keeps it apart from source names).
pub fn folder(raw_dir: &Path) -> PathBuf {
    raw_dir.join(releve::rawfile::QUARANTINE_DIR)
}

/// Moves `file` into quarantine with `reason`; returns its new path.
pub fn quarantine(raw_dir: &Path, file: &Path, reason: &str) -> io::Result<PathBuf> {
    let dir = folder(raw_dir);
    fs::create_dir_all(&dir)?;
    let name = file
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a file path has a name"))?;
    let target = dir.join(name);
    let mut reason_name = name.to_os_string();
    reason_name.push(".reason");
    fs::write(dir.join(reason_name), format!("{reason}\n"))?;
    fs::rename(file, &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let reason =
            fs::read_to_string(folder(dir.path()).join("usgs_2026-11-22T07-00-00Z.json.reason"))
                .expect("reason file");
        assert_eq!(reason, "not valid JSON\n");
    }
}
