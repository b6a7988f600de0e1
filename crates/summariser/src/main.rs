//! `summariser`: summarises landed raw files into MongoDB. The work is in the library.

use std::process::ExitCode;

use anyhow::Context;
use summariser::cli::Args;
use summariser::{Outcome, Resummarise};

fn main() -> ExitCode {
    // `.env` first: `MONGODB_URI` and the credentials may be set there, for every stage.
    if let Err(code) = releve::cli::start("summariser") {
        return code;
    }
    let args: Args = match releve::cli::arguments("summariser") {
        Ok(args) => args,
        Err(code) => return code,
    };
    // Before anything is read or written: at 1970 every hour and run would be dated ahead.
    if let Err(code) = releve::cli::clock_set("summariser") {
        return code;
    }
    let config = match releve::Config::load_sources(&args.config.config) {
        Ok(config) => config,
        Err(err) => {
            releve::logging::failure_line("summariser", &err);
            return releve::cli::cannot_start();
        }
    };
    // A source named to summarise again that the configuration refuses stops the run before
    // anything is said of the other sources, which it does not summarise.
    let resummarise = Resummarise::from_names(args.resummarise.clone());
    if let Err(err) = resummarise.check(&config, &args.config.config) {
        releve::logging::failure_line("summariser", &err);
        return releve::cli::cannot_start();
    }
    // Said first: a run that fails (MongoDB down) has these to fix too.
    releve::cli::say_refused(
        "summariser",
        &config.refused,
        "its files wait in place; the other sources are summarised",
        config
            .report_fault
            .as_ref()
            .map(|fault| (fault, "the sources are summarised")),
    );
    releve::cli::say_left_out(&config.left_out, |_| true);
    let refused = !config.refused.is_empty() || config.report_fault.is_some();
    let asked_to_resummarise = resummarise != Resummarise::Nothing;
    match run(args, config, resummarise) {
        // Cron's next run picks the files up, but never summarises stored hours again.
        Ok(Outcome::Busy(lock)) if asked_to_resummarise => {
            let line = format!(
                "another summariser run holds {}: no hour was summarised again; run --resummarise again once it has finished",
                lock.display()
            );
            releve::logging::failure_line("summariser", &line);
            ExitCode::FAILURE
        }
        Ok(outcome) => {
            let failures = outcome.failures();
            for line in summariser::failure_lines(&failures) {
                releve::logging::failure_line("summariser", &line);
            }
            releve::cli::exit_code(failures.is_empty() && !refused)
        }
        Err(err) => {
            let stopped = err.downcast_ref::<summariser::SummariseError>();
            let advice = stopped
                .and_then(|stopped| stopped.what_waits(asked_to_resummarise))
                .map(|advice| format!("; {advice}"))
                .unwrap_or_default();
            releve::logging::failure_line("summariser", &format!("{err:#}{advice}"));
            let usage = stopped.is_some_and(summariser::SummariseError::is_usage);
            if usage {
                releve::cli::cannot_start()
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(args: Args, config: releve::Config, resummarise: Resummarise) -> anyhow::Result<Outcome> {
    let options = args.options(config, resummarise);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(async {
        releve::stop::listen();
        summariser::run(&options).await
    })?)
}
