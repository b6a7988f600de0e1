//! The per-source state file `raw/<name>/.state.json`: what the schedule and the incremental
//! cursor need once the summariser has deleted the landed files. Its hidden name keeps it out
//! of [`releve::rawfile::list`]; it is written to a temp file and renamed over the old one.
//!
//! ```json
//! {"last_success_started":"2026-11-22T08:00:00.412Z","last_success_landed":"2026-11-22T08:00:01Z",
//!  "last_attempt":"2026-11-22T08:00:00.412Z","last_error":null,
//!  "cursor":"2026-11-22T07:45:00Z","days":["2026-11-21"]}
//! ```
//!
//! After a run the API asked to wait longer than a run waits (an exhausted quota), the state
//! also holds `"paused_until"` and when it was set, `"paused_at"`, and the source is not due
//! before then (see the `schedule` module).
//! While a run is under way it holds `"running"` (see [`SourceState::running`]).
//! After a run found this machine's clock behind its API's, it holds `"clock_behind"` (see
//! [`ClockBehind`]), and the source backs off.
//!
//! When the file is missing (first run, or deleted), the newest landed data file stands in.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use releve::RawFileName;
use releve::Source;
use releve::api_pause::ApiPause;
use releve::rawfile::{self, LandingOrder, RawFileRole};
use serde::{Deserialize, Serialize};

use crate::sources::newest_time;

pub use releve::clock_behind::ClockBehind;

/// How many collected days a per-day source remembers.
const DAYS_KEPT: usize = 366;

/// What the collector remembers about one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    /// When the last successful run started.
    pub last_success_started: Option<DateTime<Utc>>,
    /// When the last successful run landed its file.
    pub last_success_landed: Option<DateTime<Utc>>,
    /// That file's sequence within its second (`..._08-00-01Z-3.json`), when above 1: a run
    /// in the same second takes the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_success_sequence: Option<u32>,
    /// The `every` the last successful run collected under, in seconds: its next collection
    /// was due that long after it, whatever `every` says once the source is enabled again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_success_every_s: Option<u64>,
    /// When the last run, successful or not, started.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Why the last run failed, when it did.
    pub last_error: Option<String>,
    /// Runs failed in a row since the last success.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failures_in_a_row: u32,
    /// The last run was stopped by a signal (an orchestrator's timeout, a container stopped,
    /// Ctrl-C), not failed by its API: the next run tries at once, no backoff.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
    /// Until when the API asked not to be called after the last failed run (an exhausted
    /// quota); see the `schedule` module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_until: Option<DateTime<Utc>>,
    /// When that pause was set (the failed run's attempt), by the clock then; a state saved
    /// before it was noted takes `last_attempt`. A pause set ahead of a later run's clock is
    /// dated again by that run (see [`SourceState::redate_pause_set_ahead`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_at: Option<DateTime<Utc>>,
    /// Newest record `time` landed so far (incremental sources), never later than the start
    /// of the run that landed it: rows a dataset publishes ahead of time (éCO2mix's forecast
    /// rows, measures still null) must be fetched again however long the next run waits.
    pub cursor: Option<DateTime<Utc>>,
    /// Days landed by a per-day source (France Travail), newest last.
    #[serde(default)]
    pub days: BTreeSet<NaiveDate>,
    /// The run under way, saved before it calls the API and cleared when it ends: found by
    /// the next run, it is a run killed before its end (out of memory, a deadline), which then
    /// counts as failed instead of leaving no trace and being run again every minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<Running>,
    /// When a collector run first found the source disabled (`enabled = false`) since its
    /// last run; the next run, once it is enabled again, tells its metrics (see
    /// [`SourceState::disabled_from`]) and clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_since: Option<DateTime<Utc>>,
    /// The query the last successful run sent, as [`releve::selection::fingerprint`] gives it:
    /// a run under another one that lands no record is noted in `unmatched`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The runs since the query changed landed no record (see [`releve::selection`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmatched: Option<releve::selection::Unmatched>,
    /// The `key` of the last successful run, as [`releve::RecordKey::fingerprint`] gives it:
    /// a run under another one is warned of (its records are stored again under new keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The first file landed under `key`, and how many were (see [`SourceState::stored_key`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_first_file: Option<String>,
    /// How many data files landed under `key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_files: Option<u64>,
    /// The `key` whose records may be stored when `key` came in (see
    /// [`SourceState::stored_key`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_before: Option<String>,
    /// The last runs found this machine's clock behind their API's: the source backs off
    /// until the clock jumps (see [`ClockBehind`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_behind: Option<ClockBehind>,
}

