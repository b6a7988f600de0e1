//! A client-side limit per API, so that the API's 429 is the exception and not the flow
//! control: no second holds more than `rate` calls (a rate below one spaces the calls by
//! `1 / rate` seconds), whichever second the API counts. A token bucket, full at the start,
//! would let twice the rate through in a run's first second. The sources of one collector run
//! that call the same API share one limit ([`RateLimits`]): an API's limit is its own (France
//! Travail's per client id, a portal's per caller), not each source's, and so is a wait it
//! asks for ([`RateLimiter::hold_for`]), and a pause it asked for past the run (a quota spent,
//! [`RateLimiter::pause`]): its other sources pause too, without a call.
//!
//! A call counts in the window until it is answered, not from when it was let through: the
//! API counts it when it arrives, which may be any time before its answer (a connection slow
//! to open sends it late), so the next call past the limit waits for a second after the
//! answer of the call it follows by `rate`, or after [`ARRIVED_WITHIN`] when that comes
//! first: a call still unanswered then has reached the API, and one dataset that hangs does
//! not hold its portal's other datasets for its whole `timeout`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use tokio::sync::{Mutex, Notify};
use tokio::time::Instant;

use super::FetchError;

/// The limit shared by the requests of the sources that call one API in a run: at most
/// `calls` within any `window`.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    calls: usize,
    window: Duration,
    /// Held by the caller waiting for its turn, so a later caller never overtakes an earlier
    /// one.
    turn: Mutex<()>,
    /// The last `calls` calls and the wait the API asked for.
    state: std::sync::Mutex<Calls>,
    /// Told when a call is answered.
    answered: Notify,
}

/// The calls counted in the window, the oldest first, until when the API asked to wait, and
/// the pause it asked for past the run.
#[derive(Debug, Default)]
struct Calls {
    counted: VecDeque<Call>,
    next_id: u64,
    held_until: Option<Instant>,
    paused: Option<ApiPause>,
}

/// A wait the API asked for that outlasts the run (a quota spent until its reset), learnt from
/// one source's refused call.
#[derive(Debug, Clone)]
struct ApiPause {
    until: chrono::DateTime<chrono::Utc>,
    longer: bool,
    last: String,
}

/// A call let through: when it was answered, once it was.
#[derive(Debug)]
struct Call {
    id: u64,
    sent: Instant,
    answered: Option<Instant>,
}

impl Call {
    /// The latest the API counted it: when it was answered, or [`ARRIVED_WITHIN`] after it
    /// was let through, whichever comes first (a call that hangs has arrived by then).
    fn arrived_by(&self) -> Instant {
        let bound = self.sent + ARRIVED_WITHIN;
        self.answered.map_or(bound, |answered| answered.min(bound))
    }
}

/// A call let through by a [`RateLimiter`]: it counts until dropped, as answered then.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
    id: u64,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut calls = self.limiter.calls();
        if let Some(call) = calls.counted.iter_mut().find(|call| call.id == self.id) {
            call.answered = Some(Instant::now());
        }
        drop(calls);
        self.limiter.answered.notify_waiters();
    }
}

/// The longest a client takes to open a connection (its `connect_timeout`, the source's
/// `timeout` when shorter) before the request fails.
pub const LONGEST_CONNECT: Duration = Duration::from_secs(10);

/// How long after it is let through a call has reached the API at the latest, when it has not
/// failed: its connection open, and a second to send the request on it.
pub const ARRIVED_WITHIN: Duration = LONGEST_CONNECT.saturating_add(Duration::from_secs(1));

/// What a caller waits for before its call keeps within the limit.
enum Wait {
    Until(Instant),
    AnswerOrUntil(Instant),
}

impl RateLimiter {
    /// A limit of `rate` calls per second: `rate` (rounded down) within any second, or one
    /// every `1 / rate` seconds below one a second.
    pub fn new(rate: f64) -> RateLimiter {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        let (calls, window) = if rate >= 1.0 {
            // At most a million a second: a number of instants to keep, not a limit anyone
            // sets.
            (allowed_rate(rate.min(1e6)) as usize, Duration::from_secs(1))
        } else {
            (1, Duration::from_secs_f64(1.0 / rate))
        };
        RateLimiter {
            rate,
            calls,
            window,
            turn: Mutex::new(()),
            state: std::sync::Mutex::new(Calls::default()),
            answered: Notify::new(),
        }
    }

