//! A Raspberry Pi on an SD card, in a lab whose power is cut without warning: what a cut leaves
//! in the raw folder's hidden files must not stop every later run.

mod common;

use common::{Workspace, quake, snapshot, stderr};

/// The power went while the first run's `raw/.installation` (the raw folder's id, written
/// once) was not yet on the card: an SD card that acknowledges a flush before its cache is
/// written, or a file system that keeps a file's name and not its bytes, leaves it empty. The
/// database names this very folder, at this path, and `raw/.summariser-database` names that
/// database. Yet every later summariser run (and every report) is refused, hourly, saying the
/// id was "deleted, or copied over from another folder?", until someone runs `--new-database`;
/// the files pile up meanwhile. An id file left empty is one whose write was cut short, not
/// another folder's: the run should name this folder again and go on.
#[tokio::test]
async fn an_installation_id_left_empty_by_a_power_cut_does_not_stop_every_later_run() {
    let ws = Workspace::new("power-cut-installation");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    let id = ws.raw().join(".installation");
    assert!(
        !std::fs::read_to_string(&id)
            .expect("the first run keeps the folder's id")
            .trim()
            .is_empty()
    );

    // After the power cut: the id file is there, empty.
    std::fs::write(&id, b"").expect("an empty id file");
    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let output = ws.summarise_with(&[]);
    let said = stderr(&output);
    assert!(
        output.status.success() && ws.remaining("usgs") == 0,
        "the next hour's run, {} file(s) left waiting, exit {:?}: {said}",
        ws.remaining("usgs"),
        output.status.code()
    );
}

/// The same power cut on ext4 or an SD card's FAT more often leaves the id file at its length,
/// filled with NUL bytes (its size was written, its block was not). The fix recovers an empty
/// file, and means to recover one of NULs (`id_left_empty` looks for them), but the id read
/// from it is 25 NUL characters, not "none", so the recovery is never reached: every later
/// run is refused as though the id had been "deleted, or copied over from another folder".
#[tokio::test]
async fn an_installation_id_left_as_nul_bytes_by_a_power_cut_does_not_stop_every_later_run() {
    let ws = Workspace::new("power-cut-installation-nul");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    let id = ws.raw().join(".installation");
    let length = std::fs::metadata(&id)
        .expect("the first run keeps the folder's id")
        .len();

    // After the power cut: the id file is there, its length kept, its bytes zeros.
    std::fs::write(&id, vec![0u8; length as usize]).expect("an id file of NUL bytes");
    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let output = ws.summarise_with(&[]);
    let said = stderr(&output);
    assert!(
        output.status.success() && ws.remaining("usgs") == 0,
        "the next hour's run, {} file(s) left waiting, exit {:?}: {said}",
        ws.remaining("usgs"),
        output.status.code()
    );
}

/// Two Raspberry Pis made from one SD image (one user, one path, `/home/pi/releve/raw`), each
/// summarising into its own MongoDB's `releve`; the second is then pointed at the lab's server,
/// where the first one's `releve` is (its `MONGODB_URI` changed), on a day the power cut left
/// its id file empty. The database names another folder, written by another machine that never
/// handed it over from this one: its place and the database's name match only because both Pis
/// are alike. The run takes the first Pi's id for its own (said as "written back"), goes on,
/// and stores this Pi's records among the other's, for good: the two installations are one
/// from then on. Without the power cut the same run is refused ("another installation's?").
#[tokio::test]
async fn an_empty_id_file_does_not_take_the_id_of_another_machines_installation() {
    use mongodb::bson::{Document, doc};

    let ws = Workspace::new("power-cut-other-machine");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    let id = ws.raw().join(".installation");

    // The database of that name as the other Pi's runs left it: its own folder's id, at the
    // same path, its machine another one, never this one.
    let theirs = "0123456789abcdef01234567";
    let installation = ws.db().await.collection::<Document>("installation");
    let mut named = installation
        .find_one(doc! {"_id": "summariser"})
        .await
        .expect("read")
        .expect("the installation is named");
    named.insert("folder", theirs);
    named.insert("host", "lab-pi-a");
    named.remove("host_before");
    installation
        .replace_one(doc! {"_id": "summariser"}, named)
        .await
        .expect("replace");

    // This Pi's id file, emptied by the power cut.
    std::fs::write(&id, b"").expect("an empty id file");
    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let output = ws.summarise_with(&[]);
    let said = stderr(&output);
    let kept = std::fs::read_to_string(&id).unwrap_or_default();
    assert!(
        kept.trim() != theirs && ws.record("usgs", "b").await.is_none(),
        "this Pi's folder took the id of the other machine's installation ({:?}) and stored its records in that database, exit {:?}: {said}",
        kept.trim(),
        output.status.code()
    );
}
