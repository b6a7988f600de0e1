//! A unique index a user added to a collection relevé writes (a student trying indexes out):
//! a write it refuses as a duplicate is no fault of the record, nor a record or run already
//! stored. The run stops with its files in place, naming the index, and the run after the
//! index is dropped stores everything once.

mod common;

use std::time::Duration;

use common::{Workspace, at, count, keyless_quake, quake, snapshot, stderr};
use mongodb::IndexModel;
use mongodb::bson::{Document, doc};
use mongodb::options::IndexOptions;
use testkit::mongo_proxy::{Conduct, MongoProxy, Refusal};

/// MongoDB's refusal of relevé's index on `hourly` where one with the same keys and options
/// has another name (nx-27017 lets it pass).
const NAMED_OTHERWISE: Refusal = Refusal {
    kind: "createIndexes hourly",
    code: 85,
    code_name: "IndexOptionsConflict",
    message: "Index already exists with a different name: idx_hourly_source_hour",
};

/// MongoDB's refusal of relevé's indexes on `records` where one on relevé's keys has
/// another name.
const KEYS_NAMED_OTHERWISE: Refusal = Refusal {
    kind: "createIndexes records",
    ..NAMED_OTHERWISE
};

/// MongoDB's refusal of relevé's index on `runs` by `finished` where one on the same keys
/// deletes runs after another time (`unique` the same: MongoDB 5 and later refuse no other).
const EXPIRES_OTHERWISE: Refusal = Refusal {
    kind: "createIndexes runs",
    code: 85,
    code_name: "IndexOptionsConflict",
    message: "An equivalent index already exists with a different name and options",
};

/// Adds a unique index on `keys` to `collection`; returns its name as the server lists it
/// (nx-27017 names indexes itself).
async fn add_unique_index(ws: &Workspace, collection: &str, keys: Document) -> String {
    let unique = IndexOptions::builder().unique(true).build();
    add_index(ws, collection, keys, unique).await
}

/// Adds an index on `keys` to `collection` with `options`, named `mine`; returns its name as
/// the server lists it.
async fn add_index(
    ws: &Workspace,
    collection: &str,
    keys: Document,
    mut options: IndexOptions,
) -> String {
    options.name = Some("mine".to_owned());
    ws.db()
        .await
        .collection::<Document>(collection)
        .create_index(
            IndexModel::builder()
                .keys(keys.clone())
                .options(options)
                .build(),
        )
        .await
        .expect("the user's index");
    index_on(ws, collection, &keys)
        .await
        .and_then(|index| index.options.and_then(|options| options.name))
        .expect("named")
}

/// The index of `collection` on `keys`, as the server lists it.
async fn index_on(ws: &Workspace, collection: &str, keys: &Document) -> Option<IndexModel> {
    let collection = ws.db().await.collection::<Document>(collection);
    let indexes = collection.list_indexes().await.expect("listed");
    let indexes: Vec<IndexModel> = futures_util::TryStreamExt::try_collect(indexes)
        .await
        .expect("listed");
    indexes.into_iter().find(|index| &index.keys == keys)
}

async fn drop_index(ws: &Workspace, collection: &str, name: &str) {
    ws.db()
        .await
        .collection::<Document>(collection)
        .drop_index(name)
        .await
        .expect("dropped");
}

/// A run of the summariser on the shared test server, through a proxy conducting itself as
/// `conduct` says (refusing a command as MongoDB would).
fn summarise_through(ws: &Workspace, conduct: Conduct) -> std::process::Output {
    let upstream = testkit::MongoServer::shared().uri();
    let proxy = MongoProxy::start(upstream, conduct);
    ws.command(&proxy.uri()).output().expect("summariser runs")
}

/// The one line a failed run ends on.
fn failure_line(errors: &str) -> String {
    let lines: Vec<&str> = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {errors}");
    lines[0].to_owned()
}

