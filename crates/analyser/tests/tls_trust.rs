//! A MongoDB served over TLS with a certificate of a laboratory's own CA, which the machine
//! trusts (in its CA bundle, or in the file `SSL_CERT_FILE` names, as OpenSSL's tools read it):
//! the stages read it as the collector reads an API behind the same CA, without a `tlsCAFile`
//! in the URI (found by the dependency review: the driver trusted only the roots compiled in).
//! The certificates are made when the test runs.

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::front::Front;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

/// A CA and a certificate it signed for 127.0.0.1, written in `dir` as `ca.pem`, `server.pem`
/// and `server.key`, with `sources.toml` beside them.
fn laboratory_ca(dir: &Path) {
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server parameters");
    laboratory_ca_signing(dir, server);
}

/// [`laboratory_ca`], the server's certificate made of `server`.
fn laboratory_ca_signing(dir: &Path, server: CertificateParams) {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "relevé test laboratory CA");
    let ca_cert = ca.self_signed(&ca_key).expect("the CA's certificate");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("a server key");
    let server = server
        .signed_by(&key, &issuer)
        .expect("the server's certificate");
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).expect("ca.pem");
    std::fs::write(dir.join("ca.der"), ca_cert.der()).expect("ca.der");
    std::fs::write(dir.join("server.pem"), server.pem()).expect("server.pem");
    std::fs::write(dir.join("server.key"), key.serialize_pem()).expect("server.key");
    std::fs::copy(
        testkit::workspace_root().join("sources.toml"),
        dir.join("sources.toml"),
    )
    .expect("sources.toml");
}

/// The TLS front (`fixtures/tls_front.py`) of the shared test server, with the certificates
/// [`laboratory_ca`] wrote in `certificates`.
fn tls_front(certificates: &Path) -> Front {
    Front::start(
        "tls_front.py",
        &[
            &certificates.join("server.pem"),
            &certificates.join("server.key"),
        ],
    )
}

/// `analyser status` against the front, `SSL_CERT_FILE` set to `trusted` or unset.
fn status(dir: &Path, front: &Front, trusted: Option<&Path>) -> Output {
    let uri = format!(
        "mongodb://127.0.0.1:{}/?tls=true&serverSelectionTimeoutMS=3000",
        front.port
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_analyser"));
    command
        .current_dir(dir)
        .args(["status", "--mongodb-uri", &uri, "--database", "tls_trust"])
        .env_remove("MONGODB_URI")
        .env_remove("SSL_CERT_FILE")
        .env("RUST_LOG", "warn");
    if let Some(trusted) = trusted {
        command.env("SSL_CERT_FILE", trusted);
    }
    command.output().expect("analyser runs")
}

#[test]
fn a_mongodb_behind_a_ca_the_machine_trusts_is_read_without_tls_ca_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let front = tls_front(dir.path());

    let trusting = status(dir.path(), &front, Some(&dir.path().join("ca.pem")));
    let said = String::from_utf8_lossy(&trusting.stdout);
    let stderr = String::from_utf8_lossy(&trusting.stderr);
    assert!(
        said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port))
            && !stderr.contains("TLS handshake failed"),
        "MongoDB's certificate, signed by a CA the machine trusts, was refused:\n{said}\n{stderr}"
    );

    // The CA is trusted because the machine trusts it, not because certificates go unchecked.
    let elsewhere = status(dir.path(), &front, None);
    let said = String::from_utf8_lossy(&elsewhere.stdout);
    assert!(
        said.contains("MongoDB: UNAVAILABLE"),
        "a CA the machine does not trust: {said}"
    );
}

