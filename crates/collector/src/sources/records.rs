//! What the landing kinds share: a set of records where a record served twice alike is kept
//! once, and the removal of the source's `drop` fields.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{DefaultHasher, Hash, Hasher};

use releve::Source;
use releve::record::FieldPath;
use serde_json::Value;

use super::landing::Landing;
use super::survey::Surveyor;
use super::{Collected, SourceError};

/// The records of one array-landing run. A record served again alike under its key is kept
/// once (paging over a live dataset can shift a record onto the next page); records sharing a
/// key with a different content are all kept, so the summariser keeps the last and says so (a
/// `key` that is not unique). Records without a key are kept.
///
/// Each record kept is written to the landing at once and surveyed; only its text is held.
pub(crate) struct RecordSet<'s> {
    source: &'s Source,
    dropped: Vec<FieldPath>,
    /// For each content hash, the index in `landing` of the first keyed record held with it.
    first: HashMap<u64, usize>,
    /// The other keyed records held under a content hash `first` holds (other content that
    /// hashes alike): a record is compared only with those it may equal, so a `key` shared by
    /// every record costs no more than a unique one.
    more: HashMap<u64, Vec<usize>>,
    landing: Landing,
    surveyor: Surveyor<'s>,
    /// Records received, repeats included.
    received: u64,
}

impl<'s> RecordSet<'s> {
    /// An empty set for `source`.
    pub(crate) fn new(source: &'s Source) -> Self {
        RecordSet {
            source,
            dropped: source.dropped_fields(),
            first: HashMap::new(),
            more: HashMap::new(),
            landing: Landing::default(),
            surveyor: Surveyor::new(source),
            received: 0,
        }
    }

    /// Records received, those skipped as already held included.
    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    /// Records held.
    pub(crate) fn len(&self) -> usize {
        self.landing.len()
    }

    /// Sizes the repeat check and the survey's keys for the records of one answer of `bytes`
    /// reckoned to hold `announced`, at most one per [`BUDGETED_RECORD`] bytes (a count
    /// larger is not believed past what the memory reckoned budgets): a table grown instead holds
    /// its old self beside the new while it moves, which at 2 million records was the run's
    /// peak (both move at the 1,835,009th record, the keys' old table taking 52 MB, the repeat
    /// check's 36 MB).
    pub(crate) fn make_room(&mut self, announced: u64, bytes: usize) {
        let records = usize::try_from(announced)
            .unwrap_or(usize::MAX)
            .min(bytes / BUDGETED_RECORD);
        // Refused (a container's limit), the table grows as records come, as without this.
        let _ = self.first.try_reserve(records);
        self.surveyor.make_room(records);
    }

    /// Appends records less the `drop` fields, skipping records already held alike; returns
    /// how many were appended.
    #[cfg(test)]
    pub(crate) fn append(&mut self, page: Vec<Value>) -> u64 {
        page.into_iter()
            .map(|record| u64::from(self.add(record)))
            .sum()
    }

    /// Appends one record less the `drop` fields unless one alike is held; true when appended.
    pub(crate) fn add(&mut self, mut record: Value) -> bool {
        self.received += 1;
        let removed = drop_fields(&self.dropped, &mut record);
        self.surveyor.dropped(removed);
        let keyed = self.source.key.get(&record).is_some();
        let hash = keyed.then(|| content_hash(&record));
        if let Some(hash) = hash
            && self.holds(hash, &record)
        {
            return false;
        }
        let index = self.landing.len();
        if let Some(hash) = hash {
            match self.first.entry(hash) {
                Entry::Occupied(_) => self.more.entry(hash).or_default().push(index),
                Entry::Vacant(vacant) => {
                    vacant.insert(index);
                }
            }
        }
        self.surveyor.add(&record);
        self.landing.push(&record);
        true
    }

    /// Whether a record held under `hash` equals `record` (read back from its text: the
    /// same record may be served with its fields in another order).
    fn holds(&self, hash: u64, record: &Value) -> bool {
        let more = self.more.get(&hash).map(Vec::as_slice).unwrap_or_default();
        self.first.get(&hash).into_iter().chain(more).any(|&index| {
            serde_json::from_slice::<Value>(self.landing.record(index))
                .is_ok_and(|held| held == *record)
        })
    }

    /// The run's result: the records as the JSON array that lands, and the total the API
    /// announced, when it announced one.
    pub(crate) fn into_collected(self, announced: Option<u64>) -> Result<Collected, SourceError> {
        let records = self.landing.len() as u64;
        let mut survey = self.surveyor.finish();
        let landing = &self.landing;
        survey.name_key_clash(
            self.source,
            (0..landing.len())
                .filter_map(|index| serde_json::from_slice::<Value>(landing.record(index)).ok()),
        );
        let body = self
            .landing
            .finish()
            .map_err(|err| SourceError::Unexpected {
                what: format!("landing `{}`", self.source.name),
                message: format!("the records could not be written as JSON: {err}"),
            })?;
        Ok(Collected {
            body,
            records,
            announced,
            shortfall: 0,
            newest: survey.newest,
            unusable: survey.unusable,
            key_clashes: survey.key_clashes,
            absent: survey.absent,
            not_values: survey.not_values,
            hints: survey.hints,
            window_parts: None,
        })
    }
}

