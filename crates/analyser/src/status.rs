//! `analyser status`: one row per source saying whether relevé is keeping up — when the source
//! was last collected and how late that is against its `every`, how many files wait in `raw/`
//! or sit in quarantine, the last error, the last summarised hour — plus the last report.
//!
//! It reads the collector's metrics files still in `raw/` and the `runs` and `hourly`
//! collections, so it still answers (from `raw/` alone) when MongoDB is down. The exit code is
//! meant for alerting: non-zero when an enabled source is stale or its last run failed, when
//! MongoDB cannot be reached, and for the other problems [`StatusReport::problems`] lists
//! (quarantined files, a day report not written, ...).

mod database;
mod day_reports;
mod disk;
mod gather;
mod json;
mod last_runs;
mod raw_files;
mod table;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};
use releve::cli::{ConfigArgs, MongoArgs, RawDirArgs};
use releve::{ConfigError, Every, ReportFault};

use gather::gather;
pub(crate) use last_runs::not_after;

/// A source is stale when its last successful collection is older than this many `every`s;
/// the report calls it late by the same rule.
pub(crate) const STALE_AFTER_INTERVALS: i32 = 3;

/// A source's summaries are behind when a landed file has waited this long: the summariser
/// runs hourly, so a file normally waits an hour at most.
pub(crate) const BEHIND_AFTER_HOURS: i64 = 3;

/// Options of `analyser status`.
#[derive(Debug, Clone, clap::Args)]
pub struct StatusArgs {
    /// Sources configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Raw folder.
    #[command(flatten)]
    pub raw: RawDirArgs,
    /// MongoDB connection.
    #[command(flatten)]
    pub mongo: MongoArgs,
    /// Folder the reports are written to.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports_dir: PathBuf,
    /// Print the status as one JSON document instead of the table (its fields are in the
    /// README); the exit code and the lines on stderr are the same.
    #[arg(long)]
    pub json: bool,
}

/// Why no status could be given at all.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// `sources.toml` is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The MongoDB URI or database name given cannot be used at all.
    #[error(transparent)]
    Store(#[from] releve::store::StoreError),
}

/// What `analyser status` found.
#[derive(Debug, Clone)]
pub struct StatusReport {
    /// When the status was taken.
    now: DateTime<Utc>,
    /// One entry per configured source, in file order.
    sources: Vec<SourceStatus>,
    /// Whether MongoDB answered.
    database: DatabaseState,
    /// Why the database is another installation's: it is summarised from another raw folder.
    others_database: Option<String>,
    /// The stretches of runs the database lost (restored from an older backup), noticed in
    /// the last day, one line each.
    lost_runs: Vec<String>,
    /// The most recently written report, with its modification time.
    last_report: Option<(PathBuf, DateTime<Utc>)>,
    /// Why the quarantine could not be read (the raw folder itself, or `raw/_quarantine/`):
    /// quarantined files are then unknown.
    unreadable: Option<String>,
    /// Documents of `runs` and `hourly` without the shape relevé writes, left out.
    unread: Vec<String>,
    /// Folders of `raw/` holding landed files of sources missing from the configuration.
    unconfigured: Vec<String>,
    /// Files in `raw/_quarantine/`, by the source their names start with.
    quarantined: BTreeMap<String, usize>,
    /// The raw folder status read (`--raw-dir`), as the lines about its files name it.
    raw_dir: PathBuf,
    /// Reports due and not written: days after the oldest day report, the latest week and
    /// month (see `day_reports`).
    missing_reports: Vec<String>,
    /// What is wrong with `[report]`: no report is written until it is fixed.
    report_fault: Option<ReportFault>,
    /// Entries of accepted sources the configuration leaves out (see
    /// [`releve::Config::left_out`]), one line each.
    left_out: Vec<String>,
    /// The room left on the disks of the raw and reports folders.
    free_space: Vec<disk::FreeSpace>,
    /// Why the raw folder or the reports folder cannot be written, for each that cannot.
    unwritable: Vec<String>,
}

/// Whether MongoDB answered the status queries.
#[derive(Debug, Clone, PartialEq)]
enum DatabaseState {
    /// Connected; `runs` and `hourly` were read.
    Reachable {
        /// The URI without credentials, and the database.
        shown: String,
    },
    /// Reachable, but without the collections the summariser creates (a mistyped
    /// `--database`, or no summariser run yet): only `raw/` was read.
    Empty {
        /// The URI without credentials, and the database.
        shown: String,
    },
    /// Not reachable or a query failed: only `raw/` was read.
    Unreachable {
        /// The failure, without credentials.
        reason: String,
    },
}

