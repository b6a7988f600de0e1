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

pub(super) fn transport_reason(err: reqwest::Error) -> Reason {
    let timed_out = err.is_timeout();
    let kind = if timed_out {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_decode() {
        "the body could not be decoded (as its Content-Encoding says)"
    } else if err.is_body() {
        "the body was cut off"
    } else {
        "transport error"
    };
    let err = err.without_url();
    let mut text = format!("{kind}: {err}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Reason {
        timed_out,
        ..Reason::status(text)
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
            detail: format!("{} (after {attempts} attempts)", reason.text),
        }
    } else {
        FetchError::GaveUp {
            what: what.to_owned(),
            attempts,
            last: reason.text,
        }
    }
}
