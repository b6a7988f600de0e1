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
