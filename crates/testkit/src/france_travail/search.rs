//! The double's API answers: `GET /offres/search` with the real range rules, messages and
//! status codes, and the two reference lists the collector may split by.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::{CONTRACTS, FranceTravailDouble, Offer, REGIONS, Refusal, departements, region_of};

/// Offers per call at most.
const PAGE: usize = 150;
/// Highest start position.
const MAX_START: usize = 3000;
/// Highest end position.
const MAX_END: usize = 3149;

/// A search as asked: validated parameters.
struct SearchQuery {
    start: usize,
    end: usize,
    created: Option<(DateTime<Utc>, DateTime<Utc>)>,
    contracts: Option<Vec<String>>,
    departements: Option<Vec<String>>,
    regions: Option<Vec<String>>,
    trades: Option<Vec<String>>,
    communes: Option<Vec<String>>,
    words: Option<Vec<String>>,
}

fn bad_request(message: &str) -> Refusal {
    Refusal::BadRequest(message.to_owned())
}

fn parse_range(text: &str) -> Result<(usize, usize), Refusal> {
    let malformed =
        || bad_request("Format du paramètre « range » incorrect. <entier>-<entier> attendu.");
    let (start, end) = text.split_once('-').ok_or_else(malformed)?;
    let start: usize = start.parse().map_err(|_| malformed())?;
    let end: usize = end.parse().map_err(|_| malformed())?;
    if end < start {
        return Err(malformed());
    }
    if end - start + 1 > PAGE {
        return Err(bad_request(
            "La plage de résultats demandée est trop importante.",
        ));
    }
    if end > MAX_END {
        return Err(bad_request(
            "La position de fin doit être inférieure ou égale à 3149.",
        ));
    }
    if start > MAX_START {
        return Err(bad_request(
            "La position de début doit être inférieure ou égale à 3000.",
        ));
    }
    Ok((start, end))
}

fn parse_date(name: &str, text: &str) -> Result<DateTime<Utc>, Refusal> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| t.and_utc())
        .map_err(|_| {
            bad_request(&format!(
                "Format du paramètre « {name} » incorrect. yyyy-MM-dd'T'hh:mm:ss'Z' attendu."
            ))
        })
}

impl SearchQuery {
    fn parse(params: &[(String, String)]) -> Result<SearchQuery, Refusal> {
        let mut query = SearchQuery {
            start: 0,
            end: PAGE - 1,
            created: None,
            contracts: None,
            departements: None,
            regions: None,
            trades: None,
            communes: None,
            words: None,
        };
        let (mut min, mut max) = (None, None);
        let list = |v: &str| Some(v.split(',').map(str::to_owned).collect::<Vec<_>>());
        for (name, value) in params {
            match name.as_str() {
                "range" => (query.start, query.end) = parse_range(value)?,
                "minCreationDate" => min = Some(parse_date(name, value)?),
                "maxCreationDate" => max = Some(parse_date(name, value)?),
                "typeContrat" => query.contracts = list(value),
                "departement" => query.departements = list(value),
                "region" => query.regions = list(value),
                "codeROME" => query.trades = list(value),
                "commune" => query.communes = list(value),
                "motsCles" => query.words = list(value),
                other => {
                    return Err(bad_request(&format!(
                        "Le paramètre « {other} » est inconnu."
                    )));
                }
            }
        }
        query.created = match (min, max) {
            (Some(min), Some(max)) => Some((min, max)),
            (None, None) => None,
            _ => {
                return Err(bad_request(
                    "Les paramètres minCreationDate et maxCreationDate doivent être renseignés ensemble.",
                ));
            }
        };
        Ok(query)
    }

