//! What users see in MongoDB after summarising: one count per distinct record, latest versions,
//! late data folded into old hours, runs loaded once, and the same database after a rerun.

mod common;

use common::{Workspace, at, count, eco2mix, numeric, quake, quake_at, snapshot};
use mongodb::bson::{self, Bson, doc};
use releve::store::{StoredRecord, bson_date};
use serde_json::json;

#[tokio::test]
async fn overlapping_snapshots_count_each_event_once_and_the_latest_magnitude_wins() {
    let ws = Workspace::new("dedupe");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    let revised = ws.land(
        "usgs",
        (10, 45, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.5),
            quake("b", (10, 20), 2.0),
            quake("c", (10, 40), 3.0),
        ]),
    );
    ws.land(
        "usgs",
        (10, 59, 0),
        &snapshot(vec![quake("b", (10, 20), 2.0), quake("c", (10, 40), 3.0)]),
    );
    ws.summarise();

    let hour = ws.hour("usgs", 10).await.expect("hour 10 summarised");
    assert_eq!(
        count(&hour),
        3,
        "three distinct events in three overlapping snapshots"
    );
    assert_eq!(
        numeric(&hour, "properties.mag", "min"),
        Bson::Double(1.5),
        "the revised magnitude replaced 1.0"
    );
    assert_eq!(numeric(&hour, "properties.mag", "max"), Bson::Double(3.0));
    assert_eq!(
        numeric(&hour, "properties.mag", "mean"),
        Bson::Double((1.5 + 2.0 + 3.0) / 3.0)
    );
    let a: StoredRecord = bson::from_document(ws.record("usgs", "a").await.expect("record a"))
        .expect("a `records` document has the documented shape");
    assert_eq!(
        a,
        StoredRecord {
            source: "usgs".into(),
            key: "a".into(),
            time: bson_date(at(10, 5, 0)),
            hour: bson_date(at(10, 0, 0)),
            file: revised.file_name(),
            landed_at: bson_date(revised.landed_at),
            last_file: Some(revised.file_name()),
            data: bson::to_document(&quake("a", (10, 5), 1.5)).expect("BSON"),
            expire_at: None,
        },
        "the revised version is kept, with the file it came from"
    );
    let kinds = hour.get_array("categories").expect("categories")[0]
        .as_document()
        .expect("doc")
        .clone();
    assert_eq!(kinds.get_array("values").expect("values").len(), 1);
    assert!(
        hour.get_document("bbox").is_ok(),
        "positioned source has a bounding box"
    );
    assert_eq!(ws.remaining("usgs"), 0, "summarised files are deleted");
}

#[tokio::test]
async fn late_data_updates_an_hour_already_summarised() {
    let ws = Workspace::new("late");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    ws.summarise();
    assert_eq!(count(&ws.hour("usgs", 10).await.expect("hour 10")), 2);

    ws.land(
        "usgs",
        (11, 15, 0),
        &snapshot(vec![
            quake("late", (10, 50), 4.0),
            quake("d", (11, 10), 1.0),
        ]),
    );
    ws.summarise();
    let ten = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&ten), 3, "the late event joined its own hour");
    assert_eq!(numeric(&ten, "properties.mag", "max"), Bson::Double(4.0));
    assert_eq!(count(&ws.hour("usgs", 11).await.expect("hour 11")), 1);
}

#[tokio::test]
async fn a_record_whose_time_is_revised_moves_to_its_new_hour() {
    let ws = Workspace::new("moves");
    ws.land(
        "usgs",
        (11, 0, 0),
        &snapshot(vec![quake("a", (10, 59), 1.0), quake("b", (10, 20), 2.0)]),
    );
    ws.summarise();
    ws.land(
        "usgs",
        (11, 5, 0),
        &snapshot(vec![quake("a", (11, 1), 1.0)]),
    );
    ws.summarise();
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("hour 10")),
        1,
        "only b is left in hour 10"
    );
    assert_eq!(count(&ws.hour("usgs", 11).await.expect("hour 11")), 1);

    ws.land(
        "usgs",
        (11, 6, 0),
        &snapshot(vec![quake("b", (11, 20), 2.0)]),
    );
    ws.summarise();
    assert!(
        ws.hour("usgs", 10).await.is_none(),
        "an hour left without records has no summary"
    );
}

