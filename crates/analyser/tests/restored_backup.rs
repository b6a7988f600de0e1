//! A database restored from last week's backup (`mongodump` a week ago, `mongorestore` after
//! the server died), while the checkout's `raw/` and `reports/` kept everything since: the
//! week's files were summarised and deleted, the week's reports written from them.

mod common;

use std::path::Path;

use analyser::period::{PeriodKind, ReportPeriod};
use chrono::{DateTime, DurationRound, NaiveDate, TimeDelta, Utc};
use common::installation::{self, Installation};

const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "quakes"
kind = "http_json"
url = "http://127.0.0.1:9/quakes"
every = "1h"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
"#;

/// The three quakes of the hour whose collection landed at `at`.
fn quakes_of(at: DateTime<Utc>) -> Vec<serde_json::Value> {
    (0..3)
        .map(|i| {
            let time = at - TimeDelta::minutes(10 * i + 1);
            serde_json::json!({
                "id": format!("q{}-{i}", at.format("%Y%m%d%H")),
                "properties": {"time": time.timestamp_millis(), "mag": 1.0 + i as f64},
            })
        })
        .collect()
}

/// Lands one collection of `features` of `quakes` at `at`, as the collector writes them.
fn land(raw: &Path, at: DateTime<Utc>, features: Vec<serde_json::Value>) {
    installation::land(raw, "quakes", at, features, 3600);
}

/// Hourly collections from `from` up to (not including) `until`.
fn land_hourly(raw: &Path, from: DateTime<Utc>, until: DateTime<Utc>) {
    let mut at = from;
    while at < until {
        land(raw, at, quakes_of(at));
        at += TimeDelta::hours(1);
    }
}

