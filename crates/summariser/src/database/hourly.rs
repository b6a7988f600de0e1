//! Recomputing hourly summaries, from the records in hand or read back from `records`.

use mongodb::bson::RawDocument;
use releve::store::HourlySummary;

use crate::summary::facts_fields;

use super::hourly_write::write_summaries;
use super::*;

/// What becomes of an hour whose summary comes out the same as the one stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSummary {
    /// Written all the same, its `updated_at` moved: its records changed (a revision of a
    /// field the summary does not hold, an event moved within its hour's box), and the report
    /// draws its map and its records from them.
    Written,
    /// Left as it is (`--resummarise`, which changes no record).
    LeftAsItIs,
}

/// Recomputes the summaries of `hours` — from `in_hand` for the hours it holds, from
/// `records` for the others — replaces them in `hourly`, then clears their pending note.
/// Returns how many it wrote.
pub async fn recompute_hours(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    in_hand: BTreeMap<DateTime<Utc>, Vec<HourRecord>>,
    same: SameSummary,
) -> Result<usize, StoreError> {
    let name = source.name.as_str();
    let to_read: BTreeSet<DateTime<Utc>> = hours
        .iter()
        .filter(|hour| !in_hand.contains_key(hour))
        .copied()
        .collect();
    let mut facts: Vec<(DateTime<Utc>, String, Facts)> = in_hand
        .into_iter()
        .flat_map(|(hour, records)| records.into_iter().map(move |(key, f)| (hour, key, f)))
        .collect();
    if !to_read.is_empty() {
        read_hours(db, source, &to_read, &mut facts).await?;
    }
    let summaries = summarise_hours(source, facts, bson::DateTime::now());
    // Each summary of a stored hour replaces it in place (an `update` command of upserts, each
    // atomic on its document), and a new hour's is inserted, so a report read meanwhile, or
    // after a crash here, finds every hour, old or new; only hours left without records are
    // deleted. Left as it is, a summary the
    // same as the one stored but for its time is not written: `updated_at` says when an hour
    // or its records last changed (what `analyser --if-missing` and users syncing changed
    // hours read).
    let mut emptied = hours.clone();
    for summary in &summaries {
        emptied.remove(&chrono_date(summary.hour));
    }
    // The summaries stored, to tell a summary the same but for its time (left as it is) or
    // the hours to insert from those to replace.
    let (stored, stored_hours) = match same {
        SameSummary::Written => (BTreeMap::new(), summarised_hours(db, name, hours).await?),
        SameSummary::LeftAsItIs => {
            let stored = stored_summaries(db, name, hours).await?;
            let held = stored.keys().copied().collect();
            (stored, held)
        }
    };
    let changed: Vec<&HourlySummary> = summaries
        .iter()
        .filter(|summary| {
            stored
                .get(&chrono_date(summary.hour))
                .is_none_or(|old| !same_but_updated_at(old, summary))
        })
        .collect();
    write_summaries(db, name, &changed, &stored_hours).await?;
    delete_hours(db, HOURLY, name, &emptied).await?;
    crash::passed("hourly-deleted");
    clear_pending(db, name, hours).await?;
    Ok(changed.len())
}

/// Whether `old` and `new` are the same summary but for their `updated_at`, as written: a
/// `-0.0` is not a `0.0` (a revision the records tell apart, as a clean run would write it).
fn same_but_updated_at(old: &HourlySummary, new: &HourlySummary) -> bool {
    let old = HourlySummary {
        updated_at: new.updated_at,
        ..old.clone()
    };
    matches!((bson::to_vec(&old), bson::to_vec(new)), (Ok(old), Ok(new)) if old == new)
}

