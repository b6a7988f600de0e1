//! A student keeps `raw/` on a USB stick (exFAT or FAT32) mounted at a folder of their own,
//! `--raw-dir /mnt/usb/raw`, carried between the lab PC and a laptop.

mod common;

use std::path::Path;

use common::{Workspace, quake, snapshot, stderr};

/// The stick's folder summarised once, then the stick unplugged (its folder moved to `stick`),
/// cron's collector making an empty folder in its place, under the mount point, and landing a
/// file there meanwhile: that file.
fn unplugged_after_a_summary(ws: &Workspace, stick: &Path) -> releve::RawFileName {
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let first = ws.summarise();
    assert!(first.status.success(), "{}", stderr(&first));
    std::fs::rename(ws.raw(), stick).expect("the stick unplugged");
    std::fs::create_dir(ws.raw()).expect("the folder under the mount point");
    ws.land(
        "usgs",
        (9, 40, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    )
}

/// The stick is at the laptop; on the lab PC cron's collector runs on: `/mnt/usb/raw` is not
/// there, so the collector creates it on the internal disk, under the empty mount point (one
/// warning, "this run creates it"), and lands its files there. The summariser, on the same
/// machine and the same path, is then told "the database … is summarised from another raw
/// folder of the same path, /mnt/usb/raw on another machine or deployment … another
/// installation's, on a server they share? … if that folder is this one moved or replaced,
/// run once with --new-database": there is no other machine (the database names this one's
/// host), and following the advice hands the database to the folder under the mount point, so
/// the stick's own folder is refused once it is back (and the files landed meanwhile are hidden
/// under the mounted stick). Expected: on the machine that summarised that path, a folder there
/// never summarised is said as possibly a disk that is not mounted, not another machine's.
#[tokio::test]
async fn a_raw_folder_on_a_usb_stick_not_mounted_is_not_said_to_be_another_machine_s() {
    let ws = Workspace::new("usb-stick-unmounted");
    unplugged_after_a_summary(&ws, &ws.raw().with_file_name("raw-on-the-stick"));

    let refused = ws.summarise_with(&[]);
    let said = stderr(&refused);
    assert!(
        !refused.status.success() && ws.remaining("usgs") == 1,
        "the run stops, its file waiting: {said}"
    );
    assert!(
        !said.contains("another machine") && said.contains("mounted"),
        "the same machine's folder of the same path, never summarised, is said as another \
         machine's rather than as a disk perhaps not mounted: {said}"
    );
}

/// The same unplugged stick, the collector having landed a file in the folder it made under the
/// mount point. The summariser says "mount the disk the folder is on, if it is not, and run
/// again" and calls the folder "this empty folder": mounted over it, the stick hides the file
/// landed there meanwhile, and the next run, summarising the stick, never stores it (the hours
/// of those runs empty in the reports, unsaid). Expected: the advice says to move that folder
/// aside before mounting (the mount would hide its files), then its files onto the stick.
#[tokio::test]
async fn mounting_the_stick_back_is_not_advised_over_the_files_landed_while_it_was_out() {
    let ws = Workspace::new("usb-stick-landed-meanwhile");
    unplugged_after_a_summary(&ws, &ws.raw().with_file_name("raw-on-the-stick"));

    let said = stderr(&ws.summarise_with(&[]));
    assert!(
        said.contains("would hide") && said.contains("aside") && !said.contains("empty folder"),
        "a folder holding the files landed while the stick was out is called empty, and the \
         stick is to be mounted over it, hiding them: {said}"
    );
}

/// The files under `folder`, at any depth, named `name`.
fn found(folder: &Path, name: &std::ffi::OsStr) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|entry| match entry.path() {
            path if path.is_dir() => found(&path, name),
            path if path.file_name() == Some(name) => vec![path],
            _ => Vec::new(),
        })
        .collect()
}

/// `--raw-dir /mnt/usb/raw`, the stick unplugged: the `mv` said to move the folder aside
/// before mounting, pasted, must take the files landed meanwhile out from under the mount point
/// `/mnt/usb` (here the workspace's folder). `mv /mnt/usb/raw /mnt/usb/raw.landed` left them
/// under it: the stick, mounted, hid them there as it hid the folder.
#[tokio::test]
async fn the_folder_moved_aside_as_said_is_out_of_the_mount_point_s_reach() {
    let ws = Workspace::new("usb-stick-moved-aside");
    let stick = tempfile::tempdir().expect("the stick");
    let landed = unplugged_after_a_summary(&ws, &stick.path().join("raw")).path_in(&ws.raw());
    let name = landed.file_name().expect("a file name");

    let said = stderr(&ws.summarise_with(&[]));
    let mv = said
        .split_once("(`mv ")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(args, _)| format!("mv {args}"))
        .unwrap_or_else(|| panic!("no `mv` said: {said}"));
    let home = tempfile::tempdir().expect("home");
    let moved = std::process::Command::new("sh")
        .args(["-c", &mv])
        .env("HOME", home.path())
        .current_dir(home.path())
        .status()
        .expect("sh runs");
    assert!(moved.success(), "`{mv}` failed");
    assert!(
        found(ws.dir.path(), name).is_empty() && found(home.path(), name).len() == 1,
        "`{mv}` left the file landed meanwhile under the mount point, where the stick mounted \
         hides it: {said}"
    );
}
