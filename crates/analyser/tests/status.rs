//! `analyser status` end to end: the real binary reads metrics files in a temp `raw/`, the
//! `runs` and `hourly` collections of a fresh database on the local MongoDB-compatible server,
//! and a reports folder; its exit code must say whether an operator has to act.

use std::path::Path;
use std::process::{Command, Output};

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use mongodb::bson::{Document, doc};
use releve::RunMetrics;
use releve::rawfile::{self, RawFileName};
use releve::store::{HOURLY, RUNS, bson_date, hour_of, run_document};

const CONFIG: &str = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
key = "id"
time = "time"

[[source]]
name = "meteo"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "15m"
key = "id"
time = "time"

[[source]]
name = "daily"
kind = "http_json"
url = "http://127.0.0.1:9/daily"
every = "1d"
key = "id"
time = "time"

[[source]]
name = "archive"
kind = "http_json"
url = "http://127.0.0.1:9/archive"
every = "1d"
key = "id"
time = "time"
enabled = false
"#;

fn run(source: &str, started: DateTime<Utc>, error: Option<&str>) -> RunMetrics {
    RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: source.to_owned(),
        kind: "http_json".to_owned(),
        file: error
            .is_none()
            .then(|| format!("{source}_{}.json", started.timestamp())),
        started,
        finished: started + TimeDelta::seconds(2),
        duration_ms: Some(2000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: if error.is_none() { 10 } else { 0 },
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: error.map(str::to_owned),
        day: None,
        every_s: None,
        disabled_from: None,
        retry_from: None,
    }
}

/// Lands a data file and its metrics the way the collector does.
fn land_run(raw: &Path, metrics: &RunMetrics) {
    let name =
        rawfile::land(raw, &metrics.source, metrics.started, b"[]").expect("land a data file");
    let json = serde_json::to_vec(metrics).expect("metrics as JSON");
    rawfile::write_metrics(raw, &name, &json).expect("write metrics");
}

/// Writes only the metrics of a run that landed nothing.
fn failed_run(raw: &Path, metrics: &RunMetrics) {
    let name = RawFileName::data(&metrics.source, metrics.started, 1);
    let json = serde_json::to_vec(metrics).expect("metrics as JSON");
    rawfile::write_metrics(raw, &name, &json).expect("write metrics");
}

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("sources.toml"), CONFIG).expect("write sources.toml");
        std::fs::create_dir_all(dir.path().join("raw")).expect("raw dir");
        Site { dir }
    }

    /// A site whose `sources.toml` is `config`, a run of `meteo` waiting in its raw folder.
    fn with_waiting_meteo(config: &str) -> Site {
        let site = Site::new();
        std::fs::write(site.dir.path().join("sources.toml"), config).expect("write sources.toml");
        land_run(&site.raw(), &run("meteo", Utc::now(), None));
        site
    }

    fn raw(&self) -> std::path::PathBuf {
        self.dir.path().join("raw")
    }

    fn status(&self, uri: &str, database: &str) -> Output {
        self.status_with(uri, database, &[])
    }

    /// `analyser status` with `extra` options after the database's.
    fn status_with(&self, uri: &str, database: &str, extra: &[&str]) -> Output {
        let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
            .current_dir(self.dir.path())
            .args(["status", "--mongodb-uri", uri, "--database", database])
            .args(extra)
            .env_remove("MONGODB_URI")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run analyser status");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked at"), "status panicked: {stderr}");
        output
    }
}

/// A run of each source of `CONFIG` in `runs`, each recent for its interval: all are `ok`.
/// Returns the time they were dated from.
async fn runs_just_now(database: &str) -> chrono::DateTime<Utc> {
    let now = Utc::now();
    let runs = [
        run("usgs", now - TimeDelta::seconds(30), None),
        run("meteo", now - TimeDelta::minutes(2), None),
        run("daily", now - TimeDelta::hours(2), None),
    ]
    .iter()
    .map(|metrics| run_document(metrics).expect("run doc"))
    .collect();
    insert(database, RUNS, runs).await;
    now
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn row<'a>(stdout: &'a str, source: &str) -> &'a str {
    stdout
        .lines()
        .find(|line| line.starts_with(&format!("{source} ")))
        .unwrap_or_else(|| panic!("no row for {source} in:\n{stdout}"))
}

/// The cell of `source`'s row under `header` (cells are separated by two spaces or more).
fn cell(stdout: &str, source: &str, header: &str) -> String {
    let split = |line: &str| -> Vec<String> {
        line.split("  ")
            .map(str::trim)
            .filter(|cell| !cell.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let headers = split(row(stdout, "SOURCE"));
    let index = headers
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in:\n{stdout}"));
    split(row(stdout, source)).swap_remove(index)
}

async fn insert(database: &str, collection: &str, documents: Vec<Document>) {
    let db = testkit::MongoServer::shared()
        .client_database(database)
        .await;
    db.collection::<Document>(collection)
        .insert_many(documents)
        .await
        .expect("insert fixtures");
}

#[tokio::test]
async fn fresh_sources_exit_zero_with_waiting_files_and_summarised_hours() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusfresh");
    let site = Site::new();
    let now = Utc::now();
    land_run(
        &site.raw(),
        &run("usgs", now - TimeDelta::seconds(40), None),
    );
    land_run(
        &site.raw(),
        &run("usgs", now - TimeDelta::seconds(100), None),
    );
    let meteo = run("meteo", now - TimeDelta::minutes(20), None);
    // Starts of hours, as every `hour` of `hourly` is.
    let hour = bson_date(hour_of(now - TimeDelta::hours(1)));
    let old_hour = bson_date(hour_of(now - TimeDelta::days(3)));
    let forecast = bson_date(hour_of(now + TimeDelta::hours(10)));
    let daily = run("daily", now - TimeDelta::hours(5), None);
    let archived = now - TimeDelta::days(20);
    let archive = run("archive", archived, None);
    let runs = [meteo, daily, archive]
        .iter()
        .map(|r| run_document(r).expect("run doc"))
        .collect();
    insert(&database, RUNS, runs).await;
    insert(
        &database,
        HOURLY,
        vec![
            doc! {"source": "meteo", "hour": hour, "count": 4_i64, "updated_at": hour},
            // Rows published ahead of time (éCO2mix's forecast) summarise an hour to come.
            doc! {"source": "meteo", "hour": forecast, "count": 4_i64, "updated_at": hour},
            doc! {"source": "daily", "hour": old_hour, "count": 1_i64, "updated_at": old_hour},
            doc! {"source": "archive", "hour": bson_date(hour_of(archived)), "count": 1_i64, "updated_at": old_hour},
        ],
    )
    .await;
    // Collecting for weeks: cron's day job wrote the reports of the days before.
    let reports = site.dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("reports");
    for back in 0..=9 {
        let day = (now - TimeDelta::days(back)).date_naive();
        std::fs::write(reports.join(format!("{day}.pdf")), b"%PDF").expect("report");
    }

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    assert_eq!(cell(&stdout, "usgs", "STATE"), "ok", "{stdout}");
    assert_eq!(
        cell(&stdout, "usgs", "WAITING"),
        "2",
        "two files wait in raw/"
    );
    assert_eq!(cell(&stdout, "meteo", "STATE"), "ok", "{stdout}");
    assert_eq!(cell(&stdout, "meteo", "WAITING"), "0");
    let lag = cell(&stdout, "meteo", "LAG");
    assert!(
        ["19m", "20m"].contains(&lag.as_str()),
        "lag since the end of the run: {stdout}"
    );
    assert_eq!(
        cell(&stdout, "meteo", "LAST SUMMARISED HOUR"),
        hour_of(now - TimeDelta::hours(1))
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
        "the latest hour begun, not the forecast's: {stdout}"
    );
    assert_eq!(cell(&stdout, "usgs", "LAST SUMMARISED HOUR"), "none");
    assert_eq!(cell(&stdout, "archive", "STATE"), "disabled");
    assert_ne!(
        cell(&stdout, "archive", "LAST COLLECTED"),
        "never",
        "a disabled source's past collections are found: {stdout}"
    );
    assert_eq!(
        cell(&stdout, "archive", "LAST SUMMARISED HOUR"),
        hour_of(archived).format("%Y-%m-%d %H:%M UTC").to_string(),
        "{stdout}"
    );
    assert_eq!(
        cell(&stdout, "daily", "STATE"),
        "ok",
        "older runs are found too"
    );
    assert!(
        ["4h 59m", "5h"].contains(&cell(&stdout, "daily", "LAG").as_str()),
        "{stdout}"
    );
    assert!(
        cell(&stdout, "daily", "LAST SUMMARISED HOUR").ends_with("UTC"),
        "{stdout}"
    );
    assert!(stdout.contains("Last report: reports/"), "{stdout}");
    // Both default folders share the test's disk: its room is said once, naming both.
    let free = stdout
        .lines()
        .find(|line| line.starts_with("Free space: "))
        .unwrap_or_else(|| panic!("no free space line: {stdout}"));
    assert!(free.ends_with("B (raw, reports)"), "{free}");
}

/// A laptop asleep at 04:15 every night: cron's day job never ran, and the reports folder
/// holds no report though sources have run for days. Status says so, exit 1, with the command
/// that writes them; the day it was installed, it does not.
#[tokio::test]
async fn days_collected_without_any_day_report_need_attention() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusnoreport");
    let site = Site::new();
    runs_just_now(&database).await;
    let output = site.status(server.uri(), &database);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("Last report: none yet"));

    // Four days back, before the start of the latest day due a report at any hour (due 30
    // hours after its end: it began 54 to 79 hours ago); three days back was within it from
    // 23:00 UTC, Paris's midnight, on.
    let days_ago = run("meteo", Utc::now() - TimeDelta::days(4), None);
    insert(
        &database,
        RUNS,
        vec![run_document(&days_ago).expect("run doc")],
    )
    .await;
    let output = site.status(server.uri(), &database);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.lines().any(|line| line.contains(
            "no day report was written in reports, though sources have run since before"
        ) && line.contains(" --if-missing` writes the latest day's")),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_stale_source_exits_non_zero_and_is_named_on_stderr() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusstale");
    let site = Site::new();
    let now = Utc::now();
    land_run(
        &site.raw(),
        &run("usgs", now - TimeDelta::seconds(30), None),
    );
    land_run(&site.raw(), &run("meteo", now - TimeDelta::hours(2), None));

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "meteo", "STATE"), "STALE", "{stdout}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "ok", "{stdout}");
    assert!(
        stderr.contains("source `meteo` is stale"),
        "one line names the stale source: {stderr}"
    );
    assert!(!stderr.contains("`usgs`"), "{stderr}");
}

