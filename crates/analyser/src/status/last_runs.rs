//! Folds a source's runs, from metrics files or `runs`, into its latest success and error.

use chrono::{DateTime, TimeDelta, Utc};
use releve::store::{StoredRun, chrono_date};

use super::SourceStatus;

/// The latest start of a run counted at `now`: a run dated later (a clock that ran ahead
/// when it was collected) would read as a fresh success until then, whatever happens since.
pub(crate) fn not_after(now: DateTime<Utc>) -> DateTime<Utc> {
    now + TimeDelta::minutes(1)
}

/// Folds one run into what is known of its source: the latest success, the latest error and
/// when the collector tries the source again after it.
pub(super) fn record_run(
    status: &mut SourceStatus,
    finished: DateTime<Utc>,
    error: Option<String>,
    retry_from: Option<DateTime<Utc>>,
) {
    match error {
        None => status.last_success = status.last_success.max(Some(finished)),
        Some(error) => {
            if status
                .last_error
                .as_ref()
                .is_none_or(|(at, _)| *at < finished)
            {
                // As the report says it: a failure stored without words still reads as one.
                let error = match error.trim() {
                    "" => "(no message recorded)".to_owned(),
                    _ => error,
                };
                // Dated when it failed (a run may retry for minutes first), as a success is.
                status.last_error = Some((finished, error));
                status.retry_from = retry_from;
            }
        }
    }
}

pub(super) fn fold_run_row(status: &mut SourceStatus, run: StoredRun) {
    let retry_from = run.retry_from.map(chrono_date);
    record_run(status, run.ended(), run.error, retry_from);
}
