//! A summariser writing to a remote MongoDB (Atlas's free tier, as the README suggests) over a
//! metered link: each hourly run of the default sources moves about 0.3 MB with the server
//! (the stored versions of the batch's keys come back whole), about 7 MB a day.

mod common;

use chrono::{TimeDelta, TimeZone, Utc};
use common::{Workspace, quake, snapshot};
use mongodb::bson::{Document, doc};
use releve::store::bson_date;
use testkit::mongo_proxy::{Conduct, MongoProxy};

/// `compressors` is MongoDB's own URI option for compressing a connection's traffic
/// (`mongodb://…/?compressors=zstd,zlib`, documented by every MongoDB driver and by Atlas), the
/// first thing a user paying for each megabyte adds. relevé's driver is built without any
/// compression, so the URI is refused, every run, as "compressors is an invalid option. An
/// option with a similar name exists: compressors": a contradiction that names no way out.
/// Once fixed, either the run goes on (compressing, or the option set aside with a word), or
/// it says plainly that relevé cannot compress its MongoDB traffic and to remove the option.
#[test]
fn a_uri_asking_mongodb_to_compress_its_traffic_is_not_called_an_invalid_option() {
    let ws = Workspace::new("compressors");
    ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("us1", (9, 30), 2.0)]),
    );
    let base = testkit::MongoServer::shared().uri().trim_end_matches('/');
    let uri = if base.contains('?') {
        format!("{base}&compressors=zlib")
    } else {
        format!("{base}/?compressors=zlib")
    };
    let output = ws.command(&uri).output().expect("summariser runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success()
            || (!stderr.contains("is an invalid option") && stderr.contains("compressors")),
        "a URI with MongoDB's `compressors` option: exit {:?}, said: {stderr}",
        output.status.code()
    );
}

/// A forecast stamped by its run and keyed by both (`key = ["time", "run_at"]`, as the README
/// shows): every run's 168 hours are new keys, in hours holding every earlier run's forecast.
const STAMPED_FORECAST: &str = r#"
[[source]]
name = "forecast-runs"
kind = "http_json"
url = "https://api.open-meteo.com/v1/forecast"
params = { latitude = "43.6", longitude = "1.44", hourly = "temperature_2m" }
every = "1h"
records = "hourly"
columns = true
key = ["time", "run_at"]
time = "time"
numeric = ["temperature_2m"]
"#;

/// The forecast made at hour `run` of 1 June 2025: its next 168 hours, stamped.
fn forecast_run(run: i64) -> serde_json::Value {
    let made = first_hour() + TimeDelta::hours(run);
    let hours: Vec<serde_json::Value> = (0..168)
        .map(|h| {
            let at = made + TimeDelta::hours(h);
            serde_json::json!({
                "time": at.format("%Y-%m-%dT%H:%M").to_string(),
                "run_at": made.format("%Y-%m-%dT%H:%M:03Z").to_string(),
                "temperature_2m": 12.5,
            })
        })
        .collect();
    serde_json::json!({"latitude": 43.6, "longitude": 1.44, "timezone": "GMT", "hourly": hours})
}

fn first_hour() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0)
        .single()
        .expect("a date")
}

