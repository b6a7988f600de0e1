//! A database restored from an older backup, of an installation collecting France Travail by
//! day: each run, at the start of a day, collects the day before it (its `day`), and the
//! report counts it in that day, not in the day it ran.

mod common;

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use common::installation::Installation;

const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "offres"
kind = "france_travail"
url = "http://127.0.0.1:9"
every = "1d"
key = "id"
time = "dateCreation"
"#;

/// Lands the run of `offres` started at `started` collecting `day` (a dozen offers created
/// that day), with its metrics, as the collector writes them.
fn land_day(raw: &Path, started: DateTime<Utc>, day: NaiveDate) {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let offers: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            let created = midnight + TimeDelta::hours(2 * i) + TimeDelta::minutes(7);
            serde_json::json!({
                "id": format!("{day}-{i}"),
                "dateCreation": created.format("%Y-%m-%dT%H:%M:%S.000Z").to_string(),
            })
        })
        .collect();
    let body = serde_json::to_vec(&offers).expect("JSON");
    let name = releve::rawfile::land(raw, "offres", started, &body).expect("landed");
    let metrics = serde_json::json!({
        "source": "offres", "kind": "france_travail", "file": name.file_name(),
        "started": started, "finished": started + TimeDelta::minutes(1), "duration_ms": 60_000,
        "http_calls": 3, "retries": 0, "throttled": 0, "announced": 12,
        "records": 12, "coverage": null, "shortfall": 0, "error": null,
        "day": day.to_string(), "every_s": 86_400,
    });
    releve::rawfile::write_metrics(raw, &name, &serde_json::to_vec(&metrics).expect("JSON"))
        .expect("metrics");
}

/// The run at the start of `day + 1`, collecting `day`.
fn land_run_of(raw: &Path, day: NaiveDate) {
    let started = (day + TimeDelta::days(1))
        .and_hms_opt(0, 0, 30)
        .expect("time")
        .and_utc();
    land_day(raw, started, day);
}

/// France Travail collected daily. The backup is taken after the run of three days ago
/// (collecting the day before it); the runs of the next two days (collecting the days before
/// yesterday and the day before that) are summarised; the server dies and the backup is
/// restored. This morning's run, collecting yesterday, waited in `raw/` and is stored after the
/// summariser said the restore. Yesterday's collection is in the database, run and offers
/// alike, yet the report of yesterday says on its cover that "this period's collections and
/// records of that stretch are missing from this report", and its completeness table reads
/// `–` ("MongoDB lost the runs of this period of offres"): the lost stretch ends with the run started at yesterday's midnight, which collected
/// the day before yesterday, and the report counts France Travail runs by the day they
/// collected.
#[tokio::test(flavor = "multi_thread")]
async fn a_day_collected_after_the_runs_lost_is_not_said_lost_in_its_report() {
    let install = Installation::new("restored-by-day", CONFIG);
    let raw = install.raw();
    let today = Utc::now().date_naive();
    let day = |back: i64| today - TimeDelta::days(back);
    for back in (4..=8).rev() {
        land_run_of(&raw, day(back));
    }
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    // The runs of the two days after the backup, summarised as they land.
    land_run_of(&raw, day(3));
    install.summarise();
    land_run_of(&raw, day(2));
    install.summarise();

    // The server dies; the backup is restored. This morning's run waited in raw/.
    install.copy(&backup, &install.database).await;
    land_run_of(&raw, day(1));
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    let yesterday = day(1).to_string();
    let printed = common::analyser_ok(
        install.root(),
        &[
            "--mongodb-uri",
            &install.uri,
            "--database",
            &install.database,
            "--raw-dir",
            "raw",
            "--date",
            &yesterday,
        ],
    );
    let text = common::flat(&common::text(Path::new(printed.trim())));
    assert!(
        !text.contains("missing from this report")
            && !text.contains("MongoDB lost the runs of this period"),
        "the report of {yesterday}, whose collection (the run at {today}'s midnight) and offers \
         the database holds, says they are missing from it, their figures not known: the runs lost end \
         with the run that collected {}.\nreport: {text}",
        day(2)
    );
    // The day before, collected by a run lost, is said so.
    let lost_day = day(2).to_string();
    let printed = common::analyser_ok(
        install.root(),
        &[
            "--mongodb-uri",
            &install.uri,
            "--database",
            &install.database,
            "--raw-dir",
            "raw",
            "--date",
            &lost_day,
        ],
    );
    let text = common::flat(&common::text(Path::new(printed.trim())));
    assert!(
        text.contains("missing from this report"),
        "the report of {lost_day}, collected by a run the database lost: {text}"
    );
}

