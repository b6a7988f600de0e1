//! Credentials kept out of messages and logs: a MongoDB URI's `user:password@` and secret
//! options, wherever a message quotes one, and other URLs' credentials.

/// The user and password of the form a message advises (`mongodb://USER:PASSWORD@HOST`):
/// shown as written.
const ADVICE_USERINFO: &str = "USER:PASSWORD";

/// `text` with each URI in it (a word holding `://`) redacted: for messages quoting what was
/// given where a URI was not expected (a URI given without `--mongodb-uri`, as mongosh takes
/// it, or as a database's name) and every failure line. A MongoDB URI (its scheme ends in
/// `mongodb` or `mongodb+srv`, glued to text before it or not: `MONGO_URL=mongodb://…`) is
/// redacted as [`redact`] does; one whose first word holds `user:` and no host yet has its
/// credentials hidden up to the last `@` before the next URI, across spaces and quotes, which
/// a password may hold where it should have been percent-encoded. Another URL's credentials end
/// within its host part, so the text after it (an API's contact address) stays whole.
pub fn redact_uris(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let start = rest[..scheme_end].rfind(ends_word).map_or(0, |at| at + 1);
        out.push_str(&without_userinfo(&rest[..start]));
        let scheme = rest[start..scheme_end].to_ascii_lowercase();
        let end = if scheme.ends_with("mongodb") || scheme.ends_with("mongodb+srv") {
            let end = mongodb_uri_end(rest, scheme_end);
            out.push_str(&redact(&rest[start..end]));
            end
        } else {
            let (shown, end) = other_url(rest, start, scheme_end);
            out.push_str(&shown);
            end
        };
        rest = &rest[end..];
    }
    out.push_str(&without_userinfo(rest));
    out
}

/// Where the MongoDB URI whose `://` is at `scheme_end` in `text` ends: at the end of its first
/// word, unless that word holds `user:` and no host yet (`mongodb://alice:correct horse@db`),
/// when its credentials run on, across spaces and quotes, to the last `@` before the next URI.
fn mongodb_uri_end(text: &str, scheme_end: usize) -> usize {
    let after = scheme_end + 3;
    let word_end = text[after..]
        .find(ends_word)
        .map_or(text.len(), |at| after + at);
    let first_word = &text[after..word_end];
    // A host and port (`127.0.0.1:27017`) or a path (`db.lab.fr/phd`) ends the URI there;
    // hidden credentials (`***@`, a message quoting a URI redacted already) end there too.
    let port = first_word
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()));
    let runs_on =
        !first_word.contains('@') && first_word.contains(':') && !first_word.contains('/') && !port;
    if !runs_on {
        return word_end;
    }
    let next_uri = text[after..]
        .find("://")
        .map_or(text.len(), |at| after + at);
    let hosts_from = text[scheme_end..next_uri]
        .rfind('@')
        .map_or(scheme_end, |at| scheme_end + at);
    text[hosts_from..]
        .find(ends_word)
        .map_or(text.len(), |at| hosts_from + at)
}

/// A URL other than MongoDB's, from `start` in `text` (its `://` at `scheme_end`), as shown,
/// and where it ends: its credentials, if any, hidden within its host part.
fn other_url(text: &str, start: usize, scheme_end: usize) -> (String, usize) {
    let after = scheme_end + 3;
    let authority_end = text[after..]
        .find(|c| matches!(c, '/' | '?' | '#') || ends_word(c))
        .map_or(text.len(), |at| after + at);
    let end = text[authority_end..]
        .find(ends_word)
        .map_or(text.len(), |at| authority_end + at);
    let shown = match text[scheme_end..authority_end].rfind('@') {
        Some(at) => format!(
            "{}://***{}",
            &text[start..scheme_end],
            &text[scheme_end + at..end]
        ),
        None => text[start..end].to_owned(),
    };
    (shown, end)
}

/// Whether `c` ends a word of a message (a space, or a quote around a value).
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | '`')
}

