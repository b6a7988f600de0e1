//! A database restored from an older backup after its server died while the summariser was
//! storing files: the server of its own here (nx-27017), stopped halfway through a summariser
//! run as a server dies, started again and given last night's copy.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::installation::{self, Installation};

const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "quakes"
kind = "http_json"
url = "http://127.0.0.1:9/quakes"
every = "1h"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
"#;

/// Lands the hourly collections of `quakes` from `from` up to (not including) `until`.
fn land_hourly(raw: &Path, from: DateTime<Utc>, until: DateTime<Utc>) {
    let mut at = from;
    while at < until {
        let features: Vec<serde_json::Value> = (0..3)
            .map(|i| {
                let time = at - TimeDelta::minutes(10 * i + 1);
                serde_json::json!({
                    "id": format!("q{}-{i}", at.format("%Y%m%d%H")),
                    "properties": {"time": time.timestamp_millis(), "mag": 1.0 + i as f64},
                })
            })
            .collect();
        installation::land(raw, "quakes", at, features, 3600);
        at += TimeDelta::hours(1);
    }
}

/// An nx-27017 server of this test's own, which it can stop as a server dies.
struct OwnServer {
    dir: tempfile::TempDir,
}

impl OwnServer {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/mongo-local.sh")
    }

    /// Started on `port` (a free one when `None`); its URI.
    fn start(dir: &Path, port: Option<&str>) -> String {
        let mut command = Command::new(Self::script());
        command.arg("start").arg(dir);
        command.args(port);
        let output = command.output().expect("mongo-local.sh runs");
        assert!(
            output.status.success(),
            "nx-27017 starts: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    fn stop(&self) {
        let status = Command::new(Self::script())
            .arg("stop")
            .arg(self.dir.path())
            .status()
            .expect("mongo-local.sh runs");
        assert!(status.success(), "nx-27017 stops");
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = Command::new(Self::script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

/// `quakes` collected hourly; last night's copy of the database taken at midnight; the day's
/// files summarised each hour. During this hour's summariser run the MongoDB server dies, after
/// the run stored the last two hours' files and deleted them: its next write fails, and with it
/// its reading of the newest runs, so `raw/.summariser-newest-run` keeps the hour before. The
/// server is brought back from last night's copy. The summariser's next run says the runs lost
/// "stored up to" the hour before last, and keeps that stretch in `installation.lost_runs`:
/// the last two hours' runs and records, lost with the rest and their files deleted, are left
/// out, so the user collects again up to the hour before last, and the reports of those hours
/// ask whether the collector was stopped.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_dying_during_a_summariser_run_has_the_runs_it_stored_said_lost() {
    let server_dir = tempfile::tempdir().expect("temp dir");
    let uri = OwnServer::start(server_dir.path(), None);
    let port = uri.rsplit(':').next().expect("port").to_owned();
    let server = OwnServer { dir: server_dir };
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), CONFIG).expect("sources.toml");
    for folder in ["raw", "reports"] {
        std::fs::create_dir_all(dir.path().join(folder)).expect("folder");
    }
    let install = Installation {
        dir,
        uri: uri.clone(),
        database: "releve".to_owned(),
    };
    let raw = install.raw();
    let now = Utc::now();
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).expect("hour");
    let backup_at = (this_hour - TimeDelta::hours(6))
        .duration_trunc(TimeDelta::days(1))
        .expect("midnight");
    land_hourly(&raw, backup_at - TimeDelta::days(2), backup_at);
    install.summarise();
    install.copy(&install.database, "releve_backup").await;
    // The day's hours, summarised as they land, up to the hour before last.
    let last_noted = this_hour - TimeDelta::hours(3);
    land_hourly(&raw, backup_at, last_noted + TimeDelta::hours(1));
    install.summarise();

    // This hour's run stores the last two hours' files; the server dies as it goes on.
    land_hourly(&raw, this_hour - TimeDelta::hours(2), this_hour);
    let held = install.root().join("held");
    let mut run = {
        let _forking = common::writing_or_forking();
        Command::new(testkit::binary("summariser"))
            .current_dir(install.root())
            .args([
                "--mongodb-uri",
                &install.uri,
                "--database",
                &install.database,
            ])
            .env_remove("MONGODB_URI")
            .env("RELEVE_HOLD_AT", format!("file-deleted:{}", held.display()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("summariser runs")
    };
    for _ in 0..600 {
        if held.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(held.exists(), "the summariser reached its files' deletion");
    server.stop();
    std::fs::remove_file(&held).expect("let it go on");
    let _ = tokio::task::spawn_blocking(move || run.wait())
        .await
        .expect("waited");
    let waiting = std::fs::read_dir(raw.join("quakes"))
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(
        waiting, 0,
        "the run stored and deleted the last two hours' files before the server died"
    );

    // The server is brought back, from last night's copy.
    assert_eq!(OwnServer::start(server.dir.path(), Some(&port)), uri);
    install.copy("releve_backup", &install.database).await;
    installation::land(
        &raw,
        "quakes",
        now - TimeDelta::minutes(1),
        Vec::new(),
        3600,
    );
    let said = install.summarise();
    let said = String::from_utf8_lossy(&said.stderr).into_owned();
    let warning = said
        .lines()
        .find(|line| line.contains("restored from an older backup"))
        .unwrap_or_default();
    let newest_stored = (this_hour - TimeDelta::hours(1))
        .format("%Y-%m-%d %H:%M UTC")
        .to_string();
    assert!(
        warning.contains(&format!("stored up to {newest_stored}")),
        "the summariser stored runs up to {newest_stored} in the database before its server \
         died, and deleted their files; the restore loses them, yet the stretch said lost ends \
         at the run before (the note of the run before that):\n{warning}"
    );
}
