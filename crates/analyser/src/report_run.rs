//! A report run: the period `--date` and `--period` ask for, written (or, with
//! `--if-missing`, found written, or written again when hours of it were summarised since),
//! the reports missed before it written too, and the old ones pruned.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use releve::Config;

use crate::cli::ReportArgs;
use crate::period::ReportPeriod;
use crate::query::SourceData;
use crate::raw_folder::RawFolder;
use crate::report::{Quarantined, ReportInput};
use crate::run_client::RunClient;
use crate::{AnalyserError, RenderError, WrittenReport};

/// The file of the report `args` asks for at `now`, in the configuration's time zone: what a
/// run that wrote none names (given the `now` [`write_report`] was given, so both name one
/// period even across the hour that changes it).
pub fn asked_file(args: &ReportArgs, config: &Config, now: DateTime<Utc>) -> String {
    let (period, _) = ReportPeriod::asked(args.period, args.date, config.report.timezone, now);
    period.file_name()
}

/// Writes the report `args` asks for at `now`, of `config`'s sources; with `--if-missing`, `None` when
/// the period ended before the first known collection (the crontab's week and month jobs, the
/// morning after relevé was installed, would otherwise write a report of nothing). With
/// `--if-missing`, a report already written once its period was complete is left as it is
/// unless hours of its period were summarised since, and the reports of the periods of its kind
/// that ended in the eight days before it are written again when so (see the `outdated` module).
/// Given up, no report left half-written, once MongoDB leaves a read unanswered past its
/// deadline (see [`releve::store::answered`]). The reports of the run are read through one
/// client (see `RunClient`).
pub async fn write_report(
    args: &ReportArgs,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Option<WrittenReport>, AnalyserError> {
    releve::store::answered(async {
        let client = RunClient::new(&args.mongo);
        let written = write_asked(args, config, &client, now).await;
        client.shut_down().await;
        written
    })
    .await
}

async fn write_asked(
    args: &ReportArgs,
    config: &Config,
    client: &RunClient<'_>,
    now: DateTime<Utc>,
) -> Result<Option<WrittenReport>, AnalyserError> {
    let tz = config.report.timezone;
    let (period, anchor) = ReportPeriod::asked(args.period, args.date, tz, now);
    if period.start() > now {
        return Err(AnalyserError::FuturePeriod {
            date: anchor,
            kind: args.period.name(),
            tz,
        });
    }
    if args.if_missing {
        let refused = !config.refused.is_empty();
        // One try at MongoDB first: while it cannot be read (down for days), each report
        // missed or written before would cost its own try of seconds, and be said missed
        // though it may be of a day before relevé ran.
        let db = match client.database().await {
            Ok(db) => db,
            Err(err) if err.is_usage() => return Err(err.into()),
            Err(err) => {
                tracing::warn!(error = %err, "MongoDB cannot be read: the reports of the eight days before, missed or lacking hours, are left for the next run (--if-missing).");
                let asked =
                    crate::outdated::written_once_complete(&args.reports_dir, &period, refused);
                return match asked {
                    Some(asked) => Ok(Some(found_complete(asked.path))),
                    None => Err(err.into()),
                };
            }
        };
        // Another installation's database is said before a report of this folder is found
        // written, as it is when one is to be written.
        if let Some(raw_dir) = &args.raw_dir
            && let Err(err) = releve::store::installation::require_own(db, raw_dir).await
        {
            return Err(err.into());
        }
        let written = crate::outdated::written_reports(
            &args.reports_dir,
            &period,
            config.report.keep,
            refused,
        );
        let changed = rewrite_outdated(args, config, client, &period, &written, now).await;
        write_missed(args, config, client, &period, now).await;
        if let Some(asked) = written.first().filter(|w| w.period == period) {
            match changed.get(&asked.path) {
                None => return Ok(Some(found_complete(asked.path.clone()))),
                Some(sources) => {
                    let replacing = Replacing::Outdated(sources);
                    return write_period(args, config, client, &period, now, replacing).await;
                }
            }
        }
    }
    write_period(args, config, client, &period, now, Replacing::No).await
}

/// The report of the asked period, written once it was complete and lacking no hour, found
/// and left as it is (`--if-missing`).
fn found_complete(path: PathBuf) -> WrittenReport {
    tracing::info!(path = %path.display(), "The report of this period was written once the period was complete: left as it is (--if-missing).");
    WrittenReport::found(path)
}

/// Whether a report written already is being replaced, unasked, because its period gained
/// hours of these sources (see [`rewrite_outdated`]), or one never written is written unasked
/// (see [`write_missed`]).
#[derive(Debug, Clone, Copy)]
enum Replacing<'a> {
    Outdated(&'a BTreeSet<String>),
    Missed,
    No,
}

/// With `--if-missing`: writes the reports of the periods of `asked`'s kind that ended in the
/// eight days before it and were never written once complete, newest first, down to the first
/// that ended before the first known collection (so did the older ones). A machine asleep or
/// off at the job's hour (a laptop at night) gets them at the next job it is awake for. A
/// failure is a warning, and leaves the older ones for the next job.
async fn write_missed(
    args: &ReportArgs,
    config: &Config,
    client: &RunClient<'_>,
    asked: &ReportPeriod,
    now: DateTime<Utc>,
) {
    let refused = !config.refused.is_empty();
    for missed in
        crate::outdated::missed_reports(&args.reports_dir, asked, config.report.keep, refused)
    {
        match write_period(args, config, client, &missed, now, Replacing::Missed).await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => {
                let path = args.reports_dir.join(missed.file_name());
                tracing::warn!(path = %path.display(), error = %err, "Cannot write this missed report: it and the older ones are left for the next run (--if-missing).");
                break;
            }
        }
    }
}

