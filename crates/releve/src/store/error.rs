//! A MongoDB failure in words: the driver's error without its internals, why no server could
//! be used, and never the URI's credentials.

/// A MongoDB failure, with the URI's credentials removed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URI asks for what relevé's MongoDB client is built without (a Kerberos login, a
    /// compressor other than zlib): a valid URI, which another one must replace.
    #[error(
        "MongoDB URI {uri} asks for {asked}, which relevé's MongoDB client does not do: {instead}"
    )]
    Unsupported {
        /// The URI without credentials.
        uri: String,
        /// What it asks for, in words.
        asked: String,
        /// What to ask for instead.
        instead: String,
    },
    /// The URI is not a MongoDB connection string.
    #[error("MongoDB URI {uri} is invalid: {complaint}")]
    BadUri {
        /// The URI without credentials.
        uri: String,
        /// The driver's complaint, without any part of the credentials: when it would quote
        /// one, what most likely went wrong instead.
        complaint: String,
    },
    /// The URI asks writers not to wait for MongoDB's acknowledgement.
    #[error(
        "MongoDB URI {uri} asks for unacknowledged writes (w=0): the summariser deletes a landed \
         file only once MongoDB has acknowledged its records; remove `w=0`"
    )]
    Unacknowledged {
        /// The URI without credentials.
        uri: String,
    },
    /// The database name is one MongoDB cannot take.
    #[error(
        "{}: {why}",
        if *from_uri {
            format!("the MongoDB URI's path names the database `{name}`, which is not a MongoDB database name (name another there, or give --database)")
        } else {
            format!("--database `{name}` is not a MongoDB database name")
        }
    )]
    BadDatabase {
        /// The name as given, a URI in it redacted (a URI given there by mistake).
        name: String,
        /// What is wrong with it.
        why: &'static str,
        /// Whether the name is the URI's (its path's), no other given.
        from_uri: bool,
    },
    /// No server answered.
    #[error("MongoDB at {uri} is unreachable ({detail}): check the URI and that the server runs")]
    Unreachable {
        /// The URI without credentials.
        uri: String,
        /// The gist of the driver's complaint (its full text is logged at debug level).
        detail: String,
    },
    /// Over TLS, the certificates the machine trusts cannot be read or handed to the driver.
    #[error("MongoDB over TLS: {why}")]
    Untrusted {
        /// Why, naming the file, folder or setting.
        why: String,
    },
    /// A server answered the driver's handshakes but not a read within `waited` seconds.
    #[error(
        "MongoDB at {uri} did not answer within {waited} s: it may be overloaded, held by a lock or out of disk space; see its log"
    )]
    NoAnswer {
        /// The URI without credentials.
        uri: String,
        /// How long it was waited for, in seconds.
        waited: u64,
    },
    /// A server answered the driver's heartbeats but left an operation unanswered past the
    /// client's deadline (the URI's `socketTimeoutMS`, else `ANSWER_WAIT`).
    #[error(
        "MongoDB at {uri} left an operation unanswered for {}: it may be overloaded, held by a lock or out of disk space; see its log (the URI's socketTimeoutMS sets this wait, {} unless it does)",
        waited_for(*.waited),
        waited_for(super::ANSWER_WAIT)
    )]
    Unanswered {
        /// The URI without credentials.
        uri: String,
        /// How long it was waited for.
        waited: std::time::Duration,
    },
    /// The database holds nothing the summariser writes: a mistyped `--database` or URI would
    /// otherwise read as a database of relevé with no data (an empty report, a CSV of a header
    /// alone).
    #[error(
        "database `{database}` holds no relevé data (no `hourly` or `runs` collection): check --database and MONGODB_URI, and that the summariser has run"
    )]
    NoReleveData {
        /// The database name.
        database: String,
    },
    /// The database is summarised from another raw folder than the one the reader was given
    /// (`--raw-dir`): another installation's data (see [`super::installation`]).
    #[error("{0}")]
    OthersDatabase(Box<super::installation::Elsewhere>),
    /// The server refused the URI's credentials.
    #[error(
        "MongoDB at {uri} refused the login: check the user, password and authSource in the URI"
    )]
    LoginRefused {
        /// The URI without credentials.
        uri: String,
    },
    /// A command was answered with a write error.
    #[error("MongoDB refused the {action}: {}", advised(.reason.clone()))]
    Refused {
        /// What was being done.
        action: String,
        /// The server's message.
        reason: String,
    },
    /// A stored document does not have the shape relevé writes (edited by hand, or written by
    /// another program).
    #[error(
        "the `{collection}` document {document} does not have the shape relevé writes (see the \
         README's MongoDB documents): {why}"
    )]
    Misshapen {
        /// The collection read.
        collection: String,
        /// Which document: its source and hour or start, else its `_id`.
        document: String,
        /// What does not fit.
        why: String,
    },
    /// This machine's clock and MongoDB's are far apart: a writer stops before reading a file.
    #[error(
        "the clock here reads {} and MongoDB's {}, {} apart: set the wrong one right; nothing \
         was read or written, as records would be dated against the wrong clock (and those it \
         puts past `keep_days` skipped for good)",
        .here.format("%Y-%m-%d %H:%M:%S UTC"),
        .server.format("%Y-%m-%d %H:%M:%S UTC"),
        apart(*.here - *.server)
    )]
    ClocksApart {
        /// This machine's time.
        here: chrono::DateTime<chrono::Utc>,
        /// MongoDB's, from its `hello` answer.
        server: chrono::DateTime<chrono::Utc>,
    },
    /// A user refused relevé's default database, `releve`: most likely given another one, which
    /// neither the URI nor `--database` named.
    #[error("MongoDB {action} failed: {}; `releve` is relevé's default database, used when neither the URI's path nor --database names one: if this user was given another database, name it there (mongodb://host/NAME)", gist(.cause))]
    DefaultRefused {
        /// What was being done.
        action: String,
        /// The driver's complaint.
        cause: mongodb::error::Error,
    },
    /// An index on the keys of one of relevé's has other options (made by hand, or restored
    /// from another server): relevé cannot make its own beside it.
    #[error(
        "the `{collection}` index `{name}` on {keys} differs from the one relevé makes on those \
         keys: {what}; drop it (mongosh: db.{collection}.dropIndex(\"{name}\")) and run again, \
         relevé then makes its own"
    )]
    IndexDiffers {
        /// The collection indexed.
        collection: String,
        /// The index's name.
        name: String,
        /// The keys it indexes, relevé's.
        keys: String,
        /// How its options differ from relevé's.
        what: String,
    },
    /// Documents with the same keys keep MongoDB from making one of relevé's unique indexes
    /// (copied in by hand, or written while it was dropped).
    #[error(
        "`{collection}` holds documents with the same {fields}, which keep MongoDB from making \
         relevé's unique index on {keys} ({said}): find them (mongosh: {find}), delete all but \
         one of each and run again"
    )]
    DuplicatesBlockIndex {
        /// The collection indexed.
        collection: String,
        /// Its index's fields, in words.
        fields: String,
        /// The keys it indexes, relevé's.
        keys: String,
        /// MongoDB's words.
        said: String,
        /// The mongosh command finding the documents.
        find: String,
    },
    /// A command failed.
    #[error("MongoDB {action} failed: {}", gist(.cause))]
    Command {
        /// What was being done.
        action: String,
        /// The driver's complaint.
        cause: mongodb::error::Error,
    },
}

