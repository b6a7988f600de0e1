//! Crash safety: the real binary is aborted (like `kill -9`) at each step of its work through
//! the `RELEVE_CRASH_AFTER` test hook, rerun, and the database must equal a clean run's.

mod common;

use common::{Workspace, eco2mix, quake, snapshot};
use serde_json::json;
use testkit::mongo_proxy::{Conduct, MongoProxy};

/// Lands the files of the first phase: summarised cleanly before the crash scenario.
fn first_phase(ws: &Workspace) {
    let landed = ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0), quake("b", (10, 59), 2.0)]),
    );
    ws.metrics(&landed, 2, None);
    ws.land(
        "eco2mix",
        (10, 31, 0),
        &json!([
            eco2mix((10, 0), json!(50000)),
            eco2mix((10, 15), json!(51000))
        ]),
    );
}

/// Lands the files the crashing run works on: revisions (one back to the stored value), a
/// repeat of a stored version, a file to quarantine, a moved event, late data, a record
/// without a key, new hours, a failed run's metrics, and a version MongoDB cannot store that
/// replaces one it can.
fn second_phase(ws: &Workspace) {
    let first = ws.land(
        "usgs",
        (11, 5, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.4),
            quake("b", (11, 1), 2.0),
            quake("c", (11, 2), 3.0),
        ]),
    );
    ws.metrics(&first, 3, None);
    let second = ws.land(
        "usgs",
        (11, 6, 0),
        &snapshot(vec![
            quake("a", (10, 5), 1.5),
            quake("c", (11, 2), 3.0),
            quake("late", (9, 50), 0.5),
            common::keyless_quake((11, 3), 0.7),
        ]),
    );
    ws.metrics(&second, 3, None);
    ws.metrics(
        &releve::RawFileName::data("usgs", common::at(11, 7, 0), 1),
        0,
        Some("HTTP 503"),
    );
    ws.land(
        "usgs",
        (11, 8, 0),
        &snapshot(vec![quake("c", (11, 2), 3.0), quake("d", (11, 7), 1.0)]),
    );
    ws.land(
        "usgs",
        (11, 10, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.land(
        "usgs",
        (11, 11, 0),
        &snapshot(vec![quake("e", (11, 9), 1.0)]),
    );
    let mut unstorable = quake("e", (11, 9), 1.2);
    unstorable["properties"]["energy"] = json!(u64::MAX);
    ws.land("usgs", (11, 12, 0), &snapshot(vec![unstorable]));
    // Cut short: quarantined by the crashing run itself. While it waits there, the repeat of
    // eco2mix's 10:00 row is confirmed (a write).
    ws.land_bytes("eco2mix", (11, 8, 30), b"[{\"date_heure\": ");
    ws.land(
        "eco2mix",
        (11, 9, 0),
        &json!([
            eco2mix((10, 0), json!(50000)),
            eco2mix((10, 15), json!(51500)),
            eco2mix((11, 0), json!(49000))
        ]),
    );
}

async fn clean_state() -> Vec<String> {
    let ws = Workspace::new("clean");
    first_phase(&ws);
    ws.summarise();
    second_phase(&ws);
    let quarantining = ws.summarise_with(&[]);
    assert!(
        common::stderr(&quarantining).contains("moved to"),
        "the cut file is quarantined: {}",
        common::stderr(&quarantining)
    );
    assert_eq!(ws.remaining("usgs") + ws.remaining("eco2mix"), 0);
    state(&ws).await
}

/// The database, and the quarantine folder's names with the reasons' texts.
async fn state(ws: &Workspace) -> Vec<String> {
    let mut state = ws.dump().await;
    let mut quarantined: Vec<String> = std::fs::read_dir(ws.raw().join("_quarantine"))
        .expect("the quarantine folder")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            match name.ends_with(".reason") {
                true => format!(
                    "{name}: {}",
                    std::fs::read_to_string(&path).expect("reason")
                ),
                false => name,
            }
        })
        .collect();
    quarantined.sort();
    state.extend(quarantined);
    state
}

