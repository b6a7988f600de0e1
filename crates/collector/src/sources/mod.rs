//! The source kinds, one module each, dispatched with a plain `match` on the configured
//! [`SourceKind`]. A kind's `collect` gets a [`RunContext`] (the source's HTTP client, the
//! `--date` day, the incremental cursor, an optional progress bar) and returns
//! [`Collected`]: the exact bytes to land plus the facts the run metrics need. It lands nothing
//! itself: the caller lands the bytes only when `collect` succeeded, so nothing partial lands.
//!
//! What the bytes are (the summariser relies on it): `http_json` lands the API body exactly as
//! served; every other kind lands a JSON array of the records as the API gave them. Either way,
//! the source's `drop` fields are removed from every record first.
//!
//! A new kind joins each `match` on [`SourceKind`] below, which the compiler points to (the
//! README's "Adding a source kind" lists the other places); its failures are
//! [`SourceError`]s (`error.rs`).

mod drop_paths;
mod error;
mod france_travail;
pub(crate) mod http_json;
mod key_clash;
mod landing;
mod ods_v1;
mod opendatasoft;
mod page;
mod records;
mod survey;
mod surveyor;
mod unordered_version;
mod windowed;

use std::time::Duration;

use chrono::{DateTime, DurationRound, NaiveDate, Utc};
use indicatif::ProgressBar;
use releve::{Source, SourceKind};

use crate::http::SourceClient;

pub use error::SourceError;
pub(crate) use key_clash::advice as key_clash_advice;
pub use opendatasoft::in_time_order;
pub use survey::newest_time;

/// What one source's run needs besides its configuration.
#[derive(Debug)]
pub struct RunContext {
    /// The source's HTTP client for this run (rate limit, timeout, retries, counters).
    pub client: SourceClient,
    /// The day a per-day source collects (`--date`, default yesterday, UTC).
    pub day: NaiveDate,
    /// Where an incremental source's selection starts (inclusive), from
    /// [`incremental_start`]; `None` on a first run and for other kinds.
    pub since: Option<DateTime<Utc>>,
    /// A progress bar to advance, only when stderr is a terminal.
    pub progress: Option<ProgressBar>,
    /// The total the API announced, once it did: a run failing after still reports it.
    pub announced: std::sync::Mutex<Option<u64>>,
}

impl RunContext {
    /// Sets the progress bar's length, when there is one.
    pub fn progress_total(&self, total: u64) {
        if let Some(bar) = &self.progress {
            bar.set_length(total);
        }
    }

    /// Notes the total the API announced (and sizes the progress bar with it).
    pub fn announce(&self, total: u64) {
        if let Ok(mut announced) = self.announced.lock() {
            *announced = Some(total);
        }
        self.progress_total(total);
    }

    /// The total the API announced, if it did.
    pub fn announced(&self) -> Option<u64> {
        self.announced.lock().ok().and_then(|announced| *announced)
    }

    /// Advances the progress bar, when there is one.
    pub fn progress_advance(&self, done: u64) {
        if let Some(bar) = &self.progress {
            bar.inc(done);
        }
    }
}

/// A successful collection: the bytes to land and the facts for the run metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// Exactly what lands in the raw file.
    pub body: Vec<u8>,
    /// Records in `body`.
    pub records: u64,
    /// Records the API said the selection holds, when it says.
    pub announced: Option<u64>,
    /// Records announced that no query could reach.
    pub shortfall: u64,
    /// The newest record `time` in `body`, for kinds that land an array of records.
    pub newest: Option<DateTime<Utc>>,
    /// Records in `body` without a `key` or `time` value (the summariser skips them).
    pub unusable: u64,
    /// Records in `body` whose `key` an earlier record with other content holds (the
    /// summariser keeps the last version of each key).
    pub key_clashes: u64,
    /// Read fields no record in `body` holds, as `` `path` (key) ``.
    pub absent: Vec<String>,
    /// The same fields that records hold only as objects or arrays, never as a value.
    pub not_values: Vec<String>,
    /// Other signs of a path or a time zone the configuration gets wrong.
    pub hints: survey::Hints,
    /// The parts a window past the API's cap was asked in, when it was (see
    /// [`releve::RunMetrics::window_parts`]).
    pub window_parts: Option<u64>,
}

