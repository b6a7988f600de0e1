//! The summariser on MongoDB Atlas's free tier (M0), whose answers a Python front
//! (`tests/fixtures/atlas_front.py`) gives before the shared test server: a primary stepping
//! down during a run (Atlas's rolling maintenance), and writes refused over the space quota.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{Workspace, quake, snapshot};
use mongodb::bson::doc;

/// A running `atlas_front.py`; killed when dropped.
struct Front {
    child: Child,
    port: u16,
}

impl Front {
    /// Starts the front before the shared test server, with its `setting` (JSON, see the
    /// script).
    fn start(setting: &serde_json::Value) -> Front {
        Front::start_logging(setting, None)
    }

    /// Starts the front, which appends what it does with each command to `log` when given.
    fn start_logging(setting: &serde_json::Value, log: Option<&Path>) -> Front {
        let upstream = testkit::MongoServer::shared()
            .uri()
            .rsplit(':')
            .next()
            .and_then(|port| port.trim_end_matches('/').parse::<u16>().ok())
            .expect("the test server's port");
        let mut command = Command::new("python3");
        command
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/atlas_front.py"))
            .arg(upstream.to_string())
            .arg(setting.to_string())
            .stdout(Stdio::piped());
        match log {
            Some(log) => command.env("ATLAS_FRONT_LOG", log),
            None => command.env_remove("ATLAS_FRONT_LOG"),
        };
        let mut child = command.spawn().expect("python3 runs the front");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("its port");
        let port = line.trim().parse().expect("a port");
        Front { child, port }
    }

    /// The URI of the front as the one member of an Atlas replica set.
    fn replica_set_uri(&self) -> String {
        format!(
            "mongodb://127.0.0.1:{}/?replicaSet=atlas-test-shard-0",
            self.port
        )
    }

    /// The URI of the front as a single server.
    #[allow(dead_code)]
    fn direct_uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}/?directConnection=true", self.port)
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
    land_minutes(ws, hour, 0..10);
}

