//! The per-run metrics the collector writes beside each landed file and the summariser loads
//! into the `runs` collection. Field names are part of the documented interface.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest pause an API's requested wait can impose on a source: the collector tries it
/// again at the latest this long after the failed attempt, so the report excuses missing
/// collections after a failure that recorded no [`RunMetrics::retry_from`] for no longer.
pub const LONGEST_PAUSE: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// The records a run started at `started` announced and did not land: its `shortfall`, or,
/// for a run of before 1 December 2026, when the collector did not yet count an Opendatasoft or
/// legacy portal's shortfall (storing none), what its own `coverage` (the share of the total it
/// landed) says it lacked. A later run's coverage is no shortfall: a row a dataset holds twice,
/// landed once, lowered the coverage stored until 6 December, and was never one.
pub fn shortfall_read(
    started: DateTime<Utc>,
    announced: Option<u64>,
    shortfall: u64,
    coverage: Option<f64>,
) -> u64 {
    if started >= SHORTFALL_COUNTED_FROM {
        return shortfall;
    }
    let lacked = match (announced, coverage) {
        (Some(announced), Some(coverage)) if (0.0..1.0).contains(&coverage) => {
            // Within 0 and the total: a cast of a value in range.
            let covered = (coverage * announced as f64).round() as u64;
            announced.saturating_sub(covered)
        }
        _ => 0,
    };
    shortfall.max(lacked)
}

/// When the collector began counting every run's shortfall (see [`shortfall_read`]).
const SHORTFALL_COUNTED_FROM: DateTime<Utc> =
    DateTime::from_timestamp_nanos(1_796_083_200 * 1_000_000_000);

/// What one collection run of one source did. Fields it does not know are passed over: a
/// newer collector's files, landed while this version's summariser runs (an upgrade's build
/// replacing the binaries one by one), are stored without them, not quarantined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMetrics {
    /// Source name.
    pub source: String,
    /// Source kind.
    pub kind: String,
    /// The data file this run landed, when it landed one.
    pub file: Option<String>,
    /// When the run started.
    pub started: DateTime<Utc>,
    /// When the run finished.
    pub finished: DateTime<Utc>,
    /// Wall time in milliseconds; null for a run that did not finish, whose end is not known.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// HTTP requests sent, retries included; null for a run that did not finish (killed
    /// before it wrote its metrics), whose calls are not known.
    #[serde(default)]
    pub http_calls: Option<u64>,
    /// Requests that were retries of an earlier attempt; null when not known, as above.
    #[serde(default)]
    pub retries: Option<u64>,
    /// Answers with status 429; null when not known, as above.
    #[serde(default)]
    pub throttled: Option<u64>,
    /// Records the API said the selection holds, when it says.
    pub announced: Option<u64>,
    /// Records landed.
    pub records: u64,
    /// `(announced - shortfall) / announced`, when the API announced a total (before
    /// 6 December 2026, `records / announced`; see [`shortfall_read`]).
    pub coverage: Option<f64>,
    /// Records the API announced that no query could reach (France Travail window limits).
    #[serde(default)]
    pub shortfall: u64,
    /// Records landed that shared their `key` with a different record of the same run: the
    /// summariser keeps only the last of each (is the source's `key` unique?); absent when
    /// none did.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub key_clashes: u64,
    /// The source's `key` those records shared, as written in `sources.toml` (`id`,
    /// `[id_compteur, date]`), so that a report tells clashes under a `key` since changed from
    /// clashes under the present one; absent when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clash_key: Option<String>,
    /// Why the run failed, when it did; never holds a secret.
    pub error: Option<String>,
    /// The day a per-day source's run collected (France Travail: offers created that UTC
    /// day), which is not the day it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    /// The source's `every` the run collected under, in seconds, so that a report counts a
    /// period's expected collections at the intervals then in force; absent from metrics
    /// written before relevé recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_s: Option<u64>,
    /// When the source's first collection skipped while it was disabled (`enabled = false`)
    /// was due, for the first run after it was enabled again: a report expects no collection
    /// from then until this run. Absent for any other run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_from: Option<DateTime<Utc>>,
    /// For a failed run, when the collector tries the source again at the earliest: the end
    /// of the pause the API asked for (an exhausted quota, at most [`LONGEST_PAUSE`] after
    /// the attempt), or of the backoff after failures in a row (at most 15 minutes), whichever
    /// is later, and for an interval source not before its `every` has passed since its last
    /// success. Absent for a run that landed, and from metrics written before relevé recorded
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_from: Option<DateTime<Utc>>,
    /// When the collector run that made this one began, when before `started` (the source
    /// started after the run's start-up, or waited for one of its slots): the schedule counts
    /// the run from that minute, and so do the reports (a run begun at 22:59:57, cron's 22:59
    /// run 57 s late, whose source started at 22:59:58, is 22:59's, not 23:00's). Absent
    /// otherwise, and from metrics written before relevé recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_from: Option<DateTime<Utc>>,
    /// The parts a window past the API's cap on one answer (USGS's catalogue: 20,000 events)
    /// was asked in, each answered, for a run that landed them together. Absent for a window
    /// asked whole, and from metrics written before relevé recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_parts: Option<u64>,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

