//! The note of hours whose summary is about to change, kept until they are recomputed.

use super::*;

/// Why hours are noted pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// Their records are about to change: recomputed, they are written (see
    /// [`SameSummary::Written`]).
    RecordsChanging,
    /// Summarised again from unchanged records (`--resummarise`): recomputed, they are left as
    /// they are when their summary comes out the same.
    SummariesOnly,
}

/// The field of a note from [`Pending::SummariesOnly`]; a note without it (or from an older
/// version) is of hours whose records changed.
const SUMMARIES_ONLY: &str = "summaries_only";

/// Hours a crashed run noted but did not finish recomputing.
#[derive(Debug, Default)]
pub struct PendingHours {
    /// Every hour noted.
    pub hours: BTreeSet<DateTime<Utc>>,
    /// Those only [`Pending::SummariesOnly`] noted.
    pub summaries_only: BTreeSet<DateTime<Utc>>,
}

/// Hours a crashed run noted but did not finish recomputing.
pub async fn pending_hours(db: &Database, source: &str) -> Result<PendingHours, StoreError> {
    let action = format!("reading pending hours of `{source}`");
    let mut pending = PendingHours::default();
    let mut records_changing = BTreeSet::new();
    each_found(
        db.collection::<Document>(PENDING)
            .find(doc! {"source": source}),
        &action,
        |document| {
            if let Ok(hour) = document.get_datetime("hour") {
                let hour = chrono_date(*hour);
                pending.hours.insert(hour);
                if document.get_bool(SUMMARIES_ONLY).unwrap_or(false) {
                    pending.summaries_only.insert(hour);
                } else {
                    records_changing.insert(hour);
                }
            }
        },
    )
    .await?;
    pending
        .summaries_only
        .retain(|hour| !records_changing.contains(hour));
    Ok(pending)
}

/// Notes `hours` as pending, for `why`, before any record or summary of them changes.
pub async fn note_pending(
    db: &Database,
    source: &str,
    hours: &BTreeSet<DateTime<Utc>>,
    why: Pending,
) -> Result<(), StoreError> {
    let notes: Vec<Document> = hours
        .iter()
        .map(|h| match why {
            Pending::RecordsChanging => doc! {"source": source, "hour": bson_date(*h)},
            Pending::SummariesOnly => {
                doc! {"source": source, "hour": bson_date(*h), SUMMARIES_ONLY: true}
            }
        })
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
