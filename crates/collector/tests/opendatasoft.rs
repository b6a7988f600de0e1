//! `opendatasoft` sources against the local Explore v2.1 double that enforces the real window:
//! paging within it, the exports endpoint beyond it, and incremental collection.

mod common;

use std::collections::HashSet;

use chrono::{DurationRound, TimeDelta, Utc};
use collector::SourceResult;
use common::eco2mix::{eco2mix_source, landed_records, start};
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;
use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

/// The source's `.state.json`, as saved by the last run.
fn saved_state(site: &Site) -> Value {
    serde_json::from_slice(&std::fs::read(site.raw().join("eco2mix/.state.json")).expect("state"))
        .expect("state JSON")
}

fn distinct_keys(records: &[Value]) -> usize {
    records
        .iter()
        .filter_map(|r| r.get("date_heure").and_then(Value::as_str))
        .collect::<HashSet<_>>()
        .len()
}

/// When the double's quota resets: six hours from now, to the second, whatever the time of day.
fn quota_reset() -> chrono::DateTime<Utc> {
    use chrono::SubsecRound;
    (Utc::now() + TimeDelta::hours(6)).trunc_subsecs(0)
}

#[tokio::test]
async fn a_selection_larger_than_the_window_lands_every_record_once() {
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(12_345, start()));
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), ""));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(
            outcome.sources[0].1,
            SourceResult::Landed {
                records: 12_345,
                ..
            }
        ),
        "{:?}",
        outcome.sources
    );
    let records = landed_records(&site);
    assert_eq!(records.len(), 12_345);
    assert_eq!(
        distinct_keys(&records),
        12_345,
        "every record lands exactly once"
    );
    let metrics = &site.metrics("eco2mix")[0];
    assert_eq!(metrics.announced, Some(12_345));
    assert_eq!(metrics.coverage, Some(1.0));
    let requests = double.requests();
    assert!(
        requests.iter().any(|r| r.starts_with("exports/json")),
        "{requests:?}"
    );
    assert!(requests.len() <= 3, "one count, one export: {requests:?}");
}

#[tokio::test]
async fn an_exhausted_daily_quota_pauses_the_source_until_it_resets() {
    let resets = quota_reset();
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(250, start()))
        .with_daily_quota(1, resets);
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), ""));
    let reason = site.failed_run(false).await;
    let reset = site
        .state("eco2mix")
        .paused_until
        .expect("the state holds when the pause ends");
    assert_eq!(
        reset, resets,
        "the pause ends when the portal says its quota resets"
    );
    assert!(
        reason.contains("Too many requests on the domain")
            && reason.contains(&format!("pauses until {reset}")),
        "the portal's words and its reset time: {reason}"
    );
    assert_eq!(
        double.requests().len(),
        2,
        "the first page, then the refused export: no retry spends calls on a quota that resets tomorrow"
    );
    assert_eq!(
        site.metrics("eco2mix")[0].announced,
        Some(250),
        "the failed run still says what the first page announced"
    );
    assert_eq!(
        site.metrics("eco2mix")[0].retry_from,
        Some(reset),
        "its metrics say until when the source rests, for the report"
    );

    let later = collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("run");
    assert_eq!(
        later.sources[0].1,
        SourceResult::NotDue(format!("next run due at {reset}")),
        "the source rests until the quota resets"
    );
    assert_eq!(double.requests().len(), 2);
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("forced run");
    assert_eq!(double.requests().len(), 3, "`--force` tries at once");
}

#[tokio::test]
async fn a_selection_larger_than_a_page_comes_whole_from_one_export_call() {
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(250, start()));
    let server = LocalServer::start(double.router());
    let extra = "where = \"perimetre = 'France'\"\nrefine = [\"nature:Données temps réel\"]\norder_by = \"date_heure\"\ndrop = [\"perimetre\"]";
    let site = Site::new(&eco2mix_source(&server.url(), extra));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let records = landed_records(&site);
    assert_eq!(records.len(), 250);
    assert_eq!(distinct_keys(&records), 250);
    assert!(
        records.iter().all(|r| r.get("perimetre").is_none()),
        "the `drop` fields never land"
    );
    // A page of 100 tells the selection's size, then one export gives all of it, with the
    // same selection: pages of a live dataset would shift between calls.
    let requests = double.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[0].starts_with("records") && requests[0].contains("limit=100"),
        "{requests:?}"
    );
    assert!(requests[1].starts_with("exports/json"), "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.contains("refine=nature:Données temps réel")
                && r.contains("where=(perimetre = 'France')")
                && r.contains("order_by=date_heure")),
        "{requests:?}"
    );
}