/// A wait in words: `5 min`, `90 s`, `2.5 s`.
fn waited_for(wait: std::time::Duration) -> String {
    match (wait.as_secs(), wait.subsec_millis()) {
        (secs, 0) if secs >= 60 && secs % 60 == 0 => format!("{} min", secs / 60),
        (secs, 0) => format!("{secs} s"),
        _ => format!("{} s", wait.as_secs_f64()),
    }
}

/// How far apart two clocks are, rounded to its last unit: `3 days`, `3 days 2 h`,
/// `1 h 12 min`, `2 h`, `5 min` (three days less a few seconds is `3 days`, not `2 days 23 h`).
pub fn apart(gap: chrono::TimeDelta) -> String {
    let seconds = gap.num_seconds().unsigned_abs();
    let minutes = seconds.saturating_add(30) / 60;
    if minutes < 1440 {
        return match (minutes / 60, minutes % 60) {
            (0, minutes) => format!("{minutes} min"),
            (hours, 0) => format!("{hours} h"),
            (hours, minutes) => format!("{hours} h {minutes} min"),
        };
    }
    // Rounded from the seconds, once: a day and 29 min 31 s is a day, not a day and 1 h.
    let hours = seconds.saturating_add(1800) / 3600;
    let days = match hours / 24 {
        1 => "1 day".to_owned(),
        days => format!("{days} days"),
    };
    match hours % 24 {
        0 => days,
        hours => format!("{days} {hours} h"),
    }
}

