//! Quarantined files: the summariser moves a landed file it cannot read to
//! `<raw>/_quarantine/` under its original name; the report counts those of the period per
//! source when it is given the raw folder, and `analyser status` counts them all.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use releve::{RawFileName, RawFileRole};

use crate::period::ReportPeriod;

/// The quarantined data files; no folder means none.
pub fn data_files(raw_dir: &Path) -> io::Result<Vec<RawFileName>> {
    Ok(releve::rawfile::quarantined(raw_dir)?
        .into_iter()
        .filter(|file| file.role == RawFileRole::Data)
        .collect())
}

/// The quarantined data `files` of the period, by source: those landed in it, but for a
/// per-day source, whose files land the day after the day they collect, those its runs of the
/// period landed (`per_day` gives their file names).
pub fn count<'a>(
    files: &[RawFileName],
    period: &ReportPeriod,
    per_day: impl Fn(&str) -> Option<Vec<&'a str>>,
) -> BTreeMap<String, u64> {
    let (start, end) = (period.start(), period.end());
    let mut counts = BTreeMap::new();
    for file in files {
        let of_period = match per_day(&file.source) {
            Some(landed) => landed.contains(&file.file_name().as_str()),
            None => file.landed_at >= start && file.landed_at < end,
        };
        if of_period {
            *counts.entry(file.source.clone()).or_insert(0) += 1;
        }
    }
    counts
}

/// The quarantined data `files` landed after the period, by source: the cover's health, of
/// the sources now, counts them.
pub fn count_later(files: &[RawFileName], period: &ReportPeriod) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for file in files.iter().filter(|file| file.landed_at >= period.end()) {
        *counts.entry(file.source.clone()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::PeriodKind;

    #[test]
    fn counts_the_period_s_quarantined_data_files_per_source() {
        let raw = tempfile::tempdir().expect("temp dir");
        let dir = releve::rawfile::quarantine_dir(raw.path());
        std::fs::create_dir_all(&dir).expect("quarantine folder");
        for name in [
            "usgs_2026-11-21T10-00-00Z.json",
            "usgs_2026-11-21T10-00-00Z.json.reason",
            "usgs_2026-11-21T11-00-00Z.metrics.json",
            "usgs_2026-11-22T10-00-00Z.json",
            "meteo_2026-11-21T22-59-59Z.json",
        ] {
            std::fs::write(dir.join(name), b"x").expect("write");
        }
        let period = ReportPeriod::containing(
            PeriodKind::Day,
            "2026-11-21".parse().expect("date"),
            chrono_tz::UTC,
        );
        let files = data_files(raw.path()).expect("listed");
        let counts = count(&files, &period, |_| None);
        assert_eq!(counts.get("usgs"), Some(&1));
        assert_eq!(counts.get("meteo"), Some(&1));
        let per_day =
            |source: &str| (source == "usgs").then(|| vec!["usgs_2026-11-22T10-00-00Z.json"]);
        let counts = count(&files, &period, per_day);
        assert_eq!(
            counts.get("usgs"),
            Some(&1),
            "the file of its run, landed the day after"
        );
        let missing = data_files(&raw.path().join("nowhere")).expect("no folder is no quarantine");
        assert!(missing.is_empty());
    }
}
