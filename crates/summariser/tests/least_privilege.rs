//! The summariser run by a MongoDB user of least privilege, as a university's DBA gives each
//! student group one: `readWrite` on its own database alone (no `listDatabases`, no
//! `clusterMonitor`, no `dbAdmin`, nothing on `admin` or any other database). A Python front
//! (`tests/fixtures/least_privilege_front.py`) before the shared test server refuses, as MongoDB
//! does (code 13, Unauthorized), every command such a user could not run, and answers
//! `listCollections {authorizedCollections: true, nameOnly: true}` of a database the user holds
//! no privilege on with no collection, as MongoDB does.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{Workspace, quake, snapshot};

/// A running `least_privilege_front.py`; killed when dropped.
struct Front {
    child: Child,
    port: u16,
}

impl Front {
    /// Starts the front before the shared test server for a user holding `role` on the
    /// database `db` alone.
    fn start(db: &str, role: &str) -> Front {
        Front::start_with(serde_json::json!({"db": db, "role": role}))
    }

    /// Starts the front with its whole `setting` (see the fixture's doc).
    fn start_with(setting: serde_json::Value) -> Front {
        let upstream = testkit::MongoServer::shared()
            .uri()
            .rsplit(':')
            .next()
            .and_then(|port| port.trim_end_matches('/').parse::<u16>().ok())
            .expect("the test server's port");
        let mut child = Command::new("python3")
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/least_privilege_front.py"),
            )
            .arg(upstream.to_string())
            .arg(setting.to_string())
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

