//! Landing a collected run: the data file, its metrics, warnings about what the records hold,
//! and the run noted in the source's state.

use chrono::{DateTime, Utc};
use releve::rawfile::{self, RawFileName};
use releve::{Source, SourceKind};

use super::run_metrics::{
    Failure, keep_earlier_failure, metrics_of, record_failure, write_metrics,
};
use super::{RunSettings, SourceResult};
use crate::http::CallCounts;
use crate::sources::{self, Collected};
use crate::state::SourceState;

/// Lands what a run collected: the data file, its metrics beside it, the warnings about its
/// records, and the run in `state` (with the cursor, when it may move).
pub(super) fn land(
    source: &Source,
    settings: &RunSettings,
    state: &mut SourceState,
    started: DateTime<Utc>,
    counts: CallCounts,
    collected: Collected,
) -> SourceResult {
    let raw_dir = settings.raw_dir.as_path();
    let file = match rawfile::land(raw_dir, &source.name, Utc::now(), &collected.body) {
        Ok(file) => file,
        Err(err) => {
            let reason = format!(
                "cannot land the file in {}: {err}",
                raw_dir.join(&source.name).display()
            );
            let failure = Failure {
                reason: &reason,
                paused_until: None,
                day: settings.day_of(source),
                announced: collected.announced,
            };
            record_failure(source, raw_dir, state, started, counts, failure);
            return SourceResult::Failed(reason);
        }
    };
    keep_earlier_failure(raw_dir, &file);
    let day = settings.day_of(source);
    let mut metrics = metrics_of(source, started, counts, day);
    metrics.file = Some(file.file_name());
    metrics.announced = collected.announced;
    metrics.records = collected.records;
    metrics.shortfall = collected.shortfall;
    metrics.coverage = collected.announced.map(|announced| {
        if announced == 0 {
            1.0
        } else {
            collected.records as f64 / announced as f64
        }
    });
    write_metrics(raw_dir, &file, &metrics);
    warn_about_fields(source, &file, &collected);
    let cursor = collected
        .newest
        .filter(|_| sources::incremental(source))
        .filter(|newest| cursor_may_move(source, &collected, *newest));
    state.succeeded(started, file.landed_at, cursor, day);
    tracing::info!(
        source = %source.name,
        file = %file.file_name(),
        records = collected.records,
        http_calls = counts.http_calls,
        retries = counts.retries,
        "Landed a file."
    );
    SourceResult::Landed {
        file,
        records: collected.records,
    }
}

/// Whether an incremental run that landed records up to `newest` may move the cursor there.
/// Not when it fell short of the announced selection in an order other than by time: the
/// records it missed may be older than `newest`, and a cursor past them would never ask for
/// them again. (A row the dataset holds twice is no shortfall: see `windowed::landed`.)
fn cursor_may_move(source: &Source, collected: &Collected, newest: DateTime<Utc>) -> bool {
    if collected.shortfall == 0 || sources::in_time_order(source) {
        return true;
    }
    tracing::warn!(
        source = %source.name,
        shortfall = collected.shortfall,
        newest = %newest,
        "Landed part of the selection, ordered otherwise than by time (`order_by`): the cursor stays where it was, so the next run asks again for the records this one missed."
    );
    false
}

/// Warns about landed records the summariser will skip, and configured fields the records
/// do not hold as values: the paths in `sources.toml` are most likely wrong.
fn warn_about_fields(source: &Source, file: &RawFileName, collected: &Collected) {
    let selected = match &source.kind {
        SourceKind::Opendatasoft(ods) => ods.select.as_deref(),
        _ => None,
    };
    if collected.unusable > 0 {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            unusable = collected.unusable,
            key = %source.key,
            time = %source.time,
            "{}",
            match selected {
                Some(_) => "Landed records without a `key` or `time` value; the summariser will skip them. Check the source's `key` and `time` paths, and that its `select` keeps those fields.",
                None => "Landed records without a `key` or `time` value; the summariser will skip them. Check the source's `key` and `time` paths.",
            }
        );
    }
    if collected.records == 0
        && let Some(filters) = selection_keys(source)
    {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            "The portal's selection holds no record; if that lasts, check the source's {filters}: a misspelt field or value selects nothing."
        );
    }
    if !collected.absent.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            fields = %collected.absent.join(", "),
            "No landed record holds these fields, not even as null; if that lasts, check their paths in sources.toml."
        );
    }
    if !collected.not_values.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            fields = %collected.not_values.join(", "),
            "These fields hold only objects or arrays in the landed records, never a value, so the summariser reads them as missing: point their paths at a value inside (`m.no2.value`, `geometry.coordinates.0`)."
        );
    }
}

/// The keys that make a portal's selection, for a source that lands the whole selection at
/// every run, which is empty only when the selection is (an incremental one may find nothing
/// new).
fn selection_keys(source: &Source) -> Option<&'static str> {
    match &source.kind {
        SourceKind::Opendatasoft(ods) if !ods.incremental => {
            Some("`dataset` and its filters (`where`, `refine`)")
        }
        SourceKind::OdsV1(_) => Some("`dataset` and its filters (`q`, `refine`)"),
        _ => None,
    }
}
