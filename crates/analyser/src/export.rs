//! `analyser export`: one source's records, or its hourly summaries, of the day, week or month
//! a report would cover, as CSV for a spreadsheet or a data frame. What MongoDB holds is the
//! interface (the README documents it); this is the short way to a table of it.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};
use futures_util::TryStreamExt;
use mongodb::Database;
use mongodb::bson::{RawDocumentBuf, doc};
use releve::cli::{ConfigArgs, MongoArgs};
use releve::store::{self, HourlySummary, StoreError};
use releve::{Config, FieldPath, Source};
use serde_json::Value;

use crate::period::{self, PeriodKind, ReportPeriod};
use crate::reading::{self, Unread};

/// `analyser export --source NAME [--date D] [--period P] [--hourly] [--field PATH]… [--output F]`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// Sources configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// MongoDB connection.
    #[command(flatten)]
    pub mongo: MongoArgs,
    /// The source to export.
    #[arg(long, value_name = "NAME")]
    pub source: String,
    /// A day of the period to export, in the report's time zone (default: the period the
    /// report would cover, as for a report).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::cli::report_date)]
    pub date: Option<NaiveDate>,
    /// The period to export: the day, ISO week or month holding `--date`.
    #[arg(long, value_enum, default_value = "day")]
    pub period: PeriodKind,
    /// One row per UTC hour from `hourly` (count, and per numeric field its count, nulls,
    /// min, mean, max and sum) instead of one row per record.
    #[arg(long)]
    pub hourly: bool,
    /// A record field to add as a column, as a dotted path into the record
    /// (`properties.place`); the source's `numeric`, `categories`, `lon` and `lat` are always
    /// columns.
    #[arg(long = "field", value_name = "PATH", conflicts_with = "hourly")]
    pub fields: Vec<FieldPath>,
    /// The CSV file to write (default: standard output). It appears whole or not at all.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Why nothing (or not everything) was exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The configuration has no source of that name.
    #[error("no source `{0}` in the configuration (`collector --check` lists them)")]
    UnknownSource(String),
    /// The source's table is refused: which fields it configures is unknown.
    #[error("{0} (fix it to export the source)")]
    RefusedSource(String),
    /// `--date` falls in a period that has not begun.
    #[error("--date {date}: the {kind} it falls in has not begun yet ({tz}); nothing to export")]
    FuturePeriod {
        /// The date given.
        date: NaiveDate,
        /// Day, week or month.
        kind: &'static str,
        /// The report's time zone.
        tz: chrono_tz::Tz,
    },
    /// MongoDB is unreachable or a query failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The CSV could not be written.
    #[error("{}: cannot write the export: {cause}", path.display())]
    Write {
        /// The file, or `-` for standard output.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
    },
}

impl ExportError {
    /// True when the command line cannot be used at all (a URI or database name that cannot
    /// be read, a source not configured).
    pub fn is_usage(&self) -> bool {
        match self {
            ExportError::Store(store) => store.is_usage(),
            ExportError::UnknownSource(_) | ExportError::RefusedSource(_) => true,
            _ => false,
        }
    }
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    /// Rows written, the header aside.
    pub rows: u64,
    /// False when the reader of standard output stopped reading (`| head`) before the end.
    pub whole: bool,
    /// The period, as the report's cover names it.
    pub period: String,
    /// Documents left out because they lack the shape relevé writes, one line each.
    pub problems: Vec<String>,
}

/// Writes the export `args` asks for, of `config`'s source.
pub async fn export(args: &ExportArgs, config: &Config) -> Result<Exported, ExportError> {
    let source = match (
        config.source(&args.source),
        config.refused_source(&args.source),
    ) {
        (Some(source), _) => source,
        (None, Some(refused)) => return Err(ExportError::RefusedSource(refused.to_string())),
        (None, None) => return Err(ExportError::UnknownSource(args.source.clone())),
    };
    let tz = config.report.timezone;
    let now = Utc::now();
    let anchor = args
        .date
        .unwrap_or_else(|| period::last_day_of_latest_complete(args.period, tz, now));
    let period = ReportPeriod::containing(args.period, anchor, tz);
    if period.start() > now {
        return Err(ExportError::FuturePeriod {
            date: anchor,
            kind: args.period.name(),
            tz,
        });
    }
    let db = store::connect_read_only(&args.mongo.uri, &args.mongo.database).await?;
    let unread = Unread::default();
    let mut rows = 0;
    let written = match &args.output {
        Some(path) => match PartFile::create(path) {
            Ok(mut part) => {
                let out = &mut part.out;
                let written = table(&db, source, args, &period, &unread, out, &mut rows).await;
                part.finish(written).map(|()| true)
            }
            Err(err) => Err(err),
        },
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout());
            let written = table(&db, source, args, &period, &unread, &mut out, &mut rows).await;
            to_stdout(written)
        }
    };
    store::shut_down(db).await;
    let whole = written?;
    Ok(Exported {
        rows,
        whole,
        period: period.label(),
        problems: unread.lines_left_out_of("the export"),
    })
}