async fn crashed_state(crash_points: &[&str]) -> Vec<String> {
    let ws = Workspace::new("crash");
    first_phase(&ws);
    ws.summarise();
    second_phase(&ws);
    for point in crash_points {
        let output = ws.summarise_with(&[("RELEVE_CRASH_AFTER", point)]);
        assert!(
            !output.status.success(),
            "the run aborted at {point}: {}",
            common::stderr(&output)
        );
        assert!(
            common::stderr(&output).contains("aborting"),
            "{point} was reached: {}",
            common::stderr(&output)
        );
    }
    // The rerun; it fails only when it is the run that quarantines the cut file.
    ws.summarise_with(&[]);
    assert_eq!(
        ws.remaining("usgs") + ws.remaining("eco2mix"),
        0,
        "after {crash_points:?}"
    );
    state(&ws).await
}

#[tokio::test]
async fn a_crash_at_any_step_then_a_rerun_gives_the_clean_run_state() {
    let clean = clean_state().await;
    assert!(
        clean.iter().any(|line| line.contains(".json.reason: ")),
        "the scenario quarantines a file: {clean:?}"
    );
    for collection in ["hourly", "rejected ", "rejected_records"] {
        assert!(
            clean.iter().any(|line| line.starts_with(collection)),
            "the scenario writes {collection}"
        );
    }
    let scenarios: &[&[&str]] = &[
        &["pending-written:1"],
        &["records-inserted:1"],
        &["records-updated:1"],
        &["records-updated:2"],
        &["hourly-replaced:1"],
        &["hourly-replaced:2"],
        &["hourly-deleted:1"],
        &["pending-cleared:1"],
        &["runs-loaded:1"],
        &["file-deleted:1"],
        &["file-deleted:4"],
        &["file-deleted:7"],
        &["records-inserted:2"],
        &["hourly-deleted:2"],
        &["records-updated:1", "hourly-deleted:1", "file-deleted:1"],
        &["records-updated:1", "pending-written:1", "file-deleted:2"],
        &["records-confirmed:1"],
        &["progress-noted:1"],
        &["progress-noted:2"],
        &["rejected-noted:1"],
        &["rejected-records-kept:1"],
        &["quarantine-reason-written:1"],
    ];
    for points in scenarios {
        assert_eq!(
            crashed_state(points).await,
            clean,
            "crash at {points:?} then rerun"
        );
    }
}

/// MongoDB going away at a write (a crash, a network cut) fails the run and loses nothing: a
/// file is deleted only once what it holds is acknowledged, so a rerun gives the clean run's
/// state, whichever write the server never answered.
#[tokio::test]
async fn mongodb_going_away_at_any_write_then_a_rerun_gives_the_clean_run_state() {
    let clean = clean_state().await;
    // The test server (the proxy needs one without authentication).
    let upstream = testkit::MongoServer::shared().uri();
    // Every write of the run in turn, until a run ends before the proxy cut.
    let mut cut_at = 1;
    loop {
        let ws = Workspace::new("cut");
        first_phase(&ws);
        ws.summarise();
        second_phase(&ws);
        let proxy = MongoProxy::start(upstream, Conduct::cut_at_write(cut_at));
        let output = ws.command(&proxy.uri()).output().expect("summariser runs");
        if !proxy.has_cut() {
            // Past the run's last write: it went through as a clean run does.
            assert!(cut_at > 10, "the run makes {} writes", proxy.writes());
            assert_eq!(state(&ws).await, clean, "the run through the proxy");
            break;
        }
        let errors = common::stderr(&output);
        assert!(
            !output.status.success(),
            "a run whose server went away fails"
        );
        assert!(
            errors
                .lines()
                .any(|line| line.starts_with("summariser: MongoDB ") && line.contains(" failed: ")),
            "one line says which write failed: {errors}"
        );
        ws.summarise_with(&[]);
        assert_eq!(
            ws.remaining("usgs") + ws.remaining("eco2mix"),
            0,
            "after a cut at write {cut_at}"
        );
        assert_eq!(
            state(&ws).await,
            clean,
            "MongoDB gone at write {cut_at}, then a rerun"
        );
        cut_at += 1;
    }
}

