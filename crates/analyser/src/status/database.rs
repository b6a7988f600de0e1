//! What `status` reads of MongoDB: the runs and hours of each source, and whose database it is.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use mongodb::bson::{self, RawDocument, doc};
use releve::rawfile;
use releve::store::installation::{self, Elsewhere};
use releve::store::{HOURLY, RUNS, StoreError, StoredRun, bson_date, chrono_date, redact};
use serde::Deserialize;

use super::last_runs::{fold_run_row, not_after};
use super::{DatabaseState, SourceStatus, StatusArgs};
use crate::reading::{Unread, each_source, find_all_kept, find_latest};

/// How long `status` waits for MongoDB to answer its reads, all of them, once it has answered
/// a ping (and how long for that, unless the URI's `serverSelectionTimeoutMS` asks for more):
/// a server may answer the driver's handshakes and pings but hold every query (a lock held, a
/// disk full, a machine swapping), which the driver would wait on for ever, and a monitoring
/// check must end.
pub const DATABASE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// MongoDB at `uri` not done answering within [`DATABASE_WAIT`].
fn no_answer(uri: &str) -> StoreError {
    StoreError::NoAnswer {
        uri: redact(uri),
        waited: DATABASE_WAIT.as_secs(),
    }
}

/// Runs newer than this are read in one query for all sources; older successes are looked up
/// one source at a time, only for the sources that need it. (nx-27017 scans a collection for
/// every query, so one query per source would take minutes on a large `runs`.)
const RECENT_RUNS: TimeDelta = TimeDelta::hours(1);
/// Errors newer than this (or than the slowest source's stale horizon, three intervals, so a
/// source whose last run failed reads FAILING until it reads STALE, as in the report) are
/// shown.
const RECENT_ERRORS: TimeDelta = TimeDelta::hours(24);
/// Summarised hours newer than this are read in one query.
const RECENT_HOURS: TimeDelta = TimeDelta::hours(48);

/// What `status` reads of an `hourly` document, checked as the report reads it.
#[derive(Deserialize)]
struct HourRow {
    source: String,
    #[serde(deserialize_with = "releve::store::hour_start")]
    hour: bson::DateTime,
    #[serde(rename = "count", deserialize_with = "releve::store::count")]
    _count: i64,
}

/// The database `raw/.summariser-database` names, when it is not the one read: the
/// summariser refuses each run given the one read (after a database renamed, the crontab's
/// URI changed), or the one read is no longer the folder's (status run by hand with an old
/// URI after `--new-database`).
pub(super) fn summarised_into_another(args: &StatusArgs) -> Option<String> {
    let read = args.mongo.database();
    let noted = rawfile::summarised_into(&args.raw.raw_dir).ok().flatten()?;
    (noted != read).then(|| {
        format!(
            "MongoDB: {} says this raw folder is summarised into `{noted}`, not `{read}`, read here: the summariser refuses each run given `{read}` (cron's, if its MONGODB_URI names it), and `{read}` holds none of the hours summarised since; if `{read}` is the database to keep, run the summariser once with --new-database, given it, else read `{noted}` (--database {noted})",
            rawfile::summariser_database(&args.raw.raw_dir).display()
        )
    })
}

/// Why the database is not this raw folder's (see [`releve::store::installation`]): it names
/// another raw folder as the one it is summarised from, read by `read_database`.
pub(super) fn summarised_elsewhere(elsewhere: &Elsewhere) -> String {
    let remedy = elsewhere.remedy("run the summariser");
    match elsewhere.lost_id() {
        true => format!(
            "MongoDB: {}: {remedy} (until then it summarises nothing)",
            elsewhere.fact()
        ),
        false => format!(
            "MongoDB: {}: the runs and hours above are another installation's, and so would this installation's reports be; {remedy}",
            elsewhere.fact()
        ),
    }
}

/// Reads `runs` and `hourly`, when the database holds them (a mistyped `--database` does not),
/// and the raw folder it names as the one it is summarised from.
pub(super) async fn read_database(
    args: &StatusArgs,
    sources: &mut [SourceStatus],
    now: DateTime<Utc>,
    unread: &Unread,
    due_day_start: Option<DateTime<Utc>>,
) -> Result<(DatabaseState, bool, Option<Elsewhere>, Vec<String>), StoreError> {
    let db = releve::store::connect_read_only_within(
        &args.mongo.uri,
        &args.mongo.database(),
        DATABASE_WAIT,
    )
    .await?;
    let reads = async {
        let read = match releve::store::holds_releve_data(&db).await {
            Ok(true) => read_collections(&db, sources, now, unread)
                .await
                .map(|()| true),
            other => other,
        };
        let collected_before_due = match (&read, due_day_start) {
            (Ok(true), Some(start)) => ran_before(&db, start).await,
            _ => Ok(false),
        };
        let named = installation::elsewhere(&db, &args.raw.raw_dir).await;
        // A reader not allowed to read `installation` is told nothing of it.
        let lost = releve::store::restored::recorded(&db)
            .await
            .unwrap_or_default();
        (read, collected_before_due, named, lost)
    };
    let answered = tokio::time::timeout(DATABASE_WAIT, reads).await;
    releve::store::shut_down(db).await;
    let (read, collected_before_due, named, lost) =
        answered.map_err(|_| no_answer(&args.mongo.uri))?;
    let shown = format!(
        "{} database {}",
        redact(&args.mongo.uri),
        args.mongo.database()
    );
    let state = match read? {
        true => DatabaseState::Reachable { shown },
        false => DatabaseState::Empty { shown },
    };
    let lost = lost
        .iter()
        .filter(|lost| now - lost.noticed < LOST_RUNS_SAID)
        .map(|lost| {
            format!(
                "{}: collect that stretch again where its API still serves it (see the README's \"MongoDB restored from an older backup\"); said for a day after it was noticed",
                lost.fact()
            )
        })
        .collect();
    Ok((state, collected_before_due?, named, lost))
}

