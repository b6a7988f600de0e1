//! How complete and healthy each source's collection was over the period: expected versus
//! landed collections (from `every` and `runs`, counted from the source's first known
//! collection), hours (or days) without data, coverage of the totals the APIs announced, retries, 429s
//! and failures; the one-word health of the cover and the word of the quality table.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use releve::Source;

use crate::format::counted;
use crate::period::ReportPeriod;
use crate::query::{CollectionRun, Disabled, SourceData};

mod expected;
pub mod failing;
pub mod silence;
mod steps;

use expected::expected;
use steps::{elapsed_steps, off_stretches};

/// Whether a source's runs tell its hours: when they ran, failed or were disabled is when it
/// collected or not. Not of one collecting by day (France Travail: its runs are retried the next
/// minutes and its days fetched again) nor of daily values (its API serves past days).
pub(crate) fn runs_tell_hours(source: &releve::Source) -> bool {
    !(source.collects_by_day() || source.resolution == releve::Resolution::Day)
}

/// A source's health when the report is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The last run succeeded and was recent enough.
    Ok,
    /// No successful run for more than three intervals (what `analyser status` calls stale).
    Late,
    /// The latest run failed.
    Failing,
    /// `enabled = false` in the configuration.
    Disabled,
    /// Never collected, and its credentials are not set where the report is generated: the
    /// collector skips it, which is not a failure.
    Skipped,
    /// No run known, though nothing stops the collector from collecting it (what `analyser
    /// status` calls NEVER).
    Never,
    /// Collected, but its runs have landed no record since its query changed (what `analyser
    /// status` calls EMPTY).
    Empty,
    /// Collected, but a file it landed has waited in `raw/` for the summariser for hours
    /// (what `analyser status` calls BEHIND): the report lacks its records since.
    Behind,
}

impl Health {
    /// The word shown in the report.
    pub fn word(self) -> &'static str {
        match self {
            Health::Ok => "OK",
            Health::Late => "late",
            Health::Failing => "failing",
            Health::Disabled => "disabled",
            Health::Skipped => "skipped",
            Health::Never => "never",
            Health::Empty => "empty",
            Health::Behind => "behind",
        }
    }

    /// True for a health the cover shows in red: a source that should collect and does not.
    pub fn alerts(self) -> bool {
        matches!(
            self,
            Health::Late | Health::Failing | Health::Never | Health::Empty | Health::Behind
        )
    }
}

/// Where the expected collections of a period are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedFrom {
    /// The period's start: the source collected before it.
    PeriodStart,
    /// No run of the source is known, nor any summary (a source just added or renamed, one
    /// never collected for want of credentials): none is expected, and its health says so.
    NoRunKnown,
    /// The source's first known collection, which started inside the period.
    FirstRun(DateTime<Utc>),
    /// The source's first known collection came after the period: none was expected.
    AfterPeriod(DateTime<Utc>),
    /// The period began before the runs still kept ([`releve::store::RUNS_KEPT`]), which
    /// start at the given time, inside it: collections are counted from there on.
    OldestKept(DateTime<Utc>),
    /// The period ended before the runs still kept begin: its collections are not known.
    RunsExpired,
    /// The database lost the source's runs of a stretch overlapping the period (restored from
    /// an older backup): collections are counted from the given time, inside it, when the run
    /// after the last lost was due.
    AfterLoss(DateTime<Utc>),
    /// The database lost the source's runs of the whole period: its collections are not known.
    RunsLost,
}

impl ExpectedFrom {
    /// True when the period's runs are gone, so its collection figures are not known.
    pub fn unknown(self) -> bool {
        matches!(self, ExpectedFrom::RunsExpired | ExpectedFrom::RunsLost)
    }

