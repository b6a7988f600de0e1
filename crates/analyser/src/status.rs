//! `analyser status`: one row per source saying whether relevé is keeping up — when the source
//! was last collected and how late that is against its `every`, how many files wait in `raw/`
//! or sit in quarantine, the last error, the last summarised hour — plus the last report.
//!
//! It reads the collector's metrics files still in `raw/` and the `runs` and `hourly`
//! collections, so it still answers (from `raw/` alone) when MongoDB is down. The exit code is
//! meant for alerting: non-zero when an enabled source is stale or its last run failed, when
//! MongoDB cannot be reached, and for the other problems [`StatusReport::problems`] lists
//! (quarantined files, a day report not written, ...).

mod database;
mod day_reports;
mod disk;
mod gather;
mod held_back;
mod json;
mod last_runs;
mod raw_files;
mod source_status;
mod table;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use releve::cli::{ConfigArgs, MongoArgs, RawDirArgs};
use releve::{ConfigError, ReportFault};

use gather::gather;
pub(crate) use last_runs::not_after;
use source_status::{Health, SourceStatus};

/// A source is stale when its last successful collection is older than this many `every`s;
/// the report calls it late by the same rule.
pub(crate) const STALE_AFTER_INTERVALS: i32 = 3;

/// A source's summaries are behind when a landed file has waited this long: the summariser
/// runs hourly, so a file normally waits an hour at most.
pub(crate) const BEHIND_AFTER_HOURS: i64 = 3;

/// Options of `analyser status`.
#[derive(Debug, Clone, clap::Args)]
pub struct StatusArgs {
    /// Sources configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Raw folder.
    #[command(flatten)]
    pub raw: RawDirArgs,
    /// MongoDB connection.
    #[command(flatten)]
    pub mongo: MongoArgs,
    /// Folder the reports are written to.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports_dir: PathBuf,
    /// Print the status as one JSON document instead of the table (its fields are in the
    /// README); the exit code and the lines on stderr are the same.
    #[arg(long)]
    pub json: bool,
}

/// Why no status could be given at all.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// `sources.toml` is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The MongoDB URI or database name given cannot be used at all.
    #[error(transparent)]
    Store(#[from] releve::store::StoreError),
}

/// What `analyser status` found.
#[derive(Debug, Clone)]
pub struct StatusReport {
    /// When the status was taken.
    now: DateTime<Utc>,
    /// One entry per configured source, in file order.
    sources: Vec<SourceStatus>,
    /// Whether MongoDB answered.
    database: DatabaseState,
    /// Why the database is another installation's: it is summarised from another raw folder.
    others_database: Option<String>,
    /// The stretches of runs the database lost (restored from an older backup), noticed in
    /// the last day, one line each.
    lost_runs: Vec<String>,
    /// The most recently written report, with its modification time.
    last_report: Option<(PathBuf, DateTime<Utc>)>,
    /// Why the quarantine could not be read (the raw folder itself, or `raw/_quarantine/`):
    /// quarantined files are then unknown.
    unreadable: Option<String>,
    /// Documents of `runs` and `hourly` without the shape relevé writes, left out.
    unread: Vec<String>,
    /// Folders of `raw/` holding landed files of sources missing from the configuration.
    unconfigured: Vec<String>,
    /// Files in `raw/_quarantine/`, by the source their names start with.
    quarantined: BTreeMap<String, usize>,
    /// The raw folder status read (`--raw-dir`), as the lines about its files name it.
    raw_dir: PathBuf,
    /// Reports due and not written: days after the oldest day report, the latest week and
    /// month (see `day_reports`).
    missing_reports: Vec<String>,
    /// What is wrong with `[report]`: no report is written until it is fixed.
    report_fault: Option<ReportFault>,
    /// Entries of accepted sources the configuration leaves out (see
    /// [`releve::Config::left_out`]), one line each.
    left_out: Vec<String>,
    /// The room left on the disks of the raw and reports folders.
    free_space: Vec<disk::FreeSpace>,
    /// Why the raw folder or the reports folder cannot be written, for each that cannot.
    unwritable: Vec<String>,
}

