//! `analyser`: writes relevé's PDF report for a day, week or month and prints its path.

use std::process::ExitCode;

use analyser::cli::{Cli, Command, ReportArgs};
use anyhow::Context;
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    // The same environment as the collector's, so `status` sees the same credentials.
    if let Err(err) = releve::dotenv::load() {
        releve::logging::failure_line("analyser", &err);
        return ExitCode::from(2);
    }
    releve::logging::init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        None => report(&cli.report).await,
        Some(Command::Report(args)) => report(&args).await,
        Some(Command::Status(args)) => return analyser::status::command(&args).await,
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            releve::logging::failure_line("analyser", &format_args!("{err:#}"));
            ExitCode::FAILURE
        }
    }
}

/// Writes the report; fails the run, once it is written, when it leaves out a refused source.
async fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let written = analyser::write_report(args)
        .await
        .context("no report was written")?;
    println!("{}", written.path.display());
    for source in &written.refused {
        releve::logging::failure_line(
            "analyser",
            &format_args!("{source} (left out of the report; its cover says so)"),
        );
    }
    Ok(if written.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
