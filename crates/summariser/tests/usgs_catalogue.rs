//! A seismologist's catalogue from the shipped USGS source: what she finds in MongoDB after the
//! summariser stored the feed's snapshots, event by event.

mod common;

use common::Workspace;
use serde_json::{Value, json};

/// The `usgs-earthquakes` table of the shipped `sources.toml`, as she runs it.
fn shipped_usgs() -> String {
    let shipped = std::fs::read_to_string(testkit::workspace_root().join("sources.toml"))
        .expect("the shipped sources.toml");
    let table = shipped
        .split("[[source]]")
        .find(|table| table.contains("name = \"usgs-earthquakes\""))
        .expect("the shipped USGS table");
    format!("[[source]]{table}")
}

/// A workspace whose configuration is the shipped USGS table alone.
fn catalogue(label: &str) -> Workspace {
    let ws = Workspace::new(label);
    std::fs::write(ws.dir.path().join("sources.toml"), shipped_usgs()).expect("config");
    ws
}

/// A feature as the feeds serve it: its preferred `id`, every id the event is known by in
/// `ids`, epoch milliseconds for `time` and `updated`.
fn feature(id: &str, ids: &[&str], time_ms: i64, updated_ms: i64, mag: f64) -> Value {
    json!({"type": "Feature", "id": id,
        "properties": {"mag": mag, "place": "71 km SSE of Cantwell, Alaska", "time": time_ms,
            "updated": updated_ms, "status": "automatic", "net": &id[..2],
            "ids": format!(",{},", ids.join(",")), "type": "earthquake"},
        "geometry": {"type": "Point", "coordinates": [-148.61, 62.86, 85.2]}})
}

fn feed(features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection",
        "metadata": {"title": "USGS All Earthquakes, Past Hour", "status": 200, "count": features.len()},
        "features": features})
}

/// ComCat's `query` endpoint serves the historical catalogue in the same GeoJSON, every time
/// in epoch milliseconds: an event of May 1972 is `75000000000`, one of July 1969
/// `-15000000000`. Each is stored in its own hour, not read as seconds (the year 4346, the
/// year 1494).
#[tokio::test]
async fn events_of_1969_and_1972_from_the_catalogue_are_stored_in_their_own_years() {
    use chrono::{DateTime, Datelike, Utc};
    let ws = catalogue("usgs-historical");
    let may_1972: i64 = 75_000_000_000;
    let july_1969: i64 = -15_000_000_000;
    ws.land(
        "usgs-earthquakes",
        (10, 0, 0),
        &feed(vec![
            feature(
                "ci3319041",
                &["ci3319041"],
                may_1972,
                may_1972 + 3_600_000,
                4.4,
            ),
            feature(
                "ci3298971",
                &["ci3298971"],
                july_1969,
                july_1969 + 3_600_000,
                3.7,
            ),
        ]),
    );
    ws.summarise();

    for (key, millis) in [("ci3319041", may_1972), ("ci3298971", july_1969)] {
        let expected = DateTime::<Utc>::from_timestamp_millis(millis).expect("a time");
        let record = ws
            .record("usgs-earthquakes", key)
            .await
            .unwrap_or_else(|| panic!("{key} ({expected}) is not stored at all"));
        let stored = releve::store::chrono_date(*record.get_datetime("time").expect("time"));
        assert_eq!(
            (stored.year(), stored),
            (expected.year(), expected),
            "{key}: USGS's epoch milliseconds read as its time"
        );
    }
}

/// The values of `field` counted in an hour's summary, as `(value, count)`, most counted first.
fn counted(hour: &mongodb::bson::Document, field: &str) -> Vec<(String, i64)> {
    let Some(category) = hour
        .get_array("categories")
        .expect("categories")
        .iter()
        .filter_map(mongodb::bson::Bson::as_document)
        .find(|category| category.get_str("field") == Ok(field))
    else {
        return Vec::new();
    };
    category
        .get_array("values")
        .expect("values")
        .iter()
        .filter_map(mongodb::bson::Bson::as_document)
        .map(|value| {
            let count = common::integer(value.get("count").expect("count"));
            (value.get_str("value").expect("value").to_owned(), count)
        })
        .collect()
}