#[tokio::test]
async fn files_the_summariser_left_for_hours_exit_non_zero() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusbehind");
    let site = Site::new();
    let now = Utc::now();
    // Collected every 20 minutes for 5 hours, the machine up all along: none summarised.
    for minutes in (0..=300).step_by(20) {
        land_run(
            &site.raw(),
            &run(
                "usgs",
                now - TimeDelta::minutes(minutes) - TimeDelta::seconds(30),
                None,
            ),
        );
    }

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "BEHIND", "{stdout}");
    assert!(
        stderr.contains("source `usgs` is behind: 16 files in raw/"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_failing_last_run_in_runs_exits_non_zero_with_its_error() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusfail");
    let site = Site::new();
    let now = Utc::now();
    land_run(
        &site.raw(),
        &run("meteo", now - TimeDelta::minutes(1), None),
    );
    let retry = now + TimeDelta::minutes(13);
    let documents = [
        run("usgs", now - TimeDelta::minutes(3), None),
        RunMetrics {
            retry_from: Some(retry),
            ..run(
                "usgs",
                now - TimeDelta::minutes(2),
                Some("HTTP 503 from http://127.0.0.1:9/usgs"),
            )
        },
        // A daily source whose last run failed two days ago and which has not run since
        // (its credentials were removed): failing until it is stale, as the report says.
        run("daily", now - TimeDelta::hours(60), None),
        run(
            "daily",
            now - TimeDelta::hours(50),
            Some("the token endpoint refused the client credentials (invalid_client)"),
        ),
    ]
    .iter()
    .map(|metrics| run_document(metrics).expect("run doc"))
    .collect();
    insert(&database, RUNS, documents).await;

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "FAILING", "{stdout}");
    assert!(
        cell(&stdout, "usgs", "LAST ERROR").contains("HTTP 503"),
        "{stdout}"
    );
    assert!(stderr.contains("source `usgs` is failing"), "{stderr}");
    // The cron minute after the retry, when the collector runs it.
    let cron_minute =
        chrono::DurationRound::duration_round_up(retry, TimeDelta::minutes(1)).expect("a minute");
    let again = format!(
        "(the collector tries it again from {}, in 1",
        cron_minute.format("%Y-%m-%d %H:%M UTC")
    );
    assert!(stderr.contains(&again), "{stderr}");
    assert_eq!(cell(&stdout, "meteo", "STATE"), "ok", "{stdout}");
    assert_eq!(cell(&stdout, "daily", "STATE"), "FAILING", "{stdout}");
    assert!(
        cell(&stdout, "daily", "LAST ERROR").contains("refused the client credentials"),
        "{stdout}"
    );
}

/// Runs dated in the future (collected while the clock ran ahead) do not make a source look
/// fresh until then: its last run counted is the latest one started by now.
#[tokio::test]
async fn runs_dated_in_the_future_do_not_count_as_fresh() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusfuture");
    let site = Site::new();
    let now = Utc::now();
    let documents = [
        run("usgs", now - TimeDelta::hours(2), None),
        run("usgs", now + TimeDelta::days(30), None),
    ]
    .iter()
    .map(|metrics| run_document(metrics).expect("run doc"))
    .collect();
    insert(&database, RUNS, documents).await;
    land_run(&site.raw(), &run("meteo", now + TimeDelta::days(30), None));

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    assert_eq!(cell(&stdout, "usgs", "STATE"), "STALE", "{stdout}");
    assert_eq!(cell(&stdout, "meteo", "STATE"), "NEVER", "{stdout}");
}

/// A `runs` document edited by hand out of shape is named and left out; the others still
/// count, MongoDB is not called unavailable, and a count written as a whole double (as mongosh
/// writes numbers) reads.
#[tokio::test]
async fn a_misshapen_run_is_named_and_the_others_still_count() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusmisshapen");
    let site = Site::new();
    let now = Utc::now();
    let mut documents: Vec<Document> = [
        run("usgs", now - TimeDelta::minutes(1), None),
        run("meteo", now - TimeDelta::minutes(5), None),
        run("daily", now - TimeDelta::hours(2), None),
    ]
    .iter()
    .map(|metrics| run_document(metrics).expect("run doc"))
    .collect();
    documents[1].insert("records", 10.0);
    documents[2].insert("records", "ten");
    insert(&database, RUNS, documents).await;

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(!stdout.contains("UNAVAILABLE"), "{stdout}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "ok", "{stdout}");
    assert_eq!(cell(&stdout, "meteo", "STATE"), "ok", "{stdout}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("analyser status: the `runs` document (daily, started "))
        .collect();
    assert_eq!(named.len(), 1, "{stderr}");
    assert!(
        named[0].contains("\"ten\"") && named[0].contains(": left out"),
        "{stderr}"
    );
}

/// Documents of a source no longer configured are none of status's business, misshapen or
/// not, whatever its name: status reads names in a range, for the indexes' sake.
#[tokio::test]
async fn misshapen_documents_of_a_removed_source_are_not_named() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusgone");
    let site = Site::new();
    let now = Utc::now();
    // "removed" sorts between the configured "meteo" and "usgs".
    let mut removed =
        run_document(&run("removed", now - TimeDelta::minutes(3), None)).expect("run doc");
    removed.insert("records", "ten");
    insert(&database, RUNS, vec![removed]).await;
    let hour = bson_date(now - TimeDelta::hours(2));
    insert(
        &database,
        HOURLY,
        vec![
            doc! {"source": "removed", "hour": hour, "count": "3", "numeric": [], "categories": []},
        ],
    )
    .await;

    let output = site.status(server.uri(), &database);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(!stderr.contains("removed"), "{stderr}");
    assert!(!stdout.contains("removed"), "{stdout}");
    assert!(!stderr.contains("shape relevé writes"), "{stderr}");
}

/// A source renamed or removed leaves its landed files in its old folder, which no stage
/// reads: status names the folder and says what to do, and exits 1.
#[tokio::test]
async fn landed_files_of_a_source_missing_from_the_configuration_are_named() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusretired");
    let site = Site::new();
    land_run(&site.raw(), &run("retired", Utc::now(), None));
    std::fs::create_dir_all(site.raw().join("empty-folder")).expect("a folder");
    let quarantine = site.raw().join("_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine");
    std::fs::write(quarantine.join("retired_2026-11-22T07-00-00Z.json"), "{").expect("file");

    let output = site.status(server.uri(), &database);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("missing from the configuration"))
        .collect();
    assert_eq!(named.len(), 1, "{stderr}");
    assert!(
        named[0].contains("raw/retired: 1 landed file and the metrics of 1 run of a source missing from the configuration wait there, never summarised")
            && named[0].contains("`enabled = false`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source `retired`: 1 file in raw/_quarantine/ not summarised"),
        "a quarantined file of no configured source is a problem too: {stderr}"
    );
}

/// A file dropped by hand into a source's folder under another name is never read: status
/// names it, so it does not wait unsummarised for ever unseen.
#[tokio::test]
async fn entries_no_stage_reads_in_a_source_folder_are_named() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusforeign");
    let site = Site::new();
    let now = Utc::now();
    land_run(
        &site.raw(),
        &run("usgs", now - TimeDelta::seconds(30), None),
    );
    land_run(
        &site.raw(),
        &run("meteo", now - TimeDelta::seconds(30), None),
    );
    let usgs = site.raw().join("usgs");
    std::fs::write(usgs.join("usgs-copy.json"), "[]").expect("a misnamed file");
    std::fs::create_dir(usgs.join("usgs_2026-11-22T07-00-00Z.json")).expect("a folder");
    std::fs::write(usgs.join(".hidden"), "").expect("a hidden file");

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "usgs", "WAITING"), "1", "{stdout}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("no stage reads"))
        .collect();
    assert_eq!(
        named.len(),
        1,
        "one line for the source, none for meteo: {stderr}"
    );
    assert!(
        named[0].contains("source `usgs`: ")
            && named[0].contains(
                "holds 2 entries no stage reads (usgs-copy.json, usgs_2026-11-22T07-00-00Z.json)"
            )
            && named[0].contains("named usgs_YYYY-MM-DDTHH-MM-SSZ[-N].json"),
        "{stderr}"
    );
}

