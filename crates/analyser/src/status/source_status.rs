//! What is known about one source, and the verdict on it: its health, how long its files have
//! waited, and the problem an operator must act on.

use chrono::{DateTime, TimeDelta, Utc};
use releve::Every;

use super::{BEHIND_AFTER_HOURS, STALE_AFTER_INTERVALS, table};

/// What is known about one source.
#[derive(Debug, Clone, Default)]
pub(super) struct SourceStatus {
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
    /// The backoff its state file holds after its runs found this machine's clock behind the
    /// API's.
    pub clock_behind: Option<releve::clock_behind::ClockBehind>,
}

/// The verdict on one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Health {
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
    pub(super) fn label(self) -> &'static str {
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
    pub(super) fn lag(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        self.last_success
            .map(|at| (now - at).max(TimeDelta::zero()))
    }

    /// Judges the source at `now`.
    pub(super) fn health(&self, now: DateTime<Utc>) -> Health {
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
    pub(super) fn waited(&self, now: DateTime<Utc>) -> TimeDelta {
        self.oldest_waiting
            .map_or(TimeDelta::zero(), |landed| now - landed)
    }

    /// How long the oldest landed file has waited for the summariser, counted while the
    /// summariser could have taken it, when known; else since it landed.
    pub(super) fn waited_for_summariser(&self, now: DateTime<Utc>) -> TimeDelta {
        self.waited_for_summariser
            .unwrap_or_else(|| self.waited(now))
    }

    /// The line saying its runs land no record since its query changed, when they do.
    pub(super) fn unmatched_line(&self) -> Option<String> {
        self.unmatched.map(|(since, keys)| {
            format!(
                "source `{}` has landed no record since its query changed (its runs since {}): check its {keys} in sources.toml, where a value misspelt matches nothing; a run that lands a record clears this",
                self.name,
                table::time(since)
            )
        })
    }

    /// One line for stderr saying what is wrong, when something is.
    pub(super) fn problem(&self, now: DateTime<Utc>) -> Option<String> {
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
