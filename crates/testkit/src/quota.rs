//! An Opendatasoft portal's call quota, shared by the v2.1 and v1 doubles: calls past it get
//! the portals' 429, the legacy body with `reset_time` and the `X-RateLimit-*` headers, and no
//! `Retry-After`. The test sets when the quota resets (the real ones: often midnight UTC), so
//! what it asserts does not depend on the time of day it runs at.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

/// Calls allowed until the reset, and calls made; clones count together.
#[derive(Clone)]
pub(crate) struct CallQuota {
    calls: u64,
    resets: Arc<Mutex<DateTime<Utc>>>,
    used: Arc<AtomicU64>,
}

impl CallQuota {
    /// Allows `calls` calls, then refuses the others, naming `resets` as the reset.
    pub(crate) fn new(calls: u64, resets: DateTime<Utc>) -> Self {
        CallQuota {
            calls,
            resets: Arc::new(Mutex::new(resets)),
            used: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A new day: the calls allowed again, until `resets`.
    pub(crate) fn renew(&self, resets: DateTime<Utc>) {
        *self.resets.lock().unwrap_or_else(PoisonError::into_inner) = resets;
        self.used.store(0, Ordering::SeqCst);
    }

    /// Counts a call; the portal's 429 answer when it is past the quota.
    pub(crate) fn over_quota(&self) -> Option<Response> {
        if self.used.fetch_add(1, Ordering::SeqCst) < self.calls {
            return None;
        }
        let resets = *self.resets.lock().unwrap_or_else(PoisonError::into_inner);
        let body = json!({
            "errorcode": 10002,
            "reset_time": resets.to_rfc3339_opts(SecondsFormat::Secs, true),
            "limit_time_unit": "day",
            "call_limit": self.calls,
            "error": "Too many requests on the domain. Please contact the domain administrator.",
        });
        let headers = [
            ("x-ratelimit-limit", self.calls.to_string()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", resets.timestamp().to_string()),
        ];
        Some((StatusCode::TOO_MANY_REQUESTS, headers, Json(body)).into_response())
    }
}
