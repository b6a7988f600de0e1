//! Landing a collected run: the data file, its metrics, warnings about what the records hold,
//! and the run noted in the source's state.

use std::path::Path;

use chrono::{DateTime, Timelike, Utc};
use releve::rawfile::{self, LandingOrder, RawFileName};
use releve::{Resolution, Source, SourceKind};

use super::run_metrics::{
    Failure, keep_earlier_failure, metrics_of, record_failure, scheduled_apart, write_metrics,
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
    let first = landing_order(source, state.last_landing(), Utc::now());
    let file = match rawfile::land_from(raw_dir, &source.name, first, &collected.body) {
        Ok(file) => file,
        Err(err) => {
            let advice = releve::disk_fault::advice_after(&err);
            let reason = format!(
                "cannot land the file in {}: {err}{advice}",
                raw_dir.join(&source.name).display()
            );
            let failure = Failure {
                reason: &reason,
                paused_until: None,
                day: settings.day_of(source),
                announced: collected.announced,
                scheduled_from: settings.scheduled_from(started),
                stopped: false,
            };
            record_failure(source, raw_dir, state, started, counts, failure);
            return SourceResult::Failed(reason);
        }
    };
    keep_earlier_failure(raw_dir, &file);
    let day = settings.day_of(source);
    let mut metrics = metrics_of(source, state, started, counts, day);
    metrics.scheduled_from = scheduled_apart(settings.scheduled_from(started), started);
    metrics.file = Some(file.file_name());
    metrics.announced = collected.announced;
    metrics.records = collected.records;
    metrics.shortfall = collected.shortfall;
    metrics.key_clashes = collected.key_clashes;
    metrics.clash_key = (collected.key_clashes > 0).then(|| source.key.to_string());
    metrics.coverage = coverage(collected.announced, collected.shortfall);
    metrics.window_parts = collected.window_parts;
    write_metrics(raw_dir, &file, &metrics);
    warn_about_fields(source, &file, &collected);
    if collected.records == 0 && state.last_success_started.is_none() {
        warn_first_landing_empty(source, &file);
    }
    note_unmatched_query(source, state, started, &file, collected.records);
    note_key_change(source, raw_dir, state, &file);
    let cursor = collected
        .newest
        .filter(|_| sources::incremental(source))
        .filter(|newest| cursor_may_move(source, &collected, *newest));
    state.succeeded(
        settings.scheduled_from(started),
        file.landing_order(),
        cursor,
        day,
        metrics.every_s,
    );
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
        "Landed part of the selection, not ordered by time ascending (`order_by`, or with a dotted `time` none at all): the cursor stays where it was, so the next run asks again for the records this one missed."
    );
    false
}

/// Warns of a run under a `key` other than the one the source's stored records were stored
/// under: the records stored are not re-keyed, so a record landed again is stored a second
/// time under its new key, and its hour counts it twice. Said at the first run under a new
/// `key`, and only when records may be stored under another (a `key` fixed before the
/// summariser ran, or put back before it ran, re-keys nothing: see
/// [`SourceState::stored_key`]).
fn note_key_change(source: &Source, raw_dir: &Path, state: &mut SourceState, file: &RawFileName) {
    let key = source.key.fingerprint();
    if state.key.as_ref() == Some(&key) {
        state.landed_under_key();
        return;
    }
    let stored = state
        .stored_key(raw_dir, &source.name, Some(file.landing_order()))
        .cloned();
    if stored.as_ref().is_some_and(|stored| *stored != key) {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            key = %source.key,
            "The source's `key` changed since records were stored under it: the records stored are not re-keyed, so a record landed again is stored a second time under its new key, beside the one stored under the key before, and its hour counts it twice. A source keeps one `key` per `name`: the README's `key` section says how to repair the hours."
        );
    }
    state.key_before = stored;
    state.key_first_file = Some(file.file_name());
    state.key_files = Some(1);
    state.key = Some(key);
}

