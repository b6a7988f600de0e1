//! Record times: a time read from epoch seconds or milliseconds, from ISO 8601 text with or
//! without an offset, or from a day alone, and on a source's local clock when it names one.

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use serde_json::Value;

/// Epoch values of this size or more are read as milliseconds: as seconds they are past
/// November 2286 (or before 1653), where no collected record lives, as milliseconds from
/// 26 April 1970 (or before 7 September 1969), where a catalogue's history does (USGS's
/// earthquakes of the 1960s and 1970s are served in milliseconds).
const EPOCH_MILLIS_THRESHOLD: f64 = 1e10;

/// Epoch values nearer zero than this are no time: as seconds they fall within three years
/// of 1970 (from October 1966 to March 1973), where no collected record lives, and they are
/// what another field's number reads as (a magnitude, a temperature, a count, a year).
const EPOCH_SECONDS_FLOOR: f64 = 1e8;

/// A record time read from epoch seconds or milliseconds, or ISO 8601 text with or without an
/// offset (no offset means UTC, as Open-Meteo and Opendatasoft serve it; see [`timestamp_in`]
/// for a source whose API writes its local time without one), with or without
/// seconds, or a bare date. A date written as eight digits, `20261130` or `"20261130"`, is
/// that day (ISO 8601's basic format), not seconds into August 1970. A number within
/// 100,000,000 of zero (seconds within three years of 1970) is no time, nor is a time outside
/// the years 1 to 9999 (ISO 8601's four digits): they are how a wrong field (a magnitude
/// instead of the time) or an epoch in microseconds shows, and MongoDB-compatible servers
/// need not store the latter. A leap second (`23:59:60`) reads as the second before it, so the
/// time stored lies in the hour it is counted in, not at the start of the next.
pub fn timestamp(value: &Value) -> Option<DateTime<Utc>> {
    timestamp_in(value, None)
}

/// A record time as [`timestamp`] reads it, a time of day written without an offset read on
/// `local_times`'s clock when given (a source's `local_times = "Europe/Paris"`: `2026-12-03T01:00`
/// is 00:00 UTC). A day alone stays that day, 00:00 UTC, as [`timestamp`] reads it, and a `Z`
/// is UTC. A local time the clock skips (02:30 when summer time begins) reads with the offset
/// before the change, and one it goes through twice (02:30 when it ends) as the first.
pub fn timestamp_in(value: &Value, local_times: Option<Tz>) -> Option<DateTime<Utc>> {
    let time = match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| basic_date(&n.to_string()))
            .or_else(|| from_epoch(n.as_f64()?)),
        Value::String(s) => parse_time_text(s.trim(), local_times),
        _ => None,
    }?;
    let time = without_leap_second(time);
    (1..=9999).contains(&time.year()).then_some(time)
}

/// `time` with a leap second (chrono keeps `23:59:60.5` as `23:59:59` and 1.5 s of
/// nanoseconds, which dates count as the next second) folded into the second before it.
fn without_leap_second(time: DateTime<Utc>) -> DateTime<Utc> {
    match time.nanosecond().checked_sub(1_000_000_000) {
        Some(nanos) => time.with_nanosecond(nanos).unwrap_or(time),
        None => time,
    }
}

/// The start of the day written `YYYYMMDD`, for years 1900 to 2100: as epoch seconds those
/// eight digits would all fall in August 1970, where no collected record lives.
fn basic_date(digits: &str) -> Option<DateTime<Utc>> {
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    (1900..=2100)
        .contains(&date.year())
        .then(|| date.and_time(chrono::NaiveTime::MIN).and_utc())
}

fn from_epoch(number: f64) -> Option<DateTime<Utc>> {
    if !number.is_finite() || number.abs() < EPOCH_SECONDS_FLOOR {
        return None;
    }
    let millis = if number.abs() >= EPOCH_MILLIS_THRESHOLD {
        number
    } else {
        number * 1000.0
    };
    #[allow(clippy::cast_possible_truncation)]
    Utc.timestamp_millis_opt(millis.round() as i64).single()
}

/// The forms of a time of day read without an offset (as UTC).
const NAIVE_TIMES: [&str; 5] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    // Python's `str(datetime)`: a fraction only when its microseconds are not zero.
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y%m%dT%H%M%S",
];

/// True when `value` is a time of day written without a UTC offset or `Z`
/// (`2026-12-03T00:00:00`): it is read as UTC, hours off if the API meant its local time.
pub fn without_offset(value: &Value) -> bool {
    let Value::String(text) = value else {
        return false;
    };
    let text = text.trim();
    NAIVE_TIMES
        .iter()
        .any(|format| NaiveDateTime::parse_from_str(text, format).is_ok())
}

/// The date and time `value` says on its own clock, when it is a time written with its
/// offset (`"2026-11-30T00:00:00+01:00"` is 30 November, 00:00), in any form [`timestamp`]
/// reads with one (a `Z` is UTC's clock); `None` for other values: a time without an offset,
/// an epoch, a day alone.
pub fn local_clock(value: &Value) -> Option<NaiveDateTime> {
    let Value::String(text) = value else {
        return None;
    };
    with_offset(text.trim()).map(|time| time.naive_local())
}

/// A time written with its offset.
fn with_offset(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t);
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        // An offset of whole hours written without its minutes: `2026-12-02T10:00:00+01`.
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M%#z",
        // ISO 8601's basic format: 20261129T080000Z, 20261129T080000+0100.
        "%Y%m%dT%H%M%S%#z",
    ]
    .into_iter()
    .find_map(|format| DateTime::parse_from_str(text, format).ok())
}

fn parse_time_text(text: &str, local_times: Option<Tz>) -> Option<DateTime<Utc>> {
    if let Some(t) = with_offset(text) {
        return Some(t.with_timezone(&Utc));
    }
    // A `Z` after a time RFC 3339 does not take (no seconds: `2026-11-21T10:00Z`) is UTC too.
    let (naive, zone) = match text.strip_suffix(['Z', 'z']) {
        Some(naive) => (naive, None),
        None => (text, local_times),
    };
    for format in NAIVE_TIMES {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, format) {
            return match zone {
                Some(zone) => on_clock(t, zone),
                None => Some(t.and_utc()),
            };
        }
    }
    if let Some(day) = basic_date(text) {
        return Some(day);
    }
    if let Ok(number) = text.parse::<f64>() {
        return from_epoch(number);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// The instant `zone`'s clock shows as `clock`: when the clock skips it (summer time begins),
/// with the offset before the change; when it shows it twice (summer time ends), the first.
/// None at the calendar's edges, where no offset can be taken off.
fn on_clock(clock: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&clock) {
        LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => {
            Some(time.with_timezone(&Utc))
        }
        LocalResult::None => {
            let day_before = clock.checked_sub_signed(chrono::TimeDelta::days(1))?;
            let before = zone.offset_from_utc_datetime(&day_before).fix();
            clock.checked_sub_offset(before).map(|utc| utc.and_utc())
        }
    }
}

/// True when `value` is a day written without a time of day: `"2026-11-30"`, or eight digits,
/// `20261130` or `"20261130"` (see [`timestamp`]), as a source of daily values dates its
/// records.
pub fn date_alone(value: &Value) -> bool {
    match value {
        Value::Number(n) => n
            .as_u64()
            .is_some_and(|n| basic_date(&n.to_string()).is_some()),
        Value::String(text) => {
            let text = text.trim();
            basic_date(text).is_some() || NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
        }
        _ => false,
    }
}
