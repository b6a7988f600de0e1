//! An urban-data analyst's datasets of Toulouse Métropole's and ODRÉ's portals, against the
//! Explore v2.1 double.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Site, fast_policy};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::OpendatasoftDouble;

/// A daily dataset dated by a `date` field (no time of day), published with a delay of two
/// days, as daily counts often are: its newest row is the day before yesterday.
fn daily_counts_published_two_days_late() -> Vec<Value> {
    let today = Utc::now().date_naive();
    (2..40)
        .rev()
        .map(|days_ago| {
            let day = today - TimeDelta::days(days_ago);
            json!({"jour": day.format("%Y-%m-%d").to_string(), "comptage": 1000 + days_ago})
        })
        .collect()
}

fn daily_source(url: &str) -> String {
    format!(
        r#"
[[source]]
name = "velo-jour"
kind = "opendatasoft"
url = "{url}"
dataset = "comptages-velo-jour"
every = "1d"
resolution = "day"
incremental = true
key = "jour"
time = "jour"
numeric = ["comptage"]
rate_limit = 1000
"#
    )
}

/// An incremental source whose dataset's newest row is more than a day old when it is added
/// (a daily dataset published two days late, a station down since yesterday morning) asks
/// every run for "the last 24 hours" only: the first run lands nothing, so no cursor is ever
/// set, and every later run asks the same empty window again. The source then never
/// collects a record, while each run succeeds.
#[tokio::test]
async fn an_incremental_daily_dataset_published_two_days_late_lands_its_rows() {
    let records = daily_counts_published_two_days_late();
    let newest = records.last().cloned().expect("a newest row");
    let double = OpendatasoftDouble::new("comptages-velo-jour", records);
    let server = LocalServer::start(double.router());
    let site = Site::new(&daily_source(&server.url()));
    for _ in 0..3 {
        let outcome = collector::run_with(&site.args(&[], true), fast_policy())
            .await
            .expect("a run");
        assert!(outcome.succeeded(), "{:?}", outcome.sources);
    }
    let landed: Vec<Value> = site
        .data_files("velo-jour")
        .iter()
        .flat_map(|file| {
            serde_json::from_slice::<Vec<Value>>(&std::fs::read(file).expect("read"))
                .expect("a JSON array")
        })
        .collect();
    assert!(
        landed.contains(&newest),
        "after three runs the dataset's newest day ({}) has landed; landed {} records, requests {:?}",
        newest["jour"],
        landed.len(),
        double.requests()
    );
}

/// The same daily dataset published two days late, holding besides one row dated ahead (a
/// year mistyped, `2099`, or a forecast row): the first run's question of the selection's
/// newest row is answered by that row, later than now, so the run falls back to the last 24
/// hours, which hold none of the published days; the row ahead lands, its time sets no cursor
/// past now, and every later run asks from its own start less `lookback`. After three runs the
/// dataset's newest published day has still not landed: the first run should take the 24 hours
/// up to the newest row not later than now.
#[tokio::test]
async fn an_incremental_dataset_published_late_with_one_row_dated_ahead_lands_its_last_day() {
    let mut records = daily_counts_published_two_days_late();
    let newest = records.last().cloned().expect("a newest row");
    records.push(json!({"jour": "2099-03-01", "comptage": 7}));
    let double = OpendatasoftDouble::new("comptages-velo-jour", records);
    let server = LocalServer::start(double.router());
    let site = Site::new(&daily_source(&server.url()));
    for _ in 0..3 {
        let outcome = collector::run_with(&site.args(&[], true), fast_policy())
            .await
            .expect("a run");
        assert!(outcome.succeeded(), "{:?}", outcome.sources);
    }
    let landed: Vec<Value> = site
        .data_files("velo-jour")
        .iter()
        .flat_map(|file| {
            serde_json::from_slice::<Vec<Value>>(&std::fs::read(file).expect("read"))
                .expect("a JSON array")
        })
        .collect();
    assert!(
        landed.contains(&newest),
        "after three runs the dataset's newest published day ({}) has not landed, one row dated \
         2099 standing for the selection's newest; landed {:?}, requests {:?}",
        newest["jour"],
        landed,
        double.requests()
    );
}
