//! What users see in MongoDB of the records themselves: numbers and shapes stored as served,
//! hours equal however they were computed, retention (`keep_days`), records without a key or a
//! time counted, and keys shared or made of several fields.

mod common;

use chrono::{TimeZone as _, Utc};
use common::{Workspace, at, count, eco2mix, numeric, quake, snapshot};
use mongodb::bson::{Bson, doc};
use serde_json::json;

#[tokio::test]
async fn numbers_are_stored_as_the_nearest_double_to_the_text_served() {
    // Seventeen-digit numbers as some APIs print them: a fast parser lands one of them a
    // unit in the last place away from the value written, and the file is deleted once stored.
    let ws = Workspace::new("exact-numbers");
    let (mag, lon, lat) = (
        "1.4419140000000001",
        "-159.37576306563093",
        "-25.088732904202942",
    );
    let time = common::at(10, 5, 0).timestamp_millis();
    let body = format!(
        r#"{{"features":[{{"id":"a","properties":{{"mag":{mag},"time":{time},"type":"earthquake"}},
        "geometry":{{"coordinates":[{lon},{lat},4.0]}}}}]}}"#
    );
    ws.land_bytes("usgs", (10, 30, 0), body.as_bytes());
    ws.summarise();

    let exact = |text: &str| text.parse::<f64>().expect("a number");
    let record = ws.record("usgs", "a").await.expect("record stored");
    let data = record.get_document("data").expect("data");
    let stored_mag = data
        .get_document("properties")
        .and_then(|p| p.get_f64("mag"))
        .expect("mag");
    assert_eq!(
        stored_mag.to_bits(),
        exact(mag).to_bits(),
        "mag {stored_mag:?}"
    );
    let coordinates = data
        .get_document("geometry")
        .and_then(|g| g.get_array("coordinates"))
        .expect("coordinates");
    assert_eq!(coordinates[0], Bson::Double(exact(lon)));
    assert_eq!(coordinates[1], Bson::Double(exact(lat)));
    let hour = ws.hour("usgs", 10).await.expect("hour 10 summarised");
    assert_eq!(
        numeric(&hour, "properties.mag", "max"),
        Bson::Double(exact(mag))
    );
}

#[tokio::test]
async fn records_shaped_like_extended_json_are_stored_as_served_and_never_rewritten() {
    let ws = Workspace::new("extended-json");
    let mut event = quake("a", (10, 5), 1.0);
    event["properties"]["nst"] = json!({"$numberLong": "5", "unit": "stations"});
    // nx-27017 stores a valid `$date` object as a date, where MongoDB keeps the object as
    // sent; in UTC to the second it reads back the same either way.
    event["properties"]["updated"] = json!({"$date": format!("{}T10:06:00Z", common::day())});
    event["properties"]["ids"] = json!({"$oid": "not an object id"});
    event["properties"]["when"] = json!({"$date": "soon"});
    let body = snapshot(vec![event.clone()]);
    let file = ws.land("usgs", (10, 30, 0), &body);
    let bytes = std::fs::read(file.path_in(&ws.raw())).expect("landed file");
    ws.summarise();
    assert_eq!(
        ws.record_data("usgs", "a").await,
        Some(event),
        "`data` is the record as served"
    );
    std::fs::write(file.path_in(&ws.raw()), &bytes).expect("file put back");
    let again = common::stderr(&ws.summarise());
    assert!(
        again.contains("inserted=0 updated=0 hours=0"),
        "the same record is not written again: {again}"
    );
}