/// What is known about one source.
#[derive(Debug, Clone, Default)]
struct SourceStatus {
    /// Source name.
    pub name: String,
    /// Line of its `[[source]]` table, for the order of the rows.
    pub line: usize,
    /// Why the configuration refused its table, and what becomes of it.
    pub refused: Option<(String, &'static str)>,
    /// False for `enabled = false`: shown, never alerted on.
    pub enabled: bool,
    /// Why the collector skips it (no credentials): shown, never alerted on.
    pub unavailable: Option<String>,
    /// Collection interval.
    pub every: Option<Every>,
    /// End of the last run that landed data.
    pub last_success: Option<DateTime<Utc>>,
    /// The error of the most recent failed run, with the start of that run (from `raw/`, and
    /// from `runs` over the last 24 hours or two intervals of the slowest source).
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// When the collector tries the source again after that failure, when the run recorded it.
    pub retry_from: Option<DateTime<Utc>>,
    /// Landed data files not yet summarised.
    pub waiting: usize,
    /// When the oldest of them landed.
    pub oldest_waiting: Option<DateTime<Utc>>,
    /// When the runs whose metrics wait in `raw/` began, and until when a failure put the
    /// source off: the times the machine was up since.
    pub waiting_runs: Vec<crate::waiting_runs::RunMark>,
    /// How long the oldest of them has waited while the summariser could have taken it (see
    /// [`crate::waiting_runs::CollectorRuns`]), once every source's runs are read.
    pub waited_for_summariser: Option<TimeDelta>,
    /// Files of this source in `raw/_quarantine/`.
    pub quarantined: usize,
    /// Start of the latest hour in `hourly` (unknown when MongoDB is down).
    pub last_hour: Option<DateTime<Utc>>,
    /// True once `runs` was read: without it, a source with nothing in `raw/` is unknown
    /// rather than never collected.
    pub history_read: bool,
    /// Why its folder in `raw/` could not be read: its waiting files and the runs not yet
    /// summarised are then unknown.
    pub raw_unreadable: Option<String>,
    /// What is wrong with the entries of its folder that no stage reads (misnamed files,
    /// folders named as landed files), when it holds any.
    pub left_alone: Option<String>,
    /// Since when its runs, under a query changed since, have landed no record, with the keys
    /// that choose what it collects (see [`releve::selection`]).
    pub unmatched: Option<(DateTime<Utc>, &'static str)>,
}

/// The verdict on one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Health {
    /// Collected recently and the last run succeeded.
    Ok,
    /// `enabled = false`.
    Disabled,
    /// The collector skips it: its credentials are not set.
    Skipped,
    /// Nothing in `raw/` and MongoDB could not be read.
    Unknown,
    /// No successful collection known.
    Never,
    /// Last success older than [`STALE_AFTER_INTERVALS`] × `every`.
    Stale,
    /// Collected, but a landed file has waited [`BEHIND_AFTER_HOURS`] for the summariser.
    Behind,
    /// Collected, but its runs have landed no record since its query changed.
    Empty,
    /// The last run failed.
    Failing,
    /// The configuration refused its `[[source]]` table.
    Refused,
}

impl Health {
    /// The word shown in the table.
    fn label(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Disabled => "disabled",
            Health::Skipped => "skipped",
            Health::Unknown => "unknown",
            Health::Never => "NEVER",
            Health::Stale => "STALE",
            Health::Behind => "BEHIND",
            Health::Empty => "EMPTY",
            Health::Failing => "FAILING",
            Health::Refused => "REFUSED",
        }
    }
}

impl SourceStatus {
    /// Time since the last successful collection.
    fn lag(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        self.last_success
            .map(|at| (now - at).max(TimeDelta::zero()))
    }

