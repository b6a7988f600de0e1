//! The lines a run's failures print on stderr: one per file, except that a cause many files
//! share (a folder the summariser may not delete from: every file of every hour) is named for
//! the first few files and then counted, so an hourly cron mail stays readable.

use std::collections::BTreeMap;

use crate::Failure;

/// Files named one per line for a cause, before the rest are counted.
const NAMED: usize = 5;

/// One line per failure, `path: reason`, at most [`NAMED`] per reason, then
/// `... and N more files in FOLDER: reason`.
pub fn failure_lines(failures: &[&Failure]) -> Vec<String> {
    let mut by_reason: BTreeMap<&str, Vec<&Failure>> = BTreeMap::new();
    let mut order = Vec::new();
    for failure in failures {
        let same = by_reason.entry(failure.reason.as_str()).or_default();
        if same.is_empty() {
            order.push(failure.reason.as_str());
        }
        same.push(failure);
    }
    let mut lines = Vec::new();
    for reason in order {
        let same = &by_reason[reason];
        for failure in same.iter().take(NAMED) {
            lines.push(format!("{}: {reason}", failure.file.display()));
        }
        if same.len() > NAMED {
            let folders: Vec<_> = same.iter().filter_map(|f| f.file.parent()).collect();
            let place = match folders.first() {
                Some(first) if folders.iter().all(|f| f == first) => {
                    format!(" in {}", first.display())
                }
                _ => String::new(),
            };
            lines.push(format!(
                "... and {} more files{place}: {reason}",
                same.len() - NAMED
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn failure(file: &str, reason: &str) -> Failure {
        Failure {
            file: PathBuf::from(file),
            reason: reason.to_owned(),
        }
    }

    #[test]
    fn a_cause_shared_by_many_files_is_counted_after_a_few() {
        let denied = "summarised but cannot be deleted: Permission denied (os error 13)";
        let mut failures: Vec<Failure> = (0..120)
            .map(|i| failure(&format!("raw/usgs/usgs_{i:03}.json"), denied))
            .collect();
        failures.push(failure(
            "raw/meteo/m.json",
            "not JSON; moved to raw/_quarantine/m.json",
        ));
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
}
