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
            match mongodb_uri_end(rest, scheme_end) {
                UriEnd::At(end) => {
                    out.push_str(&redact(&rest[start..end]));
                    end
                }
                // The URI shown without its secret, the words after it hidden, as many as
                // the value may hold: no `@` there is taken for the end of credentials.
                UriEnd::SecretRunsOn { word_end, end } => {
                    out.push_str(&redact(&rest[start..word_end]));
                    // A URI in quotes: its value ends at the closing quote, the message after
                    // it kept (unless the value ended there already).
                    let quote = rest[..start]
                        .chars()
                        .next_back()
                        .filter(|c| matches!(c, '\'' | '"' | '`'));
                    // The closing quote is followed by a space, a clause's end or nothing: a
                    // quote inside the value is not.
                    let end =
                        match quote {
                            Some(quote) => rest[word_end..end]
                                .match_indices(quote)
                                .map(|(at, _)| word_end + at)
                                .find(|&at| {
                                    rest[at + quote.len_utf8()..].chars().next().is_none_or(
                                        |next| next.is_whitespace() || ".,;:)!?".contains(next),
                                    )
                                })
                                .unwrap_or(end),
                            None => end,
                        };
                    let after = &rest[word_end..end];
                    match after.trim().is_empty() {
                        true => out.push_str(after),
                        // Spaced as it was before what follows, if anything.
                        false if rest[end..].starts_with(ends_word) && quote.is_some() => {
                            out.push_str(" ***")
                        }
                        false if end < rest.len() => out.push_str(" *** "),
                        false => out.push_str(" ***"),
                    }
                    end
                }
            }
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

/// How many words after a `user:pass` word of free text (no MongoDB scheme before it), or after
/// a MongoDB URI's first word that may be a host and port, a password holding spaces may run
/// on to (`alice:correct horse battery@db`, a URI pasted without its scheme).
const RUN_ON_WORDS: usize = 3;

/// Where a MongoDB URI quoted in a message ends (see [`mongodb_uri_end`]).
enum UriEnd {
    /// At this offset: the URI, its credentials running on across spaces or not.
    At(usize),
    /// Its first word ends at `word_end` with a secret option whose value may hold spaces,
    /// written unencoded: the words after it, up to `end` (the next URI's word), may be that
    /// value's.
    SecretRunsOn { word_end: usize, end: usize },
}

/// Where the MongoDB URI whose `://` is at `scheme_end` in `text` ends: at the end of its first
/// word, unless that word holds `user:` (a `:` before any `/` or `?`): its credentials then run
/// on, across spaces and quotes, to the last `@` before the next URI's word, a password holding
/// spaces written unencoded. They run on as far as they go when the first word leaves them
/// open (no `@`, and no port after its `:`), else over [`RUN_ON_WORDS`] words at most (a host
/// and port, `localhost:27017`, or a password holding an `@` too), and not at all from a host,
/// port and path with options (`localhost:27017/releve?replicaSet=rs0`), where no password
/// begins (one holding a `/` and a `?` and a space runs on no further). Hidden credentials
/// (`***@`, a message quoting a URI redacted already) end there.
fn mongodb_uri_end(text: &str, scheme_end: usize) -> UriEnd {
    let after = scheme_end + 3;
    let word_end = text[after..]
        .find(ends_word)
        .map_or(text.len(), |at| after + at);
    let first_word = &text[after..word_end];
    let next_uri = next_uri_word(text, word_end);
    if secret_option_last(first_word) {
        return UriEnd::SecretRunsOn {
            word_end,
            end: next_uri,
        };
    }
    let authority = &first_word[..first_word.find(['/', '?']).unwrap_or(first_word.len())];
    let host_and_port = ports_alone(authority);
    if first_word.starts_with("***@")
        || !authority.contains(':')
        || (host_and_port && first_word.contains('?') && !first_word.contains('@'))
    {
        return UriEnd::At(word_end);
    }
    let words = match !first_word.contains('@') && !host_and_port {
        true => Words {
            most: usize::MAX,
            not_past_a_clause: false,
            uri_host_only: false,
        },
        false => Words {
            most: RUN_ON_WORDS,
            not_past_a_clause: host_and_port,
            uri_host_only: false,
        },
    };
    let Some(end) = run_on(text, word_end, next_uri, words) else {
        return UriEnd::At(word_end);
    };
    // The word the credentials end in may end with a secret option whose value holds spaces.
    let last_word = &text[text[..end]
        .rfind(char::is_whitespace)
        .map_or(0, |at| at + 1)..end];
    match secret_option_last(last_word) {
        true => UriEnd::SecretRunsOn {
            word_end: end,
            end: next_uri,
        },
        false => UriEnd::At(end),
    }
}

/// Whether a URI's first word ends with a secret option (see [`secret_option`]) whose value
/// is not hidden already (`***`).
fn secret_option_last(first_word: &str) -> bool {
    let Some((_, options)) = first_word.split_once('?') else {
        return false;
    };
    options
        .rsplit(['&', ';'])
        .next()
        .and_then(|option| option.split_once('='))
        .is_some_and(|(name, value)| secret_option(name) && value != "***")
}

