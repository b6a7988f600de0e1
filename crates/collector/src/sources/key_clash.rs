//! The fields two records sharing a `key` differ in, named in the collector's warning so that
//! the field a `key` lacks is there to read: an air-quality dataset in long format keyed by its
//! station and hour alone has an hour's pollutants share a key, and they differ in `nom_poll`.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use releve::Source;
use releve::record::timestamp_in;
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
    /// Names in [`super::survey::Hints::key_clash`] the fields the first two records
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
            self.hints.key_clash = Some(clash.differing_from(source, earlier.borrow()));
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

    /// The fields `earlier` and the later record differ in, named for the warning, and whether
    /// their times differ, read as instants as the summariser reads them (one instant written in
    /// two zones is one time), wherever the `time` path leads (through an array too, which the
    /// fields named name whole).
    pub(crate) fn differing_from(&self, source: &Source, earlier: &Value) -> ClashFields {
        let time = source.time.to_string();
        let in_key = source
            .key
            .paths()
            .iter()
            .any(|path| path.to_string() == time);
        let instant = |written: &Value| timestamp_in(written, source.local_times);
        let times_differ = !in_key
            && match (source.time.get(earlier), source.time.get(&self.later)) {
                (Some(one), Some(other)) => match (instant(one), instant(other)) {
                    (Some(one), Some(other)) => one != other,
                    _ => one != other,
                },
                (one, other) => one != other,
            };
        ClashFields {
            named: named(&differing_paths(earlier, &self.later)),
            times_differ,
        }
    }
}

/// The first two records found sharing a `key`: the fields they differ in, as the warning names
/// them (`` `nom_poll` ``, at most [`NAMED`] then `…`), and whether their `time`s differ, among
/// the fields named or past them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClashFields {
    pub named: Vec<String>,
    pub times_differ: bool,
}

/// What the key-clash warning advises, from the first two records found sharing a key:
/// nothing when no field was named; where their times differ (a station's readings keyed by its
/// id alone, in a feed serving each station at each hour), keying on a field unique to each
/// record among those named, else the key written out with the time added (each path as a TOML
/// string); otherwise adding the field telling them apart.
pub(crate) fn advice(source: &Source, clash: Option<&ClashFields>) -> String {
    let Some(clash) = clash.filter(|clash| !clash.named.is_empty()) else {
        return String::new();
    };
    let fields = clash.named.join(", ");
    if clash.times_differ {
        let paths: Vec<String> = source
            .key
            .paths()
            .iter()
            .map(ToString::to_string)
            .chain(std::iter::once(source.time.to_string()))
            // JSON's escapes are TOML's, but for DEL, which TOML wants escaped too.
            .map(|path| {
                serde_json::to_string(&path)
                    .unwrap_or(path)
                    .replace('\u{7f}', "\\u007F")
            })
            .collect();
        format!(
            " The first two found differ in {fields}, their times among them: records of different times, of which only the last would be kept. If one of these fields is unique to each record (an id), key on it; else add the time to the key: `key = [{}]`.",
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

    use super::{FirstClash, advice, differing_paths, named};
    use crate::testing::{configured, stations};

    /// The advice of the warning on the first two of `records` sharing `source`'s key.
    fn advised(
        source: &releve::Source,
        earlier: serde_json::Value,
        later: serde_json::Value,
    ) -> String {
        let clash = FirstClash { key: [0, 0], later };
        advice(source, Some(&clash.differing_from(source, &earlier)))
    }

    /// A station's readings keyed by its id alone differ in their time: the advice names a
    /// field unique to each record first, then writes the key out with the time added.
    #[test]
    fn records_of_different_times_are_advised_a_unique_field_or_the_time_in_the_key() {
        let said = advised(
            &stations(),
            json!({"id": "s1", "t": "2026-12-07T10:00:00Z", "val": 1.5}),
            json!({"id": "s1", "t": "2026-12-07T11:00:00Z", "val": 2.5}),
        );
        assert_eq!(
            said,
            " The first two found differ in `t`, `val`, their times among them: records of \
             different times, of which only the last would be kept. If one of these fields is \
             unique to each record (an id), key on it; else add the time to the key: \
             `key = [\"id\", \"t\"]`."
        );
    }

    /// Seven fields differing, the time sorting last: it is cut from the fields named, and the
    /// advice still says the times differ.
    #[test]
    fn a_time_past_the_fields_named_is_still_advised() {
        let earlier = json!({"id": "s1", "a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1,
                             "t": "2026-12-07T10:00:00Z"});
        let later = json!({"id": "s1", "a": 2, "b": 2, "c": 2, "d": 2, "e": 2, "f": 2,
                           "t": "2026-12-07T11:00:00Z"});
        let said = advised(&stations(), earlier, later);
        assert!(
            said.contains("differ in `a`, `b`, `c`, `d`, `e`, `f`, …, their times among them")
                && said.ends_with("`key = [\"id\", \"t\"]`."),
            "{said}"
        );
    }

    /// One instant written in two zones is one time: the plain advice.
    #[test]
    fn one_instant_written_in_two_zones_is_not_said_as_two_times() {
        let said = advised(
            &stations(),
            json!({"id": "s1", "t": "2026-12-07T10:00:00Z", "val": 1.5}),
            json!({"id": "s1", "t": "2026-12-07T11:00:00+01:00", "val": 2.5}),
        );
        assert_eq!(
            said,
            " The first two found differ in `t`, `val`: add the field telling them apart to `key`."
        );
    }

    /// A time read through an array (`obs.0.t`), the fields named naming the array whole: the
    /// times still found differing.
    #[test]
    fn a_time_read_through_an_array_is_found_differing() {
        let source = configured(
            "[[source]]\nname = \"obs\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/o\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"obs.0.t\"\n",
        );
        let said = advised(
            &source,
            json!({"id": "s1", "obs": [{"t": "2026-12-07T10:00:00Z"}], "v": 1}),
            json!({"id": "s1", "obs": [{"t": "2026-12-07T11:00:00Z"}], "v": 2}),
        );
        assert!(
            said.contains("differ in `obs`, `v`, their times among them")
                && said.ends_with("`key = [\"id\", \"obs.0.t\"]`."),
            "{said}"
        );
    }

    /// Local times read in the source's `local_times`: one instant, one written locally and one
    /// in UTC, is one time.
    #[test]
    fn local_times_are_read_in_the_source_s_zone() {
        let source = configured(
            "[[source]]\nname = \"paris\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/p\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nlocal_times = \"Europe/Paris\"\n",
        );
        let said = advised(
            &source,
            json!({"id": "s1", "t": "2026-12-07T10:00:00", "v": 1}),
            json!({"id": "s1", "t": "2026-12-07T09:00:00Z", "v": 2}),
        );
        assert!(!said.contains("their times among them"), "{said}");
    }

    /// A time path holding a quote is written as a TOML string in the key written out.
    #[test]
    fn a_time_path_holding_a_quote_is_written_as_toml_reads_it() {
        let source = configured(
            "[[source]]\nname = \"q\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1h\"\nkey = \"id\"\ntime = 'the \"t\"'\n",
        );
        let said = advised(
            &source,
            json!({"id": "s1", "the \"t\"": "2026-12-07T10:00:00Z"}),
            json!({"id": "s1", "the \"t\"": "2026-12-07T11:00:00Z"}),
        );
        assert!(said.ends_with(r#"`key = ["id", "the \"t\""]`."#), "{said}");
    }

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
