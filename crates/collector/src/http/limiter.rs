//! A client-side token bucket per API, so that the API's 429 is the exception and not the
//! flow control: `rate` calls per second on average, bursts of up to `max(1, rate)` calls.
//! The sources of one collector run that call the same API draw from the same bucket
//! ([`RateLimits`]): an API's limit is its own (France Travail's per client id, a portal's
//! per caller), not each source's.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket shared by the requests of the sources that call one API in a run.
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

    /// The calls per second it allows.
    pub fn rate(&self) -> f64 {
        self.rate
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

/// The token buckets of one collector run, one per API.
#[derive(Debug, Default)]
pub struct RateLimits(HashMap<String, Arc<RateLimiter>>);

impl RateLimits {
    /// A bucket per API of `rates` (an API and the rate one of its sources allows, each), at the
    /// smallest rate any of its sources allows: the most any of them says the API bears.
    pub fn new(rates: impl IntoIterator<Item = (String, f64)>) -> RateLimits {
        let mut smallest: HashMap<String, f64> = HashMap::new();
        for (api, rate) in rates {
            smallest
                .entry(api)
                .and_modify(|least| *least = least.min(rate))
                .or_insert(rate);
        }
        RateLimits(
            smallest
                .into_iter()
                .map(|(api, rate)| (api, Arc::new(RateLimiter::new(rate))))
                .collect(),
        )
    }

    /// The bucket of `api`, or a bucket of its own at `rate` for an API none of the sources
    /// given calls.
    pub fn of(&self, api: &str, rate: f64) -> Arc<RateLimiter> {
        self.0
            .get(api)
            .cloned()
            .unwrap_or_else(|| Arc::new(RateLimiter::new(rate)))
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

    #[test]
    fn sources_of_one_api_share_one_bucket_at_the_smallest_rate_they_allow() {
        let limits = RateLimits::new([
            ("portal:443".to_owned(), 5.0),
            ("portal:443".to_owned(), 2.0),
            ("portal:443".to_owned(), 5.0),
            ("usgs:443".to_owned(), 2.0),
        ]);
        let portal = limits.of("portal:443", 5.0);
        assert!(Arc::ptr_eq(&portal, &limits.of("portal:443", 5.0)));
        assert_eq!(portal.rate(), 2.0);
        assert!(!Arc::ptr_eq(&portal, &limits.of("usgs:443", 2.0)));
        assert_eq!(limits.of("elsewhere:443", 7.0).rate(), 7.0);
    }
}
