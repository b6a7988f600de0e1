//! The demo's offline stand-in for the default sources: serves the bundled responses under
//! `tests/fixtures/recorded/` on loopback, with their day (2026-11-21) moved to yesterday so
//! the demo's daily report is full (Open-Meteo's answer with `hourly` asked for is the hourly
//! forecast's, with `daily` the daily values', the other its `current` step's). Each API keeps its path layout under its own prefix
//! (`/usgs/...`, `/open-meteo/...`, `/odre/...`, `/toulouse/...`, `/francetravail/...`). The
//! Opendatasoft portals and France Travail are the test doubles, which page and limit like the
//! real services; France Travail serves a generated day of offers for yesterday to the client
//! id `demo-client` with the secret `demo-secret`.

use std::path::Path;

use axum::Router;
use axum::extract::Query;
use axum::http::header;
use axum::routing::get;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::Value;

use crate::france_travail::{DayPlan, DoubleSettings, FranceTravailDouble};
use crate::opendatasoft::OpendatasoftDouble;

/// The day the bundled responses were made for.
const RECORDED_DAY: (i32, u32, u32) = (2026, 11, 21);

/// Reads a bundled response and moves its times by `shift`; errors name the file.
fn load_shifted(path: &Path, shift: Duration) -> std::io::Result<Value> {
    let named = |kind, err: &dyn std::fmt::Display| {
        std::io::Error::new(kind, format!("{}: {err}", path.display()))
    };
    let text = std::fs::read_to_string(path).map_err(|err| named(err.kind(), &err))?;
    let mut value: Value =
        serde_json::from_str(&text).map_err(|err| named(std::io::ErrorKind::InvalidData, &err))?;
    shift_times(&mut value, shift);
    Ok(value)
}

/// How far the recorded day must move to become yesterday (UTC).
fn shift_to_yesterday() -> Duration {
    let (y, m, d) = RECORDED_DAY;
    let recorded = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    yesterday - recorded
}

/// Moves every time in a JSON document: epoch-millisecond numbers under keys named `time`,
/// `updated` or `generated`, and text starting with a `YYYY-MM-DD` date.
fn shift_times(value: &mut Value, shift: Duration) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::Number(n)
                        if matches!(key.as_str(), "time" | "updated" | "generated") =>
                    {
                        if let Some(ms) = n.as_i64() {
                            *item = Value::from(ms + shift.num_milliseconds());
                        }
                    }
                    _ => shift_times(item, shift),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| shift_times(item, shift)),
        Value::String(text) => {
            if let Some(date) = text
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            {
                *text = format!("{}{}", (date + shift).format("%Y-%m-%d"), &text[10..]);
            }
        }
        _ => {}
    }
}

/// The replay router for the bundled responses in `fixtures`.
pub fn router(fixtures: &Path) -> std::io::Result<Router> {
    let shift = shift_to_yesterday();
    let usgs = load_shifted(&fixtures.join("usgs-earthquakes.json"), shift)?.to_string();
    let meteo = load_shifted(&fixtures.join("open-meteo-toulouse.json"), shift)?.to_string();
    let hourly =
        load_shifted(&fixtures.join("open-meteo-toulouse-hourly.json"), shift)?.to_string();
    let daily = load_shifted(&fixtures.join("open-meteo-toulouse-daily.json"), shift)?.to_string();
    let eco2mix = portal_double(fixtures, "eco2mix-national", "eco2mix-national-tr", shift)?;
    let station = portal_double(
        fixtures,
        "toulouse-meteo-compans",
        "42-station-meteo-toulouse-parc-compans-cafarelli",
        shift,
    )?;
    let router = Router::new()
        .nest("/odre", eco2mix.router())
        .nest("/toulouse", station.router())
        .nest("/francetravail", france_travail_double().router())
        .route(
            "/usgs/earthquakes/feed/v1.0/summary/all_hour.geojson",
            get(move || async move { ([(header::CONTENT_TYPE, "application/geo+json")], usgs) }),
        )
        .route(
            "/open-meteo/v1/forecast",
            get(
                move |Query(params): Query<Vec<(String, String)>>| async move {
                    let asks = |asked: &str| params.iter().any(|(name, _)| name == asked);
                    let body = if asks("hourly") {
                        hourly
                    } else if asks("daily") {
                        daily
                    } else {
                        meteo
                    };
                    ([(header::CONTENT_TYPE, "application/json")], body)
                },
            ),
        );
    Ok(router)
}

fn portal_double(
    fixtures: &Path,
    file: &str,
    dataset: &str,
    shift: Duration,
) -> std::io::Result<OpendatasoftDouble> {
    let records = match load_shifted(&fixtures.join(format!("{file}.json")), shift)? {
        Value::Array(records) => records,
        _ => {
            return Err(std::io::Error::other(format!(
                "{}: not an array of records",
                fixtures.join(format!("{file}.json")).display()
            )));
        }
    };
    Ok(OpendatasoftDouble::new(dataset, records))
}

fn france_travail_double() -> FranceTravailDouble {
    let day = DayPlan {
        date: Utc::now().date_naive() - Duration::days(1),
        spread: 2500,
        bursts: Vec::new(),
        seed: 20_261_121,
    };
    let mut settings = DoubleSettings::new(day);
    settings.client_id = "demo-client".to_owned();
    settings.client_secret = "demo-secret".to_owned();
    FranceTravailDouble::new(settings)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn times_move_by_whole_days() {
        let mut doc = json!({"properties": {"time": 1_763_719_200_000_i64, "mag": 1.5},
                             "date_heure": "2026-11-21T10:00:00+00:00", "place": "Hawaii"});
        shift_times(&mut doc, Duration::days(2));
        assert_eq!(
            doc["properties"]["time"],
            json!(1_763_719_200_000_i64 + 2 * 86_400_000)
        );
        assert_eq!(doc["properties"]["mag"], json!(1.5));
        assert_eq!(doc["date_heure"], json!("2026-11-23T10:00:00+00:00"));
        assert_eq!(doc["place"], json!("Hawaii"));
    }
}