/// Lands `minutes` of `hour` of a `1m` USGS source (three new events a file), with their
/// metrics.
fn land_minutes(ws: &Workspace, hour: u32, minutes: std::ops::Range<u32>) {
    for minute in minutes {
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

/// Lands and summarises ten minutes of hour 4, then lands ten more of it: the next run
/// replaces the hour's stored summary (an `update` of `hourly`) instead of inserting it.
fn land_a_revision_of_a_stored_hour(ws: &Workspace) {
    land_minutes(ws, 4, 0..10);
    ws.summarise();
    land_minutes(ws, 4, 10..20);
}

/// What MongoDB holds of the workspace's `usgs` source: records, runs, and the records its
/// hours count.
async fn stored(ws: &Workspace) -> (u64, u64, i64) {
    let db = ws.db().await;
    let records = db
        .collection::<mongodb::bson::Document>("records")
        .count_documents(doc! {"source": "usgs"})
        .await
        .expect("records counted");
    let runs = db
        .collection::<mongodb::bson::Document>("runs")
        .count_documents(doc! {"source": "usgs"})
        .await
        .expect("runs counted");
    let counted = ws
        .documents("hourly")
        .await
        .iter()
        .filter(|hour| hour.get_str("source") == Ok("usgs"))
        .map(common::count)
        .sum();
    (records, runs, counted)
}

/// Atlas's maintenance restarts the members of an M0 cluster one by one: the primary steps
/// down and the set elects another within seconds. A write of that moment is answered
/// `NotWritablePrimary` (10107, labelled `RetryableWriteError`), and the driver retries a
/// retryable write once the new primary is found. The summariser sends its `update` commands
/// (the summaries of hours already stored, the records' last files) raw, through
/// `run_command`, which the driver never retries: a step-down of a second at the summaries'
/// update failed the hourly run (a cron mail "not primary"), where the same step-down at an
/// insert is ridden over. The hour is stored by a first run, so that the second replaces it.
#[tokio::test]
async fn a_primary_stepping_down_at_the_summaries_update_does_not_fail_the_run() {
    summarised_over_a_step_down(
        "atlasstepdownupdate",
        ("update", "hourly", 1),
        Landed::RevisionOfAStoredHour,
        "a step-down of 1 s at the update of stored hours' summaries is ridden over",
    )
    .await;
}

/// The summaries of hours `hourly` does not hold yet are inserted (`insert_many`, which the
/// driver retries): a step-down at that insertion is ridden over too, the files deleted only
/// once their data is stored.
#[tokio::test]
async fn a_primary_stepping_down_at_the_new_hours_insertion_does_not_fail_the_run() {
    summarised_over_a_step_down(
        "atlasstepdowninsert",
        ("insert", "hourly", 1),
        Landed::NewHour,
        "a step-down of 1 s at the insertion of new hours' summaries is ridden over",
    )
    .await;
}

/// An election of Atlas's rolling maintenance takes several seconds (MongoDB gives a median
/// under 12 s). The driver retries an insert refused by the primary stepping down once it has
/// found the new one, but the summariser gives every operation's server selection 3 s (its
/// `serverSelectionTimeoutMS` unless the URI sets one), meant for a server that does not
/// answer at all: the retry gives up before the election ends, and the run fails with
/// "Error code 10107 (NotWritablePrimary): not primary". With the driver's own 30 s the same
/// run succeeds.
#[tokio::test]
async fn an_election_of_several_seconds_mid_run_is_waited_for() {
    summarised_over_a_step_down(
        "atlaselection",
        ("insert", "records", 8),
        Landed::NewHour,
        "an election of 8 s during an insert is waited for, the insert retried",
    )
    .await;
}

/// What a step-down test lands before the run through the front.
enum Landed {
    /// Ten minutes of an hour `hourly` does not hold: its summary is inserted.
    NewHour,
    /// Ten more minutes of an hour a first run stored: its summary is replaced.
    RevisionOfAStoredHour,
}

/// Summarises quakes of hour 4 (`landed`) through a replica set whose primary steps down at
/// the first `command` on `collection`, its election taking `election_s`: the step-down
/// happens, the run succeeds (`why` it should), every file stored, nothing lost or doubled.
async fn summarised_over_a_step_down(
    label: &str,
    (command, collection, election_s): (&str, &str, u64),
    landed: Landed,
    why: &str,
) {
    let ws = Workspace::new(label);
    let expected = match landed {
        Landed::NewHour => {
            land_ten_minutes(&ws, 4);
            (30, 10, 30)
        }
        Landed::RevisionOfAStoredHour => {
            land_a_revision_of_a_stored_hour(&ws);
            (60, 20, 60)
        }
    };
    let log = ws.dir.path().join("front.log");
    let front = Front::start_logging(
        &serde_json::json!({
            "rules": [],
            "replica_set": {
                "step_down_at": command,
                "collection": collection,
                "election_s": election_s,
            },
        }),
        Some(&log),
    );
    let output = ws
        .command(&front.replica_set_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    let seen = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        seen.contains(&format!("not primary {command} {collection}")),
        "the primary stepped down at the {command} of {collection}: {seen}"
    );
    assert!(output.status.success(), "{why}: {errors}");
    assert_eq!(ws.remaining("usgs"), 0, "every file stored: {errors}");
    assert_eq!(stored(&ws).await, expected, "nothing lost or doubled");
}

/// Over its 512 MB, an M0 cluster refuses every write with Atlas's error (its documented
/// shape: a write error, code 8000, "you are over your space quota, using 513 MB of 512 MB").
/// The files wait, as they should, but the line cron mails names an internal step ("noting
/// pending hours of `usgs`") and Atlas's words alone: nothing says that relevé's data must
/// shrink (a lower `keep_days`, applied to the stored records as the README's Retention shows,
/// or old records deleted), so each hourly run mails the same line until someone finds out.
#[tokio::test]
async fn atlas_over_its_space_quota_says_how_to_free_space() {
    let ws = Workspace::new("atlasquota");
    land_ten_minutes(&ws, 3);
    ws.summarise();
    land_ten_minutes(&ws, 4);
    let waiting = ws.remaining("usgs");
    let over = serde_json::json!({"writeErrorEach": {
        "code": 8000,
        "errmsg": "you are over your space quota, using 513 MB of 512 MB",
    }});
    let front = Front::start(&serde_json::json!([
        {"command": "insert", "reply": over},
        {"command": "update", "reply": over},
    ]));
    let output = ws
        .command(&front.direct_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    drop(front);
    // Space freed: the next run stores the files that waited.
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(stored(&ws).await, (60, 20, 60), "nothing lost or doubled");
    let lines: Vec<&str> = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {errors}");
    assert!(
        lines[0].contains("space quota") && lines[0].contains("keep_days"),
        "the line says the database is full and how to free space (lower keep_days, delete old records): {}",
        lines[0]
    );
}

/// The quota reached between the batch's note of its pending hours (a small write, taken) and
/// its records' insertion: Atlas refuses each record with its code 8000, which the summariser
/// read as the records' own fault and quarantined the good files (to be moved back by hand),
/// the run's line naming the quarantine, not the quota.
#[tokio::test]
async fn atlas_over_its_quota_at_the_records_quarantines_nothing() {
    let ws = Workspace::new("atlasquotarecords");
    land_ten_minutes(&ws, 3);
    let waiting = ws.remaining("usgs");
    let over = serde_json::json!({"writeErrorEach": {
        "code": 8000,
        "errmsg": "you are over your space quota, using 512 MB of 512 MB",
    }});
    let front = Front::start(&serde_json::json!([
        {"command": "insert", "collection": "records", "reply": over},
    ]));
    let output = ws
        .command(&front.direct_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert!(
        !ws.raw().join("_quarantine").exists(),
        "nothing quarantined: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    let lines: Vec<&str> = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {errors}");
    assert!(
        lines[0].contains("space quota") && lines[0].contains("keep_days"),
        "{}",
        lines[0]
    );
    drop(front);
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(stored(&ws).await, (30, 10, 30), "nothing lost or doubled");
}

/// The quota reached at the hours' summaries (an `update` command, or the insertion of the
/// summaries of new hours): the line gave Atlas's words alone, without the advice a refused
/// insertion of records gets. The hour landed is new, so its summary is inserted: the update
/// is the next test's.
#[tokio::test]
async fn atlas_over_its_quota_at_the_summaries_says_how_to_free_space() {
    let ws = Workspace::new("atlasquotahourly");
    land_ten_minutes(&ws, 3);
    let waiting = ws.remaining("usgs");
    let over = serde_json::json!({"writeErrorEach": {
        "code": 8000,
        "errmsg": "you are over your space quota, using 512 MB of 512 MB",
    }});
    let front = Front::start(&serde_json::json!([
        {"command": "insert", "collection": "hourly", "reply": over},
        {"command": "update", "collection": "hourly", "reply": over},
    ]));
    let output = ws
        .command(&front.direct_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    let lines: Vec<&str> = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {errors}");
    assert!(
        lines[0].contains("space quota") && lines[0].contains("keep_days"),
        "{}",
        lines[0]
    );
    drop(front);
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(stored(&ws).await, (30, 10, 30), "nothing lost or doubled");
}

/// The quota reached at the update of an hour a first run stored (its summary replaced, not
/// inserted, once the run's files are deleted, their records stored): the run stops with the
/// same one line, the hour keeps its earlier summary meanwhile, and once space is freed the
/// next run summarises it again. The front's log shows the refusal met the update.
#[tokio::test]
async fn atlas_over_its_quota_at_the_update_of_stored_hours_says_how_to_free_space() {
    let ws = Workspace::new("atlasquotahourlyupdate");
    land_a_revision_of_a_stored_hour(&ws);
    let over = serde_json::json!({"writeErrorEach": {
        "code": 8000,
        "errmsg": "you are over your space quota, using 512 MB of 512 MB",
    }});
    let log = ws.dir.path().join("front.log");
    let front = Front::start_logging(
        &serde_json::json!([
            {"command": "update", "collection": "hourly", "reply": over},
        ]),
        Some(&log),
    );
    let output = ws
        .command(&front.direct_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    let seen = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        seen.contains("refuse update hourly #1"),
        "the rule met the summaries' update: {seen}"
    );
    assert!(!output.status.success(), "{errors}");
    let lines: Vec<&str> = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {errors}");
    assert!(
        lines[0].contains("space quota") && lines[0].contains("keep_days"),
        "{}",
        lines[0]
    );
    assert_eq!(
        stored(&ws).await,
        (60, 20, 30),
        "the records stored, the hour's summary the first run's: {errors}"
    );
    drop(front);
    // Space freed: the next run, with no file to read, summarises the hour again.
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(stored(&ws).await, (60, 20, 60), "nothing lost or doubled");
}

/// A loopback server answering each connection as Atlas answers an address its IP access list
/// (Network Access) does not hold: with a fatal TLS alert, `internal_error`, to the driver's
/// ClientHello (`alert`), or by closing the connection before any TLS (`!alert`).
fn refusing_server(alert: bool) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            let Ok(mut connection) = connection else {
                continue;
            };
            if alert {
                let mut hello = [0u8; 16384];
                let _ = connection.read(&mut hello);
                // A TLS 1.2 alert record: fatal (2), internal_error (80).
                let _ = connection.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 80]);
            }
            let _ = connection.shutdown(std::net::Shutdown::Both);
        }
    });
    port
}