/// A certificate of the laboratory's CA, which the machine trusts, refused all the same: the
/// line says why, not "is it signed by a CA this machine trusts?" whatever the cause (found by
/// the last reviews). Made for another host name (the URI naming 127.0.0.1): the name is said,
/// as adding the CA again would not help. Valid only from 2100, what a machine whose clock is
/// behind sees of any certificate (a Raspberry Pi without a real-time clock reads 1970): the
/// dates and this machine's clock are said (rustls words it "certificate not valid yet").
#[test]
fn a_certificate_refused_though_its_ca_is_trusted_says_why() {
    let other_name =
        CertificateParams::new(vec!["db.example.org".to_owned()]).expect("server parameters");
    let mut not_yet = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server parameters");
    not_yet.not_before = rcgen::date_time_ymd(2100, 1, 1);
    not_yet.not_after = rcgen::date_time_ymd(2200, 1, 1);
    for (server, says) in [
        (other_name, "not made for the host name the URI gives"),
        (not_yet, "is this machine's clock right?"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        laboratory_ca_signing(dir.path(), server);
        let front = tls_front(dir.path());
        let refused = status(dir.path(), &front, Some(&dir.path().join("ca.pem")));
        let said = format!(
            "{}\n{}",
            String::from_utf8_lossy(&refused.stdout),
            String::from_utf8_lossy(&refused.stderr)
        );
        assert!(
            said.contains("MongoDB: UNAVAILABLE") && said.contains(says),
            "{says}:\n{said}"
        );
        assert!(!said.contains("signed by no CA"), "{said}");
    }
}

/// A loopback server that ends each connection once the client has spoken, its words unread
/// (a reset), as a server refusing the client does; its port.
fn closing_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(connection);
        }
    });
    port
}

/// The CA [`laboratory_ca`] wrote in `dir`, copied into a folder of its own, `certs`.
fn ca_in_a_folder(dir: &Path) -> std::path::PathBuf {
    let certs = dir.join("certs");
    std::fs::create_dir(&certs).expect("certs folder");
    std::fs::copy(dir.join("ca.pem"), certs.join("laboratory.pem")).expect("the CA");
    certs
}

/// `analyser status` against the front with `uri_options` after `?tls=true`, the environment
/// holding `env` (`SSL_CERT_FILE` and `SSL_CERT_DIR` unset otherwise): what it said, stdout
/// then stderr.
fn status_with(dir: &Path, front: &Front, uri_options: &str, env: &[(&str, &Path)]) -> String {
    let uri = format!(
        "mongodb://127.0.0.1:{}/?tls=true{uri_options}&serverSelectionTimeoutMS=3000",
        front.port
    );
    status_of(dir, &uri, env)
}

/// `analyser status` of `uri`, the environment holding `env` (`SSL_CERT_FILE` and
/// `SSL_CERT_DIR` unset otherwise): what it said, stdout then stderr.
fn status_of(dir: &Path, uri: &str, env: &[(&str, &Path)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_analyser"));
    command
        .current_dir(dir)
        .args(["status", "--mongodb-uri", uri, "--database", "tls_trust"])
        .env_remove("MONGODB_URI")
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .env("RUST_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("analyser runs");
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A certificate made for the server's name, reached by its address, with the URI's
/// `tlsAllowInvalidHostnames=true` (MongoDB's own option for this, which mongosh honours):
/// relevé's driver cannot honour it, and the line says the option "is an invalid option",
/// offering `tlsAllowInvalidCertificates`, which turns every certificate check off. The line
/// should say that relevé does not support the option and what to do instead (connect by the
/// name the certificate is made for), never advise switching certificate checks off.
/// (Found by the stop-60 review of TLS.)
#[test]
fn tls_allow_invalid_hostnames_is_not_answered_with_advice_to_allow_invalid_certificates() {
    let other_name =
        CertificateParams::new(vec!["db.example.org".to_owned()]).expect("server parameters");
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca_signing(dir.path(), other_name);
    let front = tls_front(dir.path());
    let ca = dir.path().join("ca.pem");
    let said = status_with(
        dir.path(),
        &front,
        "&tlsAllowInvalidHostnames=true",
        &[("SSL_CERT_FILE", &ca)],
    );
    assert!(
        !said.contains("tlsallowinvalidcertificates")
            && !said.contains("tlsAllowInvalidCertificates"),
        "a user asking to skip the host name check alone is pointed at switching every certificate check off:\n{said}"
    );
    assert!(
        !said.contains("is an invalid option"),
        "MongoDB's own URI option is called invalid rather than not supported by relevé:\n{said}"
    );
}

/// The laboratory's CA given the way OpenSSL's tools and the collector's HTTPS also read it, a
/// folder of certificates named by `SSL_CERT_DIR` (as on machines whose CAs are kept in a
/// folder, not a bundle): the README says MongoDB's certificate is checked against the CAs
/// this machine trusts "as the collector's HTTPS and OpenSSL's tools check it", but only the
/// file (`SSL_CERT_FILE`, else the bundle) is read, and the certificate is refused as "signed
/// by no CA this machine trusts".
#[test]
fn a_mongodb_behind_a_ca_in_ssl_cert_dir_is_read_as_the_collector_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let certs = ca_in_a_folder(dir.path());
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_DIR", &certs)]);
    assert!(
        said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port))
            && !said.contains("signed by no CA"),
        "MongoDB's certificate, signed by a CA in SSL_CERT_DIR, was refused:\n{said}"
    );
}

