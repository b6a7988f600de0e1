//! The collector as a portal's operator sees it in the access log: the waits the server asks
//! for (`Retry-After`, on a 429 or a 503) are kept by every request that follows, not only by
//! the retries of the request that was told; and the calls a second, counted where the portal
//! counts them, keep to `rate_limit`.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{Site, fast_policy};
use testkit::http::LocalServer;

/// What the portal received and answered, in order: when, the path, and the wait its answer
/// asked for (`Retry-After`), if any.
#[derive(Clone, Default)]
struct AccessLog(Arc<Mutex<Vec<Entry>>>);

/// A request: when it came, its path, and the wait its answer asked for.
type Entry = (Instant, String, Option<Duration>);

impl AccessLog {
    fn note(&self, path: &str, asked: Option<Duration>) {
        if let Ok(mut log) = self.0.lock() {
            log.push((Instant::now(), path.to_owned(), asked));
        }
    }

    fn entries(&self) -> Vec<Entry> {
        self.0.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// Each request that came while an earlier answer's `Retry-After` was still running: the
    /// request, how long after the answer that asked, and the wait asked. Requests that came
    /// within `in_flight` of that answer may have been sent before it was read, and are left
    /// out.
    fn sent_during_a_wait(&self, in_flight: Duration) -> Vec<String> {
        let entries = self.entries();
        let mut early = Vec::new();
        for (i, (asked_at, asked_path, asked)) in entries.iter().enumerate() {
            let Some(wait) = asked else { continue };
            for (at, path, _) in &entries[i + 1..] {
                let after = at.duration_since(*asked_at);
                // A tenth of a second's leeway for the loopback and the timers.
                if after >= in_flight && after + Duration::from_millis(100) < *wait {
                    early.push(format!(
                        "{path} {} ms after {asked_path} asked to wait {} s",
                        after.as_millis(),
                        wait.as_secs()
                    ));
                }
            }
        }
        early
    }
}

/// 250 eco2mix-like records from `offset`, at most `limit`.
fn page(offset: usize, limit: usize) -> Vec<serde_json::Value> {
    (offset..250.min(offset + limit))
        .map(|i| {
            serde_json::json!({
                "date_heure": format!("2026-01-0{}T{:02}:{:02}:00+00:00", 1 + i / 1440, (i / 60) % 24, i % 60),
                "consommation": 40_000 + i,
            })
        })
        .collect()
}

fn query_number(request: &Request, name: &str) -> Option<usize> {
    request
        .uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

/// A portal serving 250 records in pages of 100 whose exports are overloaded: each export
/// answers 503 with `Retry-After: 2`.
fn portal_with_an_overloaded_export(log: &AccessLog) -> LocalServer {
    let pages = log.clone();
    let exports = log.clone();
    LocalServer::start(
        Router::new()
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/records",
                get(move |request: Request| {
                    let log = pages.clone();
                    async move {
                        log.note("records", None);
                        let offset = query_number(&request, "offset").unwrap_or(0);
                        let limit = query_number(&request, "limit").unwrap_or(10);
                        let body = serde_json::json!({
                            "total_count": 250,
                            "results": page(offset, limit),
                        });
                        (StatusCode::OK, body.to_string()).into_response()
                    }
                }),
            )
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/exports/json",
                get(move || {
                    let log = exports.clone();
                    async move {
                        log.note("exports/json", Some(Duration::from_secs(2)));
                        let mut headers = HeaderMap::new();
                        headers.insert("retry-after", "2".parse().expect("header"));
                        let response: Response = (
                            StatusCode::SERVICE_UNAVAILABLE,
                            headers,
                            r#"{"error":"Service temporarily overloaded, retry later."}"#,
                        )
                            .into_response();
                        response
                    }
                }),
            ),
    )
}

