//! USGS's catalogue query (`fdsnws/event/1/query`), as a seismologist asks it for a window of
//! events: an FDSN event service answers `204 No Content` when no event matches (its
//! `nodata`, 204 unless asked otherwise), and `400` with a plain-text body when the window
//! holds more than the 20,000 events one answer may hold.

mod common;

use axum::http::{StatusCode, header};
use common::{Site, fast_policy, numbered_feed, usgs_source_every};

/// A query source of the catalogue at `url`, one window of the strongest events a day.
fn query_source(url: &str) -> String {
    usgs_source_every(
        "usgs-strong",
        url,
        "1d",
        "params = { format = \"geojson\", starttime = \"2026-11-01\", endtime = \"2026-11-02\", minmagnitude = 7 }",
    )
}

/// A day without an M7 is answered `204 No Content`: the run lands no events and does not
/// fail, as it does when a feed serves an empty `features`, so a quiet day is not reported as
/// an outage of the API.
#[tokio::test]
async fn a_window_without_events_answered_no_content_lands_no_events_and_does_not_fail() {
    let (server, calls) = numbered_feed(|_| async { StatusCode::NO_CONTENT });
    let site = Site::new(&query_source(&format!("{}/feed", server.url())));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let failures: Vec<_> = outcome.failures().collect();
    assert!(failures.is_empty(), "no failure: {failures:?}");
    let files = site.data_files("usgs-strong");
    assert_eq!(files.len(), 1, "one file lands: {:?}", outcome.sources);
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    assert_eq!(landed, serde_json::json!({"features": []}));
    let metrics = site.metrics("usgs-strong");
    assert_eq!(
        (
            metrics.len(),
            metrics[0].records,
            metrics[0].error.as_deref()
        ),
        (1, 0, None)
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "asked once"
    );
}

/// A window past 20,000 events is refused with USGS's words, at once (asking again gets the
/// same answer), and nothing lands.
#[tokio::test]
async fn a_window_past_twenty_thousand_events_fails_at_once_with_usgs_s_words() {
    let refusal = "Error 400: Bad Request\n\n20160 matching events exceeds search limit of \
                   20000. Modify the search to match fewer events.\n\nUsage details are \
                   available from https://earthquake.usgs.gov/fdsnws/event/1\n";
    let (server, calls) = numbered_feed(move |_| async move {
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain")],
            refusal,
        )
    });
    let site = Site::new(&query_source(&format!("{}/feed", server.url())));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("HTTP 400")
            && reason.contains("20160 matching events exceeds search limit of 20000"),
        "{reason}"
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "not asked again"
    );
}
