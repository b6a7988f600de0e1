//! Open-Meteo's server (Swift) writes a float it has no value for as a bare `nan` or `-nan`,
//! not Python's `NaN`: its echoed `latitude`/`longitude` for a point outside a regional
//! model's domain or an ERA5 land/sea mask (open-meteo/open-meteo#2108, #1590), a `current`
//! value a self-hosted instance lacks (#314). The README reads "Numbers written `NaN`,
//! `Infinity` or `-Infinity` … are read, and landed, as `null`": what happens to such an
//! answer's hours.

mod common;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;

/// An hourly answer in the real API's shape whose echoed coordinates are `-nan`, as in
/// open-meteo/open-meteo#2108; its 24 hours are fine.
fn answer_with_nan_coordinates() -> String {
    let times: Vec<String> = (0..24)
        .map(|hour| format!("\"2026-12-05T{hour:02}:00\""))
        .collect();
    let values: Vec<String> = (0..24).map(|hour| format!("{}.5", 5 + hour / 4)).collect();
    format!(
        r#"{{"latitude":-nan,"longitude":-nan,"generationtime_ms":0.41,"utc_offset_seconds":0,"timezone":"GMT","timezone_abbreviation":"GMT","elevation":180.0,"hourly_units":{{"time":"iso8601","temperature_2m":"°C"}},"hourly":{{"time":[{}],"temperature_2m":[{}]}}}}"#,
        times.join(","),
        values.join(",")
    )
}

fn serve(body: String) -> LocalServer {
    LocalServer::start(axum::Router::new().route(
        "/v1/forecast",
        get(move || {
            let body = body.clone();
            async move { ([(CONTENT_TYPE, "application/json")], body) }
        }),
    ))
}

fn hourly_source(server: &LocalServer) -> String {
    format!(
        r#"[[source]]
name = "open-meteo-carlisle-hourly"
kind = "http_json"
url = "{}/v1/forecast"
params = {{ latitude = "54.8945", longitude = "-2.503", hourly = "temperature_2m", forecast_days = 1 }}
every = "1h"
records = "hourly"
columns = true
forecast = true
key = "time"
time = "time"
numeric = ["temperature_2m"]
"#,
        server.url()
    )
}

/// The forecast's 24 hours are whole; only the echoed coordinates are `-nan`. As `NaN` would
/// be, they should read as `null` and the hours land, not the whole answer be refused as
/// "not the expected JSON: invalid number", losing every hour of the run.
#[tokio::test]
async fn open_meteos_bare_nan_loses_no_hour_of_the_answer() {
    let server = serve(answer_with_nan_coordinates());
    let site = Site::new(&hourly_source(&server));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    assert!(
        outcome.succeeded(),
        "an answer whose only flaw is Open-Meteo's `-nan` fails: {:?}",
        outcome.sources
    );
    let files = site.data_files("open-meteo-carlisle-hourly");
    let body: Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    assert_eq!(body["hourly"].as_array().map(Vec::len), Some(24));
    assert_eq!(body["latitude"], Value::Null, "`-nan` lands as null");
}
