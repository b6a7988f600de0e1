//! A database restored from last week's backup, of an installation that gained a source since
//! that backup was taken: the restored database holds the old source's runs up to the backup
//! and none of the new source's.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::installation::{self, Installation};
use mongodb::bson::Document;

const SOURCE: &str = r#"
[[source]]
name = "NAME"
kind = "http_json"
url = "http://127.0.0.1:9/NAME"
every = "1h"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
"#;

fn config(sources: &[&str]) -> String {
    let mut text = "[report]\ntimezone = \"UTC\"\n".to_owned();
    for name in sources {
        text.push_str(&SOURCE.replace("NAME", name));
    }
    text
}

/// Lands one collection of `source` at `at` (three events), with its metrics.
fn land(raw: &Path, source: &str, at: DateTime<Utc>) {
    let features: Vec<serde_json::Value> = (0..3)
        .map(|i| {
            let time = at - TimeDelta::minutes(10 * i + 1);
            serde_json::json!({
                "id": format!("{source}-{}-{i}", at.format("%Y%m%d%H")),
                "properties": {"time": time.timestamp_millis(), "mag": 1.0 + i as f64},
            })
        })
        .collect();
    installation::land(raw, source, at, features, 3600);
}

fn land_hourly(raw: &Path, source: &str, from: DateTime<Utc>, until: DateTime<Utc>) {
    let mut at = from;
    while at < until {
        land(raw, source, at);
        at += TimeDelta::hours(1);
    }
}

/// `quakes` collected hourly for three weeks; last week's backup taken at midnight; `tremors`
/// added three days ago (after that backup); the server dies and the backup is restored. The
/// restored database holds every run of `quakes` up to the backup, and no run of `tremors`.
/// The summariser's warning reads "MongoDB holds no run of `quakes`, `tremors` at all", and
/// the report of a day two weeks ago (before the backup, `quakes` held whole, `tremors` not yet
/// configured) says on its cover that its collections "of that stretch are missing from this
/// report", naming `quakes`: both false of `quakes`, whose stretch lost begins at the backup.
/// The user, told `quakes` kept no run at all, collects again as far back as runs are kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_added_after_the_backup_does_not_make_the_old_source_read_as_lost_at_all() {
    let install = Installation::new("restored-added-source", &config(&[]));
    let now = Utc::now();
    let backup_at = (now - TimeDelta::days(7))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let raw = install.raw();
    install.configure(&config(&["quakes"]));
    land_hourly(&raw, "quakes", backup_at - TimeDelta::days(14), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;

    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    land_hourly(&raw, "quakes", backup_at, this_hour);
    install.summarise();
    // `tremors` added three days ago, as a new table.
    install.configure(&config(&["quakes", "tremors"]));
    land_hourly(&raw, "tremors", this_hour - TimeDelta::days(3), this_hour);
    install.summarise();

    // The server dies; last week's dump is restored.
    install.copy(&backup, &install.database).await;
    land(&raw, "quakes", now - TimeDelta::minutes(1));
    land(&raw, "tremors", now - TimeDelta::minutes(1));
    let summarised = install.summarise();
    let said = String::from_utf8_lossy(&summarised.stderr).into_owned();
    let warning = said
        .lines()
        .find(|line| line.contains("restored from an older backup"))
        .unwrap_or_default()
        .to_owned();
    assert!(!warning.is_empty(), "the restore is said: {said}");

    // A day before the backup: `quakes` held whole, `tremors` not configured yet.
    let whole_day = (backup_at - TimeDelta::days(7)).date_naive().to_string();
    let cover = install.report_text(&["--date", &whole_day]);
    let cover_blames_quakes = cover.contains("missing from this report, not uncollected");
    let warning_blames_quakes =
        warning.contains("`quakes` at all") || warning.contains("`quakes`, `tremors` at all");
    assert!(
        !warning_blames_quakes && !cover_blames_quakes,
        "the restored database holds quakes' runs up to the backup ({backup_at}), yet quakes is \
         said to hold no run at all, and the report of {whole_day}, a day it holds whole, says \
         quakes' collections of the stretch are missing from it.\nsummariser: {warning}\n\
         cover: {cover}"
    );
}