#[tokio::test]
async fn rerunning_on_the_same_files_changes_nothing() {
    let ws = Workspace::new("rerun");
    let mut copies = Vec::new();
    let first = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    let second = ws.land(
        "usgs",
        (10, 45, 0),
        &snapshot(vec![quake("a", (10, 5), 1.5)]),
    );
    ws.metrics(&first, 2, None);
    let grid = ws.land(
        "eco2mix",
        (11, 0, 0),
        &json!([
            eco2mix((10, 0), json!(50000)),
            eco2mix((10, 15), json!("51000")),
            eco2mix((10, 30), json!("ND"))
        ]),
    );
    for name in [&first, &second, &grid, &first.metrics()] {
        let path = name.path_in(&ws.raw());
        copies.push((path.clone(), std::fs::read(&path).expect("landed file")));
    }
    ws.summarise();
    let once = ws.dump_exact().await;
    assert!(
        once.iter().any(|line| line.contains("updated_at")),
        "write times are compared too"
    );
    for (path, bytes) in &copies {
        std::fs::write(path, bytes).expect("file put back");
    }
    let again = common::stderr(&ws.summarise());
    assert_eq!(
        ws.dump_exact().await,
        once,
        "a second pass over the same files leaves the database as it was, write times included"
    );
    for source in ["usgs", "eco2mix"] {
        let line = again
            .lines()
            .find(|l| l.contains("Summarised a source") && l.contains(&format!("source={source} ")))
            .unwrap_or_else(|| panic!("a line for {source}: {again}"));
        assert!(
            line.contains("inserted=0 updated=0 hours=0"),
            "nothing is written again, the revised record included: {line}"
        );
        if source == "usgs" {
            assert!(
                line.contains("files=2 metrics=1 "),
                "runs' data files and metrics files are counted apart: {line}"
            );
        }
    }

    let hour = ws.hour("eco2mix", 10).await.expect("eco2mix hour");
    assert_eq!(count(&hour), 3);
    assert_eq!(
        common::integer(&numeric(&hour, "consommation", "nulls")),
        1,
        "\"ND\" counts as no number"
    );
    assert_eq!(
        numeric(&hour, "consommation", "sum"),
        Bson::Double(101_000.0),
        "numeric text is a number"
    );
    let record = ws
        .record("eco2mix", &format!("{}T10:00:00+00:00", common::day()))
        .await
        .expect("record");
    let expire_at = record
        .get_datetime("expire_at")
        .expect("keep_days sets expire_at");
    assert_eq!(
        releve::store::chrono_date(*expire_at),
        at(10, 0, 0) + chrono::TimeDelta::days(36_500),
        "the record's time plus keep_days (36500 days)"
    );
}

/// The indexes the README documents: the keys that make summaries and records unique, and the
/// TTLs that expire records past `keep_days` and runs after 90 days.
#[tokio::test]
async fn the_documented_indexes_are_made_at_the_first_run() {
    use futures_util::TryStreamExt;
    let ws = Workspace::new("indexes");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.summarise();
    let db = ws.db().await;
    let ninety_days = Some(std::time::Duration::from_secs(90 * 86_400));
    for (collection, keys, unique, expire_after) in [
        ("hourly", doc! {"source": 1, "hour": 1}, true, None),
        ("records", doc! {"source": 1, "key": 1}, true, None),
        ("records", doc! {"source": 1, "hour": 1}, false, None),
        (
            "records",
            doc! {"expire_at": 1},
            false,
            Some(std::time::Duration::ZERO),
        ),
        (
            "runs",
            doc! {"source": 1, "started": 1, "file": 1},
            true,
            None,
        ),
        ("runs", doc! {"finished": 1}, false, ninety_days),
        ("rejected", doc! {"source": 1, "file": 1}, true, None),
        ("rejected", doc! {"landed_at": 1}, false, ninety_days),
        (
            "rejected_records",
            doc! {"source": 1, "hash": 1},
            true,
            None,
        ),
        (
            "rejected_records",
            doc! {"landed_at": 1},
            false,
            ninety_days,
        ),
    ] {
        let indexes: Vec<mongodb::IndexModel> = db
            .collection::<bson::Document>(collection)
            .list_indexes()
            .await
            .expect("list indexes")
            .try_collect()
            .await
            .expect("indexes");
        let index = indexes
            .iter()
            .find(|index| index.keys == keys)
            .unwrap_or_else(|| panic!("{collection}: an index on {keys}: {indexes:?}"));
        let options = index.options.as_ref();
        assert_eq!(
            options.and_then(|o| o.unique).unwrap_or(false),
            unique,
            "{collection} {keys}: unique"
        );
        assert_eq!(
            options.and_then(|o| o.expire_after),
            expire_after,
            "{collection} {keys}: TTL"
        );
    }
}