/// Which of `source`'s `hours` `hourly` holds a summary of (a range read per run of hours).
async fn summarised_hours(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<BTreeSet<DateTime<Utc>>, StoreError> {
    let mut held = BTreeSet::new();
    let action = format!("reading the hours of `{source}` hourly summaries");
    for filter in hour_filters(source, hours) {
        each_found(
            db.collection::<Document>(HOURLY)
                .find(filter)
                .projection(doc! {"_id": 0, "hour": 1}),
            &action,
            |document| {
                if let Ok(hour) = document.get_datetime("hour") {
                    held.insert(chrono_date(*hour));
                }
            },
        )
        .await?;
    }
    Ok(held)
}

/// The summaries `hourly` holds of `source`'s `hours`, as the readers read them; one that does
/// not read is left out (it is replaced).
async fn stored_summaries(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<BTreeMap<DateTime<Utc>, HourlySummary>, StoreError> {
    let mut stored = BTreeMap::new();
    let action = format!("reading `{source}` hourly summaries");
    for filter in hour_filters(source, hours) {
        each_found(
            db.collection::<Document>(HOURLY).find(filter),
            &action,
            |document| {
                if let Ok(summary) = bson::from_document::<HourlySummary>(document) {
                    let hour = chrono_date(summary.hour);
                    if hours.contains(&hour) {
                        stored.insert(hour, summary);
                    }
                }
            },
        )
        .await?;
    }
    Ok(stored)
}

/// The hours of `source` that `records` holds records of.
pub async fn stored_hours(
    db: &Database,
    source: &str,
) -> Result<BTreeSet<DateTime<Utc>>, StoreError> {
    let hours = records(db)
        .distinct("hour", doc! {"source": source})
        .await
        .map_err(StoreError::command(&format!(
            "listing the hours of `{source}` records"
        )))?;
    Ok(hours
        .into_iter()
        .filter_map(|hour| match hour {
            Bson::DateTime(hour) => Some(chrono_date(hour)),
            _ => None,
        })
        .collect())
}

/// The `count` of each summary of `source` in `hourly`.
pub async fn summarised_counts(
    db: &Database,
    source: &str,
) -> Result<BTreeMap<DateTime<Utc>, i64>, StoreError> {
    let action = format!("reading `{source}` hourly counts");
    let mut counts = BTreeMap::new();
    each_found(
        db.collection::<Document>(HOURLY)
            .find(doc! {"source": source})
            .projection(doc! {"_id": 0, "hour": 1, "count": 1}),
        &action,
        |document| {
            // As the readers read a count (a whole double included); one that is no count is left
            // out, as a summary that counts nothing.
            if let Ok(summary) = bson::from_document::<HourCount>(document) {
                counts.insert(chrono_date(summary.hour), summary.count);
            }
        },
    )
    .await?;
    Ok(counts)
}

/// What [`summarised_counts`] reads of an `hourly` document.
#[derive(serde::Deserialize)]
struct HourCount {
    hour: bson::DateTime,
    #[serde(deserialize_with = "releve::store::count")]
    count: i64,
}

/// Reads the records of `hours` back from `records`.
async fn read_hours(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    facts: &mut Vec<(DateTime<Utc>, String, Facts)>,
) -> Result<(), StoreError> {
    read_records(db, source, hours_filter(&source.name, hours), facts).await
}

/// Reads the records of the hours from `first` to `last` back from `records`: a range, which
/// nx-27017 answers several times faster than the same hours listed with `$in`.
pub(crate) async fn read_hours_between(
    db: &Database,
    source: &Source,
    (first, last): (DateTime<Utc>, DateTime<Utc>),
    facts: &mut Vec<(DateTime<Utc>, String, Facts)>,
) -> Result<(), StoreError> {
    let filter = doc! {
        "source": source.name.as_str(),
        "hour": {"$gte": bson_date(first), "$lte": bson_date(last)},
    };
    read_records(db, source, filter, facts).await
}

/// Reads the records `filter` selects back from `records`.
async fn read_records(
    db: &Database,
    source: &Source,
    filter: Document,
    facts: &mut Vec<(DateTime<Utc>, String, Facts)>,
) -> Result<(), StoreError> {
    let name = source.name.as_str();
    let action = format!("reading `{name}` records to summarise");
    // Of `data`, the fields the summary reads alone: a stamped forecast's hours are read back
    // at each run with every earlier run's records, and the rest of each (its stamp, fields not
    // summarised) would cross the link for nothing.
    let mut projection = doc! {"_id": 0, "key": 1, "hour": 1};
    match facts_fields(source) {
        Some(fields) => {
            for field in fields {
                projection.insert(format!("data.{field}"), 1);
            }
        }
        None => {
            projection.insert("data", 1);
        }
    }
    each_found(
        raw_records(db).find(filter).projection(projection),
        &action,
        |document| {
            let (Ok(key), Ok(hour)) = (document.get_str("key"), document.get_datetime("hour"))
            else {
                return;
            };
            // A `data` that is not as the summariser wrote it (a server that re-typed it) still
            // counts as a record of its hour, one holding no field.
            let record = projected_data(&document);
            facts.push((
                chrono_date(hour),
                key.to_owned(),
                Facts::of(source, &record),
            ));
        },
    )
    .await
}

/// The `data` of a record read back with [`facts_fields`]' projection, as JSON. MongoDB
/// answers a projection of `data.t` with `data: {t: …}`; nx-27017 (the tests' server) with a
/// field named `data.t` beside `key`: both are read.
fn projected_data(document: &RawDocument) -> Value {
    let mut record = document
        .get_document("data")
        .ok()
        .and_then(|data| record_data::as_json(data).ok())
        .unwrap_or(Value::Null);
    for element in document {
        let Ok((name, value)) = element else {
            continue;
        };
        if let (Some(field), Ok(value)) =
            (name.strip_prefix("data."), record_data::value_json(value))
        {
            if !record.is_object() {
                record = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(fields) = &mut record {
                fields.insert(field.to_owned(), value);
            }
        }
    }
    record
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn hour(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("hour")
    }

    /// A revision of an hour years back with today's hours: only those hours are read, not
    /// every summary stored between them.
    #[tokio::test]
    async fn the_summarised_hours_are_read_per_run_of_hours_not_from_first_to_last() {
        let server = testkit::MongoServer::shared();
        let db = server
            .client_database(&server.fresh_database("summarised_hours"))
            .await;
        let revised = hour(2023, 3, 1, 5);
        let today = [hour(2026, 12, 7, 10), hour(2026, 12, 7, 11)];
        let between = [hour(2024, 6, 1, 0), hour(2025, 6, 1, 0)];
        let stored: Vec<Document> = [revised, today[0]]
            .iter()
            .chain(&between)
            .map(|h| doc! {"source": "usgs", "hour": bson_date(*h)})
            .chain([doc! {"source": "other", "hour": bson_date(today[1])}])
            .collect();
        db.collection::<Document>(HOURLY)
            .insert_many(stored)
            .await
            .expect("summaries stored");
        let hours = BTreeSet::from([revised, today[0], today[1]]);
        let held = summarised_hours(&db, "usgs", &hours)
            .await
            .expect("hours read");
        assert_eq!(held, BTreeSet::from([revised, today[0]]));
    }

    /// A projection of `data`'s fields comes back nested from MongoDB (`data: {t: …}`) and as
    /// fields named `data.t` from nx-27017: both read as the same record's data.
    #[test]
    fn data_projected_reads_the_same_nested_or_flat() {
        let nested = mongodb::bson::rawdoc! {
            "key": "k", "hour": mongodb::bson::DateTime::from_millis(0),
            "data": {"temperature_2m": 4.5, "weather_code": 3},
        };
        let flat = mongodb::bson::rawdoc! {
            "key": "k", "hour": mongodb::bson::DateTime::from_millis(0),
            "data.temperature_2m": 4.5, "data.weather_code": 3,
        };
        let expected = serde_json::json!({"temperature_2m": 4.5, "weather_code": 3});
        assert_eq!(projected_data(&nested), expected);
        assert_eq!(projected_data(&flat), expected);
    }
}
