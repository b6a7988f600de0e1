//! A student's laptop collecting two sources every 15 minutes, as the laptop tests write its
//! runs: the golden day's report of them, a night asleep, a train whose captive portal failed
//! every source together.

use chrono::{Duration, Utc};
use mongodb::bson::Document;
use releve::store;
use testkit::MongoServer;

use super as common;
use super::golden;

/// Two sources collected every 15 minutes, as a student's laptop collects them.
pub const CONFIG: &str = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "meteo"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "15m"
records = "current"
key = "time"
time = "time"
numeric = ["t"]

[[source]]
name = "station"
kind = "http_json"
url = "http://127.0.0.1:9/station"
every = "15m"
records = "results"
key = "time"
time = "time"
numeric = ["t"]
"#;

/// The cover of the golden day's report, given the `runs` stored and `config`, written in a
/// database of its own named after `name`.
pub async fn day_cover(name: &str, runs: &[releve::RunMetrics], config: &str) -> String {
    let (_dir, pdf) = day_report(name, runs, config).await;
    common::flat(&common::page_texts(&pdf)[0])
}

/// The golden day's report, given the `runs` stored and `config`, written in a database of
/// its own named after `name`: its folder (kept while held) and its file.
pub async fn day_report(
    name: &str,
    runs: &[releve::RunMetrics],
    config: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let server = MongoServer::shared();
    let db = server.fresh_database(name);
    let documents: Vec<Document> = runs
        .iter()
        .map(|run| store::run_document(run).expect("run document"))
        .collect();
    server
        .client_database(&db)
        .await
        .collection::<Document>(store::RUNS)
        .insert_many(documents)
        .await
        .expect("insert runs");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), config).expect("write sources.toml");
    let output = tokio::task::spawn_blocking({
        let (dir, uri, db) = (dir.path().to_owned(), server.uri().to_owned(), db.clone());
        move || {
            common::analyser(
                &dir,
                &[
                    "--mongodb-uri",
                    &uri,
                    "--database",
                    &db,
                    "--date",
                    &golden::date(0),
                ],
            )
        }
    })
    .await
    .expect("analyser thread");
    assert!(output.status.success(), "{output:?}");
    let pdf = dir.path().join(golden::report(0));
    (dir, pdf)
}

/// The runs of `meteo` and `station`, every 15 minutes from the day before the golden day to
/// the day after it, but from midnight to 08:00 of the golden day (the laptop asleep), and
/// one a minute ago (health is judged when the report is generated: both collect now).
pub fn night_asleep_runs() -> Vec<releve::RunMetrics> {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let asleep = at >= start && at < start + Duration::hours(8);
        if !asleep {
            runs.push(golden::run("meteo", at, 1, None, None));
            runs.push(golden::run("station", at, 1, None, None));
        }
        at += Duration::minutes(15);
    }
    ran_just_now(&mut runs);
    runs
}

/// meteo's and station's runs of a minute ago: health is judged when the report is generated,
/// and both are still collecting.
pub fn ran_just_now(runs: &mut Vec<releve::RunMetrics>) {
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
}

/// The runs of the train from 14:00 to 17:00, its portal (or an API they both call) failing
/// meteo's and station's runs together, beside `quakes`' runs from `quakes`.
pub fn train_runs(
    quakes: impl Fn(chrono::DateTime<Utc>) -> Option<releve::RunMetrics>,
) -> Vec<releve::RunMetrics> {
    let start = golden::day_start();
    let portal = "GET: the answer is not the expected JSON: expected value at line 1 column 1 (served as text/html): an HTML page titled \"Wi-Fi SNCF\"";
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let on_the_train = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        for source in ["meteo", "station"] {
            let error = on_the_train.then_some(portal);
            runs.push(golden::run(
                source,
                at,
                u64::from(!on_the_train),
                None,
                error,
            ));
        }
        runs.extend(quakes(at));
        at += Duration::minutes(15);
    }
    ran_just_now(&mut runs);
    runs
}

/// `quakes`, collected every 15 minutes, `enabled` as given.
pub fn with_quakes(enabled: bool) -> String {
    format!(
        "{CONFIG}\n[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/quakes\"\nevery = \"15m\"\nenabled = {enabled}\nrecords = \"features\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"mag\"]\n"
    )
}
