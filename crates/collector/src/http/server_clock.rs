//! The API's clock, read from its answers' `Date` header. A machine without a real-time clock
//! (a Raspberry Pi) boots with the clock its image or `fake-hwclock` left, hours or days
//! behind, until NTP sets it a minute or more later, and cron runs the collector meanwhile: an
//! answer landed then would have its file, its records' `stamp` and its run dated by the wrong
//! clock, in a day long reported. A cache may serve an older `Date` (its `Age` says how much
//! older), never a later one: only a `Date` ahead of this clock tells of it. A clock NTP keeps
//! synchronised is right, though: an API's `Date` ahead of it is the API's clock wrong.

use std::process::Stdio;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use http::HeaderMap;
use http::header::DATE;

/// How far this clock may be behind an API's before it is taken for not set: the margin the
/// collector gives a record dated ahead of it.
pub const MOST_BEHIND: TimeDelta = TimeDelta::minutes(15);

/// The API's time by its `Date` header in `headers`, when it is ahead of `now`, this
/// machine's clock, by more than [`MOST_BEHIND`].
pub fn ahead_of(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let date = headers.get(DATE)?.to_str().ok()?.trim();
    let there = DateTime::parse_from_rfc2822(date).ok()?.with_timezone(&Utc);
    (there - now > MOST_BEHIND).then_some(there)
}

/// Whether an answer of `status` and `body` (its byte-order mark taken off) is the API's own,
/// whose `Date` tells the API's clock: a JSON body, or a `204 No Content`, whatever its
/// `Content-Type` (PHP labels JSON `text/html` unless told otherwise, as many small APIs
/// leave it). A captive portal's sign-in page (any status, an HTML page), a proxy's refusal
/// (407) and a network's sign-in status (511) come with the portal's or the proxy's `Date`,
/// whose clock may be anything: taken for the API's, it would say this clock, right, is behind.
pub fn the_apis_own(status: u16, body: &[u8]) -> bool {
    if matches!(status, 407 | 511) {
        return false;
    }
    match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{' | b'[') => true,
        Some(_) => false,
        None => status == 204,
    }
}

/// How long `timedatectl` is waited for.
const ASKING: Duration = Duration::from_secs(2);

/// Whether NTP keeps this machine's clock synchronised, as `timedatectl` (systemd's, which asks
/// the kernel, whatever keeps the time: timesyncd, chrony, ntpd) tells; `None` when it cannot
/// tell (no systemd, as in most containers, or no answer within [`ASKING`]).
pub async fn synchronised() -> Option<bool> {
    let asked = tokio::process::Command::new("timedatectl")
        .args(["show", "--property=NTPSynchronized", "--value"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    let answer = tokio::time::timeout(ASKING, asked).await.ok()?.ok()?;
    if !answer.status.success() {
        return None;
    }
    read_synchronised(&String::from_utf8_lossy(&answer.stdout))
}

/// `timedatectl show --property=NTPSynchronized --value`'s answer, read.
fn read_synchronised(answer: &str) -> Option<bool> {
    match answer.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn dated(date: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(DATE, HeaderValue::from_str(date).expect("a header value"));
        headers
    }

    #[test]
    fn only_an_api_clock_ahead_by_more_than_the_margin_is_said() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T21:00:00Z")
            .expect("a time")
            .with_timezone(&Utc);
        let days_ahead = dated("Mon, 07 Dec 2026 08:00:00 GMT");
        assert_eq!(
            ahead_of(&days_ahead, now).map(|there| there.to_rfc3339()),
            Some("2026-12-07T08:00:00+00:00".to_owned())
        );
        assert_eq!(ahead_of(&dated("Fri, 04 Dec 2026 21:14:00 GMT"), now), None);
        assert_eq!(ahead_of(&dated("Thu, 03 Dec 2026 08:00:00 GMT"), now), None);
        assert_eq!(ahead_of(&dated("tomorrow"), now), None);
        assert_eq!(ahead_of(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_the_apis_own_answers_tell_its_clock() {
        assert!(the_apis_own(200, b" {\"features\": []}"));
        assert!(the_apis_own(200, b"[1, 2]"));
        assert!(the_apis_own(400, b"{\"message\": \"bad\"}"));
        assert!(the_apis_own(204, b""));
        assert!(!the_apis_own(200, b""));
        assert!(!the_apis_own(200, b"<html></html>"));
        assert!(
            the_apis_own(200, b"{}"),
            "JSON labelled text/html by PHP is the API's"
        );
        assert!(!the_apis_own(200, b"<!DOCTYPE html>"));
        assert!(!the_apis_own(407, b"{}"));
        assert!(!the_apis_own(511, b"{}"));
        assert!(!the_apis_own(503, b"Service Unavailable"));
    }

    #[test]
    fn only_a_clock_timedatectl_says_synchronised_is_trusted() {
        assert_eq!(read_synchronised("yes\n"), Some(true));
        assert_eq!(read_synchronised("no\n"), Some(false));
        assert_eq!(read_synchronised(""), None);
    }
}