/// Her unique index on the magnitude refuses the third event (the first's magnitude): today
/// the file goes to quarantine as holding a record MongoDB "cannot store", though the record
/// is fine and every later file with a repeated magnitude would follow it there.
#[tokio::test]
async fn a_unique_index_of_the_user_on_records_stops_the_run_naming_it() {
    let ws = Workspace::new("own-index-records");
    let index = add_unique_index(&ws, "records", doc! {"data.properties.mag": 1}).await;
    let landed = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.0),
            quake("b", (10, 6), 2.0),
            quake("c", (10, 7), 1.0),
        ]),
    );
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert!(
        !ws.raw().join("_quarantine").exists(),
        "nothing quarantined: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "its file waits: {errors}");
    let line = failure_line(&errors);
    assert!(
        line.contains(&format!("`{index}`"))
            && line.contains("relevé did not make")
            && (line.contains("record `a`") || line.contains("record `c`"))
            && line.contains(&landed.file_name())
            && line.contains("`usgs`"),
        "names the source, the record, its file and the index, and says it is not relevé's: \
         {line}"
    );

    drop_index(&ws, "records", &index).await;
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert!(ws.record("usgs", "c").await.is_some());
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&hour), 3, "each record counted once");
}

/// Her unique index on `runs` by source refuses every run after the first: today the refusal
/// reads as a run already loaded, and its metrics file is deleted with the run never stored.
#[tokio::test]
async fn a_unique_index_of_the_user_on_runs_loses_no_run() {
    let ws = Workspace::new("own-index-runs");
    let first = ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("a", (10, 0), 1.0)]),
    );
    ws.metrics(&first, 1, None);
    ws.summarise();
    let index = add_unique_index(&ws, "runs", doc! {"source": 1}).await;
    let second = ws.land(
        "usgs",
        (10, 10, 0),
        &snapshot(vec![quake("b", (10, 9), 2.0)]),
    );
    ws.metrics(&second, 1, None);
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    let line = failure_line(&errors);
    assert!(
        line.contains(&format!("`{index}`")) && line.contains("relevé did not make"),
        "{line}"
    );

    drop_index(&ws, "runs", &index).await;
    ws.summarise();
    assert_eq!(ws.documents("runs").await.len(), 2, "both runs stored");
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&hour), 2);
}

/// A new version of a stored record that her index refuses (`b` revised to `a`'s magnitude)
/// is as little the record's fault as a new record: today its file goes to quarantine.
#[tokio::test]
async fn a_revision_refused_by_a_unique_index_of_the_user_stops_the_run_naming_it() {
    let ws = Workspace::new("own-index-revision");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 6), 2.0)]),
    );
    ws.summarise();
    let index = add_unique_index(&ws, "records", doc! {"data.properties.mag": 1}).await;
    let revised = ws.land(
        "usgs",
        (10, 40, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 6), 1.0)]),
    );
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert!(
        !ws.raw().join("_quarantine").exists(),
        "nothing quarantined: {errors}"
    );
    let line = failure_line(&errors);
    assert!(
        line.contains(&format!("`{index}`"))
            && line.contains("record `b`")
            && line.contains(&revised.file_name())
            && line.contains("relevé did not make"),
        "{line}"
    );

    drop_index(&ws, "records", &index).await;
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    let revised = ws.record_data("usgs", "b").await.expect("stored");
    assert_eq!(revised["properties"]["mag"], 1.0);
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&hour), 2);
}

/// Her unique index on `hourly` by count refuses the second hour holding one record: the
/// run already stops with its files in place, but its line gave nx-27017's or MongoDB's words
/// alone, not which index of hers to drop.
#[tokio::test]
async fn a_unique_index_of_the_user_on_hourly_is_named_and_nothing_counts_twice() {
    let ws = Workspace::new("own-index-hourly");
    let index = add_unique_index(&ws, "hourly", doc! {"count": 1}).await;
    ws.land(
        "usgs",
        (11, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (11, 6), 2.0)]),
    );
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), 1, "its file waits: {errors}");
    let line = failure_line(&errors);
    assert!(
        line.contains(&format!("`{index}`"))
            && line.contains("relevé did not make")
            && line.contains("`usgs` hourly summaries"),
        "{line}"
    );

    drop_index(&ws, "hourly", &index).await;
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    for h in [10, 11] {
        let hour = ws.hour("usgs", h).await.expect("summarised");
        assert_eq!(count(&hour), 1, "hour {h} counts its record once");
    }
}

