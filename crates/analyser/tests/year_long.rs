//! A year-long installation: reports of old periods written again by hand (`--date`) once
//! MongoDB's TTL has deleted the runs older than 90 days, as it does every day of the year.

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Paris;
use mongodb::bson::Document;
use releve::store;
use testkit::MongoServer;

/// Three sources of a thesis' installation: a 5-minute feed, a 15-minute one and a daily one.
const CONFIG: &str = r#"
[report]
timezone = "Europe/Paris"
keep = 0

[[source]]
name = "quakes"
kind = "http_json"
url = "http://127.0.0.1:9/quakes"
every = "5m"
records = "features"
key = "id"
time = "properties.time"

[[source]]
name = "meteo"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "15m"
records = "current"
key = "time"
time = "time"

[[source]]
name = "daily"
kind = "http_json"
url = "http://127.0.0.1:9/daily"
every = "1d"
records = "daily"
key = "time"
time = "time"
"#;

/// A run of `source` that started at `started` and landed 4 records, as the summariser
/// stores its metrics.
fn landed_run(source: &str, started: DateTime<Utc>, every_s: u64) -> releve::RunMetrics {
    releve::RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: source.to_owned(),
        kind: "http_json".to_owned(),
        file: Some(format!(
            "{source}_{}.json",
            started.format("%Y-%m-%dT%H-%M-%SZ")
        )),
        started,
        finished: started + Duration::seconds(2),
        duration_ms: Some(2000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: 4,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: None,
        every_s: Some(every_s),
        disabled_from: None,
        retry_from: None,
    }
}

/// The Paris midnight starting `day`.
fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(Paris)
        .earliest()
        .expect("a Paris midnight")
        .with_timezone(&Utc)
}

/// The runs `runs` keeps of a collector that ran every source on time, all day long, around
/// `cut`: those that finished before it are gone, as MongoDB's TTL (90 days after `finished`)
/// deletes them.
fn runs_kept_after(cut: DateTime<Utc>) -> Vec<releve::RunMetrics> {
    let day = cut.with_timezone(&Paris).date_naive();
    let (from, until) = (
        paris_midnight(day) - Duration::days(1),
        paris_midnight(day) + Duration::days(2),
    );
    let mut runs = Vec::new();
    for (source, minutes) in [("quakes", 5), ("meteo", 15)] {
        let mut started = from;
        while started < until {
            runs.push(landed_run(source, started, minutes as u64 * 60));
            started += Duration::minutes(minutes);
        }
    }
    // Cron's midnight run collects the daily source at the start of each Paris day.
    let mut midnight = day - chrono::Days::new(1);
    while paris_midnight(midnight) < until {
        runs.push(landed_run(
            "daily",
            paris_midnight(midnight) + Duration::seconds(30),
            86_400,
        ));
        midnight = midnight.succ_opt().expect("a next day");
    }
    runs.retain(|run| run.finished >= cut);
    // Still collecting now: each source's latest run, a minute ago.
    let now = Utc::now() - Duration::minutes(1);
    runs.extend([
        landed_run("quakes", now, 300),
        landed_run("meteo", now, 900),
        landed_run("daily", now, 86_400),
    ]);
    runs
}

/// Writes the report of `day` with the real analyser and returns its text.
async fn day_report_text(dir: &Path, uri: &str, db: &str, day: NaiveDate) -> String {
    std::fs::write(dir.join("sources.toml"), CONFIG).expect("write sources.toml");
    let (dir_owned, uri, db, date) = (
        dir.to_owned(),
        uri.to_owned(),
        db.to_owned(),
        day.to_string(),
    );
    tokio::task::spawn_blocking(move || {
        common::analyser_ok(
            &dir_owned,
            &["--mongodb-uri", &uri, "--database", &db, "--date", &date],
        )
    })
    .await
    .expect("analyser thread");
    common::text(&dir.join(format!("reports/{day}.pdf")))
}

