//! Which redirects a source's requests follow: those that stay with the API, on its host and
//! port (an `http` address may move to `https` on the same host). A redirect elsewhere would
//! take every header along (an `http_json` key sent in `key_header`), and a 307 or 308 France
//! Travail's client secret in its body. They are followed by the client itself, not by
//! reqwest, so that each request of a redirect draws from the API's rate limit, as the API
//! counts it.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Request, Response, StatusCode, Url};

/// The most redirects followed for one request (reqwest's own default).
const MOST_REDIRECTS: usize = 10;

/// The request a redirect answer leads to, when it is to be followed: `Ok(None)` for an answer
/// that is no redirect (or one without a `Location` to follow, which is the answer), `Err` with
/// why for one not followed. `again` is a copy of the request answered, sent to `last` after
/// `sent` requests from `first`. A 307 or 308 sends it again as it was; a 303, or a 301 or 302
/// after a `POST`, as a `GET` without its body, as browsers and reqwest do.
pub(super) fn next_request(
    first: &Url,
    last: &Url,
    again: Option<Request>,
    response: &Response,
    sent: usize,
) -> Result<Option<Request>, String> {
    let status = response.status();
    if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    let Some(next) = response
        .headers()
        .get(LOCATION)
        // Servers write UTF-8 there (nginx's `$uri`), which `to_str` refuses.
        .and_then(|location| std::str::from_utf8(location.as_bytes()).ok())
        .and_then(|location| last.join(location).ok())
    else {
        return Ok(None);
    };
    if let Some(why) = refusal(first, last, &next, sent) {
        return Err(why);
    }
    let mut request = again.ok_or_else(|| {
        format!("to {next}, which would send again a body that cannot be sent twice; not followed")
    })?;
    let as_get = status == StatusCode::SEE_OTHER && request.method() != Method::HEAD
        || matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND)
            && request.method() == Method::POST;
    if as_get {
        *request.method_mut() = Method::GET;
        *request.body_mut() = None;
        request.headers_mut().remove(CONTENT_TYPE);
        request.headers_mut().remove(CONTENT_LENGTH);
    }
    *request.url_mut() = next;
    Ok(Some(request))
}

