//! One source's run from start to finish: take the source's lock, check it is due
//! ([`prepare`]), then, once it has a slot (see [`crate::queue`]), collect, land the bytes,
//! write the run metrics beside them, remember the run in the state file ([`collect`]).
//!
//! A failed run lands no data file. Its metrics (with `error` set and `file` null) are still
//! written, as `raw/<name>/<name>_<finished>.metrics.json` with no data file beside it, so the
//! summariser loads failures into `runs` like successes.

use std::sync::Arc;

use chrono::Utc;
use indicatif::MultiProgress;
use releve::rawfile::{self, RawFileName};
use releve::{RunLock, Source};
use tracing::Instrument;

use crate::http::{RateLimiter, SourceClient};
use crate::sources::{self, RunContext};
use crate::state::{ClockBehind, SourceState};

mod interrupted;
mod landing;
mod lock;
mod not_ready;
mod progress;
mod run_metrics;
mod settings;
mod state_file;

use crate::state::Running;
use interrupted::{remove_orphan_temps, settle_interrupted_run};
use landing::land;
pub(crate) use lock::not_a_folder;
use lock::take_lock;
use not_ready::not_ready;
use progress::progress_bar;
use run_metrics::{Failure, record_failure};
pub use settings::RunSettings;
pub use state_file::note_disabled;
use state_file::{SetAside, forget_future_runs, redate_pause_set_ahead, unsaved_state};

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
    /// Not called, backing off after a run found this machine's clock behind its API's (see
    /// [`crate::state::ClockBehind`]); the text says until when, and what helps.
    BackingOff(String),
    /// Not collected, and not a failure (no credentials, another run holds it).
    Skipped(String),
    /// The run failed; the text is the reason (no secret in it).
    Failed(String),
}

/// A source whose run may begin: its lock held (no other collector run collects it
/// meanwhile), its state read, and due or asked for now.
pub struct Ready {
    _lock: RunLock,
    state: SourceState,
    /// What the state dated in the future of this clock, forgotten: put back should an API's
    /// `Date` tell that this clock is behind.
    set_aside: Option<SetAside>,
    /// The run's settings for this source (the day a per-day source catches up on).
    settings: RunSettings,
}

