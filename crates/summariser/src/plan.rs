//! Deciding a batch's writes: which records are new, which changed, which hours they touch —
//! and which of those hours need not be read back from `records` because every record they
//! will hold is already in hand.
//!
//! An hour is in hand when the records MongoDB holds for it are exactly the stored versions the
//! key lookup returned. Its summary is then folded from the batch's versions and those stored
//! versions, without reading the hour's records back (a France Travail day is 120 MB of
//! records). Any other hour is recomputed from `records`, as is every hour a crashed run left
//! pending; an hour a run reads back (an earlier batch did not hold all of its records) is
//! read back once, at the end of the run, even when a later batch holds all of them.
//!
//! A source with `keep_days` keeps the summaries of hours past its retention as they are: a
//! version of such an hour is not written (the TTL would drop it, and the hour would be
//! recomputed from the few records left). A stored record of a recent hour whose newer version
//! lies in such an hour has moved out of its hour: it is removed, and that hour recomputed.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use chrono::{DateTime, TimeDelta, Utc};
use mongodb::Database;
use releve::Source;
use releve::rawfile::LandingOrder;
use releve::recency::Recency;
use releve::store::StoreError;
use serde_json::Value;

use crate::batch::{Batch, Version, same_json};
use crate::summary::{Facts, hour_of};

mod lookups;

use lookups::{Stored, StoredVersion, count_per_hour, stored_versions};

/// One record as an hour's summary sees it: its key and what it contributes.
pub type HourRecord = (String, Facts);

/// The writes a batch needs.
#[derive(Debug, Default)]
pub struct Plan {
    /// Keys of new records (documents are built chunk by chunk when written, so memory holds
    /// one chunk of BSON at a time).
    pub inserts: Vec<String>,
    /// Keys of records whose stored version is older and different.
    pub updates: Vec<String>,
    /// Records whose stored version later files repeated, one of them landed after a file of
    /// the source waiting in quarantine: the key and the file their `last_file` moves to.
    pub confirmations: Vec<(String, usize)>,
    /// Hours whose summary changes.
    pub hours: BTreeSet<DateTime<Utc>>,
    /// Hours (among `hours`) whose records, once written, are all known here.
    pub in_hand: BTreeMap<DateTime<Utc>, Vec<HourRecord>>,
    /// Versions of hours past the source's `keep_days`, not written: MongoDB's TTL is removing
    /// those hours' records, so their summaries stay as they were computed.
    pub past_retention: usize,
    /// Keys of stored records of recent hours whose newer version lies in an hour past
    /// `keep_days`: the record moved out of its hour, so it is removed (a version of such an
    /// hour is not stored) and its hour recomputed without it.
    pub removals: Vec<String>,
    /// The source's files waiting in quarantine, or in place after an I/O error.
    pub waiting: BTreeSet<LandingOrder>,
    /// Keys of records whose stored version came from the very file the batch read again (moved
    /// back from quarantine), which holds them otherwise now (fixed by hand there): the stored
    /// version stays, as a value edited in MongoDB stays.
    pub kept_over_the_file: Vec<String>,
}

impl Plan {
    /// The file a written version's `last_file` names: the first file of the batch that held
    /// it after the latest file waiting in quarantine between its own file and its last
    /// holder, else its own file (see [`Plan::holder_after_waiting`]).
    pub fn last_file(&self, batch: &Batch, version: &Version) -> usize {
        let own = batch.data_files[version.file()].landing_order();
        self.holder_after_waiting(batch, version, own)
            .unwrap_or(version.file())
    }

