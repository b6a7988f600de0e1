//! The analyser's command line: writing a report is the default action; subcommands add
//! other actions (one variant each in [`Command`]).

use std::path::PathBuf;

use chrono::NaiveDate;
use releve::cli::{ConfigArgs, MongoArgs};

use crate::period::PeriodKind;

/// `analyser [OPTIONS] [COMMAND]`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "analyser",
    version,
    about = "Writes relevé's PDF report from MongoDB."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do instead of writing a report.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The report options (the default action).
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Actions other than the default report.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the report (the same as giving no subcommand).
    Report(ReportArgs),
    /// Show per source whether collection and summaries keep up; non-zero exit when not.
    Status(crate::status::StatusArgs),
}

/// Options of a report run.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Sources configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// MongoDB connection.
    #[command(flatten)]
    pub mongo: MongoArgs,
    /// Folder the reports are written to.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports_dir: PathBuf,
    /// Raw folder whose quarantined files (`_quarantine/`) the report counts, and whose run
    /// metrics not yet summarised tell each source's health now and are named as waiting
    /// (optional).
    #[arg(long, value_name = "DIR")]
    pub raw_dir: Option<PathBuf>,
    /// A day of the period to report, in the report's time zone (default: the last day of the
    /// latest period over: yesterday, or the last day of last week or last month).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// The period to report: the day, ISO week or month holding `--date`.
    #[arg(long, value_enum, default_value = "day")]
    pub period: PeriodKind,
}
