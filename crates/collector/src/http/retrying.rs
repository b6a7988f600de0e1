//! A request's attempts: the wait before each retry, the server's asked-for wait held for the
//! whole API, and the run's deadline, past which a request fails or its source pauses.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::error::paused;
use super::failure::{Attempt, Reason, final_error};
use super::{Answer, FetchError, LEAST_RETRY, OnTimeout, SourceClient};

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

impl SourceClient {
    pub(super) async fn send_with(
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
}
