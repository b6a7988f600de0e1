//! What the landing kinds share: a set of records where a record served twice alike is kept once, the
//! removal of the source's `drop` fields, and the newest record time of a collection (the
//! incremental cursor).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, Utc};
use releve::Source;
use releve::record::{FieldPath, timestamp};
use serde_json::Value;

use super::{Collected, SourceError};

/// The records of one array-landing run. A record served again alike under its key is kept
/// once (paging over a live dataset can shift a record onto the next page); records sharing a
/// key with a different content are all kept, so the summariser keeps the last and says so (a
/// `key` that is not unique). Records without a key are kept.
pub(crate) struct RecordSet<'s> {
    source: &'s Source,
    dropped: Vec<FieldPath>,
    /// The indexes in `records` of the records held under each key and content hash: a
    /// record is compared only with those it may equal, so a `key` shared by every record
    /// costs no more than a unique one.
    seen: HashMap<(String, u64), Vec<usize>>,
    records: Vec<Value>,
    /// Records received, repeats included.
    received: u64,
}

impl<'s> RecordSet<'s> {
    /// An empty set for `source`.
    pub(crate) fn new(source: &'s Source) -> Self {
        RecordSet {
            source,
            dropped: source.dropped_fields(),
            seen: HashMap::new(),
            records: Vec::new(),
            received: 0,
        }
    }

    /// Records received, those skipped as already held included.
    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    /// Records held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Appends a page less the `drop` fields, skipping records already held alike; returns how
    /// many were appended.
    pub(crate) fn append(&mut self, page: Vec<Value>) -> u64 {
        let mut appended = 0;
        self.received += page.len() as u64;
        for mut record in page {
            drop_fields(&self.dropped, &mut record);
            let fresh = match self.source.key.get(&record) {
                Some(key) => {
                    let held = self.seen.entry((key, content_hash(&record))).or_default();
                    let again = held.iter().any(|&index| self.records[index] == record);
                    if !again {
                        held.push(self.records.len());
                    }
                    !again
                }
                None => true,
            };
            if fresh {
                self.records.push(record);
                appended += 1;
            }
        }
        appended
    }

    /// The run's result: the records as the JSON array that lands, and the API's total.
    pub(crate) fn into_collected(self, announced: u64) -> Result<Collected, SourceError> {
        let body = serde_json::to_vec(&self.records).map_err(|err| SourceError::Unexpected {
            what: format!("landing `{}`", self.source.name),
            message: format!("the records could not be written as JSON: {err}"),
        })?;
        let survey = survey(self.source, &self.records);
        Ok(Collected {
            body,
            records: self.records.len() as u64,
            announced: Some(announced),
            shortfall: 0,
            newest: survey.newest,
            unusable: survey.unusable,
            key_clashes: survey.key_clashes,
            absent: survey.absent,
            not_values: survey.not_values,
        })
    }
}

