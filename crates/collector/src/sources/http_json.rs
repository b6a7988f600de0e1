//! `kind = "http_json"`: one GET per run (USGS feeds, Open-Meteo), landed exactly as served
//! once it is known to be JSON holding records at the configured `records` path — unless the
//! source has `drop` fields, or the body echoes the source's key: then it lands re-written
//! without them; or it has a `stamp`: then each record lands with that field added, holding
//! when the API answered; or its records come as `columns`: then they land as an array of records at
//! that path. A body that gives a member on the records path twice does not land, nor one
//! dated by a time of day when the source asks for a local zone's days (see
//! [`HttpJson::local_zone`]): a local time reads as UTC, hours off, and a local midnight
//! as an instant falls in the day before in report zones west of that zone.
//!
//! Keys: `params` (query parameters), `headers`, and for keyed APIs `key_env` (the name of the
//! environment variable holding the key) with `key_param` (send it as that query parameter) or
//! else `key_header` (default `Authorization`). The key is never written anywhere.

use chrono::{DateTime, SecondsFormat, Utc};
use releve::config::HttpJson;
use releve::locate::{Located, for_each_record};
use releve::record::cut_example;
use releve::{FieldPath, Source};
use serde_json::Value;

use super::records::drop_fields;
use super::survey::{self, Survey, Surveyor};
use super::{Collected, RunContext, SourceError};
use crate::http::Answer;
use failure::{error_member, refused_without_records};

mod columns;
mod failure;
mod no_content;
mod paging;
mod units;

pub use paging::MorePages;

/// The API key `key_env` names, when it names one: an error when that variable is not set, or
/// holds what no key holds and no header can carry (a line break, a carriage return a Windows
/// editor left, another control character): as a query parameter it would go out encoded
/// (`%0D`) and be refused as a wrong key.
pub(crate) fn api_key(settings: &HttpJson) -> Result<Option<String>, SourceError> {
    let Some(var) = &settings.key_env else {
        return Ok(None);
    };
    let key = std::env::var(var)
        .ok()
        .filter(|key| !key.is_empty())
        .ok_or_else(|| SourceError::MissingKey { var: var.clone() })?;
    let unsendable = key.chars().any(char::is_control)
        || (settings.key_param.is_none() && reqwest::header::HeaderValue::from_str(&key).is_err());
    if unsendable {
        return Err(SourceError::UnsendableKey { var: var.clone() });
    }
    Ok(Some(key))
}

