//! Keeps the reports folder bounded: only the last N reports of each period kind stay.

use std::io;
use std::path::{Path, PathBuf};

use crate::period::PeriodKind;

/// Deletes the oldest reports of `kind` in `dir` beyond the `keep` most recent (by name,
/// which sorts by date); `keep = 0` keeps everything. Returns the deleted paths.
pub fn prune(dir: &Path, kind: PeriodKind, keep: usize) -> io::Result<Vec<PathBuf>> {
    if keep == 0 {
        return Ok(Vec::new());
    }
    let mut reports: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| kind.names_report(name))
        .collect();
    reports.sort();
    let excess = reports.len().saturating_sub(keep);
    let mut removed = Vec::with_capacity(excess);
    for name in reports.into_iter().take(excess) {
        let path = dir.join(name);
        std::fs::remove_file(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_reports_of_the_kind_stay() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in [
            "2026-11-19.pdf",
            "2026-11-20.pdf",
            "2026-11-21.pdf",
            "week-2026-W46.pdf",
            "notes.pdf",
        ] {
            std::fs::write(dir.path().join(name), b"%PDF").expect("write");
        }
        let removed = prune(dir.path(), PeriodKind::Day, 2).expect("prune");
        assert_eq!(removed, vec![dir.path().join("2026-11-19.pdf")]);
        for kept in [
            "2026-11-20.pdf",
            "2026-11-21.pdf",
            "week-2026-W46.pdf",
            "notes.pdf",
        ] {
            assert!(dir.path().join(kept).exists(), "{kept} is kept");
        }
    }
}
