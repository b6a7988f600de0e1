//! A laptop on a hotel's, a train's or a campus's network, whose captive portal or proxy answers
//! in the API's stead with a `Date` of its own, its clock ahead: the collector read that `Date`
//! as the API's, said this machine's clock was behind the API's (not set yet, wait for NTP),
//! and sent the student after a clock that was right.

mod common;

use std::process::Command;
use std::sync::atomic::Ordering;

use common::{Site, answering_each_request, closing_answer, collector_without_proxies};

/// A `Date` header three days ahead of this machine's clock, as a portal's clock may be.
fn date_days_ahead() -> String {
    let ahead = chrono::Utc::now() + chrono::TimeDelta::days(3);
    format!("Date: {}\r\n", ahead.format("%a, %d %b %Y %H:%M:%S GMT"))
}

/// The real `collector` binary, forced, in `site`'s folder, no proxy of the test's own set,
/// `timedatectl` answering that NTP has not synchronised this clock (as on a Raspberry Pi just
/// booted, or a laptop whose `timedatectl` cannot tell), so that a `Date` ahead of it, taken for
/// the API's, would stop the run.
fn collector_unsynchronised(site: &Site) -> Command {
    let bin = site.dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("a folder for timedatectl");
    let script = bin.join("timedatectl");
    std::fs::write(&script, "#!/bin/sh\necho no\n").expect("timedatectl");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("timedatectl runs");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    let mut command = collector_without_proxies(site);
    command
        .env("PATH", std::env::join_paths(paths).expect("a PATH"))
        .env("COLLECTOR_BACKOFF_MS", "1");
    command
}

/// The failure line of the source `source` in `stderr`.
fn failure_of<'a>(stderr: &'a str, source: &str) -> &'a str {
    let start = format!("collector: source `{source}` failed");
    stderr
        .lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("a failure line: {stderr}"))
}

/// A hotel's Wi-Fi answers the feed, as every address, with its sign-in page and status 200,
/// its `Date` three days ahead. The run failed "this machine's clock is … behind the API's":
/// the student, whose clock was right, was told to wait for NTP, not to sign in.
#[test]
fn a_sign_in_page_dated_ahead_is_not_taken_for_this_clock_behind() {
    let page = "<html><head><title>Hotel Wi-Fi</title></head><body>Connexion</body></html>";
    let (port, requests) = answering_each_request(
        "127.0.0.1:0",
        closing_answer("200 OK", &date_days_ahead(), "text/html", page),
    );
    let site = Site::new(&common::usgs_source(
        "quakes",
        &format!("http://127.0.0.1:{port}/feed"),
        "",
    ));
    let output = collector_unsynchronised(&site)
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = failure_of(&stderr, "quakes");
    assert!(
        !line.contains("behind the API's"),
        "a portal's clock taken for the API's: {line}"
    );
    assert!(
        line.contains("Hotel Wi-Fi") && line.contains("sign in to it"),
        "the line says the network answered with its sign-in page: {line}"
    );
    assert!(!line.contains("<html"), "no HTML dumped: {line}");
    assert_eq!(requests.load(Ordering::SeqCst), 1, "asked once: {line}");
    assert!(site.data_files("quakes").is_empty(), "{stderr}");
}

/// A campus proxy refusing a plain `http://` request with 407, its `Date` three days ahead: the
/// run failed as this clock behind the API's, where the proxy wanted a login.
#[test]
fn a_proxys_407_dated_ahead_is_said_as_the_proxys_login_not_this_clock() {
    let (port, requests) = answering_each_request(
        "127.0.0.1:0",
        closing_answer(
            "407 Proxy Authentication Required",
            &format!(
                "Proxy-Authenticate: Basic realm=\"campus\"\r\n{}",
                date_days_ahead()
            ),
            "text/html",
            "<html><head><title>Authentication required</title></head></html>",
        ),
    );
    let site = Site::new(&common::usgs_source(
        "station",
        "http://station.univ.example/feed",
        "",
    ));
    let output = collector_unsynchronised(&site)
        .env("HTTP_PROXY", format!("http://alice:wrong@127.0.0.1:{port}"))
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = failure_of(&stderr, "station");
    assert!(
        !line.contains("behind the API's"),
        "a proxy's clock taken for the API's: {line}"
    );
    assert!(
        line.contains(&format!("the proxy http://127.0.0.1:{port} (HTTP_PROXY)")),
        "the line says the proxy refused: {line}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 1, "asked once: {line}");
}
