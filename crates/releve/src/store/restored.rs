//! A database gone back in time (restored from an older backup, its runs deleted): the raw
//! folder's files summarised into it since are deleted, so their records are lost unless
//! collected again, and nothing in the database itself tells. The summariser notes in the raw
//! folder the oldest and newest run of each configured source the database held after each of
//! its runs (`raw/.summariser-newest-run`); a database holding none as new of a source is
//! said, and the stretch lost kept in its `installation` document for `analyser status` and
//! the reports:
//!
//! ```json
//! { "_id": "summariser", …, "lost_runs": [ {
//!   "sources": [ { "source": "quakes", "after": ISODate("2026-11-29T00:00:00Z"), "from": null,
//!                  "until": ISODate("2026-12-06T01:00:00Z") } ],
//!   "until": ISODate("2026-12-06T01:00:00Z"), "seen": ISODate("2026-12-06T01:05:00Z"),
//!   "noticed": ISODate("2026-12-06T02:05:00Z") } ] }
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::TryStreamExt;
use futures_util::future::try_join_all;
use mongodb::Database;
use mongodb::bson::{Document, doc};

use super::{StoreError, bson_date, chrono_date, installation::INSTALLATION};

/// The field of the `installation` document listing the stretches lost.
const LOST_RUNS: &str = "lost_runs";

/// The newest run of each source, by name.
pub type NewestRuns = BTreeMap<String, DateTime<Utc>>;

/// A source whose runs a database lost.
#[derive(Debug, Clone, PartialEq)]
pub struct LostSource {
    /// Its name.
    pub name: String,
    /// The newest of its runs the database still held, if any: its runs lost began after it.
    pub after: Option<DateTime<Utc>>,
    /// With none held, the oldest run the raw folder noted of it, if it noted one: its runs
    /// lost began there (else as far back as runs are kept).
    pub from: Option<DateTime<Utc>>,
    /// The newest of its runs the database held before: its runs lost end there.
    pub until: DateTime<Utc>,
}

/// The runs (and the records of their files) a database lost, of one or more sources.
#[derive(Debug, Clone, PartialEq)]
pub struct LostRuns {
    /// The sources whose runs were lost.
    pub sources: Vec<LostSource>,
    /// The newest of their runs the database held before: the last of the stretches lost
    /// ends there.
    pub until: DateTime<Utc>,
    /// When the database was last seen holding them (the summariser's run that noted them).
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
    pub fn between(noted: &Noted, held: &RunSpans, now: DateTime<Utc>) -> Option<LostRuns> {
        // A day's margin for the TTL monitor, which deletes a minute or so late.
        let kept_from = now - runs_kept() + TimeDelta::days(1);
        let lost: Vec<(LostSource, DateTime<Utc>)> = noted
            .runs
            .iter()
            .filter(|(_, span)| (kept_from..=now).contains(&span.newest))
            .map(|(name, span)| (name, span, held.get(name).map(|held| held.newest)))
            .filter(|(_, span, after)| after.is_none_or(|after| after < span.newest))
            .map(|(name, span, after)| {
                let from = span.oldest.filter(|_| after.is_none());
                let name = name.clone();
                let until = span.newest;
                (
                    LostSource {
                        name,
                        after,
                        from,
                        until,
                    },
                    until,
                )
            })
            .collect();
        let until = lost.iter().map(|(_, until)| *until).max()?;
        Some(LostRuns {
            sources: lost.into_iter().map(|(source, _)| source).collect(),
            until,
            seen: noted.at,
            noticed: now,
        })
    }

    /// The sources whose runs lost overlap `start..end`: from each one's `after`, or, when it
    /// kept no run at all, from its oldest run noted, else as long before `until` as runs are
    /// kept.
    pub fn overlapping(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<&LostSource> {
        self.sources
            .iter()
            .filter(|source| {
                let after = source
                    .after
                    .or(source.from)
                    .unwrap_or(self.until - runs_kept());
                // A stretch ending at the period's start ends with a run of the period.
                after < end && start <= source.until
            })
            .collect()
    }

    /// Whether the runs lost overlap `start..end`.
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        !self.overlapping(start, end).is_empty()
    }

    /// What was lost, in words.
    pub fn fact(&self) -> String {
        self.fact_of(&self.sources.iter().collect::<Vec<_>>())
    }

