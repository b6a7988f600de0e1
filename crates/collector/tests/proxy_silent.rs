//! The `collector` binary behind a proxy that takes connections and never answers them (a
//! campus gateway overloaded, or one whose upstream link is down, holding each `CONNECT`).

mod common;

use std::net::{TcpListener, TcpStream};

use common::{Site, collector_without_proxies, usgs_source};

/// A proxy double on loopback that accepts every connection and says nothing, its port.
fn silent_proxy() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

/// A proxy whose `CONNECT` hangs, for an API with a short `timeout` (2 s, within the 10 s the
/// collector gives a connection): the timeouts apply, and the run gives up, but the failure
/// line read "timed out after 2 s (the source's `timeout` …): error sending request: operation
/// timed out", naming neither the proxy nor its variable, so the student blames the API. The
/// same for a plain `http://` API behind `HTTP_PROXY`, whose request the proxy holds. A
/// proxy's failure is said as the proxy's, naming it and its variable (the README).
#[test]
fn a_proxy_that_never_answers_is_named_in_the_timeout() {
    let port = silent_proxy();
    for (url, variable) in [
        ("https://api.example.org/feed", "HTTPS_PROXY"),
        ("http://api.example.org/feed", "HTTP_PROXY"),
    ] {
        let site = Site::new(&usgs_source("usgs", url, "timeout = \"2s\""));
        let mut command = collector_without_proxies(&site);
        command.env("COLLECTOR_BACKOFF_MS", "10");
        command.env(variable, format!("http://127.0.0.1:{port}"));
        let output = command.output().expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stderr
            .lines()
            .find(|line| line.starts_with("collector: source `usgs` failed"))
            .unwrap_or_else(|| panic!("a failure line: {stderr}"));
        assert!(line.contains("timed out"), "{line}");
        assert!(
            line.contains(&format!("the proxy http://127.0.0.1:{port} ({variable})"))
                && line.contains("api.example.org:"),
            "the line names the proxy, its variable and the API it was asked for: {line}"
        );
    }
}
