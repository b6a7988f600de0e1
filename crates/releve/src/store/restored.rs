//! A database gone back in time (restored from an older backup, its runs deleted): the raw
//! folder's files summarised into it since are deleted, so their records are lost unless
//! collected again, and nothing in the database itself tells. The summariser notes in the raw
//! folder the newest run the database held after each of its runs
//! (`raw/.summariser-newest-run`); a database holding none as new is said, and the stretch
//! lost kept in its `installation` document for `analyser status` and the reports:
//!
//! ```json
//! { "_id": "summariser", …, "lost_runs": [ { "after": ISODate("2026-11-29T00:00:00Z"),
//!   "until": ISODate("2026-12-06T01:00:00Z"), "noticed": ISODate("2026-12-06T02:05:00Z") } ] }
//! ```

use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::{Document, doc};

use super::{StoreError, bson_date, chrono_date, installation::INSTALLATION};

/// The field of the `installation` document listing the stretches lost.
const LOST_RUNS: &str = "lost_runs";

/// A stretch of runs (and the records of their files) a database lost.
#[derive(Debug, Clone, PartialEq)]
pub struct LostRuns {
    /// The newest run the database still held, if any: the stretch lost begins after it.
    pub after: Option<DateTime<Utc>>,
    /// The newest run the database held before: the stretch lost ends there.
    pub until: DateTime<Utc>,
    /// When the summariser noticed it.
    pub noticed: DateTime<Utc>,
}

impl LostRuns {
    /// The stretch lost when the raw folder noted `noted` as the newest run of the database,
    /// which holds `newest` now: `None` when it holds that run still, or when the run noted
    /// is past the runs' time to live (gone by the TTL, not lost).
    pub fn between(
        noted: Option<DateTime<Utc>>,
        newest: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<LostRuns> {
        let until = noted?;
        let kept = chrono::TimeDelta::from_std(super::RUNS_KEPT).unwrap_or(chrono::TimeDelta::MAX);
        // A day's margin for the TTL monitor, which deletes a minute or so late; a run noted
        // ahead of now is of a clock that ran ahead, not one lost.
        if until < now - kept + chrono::TimeDelta::days(1) || until > now {
            return None;
        }
        (newest.is_none_or(|newest| newest < until)).then_some(LostRuns {
            after: newest,
            until,
            noticed: now,
        })
    }

    /// Whether the stretch lost overlaps `start..end`.
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.after.is_none_or(|after| after < end) && start < self.until
    }

    /// What was lost, in words.
    pub fn fact(&self) -> String {
        let when = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
        let after = match self.after {
            Some(after) => format!("after {}", when(after)),
            None => "at all".to_owned(),
        };
        format!(
            "MongoDB holds no run {after}, though this raw folder's summariser stored runs up to {} in it (noticed {}): the database was restored from an older backup, or its runs deleted; the records of the files summarised in between are not in it, and those files were deleted once stored",
            when(self.until),
            when(self.noticed)
        )
    }

    fn document(&self) -> Document {
        doc! {
            "after": self.after.map(bson_date),
            "until": bson_date(self.until),
            "noticed": bson_date(self.noticed),
        }
    }

    fn from_document(document: &Document) -> Option<LostRuns> {
        Some(LostRuns {
            after: document
                .get_datetime("after")
                .ok()
                .copied()
                .map(chrono_date),
            until: chrono_date(*document.get_datetime("until").ok()?),
            noticed: chrono_date(*document.get_datetime("noticed").ok()?),
        })
    }
}

/// When the newest run `db` holds ended; `None` when it holds none.
pub async fn newest_run(db: &Database) -> Result<Option<DateTime<Utc>>, StoreError> {
    let found = db
        .collection::<Document>(super::RUNS)
        .find_one(doc! {})
        .sort(doc! {"finished": -1})
        .projection(doc! {"_id": 0, "finished": 1})
        .await
        .map_err(StoreError::command("reading the newest run stored"))?;
    Ok(found
        .as_ref()
        .and_then(|run| run.get_datetime("finished").ok())
        .map(|at| chrono_date(*at)))
}

/// The newest run the raw folder `raw_dir` noted of `database`; `None` when it noted none
/// (never, or of another database).
pub fn noted(raw_dir: &Path, database: &str) -> Option<DateTime<Utc>> {
    let text = std::fs::read_to_string(crate::rawfile::summariser_newest_run(raw_dir)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != database {
        return None;
    }
    DateTime::parse_from_rfc3339(lines.next()?.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// Notes `newest`, the newest run `database` holds, in the raw folder `raw_dir` (the note
/// removed when it holds none).
pub fn note(raw_dir: &Path, database: &str, newest: Option<DateTime<Utc>>) -> io::Result<()> {
    let path = crate::rawfile::summariser_newest_run(raw_dir);
    let Some(newest) = newest else {
        return match std::fs::remove_file(&path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        };
    };
    crate::rawfile::replace_file(
        &path,
        format!("{database}\n{}\n", newest.to_rfc3339()).as_bytes(),
    )
}

/// Keeps `lost` in `db`'s `installation` document, after those kept before. The list is
/// written whole (`$set`): nx-27017 stores a document given to `$push` as its JSON text.
pub async fn record(db: &Database, lost: &LostRuns) -> Result<(), StoreError> {
    let mut all = recorded(db).await?;
    all.push(lost.clone());
    let all: Vec<Document> = all.iter().map(LostRuns::document).collect();
    db.collection::<Document>(INSTALLATION)
        .update_one(doc! {"_id": "summariser"}, doc! {"$set": {LOST_RUNS: all}})
        .await
        .map_err(StoreError::command("keeping the stretch of runs lost"))?;
    Ok(())
}

/// The stretches of runs `db` lost, as its summariser noticed them, oldest first.
pub async fn recorded(db: &Database) -> Result<Vec<LostRuns>, StoreError> {
    let found = db
        .collection::<Document>(INSTALLATION)
        .find_one(doc! {"_id": "summariser"})
        .projection(doc! {"_id": 0, LOST_RUNS: 1})
        .await
        .map_err(StoreError::command("reading the stretches of runs lost"))?;
    Ok(found
        .as_ref()
        .and_then(|found| found.get_array(LOST_RUNS).ok())
        .into_iter()
        .flatten()
        .filter_map(|lost| lost.as_document().and_then(LostRuns::from_document))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::LostRuns;
    use chrono::{TimeDelta, Utc};

    #[test]
    fn runs_are_lost_when_the_database_holds_none_as_new_as_noted() {
        let now = Utc::now();
        let noted = now - TimeDelta::hours(1);
        let week_ago = now - TimeDelta::days(7);
        assert_eq!(LostRuns::between(Some(noted), Some(noted), now), None);
        assert_eq!(LostRuns::between(None, None, now), None);
        let lost = LostRuns::between(Some(noted), Some(week_ago), now).expect("lost");
        assert_eq!((lost.after, lost.until), (Some(week_ago), noted));
        assert!(LostRuns::between(Some(noted), None, now).is_some());
        // Noted before the runs' time to live: gone by the TTL.
        assert_eq!(
            LostRuns::between(Some(now - TimeDelta::days(95)), None, now),
            None
        );
        // Noted ahead of now, by a clock that ran ahead, since set right.
        assert_eq!(
            LostRuns::between(Some(now + TimeDelta::days(30)), Some(noted), now),
            None
        );
        assert!(lost.overlaps(now - TimeDelta::days(3), now - TimeDelta::days(2)));
        assert!(!lost.overlaps(now - TimeDelta::days(9), now - TimeDelta::days(8)));
    }
}
