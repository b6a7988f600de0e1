//! A database restored from an older backup, its runs lost noted under a source's name, then
//! that source renamed as the README's "Changing a source" says, its history carried over with
//! the README's mongosh (see `common::renaming`).

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::installation::{self, Installation};

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

/// One collection of `source` at `at`: a reading ten minutes before.
fn collect(raw: &Path, source: &str, at: DateTime<Utc>) {
    let time = at - TimeDelta::minutes(10);
    let reading = serde_json::json!({
        "id": format!("t-{}", time.format("%Y%m%d%H%M")),
        "properties": {"time": time.timestamp_millis(), "temp": 12.5},
    });
    installation::land(raw, source, at, vec![reading], 3600);
}

fn collect_hourly(raw: &Path, source: &str, from: DateTime<Utc>, until: DateTime<Utc>) {
    let mut at = from;
    while at < until {
        collect(raw, source, at);
        at += TimeDelta::hours(1);
    }
}

/// Yesterday's runs lost to a restore of the day before's backup, noted under `meteo-compan`;
/// the source then renamed `meteo-compans`, its history carried over. The note kept the old
/// name: the report of yesterday named `meteo-compan`, a source it no longer knows, and left
/// the new name's stretch unexplained. It names the new one.
#[tokio::test(flavor = "multi_thread")]
async fn a_stretch_lost_to_a_restore_follows_the_source_renamed() {
    let install = Installation::new("renamed-after-restore", &config(&[table(OLD, true)]));
    let raw = install.raw();
    let today = Utc::now().duration_trunc(TimeDelta::days(1)).expect("day");
    let yesterday = today - TimeDelta::days(1);
    collect_hourly(&raw, OLD, yesterday - TimeDelta::days(1), yesterday);
    install.summarise();
    let backup = format!("{}_backup", install.database);
    install.copy(&install.database, &backup).await;
    collect_hourly(&raw, OLD, yesterday, today);
    install.summarise();
    install.copy(&backup, &install.database).await;
    collect(&raw, OLD, today + TimeDelta::minutes(1));
    let restored = install.summarise();
    let said = String::from_utf8_lossy(&restored.stderr);
    assert!(said.contains("restored from an older backup"), "{said}");

    install.configure(&config(&[table(OLD, false), table(NEW, true)]));
    collect(&raw, NEW, today + TimeDelta::minutes(2));
    install.summarise();
    install.configure(&config(&[table(NEW, true)]));
    let db = install.db().await;
    common::renaming::carry_over(&db, OLD, NEW).await;
    let resummarised = Command::new(testkit::binary("summariser"))
        .current_dir(install.root())
        .args(["--mongodb-uri", &install.uri])
        .args(["--database", &install.database, "--resummarise", NEW])
        .env_remove("MONGODB_URI")
        .output()
        .expect("summariser runs");
    assert!(
        resummarised.status.success(),
        "{}",
        String::from_utf8_lossy(&resummarised.stderr)
    );
    std::fs::remove_dir_all(raw.join(OLD)).expect("rm -r raw/meteo-compan");

    let report = install.report_text(&["--date", &yesterday.date_naive().to_string()]);
    let names_old = report
        .match_indices(OLD)
        .any(|(at, _)| !report[at + OLD.len()..].starts_with('s'));
    assert!(
        report.contains("missing from this report") && report.contains(NEW) && !names_old,
        "yesterday's stretch lost is said of the new name alone: {report}"
    );
}
