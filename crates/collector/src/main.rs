//! The `collector` binary: parse the arguments, load `.env`, run, report failures.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // `.env` first: `MONGODB_URI` and the credentials may be set there, for every stage.
    if let Err(code) = releve::cli::start("collector") {
        return code;
    }
    let args: collector::Args = match releve::cli::arguments("collector") {
        Ok(args) => args,
        Err(code) => return code,
    };
    if args.check {
        return match collector::check::check(&args) {
            Ok(report) => {
                print!("{report}");
                if report.ready() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(err) => {
                releve::logging::failure_line("collector", &format_args!("{err:#}"));
                releve::cli::cannot_start()
            }
        };
    }
    match collector::run(&args).await {
        Ok(outcome) => {
            for refused in &outcome.refused {
                let consequence = refused.consequence("not collected; the other sources were");
                releve::logging::failure_line(
                    "collector",
                    &format_args!("{refused} ({consequence})"),
                );
            }
            if let Some(fault) = &outcome.report_fault {
                releve::logging::failure_line(
                    "collector",
                    &format_args!(
                        "{fault} (`[report]` is the analyser's, which writes no report until it is fixed; the sources were collected)"
                    ),
                );
            }
            for (source, reason) in outcome.failures() {
                releve::logging::failure_line(
                    "collector",
                    &format_args!("source `{source}` failed: {reason}"),
                );
            }
            if outcome.succeeded() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            releve::logging::failure_line("collector", &format_args!("{err:#}"));
            releve::cli::cannot_start()
        }
    }
}