/// Whether MongoDB answered the status queries.
#[derive(Debug, Clone, PartialEq)]
enum DatabaseState {
    /// Connected; `runs` and `hourly` were read.
    Reachable {
        /// The URI without credentials, and the database.
        shown: String,
    },
    /// Reachable, but without the collections the summariser creates (a mistyped
    /// `--database`, or no summariser run yet): only `raw/` was read.
    Empty {
        /// The URI without credentials, and the database.
        shown: String,
    },
    /// Not reachable or a query failed: only `raw/` was read.
    Unreachable {
        /// The failure, without credentials.
        reason: String,
    },
}

impl StatusReport {
    /// The lines an operator must act on, one per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .sources
            .iter()
            .filter_map(|source| source.problem(self.now))
            .collect();
        // Said beside a state that takes the row (BEHIND, FAILING, STALE): both need acting on.
        problems.extend(
            self.sources
                .iter()
                .filter(|source| {
                    source.enabled
                        && source.refused.is_none()
                        && source.health(self.now) != Health::Empty
                })
                .filter_map(SourceStatus::unmatched_line),
        );
        problems.extend(
            self.sources
                .iter()
                .filter(|source| source.enabled && source.refused.is_none())
                .filter_map(|source| {
                    let behind = source.clock_behind.as_ref()?;
                    Some(held_back::clock_behind_line(&source.name, behind, self.now))
                }),
        );
        // A raw folder that cannot be read is said once, however many sources it holds.
        for unreadable in self.unreadable.iter().chain(
            self.sources
                .iter()
                .filter_map(|s| s.raw_unreadable.as_ref()),
        ) {
            if !problems.contains(unreadable) {
                problems.push(unreadable.clone());
            }
        }
        problems.extend(
            self.sources
                .iter()
                .filter_map(|source| source.left_alone.clone()),
        );
        // Records not stored until someone acts, however healthy the collection: by the
        // source each file names, configured or not.
        problems.extend(self.quarantined.iter().map(|(source, files)| {
            format!(
                "source `{source}`: {} in {}/ not summarised: read the .reason beside each, fix it and move it back into {}/, or delete it with its .reason",
                crate::format::counted(*files as u64, "file"),
                releve::rawfile::quarantine_dir(&self.raw_dir).display(),
                self.raw_dir.join(source).display(),
            )
        }));
        problems.extend(self.unread.iter().cloned());
        problems.extend(self.unconfigured.iter().cloned());
        problems.extend(self.missing_reports.iter().cloned());
        match &self.database {
            // The cause of the sources behind and the reports missing: said first.
            DatabaseState::Unreachable { reason } => problems.insert(0, format!(
                "MongoDB could not be read, so `runs` and `hourly` are missing from the table: {reason}; the landed files wait in the raw folder for the summariser, and the reports for MongoDB"
            )),
            DatabaseState::Empty { shown } => problems.push(format!(
                "MongoDB {shown} holds no relevé data (no `runs` or `hourly` collection), so they are missing from the table: check --database, or run the summariser once"
            )),
            DatabaseState::Reachable { .. } => {}
        }
        // What every figure above rests on: said first.
        for lost in self.lost_runs.iter().rev() {
            problems.insert(0, lost.clone());
        }
        if let Some(others) = &self.others_database {
            problems.insert(0, others.clone());
        }
        problems.extend(self.left_out.iter().cloned());
        if let Some(fault) = &self.report_fault {
            problems.push(fault.with_consequence("the sources are collected and summarised"));
        }
        problems.extend(self.free_space.iter().filter_map(disk::FreeSpace::problem));
        problems.extend(self.unwritable.iter().cloned());
        problems
    }

    /// The table as text, for a terminal `columns` wide (`None` when not a terminal: the
    /// table whatever its width).
    pub fn render(&self, columns: Option<usize>) -> String {
        table::render(self, columns)
    }

    /// The status as one JSON document (see the `json` module).
    pub fn render_json(&self) -> String {
        json::render(self)
    }
}

/// The status of every configured source now (see [`StatusReport::render`] for the table and
/// [`StatusReport::problems`] for what needs attention); an error when the configuration
/// cannot be read.
pub async fn report(args: &StatusArgs) -> Result<StatusReport, StatusError> {
    gather(args, Utc::now()).await
}

#[cfg(test)]
mod tests;