/// One hour holds a local magnitude of California, a duration magnitude of Hawaii, a body-wave
/// magnitude and a W-phase moment magnitude of the NEIC: four scales that the hour's mean of
/// `properties.mag` pools. The hour's summary (and so the report) counts the events of each
/// magnitude type, and how many of them are still automatic solutions, not yet reviewed, so
/// that a mean of mixed scales and preliminary values is not read as one scale's.
#[tokio::test]
async fn an_hour_counts_its_magnitude_types_and_its_solutions_not_yet_reviewed() {
    let ws = catalogue("usgs-magnitude-types");
    let solution = |id: &str, minute: u32, mag: f64, mag_type: &str, status: &str| {
        let mut event = common::quake(id, (10, minute), mag);
        event["properties"]["magType"] = json!(mag_type);
        event["properties"]["status"] = json!(status);
        event
    };
    ws.land(
        "usgs-earthquakes",
        (11, 0, 0),
        &feed(vec![
            solution("ci40000001", 1, 1.2, "ml", "automatic"),
            solution("ci40000002", 5, 2.4, "ml", "reviewed"),
            solution("hv70000001", 9, 2.1, "md", "automatic"),
            solution("us70000001", 20, 4.7, "mb", "reviewed"),
            solution("us70000002", 40, 6.3, "mww", "reviewed"),
        ]),
    );
    ws.summarise();

    let hour = ws
        .hour("usgs-earthquakes", 10)
        .await
        .expect("the 10:00 hour");
    assert_eq!(
        counted(&hour, "properties.magType"),
        [
            ("ml".to_owned(), 2),
            ("mb".to_owned(), 1),
            ("md".to_owned(), 1),
            ("mww".to_owned(), 1)
        ],
        "the magnitude types pooled in the hour's mean magnitude"
    );
    assert_eq!(
        counted(&hour, "properties.status"),
        [("reviewed".to_owned(), 3), ("automatic".to_owned(), 2)],
        "how many of the hour's solutions are reviewed"
    );
}

/// January 2026 of USGS's catalogue (its `query`), 45,000 events past its cap of 20,000 on one
/// answer, collected by the real collector, which asks the month in parts, and stored by the
/// real summariser: she finds the run in `runs` with the parts it was asked in, `window_parts`,
/// an integer (sent as a 64-bit one, `run_document`'s unit test says; the test server answers
/// small ones as 32-bit, so the width read here is the server's).
#[tokio::test]
async fn a_month_asked_in_parts_is_stored_with_its_parts_counted() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("time")
        .to_utc();
    let catalogue = testkit::usgs::Catalogue::evenly(start, 45_000, 50_000);
    let server = testkit::http::LocalServer::start(catalogue.router());
    let ws = Workspace::new("usgs-window-parts");
    let config = format!(
        r#"
[[source]]
name = "usgs-catalogue"
kind = "http_json"
url = "{}{}"
every = "1d"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
params = {{ format = "geojson", starttime = "2026-01-01", endtime = "2026-02-01" }}
"#,
        server.url(),
        testkit::usgs::QUERY_PATH
    );
    std::fs::write(ws.dir.path().join("sources.toml"), config).expect("config");
    let collected = std::process::Command::new(testkit::binary("collector"))
        .current_dir(ws.dir.path())
        .args(["--config", "sources.toml", "--raw-dir", "raw", "--force"])
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the collector runs");
    assert!(
        collected.status.success(),
        "the collector failed: {}",
        common::stderr(&collected)
    );
    ws.summarise();

    let runs = ws.documents("runs").await;
    let [run] = &runs[..] else {
        panic!("one run stored: {runs:?}");
    };
    // The month refused, its first half refused: its quarters and its second half answered.
    let count = |field: &str| run.get(field).map(common::integer);
    assert_eq!(
        (
            run.get_str("source"),
            count("records"),
            count("window_parts")
        ),
        (Ok("usgs-catalogue"), Some(45_000), Some(3)),
        "the run's parts counted: {run}"
    );
}
