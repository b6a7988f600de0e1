//! How one failed attempt is classified: worth another try (with the server's requested wait,
//! if any) or final, and the error a run reports once the attempts are used up.

use std::time::Duration;

use super::FetchError;

/// Why one attempt failed, and whether it is worth another.
pub(super) enum Attempt {
    Fatal(FetchError),
    Retry {
        reason: Reason,
        wait: Option<Duration>,
    },
}

impl Attempt {
    pub(super) fn retry(reason: Reason, wait: Option<Duration>) -> Attempt {
        Attempt::Retry { reason, wait }
    }
}

pub(super) struct Reason {
    pub(super) text: String,
    pub(super) invalid_json: bool,
    /// A 429 that named no wait (no `Retry-After`, no quota reset).
    pub(super) throttled: bool,
    /// No answer, or not all of it, within the time limit.
    pub(super) timed_out: bool,
}

impl Reason {
    pub(super) fn status(text: String) -> Reason {
        Reason {
            text,
            invalid_json: false,
            throttled: false,
            timed_out: false,
        }
    }

    pub(super) fn throttled(text: String) -> Reason {
        Reason {
            text,
            invalid_json: false,
            throttled: true,
            timed_out: false,
        }
    }

    pub(super) fn invalid_json(detail: String) -> Reason {
        Reason {
            text: detail,
            invalid_json: true,
            throttled: false,
            timed_out: false,
        }
    }
}

/// Why a request could not be sent or answered, `via` the proxy it went through, if any: a
/// connection that failed is the proxy's then, but for the API's certificate.
pub(super) fn transport_reason(
    err: reqwest::Error,
    limit: std::time::Duration,
    via: Option<&super::proxy::Proxy>,
) -> Reason {
    let timed_out = err.is_timeout();
    let (connect, decode, body) = (err.is_connect(), err.is_decode(), err.is_body());
    // The host and port, never the rest of the address: a query may carry the API key.
    let host = err.url().and_then(|url| {
        Some(format!(
            "{}:{}",
            url.host_str()?,
            url.port_or_known_default()?
        ))
    });
    let tls = {
        let causes = causes_of(&err).to_ascii_lowercase();
        ["certificate", "tls", "handshake"]
            .iter()
            .any(|words| causes.contains(words))
    };
    // A request sent through a proxy names it: a `CONNECT` or a request the proxy holds
    // times out as a slow API behind a working tunnel does, and only the proxy tells them
    // apart.
    let waiting = match (&host, via) {
        (Some(host), Some(via)) => format!(" through {via}, for {host}"),
        _ => String::new(),
    };
    let to = match (host, via) {
        (Some(host), Some(via)) if tls => format!(" to {host} through {via}"),
        (Some(host), Some(via)) => format!(" to {via}, for {host},"),
        (Some(host), None) => format!(" to {host}"),
        (None, _) => String::new(),
    };
    let causes = if connect {
        // The innermost cause says it (`Connection refused (os error 111)`, a name that does
        // not resolve, a certificate refused); the layers above it repeat "error sending
        // request: client error (Connect)".
        innermost(&err.without_url())
    } else {
        with_causes(&err.without_url())
    };
    // hyper's words for a body shorter than its Content-Length, which reqwest files as a
    // decoding error even when no Content-Encoding applies.
    let cut_off = [
        "end of file before message length reached",
        "IncompleteMessage",
    ]
    .iter()
    .any(|words| causes.contains(words));
    let kind = if timed_out && connect {
        format!(
            "connection{to} timed out after {} (the source's `timeout`, at most 10 s to connect)",
            seconds(limit.min(std::time::Duration::from_secs(10)))
        )
    } else if timed_out {
        // The limit is the source's `timeout` (default the shorter of 30 s and `every`), or
        // the time left before its next run for a retry.
        format!(
            "timed out after {} (the source's `timeout`, or the time left before its next run){waiting}",
            seconds(limit)
        )
    } else if connect {
        format!("connection{to} failed")
    } else if body || cut_off {
        "the body was cut off".to_owned()
    } else if decode {
        "the body could not be read to its end (cut off, or not encoded as its Content-Encoding says)".to_owned()
    } else {
        "transport error".to_owned()
    };
    let text = format!("{kind}: {causes}");
    Reason {
        timed_out,
        ..Reason::status(text)
    }
}

/// Whether `err` refused the server's certificate as not the API's: signed by no CA this
/// machine trusts, or made for another name (a captive portal's, a proxy inspecting HTTPS),
/// rather than expired or a handshake cut.
pub(super) fn not_the_apis_certificate(err: &reqwest::Error) -> bool {
    let causes = causes_of(err);
    ["UnknownIssuer", "NotValidForName", "not valid for name"]
        .iter()
        .any(|words| causes.contains(words))
}

/// Whether `err` is a handshake refused for a certificate made for another name than the
/// host asked (signed by a CA this machine trusts).
pub(super) fn made_for_another_name(err: &reqwest::Error) -> bool {
    let causes = causes_of(err);
    ["NotValidForName", "not valid for name"]
        .iter()
        .any(|words| causes.contains(words))
}

/// The causes of `err`, `: `-separated, without its own text (which names the URL).
pub(super) fn causes_of(err: &reqwest::Error) -> String {
    std::error::Error::source(err)
        .map(with_causes)
        .unwrap_or_default()
}

/// The deepest cause of an error, or the error itself.
fn innermost(err: &dyn std::error::Error) -> String {
    let mut deepest = err;
    while let Some(cause) = deepest.source() {
        deepest = cause;
    }
    deepest.to_string()
}

/// An error and its causes, `: `-separated (reqwest's own text leaves them out).
pub(super) fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// `30 s`, `2.5 s`.
pub(super) fn seconds(limit: std::time::Duration) -> String {
    let millis = limit.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{:.1} s", limit.as_secs_f64())
    }
}

pub(super) fn final_error(
    what: &str,
    attempts: u32,
    reason: Reason,
    want_json: bool,
) -> FetchError {
    if want_json && reason.invalid_json {
        FetchError::InvalidJson {
            what: what.to_owned(),
            detail: format!(
                "{} (after {})",
                reason.text,
                super::error::attempts_in_words(&attempts)
            ),
        }
    } else {
        FetchError::GaveUp {
            what: what.to_owned(),
            attempts,
            last: reason.text,
        }
    }
}
