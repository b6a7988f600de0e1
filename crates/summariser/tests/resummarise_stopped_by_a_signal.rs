//! A `--resummarise` stopped by `SIGTERM` (a container stopped, the machine shutting down) or
//! Ctrl-C halfway, held there by the test hook while the signal is sent: what its line says.

mod common;

use common::{Workspace, quake, snapshot, stderr, stopped_at};

/// A `--resummarise` stopped by Ctrl-C or `SIGTERM` while MongoDB answered every operation
/// says to run it again "once MongoDB answers": the user waits for, or goes looking for, a
/// MongoDB failure there never was. The advice fits a MongoDB failure, not a signal.
#[test]
fn a_resummarise_stopped_by_a_signal_does_not_blame_mongodb() {
    let ws = Workspace::new("resummarise_sigterm");
    ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("a", (10, 0), 1.0), quake("b", (11, 0), 2.0)]),
    );
    ws.summarise();
    let held = ws.dir.path().join("held");
    let mut run = ws.command(testkit::MongoServer::shared().uri());
    run.args(["--resummarise", "usgs"]);
    // With no file waiting, the first hours deleted are the --resummarise's.
    let output = stopped_at(run, "hourly-deleted", &held);
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    let line = said
        .lines()
        .find(|line| line.starts_with("summariser: ") && !line.contains("RELEVE_HOLD_AT"))
        .unwrap_or_else(|| panic!("a failure line: {said}"));
    assert!(line.contains("stopped by SIGTERM"), "{line}");
    assert!(line.contains("run --resummarise again"), "{line}");
    assert!(
        !line.contains("once MongoDB answers"),
        "MongoDB answered every operation; the run was stopped by a signal: {line}"
    );
}
