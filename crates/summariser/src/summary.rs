//! Hourly statistics: the facts a summary needs from one record, and how a source's records of
//! one UTC hour fold into an [`HourlySummary`]. Records are folded in key order so the same
//! records always give bit-identical sums, whatever order they were read in.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use mongodb::bson;
use releve::Source;
use releve::record::{FieldPath, category, number};
use releve::store::{
    BoundingBox, CategoryCounts, HourlySummary, NumericSummary, ValueCount, bson_date,
};
use serde_json::Value;

/// Category values kept by name; the rest are counted in `other`.
const TOP_VALUES: usize = 20;

/// A record's value of one numeric field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// A number within the field's `plausible` range, if it has one.
    Number(f64),
    /// No number: missing, null or not numeric (`"ND"`).
    Missing,
    /// A number outside the field's `plausible` range.
    Implausible,
}

/// What one record contributes to its hour's summary, in the source's field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// One entry per configured numeric field.
    pub numbers: Vec<Reading>,
    /// One entry per configured category field.
    pub categories: Vec<Option<String>>,
    /// Longitude and latitude, when the source is positioned and both are numbers on the globe.
    pub position: Option<(f64, f64)>,
}

impl Facts {
    /// Reads the configured fields of `record`.
    pub fn of(source: &Source, record: &Value) -> Facts {
        Facts {
            numbers: source
                .numeric
                .iter()
                .map(|path| reading(source, path, record))
                .collect(),
            categories: source
                .categories
                .iter()
                .map(|path| path.get(record).and_then(category))
                .collect(),
            position: source.position().and_then(|(lon, lat)| {
                releve::record::on_globe(
                    lon.get(record).and_then(number)?,
                    lat.get(record).and_then(number)?,
                )
            }),
        }
    }
}

fn reading(source: &Source, path: &FieldPath, record: &Value) -> Reading {
    let Some(value) = path.get(record).and_then(number) else {
        return Reading::Missing;
    };
    match source.plausible.get(path.as_str()) {
        Some([low, high]) if !(low..=high).contains(&&value) => Reading::Implausible,
        _ => Reading::Number(value),
    }
}

/// The start of the UTC hour holding `time`.
/// Whole seconds, so it holds for every year a record's time can have (chrono's
/// `duration_trunc` works in nanoseconds and gives up outside 1677–2262).
pub fn hour_of(time: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = time.timestamp();
    DateTime::from_timestamp(seconds - seconds.rem_euclid(3600), 0).unwrap_or(time)
}

#[derive(Default)]
struct NumericFold {
    count: i64,
    nulls: i64,
    implausible: i64,
    min: Option<f64>,
    max: Option<f64>,
    sum: f64,
    /// The mean so far, kept apart from `sum`: it never overflows, so it still holds when the
    /// sum goes past a double's range (two readings of 1.7e308).
    running_mean: f64,
}

#[derive(Default)]
struct CategoryFold {
    counts: HashMap<String, i64>,
    nulls: i64,
}

/// The records of one source in one hour, folded one at a time.
pub struct HourBucket {
    count: i64,
    numeric: Vec<NumericFold>,
    categories: Vec<CategoryFold>,
    bbox: Option<BoundingBox>,
}

impl HourBucket {
    /// An empty hour of `source`.
    pub fn new(source: &Source) -> HourBucket {
        HourBucket {
            count: 0,
            numeric: source
                .numeric
                .iter()
                .map(|_| NumericFold::default())
                .collect(),
            categories: source
                .categories
                .iter()
                .map(|_| CategoryFold::default())
                .collect(),
            bbox: None,
        }
    }

    /// Adds one distinct record.
    pub fn add(&mut self, facts: &Facts) {
        self.count += 1;
        for (fold, value) in self.numeric.iter_mut().zip(&facts.numbers) {
            match *value {
                Reading::Number(v) => {
                    fold.count += 1;
                    fold.sum += v;
                    let n = fold.count as f64;
                    fold.running_mean = fold.running_mean * ((n - 1.0) / n) + v / n;
                    fold.min = Some(fold.min.map_or(v, |m| m.min(v)));
                    fold.max = Some(fold.max.map_or(v, |m| m.max(v)));
                }
                Reading::Missing => fold.nulls += 1,
                Reading::Implausible => fold.implausible += 1,
            }
        }
        for (fold, value) in self.categories.iter_mut().zip(&facts.categories) {
            match value {
                Some(v) => *fold.counts.entry(v.clone()).or_insert(0) += 1,
                None => fold.nulls += 1,
            }
        }
        if let Some((lon, lat)) = facts.position {
            let point = BoundingBox::around(lon, lat);
            self.bbox = Some(self.bbox.map_or(point, |b| b.union(point)));
        }
    }