#[tokio::test]
async fn a_stored_record_the_summariser_cannot_read_is_replaced_not_inserted_again() {
    let ws = Workspace::new("unreadable-record");
    let event = quake("a", (10, 5), 1.0);
    let file = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![event.clone(), quake("b", (10, 20), 2.0)]),
    );
    let bytes = std::fs::read(file.path_in(&ws.raw())).expect("landed file");
    ws.summarise();
    // A server that re-types what it stores (nx-27017 turns a `{"$date": …}` record into a
    // date) leaves `data` that is no document.
    let records = ws
        .db()
        .await
        .collection::<mongodb::bson::Document>("records");
    let re_type = || async {
        records
            .update_many(doc! {"source": "usgs"}, doc! {"$set": {"data": "re-typed"}})
            .await
            .expect("records re-typed");
    };
    re_type().await;
    std::fs::write(file.path_in(&ws.raw()), &bytes).expect("file put back");
    let again = common::stderr(&ws.summarise());
    assert!(
        again.contains("inserted=0 updated=2"),
        "the records are replaced, not inserted beside themselves: {again}"
    );
    assert_eq!(ws.record_data("usgs", "a").await, Some(event));
    assert_eq!(ws.remaining("usgs"), 0, "the file is done with");

    // Event `a` moves to 11:30 while its stored copy cannot be read, nor `b`'s.
    re_type().await;
    ws.land(
        "usgs",
        (11, 45, 0),
        &snapshot(vec![quake("a", (11, 30), 5.0)]),
    );
    ws.summarise();
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("hour 10")),
        1,
        "its old hour is recomputed, and `b` still counts there"
    );
    assert_eq!(count(&ws.hour("usgs", 11).await.expect("hour 11")), 1);
}

/// Hours whose records are all in the batch are folded from memory; others are read back from
/// `records`. Both must give the same documents, so every hour is summarised once in memory,
/// then, after a simulated crash left all of them pending, again from `records`.
#[tokio::test]
async fn hours_folded_in_memory_equal_hours_read_back_from_records() {
    let ws = Workspace::new("in-hand");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/usgs_all_hour.json");
    let recorded = std::fs::read(&fixture).expect("recorded USGS feed");
    ws.land_bytes("usgs", (10, 0, 0), &recorded);
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.0),
            quake("b", (10, 20), 2.0),
            json!({"type": "Feature", "id": "whole", "properties": {"mag": 3, "time": common::at(10, 21, 0).timestamp_millis(), "type": "quarry blast"}, "geometry": {"type": "Point", "coordinates": [7, 45.5, 1]}}),
            json!({"type": "Feature", "id": "unplaced", "properties": {"mag": null, "time": common::at(11, 2, 0).timestamp_millis(), "type": null}, "geometry": null}),
        ]),
    );
    ws.land(
        "eco2mix",
        (11, 0, 0),
        &json!([
            eco2mix((10, 0), json!(50000)),
            eco2mix((10, 15), json!("51000.5")),
            eco2mix((10, 30), json!("ND")),
            eco2mix((10, 45), json!(null))
        ]),
    );
    ws.summarise();
    let folded = ws.dump().await;
    let mut hours: Vec<(String, i64)> = ws
        .documents("hourly")
        .await
        .iter()
        .map(|d| {
            let hour = d.get_datetime("hour").expect("hour").timestamp_millis();
            (d.get_str("source").expect("source").to_owned(), hour)
        })
        .collect();
    hours.sort();
    // The recorded feed's events fall in two hours of 2026-11-21.
    let recorded = |h| {
        Utc.with_ymd_and_hms(2026, 11, 21, h, 0, 0)
            .single()
            .expect("hour")
            .timestamp_millis()
    };
    let day = |h| at(h, 0, 0).timestamp_millis();
    assert_eq!(
        hours,
        [
            ("eco2mix".to_owned(), day(10)),
            ("usgs".to_owned(), recorded(10)),
            ("usgs".to_owned(), recorded(11)),
            ("usgs".to_owned(), day(10)),
            ("usgs".to_owned(), day(11)),
        ],
        "every hour is summarised"
    );

    let db = ws.db().await;
    let hourly = db.collection::<mongodb::bson::Document>("hourly");
    let hours: Vec<mongodb::bson::Document> = futures_util::TryStreamExt::try_collect(
        hourly
            .find(doc! {})
            .projection(doc! {"_id": 0, "source": 1, "hour": 1})
            .await
            .expect("find hours"),
    )
    .await
    .expect("hours");
    db.collection::<mongodb::bson::Document>("summariser_pending")
        .insert_many(hours)
        .await
        .expect("hours noted as pending");
    for source in ["usgs", "eco2mix"] {
        hourly
            .delete_many(doc! {"source": source})
            .await
            .expect("summaries removed");
    }
    ws.summarise();
    assert_eq!(
        ws.dump().await,
        folded,
        "summaries read back from `records` equal the ones folded in memory"
    );
}

