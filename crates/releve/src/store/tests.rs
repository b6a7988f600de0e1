use super::*;

#[test]
fn an_unreachable_server_is_explained_by_its_cause() {
    assert_eq!(
        why_unreachable("SCRAM failure: invalid server response"),
        Unreachable::Login
    );
    assert_eq!(
        why_unreachable(
            "Server selection timeout: ... Address: authentication-db.internal:27017 ... Connection refused (os error 111)"
        ),
        Unreachable::Because("connection refused"),
        "a host name is not a cause"
    );
    for (text, why) in [
        (
            "Server selection timeout: No available servers. Topology: { Type: Unknown, Servers: [ { Address: nosuchhost.invalid:27017, Type: Unknown, Error: Kind: I/O error: failed to lookup address information: Name or service not known, labels: {} } ] }",
            "the host name does not resolve",
        ),
        (
            "Server selection timeout: ... I/O error: Connection refused (os error 111)",
            "connection refused",
        ),
        (
            "Server selection timeout: No available servers",
            "no server answered in time",
        ),
        // rustls's words, as the driver gives them: the certificate's name, its issuer.
        (
            "Server selection timeout: ... Error: Kind: I/O error: invalid peer certificate: certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"db.example.org\")",
            "the TLS handshake failed: the server's certificate is not made for the host name the URI gives; give the name it is made for",
        ),
        // `?replicaSet=rs0` on a single server, as the driver says it.
        (
            "Kind: Server selection timeout: No available servers. Topology: { Type: ReplicaSetNoPrimary, Set Name: rs0 }, labels: {}",
            "the server answered, but not as a member of the replica set the URI names; for a single server, remove `replicaSet` from the URI",
        ),
        (
            "Server selection timeout: No available servers. Topology: { Type: ReplicaSetNoPrimary, Set Name: rs0, Servers: [ { Address: a:27017, Type: RsSecondary } ] }",
            "the replica set has no primary now",
        ),
        (
            "Server selection timeout: No available servers. Topology: { Type: ReplicaSetNoPrimary, Set Name: rs0, Servers: [ { Address: a:27017, Type: Unknown, Error: Kind: I/O error: timed out } ] }",
            "no server answered in time",
        ),
    ] {
        assert_eq!(why_unreachable(text), Unreachable::Because(why), "{text}");
    }
}

/// A `mongodb+srv://` URI is resolved through DNS first: a lookup that fails or times out is
/// said as such, not as a server that did not answer or none usable (the driver's words, as it
/// says them for a name without SRV records and for a resolver that does not answer).
#[test]
fn a_failed_srv_lookup_is_said_as_a_dns_failure() {
    for text in [
        "An error occurred during DNS resolution: request timed out",
        "An error occurred during DNS resolution: DNS error: no records found for Query { name: Name(\"_mongodb._tcp.cluster0.example.\"), query_type: SRV, query_class: IN }",
    ] {
        match why_unreachable(text) {
            Unreachable::Because(why) => assert!(
                why.contains("DNS") || why.contains("resolve"),
                "{text}: said as `{why}`"
            ),
            other => panic!("{text}: taken for {other:?}"),
        }
    }
}

/// A certificate signed by no CA trusted: the CAs it was checked against are the `tlsCAFile`'s
/// when the URI names one, else the machine's (the README audit found `tlsCAFile` blamed where
/// the URI had none).
/// What the driver reads of TLS in `uri`.
async fn tls_of(uri: &str) -> TlsAsked {
    TlsAsked::of(&ClientOptions::parse(uri).await.expect("a URI"))
}

#[tokio::test]
async fn a_certificate_of_no_ca_trusted_names_the_cas_it_was_checked_against() {
    let text = "Server selection timeout: ... Error: Kind: I/O error: invalid peer certificate: UnknownIssuer";
    assert_eq!(why_unreachable(text), Unreachable::UnknownIssuer);
    let machine = signed_by_no_ca_trusted(tls_of("mongodb://db.example.org/?tls=true").await);
    assert!(
        machine.contains("SSL_CERT_FILE, SSL_CERT_DIR") && machine.contains("add its CA there"),
        "{machine}"
    );
    let named =
        signed_by_no_ca_trusted(tls_of("mongodb://db.example.org/?tlsCAFile=/etc/lab.pem").await);
    assert!(
        named.contains("of the file the URI's `tlsCAFile` names"),
        "{named}"
    );
}