    /// Where collections are counted from in `period`; `None` when none is expected, or none
    /// is known.
    pub(crate) fn counted_from(self, period: &ReportPeriod) -> Option<DateTime<Utc>> {
        match self {
            ExpectedFrom::PeriodStart => Some(period.start()),
            ExpectedFrom::FirstRun(first)
            | ExpectedFrom::OldestKept(first)
            | ExpectedFrom::AfterLoss(first) => Some(first),
            ExpectedFrom::AfterPeriod(_)
            | ExpectedFrom::RunsExpired
            | ExpectedFrom::RunsLost
            | ExpectedFrom::NoRunKnown => None,
        }
    }
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
    /// Those with no record.
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
    /// the run recorded: [`CollectionRun::next_due`]), where its collections stop being
    /// expected and its charts' disabled shading begins.
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

/// Whether the collections a source missed in the period are those the collector put off
/// after its last run before the period failed: the source's first run in the period came
/// only after as many intervals, and no later than the failure's retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PausedInto {
    /// They are not, or none was missed.
    No,
    /// They are: the failure recorded that the collector would not try the source again
    /// before then (the end of a pause the API asked for, or of the backoff).
    Until(DateTime<Utc>),
    /// They may be: the failure, recorded before relevé noted when it would try again, may
    /// have paused the source for up to [`releve::metrics::LONGEST_PAUSE`].
    Perhaps,
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

/// What [`assess`] knows of a source besides its data.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// Its first known collection.
    pub first_run: Option<DateTime<Utc>>,
    /// True when its credentials are not set where the report is generated.
    pub credentials_missing: bool,
    /// Where the runs still kept begin, when `runs` has lost older ones to its TTL (see
    /// [`crate::query::runs_kept_from`]).
    pub runs_kept_from: Option<DateTime<Utc>>,
    /// Its files of the period waiting in `raw/_quarantine/` (see [`crate::quarantine::count`]).
    pub quarantined: u64,
    /// Its files landed after the period waiting there (see
    /// [`crate::quarantine::count_later`]).
    pub quarantined_since: u64,
    /// Where its runs the database lost (restored from an older backup) end, when they
    /// overlap the period (see [`releve::store::restored`]).
    pub lost_until: Option<DateTime<Utc>>,
}

