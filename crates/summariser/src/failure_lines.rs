//! The lines a run's failures print on stderr: one per file, except that a cause many files
//! share (a folder the summariser may not delete from: every file of every hour; an API that
//! changed its answers: every file quarantined for the same reason) is named for the first few
//! files and then counted, so an hourly cron mail stays readable.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::Failure;

/// Files named one per line for a cause, before the rest are counted.
const NAMED: usize = 5;

/// One line per failure, `path: reason[; moved to …]`, at most `NAMED` per reason, then
/// `... and N more files in FOLDER: reason[; moved to QUARANTINE]`.
pub fn failure_lines(failures: &[&Failure]) -> Vec<String> {
    let mut by_reason: BTreeMap<String, Vec<&Failure>> = BTreeMap::new();
    let mut order = Vec::new();
    for failure in failures {
        let cause = without_positions(&failure.reason);
        let same = by_reason.entry(cause.clone()).or_default();
        if same.is_empty() {
            order.push(cause);
        }
        same.push(failure);
    }
    let mut lines = Vec::new();
    for reason in order {
        let same = &by_reason[&reason];
        for failure in same.iter().take(NAMED) {
            lines.push(format!("{}: {}", failure.file.display(), failure.outcome()));
        }
        if same.len() > NAMED {
            let rest = &same[NAMED..];
            let place = shared_folder(rest.iter().map(|f| f.file.parent()))
                .map(|folder| format!(" in {}", folder.display()))
                .unwrap_or_default();
            let moved = shared_folder(
                rest.iter()
                    .map(|f| f.moved_to.as_deref().and_then(Path::parent)),
            )
            .map(|folder| format!("; moved to {}", folder.display()))
            .unwrap_or_default();
            lines.push(format!(
                "... and {} more files{place}: {reason}{moved}",
                rest.len()
            ));
        }
    }
    lines
}

/// The cause without the positions JSON errors name (` at line 1 column 137`), the counts of
/// a file's records said `N` (`none of its 12 records has …: 12 have no time`), so files cut
/// short at different lengths, or of a feed whose answers vary in size, share one.
fn without_positions(reason: &str) -> String {
    static POSITION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r" at line \d+ column \d+").expect("a valid pattern"));
    static COUNT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b\d+ (records?|have|has)\b").expect("a valid pattern"));
    let reason = POSITION.replace_all(reason, "");
    COUNT.replace_all(&reason, "N $1").into_owned()
}

/// The folder every one of `folders` is, if they are all the same one.
fn shared_folder<'a>(mut folders: impl Iterator<Item = Option<&'a Path>>) -> Option<&'a Path> {
    let first = folders.next()??;
    folders.all(|f| f == Some(first)).then_some(first)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn failure(file: &str, reason: &str) -> Failure {
        Failure::in_place(PathBuf::from(file), reason.to_owned())
    }

    fn quarantined(file: &str, reason: &str) -> Failure {
        let moved = PathBuf::from("raw/_quarantine").join(file.rsplit('/').next().unwrap_or(file));
        Failure {
            moved_to: Some(moved),
            ..failure(file, reason)
        }
    }

    #[test]
    fn a_cause_shared_by_many_files_is_counted_after_a_few() {
        let denied = "summarised but cannot be deleted: Permission denied (os error 13)";
        let mut failures: Vec<Failure> = (0..120)
            .map(|i| failure(&format!("raw/usgs/usgs_{i:03}.json"), denied))
            .collect();
        failures.push(quarantined("raw/meteo/m.json", "not JSON"));
        let refs: Vec<&Failure> = failures.iter().collect();
        let lines = failure_lines(&refs);
        assert_eq!(lines.len(), NAMED + 2, "{lines:#?}");
        assert_eq!(lines[0], format!("raw/usgs/usgs_000.json: {denied}"));
        assert_eq!(
            lines[NAMED],
            format!("... and 115 more files in raw/usgs: {denied}")
        );
        assert_eq!(
            lines[NAMED + 1],
            "raw/meteo/m.json: not JSON; moved to raw/_quarantine/m.json"
        );
    }

    #[test]
    fn files_quarantined_for_one_cause_are_counted_after_a_few() {
        let why = "not valid JSON: expected ident at line 1 column 2";
        let failures: Vec<Failure> = (0..7)
            .map(|i| quarantined(&format!("raw/usgs/usgs_{i}.json"), why))
            .collect();
        let refs: Vec<&Failure> = failures.iter().collect();
        let lines = failure_lines(&refs);
        assert_eq!(lines.len(), NAMED + 1, "{lines:#?}");
        assert_eq!(
            lines[0],
            format!("raw/usgs/usgs_0.json: {why}; moved to raw/_quarantine/usgs_0.json")
        );
        assert_eq!(
            lines[NAMED],
            "... and 2 more files in raw/usgs: not valid JSON: expected ident; moved to raw/_quarantine"
        );
    }

    #[test]
    fn files_cut_at_different_lengths_share_one_cause() {
        let failures: Vec<Failure> = (0..8)
            .map(|i| {
                quarantined(
                    &format!("raw/s/s_{i}.json"),
                    &format!(
                        "not valid JSON: EOF while parsing a list at line 1 column {}",
                        100 + 37 * i
                    ),
                )
            })
            .collect();
        let refs: Vec<&Failure> = failures.iter().collect();
        let lines = failure_lines(&refs);
        assert_eq!(lines.len(), NAMED + 1, "{lines:#?}");
        assert!(lines[0].ends_with("at line 1 column 100; moved to raw/_quarantine/s_0.json"));
        assert_eq!(
            lines[NAMED],
            "... and 3 more files in raw/s: not valid JSON: EOF while parsing a list; moved to raw/_quarantine"
        );
        assert_eq!(
            without_positions("at line x, at line 2 column 7 and at line 3"),
            "at line x, and at line 3"
        );
    }
}
