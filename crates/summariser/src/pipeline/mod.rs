//! One source's landed files, oldest first, in batches: read and merge the files, write what
//! changed, recompute the touched hours, load the run metrics, and only then delete the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use mongodb::Database;
use releve::rawfile::LandingOrder;
use releve::{RawFileName, RawFileRole, Source, rawfile};
use tracing::{debug, warn};

use crate::batch::{Batch, final_hours};
use crate::landed::{self, LandedFile, ReadError};
use crate::plan::InHand;
use crate::{
    Failure, SourceReport, SummariseError, database, plan, progress, quarantine, rejected,
};

mod disposal;
mod runs;
mod started;

use database::SameSummary;
use disposal::{delete_done, hold_back, set_aside};
use runs::load_runs;
pub use started::Started;

/// A batch is written once its files hold this many bytes; a file that would take a batch past
/// it starts the next one (a larger file makes a batch alone).
const BATCH_BYTES: u64 = 32 * 1024 * 1024;
/// ... or this many files (the default of [`crate::Options::batch_files`]).
pub const BATCH_FILES: usize = 500;

/// How much one source's files are read at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files merged into one batch at most.
    pub batch_files: usize,
    /// The largest file read: a file is read whole, a larger one waits in place.
    pub max_file_bytes: u64,
}

/// Summarises every landed file of `source` into `report`. A folder that cannot be listed is
/// a failure of this source only; an error is MongoDB failing, which stops the run.
pub async fn summarise_source(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    limits: Limits,
    started: &Started,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    let batch_files = limits.batch_files;
    // A folder that cannot be listed holds no file to read; the hours a crashed run left
    // pending are summarised all the same (database work only).
    let names = landed_files(raw_dir, source, report).unwrap_or_default();
    let pending = started.pending(&source.name);
    let mut run = SourceRun {
        waiting: quarantine::waiting(raw_dir, &source.name),
        newest: newest_summarised(source, started.newest(&source.name)),
        leftover: pending.hours,
        summaries_only: pending.summaries_only,
        read_back: BTreeSet::new(),
        max_file_bytes: limits.max_file_bytes,
    };
    let mut batch = Batch::default();
    // Files landed no later than the newest file summarised: files summarised before and left
    // or put back (a run that died while deleting, a rerun), or a file moved back from
    // quarantine. They come first in landing order, and are gathered apart (see
    // `flush_returned`).
    let mut returned = Batch::default();
    for name in names {
        match name.role {
            RawFileRole::Metrics => batch.metrics_files.push(name),
            RawFileRole::Data => {
                let Some(file) = read_landed(raw_dir, source, &name, &mut run, report) else {
                    continue;
                };
                if run
                    .newest
                    .is_some_and(|newest| name.landing_order() <= newest)
                {
                    if !returned.data_files.is_empty()
                        && (returned.bytes + file.bytes > BATCH_BYTES
                            || returned.data_files.len() >= batch_files)
                    {
                        let full = std::mem::take(&mut returned);
                        flush_returned(db, raw_dir, source, full, &mut run, report).await?;
                    }
                    returned.merge(name, file, final_hours(source));
                    continue;
                }
                if !returned.is_empty() {
                    let full = std::mem::take(&mut returned);
                    flush_returned(db, raw_dir, source, full, &mut run, report).await?;
                }
                // A file that would take the batch past its size is merged into the next one.
                if !batch.data_files.is_empty() && batch.bytes + file.bytes > BATCH_BYTES {
                    let full = std::mem::take(&mut batch);
                    flush(db, raw_dir, source, full, &mut run, report).await?;
                }
                batch.merge(name, file, final_hours(source));
            }
        }
        if batch.bytes >= BATCH_BYTES || batch.data_files.len() >= batch_files {
            let full = std::mem::take(&mut batch);
            flush(db, raw_dir, source, full, &mut run, report).await?;
        }
    }
    if !returned.is_empty() {
        flush_returned(db, raw_dir, source, returned, &mut run, report).await?;
    }
    if !batch.is_empty() || !run.leftover.is_empty() {
        flush(db, raw_dir, source, batch, &mut run, report).await?;
    }
    let left = leave_final_hours(db, source, &mut run.read_back).await?;
    if left > 0 {
        warn!(source = %source.name, hours = left, "Left the summaries of hours this run was to read back as they are: they began more than keep_days ago while it ran, and their records are expiring.");
    }
    if !run.read_back.is_empty() {
        report.hours_written += recompute(
            db,
            source,
            &run.read_back,
            BTreeMap::new(),
            &run.summaries_only,
        )
        .await?;
    }
    Ok(())
}

