//! What an answer is and how it is judged: [`Answer`], the body read as JSON or the reason
//! it is not, and whether an answer answers the request or is worth another try.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeSeed;

use super::failure::{Attempt, Reason};
use super::{FetchError, SourceClient, lone_surrogates, non_finite, retry};

/// The byte-order mark a UTF-8 body may start with.
pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// An answer with a success status and its whole body (without a byte-order mark).
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The complete body.
    pub body: Bytes,
}

impl SourceClient {
    /// Decodes `answer`'s body as `T`; `what` names the request in the error, which quotes
    /// the API's message with every secret scrubbed before it is shortened.
    pub fn decode<T: serde::de::DeserializeOwned>(
        &self,
        answer: &Answer,
        what: &str,
    ) -> Result<T, FetchError> {
        serde_json::from_slice(&answer.body).map_err(|err| self.invalid_json(answer, what, &err))
    }

    /// Decodes `answer`'s body with `seed` (which may hand each element of an array on as it
    /// is read, holding no whole tree); errors as [`SourceClient::decode`]'s.
    pub fn decode_seed<'de, S: DeserializeSeed<'de>>(
        &self,
        answer: &'de Answer,
        what: &str,
        seed: S,
    ) -> Result<S::Value, FetchError> {
        let mut deserializer = serde_json::Deserializer::from_slice(&answer.body);
        seed.deserialize(&mut deserializer)
            .and_then(|value| deserializer.end().map(|()| value))
            .map_err(|err| self.invalid_json(answer, what, &err))
    }

    /// The error for a body that is not what `what` expected.
    fn invalid_json(&self, answer: &Answer, what: &str, err: &serde_json::Error) -> FetchError {
        self.scrub_error(FetchError::InvalidJson {
            what: what.to_owned(),
            detail: self.unexpected(answer, err),
        })
    }

    /// Why the body is not what was expected, in the words most useful to the user: an empty
    /// body with its status (`204 No Content`), the API's own message when the body is a JSON
    /// error (a portal answering an error with status 200), else the parser's complaint.
    fn unexpected(&self, answer: &Answer, err: &serde_json::Error) -> String {
        match serde_json::from_slice::<serde_json::Value>(&answer.body) {
            Ok(serde_json::Value::Object(map))
                if ["message", "error", "error_description", "reason"]
                    .iter()
                    .any(|key| map.get(*key).is_some_and(serde_json::Value::is_string)) =>
            {
                format!(
                    "{err}; the answer says: {}{}",
                    self.api_message(&answer.body),
                    served_as(&answer.headers)
                )
            }
            _ => self.not_json(answer.status, &answer.headers, &answer.body, err),
        }
    }

    /// Why a body is not JSON: `HTTP 200 with an empty body`, else the parser's complaint, the
    /// type the answer says it is and the near-JSON it holds (see [`likely_cause`]); a body
    /// that does not even begin as JSON (a portal's maintenance page, a login wall, a line of
    /// text such as `Service Unavailable`) is named by its title or quoted, which the parser's
    /// complaint at its first character does not do.
    fn not_json(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        err: &serde_json::Error,
    ) -> String {
        let Some(first) = body.iter().find(|byte| !byte.is_ascii_whitespace()) else {
            return format!("HTTP {status} with an empty body");
        };
        // Its bytes are no text: quoting them, or asking for UTF-8, would mislead.
        if let Some(encoding) = unread_encoding(headers) {
            return format!(
                "the answer is compressed as `{encoding}` (its Content-Encoding), which the collector neither asks for nor reads: the API, or a proxy before it, should answer uncompressed or gzip"
            );
        }
        let detail = format!("{err}{}{}", served_as(headers), likely_cause(body, err));
        match first {
            b'{' | b'[' => detail,
            b'<' => {
                let page = self.api_message(body);
                format!("{detail}: {page}")
            }
            _ => {
                let said = self.api_message(body);
                // A JSON text where an object was expected comes with its quotes.
                if said.len() > 1 && said.starts_with('"') && said.ends_with('"') {
                    format!("{detail}: the answer says {said}")
                } else {
                    format!("{detail}: the answer says \"{said}\"")
                }
            }
        }
    }

