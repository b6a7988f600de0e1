//! A summariser run stopped by `SIGTERM` (a container stopped, the machine shutting down) or
//! Ctrl-C halfway, held there by the test hook while the signal is sent, after it moved a file
//! to quarantine: what its output says of that file.

mod common;

use common::{Workspace, quake, snapshot, stderr, stopped_at};

/// A run stopped by `SIGTERM` after it moved a file it could not read to quarantine says
/// nothing of that file: the failure lines of the files that failed so far are said when
/// MongoDB fails mid-run (`summarise_sources`: "the files that failed so far are still worth a
/// line each"), and at the end of a run that finishes, but a run given up by a signal (or by
/// the MongoDB deadline, which drops the run the same way) drops them. A container stopped for
/// good never runs again to warn of the quarantine.
#[test]
fn a_run_stopped_by_a_signal_still_names_the_file_it_quarantined() {
    let ws = Workspace::new("quarantine_sigterm");
    let (name, output) = quarantined_then_stopped_at(&ws, "records-inserted");
    let said = said_quarantined(&ws, &name, &output);
    assert!(
        said.contains(&name),
        "the file moved to quarantine in this run is named in its output: {said}"
    );
}

/// The run's one source is done (its unreadable file quarantined, its good file stored and
/// deleted) when `SIGTERM` comes: what is left of the run (the note of the runs stored, the
/// client's shutdown) may end before the signal is seen, or be dropped by it. Either way the
/// quarantined file is named: a run given up there once dropped the reports of its finished
/// loop (taken out of the guard that says them on drop, `RunReports::done`, and dropped with
/// the outcome holding them). The same when MongoDB stops answering at the client's shutdown.
#[test]
fn a_run_stopped_after_its_last_source_still_names_the_file_it_quarantined() {
    let ws = Workspace::new("quarantine_sigterm_last");
    let usgs_only = common::CONFIG
        .split("[[source]]\nname = \"eco2mix\"")
        .next()
        .expect("the usgs table");
    std::fs::write(ws.dir.path().join("sources.toml"), usgs_only).expect("config");
    // Held once the good file, the source's last, is deleted: the source is done.
    let (name, output) = quarantined_then_stopped_at(&ws, "file-deleted");
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        ws.raw().join("_quarantine").join(&name).exists(),
        "the unreadable file went to quarantine in this run: {said}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "the good file was stored: {said}");
    assert!(
        said.contains(&name),
        "the file moved to quarantine in this run is named in its output: {said}"
    );
}

/// Lands an unreadable file and a good one of `usgs`, and runs the summariser held at `step`,
/// where it is sent `SIGTERM`: the unreadable file's name, and the run's output.
fn quarantined_then_stopped_at(ws: &Workspace, step: &str) -> (String, std::process::Output) {
    let bad = ws.land_bytes(
        "usgs",
        (10, 0, 0),
        b"{\"type\": \"FeatureCollection\", \"features\": [",
    );
    ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("a", (10, 1), 1.0)]),
    );
    let name = bad
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a file name")
        .to_owned();
    let held = ws.dir.path().join("held");
    let output = stopped_at(
        ws.command(testkit::MongoServer::shared().uri()),
        step,
        &held,
    );
    (name, output)
}

/// The output of a run stopped by `SIGTERM` after it moved the file `name` to quarantine,
/// checked as such.
fn said_quarantined(ws: &Workspace, name: &str, output: &std::process::Output) -> String {
    let said = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("stopped by SIGTERM"), "{said}");
    assert!(
        ws.raw().join("_quarantine").join(name).exists(),
        "the unreadable file went to quarantine in this run: {said}"
    );
    said
}
