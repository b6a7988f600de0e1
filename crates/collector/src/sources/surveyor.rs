//! The one pass over a collection's records that makes a [`Survey`]: every record's `key` and
//! `time` read, the other read fields until one holds a value, one record at a time.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, NaiveDateTime, Utc};
use releve::record::{
    FieldPath, array_index, cut_example, date_alone, local_clock, number, timestamp_in,
    without_offset,
};
use releve::{Resolution, Source};
use serde_json::Value;

use super::drop_paths::DropCheck;
use super::key_clash::FirstClash;
use super::records::content_hash;
use super::survey::{FAR_AHEAD, HOURS_APART, Survey};
use super::unordered_version;

/// Reads every record's `key` and `time` once, and the other read fields until one holds a
/// value (a number, text or a boolean), one record at a time.
pub(crate) struct Surveyor<'s> {
    survey: Survey,
    source: &'s Source,
    /// Each key read (as a 128-bit fingerprint in two halves, 8-byte aligned so that an entry
    /// takes 24 bytes: a key's text is not kept), with the content
    /// of the last record holding it.
    keys: HashMap<[u64; 2], u64>,
    /// Each field not yet seen holding a value.
    unseen: Vec<Unseen<'s>>,
    /// Records surveyed.
    records: u64,
    /// Per `numeric` field: whether a record held a number there, and the first text that
    /// is not one.
    numeric: Vec<(&'s FieldPath, bool, Option<String>)>,
    /// Times past this, written without an offset, are a sign of local times.
    horizon: DateTime<Utc>,
    /// Times past this are no record's own (see [`FAR_AHEAD`]).
    far_horizon: DateTime<Utc>,
    /// The `drop` paths ending in a numeric segment, and whether a record held an array's item
    /// there.
    dropped_items: Vec<(FieldPath, bool)>,
    /// The distinct record times of a source of daily values, on the clock they are written
    /// in (see [`wall_clock`]), each with its instant, until two are found hours apart (one a
    /// day in a sound answer: a few hundred at most); `None` for other sources, and once two
    /// are found.
    daily_times: Option<BTreeMap<NaiveDateTime, DateTime<Utc>>>,
    /// The first record time at 00:00:00 UTC written with a time of day.
    first_midnight: Option<DateTime<Utc>>,
    /// Which `drop` paths removed something from a record (see [`Surveyor::dropped`]).
    drop_removed: u64,
    /// Whether the records were seen before their `drop`.
    drop_told: bool,
    /// The names the records hold beside the `drop` paths written that removed nothing yet.
    drop_check: DropCheck,
}

/// A configured field no record surveyed has held a value at yet.
struct Unseen<'s> {
    /// The key naming it (`numeric`, `categories`, ...).
    key: &'static str,
    path: &'s FieldPath,
    /// Seen as null.
    null: bool,
    /// Seen as an object or an array.
    composite: bool,
    /// Seen as one member named by the dots of its path (`pm2.5`), which the path reads as
    /// steps (`5` inside `pm2`).
    one_name: bool,
}

impl<'s> Surveyor<'s> {
    /// A survey of no record yet.
    pub(crate) fn new(source: &'s Source) -> Self {
        Surveyor {
            survey: Survey::default(),
            source,
            keys: HashMap::new(),
            unseen: source
                .read_fields()
                .map(|(key, path)| Unseen {
                    key,
                    path,
                    null: false,
                    composite: false,
                    one_name: false,
                })
                .collect(),
            records: 0,
            numeric: source
                .numeric
                .iter()
                .map(|path| (path, false, None))
                .collect(),
            horizon: source.local_time_horizon(Utc::now()),
            far_horizon: Utc::now() + FAR_AHEAD,
            dropped_items: source
                .dropped_fields()
                .into_iter()
                .filter(|path| {
                    path.segments()
                        .last()
                        .is_some_and(|last| array_index(last).is_some())
                })
                .map(|path| (path, false))
                .collect(),
            daily_times: (source.resolution == Resolution::Day).then(BTreeMap::new),
            first_midnight: None,
            drop_removed: 0,
            drop_told: false,
            drop_check: DropCheck::new(source.drop.as_deref().unwrap_or_default()),
        }
    }

