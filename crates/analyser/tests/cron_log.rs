//! What the analyser's crontab jobs write to `logs/analyser.log`, as whoever reads the logs (or
//! cron's mail) of an installation sees them: the day, week and month jobs share that one file,
//! each hourly, so a line must say which report it is about.

mod common;

use chrono::{Datelike, Duration};
use common::golden;
use testkit::MongoServer;

/// The stderr of the analyser run by a crontab job with `args`, logging at `info` as cron's
/// lines do, on a database holding the golden day alone.
async fn job_log(dir: &std::path::Path, uri: &str, db: &str, args: &[&str]) -> String {
    let mut all: Vec<String> = ["--mongodb-uri", uri, "--database", db]
        .iter()
        .map(|arg| (*arg).to_owned())
        .collect();
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    let dir = dir.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        common::analyser_logging(
            &dir,
            &all.iter().map(String::as_str).collect::<Vec<_>>(),
            "info",
        )
    })
    .await
    .expect("analyser thread");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// In the weeks after relevé is installed, the crontab's week and month jobs (`--if-missing`)
/// each say, every hour from 04:25 and 04:35 to 23:35 (40 lines a day, until the first
/// Monday and the first 1st of a month), that "This period ended before the first known
/// collection: no report of it is written". The line names neither the period nor the report
/// (only the first collection's time), so in `logs/analyser.log`, which the three jobs share,
/// the week job's line cannot be told from the month job's, nor from a line of a job asked for
/// a period by hand, where the lines saying what a job wrote, left or failed to write name its
/// report's file (`path=reports/…`, `no report was written (week-2026-W48.pdf)`).
#[tokio::test(flavor = "multi_thread")]
async fn a_period_ended_before_the_first_collection_is_named_in_its_log_line() {
    let server = MongoServer::shared();
    let db = server.fresh_database("named-before-first");
    golden::insert(&server.client_database(&db).await).await;
    let uri = server.uri().to_owned();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");

    let week_before = golden::day() - Duration::days(7);
    let iso = week_before.iso_week();
    let week_name = format!("week-{}-W{:02}", iso.year(), iso.week());
    let month_before = golden::day() - Duration::days(40);
    let month_name = format!("month-{}", month_before.format("%Y-%m"));

    for (period, date, name) in [
        ("week", week_before.to_string(), week_name),
        ("month", month_before.to_string(), month_name),
    ] {
        let stderr = job_log(
            dir.path(),
            &uri,
            &db,
            &["--period", period, "--date", &date, "--if-missing"],
        )
        .await;
        let line = stderr
            .lines()
            .find(|line| line.contains("ended before the first known collection"))
            .unwrap_or_else(|| panic!("the {period} job says why it wrote nothing: {stderr}"));
        assert!(
            line.contains(&name),
            "the {period} job's line names the report it did not write ({name}): {line}"
        );
    }
}

/// The first morning of a new installation: the crontab's day job writes yesterday's report
/// and, looking back over the eight days before, also the day before relevé's first collection
/// when records collected since fall in it (Open-Meteo's `past_days`, an Opendatasoft source's
/// first 24 hours). Its line said "No report of this period was written once it was complete
/// (its job did not run then: the machine off or asleep at its hour, or the job failed)": on
/// a machine installed the day before, no job was due then, and nothing was off or failed.
#[tokio::test(flavor = "multi_thread")]
async fn the_day_before_the_first_collection_written_for_its_records_is_not_said_missed() {
    let server = MongoServer::shared();
    let db = server.fresh_database("day-before-first");
    golden::insert(&server.client_database(&db).await).await;
    let uri = server.uri().to_owned();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");

    let stderr = job_log(
        dir.path(),
        &uri,
        &db,
        &[
            "--period",
            "day",
            "--date",
            &golden::date(0),
            "--if-missing",
        ],
    )
    .await;
    let day_before = format!("{}.pdf", golden::date(-1));
    let line = stderr
        .lines()
        .find(|line| line.contains(&day_before) && !line.contains("Wrote the report"))
        .unwrap_or_else(|| panic!("the job says why it wrote {day_before}: {stderr}"));
    assert!(
        !line.contains("did not run") && line.contains("before the first known collection"),
        "the day before the first collection, written for the records it holds: {line}"
    );
}
