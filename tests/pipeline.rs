//! End to end: one USGS-shaped source travels the whole way — a local HTTP server → the real
//! `collector` binary → a raw JSON file → the real `summariser` → MongoDB over the wire
//! (nx-27017) → the real `analyser` → a PDF whose pages are not blank. On the way, the README's
//! example queries run against what the summariser stored.

mod mongosh;
mod readme_python;

use std::path::Path;
use std::process::{Command, Output};

use axum::Router;
use axum::http::header;
use axum::routing::get;
use mongodb::bson::{Bson, DateTime, Document, doc};
use testkit::MongoServer;
use testkit::http::LocalServer;

const FEED: &str = include_str!("fixtures/usgs_all_hour.json");

fn usgs_double() -> LocalServer {
    let router = Router::new().route(
        "/earthquakes/feed/v1.0/summary/all_hour.geojson",
        get(|| async { ([(header::CONTENT_TYPE, "application/geo+json")], FEED) }),
    );
    LocalServer::start(router)
}

fn write_config(dir: &Path, base_url: &str) -> std::path::PathBuf {
    let config = format!(
        r#"
[[source]]
name = "usgs-earthquakes"
kind = "http_json"
url = "{base_url}/earthquakes/feed/v1.0/summary/all_hour.geojson"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
categories = ["properties.type"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
units = {{ "properties.mag" = "magnitude" }}
description = "Earthquakes worldwide, past hour"
periodicity = "updated every minute"
access = "open, no key"
licence = "Public domain (USGS)"
"#
    );
    let path = dir.join("sources.toml");
    std::fs::write(&path, config).expect("write sources.toml");
    path
}

fn run(binary: &str, dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(testkit::binary(binary))
        .current_dir(dir)
        .args(args)
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "info")
        .output()
        .expect("run binary");
    assert!(
        output.status.success(),
        "{binary} failed with {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn landed_files(raw: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(raw.join("usgs-earthquakes")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            releve::RawFileName::parse(n).is_some_and(|name| name.role == releve::RawFileRole::Data)
        })
        .collect();
    names.sort();
    names
}

fn hour(h: u32) -> DateTime {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 21)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("valid hour")
        .and_utc();
    DateTime::from_millis(at.timestamp_millis())
}

#[tokio::test(flavor = "multi_thread")]
async fn one_source_travels_from_http_to_pdf() {
    let api = usgs_double();
    let mongo = MongoServer::shared();
    let database = mongo.fresh_database("pipeline");
    let work = tempfile::tempdir().expect("work dir");
    let dir = work.path();
    let config = write_config(dir, &api.url());
    let config = config.to_str().expect("utf-8 path");
    let mongo_args = ["--mongodb-uri", mongo.uri(), "--database", &database];

    run(
        "collector",
        dir,
        &["--config", config, "--raw-dir", "raw", "--force"],
    );
    let landed = landed_files(&dir.join("raw"));
    assert_eq!(landed.len(), 1, "one file per run: {landed:?}");
    let name = releve::RawFileName::parse(&landed[0]).expect("landed name follows the contract");
    assert_eq!(name.source, "usgs-earthquakes");
    let age = chrono::Utc::now() - name.landed_at;
    assert!(
        age.num_seconds().abs() < 300,
        "the file is stamped with the run time (UTC): {}",
        landed[0]
    );
    let body =
        std::fs::read(dir.join("raw/usgs-earthquakes").join(&landed[0])).expect("read landed file");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).expect("landed file is JSON"),
        serde_json::from_str::<serde_json::Value>(FEED).expect("fixture is JSON"),
        "the body lands as served"
    );

    let mut summariser_args = vec!["--config", config, "--raw-dir", "raw"];
    summariser_args.extend(mongo_args);
    run("summariser", dir, &summariser_args);
    let db = mongo.client_database(&database).await;
    let hourly = db.collection::<Document>("hourly");
    let ten = hourly
        .find_one(doc! {"source": "usgs-earthquakes", "hour": hour(10)})
        .await
        .expect("query hourly")
        .expect("a summary for 10:00 UTC");
    assert_eq!(
        ten.get_i64("count")
            .or_else(|_| ten.get_i32("count").map(i64::from)),
        Ok(5)
    );
    let eleven = hourly
        .find_one(doc! {"source": "usgs-earthquakes", "hour": hour(11)})
        .await
        .expect("query hourly")
        .expect("a summary for 11:00 UTC");
    assert_eq!(
        eleven
            .get_i64("count")
            .or_else(|_| eleven.get_i32("count").map(i64::from)),
        Ok(3)
    );
    assert_eq!(hourly.count_documents(doc! {}).await.expect("count"), 2);
    the_readme_queries_answer(&db).await;
    the_readme_query_per_magnitude_type_answers(&db).await;
    the_readmes_python_queries_answer(mongo.uri(), &database);
    assert!(
        landed_files(&dir.join("raw")).is_empty(),
        "the summarised file is deleted"
    );

    let mut analyser_args = vec![
        "--config",
        config,
        "--reports-dir",
        "reports",
        "--date",
        "2026-11-21",
    ];
    analyser_args.extend(mongo_args);
    let output = run("analyser", dir, &analyser_args);
    let pdf = dir.join("reports/2026-11-21.pdf");
    assert!(pdf.exists(), "the report lands at reports/2026-11-21.pdf");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("2026-11-21.pdf"),
        "the analyser says where the PDF is"
    );
    assert_pages_not_blank(&pdf, dir);
    // The pages say what was stored: 5 events at 10:00 and 3 at 11:00, their magnitudes.
    let text = pdf_text(&pdf);
    for wanted in [
        "8 records in 2 of 24 hours",
        // Both in the 10:00 UTC hour, 11:00 in Paris.
        "Period: min 0.9 magnitude (2026-11-21 11:00–12:00 CET), mean 2.19 magnitude, \
         max 4.6 magnitude (2026-11-21 11:00–12:00 CET) over 8 values",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in\n{text}");
    }
}

