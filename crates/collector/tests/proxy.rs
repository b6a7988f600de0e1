//! The `collector` binary behind a campus proxy, as a student runs it: the proxy variables
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, upper or lower case, a `user:password` in the
//! URL) set in its environment, a proxy double on loopback that relays, refuses or fails. These
//! tests spawn the binary, each with its own environment (the variables are process-wide).

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use common::{
    Site, answering_each_request, closing_answer, collector_without_proxies, usgs_body, usgs_source,
};
use testkit::http::LocalServer;

/// The real `collector` binary, forced, in `site`'s folder, with `proxy` (name, value) set.
fn collector_behind(site: &Site, proxy: &[(&str, &str)]) -> Output {
    let mut command = collector_without_proxies(site);
    command.env("RUST_LOG", "info");
    for (name, value) in proxy {
        command.env(name, value);
    }
    command.output().expect("collector runs")
}

/// The collector's one failure line for `source` (the run must have failed).
fn failure_line(output: &Output, source: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    stderr
        .lines()
        .find(|line| line.starts_with(&format!("collector: source `{source}` failed")))
        .unwrap_or_else(|| panic!("a failure line for `{source}`: {stderr}"))
        .to_owned()
}

/// A source of an `https://` API, as every real API relevé collects is: behind a proxy, it is
/// reached through `CONNECT`, and its name is resolved by the proxy, not by this machine.
fn https_site() -> Site {
    Site::new(&usgs_source("usgs", "https://api.example.org/feed", ""))
}

/// An HTTP proxy double on loopback answering every request with `status` and an HTML page
/// of its own (as Squid or a campus gateway does), counting the requests it was sent.
struct RefusingProxy {
    port: u16,
    requests: Arc<AtomicUsize>,
    /// The requests that carried a login (`Proxy-Authorization`).
    logins: Arc<AtomicUsize>,
}

impl RefusingProxy {
    fn start(status: &'static str, title: &'static str) -> RefusingProxy {
        RefusingProxy::start_on("127.0.0.1:0", status, title)
    }

    /// [`RefusingProxy::start`] listening on `address` (`[::1]:0` for an IPv6 proxy).
    fn start_on(address: &str, status: &'static str, title: &'static str) -> RefusingProxy {
        let listener = TcpListener::bind(address).expect("bind the proxy");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        let logins = Arc::new(AtomicUsize::new(0));
        let logins_counted = logins.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                if String::from_utf8_lossy(&head)
                    .to_ascii_lowercase()
                    .contains("\r\nproxy-authorization:")
                {
                    logins_counted.fetch_add(1, Ordering::SeqCst);
                }
                // `{request}` in the title stands for the request's head, as a gateway's page
                // quoting what it refused shows it.
                let request = String::from_utf8_lossy(&head).trim().replace("\r\n", " | ");
                let title = title.replace("{request}", &request);
                let body = format!(
                    "<html><head><title>{title}</title></head><body>campus proxy</body></html>"
                );
                let challenge = if status.starts_with("407") {
                    "Proxy-Authenticate: Basic realm=\"campus\"\r\n"
                } else {
                    ""
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html\r\n{challenge}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
                let _ = stream.shutdown(Shutdown::Both);
            }
        });
        RefusingProxy {
            port,
            requests,
            logins,
        }
    }

    fn url(&self, credentials: &str) -> String {
        format!("http://{credentials}127.0.0.1:{}", self.port)
    }
}

