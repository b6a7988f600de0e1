//! `analyser export --decimal-comma`: a CSV a spreadsheet set to French opens right by a
//! double-click (`;` between fields, decimals with a comma, accents read as UTF-8), through
//! the real binary.

mod common;

use std::path::Path;
use std::process::Output;

use chrono::Duration;
use common::golden;
use mongodb::bson::{Document, doc};
use releve::store;
use testkit::MongoServer;

/// Runs `analyser export --source quakes` of the golden day in `dir` on `database` with `args`.
async fn export(dir: &Path, database: &str, args: &[&str]) -> Output {
    let uri = MongoServer::shared().uri();
    let mut all: Vec<String> = ["export", "--mongodb-uri", uri, "--database", database]
        .iter()
        .chain(&["--source", "quakes", "--date"])
        .map(|arg| (*arg).to_owned())
        .collect();
    all.push(golden::date(0));
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        common::analyser(&dir, &all.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread")
}

/// A folder with the golden `sources.toml`, and a database holding the golden day and one
/// record of a place named in French, of magnitude 4.46, at the day's half.
async fn golden_site_in_toulouse(label: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    let db = store::connect(server.uri(), &name)
        .await
        .expect("the summariser's collections");
    golden::insert(&db).await;
    let time = golden::day_start() + Duration::hours(12) + Duration::minutes(30);
    let at = store::bson_date(time);
    let record = doc! {"source": "quakes", "key": "compans", "time": at,
    "hour": store::bson_date(store::hour_of(time)), "file": "quakes_compans.json", "landed_at": at,
    "data": {"id": "compans", "properties": {"mag": 4.46, "type": "séisme",
             "place": "Parc Compans-Cafarelli, Été; fermé"},
             "geometry": {"coordinates": [1.4325, 43.6112, 5.0]}}};
    db.collection::<Document>(store::RECORDS)
        .insert_one(record)
        .await
        .expect("the French record");
    (dir, name)
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_decimal_comma_export_opens_in_a_french_spreadsheet_with_its_numbers_and_accents() {
    let (dir, database) = golden_site_in_toulouse("export_decimal_comma").await;
    let output = export(
        dir.path(),
        &database,
        &["--decimal-comma", "--field", "properties.place"],
    )
    .await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let Some(table) = csv.strip_prefix('\u{feff}') else {
        panic!("no UTF-8 byte-order mark first, so Excel reads accents wrong: {csv:?}");
    };
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "time;key;properties.mag;properties.type;geometry.coordinates.0;geometry.coordinates.1;properties.place"
    );
    let row = lines
        .iter()
        .find(|line| line.contains(";compans;"))
        .expect("the record of Compans");
    assert!(
        row.ends_with(";compans;4,46;séisme;1,4325;43,6112;\"Parc Compans-Cafarelli, Été; fermé\""),
        "numbers with a decimal comma, text as served: {row}"
    );
    // The hours' statistics too: their means and sums with a comma.
    let hourly = export(dir.path(), &database, &["--decimal-comma", "--hourly"]).await;
    let csv = String::from_utf8(hourly.stdout).expect("UTF-8 CSV");
    let cells: Vec<&str> = csv
        .lines()
        .skip(1)
        .flat_map(|hour| hour.split(';').skip(1))
        .collect();
    assert!(
        cells.iter().all(|cell| !cell.contains('.')) && cells.iter().any(|cell| cell.contains(',')),
        "{csv}"
    );
}

#[tokio::test]
async fn an_export_without_decimal_comma_stays_as_pandas_reads_it() {
    let (dir, database) = golden_site_in_toulouse("export_decimal_point").await;
    let output = export(dir.path(), &database, &[]).await;
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    assert!(csv.starts_with("time,key,"), "{csv}");
    assert!(csv.contains(",compans,4.46,séisme,1.4325,43.6112"), "{csv}");
}