/// Why a source was not collected although it was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// France Travail without credentials in the environment.
    #[error(transparent)]
    MissingCredentials(#[from] releve::credentials::MissingCredentials),
}

/// Checks what a source needs before any request: `Some` when it must be skipped.
pub fn unavailable(source: &Source) -> Option<Unavailable> {
    releve::credentials::missing_for(source).map(Unavailable::from)
}

/// What `collector --check` says the configuration of `source` likely gets wrong, its kind's
/// own cautions: a France Travail `drop` letting the recruiters' contacts land, a v1 portal's
/// `recordid` as `key` or its points read the wrong way round.
pub fn kind_cautions(source: &Source) -> Vec<String> {
    match &source.kind {
        SourceKind::FranceTravail(_) => france_travail::contact_caution(source)
            .into_iter()
            .collect(),
        SourceKind::OdsV1(_) => ods_v1::cautions(source),
        SourceKind::HttpJson(_) | SourceKind::Opendatasoft(_) => Vec::new(),
    }
}

/// Why a run of `source` would fail, told before any request, for what its kind needs of the
/// environment: the variable `key_env` names unset or unsendable, France Travail's credentials
/// half set (both unset is a skip, see [`unavailable`]). `None` when nothing is lacking.
pub fn lacking(source: &Source) -> Option<String> {
    match &source.kind {
        SourceKind::HttpJson(http) => http_json::api_key(http).err().map(|err| err.to_string()),
        SourceKind::FranceTravail(_) => releve::credentials::france_travail()
            .err()
            .map(|half_set| half_set.to_string()),
        SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) => None,
    }
}

/// Collects one source according to its kind.
pub async fn collect(ctx: &RunContext, source: &Source) -> Result<Collected, SourceError> {
    match &source.kind {
        SourceKind::HttpJson(settings) => http_json::collect(ctx, source, settings).await,
        SourceKind::Opendatasoft(settings) => opendatasoft::collect(ctx, source, settings).await,
        SourceKind::OdsV1(settings) => ods_v1::collect(ctx, source, settings).await,
        SourceKind::FranceTravail(settings) => france_travail::collect(ctx, source, settings).await,
    }
}

/// True for a source that collects only what is new since its last run.
pub fn incremental(source: &Source) -> bool {
    match &source.kind {
        SourceKind::Opendatasoft(ods) => ods.incremental,
        SourceKind::HttpJson(_) | SourceKind::OdsV1(_) | SourceKind::FranceTravail(_) => false,
    }
}

/// Where an incremental source's run starts: `--since` when given, else the newest `time`
/// landed so far less the source's `lookback` (rows the portal filled in late land again; the
/// summariser keeps their latest version), or less its `recheck` when the last run
/// (`last_attempt`) started on an earlier UTC day: the day's first (rows revised long after
/// they landed land again; one failed is not tried again before the next day, so a recheck
/// the portal cannot serve never holds the day's collections back). `None` for other kinds
/// and for a first run.
///
/// A cursor later than `now` counts as `now`: a dataset may publish rows ahead of time whose
/// measures are still null (éCO2mix serves the day's forecast rows), and starting after them
/// would never fetch those measures. The start is taken down to its minute, so the row exactly
/// `lookback` before a run started a few milliseconds past a quarter is fetched again.
pub fn incremental_start(
    source: &Source,
    backfill: Option<DateTime<Utc>>,
    cursor: Option<DateTime<Utc>>,
    last_attempt: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match &source.kind {
        SourceKind::Opendatasoft(ods) if ods.incremental => backfill.or_else(|| {
            cursor.map(|cursor| {
                let first_of_its_day =
                    last_attempt.is_none_or(|last| last.date_naive() < now.date_naive());
                // A cursor at the calendar's edge (a state file edited by hand) is taken as is.
                let cursor = cursor.min(now);
                let start = cursor
                    .checked_sub_signed(ods.reach(first_of_its_day).as_chrono())
                    .unwrap_or(cursor);
                start
                    .duration_trunc(chrono::TimeDelta::minutes(1))
                    .unwrap_or(start)
            })
        }),
        SourceKind::Opendatasoft(_)
        | SourceKind::HttpJson(_)
        | SourceKind::OdsV1(_)
        | SourceKind::FranceTravail(_) => None,
    }
}

