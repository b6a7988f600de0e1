//! The records table's columns: which record fields are columns, how each is headed, and how
//! its values are written.

use releve::{FieldPath, Source};

/// The record fields written as columns: the source's numeric, category, position and
/// version fields, then `extra`, each once.
pub(super) fn record_columns(source: &Source, extra: &[FieldPath]) -> Vec<FieldPath> {
    let mut columns: Vec<FieldPath> = Vec::new();
    let configured = source
        .read_fields()
        .filter(|(key, _)| !matches!(*key, "key" | "time"))
        .map(|(_, path)| path);
    for path in configured.chain(extra) {
        if !columns.iter().any(|c| c.as_str() == path.as_str()) {
            columns.push(path.clone());
        }
    }
    columns
}

/// A record field's column name: its path, or its path in MongoDB (`data.time`) for a field
/// named like the `time` or `key` column (or, of daily values, the `day` column), so no two
/// columns share a name.
fn heading(path: &FieldPath, daily: bool) -> String {
    match path.as_str() {
        "time" | "key" => format!("data.{path}"),
        "day" if daily => "data.day".to_owned(),
        other => other.to_owned(),
    }
}

/// The columns' names, each [`heading`]'s, but where two would share one (`--field time`,
/// headed `data.time`, beside `--field data.time`, a record's own `data` object): each of
/// those is headed by its path in MongoDB, `data.time` and `data.data.time`, which R and
/// pandas would otherwise rename `data.time.1`, unsaid. Where that still leaves two alike
/// (`--field data.data.time` as well), every column is headed by its path in MongoDB, one per
/// path.
pub(super) fn headings<'p>(
    paths: impl Iterator<Item = &'p FieldPath> + Clone,
    daily: bool,
) -> Vec<String> {
    let unique = |names: &[String]| {
        names.iter().collect::<std::collections::HashSet<_>>().len() == names.len()
    };
    let plain: Vec<String> = paths.clone().map(|path| heading(path, daily)).collect();
    if unique(&plain) {
        return plain;
    }
    let apart: Vec<String> = paths
        .clone()
        .zip(&plain)
        .map(|(path, name)| {
            if plain.iter().filter(|other| *other == name).count() > 1 {
                format!("data.{path}")
            } else {
                name.clone()
            }
        })
        .collect();
    if unique(&apart) {
        return apart;
    }
    paths.map(|path| format!("data.{path}")).collect()
}

/// A column of records: the field's path, and how its values are written.
pub(super) struct Column {
    pub(super) path: FieldPath,
    pub(super) kind: ColumnKind,
}

/// How a column's values are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ColumnKind {
    /// As served, but in the `--decimal-comma` layout, text written as a number with a point
    /// (a label `"4.5"`) is written as a number is.
    Served,
    /// As served, but text the summariser reads as a number written as a number is: a
    /// `numeric` field, `lon` or `lat`.
    Number,
    /// As the time it reads as: a `--time-field`.
    Time,
}

impl ColumnKind {
    /// The kind of the column of `path`, of `source`, given the `--time-field`s `times`.
    pub(super) fn of(path: &FieldPath, source: &Source, times: &[FieldPath]) -> ColumnKind {
        let read_as_number = source
            .read_fields()
            .any(|(key, read)| matches!(key, "numeric" | "lon" | "lat") && read == path);
        match (times.contains(path), read_as_number) {
            (true, _) => ColumnKind::Time,
            (false, true) => ColumnKind::Number,
            (false, false) => ColumnKind::Served,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use releve::Config;

    use super::*;

    #[test]
    fn a_field_named_like_the_time_or_key_column_is_headed_by_its_mongodb_path() {
        let heading_of =
            |path: &str, daily| heading(&path.parse::<FieldPath>().expect("path"), daily);
        assert_eq!(heading_of("time", false), "data.time");
        assert_eq!(heading_of("key", false), "data.key");
        assert_eq!(heading_of("properties.time", false), "properties.time");
        assert_eq!(heading_of("day", false), "day");
        assert_eq!(heading_of("day", true), "data.day", "beside the day column");
    }

    /// `--field time` and `--field data.time` were both headed `data.time`.
    #[test]
    fn two_fields_that_would_share_a_heading_are_each_headed_by_their_mongodb_path() {
        let paths: Vec<FieldPath> = ["time", "data.time", "properties.mag", "data.key"]
            .iter()
            .map(|path| path.parse().expect("path"))
            .collect();
        assert_eq!(
            headings(paths.iter(), false),
            ["data.time", "data.data.time", "properties.mag", "data.key"]
        );
        let three: Vec<FieldPath> = ["time", "data.time", "data.data.time", "place"]
            .iter()
            .map(|path| path.parse().expect("path"))
            .collect();
        assert_eq!(
            headings(three.iter(), false),
            [
                "data.time",
                "data.data.time",
                "data.data.data.time",
                "data.place"
            ],
            "three alike: each by its MongoDB path"
        );
    }

    #[test]
    fn configured_fields_come_first_and_each_once() {
        let config = Config::parse(
            "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\nnumeric = [\"properties.mag\"]\ncategories = [\"properties.type\"]\nlon = \"geometry.coordinates.0\"\nlat = \"geometry.coordinates.1\"\n",
            Path::new("sources.toml"),
        )
        .expect("valid");
        let source = &config.sources[0];
        let extra: Vec<FieldPath> = ["properties.place", "properties.mag"]
            .iter()
            .map(|path| path.parse().expect("path"))
            .collect();
        let columns: Vec<String> = record_columns(source, &extra)
            .iter()
            .map(|path| path.as_str().to_owned())
            .collect();
        assert_eq!(
            columns,
            [
                "properties.mag",
                "properties.type",
                "geometry.coordinates.0",
                "geometry.coordinates.1",
                "properties.place"
            ]
        );
    }
}
