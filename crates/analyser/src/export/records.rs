//! The records table: one row per record of the period, the configured fields as columns.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use mongodb::Database;
use mongodb::bson::{RawDocument, RawDocumentBuf, doc};
use releve::record::cut_example;
use releve::store::{self, StoreError};
use releve::{FieldPath, Resolution, Source};
use serde_json::Value;

use super::TableError;
use super::spreadsheet::Layout;
use crate::period::{ReportPeriod, local_day};
use crate::reading::Unread;

/// The record fields asked for besides the configured ones: `--field`s, written as served, and
/// `--time-field`s, written as times.
pub(super) struct Asked<'a> {
    /// Fields written as served.
    pub fields: &'a [FieldPath],
    /// Fields read as the source's `time` is and written as the `time` column is.
    pub times: &'a [FieldPath],
    /// How numbers are written.
    pub layout: Layout,
}

/// The record fields written as columns: the source's numeric, category, position and
/// version fields, then `extra`, each once.
fn record_columns(source: &Source, extra: &[FieldPath]) -> Vec<FieldPath> {
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
fn headings<'p>(paths: impl Iterator<Item = &'p FieldPath> + Clone, daily: bool) -> Vec<String> {
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

/// One row per record a report of the period counts: its own time in the UTC hours that begin
/// in the period (for daily values, in the hours of its days), in time order (then by key):
/// `time` (UTC), for daily values `day` (the report zone's day it counts in), `key`, then each
/// column's value as the API served it (a `--time-field`'s as the time it reads as).
pub(super) async fn records_table<W: Write>(
    db: &Database,
    source: &Source,
    asked: Asked<'_>,
    period: &ReportPeriod,
    unread: &Unread,
    csv: &mut csv::Writer<W>,
    rows: &mut u64,
) -> Result<(), TableError> {
    let extra: Vec<FieldPath> = asked.fields.iter().chain(asked.times).cloned().collect();
    let columns: Vec<Column> = record_columns(source, &extra)
        .into_iter()
        .map(|path| Column {
            kind: ColumnKind::of(&path, source, asked.times),
            path,
        })
        .collect();
    let mut unheld = Unheld::of(source, &extra, asked.times);
    let mut no_time = NoTime::default();
    let daily = source.resolution == Resolution::Day;
    let layout = asked.layout;
    let named = headings(columns.iter().map(|column| &column.path), daily)
        .into_iter()
        .zip(&columns)
        .map(|(name, column)| match column.kind {
            ColumnKind::Time => layout.time_heading(&name),
            _ => name,
        });
    let header = [
        layout.time_heading("time"),
        "day".to_owned(),
        "key".to_owned(),
    ]
    .into_iter()
    .filter(|column| daily || column != "day")
    .chain(named);
    csv.write_record(header)?;
    // The records a report of the period counts: those of the UTC hours that begin in it (in
    // a zone with a half-hour offset, not those of its first half hour), or for daily values
    // of the hours whose days it covers (see `period::local_day`).
    let within = period.first_hour_of(source.resolution)..period.end_hour_of(source.resolution);
    // A UTC day of hours at a time, through the `source` + `hour` index, sorted here: memory
    // holds one day of one source's rows (their cells, not their records), and no server sorts
    // more than that.
    let mut from = store::hour_of(within.start);
    while from < within.end {
        let to = from + TimeDelta::days(1);
        let hours = Hours {
            from,
            to,
            within: within.clone(),
        };
        let reading = Reading {
            columns: &columns,
            unheld: &mut unheld,
            no_time: &mut no_time,
            unread,
            layout,
        };
        let mut day = rows_of(db, source, hours, reading).await?;
        day.sort_by(|a, b| (a.time, &a.key).cmp(&(b.time, &b.key)));
        for row in day {
            let counted_in = daily.then(|| {
                local_day(store::hour_of(row.time), period.tz, Resolution::Day).to_string()
            });
            let cells = std::iter::once(layout.time(row.time, SecondsFormat::Millis))
                .chain(counted_in)
                .chain(std::iter::once(row.key))
                .chain(row.cells);
            csv.write_record(cells)?;
            *rows += 1;
        }
        from = to;
    }
    if *rows > 0 {
        unheld.warn(&source.name);
    }
    no_time.warn(&source.name);
    Ok(())
}

/// A column of records: the field's path, and how its values are written.
struct Column {
    path: FieldPath,
    kind: ColumnKind,
}

/// How a column's values are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    /// As served.
    Served,
    /// As served, but text the summariser reads as a number written as a number is: a
    /// `numeric` field, `lon` or `lat`.
    Number,
    /// As the time it reads as: a `--time-field`.
    Time,
}

