//! The shipped Opendatasoft sources (`eco2mix-national`, `toulouse-meteo-compans`) against the
//! portal doubles the demo serves with the recorded day: a dataset id the portal does not
//! hold answers 404, and a field its records do not hold, in `order_by` or in the incremental
//! `where`, answers `ODSQLError`, as on the real portals. Without this test only a run of
//! `scripts/demo.sh` would find such a mistake in `sources.toml`.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Site, fast_policy};
use serde_json::Value;
use testkit::http::LocalServer;

/// The shipped tables for the Opendatasoft portals, asking the replay server at `base`.
fn shipped_portals(base: &str) -> String {
    let shipped = std::fs::read_to_string(testkit::workspace_root().join("sources.toml"))
        .expect("the shipped sources.toml");
    let tables: Vec<String> = shipped
        .split("[[source]]")
        .filter(|table| table.contains("kind = \"opendatasoft\""))
        .map(|table| {
            let table = table
                .replace("https://odre.opendatasoft.com", &format!("{base}/odre"))
                .replace(
                    "https://data.toulouse-metropole.fr",
                    &format!("{base}/toulouse"),
                );
            format!("[[source]]{table}")
        })
        .collect();
    assert_eq!(tables.len(), 2, "the two shipped Opendatasoft tables");
    tables.concat()
}

#[tokio::test]
async fn the_shipped_portal_sources_land_the_recorded_day() {
    let fixtures = testkit::workspace_root().join("tests/fixtures/recorded");
    let server =
        LocalServer::start(testkit::replay::router(&fixtures).expect("the recorded responses"));
    let config = shipped_portals(&server.url());
    let site = Site::new(&config);
    let mut args = site.args(&[], true);
    // As the demo does: the recorded day is yesterday; the incremental sources start before it.
    args.since = Some((Utc::now() - TimeDelta::days(2)).date_naive());
    let outcome = collector::run_with(&args, fast_policy())
        .await
        .expect("run");
    assert!(outcome.succeeded(), "{:?}", outcome.sources);

    let parsed = releve::Config::parse(&config, &site.config()).expect("the shipped tables");
    for source in &parsed.sources {
        let files = site.data_files(&source.name);
        assert_eq!(files.len(), 1, "{}: one landed file", source.name);
        let records: Vec<Value> =
            serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
        assert_eq!(records.len(), 96, "{}: the recorded day", source.name);
        for (key, path) in source.read_fields() {
            assert!(
                records.iter().any(|record| path.get(record).is_some()),
                "{}: key `{key}` reads `{}`, which no recorded record holds",
                source.name,
                path.as_str()
            );
        }
    }
}