/// Notes in `state` a run under a query changed since the last successful run that landed no
/// record, and warns of it: a value misspelt in a filter matches nothing, which no run fails
/// for (see [`releve::selection`]); a run that lands a record clears it, and says the query
/// changed (an `INFO` line: a filter edited on purpose).
fn note_unmatched_query(
    source: &Source,
    state: &mut SourceState,
    started: DateTime<Utc>,
    file: &RawFileName,
    records: u64,
) {
    let query = releve::selection::fingerprint(source);
    let changed = state.query.as_ref().is_some_and(|last| *last != query);
    if records > 0 {
        state.unmatched = None;
        if changed {
            tracing::info!(
                source = %source.name,
                file = %file.file_name(),
                records,
                "The source's query changed since its last run ({} in sources.toml): the records landed from this run on are those it chooses; a report of a period holding runs of both counts both.",
                releve::selection::keys(source)
            );
        }
    } else if changed {
        state.unmatched = Some(releve::selection::Unmatched { since: started });
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            "The source's query changed since its last run, and this run landed no record: check its {} in sources.toml, where a value misspelt matches nothing. `analyser status` says so until a run lands a record.",
            releve::selection::keys(source)
        );
    }
    state.query = Some(query);
}

/// A source's first landing holds no record: most often a selection that matches nothing (a
/// value misspelt in a filter), which later runs, landing nothing either, would not say.
fn warn_first_landing_empty(source: &Source, file: &RawFileName) {
    let selection = releve::selection::keys(source);
    tracing::warn!(
        source = %source.name,
        file = %file.file_name(),
        "The source's first landing holds no record: if the API should have some, check its selection ({selection}), where a value misspelt matches nothing; later runs that land none say nothing more."
    );
}

