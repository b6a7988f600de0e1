//! `kind = "france_travail"`: every job offer created on one day (the run's `--date`, default
//! yesterday), from France Travail's Offres d'emploi v2 API, landed as one JSON array
//! de-duplicated by `id`.
//!
//! The API lets one query reach at most 3,150 offers (150 per call), so the day is cut by
//! creation time until each part fits, and a second holding more is cut by contract type,
//! then region, then département ([`partition`]). A source's `params` (its search filters) go
//! with every query, and a cut keeps to the values they allow. Offers that no query can reach are counted,
//! not hidden: the run's `shortfall`, beside `announced` (the day's total) and `coverage` in
//! the metrics.
//! Credentials come from `FRANCE_TRAVAIL_CLIENT_ID` / `FRANCE_TRAVAIL_CLIENT_SECRET`; the
//! secret and the tokens are registered with the HTTP layer, which scrubs them from messages.

mod api;
mod harvest;
mod paging;
mod partition;
mod token;

use chrono::NaiveDate;
use releve::config::{FranceTravail, OfferFilters};
use releve::{FieldPath, Source};

use super::landing::for_each_element;
use super::survey;
use super::{Collected, RunContext, SourceError};

pub use api::FranceTravailError;

/// Collects every reachable offer created on the run's day; `source.url` is the API base.
pub async fn collect(
    ctx: &RunContext,
    source: &Source,
    settings: &FranceTravail,
) -> Result<Collected, SourceError> {
    let credentials =
        releve::credentials::france_travail().map_err(|missing| SourceError::Unexpected {
            what: "credentials".to_owned(),
            message: missing.to_string(),
        })?;
    ctx.client.hide(&credentials.client_secret);
    if let Some(caution) = super::rate_above_api(source) {
        tracing::warn!(source = %source.name, "{caution}.");
    }
    let api = api::OffersApi::new(
        &ctx.client,
        &source.url,
        &settings.token_url,
        &settings.scope,
        &credentials,
    );
    let dropped = source.dropped_fields();
    let harvest = harvest::harvest_day(
        &api,
        ctx.day,
        settings.params.clone(),
        dropped.clone(),
        |announced, new| {
            if let Some(total) = announced {
                ctx.announce(total);
            }
            ctx.progress_advance(new);
        },
    )
    .await
    .map_err(|err| match err {
        FranceTravailError::Fetch(fetch) => SourceError::Fetch(fetch),
        other => SourceError::Unexpected {
            what: "France Travail".to_owned(),
            message: ctx.client.scrub(&other.to_string()),
        },
    })?;
    log_harvest(source, &settings.params, ctx.day, &harvest);
    if lands_contact_unawares(&dropped) {
        tracing::warn!(
            source = %source.name,
            "Offers land with their `contact` (recruiters' names, e-mails and phone numbers): `drop` lists other fields and not it; add \"contact\" to `drop`, or write `drop = []` to keep it without this warning."
        );
    }
    let offers = harvest.offers.len() as u64;
    let removed = harvest.offers.dropped();
    let body = harvest
        .offers
        .finish()
        .map_err(|err| SourceError::Unexpected {
            what: "France Travail".to_owned(),
            message: format!("cannot write the offers as JSON: {err}"),
        })?;
    let survey = survey_landed(source, &body, removed)?;
    Ok(Collected {
        body,
        records: offers,
        announced: Some(harvest.announced),
        shortfall: harvest.shortfall,
        newest: None,
        unusable: survey.unusable,
        key_clashes: survey.key_clashes,
        absent: survey.absent,
        not_values: survey.not_values,
        hints: survey.hints,
        window_parts: None,
    })
}

/// What the landed `body` (the offers as one JSON array) tells about the fields the summariser
/// reads, each offer parsed on its own; `removed`, which `drop` paths removed something.
fn survey_landed(
    source: &Source,
    body: &[u8],
    removed: u64,
) -> Result<survey::Survey, SourceError> {
    let mut surveyor = survey::Surveyor::new(source);
    surveyor.dropped(removed);
    for_each_element(body, |offer| surveyor.add(&offer)).map_err(|err| {
        SourceError::Unexpected {
            what: "France Travail".to_owned(),
            message: format!("the offers written cannot be read back: {err}"),
        }
    })?;
    Ok(surveyor.finish())
}

/// What `collector --check` says of a France Travail source whose `drop` lets the recruiters'
/// contacts land (see [`lands_contact_unawares`]); `None` for other sources.
pub(super) fn contact_caution(source: &Source) -> Option<String> {
    (matches!(source.kind, releve::SourceKind::FranceTravail(_))
        && lands_contact_unawares(&source.dropped_fields()))
    .then(|| {
        "offers would land with their `contact` (recruiters' names, e-mails and phone numbers): `drop` lists other fields and not it; add \"contact\" to `drop`, or write `drop = []` to keep it knowingly".to_owned()
    })
}

