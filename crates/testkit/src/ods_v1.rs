//! A local legacy Opendatasoft v1 double for one dataset: `/api/records/1.0/search/` pages
//! with `rows`/`start` and refuses `start + rows` above 10000 with a 400 error body;
//! `/api/records/1.0/download/` returns every record as a JSON array. Records have the v1
//! shape (`datasetid`, `recordid`, `fields` with `geopoint` as `[lat, lon]`, `geometry`,
//! `record_timestamp`).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::http::{RequestLog, query_param};

/// The dataset served and the requests received.
#[derive(Clone)]
pub struct OdsV1Double {
    dataset: String,
    records: Arc<Vec<Value>>,
    requests: RequestLog,
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
        }
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
    let rows = usize::try_from(rows).unwrap_or(0);
    let page: Vec<Value> = double
        .records
        .iter()
        .skip(start)
        .take(rows)
        .cloned()
        .collect();
    Json(json!({
        "nhits": double.records.len(),
        "parameters": {"dataset": double.dataset, "rows": rows, "start": start, "format": "json"},
        "records": page,
    }))
    .into_response()
}

async fn download(
    State(double): State<OdsV1Double>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("download", &params);
    if query_param(&params, "dataset").as_deref() != Some(double.dataset.as_str()) {
        return error(StatusCode::NOT_FOUND, "Unknown dataset");
    }
    Json(Value::Array(double.records.to_vec())).into_response()
}