/// With `--if-missing`: which of the `written` reports lack hours summarised since they were
/// written (see [`outdated`]); those of periods before the `asked` one are written again here.
/// A failure is a warning: the reports are left as they are.
async fn rewrite_outdated(
    args: &ReportArgs,
    config: &Config,
    client: &RunClient<'_>,
    asked: &ReportPeriod,
    written: &[crate::outdated::Written],
    now: DateTime<Utc>,
) -> BTreeMap<PathBuf, BTreeSet<String>> {
    let changed = async {
        let db = client.database().await?;
        let changed = match written.is_empty() {
            true => BTreeMap::new(),
            false => crate::outdated::changed_since(db, config, written, now).await?,
        };
        // A reader not allowed to read `installation` is told nothing of it.
        let lost = releve::store::restored::recorded(db)
            .await
            .unwrap_or_default();
        Ok::<_, releve::store::StoreError>(crate::outdated::holding_what_was_lost(
            changed, written, &lost,
        ))
    };
    let changed = match changed.await {
        Ok(changed) => changed,
        Err(err) => {
            tracing::warn!(error = %err, "Cannot tell whether the reports already written lack hours summarised since: left as they are (--if-missing).");
            return BTreeMap::new();
        }
    };
    for earlier in written.iter().filter(|w| w.period != *asked) {
        let Some(sources) = changed.get(&earlier.path) else {
            continue;
        };
        let replacing = Replacing::Outdated(sources);
        if let Err(err) = write_period(args, config, client, &earlier.period, now, replacing).await
        {
            tracing::warn!(path = %earlier.path.display(), error = %err, "Cannot write this report again: left as it is.");
        }
    }
    changed
}

/// Says that the report at `path` is written again, for the hours of `sources` summarised
/// since it was.
fn said_outdated(path: &Path, sources: &BTreeSet<String>) {
    tracing::info!(
        path = %path.display(),
        sources = %sources.iter().map(String::as_str).collect::<Vec<_>>().join(", "),
        "Hours of this report's period were summarised since it was written (records that came or changed later: a day caught up, a revised value, a backfill): written again (--if-missing)."
    );
}

