//! Writing recomputed hourly summaries: the hours `hourly` holds no summary of are inserted
//! (`insert_many`), the others replaced in place. nx-27017 answers each replacement with a scan
//! of `hourly`, so a year of new hours sent as upserts took minutes; inserted, seconds.

use releve::store::HourlySummary;

use super::records::{refused_documents, run_updates};
use super::*;

/// Encoded statements per `update` command of replacements, at most: MongoDB refuses a command
/// past 16 MB (and 16 KB for its own fields), which 500 hours of many long category values pass.
const UPDATE_BYTES: usize = 15 * 1024 * 1024;

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

/// Replaces the stored summaries of the hours of `summaries` (`update` commands of upserts of
/// at most [`UPDATE_BYTES`], each atomic on its document).
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
    for command in by_size(updates, UPDATE_BYTES) {
        run_updates(db, HOURLY, command, &action).await?;
    }
    Ok(())
}

/// `statements` in order, parted into commands of at most `limit` encoded bytes each (a
/// statement past it alone in its own).
fn by_size(statements: Vec<Document>, limit: usize) -> Vec<Vec<Document>> {
    let (mut commands, mut command, mut bytes) = (Vec::new(), Vec::new(), 0_usize);
    for statement in statements {
        let size = bson::to_vec(&statement).map_or(usize::MAX, |encoded| encoded.len());
        if !command.is_empty() && bytes.saturating_add(size) > limit {
            commands.push(std::mem::take(&mut command));
            bytes = 0;
        }
        bytes = bytes.saturating_add(size);
        command.push(statement);
    }
    if !command.is_empty() {
        commands.push(command);
    }
    commands
}

fn encoded(source: &str, summary: &HourlySummary) -> Result<Document, StoreError> {
    bson::to_document(summary).map_err(|err| StoreError::Command {
        action: format!("encoding `{source}` hourly summaries"),
        cause: err.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `update` statement of about `kb` kilobytes, numbered `n`.
    fn statement(n: i32, kb: usize) -> Document {
        doc! {"q": {"n": n}, "u": {"n": n, "values": "v".repeat(kb * 1024)}, "upsert": true}
    }

    /// 500 hours of 40 KB (20 long values in each of ten category fields) are 20 MB: one
    /// `update` command, refused by MongoDB past 16 MB, stopped every run of the source.
    #[test]
    fn replacements_are_sent_in_commands_mongodb_takes() {
        let statements: Vec<Document> = (0..500).map(|n| statement(n, 40)).collect();
        let commands = by_size(statements.clone(), UPDATE_BYTES);
        assert!(
            commands.len() > 1,
            "500 hours of 40 KB take more than one command"
        );
        for command in &commands {
            let body = doc! {"update": "hourly", "updates": command.clone(), "ordered": false};
            let size = bson::to_vec(&body).map_or(usize::MAX, |encoded| encoded.len());
            assert!(size <= 16 * 1024 * 1024, "a command of {size} bytes");
        }
        assert_eq!(
            commands.concat(),
            statements,
            "every hour sent once, in order"
        );
    }

    #[test]
    fn a_statement_past_the_limit_goes_alone() {
        let statements = vec![statement(1, 1), statement(2, 8), statement(3, 1)];
        let commands = by_size(statements, 4 * 1024);
        let sizes: Vec<usize> = commands.iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, 1, 1]);
    }
}
