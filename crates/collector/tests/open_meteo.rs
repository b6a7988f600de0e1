//! The shipped Open-Meteo sources against a local double of the forecast API that checks its
//! parameters as the real one does: what lands (the current step; the hourly forecast's and
//! the daily values' parallel arrays as one record per hour or day), a misspelled variable, the
//! minutely limit.

mod common;

use chrono::{NaiveDateTime, Timelike};
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;
use testkit::open_meteo::OpenMeteoDouble;

/// The `open-meteo-toulouse` table of the shipped `sources.toml`, asking `server`.
fn shipped_source(server: &LocalServer) -> String {
    shipped_table("open-meteo-toulouse", server)
}

/// The shipped table named `name`, asking `server`.
fn shipped_table(name: &str, server: &LocalServer) -> String {
    let shipped = std::fs::read_to_string(testkit::workspace_root().join("sources.toml"))
        .expect("the shipped sources.toml");
    let table = shipped
        .split("[[source]]")
        .find(|table| table.contains(&format!("name = \"{name}\"")))
        .expect("the shipped Open-Meteo table");
    let table = table.replace(
        "https://api.open-meteo.com/v1/forecast",
        &format!("{}/v1/forecast", server.url()),
    );
    assert!(table.contains(&server.url()), "the table's url is replaced");
    format!("[[source]]{table}")
}

fn landed(site: &Site) -> Vec<Value> {
    let files = site.data_files("open-meteo-toulouse");
    let last = files.last().expect("a landed file");
    let body: Value = serde_json::from_slice(&std::fs::read(last).expect("read")).expect("JSON");
    match &body["current"] {
        Value::Object(_) => vec![body["current"].clone()],
        other => panic!("no `current` in the landed answer: {other}"),
    }
}

/// Runs the shipped table `name` once against `server` and reads the file it landed.
async fn land_shipped(name: &str, server: &LocalServer) -> (Site, Value) {
    land(&shipped_table(name, server), name).await
}

/// Runs `config`, which holds the table `name`, once and reads the file `name` landed.
async fn land(config: &str, name: &str) -> (Site, Value) {
    let site = Site::new(config);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    let files = site.data_files(name);
    let body = serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    (site, body)
}

#[tokio::test]
async fn the_shipped_source_lands_the_current_step_with_its_variables() {
    let double = OpenMeteoDouble::new();
    let server = LocalServer::start(double.router());
    let site = Site::new(&shipped_source(&server));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    let current = &landed(&site)[0];
    let time = current["time"].as_str().expect("a time");
    let time = NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M").expect("minutes, no offset");
    assert_eq!(time.minute() % 15, 0, "a 15-minute step: {time}");
    for variable in [
        "temperature_2m",
        "relative_humidity_2m",
        "wind_speed_10m",
        "weather_code",
    ] {
        assert!(current[variable].is_number(), "{variable}: {current}");
    }
    let request = &double.requests()[0];
    assert!(
        request.contains("latitude=43.6047") && request.contains("longitude=1.4442"),
        "{request}"
    );
}

#[tokio::test]
async fn a_variable_the_api_does_not_know_fails_once_with_its_reason() {
    let double = OpenMeteoDouble::new();
    let server = LocalServer::start(double.router());
    let config = shipped_source(&server).replace("temperature_2m,", "temperature_2n,");
    let site = Site::new(&config);
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("HTTP 400")
            && reason.contains("invalid String value temperature_2n for key current"),
        "{reason}"
    );
    assert_eq!(
        double.requests().len(),
        1,
        "a refused query is not asked again"
    );
}

#[tokio::test]
async fn past_the_minutely_limit_the_run_retries_then_fails_with_the_apis_reason() {
    let double = OpenMeteoDouble::new().with_minutely_limit(0);
    let server = LocalServer::start(double.router());
    let site = Site::new(&shipped_source(&server));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("Minutely API request limit exceeded. Please try again in one minute."),
        "{reason}"
    );
    assert_eq!(
        double.refused(),
        u64::from(fast_policy().max_attempts),
        "each attempt was answered 429"
    );
    let metrics = &site.metrics("open-meteo-toulouse")[0];
    assert_eq!(metrics.throttled, Some(double.refused()));
}

#[tokio::test]
async fn past_the_daily_limit_the_source_pauses_until_the_next_hour_after_one_call() {
    use chrono::{DurationRound, TimeDelta, Utc};
    // Within seconds of an hour's end the wait is short enough to be retried at once (the
    // tests' policy retries a wait up to 5 s): start past it.
    let into_hour = Utc::now().minute() * 60 + Utc::now().second();
    if into_hour >= 3590 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(3601 - into_hour))).await;
    }
    let next_hour = || {
        Utc::now()
            .duration_trunc(TimeDelta::hours(1))
            .expect("hour")
            + TimeDelta::hours(1)
    };
    let before = next_hour();
    let double = OpenMeteoDouble::new().with_daily_limit(0);
    let server = LocalServer::start(double.router());
    let site = Site::new(&shipped_source(&server));
    let reason = site.failed_run(false).await;
    assert!(
        reason.contains("Daily API request limit exceeded. Please try again tomorrow."),
        "{reason}"
    );
    assert_eq!(
        double.requests().len(),
        1,
        "no retry spends calls on a limit that lasts past the run"
    );
    let paused_until = site
        .state("open-meteo-toulouse")
        .paused_until
        .expect("the state holds when the pause ends");
    assert!(
        paused_until == before || paused_until == next_hour(),
        "the source tries again at the next full hour, not at every run: {paused_until}"
    );
    let later = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(&later.sources[0].1, collector::SourceResult::NotDue(_)),
        "{:?}",
        later.sources
    );
    assert_eq!(
        double.requests().len(),
        1,
        "the paused source calls nothing"
    );
}