/// Assesses one source; `now` bounds the elapsed part of a period still running.
pub fn assess(
    source: &Source,
    data: &SourceData,
    known: Known,
    period: &ReportPeriod,
    now: DateTime<Utc>,
) -> Completeness {
    let first_run = known.first_run;
    let reference = now.min(period.end());
    // A run known only by its outcome (the latest, the last success) came before the period;
    // summaries or a period older than the runs kept tell of runs no longer known.
    let run_known = first_run.is_some()
        || !data.runs.is_empty()
        || data.last_success.is_some()
        || data.latest_run.is_some()
        || data.run_before.is_some()
        || !data.hourly.is_empty()
        || data.records_before > 0
        || known
            .runs_kept_from
            .is_some_and(|horizon| period.start() < horizon);
    let expected_from = match known.lost_until {
        // Its runs up to the last lost are not known, as expired ones: counted from the run due
        // after it, the first the database holds.
        Some(until) if run_known && period.start() <= until => {
            let first_kept = until + source.every.as_chrono();
            match period.end() <= first_kept {
                true => ExpectedFrom::RunsLost,
                false => ExpectedFrom::AfterLoss(first_kept),
            }
        }
        _ if run_known => expected_from(source, first_run, known.runs_kept_from, period),
        _ => ExpectedFrom::NoRunKnown,
    };
    let first_in_or_after = match expected_from {
        ExpectedFrom::FirstRun(first) | ExpectedFrom::AfterPeriod(first) => Some(first),
        // Nothing collected yet: no hour of it is without data, the hour under way included.
        ExpectedFrom::NoRunKnown => Some(period.end()),
        _ => None,
    };
    let until = expected_until(source, data, reference);
    let off = off_stretches(source, data, period, expected_from, until);
    let (steps, steps_with_data) = elapsed_steps(
        source.resolution,
        data,
        period,
        reference,
        first_in_or_after,
        &off,
    );
    // Runs that landed: a failed run's metrics may say what was announced, but it landed
    // nothing, and the next run collects those records.
    // A day collected again (`--date DAY --force`) announces that day's total again: a source
    // collecting by day counts each day's latest landing only, in its coverage and its
    // shortfall (a day landed whole the second time lacks nothing).
    let collected_again = |run: &CollectionRun| {
        source.collects_by_day()
            && data.runs.iter().any(|later| {
                later.collected_day() == run.collected_day()
                    && later.started > run.started
                    && later.error.is_none()
                    && later.announced.is_some()
            })
    };
    let latest: Vec<&CollectionRun> = data
        .runs
        .iter()
        .filter(|run| !collected_again(run))
        .collect();
    let announcing = latest
        .iter()
        .copied()
        .filter(|run| run.announced.is_some() && run.error.is_none());
    let last_run = data.runs.iter().max_by_key(|run| run.started);
    let landed = landed_collections(source, &data.runs);
    let landed_runs = data.runs.iter().filter(|run| run.error.is_none()).count() as u64;
    let expected = until.map_or(0, |until| {
        expected(source, data, expected_from, period, until, now)
    });
    let disabled: Vec<Disabled> = data
        .disabled
        .iter()
        .filter(|disabled| disabled.overlaps(period))
        .copied()
        .collect();
    let without_run = match (expected_from.counted_from(period), until) {
        (Some(from), Some(until)) => {
            silence::stretches_without_run(source, data, &disabled, from, (until, until == now))
        }
        _ => Vec::new(),
    };
    // A stretch without runs that a failure puts off (the collector backing off, up to 15
    // minutes, or as long as the API asked) is part of the outage, not an end to it: a minute
    // source's four hours of failures are one stretch, not twenty too short to be shaded.
    let cut: Vec<(DateTime<Utc>, DateTime<Utc>)> = without_run
        .iter()
        .filter(|gap| !matches!(gap.before, silence::Before::PutOff { covers: true, .. }))
        .map(|gap| (gap.stretch.from, gap.stretch.until))
        .chain(disabled.iter().map(|d| (d.from, d.until)))
        .collect();
    let failing = failing::failing_stretches(
        source,
        (data.run_before.as_ref(), &data.runs_before, &data.runs),
        (period.start(), reference),
        &cut,
    );
    let longest_without_run = without_run
        .iter()
        .copied()
        .max_by_key(|gap| gap.stretch.until - gap.stretch.from);
    Completeness {
        expected,
        expected_from,
        landed,
        landed_runs,
        failed: data.runs.iter().filter(|run| run.error.is_some()).count() as u64,
        steps,
        steps_without_data: steps.saturating_sub(steps_with_data),
        announced: announcing.clone().filter_map(|run| run.announced).sum(),
        // What a run did not fall short of: a row the dataset holds twice, served whole, lands
        // once and is no shortfall; a run landing more than it announced (a dataset that grew
        // between its first page and its export) covered its announced total, not more.
        landed_of_announced: announcing
            .clone()
            .map(|run| run.announced.unwrap_or(0).saturating_sub(run.shortfall))
            .sum(),
        announcing_runs: announcing.count() as u64,
        retries: data.runs.iter().map(|run| run.retries).sum(),
        throttled: data.runs.iter().map(|run| run.throttled).sum(),
        shortfall: latest.iter().map(|run| run.shortfall).sum(),
        short_runs: latest.iter().filter(|run| run.shortfall > 0).count() as u64,
        most_short: latest.iter().map(|run| run.shortfall).max().unwrap_or(0),
        most_announced: data
            .runs
            .iter()
            .filter_map(|run| run.announced)
            .max()
            .unwrap_or(0),
        key_clashes: data
            .runs
            .iter()
            .filter(|run| !clashed_under_another_key(source, run))
            .map(|run| run.key_clashes)
            .sum(),
        clashes_before: data
            .runs
            .iter()
            .filter(|run| clashed_under_another_key(source, run))
            .fold((0, BTreeSet::new()), |(count, mut keys), run| {
                keys.extend(run.clash_key.clone());
                (count + run.key_clashes, keys)
            }),
        records: data.records(),
        rejected: data.rejected,
        waiting: data.waiting,
        health: health(source, data, known.credentials_missing, now),
        quarantined: known.quarantined,
        quarantined_since: known.quarantined_since,
        last_error: data.runs.iter().rev().find_map(|run| run.error.clone()),
        disabled,
        disabled_after: (!source.enabled).then(|| last_run.map(|run| run.started)),
        disabled_due: last_run
            .filter(|_| !source.enabled)
            .map(|run| run.next_due(source)),
        paused_into: paused_into(source, data, expected_from, period, expected, landed, until),
        longest_without_run,
        without_run,
        failing,
        last_run_before: data.run_before.as_ref().map(|run| run.started),
    }
}

