//! The collector run a source's state file (`raw/<source>/.state.json`) says is under way:
//! the collector saves it before calling the API and clears it when the run ends, so a run
//! whose process died (killed out of memory or at a deadline, its machine stopped) leaves it
//! behind. The collector's next run of the source records such a run as failed; until then,
//! `analyser status` tells it from a run still going by the source's lock, which the kernel
//! drops when its holder dies.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::lock;
use crate::rawfile::{self, LandingOrder, RawFileName};
use crate::{RawFileRole, RunMetrics};

/// A run under way, as the state file holds it under `"running"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    /// When it started.
    pub started: DateTime<Utc>,
    /// The day a per-day source was collecting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    /// The data files already waiting in the source's folder when it began, named no earlier
    /// than the second it started (by a clock that ran ahead, or at a boot's clock behind),
    /// with their metrics beside them or not: never taken for its landing; a file landed after
    /// it began, named however late, may be its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting_ahead: Vec<String>,
}

/// When this machine last started, as the kernel says it (`btime` of `/proc/stat`); `None`
/// where it cannot be read (another system than Linux).
fn machine_started() -> Option<DateTime<Utc>> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let seconds = stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    DateTime::from_timestamp(seconds, 0)
}

/// What a run that did not finish left in its source's folder, as the collector's next run
/// settles it and `analyser status` tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Trace {
    /// Its metrics: it finished, and only could not save its state (a full disk).
    Metrics(Box<RunMetrics>),
    /// A data file it landed, which no run's metrics name: it was stopped right after
    /// landing it, or could save neither its metrics nor its state.
    Landed(RawFileName),
    /// Nothing: it was stopped before landing anything.
    Nothing,
}

impl Running {
    /// A run that begins at `started` (collecting `day`, for a per-day source), `files` its
    /// source's landed files as it begins.
    pub fn begun(started: DateTime<Utc>, day: Option<NaiveDate>, files: &[RawFileName]) -> Self {
        // With their metrics beside them or not: the summariser may take a file's metrics
        // and leave the file (refused as too large) before the next run settles this one.
        let waiting_ahead: Vec<String> = files
            .iter()
            .filter(|name| name.role == RawFileRole::Data)
            .filter(|name| name.landed_at.timestamp() >= started.timestamp())
            .map(RawFileName::file_name)
            .collect();
        Running {
            started,
            day,
            waiting_ahead,
        }
    }

    /// What is known of it once its process is gone without finishing it: `the run started
    /// at 2026-12-04T11:00:00Z did not finish: its process was killed or crashed (out of memory,
    /// a deadline?)`, as the collector records it and `analyser status` says it.
    pub fn did_not_finish(&self) -> String {
        format!(
            "the run started at {} did not finish: {}",
            self.started
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.why_not_finished()
        )
    }