#[tokio::test]
async fn the_shipped_hourly_forecast_lands_one_record_per_hour_with_its_variables() {
    use chrono::{NaiveTime, TimeDelta};
    let double = OpenMeteoDouble::new();
    let server = LocalServer::start(double.router());
    let (site, body) = land_shipped("open-meteo-toulouse-hourly", &server).await;
    let records = body["hourly"]
        .as_array()
        .expect("the hours land as an array of records");
    assert_eq!(
        records.len(),
        48,
        "today and tomorrow (`forecast_days = 2`)"
    );
    let time = |record: &Value| {
        let text = record["time"].as_str().expect("a time");
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("minutes, no offset")
    };
    assert_eq!(time(&records[0]).time(), NaiveTime::MIN, "from 00:00");
    for (hour, record) in records.iter().enumerate() {
        let fields: Vec<&String> = record.as_object().expect("a record").keys().collect();
        assert_eq!(
            fields,
            ["time", "temperature_2m", "precipitation", "wind_speed_10m"],
            "{record}"
        );
        let hours = i64::try_from(hour).expect("an hour");
        assert_eq!(time(record), time(&records[0]) + TimeDelta::hours(hours));
        assert!(record["temperature_2m"].is_number(), "{record}");
    }
    assert_eq!(
        body["hourly_units"]["temperature_2m"], "°C",
        "the rest lands as served"
    );
    assert_eq!(site.metrics("open-meteo-toulouse-hourly")[0].records, 48);
    assert!(
        double.requests()[0].contains("forecast_days=2"),
        "{:?}",
        double.requests()
    );
}

#[tokio::test]
async fn the_shipped_daily_values_land_one_record_per_day_dated_by_the_day() {
    use chrono::{NaiveDate, TimeDelta, Utc};
    let server = LocalServer::start(OpenMeteoDouble::new().router());
    let (site, body) = land_shipped("open-meteo-toulouse-daily", &server).await;
    let records = body["daily"]
        .as_array()
        .expect("the days land as an array of records");
    let days: Vec<NaiveDate> = records
        .iter()
        .map(|record| {
            let text = record["time"].as_str().expect("a day");
            NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date alone")
        })
        .collect();
    // Paris's yesterday: UTC's, or UTC's today late in the evening.
    let yesterday = Utc::now().date_naive() - TimeDelta::days(1);
    let first = days.first().copied().expect("a day");
    assert!(
        first == yesterday || first == yesterday + TimeDelta::days(1),
        "yesterday first (`past_days = 1`): {days:?}"
    );
    assert_eq!(
        days,
        (0..8)
            .map(|d| first + TimeDelta::days(d))
            .collect::<Vec<_>>(),
        "eight days in a row (`forecast_days = 7`)"
    );
    for record in records {
        let fields: Vec<&String> = record.as_object().expect("a record").keys().collect();
        assert_eq!(
            fields,
            [
                "time",
                "temperature_2m_max",
                "temperature_2m_min",
                "precipitation_sum",
                "wind_speed_10m_max"
            ],
            "{record}"
        );
    }
    assert_eq!(site.metrics("open-meteo-toulouse-daily")[0].records, 8);
    assert_eq!(body["timezone"], "Europe/Paris", "Toulouse's days");
}

/// The demo's recorded daily values: eight days from the day before the demo's day
/// (yesterday), each record holding every field the shipped table reads.
#[tokio::test]
async fn the_demo_replays_daily_values_around_yesterday() {
    use chrono::{TimeDelta, Utc};
    let yesterday = (Utc::now() - TimeDelta::days(1)).date_naive();
    let fixtures = testkit::workspace_root().join("tests/fixtures/recorded");
    let server =
        LocalServer::start(testkit::replay::router(&fixtures).expect("the recorded responses"));
    let config = shipped_table("open-meteo-toulouse-daily", &server).replace(
        &format!("{}/v1/forecast", server.url()),
        &format!("{}/open-meteo/v1/forecast", server.url()),
    );
    let (site, body) = land(&config, "open-meteo-toulouse-daily").await;
    let records = body["daily"].as_array().expect("the days as records");
    let days: Vec<&str> = records.iter().filter_map(|r| r["time"].as_str()).collect();
    assert_eq!(days.len(), 8, "{days:?}");
    // The replay moves its day to yesterday when it starts, perhaps past midnight.
    let second: [String; 2] = [yesterday, yesterday + TimeDelta::days(1)].map(|d| d.to_string());
    assert!(
        second.iter().any(|day| day == days[1]),
        "the demo's day second: {days:?}"
    );
    let parsed = releve::Config::parse(&config, &site.config()).expect("the shipped table");
    for (key, path) in parsed.sources[0].read_fields() {
        assert!(
            records.iter().all(|record| path.get(record).is_some()),
            "key `{key}` reads `{}`, which a recorded day lacks",
            path.as_str()
        );
    }
}

