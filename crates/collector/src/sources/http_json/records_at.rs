//! Where the records are in an answer: a null there read as no records (or as the API's
//! failure beside an error), the records at the `records` path, and what a value is in words.

use releve::Source;
use releve::record::cut_example;
use serde_json::Value;

use super::failure::error_member;
use super::no_content;
use super::what_is_there::what_is_there;
use crate::sources::SourceError;

/// Makes a null at the `records` path an empty array, and says so: APIs written in Go answer
/// an empty list as `null` (`{"data": null}`), which is no error; returns whether it did. When
/// the answer says it failed (see [`error_member`]), no records there (null, or no such path)
/// is the API's failure, not an empty list (`{"error": "invalid api key", "data": null}` with
/// status 200): the run fails with its words.
pub(super) fn null_records(source: &Source, body: &mut Value) -> Result<bool, SourceError> {
    let path = source.records_path();
    let at_path = path.get(body);
    if at_path.is_none_or(Value::is_null)
        && let Some(said) = error_member(body)
    {
        // A path not there may be mistyped, beside an error that is only a warning.
        let there = if at_path.is_none() {
            what_is_there(body, &path)
        } else {
            String::new()
        };
        return Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "the answer holds no records at `records` = `{path}`{there}, beside an error: {said}"
            ),
        });
    }
    let segments = path.segments();
    // A null on the way counts as well (`{"data": null}` for `records = "data.items"`): it
    // becomes the objects down to an empty array.
    let mut at = body;
    let mut walked = 0;
    while !at.is_null() {
        let Some(segment) = segments.get(walked) else {
            return Ok(false);
        };
        let Value::Object(members) = at else {
            return Ok(false);
        };
        let Some(next) = members.get_mut(segment) else {
            return Ok(false);
        };
        at = next;
        walked += 1;
    }
    *at = no_content::empty_records_at(&segments[walked..]);
    tracing::info!(
        source = %source.name,
        records = %path,
        "The answer holds null where the records go: read as no records (an API may write an empty list so)."
    );
    Ok(true)
}

/// A value of the answer as JSON writes it, cut as an example is, on one line: JSON's escapes
/// leave a line separator, a C1 control or a bidirectional control as they are.
pub(super) fn quoted(value: &Value) -> String {
    releve::logging::one_line(&cut_example(&value.to_string()))
}

/// The records at the `records` path: an array's items, or an object as the one record.
pub(super) fn records_at<'b>(
    source: &Source,
    body: &'b mut Value,
) -> Result<&'b mut [Value], SourceError> {
    let path = source.records_path();
    let unexpected = |message| SourceError::Unexpected {
        what: "GET".to_owned(),
        message,
    };
    // Said from the whole body, before it is borrowed to hand the records out.
    let missing = format!(
        "key `records` = `{path}` is not in the answer{}",
        what_is_there(body, &path)
    );
    match path.get_mut(body) {
        Some(Value::Array(items)) => Ok(items.as_mut_slice()),
        Some(record @ Value::Object(_)) => Ok(std::slice::from_mut(record)),
        Some(other) => Err(unexpected(format!(
            "key `records` = `{path}` leads to {} ({}) instead of an array or an object",
            kind_of(other),
            quoted(other)
        ))),
        None => Err(unexpected(missing)),
    }
}

/// The most member names said of an object the `records` path stops in.
/// What `value` is, in words.
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