    /// The calls per second it allows.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The calls counted; a caller that panicked holding them left them whole.
    fn calls(&self) -> std::sync::MutexGuard<'_, Calls> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a call keeps within the limit and any wait the API asked for is over, and
    /// counts it until the permit is dropped (its answer in). Callers are served in turn. The
    /// oldest call leaves the window once the wait is over, not before: a wait given up (a
    /// call dropped while it waits) leaves the window as it was.
    pub async fn acquire(&self) -> Permit<'_> {
        let _turn = self.turn.lock().await;
        loop {
            let notified = self.answered.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wait = {
                let mut calls = self.calls();
                let now = Instant::now();
                match calls.held_until.filter(|until| *until > now) {
                    Some(until) => Wait::Until(until),
                    None if calls.counted.len() < self.calls => {
                        return self.counted(&mut calls);
                    }
                    None => match calls.counted.front() {
                        Some(oldest) if oldest.arrived_by() + self.window > now => {
                            let leaves = oldest.arrived_by() + self.window;
                            match oldest.answered {
                                Some(_) => Wait::Until(leaves),
                                None => Wait::AnswerOrUntil(leaves),
                            }
                        }
                        _ => {
                            calls.counted.pop_front();
                            return self.counted(&mut calls);
                        }
                    },
                }
            };
            match wait {
                Wait::Until(until) => tokio::time::sleep_until(until).await,
                Wait::AnswerOrUntil(until) => {
                    let _ = tokio::time::timeout_at(until, notified).await;
                }
            }
        }
    }

    fn counted(&self, calls: &mut Calls) -> Permit<'_> {
        let id = calls.next_id;
        calls.next_id += 1;
        calls.counted.push_back(Call {
            id,
            sent: Instant::now(),
            answered: None,
        });
        Permit { limiter: self, id }
    }

    /// Holds every call for `wait` from now, the API having asked for it (a `Retry-After`, a
    /// 429's backoff): the other sources calling the API wait too. A longer hold already set
    /// stays.
    pub fn hold_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut calls = self.calls();
        calls.held_until = Some(calls.held_until.map_or(until, |held| held.max(until)));
    }

    /// Pauses every later call of the run as `refusal` (a [`FetchError::Paused`]) paused its
    /// source: the API's other sources pause until then too, without calling it.
    pub(super) fn pause(&self, refusal: &FetchError) {
        if let FetchError::Paused {
            until,
            longer,
            last,
            ..
        } = refusal
        {
            self.calls().paused = Some(ApiPause {
                until: *until,
                longer: *longer,
                last: last.clone(),
            });
        }
    }

    /// The pause `what` is under, without a call, when the API asked for one in this run that
    /// is not over yet (a long run outlasts a quota's reset).
    pub(super) fn paused(&self, what: &str) -> Option<FetchError> {
        let pause = self.calls().paused.clone()?;
        if pause.until <= chrono::Utc::now() {
            return None;
        }
        Some(FetchError::Paused {
            what: what.to_owned(),
            until: pause.until,
            longer: pause.longer,
            last: format!(
                "not called, as the API answered another of its sources in this run: {}",
                pause.last
            ),
        })
    }
}

/// The calls a second a `rate_limit` of `rate` lets through: no second holds part of a call,
/// so a limit above one is taken whole (`2.5` makes 2); below one it is kept (`0.5`: one call
/// every 2 seconds).
pub fn allowed_rate(rate: f64) -> f64 {
    if rate >= 1.0 { rate.floor() } else { rate }
}

/// The rate limits of one collector run, one per API.
#[derive(Debug, Default)]
pub struct RateLimits(HashMap<String, Arc<RateLimiter>>);

impl RateLimits {
    /// A limit per API of `rates` (an API and the rate one of its sources allows, each), at the
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

    /// The limit of `api`, or a limit of its own at `rate` for an API none of the sources
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