    /// What was lost of `sources` (some of [`LostRuns::sources`]), in words.
    pub fn fact_of(&self, sources: &[&LostSource]) -> String {
        let when = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
        let of: Vec<String> = sources
            .iter()
            .map(|source| {
                let after = match source.after {
                    Some(after) => format!("after {}", when(after)),
                    None => "at all".to_owned(),
                };
                format!(
                    "of `{}` {after} (stored up to {})",
                    source.name,
                    when(source.until)
                )
            })
            .collect();
        format!(
            "MongoDB holds no run {}, though this raw folder's summariser stored them in it (noticed {}): the database was restored from an older backup, or those runs deleted; the records of the files summarised in between are not in it, and those files were deleted once stored",
            of.join(", "),
            when(self.noticed)
        )
    }

    fn document(&self) -> Document {
        let sources: Vec<Document> = self
            .sources
            .iter()
            .map(|source| {
                doc! {
                    "source": &source.name,
                    "after": source.after.map(bson_date),
                    "from": source.from.map(bson_date),
                    "until": bson_date(source.until),
                }
            })
            .collect();
        doc! {
            "sources": sources,
            "until": bson_date(self.until),
            "seen": self.seen.map(bson_date),
            "noticed": bson_date(self.noticed),
        }
    }

    fn from_document(document: &Document) -> Option<LostRuns> {
        let until = chrono_date(*document.get_datetime("until").ok()?);
        let sources = document
            .get_array("sources")
            .ok()?
            .iter()
            .filter_map(|source| {
                let source = source.as_document()?;
                Some(LostSource {
                    name: source.get_str("source").ok()?.to_owned(),
                    after: source.get_datetime("after").ok().copied().map(chrono_date),
                    from: source.get_datetime("from").ok().copied().map(chrono_date),
                    until: source
                        .get_datetime("until")
                        .ok()
                        .copied()
                        .map_or(until, chrono_date),
                })
            })
            .collect();
        Some(LostRuns {
            sources,
            until,
            seen: document.get_datetime("seen").ok().copied().map(chrono_date),
            noticed: chrono_date(*document.get_datetime("noticed").ok()?),
        })
    }
}

/// The oldest and newest run of a source the database holds (when each started).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSpan {
    /// The oldest, when known.
    pub oldest: Option<DateTime<Utc>>,
    /// The newest.
    pub newest: DateTime<Utc>,
}

/// The runs of each source, by name.
pub type RunSpans = BTreeMap<String, RunSpan>;

/// When the first run of `source` that `db` holds started, oldest or newest as `order` (1 or
/// -1) sorts, read on `runs`' `(source, started)` index.
async fn run_at(
    db: &Database,
    source: &str,
    order: i32,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let found = db
        .collection::<Document>(super::RUNS)
        .find_one(doc! {"source": source})
        .sort(doc! {"source": order, "started": order})
        .projection(doc! {"_id": 0, "started": 1})
        .await
        .map_err(StoreError::command("reading the runs stored"))?;
    Ok(found
        .as_ref()
        .and_then(|run| run.get_datetime("started").ok())
        .map(|at| chrono_date(*at)))
}

/// When the newest run of each of `sources` that `db` holds started (a source holding none
/// left out). The sources are read at once, each on its own connection of the driver's pool:
/// on a server far away the reads cost the round trips of one, not one per source.
pub async fn newest_runs(db: &Database, sources: &[&str]) -> Result<NewestRuns, StoreError> {
    let newest = try_join_all(sources.iter().map(|source| async move {
        let newest = run_at(db, source, -1).await?;
        Ok::<_, StoreError>(newest.map(|at| ((*source).to_owned(), at)))
    }))
    .await?;
    Ok(newest.into_iter().flatten().collect())
}

