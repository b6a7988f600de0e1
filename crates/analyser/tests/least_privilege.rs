//! The analyser run by a MongoDB user of least privilege, as a university's DBA gives each
//! student group one: the summariser's front (`least_privilege_front.py`, in the summariser's
//! test fixtures) before the shared test server refuses, as MongoDB does, what the user may
//! not run, and answers `listCollections {authorizedCollections: true, nameOnly: true}` of a
//! database the user holds no privilege on with no collection, as MongoDB does.

mod common;

use std::path::Path;

use chrono::{TimeDelta, Utc};
use common::front::Front;
use common::installation::{Installation, land};

const CONFIG: &str = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
records = "features"
key = "id"
time = "time"
"#;

/// The group's database holds a summarised hour; its user is no longer allowed it (its role
/// revoked, or granted on another name). MongoDB answers the analyser's `listCollections
/// {authorizedCollections: true}` with no collection, and every stage says the database
/// "holds no relevé data (no `hourly` or `runs` collection): check --database and
/// MONGODB_URI, and that the summariser has run" (`status`: "NO RELEVÉ DATA … run the
/// summariser once"): the data is there, the user may not read it, and nothing says so.
#[test]
fn a_report_for_a_user_not_allowed_the_database_says_so_not_that_it_holds_no_data() {
    let site = Installation::new("lpreportnorole", CONFIG);
    let at = Utc::now() - TimeDelta::hours(1);
    for minute in 0..3 {
        let at = at + TimeDelta::minutes(minute);
        let event = serde_json::json!({"id": format!("q{minute}"), "time": at.to_rfc3339()});
        land(&site.raw(), "usgs", at, vec![event], 60);
    }
    site.summarise();
    let script = Path::new("../../../summariser/tests/fixtures/least_privilege_front.py");
    let setting = serde_json::json!({"db": "releve_other_group", "role": "read"}).to_string();
    let front = Front::start(script.to_str().expect("a path"), &[Path::new(&setting)]);
    let uri = format!("mongodb://127.0.0.1:{}/?directConnection=true", front.port);
    let day = at.date_naive().to_string();
    let output = common::analyser(
        site.root(),
        &[
            "--mongodb-uri",
            &uri,
            "--database",
            &site.database,
            "--date",
            &day,
        ],
    );
    let errors = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{errors}");
    let line = errors
        .lines()
        .find(|line| line.starts_with("analyser: "))
        .unwrap_or_default();
    assert!(
        !line.contains("holds no relevé data"),
        "the database holds relevé data, which the user may not read: {line}"
    );
    assert!(
        line.contains("not authorized") || line.contains("privilege") || line.contains("role"),
        "the line says the MongoDB user is not allowed the database (the `read` role to ask for): {line}"
    );
}
