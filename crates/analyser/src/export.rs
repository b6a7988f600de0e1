//! `analyser export`: one source's records, or its hourly summaries, of the day, week or month
//! a report would cover, as CSV for a spreadsheet or a data frame. What MongoDB holds is the
//! interface (the README documents it); this is the short way to a table of it.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use mongodb::Database;
use mongodb::bson::doc;
use releve::cli::{ConfigArgs, MongoArgs};
use releve::store::{self, StoreError};
use releve::{Config, FieldPath, Source};

use crate::period::{PeriodKind, ReportPeriod};
use crate::reading::Unread;

mod clock;
mod hourly;
mod output;
mod records;
mod spreadsheet;

use output::{PartFile, to_stdout};

/// `analyser export --source NAME [--date D] [--period P] [--hourly] [--field PATH]…
/// [--time-field PATH]… [--decimal-comma] [--local-time] [--output F]`.
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
    /// implausible values, min, mean, max and sum) instead of one row per record.
    #[arg(long)]
    pub hourly: bool,
    /// A record field to add as a column, as a dotted path into the record
    /// (`properties.place`); the source's `numeric`, `categories`, `lon` and `lat` are always
    /// columns.
    #[arg(long = "field", value_name = "PATH", conflicts_with = "hourly", value_parser = field_column)]
    pub fields: Vec<FieldPath>,
    /// A record field holding a time, added as a column written as the `time` column is (UTC,
    /// to the millisecond), read as the source's `time` is: epoch seconds or milliseconds
    /// (USGS's `properties.updated`), ISO 8601, `local_times`. A value that reads as no time is
    /// left empty, and said on stderr.
    #[arg(long = "time-field", value_name = "PATH", conflicts_with = "hourly", value_parser = field_column)]
    pub time_fields: Vec<FieldPath>,
    /// Write for a spreadsheet set to French or German, opened by a double-click: `;` between
    /// fields, decimals with a comma (`4,46`, `1,5E-07`, also of `numeric` fields served as
    /// text and of labels written as numbers, `"4.5"`; numbers past a spreadsheet's range, or
    /// whole past 15 digits, said on stderr), times in UTC as `2026-12-07 14:00:00` under
    /// `time (UTC)`, and a UTF-8 byte-order
    /// mark first, so accents read right (default: `,` between fields, decimals with a point
    /// and ISO 8601 times, as pandas and R read them).
    #[arg(long)]
    pub decimal_comma: bool,
    /// Write times on the clock of `[report] timezone`, the zone the report shows them in,
    /// named in the headings, `time (Europe/Paris)`: `2026-12-07 15:00:00` with
    /// `--decimal-comma`, else ISO 8601 with the zone's offset (`+01:00`) (default: UTC).
    #[arg(long)]
    pub local_time: bool,
    /// The CSV file to write, which appears whole or not at all (default, or `-`: standard
    /// output).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A `--field`: a dotted path to a field of the record, not the empty one that names the
/// record itself (an unset variable in `--field "$FIELD"`).
fn field_column(text: &str) -> Result<FieldPath, String> {
    if text.trim().is_empty() {
        return Err(
            "an empty path names the whole record, not a field: give a dotted path such as `properties.place`".to_owned(),
        );
    }
    FieldPath::try_from(text.to_owned())
}

