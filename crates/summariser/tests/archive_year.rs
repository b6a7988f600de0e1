//! A source reading Open-Meteo's historical archive (`columns = true`): each run lands the
//! whole range again, hundreds or thousands of hours in one file. A year of them took minutes
//! on nx-27017, where each summary sent as an upsert costs a scan of `hourly` and each `$or`
//! of 200 pending hours cleared another: the hours' summaries and notes must cost a few
//! commands, whatever the number of hours, and the same range landed again none.

mod common;

use std::collections::BTreeMap;

use chrono::{TimeDelta, TimeZone, Utc};
use common::{Workspace, stderr};
use mongodb::bson::{Document, doc};
use serde_json::{Value, json};
use testkit::mongo_proxy::{Conduct, MongoProxy};

const ARCHIVE: &str = r#"
[[source]]
name = "archive"
kind = "http_json"
url = "https://archive-api.open-meteo.com/v1/archive"
params = { latitude = "45.7640", longitude = "4.8357", start_date = "2025-01-01", end_date = "2025-01-31", hourly = "temperature_2m,precipitation" }
every = "30d"
records = "hourly"
columns = true
key = "time"
time = "time"
numeric = ["temperature_2m", "precipitation"]
totals = ["precipitation"]
"#;

/// January 2025 at one place as the collector lands it: 744 hours, the last day's `null`.
fn january() -> Value {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("a date");
    let hours: Vec<Value> = (0..744)
        .map(|h| {
            let at = start + TimeDelta::hours(h);
            let value = |v: f64| if h < 720 { json!(v) } else { Value::Null };
            json!({
                "time": at.format("%Y-%m-%dT%H:%M").to_string(),
                "temperature_2m": value(f64::from(i32::try_from(h % 30).unwrap_or(0)) / 2.0),
                "precipitation": value(if h % 7 == 0 { 0.4 } else { 0.0 }),
            })
        })
        .collect();
    json!({"latitude": 45.76, "longitude": 4.84, "timezone": "GMT", "hourly": hours})
}