/// A proxy that is down, or that refuses to open the tunnel to the API, is a failure of the
/// campus network, not of the API: the failure line must say a proxy was in the way (and
/// which), and tell the proxy's policy refusing the API (403) from the API being down behind
/// it (502). Today the line blames the API's host ("connection to api.example.org:443 failed:
/// Connection refused") and both refusals read "tunnel error: unsuccessful".
#[test]
fn a_proxy_failure_is_said_as_the_proxys_not_as_the_api_host_failing() {
    let site = https_site();
    // A proxy that is down: a port refusing connections, held for the test.
    let (_held, down_at) = testkit::http::refusing_port();
    let port = down_at.port();
    let down = failure_line(
        &collector_behind(
            &site,
            &[("HTTPS_PROXY", &format!("http://127.0.0.1:{port}"))],
        ),
        "usgs",
    );
    assert!(
        down.contains("proxy") && down.contains(&format!("127.0.0.1:{port}")),
        "a proxy that is down is named as the proxy: {down}"
    );

    let blocked = RefusingProxy::start("403 Forbidden", "Access denied by campus proxy");
    let refused = failure_line(
        &collector_behind(&https_site(), &[("HTTPS_PROXY", &blocked.url(""))]),
        "usgs",
    );
    assert!(
        blocked.requests.load(Ordering::SeqCst) >= 1,
        "the API was asked for through the proxy"
    );
    let gateway = RefusingProxy::start("502 Bad Gateway", "502 Bad Gateway");
    let upstream_down = failure_line(
        &collector_behind(&https_site(), &[("HTTPS_PROXY", &gateway.url(""))]),
        "usgs",
    );
    assert!(
        refused.contains("proxy") && refused.contains("403"),
        "the proxy's refusal says it is the proxy's, with its status: {refused}"
    );
    assert!(
        upstream_down.contains("502"),
        "the proxy's 502 for an API it cannot reach says so: {upstream_down}"
    );
}

/// A campus gateway whose refusal page quotes the request it refused (as some error pages
/// do, its `Proxy-Authorization` header included): the collector quotes the page in its
/// failure line, the run's metrics and `.state.json`, and with it the student's login as
/// Basic's base64, which anyone who can read `logs/collector.log` decodes into the password.
/// Expected: the login is `***` wherever the page is quoted.
#[test]
fn a_proxy_page_quoting_the_login_it_was_sent_is_quoted_without_it() {
    // `alice:s3cret-pw` in base64, as `Proxy-Authorization: Basic` carries it.
    const LOGIN: &str = "YWxpY2U6czNjcmV0LXB3";
    let proxy = RefusingProxy::start("403 Forbidden", "Denied: {request}");
    let site = https_site();
    let output = collector_behind(&site, &[("HTTPS_PROXY", &proxy.url("alice:s3cret-pw@"))]);
    let line = failure_line(&output, "usgs");
    assert!(
        proxy.logins.load(Ordering::SeqCst) >= 1 && line.contains("Denied: CONNECT"),
        "the page is quoted: {line}"
    );
    assert!(!line.contains(LOGIN), "{line}");
    for (path, text) in site.everything_written() {
        assert!(!text.contains(LOGIN), "{}: {text}", path.display());
    }
}

/// A proxy refusing the credentials in `HTTPS_PROXY` (407: a wrong or expired password, or one
/// holding an `@` not written `%40`) will refuse them again: a plain-HTTP 407 already fails at
/// once ("Other 4xx fail at once"), but a 407 to `CONNECT` is retried as a connection error, 5
/// attempts per source per run (a failing source runs again after 1, 2, 4, 8, then every 15
/// minutes): 5 failed logins a source a run against the student's university account, which a
/// campus directory locks after a few; 5 sources make 100 failed logins an hour.
#[test]
fn a_proxy_refusing_the_password_is_asked_once_a_run_not_five_times() {
    let proxy = RefusingProxy::start(
        "407 Proxy Authentication Required",
        "407 Proxy Authentication Required",
    );
    let line = failure_line(
        &collector_behind(
            &https_site(),
            &[("HTTPS_PROXY", &proxy.url("alice:wrong-password@"))],
        ),
        "usgs",
    );
    assert_eq!(
        proxy.logins.load(Ordering::SeqCst),
        1,
        "one CONNECT with credentials the proxy refused, not one per attempt: {line}"
    );
    assert!(!line.contains("wrong-password"), "{line}");
}

/// A SOCKS5 proxy double: relays each connection to the address asked for, counting them.
struct SocksProxy {
    port: u16,
    relayed: Arc<AtomicUsize>,
}

impl SocksProxy {
    fn start() -> SocksProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SOCKS proxy");
        let port = listener.local_addr().expect("address").port();
        let relayed = Arc::new(AtomicUsize::new(0));
        let counted = relayed.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let counted = counted.clone();
                std::thread::spawn(move || {
                    let _ = socks5(stream, &counted);
                });
            }
        });
        SocksProxy { port, relayed }
    }
}