/// The size of record, in an answer, whose tables the memory reckoned for an answer read
/// record by record budgets for ([`crate::http::memory::RECORD_BYTES`] a record, measured of
/// 40-byte rows). A count announced past one such record per 40 bytes sets aside no more (a
/// wrong count of larger records would set aside tables for records never served); smaller
/// records grow the tables as they come.
const BUDGETED_RECORD: usize = 40;

/// A hash of a record's content: equal records hash alike, whatever the order of their
/// fields.
pub(super) fn content_hash(value: &Value) -> u64 {
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

/// Removes the `dropped` fields from `record`; returns which removed something, the first
/// 64 paths a bit each (see [`super::survey::Surveyor::dropped`]).
pub(crate) fn drop_fields(dropped: &[FieldPath], record: &mut Value) -> u64 {
    let mut removed = 0;
    for (index, path) in dropped.iter().enumerate() {
        if path.remove(record) {
            removed |= 1_u64.checked_shl(index as u32).unwrap_or(0);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sources::survey::survey;

    fn source() -> Source {
        crate::testing::stations()
    }

    /// A `drop` path misspelt (`contact` for the API's `contacts`) removes nothing: said, so
    /// that the personal data it was meant for does not land unnoticed.
    #[test]
    fn a_drop_path_no_record_holds_is_told_and_one_that_removed_something_is_not() {
        let source = crate::testing::configured(
            "[[source]]\nname = \"reviews\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/r\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\ndrop = [\"contact\", \"note\"]\n",
        );
        let mut set = RecordSet::new(&source);
        set.append(vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "contacts": {"nom": "C. Martin"}, "note": 1}),
            json!({"id": 2, "t": "2026-11-21T10:05:00Z", "contacts": {"nom": "P. Durand"}}),
        ]);
        let collected = set.into_collected(Some(2)).expect("landed");
        assert_eq!(
            collected.hints.dropped_nothing,
            ["`contact` (records hold `contacts`)"]
        );
    }

    /// A `drop` path of an optional field (a review's `contact`, given by some reviewers only)
    /// removes nothing from a run whose records lack it: no name alike is held, so nothing is
    /// said, or every quiet run would call a right path misspelt. A step misspelt within the
    /// path (`auteur.courrriel`) is told with the name the records hold.
    #[test]
    fn a_drop_path_of_a_field_absent_is_not_told_and_a_misspelt_step_is_told_with_its_name() {
        let source = crate::testing::configured(
            "[[source]]\nname = \"reviews\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/r\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\ndrop = [\"contact\", \"auteur.courrriel\", \"Auteur_Nom\"]\n",
        );
        let mut set = RecordSet::new(&source);
        set.append(vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "auteur": {"courriel": "c.martin@example.fr"}, "auteurNom": "C. Martin"}),
            json!({"id": 2, "t": "2026-11-21T10:05:00Z", "note": 3}),
        ]);
        let collected = set.into_collected(Some(2)).expect("landed");
        assert_eq!(
            collected.hints.dropped_nothing,
            [
                "`auteur.courrriel` (records hold `auteur.courriel`)",
                "`Auteur_Nom` (records hold `auteurNom`)"
            ]
        );
    }

    /// A `drop` listing a field and one of its members (`contact` and `contact.courriel`, the
    /// second written first and `contact` added later to drop the rest) removes both from every
    /// record: nothing lands. Yet `contact.courriel` is said to have removed nothing, "no record
    /// holds them … misspelt? … look for it in the landed file": `contact` went first, so its
    /// member was already gone. Every run warns of a path that is right and did its work.
    #[test]
    fn a_drop_path_within_another_dropped_is_not_told_as_removing_nothing() {
        let source = crate::testing::configured(
            "[[source]]\nname = \"reviews\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/r\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\ndrop = [\"contact\", \"contact.courriel\"]\n",
        );
        let mut set = RecordSet::new(&source);
        set.append(vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "contact": {"nom": "C. Martin", "courriel": "c.martin@example.fr"}}),
            json!({"id": 2, "t": "2026-11-21T10:05:00Z", "contact": {"nom": "P. Durand", "courriel": "p.durand@example.fr"}}),
        ]);
        let collected = set.into_collected(Some(2)).expect("landed");
        let landed = String::from_utf8(collected.body.clone()).expect("text");
        assert!(
            !landed.contains("courriel"),
            "nothing of `contact` lands: {landed}"
        );
        assert!(
            collected.hints.dropped_nothing.is_empty(),
            "`contact.courriel`, held by every record and removed with `contact`, is said to have \
             removed nothing: {:?}",
            collected.hints.dropped_nothing
        );
    }

    /// An export's tables sized once from its count: landing the records announced moves
    /// neither, the survey and the repeats come out as from tables grown; a count the answer's
    /// size cannot hold is not believed.
    #[test]
    fn tables_sized_from_the_count_announced_hold_it_without_moving_and_tell_the_same() {
        let source = source();
        let records: Vec<Value> = (0..3_000)
            .map(|i| json!({"id": i % 2_900, "t": "2026-11-21T10:00:00Z", "val": i % 2_950}))
            .collect();
        let mut sized = RecordSet::new(&source);
        sized.make_room(3_000, 3_000 * 50);
        let room = (sized.first.capacity(), sized.surveyor.key_room());
        assert!(room.0 >= 3_000 && room.1 >= 3_000, "{room:?}");
        assert_eq!(sized.append(records.clone()), 3_000);
        assert_eq!(
            sized.append(records[..10].to_vec()),
            0,
            "served again alike"
        );
        assert_eq!(
            (sized.first.capacity(), sized.surveyor.key_room()),
            room,
            "no table moved"
        );
        let mut grown = RecordSet::new(&source);
        grown.append(records.clone());
        let (sized, grown) = (
            sized.into_collected(Some(3_000)).expect("landed"),
            grown.into_collected(Some(3_000)).expect("landed"),
        );
        assert_eq!(sized.body, grown.body);
        assert_eq!(
            (sized.key_clashes, sized.unusable, sized.newest),
            (grown.key_clashes, grown.unusable, grown.newest)
        );
        assert_eq!(
            sized.key_clashes, 100,
            "ids 0–99 served twice, other values"
        );

        let mut told = RecordSet::new(&source);
        told.make_room(u64::MAX, 800);
        assert!(
            told.first.capacity() < 1_000,
            "at most 100 records in 800 bytes"
        );
    }

    /// A portal announcing more records than its export holds (a dataset emptied between the
    /// first page and the export, a count gone wrong) sets aside no more than the records the
    /// memory reckoned budgets an answer of that size for (40-byte rows). Believed up to one
    /// record per 8 bytes, 230,000 records of 200 bytes announced as `u64::MAX` peaked at
    /// 400 MB instead of 79 MB (debug build).
    #[test]
    fn a_count_larger_than_the_answer_sets_aside_no_more_than_its_budgeted_records() {
        let source = source();
        let bytes = 46 << 20;
        let mut told = RecordSet::new(&source);
        told.make_room(u64::MAX, bytes);
        let budgeted = bytes / 40;
        let room = (told.first.capacity(), told.surveyor.key_room());
        assert!(room.0 < 2 * budgeted && room.1 < 2 * budgeted, "{room:?}");
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

    #[test]
    fn a_set_lands_what_the_parsed_records_wrote_and_surveys_them_alike() {
        let text = "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/s\"\nevery = \"15m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"val\", \"gone\"]\ncategories = [\"kind\"]\ndrop = [\"token\"]\n";
        let source = crate::testing::configured(text);
        let served = vec![
            json!({"id": 1, "t": "2026-11-21T10:00:00Z", "val": 1.5, "kind": {"a": 1}, "token": "x"}),
            json!({"id": 2, "t": "2026-11-21T11:00:00Z", "val": null, "token": "y"}),
            json!({"t": "2026-11-21T12:00:00Z", "val": 3}),
            json!({"t": "2026-11-21T12:00:00Z", "val": 3}),
            json!({"id": 1, "t": "2026-11-21T10:30:00Z", "val": 2.5}),
        ];
        let mut set = RecordSet::new(&source);
        assert_eq!(
            set.append(served.clone()),
            5,
            "records without a key are all kept"
        );
        // Served again, with its fields in another order and the dropped field changed.
        let again = serde_json::from_str::<Value>(
            r#"{"token": "z", "kind": {"a": 1}, "val": 1.5, "t": "2026-11-21T10:00:00Z", "id": 1}"#,
        )
        .expect("json");
        assert_eq!(
            set.append(vec![again]),
            0,
            "the same record in another order"
        );
        let collected = set.into_collected(Some(6)).expect("landed");
        let kept: Vec<Value> = served
            .into_iter()
            .map(|mut record| {
                drop_fields(&source.dropped_fields(), &mut record);
                record
            })
            .collect();
        assert_eq!(collected.body, serde_json::to_vec(&kept).expect("json"));
        assert_eq!(collected.records, 5);
        let expected = survey(&source, &kept);
        assert_eq!(
            (collected.newest, collected.unusable, collected.key_clashes),
            (expected.newest, expected.unusable, expected.key_clashes)
        );
        assert_eq!(
            (collected.unusable, collected.key_clashes),
            (2, 1),
            "two records without a key; the second reading of 1 clashes"
        );
        assert_eq!(collected.absent, vec!["`gone` (numeric)".to_owned()]);
        assert_eq!(collected.not_values, vec!["`kind` (categories)".to_owned()]);
        assert_eq!(
            (collected.absent, collected.not_values),
            (expected.absent, expected.not_values)
        );
    }
}
