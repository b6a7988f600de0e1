//! Collects what `analyser status` shows: the collector's metrics files and the data files
//! still waiting in `raw/<source>/`, the quarantine, the `runs` and `hourly` collections, and
//! the newest file in the reports folder. A status command must say as much as it can: a
//! folder of `raw/` that cannot be read leaves its counts unknown and is a problem of its own,
//! and a metrics file that cannot be read is logged and skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use mongodb::bson::{self, RawDocument, doc};
use releve::store::installation::{self, Elsewhere};
use releve::store::{HOURLY, RUNS, StoreError, StoredRun, bson_date, chrono_date, redact};
use releve::under_way::Trace;
use releve::{Config, RawFileRole, RefusedSource, rawfile};
use serde::Deserialize;

use super::{DatabaseState, SourceStatus, StatusArgs, StatusError, StatusReport};
use crate::period::PeriodKind;
use crate::reading::{Unread, each_source, find_all_kept, find_latest};
use crate::waiting_runs;

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

/// Gathers the status of every configured source at `now`.
pub async fn gather(args: &StatusArgs, now: DateTime<Utc>) -> Result<StatusReport, StatusError> {
    // `[report]` is not read here: a fault in it is a problem to show, not a reason to hide
    // every source's health (the collector and the summariser go on without it).
    let config = Config::load_sources(&args.config.config)?;
    let raw_dir = &args.raw.raw_dir;
    let raw_unreadable = unreadable_raw_dir(raw_dir);
    let (quarantined, unreadable) = match &raw_unreadable {
        Some(why) => (BTreeMap::new(), Some(why.clone())),
        None => quarantined_per_source(raw_dir),
    };
    let mut sources: Vec<SourceStatus> = config
        .sources
        .iter()
        .map(|source| {
            let mut status = SourceStatus {
                name: source.name.clone(),
                line: source.line,
                enabled: source.enabled,
                unavailable: releve::credentials::missing_for(source).map(|m| m.to_string()),
                every: Some(source.every),
                quarantined: quarantined.get(&source.name).copied().unwrap_or(0),
                ..SourceStatus::default()
            };
            match &raw_unreadable {
                Some(why) => status.raw_unreadable = Some(why.clone()),
                None => {
                    read_raw_folder(raw_dir, &mut status, now);
                    status.unmatched = releve::selection::unmatched(raw_dir, &source.name)
                        .map(|unmatched| (unmatched.since, releve::selection::keys(source)));
                }
            }
            status
        })
        .collect();
    sources.extend(config.refused.iter().map(|refused| {
        let mut status = refused_row(&config, refused, raw_dir, &quarantined, now);
        status.raw_unreadable = raw_unreadable.clone().or(status.raw_unreadable);
        status
    }));
    // The machine's runs, every source's, tell how long each file has waited while the
    // summariser could have taken it.
    let collector = crate::waiting_runs::CollectorRuns::new(sources.iter().map(|status| {
        let every = status.every.filter(|_| status.enabled);
        (every, status.waiting_runs.clone())
    }));
    for status in &mut sources {
        status.waited_for_summariser = status
            .oldest_waiting
            .map(|landed| collector.waited_for_summariser(landed, now));
    }
    let unread = Unread::default();
    // Whether the day due a report was collected: then its report is expected, even with none
    // written ever (cron's analyser lines not running).
    let due_day_start = super::day_reports::due_day_start(config.report.timezone, now);
    let mut collected_before_due = false;
    let read = read_database(args, &mut sources, now, &unread, due_day_start).await;
    let mut others_database = None;
    let mut lost_runs = Vec::new();
    let database = match read {
        Ok((state, collected, named, lost)) => {
            collected_before_due = collected;
            lost_runs = lost;
            others_database = named
                .as_ref()
                .map(summarised_elsewhere)
                .or_else(|| summarised_into_another(args));
            state
        }
        // A URI or database name that cannot be used is the command line's fault, as for
        // every stage: nothing to show but that.
        Err(err) if err.is_usage() => return Err(StatusError::Store(err)),
        Err(err) => DatabaseState::Unreachable {
            reason: err.to_string(),
        },
    };
    let mongodb_down = matches!(database, DatabaseState::Unreachable { .. });
    let unreadable = unreadable.or_else(|| missing_raw_dir(raw_dir, &mut sources));
    sources.sort_by_key(|status| status.line);
    let configured_names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let unconfigured = rawfile::unconfigured(raw_dir, &config)
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(StatusReport {
        now,
        sources,
        database,
        others_database,
        lost_runs,
        last_report: newest_report(&args.reports_dir),
        unreadable,
        unread: unread.lines(),
        unconfigured,
        quarantined,
        raw_dir: raw_dir.clone(),
        missing_reports: missing_reports(args, &config, now, collected_before_due, mongodb_down),
        left_out: config.left_out.iter().map(ToString::to_string).collect(),
        report_fault: config.report_fault,
        free_space: super::disk::free_space(&[raw_dir, &args.reports_dir]),
        unwritable: match super::disk::raw_unwritable(raw_dir) {
            // Said once, not again of each source's folder.
            Some(raw) => vec![raw],
            None => super::disk::source_folders_unwritable(raw_dir, &configured_names),
        }
        .into_iter()
        .chain(super::disk::reports_unwritable(&args.reports_dir))
        .collect(),
    })
}