    /// Among the files of the batch that held `version`, the first one landed after the
    /// latest waiting file that came after `since` and before the last holder; `None` when no
    /// waiting file lies there. Moving `last_file` there is enough to make any waiting file
    /// stale, a record is moved at most once per waiting file, and the file is the same
    /// however the files were split into batches: the first holder after the latest waiting
    /// file.
    fn holder_after_waiting(
        &self,
        batch: &Batch,
        version: &Version,
        since: LandingOrder,
    ) -> Option<usize> {
        let order = |index: usize| batch.data_files[index].landing_order();
        let last = order(version.last_holder());
        if last <= since {
            return None;
        }
        // `since` itself counts when it waits: a file that became the stored `last_file` and
        // was quarantined after (it held a version MongoDB cannot store) is a gap like any.
        let from = if self.waiting.contains(&since) {
            Bound::Included(since)
        } else {
            Bound::Excluded(since)
        };
        let gap = self
            .waiting
            .range((from, Bound::Excluded(last)))
            .next_back()?;
        version
            .holders
            .iter()
            .copied()
            .find(|index| order(*index) > *gap)
    }

    /// True when the batch writes no record. Its files, summarised one by one, would write none
    /// either: each is then stale (older than the file behind the stored version) or a repeat
    /// of what is stored, with no file waiting in quarantine between.
    pub fn writes_nothing(&self) -> bool {
        self.inserts.is_empty()
            && self.updates.is_empty()
            && self.confirmations.is_empty()
            && self.removals.is_empty()
    }

    /// Takes in hand those of `candidates` (changed hours) whose stored records are all among
    /// those looked up (`stored_per_hour` and `looked_up_per_hour` count them), with the
    /// records each will hold once written, `after`.
    fn hold_in_hand(
        &mut self,
        candidates: &BTreeSet<DateTime<Utc>>,
        stored_per_hour: &HashMap<DateTime<Utc>, usize>,
        looked_up_per_hour: &HashMap<DateTime<Utc>, usize>,
        after: Vec<(DateTime<Utc>, &String, Facts)>,
    ) {
        for hour in candidates {
            let stored = stored_per_hour.get(hour).copied().unwrap_or(0);
            let looked_up = looked_up_per_hour.get(hour).copied().unwrap_or(0);
            if stored == looked_up {
                self.in_hand.insert(*hour, Vec::new());
            }
        }
        for (hour, key, facts) in after {
            if let Some(records) = self.in_hand.get_mut(&hour) {
                records.push((key.clone(), facts));
            }
        }
    }

    /// Forgets the in-hand hours: they will be read back from `records`.
    pub fn read_every_hour(&mut self) {
        self.in_hand.clear();
    }
}

/// The start of the oldest hour a source with `keep_days` still summarises: an hour that
/// began before it is final, its records expiring (`None` without `keep_days`).
pub fn retention_horizon(source: &Source) -> Option<DateTime<Utc>> {
    source
        .keep_days
        .and_then(|days| Utc::now().checked_sub_signed(TimeDelta::days(i64::from(days))))
}

/// Which of the hours a batch changes its plan may take in hand (see [`Plan::in_hand`]).
#[derive(Clone, Copy, Debug)]
pub enum InHand<'a> {
    /// None: the plan is only looked at (whether it writes anything, what it confirms), so
    /// MongoDB is not asked how many records each hour holds.
    Never,
    /// Any but these, which are read back from `records` at the end of the run whatever this
    /// batch holds (an earlier batch of the run did not hold all their records): counting
    /// their stored records again would only cost a scan of them.
    Except(&'a BTreeSet<DateTime<Utc>>),
}