#[tokio::test]
async fn hours_past_keep_days_keep_the_summary_they_had() {
    let ws = Workspace::new("retention");
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        common::CONFIG.replace("keep_days = 36500", "keep_days = 1"),
    )
    .expect("config with a one-day retention");
    let summarised_earlier = doc! {
        "source": "eco2mix",
        "hour": mongodb::bson::DateTime::from_millis(common::at(10, 0, 0).timestamp_millis()),
        "count": 4_i64,
    };
    ws.db()
        .await
        .collection::<mongodb::bson::Document>("hourly")
        .insert_one(summarised_earlier)
        .await
        .expect("an hour summarised while its records were kept");
    // By this raw folder, which says so.
    std::fs::write(
        releve::rawfile::summariser_database(&ws.raw()),
        &ws.database,
    )
    .expect("the folder's database noted");
    let recent = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let recent_key = recent.format("%Y-%m-%dT%H:00:00+00:00").to_string();
    ws.land(
        "eco2mix",
        (10, 20, 0),
        &json!([
            eco2mix((10, 15), json!(51000)),
            {"date_heure": recent_key, "consommation": 48000, "nature": "Données temps réel"}
        ]),
    );
    let output = ws.summarise();
    assert!(
        common::stderr(&output)
            .contains("Skipped records of hours that began more than keep_days ago"),
        "{}",
        common::stderr(&output)
    );
    let hour = ws
        .hour("eco2mix", 10)
        .await
        .expect("the old hour's summary");
    assert_eq!(
        count(&hour),
        4,
        "a late record of an hour past keep_days does not shrink its summary to itself"
    );
    assert!(
        ws.record("eco2mix", &format!("{}T10:15:00+00:00", common::day()))
            .await
            .is_none(),
        "a record past keep_days is not stored"
    );
    assert!(
        ws.record("eco2mix", &recent_key).await.is_some(),
        "a record within keep_days is stored"
    );
    assert_eq!(ws.remaining("eco2mix"), 0, "the file is done with");
}

/// The test configuration with a three-day retention for usgs: [`common::day`]'s hours are
/// within it.
fn usgs_keeping_three_days() -> String {
    common::CONFIG.replace(
        "lat = \"geometry.coordinates.1\"\n",
        "lat = \"geometry.coordinates.1\"\nkeep_days = 3\n",
    )
}

/// `b` of hour 10, revised to a time four days earlier: past a three-day `keep_days`.
fn b_revised_past_keep_days() -> serde_json::Value {
    let mut revised = quake("b", (10, 20), 2.1);
    revised["properties"]["time"] =
        json!((at(10, 20, 0) - chrono::TimeDelta::days(4)).timestamp_millis());
    revised
}

/// Lands `b` in hour 10 next to `a`, then `b` revised past a three-day `keep_days`.
fn land_a_record_revised_past_keep_days(ws: &Workspace) {
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    ws.land(
        "usgs",
        (10, 40, 0),
        &snapshot(vec![b_revised_past_keep_days()]),
    );
}

#[tokio::test]
async fn a_record_revised_into_an_hour_past_keep_days_leaves_its_recent_hour() {
    let config = usgs_keeping_three_days();
    let mut states = Vec::new();
    for batch_files in [1, 500] {
        let ws = Workspace::new("revised-past-retention");
        let options = ws.options(&config, batch_files);
        land_a_record_revised_past_keep_days(&ws);
        let outcome = summariser::run(&options).await.expect("a run");
        assert!(outcome.failures().is_empty());
        let hour = ws.hour("usgs", 10).await.expect("hour 10");
        assert_eq!(
            count(&hour),
            1,
            "b's latest time is no longer in hour 10 ({batch_files} file(s) a batch)"
        );
        assert!(
            ws.record("usgs", "b").await.is_none(),
            "a version of an hour past keep_days is not stored"
        );
        assert_eq!(ws.remaining("usgs"), 0);
        states.push(ws.dump().await);
    }
    assert_eq!(
        states[0], states[1],
        "file by file or in one batch, the same database"
    );
}