/// Why the redirect from `last` to `next` is not followed, for a request that started at
/// `first` and has made `hops` requests so far, with what to do.
fn refusal(first: &Url, last: &Url, next: &Url, hops: usize) -> Option<String> {
    // A captive portal answers plain `http` only: over `https` its answer would fail the
    // certificate check before any redirect is read.
    if let Some(why) = elsewhere(first, last, next)
        && last.scheme() == "http"
        && captive_portal(first, next)
    {
        return Some(format!(
            "{why}, which looks like the sign-in page of the network this machine is on (a captive portal, as a train's or a café's Wi-Fi has): not followed, so no key or secret goes there; sign in to that network, and the next run collects"
        ));
    }
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

/// Whether a redirect off the API's host, from `first` to `next`, is a network's sign-in
/// page rather than the API moved: it leads to a private address (a hotspot's gateway) from a
/// public name or address, or it carries the address asked for in its query, for the portal
/// to send the browser back to once signed in.
fn captive_portal(first: &Url, next: &Url) -> bool {
    let private_v4 =
        |ip: std::net::Ipv4Addr| ip.is_private() || ip.is_link_local() || ip.is_loopback();
    // An IPv4 address written as IPv6 (`[::ffff:192.168.44.1]`) is the IPv4 one.
    let private = |url: &Url| match url.host() {
        Some(url::Host::Ipv4(ip)) => private_v4(ip),
        Some(url::Host::Ipv6(ip)) => ip.to_ipv4_mapped().map_or_else(
            || ip.is_loopback() || ip.is_unique_local() || ip.is_unicast_link_local(),
            private_v4,
        ),
        _ => false,
    };
    let asked_back = first.host_str().is_some_and(|host| {
        next.query_pairs()
            .any(|(_, value)| value.contains(host) && value.contains(first.path()))
    });
    // A name of the local network (`localhost`, `station.local`, a container's service name)
    // may well stand for a private address itself.
    let local_name = |url: &Url| match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            !name.contains('.')
                || [
                    ".local",
                    ".lan",
                    ".internal",
                    ".localdomain",
                    ".home.arpa",
                    ".localhost",
                ]
                .iter()
                .any(|suffix| name.ends_with(suffix))
        }
        _ => false,
    };
    (private(next) && !private(first) && !local_name(first)) || asked_back
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_captive_portal_is_told_from_an_api_that_moved() {
        let api = url("https://hubeau.eaufrance.fr/api/v1/hydrometrie/obs_elab");
        let portal = |to: &str| captive_portal(&api, &url(to));
        assert!(portal("http://192.168.44.1:8002/index.php?zone=train"));
        assert!(portal("http://10.0.0.1/login"));
        assert!(portal("http://[::ffff:192.168.44.1]:8002/index.php"));
        assert!(!portal(
            "http://[::ffff:203.0.113.9]/api/v1/hydrometrie/obs_elab"
        ));
        assert!(portal(
            "https://wifi.cafe.example/login?continue=https%3A%2F%2Fhubeau.eaufrance.fr%2Fapi%2Fv1%2Fhydrometrie%2Fobs_elab"
        ));
        assert!(!portal(
            "https://api.hubeau.example.org/v1/hydrometrie/obs_elab"
        ));
        let station = url("http://station.local/feed");
        assert!(!captive_portal(&station, &url("http://192.168.1.50/feed/")));
        let lab = url("http://192.168.1.20/feed");
        assert!(!captive_portal(&lab, &url("http://192.168.1.21/feed")));
    }

    /// A university's data API, on `https`, answers a request without its session with a 302
    /// to its single sign-on (CAS's `?service=`, an OpenID provider's `redirect_uri`, an
    /// Opendatasoft domain's SSO), its own address in the query. No captive portal can answer
    /// for an `https` host: its answer would fail the certificate check before any redirect
    /// is read. The line says "the sign-in page of the network this machine is on … sign in to
    /// that network, and the next run collects", which signing in to the Wi-Fi never makes
    /// true: the API itself asks for a login.
    #[test]
    fn an_https_apis_own_sign_in_redirect_is_not_said_as_a_captive_portal() {
        let api = url("https://data.univ.example/api/records");
        let sso = url(
            "https://sso.univ.example/cas/login?service=https%3A%2F%2Fdata.univ.example%2Fapi%2Frecords",
        );
        let said = refusal(&api, &api, &sso, 1).expect("not followed");
        assert!(
            !said.contains("captive portal") && !said.contains("sign in to that network"),
            "an https API's own redirect is said as the network's sign-in page: {said}"
        );
    }

    fn url(text: &str) -> Url {
        Url::parse(text).expect("URL")
    }

    /// An answer of `status` leading to `location`.
    fn redirect(status: u16, location: &str) -> Response {
        let answer = axum::http::Response::builder()
            .status(status)
            .header("location", location)
            .body(String::new())
            .expect("an answer");
        Response::from(answer)
    }

    fn post(to: &Url) -> Request {
        let mut request = Request::new(Method::POST, to.clone());
        request.headers_mut().insert(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().expect("header"),
        );
        *request.body_mut() = Some("grant_type=client_credentials".into());
        request
    }

    #[test]
    fn a_redirect_on_the_api_is_the_next_request_as_a_browser_would_send_it() {
        let token = url("https://auth.example.org/token");
        let next = |status, location: &str| {
            next_request(
                &token,
                &token,
                Some(post(&token)),
                &redirect(status, location),
                1,
            )
        };
        let kept = next(307, "/v2/token")
            .expect("followed")
            .expect("a request");
        assert_eq!(
            (kept.method(), kept.url().as_str()),
            (&Method::POST, "https://auth.example.org/v2/token")
        );
        assert!(kept.body().is_some(), "a 307 sends the body again");
        let other = next(303, "/done").expect("followed").expect("a request");
        assert_eq!(other.method(), Method::GET);
        assert!(other.body().is_none() && other.headers().get(CONTENT_TYPE).is_none());
        assert!(
            next(302, "https://cdn.example.org/token")
                .expect_err("refused")
                .starts_with("to another host, cdn.example.org")
        );
        let ok = Response::from(
            axum::http::Response::builder()
                .status(200)
                .body(String::new())
                .expect("an answer"),
        );
        assert!(
            next_request(&token, &token, None, &ok, 1)
                .expect("an answer")
                .is_none()
        );
        assert!(
            next_request(&token, &token, None, &redirect(308, "/v3"), 1)
                .expect_err("a body not sent twice")
                .contains("cannot be sent twice")
        );
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