/// Warns about landed records the summariser will skip, and configured fields the records
/// do not hold as values: the paths in `sources.toml` are most likely wrong.
fn warn_about_fields(source: &Source, file: &RawFileName, collected: &Collected) {
    let selects = matches!(&source.kind, SourceKind::Opendatasoft(ods) if ods.select.is_some());
    if collected.unusable > 0 {
        let hints = &collected.hints;
        let without_columns = matches!(&source.kind, SourceKind::HttpJson(http) if !http.columns);
        let and_select = if hints.not_objects > 0 {
            "; some records are not objects (an array per record, a number, a text): records are read as objects, each field by its name, so `records` must lead to an array of objects (an API serving rows as arrays beside a list of column names cannot be read)"
        } else if selects {
            ", and that its `select` keeps those fields"
        } else if without_columns && hints.time_array {
            "; a `time` holding an array is a sign of records served as parallel arrays, one per field (`{\"time\": [..], \"temperature_2m\": [..]}`): set `columns = true`"
        } else {
            ""
        };
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            unusable = collected.unusable,
            without_key = hints.keyless,
            not_objects = hints.not_objects,
            key = %source.key,
            time = %source.time,
            unreadable_time = %hints.unreadable_time.as_deref().unwrap_or("-"),
            "Landed records without a `key` value or a `time` that reads as a time; the summariser will skip them. Check the source's `key` and `time` paths (`time` names the record's date or epoch, not another number){and_select}."
        );
    }
    if !collected.hints.text_only.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            fields = %collected.hints.text_only.join(", "),
            "These numeric fields hold text that is not a number, and never a number: they are summarised as nulls (a decimal comma, `12,5`, is not read as a number)."
        );
    }
    if let Some(more) = &collected.hints.more_pages {
        let way_out = if more.opendatasoft {
            "This looks like an Opendatasoft portal's answer: `kind = \"opendatasoft\"` (Explore v2.1, `total_count`; with `incremental = true`, only the new rows) or `kind = \"ods_v1\"` (v1, `nhits`) pages the dataset by itself; or select no more rows than one answer holds (`where`, `refine`)."
        } else {
            "Ask for all of them in one answer (a page-size parameter in `params`, within the API's limit), or for the recent ones often enough that they fit on one page."
        };
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            "The answer tells of more records than this run landed ({}): an http_json source makes one request per run, so the records of other pages are not collected. {way_out}",
            more.sign
        );
    }
    if !collected.hints.units_said_otherwise.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            "The answer says other units than `units` for these fields: {}. The report labels their charts and figures with `units`: write there what the API serves, or ask the API for the unit `units` names.",
            collected.hints.units_said_otherwise.join("; ")
        );
    }
    if let Some(example) = &collected.hints.far_ahead_example {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.hints.far_ahead,
            example = %example,
            time = %source.time,
            "Records are dated more than a year ahead of the clock: a placeholder for a date the API does not know (9999-12-31), most likely, or `time` names another field. They are stored in that far hour, which no report shows: check `time` in sources.toml."
        );
    }
    if let Some(example) = &collected.hints.ahead_example {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.hints.ahead_without_offset,
            example = %example,
            time = %source.time,
            "{}",
            releve::record::ahead_without_offset(source.local_times)
        );
    }
    let hints = &collected.hints;
    let hourly = source.resolution == Resolution::Hour;
    if hourly && hints.dates_alone_only() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = hints.timed,
            time = %source.time,
            "Every landed record with a time is dated by a day alone (`2026-11-30`), which counts in that day's 00:00 UTC hour: for daily values, set `resolution = \"day\"` so reports count and chart them per day."
        );
    } else if hourly && hints.midnights_only() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = hints.timed,
            example = %hints.time_of_day.as_deref().unwrap_or("-"),
            time = %source.time,
            "Every landed record with a time is dated at 00:00:00 UTC: a day written as a time, most likely (a date column), which counts in that day's 00:00 UTC hour. For daily values, set `resolution = \"day\"` so reports count and chart them per day; if the records have a time of day, point `time` at the field holding it."
        );
    }
    if let Some((earlier, later)) = hints.hours_apart {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            earlier = %earlier.to_rfc3339(),
            later = %later.to_rfc3339(),
            time = %source.time,
            "Records of this source of daily values (`resolution = \"day\"`) are dated hours apart: hourly values, most likely, which its reports would count as days. Remove `resolution = \"day\"` if the records are hourly, or point `records` at the API's daily values."
        );
    }
    if !collected.hints.dropped_nothing.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            paths = %collected.hints.dropped_nothing.join(", "),
            "These `drop` paths removed nothing from any record of this run, and the records hold a field named alike: misspelt, most likely, the field they were meant to remove landing as served. Write the name the records hold in `drop`."
        );
    }
    if !collected.hints.items_not_dropped.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            paths = %collected.hints.items_not_dropped.join(", "),
            "These `drop` paths name an array's item, which is never removed (the items after it would move up): it landed as served. Drop the whole array, or keep it."
        );
    }
    if collected.key_clashes > 0 {
        let differ_in = sources::key_clash_advice(source, collected.hints.key_clash.as_ref());
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            sharing = collected.key_clashes,
            key = %source.key,
            "Landed records sharing their `key` with a different record of the same file; the summariser keeps only the last of each. Is the source's `key` unique?{differ_in} (Fix it before the summariser runs: the file is deleted once summarised.)"
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
    if !collected.hints.dotted_names.is_empty() {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            fields = %collected.hints.dotted_names.join(", "),
            "The records hold these fields as one member whose name holds a dot, which a path reads as steps (`pm2.5` as `5` inside `pm2`): relevé cannot name such a field, and the summariser reads it as missing. Ask the API for another name if it offers one."
        );
    }
    if let (Some(unordered), Some(version)) = (&collected.hints.unordered_version, &source.version)
    {
        tracing::warn!(
            source = %source.name,
            file = %file.file_name(),
            records = collected.records,
            holding = unordered.records,
            version = %version,
            found = %unordered.found(),
            example = %unordered.example,
            "Landed records hold the source's `version` as {}: the summariser orders versions by numbers, times and text, and ranks a boolean, an object or an array as no version, so the copies of a record holding one are ordered by landing, the one landed last kept (a flag such as `true` for validated makes no copy win). Point `version` at a field that grows with each revision (a last-update time, a revision number, inside the object if it holds one), or remove it.",
            unordered.found()
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
        SourceKind::OdsV1(_) => Some("`dataset` and its filters (`q`, `refine`, `exclude`)"),
        SourceKind::Opendatasoft(_) | SourceKind::HttpJson(_) | SourceKind::FranceTravail(_) => {
            None
        }
    }
}

/// The share of the `announced` total the run did not fall short of: 1 when nothing was
/// announced. Not records over announced: a row the dataset holds twice, served whole, lands
/// once and is no shortfall, and a dataset that grew between the first page and the export
/// covered its announced total, not more.
fn coverage(announced: Option<u64>, shortfall: u64) -> Option<f64> {
    announced.map(|announced| {
        if announced == 0 {
            1.0
        } else {
            announced.saturating_sub(shortfall) as f64 / announced as f64
        }
    })
}

/// How far ahead of the clock, in seconds, runs forced one after the other can name their
/// files without the clock being wrong.
const QUICK_RUNS: i64 = 5;