/// Where the word holding the first `://` after `from` in `text` begins (never before `from`),
/// or the text's end.
fn next_uri_word(text: &str, from: usize) -> usize {
    let Some(scheme_end) = text[from..].find("://").map(|at| from + at) else {
        return text.len();
    };
    text[from..scheme_end]
        .rfind(ends_word)
        .map_or(from, |at| from + at + 1)
}

/// The end of the last of the `words` words (split at spaces) after `from`, before `limit`,
/// that holds an `@`: where credentials begun before `from` and holding spaces end.
fn run_on(text: &str, from: usize, limit: usize, words: Words) -> Option<usize> {
    let mut at = from.min(limit);
    let mut end = None;
    let mut past_a_clause = false;
    for _ in 0..words.most {
        let rest = &text[at..limit];
        let Some(start) = rest.find(|c: char| !c.is_whitespace()) else {
            break;
        };
        let start = at + start;
        let word_end = text[start..limit]
            .find(char::is_whitespace)
            .map_or(limit, |len| start + len);
        let word = &text[start..word_end];
        if word.contains('@') {
            // An address to write to, not a URI's host, after a clause ended or where only a
            // URI's host may end the credentials.
            let address = bare_address(word);
            if address && past_a_clause {
                break;
            }
            if !(address && words.uri_host_only) {
                end = Some(word_end);
            }
        } else if words.not_past_a_clause && word.ends_with([':', ';', ',', '.', ')']) {
            past_a_clause = true;
        }
        at = word_end;
    }
    end
}

/// Whether a word holding an `@` is an address alone (`it-help@lab.example.org`), nothing after
/// its domain as after a URI's host (`db.example.org/phd`, `:27017`, `?…`).
fn bare_address(word: &str) -> bool {
    word.rsplit_once('@').is_some_and(|(_, domain)| {
        !domain
            .trim_end_matches(['.', ',', ';', ')', '>'])
            .contains(['/', '?', ':'])
    })
}

/// How far credentials holding spaces may run on (see [`run_on`]).
#[derive(Clone, Copy)]
struct Words {
    /// How many words at most.
    most: usize,
    /// Whether, after a word ending a clause (`refused:`, `down.`), an address alone ends them
    /// unhidden: after a host and port, which begins no password as surely as a user does, it
    /// is a message's.
    not_past_a_clause: bool,
    /// Whether only a URI's host (not an address alone) ends them: after a word of a message
    /// shaped as credentials only by chance (`(code:AUTH_FAILED)`, `error:forbidden;`).
    uri_host_only: bool,
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
/// `mongodb:/alice:Zebra42@db`: a URI missing its `//` or its scheme) redacted, and one shaped
/// `user:pass` followed within [`RUN_ON_WORDS`] words by one holding an `@` (a password
/// holding spaces) redacted up to that `@`; an e-mail address (no `:` before its `@`, or a
/// `mailto:` link) is left as it is.
fn without_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let Some(start) = text[at..].find(|c: char| !ends_word(c)) else {
            out.push_str(&text[at..]);
            break;
        };
        let start = at + start;
        out.push_str(&text[at..start]);
        let word_end = text[start..]
            .find(ends_word)
            .map_or(text.len(), |len| start + len);
        let word = &text[start..word_end];
        let end = if word.contains('@') {
            credentials_before_host(word).then_some(word_end)
        } else {
            begins_credentials(word)
                .and_then(|words| run_on(text, word_end, next_uri_word(text, word_end), words))
                // A URI missing its `//` may still hold secret options.
                .or_else(|| missing_a_slash(word).then_some(word_end))
        };
        match end {
            Some(end) => {
                out.push_str(&redact(&text[start..end]));
                at = end;
            }
            None => {
                out.push_str(word);
                at = word_end;
            }
        }
    }
    out
}

/// Whether `word` is a MongoDB URI missing a `/` after its scheme (`mongodb:/host/db?…`,
/// glued to text before it or not) with options, which [`redact`] reads.
fn missing_a_slash(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.contains('?') && (lower.contains("mongodb:/") || lower.contains("mongodb+srv:/"))
}

/// Whether `word`, holding an `@`, is shaped as credentials before a host: a `:` before its
/// last `@`, and not a `mailto:` link.
fn credentials_before_host(word: &str) -> bool {
    !is_mailto(word)
        && word
            .rfind('@')
            .is_some_and(|at_sign| word[..at_sign].contains(':'))
}

