//! A `recheck` whose window cannot be fetched: the day's first run asks for far more than
//! `lookback`, and a failure there must not keep the day's ordinary runs from landing.

mod common;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::{TimeDelta, Utc};
use common::{Site, fast_policy};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

/// Twelve regions' quarter-hours over twelve days, the newest 26 hours old (13,824 rows: a
/// ten-day `recheck` selects more than the portal's 10,000-row paging window).
fn regional_records() -> Vec<Value> {
    let newest = Utc::now() - TimeDelta::hours(26);
    let per_region = 96 * 12;
    let first = newest - TimeDelta::minutes(15 * (per_region as i64 - 1));
    (0..12)
        .flat_map(|region| {
            eco2mix_records(per_region, first)
                .into_iter()
                .map(move |mut record| {
                    record["perimetre"] = json!(format!("region-{region:02}"));
                    record
                })
        })
        .collect()
}

/// A regional éCO2mix source asking the double at `url`: keyed by quarter-hour and region,
/// incremental, `lookback` 3 hours, `recheck` 10 days.
fn regional_source(url: &str) -> String {
    format!(
        r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "{url}"
dataset = "eco2mix-national-tr"
every = "15m"
key = ["date_heure", "perimetre"]
time = "date_heure"
numeric = ["consommation"]
rate_limit = 1000
incremental = true
order_by = "date_heure"
lookback = "3h"
recheck = "10d"
"#
    )
}

/// The double at `records`, its `/exports/json` answering 503 (the portal's export service
/// down) when `exports_down`.
fn portal(records: Vec<Value>, exports_down: bool) -> LocalServer {
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records).router();
    if !exports_down {
        return LocalServer::start(double);
    }
    LocalServer::start(
        Router::new()
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/exports/json",
                get(|| async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "export service temporarily unavailable",
                    )
                }),
            )
            .fallback_service(double),
    )
}

/// With the portal's exports down, a `lookback` window (156 rows) is paged and lands; the
/// day's recheck (11,520 rows, past the paging window) cannot. Once the recheck has failed,
/// the day's next runs must still land what `lookback` asks for: here every retry asks for
/// the ten days again, fails again, and the source lands nothing for the rest of the UTC day.
#[tokio::test]
async fn a_recheck_that_cannot_be_fetched_does_not_stop_the_days_collection() {
    let records = regional_records();
    let working = portal(records.clone(), false);
    let site = Site::new(&regional_source(&working.url()));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("first run");
    let after_first = site.data_files("eco2mix").len();
    assert_eq!(
        after_first, 1,
        "the first run lands its 24 hours: {:?} {:?}",
        outcome.sources, outcome.refused
    );

    let down = portal(records, true);
    std::fs::write(site.config(), regional_source(&down.url())).expect("config");
    // The last success on the day before: the next run is the day's first, a recheck.
    site.edit_state("eco2mix", |state| {
        state.last_success_started = state
            .last_success_started
            .map(|started| started - TimeDelta::days(1));
        state.last_attempt = state.last_success_started;
    });
    // The recheck fails: past the paging window, a failed export cannot be paged.
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the recheck run");
    assert_eq!(
        site.data_files("eco2mix").len(),
        after_first,
        "the ten days past the window do not land without an export"
    );
    // The day's next runs: the lookback window pages and lands, the recheck's failure
    // notwithstanding.
    for _ in 0..2 {
        collector::run_with(&site.args(&[], true), fast_policy())
            .await
            .expect("a later run of the day");
    }
    let state = site.state("eco2mix");
    assert!(
        site.data_files("eco2mix").len() > after_first,
        "the day's runs after a failed recheck land the lookback window; none landed, each asking the ten days again (last error: {:?}, {} failures in a row)",
        state.last_error,
        state.failures_in_a_row
    );
}
