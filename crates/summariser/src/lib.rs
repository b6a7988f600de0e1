//! relevé's second stage: reads the files the collector landed under `raw/<source>/`, keeps the
//! latest version of each record (by source and key) in MongoDB's `records`, and maintains one
//! summary per source and UTC hour in `hourly`; collector run metrics go to `runs`.
//!
//! - Latest wins by the file's landing time (then sequence), then order within the file; an
//!   identical later version keeps the earlier file, so the result does not depend on batching.
//! - A record belongs to the UTC hour of its own time; late or revised records recompute the
//!   hours they leave and join. An hour left without records loses its summary document.
//! - Exactly-once despite crashes: a file is deleted only after its records, the summaries of
//!   the hours they touch and its run metrics are acknowledged, and every write can be repeated
//!   with the same result (see `database/`; hours being recomputed are noted in the internal
//!   collection `summariser_pending`, empty after every finished run).
//! - Quarantine (see `quarantine.rs`): a data file that is not JSON, whose records path is
//!   missing or holds no array/object, whose records all lack a usable key or time, or that
//!   holds a record MongoDB cannot store (its other records are stored); a metrics file that is
//!   not a run MongoDB can store. Single records lacking a key or time are skipped and counted.
//! - Files of sources missing from the configuration stay in place with a warning.
//! - `--resummarise` ([`Resummarise`], `resummarise.rs`) summarises stored hours again from
//!   `records` after a source's summary fields changed.
//! - `raw/.summariser-database` names the database the folder is summarised into: a run given
//!   another database, or finding one without relevé data of that name, stops. The database
//!   names the raw folder it is summarised from (`raw/.installation`, the collection
//!   `installation`): a run of another folder stops, so two installations never share one
//!   (`known_database.rs`). It notes the server too: a run finding the database of that name
//!   on another server says so (`known_server.rs`).
//! - `raw/.summariser.lock` keeps runs apart: a run that finds it held does nothing, warns and
//!   exits 0 (cron's next run picks the files up).
//! - Test hook (debug builds): `RELEVE_CRASH_AFTER=<step>:<n>` aborts at a chosen step (see `crash.rs`).

mod batch;
pub mod cli;
mod crash;
mod database;
mod failure_lines;
mod known_database;
mod known_server;
mod landed;
pub mod offline;
mod pipeline;
mod plan;
mod progress;
mod prune;
mod quarantine;
mod rejected;
mod restored;
mod resummarise;
mod run_reports;
mod storable;
mod summary;

pub use failure_lines::failure_lines;
pub use known_database::{NewDatabase, NothingNew, OthersDatabase, SharedDatabase};
pub use pipeline::BATCH_FILES;
pub use resummarise::Resummarise;

pub use releve::rawfile::{DEFAULT_MAX_FILE_MB as MAX_FILE_MB, MIB};

use std::path::{Path, PathBuf};

use mongodb::Database;
use releve::store::StoreError;
use releve::{Config, RunLock};
use tracing::{info, warn};

use run_reports::RunReports;

/// Where the run reads and writes.
#[derive(Clone)]
pub struct Options {
    /// The sources configuration.
    pub config: Config,
    /// The raw folder.
    pub raw_dir: PathBuf,
    /// MongoDB connection string.
    pub mongodb_uri: String,
    /// Database name.
    pub database: String,
    /// Files merged into one batch at most (see [`BATCH_FILES`]); the result does not
    /// depend on it, only the number of database round trips does.
    pub batch_files: usize,
    /// The largest landed file read, in bytes (see [`MAX_FILE_MB`]): a larger one waits in
    /// place, a failure of the run, instead of exhausting the machine's memory.
    pub max_file_bytes: u64,
    /// Sources whose stored hours the run summarises again from `records`, after their files.
    pub resummarise: Resummarise,
    /// Whether the run may write into a database without relevé data although the raw folder
    /// was summarised into a database before (see `raw/.summariser-database`).
    pub new_database: bool,
    /// Whether `database` is the one the URI names in its path, no `--database` given.
    pub database_from_uri: bool,
}

