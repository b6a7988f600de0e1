//! An environmental-science student's hourly air-quality archive: an agency's measurements in
//! long format (a row per station, pollutant and hour), against the Explore v2.1 double.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Site, collector_without_proxies};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::OpendatasoftDouble;

/// Two stations' NO₂ and PM10 of the last six hours, as Atmo Occitanie serves them: `valeur`
/// in the unit of `unite`, `date_debut` in local time with its offset.
fn measurements() -> Vec<Value> {
    let paris = chrono::FixedOffset::east_opt(3600).expect("an offset");
    let now = Utc::now() - TimeDelta::hours(6);
    let mut rows = Vec::new();
    for hour in 0..6 {
        let start = (now + TimeDelta::hours(hour)).with_timezone(&paris);
        for (code, station) in [
            ("FR12021", "Toulouse-Berthelot"),
            ("FR12072", "Périphérique"),
        ] {
            for (pollutant, id, value) in [("NO2", 8, 31.5), ("PM10", 5, 18.2)] {
                rows.push(json!({
                    "code_station": code,
                    "nom_station": station,
                    "nom_poll": pollutant,
                    "id_poll_ue": id,
                    "valeur": value,
                    "unite": "µg/m³",
                    "date_debut": start.format("%Y-%m-%dT%H:00:00%:z").to_string(),
                    "statut_valid": 0,
                }));
            }
        }
    }
    rows
}

/// Keyed by the station and the hour alone, the pollutants of an hour share a key: the
/// collector's warning says so, and names the fields the first two such records differ in,
/// the pollutant's among them, so the student sees what the `key` lacks.
#[test]
fn a_key_missing_the_pollutant_is_warned_of_naming_the_fields_that_differ() {
    let double = OpendatasoftDouble::new("mesures-horaires", measurements());
    let server = LocalServer::start(double.router());
    let site = Site::new(&format!(
        r#"
[[source]]
name = "atmo-toulouse"
kind = "opendatasoft"
url = "{}"
dataset = "mesures-horaires"
every = "1h"
key = ["code_station", "date_debut"]
time = "date_debut"
numeric = ["valeur"]
rate_limit = 1000
"#,
        server.url()
    ));
    let output = collector_without_proxies(&site)
        .env("RUST_LOG", "warn")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let warning = stderr
        .lines()
        .find(|line| line.contains("sharing their `key` with a different record"))
        .unwrap_or_else(|| panic!("a key clash warned of: {stderr}"));
    assert!(
        warning.contains(
            "differ in `id_poll_ue`, `nom_poll`, `valeur`: add the field telling them apart to \
             `key`."
        ),
        "records of one hour: the field telling them apart, not the time, advised: {warning}"
    );
    assert!(warning.contains("sharing=12"), "{warning}");
}