/// One SOCKS5 connection without authentication: greeting, CONNECT, then a relay both ways.
fn socks5(mut client: TcpStream, relayed: &AtomicUsize) -> std::io::Result<()> {
    let mut greeting = [0u8; 2];
    client.read_exact(&mut greeting)?;
    if greeting[0] != 5 {
        return Ok(()); // not SOCKS5 (an HTTP CONNECT, say): dropped, as a SOCKS server does
    }
    let mut methods = vec![0u8; usize::from(greeting[1])];
    client.read_exact(&mut methods)?;
    client.write_all(&[5, 0])?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request)?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip)?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len)?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    let upstream = TcpStream::connect((host.as_str(), u16::from_be_bytes(port)))?;
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    relayed.fetch_add(1, Ordering::SeqCst);
    let (mut from_client, mut to_upstream) = (client.try_clone()?, upstream.try_clone()?);
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(Shutdown::Write);
    });
    let (mut from_upstream, mut to_client) = (upstream, client);
    let _ = std::io::copy(&mut from_upstream, &mut to_client);
    let _ = to_client.shutdown(Shutdown::Write);
    let _ = forward.join();
    Ok(())
}

/// `ALL_PROXY=socks5h://127.0.0.1:1080` (an `ssh -D 1080` tunnel out of a campus network, or
/// a campus SOCKS gateway) is what curl and most tools honour: the collector reads the variable
/// but cannot speak SOCKS (reqwest is built without its `socks` feature), so every source fails
/// every run with "connection to … failed: unsupported scheme socks5h", retried 5 times as if
/// the API were unreachable.
#[test]
fn a_socks_proxy_in_all_proxy_is_used_as_curl_uses_it() {
    let body = usgs_body(3);
    let api = LocalServer::start(Router::new().route("/feed", get(move || async move { body })));
    let socks = SocksProxy::start();
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", api.url()), ""));
    let output = collector_behind(
        &site,
        &[("ALL_PROXY", &format!("socks5h://127.0.0.1:{}", socks.port))],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(site.data_files("usgs").len(), 1, "{stderr}");
    assert!(
        socks.relayed.load(Ordering::SeqCst) >= 1,
        "through the SOCKS proxy"
    );
}

/// A proxy URL holding a password with a `#` or a space not percent-encoded (as a student
/// copies it from the campus help page) cannot be read: curl stops with "Unsupported proxy
/// syntax", but the collector drops the variable without a word and connects directly, which
/// a campus firewall answers with a DNS failure or a connection timed out "to
/// api.open-meteo.com:443", pointing at the API. It must say that `HTTPS_PROXY` cannot be read
/// (without its password), or use it.
#[test]
fn a_proxy_variable_that_cannot_be_read_is_said_not_silently_bypassed() {
    let proxy = RefusingProxy::start("403 Forbidden", "never asked");
    let output = collector_behind(
        &https_site(),
        &[("HTTPS_PROXY", &proxy.url("alice:pa#ss word@"))],
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        proxy.requests.load(Ordering::SeqCst) > 0 || stderr.contains("HTTPS_PROXY"),
        "the unreadable proxy variable is used or named, not bypassed: {stderr}"
    );
    assert!(!stderr.contains("pa#ss"), "never its password: {stderr}");
}

/// A campus proxy named by its IPv6 address (`HTTPS_PROXY=http://[2001:db8::3128]:3128`, a
/// valid form the client reads and uses) refusing a tunnel by policy (403): as with the same
/// proxy named by an IPv4 address, the failure line must give its status and page, and the run
/// fail at once. The CONNECT asked again to learn the status connects to the proxy's host as
/// `http::Uri::host` gives it, brackets included (`[::1]`), which resolves to nothing: the
/// refusal reads "refused to open a tunnel" without its 403 or page, and is retried as a
/// passing failure, five CONNECTs a run.
#[test]
fn a_proxy_named_by_its_ipv6_address_refusing_a_tunnel_says_its_403_and_fails_at_once() {
    let blocked =
        RefusingProxy::start_on("[::1]:0", "403 Forbidden", "Access denied by campus proxy");
    let site = https_site();
    let mut command = collector_without_proxies(&site);
    command
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "10");
    command.env("HTTPS_PROXY", format!("http://[::1]:{}", blocked.port));
    let line = failure_line(&command.output().expect("collector runs"), "usgs");
    assert!(
        line.contains("403") && line.contains("Access denied by campus proxy"),
        "the proxy's refusal says its status and page, as for an IPv4 proxy: {line}"
    );
    assert!(
        blocked.requests.load(Ordering::SeqCst) <= 2,
        "a refusal by policy is not asked again at each attempt ({} CONNECTs): {line}",
        blocked.requests.load(Ordering::SeqCst)
    );
}