/// A pause found set ahead of the clock, dated again (see
/// [`SourceState::redate_pause_set_ahead`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedatedPause {
    /// When the pause was set, by the clock then.
    pub set_at: DateTime<Utc>,
    /// Its end as it was set.
    pub until: DateTime<Utc>,
    /// Its end now, its length counted from this clock's time.
    pub now_until: DateTime<Utc>,
}

/// A run under way (see [`SourceState::running`]), in the shape `analyser status` reads too.
pub use releve::under_way::Running;

/// Moves the unreadable state file at `path` to a free hidden name beside it,
/// `.state.<time>.unreadable.json` (`-2`, `-3`, … within a second), which no stage reads;
/// under the source's lock, so a name free now stays free until the rename.
fn put_aside(path: &Path) -> Result<std::path::PathBuf, String> {
    let stamp = Utc::now().format("%Y-%m-%dT%H-%M-%SZ");
    let aside = (1..10_000)
        .map(|n| match n {
            1 => path.with_file_name(format!(".state.{stamp}.unreadable.json")),
            n => path.with_file_name(format!(".state.{stamp}-{n}.unreadable.json")),
        })
        .find(|aside| fs::symlink_metadata(aside).is_err())
        .ok_or_else(|| {
            format!(
                "cannot put the unreadable state file {} aside: no free name",
                path.display()
            )
        })?;
    fs::rename(path, &aside).map_err(|err| {
        format!(
            "cannot put the unreadable state file {} aside as {}: {err}",
            path.display(),
            aside.display()
        )
    })?;
    Ok(aside)
}

/// Whether `bytes`, a state file, holds the keys every run writes (`last_attempt`, null or not).
fn written_by_a_run(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes)
        .is_ok_and(|fields| fields.contains_key("last_attempt"))
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

impl SourceState {
    /// Forgets run times later than `now` (and a minute of clock drift), and landed days not
    /// over by `now` (UTC): a clock that ran ahead when they were saved, or a file edited by
    /// hand, would otherwise keep the source "not due" until then, silently. Returns the
    /// latest time forgotten (a day as its start).
    pub fn forget_future_runs(&mut self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let ahead = now + releve::rawfile::CLOCK_DRIFT;
        let mut forgotten = None;
        for time in [
            &mut self.last_success_started,
            &mut self.last_success_landed,
            &mut self.last_attempt,
        ] {
            if time.is_some_and(|at| at > ahead) {
                forgotten = forgotten.max(time.take());
            }
        }
        if self.last_success_landed.is_none() {
            self.last_success_sequence = None;
        }
        let today = now.date_naive();
        while let Some(day) = self.days.last().copied().filter(|day| *day >= today) {
            self.days.remove(&day);
            forgotten = forgotten.max(day.and_hms_opt(0, 0, 0).map(|start| start.and_utc()));
        }
        forgotten
    }

    /// Dates again a pause set more than a minute of drift ahead of `now` (a clock that ran
    /// ahead when it was set, or this one behind, a boot before NTP sets it): it then holds
    /// its own length (see [`ApiPause::end`]) from `now`, not until a time this clock
    /// cannot tell, which would hold the source as long as the clocks differ, or be dropped
    /// with the runs dated ahead. Returns the pause as it was set, and its new end.
    pub fn redate_pause_set_ahead(&mut self, now: DateTime<Utc>) -> Option<RedatedPause> {
        let pause = self.api_pause().filter(|pause| pause.set_ahead(now))?;
        let now_until = pause.end(now);
        self.paused_at = Some(now);
        self.paused_until = Some(now_until);
        Some(RedatedPause {
            set_at: pause.set_at,
            until: pause.until,
            now_until,
        })
    }

    /// The pause the API asked for at the last failed run, if it asked for one (see
    /// [`ApiPause::recorded`]).
    pub fn api_pause(&self) -> Option<ApiPause> {
        ApiPause::recorded(
            self.last_error.is_some(),
            self.last_attempt,
            self.paused_at,
            self.paused_until,
        )
    }

