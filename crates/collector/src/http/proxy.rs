//! The proxy a request goes through, as the HTTP client reads it from the environment
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, upper or lower case): a failure on
//! the way to it (a proxy down, refusing a tunnel or its password) is the network's, said as
//! the proxy's, not as the API's; a variable the client cannot read, which it would drop
//! without a word and call the API directly, is said.

use std::time::Duration;

use hyper_util::client::proxy::matcher::Matcher;

use super::error::FetchError;
use super::failure::{Attempt, Reason, transport_reason};

mod refusal;
mod shown;

use refusal::{Login, asked_again};

/// The variables a proxy is read from, each pair in the order the client reads it.
const VARIABLES: [[&str; 2]; 3] = [
    ["HTTPS_PROXY", "https_proxy"],
    ["HTTP_PROXY", "http_proxy"],
    ["ALL_PROXY", "all_proxy"],
];

/// The schemes of proxy the client speaks.
const SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// How a user name or password is written in a proxy's address.
const ENCODED: &str = "a `@`, `#`, `/`, `?`, `%`, `:`, `\\` or space within them written %40, %23, %2F, %3F, %25, %3A, %5C or %20";

/// The proxy a request to an API goes through.
pub(super) struct Proxy {
    /// `the proxy http://127.0.0.1:3128 (HTTPS_PROXY)`, never its user name or password.
    shown: String,
    uri: http::Uri,
    basic_auth: Option<http::HeaderValue>,
    /// Whether its variable gives a user name (and password).
    has_login: bool,
}

impl Proxy {
    /// The login it is sent as `Proxy-Authorization: Basic` carries it (base64, which anyone
    /// decodes): a proxy's refusal page quoting the request quotes it.
    pub(super) fn login_token(&self) -> Option<&str> {
        self.basic_auth
            .as_ref()?
            .to_str()
            .ok()?
            .strip_prefix("Basic ")
    }
}

impl std::fmt::Display for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// The proxy the client sends a request to `url` through, if any.
pub(super) fn for_url(url: &reqwest::Url) -> Option<Proxy> {
    let uri: http::Uri = url.as_str().parse().ok()?;
    let intercept = Matcher::from_env().intercept(&uri)?;
    let proxy = intercept.uri();
    let (variable, value) = variable_for(url.scheme());
    // The variable as written, not the address the client kept of it: that holds the end of
    // a password with an `@` not written `%40` (`http://alice:p@ss@proxy:3128` is read as the
    // login `alice:p` and the address `http://ss@proxy:3128`), and not the rest of one
    // holding a `/` whose host was forgotten (`http://jdupont:12/05/1998`).
    let address = shown::without_login(&value.unwrap_or_else(|| proxy.to_string()));
    Some(Proxy {
        shown: format!("the proxy {address} ({variable})"),
        uri: proxy.clone(),
        basic_auth: intercept.basic_auth().cloned(),
        has_login: intercept.basic_auth().is_some() || intercept.raw_auth().is_some(),
    })
}

/// The variable the proxy of a request of `scheme` is read from, with its value: the scheme's
/// own when it names one, else `ALL_PROXY`.
fn variable_for(scheme: &str) -> (&'static str, Option<String>) {
    first_set(own_variables(scheme))
        .filter(|(_, value)| readable(value))
        .or_else(|| first_set(VARIABLES[2]))
        .map_or(("ALL_PROXY", None), |(name, value)| (name, Some(value)))
}

/// The variables naming the proxy of a request of `scheme`, before `ALL_PROXY`.
fn own_variables(scheme: &str) -> [&'static str; 2] {
    match scheme {
        "https" => VARIABLES[0],
        _ => VARIABLES[1],
    }
}

