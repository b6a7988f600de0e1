//! An installation upgraded from relevé at commit 7a3867c1 (5 December 2026), with the files
//! and documents that version wrote (`tests/fixtures/releve-7a3867c1/`, its README says how):
//! the upgraded summariser carries its database over as the README's "Upgrading relevé" says.

mod common;

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Workspace, stderr};
use mongodb::bson::{Bson, Document, doc};

const FIXTURE: &str = "tests/fixtures/releve-7a3867c1";

/// The whole days the fixture's runs are moved forward by: to between one and two days before
/// now. `runs` are kept 90 days (a TTL on `finished`), so as written (6 December 2026) both
/// runs, the old one and the one the upgraded summariser stores, would be gone from 6 March
/// 2027 on.
fn runs_moved_by() -> TimeDelta {
    let finished: DateTime<Utc> = "2026-12-06T22:11:04Z".parse().expect("a time");
    TimeDelta::days(((Utc::now() - finished).num_days() - 1).max(0))
}

/// The documents of `database.json`, by collection, the runs' times moved by `moved`.
fn old_documents(moved: TimeDelta) -> Vec<(String, Vec<Document>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURE)
        .join("database.json");
    let text = std::fs::read_to_string(&path).expect("database.json");
    let json: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("database.json is JSON");
    json.into_iter()
        .map(|(collection, documents)| {
            let documents = match Bson::try_from(documents).expect("extended JSON") {
                Bson::Array(documents) => documents,
                other => panic!("{collection}: not an array: {other}"),
            };
            let documents = documents
                .into_iter()
                .map(|document| match document {
                    Bson::Document(document) if collection == "runs" => run_moved(document, moved),
                    Bson::Document(document) => document,
                    other => panic!("{collection}: not a document: {other}"),
                })
                .collect();
            (collection, documents)
        })
        .collect()
}

/// A `runs` document with its `started` and `finished` moved by `moved`.
fn run_moved(mut run: Document, moved: TimeDelta) -> Document {
    for field in ["started", "finished"] {
        let at = run
            .get_datetime(field)
            .expect("a run's time")
            .timestamp_millis();
        let at = mongodb::bson::DateTime::from_millis(at + moved.num_milliseconds());
        run.insert(field, at);
    }
    run
}

/// Copies the metrics file `from` to `to`, its `started` and `finished` moved by `moved`.
fn copy_metrics_moved(from: &Path, to: &Path, moved: TimeDelta) {
    let text = std::fs::read_to_string(from).expect("the fixture's metrics");
    let mut metrics: serde_json::Value = serde_json::from_str(&text).expect("metrics JSON");
    for field in ["started", "finished"] {
        let at: DateTime<Utc> = metrics[field]
            .as_str()
            .and_then(|text| text.parse().ok())
            .expect("a metrics time");
        metrics[field] = serde_json::json!(at + moved);
    }
    std::fs::write(to, serde_json::to_vec_pretty(&metrics).expect("JSON")).expect("metrics");
}

/// The waiting file holds the four records stored from the file before it, unchanged: the
/// upgraded summariser stores its run, leaves the records and their hour as that version wrote
/// them (no duplicate, no update), names the raw folder in the database, and deletes the file.
/// The runs' times alone are moved to the last two days ([`runs_moved_by`]).
#[tokio::test]
async fn a_database_and_raw_folder_of_5_december_carry_over_unchanged() {
    let moved = runs_moved_by();
    let ws = Workspace::new("upgraded-7a3867c1");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    std::fs::copy(
        fixture.join("sources.toml"),
        ws.dir.path().join("sources.toml"),
    )
    .expect("the shipped USGS table");
    let waiting = ws.raw().join("usgs-earthquakes");
    std::fs::create_dir_all(&waiting).expect("the source's folder");
    for entry in std::fs::read_dir(fixture.join("raw/usgs-earthquakes")).expect("fixture files") {
        let entry = entry.expect("a fixture file");
        let to = waiting.join(entry.file_name());
        if entry
            .file_name()
            .to_string_lossy()
            .ends_with(".metrics.json")
        {
            copy_metrics_moved(&entry.path(), &to, moved);
        } else {
            std::fs::copy(entry.path(), to).expect("copied");
        }
    }
    std::fs::write(
        releve::rawfile::summariser_database(&ws.raw()),
        format!("{}\n", ws.database),
    )
    .expect(".summariser-database");
    let db = ws.db().await;
    for (collection, documents) in old_documents(moved) {
        db.collection::<Document>(&collection)
            .insert_many(documents)
            .await
            .expect("the old documents stored");
    }
    let before = ws.dump_exact().await;

    let output = ws.summarise();
    let errors = stderr(&output);
    assert!(!errors.contains("WARN"), "{errors}");
    assert_eq!(ws.remaining("usgs-earthquakes"), 0, "{errors}");
    assert!(
        !ws.raw().join("_quarantine").exists(),
        "quarantined: {errors}"
    );
    let after = ws.dump_exact().await;
    let runs = |dump: &[String]| dump.iter().filter(|line| line.starts_with("runs")).count();
    let others = |dump: &[String]| -> Vec<String> {
        dump.iter()
            .filter(|line| !line.starts_with("runs"))
            .cloned()
            .collect()
    };
    assert_eq!(others(&after), others(&before), "{errors}");
    assert_eq!((runs(&before), runs(&after)), (1, 2), "{errors}");
    let named = db
        .collection::<Document>("installation")
        .find_one(doc! {"_id": "summariser"})
        .await
        .expect("installation read")
        .expect("the database names its raw folder");
    let id = std::fs::read_to_string(releve::rawfile::installation(&ws.raw())).expect("id");
    assert_eq!(named.get_str("folder").ok(), Some(id.trim()));
}
