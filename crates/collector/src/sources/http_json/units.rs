//! The units an answer says beside its records, as Open-Meteo does (`hourly_units` beside
//! `hourly`, `daily_units` beside `daily`), in what the request asked for
//! (`precipitation_unit = "inch"`): a `units` entry saying otherwise labels the report's
//! charts and figures wrongly.

use releve::{FieldPath, Source};
use serde_json::Value;

/// The largest answer read for its units, parsed whole for them: Open-Meteo's are a few
/// hundred kilobytes; a larger one is not checked rather than held twice in memory.
const MOST_READ: usize = 16 * 1024 * 1024;

/// The `units` entries the answer `body` says otherwise, each as
/// `` `precipitation`: `units` says `mm`, `hourly_units` says `inch` ``. Empty when the body
/// holds no member named after the records' with `_units` beside them, is no JSON, or is
/// past [`MOST_READ`].
pub(super) fn said_otherwise(source: &Source, body: &[u8]) -> Vec<String> {
    let path = source.records_path();
    let Some((last, parents)) = path.segments().split_last() else {
        return Vec::new();
    };
    let member = format!("{last}_units");
    if source.units.is_empty()
        || body.len() > MOST_READ
        || !contains(body, format!("\"{member}\"").as_bytes())
    {
        return Vec::new();
    }
    let sibling = parents
        .iter()
        .chain(std::iter::once(&member))
        .cloned()
        .collect::<Vec<_>>()
        .join(".");
    let (Ok(sibling), Ok(body)) = (
        FieldPath::try_from(sibling),
        serde_json::from_slice::<Value>(body),
    ) else {
        return Vec::new();
    };
    let Some(Value::Object(served)) = sibling.get(&body) else {
        return Vec::new();
    };
    source
        .units
        .iter()
        .filter_map(|(field, unit)| {
            let said = served.get(field)?.as_str()?;
            (comparable(said) != comparable(unit))
                .then(|| format!("`{field}`: `units` says `{unit}`, `{member}` says `{said}`"))
        })
        .collect()
}

/// Whether `haystack` holds `needle`: the body is parsed only when it may hold such units.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A unit as compared: blanks and degree signs aside, superscript digits and minus as
/// written on one line, the micro sign as the Greek mu, in lower case, so that `m3/s` is
/// `m³/s`, `m3 s-1` is `m³ s⁻¹`, `C` is `°C` and a keyboard's `µg/m³` Open-Meteo's.
fn comparable(unit: &str) -> String {
    unit.chars()
        .filter(|c| !c.is_whitespace() && *c != '°')
        .map(|c| match c {
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            '⁻' => '-',
            '\u{b5}' => '\u{3bc}',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::comparable;

    #[test]
    fn units_spelt_otherwise_compare_alike_and_others_do_not() {
        assert_eq!(comparable("m³/s"), comparable("m3/s"));
        assert_eq!(comparable(" °C"), comparable("c"));
        // The micro sign a keyboard types (and the README writes), Open-Meteo's Greek mu.
        assert_eq!(comparable("\u{b5}g/m³"), comparable("\u{3bc}g/m³"));
        assert_eq!(comparable("m³ s⁻¹"), comparable("m3 s-1"));
        assert_ne!(comparable("mm"), comparable("inch"));
        assert_ne!(comparable("°C"), comparable("°F"));
    }
}
