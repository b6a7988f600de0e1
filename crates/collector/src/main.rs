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
    let outcome = if args.check {
        check(&args)
    } else {
        releve::stop::listen();
        collect(&args).await
    };
    outcome.unwrap_or_else(|err| {
        releve::logging::failure_line("collector", &format_args!("{err:#}"));
        releve::cli::cannot_start()
    })
}

/// `--check`: what a run would do, on stdout.
fn check(args: &collector::Args) -> Result<ExitCode, collector::RunError> {
    let report = collector::check::check(args)?;
    let printed = releve::logging::print_out("collector --check", &report);
    Ok(releve::cli::exit_code(report.ready() && printed))
}

/// A run: one line on stderr per table refused, once an hour in cron's log (each source
/// failed has had its own, as it failed).
async fn collect(args: &collector::Args) -> Result<ExitCode, collector::RunError> {
    let outcome = collector::run(args).await?;
    if outcome.says_refused {
        say_refused(&outcome);
    }
    if let Some(signal) = releve::stop::asked() {
        let line = format!(
            "{}: each source under way recorded as stopped, tried again by the next run without a backoff (but for a wait its API asked for), those not begun left for it",
            releve::stop::stopped_by(signal)
        );
        releve::logging::failure_line("collector", &line);
        return Ok(std::process::ExitCode::FAILURE);
    }
    Ok(releve::cli::exit_code(outcome.succeeded()))
}

/// The tables the configuration refused, and the `[report]` fault, a line each.
fn say_refused(outcome: &collector::Outcome) {
    // A configuration of refused tables alone has no other source to speak of.
    let consequence = match outcome.sources.is_empty() {
        true => "not collected",
        false => "not collected; the other sources due were",
    };
    releve::cli::say_refused(
        "collector",
        &outcome.refused,
        consequence,
        outcome
            .report_fault
            .as_ref()
            .map(|fault| (fault, "the sources due were collected")),
    );
}