/// Many misshapen documents (an hour not on the hour among them) are named five at a time
/// and the others counted, so the alert mail of `status` stays short.
#[tokio::test]
async fn many_misshapen_documents_are_named_five_and_counted() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusmanybad");
    let site = Site::new();
    let now = Utc::now();
    let documents: Vec<Document> = (1..=11)
        .map(|minutes| {
            let mut document = run_document(&run("usgs", now - TimeDelta::minutes(minutes), None))
                .expect("run doc");
            document.insert("records", -1);
            document
        })
        .collect();
    insert(&database, RUNS, documents).await;
    let half_past = bson_date(now - TimeDelta::hours(2) + TimeDelta::minutes(30));
    insert(
        &database,
        HOURLY,
        vec![doc! {"source": "meteo", "hour": half_past, "count": 3, "numeric": [], "categories": []}],
    )
    .await;

    let output = site.status(server.uri(), &database);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.lines().count() < 20, "a short alert: {stderr}");
    let named = stderr
        .lines()
        .filter(|line| line.contains("does not have the shape relevé writes"))
        .count();
    assert_eq!(named, 5, "five, one line each: {stderr}");
    assert!(
        stderr.contains(
            "7 more documents without the shape relevé writes were left out of the figures"
        ),
        "eleven runs and one hour: {stderr}"
    );
    assert_eq!(
        cell(&stdout, "meteo", "LAST SUMMARISED HOUR"),
        "none",
        "{stdout}"
    );
}

/// A mistyped `--database` or `--raw-dir` is named as such, not taken for sources never
/// collected or for folders without waiting files.
#[tokio::test]
async fn a_mistyped_database_or_raw_dir_is_named() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statustypo");
    let site = Site::new();
    let now = Utc::now();
    let documents = [run("usgs", now - TimeDelta::minutes(1), None)]
        .iter()
        .map(|metrics| run_document(metrics).expect("run doc"))
        .collect();
    insert(&database, RUNS, documents).await;

    let typo = server.fresh_database("statustypo-never-written");
    let output = site.status(server.uri(), &typo);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains(": NO RELEVÉ DATA;"), "{stdout}");
    assert!(
        stderr.contains(&format!("database {typo} holds no relevé data"))
            && stderr.contains("check --database"),
        "{stderr}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(site.dir.path())
        .args(["status", "--raw-dir", "rwa", "--mongodb-uri", server.uri()])
        .args(["--database", &database])
        .env_remove("MONGODB_URI")
        .output()
        .expect("run analyser status");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "the raw folder rwa (in the working folder {}) does not exist, though `runs` holds collections: check --raw-dir",
            site.dir.path().display()
        )),
        "{stderr}"
    );
    assert_eq!(cell(&stdout, "usgs", "WAITING"), "?", "{stdout}");
}

#[tokio::test]
async fn a_failed_run_still_in_raw_is_seen_without_mongodb_and_mongodb_down_is_an_alert() {
    let site = Site::new();
    let now = Utc::now();
    land_run(&site.raw(), &run("usgs", now - TimeDelta::minutes(2), None));
    failed_run(
        &site.raw(),
        &run("usgs", now - TimeDelta::seconds(50), Some("timed out")),
    );
    land_run(
        &site.raw(),
        &run("meteo", now - TimeDelta::minutes(5), None),
    );
    let quarantine = site.raw().join("_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine dir");
    std::fs::write(quarantine.join("meteo_2026-11-22T07-00-00Z.json"), "{").expect("quarantined");
    std::fs::write(
        quarantine.join("meteo_2026-11-22T07-00-00Z.json.reason"),
        "bad\n",
    )
    .expect("reason");

    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("MongoDB: UNAVAILABLE"), "{stdout}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "FAILING", "{stdout}");
    assert!(cell(&stdout, "usgs", "LAST ERROR").contains("timed out"));
    assert_eq!(cell(&stdout, "meteo", "STATE"), "ok", "{stdout}");
    assert_eq!(cell(&stdout, "meteo", "LAST SUMMARISED HOUR"), "unknown");
    assert_eq!(
        cell(&stdout, "daily", "STATE"),
        "unknown",
        "nothing in raw/ and no MongoDB: not known to be broken"
    );
    assert!(!stderr.contains("`daily`"), "{stderr}");
    assert_eq!(
        cell(&stdout, "meteo", "QUARANTINED"),
        "1",
        "the .reason file is not counted"
    );
    assert!(
        stderr.contains("MongoDB could not be read") && stderr.contains("unreachable"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source `meteo`: 1 file in raw/_quarantine/ not summarised: read the .reason beside each, fix it and move it back into raw/meteo/, or delete it with its .reason"),
        "a quarantined file is a problem, whatever the source's health: {stderr}"
    );
}

/// A MongoDB answering the driver's handshakes and pings but holding every query (a lock held,
/// a disk full) held `status` for ever: a monitoring check never ended, nor said anything
/// (found by stop 59's SRE). It waits 30 s for the database, then shows `raw/` as without one.
#[test]
fn a_mongodb_that_answers_pings_but_no_query_is_unavailable_within_a_minute() {
    let site = Site::new();
    land_run(
        &site.raw(),
        &run("meteo", Utc::now() - TimeDelta::minutes(5), None),
    );
    let front = common::front::Front::start("stalled_queries.py", &[]);
    let mut status = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(site.dir.path())
        .args(["status", "--database", "stalled"])
        .arg("--mongodb-uri")
        .arg(format!("mongodb://127.0.0.1:{}/", front.port))
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run analyser status");
    let started = std::time::Instant::now();
    while status.try_wait().expect("status waited for").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = status.kill();
            panic!("status still waits for MongoDB after two minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let output = status.wait_with_output().expect("its output");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "MongoDB: UNAVAILABLE (MongoDB at mongodb://127.0.0.1:{}/ did not answer within 30 s",
            front.port
        )),
        "{stdout}"
    );
    assert_eq!(cell(&stdout, "meteo", "WAITING"), "1", "{stdout}");
    assert!(stderr.contains("MongoDB could not be read"), "{stderr}");
}

/// A URI that gives the driver more time to find a server than `status`'s 30 s in all
/// (`serverSelectionTimeoutMS=31000`, for a slow link), naming a server that does not run
/// (nothing listens on its port): the 30 s pass while the driver still waits for a server, and
/// the line says the server "did not answer within 30 s: it may be overloaded, held by a lock
/// or out of disk space; see its log", sending the user to the log of a server that is not
/// there. What the driver saw (connection refused) should be said, as without the option.
#[test]
fn a_mongodb_not_running_is_not_said_overloaded_when_the_uri_waits_longer_than_status() {
    let site = Site::new();
    let uri = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=31000";
    let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(site.dir.path())
        .args(["status", "--database", "nothing_here", "--mongodb-uri", uri])
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run analyser status");
    let stdout = text(&output.stdout);
    assert!(stdout.contains("MongoDB: UNAVAILABLE"), "{stdout}");
    assert!(
        !stdout.contains("overloaded, held by a lock or out of disk space")
            && stdout.contains("connection refused"),
        "a server that does not run is said to be one that answers but holds the queries:\n{stdout}"
    );
}

/// A collector run killed before its end leaves its start in the source's state file and no
/// metrics: status says it failed at once, not at the collector's next run; a run still going
/// (holding the source's lock) is no failure, nor one killed once its file landed.
#[tokio::test]
async fn a_collector_run_killed_before_its_end_is_failing_until_the_next_run() {
    let site = Site::new();
    let now = Utc::now();
    land_run(&site.raw(), &run("usgs", now - TimeDelta::minutes(3), None));
    let started = now - TimeDelta::minutes(1);
    let state = serde_json::json!({
        "last_success_started": (now - TimeDelta::minutes(3)).to_rfc3339(),
        "running": {"started": started.to_rfc3339()},
    });
    std::fs::write(site.raw().join("usgs/.state.json"), state.to_string()).expect("state");
    let lock = releve::RunLock::try_acquire(&rawfile::source_lock(&site.raw(), "usgs"))
        .expect("lock file")
        .expect("lock");
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    assert_eq!(
        cell(&stdout, "usgs", "STATE"),
        "ok",
        "a run going on: {stdout}"
    );
    drop(lock);
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "FAILING", "{stdout}");
    assert!(
        stderr.contains(&format!(
            "the run started at {} did not finish: its process was killed or crashed",
            started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )),
        "{stderr}"
    );
    // Killed right after landing its file: the collector's next run counts it as landed.
    let landed = rawfile::RawFileName::data("usgs", started + TimeDelta::seconds(20), 1);
    std::fs::write(landed.path_in(&site.raw()), "[]").expect("data file");
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(cell(&stdout, "usgs", "STATE"), "ok", "{stdout}");
    assert!(!stderr.contains("did not finish"), "{stderr}");
}

/// A source whose runs landed no record since its query changed (the collector notes it in its
/// state) is EMPTY, named with the keys to check, and needs attention; a stale one is STALE.
#[tokio::test]
async fn a_source_landing_nothing_since_its_query_changed_is_empty() {
    let site = Site::new();
    let now = Utc::now();
    land_run(&site.raw(), &run("usgs", now - TimeDelta::minutes(1), None));
    let since = now - TimeDelta::hours(5);
    let state = serde_json::json!({
        "last_success_started": (now - TimeDelta::minutes(1)).to_rfc3339(),
        "query": "0123456789abcdef",
        "unmatched": {"since": since.to_rfc3339()},
    });
    std::fs::write(site.raw().join("usgs/.state.json"), state.to_string()).expect("state");
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "usgs", "STATE"), "EMPTY", "{stdout}");
    assert!(
        stderr.contains(&format!(
            "source `usgs` has landed no record since its query changed (its runs since {} UTC): check its `params` and `url` in sources.toml",
            since.format("%Y-%m-%d %H:%M")
        )),
        "{stderr}"
    );
}

