//! USGS's catalogue query (`fdsnws/event/1/query`), as a seismologist asks it for a window of
//! events: an FDSN event service answers `204 No Content` when no event matches (its
//! `nodata`, 204 unless asked otherwise), and `400` with a plain-text body when the window
//! holds more than the 20,000 events one answer may hold: the collector then halves the window
//! until each part fits (testkit's double of the catalogue enforces the cap).

mod common;

use axum::http::StatusCode;
use common::{Site, fast_policy, numbered_feed, usgs_source_every};
use testkit::http::LocalServer;
use testkit::usgs::{Catalogue, QUERY_PATH};

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
            metrics[0].error.as_deref(),
            metrics[0].window_parts
        ),
        (1, 0, None, None),
        "a window asked whole counts no parts"
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "asked once"
    );
}

/// A month of 45,000 events, refused whole by USGS for its 20,000 cap, lands every event once
/// in the run's one file, with USGS's `metadata` (the first part's, its `count` corrected):
/// the collector halves the window until each part fits, one part after another.
#[tokio::test]
async fn a_month_of_forty_five_thousand_events_lands_each_once_in_one_file() {
    let catalogue = month_past_the_cap();
    let (site, landed) = january_landed(&catalogue).await;
    let ids: Vec<&str> = landed["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|event| event["id"].as_str())
        .collect();
    let distinct: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!((ids.len(), distinct.len()), (45_000, 45_000));
    // The file reads as USGS serves a window: the first part's `metadata`, its count the file's.
    assert_eq!(
        (
            &landed["type"],
            &landed["metadata"]["title"],
            &landed["metadata"]["count"]
        ),
        (
            &serde_json::json!("FeatureCollection"),
            &serde_json::json!("USGS Earthquakes"),
            &serde_json::json!(45_000)
        ),
        "as USGS serves it: {}",
        landed["metadata"]
    );
    assert_eq!(
        landed["bbox"],
        box_of(&landed),
        "USGS's box of the window: the union of the parts', holding every event landed"
    );
    let metrics = &site.metrics("usgs-catalogue")[0];
    // The month refused, its first half refused: its quarters and its second half answered.
    assert_eq!(
        (metrics.records, metrics.window_parts),
        (45_000, Some(3)),
        "the run's metrics count the parts"
    );
    let asked = catalogue.asked();
    assert_eq!(
        asked[0],
        ("2026-01-01".to_owned(), "2026-02-01".to_owned()),
        "the whole window first: {asked:?}"
    );
    assert!(asked.len() <= 8, "halved, not cut finer: {asked:?}");
}

/// Parts serving their `metadata` after `features`, beside `bbox` (where USGS writes its box),
/// land as parts serving it before: the file keeps the first part's `type` and `metadata`, its
/// count the file's, and the box holding every event landed (the union of the parts'); before,
/// the parts' boxes were dropped, the file without one.
#[tokio::test]
async fn the_members_served_after_the_events_are_kept_in_the_landed_file() {
    let catalogue = month_past_the_cap().metadata_after_features();
    let (_, landed) = january_landed(&catalogue).await;
    assert_eq!(
        (
            &landed["type"],
            &landed["metadata"]["title"],
            &landed["metadata"]["count"],
            &landed["bbox"]
        ),
        (
            &serde_json::json!("FeatureCollection"),
            &serde_json::json!("USGS Earthquakes"),
            &serde_json::json!(45_000),
            &box_of(&landed)
        ),
        "as USGS serves a window: {} {}",
        landed["metadata"],
        landed["bbox"]
    );
}

/// A 400 for another reason than the cap (a time USGS cannot read) fails at once with USGS's
/// words, the window not split.
#[tokio::test]
async fn a_refusal_for_a_bad_parameter_fails_at_once_with_usgs_s_words() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("time")
        .to_utc();
    let catalogue = Catalogue::evenly(start, 10, 1_000);
    let server = LocalServer::start(catalogue.router());
    let site = Site::new(&catalogue_source(
        &server,
        "starttime = \"2026-13-01\", endtime = \"2026-02-01\"",
    ));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("HTTP 400") && reason.contains("Bad starttime value \"2026-13-01\""),
        "{reason}"
    );
}