    /// The `key` (a fingerprint) under which the source's latest stored records were stored,
    /// as far as the raw folder tells: the last run's once a data file landed under it (before
    /// `until`, the file landing now) has left the raw folder and its quarantine (the
    /// summariser stored it, with its own run's `key`), else the one before it, if any. A
    /// state written before relevé counted the files landed under a key takes the last run's.
    pub fn stored_key(
        &self,
        raw_dir: &Path,
        source: &str,
        until: Option<LandingOrder>,
    ) -> Option<&String> {
        let last = self.key.as_ref()?;
        let first = self
            .key_first_file
            .as_deref()
            .and_then(RawFileName::parse)
            .filter(|first| first.source == source);
        let (Some(first), Some(landed)) = (first, self.key_files) else {
            return Some(last);
        };
        let from = first.landing_order();
        let in_place = rawfile::list(raw_dir, source).unwrap_or_default();
        let quarantined = rawfile::quarantined(raw_dir).unwrap_or_default();
        let waiting = in_place
            .iter()
            .chain(quarantined.iter().filter(|file| file.source == source))
            .filter(|file| file.role == RawFileRole::Data)
            .map(RawFileName::landing_order)
            .filter(|order| *order >= from && until.is_none_or(|until| *order < until))
            .count();
        if u64::try_from(waiting).unwrap_or(u64::MAX) >= landed {
            self.key_before.as_ref()
        } else {
            Some(last)
        }
    }

    /// Counts a data file landed under the last run's `key` (a run settled after it was
    /// stopped counts as landed under it).
    pub fn landed_under_key(&mut self) {
        self.key_files = self.key_files.map(|landed| landed + 1);
    }

    /// The state saved in the source's state file as it is, without a side effect: `None` when
    /// there is none or it cannot be read (a run would put it aside and rebuild it).
    pub fn saved(raw_dir: &Path, name: &str) -> Option<SourceState> {
        let bytes = fs::read(rawfile::state_file(raw_dir, name)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// The saved state, else one rebuilt from the newest landed data file, else empty. A state
    /// file that is not JSON (or holds nothing a run wrote) is put aside, named in a warning,
    /// and rebuilt; one that cannot be read at all (its permissions, a folder in its place) is
    /// an error: rebuilding it would replace its cursor, landed days and pause for good.
    pub fn load(raw_dir: &Path, source: &Source) -> Result<SourceState, String> {
        let path = rawfile::state_file(raw_dir, &source.name);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Ok(SourceState::from_landed(raw_dir, source));
            }
            Err(err) => {
                return Err(format!(
                    "cannot read the state file {}: {err}; make it a file the collector can read (or delete it to rebuild it from the landed files, forgetting its cursor, landed days and pause)",
                    path.display()
                ));
            }
        };
        let why = match serde_json::from_slice::<SourceState>(&bytes) {
            // `{}` (or only unknown keys) is no state a run wrote (a run writes every key,
            // even when it has forgotten every time): the landed files tell more.
            Ok(state) if state == SourceState::default() && !written_by_a_run(&bytes) => {
                "it holds nothing".to_owned()
            }
            Ok(state) => return Ok(state),
            Err(err) => err.to_string(),
        };
        let aside = put_aside(&path)?;
        tracing::warn!(
            file = %path.display(),
            kept_as = %aside.display(),
            why = %why,
            "Ignoring an unreadable state file; rebuilding it from the landed files (an incremental source's cursor, a per-day source's landed days and a pause the API asked for may be lost: the old file is kept aside)."
        );
        let rebuilt = SourceState::from_landed(raw_dir, source);
        // Saved at once, so the state holds what the landed files told once they are gone.
        if let Err(err) = rebuilt.save(raw_dir, &source.name) {
            tracing::warn!(file = %path.display(), error = %err, "Cannot save the state file.");
        }
        Ok(rebuilt)
    }

    fn from_landed(raw_dir: &Path, source: &Source) -> SourceState {
        let newest = rawfile::list(raw_dir, &source.name)
            .unwrap_or_default()
            .into_iter()
            .rfind(|name| name.role == RawFileRole::Data);
        let Some(newest) = newest else {
            return SourceState::default();
        };
        let cursor = fs::read(newest.path_in(raw_dir))
            .ok()
            .and_then(|bytes| newest_time(source, &bytes))
            .map(|newest_time| newest_time.min(newest.landed_at));
        SourceState {
            last_success_started: Some(newest.landed_at),
            last_success_landed: Some(newest.landed_at),
            last_success_sequence: (newest.sequence > 1).then_some(newest.sequence),
            last_success_every_s: None,
            last_attempt: Some(newest.landed_at),
            last_error: None,
            failures_in_a_row: 0,
            stopped: false,
            paused_until: None,
            paused_at: None,
            cursor,
            days: BTreeSet::new(),
            running: None,
            disabled_since: None,
            query: None,
            unmatched: None,
            key: None,
            key_first_file: None,
            key_files: None,
            key_before: None,
            clock_behind: None,
        }
    }

