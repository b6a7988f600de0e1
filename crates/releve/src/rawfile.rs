//! The raw folder's naming contract, written and read in this one place.
//!
//! A run of source `usgs` landed at 07:33:15 UTC is `raw/usgs/usgs_2026-11-22T07-33-15Z.json`;
//! a second run in the same second becomes `..._2026-11-22T07-33-15Z-2.json`. Its metrics sit
//! beside it as `usgs_2026-11-22T07-33-15Z.metrics.json`. Files are written under a hidden
//! `.tmp` name, flushed to disk and only then linked (renamed, on a file system without links)
//! to their final name, so a reader never sees a partial file under a `.json` name.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};

/// Bytes in a MiB, the unit of the summariser's `--max-file-mb`.
pub const MIB: u64 = 1024 * 1024;

/// The largest landed file the summariser reads by default, in MiB (`--max-file-mb`): a France
/// Travail day is about 120 MB, and a file takes about twice its size of memory while it is
/// summarised. The collector reads no single answer larger than this.
pub const DEFAULT_MAX_FILE_MB: u64 = 1024;

/// The folder under the raw folder where the summariser moves files it cannot use, each with
/// a `<file>.reason` beside it. Not a valid source name, so never taken for a source's folder.
pub const QUARANTINE_DIR: &str = "_quarantine";

/// `raw/_quarantine/`: see [`QUARANTINE_DIR`].
pub fn quarantine_dir(raw_dir: &Path) -> PathBuf {
    raw_dir.join(QUARANTINE_DIR)
}

/// Every landed file (data or metrics, of any source) in the quarantine; no folder means none.
pub fn quarantined(raw_dir: &Path) -> io::Result<Vec<RawFileName>> {
    let entries = match fs::read_dir(quarantine_dir(raw_dir)) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut files = Vec::new();
    for entry in entries {
        if let Some(file) = entry?.file_name().to_str().and_then(RawFileName::parse) {
            files.push(file);
        }
    }
    Ok(files)
}

/// `raw/_quarantine/<file>.reason`: why `quarantined`, a file in quarantine, is there.
pub fn quarantine_reason(quarantined: &Path) -> PathBuf {
    let mut name = quarantined.as_os_str().to_os_string();
    name.push(".reason");
    PathBuf::from(name)
}

/// `raw/<source>/.lock`: held by the collector run collecting the source.
pub fn source_lock(raw_dir: &Path, source: &str) -> PathBuf {
    raw_dir.join(source).join(".lock")
}

/// `raw/<source>/.state.json`: the collector's schedule and cursor for the source.
pub fn state_file(raw_dir: &Path, source: &str) -> PathBuf {
    raw_dir.join(source).join(".state.json")
}

/// The part `T` of `source`'s state file that a stage other than the collector reads (the run
/// under way, the runs landing nothing since the query changed); `None` when it cannot be read
/// (the collector says why at its next run).
pub(crate) fn read_state<T: serde::de::DeserializeOwned>(
    raw_dir: &Path,
    source: &str,
) -> Option<T> {
    let text = std::fs::read_to_string(state_file(raw_dir, source)).ok()?;
    serde_json::from_str(&text).ok()
}

/// `raw/.collector-refusals`: when a collector run last said the configuration's refusals,
/// and which (see the collector's `refusals` module).
pub fn refusals_said(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".collector-refusals")
}

/// `raw/.summariser.lock`: held by the summariser run reading the raw folder.
pub fn summariser_lock(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".summariser.lock")
}

/// `raw/.summariser-newest-run`: the database the summariser last wrote and the newest run
/// it held then, so that a database gone back in time (restored from an older backup) is
/// told (see [`crate::store::restored`]).
pub fn summariser_newest_run(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".summariser-newest-run")
}

/// `raw/.installation`: the raw folder's own id, which the database it is summarised into
/// names (see [`crate::store::installation`]), so that two installations never share one.
pub fn installation(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".installation")
}

const STAMP: &str = "%Y-%m-%dT%H-%M-%SZ";
const DATA_SUFFIX: &str = ".json";
const METRICS_SUFFIX: &str = ".metrics.json";

/// True for a valid source name, `[a-z0-9-]+`: safe as a folder and a file-name prefix, and
/// never mistaken for the `_` that separates it from the landing time.
pub fn is_source_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What a file in `raw/<source>/` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RawFileRole {
    /// The records of one run.
    Data,
    /// The metrics of one run.
    Metrics,
}

/// The parsed name of a landed file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawFileName {
    /// When the run landed (UTC, second precision).
    pub landed_at: DateTime<Utc>,
    /// 1 for the first run in that second, 2 for the next, ...
    pub sequence: u32,
    /// The source name.
    pub source: String,
    /// Data or metrics.
    pub role: RawFileRole,
}