    /// Judges the source at `now`.
    fn health(&self, now: DateTime<Utc>) -> Health {
        if self.refused.is_some() {
            return Health::Refused;
        }
        if !self.enabled {
            return Health::Disabled;
        }
        // Credentials missing here need not be missing where the collector runs (on
        // Kubernetes only the collector gets them): the runs speak first. A source is skipped
        // when its credentials are missing here and it never collected.
        let skipped = self.unavailable.is_some();
        let last_run_failed = match (&self.last_error, self.last_success) {
            (Some((failed_at, _)), Some(succeeded)) => *failed_at > succeeded,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if last_run_failed {
            return Health::Failing;
        }
        let (Some(lag), Some(every)) = (self.lag(now), self.every) else {
            return if !self.history_read || self.raw_unreadable.is_some() {
                Health::Unknown
            } else if skipped {
                Health::Skipped
            } else {
                Health::Never
            };
        };
        if lag > every.as_chrono() * STALE_AFTER_INTERVALS {
            // It collected once: stopping is news, whatever the credentials here.
            Health::Stale
        } else if self.waited_for_summariser(now) > TimeDelta::hours(BEHIND_AFTER_HOURS) {
            Health::Behind
        } else if self.unmatched.is_some() {
            Health::Empty
        } else {
            Health::Ok
        }
    }

    /// How long the oldest landed file has waited for the summariser.
    fn waited(&self, now: DateTime<Utc>) -> TimeDelta {
        self.oldest_waiting
            .map_or(TimeDelta::zero(), |landed| now - landed)
    }

    /// How long the oldest landed file has waited for the summariser, counted while the
    /// summariser could have taken it, when known; else since it landed.
    fn waited_for_summariser(&self, now: DateTime<Utc>) -> TimeDelta {
        self.waited_for_summariser
            .unwrap_or_else(|| self.waited(now))
    }

    /// The line saying its runs land no record since its query changed, when they do.
    fn unmatched_line(&self) -> Option<String> {
        self.unmatched.map(|(since, keys)| {
            format!(
                "source `{}` has landed no record since its query changed (its runs since {}): check its {keys} in sources.toml, where a value misspelt matches nothing; a run that lands a record clears this",
                self.name,
                table::time(since)
            )
        })
    }

    /// One line for stderr saying what is wrong, when something is.
    fn problem(&self, now: DateTime<Utc>) -> Option<String> {
        let name = &self.name;
        match self.health(now) {
            Health::Ok | Health::Disabled | Health::Skipped | Health::Unknown => None,
            Health::Never => Some(match self.last_hour {
                // Summarised before: its runs expired from `runs` since.
                Some(hour) => format!(
                    "source `{name}` has no run known (none in raw/ or in `runs`), though `hourly` holds its hours up to {}: `runs` keeps 90 days, fewer on a MongoDB whose clock ran ahead; check logs/collector.log",
                    table::time(hour)
                ),
                None => format!(
                    "source `{name}` has no run known (none in raw/ or in `runs`): a new source runs at cron's next minute; if it stays so, check logs/collector.log"
                ),
            }),
            Health::Stale => Some(format!(
                "source `{name}` is stale: last collected {} ago, more than {STALE_AFTER_INTERVALS} × every ({}); check logs/collector.log",
                table::duration(self.lag(now).unwrap_or_default()),
                self.every
                    .map(|e| table::duration(e.as_chrono()))
                    .unwrap_or_default(),
            )),
            Health::Behind => Some(format!(
                "source `{name}` is behind: {} in raw/, the oldest waiting for {} (the summariser runs hourly); check logs/summariser.log",
                crate::format::counted(self.waiting as u64, "file"),
                table::duration(self.waited(now)),
            )),
            Health::Empty => self.unmatched_line(),
            Health::Failing => Some(format!(
                "source `{name}` is failing: its last run failed: {}{}",
                self.last_error
                    .as_ref()
                    .map(|(_, e)| e.as_str())
                    .unwrap_or("unknown error"),
                self.retry_from
                    .filter(|retry| *retry > now)
                    .map(crate::format::cron_minute)
                    .map(|retry| format!(
                        " (the collector tries it again from {}, in {})",
                        table::time(retry),
                        table::duration(retry - now)
                    ))
                    .unwrap_or_default()
            )),
            Health::Refused => self
                .refused
                .as_ref()
                .map(|(why, consequence)| format!("{why} ({consequence})")),
        }
    }
}

impl StatusReport {
    /// The lines an operator must act on, one per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .sources
            .iter()
            .filter_map(|source| source.problem(self.now))
            .collect();
        // Said beside a state that takes the row (BEHIND, FAILING, STALE): both need acting on.
        problems.extend(
            self.sources
                .iter()
                .filter(|source| {
                    source.enabled
                        && source.refused.is_none()
                        && source.health(self.now) != Health::Empty
                })
                .filter_map(SourceStatus::unmatched_line),
        );
        // A raw folder that cannot be read is said once, however many sources it holds.
        for unreadable in self.unreadable.iter().chain(
            self.sources
                .iter()
                .filter_map(|s| s.raw_unreadable.as_ref()),
        ) {
            if !problems.contains(unreadable) {
                problems.push(unreadable.clone());
            }
        }
        problems.extend(
            self.sources
                .iter()
                .filter_map(|source| source.left_alone.clone()),
        );
        // Records not stored until someone acts, however healthy the collection: by the
        // source each file names, configured or not.
        problems.extend(self.quarantined.iter().map(|(source, files)| {
            format!(
                "source `{source}`: {} in {}/ not summarised: read the .reason beside each, fix it and move it back into {}/, or delete it with its .reason",
                crate::format::counted(*files as u64, "file"),
                releve::rawfile::quarantine_dir(&self.raw_dir).display(),
                self.raw_dir.join(source).display(),
            )
        }));
        problems.extend(self.unread.iter().cloned());
        problems.extend(self.unconfigured.iter().cloned());
        problems.extend(self.missing_reports.iter().cloned());
        match &self.database {
            // The cause of the sources behind and the reports missing: said first.
            DatabaseState::Unreachable { reason } => problems.insert(0, format!(
                "MongoDB could not be read, so `runs` and `hourly` are missing from the table: {reason}; the landed files wait in the raw folder for the summariser, and the reports for MongoDB"
            )),
            DatabaseState::Empty { shown } => problems.push(format!(
                "MongoDB {shown} holds no relevé data (no `runs` or `hourly` collection), so they are missing from the table: check --database, or run the summariser once"
            )),
            DatabaseState::Reachable { .. } => {}
        }
        // What every figure above rests on: said first.
        for lost in self.lost_runs.iter().rev() {
            problems.insert(0, lost.clone());
        }
        if let Some(others) = &self.others_database {
            problems.insert(0, others.clone());
        }
        problems.extend(self.left_out.iter().cloned());
        if let Some(fault) = &self.report_fault {
            problems.push(fault.with_consequence("the sources are collected and summarised"));
        }
        problems.extend(self.free_space.iter().filter_map(disk::FreeSpace::problem));
        problems.extend(self.unwritable.iter().cloned());
        problems
    }