/// The PDF's words, each run of blanks as one space.
fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(output.status.success(), "pdftotext reads the report");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The two example queries of the README's "MongoDB documents" section, as written there,
/// answer from what the summariser stored.
async fn the_readme_queries_answer(db: &mongodb::Database) {
    use futures_util::TryStreamExt;

    // Hourly mean magnitude of the day's earthquakes.
    let rows: Vec<Document> = db
        .collection::<Document>("hourly")
        .aggregate(hourly_means())
        .await
        .expect("the README's aggregate runs")
        .try_collect()
        .await
        .expect("read the aggregate");
    let hours: Vec<(DateTime, f64, f64)> = rows
        .iter()
        .map(|row| {
            let number = |field| row.get_f64(field).expect("a number");
            (
                *row.get_datetime("hour").expect("hour"),
                number("mean"),
                number("max"),
            )
        })
        .collect();
    let magnitudes: Vec<i64> = rows
        .iter()
        .map(|row| match row.get("magnitudes") {
            Some(Bson::Int32(n)) => i64::from(*n),
            Some(Bson::Int64(n)) => *n,
            other => panic!("`magnitudes` is a count, not {other:?}"),
        })
        .collect();
    assert_eq!(hours.len(), 2, "{rows:?}");
    assert_eq!(magnitudes, [5, 3], "{rows:?}");
    // 10:00: magnitudes 1.2, 2.7, 0.9, 4.6, 1.7; 11:00: 3.1, 1.1, 2.2.
    assert_eq!((hours[0].0, hours[1].0), (hour(10), hour(11)));
    assert!(
        (hours[0].1 - 2.22).abs() < 1e-9 && hours[0].2 == 4.6,
        "{rows:?}"
    );
    assert!(
        (hours[1].1 - 6.4 / 3.0).abs() < 1e-9 && hours[1].2 == 3.1,
        "{rows:?}"
    );

    // The ten strongest earthquakes stored, with their place (quarry blasts left out).
    let strongest: Vec<Document> = db
        .collection::<Document>("records")
        .find(doc! { "source": "usgs-earthquakes", "data.properties.type": "earthquake" })
        .projection(doc! { "_id": 0, "key": 1, "time": 1, "data.properties.mag": 1, "data.properties.place": 1 })
        .sort(doc! { "data.properties.mag": -1 })
        .limit(10)
        .await
        .expect("the README's find runs")
        .try_collect()
        .await
        .expect("read the find");
    let keys: Vec<&str> = strongest
        .iter()
        .map(|record| record.get_str("key").expect("key"))
        .collect();
    assert_eq!(
        keys, STRONGEST,
        "strongest first, the quarry blast (ci41200057, 1.1) left out"
    );
}

/// The README's query of the hourly mean magnitudes of 21 November 2026.
fn hourly_means() -> Vec<Document> {
    let next_day = DateTime::from_millis(hour(0).timestamp_millis() + 86_400_000);
    vec![
        doc! { "$match": { "$and": [
        { "source": "usgs-earthquakes" },
        { "hour": { "$gte": hour(0), "$lt": next_day } } ] } },
        doc! { "$unwind": "$numeric" },
        doc! { "$match": { "numeric.field": "properties.mag" } },
        doc! { "$project": { "_id": 0, "hour": 1, "magnitudes": "$numeric.count", "mean": "$numeric.mean", "max": "$numeric.max" } },
        doc! { "$sort": { "hour": 1 } },
    ]
}

