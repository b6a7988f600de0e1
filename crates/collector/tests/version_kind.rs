//! A `version` the summariser cannot order by: a flag served as `true`/`false`, or an object,
//! ranks as no version, so a record's copies are kept by landing; the collector's log says so
//! as they land, naming the source, the field and what it holds.

mod common;

use common::{Site, collector_without_proxies};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::OpendatasoftDouble;

/// Validated air measurements of one station, `statut_valid` as each record's `status`.
fn measurements(status: impl Fn(usize) -> Value) -> Vec<Value> {
    (0..3)
        .map(|hour| {
            json!({
                "id_mesure": format!("FR04014-{hour}"),
                "date_debut": format!("2026-12-06T{hour:02}:00:00+00:00"),
                "valeur": 12.5,
                "statut_valid": status(hour),
            })
        })
        .collect()
}

/// The warnings of a forced run of the source `air` over `records` served by an Opendatasoft
/// double, its `version` at `statut_valid`, naming the source.
fn warnings(records: Vec<Value>) -> Vec<String> {
    let double = OpendatasoftDouble::new("mesures-horaires", records);
    let server = LocalServer::start(double.router());
    let site = Site::new(&format!(
        "[[source]]\nname = \"air\"\nkind = \"opendatasoft\"\nurl = \"{}\"\n\
         dataset = \"mesures-horaires\"\nevery = \"1h\"\nkey = \"id_mesure\"\n\
         time = \"date_debut\"\nnumeric = [\"valeur\"]\nversion = \"statut_valid\"\n",
        server.url()
    ));
    let output = collector_without_proxies(&site)
        .env("RUST_LOG", "warn")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        site.data_files("air").len(),
        1,
        "the records land: {stderr}"
    );
    stderr
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("source=air"))
        .map(str::to_owned)
        .collect()
}

/// A student set `version = "statut_valid"` on a dataset serving it as `true`/`false`,
/// expecting the validated copy to win: a boolean orders nothing, so the copy landed last was
/// kept, nothing said (found by a student's validated-measurements flag).
#[test]
fn a_version_served_as_a_boolean_is_warned_of_naming_source_and_field() {
    let warnings = warnings(measurements(|hour| json!(hour != 1)));
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let warning = &warnings[0];
    assert!(
        warning.contains("version=statut_valid")
            && warning.contains("found=booleans")
            && warning.contains("holding=3")
            && warning.contains("ordered by landing"),
        "{warning}"
    );
}

/// The same flag served as an object (`{"code": "V"}`) is said once, as the version's, not
/// also among the fields held only as objects.
#[test]
fn a_version_served_as_an_object_is_warned_of_once() {
    let warnings = warnings(measurements(|_| json!({"code": "V", "label": "validée"})));
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("version=statut_valid") && warnings[0].contains("found=objects"),
        "{}",
        warnings[0]
    );
}

/// A version served as a time, a number or text orders the copies: nothing is said.
#[test]
fn a_version_served_as_a_time_a_number_or_text_is_not_warned_of() {
    for status in [json!("2026-12-06T12:00:00Z"), json!(3), json!("V")] {
        let warnings = warnings(measurements(|_| status.clone()));
        assert!(warnings.is_empty(), "{status}: {warnings:#?}");
    }
}
