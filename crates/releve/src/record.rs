//! The record model: how a configured dotted path finds a value in a JSON record, and how
//! identities, times and numbers are read from whatever shape the API gave them.

use serde_json::Value;

mod ahead;
mod category;
mod field_path;
mod number;
mod time;

pub use ahead::{LOCAL_TIME_MARGIN, ahead_with_offset, ahead_without_offset};
pub use category::{CATEGORY_CHARS, EXAMPLE_CHARS, category, cut_category, cut_example};
pub use field_path::{FieldPath, array_index};
pub use number::number;
pub use time::{date_alone, local_clock, timestamp, timestamp_in, without_offset};

/// A record's identity: the key value as text (`"hv74753377"`, or `"42"` for a number).
pub fn identity(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A longitude and latitude in degrees, when they name a place on the globe (a longitude of
/// 200 or a latitude of 95 is a wrong field or a placeholder, not a place).
pub fn on_globe(lon: f64, lat: f64) -> Option<(f64, f64)> {
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then_some((lon, lat))
}

#[cfg(test)]
mod tests;
