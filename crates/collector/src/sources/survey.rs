//! What one pass over a collection's records tells about the fields the summariser reads
//! (records it will skip, keys that clash, read fields no record holds), and the newest record
//! time of a collection (the incremental cursor).

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
use super::records::content_hash;

/// What one pass over a collection's records tells about the fields the summariser reads.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Survey {
    /// The newest `time`; `None` when no record has a time.
    pub(crate) newest: Option<DateTime<Utc>>,
    /// Records lacking a `key` or a `time` value: the summariser will skip them.
    pub(crate) unusable: u64,
    /// Records whose `key` an earlier record with other content holds: the summariser keeps
    /// one version per key, so all but the last are lost unless the `key` is fixed.
    pub(crate) key_clashes: u64,
    /// The `numeric`, `categories`, `lon` and `lat` paths no record holds, even as null
    /// (`` `val` (numeric) ``): most likely a wrong path. Empty when there is no record.
    pub(crate) absent: Vec<String>,
    /// The same paths that records hold only as objects or arrays, never as a value
    /// (`` `m.no2` (numeric) `` where `m.no2` is `{"value": 12, "unit": "µg/m³"}`): the
    /// summariser reads them as missing. Empty when there is no record.
    pub(crate) not_values: Vec<String>,
    /// What else the records tell about the configuration.
    pub(crate) hints: Hints,
}

/// Signs in the records that a path or the API's time zone is not what the configuration
/// assumes, each with an example as served.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Hints {
    /// Records without a `key` value (among the unusable ones).
    pub keyless: u64,
    /// Records that are not objects (arrays, numbers, text; among the unusable ones).
    pub not_objects: u64,
    /// A `time` value that does not read as a time, as served (`"02/12/2026 10:00"`).
    pub unreadable_time: Option<String>,
    /// A `time` value that is an array: the records most likely come as parallel arrays, one
    /// per field (Open-Meteo's `hourly`), which `columns = true` reads.
    pub time_array: bool,
    /// `numeric` fields holding text that is not a number and never a number, each with one
    /// such text: `` `valeur` ("20,0") ``.
    pub text_only: Vec<String>,
    /// Records dated more than 15 minutes ahead of the clock whose time is written without
    /// an offset: local times read as UTC, most likely (unless the source is a `forecast`).
    pub ahead_without_offset: u64,
    /// The first of them's time, as served.
    pub ahead_example: Option<String>,
    /// Records dated more than [`FAR_AHEAD`] ahead of the clock, forecasts included: a
    /// placeholder for a date not known (`9999-12-31`), most likely, or the wrong field.
    pub far_ahead: u64,
    /// The first of them's time, as served.
    pub far_ahead_example: Option<String>,
    /// Records whose `time` reads as a time, and of them those dated by a day alone
    /// (`"2026-11-30"`): all of them, on a source counted per hour, is a sign of daily values,
    /// which `resolution = "day"` reports per day.
    pub timed: u64,
    /// See [`Hints::timed`].
    pub dates_alone: u64,
    /// Of the records whose `time` reads as a time, those dated at 00:00:00 UTC though written
    /// with a time of day (`"2026-11-30T00:00:00.000"`, a day as some portals write a date
    /// column): all of them, as for days written alone, is a sign of daily values.
    pub midnights: u64,
    /// True when those midnights fall on two days or more: several stations' readings of the
    /// one hour after midnight are no date column.
    pub midnights_on_days: bool,
    /// The first `time` that reads as a time but is not a day written alone, as served
    /// (`"2026-11-30T00:00"`, `1764457200`).
    pub time_of_day: Option<String>,
    /// `drop` paths that name an array's item in some record (`geometry.coordinates.2`): an
    /// item is never removed, so they land as served.
    pub items_not_dropped: Vec<String>,
    /// `drop` paths that removed nothing from any record while the records hold a field
    /// named alike, each told with it (`` `contact` (records hold `contacts`) ``): misspelt,
    /// the field they were meant to remove landing as served. Told only where the records were
    /// seen before their `drop` (see [`DropCheck`]).
    pub dropped_nothing: Vec<String>,
    /// On a source of daily values (`resolution = "day"`), the first two distinct record
    /// times found under [`HOURS_APART`] apart on the clocks they are written in, the earlier
    /// instant first: hourly values, most likely, which its reports would count as days.
    pub hours_apart: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Configured fields records hold only as one member whose name holds a dot: `` `pm2.5`
    /// (numeric) ``, which a path cannot name.
    pub dotted_names: Vec<String>,
    /// What in an `http_json` answer tells of records beyond those landed (a link to a next
    /// page, a total over them): `` `next` = "…?page=2" ``.
    pub more_pages: Option<super::http_json::MorePages>,
    /// `units` entries the answer says otherwise beside its records (Open-Meteo's
    /// `hourly_units`): `` `precipitation`: `units` says `mm`, `hourly_units` says `inch` ``.
    pub units_said_otherwise: Vec<String>,
}

