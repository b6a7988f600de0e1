//! A MongoDB that dies in the middle of a summariser run (its machine rebooted, its process
//! killed), played by a front (`tests/fixtures/dying_front.py`) before the shared test server
//! that exits at a given command.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Workspace, quake, snapshot};

/// A running `dying_front.py`; killed when dropped.
struct Front {
    child: Child,
    port: u16,
}

impl Front {
    /// Starts the front, to die at the first `command` on `collection`.
    fn start(command: &str, collection: &str) -> Front {
        let upstream = testkit::MongoServer::shared()
            .uri()
            .rsplit(':')
            .next()
            .and_then(|port| port.trim_end_matches('/').parse::<u16>().ok())
            .expect("the test server's port");
        let mut child = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dying_front.py"))
            .arg(upstream.to_string())
            .arg(command)
            .arg(collection)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the front");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("its port");
        let port = line.trim().parse().expect("a port");
        Front { child, port }
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lands ten minutes of a `1m` USGS source (three new events a file), with their metrics.
fn land_ten_minutes(ws: &Workspace, hour: u32) {
    for minute in 0..10 {
        let events = (0..3)
            .map(|i| {
                quake(
                    &format!("us{hour}{minute}{i}"),
                    (hour, minute),
                    1.0 + f64::from(i),
                )
            })
            .collect();
        let landed = ws.land("usgs", (hour, minute, 0), &snapshot(events));
        ws.metrics(&landed, 3, None);
    }
}

/// The README: "MongoDB unreachable means one line, nothing deleted and a non-zero exit,
/// within seconds", and "Every stage fails within seconds, with one line, when the server does
/// not answer". A standalone MongoDB that dies after the run's first ping (its machine
/// rebooted) has no election to wait for, yet each later operation of the run now waits 30 s
/// for a server: the insert fails at once, and the restore note's read of the runs stored,
/// after the failure, waits 30 s before the line is said (4.5 s with
/// `serverSelectionTimeoutMS=3000`, the wait before a82a05c); a run by hand sits silent
/// meanwhile.
#[test]
fn a_mongodb_dying_mid_run_is_said_within_seconds() {
    let ws = Workspace::new("diesmidrun");
    land_ten_minutes(&ws, 4);
    let front = Front::start("insert", "records");
    let uri = format!("mongodb://127.0.0.1:{}/", front.port);
    let began = Instant::now();
    let output = ws.command(&uri).output().expect("summariser runs");
    let took = began.elapsed();
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), 20, "the files wait: {errors}");
    let lines = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .count();
    assert_eq!(lines, 1, "one line: {errors}");
    assert!(
        took < Duration::from_secs(15),
        "a server gone mid-run is said within seconds, not after {took:?}: {errors}"
    );
}