/// Recomputes `hours` (see [`database::recompute_hours`]): written, their records changed,
/// but for those among `summaries_only`, which an interrupted `--resummarise` left pending and
/// no batch touched since: those are left as they are when their summary comes out the same,
/// as the `--resummarise` would have left them.
async fn recompute(
    db: &Database,
    source: &Source,
    hours: &BTreeSet<DateTime<Utc>>,
    mut in_hand: BTreeMap<DateTime<Utc>, Vec<plan::HourRecord>>,
    summaries_only: &BTreeSet<DateTime<Utc>>,
) -> Result<usize, SummariseError> {
    let (left, written): (BTreeSet<_>, BTreeSet<_>) = hours
        .iter()
        .copied()
        .partition(|hour| summaries_only.contains(hour));
    let mut count = 0;
    if !left.is_empty() {
        let held = left
            .iter()
            .filter_map(|hour| in_hand.remove_entry(hour))
            .collect();
        count +=
            database::recompute_hours(db, source, &left, held, SameSummary::LeftAsItIs).await?;
    }
    if !written.is_empty() {
        count +=
            database::recompute_hours(db, source, &written, in_hand, SameSummary::Written).await?;
    }
    Ok(count)
}

/// Takes out of `hours` those that began more than the source's `keep_days` ago: their
/// records are expiring, so their summaries stay as they are (recomputed, they would shrink)
/// and they are no longer pending. Returns how many it took out.
async fn leave_final_hours(
    db: &Database,
    source: &Source,
    hours: &mut BTreeSet<DateTime<Utc>>,
) -> Result<usize, SummariseError> {
    let Some(horizon) = plan::retention_horizon(source) else {
        return Ok(0);
    };
    let recent = hours.split_off(&horizon);
    let final_hours = std::mem::replace(hours, recent);
    if !final_hours.is_empty() {
        database::clear_pending(db, &source.name, &final_hours).await?;
    }
    Ok(final_hours.len())
}

/// The files landed in the source's folder, oldest first, after naming the entries no
/// stage reads; `None`, with the failure noted, when the folder cannot be listed.
fn landed_files(
    raw_dir: &Path,
    source: &Source,
    report: &mut SourceReport,
) -> Option<Vec<RawFileName>> {
    match rawfile::list_all(raw_dir, &source.name) {
        Ok(listing) => {
            for foreign in &listing.foreign {
                let file = raw_dir.join(&source.name).join(foreign);
                warn_foreign(&file, foreign, source);
            }
            for entry in &listing.not_files {
                let file = raw_dir.join(&source.name).join(entry);
                warn!(file = %file.display(), "Left alone an entry named as a landed file that is not a file (a folder, a named pipe, a device, a socket): no stage opens it; move it away.");
            }
            warn_future_names(raw_dir, source, &listing.landed);
            Some(listing.landed)
        }
        Err(err) => {
            report.failures.push(Failure::in_place(
                raw_dir.join(&source.name),
                format!("cannot list the folder: {err}"),
            ));
            None
        }
    }
}

/// Warns of `file`, named `foreign` in `source`'s folder, which no stage reads: a landed file
/// of another source whose folder is there (moved here by hand) is to go back to it, a
/// quarantine's reason file (moved back with its file) to be deleted, anything else (a file
/// of a source renamed with its folder) to be named as the source's landed files are to be
/// summarised.
fn warn_foreign(file: &Path, foreign: &str, source: &Source) {
    let others = RawFileName::parse(foreign).filter(|name| {
        name.source != source.name
            && file
                .parent()
                .and_then(Path::parent)
                .is_some_and(|raw_dir| raw_dir.join(&name.source).is_dir())
    });
    if let Some(theirs) = others {
        warn!(file = %file.display(), "Left alone a landed file of source `{}`, not this one: no stage reads it here (a file is never stored under another source than the one it was landed for); move it back to raw/{}/.", theirs.source, theirs.source);
    } else if foreign.ends_with(".reason") {
        warn!(file = %file.display(), "Left alone a quarantine's reason file (it says why its file was set aside): no stage reads it; delete it once its file is fixed and moved back.");
    } else {
        warn!(file = %file.display(), expected = %RawFileName::pattern(&source.name), "Left alone a file not named as a landed file of this source: no stage reads it; to have it summarised, name it as `expected` says.");
    }
}

