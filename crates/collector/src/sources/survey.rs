//! What one pass over a collection's records tells about the fields the summariser reads
//! (records it will skip, keys that clash, read fields no record holds), and the newest record
//! time of a collection (the incremental cursor).

use chrono::{DateTime, Utc};
use releve::Source;
use releve::record::timestamp_in;
use serde_json::Value;

#[cfg(doc)]
use super::drop_paths::DropCheck;
use super::key_clash::FirstClash;
pub(crate) use super::surveyor::Surveyor;
use super::unordered_version::UnorderedVersion;

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
    /// The first record found sharing its key with an earlier, different one, until
    /// [`Survey::name_key_clash`] names the fields they differ in.
    pub(crate) first_clash: Option<FirstClash>,
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
    /// an offset, holding a value in a `numeric` field (if the source has any): local times
    /// read as UTC, most likely (unless the source is a `forecast`).
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
    /// The fields the first two records found sharing a `key` differ in, as
    /// `` `nom_poll` ``: the field telling them apart, most likely, is among them.
    pub key_clash: Option<super::key_clash::ClashFields>,
    /// What the records hold at `version` that orders no version (a flag served as
    /// `true`/`false`, an object): their copies are kept by landing.
    pub unordered_version: Option<UnorderedVersion>,
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
    let mut survey = surveyor.finish();
    survey.name_key_clash(source, records);
    survey
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
mod tests;
