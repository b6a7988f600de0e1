//! A local legacy Opendatasoft v1 double for one dataset: `/api/records/1.0/search/` pages
//! with `rows`/`start` and refuses `start + rows` above 10000 with a 400 error body;
//! `/api/records/1.0/download/` returns every record as a JSON array. Both apply `refine.F`
//! (the record's `fields.F` equal to the value), `exclude.F` (leaving such records out) and
//! `q` as plain words (each a whole word of some field's text, ignoring case); search answers give the `facet_groups` of the facets
//! asked for. What it cannot apply is refused with a 400 rather than ignored: `q` in the
//! query language (`field:value`, comparisons, quotes, AND/OR/NOT), `sort`, and a `timezone`
//! other than `UTC` (the API writes its dates in that zone; the double's are UTC). Records have the
//! v1 shape (`datasetid`, `recordid`, `fields` with `geopoint` as `[lat, lon]`, `geometry`,
//! `record_timestamp`). Like older portals, it may serve at most 1000 rows a call whatever
//! `rows` asks (whether such a portal caps or refuses is not known); with a daily quota, calls
//! past it get the portals' 429.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::http::{RequestLog, query_param};
use crate::quota::CallQuota;

/// The dataset served and the requests received.
#[derive(Clone)]
pub struct OdsV1Double {
    dataset: String,
    records: Arc<Vec<Value>>,
    requests: RequestLog,
    row_cap: Option<usize>,
    quota: Option<CallQuota>,
}

/// `n` v1 records of dataset `dataset`, keyed `recordid` = `rec-<i>`, timed
/// `record_timestamp`, with `fields.population` and `fields.pays`.
pub fn city_records(dataset: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let lat = 43.0 + (i % 100) as f64 / 100.0;
            let lon = 1.0 + (i % 50) as f64 / 100.0;
            json!({
                "datasetid": dataset,
                "recordid": format!("rec-{i}"),
                "fields": {"name": format!("Ville {i}"), "population": 1000 + i, "pays": "fr", "geopoint": [lat, lon]},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "record_timestamp": "2026-11-21T10:00:00+00:00",
            })
        })
        .collect()
}

impl OdsV1Double {
    /// Serves `records` as dataset `dataset`.
    pub fn new(dataset: &str, records: Vec<Value>) -> Self {
        OdsV1Double {
            dataset: dataset.to_owned(),
            records: Arc::new(records),
            requests: RequestLog::default(),
            row_cap: None,
            quota: None,
        }
    }

    /// Serves at most `rows` rows a call, as older portals do (1000), whatever `rows` asks.
    pub fn with_row_cap(mut self, rows: usize) -> Self {
        self.row_cap = Some(rows);
        self
    }

    /// Allows `calls` calls; later calls get the 429 of an exhausted daily quota, naming
    /// `resets` as its reset.
    pub fn with_daily_quota(mut self, calls: u64, resets: DateTime<Utc>) -> Self {
        self.quota = Some(CallQuota::new(calls, resets));
        self
    }

    /// The router to give [`crate::http::LocalServer::start`].
    pub fn router(&self) -> Router {
        Router::new()
            .route("/api/records/1.0/search/", get(search))
            .route("/api/records/1.0/download/", get(download))
            .with_state(self.clone())
    }

    /// Every request received, as `endpoint?query`.
    pub fn requests(&self) -> Vec<String> {
        self.requests.all()
    }

    /// The records `params` select, in the dataset's order; `Err` is the 400 answer to a
    /// selection the double cannot apply.
    fn selection(&self, params: &[(String, String)]) -> Result<Vec<Value>, String> {
        if query_param(params, "sort").is_some() {
            return Err("The test double does not sort: leave `sort` out".to_owned());
        }
        // The API writes its dates in `timezone` (UTC when left out); the double's are UTC.
        if let Some(zone) = query_param(params, "timezone").filter(|zone| zone != "UTC") {
            return Err(format!(
                "The test double writes its dates in UTC alone: it cannot answer the timezone '{zone}'"
            ));
        }
        let q = query_param(params, "q").unwrap_or_default();
        let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
        if q.contains([':', '<', '>', '=', '#', '"', '\'', '(', ')'])
            || words
                .iter()
                .any(|w| matches!(w.as_str(), "and" | "or" | "not"))
        {
            return Err(format!(
                "The test double reads `q` as plain words only, not `{q}`"
            ));
        }
        let refinements: Vec<(&str, &str)> = params
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix("refine.")?, value.as_str())))
            .collect();
        let exclusions: Vec<(&str, &str)> = params
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix("exclude.")?, value.as_str())))
            .collect();
        Ok(self
            .records
            .iter()
            .filter(|record| {
                refinements.iter().all(|(facet, value)| {
                    record["fields"].get(facet).and_then(facet_text).as_deref() == Some(*value)
                })
            })
            .filter(|record| {
                !exclusions.iter().any(|(facet, value)| {
                    record["fields"].get(facet).and_then(facet_text).as_deref() == Some(*value)
                })
            })
            .filter(|record| words.iter().all(|word| holds_word(record, word)))
            .cloned()
            .collect())
    }
}