#[tokio::test]
async fn an_incremental_source_fetches_the_last_day_first_then_from_its_cursor_less_the_lookback() {
    let now = Utc::now();
    let records = eco2mix_records(400, now - TimeDelta::minutes(15 * 399));
    let newest = records
        .last()
        .and_then(|r| r.get("date_heure"))
        .and_then(Value::as_str)
        .expect("newest")
        .to_owned();
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records.clone());
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), "incremental = true"));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("first run");
    let first = landed_records(&site);
    assert!(
        (96..=97).contains(&first.len()),
        "the first run takes the last day: {}",
        first.len()
    );
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("second run");
    let second = landed_records(&site);
    assert_eq!(
        second,
        records[400 - 13..],
        "the second run takes again the last 3 hours before the newest landed record, so rows \
         the portal filled in since land with their values"
    );
    let last_request = double.requests().last().cloned().expect("a request");
    let cursor = chrono::DateTime::parse_from_rfc3339(&newest)
        .expect("iso")
        .with_timezone(&Utc);
    // From the minute of the newest row less the lookback.
    let from = (cursor - TimeDelta::hours(3))
        .duration_trunc(TimeDelta::minutes(1))
        .expect("a minute");
    let expected = format!(
        "`date_heure` >= date'{}'",
        from.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    assert!(last_request.contains(&expected), "{last_request}");
    assert!(
        last_request.contains("order_by=`date_heure`"),
        "{last_request}"
    );
    let state = std::fs::read_to_string(site.raw().join("eco2mix/.state.json")).expect("state");
    assert!(state.contains("\"cursor\""), "{state}");
}

#[tokio::test]
async fn rows_published_ahead_of_time_do_not_move_the_next_start_past_now() {
    // éCO2mix serves the day's forecast rows ahead of time, their measures null until measured.
    let now = Utc::now();
    let mut records = eco2mix_records(128, now - TimeDelta::hours(20));
    for record in &mut records {
        let at = record["date_heure"].as_str().expect("time").to_owned();
        if chrono::DateTime::parse_from_rfc3339(&at).expect("iso") > now {
            record["consommation"] = Value::Null;
        }
    }
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records);
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), "incremental = true"));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("first run");
    let state = saved_state(&site);
    let cursor = state["cursor"].as_str().expect("a cursor");
    let cursor = chrono::DateTime::parse_from_rfc3339(cursor).expect("iso");
    assert!(
        cursor <= Utc::now(),
        "however long the next run waits, it starts before the rows published ahead: {cursor}"
    );
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("second run");
    let measured_again = landed_records(&site)
        .iter()
        .filter(|r| !r["consommation"].is_null())
        .count();
    assert!(
        (11..=13).contains(&measured_again),
        "the second run takes again the last 3 hours before now, where measures fill in, \
         not 3 hours before the last forecast row: {measured_again} measured rows"
    );
    // From the minute: a run started a few milliseconds past a quarter asks again for the row
    // of the quarter exactly 3 hours before.
    let last_request = double.requests().last().cloned().expect("a request");
    let from = last_request
        .split("`date_heure` >= date'")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the lower bound");
    assert!(from.ends_with(":00.000Z"), "{last_request}");
}

#[tokio::test]
async fn a_backfill_collects_an_incremental_source_even_when_it_is_not_due() {
    let records = eco2mix_records(400, start());
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records);
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), "incremental = true"));
    collector::run_with(&site.args(&[], false), fast_policy())
        .await
        .expect("first run");
    let mut backfill = site.args(&[], false);
    backfill.since = Some(start().date_naive());
    let outcome = collector::run_with(&backfill, fast_policy())
        .await
        .expect("backfill");
    assert!(
        matches!(
            outcome.sources[0].1,
            SourceResult::Landed { records: 400, .. }
        ),
        "--since fetches the whole backlog at once: {:?}",
        outcome.sources
    );
}

#[tokio::test]
async fn an_unknown_dataset_fails_with_the_portals_message() {
    let double = OpendatasoftDouble::new("other", Vec::new());
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), ""));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let failures: Vec<_> = outcome.failures().collect();
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0]
            .1
            .contains("HTTP 404: DatasetNotFound: Unknown dataset: eco2mix-national-tr"),
        "{}",
        failures[0].1
    );
}

