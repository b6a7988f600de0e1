//! What becomes of a batch's files: deleted once MongoDB acknowledged what they hold,
//! quarantined when their content is refused, or left in place for the next run.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use releve::{RawFileName, RawFileRole};
use tracing::debug;

use crate::batch::Batch;
use crate::database::Unstorable;
use crate::landed::ReadError;
use crate::{Failure, SourceReport, crash, quarantine};

/// What becomes of a file that could not be read: quarantined when its content is refused,
/// left in place for the next run when it could not be read.
pub(super) fn set_aside(raw_dir: &Path, path: PathBuf, err: ReadError) -> Failure {
    match err {
        ReadError::Refused(reason) => refused(raw_dir, path, &reason),
        ReadError::Io(err) => unreadable(path, &err),
        too_large @ ReadError::TooLarge { .. } => Failure::in_place(path, too_large.to_string()),
    }
}

/// Quarantines a file that cannot be summarised; the failure says where it went. The reason
/// is folded onto one line (some library errors span several).
fn refused(raw_dir: &Path, path: PathBuf, reason: &str) -> Failure {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    match quarantine::quarantine(raw_dir, &path, &reason) {
        Ok(moved) => Failure {
            file: path,
            reason,
            moved_to: Some(moved),
        },
        Err(err) => Failure::in_place(path, format!("{reason}; could not be quarantined: {err}")),
    }
}

/// A file that could not be read; it stays in place for the next run.
fn unreadable(path: PathBuf, err: &std::io::Error) -> Failure {
    Failure::in_place(path, format!("cannot read: {err}"))
}

/// Deletes the files whose content MongoDB acknowledged.
pub(super) fn delete_done<'b>(
    raw_dir: &Path,
    done: impl Iterator<Item = &'b RawFileName>,
    report: &mut SourceReport,
) {
    for name in done {
        let path = name.path_in(raw_dir);
        match fs::remove_file(&path) {
            Ok(()) => match name.role {
                RawFileRole::Data => report.files_done += 1,
                RawFileRole::Metrics => report.metrics_done += 1,
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => report.failures.push(Failure::in_place(
                path,
                format!("summarised but cannot be deleted: {err}"),
            )),
        }
        crash::passed("file-deleted");
    }
}

/// The batch's files not to delete: what they hold is not all acknowledged.
pub(super) struct HeldBack {
    /// The indexes in the batch of every file held back.
    pub(super) files: BTreeSet<usize>,
    /// Those left in place because they hold versions replaced by versions MongoDB cannot
    /// store: none of their versions was stored, so each is to be summarised alone.
    pub(super) replaced: Vec<usize>,
}

/// Quarantines the data files holding versions MongoDB cannot store, instead of deleting
/// them: what they hold is not all acknowledged. Every file holding such a version goes, the
/// version's repeats included, as when each file is summarised alone (a rerun after a crash).
/// The batch's earlier files holding versions those replaced stay in place (no version of
/// theirs is stored), to be summarised alone; one of them that holds such a version too is
/// quarantined by that run, once its other records are stored.
pub(super) fn hold_back(
    raw_dir: &Path,
    batch: &Batch,
    mut unstorable: Vec<Unstorable>,
    report: &mut SourceReport,
) -> HeldBack {
    // Per file: how many of its records cannot be stored, and the first of them in words
    // (the same one whatever order the batch was written in).
    unstorable.sort_by(|a, b| a.record.cmp(&b.record));
    let mut per_file: BTreeMap<usize, (usize, &Unstorable)> = BTreeMap::new();
    for record in &unstorable {
        for file in &record.files {
            per_file.entry(*file).or_insert((0, record)).0 += 1;
        }
    }
    let mut superseding: BTreeMap<usize, &Unstorable> = BTreeMap::new();
    for record in &unstorable {
        for file in &record.superseded {
            superseding.entry(*file).or_insert(record);
        }
    }
    for (index, (count, example)) in &per_file {
        // Also holding an earlier version of a record whose later one cannot be stored: it is
        // summarised alone first (below), which stores its other records and quarantines it.
        if superseding.contains_key(index) {
            continue;
        }
        let reason = format!(
            "{count} record(s) MongoDB cannot store, among them {}: {}",
            example.record, example.reason
        );
        let path = batch.data_files[*index].path_in(raw_dir);
        report.failures.push(refused(raw_dir, path, &reason));
    }
    let mut replaced = Vec::new();
    for (index, later) in superseding {
        let file = batch.data_files[index].path_in(raw_dir);
        debug!(file = %file.display(), record = %later.record, later = %batch.data_files[later.files[0]].file_name(), "Summarising alone a file holding an earlier version of a record whose later version MongoDB cannot store.");
        replaced.push(index);
    }
    HeldBack {
        files: per_file
            .into_keys()
            .chain(replaced.iter().copied())
            .collect(),
        replaced,
    }
}