#[tokio::test]
async fn columns_of_different_lengths_land_nothing_and_say_which() {
    let body = r#"{"hourly": {"time": ["2026-12-03T00:00", "2026-12-03T01:00"], "temperature_2m": [7.5]}}"#;
    let server = LocalServer::start(axum::Router::new().route(
        "/v1/forecast",
        axum::routing::get(move || async move { body }),
    ));
    let config = shipped_table("open-meteo-toulouse-hourly", &server);
    let site = Site::new(&config);
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains(
            "key `records` = `hourly` holds `time` with 2 values but `temperature_2m` with 1: which values belong together is unclear, so nothing lands"
        ),
        "{reason}"
    );
}

#[tokio::test]
async fn a_column_written_twice_lands_nothing_and_says_which() {
    // A parsed body keeps the second `time` alone: landed, the records would take the hours of
    // the second copy, 03:00 to 04:00, for values served against the first, without a word.
    let body = r#"{"hourly": {"time": ["2026-12-03T00:00", "2026-12-03T01:00"], "temperature_2m": [7.5, 7.1], "precipitation": [0, 0], "wind_speed_10m": [9, 8], "time": ["2026-12-03T03:00", "2026-12-03T04:00"]}}"#;
    let server = LocalServer::start(axum::Router::new().route(
        "/v1/forecast",
        axum::routing::get(move || async move { body }),
    ));
    let site = Site::new(&shipped_table("open-meteo-toulouse-hourly", &server));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains(
            "key `records` = `hourly` holds `time` twice: which of its values belong to the records is unclear, so nothing lands"
        ),
        "{reason}"
    );
    assert!(site.data_files("open-meteo-toulouse-hourly").is_empty());
}

/// A source of daily values may ask Open-Meteo for a local zone's days (the shipped one asks
/// for Paris's), but only days written alone count right in any report zone: days dated by the
/// zone's midnights as instants (Open-Meteo's `timeformat=unixtime`, which the configuration
/// refuses beside a zone; here an API writing them so unasked) count in the day before in a
/// report zone west of it, so the run lands nothing and says why, naming the zone and one time
/// as served.
#[tokio::test]
async fn local_days_written_as_a_time_of_day_land_nothing_and_say_why() {
    // Paris's midnights of 30 November and 1 December 2026, as Open-Meteo's unixtime.
    let body = r#"{"timezone": "Europe/Paris", "utc_offset_seconds": 3600, "daily": {"time": [1795993200, 1796079600], "temperature_2m_max": [12.1, 11.0], "temperature_2m_min": [3.2, 4.0], "precipitation_sum": [0.0, 1.2], "wind_speed_10m_max": [14.0, 22.5]}}"#;
    let server = LocalServer::start(axum::Router::new().route(
        "/v1/forecast",
        axum::routing::get(move || async move { body }),
    ));
    let table = shipped_table("open-meteo-toulouse-daily", &server);
    assert!(table.contains("timezone = \"Europe/Paris\""), "{table}");
    let site = Site::new(&table);
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains(
            "key `params` asks the API for the days of `Europe/Paris`, but `time` (`time`) holds 1795993200, not a day written alone (`2026-11-30`)"
        ),
        "{reason}"
    );
    assert!(reason.contains("nothing landed"), "{reason}");
}

/// An hourly series asked in a local zone on a source of daily values is refused the same
/// way: its local times, written without an offset, would read as UTC.
#[tokio::test]
async fn local_hours_on_a_source_of_daily_values_land_nothing() {
    let body = r#"{"timezone": "Europe/Paris", "hourly": {"time": ["2026-12-03T00:00", "2026-12-03T01:00"], "temperature_2m": [7.5, 7.1], "precipitation": [0, 0], "wind_speed_10m": [9, 8]}}"#;
    let local = LocalServer::start(axum::Router::new().route(
        "/v1/forecast",
        axum::routing::get(move || async move { body }),
    ));
    let site = Site::new(
        &shipped_table("open-meteo-toulouse-hourly", &local)
            .replace("forecast = true", "forecast = true\nresolution = \"day\"")
            .replace("/v1/forecast\"", "/v1/forecast?timezone=Europe%2FParis\""),
    );
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains(
            "key `url` asks the API for the days of `Europe/Paris`, but `time` (`time`) holds \"2026-12-03T00:00\""
        ),
        "{reason}"
    );
}
