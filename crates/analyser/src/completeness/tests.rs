//! Unit tests of the completeness assessment.

use chrono::{Duration, TimeZone};
use releve::Source;

use super::*;
use crate::period::{PeriodKind, ReportPeriod};
use crate::query::{CollectionRun, SourceData};

fn source(every: &str) -> Source {
    source_keyed_by(every, "id")
}

/// A source whose records are keyed by `key` (`"t"`, its time: a series of slots).
fn source_keyed_by(every: &str, key: &str) -> Source {
    let text = format!(
        "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"{every}\"\nkey = \"{key}\"\ntime = \"t\"\n"
    );
    let config = releve::Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
    config.sources[0].clone()
}

fn known(first_run: Option<DateTime<Utc>>) -> Known {
    Known {
        first_run,
        credentials_missing: false,
        runs_kept_from: None,
        quarantined: 0,
        quarantined_since: 0,
        lost_until: None,
    }
}

/// A source first collected long before the periods of these tests.
fn collecting_before() -> Known {
    known(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single())
}

/// Assesses a source of interval `every` over the whole day, collected since before it.
fn over_the_day(every: &str, data: &SourceData) -> Completeness {
    assess(
        &source(every),
        data,
        collecting_before(),
        &period(),
        period().end(),
    )
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
        started: at(21, hour, 0),
        file: None,
        records: 10,
        announced: Some(20),
        retries: 1,
        throttled: 2,
        shortfall: 10,
        key_clashes: 0,
        clash_key: None,
        error: error.map(str::to_owned),
        every_s: None,
        disabled_from: None,
        retry_from: None,
        day: None,
    }
}

/// A successful run at `minute` minutes into the day, collected under an interval of
/// `every` minutes.
fn run_every(minute: u32, every: i64) -> CollectionRun {
    CollectionRun {
        started: at(21, 0, 0) + Duration::minutes(i64::from(minute)),
        every_s: Some(every * 60),
        ..run(0, None)
    }
}

#[test]
fn a_period_expects_the_intervals_its_runs_collected_under() {
    let day_of = |runs: Vec<CollectionRun>| {
        let data = SourceData {
            runs,
            ..Default::default()
        };
        // `every` is now 5 minutes, whatever it was during the day.
        over_the_day("5m", &data).expected
    };
    let quarter_hours = (0..96).map(|i| run_every(i * 15, 15)).collect();
    assert_eq!(
        day_of(quarter_hours),
        96,
        "a day collected every 15 minutes, reported after `every` became 5 minutes"
    );
    // Shorter: after the 13:45 run the configuration changed; the next run came 5 minutes
    // later, as the collector schedules it, and every 5 minutes after.
    let shortened: Vec<CollectionRun> = (0..56)
        .map(|i| run_every(i * 15, 15))
        .chain((0..122).map(|i| run_every(13 * 60 + 50 + i * 5, 5)))
        .collect();
    assert_eq!(
        day_of(shortened.clone()),
        56 + 122,
        "every run that was due"
    );
    let mut outages = shortened.clone();
    outages.retain(|run| !(at(21, 3, 0)..at(21, 5, 0)).contains(&run.started));
    outages.retain(|run| !(at(21, 15, 0)..at(21, 18, 0)).contains(&run.started));
    assert_eq!(
        day_of(outages),
        56 + 122,
        "the runs that did not come are still expected, at the interval of their stretch"
    );
    let mut across = shortened;
    across.retain(|run| !(at(21, 12, 0)..at(21, 18, 0)).contains(&run.started));
    assert_eq!(
        day_of(across),
        72 + 72,
        "an outage across the change: the old interval until an interval before the first run under the new one, the new one from that run"
    );
    // Shorter, changed later than the new interval would have been due: every 15 minutes
    // until 13:45, the configuration changed at 13:58, runs every 5 minutes from then.
    let changed_late: Vec<CollectionRun> = (0..56)
        .map(|i| run_every(i * 15, 15))
        .chain((0..121).map(|i| run_every(13 * 60 + 58 + i * 5, 5)))
        .collect();
    assert_eq!(
        day_of(changed_late),
        56 + 121,
        "no collection expected between the last run at the old interval and the first at the new"
    );
    // Longer: every 5 minutes until 13:55, every 15 from 14:10.
    let lengthened: Vec<CollectionRun> = (0..168)
        .map(|i| run_every(i * 5, 5))
        .chain((0..40).map(|i| run_every(14 * 60 + 10 + i * 15, 15)))
        .collect();
    assert_eq!(
        day_of(lengthened),
        168 + 40,
        "no collection expected in the gap"
    );
    let unrecorded = (0..96)
        .map(|i| CollectionRun {
            every_s: None,
            ..run_every(i * 15, 15)
        })
        .collect();
    assert_eq!(
        day_of(unrecorded),
        288,
        "runs from before relevé recorded their interval: the current `every`"
    );
    let from_first = SourceData {
        runs: (0..20)
            .map(|i| run_every(14 * 60 + i * 15, 15))
            .chain((0..62).map(|i| run_every(18 * 60 + 50 + i * 5, 5)))
            .collect(),
        ..Default::default()
    };
    let first = known(Some(at(21, 14, 0)));
    let c = assess(&source("5m"), &from_first, first, &period(), period().end());
    assert_eq!(
        c.expected,
        20 + 62,
        "from the first run at 14:00, 15 minutes until 18:45, 5 minutes after"
    );
}

#[test]
fn a_run_landing_more_than_it_announced_covers_its_announced_total_only() {
    let short = run(1, None);
    let grown = CollectionRun {
        records: 30,
        shortfall: 0,
        ..run(2, None)
    };
    let data = SourceData {
        runs: vec![short, grown],
        ..Default::default()
    };
    let c = over_the_day("1h", &data);
    assert_eq!((c.announced, c.landed_of_announced), (40, 30));
    assert_eq!(
        c.coverage_of(),
        Coverage::Of {
            landed: 30,
            announced: 40
        },
        "not 40 of 40 because one run grew"
    );
}

#[test]
fn a_disabled_source_expects_collections_until_its_last_run() {
    let now = at(22, 6, 0);
    let mut off = source("15m");
    off.enabled = false;
    let never = assess(
        &off,
        &SourceData::default(),
        collecting_before(),
        &period(),
        now,
    );
    assert_eq!((never.expected, never.health), (0, Health::Disabled));
    assert_eq!(
        never.disabled_after,
        Some(None),
        "said: no run in the period"
    );
    assert_eq!(
        (never.steps, never.steps_without_data),
        (0, 0),
        "a source retired has no hour without data"
    );
    let data = SourceData {
        runs: vec![run(1, None), run(2, Some("HTTP 503"))],
        ..Default::default()
    };
    let stopped = assess(&off, &data, collecting_before(), &period(), now);
    assert_eq!(
        (stopped.expected, stopped.landed, stopped.failed),
        (4 * 2 + 1, 1, 1),
        "every 15 minutes until its last run, 02:00, and that run's interval"
    );
    assert_eq!(stopped.disabled_after, Some(Some(at(21, 2, 0))));
    assert_eq!(
        stopped.steps, 3,
        "00:00 to 02:00, the hour its last run's interval ends in"
    );
    let enabled = assess(&source("15m"), &data, collecting_before(), &period(), now);
    assert_eq!(enabled.disabled_after, None);
}

/// The coverage column tells a period without runs from runs told of no total, and from runs
/// told of a total of 0.
#[test]
fn coverage_tells_no_run_from_no_total_announced_and_from_a_total_of_0() {
    let coverage = |runs: Vec<CollectionRun>| {
        let data = SourceData {
            runs,
            ..Default::default()
        };
        over_the_day("1h", &data).coverage_of()
    };
    assert_eq!(coverage(Vec::new()), Coverage::NoRun);
    assert_eq!(
        coverage(vec![run(1, Some("HTTP 503"))]),
        Coverage::NoneLanded,
        "a failed run landed nothing"
    );
    let plain = CollectionRun {
        announced: None,
        ..run(1, None)
    };
    assert_eq!(coverage(vec![plain.clone()]), Coverage::NotAnnounced);
    let empty = CollectionRun {
        records: 0,
        announced: Some(0),
        ..run(2, None)
    };
    assert_eq!(
        coverage(vec![plain, empty]),
        Coverage::Of {
            landed: 0,
            announced: 0
        }
    );
    assert_eq!(
        coverage(vec![run(1, None)]),
        Coverage::Of {
            landed: 10,
            announced: 20
        }
    );
}

#[test]
fn a_running_period_expects_only_its_elapsed_collections() {
    let now = at(21, 6, 0);
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
    let c = assess(&source("15m"), &data, collecting_before(), &period(), now);
    assert_eq!((c.expected, c.landed, c.failed), (24, 1, 1));
    assert_eq!((c.steps, c.steps_without_data), (6, 6));
    assert_eq!(
        c.coverage_of(),
        Coverage::Of {
            landed: 10,
            announced: 20
        },
        "the failed run's announced total is not counted against coverage"
    );
    assert_eq!((c.retries, c.throttled), (2, 4), "over every run");
    assert_eq!(c.health, Health::Ok);
}

