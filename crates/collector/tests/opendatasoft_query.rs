//! What an `opendatasoft` source's `where`, `refine`, `select` and `order_by` do to what
//! lands, against the Explore v2.1 double that applies them as the portal does, and a clause
//! the portal refuses.

mod common;

use common::eco2mix::{eco2mix_source, landed_records, start};
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;
use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

/// 500 éCO2mix-like rows: national and regional, real-time and consolidated, alternating.
fn mixed_perimeters_and_natures() -> Vec<Value> {
    let mut records = eco2mix_records(500, start());
    for (i, record) in records.iter_mut().enumerate() {
        if i % 2 == 1 {
            record["perimetre"] = Value::from("Occitanie");
        }
        if i % 4 >= 2 {
            record["nature"] = Value::from("Données consolidées");
        }
    }
    records
}

/// The checkout after a forced run of an éCO2mix source, its table's lines `extra` added,
/// whose portal serves `records`: the run succeeded.
async fn collected(records: &[Value], extra: &str) -> Site {
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records.to_vec());
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(&server.url(), extra));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    site
}

#[tokio::test]
async fn where_refine_select_and_order_by_decide_what_lands_and_in_which_order() {
    let records = mixed_perimeters_and_natures();
    let extra = "where = \"perimetre = 'France'\"\nrefine = [\"nature:Données temps réel\"]\n\
                 select = \"date_heure, consommation\"\norder_by = \"date_heure desc\"";
    let site = collected(&records, extra).await;
    let expected: Vec<Value> = records
        .iter()
        .rev()
        .filter(|r| r["perimetre"] == "France" && r["nature"] == "Données temps réel")
        .map(|r| serde_json::json!({"date_heure": r["date_heure"], "consommation": r["consommation"]}))
        .collect();
    assert_eq!(expected.len(), 125);
    assert_eq!(
        landed_records(&site),
        expected,
        "the national real-time rows only, newest first, with the selected fields"
    );
    assert_eq!(site.metrics("eco2mix")[0].announced, Some(125));
}

/// A `where` joining conditions with `or`, which the real portals read (ODSQL's `and` binding
/// tighter, as in SQL): the double refused it as a malformed query, so no test could hold a
/// source written so, and the collector's parentheses around the user's clause went untried.
/// Expected: the rows either side of the `or` meets, in order.
#[tokio::test]
async fn a_where_clause_joined_by_or_selects_the_rows_either_side_meets() {
    let records = mixed_perimeters_and_natures();
    let extra = "where = \"perimetre = 'France' and nature = 'Données temps réel' or \
                 perimetre = 'Occitanie' AND (nature = 'Données consolidées')\"\n\
                 order_by = \"date_heure\"";
    let site = collected(&records, extra).await;
    let expected: Vec<Value> = records
        .iter()
        .filter(|r| {
            (r["perimetre"] == "France" && r["nature"] == "Données temps réel")
                || (r["perimetre"] == "Occitanie" && r["nature"] == "Données consolidées")
        })
        .cloned()
        .collect();
    assert_eq!(expected.len(), 250);
    assert_eq!(landed_records(&site), expected);
}

#[tokio::test]
async fn a_where_clause_the_portal_cannot_read_fails_once_with_its_words() {
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(10, start()));
    let server = LocalServer::start(double.router());
    let site = Site::new(&eco2mix_source(
        &server.url(),
        "where = \"perimetre = France\"",
    ));
    let reason = site.failed_run(true).await;
    assert!(reason.contains("HTTP 400: ODSQLError: "), "{reason}");
    assert_eq!(
        double.requests().len(),
        1,
        "a query the portal refuses is not asked again"
    );
}

#[tokio::test]
async fn a_time_field_named_like_an_odsql_keyword_is_filtered_and_ordered_by() {
    // Some datasets name their time `date`, an ODSQL keyword: a clause must write that field
    // in back-quotes, or the portal refuses it.
    let now = chrono::Utc::now();
    let records: Vec<Value> = eco2mix_records(400, now - chrono::TimeDelta::minutes(15 * 399))
        .into_iter()
        .map(|mut record| {
            record["date"] = record["date_heure"].take();
            record
        })
        .collect();
    let double = OpendatasoftDouble::new("eco2mix-national-tr", records.clone());
    let server = LocalServer::start(double.router());
    let source = eco2mix_source(&server.url(), "incremental = true").replace(
        "key = \"date_heure\"\ntime = \"date_heure\"",
        "key = \"date\"\ntime = \"date\"",
    );
    assert!(source.contains("time = \"date\""), "{source}");
    let site = Site::new(&source);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    let landed = landed_records(&site);
    assert!(
        (96..=97).contains(&landed.len()),
        "the first run takes the last day: {}",
        landed.len()
    );
    assert_eq!(
        landed,
        records[records.len() - landed.len()..],
        "the newest rows, oldest first"
    );
}