/// A proxy answering a tunnel with 429 Too Many Requests (a gateway's per-user limit, passing
/// in a minute) is busy, not refusing the API: the retry policy retries a 429 ("timeouts and
/// 5xx/429 retry"), and the proxy's words must not tell the student the API is barred. The
/// CONNECT asked again reads the 429 as any 4xx, a policy's refusal: the run fails at its
/// first attempt saying the proxy "may not let this API through (its administrators can
/// say)", and the source rests as after an API's refusal.
#[test]
fn a_proxy_answering_a_tunnel_with_429_is_tried_again_not_said_to_bar_the_api() {
    let busy = RefusingProxy::start("429 Too Many Requests", "Too many requests, slow down");
    let site = https_site();
    let mut command = collector_without_proxies(&site);
    command
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "10");
    command.env("HTTPS_PROXY", busy.url(""));
    let line = failure_line(&command.output().expect("collector runs"), "usgs");
    assert!(
        !line.contains("may not let this API through"),
        "a busy proxy is not said to bar the API: {line}"
    );
    assert!(
        busy.requests.load(Ordering::SeqCst) > 2,
        "a 429 is tried again, not taken as a refusal at the first attempt ({} CONNECTs): {line}",
        busy.requests.load(Ordering::SeqCst)
    );
}

/// A campus password holding a `/` (`Tr0ub/4dor`), copied into `HTTPS_PROXY` as it is typed:
/// the client reads the address up to the `/` (the host `alice`, a port `Tr0ub`) and cannot
/// use it, as curl cannot. The collector rightly says the variable cannot be read, but its
/// advice names only `@`, `#`, `%`, `:` and space as the characters to percent-encode, none of
/// which the password holds: it must name the `/` (`%2F`) that stops the client.
#[test]
fn a_proxy_password_holding_a_slash_is_told_to_write_it_percent_encoded() {
    let proxy = RefusingProxy::start("403 Forbidden", "never asked");
    let line = failure_line(
        &collector_behind(
            &https_site(),
            &[("HTTPS_PROXY", &proxy.url("alice:Tr0ub/4dor@"))],
        ),
        "usgs",
    );
    assert!(line.contains("HTTPS_PROXY"), "{line}");
    assert!(
        line.contains("%2F"),
        "the advice names the `/` the password holds, written %2F: {line}"
    );
    assert!(!line.contains("4dor"), "never its password: {line}");
}

/// An API on this machine or the campus network, which `NO_PROXY` keeps from the proxy (as
/// `scripts/demo.sh` now sets `NO_PROXY=127.0.0.1,localhost` to reach its replay server
/// "whatever the shell's proxy"): a proxy variable the client cannot read (a password with an
/// unencoded `#`, the student's case) plays no part in reaching it, and the client calls it
/// directly as `NO_PROXY` asks. The collector refuses every source of the run instead, saying
/// "the APIs would be called directly", which is what `NO_PROXY` asked for; it collected them
/// before the proxy variables were checked.
#[test]
fn a_source_no_proxy_exempts_is_collected_whatever_an_unreadable_proxy_variable() {
    let body = usgs_body(3);
    let api = LocalServer::start(Router::new().route("/feed", get(move || async move { body })));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", api.url()), ""));
    let output = collector_behind(
        &site,
        &[
            ("HTTP_PROXY", "http://alice:pa#ss@proxy.univ.example:3128"),
            ("NO_PROXY", "127.0.0.1,localhost"),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(site.data_files("usgs").len(), 1, "{stderr}");
}

/// A SOCKS5 proxy double asking for a user name and password (RFC 1929) and refusing every
/// pair it is given, as a campus SOCKS gateway checking them against the university's
/// directory does with a wrong or expired password: it counts the pairs it was sent.
fn refusing_socks_logins() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SOCKS proxy");
    let port = listener.local_addr().expect("address").port();
    let logins = Arc::new(AtomicUsize::new(0));
    let counted = logins.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut client) = stream else { continue };
            let mut greeting = [0u8; 2];
            if client.read_exact(&mut greeting).is_err() || greeting[0] != 5 {
                continue;
            }
            let mut methods = vec![0u8; usize::from(greeting[1])];
            let _ = client.read_exact(&mut methods);
            // User name and password, the only method offered.
            let _ = client.write_all(&[5, 2]);
            let mut version_and_length = [0u8; 2];
            if client.read_exact(&mut version_and_length).is_err() {
                continue;
            }
            let mut user = vec![0u8; usize::from(version_and_length[1])];
            let _ = client.read_exact(&mut user);
            let mut length = [0u8; 1];
            let _ = client.read_exact(&mut length);
            let mut password = vec![0u8; usize::from(length[0])];
            let _ = client.read_exact(&mut password);
            counted.fetch_add(1, Ordering::SeqCst);
            // Refused.
            let _ = client.write_all(&[1, 1]);
            let _ = client.shutdown(Shutdown::Both);
        }
    });
    (port, logins)
}

