//! A batch: consecutive landed files of one source merged in memory, one version per record key.
//!
//! Versions are merged in landing order. A version whose content differs from the one held
//! replaces it, and is marked as having replaced one; an identical version does not, so a record
//! keeps the first file of its latest unchanged run of versions. The mark tells the plan that a
//! version equal to the stored one still starts a new run (stored `a=2`, then `a=1`, then `a=2`
//! again), so the stored file is the same however the files are split into batches: that is
//! what makes a rerun after a crash end in the same state as a clean run. Every file that held
//! the version is kept too: one landed after a file waiting in quarantine becomes the stored
//! `last_file` (see [`crate::plan`]), so that file, moved back, is stale however its content
//! compares.
//!
//! A source with a `version` field orders versions by it first ([`Recency`]): a version less
//! recent than the one held is ignored, as if its file did not hold the record, and only
//! versions as recent as each other are ordered by landing.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use releve::recency::Recency;
use releve::{RawFileName, Source};
use serde_json::Value;

use crate::landed::{LandedFile, LandedRecord, RecordText};
use crate::summary::{Facts, hour_of};

/// The version of a record a batch holds.
#[derive(Debug)]
pub struct Version {
    /// The record's own time.
    pub time: DateTime<Utc>,
    /// What the record contributes to its hour.
    pub facts: Facts,
    /// How recent it is, by the source's `version` field.
    pub recency: Recency,
    /// The record as served.
    pub raw: RecordText,
    /// Indexes in [`Batch::data_files`] of the files of the batch that held this version,
    /// oldest first: the first is the file it came from. Never empty.
    pub holders: Vec<usize>,
    /// True when it replaced a different version of the record within this batch.
    pub replaced_other: bool,
    /// Indexes of the other files of the batch that held a different version of the record,
    /// which this one replaced or which was less recent (see [`Recency`]), in order: should
    /// this version prove unstorable, they are kept rather than deleted, since no version of
    /// theirs is stored either.
    pub superseded: Vec<usize>,
}

/// Files of one source processed together.
#[derive(Debug, Default)]
pub struct Batch {
    /// Data files read into this batch, oldest first.
    pub data_files: Vec<RawFileName>,
    /// Metrics files to load into `runs`.
    pub metrics_files: Vec<RawFileName>,
    /// The latest version of each record key.
    pub records: HashMap<String, Version>,
    /// Bytes of the data files read.
    pub bytes: u64,
    /// Records each data file held without a key or a readable time, by index in
    /// `data_files` (files without any are left out).
    pub rejected: Vec<(usize, usize)>,
    /// The text of those records, each with the index of its file in `data_files`.
    pub rejected_records: Vec<(usize, RecordText)>,
    /// Records each data file held under the key of a different record of the same file, by
    /// index in `data_files` (files without any are left out): the last one in the file is
    /// kept, and the source's `key` is likely not unique.
    pub key_clashes: Vec<(usize, usize)>,
    /// Keys of the records left out for lying in hours past the source's `keep_days` (see
    /// [`final_hours`]), each once however many of the batch's files repeat it.
    pub past_retention: HashSet<String>,
    /// The horizon versions were left out before, the first file's (see [`final_hours`]):
    /// the plan takes it too, so an hour turning final meanwhile is one or the other for both.
    pub final_before: Option<DateTime<Utc>>,
}

/// Where a source's versions are left out of batches: for a source with a `version` field and
/// `keep_days`, the hours past its retention. Such a version is not stored, and left out it
/// neither hides a less recent version landed after it nor removes a stored one, so versions
/// are kept by their most recent whatever the files' split into batches (taken in, a version
/// that is not stored would hide versions from its batch and not from the next). A source
/// without `version` keeps them in, ordered by landing: the plan removes a stored record whose
/// latest version moved past its retention.
pub fn final_hours(source: &Source) -> Option<DateTime<Utc>> {
    source
        .version
        .as_ref()
        .and_then(|_| crate::plan::retention_horizon(source))
}

impl Version {
    /// Index of the file it came from in [`Batch::data_files`].
    pub fn file(&self) -> usize {
        self.holders[0]
    }

    /// Index of the latest file of the batch that held it.
    pub fn last_holder(&self) -> usize {
        self.holders[self.holders.len() - 1]
    }
}