/// Fetches the endpoint once and checks the records are where the configuration says.
pub(super) async fn collect(
    ctx: &RunContext,
    source: &Source,
    settings: &HttpJson,
) -> Result<Collected, SourceError> {
    let key = api_key(settings)?;
    if let Some(key) = &key {
        ctx.client.hide(key);
    }
    let mut params: Vec<(String, String)> = settings
        .params
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    if let (Some(key), Some(param)) = (&key, &settings.key_param) {
        params.push((param.clone(), key.clone()));
    }
    let header_key = key.as_ref().filter(|_| settings.key_param.is_none());
    let answer = ctx
        .client
        .send_json("GET", |http| {
            let mut request = http.get(&source.url).query(&params);
            for (name, value) in &settings.headers {
                request = request.header(name, value);
            }
            if let Some(key) = header_key {
                request = request.header(settings.key_header(), key);
            }
            request
        })
        .await?;
    let answered = Utc::now();
    let no_content = no_content::as_no_records(source, &answer);
    let empty = no_content.is_some();
    let answer = no_content.unwrap_or(answer);
    let units_said_otherwise = units::said_otherwise(source, &answer.body);
    let dropped = source.dropped_fields();
    // Without fields to drop or to add, nor a key the body echoes, the body lands as served:
    // its records are read one at a time, never the whole document as a tree.
    let echoes_key = key.is_some() && ctx.client.holds_secret(&answer.body);
    let rewritten =
        echoes_key || !dropped.is_empty() || settings.columns || settings.stamp.is_some();
    let as_served = (!rewritten)
        .then(|| survey_as_served(source, &answer.body))
        .flatten();
    let (body, count, survey) = match as_served {
        Some((count, survey)) => (Vec::from(answer.body), count, survey),
        None => {
            let changes = Changes {
                rewritten,
                keyed: key.is_some(),
                dropped: &dropped,
                stamp: settings.stamp.as_deref().map(|field| (field, answered)),
                empty,
            };
            read_whole(ctx, source, settings, &answer, &changes)?
        }
    };
    refused_without_records(source, &body, count)?;
    // The stamp is an instant in UTC, never a local time the API wrote.
    let stamped_time = settings.stamp.as_deref() == Some(source.time.as_str());
    if let (Some(zone), Some(example), false) = (
        settings.local_zone(&source.url),
        &survey.hints.time_of_day,
        stamped_time,
    ) {
        return Err(SourceError::LocalTimes {
            key: zone.key,
            zone: zone.zone.escape_debug().to_string(),
            time: source.time.to_string(),
            example: example.clone(),
        });
    }
    ctx.progress_total(count);
    ctx.progress_advance(count);
    let mut hints = survey.hints;
    let paging = paging::paging(
        std::str::from_utf8(&body).unwrap_or(""),
        &answer.headers,
        count,
        source.records_path().is_root(),
    );
    hints.more_pages = paging.more;
    hints.units_said_otherwise = units_said_otherwise;
    let announced = paging.announced;
    Ok(Collected {
        body,
        records: count,
        announced,
        shortfall: announced.map_or(0, |total| total.saturating_sub(count)),
        newest: None,
        unusable: survey.unusable,
        key_clashes: survey.key_clashes,
        absent: survey.absent,
        not_values: survey.not_values,
        hints,
    })
}

/// The count and survey of the records at the `records` path of `body`, each parsed on its
/// own; `None` when the body is not plainly records there (the path missing or leading to a
/// value, a member on it given twice, a record that does not parse), which
/// [`read_whole`] then reports.
fn survey_as_served(source: &Source, body: &[u8]) -> Option<(u64, Survey)> {
    let text = std::str::from_utf8(body).ok()?;
    let path = source.records_path();
    let mut surveyor = Surveyor::new(source);
    let mut count = 0;
    let mut unreadable = false;
    let located = for_each_record(text, path.segments(), |record| {
        count += 1;
        match serde_json::from_str::<Value>(record.get()) {
            Ok(record) => surveyor.add(&record),
            Err(_) => unreadable = true,
        }
    })
    .ok()?;
    let mut survey = surveyor.finish();
    if let Some(clash) = survey.first_clash.take() {
        let mut earlier = None;
        // The records were all read once: a second pass finds the earlier of the two.
        let _ = for_each_record(text, path.segments(), |record| {
            if earlier.is_none()
                && let Ok(record) = serde_json::from_str::<Value>(record.get())
                && clash.is_earlier(source, &record)
            {
                earlier = Some(record);
            }
        });
        if let Some(earlier) = earlier {
            survey.hints.key_clash_fields = clash.differing_from(&earlier);
        }
    }
    (located == Located::Records && !unreadable).then_some((count, survey))
}

/// What the collector changes in a body before it lands.
struct Changes<'a> {
    /// The body is rewritten (`drop`, `stamp`, `columns` or an echoed key): parsed whole for
    /// that, not only to say why its records could not be read one at a time.
    rewritten: bool,
    /// The request carried an API key, which the body may echo.
    keyed: bool,
    /// The `drop` fields.
    dropped: &'a [FieldPath],
    /// The `stamp` field, and the time it holds: when the API answered.
    stamp: Option<(&'a str, DateTime<Utc>)>,
    /// The API answered `204 No Content`: its records are an empty array already, even of a
    /// `columns` source.
    empty: bool,
}

