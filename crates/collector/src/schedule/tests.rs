use chrono::TimeZone;

use super::*;
use crate::testing::configured;
use crate::testing::landing;

fn source(every: &str) -> Source {
    configured(&format!(
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"http://x\"\nevery = \"{every}\"\nkey = \"id\"\ntime = \"t\"\n"
    ))
}

/// A source that collects by day (France Travail).
fn per_day_source() -> Source {
    configured(
        "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://x/search\"\ntoken_url = \"https://x/token\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n",
    )
}

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, s)
        .single()
        .expect("time")
}

/// Cron a moment ahead of this machine's clock, the case [`CRON_EARLY`] is for (a
/// Kubernetes CronJob's controller and its node; the README: "due at 10:01 (from 10:00:58
/// on this machine's clock, should cron's run a moment ahead of it)"). A `1d` source is
/// due from each day's midnight: cron's 00:00, read here as 23:59:59, finds it due and runs
/// it, counted from 23:59, so cron's 00:01 finds it due again (from that midnight). Each
/// day then holds two runs of the daily source, one at 00:00:59 and one at 23:59:59: its
/// API called twice a day, its records landed twice, the report's days reading 2 landed of
/// 1 expected. Before the change (the time of day kept) it ran once a day.
#[test]
fn a_daily_source_is_collected_once_a_day_when_cron_runs_a_moment_ahead_of_the_clock() {
    let daily = source("1d");
    let zone = daily.days_in;
    let paris = |day, hour, minute, second| {
        zone.with_ymd_and_hms(2026, 12, day, hour, minute, second)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    let mut state = SourceState::default();
    // Its last run: cron's 00:00 on 1 December, begun on this clock the day before.
    let ran = paris(1, 0, 0, 0) - TimeDelta::seconds(1);
    state.succeeded(ran, landing(ran), None, None, Some(86_400));
    let mut runs = vec![ran];
    // Cron's minutes from 00:02 on 1 December to 23:59 on 4 December, each run starting
    // one second before the minute on this machine's clock.
    let mut cron = paris(1, 0, 2, 0);
    while cron < paris(5, 0, 0, 0) {
        let now = cron - TimeDelta::seconds(1);
        if due(&daily, &state, now.date_naive(), now) == Due::Now {
            state.succeeded(now, landing(now), None, None, Some(86_400));
            runs.push(now);
        }
        cron += TimeDelta::minutes(1);
    }
    let mut per_day = std::collections::BTreeMap::new();
    for run in &runs {
        *per_day
            .entry(run.with_timezone(&zone).date_naive())
            .or_insert(0) += 1;
    }
    assert!(
        per_day.values().all(|count| *count == 1),
        "runs of the daily source per day in Paris: {per_day:?} (at {:?})",
        runs.iter()
            .map(|run| run.with_timezone(&zone).to_string())
            .collect::<Vec<_>>()
    );
}

/// Cron a moment and a half ahead of this machine's clock (each run begins at xx:58.5), a
/// `5m` source: the API answers cron's 10:00 run, begun at 09:59:58.5, with a 429 and
/// `Retry-After: 300`, a wait past 120 s, so the run fails and the source rests until
/// 10:04:59 (the wait rounded up to its second). The README: "the source rests until then,
/// to the second (... cron's run at the minute the wait ends, a moment before its second,
/// leaves it to the next minute)". Since the run is counted from the minute 10:00, its
/// backoff ends at 10:05, after the API's wait, so cron's early margin is granted: cron's
/// 10:05 run, begun at 10:04:58.5, calls the API half a second before the wait it asked
/// for has ended (which a rate limit refuses again, pausing the source once more). Before
/// the run was counted from the next minute, the wait was kept.
#[test]
fn a_wait_the_api_asked_for_is_kept_to_the_second_when_cron_runs_a_moment_ahead() {
    let five = source("5m");
    let day = at(0, 0, 0).date_naive();
    let ahead = |h, m| at(h, m, 0) - TimeDelta::milliseconds(1_500);
    let mut state = SourceState::default();
    state.succeeded(ahead(9, 55), landing(ahead(9, 55)), None, None, Some(300));
    let waited_until = at(10, 4, 59);
    state.failed(
        ahead(10, 0),
        "HTTP 429: Too Many Requests",
        Some(waited_until),
    );
    let now = ahead(10, 5);
    assert!(
        now < waited_until,
        "cron's 10:05 run begins before the wait ends"
    );
    assert_ne!(
        due(&five, &state, day, now),
        Due::Now,
        "cron's 10:05 run, begun at {now}, is before the end of the API's wait ({waited_until})"
    );
}

/// Cron a second ahead of this machine's clock (the README: "due at 10:01 (from 10:00:58
/// on this machine's clock, should cron's run a moment ahead of it)"), a `5m` source: cron's
/// 08:00 run, read as 07:59:59, collects it, counted from the minute 07:59, so cron's 08:04,
/// read as 08:03:59, finds it due (two seconds early) and collects it again, and so on: the
/// source is collected every 4 minutes, not 5 (an hourly one every 59 minutes), its API
/// called 15 times an hour rather than 12, and the report reading 360 landed of 288
/// expected a day. Each run should stay `every` apart on cron's clock.
#[test]
fn a_five_minute_source_is_collected_every_five_minutes_when_cron_runs_a_moment_ahead() {
    let quakes = source("5m");
    let mut state = SourceState::default();
    let first = at(8, 0, 0) - TimeDelta::seconds(1);
    state.succeeded(first, landing(first), None, None, Some(300));
    let mut runs = vec![first];
    // Cron's minutes from 08:01 to 08:59, each read a second early on this clock.
    let mut cron = at(8, 1, 0);
    while cron < at(9, 0, 0) {
        let now = cron - TimeDelta::seconds(1);
        if due(&quakes, &state, now.date_naive(), now) == Due::Now {
            state.succeeded(now, landing(now), None, None, Some(300));
            runs.push(now);
        }
        cron += TimeDelta::minutes(1);
    }
    assert_eq!(
        runs.len(),
        12,
        "runs of the 5m source in cron's hour 08:00 to 08:59: {:?}",
        runs.iter().map(ToString::to_string).collect::<Vec<_>>()
    );
}

/// `collector --source daily --force` run by hand at 10:00 in Paris, the daily source
/// having landed at midnight: should the run fail, the source is next due at the next
/// midnight (its interval from its last success), yet its retries end 14.5 minutes after
/// it began, and the failure line says "not tried again, as the source's next run is due
/// before another attempt could end; that run will try again" — a run 14 hours later. The
/// commit meant retries not to be cut "for a run that will not come".
#[test]
fn a_forced_run_of_a_daily_source_keeps_its_retries_until_its_next_run_is_due() {
    let daily = source("1d");
    let zone = daily.days_in;
    let paris = |hour| {
        zone.with_ymd_and_hms(2026, 12, 1, hour, 0, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    let mut state = SourceState::default();
    state.succeeded(paris(0), landing(paris(0)), None, None, Some(86_400));
    let forced = paris(10);
    let retries_cut = retries_end(&daily, forced, state.failures_in_a_row);
    state.failed(forced, "GET: timed out after 30 s", None);
    let next = retry_from(&daily, &state).expect("due again after the failure");
    assert!(
        retries_cut >= next - TimeDelta::seconds(30),
        "retries cut at {retries_cut}, the source's next run due at {next}: the line says that run will try again"
    );
}

/// An hourly source whose API's daily quota ran out at 08:00, asking to wait until
/// midnight (`paused_until`): the user runs `collector --source usgs --force` at 08:30, which
/// hangs, and presses Ctrl-C. The stopped run clears nothing of the pause, yet the state's
/// `stopped` flag makes the schedule skip it: cron's 08:31 run calls the API again, which
/// the quota refuses (a call more after each such stop), the wait the API asked for forgotten.
#[test]
fn a_run_stopped_by_ctrl_c_keeps_the_wait_the_api_asked_for() {
    let hourly = source("1h");
    let mut state = SourceState::default();
    state.succeeded(at(7, 0, 0), landing(at(7, 0, 1)), None, None, Some(3600));
    let midnight = at(23, 0, 0) + TimeDelta::hours(1);
    state.failed(
        at(8, 0, 0),
        "HTTP 429: daily quota exceeded",
        Some(midnight),
    );
    state.stopped(at(8, 30, 0), &releve::stop::stopped_by("SIGINT"));
    assert_eq!(
        due(&hourly, &state, at(8, 31, 0).date_naive(), at(8, 31, 0)),
        Due::NotBefore(midnight),
        "the API asked to wait until midnight; a Ctrl-C'd forced run lets cron call it at once"
    );
}

#[test]
fn a_requests_retries_end_before_the_next_run_is_due() {
    let budget = |every, failures| {
        (retries_end(&source(every), at(8, 0, 0), failures) - at(8, 0, 0)).num_seconds()
    };
    assert_eq!(budget("1m", 0), 54);
    assert_eq!(budget("15m", 0), 15 * 60 - 30);
    assert_eq!(
        budget("1d", 3),
        24 * 3600 - 30,
        "a daily source's long collection keeps its day to retry"
    );
    assert_eq!(
        budget("1m", 2),
        4 * 60 - 24,
        "the backoff after a third failure"
    );
    assert_eq!(budget("1m", 9), 15 * 60 - 30);
    assert_eq!(
        retries_end(&source("1m"), at(8, 0, 50), 0),
        at(8, 1, 44),
        "a run by hand late in its minute keeps its time to retry"
    );
}

#[test]
fn a_minutely_source_run_every_minute_is_never_skipped_for_jitter() {
    let usgs = source("1m");
    let mut state = SourceState::default();
    // Started late in its minute (a busy machine): due at the next minute all the same.
    // (One begun in its last two seconds is the next minute's: cron a moment ahead.)
    state.succeeded(at(8, 0, 57), landing(at(8, 0, 57)), None, None, None);
    let day = at(0, 0, 0).date_naive();
    assert_eq!(due(&usgs, &state, day, at(8, 1, 0)), Due::Now);
    state.succeeded(at(8, 0, 1), landing(at(8, 0, 3)), None, None, None);
    assert_eq!(
        due(&usgs, &state, day, at(8, 0, 57)),
        Due::NotBefore(at(8, 1, 0)),
        "never twice in a minute"
    );
    assert_eq!(
        due(&usgs, &state, day, at(8, 0, 59)),
        Due::Now,
        "cron's 08:01 read a moment early on this clock"
    );
    assert_eq!(
        due(&usgs, &state, day, at(8, 0, 30)),
        Due::NotBefore(at(8, 1, 0)),
        "a minute after the minute of the last start"
    );
    assert_eq!(
        due(&usgs, &state, day, at(8, 1, 0)),
        Due::Now,
        "due from the time it says"
    );
}

#[test]
fn a_first_run_by_hand_leaves_a_minutely_source_due_at_crons_next_minute() {
    let usgs = source("1m");
    let day = at(0, 0, 0).date_naive();
    let mut state = SourceState::default();
    state.succeeded(at(10, 0, 11), landing(at(10, 0, 12)), None, None, None);
    assert_eq!(due(&usgs, &state, day, at(10, 1, 0)), Due::Now);
    let mut failing = SourceState::default();
    failing.failed(at(10, 0, 50), "HTTP 503", None);
    assert_eq!(
        due(&usgs, &failing, day, at(10, 1, 0)),
        Due::Now,
        "a failure by hand is tried again at the next minute too"
    );
    let hourly = source("1h");
    assert_eq!(
        due(&hourly, &state, day, at(11, 0, 0)),
        Due::Now,
        "an hourly source run by hand at 10:00:11 is collected by cron at 11:00"
    );
}

/// A daily source run at 23:30 in Paris (the reports' zone by default): due from the next
/// day's midnight on that clock, whatever the clock change between, and from there each
/// day at its midnight, so the 23-hour day summer time begins on and the 25-hour one it
/// ends on hold one run each.
#[test]
fn a_daily_interval_is_due_from_each_day_s_start_across_a_change_of_clocks() {
    let daily = source("1d");
    assert_eq!(daily.days_in.name(), "Europe/Paris");
    let paris = |month, day, hour, minute| {
        daily
            .days_in
            .with_ymd_and_hms(2026, month, day, hour, minute, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    for (month, before, after) in [(3, 28, 29), (10, 24, 25)] {
        let mut state = SourceState::default();
        let ran = paris(month, before, 23, 30);
        state.succeeded(ran, landing(ran), None, None, None);
        let midnight = paris(month, after, 0, 0);
        let now = midnight - chrono::TimeDelta::minutes(1);
        assert_eq!(
            due(&daily, &state, now.date_naive(), now),
            Due::NotBefore(midnight),
            "{month}"
        );
        state.succeeded(midnight, landing(midnight), None, None, None);
        let next = paris(month, after + 1, 0, 0);
        let now = next - chrono::TimeDelta::minutes(1);
        assert_eq!(
            due(&daily, &state, now.date_naive(), now),
            Due::NotBefore(next),
            "{month}: the day of the change holds one run"
        );
    }
}

/// A laptop: the daily source ran late one evening (the laptop woke at 20:00 on 1
/// December, Paris), and the next day the laptop is awake from 08:00 to 19:00, cron's
/// collector running every minute. The day of 2 December should hold its daily run, as
/// the README says of a `1d` source ("each day of the reports holds its run") and as the
/// report expects (one collection per calendar day): it holds none, since the source is
/// not due before 20:00, when the laptop is asleep; the report of 2 December then counts
/// it missed and asks whether the collector was stopped, though it ran all day.
#[test]
fn a_daily_source_run_late_once_is_collected_the_next_day_the_laptop_is_awake() {
    let daily = source("1d");
    let paris = |day, hour, minute| {
        daily
            .days_in
            .with_ymd_and_hms(2026, 12, day, hour, minute, 0)
            .single()
            .expect("instant")
            .with_timezone(&Utc)
    };
    let mut state = SourceState::default();
    let ran = paris(1, 20, 0);
    state.succeeded(ran, landing(ran + TimeDelta::seconds(2)), None, None, None);
    let awake = (8..19).flat_map(|hour| (0..60).map(move |minute| (hour, minute)));
    let mut collected = None;
    for (hour, minute) in awake {
        let now = paris(2, hour, minute);
        if due(&daily, &state, now.date_naive(), now) == Due::Now {
            collected = Some(now);
            break;
        }
    }
    assert!(
        collected.is_some(),
        "awake from 08:00 to 19:00 on 2 December, the collector never found the daily source due that day: {:?}",
        due(
            &daily,
            &state,
            paris(2, 18, 59).date_naive(),
            paris(2, 18, 59)
        )
    );
}

#[test]
fn a_daily_source_is_due_until_its_day_lands() {
    let daily = per_day_source();
    let mut state = SourceState::default();
    let day = at(0, 0, 0).date_naive();
    assert_eq!(due(&daily, &state, day, at(8, 0, 0)), Due::Now);
    state.succeeded(at(8, 0, 0), landing(at(8, 4, 0)), None, Some(day), None);
    assert_eq!(due(&daily, &state, day, at(9, 0, 0)), Due::DayLanded(day));
}

#[test]
fn a_failure_soon_after_a_success_is_retried_when_the_interval_is_over() {
    // A `--force` run failing five minutes after the hourly run landed: the next run is
    // the hourly one, which the failure's metrics say.
    let hourly = source("1h");
    let mut state = SourceState::default();
    state.succeeded(at(10, 0, 0), landing(at(10, 0, 5)), None, None, None);
    state.failed(at(10, 5, 0), "HTTP 503", None);
    let retry = retry_from(&hourly, &state).expect("a failed last run");
    assert_eq!(retry, at(11, 0, 0));
    let day = at(0, 0, 0).date_naive();
    assert_eq!(due(&hourly, &state, day, retry), Due::Now);
    assert_eq!(
        due(&hourly, &state, day, at(10, 20, 0)),
        Due::NotBefore(retry)
    );
    state.succeeded(at(11, 0, 0), landing(at(11, 0, 5)), None, None, None);
    assert_eq!(retry_from(&hourly, &state), None, "a success is no failure");
}

#[test]
fn a_failing_source_waits_before_trying_again() {
    let day = at(0, 0, 0).date_naive();
    let daily = per_day_source();
    let mut state = SourceState::default();
    state.failed(at(8, 0, 0), "HTTP 503", None);
    assert_eq!(
        due(&daily, &state, day, at(8, 1, 0)),
        Due::NotBefore(at(8, 15, 0)),
        "a per-day source does not retry every minute"
    );
    assert_eq!(due(&daily, &state, day, at(8, 15, 0)), Due::Now);

    let hourly = source("1h");
    assert_eq!(
        due(&hourly, &state, day, at(8, 10, 0)),
        Due::NotBefore(at(8, 15, 0))
    );
    let minutely = source("1m");
    assert_eq!(due(&minutely, &state, day, at(8, 1, 0)), Due::Now);
    // Failing again and again, it waits longer each time, 15 minutes at most.
    let mut failing = SourceState::default();
    let mut waits = Vec::new();
    for _ in 0..6 {
        failing.failed(at(8, 0, 0), "HTTP 429", None);
        match due(&minutely, &failing, day, at(8, 0, 0)) {
            Due::NotBefore(next) => waits.push((next - at(8, 0, 0)).num_seconds()),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        waits,
        [60, 120, 240, 480, 900, 900],
        "doubled, 15 minutes at most"
    );
    failing.succeeded(at(8, 30, 0), landing(at(8, 30, 5)), None, None, None);
    failing.failed(at(8, 31, 0), "HTTP 429", None);
    assert_eq!(
        due(&minutely, &failing, day, at(8, 31, 0)),
        Due::NotBefore(at(8, 32, 0)),
        "a success starts the count again"
    );

    state.paused_until = Some(at(23, 59, 59) + TimeDelta::seconds(1));
    assert_eq!(
        due(&minutely, &state, day, at(8, 1, 0)),
        Due::NotBefore(at(23, 59, 59) + TimeDelta::seconds(1)),
        "an exhausted quota pauses the source until it resets"
    );
    state.paused_until = Some(at(8, 0, 0) + TimeDelta::days(30));
    assert_eq!(
        due(&minutely, &state, day, at(8, 1, 0)),
        Due::NotBefore(at(8, 0, 0) + TimeDelta::days(1)),
        "a pause lasts a day at most"
    );

    state.succeeded(at(8, 20, 0), landing(at(8, 20, 5)), None, None, None);
    assert_eq!(
        due(&hourly, &state, day, at(8, 30, 0)),
        Due::NotBefore(at(9, 20, 0)),
        "a success clears the failure"
    );
}

#[test]
fn a_per_day_source_catches_up_on_the_recent_days_it_missed_newest_first() {
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let landed = |days: &[u32]| days.iter().map(|d| day(*d)).collect::<BTreeSet<_>>();
    assert_eq!(
        left_the_catch_up(day(19), day(21), &landed(&[1, 12, 15])),
        [day(13), day(14)],
        "the two days that left the week since the last run, not landed"
    );
    assert_eq!(
        left_the_catch_up(day(21), day(21), &landed(&[1])),
        [],
        "said once, as they leave"
    );
    assert_eq!(
        left_the_catch_up(day(19), day(21), &landed(&[14])),
        [],
        "none before the first landed day"
    );
    assert_eq!(missed_day(day(21), &landed(&[])), None, "a new source");
    assert_eq!(
        missed_day(day(21), &landed(&[20])),
        Some(day(21)),
        "yesterday, as without catching up"
    );
    assert_eq!(missed_day(day(21), &landed(&[17])), Some(day(21)));
    assert_eq!(missed_day(day(21), &landed(&[17, 21])), Some(day(20)));
    assert_eq!(
        missed_day(day(21), &landed(&[17, 19, 20, 21])),
        Some(day(18))
    );
    assert_eq!(missed_day(day(21), &landed(&[17, 18, 19, 20, 21])), None);
    assert_eq!(
        missed_day(day(21), &landed(&[1, 15, 16, 17, 18, 19, 20, 21])),
        None,
        "days older than a week are left to `--date`"
    );
    assert_eq!(missed_day(day(21), &landed(&[1, 21])), Some(day(20)));
    assert_eq!(
        missed_day(day(21), &landed(&[1, 16, 17, 18, 19, 20, 21])),
        Some(day(15)),
        "the seventh day back is still in the week"
    );
}