    /// The title of the HTML page answered where JSON was asked, 200 or a refusal (4xx) from
    /// `origin` before it answered any JSON in this run: on a public Wi-Fi, most often its
    /// captive portal's sign-in page, answering every address until someone signs in. The
    /// parser's complaint at its first character would read as the API's data broken, and
    /// `HTTP 403` alone as the API refusing its key. A host that has answered JSON refuses with
    /// its own error page (exports off behind a reverse proxy, a WAF's `Access denied`).
    fn sign_in_page(
        &self,
        origin: &str,
        status: u16,
        body: &[u8],
        want_json: bool,
    ) -> Option<String> {
        let html = body
            .iter()
            .find(|byte| !byte.is_ascii_whitespace())
            .is_some_and(|first| *first == b'<');
        let answered =
            status == 200 || ((400..500).contains(&status) && !self.json_hosts.answered(origin));
        if !(want_json && html && answered) {
            return None;
        }
        Some(self.api_message(body)).filter(|page| page.starts_with("an HTML page"))
    }

    /// Whether `answer` answers the request, and if not, whether to try again.
    pub(super) fn judge(
        &self,
        what: &str,
        origin: &str,
        answer: Answer,
        want_json: bool,
    ) -> Result<Answer, Attempt> {
        let (status, headers, body) = (answer.status, &answer.headers, &answer.body);
        // An error in JSON is the API's own: its host is reached, past any sign-in page.
        if status >= 400 && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            self.json_hosts.note(origin);
        }
        if status == 429 {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        // RFC 6585's status for a captive portal: its page comes again until someone signs in.
        if status == 511 {
            return Err(Attempt::Fatal(FetchError::Rejected {
                what: what.to_owned(),
                status,
                message: format!(
                    "the network this machine is on asks to sign in ({}): a captive portal, as a train's or a café's Wi-Fi has; sign in to it, and the next run collects",
                    self.api_message(body)
                ),
            }));
        }
        if status == 429 || status >= 500 {
            let wait = if status == 429 {
                retry::throttled_wait(headers, body)
            } else {
                retry::retry_after(headers)
            };
            let text = format!("HTTP {status}: {}", self.api_message(body));
            let reason = if status == 429 && wait.is_none() {
                Reason::throttled(text)
            } else {
                Reason::status(text)
            };
            return Err(Attempt::retry(reason, wait));
        }
        if let Some(page) = self.sign_in_page(origin, status, body, want_json) {
            return Err(Attempt::Fatal(FetchError::SignInPage {
                what: what.to_owned(),
                status,
                page,
            }));
        }
        if status >= 400 {
            return Err(Attempt::Fatal(FetchError::Rejected {
                what: what.to_owned(),
                status,
                message: self.api_message(body),
            }));
        }
        // A redirect reqwest did not follow: no usable `Location`, or a 300 or 304. Its body
        // is no answer to the request.
        if (300..400).contains(&status) {
            return Err(Attempt::Fatal(FetchError::Rejected {
                what: what.to_owned(),
                status,
                message: "a redirect without an address to follow".to_owned(),
            }));
        }
        let parsed = (want_json && status != 204)
            .then(|| serde_json::from_slice::<serde::de::IgnoredAny>(body));
        // A lone surrogate passes the check, which does not decode strings, and fails the
        // source's own reading.
        if parsed
            .as_ref()
            .is_some_and(|parsed| parsed.is_err() || lone_surrogates::may_hold(body))
            && let Some(body) = near_json(what, body)
        {
            warn_of_wide_integers(what, &body);
            self.json_hosts.note(origin);
            return Ok(Answer {
                body: Bytes::from(body),
                ..answer
            });
        }
        if matches!(parsed, Some(Ok(_))) {
            warn_of_wide_integers(what, body);
            self.json_hosts.note(origin);
        }
        if let Some(Err(err)) = parsed {
            let detail = self.not_json(status, headers, body, &err);
            // A body that stops early was cut off on the way: worth another try. A complete
            // one that is not JSON (a page served instead of data) would come again.
            if err.is_eof() {
                return Err(Attempt::retry(Reason::invalid_json(detail), None));
            }
            return Err(Attempt::Fatal(FetchError::InvalidJson {
                what: what.to_owned(),
                detail,
            }));
        }
        Ok(answer)
    }
}