/// Whether `db` holds a run started at `started` under a name other than `source`, its file
/// one of `source`'s (or none, a failed run): a run of `source` given its new name by hand
/// (its history carried over to a renamed source), not one lost. A database restored from an
/// older backup holds no run of that instant at all.
pub async fn run_renamed(
    db: &Database,
    source: &str,
    started: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let runs: Vec<Document> = db
        .collection::<Document>(super::RUNS)
        .find(doc! {"source": {"$ne": source}, "started": bson_date(started)})
        .projection(doc! {"_id": 0, "file": 1})
        .await
        .map_err(StoreError::command("reading the runs stored"))?
        .try_collect()
        .await
        .map_err(StoreError::command("reading the runs stored"))?;
    // Read as the raw folder names files (a source name holds no `_`, so the name before the
    // stamp is the source's whole name).
    Ok(runs.iter().any(|run| match run.get("file") {
        Some(mongodb::bson::Bson::String(file)) => {
            crate::rawfile::RawFileName::parse(file).is_some_and(|landed| landed.source == source)
        }
        _ => true,
    }))
}

/// The oldest and newest run of each of `sources` that `db` holds (a source holding none left
/// out), the sources read at once (see [`newest_runs`]).
pub async fn run_spans(db: &Database, sources: &[&str]) -> Result<RunSpans, StoreError> {
    let spans = try_join_all(sources.iter().map(|source| async move {
        let Some(newest) = run_at(db, source, -1).await? else {
            return Ok::<_, StoreError>(None);
        };
        let oldest = run_at(db, source, 1).await?;
        Ok(Some(((*source).to_owned(), RunSpan { oldest, newest })))
    }))
    .await?;
    Ok(spans.into_iter().flatten().collect())
}

/// Widens the span of `source` in `spans` to runs started from `oldest` to `newest`, which
/// the database acknowledged since `spans` was read (an oldest not known stays so).
pub fn widen(spans: &mut RunSpans, source: &str, (oldest, newest): (DateTime<Utc>, DateTime<Utc>)) {
    let span = spans.entry(source.to_owned()).or_insert(RunSpan {
        oldest: Some(oldest),
        newest,
    });
    span.oldest = span.oldest.map(|held| held.min(oldest));
    span.newest = span.newest.max(newest);
}

/// What the raw folder noted of a database: the runs of each source it held, and when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Noted {
    /// When it was noted.
    pub at: Option<DateTime<Utc>>,
    /// The oldest and newest run of each source.
    pub runs: RunSpans,
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
                // `source oldest newest`.
                let mut words = line.split(' ');
                let source = words.next()?;
                let oldest = time(words.next()?);
                let newest = time(words.next()?)?;
                Some((source.to_owned(), RunSpan { oldest, newest }))
            })
            .collect(),
    }
}

/// Notes `runs`, the oldest and newest run of each source `database` holds, in the raw folder
/// `raw_dir`, at `now` (the note removed when it holds none).
pub fn note(raw_dir: &Path, database: &str, runs: &RunSpans, now: DateTime<Utc>) -> io::Result<()> {
    let path = crate::rawfile::summariser_newest_run(raw_dir);
    if runs.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        };
    }
    let mut text = format!("{database}\n{}\n", now.to_rfc3339());
    for (source, span) in runs {
        let oldest = span.oldest.map_or("-".to_owned(), |at| at.to_rfc3339());
        text.push_str(&format!("{source} {oldest} {}\n", span.newest.to_rfc3339()));
    }
    crate::rawfile::replace_file(&path, text.as_bytes())
}

