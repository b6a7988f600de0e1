//! The credit a reuse of a source's figures owes, printed on every page of its section: its
//! licence, where its data is published, and when the report's figures of it last changed.
//! Etalab's Licence Ouverte asks a reuse to name the source and the date of its last update;
//! ODbL and CC BY ask for an attribution. The catalogue's page alone is not where a reader
//! quoting a chart looks.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use releve::Source;
use releve::store::chrono_date;

use super::published_at::published_at;

use crate::format::local_time;
use crate::pdf::Credit;
use crate::query::SourceData;

/// `Source: Licence Ouverte v2.0 (RTE, via ODRÉ), https://odre.opendatasoft.com/explore/
/// dataset/eco2mix-national-tr/; figures last updated 2026-12-07 07:52 CET.`, the source's
/// `attribution`, when it has one, before its licence: `Source: Weather data by
/// Open-Meteo.com, CC BY 4.0, https://api.open-meteo.com/v1/forecast; …`. Its address is
/// kept apart, so a continued page's two lines never cut it.
pub fn credit_line(source: &Source, data: &SourceData, tz: Tz) -> Credit {
    let licence = match source.licence.trim() {
        "" => None,
        licence => Some(licence),
    };
    // The publisher's own wording, as written, then the licence.
    let wording = match (source.attribution.as_deref(), licence) {
        (Some(attribution), Some(licence)) => Some(format!("{attribution}, {licence}")),
        (Some(wording), None) | (None, Some(wording)) => Some(wording.to_owned()),
        (None, None) => None,
    };
    let address = published_at(source).unwrap_or_default();
    let (lead, unstated) = match (wording, address.is_empty()) {
        (Some(wording), false) => (format!("Source: {wording}, "), UNSTATED),
        (Some(wording), true) => (format!("Source: {wording}"), UNSTATED),
        (None, false) => ("Source: ".to_owned(), UNSTATED),
        (None, true) => (
            "Source: not stated".to_owned(),
            " (`licence` in sources.toml)",
        ),
    };
    let unstated = if licence.is_some() { "" } else { unstated };
    let tail = match last_updated(data) {
        Some(updated) => format!(
            "{unstated}; figures last updated {} {}.",
            local_time(updated, tz),
            updated.with_timezone(&tz).format("%Z")
        ),
        None => format!("{unstated}."),
    };
    Credit {
        lead,
        address,
        tail,
    }
}

/// Said of a source without a `licence`, after its address.
const UNSTATED: &str = " (its licence is not stated: `licence` in sources.toml)";

/// When the period's hourly summaries last changed: the latest update of what the report's
/// figures are computed from (summaries written before relevé dated them read as never).
fn last_updated(data: &SourceData) -> Option<DateTime<Utc>> {
    data.hourly
        .iter()
        .map(|hour| chrono_date(hour.updated_at))
        .filter(|updated| *updated > DateTime::UNIX_EPOCH)
        .max()
}

#[cfg(test)]
mod tests {
    use super::super::published_at::tests::source;
    use super::*;

    #[test]
    fn a_source_without_summaries_is_credited_without_a_date() {
        let api = source(
            "kind = \"http_json\"\nurl = \"https://api.example.org/v1?k=1\"\nlicence = \"ODbL\"",
        );
        assert_eq!(
            credit_line(&api, &SourceData::default(), chrono_tz::UTC).text(),
            "Source: ODbL, https://api.example.org/v1."
        );
    }
}
