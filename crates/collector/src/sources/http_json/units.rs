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

/// The SI prefixes a litre's `l` or `L` may follow (`ml`, `hL`), the micro sign as the Greek mu.
const PREFIXES: &str = "qryzafpn\u{3bc}mcdhkMGTPEZYRQ";

/// The words of a unit shorter than [`WORD`] letters, whose case means nothing (`Inch`,
/// `WMO code`, `ISO8601`): a shorter run of letters is symbols (`MW`, `mmol`, `Pa`).
const WORDS: [&str; 12] = [
    "inch", "feet", "mile", "knot", "code", "wmo", "iso", "aqi", "eaqi", "ppm", "ppb", "mph",
];

/// The letters of the shortest run read as a word, whatever its case.
const WORD: usize = 5;

/// A unit as compared: blanks and degree signs aside, superscript digits and minus as
/// written on one line, the micro sign as the Greek mu, so that `m3/s` is `m³/s`, `m3 s-1` is
/// `m³ s⁻¹`, `C` is `°C` and a keyboard's `µg/m³` Open-Meteo's. Case is kept where it changes
/// the meaning (`MW` megawatts, `mW` milliwatts; `s` a second, `S` a siemens) and set aside
/// where it does not: a litre's `l` or `L`, the letter after a degree sign (`°c`), a word.
fn comparable(unit: &str) -> String {
    let mut letters = String::new();
    let mut compared = String::new();
    let mut after_degree = false;
    for c in unit.chars().filter(|c| !c.is_whitespace()) {
        let c = match c {
            '°' => {
                after_degree = true;
                continue;
            }
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            '⁻' => '-',
            '\u{b5}' => '\u{3bc}',
            other => other,
        };
        if c.is_alphabetic() && after_degree {
            letters.extend(c.to_uppercase());
        } else if c.is_alphabetic() {
            letters.push(c);
        } else {
            compared.push_str(&letters_compared(&std::mem::take(&mut letters)));
            compared.push(c);
        }
        after_degree = false;
    }
    compared.push_str(&letters_compared(&letters));
    compared
}

/// A run of `letters` as compared: a litre (`l`, `mL`) with a capital `L`, a word in lower
/// case, symbols as written.
fn letters_compared(letters: &str) -> String {
    let lower = letters.to_lowercase();
    if lower.chars().count() >= WORD || WORDS.contains(&lower.as_str()) {
        return lower;
    }
    let mut chars = letters.chars();
    match (chars.next_back(), chars.next_back(), chars.next()) {
        (Some('l' | 'L'), None, _) => "L".to_owned(),
        (Some('l' | 'L'), Some(prefix), None) if PREFIXES.contains(prefix) => format!("{prefix}L"),
        _ => letters.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::comparable;

    #[test]
    fn units_spelt_otherwise_compare_alike_and_others_do_not() {
        assert_eq!(comparable("m³/s"), comparable("m3/s"));
        assert_eq!(comparable(" °C"), comparable("C"));
        assert_eq!(comparable("°c"), comparable("°C"));
        // The micro sign a keyboard types (and the README writes), Open-Meteo's Greek mu.
        assert_eq!(comparable("\u{b5}g/m³"), comparable("\u{3bc}g/m³"));
        assert_eq!(comparable("m³ s⁻¹"), comparable("m3 s-1"));
        assert_ne!(comparable("mm"), comparable("inch"));
        assert_ne!(comparable("°C"), comparable("°F"));
    }

    #[test]
    fn case_is_kept_where_it_changes_the_meaning() {
        assert_ne!(comparable("MW"), comparable("mW"));
        assert_ne!(comparable("Mmol/l"), comparable("mmol/l"));
        assert_ne!(comparable("m/s"), comparable("m/S"));
        assert_ne!(comparable("K"), comparable("k"));
        assert_ne!(comparable("lm"), comparable("Lm"));
        assert_eq!(comparable("L/s"), comparable("l/s"));
        assert_eq!(comparable("mL"), comparable("ml"));
        assert_eq!(comparable("\u{b5}L/h"), comparable("\u{3bc}l/h"));
        assert_eq!(comparable("mmol/L"), comparable("mmol/l"));
        assert_eq!(comparable("Inch"), comparable("inch"));
        assert_eq!(comparable("WMO code"), comparable("wmo code"));
        assert_eq!(comparable("ISO8601"), comparable("iso8601"));
        assert_eq!(comparable("Unixtime"), comparable("unixtime"));
    }
}
