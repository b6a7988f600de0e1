//! A history built on the first day: past periods filled by hand (`collector --date` for a
//! France Travail day, `--since` for a portal) read in their reports as the past they are, not
//! as collections the collector missed.

mod common;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use common::golden;
use mongodb::bson::Document;
use releve::store;
use testkit::MongoServer;

/// A France Travail source of job offers, collected by day.
const OFFRES: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"http://127.0.0.1:9\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n";

/// A run of `offres` started at `started`, collecting `day`.
fn offres_run(started: DateTime<Utc>, day: chrono::NaiveDate) -> releve::RunMetrics {
    releve::RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: "offres".into(),
        kind: "france_travail".into(),
        file: Some(format!("offres_{}.json", started.timestamp())),
        started,
        finished: started + Duration::minutes(4),
        duration_ms: Some(240_000),
        http_calls: Some(30),
        retries: Some(0),
        throttled: Some(0),
        announced: Some(2_500),
        records: 2_500,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: Some(day),
        every_s: None,
        disabled_from: None,
        retry_from: None,
    }
}

async fn database_with_runs(label: &str, runs: &[releve::RunMetrics]) -> String {
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    let collection = server
        .client_database(&name)
        .await
        .collection::<Document>(store::RUNS);
    for run in runs {
        collection
            .insert_one(store::run_document(run).expect("run document"))
            .await
            .expect("insert run");
    }
    name
}

async fn day_report_text(dir: &Path, uri: &str, db: &str, date: &str) -> String {
    std::fs::write(dir.join("sources.toml"), OFFRES).expect("write sources.toml");
    let (dir, args) = (
        dir.to_owned(),
        ["--mongodb-uri", uri, "--database", db, "--date", date].map(str::to_owned),
    );
    let report = dir.join(format!("reports/{date}.pdf"));
    tokio::task::spawn_blocking(move || {
        common::analyser_ok(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread");
    common::flat(&common::text(&report))
}

/// When relevé was installed (00:00:30 the day after the golden day) and the day three weeks
/// back the historian then collected by hand.
fn installation_and_backfill() -> (chrono::DateTime<chrono::Utc>, chrono::NaiveDate) {
    let installed = (golden::day() + Duration::days(1))
        .and_hms_opt(0, 0, 30)
        .expect("time")
        .and_utc();
    (installed, golden::day() - Duration::days(20))
}

/// Installed the day after the golden day, the historian's first runs collect that day (cron's)
/// and, by hand, one day three weeks back (`collector --source offres --date D`). The days in
/// between predate the installation: no collector was there to miss them, yet their reports
/// expect a collection of each and say it missed ("0 landed of 1 expected").
#[tokio::test(flavor = "multi_thread")]
async fn a_past_day_collected_by_hand_does_not_make_the_days_before_the_installation_missed() {
    let server = MongoServer::shared();
    let (installed, backfilled_day) = installation_and_backfill();
    let runs = [
        offres_run(installed, golden::day()),
        offres_run(installed + Duration::minutes(10), backfilled_day),
    ];
    let db = database_with_runs("offres-backfilled-day", &runs).await;
    let dir = tempfile::tempdir().expect("temp dir");
    // A day between the one collected by hand and the installation.
    let between = golden::date(-10);
    let flat = day_report_text(dir.path(), server.uri(), &db, &between).await;
    assert!(
        !flat.contains("missed a tenth or more") && !flat.contains("of 1 expected"),
        "the collector was installed on {}, after this day: nothing it could have missed: {flat}",
        installed.date_naive()
    );
    assert!(
        flat.contains("no collection expected"),
        "no collection was expected of a day before the installation: {flat}"
    );
}

/// The report of the very day collected by hand, three weeks before the installation: its
/// records are there, landed by that run, and the report must not call the installation's day
/// the "first day collected": it is the first day the schedule collected, and the day was
/// landed by a collection made after it.
#[tokio::test(flavor = "multi_thread")]
async fn the_report_of_a_day_collected_by_hand_does_not_say_its_first_day_collected_is_later() {
    let server = MongoServer::shared();
    let (installed, backfilled_day) = installation_and_backfill();
    let runs = [
        offres_run(installed, golden::day()),
        offres_run(installed + Duration::minutes(10), backfilled_day),
    ];
    let db = database_with_runs("offres-backfilled-day-itself", &runs).await;
    // The day's offers, summarised: 2,504 over its 24 hours.
    let day_start = backfilled_day.and_hms_opt(0, 0, 0).expect("time").and_utc();
    let hourly: Vec<Document> = (0..24)
        .map(|hour| {
            let at = day_start + Duration::hours(hour);
            mongodb::bson::doc! {
                "source": "offres", "hour": store::bson_date(at),
                "count": if hour < 4 { 106_i64 } else { 104 },
                "numeric": [], "categories": [], "bbox": null,
                "updated_at": store::bson_date(installed + Duration::minutes(20)),
            }
        })
        .collect();
    server
        .client_database(&db)
        .await
        .collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("insert hourly");
    let dir = tempfile::tempdir().expect("temp dir");
    let flat = day_report_text(dir.path(), server.uri(), &db, &golden::date(-20)).await;
    assert!(
        flat.contains("2,504"),
        "the day's offers are in its report: {flat}"
    );
    assert!(
        flat.contains(&format!(
            "offres: first scheduled day, {}, after this period: no collection expected; its 2,504 records in the period were landed by collections made after it.",
            golden::day()
        )) && !flat.contains("first day collected"),
        "this day, {backfilled_day}, was collected (by hand, the day after {}): its report must not call a later day the first collected: {flat}",
        golden::day()
    );
}
