//! The retry policy: how many attempts, how long to wait between them (capped exponential
//! backoff with full jitter, or the server's `Retry-After` when it says more), and how to read
//! an API's own error message out of a refused answer.

use std::time::Duration;

use chrono::DurationRound;
use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

/// Environment variable that sets the backoff base in milliseconds (tests shorten it).
const BACKOFF_ENV: &str = "COLLECTOR_BACKOFF_MS";

/// Attempts, backoff and the longest `Retry-After` worth waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The backoff before the second attempt is drawn from `0..=base`, then doubles.
    pub base: Duration,
    /// No backoff draw exceeds this.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this ends the retries (quotas that reset tomorrow).
    pub max_retry_after: Duration,
    /// The least wait after a 429 that names none (Open-Meteo's), doubling with each
    /// attempt up to `max_delay`: a rate limit counted per minute needs that long to pass.
    pub throttled_floor: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            throttled_floor: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The default policy, with the backoff base taken from `COLLECTOR_BACKOFF_MS` when set.
    pub fn from_env() -> RetryPolicy {
        let mut policy = RetryPolicy::default();
        // Blank is unset, as a crontab's `COLLECTOR_BACKOFF_MS=` means.
        let written = std::env::var(BACKOFF_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty());
        let ms = written.as_deref().map(|v| v.trim().parse::<u64>());
        if let Some(Err(_)) = ms {
            tracing::warn!(
                "{BACKOFF_ENV} is not a whole number of milliseconds; the default backoff applies."
            );
        }
        if let Some(Ok(ms)) = ms {
            policy.base = Duration::from_millis(ms);
            policy.throttled_floor = Duration::from_millis(ms.saturating_mul(10));
            policy.max_delay = policy
                .max_delay
                .min(Duration::from_millis(ms.saturating_mul(64)));
        }
        policy
    }

    /// The least wait before attempt `failed + 1` after a 429 that named no wait.
    pub fn throttled(&self, failed: u32) -> Duration {
        self.throttled_floor
            .saturating_mul(1u32 << failed.saturating_sub(1).min(20))
            .min(self.max_delay)
    }

    /// The longest backoff before attempt `failed + 1`: the base, doubling with each failure,
    /// capped at `max_delay`. The wait is drawn up to it.
    fn ceiling(&self, failed: u32) -> Duration {
        self.base
            .saturating_mul(1u32 << failed.saturating_sub(1).min(20))
            .min(self.max_delay)
    }

    /// The wait before attempt `failed + 1`; `None` when the server asks for more than
    /// `max_retry_after`.
    pub fn delay(&self, failed: u32, server_wait: Option<Duration>) -> Option<Duration> {
        let ceiling = self.ceiling(failed);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        let jittered = Duration::from_millis(rand::rng().random_range(0..=ceiling_ms));
        match server_wait {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait.max(jittered)),
            None => Some(jittered),
        }
    }
}

/// The `Retry-After` header as a duration: seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<f64>() {
        // A wait too long for a `Duration` is still a wait past any `max_retry_after`.
        return Duration::try_from_secs_f64(secs)
            .ok()
            .or((secs > 0.0).then_some(Duration::MAX));
    }
    let when = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// How long a 429 asks to wait: `Retry-After` when given, else until the quota resets as the
/// Opendatasoft portals say it — `X-RateLimit-Reset` (epoch seconds; a small number is read as
/// seconds from now) or the legacy body's `reset_time` (RFC 3339) — or, for Open-Meteo's daily
/// and hourly limits, until the next full UTC hour (see [`open_meteo_reset`]).
pub(crate) fn throttled_wait(headers: &HeaderMap, body: &[u8]) -> Option<Duration> {
    // A wait already over (`Retry-After: 0`, a reset in the past) names no wait: the
    // throttle's own floor applies, or a limit still in force is hammered. After a
    // `Retry-After: 0`, a quota's reset, if given, still names one.
    let ahead = |wait: &Duration| !wait.is_zero();
    retry_after(headers)
        .filter(ahead)
        .or_else(|| {
            let now = chrono::Utc::now();
            let body: Option<Value> = serde_json::from_slice(body).ok();
            let reset = rate_limit_reset(headers, now)
                .or_else(|| reset_time(body.as_ref()?))
                .or_else(|| open_meteo_reset(body.as_ref()?, now))?;
            Some((reset - now).to_std().unwrap_or(Duration::ZERO))
        })
        .filter(ahead)
}

