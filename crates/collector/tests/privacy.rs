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

/// Runs the collector once on `source`'s table, the feed at `/feed` answering `body`; its
/// stderr, and the landed file's text.
fn collect_once(body: &'static str, drop: &str) -> (String, String) {
    let server = LocalServer::start(Router::new().route("/feed", get(move || async move { body })));
    let site = Site::new(&usgs_source(
        "reviews",
        &format!("{}/feed", server.url()),
        drop,
    ));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .args(["--config", "sources.toml", "--raw-dir", "raw", "--force"])
        .args(["--source", "reviews"])
        .env("RUST_LOG", "info")
        .output()
        .expect("run the collector");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let files = site.data_files("reviews");
    let landed = std::fs::read_to_string(&files[0]).expect("landed");
    (stderr, landed)
}

/// A `drop` path into an array of objects (the reviewers' contacts, a list) with its last
/// step misspelt: `properties.contacts.couriel` for the API's `courriel`. `drop` follows the
/// path into each item of the array (the README's `formations.commentaire`), so the path is
/// of the right shape, and it removes nothing: every e-mail lands. Before stop 64 the log named
/// it ("removed nothing"); since the warning is given only when a name alike is found, and the
/// names are looked for in objects alone (`note_names_beside` stops at an array), the
/// misspelling inside an array is never said, though `courriel` is one letter away.
#[test]
fn a_misspelt_drop_path_into_an_array_of_contacts_is_still_named_in_the_log() {
    let body = r#"{"features":[
        {"id":"a","properties":{"mag":1.5,"time":1764000000000,"contacts":[{"nom":"Mme Claire Martin","courriel":"claire.martin@example.fr"}]}},
        {"id":"b","properties":{"mag":2.5,"time":1764000060000,"contacts":[{"nom":"M. Paul Durand","courriel":"paul.durand@example.fr"},{"nom":"Mme Léa Petit","courriel":"lea.petit@example.fr"}]}}]}"#;
    let (stderr, landed) = collect_once(body, "drop = [\"properties.contacts.couriel\"]");
    assert!(
        landed.contains("claire.martin@example.fr"),
        "the e-mails land: {landed}"
    );
    assert!(
        stderr.contains("properties.contacts.couriel"),
        "the e-mails of every record land though `drop` was written to remove them (`couriel` for `courriel`, inside an array of contacts), and the log says nothing of the path that removed nothing:\n{stderr}"
    );
}

/// A `drop` of an optional personal field, `properties.name` (a reviewer's name, given by some
/// reviewers only), on a run whose records hold none: the path is right, and nothing is to be
/// said (the README: "a path no record of a run holds and no name is alike is an optional field
/// absent that run … not warned of"). But `name` is within two letters of `time`, which every
/// record holds, so the log calls the path misspelt and tells the user to "Write the name the
/// records hold in `drop`": `properties.time`, the source's own `time` field. Followed, the
/// advice would remove nothing more (config refuses it, or worse, drops a field the user wants)
/// and the names would land the day they come.
#[test]
fn a_drop_of_a_name_absent_this_run_is_not_called_a_misspelling_of_time() {
    let body = r#"{"features":[
        {"id":"a","properties":{"mag":1.5,"time":1764000000000}},
        {"id":"b","properties":{"mag":2.5,"time":1764000060000}}]}"#;
    let (stderr, _) = collect_once(body, "drop = [\"properties.name\"]");
    assert!(
        !stderr.contains("removed nothing"),
        "a right `drop` path of a field absent this run is called misspelt, the user told to write the source's `time` field in its place:\n{stderr}"
    );
}