    /// Sizes the table of keys read for `records` records (see
    /// [`super::records::RecordSet::make_room`]).
    pub(crate) fn make_room(&mut self, records: usize) {
        // Refused (a container's limit), the table grows as records come, as without this.
        let _ = self.keys.try_reserve(records);
    }

    /// The keys the table holds without growing.
    #[cfg(test)]
    pub(crate) fn key_room(&self) -> usize {
        self.keys.capacity()
    }

    /// Notes which `drop` paths removed something from a record, as [`drop_fields`] returns
    /// them.
    ///
    /// [`drop_fields`]: super::records::drop_fields
    pub(crate) fn dropped(&mut self, removed: u64) {
        self.drop_removed |= removed;
        self.drop_told = true;
    }

    /// Surveys the next record.
    pub(crate) fn add(&mut self, record: &Value) {
        let source = self.source;
        let survey = &mut self.survey;
        self.records += 1;
        // The summariser reads records as objects: an array's `0` is no key there.
        if !record.is_object() {
            survey.unusable += 1;
            survey.hints.not_objects += 1;
            return;
        }
        let written = source.time.get(record);
        let time = written.and_then(|written| timestamp_in(written, source.local_times));
        let key = source.key.get(record);
        if time.is_none() || key.is_none() {
            survey.unusable += 1;
        }
        let hints = &mut survey.hints;
        if key.is_none() {
            hints.keyless += 1;
        }
        if let (Some(written), Some(time)) = (written, time)
            && time > self.far_horizon
        {
            hints.far_ahead += 1;
            hints
                .far_ahead_example
                .get_or_insert_with(|| shown(written));
        }
        match (written, time) {
            (Some(written), None) if !written.is_null() => {
                hints.time_array |= written.is_array();
                hints.unreadable_time.get_or_insert_with(|| shown(written));
            }
            // Years ahead is a placeholder (`9999-12-31`), said as such above, not local time;
            // an hour served with no value yet (an archive's hours to come) is no sign either.
            (Some(written), Some(time))
                if time > self.horizon
                    && time <= self.far_horizon
                    && without_offset(written)
                    && holds_a_number(source, record) =>
            {
                hints.ahead_without_offset += 1;
                hints.ahead_example.get_or_insert_with(|| shown(written));
            }
            _ => {}
        }
        if let (Some(times), Some(written), Some(time)) = (&mut self.daily_times, written, time)
            && let Some(pair) = hours_apart(times, wall_clock(written, time, source), time)
        {
            hints.hours_apart = Some(pair);
            self.daily_times = None;
        }
        if let (Some(written), Some(_)) = (written, time) {
            hints.timed += 1;
            if date_alone(written) {
                hints.dates_alone += 1;
            } else {
                if let Some(midnight) = time.filter(|time| at_midnight(*time)) {
                    hints.midnights += 1;
                    let first = *self.first_midnight.get_or_insert(midnight);
                    hints.midnights_on_days |= first != midnight;
                }
                hints.time_of_day.get_or_insert_with(|| shown(written));
            }
        }
        for (path, numbers, text) in &mut self.numeric {
            if *numbers {
                continue;
            }
            match path.get(record) {
                Some(value) if number(value).is_some() => *numbers = true,
                Some(value @ Value::String(written)) if !written.trim().is_empty() => {
                    text.get_or_insert_with(|| shown(value));
                }
                _ => {}
            }
        }
        for (path, item) in &mut self.dropped_items {
            *item = *item || path.names_item(record);
        }
        if let Some(dropped) = source.drop.as_deref() {
            self.drop_check.note(dropped, self.drop_removed, record);
        }
        unordered_version::note(&mut hints.unordered_version, source, record);
        // A record without a time is not stored, so it clashes with none.
        if let (Some(key), Some(_)) = (key, time) {
            let content = content_hash(record);
            let key = fingerprint(&key);
            if self
                .keys
                .insert(key, content)
                .is_some_and(|held| held != content)
            {
                survey.key_clashes += 1;
                survey.first_clash.get_or_insert_with(|| FirstClash {
                    key,
                    later: record.clone(),
                });
            }
        }
        survey.newest = survey.newest.max(time);
        self.unseen
            .retain_mut(|unseen| match unseen.path.get(record) {
                None => {
                    unseen.one_name |= unseen.path.names_a_dotted_member(record);
                    true
                }
                Some(Value::Null) => {
                    unseen.null = true;
                    true
                }
                Some(Value::Object(_) | Value::Array(_)) => {
                    unseen.composite = true;
                    true
                }
                Some(_) => false,
            });
    }