/// Compares the batch with the stored records and decides what to write. `waiting` are the
/// source's files in quarantine or left unread in place: a stored version that a file landed after one
/// of them repeats is confirmed (its `last_file` moved forward), so that file, moved back,
/// cannot replace it. Other repeats cost no write. `in_hand` says which changed hours may be
/// summarised from the records in hand.
pub async fn plan(
    db: &Database,
    source: &Source,
    batch: &Batch,
    waiting: BTreeSet<LandingOrder>,
    in_hand: InHand<'_>,
) -> Result<Plan, StoreError> {
    let stored = stored_versions(db, source, batch).await?;
    let mut plan = Plan {
        waiting,
        past_retention: batch.past_retention.len(),
        ..Plan::default()
    };
    let mut looked_up_per_hour: HashMap<DateTime<Utc>, usize> = HashMap::new();
    let mut after: Vec<(DateTime<Utc>, &String, Facts)> = Vec::with_capacity(batch.records.len());
    let horizon = batch.final_before.or_else(|| retention_horizon(source));
    let now = Utc::now();
    let final_hour = |hour: DateTime<Utc>| horizon.is_some_and(|horizon| hour < horizon);
    for (key, version) in &batch.records {
        let order = batch.data_files[version.file()].landing_order();
        let last = batch.data_files[version.last_holder()].landing_order();
        if final_hour(hour_of(version.time)) {
            // Not stored; but a stored version in a recent hour has moved out of it.
            match stored.get(key) {
                Some(Stored::Version(old)) if !final_hour(old.hour) => {
                    *looked_up_per_hour.entry(old.hour).or_default() += 1;
                    if older_than_stored(source, version, last, old, now) {
                        // Stale (a file moved back from quarantine): the stored one stays.
                        after.push((old.hour, key, Facts::of(source, &old.data)));
                    } else {
                        plan.removals.push(key.clone());
                        plan.hours.insert(old.hour);
                    }
                }
                Some(Stored::Unreadable { hour: Some(hour) }) if !final_hour(*hour) => {
                    plan.removals.push(key.clone());
                    plan.hours.insert(*hour);
                }
                _ => plan.past_retention += 1,
            }
            continue;
        }
        let Some(found) = stored.get(key) else {
            plan.hours.insert(hour_of(version.time));
            plan.inserts.push(key.clone());
            after.push((hour_of(version.time), key, version.facts.clone()));
            continue;
        };
        // The hour the stored version is in, when it is replaced; a stored record that is not
        // as the summariser writes records (a server that re-typed a field) is replaced by this
        // version as a changed one is, its hour recomputed when it can be read.
        let old_hour = match found {
            Stored::Version(old) => {
                *looked_up_per_hour.entry(old.hour).or_default() += 1;
                // Equal content is a change only when it starts a new run of versions (see
                // `crate::batch`), unless the stored version is this very one (a rerun of its
                // files).
                let unchanged = old.time == version.time
                    && (!version.replaced_other || order == old.order)
                    && same_data(&old.data, version);
                // Stale: less recent by the source's `version`, or as recent and every file of
                // the batch that held it is older than one that held the stored version (a
                // file moved back from quarantine).
                if older_than_stored(source, version, last, old, now) || unchanged {
                    if !unchanged && order == old.order && !same_data(&old.data, version) {
                        plan.kept_over_the_file.push(key.clone());
                    }
                    if unchanged
                        && let Some(holder) = plan.holder_after_waiting(batch, version, old.last)
                    {
                        plan.confirmations.push((key.clone(), holder));
                    }
                    after.push((old.hour, key, Facts::of(source, &old.data)));
                    continue;
                }
                Some(old.hour)
            }
            Stored::Unreadable { hour } => *hour,
        };
        plan.hours.insert(hour_of(version.time));
        // A record moved out of an hour past `keep_days` leaves that hour's summary as it is:
        // its other records are expiring, so it could only be recomputed smaller.
        if let Some(hour) = old_hour.filter(|hour| !final_hour(*hour)) {
            plan.hours.insert(hour);
        }
        plan.updates.push(key.clone());
        after.push((hour_of(version.time), key, version.facts.clone()));
    }
    let candidates: BTreeSet<DateTime<Utc>> = match in_hand {
        InHand::Never => return Ok(plan),
        InHand::Except(read_back) => plan.hours.difference(read_back).copied().collect(),
    };
    if candidates.is_empty() {
        return Ok(plan);
    }
    let stored_per_hour = count_per_hour(db, &source.name, &candidates).await?;
    plan.hold_in_hand(&candidates, &stored_per_hour, &looked_up_per_hour, after);
    Ok(plan)
}