impl ColumnKind {
    /// The kind of the column of `path`, of `source`, given the `--time-field`s `times`.
    fn of(path: &FieldPath, source: &Source, times: &[FieldPath]) -> ColumnKind {
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

/// The `--time-field` values that read as no time, left empty: how many, and the first.
#[derive(Default)]
struct NoTime {
    count: u64,
    first: Option<(FieldPath, String)>,
    /// Every path with a value read as no time, in the order first met.
    paths: Vec<FieldPath>,
}

impl NoTime {
    /// The cell of `value` of the time field `path`: the time it reads as, in UTC to the
    /// millisecond (to the second in the `--decimal-comma` layout), else nothing, noted.
    fn cell(
        &mut self,
        path: &FieldPath,
        value: Option<&Value>,
        source: &Source,
        layout: Layout,
    ) -> String {
        let Some(value) = value.filter(|value| !value.is_null()) else {
            return String::new();
        };
        match releve::record::timestamp_in(value, source.local_times) {
            Some(time) => layout.time(time, SecondsFormat::Millis),
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
    fn warn(&self, source: &str) {
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

/// What reading the rows takes: the columns, and where to note what they find.
struct Reading<'r, 'a> {
    columns: &'r [Column],
    unheld: &'r mut Unheld<'a>,
    no_time: &'r mut NoTime,
    unread: &'r Unread,
    layout: Layout,
}

/// The `--field` and `--time-field` columns no record written has held yet (even as null), and
/// of them those a record holds as one member whose name holds a dot (`"pm2.5"`), which a path
/// reads as steps.
struct Unheld<'a> {
    paths: Vec<&'a FieldPath>,
    dotted: Vec<&'a FieldPath>,
    /// The `--time-field` paths, said as such.
    times: &'a [FieldPath],
}

impl<'a> Unheld<'a> {
    /// The `extra` paths that are not `source`'s configured fields, none held yet, of which
    /// `times` were given as `--time-field`s.
    fn of(source: &Source, extra: &'a [FieldPath], times: &'a [FieldPath]) -> Self {
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
    fn seen(&mut self, data: &Value) {
        self.paths.retain(|path| path.get(data).is_none());
        for path in &self.paths {
            if !self.dotted.contains(path) && path.names_a_dotted_member(data) {
                self.dotted.push(path);
            }
        }
    }

    /// Warns of the paths no record exported held, a name with a dot apart.
    fn warn(&self, source: &str) {
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

/// The hours one read covers: those from `from` to `to`, of which the records timed `within`
/// are rows.
struct Hours {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    within: std::ops::Range<DateTime<Utc>>,
}

/// A record as a row: its time and key, and its `columns`' cells. Only the cells are kept of a
/// record, which may be many times their size (a France Travail offer's description).
struct Row {
    time: DateTime<Utc>,
    key: String,
    cells: Vec<String>,
}

/// The rows of `source`'s records timed `within` the hours read, taking out of `unheld` the
/// paths a record holds.
async fn rows_of(
    db: &Database,
    source: &Source,
    hours: Hours,
    reading: Reading<'_, '_>,
) -> Result<Vec<Row>, StoreError> {
    let Reading {
        columns,
        unheld,
        no_time,
        unread,
        layout,
    } = reading;
    let action = format!("reading `records` of {}", source.name);
    let (from, to) = (store::bson_date(hours.from), store::bson_date(hours.to));
    let filter = doc! {"source": &source.name, "hour": {"$gte": from, "$lt": to}};
    let projection = doc! {"_id": 1, "source": 1, "hour": 1, "key": 1, "time": 1, "data": 1};
    let mut rows = Vec::new();
    let records_collection = db.collection::<RawDocumentBuf>(store::RECORDS);
    let find = records_collection.find(filter).projection(projection);
    store::each_found(find, &action, |document| match record_row(&document) {
        Ok((time, key, data)) if hours.within.contains(&time) => {
            unheld.seen(&data);
            let cells = columns
                .iter()
                .map(|column| {
                    let value = column.path.get(&data);
                    match column.kind {
                        ColumnKind::Time => no_time.cell(&column.path, value, source, layout),
                        kind => cell(value, layout, kind),
                    }
                })
                .collect();
            rows.push(Row { time, key, cells });
        }
        Ok(_) => {}
        Err(why) => unread.note(store::RECORDS, &document, why),
    })
    .await?;
    Ok(rows)
}

/// A stored record's time, key and data, or which of them it lacks.
fn record_row(document: &RawDocument) -> Result<(DateTime<Utc>, String, Value), String> {
    let time = document
        .get_datetime("time")
        .map_err(|err| format!("`time`: {err}"))?;
    let key = document
        .get_str("key")
        .map_err(|err| format!("`key`: {err}"))?;
    let data = document
        .get_document("data")
        .map_err(|err| err.to_string())
        .and_then(|data| releve::record_data::as_json(data).map_err(|err| err.to_string()))
        .map_err(|err| format!("`data`: {err}"))?;
    Ok((store::chrono_date(time), key.to_owned(), data))
}

/// A value as a CSV cell: text as it is (of a column of `kind` [`ColumnKind::Number`], as the
/// `layout` writes it), a number or a boolean as JSON writes it (a number as the `layout`
/// writes it), an object or an array as its JSON, nothing for null or a field the record
/// lacks.
fn cell(value: Option<&Value>, layout: Layout, kind: ColumnKind) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) if kind == ColumnKind::Number => layout.numeric_text(text),
        Some(Value::String(text)) => text.clone(),
        Some(number @ Value::Number(_)) => layout.number(number.to_string()),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use std::path::Path;

    use releve::Config;

    use super::*;

    #[test]
    fn cells_hold_values_as_served_and_nothing_for_none() {
        let record = json!({"t": "2026-12-02T10:00", "mag": 2.5, "n": 3, "ok": true, "none": null,
                            "place": "12 km N of Volcano, Hawaii", "xy": [1.5, 2]});
        let at = |path: &str| {
            let value = path.parse::<FieldPath>().expect("path");
            cell(value.get(&record), Layout::DecimalPoint, ColumnKind::Served)
        };
        assert_eq!(at("mag"), "2.5");
        assert_eq!(at("n"), "3");
        assert_eq!(at("ok"), "true");
        assert_eq!(at("none"), "");
        assert_eq!(at("missing"), "");
        assert_eq!(at("place"), "12 km N of Volcano, Hawaii");
        assert_eq!(at("xy"), "[1.5,2]");
        assert_eq!(at("xy.0"), "1.5");
    }

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
            no_time.cell(&path, Some(&long), &config.sources[0], Layout::DecimalPoint),
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
                no_time.cell(path, Some(&json!("soon")), source, Layout::DecimalPoint),
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
