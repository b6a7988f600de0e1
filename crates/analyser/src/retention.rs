//! Keeps the reports folder bounded: only the last N reports of each period kind stay.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::period::PeriodKind;

/// What [`prune`] tried to delete, each with the outcome: one that cannot be deleted (a
/// folder of that name, a file another run deleted first) does not stop the others.
pub type Tried = Vec<(PathBuf, io::Result<()>)>;

/// Deletes the oldest reports of `kind` in `dir` beyond the `keep` most recent (by name,
/// which sorts by date), but never `written`, the report just asked for: an old day written
/// again by hand stays until a later run finds it among the oldest. `keep = 0` keeps
/// everything. Temporary files a killed write left go too. An error only when `dir` cannot
/// be listed. Called before `written` is written, which counts among the reports as if it
/// were there, so that the oldest makes room for it (a full disk needs that room).
pub fn prune(dir: &Path, kind: PeriodKind, keep: usize, written: &str) -> io::Result<Tried> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.filter_map(Result::ok).collect();
    let mut doomed = stale_temps(&entries, kind);
    if keep > 0 {
        let mut reports: Vec<String> = entries
            .iter()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| kind.names_report(name))
            .collect();
        if !reports.iter().any(|name| name == written) {
            reports.push(written.to_owned());
        }
        reports.sort();
        let excess = reports.len().saturating_sub(keep);
        doomed.extend(
            reports
                .into_iter()
                .take(excess)
                .filter(|name| name != written)
                .map(|name| dir.join(name)),
        );
    }
    Ok(doomed
        .into_iter()
        .map(|path| {
            let outcome = std::fs::remove_file(&path);
            (path, outcome)
        })
        .collect())
}

/// A temporary report this old was left by a write that was killed; a younger one may be
/// being written right now.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// Among `entries`, the temporary files of reports of `kind` (`.2026-11-21.pdf.0.tmp`, see
/// `releve::rawfile::replace_file`) that a killed write left, an hour old or more.
fn stale_temps(entries: &[std::fs::DirEntry], kind: PeriodKind) -> Vec<PathBuf> {
    let mut stale: Vec<PathBuf> = entries
        .iter()
        .filter(|entry| {
            let name = entry.file_name();
            let report = name.to_str().and_then(releve::rawfile::temp_target);
            report.is_some_and(|report| kind.names_report(report))
                && entry
                    .metadata()
                    .and_then(|meta| meta.modified())
                    .is_ok_and(|at| at.elapsed().is_ok_and(|age| age >= STALE_TEMP))
        })
        .map(std::fs::DirEntry::path)
        .collect();
    stale.sort();
    stale
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths `prune` deleted, every one of them.
    fn deleted(tried: io::Result<Tried>) -> Vec<PathBuf> {
        tried
            .expect("prune")
            .into_iter()
            .map(|(path, outcome)| {
                outcome.expect("deleted");
                path
            })
            .collect()
    }

    #[test]
    fn one_that_cannot_be_deleted_does_not_stop_the_others() {
        let dir = tempfile::tempdir().expect("temp dir");
        let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
        let folder = dir.path().join(".2026-11-06.pdf.0.tmp");
        std::fs::create_dir(&folder).expect("a folder named like a temporary file");
        std::fs::File::open(&folder)
            .and_then(|f| f.set_modified(two_hours_ago))
            .expect("set the time");
        for name in ["2026-11-01.pdf", "2026-11-02.pdf", "2026-11-03.pdf"] {
            std::fs::write(dir.path().join(name), b"%PDF").expect("write");
        }
        let tried = prune(dir.path(), PeriodKind::Day, 2, "2026-11-03.pdf").expect("listed");
        let outcomes: Vec<(PathBuf, bool)> = tried
            .into_iter()
            .map(|(path, outcome)| (path, outcome.is_ok()))
            .collect();
        assert_eq!(
            outcomes,
            vec![(folder, false), (dir.path().join("2026-11-01.pdf"), true)]
        );
    }

    /// Before a write, the report to come counts: a folder holding `keep` reports frees the
    /// oldest's room, which a full disk needs; an old day written again by hand takes none.
    #[test]
    fn before_a_write_the_report_to_come_counts() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["2026-11-19.pdf", "2026-11-20.pdf"] {
            std::fs::write(dir.path().join(name), b"%PDF").expect("write");
        }
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 2, "2026-11-21.pdf"));
        assert_eq!(removed, vec![dir.path().join("2026-11-19.pdf")]);
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 2, "2026-11-01.pdf"));
        assert!(removed.is_empty(), "the old day is the oldest: {removed:?}");
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 2, "2026-11-20.pdf"));
        assert!(removed.is_empty(), "written again: {removed:?}");
    }

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
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 2, "2026-11-21.pdf"));
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
    fn temporary_files_a_killed_write_left_go_once_an_hour_old() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Every time is set from the process's own clock, the one `prune` judges by, not
        // left to the kernel's stamp: under libfaketime (a clock sweep) the two differ.
        let now = std::time::SystemTime::now();
        let two_hours_ago = now - Duration::from_secs(7200);
        for (name, modified) in [
            (".2026-11-19.pdf.0.tmp", two_hours_ago),
            (".2026-11-21.pdf.1.tmp", now),
            (".week-2026-W46.pdf.0.tmp", two_hours_ago),
        ] {
            let file = std::fs::File::create(dir.path().join(name)).expect("create");
            file.set_modified(modified).expect("set the time");
        }
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 0, "2026-11-21.pdf"));
        assert_eq!(removed, vec![dir.path().join(".2026-11-19.pdf.0.tmp")]);
        assert!(
            dir.path().join(".2026-11-21.pdf.1.tmp").exists(),
            "one being written now stays"
        );
        assert!(
            dir.path().join(".week-2026-W46.pdf.0.tmp").exists(),
            "another kind's"
        );
    }

    #[test]
    fn a_report_written_again_for_an_old_day_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["2026-10-01.pdf", "2026-11-03.pdf", "2026-11-29.pdf"] {
            std::fs::write(dir.path().join(name), b"%PDF").expect("write");
        }
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 2, "2026-10-01.pdf"));
        assert!(removed.is_empty(), "{removed:?}");
        std::fs::write(dir.path().join("2026-11-30.pdf"), b"%PDF").expect("write");
        let removed = deleted(prune(dir.path(), PeriodKind::Day, 2, "2026-11-30.pdf"));
        assert_eq!(
            removed,
            vec![
                dir.path().join("2026-10-01.pdf"),
                dir.path().join("2026-11-03.pdf")
            ]
        );
    }
}
