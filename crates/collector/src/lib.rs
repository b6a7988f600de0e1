//! relevé's first stage: for every configured source that is due, call its API politely
//! (rate-limited, retried, timed out), and land what came back as one raw JSON file per run
//! in `raw/<name>/`, with the run's metrics beside it.
//!
//! Files per source, under `raw/<name>/`: landed data `<name>_<YYYY-MM-DDTHH-MM-SSZ>.json`,
//! run metrics `<name>_<ts>.metrics.json` (failed runs have metrics and no data file), the
//! state `.state.json` (see [`state`]) and the lock `.lock`.

pub mod check;
pub mod http;
mod queue;
mod refusals;
mod runner;
mod schedule;
mod sources;
pub mod state;
#[cfg(test)]
mod testing;

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{NaiveDate, TimeDelta, Utc};
use releve::cli::{ConfigArgs, RawDirArgs};
use releve::{Config, ConfigError, RefusedSource, ReportFault, Source};

pub use http::RetryPolicy;

pub use runner::SourceResult;

/// `collector [--config F] [--raw-dir D] [--source NAME]... [--force] [--date YYYY-MM-DD]
/// [--since YYYY-MM-DD] [--check]`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "collector",
    version,
    about = "Calls each due source's API and lands one raw JSON file per run."
)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub raw_dir: RawDirArgs,
    /// Collect only this source (repeatable).
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Collect even when a source is not due.
    #[arg(long)]
    pub force: bool,
    /// The day per-day sources collect (default: yesterday, UTC, or once it has landed, the
    /// newest day of the last week they missed)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// Backfill: incremental sources fetch records from this day (00:00 UTC) on, instead of
    /// from where their last run stopped, at once even when not due.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<NaiveDate>,
    /// Check the configuration and what each source needs, print what a run would do with
    /// each, and exit without calling any API or writing any file: 0 when every source can
    /// run as configured, 1 when a table or `[report]` is refused, a source would fail for
    /// what it lacks (a key, a folder it cannot write) or has an entry to mend (one that
    /// applies to nothing), 2 when the file cannot be read.
    #[arg(long, conflicts_with_all = ["force", "date", "since"])]
    pub check: bool,
}

/// Why the collector could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The configuration is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `--source` names a source whose `[[source]]` table the configuration refused.
    #[error(transparent)]
    Refused(RefusedSource),
    /// The clock reads a time before relevé existed: not set yet (a machine without a
    /// real-time clock just booted).
    #[error(transparent)]
    ClockUnset(#[from] releve::clock_unset::ClockUnset),
    /// `--source` names a source the configuration lacks.
    #[error("{config}: no source named `{name}` (see the `name` keys)")]
    UnknownSource {
        /// The configuration file.
        config: PathBuf,
        /// The name given.
        name: String,
    },
    /// `--since` or `--date` names a day that has not begun (UTC).
    #[error("--{flag} {day} is in the future (UTC): nothing has been published for it yet")]
    FutureDay {
        /// The flag.
        flag: &'static str,
        /// The day given.
        day: NaiveDate,
    },
    /// `--raw-dir` names something that is not a folder.
    #[error("the raw folder {} is not a folder: check --raw-dir", .0.display())]
    RawDirNotFolder(PathBuf),
    /// Nothing can be written in `--raw-dir`, or where it would be created.
    #[error(
        "the raw folder {} {} ({cause}): {}",
        .path.display(),
        .within.as_ref().map_or("cannot be written".to_owned(), |within| format!("cannot be created in {}", within.display())),
        releve::disk_fault::advice(.cause).unwrap_or("check --raw-dir and its permissions")
    )]
    RawDirUnwritable {
        /// The raw folder.
        path: PathBuf,
        /// The nearest folder above it that exists, when it does not exist yet.
        within: Option<PathBuf>,
        /// The failure.
        cause: std::io::Error,
    },
    /// `--raw-dir`, or a folder above it, is a symbolic link to nothing (a disk not mounted, a
    /// folder moved).
    #[error(
        "{} is a symbolic link to {}, which does not exist: mount or create it, or check --raw-dir",
        if .link == .raw_dir { format!("the raw folder {}", .link.display()) } else { format!("{}, on the way to the raw folder {},", .link.display(), .raw_dir.display()) },
        .target.display()
    )]
    RawDirDangling {
        /// The raw folder.
        raw_dir: PathBuf,
        /// The link: the raw folder or a folder above it.
        link: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// `--date` names today: a per-day source would land part of the day as the whole of it.
    #[error(
        "--date {day} is today (UTC): per-day sources collect a day once it has ended, or the rest of it would never be collected"
    )]
    UnfinishedDay {
        /// The day given.
        day: NaiveDate,
    },
}

