//! The record of a source's `highest` field with the period's highest value, read from
//! `records` (the hourly summaries keep each hour's maximum, not which record reached it): its
//! time, and its `kind` and `place` as served, for the field's chart to name it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::RawDocumentBuf;
use releve::store::{self, StoreError};
use releve::{FieldPath, Highest, Source};
use serde_json::Value;

use crate::period::ReportPeriod;
use crate::positions::{data_projection, record_data};

/// The first record (by time) holding the period's highest plausible value of the field.
#[derive(Debug, Clone, PartialEq)]
pub struct HighestRecord {
    /// The field, one of `numeric`.
    pub field: String,
    /// Its value.
    pub value: f64,
    /// The record's own time.
    pub time: DateTime<Utc>,
    /// Its `kind` field as text, when configured and the record holds one.
    pub kind: Option<String>,
    /// Its `place` field as text, when configured and the record holds one.
    pub place: Option<String>,
    /// Records of the period holding the same value, this one included.
    pub sharing: u64,
    /// Records of the period read, with or without a value, by the start of their UTC hour:
    /// fewer than its summary counts when `keep_days` dropped some.
    pub read_by_hour: BTreeMap<DateTime<Utc>, u64>,
}

impl HighestRecord {
    /// Records of the period read, with or without a value.
    pub fn records(&self) -> u64 {
        self.read_by_hour.values().sum()
    }

    /// Records read of the UTC hour starting at `hour`.
    pub fn read_in(&self, hour: DateTime<Utc>) -> u64 {
        self.read_by_hour.get(&hour).copied().unwrap_or(0)
    }
}

/// The record of `source`'s period with the highest value of its `highest` field, if it is
/// configured and a record of the period still stored holds a plausible value.
pub async fn load(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
) -> Result<Option<HighestRecord>, StoreError> {
    let Some(highest) = &source.highest else {
        return Ok(None);
    };
    let mut projection = data_projection(highest.paths().map(|(_, path)| path));
    projection.insert("time", 1);
    projection.insert("hour", 1);
    let action = format!("reading `records` of {} for its highest value", source.name);
    let records = db.collection::<RawDocumentBuf>(store::RECORDS);
    let find = records
        .find(crate::query::hours_of(source, period))
        .projection(projection);
    let mut found = Found::default();
    store::each_found(find, &action, |document| {
        let time = document.get_datetime("time").ok().map(store::chrono_date);
        let hour = document.get_datetime("hour").ok().map(store::chrono_date);
        found.offer(source, highest, (hour, time), &record_data(&document));
    })
    .await?;
    Ok(found.into_record(highest))
}

/// The highest record offered so far.
#[derive(Default)]
struct Found {
    best: Option<(f64, DateTime<Utc>, Value)>,
    sharing: u64,
    read_by_hour: BTreeMap<DateTime<Utc>, u64>,
}

impl Found {
    /// Offers a record of `data`, its `hour` and `time` as stored.
    fn offer(
        &mut self,
        source: &Source,
        highest: &Highest,
        (hour, time): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        data: &Value,
    ) {
        if let Some(hour) = hour {
            *self.read_by_hour.entry(hour).or_default() += 1;
        }
        let Some(value) = highest
            .field
            .get(data)
            .and_then(releve::record::number)
            .filter(|value| value.is_finite() && source.is_plausible(&highest.field, *value))
        else {
            return;
        };
        let Some(time) = time else { return };
        match &self.best {
            Some((best, _, _)) if value < *best => {}
            Some((best, first, _)) if value == *best => {
                self.sharing += 1;
                if time < *first {
                    self.best = Some((value, time, data.clone()));
                }
            }
            _ => {
                self.best = Some((value, time, data.clone()));
                self.sharing = 1;
            }
        }
    }

    fn into_record(self, highest: &Highest) -> Option<HighestRecord> {
        let (value, time, data) = self.best?;
        let text =
            |path: &Option<FieldPath>| path.as_ref().and_then(|path| as_text(path.get(&data)?));
        Some(HighestRecord {
            field: highest.field.as_str().to_owned(),
            value,
            time,
            kind: text(&highest.kind),
            place: text(&highest.place),
            sharing: self.sharing,
            read_by_hour: self.read_by_hour,
        })
    }
}

/// A value as a caption says it: text as served on one line, a number or a boolean as JSON
/// writes it; nothing for null, empty text, an object or an array.
fn as_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.split_whitespace().collect::<Vec<_>>().join(" "),
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use releve::Config;
    use serde_json::json;

    use super::*;

    fn usgs() -> Source {
        let text = r#"
[[source]]
name = "usgs-earthquakes"
kind = "http_json"
url = "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
plausible = { "properties.mag" = [-2.0, 10.0] }
highest = { field = "properties.mag", kind = "properties.magType", place = "properties.place" }
"#;
        let config = Config::parse(text, std::path::Path::new("sources.toml")).expect("valid");
        config.sources[0].clone()
    }

    /// Of records sharing the highest value the first in time is named, the others counted;
    /// an implausible value and a record without one are read but never named.
    #[test]
    fn the_first_of_the_strongest_is_named_and_the_others_counted() {
        let source = usgs();
        let highest = source.highest.clone().expect("configured");
        let at = |minute: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
                .and_then(|day| day.and_hms_opt(10, minute, 0))
                .map(|time| time.and_utc())
        };
        let quake = |mag: Value, place: &str| json!({"properties": {"mag": mag, "magType": "mww", "place": place}});
        let mut found = Found::default();
        for (minute, mag, place) in [
            (5, json!(4.5), "later"),
            (9, json!(99.0), "a code"),
            (1, json!(4.5), "12 km  SW of\nRidgecrest, CA"),
            (3, json!(null), "no magnitude"),
            (7, json!("2.1"), "weaker"),
        ] {
            found.offer(&source, &highest, (at(0), at(minute)), &quake(mag, place));
        }
        let record = found.into_record(&highest).expect("a value");
        assert_eq!(record.value, 4.5);
        assert_eq!(record.place.as_deref(), Some("12 km SW of Ridgecrest, CA"));
        assert_eq!(record.kind.as_deref(), Some("mww"));
        assert_eq!((record.sharing, record.records()), (2, 5));
        assert_eq!(at(0).map(|hour| record.read_in(hour)), Some(5));
        assert_eq!(Some(record.time), at(1));
    }
}
