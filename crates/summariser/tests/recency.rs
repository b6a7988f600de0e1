//! A source's `version` field: a stale copy of a record served after a newer version (a cache,
//! a lagging mirror) does not replace it, however the files are split into runs and batches.

mod common;

use common::{Workspace, at, count, numeric, quake, snapshot};
use mongodb::bson::Bson;
use serde_json::{Value, json};

/// The tests' USGS source, its records versioned by `properties.updated`.
fn versioned_config() -> String {
    common::CONFIG.replace(
        "time = \"properties.time\"\n",
        "time = \"properties.time\"\nversion = \"properties.updated\"\n",
    )
}

/// Event `id` at 10:05 with magnitude `mag`, as USGS served it after its update at minute
/// `updated` past 10:00.
fn updated_quake(id: &str, mag: f64, updated: u32) -> Value {
    let mut event = quake(id, (10, 5), mag);
    event["properties"]["updated"] = json!(at(10, updated, 0).timestamp_millis());
    event
}

/// The newest version (updated at 10:20) lands, then a cache serves the version updated at
/// 10:10 again, then the event leaves the feed.
fn land_a_stale_copy_after_the_newest(ws: &Workspace) {
    ws.land(
        "usgs",
        (10, 15, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10)]),
    );
    ws.land(
        "usgs",
        (10, 25, 0),
        &snapshot(vec![updated_quake("a", 2.5, 20), quake("b", (10, 30), 1.0)]),
    );
    ws.land(
        "usgs",
        (10, 35, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10), quake("b", (10, 30), 1.0)]),
    );
    ws.land(
        "usgs",
        (10, 45, 0),
        &snapshot(vec![quake("b", (10, 30), 1.0)]),
    );
}

#[tokio::test]
async fn a_stale_copy_served_later_does_not_replace_the_newest_version() {
    let config = versioned_config();
    let mut states = Vec::new();
    for batch_files in [1, 2, 500] {
        let ws = Workspace::new("stale-copy");
        land_a_stale_copy_after_the_newest(&ws);
        let options = ws.options(&config, batch_files);
        let outcome = summariser::run(&options).await.expect("a run");
        assert!(outcome.failures().is_empty());
        let hour = ws.hour("usgs", 10).await.expect("hour 10");
        assert_eq!(count(&hour), 2);
        assert_eq!(
            numeric(&hour, "properties.mag", "max"),
            Bson::Double(2.5),
            "the magnitude of the latest update stays ({batch_files} file(s) a batch)"
        );
        let data = ws.record_data("usgs", "a").await.expect("record a");
        assert_eq!(data, updated_quake("a", 2.5, 20));
        assert_eq!(ws.remaining("usgs"), 0, "every file is summarised");
        states.push(ws.dump().await);
    }
    assert_eq!(states[0], states[1], "two files a batch as one");
    assert_eq!(states[0], states[2], "all files in one batch as one by one");
}

#[tokio::test]
async fn a_stale_copy_in_a_later_run_leaves_the_stored_version() {
    let ws = Workspace::new("stale-copy-later-run");
    std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
    ws.land(
        "usgs",
        (10, 25, 0),
        &snapshot(vec![updated_quake("a", 2.5, 20)]),
    );
    ws.summarise();
    let before = ws.dump_exact().await;
    ws.land(
        "usgs",
        (10, 35, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10)]),
    );
    let output = common::stderr(&ws.summarise());
    assert_eq!(
        ws.dump_exact().await,
        before,
        "nothing is written, the hour's write time included"
    );
    assert!(
        output.contains("inserted=0 updated=0 hours=0"),
        "the log says nothing was written: {output}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "the stale copy's file is deleted");
}

#[tokio::test]
async fn without_version_the_copy_landed_last_wins() {
    let ws = Workspace::new("stale-copy-unversioned");
    land_a_stale_copy_after_the_newest(&ws);
    ws.summarise();
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(
        numeric(&hour, "properties.mag", "max"),
        Bson::Double(1.0),
        "the README's default: latest by landing"
    );
}

