//! How complete and healthy each source's collection was over the period: expected versus
//! landed collections (from `every` and `runs`, counted from the source's first known
//! collection), hours (or days) without data, coverage of the totals the APIs announced, retries, 429s
//! and failures; the one-word health of the cover and the word of the quality table.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::format::counted;
use crate::query::Disabled;

mod assess;
mod expected;
mod expected_from;
pub mod failing;
mod health;
mod paused_into;
pub mod silence;
mod steps;

pub(crate) use assess::landed_collections;
pub use assess::{Known, assess};
pub use expected_from::ExpectedFrom;
pub use health::{Health, health_line};
pub use paused_into::PausedInto;

/// Whether a source's runs tell its hours: when they ran, failed or were disabled is when it
/// collected or not. Not of one collecting by day (France Travail: its runs are retried the next
/// minutes and its days fetched again) nor of daily values (its API serves past days).
pub(crate) fn runs_tell_hours(source: &releve::Source) -> bool {
    !(source.collects_by_day() || source.resolution == releve::Resolution::Day)
}

/// The completeness figures of one source over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Completeness {
    /// Collections the schedule called for in the elapsed part of the period, from
    /// [`Completeness::expected_from`] on.
    pub expected: u64,
    /// Where the expected collections are counted from.
    pub expected_from: ExpectedFrom,
    /// Collections that landed their data: runs, or for a source collecting by day, the days
    /// landed (a day collected again lands once), as `expected` counts them.
    pub landed: u64,
    /// Runs that landed their data, each (a day collected again twice).
    pub landed_runs: u64,
    /// Runs that failed.
    pub failed: u64,
    /// Elapsed UTC hours of the period, or local days for a source of daily values
    /// (`resolution = "day"`).
    pub steps: usize,
    /// Those with no record holding a value (records of nulls only are no data).
    pub steps_without_data: usize,
    /// Records announced by the APIs, summed over the landed runs that announced a total.
    pub announced: u64,
    /// Of those, the records those same runs did not fall short of (landed, or a row the
    /// dataset holds twice, landed once).
    pub landed_of_announced: u64,
    /// Runs that landed and announced a total (possibly 0).
    pub announcing_runs: u64,
    /// Retried requests.
    pub retries: u64,
    /// 429 answers.
    pub throttled: u64,
    /// Records announced and not landed: out of reach of any query, or not served.
    pub shortfall: u64,
    /// Runs that fell short of their announced records.
    pub short_runs: u64,
    /// The most records a run fell short of (a list cut at each run misses about as many
    /// each time: the sum over runs counts the same records again).
    pub most_short: u64,
    /// The largest total a run of the period was told of.
    pub most_announced: u64,
    /// Records landed sharing their key with a different record of the same run, of which
    /// the summaries keep the last: under the source's present `key` (or a run that did not
    /// record its own).
    pub key_clashes: u64,
    /// Likewise under a `key` since changed, with those keys as written: the files may have
    /// been summarised under the present one, which tells those records apart.
    pub clashes_before: (u64, BTreeSet<String>),
    /// Records in the period, from `hourly`.
    pub records: i64,
    /// Records the summariser dropped (no key, or no time it could read) from files landed in
    /// the period (a per-day source's: from the files of the days it collected in the period).
    pub rejected: u64,
    /// Runs of the period not summarised yet (their files wait in `raw/`), and their records.
    pub waiting: crate::query::WaitingRuns,
    /// Health when the report is generated.
    pub health: Health,
    /// The source's files of the period (see [`crate::quarantine::count`]) waiting in
    /// `raw/_quarantine/` when the report is generated (0 when the raw folder was not given or
    /// could not be read).
    pub quarantined: u64,
    /// Its files landed after the period waiting in quarantine: the health now counts them.
    pub quarantined_since: u64,
    /// The latest failure's message.
    pub last_error: Option<String>,
    /// The stretches of the period while the source was disabled, in which no collection
    /// was expected.
    pub disabled: Vec<Disabled>,
    /// For a source disabled when the report is generated, the start of its last run in the
    /// period, collections being expected up to it (and its interval) only; `Some(None)`
    /// without a run, none being expected.
    pub disabled_after: Option<Option<DateTime<Utc>>>,
    /// For such a source, when its collection after that last run was due (at the interval
    /// the run recorded: [`CollectionRun::next_due`](crate::query::CollectionRun::next_due)),
    /// where its collections stop being expected and its charts' disabled shading begins.
    pub disabled_due: Option<DateTime<Utc>>,
    /// Whether every collection missed is one a failure before the period put off.
    pub paused_into: PausedInto,
    /// The longest stretch of the period's expected collections in which none of the source
    /// started, where it is over two and a half of its intervals (see
    /// [`silence::stretches_without_run`]).
    pub longest_without_run: Option<silence::WithoutRun>,
    /// Every such stretch, oldest first.
    pub without_run: Vec<silence::WithoutRun>,
    /// The stretches in which every run of the source failed, oldest first (see
    /// [`failing::failing_stretches`]).
    pub failing: Vec<failing::Failing>,
    /// When the source's latest run before the period started, where it is known (not for a
    /// source collecting by day, whose runs belong to the days they collect).
    pub last_run_before: Option<DateTime<Utc>>,
}

