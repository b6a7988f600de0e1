//! One source's run from start to finish: take the source's lock, check it is due
//! ([`prepare`]), then, once it has a slot (see [`crate::queue`]), collect, land the bytes,
//! write the run metrics beside them, remember the run in the state file ([`collect`]).
//!
//! A failed run lands no data file. Its metrics (with `error` set and `file` null) are still
//! written, as `raw/<name>/<name>_<finished>.metrics.json` with no data file beside it, so the
//! summariser loads failures into `runs` like successes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, DurationRound, NaiveDate, Timelike, Utc};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use releve::rawfile::{self, RawFileName};
use releve::{RunLock, Source};
use tracing::Instrument;

use crate::http::{RateLimiter, RetryPolicy, SourceClient};
use crate::schedule::{Due, due};
use crate::sources::{self, RunContext};
use crate::state::SourceState;

mod interrupted;
mod landing;
mod run_metrics;

use crate::state::Running;
use interrupted::settle_interrupted_run;
use landing::land;
use run_metrics::{Failure, record_failure};

/// What happened to one source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceResult {
    /// A file landed.
    Landed {
        /// The data file.
        file: RawFileName,
        /// Records in it.
        records: u64,
    },
    /// Not due yet; the text says when.
    NotDue(String),
    /// Not collected, and not a failure (no credentials, another run holds it).
    Skipped(String),
    /// The run failed; the text is the reason (no secret in it).
    Failed(String),
}

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
    fn asked_now(&self) -> bool {
        self.force || self.since.is_some() || !self.catch_up
    }

    /// When the schedule counts a source's run that `started` from: the collector run's start
    /// (see [`RunSettings::began`]).
    fn scheduled_from(&self, started: DateTime<Utc>) -> DateTime<Utc> {
        self.began.min(started)
    }

    /// Whether a source skipped for want of credentials is said at info level, and an entry
    /// left out of the configuration at all: in a run by hand, and in a routine run's first
    /// minute of the hour (once an hour in cron's log).
    pub fn says_skips(&self) -> bool {
        !self.routine || self.began.minute() == 0
    }

    /// The day `source` collects in this run, when it collects by day (France Travail).
    fn day_of(&self, source: &Source) -> Option<NaiveDate> {
        sources::per_day(source).then_some(self.day)
    }

    /// These settings for `source`: without `--date`, a per-day source collects the newest
    /// recent day it missed first (see [`crate::schedule::missed_day`]).
    fn for_source(&self, source: &Source, state: &SourceState) -> RunSettings {
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

/// A source whose run may begin: its lock held (no other collector run collects it
/// meanwhile), its state read, and due or asked for now.
pub struct Ready {
    _lock: RunLock,
    state: SourceState,
    /// The run's settings for this source (the day a per-day source catches up on).
    settings: RunSettings,
}

/// Takes the source's lock, reads its state and checks it is to be collected now: the source,
/// ready to [`collect`], or the verdict when it is not (not due, no credentials, another run
/// holds it). A source that then waits for a slot holds its lock, so that the next minute's
/// run skips it rather than queuing for the same source behind the same slow API.
pub fn prepare(source: &Source, settings: &RunSettings) -> Result<Ready, SourceResult> {
    let raw_dir = settings.raw_dir.as_path();
    let (lock, state) = off_the_runtime(|| {
        let lock = take_lock(source, raw_dir, settings.asked_now())?;
        let mut state = SourceState::load(raw_dir, source).map_err(SourceResult::Failed)?;
        forget_future_runs(source, raw_dir, &mut state);
        // A killed run may have left temporary files: gone now, not once the source is due
        // again (a day later for a daily source).
        if settle_interrupted_run(source, raw_dir, &mut state) {
            remove_orphan_temps(source, raw_dir);
        }
        Ok((lock, state))
    })?;
    let this_source = settings.for_source(source, &state);
    if let Some(verdict) = not_ready(source, &this_source, &state) {
        return Err(verdict);
    }
    Ok(Ready {
        _lock: lock,
        state,
        settings: this_source,
    })
}

/// Says the days of a per-day source that left its catch-up's week unlanded since its last
/// run (an outage longer than a week): no run collects them but one asked for by hand.
fn say_days_left_behind(source: &Source, run: &RunSettings, state: &SourceState) {
    let Some(attempted) = state.last_attempt.filter(|_| run.catch_up) else {
        return;
    };
    if !sources::per_day(source) {
        return;
    }
    let attempted_yesterday = attempted.date_naive() - chrono::Days::new(1);
    let left = crate::schedule::left_the_catch_up(attempted_yesterday, run.day, &state.days);
    if let Some(first) = left.first() {
        let days: Vec<String> = left.iter().map(ToString::to_string).collect();
        tracing::warn!(
            source = %source.name,
            days = %days.join(", "),
            "Days never collected are past the week the collector catches up on: collect each while the API still serves it, `collector --source {} --date {first}`, one day a run.",
            source.name
        );
    }
}

/// Runs a source [`prepare`] found ready, its calls counted in `limiter`, the rate limit of
/// its API; never panics, never returns early without a verdict.
pub async fn collect(
    source: &Source,
    ready: Ready,
    run: &RunSettings,
    limiter: Arc<RateLimiter>,
    bars: Option<&MultiProgress>,
) -> SourceResult {
    let Ready {
        _lock,
        mut state,
        settings,
    } = ready;
    let raw_dir = settings.raw_dir.as_path();
    if let Some(signal) = releve::stop::asked() {
        return SourceResult::Skipped(format!("not begun: the collector was stopped by {signal}"));
    }
    if settings.day != run.day {
        tracing::info!(source = %source.name, day = %settings.day, "Collecting a day not landed yet: its runs failed, or the collector did not run that day.");
    }
    say_days_left_behind(source, run, &state);
    let settings = &settings;
    // Only before a landing: a run that is not due reads nothing more than its state.
    off_the_runtime(|| remove_orphan_temps(source, raw_dir));
    state.running = Some(Running {
        started: Utc::now(),
        day: settings.day_of(source),
    });
    let noted = off_the_runtime(|| state.save(raw_dir, &source.name));
    if let Err(err) = &noted
        && let Some(advice) = releve::disk_fault::advice(err)
    {
        // Its file could not be landed either, nor its failure recorded to back off: the
        // API would be called in full at every run, for nothing.
        return SourceResult::Failed(format!(
            "not begun: cannot note the run in the state file {}: {err}: {advice}; no API was called, as nothing could be landed",
            rawfile::state_file(raw_dir, &source.name).display()
        ));
    }
    if let Err(err) = &noted {
        tracing::warn!(source = %source.name, error = %err, "Cannot note the run in the state file; should it be killed, the next run would not know.");
    }
    let outcome = collect_and_land(source, settings, &mut state, limiter, bars).await;
    // Ended, whatever the outcome said of it.
    state.running = None;
    match off_the_runtime(|| state.save(raw_dir, &source.name)) {
        Ok(()) => outcome,
        // The state saved before stays: deleting it would lose the days a per-day source
        // landed and an incremental source's cursor, which the landed files, once summarised,
        // no longer tell. The run fails, so that cron's mail says what every later run would
        // repeat.
        Err(err) => unsaved_state(
            outcome,
            &rawfile::state_file(raw_dir, &source.name),
            &err,
            noted.is_ok(),
        ),
    }
}

/// Notes in the state of `source`, disabled (`enabled = false`), when a run first found it so,
/// so that the first run once it is enabled again tells reports from when no collection was
/// expected ([`SourceState::disabled_from`]). A source never collected has no state and
/// nothing to note; one another run holds (collecting it by name) is noted by a later run.
pub fn note_disabled(source: &Source, raw_dir: &Path) {
    if !rawfile::state_file(raw_dir, &source.name).is_file() {
        return;
    }
    let Ok(Some(_lock)) = RunLock::try_acquire(&rawfile::source_lock(raw_dir, &source.name)) else {
        return;
    };
    let Ok(mut state) = SourceState::load(raw_dir, source) else {
        return;
    };
    if state.disabled_since.is_some() {
        return;
    }
    state.disabled_since = Some(state.found_disabled_at(source.every.as_chrono(), Utc::now()));
    match state.save(raw_dir, &source.name) {
        Ok(()) => {
            tracing::info!(source = %source.name, "Source disabled: noted, so that reports expect no collection of it until it is enabled again.")
        }
        Err(err) => {
            tracing::warn!(source = %source.name, error = %err, "Cannot note in the state file that the source is disabled: reports will count its collections as missed.")
        }
    }
}

/// `outcome` as a failure saying the state file at `file` could not be saved; `noted` when
/// the run was noted in it as under way before it began.
fn unsaved_state(
    outcome: SourceResult,
    file: &std::path::Path,
    err: &std::io::Error,
    noted: bool,
) -> SourceResult {
    // The next run settles it from what it left (see `Running::trace`): its metrics, else its
    // data file, else nothing.
    let next = match (&outcome, noted) {
        (SourceResult::Landed { .. }, true) => {
            "the next run counts this run as landed, from its metrics or its data file (as not finished if the summariser has stored that file and deleted it first)"
        }
        (_, true) => {
            "the next run counts this run as failed, from its metrics or as not finished, and collects its data again (the summariser keeps each record once)"
        }
        (_, false) => {
            "this run leaves no trace there (nor its start): the next run collects as if it had not happened, and the summariser keeps each record once"
        }
    };
    let unsaved = format!(
        "cannot save the state file {}: {err}; {next}",
        file.display()
    );
    SourceResult::Failed(match outcome {
        SourceResult::Landed {
            file: landed,
            records,
        } => {
            format!(
                "landed {} ({records} records), but {unsaved}",
                landed.file_name()
            )
        }
        SourceResult::Failed(reason) => format!("{reason}; and {unsaved}"),
        SourceResult::NotDue(_) | SourceResult::Skipped(_) => unsaved,
    })
}

/// Forgets what the state dates in the future (see [`SourceState::forget_future_runs`]),
/// with a warning, and saves the state at once: a run that is not due now would otherwise
/// warn again each minute.
fn forget_future_runs(source: &Source, raw_dir: &Path, state: &mut SourceState) {
    let Some(future) = state.forget_future_runs(Utc::now()) else {
        return;
    };
    let file = rawfile::state_file(raw_dir, &source.name);
    tracing::warn!(
        source = %source.name,
        file = %file.display(),
        last_run = %future,
        "The state file dates runs or landed days in the future (a clock that ran ahead?): they are forgotten, and the source is scheduled as if they had not happened."
    );
    if let Err(err) = state.save(raw_dir, &source.name) {
        tracing::warn!(source = %source.name, file = %file.display(), error = %err, "Cannot save the state file.");
    }
}

/// The source's lock, or the verdict when another run holds it or it cannot be taken. A run
/// asked to collect now (`--force`, `--since`, `--date`): another run holding the source
/// fails it, so its exit status does not say it collected.
fn take_lock(source: &Source, raw_dir: &Path, forced: bool) -> Result<RunLock, SourceResult> {
    let lock_path = rawfile::source_lock(raw_dir, &source.name);
    match try_lock_awhile(&lock_path) {
        Ok(Some(lock)) => Ok(lock),
        Ok(None) if forced => Err(SourceResult::Failed(format!(
            "not collected: another collector run holds it ({}), collecting it or waiting for a slot behind its host's other sources; run again once that run ends",
            lock_path.display()
        ))),
        Ok(None) => {
            tracing::info!(source = %source.name, "Skipping source: another collector run holds it, collecting it or waiting for a slot behind its host's other sources.");
            Err(SourceResult::Skipped(
                "another collector run holds it, collecting it or waiting for a slot".to_owned(),
            ))
        }
        Err(err) => Err(SourceResult::Failed(
            not_a_folder(&raw_dir.join(&source.name))
                .unwrap_or_else(|| format!("cannot take the lock {}: {err}", lock_path.display())),
        )),
    }
}

/// How many times a lock found held is tried again, [`LOCK_RETRY_PAUSE`] apart.
const LOCK_RETRIES: u32 = 5;

/// The pause between two tries at a held lock.
const LOCK_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// [`RunLock::try_acquire`], tried again for a quarter of a second while another process
/// holds the lock: `analyser status` holds a source's lock for an instant to see whether a
/// run is going on, which a run would otherwise take for one (another run holds it for its
/// whole length, seconds at least).
fn try_lock_awhile(path: &Path) -> std::io::Result<Option<RunLock>> {
    for _ in 0..LOCK_RETRIES {
        if let Some(lock) = RunLock::try_acquire(path)? {
            return Ok(Some(lock));
        }
        std::thread::sleep(LOCK_RETRY_PAUSE);
    }
    RunLock::try_acquire(path)
}

/// Why the source's folder cannot hold a lock when something else stands in its place: a
/// file, or a symbolic link that leads nowhere (a loop, or a target since removed).
pub(crate) fn not_a_folder(folder: &Path) -> Option<String> {
    let entry = std::fs::symlink_metadata(folder).ok()?;
    match std::fs::metadata(folder) {
        Ok(target) if target.is_dir() => None,
        Ok(_) => Some(format!(
            "{} is a file, not the source's folder: move it away",
            folder.display()
        )),
        Err(_) if entry.is_symlink() => Some(format!(
            "{} is a symbolic link that leads nowhere (a loop, or its target is gone): point it at a folder or remove it",
            folder.display()
        )),
        Err(_) => None,
    }
}

/// Removes the temporary files a run killed while landing left behind. Only collector runs
/// write them, each holding this source's lock, so under the lock every one is an orphan.
fn remove_orphan_temps(source: &Source, raw_dir: &Path) {
    match rawfile::remove_temps(raw_dir, &source.name) {
        Ok(tried) => {
            for (path, outcome) in tried {
                match outcome {
                    Ok(()) => {
                        tracing::warn!(source = %source.name, file = %path.display(), "Removed a temporary file an interrupted run left.")
                    }
                    Err(err) => {
                        tracing::warn!(source = %source.name, file = %path.display(), error = %err, "Cannot remove a temporary file an interrupted run left.")
                    }
                }
            }
        }
        Err(err) => {
            tracing::warn!(source = %source.name, error = %err, "Cannot look for temporary files an interrupted run left.");
        }
    }
}

/// The verdict when the source is not to be collected now: not due, or no credentials.
/// `--force` collects every source now; `--since` collects the incremental ones now.
fn not_ready(source: &Source, settings: &RunSettings, state: &SourceState) -> Option<SourceResult> {
    let backfill = settings.since.is_some() && sources::incremental(source);
    if !settings.force && !backfill {
        match due(source, state, settings.day, Utc::now()) {
            Due::Now => {}
            Due::NotBefore(next) => {
                tracing::debug!(source = %source.name, next = %next, "Source not due yet.");
                // Rounded up to the second: due from the second it names.
                let next = next
                    .duration_round_up(chrono::TimeDelta::seconds(1))
                    .unwrap_or(next)
                    .format("%Y-%m-%d %H:%M:%S UTC");
                return Some(SourceResult::NotDue(format!("next run due at {next}")));
            }
            Due::DayLanded(day) => {
                tracing::debug!(source = %source.name, day = %day, "Day already landed.");
                return Some(SourceResult::NotDue(format!("{day} is already landed")));
            }
        }
    }
    let unavailable = sources::unavailable(source)?;
    if settings.says_skips() {
        tracing::info!(source = %source.name, "Skipping source: {unavailable}.");
    } else {
        tracing::debug!(source = %source.name, "Skipping source: {unavailable}.");
    }
    Some(SourceResult::Skipped(unavailable.to_string()))
}

/// Collects the source, its calls counted in `limiter` (its API's), lands what it got (or
/// records why not) and updates `state`.
async fn collect_and_land(
    source: &Source,
    settings: &RunSettings,
    state: &mut SourceState,
    limiter: Arc<RateLimiter>,
    bars: Option<&MultiProgress>,
) -> SourceResult {
    let raw_dir = settings.raw_dir.as_path();
    let started = Utc::now();
    let client = match SourceClient::new(
        sources::request_timeout(source),
        limiter.rate(),
        settings.policy,
    ) {
        // Retries end before the source's next run is due, counted as its schedule counts.
        Ok(client) => client.with_rate_limiter(limiter).with_retry_deadline(
            std::time::Instant::now()
                + (crate::schedule::retries_end(
                    source,
                    settings.scheduled_from(started),
                    state.failures_in_a_row,
                ) - started)
                    .to_std()
                    .unwrap_or_default(),
        ),
        Err(err) => return SourceResult::Failed(err.to_string()),
    };
    let ctx = RunContext {
        client,
        day: settings.day,
        since: sources::incremental_start(
            source,
            settings.since,
            state.cursor(),
            state.last_attempt,
            // As `last_attempt` is saved: a run begun before midnight is the day before's.
            settings.scheduled_from(started),
        ),
        progress: bars.map(|bars| progress_bar(bars, &source.name)),
        announced: Default::default(),
    };
    // Lines logged while collecting (retries, throttling) name their source. At error level,
    // so the span is kept whatever RUST_LOG lets through.
    let span = tracing::error_span!("collect", source = %source.name);
    // A signal asking the collector to stop ends the collection as a failure would: recorded,
    // its state saved and its lock released, within a moment.
    let collected = releve::stop::or_stopped(sources::collect(&ctx, source).instrument(span))
        .await
        .unwrap_or_else(|signal| Err(sources::SourceError::Stopped(signal)));
    if let Some(bar) = &ctx.progress {
        bar.finish_and_clear();
    }
    let counts = ctx.client.counts();
    match collected {
        Ok(collected) => {
            off_the_runtime(|| land(source, settings, state, started, counts, collected))
        }
        Err(err) => {
            let reason = ctx.client.scrub(&err.to_string());
            let failure = Failure {
                reason: &reason,
                paused_until: err.paused_until(),
                day: settings.day_of(source),
                announced: ctx.announced(),
                scheduled_from: settings.scheduled_from(started),
                stopped: matches!(err, sources::SourceError::Stopped(_)),
            };
            off_the_runtime(|| record_failure(source, raw_dir, state, started, counts, failure));
            SourceResult::Failed(reason)
        }
    }
}

/// Runs `work`, file writes and syncs that may block for a while on a busy disk, without
/// holding up the other sources' requests and timers: on the collector's multi-threaded
/// runtime its worker hands them to another thread meanwhile. Elsewhere (a single-threaded
/// test runtime) it simply runs.
fn off_the_runtime<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|runtime| runtime.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// What follows a progress bar at most (`1500000/1500000 records 12m 5s`, an export of a
/// large dataset), with its space.
const AFTER_THE_BAR: usize = 32;

/// A source's progress bar, drawn in ASCII: a terminal in a Latin-1 locale shows each `█` of
/// a UTF-8 bar as three characters, two of them control codes. It is 40 columns long, less
/// in a terminal too narrow for it beside the source's name (80 columns and a long name),
/// where the terminal would fold each redraw onto two lines.
fn progress_bar(bars: &MultiProgress, source: &str) -> ProgressBar {
    let bar = bars.add(ProgressBar::new(0));
    let columns = releve::columns::stderr_width().unwrap_or(80);
    let name = releve::columns::width(source).max(20);
    let length = columns
        .saturating_sub(name + 1 + AFTER_THE_BAR)
        .clamp(10, 40);
    let template = format!("{{prefix:>20}} {{bar:{length}}} {{pos}}/{{len}} records {{elapsed}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("#>-"));
    }
    bar.set_prefix(source.to_owned());
    bar
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn an_unsaved_state_says_what_the_next_run_will_know() {
        let full = std::io::Error::other("No space left on device");
        let said = |noted| match unsaved_state(
            SourceResult::Failed("cannot land the file".to_owned()),
            std::path::Path::new("raw/usgs/.state.json"),
            &full,
            noted,
        ) {
            SourceResult::Failed(why) => why,
            other => panic!("a failure: {other:?}"),
        };
        assert!(
            said(true).ends_with("the next run counts this run as failed, from its metrics or as not finished, and collects its data again (the summariser keeps each record once)"),
            "{}",
            said(true)
        );
        let landed = unsaved_state(
            SourceResult::Landed {
                file: RawFileName::parse("usgs_2026-12-04T10-00-00Z.json").expect("a name"),
                records: 2,
            },
            std::path::Path::new("raw/usgs/.state.json"),
            &full,
            true,
        );
        assert_eq!(
            landed,
            SourceResult::Failed("landed usgs_2026-12-04T10-00-00Z.json (2 records), but cannot save the state file raw/usgs/.state.json: No space left on device; the next run counts this run as landed, from its metrics or its data file (as not finished if the summariser has stored that file and deleted it first)".to_owned())
        );
        let unnoted = said(false);
        assert!(
            unnoted.starts_with("cannot land the file; and cannot save the state file raw/usgs/.state.json: No space left on device; this run leaves no trace there"),
            "{unnoted}"
        );
        assert!(!unnoted.contains("not finished"), "{unnoted}");
    }

    /// An éCO2mix-like incremental source with `recheck = "10d"` (README: "the source's first
    /// run of each UTC day ... starts that far before the newest `time` landed"). A collector
    /// run begun a moment before midnight UTC (cron's 00:00 a moment ahead of the machine's
    /// clock, the case the schedule now counts from 00:00) whose source starts after midnight
    /// (its slot freed behind midnight's daily sources): that run is the day's first, asks
    /// ten days back, and is recorded as attempted at the run's start, the day before. The
    /// next run, a quarter of an hour later, reads its last attempt as yesterday's and asks
    /// the portal for the ten days (11,520 rows here) once more: two rechecks that day.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_recheck_is_asked_once_a_day_when_the_days_first_run_began_before_midnight() {
        use testkit::http::LocalServer;
        use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

        let newest = Utc::now() - chrono::TimeDelta::hours(1);
        let rows = 96 * 12;
        let first = newest - chrono::TimeDelta::minutes(15 * (rows as i64 - 1));
        let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(rows, first));
        let server = LocalServer::start(double.router());
        let source = crate::testing::configured(&format!(
            r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "{url}"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
rate_limit = 1000
incremental = true
order_by = "date_heure"
lookback = "3h"
recheck = "10d"
"#,
            url = server.url()
        ));
        let raw = tempfile::tempdir().expect("raw folder");
        let run = |began: DateTime<Utc>| RunSettings {
            raw_dir: raw.path().to_path_buf(),
            routine: true,
            ..settings(true, began)
        };
        let collect_once = |settings: RunSettings| {
            let source = source.clone();
            async move {
                let ready = match prepare(&source, &settings) {
                    Ok(ready) => ready,
                    Err(verdict) => panic!("not collected: {verdict:?}"),
                };
                let limiter = Arc::new(RateLimiter::new(1000.0));
                collect(&source, ready, &settings, limiter, None).await
            }
        };
        // A first run lands the last 24 hours and sets the cursor.
        let landed = collect_once(run(Utc::now())).await;
        assert!(matches!(landed, SourceResult::Landed { .. }), "{landed:?}");
        // Its last run yesterday, 23:44 (a quarter of an hour before midnight).
        let today = Utc::now().date_naive();
        let midnight = today.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        let mut state = SourceState::load(raw.path(), &source).expect("state");
        state.last_success_started = Some(midnight - chrono::TimeDelta::minutes(16));
        state.last_attempt = state.last_success_started;
        state.save(raw.path(), &source.name).expect("state saved");
        // Cron's 00:00 run, begun at 23:59:59.9 on this clock; its source starts after
        // midnight: the day's recheck.
        let asked_before = double.requests().len();
        let rechecked = collect_once(run(midnight - chrono::TimeDelta::milliseconds(100))).await;
        assert!(
            matches!(rechecked, SourceResult::Landed { .. }),
            "{rechecked:?}"
        );
        let asked_from = |requests: &[String]| {
            let request = requests.first().expect("a request");
            let from = request
                .split("date'")
                .nth(1)
                .and_then(|rest| rest.split('\'').next());
            from.and_then(|from| DateTime::parse_from_rfc3339(from).ok())
                .map(|from| from.with_timezone(&Utc))
                .unwrap_or_else(|| panic!("a start in {request}"))
        };
        let recheck_from = asked_from(&double.requests()[asked_before..]);
        // The day's next run (the schedule's quarter of an hour later, forced here).
        let asked_before = double.requests().len();
        let next = collect_once(RunSettings {
            force: true,
            ..run(Utc::now())
        })
        .await;
        assert!(matches!(next, SourceResult::Landed { .. }), "{next:?}");
        let next_from = asked_from(&double.requests()[asked_before..]);
        let far_back = |from: DateTime<Utc>| from < Utc::now() - chrono::TimeDelta::days(9);
        assert_eq!(
            [recheck_from, next_from]
                .into_iter()
                .filter(|from| far_back(*from))
                .count(),
            1,
            "one of the day's two runs asks the recheck's ten days, the other its `lookback`: the first asked from {recheck_from}, the second from {next_from}"
        );
    }

    fn settings(routine: bool, began: DateTime<Utc>) -> RunSettings {
        RunSettings {
            raw_dir: PathBuf::from("raw"),
            day: began.date_naive(),
            catch_up: true,
            force: false,
            since: None,
            policy: RetryPolicy::default(),
            began,
            routine,
        }
    }

    #[test]
    fn cron_says_a_source_lacks_credentials_once_an_hour_a_run_by_hand_each_time() {
        let at = |h, m, s| {
            Utc.with_ymd_and_hms(2026, 11, 30, h, m, s)
                .single()
                .expect("time")
        };
        assert!(settings(true, at(10, 0, 0)).says_skips());
        assert!(settings(true, at(10, 0, 59)).says_skips());
        assert!(!settings(true, at(10, 1, 0)).says_skips());
        assert!(!settings(true, at(10, 59, 0)).says_skips());
        assert!(settings(false, at(10, 17, 0)).says_skips());
    }
}
