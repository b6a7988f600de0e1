//! What cron's collector line writes to `logs/collector.log` while a source's API hangs, as
//! whoever reads the logs (or cron's mail) sees it.

mod common;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use chrono::{TimeDelta, Utc};
use common::{Site, usgs_source};
use testkit::http::LocalServer;

/// A `1m` source whose API hangs: after its second failed run in a row it waits 2 minutes,
/// after its third 4, then 8 and 15 (`schedule`'s backoff). Yet each run cuts its retries at
/// the source's interval (54 s after the minute, `schedule::retries_end`), as if cron's next
/// minute would take the source up, and its failure line says so: "not tried again, as the
/// source's next run is due before another attempt could end; that run will try again". The
/// next minute's run does not try it (it is still waiting), nor the one after: whoever reads
/// the log expects a line at the next minute that never comes, and each run of the outage
/// made two or three attempts where the four minutes before the next one left room for all.
/// The README says the same ("That next run tries again."), beside its backoff of 2, 4, 8
/// and 15 minutes.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_in_backoff_does_not_say_the_next_minute_will_try_again() {
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(600)).await;
            "{}"
        }),
    ));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "timeout = \"20s\"",
    ));
    // Two runs failed in a row already, the last one five minutes ago: due again now.
    let now = Utc::now();
    let folder = site.raw().join("usgs");
    std::fs::create_dir_all(&folder).expect("source folder");
    let state = serde_json::json!({
        "last_success_started": now - TimeDelta::minutes(10),
        "last_success_landed": now - TimeDelta::minutes(10),
        "last_attempt": now - TimeDelta::minutes(5),
        "last_error": "GET: timed out after 20 s",
        "failures_in_a_row": 2,
        "cursor": null,
        "days": [],
    });
    std::fs::write(
        folder.join(".state.json"),
        serde_json::to_vec_pretty(&state).expect("JSON"),
    )
    .expect("state");

    let outcome = site.run().await;
    let failures: Vec<(&str, &str)> = outcome.failures().collect();
    assert_eq!(failures.len(), 1, "{:?}", outcome.sources);
    let reason = failures[0].1;
    let after = site.state("usgs");
    assert_eq!(after.failures_in_a_row, 3, "{reason}");
    // Its next run is 4 minutes after this one's minute: none in the next minute.
    assert!(
        !reason.contains("the source's next run is due before another attempt could end"),
        "a run whose source then waits 4 minutes says the next minute's run will try again: {reason}"
    );
}