/// The reports due and not written (see [`super::day_reports`]), with the command that
/// writes one as cron does, in this status's folders.
fn missing_reports(
    args: &StatusArgs,
    config: &Config,
    now: DateTime<Utc>,
    collected_before_due: bool,
    mongodb_down: bool,
) -> Vec<String> {
    // The options status was given that the report reads too.
    let database = args.mongo.database();
    let pasteable = crate::cli::pasteable(
        &[],
        crate::cli::Given {
            raw_dir: Some(&args.raw.raw_dir),
            config: &args.config.config,
            reports_dir: &args.reports_dir,
            database: &database,
            uri: &args.mongo.uri,
        },
    );
    let reports = super::day_reports::Reports {
        dir: &args.reports_dir,
        tz: config.report.timezone,
        command: pasteable.command.clone(),
        keep: config.report.keep,
        mongodb_down,
    };
    let later = [PeriodKind::Week, PeriodKind::Month]
        .into_iter()
        .filter_map(|kind| super::day_reports::missing_latest(kind, &reports, now));
    let note = pasteable.note();
    super::day_reports::missing(&reports, now, collected_before_due)
        .into_iter()
        .chain(later)
        .map(|line| {
            if line.contains('`') {
                format!("{line}{note}")
            } else {
                line
            }
        })
        .collect()
}

/// Why the raw folder itself cannot be read, if it cannot. One that does not exist yet holds
/// nothing: the collector makes it at its first run.
fn unreadable_raw_dir(raw_dir: &Path) -> Option<String> {
    let why = match std::fs::read_dir(raw_dir) {
        Ok(_) => return None,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
        Err(err) => crate::why_unreadable(&err),
    };
    Some(format!(
        "cannot read the raw folder {}: {why}; files waiting for the summariser, quarantined files and runs not yet summarised are not counted",
        raw_dir.display()
    ))
}

/// Why a raw folder that does not exist is a problem, when `runs` holds collections: the
/// collector makes it at its first run, so it was most likely mistyped (`--raw-dir`). The
/// sources' waiting files are then unknown, not none.
fn missing_raw_dir(raw_dir: &Path, sources: &mut [SourceStatus]) -> Option<String> {
    let missing = matches!(std::fs::metadata(raw_dir), Err(err) if err.kind() == std::io::ErrorKind::NotFound);
    let collected = sources
        .iter()
        .any(|status| status.last_success.is_some() || status.last_error.is_some());
    if !(missing && collected) {
        return None;
    }
    let why = format!(
        "the raw folder {} does not exist, though `runs` holds collections: check --raw-dir; files waiting for the summariser, quarantined files and runs not yet summarised are not counted",
        releve::working_folder::named(raw_dir)
    );
    for status in sources.iter_mut() {
        status.raw_unreadable = Some(why.clone());
    }
    Some(why)
}

/// The row of a `[[source]]` table the configuration refused.
fn refused_row(
    config: &Config,
    refused: &RefusedSource,
    raw_dir: &Path,
    quarantined: &BTreeMap<String, usize>,
    now: DateTime<Utc>,
) -> SourceStatus {
    let shared = |name: &String| {
        refused.duplicate
            || config.refused.iter().any(|other| {
                other.name.as_ref() == Some(name) && other.table_line != refused.table_line
            })
    };
    let name = match &refused.name {
        // Another row has that name: the line tells them apart.
        Some(name) if shared(name) => {
            format!("{} (line {})", name.escape_debug(), refused.table_line)
        }
        Some(name) => name.escape_debug().to_string(),
        None => format!("(line {})", refused.table_line),
    };
    let consequence = refused.consequence("not collected nor summarised until fixed");
    let mut status = SourceStatus {
        name,
        line: refused.table_line,
        refused: Some((refused.to_string(), consequence)),
        enabled: true,
        quarantined: refused
            .name
            .as_ref()
            .and_then(|name| quarantined.get(name))
            .copied()
            .unwrap_or(0),
        ..SourceStatus::default()
    };
    // Its files wait in `raw/<name>/`, unless an accepted source of that name reads them.
    let own_folder = refused
        .name
        .as_deref()
        .is_some_and(|name| rawfile::is_source_name(name) && config.source(name).is_none());
    if own_folder {
        read_raw_folder(raw_dir, &mut status, now);
    }
    status
}

