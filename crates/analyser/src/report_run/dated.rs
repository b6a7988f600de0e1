//! When a report is dated: when its data was read, or when a summariser run at work as it was
//! read began.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::period::ReportPeriod;

/// When the summariser run holding `raw/.summariser.lock` began (its lock file's time), when
/// one holds it.
pub(super) fn summariser_at_work(raw_dir: &Path) -> Option<DateTime<Utc>> {
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
pub(super) fn read_at(
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
