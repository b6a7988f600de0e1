//! Recomputing hourly summaries, from the records in hand or read back from `records`.

use super::records::run_updates;
use super::*;

/// Recomputes the summaries of `hours` — from `in_hand` for the hours it holds, from
/// `records` for the others — replaces them in `hourly`, then clears their pending note.
pub async fn recompute_hours(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    in_hand: BTreeMap<DateTime<Utc>, Vec<HourRecord>>,
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
    // Each summary replaces its hour's in place (an `update` command of upserts, each atomic
    // on its document), so a report read meanwhile, or after a crash here, finds every hour,
    // old or new; only hours left without records are deleted.
    let mut emptied = hours.clone();
    for chunk in summaries.chunks(UPDATES_PER_COMMAND) {
        let mut updates = Vec::with_capacity(chunk.len());
        for summary in chunk {
            emptied.remove(&chrono_date(summary.hour));
            let document = bson::to_document(summary).map_err(|err| StoreError::Command {
                action: format!("encoding `{name}` hourly summaries"),
                cause: err.into(),
            })?;
            updates.push(doc! {
                "q": {"source": name, "hour": summary.hour},
                "u": document,
                "upsert": true,
            });
        }
        let action = format!("writing `{name}` hourly summaries");
        run_updates(db, HOURLY, updates, &action).await?;
        crash::passed("hourly-replaced");
    }
    delete_hours(db, HOURLY, name, &emptied).await?;
    crash::passed("hourly-deleted");
    clear_pending(db, name, hours).await?;
    Ok(summaries.len())
}

/// Reads the records of `hours` back from `records`.
async fn read_hours(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    facts: &mut Vec<(DateTime<Utc>, String, Facts)>,
) -> Result<(), StoreError> {
    let name = source.name.as_str();
    let action = format!("reading `{name}` records to summarise");
    let mut cursor = raw_records(db)
        .find(hours_filter(name, hours))
        .projection(doc! {"_id": 0, "key": 1, "hour": 1, "data": 1})
        .await
        .map_err(StoreError::command(&action))?;
    while let Some(document) = cursor
        .try_next()
        .await
        .map_err(StoreError::command(&action))?
    {
        let (Ok(key), Ok(hour)) = (document.get_str("key"), document.get_datetime("hour")) else {
            continue;
        };
        // A `data` that is not as the summariser wrote it (a server that re-typed it) still
        // counts as a record of its hour, one holding no field.
        let record = document
            .get_document("data")
            .ok()
            .and_then(|data| record_data::as_json(data).ok())
            .unwrap_or(Value::Null);
        facts.push((
            chrono_date(hour),
            key.to_owned(),
            Facts::of(source, &record),
        ));
    }
    Ok(())
}