/// A MongoDB that takes TLS only (as `--tlsMode requireTLS` does), its URI without
/// `tls=true`: the server ends each connection at once (the driver sees "Connection reset by
/// peer"), and the line says "no server answered in time: check the URI and that the server
/// runs", though it answered at once and runs. It should say that the server closed the
/// connection, and ask whether it wants TLS (`tls=true` in the URI).
#[test]
fn a_mongodb_wanting_tls_reached_without_it_is_not_said_to_answer_too_late() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let front = tls_front(dir.path());
    let uri = format!(
        "mongodb://127.0.0.1:{}/?serverSelectionTimeoutMS=3000",
        front.port
    );
    let said = status_of(
        dir.path(),
        &uri,
        &[("SSL_CERT_FILE", &dir.path().join("ca.pem"))],
    );
    assert!(said.contains("MongoDB: UNAVAILABLE"), "{said}");
    assert!(
        !said.contains("no server answered in time") && said.contains("tls=true"),
        "a server that closes plain connections at once is said to answer too late:\n{said}"
    );
}

/// `SSL_CERT_FILE` naming a file that is not there (a path mistyped, a bundle moved): it was
/// silently left for the distribution's bundle, and the failure then blamed a `tlsCAFile` the
/// URI does not have. It is said, naming the file.
#[test]
fn ssl_cert_file_naming_no_file_is_said_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let front = tls_front(dir.path());
    let missing = dir.path().join("no-such-bundle.pem");
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_FILE", &missing)]);
    assert!(
        said.contains("MongoDB: UNAVAILABLE")
            && said.contains("the certificates this machine trusts")
            && said.contains("no-such-bundle.pem")
            && !said.contains("tlsCAFile` names"),
        "{said}"
    );
}

/// The machine's certificates are handed to the driver in a temporary file, written in the
/// system's temporary folder: where that folder cannot be written (a `/tmp` full, a `TMPDIR`
/// naming a folder a service cannot write or that was removed), a MongoDB over TLS whose CA the
/// machine trusts reads as UNAVAILABLE, said as "the certificates this machine trusts … cannot
/// be read", pointing at `SSL_CERT_FILE` and `SSL_CERT_DIR`, though they are readable and name
/// the right CA. The previous version handed the bundle's own path to the driver, writing
/// nothing; a temporary folder has nothing to do with checking MongoDB's certificate.
#[test]
fn a_mongodb_behind_a_trusted_ca_is_read_when_the_temporary_folder_cannot_be_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let front = tls_front(dir.path());
    let ca = dir.path().join("ca.pem");
    let no_tmp = dir.path().join("removed-tmp");
    let said = status_with(
        dir.path(),
        &front,
        "",
        &[("SSL_CERT_FILE", &ca), ("TMPDIR", &no_tmp)],
    );
    assert!(
        said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port)),
        "MongoDB over TLS, its CA trusted and readable, refused because the temporary folder \
         cannot be written:\n{said}"
    );
}

/// A server that ends each connection at once though the URI already asks for TLS: MongoDB
/// Atlas closing connections from an address not on its access list (its URIs are
/// `mongodb+srv://`, TLS on), a proxy refusing the client, or a plain server reached with
/// `tls=true` by mistake. The line says "if it takes TLS connections only, add `tls=true` to
/// the URI" to a URI that holds `tls=true`: advice that cannot help, hiding the real causes.
#[test]
fn a_server_closing_tls_connections_at_once_is_not_answered_with_advice_to_add_tls() {
    let port = closing_server();
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let uri = format!("mongodb://127.0.0.1:{port}/?tls=true&serverSelectionTimeoutMS=3000");
    let said = status_of(
        dir.path(),
        &uri,
        &[("SSL_CERT_FILE", &dir.path().join("ca.pem"))],
    );
    assert!(said.contains("MongoDB: UNAVAILABLE"), "{said}");
    assert!(
        !said.contains("add `tls=true` to the URI"),
        "a URI already asking for TLS is told to add `tls=true`:\n{said}"
    );
}

