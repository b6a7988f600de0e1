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
//! - Any other 4xx fails at once as [`FetchError::Rejected`] with the API's own message; a
//!   body larger than [`MAX_BODY_BYTES`] fails at once as [`FetchError::TooLarge`].
//! - Errors never carry URLs (they could hold a key): they name the request by `what`. Call
//!   [`SourceClient::hide`] with any secret the source uses; it is scrubbed from messages.
//! - The backoff base can be shortened for tests with `COLLECTOR_BACKOFF_MS`.

mod answer;
mod arriving;
mod edits;
mod error;
mod failure;
mod limiter;
mod lone_surrogates;
pub mod memory;
mod non_finite;
mod proxy;
mod redirect;
mod retry;
mod secrets;
mod server_clock;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;

pub use answer::Answer;
use answer::UTF8_BOM;
use arriving::Arriving;
pub use error::FetchError;
use error::paused;
use failure::{Attempt, Reason, final_error, transport_reason};
pub use limiter::{RateLimiter, RateLimits, allowed_rate};
pub use retry::RetryPolicy;

/// The least time worth a retry when a deadline is near (a shorter timeout is worth its own).
pub const LEAST_RETRY: Duration = Duration::from_secs(1);

/// The largest body read, decompressed: what the summariser reads by default
/// (`--max-file-mb`), and a few times that in memory once parsed. A larger answer (an export
/// of a whole dataset, a compressed bomb) fails the run instead of the process running out
/// of memory at every run.
pub const MAX_BODY_BYTES: u64 = releve::rawfile::DEFAULT_MAX_FILE_MB * releve::rawfile::MIB;

/// The memory the collector may use (see [`memory::available`]), read once: both caps below
/// rest on the same reading.
fn available_memory() -> Option<u64> {
    static AVAILABLE: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(memory::available)
}

/// The largest body this process reads: [`MAX_BODY_BYTES`], or less on a machine or under
/// limits leaving the collector less memory (see [`memory`]), with that memory then.
fn answer_cap() -> (u64, Option<u64>) {
    let available = available_memory();
    let cap = memory::answer_cap(MAX_BODY_BYTES, available);
    (cap, available.filter(|_| cap < MAX_BODY_BYTES))
}

/// The most of an answer parsed whole as a tree (see [`memory::tree_cap`]) and the memory the
/// collector may use, which sets it, in bytes; `None` where that memory is not known.
pub fn tree_cap() -> Option<(u64, u64)> {
    let available = available_memory()?;
    Some((memory::tree_cap(available), available))
}

/// The memory the collector may use, in bytes, when an answer of `size` bytes holding
/// `records` is too large for it to read one record at a time into the records that land (see
/// [`memory::fits_reading_records`]); `None` when it fits, or where that memory is not known.
pub fn too_large_to_read(size: u64, records: u64) -> Option<u64> {
    let available = available_memory()?;
    (!memory::fits_reading_records(size, records, available)).then_some(available)
}

/// The most memory set aside for a body before its bytes come, whatever length it
/// announces: past it the body grows as it is read.
const PREALLOCATED_BYTES: u64 = 64 * releve::rawfile::MIB;

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

