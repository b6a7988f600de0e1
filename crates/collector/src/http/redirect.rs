//! Which redirects a source's requests follow: those that stay with the API, on its host and
//! port (an `http` address may move to `https` on the same host). reqwest drops
//! `Authorization` on a move to another host or port but keeps every other header, so an
//! `http_json` key sent in `key_header` would reach whatever server a redirect names, and a
//! 307 or 308 would send France Travail's client secret there again in its body.

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// The most redirects followed for one request (reqwest's own default).
const MOST_REDIRECTS: usize = 10;

/// A redirect not followed, in words: "to another host, example.org".
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

/// The policy: follow a redirect that stays on the API's host and port, or moves from `http`
/// to `https` on its host; refuse one elsewhere, one from `https` back to `http`, and more
/// than [`MOST_REDIRECTS`].
pub(super) fn within_api() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let (Some(first), Some(last)) = (attempt.previous().first(), attempt.previous().last())
        else {
            return attempt.follow();
        };
        match refusal(first, last, attempt.url(), attempt.previous().len()) {
            Some(why) => attempt.error(Refused(why)),
            None => attempt.follow(),
        }
    })
}

/// Why the redirect from `last` to `next` is not followed, for a request that started at
/// `first` and has made `hops` requests so far, with what to do.
fn refusal(first: &Url, last: &Url, next: &Url, hops: usize) -> Option<String> {
    if let Some(why) = elsewhere(first, last, next) {
        return Some(format!(
            "{why}, which is not followed so no key or secret goes elsewhere; if the API has moved, put its new address in the source's `url` (or `token_url`, for a token endpoint)"
        ));
    }
    (hops > MOST_REDIRECTS).then(|| {
        let host = next.host_str().unwrap_or("an unnamed host");
        format!(
            "more than {MOST_REDIRECTS} redirects in a row, the last to {host}: a loop or a chain longer than is followed; not followed further"
        )
    })
}

/// Where a redirect leads that is not followed: off the API's host and port, or back to
/// `http`.
fn elsewhere(first: &Url, last: &Url, next: &Url) -> Option<String> {
    let host = next.host_str().unwrap_or("an unnamed host");
    if !matches!(next.scheme(), "http" | "https") {
        return Some(format!(
            "to a non-HTTP address ({}), on {host}",
            next.scheme()
        ));
    }
    if first.host_str() != next.host_str() {
        return Some(format!("to another host, {host}"));
    }
    if last.scheme() == "https" && next.scheme() != "https" {
        return Some(format!("from https to {}, on {host}", next.scheme()));
    }
    let same_port = first.port_or_known_default() == next.port_or_known_default();
    // From http's default port to https's, on the same host.
    let upgrade = first.scheme() == "http"
        && next.scheme() == "https"
        && first.port().is_none()
        && next.port().is_none();
    if !(same_port || upgrade) {
        let port = next
            .port_or_known_default()
            .map_or_else(String::new, |port| format!(":{port}"));
        return Some(format!("to another port, {host}{port}"));
    }
    None
}

/// What a refused redirect was, when `err` is one.
pub(super) fn refused(err: &reqwest::Error) -> Option<String> {
    if !err.is_redirect() {
        return None;
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(Refused(why)) = cause.downcast_ref() {
            return Some(why.clone());
        }
        source = cause.source();
    }
    Some("in a way reqwest refused".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("URL")
    }

    #[test]
    fn redirects_stay_with_the_api() {
        let api = url("http://api.example.org/feed");
        let secure = url("https://api.example.org/feed");
        let follow = |first: &Url, last: &Url, next: &str| elsewhere(first, last, &url(next));
        assert_eq!(follow(&api, &api, "http://api.example.org/v2/feed"), None);
        assert_eq!(follow(&api, &api, "https://api.example.org/feed"), None);
        assert_eq!(
            follow(&api, &api, "http://cdn.example.org/feed").as_deref(),
            Some("to another host, cdn.example.org")
        );
        assert_eq!(
            follow(&api, &api, "ftp://api.example.org/feed").as_deref(),
            Some("to a non-HTTP address (ftp), on api.example.org")
        );
        assert_eq!(
            follow(&api, &api, "http://api.example.org:8080/feed").as_deref(),
            Some("to another port, api.example.org:8080")
        );
        assert_eq!(
            follow(&secure, &secure, "http://api.example.org/feed").as_deref(),
            Some("from https to http, on api.example.org")
        );
        assert_eq!(
            follow(&api, &secure, "http://api.example.org/feed").as_deref(),
            Some("from https to http, on api.example.org"),
            "a later hop back to http"
        );
        assert_eq!(refusal(&api, &api, &api, MOST_REDIRECTS), None);
        assert_eq!(
            refusal(&api, &api, &api, MOST_REDIRECTS + 1).as_deref(),
            Some(
                "more than 10 redirects in a row, the last to api.example.org: a loop or a chain longer than is followed; not followed further"
            ),
            "a loop is not told to move the address"
        );
        let elsewhere_late = refusal(&api, &api, &url("http://cdn.example.org/feed"), 11);
        assert!(
            elsewhere_late.is_some_and(|why| why.starts_with("to another host, cdn.example.org")),
            "an 11th redirect elsewhere is refused for where it leads, not as a loop"
        );
        let moved = refusal(&api, &api, &url("http://cdn.example.org/feed"), 1);
        assert!(
            moved.is_some_and(|why| why.ends_with(
                "put its new address in the source's `url` (or `token_url`, for a token endpoint)"
            )),
            "another host is"
        );
    }
}