/// The README's two aggregates in mongosh, read as MongoDB reads them, are the pipelines run
/// here: the hourly means and the earthquakes per magnitude type a mongosh user sees are the
/// tested ones, on MongoDB as on nx-27017.
#[test]
fn the_readmes_mongosh_aggregates_are_the_tested_queries() {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let block = readme
        .split("```js\n")
        .filter_map(|rest| rest.split("```").next())
        .find(|block| block.contains("db.hourly.aggregate("))
        .expect("the README's mongosh queries");
    for (call, tested) in [
        ("db.hourly.aggregate(", hourly_means()),
        ("db.records.aggregate(", per_magnitude_type()),
    ] {
        let json = mongosh::argument_of(block, call)
            .unwrap_or_else(|| panic!("the README's `{call}…)` is left open"));
        let value: serde_json::Value = serde_json::from_str(&json)
            .unwrap_or_else(|err| panic!("the README's `{call}…)` as JSON: {err}\n{json}"));
        let written = Bson::try_from(value).expect("the README's query reads as extended JSON");
        let tested = Bson::Array(tested.into_iter().map(Bson::from).collect());
        assert_eq!(written, tested, "the README's mongosh `{call}…)`:\n{json}");
    }
}

/// The day's seven strongest earthquakes as the README's query ranks them, strongest first.
const STRONGEST: [&str; 7] = [
    "us7000r1x2",
    "us7000r1x9",
    "ak0261a2b3",
    "hv74800033",
    "nc75100021",
    "hv74800001",
    "ci41200011",
];

/// The README's query of a day's earthquakes per magnitude type, of 21 November 2026.
fn per_magnitude_type() -> Vec<Document> {
    let next_day = DateTime::from_millis(hour(0).timestamp_millis() + 86_400_000);
    vec![
        doc! { "$match": { "$and": [
        { "source": "usgs-earthquakes", "data.properties.type": "earthquake" },
        { "hour": { "$gte": hour(0), "$lt": next_day } } ] } },
        doc! { "$group": { "_id": "$data.properties.magType", "events": { "$sum": 1 },
        "mean": { "$avg": "$data.properties.mag" },
        "max": { "$max": "$data.properties.mag" } } },
        doc! { "$sort": { "events": -1, "_id": 1 } },
    ]
}

/// The README gives its query per magnitude type in R too, as the JSON text mongolite takes.
/// Read as libbson reads it (`{"$date": "…"}` a date, a small whole number a 32-bit integer),
/// it must be the pipeline run above, so that an R user's answer is the tested one.
#[test]
fn the_readmes_r_query_is_the_tested_query_per_magnitude_type() {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let block = readme
        .split("```r\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README's R example");
    let json = block
        .split_once("$aggregate('")
        .and_then(|(_, rest)| rest.split_once("')"))
        .map(|(json, _)| json)
        .expect("the R example's `$aggregate('…')`");
    let value: serde_json::Value = serde_json::from_str(json).expect("the R query is JSON");
    let written = Bson::try_from(value).expect("the R query reads as extended JSON");
    let tested = Bson::Array(per_magnitude_type().into_iter().map(Bson::from).collect());
    assert_eq!(written, tested, "the README's R query:\n{json}");
}

/// The README's query of a day's earthquakes per magnitude type, as written there: a mean of
/// ml, md and mb magnitudes together is of no one scale, so she reads each type's apart. The
/// day is bounded by dates in the `$match`, which nx-27017 gets wrong unless they stand in an
/// `$and` (every record past a `$gte`, none before a `$lt`).
async fn the_readme_query_per_magnitude_type_answers(db: &mongodb::Database) {
    use futures_util::TryStreamExt;

    let pipeline = per_magnitude_type();
    let rows: Vec<Document> = db
        .collection::<Document>("records")
        .aggregate(pipeline)
        .await
        .expect("the README's aggregate per magnitude type runs")
        .try_collect()
        .await
        .expect("read the aggregate");
    let types: Vec<(&str, i64, f64, f64)> = rows
        .iter()
        .map(|row| {
            let events = match row.get("events") {
                Some(Bson::Int32(n)) => i64::from(*n),
                Some(Bson::Int64(n)) => *n,
                other => panic!("`events` is a count, not {other:?}"),
            };
            let number = |field| row.get_f64(field).expect("a number");
            let mag_type = row.get_str("_id").expect("a magnitude type");
            (mag_type, events, number("mean"), number("max"))
        })
        .collect();
    // The quarry blast (ml 1.1) left out: ml 2.7, 0.9, 1.7; mb 4.6, 3.1; md 1.2, 2.2.
    let expected = [
        ("ml", 3, 5.3 / 3.0, 2.7),
        ("mb", 2, 3.85, 4.6),
        ("md", 2, 1.7, 2.2),
    ];
    assert_eq!(types.len(), expected.len(), "{rows:?}");
    for (got, wanted) in types.iter().zip(expected) {
        assert!(
            got.0 == wanted.0
                && got.1 == wanted.1
                && (got.2 - wanted.2).abs() < 1e-9
                && got.3 == wanted.3,
            "{got:?} where {wanted:?} was expected, in {rows:?}"
        );
    }
}

