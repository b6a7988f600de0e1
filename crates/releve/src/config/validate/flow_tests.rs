use crate::config::tests::{first_totals, parse};

/// A hydrologist adding `totals = ["river_discharge"]` to Open-Meteo's flood API got "Period
/// total: 2,029 m³/s over 7 values" for a week of 290 m³/s, its bars titled "daily total": a
/// flow read as each day's mean, added up, is neither a flow nor a volume (found by a
/// hydrologist).
#[test]
fn a_total_of_a_rate_per_second_is_left_out_saying_why() {
    let text = r#"
[[source]]
name = "flood-garonne"
kind = "http_json"
url = "https://flood-api.open-meteo.com/v1/flood"
every = "1d"
records = "daily"
columns = true
resolution = "day"
key = "time"
time = "time"
numeric = ["river_discharge", "usgs", "gauge", "cumecs", "rain", "volume"]
units = { river_discharge = "m³/s", usgs = "ft3/s", gauge = " l/s ", cumecs = "CFS", rain = "mm", volume = "m³" }
totals = ["river_discharge", "usgs", "gauge", "cumecs", "rain", "volume"]
"#;
    let config = parse(text).expect("a total left out is no refusal");
    let totals = first_totals(&config);
    assert_eq!(totals, ["rain", "volume"], "{:?}", config.left_out);
    let lines: Vec<&str> = config.left_out.iter().map(|l| l.line.as_str()).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "sources.toml:14: source `flood-garonne`: key `totals`: `river_discharge` is a rate \
             per second (m³/s)"
        ) && lines[0].contains("86,400"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].contains("`gauge` is a rate per second (l/s)"),
        "{}",
        lines[2]
    );
}

/// A unit per second written with blanks inside (`m3 / s`, `m³ s -1`) or a caret (`m^3 s^-1`)
/// is a rate all the same.
#[test]
fn a_rate_spelt_with_blanks_or_a_caret_is_a_rate() {
    let text = r#"
[[source]]
name = "gauges"
kind = "http_json"
url = "https://hubeau.example.org/flow"
every = "1h"
records = "data"
key = "time"
time = "time"
numeric = ["a", "b", "c"]
units = { a = "m3 / s", b = "m³ s -1", c = "m^3 s^-1" }
totals = ["a", "b", "c"]
"#;
    let config = parse(text).expect("a total left out is no refusal");
    assert!(
        config.sources[0].totals.is_empty(),
        "{:?}",
        config.sources[0].totals
    );
    assert_eq!(config.left_out.len(), 3, "{:?}", config.left_out);
}

/// A pump's flow in litres a minute (`l/min`, `gpm`), a network meter's in cubic metres an
/// hour (`m³/h`), a discharge in `cumec`, a wind in `km/h`: rates all the same, read at
/// instants, whose readings added up are neither a rate nor an amount (four quarter-hours of
/// 300 m³/h make 1,200), but only rates per second were left out of `totals`, the others
/// charted as totals labelled `m³/h`.
#[test]
fn a_total_of_a_rate_per_minute_or_hour_is_left_out_saying_why() {
    let text = r#"
[[source]]
name = "pumps"
kind = "http_json"
url = "https://hubeau.example.org/pumps"
every = "15m"
records = "data"
key = "time"
time = "time"
numeric = ["pump", "well", "meter", "river", "wind", "rain", "volume"]
units = { pump = "l/min", well = "GPM", meter = "m³ h-1", river = "cumec", wind = "km/h", rain = "mm", volume = "m³" }
totals = ["pump", "well", "meter", "river", "wind", "rain", "volume"]
"#;
    let config = parse(text).expect("a total left out is no refusal");
    let totals = first_totals(&config);
    assert_eq!(totals, ["rain", "volume"], "{:?}", config.left_out);
    let lines: Vec<&str> = config.left_out.iter().map(|l| l.line.as_str()).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[0].contains("`pump` is a rate per minute (l/min)") && lines[0].contains("1,440"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].contains("`meter` is a rate per hour (m³ h-1)")
            && lines[2].contains("24 h")
            && lines[2].contains("amount"),
        "{}",
        lines[2]
    );
}