/// How long `status` says a stretch of runs the database lost (and fails): the reports of its
/// days say it for good.
const LOST_RUNS_SAID: TimeDelta = TimeDelta::days(1);

/// Whether any source ran before `at`: the first run found in `runs`' own order, the oldest
/// kept, so one document is read.
async fn ran_before(db: &mongodb::Database, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let action = "reading whether a run is older than the day report due";
    db.collection::<mongodb::bson::Document>(RUNS)
        .find_one(doc! {"started": {"$lt": bson_date(at)}})
        .projection(doc! {"_id": 1})
        .await
        .map(|found| found.is_some())
        .map_err(StoreError::command(action))
}

/// Folds what `runs` and `hourly` say of each source into its status.
async fn read_collections(
    db: &mongodb::Database,
    sources: &mut [SourceStatus],
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<(), StoreError> {
    let slowest = sources
        .iter()
        .filter_map(|status| status.every)
        .map(|every| every.as_chrono() * crate::status::STALE_AFTER_INTERVALS)
        .max()
        .unwrap_or_default();
    let since = |span: TimeDelta| bson_date(now - span);
    let until = bson_date(not_after(now));
    // Bounded by source, so MongoDB answers from the `(source, …)` indexes rather than
    // scanning the collections (`runs` holds 90 days, `hourly` every hour ever summarised).
    // A range of names rather than `$in`: nx-27017 reads `$in` with a subquery per document,
    // seven times slower over 144,000 runs. Documents of other sources in the range are
    // passed over unread: one of a removed source is none of status's business.
    let names: BTreeSet<String> = sources.iter().map(|status| status.name.clone()).collect();
    let configured = doc! {
        "$gte": names.first().cloned().unwrap_or_default(),
        "$lte": names.last().cloned().unwrap_or_default(),
    };
    let ours = |document: &RawDocument| {
        document
            .get_str("source")
            .is_ok_and(|source| names.contains(source))
    };
    let recent_runs =
        doc! {"source": configured.clone(), "started": {"$gte": since(RECENT_RUNS), "$lte": until}};
    let recent_errors = doc! {"source": configured.clone(), "error": {"$ne": null}, "started": {"$gte": since(RECENT_ERRORS.max(slowest)), "$lte": until}};
    for filter in [recent_runs, recent_errors] {
        let action = "reading `runs`";
        let runs = find_all_kept::<StoredRun>(db, RUNS, filter, None, action, unread, ours).await?;
        for run in runs {
            if let Some(status) = sources.iter_mut().find(|s| s.name == run.source) {
                fold_run_row(status, run);
            }
        }
    }
    // Hours begun by now: a dataset's rows published ahead of time (éCO2mix's forecast rows)
    // make summaries of hours to come, which say nothing of the summariser keeping up.
    let begun = bson_date(now);
    let recent_hours =
        doc! {"source": configured, "hour": {"$gte": since(RECENT_HOURS), "$lte": begun}};
    let action = "reading `hourly`";
    let hours =
        find_all_kept::<HourRow>(db, HOURLY, recent_hours, None, action, unread, ours).await?;
    for row in hours {
        if let Some(status) = sources.iter_mut().find(|s| s.name == row.source) {
            status.last_hour = status.last_hour.max(Some(chrono_date(row.hour)));
        }
    }
    for status in sources.iter_mut() {
        status.history_read = true;
    }
    // Disabled sources too: what they collected and summarised before is still worth saying.
    let older = each_source(sources, unread, async |status, unread| {
        older_than_recent(db, status, now, unread).await
    })
    .await?;
    for (status, (success, hour)) in sources.iter_mut().zip(older) {
        if let Some(run) = success {
            fold_run_row(status, run);
        }
        if let Some(hour) = hour {
            status.last_hour = Some(hour);
        }
    }
    Ok(())
}

/// The latest successful run of a source whose recent runs held none, and the latest hour
/// summarised of one whose recent hours held none, each read when `status` lacks it.
async fn older_than_recent(
    db: &mongodb::Database,
    status: &SourceStatus,
    now: DateTime<Utc>,
    unread: &Unread,
) -> Result<(Option<StoredRun>, Option<DateTime<Utc>>), StoreError> {
    let name = status.name.as_str();
    let mut success = None;
    if status.last_success.is_none_or(|at| at < now - RECENT_RUNS) {
        let until = bson_date(not_after(now));
        let filter = doc! {"source": name, "error": null, "started": {"$lte": until}};
        let action = "reading the latest `runs` document";
        success = find_latest::<StoredRun>(db, RUNS, filter, "started", action, unread).await?;
    }
    let mut hour = None;
    if status.last_hour.is_none() {
        let hours = doc! {"source": name, "hour": {"$lte": bson_date(now)}};
        let action = "reading the latest `hourly` document";
        let row = find_latest::<HourRow>(db, HOURLY, hours, "hour", action, unread).await?;
        hour = row.map(|row| chrono_date(row.hour));
    }
    Ok((success, hour))
}