/// The body as it lands, its records counted and surveyed, from the whole document parsed:
/// the key scrubbed from every text where the API echoed it, `columns` made into records, the
/// `drop` fields removed, the `stamp` field added.
fn read_whole(
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

/// Makes a null at the `records` path an empty array, and says so: APIs written in Go answer
/// an empty list as `null` (`{"data": null}`), which is no error; returns whether it did. When
/// the answer says it failed (see [`error_member`]), no records there (null, or no such path)
/// is the API's failure, not an empty list (`{"error": "invalid api key", "data": null}` with
/// status 200): the run fails with its words.
fn null_records(source: &Source, body: &mut Value) -> Result<bool, SourceError> {
    let path = source.records_path();
    let at_path = path.get(body);
    if at_path.is_none_or(Value::is_null)
        && let Some(said) = error_member(body)
    {
        // A path not there may be mistyped, beside an error that is only a warning.
        let there = if at_path.is_none() {
            what_is_there(body, &path)
        } else {
            String::new()
        };
        return Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "the answer holds no records at `records` = `{path}`{there}, beside an error: {said}"
            ),
        });
    }
    let segments = path.segments();
    // A null on the way counts as well (`{"data": null}` for `records = "data.items"`): it
    // becomes the objects down to an empty array.
    let mut at = body;
    let mut walked = 0;
    while !at.is_null() {
        let Some(segment) = segments.get(walked) else {
            return Ok(false);
        };
        let Value::Object(members) = at else {
            return Ok(false);
        };
        let Some(next) = members.get_mut(segment) else {
            return Ok(false);
        };
        at = next;
        walked += 1;
    }
    *at = no_content::empty_records_at(&segments[walked..]);
    tracing::info!(
        source = %source.name,
        records = %path,
        "The answer holds null where the records go: read as no records (an API may write an empty list so)."
    );
    Ok(true)
}

/// A value of the answer as JSON writes it, cut as an example is, on one line: JSON's escapes
/// leave a line separator, a C1 control or a bidirectional control as they are.
fn quoted(value: &Value) -> String {
    releve::logging::one_line(&cut_example(&value.to_string()))
}

/// The records at the `records` path: an array's items, or an object as the one record.
fn records_at<'b>(source: &Source, body: &'b mut Value) -> Result<&'b mut [Value], SourceError> {
    let path = source.records_path();
    let unexpected = |message| SourceError::Unexpected {
        what: "GET".to_owned(),
        message,
    };
    // Said from the whole body, before it is borrowed to hand the records out.
    let missing = format!(
        "key `records` = `{path}` is not in the answer{}",
        what_is_there(body, &path)
    );
    match path.get_mut(body) {
        Some(Value::Array(items)) => Ok(items.as_mut_slice()),
        Some(record @ Value::Object(_)) => Ok(std::slice::from_mut(record)),
        Some(other) => Err(unexpected(format!(
            "key `records` = `{path}` leads to {} ({}) instead of an array or an object",
            kind_of(other),
            quoted(other)
        ))),
        None => Err(unexpected(missing)),
    }
}

/// The most member names said of an object the `records` path stops in.
const NAMES_SAID: usize = 10;

/// What the answer holds where the `records` path stops: ` (its top level holds `type`,
/// `metadata`, `features`; did you mean `features`?)`, or at an array of objects holding the
/// path's next name (Open-Meteo asked for several places) how to reach one item's; empty when
/// it stops at no object.
fn what_is_there(body: &Value, path: &FieldPath) -> String {
    let mut at = body;
    let mut walked: Vec<&str> = Vec::new();
    let place = |walked: &[&str]| {
        if walked.is_empty() {
            "its top level".to_owned()
        } else {
            format!("`{}`", shown(&walked.join(".")))
        }
    };
    for (depth, segment) in path.segments().iter().enumerate() {
        if let Value::Array(items) = at {
            match segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(item) => {
                    at = item;
                    walked.push(segment);
                    continue;
                }
                None => {
                    return in_each_item(
                        &place(&walked),
                        items,
                        &walked,
                        &path.segments()[depth..],
                    );
                }
            }
        }
        let Value::Object(members) = at else {
            return String::new();
        };
        match members.get(segment) {
            Some(next) => {
                at = next;
                walked.push(segment);
            }
            None => {
                let names: Vec<&str> = members.keys().map(String::as_str).collect();
                let place = place(&walked);
                let mut said: Vec<String> = names
                    .iter()
                    .take(NAMES_SAID)
                    .map(|name| format!("`{}`", shown(name)))
                    .collect();
                if names.len() > NAMES_SAID {
                    said.push(format!("and {} more", names.len() - NAMES_SAID));
                }
                let near = releve::config::closest(segment, &names)
                    .map(|near| {
                        let mut fixed = walked.clone();
                        fixed.push(near);
                        format!("; did you mean `{}`?", shown(&fixed.join(".")))
                    })
                    .unwrap_or_default();
                return if names.is_empty() {
                    format!(" ({place} is an empty object)")
                } else {
                    format!(" ({place} holds {}{near})", said.join(", "))
                };
            }
        }
    }
    String::new()
}

