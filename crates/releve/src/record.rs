//! The record model: how a configured dotted path finds a value in a JSON record, and how
//! identities, times and numbers are read from whatever shape the API gave them.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::Value;

/// A dotted path into a JSON record, as written in `sources.toml` (`properties.mag`,
/// `geometry.coordinates.0`). A numeric segment indexes an array; the empty path is the
/// value itself.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct FieldPath {
    text: String,
    segments: Vec<String>,
}

impl FieldPath {
    /// The path that designates the value itself.
    pub fn root() -> Self {
        FieldPath {
            text: String::new(),
            segments: Vec::new(),
        }
    }

    /// The path to the top-level field `name`.
    pub fn field(name: &str) -> Self {
        FieldPath {
            text: name.to_owned(),
            segments: vec![name.to_owned()],
        }
    }

    /// The path as the user wrote it; this is also the name used in MongoDB documents.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for the empty path.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The value at this path, if every segment exists.
    pub fn get<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        descend(&self.segments, value)
    }

    /// The path's segments, for streaming readers that descend into a document.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The value at this path, mutably, if every segment exists.
    pub fn get_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        descend_mut(&self.segments, value)
    }

    /// Removes the object field at this path from `value` wherever it is, as `drop` does; true
    /// when one was there. An array on the way is indexed by a numeric segment, as by
    /// [`FieldPath::get`]; otherwise the rest of the path is followed in each of its items
    /// (`formations.commentaire` leaves no item of `formations` holding a `commentaire`). The
    /// root and array items are never removed.
    pub fn remove(&self, value: &mut Value) -> bool {
        remove_within(&self.segments, value)
    }

    /// True when this path names an item of an array in `value` (`geometry.coordinates.2`),
    /// which [`FieldPath::remove`] never removes.
    pub fn names_item(&self, value: &Value) -> bool {
        let Some((last, parents)) = self.segments.split_last() else {
            return false;
        };
        array_index(last).is_some() && descend(parents, value).is_some_and(Value::is_array)
    }

    /// True when removing this path (see [`FieldPath::remove`]) would remove what `other`
    /// reads: it is `other` or leads to a field holding it, or reaches it through every item
    /// of an array `other` indexes (`formations.niveau` reaches `formations.0.niveau`).
    pub fn reaches(&self, other: &FieldPath) -> bool {
        let mut read = other.segments.iter();
        self.segments.iter().all(|dropped| {
            loop {
                match read.next() {
                    Some(segment) if segment == dropped => break true,
                    Some(segment)
                        if array_index(segment).is_some() && array_index(dropped).is_none() => {}
                    _ => break false,
                }
            }
        })
    }
}

fn remove_within(segments: &[String], value: &mut Value) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return false;
    };
    match value {
        Value::Object(map) if rest.is_empty() => map.remove(first).is_some(),
        Value::Object(map) => map
            .get_mut(first)
            .is_some_and(|inner| remove_within(rest, inner)),
        Value::Array(items) => match array_index(first) {
            Some(_) if rest.is_empty() => false,
            Some(i) => items
                .get_mut(i)
                .is_some_and(|inner| remove_within(rest, inner)),
            None => items.iter_mut().fold(false, |removed, item| {
                remove_within(segments, item) | removed
            }),
        },
        _ => false,
    }
}

/// The array index a path segment names: a whole number written plainly (`0`, `12`), so each
/// index has one spelling; `01` or `+1` index nothing (they can name object fields).
pub fn array_index(segment: &str) -> Option<usize> {
    let plain = segment.bytes().all(|b| b.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if plain { segment.parse().ok() } else { None }
}

fn descend<'v>(segments: &[String], value: &'v Value) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => array_index(segment).and_then(|i| items.get(i)),
            _ => None,
        })
}

fn descend_mut<'v>(segments: &[String], value: &'v mut Value) -> Option<&'v mut Value> {
    segments
        .iter()
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get_mut(segment),
            Value::Array(items) => array_index(segment).and_then(|i| items.get_mut(i)),
            _ => None,
        })
}

impl TryFrom<String> for FieldPath {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        if text.is_empty() {
            return Ok(FieldPath::root());
        }
        if let Some(dotted) = from_json_path(&text) {
            return Err(format!(
                "`{text}` is JSONPath, not a dotted path: write {dotted} (a numeric segment indexes an array; an array's records need no `[*]`)"
            ));
        }
        let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
        if segments.iter().any(String::is_empty) {
            return Err(format!(
                "`{text}` is not a field path: segments are separated by single dots"
            ));
        }
        Ok(FieldPath { text, segments })
    }
}