/// The newest file of `source` summarised so far (see [`progress`]), unless it is named ahead
/// of the clock, which ran ahead and was set right since: files landed since are then newer
/// ones, not files summarised before, and replace the versions stored then (said).
fn newest_summarised(source: &Source, newest: Option<LandingOrder>) -> Option<LandingOrder> {
    if let Some(ahead) = newest.filter(|newest| newest.ahead_of(Utc::now())) {
        warn!(
            source = %source.name,
            newest = %ahead.landed_at.format("%Y-%m-%dT%H:%M:%SZ"),
            "The newest file summarised of this source is named ahead of this clock (which ran ahead, and was set right): the files landed since are taken as the newer ones, and their records replace the versions stored then."
        );
        return None;
    }
    newest
}

/// Warns of files named more than a minute after now (see [`LandingOrder::ahead_of`]): their
/// records win over those of the files summarised with them, which a clock that ran ahead (or
/// a name made by hand) makes silent; files landed later replace them.
fn warn_future_names(raw_dir: &Path, source: &Source, landed: &[RawFileName]) {
    let now = Utc::now();
    // Oldest first: those named in the future end the list.
    let future = &landed[landed.partition_point(|name| !name.landing_order().ahead_of(now))..];
    if let Some(newest) = future.last() {
        warn!(
            source = %source.name,
            files = future.len(),
            newest = %newest.path_in(raw_dir).display(),
            "Files named with a landing time in the future (a clock that ran ahead, a name made by hand): their records win over those of the files summarised with them; files landed later replace them."
        );
    }
}

/// Summarises files landed no later than the newest file summarised. When, together, they
/// write no record (a rerun of files already summarised), they are one batch: one by one they
/// would write none either (see [`plan::Plan::writes_nothing`]). Otherwise one of them brings
/// a version the database has not seen (a file moved back from quarantine), and each is
/// summarised alone, as separate runs after each file would have: what it changes then does
/// not depend on which files share its batch.
async fn flush_returned(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    group: Batch,
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    run.waiting
        .extend(quarantine::waiting(raw_dir, &source.name));
    if group.data_files.len() <= 1
        || plan::plan(db, source, &group, run.waiting.clone(), InHand::Never)
            .await?
            .writes_nothing()
    {
        return flush(db, raw_dir, source, group, run, report).await;
    }
    // Run metrics are never gathered here (they go with the next batch).
    flush_each_alone(db, raw_dir, source, group.data_files, run, report).await
}

/// Summarises each of `files` alone, as separate runs would, reading it again: a batch's
/// merged records are gone once it is written.
async fn flush_each_alone(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    files: Vec<RawFileName>,
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    for name in files {
        let path = name.path_in(raw_dir);
        let file = match read_or_wait(&name, &path, source, run) {
            Ok(file) => file,
            Err(err) => {
                report.failures.push(set_aside(raw_dir, path, err));
                continue;
            }
        };
        let mut alone = Batch::default();
        alone.merge(name, file, final_hours(source));
        // A file alone replaces no version of another file: it leaves none to summarise.
        write_batch(db, raw_dir, source, alone, run, report).await?;
    }
    Ok(())
}

/// What a source's run carries from batch to batch.
struct SourceRun {
    /// Files seen waiting in quarantine during the run, and those left in place because they
    /// could not be read: once seen they stay waiting for the whole run, even if moved back
    /// meanwhile, so the files after them still confirm what they repeat.
    waiting: BTreeSet<LandingOrder>,
    /// The newest file summarised into the database so far (see [`progress`]).
    newest: Option<LandingOrder>,
    /// Hours a crashed run left pending, recomputed with the next batch.
    leftover: BTreeSet<DateTime<Utc>>,
    /// Of those, the hours a crashed `--resummarise` left pending whose records no batch of
    /// this run changed (see [`recompute`]).
    summaries_only: BTreeSet<DateTime<Utc>>,
    /// Hours to recompute from `records` once the source's batches are written: an hour
    /// whose records are not all in a batch is read back once per run, not once per batch
    /// touching it (ten files of one day's offers would read the day back ten times). They
    /// stay noted as pending until then, so a run that dies first leaves them to the next.
    read_back: BTreeSet<DateTime<Utc>>,
    /// The largest file read (see [`Limits::max_file_bytes`]).
    max_file_bytes: u64,
}

