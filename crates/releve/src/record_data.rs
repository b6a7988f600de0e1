//! A stored record's `data` read back as the JSON the API served. It is read from the raw
//! BSON, field by field: reading it as a `Document` would take an object shaped like extended
//! JSON for the value it describes (`{"$numberLong": "5"}` as the number 5, a `unit` beside it
//! lost) and fail on one that describes nothing (`{"$date": "soon"}`), though the summariser
//! stores such objects as served.

use mongodb::bson::raw::{RawArray, RawBsonRef, RawDocument};
use mongodb::bson::{self, Bson};
use serde_json::{Map, Value};

/// The JSON of `document`, a stored record's `data`. Values of BSON types the summariser does
/// not write (dates, object ids: earlier versions stored extended-JSON-shaped objects so) are
/// given in relaxed extended JSON; bytes that are not BSON give an error.
pub fn as_json(document: &RawDocument) -> Result<Value, bson::raw::Error> {
    let mut object = Map::new();
    for element in document {
        let (name, value) = element?;
        object.insert(name.to_owned(), value_json(value)?);
    }
    Ok(Value::Object(object))
}

fn array_json(array: &RawArray) -> Result<Value, bson::raw::Error> {
    array
        .into_iter()
        .map(|item| value_json(item?))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// The JSON of one stored value, as [`as_json`] reads it.
pub fn value_json(value: RawBsonRef<'_>) -> Result<Value, bson::raw::Error> {
    Ok(match value {
        RawBsonRef::Null => Value::Null,
        RawBsonRef::Boolean(b) => Value::Bool(b),
        RawBsonRef::Int32(n) => Value::from(n),
        RawBsonRef::Int64(n) => Value::from(n),
        RawBsonRef::String(text) => Value::String(text.to_owned()),
        RawBsonRef::Document(document) => as_json(document)?,
        RawBsonRef::Array(array) => array_json(array)?,
        RawBsonRef::Double(n) if n.is_finite() => Value::from(n),
        other => Bson::try_from(other)?.into_relaxed_extjson(),
    })
}

#[cfg(test)]
mod tests {
    use mongodb::bson::{RawDocumentBuf, doc};
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_shaped_like_extended_json_read_back_as_served() {
        let stored = doc! {
            "n": {"$numberLong": "5", "unit": "x"},
            "bad": {"$date": "soon"},
            "ok": {"$oid": "xyz"},
            "v": [1_i64, 2.5, null, true, "t", {"$numberInt": "3"}],
        };
        let raw = RawDocumentBuf::from_document(&stored).expect("BSON");
        assert_eq!(
            as_json(&raw).expect("JSON"),
            json!({
                "n": {"$numberLong": "5", "unit": "x"},
                "bad": {"$date": "soon"},
                "ok": {"$oid": "xyz"},
                "v": [1, 2.5, null, true, "t", {"$numberInt": "3"}],
            })
        );
    }

    #[test]
    fn typed_values_of_earlier_versions_read_as_relaxed_extended_json() {
        let when = bson::DateTime::from_millis(1_764_496_800_000);
        let raw = RawDocumentBuf::from_document(&doc! {"at": when}).expect("BSON");
        assert_eq!(
            as_json(&raw).expect("JSON"),
            json!({"at": {"$date": "2025-11-30T10:00:00Z"}})
        );
    }
}
