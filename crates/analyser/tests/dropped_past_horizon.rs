//! A report of a period that began before the runs' 90-day horizon: `rejected` is kept 90 days
//! from each file's `landed_at` (a TTL index, as `runs` is on `finished`), so the records the
//! summariser dropped from the period's earlier files are gone from MongoDB, as its earlier
//! runs are. The report says the collections are counted "from …, the oldest runs kept"; the
//! count of dropped records must not be given as the whole period's.

mod common;

use chrono::{Duration, Utc};
use mongodb::bson::{Document, doc};
use releve::store;
use testkit::MongoServer;

const CONFIG: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1h\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\nnumeric = [\"properties.mag\"]\n";

fn run(started: chrono::DateTime<Utc>) -> releve::RunMetrics {
    releve::RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: "quakes".into(),
        kind: "http_json".into(),
        file: Some(format!(
            "quakes_{}.json",
            started.format("%Y-%m-%dT%H-%M-%SZ")
        )),
        started,
        finished: started + Duration::seconds(2),
        duration_ms: Some(2_000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: 10,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: None,
        every_s: Some(3600),
        disabled_from: None,
        retry_from: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_records_of_a_period_partly_past_the_horizon_are_not_given_as_the_whole_periods() {
    let now = Utc::now();
    // Where the TTL indexes of `runs` and `rejected` have deleted up to.
    let horizon = now - Duration::days(90);
    let first_kept = horizon + Duration::minutes(10);
    let server = MongoServer::shared();
    let name = server.fresh_database("dropped-horizon");
    let db = server.client_database(&name).await;
    // The runs kept: hourly from just after the horizon, for thirty days.
    let runs: Vec<Document> = (0..24 * 30)
        .map(|h| store::run_document(&run(first_kept + Duration::hours(h))).expect("run"))
        .collect();
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("runs");
    // Each hour of the ten days before the horizon and thirty after holds records.
    let hourly: Vec<Document> = (-24 * 10..24 * 30)
        .map(|h| {
            let hour = store::hour_of(horizon) + Duration::hours(h);
            doc! {"source": "quakes", "hour": store::bson_date(hour), "count": 10_i64,
            "numeric": [], "categories": [], "bbox": null,
            "updated_at": store::bson_date(hour + Duration::hours(1))}
        })
        .collect();
    db.collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("hourly");
    // One file landed after the horizon dropped 4 records; those the files landed before it
    // dropped were deleted with them by the TTL index on `landed_at`.
    db.collection::<Document>(store::REJECTED)
        .insert_one(doc! {"source": "quakes", "file": "quakes_x.json",
        "landed_at": store::bson_date(first_kept), "count": 4_i64})
        .await
        .expect("rejected");

    let text = month_report(CONFIG, server.uri(), &name, first_kept).await;
    assert!(
        text.contains("the oldest runs kept"),
        "the month began before the runs kept: {text}"
    );
    assert!(
        !text.contains("4 records dropped by the summariser (no key, or no time it could read) from files landed in this period"),
        "the records dropped from the month's files landed before the horizon are no longer known, as its collections are: 4 is not the month's count: {text}"
    );
    assert!(
        text.contains("No failed collection in this period since ")
            && !text.contains("No failed collection in this period."),
        "the failures of the month's days before the runs kept are not known: {text}"
    );
}

/// A daily source beside an hourly one, both collected before the horizon: the hourly one's
/// runs kept begin minutes after it, the daily one's at its next run, up to a day later.
#[tokio::test(flavor = "multi_thread")]
async fn no_failed_collection_is_said_since_the_oldest_runs_kept_not_a_daily_sources_next_run() {
    let now = Utc::now();
    let horizon = now - Duration::days(90);
    // On a whole minute: a run's start and end (two seconds later) are one minute printed.
    let first_kept = chrono::DurationRound::duration_trunc(
        horizon + Duration::minutes(10),
        Duration::minutes(1),
    )
    .expect("a minute");
    // The daily source runs at midnight (UTC, the report's time zone): its first run kept is
    // the first midnight after the hourly source's.
    let midnight = (first_kept + Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let server = MongoServer::shared();
    let name = server.fresh_database("since-oldest-kept");
    let db = server.client_database(&name).await;
    let daily = |started: chrono::DateTime<Utc>| releve::RunMetrics {
        source: "daily".into(),
        file: Some(format!(
            "daily_{}.json",
            started.format("%Y-%m-%dT%H-%M-%SZ")
        )),
        every_s: Some(86_400),
        ..run(started)
    };
    let mut runs: Vec<Document> = (0..24 * 30)
        .map(|h| store::run_document(&run(first_kept + Duration::hours(h))).expect("run"))
        .collect();
    runs.extend(
        (0..30).map(|d| store::run_document(&daily(midnight + Duration::days(d))).expect("run")),
    );
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("runs");
    let hourly: Vec<Document> = ["quakes", "daily"]
        .iter()
        .flat_map(|source| {
            (-24 * 10..24 * 30).map(move |h| {
                let hour = store::hour_of(horizon) + Duration::hours(h);
                doc! {"source": *source, "hour": store::bson_date(hour), "count": 10_i64,
                "numeric": [], "categories": [], "bbox": null,
                "updated_at": store::bson_date(hour + Duration::hours(1))}
            })
        })
        .collect();
    db.collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("hourly");

    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/d\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n"
    );
    let text = month_report(&config, server.uri(), &name, first_kept).await;
    let oldest = first_kept.format("%Y-%m-%d %H:%M").to_string();
    assert!(
        text.contains(&format!(
            "quakes: collections counted from {oldest}, the oldest runs kept"
        )),
        "the hourly source's runs are kept from {oldest}: {text}"
    );
    assert!(
        text.contains(&format!(
            "No failed collection in this period since {oldest}, the oldest runs kept."
        )),
        "the runs kept begin at {oldest}, and none failed from there on: the daily source's next run ({}) is not where the runs kept begin: {text}",
        midnight.format("%Y-%m-%d %H:%M")
    );
}

/// The text of the month report of the month holding `at`, read from the database `name` of the
/// server at `uri` with the configuration `config`.
async fn month_report(
    config: &str,
    uri: &str,
    name: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> String {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("sources.toml"), config).expect("config");
    let date = at.date_naive().to_string();
    let args: Vec<String> = [
        "--mongodb-uri",
        uri,
        "--database",
        name,
        "--period",
        "month",
        "--date",
        &date,
    ]
    .map(str::to_owned)
    .to_vec();
    let path = dir.path().to_owned();
    let printed = tokio::task::spawn_blocking(move || {
        common::analyser_ok(&path, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread");
    common::flat(&common::text(std::path::Path::new(printed.trim())))
}

/// The month began before the runs kept, as in the test above: the records that shared their
/// key with another of their run are counted by the runs (`key_clashes`), which the TTL index
/// deleted before the horizon as it deleted the dropped records. The report says, of the dropped
/// records, that it counts the files landed since the oldest runs kept; of the key clashes it
/// still says "landed in this period", giving the clashes of the runs kept (three) as the whole
/// month's, though those of its days before the horizon are no longer known.
#[tokio::test(flavor = "multi_thread")]
async fn key_clashes_of_a_period_partly_past_the_horizon_are_not_given_as_the_whole_periods() {
    let now = Utc::now();
    let horizon = now - Duration::days(90);
    let first_kept = horizon + Duration::minutes(10);
    let server = MongoServer::shared();
    let name = server.fresh_database("clashes-horizon");
    let db = server.client_database(&name).await;
    // The runs kept: hourly from just after the horizon, for thirty days; one of them landed
    // three records under the key of another record of its file.
    let runs: Vec<Document> = (0..24 * 30)
        .map(|h| {
            let mut metrics = run(first_kept + Duration::hours(h));
            if h == 5 {
                metrics.key_clashes = 3;
                metrics.clash_key = Some("id".into());
            }
            store::run_document(&metrics).expect("run")
        })
        .collect();
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("runs");
    let hourly: Vec<Document> = (-24 * 10..24 * 30)
        .map(|h| {
            let hour = store::hour_of(horizon) + Duration::hours(h);
            doc! {"source": "quakes", "hour": store::bson_date(hour), "count": 10_i64,
            "numeric": [], "categories": [], "bbox": null,
            "updated_at": store::bson_date(hour + Duration::hours(1))}
        })
        .collect();
    db.collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("hourly");

    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("sources.toml"), CONFIG).expect("config");
    let date = first_kept.date_naive().to_string();
    let args: Vec<String> = [
        "--mongodb-uri",
        server.uri(),
        "--database",
        &name,
        "--period",
        "month",
        "--date",
        &date,
    ]
    .map(str::to_owned)
    .to_vec();
    let path = dir.path().to_owned();
    let printed = tokio::task::spawn_blocking(move || {
        common::analyser_ok(&path, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread");
    let text = common::flat(&common::text(std::path::Path::new(printed.trim())));
    assert!(
        text.contains("the oldest runs kept"),
        "the month began before the runs kept: {text}"
    );
    assert!(
        text.contains("quakes: 3 records"),
        "the clashes of the runs kept are said: {text}"
    );
    assert!(
        !text.contains("3 records landed in this period shared their key"),
        "the key clashes of the month's runs before the horizon are no longer known, as its dropped records are: 3 is not the month's count: {text}"
    );
}
