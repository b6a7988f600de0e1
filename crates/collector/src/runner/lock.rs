//! The source's lock: taken for a run, tried again for an instant while `analyser status`
//! looks, and why it cannot be taken when something else stands in the source's folder.

use std::path::Path;

use releve::rawfile;
use releve::{RunLock, Source};

use super::SourceResult;

/// The source's lock, or the verdict when another run holds it or it cannot be taken. A run
/// asked to collect now (`--force`, `--since`, `--date`): another run holding the source
/// fails it, so its exit status does not say it collected.
pub(super) fn take_lock(
    source: &Source,
    raw_dir: &Path,
    forced: bool,
) -> Result<RunLock, SourceResult> {
    let lock_path = rawfile::source_lock(raw_dir, &source.name);
    match try_lock_awhile(&lock_path) {
        Ok(Some(lock)) => Ok(lock),
        Ok(None) if forced => Err(SourceResult::Failed(format!(
            "not collected: another collector run holds it ({}), collecting it or waiting for a slot behind its host's other sources; run again once that run ends",
            lock_path.display()
        ))),
        Ok(None) => {
            tracing::info!(source = %source.name, "Skipping source: another collector run holds it, collecting it or waiting for a slot behind its host's other sources.");
            Err(SourceResult::Skipped(
                "another collector run holds it, collecting it or waiting for a slot".to_owned(),
            ))
        }
        Err(err) => Err(SourceResult::Failed(
            not_a_folder(&raw_dir.join(&source.name))
                .unwrap_or_else(|| format!("cannot take the lock {}: {err}", lock_path.display())),
        )),
    }
}

/// How many times a lock found held is tried again, [`LOCK_RETRY_PAUSE`] apart.
const LOCK_RETRIES: u32 = 5;

/// The pause between two tries at a held lock.
const LOCK_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// [`RunLock::try_acquire`], tried again for a quarter of a second while another process
/// holds the lock: `analyser status` holds a source's lock for an instant to see whether a
/// run is going on, which a run would otherwise take for one (another run holds it for its
/// whole length, seconds at least).
fn try_lock_awhile(path: &Path) -> std::io::Result<Option<RunLock>> {
    for _ in 0..LOCK_RETRIES {
        if let Some(lock) = RunLock::try_acquire(path)? {
            return Ok(Some(lock));
        }
        std::thread::sleep(LOCK_RETRY_PAUSE);
    }
    RunLock::try_acquire(path)
}

/// Why the source's folder cannot hold a lock when something else stands in its place: a
/// file, or a symbolic link that leads nowhere (a loop, or a target since removed).
pub(crate) fn not_a_folder(folder: &Path) -> Option<String> {
    let entry = std::fs::symlink_metadata(folder).ok()?;
    match std::fs::metadata(folder) {
        Ok(target) if target.is_dir() => None,
        Ok(_) => Some(format!(
            "{} is a file, not the source's folder: move it away",
            folder.display()
        )),
        Err(_) if entry.is_symlink() => Some(format!(
            "{} is a symbolic link that leads nowhere (a loop, or its target is gone): point it at a folder or remove it",
            folder.display()
        )),
        Err(_) => None,
    }
}