/// Shows the URI without its credentials.
impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("config", &self.config)
            .field("raw_dir", &self.raw_dir)
            .field("mongodb_uri", &releve::store::redact(&self.mongodb_uri))
            .field("database", &self.database)
            .field("batch_files", &self.batch_files)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("resummarise", &self.resummarise)
            .field("new_database", &self.new_database)
            .finish()
    }
}

/// A file that could not be summarised, for the one-line report on stderr.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The file as it was found.
    pub file: PathBuf,
    /// What went wrong (and, when the file could not be quarantined, why not).
    pub reason: String,
    /// Where the file was quarantined, if it was.
    pub moved_to: Option<PathBuf>,
}

impl Failure {
    /// A failure that leaves the file where it is.
    pub fn in_place(file: PathBuf, reason: String) -> Failure {
        Failure {
            file,
            reason,
            moved_to: None,
        }
    }

    /// The reason, then where the file went: `not valid JSON: …; moved to raw/_quarantine/x.json`.
    pub fn outcome(&self) -> String {
        match &self.moved_to {
            Some(moved) => format!("{}; moved to {}", self.reason, moved.display()),
            None => self.reason.clone(),
        }
    }
}

/// What one source's files gave.
#[derive(Debug, Default, Clone)]
pub struct SourceReport {
    /// Source name.
    pub source: String,
    /// Data files summarised and deleted.
    pub files_done: usize,
    /// Metrics files loaded into `runs` and deleted.
    pub metrics_done: usize,
    /// Record versions read.
    pub records_read: usize,
    /// Records skipped for lacking a key or a time.
    pub records_rejected: usize,
    /// Records new to `records`.
    pub records_inserted: usize,
    /// Records replaced by a newer, different version.
    pub records_updated: usize,
    /// Records whose `last_file` moved forward while an older file waits in quarantine.
    pub records_confirmed: usize,
    /// Records removed because their newer version lies in an hour past `keep_days`.
    pub records_removed: usize,
    /// Hourly summaries written (an hour summarised the same as before is not).
    pub hours_written: usize,
    /// Hourly summaries written again from `records`, changed (see [`Resummarise`]).
    pub hours_resummarised: usize,
    /// Files that failed.
    pub failures: Vec<Failure>,
    /// When the oldest and the newest run loaded into `runs` started, once acknowledged.
    pub runs_stored: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Another run holds the lock; nothing was done.
    Busy(PathBuf),
    /// The run went through every configured source.
    Done(Vec<SourceReport>),
}

impl Outcome {
    /// Every failed file.
    pub fn failures(&self) -> Vec<&Failure> {
        match self {
            Outcome::Busy(_) => Vec::new(),
            Outcome::Done(reports) => reports.iter().flat_map(|r| &r.failures).collect(),
        }
    }
}

/// Why a run stopped before going through every source; nothing unacknowledged was deleted.
#[derive(Debug, thiserror::Error)]
pub enum SummariseError {
    /// MongoDB failed or is unreachable.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A signal asked the summariser to stop (see [`releve::stop`]).
    #[error("{}", releve::stop::stopped_by(.0))]
    Stopped(&'static str),
    /// The database holds no relevé data, though the raw folder was summarised before.
    #[error(transparent)]
    NewDatabase(#[from] NewDatabase),
    /// `--new-database` given with the database the folder is summarised into already.
    #[error(transparent)]
    NothingNew(#[from] NothingNew),
    /// The database holds relevé data, though the raw folder was never summarised.
    #[error(transparent)]
    SharedDatabase(#[from] SharedDatabase),
    /// The database names another raw folder as the one it is summarised from.
    #[error(transparent)]
    OthersDatabase(#[from] OthersDatabase),
    /// The raw folder's id could not be read or kept: of a full disk, said so, and what to free.
    #[error("{}", folder_id_failed(path, cause))]
    FolderId {
        /// `raw/.installation`.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
    },
    /// The raw folder does not exist (a wrong `--raw-dir`, or a collector never run here).
    #[error(
        "the raw folder {} does not exist: check --raw-dir (the collector creates it)",
        releve::working_folder::named(.0)
    )]
    NoRawDir(PathBuf),
    /// The raw folder is a file, or cannot be read.
    #[error("the raw folder {path} cannot be read: {why}: check --raw-dir")]
    UnreadableRawDir {
        /// The path given.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// `--resummarise` names a source that cannot be summarised.
    #[error("{}: {}", .config.display(), match .refused {
        true => format!("the `[[source]]` table named `{name}` is refused (see above): fix it before `--resummarise {name}`"),
        false => format!("no source named `{name}` for --resummarise (see the `name` keys)"),
    })]
    UnknownSource {
        /// The configuration file.
        config: PathBuf,
        /// The name given.
        name: String,
        /// Whether the configuration refused the table of that name.
        refused: bool,
    },
    /// The lock file could not be created.
    #[error("cannot take the lock {path}: {cause}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
    },
}