/// What went wrong while a table was written: reading MongoDB or writing the CSV.
enum TableError {
    Store(StoreError),
    Write(std::io::Error),
}

impl From<StoreError> for TableError {
    fn from(err: StoreError) -> Self {
        TableError::Store(err)
    }
}

impl From<csv::Error> for TableError {
    fn from(err: csv::Error) -> Self {
        // The I/O failure itself, so a reader gone (`| head`) is told from a full disk.
        if !err.is_io_error() {
            return TableError::Write(std::io::Error::other(err));
        }
        let cause = match err.into_kind() {
            csv::ErrorKind::Io(cause) => cause,
            other => std::io::Error::other(format!("{other:?}")),
        };
        TableError::Write(cause)
    }
}

/// Writes the table `args` asks for into `out`, counting its rows in `rows`.
async fn table<W: Write>(
    db: &Database,
    source: &Source,
    args: &ExportArgs,
    period: &ReportPeriod,
    unread: &Unread,
    out: W,
    rows: &mut u64,
) -> Result<(), TableError> {
    let mut csv = csv::Writer::from_writer(out);
    if args.hourly {
        hourly_table(db, source, period, unread, &mut csv, rows).await?;
    } else {
        records_table(db, source, &args.fields, period, unread, &mut csv, rows).await?;
    }
    csv.flush().map_err(TableError::Write)
}

/// The record fields written as columns: the source's numeric, category and position fields,
/// then `extra`, each once.
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

/// One row per record whose own time lies in the period, in time order (then by key):
/// `time` (UTC), `key`, then each column's value as the API served it.
async fn records_table<W: Write>(
    db: &Database,
    source: &Source,
    extra: &[FieldPath],
    period: &ReportPeriod,
    unread: &Unread,
    csv: &mut csv::Writer<W>,
    rows: &mut u64,
) -> Result<(), TableError> {
    let columns = record_columns(source, extra);
    let header = ["time", "key"]
        .into_iter()
        .map(str::to_owned)
        .chain(columns.iter().map(|path| path.as_str().to_owned()));
    csv.write_record(header)?;
    // A UTC day of hours at a time, through the `source` + `hour` index, sorted here: memory
    // holds one day of one source, and no server sorts more than that.
    let mut from = store::hour_of(period.start());
    while from < period.end() {
        let to = from + TimeDelta::days(1);
        let mut day = records_of(db, source, from, to, unread).await?;
        day.retain(|(time, _, _)| (period.start()..period.end()).contains(time));
        day.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (time, key, data) in day {
            let cells = [time.to_rfc3339_opts(SecondsFormat::AutoSi, true), key]
                .into_iter()
                .chain(columns.iter().map(|path| cell(path.get(&data))));
            csv.write_record(cells)?;
            *rows += 1;
        }
        from = to;
    }
    Ok(())
}

/// The records of `source` in the hours from `from` to `to`: time, key and data.
async fn records_of(
    db: &Database,
    source: &Source,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    unread: &Unread,
) -> Result<Vec<(DateTime<Utc>, String, Value)>, StoreError> {
    let action = format!("reading `records` of {}", source.name);
    let filter = doc! {"source": &source.name, "hour": {"$gte": store::bson_date(from), "$lt": store::bson_date(to)}};
    let mut cursor = db
        .collection::<RawDocumentBuf>(store::RECORDS)
        .find(filter)
        .projection(doc! {"_id": 1, "source": 1, "hour": 1, "key": 1, "time": 1, "data": 1})
        .await
        .map_err(StoreError::command(&action))?;
    let mut records = Vec::new();
    while let Some(document) = cursor
        .try_next()
        .await
        .map_err(StoreError::command(&action))?
    {
        let time = document.get_datetime("time").map(store::chrono_date);
        let key = document.get_str("key");
        let data = document
            .get_document("data")
            .map_err(|err| err.to_string())
            .and_then(|data| releve::record_data::as_json(data).map_err(|err| err.to_string()));
        match (time, key, data) {
            (Ok(time), Ok(key), Ok(data)) => records.push((time, key.to_owned(), data)),
            (time, key, data) => {
                let why = match (time, key, data) {
                    (Err(err), _, _) => format!("`time`: {err}"),
                    (_, Err(err), _) => format!("`key`: {err}"),
                    (_, _, Err(err)) => format!("`data`: {err}"),
                    _ => String::new(),
                };
                unread.note(store::RECORDS, &document, why);
            }
        }
    }
    Ok(records)
}

