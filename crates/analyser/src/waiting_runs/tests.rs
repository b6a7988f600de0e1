use chrono::TimeZone;

use super::*;

#[test]
fn a_file_waits_for_the_summariser_while_the_machine_is_up_alone() {
    let now = "2026-12-02T08:30:00Z"
        .parse::<DateTime<Utc>>()
        .expect("now");
    let minutely = releve::Every::from_secs(60);
    let hourly = releve::Every::from_secs(3_600);
    let minutes = |m: i64| now - TimeDelta::minutes(m);
    let marks = |starts: &[i64]| -> Vec<RunMark> {
        starts
            .iter()
            .map(|m| RunMark {
                started: minutes(*m),
                retry_from: None,
                disabled_from: None,
                every: None,
            })
            .collect()
    };
    let up_since = |sources: &[(releve::Every, Vec<RunMark>)], landed| {
        let runs = CollectorRuns::new(
            sources
                .iter()
                .map(|(every, marks)| (Some(*every), marks.clone())),
        );
        runs.waited_for_summariser(landed, now)
    };
    // Landed at 22:05, collected every minute until 22:30, asleep until 08:29.
    let landed = minutes(625);
    let evening: Vec<i64> = (600..=625).rev().chain([1]).collect();
    assert_eq!(
        up_since(&[(minutely, marks(&evening))], landed),
        TimeDelta::minutes(26),
        "the evening's 25 minutes and the last"
    );
    // A source collected every 6 hours, its file of 22:05 waiting: the minutely source's
    // runs tell the night.
    let six_hours = releve::Every::from_secs(6 * 3_600);
    let sparse = marks(&[625, 1]);
    assert_eq!(
        up_since(
            &[(six_hours, sparse.clone()), (minutely, marks(&evening))],
            landed
        ),
        TimeDelta::minutes(26)
    );
    // Alone, its runs tell nothing of a night: all of it counts.
    assert_eq!(up_since(&[(six_hours, sparse)], landed), now - landed);
    // Up all along: the whole time.
    let up: Vec<i64> = (0..=625).rev().collect();
    assert_eq!(up_since(&[(minutely, marks(&up))], landed), now - landed);
    // An hourly source's 8 hours, a minutely source added 10 minutes ago: the hourly
    // source's hour between runs is no sleep (found by the fourth review).
    let hours: Vec<i64> = (0..=8).rev().map(|h| h * 60 + 5).collect();
    let added: Vec<i64> = (0..10).rev().collect();
    assert_eq!(
        up_since(
            &[(hourly, marks(&hours)), (minutely, marks(&added))],
            minutes(485)
        ),
        TimeDelta::minutes(485)
    );
    // A minutely source put off for hours by a failure (a quota), the hourly one running:
    // up.
    let mut paused = marks(&[485]);
    paused[0].retry_from = Some(minutes(5));
    paused.extend(marks(&[4, 3, 2, 1]));
    assert_eq!(
        up_since(&[(hourly, marks(&hours)), (minutely, paused)], minutes(485)),
        TimeDelta::minutes(485)
    );
    // A minutely source disabled by hand for 8 hours and enabled again, alone: its stretch
    // disabled is no sleep (found by the last review).
    let mut again = marks(&[485, 484, 483, 2, 1]);
    again[3].disabled_from = Some(minutes(482));
    assert_eq!(
        up_since(&[(minutely, again)], minutes(485)),
        TimeDelta::minutes(485)
    );
    // A daily source's day between runs is no sleep.
    let daily = releve::Every::from_secs(86_400);
    let yesterday = now - TimeDelta::hours(24);
    assert_eq!(
        up_since(
            &[(
                daily,
                vec![RunMark {
                    started: yesterday,
                    retry_from: None,
                    disabled_from: None,
                    every: None,
                }]
            )],
            yesterday
        ),
        TimeDelta::hours(24)
    );
    // Runs every 20 minutes (waits after failures): up.
    let spaced: Vec<i64> = (0..=300).rev().step_by(20).collect();
    assert_eq!(
        up_since(&[(minutely, marks(&spaced))], minutes(300)),
        TimeDelta::minutes(300)
    );
    // Nothing tells of a night: all the time counts.
    let runs = CollectorRuns::default();
    assert_eq!(runs.waited_for_summariser(landed, now), now - landed);
}

fn run(minute: u32, error: Option<&str>) -> RunMetrics {
    let started = Utc
        .with_ymd_and_hms(2026, 11, 22, 4, minute, 0)
        .single()
        .expect("time");
    RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: "usgs".to_owned(),
        kind: "http_json".to_owned(),
        file: None,
        started,
        // A success counts from when it finished, as in `analyser status`.
        finished: started + chrono::TimeDelta::seconds(30),
        duration_ms: Some(30_000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: 1,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: error.map(str::to_owned),
        day: None,
        every_s: None,
        disabled_from: None,
        retry_from: None,
    }
}

fn period() -> ReportPeriod {
    ReportPeriod::containing(
        crate::period::PeriodKind::Day,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        chrono_tz::UTC,
    )
}

