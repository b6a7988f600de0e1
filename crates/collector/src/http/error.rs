//! Why a request finally failed, in words that name the request and never its URL.

use std::time::Duration;

use chrono::DurationRound;

use super::failure::Reason;

/// Why a request finally failed. Messages name the request, never its URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The API refused the request (a 4xx other than 429); retrying would not help.
    #[error("{what}: HTTP {status}: {message}")]
    Rejected {
        /// The request, in words.
        what: String,
        /// The status code.
        status: u16,
        /// The API's own error message, or the start of its body.
        message: String,
    },
    /// Every attempt failed with a retryable error.
    #[error("{what}: gave up after {}: {last}", attempts_in_words(.attempts))]
    GaveUp {
        /// The request, in words.
        what: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The retry deadline (the source's next run is due) left no room for another attempt:
    /// the next run tries again.
    #[error(
        "{what}: {last} ({}); not tried again, as the source's next run is due before another attempt could end; that run will try again",
        attempts_in_words(.attempts)
    )]
    OutOfTime {
        /// The request, in words.
        what: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The server asked to wait longer than worth waiting within a run (a quota that resets
    /// later); the source pauses until `until`.
    #[error(
        "{what}: {last}; {}",
        if *.longer { format!("the API asks to wait more than a day, so the source pauses a day, until {until}, and tries again") } else { format!("the source pauses until {until}, when the limit should be over, and tries again") }
    )]
    Paused {
        /// The request, in words.
        what: String,
        /// When the source tries again: when the server says, at most a day from now.
        until: chrono::DateTime<chrono::Utc>,
        /// Whether the server asked for longer than a day (or for a wait past any date).
        longer: bool,
        /// The last failure.
        last: String,
    },
    /// The answer was not the JSON expected: a complete body at once, one cut off after
    /// retries.
    #[error("{what}: the answer is not the expected JSON: {detail}")]
    InvalidJson {
        /// The request, in words.
        what: String,
        /// The decoder's complaint.
        detail: String,
    },
    /// The API redirected somewhere not followed (another host or port, back to `http`, or
    /// too many times): a key sent in a header or a client secret in a body would go with the
    /// request. Not retried.
    #[error("{what}: the API redirected {why}")]
    Redirected {
        /// The request, in words.
        what: String,
        /// Where it redirected: "to another host, cdn.example.org".
        why: String,
    },
    /// The answer is larger than the collector reads ([`super::MAX_BODY_BYTES`], or less with
    /// less memory). Not retried.
    #[error(
        "{what}: the answer is larger than {mib} MiB, {}: narrow what the source asks for (`where`, `select` or `params`, a shorter `every` for an incremental source)",
        match by_memory {
            Some(memory) => format!(
                "what a run holds of one answer where the collector may use {memory} MiB of memory (the machine's, or the limit of its container or `ulimit -v`: an eighth of it, as 4 sources are collected at a time, and 16 MiB at least)"
            ),
            None => "more than a run holds in memory or the summariser reads by default".to_owned(),
        }
    )]
    TooLarge {
        /// The request, in words.
        what: String,
        /// The limit, in MiB.
        mib: u64,
        /// The memory the collector may use, in MiB, when it set the limit.
        by_memory: Option<u64>,
    },
    /// The answer was still coming in, steadily, when the time limit struck: another attempt
    /// would come no faster and cost as much again (a slow or metered link). Not retried.
    #[error(
        "{what}: the answer was still arriving when the time limit ({}: the source's `timeout`, or the time left before its next run) struck, {received}; not tried again in this run, as it would arrive no faster: raise the source's `timeout` (a slow link?), or ask for less; the next run tries again",
        super::failure::seconds(*.limit)
    )]
    StillArriving {
        /// The request, in words.
        what: String,
        /// How much had arrived: `120 kB of 440 kB`.
        received: String,
        /// The time limit.
        limit: Duration,
    },
    /// The API's `Date` is ahead of this machine's clock by more than
    /// `MOST_BEHIND` (15 minutes): this clock is not set yet. Not retried.
    #[error(
        "{what}: this machine's clock reads {}, {} behind the API's (its `Date` header: {}): not set yet (a machine without a real-time clock, such as a Raspberry Pi, just booted, before NTP set it? `timedatectl` says whether it is synchronised); nothing landed, as its file, its records and its run would be dated by this clock; once it is set, a run collects as usual",
        .here.format("%Y-%m-%d %H:%M:%S UTC"),
        releve::store::clocks_apart(*.there - *.here),
        .there.format("%Y-%m-%d %H:%M:%S UTC")
    )]
    ClockBehind {
        /// The request, in words.
        what: String,
        /// This machine's clock when the answer came.
        here: chrono::DateTime<chrono::Utc>,
        /// The API's, by its `Date` header.
        there: chrono::DateTime<chrono::Utc>,
    },
    /// The API's address answered the TLS handshake with a certificate not the API's (signed
    /// by no CA this machine trusts, or made for another name): on a public Wi-Fi, most often
    /// its captive portal, holding every connection until someone signs in. Not retried: the
    /// same certificate would come again.
    #[error(
        "{what}: the certificate that answered is not the API's ({detail}): on a public Wi-Fi, its sign-in page? sign in to it, and the next run collects; else a proxy or security software inspecting HTTPS, whose CA this machine does not trust: add it to SSL_CERT_FILE"
    )]
    NotTheApisCertificate {
        /// The request, in words.
        what: String,
        /// The connection's failure, as the client says it.
        detail: String,
    },
    /// An HTML page where JSON was asked, answered 200, or with a refusal (4xx) by a host that
    /// has answered no JSON in this run: on a public Wi-Fi, most often its captive portal's
    /// sign-in page, which answers every address until someone signs in. Not retried, nor
    /// asked otherwise (an export paged instead): the same page would come again. A caller
    /// reading a refusal's status reads it with [`FetchError::refusal`].
    #[error(
        "{what}: {}{page} (on a public Wi-Fi, its sign-in page? sign in to it, and the next run collects{})",
        if *.status == 200 { "the answer is not the expected JSON: ".to_owned() } else { format!("HTTP {status}: ") },
        if *.status == 200 { "" } else { "; else the API's own error page" }
    )]
    SignInPage {
        /// The request, in words.
        what: String,
        /// The status it came with.
        status: u16,
        /// The page, by its title or heading.
        page: String,
    },
    /// A proxy variable the client cannot read (it would call the APIs directly).
    #[error("{0}")]
    Proxy(String),
    /// The request could not even be built (a bad URL or header in the configuration).
    #[error("{what}: cannot build the request: {detail}")]
    Build {
        /// The request, in words.
        what: String,
        /// What is wrong.
        detail: String,
    },
}