/// The first of `names` set, with its value, as the client reads them.
fn first_set(names: [&'static str; 2]) -> Option<(&'static str, String)> {
    names
        .into_iter()
        .find_map(|name| std::env::var(name).ok().map(|value| (name, value)))
}

/// Why the proxy variable a request to `url` would go by cannot be read by the client (which
/// would then call the API directly, or through `ALL_PROXY`, without a word), naming it and
/// its value without a user name or password. `None` when it is read, when none is set for
/// `url`'s scheme, and when `NO_PROXY` sends `url` directly anyway.
pub(super) fn unreadable_for(url: &reqwest::Url) -> Option<String> {
    let set = |names| first_set(names).filter(|(_, value)| !value.trim().is_empty());
    // The scheme's own variable when set, else `ALL_PROXY`, as the client reads them.
    let (name, value) = set(own_variables(url.scheme())).or_else(|| set(VARIABLES[2]))?;
    if readable(&value) || !proxied(url) {
        return None;
    }
    Some(unread(name, &value))
}

/// The `NO_PROXY` entry naming `url`'s host in a form the client reads as a host name that no
/// address matches (an IPv6 address in brackets, `[::1]`, as a URL writes it; a host with a
/// port, `[::1]:8080` or `10.0.0.5:8080`), sending the request to the proxy all the same:
/// what is said of it, naming the entry and how to write it. `None` when no proxy applies.
pub(super) fn exemption_misread_for(url: &reqwest::Url) -> Option<String> {
    let proxy = for_url(url)?;
    let host = url.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let (name, list) = first_set(["NO_PROXY", "no_proxy"])?;
    let entry = list
        .split(',')
        .map(str::trim)
        .find(|entry| without_port(entry).eq_ignore_ascii_case(bare) && *entry != bare)?;
    Some(format!(
        "{name} names `{entry}`, which the HTTP client reads as a host name that no address matches, so this source's requests to {host} would go to {proxy}: write the entry `{bare}`, without brackets or a port (an address, a network such as `fd00::/8`, or a name), as curl reads it"
    ))
}

/// A `NO_PROXY` entry without brackets around an IPv6 address, nor a port after its host.
fn without_port(entry: &str) -> &str {
    if let Some(v6) = entry.strip_prefix('[') {
        return v6.split_once(']').map_or(v6, |(address, _)| address);
    }
    match entry.split_once(':') {
        // One `:` alone: a host and a port (an IPv6 address holds two or more).
        Some((host, port)) if !port.contains(':') => host,
        _ => entry,
    }
}

/// Whether `NO_PROXY` leaves a request to `url` to a proxy, as the client reads it.
fn proxied(url: &reqwest::Url) -> bool {
    let Ok(uri) = url.as_str().parse::<http::Uri>() else {
        return true;
    };
    let no = first_set(["NO_PROXY", "no_proxy"])
        .map(|(_, value)| value)
        .unwrap_or_default();
    Matcher::builder()
        .all("http://proxy.invalid:3128".to_owned())
        .no(no)
        .build()
        .intercept(&uri)
        .is_some()
}

/// What is said of the variable `name` holding `value`, which the client cannot read.
fn unread(name: &str, value: &str) -> String {
    format!(
        "{name} (`{}`) cannot be read as a proxy's address, which the client would pass over without a word (calling this API directly): write it `http://host:port` (or {}), a user name and password before the host with `:` between them and `@` after, {ENCODED}",
        shown::with_login_hidden(value),
        SCHEMES[1..].join(", ")
    )
}

/// Whether the client reads `value` as the proxy it names: an address of a scheme it speaks
/// (`http` when none is given), with a host and, if any, a port of digits, its user name and
/// password percent-encoded. The client reads `http://alice:pa#ss@proxy:3128` as the host
/// `alice`, the rest a fragment, and `alice:p@ss@proxy` as the password `p`, as curl does not.
fn readable(value: &str) -> bool {
    if value.contains(|c: char| c.is_whitespace() || c == '#') {
        return false;
    }
    let Ok(uri) = value.parse::<http::Uri>() else {
        return false;
    };
    let Some(authority) = uri.authority().map(http::uri::Authority::as_str) else {
        return false;
    };
    // A password holding a `/` before its `@`: the address read ends at the `/` (`alice:12`,
    // a host and a port of digits), the rest a path.
    if uri
        .path_and_query()
        .is_some_and(|path| path.as_str().contains('@'))
    {
        return false;
    }
    let host = match authority.split_once('@') {
        Some((_, host)) if host.contains('@') => return false,
        Some((_, host)) => host,
        None => authority,
    };
    let port_read = match host.rsplit_once(':') {
        // An IPv6 address's own colons are within its brackets.
        Some((_, port)) if !port.ends_with(']') => port.parse::<u16>().is_ok(),
        _ => true,
    };
    port_read
        && uri
            .scheme_str()
            .is_none_or(|scheme| SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()))
}