    /// The summary document of the hour starting at `hour`.
    pub fn finish(
        self,
        source: &Source,
        hour: DateTime<Utc>,
        updated_at: bson::DateTime,
    ) -> HourlySummary {
        let numeric = source
            .numeric
            .iter()
            .zip(self.numeric)
            .map(|(path, fold)| NumericSummary {
                field: path.as_str().to_owned(),
                count: fold.count,
                nulls: fold.nulls,
                implausible: fold.implausible,
                min: fold.min,
                max: fold.max,
                #[allow(clippy::cast_precision_loss)]
                mean: (fold.count > 0).then(|| {
                    if fold.sum.is_finite() {
                        fold.sum / fold.count as f64
                    } else {
                        fold.running_mean
                    }
                }),
                // MongoDB-compatible servers need not store an infinity: past a double's
                // range the sum saturates (documented).
                sum: fold.sum.clamp(f64::MIN, f64::MAX),
            })
            .collect();
        let categories = source
            .categories
            .iter()
            .zip(self.categories)
            .map(|(path, fold)| top_values(path.as_str(), fold))
            .collect();
        HourlySummary {
            source: source.name.clone(),
            hour: bson_date(hour),
            count: self.count,
            numeric,
            categories,
            bbox: self.bbox,
            updated_at,
        }
    }
}

fn top_values(field: &str, fold: CategoryFold) -> CategoryCounts {
    let mut values: Vec<ValueCount> = fold
        .counts
        .into_iter()
        .map(|(value, count)| ValueCount { value, count })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    let other = values.iter().skip(TOP_VALUES).map(|v| v.count).sum();
    values.truncate(TOP_VALUES);
    CategoryCounts {
        field: field.to_owned(),
        values,
        other,
        nulls: fold.nulls,
    }
}

