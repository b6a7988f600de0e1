//! `kind = "http_json"`: one GET per run (USGS feeds, Open-Meteo), landed exactly as served
//! once it is known to be JSON holding records at the configured `records` path — unless the
//! source has `drop` fields, or the body echoes the source's key: then it lands re-written
//! without them. A body that gives a member on the records path twice does not land.
//!
//! Keys: `params` (query parameters), `headers`, and for keyed APIs `key_env` (the name of the
//! environment variable holding the key) with `key_param` (send it as that query parameter) or
//! else `key_header` (default `Authorization`). The key is never written anywhere.

use releve::Source;
use releve::config::HttpJson;
use releve::locate::{Located, for_each_record};
use serde_json::Value;

use super::records::drop_fields;
use super::survey;
use super::{Collected, RunContext, SourceError};

/// The API key `key_env` names, when it names one: an error when that variable is not set, or,
/// sent as a header, holds what no header can carry (a line break, a control character).
pub(crate) fn api_key(settings: &HttpJson) -> Result<Option<String>, SourceError> {
    let Some(var) = &settings.key_env else {
        return Ok(None);
    };
    let key = std::env::var(var)
        .ok()
        .filter(|key| !key.is_empty())
        .ok_or_else(|| SourceError::MissingKey { var: var.clone() })?;
    if settings.key_param.is_none() && reqwest::header::HeaderValue::from_str(&key).is_err() {
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
    let mut body: Value = ctx.client.decode(&answer, "GET")?;
    refuse_repeated_records(source, &answer.body)?;
    // An API may echo the request, key included (USGS's `metadata.url`): the key never lands.
    let echoed = key.is_some() && ctx.client.scrub_value(&mut body);
    let records = records_at(source, &mut body)?;
    let count = records.len() as u64;
    ctx.progress_total(count);
    ctx.progress_advance(count);
    let dropped = source.dropped_fields();
    for record in records.iter_mut() {
        drop_fields(&dropped, record);
    }
    // What lands, dropped fields gone: records differing only in one are alike there.
    let survey = survey::survey(source, records);
    let body = if dropped.is_empty() && !echoed {
        answer.body.to_vec()
    } else {
        serde_json::to_vec(&body).map_err(|err| SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!("cannot write the body as JSON: {err}"),
        })?
    };
    Ok(Collected {
        body,
        records: count,
        announced: None,
        shortfall: 0,
        newest: None,
        unusable: survey.unusable,
        key_clashes: survey.key_clashes,
        absent: survey.absent,
        not_values: survey.not_values,
    })
}

/// The records at the `records` path: an array's items, or an object as the one record.
fn records_at<'b>(source: &Source, body: &'b mut Value) -> Result<&'b mut [Value], SourceError> {
    let path = source.records_path();
    match path.get_mut(body) {
        Some(Value::Array(items)) => Ok(items.as_mut_slice()),
        Some(record @ Value::Object(_)) => Ok(std::slice::from_mut(record)),
        Some(other) => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!(
                "key `records` = `{path}` leads to {} instead of an array or an object",
                kind_of(other)
            ),
        }),
        None => Err(SourceError::Unexpected {
            what: "GET".to_owned(),
            message: format!("key `records` = `{path}` is not in the answer"),
        }),
    }
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
