//! A database gone back in time (restored from an older backup, its runs deleted): the raw
//! folder's files summarised into it since are deleted, so their records are lost unless
//! collected again, and nothing in the database itself tells. The summariser notes in the raw
//! folder the newest run of each configured source the database held after each of its runs
//! (`raw/.summariser-newest-run`); a database holding none as new of a source is said, and
//! the stretch lost kept in its `installation` document for `analyser status` and the
//! reports:
//!
//! ```json
//! { "_id": "summariser", …, "lost_runs": [ { "sources": ["quakes"],
//!   "after": ISODate("2026-11-29T00:00:00Z"), "until": ISODate("2026-12-06T01:00:00Z"),
//!   "noticed": ISODate("2026-12-06T02:05:00Z") } ] }
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use mongodb::Database;
use mongodb::bson::{Document, doc};

use super::{StoreError, bson_date, chrono_date, installation::INSTALLATION};

/// The field of the `installation` document listing the stretches lost.
const LOST_RUNS: &str = "lost_runs";

/// The newest run of each source, by name.
pub type NewestRuns = BTreeMap<String, DateTime<Utc>>;

/// A stretch of runs (and the records of their files) a database lost.
#[derive(Debug, Clone, PartialEq)]
pub struct LostRuns {
    /// The sources whose runs were lost.
    pub sources: Vec<String>,
    /// The oldest of their newest runs the database still held, if each held one: the
    /// stretch lost begins after it.
    pub after: Option<DateTime<Utc>>,
    /// The newest of their runs the database held before: the stretch lost ends there.
    pub until: DateTime<Utc>,
    /// When the database was last seen holding them (the summariser's run that noted them):
    /// a report written until then was written from it whole.
    pub seen: Option<DateTime<Utc>>,
    /// When the summariser noticed it.
    pub noticed: DateTime<Utc>,
}

/// How long runs are kept (their TTL): a run noted longer ago may be gone by it.
fn runs_kept() -> TimeDelta {
    TimeDelta::from_std(super::RUNS_KEPT).unwrap_or(TimeDelta::MAX)
}

impl LostRuns {
    /// The runs lost when the raw folder noted `noted` as the newest run of each source, of
    /// which the database holds `newest` now: `None` when it holds each still. A run noted
    /// past the runs' time to live (gone by the TTL, not lost) or ahead of now (a clock that
    /// ran ahead, since set right) is not counted.
    pub fn between(noted: &Noted, newest: &NewestRuns, now: DateTime<Utc>) -> Option<LostRuns> {
        // A day's margin for the TTL monitor, which deletes a minute or so late.
        let kept_from = now - runs_kept() + TimeDelta::days(1);
        // Each source lost: its name, its newest run noted, its newest run held now.
        let lost: Vec<_> = noted
            .runs
            .iter()
            .filter(|(_, until)| (kept_from..=now).contains(*until))
            .map(|(source, until)| (source, *until, newest.get(source).copied()))
            .filter(|(_, until, held)| held.is_none_or(|held| held < *until))
            .collect();
        let until = lost.iter().map(|(_, until, _)| *until).max()?;
        let after = lost
            .iter()
            .map(|(_, _, held)| *held)
            .collect::<Option<Vec<_>>>()
            .and_then(|held| held.into_iter().min());
        Some(LostRuns {
            sources: lost
                .iter()
                .map(|(source, _, _)| (*source).clone())
                .collect(),
            after,
            until,
            seen: noted.at,
            noticed: now,
        })
    }

    /// Whether the stretch lost overlaps `start..end`: from `after`, or, when a source kept
    /// no run at all, from as long before `until` as runs are kept.
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let after = self.after.unwrap_or(self.until - runs_kept());
        after < end && start < self.until
    }

    /// What was lost, in words.
    pub fn fact(&self) -> String {
        let when = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
        let sources: Vec<String> = self
            .sources
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        let after = match self.after {
            Some(after) => format!("after {}", when(after)),
            None => "at all".to_owned(),
        };
        format!(
            "MongoDB holds no run of {} {after}, though this raw folder's summariser stored runs of it up to {} in it (noticed {}): the database was restored from an older backup, or those runs deleted; the records of the files summarised in between are not in it, and those files were deleted once stored",
            sources.join(", "),
            when(self.until),
            when(self.noticed)
        )
    }

    fn document(&self) -> Document {
        doc! {
            "sources": &self.sources,
            "after": self.after.map(bson_date),
            "until": bson_date(self.until),
            "seen": self.seen.map(bson_date),
            "noticed": bson_date(self.noticed),
        }
    }

    fn from_document(document: &Document) -> Option<LostRuns> {
        let sources = document
            .get_array("sources")
            .map(|names| {
                names
                    .iter()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Some(LostRuns {
            sources,
            after: document
                .get_datetime("after")
                .ok()
                .copied()
                .map(chrono_date),
            until: chrono_date(*document.get_datetime("until").ok()?),
            seen: document.get_datetime("seen").ok().copied().map(chrono_date),
            noticed: chrono_date(*document.get_datetime("noticed").ok()?),
        })
    }
}

/// When the newest run of each of `sources` that `db` holds started (a source holding none
/// left out), each read on `runs`' `(source, started)` index.
pub async fn newest_runs(db: &Database, sources: &[&str]) -> Result<NewestRuns, StoreError> {
    let mut newest = NewestRuns::new();
    for source in sources {
        let found = db
            .collection::<Document>(super::RUNS)
            .find_one(doc! {"source": *source})
            .sort(doc! {"source": -1, "started": -1})
            .projection(doc! {"_id": 0, "started": 1})
            .await
            .map_err(StoreError::command("reading the newest run stored"))?;
        if let Some(started) = found
            .as_ref()
            .and_then(|run| run.get_datetime("started").ok())
        {
            newest.insert((*source).to_owned(), chrono_date(*started));
        }
    }
    Ok(newest)
}

/// What the raw folder noted of a database: the newest run of each source it held, and when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Noted {
    /// When it was noted.
    pub at: Option<DateTime<Utc>>,
    /// The newest run of each source.
    pub runs: NewestRuns,
}