/// A server closing each connection at once: asked for TLS or not, the advice differs (the
/// review found `tls=true` advised to a URI holding it).
#[tokio::test]
async fn a_connection_closed_at_once_is_said_with_the_advice_its_uri_needs() {
    let text = "Server selection timeout: … Error: Kind: I/O error: Connection reset by peer (os error 104)";
    assert_eq!(why_unreachable(text), Unreachable::Closed);
    assert!(closed_at_once(tls_of("mongodb://db.example.org/").await).contains("add `tls=true`"));
    // A `mongodb+srv://` URI, which the driver reads with TLS on, is resolved as it is read.
    for tls in [
        "mongodb://db.example.org/?tls=true",
        "mongodb://db.example.org/?tlsInsecure=true",
        "mongodb://db.example.org/?SSL=true",
        "mongodb://db.example.org/?tlsCAFile=/etc/ssl/lab.pem",
    ] {
        let said = closed_at_once(tls_of(tls).await);
        assert!(
            !said.contains("add `tls=true`") && said.contains("access list"),
            "{tls}: {said}"
        );
    }
}

/// A URI given where a database's name goes (or quoted by clap where no URI was expected) is
/// said without its password.
#[test]
fn a_uri_quoted_in_a_message_never_shows_its_password() {
    let uri = "mongodb://phd:Zebra%40Qu@db.example.org/phd?authSource=admin";
    let err = check_database_name(uri).expect_err("not a database name");
    assert!(!err.to_string().contains("Zebra"), "{err}");
    assert_eq!(
        redact_uris(&format!(
            "unexpected argument '{uri}' found, then `{uri}` and {uri}"
        )),
        "unexpected argument 'mongodb://***@db.example.org/phd?authSource=admin' found, then `mongodb://***@db.example.org/phd?authSource=admin` and mongodb://***@db.example.org/phd?authSource=admin"
    );
    assert_eq!(redact_uris("no URI here"), "no URI here");
    // A message quoting a URI redacted already, its text going on with an `@`: kept whole,
    // as failure lines redact every message again.
    let said = "MongoDB URI mongodb://***@db.example.org/ is invalid: write `@` as %40";
    assert_eq!(redact_uris(said), said);
    // A source's URL, the API's words going on with a contact address: only credentials
    // within its host part are hidden.
    let said = "GET https://api.example.org/v1/offres: HTTP 401: write to api@example.org";
    assert_eq!(redact_uris(said), said);
    assert_eq!(
        redact_uris("GET https://bob:pw@api.example.org/x failed"),
        "GET https://***@api.example.org/x failed"
    );
    // A MongoDB URI whose first word holds its host (a path, a port) ends there: a later `@`
    // (a home folder named by a login's address) is no password's end (found by the review of
    // this stop's fixes).
    for said in [
        "MongoDB at mongodb://db.lab.fr/phd is unreachable; raw in /home/alice@lab/raw",
        "MongoDB at mongodb://127.0.0.1:60389 is unreachable; raw in /home/alice@lab/raw",
    ] {
        assert_eq!(redact_uris(said), said);
    }
    // One whose first word holds `user:` and no host runs on to its `@`.
    assert_eq!(
        redact_uris("given mongodb://alice:correct horse@db.example.org/x here"),
        "given mongodb://***@db.example.org/x here"
    );
    assert_eq!(
        redact_uris("mail ops@lab.fr: 'alice:Zebra42@db.example.org' found"),
        "mail ops@lab.fr: '***@db.example.org' found"
    );
}

#[test]
fn credentials_never_reach_messages() {
    assert_eq!(
        redact("mongodb://alice:s3cret@db.example:27017/x"),
        "mongodb://***@db.example:27017/x"
    );
    assert_eq!(
        redact("mongodb+srv://u:p@cluster0.example/"),
        "mongodb+srv://***@cluster0.example/"
    );
    assert_eq!(
        redact("mongodb://127.0.0.1:27017"),
        "mongodb://127.0.0.1:27017"
    );
    assert_eq!(
        redact("mongodb://127.0.0.1:1/?tlsCertificateKeyFilePassword=S3cret&replicaSet=rs0"),
        "mongodb://127.0.0.1:1/?tlsCertificateKeyFilePassword=***&replicaSet=rs0"
    );
    assert_eq!(
        redact(
            "mongodb://u:p@h/db?authSource=admin;authMechanismProperties=AWS_SESSION_TOKEN:S3cret"
        ),
        "mongodb://***@h/db?authSource=admin;authMechanismProperties=***"
    );
    assert_eq!(
        redact("mongodb://u:pa?ss@h/db"),
        "mongodb://***@h/db",
        "a password holding `?` is hidden whole"
    );
    for without_scheme in ["releve:S3cret@db:27017", "mongodb:/releve:S3cret@db:27017"] {
        assert_eq!(redact(without_scheme), "***@db:27017", "{without_scheme}");
    }
}