/// `text` with each word shaped as credentials before a host (`alice:Zebra42@db.example.org`,
/// `mongodb:/alice:Zebra42@db`: a URI missing its `//` or its scheme) redacted; an e-mail
/// address (no `:` before its `@`, or a `mailto:` link) is left as it is.
fn without_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = 0;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if !ends_word(c) {
            continue;
        }
        let word = &text[word_start..at];
        let mailto = word
            .get(..7)
            .is_some_and(|start| start.eq_ignore_ascii_case("mailto:"));
        let userinfo = !mailto
            && word
                .rfind('@')
                .is_some_and(|at_sign| word[..at_sign].contains(':'));
        out.push_str(&if userinfo {
            redact(word)
        } else {
            word.to_owned()
        });
        if at < text.len() {
            out.push(c);
        }
        word_start = at + c.len_utf8();
    }
    out
}

/// The URI with any `user:password@` replaced, and the values of options that may hold a
/// secret (`tlsCertificateKeyFilePassword`, `authMechanismProperties` with a session token),
/// for messages and logs.
pub fn redact(uri: &str) -> String {
    // Everything up to the last `@` goes: a password holding `/`, `?` or `@` that should
    // have been percent-encoded is still hidden, and so is one in a URI missing its scheme
    // (`user:password@host`, `mongodb:/user:password@host`).
    let (userinfo, rest) = match (uri.find("://"), uri.rfind('@')) {
        (Some(scheme_end), Some(at))
            if at > scheme_end && &uri[scheme_end + 3..at] == ADVICE_USERINFO =>
        {
            return uri.to_owned();
        }
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            (format!("{}://***@", &uri[..scheme_end]), &uri[at + 1..])
        }
        (_, Some(at)) => ("***@".to_owned(), &uri[at + 1..]),
        // No `@`: a port that is not a number is most likely a password written without the
        // host after it (`mongodb://admin:s3cret/db`).
        (Some(scheme_end), None) if password_as_port(uri) => {
            let after = &uri[scheme_end + 3..];
            let end = after.find(['/', '?']).unwrap_or(after.len());
            return format!("{}://***{}", &uri[..scheme_end], &after[end..]);
        }
        _ => (String::new(), uri),
    };
    match rest.split_once('?') {
        Some((address, options)) => format!("{userinfo}{address}?{}", redact_options(options)),
        None => format!("{userinfo}{rest}"),
    }
}

/// Whether a URI without `@` has hosts holding a port that is not a number: most likely a
/// password written without the host after it.
pub(super) fn password_as_port(uri: &str) -> bool {
    let Some(scheme_end) = uri.find("://").filter(|_| !uri.contains('@')) else {
        return false;
    };
    let after = &uri[scheme_end + 3..];
    let hosts = &after[..after.find(['/', '?']).unwrap_or(after.len())];
    hosts.split(',').any(|host| {
        host.rsplit_once(':')
            .is_some_and(|(_, port)| !port.chars().all(|c| c.is_ascii_digit()))
    })
}

/// `name=value` options (`&` or `;` between them) with the values of secret-looking names
/// replaced by `***`.
fn redact_options(options: &str) -> String {
    let secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        // A client certificate's path is no secret, and says which file could not be read.
        if name == "tlscertificatekeyfile" {
            return false;
        }
        [
            "password",
            "secret",
            "token",
            "key",
            "authmechanismproperties",
        ]
        .iter()
        .any(|word| name.contains(word))
    };
    let mut shown = String::with_capacity(options.len());
    for piece in options.split_inclusive(['&', ';']) {
        let (option, separator) = match piece.strip_suffix(['&', ';']) {
            Some(option) => (option, &piece[option.len()..]),
            None => (piece, ""),
        };
        match option.split_once('=') {
            Some((name, _)) if secret(name) => {
                shown.push_str(name);
                shown.push_str("=***");
            }
            _ => shown.push_str(option),
        }
        shown.push_str(separator);
    }
    shown
}
