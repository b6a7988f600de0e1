//! The fields two records sharing a `key` differ in, named in the collector's warning so that
//! the field a `key` lacks is there to read: an air-quality dataset in long format keyed by its
//! station and hour alone has an hour's pollutants share a key, and they differ in `nom_poll`.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use releve::Source;
use serde_json::Value;

use super::records::content_hash;
use super::survey::Survey;
use super::surveyor::fingerprint;

/// The first record a survey found sharing its key with an earlier, different one: its key's
/// fingerprint and the record, to find the earlier one by once every record is held (a survey
/// keeps no record, only their keys' fingerprints).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FirstClash {
    pub(crate) key: [u64; 2],
    pub(crate) later: Value,
}

/// How many differing fields a warning names at most.
const NAMED: usize = 6;

impl Survey {
    /// Names in [`super::survey::Hints::key_clash_fields`] the fields the first two records
    /// found sharing a key differ in, reading `records` (the records surveyed, in their order)
    /// up to the earlier of the two; nothing when no key was shared.
    pub(crate) fn name_key_clash<R: Borrow<Value>>(
        &mut self,
        source: &Source,
        records: impl IntoIterator<Item = R>,
    ) {
        let Some(clash) = self.first_clash.take() else {
            return;
        };
        let earlier = records
            .into_iter()
            .find(|record| clash.is_earlier(source, record.borrow()));
        if let Some(earlier) = earlier {
            self.hints.key_clash_fields = clash.differing_from(earlier.borrow());
        }
    }
}

impl FirstClash {
    /// True for a record under the clash's key with another content than the later record's:
    /// the first such record, in the records' order, is the earlier of the two.
    pub(crate) fn is_earlier(&self, source: &Source, record: &Value) -> bool {
        source
            .key
            .get(record)
            .is_some_and(|key| fingerprint(&key) == self.key)
            && content_hash(record) != content_hash(&self.later)
    }

    /// The fields `earlier` and the later record differ in, named for the warning.
    pub(crate) fn differing_from(&self, earlier: &Value) -> Vec<String> {
        named(&differing_paths(earlier, &self.later))
    }
}

/// What the key-clash warning advises, from the fields the first two records sharing a key
/// differ in (as [`named`] writes them): nothing when none were named; the source's `time`
/// among them (not in the key) means records of different times share the key (a station's id
/// alone, in a feed serving each station at each hour), so the advice writes out the key with
/// the time added; otherwise it says to add the field telling them apart.
pub(crate) fn advice(source: &Source, differing: &[String]) -> String {
    if differing.is_empty() {
        return String::new();
    }
    let fields = differing.join(", ");
    let time = source.time.to_string();
    let time_differs = differing
        .iter()
        .any(|field| *field == format!("`{}`", time.escape_debug()));
    let in_key = source
        .key
        .paths()
        .iter()
        .any(|path| path.to_string() == time);
    if time_differs && !in_key {
        let mut paths: Vec<String> = source
            .key
            .paths()
            .iter()
            .map(|path| format!("\"{path}\""))
            .collect();
        paths.push(format!("\"{time}\""));
        format!(
            " The first two found differ in {fields}: records of different times, of which only the last would be kept. Key on a field unique to each record, or add the time to the key: `key = [{}]`.",
            paths.join(", ")
        )
    } else {
        format!(
            " The first two found differ in {fields}: add the field telling them apart to `key`."
        )
    }
}

/// The dotted paths at which `earlier` and `later` differ, through objects (an array that
/// differs is named whole), sorted.
fn differing_paths(earlier: &Value, later: &Value) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    differ_at("", earlier, later, &mut paths);
    paths
}

fn differ_at(prefix: &str, earlier: &Value, later: &Value, paths: &mut BTreeSet<String>) {
    match (earlier, later) {
        (Value::Object(earlier), Value::Object(later)) => {
            for name in earlier.keys().chain(later.keys()) {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                match (earlier.get(name), later.get(name)) {
                    (Some(one), Some(other)) => differ_at(&path, one, other, paths),
                    _ => {
                        paths.insert(path);
                    }
                }
            }
        }
        (one, other) if one != other && !prefix.is_empty() => {
            paths.insert(prefix.to_owned());
        }
        _ => {}
    }
}

/// `` `id_poll_ue`, `nom_poll`, `valeur` ``, the first [`NAMED`] of `paths`, `…` after them
/// when there are more.
fn named(paths: &BTreeSet<String>) -> Vec<String> {
    let mut named: Vec<String> = paths
        .iter()
        .take(NAMED)
        // A name served with a line break or a control character stays on the warning's line.
        .map(|path| format!("`{}`", path.escape_debug()))
        .collect();
    if paths.len() > NAMED {
        named.push("…".to_owned());
    }
    named
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{differing_paths, named};

    /// Two pollutants of one station and hour differ in the pollutant's fields and value,
    /// through nested objects too, and in a member only one holds.
    #[test]
    fn the_paths_two_records_differ_at_are_named_sorted() {
        let no2 = json!({"code": "FR12021", "poll": {"name": "NO2", "id": 8}, "v": 31.5});
        let pm10 = json!({"code": "FR12021", "poll": {"name": "PM10", "id": 5}, "v": 18.2,
                          "flag": "A"});
        let paths: Vec<String> = differing_paths(&no2, &pm10).into_iter().collect();
        assert_eq!(paths, ["flag", "poll.id", "poll.name", "v"]);
    }

    /// A field name an API serves with a line break is named on the warning's one line.
    #[test]
    fn a_field_name_holding_a_line_break_is_named_on_one_line() {
        let one = json!({"nom\npoll": "NO2"});
        let other = json!({"nom\npoll": "PM10"});
        let shown = named(&differing_paths(&one, &other)).join(", ");
        assert_eq!(shown, "`nom\\npoll`");
    }
}