    /// What the records surveyed tell.
    pub(crate) fn finish(self) -> Survey {
        let mut survey = self.survey;
        // Of the `drop` written in the table: France Travail's default `contact` is no
        // misspelling when a day's offers carry none.
        if let Some(dropped) = self.source.drop.as_deref()
            && self.drop_told
            && self.records > 0
        {
            survey.hints.dropped_nothing = self.drop_check.misspelt(dropped, self.drop_removed);
        }
        survey.hints.items_not_dropped = self
            .dropped_items
            .into_iter()
            .filter(|(_, item)| *item)
            .map(|(path, _)| path.as_str().to_owned())
            .collect();
        survey.hints.text_only = self
            .numeric
            .into_iter()
            .filter(|(_, numbers, _)| !numbers)
            .filter_map(|(path, _, text)| Some(format!("`{path}` ({})", text?)))
            .collect();
        if self.records > 0 {
            for unseen in self.unseen {
                let named = format!("`{}` ({})", unseen.path, unseen.key);
                // A key or a time no record holds is said with the records the summariser
                // skips; one held under a name with a dot is said here too, as the reason.
                let identity = matches!(unseen.key, "key" | "time");
                if identity {
                    if unseen.one_name {
                        survey.hints.dotted_names.push(named);
                    }
                } else if unseen.composite {
                    // A `version` held as objects or arrays is said with its kinds.
                    if unseen.key != "version" {
                        survey.not_values.push(named);
                    }
                } else if unseen.one_name {
                    survey.hints.dotted_names.push(named);
                } else if !unseen.null {
                    survey.absent.push(named);
                }
            }
        }
        survey
    }
}

/// Adds `time`, written at `wall` on its own clock, to the distinct `times` of a source of
/// daily values, and returns it with the nearest of them when the two lie under
/// [`HOURS_APART`] apart on the clocks they are written in: local midnights of stations in
/// several zones (`…T00:00:00+01:00`, `…T00:00:00-05:00`) are the same day, not six hours.
fn hours_apart(
    times: &mut BTreeMap<NaiveDateTime, DateTime<Utc>>,
    wall: NaiveDateTime,
    time: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let Entry::Vacant(entry) = times.entry(wall) else {
        return None;
    };
    entry.insert(time);
    let gap = |at: &NaiveDateTime| (*at - wall).abs();
    let earlier = times.range(..wall).next_back();
    let later = times.range(wall..).nth(1);
    earlier
        .into_iter()
        .chain(later)
        .filter(|(at, _)| gap(at) < HOURS_APART)
        .min_by_key(|(at, _)| gap(at))
        .map(|(_, instant)| (time.min(*instant), time.max(*instant)))
}

/// The date and time `written` says on its own clock: the local time of a time written with
/// its offset (`2026-11-30T00:00:00+01:00` is 30 November, 00:00), of one written without on
/// the source's `local_times`, else the instant in UTC.
fn wall_clock(written: &Value, time: DateTime<Utc>, source: &Source) -> NaiveDateTime {
    local_clock(written).unwrap_or_else(|| match source.local_times {
        Some(zone) if without_offset(written) => time.with_timezone(&zone).naive_local(),
        _ => time.naive_utc(),
    })
}

/// True when a `numeric` field of `record` holds a number, or the source has none: false for
/// an hour an API serves before its values, all null (Open-Meteo's archive up to today).
fn holds_a_number(source: &Source, record: &Value) -> bool {
    source.numeric.is_empty()
        || source
            .numeric
            .iter()
            .any(|path| path.get(record).and_then(number).is_some())
}

/// True for an instant at 00:00:00 UTC to the nanosecond.
fn at_midnight(time: DateTime<Utc>) -> bool {
    time.time() == chrono::NaiveTime::MIN
}

/// A value as served, cut for a log line.
fn shown(value: &Value) -> String {
    cut_example(&value.to_string())
}

/// A key's fingerprint: two different keys share one with a chance of about one in 2^128.
pub(super) fn fingerprint(key: &str) -> [u64; 2] {
    [0_u8, 1].map(|salt| {
        let mut hasher = DefaultHasher::new();
        (salt, key).hash(&mut hasher);
        hasher.finish()
    })
}
