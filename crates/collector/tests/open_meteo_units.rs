//! Open-Meteo says each variable's unit beside its records (`hourly_units`, `daily_units`,
//! `current_units`), in what the request asked for (`precipitation_unit = "inch"`,
//! `temperature_unit = "fahrenheit"`): a `units` entry that says otherwise labels the
//! report's charts and figures wrongly, which the collector's log says.

mod common;

use std::process::Command;

use axum::Router;
use axum::routing::get;
use common::Site;
use testkit::http::LocalServer;

/// The real `collector` binary, to run in `site`'s folder, logging its warnings.
fn collector(site: &Site) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    command.current_dir(site.dir.path()).env("RUST_LOG", "warn");
    command
}

/// The stderr of a run that must succeed.
fn succeeded(output: std::io::Result<std::process::Output>) -> String {
    let output = output.expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// The warnings naming the source (not the raw folder's, made by the first run).
fn warnings_of_the_source(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("source=rain"))
        .collect()
}

/// A double answering every request with `body`.
fn feed(body: String) -> LocalServer {
    LocalServer::start(Router::new().route("/feed", get(move || async move { body })))
}

/// An hourly precipitation source for one place, `records` at `path`, its `units` as written.
fn source(server: &LocalServer, path: &str, units: &str) -> String {
    format!(
        "[[source]]\nname = \"rain\"\nkind = \"http_json\"\nurl = \"{}/feed\"\n\
         params = {{ hourly = \"precipitation,river_discharge\", precipitation_unit = \"inch\" }}\n\
         every = \"1h\"\nrecords = \"{path}\"\ncolumns = true\nforecast = true\nkey = \"time\"\n\
         time = \"time\"\nnumeric = [\"precipitation\", \"river_discharge\"]\n\
         totals = [\"precipitation\"]\nunits = {units}\n",
        server.url()
    )
}

/// One place's hourly answer, in inches, as Open-Meteo writes it.
const PLACE: &str = r#"{"latitude": 43.6, "longitude": 1.44, "utc_offset_seconds": 0,
  "timezone": "GMT", "hourly_units": {"time": "iso8601", "precipitation": "inch",
  "river_discharge": "m³/s"}, "hourly": {"time": ["2026-12-05T00:00", "2026-12-05T01:00"],
  "precipitation": [0.02, 0.04], "river_discharge": [210.5, 211.0]}}"#;

/// A hydrologist asked Open-Meteo for inches (`precipitation_unit = "inch"`) and kept the
/// README's `units = { precipitation = "mm" }`: the report read "Period total: 0.06 mm" for
/// 0.06 inch (1.5 mm), nothing said, though the answer names its unit beside the records
/// (found by a hydrologist).
#[test]
fn a_unit_the_answer_says_otherwise_is_warned_of_naming_both() {
    let server = feed(PLACE.to_owned());
    let units = r#"{ precipitation = "mm", river_discharge = "m3/s" }"#;
    let site = Site::new(&source(&server, "hourly", units));
    let stderr = succeeded(collector(&site).arg("--force").output());
    let warnings = warnings_of_the_source(&stderr);
    assert_eq!(warnings.len(), 1, "m3/s is m³/s, spelt otherwise: {stderr}");
    let warning = warnings[0];
    assert!(
        warning.contains("`precipitation`: `units` says `mm`, `hourly_units` says `inch`")
            && warning.contains("source=rain"),
        "{warning}"
    );
    assert_eq!(site.data_files("rain").len(), 1, "the answer still lands");
}

/// The same of one place among several (`records = "1.hourly"`, its units at
/// `1.hourly_units`); with the units the answer says, nothing is warned of.
#[test]
fn units_of_one_place_among_several_are_read_beside_its_records() {
    let server = feed(format!("[{PLACE}, {PLACE}]"));
    let units = r#"{ precipitation = "mm" }"#;
    let site = Site::new(&source(&server, "1.hourly", units));
    let stderr = succeeded(collector(&site).arg("--force").output());
    assert!(
        stderr.contains("`precipitation`: `units` says `mm`, `hourly_units` says `inch`"),
        "{stderr}"
    );
    let units = r#"{ precipitation = "inch", river_discharge = "m³/s" }"#;
    let site = Site::new(&source(&server, "1.hourly", units));
    let stderr = succeeded(collector(&site).arg("--force").output());
    assert_eq!(warnings_of_the_source(&stderr), Vec::<&str>::new());
}

/// An answer in milliwatts (`mW`) where `units` says megawatts (`MW`), a factor of 10⁹: the
/// comparison ignored case, so nothing was said and the report labelled milliwatts as
/// megawatts. A litre is `l` or `L` alike (`l/s`, `L/s`), as is a word (`Inch`), and a
/// temperature's letter after its degree sign (`°c`): none of those is warned of.
#[test]
fn units_differing_only_in_a_prefix_s_case_are_warned_of_and_a_litre_s_case_is_not() {
    let body = PLACE
        .replace(r#""precipitation": "inch""#, r#""precipitation": "mW""#)
        .replace(
            r#""river_discharge": "m³/s""#,
            r#""river_discharge": "l/s""#,
        );
    let server = feed(body);
    let units = r#"{ precipitation = "MW", river_discharge = "L/s" }"#;
    let site = Site::new(&source(&server, "hourly", units));
    let stderr = succeeded(collector(&site).arg("--force").output());
    let warnings = warnings_of_the_source(&stderr);
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("`precipitation`: `units` says `MW`, `hourly_units` says `mW`")
            && !warnings[0].contains("river_discharge"),
        "megawatts are not milliwatts, a litre is `l` or `L`: {stderr}"
    );
    let units = r#"{ precipitation = "mW", river_discharge = "l/S" }"#;
    let site = Site::new(&source(&server, "hourly", units));
    let stderr = succeeded(collector(&site).arg("--force").output());
    assert!(
        stderr.contains("`river_discharge`: `units` says `l/S`, `hourly_units` says `l/s`"),
        "a second is `s`, not `S` (siemens): {stderr}"
    );
}