#[test]
fn a_refused_source_table_is_a_row_that_needs_attention() {
    let site = Site::with_waiting_meteo(&CONFIG.replace("every = \"15m\"", "every = \"often\""));
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "meteo", "STATE"), "REFUSED", "{stdout}");
    assert_eq!(
        cell(&stdout, "meteo", "WAITING"),
        "1",
        "its file waits: {stdout}"
    );
    assert!(
        cell(&stdout, "meteo", "LAST ERROR")
            .starts_with("sources.toml:14: source `meteo`: key `every`"),
        "{stdout}"
    );
    let rows: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|first| ["usgs", "meteo", "daily", "archive"].contains(first))
        .collect();
    assert_eq!(
        rows,
        ["usgs", "meteo", "daily", "archive"],
        "rows in file order"
    );
    assert!(
        stderr.contains("analyser status: sources.toml:14: source `meteo`: key `every`: `often` is not an interval"),
        "{stderr}"
    );
}

#[test]
fn a_report_fault_is_a_problem_and_every_source_still_has_its_row() {
    let site = Site::with_waiting_meteo(&format!(
        "[report]\ntimezone = \"Europe/Toulouse\"\n\n{CONFIG}"
    ));
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(
        cell(&stdout, "meteo", "WAITING"),
        "1",
        "the sources are still shown: {stdout}"
    );
    assert!(
        stdout.contains("Next report: none until `[report]` is fixed (sources.toml:2:"),
        "{stdout}"
    );
    assert!(
        stderr.contains("analyser status: sources.toml:2:") && stderr.contains("Europe/Toulouse"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_configuration_exits_two_naming_the_file() {
    let site = Site::new();
    std::fs::write(site.dir.path().join("sources.toml"), "[report\nkeep = 3\n")
        .expect("write sources.toml");
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("sources.toml"));
}

/// A day report missing is named with a command that can be pasted as it is: the analyser's
/// own path, since cron's binaries are not on PATH.
#[test]
fn a_missing_day_report_is_named_with_a_command_that_runs() {
    let site = Site::new();
    std::fs::write(site.dir.path().join("sources.toml"), CONFIG).expect("write sources.toml");
    let reports = site.dir.path().join("reports");
    std::fs::create_dir(&reports).expect("reports");
    let today = Utc::now().date_naive();
    for back in [5, 6] {
        let day = today - TimeDelta::days(back);
        std::fs::write(reports.join(format!("{day}.pdf")), b"%PDF").expect("report");
    }
    // MongoDB answers: while it does not, the reports wait for it, and no command is offered.
    let server = testkit::MongoServer::shared().uri();
    let output = site.status(server, "releve-missing-report");
    let stderr = text(&output.stderr);
    let missing = today - TimeDelta::days(4);
    let line = stderr
        .lines()
        .find(|line| line.contains(&format!("the day reports of {missing}, ")))
        .unwrap_or_else(|| panic!("the missing day is named: {stderr}"));
    let command = line
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("a command between backquotes: {line}"));
    let words = shlex::split(command).unwrap_or_else(|| panic!("a command: {command}"));
    assert_eq!(words[0], env!("CARGO_BIN_EXE_analyser"), "{line}");
    assert_eq!(words[1..3], ["--raw-dir", "raw"], "{line}");
    // Run as cron runs it, through a `target` that is a symbolic link: the command names it
    // as it was run, not where the link leads.
    let binaries = Path::new(env!("CARGO_BIN_EXE_analyser"))
        .parent()
        .expect("its folder");
    std::os::unix::fs::symlink(binaries, site.dir.path().join("target")).expect("a link");
    let output = Command::new("target/analyser")
        .current_dir(site.dir.path())
        .args([
            "status",
            "--mongodb-uri",
            server,
            "--database",
            "releve-missing-report",
        ])
        .env_remove("MONGODB_URI")
        .output()
        .expect("run analyser status");
    let stderr = text(&output.stderr);
    // The URI status was given, not `MONGODB_URI`'s, is in the command: pasted as it was
    // given (no `MONGODB_URI` set), it reads the server status read, not the default.
    assert!(
        stderr.contains(&format!(
            "`target/analyser --raw-dir raw --database releve-missing-report --mongodb-uri {server} --if-missing`"
        )),
        "{stderr}"
    );
}

/// A reports folder the analyser cannot write in (here a file in its place; a folder made
/// read-only, or a disk mounted so, alike) is said at once, exit 1: cron's day job fails every
/// morning, and a new installation has no two days of reports for a missing one to be named.
#[tokio::test]
async fn a_reports_folder_that_cannot_be_written_needs_attention() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusreports");
    let site = Site::new();
    runs_just_now(&database).await;
    let reports = site.dir.path().join("reports");
    std::fs::write(&reports, "").expect("a file in the way");
    let output = site.status(server.uri(), &database);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.lines().any(|line| line.contains(
            "the reports folder reports cannot be written (not a folder): no report is written until it can"
        )),
        "{stderr}"
    );
    // A link to a disk not mounted: the folder holding the link can be written in, not the
    // reports.
    std::fs::remove_file(&reports).expect("the file");
    std::os::unix::fs::symlink(site.dir.path().join("nas/reports"), &reports).expect("a link");
    let output = site.status(server.uri(), &database);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.lines().any(
            |line| line.contains("the reports folder reports is a link to ")
                && line.contains("which does not exist (a disk not mounted?)")
        ),
        "{stderr}"
    );
    // The same under a parent: `--reports-dir nas/reports`, `nas` a link to nothing.
    std::fs::remove_file(&reports).expect("the link");
    std::os::unix::fs::symlink(site.dir.path().join("mnt/nas"), site.dir.path().join("nas"))
        .expect("a link");
    let output = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(site.dir.path())
        .args([
            "status",
            "--mongodb-uri",
            server.uri(),
            "--database",
            &database,
        ])
        .args(["--reports-dir", "nas/reports"])
        .env_remove("MONGODB_URI")
        .output()
        .expect("run analyser status");
    let stderr = text(&output.stderr);
    assert!(
        stderr.lines().any(|line| line
            .contains("the reports folder nas/reports lies under nas, which is a link to ")),
        "{stderr}"
    );
    std::fs::create_dir(&reports).expect("the folder");
    let output = site.status(server.uri(), &database);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&reports).expect("reports").collect();
    assert!(left.is_empty(), "status leaves nothing in it: {left:?}");
}

/// As for every stage, a URI or database name that cannot be used is the command line's
/// fault: one line naming it, exit 2, the password never shown, no table.
#[test]
fn a_uri_or_database_name_that_cannot_be_used_exits_two() {
    let site = Site::with_waiting_meteo(CONFIG);
    for (uri, database, says) in [
        (
            "mongodb://releve:Xy7?kQ2p@db.example.org:27017/",
            "releve",
            "must be percent-encoded",
        ),
        (
            "mongodb://127.0.0.1:9",
            "bad/name",
            "--database `bad/name` is not a MongoDB database name",
        ),
    ] {
        let output = site.status(uri, database);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says) && !stderr.contains("Xy7"), "{stderr}");
        assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    }
}

#[tokio::test]
async fn a_raw_folder_that_cannot_be_read_needs_attention_and_counts_nothing() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusraw");
    let site = Site::new();
    let now = runs_just_now(&database).await;
    // Where `usgs`'s folder should be, a file: it cannot be listed (as root, unlike a folder
    // without permissions).
    std::fs::write(site.raw().join("usgs"), "").expect("a file in the way");
    land_run(
        &site.raw(),
        &run("meteo", now - TimeDelta::minutes(1), None),
    );

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(cell(&stdout, "usgs", "WAITING"), "?", "{stdout}");
    assert_eq!(cell(&stdout, "meteo", "WAITING"), "1", "{stdout}");
    assert_eq!(cell(&stdout, "usgs", "QUARANTINED"), "0", "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("analyser status: source `usgs`: cannot read ")
            && lines[0].contains("are not counted"),
        "{stderr}"
    );

    // The raw folder itself in the way: one line for it, every count unknown.
    std::fs::remove_dir_all(site.raw()).expect("remove raw/");
    std::fs::write(site.raw(), "").expect("a file in the way");
    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    for source in ["usgs", "meteo"] {
        assert_eq!(cell(&stdout, source, "STATE"), "ok", "{stdout}");
        assert_eq!(cell(&stdout, source, "WAITING"), "?", "{stdout}");
        assert_eq!(cell(&stdout, source, "QUARANTINED"), "?", "{stdout}");
    }
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line for the folder: {stderr}");
    assert!(
        lines[0].starts_with(
            "analyser status: cannot read the raw folder raw: not a folder; files waiting for the summariser, quarantined files and runs not yet summarised are not counted"
        ),
        "{stderr}"
    );
}

/// `--reports-dir` written with a trailing slash (`/mnt/nas/reports/`, as a shell's completion
/// and many users write a folder) names the same folder: a link to a disk not mounted is said
/// all the same, exit 1, as it is without the slash. The report cannot be written through it.
#[tokio::test]
async fn a_reports_folder_given_with_a_trailing_slash_that_is_a_link_to_nothing_is_said() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusslash");
    let site = Site::new();
    runs_just_now(&database).await;
    let reports = site.dir.path().join("reports");
    std::os::unix::fs::symlink(site.dir.path().join("nas/reports"), &reports).expect("a link");
    for reports_dir in ["reports", "reports/"] {
        let output = site.status_with(server.uri(), &database, &["--reports-dir", reports_dir]);
        let stderr = text(&output.stderr);
        assert!(
            output.status.code() == Some(1)
                && stderr.lines().any(|line| line.contains("is a link to ")
                    && line.contains("which does not exist (a disk not mounted?)")),
            "--reports-dir {reports_dir}: a link to nothing, yet status says nothing of it (exit {:?}): {stderr}",
            output.status.code()
        );
    }
    // The report run given the same option cannot write there: status was right to warn.
    let report = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(site.dir.path())
        .args([
            "--mongodb-uri",
            server.uri(),
            "--database",
            &database,
            "--reports-dir",
            "reports/",
        ])
        .env_remove("MONGODB_URI")
        .output()
        .expect("run analyser");
    assert!(!report.status.success(), "{}", text(&report.stderr));
}