#[test]
fn runs_waiting_for_the_summariser_count_in_their_period() {
    let mut data = SourceData::default();
    let mut yesterdays = run(10, None);
    yesterdays.started -= chrono::TimeDelta::days(1);
    // The collector's file says nanoseconds; MongoDB keeps milliseconds.
    let mut waiting = run(12, None);
    waiting.started += chrono::TimeDelta::nanoseconds(123_456_789);
    let mut stored = CollectionRun::from(&run(12, None));
    stored.started += chrono::TimeDelta::milliseconds(123);
    data.runs.push(stored.clone());
    fold_into(
        &mut data,
        &[waiting, run(11, Some("HTTP 503")), yesterdays],
        &period(),
        run(30, None).started,
    );
    let started: Vec<u32> = data
        .runs
        .iter()
        .map(|r| chrono::Timelike::minute(&r.started))
        .collect();
    assert_eq!(started, [11, 12], "the period's runs, each once, by start");
    assert_eq!(data.runs[0].error.as_deref(), Some("HTTP 503"));
    assert_eq!(
        data.waiting.runs, 0,
        "a failed run landed nothing; the run at 12 is stored, yesterday's is not this period's"
    );

    let mut offers = run(1, None);
    offers.day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22);
    offers.started += chrono::TimeDelta::days(1);
    let mut day_data = SourceData::default();
    fold_into(&mut day_data, &[offers.clone()], &period(), offers.started);
    assert_eq!(day_data.runs.len(), 1, "a per-day run counts for its day");
    assert_eq!(
        day_data.waiting,
        crate::query::WaitingRuns {
            runs: 1,
            records: offers.records,
            oldest_landed: None,
            waited: None,
        },
        "its records wait for the summariser"
    );
    assert_eq!(
        first_collection(&[offers.clone()], true, chrono_tz::UTC),
        Some(period().start()),
        "the first day it collected"
    );
    // West of UTC the day starts at local midnight, 05:00 UTC in New York: at UTC
    // midnight the report of the day before would expect a collection of it.
    let new_york = ReportPeriod::containing(
        crate::period::PeriodKind::Day,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        chrono_tz::America::New_York,
    );
    assert_eq!(
        first_collection(&[offers], true, chrono_tz::America::New_York),
        Some(new_york.start()),
        "local midnight, {}",
        new_york.start()
    );
}

#[test]
fn runs_waiting_for_the_summariser_are_the_latest_news() {
    let stored = Utc
        .with_ymd_and_hms(2026, 11, 22, 3, 59, 0)
        .single()
        .expect("time");
    let now = run(15, None).started;
    let stored_data = || SourceData {
        last_success: Some(stored),
        latest_run: Some(stored),
        ..SourceData::default()
    };
    let mut data = stored_data();
    fold_into(&mut data, &[run(13, None), run(14, None)], &period(), now);
    assert_eq!(data.last_success, Some(run(14, None).finished));
    assert!(!data.latest_run_failed);

    let mut data = stored_data();
    fold_into(
        &mut data,
        &[run(13, None), run(14, Some("HTTP 503"))],
        &period(),
        now,
    );
    assert!(data.latest_run_failed, "the newest run failed");
    assert_eq!(data.last_success, Some(run(13, None).finished));

    let mut untouched = SourceData {
        last_success: Some(stored),
        latest_run_failed: true,
        latest_run: Some(stored),
        ..SourceData::default()
    };
    fold_into(&mut untouched, &[run(20, None)], &period(), now);
    assert_eq!(
        (untouched.last_success, untouched.latest_run_failed),
        (Some(stored), true),
        "a run after the report's generation does not count"
    );

    let mut newer_stored = SourceData {
        last_success: Some(run(14, None).finished),
        latest_run: Some(run(14, None).started),
        ..SourceData::default()
    };
    fold_into(
        &mut newer_stored,
        &[run(3, Some("HTTP 503"))],
        &period(),
        now,
    );
    assert!(
        !newer_stored.latest_run_failed,
        "a failed run left in raw/, older than the stored ones, is not the latest"
    );
}

#[test]
fn a_failure_before_the_period_waiting_in_raw_is_the_last_run_before_it() {
    let evening = |hour: u32, error| {
        let mut run = run(0, error);
        run.started = Utc
            .with_ymd_and_hms(2026, 11, 21, hour, 0, 0)
            .single()
            .expect("time");
        run.finished = run.started + chrono::TimeDelta::seconds(30);
        run
    };
    let mut data = SourceData {
        run_before: Some(CollectionRun::from(&evening(17, None))),
        ..SourceData::default()
    };
    let waiting = [evening(22, Some("HTTP 429: quota exhausted"))];
    fold_into(&mut data, &waiting, &period(), run(30, None).started);
    assert_eq!(
        data.run_before
            .map(|run| (chrono::Timelike::hour(&run.started), run.error.is_some())),
        Some((22, true)),
        "the waiting failure is the last run before the period"
    );
}

/// A run waiting in `raw/` whose source started at 00:00:00.4, its collector run begun at
/// 23:59:57 the day before, belongs to that day, as a stored one does: the day it started
/// in does not count it, and has it as its last run before.
#[test]
fn a_waiting_run_begun_late_the_evening_before_belongs_to_it() {
    let start = period().start();
    let mut late = run(0, None);
    late.started = start + chrono::TimeDelta::milliseconds(400);
    late.scheduled_from = Some(start - chrono::TimeDelta::seconds(3));
    let mut data = SourceData::default();
    fold_into(&mut data, &[late], &period(), run(30, None).started);
    assert!(
        data.runs.is_empty(),
        "the day counts the evening before's run"
    );
    assert_eq!(
        data.run_before.map(|run| run.started),
        Some(start - chrono::TimeDelta::seconds(3)),
        "the evening before's run is not the last run before the day"
    );
}
