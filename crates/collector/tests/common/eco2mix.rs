//! An éCO2mix `opendatasoft` source for the tests against the Explore v2.1 double.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use super::Site;

/// The source `eco2mix` asking the double at `url`, with `extra` lines in its table.
pub fn eco2mix_source(url: &str, extra: &str) -> String {
    format!(
        r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "{url}"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation"]
rate_limit = 1000
{extra}
"#
    )
}

/// The records of the newest file landed.
pub fn landed_records(site: &Site) -> Vec<Value> {
    let files = site.data_files("eco2mix");
    let last = files.last().expect("a landed file");
    serde_json::from_slice(&std::fs::read(last).expect("read")).expect("a JSON array")
}

/// The first record's time in the tests' datasets.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("time")
}