    fn matches(&self, offer: &Offer) -> bool {
        let contract_ok = self
            .contracts
            .as_ref()
            .is_none_or(|list| list.iter().any(|c| c == offer.contract));
        let place_ok = self
            .departements
            .as_ref()
            .is_none_or(|list| offer.departement.as_ref().is_some_and(|d| list.contains(d)));
        let region_ok = self.regions.as_ref().is_none_or(|list| {
            offer
                .departement
                .as_deref()
                .and_then(region_of)
                .is_some_and(|r| list.iter().any(|l| l == r))
        });
        let text = |field: &str| offer.json.get(field).and_then(Value::as_str);
        let trade_ok = self
            .trades
            .as_ref()
            .is_none_or(|list| text("romeCode").is_some_and(|code| list.iter().any(|l| l == code)));
        let town = offer
            .json
            .pointer("/lieuTravail/commune")
            .and_then(Value::as_str);
        let commune_ok = self
            .communes
            .as_ref()
            .is_none_or(|list| town.is_some_and(|town| list.iter().any(|l| l == town)));
        let words_ok = self.words.as_ref().is_none_or(|words| {
            let said = [text("intitule"), text("description")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            words.iter().any(|word| said.contains(&word.to_lowercase()))
        });
        contract_ok && place_ok && region_ok && trade_ok && commune_ok && words_ok
    }
}

/// The offers created within `created` (both bounds inclusive), found by binary search in
/// the day sorted newest first.
fn created_within(offers: &[Offer], created: Option<(DateTime<Utc>, DateTime<Utc>)>) -> &[Offer] {
    match created {
        None => offers,
        Some((min, max)) => {
            let first = offers.partition_point(|o| o.created > max);
            let end = offers.partition_point(|o| o.created >= min);
            offers.get(first..end.max(first)).unwrap_or_default()
        }
    }
}

/// `GET /offres/search`.
pub(super) async fn search(
    State(double): State<FranceTravailDouble>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(answer) = double.admit(&headers) {
        return answer.into_response();
    }
    double.record_search(&params);
    let query = match SearchQuery::parse(&params) {
        Ok(query) => query,
        Err(answer) => {
            double.count(|c| &c.bad_requests, 1);
            return answer.into_response();
        }
    };
    let matching: Vec<&Offer> = created_within(double.offers(), query.created)
        .iter()
        .filter(|o| query.matches(o))
        .collect();
    double.count(|c| &c.searches_served, 1);
    let total = matching.len();
    if total == 0 || query.start >= total {
        return StatusCode::NO_CONTENT.into_response();
    }
    let last = query.end.min(total - 1);
    let page: Vec<&Value> = matching[query.start..=last]
        .iter()
        .map(|o| &o.json)
        .collect();
    double.count(|c| &c.offers_served, page.len() as u64);
    let status = if query.start == 0 && last + 1 == total {
        StatusCode::OK
    } else {
        StatusCode::PARTIAL_CONTENT
    };
    (
        status,
        [
            (
                header::CONTENT_RANGE,
                format!("offres {}-{last}/{total}", query.start),
            ),
            (
                header::HeaderName::from_static("accept-range"),
                PAGE.to_string(),
            ),
        ],
        axum::Json(json!({ "resultats": page })),
    )
        .into_response()
}

/// `GET /referentiel/typesContrats`.
pub(super) async fn contract_types(
    State(double): State<FranceTravailDouble>,
    headers: HeaderMap,
) -> Response {
    if let Err(answer) = double.admit(&headers) {
        return answer.into_response();
    }
    let list: Vec<Value> = CONTRACTS
        .iter()
        .map(|(code, libelle, _)| json!({ "code": code, "libelle": libelle }))
        .collect();
    axum::Json(list).into_response()
}

/// `GET /referentiel/departements`.
pub(super) async fn departements_list(
    State(double): State<FranceTravailDouble>,
    headers: HeaderMap,
) -> Response {
    if let Err(answer) = double.admit(&headers) {
        return answer.into_response();
    }
    let list: Vec<Value> = departements()
        .iter()
        .map(|code| {
            json!({
                "code": code,
                "libelle": format!("Département {code}"),
                "region": { "code": region_of(code), "libelle": format!("Région {}", region_of(code).unwrap_or_default()) },
            })
        })
        .collect();
    axum::Json(list).into_response()
}

/// `GET /referentiel/regions`.
pub(super) async fn regions_list(
    State(double): State<FranceTravailDouble>,
    headers: HeaderMap,
) -> Response {
    if let Err(answer) = double.admit(&headers) {
        return answer.into_response();
    }
    let list: Vec<Value> = REGIONS
        .iter()
        .map(|(code, _)| json!({ "code": code, "libelle": format!("Région {code}") }))
        .collect();
    axum::Json(list).into_response()
}
