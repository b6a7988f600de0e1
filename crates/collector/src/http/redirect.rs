//! Which redirects a source's requests follow: those within the API's own host only (an
//! `http` address may move to `https` on it). reqwest drops `Authorization` on a move to
//! another host but keeps every other header, so an `http_json` key sent in `key_header`
//! would reach whatever host a redirect names, and a 307 or 308 would send France Travail's
//! client secret there again in its body.

use reqwest::redirect::{Attempt, Policy};

/// The most redirects followed for one request (reqwest's own default).
const MOST_REDIRECTS: usize = 10;

/// A redirect to another host, refused; the error names the host.
#[derive(Debug, thiserror::Error)]
#[error("redirected to another host, {0}")]
struct ElsewhereRedirect(String);

/// The policy: follow within the first request's host, refuse a move elsewhere or from `https`
/// back to `http`, and stop after [`MOST_REDIRECTS`].
pub(super) fn within_host() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let next = attempt.url();
        let same_host = first.host_str() == next.host_str();
        let downgrade = first.scheme() == "https" && next.scheme() != "https";
        if !same_host || downgrade {
            let host = next.host_str().unwrap_or("an unnamed host").to_owned();
            attempt.error(ElsewhereRedirect(host))
        } else if attempt.previous().len() > MOST_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The host of a refused redirect, when `err` is one.
pub(super) fn elsewhere(err: &reqwest::Error) -> Option<String> {
    if !err.is_redirect() {
        return None;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(ElsewhereRedirect(host)) = cause.downcast_ref() {
            return Some(host.clone());
        }
        source = cause.source();
    }
    None
}
