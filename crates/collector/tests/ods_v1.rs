//! `ods_v1` sources against the local legacy-API double: rows/start paging within the
//! 10000 window, the download endpoint beyond it, older portals' 1000-row cap and the daily
//! quota.

mod common;

use std::collections::HashSet;

use collector::SourceResult;
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;
use testkit::ods_v1::{OdsV1Double, city_records};

fn cities_source(url: &str) -> String {
    cities_source_with(url, "")
}

fn cities_source_with(url: &str, extra: &str) -> String {
    format!(
        r#"
[[source]]
name = "villes"
kind = "ods_v1"
url = "{url}"
dataset = "villes"
every = "1d"
key = "recordid"
time = "record_timestamp"
numeric = ["fields.population"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
refine = {{ pays = "fr" }}
rate_limit = 1000
{extra}
"#
    )
}

fn landed(site: &Site) -> Vec<Value> {
    let files = site.data_files("villes");
    assert_eq!(files.len(), 1);
    serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("a JSON array")
}

fn distinct(records: &[Value]) -> usize {
    records
        .iter()
        .filter_map(|r| r.get("recordid").and_then(Value::as_str))
        .collect::<HashSet<_>>()
        .len()
}

#[tokio::test]
async fn more_hits_than_a_page_come_whole_from_one_download_call() {
    let double = OdsV1Double::new("villes", city_records("villes", 2_500));
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source(&server.url()));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(
            outcome.sources[0].1,
            SourceResult::Landed { records: 2_500, .. }
        ),
        "{:?}",
        outcome.sources
    );
    let records = landed(&site);
    assert_eq!(distinct(&records), 2_500);
    assert_eq!(
        records[0]["fields"]["geopoint"],
        serde_json::json!([43.0, 1.0]),
        "records land as the API gave them"
    );
    // A page of `rows` tells the selection's size, then one download gives all of it: pages
    // of a live dataset would shift between calls.
    let requests = double.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[0].starts_with("search?")
            && requests[0].contains("rows=1000")
            && requests[0].contains("start=0"),
        "{requests:?}"
    );
    assert!(
        requests[1].starts_with("download?") && requests[1].contains("format=json"),
        "{requests:?}"
    );
    assert!(requests.iter().all(|r| r.contains("refine.pays=fr")));
    // The API writes its dates in `timezone`: a portal's own default may not be UTC.
    assert!(
        requests.iter().all(|r| r.contains("timezone=UTC")),
        "{requests:?}"
    );
    let metrics = &site.metrics("villes")[0];
    assert_eq!((metrics.announced, metrics.shortfall), (Some(2_500), 0));
}

#[tokio::test]
async fn more_hits_than_the_window_come_from_the_download_endpoint() {
    let double = OdsV1Double::new("villes", city_records("villes", 10_500));
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source(&server.url()));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let records = landed(&site);
    assert_eq!(records.len(), 10_500);
    assert_eq!(distinct(&records), 10_500);
    let requests = double.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("download?") && r.contains("format=json")),
        "{requests:?}"
    );
    let metrics = &site.metrics("villes")[0];
    assert_eq!(
        (metrics.records, metrics.announced, metrics.coverage),
        (10_500, Some(10_500), Some(1.0))
    );
}

/// `n` cities, one in five Belgian, one in ten a "Bourg" rather than a "Ville".
fn french_and_belgian_cities(n: usize) -> Vec<Value> {
    let mut records = city_records("villes", n);
    for (i, record) in records.iter_mut().enumerate() {
        if i % 5 == 0 {
            record["fields"]["pays"] = Value::from("be");
        }
        if i % 10 == 1 {
            record["fields"]["name"] = Value::from(format!("Bourg {i}"));
        }
    }
    records
}