/// The portal's export answered "503, Retry-After: 2" at every attempt: the collector may
/// page the selection instead, but not before the wait the portal asked for is over. It pages
/// at once, a few milliseconds after the last 503: the operator sees the `Retry-After`
/// ignored, by the very client that obeyed it for the retries before.
#[tokio::test]
async fn a_wait_the_portal_asked_for_on_its_export_is_kept_by_the_pages_that_follow() {
    let log = AccessLog::default();
    let server = portal_with_an_overloaded_export(&log);
    let site = Site::new(&format!(
        r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "{}"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation"]
"#,
        server.url()
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let calls: Vec<String> = log.entries().into_iter().map(|(_, path, _)| path).collect();
    assert!(
        calls.iter().filter(|path| *path == "exports/json").count() > 1,
        "the export was retried as told: {calls:?}"
    );
    assert_eq!(
        log.sent_during_a_wait(Duration::ZERO),
        Vec::<String>::new(),
        "requests sent while the portal's Retry-After ran ({:?}): {calls:?}",
        outcome.sources
    );
}

/// A portal whose first call of all gets "429, Retry-After: 3" (a throttle counted per
/// caller, not per dataset), and every later call its dataset's 250 records.
fn portal_throttling_its_first_call(log: &AccessLog) -> LocalServer {
    let log = log.clone();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    LocalServer::start(Router::new().route(
        "/api/explore/v2.1/catalog/datasets/{dataset}/records",
        get(move |request: Request| {
            let log = log.clone();
            let calls = calls.clone();
            async move {
                let path = request.uri().path().to_owned();
                if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    log.note(&path, Some(Duration::from_secs(3)));
                    let mut headers = HeaderMap::new();
                    headers.insert("retry-after", "3".parse().expect("header"));
                    let body = r#"{"error":"Too many requests from this client, retry later."}"#;
                    return (StatusCode::TOO_MANY_REQUESTS, headers, body).into_response();
                }
                log.note(&path, None);
                let offset = query_number(&request, "offset").unwrap_or(0);
                let limit = query_number(&request, "limit").unwrap_or(10);
                let body = serde_json::json!({
                    "total_count": 250.min(limit),
                    "results": page(offset, limit),
                });
                (StatusCode::OK, body.to_string()).into_response()
            }
        }),
    ))
}

/// Four datasets of one portal collected in one run, at one call a second: the README says a `Retry-After` of up to
/// 120 s is honoured and that the sources of one host share its limit. The portal's 429 asked
/// its caller to wait 3 s; the source told waits, but its siblings call the same portal during
/// those 3 s, each meeting the throttle the portal just announced.
#[tokio::test]
async fn a_wait_a_portal_asked_for_holds_every_source_of_that_portal_in_the_run() {
    let log = AccessLog::default();
    let server = portal_throttling_its_first_call(&log);
    let config: String = (1..=4)
        .map(|n| {
            format!(
                r#"
[[source]]
name = "dataset-{n}"
kind = "opendatasoft"
url = "{}"
dataset = "dataset-{n}"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation"]
rate_limit = 1
"#,
                server.url()
            )
        })
        .collect();
    let site = Site::new(&config);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let calls: Vec<String> = log.entries().into_iter().map(|(_, path, _)| path).collect();
    // A sibling's call sent before the 429 reached the collector is no fault: a whole
    // second's leeway, which `rate_limit = 1` puts between calls.
    assert_eq!(
        log.sent_during_a_wait(Duration::from_millis(900)),
        Vec::<String>::new(),
        "requests sent while the portal's Retry-After ran ({:?}): {calls:?}",
        outcome.sources
    );
}

/// A feed whose first call gets "429, Retry-After: 100" and every later one four earthquakes;
/// the times the calls came.
fn feed_asking_to_wait_once() -> (LocalServer, Arc<Mutex<Vec<chrono::DateTime<chrono::Utc>>>>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let noted = calls.clone();
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            let noted = noted.clone();
            async move {
                let first = noted
                    .lock()
                    .map(|mut calls| {
                        calls.push(chrono::Utc::now());
                        calls.len() == 1
                    })
                    .unwrap_or(false);
                if first {
                    let mut headers = HeaderMap::new();
                    headers.insert("retry-after", "100".parse().expect("header"));
                    return (StatusCode::TOO_MANY_REQUESTS, headers, "{}".to_owned())
                        .into_response();
                }
                (StatusCode::OK, common::usgs_body(4)).into_response()
            }
        }),
    ));
    (server, calls)
}

/// The API asked for a wait longer than a run's, so the source rests "until then" (README).
/// Cron's next run that finds the wait ending a second or two after it started calls at once,
/// before the time the API gave: the two seconds a run may start early on cron's minute are
/// taken off the API's wait too.
#[tokio::test]
async fn a_source_resting_until_the_time_the_api_gave_does_not_call_it_before_then() {
    use chrono::{SubsecRound, TimeDelta, Utc};
    let (server, calls) = feed_asking_to_wait_once();
    let site = Site::new(&common::usgs_source(
        "feed",
        &format!("{}/feed", server.url()),
        "",
    ));
    site.failed_run(true).await;
    let mut state = site.state("feed");
    assert!(state.paused_until.is_some(), "the source rests: {state:?}");
    // As the state stands ten minutes later, cron's run starting a moment before the wait the
    // API asked for ends (the collector writes its end to the second).
    let until = Utc::now().trunc_subsecs(0) + TimeDelta::seconds(2);
    state.last_attempt = Some(Utc::now() - TimeDelta::minutes(10));
    state.paused_until = Some(until);
    std::fs::write(
        site.raw().join("feed/.state.json"),
        serde_json::to_vec_pretty(&state).expect("state JSON"),
    )
    .expect("write the state");
    site.run().await;
    let early: Vec<String> = calls
        .lock()
        .map(|calls| calls.clone())
        .unwrap_or_default()
        .iter()
        .skip(1)
        .filter(|at| **at < until)
        .map(|at| format!("{} ms before {until}", (until - *at).num_milliseconds()))
        .collect();
    assert_eq!(
        early,
        Vec::<String>::new(),
        "calls before the end of the wait the API asked for"
    );
}

