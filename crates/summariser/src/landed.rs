//! Reading one landed data file into records: identity, time, the facts the summary needs and
//! the record's JSON text to store (a span of the file's text, which is read whole and shared
//! by the records kept from it: nothing is copied per record). A file is refused as a whole (and quarantined by the caller) when
//! it is not JSON, when the records path is missing or does not hold records, or when it holds
//! records and none of them has both a usable key and a usable time. Single records lacking a
//! key or a time are counted as rejected and skipped.

use std::fs;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use releve::Source;
use releve::recency::Recency;
use releve::record::{cut_example, local_clock, timestamp_in, without_offset};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::MIB;
use crate::prune::FieldTree;
use crate::summary::{Facts, Reading};
use releve::locate::{Located, for_each_record};

/// One record version read from a file.
#[derive(Debug)]
pub struct LandedRecord {
    /// The record identity as text.
    pub key: String,
    /// The record's own time.
    pub time: DateTime<Utc>,
    /// What the record contributes to its hour.
    pub facts: Facts,
    /// How recent this version is, by the source's `version` field.
    pub recency: Recency,
    /// The record as served.
    pub raw: RecordText,
}

/// A record's JSON text as served: a span of its file's text.
#[derive(Debug, Clone)]
pub struct RecordText {
    file: Arc<String>,
    span: Range<usize>,
}

impl RecordText {
    /// Where `record`, a slice of `file`, lies in it.
    fn within(file: &Arc<String>, record: &RawValue) -> Option<RecordText> {
        let start = (record.get().as_ptr() as usize).checked_sub(file.as_ptr() as usize)?;
        let span = start..start + record.get().len();
        file.get(span.clone())?;
        Some(RecordText {
            file: Arc::clone(file),
            span,
        })
    }

    /// The record's JSON text.
    pub fn get(&self) -> &str {
        &self.file[self.span.clone()]
    }
}

/// The usable records of one file, in file order.
#[derive(Debug, Default)]
pub struct LandedFile {
    /// Records with a key and a time.
    pub records: Vec<LandedRecord>,
    /// Records skipped for lacking a key or a time.
    pub rejected: usize,
    /// Their text, kept in `rejected_records` before the file goes.
    pub rejected_records: Vec<RecordText>,
    /// Size of the file.
    pub bytes: u64,
    /// Records dated ahead of this machine's clock with a time written without an offset.
    pub ahead: AheadWithoutOffset,
    /// Records holding a value dated ahead of this machine's clock with a time written with
    /// its offset.
    pub ahead_with_offset: AheadWithOffset,
    /// Per `numeric` field, in the source's order: what its values were.
    pub numeric: Vec<NumericValues>,
}

/// Whether a `numeric` field of one file held numbers, and the text that is not one it held.
#[derive(Debug, Default, Clone)]
pub struct NumericValues {
    /// Some record held a number (or numeric text) there.
    pub numbers: bool,
    /// Records holding text that is not a number there (`"20,0"`, `"ND"`).
    pub texts: usize,
    /// The first such text, as written.
    pub example: Option<String>,
}

impl NumericValues {
    /// True when the field held text and never a number: a decimal comma, a unit in the
    /// text, a wrong path to a label. Placeholders among numbers (`"ND"`) are no sign.
    pub fn only_text(&self) -> bool {
        !self.numbers && self.texts > 0
    }
}

/// Records dated past the source's [local-time horizon](releve::Source::local_time_horizon)
/// whose time is written without an offset (`2026-12-03T00:00:00`): most likely local times,
/// read as UTC and so stored hours off (a forecast written with its offset is no such sign,
/// nor are the hours of a source marked `forecast`, nor records whose `numeric` fields are
/// all null, hours served before their values).
#[derive(Debug, Default)]
pub struct AheadWithoutOffset {
    /// How many.
    pub records: usize,
    /// The first one's time, as written.
    pub example: Option<String>,
}