/// A source's folder made so that nothing can be created in it: `chmod 555`, and where the
/// tests run as root (which permissions do not stop) `chattr +i`, undone when dropped. `None`
/// when neither stops a file being created there.
struct Unwritable<'a>(&'a Path);

impl<'a> Unwritable<'a> {
    fn new(folder: &'a Path) -> Option<Unwritable<'a>> {
        use std::os::unix::fs::PermissionsExt;
        let frozen = Unwritable(folder);
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).ok()?;
        if frozen.can_create() {
            let _ = Command::new("chattr").arg("+i").arg(folder).output();
        }
        (!frozen.can_create()).then_some(frozen)
    }

    fn can_create(&self) -> bool {
        let trial = self.0.join(".probe-trial");
        let created = std::fs::write(&trial, b"").is_ok();
        let _ = std::fs::remove_file(&trial);
        created
    }
}

impl Drop for Unwritable<'_> {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = Command::new("chattr").arg("-i").arg(self.0).output();
        let _ = std::fs::set_permissions(self.0, std::fs::Permissions::from_mode(0o755));
    }
}

/// A source's own folder the collector cannot create files in (one created by a `sudo
/// collector --source NAME` by hand, owned by root while cron runs as its user) lands nothing
/// and records no failure: status says so at once, exit 1, rather than `ok` until the source
/// turns STALE, three days for a daily one (found by the second 40-source probe).
#[tokio::test]
async fn a_source_folder_that_cannot_be_written_needs_attention() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statussourcefolder");
    let site = Site::new();
    runs_just_now(&database).await;
    let folder = site.raw().join("daily");
    std::fs::create_dir_all(&folder).expect("the source's folder");
    let Some(_unwritable) = Unwritable::new(&folder) else {
        eprintln!("skipped: neither chmod nor chattr stops a file being created here");
        return;
    };
    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(
        output.status.code() == Some(1)
            && stderr
                .lines()
                .any(|line| line.contains("daily") && line.contains("cannot be written")),
        "raw/daily cannot be written, yet status says nothing of it (exit {:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
}

/// A run that failed after a long time trying (a portal that hangs: 5 attempts of 30 s, two
/// and a half minutes) failed when it ended, not when it began: LAST ERROR's age counts from
/// then (it read `2m 44s ago` 10 s after such a failure; found by the second 40-source probe).
#[tokio::test]
async fn last_error_is_dated_from_when_the_run_failed_not_when_it_began() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statuserrorage");
    let site = Site::new();
    runs_just_now(&database).await;
    let now = Utc::now();
    let mut hung = run(
        "meteo",
        // After `meteo`'s last success, two minutes ago (`runs_just_now`).
        now - TimeDelta::seconds(100),
        Some("records offset 0: gave up after 5 attempts: timed out after 30 s"),
    );
    hung.finished = now - TimeDelta::seconds(5);
    hung.duration_ms = Some(95_000);
    failed_run(&site.raw(), &hung);
    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let error = cell(&stdout, "meteo", "LAST ERROR");
    assert_eq!(cell(&stdout, "meteo", "STATE"), "FAILING", "{stdout}");
    let age = error.split(" ago:").next().unwrap_or_default();
    assert!(
        age.ends_with('s') && !age.contains('m'),
        "the run failed 5 s ago, status says `{error}`:\n{stdout}"
    );
}
/// MongoDB on another machine, down for days while its owner was away: the collector goes on
/// and the day reports stop. `status` names the days without a report, but the command it
/// offers can only fail until MongoDB answers ("no report was written: MongoDB at … is
/// unreachable"): its line says the reports wait for MongoDB, and that the next day job
/// writes them once it is back, rather than send the user to a command that cannot work yet.
#[test]
fn day_reports_missed_while_mongodb_is_down_are_said_to_wait_for_it() {
    let site = Site::new();
    let reports = site.dir.path().join("reports");
    std::fs::create_dir(&reports).expect("reports");
    let today = Utc::now().date_naive();
    for back in [7, 8] {
        let day = today - TimeDelta::days(back);
        std::fs::write(reports.join(format!("{day}.pdf")), b"%PDF").expect("report");
    }
    land_run(
        &site.raw(),
        &run("usgs", Utc::now() - TimeDelta::minutes(1), None),
    );
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let missing = today - TimeDelta::days(6);
    let line = stderr
        .lines()
        .find(|line| line.contains(&format!("the day reports of {missing}, ")))
        .unwrap_or_else(|| panic!("the missing days are named: {stderr}"));
    assert!(
        line.contains("MongoDB"),
        "the reports wait for MongoDB, which is down: the command offered cannot write them \
         until it answers, and the line should say so: {line}"
    );
}

/// A `plausible` range whose field is mistyped (or dropped from `numeric`) applies to nothing:
/// the source is collected all the same, and status lists the entry left out, at its line,
/// until it is mended (found by the review of stop 56's fixes).
#[test]
fn an_entry_left_out_of_a_source_needs_attention() {
    let config = CONFIG.replacen(
        "time = \"time\"\n",
        "time = \"time\"\nplausible = { \"magg\" = [-2, 10] }\n",
        1,
    );
    let site = Site::with_waiting_meteo(&config);
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let line = stderr
        .lines()
        .find(|line| line.starts_with("analyser status:") && line.contains("`magg`"))
        .unwrap_or_else(|| panic!("the entry is named: {stderr}"));
    assert!(
        line.contains("sources.toml:9: source `usgs`: key `plausible`")
            && line.contains("left out"),
        "{line}"
    );
}

/// A laptop closed for the night: cron's collector ran every minute until 22:30 (the
/// summariser stored what landed up to its 22:05 run), the files of 22:05 to 22:30 wait for
/// the next :05 run, and nothing ran while the laptop slept. Awake again ten hours later, the
/// collector has just run. The summariser is neither failing nor stuck (it has had no chance to
/// run since those files landed: the machine was asleep, as the runs show), yet status says
/// BEHIND, "the summariser is failing, stuck or cannot delete files" per the README, and sends
/// her to logs/summariser.log, every morning until the next :05 (an alert mail at :20 when
/// alerting is on; a day report written at :15 reads `behind` in red on its cover).
#[tokio::test]
async fn files_waiting_since_the_laptop_went_to_sleep_are_not_the_summariser_behind() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusasleep");
    let site = Site::new();
    std::fs::write(
        site.dir.path().join("sources.toml"),
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/usgs\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"time\"\n",
    )
    .expect("write sources.toml");
    let now = Utc::now();
    let asleep = now - TimeDelta::hours(10);
    // Collected every minute in the evening; those before the summariser's last run stored.
    let stored = (26..=90)
        .map(|minutes| run("usgs", asleep - TimeDelta::minutes(minutes), None))
        .map(|metrics| run_document(&metrics).expect("run doc"))
        .collect();
    insert(&database, RUNS, stored).await;
    // The last 25 minutes before the lid closed wait for the next :05.
    for minutes in 0..=25 {
        land_run(
            &site.raw(),
            &run("usgs", asleep - TimeDelta::minutes(minutes), None),
        );
    }
    // Awake: cron's collector has just run.
    land_run(
        &site.raw(),
        &run("usgs", now - TimeDelta::seconds(30), None),
    );

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_ne!(
        cell(&stdout, "usgs", "STATE"),
        "BEHIND",
        "a night asleep read as the summariser behind:\n{stdout}\n{stderr}"
    );
    assert!(
        !stderr.contains("source `usgs` is behind"),
        "a night asleep read as the summariser behind: {stderr}"
    );
}

/// The laptop of `files_waiting_since_the_laptop_went_to_sleep_are_not_the_summariser_behind`,
/// awake again for a few minutes: the summariser's first run since waking (its :05) began a
/// minute ago and failed (a remote MongoDB not reached yet as the network came back), so the
/// evening's files still wait. The README says a laptop's night is not counted ("its files are
/// not behind until it has been up a while") and BEHIND needs a file to have waited over 3
/// hours for a summariser that runs hourly: on a server one failed run is not BEHIND for 3
/// hours. Here the one failed run makes the whole night count: status reads BEHIND at once,
/// "the oldest waiting for 10 hours", and an alert mail goes out at :20. Expected: the time
/// asleep left out, so a file is behind only after 3 hours the machine was up.
#[tokio::test]
async fn one_summariser_run_failed_after_waking_does_not_count_the_night_as_hours_behind() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusasleepfailed");
    let site = Site::new();
    std::fs::write(
        site.dir.path().join("sources.toml"),
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/usgs\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"time\"\n",
    )
    .expect("write sources.toml");
    let now = Utc::now();
    let asleep = now - TimeDelta::hours(10);
    let stored = (26..=90)
        .map(|minutes| run("usgs", asleep - TimeDelta::minutes(minutes), None))
        .map(|metrics| run_document(&metrics).expect("run doc"))
        .collect();
    insert(&database, RUNS, stored).await;
    // The last 25 minutes before the lid closed wait for the summariser.
    for minutes in 0..=25 {
        land_run(
            &site.raw(),
            &run("usgs", asleep - TimeDelta::minutes(minutes), None),
        );
    }
    // Awake for four minutes: cron's collector has run each minute since.
    for minutes in 0..4 {
        land_run(
            &site.raw(),
            &run(
                "usgs",
                now - TimeDelta::minutes(minutes) - TimeDelta::seconds(30),
                None,
            ),
        );
    }
    // The summariser's :05 run began a minute ago and failed, leaving every file.
    let lock = std::fs::File::create(site.raw().join(".summariser.lock")).expect("lock file");
    lock.set_modified((now - TimeDelta::minutes(1)).into())
        .expect("the summariser's run after waking");

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_ne!(
        cell(&stdout, "usgs", "STATE"),
        "BEHIND",
        "a night asleep counted as hours behind after one failed summariser run:\n{stdout}\n{stderr}"
    );
}

