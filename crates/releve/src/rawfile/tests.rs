use chrono::TimeZone;

use super::writing::land_linking;
use super::*;

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, s)
        .single()
        .expect("valid time")
}

#[test]
fn names_format_and_parse_back() {
    let name = RawFileName::data("usgs-earthquakes", at(7, 33, 15), 1);
    assert_eq!(
        name.file_name(),
        "usgs-earthquakes_2026-11-22T07-33-15Z.json"
    );
    assert_eq!(RawFileName::parse(&name.file_name()), Some(name.clone()));
    let second = RawFileName::data("usgs-earthquakes", at(7, 33, 15), 2);
    assert_eq!(
        second.file_name(),
        "usgs-earthquakes_2026-11-22T07-33-15Z-2.json"
    );
    assert_eq!(RawFileName::parse(&second.file_name()), Some(second));
    let metrics = name.metrics();
    assert_eq!(
        metrics.file_name(),
        "usgs-earthquakes_2026-11-22T07-33-15Z.metrics.json"
    );
    assert_eq!(
        RawFileName::parse(&metrics.file_name()).map(|n| n.role),
        Some(RawFileRole::Metrics)
    );
}

#[test]
fn names_made_by_hand_outside_what_a_landing_writes_are_not_landed_files() {
    for name in [
        "usgs_0000-01-01T00-00-00Z.json",
        "usgs_2026-11-22T07-00-60Z.json",
        "usgs_2026-11-22T07-00-60Z.metrics.json",
    ] {
        assert_eq!(RawFileName::parse(name), None, "{name}");
    }
    assert!(RawFileName::parse("usgs_0001-01-01T00-00-00Z.json").is_some());
    assert!(RawFileName::parse("usgs_9999-12-31T23-59-59Z.json").is_some());
}

#[test]
fn temporary_files_of_a_killed_landing_are_removed_and_nothing_else() {
    let raw = tempfile::tempdir().expect("temp dir");
    let landed = land(raw.path(), "usgs", at(7, 33, 15), b"[]").expect("land");
    let dir = raw.path().join("usgs");
    for orphan in [
        ".usgs_4242.0.tmp",
        ".usgs_2026-11-22T07-33-15Z.metrics.json.1.tmp",
    ] {
        fs::write(dir.join(orphan), b"[partial").expect("write");
    }
    // What must stay: the lock, the state file, a folder that happens to end in `.tmp`.
    fs::write(dir.join(".lock"), b"1").expect("write");
    fs::write(dir.join(".state.json"), b"{}").expect("write");
    fs::create_dir(dir.join(".odd.tmp")).expect("mkdir");
    let removed = remove_temps(raw.path(), "usgs").expect("remove");
    assert_eq!(removed.len(), 2, "{removed:?}");
    assert!(removed.iter().all(|(_, outcome)| outcome.is_ok()));
    assert!(landed.path_in(raw.path()).exists());
    for kept in [".lock", ".state.json", ".odd.tmp"] {
        assert!(dir.join(kept).exists(), "{kept} stays");
    }
    assert!(
        remove_temps(raw.path(), "none-yet")
            .expect("no folder")
            .is_empty()
    );
}

#[test]
fn temp_and_foreign_files_are_not_landed_files() {
    for name in [
        ".usgs_123.0.tmp",
        "usgs_2026-11-22T07-33-15Z.json.tmp",
        "notes.json",
        "usgs_2026-11-22T07-33-15Z-1.json",
        // Names read as a landed file but written back otherwise could never be opened.
        "usgs_2026-11-22T07-33-15Z-02.json",
        "usgs_2026-11-22T07-33-15Z-+2.json",
        "usgs_2026-11-22T07-33-15Z-02.metrics.json",
        "USGS_2026-11-22T07-33-15Z.json",
        "usgs_2026-13-22T07-33-15Z.json",
    ] {
        assert_eq!(RawFileName::parse(name), None, "{name}");
    }
}

#[test]
fn two_runs_in_one_second_never_overwrite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = land(dir.path(), "usgs", at(1, 2, 3), b"[1]").expect("first run lands");
    let second = land(dir.path(), "usgs", at(1, 2, 3), b"[2]").expect("second run lands");
    assert_ne!(first, second);
    assert_eq!(
        fs::read(first.path_in(dir.path())).expect("first file"),
        b"[1]"
    );
    assert_eq!(
        fs::read(second.path_in(dir.path())).expect("second file"),
        b"[2]"
    );
    let listed = list(dir.path(), "usgs").expect("list");
    assert_eq!(listed, vec![first, second]);
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("usgs"))
        .expect("dir")
        .collect();
    assert_eq!(leftovers.len(), 2, "no temp file is left behind");
}

/// A raw folder on a FAT or exFAT disk (a USB disk) refuses hard links with EPERM: runs still
/// land, whole, under their names, never over one another, and leave no temp file.
#[test]
fn runs_land_on_a_file_system_without_hard_links() {
    let dir = tempfile::tempdir().expect("temp dir");
    let raw = dir.path();
    let no_links = |_: &Path, _: &Path| Err(io::Error::from_raw_os_error(1));
    let first = LandingOrder {
        landed_at: at(1, 2, 3),
        sequence: 1,
    };
    let one = land_linking(raw, "usgs", first, b"[1]", no_links).expect("first run lands");
    let two = land_linking(raw, "usgs", first, b"[2]", no_links).expect("second run lands");
    assert_eq!((one.sequence, two.sequence), (1, 2));
    assert_eq!(fs::read(one.path_in(raw)).expect("first file"), b"[1]");
    assert_eq!(fs::read(two.path_in(raw)).expect("second file"), b"[2]");
    assert_eq!(list(raw, "usgs").expect("list"), vec![one, two]);
    let entries = fs::read_dir(raw.join("usgs")).expect("dir").count();
    assert_eq!(entries, 2, "no temp file is left behind");
}