/// What a URI asks for that the driver is built without, said from its `authMechanism` or
/// `compressors` (per the driver's `complaint`), and what to ask for instead.
fn unsupported(uri: &str, complaint: &str) -> (String, String) {
    let option = |name: &str| {
        let (_, query) = super::uri_query(uri)?;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.eq_ignore_ascii_case(name).then(|| value.to_owned())
        })
    };
    let login = "ask the database's administrator for a user with a password (the default login, SCRAM: no authMechanism) or an X.509 certificate (authMechanism=MONGODB-X509, with tlsCertificateKeyFile)";
    if complaint.to_ascii_lowercase().contains("compress") {
        let asked = option("compressors").unwrap_or_default();
        return (
            format!("compressing its traffic with `{asked}`"),
            "it compresses with zlib alone: write compressors=zlib".to_owned(),
        );
    }
    let asked = match option("authMechanism").map(|m| m.to_ascii_uppercase()) {
        Some(m) if m == "GSSAPI" => "a Kerberos login (authMechanism=GSSAPI)".to_owned(),
        Some(m) if m == "MONGODB-AWS" => "an AWS IAM login (authMechanism=MONGODB-AWS)".to_owned(),
        Some(m) => format!("the login authMechanism={m}"),
        None => format!("what it is built without ({complaint})"),
    };
    (asked, login.to_owned())
}

/// The driver's error in words: a write error's message and code (not the driver's dump of
/// its structures), else its kind, without the fields of an error nested inside it
/// (`Kind: …, labels: {}, source: None, server response: None`), which its text adds when
/// a reply could not be read.
pub(super) fn gist(cause: &mongodb::error::Error) -> String {
    let words = driver_words(cause);
    // The server's code 13: a user with the `read` role, or one allowed another database.
    if unauthorized(cause) {
        format!(
            "{words}; the MongoDB user may not do this here: the summariser needs the `readWrite` role on its database, the analyser `read`"
        )
    } else {
        advised(words)
    }
}

/// The server's `words`, with what to do when they tell of a known cause: MongoDB Atlas's
/// shared tiers over their space quota (code 8000, AtlasError: 512 MB on the free one).
fn advised(words: String) -> String {
    if words.contains("space quota") {
        format!(
            "{words}; the database is full for its plan: delete old records (a source's `keep_days` keeps fewer from now on; see the README's Retention) or move to a larger plan"
        )
    } else {
        words
    }
}

/// Whether the server refused `cause`'s command to the user (code 13, `Unauthorized`; an
/// Atlas shared tier's code 8000, `AtlasError`: "user is not allowed to do action [find] on
/// [releve.runs]").
pub(super) fn unauthorized(cause: &mongodb::error::Error) -> bool {
    let words = driver_words(cause);
    words.contains("Unauthorized")
        || words.contains("not authorized")
        || words.contains("is not allowed to do action")
}