    /// Where the next incremental run takes up: the cursor, capped at the start of the last
    /// successful run (a cursor saved ahead of its run by an earlier version counts from that
    /// run's start, not from the next run's).
    pub fn cursor(&self) -> Option<DateTime<Utc>> {
        match self.last_success_started {
            Some(started) => self.cursor.map(|cursor| cursor.min(started)),
            None => self.cursor,
        }
    }

    /// Where the last successful run's file stands among the source's files.
    pub fn last_landing(&self) -> Option<LandingOrder> {
        LandingOrder::recorded(self.last_success_landed, self.last_success_sequence)
    }

    /// What a run finding the source disabled notes in [`Self::disabled_since`]: `now`, unless
    /// the state was last saved by a collector that noted no such thing (before 3 December
    /// 2026: its last run a success that tells no interval), which may have skipped the source
    /// disabled since the collection due `every` after its last run: then that, at the latest
    /// `now`. A run failed since may be the upgraded collector's (a 429's pause), which would
    /// have noted the source disabled: `now` then.
    pub fn found_disabled_at(&self, every: chrono::TimeDelta, now: DateTime<Utc>) -> DateTime<Utc> {
        let older_collector = self.last_success_started.is_some()
            && self.last_success_every_s.is_none()
            && self.last_error.is_none();
        match self
            .last_attempt
            .and_then(|last| last.checked_add_signed(every))
        {
            Some(next) if older_collector => next.min(now),
            _ => now,
        }
    }

    /// When the first collection skipped while the source was disabled was due: when it was
    /// found disabled, or its next run after the last success (at the interval that run
    /// collected under, else `every`) when that came later. `None` when it was not disabled
    /// since its last run, or was enabled again before a run was due.
    pub fn disabled_from(&self, source: &Source, started: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let since = self.disabled_since?;
        let every = self
            .last_success_every_s
            .map_or(source.every, releve::Every::from_secs);
        // As the schedule counts it: from the run's minute, whole days on the reports' clock.
        let next = self
            .last_success_started
            .map(|last| every.due_after(last, source.days_in));
        Some(since.max(next.unwrap_or(since))).filter(|from| *from < started)
    }

    /// Records a landed run, collected under an `every` of `every_s` seconds when known.
    pub fn succeeded(
        &mut self,
        started: DateTime<Utc>,
        landed: LandingOrder,
        cursor: Option<DateTime<Utc>>,
        day: Option<NaiveDate>,
        every_s: Option<u64>,
    ) {
        self.last_success_started = Some(started);
        self.last_success_every_s = every_s;
        self.last_success_landed = Some(landed.landed_at);
        self.last_success_sequence = (landed.sequence > 1).then_some(landed.sequence);
        self.last_attempt = Some(started);
        self.last_error = None;
        self.failures_in_a_row = 0;
        self.stopped = false;
        self.paused_until = None;
        self.paused_at = None;
        self.disabled_since = None;
        // A cursor saved ahead of its run (before cursors were capped) is capped too.
        let capped = |time: Option<DateTime<Utc>>| time.map(|time| time.min(started));
        self.cursor = capped(self.cursor).max(capped(cursor));
        if let Some(day) = day {
            self.days.insert(day);
            while self.days.len() > DAYS_KEPT {
                self.days.pop_first();
            }
        }
    }

    /// Records a failed run, and until when the API asked not to be called, if it did.
    pub fn failed(
        &mut self,
        started: DateTime<Utc>,
        error: &str,
        paused_until: Option<DateTime<Utc>>,
    ) {
        self.last_attempt = Some(started);
        self.last_error = Some(error.to_owned());
        self.failures_in_a_row = self.failures_in_a_row.saturating_add(1);
        self.paused_until = paused_until;
        self.paused_at = paused_until.map(|_| started);
        self.disabled_since = None;
        self.stopped = false;
    }

    /// Records a run stopped by a signal before it ended, `why`: said as its last error, but
    /// neither a failure in a row nor a wait before the next run, which tries at once (an
    /// orchestrator's retry after its timeout stopped the run).
    pub fn stopped(&mut self, started: DateTime<Utc>, why: &str) {
        self.last_attempt = Some(started);
        self.last_error = Some(why.to_owned());
        self.disabled_since = None;
        self.stopped = true;
    }

    /// Writes the state through a temp file and a rename (see [`rawfile::replace_file`]).
    pub fn save(&self, raw_dir: &Path, source: &str) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        rawfile::replace_file(&rawfile::state_file(raw_dir, source), &bytes)
    }
}

#[cfg(test)]
mod tests;