#[test]
fn a_daylight_saving_day_expects_a_daily_source_once_and_an_hourly_one_23_times() {
    let paris = chrono_tz::Europe::Paris;
    let spring = |kind| ReportPeriod::containing(kind, "2026-03-29".parse().expect("date"), paris);
    let autumn =
        ReportPeriod::containing(PeriodKind::Day, "2026-10-25".parse().expect("date"), paris);
    // Reported the day after each period: its runs are still kept.
    let expected = |every: &str, period: &ReportPeriod| {
        assess(
            &source(every),
            &SourceData::default(),
            collecting_before(),
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
        last_success: Some(at(21, 20, 0)),
        ..Default::default()
    };
    let c = assess(&source("1h"), &failing, collecting_before(), &period(), end);
    assert_eq!(c.health, Health::Failing);
    assert_eq!(c.last_error.as_deref(), Some("HTTP 500"));
    let late = SourceData {
        runs: vec![run(20, None)],
        latest_run_failed: false,
        ..failing
    };
    assert_eq!(
        assess(&source("1h"), &late, collecting_before(), &period(), end).health,
        Health::Late
    );
    assert_eq!(
        assess(&source("1d"), &late, collecting_before(), &period(), end).health,
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
        quarantined: 0,
        quarantined_since: 0,
        lost_until: None,
    };
    let never = SourceData::default();
    let c = assess(&source("1d"), &never, without_credentials, &period(), end);
    assert_eq!(c.health, Health::Skipped);
    assert!(!c.health.alerts());
    assert_eq!(c.period_word(), "skipped");
    let line = health_line(&[(&source("1d"), &c)]);
    assert_eq!(line, "Sources now: 1 skipped, no credentials set (s).");
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
    assert_eq!(line, "Sources now: 1 never collected (s).");
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

/// A source collecting well whose files wait in quarantine needs attention: not counted OK.
#[test]
fn quarantined_files_turn_a_healthy_source_into_one_needing_attention() {
    let end = period().end();
    let collecting = SourceData {
        runs: vec![run(22, None)],
        last_success: Some(at(21, 22, 0)),
        ..Default::default()
    };
    let quarantined = Known {
        quarantined: 2,
        ..collecting_before()
    };
    let c = assess(&source("1d"), &collecting, quarantined, &period(), end);
    assert_eq!(c.health, Health::Ok);
    assert!(c.needs_attention());
    assert_eq!(c.cover_word(), "OK, 2 files quarantined");
    let clean = assess(
        &source("1d"),
        &collecting,
        collecting_before(),
        &period(),
        end,
    );
    assert!(!clean.needs_attention());
    assert_eq!(clean.cover_word(), "OK");
    let line = health_line(&[(&source("1d"), &c), (&source("1d"), &clean)]);
    assert_eq!(
        line,
        "Sources now: 1 OK · 1 with files of this period quarantined (s)."
    );
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

    // Runs kept from 06:00 that day, this source's first kept at 06:10 (its run of 05:55 went
    // with the runs expired): collections counted from its own.
    let horizon = at(21, 6, 0);
    let c = assessed(&with_records, horizon + Duration::minutes(10), horizon);
    assert_eq!(
        c.expected_from,
        ExpectedFrom::OldestKept(horizon + Duration::minutes(10))
    );
    assert_eq!(
        c.expected,
        18 * 4,
        "every 15 minutes from 06:10, 23:55 the last"
    );

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

#[test]
fn collections_skipped_while_disabled_are_not_expected_but_those_caught_up_count() {
    let hourly = |runs: Vec<CollectionRun>, disabled: Vec<Disabled>| {
        let data = SourceData {
            runs,
            disabled,
            ..Default::default()
        };
        over_the_day("1h", &data)
    };
    // Runs at 00:00 to 09:00, disabled from 10:00 (its first collection skipped) until the
    // run at 15:20, which stands for the 15:00 one, then hourly to 23:20.
    let runs: Vec<CollectionRun> = (0..10)
        .map(|hour| run_every(hour * 60, 60))
        .chain((15..24).map(|hour| run_every(hour * 60 + 20, 60)))
        .collect();
    let stretch = Disabled {
        from: at(21, 10, 0),
        until: at(21, 15, 0) + Duration::minutes(20),
    };
    let assessed = hourly(runs.clone(), vec![stretch]);
    assert_eq!((assessed.expected, assessed.landed), (19, 19));
    assert_eq!(assessed.disabled, vec![stretch]);
    assert_eq!(
        hourly(runs.clone(), Vec::new()).expected,
        24,
        "counted missed"
    );
    // A stretch that began the day before counts from the period's start.
    let from_yesterday = Disabled {
        from: at(21, 0, 0) - Duration::hours(30),
        ..stretch
    };
    assert_eq!(
        hourly(runs[10..].to_vec(), vec![from_yesterday]).expected,
        9
    );
    // Runs collecting what the stretch skipped (a per-day source catching up on its days)
    // were due: expected never falls below what landed.
    let caught_up: Vec<CollectionRun> = (0..24).map(|hour| run_every(hour * 60, 60)).collect();
    assert_eq!(hourly(caught_up, vec![stretch]).expected, 24);
}

#[test]
fn a_stretch_disabled_past_the_period_end_skips_every_collection_due_in_the_period() {
    // Hourly runs at half past, 00:30 to 09:30; disabled from 10:30 (its first collection
    // skipped) until a run the next morning: 10:30 to 23:30 were all skipped in this period,
    // and no run of the period stands for any of them.
    let runs: Vec<CollectionRun> = (0..10).map(|hour| run_every(hour * 60 + 30, 60)).collect();
    let stretch = Disabled {
        from: at(21, 10, 30),
        until: at(21, 0, 0) + Duration::hours(29) + Duration::minutes(50),
    };
    let data = SourceData {
        runs,
        disabled: vec![stretch],
        ..Default::default()
    };
    let assessed = over_the_day("1h", &data);
    assert_eq!((assessed.expected, assessed.landed), (10, 10));
    // The next day, the run at 05:50 that took up again stands for the last one skipped:
    // 00:30 to 04:30 skipped, 05:50 to 23:50 landed.
    let next_day = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-22".parse().expect("date"),
        chrono_tz::UTC,
    );
    let runs: Vec<CollectionRun> = (5..24)
        .map(|hour| run_every(24 * 60 + hour * 60 + 50, 60))
        .collect();
    let data = SourceData {
        runs,
        disabled: vec![stretch],
        ..Default::default()
    };
    let assessed = assess(
        &source("1h"),
        &data,
        collecting_before(),
        &next_day,
        next_day.end(),
    );
    assert_eq!((assessed.expected, assessed.landed), (19, 19));
}

#[test]
fn a_stretch_disabled_counts_at_the_interval_then_in_force() {
    // Hourly to 09:00, disabled from 10:00 (the first collection skipped) and `every` changed
    // to 15 minutes meanwhile: the run at 15:20 took up again at the new interval. The skipped
    // collections are the hourly ones, 10:00 to 15:00; of the 35 quarter hours due from 15:20,
    // 8 did not run.
    let quarter_hours: Vec<CollectionRun> = (0..35)
        .filter(|i| !(10..18).contains(i))
        .map(|i| run_every(15 * 60 + 20 + i * 15, 15))
        .collect();
    let runs: Vec<CollectionRun> = (0..10)
        .map(|hour| run_every(hour * 60, 60))
        .chain(quarter_hours)
        .collect();
    let data = SourceData {
        runs,
        disabled: vec![Disabled {
            from: at(21, 10, 0),
            until: at(21, 15, 20),
        }],
        ..Default::default()
    };
    let assessed = over_the_day("15m", &data);
    assert_eq!((assessed.expected, assessed.landed), (45, 37));
}

/// Collections skipped while a source was disabled across a daylight-saving change are
/// counted as its schedule counts them: an hourly source in elapsed hours (three skipped from
/// 01:00 to 05:00 on the night the clocks go forward), a daily one in calendar days (six
/// skipped over the week's last six days, one of them 23 hours long).
#[test]
fn collections_skipped_while_disabled_across_a_clock_change_count_as_the_schedule_does() {
    let paris = chrono_tz::Europe::Paris;
    let local = |day: u32, hour: u32| {
        paris
            .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    let landed = |started: DateTime<Utc>, every: i64| CollectionRun {
        started,
        every_s: Some(every),
        ..run(0, None)
    };
    let expected = |every: &str, runs: Vec<CollectionRun>, disabled, period: &ReportPeriod| {
        let data = SourceData {
            runs,
            disabled: vec![disabled],
            ..Default::default()
        };
        assess(
            &source(every),
            &data,
            collecting_before(),
            period,
            period.end(),
        )
        .expected
    };

    // Hourly on 29 March, a 23-hour day: a run at midnight, disabled from 01:00 until the run
    // at 05:00 (02:00 does not exist that night), then runs to 12:00 only.
    let day = ReportPeriod::containing(PeriodKind::Day, "2026-03-29".parse().expect("date"), paris);
    let runs = std::iter::once(local(29, 0))
        .chain((5..=12).map(|hour| local(29, hour)))
        .map(|started| landed(started, 3600))
        .collect();
    let night = Disabled {
        from: local(29, 1),
        until: local(29, 5),
    };
    assert_eq!(
        expected("1h", runs, night, &day),
        23 - 3,
        "three hours elapsed from 01:00 to 05:00 that night, not four on the clock"
    );

    // Daily in March: runs at midnight to the 25th but for an outage on the 10th to 12th,
    // disabled from the 26th until the run at midnight on 1 April.
    let month = ReportPeriod::containing(
        PeriodKind::Month,
        "2026-03-01".parse().expect("date"),
        paris,
    );
    let runs = (1..=25)
        .filter(|day| !(10..=12).contains(day))
        .map(|day| landed(local(day, 0), 86_400))
        .collect();
    let to_april = Disabled {
        from: local(26, 0),
        until: month.end(),
    };
    assert_eq!(
        expected("1d", runs, to_april, &month),
        31 - 6,
        "the 26th to the 31st skipped: six days, though 29 March has 23 hours"
    );
}

/// A stretch disabled from 10:00 past the period's end skips the 14 hourly collections due at
/// 10:00 to 23:00, not a 15th at midnight, which is the next period's.
#[test]
fn a_stretch_disabled_past_the_period_end_skips_only_the_collections_due_in_it() {
    // Hourly runs to 09:00, but for an outage at 03:00 and 04:00.
    let runs = (0..10)
        .filter(|hour| !(3..5).contains(hour))
        .map(|hour| run_every(hour * 60, 60))
        .collect();
    let data = SourceData {
        runs,
        disabled: vec![Disabled {
            from: at(21, 10, 0),
            until: at(22, 8, 0),
        }],
        ..Default::default()
    };
    let assessed = over_the_day("1h", &data);
    assert_eq!((assessed.expected, assessed.landed), (24 - 14, 8));
}

/// The day before a time change that skips midnight ends at the next day's 01:00, its
/// midnight: a daily source whose first run came at 00:30 that day expects that run alone.
#[test]
fn a_day_ending_where_a_time_change_skips_midnight_expects_a_daily_source_once() {
    let santiago = chrono_tz::America::Santiago;
    let day = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-09-05".parse().expect("date"),
        santiago,
    );
    let first = santiago
        .with_ymd_and_hms(2026, 9, 5, 0, 30, 0)
        .single()
        .expect("instant")
        .with_timezone(&Utc);
    let data = SourceData {
        runs: vec![CollectionRun {
            started: first,
            every_s: Some(86_400),
            ..run(0, None)
        }],
        ..Default::default()
    };
    let c = assess(
        &source("1d"),
        &data,
        known(Some(first)),
        &day,
        day.end() + Duration::days(1),
    );
    assert_eq!(c.expected_from, ExpectedFrom::FirstRun(first));
    assert_eq!(
        (c.expected, c.landed),
        (1, 1),
        "not a second day begun at 00:30"
    );
}

#[test]
fn a_week_in_progress_counts_the_day_under_way_once_its_run_started() {
    // Monday 16 to Sunday 22 November, in Paris; a daily run at 06:00 UTC (07:00 in Paris).
    let paris = chrono_tz::Europe::Paris;
    let week =
        ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), paris);
    let daily = |days: &[u32]| SourceData {
        runs: days
            .iter()
            .map(|day| CollectionRun {
                started: at(*day, 6, 0),
                every_s: Some(86_400),
                ..run(0, None)
            })
            .collect(),
        ..Default::default()
    };
    let counted = |data: &SourceData, now: DateTime<Utc>| {
        let c = assess(&source("1d"), data, known(Some(at(1, 6, 0))), &week, now);
        (c.landed, c.expected)
    };
    // Wednesday 10:00: Monday's, Tuesday's and Wednesday's collections were due.
    assert_eq!(counted(&daily(&[16, 17, 18]), at(18, 10, 0)), (3, 3));
    assert_eq!(
        counted(&daily(&[16, 18]), at(18, 10, 0)),
        (2, 3),
        "Tuesday's missed collection shows though Wednesday's has run"
    );
    // Wednesday 05:00 UTC: that day's run is not due yet.
    assert_eq!(counted(&daily(&[16, 17]), at(18, 5, 0)), (2, 2));
    // An hourly source at 20 past: at 10:05, ten were due; at 10:25, eleven.
    let day = period();
    let hourly = SourceData {
        runs: (0..11)
            .map(|hour| CollectionRun {
                started: at(21, hour, 20),
                ..run(0, None)
            })
            .collect(),
        ..Default::default()
    };
    let at_time = |now| assess(&source("1h"), &hourly, collecting_before(), &day, now).expected;
    assert_eq!(at_time(at(21, 10, 5)), 10);
    assert_eq!(at_time(at(21, 10, 25)), 11);
}

/// France Travail: a per-day source whose run of a day starts after that day, at 00:05 UTC.
fn per_day_source() -> Source {
    let text = "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://127.0.0.1:9/search\"\ntoken_url = \"https://127.0.0.1:9/token\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n";
    let config = releve::Config::parse(text, std::path::Path::new("test.toml")).expect("config");
    config.sources[0].clone()
}