/// [`gist`], without advice.
fn driver_words(cause: &mongodb::error::Error) -> String {
    use mongodb::error::{ErrorKind, WriteFailure};
    let said = |message: &str, code: i32| format!("{message} (code {code})");
    let concern = |message: &str| format!("write concern not met: {message}");
    match cause.kind.as_ref() {
        ErrorKind::InsertMany(failure) => {
            let errors = failure.write_errors.as_deref().unwrap_or_default();
            match (errors.first(), &failure.write_concern_error) {
                (Some(first), _) if errors.len() > 1 => format!(
                    "{}, and {} more write errors",
                    said(&first.message, first.code),
                    errors.len() - 1
                ),
                (Some(first), _) => said(&first.message, first.code),
                (None, Some(unmet)) => concern(&unmet.message),
                (None, None) => without_nested_fields(&cause.kind.to_string()),
            }
        }
        ErrorKind::Write(WriteFailure::WriteError(error)) => said(&error.message, error.code),
        ErrorKind::Write(WriteFailure::WriteConcernError(unmet)) => concern(&unmet.message),
        // The connection broke halfway (the server stopped, restarted or was killed): the
        // driver's words, `unexpected end of file` or `Broken pipe`, do not say so.
        ErrorKind::Io(_) => format!(
            "{} (the connection to MongoDB broke: did the server stop or restart?)",
            without_nested_fields(&cause.kind.to_string())
        ),
        _ => without_nested_fields(&cause.kind.to_string()),
    }
}

pub(super) fn without_nested_fields(text: &str) -> String {
    [", labels: {}", ", source: None", ", server response: None"]
        .iter()
        .fold(text.replace("Kind: ", ""), |text, noise| {
            text.replace(noise, "")
        })
}