/// Writes the report of `period`; with `--if-missing`, `None` when the period ended before the
/// first known collection. A report `replacing` one written already is not written while the
/// configuration refuses a table without a name or lacks a source (refused or removed) whose
/// records or runs the period holds: the report written then may hold that source's section,
/// which the new one would lose.
async fn write_period(
    args: &ReportArgs,
    config: &Config,
    client: &RunClient<'_>,
    period: &ReportPeriod,
    now: DateTime<Utc>,
    replacing: Replacing<'_>,
) -> Result<Option<WrittenReport>, AnalyserError> {
    let period = *period;
    let rewrite = matches!(replacing, Replacing::Outdated(_));
    // Known before anything is read.
    if rewrite && config.refused.iter().any(|table| table.name.is_none()) {
        let why = "the configuration refuses a table whose `name` cannot be read";
        return Ok(Some(left_as_it_is(args, &period, why)));
    }
    // Before anything is read: a summariser run storing hours meanwhile dates the report.
    let summariser_began = args.raw_dir.as_deref().and_then(summariser_at_work);
    // `raw/` before MongoDB: a run the summariser moves from one to the other meanwhile is then
    // seen in both (and counted once), never in neither.
    let raw = args
        .raw_dir
        .as_deref()
        .map(|raw_dir| RawFolder::read(raw_dir, config));
    let db = client.database().await?;
    // Given the raw folder, a database summarised from another is another installation's.
    if let Some(raw_dir) = &args.raw_dir {
        releve::store::installation::require_own(db, raw_dir).await?;
    }
    let unread = crate::query::Unread::default();
    let loaded = load(db, config, &period, now, &unread).await;
    let lost = releve::store::restored::recorded(db)
        .await
        .unwrap_or_default();
    // Recorded in the PDF: a database found later to have gone back in time tells a report
    // written from it whole from one written from it restored.
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let newest_runs = releve::store::restored::newest_runs(db, &names)
        .await
        .unwrap_or_default();
    // Read for `--if-missing`, whose reports of a period before the first collection are left
    // unwritten: a source no longer configured that ran in it is a collection.
    let others_ran = match args.if_missing {
        true => crate::query::others_ran(db, config, &period).await,
        false => None,
    };
    let Loaded {
        mut data,
        mut first_runs,
        runs_kept_from,
        unconfigured,
    } = loaded?;
    if rewrite && (!unconfigured.is_empty() || others_ran.is_some()) {
        let why = match others_ran {
            _ if !unconfigured.is_empty() => {
                let names: Vec<String> = unconfigured
                    .keys()
                    .map(|name| format!("`{name}`"))
                    .collect();
                format!(
                    "the configuration does not collect {}, whose records this period holds",
                    names.join(", ")
                )
            }
            Some(Some(name)) => {
                format!("the configuration does not collect `{name}`, whose runs this period holds")
            }
            _ => "the configuration does not collect a source whose runs this period holds"
                .to_owned(),
        };
        return Ok(Some(left_as_it_is(args, &period, &why)));
    }
    if let Replacing::Outdated(sources) = replacing {
        said_outdated(&args.reports_dir.join(period.file_name()), sources);
    }
    // A refused table's records are said on the cover as refused, not as of a source removed.
    // Records or runs of sources no longer configured (renamed, removed, refused) are a
    // collection.
    let collected_by_others = !unconfigured.is_empty() || others_ran.is_some();
    let unconfigured: BTreeMap<String, i64> = unconfigured
        .into_iter()
        .filter(|(name, _)| {
            !config
                .refused
                .iter()
                .any(|table| table.name.as_deref() == Some(name))
        })
        .collect();
    let (quarantined, raw_problems) = match raw {
        Some(raw) => raw.fold_into(config, &period, now, &mut data, &mut first_runs),
        None => (Quarantined::NotGiven, Vec::new()),
    };
    // Of a stretch the database lost: its collections and records missing from the report,
    // not missing from the world, and each source's counted from where its runs lost end.
    let (lost_runs, lost_until) = lost_in_period(&lost, config, &data, &first_runs, &period);
    let problems: Vec<String> = unread.lines().into_iter().chain(raw_problems).collect();
    // A refused table's runs and records are read by nobody here: its source may have
    // collected long before, so the period is reported, its cover saying the table is refused.
    let before_first = before_first_collection(&data, &first_runs, &period);
    // A missed period is caught up only after the first known collection, whatever is refused
    // or unread now: there is nothing to catch up before it.
    let missed = matches!(replacing, Replacing::Missed);
    if missed {
        if !collected_by_others && (first_runs.is_empty() || before_first.is_some()) {
            return Ok(None);
        }
    } else if args.if_missing
        && problems.is_empty()
        && !collected_by_others
        && config.refused.is_empty()
        && let Some(first) = before_first
    {
        tracing::info!(path = %args.reports_dir.join(period.file_name()).display(), first_collection = %first, "This period ended before the first known collection: no report of it is written (--if-missing).");
        return Ok(None);
    }
    if missed {
        let path = args.reports_dir.join(period.file_name());
        // While a table is still refused, a report leaving it out is written again for
        // having been written early.
        if config.refused.is_empty()
            && std::fs::read(&path).is_ok_and(|bytes| crate::pdf::left_out_refused(&bytes))
        {
            tracing::info!(path = %path.display(), "The report of this period left out [[source]] tables the configuration refused then, and reads them all now: written again (--if-missing).");
        } else if path.exists() {
            tracing::info!(path = %path.display(), "The report of this period was written before its data was complete (by hand, or by an older version's crontab at 00:15): written again (--if-missing).");
        } else if let Some(first) = first_runs
            .values()
            .min()
            .filter(|first| **first >= period.end())
        {
            // No job was due then: the installation began after it.
            tracing::info!(path = %path.display(), first_collection = %first, "This period ended before the first known collection and holds records collected since (a source's past days, a backfill): written now (--if-missing).");
        } else {
            tracing::info!(path = %path.display(), "No report of this period was written once it was complete (its job did not run then: the machine off or asleep at its hour, or the job failed): written now (--if-missing).");
        }
    }
    let started = std::time::Instant::now();
    // Dated when its data was read: a summary written since, even while the report was laid
    // out, is newer (see `outdated`); or when a summariser run still storing hours began. The
    // PDF records it too, which a copy of the file keeps.
    let read_at = read_at(summariser_began, &period, now);
    let pdf = crate::report::render(&ReportInput {
        config,
        period: &period,
        data: &data,
        first_runs: &first_runs,
        runs_kept_from,
        quarantined: &quarantined,
        problems: &problems,
        lost_runs: &lost_runs,
        newest_runs: &newest_runs,
        lost_until: &lost_until,
        credentials_missing: &credentials_missing(config),
        unconfigured: &unconfigured,
        generated_at: now,
        data_read_at: read_at,
        written_again: rewrite,
    })?;
    let path = args.reports_dir.join(period.file_name());
    // Before the write, counting the report to come: a full disk then has room for it. A
    // folder that cannot be tidied is worth a warning, not a failure.
    prune_old_reports(&args.reports_dir, config, &period);
    save(&path, &pdf)?;
    let dated = std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(read_at.into()));
    if let Err(err) = dated {
        tracing::warn!(path = %path.display(), error = %err, "Cannot date the report when its data was read: it keeps the time it was written.");
    }
    // Where it is whatever the working folder (cron's is the home folder, or `/`).
    let path = std::path::absolute(&path).unwrap_or(path);
    for lost in &lost_runs {
        tracing::warn!(path = %path.display(), "{lost} (the report's cover says so).");
    }
    tracing::info!(
        path = %path.display(),
        bytes = pdf.len(),
        render_ms = started.elapsed().as_millis() as u64,
        "Wrote the report."
    );
    Ok(Some(WrittenReport { path, problems }))
}

