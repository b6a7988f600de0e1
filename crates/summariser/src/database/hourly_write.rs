//! Writing recomputed hourly summaries: the hours `hourly` holds no summary of are inserted
//! (`insert_many`), the others replaced in place. nx-27017 answers each replacement with a scan
//! of `hourly`, so a year of new hours sent as upserts took minutes; inserted, seconds.

use releve::store::HourlySummary;

use super::records::{refused_documents, run_updates};
use super::*;

/// Writes `summaries` of `source`, `stored` being the hours `hourly` held a summary of when
/// they were read: the others are inserted, these replaced.
pub(super) async fn write_summaries(
    db: &Database,
    source: &str,
    summaries: &[&HourlySummary],
    stored: &BTreeSet<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let (replaced, new): (Vec<&HourlySummary>, Vec<&HourlySummary>) = summaries
        .iter()
        .partition(|summary| stored.contains(&chrono_date(summary.hour)));
    for chunk in new.chunks(UPDATES_PER_COMMAND) {
        let stored_meanwhile = insert(db, source, chunk).await?;
        // Stored since they were read (another summariser on the same database): replaced.
        replace(db, source, &stored_meanwhile).await?;
        crash::passed("hourly-replaced");
    }
    for chunk in replaced.chunks(UPDATES_PER_COMMAND) {
        replace(db, source, chunk).await?;
        crash::passed("hourly-replaced");
    }
    Ok(())
}

/// Inserts `summaries`, unordered; returns those refused as duplicates of stored hours.
async fn insert<'a>(
    db: &Database,
    source: &str,
    summaries: &[&'a HourlySummary],
) -> Result<Vec<&'a HourlySummary>, StoreError> {
    let documents = summaries
        .iter()
        .map(|summary| encoded(source, summary))
        .collect::<Result<Vec<_>, _>>()?;
    let action = format!("insertion of `{source}` hourly summaries");
    let err = match db
        .collection::<Document>(HOURLY)
        .insert_many(documents)
        .with_options(InsertManyOptions::builder().ordered(false).build())
        .await
    {
        Ok(_) => return Ok(Vec::new()),
        Err(err) => err,
    };
    let Some(refused) = refused_documents(&err) else {
        return Err(StoreError::command(&action)(err));
    };
    match refused.iter().find(|(_, code, _)| *code != DUPLICATE_KEY) {
        Some((_, _, reason)) => {
            let said = [("a document".to_owned(), reason.as_str())];
            if let Some(refusal) = foreign_index::refusal(db, HOURLY, &action, &said).await? {
                return Err(refusal);
            }
            Err(StoreError::Refused {
                action,
                reason: reason.clone(),
            })
        }
        None => Ok(refused
            .iter()
            .filter_map(|(index, _, _)| summaries.get(*index).copied())
            .collect()),
    }
}

/// Replaces the stored summaries of the hours of `summaries` (an `update` command of upserts,
/// each atomic on its document).
async fn replace(
    db: &Database,
    source: &str,
    summaries: &[&HourlySummary],
) -> Result<(), StoreError> {
    if summaries.is_empty() {
        return Ok(());
    }
    let mut updates = Vec::with_capacity(summaries.len());
    for summary in summaries {
        updates.push(doc! {
            "q": {"source": source, "hour": summary.hour},
            "u": encoded(source, summary)?,
            "upsert": true,
        });
    }
    let action = format!("update of `{source}` hourly summaries");
    run_updates(db, HOURLY, updates, &action).await
}

fn encoded(source: &str, summary: &HourlySummary) -> Result<Document, StoreError> {
    bson::to_document(summary).map_err(|err| StoreError::Command {
        action: format!("encoding `{source}` hourly summaries"),
        cause: err.into(),
    })
}
