//! A local legacy Opendatasoft v1 double for one dataset: `/api/records/1.0/search/` pages
//! with `rows`/`start` and refuses `start + rows` above 10000 with a 400 error body;
//! `/api/records/1.0/download/` returns every record as a JSON array. Both apply `refine.F`
//! (the record's `fields.F` equal to the value) and `q` (a word some field's text holds,
//! ignoring case). Records have the v1 shape (`datasetid`, `recordid`, `fields` with
//! `geopoint` as `[lat, lon]`, `geometry`, `record_timestamp`). Like older portals, it may
//! serve at most 1000 rows a call whatever `rows` asks; with a daily quota, calls past it get
//! the portals' 429.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::http::{RequestLog, query_param};
use crate::quota::DailyQuota;

/// The dataset served and the requests received.
#[derive(Clone)]
pub struct OdsV1Double {
    dataset: String,
    records: Arc<Vec<Value>>,
    requests: RequestLog,
    row_cap: Option<usize>,
    quota: Option<DailyQuota>,
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

    /// Allows `calls` calls; later calls get the 429 of an exhausted daily quota.
    pub fn with_daily_quota(mut self, calls: u64) -> Self {
        self.quota = Some(DailyQuota::new(calls));
        self
    }

    /// The records `params` select, in the dataset's order.
    fn selection(&self, params: &[(String, String)]) -> Vec<Value> {
        let refinements: Vec<(&str, &str)> = params
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix("refine.")?, value.as_str())))
            .collect();
        let words = query_param(params, "q").unwrap_or_default().to_lowercase();
        self.records
            .iter()
            .filter(|record| {
                refinements
                    .iter()
                    .all(|(facet, value)| same_text(record["fields"].get(facet), value))
            })
            .filter(|record| {
                words.split_whitespace().all(|word| {
                    record["fields"].as_object().is_some_and(|fields| {
                        fields.values().any(|v| {
                            v.as_str()
                                .is_some_and(|text| text.to_lowercase().contains(word))
                        })
                    })
                })
            })
            .cloned()
            .collect()
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
}

/// A field's value read as the text `wanted`, numbers as written.
fn same_text(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(text)) => text == wanted,
        Some(Value::Number(n)) => n.to_string() == wanted,
        _ => false,
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
    if let Some(refused) = double.quota.as_ref().and_then(DailyQuota::spend) {
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
    let selection = double.selection(&params);
    let nhits = selection.len();
    let page: Vec<Value> = selection.into_iter().skip(start).take(served).collect();
    Json(json!({
        "nhits": nhits,
        "parameters": {"dataset": double.dataset, "rows": served, "start": start, "format": "json"},
        "records": page,
    }))
    .into_response()
}

async fn download(
    State(double): State<OdsV1Double>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("download", &params);
    if let Some(refused) = double.quota.as_ref().and_then(DailyQuota::spend) {
        return refused;
    }
    if query_param(&params, "dataset").as_deref() != Some(double.dataset.as_str()) {
        return error(StatusCode::NOT_FOUND, "Unknown dataset");
    }
    Json(Value::Array(double.selection(&params))).into_response()
}
