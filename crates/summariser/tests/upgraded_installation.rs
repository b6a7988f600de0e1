//! An installation upgraded from relevé at commit 7a3867c1 (5 December 2026), with the files
//! and documents that version wrote (`tests/fixtures/releve-7a3867c1/`, its README says how):
//! the upgraded summariser carries its database over as the README's "Upgrading relevé" says.

mod common;

use std::path::Path;

use common::{Workspace, stderr};
use mongodb::bson::{Bson, Document, doc};

const FIXTURE: &str = "tests/fixtures/releve-7a3867c1";

/// The documents of `database.json`, by collection.
fn old_documents() -> Vec<(String, Vec<Document>)> {
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
                    Bson::Document(document) => document,
                    other => panic!("{collection}: not a document: {other}"),
                })
                .collect();
            (collection, documents)
        })
        .collect()
}

/// The waiting file holds the four records stored from the file before it, unchanged: the
/// upgraded summariser stores its run, leaves the records and their hour as that version wrote
/// them (no duplicate, no update), names the raw folder in the database, and deletes the file.
#[tokio::test]
async fn a_database_and_raw_folder_of_5_december_carry_over_unchanged() {
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
        std::fs::copy(entry.path(), waiting.join(entry.file_name())).expect("copied");
    }
    std::fs::write(
        releve::rawfile::summariser_database(&ws.raw()),
        format!("{}\n", ws.database),
    )
    .expect(".summariser-database");
    let db = ws.db().await;
    for (collection, documents) in old_documents() {
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