    /// Why a run that did not finish did not: its machine restarted after it began (a power
    /// cut, a shutdown), or its process was killed or crashed.
    fn why_not_finished(&self) -> &'static str {
        match machine_started() {
            Some(booted) if self.started < booted => {
                "the machine restarted after it began (a power cut, a shutdown?)"
            }
            Some(_) => "its process was killed or crashed (out of memory, a deadline?)",
            // Where the kernel's boot time cannot be read (another system than Linux).
            None => {
                "its process was killed or crashed, or its machine stopped (out of memory, a deadline, a power cut?)"
            }
        }
    }

    /// Why a run that landed its file did not finish: its machine restarted right after (a
    /// power cut), or its state could not be saved, or its process was killed.
    pub fn why_not_finished_after_landing(&self) -> &'static str {
        if self.machine_restarted_since() {
            "the machine restarted right after (a power cut, a shutdown?)"
        } else {
            "its state could not be saved (a full disk?), or its process was killed right after"
        }
    }

    /// Whether this machine started again after the run began: the kernel's boot time is later.
    fn machine_restarted_since(&self) -> bool {
        machine_started().is_some_and(|booted| self.started < booted)
    }

    /// What the run left among `files`, its source's landed files: its metrics (whose start is
    /// the one it noted, to the millisecond), else the newest data file it could
    /// have landed: named no earlier than the second it started, after `landed_before` (the
    /// last landing its source's state recorded before it began, see [`unfinished_run`]; only
    /// not that landing when it is dated more than [`rawfile::CLOCK_DRIFT`] after the start),
    /// and claimed by no run's metrics, nor among [`Running::waiting_ahead`] (a file waiting
    /// when it began, its metrics beside it or taken since by the summariser, which refused
    /// it as too large).
    /// A file the run before landed in the second it started is that landing, or carries that
    /// run's metrics beside it: never taken for this run's.
    pub fn trace(
        &self,
        raw_dir: &Path,
        files: &[RawFileName],
        landed_before: Option<LandingOrder>,
    ) -> Trace {
        let since: Vec<&RawFileName> = files
            .iter()
            .filter(|name| name.landed_at.timestamp() >= self.started.timestamp())
            .collect();
        let metrics = since
            .iter()
            .filter(|name| name.role == RawFileRole::Metrics)
            .filter_map(|name| RunMetrics::read(&name.path_in(raw_dir)).ok())
            // Its metrics carry the start it noted, to the millisecond: a run before (started
            // in the same second, or later by a clock since set back) is not taken for it.
            .find(|metrics| metrics.started.timestamp_millis() == self.started.timestamp_millis());
        if let Some(metrics) = metrics {
            return Trace::Metrics(Box::new(metrics));
        }
        // Files are named to the second: so is the landing recorded.
        let landed_before = landed_before.map(|order| LandingOrder {
            landed_at: order
                .landed_at
                .with_nanosecond(0)
                .unwrap_or(order.landed_at),
            ..order
        });
        // A landing recorded ahead of the run's start was dated by a clock that ran ahead
        // (then set right): the run's own file, named by the clock set right, is older. Only
        // that landing's file is passed over; the other runs' files are told by their metrics.
        let ahead = |before: &LandingOrder| before.landed_at > self.started + rawfile::CLOCK_DRIFT;
        since
            .into_iter()
            .filter(|name| name.role == RawFileRole::Data)
            .filter(|name| !self.waiting_ahead.contains(&name.file_name()))
            .filter(|name| {
                landed_before.is_none_or(|before| match ahead(&before) {
                    true => name.landing_order() != before,
                    false => name.landing_order() > before,
                })
            })
            .rfind(|name| !claimed(raw_dir, name))
            .map_or(Trace::Nothing, |name| Trace::Landed(name.clone()))
    }
}

/// Whether a run's metrics beside the data file `name` name it: it is that run's landing. A
/// metrics file there that cannot be read is taken as claiming it (it may be that run's).
fn claimed(raw_dir: &Path, name: &RawFileName) -> bool {
    let beside = name.metrics().path_in(raw_dir);
    match RunMetrics::read(&beside) {
        Ok(metrics) => metrics.file.as_deref() == Some(name.file_name().as_str()),
        Err(_) => beside.exists(),
    }
}

/// The part of the state file read here.
#[derive(Deserialize)]
struct StateFile {
    #[serde(default)]
    running: Option<Running>,
    #[serde(default)]
    last_success_landed: Option<DateTime<Utc>>,
    #[serde(default)]
    last_success_sequence: Option<u32>,
}

/// The run of `source` its state file says is under way while no process holds the source's
/// lock: a run whose process ended without finishing it, with the last landing the state
/// recorded before it (see [`Running::trace`]). `None` when no run is under way, when one is
/// and still holds the lock, or when the state file cannot be read (the collector says why at
/// its next run).
pub fn unfinished_run(raw_dir: &Path, source: &str) -> Option<(Running, Option<LandingOrder>)> {
    unfinished_given(raw_dir, source, || {
        lock::is_held(&rawfile::source_lock(raw_dir, source))
    })
}

/// [`unfinished_run`], `held` telling whether a process holds the source's lock.
fn unfinished_given(
    raw_dir: &Path,
    source: &str,
    held: impl FnOnce() -> std::io::Result<bool>,
) -> Option<(Running, Option<LandingOrder>)> {
    let (running, _) = under_way(raw_dir, source)?;
    match held() {
        // Read again: a run that ended between the two readings cleared it before letting
        // its lock go.
        Ok(false) => under_way(raw_dir, source).filter(|(again, _)| *again == running),
        // Held, or not known: the run may be going on.
        Ok(true) | Err(_) => None,
    }
}