impl SummariseError {
    /// What a run MongoDB failed (down, or lost halfway) leaves: said after the failure, so a
    /// user does not go looking for lost data.
    const FILES_WAIT: &str = "no file was deleted whose data MongoDB had not acknowledged: the next run takes up those still in the raw folder";

    /// What a run given up this way leaves waiting, said after its failure: the files not
    /// stored (MongoDB failing, a signal), and the hours a `--resummarise` (`resummarising`)
    /// may not have summarised again, to ask for again (once MongoDB answers, unless a signal
    /// stopped it). `None` for a run that could not start.
    pub fn what_waits(&self, resummarising: bool) -> Option<String> {
        if !self.leaves_files_waiting() {
            return None;
        }
        if !resummarising {
            return Some(Self::FILES_WAIT.to_owned());
        }
        let when = match self {
            SummariseError::Stopped(_) => "",
            _ => " once MongoDB answers",
        };
        Some(format!(
            "{}; the hours asked to be summarised again may not all be: run --resummarise again{when}",
            Self::FILES_WAIT
        ))
    }

    /// True for a failure of MongoDB itself (unreachable, lost halfway, refusing a write),
    /// after which the files not stored wait in place; not for a URI that cannot be used.
    fn leaves_files_waiting(&self) -> bool {
        match self {
            SummariseError::Store(store) => !store.is_usage(),
            SummariseError::Stopped(_) => true,
            _ => false,
        }
    }

    /// True when the MongoDB URI or database name given cannot be used at all: a command line
    /// that cannot be read, so the summariser cannot start.
    pub fn is_usage(&self) -> bool {
        match self {
            SummariseError::Store(store) => store.is_usage(),
            SummariseError::UnknownSource { .. }
            | SummariseError::NewDatabase(_)
            | SummariseError::NothingNew(_)
            | SummariseError::SharedDatabase(_)
            | SummariseError::OthersDatabase(_) => true,
            _ => false,
        }
    }
}

/// Summarises every landed file of every configured source; given up, its lock released and
/// the files not yet acknowledged left in place, once MongoDB leaves an operation unanswered
/// past its deadline (see [`releve::store::answered`]).
pub async fn run(options: &Options) -> Result<Outcome, SummariseError> {
    // Dropped at a signal as at a deadline: what MongoDB acknowledged stays, the rest waits.
    releve::stop::or_stopped(releve::store::answered(summarise(options)))
        .await
        .unwrap_or_else(|signal| Err(SummariseError::Stopped(signal)))
}

