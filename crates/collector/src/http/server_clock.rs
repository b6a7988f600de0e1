//! The API's clock, read from its answers' `Date` header. A machine without a real-time clock
//! (a Raspberry Pi) boots with the clock its image or `fake-hwclock` left, hours or days
//! behind, until NTP sets it a minute or more later, and cron runs the collector meanwhile: an
//! answer landed then would have its file, its records' `stamp` and its run dated by the wrong
//! clock, in a day long reported. A cache may serve an older `Date` (its `Age` says how much
//! older), never a later one: only a `Date` ahead of this clock tells of it.

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
}