/// The installation's timeline: three days collected hourly and summarised, the backup taken
/// (seven days ago, at midnight), a week collected hourly and summarised, its reports written
/// by cron's day job; then the server dies and the backup is restored. Returns the backup's
/// time and the texts of the reports as they were before the restore, by day.
async fn restored_a_week_later(
    install: &Installation,
) -> (DateTime<Utc>, Vec<(NaiveDate, String)>) {
    let now = Utc::now();
    let backup_at = (now - TimeDelta::days(7))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let raw = install.raw();
    land_hourly(&raw, backup_at - TimeDelta::days(1), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;

    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    // Up to the last hour: a status taken in the first minutes of an hour finds the source's
    // last collection an hour or two old, not behind.
    land_hourly(&raw, backup_at, this_hour);
    install.summarise();
    install.day_job();
    // Cron's summariser at the next hour's :05, after the day job's 04:15: nothing new.
    install.summarise();
    let status = install.status();
    assert!(
        status.status.success(),
        "before the restore, all is well: {}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let mut reports = Vec::new();
    let mut day = backup_at.date_naive();
    while day < now.date_naive() - TimeDelta::days(2) {
        let path = install.report(day);
        assert!(path.exists(), "cron's day job wrote {}", path.display());
        reports.push((day, common::flat(&common::text(&path))));
        day += TimeDelta::days(1);
    }

    // The server dies; IT restores last week's dump.
    install.copy(&backup, &install.database).await;
    (backup_at, reports)
}

/// After the restore nothing says that the database went back a week: the summariser's next
/// run (cron's) carries on without a word, and `analyser status` reads every source `ok` and
/// exits 0, though the week's runs and records the raw folder's files held, deleted once
/// stored, are gone from the database (the week report written next says "was the collector,
/// or its machine, stopped?" of days it collected every hour). The summariser's newest file
/// summarised (`summariser_progress`) is a week older than the raw folder's landings it
/// took; nothing in `raw/` keeps what was summarised, so nothing compares.
#[tokio::test(flavor = "multi_thread")]
async fn a_database_restored_from_last_weeks_backup_is_said_not_passed_over_in_silence() {
    let install = Installation::new("restored-said", CONFIG);
    let (backup_at, _) = restored_a_week_later(&install).await;
    // Cron's next collector run lands the hour, then the summariser runs.
    land(
        &install.raw(),
        Utc::now() - TimeDelta::minutes(1),
        quakes_of(Utc::now()),
    );
    let summarised = install.summarise();
    let said = String::from_utf8_lossy(&summarised.stderr).into_owned();
    let status = install.status();
    let status_said = format!(
        "{}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let summariser_warned = said.lines().any(|line| {
        line.contains("WARN")
            && line.contains("MongoDB holds no run of `quakes` after")
            && line.contains("restored from an older backup")
    });
    assert!(
        summariser_warned
            && !status.status.success()
            && status_said.contains("restored from an older backup"),
        "the database holds no run nor record of the week since {backup_at} that this raw folder \
         landed and the summariser stored (and deleted): neither the summariser nor status says \
         so.\nsummariser: {said}\nstatus ({}): {status_said}",
        status.status
    );
    // A report of a day of the stretch, asked for by hand, says what it lacks and why.
    let lost_day = (backup_at + TimeDelta::days(2)).date_naive().to_string();
    let cover = install.report_text(&["--date", &lost_day]);
    assert!(
        cover.contains("restored from an older backup")
            && cover.contains("missing from this report, not uncollected"),
        "{cover}"
    );
    // Said once by the summariser: its next run has nothing new to say.
    let again = install.summarise();
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("MongoDB holds no run of `quakes` after"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// The reports of the lost week, written by cron before the restore, are the only copy of its
/// data. Cron's next collection takes the API's week feed (records of the last days, as the
/// USGS `all_week` feed serves them) and the summariser stores those records again in their
/// hours, so `--if-missing` finds the hours "summarised since" and writes the reports again
/// from the restored database: a day that read 72 records, 24 of 24 collections landed, now
/// reads "was the collector, or its machine, stopped?" and 0 landed of 24, replacing
/// the good report ("replacing the report written before: hours of the period were
/// summarised since"). The README's `--if-missing` promises a report is written again when its
/// period "gained or changed hours"; here it lost its runs.
#[tokio::test(flavor = "multi_thread")]
async fn reports_written_before_a_backup_was_restored_are_not_replaced_by_ones_missing_the_lost_week()
 {
    let install = Installation::new("restored-reports", CONFIG);
    let (_, before) = restored_a_week_later(&install).await;
    // Cron's next collector run: the week feed, with the records of the last four days.
    let now = Utc::now();
    let mut features = Vec::new();
    let mut at = (now - TimeDelta::days(4))
        .duration_trunc(TimeDelta::hours(1))
        .expect("hour");
    while at < now - TimeDelta::hours(1) {
        features.extend(quakes_of(at));
        at += TimeDelta::hours(1);
    }
    land(&install.raw(), now - TimeDelta::minutes(1), features);
    install.summarise();
    install.day_job();
    for (day, text) in &before {
        let after = common::flat(&common::text(&install.report(*day)));
        assert!(
            !after.contains("was the collector, or its machine, stopped?")
                || text.contains("was the collector, or its machine, stopped?"),
            "the report of {day}, written when the database held its runs, was replaced by one \
             from the restored database:\nbefore: {text}\n\nafter: {after}"
        );
    }
}

/// The restore is done at 00:10, cron's day job runs at 00:15 and the summariser, which tells
/// the restore, only at 01:05: the day job writes yesterday's report from the restored
/// database, which lacks the day (no record, no run, its cover saying nothing of a restore).
/// Once the stretch is collected again (the API's week feed) and summarised, `--if-missing`
/// takes that report for one "written before MongoDB lost runs of the period" (it was written
/// before the restore was *noticed*) and leaves it as it is, for good: the report reads a
/// day without data, said nowhere to be the restore's, though the database now holds its
/// records again.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_written_from_the_restored_database_before_the_restore_was_noticed_is_not_kept_for_good()
 {
    let install = Installation::new("restored-between", CONFIG);
    restored_a_week_later(&install).await;
    let now = Utc::now();
    // The day whose report its day job wrote: yesterday, or the day before when run before
    // 02:00 UTC, whose jobs still report the day before (the analyser's own choice, asked).
    let yesterday = ReportPeriod::asked(PeriodKind::Day, None, chrono_tz::UTC, now).1;
    // Cron's day job after the restore, before the summariser's next run: yesterday's report
    // is written then (removed here, as if its day had just ended).
    std::fs::remove_file(install.report(yesterday)).expect("yesterday's report");
    install.day_job();
    let from_restored = common::flat(&common::text(&install.report(yesterday)));
    assert!(
        !from_restored.contains("restored from an older backup"),
        "{from_restored}"
    );
    // The summariser's next run tells the restore; the week feed collected since brings the
    // last four days' records back.
    let mut features = Vec::new();
    let mut at = (now - TimeDelta::days(4))
        .duration_trunc(TimeDelta::hours(1))
        .expect("hour");
    while at < now - TimeDelta::hours(1) {
        features.extend(quakes_of(at));
        at += TimeDelta::hours(1);
    }
    land(&install.raw(), now - TimeDelta::minutes(1), features);
    install.summarise();
    install.day_job();
    let after = common::flat(&common::text(&install.report(yesterday)));
    assert!(
        after.contains("restored from an older backup"),
        "the report of {yesterday}, written from the restored database before the summariser \
         noticed the restore, is kept as one holding what the database lost, though it holds \
         none of it, and says nothing of the restore:\nbefore: {from_restored}\n\nafter: {after}"
    );
}

/// Cron's day job writes yesterday's report at 04:15, from the whole database, ten minutes
/// after the summariser's 04:05 run noted its newest runs; the server dies before the 05:05
/// run, and last week's backup is restored. Once the API's week feed brings the last days'
/// records back, `--if-missing` replaces the reports the 04:15 job wrote (24 of 24 collections
/// landed) with ones from the restored database ("was the collector, or its machine,
/// stopped?", 0 landed): they were written after the note, so they are not taken for reports
/// "written while the database was last seen whole", though nothing but the summariser's note
/// had changed between 04:05 and 04:15, and the database was whole until the server died.
#[tokio::test(flavor = "multi_thread")]
async fn reports_cron_wrote_after_the_summariser_run_before_the_server_died_are_not_replaced() {
    let install = Installation::new("restored-after-note", CONFIG);
    let now = Utc::now();
    let backup_at = (now - TimeDelta::days(7))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    let raw = install.raw();
    land_hourly(&raw, backup_at - TimeDelta::days(1), backup_at);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    land_hourly(&raw, backup_at, this_hour);
    // 04:05: the summariser; 04:15: the day job; the server dies before 05:05.
    install.summarise();
    install.day_job();
    let mut before = Vec::new();
    let mut day = backup_at.date_naive();
    while day < now.date_naive() - TimeDelta::days(2) {
        let path = install.report(day);
        assert!(path.exists(), "cron's day job wrote {}", path.display());
        before.push((day, common::flat(&common::text(&path))));
        day += TimeDelta::days(1);
    }
    install.copy(&backup, &install.database).await;

    // Cron's next collector run: the week feed, with the records of the last four days.
    let mut features = Vec::new();
    let mut at = (now - TimeDelta::days(4))
        .duration_trunc(TimeDelta::hours(1))
        .expect("hour");
    while at < now - TimeDelta::hours(1) {
        features.extend(quakes_of(at));
        at += TimeDelta::hours(1);
    }
    land(&install.raw(), now - TimeDelta::minutes(1), features);
    install.summarise();
    install.day_job();
    for (day, text) in &before {
        let after = common::flat(&common::text(&install.report(*day)));
        assert!(
            !after.contains("was the collector, or its machine, stopped?")
                || text.contains("was the collector, or its machine, stopped?"),
            "the report of {day}, written by the 04:15 job from the whole database before the \
             server died, was replaced by one from the restored database:\nbefore: {text}\n\n\
             after: {after}"
        );
    }
}
