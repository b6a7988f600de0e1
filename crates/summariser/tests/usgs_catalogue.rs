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