/// Why nothing (or not everything) was exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The configuration has no source of that name; the nearest name it has, if close.
    #[error("no source `{0}` in the configuration{hint}", hint = did_you_mean(.1.as_deref()))]
    UnknownSource(String, Option<String>),
    /// The configuration has no source of that name, but MongoDB holds records of it: a
    /// source renamed, or its table removed.
    #[error(
        "no source `{0}` in the configuration, though MongoDB holds its records (a source renamed, or its table removed): put its `[[source]]` table back, with `enabled = false` to keep it from being collected, to export them"
    )]
    StoredOnly(String),
    /// The source's table is refused: which fields it configures is unknown.
    #[error("{0} (fix it to export the source)")]
    RefusedSource(String),
    /// `--date` falls in a period that has not begun, of a source that is no `forecast`.
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
    /// MongoDB failed, or left a read unanswered, once rows were written to standard output.
    #[error(
        "the export stopped after {rows} rows, which standard output holds, the rest left out: {cause}"
    )]
    CutShort {
        /// The rows written, the header aside.
        rows: u64,
        /// Why it stopped.
        cause: Box<StoreError>,
    },
    /// Standard output refused the rows once some were written (a full disk under `> file`).
    #[error(
        "standard output refused the export after its first rows, which it holds, cut short, the rest left out: {cause}{}",
        releve::disk_fault::advice_after(cause)
    )]
    StdoutCut {
        /// The I/O failure.
        cause: std::io::Error,
    },
    /// The CSV could not be written.
    #[error("{}: cannot write the export: {cause}{}", path.display(), releve::disk_fault::advice_after(cause))]
    Write {
        /// The file, or `standard output`.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
    },
}

impl ExportError {
    /// False when rows were written to standard output before MongoDB or the output failed (a
    /// file is written whole or not at all).
    pub fn wrote_nothing(&self) -> bool {
        !matches!(
            self,
            ExportError::CutShort { .. } | ExportError::StdoutCut { .. }
        )
    }