/// The same server closing each connection at once, the URI asking for TLS by naming its CA
/// (`tlsCAFile=…`, which turns TLS on in the driver as `tls=true` does, as MongoDB's URI
/// options say): the line still says "if it takes TLS connections only, add `tls=true` to the
/// URI", advice that cannot help a connection already over TLS, rather than the access list or
/// proxy said to a URI holding `tls=true`.
#[test]
fn a_server_closing_connections_made_over_tls_by_tls_ca_file_is_not_answered_with_advice_to_add_tls()
 {
    let port = closing_server();
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let uri = format!(
        "mongodb://127.0.0.1:{port}/?tlsCAFile={}&serverSelectionTimeoutMS=3000",
        dir.path().join("ca.pem").display()
    );
    let said = status_of(dir.path(), &uri, &[]);
    assert!(said.contains("MongoDB: UNAVAILABLE"), "{said}");
    assert!(
        said.contains("closed each connection at once"),
        "the server closing each connection is said so: {said}"
    );
    assert!(
        !said.contains("add `tls=true` to the URI"),
        "a URI already over TLS (tlsCAFile) is told to add `tls=true`:\n{said}"
    );
}

/// `SSL_CERT_FILE` naming a folder (the laboratory's CA in it, the variable mistaken for
/// `SSL_CERT_DIR`): the README says the file `SSL_CERT_FILE` names, "one that cannot be read
/// is said, naming it", and a file that is not there is said so. A folder cannot be read as a
/// bundle either, but it passes the check (a folder opens), the driver finds no certificate in
/// it, and MongoDB's certificate is refused as signed by no CA this machine trusts, the
/// variable and the folder unnamed.
#[test]
fn ssl_cert_file_naming_a_folder_is_said_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let certs = ca_in_a_folder(dir.path());
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_FILE", &certs)]);
    assert!(said.contains("MongoDB: UNAVAILABLE"), "{said}");
    assert!(
        said.contains("SSL_CERT_FILE") && said.contains(&certs.display().to_string()),
        "SSL_CERT_FILE naming a folder is not said, naming it:\n{said}"
    );
}

/// `SSL_CERT_FILE` naming the laboratory's CA saved with a UTF-8 byte-order mark (Windows
/// PowerShell 5's `Out-File -Encoding utf8`, older Notepad): the check finds
/// `-----BEGIN CERTIFICATE-----` in it and passes it to the driver, whose PEM reader takes a
/// section only from a line beginning with `-----BEGIN `, so the one certificate is skipped and
/// the driver trusts no CA at all: MongoDB's certificate is refused as signed by no CA this
/// machine trusts, neither the variable nor its file named, where a file of no certificate is
/// said naming them. Either the CA is trusted, or the file is named.
#[test]
fn ssl_cert_file_with_a_byte_order_mark_is_trusted_or_said_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let pem = std::fs::read(dir.path().join("ca.pem")).expect("ca.pem");
    let bundle = dir.path().join("laboratory-bom.pem");
    std::fs::write(&bundle, [b"\xEF\xBB\xBF".as_slice(), &pem].concat()).expect("bundle");
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_FILE", &bundle)]);
    let trusted = said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port));
    assert!(
        trusted || (said.contains("SSL_CERT_FILE") && said.contains("laboratory-bom.pem")),
        "a CA file the driver reads no certificate from is neither trusted nor named:\n{said}"
    );
}

