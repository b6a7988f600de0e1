//! A value left out as implausible is said with the range it fell outside, so a reader
//! reproducing a figure from the records in MongoDB, which keep it, can leave it out too.

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::SourceData;
use chrono::{DateTime, Duration, TimeZone, Utc};
use releve::Config;
use releve::store::{self, HourlySummary, NumericSummary};

const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "compans"
kind = "http_json"
url = "http://127.0.0.1:9/compans"
every = "15m"
key = "heure_utc"
time = "heure_utc"
numeric = ["temperature_en_degre_c", "pluie"]
totals = ["pluie"]
units = { temperature_en_degre_c = "°C", pluie = "mm" }
labels = { temperature_en_degre_c = "temperature", pluie = "rain" }
plausible = { temperature_en_degre_c = [-30, 50], pluie = [0, 300] }
"#;

fn hour(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
        .single()
        .expect("instant")
        + Duration::hours(h)
}

/// Four readings an hour; at 10:00 one temperature of -50 °C and one rain of -1 mm, left out.
fn compans() -> SourceData {
    let hourly = (0..24)
        .map(|h| {
            let odd = i64::from(h == 10);
            let reading = |field: &str, value: f64| NumericSummary {
                field: field.to_owned(),
                count: 4 - odd,
                nulls: 0,
                implausible: odd,
                min: Some(value),
                max: Some(value + 1.0),
                mean: Some(value + 0.5),
                sum: (value + 0.5) * (4 - odd) as f64,
            };
            HourlySummary {
                source: "compans".to_owned(),
                hour: store::bson_date(hour(h)),
                count: 4,
                numeric: vec![
                    reading("temperature_en_degre_c", 5.0 + h as f64 / 3.0),
                    reading("pluie", 0.0),
                ],
                categories: Vec::new(),
                bbox: None,
                updated_at: store::bson_date(hour(h + 1)),
            }
        })
        .collect();
    SourceData {
        hourly,
        last_success: Some(hour(24)),
        ..Default::default()
    }
}

/// A journalist who checks the station's minimum against `records` finds -50 °C there and
/// 3.8 °C in the report: the caption names the range it kept to, -30 to 50 °C, which the
/// report's pages said nowhere (found by a data journalist).
#[test]
fn a_value_left_out_as_implausible_is_said_with_the_range_it_fell_outside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::parse(CONFIG, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = BTreeMap::from([("compans".to_owned(), compans())]);
    let pdf = analyser::render_report(&config, &period, &data, hour(30)).expect("render");
    let path = dir.path().join("2026-11-21.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let text = common::flat(&common::text(&path));
    assert!(
        text.contains(
            "1 implausible value left out (outside its plausible range, -30 to 50 °C, in the \
             hour 2026-11-21 10:00–11:00 UTC)"
        ),
        "under the temperature's chart:\n{text}"
    );
    assert!(
        text.contains(
            "1 implausible value left out (outside its plausible range, 0 to 300 mm, in the \
             hour 2026-11-21 10:00–11:00 UTC)"
        ),
        "under the rain's totals:\n{text}"
    );
}
