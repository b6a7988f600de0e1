//! A captive portal's sign-in page answered under another status than 200 (a Wi-Fi's 403 or
//! 404 for every address until someone signs in), and one answering an Opendatasoft export:
//! what the collector says must point at the network, as for the page answered 200.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderMap, StatusCode};
use common::eco2mix::{eco2mix_source, landed_records, start};
use common::{Site, collector_without_proxies, numbered_feed, usgs_source_every};
use testkit::http::LocalServer;
use testkit::opendatasoft::eco2mix_records;

const SIGN_IN_HINT: &str = "on a public Wi-Fi, its sign-in page? sign in to it";

fn html() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "text/html".parse().expect("header"));
    headers
}

/// A hotel's Wi-Fi (Fortinet, a Cisco controller) answers every address with `403 Forbidden`
/// and its sign-in page; the line said `HTTP 403: an HTML page titled "…"`, which reads as the
/// API refusing its key, without the hint the same page answered 200 gives.
#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_page_answered_403_is_said_as_maybe_a_public_wi_fis() {
    let (server, calls) = numbered_feed(|_| async {
        (
            StatusCode::FORBIDDEN,
            html(),
            "<html><head><title>Hotel Wi-Fi</title></head><body>Accept the terms</body></html>",
        )
    });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    assert!(
        failure.contains("HTTP 403: an HTML page titled \"Hotel Wi-Fi\""),
        "{failure}"
    );
    assert!(failure.contains(SIGN_IN_HINT), "no sign-in hint: {failure}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "asked once: {failure}");
}

/// An API's own refusal in JSON is its own: said as it is, no Wi-Fi in it.
#[tokio::test(flavor = "multi_thread")]
async fn an_apis_own_json_403_is_said_as_it_is() {
    let (server, _calls) = numbered_feed(|_| async {
        (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({"message": "invalid API key"})),
        )
    });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    assert!(failure.contains("HTTP 403: invalid API key"), "{failure}");
    assert!(!failure.contains("Wi-Fi"), "{failure}");
}

/// A train's Wi-Fi's sign-in page, answered 200.
fn sign_in_page() -> (StatusCode, HeaderMap, &'static str) {
    (
        StatusCode::OK,
        html(),
        "<html><head><title>Wi-Fi SNCF</title></head><body>Connexion</body></html>",
    )
}

/// A portal whose first page answers (the Wi-Fi's session still open), then whose every
/// other address answers the Wi-Fi's sign-in page (its session over): what it was asked.
fn portal_then_sign_in_page(calls: Arc<AtomicUsize>) -> LocalServer {
    use axum::extract::Query;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use std::collections::HashMap;
    let records = eco2mix_records(250, start());
    let total = records.len();
    let first = calls.clone();
    let records_route = move |Query(query): Query<HashMap<String, String>>| {
        let calls = first.fetch_add(1, Ordering::SeqCst);
        let body = serde_json::json!({"total_count": total, "results": records[..100]});
        async move {
            match (calls, query.get("offset").map(String::as_str)) {
                (0, Some("0") | None) => axum::Json(body).into_response(),
                _ => sign_in_page().into_response(),
            }
        }
    };
    let export = move || {
        calls.fetch_add(1, Ordering::SeqCst);
        async { sign_in_page() }
    };
    LocalServer::start(
        axum::Router::new()
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/records",
                get(records_route),
            )
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/exports/json",
                get(export),
            ),
    )
}

/// An Opendatasoft export answered by the Wi-Fi's sign-in page warned "The bulk export failed;
/// paging the selection instead", as if the portal's exports were off, and asked the portal
/// again for its pages, which the same sign-in page answers: the run fails at once, said as
/// the sign-in page it met.
#[test]
fn an_export_answered_by_a_sign_in_page_fails_the_run_at_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let server = portal_then_sign_in_page(calls.clone());
    let site = Site::new(&eco2mix_source(&server.url(), ""));
    let output = collector_without_proxies(&site)
        .output()
        .expect("the collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        !stderr.contains("The bulk export failed"),
        "warned as the portal's export failing: {stderr}"
    );
    let failure = stderr
        .lines()
        .find(|line| line.starts_with("collector: source `eco2mix` failed"))
        .unwrap_or_else(|| panic!("a failure line: {stderr}"));
    assert!(failure.contains(SIGN_IN_HINT), "{failure}");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the first page and the export, nothing more: {stderr}"
    );
}

/// A portal whose search answers JSON and whose export answers an HTML refusal (exports
/// switched off behind its reverse proxy, a WAF's "Access denied" page): its own error page,
/// since the same host has just answered JSON. The export failed with the sign-in question at
/// every run, nothing landed; it is paged instead, as an export the portal refuses in JSON is.
#[test]
fn an_export_refused_with_an_html_page_by_a_portal_that_answered_json_is_paged() {
    use axum::response::IntoResponse;
    use testkit::opendatasoft::OpendatasoftDouble;
    for status in [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND] {
        let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(250, start()));
        let router = double.router().layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| async move {
                if request.uri().path().ends_with("/exports/json") {
                    let page =
                        "<html><head><title>Access denied</title></head><body>WAF</body></html>";
                    (status, html(), page).into_response()
                } else {
                    next.run(request).await
                }
            },
        ));
        let server = LocalServer::start(router);
        let site = Site::new(&eco2mix_source(&server.url(), ""));
        let output = collector_without_proxies(&site)
            .output()
            .expect("the collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "HTTP {status}: {stderr}");
        assert!(
            stderr.contains("The bulk export failed; paging the selection instead"),
            "HTTP {status}: {stderr}"
        );
        assert!(!stderr.contains("Wi-Fi"), "HTTP {status}: {stderr}");
        assert_eq!(landed_records(&site).len(), 250, "HTTP {status}: {stderr}");
    }
}