/// True for kinds that collect one calendar day per file (France Travail).
pub fn per_day(source: &Source) -> bool {
    source.collects_by_day()
}

/// The API a source calls, as `host:port` of its `url` (France Travail: its API's host, the
/// token's being another): the sources of one run that call the same one share its slots and
/// its rate limit. A `url` that names no host is an API of its own.
pub fn api_host(source: &Source) -> String {
    match url::Url::parse(&source.url) {
        Ok(url) => match (url.host_str(), url.port_or_known_default()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => source.url.clone(),
        },
        Err(_) => source.url.clone(),
    }
}

/// France Travail's own limit: 10 calls per second per client id (burst 10).
const FRANCE_TRAVAIL_RATE: f64 = 10.0;

/// The kind's client-side rate limit in calls per second, when `rate_limit` is not set.
pub fn default_rate_limit(kind: &SourceKind) -> f64 {
    match kind {
        SourceKind::HttpJson(_) => 2.0,
        SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) => 5.0,
        SourceKind::FranceTravail(_) => FRANCE_TRAVAIL_RATE,
    }
}

/// The calls per second `source` allows its API: `rate_limit`, else its kind's default.
pub fn rate_limit(source: &Source) -> f64 {
    source
        .rate_limit
        .unwrap_or_else(|| default_rate_limit(&source.kind))
}

/// How a source is slowed by the other sources of its API host, which a run collecting them
/// with it shares one rate limit with, at the smallest rate among them (see
/// [`crate::http::RateLimits`]): `None` when its own rate is that smallest.
pub fn shared_rate(source: &Source, all: &[Source]) -> Option<String> {
    use crate::http::allowed_rate;
    let host = api_host(source);
    let own = allowed_rate(rate_limit(source));
    let (slowest, rate) = all
        .iter()
        .filter(|other| other.name != source.name && other.enabled && api_host(other) == host)
        .map(|other| (other, rate_limit(other)))
        .min_by(|(_, a), (_, b)| a.total_cmp(b))?;
    let made = allowed_rate(rate);
    (made < own).then(|| {
        let default = if slowest.rate_limit.is_none() {
            ", its kind's default"
        } else {
            ""
        };
        let calls = if made == 1.0 { "call" } else { "calls" };
        format!(
            "shares the calls of {host} with `{}` (rate_limit {rate}/s{default}): a run collecting both makes {made} {calls} a second for them together, not {own}",
            slowest.name
        )
    })
}

/// Why a `rate_limit` set above the limit the API itself announces only draws 429s; `None`
/// within it, or where the API's limit is not known.
pub fn rate_above_api(source: &Source) -> Option<String> {
    let rate = source.rate_limit?;
    match source.kind {
        SourceKind::FranceTravail(_) if rate > FRANCE_TRAVAIL_RATE => Some(format!(
            "`rate_limit` {rate}/s is above France Travail's {FRANCE_TRAVAIL_RATE}/s per client id: the API answers the calls past it with 429s, each waited out; set it to {FRANCE_TRAVAIL_RATE} or less"
        )),
        // No limit of theirs is known.
        SourceKind::FranceTravail(_)
        | SourceKind::HttpJson(_)
        | SourceKind::Opendatasoft(_)
        | SourceKind::OdsV1(_) => None,
    }
}

