//! What the landing kinds share: a set of records kept once by their configured key, the
//! removal of the source's `drop` fields, and the newest record time of a collection (the
//! incremental cursor).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use releve::Source;
use releve::record::{FieldPath, identity, timestamp};
use serde_json::Value;

use super::{Collected, SourceError};

/// The records of one array-landing run, each kept once by its configured key (paging over a
/// live dataset can shift a record onto the next page). Records without a key are kept.
pub(crate) struct RecordSet<'s> {
    source: &'s Source,
    dropped: Vec<FieldPath>,
    seen: HashSet<String>,
    records: Vec<Value>,
}

impl<'s> RecordSet<'s> {
    /// An empty set for `source`.
    pub(crate) fn new(source: &'s Source) -> Self {
        RecordSet {
            source,
            dropped: source.dropped_fields(),
            seen: HashSet::new(),
            records: Vec::new(),
        }
    }

    /// Appends a page less the `drop` fields, skipping records already held; returns how many
    /// were appended.
    pub(crate) fn append(&mut self, page: Vec<Value>) -> u64 {
        let mut appended = 0;
        for mut record in page {
            drop_fields(&self.dropped, &mut record);
            let fresh = match self.source.key.get(&record).and_then(identity) {
                Some(key) => self.seen.insert(key),
                None => true,
            };
            if fresh {
                self.records.push(record);
                appended += 1;
            }
        }
        appended
    }

    /// Replaces everything held with a whole selection (an export or download).
    pub(crate) fn replace(&mut self, selection: Vec<Value>) -> u64 {
        self.records.clear();
        self.seen.clear();
        self.append(selection)
    }

    /// The run's result: the records as the JSON array that lands, and the API's total.
    pub(crate) fn into_collected(self, announced: u64) -> Result<Collected, SourceError> {
        let body = serde_json::to_vec(&self.records).map_err(|err| SourceError::Unexpected {
            what: format!("landing `{}`", self.source.name),
            message: format!("the records could not be written as JSON: {err}"),
        })?;
        let times = survey(self.source, &self.records);
        Ok(Collected {
            body,
            records: self.records.len() as u64,
            announced: Some(announced),
            shortfall: 0,
            newest: times.newest,
            unusable: times.unusable,
        })
    }
}

/// Removes the `dropped` fields from `record`.
pub(crate) fn drop_fields(dropped: &[FieldPath], record: &mut Value) {
    for path in dropped {
        path.remove(record);
    }
}

/// What one pass over a collection's records tells about their `key` and `time` values.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Survey {
    /// The newest `time`; `None` when no record has a time.
    pub(crate) newest: Option<DateTime<Utc>>,
    /// Records lacking a `key` or a `time` value: the summariser will skip them.
    pub(crate) unusable: u64,
}

/// Reads every record's `key` and `time` once.
pub(crate) fn survey(source: &Source, records: &[Value]) -> Survey {
    let mut survey = Survey::default();
    for record in records {
        let time = source.time.get(record).and_then(timestamp);
        if time.is_none() || source.key.get(record).and_then(identity).is_none() {
            survey.unusable += 1;
        }
        survey.newest = survey.newest.max(time);
    }
    survey
}

/// The newest `time` among records; `None` when no record has a time.
pub fn newest_time(source: &Source, records: &[Value]) -> Option<DateTime<Utc>> {
    survey(source, records).newest
}