impl FetchError {
    /// The status and message of a refusal (a 4xx): the API's own, or an HTML page that may be
    /// a public Wi-Fi's sign-in page. A caller that reads a status (a 401 renewing a token, a
    /// 416 ending a query) reads it here, before the sign-in question: an API's gateway may
    /// answer its refusals in HTML.
    pub fn refusal(&self) -> Option<(u16, &str)> {
        match self {
            FetchError::Rejected {
                status, message, ..
            } => Some((*status, message)),
            FetchError::SignInPage { status, page, .. } if (400..500).contains(status) => {
                Some((*status, page))
            }
            _ => None,
        }
    }

    /// The text the error quotes from outside the program (the API's message, the last
    /// failure, the decoder's or the client's complaint), which may echo a secret.
    pub(super) fn quoted_mut(&mut self) -> &mut String {
        match self {
            FetchError::Rejected { message, .. } | FetchError::SignInPage { page: message, .. } => {
                message
            }
            FetchError::GaveUp { last, .. }
            | FetchError::OutOfTime { last, .. }
            | FetchError::Paused { last, .. } => last,
            FetchError::InvalidJson { detail, .. }
            | FetchError::Build { detail, .. }
            | FetchError::NotTheApisCertificate { detail, .. } => detail,
            FetchError::Proxy(detail) => detail,
            FetchError::Redirected { why, .. } => why,
            FetchError::TooLarge { what, .. }
            | FetchError::StillArriving { what, .. }
            | FetchError::ClockBehind { what, .. } => what,
        }
    }
}

/// The source pauses until the server's requested `wait` from now is over.
pub(super) fn paused(what: &str, wait: Option<Duration>, reason: Reason) -> FetchError {
    let now = chrono::Utc::now();
    let longest = now + releve::metrics::LONGEST_PAUSE;
    let asked = wait
        .and_then(|wait| chrono::TimeDelta::from_std(wait).ok())
        .and_then(|wait| now.checked_add_signed(wait))
        .filter(|until| *until <= longest);
    // To the second (the wait was read from whole seconds, or is to a time given in them),
    // never before the end of the wait but for the milliseconds since it was read.
    let read_since = chrono::TimeDelta::milliseconds(50);
    let until = asked
        .unwrap_or(longest)
        .checked_sub_signed(read_since)
        .and_then(|until| until.duration_round_up(chrono::TimeDelta::seconds(1)).ok())
        .unwrap_or(longest);
    FetchError::Paused {
        what: what.to_owned(),
        until,
        longer: asked.is_none(),
        last: reason.text,
    }
}

/// "1 attempt", "3 attempts".
pub(super) fn attempts_in_words(attempts: &u32) -> String {
    match attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_attempt_is_said_in_the_singular() {
        let gave_up = |attempts| {
            FetchError::GaveUp {
                what: "page 1 of `quakes`".to_owned(),
                attempts,
                last: "timed out".to_owned(),
            }
            .to_string()
        };
        assert_eq!(
            gave_up(1),
            "page 1 of `quakes`: gave up after 1 attempt: timed out"
        );
        assert_eq!(
            gave_up(4),
            "page 1 of `quakes`: gave up after 4 attempts: timed out"
        );
    }

    /// A Pi booted three days after its clock last saved (fake-hwclock) reads three days behind,
    /// not "2 days 23 h", when the API's `Date` is a few seconds past the three days.
    #[test]
    fn a_clock_three_days_behind_is_said_three_days() {
        let there = chrono::DateTime::parse_from_rfc3339("2026-12-07T08:00:00Z")
            .expect("a time")
            .with_timezone(&chrono::Utc);
        let behind = FetchError::ClockBehind {
            what: "`quakes`".to_owned(),
            here: there - chrono::TimeDelta::days(3) + chrono::TimeDelta::seconds(4),
            there,
        }
        .to_string();
        assert!(
            behind.contains("2026-12-04 08:00:04 UTC, 3 days behind the API's"),
            "{behind}"
        );
    }
}
