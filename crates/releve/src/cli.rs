//! Command-line options the three binaries share, so their names and defaults agree, and
//! the start every binary makes.

use std::path::PathBuf;

mod arguments;
mod options;

pub use arguments::arguments;
pub use options::{ConfigArgs, MongoArgs, RawDirArgs};

/// The configuration file read when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "sources.toml";

/// The exit code of a stage that cannot start: its `.env`, configuration or command line
/// cannot be read (1 is a run that started and failed).
pub fn cannot_start() -> std::process::ExitCode {
    std::process::ExitCode::from(2)
}

/// The exit code of a run: 0 when it succeeded, else 1.
pub fn exit_code(succeeded: bool) -> std::process::ExitCode {
    if succeeded {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// Says on stderr, one line each as `stage: …`, the `[[source]]` tables the configuration
/// refused, each with what the stage does about it (`consequence`), and the `[report]` fault,
/// if any, with `report_consequence`, when given.
pub fn say_refused(
    stage: &str,
    refused: &[crate::config::RefusedSource],
    consequence: &str,
    report: Option<(&crate::config::ReportFault, &str)>,
) {
    for source in refused {
        let consequence = source.consequence(consequence);
        crate::logging::failure_line(stage, &format_args!("{source} ({consequence})"));
    }
    if let Some((fault, consequence)) = report {
        crate::logging::failure_line(stage, &fault.with_consequence(consequence));
    }
}

/// Logs the entries left out of the sources `reads` takes (see
/// [`crate::config::Config::left_out`]), one warning each: a stage says those of the sources
/// it reads, a check shows them in its rows instead.
pub fn say_left_out(left_out: &[crate::config::LeftOut], reads: impl Fn(&str) -> bool) {
    for entry in left_out.iter().filter(|entry| reads(&entry.source)) {
        tracing::warn!("{entry}");
    }
}

/// What every stage does first: keep a file-size limit from killing it (see
/// [`crate::stop::file_size_limit_as_error`]), load the working folder's `.env`, or the one beside the
/// `--config` file given (see [`crate::dotenv`]), then start logging. A `.env` that cannot be
/// read is said in one line as `stage: …`, and the stage must exit with the code returned
/// (2), before reading anything else.
pub fn start(stage: &str) -> Result<(), std::process::ExitCode> {
    crate::stop::file_size_limit_as_error();
    let config = config_given(std::env::args_os().skip(1));
    let folder = config.as_deref().and_then(folder_of);
    // Before `.env` sets it: only the run's own environment may trust a group.
    crate::shared_access::trust_group_from_environment();
    let warnings = match crate::dotenv::load(folder.as_deref()) {
        Ok(warnings) => warnings,
        Err(err) => {
            crate::logging::failure_line(stage, &err);
            return Err(cannot_start());
        }
    };
    crate::logging::init();
    let config = config.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    let written = crate::shared_access::config_written_by_others(&config);
    let folders = crate::shared_access::folders::judged(&config);
    let folders_written = folders
        .iter()
        .filter_map(|folder| crate::shared_access::folders::written_by_others(folder));
    for warning in warnings.into_iter().chain(written).chain(folders_written) {
        tracing::warn!("{warning}");
    }
    // The `.env` read: the working folder's, else the one beside `--config`.
    let dotenv = Some(PathBuf::from(".env"))
        .filter(|here| here.symlink_metadata().is_ok())
        .or_else(|| folder.map(|folder| folder.join(".env")));
    // The program's folder outside the checkout (the checkout's own is said with its files).
    let program_elsewhere = folders.iter().skip(1).filter(|folder| {
        folders
            .first()
            .is_none_or(|checkout| !folder.starts_with(checkout))
    });
    let judged: Vec<&std::path::Path> = [Some(config.as_path()), dotenv.as_deref()]
        .into_iter()
        .flatten()
        .chain(program_elsewhere.map(PathBuf::as_path))
        .collect();
    if let Some(note) = crate::shared_access::windows_drive_note(&judged) {
        // Said to a person, once, not at each of cron's runs: nothing they can do mends it
        // where it is.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            tracing::warn!("{note}");
        } else {
            tracing::debug!("{note}");
        }
    }
    if uri_with_secret_given(std::env::args_os().skip(1)) {
        tracing::warn!(
            "`--mongodb-uri` holds a password (or a secret option), which every user of this machine can read in this run's command line (`ps`) while it runs: give the URI in MONGODB_URI instead, in .env (chmod 600) or the environment"
        );
    }
    Ok(())
}

/// What the summariser and the analyser do before reading anything: a clock not set yet (a
/// Raspberry Pi just booted at 1970, its MongoDB on the Pi reading 1970 as well) is said in one
/// line as `stage: …`, as the collector says it (see [`crate::clock_unset`]), and the stage
/// must exit with the code returned (2).
pub fn clock_set(stage: &str) -> Result<(), std::process::ExitCode> {
    crate::clock_unset::check(chrono::Utc::now()).map_err(|unset| {
        crate::logging::failure_line(stage, &unset);
        cannot_start()
    })
}

/// Whether `args` give `--mongodb-uri URI` (or `--mongodb-uri=URI`) with credentials or a
/// secret option in the URI: a command line is open to every user of the machine.
fn uri_with_secret_given(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let mut args = args;
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let uri = if arg == "--mongodb-uri" {
            args.next()
        } else {
            arg.to_str()
                .and_then(|arg| arg.strip_prefix("--mongodb-uri="))
                .map(std::ffi::OsString::from)
        };
        if let Some(uri) = uri {
            let uri = uri.to_string_lossy();
            // Read as the run reads it (`uri_or_default` trims it).
            let uri = uri.trim();
            // One the run refuses at once (another scheme, a login not percent-encoded: a
            // `:`, `/` or `@` in the password) is said in that refusal's one line alone: the
            // driver's own reading of its text (no DNS lookup) tells which.
            let readable = mongodb::options::ConnectionString::parse(uri).is_ok();
            return readable && crate::store::redact(uri) != uri;
        }
    }
    false
}

/// The configuration file given as `--config FILE` or `--config=FILE` in `args` (read before
/// clap, which reads the environment `.env` sets).
fn config_given(args: impl Iterator<Item = std::ffi::OsString>) -> Option<PathBuf> {
    let mut args = args;
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(file) = arg.to_str().and_then(|arg| arg.strip_prefix("--config=")) {
            return Some(file.into());
        }
    }
    None
}

/// The folder of the configuration file `file`, when it names one other than the working
/// folder.
fn folder_of(file: &std::path::Path) -> Option<PathBuf> {
    let folder = file.parent()?;
    (!folder.as_os_str().is_empty()).then(|| folder.to_owned())
}

#[cfg(test)]
mod tests;