/// She writes again, by hand, the day report of the day the TTL is cutting through today (say
/// after adding a field to her sources). Every source ran on time all that day. The runs of the
/// day's morning are gone, so the report counts collections from the oldest run kept; but the
/// 15-minute source's run under way at the cut, and the daily source's run of that day (at
/// midnight), started before the cut and went with it, and the report counts them expected
/// and not landed: "daily: no collection in this period, of 1 expected", "meteo: 1 collection
/// of … expected did not run (… was the collector stopped?)", and on the cover "missed a tenth
/// or more of the collections expected". Nothing was missed: a collection whose run the TTL
/// deleted is not known, not missed.
#[tokio::test(flavor = "multi_thread")]
async fn the_day_the_runs_ttl_cuts_through_reports_no_collection_missed() {
    let server = MongoServer::shared();
    let name = server.fresh_database("ttl-cut-day");
    store::connect(server.uri(), &name)
        .await
        .expect("the summariser's collections");
    let db = server.client_database(&name).await;
    // Where the TTL has deleted up to: 90 days ago, at least two hours into its Paris day (a
    // period that began less than an hour before the runs kept is counted as usual).
    let mut cut = Utc::now() - Duration::days(90);
    if cut.with_timezone(&Paris).hour() < 2 {
        cut += Duration::hours(3);
    }
    let runs: Vec<Document> = runs_kept_after(cut)
        .iter()
        .map(|run| store::run_document(run).expect("run document"))
        .collect();
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("insert runs");
    let day = cut.with_timezone(&Paris).date_naive();
    let dir = tempfile::tempdir().expect("temp dir");
    let text = day_report_text(dir.path(), server.uri(), &name, day).await;
    let flat = common::flat(&text);
    for source in ["quakes", "meteo", "daily"] {
        let row = common::row(&text, "Completeness and quality", &[source]);
        assert_eq!(
            row[2], row[3],
            "{source}: every collection expected from the oldest run kept landed (expected, landed): {row:?}\n{flat}"
        );
    }
    assert!(
        !flat.contains("did not run") && !flat.contains("no collection in this period"),
        "no collection was missed that day: {flat}"
    );
    assert!(
        !flat.contains("missed a tenth or more"),
        "the cover names no source as missing collections: {flat}"
    );
}

/// An hour of `source` summarised from `count` records, an hour after it.
fn summary(source: &str, hour: DateTime<Utc>, count: i64) -> Document {
    mongodb::bson::to_document(&store::HourlySummary {
        source: source.to_owned(),
        hour: store::bson_date(hour),
        count,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(hour + Duration::hours(1)),
    })
    .expect("hourly document")
}

/// The report of a day 100 days ago said "quakes: 12 records dropped by the summariser" when
/// cron wrote it, the next morning (as the report of a recent day says it). `rejected` keeps a
/// file's count 90 days, as `runs` keeps runs; written again today (by hand, with `--date`),
/// the report says nothing of dropped records, while its note lists the figures no longer
/// known (expected, landed, failed, retries, 429s, coverage) without them: a reader takes it
/// that none were dropped.
#[tokio::test(flavor = "multi_thread")]
async fn an_old_day_written_again_does_not_silently_lose_its_dropped_records() {
    let server = MongoServer::shared();
    let name = server.fresh_database("ttl-rejected");
    store::connect(server.uri(), &name)
        .await
        .expect("the summariser's collections");
    let db = server.client_database(&name).await;
    let now = Utc::now();
    let day = (now - Duration::days(100))
        .with_timezone(&Paris)
        .date_naive();
    let start = paris_midnight(day);
    let hours: Vec<Document> = (0..24)
        .map(|h| summary("quakes", start + Duration::hours(h), 5))
        .collect();
    db.collection::<Document>(store::HOURLY)
        .insert_many(hours)
        .await
        .expect("insert hourly");
    // The runs the TTL left: the oldest ended just after its horizon, 90 days ago. The file
    // of that day whose 12 records were dropped has left `rejected` with them.
    let runs: Vec<Document> = [
        now - Duration::days(90) + Duration::minutes(30),
        now - Duration::minutes(1),
    ]
    .into_iter()
    .flat_map(|at| {
        [
            landed_run("quakes", at, 300),
            landed_run("meteo", at, 900),
            landed_run("daily", at, 86_400),
        ]
    })
    .map(|run| store::run_document(&run).expect("run document"))
    .collect();
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("insert runs");
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::flat(&day_report_text(dir.path(), server.uri(), &name, day).await);
    assert!(
        text.contains("no longer known"),
        "an old day, its runs gone: {text}"
    );
    assert!(
        text.contains("dropped"),
        "the records the summariser dropped that day are no longer known either, and said so: {text}"
    );
}