/// Warns of an integer outside the signed 64-bit range in the JSON `body`: MongoDB cannot
/// store it, and JSON readers hold one past 64 bits as the nearest double, so records told
/// apart by it alone are taken for one, and it lands rounded (as served, in a body landed whole, which the summariser then refuses: MongoDB
/// cannot store it). Not a failure: it may lie where no record is read (an envelope's
/// checksum, a field dropped).
fn warn_of_wide_integers(what: &str, body: &[u8]) {
    if let Some(number) = std::str::from_utf8(body)
        .ok()
        .and_then(releve::wide_integer::first_in)
    {
        tracing::warn!(
            what,
            number,
            "The answer holds an integer outside the signed 64-bit range, which MongoDB cannot store, and which JSON readers round to the nearest float past 64 bits: records told apart by it alone are taken for one, and it lands rounded, or as served, where MongoDB cannot store it."
        );
    }
}

/// `body`, near-JSON that Python's `json.dumps` or JavaScript's `JSON.stringify` write, made
/// JSON, each change warned of, when that is all that kept it from being read: `NaN` and
/// `Infinity` (or C's and Swift's `nan` and `inf`) where a value is missing, read as null; half of a surrogate pair escaped alone (a
/// string cut in the middle of an emoji), read as U+FFFD.
fn near_json(what: &str, body: &[u8]) -> Option<Vec<u8>> {
    let (body, values) = match non_finite::as_null(body) {
        Some((body, values)) => (std::borrow::Cow::Owned(body), values),
        None => (std::borrow::Cow::Borrowed(body), 0),
    };
    let (body, halves) = match lone_surrogates::replaced(&body) {
        Some((body, halves)) => (std::borrow::Cow::Owned(body), halves),
        None => (body, 0),
    };
    if values + halves == 0 || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        return None;
    }
    if values > 0 {
        tracing::warn!(
            what,
            values,
            "The answer writes numbers as `NaN` or `Infinity` (or `nan`, `inf`), which are not JSON (Python's json.dumps, C and Swift write them for missing or infinite floats): read and landed as null."
        );
    }
    if halves > 0 {
        tracing::warn!(
            what,
            halves,
            "The answer escapes half of an emoji or other character alone (`\\ud83d`, a string cut in its middle), which is not JSON: read and landed as the replacement character U+FFFD (`\\ufffd`)."
        );
    }
    Some(body.into_owned())
}

