//! The verdict on a source that is not to be collected now: not due (or backing off, its
//! clock found behind), or no credentials.

use chrono::{DurationRound, Utc};
use releve::Source;

use super::{RunSettings, SourceResult};
use crate::schedule::{Due, due};
use crate::sources;
use crate::state::SourceState;

/// The verdict when the source is not to be collected now: not due, or no credentials.
/// `--force` collects every source now; `--since` collects the incremental ones now.
pub(super) fn not_ready(
    source: &Source,
    settings: &RunSettings,
    state: &SourceState,
) -> Option<SourceResult> {
    let backfill = settings.since.is_some() && sources::incremental(source);
    if !settings.force && !backfill {
        if let Some(verdict) = clock_behind(source, state) {
            return Some(verdict);
        }
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

/// The verdict while the source backs off after a run found this machine's clock behind its
/// API's (see [`crate::state::ClockBehind`]): silent in cron's log, as a source not due is.
fn clock_behind(source: &Source, state: &SourceState) -> Option<SourceResult> {
    let behind = state.clock_behind.as_ref()?;
    let retry = behind.backing_off(Utc::now())?;
    let retry = retry.format("%Y-%m-%d %H:%M:%S UTC");
    tracing::debug!(source = %source.name, next = %retry, "Backing off: this clock was found behind the API's.");
    Some(SourceResult::BackingOff(format!(
        "this machine's clock was found {} behind the API's: not called again before {retry} by this clock; once `timedatectl` says NTP has synchronised the clock, `--force` collects it now (before, it fails the same way)",
        releve::store::clocks_apart(behind.api_date - behind.found_at)
    )))
}