/// True when the stored version `old` stays: `version`, whose latest holder landed at `last`,
/// is less recent by the source's `version` field, or as recent and landed before `old`'s
/// latest holder or in that very file (moved back from quarantine: what the file holds was
/// stored from it, and a value changed by hand since stays), unless that holder is named
/// ahead of the clock at `now` (a clock that ran ahead, then set right): files landed since
/// are the newer ones.
fn older_than_stored(
    source: &Source,
    version: &Version,
    last: LandingOrder,
    old: &StoredVersion,
    now: DateTime<Utc>,
) -> bool {
    match version.recency.cmp(&Recency::of(source, &old.data)) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => last <= old.last && !old.last.ahead_of(now),
    }
}

fn same_data(stored: &Value, version: &Version) -> bool {
    serde_json::from_str::<Value>(version.raw.get()).is_ok_and(|new| same_json(&new, stored))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use mongodb::bson::{Bson, doc};
    use releve::store::bson_date;

    use super::lookups::{count_per_hour, lookup_chunks};
    use super::*;
    use crate::database::{hour_filters, records};

    fn hour(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, 0, 0)
            .single()
            .expect("hour")
    }

    #[tokio::test]
    async fn records_are_counted_per_hour_of_their_source() {
        let server = testkit::MongoServer::shared();
        let db = server
            .client_database(&server.fresh_database("count_per_hour"))
            .await;
        let stored = [
            ("usgs", 10),
            ("usgs", 10),
            ("usgs", 11),
            ("other", 10),
            ("usgs", 13),
        ];
        let documents: Vec<_> = stored
            .iter()
            .enumerate()
            .map(|(n, (source, h))| doc! {"source": *source, "key": n.to_string(), "hour": bson_date(hour(*h))})
            .collect();
        records(&db)
            .insert_many(documents)
            .await
            .expect("records stored");
        let hours = BTreeSet::from([hour(10), hour(11), hour(12)]);
        let counts = count_per_hour(&db, "usgs", &hours).await.expect("counted");
        assert_eq!(counts, HashMap::from([(hour(10), 2), (hour(11), 1)]));
    }
    #[test]
    fn consecutive_hours_are_counted_by_range() {
        let range = |first: u32, last: u32| {
            doc! {"source": "usgs", "hour": {"$gte": bson_date(hour(first)), "$lte": bson_date(hour(last))}}
        };
        let touched = BTreeSet::from([hour(9), hour(10), hour(11), hour(14)]);
        assert_eq!(
            hour_filters("usgs", &touched),
            [range(9, 11), range(14, 14)]
        );
        let scattered: BTreeSet<_> = [0, 2, 4, 6, 8].into_iter().map(hour).collect();
        let listed: Vec<Bson> = scattered
            .iter()
            .map(|h| Bson::DateTime(bson_date(*h)))
            .collect();
        assert_eq!(
            hour_filters("usgs", &scattered),
            [doc! {"source": "usgs", "hour": {"$in": listed}}]
        );
    }

    #[test]
    fn lookups_are_cut_by_key_count_and_by_bytes() {
        let short: Vec<String> = (0..12_000).map(|n| format!("offer-{n}")).collect();
        let sizes: Vec<usize> = lookup_chunks(short.iter().map(String::as_str))
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(sizes, [5000, 5000, 2000]);
        let mib = 1024 * 1024;
        let long: Vec<String> = [1, 2, 1, 5, 2, 2]
            .iter()
            .enumerate()
            .map(|(n, size)| n.to_string().repeat(size * mib))
            .collect();
        let chunks = lookup_chunks(long.iter().map(String::as_str));
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(
            sizes,
            [3, 1, 2],
            "4 MiB of keys at most, a longer key alone"
        );
        assert_eq!(
            chunks.concat(),
            long.iter().map(String::as_str).collect::<Vec<_>>()
        );
    }
}
