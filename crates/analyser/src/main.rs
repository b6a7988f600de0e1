//! `analyser`: writes relevé's PDF report for a day, week or month and prints its path.

use std::process::ExitCode;

use analyser::cli::{Cli, Command, ReportArgs};
use anyhow::Context;

#[tokio::main]
async fn main() -> ExitCode {
    // `.env` first: `MONGODB_URI` and the credentials may be set there, for every stage.
    if let Err(code) = releve::cli::start("analyser") {
        return code;
    }
    let cli: Cli = match releve::cli::arguments("analyser") {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    // Before anything is read or written: at 1970 every hour and run would be dated ahead.
    if let Err(code) = releve::cli::clock_set("analyser") {
        return code;
    }
    releve::stop::listen();
    let run = async {
        match cli.command {
            None => Ok(report(&cli.report).await),
            Some(Command::Report(args)) => Ok(report(&args).await),
            Some(Command::Status(args)) => Err(status(&args).await),
            Some(Command::Export(args)) => Err(export(&args).await),
        }
    };
    // A report is written whole or not at all, an export's `--output` alike.
    let outcome = match releve::stop::or_stopped(run).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(code)) => return code,
        Err(signal) => {
            releve::logging::failure_line("analyser", &releve::stop::stopped_by(signal));
            return ExitCode::FAILURE;
        }
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            releve::logging::failure_line("analyser", &format_args!("{err:#}"));
            let usage = err
                .downcast_ref::<analyser::AnalyserError>()
                .is_some_and(analyser::AnalyserError::is_usage);
            if usage {
                releve::cli::cannot_start()
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// `analyser status`: the table (or, with `--json`, a JSON document) on stdout, one line per
/// problem on stderr; exits 0 when all is well, 1 when something needs attention, 2 when the
/// configuration cannot be read.
async fn status(args: &analyser::status::StatusArgs) -> ExitCode {
    let report = match analyser::status::report(args).await {
        Ok(report) => report,
        Err(err) => {
            releve::logging::failure_line("analyser status", &err);
            return releve::cli::cannot_start();
        }
    };
    let shown = if args.json {
        report.render_json()
    } else {
        report.render(releve::columns::terminal_width())
    };
    let printed = releve::logging::print_out("analyser status", &shown);
    let problems = report.problems();
    for problem in &problems {
        releve::logging::failure_line("analyser status", problem);
    }
    releve::cli::exit_code(problems.is_empty() && printed)
}

/// `analyser export`: the CSV on stdout (or in `--output`), one line per problem on stderr;
/// exits 0 when every document was exported, 1 when some were left out or MongoDB failed, 2
/// when the configuration or the command line cannot be used.
async fn export(args: &analyser::export::ExportArgs) -> ExitCode {
    let config = match releve::Config::load(&args.config.config) {
        Ok(config) => config,
        Err(err) => {
            let line = format!("nothing was exported: {err}");
            releve::logging::failure_line("analyser export", &line);
            return releve::cli::cannot_start();
        }
    };
    releve::cli::say_left_out(&config.left_out, |name| name == args.source);
    match analyser::export::export(args, &config).await {
        Ok(exported) => {
            if exported.whole {
                tracing::info!(source = %args.source, period = %exported.period, rows = exported.rows, "Exported.");
            } else {
                tracing::info!(source = %args.source, period = %exported.period, rows = exported.rows, "The reader of the export stopped reading: only its first rows were written.");
            }
            if let Some(expired) = &exported.expired {
                tracing::warn!(source = %args.source, "{expired}.");
            }
            // Said whether the reader read to the end or not: what was left out stays unseen.
            for problem in &exported.problems {
                releve::logging::failure_line("analyser export", problem);
            }
            releve::cli::exit_code(exported.problems.is_empty())
        }
        Err(err) => {
            let line = match err.wrote_nothing() {
                true => format!("nothing was exported: {err}"),
                false => err.to_string(),
            };
            releve::logging::failure_line("analyser export", &line);
            if err.is_usage() {
                releve::cli::cannot_start()
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Writes the report; fails the run, once it is written, when the configuration refused a
/// source table or a folder of the raw folder could not be read.
async fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let config = match releve::Config::load(&args.config.config) {
        Ok(config) => config,
        Err(err) => {
            let line = format!("no report was written: {err}");
            releve::logging::failure_line("analyser", &line);
            return Ok(releve::cli::cannot_start());
        }
    };
    // Said first: a run that fails (MongoDB down) has these to fix too.
    releve::cli::say_refused(
        "analyser",
        &config.refused,
        "left out of the report, whose cover says so",
        None,
    );
    releve::cli::say_left_out(&config.left_out, |_| true);
    let now = chrono::Utc::now();
    let Some(written) = analyser::write_report(args, &config, now)
        .await
        .with_context(|| {
            format!(
                "no report was written ({})",
                analyser::asked_file(args, &config, now)
            )
        })?
    else {
        // Said in the log: the period ended before the first collection (`--if-missing`).
        return Ok(releve::cli::exit_code(config.refused.is_empty()));
    };
    for problem in &written.problems {
        let line = format!("{problem} (the report's cover says so)");
        releve::logging::failure_line("analyser", &line);
    }
    let printed =
        releve::logging::print_out("analyser", &format_args!("{}\n", written.path.display()));
    Ok(releve::cli::exit_code(
        config.refused.is_empty() && written.problems.is_empty() && printed,
    ))
}
