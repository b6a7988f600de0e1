//! The wait a server asks for: its `Retry-After`, or on a 429 the time its quota resets.

use std::time::Duration;

use chrono::DurationRound;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

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
pub(super) fn open_meteo_reset(
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
