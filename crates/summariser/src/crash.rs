//! Test hook for crash-safety tests: `RELEVE_CRASH_AFTER=<step>:<n>` makes the process abort
//! (like `kill -9`: no clean-up, no destructors) the n-th time it passes the named step. Steps:
//! `pending-written`, `records-inserted` (per chunk), `records-updated` (per `update` command
//! of up to 500 replaced records), `records-removed` (per chunk of records moved into hours
//! past `keep_days`), `records-confirmed` (per
//! `update` command of up to 500 repeated records), `hourly-replaced` (per
//! `update` command of up to 500 hours), `hourly-deleted` (the emptied hours), `pending-cleared`,
//! `runs-loaded`, `rejected-noted` (per file with dropped records), `rejected-records-kept`
//! (per `insert_many` of dropped records), `progress-noted`, `quarantine-reason-written`
//! (before the quarantined file's rename), `file-deleted`. Debug builds only (the tests'): a
//! release build ignores the variable, so no environment can make an installed summariser
//! abort halfway.
//!
//! `RELEVE_HOLD_AT=<step>:<path>` (debug builds too) makes the process, the first time it passes
//! the step, create the file `path` and wait, polling, until it is removed: a test can then
//! start another run while this one is surely halfway, holding its lock.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable holding the crash point.
pub const CRASH_AFTER: &str = "RELEVE_CRASH_AFTER";
/// The environment variable holding the step to wait at, and the file that says so.
pub const HOLD_AT: &str = "RELEVE_HOLD_AT";

static PLAN: OnceLock<Option<(String, u32)>> = OnceLock::new();
static PASSED: AtomicU32 = AtomicU32::new(0);
static HOLD: OnceLock<Option<(String, std::path::PathBuf)>> = OnceLock::new();
static HELD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Waits at `step` when [`HOLD_AT`] names it, the first time only (see the module's doc).
fn hold(step: &str) {
    let hold = HOLD.get_or_init(|| {
        let spec = std::env::var(HOLD_AT).ok()?;
        let (name, path) = spec.split_once(':')?;
        Some((name.to_owned(), path.into()))
    });
    if let Some((name, path)) = hold
        && name == step
        && !HELD.swap(true, Ordering::SeqCst)
        && std::fs::write(path, b"held").is_ok()
    {
        eprintln!(
            "summariser: {HOLD_AT}={name} reached, waiting for {} to go.",
            path.display()
        );
        while path.exists() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// Marks that `step` has just completed; aborts the process when the crash point says so.
pub fn passed(step: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    hold(step);
    let plan = PLAN.get_or_init(|| {
        let spec = std::env::var(CRASH_AFTER).ok()?;
        let (name, count) = spec.split_once(':')?;
        Some((name.to_owned(), count.parse().ok()?))
    });
    if let Some((name, count)) = plan
        && name == step
        && PASSED.fetch_add(1, Ordering::SeqCst) + 1 == *count
    {
        eprintln!("summariser: {CRASH_AFTER}={name}:{count} reached, aborting.");
        std::process::abort();
    }
}
