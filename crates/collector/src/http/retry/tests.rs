use chrono::DurationRound;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

use super::server_wait::open_meteo_reset;
use super::*;

#[test]
fn backoff_grows_stays_capped_and_honours_the_server() {
    let policy = RetryPolicy {
        max_attempts: 5,
        base: Duration::from_millis(100),
        max_delay: Duration::from_millis(300),
        max_retry_after: Duration::from_secs(60),
        throttled_floor: Duration::from_millis(50),
    };
    let ceilings: Vec<u128> = (1..6).map(|n| policy.ceiling(n).as_millis()).collect();
    assert_eq!(ceilings, [100, 200, 300, 300, 300], "doubling, capped");
    for failed in 1..10 {
        let delay = policy.delay(failed, None).expect("a delay");
        assert!(delay <= policy.ceiling(failed), "{delay:?}");
    }
    // Full jitter: drawn over the whole range, not stuck at either end.
    let draws: Vec<Duration> = (0..200)
        .map(|_| policy.delay(3, None).expect("a delay"))
        .collect();
    assert!(
        draws.iter().any(|d| *d > Duration::from_millis(150)),
        "some waits in the upper half"
    );
    assert!(
        draws.iter().any(|d| *d < Duration::from_millis(150)),
        "some in the lower half"
    );
    assert_eq!(
        policy.delay(1, Some(Duration::from_secs(2))),
        Some(Duration::from_secs(2))
    );
    assert_eq!(
        policy.delay(1, Some(Duration::from_secs(60))),
        Some(Duration::from_secs(60)),
        "a wait of `max_retry_after` is still waited for"
    );
    assert_eq!(policy.delay(1, Some(Duration::from_secs(3600))), None);
}

#[test]
fn a_429_naming_no_wait_waits_seconds_not_milliseconds() {
    let policy = RetryPolicy::default();
    let waits: Vec<u64> = (1..5).map(|n| policy.throttled(n).as_secs()).collect();
    assert_eq!(waits, vec![5, 10, 20, 30], "doubling, capped at max_delay");
}

#[test]
fn a_quota_without_retry_after_waits_for_its_reset() {
    let in_an_hour = chrono::Utc::now() + chrono::TimeDelta::hours(1);
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-ratelimit-reset",
        HeaderValue::from_str(&in_an_hour.timestamp().to_string()).expect("header"),
    );
    let wait = throttled_wait(&headers, b"{}").expect("a wait");
    assert!(wait > Duration::from_secs(3590), "{wait:?}");

    let relative = HeaderMap::from_iter([(
        reqwest::header::HeaderName::from_static("x-ratelimit-reset"),
        HeaderValue::from_static("30"),
    )]);
    let wait = throttled_wait(&relative, b"{}").expect("a wait");
    assert!(wait <= Duration::from_secs(30), "{wait:?}");

    let body = format!(
        r#"{{"errorcode":10002,"reset_time":"{}","limit_time_unit":"day","call_limit":10000,"error":"Too many requests on the domain."}}"#,
        in_an_hour.to_rfc3339()
    );
    let wait = throttled_wait(&HeaderMap::new(), body.as_bytes()).expect("a wait");
    assert!(wait > Duration::from_secs(3590), "{wait:?}");

    headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
    assert_eq!(
        throttled_wait(&headers, b"{}"),
        Some(Duration::from_secs(3)),
        "Retry-After comes first"
    );
    headers.insert(RETRY_AFTER, HeaderValue::from_static("0"));
    let wait = throttled_wait(&headers, b"{}").expect("a wait");
    assert!(
        wait > Duration::from_secs(3590),
        "`Retry-After: 0` names no wait; the reset does: {wait:?}"
    );
    assert_eq!(throttled_wait(&HeaderMap::new(), b"{}"), None);
}