/// Where a landed file stands among its source's files: by landing time, then sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LandingOrder {
    /// When the run landed.
    pub landed_at: DateTime<Utc>,
    /// The run's sequence within that second.
    pub sequence: u32,
}

/// How far ahead of the clock a time may lie and still be taken as the clock's: a minute of
/// drift (a collector on another machine). Past it, a landing or a run was dated while the
/// clock ran ahead (then set right), or by hand: the collector forgets such runs in its state,
/// and the summariser takes the files landed since for the newer ones, both by this margin, so
/// neither takes a file landed after the clock was set right for an older one.
pub const CLOCK_DRIFT: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

impl LandingOrder {
    /// Whether this landing is named more than [`CLOCK_DRIFT`] after the clock's `now`: named
    /// while the clock ran ahead (then set right), or by hand. Landings since are newer,
    /// whatever their names.
    pub fn ahead_of(&self, now: DateTime<Utc>) -> bool {
        self.landed_at > now + CLOCK_DRIFT
    }

    /// The landing a source's state records, as its time and its sequence within that second
    /// (none for the first).
    pub fn recorded(landed_at: Option<DateTime<Utc>>, sequence: Option<u32>) -> Option<Self> {
        landed_at.map(|landed_at| LandingOrder {
            landed_at,
            sequence: sequence.unwrap_or(1),
        })
    }
}

impl RawFileName {
    /// Where this file stands among its source's files.
    pub fn landing_order(&self) -> LandingOrder {
        LandingOrder {
            landed_at: self.landed_at,
            sequence: self.sequence,
        }
    }

    /// The data file name of a run.
    pub fn data(source: &str, landed_at: DateTime<Utc>, sequence: u32) -> Self {
        RawFileName {
            landed_at,
            sequence,
            source: source.to_owned(),
            role: RawFileRole::Data,
        }
    }

    /// The metrics file that goes with this run.
    pub fn metrics(&self) -> Self {
        RawFileName {
            role: RawFileRole::Metrics,
            ..self.clone()
        }
    }

    /// The file name, without folder.
    pub fn file_name(&self) -> String {
        let stamp = self.landed_at.format(STAMP);
        let sequence = if self.sequence > 1 {
            format!("-{}", self.sequence)
        } else {
            String::new()
        };
        let suffix = match self.role {
            RawFileRole::Data => DATA_SUFFIX,
            RawFileRole::Metrics => METRICS_SUFFIX,
        };
        format!("{}_{stamp}{sequence}{suffix}", self.source)
    }

    /// How `source`'s data files are named, for people: `usgs_YYYY-MM-DDTHH-MM-SSZ[-N].json`
    /// (`-N` for a later run landed in the same second).
    pub fn pattern(source: &str) -> String {
        format!("{source}_YYYY-MM-DDTHH-MM-SSZ[-N]{DATA_SUFFIX}")
    }

    /// The file's path under a raw folder.
    pub fn path_in(&self, raw_dir: &Path) -> PathBuf {
        raw_dir.join(&self.source).join(self.file_name())
    }

    /// Parses a file name; `None` for anything that is not a complete landed file
    /// (temp files, quarantine reasons, foreign files).
    pub fn parse(file_name: &str) -> Option<Self> {
        let (stem, role) = if let Some(stem) = file_name.strip_suffix(METRICS_SUFFIX) {
            (stem, RawFileRole::Metrics)
        } else {
            (file_name.strip_suffix(DATA_SUFFIX)?, RawFileRole::Data)
        };
        let (source, rest) = stem.rsplit_once('_')?;
        if !is_source_name(source) {
            return None;
        }
        let (stamp, sequence) = match rest.get(20..) {
            Some("") => (rest, 1),
            Some(tail) => (
                &rest[..20],
                tail.strip_prefix('-')?.parse().ok().filter(|&n| n > 1)?,
            ),
            None => return None,
        };
        let landed_at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
        // Years MongoDB-compatible servers store as dates, and no leap second (`07-00-60Z`,
        // which would sort as 07:01:00): a name made by hand, left alone like any other.
        if !(1..=9999).contains(&landed_at.year()) || landed_at.nanosecond() >= 1_000_000_000 {
            return None;
        }
        let name = RawFileName {
            landed_at,
            sequence,
            source: source.to_owned(),
            role,
        };
        // Only the name the file is written back as (not `-02`, `+2`): it is opened by it.
        (name.file_name() == file_name).then_some(name)
    }
}

mod database_record;
mod listing;
mod unconfigured;
mod writing;

pub use database_record::{SummarisedInto, database_record, summarised_into, summariser_database};
pub use listing::{Listing, list, list_all, remove_temps};
pub use unconfigured::{Unconfigured, unconfigured};
pub use writing::{
    Replacement, free_run_name, land, land_from, replace_file, temp_target, write_metrics,
};

#[cfg(test)]
mod tests;
