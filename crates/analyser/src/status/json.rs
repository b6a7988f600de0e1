//! `analyser status --json`: the same status as one JSON document on stdout, for monitoring
//! tools that would otherwise parse the table. Its shape is documented in the README
//! ("Is it keeping up?") and stable: fields are added, never renamed or removed.
//!
//! Times are UTC in RFC 3339 (`2026-11-22T08:13:05Z`), durations whole seconds; a value
//! that could not be read (MongoDB down, a folder unreadable) is `null`, never a guess.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use releve::logging::shown;

use super::{DatabaseState, StatusReport};

/// The whole status.
#[derive(Debug, Serialize)]
struct Status<'a> {
    /// When the status was taken.
    at: String,
    /// True when nothing needs attention: the exit code is then 0.
    ok: bool,
    mongodb: MongoDb,
    sources: Vec<Source<'a>>,
    last_report: Option<LastReport>,
    free_space: Vec<FreeSpace<'a>>,
    /// What needs attention, one line each, as stderr says it.
    problems: Vec<String>,
}

/// Whether MongoDB answered.
#[derive(Debug, Serialize)]
struct MongoDb {
    /// `reachable`, `empty` (no relevé data in that database) or `unreachable`.
    state: &'static str,
    /// The URI without credentials and the database, when it answered.
    shown: Option<String>,
    /// Why it could not be read, when it could not.
    reason: Option<String>,
}

/// One source's row.
#[derive(Debug, Serialize)]
struct Source<'a> {
    name: &'a str,
    /// The table's STATE in lower case: `ok`, `disabled`, `skipped`, `unknown`, `never`,
    /// `stale`, `behind`, `empty`, `failing` or `refused`.
    state: String,
    enabled: bool,
    every_seconds: Option<u64>,
    last_collected: Option<String>,
    lag_seconds: Option<i64>,
    /// Landed files not yet summarised; `null` when its folder could not be read.
    waiting_files: Option<usize>,
    oldest_waiting: Option<String>,
    /// Files in `raw/_quarantine/`; `null` when the quarantine could not be read.
    quarantined_files: Option<usize>,
    /// Start of the latest hour summarised; `null` when MongoDB was not read or holds none
    /// (`mongodb.state` tells which).
    last_summarised_hour: Option<String>,
    last_error: Option<LastError>,
    /// When the collector tries the source again after that failure, when later than now.
    retry_from: Option<String>,
    /// Why the configuration refused its table, or why the collector skips it.
    reason: Option<String>,
    /// The collector's runs found this machine's clock behind the API's, and it backs off.
    clock_behind: Option<ClockBehind>,
}

/// A backoff after the collector found this machine's clock behind the API's.
#[derive(Debug, Serialize)]
struct ClockBehind {
    /// When a run found it, by this clock.
    found_at: String,
    /// The API's time then.
    api_date: String,
    /// How far behind.
    behind_seconds: i64,
    /// When the collector tries the source again, by this clock; `null`: at its next run.
    retry_from: Option<String>,
}

/// The most recent failed run.
#[derive(Debug, Serialize)]
struct LastError {
    /// Start of that run.
    at: String,
    message: String,
}

#[derive(Debug, Serialize)]
struct LastReport {
    path: String,
    written: String,
}

#[derive(Debug, Serialize)]
struct FreeSpace<'a> {
    folders: &'a [String],
    /// Bytes that can still be written; `null` when it could not be measured.
    bytes: Option<u64>,
    /// Files that can still be created, when the file system counts them.
    files: Option<u64>,
}

/// The status as a JSON document, pretty-printed, ending with a line break.
pub fn render(report: &StatusReport) -> String {
    let now = report.now;
    let problems = report.problems();
    let mongodb = match &report.database {
        DatabaseState::Reachable { shown: uri } => MongoDb {
            state: "reachable",
            shown: Some(uri.clone()),
            reason: None,
        },
        DatabaseState::Empty { shown: uri } => MongoDb {
            state: "empty",
            shown: Some(uri.clone()),
            reason: None,
        },
        DatabaseState::Unreachable { reason } => MongoDb {
            state: "unreachable",
            shown: None,
            reason: Some(shown(reason)),
        },
    };
    let sources = report
        .sources
        .iter()
        .map(|source| Source {
            name: &source.name,
            state: source.health(now).label().to_ascii_lowercase(),
            enabled: source.enabled,
            every_seconds: source.every.map(|every| every.duration().as_secs()),
            last_collected: source.last_success.map(time),
            lag_seconds: source.lag(now).map(|lag| lag.num_seconds()),
            waiting_files: source.raw_unreadable.is_none().then_some(source.waiting),
            oldest_waiting: source.oldest_waiting.map(time),
            quarantined_files: report.unreadable.is_none().then_some(source.quarantined),
            last_summarised_hour: source.last_hour.map(time),
            last_error: source.last_error.as_ref().map(|(at, message)| LastError {
                at: time(*at),
                message: shown(message),
            }),
            retry_from: source.retry_from.filter(|retry| *retry > now).map(time),
            // As the table's LAST ERROR: credentials missing here are said of a source
            // skipped, not of one whose runs speak (only the collector may hold them).
            reason: match (&source.refused, source.health(now)) {
                (Some((why, _)), _) => Some(shown(why)),
                (None, super::Health::Skipped) => source.unavailable.as_deref().map(shown),
                (None, _) => None,
            },
            clock_behind: source
                .clock_behind
                .as_ref()
                .filter(|_| source.enabled && source.refused.is_none())
                .map(|behind| ClockBehind {
                    found_at: time(behind.found_at),
                    api_date: time(behind.api_date),
                    behind_seconds: (behind.api_date - behind.found_at).num_seconds(),
                    retry_from: behind.backing_off(now).map(time),
                }),
        })
        .collect();
    let status = Status {
        at: time(now),
        ok: problems.is_empty(),
        mongodb,
        sources,
        last_report: report
            .last_report
            .as_ref()
            .map(|(path, written)| LastReport {
                path: path.display().to_string(),
                written: time(*written),
            }),
        free_space: report
            .free_space
            .iter()
            .map(|space| FreeSpace {
                folders: &space.folders,
                bytes: space.available.as_ref().ok().copied(),
                files: space.files,
            })
            .collect(),
        problems: problems.iter().map(|problem| shown(problem)).collect(),
    };
    // A document of strings, numbers and options always serialises.
    let mut text = serde_json::to_string_pretty(&status).unwrap_or_default();
    text.push('\n');
    text
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