/// Reads one landed data file; a file that cannot be used is quarantined or left for the next
/// run, and counted as a failure.
fn read_landed(
    raw_dir: &Path,
    source: &Source,
    name: &RawFileName,
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Option<LandedFile> {
    let path = name.path_in(raw_dir);
    match read_or_wait(name, &path, source, run) {
        Ok(file) => {
            if file.rejected > 0 {
                let why = crate::landed::why_unusable(source, &file.rejected_records);
                warn!(file = %path.display(), rejected = file.rejected, why = %why, "Skipped records lacking a key or a time.");
            }
            if let Some(example) = &file.ahead.example {
                warn!(file = %path.display(), records = file.ahead.records, example = %example, time = %source.time, "{}", releve::record::ahead_without_offset(source.local_times));
            }
            let ahead = &file.ahead_with_offset;
            if ahead.records > 0 {
                warn!(source = %source.name, file = %path.display(), records = ahead.records, time = %source.time, "{}", releve::record::ahead_with_offset(ahead.furthest));
            }
            for (field, values) in source.numeric.iter().zip(&file.numeric) {
                if values.only_text() {
                    warn!(file = %path.display(), field = %field, records = values.texts, example = ?values.example.as_deref().unwrap_or_default(), "A numeric field holds text that is not a number, and never a number: it is summarised as nulls (a decimal comma, `12,5`, is not read as a number; see the README's `numeric`).");
                }
            }
            report.records_read += file.records.len();
            report.records_rejected += file.rejected;
            Some(file)
        }
        Err(err) => {
            report.failures.push(set_aside(raw_dir, path, err));
            None
        }
    }
}

/// Reads a landed data file. One that cannot be used waits, like a file in quarantine, so the
/// files after it that repeat a version become its `last_file` and it reads as stale once
/// read (see [`crate::plan`]): whether it is quarantined (refused), or stays in place for the
/// next run (an I/O error, larger than the run's `max_file_bytes`, or refused and it could
/// not be moved to quarantine).
fn read_or_wait(
    name: &RawFileName,
    path: &Path,
    source: &Source,
    run: &mut SourceRun,
) -> Result<LandedFile, ReadError> {
    let read = landed::read(path, source, run.max_file_bytes);
    if read.is_err() {
        run.waiting.insert(name.landing_order());
    }
    read
}

/// Summarises `batch`, then alone each of its files left in place because a later version
/// of one of their records could not be stored (see [`hold_back`]): in this run, as a run
/// that died after the batch would on its rerun.
async fn flush(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    batch: Batch,
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    let replaced = write_batch(db, raw_dir, source, batch, run, report).await?;
    flush_each_alone(db, raw_dir, source, replaced, run, report).await
}

/// The batch's files about to be quarantined for records MongoDB cannot store wait from now
/// on, as they will at every later run: the records the batch repeats after one of them name
/// the repeat as their `last_file`, as when a run summarises the files after them (a rerun
/// after a crash, or one file per batch). Known only once the batch is written, they were not
/// waiting when it was planned: its confirmations are planned again.
async fn wait_for_quarantined(
    db: &Database,
    source: &Source,
    batch: &Batch,
    unstorable: &[database::Unstorable],
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    let quarantined: BTreeSet<LandingOrder> = unstorable
        .iter()
        .flat_map(|record| &record.files)
        .map(|index| batch.data_files[*index].landing_order())
        .collect();
    if quarantined.is_subset(&run.waiting) {
        return Ok(());
    }
    run.waiting.extend(quarantined);
    let again = plan::plan(db, source, batch, run.waiting.clone(), InHand::Never).await?;
    database::confirm_records(db, source, batch, &again).await?;
    report.records_confirmed += again.confirmations.len();
    Ok(())
}

/// The hours the batch touches, noted as pending in MongoDB before any record is written, with
/// those an interrupted run left pending; of these, hours now past `keep_days` keep their
/// summary and are no longer pending.
async fn pending_hours(
    db: &Database,
    source: &Source,
    plan: &plan::Plan,
    run: &mut SourceRun,
) -> Result<BTreeSet<DateTime<Utc>>, SummariseError> {
    let mut hours = std::mem::take(&mut run.leftover);
    let left = leave_final_hours(db, source, &mut hours).await?;
    if left > 0 {
        warn!(source = %source.name, hours = left, "Left the summaries of hours noted by an interrupted run as they are: those hours began more than keep_days ago and their records are expiring.");
    }
    hours.extend(plan.hours.iter().copied());
    run.summaries_only.retain(|hour| !plan.hours.contains(hour));
    if !plan.hours.is_empty() {
        database::note_pending(
            db,
            &source.name,
            &plan.hours,
            database::Pending::RecordsChanging,
        )
        .await?;
    }
    Ok(hours)
}

/// Summarises now the `hours` whose records are all in the batch's hand; the others are read
/// back from MongoDB once, at the end of the source's run.
async fn summarise_in_hand(
    db: &Database,
    source: &Source,
    hours: BTreeSet<DateTime<Utc>>,
    plan: &mut plan::Plan,
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Result<(), SummariseError> {
    // An hour the run reads back is never in hand (see `plan::InHand::Except`).
    let (in_hand, to_read): (BTreeSet<_>, BTreeSet<_>) = hours
        .into_iter()
        .partition(|hour| plan.in_hand.contains_key(hour));
    run.read_back.extend(to_read);
    if !in_hand.is_empty() {
        report.hours_written += recompute(
            db,
            source,
            &in_hand,
            std::mem::take(&mut plan.in_hand),
            &run.summaries_only,
        )
        .await?;
    }
    Ok(())
}

/// Writes `batch` and deletes what MongoDB acknowledged; returns the files left in place
/// because they hold versions replaced by versions MongoDB cannot store.
async fn write_batch(
    db: &Database,
    raw_dir: &Path,
    source: &Source,
    batch: Batch,
    run: &mut SourceRun,
    report: &mut SourceReport,
) -> Result<Vec<RawFileName>, SummariseError> {
    // The batch's own files quarantined while it was read are waiting too.
    run.waiting
        .extend(quarantine::waiting(raw_dir, &source.name));
    for (index, clashes) in &batch.key_clashes {
        let file = batch.data_files[*index].path_in(raw_dir);
        warn!(file = %file.display(), records = clashes, "Kept only the last of records sharing a key with a different record of the same file: is the source's `key` unique?");
    }
    let mut plan = plan::plan(
        db,
        source,
        &batch,
        run.waiting.clone(),
        InHand::Except(&run.read_back),
    )
    .await?;
    if let Some(example) = plan.kept_over_the_file.first() {
        warn!(source = %source.name, records = plan.kept_over_the_file.len(), example = %example, "Kept the stored version of records that a file moved back from quarantine holds otherwise: the stored version came from that very file, so a value edited in MongoDB stays, and a value fixed in the file is not stored. Change those records in MongoDB itself (`records`, then run summariser --resummarise SOURCE for their hours).");
    }
    if plan.past_retention > 0 {
        warn!(source = %source.name, records = plan.past_retention, "Skipped records of hours that began more than keep_days ago (their hour's stored records are expiring): neither stored nor summarised; raise keep_days above how late this source's records arrive.");
    }
    let hours = pending_hours(db, source, &plan, run).await?;
    let written = database::write_records(db, source, &batch, &plan).await?;
    report.records_inserted += written.inserted;
    report.records_updated += written.updated;
    report.records_removed += written.removed;
    if written.removed > 0 {
        warn!(source = %source.name, records = written.removed, "Removed stored records from `records` and from their hours' summaries: their newer version lies in an hour that began more than keep_days ago, which is final (a record whose time was revised that far back, or a changed `time` field: give a new definition of `time` a new source name).");
    }
    report.records_confirmed += plan.confirmations.len();
    let mut unstorable = written.unstorable;
    if !unstorable.is_empty() {
        plan.read_every_hour();
    }
    let touched = hours.len();
    summarise_in_hand(db, source, hours, &mut plan, run, report).await?;
    let loaded = load_runs(db, raw_dir, source, &batch, report).await?;
    rejected::clear_returned(db, &source.name, &batch, run.newest).await?;
    rejected::note(db, &source.name, &batch).await?;
    // Too large to keep there: held back whole with the unstorable records.
    unstorable.extend(rejected::keep_records(db, &source.name, &batch).await?);
    wait_for_quarantined(db, source, &batch, &unstorable, run, report).await?;
    // Noted before any file goes: a run that dies while deleting then reads the batch's
    // remaining files as out of order, each alone, never merged with newer files.
    // A file named ahead of the clock is not: files landed after it would be taken for ones
    // summarised before.
    if let Some(last) = batch.data_files.last()
        && run
            .newest
            .is_none_or(|newest| last.landing_order() > newest)
        && !last.landing_order().ahead_of(Utc::now())
    {
        progress::note(db, &source.name, last).await?;
        run.newest = Some(last.landing_order());
    }
    let held_back = hold_back(raw_dir, &batch, unstorable, report);
    let done = batch
        .data_files
        .iter()
        .enumerate()
        .filter(|(index, _)| !held_back.files.contains(index))
        .map(|(_, name)| name)
        .chain(loaded);
    delete_done(raw_dir, done, report);
    debug!(source = %source.name, files = batch.data_files.len(), records = batch.records.len(), hours = touched, "Summarised a batch.");
    Ok(held_back
        .replaced
        .iter()
        .map(|index| batch.data_files[*index].clone())
        .collect())
}
