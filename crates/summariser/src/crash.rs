//! Test hook for crash-safety tests: `RELEVE_CRASH_AFTER=<step>:<n>` makes the process abort
//! (like `kill -9`: no clean-up, no destructors) the n-th time it passes the named step. Steps:
//! `pending-written`, `records-inserted` (per chunk), `record-updated`, `records-removed` (per
//! chunk of records moved into hours past `keep_days`), `records-confirmed` (per
//! `update` command of up to 500 repeated records), `hourly-replaced` (per
//! `update` command of up to 500 hours), `hourly-deleted` (the emptied hours), `pending-cleared`,
//! `runs-loaded`, `rejected-noted` (per file with dropped records), `rejected-records-kept`
//! (per `insert_many` of dropped records), `progress-noted`, `quarantine-reason-written`
//! (before the quarantined file's rename), `file-deleted`. Debug builds only (the tests'): a
//! release build ignores the variable, so no environment can make an installed summariser
//! abort halfway.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable holding the crash point.
pub const CRASH_AFTER: &str = "RELEVE_CRASH_AFTER";

static PLAN: OnceLock<Option<(String, u32)>> = OnceLock::new();
static PASSED: AtomicU32 = AtomicU32::new(0);

/// Marks that `step` has just completed; aborts the process when the crash point says so.
pub fn passed(step: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
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