#[tokio::test]
async fn a_newer_version_moved_back_from_quarantine_replaces_an_older_one_landed_after() {
    let ws = Workspace::new("newer-moved-back");
    std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
    let newest = serde_json::to_vec(&snapshot(vec![updated_quake("a", 2.5, 20)])).expect("JSON");
    let cut = ws.land_bytes("usgs", (10, 25, 0), &newest[..newest.len() - 2]);
    ws.land(
        "usgs",
        (10, 35, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10)]),
    );
    assert!(
        !ws.summarise_with(&[]).status.success(),
        "the cut file fails the run"
    );
    ws.move_back(&cut, &newest);
    ws.summarise();
    let data = ws.record_data("usgs", "a").await.expect("record a");
    assert_eq!(
        data,
        updated_quake("a", 2.5, 20),
        "the most recent version wins, though its file landed first"
    );
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(numeric(&hour, "properties.mag", "mean"), Bson::Double(2.5));
}

#[tokio::test]
async fn a_stale_copy_between_two_repeats_keeps_the_first_file_of_the_version() {
    let config = versioned_config();
    let land = |ws: &Workspace, (h, m, s), event: Value| {
        ws.land("usgs", (h, m, s), &snapshot(vec![event]))
    };
    // In one run: the newest version, a stale copy, the newest again.
    let whole = Workspace::new("stale-between-whole");
    let first = land(&whole, (10, 25, 0), updated_quake("a", 2.5, 20));
    land(&whole, (10, 35, 0), updated_quake("a", 1.0, 10));
    land(&whole, (10, 45, 0), updated_quake("a", 2.5, 20));
    let outcome = summariser::run(&whole.options(&config, 500))
        .await
        .expect("a run");
    assert!(outcome.failures().is_empty());
    // In two runs: the stale copy and the repeat summarised together after the first.
    let split = Workspace::new("stale-between-split");
    land(&split, (10, 25, 0), updated_quake("a", 2.5, 20));
    summariser::run(&split.options(&config, 500))
        .await
        .expect("first run");
    land(&split, (10, 35, 0), updated_quake("a", 1.0, 10));
    land(&split, (10, 45, 0), updated_quake("a", 2.5, 20));
    summariser::run(&split.options(&config, 500))
        .await
        .expect("second run");
    let record = split.record("usgs", "a").await.expect("record a");
    assert_eq!(
        record.get_str("file").expect("file"),
        first.file_name(),
        "the version still comes from the file that first held it"
    );
    assert_eq!(whole.dump().await, split.dump().await);
}

#[tokio::test]
async fn a_stale_copy_of_an_unstorable_version_is_stored_and_the_newest_waits() {
    let config = versioned_config();
    let mut states = Vec::new();
    for batch_files in [1, 500] {
        let ws = Workspace::new("stale-of-unstorable");
        let mut unstorable = updated_quake("a", 2.5, 20);
        unstorable["properties"]["energy"] = json!(u64::MAX);
        let newest = ws.land("usgs", (10, 25, 0), &snapshot(vec![unstorable]));
        ws.land(
            "usgs",
            (10, 35, 0),
            &snapshot(vec![updated_quake("a", 1.0, 10)]),
        );
        let outcome = summariser::run(&ws.options(&config, batch_files))
            .await
            .expect("a run");
        assert_eq!(
            outcome.failures().len(),
            1,
            "the newest version's file only ({batch_files} file(s) a batch)"
        );
        let waiting = ws.raw().join("_quarantine").join(newest.file_name());
        assert!(common::exists(&waiting), "the newest version waits");
        let data = ws.record_data("usgs", "a").await.expect("record a");
        assert_eq!(
            data,
            updated_quake("a", 1.0, 10),
            "the stale copy is stored meanwhile, not lost with its file"
        );
        assert_eq!(ws.remaining("usgs"), 0);
        states.push(ws.dump().await);
    }
    assert_eq!(states[0], states[1]);
}