impl Batch {
    /// Merges the records of a file that landed after every file already merged. Versions of
    /// hours that began before `final_before` are left out (counted in
    /// [`Batch::past_retention`]): see [`final_hours`].
    pub fn merge(
        &mut self,
        name: RawFileName,
        landed: LandedFile,
        final_before: Option<DateTime<Utc>>,
    ) {
        let file = self.data_files.len();
        self.data_files.push(name);
        self.bytes += landed.bytes;
        if landed.rejected > 0 {
            self.rejected.push((file, landed.rejected));
        }
        self.rejected_records
            .extend(landed.rejected_records.into_iter().map(|text| (file, text)));
        if self.final_before.is_none() {
            self.final_before = final_before;
        }
        let final_before = self.final_before;
        let mut records = landed.records;
        // In place: a file's records are the batch's largest allocation.
        records.retain(|record| {
            let past = final_before.is_some_and(|horizon| hour_of(record.time) < horizon);
            if past {
                self.past_retention.insert(record.key.clone());
            }
            !past
        });
        let clashes = one_per_key(&mut records);
        for record in records {
            let version = Version {
                time: record.time,
                facts: record.facts,
                recency: record.recency,
                raw: record.raw,
                holders: vec![file],
                replaced_other: false,
                superseded: Vec::new(),
            };
            match self.records.get_mut(&record.key) {
                // A file meets the batch with one record per key (see `one_per_key`): this one
                // is in neither the holders nor the superseded of the version held.
                Some(held) if version.recency < held.recency => {
                    // Less recent than the version held (a stale copy served later): ignored,
                    // as if the file did not hold the record.
                    held.superseded.push(file);
                }
                Some(held) if same_content(held, &version) => {
                    held.holders.push(file);
                }
                Some(held) => {
                    let mut superseded = std::mem::take(&mut held.superseded);
                    superseded.extend(&held.holders);
                    superseded.sort_unstable();
                    // A run of versions is broken by a version as recent as this one: the less
                    // recent ones it replaces would be ignored beside a stored version as
                    // recent as this one.
                    *held = Version {
                        replaced_other: held.recency == version.recency,
                        superseded,
                        ..version
                    };
                }
                None => {
                    self.records.insert(record.key, version);
                }
            }
        }
        if clashes > 0 {
            self.key_clashes.push((file, clashes));
        }
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.data_files.is_empty() && self.metrics_files.is_empty()
    }
}

fn same_content(held: &Version, new: &Version) -> bool {
    same_record((held.time, &held.raw), (new.time, &new.raw))
}

/// Whether two records are the same: the same time and the same JSON.
fn same_record(a: (DateTime<Utc>, &RecordText), b: (DateTime<Utc>, &RecordText)) -> bool {
    if a.0 != b.0 {
        return false;
    }
    if a.1.get() == b.1.get() {
        return true;
    }
    let parse = |raw: &RecordText| serde_json::from_str::<Value>(raw.get()).ok();
    matches!((parse(a.1), parse(b.1)), (Some(a), Some(b)) if same_json(&a, &b))
}

/// Leaves the records of one file one per key, and says how many it held under the key of a
/// different record of it: of records sharing a key, the most recent by the source's `version`, the
/// last of those as recent; one alike to the one kept is no clash (pages that shifted while
/// the portal added rows served it twice). Resolved within the file before the file meets the
/// batch, so that a clash the file holds is no new run of versions: the same clash in every
/// snapshot would otherwise rewrite the record, its file and its hour, at every run.
fn one_per_key(records: &mut Vec<LandedRecord>) -> usize {
    let mut keep = vec![true; records.len()];
    let mut clashes = 0;
    {
        let mut kept: HashMap<&str, usize> = HashMap::with_capacity(records.len());
        for (at, record) in records.iter().enumerate() {
            match kept.entry(record.key.as_str()) {
                Entry::Vacant(slot) => {
                    slot.insert(at);
                }
                Entry::Occupied(mut slot) => {
                    let held = &records[*slot.get()];
                    if same_record((held.time, &held.raw), (record.time, &record.raw)) {
                        keep[at] = false;
                    } else if record.recency < held.recency {
                        keep[at] = false;
                        clashes += 1;
                    } else {
                        keep[*slot.get()] = false;
                        slot.insert(at);
                        clashes += 1;
                    }
                }
            }
        }
    }
    let mut kept = keep.into_iter();
    records.retain(|_| kept.next().unwrap_or(true));
    clashes
}

/// True when `a` and `b` are the same JSON, members in any order: as `==`, but `-0.0` and
/// `0.0`, which compare equal as numbers, are two values (a category counts them apart), so
/// a revision from one to the other is a new version.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y && x.as_f64().map(f64::is_sign_negative) == y.as_f64().map(f64::is_sign_negative)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(name, x)| y.get(name).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}
