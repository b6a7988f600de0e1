//! Hub'Eau's hydrométrie API collected through `http_json`, as a hydrology student would
//! configure it from the README: its answers in their real shapes (`count`, `first`, `prev`,
//! `next`, `api_version`, `data`; HTTP 206 while more pages follow), and its error bodies
//! (`{"code": …, "message": …, "field_errors": …}`).

mod common;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use common::{Site, fast_policy};
use testkit::http::LocalServer;

/// A source of one station's real-time discharge, as the README's `http_json` keys write it.
fn hubeau_source(url: &str, size: u32) -> String {
    format!(
        r#"
[[source]]
name = "hubeau-debit"
kind = "http_json"
url = "{url}/api/v2/hydrometrie/observations_tr"
params = {{ code_entite = "O972001001", grandeur_hydro = "Q", size = {size} }}
every = "1h"
records = "data"
key = ["code_station", "grandeur_hydro", "date_obs"]
time = "date_obs"
numeric = ["resultat_obs"]
units = {{ resultat_obs = "l/s" }}
"#
    )
}

/// A Hub'Eau double answering every call with `status` and `body`.
fn hubeau(status: u16, body: String) -> LocalServer {
    let status = StatusCode::from_u16(status).expect("status");
    LocalServer::start(Router::new().route(
        "/api/v2/hydrometrie/observations_tr",
        get(move || async move {
            (
                status,
                [("content-type", "application/json; charset=utf-8")],
                body,
            )
        }),
    ))
}

/// Hub'Eau's answer when something failed on its side (its `code` is text, its `message`
/// empty, as in BRGM/hubeau#83): the failure must say what the body says, not nothing.
#[tokio::test]
async fn a_hubeau_server_error_with_an_empty_message_is_said_by_its_code_not_as_nothing() {
    let server = hubeau(
        500,
        r#"{"code":"Internal server error","message":"","field_errors":null}"#.to_owned(),
    );
    let site = Site::new(&hubeau_source(&server.url(), 1000));
    let reason = site.failed_run(true).await;
    assert!(
        reason.contains("Internal server error"),
        "the failure line says what Hub'Eau answered, not an empty message: {reason:?}"
    );
    assert!(
        !reason.trim_end().ends_with("HTTP 500:"),
        "nothing after the status: {reason:?}"
    );
}

/// Hub'Eau refuses a `size` past its depth limit with a generic `message`; what was wrong,
/// and with which parameter, is in `field_errors`: the failure must say it.
#[tokio::test]
async fn a_hubeau_refusal_says_which_parameter_its_field_errors_name() {
    let server = hubeau(
        400,
        r#"{"code":400,"message":"Requête invalide","field_errors":[{"field":"size","message":"La profondeur maximale de pagination (page x size) est limitée à 20000 résultats"}]}"#
            .to_owned(),
    );
    let site = Site::new(&hubeau_source(&server.url(), 25000));
    let reason = site.failed_run(true).await;
    assert!(reason.contains("HTTP 400"), "{reason}");
    assert!(
        reason.contains("size") && reason.contains("20000"),
        "the failure line names the parameter refused and the limit, as `field_errors` says: {reason:?}"
    );
}

/// One page of a station's observations: `count` of every page, `next` to the following one,
/// HTTP 206 as Hub'Eau answers while more pages follow.
fn first_page(landed: usize, count: usize) -> String {
    let data: Vec<serde_json::Value> = (0..landed)
        .map(|i| {
            let minutes = 600 - i * 10;
            serde_json::json!({
                "code_site": "O9720010",
                "code_station": "O972001001",
                "grandeur_hydro": "Q",
                "date_obs": format!("2026-12-05T{:02}:{:02}:00Z", minutes / 60, minutes % 60),
                "resultat_obs": 123450.0 + i as f64,
                "continuite_obs_hydro": true
            })
        })
        .collect();
    serde_json::json!({
        "count": count,
        "first": "https://hubeau.eaufrance.fr/api/v2/hydrometrie/observations_tr?code_entite=O972001001&grandeur_hydro=Q&size=50",
        "prev": null,
        "next": "https://hubeau.eaufrance.fr/api/v2/hydrometrie/observations_tr?code_entite=O972001001&grandeur_hydro=Q&size=50&cursor=AoJ8",
        "api_version": "1.0.0",
        "data": data
    })
    .to_string()
}

/// Hub'Eau (and Django REST framework) announce every page's records as `count`, beside
/// `next`: the run must record it as announced, so the report's coverage shows the cut the
/// collector's log warns of, rather than "not announced".
#[tokio::test]
async fn hubeaus_count_beside_a_next_page_is_recorded_as_the_announced_total() {
    let server = hubeau(206, first_page(50, 4523));
    let site = Site::new(&hubeau_source(&server.url(), 50));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    assert_eq!(outcome.failures().count(), 0, "a 206 is an answer");
    let metrics = site.metrics("hubeau-debit");
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0].records, 50);
    assert_eq!(
        metrics[0].announced,
        Some(4523),
        "the run's announced total is the answer's `count`"
    );
    assert_eq!(metrics[0].shortfall, 4473);
}
