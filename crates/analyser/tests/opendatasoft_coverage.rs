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
