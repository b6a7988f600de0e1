//! A laptop on a hotel's or a train's Wi-Fi calling an `https://` API: the captive portal
//! answers the TLS handshake itself, with a certificate of its own (made for its sign-in page,
//! signed by no CA this machine trusts), until the student signs in.

mod common;

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Site, collector_without_proxies, usgs_source};

/// The collector's stderr, and its line saying `quakes` failed.
fn failure_of(output: &std::process::Output) -> (String, String) {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let line = stderr
        .lines()
        .find(|line| line.starts_with("collector: source `quakes` failed"))
        .unwrap_or_else(|| panic!("a failure line: {stderr}"))
        .to_owned();
    (stderr, line)
}

/// A loopback listener answering TLS with a self-signed certificate for `wifi.hotel.example`,
/// then its sign-in page: its port and the handshakes begun.
fn a_portal_over_tls() -> (u16, Arc<AtomicUsize>) {
    let made = rcgen::generate_simple_self_signed(vec!["wifi.hotel.example".to_owned()])
        .expect("a certificate");
    serving(
        made.cert.der().clone(),
        made.signing_key.serialize_der(),
        false,
    )
}

/// A campus proxy inspecting HTTPS on loopback: it opens every tunnel asked (`CONNECT`), then
/// answers the handshake itself with a certificate its own CA signed, which this machine does
/// not trust: its port and the handshakes begun.
fn an_inspecting_proxy() -> (u16, Arc<AtomicUsize>) {
    let made = rcgen::generate_simple_self_signed(vec!["api.example.org".to_owned()])
        .expect("a certificate");
    serving(
        made.cert.der().clone(),
        made.signing_key.serialize_der(),
        true,
    )
}

/// A loopback listener answering TLS with a certificate for `wifi.hotel.example` signed by a
/// CA this machine trusts, written to `ca` (as a portal with a real certificate of its own
/// name answers): its port and the handshakes begun.
fn a_portal_with_a_trusted_certificate(ca: &std::path::Path) -> (u16, Arc<AtomicUsize>) {
    trusted_for_another_name(ca, false)
}

/// As [`a_portal_with_a_trusted_certificate`], as a proxy opening a tunnel first when `tunnel`
/// (a plain proxy, not inspecting: the certificate behind it is the server's own).
fn trusted_for_another_name(ca: &std::path::Path, tunnel: bool) -> (u16, Arc<AtomicUsize>) {
    let ca_key = rcgen::KeyPair::generate().expect("a CA key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = params.self_signed(&ca_key).expect("the CA's certificate");
    std::fs::write(ca, ca_cert.pem()).expect("ca.pem");
    let issuer = rcgen::Issuer::new(params, ca_key);
    let key = rcgen::KeyPair::generate().expect("a key");
    let leaf = rcgen::CertificateParams::new(vec!["wifi.hotel.example".to_owned()])
        .expect("parameters")
        .signed_by(&key, &issuer)
        .expect("the portal's certificate");
    serving(leaf.der().clone(), key.serialize_der(), tunnel)
}

/// A loopback listener answering TLS with `cert` and `key`, then a sign-in page; as a proxy
/// opening a tunnel first when `tunnel`.
fn serving(
    cert: rustls::pki_types::CertificateDer<'static>,
    key: Vec<u8>,
    tunnel: bool,
) -> (u16, Arc<AtomicUsize>) {
    let chain = vec![cert];
    let key = rustls::pki_types::PrivateKeyDer::try_from(key).expect("a key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("a server configuration");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            if tunnel && !opened(&mut stream) {
                continue;
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let Ok(connection) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            let page = "<html><head><title>Hotel Wi-Fi</title></head></html>";
            let answer = common::closing_answer("200 OK", "", "text/html", page);
            let _ = std::io::Write::write_all(&mut tls, answer.as_bytes());
        }
    });
    (port, handshakes)
}

/// Reads a `CONNECT` request's head from `stream` and opens the tunnel; whether it did.
fn opened(stream: &mut std::net::TcpStream) -> bool {
    use std::io::{Read, Write};
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
    }
    head.starts_with(b"CONNECT ")
        && stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_ok()
}