#[tokio::test]
async fn an_older_portal_serving_at_most_1000_rows_still_lands_the_whole_selection() {
    let double = OdsV1Double::new("villes", french_and_belgian_cities(2_500)).with_row_cap(1_000);
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source_with(
        &server.url(),
        "rows = 5000\nq = \"ville\"\nfacet = [\"pays\"]",
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    let records = landed(&site);
    assert_eq!(distinct(&records), 1_750, "the French villes, each once");
    assert!(records.iter().all(|r| {
        r["fields"]["pays"] == "fr"
            && r["fields"]["name"]
                .as_str()
                .is_some_and(|name| name.starts_with("Ville "))
    }));
    let metrics = &site.metrics("villes")[0];
    assert_eq!((metrics.announced, metrics.shortfall), (Some(1_750), 0));
    let requests = double.requests();
    assert!(
        requests[0].contains("rows=5000") && requests[1].starts_with("download?"),
        "the first page held 1000 of 1750: the rest comes whole from the download: {requests:?}"
    );
}

#[tokio::test]
async fn an_exhausted_daily_quota_pauses_the_source_until_it_resets() {
    use chrono::SubsecRound;
    let resets = (chrono::Utc::now() + chrono::TimeDelta::hours(6)).trunc_subsecs(0);
    let double =
        OdsV1Double::new("villes", city_records("villes", 2_500)).with_daily_quota(1, resets);
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source(&server.url()));
    let reason = site.failed_run(false).await;
    assert!(
        reason.contains("Too many requests on the domain"),
        "the portal's words: {reason}"
    );
    assert_eq!(
        double.requests().len(),
        2,
        "the first page, then the refused download, not retried"
    );
    let later = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    let reset = site.state("villes").paused_until.expect("a pause");
    assert_eq!(
        reset, resets,
        "the pause ends when the portal says its quota resets"
    );
    assert_eq!(
        later.sources[0].1,
        SourceResult::NotDue(format!("next run due at {reset}")),
        "the source rests until the quota resets"
    );
    assert_eq!(double.requests().len(), 2);
}

/// A legacy portal that moved its API under a new path on the same host, answering each old
/// address with a 301 to the new one (which relevé follows on the API's host, README). The
/// source is polite to it, `rate_limit = 0.2` (one call every 5 s, as the README allows below
/// one a second), with `timeout = "3s"`, far more than the portal takes to answer. Each
/// search is one request and its redirect: the redirect's request now waits its turn in the
/// rate limit (5 s after the 301 came) and that wait is taken out of the request's timeout,
/// so it is sent with a millisecond left and times out, at every attempt: the source never
/// lands, said as "timed out after 3 s", though the portal answered each request at once.
/// Before the client followed redirects itself, the 301 was followed within the request.
#[tokio::test(flavor = "multi_thread")]
async fn a_polite_rate_below_one_a_second_does_not_time_out_a_redirected_portal() {
    use axum::extract::Request;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    let double = OdsV1Double::new("villes", city_records("villes", 300));
    let router = double.router().route(
        "/ancien/{*rest}",
        axum::routing::get(|request: Request| async move {
            let path = request.uri().path().trim_start_matches("/ancien");
            let location = match request.uri().query() {
                Some(query) => format!("{path}?{query}"),
                None => path.to_owned(),
            };
            let mut headers = HeaderMap::new();
            headers.insert("location", location.parse().expect("header"));
            (StatusCode::MOVED_PERMANENTLY, headers, "").into_response()
        }),
    );
    let server = LocalServer::start(router);
    let site = Site::new(&format!(
        r#"
[[source]]
name = "villes"
kind = "ods_v1"
url = "{}/ancien"
dataset = "villes"
every = "1h"
key = "recordid"
time = "record_timestamp"
rate_limit = 0.2
timeout = "3s"
"#,
        server.url()
    ));
    let policy = collector::RetryPolicy {
        max_attempts: 2,
        ..fast_policy()
    };
    let outcome = collector::run_with(&site.args(&[], true), policy)
        .await
        .expect("the collector runs");
    assert_eq!(
        outcome.failures().count(),
        0,
        "a redirected search at rate_limit 0.2 failed: {:?}",
        outcome.sources
    );
    assert_eq!(landed(&site).len(), 300);
}

/// A portal whose `/download/` answers with a 302 to a file on another host (its storage or
/// CDN), which relevé does not follow, so no key goes elsewhere (README). The search endpoint
/// answered the first page on the portal itself and the selection, 2,500 records, is well
/// within the 10,000 window paging reaches: the download refused, the rest can be paged, as
/// it is after a download that times out. The source fails instead, told to "put its new
/// address in the source's `url`", which would send its searches to the file's host.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_redirected_to_another_host_is_paged_instead() {
    use axum::extract::Request;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    let double = OdsV1Double::new("villes", city_records("villes", 2_500));
    let port = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let to = port.clone();
    let router = double.router().layer(axum::middleware::from_fn(
        move |request: Request, next: axum::middleware::Next| {
            let to = to.clone();
            async move {
                if request
                    .uri()
                    .path()
                    .starts_with("/api/records/1.0/download")
                {
                    let mut headers = HeaderMap::new();
                    let location = format!(
                        "http://localhost:{}/exports/villes.json",
                        to.get().map_or("1", String::as_str)
                    );
                    headers.insert("location", location.parse().expect("header"));
                    return (StatusCode::FOUND, headers, "").into_response();
                }
                next.run(request).await
            }
        },
    ));
    let server = LocalServer::start(router);
    let _ = port.set(
        server
            .url()
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .to_owned(),
    );
    let site = Site::new(&cities_source(&server.url()));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    assert_eq!(
        outcome.failures().count(),
        0,
        "a download sent to another host failed the source: {:?}",
        outcome.sources
    );
    let records = landed(&site);
    assert_eq!(distinct(&records), 2_500, "every city, paged");
}