/// What the quality table can say of a source's coverage of the totals its APIs announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The period's runs are no longer kept.
    NotKnown,
    /// No run in the period.
    NoRun,
    /// Runs in the period, all failed.
    NoneLanded,
    /// Runs landed, none announcing a total (a plain JSON API).
    NotAnnounced,
    /// Runs landed `landed` of the `announced` records they were told of (`announced` may be 0).
    Of { landed: u64, announced: u64 },
}

impl Completeness {
    /// The stretches without a run but those within a stretch shaded "failed" (an API that
    /// asked to be left alone for hours): its failure says why no run started.
    pub fn without_run_outside_failures(&self) -> impl Iterator<Item = &silence::WithoutRun> {
        self.without_run.iter().filter(|gap| {
            !self.failing.iter().any(|failing| {
                failing.stretch.from <= gap.stretch.from
                    && gap.stretch.until <= failing.stretch.until
            })
        })
    }

    /// True when the cover shows the source in red: its health alerts, or files of it wait
    /// in quarantine, their records not summarised.
    pub fn needs_attention(&self) -> bool {
        self.health.alerts() || self.quarantined > 0 || self.quarantined_since > 0
    }

    /// The cover's health of the source: its health now, and the files of the period waiting
    /// in quarantine (`OK, 1 file quarantined`), else those landed since (`OK, 1 file
    /// quarantined since`).
    pub fn cover_word(&self) -> String {
        match (self.quarantined, self.quarantined_since) {
            (0, 0) => self.health.word().to_owned(),
            (0, n) => format!(
                "{}, {} quarantined since",
                self.health.word(),
                counted(n, "file")
            ),
            (n, _) => format!("{}, {} quarantined", self.health.word(), counted(n, "file")),
        }
    }

    /// The coverage as the quality table says it.
    pub fn coverage_of(&self) -> Coverage {
        if self.expected_from.unknown() {
            Coverage::NotKnown
        } else if self.announcing_runs > 0 {
            Coverage::Of {
                landed: self.landed_of_announced,
                announced: self.announced,
            }
        } else if self.landed == 0 && self.failed == 0 {
            Coverage::NoRun
        } else if self.landed == 0 {
            Coverage::NoneLanded
        } else {
            Coverage::NotAnnounced
        }
    }

    /// The quality table's word: the health now, except that a source healthy now but with
    /// nothing landed in the period never reads `OK` there, and a period without records that
    /// ended before the source's first known collection reads `not started` whatever its
    /// health now. (Runs are kept 90 days: an older period can hold records from runs no
    /// longer known.)
    pub fn period_word(&self) -> &'static str {
        let before_first_run = matches!(self.expected_from, ExpectedFrom::AfterPeriod(_));
        match self.health {
            _ if before_first_run && self.records == 0 => "not started",
            _ if self.expected_from.unknown() && self.records == 0 => "not known",
            Health::Ok if self.landed == 0 && self.expected > 0 => "none landed",
            health => health.word(),
        }
    }
}

#[cfg(test)]
mod tests;