/// Her unique index on `rejected_records` by source refuses every record kept there after the
/// first: today the refusal reads as a record kept already, and the file is deleted with the
/// record lacking its key kept nowhere.
#[tokio::test]
async fn a_unique_index_of_the_user_on_rejected_records_loses_no_record() {
    let ws = Workspace::new("own-index-rejected");
    let index = add_unique_index(&ws, "rejected_records", doc! {"source": 1}).await;
    let keyless = |mag: f64| snapshot(vec![keyless_quake((10, 1), mag), quake("a", (10, 2), mag)]);
    ws.land("usgs", (10, 10, 0), &keyless(1.0));
    ws.summarise();
    let second = ws.land("usgs", (10, 20, 0), &keyless(2.0));
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), 1, "its file waits: {errors}");
    let line = failure_line(&errors);
    assert!(
        line.contains(&format!("`{index}`"))
            && line.contains(&second.file_name())
            && line.contains("relevé did not make"),
        "{line}"
    );

    drop_index(&ws, "rejected_records", &index).await;
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(ws.documents("rejected_records").await.len(), 2, "both kept");
}

/// A month moved from nx-27017 to a university's MongoDB 7 with mongodump and mongorestore, as
/// the README said: the restored indexes bear nx-27017's names (`idx_hourly_source_hour`), and
/// MongoDB refuses relevé's `source_1_hour_1` on the same keys and options (code 85), so every
/// summariser run on the new server stopped at its start. The index found serves as relevé's.
#[tokio::test]
async fn an_index_of_releve_s_restored_under_another_name_serves_as_releve_s() {
    let ws = Workspace::new("own-index-restored");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.summarise();
    ws.land(
        "usgs",
        (11, 30, 0),
        &snapshot(vec![quake("b", (11, 5), 2.0)]),
    );
    let output = summarise_through(&ws, Conduct::refusing(NAMED_OTHERWISE));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(ws.remaining("usgs"), 0, "{}", stderr(&output));
    let hour = ws.hour("usgs", 11).await.expect("hour 11 summarised");
    assert_eq!(count(&hour), 1);
}

/// MongoDB 5 and later make relevé's unique index beside one of hers on the same keys that
/// is not (`unique` is part of an index's identity there), but refuse one differing by its
/// `expireAfterSeconds` alone (code 85): her index on `runs` by `finished`, deleting runs after
/// a minute, stops the run, naming it, what differs and how to drop it; once dropped, the next
/// run makes relevé's and summarises.
#[tokio::test]
async fn an_index_on_releve_s_keys_with_other_options_is_named_with_how_to_drop_it() {
    let ws = Workspace::new("own-index-differs");
    let keys = doc! {"finished": 1};
    let a_minute = IndexOptions::builder()
        .expire_after(Duration::from_secs(60))
        .build();
    let index = add_index(&ws, "runs", keys.clone(), a_minute).await;
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let output = summarise_through(&ws, Conduct::refusing(EXPIRES_OTHERWISE));
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), 1, "its file waits: {errors}");
    let line = failure_line(&errors);
    assert!(
        line.contains(&format!("`runs` index `{index}`"))
            && line.contains("its `expireAfterSeconds` is 60, relevé's 7776000")
            && line.contains(&format!("db.runs.dropIndex(\"{index}\")")),
        "names the collection, the index, what differs and how to drop it: {line}"
    );

    drop_index(&ws, "runs", &index).await;
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert!(ws.hour("usgs", 10).await.is_some());
    let releve_s = index_on(&ws, "runs", &keys).await.expect("relevé's index");
    let expiry = releve_s.options.and_then(|options| options.expire_after);
    assert_eq!(expiry, Some(Duration::from_secs(7_776_000)));
}