/// A portal whose `/download/` answers with a 302 to a file on another host, as in
/// `a_download_redirected_to_another_host_is_paged_instead`, for a selection of 12,000
/// records: past the 10,000 paging reaches, so nothing is paged and the source fails at every
/// run. Its message tells the user to "put its new address in the source's `url`", the file
/// host's, which would send every search there; the search endpoint has not moved. The README
/// says a download sent elsewhere is paged "within the portal's 10,000 records": the user
/// expects the 10,000 reachable records landed and the rest said as the shortfall, or at
/// least a failure that says the download went to a file host and the selection is past what
/// paging reaches, not advice to move `url`.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_past_ten_thousand_redirected_to_another_host_is_not_blamed_on_url() {
    use axum::extract::Request;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    let double = OdsV1Double::new("villes", city_records("villes", 12_000));
    let router = double.router().layer(axum::middleware::from_fn(
        move |request: Request, next: axum::middleware::Next| async move {
            if request
                .uri()
                .path()
                .starts_with("/api/records/1.0/download")
            {
                let mut headers = HeaderMap::new();
                headers.insert(
                    "location",
                    "http://files.example.invalid/exports/villes.json"
                        .parse()
                        .expect("header"),
                );
                return (StatusCode::FOUND, headers, "").into_response();
            }
            next.run(request).await
        },
    ));
    let server = LocalServer::start(router);
    let site = Site::new(&cities_source(&server.url()));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let failures: Vec<_> = outcome.failures().collect();
    assert!(
        failures
            .iter()
            .all(|(_, why)| !why.contains("put its new address in the source's `url`")),
        "a download of 12,000 records redirected to a file host fails the source, telling the \
         user to move the source's `url` to where the searches have not moved: {failures:?}"
    );
    // Paged as far as the portal's window reaches: the rest is the run's shortfall, said in
    // its metrics (and so in the report's coverage).
    let metrics = &site.metrics("villes")[0];
    assert_eq!(
        (metrics.records, metrics.announced, metrics.shortfall),
        (10_000, Some(12_000), 2_000),
        "{metrics:?}"
    );
}

/// `exclude = { facet = "value" }` asks the portal for `exclude.facet=value` on the search and
/// the download alike: the records holding that value do not land (found by an open-data
/// officer).
#[tokio::test]
async fn an_exclusion_leaves_a_facet_s_value_out() {
    let double = OdsV1Double::new("villes", city_records("villes", 10));
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source_with(
        &server.url(),
        "exclude = { name = \"Ville 3\" }",
    ));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let records = landed(&site);
    assert_eq!(distinct(&records), 9);
    assert!(
        records.iter().all(|r| r["fields"]["name"] != "Ville 3"),
        "{records:?}"
    );
    let requests = double.requests();
    assert!(
        requests.iter().all(|r| r.contains("exclude.name=Ville")),
        "{requests:?}"
    );
}

/// The API writes its dates in the `timezone` asked; the double's are UTC, and it refuses
/// another zone rather than answer UTC dates as that zone's.
#[test]
fn the_double_refuses_a_timezone_it_does_not_write() {
    use std::io::{Read, Write};
    let double = OdsV1Double::new("villes", city_records("villes", 10));
    let server = LocalServer::start(double.router());
    let address = server.url().trim_start_matches("http://").to_owned();
    let answer = |zone: &str| {
        let mut stream = std::net::TcpStream::connect(&address).expect("a connection");
        let request = format!(
            "GET /api/records/1.0/search/?dataset=villes&timezone={zone} HTTP/1.0\r\nHost: {address}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).expect("sent");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        answer
    };
    let paris = answer("Europe/Paris");
    assert!(paris.starts_with("HTTP/1.0 400"), "{paris}");
    assert!(paris.contains("timezone 'Europe/Paris'"), "{paris}");
    let utc = answer("UTC");
    assert!(utc.starts_with("HTTP/1.0 200"), "{utc}");
}
