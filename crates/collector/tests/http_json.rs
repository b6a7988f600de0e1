//! `http_json` sources end to end: landing under the right name, the schedule, API keys from
//! the environment, and the command line's errors.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::routing::get;
use collector::SourceResult;
use common::{Site, fast_policy, usgs_body, usgs_source};
use testkit::http::LocalServer;

fn feed(body: String) -> LocalServer {
    LocalServer::start(Router::new().route("/feed", get(move || async move { body })))
}

#[test]
fn a_feed_lands_as_served_under_its_name_with_metrics_beside_it() {
    let body = usgs_body(5);
    let server = feed(body.clone());
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let before = chrono::Utc::now();
    let output = Command::new(testkit::binary("collector"))
        .current_dir(site.dir.path())
        .output()
        .expect("collector runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = site.data_files("usgs");
    assert_eq!(files.len(), 1);
    let name = files[0]
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    let landed = releve::RawFileName::parse(name).expect("a landed-file name");
    assert_eq!(landed.source, "usgs");
    assert!(landed.landed_at >= before - chrono::TimeDelta::seconds(1));
    assert!(
        name.starts_with("usgs_") && name.ends_with("Z.json"),
        "{name}"
    );
    assert_eq!(
        std::fs::read_to_string(&files[0]).expect("read"),
        body,
        "the body lands exactly as served"
    );
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0].records, 5);
    assert_eq!(metrics[0].http_calls, 1);
    assert_eq!(metrics[0].file.as_deref(), Some(name));
    assert!(metrics[0].succeeded());
}

#[test]
fn records_without_the_configured_key_land_with_a_warning() {
    let server = feed(usgs_body(3));
    let config = usgs_source("usgs", &format!("{}/feed", server.url()), "")
        .replace("key = \"id\"", "key = \"properties.id\"");
    let site = Site::new(&config);
    let output = Command::new(testkit::binary("collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let warning = stderr
        .lines()
        .find(|l| l.contains("without a `key` or `time` value"))
        .unwrap_or_else(|| panic!("a warning: {stderr}"));
    assert!(
        warning.contains("unusable=3") && warning.contains("key=properties.id"),
        "{warning}"
    );
    assert_eq!(site.data_files("usgs").len(), 1, "the body still lands");
}

#[tokio::test]
async fn dropped_fields_never_land() {
    let server = feed(usgs_body(5));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "drop = [\"properties.type\", \"geometry\"]",
    ));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let files = site.data_files("usgs");
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    let features = landed["features"].as_array().expect("features");
    assert_eq!(features.len(), 5);
    assert!(
        features
            .iter()
            .all(|f| f["properties"].get("type").is_none()
                && f.get("geometry").is_none()
                && f["properties"]["mag"].is_number()),
        "{landed}"
    );
}

#[tokio::test]
async fn a_source_is_not_fetched_again_before_its_interval_unless_forced() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let body = usgs_body(2);
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move { body }
        }),
    ));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let first = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(matches!(
        first.sources[0].1,
        SourceResult::Landed { records: 2, .. }
    ));
    // The summariser deletes landed files; the schedule must not depend on them.
    for file in site.data_files("usgs") {
        std::fs::remove_file(file).expect("delete landed file");
    }
    let second = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(second.sources[0].1, SourceResult::NotDue(_)),
        "{:?}",
        second.sources
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a source that is not due is not called"
    );
    let forced = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(matches!(forced.sources[0].1, SourceResult::Landed { .. }));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(site.data_files("usgs").len(), 1);
    assert!(site.file_names("usgs").contains(&".state.json".to_owned()));
}

#[tokio::test]
async fn a_source_is_due_again_once_its_interval_has_passed() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let state = r#"{"last_success_started":"2020-01-01T00:00:00Z","last_success_landed":"2020-01-01T00:00:01Z","last_attempt":"2020-01-01T00:00:00Z","last_error":null,"cursor":null,"days":[]}"#;
    std::fs::create_dir_all(site.raw().join("usgs")).expect("dir");
    std::fs::write(site.raw().join("usgs/.state.json"), state).expect("state");
    let outcome = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(outcome.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        outcome.sources
    );
}