/// What an attempt whose connection through `proxy` failed (`err`, `limit` its time) leads
/// to: a proxy refusing its password (407) or a tunnel to the API (a 4xx: its policy) fails at
/// once, as an API's refusal does, and is not asked five times a run; anything else on the way
/// is tried again, said as the proxy's.
pub(super) async fn failed(
    what: &str,
    proxy: &Proxy,
    err: reqwest::Error,
    limit: Duration,
) -> Attempt {
    let target = err
        .url()
        .and_then(|url| {
            Some(format!(
                "{}:{}",
                url.host_str()?,
                url.port_or_known_default()?
            ))
        })
        .unwrap_or_default();
    // A proxy inspecting HTTPS answers the handshake with a certificate its own CA signed,
    // made for the name asked: the same at every attempt. One made for another name is no
    // inspecting proxy's: the API's own, its `url` naming another host than its certificate.
    if super::failure::not_the_apis_certificate(&err) {
        let other_name = super::failure::made_for_another_name(&err);
        let detail = transport_reason(err, limit, None).text;
        return Attempt::Fatal(FetchError::Proxy(if other_name {
            format!(
                "{what}: the certificate that answered through {proxy} was made for another name than {target} ({detail}): check the host the source's `url` names against the API's own address"
            )
        } else {
            format!(
                "{what}: the certificate that answered through {proxy} is not the API's ({detail}): the proxy inspecting HTTPS (or security software on this machine), whose CA this machine does not trust? ask its administrators for that CA and add it to SSL_CERT_FILE (or, for an API with a certificate of its own making, add that one)"
            )
        }));
    }
    let causes = super::failure::causes_of(&err);
    let login_refused = |page: &str| login_refused(proxy, &format!("a tunnel to {target}"), page);
    let refused = |status: u16, page: Option<&str>| {
        let page = page.map(|page| format!(": {page}")).unwrap_or_default();
        let message = match status {
            407 => login_refused(&page),
            _ => format!(
                "{proxy} refused to open a tunnel to {target}{page}: it may not let this API through (its administrators can say)"
            ),
        };
        Attempt::Fatal(FetchError::Rejected {
            what: what.to_owned(),
            status,
            message,
        })
    };
    if causes.contains("tunnel error: proxy authorization required") {
        // Asked without the login, which a second refusal would count against the account.
        return match asked_again(proxy, &target, Login::Left).await {
            Some(refusal) if refusal.status == 407 && !refusal.takes_basic() => {
                Attempt::Fatal(FetchError::Rejected {
                    what: what.to_owned(),
                    status: 407,
                    message: login_not_basic(proxy, &format!("a tunnel to {target}"), &refusal),
                })
            }
            Some(refusal) if refusal.status == 407 => refused(407, Some(&refusal.page)),
            _ => refused(407, None),
        };
    }
    // A SOCKS proxy refusing its login, or the API by its rules: so again at the next attempt.
    if causes.contains("SOCKS error") {
        let why = if ["credentials not accepted", "does not support user/pass"]
            .iter()
            .any(|words| causes.contains(words))
        {
            Some(login_refused(""))
        } else if causes.contains("connection not allowed") {
            Some(format!(
                "{proxy} refused to open a connection to {target} (connection not allowed): it may not let this API through (its administrators can say)"
            ))
        } else {
            None
        };
        if let Some(why) = why {
            return Attempt::Fatal(FetchError::Proxy(format!("{what}: {why}")));
        }
    }
    if causes.contains("tunnel error: unsuccessful") {
        let text = match asked_again(proxy, &target, Login::Given)
            .await
            .map(|refusal| (refusal.status, refusal.page))
        {
            Some((429, page)) => {
                let text = format!("{proxy} answered HTTP 429 for a tunnel to {target}: {page}");
                return Attempt::retry(Reason::throttled(text), None);
            }
            Some((status, page)) if (400..500).contains(&status) => {
                return refused(status, Some(&page));
            }
            Some((status, page)) => format!(
                "{proxy} answered HTTP {status} for a tunnel to {target}: {page} (the API may be down, or out of the proxy's reach)"
            ),
            None => format!("{proxy} refused to open a tunnel to {target}"),
        };
        return Attempt::retry(Reason::status(text), None);
    }
    Attempt::retry(transport_reason(err, limit, Some(proxy)), None)
}