/// What a run did, source by source, in configuration order.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Each selected source's name and result.
    pub sources: Vec<(String, SourceResult)>,
    /// The `[[source]]` tables the configuration refused, not collected (when `--source`
    /// names the sources to collect, only the refused tables bearing one of those names).
    pub refused: Vec<RefusedSource>,
    /// Why `[report]` could not be read, if it could not: the sources are collected all the
    /// same (the collector does not read it), and the run fails so it gets fixed.
    pub report_fault: Option<ReportFault>,
    /// Whether the run says the tables refused and the `[report]` fault: a run by hand, or a
    /// routine run when they changed since a run said them, or an hour after (see the
    /// `refusals` module: once an hour in cron's log, not 1,440 times a day; `analyser status`
    /// says them at every run).
    pub says_refused: bool,
}

impl Outcome {
    /// The sources that finally failed, with the reason.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sources
            .iter()
            .filter_map(|(name, result)| match result {
                SourceResult::Failed(reason) => Some((name.as_str(), reason.as_str())),
                _ => None,
            })
    }

    /// True when no source failed and the configuration refused nothing, of what the run
    /// says: a routine run that leaves the tables refused unsaid (see
    /// [`Outcome::says_refused`]) does not fail for them, so its exit status never tells a
    /// failure its log does not (a systemd unit marked failed, its journal silent).
    pub fn succeeded(&self) -> bool {
        let refused = !self.refused.is_empty() || self.report_fault.is_some();
        self.failures().next().is_none() && !(refused && self.says_refused)
    }
}

/// Runs the collector once, with the retry policy of the environment
/// ([`RetryPolicy::from_env`]).
pub async fn run(args: &Args) -> Result<Outcome, RunError> {
    run_with(args, RetryPolicy::from_env()).await
}

/// Runs the collector once with a given retry policy (tests shorten the backoff).
pub async fn run_with(args: &Args, policy: RetryPolicy) -> Result<Outcome, RunError> {
    let began = Utc::now();
    // Before anything is read or written: at such a time every saved run is dated ahead, and
    // would be forgotten.
    releve::clock_unset::check(began)?;
    http::install_tls_provider();
    let config = Config::load_sources(&args.config.config)?;
    check_args(args, &config, NamedRefused::Fails)?;
    // A checkout holds its raw folder: one missing is most often a run from another folder,
    // whose files the summariser, run from the checkout, would never read.
    if std::fs::symlink_metadata(&args.raw_dir.raw_dir).is_err() {
        tracing::warn!(
            raw_dir = %releve::working_folder::named(&args.raw_dir.raw_dir),
            "The raw folder does not exist: this run creates it (on a disk not mounted now, a USB stick or a network share? move this folder aside, out from under the mount point into your home folder, mount the disk, then move its files onto it: mounted over them, the disk would hide them). The summariser and `analyser status` read the raw folder of their own working folder (or `--raw-dir`): run every stage from the same folder, as the crontab does."
        );
    }
    let selected = select(args, &config);
    let day = args
        .date
        .unwrap_or_else(|| Utc::now().date_naive() - TimeDelta::days(1));
    let settings = runner::RunSettings {
        raw_dir: args.raw_dir.raw_dir.clone(),
        day,
        catch_up: args.date.is_none(),
        force: args.force,
        since: args
            .since
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .map(|start| start.and_utc()),
        policy,
        began,
        routine: args.sources.is_empty()
            && !args.force
            && args.date.is_none()
            && args.since.is_none()
            && !std::io::stderr().is_terminal(),
    };
    // Said once an hour in cron's log (`analyser status` says them at every run).
    if settings.says_skips() {
        releve::cli::say_left_out(&config.left_out, |name| {
            args.sources.is_empty() || args.sources.iter().any(|named| named == name)
        });
    }
    if args.sources.is_empty() {
        for source in config.sources.iter().filter(|source| !source.enabled) {
            runner::note_disabled(source, &settings.raw_dir);
        }
    }
    let refused: Vec<RefusedSource> = refused_tables(args, &config).cloned().collect();
    let says_refused = match refusals::fingerprint(&refused, config.report_fault.as_ref()) {
        Some(fingerprint) if settings.routine => {
            refusals::due(&settings.raw_dir, fingerprint, began)
                && (refusals::noted(&settings.raw_dir, fingerprint, began) || settings.says_skips())
        }
        None if settings.routine => {
            refusals::cleared(&settings.raw_dir);
            true
        }
        _ => true,
    };
    let results = queue::run_sources(&selected, settings).await;
    Ok(Outcome {
        sources: results,
        refused,
        report_fault: config.report_fault,
        says_refused,
    })
}

/// The refused tables a run speaks of. A run of the sources named by `--source` is about them
/// alone: it speaks of a refused table only when it bears one of those names (a later table
/// repeating it, which the user may have meant to be the one collected).
fn refused_tables<'c>(args: &Args, config: &'c Config) -> impl Iterator<Item = &'c RefusedSource> {
    config.refused.iter().filter(|refused| {
        args.sources.is_empty()
            || refused
                .name
                .as_ref()
                .is_some_and(|name| args.sources.contains(name))
    })
}

