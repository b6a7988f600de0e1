//! A researcher repairing landed files by hand before the summariser takes them: a quarantined
//! file fixed in an editor and moved back, a file moved between source folders, a metrics file
//! deleted. What the database and the report say afterwards must match what was stored.

mod common;

use common::{Workspace, quake, snapshot, stderr};
use mongodb::bson::doc;
use serde_json::json;

/// A file quarantined for a record MongoDB cannot store, which also held a record whose time
/// could not be read: the user fixes both in an editor and moves the file back, as the README's
/// Troubleshooting says. Every record is then stored, so `rejected` (which the report sums as
/// "records dropped by the summariser") must no longer count one dropped from that file: the
/// README says reading the file again replaces its document.
#[tokio::test]
async fn a_record_fixed_by_hand_in_a_quarantined_file_is_no_longer_reported_dropped() {
    let ws = Workspace::new("fixed_rejected");
    let mut timeless = quake("timeless", (10, 6), 2.0);
    timeless["properties"]["time"] = json!("soon");
    let mut vast = quake("vast", (10, 7), 3.0);
    vast["properties"]["energy"] = json!("VAST");
    let body = serde_json::to_string(&snapshot(vec![quake("fine", (10, 5), 1.0), timeless, vast]))
        .expect("JSON");
    let landed = ws.land_bytes(
        "usgs",
        (10, 1, 0),
        body.replace("\"VAST\"", "100000000000000000000").as_bytes(),
    );
    let first = ws.summarise_with(&[]);
    assert!(
        ws.raw()
            .join("_quarantine")
            .join(landed.file_name().expect("a name"))
            .exists(),
        "the file is quarantined for its vast integer: {}",
        stderr(&first)
    );
    let file = landed
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    let rejected = ws
        .db()
        .await
        .collection::<mongodb::bson::Document>("rejected");
    assert!(
        rejected
            .find_one(doc! {"source": "usgs", "file": &file})
            .await
            .expect("lookup")
            .is_some(),
        "the record without a time is counted as dropped meanwhile"
    );

    // Fixed in an editor: the time written, the integer made a magnitude; moved back.
    let fixed = body
        .replace(
            "\"soon\"",
            &common::at(10, 6, 0).timestamp_millis().to_string(),
        )
        .replace("\"VAST\"", "5");
    ws.move_back(&landed, fixed.as_bytes());
    ws.summarise();

    for key in ["fine", "timeless", "vast"] {
        assert!(ws.record("usgs", key).await.is_some(), "`{key}` is stored");
    }
    let noted = rejected
        .find_one(doc! {"source": "usgs", "file": &file})
        .await
        .expect("lookup");
    let still_dropped = noted
        .as_ref()
        .and_then(|noted| noted.get("count"))
        .map(common::integer)
        .unwrap_or(0);
    assert_eq!(
        still_dropped, 0,
        "every record of {file} is stored now, yet `rejected` still counts {still_dropped} dropped from it (the report says so): {noted:?}"
    );
}

/// A file quarantined for one record MongoDB cannot store has its other records stored all the
/// same (the README). Opening it to fix the cause, the researcher also corrects a wrong value
/// of one of those other records, then moves the file back. The next run reads the file again
/// and its records with it, yet keeps the value first stored from it, without a word: the fix
/// is lost and nothing says so. Either the value fixed is stored, or a line names the record
/// whose hand-made change was not taken.
#[tokio::test]
async fn a_value_fixed_by_hand_in_a_quarantined_file_is_stored_or_said_not_to_be() {
    let ws = Workspace::new("fixed_value");
    let mut vast = quake("vast", (10, 7), 3.0);
    vast["properties"]["energy"] = json!("VAST");
    let body = serde_json::to_string(&snapshot(vec![quake("q-misread", (10, 5), 1.25), vast]))
        .expect("JSON");
    let landed = ws.land_bytes(
        "usgs",
        (10, 1, 0),
        body.replace("\"VAST\"", "100000000000000000000").as_bytes(),
    );
    ws.summarise_with(&[]);
    assert!(
        ws.raw()
            .join("_quarantine")
            .join(landed.file_name().expect("a name"))
            .exists(),
        "the file is quarantined for its vast integer"
    );
    assert!(
        ws.record("usgs", "q-misread").await.is_some(),
        "its other record is stored meanwhile"
    );

    // The cause fixed, and the wrong magnitude corrected while the file is open.
    let fixed = body.replace("\"VAST\"", "5").replace("1.25", "4.75");
    ws.move_back(&landed, fixed.as_bytes());
    let errors = stderr(&ws.summarise());

    assert!(
        ws.record("usgs", "vast").await.is_some(),
        "`vast` is stored"
    );
    let stored = ws.record_data("usgs", "q-misread").await.expect("stored");
    let magnitude = stored["properties"]["mag"].as_f64();
    let said = errors
        .lines()
        .any(|line| line.contains("WARN") && line.contains("q-misread"));
    assert!(
        magnitude == Some(4.75) || said,
        "the magnitude fixed by hand in the file moved back is neither stored (still {magnitude:?}) nor said to be left out: {errors}"
    );
}