/// The laptop of `files_waiting_since_the_laptop_went_to_sleep_are_not_the_summariser_behind`,
/// with a second source collected every 6 hours (a forecast). Its evening run came at 20:10,
/// after the summariser's 20:05 run, and the lid closed at 20:50, before the next :05; the
/// minutely source's files of 20:05 to 20:50 wait too. Awake again ten hours later, the
/// collector has just run both. The summariser has had no chance to run since: the minutely
/// source rightly reads ok, but the 6-hour source reads BEHIND ("the summariser is failing,
/// stuck or cannot delete files"), each such morning until the next :05, as if the laptop had
/// been up all night: its own runs, six hours apart, are the only ones read to tell the night
/// (a stretch without them counts as asleep only past twice its `every`, 12 hours).
#[tokio::test]
async fn a_six_hourly_source_s_file_waiting_since_the_laptop_went_to_sleep_is_not_behind() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusasleep6h");
    let site = Site::new();
    std::fs::write(
        site.dir.path().join("sources.toml"),
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/usgs\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"time\"\n\n[[source]]\nname = \"forecast\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/forecast\"\nevery = \"6h\"\nkey = \"id\"\ntime = \"time\"\n",
    )
    .expect("write sources.toml");
    let now = Utc::now();
    // The lid closed at 20:50, ten hours ago; the summariser's last run began at 20:05.
    let asleep = now - TimeDelta::hours(10);
    let summariser_ran = asleep - TimeDelta::minutes(45);
    // Collected every minute in the evening; those before the summariser's last run stored,
    // with the forecast's run of 14:10.
    let mut stored: Vec<Document> = (46..=120)
        .map(|minutes| run("usgs", asleep - TimeDelta::minutes(minutes), None))
        .map(|metrics| run_document(&metrics).expect("run doc"))
        .collect();
    stored.push(
        run_document(&run(
            "forecast",
            asleep - TimeDelta::minutes(40) - TimeDelta::hours(6),
            None,
        ))
        .expect("run doc"),
    );
    insert(&database, RUNS, stored).await;
    // What landed after 20:05 waits for the next :05.
    for minutes in 0..=44 {
        land_run(
            &site.raw(),
            &run("usgs", asleep - TimeDelta::minutes(minutes), None),
        );
    }
    land_run(
        &site.raw(),
        &run("forecast", asleep - TimeDelta::minutes(40), None),
    );
    let lock = std::fs::File::create(site.raw().join(".summariser.lock")).expect("lock file");
    lock.set_modified(summariser_ran.into())
        .expect("the summariser's last run");
    // Awake: cron's collector has just run both.
    for source in ["usgs", "forecast"] {
        land_run(
            &site.raw(),
            &run(source, now - TimeDelta::seconds(30), None),
        );
    }

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_ne!(
        cell(&stdout, "usgs", "STATE"),
        "BEHIND",
        "the minutely source:\n{stdout}\n{stderr}"
    );
    assert_ne!(
        cell(&stdout, "forecast", "STATE"),
        "BEHIND",
        "a night asleep read as the summariser behind for the 6-hour source:\n{stdout}\n{stderr}"
    );
}

/// A desktop that is never asleep: `hourly` is collected every hour, and the summariser has
/// been stuck for eight hours (its last run began before the first file that waits, and none
/// began since), so every file since waits in `raw/`. Status rightly reads BEHIND for it. Then
/// the user adds a source collected every minute, which has run for ten minutes: its files are
/// young, but its `every` now sets how long a stretch without any run counts as the machine
/// asleep (30 minutes), and the hourly source's own runs, an hour apart, are each read as a
/// night. The eight hours shrink to the ten minutes the new source ran: BEHIND is gone from
/// every row though nothing has been summarised since, and `status` exits 0.
#[tokio::test]
async fn adding_a_minutely_source_does_not_hide_a_summariser_stuck_for_hours() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusstucknew");
    let site = Site::new();
    std::fs::write(
        site.dir.path().join("sources.toml"),
        "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/hourly\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"time\"\n\n[[source]]\nname = \"added\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/added\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"time\"\n",
    )
    .expect("write sources.toml");
    let now = Utc::now();
    // The summariser's last run began eight hours and five minutes ago, and is stuck.
    let lock = std::fs::File::create(site.raw().join(".summariser.lock")).expect("lock file");
    lock.set_modified((now - TimeDelta::minutes(8 * 60 + 5)).into())
        .expect("the summariser's last run");
    // What it stored at its last run that ended.
    let stored = run("hourly", now - TimeDelta::hours(9), None);
    insert(
        &database,
        RUNS,
        vec![run_document(&stored).expect("run doc")],
    )
    .await;
    // Collected every hour since, the machine up all along.
    for hours in 0..=8 {
        land_run(
            &site.raw(),
            &run(
                "hourly",
                now - TimeDelta::hours(hours) - TimeDelta::seconds(30),
                None,
            ),
        );
    }
    let before = site.status(server.uri(), &database);
    let stdout = text(&before.stdout);
    assert_eq!(
        cell(&stdout, "hourly", "STATE"),
        "BEHIND",
        "the stuck summariser, before the new source:\n{stdout}\n{}",
        text(&before.stderr)
    );

    // The new source, collected every minute for the last ten minutes.
    for minutes in 0..10 {
        land_run(
            &site.raw(),
            &run(
                "added",
                now - TimeDelta::minutes(minutes) - TimeDelta::seconds(10),
                None,
            ),
        );
    }
    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        cell(&stdout, "hourly", "STATE"),
        "BEHIND",
        "eight hours of files the stuck summariser left, read as ten minutes once a minutely source was added:\n{stdout}\n{stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
}

/// Terminal columns a text takes: a CJK ideograph or kana takes two, as a terminal draws it.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFF60 => 2,
            _ => 1,
        })
        .sum()
}

/// A source first named in Japanese (`東京-meteo`), refused as it must be, is a row whose
/// cells stand under their headers in a terminal, as the other rows' do: not pushed right by
/// the width of its wide characters, its REFUSED read under LAST COLLECTED.
#[test]
fn a_refused_source_named_in_japanese_keeps_the_columns_aligned() {
    let site =
        Site::with_waiting_meteo(&CONFIG.replace("name = \"meteo\"", "name = \"東京-meteo\""));
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stdout = text(&output.stdout);
    let header = row(&stdout, "SOURCE");
    let state = columns(&header[..header.find("STATE").expect("a STATE column")]);
    for source in ["usgs", "東京-meteo"] {
        let line = row(&stdout, source);
        let first = line.find("  ").expect("cells") + 2;
        let second = first
            + line[first..]
                .find(|c: char| c != ' ')
                .expect("a second cell");
        assert_eq!(
            columns(&line[..second]),
            state,
            "{source}'s STATE stands under STATE:\n{stdout}"
        );
    }
}

/// A server up all night, its summariser stuck since 10 hours ago. Its minutely source was
/// disabled by hand 8 hours ago (`enabled = false`, still so), and its daily source's run of
/// 9 hours ago waits in `raw/` with the minutely runs before it. The README and the fix of
/// `CollectorRuns` say a source disabled across a stretch tells nothing of the machine asleep
/// in it; yet the stretch since the minutely source's last run, up to now, is read as a night
/// by that source's runs: the daily file is said to have waited an hour, and status reads ok
/// where the summariser has been stuck 9 hours on a machine up (BEHIND, an alert mail).
#[tokio::test]
async fn a_minutely_source_still_disabled_does_not_make_the_hours_since_a_night() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusdisablednow");
    let site = Site::new();
    std::fs::write(
        site.dir.path().join("sources.toml"),
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/usgs\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"time\"\nenabled = false\n\n[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/daily\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"time\"\n",
    )
    .expect("write sources.toml");
    let now = Utc::now();
    // The summariser's last run stored what landed before 10 hours ago.
    let stored = (121..=180)
        .step_by(5)
        .map(|minutes| {
            run(
                "usgs",
                now - TimeDelta::hours(8) - TimeDelta::minutes(minutes),
                None,
            )
        })
        .map(|metrics| run_document(&metrics).expect("run doc"))
        .collect();
    insert(&database, RUNS, stored).await;
    // Collected every few minutes from 10 hours ago until it was disabled, 8 hours ago.
    let disabled = now - TimeDelta::hours(8);
    for minutes in (0..=120).step_by(5) {
        land_run(
            &site.raw(),
            &run("usgs", disabled - TimeDelta::minutes(minutes), None),
        );
    }
    land_run(&site.raw(), &run("daily", now - TimeDelta::hours(9), None));

    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        cell(&stdout, "daily", "STATE"),
        "BEHIND",
        "the hours since a source was disabled read as the machine asleep:\n{stdout}\n{stderr}"
    );
}

