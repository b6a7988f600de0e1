//! An answer that says the call failed, with status 200: an `error` member beside no records,
//! a JSend `"status": "fail"`, a refusal (`"REQUEST_DENIED"`), `"success": false`. Landed, it
//! would read as a selection matching nothing, and the run would be counted a success.

mod status;

use releve::Source;
use serde_json::Value;

use super::records_at::quoted;
use crate::sources::SourceError;
use status::{says_failure, status_code};

/// What an answer says of its failure, when it says it failed: a top-level `error` or `errors`
/// member that says something (not null, false, 0 or empty), or a member saying the call
/// failed (see [`failed_by`]); followed by the answer's message when the member is a flag or
/// a code (`"error": true, "reason": "API key expired"`, Open-Meteo's shape).
pub(super) fn error_member(body: &Value) -> Option<String> {
    ["error", "errors"]
        .iter()
        .find_map(|name| {
            let said = body.get(*name)?;
            let empty = match said {
                Value::Null | Value::Bool(false) => true,
                // An error code of 0 is many APIs' success.
                Value::Number(code) => code.as_f64() == Some(0.0),
                Value::String(text) => text.trim().is_empty(),
                Value::Array(items) => items.is_empty(),
                Value::Object(members) => members.is_empty(),
                Value::Bool(true) => false,
            };
            (!empty).then_some((*name, said))
        })
        .or_else(|| failed_by(body))
        .map(|(name, value)| failure_words(body, name, value))
}

/// The words of an answer's failure said by its member `name` = `value`, followed by the
/// answer's message when the member is a flag or a code.
fn failure_words(body: &Value, name: &str, value: &Value) -> String {
    // An `error` holding text, a list or an object says its words itself; a flag or a code
    // does not.
    let says_itself = name.starts_with("error")
        && matches!(value, Value::String(_) | Value::Array(_) | Value::Object(_));
    let message = [
        "message",
        "error_message",
        "error_description",
        "detail",
        "description",
        "msg",
        "reason",
        // Beside a flag (Slack's `"ok": false, "error": "invalid_auth"`).
        "error",
    ]
    .iter()
    .filter(|_| !says_itself)
    .filter(|other| **other != name)
    .find_map(|name| match body.get(*name)? {
        text @ Value::String(said) if !said.trim().is_empty() => {
            Some(format!(", `{name}` = {}", quoted(text)))
        }
        _ => None,
    });
    format!(
        "`{name}` = {}{}",
        quoted(value),
        message.unwrap_or_default()
    )
}

/// Fails a run whose answer holds no record where it says the call failed by a member such as
/// `"status": "REQUEST_DENIED"` beside an empty list (`{"results": [], "status":
/// "REQUEST_DENIED", "error_message": "The provided API key is invalid."}` with status 200):
/// landed, it would read as a selection matching nothing. (An `error` member beside an empty
/// list is not taken for a failure: some APIs say "no data" so.)
pub(super) fn refused_without_records(
    source: &Source,
    body: &[u8],
    count: u64,
) -> Result<(), SourceError> {
    if count > 1 || (count == 1 && !source.records_path().is_root()) {
        return Ok(());
    }
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    if count == 1 {
        return refused_as_the_record(source, &answer);
    }
    match failed_by(&answer) {
        Some((name, value)) => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "the answer holds no records at `records` = `{}`, and says the call failed: {}",
                source.records_path(),
                failure_words(&answer, name, value)
            ),
        }),
        None => Ok(()),
    }
}

/// Fails a run whose answer, taken whole for the one record (`records = ""`), is an object
/// without the record's `key` or `time` that says the call failed (`{"status": "error",
/// "message": "database is locked"}` with status 200): landed, it would be a record without
/// key or time, quarantined by the summariser for its paths, the API's words said nowhere.
fn refused_as_the_record(source: &Source, answer: &Value) -> Result<(), SourceError> {
    let recordless = source.key.get(answer).is_none() || source.time.get(answer).is_none();
    match error_member(answer).filter(|_| answer.is_object() && recordless) {
        Some(said) => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "the answer, taken whole for the one record (`records` = \"\"), lacks the record's `key` or `time` and says the call failed: {said}"
            ),
        }),
        None => Ok(()),
    }
}

/// A top-level member by which an answer says the call failed, other than `error`: a JSend
/// `"status": "fail"` or `"error"` (Flickr's `stat`), a status naming a refusal or a spent
/// quota (`"REQUEST_DENIED"`, `"OVER_QUERY_LIMIT"`), an HTTP status of 400 or more written in
/// the body (as a number or as text), `"success": false` or `"ok": false` (or `"false"`).
fn failed_by(body: &Value) -> Option<(&'static str, &Value)> {
    ["status", "stat", "success", "ok"].iter().find_map(|name| {
        let value = body.get(*name)?;
        let failed = match (*name, value) {
            // A code written as text too (`"status": "400"`), alone or leading a status line
            // (`"429 Too Many Requests"`, `"200 OK"`).
            ("status" | "stat", Value::String(status)) => match status_code(status) {
                Some(code) => (400..600).contains(&code),
                None => says_failure(status),
            },
            ("status" | "stat", Value::Number(code)) => {
                code.as_u64().is_some_and(|c| (400..600).contains(&c))
            }
            ("success" | "ok", Value::Bool(false)) => true,
            ("success" | "ok", Value::String(flag)) => flag.trim().eq_ignore_ascii_case("false"),
            _ => false,
        };
        failed.then_some((*name, value))
    })
}

#[cfg(test)]
mod tests;
