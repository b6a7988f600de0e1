//! The note of hours whose summary is about to change, kept until they are recomputed.

use super::*;

/// Hours a crashed run noted but did not finish recomputing.
pub async fn pending_hours(
    db: &Database,
    source: &str,
) -> Result<BTreeSet<DateTime<Utc>>, StoreError> {
    let action = format!("reading pending hours of `{source}`");
    let mut hours = BTreeSet::new();
    each_found(
        db.collection::<Document>(PENDING)
            .find(doc! {"source": source}),
        &action,
        |document| {
            if let Ok(hour) = document.get_datetime("hour") {
                hours.insert(chrono_date(*hour));
            }
        },
    )
    .await?;
    Ok(hours)
}

/// Notes `hours` as pending before any record of them changes.
pub async fn note_pending(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let notes: Vec<Document> = hours
        .iter()
        .map(|h| doc! {"source": source, "hour": bson_date(*h)})
        .collect();
    db.collection::<Document>(PENDING)
        .insert_many(notes)
        .await
        .map_err(StoreError::command(&format!(
            "noting pending hours of `{source}`"
        )))?;
    crash::passed("pending-written");
    Ok(())
}

/// Clears the pending note of `hours`.
pub async fn clear_pending(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    delete_hours(db, PENDING, source, hours).await?;
    crash::passed("pending-cleared");
    Ok(())
}