/// The `hourly` documents' sources and hours.
async fn summarised_hours(ws: &Workspace) -> Vec<(String, i64)> {
    let documents = ws.documents("hourly").await;
    let mut hours: Vec<(String, i64)> = documents
        .iter()
        .map(|d| {
            (
                d.get_str("source").expect("source").to_owned(),
                d.get_datetime("hour").expect("hour").timestamp_millis(),
            )
        })
        .collect();
    hours.sort();
    hours
}

/// A run that dies right after writing its first hours (usgs's; sources run in file order)
/// leaves every hour summarised before still there.
#[tokio::test]
async fn hours_being_rewritten_stay_readable_even_if_the_run_dies() {
    let ws = Workspace::new("rewrite");
    first_phase(&ws);
    ws.summarise();
    let before = summarised_hours(&ws).await;
    assert!(!before.is_empty());
    second_phase(&ws);
    let output = ws.summarise_with(&[("RELEVE_CRASH_AFTER", "hourly-replaced:1")]);
    assert!(!output.status.success(), "{}", common::stderr(&output));
    let during = summarised_hours(&ws).await;
    for hour in &before {
        assert!(
            during.contains(hour),
            "{hour:?} vanished while its hour was rewritten: {during:?}"
        );
    }
}

#[tokio::test]
async fn batching_does_not_change_the_result() {
    let mut states = Vec::new();
    for batch_files in [1, 500] {
        let ws = Workspace::new("batches");
        let options = ws.options(common::CONFIG, batch_files);
        first_phase(&ws);
        let outcome = summariser::run(&options).await.expect("first run");
        assert!(outcome.failures().is_empty());
        second_phase(&ws);
        let outcome = summariser::run(&options).await.expect("second run");
        assert_eq!(
            outcome.failures().len(),
            2,
            "the cut file and the unstorable version's only"
        );
        states.push(ws.dump().await);
    }
    assert_eq!(
        states[0], states[1],
        "one file per batch and all files in one batch agree, records' files included"
    );
}

/// How many files a state (see [`state`]) holds in quarantine.
fn quarantined(state: &[String]) -> usize {
    state
        .iter()
        .filter(|line| line.contains(".json.reason: "))
        .count()
}

/// Lands `scenario` afresh for each of `crash_points` (the run aborted there, then rerun) and
/// each of `batch_sizes` (files per batch, one run in process), and asserts every one ends in
/// the `clean` run's state.
async fn ends_as_the_clean_run(
    scenario: fn(&Workspace),
    clean: &[String],
    crash_points: &[&str],
    batch_sizes: &[usize],
) {
    for point in crash_points {
        let ws = Workspace::new("crash");
        scenario(&ws);
        let output = ws.summarise_with(&[("RELEVE_CRASH_AFTER", point)]);
        assert!(
            common::stderr(&output).contains("aborting"),
            "{point} was reached: {}",
            common::stderr(&output)
        );
        ws.summarise_with(&[]);
        assert_eq!(ws.remaining("usgs"), 0, "after a crash at {point}");
        assert_eq!(state(&ws).await, clean, "crash at {point} then rerun");
    }
    for batch_files in batch_sizes {
        let ws = Workspace::new("batches");
        let options = ws.options(common::CONFIG, *batch_files);
        scenario(&ws);
        summariser::run(&options).await.expect("run");
        assert_eq!(state(&ws).await, clean, "{batch_files} file(s) per batch");
    }
}