/// Epoch seconds below this are seconds from now (no quota resets before 2001).
const EPOCH_SECONDS_FLOOR: i64 = 1_000_000_000;

fn rate_limit_reset(
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let value: i64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if value < EPOCH_SECONDS_FLOOR {
        now.checked_add_signed(chrono::TimeDelta::try_seconds(value)?)
    } else {
        chrono::DateTime::from_timestamp(value, 0)
    }
}

fn reset_time(body: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = body.get("reset_time")?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// When to try again after Open-Meteo's 429 for its daily or hourly limit
/// (`{"error":true,"reason":"Daily API request limit exceeded. Please try again tomorrow."}`):
/// the next full UTC hour. The API does not say when its day resets, so a source tries again
/// each hour (one call an hour while the limit lasts) rather than hammering it at every run or
/// waiting for a midnight that may not be its own. Its minutely limit names no wait: the usual
/// backoff after a 429 covers a minute.
fn open_meteo_reset(
    body: &Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let reason = body.get("reason")?.as_str()?;
    let long_limit = ["Daily", "Hourly"]
        .iter()
        .any(|period| reason.starts_with(&format!("{period} API request limit exceeded")));
    if !long_limit {
        return None;
    }
    let hour = now.duration_trunc(chrono::TimeDelta::hours(1)).ok()?;
    hour.checked_add_signed(chrono::TimeDelta::hours(1))
}

/// The API's own error message from a refused answer's body: the usual JSON fields
/// (`message`, `error`, `reason`, `error_description`, with `error_code` in front when given),
/// else the start of the body as text.
pub fn api_message(body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        // A blank text says nothing (Hub'Eau's `"message": ""` beside its `code`).
        let text = |key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        // `detail` and `title`: an RFC 9457 problem (`application/problem+json`).
        let message = [
            "message",
            "error_description",
            "detail",
            "error",
            "reason",
            "title",
        ]
        .iter()
        .find_map(|key| text(key));
        // OAuth2 answers `error` (a code) beside `error_description` (its words).
        let oauth_code = text("error_description").and_then(|_| text("error"));
        let code = text("error_code")
            .or_else(|| text("codeErreur"))
            .or(oauth_code)
            .or_else(|| text("code"));
        let message = match (message, fields_refused(&map)) {
            (Some(message), Some(fields)) => Some(format!("{message} ({fields})")),
            (message, fields) => message.or(fields),
        };
        match (code, message) {
            (Some(code), Some(message)) => return shorten(&format!("{code}: {message}")),
            (None, Some(text)) => return shorten(&text),
            // A code alone says less than the body it came in (whose message may be an object).
            (Some(_), None) | (None, None) => {}
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A proxy's or a maintenance page: its title says it, its markup would not.
    if text.starts_with('<') {
        let lower = text.to_ascii_lowercase();
        let page = if is_html(&lower) {
            "an HTML page"
        } else {
            "an XML document"
        };
        let element = |tag| element_text(&text, &lower, tag);
        return match (element("title"), element("h1")) {
            (Some(title), _) => format!("{page} titled \"{}\"", shorten(title)),
            (None, Some(heading)) => format!("{page} headed \"{}\"", shorten(heading)),
            (None, None) => page.to_owned(),
        };
    }
    if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        shorten(&text)
    }
}

/// What a refusal's fields refused say: an `errors` object of the fields' names (ASP.NET
/// Core's, express-validator's, see [`fields_by_name`]), else a list (`field_errors`, as
/// Hub'Eau and Spring write it, `errors` as JSON:API and GraphQL do): each field named with its
/// message.
fn fields_refused(map: &serde_json::Map<String, Value>) -> Option<String> {
    if let Some(said) = map
        .get("errors")
        .and_then(Value::as_object)
        .and_then(fields_by_name)
    {
        return Some(said);
    }
    let listed = ["field_errors", "fieldErrors", "errors"]
        .iter()
        .find_map(|key| map.get(*key)?.as_array())?;
    let said: Vec<String> = listed
        .iter()
        .filter_map(|refused| {
            let text = |key: &str| refused.get(key)?.as_str().map(str::trim);
            let message = ["message", "detail", "defaultMessage"]
                .iter()
                .find_map(|key| text(key))
                .filter(|message| !message.is_empty())?;
            Some(
                match ["field", "parameter"].iter().find_map(|key| text(key)) {
                    Some(field) if !field.is_empty() => format!("{field}: {message}"),
                    _ => message.to_owned(),
                },
            )
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// The fields refused as an object of their names, each with its messages (a text, a list of
/// texts, or objects holding one): ASP.NET Core's validation problem, `{"errors":{"starttime":
/// ["The value … is not valid …"]}}`, express-validator's `{"errors":{"starttime":{"msg":
/// "…"}}}`.
fn fields_by_name(by_field: &serde_json::Map<String, Value>) -> Option<String> {
    // A message: a text, or an object's `msg`, `message` or `detail`.
    let message = |value: &Value| -> Option<String> {
        match value {
            Value::String(text) => Some(text.trim().to_owned()),
            Value::Object(members) => ["msg", "message", "detail"]
                .iter()
                .find_map(|key| members.get(*key)?.as_str())
                .map(|text| text.trim().to_owned()),
            _ => None,
        }
    };
    let said: Vec<String> = by_field
        .iter()
        .filter_map(|(field, messages)| {
            let messages: Vec<String> = match messages {
                Value::Array(messages) => messages.iter().filter_map(message).collect(),
                one => message(one).into_iter().collect(),
            };
            let messages: Vec<String> = messages.into_iter().filter(|m| !m.is_empty()).collect();
            if messages.is_empty() {
                return None;
            }
            let field = field.trim();
            let messages = messages.join(" ");
            Some(if field.is_empty() {
                messages
            } else {
                format!("{field}: {messages}")
            })
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// Whether a body in ASCII lower case, beginning with `<`, is an HTML page rather than XML (an
/// RSS or Atom feed, a SOAP envelope): its first element, past an XML declaration and
/// comments, is HTML's (`<!doctype html>`, `<html>`, a page cut to its heading,
/// `<h1>502 Bad Gateway</h1>`, or opening on its `<meta>` or `<style>`).
fn is_html(lower: &str) -> bool {
    const HTML: &[&str] = &[
        "html", "head", "body", "title", "h1", "h2", "p", "div", "center", "meta", "style",
        "script", "link", "br", "hr",
    ];
    let mut rest = lower.trim_start();
    loop {
        let skipped = if rest.starts_with("<?") {
            rest.find("?>").map(|end| end + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|end| end + 3)
        } else {
            break;
        };
        let Some(skipped) = skipped else {
            return false;
        };
        rest = rest[skipped..].trim_start();
    }
    if let Some(declared) = rest.strip_prefix("<!doctype") {
        return declared.trim_start().starts_with("html");
    }
    let name: String = rest
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    HTML.contains(&name.as_str())
}

/// The text of the first `<tag>` element of a page, up to its first inner tag (`<h1
/// class="x">502 Bad Gateway</h1>` gives `502 Bad Gateway`); `None` when it has none, or it
/// is empty. `lower` is the page in ASCII lower case, which keeps every byte where it was.
fn element_text<'t>(page: &'t str, lower: &str, tag: &str) -> Option<&'t str> {
    let open = format!("<{tag}");
    let at = lower.match_indices(&open).map(|(at, _)| at).find(|at| {
        lower[at + open.len()..]
            .chars()
            .next()
            .is_some_and(|next| next == '>' || next.is_ascii_whitespace())
    })?;
    let content = at + lower[at..].find('>')? + 1;
    let end = content + lower[content..].find('<')?;
    Some(page[content..end].trim()).filter(|text| !text.is_empty())
}

/// The API's text on one line, without control characters (a terminal's escape codes, a
/// bell, line breaks), at most 300 characters.
fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    let text = releve::logging::one_line(text.trim());
    if text.chars().count() <= MAX {
        text
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

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
        let next_hour =
            |body: &str| open_meteo_reset(&serde_json::from_str(body).expect("JSON"), now);
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
            api_message(
                b"<style>body{font:14px sans-serif}</style><h1>503 Service Unavailable</h1>"
            ),
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
}
