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
    let text = install.report_text(&["--date", &yesterday]);
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
    let text = install.report_text(&["--date", &lost_day]);
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
    let text = install.report_text(&["--date", &held_day]);
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
        let text = install.report_text(&["--date", &lost_day]);
        assert!(
            text.contains("missing from this report"),
            "the report of {lost_day}, collected this morning by a catch-up run the restored \
             database lost (its offers gone), does not say so: a run lost is taken to have \
             collected the day before it started, not the day its metrics name.\nreport: {text}"
        );
    }
}

/// `quakes`, collected every 6 hours, with which the installation began.
const QUAKES: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "quakes"
kind = "http_json"
url = "http://127.0.0.1:9/quakes"
every = "6h"
records = "features"
key = "id"
time = "properties.time"
"#;

/// France Travail added to an installation that collected `quakes` alone: its first two runs
/// (collecting the days before) are summarised, then the server dies and last week's backup,
/// taken before France Travail was added, is restored. The summariser says the runs of
/// `offres` lost, and the raw folder noted them from its first run on. The next morning's run
/// is stored after the restore. The report of the day collected by France Travail's first run
/// (lost with its offers) says nothing of the loss: the days lost are counted from the
/// source's first collection the database holds, which is the run after the restore, so none
/// is found; the day reads as one before the source's first collection, its offers never
/// collected.
#[tokio::test(flavor = "multi_thread")]
async fn the_days_collected_by_the_first_runs_of_a_source_a_restore_lost_are_said_lost() {
    let install = Installation::new("restored-by-day-new-source", QUAKES);
    let raw = install.raw();
    let today = Utc::now().date_naive();
    let day = |back: i64| today - TimeDelta::days(back);
    let six = TimeDelta::hours(6);
    let mut at = day(9).and_hms_opt(0, 0, 0).expect("time").and_utc();
    while at < day(5).and_hms_opt(0, 0, 0).expect("time").and_utc() {
        let features = vec![serde_json::json!({
            "id": format!("q-{}", at.format("%Y%m%d%H")),
            "properties": {"time": (at - TimeDelta::minutes(5)).timestamp_millis()},
        })];
        common::installation::land(&raw, "quakes", at, features, six.num_seconds());
        at += six;
    }
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;

    // France Travail added: its first two runs, each summarised as it lands.
    let offres = CONFIG.replace("[report]\ntimezone = \"UTC\"\n", "");
    install.configure(&format!("{QUAKES}{offres}"));
    land_run_of(&raw, day(4));
    install.summarise();
    land_run_of(&raw, day(3));
    install.summarise();

    // The backup restored; the next run waited in raw/.
    install.copy(&backup, &install.database).await;
    land_run_of(&raw, day(2));
    let said = install.summarise();
    let said = String::from_utf8_lossy(&said.stderr).into_owned();
    assert!(
        said.contains("restored from an older backup") && said.contains("`offres`"),
        "the restore and the runs of `offres` lost are said:\n{said}"
    );

    let first_day = day(4).to_string();
    let text = install.report_text(&["--date", &first_day]);
    assert!(
        text.contains("missing from this report"),
        "the report of {first_day}, collected by the first run of `offres`, which the restored \
         database lost with its offers, does not say so (the days lost are looked for from the \
         first run the database holds, {}, after the restore):\n{text}",
        day(2)
    );
}

/// The run at the start of `day + 1`, collecting `day`, as relevé wrote France Travail's run
/// metrics before 30 November 2026: without `day` (such a run collected the UTC day before the
/// one it started, as the report reads it).
fn land_run_of_before_day_was_noted(raw: &Path, day: NaiveDate) {
    let started = (day + TimeDelta::days(1))
        .and_hms_opt(0, 0, 30)
        .expect("time")
        .and_utc();
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
        "records": 12, "coverage": null, "shortfall": 0, "error": null, "every_s": 86_400,
    });
    releve::rawfile::write_metrics(raw, &name, &serde_json::to_vec(&metrics).expect("JSON"))
        .expect("metrics");
}

