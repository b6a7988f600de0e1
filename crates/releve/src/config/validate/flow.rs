//! Totals of a rate. A river's discharge (m³/s, as Open-Meteo's flood API serves it), a
//! gauge's flow (l/s, USGS's ft³/s), a pump's (l/min, gpm), a network meter's (m³/h), a wind
//! (km/h) is a rate: read at instants, or a day's value the day's mean, its values added up
//! make neither a rate nor an amount (seven days of 300 m³/s add to 2,100, which a chart of
//! totals would label m³/s). A day's volume is its mean times the day's 86,400 s. A rate per
//! day (m³/d) is left to add up: a daily source's value is then the day's amount.

use super::power::take_totals;
use crate::config::Source;

/// The time a rate is per: how its unit is written.
struct Per {
    /// `second`, as the message says it.
    name: &'static str,
    /// Units of such a rate written whole, in any case (`cfs`, `gpm`, `mph`).
    whole: &'static [&'static str],
    /// How a unit of such a rate ends, in any case and without its blanks (`m³/s`, `l/sec`,
    /// `m3 s-1`, `m³ s⁻¹`, `m^3 s^-1`).
    ends: &'static [&'static str],
    /// A day in that time, as the message says it (`86,400 s`).
    day: &'static str,
}

/// The rates left out of `totals`.
const RATES: [Per; 3] = [
    Per {
        name: "second",
        whole: &["cfs", "cumec", "cumecs"],
        ends: &["/s", "/sec", "s-1", "s⁻¹", "s^-1"],
        day: "86,400 s",
    },
    Per {
        name: "minute",
        whole: &["gpm", "cfm", "lpm"],
        ends: &["/min", "/mn", "min-1", "min⁻¹", "min^-1"],
        day: "1,440 min",
    },
    Per {
        name: "hour",
        whole: &["gph", "mph", "kph", "kn", "knots"],
        ends: &["/h", "/hr", "/hour", "h-1", "h⁻¹", "h^-1"],
        day: "24 h",
    },
];

/// The time `unit` (as `units` writes it, blanks aside: `m3 / s`) is a rate per, if any.
fn rate_of(unit: &str) -> Option<&'static Per> {
    let unit: String = unit
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    RATES.iter().find(|per| {
        per.whole.contains(&unit.as_str()) || per.ends.iter().any(|end| unit.ends_with(end))
    })
}

/// Removes from `source.totals` the fields whose unit is a rate, and returns each with its
/// unit.
pub(super) fn totals_of_a_rate(source: &mut Source) -> Vec<(String, String)> {
    take_totals(source, |unit| rate_of(unit).is_some())
}

/// What is wrong with a total of `field`, a rate in `unit`.
pub(super) fn why(field: &str, unit: &str) -> String {
    let Some(per) = rate_of(unit) else {
        return format!("key `totals`: `{field}` is a rate ({unit})");
    };
    // A rate per hour is how some APIs label each hour's amount (rain in `mm/h`).
    let amount = match per.name {
        "hour" => {
            " (a value that is its own hour's amount is written in the amount's unit: `m³`, \
                   not `m³/h`)"
        }
        _ => "",
    };
    format!(
        "key `totals`: `{field}` is a rate per {} ({unit}), read at instants or as a day's \
         mean: its values added up are neither a rate nor an amount (seven days of 300 {unit} \
         make 2,100); a day's amount is its mean times {}{amount}",
        per.name, per.day
    )
}

/// How to mend it.
pub(super) const MEND: &str = "remove it: the field's chart of means reads as the rate itself";
