//! Helpers the array-landing kinds share: keep each record once by its configured key, and
//! find the newest record time of a collection (the incremental cursor).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use releve::Source;
use releve::record::{identity, timestamp};
use serde_json::Value;

/// Appends `page` to `records`, skipping records whose key was already seen (paging over a
/// live dataset can shift a record onto the next page). Records without a key are kept.
/// Returns how many were appended.
pub(crate) fn append_unique(
    source: &Source,
    seen: &mut HashSet<String>,
    records: &mut Vec<Value>,
    page: Vec<Value>,
) -> u64 {
    let mut appended = 0;
    for record in page {
        let fresh = match source.key.get(&record).and_then(identity) {
            Some(key) => seen.insert(key),
            None => true,
        };
        if fresh {
            records.push(record);
            appended += 1;
        }
    }
    appended
}

/// The newest `time` among a landed array of records; `None` when no record has a time.
pub fn newest_time(source: &Source, records: &[Value]) -> Option<DateTime<Utc>> {
    records
        .iter()
        .filter_map(|record| source.time.get(record).and_then(timestamp))
        .max()
}

/// Serialises the records as the JSON array that lands.
pub(crate) fn to_array_bytes(records: &[Value]) -> Vec<u8> {
    serde_json::to_vec(records).unwrap_or_else(|_| b"[]".to_vec())
}