    /// The most calls of `sent` (times since a start) within any one second.
    fn most_in_one_second(sent: &[Duration]) -> usize {
        let one_second = Duration::from_secs(1);
        sent.iter()
            .map(|from| {
                sent.iter()
                    .filter(|at| *at >= from && **at < *from + one_second)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

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
    async fn a_call_that_hangs_holds_the_other_datasets_of_its_portal_only_until_it_has_arrived() {
        // One dataset of a portal hangs for its whole `timeout` (30 s); its 199 siblings share
        // the portal's limit. The hung call reached the portal once its connection opened (10 s
        // at most): past that, the calls after it are not held for its answer.
        let limiter = RateLimiter::new(5.0);
        let start = Instant::now();
        let hung = limiter.acquire().await;
        for _ in 0..4 {
            drop(limiter.acquire().await);
        }
        let sixth = tokio::time::timeout(Duration::from_secs(30), limiter.acquire()).await;
        assert!(
            sixth.is_ok(),
            "the portal's other calls waited for the hung call's answer"
        );
        assert!(
            start.elapsed() <= ARRIVED_WITHIN + Duration::from_secs(1),
            "let through once the hung call must have arrived and its second passed: {:?}",
            start.elapsed()
        );
        drop(hung);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_below_one_a_second_spaces_every_call() {
        let limiter = RateLimiter::new(0.5);
        let start = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..3 {
            limiter.acquire().await;
            sent.push(start.elapsed().as_secs());
        }
        assert_eq!(sent, [0, 2, 4]);
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

    #[tokio::test(start_paused = true)]
    async fn no_second_holds_more_calls_than_the_rate_limit_allows() {
        // README, `rate_limit`: a "client-side limit in calls per second"; "a dozen datasets
        // of one Opendatasoft portal make 5 calls a second together". A portal that counts
        // its calls per second answers those past 5 in any one second with 429 (a token
        // bucket full at a run's start sent the burst and the refill in its first: 9 calls).
        let limiter = RateLimiter::new(5.0);
        let start = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..20 {
            limiter.acquire().await;
            sent.push(start.elapsed());
        }
        let most = most_in_one_second(&sent);
        assert!(
            most <= 5,
            "{most} calls within one second at 5 calls a second: {sent:?}"
        );
    }

    /// France Travail's day is read with six calls in flight ([`harvest_day`]); the first
    /// failed call ends the day, dropping the others, one of them waiting in `acquire` for the
    /// oldest call of the last second to age out. That call's instant, taken off the window
    /// before the wait, is lost with it, so the next call (another France Travail source of
    /// the run, sharing the limit) goes at once: 11 calls within one second at 10 a second,
    /// which France Travail answers with 429. Expected: a wait given up takes nothing out of
    /// the window.
    ///
    /// [`harvest_day`]: crate::sources::france_travail
    #[tokio::test(start_paused = true)]
    async fn a_wait_given_up_lets_no_more_calls_through_than_the_limit() {
        let limiter = RateLimiter::new(2.0);
        let start = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..2 {
            limiter.acquire().await;
            sent.push(start.elapsed());
        }
        // A call in flight, dropped while it waits (its day ended by another's failure).
        let given_up = tokio::time::timeout(Duration::from_millis(500), limiter.acquire()).await;
        assert!(
            given_up.is_err(),
            "the third call waits for the first to age out"
        );
        limiter.acquire().await;
        sent.push(start.elapsed());
        let most = most_in_one_second(&sent);
        assert!(
            most <= 2,
            "{most} calls within one second at 2 calls a second: {sent:?}"
        );
    }

    /// A portal's quota spent until a reset three minutes on, learnt by one source of a long
    /// run: a dataset still downloading its export asks for its next page once the reset is
    /// past. Expected: the page is asked for, not refused as paused "until" a time gone by.
    #[test]
    fn a_pause_the_api_asked_for_no_longer_holds_once_its_time_is_past() {
        let limiter = RateLimiter::new(5.0);
        limiter.pause(&FetchError::Paused {
            what: "records page 1".to_owned(),
            until: chrono::Utc::now() - chrono::TimeDelta::seconds(1),
            longer: false,
            last: "HTTP 429: quota exceeded".to_owned(),
        });
        assert!(
            limiter.paused("records page 2").is_none(),
            "a sibling is refused after the API's reset"
        );
        limiter.pause(&FetchError::Paused {
            what: "records page 1".to_owned(),
            until: chrono::Utc::now() + chrono::TimeDelta::hours(1),
            longer: false,
            last: "HTTP 429: quota exceeded".to_owned(),
        });
        assert!(limiter.paused("records page 2").is_some());
    }

    #[test]
    fn sources_of_one_api_share_one_limit_at_the_smallest_rate_they_allow() {
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
