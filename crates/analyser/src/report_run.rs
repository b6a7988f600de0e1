//! A report run: the period `--date` and `--period` ask for, written (or, with
//! `--if-missing`, found written, or written again when hours of it were summarised since),
//! the reports missed before it written too, and the old ones pruned.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use releve::Config;

use crate::cli::ReportArgs;
use crate::period::ReportPeriod;
use crate::report::{Quarantined, ReportInput};
use crate::run_client::RunClient;
use crate::{AnalyserError, RenderError, WrittenReport};
use one_period::write_period;

mod dated;
mod files;
mod left_as_it_is;
mod lost;
mod one_period;

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