/// A value as a CSV cell: text as it is, a number or a boolean as JSON writes it, an object
/// or an array as its JSON, nothing for null or a field the record lacks.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// One row per UTC hour of the period that `hourly` holds: `hour`, `count`, then per numeric
/// field its count, nulls, min, mean, max and sum (empty when the hour lacks the field).
async fn hourly_table<W: Write>(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    unread: &Unread,
    csv: &mut csv::Writer<W>,
    rows: &mut u64,
) -> Result<(), TableError> {
    const STATS: [&str; 6] = ["count", "nulls", "min", "mean", "max", "sum"];
    let mut header = vec!["hour".to_owned(), "count".to_owned()];
    for field in &source.numeric {
        header.extend(STATS.iter().map(|stat| format!("{field} {stat}")));
    }
    csv.write_record(&header)?;
    let filter = doc! {"source": &source.name, "hour": {"$gte": store::bson_date(period.first_hour()), "$lt": store::bson_date(period.end_hour())}};
    let options = mongodb::options::FindOptions::builder()
        .sort(doc! {"hour": 1})
        .build();
    let action = format!("reading `hourly` of {}", source.name);
    let hours: Vec<HourlySummary> =
        reading::find_all(db, store::HOURLY, filter, options, &action, unread).await?;
    for hour in &hours {
        let mut row = vec![
            store::chrono_date(hour.hour).to_rfc3339_opts(SecondsFormat::Secs, true),
            hour.count.to_string(),
        ];
        for field in &source.numeric {
            match hour.numeric.iter().find(|n| n.field == field.as_str()) {
                Some(n) => row.extend([
                    n.count.to_string(),
                    n.nulls.to_string(),
                    number(n.min),
                    number(n.mean),
                    number(n.max),
                    number(Some(n.sum)),
                ]),
                None => row.extend(STATS.iter().map(|_| String::new())),
            }
        }
        csv.write_record(&row)?;
        *rows += 1;
    }
    Ok(())
}

/// A statistic as a cell: as JSON writes the double, nothing when there is none.
fn number(value: Option<f64>) -> String {
    value
        .map(|x| Value::from(x).to_string())
        .unwrap_or_default()
}

/// A file that appears whole or not at all: written as a temporary file beside it, renamed
/// over it once complete.
struct PartFile {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    temporary: tempfile::TempPath,
}

impl PartFile {
    fn create(path: &Path) -> Result<PartFile, ExportError> {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let (file, temporary) = tempfile::Builder::new()
            .prefix(".export-")
            .suffix(".csv.part")
            .tempfile_in(folder)
            .map_err(|cause| ExportError::Write {
                path: path.to_owned(),
                cause,
            })?
            .into_parts();
        Ok(PartFile {
            path: path.to_owned(),
            out: std::io::BufWriter::new(file),
            temporary,
        })
    }

    /// Puts the file in place once `written` succeeded; the temporary file goes otherwise.
    fn finish(self, written: Result<(), TableError>) -> Result<(), ExportError> {
        let failed = |cause: std::io::Error| ExportError::Write {
            path: self.path.clone(),
            cause,
        };
        match written {
            Ok(()) => {}
            Err(TableError::Store(err)) => return Err(ExportError::Store(err)),
            Err(TableError::Write(cause)) => return Err(failed(cause)),
        }
        let file = self
            .out
            .into_inner()
            .map_err(|err| failed(err.into_error()))?;
        file.sync_all().map_err(failed)?;
        self.temporary
            .persist(&self.path)
            .map_err(|err| failed(err.error))
    }
}

/// The outcome of a table written to standard output: whether it was written whole. A reader
/// that stops early (`| head`) ends the export without an error.
fn to_stdout(written: Result<(), TableError>) -> Result<bool, ExportError> {
    match written {
        Ok(()) => Ok(true),
        Err(TableError::Write(cause)) if cause.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(false)
        }
        Err(TableError::Store(err)) => Err(ExportError::Store(err)),
        Err(TableError::Write(cause)) => Err(ExportError::Write {
            path: PathBuf::from("-"),
            cause,
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cells_hold_values_as_served_and_nothing_for_none() {
        let record = json!({"t": "2026-12-02T10:00", "mag": 2.5, "n": 3, "ok": true, "none": null,
                            "place": "12 km N of Volcano, Hawaii", "xy": [1.5, 2]});
        let at = |path: &str| cell(path.parse::<FieldPath>().expect("path").get(&record));
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
