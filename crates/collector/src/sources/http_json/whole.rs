//! A body read whole, as a tree: the key it echoes scrubbed, `columns` made into records, the
//! `drop` fields removed, the `stamp` field added, and a member on the `records` path given
//! twice refused.

use chrono::{DateTime, SecondsFormat, Utc};
use releve::config::HttpJson;
use releve::locate::{Located, for_each_record};
use releve::{FieldPath, Source};
use serde_json::Value;

use super::columns;
use super::records_at::{null_records, records_at};
use crate::http::Answer;
use crate::sources::records::drop_fields;
use crate::sources::survey::{self, Survey};
use crate::sources::{RunContext, SourceError};

/// What the collector changes in a body before it lands.
pub(super) struct Changes<'a> {
    /// The body is rewritten (`drop`, `stamp`, `columns` or an echoed key): parsed whole for
    /// that, not only to say why its records could not be read one at a time.
    pub(super) rewritten: bool,
    /// The request carried an API key, which the body may echo.
    pub(super) keyed: bool,
    /// The `drop` fields.
    pub(super) dropped: &'a [FieldPath],
    /// The `stamp` field, and the time it holds: when the API answered.
    pub(super) stamp: Option<(&'a str, DateTime<Utc>)>,
    /// The API answered `204 No Content`: its records are an empty array already, even of a
    /// `columns` source.
    pub(super) empty: bool,
}

/// The body as it lands, its records counted and surveyed, from the whole document parsed:
/// the key scrubbed from every text where the API echoed it, `columns` made into records, the
/// `drop` fields removed, the `stamp` field added.
pub(super) fn read_whole(
    ctx: &RunContext,
    source: &Source,
    settings: &HttpJson,
    answer: &Answer,
    changes: &Changes<'_>,
) -> Result<(Vec<u8>, u64, Survey), SourceError> {
    let size = answer.body.len() as u64;
    // An answer read whole only to say what is wrong with its records (a `records` path
    // misspelt) is read whatever its size: the words matter more than the memory, once.
    if let Some((cap, memory)) = crate::http::tree_cap().filter(|_| changes.rewritten)
        && size > cap
    {
        let mib = releve::rawfile::MIB;
        return Err(SourceError::TooLargeToParse {
            what: "GET".to_owned(),
            size_mib: size.div_ceil(mib),
            mib: cap / mib,
            memory_mib: memory / mib,
        });
    }
    let mut body: Value = ctx.client.decode(answer, "GET")?;
    refuse_repeated_records(source, &answer.body)?;
    // An API may echo the request, key included (USGS's `metadata.url`): the key never lands.
    let echoed = changes.keyed && ctx.client.scrub_value(&mut body);
    let null = null_records(source, &mut body)?;
    if settings.columns && !null && !changes.empty {
        columns_into_records(source, &mut body, &answer.body)?;
    }
    let records = records_at(source, &mut body)?;
    let count = records.len() as u64;
    let mut removed = 0;
    for record in records.iter_mut() {
        removed |= drop_fields(changes.dropped, record);
    }
    if let Some((field, answered)) = changes.stamp {
        stamp_records(records, field, answered)?;
    }
    // What lands, dropped fields gone: records differing only in one are alike there.
    let survey = survey::survey_dropped(source, records, Some(removed));
    let unchanged = changes.dropped.is_empty() && changes.stamp.is_none() && !null;
    let body = if unchanged && !echoed && !settings.columns {
        answer.body.to_vec()
    } else {
        serde_json::to_vec(&body).map_err(|err| SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!("cannot write the body as JSON: {err}"),
        })?
    };
    Ok((body, count, survey))
}

/// Adds `field` to every record, holding `answered` (UTC, whole seconds); a record that holds
/// the field already, or is no object, fails the run: nothing served is overwritten.
fn stamp_records(
    records: &mut [Value],
    field: &str,
    answered: DateTime<Utc>,
) -> Result<(), SourceError> {
    let time = Value::String(answered.to_rfc3339_opts(SecondsFormat::Secs, true));
    for (index, record) in records.iter_mut().enumerate() {
        let unstampable = |why, hint| SourceError::Unstampable {
            field: field.to_owned(),
            index,
            why,
            hint,
        };
        let Value::Object(members) = record else {
            return Err(unstampable(
                "is no object",
                " (only records written as objects can take a field)",
            ));
        };
        if members.contains_key(field) {
            return Err(unstampable(
                "holds that field already",
                ": name the stamp otherwise, or point `time` at the records' own field",
            ));
        }
        members.insert(field.to_owned(), time.clone());
    }
    Ok(())
}

/// Replaces the columns at the `records` path with the records they make; a path missing is
/// left to [`records_at`] to say. `served` is the body's text, where a column written twice
/// still shows (the parsed `body` kept its last copy alone).
fn columns_into_records(
    source: &Source,
    body: &mut Value,
    served: &[u8],
) -> Result<(), SourceError> {
    let path = source.records_path();
    let Some(at) = path.get_mut(body) else {
        return Ok(());
    };
    let fail = |err: columns::ColumnsError| SourceError::Unexpected {
        what: "GET".to_owned(),
        message: format!("key `records` = `{path}` {err}"),
    };
    if at.is_object()
        && let Some(name) = repeated_column(source, served)
    {
        return Err(fail(columns::ColumnsError::Repeated(name)));
    }
    let records = columns::records(std::mem::take(at)).map_err(fail)?;
    *at = Value::Array(records);
    Ok(())
}

/// The first member the object of columns at the `records` path of the served text holds twice.
fn repeated_column(source: &Source, served: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(served).ok()?;
    let mut repeated = None;
    let path = source.records_path();
    for_each_record(
        text.trim_start_matches('\u{feff}'),
        path.segments(),
        |object| {
            repeated = repeated
                .take()
                .or_else(|| columns::repeated_member(object.get()));
        },
    )
    .ok()?;
    repeated
}

/// Fails when a member on the `records` path appears twice in one object: the parsed body
/// keeps the last copy only, so landing it (or re-writing it for `drop`) could lose the
/// other copy's records without a word.
fn refuse_repeated_records(source: &Source, body: &[u8]) -> Result<(), SourceError> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Ok(());
    };
    let path = source.records_path();
    match for_each_record(text.trim_start_matches('\u{feff}'), path.segments(), |_| {}) {
        Ok(Located::Repeated) => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "a member on the `records` path `{path}` appears twice in one object: which copy holds the records is unclear, so nothing lands"
            ),
        }),
        _ => Ok(()),
    }
}
