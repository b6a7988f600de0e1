//! Rows a portal revises after they landed: éCO2mix's quarter-hours served again, consolidated,
//! with new values and a new `nature`, the day after.

mod common;

use chrono::{TimeDelta, Utc};
use common::eco2mix::eco2mix_source;
use common::{Site, fast_policy};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

/// The records of every file landed for `source`.
fn landed(site: &Site, source: &str) -> Vec<Value> {
    site.data_files(source)
        .iter()
        .flat_map(|file| {
            serde_json::from_slice::<Vec<Value>>(&std::fs::read(file).expect("read"))
                .expect("array")
        })
        .collect()
}

/// A day of éCO2mix collected, then its quarter-hour 20 hours before the newest served consolidated
/// (same `date_heure`, revised values, `nature` changed), and a run on the next day, its
/// source's `lookback` 3 hours and `recheck` as `extra` sets it: whether that run lands the
/// consolidated version.
async fn revision_landed(extra: &str) -> bool {
    // The newest row 26 hours old (a day's run moved back keeps the cursor at it).
    let newest = Utc::now() - TimeDelta::hours(26);
    let records = eco2mix_records(200, newest - TimeDelta::minutes(15 * 199));
    let first = LocalServer::start(
        OpendatasoftDouble::new("eco2mix-national-tr", records.clone()).router(),
    );
    let extra = format!(
        "incremental = true\norder_by = \"date_heure\"\nlookback = \"3h\"\ncategories = [\"nature\"]\n{extra}"
    );
    let site = Site::new(&eco2mix_source(&first.url(), &extra));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("first run");
    let mut revised = records.clone();
    let consolidated = &mut revised[200 - 80];
    consolidated["consommation"] = json!(51_234);
    consolidated["nature"] = json!("Données consolidées");
    let wanted: Value = consolidated.clone();
    let second =
        LocalServer::start(OpendatasoftDouble::new("eco2mix-national-tr", revised).router());
    std::fs::write(site.config(), eco2mix_source(&second.url(), &extra)).expect("config");
    // The last success on the day before: this run is the day's first.
    site.edit_state("eco2mix", |state| {
        state.last_success_started = state
            .last_success_started
            .map(|started| started - TimeDelta::days(1));
        state.last_attempt = state.last_success_started;
    });
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("second run");
    landed(&site, "eco2mix").contains(&wanted)
}

/// With `recheck = "2d"`, the day's first run asks for the two days before the newest row
/// landed again: the quarter-hour consolidated the next day lands its consolidated values,
/// which the summariser keeps as its latest version.
#[tokio::test]
async fn a_quarter_hour_consolidated_the_next_day_lands_with_a_recheck() {
    assert!(
        revision_landed("recheck = \"2d\"").await,
        "the consolidated version lands at the day's first run"
    );
}

/// Without `recheck`, only the 3 hours before the newest row are asked for again, as the
/// README says: the revision of 20 hours ago never lands.
#[tokio::test]
async fn without_a_recheck_a_revision_past_the_lookback_never_lands() {
    assert!(!revision_landed("").await, "only `lookback` is asked again");
}
