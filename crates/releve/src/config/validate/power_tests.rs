use crate::config::tests::parse;

const ECO2MIX: &str = r#"
[[source]]
name = "eco2mix-national"
kind = "opendatasoft"
url = "https://odre.opendatasoft.com"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation", "pompage", "energie"]
units = { consommation = "MW", pompage = "kW", energie = "MWh" }
"#;

/// An energy analyst adding `totals = ["consommation"]` to éCO2mix's MW got "Period total:
/// 4,992,000 MW" for a day of 52,000 MW: 96 quarter-hours of a power added up, neither a power
/// nor an energy (found by an energy analyst).
#[test]
fn a_total_of_a_power_is_left_out_saying_why() {
    let text = format!("{ECO2MIX}totals = [\"consommation\", \"pompage\", \"energie\"]\n");
    let config = parse(&text).expect("a total left out is no refusal");
    let totals: Vec<&str> = config.sources[0]
        .totals
        .iter()
        .map(|f| f.as_str())
        .collect();
    assert_eq!(
        totals,
        ["energie"],
        "an energy (MWh) adds up; a power does not"
    );
    let lines: Vec<&str> = config.left_out.iter().map(|l| l.line.as_str()).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("sources.toml:12: source `eco2mix-national`: key `totals`: `consommation` is a power (MW)")
            && lines[0].contains("MWh")
            && !lines[0].contains("write the field's path"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("`pompage` is a power (kW)"),
        "{}",
        lines[1]
    );
}