#[test]
fn a_replaced_file_holds_the_new_contents_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("usgs").join(".state.json");
    replace_file(&path, b"old").expect("first write");
    replace_file(&path, b"new").expect("second write");
    assert_eq!(fs::read(&path).expect("state"), b"new");
    let names: Vec<_> = fs::read_dir(dir.path().join("usgs"))
        .expect("dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from(".state.json")]);
}

#[test]
fn a_failed_replacement_keeps_the_old_file_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("taken");
    fs::create_dir_all(path.join("inside")).expect("a directory where the file should go");
    assert!(replace_file(&path, b"new").is_err());
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("taken")]);
}

/// A run landing in a second already used never takes a name whose data file or metrics are
/// there (a failed run leaves metrics alone), and starts at the sequence it is given.
#[test]
fn a_landing_takes_the_first_name_whose_data_and_metrics_are_both_free() {
    let dir = tempfile::tempdir().expect("temp dir");
    let raw = dir.path();
    let first = land(raw, "usgs", at(8, 0, 1), b"[1]").expect("landed");
    assert_eq!(first.sequence, 1);
    let failed = RawFileName::data("usgs", at(8, 0, 1), 2).metrics();
    fs::write(failed.path_in(raw), b"{}").expect("a failed run's metrics");
    let next = land(raw, "usgs", at(8, 0, 1), b"[2]").expect("landed");
    assert_eq!(next.sequence, 3, "past the data of 1 and the metrics of 2");
    let from = LandingOrder {
        landed_at: at(8, 0, 1),
        sequence: 7,
    };
    let later = land_from(raw, "usgs", from, b"[3]").expect("landed");
    assert_eq!(later.sequence, 7);
    assert_eq!(fs::read(failed.path_in(raw)).expect("kept"), b"{}");
}

/// A collector on another machine a few seconds ahead lands files taken as landed now; a file
/// named past a minute of drift (while the clock ran ahead, then set right) is ahead of the
/// clock, so the files landed since are taken for newer whatever their names.
#[test]
fn a_landing_named_past_a_minute_of_drift_is_ahead_of_the_clock() {
    let now = at(12, 0, 0);
    let landing = |landed_at| LandingOrder {
        landed_at,
        sequence: 1,
    };
    assert!(!landing(at(11, 59, 0)).ahead_of(now), "landed before now");
    assert!(!landing(at(12, 0, 30)).ahead_of(now), "within the drift");
    assert!(!landing(at(12, 1, 0)).ahead_of(now), "a minute exactly");
    assert!(landing(at(12, 1, 1)).ahead_of(now), "past the drift");
    assert!(landing(at(13, 0, 0)).ahead_of(now), "an hour ahead");
}

/// A source's folder told apart: its own landed files, which the summariser reads and then
/// deletes; another source's file put there by hand and a misnamed one, which no stage reads
/// and `status` names; a folder named as a landed file, never opened; the collector's hidden
/// files, left out.
#[test]
fn a_sources_folder_lists_its_own_landed_files_and_names_the_others() {
    let raw = tempfile::tempdir().expect("temp dir");
    let landed = land(raw.path(), "usgs", at(7, 33, 15), b"[]").expect("land");
    let dir = raw.path().join("usgs");
    let elsewhere = "eco2mix_2026-11-22T07-33-15Z.json";
    fs::write(dir.join(elsewhere), b"[]").expect("another source's file");
    fs::write(dir.join("notes.txt"), b"mine").expect("a note");
    fs::write(dir.join(".state.json"), b"{}").expect("state");
    fs::write(dir.join(".lock"), b"1").expect("lock");
    let folder = "usgs_2026-11-22T08-00-00Z.json";
    fs::create_dir(dir.join(folder)).expect("a folder");
    let listing = list_all(raw.path(), "usgs").expect("list");
    assert_eq!(listing.landed, vec![landed]);
    assert_eq!(listing.foreign, vec![elsewhere, "notes.txt"]);
    assert_eq!(listing.not_files, vec![folder]);
}

/// A source not collected yet has no files; a source folder that cannot be read (a file in
/// its place, a link to a disk not mounted) is an error, never taken for a folder holding
/// none: the files it may hold would wait unsaid.
#[cfg(unix)]
#[test]
fn only_a_missing_folder_holds_no_files() {
    let raw = tempfile::tempdir().expect("temp dir");
    assert!(list(raw.path(), "usgs").expect("no folder yet").is_empty());
    fs::write(raw.path().join("eco2mix"), b"").expect("a file in the folder's place");
    assert!(list(raw.path(), "eco2mix").is_err());
    std::os::unix::fs::symlink(raw.path().join("unmounted"), raw.path().join("meteo"))
        .expect("link");
    let err = list(raw.path(), "meteo").expect_err("a link to nothing");
    assert!(err.to_string().contains("a disk not mounted"), "{err}");
}
