//! A local double of Open-Meteo's forecast API (`api-notes.md` §5) for `current` weather:
//! `GET /v1/forecast?latitude=..&longitude=..&current=a,b,..` answers the real shape, its
//! `current.time` the start of the running 15-minute step in GMT without offset or seconds
//! (`2026-10-06T14:00`), its coordinates those of the grid cell (to 0.01°). With
//! `hourly=a,b,..` it also answers the hourly forecast as the real API shapes it, parallel
//! arrays under `hourly` (`time` and one array per variable), from 00:00 GMT `past_days` days
//! before today (default 0, at most 92) to the end of the `forecast_days`-th day from today
//! (default 7, at most 16); `api-notes.md` lists neither, and the double's reason for a day
//! count out of range is its own wording. With `daily=a,b,..` it answers the daily values the
//! same way, under `daily`, one per day of that span dated by the day alone (`2026-12-03`),
//! from its own list of daily variables. It refuses with the API's 400 body
//! `{"error":true,"reason":".."}` a missing or out-of-range coordinate and a `current` variable
//! outside its list (the API's common current variables; the real one knows more). It serves
//! `current` and `hourly` in GMT only (a `timezone` other than a name of UTC is refused there;
//! the real API would answer local times, which relevé's configuration refuses); a request for
//! `daily` alone may name an IANA `timezone` (any case) or `auto` (taken as Europe/Paris, the
//! zone of Toulouse, whatever the coordinates), whose days it then answers, with their offset.
//! With a minutely or daily limit, calls past it in the same clock minute or UTC day get the
//! free tier's 429, its reason naming the limit, and no `Retry-After` (when the real API's day
//! starts is not published; the double's is UTC's).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Datelike, DurationRound, NaiveDate, Offset, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use crate::http::{RequestLog, query_param};
use releve::config::names_utc;

/// The `current` variables the double knows, with their units.
const VARIABLES: &[(&str, &str)] = &[
    ("temperature_2m", "°C"),
    ("relative_humidity_2m", "%"),
    ("apparent_temperature", "°C"),
    ("is_day", ""),
    ("precipitation", "mm"),
    ("rain", "mm"),
    ("showers", "mm"),
    ("snowfall", "cm"),
    ("weather_code", "wmo code"),
    ("cloud_cover", "%"),
    ("pressure_msl", "hPa"),
    ("surface_pressure", "hPa"),
    ("wind_speed_10m", "km/h"),
    ("wind_direction_10m", "°"),
    ("wind_gusts_10m", "km/h"),
    ("dew_point_2m", "°C"),
    ("visibility", "m"),
    ("uv_index", ""),
    ("precipitation_probability", "%"),
];

/// The `daily` variables the double knows, with their units (a few of the API's).
const DAILY_VARIABLES: &[(&str, &str)] = &[
    ("temperature_2m_max", "°C"),
    ("temperature_2m_min", "°C"),
    ("precipitation_sum", "mm"),
    ("rain_sum", "mm"),
    ("wind_speed_10m_max", "km/h"),
    ("weather_code", "wmo code"),
];

/// The double: serve [`OpenMeteoDouble::router`], then read its requests.
#[derive(Clone, Default)]
pub struct OpenMeteoDouble {
    requests: RequestLog,
    limits: Vec<Arc<Window>>,
    refused: Arc<AtomicU64>,
}

/// Calls allowed per period, and those made in the current one.
struct Window {
    /// The period's length in seconds, periods starting at the epoch.
    seconds: i64,
    calls: u64,
    /// The 429's reason past the limit.
    reason: &'static str,
    current: Mutex<PeriodCount>,
}

/// The calls made in one period.
#[derive(Default)]
struct PeriodCount {
    /// Periods since the epoch.
    period: i64,
    calls: u64,
}

impl OpenMeteoDouble {
    /// A double with no rate limit.
    pub fn new() -> Self {
        OpenMeteoDouble::default()
    }

    /// Allows `calls` calls per clock minute; later calls in the minute get 429.
    pub fn with_minutely_limit(self, calls: u64) -> Self {
        self.with_limit(
            60,
            calls,
            "Minutely API request limit exceeded. Please try again in one minute.",
        )
    }