/// `status --json` for a monitoring tool: the table's verdicts and times as fields it can
/// read without parsing columns, the same exit code, and each problem as stderr says it.
#[tokio::test]
async fn status_as_json_gives_each_source_s_state_times_and_problems() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusjson");
    let site = Site::new();
    let now = Utc::now();
    land_run(
        &site.raw(),
        &run("meteo", now - TimeDelta::minutes(1), None),
    );
    let retry = now + TimeDelta::minutes(13);
    let documents = [
        run("usgs", now - TimeDelta::minutes(3), None),
        RunMetrics {
            retry_from: Some(retry),
            ..run(
                "usgs",
                now - TimeDelta::minutes(2),
                Some("HTTP 503 from http://127.0.0.1:9/usgs"),
            )
        },
    ]
    .iter()
    .map(|metrics| run_document(metrics).expect("run doc"))
    .collect();
    insert(&database, RUNS, documents).await;
    let hour = hour_of(now - TimeDelta::hours(1));
    insert(
        &database,
        HOURLY,
        vec![doc! {"source": "meteo", "hour": bson_date(hour), "count": 4_i64, "updated_at": bson_date(hour)}],
    )
    .await;

    let output = site.status_with(server.uri(), &database, &["--json"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let status: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    let source = |name: &str| {
        status["sources"]
            .as_array()
            .and_then(|sources| sources.iter().find(|s| s["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {status:#}"))
    };
    assert_eq!(status["ok"], false);
    assert_eq!(status["mongodb"]["state"], "reachable");
    let usgs = source("usgs");
    assert_eq!(usgs["state"], "failing", "{usgs:#}");
    assert!(
        usgs["last_error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("HTTP 503")),
        "{usgs:#}"
    );
    let retry_from = usgs["retry_from"].as_str().expect("retry_from is a time");
    assert!(
        DateTime::parse_from_rfc3339(retry_from).is_ok() && retry_from.ends_with('Z'),
        "{retry_from}"
    );
    let meteo = source("meteo");
    assert_eq!(meteo["state"], "ok", "{meteo:#}");
    assert_eq!(meteo["every_seconds"], 900);
    assert_eq!(meteo["waiting_files"], 1);
    assert_eq!(
        meteo["last_summarised_hour"],
        hour.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(source("archive")["state"], "disabled");
    assert!(
        status["problems"]
            .as_array()
            .is_some_and(|problems| problems.iter().any(|p| p
                .as_str()
                .is_some_and(|p| p.contains("source `usgs` is failing")))),
        "{status:#}"
    );
    assert!(
        stderr.contains("source `usgs` is failing"),
        "stderr says it as without --json: {stderr}"
    );
}

/// Without MongoDB, what only MongoDB knows is `null` in `--json`, not a guess, and the URI's
/// password is not in the document.
#[test]
fn status_as_json_without_mongodb_says_null_for_what_it_could_not_read() {
    let site = Site::new();
    land_run(
        &site.raw(),
        &run("meteo", Utc::now() - TimeDelta::minutes(5), None),
    );
    let output = site.status_with(
        "mongodb://alice:s3cret-pw@127.0.0.1:9/releve?serverSelectionTimeoutMS=500",
        "releve",
        &["--json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(!stdout.contains("s3cret-pw"), "{stdout}");
    let status: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(status["mongodb"]["state"], "unreachable", "{status:#}");
    let sources = status["sources"].as_array().expect("sources");
    let meteo = sources
        .iter()
        .find(|s| s["name"] == "meteo")
        .expect("meteo");
    assert_eq!(meteo["state"], "ok", "{meteo:#}");
    assert!(meteo["last_summarised_hour"].is_null(), "{meteo:#}");
    let daily = sources
        .iter()
        .find(|s| s["name"] == "daily")
        .expect("daily");
    assert_eq!(daily["state"], "unknown", "{daily:#}");
    assert!(daily["last_collected"].is_null(), "{daily:#}");
}

/// A desktop up all night, its summariser stuck for eight hours: `hourly`, collected every
/// hour (each run's metrics say `every_s` 3600), waits in `raw/` and status rightly reads
/// BEHIND. The user then shortens its interval to `15m` (a common tweak) and its next run
/// comes: nothing is summarised, the machine never slept. Yet status judges the hourly runs
/// already made by the new `every` (a stretch over 30 minutes without a run is a night) rather
/// than the `every` each run recorded, reads each hour between them as the machine asleep, and
/// says the eight hours' files waited minutes: BEHIND is gone and status exits 0 for a
/// summariser stuck all along (until three more hours pass).
#[tokio::test]
async fn shortening_a_sources_every_does_not_hide_a_summariser_stuck_for_hours() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusstuckevery");
    let site = Site::new();
    let config = |every: &str| {
        format!(
            "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/hourly\"\nevery = \"{every}\"\nkey = \"id\"\ntime = \"time\"\n"
        )
    };
    std::fs::write(site.dir.path().join("sources.toml"), config("1h")).expect("sources.toml");
    let now = Utc::now();
    let stored = run("hourly", now - TimeDelta::hours(9), None);
    insert(
        &database,
        RUNS,
        vec![run_document(&stored).expect("run doc")],
    )
    .await;
    // Collected every hour for eight hours, at the interval each run records.
    for hours in 1..=8 {
        let mut hourly = run(
            "hourly",
            now - TimeDelta::hours(hours) - TimeDelta::minutes(5),
            None,
        );
        hourly.every_s = Some(3_600);
        land_run(&site.raw(), &hourly);
    }
    let before = site.status(server.uri(), &database);
    let stdout = text(&before.stdout);
    assert_eq!(
        cell(&stdout, "hourly", "STATE"),
        "BEHIND",
        "the stuck summariser, before the change:\n{stdout}\n{}",
        text(&before.stderr)
    );

    // `every` shortened to 15 minutes; the run it brought, a minute ago.
    std::fs::write(site.dir.path().join("sources.toml"), config("15m")).expect("sources.toml");
    let mut quarter = run("hourly", now - TimeDelta::minutes(1), None);
    quarter.every_s = Some(900);
    land_run(&site.raw(), &quarter);
    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        cell(&stdout, "hourly", "STATE"),
        "BEHIND",
        "eight hours of files a stuck summariser left on a machine up all night, read as a night asleep once `every` was shortened:\n{stdout}\n{stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
}

/// The other way round: a desktop up all day collects `hourly` every hour, then its user
/// lengthens `every` to `6h` (to spare an API quota), the summariser stuck all along. The
/// collector rightly runs the source next six hours after its last hourly run, and then the
/// eight-hour-old file still waits: the summariser is behind. But status judges the six hours
/// without a run by the `every` the run before them recorded (an hour) and reads them as a
/// night asleep, so the file has "waited" two hours and status says ok, exit 0, for a
/// summariser stuck for eight hours on a machine that never slept (judged by the `every` now,
/// as before, it read BEHIND).
#[tokio::test]
async fn lengthening_a_sources_every_does_not_hide_a_summariser_stuck_for_hours() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusstucklonger");
    let site = Site::new();
    std::fs::write(
        site.dir.path().join("sources.toml"),
        "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/hourly\"\nevery = \"6h\"\nkey = \"id\"\ntime = \"time\"\n",
    )
    .expect("sources.toml");
    let now = Utc::now();
    let stored = run("hourly", now - TimeDelta::hours(9), None);
    insert(
        &database,
        RUNS,
        vec![run_document(&stored).expect("run doc")],
    )
    .await;
    // Two hourly runs (the summariser stuck since the first), then `every` lengthened to 6h:
    // the next run six hours after the last hourly one.
    for (ago, every_s) in [
        (TimeDelta::minutes(8 * 60 + 10), 3_600),
        (TimeDelta::minutes(7 * 60 + 10), 3_600),
        (TimeDelta::minutes(60 + 10), 21_600),
    ] {
        let mut landed = run("hourly", now - ago, None);
        landed.every_s = Some(every_s);
        land_run(&site.raw(), &landed);
    }
    let output = site.status(server.uri(), &database);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        cell(&stdout, "hourly", "STATE"),
        "BEHIND",
        "a file waiting eight hours on a machine up all along, its source's every lengthened:\n{stdout}\n{stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
}

/// A PhD student renames her database (`mongodump`/`mongorestore` of `releve` into a new name,
/// the crontab's `MONGODB_URI` path changed to it), keeping her history and the raw folder:
/// every summariser run from then on stops with exit 2, because `raw/.summariser-database` still
/// names `releve` ("run once with --new-database"). `status`, reading the new name, said `ok`
/// (exit 0) for three hours, then only BEHIND without the cause: it has the same file to tell
/// that the summariser refuses the database it reads.
#[tokio::test]
async fn a_database_the_summariser_refuses_for_the_one_the_raw_folder_names_needs_attention() {
    let server = testkit::MongoServer::shared();
    let renamed = server.fresh_database("statusrenamed");
    let site = Site::new();
    // The raw folder as the old database's summariser left it: its id, and `releve` noted.
    let folder = "6752f0c1a9e3b2d4c5f60718";
    std::fs::write(site.raw().join(".installation"), format!("{folder}\n")).expect("id");
    std::fs::write(site.raw().join(".summariser-database"), "releve\n").expect("noted");
    // The database copied under its new name: it names this very folder, holds its runs and hours.
    let place = std::fs::canonicalize(site.raw()).expect("raw's place");
    insert(
        &renamed,
        "installation",
        vec![doc! {"_id": "summariser", "folder": folder,
        "raw_dir": place.display().to_string(), "since": bson_date(Utc::now() - TimeDelta::days(240))}],
    )
    .await;
    let now = runs_just_now(&renamed).await;
    insert(
        &renamed,
        HOURLY,
        vec![doc! {"source": "meteo", "hour": bson_date(hour_of(now)), "count": 4_i64, "updated_at": bson_date(now)}],
    )
    .await;
    // The next :05 run has landed nothing yet: a run of `meteo` waits.
    land_run(&site.raw(), &run("meteo", now, None));
    let reports = site.dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("reports");
    for back in 0..=9 {
        let day = (now - TimeDelta::days(back)).date_naive();
        std::fs::write(reports.join(format!("{day}.pdf")), b"%PDF").expect("report");
    }

    // As the summariser would take it: refused.
    let summariser = std::process::Command::new(testkit::binary("summariser"))
        .current_dir(site.dir.path())
        .args(["--mongodb-uri", server.uri(), "--database", &renamed])
        .env_remove("MONGODB_URI")
        .output()
        .expect("run the summariser");
    assert_eq!(
        summariser.status.code(),
        Some(2),
        "{}",
        text(&summariser.stderr)
    );

    let output = site.status(server.uri(), &renamed);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(1),
        "status says all is well while every summariser run is refused:\n{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains(".summariser-database") && stderr.contains("--new-database"),
        "{stderr}"
    );
}

/// The portal came back after a week's outage and the collector caught the week up: the next
/// day job (`--if-missing`) wrote again, in one run, the reports of the eight days before, each
/// dated when its data was read, all at one instant, and yesterday's. `status` names as "Last
/// report" whichever of them the folder happens to list last (seen: `reports/2026-12-05.pdf
/// (written 2026-12-08 04:14 UTC)`, of three days before 2026-12-07's), so the user reading it
/// on the morning after the catch-up is told the latest report is of a day days ago, as if the
/// reports of the days since were missing. Of reports dated alike, the latest period's is the
/// one to name. (Five folders of nine days each, so that the order a file system lists them in
/// does not pass the test by chance.)
#[tokio::test]
async fn after_a_catch_up_rewrote_the_week_s_reports_the_last_report_is_the_latest_day_s() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statuscaughtup");
    let site = Site::new();
    runs_just_now(&database).await;
    let written = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for folder in 0..5u64 {
        let reports = site.dir.path().join(format!("reports-{folder}"));
        std::fs::create_dir_all(&reports).expect("reports dir");
        let latest = Utc::now().date_naive() - chrono::Days::new(1 + 10 * folder);
        for back in 0..9 {
            let path = reports.join(format!("{}.pdf", latest - chrono::Days::new(back)));
            std::fs::write(&path, b"%PDF-1.7\n").expect("report");
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_modified(written))
                .expect("date the report");
        }
        let dir = reports.to_string_lossy().into_owned();
        let output = site.status_with(server.uri(), &database, &["--reports-dir", &dir]);
        let stdout = text(&output.stdout);
        let line = stdout
            .lines()
            .find(|line| line.starts_with("Last report: "))
            .unwrap_or_else(|| panic!("no last report line: {stdout}"));
        assert!(
            line.contains(&format!("{latest}.pdf (written ")),
            "the reports of nine days were written in one run, {latest}'s the latest; status names another as the last: {line}"
        );
    }
}

/// An orchestrator's monitoring task writes `status --json` where its monitoring reads it (a
/// node_exporter textfile, a Nagios check's cache, an Airflow XCom through a file). When that
/// write fails (a full disk, `/dev/full` here), the JSON is lost, yet the status exits 0, "all
/// is well", leaving an empty file behind a green task. `analyser export` says the same fault
/// ("standard output: cannot write the export: No space left on device") and exits 1; `status`
/// (and the report's path, and `collector --check`) drop it unsaid.
#[tokio::test]
async fn a_status_whose_json_cannot_be_written_does_not_exit_zero() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("statusfull");
    let site = Site::new();
    let now = runs_just_now(&database).await;
    let reports = site.dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("reports");
    for back in 0..=9 {
        let day = (now - TimeDelta::days(back)).date_naive();
        std::fs::write(reports.join(format!("{day}.pdf")), b"%PDF").expect("report");
    }
    // Written where it can be, the same status is all well: exit 0.
    let written = site.status_with(server.uri(), &database, &["--json"]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    assert!(
        serde_json::from_slice::<serde_json::Value>(&written.stdout).is_ok(),
        "one JSON document"
    );

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let lost = Command::new(env!("CARGO_BIN_EXE_analyser"))
        .current_dir(site.dir.path())
        .args(["status", "--mongodb-uri", server.uri(), "--database"])
        .arg(&database)
        .arg("--json")
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "warn")
        .stdout(full)
        .output()
        .expect("run analyser status");
    let stderr = text(&lost.stderr);
    assert_ne!(
        lost.status.code(),
        Some(0),
        "the JSON was never written, yet status exits 0 and says nothing: {stderr:?}"
    );
    assert!(
        stderr.contains("No space left on device") || stderr.contains("standard output"),
        "a line says the status could not be written: {stderr:?}"
    );
}