/// `SSL_CERT_DIR` naming a folder that holds no PEM certificate: the laboratory's CA exported
/// as DER (`lab-ca.cer`, as Windows and many CA portals hand it out). The README: "the folders
/// `SSL_CERT_DIR` names when either is set (one that cannot be read is said, naming it)", and
/// `SSL_CERT_FILE` naming a file of no certificate is said ("which holds no PEM certificate").
/// Here nothing is said of the folder: the driver's compiled-in roots are used instead, and
/// MongoDB's certificate is refused as "signed by no CA this machine trusts, nor by the one the
/// URI's `tlsCAFile` names", a `tlsCAFile` the URI does not have, neither `SSL_CERT_DIR` nor
/// its folder named.
#[test]
fn ssl_cert_dir_naming_a_folder_of_no_pem_certificate_is_said_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).expect("certs folder");
    std::fs::copy(dir.path().join("ca.der"), certs.join("lab-ca.cer")).expect("the CA as DER");
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_DIR", &certs)]);
    assert!(said.contains("MongoDB: UNAVAILABLE"), "{said}");
    assert!(
        said.contains("SSL_CERT_DIR") && said.contains(&certs.display().to_string()),
        "SSL_CERT_DIR naming a folder of no PEM certificate is not said, naming it:\n{said}"
    );
    assert!(
        !said.contains("tlsCAFile"),
        "the URI names no `tlsCAFile`, yet the line blames one:\n{said}"
    );
}

/// Another CA, self-signed, as PEM: one of the many a machine's bundle or folder holds.
fn another_ca_pem() -> String {
    let key = KeyPair::generate().expect("a CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "some other root CA");
    ca.self_signed(&key).expect("the CA's certificate").pem()
}

/// The laboratory's CA, saved with a UTF-8 byte-order mark (as the test above), added to a
/// bundle the usual way, `cat lab-ca.pem >> bundle.pem`: the mark now begins the line of its
/// `-----BEGIN CERTIFICATE-----`, in the middle of the file. The check reads a mark at the
/// file's start only and finds other lines beginning a certificate, so the bundle is handed to
/// the driver, whose PEM reader skips the laboratory's CA; MongoDB's certificate is then
/// refused as "signed by no CA this machine trusts (SSL_CERT_FILE, …): add its CA there",
/// though it is there, and the file is not named.
#[test]
fn a_ca_appended_to_a_bundle_with_a_byte_order_mark_is_trusted_or_said_naming_the_bundle() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let pem = std::fs::read(dir.path().join("ca.pem")).expect("ca.pem");
    let bundle = dir.path().join("laboratory-bundle.pem");
    std::fs::write(
        &bundle,
        [another_ca_pem().as_bytes(), b"\xEF\xBB\xBF", &pem].concat(),
    )
    .expect("bundle");
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_FILE", &bundle)]);
    let trusted = said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port));
    assert!(
        trusted || said.contains("laboratory-bundle.pem"),
        "a CA of the bundle the driver reads no certificate from is neither trusted nor the bundle named:\n{said}"
    );
}

/// The same CA file with a byte-order mark named by `SSL_CERT_FILE`, on a machine that also
/// sets `SSL_CERT_DIR` (to its folder of CAs, as many images and toolchains export both): the
/// mark is said only when `SSL_CERT_DIR` is unset, so here the driver is handed the certificates
/// read from both without the laboratory's, and MongoDB's certificate is refused as "signed by
/// no CA this machine trusts (SSL_CERT_FILE, SSL_CERT_DIR, …): add its CA there", the file
/// holding it not named.
#[test]
fn ssl_cert_file_with_a_byte_order_mark_beside_ssl_cert_dir_is_trusted_or_said_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let pem = std::fs::read(dir.path().join("ca.pem")).expect("ca.pem");
    let bundle = dir.path().join("laboratory-bom.pem");
    std::fs::write(&bundle, [b"\xEF\xBB\xBF".as_slice(), &pem].concat()).expect("bundle");
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).expect("certs folder");
    std::fs::write(certs.join("other.pem"), another_ca_pem()).expect("another CA");
    let front = tls_front(dir.path());
    let said = status_with(
        dir.path(),
        &front,
        "",
        &[("SSL_CERT_FILE", &bundle), ("SSL_CERT_DIR", &certs)],
    );
    let trusted = said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port));
    assert!(
        trusted || said.contains("laboratory-bom.pem"),
        "a CA file the driver reads no certificate from is neither trusted nor named when SSL_CERT_DIR is set:\n{said}"
    );
}