#[test]
fn open_meteos_daily_and_hourly_limits_wait_for_the_next_hour() {
    let now = chrono::Utc::now();
    let next_hour = |body: &str| open_meteo_reset(&serde_json::from_str(body).expect("JSON"), now);
    let expected = now
        .duration_trunc(chrono::TimeDelta::hours(1))
        .expect("hour")
        + chrono::TimeDelta::hours(1);
    assert_eq!(
        next_hour(
            r#"{"error":true,"reason":"Daily API request limit exceeded. Please try again tomorrow."}"#
        ),
        Some(expected)
    );
    assert_eq!(
        next_hour(
            r#"{"error":true,"reason":"Hourly API request limit exceeded. Please try again in the next hour."}"#
        ),
        Some(expected)
    );
    assert_eq!(
        next_hour(
            r#"{"error":true,"reason":"Minutely API request limit exceeded. Please try again in one minute."}"#
        ),
        None,
        "a minute's limit is the backoff's"
    );
    let wait = throttled_wait(
        &HeaderMap::new(),
        br#"{"error":true,"reason":"Daily API request limit exceeded. Please try again tomorrow."}"#,
    )
    .expect("a wait");
    assert!(wait <= Duration::from_secs(3600), "{wait:?}");
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
    assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    let in_a_minute = (chrono::Utc::now() + chrono::TimeDelta::seconds(60)).to_rfc2822();
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_str(&in_a_minute).expect("header"),
    );
    let wait = retry_after(&headers).expect("a date is a wait");
    assert!(
        wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(
        retry_after(&headers),
        Some(Duration::ZERO),
        "a date past is no wait"
    );
}

#[test]
fn an_absurd_retry_after_ends_the_retries_instead_of_panicking() {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, HeaderValue::from_static("1e300"));
    let wait = retry_after(&headers);
    assert_eq!(wait, Some(Duration::MAX));
    assert_eq!(RetryPolicy::default().delay(1, wait), None);
    headers.insert(RETRY_AFTER, HeaderValue::from_static("-5"));
    assert_eq!(retry_after(&headers), None);
    headers.insert(RETRY_AFTER, HeaderValue::from_static("NaN"));
    assert_eq!(retry_after(&headers), None);
}

#[test]
fn a_validation_problem_names_each_field_refused_with_its_messages() {
    assert_eq!(
        api_message(
            br#"{"title":"One or more validation errors occurred.","status":400,"errors":{"starttime":["The value '2026-13-01' is not valid for starttime."],"limit":"Too big.","empty":[]}}"#
        ),
        "One or more validation errors occurred. (starttime: The value '2026-13-01' is not valid for starttime.; limit: Too big.)"
    );
}

/// A Node API validating its query with express-validator answers its refusal with the
/// errors `mapped()` by field, each an object holding its message (`msg`), beside a generic
/// `message`: `{"message":"Validation failed","errors":{"starttime":{"msg":…}}}`. The
/// failure line names the parameter refused and why, as the body does.
#[test]
fn a_validation_problem_whose_fields_hold_message_objects_names_the_field_refused() {
    let said = api_message(
        br#"{"message":"Validation failed","errors":{"starttime":{"type":"field","value":"2026-13-01","msg":"starttime must be an ISO 8601 date","path":"starttime","location":"query"}}}"#,
    );
    assert!(
        said.contains("starttime") && said.contains("ISO 8601"),
        "the failure line names neither the field refused nor why: {said}"
    );
}

