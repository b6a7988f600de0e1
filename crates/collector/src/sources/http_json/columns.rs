//! `columns = true`: records served as parallel arrays, one per field (Open-Meteo's `hourly`
//! and `daily`), turned into one record per position before the body lands.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer as _, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::records_at::kind_of;

/// Why the value at the records path cannot be read as columns.
#[derive(Debug, PartialEq, thiserror::Error)]
pub(crate) enum ColumnsError {
    #[error("leads to {0} instead of an object of columns (one array per field, `columns = true`)")]
    NotAnObject(&'static str),
    #[error(
        "leads to an object holding no array: with `columns = true` each field is an array of the records' values"
    )]
    NoArray,
    #[error(
        "holds `{first}` with {first_len} values but `{other}` with {other_len}: which values belong together is unclear, so nothing lands"
    )]
    Unequal {
        first: String,
        first_len: usize,
        other: String,
        other_len: usize,
    },
    #[error(
        "holds `{0}` twice: which of its values belong to the records is unclear, so nothing lands"
    )]
    Repeated(String),
}

/// The first member the columns' object written as `text` holds twice with different values
/// (`"time": [..], "time": [..]`): the parsed body keeps only the last copy, whose values would
/// pair with the other columns' without a word. `None` when every name is given once (or its
/// copies alike), or `text` is no object.
pub(crate) fn repeated_member(text: &str) -> Option<String> {
    struct Names;
    impl<'de> Visitor<'de> for Names {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of columns")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // Each member's text, borrowed: values are parsed only to compare two copies.
            let mut seen: HashMap<String, &'de RawValue> = HashMap::new();
            let mut repeated = None;
            while let Some(name) = map.next_key::<String>()? {
                let value = map.next_value::<&'de RawValue>()?;
                match seen.get(&name) {
                    Some(first) if repeated.is_none() && !alike(first, value) => {
                        repeated = Some(name);
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(name, value);
                    }
                }
            }
            Ok(repeated)
        }
    }
    serde_json::Deserializer::from_str(text)
        .deserialize_map(Names)
        .ok()
        .flatten()
}

/// Whether two copies of a member say the same, however they are spaced.
fn alike(first: &RawValue, second: &RawValue) -> bool {
    let parse = |raw: &RawValue| serde_json::from_str::<Value>(raw.get()).ok();
    first.get() == second.get()
        || matches!((parse(first), parse(second)), (Some(a), Some(b)) if a == b)
}

/// A member of the columns' object, as it goes into the records.
enum Member {
    /// An array: its items go one to each record, in order.
    Column(std::vec::IntoIter<Value>),
    /// Anything else: every record holds it.
    Shared(Value),
}

/// The records `columns` make: record `i` holds each array's item `i` under the array's name,
/// and every member that is not an array as it is, members in the object's order. The arrays
/// must all have the same length.
pub(crate) fn records(columns: Value) -> Result<Vec<Value>, ColumnsError> {
    let Value::Object(object) = columns else {
        return Err(ColumnsError::NotAnObject(kind_of(&columns)));
    };
    let mut length: Option<(&String, usize)> = None;
    for (name, value) in &object {
        let Value::Array(items) = value else {
            continue;
        };
        match length {
            None => length = Some((name, items.len())),
            Some((first, first_len)) if first_len != items.len() => {
                return Err(ColumnsError::Unequal {
                    first: first.clone(),
                    first_len,
                    other: name.clone(),
                    other_len: items.len(),
                });
            }
            Some(_) => {}
        }
    }
    let count = length.ok_or(ColumnsError::NoArray)?.1;
    let mut members: Vec<(String, Member)> = object
        .into_iter()
        .map(|(name, value)| match value {
            Value::Array(items) => (name, Member::Column(items.into_iter())),
            other => (name, Member::Shared(other)),
        })
        .collect();
    let records = (0..count)
        .map(|_| {
            let record: Map<String, Value> = members
                .iter_mut()
                .map(|(name, member)| {
                    let value = match member {
                        Member::Column(items) => items.next().unwrap_or(Value::Null),
                        Member::Shared(value) => value.clone(),
                    };
                    (name.clone(), value)
                })
                .collect();
            Value::Object(record)
        })
        .collect();
    Ok(records)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_position_of_the_arrays_is_one_record() {
        let hourly = json!({
            "time": ["2026-12-03T00:00", "2026-12-03T01:00", "2026-12-03T02:00"],
            "temperature_2m": [7.1, 6.8, null],
            "weather_code": [3, 3, 61],
        });
        assert_eq!(
            records(hourly),
            Ok(vec![
                json!({"time": "2026-12-03T00:00", "temperature_2m": 7.1, "weather_code": 3}),
                json!({"time": "2026-12-03T01:00", "temperature_2m": 6.8, "weather_code": 3}),
                json!({"time": "2026-12-03T02:00", "temperature_2m": null, "weather_code": 61}),
            ])
        );
    }

    #[test]
    fn a_member_that_is_no_array_goes_into_every_record() {
        let daily =
            json!({"station": "Compans", "day": ["2026-12-02", "2026-12-03"], "rain": [0.0, 4.2]});
        assert_eq!(
            records(daily),
            Ok(vec![
                json!({"station": "Compans", "day": "2026-12-02", "rain": 0.0}),
                json!({"station": "Compans", "day": "2026-12-03", "rain": 4.2}),
            ])
        );
    }

    #[test]
    fn empty_arrays_are_no_records() {
        assert_eq!(records(json!({"time": [], "rain": []})), Ok(Vec::new()));
    }

    #[test]
    fn arrays_of_different_lengths_land_nothing_and_are_named() {
        let err =
            records(json!({"time": ["a", "b", "c"], "rain": [0.0, 1.0]})).expect_err("unequal");
        assert_eq!(
            err.to_string(),
            "holds `time` with 3 values but `rain` with 2: which values belong together is unclear, so nothing lands"
        );
    }

    #[test]
    fn a_member_written_twice_is_named() {
        let text = r#"{"time": ["a"], "rain": [0.0], "time": ["b"]}"#;
        assert_eq!(repeated_member(text), Some("time".to_owned()));
        assert_eq!(repeated_member(r#"{"time": ["a"], "rain": [0.0]}"#), None);
        let alike = r#"{"time": ["a"], "rain": [0.0], "time": ["a"]}"#;
        assert_eq!(repeated_member(alike), None, "copies alike lose nothing");
    }

    #[test]
    fn what_is_not_an_object_of_arrays_is_refused() {
        assert_eq!(
            records(json!([{"time": "a"}])),
            Err(ColumnsError::NotAnObject("an array"))
        );
        assert_eq!(records(json!({"time": "a"})), Err(ColumnsError::NoArray));
    }
}