/// The report of `period` already written, left as it is rather than replaced, for `why`: the
/// configuration refuses a table or lacks a source whose records the period holds (see
/// [`write_period`]). A warning: the report lacks the hours summarised since.
fn left_as_it_is(args: &ReportArgs, period: &ReportPeriod, why: &str) -> WrittenReport {
    let path = args.reports_dir.join(period.file_name());
    let again = again_command(args, period);
    tracing::warn!(
        path = %path.display(),
        "Hours of this report's period were summarised since it was written, but it is left as it is, without them: {why} (a table refused, or a source removed or renamed), whose section writing it again would leave out. Put the table back (`enabled = false` keeps it from collecting), or write the report again without it: `{}`{}.",
        again.command,
        again.note(),
    );
    WrittenReport::found(path)
}

/// The command writing the report of `period` again, as this run was given its options (see
/// [`crate::cli::pasteable`]).
fn again_command(args: &ReportArgs, period: &ReportPeriod) -> crate::cli::Pasteable {
    let first_day = period.first_day.to_string();
    let database = args.mongo.database();
    let given = crate::cli::Given {
        raw_dir: args.raw_dir.as_deref(),
        config: &args.config.config,
        reports_dir: &args.reports_dir,
        database: &database,
        uri: &args.mongo.uri,
    };
    crate::cli::pasteable(
        &["--period", period.kind.name(), "--date", &first_day],
        given,
    )
}

