use crate::config::tests::{first_totals, parse};

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
    let totals = first_totals(&config);
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

/// A unit of a power written in another case (`kw`, as many French datasets name their
/// `puissance_kw`; `mW`, a sensor's milliwatts) is a power all the same, and its total is left
/// out; an energy in any case (`kwh`, `MWh`) and the moment magnitude of an earthquake (`Mw`)
/// add up, or are no power, and are kept.
#[test]
fn a_power_in_another_case_is_left_out_and_an_energy_kept() {
    let text = r#"
[[source]]
name = "bornes"
kind = "opendatasoft"
url = "https://odre.opendatasoft.com"
dataset = "bornes"
every = "1h"
key = "date"
time = "date"
numeric = ["a", "b", "c", "d", "e", "f", "g"]
units = { a = "kw", b = "mW", c = " KW ", d = "kwh", e = "MWh", f = "Mw", g = "mw" }
totals = ["a", "b", "c", "d", "e", "f", "g"]
"#;
    let config = parse(text).expect("a total left out is no refusal");
    let totals = first_totals(&config);
    assert_eq!(totals, ["d", "e", "f"], "{:?}", config.left_out);
    let said = &config.left_out[2].line;
    assert!(said.contains("`c` is a power (KW)"), "{said}");
}

/// `highest` of a power whose total is left out is judged once totals are settled: the field is
/// charted by its values, so its record is named, and no line says it is charted by its totals
/// while the next says it is not (found by a review). A flow's total left out keeps it too.
#[test]
fn the_highest_of_a_power_whose_total_is_left_out_is_kept() {
    for (unit, why) in [("MW", "is a power (MW)"), ("m³/s", "is a rate per second")] {
        let text = format!(
            "{}totals = [\"consommation\"]\nhighest = {{ field = \"consommation\" }}\n",
            ECO2MIX.replace(
                "consommation = \"MW\"",
                &format!("consommation = \"{unit}\"")
            )
        );
        let config = parse(&text).expect("a total left out is no refusal");
        let highest = config.sources[0].highest.as_ref().map(|h| h.field.as_str());
        assert_eq!(highest, Some("consommation"), "{:?}", config.left_out);
        let lines: Vec<&str> = config.left_out.iter().map(|l| l.line.as_str()).collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains(why), "{}", lines[0]);
        assert!(!lines[0].contains("`highest`"), "{}", lines[0]);
    }
}
