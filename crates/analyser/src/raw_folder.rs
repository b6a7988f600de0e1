//! What the raw folder adds to the database's view of a period: each source's runs not yet
//! summarised, and the quarantined files. It is read before MongoDB, so that a run the
//! summariser stores and deletes meanwhile is seen in both views (and counted once, by its
//! start), never in neither.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use releve::{Config, RawFileName};

use crate::period::ReportPeriod;
use crate::query::SourceData;
use crate::report::Quarantined;
use crate::{quarantine, waiting_runs, why_unreadable};

/// The raw folder as read for a report.
pub struct RawFolder {
    /// The folder read, as `--raw-dir` gave it.
    raw_dir: PathBuf,
    /// What waits in each readable source folder, by source.
    waiting: BTreeMap<String, waiting_runs::Waiting>,
    /// The quarantined data files, `None` when the quarantine could not be read.
    quarantined: Option<Vec<RawFileName>>,
    /// What could not be read, and what that leaves out.
    problems: Vec<String>,
}

impl RawFolder {
    /// Reads the runs waiting for the summariser of every configured source, and the
    /// quarantined data files.
    pub fn read(raw_dir: &Path, config: &Config) -> RawFolder {
        let left_out = "runs not yet summarised and quarantined files are not counted, so health \
                        may be out of date";
        let unreadable_folder = |line: String| RawFolder {
            raw_dir: raw_dir.to_path_buf(),
            waiting: BTreeMap::new(),
            quarantined: None,
            problems: vec![line],
        };
        match std::fs::metadata(raw_dir) {
            Ok(meta) if meta.is_dir() => {}
            // Said once, not once per source folder: the mistake is `--raw-dir`'s.
            Ok(_) => {
                return unreadable_folder(format!(
                    "the raw folder {} is not a folder (check --raw-dir); {left_out}",
                    raw_dir.display()
                ));
            }
            Err(err) => {
                let why = match err.kind() {
                    std::io::ErrorKind::NotFound => "does not exist (check --raw-dir)".to_owned(),
                    _ => format!("cannot be read: {}", why_unreadable(&err)),
                };
                return unreadable_folder(format!(
                    "the raw folder {} {why}; {left_out}",
                    releve::working_folder::named(raw_dir)
                ));
            }
        }
        let mut problems = Vec::new();
        let mut waiting = BTreeMap::new();
        for source in &config.sources {
            match waiting_runs::read(raw_dir, &source.name) {
                Ok(found) => {
                    waiting.insert(source.name.clone(), found);
                }
                Err(err) => problems.push(unreadable(
                    &raw_dir.join(&source.name),
                    &err,
                    "its runs not yet summarised are not counted, so its health may be out of date",
                )),
            }
        }
        let quarantined = match quarantine::data_files(raw_dir) {
            Ok(files) => Some(files),
            Err(err) => {
                problems.push(unreadable(
                    &releve::rawfile::quarantine_dir(raw_dir),
                    &err,
                    "quarantined files are not counted",
                ));
                None
            }
        };
        RawFolder {
            raw_dir: raw_dir.to_path_buf(),
            waiting,
            quarantined,
            problems,
        }
    }

    /// Folds the waiting runs into `data` (and into `first_runs` when earlier); returns the
    /// quarantined files of `period` (a per-day source's: those of its runs of the period, see
    /// [`quarantine::count`]) and what could not be read.
    pub fn fold_into(
        self,
        config: &Config,
        period: &ReportPeriod,
        now: DateTime<Utc>,
        data: &mut BTreeMap<String, SourceData>,
        first_runs: &mut BTreeMap<String, DateTime<Utc>>,
    ) -> (Quarantined, Vec<String>) {
        let collector =
            waiting_runs::CollectorRuns::new(config.sources.iter().filter_map(|source| {
                let waiting = self.waiting.get(&source.name)?;
                let marks = waiting.runs.iter().map(waiting_runs::RunMark::from);
                Some((source.enabled.then_some(source.every), marks.collect()))
            }));
        for source in &config.sources {
            // Noted by the collector in the source's state: its runs land no record since its
            // query changed (see `releve::selection`).
            if let Some(unmatched) = releve::selection::unmatched(&self.raw_dir, &source.name)
                && let Some(source_data) = data.get_mut(&source.name)
            {
                source_data.unmatched = Some(unmatched.since);
            }
            let Some(waiting) = self.waiting.get(&source.name) else {
                continue;
            };
            if let Some(source_data) = data.get_mut(&source.name) {
                waiting_runs::fold_into(source_data, &waiting.runs, period, now);
                source_data.waiting.oldest_landed = waiting.oldest_landed;
                source_data.waiting.waited = waiting
                    .oldest_landed
                    .map(|landed| collector.waited_for_summariser(landed, now));
            }
            if let Some(first) = waiting_runs::first_collection(
                &waiting.runs,
                source.collects_by_day(),
                config.report.timezone,
            ) {
                let known = first_runs.entry(source.name.clone()).or_insert(first);
                *known = (*known).min(first);
            }
        }
        let quarantined = match &self.quarantined {
            Some(files) => Quarantined::Counted {
                raw_dir: self.raw_dir,
                later: quarantine::count_later(files, period),
                files: quarantine::count(files, period, |name| {
                    let source = config.source(name).filter(|s| s.collects_by_day())?;
                    let runs = data
                        .get(&source.name)
                        .map(|d| d.runs.as_slice())
                        .unwrap_or(&[]);
                    Some(runs.iter().filter_map(|run| run.file.as_deref()).collect())
                }),
            },
            None => Quarantined::Unreadable,
        };
        (quarantined, self.problems)
    }
}

/// The report's line for a folder of the raw folder it cannot read, and what that leaves out.
fn unreadable(folder: &Path, err: &std::io::Error, left_out: &str) -> String {
    format!(
        "cannot read {}: {}; {left_out}",
        folder.display(),
        why_unreadable(err)
    )
}
