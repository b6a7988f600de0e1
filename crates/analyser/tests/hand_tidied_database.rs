//! A student tidying relevé's MongoDB by hand, as the README's "MongoDB documents (a stable
//! interface)" invites: a source removed from `sources.toml` has its documents deleted
//! (`deleteMany({source: …})` in `records`, `hourly` and `runs`), or the runs of a week a
//! buggy `key` produced are deleted. The installation's other sources run on.

mod common;

use std::path::Path;
use std::process::Output;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::installation::{self, Installation};
use mongodb::bson::{Document, doc};

const TWO_SOURCES: &str = r#"
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

[[source]]
name = "old-quakes"
kind = "http_json"
url = "http://127.0.0.1:9/old"
every = "15m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
"#;

/// The same, `old-quakes` removed.
const ONE_SOURCE: &str = r#"
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

/// Lands one collection of `source` at `at` (three events), with its metrics.
fn land(raw: &Path, source: &str, at: DateTime<Utc>, every_s: i64) {
    let features: Vec<serde_json::Value> = (0..3)
        .map(|i| {
            let time = at - TimeDelta::minutes(10 * i + 1);
            serde_json::json!({
                "id": format!("{source}-{}-{i}", at.format("%Y%m%d%H%M")),
                "properties": {"time": time.timestamp_millis(), "mag": 1.0 + i as f64},
            })
        })
        .collect();
    installation::land(raw, source, at, features, every_s);
}

/// Both sources collected for a day, summarised; `old-quakes` (every 15 minutes) ran last.
fn a_day_of_both(install: &Installation) -> DateTime<Utc> {
    let now = Utc::now();
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    let raw = install.raw();
    let mut at = this_hour - TimeDelta::hours(24);
    while at < this_hour {
        land(&raw, "quakes", at, 3600);
        at += TimeDelta::hours(1);
    }
    // Up to now, whatever the minute: its last run within its 15 minutes, not stale.
    let mut quarter = this_hour - TimeDelta::hours(24) + TimeDelta::minutes(1);
    while quarter < now {
        land(&raw, "old-quakes", quarter, 900);
        quarter += TimeDelta::minutes(15);
    }
    install.summarise();
    this_hour
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The student removes `old-quakes` from `sources.toml` and, in mongosh, deletes its documents
/// (`db.records.deleteMany({source: "old-quakes"})`, the same in `hourly` and `runs`), and its
/// emptied `raw/old-quakes/`. Cron's next collector run lands `quakes`' hour and the summariser
/// runs: it warns "MongoDB holds no run after …, though this raw folder's summariser stored
/// runs up to … in it: the database was restored from an older backup", keeps a `lost_runs`
/// stretch in `installation` for good, `analyser status` exits 1 saying the database was
/// restored, and every report of the stretch will say its records are missing — though
/// `quakes` lost nothing: the newest run of the database was `old-quakes`', deleted on purpose.
#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_removed_sources_runs_is_not_said_as_a_database_restored_from_a_backup() {
    let install = Installation::new("hand-removed-source", TWO_SOURCES);
    let this_hour = a_day_of_both(&install);
    let before = install.status();
    assert!(
        before.status.success(),
        "before the tidy, all is well: {}",
        said(&before)
    );

    install.configure(ONE_SOURCE);
    let db = install.db().await;
    for collection in ["records", "hourly", "runs"] {
        db.collection::<Document>(collection)
            .delete_many(doc! {"source": "old-quakes"})
            .await
            .expect("deleteMany");
    }
    std::fs::remove_dir_all(install.raw().join("old-quakes")).expect("rm -r raw/old-quakes");

    // Cron: the collector lands quakes' hour, the summariser runs, status.
    land(&install.raw(), "quakes", this_hour, 3600);
    let summarised = install.summarise();
    let summariser_said = String::from_utf8_lossy(&summarised.stderr).into_owned();
    let status = install.status();
    let installation = db
        .collection::<Document>("installation")
        .find_one(doc! {"_id": "summariser"})
        .await
        .expect("installation")
        .expect("named");
    assert!(
        !summariser_said.contains("restored from an older backup")
            && status.status.success()
            && !said(&status).contains("restored from an older backup")
            && !installation.contains_key("lost_runs"),
        "only a removed source's documents were deleted, on purpose; quakes' runs and records \
         are all there, yet the database is said restored from an older backup.\n\
         summariser: {summariser_said}\nstatus ({}): {}\ninstallation: {installation}",
        status.status,
        said(&status)
    );
}

/// The student renames `old-quakes` to `quakes` by hand: `source` updated in every collection,
/// `raw/old-quakes/` renamed `raw/quakes/`, the `[[source]]` name edited. Cron's collector had
/// landed a file a minute before, so the folder holds `old-quakes_….json` and its
/// `.metrics.json`. The summariser warns "Left alone a file not named as a landed file of this
/// source: … to have it summarised, name it as `expected` says", and `analyser status` says
/// "rename or move them". Renamed so, the data file is stored, but the metrics file is sent to
/// quarantine ("run metrics of source `old-quakes`, not of `quakes` whose folder holds them"):
/// its run is lost from `runs` (a report counts a collection missed) and status reads
/// QUARANTINED, exit 1, with nothing saying how to get it back.
#[tokio::test(flavor = "multi_thread")]
async fn a_renamed_sources_waiting_metrics_renamed_as_status_advises_are_stored_not_quarantined() {
    let install = Installation::new("hand-renamed-source", TWO_SOURCES);
    install.configure(ONE_SOURCE);
    // The last run under the old name, landed before the rename, waiting for the summariser.
    let at = Utc::now()
        .duration_trunc(TimeDelta::minutes(1))
        .expect("minute")
        - TimeDelta::minutes(1);
    let old = install.raw().join("old-quakes");
    land(&install.raw(), "old-quakes", at, 900);
    std::fs::rename(&old, install.raw().join("quakes")).expect("mv raw/old-quakes raw/quakes");

    let first = install.summarise();
    let status = install.status();
    let advice = format!(
        "{}{}",
        String::from_utf8_lossy(&first.stderr),
        said(&status)
    );
    assert!(
        advice.contains("rename or move them") || advice.contains("name it as `expected` says"),
        "the stages say what to do with the old name's files: {advice}"
    );

    // As advised: renamed to the new name.
    let folder = install.raw().join("quakes");
    for entry in std::fs::read_dir(&folder).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if let Some(rest) = name.strip_prefix("old-quakes_") {
            std::fs::rename(&path, folder.join(format!("quakes_{rest}"))).expect("rename");
        }
    }
    let second = install.summarise_as_it_goes();
    let quarantined: Vec<String> = std::fs::read_dir(install.raw().join("_quarantine"))
        .map(|entries| {
            entries
                .map(|entry| {
                    entry
                        .expect("entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    let runs = install
        .db()
        .await
        .collection::<Document>("runs")
        .count_documents(doc! {"source": "quakes"})
        .await
        .expect("count");
    let status = install.status();
    assert!(
        second.status.success() && quarantined.is_empty() && runs == 1 && status.status.success(),
        "the student renamed the old name's waiting files as the stages advised, yet its run is \
         quarantined, not stored (runs of quakes: {runs}; quarantine: {quarantined:?}).\n\
         advice: {advice}\nsummariser ({}): {}\nstatus ({}): {}",
        second.status,
        String::from_utf8_lossy(&second.stderr),
        status.status,
        said(&status)
    );
}
