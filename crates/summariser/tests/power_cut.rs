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
