//! The report of one period written: its data read from MongoDB and the raw folder, a report
//! written already left as it is when writing it again would lose a source's section, a
//! period before the first known collection left unwritten, the file saved and dated.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use releve::Config;

use super::dated::{read_at, summariser_at_work};
use super::files::{prune_old_reports, save};
use super::left_as_it_is::left_as_it_is;
use super::lost::lost_in_period;
use super::{Replacing, credentials_missing, said_outdated};
use crate::cli::ReportArgs;
use crate::period::ReportPeriod;
use crate::query::SourceData;
use crate::raw_folder::RawFolder;
use crate::report::{Quarantined, ReportInput};
use crate::run_client::RunClient;
use crate::{AnalyserError, WrittenReport};

/// Writes the report of `period`; with `--if-missing`, `None` when the period ended before the
/// first known collection. A report `replacing` one written already is not written while the
/// configuration refuses a table without a name or lacks a source (refused or removed) whose
/// records or runs the period holds: the report written then may hold that source's section,
/// which the new one would lose.
pub(super) async fn write_period(
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