/// A route to `upstream` on which each new connection takes `delay` to open, as a TLS
/// handshake over a long route does (two round trips of 200 ms); its URL. Requests on a
/// connection already open pass at once.
async fn route_slow_to_connect(upstream: &str, delay: Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    let upstream = upstream.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A portal whose datasets each hold 150 records (a first page, then the export), noting
/// when each call came.
fn portal_of_small_datasets(log: &AccessLog) -> LocalServer {
    let pages = log.clone();
    let exports = log.clone();
    LocalServer::start(
        Router::new()
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/records",
                get(move |request: Request| {
                    let log = pages.clone();
                    async move {
                        log.note(request.uri().path(), None);
                        let body = serde_json::json!({"total_count": 150, "results": page(0, 100)});
                        (StatusCode::OK, body.to_string()).into_response()
                    }
                }),
            )
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/exports/json",
                get(move |request: Request| {
                    let log = exports.clone();
                    async move {
                        log.note(request.uri().path(), None);
                        let body = serde_json::Value::Array(page(0, 150));
                        (StatusCode::OK, body.to_string()).into_response()
                    }
                }),
            ),
    )
}

/// Eight datasets of one portal at `rate_limit = 5`: the README says no second holds more
/// calls than the limit, "whichever second the API counts". Counted where the portal counts
/// them, on a route where opening a connection takes 0.4 s, one second holds 6: the limit
/// dates a call from when it is let through, before its connection is open, and each source
/// opens its own connection for its first call while its later calls reuse it.
#[tokio::test(flavor = "multi_thread")]
async fn no_second_holds_more_calls_than_the_rate_limit_as_the_portal_counts_them() {
    let log = AccessLog::default();
    let server = portal_of_small_datasets(&log);
    let url = route_slow_to_connect(&server.url(), Duration::from_millis(400)).await;
    let config: String = (1..=8)
        .map(|n| {
            format!(
                r#"
[[source]]
name = "dataset-{n}"
kind = "opendatasoft"
url = "{url}"
dataset = "dataset-{n}"
every = "15m"
key = "date_heure"
time = "date_heure"
rate_limit = 5
"#
            )
        })
        .collect();
    let site = Site::new(&config);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    assert_eq!(outcome.failures().count(), 0, "{:?}", outcome.sources);
    let came: Vec<Instant> = log.entries().into_iter().map(|(at, _, _)| at).collect();
    assert_eq!(came.len(), 16, "a page and an export for each dataset");
    let second = Duration::from_secs(1);
    let busiest = came
        .iter()
        .map(|from| {
            came.iter()
                .filter(|at| **at >= *from && at.duration_since(*from) < second)
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(
        busiest <= 5,
        "{busiest} calls within one second as the portal counts them, at rate_limit 5"
    );
}

/// A feed API whose old addresses (`/v1/feed/{n}`) answer "301 Moved Permanently" to their
/// new ones on the same host (`/v2/feed/{n}`), noting each request it receives.
fn feed_moved_on_its_host(log: &AccessLog) -> LocalServer {
    let old = log.clone();
    let new = log.clone();
    LocalServer::start(
        Router::new()
            .route(
                "/v1/feed/{n}",
                get(move |request: Request| {
                    let log = old.clone();
                    async move {
                        log.note(request.uri().path(), None);
                        let moved = request.uri().path().replace("/v1/", "/v2/");
                        let mut headers = HeaderMap::new();
                        headers.insert("location", moved.parse().expect("header"));
                        (StatusCode::MOVED_PERMANENTLY, headers, "").into_response()
                    }
                }),
            )
            .route(
                "/v2/feed/{n}",
                get(move |request: Request| {
                    let log = new.clone();
                    async move {
                        log.note(request.uri().path(), None);
                        (StatusCode::OK, common::usgs_body(3)).into_response()
                    }
                }),
            ),
    )
}

/// Six feeds of one API at `rate_limit = 2`, their `url` the API's old address, which it
/// redirects on its own host (a redirect relevé follows, README: "an `http` address may move
/// to `https` on the same host"): the README says no second holds more calls than the limit,
/// "whichever second the API counts". The API counts every request it receives, the redirect
/// and the request it leads to alike, but the limit lets one call through for both (a redirect
/// is followed inside the call its permit counts), so its first second holds 4 requests at 2 a
/// second, and it answers the calls past its limit with 429.
#[tokio::test(flavor = "multi_thread")]
async fn no_second_holds_more_requests_than_the_rate_limit_when_the_api_redirects_them() {
    let log = AccessLog::default();
    let server = feed_moved_on_its_host(&log);
    let config: String = (1..=6)
        .map(|n| {
            common::usgs_source_every(
                &format!("feed-{n}"),
                &format!("{}/v1/feed/{n}", server.url()),
                "15m",
                "rate_limit = 2",
            )
        })
        .collect();
    let site = Site::new(&config);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    assert_eq!(outcome.failures().count(), 0, "{:?}", outcome.sources);
    let came: Vec<Instant> = log.entries().into_iter().map(|(at, _, _)| at).collect();
    assert_eq!(came.len(), 12, "a redirect and a request for each feed");
    let second = Duration::from_secs(1);
    let busiest = came
        .iter()
        .map(|from| {
            came.iter()
                .filter(|at| **at >= *from && at.duration_since(*from) < second)
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(
        busiest <= 2,
        "{busiest} requests within one second as the API counts them, at rate_limit 2"
    );
}