#[tokio::test]
async fn a_file_moved_back_from_quarantine_never_overrides_a_later_files_version() {
    let ws = Workspace::new("moved-back");
    let first = ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.summarise();
    // A revision whose file arrived cut short, then a later file back at the first value.
    let revised = snapshot(vec![quake("a", (10, 5), 5.0)]);
    let text = serde_json::to_vec(&revised).expect("JSON");
    let cut = ws.land_bytes("usgs", (10, 1, 0), &text[..text.len() - 2]);
    let later = ws.land(
        "usgs",
        (10, 2, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let quarantining = ws.summarise_with(&[]);
    assert!(
        !quarantining.status.success(),
        "a quarantined file fails the run"
    );
    assert!(
        common::stderr(&quarantining).contains("hours=0 confirmed=1"),
        "the repeat after the cut file is confirmed, and the log says so: {}",
        common::stderr(&quarantining)
    );
    let name = cut.file_name().expect("a file name");
    let quarantined = ws.raw().join("_quarantine").join(name);
    assert!(
        common::exists(&quarantined),
        "the cut file is in quarantine"
    );
    ws.move_back(&cut, &text);
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);

    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(
        numeric(&hour, "properties.mag", "mean"),
        Bson::Double(1.0),
        "the version the latest file held stays"
    );
    let a: StoredRecord = bson::from_document(ws.record("usgs", "a").await.expect("record a"))
        .expect("documented shape");
    assert_eq!(
        a.data,
        bson::to_document(&quake("a", (10, 5), 1.0)).expect("BSON")
    );
    assert_eq!(
        a.file,
        first.file_name(),
        "the version first came from there"
    );
    assert_eq!(
        a.last_file,
        Some(later.file_name()),
        "the latest file that held it"
    );
}

#[tokio::test]
async fn a_file_moved_back_gives_the_same_database_summarised_with_newer_files_or_alone() {
    /// How the moved-back file meets the newer one.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Runs {
        Together,
        Alone,
        /// Together, after the run before died right after deleting its first file.
        TogetherAfterACrashWhileDeleting,
    }
    let mut states = Vec::new();
    for runs in [
        Runs::Together,
        Runs::Alone,
        Runs::TogetherAfterACrashWhileDeleting,
    ] {
        let ws = Workspace::new("moved-back-runs");
        let both = |a: f64, b: f64| snapshot(vec![quake("a", (10, 5), a), quake("b", (10, 6), b)]);
        ws.land("usgs", (10, 0, 0), &both(1.0, 1.0));
        ws.summarise();
        let revised = serde_json::to_vec(&both(2.0, 2.0)).expect("JSON");
        let cut = ws.land_bytes("usgs", (10, 1, 0), &revised[..revised.len() - 2]);
        ws.land("usgs", (10, 2, 0), &both(1.0, 1.0));
        let crash: &[(&str, &str)] = if runs == Runs::TogetherAfterACrashWhileDeleting {
            &[("RELEVE_CRASH_AFTER", "file-deleted:1")]
        } else {
            &[]
        };
        ws.summarise_with(crash);
        ws.move_back(&cut, &revised);
        // A newer file brings the moved-back file's version of `a` and the stored one of `b`.
        if runs == Runs::Alone {
            ws.summarise();
        }
        ws.land("usgs", (10, 3, 0), &both(2.0, 1.0));
        ws.summarise();
        states.push((runs, ws.dump().await));
    }
    for (runs, state) in &states[1..] {
        assert_eq!(
            state, &states[0].1,
            "records' files and versions agree whether the moved-back file ran with the newer \
             one or not ({runs:?})"
        );
    }
}

