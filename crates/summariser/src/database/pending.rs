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
#[derive(Debug, Default, Clone)]
pub struct PendingHours {
    /// Every hour noted.
    pub hours: BTreeSet<DateTime<Utc>>,
    /// Those only [`Pending::SummariesOnly`] noted.
    pub summaries_only: BTreeSet<DateTime<Utc>>,
}

/// Hours a crashed run noted but did not finish recomputing, of every source (one read for
/// all: the note is empty after a finished run).
pub async fn pending_hours(db: &Database) -> Result<BTreeMap<String, PendingHours>, StoreError> {
    let mut pending: BTreeMap<String, PendingHours> = BTreeMap::new();
    let mut records_changing: BTreeMap<String, BTreeSet<DateTime<Utc>>> = BTreeMap::new();
    each_found(
        db.collection::<Document>(PENDING).find(doc! {}),
        "reading pending hours",
        |document| {
            let (Ok(source), Ok(hour)) =
                (document.get_str("source"), document.get_datetime("hour"))
            else {
                return;
            };
            let hour = chrono_date(*hour);
            let of_source = pending.entry(source.to_owned()).or_default();
            of_source.hours.insert(hour);
            if document.get_bool(SUMMARIES_ONLY).unwrap_or(false) {
                of_source.summaries_only.insert(hour);
            } else {
                records_changing
                    .entry(source.to_owned())
                    .or_default()
                    .insert(hour);
            }
        },
    )
    .await?;
    for (source, of_source) in &mut pending {
        if let Some(changing) = records_changing.get(source) {
            of_source
                .summaries_only
                .retain(|hour| !changing.contains(hour));
        }
    }
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