#[tokio::test]
async fn a_crash_at_the_removal_of_a_record_moved_past_keep_days_then_a_rerun_loses_nothing() {
    let config = usgs_keeping_three_days();
    let mut states = Vec::new();
    for crash in [None, Some("records-removed:1"), Some("hourly-deleted:1")] {
        let ws = Workspace::new("removal-crash");
        std::fs::write(ws.dir.path().join("sources.toml"), &config).expect("config");
        ws.land(
            "usgs",
            (10, 30, 0),
            &snapshot(vec![quake("b", (10, 20), 2.0)]),
        );
        ws.summarise();
        ws.land(
            "usgs",
            (10, 40, 0),
            &snapshot(vec![b_revised_past_keep_days()]),
        );
        if let Some(point) = crash {
            let output = ws.summarise_with(&[("RELEVE_CRASH_AFTER", point)]);
            assert!(
                common::stderr(&output).contains("aborting"),
                "{point} was reached: {}",
                common::stderr(&output)
            );
        }
        ws.summarise();
        assert!(
            ws.hour("usgs", 10).await.is_none(),
            "hour 10 holds no record now"
        );
        assert_eq!(ws.remaining("usgs"), 0);
        states.push(ws.dump().await);
    }
    assert_eq!(states[0], states[1], "a crash at the removal, then a rerun");
    assert_eq!(
        states[0], states[2],
        "a crash at the emptied hour, then a rerun"
    );
}

#[tokio::test]
async fn an_hour_past_keep_days_is_final_even_for_a_record_moving_out_or_an_interrupted_run() {
    let ws = Workspace::new("final-hours");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    ws.summarise();
    assert_eq!(count(&ws.hour("usgs", 10).await.expect("hour 10")), 2);
    // The retention shortened: hour 10, two days ago, is now past it.
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        common::CONFIG.replace(
            "lat = \"geometry.coordinates.1\"\n",
            "lat = \"geometry.coordinates.1\"\nkeep_days = 1\n",
        ),
    )
    .expect("config with a one-day retention");
    let db = ws.db().await;
    let hour_of = |t: chrono::DateTime<chrono::Utc>| {
        let millis = t.timestamp_millis();
        mongodb::bson::DateTime::from_millis(millis - millis.rem_euclid(3_600_000))
    };
    let long_ago = hour_of(common::at(10, 0, 0) - chrono::TimeDelta::days(2));
    db.collection::<mongodb::bson::Document>("hourly")
        .insert_one(doc! {"source": "usgs", "hour": long_ago, "count": 7_i64})
        .await
        .expect("an hour summarised long ago");
    db.collection::<mongodb::bson::Document>("summariser_pending")
        .insert_one(doc! {"source": "usgs", "hour": long_ago})
        .await
        .expect("left pending by a run that died, its records expired since");
    // Event `a`'s time is revised to an hour ago: it moves out of hour 10.
    let recent = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let mut moved = quake("a", (10, 5), 1.0);
    moved["properties"]["time"] = json!(recent.timestamp_millis());
    ws.land("usgs", (10, 45, 0), &snapshot(vec![moved]));
    let stderr = common::stderr(&ws.summarise());
    assert!(
        stderr.contains("Left the summaries of hours noted by an interrupted run as they are"),
        "{stderr}"
    );
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("hour 10")),
        2,
        "an hour past keep_days keeps its summary when a record moves out"
    );
    let record = ws.record("usgs", "a").await.expect("record a");
    assert_eq!(
        record.get_datetime("hour").ok(),
        Some(&hour_of(recent)),
        "the record moved to its new hour"
    );
    let interrupted = db
        .collection::<mongodb::bson::Document>("hourly")
        .find_one(doc! {"source": "usgs", "hour": long_ago})
        .await
        .expect("find")
        .expect("the interrupted run's hour is not deleted for lack of records");
    assert_eq!(count(&interrupted), 7);
    assert_eq!(
        db.collection::<mongodb::bson::Document>("summariser_pending")
            .count_documents(doc! {"source": "usgs"})
            .await
            .expect("count"),
        0,
        "its pending note is cleared"
    );
}

