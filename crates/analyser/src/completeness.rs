//! How complete and healthy each source's collection was over the period: expected versus
//! landed collections (from `every` and `runs`, counted from the source's first known
//! collection), hours without data, coverage of the totals the APIs announced, retries, 429s
//! and failures; the one-word health of the cover and the word of the quality table.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use releve::Source;

use crate::period::ReportPeriod;
use crate::query::SourceData;

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
        }
    }

    /// True for a health the cover shows in red: a source that should collect and does not.
    pub fn alerts(self) -> bool {
        matches!(self, Health::Late | Health::Failing | Health::Never)
    }
}

/// Where the expected collections of a period are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedFrom {
    /// The period's start: the source collected before it, or no run of it is known.
    PeriodStart,
    /// The source's first known collection, which started inside the period.
    FirstRun(DateTime<Utc>),
    /// The source's first known collection came after the period: none was expected.
    AfterPeriod(DateTime<Utc>),
    /// The period began before the runs still kept ([`releve::store::RUNS_KEPT`]), which
    /// start at the given time, inside it: collections are counted from there on.
    OldestKept(DateTime<Utc>),
    /// The period ended before the runs still kept begin: its collections are not known.
    RunsExpired,
}

impl ExpectedFrom {
    /// True when the period's runs are gone, so its collection figures are not known.
    pub fn unknown(self) -> bool {
        self == ExpectedFrom::RunsExpired
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
    /// Runs that landed their data.
    pub landed: u64,
    /// Runs that failed.
    pub failed: u64,
    /// Elapsed UTC hours of the period.
    pub hours: usize,
    /// Elapsed hours with no record.
    pub hours_without_data: usize,
    /// Records announced by the APIs, summed over the landed runs that announced a total.
    pub announced: u64,
    /// Records landed by those same runs.
    pub landed_of_announced: u64,
    /// Retried requests.
    pub retries: u64,
    /// 429 answers.
    pub throttled: u64,
    /// Records announced and not landed: out of reach of any query, or not served.
    pub shortfall: u64,
    /// Records in the period, from `hourly`.
    pub records: i64,
    /// Records the summariser dropped (no key, or no time it could read) from files landed in
    /// the period.
    pub rejected: u64,
    /// Health when the report is generated.
    pub health: Health,
    /// The latest failure's message.
    pub last_error: Option<String>,
}

impl Completeness {
    /// `landed_of_announced / announced`, when some run announced a total.
    pub fn coverage(&self) -> Option<f64> {
        (self.announced > 0).then(|| self.landed_of_announced as f64 / self.announced as f64)
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
            _ if self.expected_from == ExpectedFrom::RunsExpired && self.records == 0 => {
                "not known"
            }
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
    let expected_from = expected_from(source, first_run, known.runs_kept_from, period);
    let elapsed_hours: Vec<_> = period
        .hours()
        .into_iter()
        .filter(|h| *h < reference)
        .collect();
    let hours_with_data = data
        .hourly
        .iter()
        .filter(|h| h.count > 0 && releve::store::chrono_date(h.hour) < reference)
        .count();
    // Runs that landed: a failed run's metrics may say what was announced, but it landed
    // nothing, and the next run collects those records.
    let announcing = data
        .runs
        .iter()
        .filter(|run| run.announced.is_some() && run.error.is_none());
    // A disabled source is expected to collect until its last run in the period, when it was
    // disabled as far as the report can tell; without a run, not at all.
    let until = if source.enabled {
        Some(reference)
    } else {
        let every = source.every.as_chrono();
        data.runs
            .iter()
            .map(|run| run.started)
            .max()
            .map(|last| (last + every).min(reference))
    };
    let expected = until.map_or(0, |until| expected(source, expected_from, period, until));
    Completeness {
        expected,
        expected_from,
        landed: data.runs.iter().filter(|run| run.error.is_none()).count() as u64,
        failed: data.runs.iter().filter(|run| run.error.is_some()).count() as u64,
        hours: elapsed_hours.len(),
        hours_without_data: elapsed_hours.len().saturating_sub(hours_with_data),
        announced: announcing.clone().filter_map(|run| run.announced).sum(),
        // A run landing more than it announced (a dataset that grew between its first page and
        // its export) covered its announced total, not more.
        landed_of_announced: announcing
            .map(|run| run.records.min(run.announced.unwrap_or(0)))
            .sum(),
        retries: data.runs.iter().map(|run| run.retries).sum(),
        throttled: data.runs.iter().map(|run| run.throttled).sum(),
        shortfall: data.runs.iter().map(|run| run.shortfall).sum(),
        records: data.records(),
        rejected: data.rejected,
        health: health(source, data, known.credentials_missing, now),
        last_error: data.runs.iter().rev().find_map(|run| run.error.clone()),
    }
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
        return if period.end() <= horizon {
            ExpectedFrom::RunsExpired
        } else {
            ExpectedFrom::OldestKept(horizon)
        };
    }
    match first_run {
        Some(first) if first >= period.end() => ExpectedFrom::AfterPeriod(first),
        Some(first) if first > period.start() => ExpectedFrom::FirstRun(first),
        _ => ExpectedFrom::PeriodStart,
    }
}

/// Collections due before `reference`: whole intervals since the period's start, or, from a
/// first run inside the period, that run and every interval after it. An interval of whole
/// days is counted in days of the report's time zone, so a 23-hour day of a daylight-saving
/// change still expects a daily source once (and a week with one, seven times); shorter
/// intervals are counted in elapsed time, so that day expects an hourly source 23 times.
fn expected(
    source: &Source,
    from: ExpectedFrom,
    period: &ReportPeriod,
    reference: DateTime<Utc>,
) -> u64 {
    let every = source
        .every
        .as_chrono()
        .max(Duration::seconds(1))
        .num_seconds();
    let in_days = every % SECONDS_PER_DAY == 0;
    let seconds = |since: DateTime<Utc>| {
        let elapsed = if in_days {
            // The period's bounds are its days' midnights, even where a time change skips
            // midnight and the day starts at 01:00.
            let wall_clock = |at: DateTime<Utc>| match at {
                at if at == period.start() => period.first_day.and_time(NaiveTime::MIN),
                at if at == period.end() => period.end_day.and_time(NaiveTime::MIN),
                at => at.with_timezone(&period.tz).naive_local(),
            };
            wall_clock(reference) - wall_clock(since)
        } else {
            reference - since
        };
        elapsed.num_seconds().max(0)
    };
    let due = match from {
        ExpectedFrom::PeriodStart => seconds(period.start()) / every,
        ExpectedFrom::FirstRun(first) | ExpectedFrom::OldestKept(first) => {
            (seconds(first) + every - 1) / every
        }
        ExpectedFrom::AfterPeriod(_) | ExpectedFrom::RunsExpired => 0,
    };
    u64::try_from(due).unwrap_or(0)
}

/// A day of wall-clock time.
const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

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
    match data.last_success {
        Some(last) if now - last <= allowed => Health::Ok,
        None if credentials_missing => Health::Skipped,
        None if data.latest_run.is_none() => Health::Never,
        _ => Health::Late,
    }
}

