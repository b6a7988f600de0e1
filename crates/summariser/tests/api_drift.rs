//! An API whose fields drift over months: the same record served in a new shape keeps its
//! history right.

mod common;

use common::{Workspace, at, numeric, quake, snapshot};
use mongodb::bson::Bson;
use serde_json::{Value, json};

/// The tests' USGS source, its records versioned by `properties.updated`.
fn versioned_config() -> String {
    common::CONFIG.replace(
        "time = \"properties.time\"\n",
        "time = \"properties.time\"\nversion = \"properties.updated\"\n",
    )
}

/// Event `id` at 10:05 with magnitude `mag`, its `updated` as served.
fn revised_quake(id: &str, mag: f64, updated: Value) -> Value {
    let mut event = quake(id, (10, 5), mag);
    event["properties"]["updated"] = updated;
    event
}

/// The API wrote `updated` as ISO 8601 text, then, from one day to the next, as epoch
/// milliseconds (both read as times by the README's `time` rules): the revision of 10:40,
/// served after the switch, is newer than the one of 10:20 stored before it, and must win.
#[tokio::test]
async fn a_revision_served_after_the_version_field_switched_from_iso_text_to_epoch_milliseconds_is_kept()
 {
    let ws = Workspace::new("version-iso-then-epoch");
    std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
    let iso = at(10, 20, 0).to_rfc3339();
    ws.land(
        "usgs",
        (10, 25, 0),
        &snapshot(vec![revised_quake("a", 1.0, json!(iso))]),
    );
    ws.summarise();
    let millis = at(10, 40, 0).timestamp_millis();
    ws.land(
        "usgs",
        (10, 45, 0),
        &snapshot(vec![revised_quake("a", 2.5, json!(millis))]),
    );
    let output = common::stderr(&ws.summarise());
    let data = ws.record_data("usgs", "a").await.expect("record a");
    assert_eq!(
        data["properties"]["updated"],
        json!(millis),
        "the revision of 10:40 is the record's latest version; the summariser said: {output}"
    );
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(
        numeric(&hour, "properties.mag", "max"),
        Bson::Double(2.5),
        "the hour counts the latest revision's magnitude"
    );
}