#[tokio::test]
async fn the_double_refuses_pages_past_the_window_like_the_real_portal() {
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(12_000, start()));
    let server = LocalServer::start(double.router());
    collector::http::install_tls_provider();
    let url = format!(
        "{}/api/explore/v2.1/catalog/datasets/eco2mix-national-tr/records?limit=100&offset=9950",
        server.url()
    );
    let answer = reqwest::get(&url).await.expect("answer");
    assert_eq!(answer.status().as_u16(), 400);
    let body: Value = answer.json().await.expect("JSON error body");
    assert_eq!(
        body,
        serde_json::json!({"error_code": "InvalidRESTParameterError", "message": "Invalid value for sum of offset + limit API parameter: 10050 was found but <= 10000 is expected."})
    );
}

/// Collects an incremental éCO2mix source ordered by `order_by` from `server` once: the
/// outcome, the run's announced total, records and shortfall, and the state it saved.
async fn incremental_run(
    server: &LocalServer,
    order_by: &str,
) -> (collector::Outcome, (Option<u64>, u64, u64), Value) {
    let site = Site::new(&eco2mix_source(
        &server.url(),
        &format!("incremental = true\norder_by = \"{order_by}\""),
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("a run");
    let metrics = site.metrics("eco2mix");
    let run = metrics.last().expect("metrics");
    let counts = (run.announced, run.records, run.shortfall);
    (outcome, counts, saved_state(&site))
}

/// A portal whose export is switched off (404) and whose paging stops after the first page:
/// the page at offset 100 is empty and announces a total of 0.
fn portal_cut_after_the_first_page(records: Vec<Value>) -> LocalServer {
    portal_paging(records, |_, _| (0, Vec::new()))
}

/// A portal whose export is switched off (404): its first page holds the first 100 records
/// and announces them all; `later(records, offset)` answers the other pages (total, records).
fn portal_paging(
    records: Vec<Value>,
    later: fn(&[Value], usize) -> (usize, Vec<Value>),
) -> LocalServer {
    use axum::extract::Query;
    use axum::http::StatusCode;
    use axum::routing::get;
    use std::collections::HashMap;

    let total = records.len();
    let records_route = move |Query(query): Query<HashMap<String, String>>| {
        let records = records.clone();
        async move {
            let body = match query.get("offset").map(String::as_str) {
                Some("0") | None => {
                    serde_json::json!({"total_count": total, "results": records[..100]})
                }
                Some(offset) => {
                    let (total, page) = later(&records, offset.parse().unwrap_or(0));
                    serde_json::json!({"total_count": total, "results": page})
                }
            };
            axum::Json(body)
        }
    };
    let export = || async {
        (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"error_code": "NotFound", "message": "exports are off"})),
        )
    };
    LocalServer::start(
        axum::Router::new()
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/records",
                get(records_route),
            )
            .route(
                "/api/explore/v2.1/catalog/datasets/{dataset}/exports/json",
                get(export),
            ),
    )
}

#[tokio::test]
async fn a_run_that_falls_short_keeps_its_shortfall_and_the_cursor_when_not_in_time_order() {
    let now = Utc::now();
    let mut records = eco2mix_records(250, now - TimeDelta::minutes(15 * 249));
    records.reverse();
    let server = portal_cut_after_the_first_page(records);
    for (order, cursor_moves) in [("date_heure desc", false), ("date_heure", true)] {
        let (outcome, counts, state) = incremental_run(&server, order).await;
        assert!(outcome.succeeded(), "{:?}", outcome.sources);
        assert_eq!(
            counts,
            (Some(250), 100, 150),
            "a later page announcing 0 does not hide the shortfall"
        );
        assert_eq!(
            state.get("cursor").is_some_and(|cursor| !cursor.is_null()),
            cursor_moves,
            "order_by = {order}: {state}"
        );
    }
}

