//! Where and how sources run: the raw folder, the day, the schedule's overrides asked for on
//! the command line, and when the collector run began.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use releve::Source;

use crate::http::RetryPolicy;
use crate::sources;
use crate::state::SourceState;

/// Where and how sources run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// The raw folder.
    pub raw_dir: PathBuf,
    /// The day per-day sources collect: `--date`, else yesterday (see `catch_up`).
    pub day: NaiveDate,
    /// Whether `day` was asked for with `--date`; if not, a per-day source first collects the
    /// recent days it missed.
    pub catch_up: bool,
    /// Ignore the schedule.
    pub force: bool,
    /// Backfill start for incremental sources, replacing their saved cursor.
    pub since: Option<DateTime<Utc>>,
    /// The retry policy of every source's client.
    pub policy: RetryPolicy,
    /// When this collector run began (the cron minute): a source that waited for one of the
    /// run's slots is scheduled from then (its next run after a success, its backoff after a
    /// failure, the end of its retries), not from when it got its slot, or a `1m` source that
    /// started 10 s late would not be due a minute later.
    pub began: DateTime<Utc>,
    /// A run as cron makes it: no source named, no `--force`, `--date` or `--since`, no
    /// terminal. Such a run says a source is skipped for want of credentials only in the first
    /// minute of each hour, not in each minute's log.
    pub routine: bool,
}

impl RunSettings {
    /// Whether the run was asked to collect now (`--force`, `--since` or `--date`), rather
    /// than whatever is due: a source another run holds is then not collected as asked.
    pub(super) fn asked_now(&self) -> bool {
        self.force || self.since.is_some() || !self.catch_up
    }

    /// When the schedule counts a source's run that `started` from: the collector run's start
    /// (see [`RunSettings::began`]).
    pub(super) fn scheduled_from(&self, started: DateTime<Utc>) -> DateTime<Utc> {
        self.began.min(started)
    }

    /// Whether a source skipped for want of credentials is said at info level, and an entry
    /// left out of the configuration at all: in a run by hand, and in a routine run's first
    /// minute of the hour (once an hour in cron's log), counted as the schedule counts it: a
    /// run begun in 12:59's last two seconds is cron's 13:00 (see
    /// [`releve::config::run_minute`]).
    pub fn says_skips(&self) -> bool {
        !self.routine || releve::config::run_minute(self.began).minute() == 0
    }

    /// The day `source` collects in this run, when it collects by day (France Travail).
    pub(super) fn day_of(&self, source: &Source) -> Option<NaiveDate> {
        sources::per_day(source).then_some(self.day)
    }

    /// These settings for `source`: without `--date`, a per-day source collects the newest
    /// recent day it missed first (see [`crate::schedule::missed_day`]).
    pub(super) fn for_source(&self, source: &Source, state: &SourceState) -> RunSettings {
        let mut settings = self.clone();
        if self.catch_up
            && sources::per_day(source)
            && let Some(missed) = crate::schedule::missed_day(self.day, &state.days)
        {
            settings.day = missed;
        }
        settings
    }
}