/// The dotted path a JSONPath (`$.features`, `features[*]`, `geometry.coordinates[0]`,
/// `['a b']`) means, when `text` is written as one: it starts with `$`, or holds a bracketed
/// index, `*` or quoted name. `None` for a dotted path (a field named `[x]` stays one).
fn from_json_path(text: &str) -> Option<String> {
    // `$oid`, `$date`: a member of MongoDB's extended JSON, not a JSONPath root.
    let rooted = text == "$" || text.starts_with("$.") || text.starts_with("$[");
    let bracketed = text.match_indices('[').any(|(at, _)| {
        let inside = text[at + 1..].split(']').next().unwrap_or_default();
        text[at + 1..].contains(']')
            && (inside == "*"
                || (!inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()))
                || (inside.len() >= 2
                    && (inside.starts_with('\'') && inside.ends_with('\'')
                        || inside.starts_with('"') && inside.ends_with('"'))))
    });
    if !rooted && !bracketed {
        return None;
    }
    let mut dotted = text.trim_start_matches('$').to_owned();
    for wildcard in ["[*]", ".*"] {
        dotted = dotted.replace(wildcard, "");
    }
    let dotted = dotted
        .replace("['", ".")
        .replace("[\"", ".")
        .replace("']", "")
        .replace("\"]", "")
        .replace('[', ".")
        .replace(']', "");
    // Only a spelling that means the same: no recursive descent, wildcard within the path,
    // filter, or quoted name holding a dot.
    let trimmed = dotted.trim_matches('.');
    let quoted_dot = ["['", "[\""].iter().any(|open| {
        text.split(open).skip(1).any(|rest| {
            rest.split([']', '\'', '"'])
                .next()
                .is_some_and(|name| name.contains('.'))
        })
    });
    let exact = !text.contains("..")
        && !quoted_dot
        && !text.trim_end_matches("[*]").contains('*')
        && !trimmed.contains(['*', '?', '(', '@'])
        && !trimmed.contains("..");
    let spelling = match trimmed {
        "" => "`\"\"`".to_owned(),
        dotted if exact => format!("`{dotted}`"),
        _ => "the fields' names joined by dots".to_owned(),
    };
    Some(spelling)
}

impl std::str::FromStr for FieldPath {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FieldPath::try_from(text.to_owned())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldPath({:?})", self.text)
    }
}