/// `uri` naming `database` in its path, as a `MONGODB_URI` of a class's student does.
fn uri_with_database(uri: &str, database: &str) -> String {
    let (address, options) = uri.split_once('?').unwrap_or((uri, ""));
    let (scheme, rest) = address.split_once("://").unwrap_or(("mongodb", address));
    let hosts = rest.split('/').next().unwrap_or(rest);
    let options = if options.is_empty() {
        String::new()
    } else {
        format!("?{options}")
    };
    format!("{scheme}://{hosts}/{database}{options}")
}

/// The README's Python version of the three queries, as written there, run by the checkout's
/// `.venv/bin/python` (whose pymongo nx-27017 brings) with `MONGODB_URI` naming the database:
/// the rows a student sees are the tested ones.
fn the_readmes_python_queries_answer(uri: &str, database: &str) {
    let readme =
        std::fs::read_to_string(testkit::workspace_root().join("README.md")).expect("README.md");
    let script = readme
        .split("\n## MongoDB documents")
        .nth(1)
        .and_then(|section| section.split("```python\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the README's Python queries under \"MongoDB documents\"");
    let output = readme_python::python(script, &[], &uri_with_database(uri, database));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the README's Python queries fail:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        rows.len(),
        2 + 7 + 3,
        "two hours, seven earthquakes, three types:\n{stdout}"
    );
    assert!(
        rows[0].contains("datetime.datetime(2026, 11, 21, 10, 0, tzinfo=")
            && rows[0].contains("'magnitudes': 5")
            && rows[0].contains("'max': 4.6")
            && rows[1].contains("datetime.datetime(2026, 11, 21, 11, 0, tzinfo=")
            && rows[1].contains("'magnitudes': 3")
            && rows[1].contains("'max': 3.1"),
        "the hourly means of 10:00 and 11:00:\n{stdout}"
    );
    // Given as UTC times (`tz_aware=True`), not as times without a zone, which pandas and
    // matplotlib read as local times.
    assert!(
        rows[0].contains("'UTC'"),
        "the hour printed without its zone, UTC:\n{stdout}"
    );
    for (row, key) in rows[2..9].iter().zip(STRONGEST) {
        assert!(
            row.contains(&format!("'key': '{key}'")),
            "{key} in its rank:\n{stdout}"
        );
    }
    for (row, start) in rows[9..].iter().zip([
        "{'_id': 'ml', 'events': 3,",
        "{'_id': 'mb', 'events': 2, 'mean': 3.85, 'max': 4.6}",
        "{'_id': 'md', 'events': 2, 'mean': 1.7, 'max': 2.2}",
    ]) {
        assert!(row.starts_with(start), "{start} in its rank:\n{stdout}");
    }
}

fn assert_pages_not_blank(pdf: &Path, dir: &Path) {
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "30", "-gray"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm is installed (poppler-utils)");
    assert!(status.success(), "pdftoppm renders the report");
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .expect("read work dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pages.sort();
    assert!(
        pages.len() >= 2,
        "a cover and at least one chart page: {pages:?}"
    );
    for page in pages {
        let bytes = std::fs::read(&page).expect("read page");
        let dark = ink(&bytes);
        assert!(
            dark > 0.002,
            "{} is blank ({dark:.4} of its pixels are drawn)",
            page.display()
        );
    }
}

/// The share of non-white pixels of a binary PGM (P5) image.
fn ink(pgm: &[u8]) -> f64 {
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 && at < pgm.len() {
        while at < pgm.len() && pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while at < pgm.len() && !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[(at + 1).min(pgm.len())..];
    let drawn = pixels.iter().filter(|&&p| p < 200).count();
    drawn as f64 / pixels.len().max(1) as f64
}
