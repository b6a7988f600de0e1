//! The records table: one row per record of the period, the configured fields as columns.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use mongodb::Database;
use mongodb::bson::{RawDocument, RawDocumentBuf, doc};
use releve::store::{self, StoreError};
use releve::{FieldPath, Resolution, Source};
use serde_json::Value;

use super::TableError;
use super::clock::Clock;
use crate::period::{ReportPeriod, local_day};
use crate::reading::Unread;

mod cells;
mod columns;
mod notes;

use cells::Unfit;
use columns::{Column, ColumnKind, headings, record_columns};
use notes::{NoTime, Unheld};

/// The record fields asked for besides the configured ones: `--field`s, written as served, and
/// `--time-field`s, written as times.
pub(super) struct Asked<'a> {
    /// Fields written as served.
    pub fields: &'a [FieldPath],
    /// Fields read as the source's `time` is and written as the `time` column is.
    pub times: &'a [FieldPath],
    /// How numbers and times are written.
    pub clock: Clock,
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
    let clock = asked.clock;
    let mut unfit = Unfit::default();
    let named = headings(columns.iter().map(|column| &column.path), daily)
        .into_iter()
        .zip(&columns)
        .map(|(name, column)| match column.kind {
            ColumnKind::Time => clock.heading(&name),
            _ => name,
        });
    let header = [clock.heading("time"), "day".to_owned(), "key".to_owned()]
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
            unfit: &mut unfit,
            unread,
            clock,
        };
        let mut day = rows_of(db, source, hours, reading).await?;
        day.sort_by(|a, b| (a.time, &a.key).cmp(&(b.time, &b.key)));
        for row in day {
            let counted_in = daily.then(|| {
                local_day(store::hour_of(row.time), period.tz, Resolution::Day).to_string()
            });
            let cells = std::iter::once(clock.time(row.time, SecondsFormat::Millis))
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
    unfit.warn(&source.name);
    Ok(())
}

/// What reading the rows takes: the columns, and where to note what they find.
struct Reading<'r, 'a> {
    columns: &'r [Column],
    unheld: &'r mut Unheld<'a>,
    no_time: &'r mut NoTime,
    unfit: &'r mut Unfit,
    unread: &'r Unread,
    clock: Clock,
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
        unfit,
        unread,
        clock,
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
                        ColumnKind::Time => no_time.cell(&column.path, value, source, clock),
                        kind => unfit.cell(&column.path, value, clock.layout(), kind),
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
