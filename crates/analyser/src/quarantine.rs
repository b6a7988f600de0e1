//! Quarantined files: the summariser moves a landed file it cannot read to
//! `<raw>/_quarantine/` under its original name; the report counts those of the period per
//! source when it is given the raw folder, and `analyser status` counts them all.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use releve::RawFileRole;

use crate::period::ReportPeriod;

/// Quarantined data files landed in the period, by source; no folder means none.
pub fn count(raw_dir: &Path, period: &ReportPeriod) -> io::Result<BTreeMap<String, u64>> {
    let (start, end) = (period.start(), period.end());
    let mut counts = BTreeMap::new();
    for file in releve::rawfile::quarantined(raw_dir)? {
        if file.role == RawFileRole::Data && file.landed_at >= start && file.landed_at < end {
            *counts.entry(file.source).or_insert(0) += 1;
        }
    }
    Ok(counts)
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
        let counts = count(raw.path(), &period).expect("count");
        assert_eq!(counts.get("usgs"), Some(&1));
        assert_eq!(counts.get("meteo"), Some(&1));
        let missing =
            count(&raw.path().join("nowhere"), &period).expect("no folder is no quarantine");
        assert!(missing.is_empty());
    }
}