    /// Allows `calls` calls per UTC day; later calls in the day get 429.
    pub fn with_daily_limit(self, calls: u64) -> Self {
        self.with_limit(
            86_400,
            calls,
            "Daily API request limit exceeded. Please try again tomorrow.",
        )
    }

    fn with_limit(mut self, seconds: i64, calls: u64, reason: &'static str) -> Self {
        self.limits.push(Arc::new(Window {
            seconds,
            calls,
            reason,
            current: Mutex::new(PeriodCount::default()),
        }));
        self
    }

    /// The router to give [`crate::http::LocalServer::start`].
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/forecast", get(forecast))
            .with_state(self.clone())
    }

    /// Every request received, as `forecast?query`.
    pub fn requests(&self) -> Vec<String> {
        self.requests.all()
    }

    /// Calls answered 429.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::SeqCst)
    }

    /// Counts this call in each limit's period; the reason of the first limit it is past.
    fn over_limit(&self, now: DateTime<Utc>) -> Option<&'static str> {
        let mut over = None;
        for window in &self.limits {
            let period = now.timestamp().div_euclid(window.seconds);
            let mut current = window
                .current
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if current.period != period {
                *current = PeriodCount { period, calls: 0 };
            }
            current.calls += 1;
            if current.calls > window.calls {
                over = over.or(Some(window.reason));
            }
        }
        if over.is_some() {
            self.refused.fetch_add(1, Ordering::SeqCst);
        }
        over
    }
}

fn refuse(status: StatusCode, reason: &str) -> Response {
    (status, Json(json!({"error": true, "reason": reason}))).into_response()
}

/// A coordinate: `Err` is the API's reason.
fn coordinate(params: &[(String, String)], key: &str, bound: f64) -> Result<f64, String> {
    let value = query_param(params, key)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("Value of type 'Float' required for key '{key}'."))?;
    if !(-bound..=bound).contains(&value) {
        let name = if key == "latitude" {
            "Latitude"
        } else {
            "Longitude"
        };
        return Err(format!(
            "{name} must be in range of -{bound} to {bound}°. Given: {value:?}."
        ));
    }
    Ok(value)
}

/// A made-up but steady value of `variable` at `at`.
fn reading(variable: &str, at: DateTime<Utc>) -> Value {
    let hour = f64::from(at.hour()) + f64::from(at.minute()) / 60.0;
    let daily = (hour - 15.0) / 24.0 * std::f64::consts::TAU;
    let rounded = |x: f64| Value::from((x * 10.0).round() / 10.0);
    match variable {
        "temperature_2m" | "apparent_temperature" => rounded(12.0 + 5.0 * daily.cos()),
        "relative_humidity_2m" | "cloud_cover" => Value::from(70 - (20.0 * daily.cos()) as i64),
        "is_day" => Value::from(u8::from((7..19).contains(&at.hour()))),
        "weather_code" => Value::from([0, 1, 2, 3, 61][(at.hour() as usize / 5) % 5]),
        "pressure_msl" | "surface_pressure" => rounded(1015.0 + 3.0 * daily.sin()),
        "wind_speed_10m" | "wind_gusts_10m" => rounded(10.0 + 4.0 * daily.sin()),
        "wind_direction_10m" => Value::from((at.hour() * 15) % 360),
        _ => Value::from(0.0),
    }
}

