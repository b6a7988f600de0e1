//! A local Opendatasoft Explore API v2.1 double for one portal's datasets (one, or many with
//! [`OpendatasoftDouble::with_dataset`]), enforcing the real limits:
//! `/records` refuses `limit` outside −1..100 and `offset + limit` above 10000 with the real
//! 400 bodies; `/exports/json` returns the whole selection with no window (or its first
//! `limit` records). Both apply `where`, `refine`, `select` and `order_by` as far as the
//! collector writes them (see the `odsql` module), serve no particular order without `order_by`, and
//! answer a field the dataset does not hold, or what they cannot read, with the portal's
//! `ODSQLError`. With a daily quota, calls
//! past it get the portals' 429: the legacy body with `reset_time` and the `X-RateLimit-*`
//! headers, no `Retry-After`. The quota is the portal's, shared by its datasets, and a new day
//! renews it ([`OpendatasoftDouble::renew_quota`]).

mod odsql;
mod where_clause;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::http::{RequestLog, query_param};
use crate::quota::CallQuota;

/// The datasets served and the requests received.
#[derive(Clone)]
pub struct OpendatasoftDouble {
    datasets: Arc<HashMap<String, Arc<Dataset>>>,
    requests: RequestLog,
    quota: Option<CallQuota>,
}

/// One dataset's records, in the order the portal serves them, and its fields.
struct Dataset {
    records: Vec<Value>,
    schema: odsql::Schema,
}

impl Dataset {
    fn new(records: Vec<Value>) -> Dataset {
        Dataset {
            schema: odsql::Schema::of(&records),
            records: odsql::served_order(records),
        }
    }

    /// The records `params` select, or why the portal cannot read them.
    fn selection(
        &self,
        params: &[(String, String)],
        skip: usize,
        take: usize,
    ) -> Result<(usize, Vec<Value>), String> {
        odsql::Selection::read(params, &self.schema)
            .map(|selection| selection.apply(&self.records, skip, take))
    }
}

/// `n` eco2mix-like records, one per 15 minutes from `start`: `date_heure` (ISO, UTC) is both
/// key and time, `consommation` a number, `perimetre` and `nature` categories.
pub fn eco2mix_records(n: usize, start: DateTime<Utc>) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let at = start + TimeDelta::minutes(15 * i64::try_from(i).unwrap_or(0));
            json!({
                "date_heure": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                "consommation": 40_000 + (i % 1000),
                "perimetre": "France",
                "nature": "Données temps réel",
            })
        })
        .collect()
}

impl OpendatasoftDouble {
    /// Serves `records` as dataset `dataset`.
    pub fn new(dataset: &str, records: Vec<Value>) -> Self {
        OpendatasoftDouble {
            datasets: Arc::new(HashMap::from([(
                dataset.to_owned(),
                Arc::new(Dataset::new(records)),
            )])),
            requests: RequestLog::default(),
            quota: None,
        }
    }

    /// Serves `records` as dataset `dataset` too, on the same portal (and its quota).
    pub fn with_dataset(mut self, dataset: &str, records: Vec<Value>) -> Self {
        let mut datasets = HashMap::clone(&self.datasets);
        datasets.insert(dataset.to_owned(), Arc::new(Dataset::new(records)));
        self.datasets = Arc::new(datasets);
        self
    }

    /// Allows `calls` calls; later calls get the 429 of an exhausted daily quota, naming
    /// `resets` as its reset.
    pub fn with_daily_quota(mut self, calls: u64, resets: DateTime<Utc>) -> Self {
        self.quota = Some(CallQuota::new(calls, resets));
        self
    }

    /// The portal's day turned: its quota allows its calls again, until `resets`. Nothing
    /// without a quota.
    pub fn renew_quota(&self, resets: DateTime<Utc>) {
        if let Some(quota) = &self.quota {
            quota.renew(resets);
        }
    }

    /// The router to give [`crate::http::LocalServer::start`].
    pub fn router(&self) -> Router {
        Router::new()
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/records",
                get(records),
            )
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/exports/json",
                get(export),
            )
            .with_state(self.clone())
    }

    /// Every request received, as `endpoint?query` (`records?limit=100&offset=0...`).
    pub fn requests(&self) -> Vec<String> {
        self.requests.all()
    }
}

/// The portal's answer to a query it cannot read.
fn malformed(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "error_code": "ODSQLError",
            "message": format!("ODSQL query is malformed: {message}"),
        })),
    )
        .into_response()
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error_code": "InvalidRESTParameterError", "message": message})),
    )
        .into_response()
}

async fn records(
    State(double): State<OpendatasoftDouble>,
    Path(dataset): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("records", &params);
    if let Some(refused) = double.quota.as_ref().and_then(CallQuota::over_quota) {
        return refused;
    }
    let Some(dataset) = double.datasets.get(&dataset) else {
        return not_found(&dataset);
    };
    let limit: i64 = query_param(&params, "limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let offset: i64 = query_param(&params, "offset")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if !(-1..=100).contains(&limit) {
        return bad_request(format!(
            "Invalid value for limit API parameter: {limit} was found but -1 <= limit <= 100 is expected."
        ));
    }
    if offset + limit.max(0) > 10_000 {
        return bad_request(format!(
            "Invalid value for sum of offset + limit API parameter: {} was found but <= 10000 is expected.",
            offset + limit
        ));
    }
    let skip = usize::try_from(offset).unwrap_or(0);
    let take = if limit < 0 {
        100
    } else {
        usize::try_from(limit).unwrap_or(0)
    };
    let (total, results) = match dataset.selection(&params, skip, take) {
        Ok(selection) => selection,
        Err(message) => return malformed(&message),
    };
    Json(json!({"total_count": total, "results": results})).into_response()
}

async fn export(
    State(double): State<OpendatasoftDouble>,
    Path(dataset): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    double.requests.note("exports/json", &params);
    if let Some(refused) = double.quota.as_ref().and_then(CallQuota::over_quota) {
        return refused;
    }
    let Some(dataset) = double.datasets.get(&dataset) else {
        return not_found(&dataset);
    };
    // `limit` defaults to -1, everything.
    let limit = query_param(&params, "limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    match dataset.selection(&params, 0, limit) {
        Ok((_, selection)) => Json(Value::Array(selection)).into_response(),
        Err(message) => malformed(&message),
    }
}

fn not_found(dataset: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error_code": "DatasetNotFound", "message": format!("Unknown dataset: {dataset}")})),
    )
        .into_response()
}