/// What common near-JSON the parser stopped at, in words: `NaN` or `Infinity` (Python's
/// `json.dumps` writes them), a body not in UTF-8 (served as Latin-1), one JSON document per
/// line (NDJSON). Empty when it is none of them.
fn likely_cause(body: &[u8], err: &serde_json::Error) -> &'static str {
    // Where the reading stopped, in bytes (serde_json counts columns in bytes).
    let at = body
        .split_inclusive(|byte| *byte == b'\n')
        .take(err.line().saturating_sub(1))
        .map(<[u8]>::len)
        .sum::<usize>()
        + err.column().saturating_sub(1);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        // Stopped at a byte that is not UTF-8 (`Beno\xeet` in Latin-1): asking for UTF-8 helps.
        // Stopped before it (a Latin-1 page's `<`), the body is not JSON whatever its bytes.
        Err(not_utf8) if at + 1 >= not_utf8.valid_up_to() => {
            return ": the body is not UTF-8, which JSON must be (ask the API for UTF-8)";
        }
        Err(not_utf8) => std::str::from_utf8(&body[..not_utf8.valid_up_to()]).unwrap_or_default(),
    };
    let around = text.get(at.saturating_sub(1)..).unwrap_or_default();
    let around = around.trim_start_matches(|c: char| c.is_whitespace() || ",:[-".contains(c));
    if ["NaN", "Infinity"]
        .iter()
        .any(|word| around.starts_with(word))
    {
        return ": `NaN` and `Infinity` are not JSON (Python's json.dumps writes them for such floats); ask the API for null";
    }
    let mut documents =
        serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let ndjson = err.line() > 1
        && documents.next().is_some_and(|first| first.is_ok())
        && documents.next().is_some_and(|second| second.is_ok());
    if ndjson {
        return ": the body holds one JSON document after another (NDJSON, one per line), which relevé does not read: ask the API for one JSON array";
    }
    ""
}

/// The `Content-Encoding` of an answer reqwest did not decode (`deflate`, `br`): the
/// collector asks for gzip alone.
fn unread_encoding(headers: &HeaderMap) -> Option<&str> {
    // Compressions only: a server may name a charset there (`UTF-8`, `binary`) over a plain
    // body. reqwest removes the `gzip` it decoded.
    const COMPRESSIONS: &[&str] = &[
        "deflate",
        "br",
        "zstd",
        "compress",
        "x-compress",
        "gzip",
        "x-gzip",
    ];
    headers
        .get(reqwest::header::CONTENT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|encoding| {
            encoding.split(',').any(|coding| {
                COMPRESSIONS
                    .iter()
                    .any(|known| coding.trim().eq_ignore_ascii_case(known))
            })
        })
}

/// ` (served as text/html)` when an answer that should be JSON says it is something else: a
/// page served instead of data (a portal's maintenance page, a login wall) shows there.
fn served_as(headers: &HeaderMap) -> String {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .filter(|kind| !kind.is_empty() && !kind.contains("json"))
        .map(|kind| format!(" (served as {kind})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(body: &str) -> &'static str {
        let err =
            serde_json::from_slice::<serde::de::IgnoredAny>(body.as_bytes()).expect_err("not JSON");
        likely_cause(body.as_bytes(), &err)
    }

    #[test]
    fn common_near_json_is_named() {
        assert!(cause(r#"[{"id": 1, "v": NaN}]"#).contains("`NaN` and `Infinity` are not JSON"));
        assert!(cause("{\"v\": -Infinity}").contains("`NaN` and `Infinity`"));
        assert!(cause("{\"id\": 1}\n{\"id\": 2}\n").contains("NDJSON"));
        let latin1 = b"[{\"name\": \"Beno\xeet\"}]";
        let err = serde_json::from_slice::<serde_json::Value>(latin1).expect_err("not UTF-8");
        assert!(likely_cause(latin1, &err).contains("not UTF-8"));
        assert_eq!(cause("<html>maintenance</html>"), "");
        // A page served instead of data, in Latin-1: the reading stopped at its `<`, long before
        // its `é`; asking the API for UTF-8 would not help.
        let page = b"<html><body>Maintenance en cours, r\xe9essayez plus tard</body></html>";
        let err = serde_json::from_slice::<serde_json::Value>(page).expect_err("not JSON");
        assert_eq!(likely_cause(page, &err), "");
        // A NaN after a line break or a tab (json.dumps with `indent="\t"`).
        assert!(cause("[\n\tNaN\n]").contains("`NaN` and `Infinity`"));
        assert!(cause("{\"v\":\nNaN}").contains("`NaN` and `Infinity`"));
        assert!(cause("{\"v\": [1.5,\r\n  NaN]}").contains("`NaN` and `Infinity`"));
        assert_eq!(cause(r#"{"a": 1,}"#), "");
    }
}
