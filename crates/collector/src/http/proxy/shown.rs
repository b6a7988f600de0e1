//! A proxy's address as a message says it: its scheme, host and port, never what may be a user
//! name or password, in whatever form the variable was written (a login whose `@`, `/`, `#` or
//! space was not percent-encoded, a host forgotten after the password, no scheme).

/// What a proxy variable's `value` is shown as: `***@` stands for a login before its host.
pub(super) fn with_login_hidden(value: &str) -> String {
    let address = Address::of(value);
    let login = if address.login { "***@" } else { "" };
    format!("{}{login}{}", address.scheme, address.host_port)
}

/// The address of the proxy a variable's `value` names, without any login: `http://` when it
/// names no scheme, as the client reads it.
pub(super) fn without_login(value: &str) -> String {
    let address = Address::of(value);
    let scheme = match address.scheme.is_empty() {
        true => "http://",
        false => &address.scheme,
    };
    format!("{scheme}{}", address.host_port)
}

/// A proxy's address split as shown: each part that may hold a password hidden.
struct Address {
    /// `http://` as written, or nothing.
    scheme: String,
    /// Whether a login (anything before the last `@`) was hidden.
    login: bool,
    /// `proxy:3128`, `[::1]:3128`, `alice:***` (a host forgotten after a password) or `***`
    /// (a host after a login, without a port: it may be a password's rest).
    host_port: String,
}

impl Address {
    fn of(value: &str) -> Address {
        let value = value.trim();
        let (scheme, rest) = match value.split_once("://") {
            Some((scheme, rest)) if is_scheme(scheme) => (format!("{scheme}://"), rest),
            _ => (String::new(), value),
        };
        let (login, after) = match rest.rsplit_once('@') {
            Some((_, after)) => (true, after),
            None => (false, rest),
        };
        // What follows the host and port: a path, a query, a fragment, words after a space.
        let end = after
            .find(|c: char| "/?#\\".contains(c) || c.is_whitespace())
            .unwrap_or(after.len());
        let (host_port, tail) = after.split_at(end);
        let (host, port) = split_port(host_port);
        // Without an `@`, a tail may be the rest of a password whose host was forgotten
        // (`jdupont:12/05/1998`): what reads as a port is then its start, but for a host no
        // user name is (an IP address, `localhost`).
        let port_may_be_password = !login && !matches!(tail, "" | "/") && !is_address(host);
        // After an `@`, a host without a port may be the rest of a password holding an `@`
        // whose host was forgotten (`alice:p@ss`), but for an address.
        let host_may_be_password = login && port.is_none() && !is_address(host);
        let host = match is_host(host) && !host_may_be_password {
            true => host,
            false => "***",
        };
        let port = match port {
            None => String::new(),
            Some(port) if is_port(port) && !port_may_be_password => format!(":{port}"),
            Some(_) => ":***".to_owned(),
        };
        Address {
            scheme,
            login,
            host_port: format!("{host}{port}"),
        }
    }
}

/// `host_port` as its host and what follows its `:`, if any (an IPv6 address's own colons are
/// within its brackets).
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    if host_port.starts_with('[')
        && let Some(end) = host_port.find(']')
    {
        let (host, rest) = host_port.split_at(end + 1);
        return (
            host,
            rest.strip_prefix(':')
                .or(Some(rest).filter(|r| !r.is_empty())),
        );
    }
    match host_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    }
}

/// Whether `scheme` is written as a URL's scheme is (`http`, `socks5h`).
fn is_scheme(scheme: &str) -> bool {
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Whether `host` is written as a host name or address is: anything else (a `%`, a `:` of a
/// login) may be a password.
fn is_host(host: &str) -> bool {
    match host.strip_prefix('[').and_then(|v6| v6.strip_suffix(']')) {
        Some(v6) => v6
            .chars()
            .all(|c| c.is_ascii_hexdigit() || ":.".contains(c)),
        None => host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)),
    }
}

/// Whether `host` is an IP address or `localhost`, which no user name or password's rest is
/// taken for.
fn is_address(host: &str) -> bool {
    let v6 = host.strip_prefix('[').and_then(|v6| v6.strip_suffix(']'));
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::Ipv4Addr>().is_ok()
        || v6.is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok())
}