/// Summarises hours from `(hour, key, facts)` triples of distinct records, in any order.
pub fn summarise_hours(
    source: &Source,
    mut records: Vec<(DateTime<Utc>, String, Facts)>,
    updated_at: bson::DateTime,
) -> Vec<HourlySummary> {
    records.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut summaries = Vec::new();
    let mut current: Option<(DateTime<Utc>, HourBucket)> = None;
    for (hour, _, facts) in &records {
        match &mut current {
            Some((h, bucket)) if h == hour => bucket.add(facts),
            _ => {
                if let Some((h, bucket)) = current.take() {
                    summaries.push(bucket.finish(source, h, updated_at));
                }
                let mut bucket = HourBucket::new(source);
                bucket.add(facts);
                current = Some((*hour, bucket));
            }
        }
    }
    if let Some((h, bucket)) = current {
        summaries.push(bucket.finish(source, h, updated_at));
    }
    summaries
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::{TimeDelta, TimeZone};
    use serde_json::json;

    use super::*;

    fn usgs() -> Source {
        let text = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1/usgs"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
categories = ["properties.type"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
"#;
        releve::Config::parse(text, Path::new("test.toml"))
            .expect("valid config")
            .sources
            .remove(0)
    }

    fn quake(mag: Value, kind: &str, lon: f64, lat: f64) -> Value {
        json!({"properties": {"mag": mag, "type": kind}, "geometry": {"coordinates": [lon, lat, 5.0]}})
    }

    #[test]
    fn values_outside_the_plausible_range_are_counted_apart() {
        let text = r#"
[[source]]
name = "toulouse-meteo"
kind = "opendatasoft"
url = "http://127.0.0.1"
dataset = "42-station-meteo-toulouse-parc-compans-cafarelli"
every = "15m"
key = "heure_utc"
time = "heure_utc"
numeric = ["temperature_en_degre_c", "humidite"]
plausible = { temperature_en_degre_c = [-30, 50] }
"#;
        let source = releve::Config::parse(text, Path::new("test.toml"))
            .expect("valid config")
            .sources
            .remove(0);
        let hour = Utc
            .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
            .single()
            .expect("time");
        let records = [(12.5, 80), (-50.0, 81), (14.5, 82), (50.0, 83)]
            .iter()
            .enumerate()
            .map(|(i, (t, h))| {
                let record = json!({"temperature_en_degre_c": t, "humidite": h});
                (hour, format!("r{i}"), Facts::of(&source, &record))
            })
            .collect();
        let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
        let temperature = &summaries[0].numeric[0];
        assert_eq!(
            (
                temperature.count,
                temperature.implausible,
                temperature.nulls,
                temperature.min,
                temperature.max
            ),
            (3, 1, 0, Some(12.5), Some(50.0)),
            "the station's -50 °C stays out of the statistics, the bounds are inclusive"
        );
        let humidity = &summaries[0].numeric[1];
        assert_eq!((humidity.count, humidity.implausible), (4, 0));
    }

    #[test]
    fn an_hour_reports_counts_extremes_means_categories_and_box() {
        let source = usgs();
        let hour = Utc
            .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
            .single()
            .expect("time");
        let records = vec![
            (
                hour,
                "a".to_owned(),
                Facts::of(&source, &quake(json!(1.5), "earthquake", -155.0, 19.0)),
            ),
            (
                hour,
                "b".to_owned(),
                Facts::of(&source, &quake(json!(2.5), "earthquake", 10.0, 45.0)),
            ),
            (
                hour,
                "c".to_owned(),
                Facts::of(&source, &quake(Value::Null, "quarry blast", 2.0, -3.0)),
            ),
            // Off the globe: counted, but no place.
            (
                hour,
                "d".to_owned(),
                Facts::of(&source, &quake(json!(2.0), "earthquake", 200.0, 95.0)),
            ),
        ];
        let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
        assert_eq!(summaries.len(), 1);
        let summary = &summaries[0];
        assert_eq!(summary.count, 4);
        let mag = &summary.numeric[0];
        assert_eq!(
            (mag.count, mag.nulls, mag.min, mag.max, mag.mean, mag.sum),
            (3, 1, Some(1.5), Some(2.5), Some(2.0), 6.0)
        );
        let kinds = &summary.categories[0];
        assert_eq!(
            kinds.values[0],
            ValueCount {
                value: "earthquake".to_owned(),
                count: 3
            }
        );
        assert_eq!(kinds.values.len(), 2);
        assert_eq!(
            summary.bbox,
            // Without the point off the globe.
            Some(BoundingBox {
                min_lon: -155.0,
                min_lat: -3.0,
                max_lon: 10.0,
                max_lat: 45.0
            })
        );
    }

    #[test]
    fn only_the_twenty_most_frequent_values_are_named() {
        let source = usgs();
        let hour = Utc
            .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
            .single()
            .expect("time");
        let records = (0..25)
            .flat_map(|i| {
                let copies = if i < 20 { 2 } else { 1 };
                (0..copies).map(move |c| (i, c))
            })
            .map(|(i, c)| {
                (
                    hour,
                    format!("{i}-{c}"),
                    Facts::of(&source, &quake(json!(1), &format!("kind{i:02}"), 0.0, 0.0)),
                )
            })
            .collect();
        let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
        let kinds = &summaries[0].categories[0];
        assert_eq!(kinds.values.len(), 20);
        assert_eq!(kinds.other, 5);
        assert_eq!(hour_of(hour + TimeDelta::minutes(59)), hour);
    }

    #[test]
    fn a_sum_past_a_double_saturates_and_the_mean_still_holds() {
        let source = usgs();
        let hour = Utc
            .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
            .single()
            .expect("time");
        let records = ["a", "b"]
            .iter()
            .map(|key| {
                let facts = Facts::of(&source, &quake(json!(1.7e308), "earthquake", 0.0, 0.0));
                (hour, (*key).to_owned(), facts)
            })
            .collect();
        let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
        let mag = &summaries[0].numeric[0];
        assert_eq!(
            mag.sum,
            f64::MAX,
            "a finite number MongoDB-compatible servers store"
        );
        assert_eq!(mag.mean, Some(1.7e308));
    }

    #[test]
    fn placeholder_dates_far_from_now_fall_in_their_hour_too() {
        for (time, hour) in [
            ("9999-12-31T23:59:59Z", "9999-12-31T23:00:00Z"),
            ("2262-04-12T00:30:00Z", "2262-04-12T00:00:00Z"),
            ("1600-01-01T00:30:00Z", "1600-01-01T00:00:00Z"),
            ("0001-01-01T00:00:01Z", "0001-01-01T00:00:00Z"),
        ] {
            let time: DateTime<Utc> = time.parse().expect("valid time");
            let hour: DateTime<Utc> = hour.parse().expect("valid hour");
            assert_eq!(hour_of(time), hour, "{time}");
        }
    }
}