#[test]
fn a_week_in_progress_expects_of_a_per_day_source_only_the_days_it_could_collect() {
    let paris = chrono_tz::Europe::Paris;
    let week =
        ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), paris);
    let first = crate::period::local_midnight(paris, "2026-11-01".parse().expect("date"));
    // Monday's and Tuesday's days, collected at 00:05 UTC the day after each.
    let data = collected_days(&[16, 17]);
    // Wednesday 10:00 in Paris: Wednesday's day is not over, so not collected.
    let c = assess(
        &per_day_source(),
        &data,
        known(Some(first)),
        &week,
        at(18, 9, 0),
    );
    assert_eq!((c.landed, c.expected), (2, 2));
    // In New York, Wednesday's UTC day is collected at 19:05 on Wednesday: at 20:00 its run
    // has come, and counts as due.
    let new_york = chrono_tz::America::New_York;
    let week = ReportPeriod::containing(
        PeriodKind::Week,
        "2026-11-18".parse().expect("date"),
        new_york,
    );
    let first = crate::period::local_midnight(new_york, "2026-11-01".parse().expect("date"));
    let c = assess(
        &per_day_source(),
        &collected_days(&[16, 17, 18]),
        known(Some(first)),
        &week,
        at(19, 1, 0),
    );
    assert_eq!((c.landed, c.expected), (3, 3));
    // A Tuesday missed shows.
    let c = assess(
        &per_day_source(),
        &collected_days(&[16, 18]),
        known(Some(first)),
        &week,
        at(19, 1, 0),
    );
    assert_eq!((c.landed, c.expected), (2, 3));
}

#[test]
fn a_per_day_source_s_day_is_due_once_it_could_be_collected_whatever_the_zone() {
    let week_in =
        |tz| ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), tz);
    let first_in = |tz| crate::period::local_midnight(tz, "2026-11-01".parse().expect("date"));
    let counted = |tz, data: &SourceData, now| {
        let c = assess(
            &per_day_source(),
            data,
            known(Some(first_in(tz))),
            &week_in(tz),
            now,
        );
        (c.landed, c.expected)
    };
    // Tokyo, Thursday 08:00 (Wednesday 23:00 UTC): Wednesday's UTC day is not over.
    let tokyo = chrono_tz::Asia::Tokyo;
    assert_eq!(
        counted(tokyo, &collected_days(&[16, 17]), at(18, 23, 0)),
        (2, 2)
    );
    // Runs stored before relevé recorded `day` collected the UTC day before they started.
    let mut legacy = collected_days(&[16, 17, 18]);
    for run in &mut legacy.runs {
        run.day = None;
    }
    let new_york = chrono_tz::America::New_York;
    assert_eq!(counted(new_york, &legacy, at(19, 0, 30)), (3, 3));
    // A week over, reported on Monday morning: a Sunday never collected is missed.
    let paris = chrono_tz::Europe::Paris;
    let monday = Utc
        .with_ymd_and_hms(2026, 11, 23, 3, 25, 0)
        .single()
        .expect("instant");
    assert_eq!(
        counted(paris, &collected_days(&[16, 17, 18, 19, 20, 21]), monday),
        (6, 7)
    );
    // First collected in the period, Tuesday's day: Wednesday's is not due on Wednesday.
    let utc = chrono_tz::UTC;
    let first = crate::period::local_midnight(utc, "2026-11-17".parse().expect("date"));
    let c = assess(
        &per_day_source(),
        &collected_days(&[17]),
        known(Some(first)),
        &week_in(utc),
        at(18, 23, 13),
    );
    assert_eq!((c.landed, c.expected), (1, 1));
}

/// A per-day source's runs of the November `days`, each started at 00:05 UTC the day after.
fn collected_days(days: &[u32]) -> SourceData {
    SourceData {
        runs: days
            .iter()
            .map(|day| CollectionRun {
                started: at(day + 1, 0, 5),
                every_s: Some(86_400),
                day: chrono::NaiveDate::from_ymd_opt(2026, 11, *day),
                ..run(0, None)
            })
            .collect(),
        ..Default::default()
    }
}

/// A France Travail week whose 16th first landed 2,400 of 2,500 offers (shortfall 100), then
/// was collected again (`--date DAY --force`, after a filter was widened), landing 2,600 of
/// 2,600, and whose 17th landed 3,000 of 3,000. `day_known`: the first run of the 16th
/// recorded its `day` (runs stored before relevé recorded it did not).
fn collected_again(day_known: bool) -> Completeness {
    let paris = chrono_tz::Europe::Paris;
    let week =
        ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), paris);
    let first = crate::period::local_midnight(paris, "2026-11-01".parse().expect("date"));
    let mut data = collected_days(&[16, 17]);
    for (run, (records, announced, shortfall)) in data
        .runs
        .iter_mut()
        .zip([(2_400, 2_500, 100), (3_000, 3_000, 0)])
    {
        run.records = records;
        run.announced = Some(announced);
        run.shortfall = shortfall;
    }
    let again = CollectionRun {
        started: at(18, 15, 0),
        records: 2_600,
        announced: Some(2_600),
        shortfall: 0,
        ..data.runs[0].clone()
    };
    if !day_known {
        data.runs[0].day = None;
    }
    data.runs.push(again);
    assess(
        &per_day_source(),
        &data,
        known(Some(first)),
        &week,
        at(19, 1, 0),
    )
}

/// A day collected again announces that day's total again: the coverage counts the day once,
/// at its latest landing's total, not the sum of both, its shortfall is the latest's (none
/// left not landed), and it is one day landed, whether or not the first run recorded its day.
#[test]
fn a_day_collected_again_counts_its_latest_landing_once() {
    for day_known in [true, false] {
        let c = collected_again(day_known);
        assert_eq!(
            (c.announced, c.landed_of_announced, c.announcing_runs),
            (5_600, 5_600, 2),
            "the 16th's latest total, 2,600, and the 17th's 3,000 (day known: {day_known})"
        );
        assert_eq!(
            c.coverage_of(),
            Coverage::Of {
                landed: 5_600,
                announced: 5_600
            }
        );
        assert_eq!(
            (c.shortfall, c.short_runs, c.most_short),
            (0, 0, 0),
            "the 16th collected again landed all of its total (day known: {day_known})"
        );
        assert_eq!(
            (c.landed, c.expected),
            (2, 3),
            "two days landed, the 16th once: the 18th, due, not collected, shows (day known: {day_known})"
        );
    }
}

/// A France Travail week disabled from Wednesday's collection (the 17th's) until Friday's run,
/// the 17th and 18th skipped and not caught up, whose 16th was collected again (`--date DAY
/// --force`): five days were due and all five landed, the 16th once. Expected, kept from
/// falling below what landed (a per-day source catching up on days skipped while disabled),
/// counts what landed as `landed` does, by day: no collection is missed.
#[test]
fn a_day_collected_again_while_days_were_skipped_disabled_is_not_a_collection_missed() {
    let paris = chrono_tz::Europe::Paris;
    let week =
        ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), paris);
    let first = crate::period::local_midnight(paris, "2026-11-01".parse().expect("date"));
    let stretch = Disabled {
        from: at(18, 0, 5),
        until: at(20, 0, 5),
    };
    let assessed = |again: bool| {
        let mut data = collected_days(&[16, 19, 20, 21, 22]);
        data.runs[1].disabled_from = Some(stretch.from);
        data.disabled = vec![stretch];
        if again {
            let again = CollectionRun {
                started: at(17, 10, 0),
                ..data.runs[0].clone()
            };
            data.runs.insert(1, again);
        }
        assess(
            &per_day_source(),
            &data,
            known(Some(first)),
            &week,
            at(23, 3, 25),
        )
    };
    let once = assessed(false);
    assert_eq!(
        (once.expected, once.landed),
        (5, 5),
        "the 16th collected once"
    );
    let twice = assessed(true);
    assert_eq!(
        (twice.expected, twice.landed),
        (5, 5),
        "the 16th collected again is no sixth collection expected"
    );
}