/// Whether a `drop` of other fields leaves `contact` whole: listing fields replaces the
/// default, while an explicit `drop = []` keeps it knowingly (as does a `drop` of some of its
/// members).
fn lands_contact_unawares(dropped: &[FieldPath]) -> bool {
    let contact = FranceTravail::personal_data();
    let within = |path: &FieldPath| {
        path.as_str() == contact.as_str()
            || path
                .as_str()
                .strip_prefix(contact.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    };
    !dropped.is_empty() && !dropped.iter().any(within)
}

/// Logs the day's harvest, with a warning for each way it may fall short.
fn log_harvest(
    source: &Source,
    params: &OfferFilters,
    day: NaiveDate,
    harvest: &partition::Harvest,
) {
    tracing::info!(
        source = %source.name,
        day = %day,
        announced = harvest.announced,
        offers = harvest.offers.len(),
        shortfall = harvest.shortfall,
        repeated = harvest.duplicates,
        "Collected the day's France Travail offers."
    );
    let narrow = params.iter().any(|(filter, _)| filter.is_narrow());
    if harvest.announced == 0 && narrow {
        // A day without an offer of one trade, or in one town, is common.
        tracing::info!(
            source = %source.name,
            day = %day,
            "No offer matched the source's filters ({params}) that day."
        );
    } else if harvest.announced == 0 {
        // The API answers 204 for a query without offers; a whole day without one (of France,
        // a region, a département) is more likely a fault of the API than the truth, and the
        // day now counts as collected.
        let matching = if params.is_empty() {
            String::new()
        } else {
            format!(" matching the source's filters ({params})")
        };
        tracing::warn!(
            source = %source.name,
            day = %day,
            "France Travail answered no offer{matching} for the whole day; if that is wrong, collect the day again with `collector --source {} --date {day} --force`.",
            source.name
        );
    }
    // Offers past position 3,149 of the narrowest query: created in one second, and left after
    // cutting it by contract type, region and département (offers without a place among them).
    let unreachable = harvest
        .shortfall
        .saturating_sub(harvest.missing_from_pages + harvest.grown + harvest.between_windows);
    if unreachable > 0 {
        tracing::warn!(
            source = %source.name,
            day = %day,
            unreachable,
            announced = harvest.announced,
            queries = %past_window_words(&harvest.past_window),
            "Offers no query can reach: created in one second in more than 3,149 of one contract type, region and département (offers without a place of work among them), past the API's window; they are counted as shortfall, and no collection again reaches them: the day's counts lack them, of the queries named."
        );
    }
    if harvest.missing_from_pages > 0 {
        tracing::warn!(
            source = %source.name,
            day = %day,
            missing = harvest.missing_from_pages,
            repeated = harvest.duplicates,
            pages_asked_again = harvest.pages_asked_again,
            "Pages brought fewer new offers than their Content-Range announced (short pages, or pages repeating offers of earlier ones, each asked once more); the missing offers are counted as shortfall: collect the day again with `collector --source NAME --date DAY --force`."
        );
    }
    if harvest.grown > 0 {
        tracing::warn!(
            source = %source.name,
            day = %day,
            grown = harvest.grown,
            "Later pages announced more offers than the first page of their query (offers added while the day was read); those past the pages planned are counted as shortfall: collect the day again to get them."
        );
    }
}

/// The queries left past the API's window, each with its total, the first five and a count of
/// the others: `created 2026-11-21T09:00:00Z..2026-11-21T09:00:00Z, typeContrat=CDD,
/// departement=31: 3420 announced, 3150 reachable`. Without one, the offers out of reach are
/// those without a place of work of a crowded second, which no cut by place returns.
fn past_window_words(past_window: &[(paging::SearchQuery, u64)]) -> String {
    const NAMED: usize = 5;
    if past_window.is_empty() {
        return "none past the window: offers without a place of work in a crowded second"
            .to_owned();
    }
    let mut words: Vec<String> = past_window
        .iter()
        .take(NAMED)
        .map(|(query, total)| format!("{query}: {total} announced, {} reachable", paging::WINDOW))
        .collect();
    if past_window.len() > NAMED {
        words.push(format!("and {} more", past_window.len() - NAMED));
    }
    words.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(texts: &[&str]) -> Vec<FieldPath> {
        texts
            .iter()
            .map(|text| text.parse().expect("a field path"))
            .collect()
    }

    #[test]
    fn a_drop_listing_other_fields_than_contact_is_told_apart() {
        assert!(lands_contact_unawares(&paths(&["description"])));
        assert!(lands_contact_unawares(&paths(&["contactless", "salaire"])));
        assert!(!lands_contact_unawares(&paths(&["description", "contact"])));
        assert!(!lands_contact_unawares(&paths(&["contact.telephone"])));
        assert!(
            !lands_contact_unawares(&paths(&[])),
            "`drop = []` is knowing"
        );
    }
}