/// Each run of a stamped forecast looked up the stored records of its hours by their range:
/// every forecast already stored for them, with its `data` (about 14,000 records a run once a
/// week of runs is stored, 5 MB), none of them the run's, where the README promises about
/// 7 MB a day. A run's lookups return about its own keys' records at most.
#[tokio::test]
async fn a_stamped_forecast_run_does_not_read_back_every_earlier_forecast_of_its_hours() {
    let ws = Workspace::new("stamped-forecast");
    std::fs::write(ws.dir.path().join("sources.toml"), STAMPED_FORECAST).expect("config");
    let server = testkit::MongoServer::shared().uri();
    for run in 0..5 {
        ws.land("forecast-runs", (run, 0, 0), &forecast_run(run.into()));
        let output = ws.command(server).output().expect("summariser runs");
        assert!(output.status.success(), "{}", common::stderr(&output));
    }
    ws.land("forecast-runs", (5, 0, 0), &forecast_run(5));
    let hours = doc! {"source": "forecast-runs", "hour": {
        "$gte": bson_date(first_hour() + TimeDelta::hours(5)),
        "$lte": bson_date(first_hour() + TimeDelta::hours(5 + 167)),
    }};
    let records = ws.db().await.collection::<Document>("records");
    let stored_there = records.count_documents(hours).await.expect("counted");
    assert_eq!(
        stored_there, 825,
        "the earlier runs' forecasts of the run's hours"
    );

    let proxy = MongoProxy::start(server, Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", common::stderr(&output));
    let returned = proxy.documents_returned();
    let read: usize = ["find records", "getMore records"]
        .iter()
        .filter_map(|kind| returned.get(*kind))
        .sum();
    // The hours' counts return one small document (its hour) per stored record, and their
    // summaries are recomputed from every record stored in them once the run's 168 are
    // written; the lookups may add about the run's 168 keys' records, at most.
    let stored_there = usize::try_from(stored_there).expect("a count");
    assert!(
        read <= stored_there + (stored_there + 168) + 168,
        "documents read from `records` by a run of 168 new forecasts over {stored_there} \
         stored in their hours: {read} ({returned:?})"
    );
    let all = records
        .count_documents(doc! {"source": "forecast-runs"})
        .await
        .expect("counted");
    assert_eq!(all, 6 * 168, "every run's forecast stored");
}

/// A stamped forecast landed again (the collector's run retried, the same answer), its hours
/// holding every earlier run's forecast: its keys, all stored, are looked up by `$in` and the
/// hours' range is not read; nothing is written, and MongoDB holds what it held.
#[tokio::test]
async fn a_stamped_forecast_landed_again_is_found_by_its_keys_and_writes_nothing() {
    let ws = Workspace::new("stamped-forecast-again");
    std::fs::write(ws.dir.path().join("sources.toml"), STAMPED_FORECAST).expect("config");
    let server = testkit::MongoServer::shared().uri();
    for run in 0..5 {
        ws.land("forecast-runs", (run, 0, 0), &forecast_run(run.into()));
        let output = ws.command(server).output().expect("summariser runs");
        assert!(output.status.success(), "{}", common::stderr(&output));
    }
    let db = ws.db().await;
    let records = ws.documents("records").await;
    let summaries = ws.documents("hourly").await;
    assert_eq!(records.len(), 5 * 168, "every run's forecast stored");

    ws.land("forecast-runs", (5, 0, 0), &forecast_run(3));
    let proxy = MongoProxy::start(server, Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", common::stderr(&output));

    let finds = proxy.find_filters("records");
    assert!(
        !finds.is_empty() && finds.iter().all(|filter| filter.contains_key("key")),
        "the run's keys looked up by `$in`, the range of their hours not read: {:?}",
        finds
            .iter()
            .map(|filter| filter.keys().cloned().collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    let returned = proxy.documents_returned();
    let read: usize = ["find records", "getMore records"]
        .iter()
        .filter_map(|kind| returned.get(*kind))
        .sum();
    assert_eq!(
        read, 168,
        "the run's own 168 records read back: {returned:?}"
    );
    let kinds = proxy.commands_by_kind();
    for write in [
        "insert records",
        "update records",
        "insert hourly",
        "update hourly",
    ] {
        assert_eq!(kinds.get(write), None, "nothing written: {kinds:?}");
    }
    assert_eq!(
        ws.documents("records").await,
        records,
        "the records as they were"
    );
    assert_eq!(
        ws.documents("hourly").await,
        summaries,
        "the summaries as they were"
    );
    let summarised = db
        .collection::<Document>("hourly")
        .count_documents(doc! {"source": "forecast-runs"})
        .await
        .expect("counted");
    assert_eq!(summarised, 172, "one summary per forecast hour");
    assert_eq!(ws.remaining("forecast-runs"), 0, "the file summarised");
}

/// The forecast made at hour `run`, with the fields Open-Meteo also serves when asked for
/// them, which the source does not summarise.
fn forecast_run_with_more_fields(run: i64) -> serde_json::Value {
    let mut answer = forecast_run(run);
    if let Some(hours) = answer["hourly"].as_array_mut() {
        for hour in hours {
            hour["relative_humidity_2m"] = serde_json::json!(71);
            hour["apparent_temperature"] = serde_json::json!(11.9);
            hour["weather_code"] = serde_json::json!(3);
            hour["wind_direction_10m"] = serde_json::json!(284);
            hour["surface_pressure"] = serde_json::json!(1003.4);
        }
    }
    answer
}

/// A stamped forecast's hours are summarised again at each run from every stored forecast of
/// them: each came back whole, its stamp and the fields the source does not summarise
/// included. They bring back what the summary reads alone, and the summaries are the same.
#[tokio::test]
async fn a_stamped_forecasts_hours_are_read_back_without_the_fields_not_summarised() {
    let ws = Workspace::new("stamped-forecast-fields");
    std::fs::write(ws.dir.path().join("sources.toml"), STAMPED_FORECAST).expect("config");
    let server = testkit::MongoServer::shared().uri();
    for run in 0..5 {
        ws.land(
            "forecast-runs",
            (run, 0, 0),
            &forecast_run_with_more_fields(run.into()),
        );
        let output = ws.command(server).output().expect("summariser runs");
        assert!(output.status.success(), "{}", common::stderr(&output));
    }
    ws.land(
        "forecast-runs",
        (5, 0, 0),
        &forecast_run_with_more_fields(5),
    );
    let proxy = MongoProxy::start(server, Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", common::stderr(&output));

    let kinds = ["find records", "getMore records"];
    let returned = proxy.documents_returned();
    let read: usize = kinds.iter().filter_map(|kind| returned.get(*kind)).sum();
    let bytes = proxy.bytes_returned();
    let read_bytes: usize = kinds.iter().filter_map(|kind| bytes.get(*kind)).sum();
    assert!(
        read_bytes <= read * 90,
        "{read_bytes} bytes for the {read} documents read from `records`, about a record's \
         key, hour and temperature each ({bytes:?})"
    );
    // The summaries as a run reading whole records writes them: each hour of the last run
    // counts each stored forecast of it (the six runs' of its first hours, its own alone of
    // its last), all of 12.5 °C.
    let db = ws.db().await;
    for (lead, forecasts) in [(0, 6), (100, 6), (164, 4), (167, 1)] {
        let hour = first_hour() + TimeDelta::hours(5 + lead);
        let summary = db
            .collection::<releve::store::HourlySummary>("hourly")
            .find_one(doc! {"source": "forecast-runs", "hour": bson_date(hour)})
            .await
            .expect("read")
            .expect("a summary of the hour");
        let temperature = summary.numeric.first().expect("temperature_2m");
        assert_eq!(
            (summary.count, temperature.sum, temperature.mean),
            (forecasts, 12.5 * forecasts as f64, Some(12.5)),
            "the summary of hour {hour}: {summary:?}"
        );
    }
}