#[test]
fn an_interval_that_does_not_divide_the_period_counts_its_last_part_once_a_run_started_in_it() {
    // Every two days, Monday, Wednesday, Friday and Sunday of a week over.
    let week = ReportPeriod::containing(
        PeriodKind::Week,
        "2026-11-18".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = SourceData {
        runs: [16, 18, 20, 22]
            .into_iter()
            .map(|day| CollectionRun {
                started: at(day, 6, 0),
                every_s: Some(2 * 86_400),
                ..run(0, None)
            })
            .collect(),
        ..Default::default()
    };
    let c = assess(
        &source("2d"),
        &data,
        known(Some(at(1, 6, 0))),
        &week,
        week.end(),
    );
    assert_eq!((c.landed, c.expected), (4, 4), "not 4 landed of 3 expected");
}

#[test]
fn a_failure_before_the_period_explains_only_the_collections_missed_before_its_first_run() {
    let failure = |hours_before: i64| CollectionRun {
        started: at(21, 0, 0) - Duration::hours(hours_before),
        error: Some("HTTP 429: quota exhausted".to_owned()),
        ..run(0, None)
    };
    let hourly_from = |first: u32, gap: std::ops::Range<u32>| SourceData {
        runs: (first..24)
            .filter(|hour| !gap.contains(hour))
            .map(|hour| run(hour, None))
            .collect(),
        ..Default::default()
    };
    let paused = |data: &SourceData| {
        assess(
            &source("1h"),
            data,
            known(Some(at(1, 0, 0))),
            &period(),
            period().end(),
        )
        .paused_into
    };
    // Paused from 22:00 the evening before until 09:00: the nine missed are the pause's.
    let mut morning = hourly_from(9, 0..0);
    morning.run_before = Some(failure(2));
    assert_eq!(paused(&morning), PausedInto::Perhaps);
    // And an afternoon gap besides: not all of them.
    let mut afternoon = hourly_from(9, 15..20);
    afternoon.run_before = Some(failure(2));
    assert_eq!(paused(&afternoon), PausedInto::No);
    // A failure two days before: no pause lasts that long.
    let mut old = hourly_from(9, 0..0);
    old.run_before = Some(failure(48));
    assert_eq!(paused(&old), PausedInto::No);
    // A success before the period: no pause.
    let mut ran = hourly_from(9, 0..0);
    ran.run_before = Some(CollectionRun {
        error: None,
        ..failure(2)
    });
    assert_eq!(paused(&ran), PausedInto::No);
    // A failure that recorded its retry: the pause it recorded, to 09:00, explains the
    // morning; a backoff of a quarter of an hour does not.
    let recorded = |retry: DateTime<Utc>| {
        let mut data = hourly_from(9, 0..0);
        data.run_before = Some(CollectionRun {
            retry_from: Some(retry),
            ..failure(2)
        });
        paused(&data)
    };
    assert_eq!(recorded(at(21, 9, 0)), PausedInto::Until(at(21, 9, 0)));
    assert_eq!(recorded(at(20, 22, 15)), PausedInto::No);
    // A pause to 05:00 explains the first five hours, not the next four.
    assert_eq!(recorded(at(21, 5, 0)), PausedInto::No);
    // A pause ending between two cron minutes, at 08:59:10: the run due at 08:00 was put off
    // too, as the collector ran at 09:00.
    let at_59 = at(21, 8, 59) + Duration::seconds(10);
    assert_eq!(recorded(at_59), PausedInto::Until(at_59));
}

#[test]
fn a_backoff_across_midnight_explains_the_minutes_before_the_run_after_it() {
    // A minutely source failing at 23:50 the evening before, its fourth failure in a row: the
    // collector waits 15 minutes less its 30 s tolerance, to 00:04:30, and runs it at 00:05.
    let source = source("1m");
    let data = SourceData {
        runs: (5..60)
            .map(|minute| CollectionRun {
                started: at(21, 0, minute),
                every_s: Some(60),
                ..run(0, None)
            })
            .collect(),
        run_before: Some(CollectionRun {
            started: at(20, 23, 50),
            error: Some("HTTP 503".to_owned()),
            every_s: Some(60),
            retry_from: Some(at(21, 0, 4) + Duration::seconds(30)),
            ..run(0, None)
        }),
        ..Default::default()
    };
    let c = assess(
        &source,
        &data,
        known(Some(at(1, 0, 0))),
        &period(),
        at(21, 1, 0),
    );
    assert_eq!((c.expected, c.landed), (60, 55));
    assert_eq!(
        c.paused_into,
        PausedInto::Until(at(21, 0, 4) + Duration::seconds(30))
    );
}

#[test]
fn a_period_in_progress_counts_the_interval_under_way_from_its_first_run() {
    // A day reported at 00:25: the hourly run at 00:20 was due, though no hour is over yet.
    let data = SourceData {
        runs: vec![CollectionRun {
            started: at(21, 0, 20),
            ..run(0, None)
        }],
        ..Default::default()
    };
    let c = assess(
        &source("1h"),
        &data,
        collecting_before(),
        &period(),
        at(21, 0, 25),
    );
    assert_eq!((c.landed, c.expected), (1, 1));
}

#[test]
fn a_stretch_begun_at_a_run_counts_every_interval_begun_in_a_period_in_progress() {
    // Hourly from 00:00 to 10:00; `every` became two hours and the next runs came at 11:00
    // and 13:00. The two-hour stretch starts at the 10:00 run: at 14:30, three of its
    // intervals have begun (10:00, 12:00, 14:00), though the third's run has not come.
    let data = SourceData {
        runs: (0..11)
            .map(|hour| run_every(hour * 60, 60))
            .chain([run_every(11 * 60, 120), run_every(13 * 60, 120)])
            .collect(),
        ..Default::default()
    };
    let c = assess(
        &source("1h"),
        &data,
        collecting_before(),
        &period(),
        at(21, 14, 30),
    );
    assert_eq!((c.landed, c.expected), (13, 10 + 3));
}

#[test]
fn a_month_across_a_clock_change_starts_the_day_under_way_at_its_local_midnight() {
    // October 2026 in Paris, the clocks going back on the 25th; a daily run at 23:30, local
    // time, every day up to Monday 26. Tuesday 27 at 11:00 (10:00 UTC): its run has not
    // come. Monday's, at 22:30 UTC, lies in the last hour of Monday, not in Tuesday.
    let paris = chrono_tz::Europe::Paris;
    let october = ReportPeriod::containing(
        PeriodKind::Month,
        "2026-10-15".parse().expect("date"),
        paris,
    );
    let local = |day: u32, hour: u32, minute: u32| {
        paris
            .with_ymd_and_hms(2026, 10, day, hour, minute, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    let data = SourceData {
        runs: (1..=26)
            .map(|day| CollectionRun {
                started: local(day, 23, 30),
                every_s: Some(86_400),
                ..run(0, None)
            })
            .collect(),
        ..Default::default()
    };
    let first = Utc
        .with_ymd_and_hms(2026, 9, 1, 21, 30, 0)
        .single()
        .expect("instant");
    let c = assess(
        &source("1d"),
        &data,
        known(Some(first)),
        &october,
        local(27, 11, 0),
    );
    assert_eq!((c.landed, c.expected), (26, 26));
}

/// A source first collected at 18:59, reported at 20:30: its hours without data are counted
/// from its first collection's hour, or from its first record when that is earlier (a first
/// run fetching the hour before), not from midnight.
#[test]
fn a_source_first_collected_in_the_period_counts_its_hours_without_data_from_then() {
    let now = at(21, 20, 30);
    let hour = |h: u32| releve::store::HourlySummary {
        source: "s".to_owned(),
        hour: releve::store::bson_date(at(21, h, 0)),
        count: 3,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: releve::store::bson_date(now),
    };
    let first = at(21, 18, 59);
    let data = SourceData {
        runs: vec![CollectionRun {
            started: first,
            ..run(18, None)
        }],
        last_success: Some(first),
        hourly: vec![hour(18)],
        ..Default::default()
    };
    let c = assess(&source("1m"), &data, known(Some(first)), &period(), now);
    assert_eq!((c.steps, c.steps_without_data), (3, 2), "18:00 to 20:00");
    let earlier = SourceData {
        hourly: vec![hour(17), hour(18)],
        ..data
    };
    let c = assess(&source("1m"), &earlier, known(Some(first)), &period(), now);
    assert_eq!((c.steps, c.steps_without_data), (4, 2), "17:00 to 20:00");
}

/// A source without a run known (just added, renamed, or never collected for want of
/// credentials) is expected nowhere in the period: its health says it, not "0 landed of 24".
#[test]
fn a_source_without_a_run_known_expects_no_collection() {
    let c = assess(
        &source("1h"),
        &SourceData::default(),
        known(None),
        &period(),
        period().end(),
    );
    assert_eq!(c.expected_from, ExpectedFrom::NoRunKnown);
    assert_eq!((c.expected, c.landed, c.health), (0, 0, Health::Never));
    assert_eq!(c.steps_without_data, 0, "no hour of it is without data");
    assert_eq!(c.period_word(), "never");
    let skipped = Known {
        credentials_missing: true,
        ..known(None)
    };
    let c = assess(
        &source("1h"),
        &SourceData::default(),
        skipped,
        &period(),
        period().end(),
    );
    assert_eq!((c.expected, c.health), (0, Health::Skipped));
}

/// In a report of the day still running (`analyser --date` today), a source without a run
/// known has no hour without data either, the hour under way included.
#[test]
fn a_source_without_a_run_known_has_no_hour_without_data_in_a_period_still_running() {
    let now = period().start() + chrono::TimeDelta::minutes(14 * 60 + 30);
    let c = assess(
        &source("1h"),
        &SourceData::default(),
        known(None),
        &period(),
        now,
    );
    assert_eq!(c.expected_from, ExpectedFrom::NoRunKnown);
    assert_eq!((c.steps, c.steps_without_data), (0, 0));
}

/// An hourly summary of source `s` at `hour` holding three records.
fn three_records_at(hour: DateTime<Utc>) -> releve::store::HourlySummary {
    releve::store::HourlySummary {
        source: "s".to_owned(),
        hour: releve::store::bson_date(hour),
        count: 3,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: releve::store::bson_date(hour),
    }
}

/// The week of 16 November 2026 (UTC) of a per-day source collected since 1 November and
/// disabled since, assessed the Monday after.
fn retired_per_day_week(data: &SourceData) -> Completeness {
    let utc = chrono_tz::UTC;
    let week = ReportPeriod::containing(PeriodKind::Week, "2026-11-18".parse().expect("date"), utc);
    let first = crate::period::local_midnight(utc, "2026-11-01".parse().expect("date"));
    let mut retired = per_day_source();
    retired.enabled = false;
    let monday = Utc
        .with_ymd_and_hms(2026, 11, 23, 3, 25, 0)
        .single()
        .expect("instant");
    assess(&retired, data, known(Some(first)), &week, monday)
}

/// A per-day source retired after collecting Monday to Wednesday: its week counts the hours of
/// the days it collected, none after (its last run, the next morning, plus a day ended two days
/// after its last day); so too when its runs were recorded before runs carried their `day`
/// (each collected the UTC day before the one it started).
#[test]
fn a_per_day_source_disabled_midweek_counts_no_hour_past_its_last_day() {
    for with_day in [true, false] {
        let mut data = collected_days(&[16, 17, 18]);
        for run in data.runs.iter_mut().filter(|_| !with_day) {
            run.day = None;
        }
        data.hourly = (0..72)
            .map(|h| three_records_at(at(16, 0, 0) + Duration::hours(h)))
            .collect();
        let c = retired_per_day_week(&data);
        assert_eq!(c.landed, 3);
        assert_eq!(
            (c.steps, c.steps_without_data),
            (72, 0),
            "with day: {with_day}"
        );
    }
}

/// A day report written again long after, for a source retired since: its runs are gone, so
/// the hours without a record of a day it was collected in still count, as while enabled.
#[test]
fn a_retired_source_keeps_the_hours_without_data_of_a_period_it_was_collected_in() {
    let now = at(21, 12, 0) + Duration::days(100);
    let data = SourceData {
        hourly: (0..12).map(|h| three_records_at(at(21, h, 0))).collect(),
        ..Default::default()
    };
    let known = Known {
        runs_kept_from: Some(now - Duration::days(90)),
        ..collecting_before()
    };
    let enabled = assess(&source("15m"), &data, known, &period(), now);
    assert_eq!(enabled.expected_from, ExpectedFrom::RunsExpired);
    assert_eq!((enabled.steps, enabled.steps_without_data), (24, 12));
    let mut retired = source("15m");
    retired.enabled = false;
    let c = assess(&retired, &data, known, &period(), now);
    assert_eq!((c.steps, c.steps_without_data), (24, 12));
}

/// Disabled from 10:00 to 15:20, then enabled again: the hours it was disabled are no hours
/// without data, as for a source disabled at 10:00 for good.
#[test]
fn a_source_enabled_again_counts_no_hour_without_data_while_it_was_disabled() {
    let runs: Vec<CollectionRun> = (0..10)
        .map(|h| run_every(h * 60, 60))
        .chain((15..24).map(|h| run_every(h * 60 + 20, 60)))
        .collect();
    let again = SourceData {
        runs: runs.clone(),
        disabled: vec![Disabled {
            from: at(21, 10, 0),
            until: at(21, 15, 20),
        }],
        hourly: (0..10)
            .chain(15..24)
            .map(|h| three_records_at(at(21, h, 0)))
            .collect(),
        ..Default::default()
    };
    assert_eq!(over_the_day("1h", &again).steps_without_data, 0);
    let mut off = source("1h");
    off.enabled = false;
    let for_good = SourceData {
        runs: runs[..10].to_vec(),
        hourly: (0..10).map(|h| three_records_at(at(21, h, 0))).collect(),
        ..Default::default()
    };
    let retired = assess(
        &off,
        &for_good,
        collecting_before(),
        &period(),
        period().end(),
    );
    assert_eq!(retired.steps_without_data, 0, "disabled at 10:00 for good");
}

/// A per-day source retired after catching up Thursday, Wednesday and Tuesday, newest first:
/// the hours of every day it collected count, Thursday's three hours without an offer too.
#[test]
fn a_per_day_source_retired_after_catching_up_counts_the_hours_of_every_day_it_collected() {
    let collected = |day: u32, started: DateTime<Utc>| CollectionRun {
        started,
        every_s: Some(86_400),
        day: chrono::NaiveDate::from_ymd_opt(2026, 11, day),
        ..run(0, None)
    };
    let data = SourceData {
        runs: vec![
            collected(16, at(17, 0, 5)),
            collected(19, at(20, 9, 0)),
            collected(18, at(20, 9, 1)),
            collected(17, at(20, 9, 2)),
        ],
        hourly: (0..96)
            .map(|h| at(16, 0, 0) + Duration::hours(h))
            .filter(|hour| !(at(19, 2, 0)..at(19, 5, 0)).contains(hour))
            .map(three_records_at)
            .collect(),
        ..Default::default()
    };
    let c = retired_per_day_week(&data);
    assert_eq!(c.landed, 4);
    assert_eq!((c.steps, c.steps_without_data), (96, 3));
}

/// Enabled again at 15:20, its 15:20 run failing: the hour it was enabled again in holds no
/// record and is without data, as its chart marks it.
#[test]
fn an_hour_a_source_was_enabled_again_in_and_failed_is_without_data() {
    let mut runs: Vec<CollectionRun> = (0..10)
        .map(|h| run_every(h * 60, 60))
        .chain((15..24).map(|h| run_every(h * 60 + 20, 60)))
        .collect();
    runs[10].error = Some("HTTP 503".to_owned());
    let data = SourceData {
        runs,
        disabled: vec![Disabled {
            from: at(21, 10, 0),
            until: at(21, 15, 20),
        }],
        hourly: (0..10)
            .chain(16..24)
            .map(|h| three_records_at(at(21, h, 0)))
            .collect(),
        ..Default::default()
    };
    assert_eq!(over_the_day("1h", &data).steps_without_data, 1);
}

/// A source of daily values disabled for two days and enabled again: its API serves the past
/// days its next runs fetch, so the days it lacks are without data, as its chart marks them.
#[test]
fn days_of_daily_values_missing_after_a_source_was_enabled_again_are_without_data() {
    let text = "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\nresolution = \"day\"\n";
    let config = releve::Config::parse(text, std::path::Path::new("test.toml")).expect("config");
    let daily = config.sources[0].clone();
    let week = ReportPeriod::containing(
        PeriodKind::Week,
        "2026-11-18".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = SourceData {
        runs: [16, 19, 20, 21, 22]
            .into_iter()
            .map(|day| CollectionRun {
                started: at(day, 6, 0),
                every_s: Some(86_400),
                disabled_from: (day == 19).then(|| at(17, 6, 0)),
                ..run(0, None)
            })
            .collect(),
        disabled: vec![Disabled {
            from: at(17, 6, 0),
            until: at(19, 6, 0),
        }],
        hourly: [16, 19, 20, 21, 22]
            .into_iter()
            .map(|day| three_records_at(at(day, 0, 0)))
            .collect(),
        ..Default::default()
    };
    let c = assess(&daily, &data, collecting_before(), &week, week.end());
    assert_eq!((c.steps, c.steps_without_data), (7, 2));
}

/// A day of runs every 15 minutes (`i` from 0 to 95), but for those `skipped`, failed where
/// `failed` says.
fn quarter_hourly(
    skipped: impl Fn(u32) -> bool,
    failed: impl Fn(u32) -> bool,
) -> Vec<CollectionRun> {
    (0..96)
        .filter(|i| !skipped(*i))
        .map(|i| CollectionRun {
            error: failed(i).then(|| "HTTP 503".to_owned()),
            ..run_every(i * 15, 15)
        })
        .collect()
}

/// The stretches without a run of `c`, as `(from, until)`.
fn without_run_of(c: &Completeness) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    c.without_run
        .iter()
        .map(|gap| (gap.stretch.from, gap.stretch.until))
        .collect()
}

/// The stretches of failed runs of `c`, as `(from, until, runs)`.
/// A stretch without runs, from and until.
type WithoutRunSpan = (DateTime<Utc>, DateTime<Utc>);
/// A "failed" stretch, from and until, with its failed runs.
type FailingSpan = (DateTime<Utc>, DateTime<Utc>, usize);

/// The stretches without runs and the "failed" ones of a `15m` source's day of `runs`.
fn stretches_of_quarter_hourly(
    runs: Vec<CollectionRun>,
) -> (Vec<WithoutRunSpan>, Vec<FailingSpan>) {
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    (without_run_of(&c), failing_of(&c))
}

fn failing_of(c: &Completeness) -> Vec<(DateTime<Utc>, DateTime<Utc>, usize)> {
    c.failing
        .iter()
        .map(|f| (f.stretch.from, f.stretch.until, f.runs))
        .collect()
}

/// Every run failed from 10:00 to 10:45, then no run at all (the machine off) until 18:00, when
/// runs came back and landed: from 10:45 the source has "no run", which its own stretch says,
/// and the "failed" stretch does not run over it.
#[test]
fn a_failing_stretch_does_not_run_over_a_stretch_without_runs() {
    let runs = quarter_hourly(|i| (44..72).contains(&i), |i| (40..44).contains(&i));
    let (without, failing) = stretches_of_quarter_hourly(runs);
    assert!(!without.is_empty(), "a stretch without runs: {without:?}");
    for (from, until, _) in &failing {
        for (gap_from, gap_until) in &without {
            assert!(
                until <= gap_from || from >= gap_until,
                "the failed stretch {failing:?} overlaps the stretch without run {without:?}"
            );
        }
    }
}

/// Every run failed from 10:00 to 10:45; the source was then disabled (the first
/// collection skipped was due at 11:00) and enabled again at 16:00, when its run landed. The
/// "failed" stretch does not cover the disabled one.
#[test]
fn a_failing_stretch_does_not_run_over_a_disabled_stretch() {
    let mut runs = quarter_hourly(|i| (44..64).contains(&i), |i| (40..44).contains(&i));
    // The run at 16:00, the first after the source was enabled again.
    if let Some(first) = runs.iter_mut().find(|run| run.started == at(21, 16, 0)) {
        first.disabled_from = Some(at(21, 11, 0));
    }
    let data = SourceData {
        disabled: runs
            .iter()
            .filter_map(crate::query::Disabled::told_by)
            .collect(),
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    let disabled: Vec<_> = c.disabled.iter().map(|d| (d.from, d.until)).collect();
    assert_eq!(disabled, [(at(21, 11, 0), at(21, 16, 0))]);
    let failing = failing_of(&c);
    assert!(
        failing.iter().all(|(_, until, _)| *until <= at(21, 11, 0)),
        "the failed stretch {failing:?} covers the disabled stretch {disabled:?}"
    );
}

/// The latest run before the period (23:45) failed, and so did the period's runs of 00:00,
/// 00:15 and 00:30; the API came back at 00:45: an outage of an hour, shaded from the period's
/// start.
#[test]
fn a_failing_stretch_begun_before_the_period_is_shaded_from_its_start() {
    let runs = quarter_hourly(|_| false, |i| i < 3);
    let data = SourceData {
        runs,
        run_before: Some(CollectionRun {
            started: at(20, 23, 45),
            error: Some("HTTP 503".to_owned()),
            ..run_every(0, 15)
        }),
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    let failing = failing_of(&c);
    assert_eq!(
        failing.first().map(|f| (f.0, f.1)),
        Some((at(21, 0, 0), at(21, 0, 45))),
        "the outage that began before the period: {failing:?}"
    );
}

/// One run failed at 10:00, then no run at all until 18:00: the stretch without run begins at
/// 10:00, the failed run's own start, and no "failed" stretch runs over it.
#[test]
fn a_single_failed_run_then_no_run_is_no_failing_stretch_over_the_gap() {
    let runs = quarter_hourly(|i| (41..72).contains(&i), |i| i == 40);
    let (without, failing) = stretches_of_quarter_hourly(runs);
    assert_eq!(without, [(at(21, 10, 0), at(21, 18, 0))]);
    assert!(
        failing.is_empty(),
        "the failed stretch {failing:?} overlaps the stretch without run {without:?}"
    );
}

/// Every run failed from 08:00 to 10:45, then no run (the machine off) until 15:00,
/// and every run failed again from 15:00 to 16:45; runs landed from 17:00. The stretch cut at
/// the stretch without run counts only its own runs (12), and the outage after it (15:00 to
/// 17:00, 8 runs) is shaded too.
#[test]
fn failures_on_both_sides_of_a_stretch_without_run() {
    let runs = quarter_hourly(
        |i| (44..60).contains(&i),
        |i| (32..44).contains(&i) || (60..68).contains(&i),
    );
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    let failing = failing_of(&c);
    assert_eq!(
        failing,
        [
            (at(21, 8, 0), at(21, 10, 45), 12),
            (at(21, 15, 0), at(21, 17, 0), 8)
        ]
    );
}

/// A `1m` source's runs of the day: every minute, but for an outage from `from` to `until`
/// during which the collector backs off as it does (the next tries 1, 2, 4, 8, then every 15
/// minutes after the first failure, each failure recording when it tries again), the run at
/// `until` landing.
fn minutely_backing_off(from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<CollectionRun> {
    let mut failures = vec![from];
    for after in [1, 3, 7, 15] {
        failures.push(from + Duration::minutes(after));
    }
    while let Some(next) = failures.last().map(|last| *last + Duration::minutes(15))
        && next < until
    {
        failures.push(next);
    }
    let retries: Vec<DateTime<Utc>> = failures.iter().skip(1).copied().chain([until]).collect();
    let minute = |started: DateTime<Utc>| CollectionRun {
        started,
        every_s: Some(60),
        ..run(0, None)
    };
    let mut runs: Vec<CollectionRun> = failures
        .iter()
        .zip(retries)
        .map(|(started, retry)| CollectionRun {
            error: Some("HTTP 503".to_owned()),
            retry_from: Some(retry),
            ..minute(*started)
        })
        .collect();
    let mut started = at(21, 0, 0);
    while started < at(22, 0, 0) {
        if !(from..until).contains(&started) {
            runs.push(minute(started));
        }
        started += Duration::minutes(1);
    }
    runs.sort_by_key(|run| run.started);
    runs
}

/// USGS (`every = "1m"`) fails from 08:00 to 12:00, its collector backing off to a try every
/// 15 minutes: four hours of failures, which the report shades "failed", as it does a `15m`
/// source's. The backoff's gaps are the failure's, not stretches cutting it into pieces each
/// too short to be shaded (the same outage begun before the period is shaded from its start,
/// see `failing::tests::an_outage_backing_off_before_the_period_is_measured_from_its_first_failure`).
#[test]
fn a_minute_source_failing_for_hours_while_backing_off_is_shaded_failed() {
    let shaded = |data: &SourceData| {
        let c = over_the_day("1m", data);
        let failing: Vec<_> = failing_of(&c).iter().map(|f| (f.0, f.1)).collect();
        (failing, without_run_of(&c))
    };
    let runs = minutely_backing_off(at(21, 8, 0), at(21, 12, 0));
    let (failing, without) = shaded(&SourceData {
        runs,
        ..Default::default()
    });
    assert_eq!(
        failing,
        [(at(21, 8, 0), at(21, 12, 0))],
        "four hours of failures (stretches without run: {without:?})"
    );

    // The same outage begun the evening before (22:00) and ending at 00:30: the day's report
    // shades its first half hour "failed", as `failing::tests::an_outage_backing_off_before_
    // the_period_is_measured_from_its_first_failure` says of the stretch alone.
    let evening = minutely_backing_off(at(20, 22, 0), at(21, 0, 30));
    let (runs_before, runs): (Vec<_>, Vec<_>) = evening
        .into_iter()
        .filter(|run| run.started >= at(20, 22, 0))
        .partition(|run| run.started < at(21, 0, 0));
    let (failing, without) = shaded(&SourceData {
        run_before: runs_before.last().cloned(),
        runs_before,
        runs,
        ..Default::default()
    });
    assert_eq!(
        failing,
        [(at(21, 0, 0), at(21, 0, 30))],
        "two and a half hours of failures up to 00:30 (stretches without run: {without:?})"
    );
}

/// A 5-minute source (USGS's past-hour feed) whose API is unreachable from 14:00 to
/// 18:00: the collector backs off to one failed run every 15 minutes, each recording its
/// `retry_from`. Those four hours are one "failed" stretch of 16 runs, as they would be for a
/// 15-minute source; the 15-minute gaps the backoff makes do not cut it into pieces too short
/// to shade.
#[test]
fn a_five_minute_source_s_outage_backed_off_to_fifteen_minutes_is_one_failed_stretch() {
    let mut runs = Vec::new();
    let mut minute = 0;
    while minute < 24 * 60 {
        let failing = (14 * 60..18 * 60).contains(&minute);
        let started = at(21, 0, 0) + Duration::minutes(i64::from(minute));
        let step = if failing { 15 } else { 5 };
        runs.push(CollectionRun {
            error: failing.then(|| "GET: gave up after 5 attempts: Connection refused".to_owned()),
            retry_from: failing.then(|| started + Duration::minutes(15)),
            ..run_every(minute, 5)
        });
        minute += step;
    }
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("5m", &data);
    assert_eq!(
        failing_of(&c),
        [(at(21, 14, 0), at(21, 18, 0), 16)],
        "without runs: {:?}",
        without_run_of(&c)
    );
}

/// A `15m` source whose API answered 429 at 10:00 asking to be left alone for three hours
/// (`retry_from` 13:00), then failed again until 14:00: one "failed" stretch from 10:00 to
/// 14:00, the three hours without a run inside it (the API's asking says why), and no "no
/// run" shading there.
#[test]
fn an_api_asking_to_be_left_alone_for_hours_is_one_failed_stretch() {
    let mut runs = quarter_hourly(|i| (41..52).contains(&i), |i| (40..56).contains(&i));
    for run in runs.iter_mut().filter(|run| run.error.is_some()) {
        let asked = if run.started == at(21, 10, 0) {
            180
        } else {
            15
        };
        run.retry_from = Some(run.started + Duration::minutes(asked));
    }
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    assert_eq!(failing_of(&c), [(at(21, 10, 0), at(21, 14, 0), 5)]);
    assert_eq!(without_run_of(&c), [(at(21, 10, 0), at(21, 13, 0))]);
    assert_eq!(c.without_run_outside_failures().count(), 0);
}

/// Forty sources never collected (a dozen datasets on one portal down, a new installation)
/// name six at most on the cover's line, whose table below names each.
#[test]
fn the_cover_s_line_names_a_few_sources_of_a_kind_and_counts_the_others() {
    let end = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
    let never = SourceData::default();
    let sources: Vec<Source> = (1..=40)
        .map(|n| Source {
            name: format!("portail-{n:02}"),
            ..source("1d")
        })
        .collect();
    let assessed: Vec<Completeness> = sources
        .iter()
        .map(|s| assess(s, &never, known(None), &period(), end))
        .collect();
    let pairs: Vec<(&Source, &Completeness)> = sources.iter().zip(&assessed).collect();
    assert_eq!(
        health_line(&pairs),
        "Sources now: 40 never collected (portail-01, portail-02, portail-03, portail-04, portail-05 and 35 more)."
    );
    assert_eq!(
        health_line(&pairs[..6]),
        "Sources now: 6 never collected (portail-01, portail-02, portail-03, portail-04, portail-05, portail-06)."
    );
}

/// A daily source run at 23:30 in Paris: the collector ran it every 24 hours, so once summer
/// time began its run came at 00:30, and the 23-hour Sunday 29 March 2026 held no run though
/// none was missed; the report, which counts whole-day intervals in its days, said 0 of 1
/// landed, in red, and the week 6 of 7 (found by the clock probe of stop 57). The collector
/// now runs a daily source from each day's start on the reports' clock (`Every::after`): each
/// of the week's days holds one run.
#[test]
fn a_daily_source_run_every_24_hours_is_not_missed_on_the_23_hour_day() {
    let paris = chrono_tz::Europe::Paris;
    let saturday = Utc
        .with_ymd_and_hms(2026, 3, 28, 22, 30, 0)
        .single()
        .expect("instant");
    let every = releve::Every::from_secs(86_400);
    let daily_run = |day: u32| {
        let mut started = saturday;
        for _ in 28..day {
            started = every.due_after(started, paris);
        }
        for _ in day..28 {
            started -= chrono::Duration::days(1);
        }
        CollectionRun {
            started,
            every_s: Some(86_400),
            ..run(0, None)
        }
    };
    let reported = Utc
        .with_ymd_and_hms(2026, 3, 30, 2, 15, 0)
        .single()
        .expect("instant");
    let sunday =
        ReportPeriod::containing(PeriodKind::Day, "2026-03-29".parse().expect("date"), paris);
    assert!(sunday.start() <= daily_run(29).started && daily_run(29).started < sunday.end());
    let data = SourceData {
        runs: vec![daily_run(29)],
        run_before: Some(daily_run(28)),
        last_success: Some(daily_run(29).started),
        latest_run: Some(daily_run(29).started),
        ..Default::default()
    };
    let c = assess(&source("1d"), &data, collecting_before(), &sunday, reported);
    assert_eq!((c.landed, c.expected), (1, 1), "the 23-hour day");
    let week =
        ReportPeriod::containing(PeriodKind::Week, "2026-03-29".parse().expect("date"), paris);
    let data = SourceData {
        // Monday 23 to Sunday 29 March at 23:30, CET then CEST.
        runs: (23..=29).map(daily_run).collect(),
        run_before: Some(daily_run(22)),
        last_success: Some(daily_run(29).started),
        latest_run: Some(daily_run(29).started),
        ..Default::default()
    };
    let c = assess(&source("1d"), &data, collecting_before(), &week, reported);
    assert_eq!((c.landed, c.expected), (7, 7), "the week holding it");
}

/// Jordan (`[report] timezone = "America/Chicago"`) collects a daily source at 23:30 and
/// disables it (`enabled = false`) after Saturday's run. The report expects collections "up to
/// its last run in the period and that run's interval": in an ordinary week, Monday to
/// Saturday, 6 of 6. In the week of the US spring change (2 to 8 March 2026) that interval is
/// taken as 24 hours of elapsed time, so it ends at 00:30 on Monday, past the 23-hour Sunday,
/// and the week expects Sunday's collection too: 6 landed of 7, a collection missed the
/// source was never due to make (the collector counts whole days on the reports' clock,
/// `Every::after`; found by the Chicago probe of stop 57).
#[test]
fn a_daily_source_disabled_after_saturday_s_run_is_not_missed_in_the_week_of_the_spring_change() {
    let chicago = chrono_tz::America::Chicago;
    let mut off = source("1d");
    off.enabled = false;
    off.days_in = chicago;
    let at_23_30 = |month: u32, day: u32| {
        chicago
            .with_ymd_and_hms(2026, month, day, 23, 30, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    for (sunday, label) in [(15, "an ordinary week"), (8, "the week of 8 March")] {
        let week = ReportPeriod::containing(
            PeriodKind::Week,
            chrono::NaiveDate::from_ymd_opt(2026, 3, sunday).expect("date"),
            chicago,
        );
        let runs: Vec<CollectionRun> = (sunday - 6..sunday)
            .map(|day| CollectionRun {
                started: at_23_30(3, day),
                every_s: Some(86_400),
                ..run(0, None)
            })
            .collect();
        let data = SourceData {
            last_success: runs.last().map(|run| run.started),
            latest_run: runs.last().map(|run| run.started),
            runs,
            ..Default::default()
        };
        let reported = week.end() + Duration::hours(20);
        let c = assess(&off, &data, collecting_before(), &week, reported);
        assert_eq!((c.landed, c.expected), (6, 6), "{label}");
    }
}

/// A cron run starts a moment after its minute (the process starting, a slot shared with the
/// host's other sources): a second or two later, as `runs` records it.
fn run_every_late(minute: u32, every: i64, seconds: i64) -> CollectionRun {
    CollectionRun {
        started: run_every(minute, every).started + Duration::seconds(seconds),
        ..run_every(minute, every)
    }
}

#[test]
fn a_lengthened_every_reads_no_collection_missed_when_runs_start_seconds_after_their_minute() {
    // The lengthened day of `a_period_expects_the_intervals_its_runs_collected_under`, each
    // run started 2 s after its minute as the collector's runs do: every 5 minutes until
    // 13:55, every 15 from 14:10. Every run that was due came: the quality table must not read
    // "1 collection of 209 expected did not run (… was the collector stopped?)".
    let lengthened: Vec<CollectionRun> = (0..168)
        .map(|i| run_every_late(i * 5, 5, 2))
        .chain((0..40).map(|i| run_every_late(14 * 60 + 10 + i * 15, 15, 2)))
        .collect();
    let data = SourceData {
        runs: lengthened,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (168 + 40, 168 + 40),
        "the last run at the old interval is counted once, not again as the first of the new stretch"
    );
    // The same with an hourly interval after quarter-hours (`every` changed at 12:10, the
    // collector's next run an hour after the 11:45 one).
    let hourly: Vec<CollectionRun> = (0..48)
        .map(|i| run_every_late(i * 15, 15, 2))
        .chain((0..12).map(|i| run_every_late(12 * 60 + 45 + i * 60, 60, 2)))
        .collect();
    let data = SourceData {
        runs: hourly,
        ..Default::default()
    };
    let c = over_the_day("1h", &data);
    assert_eq!(
        (c.landed, c.expected),
        (60, 60),
        "48 quarter-hours, then 12 hours"
    );
}

#[test]
fn a_source_added_by_hand_then_lengthened_reads_as_many_collections_expected_as_came() {
    // A source added at 09:13:40, its first collection run by hand (`collector --force`),
    // cron's from 09:18 every 5 minutes (the schedule counts from the run's minute), each
    // started 2 s after its minute; `every` lengthened to 15 minutes after the 13:58 run.
    // Every collection due came, none twice: the quality table must not read 98 landed of 97
    // expected (the first stretch, from the hand run's 40 s to the 13:58:02 run, counted in
    // whole intervals rounded down, one short).
    let first = at(21, 9, 13) + Duration::seconds(40);
    let runs: Vec<CollectionRun> = std::iter::once(run_every_late(9 * 60 + 13, 5, 40))
        .chain((0..57).map(|i| run_every_late(9 * 60 + 18 + i * 5, 5, 2)))
        .chain((0..40).map(|i| run_every_late(14 * 60 + 13 + i * 15, 15, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = assess(
        &source("15m"),
        &data,
        known(Some(first)),
        &period(),
        period().end(),
    );
    assert_eq!(c.expected_from, ExpectedFrom::FirstRun(first));
    assert_eq!(
        (c.landed, c.expected),
        (98, 98),
        "58 collections every 5 minutes from the hand run, then 40 every 15"
    );
}

#[test]
fn an_interval_shortened_then_lengthened_back_reads_as_many_collections_expected_as_came() {
    // Every 15 minutes, each run started 2 s after its minute but the 12:00 one, which waited
    // 40 s for a collector slot; `every` shortened to 5 minutes after it (the next run 12:05),
    // lengthened back to 15 after the 15:55 run (the next 16:10). Every collection due came.
    let runs: Vec<CollectionRun> = (0..48)
        .map(|i| run_every_late(i * 15, 15, 2))
        .chain(std::iter::once(run_every_late(12 * 60, 15, 40)))
        .chain((0..47).map(|i| run_every_late(12 * 60 + 5 + i * 5, 5, 2)))
        .chain((0..32).map(|i| run_every_late(16 * 60 + 10 + i * 15, 15, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (48 + 1 + 47 + 32, 48 + 1 + 47 + 32),
        "49 quarter-hours to 12:00, 47 five-minute runs to 15:55, 32 quarter-hours from 16:10"
    );
}

#[test]
fn an_hourly_source_collected_at_quarter_to_then_lengthened_reads_no_collection_missed() {
    // An hourly source first collected at a quarter to some hour (cron's schedule counts from
    // that run's minute), each run 2 s after its minute: 00:45 to 12:45, then `every`
    // lengthened to 2 hours (the next run 14:45, then every two hours to 22:45). Every
    // collection due came: 12 from midnight to 11:45, then 12:45 to 22:45 every 2 hours. The
    // day's quality table must not read one collection missed.
    let runs: Vec<CollectionRun> = (0..13)
        .map(|i| run_every_late(45 + i * 60, 60, 2))
        .chain((0..5).map(|i| run_every_late(14 * 60 + 45 + i * 120, 120, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("2h", &data);
    assert_eq!(
        (c.landed, c.expected),
        (18, 18),
        "13 hourly runs 00:45 to 12:45, then 5 every 2 hours from 14:45"
    );
}

#[test]
fn an_interval_shortened_whose_first_run_started_a_second_later_reads_as_many_expected_as_came() {
    // Every 15 minutes, each run started 2 s after its minute; `every` shortened to 5 minutes
    // after the 12:00 run, the next run 12:05 starting 3 s after its minute (a second slower
    // than the others, as process starts vary), lengthened back to 15 after the 15:55 run
    // (the next 16:10). Every collection due came, none twice: the quality table must not
    // read 128 landed of 127 expected.
    let runs: Vec<CollectionRun> = (0..49)
        .map(|i| run_every_late(i * 15, 15, 2))
        .chain(std::iter::once(run_every_late(12 * 60 + 5, 5, 3)))
        .chain((1..47).map(|i| run_every_late(12 * 60 + 5 + i * 5, 5, 2)))
        .chain((0..32).map(|i| run_every_late(16 * 60 + 10 + i * 15, 15, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (49 + 47 + 32, 49 + 47 + 32),
        "49 quarter-hours to 12:00, 47 five-minute runs 12:05 to 15:55, 32 quarter-hours from 16:10"
    );
}

/// Three sources collected every 2 hours (`north` at even hours, `south` at odd ones) or 6
/// hours (`tides`, at half past 00, 06, 12 and 18), all reaching their APIs from this machine
/// until 06:00. `north`'s API goes down at 06:00 (its runs fail from 06:00, tried again every
/// 15 minutes); `tides` lands its 06:30 collection; the machine's network goes down at 07:00
/// (`south` fails from 07:00, tried every 15 minutes); all land again at 12:00 and 12:30. The
/// cover's "Every source's collections failed at once" line, by its rule, is never said over a
/// stretch in which any source landed a collection (its API reached from this machine then).
/// It says "from 2026-11-21 06:00 to 2026-11-21 12:00 (about 6 hours)": the stretch is taken
/// from the earliest of the sources' first failures (none collected hourly), `north`'s 06:00,
/// while the landings were checked against `south`'s stretch from 07:00 only, so `tides`'
/// collection landed at 06:30 is inside the stretch said as the machine's network down.
#[test]
fn every_source_failing_at_once_is_not_said_over_a_collection_that_landed() {
    let quarter_hours_failing = |from: u32, until: u32| {
        (from * 4..until * 4).map(|quarter| CollectionRun {
            started: at(21, 0, 0) + Duration::minutes(i64::from(quarter) * 15),
            error: Some("GET: connection refused".to_owned()),
            every_s: Some(7_200),
            records: 0,
            ..run(0, None)
        })
    };
    let landed = |hours: &[u32], minute: u32, every_s: i64| {
        hours
            .iter()
            .map(|hour| CollectionRun {
                started: at(21, *hour, minute),
                every_s: Some(every_s),
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    let mut north = landed(&[0, 2, 4], 0, 7_200);
    north.extend(quarter_hours_failing(6, 12));
    north.extend(landed(&[12, 14, 16, 18, 20, 22], 0, 7_200));
    let mut south = landed(&[1, 3, 5], 0, 7_200);
    south.extend(quarter_hours_failing(7, 12));
    south.extend(landed(&[12, 14, 16, 18, 20, 22], 0, 7_200));
    let tides = landed(&[0, 6, 12, 18], 30, 6 * 3_600);
    let sources = [
        (
            Source {
                name: "north".to_owned(),
                ..source("2h")
            },
            north,
        ),
        (
            Source {
                name: "south".to_owned(),
                ..source("2h")
            },
            south,
        ),
        (
            Source {
                name: "tides".to_owned(),
                ..source("6h")
            },
            tides,
        ),
    ];
    let data: Vec<SourceData> = sources
        .iter()
        .map(|(_, runs)| SourceData {
            last_success: runs.last().map(|run| run.started),
            latest_run: runs.last().map(|run| run.started),
            runs: runs.clone(),
            ..Default::default()
        })
        .collect();
    let assessed: Vec<Completeness> = sources
        .iter()
        .zip(&data)
        .map(|((source, _), data)| {
            assess(source, data, collecting_before(), &period(), period().end())
        })
        .collect();
    assert_eq!(assessed[0].failing.len(), 1, "north's outage is shaded");
    assert_eq!(assessed[1].failing.len(), 1, "south's outage is shaded");
    let together = failing::together(
        sources
            .iter()
            .zip(&data)
            .zip(&assessed)
            .map(|(((source, _), data), c)| (source, data, c)),
    );
    for stretch in &together {
        let landed_in: Vec<String> = data
            .iter()
            .flat_map(|data| &data.runs)
            .filter(|run| run.error.is_none())
            .filter(|run| (stretch.from..stretch.until).contains(&run.started))
            .map(|run| run.started.to_string())
            .collect();
        assert!(
            landed_in.is_empty(),
            "every source's collections said to fail at once from {} to {}, though collections landed at {landed_in:?}",
            stretch.from,
            stretch.until
        );
    }
}

#[test]
fn an_interval_shortened_then_lengthened_back_each_first_run_a_second_late_reads_as_many_expected_as_came()
 {
    // `an_interval_shortened_whose_first_run_started_a_second_later_…`, the run taking the
    // quarter-hour back (16:10) a second slower too, as the shortened one's first (12:05):
    // every 15 minutes, runs 2 s after their minute; `every` shortened to 5 minutes after the
    // 12:00 run (12:05 starting 3 s after its minute), lengthened back to 15 after the 15:55
    // run (16:10 starting 3 s after its minute). Every collection due came, none twice, yet
    // the quality table reads 128 landed of 127 expected: the quarter-hours' stretch is taken
    // to begin one interval before 16:10:03, at 15:55:03, a second after the last five-minute
    // run (15:55:02), which the five-minute stretch then does not count.
    let runs: Vec<CollectionRun> = (0..49)
        .map(|i| run_every_late(i * 15, 15, 2))
        .chain(std::iter::once(run_every_late(12 * 60 + 5, 5, 3)))
        .chain((1..47).map(|i| run_every_late(12 * 60 + 5 + i * 5, 5, 2)))
        .chain(std::iter::once(run_every_late(16 * 60 + 10, 15, 3)))
        .chain((1..32).map(|i| run_every_late(16 * 60 + 10 + i * 15, 15, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("15m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (49 + 47 + 32, 49 + 47 + 32),
        "49 quarter-hours to 12:00, 47 five-minute runs 12:05 to 15:55, 32 quarter-hours from 16:10"
    );
}

#[test]
fn an_hourly_source_run_at_twenty_to_shortened_to_ten_minutes_reads_no_collection_missed() {
    // An hourly source whose runs fall at 40 past the hour (its first run by hand at
    // 09:40 days before, cron keeping that minute since), 2 s after their minute. After the 14:40
    // run its `every` is shortened to 10 minutes at 15:19; the collector, which finds it due
    // since 14:50, runs it at 15:20 and every 10 minutes after. Every collection due came:
    // 15 hourly runs (00:40 to 14:40; the one of the hour before 00:40 came at 23:40 the day
    // before) and 52 ten-minute runs (15:20 to 23:50). The hourly stretch is taken to end at
    // 15:10 (one new interval before 15:20) and counted as the 16 hours begun before it from
    // midnight, though the source's 16th hourly run would have come at 15:40.
    let runs: Vec<CollectionRun> = (0..15)
        .map(|i| run_every_late(40 + i * 60, 60, 2))
        .chain((0..52).map(|i| run_every_late(15 * 60 + 20 + i * 10, 10, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("10m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (15 + 52, 15 + 52),
        "15 hourly runs to 14:40, 52 ten-minute runs from 15:20: none missed"
    );
}

#[test]
fn a_minute_stretch_ended_under_load_reads_no_collection_missed() {
    // Every 10 minutes, runs 2 s after their minute, to 08:00; `every` shortened to a minute
    // at 08:04:30 (the collector, finding it due since 08:01, runs it at 08:05 and every
    // minute after); from 12:00 the machine is under load and cron's runs start 40 s after
    // their minute; `every` lengthened back to 10 minutes after the 12:30 run, the load gone
    // by 12:40. Every collection due came, none twice: 49 ten-minute runs (00:00 to 08:00),
    // 265 minute runs (08:05 to 12:29), 69 ten-minute runs (12:30, the run the change took
    // effect at, and 12:40 to 23:50). The minute stretch, from 08:04:02 to the 12:30:40 run,
    // is counted as the nearest number of minutes to its length (266.6, rounded up because
    // the last run was 38 s later in its minute than the first), one more than came.
    let runs: Vec<CollectionRun> = (0..49)
        .map(|i| run_every_late(i * 10, 10, 2))
        .chain((0..265).map(|i| {
            let minute = 8 * 60 + 5 + i;
            run_every_late(minute, 1, if minute >= 12 * 60 { 40 } else { 2 })
        }))
        .chain(std::iter::once(run_every_late(12 * 60 + 30, 1, 40)))
        .chain((1..69).map(|i| run_every_late(12 * 60 + 30 + i * 10, 10, 2)))
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = over_the_day("10m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (49 + 265 + 69, 49 + 265 + 69),
        "every collection due came: none missed"
    );
}

/// A night the machine's network is down, from just before midnight to 04:58: `quakes`
/// (every 10 minutes) fails from 00:00, tried again 10 then every 15 minutes, landing again
/// at 05:10; `weather` (hourly, at 20 past) fails from 00:20, tried every 15 minutes, landing
/// at 05:05; `air` (daily) fails its day's run at 00:00, tried every 15 minutes, landing at
/// 05:00, the first back. The two hourly-or-faster sources' outages are shaded and began and
/// ended together: the cover should say every source's collections failed at once for the
/// night (from 00:20). It says nothing: `air`'s retry landing at 05:00, the network back, falls
/// inside the stretch taken to its others' first landing (05:05), which rules the whole
/// night out rather than ending the stretch there.
#[test]
fn a_night_outage_of_every_source_is_said_though_the_daily_source_landed_first_when_it_ended() {
    let failed = |minutes: Vec<i64>, every_s: i64| {
        minutes
            .into_iter()
            .map(move |minute| CollectionRun {
                started: at(21, 0, 0) + Duration::minutes(minute) + Duration::seconds(2),
                error: Some("GET: dns error: failed to lookup address information".to_owned()),
                every_s: Some(every_s),
                records: 0,
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    let landed = |minutes: Vec<i64>, every_s: i64| {
        minutes
            .into_iter()
            .map(move |minute| CollectionRun {
                started: at(21, 0, 0) + Duration::minutes(minute) + Duration::seconds(2),
                every_s: Some(every_s),
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    // quakes: 00:00, 00:10, then every 15 minutes to 04:55; lands 05:10 and every 10 after.
    let mut quakes = failed(
        [0, 10].into_iter().chain((25..=295).step_by(15)).collect(),
        600,
    );
    quakes.extend(landed((310..1440).step_by(10).collect(), 600));
    // weather: 00:20 to 04:50 every 15 minutes; lands 05:05 and hourly after.
    let mut weather = failed((20..=290).step_by(15).collect(), 3_600);
    weather.extend(landed((305..1440).step_by(60).collect(), 3_600));
    // air: 00:00 to 04:45 every 15 minutes; lands 05:00.
    let mut air = failed((0..=285).step_by(15).collect(), 86_400);
    air.extend(landed(vec![300], 86_400));
    let sources = [
        (
            Source {
                name: "quakes".to_owned(),
                ..source("10m")
            },
            quakes,
        ),
        (
            Source {
                name: "weather".to_owned(),
                ..source("1h")
            },
            weather,
        ),
        (
            Source {
                name: "air".to_owned(),
                ..source("1d")
            },
            air,
        ),
    ];
    let data: Vec<SourceData> = sources
        .iter()
        .map(|(_, runs)| SourceData {
            last_success: runs.last().map(|run| run.started),
            latest_run: runs.last().map(|run| run.started),
            runs: runs.clone(),
            ..Default::default()
        })
        .collect();
    let assessed: Vec<Completeness> = sources
        .iter()
        .zip(&data)
        .map(|((source, _), data)| {
            assess(source, data, collecting_before(), &period(), period().end())
        })
        .collect();
    assert_eq!(assessed[0].failing.len(), 1, "quakes' night is shaded");
    assert_eq!(assessed[1].failing.len(), 1, "weather's night is shaded");
    let together = failing::together(
        sources
            .iter()
            .zip(&data)
            .zip(&assessed)
            .map(|(((source, _), data), c)| (source, data, c)),
    );
    assert_eq!(
        together.len(),
        1,
        "every source failed from 00:00 to 04:58: the night said as failed at once, to 05:00 at the latest; found {together:?}"
    );
}

/// A source added at 09:13:40, its first collection run by hand (`collector --force`) every 5
/// minutes; `every` lengthened to 15 minutes before its next run, cron's runs from 09:28 every
/// 15 minutes (the schedule counts from the hand run's minute), each 2 s after its minute.
/// The 17:13 run did not come (the machine asleep): 60 collections were due, 59 landed, and
/// the quality table should say one did not run. It reads 59 landed of 59 expected: the hand
/// run's minute (09:13) is placed before the stretch it opens (from its 40 s), so the change at
/// it is taken for one at no run and the first quarter-hour from it goes uncounted.
#[test]
fn a_source_run_by_hand_then_lengthened_before_its_next_run_reads_a_missed_collection_missed() {
    let first = at(21, 9, 13) + Duration::seconds(40);
    let runs: Vec<CollectionRun> = std::iter::once(run_every_late(9 * 60 + 13, 5, 40))
        .chain(
            (0..59)
                .map(|i| 9 * 60 + 28 + i * 15)
                .filter(|minute| *minute != 17 * 60 + 13)
                .map(|minute| run_every_late(minute, 15, 2)),
        )
        .collect();
    let data = SourceData {
        runs,
        ..Default::default()
    };
    let c = assess(
        &source("15m"),
        &data,
        known(Some(first)),
        &period(),
        period().end(),
    );
    assert_eq!(c.expected_from, ExpectedFrom::FirstRun(first));
    assert_eq!(
        (c.landed, c.expected),
        (59, 60),
        "the hand run, then 59 quarter-hours from 09:28 to 23:58 of which 17:13 did not come"
    );
}

/// An hourly source collected at 40 past (each run 2 s after its minute), disabled after the
/// 09:40 run (`enabled = false`; its first collection skipped due at 10:40), enabled again at
/// 14:49:30 with `every = "10m"`: cron's 14:50 run takes it up, and every 10 minutes after.
/// Every collection due came: 10 hourly runs, then 55 from 14:50 to 23:50. The quality table
/// reads 65 landed of 66 expected, "1 of 66 expected did not run (no run recorded for them:
/// was the collector stopped?)": the hourly stretch counts the old schedule's 14:40 collection
/// as due after its last run (the new interval's start, 14:40, placed on the minute), while
/// the stretch disabled, counted from 10:40 to 14:40, skipped only those begun before it.
#[test]
fn a_source_enabled_again_with_a_shorter_every_reads_no_collection_missed() {
    let mut runs: Vec<CollectionRun> = (0..10)
        .map(|i| run_every_late(40 + i * 60, 60, 2))
        .collect();
    let mut back = run_every_late(14 * 60 + 50, 10, 2);
    back.disabled_from = Some(at(21, 10, 40));
    runs.push(back);
    runs.extend((1..55).map(|i| run_every_late(14 * 60 + 50 + i * 10, 10, 2)));
    let data = SourceData {
        disabled: runs.iter().filter_map(Disabled::told_by).collect(),
        runs,
        ..Default::default()
    };
    assert_eq!(data.disabled.len(), 1);
    let c = over_the_day("10m", &data);
    assert_eq!(
        (c.landed, c.expected),
        (65, 65),
        "10 hourly runs to 09:40, none due while disabled, 55 ten-minute runs from 14:50"
    );
}

/// A night the network is down from midnight: `quakes` (every 10 minutes) fails from 00:00,
/// tried again every 15 minutes, landing again at 05:10; `weather` (hourly, at 20 past) fails
/// from 00:20, tried every 15 minutes, landing at 05:05. `tides`, collected every 6 hours at
/// 10 past, landed at 22:10 the evening before and lands its 04:10 run, the machine's network
/// back by then; yet `quakes` fails again at 04:25, 04:40 and 04:55 and `weather` at 04:20,
/// 04:35 and 04:50, six failures over 45 minutes after this machine reached an API. The
/// night is no longer "every source failed at once" (a source landed in it, the others failing
/// after it): the cover should not say the machine's network most likely failed them all. It
/// says so from 00:20 to 04:10: a landing in the stretch's last hour is taken for the network
/// coming back, however many failures follow it.
#[test]
fn a_source_landing_while_the_others_go_on_failing_for_45_minutes_is_no_night_failed_at_once() {
    let failed = |minutes: Vec<i64>, every_s: i64| {
        minutes
            .into_iter()
            .map(move |minute| CollectionRun {
                started: at(21, 0, 0) + Duration::minutes(minute) + Duration::seconds(2),
                error: Some("GET: dns error: failed to lookup address information".to_owned()),
                every_s: Some(every_s),
                records: 0,
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    let landed = |minutes: Vec<i64>, every_s: i64| {
        minutes
            .into_iter()
            .map(move |minute| CollectionRun {
                started: at(21, 0, 0) + Duration::minutes(minute) + Duration::seconds(2),
                every_s: Some(every_s),
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    let mut quakes = failed(
        [0, 10].into_iter().chain((25..=295).step_by(15)).collect(),
        600,
    );
    quakes.extend(landed((310..1440).step_by(10).collect(), 600));
    let mut weather = failed((20..=290).step_by(15).collect(), 3_600);
    weather.extend(landed((305..1440).step_by(60).collect(), 3_600));
    let tides = landed((250..1440).step_by(360).collect(), 21_600);
    let sources = [
        (
            Source {
                name: "quakes".to_owned(),
                ..source("10m")
            },
            quakes,
        ),
        (
            Source {
                name: "weather".to_owned(),
                ..source("1h")
            },
            weather,
        ),
        (
            Source {
                name: "tides".to_owned(),
                ..source("6h")
            },
            tides,
        ),
    ];
    let data: Vec<SourceData> = sources
        .iter()
        .map(|(_, runs)| SourceData {
            last_success: runs
                .iter()
                .rev()
                .find(|run| run.error.is_none())
                .map(|run| run.started),
            latest_run: runs.last().map(|run| run.started),
            runs: runs.clone(),
            ..Default::default()
        })
        .collect();
    let assessed: Vec<Completeness> = sources
        .iter()
        .zip(&data)
        .map(|((source, _), data)| {
            assess(source, data, collecting_before(), &period(), period().end())
        })
        .collect();
    assert_eq!(assessed[0].failing.len(), 1, "quakes' night is shaded");
    assert_eq!(assessed[1].failing.len(), 1, "weather's night is shaded");
    let together = failing::together(
        sources
            .iter()
            .zip(&data)
            .zip(&assessed)
            .map(|(((source, _), data), c)| (source, data, c)),
    );
    assert_eq!(
        together,
        [],
        "tides landed at 04:10, quakes and weather failing six times after it: no night failed at once"
    );
}

/// A night the machine's network is down, from midnight to 04:58: `quakes` (every 10
/// minutes) fails from 00:00, tried again every 15 minutes, landing again at 05:10; `weather`
/// (hourly, at 20 past) fails from 00:20, tried every 15 minutes, landing at 05:05; `tides`,
/// collected every 6 hours, landed at 23:00 the evening before and lands its 05:00 run, the
/// network back. `pollen` (every 15 minutes) has its own API down from midnight to 09:00 (its
/// maintenance), failing all night and on, at 05:01 among others: its stretch, four hours
/// longer, did not end with the others'. The night should be said as every source's
/// collections failed at once (quakes and weather began and ended together, tides' landing at
/// 05:00 ending it). It is not said at all: `pollen`'s failure at 05:01, after tides' landing,
/// is taken for "others went on failing after it", though pollen's failures are its own API's.
#[test]
fn a_night_every_source_failed_at_once_is_said_though_another_source_s_own_api_stays_down_past_it()
{
    let failed = |minutes: Vec<i64>, every_s: i64| {
        minutes
            .into_iter()
            .map(move |minute| CollectionRun {
                started: at(21, 0, 0) + Duration::minutes(minute) + Duration::seconds(2),
                error: Some("GET: dns error: failed to lookup address information".to_owned()),
                every_s: Some(every_s),
                records: 0,
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    let landed = |minutes: Vec<i64>, every_s: i64| {
        minutes
            .into_iter()
            .map(move |minute| CollectionRun {
                started: at(21, 0, 0) + Duration::minutes(minute) + Duration::seconds(2),
                every_s: Some(every_s),
                ..run(0, None)
            })
            .collect::<Vec<_>>()
    };
    let mut quakes = failed(
        [0, 10].into_iter().chain((25..=295).step_by(15)).collect(),
        600,
    );
    quakes.extend(landed((310..1440).step_by(10).collect(), 600));
    let mut weather = failed((20..=290).step_by(15).collect(), 3_600);
    weather.extend(landed((305..1440).step_by(60).collect(), 3_600));
    let tides = landed((300..1440).step_by(360).collect(), 21_600);
    // pollen: its API down, failing every 15 minutes from 00:01 to 08:46; lands from 09:01.
    let mut pollen: Vec<CollectionRun> = (1..=526)
        .step_by(15)
        .map(|minute| CollectionRun {
            error: Some("HTTP 503: an HTML page titled \"Maintenance\"".to_owned()),
            ..failed(vec![minute], 900).remove(0)
        })
        .collect();
    pollen.extend(landed((541..1440).step_by(15).collect(), 900));
    let sources = [
        (
            Source {
                name: "quakes".to_owned(),
                ..source("10m")
            },
            quakes,
        ),
        (
            Source {
                name: "weather".to_owned(),
                ..source("1h")
            },
            weather,
        ),
        (
            Source {
                name: "tides".to_owned(),
                ..source("6h")
            },
            tides,
        ),
        (
            Source {
                name: "pollen".to_owned(),
                ..source("15m")
            },
            pollen,
        ),
    ];
    let data: Vec<SourceData> = sources
        .iter()
        .map(|(_, runs)| SourceData {
            last_success: runs
                .iter()
                .rev()
                .find(|run| run.error.is_none())
                .map(|run| run.started),
            latest_run: runs.last().map(|run| run.started),
            runs: runs.clone(),
            ..Default::default()
        })
        .collect();
    let assessed: Vec<Completeness> = sources
        .iter()
        .zip(&data)
        .map(|((source, _), data)| {
            assess(source, data, collecting_before(), &period(), period().end())
        })
        .collect();
    assert_eq!(assessed[0].failing.len(), 1, "quakes' night is shaded");
    assert_eq!(assessed[1].failing.len(), 1, "weather's night is shaded");
    assert_eq!(
        assessed[3].failing.len(),
        1,
        "pollen's night and morning are shaded"
    );
    let together = failing::together(
        sources
            .iter()
            .zip(&data)
            .zip(&assessed)
            .map(|(((source, _), data), c)| (source, data, c)),
    );
    assert_eq!(
        together.len(),
        1,
        "quakes and weather failed from 00:20 to 05:00, tides landing then, the network back: the night said as failed at once; found {together:?}"
    );
}

/// Open-Meteo's archive asked up to today serves the day's hours to come with every value
/// null: their records, slots of a series keyed by its time, hold no number in any numeric
/// field (the summaries count them as `nulls` only), and those hours are without data. An hour
/// with one value is with data, as is one of a source configuring no field (its records are
/// its data); so is every hour of records keyed by their own id (items, data by themselves).
#[test]
fn an_hour_whose_records_hold_only_nulls_is_without_data() {
    let now = period().end();
    let numeric = |count: i64, nulls: i64| releve::store::NumericSummary {
        field: "temperature_2m".to_owned(),
        count,
        nulls,
        implausible: 0,
        min: None,
        max: None,
        mean: None,
        sum: 0.0,
    };
    let hour = |h: u32, numeric: Vec<releve::store::NumericSummary>| releve::store::HourlySummary {
        source: "s".to_owned(),
        hour: releve::store::bson_date(at(21, h, 0)),
        count: 1,
        numeric,
        categories: Vec::new(),
        bbox: None,
        updated_at: releve::store::bson_date(now),
    };
    let data = SourceData {
        runs: vec![run(0, None)],
        hourly: (0..24)
            .map(|h| match h {
                0..12 => hour(h, vec![numeric(1, 0)]),
                12..23 => hour(h, vec![numeric(0, 1)]),
                _ => hour(h, Vec::new()),
            })
            .collect(),
        ..Default::default()
    };
    let assessed = |key: &str| {
        assess(
            &source_keyed_by("1h", key),
            &data,
            collecting_before(),
            &period(),
            period().end(),
        )
    };
    let slots = assessed("t");
    assert_eq!(
        (slots.steps, slots.steps_without_data),
        (24, 11),
        "the 11 hours of nulls only are without data"
    );
    let items = assessed("id");
    assert_eq!(
        (items.steps, items.steps_without_data),
        (24, 0),
        "records keyed by their own id are data whatever they lack"
    );
}
