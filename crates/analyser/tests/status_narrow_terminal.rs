//! `analyser status` typed in an 80-column terminal: its table, 190 columns wide with a
//! source's last error, was folded by the terminal into lines no column could be read in. In a
//! terminal narrower than the table each source takes its own lines, each fitting; piped
//! (`| grep FAILING`, cron's mail) it stays the one-line-a-source table.

use std::path::Path;
use std::process::Command;

use chrono::{TimeDelta, Utc};
use releve::RunMetrics;
use releve::rawfile::{self, RawFileName};

const CONFIG: &str = r#"
[[source]]
name = "usgs-earthquakes"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
key = "id"
time = "time"

[[source]]
name = "open-meteo-toulouse-hourly"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "1h"
key = "id"
time = "time"
"#;

const ERROR: &str = "GET: gave up after 5 attempts: connection to api.example.org:443 failed: \
                     Connection refused (os error 111)";

fn metrics(source: &str, minutes_ago: i64, error: Option<&str>) -> RunMetrics {
    let started = Utc::now() - TimeDelta::minutes(minutes_ago);
    RunMetrics {
        window_parts: None,
        source: source.to_owned(),
        kind: "http_json".to_owned(),
        file: None,
        started,
        finished: started + TimeDelta::seconds(2),
        duration_ms: Some(2000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: if error.is_none() { 10 } else { 0 },
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: error.map(str::to_owned),
        day: None,
        every_s: None,
        disabled_from: None,
        retry_from: None,
        scheduled_from: None,
    }
}

/// A site whose `usgs-earthquakes` last run failed (its metrics waiting in `raw/`) and whose
/// other source landed a file: MongoDB is not needed for the table.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), CONFIG).expect("write sources.toml");
    let raw = dir.path().join("raw");
    std::fs::create_dir_all(&raw).expect("raw dir");
    let landed = metrics("open-meteo-toulouse-hourly", 5, None);
    let name = rawfile::land(&raw, &landed.source, landed.started, b"[]").expect("land a file");
    let json = serde_json::to_vec(&landed).expect("metrics as JSON");
    rawfile::write_metrics(&raw, &name, &json).expect("write metrics");
    let failed = metrics("usgs-earthquakes", 1, Some(ERROR));
    let name = RawFileName::data(&failed.source, failed.started, 1);
    let json = serde_json::to_vec(&failed).expect("metrics as JSON");
    rawfile::write_metrics(&raw, &name, &json).expect("write metrics");
    dir
}

fn status(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_analyser"));
    command
        .current_dir(dir)
        .args(["status", "--mongodb-uri", "mongodb://127.0.0.1:9"])
        .env_remove("MONGODB_URI")
        .env_remove("COLUMNS")
        .env("RUST_LOG", "warn");
    command
}

/// The lines of the table: from its header to the blank line after it.
fn table(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with("SOURCE "))
        .take_while(|line| !line.is_empty())
        .collect()
}

#[test]
fn in_an_80_column_terminal_every_line_of_the_table_fits() {
    let dir = site();
    let shown = testkit::terminal::run(status(dir.path()), 80).expect("status on a terminal");
    assert_eq!(shown.status.code(), Some(1), "{}", shown.stderr);
    let lines = table(&shown.stdout);
    assert!(!lines.is_empty(), "no table in:\n{}", shown.stdout);
    let wide: Vec<_> = lines
        .iter()
        .filter(|line| releve::columns::width(line) > 80)
        .collect();
    assert!(wide.is_empty(), "wider than 80 columns: {wide:#?}");
    // `analyser status | grep FAILING` names the source: its name and state share a line.
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("usgs-earthquakes ") && line.contains(" FAILING")),
        "{}",
        shown.stdout
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("last error") && line.contains("GET: gave up")),
        "the last error is still shown: {}",
        shown.stdout
    );
    assert!(
        lines.iter().any(|line| line.contains("waiting 1")),
        "the waiting file is still counted: {}",
        shown.stdout
    );
}

/// A serial console (`TERM=dumb`) often tells no size (`stty size` says `0 0`): the table is
/// laid out for the 80 columns such a console has.
#[test]
fn on_a_console_telling_no_size_every_line_of_the_table_fits_80_columns() {
    let dir = site();
    let mut command = status(dir.path());
    command.env("TERM", "dumb");
    let shown = testkit::terminal::run(command, 0).expect("status on a console");
    let lines = table(&shown.stdout);
    assert!(!lines.is_empty(), "no table in:\n{}", shown.stdout);
    let wide: Vec<_> = lines
        .iter()
        .filter(|line| releve::columns::width(line) > 80)
        .collect();
    assert!(wide.is_empty(), "wider than 80 columns: {wide:#?}");
}

#[test]
fn piped_the_table_keeps_one_line_a_source_whatever_columns_says() {
    let dir = site();
    let output = status(dir.path())
        .env("COLUMNS", "80")
        .output()
        .expect("status piped");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = table(&stdout);
    assert_eq!(lines.len(), 3, "a header and a line a source:\n{stdout}");
    let failing = lines
        .iter()
        .find(|line| line.starts_with("usgs-earthquakes "))
        .unwrap_or_else(|| panic!("no row of usgs-earthquakes in:\n{stdout}"));
    assert!(
        failing.contains(" FAILING ") && failing.contains("GET: gave up"),
        "{failing}"
    );
}