    /// The front's URI, with `path` after the host (`/DB?…`, or `/?authSource=admin`).
    fn uri(&self, path: &str) -> String {
        format!("mongodb://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lands five minutes of a `1m` USGS source at `hour`, with their metrics.
fn land_five_minutes(ws: &Workspace, hour: u32) {
    for minute in 0..5 {
        let events = (0..2)
            .map(|i| quake(&format!("us{hour}{minute}{i}"), (hour, minute), 1.0))
            .collect();
        let landed = ws.land("usgs", (hour, minute, 0), &snapshot(events));
        ws.metrics(&landed, 2, None);
    }
}

/// The group's user has lost its role on the group's database (the DBA's end-of-term revoke,
/// a role granted again under another name): MongoDB still logs it in, and answers the
/// summariser's `listCollections {authorizedCollections: true}` with no collection, as it
/// does for any database the user holds no privilege on. The summariser takes that for a
/// database without relevé data and says "the database `…` holds no relevé data, but
/// raw/.summariser-database says this raw folder was summarised into a database of that name
/// (on another server, or since dropped?) … run once with --new-database to start a new
/// database": the data is all there, the user may no longer read it, and nothing says so (the
/// run given --new-database, as advised, only then meets `not authorized`).
#[tokio::test]
async fn a_user_no_longer_allowed_its_database_is_told_so_not_that_the_database_was_dropped() {
    let ws = Workspace::new("lpnorole");
    land_five_minutes(&ws, 3);
    ws.summarise();
    land_five_minutes(&ws, 4);
    let waiting = ws.remaining("usgs");
    // The user holds `readWrite` on another database, none on this one.
    let front = Front::start("releve_other_group", "readWrite");
    let output = ws
        .command(&front.uri("/?directConnection=true"))
        .output()
        .expect("summariser runs");
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    let line = errors
        .lines()
        .find(|line| line.starts_with("summariser: "))
        .unwrap_or_default();
    assert!(
        !line.contains("holds no relevé data") && !line.contains("dropped"),
        "the database holds its data, which the user may not read: not said as a database without relevé data, or dropped: {line}"
    );
    assert!(
        line.contains("not authorized") || line.contains("privilege") || line.contains("role"),
        "the line says the MongoDB user is not allowed the database (a role to ask the DBA for): {line}"
    );
}

/// The README's first MongoDB example is a URI without a database in its path
/// (`mongodb://releve:PASSWORD@db.example.org:27017/?authSource=admin`), and cron's lines give
/// no `--database`: a student group's user, allowed `readWrite` on `releve_g3` alone, copying
/// it, has every run write to the default `releve`, which MongoDB refuses. The line says "not
/// authorized on releve …; the MongoDB user may not do this here: the summariser needs the
/// `readWrite` role on its database": the user holds that role on its database, and the DBA
/// asked finds it so; nothing says that `releve` was taken because the URI names no database,
/// nor to name the group's database in the URI's path (or give --database).
#[test]
fn a_user_allowed_one_database_given_a_uri_without_it_is_told_to_name_it() {
    let ws = Workspace::new("lpnopath");
    land_five_minutes(&ws, 3);
    let waiting = ws.remaining("usgs");
    let front = Front::start(&ws.database, "readWrite");
    let uri = front.uri("/?authSource=admin&directConnection=true");
    let output = ws.command_with(&["--mongodb-uri", &uri]);
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    let line = errors
        .lines()
        .find(|line| line.starts_with("summariser: "))
        .unwrap_or_default();
    assert!(
        line.contains("releve"),
        "the line names the database refused: {line}"
    );
    assert!(
        line.contains("path") || line.contains("--database"),
        "the line says the database `releve` is the default, the URI naming none, and to name the user's own database in the URI's path or with --database: {line}"
    );
}

/// A university's MongoDB (Enterprise) often logs its users in through the campus Kerberos
/// (`authMechanism=GSSAPI&authSource=$external`, as MongoDB's tools and drivers take it): a
/// valid URI. relevé's driver is built without Kerberos, and the line reads "MongoDB URI … is
/// invalid: An invalid argument was provided: GSSAPI auth is only supported with the
/// gssapi-auth feature flag" (exit 2): the URI is not invalid, a Rust build flag means nothing
/// to a student, and the README's MongoDB section names no login mechanism relevé cannot use
/// (nor what to ask the DBA for instead: a SCRAM user with a password, or x.509).
#[test]
fn a_kerberos_login_is_said_unsupported_not_an_invalid_uri() {
    let ws = Workspace::new("lpkerberos");
    land_five_minutes(&ws, 3);
    let waiting = ws.remaining("usgs");
    let front = Front::start(&ws.database, "readWrite");
    let uri = front.uri(&format!(
        "/{}?authMechanism=GSSAPI&authSource=%24external&directConnection=true",
        ws.database
    ));
    let uri = uri.replacen("mongodb://", "mongodb://group3%40CAMPUS.EXAMPLE.EDU@", 1);
    let output = ws.command_with(&["--mongodb-uri", &uri]);
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    let line = errors
        .lines()
        .find(|line| line.starts_with("summariser: "))
        .unwrap_or_default();
    assert!(
        !line.contains("feature flag") && !line.contains("is invalid"),
        "a valid URI asking for Kerberos is not said invalid, nor told by a build flag of the driver: {line}"
    );
}

/// The same student group on MongoDB Atlas's free tier (M0), its user given `readWrite` on
/// `releve_g3` alone in Database Access, with Atlas's connection string (no database in its
/// path). Atlas's shared tiers refuse through their proxy in their own words: "user is not
/// allowed to do action [find] on [releve.runs]", code 8000 (AtlasError), not code 13. The
/// summariser, which reads a refusal only from "Unauthorized" or "not authorized", says neither
/// that `releve` is the default taken for want of a database in the URI's path nor to name the
/// group's own there: the advice b53e8ed gives this very user on any other MongoDB.
#[test]
fn an_atlas_user_allowed_one_database_given_a_uri_without_it_is_told_to_name_it() {
    let ws = Workspace::new("lpatlas");
    land_five_minutes(&ws, 3);
    let waiting = ws.remaining("usgs");
    let front = Front::start_with(
        serde_json::json!({"db": ws.database, "role": "readWrite", "refusal": "atlas"}),
    );
    let uri = front.uri("/?authSource=admin&directConnection=true");
    let output = ws.command_with(&["--mongodb-uri", &uri]);
    let errors = common::stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert_eq!(ws.remaining("usgs"), waiting, "the files wait: {errors}");
    let line = errors
        .lines()
        .find(|line| line.starts_with("summariser: "))
        .unwrap_or_default();
    assert!(
        line.contains("path") || line.contains("--database"),
        "the line says the database `releve` is the default, the URI naming none, and to name the user's own database in the URI's path or with --database: {line}"
    );
}
