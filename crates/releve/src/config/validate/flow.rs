//! Totals of a rate per second. A river's discharge (m³/s, as Open-Meteo's flood API serves
//! it), a gauge's flow (l/s, USGS's ft³/s) is a rate: a day's value is the day's mean flow,
//! and days added up make neither a flow nor a volume (seven days of 300 m³/s add to 2,100,
//! which a chart of totals would label m³/s). A day's volume is its mean times 86,400 s.

use super::power::take_totals;
use crate::config::Source;

/// Units of a rate per second written whole, in any case: cubic feet (USGS) and cubic metres
/// per second.
const FLOW_UNITS: [&str; 2] = ["cfs", "cumecs"];

/// How a unit per second ends, in any case and without its blanks: `m³/s`, `l/sec`, `m3 s-1`,
/// `m³ s⁻¹`, `m^3 s^-1`.
const PER_SECOND: [&str; 5] = ["/s", "/sec", "s-1", "s⁻¹", "s^-1"];

/// Whether `unit` (as `units` writes it, blanks aside: `m3 / s`) is a rate per second.
fn is_a_rate_per_second(unit: &str) -> bool {
    let unit: String = unit
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    FLOW_UNITS.contains(&unit.as_str()) || PER_SECOND.iter().any(|end| unit.ends_with(end))
}

/// Removes from `source.totals` the fields whose unit is a rate per second, and returns each
/// with its unit.
pub(super) fn totals_of_a_rate(source: &mut Source) -> Vec<(String, String)> {
    take_totals(source, is_a_rate_per_second)
}

/// What is wrong with a total of `field`, a rate per second in `unit`.
pub(super) fn why(field: &str, unit: &str) -> String {
    format!(
        "key `totals`: `{field}` is a rate per second ({unit}), read at instants or as a day's \
         mean: its values added up are neither a rate nor an amount (seven days of 300 {unit} \
         make 2,100); a day's amount is its mean times 86,400 s"
    )
}

/// How to mend it.
pub(super) const MEND: &str = "remove it: the field's chart of means reads as the rate itself";