/// What the raw folder `raw_dir` noted of `database`; nothing when it noted none (never, or
/// of another database).
pub fn noted(raw_dir: &Path, database: &str) -> Noted {
    let Ok(text) = std::fs::read_to_string(crate::rawfile::summariser_newest_run(raw_dir)) else {
        return Noted::default();
    };
    let mut lines = text.lines();
    if lines.next() != Some(database) {
        return Noted::default();
    }
    let time = |text: &str| {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|at| at.with_timezone(&Utc))
    };
    Noted {
        at: lines.next().and_then(time),
        runs: lines
            .filter_map(|line| {
                let (source, at) = line.split_once(' ')?;
                Some((source.to_owned(), time(at)?))
            })
            .collect(),
    }
}

/// Notes `newest`, the newest run of each source `database` holds, in the raw folder
/// `raw_dir`, at `now` (the note removed when it holds none).
pub fn note(
    raw_dir: &Path,
    database: &str,
    newest: &NewestRuns,
    now: DateTime<Utc>,
) -> io::Result<()> {
    let path = crate::rawfile::summariser_newest_run(raw_dir);
    if newest.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        };
    }
    let mut text = format!("{database}\n{}\n", now.to_rfc3339());
    for (source, at) in newest {
        text.push_str(&format!("{source} {}\n", at.to_rfc3339()));
    }
    crate::rawfile::replace_file(&path, text.as_bytes())
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
    use super::{LostRuns, NewestRuns, Noted};
    use chrono::{TimeDelta, Utc};

    fn runs(of: &[(&str, chrono::DateTime<Utc>)]) -> NewestRuns {
        of.iter()
            .map(|(name, at)| ((*name).to_owned(), *at))
            .collect()
    }

    fn noted(of: &[(&str, chrono::DateTime<Utc>)]) -> Noted {
        Noted {
            at: of.iter().map(|(_, at)| *at).max(),
            runs: runs(of),
        }
    }

    #[test]
    fn runs_are_lost_when_the_database_holds_none_of_a_source_as_new_as_noted() {
        let now = Utc::now();
        let noted_run = now - TimeDelta::hours(1);
        let week_ago = now - TimeDelta::days(7);
        let both = noted(&[("quakes", noted_run), ("meteo", noted_run)]);
        assert_eq!(LostRuns::between(&both, &both.runs, now), None);
        assert_eq!(
            LostRuns::between(&Noted::default(), &NewestRuns::new(), now),
            None
        );
        let held = runs(&[("quakes", week_ago), ("meteo", noted_run)]);
        let lost = LostRuns::between(&both, &held, now).expect("lost");
        assert_eq!(
            (lost.sources.clone(), lost.after, lost.until, lost.seen),
            (
                vec!["quakes".to_owned()],
                Some(week_ago),
                noted_run,
                Some(noted_run)
            )
        );
        assert!(lost.overlaps(now - TimeDelta::days(3), now - TimeDelta::days(2)));
        assert!(!lost.overlaps(now - TimeDelta::days(9), now - TimeDelta::days(8)));
        // A source holding no run at all: lost as far back as runs are kept.
        let none = LostRuns::between(&both, &runs(&[("meteo", noted_run)]), now).expect("lost");
        assert_eq!(none.after, None);
        assert!(none.overlaps(now - TimeDelta::days(60), now - TimeDelta::days(59)));
        assert!(!none.overlaps(now - TimeDelta::days(120), now - TimeDelta::days(119)));
        // A source not noted (removed from the configuration) is not looked for.
        let meteo = noted(&[("meteo", noted_run)]);
        assert_eq!(LostRuns::between(&meteo, &meteo.runs, now), None);
        // Noted before the runs' time to live: gone by the TTL.
        let long_ago = noted(&[("quakes", now - TimeDelta::days(95))]);
        assert_eq!(LostRuns::between(&long_ago, &NewestRuns::new(), now), None);
        // Noted ahead of now, by a clock that ran ahead, since set right.
        let ahead = noted(&[("quakes", now + TimeDelta::days(30))]);
        assert_eq!(
            LostRuns::between(&ahead, &runs(&[("quakes", noted_run)]), now),
            None
        );
    }
}