/// A laptop carried from the campus network to home reaches Atlas from an address its IP
/// access list does not hold. Atlas then answers the TLS handshake with a fatal
/// `internal_error` alert (what Node's driver shows as "tlsv1 alert internal error"), or drops
/// the connection before it ("disconnected before secure TLS connection was established").
/// The README says a server closing each connection at once "is said so, with … an access
/// list (MongoDB Atlas's Network Access)" advised where the URI asks for TLS; the summariser's
/// line reads "is unreachable (no server answered in time): check the URI and that the server
/// runs" for the alert, "(the TLS handshake failed)" for the drop: the URI is right, the server
/// runs, and nothing names Network Access (only a reset connection is read as closed).
#[test]
fn an_address_atlas_does_not_allow_is_told_to_check_its_network_access() {
    let ws = Workspace::new("atlasaccesslist");
    land_ten_minutes(&ws, 4);
    for alert in [true, false] {
        let port = refusing_server(alert);
        let uri = format!("mongodb://releve:secret@127.0.0.1:{port}/?tls=true&authSource=admin");
        let output = ws.command(&uri).output().expect("summariser runs");
        let errors = common::stderr(&output);
        assert!(!output.status.success(), "{errors}");
        assert_eq!(ws.remaining("usgs"), 20, "the files wait: {errors}");
        assert!(
            errors.contains("Network Access"),
            "a TLS connection refused {} is said as one Atlas's access list may refuse: {errors}",
            if alert {
                "with an alert"
            } else {
                "before its handshake"
            }
        );
    }
}