/// Records dated past the source's [local-time horizon](releve::Source::local_time_horizon)
/// though their time is written with its offset (`2026-12-03T14:00:00+00:00`), holding a value
/// in a `numeric` field (or any record, for a source without one): an API labelling its local
/// time as UTC, or a clock ahead at the source. Rows published ahead with no value yet
/// (éCO2mix's rows of the day to come) are no such sign.
#[derive(Debug, Default)]
pub struct AheadWithOffset {
    /// How many.
    pub records: usize,
    /// How far ahead of the clock the furthest is.
    pub furthest: chrono::TimeDelta,
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read; it stays in place for the next run.
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
    /// The file is not what its source's configuration says; it is quarantined.
    #[error("{0}")]
    Refused(String),
    /// The file is larger than a file may be; it stays in place for a run allowed more.
    #[error(
        "{:.1} MiB, more than the {} MiB a file may take (a file is read whole, and summarised \
         in about twice its size of memory): it waits in place; run the summariser with a \
         larger --max-file-mb if the machine has the memory",
        *.bytes as f64 / MIB as f64, .limit / MIB
    )]
    TooLarge {
        /// The file's size.
        bytes: u64,
        /// The largest size read.
        limit: u64,
    },
}

/// Reads the records of `path`, a data file of `source`, unless it is larger than `max_bytes`.
pub fn read(path: &Path, source: &Source, max_bytes: u64) -> Result<LandedFile, ReadError> {
    let mut file = fs::File::open(path)?;
    let bytes = file.metadata()?.len();
    if bytes > max_bytes {
        return Err(ReadError::TooLarge {
            bytes,
            limit: max_bytes,
        });
    }
    let mut content = Vec::with_capacity(usize::try_from(bytes).unwrap_or(0));
    file.read_to_end(&mut content)?;
    let mut text = String::from_utf8(content)
        .map_err(|err| ReadError::Refused(format!("not valid JSON: not UTF-8 text ({err})")))?;
    // A file saved by an editor that starts it with a byte-order mark, as the collector
    // strips an API's.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let text = Arc::new(text);
    let records_path = source.records_path();
    let mut landed = LandedFile {
        bytes: text.len() as u64,
        ..LandedFile::default()
    };
    let fields = FieldTree::of(source);
    let now = Utc::now();
    landed.numeric = vec![NumericValues::default(); source.numeric.len()];
    // A record serde_json cannot read (a number beyond a double, `1e400`) makes the file
    // unreadable, as it would anywhere else in the file, not a record without a key.
    let mut unreadable = None;
    // A record the parser hands over from outside the file's text (never seen) could not be
    // kept in `rejected_records`: the file is refused instead, so it is not deleted.
    let mut unplaced = false;
    let located = for_each_record(
        &text,
        records_path.segments(),
        |raw| match RecordText::within(&text, raw) {
            Some(raw) => match version(source, &fields, raw.clone(), now, &mut landed) {
                Ok(Some(record)) => landed.records.push(record),
                Ok(None) => {
                    landed.rejected += 1;
                    landed.rejected_records.push(raw);
                }
                Err(err) => {
                    unreadable.get_or_insert(err);
                }
            },
            None => unplaced = true,
        },
    )
    .map_err(|err| ReadError::Refused(format!("not valid JSON: {err}")))?;
    if let Some(err) = unreadable {
        return Err(ReadError::Refused(format!(
            "not valid JSON: {err} (within a record)"
        )));
    }
    if unplaced {
        return Err(ReadError::Refused(
            "a record's text could not be placed in the file".to_owned(),
        ));
    }
    let shown = if records_path.is_root() {
        "(the whole body)"
    } else {
        records_path.as_str()
    };
    match located {
        Located::Missing => Err(ReadError::Refused(format!(
            "records path `{shown}` is missing"
        ))),
        Located::NotRecords => Err(ReadError::Refused(format!(
            "records path `{shown}` holds neither an array nor an object"
        ))),
        Located::Repeated => Err(ReadError::Refused(format!(
            "a member of records path `{shown}` appears twice in one object: which one holds \
             the records is unclear"
        ))),
        Located::Records if landed.rejected > 0 && landed.records.is_empty() => {
            Err(ReadError::Refused(format!(
                "none of its {} records has both a key at `{}` and a time at `{}`: {}",
                landed.rejected,
                source.key,
                source.time,
                why_unusable(source, &landed.rejected_records)
            )))
        }
        Located::Records => Ok(landed),
    }
}

