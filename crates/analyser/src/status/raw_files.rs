//! What `status` reads of `raw/`: files and runs waiting, entries no stage reads, quarantine.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use releve::RawFileRole;
use releve::rawfile;
use releve::under_way::Trace;

use super::SourceStatus;
use super::last_runs::{not_after, record_run};
use crate::waiting_runs;

/// Why the raw folder itself cannot be read, if it cannot. One that does not exist yet holds
/// nothing: the collector makes it at its first run.
pub(super) fn unreadable_raw_dir(raw_dir: &Path) -> Option<String> {
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
pub(super) fn missing_raw_dir(raw_dir: &Path, sources: &mut [SourceStatus]) -> Option<String> {
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

pub(super) fn read_raw_folder(raw_dir: &Path, status: &mut SourceStatus, now: DateTime<Utc>) {
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

/// The quarantined files of each source, or why the quarantine cannot be read.
pub(super) fn quarantined_per_source(raw_dir: &Path) -> (BTreeMap<String, usize>, Option<String>) {
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