/// A name or path of the answer as a message shows it: the API's text on one line, no terminal
/// codes, cut as an example is.
fn shown(name: &str) -> String {
    cut_example(&releve::logging::one_line(name))
}

/// What [`what_is_there`] says of the array `items` at `place` where the path goes on with
/// `rest`, a name: its items, and when they hold that name, the path to the first one's
/// (one source per item: an API asked for several places answers one item each).
fn in_each_item(place: &str, items: &[Value], walked: &[&str], rest: &[String]) -> String {
    let held = |item: &Value| item.get(&rest[0]).is_some();
    if items.is_empty() || !items.iter().all(held) {
        return format!(" ({place} is an array of {} items)", items.len());
    }
    let path = |index: usize| {
        let index = index.to_string();
        let segments: Vec<&str> = walked
            .iter()
            .copied()
            .chain(std::iter::once(index.as_str()))
            .chain(rest.iter().map(String::as_str))
            .collect();
        shown(&segments.join("."))
    };
    let last = match items.len() {
        1 => String::new(),
        n => format!(" … `{}` the last's", path(n - 1)),
    };
    format!(
        " ({place} is an array of {} items, each holding `{}`: `{}` reads the first's{last}, one source each, as an API asked for several places answers one item per place)",
        items.len(),
        shown(&rest[0]),
        path(0),
    )
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

/// What `value` is, in words.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn source() -> Source {
        crate::testing::configured(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\nnumeric = [\"properties.mag\", \"properties.depth\"]\n",
        )
    }

    #[test]
    fn records_read_one_at_a_time_are_counted_and_surveyed_as_the_whole_body_was() {
        let body = json!({
            "type": "FeatureCollection",
            "metadata": {"count": 3},
            "features": [
                {"id": "a", "properties": {"time": 1_763_712_000_000_i64, "mag": 1.2}},
                {"id": "a", "properties": {"time": 1_763_712_060_000_i64, "mag": 1.4}},
                {"properties": {"time": 1_763_712_120_000_i64, "mag": {"value": 2}}},
            ],
        });
        let text = serde_json::to_vec(&body).expect("json");
        let (count, survey) = survey_as_served(&source(), &text).expect("records");
        let features = body["features"].as_array().expect("an array");
        assert_eq!(count, 3);
        assert_eq!(survey, survey::survey(&source(), features));
        assert_eq!((survey.unusable, survey.key_clashes), (1, 1));
        assert_eq!(
            survey.absent,
            vec!["`properties.depth` (numeric)".to_owned()]
        );
    }

    #[test]
    fn a_records_path_not_in_the_answer_is_said_with_what_is_there() {
        let body = serde_json::json!({"data": {"items": [], "total": 3}, "ok": true});
        let said = |path: &str| what_is_there(&body, &path.parse().expect("path"));
        assert_eq!(
            said("data.item"),
            " (`data` holds `items`, `total`; did you mean `data.items`?)"
        );
        assert_eq!(said("results"), " (its top level holds `data`, `ok`)");
        assert_eq!(said("ok.records"), "", "a value, not an object");
        let wide = Value::Object(
            (0..12)
                .map(|i| (format!("k{i:02}"), Value::from(i)))
                .collect(),
        );
        assert!(what_is_there(&wide, &"x".parse().expect("path")).ends_with("`k09`, and 2 more)"));
    }

    #[test]
    fn a_records_path_past_an_array_of_places_says_how_to_reach_one() {
        let places = serde_json::json!([{"hourly": {}}, {"hourly": {}}]);
        let said = |body: &Value, path: &str| what_is_there(body, &path.parse().expect("path"));
        assert_eq!(
            said(&places, "hourly"),
            " (its top level is an array of 2 items, each holding `hourly`: `0.hourly` reads the first's … `1.hourly` the last's, one source each, as an API asked for several places answers one item per place)"
        );
        assert_eq!(
            said(&places, "0.hourl"),
            " (`0` holds `hourly`; did you mean `0.hourly`?)"
        );
        assert_eq!(
            said(&serde_json::json!({"data": [1, 2]}), "data.items"),
            " (`data` is an array of 2 items)"
        );
    }

    #[test]
    fn the_names_said_of_an_answer_keep_to_one_line_and_drive_no_terminal() {
        let body = serde_json::json!({"ok\n\u{1b}[31mred": 1});
        let said = what_is_there(&body, &"features".parse().expect("path"));
        assert!(!said.contains(|c: char| c.is_control()), "{said:?}");
    }

    /// Many APIs write an error code of 0 for success (`{"error": 0, "data": null}`,
    /// `{"errors": 0, …}`): beside a null where the records go, that is an empty answer,
    /// which lands as `[]`, not the API's failure.
    #[test]
    fn an_error_code_of_zero_beside_null_records_is_no_failure() {
        for served in [
            json!({"error": 0, "features": null}),
            json!({"errors": 0, "features": null}),
        ] {
            let mut body = served.clone();
            let read = null_records(&source(), &mut body);
            assert!(matches!(read, Ok(true)), "{served}: {read:?}");
        }
    }

    /// An API's words quoted in a failure keep to one line and drive no terminal, as
    /// `what_is_there` and `api_message` make them (`one_line`): JSON's escaping leaves DEL,
    /// C1 controls (U+009B is a terminal's CSI), U+2028 and bidirectional controls raw.
    #[test]
    fn an_error_or_a_value_quoted_from_the_answer_keeps_to_one_line() {
        let breaks = |c: char| {
            c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')
        };
        let mut body = json!({"error": "bad key\u{2028}\u{9b}2J\u{202e}yek", "features": null});
        let message = null_records(&source(), &mut body)
            .expect_err("the API's failure")
            .to_string();
        assert!(!message.contains(breaks), "{message:?}");
        let mut body = json!({"features": "down\u{2028}for maintenance\u{85}\u{9b}2J"});
        let message = records_at(&source(), &mut body)
            .expect_err("not records")
            .to_string();
        assert!(!message.contains(breaks), "{message:?}");
    }

    /// `{"error": true, "reason": "…"}` (Open-Meteo's shape) or `{"error": true,
    /// "message": "…"}` beside null records: the run fails "with its words" (README), which
    /// are in `reason` or `message`, not in `true`.
    #[test]
    fn an_error_flag_beside_null_records_fails_with_the_apis_words() {
        for served in [
            json!({"error": true, "reason": "API key expired", "features": null}),
            json!({"error": true, "message": "API key expired", "features": null}),
        ] {
            let mut body = served.clone();
            let message = null_records(&source(), &mut body)
                .expect_err("the API's failure")
                .to_string();
            assert!(message.contains("API key expired"), "{served}: {message}");
        }
    }

    #[test]
    fn a_body_not_plainly_records_is_left_to_the_whole_reading_and_its_messages() {
        for body in [
            r#"{"type": "FeatureCollection"}"#,
            r#"{"features": 3}"#,
            r#"{"features": [], "features": [{"id": "a"}]}"#,
        ] {
            assert_eq!(survey_as_served(&source(), body.as_bytes()), None, "{body}");
        }
    }
}
