//! How recent a version of a record is, by the field a source's `version` names (USGS's
//! `properties.updated`): the summariser keeps the most recent version of each record, so a
//! stale copy served later (a cache, a mirror lagging behind) does not replace a newer one.
//!
//! Any two recencies compare, so the version kept is the same however the files are split
//! into batches: a version without the field is the least recent, then numbers (by value),
//! then times (a text that reads as one, as the `time` field is read, by instant), then other
//! texts (byte by byte). Versions of equal recency are ordered by landing, as without
//! `version`.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::Source;
use crate::record::timestamp_in;

/// The recency of one version of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Recency {
    /// The source has no `version`, or the record does not hold it as a number or a text.
    Unknown,
    /// A number, or a text holding one (`"17"`).
    Number(f64),
    /// A text that reads as a time.
    Time(DateTime<Utc>),
    /// Any other text.
    Text(String),
}

impl Recency {
    /// The recency of `record`, a version of a record of `source`.
    pub fn of(source: &Source, record: &Value) -> Recency {
        let Some(path) = &source.version else {
            return Recency::Unknown;
        };
        match path.get(record) {
            Some(Value::Number(number)) => {
                number.as_f64().map_or(Recency::Unknown, Recency::Number)
            }
            Some(Value::String(text)) => {
                let value = Value::String(text.clone());
                if let Some(time) = timestamp_in(&value, source.local_times) {
                    Recency::Time(time)
                } else if let Some(number) =
                    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
                {
                    Recency::Number(number)
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
            Recency::Number(_) => 1,
            Recency::Time(_) => 2,
            Recency::Text(_) => 3,
        }
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
            (Recency::Number(a), Recency::Number(b)) => a.total_cmp(b),
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
    fn a_version_without_the_field_is_the_least_recent() {
        let missing = recency(json!({"properties": {}}));
        let null = recency(json!({"properties": {"updated": null}}));
        let number = recency(json!({"properties": {"updated": 1}}));
        let text = recency(json!({"properties": {"updated": "rev-a"}}));
        assert_eq!(missing, Recency::Unknown);
        assert_eq!(null, Recency::Unknown);
        assert!(missing < number && number < text);
    }

    #[test]
    fn without_version_every_record_is_as_recent() {
        let record = json!({"properties": {"updated": 5}});
        assert_eq!(Recency::of(&source(None), &record), Recency::Unknown);
    }
}