fn read_raw_folder(raw_dir: &Path, status: &mut SourceStatus, now: DateTime<Utc>) {
    let listing = match rawfile::list_all(raw_dir, &status.name) {
        Ok(listing) => listing,
        Err(err) => {
            status.raw_unreadable = Some(format!(
                "source `{}`: cannot read {}: {err}; its files waiting for the summariser and runs not yet summarised are not counted",
                status.name,
                raw_dir.join(&status.name).display()
            ));
            return;
        }
    };
    status.left_alone = left_alone(raw_dir, &status.name, &listing);
    let mut latest_started: Option<DateTime<Utc>> = None;
    for name in &listing.landed {
        match name.role {
            RawFileRole::Data => {
                status.waiting += 1;
                let oldest = status.oldest_waiting.get_or_insert(name.landed_at);
                *oldest = (*oldest).min(name.landed_at);
            }
            RawFileRole::Metrics => {
                if let Some(run) = waiting_runs::read_metrics(&name.path_in(raw_dir))
                    && run.started <= not_after(now)
                {
                    latest_started = latest_started.max(Some(run.started));
                    status.waiting_runs.push((&run).into());
                    record_run(status, run.finished, run.error, run.retry_from);
                }
            }
        }
    }
    // A run killed before its end wrote no metrics: its state file tells of it, which the
    // collector's next run of the source records as landed when it left a data file of its
    // own, as failed otherwise.
    if let Some((run, landed_before)) = releve::under_way::unfinished_run(raw_dir, &status.name)
        && latest_started.is_none_or(|latest| latest < run.started)
        && run.started <= not_after(now)
    {
        match run.trace(raw_dir, &listing.landed, landed_before) {
            Trace::Landed(file) => record_run(status, file.landed_at, None, None),
            // Counted above, when it was read.
            Trace::Metrics(_) => {}
            Trace::Nothing => {
                let reason = format!(
                    "{}; the collector's next run counts it as failed",
                    run.did_not_finish()
                );
                // Its end is not known: dated from its start.
                record_run(status, run.started, Some(reason), None);
            }
        }
    }
}

/// What to do about the entries of `source`'s folder that no stage reads, when it holds any:
/// a file dropped there by hand under another name waits for ever, unsummarised.
fn left_alone(raw_dir: &Path, source: &str, listing: &rawfile::Listing) -> Option<String> {
    let names: Vec<&str> = listing
        .foreign
        .iter()
        .chain(&listing.not_files)
        .map(String::as_str)
        .collect();
    let shown = match names.len() {
        0 => return None,
        1..=3 => names.join(", "),
        _ => format!("{}, …", names[..3].join(", ")),
    };
    Some(format!(
        "source `{source}`: {} holds {} no stage reads ({shown}): a data file is read only when named {}, and only when it is a file; rename or move {}",
        raw_dir.join(source).display(),
        match names.len() {
            1 => "an entry".to_owned(),
            n => format!("{n} entries"),
        },
        rawfile::RawFileName::pattern(source),
        if names.len() == 1 { "it" } else { "them" },
    ))
}

/// The latest start of a run counted at `now`: a run dated later (a clock that ran ahead
/// when it was collected) would read as a fresh success until then, whatever happens since.
pub(crate) fn not_after(now: DateTime<Utc>) -> DateTime<Utc> {
    now + TimeDelta::minutes(1)
}

/// Folds one run into what is known of its source: the latest success, the latest error and
/// when the collector tries the source again after it.
fn record_run(
    status: &mut SourceStatus,
    finished: DateTime<Utc>,
    error: Option<String>,
    retry_from: Option<DateTime<Utc>>,
) {
    match error {
        None => status.last_success = status.last_success.max(Some(finished)),
        Some(error) => {
            if status
                .last_error
                .as_ref()
                .is_none_or(|(at, _)| *at < finished)
            {
                // As the report says it: a failure stored without words still reads as one.
                let error = match error.trim() {
                    "" => "(no message recorded)".to_owned(),
                    _ => error,
                };
                // Dated when it failed (a run may retry for minutes first), as a success is.
                status.last_error = Some((finished, error));
                status.retry_from = retry_from;
            }
        }
    }
}