/// What is said of `proxy` refusing the login for `request` (`a tunnel to HOST:PORT`), `page`
/// its words (`: …`, or nothing): the login in its variable, or none there.
fn login_refused(proxy: &Proxy, request: &str, page: &str) -> String {
    match proxy.has_login {
        true => format!(
            "{proxy} refused the user name and password it was given for {request}{page}: check them in that variable, {ENCODED}"
        ),
        false => format!(
            "{proxy} asks for a user name and password for {request}{page}, which its variable does not give: write them before its host, `:` between them and `@` after, {ENCODED}"
        ),
    }
}

/// What is said of `proxy` asking for a login the client cannot send (NTLM, Negotiate) for
/// `request`.
fn login_not_basic(proxy: &Proxy, request: &str, refusal: &refusal::Refusal) -> String {
    let schemes = refusal.schemes.join(" or ");
    format!(
        "{proxy} asks for a {schemes} login for {request}, which the collector cannot give (it sends a user name and password as Basic only): ask its administrators for a proxy that takes Basic logins, or run a local proxy that logs in for it (cntlm, px) and name that one in the variable"
    )
}

/// The refusal of a plain `http://` request to `url` that `proxy` forwards itself, answered
/// 407 (always a proxy's status) with `headers` and `page` (its words): the proxy's, failing
/// at once, as its refusal of a tunnel does.
pub(super) fn answered_407(
    what: &str,
    proxy: &Proxy,
    url: &reqwest::Url,
    headers: &http::HeaderMap,
    page: String,
) -> FetchError {
    let request = format!("a request to {}", url.host_str().unwrap_or("the API"));
    let refusal = refusal::Refusal {
        status: 407,
        schemes: refusal::schemes_of(headers),
        page,
    };
    let message = if refusal.takes_basic() {
        login_refused(proxy, &request, &format!(": {}", refusal.page))
    } else {
        login_not_basic(proxy, &request, &refusal)
    };
    FetchError::Rejected {
        what: what.to_owned(),
        status: 407,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::{readable, without_port};

    #[test]
    fn a_proxy_address_is_read_as_the_client_reads_it() {
        assert!(readable("http://127.0.0.1:3128"));
        assert!(readable("proxy.univ.example:3128"));
        assert!(readable("http://alice:pa%23ss@proxy:3128"));
        assert!(readable("socks5h://127.0.0.1:1080"));
        assert!(readable("http://[::1]:3128"));
        assert!(!readable("http://alice:pa#ss word@proxy:3128"));
        assert!(!readable("http://alice:pa#ss@proxy:3128"));
        assert!(!readable("http://alice:p@ss@proxy:3128"));
        assert!(!readable("http://proxy:31x8"));
        assert!(!readable("ftp://proxy:21"));
        assert!(!readable("http://jdupont:12/05/1998@proxy:3128"));
    }

    #[test]
    fn a_no_proxy_entry_is_read_without_its_brackets_and_port() {
        assert_eq!(without_port("[::1]"), "::1");
        assert_eq!(without_port("[fd00::5]:8080"), "fd00::5");
        assert_eq!(without_port("10.0.0.5:8080"), "10.0.0.5");
        assert_eq!(without_port("::1"), "::1");
        assert_eq!(without_port(".univ.example"), ".univ.example");
    }
}
