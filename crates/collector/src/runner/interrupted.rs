//! A run the state says was under way when the next run takes the source's lock: its process
//! ended without finishing it (killed out of memory or at a deadline, a crash), or it finished
//! and could not save its state (a full disk).

use std::path::Path;

use chrono::{DateTime, Utc};
use releve::rawfile::{self, LandingOrder, RawFileName};
use releve::{RawFileRole, RunMetrics, Source};

use super::run_metrics;
use crate::state::SourceState;

/// Settles the run `state` says was under way. When it wrote its metrics, they stand and the
/// state is brought to them (a landing, or a failure for the schedule's backoff): it only
/// could not save its state. Otherwise it is recorded as failed, with metrics saying so, for
/// `status` and the report, and the backoff applies to it. Returns whether there was one.
pub(super) fn settle_interrupted_run(
    source: &Source,
    raw_dir: &Path,
    state: &mut SourceState,
) -> bool {
    let Some(mut running) = state.running.take() else {
        return false;
    };
    // Noted while the clock ran ahead: dated now, not in the future.
    running.started = running.started.min(Utc::now());
    let started = running
        .started
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // The files named no earlier than the second it started: the run's, if it wrote any.
    let files: Vec<RawFileName> = rawfile::list(raw_dir, &source.name)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| name.landed_at.timestamp() >= running.started.timestamp())
        .collect();
    if let Some(metrics) = own_metrics(raw_dir, &files, running.started) {
        tracing::warn!(source = %source.name, "The run started at {started} wrote its metrics but not its state (a full disk?): its outcome stands as its metrics say.");
        match &metrics.error {
            // A pause it was asked for stands as its metrics recorded it (older metrics
            // recorded none: the backoff applies instead).
            Some(error) => state.failed(running.started, error, metrics.retry_from),
            // Landed: not due again before its interval (a per-day source's day is landed);
            // an incremental source's cursor stays where it was, so the next run asks again
            // from there (the summariser keeps each record once).
            None => {
                let landed = metrics.file.as_deref().and_then(RawFileName::parse).map_or(
                    LandingOrder {
                        landed_at: metrics.finished,
                        sequence: 1,
                    },
                    |file| file.landing_order(),
                );
                state.succeeded(running.started, landed, None, metrics.day, metrics.every_s);
            }
        }
    } else {
        // A run whose file landed and whose metrics and state could not be written leaves
        // the same trace as one killed right after landing. Its file landed whole (it is
        // moved into place once written): the run landed, its records counted from it.
        let landed = files
            .iter()
            .rfind(|name| name.role == RawFileRole::Data)
            .map(|file| (file, records_in(source, &file.path_in(raw_dir))));
        let reason = match landed {
            Some((file, Some(records))) => {
                tracing::warn!(source = %source.name, "The run started at {started} landed {} ({records} records) but did not finish: its state could not be saved (a full disk?), or its process was killed right after; counted as landed, its calls and retries unknown.", file.file_name());
                run_metrics::record_unfinished_landing(
                    source, raw_dir, state, running, file, records,
                );
                None
            }
            Some((file, None)) => Some(format!(
                "the run started at {started} landed {} but did not finish, and its records cannot be read back: its state could not be saved (a full disk?), or its process was killed right after",
                file.file_name()
            )),
            None => Some(running.did_not_finish()),
        };
        if let Some(reason) = reason {
            tracing::warn!(source = %source.name, "{reason}; counted as a failed run.");
            run_metrics::record_interrupted(source, raw_dir, state, running, &reason);
        }
    }
    if let Err(err) = state.save(raw_dir, &source.name) {
        tracing::warn!(source = %source.name, error = %err, "Cannot save the state file.");
    }
    true
}

/// The metrics the run begun at `started` wrote among `files` (named since it started), if it
/// wrote any: metrics of a run started then.
fn own_metrics(
    raw_dir: &Path,
    files: &[RawFileName],
    started: DateTime<Utc>,
) -> Option<RunMetrics> {
    files
        .iter()
        .filter(|name| name.role == RawFileRole::Metrics)
        .filter_map(|name| RunMetrics::read(&name.path_in(raw_dir)).ok())
        .find(|metrics| metrics.started.timestamp() >= started.timestamp())
}

/// How many records the landed data file at `path` holds, where they are for `source`; `None`
/// when it cannot be read.
fn records_in(source: &Source, path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut records = 0;
    let located = releve::locate::for_each_record(&text, source.records_path().segments(), |_| {
        records += 1;
    })
    .ok()?;
    (located == releve::locate::Located::Records).then_some(records)
}