async fn summarise(options: &Options) -> Result<Outcome, SummariseError> {
    // A command line that cannot be used is said first, whatever the raw folder and its lock.
    releve::store::check_usable(&options.mongodb_uri, &options.database).await?;
    match std::fs::metadata(&options.raw_dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(SummariseError::UnreadableRawDir {
                path: options.raw_dir.clone(),
                why: "it is not a folder".to_owned(),
            });
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(SummariseError::NoRawDir(options.raw_dir.clone()));
        }
        Err(err) => {
            return Err(SummariseError::UnreadableRawDir {
                path: options.raw_dir.clone(),
                why: err.to_string(),
            });
        }
    }
    let path = releve::rawfile::summariser_lock(&options.raw_dir);
    // Read before the lock is taken, which rewrites the file; kept there while the folder has
    // no record of its database, for a run that fails before writing it.
    let summarised_before = known_database::summarised_unrecorded(&path);
    let mark = (summarised_before && known_database::noted(&options.raw_dir).is_none())
        .then_some(known_database::UNRECORDED);
    let Some(_lock) =
        RunLock::try_acquire_marked(&path, mark).map_err(|source| SummariseError::Lock {
            path: path.clone(),
            cause: source,
        })?
    else {
        warn!(lock = %path.display(), "Another summariser run holds the lock; nothing done.");
        return Ok(Outcome::Busy(path));
    };
    let connected =
        releve::store::connect_unindexed(&options.mongodb_uri, &options.database).await?;
    let noted = known_database::noted(&options.raw_dir);
    let noted_name = noted.as_ref().map(|noted| noted.database.as_str());
    let checked = known_database::check(
        &options.raw_dir,
        noted_name,
        &options.database,
        connected.held_releve_data,
        options.new_database,
    );
    let checked = match checked {
        // A folder summarised before 2 December 2026 has no record of its database: one
        // summarised into `releve` then, whose URI names another database in its path, which
        // this version uses, would go there unsaid. (A new installation's `releve` on the
        // same server is someone else's.)
        Ok(())
            if noted_name.is_none()
                && summarised_before
                && options.database_from_uri
                && !connected.held_releve_data
                && !options.new_database
                && connected.default_holds_releve_data().await =>
        {
            Err(NewDatabase {
                database: options.database.clone(),
                held_releve_data: false,
                record: releve::rawfile::summariser_database(&options.raw_dir),
                before: releve::store::DEFAULT_DATABASE.to_owned(),
                from_uri: true,
            })
        }
        checked => checked,
    };
    let checked = match checked {
        Ok(()) => {
            known_database::own_database(&connected, options, summarised_before, noted_name).await
        }
        Err(refused) => Err(refused.into()),
    };
    if let Err(refused) = checked {
        connected.shut_down().await;
        return Err(refused);
    }
    let db = connected.indexed().await?;
    // The database holds relevé's collections now: a later run finding it empty is wrong.
    let server = releve::store::server(&options.mongodb_uri);
    if !options.new_database {
        known_server::say_if_moved(
            &options.raw_dir,
            noted.as_ref(),
            &options.database,
            server.as_deref(),
        );
    }
    known_database::remember(
        &options.raw_dir,
        noted.as_ref(),
        &options.database,
        server.as_deref(),
    );
    let sources: Vec<&str> = options
        .config
        .sources
        .iter()
        .map(|source| source.name.as_str())
        .collect();
    // The runs the database holds, read once: compared with the folder's note when this
    // folder was summarised into this database before, and not handed a new one; noted again
    // at the end, widened by the runs this run stored.
    let checking = noted_name == Some(options.database.as_str()) && !options.new_database;
    let held = match restored::held(&db, &sources, checking).await {
        Ok(held) => held,
        Err(err) => {
            releve::store::shut_down(db).await;
            return Err(err.into());
        }
    };
    if checking
        && let Some(held) = &held
        && let Err(err) =
            restored::check(&db, &options.raw_dir, (&options.database, &sources), held).await
    {
        releve::store::shut_down(db).await;
        return Err(err.into());
    }
    let at_start = match pipeline::Started::read(&db).await {
        Ok(at_start) => at_start,
        Err(err) => {
            releve::store::shut_down(db).await;
            return Err(err.into());
        }
    };
    // Given up midway, up to the client's shutdown, the files that failed so far are still
    // worth a line each.
    let mut reports = RunReports::default();
    let outcome = summarise_sources(&db, options, &at_start, &mut reports).await;
    restored::note(&options.raw_dir, &options.database, held, reports.all());
    releve::store::shut_down(db).await;
    outcome.map(|()| Outcome::Done(reports.done()))
}