/// A run's two files moved by hand into another source's folder (`mv raw/usgs/usgs_T.*
/// raw/eco2mix/`): each run warns of them, telling the user to name them as
/// `eco2mix_YYYY-MM-DDTHH-MM-SSZ[-N].json`. Followed, that files usgs's records as eco2mix's
/// (wrong data under another source), and names the metrics file as a data file, which is then
/// quarantined. Their names say whose they are: the line must send them back to `raw/usgs/`.
#[tokio::test]
async fn a_run_moved_into_another_source_s_folder_is_sent_back_to_its_own() {
    let ws = Workspace::new("moved_folder");
    let landed = ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("moved", (9, 50), 1.0)]),
    );
    ws.metrics(&landed, 1, None);
    let elsewhere = ws.raw().join("eco2mix");
    std::fs::create_dir_all(&elsewhere).expect("folder");
    for name in [landed.file_name(), landed.metrics().file_name()] {
        std::fs::rename(ws.raw().join("usgs").join(&name), elsewhere.join(&name))
            .expect("moved by hand");
    }
    let errors = stderr(&ws.summarise());
    for name in [landed.file_name(), landed.metrics().file_name()] {
        let line = errors
            .lines()
            .find(|line| line.contains(&format!("raw/eco2mix/{name}")))
            .unwrap_or_else(|| panic!("a line names {name}: {errors}"));
        assert!(
            line.contains("raw/usgs"),
            "the line about {name}, a file of usgs by its name, sends it to eco2mix's name instead of back to raw/usgs/: {line}"
        );
    }
}

/// A source renamed in `sources.toml` (`usgs` to `quakes`) and its folder renamed with it
/// (`mv raw/usgs raw/quakes`), its files not: the README says a file is read only in the folder
/// of the source its name starts with, and that renamed both ways its waiting files are taken
/// as the new name's. The line about each such file sends it "back to raw/usgs/", the folder of
/// a source no longer configured, which no stage reads: followed, the file waits there for
/// good. `usgs` is not a source of this configuration: the line must say to name the file as
/// `quakes`'s (as it did before), not to move it to a folder nothing reads.
#[tokio::test]
async fn a_file_of_a_source_renamed_with_its_folder_is_not_sent_to_a_folder_no_stage_reads() {
    let ws = Workspace::new("renamed_folder");
    let landed = ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("renamed", (9, 50), 1.0)]),
    );
    std::fs::write(
        ws.dir.path().join("sources.toml"),
        common::CONFIG.replace("name = \"usgs\"", "name = \"quakes\""),
    )
    .expect("source renamed");
    std::fs::rename(ws.raw().join("usgs"), ws.raw().join("quakes")).expect("folder renamed");
    let errors = stderr(&ws.summarise());
    let name = landed.file_name();
    let line = errors
        .lines()
        .find(|line| line.contains(&format!("raw/quakes/{name}")))
        .unwrap_or_else(|| panic!("a line names {name}: {errors}"));
    assert!(
        !line.contains("raw/usgs/"),
        "the line sends the file to raw/usgs/, the folder of a source no longer configured, which no stage reads: {line}"
    );
}