/// A hash of a record's content: equal records hash alike, whatever the order of their
/// fields.
fn content_hash(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    match value {
        Value::Null => 0_u8.hash(&mut hasher),
        Value::Bool(b) => (1_u8, b).hash(&mut hasher),
        // As written: `1` and `1.0` are not equal values either.
        Value::Number(n) => (2_u8, n.to_string()).hash(&mut hasher),
        Value::String(text) => (3_u8, text).hash(&mut hasher),
        Value::Array(items) => {
            (4_u8, items.len()).hash(&mut hasher);
            for item in items {
                content_hash(item).hash(&mut hasher);
            }
        }
        Value::Object(fields) => {
            let entries = fields.iter().fold(0_u64, |sum, (name, field)| {
                let mut entry = DefaultHasher::new();
                (name, content_hash(field)).hash(&mut entry);
                sum.wrapping_add(entry.finish())
            });
            (5_u8, fields.len(), entries).hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// Removes the `dropped` fields from `record`.
pub(crate) fn drop_fields(dropped: &[FieldPath], record: &mut Value) {
    for path in dropped {
        path.remove(record);
    }
}

/// What one pass over a collection's records tells about the fields the summariser reads.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Survey {
    /// The newest `time`; `None` when no record has a time.
    pub(crate) newest: Option<DateTime<Utc>>,
    /// Records lacking a `key` or a `time` value: the summariser will skip them.
    pub(crate) unusable: u64,
    /// Records whose `key` an earlier record with other content holds: the summariser keeps
    /// one version per key, so all but the last are lost unless the `key` is fixed.
    pub(crate) key_clashes: u64,
    /// The `numeric`, `categories`, `lon` and `lat` paths no record holds, even as null
    /// (`` `val` (numeric) ``): most likely a wrong path. Empty when there is no record.
    pub(crate) absent: Vec<String>,
    /// The same paths that records hold only as objects or arrays, never as a value
    /// (`` `m.no2` (numeric) `` where `m.no2` is `{"value": 12, "unit": "µg/m³"}`): the
    /// summariser reads them as missing. Empty when there is no record.
    pub(crate) not_values: Vec<String>,
}

/// Reads every record's `key` and `time` once, and the other read fields until one holds a
/// value (a number, text or a boolean).
pub(crate) fn survey(source: &Source, records: &[Value]) -> Survey {
    let mut survey = Survey::default();
    // Each key read, with the content of the last record holding it.
    let mut keys: HashMap<String, u64> = HashMap::new();
    // Each field not yet seen holding a value: whether it was seen as null, and as an object
    // or an array.
    let mut unseen: Vec<(&str, &FieldPath, bool, bool)> = source
        .read_fields()
        .filter(|(key, _)| !matches!(*key, "key" | "time"))
        .map(|(key, path)| (key, path, false, false))
        .collect();
    for record in records {
        let time = source.time.get(record).and_then(timestamp);
        let key = source.key.get(record);
        if time.is_none() || key.is_none() {
            survey.unusable += 1;
        }
        // A record without a time is not stored, so it clashes with none.
        if let (Some(key), Some(_)) = (key, time) {
            let content = content_hash(record);
            if keys
                .insert(key, content)
                .is_some_and(|held| held != content)
            {
                survey.key_clashes += 1;
            }
        }
        survey.newest = survey.newest.max(time);
        unseen.retain_mut(|(_, path, null, composite)| match path.get(record) {
            None => true,
            Some(Value::Null) => {
                *null = true;
                true
            }
            Some(Value::Object(_) | Value::Array(_)) => {
                *composite = true;
                true
            }
            Some(_) => false,
        });
    }
    if !records.is_empty() {
        for (key, path, null, composite) in unseen {
            let named = format!("`{path}` ({key})");
            if composite {
                survey.not_values.push(named);
            } else if !null {
                survey.absent.push(named);
            }
        }
    }
    survey
}

/// The newest `time` among records; `None` when no record has a time.
pub fn newest_time(source: &Source, records: &[Value]) -> Option<DateTime<Utc>> {
    survey(source, records).newest
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn source() -> Source {
        let text = r#"
[[source]]
name = "stations"
kind = "http_json"
url = "http://127.0.0.1:9/stations"
every = "15m"
key = "id"
time = "t"
numeric = ["val", "rain"]
categories = ["kind"]
"#;
        crate::testing::configured(text)
    }

    #[test]
    fn fields_no_record_holds_are_named_and_nulls_count_as_held() {
        let records = vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "value": 3.5, "rain": null, "kind": "a"}),
            json!({"id": 2, "t": "2026-11-21T10:15:00Z", "value": 4.0, "kind": "b"}),
            json!({"t": "2026-11-21T10:30:00Z", "value": 4.5}),
        ];
        let survey = survey(&source(), &records);
        assert_eq!(survey.absent, vec!["`val` (numeric)".to_owned()]);
        assert_eq!(survey.unusable, 1, "the record without an id");
        assert!(
            super::survey(&source(), &[]).absent.is_empty(),
            "no record, no verdict"
        );
    }

    #[test]
    fn records_sharing_a_key_with_other_content_are_counted() {
        let records = vec![
            json!({"id": "net-us", "t": "2026-11-21T10:00:00Z", "val": 1.0}),
            json!({"id": "net-us", "t": "2026-11-21T10:05:00Z", "val": 2.0}),
            json!({"id": "net-ak", "t": "2026-11-21T10:10:00Z", "val": 3.0}),
            json!({"id": "net-ak", "t": "2026-11-21T10:10:00Z", "val": 3.0}),
        ];
        assert_eq!(
            survey(&source(), &records).key_clashes,
            1,
            "the second `net-us`; the same record twice is no clash"
        );
    }

    #[test]
    fn fields_held_only_as_objects_or_arrays_are_named_apart() {
        let records = vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "val": {"value": 3.5, "unit": "mm"}, "rain": [1, 2], "kind": "a"}),
            json!({"id": 2, "t": "2026-11-21T10:15:00Z", "val": {"value": 4.0}, "rain": 0.5, "kind": {"code": "b"}}),
            json!({"id": 3, "t": "2026-11-21T10:30:00Z", "val": null, "kind": "c"}),
        ];
        let survey = survey(&source(), &records);
        assert_eq!(
            survey.not_values,
            vec!["`val` (numeric)".to_owned()],
            "`rain` and `kind` hold a value in some record; a null (a sensor offline) hides nothing"
        );
        assert!(survey.absent.is_empty());
    }

    #[test]
    fn a_record_served_again_alike_is_kept_once_and_different_ones_under_its_key_are_all_kept() {
        let source = source();
        let mut set = RecordSet::new(&source);
        let reading = |t: &str, val: f64| json!({"id": 1, "t": t, "val": val});
        let first = vec![
            reading("2026-11-21T10:00:00Z", 1.0),
            reading("2026-11-21T10:15:00Z", 2.0),
        ];
        assert_eq!(
            set.append(first),
            2,
            "two readings under one key: the summariser says so"
        );
        assert_eq!(
            set.append(vec![reading("2026-11-21T10:15:00Z", 2.0)]),
            0,
            "shifted onto the next page"
        );
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn a_key_every_record_shares_keeps_them_all_and_each_repeat_once() {
        // A `key` that is not unique (a v1 `datasetid`): the set stays correct, and it is
        // compared by content hash, not with every record held under the key.
        let source = source();
        let mut set = RecordSet::new(&source);
        let records: Vec<Value> = (0..20_000)
            .map(|i| json!({"id": "same", "t": "2026-11-21T10:00:00Z", "val": i, "tags": [i % 7]}))
            .collect();
        assert_eq!(set.append(records.clone()), 20_000);
        assert_eq!(set.append(records), 0, "served again alike");
        assert_eq!(set.len(), 20_000);
    }
}