/// Says, at every run, that files of `source` quarantined by an earlier run still wait: that
/// run's failure lines may never have been written (a run killed after moving them), and the
/// records only they hold stay out of MongoDB until the files are moved back.
fn warn_quarantined(raw_dir: &Path, source: &str) {
    let files = quarantine::count(raw_dir, source);
    if files > 0 {
        warn!(
            source,
            files,
            folder = %releve::rawfile::quarantine_dir(raw_dir).display(),
            "Files of this source wait in quarantine, each with a .reason file saying why: the records and runs only they hold are not stored until they are moved back to raw/<source>/, once their cause is fixed (see the README's Troubleshooting)."
        );
    }
}

/// Summarises every configured source's landed files into `db`, a report each in `reports`.
async fn summarise_sources(
    db: &Database,
    options: &Options,
    at_start: &pipeline::Started,
    reports: &mut RunReports,
) -> Result<(), SummariseError> {
    let unconfigured = warn_unconfigured(&options.raw_dir, &options.config);
    let limits = pipeline::Limits {
        batch_files: options.batch_files.max(1),
        max_file_bytes: options.max_file_bytes,
    };
    for source in &options.config.sources {
        let started = std::time::Instant::now();
        warn_quarantined(&options.raw_dir, &source.name);
        let report = reports.begin(&source.name);
        let mut summarised =
            pipeline::summarise_source(db, &options.raw_dir, source, limits, at_start, report)
                .await;
        // After the files: what they bring is summarised again too.
        if summarised.is_ok() && options.resummarise.includes(&source.name) {
            summarised = resummarise::resummarise(db, source)
                .await
                .map(|done| report.hours_resummarised = done.hours)
                .map_err(SummariseError::from);
        }
        summarised?;
        // A source asked to be summarised again is said even when no hour changed.
        let resummarised = options.resummarise.includes(&source.name);
        if report.files_done > 0
            || report.metrics_done > 0
            || report.hours_written > 0
            || resummarised
            || !report.failures.is_empty()
        {
            info!(
                source = %source.name,
                files = report.files_done,
                metrics = report.metrics_done,
                records = report.records_read,
                rejected = report.records_rejected,
                inserted = report.records_inserted,
                updated = report.records_updated,
                hours = report.hours_written,
                confirmed = report.records_confirmed,
                removed = report.records_removed,
                resummarised = report.hours_resummarised,
                failed = report.failures.len(),
                seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
                "Summarised a source."
            );
        }
    }
    if unconfigured == 0
        && options.resummarise == Resummarise::Nothing
        && reports.all().iter().all(|r| {
            r.files_done == 0
                && r.metrics_done == 0
                && r.failures.is_empty()
                && r.hours_written == 0
                && r.hours_resummarised == 0
        })
    {
        if options.config.refused.is_empty() {
            info!(raw = %options.raw_dir.display(), "Nothing to summarise: no landed files.");
        } else {
            // A refused table's files wait unread: they are not "no landed files".
            info!(raw = %options.raw_dir.display(), "Nothing to summarise: no landed files of the sources accepted.");
        }
    }
    Ok(())
}

/// Warns of each folder of a source missing from the configuration that holds landed files;
/// returns how many files they hold.
fn warn_unconfigured(raw_dir: &Path, config: &Config) -> usize {
    let folders = releve::rawfile::unconfigured(raw_dir, config);
    for folder in &folders {
        warn!("{folder}.");
    }
    folders.iter().map(|folder| folder.files).sum()
}

/// [`SummariseError::FolderId`] in words: a disk's fault (full, a quota, read-only) says so and
/// what to do, the raw folder's id being what a first run writes before anything else.
fn folder_id_failed(path: &std::path::Path, cause: &std::io::Error) -> String {
    let Some(advice) = releve::disk_fault::advice(cause) else {
        return format!(
            "cannot read or write {}, this raw folder's id: {cause}",
            path.display()
        );
    };
    let full = if cause.kind() == std::io::ErrorKind::StorageFull {
        ", as its disk is full"
    } else {
        ""
    };
    format!(
        "cannot write {}, this raw folder's id{full} ({cause}): nothing was summarised; {advice}",
        path.display()
    )
}