#[test]
fn api_messages_keep_to_one_line_and_drive_no_terminal() {
    assert_eq!(api_message(br#"{"message":"line1\nline2"}"#), "line1 line2");
    assert_eq!(
        api_message(b"bad\x1b[31mRED\x1b[0m\x07request\x00"),
        "bad [31mRED [0m request"
    );
}

/// An XML feed served where JSON was expected (RSS, Atom, a SOAP envelope with its
/// `<Header>`) is an XML document: its `<title>` or `<Header>` is no sign of HTML.
#[test]
fn an_xml_feed_with_a_title_is_no_html_page() {
    assert_eq!(
        api_message(
            b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Earthquakes</title></channel></rss>"
        ),
        "an XML document titled \"Earthquakes\""
    );
    assert_eq!(
        api_message(
            b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Earthquakes</title></feed>"
        ),
        "an XML document titled \"Earthquakes\""
    );
    assert_eq!(
        api_message(b"<Envelope><Header/><Body><Fault>denied</Fault></Body></Envelope>"),
        "an XML document"
    );
}

/// A maintenance or proxy page that opens on `<meta>`, `<style>` or `<script>` rather
/// than `<html>` (a minimal page, a captive portal) is still an HTML page, as it was said
/// before its first element decided: its `<title>` is no XML document's.
#[test]
fn a_page_opening_on_its_meta_is_an_html_page() {
    assert_eq!(
        api_message(
            b"<meta charset=\"utf-8\"><title>Down for maintenance</title><p>Back soon.</p>"
        ),
        "an HTML page titled \"Down for maintenance\""
    );
    assert_eq!(
        api_message(b"<style>body{font:14px sans-serif}</style><h1>503 Service Unavailable</h1>"),
        "an HTML page headed \"503 Service Unavailable\""
    );
}

#[test]
fn api_messages_are_the_apis_own_words() {
    let ods = br#"{"error_code":"InvalidRESTParameterError","message":"Invalid value for sum of offset + limit API parameter: 10100 was found but <= 10000 is expected."}"#;
    assert_eq!(
        api_message(ods),
        "InvalidRESTParameterError: Invalid value for sum of offset + limit API parameter: 10100 was found but <= 10000 is expected."
    );
    assert_eq!(
        api_message(br#"{"errorcode":10002,"error":"Too many requests on the domain."}"#),
        "Too many requests on the domain."
    );
    assert_eq!(
        api_message(
            br#"{"error":true,"reason":"Cannot initialize WeatherVariable from invalid String value tempeature_2m for key current"}"#
        ),
        "Cannot initialize WeatherVariable from invalid String value tempeature_2m for key current",
        "Open-Meteo's boolean `error` is skipped for its `reason`"
    );
    assert_eq!(
        api_message(br#"{"error":"invalid_request","error_description":"Invalid realm"}"#),
        "invalid_request: Invalid realm",
        "an OAuth2 refusal keeps its code"
    );
    assert_eq!(api_message(b"  Not   found \n"), "Not found");
    assert_eq!(api_message(b""), "(empty body)");
    assert_eq!(
        api_message(
            b"<!DOCTYPE html>\n<html><head><TITLE> Maintenance </TITLE></head><body><h1>Back soon</h1></body></html>"
        ),
        "an HTML page titled \"Maintenance\""
    );
    assert_eq!(
        api_message(b"<html><body>Maintenance</body></html>"),
        "an HTML page"
    );
    assert_eq!(
        api_message(
            b"<html><head></head><body><H1 class=\"err\">502 Bad Gateway</H1><hr>nginx</body></html>"
        ),
        "an HTML page headed \"502 Bad Gateway\""
    );
    assert_eq!(
        api_message(b"<html><head><title>Down</title></head><body><h1>x</h1></body></html>"),
        "an HTML page titled \"Down\""
    );
    assert_eq!(
        api_message(b"<h1>502 Bad Gateway</h1>"),
        "an HTML page headed \"502 Bad Gateway\""
    );
    assert_eq!(
        api_message(b"<?xml version=\"1.0\"?><error><code>502</code></error>"),
        "an XML document"
    );
    assert_eq!(
        api_message(
            b"<?xml version=\"1.0\"?>\n<!-- proxy --><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"><html><head><title>Gone</title></head></html>"
        ),
        "an HTML page titled \"Gone\"",
        "XHTML, past its XML declaration and a comment"
    );
}