/// What a `--source` naming a refused table means: a run cannot collect it, while a check
/// lists it, with why it is refused.
#[derive(Clone, Copy, PartialEq)]
enum NamedRefused {
    Fails,
    Listed,
}

/// Refuses what no source can be collected with: a day in the future or today, a raw folder
/// that is a file, a `--source` naming no accepted source.
fn check_args(args: &Args, config: &Config, refused: NamedRefused) -> Result<(), RunError> {
    let today = Utc::now().date_naive();
    for (flag, day) in [("since", args.since), ("date", args.date)] {
        if let Some(day) = day.filter(|day| *day > today) {
            return Err(RunError::FutureDay { flag, day });
        }
    }
    if let Some(day) = args.date.filter(|day| *day == today) {
        return Err(RunError::UnfinishedDay { day });
    }
    let raw_dir = &args.raw_dir.raw_dir;
    if std::fs::metadata(raw_dir).is_ok_and(|meta| !meta.is_dir()) {
        return Err(RunError::RawDirNotFolder(raw_dir.clone()));
    }
    writable(raw_dir)?;
    for name in &args.sources {
        if config.source(name).is_some() {
            continue;
        }
        return Err(match config.refused_source(name) {
            Some(_) if refused == NamedRefused::Listed => continue,
            Some(refused) => RunError::Refused(refused.clone()),
            None => RunError::UnknownSource {
                config: args.config.config.clone(),
                name: name.clone(),
            },
        });
    }
    Ok(())
}

/// Whether files can be made in `raw_dir`, or, before the first run creates it, in the nearest
/// folder above it that exists: an unnamed temporary file is made there and dropped, which
/// leaves nothing behind. Else every source would fail on its lock, one line each.
fn writable(raw_dir: &std::path::Path) -> Result<(), RunError> {
    // The nearest path that is there, a symbolic link included: one leading nowhere is named
    // (creating the folder would fail for every source, each with an error about its lock that
    // never names the link), not passed over for the folder above it.
    let existing = raw_dir
        .ancestors()
        .map(|dir| match dir.as_os_str().is_empty() {
            true => std::path::Path::new("."),
            false => dir,
        })
        .find(|dir| dir.symlink_metadata().is_ok())
        .unwrap_or(raw_dir);
    if std::fs::metadata(existing).is_err()
        && let Ok(target) = std::fs::read_link(existing)
    {
        return Err(RunError::RawDirDangling {
            raw_dir: raw_dir.to_owned(),
            link: existing.to_owned(),
            target,
        });
    }
    match tempfile::tempfile_in(existing) {
        Ok(_) => Ok(()),
        Err(cause) => Err(RunError::RawDirUnwritable {
            path: raw_dir.to_owned(),
            within: (existing != raw_dir).then(|| existing.to_owned()),
            cause,
        }),
    }
}

/// The sources this run is about: those `--source` names, else the enabled ones. Says which
/// of them a `--since` or `--date` does not apply to.
fn select<'c>(args: &Args, config: &'c Config) -> Vec<&'c Source> {
    let selected: Vec<_> = config
        .sources
        .iter()
        .filter(|s| {
            if args.sources.is_empty() {
                s.enabled
            } else {
                args.sources.contains(&s.name)
            }
        })
        .collect();
    if args.since.is_some() {
        for source in selected.iter().filter(|s| !sources::incremental(s)) {
            tracing::info!(source = %source.name, "--since only applies to incremental sources; this one collects as usual.");
        }
    }
    if args.date.is_some() {
        for source in selected.iter().filter(|s| !sources::per_day(s)) {
            tracing::info!(source = %source.name, "--date only applies to sources collected by day (France Travail); this one collects now, as usual.");
        }
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw folder on a disk full or mounted read-only is not a matter of `--raw-dir` or
    /// permissions: the line says what to do.
    #[test]
    fn a_raw_folder_on_a_full_or_read_only_disk_is_told_what_to_do() {
        let unwritable = |kind| {
            RunError::RawDirUnwritable {
                path: PathBuf::from("raw"),
                within: None,
                cause: std::io::Error::from(kind),
            }
            .to_string()
        };
        let full = unwritable(std::io::ErrorKind::StorageFull);
        assert!(
            full.starts_with("the raw folder raw cannot be written (") && full.contains("`df -i`"),
            "{full}"
        );
        assert!(!full.contains("permissions"), "{full}");
        let read_only = unwritable(std::io::ErrorKind::ReadOnlyFilesystem);
        assert!(read_only.contains("mounted read-only"), "{read_only}");
        let denied = unwritable(std::io::ErrorKind::PermissionDenied);
        assert!(
            denied.ends_with("check --raw-dir and its permissions"),
            "{denied}"
        );
    }
}