/// The README's "Behind a proxy" names SOCKS among the proxies the collector goes through
/// (`socks5h://…`) and says a proxy "refusing its user name and password … fails the run at
/// once, so a wrong password is not sent five times a run to a campus directory that locks
/// accounts". A SOCKS proxy refusing them (`ALL_PROXY=socks5h://alice:wrong@gateway:1080`)
/// is retried as a connection failure instead: "gave up after 5 attempts: … SOCKS error:
/// credentials not accepted", five failed logins a source a run, each minute.
#[test]
fn a_socks_proxy_refusing_the_password_is_asked_once_a_run_not_five_times() {
    let (port, logins) = refusing_socks_logins();
    let site = https_site();
    let mut command = collector_without_proxies(&site);
    command
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "10");
    command.env(
        "ALL_PROXY",
        format!("socks5h://alice:wrong-password@127.0.0.1:{port}"),
    );
    let line = failure_line(&command.output().expect("collector runs"), "usgs");
    assert!(line.contains("ALL_PROXY"), "{line}");
    assert!(
        !line.contains("wrong-password"),
        "never its password: {line}"
    );
    assert_eq!(
        logins.load(Ordering::SeqCst),
        1,
        "one login the SOCKS proxy refused, not one per attempt: {line}"
    );
}

/// A campus proxy that asks for a login (407), named in `HTTPS_PROXY` without one, as a help
/// page gives its address (`http://proxy.univ.example:3128`, the browser asking the password
/// in a window): the collector sends no `Proxy-Authorization`, yet its failure line says the
/// proxy "refused the user name and password it was given … check them in that variable",
/// sending the student to look for a password that is not there instead of telling them to
/// write one (`http://user:password@host:port`).
#[test]
fn a_proxy_asking_for_a_login_named_without_one_is_said_to_need_one_not_to_refuse_it() {
    let proxy = RefusingProxy::start(
        "407 Proxy Authentication Required",
        "407 Proxy Authentication Required",
    );
    let line = failure_line(
        &collector_behind(&https_site(), &[("HTTPS_PROXY", &proxy.url(""))]),
        "usgs",
    );
    assert!(
        proxy.requests.load(Ordering::SeqCst) <= 2,
        "the client's CONNECT, and one asking which logins it takes, not one per attempt: {line}"
    );
    assert!(
        line.contains("HTTPS_PROXY") && line.contains("user name and password"),
        "the line names the variable and what the proxy asks for: {line}"
    );
    assert!(
        !line.contains("it was given") && !line.contains("check them"),
        "no user name or password was given to the proxy: the line must not say one was refused: {line}"
    );
}

/// A campus password of digits before a `/` (a birth date, `12/05/1998`, as many universities
/// set the first one), copied into `HTTPS_PROXY` as it is typed: the client reads the address
/// up to the `/`, the host `jdupont` and the port `12` (digits, so the collector takes the
/// variable as readable). The run then fails as a proxy that cannot be reached, named
/// `http://jdupont:12`: the failure line (and the run's metrics, its `runs` document and
/// `analyser status`) holds the user name and the start of the password, and gives none of the
/// advice to write the `/` as `%2F` that a password of letters before its `/` gets.
#[test]
fn a_proxy_password_of_digits_before_a_slash_is_not_shown_as_the_proxys_port() {
    let proxy = RefusingProxy::start("403 Forbidden", "never asked");
    let site = https_site();
    let mut command = collector_without_proxies(&site);
    command
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "10");
    command.env("HTTPS_PROXY", proxy.url("jdupont:12/05/1998@"));
    let output = command.output().expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let line = failure_line(&output, "usgs");
    assert!(
        !stderr.contains("jdupont:12"),
        "never the user name and the start of the password, as the proxy's address: {stderr}"
    );
    assert!(
        line.contains("HTTPS_PROXY") && line.contains("%2F"),
        "the advice names the `/` the password holds, written %2F: {line}"
    );
}

