//! The analyser writing a report while the summariser writes hours, as cron runs them (the
//! day report's job at :15 beside a summariser still at work since :05, a backfill).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};

const CONFIG: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"feed\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/feed\"\nevery = \"1h\"\nrecords = \"items\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"v\"]\n";

/// The summariser dates every hour it writes (`updated_at`) before it writes them, so an
/// analyser that reads the period between the two dates its report after those hours: the
/// report lacks them, and `--if-missing` (the crontab's hourly day job) takes it for written
/// once they were stored and leaves it as it is for good. Here the summariser stores three
/// weeks of hourly records (a backfill, or a run after a stop): the report is read while its
/// first 500 hours are written and the day's last 20 are not yet.
#[test]
fn a_report_read_while_the_summariser_wrote_its_hours_is_written_again_by_if_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for folder in ["raw", "reports"] {
        std::fs::create_dir_all(root.join(folder)).expect("folder");
    }
    std::fs::write(root.join("sources.toml"), CONFIG).expect("sources.toml");
    let mongo = testkit::MongoServer::shared();
    let database = mongo.fresh_database("hours-while-read");
    let uri = mongo.uri().to_owned();
    let day = Utc::now().date_naive() - TimeDelta::days(2);
    let last = day.and_hms_opt(23, 0, 0).expect("a time").and_utc();
    let items: Vec<serde_json::Value> = (0..520)
        .map(|back| {
            let time = last - TimeDelta::hours(back);
            serde_json::json!({"id": format!("r{back}"), "time": time.to_rfc3339(), "v": 1.0})
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "items": items })).expect("JSON");
    let landed_at = Utc::now() - TimeDelta::minutes(10);
    releve::rawfile::land(&root.join("raw"), "feed", landed_at, &body).expect("landed");
    let hold = root.join("hold");
    let mut summariser = {
        let _forking = common::writing_or_forking();
        Command::new(testkit::binary("summariser"))
            .current_dir(root)
            .args(["--mongodb-uri", &uri, "--database", &database])
            .env_remove("MONGODB_URI")
            .env(
                "RELEVE_HOLD_AT",
                format!("hourly-replaced:{}", hold.display()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("summariser starts")
    };
    let started = Instant::now();
    while !hold.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the summariser wrote its first 500 hours"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let date = day.to_string();
    let args = [
        "--mongodb-uri",
        uri.as_str(),
        "--database",
        database.as_str(),
        "--raw-dir",
        "raw",
        "--reports-dir",
        "reports",
        "--period",
        "day",
        "--date",
        date.as_str(),
    ];
    common::analyser_ok(root, &args);
    std::fs::remove_file(&hold).expect("the summariser goes on");
    assert!(summariser.wait().expect("summariser ends").success());
    // The crontab's next day job.
    let mut again = args.to_vec();
    again.push("--if-missing");
    let output = common::analyser_logging(root, &again, "info");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("written again") || said.contains("Wrote the report"),
        "the report lacks the day's last 20 hours, stored after it read the day, and is left as it is: {said}"
    );
}
