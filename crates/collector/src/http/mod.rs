//! The one way the collector talks HTTP: a [`SourceClient`] per source and run that applies the
//! client-side rate limit of the source's API (shared with the other sources calling it), the
//! source's per-request timeout and the single retry policy, and counts what it did for the
//! run metrics.
//!
//! How to use it from a source module:
//!
//! ```text
//! let answer = ctx.client.send_json("records page 3", |http| {
//!     http.get(&url).query(&[("limit", "100"), ("offset", "200")])
//! }).await?;
//! let page: Page = ctx.client.decode(&answer, "records page 3")?;
//! ```
//!
//! - `send` returns any answer with a 2xx status (a redirect is followed, one without an
//!   address to follow is refused); `send_json` also insists the body is JSON
//!   (a 204 passes with its empty body). Both retry timeouts, connection errors, truncated
//!   bodies, 5xx and 429 (honouring `Retry-After`, and on a 429 a quota's reset time), with
//!   capped exponential backoff and full jitter; a wait longer than the policy allows ends the
//!   run as [`FetchError::Paused`], and the source rests until then. `send_json` also retries
//!   a 2xx body that stops before its JSON ends (a cut-off answer, or an empty one), and
//!   refuses at once one that is complete but not JSON (a page served instead of data would
//!   come again).
//! - With [`SourceClient::with_retry_deadline`] (every run sets its source's: when its next
//!   run is due), a failed request is tried again only while the deadline leaves room once
//!   the backoff and the rate limit's wait are over, each retry's time limit cut to what is
//!   left: past it, the request fails as [`FetchError::OutOfTime`], or [`FetchError::Paused`]
//!   when it is the server's requested wait that does not fit. First attempts are never cut:
//!   a long collection making progress goes on (an export out of time is paged). An answer
//!   still arriving when its time limit struck fails as [`FetchError::StillArriving`], not
//!   downloaded again.
//! - Any other 4xx fails at once as [`FetchError::Rejected`] with the API's own message, or
//!   as [`FetchError::SignInPage`] when it is an HTML page from a host that has answered no
//!   JSON in this run (a public Wi-Fi's sign-in page?): a caller reading a status reads it with
//!   [`FetchError::refusal`], which gives both; a body larger than [`MAX_BODY_BYTES`] fails at
//!   once as [`FetchError::TooLarge`].
//! - Errors never carry URLs (they could hold a key): they name the request by `what`. Call
//!   [`SourceClient::hide`] with any secret the source uses; it is scrubbed from messages.
//! - The backoff base can be shortened for tests with `COLLECTOR_BACKOFF_MS`.

mod answer;
mod arriving;
mod attempt;
mod body;
mod caps;
mod edits;
mod error;
mod failure;
mod json_hosts;
mod limiter;
mod lone_surrogates;
pub mod memory;
mod non_finite;
mod proxy;
mod redirect;
mod retry;
mod retrying;
mod secrets;
mod server_clock;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use answer::Answer;
use caps::answer_cap;
pub use caps::{too_large_to_read, tree_cap};
pub use error::FetchError;
pub use limiter::{RateLimiter, RateLimits, allowed_rate};
pub use retry::RetryPolicy;

/// The least time worth a retry when a deadline is near (a shorter timeout is worth its own).
pub const LEAST_RETRY: Duration = Duration::from_secs(1);

/// The largest body read, decompressed: what the summariser reads by default
/// (`--max-file-mb`), and a few times that in memory once parsed. A larger answer (an export
/// of a whole dataset, a compressed bomb) fails the run instead of the process running out
/// of memory at every run.
pub const MAX_BODY_BYTES: u64 = releve::rawfile::DEFAULT_MAX_FILE_MB * releve::rawfile::MIB;

/// What a run's requests amounted to, for the run metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// Requests sent, retries included.
    pub http_calls: u64,
    /// Requests that repeated an earlier failed attempt.
    pub retries: u64,
    /// Answers with status 429.
    pub throttled: u64,
}

/// The HTTP client of one source for one run.
pub struct SourceClient {
    http: reqwest::Client,
    policy: RetryPolicy,
    /// Each request's own time limit.
    timeout: Duration,
    /// When retries must have ended: the source's next run is due then.
    retry_deadline: Option<Instant>,
    /// The rate limit of the source's API, which the other sources calling it share.
    limiter: Arc<RateLimiter>,
    /// The largest body read ([`MAX_BODY_BYTES`] but in tests).
    max_body: u64,
    http_calls: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    secrets: Mutex<Vec<regex_lite::Regex>>,
    /// Whether NTP keeps this clock synchronised, asked once an API's `Date` is ahead of it.
    synchronised: tokio::sync::OnceCell<Option<bool>>,
    /// An API's clock ahead of this synchronised one has been said in this run.
    api_clock_said: AtomicBool,
    /// An answer of the API's own, dated by its `Date`, has told its clock in this run.
    clock_told: AtomicBool,
    /// The hosts that have answered JSON in this run: their HTML refusals are their own.
    json_hosts: json_hosts::JsonHosts,
}

