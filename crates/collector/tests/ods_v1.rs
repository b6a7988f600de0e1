//! `ods_v1` sources against the local legacy-API double: rows/start paging within the
//! 10000 window, the download endpoint beyond it.

mod common;

use std::collections::HashSet;

use collector::SourceResult;
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;
use testkit::ods_v1::{OdsV1Double, city_records};

fn cities_source(url: &str) -> String {
    format!(
        r#"
[[source]]
name = "villes"
kind = "ods_v1"
url = "{url}"
dataset = "villes"
every = "1d"
key = "recordid"
time = "record_timestamp"
numeric = ["fields.population"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
refine = {{ pays = "fr" }}
rate_limit = 1000
"#
    )
}

fn landed(site: &Site) -> Vec<Value> {
    let files = site.data_files("villes");
    assert_eq!(files.len(), 1);
    serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("a JSON array")
}

fn distinct(records: &[Value]) -> usize {
    records
        .iter()
        .filter_map(|r| r.get("recordid").and_then(Value::as_str))
        .collect::<HashSet<_>>()
        .len()
}

#[tokio::test]
async fn more_hits_than_a_page_come_whole_from_one_download_call() {
    let double = OdsV1Double::new("villes", city_records("villes", 2_500));
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source(&server.url()));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(
            outcome.sources[0].1,
            SourceResult::Landed { records: 2_500, .. }
        ),
        "{:?}",
        outcome.sources
    );
    let records = landed(&site);
    assert_eq!(distinct(&records), 2_500);
    assert_eq!(
        records[0]["fields"]["geopoint"],
        serde_json::json!([43.0, 1.0]),
        "records land as the API gave them"
    );
    // A page of `rows` tells the selection's size, then one download gives all of it: pages
    // of a live dataset would shift between calls.
    let requests = double.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[0].starts_with("search?")
            && requests[0].contains("rows=1000")
            && requests[0].contains("start=0"),
        "{requests:?}"
    );
    assert!(
        requests[1].starts_with("download?") && requests[1].contains("format=json"),
        "{requests:?}"
    );
    assert!(requests.iter().all(|r| r.contains("refine.pays=fr")));
    let metrics = &site.metrics("villes")[0];
    assert_eq!((metrics.announced, metrics.shortfall), (Some(2_500), 0));
}

#[tokio::test]
async fn more_hits_than_the_window_come_from_the_download_endpoint() {
    let double = OdsV1Double::new("villes", city_records("villes", 10_500));
    let server = LocalServer::start(double.router());
    let site = Site::new(&cities_source(&server.url()));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let records = landed(&site);
    assert_eq!(records.len(), 10_500);
    assert_eq!(distinct(&records), 10_500);
    let requests = double.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("download?") && r.contains("format=json")),
        "{requests:?}"
    );
    let metrics = &site.metrics("villes")[0];
    assert_eq!(
        (metrics.records, metrics.announced, metrics.coverage),
        (10_500, Some(10_500), Some(1.0))
    );
}