    /// The table as text, for a terminal `columns` wide (`None` when not a terminal: the
    /// table whatever its width).
    pub fn render(&self, columns: Option<usize>) -> String {
        table::render(self, columns)
    }

    /// The status as one JSON document (see the `json` module).
    pub fn render_json(&self) -> String {
        json::render(self)
    }
}

/// The status of every configured source now (see [`StatusReport::render`] for the table and
/// [`StatusReport::problems`] for what needs attention); an error when the configuration
/// cannot be read.
pub async fn report(args: &StatusArgs) -> Result<StatusReport, StatusError> {
    gather(args, Utc::now()).await
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// A status of `sources` with MongoDB reachable and nothing else to say but `quarantined`.
    fn reachable(
        now: DateTime<Utc>,
        sources: Vec<SourceStatus>,
        quarantined: BTreeMap<String, usize>,
    ) -> StatusReport {
        StatusReport {
            now,
            sources,
            database: DatabaseState::Reachable {
                shown: "db".to_owned(),
            },
            others_database: None,
            lost_runs: Vec::new(),
            last_report: None,
            unreadable: None,
            unread: Vec::new(),
            unconfigured: Vec::new(),
            quarantined,
            raw_dir: PathBuf::from("raw"),
            missing_reports: Vec::new(),
            report_fault: None,
            left_out: Vec::new(),
            free_space: Vec::new(),
            unwritable: Vec::new(),
        }
    }

    fn source(every_secs: u64) -> SourceStatus {
        SourceStatus {
            name: "usgs".to_owned(),
            enabled: true,
            every: Some(Every::from_secs(every_secs)),
            history_read: true,
            ..SourceStatus::default()
        }
    }

    /// `--json`'s `reason`, as the table's LAST ERROR: credentials missing where status runs
    /// are said of a source skipped (never collected), not of one whose runs say it collects
    /// (on Kubernetes only the collector holds them).
    #[test]
    fn json_gives_the_missing_credentials_as_a_reason_only_for_a_source_skipped() {
        let now = Utc::now();
        let mut collecting = source(60);
        collecting.unavailable = Some("no France Travail credentials".to_owned());
        collecting.last_success = Some(now - TimeDelta::seconds(30));
        let mut skipped = collecting.clone();
        skipped.name = "offres".to_owned();
        skipped.last_success = None;
        let report = reachable(now, vec![collecting, skipped], BTreeMap::new());
        let json: serde_json::Value =
            serde_json::from_str(&report.render_json()).expect("a JSON document");
        let sources = json["sources"].as_array().expect("sources");
        assert_eq!(
            (&sources[0]["state"], &sources[0]["reason"]),
            (&serde_json::json!("ok"), &serde_json::Value::Null)
        );
        assert_eq!(
            (&sources[1]["state"], &sources[1]["reason"]),
            (
                &serde_json::json!("skipped"),
                &serde_json::json!("no France Travail credentials")
            )
        );
    }

    #[test]
    fn a_source_is_stale_past_three_intervals() {
        let now = Utc::now();
        let mut usgs = source(60);
        usgs.last_success = Some(now - TimeDelta::seconds(170));
        assert_eq!(usgs.health(now), Health::Ok);
        usgs.last_success = Some(now - TimeDelta::seconds(190));
        assert_eq!(usgs.health(now), Health::Stale);
        assert!(usgs.problem(now).expect("a problem").contains("3m"));
    }

    #[test]
    fn a_failure_older_than_the_last_success_is_history_not_an_alert() {
        let now = Utc::now();
        let mut usgs = source(60);
        usgs.last_success = Some(now - TimeDelta::seconds(30));
        usgs.last_error = Some((now - TimeDelta::seconds(90), "HTTP 503".to_owned()));
        assert_eq!(usgs.health(now), Health::Ok);
        usgs.last_error = Some((now - TimeDelta::seconds(10), "HTTP 503".to_owned()));
        assert_eq!(usgs.health(now), Health::Failing);
        assert!(usgs.problem(now).expect("a problem").contains("HTTP 503"));
    }

    #[test]
    fn a_failing_source_says_when_the_collector_tries_it_again() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 4, 3, 0, 0)
            .single()
            .expect("time");
        let mut odre = source(3600);
        odre.last_error = Some((
            now - TimeDelta::hours(5),
            "HTTP 429: quota exhausted".to_owned(),
        ));
        odre.retry_from = Some(now + TimeDelta::hours(4));
        assert_eq!(
            odre.problem(now).expect("a problem"),
            "source `usgs` is failing: its last run failed: HTTP 429: quota exhausted (the collector tries it again from 2026-12-04 07:00 UTC, in 4h)"
        );
        // Between two minutes: the cron minute after it, when the collector runs it.
        odre.retry_from = Some(now + TimeDelta::minutes(41) + TimeDelta::seconds(47));
        assert_eq!(
            odre.problem(now).expect("a problem"),
            "source `usgs` is failing: its last run failed: HTTP 429: quota exhausted (the collector tries it again from 2026-12-04 03:42 UTC, in 42m)"
        );
        // A retry past: the next run is due, nothing to add.
        odre.retry_from = Some(now - TimeDelta::minutes(1));
        assert_eq!(
            odre.problem(now).expect("a problem"),
            "source `usgs` is failing: its last run failed: HTTP 429: quota exhausted"
        );
    }

    #[test]
    fn disabled_and_never_collected_sources() {
        let now = Utc::now();
        let mut usgs = source(60);
        assert_eq!(usgs.health(now), Health::Never);
        assert!(
            usgs.problem(now)
                .expect("a problem")
                .starts_with("source `usgs` has no run known (none in raw/ or in `runs`): a new source runs at cron's next minute")
        );
        // Hours summarised, no run kept: not said a new source (found by the clock probe of
        // stop 57, a MongoDB on a clock a year ahead expiring every run).
        usgs.last_hour = Some(now - TimeDelta::days(2));
        assert!(
            usgs.problem(now)
                .expect("a problem")
                .contains("though `hourly` holds its hours up to")
        );
        usgs.last_hour = None;
        usgs.history_read = false;
        assert_eq!(usgs.health(now), Health::Unknown, "MongoDB was down");
        assert!(usgs.problem(now).is_none(), "the MongoDB line says it");
        usgs.enabled = false;
        assert_eq!(usgs.health(now), Health::Disabled);
        assert!(usgs.problem(now).is_none());
    }

    #[test]
    fn a_source_without_credentials_is_shown_skipped_not_alerted_on() {
        let now = Utc::now();
        let mut offers = source(86_400);
        offers.unavailable = Some("no France Travail credentials: set X".to_owned());
        assert_eq!(offers.health(now), Health::Skipped);
        assert!(offers.problem(now).is_none(), "no mail every hour");
        offers.last_success = Some(now - TimeDelta::days(5));
        assert_eq!(
            offers.health(now),
            Health::Stale,
            "it collected, then stopped: an alert, whatever the credentials here"
        );
    }

    #[test]
    fn files_waiting_hours_for_the_summariser_alert() {
        let now = Utc::now();
        let mut usgs = source(60);
        usgs.last_success = Some(now - TimeDelta::minutes(1));
        usgs.waiting = 11;
        usgs.oldest_waiting = Some(now - TimeDelta::minutes(50));
        assert_eq!(usgs.health(now), Health::Ok, "an hour's files are normal");
        usgs.oldest_waiting = Some(now - TimeDelta::hours(10));
        assert_eq!(usgs.health(now), Health::Behind);
        // Of those 10 hours, the summariser could have taken it in 25 minutes alone (a night
        // asleep).
        usgs.waited_for_summariser = Some(TimeDelta::minutes(25));
        assert_eq!(usgs.health(now), Health::Ok, "a night asleep");
        usgs.waited_for_summariser = None;
        // Landing nothing since its query changed as well: BEHIND takes the row, both are said.
        usgs.unmatched = Some((now - TimeDelta::hours(2), "`params` and `url`"));
        assert_eq!(usgs.health(now), Health::Behind);
        let problems = reachable(now, vec![usgs.clone()], BTreeMap::new()).problems();
        assert!(
            problems.iter().any(|p| p.contains("is behind")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("has landed no record since its query changed")),
            "{problems:?}"
        );
        let problem = usgs.problem(now).expect("alerted");
        assert!(
            problem.contains("11 files") && problem.contains("10h"),
            "{problem}"
        );
    }

    #[test]
    fn a_raw_folder_that_cannot_be_read_is_unknown_and_alerts_once() {
        let now = Utc::now();
        let unreadable = "cannot read raw/usgs: Permission denied (os error 13)".to_owned();
        let mut usgs = source(60);
        usgs.raw_unreadable = Some(unreadable.clone());
        assert_eq!(
            usgs.health(now),
            Health::Unknown,
            "not NEVER: its runs may wait in the folder"
        );
        let report = reachable(now, vec![usgs.clone(), usgs], BTreeMap::new());
        assert_eq!(report.problems(), vec![unreadable]);
    }

    #[test]
    fn quarantined_files_alert_however_healthy_the_source() {
        let now = Utc::now();
        let mut usgs = source(60);
        usgs.last_success = Some(now - TimeDelta::seconds(30));
        assert_eq!(usgs.health(now), Health::Ok);
        let quarantined = BTreeMap::from([("usgs".to_owned(), 7)]);
        let report = reachable(now, vec![usgs], quarantined);
        let problems = report.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("source `usgs`: 7 files in raw/_quarantine/ not summarised"),
            "{problems:?}"
        );
        // The raw folder given is the one named.
        let elsewhere = StatusReport {
            raw_dir: PathBuf::from("/srv/releve/raw3"),
            ..report
        };
        assert_eq!(
            elsewhere.problems(),
            [
                "source `usgs`: 7 files in /srv/releve/raw3/_quarantine/ not summarised: read the .reason beside each, fix it and move it back into /srv/releve/raw3/usgs/, or delete it with its .reason"
            ]
        );
    }

    #[test]
    fn runs_elsewhere_speak_before_credentials_missing_here() {
        // On Kubernetes only the collector's pods hold the France Travail secret.
        let now = Utc::now();
        let mut offers = source(86_400);
        offers.unavailable = Some("no France Travail credentials: set X".to_owned());
        offers.last_success = Some(now - TimeDelta::hours(20));
        assert_eq!(offers.health(now), Health::Ok);
        offers.last_error = Some((now - TimeDelta::hours(1), "invalid_client".to_owned()));
        assert_eq!(offers.health(now), Health::Failing);
        assert!(
            offers
                .problem(now)
                .expect("alerted")
                .contains("invalid_client")
        );
    }
}
