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
fn a_sum_within_a_doubles_range_is_kept_when_the_readings_pass_it_on_the_way() {
    let source = usgs();
    let hour = Utc
        .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
        .single()
        .expect("time");
    // Folded in key order: the first two overflow a running sum, the third brings it back.
    let records = [("a", 1.7e308), ("b", 1.7e308), ("c", -1.7e308)]
        .iter()
        .map(|(key, mag)| {
            let facts = Facts::of(&source, &quake(json!(mag), "earthquake", 0.0, 0.0));
            (hour, (*key).to_owned(), facts)
        })
        .collect();
    let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
    let mag = &summaries[0].numeric[0];
    assert!(
        (mag.sum - 1.7e308).abs() <= 1.7e308 * 1e-12,
        "the readings add up to 1.7e308, not to a saturated {}",
        mag.sum
    );
    let mean = mag.mean.expect("a mean");
    assert!((mean - 1.7e308 / 3.0).abs() <= 1.7e308 * 1e-12, "{mean}");
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

#[test]
fn the_mean_of_equal_readings_is_the_reading_never_past_the_extremes() {
    let source = usgs();
    let hour = Utc
        .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
        .single()
        .expect("time");
    // Three readings of 0.1 add up to 0.30000000000000004, a third of which is past 0.1; six
    // of 1.7e308 overflow the sum and the running mean drifts past 1.7e308.
    for (mag, readings) in [(0.1, 3), (1.7e308, 6)] {
        let records = (0..readings)
            .map(|n| {
                let facts = Facts::of(&source, &quake(json!(mag), "earthquake", 0.0, 0.0));
                (hour, format!("k{n}"), facts)
            })
            .collect();
        let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
        let stats = &summaries[0].numeric[0];
        assert_eq!(
            (stats.min, stats.mean, stats.max),
            (Some(mag), Some(mag), Some(mag)),
            "{readings} readings of {mag}"
        );
    }
}

#[test]
fn records_without_a_category_value_are_counted_as_nulls() {
    let source = usgs();
    let hour = Utc
        .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
        .single()
        .expect("time");
    let kinds = [
        json!("earthquake"),
        Value::Null,
        json!({"code": "eq"}),
        json!(""),
        json!("earthquake"),
    ];
    let records = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let record = json!({"properties": {"mag": 1.0, "type": kind}});
            (hour, format!("k{i}"), Facts::of(&source, &record))
        })
        .collect();
    let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
    let kinds = &summaries[0].categories[0];
    assert_eq!(kinds.nulls, 2, "a null and an object");
    assert_eq!(
        kinds.values,
        [
            ValueCount {
                value: "earthquake".to_owned(),
                count: 2
            },
            ValueCount {
                value: String::new(),
                count: 1
            }
        ],
        "`\"\"` is a value"
    );
}

#[test]
fn records_of_two_hours_make_two_summaries_whatever_their_order() {
    let source = usgs();
    let seven = Utc
        .with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
        .single()
        .expect("time");
    let eight = seven + TimeDelta::hours(1);
    let records = [(eight, "a", 4.0), (seven, "b", 1.0), (eight, "c", 2.0)]
        .iter()
        .map(|(hour, key, mag)| {
            let facts = Facts::of(&source, &quake(json!(mag), "earthquake", 0.0, 0.0));
            (*hour, (*key).to_owned(), facts)
        })
        .collect();
    let summaries = summarise_hours(&source, records, bson::DateTime::from_millis(0));
    let hours: Vec<_> = summaries
        .iter()
        .map(|s| (s.hour, s.count, s.numeric[0].mean))
        .collect();
    assert_eq!(
        hours,
        [
            (bson_date(seven), 1, Some(1.0)),
            (bson_date(eight), 2, Some(3.0))
        ]
    );
}