/// When the summariser run holding `raw/.summariser.lock` began (its lock file's time), when
/// one holds it.
fn summariser_at_work(raw_dir: &Path) -> Option<DateTime<Utc>> {
    let lock = releve::rawfile::summariser_lock(raw_dir);
    if !releve::lock::is_held(&lock).unwrap_or(false) {
        return None;
    }
    std::fs::metadata(&lock)
        .and_then(|meta| meta.modified())
        .ok()
        .map(DateTime::<Utc>::from)
}

/// When a report whose data was read at `now` is dated: then, or when the summariser run at
/// work as it was read began (`summariser_began`), whichever is earlier. The summariser dates
/// the hours it stores (`updated_at`) before it writes them, in chunks: hours of that run
/// written after the report read them are dated after its start, so `--if-missing` finds them
/// newer than the report and writes it again. Never before the period's data was due stored,
/// which would make `--if-missing` take the report for one written too early and write it at
/// every run.
fn read_at(
    summariser_began: Option<DateTime<Utc>>,
    period: &ReportPeriod,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let Some(began) = summariser_began else {
        return now;
    };
    let due_stored = (period.complete_at() + crate::period::STORED_WITHIN).min(now);
    (began - chrono::TimeDelta::seconds(1)).clamp(due_stored, now)
}

/// The first known collection, when `period` ended before it and holds nothing: no run, no
/// record, no file waiting. A period with none of these after collections began (an outage)
/// is reported.
fn before_first_collection(
    data: &BTreeMap<String, SourceData>,
    first_runs: &BTreeMap<String, DateTime<Utc>>,
    period: &ReportPeriod,
) -> Option<DateTime<Utc>> {
    let first = first_runs.values().min().copied()?;
    let empty = data
        .values()
        .all(|source| source.runs.is_empty() && source.records() == 0 && source.waiting.runs == 0);
    (empty && first >= period.end()).then_some(first)
}

/// What the report reads of MongoDB.
struct Loaded {
    data: BTreeMap<String, SourceData>,
    first_runs: BTreeMap<String, DateTime<Utc>>,
    runs_kept_from: Option<DateTime<Utc>>,
    /// The period's records of sources the configuration does not collect (no longer
    /// configured, or refused), by source name.
    unconfigured: BTreeMap<String, i64>,
}