/// Notes in the raw folder `raw_dir`, when its note names `database`, that `db` has
/// acknowledged runs of `source` from `oldest` to `newest`: the note is otherwise rewritten once
/// a run ends, and a server dying during the run (then restored from a backup) would be
/// compared with the runs of the run before. A source the note did not name yet is noted from
/// `oldest`, its first runs. Nothing is noted when the note names no database or another.
pub fn advance(
    raw_dir: &Path,
    database: &str,
    source: &str,
    (oldest, newest): (DateTime<Utc>, DateTime<Utc>),
) -> io::Result<()> {
    let noted = noted(raw_dir, database);
    let Some(at) = noted.at else {
        return Ok(());
    };
    let mut runs = noted.runs;
    match runs.get_mut(source) {
        Some(span) if span.newest >= newest => return Ok(()),
        Some(span) => span.newest = newest,
        None => {
            let span = RunSpan {
                oldest: Some(oldest),
                newest,
            };
            runs.insert(source.to_owned(), span);
        }
    }
    note(raw_dir, database, &runs, at)
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
    use super::{LostRuns, LostSource, Noted, RunSpan, RunSpans};
    use chrono::{DateTime, TimeDelta, Utc};

    fn runs(of: &[(&str, DateTime<Utc>, DateTime<Utc>)]) -> RunSpans {
        of.iter()
            .map(|(name, oldest, newest)| {
                let span = RunSpan {
                    oldest: Some(*oldest),
                    newest: *newest,
                };
                ((*name).to_owned(), span)
            })
            .collect()
    }

    fn noted(of: &[(&str, DateTime<Utc>, DateTime<Utc>)]) -> Noted {
        Noted {
            at: of.iter().map(|(_, _, at)| *at).max(),
            runs: runs(of),
        }
    }

    #[test]
    fn runs_are_lost_when_the_database_holds_none_of_a_source_as_new_as_noted() {
        let now = Utc::now();
        let noted_run = now - TimeDelta::hours(1);
        let week_ago = now - TimeDelta::days(7);
        let month_ago = now - TimeDelta::days(30);
        let three_days_ago = now - TimeDelta::days(3);
        let both = noted(&[
            ("quakes", month_ago, noted_run),
            ("tremors", three_days_ago, noted_run),
        ]);
        assert_eq!(LostRuns::between(&both, &both.runs, now), None);
        assert_eq!(
            LostRuns::between(&Noted::default(), &RunSpans::new(), now),
            None
        );
        let held = runs(&[
            ("quakes", month_ago, week_ago),
            ("tremors", three_days_ago, noted_run),
        ]);
        let lost = LostRuns::between(&both, &held, now).expect("lost");
        assert_eq!(
            (lost.sources.clone(), lost.until, lost.seen),
            (
                vec![LostSource {
                    name: "quakes".to_owned(),
                    after: Some(week_ago),
                    from: None,
                    until: noted_run,
                }],
                noted_run,
                Some(noted_run)
            )
        );
        assert!(lost.overlaps(now - TimeDelta::days(3), now - TimeDelta::days(2)));
        assert!(!lost.overlaps(now - TimeDelta::days(9), now - TimeDelta::days(8)));
        // A source added after the backup holds no run at all: lost from its oldest run
        // noted; the other from its own newest run held.
        let restored = runs(&[("quakes", month_ago, week_ago)]);
        let lost = LostRuns::between(&both, &restored, now).expect("lost");
        let names = |sources: Vec<&LostSource>| -> Vec<String> {
            sources.iter().map(|source| source.name.clone()).collect()
        };
        assert!(
            lost.overlapping(now - TimeDelta::days(20), now - TimeDelta::days(19))
                .is_empty()
        );
        assert_eq!(
            names(lost.overlapping(now - TimeDelta::days(5), now - TimeDelta::days(4))),
            ["quakes"]
        );
        assert_eq!(
            names(lost.overlapping(now - TimeDelta::days(2), now - TimeDelta::days(1))),
            ["quakes", "tremors"]
        );
        assert!(lost.fact().contains("of `quakes` after"), "{}", lost.fact());
        assert!(
            lost.fact().contains("of `tremors` at all (stored up to"),
            "{}",
            lost.fact()
        );
        // A source stopped two days ago: its stretch ends at its own newest run.
        let stopped = noted(&[
            ("quakes", month_ago, noted_run),
            ("meteo", month_ago, now - TimeDelta::days(2)),
        ]);
        let lost = LostRuns::between(
            &stopped,
            &runs(&[
                ("quakes", month_ago, week_ago),
                ("meteo", month_ago, week_ago),
            ]),
            now,
        )
        .expect("lost");
        assert_eq!(
            names(lost.overlapping(now - TimeDelta::days(1), now)),
            ["quakes"]
        );
        // A source not noted (removed from the configuration) is not looked for.
        let one = noted(&[("tremors", three_days_ago, noted_run)]);
        assert_eq!(LostRuns::between(&one, &one.runs, now), None);
        // Noted before the runs' time to live: gone by the TTL.
        let long_ago = noted(&[("quakes", month_ago, now - TimeDelta::days(95))]);
        assert_eq!(LostRuns::between(&long_ago, &RunSpans::new(), now), None);
        // Noted ahead of now, by a clock that ran ahead, since set right.
        let ahead = noted(&[("quakes", month_ago, now + TimeDelta::days(30))]);
        assert_eq!(LostRuns::between(&ahead, &held, now), None);
    }
}