/// The same refusal on `records` from a server that holds an index on relevé's keys under
/// another name, but not relevé's other indexes there (dropped, or never restored): the run
/// makes them, among them the one that deletes records past their source's `keep_days`.
#[tokio::test]
async fn the_indexes_missing_beside_one_named_otherwise_are_made() {
    let ws = Workspace::new("own-index-missing");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.summarise();
    let (by_key, expiring) = (doc! {"source": 1, "key": 1}, doc! {"expire_at": 1});
    for keys in [&by_key, &expiring] {
        let name = index_on(&ws, "records", keys)
            .await
            .and_then(|index| index.options.and_then(|options| options.name))
            .expect("relevé's index");
        drop_index(&ws, "records", &name).await;
    }
    add_unique_index(&ws, "records", by_key).await;
    ws.land(
        "usgs",
        (11, 30, 0),
        &snapshot(vec![quake("b", (11, 5), 2.0)]),
    );
    let output = summarise_through(&ws, Conduct::refusing_once(KEYS_NAMED_OTHERWISE));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(ws.remaining("usgs"), 0, "{}", stderr(&output));
    let made = index_on(&ws, "records", &expiring).await;
    let expiry = made.and_then(|index| index.options.and_then(|options| options.expire_after));
    assert_eq!(expiry, Some(Duration::ZERO), "records expire at their date");
}

/// MongoDB's refusal to build relevé's unique index on `hourly` over two documents with the
/// same keys (nx-27017 refuses it too, but in an answer without a code).
const DUPLICATES: Refusal = Refusal {
    kind: "createIndexes hourly",
    code: 11000,
    code_name: "DuplicateKey",
    message: "Index build failed: 4c2e1f0a-8d4b-4f57-9a3e-2b7c5d6e8f10: Collection \
              releve.hourly ( 1b9d6c3e-5a7f-4e21-8c4d-3f2a1b0c9d8e ) :: caused by :: E11000 \
              duplicate key error collection: releve.hourly index: source_1_hour_1 dup key: \
              { source: \"usgs\", hour: new Date(1765101600000) }",
};

/// Two summaries of one hour in `hourly` (copied in by hand, or written while relevé's index
/// was dropped) keep MongoDB from making relevé's unique index there (E11000, whatever the
/// version, beside an index on the same keys that is not unique or with none): the run stops
/// before reading a file, in one line naming the collection, that documents with the same
/// keys block relevé's index, and how to find them.
#[tokio::test]
async fn duplicates_blocking_releve_s_unique_index_are_said_with_how_to_find_them() {
    let ws = Workspace::new("own-index-duplicates");
    ws.summarise();
    let keys = doc! {"source": 1, "hour": 1};
    let releve_s = index_on(&ws, "hourly", &keys)
        .await
        .and_then(|index| index.options.and_then(|options| options.name))
        .expect("relevé's index");
    drop_index(&ws, "hourly", &releve_s).await;
    let hour = mongodb::bson::DateTime::from_millis(at(10, 0, 0).timestamp_millis());
    let summary = doc! {"source": "usgs", "hour": hour, "count": 1_i64};
    ws.db()
        .await
        .collection::<Document>("hourly")
        .insert_many([summary.clone(), summary])
        .await
        .expect("two summaries of one hour");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let output = summarise_through(&ws, Conduct::refusing(DUPLICATES));
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), 1, "its file waits: {errors}");
    let line = failure_line(&errors);
    assert!(
        line.contains("`hourly` holds documents with the same `source` and `hour`")
            && line.contains("relevé's unique index")
            && line.contains("db.hourly.aggregate("),
        "names the collection, the duplicates and how to find them: {line}"
    );
}