/// The commands of a summariser run through a counting proxy, after it succeeded, and the
/// filters of its `find`s on `records`.
fn commands_of_a_run(ws: &Workspace) -> (BTreeMap<String, usize>, Vec<Document>) {
    let proxy = MongoProxy::start(testkit::MongoServer::shared().uri(), Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    (proxy.commands(), proxy.find_filters("records"))
}

#[tokio::test]
async fn a_month_of_archive_hours_is_summarised_in_a_few_commands_and_again_in_none() {
    let ws = Workspace::new("archive-month");
    std::fs::write(ws.dir.path().join("sources.toml"), ARCHIVE).expect("config");
    ws.land("archive", (3, 0, 0), &january());
    let (first, _) = commands_of_a_run(&ws);
    assert_eq!(
        first.get("update"),
        Some(&1),
        "the new hours' summaries inserted, not sent as upserts; one update, the note of the newest file summarised: {first:?}"
    );
    assert_eq!(
        first.get("delete"),
        Some(&1),
        "the pending note of 744 consecutive hours cleared at once: {first:?}"
    );
    let hourly = ws.db().await.collection::<Document>("hourly");
    let summaries = hourly
        .count_documents(doc! {"source": "archive"})
        .await
        .expect("hours counted");
    assert_eq!(summaries, 744, "one summary an hour");
    let pending = ws
        .db()
        .await
        .collection::<Document>("summariser_pending")
        .count_documents(doc! {})
        .await
        .expect("notes counted");
    assert_eq!(pending, 0, "the pending note of the month's hours cleared");

    // The next run lands the same range again: nothing changed, nothing written.
    ws.land("archive", (4, 0, 0), &january());
    let (second, finds) = commands_of_a_run(&ws);
    // Every stored record of the month is one of the file's keys: read by the range of their
    // hours, in one pass of the `(source, hour)` index, not by an `$in` of 744 keys.
    assert!(
        finds.len() <= 2
            && finds.iter().any(|filter| filter.contains_key("hour"))
            && !finds.iter().any(|filter| filter.contains_key("key")),
        "the month landed again read from `records` by its hours' range; read by: {:?}",
        finds
            .iter()
            .map(|filter| filter.keys().cloned().collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    for write in ["insert", "delete"] {
        assert_eq!(
            second.get(write),
            None,
            "the same hours landed again write nothing: {second:?}"
        );
    }
    assert_eq!(
        second.get("update"),
        Some(&1),
        "one update, the note of the newest file summarised: {second:?}"
    );
    assert_eq!(ws.remaining("archive"), 0, "both files summarised");
}

/// Two stations' hourly readings keyed by station and hour, as a network's archive serves them.
const STATIONS: &str = r#"
[[source]]
name = "stations"
kind = "http_json"
url = "https://example.org/archive"
every = "30d"
records = "readings"
key = ["station", "time"]
time = "time"
numeric = ["temperature"]
"#;

/// Two days of hourly readings of `stations`, as the archive serves them.
fn two_days_of(stations: &[&str]) -> Value {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("a date");
    let readings: Vec<Value> = stations
        .iter()
        .flat_map(|station| {
            (0..48).map(move |h| {
                json!({
                    "station": station,
                    "time": (start + TimeDelta::hours(h)).format("%Y-%m-%dT%H:%M").to_string(),
                    "temperature": f64::from(i32::try_from(h % 12).unwrap_or(0)) / 2.0,
                })
            })
        })
        .collect();
    json!({"readings": readings})
}

/// An archive landed again after it dropped a station: its hours hold twice the file's keys,
/// the dropped station's records kept. The file's keys were then looked up by `$in` (17 s for
/// a year on nx-27017) for the dropped station's one record an hour; reading the hours' range
/// costs at most twice the file's records, in one pass.
#[tokio::test]
async fn an_archive_landed_again_without_a_station_is_still_read_by_its_hours_range() {
    let ws = Workspace::new("archive-dropped-station");
    std::fs::write(ws.dir.path().join("sources.toml"), STATIONS).expect("config");
    ws.land("stations", (3, 0, 0), &two_days_of(&["lyon", "bron"]));
    commands_of_a_run(&ws);
    let db = ws.db().await;
    let summaries = || async {
        let mut counts = Vec::new();
        let mut found = db
            .collection::<Document>("hourly")
            .find(doc! {"source": "stations"})
            .sort(doc! {"hour": 1})
            .await
            .expect("summaries read");
        while found.advance().await.expect("a summary") {
            let summary = found.deserialize_current().expect("a summary");
            counts.push((
                summary.get_datetime("hour").copied().expect("an hour"),
                summary
                    .get_i64("count")
                    .or_else(|_| summary.get_i32("count").map(i64::from)),
            ));
        }
        counts
    };
    let before = summaries().await;
    assert_eq!(before.len(), 48, "one summary an hour");

    ws.land("stations", (4, 0, 0), &two_days_of(&["lyon"]));
    let (second, finds) = commands_of_a_run(&ws);
    assert!(
        !finds.iter().any(|filter| filter.contains_key("key")),
        "the two days landed again without `bron` read from `records` by their hours' range, \
         not their keys; read by: {:?}",
        finds
            .iter()
            .map(|filter| filter.keys().cloned().collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    for write in ["insert", "delete"] {
        assert_eq!(second.get(write), None, "nothing new landed: {second:?}");
    }
    let records = db
        .collection::<Document>("records")
        .count_documents(doc! {"source": "stations"})
        .await
        .expect("counted");
    assert_eq!(records, 96, "both stations' records kept");
    assert_eq!(
        summaries().await,
        before,
        "each hour still counts both stations"
    );
    assert_eq!(ws.remaining("stations"), 0, "both files summarised");
}
