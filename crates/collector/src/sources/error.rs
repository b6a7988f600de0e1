//! Why a source's collection failed: one error type for every kind, each variant's message
//! naming the key or the request involved and what to do.

use chrono::{DateTime, Utc};

use crate::http::FetchError;

/// Why a source's collection failed. Messages never hold a secret or a URL with a key.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A request finally failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A signal asked the collector to stop (see [`releve::stop`]).
    #[error("{}", releve::stop::stopped_by(.0))]
    Stopped(&'static str),
    /// The environment variable named by `key_env` is not set.
    #[error(
        "environment variable `{var}` (key `key_env`) is not set, or is empty: export it or put it in `.env`"
    )]
    MissingKey {
        /// The variable's name.
        var: String,
    },
    /// The variable named by `key_env` holds what no key holds, or a header cannot carry.
    #[error(
        "environment variable `{var}` (key `key_env`) holds a character no API key holds nor request header can carry (a line break, a carriage return or another control character): set it to the key alone"
    )]
    UnsendableKey {
        /// The variable's name.
        var: String,
    },
    /// An answer to be parsed whole (see [`crate::http::tree_cap`]) is larger than the memory
    /// allows: the run fails alone, where the allocator would have ended every source's.
    #[error(
        "{what}: the answer, {size_mib} MiB, is larger than the {mib} MiB a run parses whole where the collector may use {memory_mib} MiB of memory (the machine's, or the limit of its container or `ulimit -v`): `drop`, `stamp`, `columns` or a key the API echoes need the answer parsed, which takes about 16 times its size, 4 sources at a time; narrow what the source asks for (`params`), or give the collector more memory"
    )]
    TooLargeToParse {
        /// The request, in words.
        what: String,
        /// The answer's size, in MiB (rounded up).
        size_mib: u64,
        /// The most parsed whole, in MiB.
        mib: u64,
        /// The memory the collector may use, in MiB.
        memory_mib: u64,
    },
    /// An answer to be read one record at a time into the records that land (see
    /// [`crate::http::too_large_to_read`]) would take more than the memory allows: the run
    /// fails alone, where the allocator would have ended every source's.
    #[error(
        "{what}: the answer, {size_mib} MiB of {records} records, would take about {held_mib} MiB read record by record (its text, the records that land, and each one's checks for repeats), more than the {room_mib} MiB a run may hold of one where the collector may use {memory_mib} MiB of memory (the machine's, or the limit of its container or `ulimit -v`: 4 sources at a time, an eighth left for the rest); narrow the selection ({narrowing}), or give the collector more memory"
    )]
    TooLargeToRead {
        /// The request, in words.
        what: String,
        /// The answer's size, in MiB (rounded up).
        size_mib: u64,
        /// The records it is reckoned to hold: the count the API announced, within what the
        /// answer's size can hold at the sizes of the first page's records.
        records: u64,
        /// The memory it would take, in MiB (rounded up).
        held_mib: u64,
        /// The most a run may hold of one, in MiB.
        room_mib: u64,
        /// The memory the collector may use, in MiB.
        memory_mib: u64,
        /// The source's keys that narrow its selection, in words.
        narrowing: String,
    },
    /// A source asking its API for a local zone's days was answered times that are not days
    /// written alone: local times read as UTC, hours off, or local midnights as instants, which
    /// fall in the day before in report zones west of that zone.
    #[error(
        "key `{key}` asks the API for the days of `{zone}`, but `time` (`{time}`) holds {example}, not a day written alone (`2026-11-30`), the one form that counts in its own day in any report zone (a local time without an offset reads as UTC, hours off; a local midnight as an instant falls in the day before west of the zone), so nothing landed. For daily values, have the API write days alone (no `timeformat = \"unixtime\"`); for hourly values, remove `resolution = \"day\"` and `timezone`"
    )]
    LocalTimes {
        /// `params` or `url`.
        key: &'static str,
        /// The zone asked for, control characters escaped.
        zone: String,
        /// The source's `time` path.
        time: String,
        /// The first such time, as served.
        example: String,
    },
    /// A record `stamp` cannot add its field to: it holds that field already (adding it would
    /// overwrite what the API served), or it is no object.
    #[error(
        "key `stamp` adds `{field}` to each record, but record {index} (counting from 0) {why}, so nothing landed{hint}"
    )]
    Unstampable {
        /// The `stamp` field.
        field: String,
        /// The record's position at the `records` path.
        index: usize,
        /// What is wrong with it.
        why: &'static str,
        /// What to do about it.
        hint: &'static str,
    },
    /// The API answered something the collector cannot use.
    #[error("{what}: {message}")]
    Unexpected {
        /// The request or step, in words.
        what: String,
        /// What is wrong with the answer.
        message: String,
    },
}

impl SourceError {
    /// When the API asked not to be called before (an exhausted quota), if it did.
    pub fn paused_until(&self) -> Option<DateTime<Utc>> {
        match self {
            SourceError::Fetch(FetchError::Paused { until, .. }) => Some(*until),
            _ => None,
        }
    }

    /// This machine's clock and the API's, when an API's `Date` told this clock is behind, not
    /// set yet: a failure of the clock, not of the API, recorded nowhere (its run would be
    /// dated by that clock, days back), as a run at a clock reading 1970 is not.
    pub fn clock_behind(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match self {
            SourceError::Fetch(FetchError::ClockBehind { here, there, .. }) => {
                Some((*here, *there))
            }
            _ => None,
        }
    }
}
