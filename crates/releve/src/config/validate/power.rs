//! Totals of a power. A power (MW, as éCO2mix serves its consumption and production) is a
//! rate read at instants: its quarter-hours added up make neither a power nor an energy (four
//! readings of 52,000 MW add to 208,000, which a chart of totals would label MW). Its hourly
//! mean already reads as the hour's energy: 52,000 MW for an hour is 52,000 MWh.

use crate::config::Source;

/// Units of a power, in any case (`kw`, `mW`); their energies (`MWh`) add up.
const POWER_UNITS: [&str; 5] = ["W", "kW", "MW", "GW", "TW"];

/// The moment magnitude of an earthquake, which reads as `MW` in another case: no power.
const MOMENT_MAGNITUDE: &str = "Mw";

/// Whether `unit` (as `units` writes it, spaces around it aside) is a power.
fn is_a_power(unit: &str) -> bool {
    let unit = unit.trim();
    unit != MOMENT_MAGNITUDE
        && POWER_UNITS
            .iter()
            .any(|power| power.eq_ignore_ascii_case(unit))
}

/// Removes from `source.totals` the fields whose unit is a power, and returns each with its
/// unit.
pub(super) fn totals_of_a_power(source: &mut Source) -> Vec<(String, String)> {
    take_totals(source, is_a_power)
}

/// Removes from `source.totals` the fields whose unit `adds_up_to_nothing` says adds up to
/// nothing, and returns each with its unit (as `units` writes it, spaces around it aside).
pub(super) fn take_totals(
    source: &mut Source,
    adds_up_to_nothing: fn(&str) -> bool,
) -> Vec<(String, String)> {
    let unit_of = |field: &str| {
        source
            .units
            .get(field)
            .filter(|unit| adds_up_to_nothing(unit))
            .map(|unit| unit.trim().to_owned())
    };
    let taken: Vec<(String, String)> = source
        .totals
        .iter()
        .filter_map(|f| Some((f.as_str().to_owned(), unit_of(f.as_str())?)))
        .collect();
    source
        .totals
        .retain(|f| !taken.iter().any(|(field, _)| field == f.as_str()));
    taken
}

/// What is wrong with a total of `field`, a power in `unit`.
pub(super) fn why(field: &str, unit: &str) -> String {
    format!(
        "key `totals`: `{field}` is a power ({unit}), read at instants: its readings added up are \
         neither a power nor an energy (four quarter-hours of 50,000 {unit} make 200,000)"
    )
}

/// How to mend it.
pub(super) const MEND: &str = "remove it: the field's chart of hourly means reads as each \
     hour's energy, a mean of 50,000 MW over an hour being 50,000 MWh";
