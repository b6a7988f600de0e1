//! The retry policy: how many attempts, how long to wait between them (capped exponential
//! backoff with full jitter, or the server's `Retry-After` when it says more), and how to read
//! an API's own error message out of a refused answer.

use std::time::Duration;

use rand::Rng;

pub use message::api_message;
pub(crate) use server_wait::{retry_after, throttled_wait};

mod message;
mod server_wait;
#[cfg(test)]
mod tests;

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
