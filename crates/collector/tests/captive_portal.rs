//! A laptop collecting on whatever network it is on: a train's or a café's Wi-Fi whose captive
//! portal answers every request until the student signs in. What the collector says of such a
//! network must point at the network, not at the API or the configuration.

mod common;

use std::sync::atomic::Ordering;

use axum::http::{HeaderMap, StatusCode};
use common::{Site, numbered_feed, usgs_source_every};

/// A train's Wi-Fi (pfSense, Aruba, Fortinet alike) answers the feed with a 302 to its login
/// page on a private address, the address asked for in its query. The collector rightly does
/// not follow it, but its line tells the student the API has moved and to put "its new address
/// in the source's `url`": done, `sources.toml` would point at the train's login page. A
/// redirect to a private address, carrying the request's own address, is a network asking
/// for a sign-in, and should be said so, without advice to change the source.
#[tokio::test(flavor = "multi_thread")]
async fn a_captive_portals_redirect_is_not_told_as_the_api_having_moved() {
    let (server, calls) = numbered_feed(|_| async {
        let mut headers = HeaderMap::new();
        headers.insert(
            "location",
            "http://192.168.44.1:8002/index.php?zone=wifi_train&redirurl=http%3A%2F%2F127.0.0.1%2Ffeed"
                .parse()
                .expect("header"),
        );
        headers.insert("content-type", "text/html".parse().expect("header"));
        (
            StatusCode::FOUND,
            headers,
            "<html><head><title>Redirection</title></head></html>",
        )
    });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1, "not followed, not retried");
    assert!(
        !failure.contains("put its new address in the source's `url`"),
        "a captive portal's login page is given as the API's new address: {failure}"
    );
    let lower = failure.to_lowercase();
    assert!(
        ["captive portal", "sign in", "sign-in", "log in", "login"]
            .iter()
            .any(|words| lower.contains(words)),
        "the line does not say the network asks for a sign-in: {failure}"
    );
}

/// A network that wants its user signed in may answer, as RFC 6585 made it for, `511 Network
/// Authentication Required` with its login page. The collector takes it for a failing server:
/// it asks again four more times within the run (each a call to the portal, none of them
/// answerable before the student signs in) and says `gave up after 5 attempts: HTTP 511: an
/// HTML page titled "…"`, a number students do not know, where the status itself says the
/// network asks for a sign-in.
#[tokio::test(flavor = "multi_thread")]
async fn a_511_from_the_network_is_said_as_a_sign_in_asked_and_not_retried() {
    let (server, calls) = numbered_feed(|_| async {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "text/html".parse().expect("header"));
        (
            StatusCode::NETWORK_AUTHENTICATION_REQUIRED,
            headers,
            "<html><head><title>Connexion au Wi-Fi</title></head><body>Acceptez les conditions</body></html>",
        )
    });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    let lower = failure.to_lowercase();
    assert!(
        [
            "network authentication required",
            "captive portal",
            "sign in",
            "sign-in"
        ]
        .iter()
        .any(|words| lower.contains(words)),
        "the line does not say the network asks for a sign-in: {failure}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the network's sign-in page would come again: asked once, not retried as a server's failure ({failure})"
    );
}

/// A lab's sensor gateway, named in `sources.toml` by its name on the lab's network (here
/// `localhost`, as on the Raspberry Pi that both serves the gateway and collects it; a
/// `station.local` or a Docker service's name alike), answers its feed with a 301 to the same
/// feed at its own private address (`http://192.168.1.50/feed/`, the address its web server
/// was set up with). The unit test of `captive_portal` says a lab API on a private address
/// redirecting to another is not a captive portal; named by its host name, it is: the line
/// tells the user to sign in to the network this machine is on "and the next run collects",
/// which no run will, where the address the gateway moved to belongs in the source's `url`.
#[tokio::test(flavor = "multi_thread")]
async fn a_lab_api_named_by_its_host_name_moving_to_its_private_address_is_not_a_captive_portal() {
    let (server, _calls) = numbered_feed(|_| async {
        let mut headers = HeaderMap::new();
        headers.insert(
            "location",
            "http://192.168.1.50/feed/".parse().expect("header"),
        );
        (StatusCode::MOVED_PERMANENTLY, headers, "")
    });
    let port = server.url().rsplit(':').next().expect("port").to_owned();
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("http://localhost:{port}/feed"),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    assert!(
        failure.contains("another host, 192.168.1.50"),
        "the redirect is refused: {failure}"
    );
    assert!(
        !failure.contains("captive portal"),
        "a lab API moving to its own private address is said as a captive portal to sign in to: {failure}"
    );
}

/// Most captive portals answer every request with their sign-in page and status 200, whatever
/// the address asked: the line said only "not the expected JSON … an HTML page titled …",
/// nothing telling a student on a train's Wi-Fi to sign in.
#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_page_answered_200_is_said_as_maybe_a_public_wi_fis() {
    let (server, _calls) = numbered_feed(|_| async {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "text/html".parse().expect("header"));
        (
            StatusCode::OK,
            headers,
            "<html><head><title>Wi-Fi SNCF</title></head><body>Connexion</body></html>",
        )
    });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    assert!(
        failure.contains(
            "an HTML page titled \"Wi-Fi SNCF\" (on a public Wi-Fi, its sign-in page? sign in to it"
        ),
        "{failure}"
    );
}

/// The same sign-in page, as cron mails its line and `analyser status` shows its first 60
/// columns: "GET: the answer is not the expected JSON: expected value at line 1 column 1
/// (served as text/html): an HTML page…", the JSON parser's complaint at the page's first
/// character, which the student reads as the API's data broken. The page is said first.
#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_page_is_said_without_the_json_parsers_complaint() {
    let (server, calls) = numbered_feed(|_| async {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "text/html".parse().expect("header"));
        (
            StatusCode::OK,
            headers,
            "\n<!DOCTYPE html><html><head><title>Wi-Fi SNCF</title></head><body>Connexion</body></html>",
        )
    });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", server.url()),
        "15m",
        "",
    ));
    let failure = site.failed_run(true).await;
    assert!(
        failure.contains(
            "GET: the answer is not the expected JSON: an HTML page titled \"Wi-Fi SNCF\""
        ),
        "the page said first: {failure}"
    );
    assert!(
        !failure.contains("line 1 column") && !failure.contains("expected value"),
        "the parser's complaint at the page's first character: {failure}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "asked once: {failure}");
    assert!(site.data_files("quakes").is_empty(), "nothing landed");
}