#[tokio::test]
async fn a_file_moved_back_among_files_put_back_gives_the_state_of_the_file_alone() {
    let mut states = Vec::new();
    for put_back in [false, true] {
        let ws = Workspace::new("moved-back-among");
        let first = ws.land(
            "usgs",
            (10, 0, 0),
            &snapshot(vec![quake("a", (10, 5), 1.0)]),
        );
        let read = |name: &releve::RawFileName| {
            let path = name.path_in(&ws.raw());
            let bytes = std::fs::read(&path).expect("landed file");
            (path, bytes)
        };
        let mut copies = vec![read(&first)];
        ws.summarise();
        let revised = serde_json::to_vec(&snapshot(vec![
            quake("a", (10, 5), 2.0),
            quake("c", (10, 7), 3.0),
        ]))
        .expect("JSON");
        let cut = ws.land_bytes("usgs", (10, 1, 0), &revised[..revised.len() - 2]);
        let later = ws.land(
            "usgs",
            (10, 2, 0),
            &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 6), 1.0)]),
        );
        copies.push(read(&later));
        ws.summarise_with(&[]);
        ws.move_back(&cut, &revised);
        if put_back {
            // Files already summarised, put back beside it (a restore, a copy run twice).
            for (path, bytes) in &copies {
                std::fs::write(path, bytes).expect("put back");
            }
        }
        ws.summarise();
        assert_eq!(ws.remaining("usgs"), 0);
        states.push(ws.dump().await);
    }
    assert_eq!(
        states[1], states[0],
        "files put back change nothing, and the moved-back file counts as it would alone"
    );
}

/// A record revised and served back at its stored value by a later file of the same run keeps
/// that value, now from the later file: the revising file, put back (a restore), is older and
/// changes nothing.
#[tokio::test]
async fn a_revision_undone_within_a_run_leaves_the_revising_file_put_back_stale() {
    let ws = Workspace::new("undone");
    ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.summarise();
    let revising = ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("a", (10, 5), 2.0)]),
    );
    let path = revising.path_in(&ws.raw());
    let bytes = std::fs::read(&path).expect("landed file");
    let undone = ws.land(
        "usgs",
        (10, 2, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.summarise();
    std::fs::write(&path, &bytes).expect("put back");
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);

    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(
        numeric(&hour, "properties.mag", "mean"),
        Bson::Double(1.0),
        "the value the latest file served stays"
    );
    let a: StoredRecord = bson::from_document(ws.record("usgs", "a").await.expect("record a"))
        .expect("documented shape");
    assert_eq!(
        a.data,
        bson::to_document(&quake("a", (10, 5), 1.0)).expect("BSON")
    );
    assert_eq!(
        (a.file, a.last_file),
        (undone.file_name(), Some(undone.file_name())),
        "the version came back with the file after the revision"
    );
}

/// MongoDB keeps times to the millisecond: a record whose time says microseconds, served
/// again unchanged, is not taken for a changed one at every run.
#[tokio::test]
async fn a_repeat_of_a_record_timed_in_microseconds_writes_nothing() {
    let ws = Workspace::new("microseconds");
    let mut event = quake("a", (10, 5), 1.0);
    event["properties"]["time"] = json!(format!("{}T10:05:00.123456Z", common::day()));
    let first = ws.land("usgs", (10, 6, 0), &snapshot(vec![event.clone()]));
    ws.summarise();
    ws.land("usgs", (10, 7, 0), &snapshot(vec![event]));
    let again = common::stderr(&ws.summarise());
    assert!(
        again.contains("inserted=0 updated=0 hours=0"),
        "the repeat is no change: {again}"
    );
    let stored = ws.record("usgs", "a").await.expect("a stored");
    assert_eq!(
        stored.get_str("file"),
        Ok(first.file_name().as_str()),
        "it keeps the file it first came from"
    );
}