/// Reads the period's data, each source's first run, where the runs kept begin and the
/// period's records of sources no longer configured.
async fn load(
    db: &mongodb::Database,
    config: &Config,
    period: &ReportPeriod,
    now: DateTime<Utc>,
    unread: &crate::query::Unread,
) -> Result<Loaded, AnalyserError> {
    // A mistyped `--database` or URI would otherwise replace a good report with an empty one.
    releve::store::require_releve_data(db).await?;
    Ok(Loaded {
        data: crate::query::load(db, config, period, now, unread).await?,
        first_runs: crate::query::first_runs(db, config, unread).await?,
        runs_kept_from: crate::query::runs_kept_from(db, config, now, unread).await?,
        unconfigured: crate::query::unconfigured(db, config, period).await,
    })
}

/// Removes the reports of `period`'s kind past the `keep` newest, warning of what cannot be.
fn prune_old_reports(reports_dir: &Path, config: &Config, period: &ReportPeriod) {
    match crate::retention::prune(
        reports_dir,
        period.kind,
        config.report.keep,
        &period.file_name(),
    ) {
        Ok(tried) => {
            for (old, outcome) in tried {
                match outcome {
                    Ok(()) => tracing::info!(path = %old.display(), "Removed an old report."),
                    Err(err) => {
                        tracing::warn!(path = %old.display(), error = %err, "Cannot remove an old report.");
                    }
                }
            }
        }
        // No folder yet (the first report makes it), or no folder at all, which the write says.
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) => {}
        Err(err) => {
            tracing::warn!(folder = %reports_dir.display(), error = %err, "Cannot list the reports folder to remove old reports.");
        }
    }
}