/// Where a run lands: `now`; in the second of the source's `last` landing, the next sequence
/// of that second (runs forced one after the other: names never run ahead of the clock); when
/// the clock is behind that second (stepped back by up to a minute: a state further ahead is
/// taken for a clock that ran ahead, and forgotten before the run), a second after it. Landed
/// files are ordered by the time in their name, to the second, then by sequence: a later file
/// named earlier, or in the second of a file already summarised and deleted, would read as
/// older than the one before it, and its newer records as stale versions the summariser skips.
fn landing_order(source: &Source, last: Option<LandingOrder>, now: DateTime<Utc>) -> LandingOrder {
    let second = now.with_nanosecond(0).unwrap_or(now);
    let Some(last) = last.filter(|last| second <= last.landed_at) else {
        return LandingOrder {
            landed_at: now,
            sequence: 1,
        };
    };
    if second == last.landed_at {
        return LandingOrder {
            landed_at: last.landed_at,
            sequence: last.sequence.saturating_add(1),
        };
    }
    let last = last.landed_at;
    let after = LandingOrder {
        landed_at: last + chrono::TimeDelta::seconds(1),
        sequence: 1,
    };
    let clock = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let last_landed = last.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if last - second <= chrono::TimeDelta::seconds(QUICK_RUNS) {
        // Runs in quick succession named a second apart by versions before sequences were
        // used: nothing is wrong with the clock.
        tracing::info!(source = %source.name, %clock, %last_landed, "A run within seconds of the source's last landing: the file is named a second after it, so it reads as the newer one.");
    } else {
        tracing::warn!(source = %source.name, %clock, %last_landed, "The clock is behind the source's last landing: the file is named a second after it, so it reads as the newer one.");
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .with_timezone(&Utc)
    }

    #[test]
    fn coverage_is_the_share_of_the_announced_total_not_fallen_short_of() {
        assert_eq!(coverage(Some(100), 5), Some(0.95));
        assert_eq!(coverage(Some(100), 0), Some(1.0));
        assert_eq!(coverage(Some(0), 0), Some(1.0));
        assert_eq!(coverage(None, 0), None);
    }

    fn order(text: &str, sequence: u32) -> LandingOrder {
        LandingOrder {
            landed_at: at(text),
            sequence,
        }
    }

    #[test]
    fn a_clock_behind_the_last_landing_names_the_file_after_it() {
        let source = &crate::testing::minutely();
        let last = order("2026-11-22T08:00:01Z", 1);
        assert_eq!(
            landing_order(source, Some(last), at("2026-11-22T08:01:00.5Z")),
            order("2026-11-22T08:01:00.5Z", 1),
            "a clock ahead of the last landing names the file now"
        );
        assert_eq!(
            landing_order(source, Some(last), at("2026-11-22T08:00:01.7Z")),
            order("2026-11-22T08:00:01Z", 2),
            "within the same second, whose file may be summarised and gone, the next sequence"
        );
        assert_eq!(
            landing_order(source, Some(last), at("2026-11-22T07:59:30Z")),
            order("2026-11-22T08:00:02Z", 1),
            "a clock stepped back names the file a second after the last"
        );
        assert_eq!(
            landing_order(source, None, at("2026-11-22T07:59:30Z")),
            order("2026-11-22T07:59:30Z", 1)
        );
    }

    /// A hundred runs forced within two seconds: each reads as newer than the one before, and
    /// none is named ahead of the clock (names a second apart ran a minute ahead, and the
    /// state was then forgotten as a clock that ran ahead, naming the next file earlier).
    #[test]
    fn runs_forced_one_after_the_other_never_run_ahead_of_the_clock() {
        let source = &crate::testing::minutely();
        let start = at("2026-11-22T08:00:00Z");
        let mut last: Option<LandingOrder> = None;
        for run in 0..100 {
            let now = start + chrono::TimeDelta::milliseconds(20 * run);
            let landed = landing_order(source, last, now);
            let named = LandingOrder {
                landed_at: landed.landed_at.with_nanosecond(0).expect("a second"),
                ..landed
            };
            assert!(last.is_none_or(|last| named > last), "run {run}: {named:?}");
            assert!(named.landed_at <= now, "run {run} named ahead of the clock");
            last = Some(named);
        }
    }
}