#[tokio::test]
async fn records_dropped_for_lacking_a_key_or_a_time_are_counted_per_file() {
    let ws = Workspace::new("rejected");
    let keyless = common::keyless_quake((10, 5), 1.0);
    let mut timeless = quake("timeless", (10, 6), 1.0);
    timeless["properties"]["time"] = json!("yesterday at noon");
    let landed = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.0),
            keyless.clone(),
            timeless.clone(),
        ]),
    );
    let bytes = std::fs::read(landed.path_in(&ws.raw())).expect("landed file");
    ws.summarise();
    // Read again after a restore: the same count, not twice.
    std::fs::write(landed.path_in(&ws.raw()), bytes).expect("put back");
    ws.summarise();
    let noted = ws.documents(releve::store::REJECTED).await;
    assert_eq!(noted.len(), 1, "{noted:?}");
    assert_eq!(noted[0].get_str("file"), Ok(landed.file_name().as_str()));
    let count = match noted[0].get("count") {
        Some(Bson::Int64(n)) => *n,
        Some(Bson::Int32(n)) => i64::from(*n),
        other => panic!("a count: {other:?}"),
    };
    assert_eq!(count, 2, "{noted:?}");
    assert_eq!(
        noted[0]
            .get_datetime("landed_at")
            .map(|at| at.timestamp_millis()),
        Ok(landed.landed_at.timestamp_millis())
    );
    // A later snapshot serving the same two records again.
    ws.land(
        "usgs",
        (10, 31, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.0),
            keyless.clone(),
            timeless.clone(),
        ]),
    );
    ws.summarise();
    let kept = ws.documents(releve::store::REJECTED_RECORDS).await;
    let mut records: Vec<serde_json::Value> = kept
        .iter()
        .map(|document| {
            assert_eq!(document.get_str("file"), Ok(landed.file_name().as_str()));
            serde_json::from_str(document.get_str("record").expect("the record's text"))
                .expect("the record as served")
        })
        .collect();
    records.sort_by_key(ToString::to_string);
    let mut expected = vec![keyless, timeless];
    expected.sort_by_key(ToString::to_string);
    assert_eq!(
        records, expected,
        "the dropped records are kept, once each however often they are read"
    );
}

#[tokio::test]
async fn records_sharing_a_key_within_one_file_are_named_in_the_log() {
    let ws = Workspace::new("key-clash");
    // Three readings of one station under its key, and a record served twice by shifted pages.
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![
            quake("station", (10, 5), 1.0),
            quake("station", (10, 15), 2.0),
            quake("other", (10, 10), 1.0),
            quake("other", (10, 10), 1.0),
            quake("station", (10, 25), 3.0),
        ]),
    );
    let output = ws.summarise();
    let log = common::stderr(&output);
    assert!(output.status.success(), "{log}");
    assert!(
        log.contains(
            "Kept only the last of records sharing a key with a different record of the same file"
        ) && log.contains("records=2"),
        "the two readings the third replaced are counted, the repeated record is not: {log}"
    );
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&hour), 2, "one record per key");
    assert_eq!(
        numeric(&hour, "properties.mag", "max"),
        Bson::Double(3.0),
        "the last in the file is kept"
    );

    let ws = Workspace::new("key-repeat");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("a", (10, 5), 1.0)]),
    );
    let log = common::stderr(&ws.summarise());
    assert!(
        !log.contains("sharing a key"),
        "a record served twice alike is no clash: {log}"
    );
}

#[tokio::test]
async fn a_key_of_several_fields_keeps_every_reading_of_a_station() {
    let ws = Workspace::new("composite-key");
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        common::CONFIG.replace("key = \"id\"", "key = [\"id\", \"properties.time\"]"),
    )
    .expect("config keyed by station and time");
    // A feed of stations, each served with its latest reading: one station read at 10:05,
    // then at 11:05.
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("station-1", (10, 5), 1.0)]),
    );
    ws.summarise();
    ws.land(
        "usgs",
        (11, 30, 0),
        &snapshot(vec![
            quake("station-1", (10, 5), 1.0),
            quake("station-1", (11, 5), 2.0),
        ]),
    );
    ws.summarise();
    let ten = ws
        .hour("usgs", 10)
        .await
        .expect("hour 10 keeps its reading");
    let eleven = ws.hour("usgs", 11).await.expect("hour 11");
    assert_eq!((count(&ten), count(&eleven)), (1, 1));
    let time = common::at(11, 5, 0).timestamp_millis();
    let key = format!("[\"station-1\",\"{time}\"]");
    let reading = ws.record("usgs", &key).await.expect("a record per reading");
    assert_eq!(
        reading.get_str("key"),
        Ok(key.as_str()),
        "documented key text"
    );
}