/// `analyser status --date 2026-01-01`, as a user who wants a past day's state tries: `--date`
/// is the report's and the export's. clap answered "did you mean `--database`?", sending them
/// to an option that names a database; the line names the commands that take `--date`.
#[test]
fn a_date_given_to_status_is_said_to_be_the_report_s_option_not_a_misspelt_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = common::analyser(dir.path(), &["status", "--date", "2026-01-01"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("`--date` is an option of `analyser`, `analyser report`, `analyser export`")
            && !stderr.contains("--database"),
        "{stderr}"
    );
}

/// `now` to the minute, so that the times status says to the minute are the ones written.
fn minute_of(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::DurationRound;
    now.duration_trunc(TimeDelta::minutes(1)).expect("a minute")
}

/// A boot's clock three days behind, NTP blocked: the collector's runs of `usgs` find its
/// clock behind the API's, land nothing and back off. Status showed the source `ok`, its last
/// run before the boot, until it turned stale, and nothing about the clock. It says in one
/// line by how much the clock was found behind, when, and when the source is tried again, and
/// `--json` carries it.
#[tokio::test]
async fn a_source_backing_off_for_a_clock_behind_says_so_and_when_it_is_tried_again() {
    let site = Site::new();
    let now = Utc::now();
    land_run(&site.raw(), &run("usgs", now - TimeDelta::minutes(1), None));
    let found_at = minute_of(now) - TimeDelta::minutes(2);
    let retry_at = found_at + TimeDelta::minutes(10);
    let state = serde_json::json!({
        "last_success_started": (now - TimeDelta::minutes(1)).to_rfc3339(),
        "last_attempt": found_at.to_rfc3339(),
        "clock_behind": {
            "found_at": found_at.to_rfc3339(),
            "api_date": (found_at + TimeDelta::days(3)).to_rfc3339(),
            "retry_at": retry_at.to_rfc3339(),
            "in_a_row": 2,
        },
    });
    std::fs::write(site.raw().join("usgs/.state.json"), state.to_string()).expect("state");
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stderr = text(&output.stderr);
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("`usgs`")).collect();
    let [line] = said.as_slice() else {
        panic!("one line of usgs: {stderr}")
    };
    let minute = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    assert!(
        line.contains("clock was found 3 days behind its API's")
            && line.contains(&minute(found_at))
            && line.contains(&format!("tries it again from {}", minute(retry_at))),
        "{stderr}"
    );
    let output = site.status_with("mongodb://127.0.0.1:9", "releve", &["--json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON document");
    let usgs = &json["sources"][0];
    let second = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(usgs["clock_behind"]["behind_seconds"], 3 * 86_400, "{usgs}");
    assert_eq!(
        usgs["clock_behind"]["retry_from"],
        second(retry_at),
        "{usgs}"
    );
    assert_eq!(usgs["clock_behind"]["found_at"], second(found_at), "{usgs}");
    // The wait over (or the clock set right by NTP): tried at the collector's next run.
    let mut over = state.clone();
    over["clock_behind"]["retry_at"] = serde_json::json!(found_at.to_rfc3339());
    std::fs::write(site.raw().join("usgs/.state.json"), over.to_string()).expect("state");
    let output = site.status_with("mongodb://127.0.0.1:9", "releve", &["--json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON document");
    let usgs = &json["sources"][0];
    assert_eq!(usgs["clock_behind"]["retry_from"], serde_json::Value::Null);
    assert!(
        json["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|line| line
                .as_str()
                .is_some_and(|line| line.contains("`usgs`")
                    && line.contains("tries it again at its next run"))),
        "{json}"
    );
}

/// A clock two hours ahead when the API asked to wait three hours (an exhausted quota), set
/// right since: the collector's next run dated the pause again, three hours from its own clock.
/// Status still said the failed run's end, two hours later than the one the collector keeps.
#[tokio::test]
async fn a_pause_dated_again_by_the_collector_is_shown_with_its_new_end() {
    let site = Site::new();
    let now = Utc::now();
    land_run(&site.raw(), &run("usgs", now - TimeDelta::hours(3), None));
    let attempt = minute_of(now) - TimeDelta::minutes(1);
    let mut failed = run("usgs", attempt, Some("HTTP 429: daily quota exhausted"));
    failed.retry_from = Some(attempt + TimeDelta::hours(3));
    failed_run(&site.raw(), &failed);
    let redated_at = attempt - TimeDelta::hours(2);
    let state = serde_json::json!({
        "last_success_started": (now - TimeDelta::hours(3)).to_rfc3339(),
        "last_attempt": attempt.to_rfc3339(),
        "last_error": "HTTP 429: daily quota exhausted",
        "failures_in_a_row": 1,
        "paused_at": redated_at.to_rfc3339(),
        "paused_until": (redated_at + TimeDelta::hours(3)).to_rfc3339(),
    });
    std::fs::write(site.raw().join("usgs/.state.json"), state.to_string()).expect("state");
    let output = site.status("mongodb://127.0.0.1:9", "releve");
    let stderr = text(&output.stderr);
    let new_end = (attempt + TimeDelta::hours(1))
        .format("%Y-%m-%d %H:%M UTC")
        .to_string();
    assert!(
        stderr.contains(&format!("the collector tries it again from {new_end}")),
        "the end the collector keeps: {stderr}"
    );
    let output = site.status_with("mongodb://127.0.0.1:9", "releve", &["--json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON document");
    assert_eq!(
        json["sources"][0]["retry_from"],
        (attempt + TimeDelta::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
}