/// The same restore, read on the day collected by the last run the backup holds: the run at the
/// start of the day after it collected it, and the database holds that run and its offers. Its
/// report must not say them missing: the runs lost began after that run, with the run at the
/// next day's start, which collected the next day.
#[tokio::test(flavor = "multi_thread")]
async fn the_day_collected_by_the_last_run_the_backup_holds_is_not_said_lost() {
    let install = Installation::new("restored-by-day-held", CONFIG);
    let raw = install.raw();
    let today = Utc::now().date_naive();
    let day = |back: i64| today - TimeDelta::days(back);
    for back in (4..=8).rev() {
        land_run_of(&raw, day(back));
    }
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    land_run_of(&raw, day(3));
    install.summarise();
    land_run_of(&raw, day(2));
    install.summarise();
    install.copy(&backup, &install.database).await;
    land_run_of(&raw, day(1));
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    // The backup's last run, started at the start of day(3), collected day(4).
    let held_day = day(4).to_string();
    let printed = common::analyser_ok(
        install.root(),
        &[
            "--mongodb-uri",
            &install.uri,
            "--database",
            &install.database,
            "--raw-dir",
            "raw",
            "--date",
            &held_day,
        ],
    );
    let text = common::flat(&common::text(Path::new(printed.trim())));
    assert!(
        !text.contains("missing from this report")
            && !text.contains("MongoDB lost the runs of this period"),
        "the report of {held_day}, collected by the run at {}'s start that the restored backup \
         holds (with its offers), says its collections and records missing: the stretch lost \
         (after that run) is shifted back a whole day for France Travail, reaching into the day \
         that run collected.\nreport: {text}",
        day(3)
    );
}

/// A laptop asleep for three days catches France Travail up when it wakes this morning, one
/// day a run, newest first (the collector's `catch_up`): the run at 08:00 collects yesterday,
/// the next ones the two days before. The database is copied after the first; the other two are
/// summarised; the database is restored from the copy. The runs lost collected the days before
/// yesterday and before that, yet their reports do not say them lost (their offers are not in
/// the database, and the collector, which landed them, does not collect them again): the report
/// takes each run lost to have collected the day before it started.
#[tokio::test(flavor = "multi_thread")]
async fn the_days_a_catch_up_collected_in_runs_a_restore_lost_are_said_lost() {
    let install = Installation::new("restored-by-day-catch-up", CONFIG);
    let raw = install.raw();
    let today = Utc::now().date_naive();
    let day = |back: i64| today - TimeDelta::days(back);
    for back in (4..=8).rev() {
        land_run_of(&raw, day(back));
    }
    install.summarise();
    // Asleep from day(3) to this morning; at 08:00, yesterday first.
    let morning = today.and_hms_opt(8, 0, 0).expect("time").and_utc();
    let morning = morning.min(Utc::now() - TimeDelta::minutes(40));
    land_day(&raw, morning, day(1));
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    land_day(&raw, morning + TimeDelta::minutes(15), day(2));
    install.summarise();
    land_day(&raw, morning + TimeDelta::minutes(30), day(3));
    install.summarise();

    install.copy(&backup, &install.database).await;
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );
    for lost_day in [day(2), day(3)] {
        let lost_day = lost_day.to_string();
        let printed = common::analyser_ok(
            install.root(),
            &[
                "--mongodb-uri",
                &install.uri,
                "--database",
                &install.database,
                "--raw-dir",
                "raw",
                "--date",
                &lost_day,
            ],
        );
        let text = common::flat(&common::text(Path::new(printed.trim())));
        assert!(
            text.contains("missing from this report"),
            "the report of {lost_day}, collected this morning by a catch-up run the restored \
             database lost (its offers gone), does not say so: a run lost is taken to have \
             collected the day before it started, not the day its metrics name.\nreport: {text}"
        );
    }
}