/// A bundle saved with a byte-order mark whose first line is not a certificate but a comment
/// naming it (`# Laboratory CA`, as bundles often begin, or the `subject=` line `openssl x509`
/// prints): the mark hides nothing from the driver, whose PEM reader skips that line whatever
/// it holds and reads the certificate on the next. The bundle is refused all the same, said
/// to begin with a mark "which hides its first certificate from the driver", which is false.
#[test]
fn a_bundle_beginning_with_a_byte_order_mark_before_a_comment_line_is_trusted() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let pem = std::fs::read(dir.path().join("ca.pem")).expect("ca.pem");
    let bundle = dir.path().join("laboratory-commented.pem");
    std::fs::write(
        &bundle,
        [b"\xEF\xBB\xBF# Laboratory CA\n".as_slice(), &pem].concat(),
    )
    .expect("bundle");
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_FILE", &bundle)]);
    assert!(
        said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port)),
        "a bundle whose certificate the driver reads is refused:\n{said}"
    );
}

/// The laboratory's CA saved with a UTF-8 byte-order mark (as above), put in the folder of CAs
/// `SSL_CERT_DIR` names, beside another CA. The README: the CAs are found in "the file
/// `SSL_CERT_FILE` names and the folders `SSL_CERT_DIR` names … (one that … holds one the driver
/// would skip, after a byte-order mark or indented, is said, naming it)". Only `SSL_CERT_FILE`
/// is checked so: the folder's files are read as they are, the laboratory's CA skipped without
/// a word, and MongoDB's certificate is refused as "signed by no CA this machine trusts
/// (SSL_CERT_FILE, SSL_CERT_DIR, …): add its CA there", though it is there, its file not named.
#[test]
fn a_ca_with_a_byte_order_mark_in_ssl_cert_dir_is_trusted_or_said_naming_its_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let pem = std::fs::read(dir.path().join("ca.pem")).expect("ca.pem");
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).expect("certs folder");
    std::fs::write(certs.join("other.pem"), another_ca_pem()).expect("another CA");
    std::fs::write(
        certs.join("laboratory-bom.pem"),
        [b"\xEF\xBB\xBF".as_slice(), &pem].concat(),
    )
    .expect("the CA with a mark");
    let front = tls_front(dir.path());
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_DIR", &certs)]);
    let trusted = said.contains(&format!("MongoDB: mongodb://127.0.0.1:{}", front.port));
    assert!(
        trusted || said.contains("laboratory-bom.pem"),
        "a CA in SSL_CERT_DIR the driver reads no certificate from is neither trusted nor named:\n{said}"
    );
    // The folder's only CA: said as skipped, not as a folder of no PEM certificate.
    std::fs::remove_file(certs.join("other.pem")).expect("remove the other CA");
    let said = status_with(dir.path(), &front, "", &[("SSL_CERT_DIR", &certs)]);
    assert!(
        said.contains(
            "laboratory-bom.pem, whose certificate the driver does not read (a byte-order mark"
        ) && !said.contains("DER"),
        "{said}"
    );
}

/// An API whose certificate no CA here trusts (a laboratory's own CA, or a captive portal's
/// certificate for its own name): besides the collector's failure line, which says why, the
/// certificate checker wrote its own `ERROR failed to verify TLS certificate` at each attempt,
/// five lines a run at ERROR level, which log shippers count as errors of their own (found by
/// the student on captive-portal networks).
#[test]
fn a_certificate_refused_by_the_collector_is_said_once_not_again_by_the_checker() {
    let dir = tempfile::tempdir().expect("temp dir");
    laboratory_ca(dir.path());
    let front = tls_front(dir.path());
    std::fs::write(
        dir.path().join("sources.toml"),
        format!(
            "[[source]]\nname = \"feed\"\nkind = \"http_json\"\nurl = \"https://127.0.0.1:{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n",
            front.port
        ),
    )
    .expect("sources.toml");
    // The API is reached directly, as on a machine without a proxy: a proxy the tests' own
    // environment names (`HTTPS_PROXY`, set to reach PyPI) would answer in its place.
    let mut collector = Command::new(testkit::binary("collector"));
    for proxy in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        collector.env_remove(proxy);
    }
    let output = collector
        .current_dir(dir.path())
        .args(["--force"])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .env("COLLECTOR_BACKOFF_MS", "10")
        .env("RUST_LOG", "info")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("source `feed` failed") && stderr.contains("certificate"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("failed to verify TLS certificate"),
        "the checker's own ERROR lines beside the collector's: {stderr}"
    );
}