async fn forecast(
    State(double): State<OpenMeteoDouble>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("forecast", &params);
    let now = Utc::now();
    if let Some(reason) = double.over_limit(now) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, reason);
    }
    let (latitude, longitude) = match (
        coordinate(&params, "latitude", 90.0),
        coordinate(&params, "longitude", 180.0),
    ) {
        (Ok(latitude), Ok(longitude)) => (latitude, longitude),
        (Err(reason), _) | (_, Err(reason)) => return refuse(StatusCode::BAD_REQUEST, &reason),
    };
    let zone = match asked_zone(&params) {
        Ok(zone) => zone,
        Err(reason) => return refuse(StatusCode::BAD_REQUEST, &reason),
    };
    let (hourly, daily) = match (
        hourly_forecast(&params, now),
        daily_forecast(&params, now, zone),
    ) {
        (Ok(hourly), Ok(daily)) => (hourly, daily),
        (Err(reason), _) | (_, Err(reason)) => return refuse(StatusCode::BAD_REQUEST, &reason),
    };
    let asked = query_param(&params, "current").unwrap_or_default();
    let mut units = Map::new();
    units.insert("time".into(), "iso8601".into());
    units.insert("interval".into(), "seconds".into());
    let step = now.duration_trunc(TimeDelta::minutes(15)).unwrap_or(now);
    let mut current = Map::new();
    current.insert(
        "time".into(),
        step.format("%Y-%m-%dT%H:%M").to_string().into(),
    );
    current.insert("interval".into(), 900.into());
    for variable in asked.split(',').filter(|v| !v.is_empty()) {
        let Some((name, unit)) = VARIABLES.iter().find(|(name, _)| *name == variable) else {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Cannot initialize ForecastVariable from invalid String value {variable} for key current"
                ),
            );
        };
        units.insert((*name).into(), (*unit).into());
        current.insert((*name).into(), reading(name, step));
    }
    let grid = |degrees: f64| (degrees * 100.0).round() / 100.0;
    let local = now.with_timezone(&zone);
    let (name, abbreviation) = match zone {
        Tz::UTC => ("GMT".to_owned(), "GMT".to_owned()),
        zone => (zone.name().to_owned(), local.format("%Z").to_string()),
    };
    let mut body = json!({
        "latitude": grid(latitude),
        "longitude": grid(longitude),
        "generationtime_ms": 0.05,
        "utc_offset_seconds": local.offset().fix().local_minus_utc(),
        "timezone": name,
        "timezone_abbreviation": abbreviation,
        "elevation": 146.0,
    });
    if current.len() > 2 {
        body["current_units"] = Value::Object(units);
        body["current"] = Value::Object(current);
    }
    if let Some((units, hourly)) = hourly {
        body["hourly_units"] = Value::Object(units);
        body["hourly"] = Value::Object(hourly);
    }
    if let Some((units, daily)) = daily {
        body["daily_units"] = Value::Object(units);
        body["daily"] = Value::Object(daily);
    }
    Json(body).into_response()
}

/// A count of days asked for as `key`, `default` when not: `Err` is the API's reason.
fn days(params: &[(String, String)], key: &str, default: i64, most: i64) -> Result<i64, String> {
    match query_param(params, key) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|days| (0..=most).contains(days))
            .ok_or_else(|| format!("Parameter '{key}' must be a whole number from 0 to {most}.")),
    }
}

/// The `hourly_units` and `hourly` (or `daily_units` and `daily`) members of an answer.
type Columns = (Map<String, Value>, Map<String, Value>);

/// The zone the request asks for: GMT without one or for any name of UTC relevé knows
/// ([`releve::config::names_utc`]), Europe/Paris for `auto` (Toulouse's, whatever the
/// coordinates), else the IANA zone named, for `daily` alone: `Err` is the double's reason.
fn asked_zone(params: &[(String, String)]) -> Result<Tz, String> {
    let Some(zone) = query_param(params, "timezone").filter(|zone| !names_utc(zone)) else {
        return Ok(Tz::UTC);
    };
    let tz = if zone.eq_ignore_ascii_case("auto") {
        chrono_tz::Europe::Paris
    } else {
        zone.trim()
            .parse::<Tz>()
            .map_err(|_| format!("This double knows no timezone '{zone}'."))?
    };
    if daily_alone(params) {
        Ok(tz)
    } else {
        Err(format!(
            "This double answers the timezone '{zone}' for `daily` alone: `current` and `hourly` come in GMT only."
        ))
    }
}

/// Whether `daily` is asked for, and neither `current` nor `hourly`.
fn daily_alone(params: &[(String, String)]) -> bool {
    let asked = |key| query_param(params, key).is_some_and(|asked| !asked.is_empty());
    asked("daily") && !asked("current") && !asked("hourly")
}