impl StoreError {
    /// True when the URI or the database name given cannot be used at all (a command line or
    /// environment mistake, not MongoDB failing): a stage then cannot start.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            StoreError::BadUri { .. }
                | StoreError::Unsupported { .. }
                | StoreError::BadDatabase { .. }
                | StoreError::Unacknowledged { .. }
        )
    }

    /// Wraps a driver error with what was being done; the text is copied only on failure, so
    /// the wrapper costs nothing per document of a cursor.
    pub fn command(action: &str) -> impl FnOnce(mongodb::error::Error) -> StoreError + '_ {
        move |cause| StoreError::Command {
            action: action.to_owned(),
            cause,
        }
    }

    /// The driver's refusal of `uri`. Its words can quote a password holding an unencoded
    /// `?`, `/` or `@` (read as the end of the host, or as a host and port): they are then
    /// replaced by what most likely went wrong, so the password is never shown.
    pub(super) fn bad_uri(uri: &str, cause: &mongodb::error::Error) -> StoreError {
        // The driver's error kind only: its full text adds `labels: {}, source: None, ...`.
        let complaint = match &*cause.kind {
            // Read while the URI is: no connection was made yet.
            mongodb::error::ErrorKind::Io(io) => format!(
                "a file it names cannot be read ({io}): check its `tlsCAFile` and `tlsCertificateKeyFile`"
            ),
            _ => gist(cause),
        };
        // The driver's words for what it is built without: "… only supported with the
        // gssapi-auth feature flag".
        if complaint.contains("feature flag") {
            let (asked, instead) = unsupported(uri, &complaint);
            return StoreError::Unsupported {
                uri: super::redact(uri),
                asked,
                instead,
            };
        }
        let secrets = credential_pieces(uri);
        // A password the URI shows without `@` after it is hidden by `redact`: not in the
        // driver's words either.
        let complaint = if complaint.contains("tlsallowinvalidhostnames is an invalid option") {
            // The driver (over rustls) offers `tlsAllowInvalidCertificates` instead, which
            // checks no certificate at all.
            "`tlsAllowInvalidHostnames` is not supported by relevé's MongoDB driver: connect by the host name the server's certificate is made for (an /etc/hosts line can give that name the server's address)".to_owned()
        } else if super::password_as_port(uri) {
            "a port that is not a number: if it is a password, write the URI as mongodb://USER:PASSWORD@HOST, the user name and password percent-encoded".to_owned()
        } else if super::hosts::unbracketed_ipv6(uri) {
            "an IPv6 address is written in brackets, its port after them: mongodb://[::1]:27017 for this machine's IPv6 loopback, mongodb://[2001:db8::5]:27017 for another".to_owned()
        } else if secrets.iter().any(|piece| complaint.contains(piece)) {
            "the user name and password (before the last `@`) must be percent-encoded: write `:` \
             `/` `?` `#` `@` `%` in them as %3A %2F %3F %23 %40 %25"
                .to_owned()
        } else {
            complaint
        };
        StoreError::BadUri {
            uri: super::redact(uri),
            complaint,
        }
    }

    pub(super) fn unreachable(
        uri: String,
        cause: &mongodb::error::Error,
        tls: TlsAsked,
    ) -> StoreError {
        tracing::debug!(error = %cause, "MongoDB did not answer the ping.");
        let login = matches!(
            *cause.kind,
            mongodb::error::ErrorKind::Authentication { .. }
        );
        match why_unreachable(&cause.to_string()) {
            _ if login => StoreError::LoginRefused { uri },
            Unreachable::Login => StoreError::LoginRefused { uri },
            Unreachable::Closed => StoreError::Unreachable {
                detail: closed_at_once(tls).to_owned(),
                uri,
            },
            Unreachable::UnknownIssuer => StoreError::Unreachable {
                detail: signed_by_no_ca_trusted(tls).to_owned(),
                uri,
            },
            Unreachable::Because(detail) => StoreError::Unreachable {
                uri,
                detail: detail.to_owned(),
            },
        }
    }
}

/// The pieces of the user name and password in `uri` (everything between the scheme and the
/// last `@`, split where a parser could have cut it) of two characters or more.
fn credential_pieces(uri: &str) -> Vec<&str> {
    let start = uri.find("://").map_or(0, |at| at + 3);
    let Some(end) = uri.rfind('@').filter(|end| *end >= start) else {
        return Vec::new();
    };
    uri[start..end]
        .split([':', '/', '?', '#', '@', '&', '='])
        .filter(|piece| piece.len() >= 2)
        .collect()
}

/// Why no server could be used.
#[derive(Debug, PartialEq)]
pub(super) enum Unreachable {
    /// The credentials were refused.
    Login,
    /// The server closed each connection at once.
    Closed,
    /// The server's certificate is signed by no CA trusted.
    UnknownIssuer,
    /// Anything else, in words.
    Because(&'static str),
}

/// What the URI asked of TLS, as the driver read its options (before the machine's CAs are
/// added to them: see the store's `trust` module).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum TlsAsked {
    /// No TLS.
    Off,
    /// TLS, the certificate checked against the CAs the machine trusts.
    MachineCas,
    /// TLS, against the CAs of the file the URI's `tlsCAFile` names.
    OwnCaFile,
}

impl TlsAsked {
    /// What `options` ask (the driver turns TLS on for `tlsCAFile`, `tlsInsecure` and the
    /// like, and for a `mongodb+srv://` URI).
    pub(super) fn of(options: &mongodb::options::ClientOptions) -> TlsAsked {
        match &options.tls {
            Some(mongodb::options::Tls::Enabled(tls)) if tls.ca_file_path.is_some() => {
                TlsAsked::OwnCaFile
            }
            Some(mongodb::options::Tls::Enabled(_)) => TlsAsked::MachineCas,
            _ => TlsAsked::Off,
        }
    }
}