#[tokio::test]
async fn a_row_the_dataset_holds_twice_does_not_hold_the_cursor_back() {
    use axum::routing::get;
    let now = Utc::now();
    let mut records = eco2mix_records(4, now - TimeDelta::minutes(45));
    records.reverse();
    records.push(records[0].clone());
    let page = serde_json::json!({"total_count": records.len(), "results": records});
    let server = LocalServer::start(axum::Router::new().route(
        "/api/explore/v2.1/catalog/datasets/{dataset}/records",
        get(move || {
            let page = page.clone();
            async move { axum::Json(page) }
        }),
    ));
    let (_, counts, state) = incremental_run(&server, "date_heure DESC").await;
    assert_eq!(
        counts,
        (Some(5), 4, 0),
        "the row held twice was served: no shortfall"
    );
    assert!(
        state.get("cursor").is_some_and(|cursor| !cursor.is_null()),
        "every announced row was sent: the cursor moves ({state})"
    );
}

#[tokio::test]
async fn pages_that_shift_keep_the_cursor_of_a_source_not_in_time_order() {
    let now = Utc::now();
    let mut records = eco2mix_records(150, now - TimeDelta::minutes(15 * 149));
    records.reverse();
    // The dataset changed between calls: the second page starts one record early, so record
    // 99 comes twice and the last one never.
    let server = portal_paging(records, |records, offset| {
        let from = offset.saturating_sub(1);
        (records.len(), records[from..records.len() - 1].to_vec())
    });
    let (_, counts, state) = incremental_run(&server, "date_heure desc").await;
    assert_eq!(
        counts,
        (Some(150), 149, 1),
        "the record served twice stands for one not served"
    );
    assert!(
        state.get("cursor").is_none_or(Value::is_null),
        "the cursor stays: {state}"
    );
}

/// The portal moves a dataset to a new id and she edits `dataset` under the same name: the
/// README says the old dataset's cursor (and any pause the old API asked for) carries over and
/// advises a new `name` for a different dataset. `collector --check`, which she runs after
/// each edit, says so before the first run, as it does for a changed `key`.
#[tokio::test(flavor = "multi_thread")]
async fn a_check_points_out_a_dataset_changed_under_an_incremental_sources_name() {
    let records = eco2mix_records(400, Utc::now() - TimeDelta::minutes(15 * 399));
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records);
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), "incremental = true"));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("first run");
    assert!(saved_state(&site)["cursor"].is_string(), "a cursor saved");

    let moved = eco2mix_source(&server.url(), "incremental = true")
        .replace("eco2mix-national-tr", "eco2mix-national-tr-v2");
    std::fs::write(site.config(), moved).expect("edit the dataset");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .arg("--check")
        .output()
        .expect("collector runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.split_whitespace().nth(1) == Some("eco2mix"))
        .unwrap_or_else(|| panic!("a line for eco2mix: {stdout}"));
    assert!(
        line.contains("dataset"),
        "the cursor of the dataset before carries over to the new one, unsaid: {line}"
    );
}

/// Three datasets of one portal whose daily quota is already spent: the first source's
/// refused call pauses the portal for the run, and the others pause until the same reset
/// without calling it.
#[tokio::test]
async fn a_portals_quota_refused_once_pauses_its_other_sources_without_a_call() {
    let resets = quota_reset();
    let datasets = ["velos", "parkings", "stations"];
    let double = datasets
        .iter()
        .fold(
            OpendatasoftDouble::new("eco2mix-national-tr", Vec::new()),
            |double, dataset| double.with_dataset(dataset, eco2mix_records(20, start())),
        )
        .with_daily_quota(0, resets);
    let server = LocalServer::start(double.router());
    // One call a second for the portal: the refusal is in before the next call is let through.
    let config: String = datasets
        .iter()
        .map(|dataset| {
            format!(
                "[[source]]\nname = \"{dataset}\"\nkind = \"opendatasoft\"\nurl = \"{}\"\ndataset = \"{dataset}\"\nevery = \"1h\"\nkey = \"date_heure\"\ntime = \"date_heure\"\nrate_limit = 1\n\n",
                server.url()
            )
        })
        .collect();
    let site = Site::new(&config);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert_eq!(
        double.requests().len(),
        1,
        "one refused call tells the run the portal's quota is spent: {:?}",
        double.requests()
    );
    let failures: Vec<_> = outcome.failures().collect();
    assert_eq!(failures.len(), 3, "{:?}", outcome.sources);
    for (source, reason) in failures {
        assert!(
            reason.contains(&format!("pauses until {resets}")) && !reason.contains('\n'),
            "`{source}` is said once as paused until the reset: {reason}"
        );
        assert_eq!(
            site.state(source).paused_until,
            Some(resets),
            "`{source}` rests until the reset"
        );
    }
}