/// An installation upgraded this week: the runs of France Travail stored before the upgrade
/// carry no `day` (runs are kept 90 days, so for weeks after the upgrade the backups and the
/// database hold such runs). The same restore as above: the backup's last run, at the start of
/// day(3), collected day(4), and the database holds it and its offers. The report of day(4)
/// says its collections and records missing, its table `–`: the days the database holds are
/// read from the runs' `day` alone, so a run without one (which the report otherwise reads
/// as the day before it started) holds no day, and day(4) reads as collected by a run lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_day_held_by_a_run_stored_before_runs_named_their_day_is_not_said_lost() {
    let install = Installation::new("restored-by-day-legacy", CONFIG);
    let raw = install.raw();
    let today = Utc::now().date_naive();
    let day = |back: i64| today - TimeDelta::days(back);
    for back in (4..=8).rev() {
        land_run_of_before_day_was_noted(&raw, day(back));
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

    let held_day = day(4).to_string();
    let text = install.report_text(&["--date", &held_day]);
    assert!(
        !text.contains("missing from this report")
            && !text.contains("MongoDB lost the runs of this period"),
        "the report of {held_day}, collected by the run at {}'s start that the restored backup \
         holds (with its offers, stored before runs carried `day`), says its collections and \
         records missing:\n{text}",
        day(3)
    );
}

/// The installation's report clock east of UTC, where a day starts the day before in UTC.
const AUCKLAND: &str = r#"
[report]
timezone = "Pacific/Auckland"

[[source]]
name = "offres"
kind = "france_travail"
url = "http://127.0.0.1:9"
every = "1d"
key = "id"
time = "dateCreation"
"#;

/// An installation in Auckland that began collecting France Travail five days before its
/// backup: its first run collected day(8), and the backup holds the runs up to the one that
/// collected day(4). The runs of the next two days are lost to the restore. The report of
/// day(9), the day before the source's first collection (no run of relevé ever collected it),
/// says on its cover that "this period's collections and records of that stretch are missing
/// from this report, not uncollected": `days_lost` takes the source's first collection
/// (`first_runs`, the start of its first day in Auckland: 11:00 UTC the day before) by its UTC
/// date, a day early. The same installation in UTC says nothing of the kind.
#[tokio::test(flavor = "multi_thread")]
async fn the_day_before_the_first_collection_is_not_said_lost_east_of_utc() {
    let install = Installation::new("restored-by-day-auckland", AUCKLAND);
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

    let before_first = day(9).to_string();
    let text = install.report_text(&["--date", &before_first]);
    assert!(
        !text.contains("missing from this report")
            && !text.contains("MongoDB lost the runs of this period"),
        "the report of {before_first}, the day before offres' first collection ({}), which no \
         run ever collected, says its collections and records missing, lost to the restore:\n{text}",
        day(8)
    );
}

/// The installation's report clock west of UTC, where a UTC midnight is the afternoon before.
const LOS_ANGELES: &str = r#"
[report]
timezone = "America/Los_Angeles"

[[source]]
name = "offres"
kind = "france_travail"
url = "http://127.0.0.1:9"
every = "1d"
key = "id"
time = "dateCreation"
"#;

/// An installation in Los Angeles collecting France Travail daily. The backup is taken after
/// the run that collected the Tuesday of the week before last; the runs collecting its
/// Wednesday and Thursday are summarised, then the backup is restored, and the runs of the
/// days after are stored. That week's report rightly says on its cover that "this period's
/// collections and records of that stretch are missing from this report, not uncollected", yet
/// it also names offres in red, as having "missed a tenth or more of the collections expected"
/// (3 landed of 4 expected: Thursday, lost, is counted as a collection missed). The same
/// installation in UTC (or in Auckland) reads 3 of 3, the days lost left uncounted: the last
/// day lost is handed to the count as its UTC midnight, the source counted from the next UTC
/// midnight, which in Los Angeles is the afternoon of the day lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_day_lost_to_a_restore_is_not_counted_missed_in_the_week_west_of_utc() {
    use chrono::Datelike;
    let install = Installation::new("restored-by-day-los-angeles", LOS_ANGELES);
    let raw = install.raw();
    let today = Utc::now().date_naive();
    // The Monday of the week before last: a week over.
    let monday = today
        - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()))
        - TimeDelta::days(14);
    let day = |i: i64| monday + TimeDelta::days(i);
    for i in -7..=1 {
        land_run_of(&raw, day(i));
    }
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    // Wednesday's and Thursday's collections, summarised as they land.
    for i in 2..=3 {
        land_run_of(&raw, day(i));
        install.summarise();
    }
    install.copy(&backup, &install.database).await;
    for i in 4..(today - monday).num_days() {
        land_run_of(&raw, day(i));
    }
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    let text = install.report_text(&["--date", &monday.to_string(), "--period", "week"]);
    assert!(
        text.contains("missing from this report"),
        "the days lost are said: {text}"
    );
    assert!(
        !text.contains("missed a tenth or more of the collections expected"),
        "the week of {monday} in Los Angeles names offres as missing collections, Thursday {} \
         (lost to the restore, said missing from the report) counted as a collection missed:\n{text}",
        day(3)
    );
}