/// Whether `word`, holding no `@`, may begin credentials holding spaces, and how far they
/// may run on: a URI missing its `//` (`mongodb:/alice:correct`), as far as they go, or
/// `user:pass…` ([`RUN_ON_WORDS`]): a name, not beginning with a digit as a time does
/// (`10:00`, `2026-12-06T00:00:00Z`), a `:` and more after it; one in parentheses or ending a
/// clause (`(code:AUTH_FAILED)`, `error:forbidden;`), only to a URI's host.
fn begins_credentials(word: &str) -> Option<Words> {
    if is_mailto(word) {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    let (userinfo, most) = match lower
        .strip_prefix("mongodb+srv:")
        .or_else(|| lower.strip_prefix("mongodb:"))
    {
        Some(rest) => (rest.trim_start_matches('/'), usize::MAX),
        None => (lower.as_str(), RUN_ON_WORDS),
    };
    let clause = most == RUN_ON_WORDS && (word.starts_with('(') || word.ends_with([')', ',', ';']));
    userinfo
        .split_once(':')
        .is_some_and(|(user, pass)| {
            user.trim_start_matches('(')
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii_digit())
                && !pass.is_empty()
        })
        .then_some(Words {
            most,
            not_past_a_clause: false,
            uri_host_only: clause,
        })
}

/// Whether `word` is a `mailto:` link.
fn is_mailto(word: &str) -> bool {
    word.get(..7)
        .is_some_and(|start| start.eq_ignore_ascii_case("mailto:"))
}

/// The URI with any `user:password@` replaced, and the values of options that may hold a
/// secret (`tlsCertificateKeyFilePassword`, `authMechanismProperties` with a session token),
/// for messages and logs.
pub fn redact(uri: &str) -> String {
    // Everything up to the last `@` goes: a password holding `/`, `?` or `@` that should
    // have been percent-encoded is still hidden, and so is one in a URI missing its scheme
    // (`user:password@host`, `mongodb:/user:password@host`).
    let (userinfo, rest) = match (uri.find("://"), userinfo_at(uri)) {
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
            (format!("{}://***", &uri[..scheme_end]), &after[end..])
        }
        _ => (String::new(), uri),
    };
    match rest.split_once('?') {
        Some((address, options)) => format!("{userinfo}{address}?{}", redact_options(options)),
        None => format!("{userinfo}{rest}"),
    }
}

/// Where the `@` ending a URI's credentials is: its last, but for one in the value of a secret
/// option (`tlsCertificateKeyFilePassword=Zeb@ra`) or of a file's path
/// (`tlsCertificateKeyFile=/home/alice@univ.fr/…`), which a password is not shaped as; a
/// password holding `?x=@` or `&w=` unencoded (`u:pw?authSource=@db`) still ends there.
fn userinfo_at(uri: &str) -> Option<usize> {
    let mut ats = uri.match_indices('@').map(|(at, _)| at).rev();
    ats.find(|&at| {
        let before = &uri[..at];
        !before
            .rfind(['?', '&', ';'])
            .and_then(|separator| before[separator + 1..].split_once('='))
            .is_some_and(|(name, value)| {
                secret_option(name) || (file_option(name) && value.starts_with(['/', '~', '.']))
            })
    })
}

/// Whether a URI option named `name` (any case) holds a file's path.
fn file_option(name: &str) -> bool {
    ["tlscafile", "tlscertificatekeyfile"].contains(&name.to_ascii_lowercase().as_str())
}

/// Whether a URI without `@` has hosts holding a port that is not a number: most likely a
/// password written without the host after it.
pub(super) fn password_as_port(uri: &str) -> bool {
    let Some(scheme_end) = uri.find("://").filter(|_| !uri.contains('@')) else {
        return false;
    };
    let after = &uri[scheme_end + 3..];
    !ports_alone(&after[..after.find(['/', '?']).unwrap_or(after.len())])
}

/// Whether each host of a list (`a:27017,b`) has a number for its port, or none.
fn ports_alone(hosts: &str) -> bool {
    hosts.split(',').all(|host| {
        // An IPv6 address, `[::1]:27017`, holds `:` of its own.
        let port = match host.strip_prefix('[') {
            Some(v6) => v6.split_once("]:").map(|(_, port)| port),
            None => host.rsplit_once(':').map(|(_, port)| port),
        };
        port.is_none_or(|port| port.chars().all(|c| c.is_ascii_digit()))
    })
}

/// Whether a URI option named `name` may hold a secret: a password, a secret, a token, a key
/// (not a client certificate's path, which says which file could not be read).
fn secret_option(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name != "tlscertificatekeyfile"
        && [
            "password",
            "secret",
            "token",
            "key",
            "authmechanismproperties",
        ]
        .iter()
        .any(|word| name.contains(word))
}

/// `name=value` options (`&` or `;` between them) with the values of secret-looking names
/// replaced by `***`.
fn redact_options(options: &str) -> String {
    let mut shown = String::with_capacity(options.len());
    // After a secret option, pieces without `=` are more of its value (an `&` or `;` in it,
    // left unencoded): hidden with it.
    let mut in_secret = false;
    for piece in options.split_inclusive(['&', ';']) {
        let (option, separator) = match piece.strip_suffix(['&', ';']) {
            Some(option) => (option, &piece[option.len()..]),
            None => (piece, ""),
        };
        match option.split_once('=') {
            Some((name, _)) if secret_option(name) => {
                in_secret = true;
                shown.push_str(name);
                shown.push_str("=***");
            }
            None if in_secret => continue,
            _ => {
                in_secret = false;
                shown.push_str(option);
            }
        }
        shown.push_str(separator);
    }
    shown
}