/// A record repeated around a version MongoDB cannot store: `j` is served again after the file
/// holding `k`'s unstorable version, by a later file serving that version again, and once more
/// after both.
fn repeats_around_an_unstorable_version(ws: &Workspace) {
    ws.land(
        "usgs",
        (12, 0, 0),
        &snapshot(vec![quake("j", (11, 50), 1.0), quake("k", (11, 51), 1.0)]),
    );
    let mut unstorable = quake("k", (11, 51), 1.2);
    unstorable["properties"]["energy"] = json!(u64::MAX);
    ws.land("usgs", (12, 1, 0), &snapshot(vec![unstorable.clone()]));
    ws.land(
        "usgs",
        (12, 2, 0),
        &snapshot(vec![quake("j", (11, 50), 1.0), unstorable]),
    );
    ws.land(
        "usgs",
        (12, 3, 0),
        &snapshot(vec![quake("j", (11, 50), 1.0)]),
    );
}

/// The files quarantined for a version MongoDB cannot store are known only once the batch is
/// written: the records repeated after them still say so (`last_file`), every file holding
/// that version is quarantined, and a crash at any step, or one file per batch, ends the same.
#[tokio::test]
async fn files_quarantined_for_an_unstorable_version_end_the_same_whatever_the_crash() {
    let ws = Workspace::new("unstorable-clean");
    repeats_around_an_unstorable_version(&ws);
    ws.summarise_with(&[]);
    let clean = state(&ws).await;
    assert_eq!(
        quarantined(&clean),
        2,
        "both files holding k's unstorable version: {clean:?}"
    );
    let j = ws.record("usgs", "j").await.expect("j stored");
    assert_eq!(
        j.get_str("last_file").expect("last_file"),
        releve::RawFileName::data("usgs", common::at(12, 3, 0), 1).file_name(),
        "j was served again after the files now waiting in quarantine"
    );
    ends_as_the_clean_run(
        repeats_around_an_unstorable_version,
        &clean,
        &[
            "records-inserted:1",
            "records-confirmed:1",
            "records-inserted:2",
            "progress-noted:1",
            "quarantine-reason-written:1",
            "quarantine-reason-written:2",
            "file-deleted:1",
        ],
        &[1, 2],
    )
    .await;
}

/// A file holding a version MongoDB cannot store (`m`) and a version (`j`) that the next
/// file replaces by one it cannot store either.
fn an_unstorable_file_with_a_record_replaced_by_an_unstorable_one(ws: &Workspace) {
    let unstorable = |key, minute| {
        let mut record = quake(key, (11, minute), 1.2);
        record["properties"]["energy"] = json!(u64::MAX);
        record
    };
    ws.land(
        "usgs",
        (12, 0, 0),
        &snapshot(vec![quake("j", (11, 50), 1.0), unstorable("m", 52)]),
    );
    ws.land("usgs", (12, 1, 0), &snapshot(vec![unstorable("j", 50)]));
}

/// The earlier version of a record whose later one MongoDB cannot store is stored from its
/// file even when that file is quarantined too (for another record): as when each file is
/// summarised alone, whatever the batches and the crashes.
#[tokio::test]
async fn a_quarantined_file_still_stores_a_version_replaced_by_an_unstorable_one() {
    let ws = Workspace::new("both-clean");
    an_unstorable_file_with_a_record_replaced_by_an_unstorable_one(&ws);
    ws.summarise_with(&[]);
    let clean = state(&ws).await;
    let j = ws.record_data("usgs", "j").await.expect("j stored");
    assert_eq!(j["properties"]["mag"], json!(1.0), "the first file's j");
    assert_eq!(quarantined(&clean), 2, "both files: {clean:?}");
    ends_as_the_clean_run(
        an_unstorable_file_with_a_record_replaced_by_an_unstorable_one,
        &clean,
        &[
            "records-inserted:1",
            "progress-noted:1",
            "quarantine-reason-written:1",
            "pending-written:2",
            "hourly-replaced:1",
        ],
        &[1],
    )
    .await;
}