/// The quarantined files of each source, or why the quarantine cannot be read.
fn quarantined_per_source(raw_dir: &Path) -> (BTreeMap<String, usize>, Option<String>) {
    let files = match rawfile::quarantined(raw_dir) {
        Ok(files) => files,
        Err(err) => {
            let folder = rawfile::quarantine_dir(raw_dir);
            let why = format!(
                "cannot read the quarantine {}: {err}; quarantined files are not counted",
                folder.display()
            );
            return (BTreeMap::new(), Some(why));
        }
    };
    let mut counts = BTreeMap::new();
    for file in files {
        *counts.entry(file.source).or_insert(0) += 1;
    }
    (counts, None)
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
fn summarised_into_another(args: &StatusArgs) -> Option<String> {
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
fn summarised_elsewhere(elsewhere: &Elsewhere) -> String {
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
async fn read_database(
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

fn fold_run_row(status: &mut SourceStatus, run: StoredRun) {
    let retry_from = run.retry_from.map(chrono_date);
    record_run(status, run.ended(), run.error, retry_from);
}

/// The report written last, of those written at one instant (a catch-up writing a week's
/// again, each dated when its data was read) the one named last, the latest day's.
fn newest_report(reports_dir: &Path) -> Option<(PathBuf, DateTime<Utc>)> {
    let entries = std::fs::read_dir(reports_dir).ok()?;
    entries
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "pdf"))
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            Some((entry.path(), DateTime::<Utc>::from(modified)))
        })
        .max_by(|(one, one_modified), (other, other_modified)| {
            (one_modified, one.file_name()).cmp(&(other_modified, other.file_name()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        status: StatusArgs,
    }

    #[test]
    fn the_command_for_a_missing_report_carries_status_s_own_folders_and_database() {
        let reports = tempfile::tempdir().expect("temp dir");
        for day in ["2026-11-18", "2026-11-19"] {
            std::fs::write(reports.path().join(format!("{day}.pdf")), b"%PDF").expect("report");
        }
        let dir = reports.path().to_string_lossy().into_owned();
        let cli = Cli::parse_from([
            "status",
            "--config",
            "etc/my sources.toml",
            "--reports-dir",
            &dir,
            "--database",
            "releve_test",
            "--mongodb-uri",
            "mongodb://user:secret@127.0.0.1:9",
        ]);
        let text = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("config");
        let now = Utc::now();
        let missing = missing_reports(&cli.status, &config, now, false, false);
        let [line] = missing.as_slice() else {
            panic!("one line: {missing:?}")
        };
        // The program is this one, as it can be run from here.
        let program = shlex::try_quote(&crate::cli::program())
            .expect("a path")
            .into_owned();
        assert!(
            line.contains(&format!(
                "`{program} --raw-dir raw --config 'etc/my sources.toml' --reports-dir {dir} --database releve_test --mongodb-uri 'mongodb://***@127.0.0.1:9' --if-missing`"
            )),
            "{line}"
        );
        assert!(!line.contains("secret"), "{line}");
    }

    /// `analyser status --mongodb-uri 'mongodb://alice:S3cret@db.example.org/releve'` with a
    /// day report missing: the command it gives reads `--mongodb-uri
    /// 'mongodb://***@db.example.org/releve'`, and nothing in the line says that `***` stands
    /// for credentials to put back. Pasted as given, the analyser logs in as the user `***` and
    /// says "MongoDB at mongodb://***@db.example.org/releve refused the login: check the user,
    /// password and authSource in the URI", the URI shown exactly as the right one is shown:
    /// the user takes their own password for refused. The line must say that `***` is to be
    /// replaced by the URI's credentials.
    #[test]
    fn a_command_with_hidden_credentials_says_they_are_to_be_put_back() {
        let reports = tempfile::tempdir().expect("temp dir");
        for day in ["2026-11-18", "2026-11-19"] {
            std::fs::write(reports.path().join(format!("{day}.pdf")), b"%PDF").expect("report");
        }
        let dir = reports.path().to_string_lossy().into_owned();
        let cli = Cli::parse_from([
            "status",
            "--reports-dir",
            &dir,
            "--mongodb-uri",
            "mongodb://alice:S3cret@db.example.org/releve",
        ]);
        let text = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("config");
        let missing = missing_reports(&cli.status, &config, Utc::now(), false, false);
        let [line] = missing.as_slice() else {
            panic!("one line: {missing:?}")
        };
        assert!(
            line.contains("mongodb://***@db.example.org/releve"),
            "{line}"
        );
        // The words outside the command (between backquotes).
        let words: String = line
            .split('`')
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        assert!(
            words.contains("***") && (words.contains("credentials") || words.contains("password")),
            "the command's `***` is not said to stand for the credentials to put back, and \
             pasted as given it is refused the login as `mongodb://***@db.example.org`: {line}"
        );
    }
}
