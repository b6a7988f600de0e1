//! relevé's third stage: reads what the summariser and the collector stored in MongoDB and
//! writes the period's PDF report (day, ISO week or month in the report's time zone), then
//! keeps only the last reports of that period kind.
//!
//! `analyser` with no subcommand writes a report; [`cli::Command`] lists the others.

mod catalogue;
mod charts;
pub mod cli;
mod completeness;
pub mod export;
mod format;
pub mod highest;
mod hour_data;
mod naming;
mod outdated;
mod pdf;
pub mod period;
pub mod positions;
mod quarantine;
pub mod query;
mod raw_folder;
mod reading;
mod report;
mod report_run;
mod retention;
mod run_client;
pub mod status;
mod waiting_runs;

use std::path::PathBuf;

use releve::store::StoreError;

pub use crate::report::RenderError;
pub use crate::report_run::{asked_file, render_report, write_report};

/// Why no report was written.
#[derive(Debug, thiserror::Error)]
pub enum AnalyserError {
    /// MongoDB is unreachable or a query failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The report could not be laid out.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// `--date` falls in a period that has not begun.
    #[error("--date {date}: the {kind} it falls in has not begun yet ({tz}); nothing to report")]
    FuturePeriod {
        /// The date given.
        date: chrono::NaiveDate,
        /// Day, week or month.
        kind: &'static str,
        /// The report's time zone.
        tz: chrono_tz::Tz,
    },
    /// The report file could not be written.
    #[error("{path}: cannot write the report: {cause}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
    },
}

impl AnalyserError {
    /// True when the MongoDB URI or database name given cannot be used at all: a command line
    /// that cannot be read, so the analyser cannot start.
    pub fn is_usage(&self) -> bool {
        matches!(self, AnalyserError::Store(store) if store.is_usage())
    }
}

/// A report written (or, with `--if-missing`, found written).
#[derive(Debug)]
pub struct WrittenReport {
    /// Where, as an absolute path.
    pub path: PathBuf,
    /// What could not be read, one line each, as the cover says them: documents of MongoDB
    /// without the shape relevé writes, left out, and folders of the raw folder (`--raw-dir`),
    /// with what that left out.
    pub problems: Vec<String>,
}

impl WrittenReport {
    /// A report found written, left as it is.
    fn found(path: PathBuf) -> WrittenReport {
        WrittenReport {
            path: std::path::absolute(&path).unwrap_or(path),
            problems: Vec::new(),
        }
    }
}

/// Why a folder cannot be read, in words: "not a folder" for a file in its place (what
/// `Not a directory (os error 20)` means to a user), else the system's message.
pub(crate) fn why_unreadable(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotADirectory => "not a folder".to_owned(),
        _ => err.to_string(),
    }
}
