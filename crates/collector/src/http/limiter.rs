//! A client-side token bucket per source, so that the API's 429 is the exception and not the
//! flow control: `rate` calls per second on average, bursts of up to `max(1, rate)` calls.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket shared by the requests of one source's run.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    capacity: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl RateLimiter {
    /// A bucket of `rate` calls per second, full at the start.
    pub fn new(rate: f64) -> RateLimiter {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        let capacity = rate.max(1.0);
        RateLimiter {
            rate,
            capacity,
            state: Mutex::new(Bucket {
                tokens: capacity,
                refilled: Instant::now(),
            }),
        }
    }

    /// Waits for a token and takes it. Callers are served in turn: the lock is held while
    /// waiting, so a later caller never overtakes an earlier one.
    pub async fn acquire(&self) {
        let mut bucket = self.state.lock().await;
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.capacity);
        bucket.refilled = now;
        if bucket.tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate);
            tokio::time::sleep(wait).await;
            bucket.tokens = 1.0;
            bucket.refilled = Instant::now();
        }
        bucket.tokens -= 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn calls_beyond_the_burst_are_spaced_by_the_rate() {
        let limiter = RateLimiter::new(10.0);
        let start = Instant::now();
        for _ in 0..30 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1990), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(2100), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn france_travail_at_its_default_rate_is_never_over_the_apis_limit() {
        // The API's own limit per client id (api-notes §3): 10 calls a second, bursts of 10,
        // a call past its bucket answered 429. A source without `rate_limit` keeps to it.
        let source = crate::testing::configured(
            "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://x/v2\"\ntoken_url = \"https://x/token\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n",
        );
        let limiter = RateLimiter::new(crate::sources::default_rate_limit(&source.kind));
        let (rate, burst) = (10.0, 10.0);
        let (mut left, mut refilled) = (burst, Instant::now());
        let mut refused = 0;
        for _ in 0..100 {
            limiter.acquire().await;
            let now = Instant::now();
            left = (left + now.duration_since(refilled).as_secs_f64() * rate).min(burst);
            refilled = now;
            if left >= 1.0 - 1e-9 {
                left -= 1.0;
            } else {
                refused += 1;
            }
        }
        assert_eq!(refused, 0, "calls the API would answer 429");
    }
}
