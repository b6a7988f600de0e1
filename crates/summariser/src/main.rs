//! `summariser`: summarises landed raw files into MongoDB. The work is in the library.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use releve::cli::{ConfigArgs, MongoArgs, RawDirArgs};
use summariser::{Options, Outcome};

/// De-duplicates landed records into hourly summaries in MongoDB.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    raw: RawDirArgs,
    #[command(flatten)]
    mongo: MongoArgs,
}

fn main() -> ExitCode {
    releve::logging::init();
    match run(Args::parse()) {
        Ok((outcome, refused)) => {
            for source in &refused {
                releve::logging::failure_line(
                    "summariser",
                    &format_args!(
                        "{source} (its files wait in place; the other sources were summarised)"
                    ),
                );
            }
            let failures = outcome.failures();
            for line in summariser::failure_lines(&failures) {
                releve::logging::failure_line("summariser", &line);
            }
            if failures.is_empty() && refused.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(err) => {
            releve::logging::failure_line("summariser", &format_args!("{err:#}"));
            ExitCode::FAILURE
        }
    }
}

/// The run's outcome, and the `[[source]]` tables the configuration refused.
fn run(args: Args) -> anyhow::Result<(Outcome, Vec<releve::RefusedSource>)> {
    let config = releve::Config::load(&args.config.config)?;
    let refused = config.refused.clone();
    let options = Options {
        config,
        raw_dir: args.raw.raw_dir,
        mongodb_uri: args.mongo.uri,
        database: args.mongo.database,
        batch_files: summariser::BATCH_FILES,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(summariser::run(&options))?;
    Ok((outcome, refused))
}
