//! A student who, after two weeks of collecting, renames a source (a typo: `meteo-compan` to
//! `meteo-compans`) as the README's "Changing a source" says: the new table added, the old one
//! `enabled = false`, its waiting files taken by the summariser's next run, then its history
//! carried over to the new name with the README's mongosh and `summariser --resummarise`, and
//! the old table and folder removed. Reports and `analyser status` then know one source.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::installation::{self, Installation};
use futures_util::TryStreamExt;
use mongodb::bson::{Document, doc};

const OLD: &str = "meteo-compan";
const NEW: &str = "meteo-compans";

fn table(name: &str, enabled: bool) -> String {
    format!(
        r#"
[[source]]
name = "{name}"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "1h"
enabled = {enabled}
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.temp"]
"#
    )
}

fn config(tables: &[String]) -> String {
    format!("[report]\ntimezone = \"UTC\"\n{}", tables.concat())
}

/// One collection of `source` at `at`: the readings of the two hours before it, one each 20
/// minutes, so each reading is served by two collections (and the new name's first collection
/// serves again the old name's last hour).
fn collect(raw: &Path, source: &str, at: DateTime<Utc>) {
    let hour = at.duration_trunc(TimeDelta::hours(1)).expect("hour");
    let features = (0..6)
        .map(|i| {
            let time = hour - TimeDelta::minutes(20 * (i + 1));
            serde_json::json!({
                "id": format!("t-{}", time.format("%Y%m%d%H%M")),
                "properties": {"time": time.timestamp_millis(), "temp": 10.0 + i as f64},
            })
        })
        .collect();
    installation::land(raw, source, at, features, 3600);
}

fn said(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Whether `text` names the old source anywhere (not as the start of the new name).
fn names_old(text: &str) -> bool {
    text.match_indices(OLD)
        .any(|(at, _)| !text[at + OLD.len()..].starts_with('s'))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_source_renamed_as_the_readme_says_keeps_its_history_under_its_new_name() {
    renamed_and_carried_over("renamed-source", true).await;
}

/// The same, the history carried over while the old table is still there (`enabled = false`),
/// as a student would before tidying `sources.toml`: the summariser's next run said "MongoDB
/// holds no run of `meteo-compan` at all … the database was restored from an older backup",
/// `analyser status` exited 1 saying so for a day, and the reports of the stretch say its
/// collections and records are missing, though every run is there, under the new name.
#[tokio::test(flavor = "multi_thread")]
async fn runs_carried_over_to_the_new_name_are_not_said_lost_to_a_restored_backup() {
    renamed_and_carried_over("renamed-source-in-place", false).await;
}

/// The rename, its history carried over once the old name's files were taken: the old table
/// removed before the mongosh when `removed_first`, after it otherwise.
async fn renamed_and_carried_over(label: &str, removed_first: bool) {
    let install = Installation::new(label, &config(&[table(OLD, true)]));
    let raw = install.raw();
    let this_hour = Utc::now()
        .duration_trunc(TimeDelta::hours(1))
        .expect("hour")
        - TimeDelta::hours(1);
    let first = this_hour - TimeDelta::hours(20) + TimeDelta::minutes(1);
    let renamed_at = this_hour - TimeDelta::hours(5) + TimeDelta::minutes(1);
    let mut at = first;
    while at < renamed_at {
        collect(&raw, OLD, at);
        at += TimeDelta::hours(1);
    }
    install.summarise();
    // The rename, as "Changing a source" says: the new table, the old one disabled; the old
    // name's last collection still waiting when the new name's first lands.
    collect(&raw, OLD, renamed_at);
    install.configure(&config(&[table(OLD, false), table(NEW, true)]));
    let mut at = renamed_at + TimeDelta::minutes(1);
    while at <= this_hour + TimeDelta::minutes(2) {
        collect(&raw, NEW, at);
        at += TimeDelta::hours(1);
    }
    install.summarise();

    // Its waiting files taken, its history carried over, the old table removed.
    if removed_first {
        install.configure(&config(&[table(NEW, true)]));
    }
    let db = install.db().await;
    common::renaming::carry_over(&db, OLD, NEW).await;
    let resummarised = Command::new(testkit::binary("summariser"))
        .current_dir(install.root())
        .args([
            "--mongodb-uri",
            &install.uri,
            "--database",
            &install.database,
        ])
        .args(["--resummarise", NEW])
        .env_remove("MONGODB_URI")
        .output()
        .expect("summariser runs");
    assert!(resummarised.status.success(), "{}", said(&resummarised));
    install.configure(&config(&[table(NEW, true)]));
    std::fs::remove_dir_all(raw.join(OLD)).expect("rm -r raw/meteo-compan");
    let summarised = install.summarise();
    let status = install.status();

    // Every hour from the old name's first reading on, three readings each, under the new name.
    let hours: Vec<Document> = db
        .collection::<Document>("hourly")
        .find(doc! {})
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("hours");
    let wrong: Vec<&Document> = hours
        .iter()
        .filter(|hour| {
            hour.get_str("source") != Ok(NEW)
                || !matches!(hour.get("count"), Some(c) if c.as_i64() == Some(3) || c.as_i32() == Some(3))
        })
        .collect();
    let runs = db
        .collection::<Document>("runs")
        .count_documents(doc! {"source": NEW})
        .await
        .expect("count");
    let today = this_hour.date_naive().to_string();
    let report = install.report_text(&["--date", &today]);
    assert!(
        hours.len() == 22 && wrong.is_empty() && runs == 22,
        "after carrying the history over, the new name holds 22 hours of 3 readings and 22 runs: \
         {} hours ({} wrong: {wrong:?}), {runs} runs",
        hours.len(),
        wrong.len()
    );
    assert!(
        status.status.success()
            && !names_old(&said(&status))
            && !names_old(&said(&summarised))
            && !names_old(&report),
        "nothing names the old source any more.\nstatus ({}): {}\nsummariser: {}\nreport: {report}",
        status.status,
        said(&status),
        said(&summarised)
    );
}