/// The cover's one-line summary: `4 sources OK · 1 late (x) · 1 failing (y)`.
pub fn health_line(assessed: &[(&Source, &Completeness)]) -> String {
    let mut parts = Vec::new();
    for health in [
        Health::Ok,
        Health::Late,
        Health::Failing,
        Health::Never,
        Health::Disabled,
        Health::Skipped,
    ] {
        let names: Vec<&str> = assessed
            .iter()
            .filter(|(_, c)| c.health == health)
            .map(|(s, _)| s.name.as_str())
            .collect();
        match (health, names.len()) {
            (_, 0) => {}
            (Health::Ok, n) => parts.push(format!("{n} OK")),
            (Health::Skipped, n) => parts.push(format!(
                "{n} skipped, no credentials set ({})",
                names.join(", ")
            )),
            (Health::Never, n) => parts.push(format!("{n} never collected ({})", names.join(", "))),
            (other, n) => parts.push(format!("{n} {} ({})", other.word(), names.join(", "))),
        }
    }
    if parts.is_empty() {
        "No source configured.".to_owned()
    } else {
        format!("Sources: {}.", parts.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::period::PeriodKind;
    use crate::query::CollectionRun;

    fn source(every: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"{every}\"\nkey = \"id\"\ntime = \"t\"\n"
        );
        let config =
            releve::Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
        config.sources[0].clone()
    }

    fn known(first_run: Option<DateTime<Utc>>) -> Known {
        Known {
            first_run,
            credentials_missing: false,
            runs_kept_from: None,
        }
    }

    fn period() -> ReportPeriod {
        ReportPeriod::containing(
            PeriodKind::Day,
            "2026-11-21".parse().expect("date"),
            chrono_tz::UTC,
        )
    }

    fn run(hour: u32, error: Option<&str>) -> CollectionRun {
        CollectionRun {
            started: Utc
                .with_ymd_and_hms(2026, 11, 21, hour, 0, 0)
                .single()
                .expect("instant"),
            records: 10,
            announced: Some(20),
            retries: 1,
            throttled: 2,
            shortfall: 0,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn a_run_landing_more_than_it_announced_covers_its_announced_total_only() {
        let short = run(1, None);
        let grown = CollectionRun {
            records: 30,
            ..run(2, None)
        };
        let data = SourceData {
            runs: vec![short, grown],
            ..Default::default()
        };
        let c = assess(&source("1h"), &data, known(None), &period(), period().end());
        assert_eq!((c.announced, c.landed_of_announced), (40, 30));
        assert_eq!(
            c.coverage(),
            Some(0.75),
            "not 40 of 40 because one run grew"
        );
    }

    #[test]
    fn a_disabled_source_expects_collections_until_its_last_run() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 6, 0, 0)
            .single()
            .expect("instant");
        let mut off = source("15m");
        off.enabled = false;
        let never = assess(&off, &SourceData::default(), known(None), &period(), now);
        assert_eq!((never.expected, never.health), (0, Health::Disabled));
        let data = SourceData {
            runs: vec![run(1, None), run(2, Some("HTTP 503"))],
            ..Default::default()
        };
        let stopped = assess(&off, &data, known(None), &period(), now);
        assert_eq!(
            (stopped.expected, stopped.landed, stopped.failed),
            (4 * 2 + 1, 1, 1),
            "every 15 minutes until its last run, 02:00, and that run's interval"
        );
    }

    #[test]
    fn a_running_period_expects_only_its_elapsed_collections() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 6, 0, 0)
            .single()
            .expect("instant");
        let data = SourceData {
            runs: vec![
                CollectionRun {
                    records: 0,
                    ..run(4, Some("HTTP 503"))
                },
                run(5, None),
            ],
            last_success: Some(now),
            ..Default::default()
        };
        let c = assess(&source("15m"), &data, known(None), &period(), now);
        assert_eq!((c.expected, c.landed, c.failed), (24, 1, 1));
        assert_eq!((c.hours, c.hours_without_data), (6, 6));
        assert_eq!(
            c.coverage(),
            Some(0.5),
            "the failed run's announced total is not counted against coverage"
        );
        assert_eq!((c.retries, c.throttled), (2, 4), "over every run");
        assert_eq!(c.health, Health::Ok);
    }

    #[test]
    fn a_daylight_saving_day_expects_a_daily_source_once_and_an_hourly_one_23_times() {
        let paris = chrono_tz::Europe::Paris;
        let spring =
            |kind| ReportPeriod::containing(kind, "2026-03-29".parse().expect("date"), paris);
        let autumn =
            ReportPeriod::containing(PeriodKind::Day, "2026-10-25".parse().expect("date"), paris);
        // Reported the day after each period: its runs are still kept.
        let expected = |every: &str, period: &ReportPeriod| {
            assess(
                &source(every),
                &SourceData::default(),
                known(None),
                period,
                period.end() + Duration::days(1),
            )
            .expected
        };
        assert_eq!(expected("1d", &spring(PeriodKind::Day)), 1, "a 23-hour day");
        assert_eq!(expected("1d", &autumn), 1, "a 25-hour day");
        assert_eq!(expected("1d", &spring(PeriodKind::Week)), 7);
        assert_eq!(expected("1d", &spring(PeriodKind::Month)), 31);
        assert_eq!(expected("2d", &spring(PeriodKind::Month)), 15);
        assert_eq!(
            expected("1h", &spring(PeriodKind::Day)),
            23,
            "in elapsed hours"
        );
        assert_eq!(expected("1h", &autumn), 25);
        // Where the change skips midnight, the day starts at 01:00.
        let santiago = ReportPeriod::containing(
            PeriodKind::Day,
            "2026-09-06".parse().expect("date"),
            chrono_tz::America::Santiago,
        );
        assert_eq!(expected("1d", &santiago), 1, "a day that starts at 01:00");
        let first_run = paris
            .with_ymd_and_hms(2026, 3, 29, 0, 30, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc);
        let from_first_run = assess(
            &source("1d"),
            &SourceData::default(),
            known(Some(first_run)),
            &spring(PeriodKind::Week),
            spring(PeriodKind::Week).end() + Duration::days(1),
        );
        assert_eq!(
            from_first_run.expected, 1,
            "its first run on the week's last day, the 23-hour one"
        );
    }

    #[test]
    fn health_says_failing_then_late() {
        let end = period().end();
        let failing = SourceData {
            runs: vec![run(20, None), run(22, Some("HTTP 500"))],
            latest_run_failed: true,
            last_success: Some(
                Utc.with_ymd_and_hms(2026, 11, 21, 20, 0, 0)
                    .single()
                    .expect("instant"),
            ),
            ..Default::default()
        };
        let c = assess(&source("1h"), &failing, known(None), &period(), end);
        assert_eq!(c.health, Health::Failing);
        assert_eq!(c.last_error.as_deref(), Some("HTTP 500"));
        let late = SourceData {
            runs: vec![run(20, None)],
            latest_run_failed: false,
            ..failing
        };
        assert_eq!(
            assess(&source("1h"), &late, known(None), &period(), end).health,
            Health::Late
        );
        assert_eq!(
            assess(&source("1d"), &late, known(None), &period(), end).health,
            Health::Ok
        );
    }

    #[test]
    fn a_source_never_collected_is_skipped_without_credentials_and_never_with_them() {
        let end = period().end();
        let without_credentials = Known {
            first_run: None,
            credentials_missing: true,
            runs_kept_from: None,
        };
        let never = SourceData::default();
        let c = assess(&source("1d"), &never, without_credentials, &period(), end);
        assert_eq!(c.health, Health::Skipped);
        assert!(!c.health.alerts());
        assert_eq!(c.period_word(), "skipped");
        let line = health_line(&[(&source("1d"), &c)]);
        assert_eq!(line, "Sources: 1 skipped, no credentials set (s).");
        // With credentials (or none needed), a source without any run should have collected:
        // `analyser status` says NEVER.
        let with_credentials = Known {
            credentials_missing: false,
            ..without_credentials
        };
        let c = assess(&source("1d"), &never, with_credentials, &period(), end);
        assert_eq!(c.health, Health::Never);
        assert!(c.health.alerts());
        let line = health_line(&[(&source("1d"), &c)]);
        assert_eq!(line, "Sources: 1 never collected (s).");
        // Once it collected, stopping is news whatever the credentials here.
        let collected = SourceData {
            last_success: Some(end - Duration::days(5)),
            latest_run: Some(end - Duration::days(5)),
            ..Default::default()
        };
        let c = assess(
            &source("1d"),
            &collected,
            without_credentials,
            &period(),
            end,
        );
        assert_eq!(c.health, Health::Late);
        assert!(c.health.alerts());
    }

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
            .single()
            .expect("instant")
    }

    #[test]
    fn a_month_expects_collections_only_from_the_first_known_run() {
        let month = ReportPeriod::containing(
            PeriodKind::Month,
            "2026-11-21".parse().expect("date"),
            chrono_tz::UTC,
        );
        let first = at(30, 9, 0);
        let data = SourceData {
            runs: (0..60)
                .map(|m| CollectionRun {
                    started: first + Duration::minutes(m),
                    error: None,
                    ..run(0, None)
                })
                .collect(),
            last_success: Some(at(30, 9, 59)),
            ..Default::default()
        };
        let c = assess(
            &source("1m"),
            &data,
            known(Some(first)),
            &month,
            at(30, 10, 0),
        );
        assert_eq!((c.expected, c.landed), (60, 60));
        assert_eq!(c.expected_from, ExpectedFrom::FirstRun(first));
        assert_eq!(c.period_word(), "OK");
    }

    #[test]
    fn a_source_collecting_before_the_period_expects_the_whole_period() {
        let data = SourceData {
            last_success: Some(at(22, 0, 0)),
            ..Default::default()
        };
        let c = assess(
            &source("1h"),
            &data,
            known(Some(at(1, 0, 0))),
            &period(),
            at(22, 0, 0),
        );
        assert_eq!((c.expected, c.landed), (24, 0));
        assert_eq!(c.expected_from, ExpectedFrom::PeriodStart);
        assert_eq!(c.health, Health::Ok, "healthy now");
        assert_eq!(c.period_word(), "none landed", "but not OK for the day");
    }

    #[test]
    fn a_period_older_than_the_runs_kept_does_not_take_the_earliest_run_kept_for_the_first() {
        // Reported 100 days later: the runs of 21 November expired after 90 days, and the
        // earliest run kept started just after the oldest of all.
        let now = at(21, 12, 0) + Duration::days(100);
        let horizon = now - Duration::days(90);
        let earliest_kept = horizon + Duration::minutes(10);
        let with_records = SourceData {
            last_success: Some(now),
            hourly: vec![releve::store::HourlySummary {
                source: "s".to_owned(),
                hour: releve::store::bson_date(at(21, 5, 0)),
                count: 3,
                numeric: Vec::new(),
                categories: Vec::new(),
                bbox: None,
                updated_at: releve::store::bson_date(earliest_kept),
            }],
            ..Default::default()
        };
        let assessed = |data: &SourceData, first: DateTime<Utc>, horizon: DateTime<Utc>| {
            let known = Known {
                runs_kept_from: Some(horizon),
                ..known(Some(first))
            };
            assess(&source("15m"), data, known, &period(), now)
        };
        let c = assessed(&with_records, earliest_kept, horizon);
        assert_eq!(c.expected_from, ExpectedFrom::RunsExpired);
        assert_eq!((c.expected, c.records), (0, 3));
        assert_eq!(c.period_word(), "OK", "its health now, not `not started`");
        let without_records = SourceData {
            hourly: Vec::new(),
            ..with_records.clone()
        };
        assert_eq!(
            assessed(&without_records, earliest_kept, horizon).period_word(),
            "not known"
        );

        // A source added since: its first run, long after the runs kept begin, is its first.
        let added = now - Duration::days(10);
        let c = assessed(&without_records, added, horizon);
        assert_eq!(c.expected_from, ExpectedFrom::AfterPeriod(added));
        assert_eq!(c.period_word(), "not started");

        // Runs kept from 06:00 that day: collections counted from there.
        let horizon = at(21, 6, 0);
        let c = assessed(&with_records, horizon + Duration::minutes(10), horizon);
        assert_eq!(c.expected_from, ExpectedFrom::OldestKept(horizon));
        assert_eq!(c.expected, 18 * 4, "every 15 minutes from 06:00");

        // Nothing lost (`runs_kept_from` unknown): the earliest run is the first.
        let c = assess(
            &source("15m"),
            &without_records,
            known(Some(earliest_kept)),
            &period(),
            now,
        );
        assert_eq!(c.expected_from, ExpectedFrom::AfterPeriod(earliest_kept));
    }

    #[test]
    fn a_day_before_the_first_run_expects_nothing_and_does_not_read_ok() {
        let first = at(22, 8, 0);
        let data = SourceData {
            last_success: Some(first),
            ..Default::default()
        };
        let c = assess(
            &source("15m"),
            &data,
            known(Some(first)),
            &period(),
            at(22, 8, 5),
        );
        assert_eq!((c.expected, c.landed), (0, 0));
        assert_eq!(c.expected_from, ExpectedFrom::AfterPeriod(first));
        assert_eq!(c.period_word(), "not started");
        let failing_now = SourceData {
            latest_run_failed: true,
            ..data
        };
        let c = assess(
            &source("15m"),
            &failing_now,
            known(Some(first)),
            &period(),
            at(22, 8, 5),
        );
        assert_eq!(c.health, Health::Failing, "the cover says failing");
        assert_eq!(
            c.period_word(),
            "not started",
            "the period's table says why it is empty"
        );
    }

    #[test]
    fn records_before_the_first_known_run_mean_it_started() {
        // Runs expire after 90 days; the demo's records are moved before its only run.
        let first = at(22, 8, 0);
        let hour = releve::store::HourlySummary {
            source: "s".to_owned(),
            hour: releve::store::bson_date(at(21, 10, 0)),
            count: 3,
            numeric: Vec::new(),
            categories: Vec::new(),
            bbox: None,
            updated_at: releve::store::bson_date(first),
        };
        let data = SourceData {
            last_success: Some(first),
            hourly: vec![hour],
            ..Default::default()
        };
        let c = assess(
            &source("15m"),
            &data,
            known(Some(first)),
            &period(),
            at(22, 8, 5),
        );
        assert_eq!(c.expected_from, ExpectedFrom::AfterPeriod(first));
        assert_eq!(c.records, 3);
        assert_eq!(c.period_word(), "OK");
    }
}
