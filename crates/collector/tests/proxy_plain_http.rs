//! The `collector` binary calling a plain `http://` API (a station on the campus network)
//! through the proxy `HTTP_PROXY` names: the proxy forwards the request itself (no `CONNECT`),
//! and its own refusal comes as the answer's status.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{
    Site, answering_each_request, closing_answer, collector_without_proxies, usgs_source,
};

/// A proxy double answering every request 407 with `challenge` as its `Proxy-Authenticate`,
/// its port and the requests it was sent.
fn asking_for_a_login(challenge: &'static str) -> (u16, Arc<AtomicUsize>) {
    let body = "<html><head><title>Authentication required</title></head></html>";
    answering_each_request(
        "127.0.0.1:0",
        closing_answer(
            "407 Proxy Authentication Required",
            &format!("Proxy-Authenticate: {challenge}\r\n"),
            "text/html",
            body,
        ),
    )
}

/// The collector's failure line for the source `station` of `http://station.univ.example`,
/// through the proxy on `port` named in `HTTP_PROXY` as `http://{login}127.0.0.1:PORT`.
fn failure_through(port: u16, login: &str) -> String {
    let site = Site::new(&usgs_source(
        "station",
        "http://station.univ.example/feed",
        "",
    ));
    let mut command = collector_without_proxies(&site);
    command.env("COLLECTOR_BACKOFF_MS", "10");
    command.env("HTTP_PROXY", format!("http://{login}127.0.0.1:{port}"));
    let output = command.output().expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    stderr
        .lines()
        .find(|line| line.starts_with("collector: source `station` failed"))
        .unwrap_or_else(|| panic!("a failure line: {stderr}"))
        .to_owned()
}

/// A proxy refusing the login in `HTTP_PROXY` with 407, for a plain `http://` API: the run
/// failed at once (one request, as it should), but its line read "GET: HTTP 407: an HTML page
/// titled …", as if the API had refused, naming neither the proxy nor its variable, while the
/// same proxy refusing a `CONNECT` is said as the proxy's with what to check. 407 is always a
/// proxy's status.
#[test]
fn a_proxy_answering_a_plain_http_request_with_407_is_said_as_the_proxys() {
    let (port, requests) = asking_for_a_login("Basic realm=\"campus\"");
    let line = failure_through(port, "alice:wrong-password@");
    assert_eq!(requests.load(Ordering::SeqCst), 1, "asked once: {line}");
    assert!(
        line.contains(&format!("the proxy http://127.0.0.1:{port} (HTTP_PROXY)"))
            && line.contains("check them"),
        "the line says the proxy refused the login it was given: {line}"
    );
    assert!(!line.contains("wrong-password"), "{line}");
    let (port, _) = asking_for_a_login("NTLM");
    let line = failure_through(port, "alice:right-password@");
    assert!(
        line.contains("NTLM login") && line.contains("cntlm"),
        "the line says the proxy takes a login the collector cannot give: {line}"
    );
}

/// Every file under `dir`, its text (the run's metrics, logs and `.state.json` land there).
fn texts_under(dir: &std::path::Path) -> String {
    let mut text = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return text;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&texts_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// A campus proxy forwarding a plain `http://` request itself, answering 403 or 502 with a
/// page quoting the request, its `Proxy-Authorization` header included: the login was hidden
/// only from a refused `CONNECT` or a 407, so this page was quoted whole, the student's login
/// as Basic's base64 (which anyone decodes into the password) in the failure line,
/// `logs/collector.log`, the run's metrics and `.state.json`. Expected: `***` in its place.
#[test]
fn a_proxy_page_quoting_the_login_of_a_plain_http_request_is_quoted_without_it() {
    // `alice:s3cret-pw` in base64, as `Proxy-Authorization: Basic` carries it.
    const LOGIN: &str = "YWxpY2U6czNjcmV0LXB3";
    for status in ["403 Forbidden", "502 Bad Gateway"] {
        let page = format!(
            "Denied: GET http://station.univ.example/feed\r\n\
             Proxy-Authorization: Basic {LOGIN}\r\n"
        );
        let (port, requests) = answering_each_request(
            "127.0.0.1:0",
            closing_answer(status, "", "text/plain", &page),
        );
        let site = Site::new(&usgs_source(
            "station",
            "http://station.univ.example/feed",
            "",
        ));
        let mut command = collector_without_proxies(&site);
        command
            .env("COLLECTOR_BACKOFF_MS", "10")
            .env("RUST_LOG", "info")
            .env(
                "HTTP_PROXY",
                format!("http://alice:s3cret-pw@127.0.0.1:{port}"),
            );
        let output = command.output().expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let written = texts_under(site.dir.path());
        assert!(
            requests.load(Ordering::SeqCst) >= 1 && stderr.contains("Denied: GET"),
            "{status}: the page is quoted: {stderr}"
        );
        assert!(
            stderr.contains("Basic ***") && written.contains("Basic ***"),
            "{status}: the login is shown `***`: {stderr}\n{written}"
        );
        assert!(!stderr.contains(LOGIN), "{status}: {stderr}");
        assert!(!written.contains(LOGIN), "{status}: {written}");
    }
}
