//! How recent a version of a record is, by the field a source's `version` names (USGS's
//! `properties.updated`): the summariser keeps the most recent version of each record, so a
//! stale copy served later (a cache, a mirror lagging behind) does not replace a newer one.
//!
//! Any two recencies compare, so the version kept is the same however the files are split
//! into batches: a version without the field (or with `null`, or empty text) is the least
//! recent, then other texts (byte by byte: a placeholder such as `"N/A"` among times), then
//! numbers (by value, text holding one included, integers exactly), then times (a text that
//! reads as one, as the `time` field is read, and a number that is epoch seconds or
//! milliseconds of 1990 to 2200, by instant: an API may switch its version between the two).
//! Versions of equal recency are ordered by landing, as without `version`.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::{Number, Value};

use crate::Source;
use crate::record::timestamp_in;

/// The recency of one version of a record. Equal when as recent ([`Ord`]).
#[derive(Debug, Clone)]
pub enum Recency {
    /// The source has no `version`, or the record holds no number or text there.
    Unknown,
    /// Text that is neither a number nor a time.
    Text(String),
    /// A number, or a text holding one (`"17"`), that is no time (see `epoch_time`).
    Number(Count),
    /// A text that reads as a time, or a number as epoch seconds or milliseconds of a time.
    Time(DateTime<Utc>),
}

/// A number as a version holds it: its nearest double, and its exact value when it is an
/// integer (epoch nanoseconds lie past a double's exact integers).
#[derive(Debug, Clone, Copy)]
pub struct Count {
    approximate: f64,
    exact: Option<i128>,
}

impl Count {
    fn of(number: &Number) -> Option<Count> {
        let exact = number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from));
        match exact {
            Some(exact) => Some(Count::integer(exact)),
            None => number.as_f64().map(Count::double),
        }
    }

    fn integer(exact: i128) -> Count {
        // The nearest double (an `as` cast rounds to nearest).
        #[allow(clippy::cast_precision_loss)]
        let approximate = exact as f64;
        Count {
            approximate,
            exact: Some(exact),
        }
    }

    /// A double, exact when it is a whole number (`5.0` is `5`).
    fn double(approximate: f64) -> Count {
        let whole = approximate.fract() == 0.0 && approximate.abs() < 1e38;
        // Whole and within i128: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let exact = whole.then_some(approximate as i128);
        Count { approximate, exact }
    }

    fn read(text: &str) -> Option<Count> {
        let text = text.trim();
        if let Ok(exact) = text.parse::<i128>() {
            return Some(Count::integer(exact));
        }
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Count::double)
    }
}

impl Recency {
    /// The recency of `record`, a version of a record of `source`.
    pub fn of(source: &Source, record: &Value) -> Recency {
        let Some(path) = &source.version else {
            return Recency::Unknown;
        };
        let counted =
            |count: Count| epoch_time(count).map_or(Recency::Number(count), Recency::Time);
        match path.get(record) {
            Some(Value::Number(number)) => Count::of(number).map_or(Recency::Unknown, counted),
            Some(Value::String(text)) if text.trim().is_empty() => Recency::Unknown,
            Some(value @ Value::String(text)) => {
                if let Some(count) = Count::read(text) {
                    counted(count)
                } else if let Some(time) = timestamp_in(value, source.local_times) {
                    Recency::Time(time)
                } else {
                    Recency::Text(text.clone())
                }
            }
            _ => Recency::Unknown,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Recency::Unknown => 0,
            Recency::Text(_) => 1,
            Recency::Number(_) => 2,
            Recency::Time(_) => 3,
        }
    }
}

/// Epoch seconds a version number is read as a time within: from 1990 to 2200 (and as many
/// milliseconds). Below, a revision counter (`17`, a day as eight digits `20261130`, whose
/// next revision need be no day); a version counter never grows so large.
const EPOCH_SECONDS: std::ops::Range<f64> = 631_152_000.0..7_258_118_400.0;

/// The time `count` reads as when it is epoch seconds or milliseconds within
/// [`EPOCH_SECONDS`]: a version written as a time (USGS's `updated`), which an API may switch
/// to or from text, compared with it as one. Each range of numbers is all times or none, so
/// numbers keep one order.
fn epoch_time(count: Count) -> Option<DateTime<Utc>> {
    let value = count.approximate;
    let millis = if EPOCH_SECONDS.contains(&value) {
        value * 1000.0
    } else if EPOCH_SECONDS.contains(&(value / 1000.0)) {
        value
    } else {
        return None;
    };
    // Within the ranges above: the cast is exact to the millisecond.
    #[allow(clippy::cast_possible_truncation)]
    DateTime::from_timestamp_millis(millis.round() as i64)
}

