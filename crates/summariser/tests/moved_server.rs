//! A database moved to a new server under its name, the old server still running: its copy
//! holds the same data and names the same raw folder, so a cron line (or a `MONGODB_URI` above
//! relevé's crontab block) still giving the old server's URI had the runs go to one server and
//! the other in turn, without a word. Each switch is said, naming both servers.

mod common;

use common::{Workspace, quake, snapshot, stderr};

/// The warning's words, as a line of the run's output says them.
const MOVED: &str = "was last summarised on the server";

/// The server part of a test server's URI (`127.0.0.1:PORT`), as the warning names it.
fn server(uri: &str) -> String {
    releve::store::server(uri).expect("a server in the test server's URI")
}

/// The lines of a run's output saying the database is on another server.
fn moved_lines(output: &std::process::Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter(|line| line.contains(MOVED))
        .map(str::to_owned)
        .collect()
}

/// A run on `uri` that succeeds.
fn run_on(ws: &Workspace, uri: &str) -> std::process::Output {
    let output = ws
        .command(uri)
        .env_remove("MONGODB_URI")
        .output()
        .expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

/// Copied to a new server, the database is summarised there; one cron line still gives the
/// old server's URI. Every run on the other server than the last says so in one line naming
/// both; a run on the same server as the last says nothing of it.
#[tokio::test]
async fn runs_alternating_between_two_servers_say_each_switch() {
    let ws = Workspace::new("twoservers");
    let old_uri = testkit::MongoServer::shared().uri().to_owned();
    let new_server = testkit::MongoServer::another();
    let new_uri = new_server.uri().to_owned();
    let old = server(&old_uri);
    let new = server(&new_uri);
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    assert!(moved_lines(&run_on(&ws, &old_uri)).is_empty());
    ws.copy_to(&new_uri).await;

    // The move: said once, as expected once.
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 1.0)]),
    );
    let moved = moved_lines(&run_on(&ws, &new_uri));
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(
        moved[0].contains(&format!(
            "on the server {old}, and this run writes the database of that name on {new}"
        )) && moved[0].contains("expected once after moving it to a new server")
            && moved[0].contains("look at which MongoDB URI cron's lines and .env give"),
        "{moved:?}"
    );
    // The next run on the new server: nothing to say.
    ws.land(
        "usgs",
        (11, 30, 0),
        &snapshot(vec![quake("c", (11, 5), 1.0)]),
    );
    let again = moved_lines(&run_on(&ws, &new_uri));
    assert!(again.is_empty(), "{again:?}");

    // The old cron line's run, then the new one's: each switch said.
    ws.land(
        "usgs",
        (12, 30, 0),
        &snapshot(vec![quake("d", (12, 5), 1.0)]),
    );
    let back = moved_lines(&run_on(&ws, &old_uri));
    assert_eq!(back.len(), 1, "a run on the old server went unsaid");
    assert!(
        back[0].contains(&format!(
            "on the server {new}, and this run writes the database of that name on {old}"
        )),
        "{back:?}"
    );
    ws.land(
        "usgs",
        (13, 30, 0),
        &snapshot(vec![quake("e", (13, 5), 1.0)]),
    );
    let forth = moved_lines(&run_on(&ws, &new_uri));
    assert_eq!(forth.len(), 1, "a run back on the new server went unsaid");
    assert!(
        forth[0].contains(&format!(
            "on the server {old}, and this run writes the database of that name on {new}"
        )),
        "{forth:?}"
    );
}

/// A raw folder's record of before 8 December 2026 names its database alone: the next run
/// goes on as before, says nothing of servers, and notes the server beside the name.
#[test]
fn a_record_of_the_database_alone_is_completed_unsaid() {
    let ws = Workspace::new("recordupgrade");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    ws.summarise();
    let record = releve::rawfile::summariser_database(&ws.raw());
    std::fs::write(&record, format!("{}\n", ws.database)).expect("a record of the name alone");

    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 1.0)]),
    );
    let uri = testkit::MongoServer::shared().uri();
    let upgraded = run_on(&ws, uri);
    assert!(moved_lines(&upgraded).is_empty(), "{}", stderr(&upgraded));
    assert_eq!(
        std::fs::read_to_string(&record).expect("the record"),
        format!("{}\nserver {}\n", ws.database, server(uri))
    );
}