/// Runs the summariser of the installation whose folder is now `root` (moved there).
fn summarise_in(install: &Installation, root: &Path) -> Output {
    let _forking = common::writing_or_forking();
    let output = Command::new(testkit::binary("summariser"))
        .current_dir(root)
        .args([
            "--mongodb-uri",
            &install.uri,
            "--database",
            &install.database,
        ])
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "info")
        .output()
        .expect("summariser runs");
    assert!(
        output.status.success(),
        "summariser: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The sentence of `cover` saying runs were lost, up to what it says of them.
fn lost_sentence(cover: &str) -> String {
    let from = cover.find("MongoDB holds no run").unwrap_or(cover.len());
    let to = cover[from..]
        .find("missing from this report")
        .map_or(cover.len(), |at| from + at);
    cover[from..to].to_owned()
}

/// `quakes` collected hourly; last Monday's backup restored; the summariser says it and keeps
/// the stretch in `installation.lost_runs`, "for good" for the reports. The checkout is then
/// moved (`mv ~/releve ~/projects/releve`, or the raw folder copied to a new disk): the next
/// summariser run updates the database's `installation` document to the new place, replacing
/// it whole, and `lost_runs` is gone with it. The report of a day of the lost stretch then says
/// nothing of the stretch lost: its empty hours read as never collected, and `--if-missing`
/// no longer keeps the reports written from the database whole.
#[tokio::test(flavor = "multi_thread")]
async fn moving_the_checkout_after_a_restore_keeps_the_lost_stretch_on_the_reports() {
    let install = Installation::new("restored-then-moved", &config(&[]));
    let now = Utc::now();
    let backup_at = (now - TimeDelta::days(3))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let raw = install.raw();
    install.configure(&config(&["quakes"]));
    land_hourly(&raw, "quakes", backup_at - TimeDelta::days(3), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    land_hourly(&raw, "quakes", backup_at, this_hour);
    install.summarise();

    // The server dies; the backup is restored; the next run says it.
    install.copy(&backup, &install.database).await;
    land(&raw, "quakes", now - TimeDelta::minutes(2));
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    // The checkout moves.
    let moved = tempfile::tempdir().expect("temp dir");
    for entry in ["raw", "reports", "sources.toml"] {
        std::fs::rename(install.root().join(entry), moved.path().join(entry)).expect("moved");
    }
    land(
        &moved.path().join("raw"),
        "quakes",
        now - TimeDelta::minutes(1),
    );
    summarise_in(&install, moved.path());
    let client = mongodb::Client::with_uri_str(&install.uri)
        .await
        .expect("client");
    let named = client
        .database(&install.database)
        .collection::<Document>("installation")
        .find_one(mongodb::bson::doc! {"_id": "summariser"})
        .await
        .expect("find")
        .expect("named");
    assert!(
        named.contains_key("lost_runs"),
        "the summariser's run from the moved checkout replaced the installation document \
         (its new place) and dropped lost_runs: {named}"
    );

    // A day of the stretch lost.
    let lost_day = (backup_at + TimeDelta::days(1)).date_naive().to_string();
    let printed = common::analyser_ok(
        moved.path(),
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
    let cover = common::flat(&common::text(Path::new(printed.trim())));
    assert!(
        cover.contains("missing from this report, not uncollected"),
        "the report of {lost_day}, a day whose runs the restored database lost, no longer says \
         so once the checkout moved (the summariser's update of installation's place dropped \
         lost_runs).\ncover: {cover}"
    );
}

/// `quakes` and `meteo` collected hourly; `meteo` stopped two days after last week's backup (its
/// credentials expired, or `enabled = false`), `quakes` went on. The backup is restored. The
/// report of yesterday, a day `meteo` had no run in, says on its cover that `meteo`'s
/// collections and records of the stretch lost are missing from it, "not uncollected": false,
/// `meteo` was not collected that day, and the user is sent to collect it again. Its runs lost
/// end at its own newest run noted, not at the newest of every source.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_after_a_source_stopped_does_not_say_its_collections_were_lost() {
    let install = Installation::new("restored-stopped-source", &config(&[]));
    let now = Utc::now();
    let backup_at = (now - TimeDelta::days(6))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let stopped_at = backup_at + TimeDelta::days(2);
    let raw = install.raw();
    install.configure(&config(&["quakes", "meteo"]));
    for source in ["quakes", "meteo"] {
        land_hourly(&raw, source, backup_at - TimeDelta::days(2), backup_at);
    }
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    land_hourly(&raw, "meteo", backup_at, stopped_at);
    land_hourly(&raw, "quakes", backup_at, this_hour);
    install.summarise();

    install.copy(&backup, &install.database).await;
    land(&raw, "quakes", now - TimeDelta::minutes(1));
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    // Yesterday: `quakes` lost its runs of it, `meteo` had none (stopped days before).
    let yesterday = (this_hour - TimeDelta::days(1)).date_naive().to_string();
    let cover = install.report_text(&["--date", &yesterday]);
    let sentence = lost_sentence(&cover);
    assert!(
        sentence.contains("quakes") && !sentence.contains("meteo"),
        "the report of {yesterday} says meteo's collections of it are missing, not \
         uncollected, though meteo's runs lost end at {stopped_at}, days before.\n\
         said: {sentence}"
    );
}

/// `quakes` collected every hour; the backup of four days ago restored. The report of a day of
/// the stretch lost says on its cover that its collections "are missing from this report, not
/// uncollected", then, further down the same cover and in its completeness section, that
/// `quakes` "missed a tenth or more of the collections expected (0 landed of 24)" and "was the
/// collector, or its machine, stopped?": the very question the restored database used to raise
/// of days the collector ran every hour, now beside the line saying it did not stop.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_of_a_day_the_restored_database_lost_does_not_ask_whether_the_collector_was_stopped()
 {
    let install = Installation::new("restored-lost-day-stopped", &config(&[]));
    let now = Utc::now();
    let backup_at = (now - TimeDelta::days(4))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let raw = install.raw();
    install.configure(&config(&["quakes"]));
    land_hourly(&raw, "quakes", backup_at - TimeDelta::days(2), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    land_hourly(&raw, "quakes", backup_at, this_hour);
    install.summarise();

    install.copy(&backup, &install.database).await;
    land(&raw, "quakes", now - TimeDelta::minutes(1));
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    let lost_day = (backup_at + TimeDelta::days(1)).date_naive().to_string();
    let text = install.report_text(&["--date", &lost_day]);
    assert!(
        text.contains("missing from this report, not uncollected"),
        "the cover says the day's collections are missing from the report: {text}"
    );
    assert!(
        !text.contains("was the collector, or its machine, stopped?")
            && !text.contains("missed a tenth or more of the collections expected"),
        "the report of {lost_day}, a day quakes was collected every hour (its runs lost with \
         the restore), says the collector may have been stopped and quakes missed its \
         collections, beside its cover's line saying they are missing from the report, not \
         uncollected.\nreport: {text}"
    );
}

/// Runs the analyser's report of `day` for `install`, returning its text, flattened.
fn report_text(install: &Installation, day: &str) -> String {
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
            day,
        ],
    );
    common::flat(&common::text(Path::new(printed.trim())))
}

/// `quakes` collected every hour, without a gap; the backup of three days ago restored while
/// the collector went on. The report of the day the stretch lost ends in counts its collections
/// from the stretch's end, the stretch's own last run among them: that run, which ran and
/// landed (its records lost with the restore), is said not to have run ("1 collection of …
/// expected did not run"), though the cover says the stretch's collections are missing from the
/// report, not uncollected.
#[tokio::test(flavor = "multi_thread")]
async fn the_last_run_of_the_stretch_lost_is_not_said_to_have_not_run() {
    let install = Installation::new("restored-last-run-missed", &config(&[]));
    let now = Utc::now();
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    // A day wholly past, so that the report of it is of a whole day.
    let day_start = (this_hour - TimeDelta::days(2))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let backup_at = day_start - TimeDelta::days(1);
    // The newest run the database held before the restore: noon of that day.
    let last_lost = day_start + TimeDelta::hours(12);
    let raw = install.raw();
    install.configure(&config(&["quakes"]));
    land_hourly(&raw, "quakes", backup_at - TimeDelta::days(1), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    land_hourly(&raw, "quakes", backup_at, last_lost + TimeDelta::hours(1));
    install.summarise();

    // The server dies at half past noon; the backup is restored; the collector went on.
    install.copy(&backup, &install.database).await;
    land_hourly(&raw, "quakes", last_lost + TimeDelta::hours(1), this_hour);
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    let day = day_start.date_naive().to_string();
    let text = report_text(&install, &day);
    assert!(
        text.contains("missing from this report, not uncollected"),
        "the cover says the day's collections lost are missing from the report: {text}"
    );
    assert!(
        !text.contains("expected did not run"),
        "the report of {day} counts quakes' collections from {last_lost}, the last run of the \
         stretch lost, and says that run did not run: it ran every hour, that run's records \
         lost with the restore.\nreport: {text}"
    );
}

/// The Expected and Landed figures of `source` in the completeness table of `text`.
fn expected_and_landed(text: &str, source: &str) -> (u64, u64) {
    let table = text
        .find("429s without data")
        .map(|at| &text[at..])
        .unwrap_or_default();
    let row = table
        .find(&format!(" {source} "))
        .map(|at| &table[at..])
        .unwrap_or_default();
    let numbers: Vec<u64> = row
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .take(2)
        .collect();
    assert_eq!(numbers.len(), 2, "the table's row of {source}: {row}");
    (numbers[0], numbers[1])
}

/// `quakes` collected every hour but for six hours in the morning (the collector's machine
/// down from 04:00 to 10:00); the backup taken at noon the same day; the database restored in
/// the evening. The report of that day counts its collections from the stretch lost's end
/// only, though the database holds the morning's runs, which it counts as landed: the table
/// says more landed than expected, and the six hours the collector was down, in runs the
/// database kept, are not said.
#[tokio::test(flavor = "multi_thread")]
async fn a_day_begun_before_the_stretch_lost_still_counts_the_runs_the_database_kept() {
    let install = Installation::new("restored-after-outage", &config(&[]));
    let now = Utc::now();
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    let day_start = (this_hour - TimeDelta::days(2))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let backup_at = day_start + TimeDelta::hours(12);
    let last_lost = day_start + TimeDelta::hours(18);
    let raw = install.raw();
    install.configure(&config(&["quakes"]));
    land_hourly(
        &raw,
        "quakes",
        day_start - TimeDelta::days(1),
        day_start + TimeDelta::hours(4),
    );
    // The collector's machine down from 04:00 to 10:00.
    land_hourly(&raw, "quakes", day_start + TimeDelta::hours(10), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    land_hourly(&raw, "quakes", backup_at, last_lost + TimeDelta::hours(1));
    install.summarise();

    install.copy(&backup, &install.database).await;
    land_hourly(&raw, "quakes", last_lost + TimeDelta::hours(1), this_hour);
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    let day = day_start.date_naive().to_string();
    let text = report_text(&install, &day);
    let (expected, landed) = expected_and_landed(&text, "quakes");
    assert!(
        landed <= expected,
        "the report of {day} counts quakes' collections from {last_lost}, where its stretch \
         lost ends, though the database holds its runs of the morning (before the backup at \
         {backup_at}), counted as landed: {landed} landed of {expected} expected, and the six \
         hours the collector was down that morning go unsaid.\nreport: {text}"
    );
}

/// `quakes` collected once a day, at midnight on the reports' clock; the backup taken in the
/// night of the day before yesterday, the database restored this morning. The run lost last
/// is yesterday's, at midnight: the start of yesterday's report, which counts the stretch lost
/// as ending there, before its period, so its cover says nothing of the loss and its
/// completeness says yesterday's collection did not run ("was the collector stopped?").
#[tokio::test(flavor = "multi_thread")]
async fn a_daily_source_whose_last_run_lost_is_at_midnight_is_not_said_to_have_missed_that_day() {
    let daily = config(&["quakes"]).replace("every = \"1h\"", "every = \"1d\"");
    let install = Installation::new("restored-daily-midnight", &daily);
    let now = Utc::now();
    let today = now.duration_trunc(TimeDelta::days(1)).expect("midnight");
    let yesterday = today - TimeDelta::days(1);
    let raw = install.raw();
    let land_daily = |at: DateTime<Utc>| {
        let features: Vec<serde_json::Value> = (0..3)
            .map(|i| {
                let time = at - TimeDelta::minutes(10 * i + 1);
                serde_json::json!({
                    "id": format!("quakes-{}-{i}", at.format("%Y%m%d")),
                    "properties": {"time": time.timestamp_millis(), "mag": 1.0 + i as f64},
                })
            })
            .collect();
        installation::land(&raw, "quakes", at, features, 86_400);
    };
    for days in (2..6).rev() {
        land_daily(today - TimeDelta::days(days));
    }
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    land_daily(yesterday);
    install.summarise();

    install.copy(&backup, &install.database).await;
    land_daily(today);
    let said = install.summarise();
    assert!(
        String::from_utf8_lossy(&said.stderr).contains("restored from an older backup"),
        "the restore is said"
    );

    let day = yesterday.date_naive().to_string();
    let text = report_text(&install, &day);
    assert!(
        // Its row, not the legend, which explains "none landed".
        !text.contains("expected did not run") && !text.contains("quakes none landed"),
        "the report of {day} says quakes' collection of that day, at {yesterday}, did not run: \
         it ran and was lost with the restore, the stretch lost ending at that run, at the \
         period's start.\nreport: {text}"
    );
}
