//! Records dated hours ahead of the clock though written with their UTC offset: an API labelling
//! its local time as UTC, or a clock ahead at the source, stores them in hours to come.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Workspace, stderr};
use serde_json::json;

const SAID: &str = "written with a UTC offset";

fn quake(id: &str, hours_ahead: i64, mag: serde_json::Value) -> serde_json::Value {
    let time = (Utc::now() + TimeDelta::hours(hours_ahead)).format("%Y-%m-%dT%H:%M:%S+00:00");
    json!({"id": id, "properties": {"time": time.to_string(), "mag": mag}})
}

/// The run says so once per file, naming the source, the file and how far ahead the furthest
/// is; rows published ahead with no value yet (éCO2mix's rows of the day to come) are no sign,
/// nor are the hours of a source marked `forecast`.
#[tokio::test]
async fn records_hours_ahead_with_an_offset_are_said_once_per_file() {
    let ws = Workspace::new("zonedahead");
    let body = json!({"features": [
        quake("near", 1, json!(2.5)),
        quake("far", 3, json!(3.1)),
        quake("placeholder", 20, json!(null)),
        quake("past", -2, json!(1.0)),
    ]});
    let file = ws.land_bytes("usgs", (10, 0, 0), body.to_string().as_bytes());
    let placeholders = json!({"features": [quake("tomorrow", 20, json!(null))]});
    ws.land_bytes("usgs", (10, 1, 0), placeholders.to_string().as_bytes());
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    let said: Vec<&str> = errors.lines().filter(|line| line.contains(SAID)).collect();
    assert_eq!(said.len(), 1, "the first file only, once: {errors}");
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        said[0].contains("source=usgs")
            && said[0].contains(&name)
            && said[0].contains("records=2")
            && said[0].contains("up to 3 h ahead"),
        "the source, the file, and the furthest with a value: {errors}"
    );
    assert!(
        said[0].contains("mark its source `forecast = true`"),
        "a forecast's way out is named: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "stored as read: {errors}");

    let config = common::CONFIG.replace(
        "lat = \"geometry.coordinates.1\"\n",
        "lat = \"geometry.coordinates.1\"\nforecast = true\n",
    );
    assert_ne!(config, common::CONFIG, "the usgs table is marked");
    std::fs::write(ws.dir.path().join("sources.toml"), config).expect("config");
    let body = json!({"features": [quake("hour", 3, json!(2.0))]});
    ws.land_bytes("usgs", (10, 2, 0), body.to_string().as_bytes());
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    assert!(
        !errors.contains(SAID),
        "a forecast is not warned of: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "stored: {errors}");
}