/// A campus proxy of a Windows domain that takes only NTLM or Kerberos logins (`407` with
/// `Proxy-Authenticate: Negotiate` and `NTLM`, no `Basic`), named in `HTTPS_PROXY` with the
/// student's right user name and password: the client can send them only as `Basic`, which
/// such a proxy never accepts. The failure line says the proxy "refused the user name and
/// password it was given … check them in that variable", sending the student to retype a
/// password that is right, run after run; it must say the proxy asks for a login the
/// collector cannot give (NTLM / Negotiate), which no spelling of the variable fixes.
#[test]
fn a_proxy_asking_for_an_ntlm_login_is_not_said_to_refuse_the_password_given() {
    let body = "<html><head><title>Access Denied</title></head><body>NTLM</body></html>";
    let (port, _) = answering_each_request(
        "127.0.0.1:0",
        closing_answer(
            "407 Proxy Authentication Required",
            "Proxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\n",
            "text/html",
            body,
        ),
    );
    let line = failure_line(
        &collector_behind(
            &https_site(),
            &[(
                "HTTPS_PROXY",
                &format!("http://jdupont:right-password@127.0.0.1:{port}"),
            )],
        ),
        "usgs",
    );
    assert!(
        !line.contains("check them"),
        "the password given is not what the proxy refuses: {line}"
    );
    assert!(
        line.contains("NTLM") || line.contains("Negotiate"),
        "the line says the proxy asks for a login the collector cannot give: {line}"
    );
}

/// A proxy of a Windows domain logs its users in as `DOMAIN\user` (`UNIV\jdupont`), which a
/// student copies into `HTTPS_PROXY` as the campus help page writes it. The client cannot read
/// an address holding a `\`, and the collector rightly says the variable cannot be read, but
/// its advice lists `@`, `#`, `/`, `?`, `%`, `:` and space as the characters to
/// percent-encode, none of which the login holds: it must name the `\` (`%5C`) that stops the
/// client, as it names the `/` since the last review.
#[test]
fn a_proxy_login_of_a_windows_domain_is_told_to_write_its_backslash_percent_encoded() {
    let proxy = RefusingProxy::start("403 Forbidden", "never asked");
    let line = failure_line(
        &collector_behind(
            &https_site(),
            &[("HTTPS_PROXY", &proxy.url("UNIV\\jdupont:s3cret@"))],
        ),
        "usgs",
    );
    assert!(line.contains("HTTPS_PROXY"), "{line}");
    assert!(!line.contains("s3cret"), "never its password: {line}");
    assert!(
        line.contains("%5C"),
        "the advice names the `\\` the login holds, written %5C: {line}"
    );
}

/// A campus proxy offering several login schemes in one `Proxy-Authenticate` header, as RFC
/// 9110 lets a proxy list its challenges (`Negotiate, NTLM, Basic realm="campus"`: Microsoft's
/// and Kerberos-aware gateways write them so), named in `HTTPS_PROXY` without a login. It
/// takes Basic, which the collector sends: the student only has to write a user name and
/// password in the variable. The line says instead that the proxy asks for "a Negotiate
/// login … which the collector cannot give", and to ask for another proxy or run cntlm: the
/// first scheme of the header is read as the only one, Basic after it unseen.
#[test]
fn a_proxy_listing_basic_after_ntlm_in_one_header_is_not_said_to_take_only_windows_logins() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let body = "<html><head><title>Authentication required</title></head></html>";
            let answer = format!(
                "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate, NTLM, Basic realm=\"campus\"\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
            let _ = stream.shutdown(Shutdown::Both);
        }
    });
    let line = failure_line(
        &collector_behind(
            &https_site(),
            &[("HTTPS_PROXY", &format!("http://127.0.0.1:{port}"))],
        ),
        "usgs",
    );
    assert!(
        !line.contains("cannot give"),
        "a proxy that takes Basic logins is said to take only Windows ones: {line}"
    );
    assert!(
        line.contains("user name and password") && line.contains("does not give"),
        "the line says to write a user name and password in the variable: {line}"
    );
}