/// True when a text field of `record` holds `word` as a whole word, ignoring case.
fn holds_word(record: &Value, word: &str) -> bool {
    record["fields"].as_object().is_some_and(|fields| {
        fields.values().filter_map(Value::as_str).any(|text| {
            text.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|part| part == word)
        })
    })
}

/// The `facet_groups` of a search answer: for each facet asked for, its values in `records`
/// with their counts, most frequent first.
fn facet_groups(params: &[(String, String)], records: &[Value]) -> Vec<Value> {
    params
        .iter()
        .filter(|(name, _)| name == "facet")
        .map(|(_, facet)| {
            let mut counts: Vec<(String, u64)> = Vec::new();
            for record in records {
                let Some(value) = record["fields"].get(facet).and_then(facet_text) else {
                    continue;
                };
                match counts.iter_mut().find(|(v, _)| *v == value) {
                    Some((_, count)) => *count += 1,
                    None => counts.push((value, 1)),
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let refined = query_param(params, &format!("refine.{facet}"));
            let facets: Vec<Value> = counts
                .into_iter()
                .map(|(name, count)| {
                    let state = if refined.as_deref() == Some(name.as_str()) {
                        "refined"
                    } else {
                        "displayed"
                    };
                    json!({"name": name, "path": name, "count": count, "state": state})
                })
                .collect();
            json!({"name": facet, "facets": facets})
        })
        .collect()
}

/// A field's value as a facet names it: text as is, numbers as written; `None` for others.
fn facet_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"errorcode": status.as_u16(), "error": message})),
    )
        .into_response()
}

async fn search(
    State(double): State<OdsV1Double>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("search", &params);
    if let Some(refused) = double.quota.as_ref().and_then(CallQuota::over_quota) {
        return refused;
    }
    if query_param(&params, "dataset").as_deref() != Some(double.dataset.as_str()) {
        return error(StatusCode::NOT_FOUND, "Unknown dataset");
    }
    let rows: u64 = query_param(&params, "rows")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let start: u64 = query_param(&params, "start")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if rows > 10_000 || start + rows > 10_000 {
        return error(
            StatusCode::BAD_REQUEST,
            "Invalid value for parameters start and rows: start + rows must be lower or equal to 10000",
        );
    }
    let start = usize::try_from(start).unwrap_or(usize::MAX);
    let asked = usize::try_from(rows).unwrap_or(0);
    let served = double.row_cap.map_or(asked, |cap| asked.min(cap));
    let selection = match double.selection(&params) {
        Ok(selection) => selection,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    let nhits = selection.len();
    let facet_groups = facet_groups(&params, &selection);
    let page: Vec<Value> = selection.into_iter().skip(start).take(served).collect();
    Json(json!({
        "nhits": nhits,
        "parameters": {"dataset": double.dataset, "rows": served, "start": start, "format": "json"},
        "records": page,
        "facet_groups": facet_groups,
    }))
    .into_response()
}

async fn download(
    State(double): State<OdsV1Double>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("download", &params);
    if let Some(refused) = double.quota.as_ref().and_then(CallQuota::over_quota) {
        return refused;
    }
    if query_param(&params, "dataset").as_deref() != Some(double.dataset.as_str()) {
        return error(StatusCode::NOT_FOUND, "Unknown dataset");
    }
    match double.selection(&params) {
        Ok(selection) => Json(Value::Array(selection)).into_response(),
        Err(message) => error(StatusCode::BAD_REQUEST, &message),
    }
}