/// The portal's certificate refused, as it should be: the line read "gave up after 5 attempts:
/// connection to 127.0.0.1:PORT failed: invalid peer certificate: UnknownIssuer", words a
/// student does not read as "sign in to the Wi-Fi", after handshaking five times with a portal
/// whose certificate would not change within the run.
#[test]
fn a_portals_certificate_is_said_as_maybe_a_wi_fis_sign_in_and_not_retried() {
    let (port, handshakes) = a_portal_over_tls();
    let site = Site::new(&usgs_source(
        "quakes",
        &format!("https://127.0.0.1:{port}/feed"),
        "",
    ));
    let output = collector_without_proxies(&site)
        .env("COLLECTOR_BACKOFF_MS", "1")
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("collector runs");
    let (stderr, line) = failure_of(&output);
    assert!(
        line.contains("certificate") && line.contains("Wi-Fi") && line.contains("sign in"),
        "the line says a network's sign-in page may hold the connection: {line}"
    );
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "asked once: {line}");
    assert!(site.data_files("quakes").is_empty(), "{stderr}");
}

/// A portal whose certificate is a real one, for its own name, not the API's: the line read
/// "… invalid peer certificate: certificate not valid for name …", after five handshakes.
#[test]
fn a_portals_certificate_for_its_own_name_is_said_so_too() {
    let site = Site::new("");
    let ca = site.dir.path().join("ca.pem");
    let (port, handshakes) = a_portal_with_a_trusted_certificate(&ca);
    std::fs::write(
        site.config(),
        usgs_source("quakes", &format!("https://127.0.0.1:{port}/feed"), ""),
    )
    .expect("sources.toml");
    let output = collector_without_proxies(&site)
        .env("COLLECTOR_BACKOFF_MS", "1")
        .env("SSL_CERT_FILE", &ca)
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("collector runs");
    let (_, line) = failure_of(&output);
    assert!(
        line.contains("not valid for name") && line.contains("Wi-Fi"),
        "the line says a network's sign-in page may hold the connection: {line}"
    );
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "asked once: {line}");
}

/// A campus proxy inspecting HTTPS, named in `HTTPS_PROXY` with a login: its certificate was
/// handshaken five times and said "gave up after 5 attempts: … UnknownIssuer" through the
/// proxy, without the remedy the same certificate gets without a proxy (its CA in
/// SSL_CERT_FILE). It is said as the proxy's, once, its login not shown.
#[test]
fn an_inspecting_proxys_certificate_is_said_as_the_proxys_and_not_retried() {
    let (port, handshakes) = an_inspecting_proxy();
    let site = Site::new(&usgs_source("quakes", "https://api.example.org/feed", ""));
    let output = collector_without_proxies(&site)
        .env("COLLECTOR_BACKOFF_MS", "1")
        .env(
            "HTTPS_PROXY",
            format!("http://student:s3cret@127.0.0.1:{port}"),
        )
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("collector runs");
    let (stderr, line) = failure_of(&output);
    assert!(
        line.contains("not the API's") && line.contains("proxy") && line.contains("SSL_CERT_FILE"),
        "the line says the proxy's CA is to be trusted: {line}"
    );
    assert!(!stderr.contains("s3cret"), "the login not shown: {stderr}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "asked once: {line}");
}

/// Through a plain proxy, a certificate made for another name than the host asked, signed by a
/// CA this machine trusts: no inspecting proxy's (it makes one for the name asked), but the
/// server's own, the `url` naming another host. It was said as the proxy's CA to trust.
#[test]
fn a_certificate_for_another_name_through_a_proxy_is_said_as_the_urls() {
    let site = Site::new(&usgs_source("quakes", "https://api.example.org/feed", ""));
    let ca = site.dir.path().join("ca.pem");
    let (port, handshakes) = trusted_for_another_name(&ca, true);
    let output = collector_without_proxies(&site)
        .env("COLLECTOR_BACKOFF_MS", "1")
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .env("SSL_CERT_FILE", &ca)
        .env_remove("SSL_CERT_DIR")
        .output()
        .expect("collector runs");
    let (_, line) = failure_of(&output);
    assert!(
        line.contains("made for another name than api.example.org:443")
            && line.contains("the source's `url`")
            && !line.contains("SSL_CERT_FILE"),
        "the line points at the url, not at a CA to trust: {line}"
    );
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "asked once: {line}");
}