impl std::fmt::Debug for SourceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceClient")
            .field("policy", &self.policy)
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

/// What a request does when an attempt times out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTimeout {
    /// Tries again, like any failure worth retrying.
    TryAgain,
    /// Gives up at once: the caller has another way to the same answer (a whole-selection
    /// export that a slow portal would let time out at every attempt, when pages can fetch
    /// the same records).
    GiveUp,
}

/// Installs the TLS crypto provider once per process (reqwest is built without one).
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl SourceClient {
    /// A client with `timeout` per request and at most `rate_limit` calls per second.
    pub fn new(
        timeout: Duration,
        rate_limit: f64,
        policy: RetryPolicy,
    ) -> Result<SourceClient, FetchError> {
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(limiter::LONGEST_CONNECT))
            .user_agent(concat!("releve-collector/", env!("CARGO_PKG_VERSION")))
            // Followed by `attempt`, each request drawing from the API's limit.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| FetchError::Build {
                what: "HTTP client".to_owned(),
                detail: failure::with_causes(&err.without_url()),
            })?;
        Ok(SourceClient {
            http,
            policy,
            timeout,
            retry_deadline: None,
            limiter: Arc::new(RateLimiter::new(rate_limit)),
            max_body: answer_cap().0,
            http_calls: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            secrets: Mutex::new(Vec::new()),
            synchronised: tokio::sync::OnceCell::new(),
            api_clock_said: AtomicBool::new(false),
            clock_told: AtomicBool::new(false),
            json_hosts: json_hosts::JsonHosts::default(),
        })
    }

    /// This client, with every retry ended by `deadline` (the source's next run is due then):
    /// a retry's time limit is cut to what is left, and when less than [`LEAST_RETRY`] (or
    /// the whole timeout, if shorter) is left the request is not tried again; the next run
    /// tries. A server that hangs then never holds the source past its next run because of
    /// retries. A wait the server asked for that ends past the deadline pauses the source
    /// until then. First attempts are not cut.
    pub fn with_retry_deadline(mut self, deadline: Instant) -> SourceClient {
        self.retry_deadline = Some(deadline);
        self
    }

    /// This client, its calls counted in `limiter`, the rate limit of its API that the clients of
    /// the other sources calling it share, instead of a limit of its own.
    pub fn with_rate_limiter(mut self, limiter: Arc<RateLimiter>) -> SourceClient {
        self.limiter = limiter;
        self
    }

    /// This client, reading bodies of at most `bytes` (tests; runs read [`MAX_BODY_BYTES`]).
    pub fn with_max_body(mut self, bytes: u64) -> SourceClient {
        self.max_body = bytes;
        self
    }

    /// The counts so far.
    pub fn counts(&self) -> CallCounts {
        CallCounts {
            http_calls: self.http_calls.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
        }
    }

    /// Whether an answer of the API's own, with a `Date`, told its clock in this run: without
    /// one (no server reached, as when a machine boots before its network is up) this clock
    /// could not be judged.
    pub fn clock_told(&self) -> bool {
        self.clock_told.load(Ordering::Relaxed)
    }

    /// Sends the request `build` makes (called again for each attempt) with the retry policy.
    pub async fn send(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync,
    ) -> Result<Answer, FetchError> {
        self.send_checked(what, &build, false).await
    }

    /// Like [`send`](Self::send), and a body that is not JSON is refused: at once when it is
    /// complete, after retries when it stops early.
    pub async fn send_json(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync,
    ) -> Result<Answer, FetchError> {
        self.send_checked(what, &build, true).await
    }

    /// Like [`send_json`](Self::send_json), with a choice of what an attempt that times out
    /// leads to (see [`OnTimeout`]).
    pub async fn send_json_with(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync,
        on_timeout: OnTimeout,
    ) -> Result<Answer, FetchError> {
        self.send_with(what, &build, true, on_timeout).await
    }

    async fn send_checked(
        &self,
        what: &str,
        build: &(dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync),
        want_json: bool,
    ) -> Result<Answer, FetchError> {
        self.send_with(what, build, want_json, OnTimeout::TryAgain)
            .await
    }
}