#[test]
fn a_database_name_mongodb_refuses_is_named_before_connecting() {
    for good in ["releve", "releve_demo", "t1-typo"] {
        assert!(check_database_name(good).is_ok(), "{good}");
    }
    assert_eq!(
        check_database_name("a.b").map_err(|err| err.to_string()),
        Err("--database `a.b` is not a MongoDB database name: it cannot hold `/`, `\\`, `.`, a space, `\"` or `$`".to_owned())
    );
    for bad in ["", "a/b", "x$y", "a b", &"x".repeat(64)] {
        assert!(check_database_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_unreadable_reply_is_said_without_the_nested_errors_fields() {
    assert_eq!(
        without_nested_fields(
            "The server returned an invalid reply to a database operation: error deserializing command error: Kind: missing field `code`, labels: {}, source: None, server response: None"
        ),
        "The server returned an invalid reply to a database operation: error deserializing command error: missing field `code`"
    );
}

#[test]
fn a_run_document_reads_back_as_the_readers_read_it() {
    let started = chrono::DateTime::parse_from_rfc3339("2026-11-30T23:10:00.250Z")
        .expect("time")
        .with_timezone(&Utc);
    let metrics = RunMetrics {
        window_parts: Some(3),
        scheduled_from: None,
        source: "france-travail-offres".to_owned(),
        kind: "france_travail".to_owned(),
        file: None,
        started,
        finished: started + chrono::TimeDelta::seconds(40),
        duration_ms: Some(40_000),
        http_calls: Some(300),
        retries: Some(2),
        throttled: Some(1),
        announced: Some(40_000),
        records: 39_998,
        coverage: Some(0.99995),
        shortfall: 2,
        key_clashes: 3,
        clash_key: None,
        error: Some("HTTP 503".to_owned()),
        day: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
        every_s: Some(86_400),
        disabled_from: Some(started - chrono::TimeDelta::days(3)),
        retry_from: Some(started + chrono::TimeDelta::minutes(15)),
    };
    let document = run_document(&metrics).expect("a runs document");
    // Counts are 64-bit integers, as the README says, the parts of a window too.
    assert_eq!(
        (document.get("records"), document.get("window_parts")),
        (
            Some(&bson::Bson::Int64(39_998)),
            Some(&bson::Bson::Int64(3))
        )
    );
    let read: StoredRun = bson::from_document(document).expect("read back");
    assert_eq!(
        read,
        StoredRun {
            scheduled_from: None,
            source: metrics.source.clone(),
            started: bson_date(started),
            finished: Some(bson_date(metrics.finished)),
            file: metrics.file.clone(),
            records: 39_998,
            announced: Some(40_000),
            retries: Some(2),
            throttled: Some(1),
            shortfall: 2,
            coverage: Some(0.99995),
            key_clashes: 3,
            clash_key: None,
            error: Some("HTTP 503".to_owned()),
            day: metrics.day,
            every_s: Some(86_400),
            disabled_from: Some(bson_date(started - chrono::TimeDelta::days(3))),
            retry_from: Some(bson_date(started + chrono::TimeDelta::minutes(15))),
        }
    );
    assert_eq!(read.ended(), metrics.finished);

    // A run that did not finish: its calls and length unknown, null in `runs`, read as such.
    let killed = RunMetrics {
        duration_ms: None,
        http_calls: None,
        retries: None,
        throttled: None,
        ..metrics.clone()
    };
    let document = run_document(&killed).expect("a runs document");
    assert_eq!(document.get("http_calls"), Some(&bson::Bson::Null));
    assert_eq!(document.get("duration_ms"), Some(&bson::Bson::Null));
    let read: StoredRun = bson::from_document(document).expect("read back");
    assert_eq!((read.retries, read.throttled), (None, None));

    // An API may announce any total (`Content-Range: offres 0-149/2000000000000`): the run is
    // still one the readers read, stored without it, not one `analyser status` and the report
    // leave out as a document relevé does not write (found at stop 57).
    let announced = 2_000_000_000_000_u64;
    let past_any = RunMetrics {
        announced: Some(announced),
        coverage: Some(39_998.0 / announced as f64),
        shortfall: announced - 39_998,
        ..metrics
    };
    let document = run_document(&past_any).expect("a runs document");
    let read: StoredRun = bson::from_document(document).expect("read back");
    assert_eq!((read.announced, read.shortfall), (None, 0));
}

#[test]
fn writers_wait_for_a_majority_unless_the_uri_says_otherwise() {
    let uri = "mongodb://alice:s3cret@h1,h2/?replicaSet=rs0";
    let mut secondary = ClientOptions::default();
    secondary.selection_criteria = Some(SelectionCriteria::ReadPreference(
        ReadPreference::Secondary {
            options: Default::default(),
        },
    ));
    let default = for_writers(secondary, uri).expect("writer options");
    let concern = default.write_concern.expect("a write concern");
    assert_eq!(concern.w, Some(Acknowledgment::Majority));
    assert_eq!(
        concern.w_timeout,
        Some(Duration::from_secs(60)),
        "a set short of members fails the run instead of hanging it"
    );
    assert_eq!(
        default.selection_criteria,
        Some(SelectionCriteria::ReadPreference(ReadPreference::Primary)),
        "the summariser reads its own writes"
    );

    let with = |w: u32| {
        let mut options = ClientOptions::default();
        options.write_concern = Some(WriteConcern::nodes(w));
        for_writers(options, uri)
    };
    let own = with(1).expect("writer options").write_concern;
    assert_eq!(
        own.map(|concern| (concern.w, concern.w_timeout)),
        Some((Some(Acknowledgment::Nodes(1)), Some(WRITE_WAIT))),
        "the URI's own `w` is kept"
    );
    let mut journaled = ClientOptions::default();
    journaled.write_concern = Some(
        WriteConcern::builder()
            .journal(true)
            .w_timeout(Duration::from_secs(5))
            .build(),
    );
    let concern = for_writers(journaled, uri)
        .expect("writer options")
        .write_concern
        .expect("a write concern");
    assert_eq!(
        (concern.w, concern.journal, concern.w_timeout),
        (
            Some(Acknowledgment::Majority),
            Some(true),
            Some(Duration::from_secs(5))
        ),
        "`journal` or `wtimeoutMS` alone keep the majority"
    );
    let refused = with(0).expect_err("w=0 refused").to_string();
    assert!(refused.contains("unacknowledged writes (w=0)"), "{refused}");
    assert!(!refused.contains("s3cret"), "{refused}");
}

/// A MongoDB down makes a run fail in seconds, not after the driver's 30 s default; a URI's
/// own timeouts are kept.
#[tokio::test]
async fn an_unreachable_server_is_given_up_after_seconds_unless_the_uri_says_otherwise() {
    let options = client_options("mongodb://127.0.0.1:1", "releve")
        .await
        .expect("options");
    assert_eq!(
        (options.server_selection_timeout, options.connect_timeout),
        (Some(CONNECT_TIMEOUT), Some(CONNECT_TIMEOUT))
    );
    assert_eq!(CONNECT_TIMEOUT, Duration::from_secs(3));
    let options = client_options(
        "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=20000&connectTimeoutMS=15000",
        "releve",
    )
    .await
    .expect("options");
    assert_eq!(
        (options.server_selection_timeout, options.connect_timeout),
        (Some(Duration::from_secs(20)), Some(Duration::from_secs(15)))
    );
}

#[tokio::test]
async fn a_uri_the_driver_refuses_never_quotes_the_password() {
    for (uri, secret) in [
        (
            "mongodb://releve:Xy7?kQ2p@db.example.org:27017/?authSource=admin",
            "Xy7",
        ),
        ("mongodb://u:SECRET/?x=@db.example.org", "SECRET"),
        ("mongodb://releve:Pa/ss@db.example.org/", "Pa"),
        ("mongodb://u:pw?authSource=@db.example.org", "pw"),
        ("mongodb://admin:s3cretX/db", "s3cretX"),
        (
            "mongodb://admin:s3cretX/db?tlsCertificateKeyFilePassword=K3yPass",
            "K3yPass",
        ),
    ] {
        let err = client_options(uri, "releve")
            .await
            .expect_err("the driver refuses it");
        let text = err.to_string();
        assert!(!text.contains(secret), "{uri}: {text}");
        assert!(text.starts_with("MongoDB URI mongodb://***"), "{text}");
        assert!(text.contains("encoded"), "what to do: {text}");
    }
    let err = client_options("mongodb://127.0.0.1:99999", "releve")
        .await
        .expect_err("a port past 65535");
    assert!(
        !err.to_string().contains("percent-encoded"),
        "a URI without credentials keeps the driver's words: {err}"
    );
}

/// A clock set a month ahead would date every landed record past `keep_days`: a writer stops,
/// saying both clocks and how far apart they are; a few minutes apart is no fault.
#[test]
fn clocks_far_apart_stop_a_writer_naming_both() {
    let server = DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z")
        .expect("a time")
        .with_timezone(&Utc);
    assert!(clocks_close(server + chrono::TimeDelta::minutes(59), server).is_ok());
    assert!(clocks_close(server - chrono::TimeDelta::minutes(5), server).is_ok());
    let ahead =
        clocks_close(server + chrono::TimeDelta::days(30), server).map_err(|err| err.to_string());
    assert_eq!(
        ahead,
        Err("the clock here reads 2027-01-01 10:00:00 UTC and MongoDB's 2026-12-02 10:00:00 UTC, 30 days apart: set the wrong one right; nothing was read or written, as records would be dated against the wrong clock (and those it puts past `keep_days` skipped for good)".to_owned())
    );
    let behind = clocks_close(server - chrono::TimeDelta::minutes(125), server)
        .map_err(|err| err.to_string())
        .expect_err("two hours behind");
    assert!(behind.contains(", 2 h 5 min apart:"), "{behind}");
}

/// A gap is rounded to what it says, not cut: a few seconds short of three days reads "3 days",
/// a few seconds short of an hour "1 h", and a whole hour carries no "0 min".
#[test]
fn a_gap_between_clocks_is_rounded_to_its_last_unit() {
    let gap = |seconds| super::clocks_apart(chrono::TimeDelta::seconds(seconds));
    assert_eq!(gap(3 * 86_400 - 5), "3 days");
    assert_eq!(gap(-(3 * 86_400 - 5)), "3 days");
    assert_eq!(gap(86_400 + 2 * 3600 + 40 * 60), "1 day 3 h");
    assert_eq!(gap(3600 - 3), "1 h");
    assert_eq!(gap(2 * 3600 + 5 * 60 + 20), "2 h 5 min");
    assert_eq!(gap(5 * 60 + 40), "6 min");
    assert_eq!(gap(86_400 - 10), "1 day");
    assert_eq!(
        gap(86_400 + 29 * 60 + 31),
        "1 day",
        "rounded once, from the seconds"
    );
}

#[test]
fn a_connection_broken_halfway_is_said_so() {
    let broken =
        mongodb::error::Error::from(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
    let said = StoreError::command("lookup of `usgs` records")(broken).to_string();
    assert!(
        said.starts_with("MongoDB lookup of `usgs` records failed: I/O error")
            && said.ends_with("(the connection to MongoDB broke: did the server stop or restart?)"),
        "{said}"
    );
}

/// A user without the `readWrite` role (a colleague's read-only user given to the summariser)
/// is told which role the summariser needs.
#[test]
fn a_write_refused_for_want_of_a_role_says_the_role_needed() {
    let refused: mongodb::error::CommandError = mongodb::bson::from_document(mongodb::bson::doc! {
        "code": 13,
        "codeName": "Unauthorized",
        "errmsg": "not authorized on phd_releve to execute command { createIndexes: \"hourly\" }",
    })
    .expect("a command error");
    let err = mongodb::error::Error::from(mongodb::error::ErrorKind::Command(refused));
    let said = StoreError::command("index creation on `hourly`")(err).to_string();
    assert!(
        said.starts_with("MongoDB index creation on `hourly` failed: ")
            && said.ends_with(
                "the summariser needs the `readWrite` role on its database, the analyser `read`"
            ),
        "{said}"
    );
}

/// The URI's path is percent-encoded, as mongosh and the driver read it (the driver logs in
/// to `thèse` when the URI sets no `authSource`): the database written is that one, not one
/// named with the `%` escapes.
#[test]
fn a_percent_encoded_database_in_the_uri_is_the_one_mongodb_s_tools_use() {
    assert_eq!(
        uri_database("mongodb://phd:pw@db.example.org/th%C3%A8se?authSource=admin").as_deref(),
        Some("thèse")
    );
    assert_eq!(
        uri_database("mongodb://db.example.org/phd%5Fdb").as_deref(),
        Some("phd_db")
    );
}

/// A query value holding `@`, as a client key's path does in a home folder named by the
/// login's address (`/home/alice@univ.fr`, as SSSD names them on a university's machines):
/// the database is still the URI's path, the one the driver logs in to and MongoDB's tools
/// use, not `releve` (found by the review of stop 55).
#[test]
fn an_at_sign_in_the_uri_s_options_leaves_the_database_of_its_path() {
    let uri = "mongodb://phd:pw@db.univ.fr/phd_db?tls=true&tlsCertificateKeyFile=/home/alice@univ.fr/releve/client.pem";
    let driver = mongodb::options::ConnectionString::parse(uri).expect("the driver reads it");
    assert_eq!(driver.default_database.as_deref(), Some("phd_db"));
    assert_eq!(uri_database(uri).as_deref(), Some("phd_db"));
}

/// A password written as a port (`mongodb://admin:s3cret/db`) is answered with the form to
/// write, `mongodb://USER:PASSWORD@HOST`: every failure line now passes through
/// `redact_uris`, which must leave that advice as it is, not turn it into
/// `mongodb://***@HOST`, which no longer says where the user name and password go (found by
/// the review of stop 56's fixes).
#[tokio::test]
async fn the_advice_for_a_password_written_as_a_port_survives_the_failure_line() {
    let err = client_options("mongodb://admin:s3cretX/db", "releve")
        .await
        .expect_err("the driver refuses it");
    let line = crate::logging::shown(&err.to_string());
    assert!(!line.contains("s3cretX"), "{line}");
    assert!(line.contains("mongodb://USER:PASSWORD@HOST"), "{line}");
}

/// A password holding a space, its first word shaped as a host and port (`alice:2024 Summer`),
/// or holding a `/` or an `@` before the space (`pa/ss word`, `p@ss word`): the URI's first
/// word is then taken for its whole, and what follows the space, the rest of the password, is
/// shown in every line quoting it (`--source`, `--database`, a positional argument), the whole
/// password in the first case (found by the review of stop 56's fixes, second round).
#[test]
fn a_password_holding_a_space_is_hidden_whatever_its_first_word_holds() {
    for (uri, secret) in [
        ("mongodb://alice:2024 Summer@db.example.org/phd", "2024"),
        ("mongodb://alice:2024 Summer@db.example.org/phd", "Summer"),
        ("mongodb://alice:pa:12 xy@db.example.org/phd", "pa:12"),
        ("mongodb://alice:pa/ss word@db.example.org/phd", "ss word"),
        ("mongodb://alice:p@ss word@db.example.org/phd", "ss word"),
        (
            "mongodb+srv://alice:pa/ss word@cluster0.example.net/phd",
            "ss word",
        ),
    ] {
        let line = crate::logging::shown(&format!(
            "--database `{uri}` is not a MongoDB database name: it cannot hold `/`"
        ));
        assert!(!line.contains(secret), "{uri}: {line}");
        assert!(
            line.contains("@db.example.org/phd") || line.contains("@cluster0"),
            "{uri}: {line}"
        );
    }
}

/// Failure lines quoting a MongoDB URI as users mistype it (a password or a secret option's
/// value holding characters the README allows unencoded: spaces, `&`, `;`, `,`, quotes, an
/// `@`, digits first) never show a secret; each case was found shown by a review of stops 56
/// and 57, several after an earlier fix (the lines' hosts are kept where said).
#[test]
fn a_failure_line_never_shows_a_secret_of_a_mistyped_uri() {
    let cases: &[(&str, &[&str], &str)] = &[
        // A password of digits, a `/` and a space: its first word reads as host, port, path.
        (
            "MongoDB at mongodb://alice:2024/summer rain@db.example.org:27017/releve is unreachable (connection refused)",
            &["2024/summer", "rain"],
            "db.example.org:27017/releve",
        ),
        // A secret option left last, its value holding a space, an address further on.
        (
            "MongoDB at mongodb://db.example.org:27017/releve?tls=true&tlsCertificateKeyFilePassword=correct horse refused the connection: ask it-help@lab.example.org",
            &["correct", "horse"],
            "MongoDB at mongodb://db.example.org:27017/releve?tls=true&tlsCertificateKeyFilePassword=***",
        ),
        // A secret option's value holding an `@`, an `&` or a `;`.
        (
            "MongoDB at mongodb://db.example.org:27017/phd?tlsCertificateKeyFilePassword=Zeb@ra42pw&tls=true is unreachable",
            &["ra42pw"],
            "db.example.org:27017/phd?tlsCertificateKeyFilePassword=***&tls=true",
        ),
        (
            "MongoDB at mongodb://db.example.org:27017/phd?tlsCertificateKeyFilePassword=Zeb&ra42pw is unreachable",
            &["ra42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://db.example.org:27017/phd?tls=true;tlsCertificateKeyFilePassword=Zeb;ra42pw is unreachable",
            &["ra42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://db.example.org/phd?authMechanismProperties=AWS_SESSION_TOKEN:Zeb&ra42pw is unreachable",
            &["ra42pw"],
            "",
        ),
        // A URI missing a `/` of its scheme, with a secret option, alone or glued.
        (
            "MongoDB at mongodb:/db.example.org/phd?tlsCertificateKeyFilePassword=Zebra42pw is unreachable",
            &["Zebra42pw"],
            "",
        ),
        (
            "MONGO_URL=mongodb:/db.example.org/phd?tlsCertificateKeyFilePassword=Zebra42pw",
            &["Zebra42pw"],
            "",
        ),
        // A password and a key passphrase both holding a space.
        (
            "MongoDB at mongodb://alice:correct horse@db.example.org/phd?tlsCertificateKeyFilePassword=battery Zebra42pw is unreachable",
            &["correct", "horse", "battery", "Zebra42pw"],
            "",
        ),
        // A password holding a known option's `name=` after an `&` or `;`, or an `@` too.
        (
            "MongoDB at mongodb://alice:Zebra&tls=42pw@db.example.org:27017/phd is unreachable",
            &["42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://alice:Zebra;w=42pw@h1:27017,h2:27017/phd?replicaSet=rs0 is unreachable",
            &["42pw"],
            "",
        ),
        (
            "MongoDB at mongodb:/alice:Zebra&w=42pw@db.example.org/phd is unreachable",
            &["42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://alice:Zeb@ra&w=42pw@db.example.org/phd is unreachable",
            &["42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://alice@univ.fr:Zebra&w=42pw@db.example.org/phd is unreachable",
            &["42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://phd:2024/Zebra?w=42pw@db.example.org/phd is unreachable",
            &["42pw"],
            "",
        ),
        // Digits, a space, then a word ending a clause; `, ` or `; ` without a scheme.
        (
            "MongoDB at mongodb://alice:2024 Zebra, 42pw@db.example.org/phd is unreachable",
            &["Zebra", "42pw"],
            "",
        ),
        (
            "MongoDB at mongodb://phd:2024/Zebra horse. battery@db.example.org/phd is unreachable",
            &["Zebra", "battery"],
            "",
        ),
        (
            "MongoDB at alice:Zebra, 42pw@db.example.org/phd is unreachable",
            &["Zebra", "42pw"],
            "",
        ),
        (
            "MongoDB at mongodb:/alice:Zebra; 42pw@db.example.org/phd is unreachable",
            &["Zebra", "42pw"],
            "",
        ),
        (
            "MongoDB at mongodb:/alice:(Zebra) 42pw@db.example.org/phd is unreachable",
            &["Zebra", "42pw"],
            "",
        ),
        // A quoted URI whose secret value holds the quote.
        (
            "unexpected argument 'mongodb://db.example.org/phd?tlsCertificateKeyFilePassword=Zeb'ra42pw' found",
            &["ra42pw"],
            "",
        ),
        (
            "unexpected argument 'mongodb://db.example.org/phd?tlsCertificateKeyFilePassword=correct horse'ra42pw' found",
            &["ra42pw"],
            "",
        ),
    ];
    for (line, secrets, kept) in cases {
        let shown = crate::logging::shown(line);
        for secret in *secrets {
            assert!(!shown.contains(secret), "`{secret}` is shown: {shown}");
        }
        assert!(shown.contains(kept), "`{kept}` is lost: {shown}");
    }
    // `redact` alone too, of the URIs whose secret holds an `@`, `&` or `;`.
    for uri in [
        "mongodb://db.example.org:27017/phd?tlsCertificateKeyFilePassword=Zeb@ra42pw&tls=true",
        "mongodb://db.example.org/phd?authMechanismProperties=AWS_SESSION_TOKEN:Zeb&ra42pw",
        "mongodb://alice:Zebra&tls=42pw@db.example.org:27017/phd",
        "mongodb://alice:Zeb@ra&w=42pw@db.example.org/phd",
        "mongodb:/db.example.org/phd?tlsCertificateKeyFilePassword=Zebra42pw",
    ] {
        let shown = redact(uri);
        assert!(!shown.contains("42pw"), "{uri}: {shown}");
    }
}

/// Failure lines quoting a MongoDB URI without credentials are kept whole (a host, its port,
/// path and options, an address to ask further on, a client certificate in a folder named by
/// an address, the message after a quoted URI): each was found hidden or mangled by a review
/// of stops 56 and 57, the line reading as a URI of another host.
#[test]
fn a_failure_line_without_secrets_is_kept_whole() {
    for line in [
        "MongoDB at mongodb://[::1] is unreachable (connection refused); raw in /home/alice@lab/raw",
        "MongoDB at mongodb://db1:27017,db2 is unreachable (connection refused); raw in /home/alice@lab/raw",
        "MongoDB at `mongodb://localhost:27017/releve?replicaSet=rs0` did not answer within 30 s: is it running? Your administrator (it-help@lab.example.org) can tell",
        "MongoDB at mongodb://localhost:27017/releve?replicaSet=rs0 refused: ask it-help@lab.example.org",
        "MongoDB at mongodb://db.example.org:27017/phd refused: ask it-help@lab.example.org",
        "MongoDB at mongodb://db.example.org:27017 refused: ask it-help@lab.example.org",
        "MongoDB at mongodb://[::1]:27017/releve refused: ask it-help@lab.example.org",
        "MongoDB at mongodb://db.example.org:27017/phd?tls=true&tlsCertificateKeyFile=/home/alice@univ.fr/c.pem refused the connection: no such file",
    ] {
        assert_eq!(crate::logging::shown(line), line);
    }
    let uri = "mongodb://db.example.org:27017/phd?tls=true&tlsCertificateKeyFile=/home/alice@univ.fr/c.pem";
    assert_eq!(redact(uri), uri);
    for (line, said) in [
        (
            "--database `mongodb://db.example.org/phd?authMechanismProperties=AWS_SESSION_TOKEN:Zebra42pw` is not a MongoDB database name: it cannot hold `/`",
            "is not a MongoDB database name",
        ),
        (
            "unexpected argument 'mongodb://db.example.org/phd?tlsCertificateKeyFilePassword=Zebra42pw' found",
            "' found",
        ),
    ] {
        let shown = crate::logging::shown(line);
        assert!(!shown.contains("Zebra42pw"), "{shown}");
        assert!(shown.contains(said), "the message is gone: {shown}");
    }
}

/// An IPv6 address written into the URI without its brackets, as `ip -6 addr` prints it
/// (`mongodb://2001:db8::5:27017`, or `::1` for this machine): the driver's words ("the
/// hostname cannot be empty", "the port must be an integer … got db8::5:27017") do not say
/// what is wrong. The message says to put the address in brackets, the port after them.
#[tokio::test]
async fn an_ipv6_address_without_brackets_is_said_to_need_them() {
    for uri in [
        "mongodb://::1",
        "mongodb://fd00::5/releve",
        "mongodb://alice:pw@2001:db8::5:27017/?authSource=admin",
        "mongodb://[fd00::5]:27017,fd00::6:27017",
    ] {
        let said = check_usable(uri, "releve")
            .await
            .expect_err("an unbracketed IPv6 address")
            .to_string();
        assert!(
            said.contains("in brackets") && said.contains("mongodb://[::1]:27017"),
            "{uri}: {said}"
        );
        assert!(!said.contains("pw"), "{said}");
    }
}