/// A second still holding more than 20,000 events (a catalogue's duplicated import) cannot be
/// split further: the run fails, nothing landed, with one line naming the source, the second
/// and USGS's words.
#[tokio::test]
async fn a_second_still_past_the_cap_fails_with_one_line_naming_it() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T06:00:00.500Z")
        .expect("time")
        .to_utc();
    let catalogue = Catalogue::evenly(start, 20_001, 0);
    let server = LocalServer::start(catalogue.router());
    let site = Site::new(&catalogue_source(
        &server,
        "starttime = \"2026-01-01\", endtime = \"2026-01-02\"",
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let failures: Vec<_> = outcome.failures().collect();
    let [("usgs-catalogue", reason)] = failures[..] else {
        panic!("the source fails: {failures:?}");
    };
    assert!(!reason.contains('\n'), "one line: {reason}");
    assert!(
        site.data_files("usgs-catalogue").is_empty(),
        "nothing lands"
    );
    assert!(
        reason.contains("the window 2026-01-01T06:00:00 to 2026-01-01T06:00:01 (UTC)")
            && reason.contains("20001 matching events exceeds search limit of 20000"),
        "{reason}"
    );
}

/// An `offset` beside a window past the cap would skip its first events in every part asked,
/// silently: the run fails with one line naming `offset` and nothing lands (before, each part
/// skipped its own first events and the run landed short without a word).
#[tokio::test]
async fn an_offset_beside_a_window_past_the_cap_fails_naming_offset() {
    let (catalogue, reason) =
        month_failed("", "params = { format = \"geojson\", starttime = \"2026-01-01\", endtime = \"2026-02-01\", offset = \"5\" }").await;
    assert!(
        reason.contains("`offset` = 5 in `params`") && reason.contains("nothing landed"),
        "{reason}"
    );
    assert_eq!(catalogue.asked().len(), 1, "no part asked");
}

/// A window written in the source's `url` (no `params`), past the cap, is split over the url's
/// window, each part's request holding one `starttime` and one `endtime` (its own, in place of
/// the url's): before, the parts went over USGS's default (the last 30 days), each request
/// holding the url's bounds beside its own, and the run landed none of the month's events.
#[tokio::test]
async fn a_window_written_in_the_url_is_split_over_it_each_part_asking_it_once() {
    let (queries, asked) = month_landed_in_parts(
        "?format=geojson&starttime=2026-01-01&endtime=2026-02-01",
        "",
    )
    .await;
    each_asks_one_window(&queries);
    assert_eq!(
        asked.last(),
        Some(&(
            "2026-01-16T12:00:00".to_owned(),
            "2026-02-01T00:00:00".to_owned()
        )),
        "the last part ends where the url's window does: {asked:?}"
    );
}

/// A window written in the source's `url` with its times' colons encoded (`%3A`, as a browser
/// or a copied link writes them) is split over it as one written plainly: the url's month lands
/// whole, its last part ending at the url's `endtime`.
#[tokio::test]
async fn a_window_written_in_the_url_with_encoded_colons_is_split_over_it() {
    let (queries, asked) = month_landed_in_parts(
        "?format=geojson&starttime=2026-01-01T00%3A00%3A00&endtime=2026-02-01T00%3A00%3A00",
        "",
    )
    .await;
    each_asks_one_window(&queries);
    assert_eq!(
        asked.last().map(|(_, end)| end.as_str()),
        Some("2026-02-01T00:00:00"),
        "the last part ends where the url's window does: {asked:?}"
    );
}

/// Bounds written in forms USGS reads besides a day and `T…:SS` (to the minute, a space for
/// the `T`, an offset) are split over as written, each part sending its bounds in UTC: the month
/// lands whole. Before, the collector did not read them and the run failed with USGS's words
/// alone ("exceeds search limit of 20000"), nothing saying the bound was not read.
#[tokio::test]
async fn bounds_written_to_the_minute_with_a_space_or_an_offset_are_split_over() {
    let (_, asked) = month_landed_in_parts(
        "",
        "params = { format = \"geojson\", starttime = \"2026-01-01T00:00\", endtime = \"2026-02-01 00:00:00\" }",
    )
    .await;
    assert_eq!(
        asked.last().map(|(_, end)| end.as_str()),
        Some("2026-02-01T00:00:00"),
        "the last part ends where `endtime` does: {asked:?}"
    );
    let (queries, asked) = month_landed_in_parts(
        "?format=geojson&starttime=2026-01-01T01:00:00%2B01:00&endtime=2026-02-01T00:00",
        "",
    )
    .await;
    each_asks_one_window(&queries);
    assert_eq!(
        asked.get(1).map(|(start, _)| start.as_str()),
        Some("2026-01-01T00:00:00"),
        "the first part starts at the url's start, in UTC: {asked:?}"
    );
}

/// Bounds written with a fraction of a second, which USGS drops (it reads times to the second),
/// are split over the window USGS read: each part asks whole seconds, the month lands whole,
/// each event once, one on a boundary between parts too. Before, each part was sent with the
/// fraction, naming in its failures a window other than the one USGS read.
#[tokio::test]
async fn bounds_written_with_a_fraction_are_split_over_whole_seconds() {
    let (_, asked) = month_landed_in_parts(
        "",
        "params = { format = \"geojson\", starttime = \"2026-01-01T00:00:00.250\", endtime = \"2026-02-01T00:00:00.750\" }",
    )
    .await;
    assert!(
        asked
            .iter()
            .skip(1)
            .all(|(from, to)| !from.contains('.') && !to.contains('.')),
        "each part asks whole seconds: {asked:?}"
    );
    assert_eq!(
        asked.last().map(|(_, end)| end.as_str()),
        Some("2026-02-01T00:00:00"),
        "the last part ends at the second USGS read: {asked:?}"
    );
}

/// FDSN's short names `start` and `end`, which USGS reads as `starttime` and `endtime`, beside
/// a window past the cap fail the run in one line naming the one written and where, no part
/// asked. Before, the window was taken as USGS's default (the last 30 days), its parts sent
/// with their own bounds beside the url's, and the run landed none of the month's events.
#[tokio::test]
async fn a_short_name_for_a_bound_in_the_url_fails_naming_it() {
    let (catalogue, reason) =
        month_failed("?format=geojson&start=2026-01-01&end=2026-02-01", "").await;
    assert!(
        reason.contains("`start` in `url` is FDSN's short name for `starttime`")
            && reason.contains("write it `starttime`")
            && reason.contains("exceeds search limit of 20000")
            && reason.contains("nothing landed"),
        "{reason}"
    );
    assert_eq!(catalogue.asked().len(), 1, "no part asked");
}

/// A `starttime` written both in the source's `url` and in `params` is sent once, `params`'s,
/// in the first request as in each part (the url's copy left out of every request), and the
/// window split is `params`'s.
#[tokio::test]
async fn a_start_in_both_url_and_params_is_sent_once_the_params_one_in_every_request() {
    let (queries, asked) = month_landed_in_parts(
        "?starttime=2025-06-01",
        "params = { format = \"geojson\", starttime = \"2026-01-01\", endtime = \"2026-02-01\" }",
    )
    .await;
    assert_eq!(
        written(&queries[0], "starttime"),
        ["2026-01-01"],
        "the first request sends params' start alone: {queries:?}"
    );
    for (query, (from, _)) in queries.iter().zip(&asked).skip(1) {
        assert_eq!(
            written(query, "starttime"),
            [from.replace(':', "%3A")],
            "each part sends its own start alone: {queries:?}"
        );
    }
    assert_eq!(
        asked.first().map(|(from, _)| from.as_str()),
        Some("2026-01-01"),
        "params' window is split: {asked:?}"
    );
    assert!(
        asked.iter().all(|(from, _)| from.as_str() >= "2026-01-01"),
        "no part starts at the url's start: {asked:?}"
    );
}

/// An `offset` written both in the source's `url` and in `params` is sent once, `params`'s,
/// in the first request as in each part, and judged as sent: `1` in `params` beside the url's
/// `5` lands the month whole. Before, both were sent (USGS leaves a parameter sent twice
/// undefined) and the run failed naming the url's, which was not to be read.
#[tokio::test]
async fn an_offset_in_both_url_and_params_is_sent_once_the_params_one() {
    let (queries, _) = month_landed_in_parts(
        "?offset=5",
        "params = { format = \"geojson\", starttime = \"2026-01-01\", endtime = \"2026-02-01\", offset = \"1\" }",
    )
    .await;
    for query in &queries {
        assert_eq!(
            written(query, "offset"),
            ["1"],
            "params' offset alone: {queries:?}"
        );
    }
}

/// Any parameter written both in the source's `url` and in `params` (here `format`, `csv` in
/// the url) is sent once, `params`'s, in the first request as in each part. Before, both were
/// sent (`format=csv&…&format=geojson`), which USGS leaves undefined.
#[tokio::test]
async fn a_format_in_both_url_and_params_is_sent_once_the_params_one() {
    let (queries, _) = month_landed_in_parts(
        "?format=csv",
        "params = { format = \"geojson\", starttime = \"2026-01-01\", endtime = \"2026-02-01\" }",
    )
    .await;
    for query in &queries {
        assert_eq!(
            written(query, "format"),
            ["geojson"],
            "params' format alone: {queries:?}"
        );
    }
}

/// A `starttime` the `url` writes twice with different values, beside a window past the cap,
/// fails the run in one line naming `starttime` and `url` (which of them USGS read is unknown,
/// so is the window to split), with USGS's count; before, only USGS's words, "exceeds search
/// limit of 20000", said nothing of the repeated key.
#[tokio::test]
async fn a_start_the_url_writes_twice_differently_fails_naming_it_and_url() {
    let (catalogue, reason) = month_failed(
        "?format=geojson&starttime=2026-01-01&starttime=2026-01-02&endtime=2026-02-01",
        "",
    )
    .await;
    assert!(
        reason.contains("`starttime` is written twice in `url` with different values")
            && reason.contains("2026-01-01")
            && reason.contains("2026-01-02")
            && reason.contains("exceeds search limit of 20000")
            && reason.contains("nothing landed"),
        "{reason}"
    );
    assert_eq!(catalogue.asked().len(), 1, "no part asked");
}

/// An `offset` written in the source's `url` beside a window past the cap fails the run as one
/// in `params` does, naming it, no part asked: before, it passed unseen, each part skipping its
/// own first events.
#[tokio::test]
async fn an_offset_in_the_url_beside_a_window_past_the_cap_fails_naming_it() {
    let (catalogue, reason) = month_failed(
        "?offset=5",
        "params = { format = \"geojson\", starttime = \"2026-01-01\", endtime = \"2026-02-01\" }",
    )
    .await;
    assert!(
        reason.contains("`offset` = 5 in `url`") && reason.contains("nothing landed"),
        "{reason}"
    );
    assert_eq!(catalogue.asked().len(), 1, "no part asked");
}

/// A part failing in transport (USGS answering 503 at every attempt) fails the run with one
/// line naming that part's window, as the other failures of a part do; before, it said `GET`
/// alone, as if the configured window had failed.
#[tokio::test]
async fn a_part_failing_after_retries_fails_naming_its_window() {
    let (server, _) = numbered_feed(|call| async move {
        match call {
            0 => (
                StatusCode::BAD_REQUEST,
                "Error 400: Bad Request\n\n30000 matching events exceeds search limit of 20000. \
                 Modify the search to match fewer events.\n"
                    .to_owned(),
            ),
            1 => (StatusCode::OK, r#"{"features": []}"#.to_owned()),
            _ => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
        }
    });
    let site = Site::new(&query_source(&format!("{}/feed", server.url())));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("the part 2026-11-01T12:00:00 to 2026-11-02T00:00:00 (UTC)")
            && reason.contains("HTTP 503"),
        "{reason}"
    );
}

/// An `endtime` alone, months back, past the cap for the double (which, unlike USGS, starts
/// a window without `starttime` at its first event): USGS's default `starttime`, 30 days
/// before the run, is after it, so the run fails saying so and to set `starttime`; before, it
/// said the window, halved down to one second, still matched more events than the cap.
#[tokio::test]
async fn an_endtime_alone_before_the_default_start_fails_saying_to_set_starttime() {
    let (catalogue, reason) = month_failed(
        "",
        "params = { format = \"geojson\", endtime = \"2026-02-01\" }",
    )
    .await;
    assert!(
        reason.contains("USGS's default `starttime` (30 days before the run, ")
            && reason.contains("is not before `endtime` = 2026-02-01T00:00:00 (UTC) in `params`")
            && reason.contains("set `starttime`, before `endtime`")
            && !reason.contains("halved down to one second"),
        "{reason}"
    );
    assert_eq!(catalogue.asked().len(), 1, "no part asked");
}

/// An `endtime` alone written in the source's `url`, 30 days or more back, is said as written
/// there, not in `params` (which hold none): found by a review after the `url`'s bounds and
/// this message met.
#[tokio::test]
async fn an_endtime_alone_in_the_url_is_said_in_the_url() {
    let (catalogue, reason) = month_failed("?format=geojson&endtime=2026-02-01", "").await;
    assert!(
        reason.contains("USGS's default `starttime` (30 days before the run, ")
            && reason.contains("is not before `endtime` = 2026-02-01T00:00:00 (UTC) in `url`")
            && !reason.contains("in `params`"),
        "{reason}"
    );
    assert_eq!(catalogue.asked().len(), 1, "no part asked");
}

/// January asked of `catalogue` by a source whose `params` write the window, run once without
/// a failure: the site and the one file landed, read.
async fn january_landed(catalogue: &Catalogue) -> (Site, serde_json::Value) {
    let server = LocalServer::start(catalogue.router());
    let site = Site::new(&catalogue_source(
        &server,
        "starttime = \"2026-01-01\", endtime = \"2026-02-01\"",
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let failures: Vec<_> = outcome.failures().collect();
    assert!(failures.is_empty(), "no failure: {failures:?}");
    let files = site.data_files("usgs-catalogue");
    assert_eq!(files.len(), 1, "one file lands: {:?}", outcome.sources);
    let landed = serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    (site, landed)
}

/// A query source of the double's catalogue, its window in `params`.
fn catalogue_source(server: &LocalServer, window: &str) -> String {
    usgs_source_every(
        "usgs-catalogue",
        &format!("{}{QUERY_PATH}", server.url()),
        "1d",
        &format!("params = {{ format = \"geojson\", {window} }}"),
    )
}

/// A month of 45,000 events, past the cap, asked by a source whose `url` is the double's query
/// address followed by `url_query`, beside `params`, run once: the catalogue (what it was
/// asked) and the run's failure.
async fn month_failed(url_query: &str, params: &str) -> (Catalogue, String) {
    let catalogue = month_past_the_cap();
    let server = LocalServer::start(catalogue.router());
    let site = Site::new(&usgs_source_every(
        "usgs-catalogue",
        &format!("{}{QUERY_PATH}{url_query}", server.url()),
        "1d",
        params,
    ));
    let reason = site.failed_run(true).await;
    (catalogue, reason)
}

/// A month of 45,000 events, past the cap, asked by a source whose `url` is the double's query
/// address followed by `url_query`, beside `params`: run once, without a failure, it lands one
/// file holding each event once, asked in parts. The queries sent, as sent, and the windows
/// the catalogue was asked.
async fn month_landed_in_parts(
    url_query: &str,
    params: &str,
) -> (Vec<String>, Vec<(String, String)>) {
    let catalogue = month_past_the_cap();
    let (server, queries) = recording_queries(&catalogue);
    let site = Site::new(&usgs_source_every(
        "usgs-catalogue",
        &format!("{}{QUERY_PATH}{url_query}", server.url()),
        "1d",
        params,
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let failures: Vec<_> = outcome.failures().collect();
    assert!(failures.is_empty(), "no failure: {failures:?}");
    let files = site.data_files("usgs-catalogue");
    assert_eq!(files.len(), 1, "one file lands: {:?}", outcome.sources);
    let asked = catalogue.asked();
    lands_each_event_once(&files[0], &asked);
    let queries = queries.lock().map(|q| q.clone()).unwrap_or_default();
    assert!(queries.len() > 1, "asked in parts: {queries:?}");
    (queries, asked)
}

/// The landed `file` holds the month's 45,000 events, each once, counted as written (every
/// feature, not the distinct ids): one at a boundary between two parts `asked` (the end of one,
/// the start of the next, both inclusive), served by both, lands once.
fn lands_each_event_once(file: &std::path::Path, asked: &[(String, String)]) {
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file).expect("read")).expect("JSON");
    let features = landed["features"].as_array().expect("features");
    let ids: std::collections::BTreeSet<&str> = features
        .iter()
        .filter_map(|event| event["id"].as_str())
        .collect();
    assert_eq!(
        (features.len(), ids.len()),
        (45_000, 45_000),
        "the month lands whole, each event once"
    );
    let boundaries: Vec<i64> = asked
        .iter()
        .filter(|(_, end)| asked.iter().any(|(start, _)| start == end))
        .filter_map(|(_, end)| chrono::NaiveDateTime::parse_from_str(end, "%Y-%m-%dT%H:%M:%S").ok())
        .map(|end| end.and_utc().timestamp_millis())
        .collect();
    assert!(
        features
            .iter()
            .any(|event| boundaries.contains(&event["properties"]["time"].as_i64().unwrap_or(0))),
        "an event on a boundary between parts, served twice: {asked:?}"
    );
}

/// January 2026's 45,000 events, spread evenly: past the cap, asked in parts.
fn month_past_the_cap() -> Catalogue {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("time")
        .to_utc();
    Catalogue::evenly(start, 45_000, 50_000)
}

/// Each request's raw query holds one `starttime` and one `endtime`.
fn each_asks_one_window(queries: &[String]) {
    for query in queries {
        assert_eq!(
            (
                written(query, "starttime").len(),
                written(query, "endtime").len()
            ),
            (1, 1),
            "one window per request: {query}"
        );
    }
}

/// A server of the double's catalogue recording each request's query, as sent.
fn recording_queries(
    catalogue: &Catalogue,
) -> (LocalServer, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let queries = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = queries.clone();
    let router = catalogue.router().layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            if let Ok(mut seen) = seen.lock() {
                seen.push(request.uri().query().unwrap_or_default().to_owned());
            }
            next.run(request)
        },
    ));
    (LocalServer::start(router), queries)
}

/// The values of `name` in the raw `query`, as sent.
fn written<'a>(query: &'a str, name: &str) -> Vec<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(written, _)| *written == name)
        .map(|(_, value)| value)
        .collect()
}

/// The box holding the events of the `landed` file, as USGS writes one: the least longitude,
/// latitude and depth, then the greatest.
fn box_of(landed: &serde_json::Value) -> serde_json::Value {
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for event in landed["features"].as_array().expect("features") {
        for axis in 0..3 {
            let value = event["geometry"]["coordinates"][axis]
                .as_f64()
                .expect("a coordinate");
            bounds[axis] = bounds[axis].min(value);
            bounds[axis + 3] = bounds[axis + 3].max(value);
        }
    }
    serde_json::json!(bounds)
}