#[tokio::test]
async fn a_repeat_is_written_only_when_a_quarantined_file_lies_before_it() {
    let ws = Workspace::new("repeats");
    // Waits in quarantine from the first run on, older than every file after it.
    ws.land_bytes("usgs", (9, 0, 0), b"[{\"type\": ");
    let first = ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let quarantining = ws.summarise_with(&[]);
    assert!(
        !quarantining.status.success(),
        "the cut file is quarantined"
    );
    ws.land(
        "usgs",
        (10, 5, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let repeat = common::stderr(&ws.summarise());
    assert!(repeat.contains("inserted=0 updated=0 hours=0"), "{repeat}");
    let a: StoredRecord = bson::from_document(ws.record("usgs", "a").await.expect("record a"))
        .expect("documented shape");
    assert_eq!(
        a.last_file,
        Some(first.file_name()),
        "the waiting file is older than the stored version: nothing to confirm, nothing written"
    );
}

#[tokio::test]
async fn run_metrics_are_loaded_once_even_for_runs_that_landed_nothing() {
    let ws = Workspace::new("runs");
    let landed = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.metrics(&landed, 1, None);
    let failed = releve::RawFileName::data("usgs", common::at(10, 31, 0), 1);
    ws.metrics(&failed, 0, Some("HTTP 503 from the server"));
    let kept = std::fs::read(failed.metrics().path_in(&ws.raw())).expect("metrics");
    ws.summarise();
    std::fs::write(failed.metrics().path_in(&ws.raw()), kept).expect("metrics put back");
    ws.summarise();

    let runs = ws.db().await.collection::<mongodb::bson::Document>("runs");
    assert_eq!(
        runs.count_documents(doc! {"source": "usgs"})
            .await
            .expect("count"),
        2
    );
    let failed_run = runs
        .find_one(doc! {"error": {"$ne": null}})
        .await
        .expect("find")
        .expect("failed run");
    assert_eq!(failed_run.get_str("error"), Ok("HTTP 503 from the server"));
    assert!(
        failed_run.get_datetime("started").is_ok(),
        "times are BSON dates"
    );
    assert_eq!(
        ws.remaining("usgs"),
        0,
        "metrics files are deleted once loaded"
    );
}

#[tokio::test]
async fn files_of_sources_missing_from_the_configuration_stay_in_place() {
    let ws = Workspace::new("unconfigured");
    let path = ws.land_bytes("retired-source", (10, 0, 0), br#"[{"id": 1}]"#);
    let output = ws.summarise();
    assert!(
        path.exists(),
        "data of an unconfigured source is never deleted"
    );
    let said = common::stderr(&output);
    assert!(
        said.contains("retired-source"),
        "a warning names the folder"
    );
    assert!(
        said.contains("enabled = false"),
        "and says what to do: {said}"
    );
    assert!(!said.contains("Nothing to summarise"), "{said}");
}

#[tokio::test]
async fn a_refused_source_table_leaves_its_files_and_the_others_run() {
    let ws = Workspace::new("refused");
    let config =
        common::CONFIG.replace("numeric = [\"consommation\"]", "numeric = \"consommation\"");
    std::fs::write(ws.dir.path().join("sources.toml"), config).expect("config");
    let usgs = ws.land(
        "usgs",
        (12, 0, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let waiting = ws.land(
        "eco2mix",
        (12, 0, 0),
        &json!([eco2mix((10, 0), json!(51000))]),
    );
    let output = ws.summarise_with(&[]);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sources.toml:23: source `eco2mix`: key `numeric`"),
        "one line names the file, line, source and key: {stderr}"
    );
    assert!(
        !common::exists(&usgs.path_in(&ws.raw())),
        "the accepted source is summarised"
    );
    assert!(ws.hour("usgs", 10).await.is_some());
    assert!(
        common::exists(&waiting.path_in(&ws.raw())),
        "the refused source's file waits in place"
    );
    assert!(ws.hour("eco2mix", 10).await.is_none());
    assert!(
        !ws.raw().join("_quarantine").exists(),
        "nothing is quarantined for a fault of the configuration"
    );
}

/// An API writing its local time without an offset, named in `local_times`: its records are
/// stored in their UTC hours (Tokyo, 9 hours ahead of UTC all year), and one written with
/// `Z` keeps it.
#[tokio::test]
async fn times_without_an_offset_are_read_on_the_sources_local_clock() {
    let ws = Workspace::new("local-times");
    let config = common::CONFIG.replace(
        "numeric = [\"properties.mag\"]",
        "numeric = [\"properties.mag\"]\nlocal_times = \"Asia/Tokyo\"",
    );
    std::fs::write(ws.dir.path().join("sources.toml"), config).expect("config");
    let written = |time: chrono::DateTime<chrono::Utc>, format: &str| {
        let mut event = quake_at("a", time, 1.0);
        event["properties"]["time"] = json!(time.format(format).to_string());
        event
    };
    let tokyo = at(10, 30, 0) + chrono::TimeDelta::hours(9);
    let mut utc = written(at(12, 15, 0), "%Y-%m-%dT%H:%MZ");
    utc["id"] = json!("b");
    ws.land(
        "usgs",
        (13, 0, 0),
        &snapshot(vec![written(tokyo, "%Y-%m-%dT%H:%M:%S"), utc]),
    );
    ws.summarise();
    let record = ws.record("usgs", "a").await.expect("stored");
    assert_eq!(
        record
            .get_datetime("time")
            .expect("a time")
            .timestamp_millis(),
        at(10, 30, 0).timestamp_millis(),
        "{record:?}"
    );
    assert_eq!(count(&ws.hour("usgs", 10).await.expect("hour 10")), 1);
    assert_eq!(count(&ws.hour("usgs", 12).await.expect("hour 12")), 1);
    assert!(ws.hour("usgs", 19).await.is_none(), "not read as UTC");
}

#[tokio::test]
async fn sources_sharing_hours_keep_their_own_summaries() {
    let ws = Workspace::new("shared");
    ws.land(
        "usgs",
        (12, 0, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (11, 20), 2.0)]),
    );
    ws.land(
        "eco2mix",
        (12, 0, 0),
        &json!([
            eco2mix((10, 0), json!(51000)),
            eco2mix((11, 0), json!(52000))
        ]),
    );
    ws.summarise();
    for (source, h) in [("usgs", 10), ("usgs", 11), ("eco2mix", 10), ("eco2mix", 11)] {
        let summary = ws.hour(source, h).await;
        assert!(summary.is_some(), "{source} keeps its summary of {h}:00");
        assert_eq!(count(&summary.expect("summary")), 1, "{source} at {h}:00");
    }
}

/// A field counted as a category that holds long texts (descriptions of 900 KB): an hour's
/// twenty values would pass MongoDB's 16 MB per document and fail that hour at every run;
/// each value keeps its first 199 characters and `…`.
#[tokio::test]
async fn an_hour_of_long_category_values_still_fits_its_summary() {
    let ws = Workspace::new("long-categories");
    let quakes = (0..20)
        .map(|i| {
            let mut event = quake(&format!("q{i}"), (10, i), 1.0);
            event["properties"]["type"] = json!(format!("{i:02}{}", "x".repeat(900_000)));
            event
        })
        .collect();
    ws.land("usgs", (11, 0, 0), &snapshot(quakes));
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    let hour = ws.hour("usgs", 10).await.expect("the hour's summary");
    assert_eq!(count(&hour), 20);
    let categories = hour.get_array("categories").expect("categories");
    let values = categories[0]
        .as_document()
        .and_then(|field| field.get_array("values").ok())
        .expect("values");
    assert_eq!(values.len(), 20);
    for value in values {
        let text = value
            .as_document()
            .and_then(|v| v.get_str("value").ok())
            .expect("a value");
        assert_eq!(text.chars().count(), 200, "{}", &text[..10]);
        assert!(text.ends_with("x…"));
    }
    let record = ws.record_data("usgs", "q3").await.expect("stored");
    assert_eq!(
        record["properties"]["type"].as_str().map(str::len),
        Some(900_002),
        "the record keeps its value whole"
    );
}

/// The hour's `properties.type` values, as counted.
fn kinds(hour: &mongodb::bson::Document) -> Vec<String> {
    hour.get_array("categories").expect("categories")[0]
        .as_document()
        .and_then(|kinds| kinds.get_array("values").ok())
        .expect("values")
        .iter()
        .filter_map(|value| {
            value
                .as_document()?
                .get_str("value")
                .ok()
                .map(str::to_owned)
        })
        .collect()
}

/// Hour 10 of `usgs` counts the value `0.0`, and record `a` is the version of `revised`.
async fn served_zero_by(ws: &Workspace, revised: &releve::RawFileName) {
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(kinds(&hour), ["0.0"], "the latest file serves 0.0");
    let stored = ws.record("usgs", "a").await.expect("record a");
    assert_eq!(stored.get_str("file"), Ok(revised.file_name().as_str()));
}

#[tokio::test]
async fn a_value_revised_from_minus_zero_to_zero_is_the_latest_version() {
    let zero = |sign: f64| {
        let mut event = quake("a", (10, 5), 1.0);
        event["properties"]["type"] = json!(sign * 0.0);
        snapshot(vec![event])
    };
    // In one run (one batch), then across runs (the stored version against the file's).
    let ws = Workspace::new("minus_zero");
    ws.land("usgs", (10, 10, 0), &zero(-1.0));
    let revised = ws.land("usgs", (10, 20, 0), &zero(1.0));
    ws.summarise();
    served_zero_by(&ws, &revised).await;

    let ws = Workspace::new("minus_zero_later");
    ws.land("usgs", (10, 10, 0), &zero(-1.0));
    ws.summarise();
    assert_eq!(
        kinds(&ws.hour("usgs", 10).await.expect("hour 10")),
        ["-0.0"]
    );
    let revised = ws.land("usgs", (10, 20, 0), &zero(1.0));
    ws.summarise();
    served_zero_by(&ws, &revised).await;
}

/// A magnitude revised from `0.0` to `-0.0`: the record is updated (the two are told apart),
/// and its hour reads as a clean run of the revised file writes it.
#[tokio::test]
async fn a_magnitude_revised_to_minus_zero_is_summarised_as_a_clean_run_gives_it() {
    let quake_of = |mag: f64| snapshot(vec![quake("a", (10, 5), mag)]);
    let ws = Workspace::new("minus_zero_mag");
    ws.land("usgs", (10, 10, 0), &quake_of(0.0));
    ws.summarise();
    ws.land("usgs", (10, 20, 0), &quake_of(-0.0));
    ws.summarise();
    let clean = Workspace::new("minus_zero_mag_clean");
    clean.land("usgs", (10, 20, 0), &quake_of(-0.0));
    clean.summarise();
    assert_eq!(
        ws.record_data("usgs", "a").await,
        clean.record_data("usgs", "a").await
    );
    let negative = |hour: bson::Document| match numeric(&hour, "properties.mag", "min") {
        Bson::Double(min) => min.is_sign_negative(),
        other => panic!("{other:?}"),
    };
    assert!(negative(clean.hour("usgs", 10).await.expect("hour 10")));
    assert!(
        negative(ws.hour("usgs", 10).await.expect("hour 10")),
        "min: -0.0, as in a clean run"
    );
}

/// A USGS event at 10:`minute` with a magnitude and a place.
fn placed_quake(id: &str, minute: u32, mag: f64, lon: f64, lat: f64) -> serde_json::Value {
    serde_json::json!({"type": "Feature", "id": id,
        "properties": {"mag": mag, "place": "somewhere", "time": at(10, minute, 0).timestamp_millis(), "type": "earthquake"},
        "geometry": {"type": "Point", "coordinates": [lon, lat, 4.0]}})
}

#[tokio::test]
/// The report draws its map from `records`, and `analyser --if-missing` reads `updated_at` to
/// tell a report outdated: an event moved within its hour's box, its summary the same, moves it.
async fn a_record_relocated_within_its_hour_marks_the_hour_changed() {
    let ws = Workspace::new("relocated");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![
            placed_quake("a", 1, 1.0, -155.0, 19.0),
            placed_quake("b", 2, 2.0, -153.0, 20.0),
            placed_quake("c", 3, 1.5, -154.0, 19.2),
        ]),
    );
    ws.summarise();
    let before = ws.hour("usgs", 10).await.expect("hour 10");
    // USGS relocates `c`, its magnitude unchanged: its point moves on the day's map.
    ws.land(
        "usgs",
        (10, 40, 0),
        &snapshot(vec![placed_quake("c", 3, 1.5, -153.5, 19.8)]),
    );
    ws.summarise();
    let record = ws.record("usgs", "c").await.expect("c");
    let lat = record
        .get_document("data")
        .and_then(|d| d.get_document("geometry"))
        .and_then(|g| g.get_array("coordinates"))
        .expect("coordinates")[1]
        .as_f64();
    assert_eq!(lat, Some(19.8), "the record holds its new place");
    let after = ws.hour("usgs", 10).await.expect("hour 10");
    assert_ne!(
        before.get_datetime("updated_at").ok(),
        after.get_datetime("updated_at").ok(),
        "the hour's records changed where the report draws them, but `updated_at` says the hour did not"
    );
}