/// A primary shut down for Atlas's maintenance while the summaries' `update` waits for its
/// write concern (`w: "majority"`, the summariser's) answers `ok: 1` with a write concern error
/// `ShutdownInProgress` (91), the shape the drivers' retryable-writes specification retries.
/// The driver retries an insert so answered (the server labels it `RetryableWriteError`, the
/// insert carrying a transaction number; checked with this front). The `update` loop of
/// a82a05c sends its command again only for an error the driver returns, never for one in the
/// answer (nor does a server label a raw command's): the run fails "write concern not met:
/// Replication is being shut down", the step-down the commit says is waited out.
#[tokio::test]
async fn a_primary_shutting_down_as_the_summaries_update_awaits_its_majority_does_not_fail_the_run()
{
    let ws = Workspace::new("atlasstepdownconcern");
    land_a_revision_of_a_stored_hour(&ws);
    let log = ws.dir.path().join("front.log");
    let front = Front::start_logging(
        &serde_json::json!({
        "rules": [{
            "command": "update",
            "collection": "hourly",
            "from": 1,
            "to": 1,
            "reply": {
                "ok": 1.0,
                "n": 1,
                "nModified": 1,
                "writeConcernError": {
                    "code": 91,
                    "codeName": "ShutdownInProgress",
                    "errmsg": "Replication is being shut down",
                },
            },
        }],
        "replica_set": {"step_down_at": "none"},
        }),
        Some(&log),
    );
    let output = ws
        .command(&front.replica_set_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    let seen = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        seen.contains("refuse update hourly #1"),
        "the rule met the summaries' update: {seen}"
    );
    assert!(
        output.status.success(),
        "a primary shutting down as the update awaits its write concern is ridden over: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "every file stored: {errors}");
    assert_eq!(stored(&ws).await, (60, 20, 60), "nothing lost or doubled");
}

/// A primary that goes away as the summaries' `update` is sent (Atlas's maintenance
/// restarting it, its process killed) cuts the connection the command went on. The driver
/// retries an insert cut so, once it has found the primary again; the `update` loop sends its
/// command again only for an error a server answered (a step-down's codes or label), not for
/// the connection cut: the run fails "the connection to MongoDB broke", where the same cut at
/// an insert is ridden over.
#[tokio::test]
async fn a_connection_cut_by_the_primary_at_the_summaries_update_does_not_fail_the_run() {
    let ws = Workspace::new("atlascutupdate");
    land_a_revision_of_a_stored_hour(&ws);
    let log = ws.dir.path().join("front.log");
    let front = Front::start_logging(
        &serde_json::json!({
        "rules": [{
            "command": "update",
            "collection": "hourly",
            "from": 1,
            "to": 1,
            "reply": "close",
        }],
        "replica_set": {"step_down_at": "none"},
        }),
        Some(&log),
    );
    let output = ws
        .command(&front.replica_set_uri())
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    let seen = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        seen.contains("close update hourly #1"),
        "the rule met the summaries' update: {seen}"
    );
    assert!(
        output.status.success(),
        "a connection cut at the update is ridden over, as at an insert: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "every file stored: {errors}");
    assert_eq!(stored(&ws).await, (60, 20, 60), "nothing lost or doubled");
}