#[tokio::test]
async fn a_stored_record_removed_for_a_version_past_keep_days_is_said() {
    let ws = Workspace::new("removal-said");
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        usgs_keeping_three_days(),
    )
    .expect("config");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    ws.summarise();
    assert!(ws.record("usgs", "b").await.is_some());
    ws.land(
        "usgs",
        (10, 40, 0),
        &snapshot(vec![b_revised_past_keep_days()]),
    );
    let said = common::stderr(&ws.summarise());
    assert!(ws.record("usgs", "b").await.is_none());
    assert!(
        said.contains("Removed stored records") && said.contains("records=1"),
        "{said}"
    );
}

/// A record dated near the end of year 9999 (a placeholder date) under a long `keep_days`:
/// its `expire_at` would pass the years a server stores as dates and fail the whole batch at
/// every run; it is kept at the end of 9999 instead.
#[tokio::test]
async fn a_record_near_year_9999_under_a_long_keep_days_is_stored() {
    let ws = Workspace::new("far-future");
    let placeholder =
        json!({"date_heure": "9990-01-01T00:00:00+00:00", "consommation": 1, "nature": "x"});
    ws.land(
        "eco2mix",
        (10, 30, 0),
        &json!([placeholder, eco2mix((10, 0), json!(51000))]),
    );
    ws.summarise();
    assert_eq!(ws.remaining("eco2mix"), 0);
    let stored = ws
        .record("eco2mix", "9990-01-01T00:00:00+00:00")
        .await
        .expect("the placeholder is stored");
    let expire_at = stored.get_datetime("expire_at").expect("expire_at");
    assert_eq!(
        expire_at.timestamp_millis(),
        Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0)
            .single()
            .expect("date")
            .timestamp_millis(),
    );
    assert!(
        ws.hour("eco2mix", 10).await.is_some(),
        "the other record too"
    );
}

/// A late version of a record of an hour past `keep_days` changes nothing: the stored record
/// stays, and so does its hour's summary, even when the stored record cannot be read.
#[tokio::test]
async fn a_late_version_within_an_hour_past_keep_days_leaves_its_record_and_its_hour() {
    let ws = Workspace::new("final-hour-revised");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.0),
            quake("b", (10, 20), 2.0),
            quake("c", (10, 25), 3.0),
        ]),
    );
    ws.summarise();
    // The retention shortened: hour 10, two days ago, is now past it.
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        common::CONFIG.replace(
            "lat = \"geometry.coordinates.1\"\n",
            "lat = \"geometry.coordinates.1\"\nkeep_days = 1\n",
        ),
    )
    .expect("config with a one-day retention");
    // `c`'s stored copy cannot be read (a server that re-types what it stores).
    ws.db()
        .await
        .collection::<mongodb::bson::Document>("records")
        .update_one(
            doc! {"source": "usgs", "key": "c"},
            doc! {"$set": {"data": "re-typed"}},
        )
        .await
        .expect("record re-typed");
    ws.land(
        "usgs",
        (10, 45, 0),
        &snapshot(vec![quake("b", (10, 20), 4.0), quake("c", (10, 25), 5.0)]),
    );
    let stderr = common::stderr(&ws.summarise());
    assert!(
        stderr.contains("Skipped records of hours that began more than keep_days ago"),
        "{stderr}"
    );
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&hour), 3, "hour 10 keeps its summary: {stderr}");
    assert_eq!(numeric(&hour, "properties.mag", "max"), Bson::Double(3.0));
    for key in ["b", "c"] {
        assert!(
            ws.record("usgs", key).await.is_some(),
            "{key} is still stored: {stderr}"
        );
    }
    assert_eq!(ws.remaining("usgs"), 0, "the file is done with");
}

