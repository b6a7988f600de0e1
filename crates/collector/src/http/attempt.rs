//! One try of a request: its redirects followed, a proxy's refusal told apart, an API's clock
//! ahead of this one judged.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::answer::UTF8_BOM;
use super::failure::{self, Attempt, transport_reason};
use super::{Answer, FetchError, SourceClient, limiter, proxy, redirect, server_clock};

impl SourceClient {
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
    pub(super) async fn attempt(
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
        // A plain `http://` request a proxy forwards itself: its 407 is the proxy's.
        let via = (status == 407)
            .then(|| proxy::for_url(response.url()).map(|via| (via, response.url().clone())))
            .flatten();
        let origin = response.url().origin().ascii_serialization();
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
        // Only the API's own answer tells its clock: a captive portal's page or a proxy's
        // refusal comes with the portal's or the proxy's `Date`.
        if server_clock::the_apis_own(status, &body) && headers.contains_key(reqwest::header::DATE)
        {
            self.clock_told.store(true, Ordering::Relaxed);
            if let Some(there) = server_clock::ahead_of(&headers, here) {
                self.judge_clock_behind(what, here, there).await?;
            }
        }
        self.judge(
            what,
            &origin,
            Answer {
                status,
                headers,
                body,
            },
            want_json,
        )
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
/// is a proxy's refusal (see [`proxy::failed`]), and a certificate not the API's (a captive
/// portal's); anything else on the way (connection, timeout after `limit`) is worth another try.
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
        None if err.is_connect() && failure::not_the_apis_certificate(&err) => {
            Attempt::Fatal(FetchError::NotTheApisCertificate {
                what: what.to_owned(),
                detail: transport_reason(err, limit, None).text,
            })
        }
        _ => Attempt::retry(transport_reason(err, limit, None), None),
    }
}
