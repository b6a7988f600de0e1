//! Collector runs whose metrics files still wait in `raw/<source>/` for the summariser: the
//! freshest news of a source's health (MongoDB's `runs` gets them at the summariser's next
//! hourly run). Read by `analyser status`, and by a report given `--raw-dir`, so a report
//! written at 04:15 does not call a minutely source late for runs summarised at 05:05.

use std::path::Path;

use chrono::{DateTime, Utc};
use releve::{RawFileRole, RunMetrics, rawfile};

use crate::query::SourceData;

/// The run metrics waiting in `raw/<source>/`; a file that cannot be read is logged and
/// skipped, and a folder that cannot be listed holds none.
pub fn read(raw_dir: &Path, source: &str) -> Vec<RunMetrics> {
    let names = match rawfile::list(raw_dir, source) {
        Ok(names) => names,
        Err(err) => {
            let folder = raw_dir.join(source);
            tracing::warn!(folder = %folder.display(), error = %err, "Cannot list a raw folder.");
            return Vec::new();
        }
    };
    names
        .into_iter()
        .filter(|name| name.role == RawFileRole::Metrics)
        .filter_map(|name| read_metrics(&name.path_in(raw_dir)))
        .collect()
}

/// One run metrics file; `None`, logged, when it cannot be read.
pub fn read_metrics(path: &Path) -> Option<RunMetrics> {
    let parsed = std::fs::read(path)
        .map_err(|err| err.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|err| err.to_string()));
    match parsed {
        Ok(metrics) => Some(metrics),
        Err(error) => {
            tracing::warn!(file = %path.display(), %error, "Cannot read a run metrics file.");
            None
        }
    }
}

/// Folds runs not yet in MongoDB into a source's health as the report reads it. Their
/// successes count as successes; the newest of those newer than every stored run says whether
/// the latest run failed (a file that could not be deleted can be older than stored runs).
/// Only runs started before `now` (the report's generation) count.
pub fn fold_into(data: &mut SourceData, runs: &[RunMetrics], now: DateTime<Utc>) {
    let runs = runs.iter().filter(|run| run.started <= now);
    let newest_success = runs
        .clone()
        .filter(|run| run.error.is_none())
        .map(|run| run.started)
        .max();
    data.last_success = data.last_success.max(newest_success);
    let newest = runs
        .filter(|run| data.latest_run.is_none_or(|stored| run.started > stored))
        .max_by_key(|run| run.started);
    if let Some(newest) = newest {
        data.latest_run_failed = newest.error.is_some();
        data.latest_run = Some(newest.started);
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn run(minute: u32, error: Option<&str>) -> RunMetrics {
        let started = Utc
            .with_ymd_and_hms(2026, 11, 22, 4, minute, 0)
            .single()
            .expect("time");
        RunMetrics {
            source: "usgs".to_owned(),
            kind: "http_json".to_owned(),
            file: None,
            started,
            finished: started,
            duration_ms: 0,
            http_calls: 1,
            retries: 0,
            throttled: 0,
            announced: None,
            records: 1,
            coverage: None,
            shortfall: 0,
            error: error.map(str::to_owned),
            day: None,
        }
    }

    #[test]
    fn runs_waiting_for_the_summariser_are_the_latest_news() {
        let stored = Utc
            .with_ymd_and_hms(2026, 11, 22, 3, 59, 0)
            .single()
            .expect("time");
        let now = run(15, None).started;
        let stored_data = || SourceData {
            last_success: Some(stored),
            latest_run: Some(stored),
            ..SourceData::default()
        };
        let mut data = stored_data();
        fold_into(&mut data, &[run(13, None), run(14, None)], now);
        assert_eq!(data.last_success, Some(run(14, None).started));
        assert!(!data.latest_run_failed);

        let mut data = stored_data();
        fold_into(&mut data, &[run(13, None), run(14, Some("HTTP 503"))], now);
        assert!(data.latest_run_failed, "the newest run failed");
        assert_eq!(data.last_success, Some(run(13, None).started));

        let mut untouched = SourceData {
            last_success: Some(stored),
            latest_run_failed: true,
            latest_run: Some(stored),
            ..SourceData::default()
        };
        fold_into(&mut untouched, &[run(20, None)], now);
        assert_eq!(
            (untouched.last_success, untouched.latest_run_failed),
            (Some(stored), true),
            "a run after the report's generation does not count"
        );

        let mut newer_stored = SourceData {
            last_success: Some(run(14, None).started),
            latest_run: Some(run(14, None).started),
            ..SourceData::default()
        };
        fold_into(&mut newer_stored, &[run(3, Some("HTTP 503"))], now);
        assert!(
            !newer_stored.latest_run_failed,
            "a failed run left in raw/, older than the stored ones, is not the latest"
        );
    }
}
