//! What a run notes in the source's state file besides its outcome (a source found disabled,
//! runs dated in the future forgotten), and what it says when the file cannot be saved.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use releve::rawfile;
use releve::{RunLock, Source};

use super::SourceResult;
use crate::state::SourceState;

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
pub(super) fn unsaved_state(
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
        SourceResult::NotDue(_) | SourceResult::BackingOff(_) | SourceResult::Skipped(_) => unsaved,
    })
}

/// What [`forget_future_runs`] forgot of a state, set aside: put back should an API's `Date`
/// tell that this clock is behind, or none answer, over the state as the run has since settled
/// it. Until an API's `Date` tells that this clock is right, the state file keeps them: a run
/// schedules from the state without them, and saves it with them.
pub(super) struct SetAside {
    /// The latest time forgotten (a day as its start).
    latest: DateTime<Utc>,
    last_success_started: Option<DateTime<Utc>>,
    last_success_landed: Option<DateTime<Utc>>,
    last_success_sequence: Option<u32>,
    last_attempt: Option<DateTime<Utc>>,
    days: BTreeSet<NaiveDate>,
}

impl SetAside {
    /// What `forgetful` forgot of `saved`, the state as it was saved, `latest` the latest.
    fn between(saved: &SourceState, forgetful: &SourceState, latest: DateTime<Utc>) -> SetAside {
        let lost =
            |was: Option<DateTime<Utc>>, is: Option<DateTime<Utc>>| was.filter(|_| is.is_none());
        SetAside {
            latest,
            last_success_started: lost(saved.last_success_started, forgetful.last_success_started),
            last_success_landed: lost(saved.last_success_landed, forgetful.last_success_landed),
            last_success_sequence: saved.last_success_sequence,
            last_attempt: lost(saved.last_attempt, forgetful.last_attempt),
            days: saved.days.difference(&forgetful.days).copied().collect(),
        }
    }

    /// Warns that the state dates runs in the future of this clock, for a run about to call
    /// its API; a run that is not due only notes it (it saves nothing, and would warn each
    /// minute while the source backs off).
    pub(super) fn say(&self, source: &Source, raw_dir: &Path, due: bool) {
        let file = rawfile::state_file(raw_dir, &source.name);
        if !due {
            tracing::debug!(source = %source.name, file = %file.display(), last_run = %self.latest, "The state file dates runs in the future of this clock: scheduled as if they had not happened, kept in the file.");
            return;
        }
        tracing::warn!(
            source = %source.name,
            file = %file.display(),
            last_run = %self.latest,
            "The state file dates runs or landed days in the future of this clock (this clock behind now, as after a boot restoring it with fake-hwclock before NTP sets it? or a clock that ran ahead when they were saved?): the source is scheduled as if they had not happened, and they are forgotten once an API's `Date` tells this clock is right (kept should it tell this clock is behind, or no API's `Date` tell)."
        );
    }

    /// `state` with what was set aside put back, as the state file keeps it while no API's
    /// `Date` told this clock is right (a run noted under way, killed before it ends).
    pub(super) fn kept_in(&self, state: &SourceState) -> SourceState {
        let mut kept = state.clone();
        self.put_back(&mut kept);
        kept
    }

    /// Puts back in `state` what was set aside, each time where it is later than the state's.
    pub(super) fn put_back(&self, state: &mut SourceState) {
        state.last_attempt = state.last_attempt.max(self.last_attempt);
        self.put_back_after_own_attempt(state);
    }

    /// As [`SetAside::put_back`], but this run's attempt (failed, or landed where no API's
    /// `Date` judged this clock) stays the last: dated by this clock, it is not forgotten by
    /// the next run, whose schedule backs off from a failure, or waits its period from a
    /// landing. Put back dated ahead, it was forgotten again at every run, the source due at
    /// once each minute while no API answered.
    pub(super) fn put_back_after_own_attempt(&self, state: &mut SourceState) {
        state.last_success_started = state.last_success_started.max(self.last_success_started);
        if self.last_success_landed > state.last_success_landed {
            state.last_success_landed = self.last_success_landed;
            state.last_success_sequence = self.last_success_sequence;
        }
        state.days.extend(self.days.iter().copied());
    }
}

/// Forgets what the state dates in the future (see [`SourceState::forget_future_runs`]) in
/// `state`, the state the source is scheduled from, returning what was forgotten, set aside.
/// Nothing forgotten is saved before an API's `Date` tells this clock is right: a clock
/// behind (a boot before NTP sets it) would otherwise lose the source's last runs for good.
/// A run that landed at this clock since (from an API sending no `Date`, the landing dated
/// ahead kept in the file as the last) is the one the source is scheduled from: forgotten with
/// it, the source was due at once, landing every minute until NTP set the clock.
pub(super) fn forget_future_runs(state: &mut SourceState) -> Option<SetAside> {
    let as_saved = state.clone();
    let latest = state.forget_future_runs(Utc::now())?;
    let set_aside = SetAside::between(&as_saved, state, latest);
    // A last attempt kept (dated by this clock) that failed in no way is that landing.
    if state.last_success_started.is_none() && state.last_error.is_none() {
        state.last_success_started = state.last_attempt;
    }
    Some(set_aside)
}

/// Dates again a pause the state says was set ahead of this clock (see
/// [`SourceState::redate_pause_set_ahead`]), saying so, and saves it at once: the source is
/// then not due, and a run not due saves nothing, which would count the pause again from each
/// minute's clock.
pub(super) fn redate_pause_set_ahead(source: &Source, raw_dir: &Path, state: &mut SourceState) {
    let Some(pause) = state.redate_pause_set_ahead(Utc::now()) else {
        return;
    };
    let file = rawfile::state_file(raw_dir, &source.name);
    let saved = state.save(raw_dir, &source.name);
    tracing::warn!(
        source = %source.name,
        file = %file.display(),
        set_at = %pause.set_at,
        until = %pause.until,
        "The pause the API asked for was set at a time ahead of this clock (a clock that ran ahead then, or this one behind now, before NTP sets it): it holds its own length from now, until {}, not until the time it was set to end.",
        pause.now_until.format("%Y-%m-%d %H:%M:%S UTC")
    );
    if let Err(err) = saved {
        tracing::warn!(source = %source.name, file = %file.display(), error = %err, "Cannot save the pause dated again in the state file: the next run dates it again, from its own clock.");
    }
}