/// Takes the source's lock, reads its state and checks it is to be collected now: the source,
/// ready to [`collect`], or the verdict when it is not (not due, no credentials, another run
/// holds it). A source that then waits for a slot holds its lock, so that the next minute's
/// run skips it rather than queuing for the same source behind the same slow API.
pub fn prepare(source: &Source, settings: &RunSettings) -> Result<Ready, SourceResult> {
    let raw_dir = settings.raw_dir.as_path();
    let (lock, state, set_aside) = off_the_runtime(|| {
        let lock = take_lock(source, raw_dir, settings.asked_now())?;
        let mut state = SourceState::load(raw_dir, source).map_err(SourceResult::Failed)?;
        // As the state recorded it before a killed run began, whatever this clock says of it.
        let landed_before = state.last_landing();
        // Settled (and saved) before runs dated ahead of this clock are forgotten, which the
        // state file keeps until an API tells this clock is right. A killed run may have left
        // temporary files: gone now, not once the source is due again (a day later for a
        // daily source).
        if settle_interrupted_run(source, raw_dir, &mut state, landed_before) {
            remove_orphan_temps(source, raw_dir);
        }
        redate_pause_set_ahead(source, raw_dir, &mut state);
        let set_aside = forget_future_runs(&mut state);
        // Another boot restoring an earlier time: the first run at it calls the API at once.
        state
            .clock_behind
            .take_if(|behind| behind.jumped(Utc::now()));
        Ok((lock, state, set_aside))
    })?;
    let this_source = settings.for_source(source, &state);
    let verdict = not_ready(source, &this_source, &state);
    if let Some(set_aside) = &set_aside {
        set_aside.say(source, raw_dir, verdict.is_none());
    }
    if let Some(verdict) = verdict {
        return Err(verdict);
    }
    Ok(Ready {
        _lock: lock,
        state,
        set_aside,
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
        set_aside,
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
    // Its metrics carry this start as noted, which tells them its own should it be killed.
    let started = Utc::now();
    // The files already waiting tell the next run, should this one be killed, which are not its.
    state.running = Some(off_the_runtime(|| {
        let waiting = rawfile::list(raw_dir, &source.name).unwrap_or_default();
        Running::begun(started, settings.day_of(source), &waiting)
    }));
    // With the runs dated ahead of this clock, should the run be killed before an API tells.
    let noted = off_the_runtime(|| match &set_aside {
        Some(set_aside) => set_aside.kept_in(&state).save(raw_dir, &source.name),
        None => state.save(raw_dir, &source.name),
    });
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
    let backoff_before = state.clock_behind.clone();
    let outcome = collect_and_land(
        source, settings, &mut state, started, set_aside, limiter, bars,
    )
    .await;
    // This run found the clock behind: the backoff is said only once saved (unsaved, the next
    // run calls the API again).
    let backoff = state
        .clock_behind
        .clone()
        .filter(|found| Some(found) != backoff_before.as_ref());
    // Ended, whatever the outcome said of it.
    state.running = None;
    match off_the_runtime(|| state.save(raw_dir, &source.name)) {
        Ok(()) => match (outcome, backoff) {
            (SourceResult::Failed(reason), Some(backoff)) => SourceResult::Failed(format!(
                "{reason}; meanwhile not called again before {} by this clock",
                backoff.retry_at.format("%Y-%m-%d %H:%M:%S UTC")
            )),
            (outcome, _) => outcome,
        },
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

/// Collects the source, its calls counted in `limiter` (its API's), lands what it got (or
/// records why not) and updates `state`.
async fn collect_and_land(
    source: &Source,
    settings: &RunSettings,
    state: &mut SourceState,
    started: chrono::DateTime<Utc>,
    set_aside: Option<SetAside>,
    limiter: Arc<RateLimiter>,
    bars: Option<&MultiProgress>,
) -> SourceResult {
    let raw_dir = settings.raw_dir.as_path();
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
    // An API's `Date` judged this clock: right, the backoff it was found behind by ends.
    let found_behind_before = state.clock_behind.take_if(|_| ctx.client.clock_told());
    match collected {
        Ok(collected) => {
            let landed =
                off_the_runtime(|| land(source, settings, state, started, counts, collected));
            // No API's `Date` judged this clock (an API that sends none): maybe behind, its
            // landing must not erase later ones (France Travail's landed days, collected again
            // once NTP sets the clock). Kept, the source scheduled from this run's attempt.
            if let Some(set_aside) = set_aside.as_ref().filter(|_| !ctx.client.clock_told()) {
                set_aside.put_back_after_own_attempt(state);
            }
            landed
        }
        Err(err) => {
            let reason = ctx.client.scrub(&err.to_string());
            if let Some((here, there)) = err.clock_behind() {
                // Said in the run's line, with the backoff once saved (see `collect`); the runs
                // this clock took for future ones kept.
                let behind = ClockBehind::found(
                    found_behind_before.as_ref(),
                    here,
                    there,
                    settings.scheduled_from(started),
                );
                state.clock_behind = Some(behind);
                if let Some(set_aside) = set_aside {
                    set_aside.put_back(state);
                }
                return SourceResult::Failed(reason);
            }
            let failure = Failure {
                reason: &reason,
                paused_until: err.paused_until(),
                day: settings.day_of(source),
                announced: ctx.announced(),
                scheduled_from: settings.scheduled_from(started),
                stopped: matches!(err, sources::SourceError::Stopped(_)),
            };
            off_the_runtime(|| record_failure(source, raw_dir, state, started, counts, failure));
            // No API told its clock (none reached, the network not up at a boot): this clock,
            // maybe behind, could not be judged; the runs it took for future ones are kept, the
            // failure's attempt last, for the backoff.
            if let Some(set_aside) = set_aside.filter(|_| !ctx.client.clock_told()) {
                set_aside.put_back_after_own_attempt(state);
            }
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

#[cfg(test)]
mod tests;