/// A request's failed attempt, as [`SourceClient::retry_delay`] weighs a retry.
struct Failed<'a> {
    /// The request, as errors name it.
    what: &'a str,
    /// Its number, from 1.
    attempt: u32,
    /// True when a body that is not JSON is refused.
    want_json: bool,
    /// What a time-out leads to.
    on_timeout: OnTimeout,
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

    async fn send_with(
        &self,
        what: &str,
        build: &(dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync),
        want_json: bool,
        on_timeout: OnTimeout,
    ) -> Result<Answer, FetchError> {
        let mut attempt = 1;
        // The failure a retry follows, while the deadline may still refuse the retry.
        let mut retrying: Option<Reason> = None;
        loop {
            // A pause another source of the API learnt, before waiting for a slot of its
            // limit (a paused call takes none) and once the wait is over.
            if let Some(paused) = self.limiter.paused(what) {
                return Err(self.scrub_error(paused));
            }
            let permit = self.limiter.acquire().await;
            if let Some(paused) = self.limiter.paused(what) {
                return Err(self.scrub_error(paused));
            }
            // Checked again once the rate limit let the retry go: its wait counts too.
            let cut = match (retrying.take(), self.retry_deadline) {
                (Some(reason), Some(deadline)) => match self.time_for_retry(deadline) {
                    Some(cut) => cut,
                    None => return Err(self.out_of_time(what, attempt - 1, reason)),
                },
                _ => None,
            };
            // Counted once sent: a retry the deadline refused above is none.
            if attempt > 1 {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            self.http_calls.fetch_add(1, Ordering::Relaxed);
            let failed = Failed {
                what,
                attempt,
                want_json,
                on_timeout,
            };
            let (reason, delay) = match self.attempt(what, build, cut, want_json, permit).await {
                Ok(answer) => return Ok(answer),
                Err(Attempt::Fatal(err)) => return Err(self.scrub_error(err)),
                Err(Attempt::Retry { reason, wait }) => {
                    self.hold_the_api(&reason, wait, attempt);
                    self.retry_delay(&failed, reason, wait)?
                }
            };
            tracing::warn!(
                request = %what,
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                reason = %self.scrub(&reason.text),
                "Request failed, retrying."
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
            retrying = Some(reason);
        }
    }

    /// Holds every call to the API, the other sources' of the run and the pages that follow
    /// this request's last failure too, for the wait it asked for (`Retry-After`, a 429's
    /// backoff), when the run would wait that long: a longer one, a quota's, pauses the source.
    fn hold_the_api(&self, reason: &Reason, asked_wait: Option<Duration>, attempt: u32) {
        let server_wait =
            asked_wait.or_else(|| reason.throttled.then(|| self.policy.throttled(attempt)));
        if let Some(wait) = server_wait.filter(|wait| *wait <= self.policy.max_retry_after) {
            self.limiter.hold_for(wait);
        }
    }

    /// The reason an attempt failed and how long to wait before retrying it, the server having
    /// asked for `asked_wait`; or the request's error: the attempt timed out and is not to be
    /// tried again, a quota's long wait pauses the source (whether or not attempts are left),
    /// no attempt is left, or the run's deadline comes first.
    fn retry_delay(
        &self,
        failed: &Failed<'_>,
        reason: Reason,
        asked_wait: Option<Duration>,
    ) -> Result<(Reason, Duration), FetchError> {
        let &Failed {
            what,
            attempt,
            want_json,
            on_timeout,
        } = failed;
        if reason.timed_out && on_timeout == OnTimeout::GiveUp {
            return Err(self.scrub_error(final_error(what, attempt, reason, want_json)));
        }
        let server_wait =
            asked_wait.or_else(|| reason.throttled.then(|| self.policy.throttled(attempt)));
        let Some(delay) = self.policy.delay(attempt, server_wait) else {
            let refusal = self.scrub_error(paused(what, server_wait, reason));
            self.limiter.pause(&refusal);
            return Err(refusal);
        };
        if attempt >= self.policy.max_attempts {
            return Err(self.scrub_error(final_error(what, attempt, reason, want_json)));
        }
        if let Some(deadline) = self.retry_deadline {
            let now = Instant::now();
            if let Some(wait) = asked_wait
                && now + wait > deadline
            {
                return Err(self.scrub_error(paused(what, asked_wait, reason)));
            }
            if self
                .time_for_retry(deadline.checked_sub(delay).unwrap_or(now))
                .is_none()
            {
                return Err(self.out_of_time(what, attempt, reason));
            }
        }
        Ok((reason, delay))
    }

    /// Whether a retry starting now has time before `deadline`: `None` when less than
    /// [`LEAST_RETRY`] (or the whole timeout, if shorter) is left, else the retry's time limit
    /// when the time left is shorter than the timeout.
    fn time_for_retry(&self, deadline: Instant) -> Option<Option<Duration>> {
        let left = deadline.saturating_duration_since(Instant::now());
        (left >= self.timeout.min(LEAST_RETRY)).then(|| (left < self.timeout).then_some(left))
    }

    fn out_of_time(&self, what: &str, attempts: u32, reason: Reason) -> FetchError {
        self.scrub_error(FetchError::OutOfTime {
            what: what.to_owned(),
            attempts,
            last: reason.text,
        })
    }

    /// An API's `Date`, `there`, ahead of this clock's `here` by more than the margin: this clock
    /// is not set yet, and nothing lands; unless NTP keeps it synchronised, when the API's clock
    /// is wrong, said once a run, and its answer lands as usual (a source refused at every run
    /// for an API's clock would never be collected again).
    async fn judge_clock_behind(
        &self,
        what: &str,
        here: chrono::DateTime<chrono::Utc>,
        there: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), Attempt> {
        let synchronised = *self
            .synchronised
            .get_or_init(server_clock::synchronised)
            .await;
        if synchronised != Some(true) {
            return Err(Attempt::Fatal(FetchError::ClockBehind {
                what: what.to_owned(),
                here,
                there,
            }));
        }
        if !self.api_clock_said.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "{what}: the API's clock is {} ahead of this machine's (its `Date` header: {}), which NTP keeps synchronised (`timedatectl`): the API's clock is wrong, not this one; its answers land as usual, dated by this clock",
                releve::store::clocks_apart(there - here),
                there.format("%Y-%m-%d %H:%M:%S UTC")
            );
        }
        Ok(())
    }

    /// One try of the request, `permit` its place in the API's limit (see `limiter`), kept
    /// until its answer comes. A redirect that stays with the API ([`redirect::next_request`])
    /// is followed here, each of its requests drawing a place of its own, as the API counts it.
    async fn attempt(
        &self,
        what: &str,
        build: &(dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync),
        cut: Option<Duration>,
        want_json: bool,
        permit: limiter::Permit<'_>,
    ) -> Result<Answer, Attempt> {
        let request = match cut {
            Some(limit) => build(&self.http).timeout(limit),
            None => build(&self.http),
        };
        let limit = cut.unwrap_or(self.timeout);
        let mut request = match request.build() {
            Ok(request) => request,
            Err(err) => return Err(unsent(what, err, limit).await),
        };
        if let Some(detail) = proxy::unreadable_for(request.url())
            .or_else(|| proxy::exemption_misread_for(request.url()))
        {
            return Err(Attempt::Fatal(FetchError::Proxy(detail)));
        }
        let first = request.url().clone();
        // The timeout bounds the request, its redirects included, as it bounds one alone: the
        // time its requests take, not the waits for the rate limit between them.
        let mut spent = Duration::ZERO;
        let mut sent = 1;
        let mut permit = permit;
        let response = loop {
            let again = request.try_clone();
            let last = request.url().clone();
            // Its login goes with every request it forwards or tunnels, whatever it answers.
            if let Some(via) = proxy::for_url(request.url()) {
                self.hide_login(&via);
            }
            let sent_at = Instant::now();
            let response = match self.http.execute(request).await {
                Ok(response) => response,
                Err(err) => return Err(unsent(what, err, limit).await),
            };
            spent += sent_at.elapsed();
            drop(permit);
            match redirect::next_request(&first, &last, again, &response, sent) {
                Ok(None) => break response,
                Ok(Some(next)) => {
                    request = next;
                    sent += 1;
                    permit = self.limiter.acquire().await;
                    let left = limit.saturating_sub(spent);
                    *request.timeout_mut() = Some(left.max(Duration::from_millis(1)));
                }
                Err(why) => {
                    return Err(Attempt::Fatal(FetchError::Redirected {
                        what: what.to_owned(),
                        why,
                    }));
                }
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let here = chrono::Utc::now();
        if let Some(there) = server_clock::ahead_of(&headers, here) {
            self.judge_clock_behind(what, here, there).await?;
        }
        // A plain `http://` request a proxy forwards itself: its 407 is the proxy's.
        let via = (status == 407)
            .then(|| proxy::for_url(response.url()).map(|via| (via, response.url().clone())))
            .flatten();
        let mut body = self.read_body(what, response, limit).await?;
        if let Some((via, answered)) = via {
            let page = self.api_message(&body);
            let refused = proxy::answered_407(what, &via, &answered, &headers, page);
            return Err(Attempt::Fatal(refused));
        }
        // Some portals start their JSON with a UTF-8 byte-order mark, which JSON parsers refuse.
        if body.starts_with(UTF8_BOM) {
            body = body.slice(UTF8_BOM.len()..);
        }
        self.judge(
            what,
            Answer {
                status,
                headers,
                body,
            },
            want_json,
        )
    }

    /// The whole body, decompressed, or why not: at most `max_body` bytes are read.
    async fn read_body(
        &self,
        what: &str,
        mut response: reqwest::Response,
        limit: Duration,
    ) -> Result<Bytes, Attempt> {
        let too_large = || {
            Attempt::Fatal(FetchError::TooLarge {
                what: what.to_owned(),
                mib: self.max_body / releve::rawfile::MIB,
                by_memory: answer_cap()
                    .1
                    .filter(|_| self.max_body == answer_cap().0)
                    .map(|memory| memory / releve::rawfile::MIB),
            })
        };
        let announced = response.content_length();
        if announced.is_some_and(|length| length > self.max_body) {
            return Err(too_large());
        }
        // Sized when the length is announced, so a large export is seldom copied as it grows;
        // up to what the first bytes justify only: a length announced and never sent would
        // otherwise have the memory set aside before any byte came (and, where the system
        // refuses that much, abort the whole collector).
        let capacity = announced
            .map(|n| n.min(PREALLOCATED_BYTES).min(self.max_body))
            .and_then(|n| usize::try_from(n).ok());
        let mut body = bytes::BytesMut::with_capacity(capacity.unwrap_or(0));
        let reading_since = Instant::now();
        let mut last_came = reading_since;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // Timed out while the body kept coming, at a pace no retry would beat: a
                // stalled one, or one whose server was slow to start, is tried again.
                Err(err)
                    if err.is_timeout()
                        && !body.is_empty()
                        && arriving::still(Arriving {
                            last_came: last_came.elapsed(),
                            reading: reading_since.elapsed(),
                            received: body.len(),
                            announced,
                            limit,
                        }) =>
                {
                    return Err(Attempt::Fatal(FetchError::StillArriving {
                        what: what.to_owned(),
                        received: arriving::arrived(body.len(), announced),
                        limit,
                    }));
                }
                Err(err) => return Err(Attempt::retry(transport_reason(err, limit, None), None)),
            };
            last_came = Instant::now();
            if (body.len() + chunk.len()) as u64 > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

impl SourceClient {
    /// Registers the login `via` is sent, scrubbed from any page of its (a refusal, a 403, a
    /// 502) that quotes the request (its `Proxy-Authorization` header).
    fn hide_login(&self, via: &proxy::Proxy) {
        if let Some(token) = via.login_token() {
            self.hide(token);
        }
    }
}

/// Why a request could not be sent or answered: a request that cannot be built is final, as
/// is a proxy's refusal (see [`proxy::failed`]); anything else on the way (connection, timeout
/// after `limit`) is worth another try.
async fn unsent(what: &str, err: reqwest::Error, limit: Duration) -> Attempt {
    if err.is_builder() {
        return Attempt::Fatal(FetchError::Build {
            what: what.to_owned(),
            detail: failure::with_causes(&err.without_url()),
        });
    }
    match err.url().and_then(proxy::for_url) {
        Some(via) if err.is_connect() || err.is_timeout() => {
            proxy::failed(what, &via, err, limit).await
        }
        _ => Attempt::retry(transport_reason(err, limit, None), None),
    }
}