/// The collections of `runs` that landed their data: runs, or for a source collecting by day
/// the days landed, however often a day was collected again (a day collected twice is no
/// other day landed).
pub(crate) fn landed_collections(source: &Source, runs: &[CollectionRun]) -> u64 {
    let landed = runs.iter().filter(|run| run.error.is_none());
    if source.collects_by_day() {
        landed
            .map(CollectionRun::collected_day)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64
    } else {
        landed.count() as u64
    }
}

/// See [`Completeness::paused_into`]; `until` is where collections stop being expected.
fn paused_into(
    source: &Source,
    data: &SourceData,
    from: ExpectedFrom,
    period: &ReportPeriod,
    expected: u64,
    landed: u64,
    until: Option<DateTime<Utc>>,
) -> PausedInto {
    let missed = expected.saturating_sub(landed);
    let (Some(failure), Some(until)) = (data.run_before.as_ref(), until) else {
        return PausedInto::No;
    };
    if missed == 0 || failure.error.is_none() || from != ExpectedFrom::PeriodStart {
        return PausedInto::No;
    }
    let every = failure
        .interval()
        .unwrap_or_else(|| source.every.as_chrono())
        .num_seconds()
        .max(1);
    let resumed = data
        .runs
        .iter()
        .map(|run| run.started)
        .min()
        .unwrap_or(until);
    // The collections due before the first run, and of those, the ones due before the retry:
    // the collector runs at the cron minute after it, so one due a few seconds before it (a
    // pause the API asked for ends between minutes, and older collectors dated the retry 30 s
    // before a minute) was put off too.
    let before_first = (resumed - period.start()).num_seconds() / every;
    let to_retry = (failure.retried_by() - period.start()).num_seconds();
    let before_retry = if to_retry > 0 {
        (to_retry - 1) / every + 1
    } else {
        0
    };
    let skipped = before_first.min(before_retry);
    if !i64::try_from(missed).is_ok_and(|missed| missed <= skipped) {
        PausedInto::No
    } else if let Some(retry) = failure.retry_from {
        PausedInto::Until(retry)
    } else {
        PausedInto::Perhaps
    }
}

/// Up to when the source's collections are expected: `reference`, or of a disabled source
/// its last run in the period and that run's interval, when it was disabled as far as the
/// report can tell; without a run, not at all (`None`).
fn expected_until(
    source: &Source,
    data: &SourceData,
    reference: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if source.enabled {
        return Some(reference);
    }
    let last = data.runs.iter().max_by_key(|run| run.started)?;
    Some(last.next_due(source).min(reference))
}

/// Where the period's expected collections are counted from. When `runs` has lost its older
/// runs (`kept_from`), for a period that began before the runs kept, the earliest run of the
/// source is its first collection only when it came well after they begin (a source added
/// since); otherwise collections are counted from the oldest runs kept, or not at all when the
/// whole period is older.
fn expected_from(
    source: &Source,
    first_run: Option<DateTime<Utc>>,
    kept_from: Option<DateTime<Utc>>,
    period: &ReportPeriod,
) -> ExpectedFrom {
    // The earliest run kept of a source can come an interval after the oldest of all.
    let added_since = |horizon: DateTime<Utc>| {
        first_run
            .is_some_and(|first| first > horizon + source.every.as_chrono() + Duration::hours(1))
    };
    // A period that began less than an hour before the runs kept loses at most that hour's
    // runs: counted from its first run as usual.
    if let Some(horizon) = kept_from
        && period.start() < horizon - Duration::hours(1)
        && !added_since(horizon)
    {
        // From the source's own first run kept, at the horizon or within an interval after it:
        // the run of the interval under way at the horizon went with the runs expired.
        return if period.end() <= horizon {
            ExpectedFrom::RunsExpired
        } else {
            ExpectedFrom::OldestKept(first_run.map_or(horizon, |first| first.max(horizon)))
        };
    }
    match first_run {
        Some(first) if first >= period.end() => ExpectedFrom::AfterPeriod(first),
        Some(first) if first > period.start() => ExpectedFrom::FirstRun(first),
        _ => ExpectedFrom::PeriodStart,
    }
}

