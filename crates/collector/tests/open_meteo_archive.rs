//! A source reading Open-Meteo's historical archive (`/v1/archive?start_date=..&end_date=..`),
//! asked up to a day still to come: the archive serves every hour of the days asked for, in
//! GMT without an offset, and the hours it has no values for yet as `null` in each array.

mod common;

use std::process::Command;

use axum::Router;
use axum::routing::get;
use chrono::{DurationRound, TimeDelta, Utc};
use common::Site;
use serde_json::{Value, json};
use testkit::http::LocalServer;

/// The warning that times written without an offset may be local times read as UTC.
const LOCAL_TIMES: &str = "written without a UTC offset";

/// The archive's answer for yesterday to tomorrow (GMT): the hours up to now hold values, the
/// later ones `null` unless `values_ahead`.
fn archive_answer(values_ahead: bool) -> Value {
    let now = Utc::now();
    let start = now.duration_trunc(TimeDelta::days(1)).expect("midnight") - TimeDelta::days(1);
    let hours: Vec<_> = (0..72).map(|h| start + TimeDelta::hours(h)).collect();
    let value = |at: &chrono::DateTime<Utc>, v: f64| {
        if *at <= now || values_ahead {
            json!(v)
        } else {
            Value::Null
        }
    };
    json!({
        "latitude": 43.6, "longitude": 1.44, "generationtime_ms": 9.1,
        "utc_offset_seconds": 0, "timezone": "GMT", "timezone_abbreviation": "GMT",
        "elevation": 146.0,
        "hourly_units": {"time": "iso8601", "temperature_2m": "°C", "precipitation": "mm"},
        "hourly": {
            "time": hours.iter().map(|at| at.format("%Y-%m-%dT%H:%M").to_string()).collect::<Vec<_>>(),
            "temperature_2m": hours.iter().map(|at| value(at, 11.5)).collect::<Vec<_>>(),
            "precipitation": hours.iter().map(|at| value(at, 0.0)).collect::<Vec<_>>(),
        },
    })
}

/// The collector's stderr after landing `answer` from a source configured as the README's
/// hourly example, pointed at the archive.
fn landing_log(answer: Value) -> String {
    let body = answer.to_string();
    let server =
        LocalServer::start(Router::new().route("/v1/archive", get(move || async move { body })));
    let today = Utc::now().date_naive();
    let config = format!(
        r#"[[source]]
name = "archive-toulouse"
kind = "http_json"
url = "{}/v1/archive"
params = {{ latitude = "43.6047", longitude = "1.4442", start_date = "{}", end_date = "{}", hourly = "temperature_2m,precipitation" }}
every = "1d"
records = "hourly"
columns = true
key = "time"
time = "time"
numeric = ["temperature_2m", "precipitation"]
totals = ["precipitation"]
units = {{ temperature_2m = "°C", precipitation = "mm" }}
"#,
        server.url(),
        today - TimeDelta::days(1),
        today + TimeDelta::days(1),
    );
    let site = Site::new(&config);
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Landed a file.") && stderr.contains("records=72"),
        "every hour lands, those without values too: {stderr}"
    );
    stderr
}

/// The hours to come, all null, are no sign of local times: the run does not advise
/// `local_times` (which would move every hour of the archive) nor `forecast = true`.
#[test]
fn an_archive_s_hours_to_come_without_values_are_no_sign_of_local_times() {
    let stderr = landing_log(archive_answer(false));
    assert!(!stderr.contains(LOCAL_TIMES), "{stderr}");
    assert!(!stderr.contains("local_times"), "{stderr}");
}

/// Hours ahead holding values still are: an API answering its local time as if UTC.
#[test]
fn hours_ahead_holding_values_are_still_said() {
    let stderr = landing_log(archive_answer(true));
    assert!(stderr.contains(LOCAL_TIMES), "{stderr}");
}
