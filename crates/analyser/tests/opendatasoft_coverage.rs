//! An Opendatasoft dataset collected, stored and reported by the real binaries: what the
//! report's quality table says of the records the portal announced.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::OpendatasoftDouble;

/// Runs one of the workspace's other binaries in `dir`, expecting it to succeed.
fn run(dir: &Path, binary: &str, args: &[&str]) {
    let output = Command::new(testkit::binary(binary))
        .current_dir(dir)
        .args(args)
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{binary} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A counting station's dataset with no record id, whose portal holds each of its 60 rows
/// twice (a dataset loaded twice, or two identical counts): the collector lands each row once,
/// as the README says, and counts no shortfall (the export served every row it announced).
/// Nothing was lost, yet the report's coverage column reads "50.0% of 120", as though half
/// of what the portal announced had not been collected.
#[test]
fn a_dataset_holding_its_rows_twice_reads_as_fully_covered_when_every_row_landed() {
    let start = Utc::now() - TimeDelta::seconds(61);
    let rows: Vec<Value> = (0..60)
        .map(|i| {
            let at = start + TimeDelta::seconds(i);
            json!({
                "capteur": "C1",
                "horodatage": at.to_rfc3339_opts(SecondsFormat::Secs, false),
                "passages": i % 7,
            })
        })
        .collect();
    let served: Vec<Value> = rows.iter().chain(&rows).cloned().collect();
    let double = OpendatasoftDouble::new("comptages", served);
    let server = LocalServer::start(double.router());

    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!(
        r#"
[report]
timezone = "UTC"

[[source]]
name = "passages"
kind = "opendatasoft"
url = "{}"
dataset = "comptages"
every = "1h"
key = ["capteur", "horodatage"]
time = "horodatage"
numeric = ["passages"]
rate_limit = 1000
"#,
        server.url()
    );
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let mongo = testkit::MongoServer::shared();
    let database = mongo.fresh_database("odscoverage");
    run(dir.path(), "collector", &["--force"]);
    run(
        dir.path(),
        "summariser",
        &["--mongodb-uri", mongo.uri(), "--database", &database],
    );
    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let printed = common::analyser_ok(
        dir.path(),
        &[
            "report",
            "--mongodb-uri",
            mongo.uri(),
            "--database",
            &database,
            "--date",
            &today,
            "--period",
            "day",
        ],
    );
    let pdf = printed.lines().last().expect("the report's path").trim();
    let text = common::text(Path::new(pdf));
    let line = text
        .lines()
        .find(|line| line.trim_start().starts_with("passages") && line.contains(" of 120"))
        .unwrap_or_else(|| panic!("a quality row announcing 120 records: {text}"));
    assert!(
        line.contains("100.0% of 120") || line.contains("100% of 120"),
        "every row the portal announced landed (no shortfall), but the coverage says otherwise: {line}"
    );
}

/// The text of the day report of `day`, its 24 hourly runs stored as an Opendatasoft source's
/// collector stored them: each announcing `announced`, landing `records`, its `coverage` as
/// stored, no shortfall counted; its hours holding what the runs landed.
async fn day_of_runs_stored(
    label: &str,
    day: chrono::NaiveDate,
    announced: u64,
    records: u64,
    coverage: f64,
) -> String {
    use mongodb::bson::{Document, doc};
    use releve::store;

    let start = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let run = |hour: i64| {
        let started = start + TimeDelta::hours(hour) + TimeDelta::minutes(5);
        releve::RunMetrics {
            window_parts: None,
            scheduled_from: None,
            source: "passages".into(),
            kind: "opendatasoft".into(),
            file: Some(format!(
                "passages_{}.json",
                started.format("%Y-%m-%dT%H-%M-%SZ")
            )),
            started,
            finished: started + TimeDelta::seconds(2),
            duration_ms: Some(2_000),
            http_calls: Some(3),
            retries: Some(0),
            throttled: Some(0),
            announced: Some(announced),
            records,
            coverage: Some(coverage),
            shortfall: 0,
            key_clashes: 0,
            clash_key: None,
            error: None,
            day: None,
            every_s: Some(3600),
            disabled_from: None,
            retry_from: None,
        }
    };
    let mongo = testkit::MongoServer::shared();
    let database = mongo.fresh_database(label);
    let db = mongo.client_database(&database).await;
    let runs: Vec<Document> = (0..24)
        .map(|hour| store::run_document(&run(hour)).expect("run"))
        .collect();
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("runs");
    let count = i64::try_from(records).expect("a count");
    let hourly: Vec<Document> = (0..24)
        .map(|hour| {
            let at = start + TimeDelta::hours(hour);
            doc! {"source": "passages", "hour": store::bson_date(at), "count": count,
            "numeric": [], "categories": [], "bbox": null,
            "updated_at": store::bson_date(at + TimeDelta::hours(1))}
        })
        .collect();
    db.collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("hourly");

    let dir = tempfile::tempdir().expect("temp dir");
    let config = r#"
[report]
timezone = "UTC"

[[source]]
name = "passages"
kind = "opendatasoft"
url = "http://127.0.0.1:9"
dataset = "comptages"
every = "1h"
key = ["capteur", "horodatage"]
time = "horodatage"
numeric = ["passages"]
"#;
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let date = day.format("%Y-%m-%d").to_string();
    let uri = mongo.uri().to_owned();
    let path = dir.path().to_owned();
    let printed = tokio::task::spawn_blocking(move || {
        common::analyser_ok(
            &path,
            &[
                "report",
                "--mongodb-uri",
                &uri,
                "--database",
                &database,
                "--date",
                &date,
                "--period",
                "day",
            ],
        )
    })
    .await
    .expect("analyser thread");
    let pdf = printed.lines().last().expect("the report's path").trim();
    common::flat(&common::text(Path::new(pdf)))
}

/// The runs of an Opendatasoft source stored by the collector before 1 December, still within
/// the 90 days `runs` keeps: that collector counted no shortfall (`shortfall` 0 whatever it
/// landed), and stored each run's `coverage` as records over announced (here 150 of 200, 0.75).
/// Coverage read as announced less shortfall alone would say "100.0%" of such a day, of which
/// a quarter of what the portal announced never landed, against the runs' own stored coverage.
#[tokio::test(flavor = "multi_thread")]
async fn runs_stored_before_the_shortfall_was_counted_keep_their_coverage_in_the_report() {
    // Before 1 December 2026, when the collector began counting an Opendatasoft run's
    // shortfall.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a day");
    let text = day_of_runs_stored("odscoverage-old-runs", day, 200, 150, 0.75).await;
    assert!(
        text.contains("of 4,800"),
        "24 runs announced 200 records each: {text}"
    );
    assert!(
        !text.contains("100.0% of 4,800") && !text.contains("100% of 4,800"),
        "each run landed 150 of the 200 records announced (its stored coverage 0.75), yet the report says all came: {text}"
    );
}

/// The runs of an Opendatasoft dataset holding each of its rows twice, stored by a collector of
/// 1 to 6 December: that collector already counted the shortfall (none here: the export served
/// every row it announced, each landed once), and stored each run's `coverage` as records over
/// announced (60 of 120, 0.5). Read from that coverage, as the runs of before 1 December are,
/// the day would read 50%, with a red line of "1,440 announced records not landed", though
/// every row landed.
#[tokio::test(flavor = "multi_thread")]
async fn runs_that_counted_no_shortfall_of_a_dataset_holding_rows_twice_still_read_fully_covered() {
    // After 1 December 2026, when the collector counted an Opendatasoft run's shortfall.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("a day");
    let text = day_of_runs_stored("odscoverage-twice-old", day, 120, 60, 0.5).await;
    assert!(
        text.contains("100.0% of 2,880") || text.contains("100% of 2,880"),
        "each run stored no shortfall: every row announced landed (each held twice, landed once): {text}"
    );
    assert!(
        !text.contains("not landed"),
        "no record announced went unlanded: {text}"
    );
}