/// The health now. As in `analyser status`, the runs speak first (where the report is
/// generated need not be where the collector runs, which has the credentials): a source is
/// skipped when its credentials are missing here and it never collected.
fn health(
    source: &Source,
    data: &SourceData,
    credentials_missing: bool,
    now: DateTime<Utc>,
) -> Health {
    if !source.enabled {
        return Health::Disabled;
    }
    if data.latest_run_failed {
        return Health::Failing;
    }
    let allowed = source.every.as_chrono() * crate::status::STALE_AFTER_INTERVALS;
    let behind = data
        .waiting
        .waited
        .is_some_and(|waited| waited > Duration::hours(crate::status::BEHIND_AFTER_HOURS));
    match data.last_success {
        Some(last) if now - last <= allowed && behind => Health::Behind,
        Some(last) if now - last <= allowed && data.unmatched.is_some() => Health::Empty,
        Some(last) if now - last <= allowed => Health::Ok,
        None if credentials_missing => Health::Skipped,
        None if data.latest_run.is_none() => Health::Never,
        _ => Health::Late,
    }
}

/// The cover's one-line summary: `4 OK · 1 late (x) · 1 failing (y) · 1 with files of
/// this period quarantined (z)`, and of sources whose files landed after the period wait in
/// quarantine (the health is now's). A source OK but for its quarantined files is not counted
/// OK.
pub fn health_line(assessed: &[(&Source, &Completeness)]) -> String {
    let mut parts = Vec::new();
    for health in [
        Health::Ok,
        Health::Late,
        Health::Failing,
        Health::Never,
        Health::Empty,
        Health::Behind,
        Health::Disabled,
        Health::Skipped,
    ] {
        let names: Vec<&str> = assessed
            .iter()
            .filter(|(_, c)| {
                c.health == health
                    && !(health == Health::Ok && (c.quarantined > 0 || c.quarantined_since > 0))
            })
            .map(|(s, _)| s.name.as_str())
            .collect();
        match (health, names.len()) {
            (_, 0) => {}
            (Health::Ok, n) => parts.push(format!("{n} OK")),
            (Health::Skipped, n) => parts.push(format!(
                "{n} skipped, no credentials set ({})",
                listed(&names)
            )),
            (Health::Never, n) => parts.push(format!("{n} never collected ({})", listed(&names))),
            (Health::Behind, n) => parts.push(format!(
                "{n} behind, files waiting over {} hours for the summariser ({})",
                crate::status::BEHIND_AFTER_HOURS,
                listed(&names)
            )),
            (Health::Empty, n) => parts.push(format!(
                "{n} landing no record since its query changed ({})",
                listed(&names)
            )),
            (other, n) => parts.push(format!("{n} {} ({})", other.word(), listed(&names))),
        }
    }
    let quarantined: Vec<&str> = assessed
        .iter()
        .filter(|(_, c)| c.quarantined > 0)
        .map(|(s, _)| s.name.as_str())
        .collect();
    if !quarantined.is_empty() {
        parts.push(format!(
            "{} with files of this period quarantined ({})",
            quarantined.len(),
            listed(&quarantined)
        ));
    }
    let since: Vec<&str> = assessed
        .iter()
        .filter(|(_, c)| c.quarantined == 0 && c.quarantined_since > 0)
        .map(|(s, _)| s.name.as_str())
        .collect();
    if !since.is_empty() {
        parts.push(format!(
            "{} with files landed since quarantined ({}: `analyser status` names them)",
            since.len(),
            listed(&since)
        ));
    }
    if parts.is_empty() {
        "No source configured.".to_owned()
    } else {
        format!("Sources now: {}.", parts.join(" · "))
    }
}

/// At most [`NAMED_ON_COVER`] source names, `a, b, c, d, e and 25 more` past them: forty
/// sources late on one failing portal would fill the cover, whose table below names each.
fn listed(names: &[&str]) -> String {
    match names.len() {
        n if n <= NAMED_ON_COVER => names.join(", "),
        n => format!(
            "{} and {} more",
            names[..NAMED_ON_COVER - 1].join(", "),
            n - (NAMED_ON_COVER - 1)
        ),
    }
}

/// How many sources the cover's line names in one of its parts.
const NAMED_ON_COVER: usize = 6;

/// Whether `run`'s records clashed under a `key` other than `source`'s present one.
fn clashed_under_another_key(source: &Source, run: &CollectionRun) -> bool {
    run.key_clashes > 0
        && run
            .clash_key
            .as_ref()
            .is_some_and(|key| *key != source.key.to_string())
}

#[cfg(test)]
mod tests;
