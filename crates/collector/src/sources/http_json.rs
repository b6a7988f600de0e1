//! `kind = "http_json"`: one GET per run (USGS feeds, Open-Meteo; a USGS catalogue window past
//! its cap on events is asked in parts, see [`search_limit`]), landed exactly as served once it
//! is known to be JSON holding records at the configured `records` path — unless the source has `drop` fields, or the body echoes the source's key: then it lands re-written
//! without them; or it has a `stamp`: then each record lands with that field added, holding
//! when the API answered; or its records come as `columns`: then they land as an array of records at
//! that path. A body that gives a member on the records path twice does not land, nor one
//! dated by a time of day when the source asks for a local zone's days (see
//! [`HttpJson::local_zone`]): a local time reads as UTC, hours off, and a local midnight
//! as an instant falls in the day before in report zones west of that zone.
//!
//! Keys: `params` (query parameters, each sent in place of the `url`'s, see [`query`]),
//! `headers`, and for keyed APIs `key_env` (the name of the environment variable holding the
//! key) with `key_param` (send it as that query parameter) or else `key_header` (default
//! `Authorization`). The key is never written anywhere.

use chrono::Utc;
use releve::Source;
use releve::config::HttpJson;

use super::{Collected, RunContext, SourceError};
use as_served::survey_as_served;
use failure::refused_without_records;
use whole::{Changes, read_whole};

mod as_served;
mod columns;
mod failure;
mod no_content;
mod paging;
mod query;
mod records_at;
mod search_limit;
#[cfg(test)]
mod tests;
mod units;
mod what_is_there;
mod whole;

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
    let get = |what: String, params: Vec<(String, String)>| async move {
        ctx.client
            .send_json(&what, |http| {
                let address = query::address(&source.url, &params);
                let mut request = http.get(address.as_ref()).query(&params);
                for (name, value) in &settings.headers {
                    request = request.header(name, value);
                }
                if let Some(key) = header_key {
                    request = request.header(settings.key_header(), key);
                }
                request
            })
            .await
            .map_err(SourceError::from)
    };
    let (answer, window_parts) = search_limit::answer(source, &params, Utc::now(), get).await?;
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
        window_parts,
    })
}
