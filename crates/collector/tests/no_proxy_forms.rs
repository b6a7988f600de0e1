//! `NO_PROXY` written in forms the HTTP client does not read, for an API on this machine's or
//! the campus's IPv6 network: an address in brackets (`[::1]`, as in a URL) or with a port.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{
    Site, answering_each_request, closing_answer, collector_without_proxies, usgs_body, usgs_source,
};

/// A loopback listener on `address` answering each request with `body` as JSON, its port.
fn answering(address: &str, body: String) -> (u16, Arc<AtomicUsize>) {
    answering_each_request(
        address,
        closing_answer("200 OK", "", "application/json", &body),
    )
}

/// An API on `[::1]` (a station's feed on the campus's IPv6 network, here loopback) and a
/// campus proxy in `HTTP_PROXY`, the API exempted by `NO_PROXY=[::1]`, written as in its URL,
/// or `[::1]:PORT`: the client reads either as a host name, which no address matches, and
/// sent the API's requests to the proxy without a word ("connection to the proxy …, for
/// [::1]:PORT, failed"), the request's address and key with them. The run must not go to the
/// proxy, and must say how to write the entry (`::1`: curl's form, which the client reads).
#[test]
fn a_no_proxy_entry_in_brackets_or_with_a_port_is_said_not_silently_proxied() {
    let (api, _) = answering("[::1]:0", usgs_body(2));
    let (proxy, proxied) = answering("127.0.0.1:0", "{}".to_owned());
    for entry in ["[::1]".to_owned(), format!("[::1]:{api}")] {
        let site = Site::new(&usgs_source(
            "station",
            &format!("http://[::1]:{api}/feed"),
            "",
        ));
        let mut command = collector_without_proxies(&site);
        command
            .env("COLLECTOR_BACKOFF_MS", "10")
            .env("HTTP_PROXY", format!("http://127.0.0.1:{proxy}"))
            .env("NO_PROXY", format!("localhost,{entry}"));
        let output = command.output().expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            proxied.load(Ordering::SeqCst),
            0,
            "sent to the proxy: {stderr}"
        );
        assert!(
            stderr.contains(&format!("`{entry}`")) && stderr.contains("`::1`"),
            "the line names the entry and how to write it: {stderr}"
        );
    }
}