/// A record's identity: the key value as text (`"hv74753377"`, or `"42"` for a number).
pub fn identity(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A longitude and latitude in degrees, when they name a place on the globe (a longitude of
/// 200 or a latitude of 95 is a wrong field or a placeholder, not a place).
pub fn on_globe(lon: f64, lat: f64) -> Option<(f64, f64)> {
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

/// Epoch values of this size or more are read as milliseconds (it is 5138 AD in seconds,
/// 1973 in milliseconds).
const EPOCH_MILLIS_THRESHOLD: f64 = 1e11;

/// Epoch values nearer zero than this are no time: as seconds they fall within three years
/// of 1970 (from October 1966 to March 1973), where no collected record lives, and they are
/// what another field's number reads as (a magnitude, a temperature, a count, a year).
const EPOCH_SECONDS_FLOOR: f64 = 1e8;

/// A record time read from epoch seconds or milliseconds, or ISO 8601 text with or without an
/// offset (no offset means UTC, as Open-Meteo and Opendatasoft serve it), with or without
/// seconds, or a bare date. A date written as eight digits, `20261130` or `"20261130"`, is
/// that day (ISO 8601's basic format), not seconds into August 1970. A number within
/// 100,000,000 of zero (seconds within three years of 1970) is no time, nor is a time outside
/// the years 1 to 9999 (ISO 8601's four digits): they are how a wrong field (a magnitude
/// instead of the time) or an epoch in microseconds shows, and MongoDB-compatible servers
/// need not store the latter.
pub fn timestamp(value: &Value) -> Option<DateTime<Utc>> {
    let time = match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| basic_date(&n.to_string()))
            .or_else(|| from_epoch(n.as_f64()?)),
        Value::String(s) => parse_time_text(s.trim()),
        _ => None,
    }?;
    (1..=9999).contains(&time.year()).then_some(time)
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
    "%Y-%m-%d %H:%M:%S",
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

fn parse_time_text(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S%:z",
        // An offset of whole hours written without its minutes: `2026-12-02T10:00:00+01`.
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        // ISO 8601's basic format: 20261129T080000Z, 20261129T080000+0100.
        "%Y%m%dT%H%M%S%#z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    // A `Z` after a time RFC 3339 does not take (no seconds: `2026-11-21T10:00Z`) is UTC too.
    let naive = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    for format in NAIVE_TIMES {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(t.and_utc());
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

/// A numeric field's value: a JSON number, or text holding one (éCO2mix sends `"1586"`).
/// Placeholders such as `"ND"`, `"-"` and nulls are no number.
pub fn number(value: &Value) -> Option<f64> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// A category field's value as the label it is counted under.
pub fn category(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(cut_category(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The most characters a category value keeps in a summary: a longer one (a description in a
/// field counted as a category) keeps its first [`CATEGORY_CHARS`]` - 1` and `…`, so that an
/// hour's twenty values stay far below MongoDB's 16 MB per document.
pub const CATEGORY_CHARS: usize = 200;

/// `text` as a summary counts it: cut past [`CATEGORY_CHARS`] (see [`category`]).
pub fn cut_category(text: &str) -> String {
    cut_to(text, CATEGORY_CHARS)
}

/// The most characters a value quoted as an example in a log line or a `.reason` keeps.
pub const EXAMPLE_CHARS: usize = 61;

/// A value's text quoted as an example: cut past [`EXAMPLE_CHARS`], as a category is.
pub fn cut_example(text: &str) -> String {
    cut_to(text, EXAMPLE_CHARS)
}

/// `text` in at most `chars` characters: a longer one keeps its first `chars - 1` and `…`.
fn cut_to(text: &str, chars: usize) -> String {
    // Where each character starts: the one at `chars - 1` is where a longer text is cut, when
    // another follows it.
    let mut starts = text.char_indices().map(|(at, _)| at);
    match starts.nth(chars.saturating_sub(1)) {
        Some(cut) if starts.next().is_some() => format!("{}…", &text[..cut]),
        _ => text.to_owned(),
    }
}

/// How far past the clock a record may be dated, its time written without an offset, before
/// it is said to be most likely a local time read as UTC (a forecast written with its offset
/// is no such sign; see [`without_offset`]).
pub const LOCAL_TIME_MARGIN: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(text: &str) -> FieldPath {
        text.parse().expect("valid path")
    }

    #[test]
    fn a_long_category_value_is_cut_to_a_summary_s_size() {
        let fits = "é".repeat(CATEGORY_CHARS);
        assert_eq!(category(&json!(fits)), Some(fits.clone()));
        let long = format!("{fits}x");
        let cut = category(&json!(long)).expect("text");
        assert_eq!(cut.chars().count(), CATEGORY_CHARS);
        assert_eq!(cut, format!("{}…", "é".repeat(CATEGORY_CHARS - 1)));
        assert_eq!(category(&json!(12)), Some("12".to_owned()));
    }

    #[test]
    fn paths_descend_objects_and_index_arrays() {
        let quake = json!({"id": "hv1", "geometry": {"coordinates": [-155.2, 19.3, 3.9]}});
        assert_eq!(
            path("geometry.coordinates.1").get(&quake),
            Some(&json!(19.3))
        );
        assert_eq!(path("id").get(&quake), Some(&json!("hv1")));
        assert_eq!(path("").get(&quake), Some(&quake));
        assert_eq!(path("geometry.coordinates.7").get(&quake), None);
        assert_eq!(path("id.x").get(&quake), None);
        assert!("a..b".parse::<FieldPath>().is_err());
    }

    #[test]
    fn removing_a_path_drops_that_field_only() {
        let mut offer = json!({"id": "207QYWM", "contact": {"nom": "M. X"}, "lieuTravail": {"libelle": "31", "codePostal": "31000"}, "tags": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]});
        assert!(path("contact").remove(&mut offer));
        assert!(path("lieuTravail.codePostal").remove(&mut offer));
        assert!(path("tags.0.b").remove(&mut offer));
        assert!(!path("absent.field").remove(&mut offer));
        assert!(!path("").remove(&mut offer));
        assert!(
            !path("tags.1").remove(&mut offer),
            "an item is never removed"
        );
        assert_eq!(
            offer,
            json!({"id": "207QYWM", "lieuTravail": {"libelle": "31"}, "tags": [{"a": 1}, {"a": 3, "b": 4}]})
        );
        assert!(path("lieuTravail").reaches(&path("lieuTravail.latitude")));
        assert!(path("id").reaches(&path("id")));
        assert!(!path("lieu").reaches(&path("lieuTravail")));
        assert!(!path("lieuTravail.latitude").reaches(&path("lieuTravail")));
    }

    #[test]
    fn removing_a_path_through_an_array_drops_it_from_every_item() {
        let mut offer = json!({"id": "o1", "formations": [
            {"niveau": "bac", "commentaire": "Mme Dupont 06 12 34 56 78"},
            {"niveau": "bts"},
            {"niveau": "cap", "commentaire": "M. Martin", "lieux": [{"tel": "1"}, {"tel": "2", "ville": "Albi"}]},
            "texte"
        ]});
        assert!(path("formations.commentaire").remove(&mut offer));
        assert!(path("formations.lieux.tel").remove(&mut offer));
        assert!(
            !path("formations.commentaire").remove(&mut offer),
            "none left"
        );
        assert_eq!(
            offer,
            json!({"id": "o1", "formations": [
                {"niveau": "bac"},
                {"niveau": "bts"},
                {"niveau": "cap", "lieux": [{}, {"ville": "Albi"}]},
                "texte"
            ]})
        );
        assert!(path("formations.niveau").reaches(&path("formations.0.niveau")));
        assert!(path("formations").reaches(&path("formations.0.niveau")));
        assert!(path("a.b").reaches(&path("a.b.c")));
        assert!(!path("formations.0.niveau").reaches(&path("formations.1.niveau")));
        let quake = json!({"geometry": {"coordinates": [1.0, 2.0]}, "values": {"2024": 3}});
        assert!(path("geometry.coordinates.1").names_item(&quake));
        assert!(!path("values.2024").names_item(&quake), "an object's field");
        assert!(!path("geometry.coordinates").names_item(&quake));
        assert!(!path("formations.niveau").reaches(&path("formations.0.libelle")));
        assert!(!path("a.b.c").reaches(&path("a.b")));
    }

    #[test]
    fn an_array_index_has_one_spelling() {
        let record = json!({"c": [1, 2], "m": {"01": "january"}});
        assert_eq!(path("c.1").get(&record), Some(&json!(2)));
        assert_eq!(path("c.0").get(&record), Some(&json!(1)));
        for other in ["c.01", "c.+1", "c.1.0", "c.-1", "c. 1"] {
            assert_eq!(path(other).get(&record), None, "{other}");
        }
        assert_eq!(path("m.01").get(&record), Some(&json!("january")));
    }

    #[test]
    fn times_come_in_every_shape_the_apis_use() {
        let expected = Utc.with_ymd_and_hms(2025, 8, 15, 23, 12, 21).single();
        assert_eq!(
            timestamp(&json!(1_755_299_541_200_i64)).map(|t| t.timestamp()),
            expected.map(|t| t.timestamp())
        );
        assert_eq!(timestamp(&json!(1_755_299_541)), expected);
        assert_eq!(timestamp(&json!("2025-08-15T23:12:21Z")), expected);
        assert_eq!(timestamp(&json!("2025-08-16T01:12:21+02:00")), expected);
        assert_eq!(
            timestamp(&json!("20250815T231221Z")),
            expected,
            "basic format"
        );
        assert_eq!(timestamp(&json!("20250816T011221+0200")), expected);
        assert_eq!(timestamp(&json!("20250815T231221")), expected);
        assert_eq!(
            timestamp(&json!("2025-08-16 01:12:21+02")),
            expected,
            "PostgreSQL's text"
        );
        assert_eq!(
            timestamp(&json!("2025-08-16T01:12:21+02")),
            expected,
            "an offset of whole hours"
        );
        assert_eq!(
            timestamp(&json!("2025-08-16T01:12+02")),
            expected.map(|t| t - chrono::TimeDelta::seconds(21))
        );
        for naive in ["2025-08-15T23:12:21", "2025-08-15 23:12", "20250815T231221"] {
            assert!(without_offset(&json!(naive)), "{naive}");
        }
        for zoned in [
            "2025-08-15T23:12:21Z",
            "2025-08-16T01:12:21+02:00",
            "2025-08-15",
            "20250815",
        ] {
            assert!(!without_offset(&json!(zoned)), "{zoned}");
        }
        assert!(!without_offset(&json!(1_755_299_541)));
        assert_eq!(
            timestamp(&json!("2026-10-06T14:00")),
            Utc.with_ymd_and_hms(2026, 10, 6, 14, 0, 0).single()
        );
        assert_eq!(
            timestamp(&json!("2026-10-06T14:00Z")),
            Utc.with_ymd_and_hms(2026, 10, 6, 14, 0, 0).single(),
            "no seconds, in UTC"
        );
        assert_eq!(
            timestamp(&json!("2026-10-06")),
            Utc.with_ymd_and_hms(2026, 10, 6, 0, 0, 0).single()
        );
        let day = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).single();
        assert_eq!(timestamp(&json!(20_261_130)), day, "a date as a number");
        assert_eq!(timestamp(&json!("20261130")), day, "a basic-format date");
        assert_eq!(
            timestamp(&json!(20_261_131)),
            None,
            "no 31 November, and as seconds August 1970"
        );
        assert_eq!(timestamp(&json!(30_000_101)), None, "year 3000");
        for other_field in [
            json!(2.5),
            json!(-3.5),
            json!(0),
            json!("2026"),
            json!(99_999_999),
        ] {
            assert_eq!(
                timestamp(&other_field),
                None,
                "{other_field}: a magnitude, a temperature, a count or a year is no time"
            );
        }
        assert_eq!(
            timestamp(&json!(100_000_000)),
            Utc.timestamp_opt(100_000_000, 0).single(),
            "March 1973"
        );
        assert_eq!(
            timestamp(&json!(-200_000_000)),
            Utc.timestamp_opt(-200_000_000, 0).single(),
            "1963"
        );
        for (number, read) in [
            (
                99_999_999_999_i64,
                Utc.timestamp_opt(99_999_999_999, 0).single(),
            ),
            (
                100_000_000_000,
                Utc.timestamp_millis_opt(100_000_000_000).single(),
            ),
            (
                -100_000_000_000,
                Utc.timestamp_millis_opt(-100_000_000_000).single(),
            ),
        ] {
            assert_eq!(
                timestamp(&json!(number)),
                read,
                "{number}: 10^11 and past are milliseconds"
            );
        }
        assert_eq!(timestamp(&json!("soon")), None);
        assert_eq!(timestamp(&Value::Null), None);
        assert_eq!(
            timestamp(&json!(1_755_299_541_200_000_i64)),
            None,
            "microseconds read as milliseconds land in the year 57,593: no time"
        );
        assert_eq!(timestamp(&json!("+12026-01-01T00:00:00Z")), None);
    }

    #[test]
    fn numbers_accept_numeric_text_and_refuse_placeholders() {
        assert_eq!(number(&json!(1.5)), Some(1.5));
        assert_eq!(number(&json!("1586")), Some(1586.0));
        assert_eq!(number(&json!("ND")), None);
        assert_eq!(number(&json!("-")), None);
        assert_eq!(number(&Value::Null), None);
    }

    #[test]
    fn identities_are_text() {
        assert_eq!(identity(&json!("207QYWM")), Some("207QYWM".to_owned()));
        assert_eq!(identity(&json!(42)), Some("42".to_owned()));
        assert_eq!(identity(&json!("")), None);
        assert_eq!(identity(&json!(null)), None);
    }

    #[test]
    fn a_json_path_is_refused_with_its_dotted_spelling() {
        for (json_path, dotted) in [
            ("$.features", "features"),
            ("$.data.stations[*]", "data.stations"),
            ("features[*]", "features"),
            ("geometry.coordinates[0]", "geometry.coordinates.0"),
            ("$['properties']['mag']", "properties.mag"),
            ("$", "\"\""),
        ] {
            let err = FieldPath::try_from(json_path.to_owned()).expect_err(json_path);
            assert!(
                err.starts_with(&format!(
                    "`{json_path}` is JSONPath, not a dotted path: write `{dotted}`"
                )),
                "{err}"
            );
        }
        for inexact in ["$..mag", "$.a.*.b", "$['a.b']", "$.features[?(@.x>1)]"] {
            let err = FieldPath::try_from(inexact.to_owned()).expect_err(inexact);
            assert!(
                err.contains("write the fields' names joined by dots"),
                "no spelling that means something else: {err}"
            );
        }
        for plain in [
            "temperature [C]",
            "a[b]",
            "properties.mag",
            "débit/h",
            "_id.$oid",
            "$oid",
        ] {
            assert!(FieldPath::try_from(plain.to_owned()).is_ok(), "{plain}");
        }
    }
}
