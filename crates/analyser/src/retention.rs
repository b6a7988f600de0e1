//! Keeps the reports folder bounded: only the last N reports of each period kind stay.

use std::io;
use std::path::{Path, PathBuf};

use crate::period::PeriodKind;

/// Deletes the oldest reports of `kind` in `dir` beyond the `keep` most recent (by name,
/// which sorts by date), but never `written`, the report just asked for: an old day written
/// again by hand stays until a later run finds it among the oldest. `keep = 0` keeps
/// everything. Returns the deleted paths.
pub fn prune(dir: &Path, kind: PeriodKind, keep: usize, written: &str) -> io::Result<Vec<PathBuf>> {
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
    for name in reports
        .into_iter()
        .take(excess)
        .filter(|name| name != written)
    {
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
        let removed = prune(dir.path(), PeriodKind::Day, 2, "2026-11-21.pdf").expect("prune");
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

    #[test]
    fn a_report_written_again_for_an_old_day_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["2026-10-01.pdf", "2026-11-03.pdf", "2026-11-29.pdf"] {
            std::fs::write(dir.path().join(name), b"%PDF").expect("write");
        }
        let removed = prune(dir.path(), PeriodKind::Day, 2, "2026-10-01.pdf").expect("prune");
        assert!(removed.is_empty(), "{removed:?}");
        std::fs::write(dir.path().join("2026-11-30.pdf"), b"%PDF").expect("write");
        let removed = prune(dir.path(), PeriodKind::Day, 2, "2026-11-30.pdf").expect("prune");
        assert_eq!(
            removed,
            vec![
                dir.path().join("2026-10-01.pdf"),
                dir.path().join("2026-11-03.pdf")
            ]
        );
    }
}