/// The per-request timeout: `timeout` when set, else the shorter of 30 s and the interval.
pub fn request_timeout(source: &Source) -> Duration {
    source.timeout.map_or_else(
        || source.every.duration().min(Duration::from_secs(30)),
        releve::Every::duration,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(kind: &str, url: &str, extra: &str) -> Source {
        crate::testing::configured(&format!(
            "[[source]]\nname = \"s\"\nkind = \"{kind}\"\nurl = \"{url}\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\n{extra}"
        ))
    }

    #[test]
    fn sources_of_one_portal_call_one_api_whatever_their_paths() {
        let portal = at(
            "opendatasoft",
            "https://ODRE.opendatasoft.com",
            "dataset = \"a\"\n",
        );
        let same = at(
            "ods_v1",
            "https://odre.opendatasoft.com:443",
            "dataset = \"b\"\n",
        );
        assert_eq!(api_host(&portal), "odre.opendatasoft.com:443");
        assert_eq!(api_host(&portal), api_host(&same));
        let other_port = at("http_json", "http://127.0.0.1:8081/feed", "");
        let local = at("http_json", "http://127.0.0.1:8080/feed", "");
        assert_ne!(api_host(&local), api_host(&other_port));
        let france_travail = at(
            "france_travail",
            "https://api.francetravail.io/partenaire/offresdemploi/v2",
            "token_url = \"https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire\"\n",
        );
        assert_eq!(api_host(&france_travail), "api.francetravail.io:443");
    }

    /// A state file edited by hand, or written by another program, may hold any date chrono
    /// reads: an incremental source's run then starts without a panic, as from a first run or
    /// from the earliest date it can.
    #[test]
    fn a_cursor_at_the_edge_of_the_calendar_starts_a_run_without_a_panic() {
        let source = at(
            "opendatasoft",
            "https://odre.opendatasoft.com",
            "dataset = \"eco2mix-national-tr\"\nincremental = true\n",
        );
        let state: crate::state::SourceState = serde_json::from_str(
            r#"{"last_success_started": null, "last_success_landed": null, "last_attempt": null,
                "last_error": null, "cursor": "-262143-01-01T00:00:00Z"}"#,
        )
        .expect("a state file the collector reads");
        let now = chrono::Utc::now();
        let start = std::panic::catch_unwind(|| {
            incremental_start(&source, None, state.cursor(), None, now)
        });
        assert!(start.is_ok(), "the run starts without a panic");
    }

    /// `collector --check` tells a source its host's other sources slow: they share one
    /// limit at the smallest rate.
    #[test]
    fn a_source_slowed_by_a_sibling_s_lower_rate_is_told_so() {
        let named = |name: &str, extra: &str| Source {
            name: name.to_owned(),
            ..at("http_json", "https://data.example.org/api/a", extra)
        };
        let all = [
            named("fast", "rate_limit = 5\n"),
            named("slow", "rate_limit = 0.5\n"),
            Source {
                name: "elsewhere".to_owned(),
                ..at(
                    "http_json",
                    "https://other.example.org/",
                    "rate_limit = 0.1\n",
                )
            },
        ];
        assert_eq!(
            shared_rate(&all[0], &all).as_deref(),
            Some(
                "shares the calls of data.example.org:443 with `slow` (rate_limit 0.5/s): a run collecting both makes 0.5 calls a second for them together, not 5"
            )
        );
        assert_eq!(shared_rate(&all[1], &all), None, "the slowest itself");
        assert_eq!(shared_rate(&all[2], &all), None, "another host");
        // A sibling left at its kind's default (http_json: 2 a second), once a second.
        let defaulted = [named("fast", "rate_limit = 5\n"), named("plain", "")];
        assert_eq!(
            shared_rate(&defaulted[0], &defaulted).as_deref(),
            Some(
                "shares the calls of data.example.org:443 with `plain` (rate_limit 2/s, its kind's default): a run collecting both makes 2 calls a second for them together, not 5"
            )
        );
        let once = [
            named("fast", "rate_limit = 5\n"),
            named("one", "rate_limit = 1\n"),
        ];
        assert!(
            shared_rate(&once[0], &once).is_some_and(|said| said.contains("makes 1 call a second")),
            "{:?}",
            shared_rate(&once[0], &once)
        );
        // A limit above one is taken whole: 2.5 makes 2 calls a second, as 2 does.
        let halves = [
            named("fast", "rate_limit = 5.5\n"),
            named("half", "rate_limit = 2.5\n"),
            named("two", "rate_limit = 2\n"),
        ];
        assert_eq!(
            shared_rate(&halves[0], &halves).as_deref(),
            Some(
                "shares the calls of data.example.org:443 with `two` (rate_limit 2/s): a run collecting both makes 2 calls a second for them together, not 5"
            )
        );
        assert_eq!(
            shared_rate(&halves[1], &halves),
            None,
            "2.5 makes 2, as 2 does"
        );
    }
}