/// Whether `port` is written as a port is.
fn is_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::{with_login_hidden, without_login};

    #[test]
    fn a_proxy_address_is_shown_without_its_login() {
        assert_eq!(
            with_login_hidden("http://alice:pa#ss word@127.0.0.1:3128"),
            "http://***@127.0.0.1:3128"
        );
        assert_eq!(with_login_hidden("alice:p@ss@proxy:3128"), "***@proxy:3128");
        assert_eq!(with_login_hidden("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(with_login_hidden("http://proxy:31x8"), "http://proxy:***");
        assert_eq!(with_login_hidden("http://[::1]:3128/"), "http://[::1]:3128");
        assert_eq!(with_login_hidden("ftp://proxy:21"), "ftp://proxy:21");
    }

    /// The malformed forms a password may be left in, none of it shown.
    #[test]
    fn a_proxy_address_written_wrong_is_shown_without_what_may_be_a_password() {
        for (value, shown) in [
            ("http://alice:secret", "http://alice:***"),
            ("alice:secret", "alice:***"),
            ("http://alice%3Asecret", "http://***"),
            ("http://alice%3Asecret@proxy:3128", "http://***@proxy:3128"),
            ("http://alice:se cret", "http://alice:***"),
            ("http://alice:secret#1", "http://alice:***"),
            ("http://jdupont:12/05/1998", "http://jdupont:***"),
            (
                "http://jdupont:12/05/1998@proxy:3128",
                "http://***@proxy:3128",
            ),
            ("http://alice:secret:proxy:3128", "http://alice:***"),
            ("alice:x://secret@proxy:3128", "***@proxy:3128"),
            ("http://[secret]:1", "http://***:1"),
            ("http://alice:99999999", "http://alice:***"),
        ] {
            assert_eq!(with_login_hidden(value), shown, "{value}");
        }
    }

    /// A password holding an `@` not written `%40`, its host forgotten after it
    /// (`http://alice:p@ss`), reads as a login and the host `ss`: the end of the password was
    /// shown as the host. A proxy written with a path after its port
    /// (`http://127.0.0.1:3128/squid`) had its port hidden as a password's start might be.
    #[test]
    fn a_host_or_port_is_shown_only_where_it_cannot_be_a_password_s_rest() {
        for (value, shown) in [
            ("http://alice:p@ss", "http://***@***"),
            ("http://alice:p@ss.word", "http://***@***"),
            ("alice:p@ss", "***@***"),
            ("http://alice:secret@127.0.0.1", "http://***@127.0.0.1"),
            ("http://alice:secret@localhost", "http://***@localhost"),
            ("http://alice:secret@proxy:3128", "http://***@proxy:3128"),
            ("http://127.0.0.1:3128/squid", "http://127.0.0.1:3128"),
            ("http://[::1]:3128/squid", "http://[::1]:3128"),
            ("http://localhost:3128/squid", "http://localhost:3128"),
            (
                "http://proxy.univ.example:3128/squid",
                "http://proxy.univ.example:***",
            ),
            ("http://jdupont:12/05/1998", "http://jdupont:***"),
        ] {
            assert_eq!(with_login_hidden(value), shown, "{value}");
        }
        assert_eq!(without_login("http://alice:p@ss"), "http://***");
        assert_eq!(
            without_login("http://127.0.0.1:3128/squid"),
            "http://127.0.0.1:3128"
        );
    }

    /// What the client keeps of `http://alice:p@ss@proxy:3128` as the proxy's address (its
    /// first `@` ending the login) still holds the end of the password: the line naming the
    /// proxy showed `http://ss@proxy:3128`.
    #[test]
    fn a_proxy_is_named_without_what_the_client_kept_of_its_password() {
        assert_eq!(
            without_login("http://ss@proxy.univ.example:3128/"),
            "http://proxy.univ.example:3128"
        );
        assert_eq!(without_login("http://[::1]:3128/"), "http://[::1]:3128");
        assert_eq!(without_login("127.0.0.1:3128"), "http://127.0.0.1:3128");
        assert_eq!(
            without_login("http://jdupont:12/05/1998"),
            "http://jdupont:***"
        );
    }
}