/// A record revised past `keep_days` leaves its recent hour even when its stored copy cannot
/// be read (a server that re-typed it).
#[tokio::test]
async fn a_record_revised_past_keep_days_leaves_its_hour_even_when_its_stored_copy_cannot_be_read()
{
    let ws = Workspace::new("unreadable-revised-past-retention");
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        usgs_keeping_three_days(),
    )
    .expect("config");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    ws.summarise();
    ws.db()
        .await
        .collection::<mongodb::bson::Document>("records")
        .update_one(
            doc! {"source": "usgs", "key": "b"},
            doc! {"$set": {"data": "re-typed"}},
        )
        .await
        .expect("record re-typed");
    ws.land(
        "usgs",
        (10, 40, 0),
        &snapshot(vec![b_revised_past_keep_days()]),
    );
    let stderr = common::stderr(&ws.summarise());
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("hour 10")),
        1,
        "b's latest time is no longer in hour 10: {stderr}"
    );
    assert!(
        ws.record("usgs", "b").await.is_none(),
        "b's stored copy is removed: {stderr}"
    );
}

/// A file moved back from quarantine whose version of a record lies past `keep_days` is older
/// than the file the stored version came from: the stored record stays in its recent hour.
#[tokio::test]
async fn a_file_moved_back_with_a_version_past_keep_days_leaves_a_later_files_version() {
    let ws = Workspace::new("moved-back-past-retention");
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        usgs_keeping_three_days(),
    )
    .expect("config");
    let text = serde_json::to_vec(&snapshot(vec![b_revised_past_keep_days()])).expect("JSON");
    let cut = ws.land_bytes("usgs", (10, 30, 0), &text[..text.len() - 2]);
    ws.land(
        "usgs",
        (10, 40, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 20), 2.0)]),
    );
    let quarantining = ws.summarise_with(&[]);
    assert!(
        !quarantining.status.success(),
        "the cut file is quarantined"
    );
    ws.move_back(&cut, &text);
    let stderr = common::stderr(&ws.summarise());
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("hour 10")),
        2,
        "b stays in hour 10, as the later file has it: {stderr}"
    );
    let b = ws.record_data("usgs", "b").await.expect("b stored");
    assert_eq!(b["properties"]["mag"], json!(2.0));
    assert_eq!(ws.remaining("usgs"), 0);
}

/// A feed whose `key` is not unique serves the same two readings of a station under one key in
/// every snapshot: the last of the file is kept, and the next snapshot holds that same version
/// again. The README: a record's `file` and `landed_at` name "the first that held it, as a later
/// file holding the record unchanged rewrites nothing"; and an hour's `updated_at` moves only
/// when the hour or one of its records changed (else `--if-missing` writes the day's report
/// again, "hours of the period were summarised since").
#[tokio::test]
async fn a_record_clashing_alike_in_every_snapshot_keeps_its_first_file_and_its_hour() {
    let ws = Workspace::new("clash-every-run");
    let body = snapshot(vec![
        quake("station", (10, 5), 1.0),
        quake("station", (10, 5), 3.0),
        quake("other", (10, 10), 2.0),
    ]);
    let first = ws.land("usgs", (10, 30, 0), &body);
    ws.summarise();
    let before = ws.dump_exact().await;
    let stored = ws.record("usgs", "station").await.expect("record stored");
    assert_eq!(stored.get_str("file"), Ok(first.file_name().as_str()));

    // The next snapshot serves exactly the same records.
    ws.land("usgs", (10, 31, 0), &body);
    let log = common::stderr(&ws.summarise());
    let record = ws.record("usgs", "station").await.expect("record stored");
    assert_eq!(
        record.get_str("file"),
        Ok(first.file_name().as_str()),
        "the version stored came from the first file; a later file holding it unchanged rewrites nothing: {log}"
    );
    assert_eq!(
        ws.dump_exact().await,
        before,
        "nothing changed, so nothing is written (the hour's updated_at included): {log}"
    );
}
