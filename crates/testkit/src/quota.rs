//! An Opendatasoft portal's daily call quota, shared by the v2.1 and v1 doubles: calls past it
//! get the portals' 429, the legacy body with `reset_time` (the next UTC midnight) and the
//! `X-RateLimit-*` headers, and no `Retry-After`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;

/// Calls allowed per UTC day, and calls made; clones count together.
#[derive(Clone)]
pub(crate) struct DailyQuota {
    calls: u64,
    used: Arc<AtomicU64>,
}

impl DailyQuota {
    /// Allows `calls` calls.
    pub(crate) fn new(calls: u64) -> Self {
        DailyQuota {
            calls,
            used: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Counts a call: `None` within the quota, else the portal's 429 answer.
    pub(crate) fn spend(&self) -> Option<Response> {
        if self.used.fetch_add(1, Ordering::SeqCst) < self.calls {
            return None;
        }
        let reset = Utc::now()
            .date_naive()
            .succ_opt()?
            .and_hms_opt(0, 0, 0)?
            .and_utc();
        let body = json!({
            "errorcode": 10002,
            "reset_time": reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "limit_time_unit": "day",
            "call_limit": self.calls,
            "error": "Too many requests on the domain. Please contact the domain administrator.",
        });
        let headers = [
            ("x-ratelimit-limit", self.calls.to_string()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", reset.timestamp().to_string()),
        ];
        Some((StatusCode::TOO_MANY_REQUESTS, headers, Json(body)).into_response())
    }
}