/// Renders the report of `period` from already loaded data; for benchmarks and tests. Each
/// source's first known collection is taken to be its first run in `data`, if any; a source
/// with a run known but none in the period (a last success) is taken to collect since before
/// it.
pub fn render_report(
    config: &Config,
    period: &ReportPeriod,
    data: &BTreeMap<String, crate::query::SourceData>,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, RenderError> {
    crate::report::render(&ReportInput {
        config,
        period,
        data,
        first_runs: &BTreeMap::new(),
        runs_kept_from: None,
        quarantined: &Quarantined::NotGiven,
        problems: &[],
        lost_runs: &[],
        newest_runs: &Default::default(),
        lost_until: &BTreeMap::new(),
        credentials_missing: &BTreeSet::new(),
        unconfigured: &BTreeMap::new(),
        generated_at,
        data_read_at: generated_at,
        written_again: false,
    })
}

/// The sources the collector would skip here for lack of credentials.
fn credentials_missing(config: &Config) -> BTreeSet<String> {
    config
        .sources
        .iter()
        .filter(|source| releve::credentials::missing_for(source).is_some())
        .map(|source| source.name.clone())
        .collect()
}

/// What the report of `period` says of the stretches a database lost (`lost`), one line per
/// stretch overlapping it, and from when each source's collections are counted there: after
/// its last run lost, or, of a source collecting by day, after the last day of the period that
/// a run lost may have collected (see [`days_lost`]).
fn lost_in_period(
    lost: &[releve::store::restored::LostRuns],
    config: &Config,
    data: &BTreeMap<String, SourceData>,
    first_runs: &BTreeMap<String, DateTime<Utc>>,
    period: &ReportPeriod,
) -> (Vec<String>, BTreeMap<String, DateTime<Utc>>) {
    let mut lost_runs = Vec::new();
    let mut lost_until: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    // A source collecting by day (France Travail) collects days, not the time it runs: its
    // runs lost collected the days of the period the database holds no run of (see
    // `days_lost`).
    let by_day = |name: &str| {
        config
            .source(name)
            .is_some_and(releve::Source::collects_by_day)
    };
    let mut last_day_lost: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    for lost in lost {
        let mut overlapping: Vec<_> = lost
            .overlapping(period.start(), period.end())
            .into_iter()
            .filter(|source| !by_day(&source.name))
            .collect();
        for source in &lost.sources {
            if !by_day(&source.name) {
                continue;
            }
            let held = data.get(&source.name);
            let first = first_runs.get(&source.name).copied();
            if let Some(day) = days_lost(source, lost.until, held, first, period) {
                overlapping.push(source);
                // Its midnight on the report's clock: a France Travail day counts in the report's
                // day of that date, and its collections from the next.
                let day = crate::period::local_midnight(period.tz, day);
                let last = last_day_lost.entry(source.name.clone()).or_insert(day);
                *last = (*last).max(day);
            }
        }
        if overlapping.is_empty() {
            continue;
        }
        lost_runs.push(format!(
            "{}: this period's collections and records of that stretch are missing from this report, not uncollected",
            lost.fact_of(&overlapping)
        ));
        for source in overlapping {
            // Of a source collecting by day, counted from the day after the last one lost.
            let last = last_day_lost
                .get(&source.name)
                .copied()
                .unwrap_or(source.until);
            let until = lost_until.entry(source.name.clone()).or_insert(last);
            *until = (*until).max(last);
        }
    }
    (lost_runs, lost_until)
}

/// The last of the days of `period` that the runs of `source` a database lost may have collected,
/// `source` collecting by day: a run collects the day before it starts, or, catching up, up to
/// [`releve::CATCH_UP_DAYS`] before, so the days from that far before the first run lost to the
/// day before the last, that the database holds no successful run of (`held`, the period's
/// runs). A source whose runs the database held before the stretch is counted from its first
/// known collection (`first`); one it held none of, from the day before its first run noted
/// (a new source's first run collects yesterday alone). `None` when no such day is in the
/// period.
fn days_lost(
    source: &releve::store::restored::LostSource,
    until: DateTime<Utc>,
    held: Option<&SourceData>,
    first: Option<DateTime<Utc>>,
    period: &ReportPeriod,
) -> Option<chrono::NaiveDate> {
    let earliest = match (source.after, source.from) {
        (Some(after), _) => {
            // Given as its first day's midnight on the report's clock.
            let first_day = first
                .filter(|first| *first <= after)
                .map_or(chrono::NaiveDate::MIN, |first| {
                    first.with_timezone(&period.tz).date_naive()
                });
            (after.date_naive() - chrono::Days::new(releve::CATCH_UP_DAYS)).max(first_day)
        }
        (None, Some(from)) => from.date_naive() - chrono::Days::new(1),
        (None, None) => (until - chrono::TimeDelta::days(90)).date_naive(),
    };
    let from = earliest.max(period.first_day);
    let last = (source.until.date_naive() - chrono::Days::new(1))
        .min(period.end_day - chrono::Days::new(1));
    let held_days: BTreeSet<chrono::NaiveDate> = held
        .map(|data| {
            data.runs
                .iter()
                .filter(|run| run.error.is_none())
                .filter_map(crate::query::CollectionRun::collected_day)
                .collect()
        })
        .unwrap_or_default();
    from.iter_days()
        .take_while(|day| *day <= last)
        .filter(|day| !held_days.contains(day))
        .last()
}

/// Writes the report all at once (see [`releve::rawfile::replace_file`]): a reader never sees
/// a partial report, and a failed write leaves no temporary file.
fn save(path: &Path, bytes: &[u8]) -> Result<(), AnalyserError> {
    if let Some(folder) = path.parent()
        && std::fs::metadata(folder).is_ok_and(|meta| !meta.is_dir())
    {
        return Err(AnalyserError::Write {
            path: folder.to_owned(),
            cause: std::io::Error::other("it is not a folder: check --reports-dir"),
        });
    }
    releve::rawfile::replace_file(path, bytes).map_err(|cause| AnalyserError::Write {
        path: path.to_owned(),
        cause,
    })
}
