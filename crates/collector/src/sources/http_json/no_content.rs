//! An answer of `204 No Content` to an `http_json` source: no records, not a failure. An FDSN
//! event service, USGS's catalogue `query` among them, answers so when no event matches the
//! request (its `nodata` is 204 unless asked otherwise): a quiet window is no outage.

use bytes::Bytes;
use releve::Source;
use serde_json::Value;

use crate::http::Answer;

/// An empty array at `segments`, inside the objects leading to it: `[]` for the body itself,
/// `{"features": []}` for `records = "features"`.
pub(super) fn empty_records_at(segments: &[String]) -> Value {
    segments
        .iter()
        .rev()
        .fold(Value::Array(Vec::new()), |inner, segment| {
            Value::Object(serde_json::Map::from_iter([(segment.clone(), inner)]))
        })
}

/// The answer a `204 No Content` without a body stands for: the body holding no records at the
/// source's `records` path, which lands as such. `None` for any other answer, read as served.
pub(super) fn as_no_records(source: &Source, answer: &Answer) -> Option<Answer> {
    if answer.status != 204 || answer.body.iter().any(|byte| !byte.is_ascii_whitespace()) {
        return None;
    }
    let body = empty_records_at(source.records_path().segments()).to_string();
    tracing::info!(
        source = %source.name,
        "The API answered 204 No Content: read as no records (an FDSN event service, as USGS's query, answers so when no event matches)."
    );
    Some(Answer {
        status: answer.status,
        headers: answer.headers.clone(),
        body: Bytes::from(body),
    })
}

#[cfg(test)]
mod tests {
    use super::empty_records_at;
    use serde_json::json;

    #[test]
    fn no_records_take_the_shape_of_the_records_path() {
        assert_eq!(empty_records_at(&[]), json!([]));
        assert_eq!(
            empty_records_at(&["data".to_owned(), "items".to_owned()]),
            json!({"data": {"items": []}})
        );
    }
}