/// A made-up but steady daily value of `variable` on `day`.
fn daily_reading(variable: &str, day: NaiveDate) -> Value {
    let wave = (f64::from(day.ordinal()) / 5.0).sin();
    let rounded = |x: f64| Value::from((x * 10.0).round() / 10.0);
    match variable {
        "temperature_2m_max" => rounded(14.0 + 3.0 * wave),
        "temperature_2m_min" => rounded(5.0 + 2.0 * wave),
        "precipitation_sum" | "rain_sum" => rounded((2.0 * wave).max(0.0)),
        "wind_speed_10m_max" => rounded(20.0 + 6.0 * wave),
        "weather_code" => Value::from(if wave > 0.0 { 61 } else { 3 }),
        _ => Value::from(0.0),
    }
}

/// The units and parallel arrays of the `daily` variables asked for, `None` when none is, the
/// days those of `zone`: `Err` is the API's reason.
fn daily_forecast(
    params: &[(String, String)],
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<Option<Columns>, String> {
    let Some((asked, past, ahead)) = asked_span(params, "daily")? else {
        return Ok(None);
    };
    let today = now.with_timezone(&zone).date_naive();
    let days: Vec<NaiveDate> = (-past..ahead)
        .map(|day| today + TimeDelta::days(day))
        .collect();
    let dates = days.iter().map(|day| day.format("%Y-%m-%d").to_string());
    let daily = Variables {
        key: "daily",
        known: DAILY_VARIABLES,
        type_name: "ForecastVariableDaily",
    };
    daily
        .columns(&asked, dates, |name, i| daily_reading(name, days[i]))
        .map(Some)
}

/// The variables asked for under `key` (`hourly`, `daily`), and the days from today the answer
/// spans (`past_days` before, `forecast_days` from it); `None` when none is asked for.
fn asked_span(
    params: &[(String, String)],
    key: &str,
) -> Result<Option<(String, i64, i64)>, String> {
    let Some(asked) = query_param(params, key).filter(|asked| !asked.is_empty()) else {
        return Ok(None);
    };
    let past = days(params, "past_days", 0, 92)?;
    let ahead = days(params, "forecast_days", 7, 16)?;
    Ok(Some((asked, past, ahead)))
}

/// The units and parallel arrays of the `hourly` variables asked for, `None` when none is:
/// `Err` is the API's reason.
fn hourly_forecast(
    params: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Option<Columns>, String> {
    let Some((asked, past, ahead)) = asked_span(params, "hourly")? else {
        return Ok(None);
    };
    let midnight = now.duration_trunc(TimeDelta::days(1)).unwrap_or(now);
    let hours: Vec<DateTime<Utc>> = (-past * 24..ahead * 24)
        .map(|hour| midnight + TimeDelta::hours(hour))
        .collect();
    let times = hours
        .iter()
        .map(|at| at.format("%Y-%m-%dT%H:%M").to_string());
    let hourly = Variables {
        key: "hourly",
        known: VARIABLES,
        type_name: "ForecastVariable",
    };
    hourly
        .columns(&asked, times, |name, i| reading(name, hours[i]))
        .map(Some)
}

/// The variables one member of an answer (`hourly`, `daily`) may be asked for.
struct Variables {
    /// The query parameter, and the member of the answer.
    key: &'static str,
    /// Its variables, with their units.
    known: &'static [(&'static str, &'static str)],
    /// The type the API names when it refuses a variable.
    type_name: &'static str,
}

impl Variables {
    /// The units and parallel arrays of the variables `asked` (`a,b,..`), one item per step of
    /// `times`, `value(variable, i)` that of step `i`: `Err` is the API's reason.
    fn columns(
        &self,
        asked: &str,
        times: impl Iterator<Item = String>,
        value: impl Fn(&str, usize) -> Value,
    ) -> Result<Columns, String> {
        let times: Vec<Value> = times.map(Value::from).collect();
        let steps = times.len();
        let mut units = Map::new();
        let mut columns = Map::new();
        units.insert("time".into(), "iso8601".into());
        columns.insert("time".into(), Value::Array(times));
        for variable in asked.split(',').filter(|v| !v.is_empty()) {
            let Some((name, unit)) = self.known.iter().find(|(name, _)| *name == variable) else {
                return Err(format!(
                    "Cannot initialize {} from invalid String value {variable} for key {}",
                    self.type_name, self.key
                ));
            };
            units.insert((*name).into(), (*unit).into());
            let values = (0..steps).map(|i| value(name, i));
            columns.insert((*name).into(), Value::Array(values.collect()));
        }
        Ok((units, columns))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_zone_is_answered_for_daily_values_alone_and_any_name_of_utc_is_gmt() {
        let asked = |pairs: &[(&str, &str)]| {
            let params: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            asked_zone(&params)
        };
        let daily = ("daily", "temperature_2m_max");
        let hourly = ("hourly", "temperature_2m");
        assert_eq!(
            asked(&[daily, ("timezone", "auto")]),
            Ok(chrono_tz::Europe::Paris)
        );
        assert_eq!(
            asked(&[daily, ("timezone", "America/New_York")]),
            Ok(chrono_tz::America::New_York)
        );
        for utc in ["utc", "Etc/GMT+0", "Zulu", ""] {
            assert_eq!(asked(&[hourly, ("timezone", utc)]), Ok(Tz::UTC), "{utc}");
        }
        assert!(
            asked(&[hourly, ("timezone", "Europe/Paris")])
                .expect_err("local hours")
                .contains("for `daily` alone")
        );
        assert!(
            asked(&[daily, ("timezone", "Europe/Pari")])
                .expect_err("no such zone")
                .contains("knows no timezone 'Europe/Pari'")
        );
    }

    #[test]
    fn the_limit_counts_calls_per_clock_minute() {
        let double = OpenMeteoDouble::new().with_minutely_limit(2);
        let at = |s| {
            Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, s)
                .single()
                .expect("time")
        };
        let over: Vec<bool> = [0, 20, 59]
            .into_iter()
            .map(|s| double.over_limit(at(s)).is_some())
            .collect();
        assert_eq!(over, [false, false, true]);
        let next_minute = at(59) + TimeDelta::seconds(1);
        assert!(
            double.over_limit(next_minute).is_none(),
            "a new minute, a new count"
        );
        assert_eq!(double.refused(), 1);
    }

    #[test]
    fn daily_values_are_one_per_gmt_day_dated_by_the_day_alone() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 3, 15, 20, 0)
            .single()
            .expect("time");
        let params: Vec<(String, String)> = [
            ("daily", "temperature_2m_max,precipitation_sum"),
            ("past_days", "1"),
            ("forecast_days", "2"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let (units, daily) = daily_forecast(&params, now, Tz::UTC)
            .expect("valid")
            .expect("daily asked");
        assert_eq!(
            daily["time"],
            json!(["2026-12-02", "2026-12-03", "2026-12-04"])
        );
        assert_eq!(
            daily["temperature_2m_max"].as_array().map(Vec::len),
            Some(3)
        );
        assert_eq!(units["precipitation_sum"], json!("mm"));
        let unknown = [("daily".to_owned(), "temperature_2m".to_owned())];
        assert!(
            daily_forecast(&unknown, now, Tz::UTC)
                .expect_err("an hourly variable")
                .contains("temperature_2m")
        );
        // 23:30 UTC on 3 December is 4 December in Paris.
        let late = now + TimeDelta::minutes(8 * 60 + 10);
        let (_, paris) = daily_forecast(&params, late, chrono_tz::Europe::Paris)
            .expect("valid")
            .expect("daily asked");
        assert_eq!(
            paris["time"],
            json!(["2026-12-03", "2026-12-04", "2026-12-05"])
        );
    }

    #[test]
    fn the_daily_limit_counts_calls_per_utc_day() {
        let double = OpenMeteoDouble::new()
            .with_minutely_limit(600)
            .with_daily_limit(1);
        let at = |day, hour| {
            Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0)
                .single()
                .expect("time")
        };
        assert_eq!(double.over_limit(at(1, 0)), None);
        assert_eq!(
            double.over_limit(at(1, 23)),
            Some("Daily API request limit exceeded. Please try again tomorrow.")
        );
        assert_eq!(double.over_limit(at(2, 0)), None, "a new UTC day");
        assert_eq!(double.refused(), 1);
    }
}