/// The run the state file of `source` says is under way, if it can be read, and the last
/// landing it records.
fn under_way(raw_dir: &Path, source: &str) -> Option<(Running, Option<LandingOrder>)> {
    let state: StateFile = rawfile::read_state(raw_dir, source)?;
    let landed = LandingOrder::recorded(state.last_success_landed, state.last_success_sequence);
    Some((state.running?, landed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunLock;

    /// A run that ends while status looks (its state cleared, then its lock let go, between
    /// the state's reading and the lock's) is not taken for one killed.
    #[test]
    fn a_run_ending_while_status_looks_is_not_taken_for_a_killed_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("usgs");
        std::fs::create_dir_all(&folder).expect("source folder");
        let state = folder.join(".state.json");
        std::fs::write(&state, r#"{"running":{"started":"2026-12-04T11:00:00Z"}}"#).expect("state");
        let ended_meanwhile = || std::fs::write(&state, "{}").map(|()| false);
        assert_eq!(unfinished_given(dir.path(), "usgs", ended_meanwhile), None);
        // The next run started meanwhile is another run, going on.
        std::fs::write(&state, r#"{"running":{"started":"2026-12-04T11:00:00Z"}}"#).expect("state");
        let next_began = || {
            std::fs::write(&state, r#"{"running":{"started":"2026-12-04T11:01:00Z"}}"#)
                .map(|()| false)
        };
        assert_eq!(unfinished_given(dir.path(), "usgs", next_began), None);
    }

    #[test]
    fn a_run_is_unfinished_once_no_process_holds_its_lock() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("usgs");
        std::fs::create_dir_all(&folder).expect("source folder");
        assert_eq!(unfinished_run(dir.path(), "usgs"), None, "no state file");
        std::fs::write(
            folder.join(".state.json"),
            r#"{"last_attempt":"2026-12-04T10:00:00Z","cursor":null}"#,
        )
        .expect("state");
        assert_eq!(unfinished_run(dir.path(), "usgs"), None, "no run under way");
        std::fs::write(
            folder.join(".state.json"),
            r#"{"last_attempt":"2026-12-04T10:00:00Z","running":{"started":"2026-12-04T11:00:00Z"}}"#,
        )
        .expect("state");
        let lock = RunLock::try_acquire(&folder.join(".lock"))
            .expect("lock file")
            .expect("lock");
        assert_eq!(
            unfinished_run(dir.path(), "usgs"),
            None,
            "a run holding the lock is going on"
        );
        drop(lock);
        let started: DateTime<Utc> = "2026-12-04T11:00:00Z".parse().expect("time");
        assert_eq!(
            unfinished_run(dir.path(), "usgs").map(|(run, _)| run.started),
            Some(started),
            "its process is gone"
        );
        assert!(
            RunLock::try_acquire(&folder.join(".lock"))
                .expect("lock file")
                .is_some(),
            "looking leaves the lock free"
        );
    }

    /// A folder of `usgs` holding data files landed at `times`, none with metrics beside it
    /// (the summariser took them, the files waiting), and their names.
    fn landed_without_metrics(times: &[&str]) -> (tempfile::TempDir, Vec<RawFileName>) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("usgs")).expect("source folder");
        let names: Vec<RawFileName> = times
            .iter()
            .map(|time| RawFileName::data("usgs", time.parse().expect("time"), 1))
            .collect();
        for name in &names {
            std::fs::write(name.path_in(dir.path()), "[]").expect("data file");
        }
        (dir, names)
    }

    /// The clock ran ahead and was set right: the last landing the state recorded is dated
    /// ahead of the killed run's start, and the file the run landed since, named by the clock
    /// set right, is older than it: it is the run's all the same. The file of that landing
    /// itself is not (a boot's clock behind: the run before's, its metrics taken).
    #[test]
    fn a_landing_recorded_ahead_of_the_start_passes_over_its_own_file_only() {
        let (dir, names) =
            landed_without_metrics(&["2026-12-04T11:00:05Z", "2026-12-04T13:00:00Z"]);
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        // The landing dated ahead waited there when the run began.
        let run = Running {
            started: "2026-12-04T11:00:00Z".parse().expect("time"),
            day: None,
            waiting_ahead: vec![names[1].file_name()],
        };
        let ahead = Some(names[1].landing_order());
        assert_eq!(
            run.trace(dir.path(), &files, ahead),
            Trace::Landed(names[0].clone())
        );
        let (dir, names) = landed_without_metrics(&["2026-12-04T13:00:00Z"]);
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        assert_eq!(
            run.trace(dir.path(), &files, Some(names[0].landing_order())),
            Trace::Nothing
        );
    }

    /// A file that waited, named ahead of the run's start, when the run began: one the
    /// summariser refused as too large (its metrics taken, the file left), landed before the
    /// last landing, dated ahead (a clock that ran ahead, or a boot's clock behind). The run,
    /// killed before landing, took it for its own: metrics written beside it a second time, a
    /// France Travail day never collected marked landed. Files waiting when it began are not
    /// its own.
    #[test]
    fn a_file_waiting_ahead_when_the_run_began_is_not_its_landing() {
        let (dir, names) =
            landed_without_metrics(&["2026-12-06T09:00:00Z", "2026-12-07T09:00:00Z"]);
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        let started = "2026-12-04T11:00:00Z".parse().expect("time");
        let run = Running::begun(started, None, &files);
        assert_eq!(
            run.trace(dir.path(), &files, Some(names[1].landing_order())),
            Trace::Nothing
        );
    }

    /// Writes beside the data file `name` the metrics of the run that landed it, started at
    /// `started`.
    fn claim(dir: &Path, name: &RawFileName, started: &str) {
        let metrics = format!(
            r#"{{"source":"usgs","kind":"http_json","file":"{}","started":"{started}","finished":"{}","records":0}}"#,
            name.file_name(),
            name.landed_at.to_rfc3339()
        );
        std::fs::write(name.metrics().path_in(dir), metrics).expect("metrics file");
    }

    /// A boot's clock behind: the run before's file, named ahead of the run's start, waits
    /// for the summariser with its metrics beside it when the run begins; the run lands its
    /// own file later still, and is killed before its metrics. Its file is its landing.
    #[test]
    fn a_file_landed_after_one_claimed_waiting_ahead_is_the_run_s_own() {
        let (dir, names) = landed_without_metrics(&["2026-12-04T11:00:20Z"]);
        claim(dir.path(), &names[0], "2026-12-04T10:59:58Z");
        let started = "2026-12-04T11:00:00Z".parse().expect("time");
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        let run = Running::begun(started, None, &files);
        let own = RawFileName::data("usgs", "2026-12-04T11:00:30Z".parse().expect("time"), 1);
        std::fs::write(own.path_in(dir.path()), "[]").expect("its file");
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        for landed_before in [None, Some(names[0].landing_order())] {
            assert_eq!(
                run.trace(dir.path(), &files, landed_before),
                Trace::Landed(own.clone())
            );
        }
    }

    /// A boot's clock behind: the run before's file, named ahead of the run's start, waits
    /// with its metrics beside it when the run begins; the run is killed before landing, and
    /// the summariser then refuses the file as too large (its metrics taken, the file left).
    /// The file is not the killed run's landing: it would get metrics a second time, and a
    /// France Travail day never collected would be marked landed.
    #[test]
    fn a_file_claimed_when_the_run_began_is_not_its_landing_once_its_metrics_are_taken() {
        let (dir, names) = landed_without_metrics(&["2026-12-04T11:00:20Z"]);
        claim(dir.path(), &names[0], "2026-12-04T10:59:58Z");
        let started = "2026-12-04T11:00:00Z".parse().expect("time");
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        let run = Running::begun(started, None, &files);
        std::fs::remove_file(names[0].metrics().path_in(dir.path())).expect("metrics taken");
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        assert_eq!(run.trace(dir.path(), &files, None), Trace::Nothing);
    }

    /// A state noted without the files waiting ahead (by a collector before them) reads as none
    /// waiting.
    #[test]
    fn a_state_without_the_files_waiting_ahead_reads_as_none_waiting() {
        let (dir, names) =
            landed_without_metrics(&["2026-12-04T11:00:10Z", "2026-12-04T11:00:20Z"]);
        let files = rawfile::list(dir.path(), "usgs").expect("listing");
        let without: Running =
            serde_json::from_str(r#"{"started":"2026-12-04T11:00:00Z"}"#).expect("state");
        assert_eq!(
            without.trace(dir.path(), &files, None),
            Trace::Landed(names[1].clone())
        );
    }
}