/// How far ahead of the clock a record's time is no forecast's: a year.
pub const FAR_AHEAD: chrono::TimeDelta = chrono::TimeDelta::days(366);

/// Distinct times of a source of daily values closer than this, on the clocks they are written
/// in, are no two days: twelve hours leaves room for a day dated at its noon beside one dated
/// at its midnight, and for days of stations in several zones written as UTC instants.
pub const HOURS_APART: chrono::TimeDelta = chrono::TimeDelta::hours(12);

/// Records dated at 00:00:00 UTC needed, all of them and on two days or more, to take their
/// time for a day written as one: one or two such records may be there by chance.
pub const MIDNIGHTS_TOLD: u64 = 3;

impl Hints {
    /// True when every record with a time is dated by a day alone (`2026-11-30`): daily
    /// values, most likely, which a source counted per hour counts in each day's first hour.
    pub fn dates_alone_only(&self) -> bool {
        self.timed > 0 && self.dates_alone == self.timed
    }

    /// True when every record with a time, [`MIDNIGHTS_TOLD`] or more, is dated by a day alone
    /// or at 00:00:00 UTC, and the midnights fall on two days or more: a date column written
    /// as a time (`2026-11-30T00:00:00.000`), most likely.
    pub fn midnights_only(&self) -> bool {
        self.midnights > 0
            && self.midnights_on_days
            && self.timed >= MIDNIGHTS_TOLD
            && self.dates_alone + self.midnights == self.timed
    }
}

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
            // Years ahead is a placeholder (`9999-12-31`), said as such above, not local time.
            (Some(written), Some(time))
                if time > self.horizon && time <= self.far_horizon && without_offset(written) =>
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
        // A record without a time is not stored, so it clashes with none.
        if let (Some(key), Some(_)) = (key, time) {
            let content = content_hash(record);
            if self
                .keys
                .insert(fingerprint(&key), content)
                .is_some_and(|held| held != content)
            {
                survey.key_clashes += 1;
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
                    survey.not_values.push(named);
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

/// True for an instant at 00:00:00 UTC to the nanosecond.
fn at_midnight(time: DateTime<Utc>) -> bool {
    time.time() == chrono::NaiveTime::MIN
}

/// A value as served, cut for a log line.
fn shown(value: &Value) -> String {
    cut_example(&value.to_string())
}

/// A key's fingerprint: two different keys share one with a chance of about one in 2^128.
fn fingerprint(key: &str) -> [u64; 2] {
    [0_u8, 1].map(|salt| {
        let mut hasher = DefaultHasher::new();
        (salt, key).hash(&mut hasher);
        hasher.finish()
    })
}

/// [`Surveyor`] over `records`.
#[cfg(test)]
pub(crate) fn survey(source: &Source, records: &[Value]) -> Survey {
    survey_dropped(source, records, None)
}

/// [`survey`] of records from which the `drop` paths marked in `removed` removed something
/// (see [`Surveyor::dropped`]), when known.
pub(crate) fn survey_dropped(source: &Source, records: &[Value], removed: Option<u64>) -> Survey {
    let mut surveyor = Surveyor::new(source);
    if let Some(removed) = removed {
        surveyor.dropped(removed);
    }
    for record in records {
        surveyor.add(record);
    }
    surveyor.finish()
}

/// The newest `time` among the records of a landed file, `body` (a JSON array), read one at a
/// time (a file of a million records is never held as a tree); `None` when no record has a
/// time, or the file is no JSON array.
pub fn newest_time(source: &Source, body: &[u8]) -> Option<DateTime<Utc>> {
    let mut newest = None;
    super::landing::for_each_element(body, |record| {
        if record.is_object() {
            let written = source.time.get(&record);
            let time = written.and_then(|written| timestamp_in(written, source.local_times));
            newest = newest.max(time);
        }
    })
    .ok()?;
    newest
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn source() -> Source {
        crate::testing::stations()
    }

    #[test]
    fn fields_no_record_holds_are_named_and_nulls_count_as_held() {
        let records = vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "value": 3.5, "rain": null, "kind": "a"}),
            json!({"id": 2, "t": "2026-11-21T10:15:00Z", "value": 4.0, "kind": "b"}),
            json!({"t": "2026-11-21T10:30:00Z", "value": 4.5}),
        ];
        let survey = survey(&source(), &records);
        assert_eq!(survey.absent, vec!["`val` (numeric)".to_owned()]);
        assert_eq!(survey.unusable, 1, "the record without an id");
        assert!(
            super::survey(&source(), &[]).absent.is_empty(),
            "no record, no verdict"
        );
    }

    #[test]
    fn records_sharing_a_key_with_other_content_are_counted() {
        let records = vec![
            json!({"id": "net-us", "t": "2026-11-21T10:00:00Z", "val": 1.0}),
            json!({"id": "net-us", "t": "2026-11-21T10:05:00Z", "val": 2.0}),
            json!({"id": "net-ak", "t": "2026-11-21T10:10:00Z", "val": 3.0}),
            json!({"id": "net-ak", "t": "2026-11-21T10:10:00Z", "val": 3.0}),
        ];
        assert_eq!(
            survey(&source(), &records).key_clashes,
            1,
            "the second `net-us`; the same record twice is no clash"
        );
    }

    #[test]
    fn fields_held_only_as_objects_or_arrays_are_named_apart() {
        let records = vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "val": {"value": 3.5, "unit": "mm"}, "rain": [1, 2], "kind": "a"}),
            json!({"id": 2, "t": "2026-11-21T10:15:00Z", "val": {"value": 4.0}, "rain": 0.5, "kind": {"code": "b"}}),
            json!({"id": 3, "t": "2026-11-21T10:30:00Z", "val": null, "kind": "c"}),
        ];
        let survey = survey(&source(), &records);
        assert_eq!(
            survey.not_values,
            vec!["`val` (numeric)".to_owned()],
            "`rain` and `kind` hold a value in some record; a null (a sensor offline) hides nothing"
        );
        assert!(survey.absent.is_empty());
    }

    #[test]
    fn hours_ahead_without_an_offset_are_a_sign_of_local_times_unless_forecast() {
        let ahead = (Utc::now() + chrono::TimeDelta::hours(2)).format("%Y-%m-%dT%H:%M");
        let records = vec![json!({"id": 1, "t": ahead.to_string(), "val": 3.5})];
        let hints = survey(&source(), &records).hints;
        assert_eq!(
            (hints.ahead_without_offset, hints.ahead_example),
            (1, Some(format!("\"{ahead}\"")))
        );
        let forecast = crate::testing::configured(
            "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nforecast = true\n",
        );
        let hints = survey(&forecast, &records).hints;
        assert_eq!((hints.ahead_without_offset, hints.ahead_example), (0, None));
    }

    #[test]
    fn a_time_years_ahead_is_counted_as_no_record_s_own_forecasts_included() {
        let records = vec![
            json!({"id": 1, "t": 253_402_214_400_000_i64, "val": 1}),
            json!({"id": 2, "t": "2026-11-21T10:00:00Z", "val": 2}),
            json!({"id": 3, "t": "9999-12-31T00:00:00Z", "val": 3}),
        ];
        let forecast = crate::testing::configured(
            "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nforecast = true\n",
        );
        for source in [source(), forecast] {
            let hints = survey(&source, &records).hints;
            assert_eq!(
                (hints.far_ahead, hints.far_ahead_example.as_deref()),
                (2, Some("253402214400000"))
            );
        }
        let soon = (Utc::now() + chrono::TimeDelta::days(16)).to_rfc3339();
        let hints = survey(&source(), &[json!({"id": 1, "t": soon, "val": 1})]).hints;
        assert_eq!(hints.far_ahead, 0, "a forecast's fortnight");
    }

    /// The placeholder the far-ahead warning names, `9999-12-31`, written as most APIs write
    /// it, without an offset: it is counted as a sign of local times as well, and the run also
    /// warns that the API may write its local time, advising `local_times` or `forecast = true`,
    /// neither of which a placeholder wants.
    #[test]
    fn a_placeholder_date_years_ahead_is_no_sign_of_local_times() {
        let records = vec![
            json!({"id": 1, "t": "9999-12-31", "val": 1}),
            json!({"id": 2, "t": "9999-12-31T00:00:00", "val": 2}),
            json!({"id": 3, "t": "2026-11-21T10:00:00Z", "val": 3}),
        ];
        let hints = survey(&source(), &records).hints;
        assert_eq!(hints.far_ahead, 2);
        assert_eq!(
            (hints.ahead_without_offset, hints.ahead_example),
            (0, None),
            "a placeholder is said once, as one"
        );
    }

    #[test]
    fn daily_values_hours_apart_are_found_in_any_order_and_days_are_not() {
        let daily = daily();
        let dated = timed;
        let at = |text: &str| text.parse::<DateTime<Utc>>().expect("time");
        let days = dated(&["2026-12-03", "2026-12-01", "2026-12-02", "2026-12-02"]);
        assert_eq!(survey(&daily, &days).hints.hours_apart, None);
        // Out of order: the hour lands between two days already seen, nearer the later one.
        let mixed = dated(&[
            "2026-12-01",
            "2026-12-03",
            "2026-12-02",
            "2026-12-02T20:00:00Z",
            "2026-12-01T01:00:00Z",
        ]);
        assert_eq!(
            survey(&daily, &mixed).hints.hours_apart,
            Some((at("2026-12-02T20:00:00Z"), at("2026-12-03T00:00:00Z"))),
            "the first pair found is named"
        );
        // Stations in Paris and New York, each day dated at its local midnight: six hours
        // apart as instants, the same day on their clocks.
        let zones = dated(&[
            "2026-12-01T00:00:00+01:00",
            "2026-12-01T00:00:00-05:00",
            "2026-12-02T00:00:00-05:00",
            "2026-12-02T00:00:00+01:00",
        ]);
        assert_eq!(survey(&daily, &zones).hints.hours_apart, None);
        let hours = dated(&["2026-12-01T00:00:00+01:00", "2026-12-01T01:00:00+01:00"]);
        assert_eq!(
            survey(&daily, &hours).hints.hours_apart,
            Some((at("2026-11-30T23:00:00Z"), at("2026-12-01T00:00:00Z")))
        );
    }

    #[test]
    fn daily_values_exactly_hours_apart_are_not_under_it() {
        let daily = daily();
        let first = "2026-12-01T00:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        let records = |later: DateTime<Utc>| {
            vec![
                json!({"id": 0, "t": first.to_rfc3339()}),
                json!({"id": 1, "t": later.to_rfc3339()}),
            ]
        };
        let apart = |later| survey(&daily, &records(later)).hints.hours_apart;
        assert_eq!(
            apart(first + HOURS_APART),
            None,
            "twice a day is not under it"
        );
        let nearer = first + HOURS_APART - chrono::TimeDelta::minutes(1);
        assert_eq!(apart(nearer), Some((first, nearer)));
    }

    /// Records `{"id": i, "t": time}`, one per time.
    fn timed(times: &[&str]) -> Vec<Value> {
        times
            .iter()
            .enumerate()
            .map(|(id, t)| json!({"id": id, "t": t}))
            .collect()
    }

    fn daily() -> Source {
        crate::testing::configured(
            "[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\nresolution = \"day\"\n",
        )
    }

    #[test]
    fn local_midnights_in_every_form_with_an_offset_are_days_and_pairs_come_in_time_order() {
        for (paris, new_york) in [
            ("2026-12-01T00:00+01:00", "2026-12-01T00:00-05:00"),
            ("2026-12-01T00:00:00+01", "2026-12-01T00:00:00-05"),
            ("20261201T000000+0100", "20261201T000000-0500"),
            ("2026-12-01 00:00:00+01:00", "2026-12-01 00:00:00-05:00"),
        ] {
            let hints = survey(&daily(), &timed(&[paris, new_york])).hints;
            assert_eq!(hints.hours_apart, None, "{paris} and {new_york}");
        }
        // 03:00 in New York is after 09:00 in Tokyo: the pair names the earlier instant first.
        let records = timed(&["2026-12-01T03:00:00-05:00", "2026-12-01T09:00:00+09:00"]);
        let (earlier, later) = survey(&daily(), &records).hints.hours_apart.expect("found");
        assert!(earlier < later, "{earlier} then {later}");
    }

    #[test]
    fn midnights_on_several_days_are_a_date_column_and_one_hour_of_stations_is_not() {
        let hourly = source();
        let hints = |times: &[&str]| survey(&hourly, &timed(times)).hints;
        assert!(
            hints(&[
                "2026-12-01T00:00:00.000",
                "2026-12-02T00:00:00.000",
                "2026-12-03T00:00:00.000"
            ])
            .midnights_only()
        );
        assert!(
            hints(&["2026-12-01", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"]).midnights_only(),
            "days alone mixed with midnights"
        );
        assert!(
            !hints(&["2026-12-01T00:00", "2026-12-01T00:00", "2026-12-01T00:00"]).midnights_only(),
            "three stations' readings of the hour after midnight"
        );
        assert!(
            !hints(&["2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"]).midnights_only(),
            "two records may be at midnight by chance"
        );
        assert!(
            !hints(&[
                "2026-12-01T00:00:00Z",
                "2026-12-02T00:00:00Z",
                "2026-12-02T13:10:00Z"
            ])
            .midnights_only()
        );
        let alone = hints(&["2026-12-01", "2026-12-02"]);
        assert!(alone.dates_alone_only() && !alone.midnights_only());
    }
}