    /// True when the command line cannot be used at all (a URI or database name that cannot
    /// be read, a source not configured).
    pub fn is_usage(&self) -> bool {
        match self {
            ExportError::Store(store) => store.is_usage(),
            ExportError::UnknownSource(..)
            | ExportError::StoredOnly(_)
            | ExportError::RefusedSource(_) => true,
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
    /// Why records of the period are missing, when they expired under the source's
    /// `keep_days` (its hours stay in `hourly`).
    pub expired: Option<String>,
}

/// Why a source the configuration lacks cannot be exported: [`ExportError::StoredOnly`] when
/// MongoDB holds records or hours of it, else [`ExportError::UnknownSource`] (a name mistyped,
/// or the database out of reach, which the name alone cannot be blamed on).
async fn unknown_source(args: &ExportArgs, config: &Config) -> ExportError {
    let stored = match store::connect_read_only(&args.mongo.uri, &args.mongo.database()).await {
        Ok(db) => {
            // `hourly` too: with `keep_days`, a source's records expire and its hours stay.
            let mut found = false;
            for collection in [store::RECORDS, store::HOURLY] {
                found = found
                    || matches!(
                        db.collection::<mongodb::bson::Document>(collection)
                            .find_one(mongodb::bson::doc! {"source": &args.source})
                            .projection(mongodb::bson::doc! {"_id": 1})
                            .await,
                        Ok(Some(_))
                    );
            }
            store::shut_down(db).await;
            found
        }
        Err(_) => false,
    };
    if stored {
        return ExportError::StoredOnly(args.source.clone());
    }
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let near = releve::config::closest(&args.source, &names).map(str::to_owned);
    ExportError::UnknownSource(args.source.clone(), near)
}

/// ` (did you mean `usgs-earthquakes`?)`, else where the names are listed.
fn did_you_mean(near: Option<&str>) -> String {
    match near {
        Some(near) => format!(" (did you mean `{near}`?)"),
        None => " (`collector --check` lists them)".to_owned(),
    }
}

/// Writes the export `args` asks for, of `config`'s source; given up, an `--output` file left
/// as it was (rows written to standard output said), once MongoDB leaves a read unanswered
/// past its deadline (see [`releve::store::answered`]).
pub async fn export(args: &ExportArgs, config: &Config) -> Result<Exported, ExportError> {
    let source = match (
        config.source(&args.source),
        config.refused_source(&args.source),
    ) {
        (Some(source), _) => source,
        (None, Some(refused)) => return Err(ExportError::RefusedSource(refused.to_string())),
        (None, None) => {
            let unknown = async { Err(unknown_source(args, config).await) };
            return releve::store::answered(unknown).await;
        }
    };
    let tz = config.report.timezone;
    let now = Utc::now();
    let (period, anchor) = ReportPeriod::asked(args.period, args.date, tz, now);
    if not_begun(&period, source, now) {
        return Err(ExportError::FuturePeriod {
            date: anchor,
            kind: args.period.name(),
            tz,
        });
    }
    let db = releve::store::answered(async {
        let db = store::connect_read_only(&args.mongo.uri, &args.mongo.database()).await?;
        // Before the output is created: a file of a header alone would pass for an empty period.
        match store::require_releve_data(&db).await {
            Ok(()) => Ok(db),
            Err(err) => {
                store::shut_down(db).await;
                Err(err)
            }
        }
    })
    .await?;
    let unread = Unread::default();
    let mut rows = 0;
    // `-` is standard output, as for most command-line tools, not a file named `-`.
    let file = args.output.as_ref().filter(|path| path.as_os_str() != "-");
    let written = match file {
        Some(path) => match PartFile::create(path) {
            Ok(mut part) => {
                let out = &mut part.out;
                let table = table(&db, source, args, &period, &unread, out, &mut rows);
                let written = releve::store::answered(table).await;
                part.finish(written).map(|()| true)
            }
            Err(err) => Err(err),
        },
        None => {
            let mut out = std::io::BufWriter::new(output::Counted::new(std::io::stdout()));
            // Given up here, not by the whole export's deadline: the rows written are said.
            let table = table(&db, source, args, &period, &unread, &mut out, &mut rows);
            let written = releve::store::answered(table).await;
            let reached = out.get_ref().bytes > 0;
            match to_stdout(written) {
                Err(ExportError::Store(cause)) if rows > 0 => Err(ExportError::CutShort {
                    rows,
                    cause: Box::new(cause),
                }),
                // Rows are buffered: standard output holds some once its first bytes went.
                Err(ExportError::Write { cause, .. }) if reached => {
                    Err(ExportError::StdoutCut { cause })
                }
                written => written,
            }
        }
    };
    let expired = match (args.hourly, &written) {
        (false, Ok(_)) => {
            let expired = async { Ok::<_, StoreError>(expired(&db, source, &period, now).await) };
            releve::store::answered(expired).await.ok().flatten()
        }
        _ => None,
    };
    store::shut_down(db).await;
    let whole = written?;
    Ok(Exported {
        rows,
        whole,
        period: period.label(),
        problems: unread.lines_left_out_of("the export"),
        expired,
    })
}

/// Why the records export of `period` lacks `source`'s records before its `keep_days` at
/// `now`: MongoDB's TTL removes a record `keep_days` after its time, so an export reaching
/// back past that finds fewer there than `hourly` counts in their hours (a few, or none: the
/// TTL's pass runs once a minute, so the last records past it are often still there). Nothing
/// when every record counted is still there (stored before `keep_days` was set, they do not
/// expire) or no hour is summarised; nor when the counts cannot be read.
async fn expired(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    now: DateTime<Utc>,
) -> Option<String> {
    let days = source.keep_days?;
    let horizon = now.checked_sub_signed(chrono::TimeDelta::days(i64::from(days)))?;
    // The hours the export reads: a source of daily values holds a day from its first UTC
    // hour, which west of UTC comes before the local day begins.
    let (start, end) = (
        period.first_hour_of(source.resolution),
        period.end_hour_of(source.resolution),
    );
    // Whole hours before the horizon's: a record of its hour timed after the horizon is still
    // there (it expires `keep_days` after its own time), and its hour counts it.
    let cut = store::hour_of(horizon).min(end);
    if start >= cut {
        return None;
    }
    let before = doc! {
        "$gte": store::bson_date(start),
        "$lt": store::bson_date(cut),
    };
    /// An hour's count, read as every reader of `hourly` reads it.
    #[derive(serde::Deserialize)]
    struct Counted {
        #[serde(deserialize_with = "store::count")]
        count: i64,
    }
    let summarised: i64 = db
        .collection::<mongodb::bson::Document>(store::HOURLY)
        .find(doc! {"source": &source.name, "hour": before.clone()})
        .projection(doc! {"_id": 0, "count": 1})
        .await
        .ok()?
        .try_collect::<Vec<_>>()
        .await
        .ok()?
        .into_iter()
        .filter_map(|hour| mongodb::bson::from_document::<Counted>(hour).ok())
        .map(|hour| hour.count)
        .sum();
    let stored = db
        .collection::<mongodb::bson::Document>(store::RECORDS)
        .count_documents(doc! {"source": &source.name, "time": before})
        .await
        .ok()?;
    let gone = u64::try_from(summarised).unwrap_or(0).checked_sub(stored)?;
    (gone > 0).then(|| {
        format!(
            "`{}` keeps its records `keep_days = {days}`: {} of the {} records of this period timed before {} have expired from `records`; `--hourly` exports its hourly summaries, which stay",
            source.name,
            crate::format::grouped(gone),
            crate::format::grouped(u64::try_from(summarised).unwrap_or(0)),
            cut.format("%Y-%m-%d %H:%M UTC")
        )
    })
}

/// Whether nothing of `source` can lie in `period` yet at `now`. A forecast's hours lie ahead
/// of the clock (MongoDB holds its periods to come); a source of daily values holds a day from
/// the first UTC hour counted in it, which may come before the local day begins (a day dated by
/// the day alone, 00:00 UTC, is stored in the evening before it in New York).
fn not_begun(period: &ReportPeriod, source: &Source, now: DateTime<Utc>) -> bool {
    let begins = period.start().min(period.first_hour_of(source.resolution));
    begins > now && !source.forecast
}

/// What went wrong while a table was written: reading MongoDB or writing the CSV.
pub(super) enum TableError {
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
    let layout = spreadsheet::Layout::asked(args.decimal_comma);
    let clock = match args.local_time {
        true => clock::Clock::local(layout, period.tz),
        false => clock::Clock::utc(layout),
    };
    let mut csv = layout.writer(out).map_err(TableError::Write)?;
    if args.hourly {
        hourly::hourly_table(db, source, period, unread, &mut csv, rows, clock).await?;
    } else {
        let asked = records::Asked {
            fields: &args.fields,
            times: &args.time_fields,
            clock,
        };
        records::records_table(db, source, asked, period, unread, &mut csv, rows).await?;
    }
    csv.flush().map_err(TableError::Write)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn source(extra: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/s\"\n\
             every = \"1h\"\nkey = \"time\"\ntime = \"time\"\n{extra}"
        );
        Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("config")
            .sources
            .remove(0)
    }

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
            .single()
            .expect("instant")
    }

    /// In New York, 3 December begins at 05:00 UTC; a daily value dated by the day alone is
    /// stored from 00:00 UTC, so its day can be exported from then, an hourly source's not.
    #[test]
    fn a_day_of_daily_values_is_exported_once_its_first_hour_has_come() {
        let period = ReportPeriod::containing(
            PeriodKind::Day,
            NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
            chrono_tz::America::New_York,
        );
        let daily = source("resolution = \"day\"\n");
        let hourly = source("");
        assert!(!not_begun(&period, &daily, at(3, 0, 30)));
        assert!(not_begun(&period, &daily, at(2, 23, 30)));
        assert!(not_begun(&period, &hourly, at(3, 0, 30)));
        assert!(!not_begun(&period, &hourly, at(3, 5, 0)));
        let forecast = source("forecast = true\n");
        assert!(!not_begun(&period, &forecast, at(1, 0, 0)));
    }
}