/// What the records lack, counted, with a time that does not read as one as an example
/// (`30 have no key at `id`; 30 have a time at `t` that reads as none, e.g. `"02/12/2026"``),
/// so the user knows which path to fix.
pub(crate) fn why_unusable(source: &Source, rejected: &[RecordText]) -> String {
    let (mut not_objects, mut keyless, mut timeless, mut unreadable) = (0_u64, 0_u64, 0_u64, 0_u64);
    let mut unparsed = 0_u64;
    let mut example = None;
    // Read as a version is: only the fields the summary needs.
    let fields = FieldTree::of(source);
    for raw in rejected {
        let Ok(record) = fields.parse(raw.get()) else {
            unparsed += 1;
            continue;
        };
        if !record.is_object() {
            not_objects += 1;
            continue;
        }
        if source.key.get(&record).is_none() {
            keyless += 1;
        }
        match source.time.get(&record) {
            None | Some(Value::Null) => timeless += 1,
            Some(time) if timestamp_in(time, source.local_times).is_none() => {
                unreadable += 1;
                example.get_or_insert_with(|| cut_example(&time.to_string()));
            }
            Some(_) => {}
        }
    }
    let mut lacks = Vec::new();
    if unparsed > 0 {
        lacks.push(format!("{unparsed} could not be read"));
    }
    if not_objects > 0 {
        lacks.push(format!("{not_objects} {} not objects", are(not_objects)));
    }
    if keyless > 0 {
        lacks.push(format!(
            "{keyless} {} no key at `{}`",
            have(keyless),
            source.key
        ));
    }
    if timeless > 0 {
        lacks.push(format!(
            "{timeless} {} no time at `{}`",
            have(timeless),
            source.time
        ));
    }
    if let Some(example) = example {
        lacks.push(format!(
            "{unreadable} {} a time at `{}` that reads as none, e.g. `{example}` (see the README's `time` for the forms read)",
            have(unreadable),
            source.time
        ));
    }
    if lacks.is_empty() {
        return "their key or time does not read as one".to_owned();
    }
    lacks.join("; ")
}

fn have(count: u64) -> &'static str {
    if count == 1 { "has" } else { "have" }
}

fn are(count: u64) -> &'static str {
    if count == 1 { "is" } else { "are" }
}

/// The record's version, `None` without a key or a time; an error when serde_json cannot read
/// its configured fields.
fn version(
    source: &Source,
    fields: &FieldTree,
    raw: RecordText,
    now: DateTime<Utc>,
    file: &mut LandedFile,
) -> Result<Option<LandedRecord>, serde_json::Error> {
    let record: Value = fields.parse(raw.get())?;
    if !record.is_object() {
        return Ok(None);
    }
    let written = source.time.get(&record);
    // To the millisecond, as MongoDB keeps it: a version is compared with the stored one.
    let time = written
        .and_then(|written| timestamp_in(written, source.local_times))
        .map(|time| releve::store::chrono_date(releve::store::bson_date(time)));
    let (Some(key), Some(time)) = (source.key.get(&record), time) else {
        return Ok(None);
    };
    let facts = Facts::of(source, &record);
    if time > source.local_time_horizon(now)
        && let Some(written) = written
    {
        // Hours an API serves before their values (an archive's to come) are no sign.
        if without_offset(written) && facts.holds_a_number() {
            file.ahead.records += 1;
            file.ahead
                .example
                .get_or_insert_with(|| cut_example(&written.to_string()));
        } else if local_clock(written).is_some() && facts.holds_a_number() {
            let ahead = &mut file.ahead_with_offset;
            ahead.records += 1;
            ahead.furthest = ahead.furthest.max(time - now);
        }
    }
    for ((path, reading), seen) in source
        .numeric
        .iter()
        .zip(&facts.numbers)
        .zip(&mut file.numeric)
    {
        match reading {
            Reading::Number(_) | Reading::Implausible => seen.numbers = true,
            Reading::Missing => {
                if let Some(Value::String(text)) = path.get(&record)
                    && !text.trim().is_empty()
                {
                    seen.texts += 1;
                    seen.example.get_or_insert_with(|| cut_example(text));
                }
            }
        }
    }
    Ok(Some(LandedRecord {
        key,
        time,
        facts,
        recency: Recency::of(source, &record),
        raw,
    }))
}