impl RunMetrics {
    /// True when the run landed its data.
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }

    /// The run metrics file at `path`, as the collector writes it
    /// ([`crate::rawfile::write_metrics`]).
    pub fn read(path: &Path) -> Result<RunMetrics, MetricsFileError> {
        let bytes = std::fs::read(path).map_err(|cause| MetricsFileError::Unreadable {
            path: path.to_owned(),
            cause,
        })?;
        serde_json::from_slice(&bytes).map_err(|cause| MetricsFileError::Invalid {
            path: path.to_owned(),
            cause,
        })
    }
}

/// A run metrics file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MetricsFileError {
    /// The file could not be read (gone, unreadable).
    #[error("{path}: cannot read the run metrics: {cause}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        cause: std::io::Error,
    },
    /// The file is not run metrics.
    #[error("{path}: not valid run metrics: {cause}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What does not parse.
        cause: serde_json::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_stored_before_its_shortfall_was_counted_keeps_the_coverage_it_stored() {
        let day = |d| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, d)
                .and_then(|day| day.and_hms_opt(12, 0, 0))
                .expect("a day")
                .and_utc()
        };
        let (before, after) = (day(30), day(30) + chrono::TimeDelta::days(1));
        assert_eq!(
            SHORTFALL_COUNTED_FROM,
            day(30) + chrono::TimeDelta::hours(12)
        );
        // Before 1 December 2026: no shortfall stored, 150 of 200 landed.
        assert_eq!(shortfall_read(before, Some(200), 0, Some(0.75)), 50);
        assert_eq!(shortfall_read(before, Some(40_000), 2, Some(0.99995)), 2);
        assert_eq!(shortfall_read(before, Some(200), 0, Some(1.0)), 0);
        assert_eq!(shortfall_read(before, None, 0, None), 0);
        assert_eq!(shortfall_read(before, Some(200), 5, None), 5);
        // Since: the shortfall counted, a row held twice lowering the coverage stored no more.
        assert_eq!(shortfall_read(after, Some(120), 0, Some(0.5)), 0);
        assert_eq!(shortfall_read(after, Some(200), 5, Some(0.975)), 5);
    }

    /// A field a newer version adds is passed over, the rest read.
    #[test]
    fn a_newer_collector_s_metrics_are_read_without_the_fields_added_since() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s_2026-12-05T10-00-00Z.metrics.json");
        std::fs::write(
            &path,
            r#"{"source": "s", "kind": "http_json", "file": "s_2026-12-05T10-00-00Z.json",
            "started": "2026-12-05T10:00:00Z", "finished": "2026-12-05T10:00:01Z",
            "duration_ms": 1000, "http_calls": 1, "retries": 0, "throttled": 0,
            "announced": null, "records": 12, "coverage": null, "error": null,
            "added_in_a_later_version": {"any": [1, 2]}}"#,
        )
        .expect("write metrics");
        let metrics = RunMetrics::read(&path).expect("read");
        assert_eq!((metrics.source.as_str(), metrics.records), ("s", 12));
    }
}