impl PartialEq for Recency {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Recency {}

impl PartialOrd for Recency {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Recency {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            // By the nearest double, then exactly (integers rounding to the same double):
            // rounding keeps the order of integers, so this orders them by value, and every
            // number has its one place.
            (Recency::Number(a), Recency::Number(b)) => a
                .approximate
                .total_cmp(&b.approximate)
                .then_with(|| a.exact.cmp(&b.exact)),
            (Recency::Time(a), Recency::Time(b)) => a.cmp(b),
            (Recency::Text(a), Recency::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn source(version: Option<&str>) -> Source {
        let mut text = String::from(
            "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"https://example.org/feed\"\n\
             every = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
        );
        if let Some(path) = version {
            text.push_str(&format!("version = \"{path}\"\n"));
        }
        let config = crate::Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("valid configuration");
        config.sources.into_iter().next().expect("one source")
    }

    fn recency(record: Value) -> Recency {
        Recency::of(&source(Some("properties.updated")), &record)
    }

    /// A version that is a revision counter of eight digits (a change sequence past twenty
    /// million) reads as a day where its digits happen to make one (`20261130`, 30 November
    /// 2026) and as a number where they do not (`20261131`): the next revision, a number,
    /// ranks below the time the one before read as, and the summariser keeps the older one,
    /// silently, at every step from a valid day to an invalid one (the 31st of November, the
    /// 32nd of any month, a 13th month).
    #[test]
    fn a_revision_counter_of_eight_digits_keeps_its_newer_revision() {
        for (older, newer) in [
            (20_261_130_u64, 20_261_131_u64),
            (20_261_231, 20_261_232),
            (20_261_299, 20_261_300),
        ] {
            assert!(
                recency(json!({"properties": {"updated": older}}))
                    < recency(json!({"properties": {"updated": newer}})),
                "revision {newer} is taken for older than revision {older}"
            );
        }
    }

    #[test]
    fn a_larger_number_is_more_recent() {
        let older = recency(json!({"properties": {"updated": 1_764_000_000_000_u64}}));
        let newer = recency(json!({"properties": {"updated": 1_764_000_060_000_u64}}));
        assert!(older < newer);
        assert_eq!(
            older,
            recency(json!({"properties": {"updated": 1_764_000_000_000.0}}))
        );
    }

    #[test]
    fn texts_holding_times_compare_as_instants() {
        let paris = recency(json!({"properties": {"updated": "2026-12-05T10:30:00+01:00"}}));
        let utc = recency(json!({"properties": {"updated": "2026-12-05T09:45:00Z"}}));
        assert!(paris < utc, "10:30 in Paris is 09:30 UTC, before 09:45 UTC");
    }

    #[test]
    fn texts_holding_numbers_compare_as_numbers() {
        let nine = recency(json!({"properties": {"updated": "9"}}));
        let ten = recency(json!({"properties": {"updated": "10"}}));
        assert!(nine < ten);
    }

    #[test]
    fn a_version_without_the_field_is_the_least_recent_and_a_placeholder_next() {
        let missing = recency(json!({"properties": {}}));
        let null = recency(json!({"properties": {"updated": null}}));
        let empty = recency(json!({"properties": {"updated": " "}}));
        let text = recency(json!({"properties": {"updated": "N/A"}}));
        let number = recency(json!({"properties": {"updated": 1}}));
        let time = recency(json!({"properties": {"updated": "2026-12-05T10:00:00Z"}}));
        assert_eq!(missing, Recency::Unknown);
        assert_eq!(null, Recency::Unknown);
        assert_eq!(empty, Recency::Unknown);
        assert!(missing < text && text < number && number < time);
    }

    #[test]
    fn text_holding_a_number_is_that_number_whatever_its_size() {
        let number = recency(json!({"properties": {"updated": 1_764_000_060_000_u64}}));
        let text = recency(json!({"properties": {"updated": "1764000000000"}}));
        assert!(text < number, "not read as a time");
        let below = recency(json!({"properties": {"updated": "99999999999"}}));
        let above = recency(json!({"properties": {"updated": "100000000000"}}));
        assert!(below < above, "a counter past 10^11 goes on");
    }

    #[test]
    fn integers_past_a_doubles_precision_compare_exactly() {
        let earlier = recency(json!({"properties": {"updated": 1_764_000_000_000_000_000_u64}}));
        let later = recency(json!({"properties": {"updated": 1_764_000_000_000_000_100_u64}}));
        assert!(earlier < later);
        let as_text = recency(json!({"properties": {"updated": "1764000000000000100"}}));
        assert_eq!(later.cmp(&as_text), Ordering::Equal);
        let double = recency(json!({"properties": {"updated": 1.764e18}}));
        assert_eq!(double.cmp(&earlier), Ordering::Equal, "the same number");
        let fraction = recency(json!({"properties": {"updated": 2.5}}));
        assert!(recency(json!({"properties": {"updated": 2}})) < fraction);
        assert!(fraction < recency(json!({"properties": {"updated": "3"}})));
    }

    /// An API switching its version from ISO text to epoch milliseconds, or milliseconds to
    /// seconds: the versions compare as the instants they are.
    #[test]
    fn a_version_switching_between_text_and_epoch_times_compares_by_instant() {
        let text = recency(json!({"properties": {"updated": "2026-12-05T10:20:00+00:00"}}));
        let millis = recency(json!({"properties": {"updated": 1_796_466_060_000_u64}}));
        let seconds = recency(json!({"properties": {"updated": 1_796_466_600}}));
        let as_text = recency(json!({"properties": {"updated": "1796467200"}}));
        assert!(text < millis, "10:20:00 before 10:21:00");
        assert!(millis < seconds && seconds < as_text);
        let earlier_millis = recency(json!({"properties": {"updated": 1_796_465_000_000_u64}}));
        assert!(earlier_millis < text, "10:03:20 before 10:20");
        let counter = recency(json!({"properties": {"updated": 17}}));
        assert!(counter < earlier_millis, "a revision counter is no time");
        let day = recency(json!({"properties": {"updated": 20_261_130}}));
        assert!(
            day < recency(json!({"properties": {"updated": 20_261_131}})),
            "a counter of eight digits is a number, whether or not its digits make a day"
        );
    }

    #[test]
    fn without_version_every_record_is_as_recent() {
        let record = json!({"properties": {"updated": 5}});
        assert_eq!(Recency::of(&source(None), &record), Recency::Unknown);
    }
}