#[test]
fn an_api_key_from_the_environment_never_appears_in_files_or_logs() {
    const SECRET: &str = "s3cr3t-k3y-0123456789";
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let body = usgs_body(3);
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move |RawQuery(query): RawQuery| {
            let body = body.clone();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let query = query.unwrap_or_default();
                if !query.contains(&format!("api_key={SECRET}")) {
                    return (
                        StatusCode::UNAUTHORIZED,
                        "{\"error\":\"missing key\"}".to_owned(),
                    );
                }
                if n == 0 {
                    // A careless API echoing the request, key included.
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!("{{\"error\":\"busy, try again: {query}\"}}"),
                    );
                }
                (StatusCode::OK, body)
            }
        }),
    ));
    let extra =
        "key_env = \"USGS_TEST_KEY\"\nkey_param = \"api_key\"\nparams = { format = \"geojson\" }";
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        extra,
    ));
    let output = Command::new(testkit::binary("collector"))
        .current_dir(site.dir.path())
        .env("USGS_TEST_KEY", SECRET)
        .env("COLLECTOR_BACKOFF_MS", "5")
        .env("RUST_LOG", "debug")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "the 503 was retried");
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(
        !stderr.contains(SECRET),
        "the key leaked into the logs: {stderr}"
    );
    let written = site.everything_written();
    assert!(written.len() >= 3, "data, metrics and state were written");
    for (path, text) in written {
        assert!(
            !text.contains(SECRET),
            "the key leaked into {}",
            path.display()
        );
    }
    assert_eq!(site.metrics("usgs")[0].retries, 1);
}

#[test]
fn a_missing_key_variable_fails_the_source_naming_it() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "key_env = \"RELEVE_TEST_UNSET_KEY\"",
    ));
    let output = Command::new(testkit::binary("collector"))
        .current_dir(site.dir.path())
        .env_remove("RELEVE_TEST_UNSET_KEY")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    let line = stderr
        .lines()
        .find(|l| l.contains("source `usgs` failed"))
        .expect("one line names the failed source");
    assert!(line.contains("RELEVE_TEST_UNSET_KEY"), "{line}");
    assert!(site.data_files("usgs").is_empty());
}

#[test]
fn a_malformed_env_file_stops_the_run_naming_its_line_but_not_its_content() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    std::fs::write(
        site.dir.path().join(".env"),
        "# credentials\nMY SECRET=hunter2\nFRANCE_TRAVAIL_CLIENT_ID=x\n",
    )
    .expect("write .env");
    let output = Command::new(testkit::binary("collector"))
        .current_dir(site.dir.path())
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("collector: .env:2: "), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(site.data_files("usgs").is_empty());
}

#[test]
fn an_unknown_source_name_is_refused_before_any_call() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let output = Command::new(testkit::binary("collector"))
        .current_dir(site.dir.path())
        .args(["--source", "usgs", "--source", "nope"])
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("`nope`"), "{stderr}");
    assert!(site.data_files("usgs").is_empty());
}

#[test]
fn a_day_in_the_future_is_refused_before_any_call() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    for flag in ["--since", "--date"] {
        let output = Command::new(testkit::binary("collector"))
            .current_dir(site.dir.path())
            .args([flag, "2099-01-01"])
            .output()
            .expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("{flag} 2099-01-01 is in the future")),
            "{stderr}"
        );
    }
    assert!(site.data_files("usgs").is_empty());
}

#[tokio::test]
async fn a_source_another_run_is_collecting_is_skipped_not_fetched_twice() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { usgs_body(1) }
        }),
    ));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let held = releve::RunLock::try_acquire(&site.raw().join("usgs/.lock"))
        .expect("lock file")
        .expect("the other run's lock");
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(outcome.sources[0].1, SourceResult::Skipped(_)),
        "{:?}",
        outcome.sources
    );
    assert!(outcome.succeeded(), "a skipped source is not a failure");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    drop(held);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(matches!(outcome.sources[0].1, SourceResult::Landed { .. }));
}

#[tokio::test]
async fn a_failed_source_is_tried_again_once_its_retry_wait_has_passed() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    (
                        StatusCode::NOT_FOUND,
                        "{\"message\":\"not yet\"}".to_owned(),
                    )
                } else {
                    (StatusCode::OK, usgs_body(1))
                }
            }
        }),
    ));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let first = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(!first.succeeded());
    let at_once = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(at_once.sources[0].1, SourceResult::NotDue(_)),
        "a minutely source waits a minute after a failure: {:?}",
        at_once.sources
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    rewind_last_attempt(&site, "usgs", chrono::TimeDelta::minutes(1));
    let next_minute = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(next_minute.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        next_minute.sources
    );
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 2, "one metrics file per run, failed or not");
    assert_eq!(metrics.iter().filter(|m| m.succeeded()).count(), 1);
}

/// Moves the source's last attempt back by `by`, as if that much time had passed.
fn rewind_last_attempt(site: &Site, source: &str, by: chrono::TimeDelta) {
    let path = site.raw().join(source).join(".state.json");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("state file")).expect("state JSON");
    let attempt: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(state["last_attempt"].clone()).expect("a last attempt");
    state["last_attempt"] = serde_json::json!(attempt - by);
    std::fs::write(&path, state.to_string()).expect("rewound state");
}
