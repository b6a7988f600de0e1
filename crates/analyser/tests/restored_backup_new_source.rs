//! A database restored from an older backup after the summariser died halfway through its
//! first run storing a source added to the configuration that day: the runs of that source it
//! stored are lost with the rest, but the source did not exist before its first run.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::installation::{self, Installation};

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

const TREMORS: &str = r#"
[[source]]
name = "tremors"
kind = "http_json"
url = "http://127.0.0.1:9/tremors"
every = "1h"
records = "features"
key = "id"
time = "properties.time"
"#;

/// Lands the collections of `source` every `every` from `from` up to (not including) `until`.
fn land_every(
    raw: &Path,
    source: &str,
    every: TimeDelta,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) {
    let mut at = from;
    while at < until {
        let features = vec![serde_json::json!({
            "id": format!("{source}-{}", at.format("%Y%m%d%H")),
            "properties": {"time": (at - TimeDelta::minutes(5)).timestamp_millis()},
        })];
        installation::land(raw, source, at, features, every.num_seconds());
        at += every;
    }
}

/// `quakes` collected every 6 hours for twelve days; the database copied (last night's
/// `mongodump`). This morning `tremors` is added; the summariser's run storing its first
/// collections dies (the machine loses power) once it has stored the first batch and deleted
/// one of its files, before the run's end. The database is restored from the copy.
///
/// The summariser rightly says the runs of `tremors` lost, but `raw/.summariser-newest-run`
/// was advanced during the dying run with `tremors` and no oldest run, so the stretch is taken
/// to begin 90 days back: the report of a day ten days ago, when `tremors` did not exist, says
/// on its cover that its collections and records are missing from the report.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_added_today_whose_runs_a_restore_lost_is_not_said_lost_in_the_weeks_before() {
    let install = Installation::new("restored-new-source", QUAKES);
    let raw = install.raw();
    let this_hour = Utc::now()
        .duration_trunc(TimeDelta::hours(1))
        .expect("hour");
    let six = TimeDelta::hours(6);
    let backup_at = this_hour - TimeDelta::hours(4);
    land_every(
        &raw,
        "quakes",
        six,
        backup_at - TimeDelta::days(12),
        backup_at,
    );
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;

    // `tremors` added; its first three hours landed; the run storing them dies halfway.
    install.configure(&format!("{QUAKES}{TREMORS}"));
    land_every(
        &raw,
        "tremors",
        TimeDelta::hours(1),
        this_hour - TimeDelta::hours(3),
        this_hour,
    );
    let died = {
        let _forking = common::writing_or_forking();
        Command::new(testkit::binary("summariser"))
            .current_dir(install.root())
            .args([
                "--mongodb-uri",
                &install.uri,
                "--database",
                &install.database,
            ])
            .env_remove("MONGODB_URI")
            .env("RELEVE_CRASH_AFTER", "file-deleted:1")
            .output()
            .expect("summariser runs")
    };
    assert!(!died.status.success(), "the summariser run died halfway");

    // The database restored from last night's copy; the next run says the runs lost.
    install.copy(&backup, &install.database).await;
    let said = install.summarise();
    let said = String::from_utf8_lossy(&said.stderr).into_owned();
    assert!(
        said.contains("of `tremors`"),
        "the runs of `tremors` lost are said:\n{said}"
    );

    let ten_days_ago = (this_hour - TimeDelta::days(10)).date_naive().to_string();
    let text = install.report_text(&["--date", &ten_days_ago]);
    assert!(
        !text.contains("of `tremors`") && !text.contains("missing from this report"),
        "the report of {ten_days_ago}, nine days before `tremors` was added, says the \
         collections and records of `tremors` missing from it (a stretch lost taken back 90 \
         days, the source noted mid-run without its oldest run):\n{text}"
    );
}