/// Which CAs a server's certificate was checked against, as the URI asked (`tls`): the one
/// its `tlsCAFile` names, else those the machine trusts.
pub(super) fn signed_by_no_ca_trusted(tls: TlsAsked) -> &'static str {
    if tls == TlsAsked::OwnCaFile {
        "the TLS handshake failed: the server's certificate is signed by no CA of the file the URI's `tlsCAFile` names"
    } else {
        "the TLS handshake failed: the server's certificate is signed by no CA this machine trusts (SSL_CERT_FILE, SSL_CERT_DIR, else the distribution's bundle): add its CA there, or name it with the URI's `tlsCAFile`"
    }
}

/// Why a server closed each connection at once, as the URI asked for TLS or not (`tls`).
pub(super) fn closed_at_once(tls: TlsAsked) -> &'static str {
    if tls != TlsAsked::Off {
        "the server closed each connection at once: an address its access list does not allow (MongoDB Atlas's Network Access), a proxy refusing it, or a server without TLS reached with TLS on?"
    } else {
        "the server closed each connection at once: if it takes TLS connections only, add `tls=true` to the URI"
    }
}

/// The cause in a driver's error text (which also holds internals not worth showing), the
/// most specific first: a server selection timeout wraps the others. The driver's own words
/// are matched (`SCRAM failure`, `Connection refused`), not a host name holding them.
pub(super) fn why_unreachable(text: &str) -> Unreachable {
    let holds = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if holds(&[
        "SCRAM failure",
        "Authentication failed",
        "AuthenticationFailed",
    ]) {
        Unreachable::Login
    } else if holds(&["failed to lookup address", "Name or service not known"]) {
        Unreachable::Because("the host name does not resolve")
    } else if holds(&["error occurred during DNS resolution"]) {
        // A `mongodb+srv://` name, looked up before any server is tried.
        Unreachable::Because(
            "the DNS lookup of the `mongodb+srv://` name failed (no SRV record, or no DNS answer)",
        )
    } else if holds(&["Connection refused"]) {
        Unreachable::Because("connection refused")
    } else if holds(&[
        "Connection reset by peer",
        "early eof",
        "UnexpectedEof",
        // Atlas refusing an address its access list lacks: a fatal alert, or the connection
        // closed before the TLS handshake ended.
        "received fatal alert: InternalError",
        "tls handshake eof",
    ]) {
        Unreachable::Closed
    } else if holds(&["not valid for name", "NotValidForName"]) {
        Unreachable::Because(
            "the TLS handshake failed: the server's certificate is not made for the host name the URI gives; give the name it is made for",
        )
    } else if holds(&["UnknownIssuer", "unknown issuer"]) {
        Unreachable::UnknownIssuer
    } else if holds(&["Expired", "expired", "not valid yet", "NotValidYet"]) {
        Unreachable::Because(
            "the TLS handshake failed: the server's certificate has expired, or is not valid yet (is this machine's clock right?)",
        )
    } else if holds(&["certificate", "TLS handshake", "tls handshake"]) {
        Unreachable::Because("the TLS handshake failed")
    } else if holds(&["Type: ReplicaSetNoPrimary"]) && !holds(&["Servers: ["]) {
        // The driver drops a server that answers outside the replica set the URI names.
        Unreachable::Because(
            "the server answered, but not as a member of the replica set the URI names; for a single server, remove `replicaSet` from the URI",
        )
    } else if holds(&["Type: ReplicaSetNoPrimary"]) && !holds(&["Error: "]) {
        // Members answered, none as the primary (those that did not carry an error).
        Unreachable::Because("the replica set has no primary now")
    } else if holds(&["Server selection timeout", "timed out"]) {
        Unreachable::Because("no server answered in time")
    } else {
        Unreachable::Because("no usable server")
    }
}
