//! Open-Meteo asked for several places at once (`latitude = "43.6,45.76"`, comma-separated)
//! answers a JSON array of one object per place, each with its own `hourly`: what the
//! collector says to a source written as for one place.

mod common;

use axum::Json;
use axum::routing::get;
use common::Site;
use serde_json::{Value, json};
use testkit::http::LocalServer;

/// One place's answer, in the real API's shape.
fn place(latitude: f64, longitude: f64, base: f64) -> Value {
    json!({
        "latitude": latitude,
        "longitude": longitude,
        "generationtime_ms": 0.1,
        "utc_offset_seconds": 0,
        "timezone": "GMT",
        "timezone_abbreviation": "GMT",
        "elevation": 146.0,
        "hourly_units": {"time": "iso8601", "temperature_2m": "°C"},
        "hourly": {
            "time": ["2026-12-05T00:00", "2026-12-05T01:00"],
            "temperature_2m": [base, base + 0.5]
        }
    })
}

/// A double answering every request with two places, Toulouse and Lyon.
fn two_places() -> LocalServer {
    let answer = json!([place(43.6, 1.44, 8.0), place(45.76, 4.84, 3.0)]);
    LocalServer::start(axum::Router::new().route(
        "/v1/forecast",
        get(move || {
            let answer = answer.clone();
            async move { Json(answer) }
        }),
    ))
}

/// A source written as the README's Lyon example, asking for two places.
fn two_places_source(server: &LocalServer) -> String {
    format!(
        r#"[[source]]
name = "open-meteo-two-cities"
kind = "http_json"
url = "{}/v1/forecast"
params = {{ latitude = "43.6047,45.7640", longitude = "1.4442,4.8357", hourly = "temperature_2m" }}
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

/// The answer holds `hourly` twice, once per place: "not in the answer" alone sends the user
/// looking for a misspelling. The failure should say the answer is an array (one item per
/// place) and how to reach one place's records, `0.hourly`, as it suggests a near name when
/// the answer is an object.
#[tokio::test]
async fn an_answer_for_several_places_says_how_to_reach_one_places_hourly() {
    let server = two_places();
    let site = Site::new(&two_places_source(&server));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("`0.hourly`"),
        "the answer is an array of two places, each holding `hourly`, yet: {reason}"
    );
}
