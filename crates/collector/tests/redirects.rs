//! Redirects the collector follows itself (on the API's host), compared with what the HTTP
//! client did when it followed them: the same answers for the same servers, and the source's
//! `timeout` for the whole request.

mod common;

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use collector::RetryPolicy;
use common::{Site, fast_policy};
use testkit::http::LocalServer;

/// A portal that moved its feed to a path with an accented letter (`/données/feed`) and
/// answers the old address with a 301 whose `Location` is written in UTF-8, as many servers
/// write it. The client followed it before the collector followed redirects itself (reqwest
/// reads a `Location` as UTF-8); the collector now reads only ASCII there, takes the answer
/// for "a redirect without an address to follow", and fails the source, though the address
/// is right there, on the API's own host.
#[tokio::test(flavor = "multi_thread")]
async fn a_feed_moved_to_an_accented_path_on_its_host_is_still_collected() {
    let server = LocalServer::start(
        Router::new()
            .route(
                "/feed",
                get(|| async {
                    let mut headers = HeaderMap::new();
                    headers.insert(
                        "location",
                        HeaderValue::from_bytes("/données/feed".as_bytes()).expect("header"),
                    );
                    (StatusCode::MOVED_PERMANENTLY, headers, "").into_response()
                }),
            )
            .fallback(|request: Request| async move {
                if request.uri().path().starts_with("/donn") {
                    (StatusCode::OK, common::usgs_body(3)).into_response()
                } else {
                    StatusCode::NOT_FOUND.into_response()
                }
            }),
    );
    let site = Site::new(&common::usgs_source_every(
        "moved",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    assert_eq!(
        outcome.failures().count(),
        0,
        "a redirect on the API's host to /données/feed is not followed: {:?}",
        outcome.sources
    );
    assert_eq!(site.data_files("moved").len(), 1, "the feed lands");
}

/// A portal slow to answer (each answer takes 0.6 s), whose feed moved several times on its
/// host (`/hop/0` → `/hop/1` → … → `/hop/5`, each a 302): with `timeout = "1s"` ("per-request
/// timeout", README) and one attempt, the request was given up after a second, as when the
/// client followed the redirects (its timeout covering them all). Each request of the redirect
/// now has a whole timeout of its own, so the request runs 3.6 s, six times its timeout; a
/// redirect loop of slow answers holds a source eleven timeouts (five and a half minutes at the
/// default 30 s), while cron's next runs skip it.
#[tokio::test(flavor = "multi_thread")]
async fn a_request_redirected_on_its_host_is_given_up_at_its_timeout() {
    let server = LocalServer::start(Router::new().route(
        "/hop/{n}",
        get(|request: Request| async move {
            tokio::time::sleep(Duration::from_millis(600)).await;
            let n: u32 = request
                .uri()
                .path()
                .trim_start_matches("/hop/")
                .parse()
                .unwrap_or(0);
            if n >= 5 {
                return (StatusCode::OK, common::usgs_body(3)).into_response();
            }
            let mut headers = HeaderMap::new();
            headers.insert(
                "location",
                format!("/hop/{}", n + 1).parse().expect("header"),
            );
            (StatusCode::FOUND, headers, "").into_response()
        }),
    ));
    let site = Site::new(&common::usgs_source_every(
        "slow",
        &format!("{}/hop/0", server.url()),
        "15m",
        "timeout = \"1s\"",
    ));
    let once = RetryPolicy {
        max_attempts: 1,
        ..fast_policy()
    };
    let started = Instant::now();
    let outcome = collector::run_with(&site.args(&[], true), once)
        .await
        .expect("the collector runs");
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(2_000),
        "one attempt of a request with `timeout = \"1s\"` ran {took:?}: {:?}",
        outcome.sources
    );
}
