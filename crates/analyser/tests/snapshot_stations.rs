//! What an urban-mobility researcher reads of a bike-share snapshot sampled every 5 minutes,
//! each station's state at each run a record (`key = ["number", "collected_at"]`): the hourly
//! figures pool every station, and the report says so (rendered from data built in memory, no
//! MongoDB).

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::SourceData;
use chrono::{DateTime, TimeZone, Utc};
use releve::Config;
use releve::store::{self, HourlySummary, NumericSummary};

/// VélôToulouse's stations, stamped by each run and keyed by station and run.
const STATIONS: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "velo-toulouse"
kind = "http_json"
url = "http://127.0.0.1:9/api/explore/v2.1/catalog/datasets/api-velo-toulouse-temps-reel/exports/json"
every = "5m"
stamp = "collected_at"
key = ["number", "collected_at"]
time = "collected_at"
numeric = ["available_bikes"]
labels = { available_bikes = "bikes available" }
"#;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, hour, 0, 0)
        .single()
        .expect("instant")
}

/// An hour of 12 runs over 4 stations: 48 samples, from an empty station to a full one.
fn hour_of_samples(hour: u32) -> HourlySummary {
    HourlySummary {
        source: "velo-toulouse".to_owned(),
        hour: store::bson_date(at(hour)),
        count: 48,
        numeric: vec![NumericSummary {
            field: "available_bikes".to_owned(),
            count: 48,
            nulls: 0,
            implausible: 0,
            min: Some(0.0),
            max: Some(38.0),
            mean: Some(11.5),
            sum: 552.0,
        }],
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(at(hour)),
    }
}

/// The chart of bikes available is a mean and range over all stations: the report says the
/// stations are pooled, naming the field that tells them apart, where a reader would take
/// the band for a station's occupancy.
#[test]
fn a_snapshot_keyed_by_station_and_run_says_its_hourly_figures_pool_the_stations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::parse(STATIONS, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        config.report.timezone,
    );
    let data = SourceData {
        hourly: (7..10).map(hour_of_samples).collect(),
        last_success: Some(at(10)),
        ..Default::default()
    };
    let data = BTreeMap::from([("velo-toulouse".to_owned(), data)]);
    let generated = at(23);
    let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
    let path = dir.path().join(period.file_name());
    std::fs::write(&path, pdf).expect("write the PDF");
    let text = common::flat(&common::text(&path));
    assert!(
        text.contains(
            "over all the hour's records together, every `number` pooled, not per `number`"
        ),
        "{text}"
    );
}

/// The stations as an `opendatasoft` source keyed by station and `last_update`: a station
/// whose clock runs ahead is counted in an hour to come, which the report, the source being
/// no forecast, does not put down to forecasts alone.
const STATIONS_BY_LAST_UPDATE: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "velo-toulouse"
kind = "opendatasoft"
url = "http://127.0.0.1:9"
dataset = "api-velo-toulouse-temps-reel"
every = "5m"
key = ["number", "last_update"]
time = "last_update"
numeric = ["available_bikes"]
categories = ["status"]
"#;

/// A station whose `last_update` lies hours ahead of the report (its clock ahead) is said as
/// dated ahead, a clock ahead at the source named beside forecasts, under the numeric chart
/// and the category chart alike.
#[test]
fn a_station_dated_ahead_is_not_put_down_to_forecasts_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::parse(
        STATIONS_BY_LAST_UPDATE,
        std::path::Path::new("sources.toml"),
    )
    .expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        config.report.timezone,
    );
    let with_status = |hour| {
        let mut summary = hour_of_samples(hour);
        summary.categories = vec![store::CategoryCounts {
            field: "status".to_owned(),
            values: vec![store::ValueCount {
                value: "OPEN".to_owned(),
                count: 48,
            }],
            other: 0,
            nulls: 0,
        }];
        summary
    };
    let data = SourceData {
        hourly: [7, 8, 9, 23].into_iter().map(with_status).collect(),
        last_success: Some(at(20)),
        ..Default::default()
    };
    let data = BTreeMap::from([("velo-toulouse".to_owned(), data)]);
    let pdf = analyser::render_report(&config, &period, &data, at(20)).expect("render");
    let path = dir.path().join(period.file_name());
    std::fs::write(&path, pdf).expect("write the PDF");
    let text = common::flat(&common::text(&path));
    assert!(
        text.contains("Still to come then (dated ahead: values published ahead, such as forecasts, or a clock ahead at the source): min 0"),
        "{text}"
    );
    assert!(
        text.contains("Not counted: 48 records of hours still to come when the report was generated (dated ahead: values published ahead, such as forecasts, or a clock ahead at the source)."),
        "{text}"
    );
}
