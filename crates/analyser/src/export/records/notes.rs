//! What the records table notes as it reads the records, said on stderr once it is written:
//! `--time-field` values that read as no time, and `--field` paths no record holds.

use chrono::SecondsFormat;
use releve::record::cut_example;
use releve::{FieldPath, Source};
use serde_json::Value;

use crate::export::clock::Clock;

/// The `--time-field` values that read as no time, left empty: how many, and the first.
#[derive(Default)]
pub(super) struct NoTime {
    count: u64,
    first: Option<(FieldPath, String)>,
    /// Every path with a value read as no time, in the order first met.
    paths: Vec<FieldPath>,
}

impl NoTime {
    /// The cell of `value` of the time field `path`: the time it reads as, on the `clock` (to
    /// the millisecond, to the second in the `--decimal-comma` layout), else nothing, noted.
    pub(super) fn cell(
        &mut self,
        path: &FieldPath,
        value: Option<&Value>,
        source: &Source,
        clock: Clock,
    ) -> String {
        let Some(value) = value.filter(|value| !value.is_null()) else {
            return String::new();
        };
        match releve::record::timestamp_in(value, source.local_times) {
            Some(time) => clock.time(time, SecondsFormat::Millis),
            None => {
                self.count += 1;
                self.first
                    .get_or_insert_with(|| (path.clone(), cut_example(&value.to_string())));
                if !self.paths.contains(path) {
                    self.paths.push(path.clone());
                }
                String::new()
            }
        }
    }

    /// The `--time-field` options to remove to see the values as served: one per path that
    /// held a value read as no time (`` `--time-field a`, `--time-field b` ``).
    fn removals(&self) -> String {
        self.paths
            .iter()
            .map(|path| format!("`--time-field {path}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Warns of the values left empty, naming the first, and every path to remove.
    pub(super) fn warn(&self, source: &str) {
        if let Some((path, value)) = &self.first {
            let removals = self.removals();
            tracing::warn!(
                source = %source,
                count = self.count,
                first = %format!("`{path}`: {value}"),
                "Values of --time-field paths read as no time (epoch seconds or milliseconds, ISO 8601, as `time` is read): their cells are left empty (`count` of them; `first`, with its path, as served). To see them all as served, export the field with --field instead: remove {removals} (given with it, --field writes the same column, as times)."
            );
        }
    }
}

/// The `--field` and `--time-field` columns no record written has held yet (even as null), and
/// of them those a record holds as one member whose name holds a dot (`"pm2.5"`), which a path
/// reads as steps.
pub(super) struct Unheld<'a> {
    paths: Vec<&'a FieldPath>,
    dotted: Vec<&'a FieldPath>,
    /// The `--time-field` paths, said as such.
    times: &'a [FieldPath],
}

impl<'a> Unheld<'a> {
    /// The `extra` paths that are not `source`'s configured fields, none held yet, of which
    /// `times` were given as `--time-field`s.
    pub(super) fn of(source: &Source, extra: &'a [FieldPath], times: &'a [FieldPath]) -> Self {
        let mut paths: Vec<&FieldPath> = Vec::new();
        let unconfigured = extra.iter().filter(|path| {
            !source
                .read_fields()
                .any(|(_, read)| read.as_str() == path.as_str())
        });
        // A path given as both `--field` and `--time-field` is one column: named once.
        for path in unconfigured {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        Unheld {
            paths,
            dotted: Vec::new(),
            times,
        }
    }

    /// Takes out the paths a record's `data` holds, and notes those it names whole.
    pub(super) fn seen(&mut self, data: &Value) {
        self.paths.retain(|path| path.get(data).is_none());
        for path in &self.paths {
            if !self.dotted.contains(path) && path.names_a_dotted_member(data) {
                self.dotted.push(path);
            }
        }
    }

    /// Warns of the paths no record exported held, a name with a dot apart.
    pub(super) fn warn(&self, source: &str) {
        let named = |paths: &mut dyn Iterator<Item = &&FieldPath>| {
            paths
                .map(|path| format!("`{path}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let dotted = named(&mut self.paths.iter().filter(|p| self.dotted.contains(p)));
        let absent = named(
            &mut self
                .paths
                .iter()
                .filter(|p| !self.dotted.contains(p) && !self.times.contains(p)),
        );
        let absent_times = named(
            &mut self
                .paths
                .iter()
                .filter(|p| !self.dotted.contains(p) && self.times.contains(p)),
        );
        if !dotted.is_empty() {
            tracing::warn!(
                source = %source,
                fields = %dotted,
                "The records hold these --field paths as one member whose name holds a dot, which a path reads as steps (`pm2.5` as `5` inside `pm2`): their columns are empty, as no path can name such a member. Read it from MongoDB with `$getField` (see the README's `records`)."
            );
        }
        if !absent.is_empty() {
            tracing::warn!(
                source = %source,
                fields = %absent,
                "No record exported holds these --field paths, not even as null: their columns are empty. Check the paths against a record as the API serves it (a dotted path, `properties.place`)."
            );
        }
        if !absent_times.is_empty() {
            tracing::warn!(
                source = %source,
                fields = %absent_times,
                "No record exported holds these --time-field paths, not even as null: their columns are empty. Check the paths against a record as the API serves it (a dotted path, `properties.updated`)."
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use std::path::Path;

    use releve::Config;

    use super::*;
    use crate::export::spreadsheet::Layout;

    /// A `--time-field` pointing at an object (`properties`) or a long text: the warning's
    /// first value is cut as an example is, not the whole record on one log line.
    #[test]
    fn the_first_value_read_as_no_time_is_quoted_cut() {
        let config = Config::parse(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
            Path::new("sources.toml"),
        )
        .expect("valid");
        let path: FieldPath = "properties".parse().expect("path");
        let long = json!({"place": "12 km N of Volcano, Hawaii ".repeat(20), "mag": 2.5});
        let mut no_time = NoTime::default();
        assert_eq!(
            no_time.cell(
                &path,
                Some(&long),
                &config.sources[0],
                Clock::utc(Layout::DecimalPoint)
            ),
            ""
        );
        let (_, first) = no_time.first.as_ref().expect("noted");
        assert!(
            first.chars().count() <= releve::record::EXAMPLE_CHARS,
            "{first}"
        );
        assert!(first.ends_with('…'), "{first}");
        assert_eq!(no_time.count, 1);
    }

    /// Two `--time-field` paths holding values read as no time: the advice removes both, not
    /// the first alone (the warning would come back for the second).
    #[test]
    fn every_time_field_read_as_no_time_is_named_for_removal() {
        let config = Config::parse(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\n",
            Path::new("sources.toml"),
        )
        .expect("valid");
        let source = &config.sources[0];
        let (revised, updated): (FieldPath, FieldPath) = (
            "properties.revised".parse().expect("path"),
            "properties.updated".parse().expect("path"),
        );
        let mut no_time = NoTime::default();
        for path in [&revised, &updated, &revised] {
            assert_eq!(
                no_time.cell(
                    path,
                    Some(&json!("soon")),
                    source,
                    Clock::utc(Layout::DecimalPoint)
                ),
                ""
            );
        }
        assert_eq!(
            no_time.removals(),
            "`--time-field properties.revised`, `--time-field properties.updated`"
        );
        assert_eq!(no_time.count, 3);
    }
}
