//! A Raspberry Pi without a real-time clock, MongoDB on the Pi itself: some images boot with
//! the clock at 1970-01-01 and keep it there until NTP sets it, a minute or more later, while
//! cron already starts the stages. The collector waits for the clock (its own
//! `clock_not_set.rs`); the summariser and the analyser, run as cron runs them, under
//! libfaketime (`testkit::faketime`; `scripts/test.sh` installs it), do too. MongoDB reads 1970 as
//! well (nx-27017 under libfaketime): the summariser's comparison of the two clocks agrees.

mod common;

use std::process::{Child, Output, Stdio};

use chrono::{TimeDelta, Utc};
use common::installation::{Installation, land};

const CONFIG: &str = r#"
[[source]]
name = "quakes"
kind = "http_json"
url = "http://127.0.0.1:9/quakes"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
"#;

/// The clock at boot, in UTC.
const BOOT: &str = "1970-01-01 00:01:00";

/// nx-27017 at the boot's clock, on a port of its own: a MongoDB on the Pi itself.
struct MongoAtBoot {
    server: Child,
    uri: String,
    _dir: tempfile::TempDir,
}

impl MongoAtBoot {
    fn start() -> MongoAtBoot {
        let dir = tempfile::tempdir().expect("a folder for the server");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let server =
            testkit::faketime::command(testkit::workspace_root().join(".venv/bin/nx-27017"), BOOT)
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .arg("--data-dir")
                .arg(dir.path().join("data"))
                .arg("--log-file")
                .arg(dir.path().join("nx.log"))
                .arg("--pid-file")
                .arg(dir.path().join("nx.pid"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("nx-27017 starts (scripts/mongo-local.sh install)");
        let mut at_boot = MongoAtBoot {
            server,
            uri: format!("mongodb://127.0.0.1:{port}"),
            _dir: dir,
        };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return at_boot;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = at_boot.server.kill();
        panic!("nx-27017 at 1970 did not listen on {}", at_boot.uri);
    }
}

impl Drop for MongoAtBoot {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The real binary `stage` in `install`'s folder with `args`, its clock at [`BOOT`], running
/// on from there, on the database `uri` names.
fn at_boot(install: &Installation, uri: &str, stage: &str, args: &[&str]) -> Output {
    let _forking = common::writing_or_forking();
    testkit::faketime::command(testkit::binary(stage), BOOT)
        .args(args)
        .args(["--mongodb-uri", uri, "--database", &install.database])
        .current_dir(install.root())
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "info")
        .output()
        .expect("the stage runs")
}

/// The one line a stage said at 1970, and that it exited 2.
fn says_the_clock_is_not_set(stage: &str, run: &Output) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stage}: {stderr}");
    let said: Vec<&str> = stderr.lines().collect();
    assert_eq!(said.len(), 1, "{stage}: one line, the clock's: {stderr}");
    assert!(
        said[0].starts_with(&format!("{stage}: the clock reads 1970-01-01"))
            && said[0].contains("NTP"),
        "{stage} says the clock is not set yet: {stderr}"
    );
}

/// The files landed before the boot waited for a set clock: at 1970 the summariser took the
/// database's run (its lock, its `runs`), stored them and deleted them, every hour summarised
/// "dated more than a year ahead" of a clock reading 1970; the analyser's day job wrote, or
/// tried, a report of 31 December 1969. Each waits for the clock, in one line, exit 2.
#[tokio::test]
async fn a_clock_at_1970_after_a_boot_summarises_and_reports_nothing() {
    let install = Installation::new("clock-not-set", CONFIG);
    let landed_at = Utc::now() - TimeDelta::minutes(5);
    let quake = serde_json::json!({"type": "Feature", "id": "a",
        "properties": {"mag": 1.5, "time": landed_at.timestamp_millis()}});
    land(&install.raw(), "quakes", landed_at, vec![quake], 60);
    let waiting = releve::rawfile::list(&install.raw(), "quakes").expect("landed files");

    let mongo = MongoAtBoot::start();
    let summariser = at_boot(&install, &mongo.uri, "summariser", &[]);
    says_the_clock_is_not_set("summariser", &summariser);
    assert_eq!(
        releve::rawfile::list(&install.raw(), "quakes").expect("landed files"),
        waiting,
        "the files wait for a set clock"
    );
    let db = mongodb::Client::with_uri_str(&mongo.uri)
        .await
        .expect("client")
        .database(&install.database);
    let collections = db.list_collection_names().await.expect("collections");
    assert!(collections.is_empty(), "nothing stored: {collections:?}");

    let analyser = at_boot(
        &install,
        &mongo.uri,
        "analyser",
        &["--raw-dir", "raw", "--if-missing"],
    );
    says_the_clock_is_not_set("analyser", &analyser);
    let reports = std::fs::read_dir(install.root().join("reports"))
        .expect("reports/")
        .count();
    assert_eq!(reports, 0, "no report written");

    let status = at_boot(&install, &mongo.uri, "analyser", &["status"]);
    says_the_clock_is_not_set("analyser", &status);
    assert!(status.stdout.is_empty(), "no table of 1970");

    install.summarise();
    let left = releve::rawfile::list(&install.raw(), "quakes").expect("landed files");
    assert!(
        left.is_empty(),
        "summarised once the clock is set: {left:?}"
    );
}
