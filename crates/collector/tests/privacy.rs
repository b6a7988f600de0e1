//! What a data-protection officer checks before signing off: personal data a source's `drop`
//! is meant to remove never lands unnoticed.

mod common;

use axum::Router;
use axum::routing::get;
use common::{Site, usgs_source};
use testkit::http::LocalServer;

/// A `drop` path that removes nothing from any record (a field misspelt, `contact` for the
/// API's `contacts`) lets the personal data it was written for land in every file, and from
/// there reach MongoDB, `rejected_records` and the quarantine. The README: `collector --source
/// NAME --force` collects a source once "naming in its log any configured field its records do
/// not hold", and a `drop` path naming an array's item, which removes nothing, "the collector
/// warns at each run it lands". A `drop` path no record holds is named nowhere.
#[test]
fn a_drop_path_that_removes_nothing_from_any_record_is_named_in_the_log() {
    let body = r#"{"features":[
        {"id":"a","properties":{"mag":1.5,"time":1764000000000,"contacts":{"nom":"Mme Claire Martin","courriel":"claire.martin@example.fr"}}},
        {"id":"b","properties":{"mag":2.5,"time":1764000060000,"contacts":{"nom":"M. Paul Durand","courriel":"paul.durand@example.fr"}}}]}"#;
    let server = LocalServer::start(Router::new().route("/feed", get(move || async move { body })));
    let site = Site::new(&usgs_source(
        "reviews",
        &format!("{}/feed", server.url()),
        "drop = [\"properties.contact\"]",
    ));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .args(["--config", "sources.toml", "--raw-dir", "raw", "--force"])
        .args(["--source", "reviews"])
        .env("RUST_LOG", "info")
        .output()
        .expect("run the collector");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let files = site.data_files("reviews");
    let landed = std::fs::read_to_string(&files[0]).expect("landed");
    assert!(
        landed.contains("claire.martin@example.fr"),
        "the e-mails land: {landed}"
    );
    assert!(
        stderr.contains("properties.contact`") || stderr.contains("properties.contact "),
        "the collector lands people's names and e-mails though `drop` was set to remove them, and its log never says that `drop`'s `properties.contact` removed nothing from any record:\n{stderr}"
    );
}
