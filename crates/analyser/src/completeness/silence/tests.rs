//! When the report says no source collected at all, and when it does not.

use chrono::TimeZone;

use super::*;
use crate::completeness::{Known, assess};
use crate::period::PeriodKind;
use crate::query::CollectionRun;

fn source(name: &str, every: &str) -> Source {
    let text = format!(
        "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"{every}\"\nkey = \"id\"\ntime = \"t\"\n"
    );
    let config = releve::Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
    config.sources[0].clone()
}

/// 21 November 2026, in UTC.
fn day() -> ReportPeriod {
    ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    )
}

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, hour, minute, 0)
        .single()
        .expect("a time")
}

fn run(started: DateTime<Utc>, error: Option<&str>) -> CollectionRun {
    CollectionRun {
        started,
        file: None,
        records: 1,
        announced: None,
        retries: 0,
        throttled: 0,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: error.map(str::to_owned),
        every_s: None,
        disabled_from: None,
        retry_from: None,
        day: None,
    }
}

/// A source's successful runs at `starts`, collected before the day too.
fn data(starts: impl IntoIterator<Item = DateTime<Utc>>) -> SourceData {
    SourceData {
        runs: starts.into_iter().map(|at| run(at, None)).collect(),
        // Collected before the day: its health is known.
        latest_run: Some(at(0, 0) - Duration::days(1)),
        last_success: Some(at(0, 0) - Duration::days(1)),
        ..SourceData::default()
    }
}

/// The silences of `sources` over the day, reported after it, each source collecting before
/// the day unless `first_run` says otherwise.
fn silences_of(sources: &[(Source, SourceData, Option<DateTime<Utc>>)]) -> Vec<Silence> {
    let period = day();
    let assessed: Vec<Completeness> = sources
        .iter()
        .map(|(source, data, first_run)| {
            let known = Known {
                first_run: Some(first_run.unwrap_or(at(0, 0) - Duration::days(30))),
                credentials_missing: false,
                runs_kept_from: None,
                quarantined: 0,
                quarantined_since: 0,
                lost_until: None,
            };
            assess(source, data, known, &period, period.end())
        })
        .collect();
    silences(
        sources
            .iter()
            .zip(&assessed)
            .map(|((source, data, _), completeness)| (source, data, completeness)),
        &period,
        period.end(),
    )
}

/// Hourly runs at `minute` past each hour of the day but those in `stopped`.
fn hourly_but(minute: u32, stopped: std::ops::Range<u32>) -> SourceData {
    data(
        (0..24)
            .filter(|hour| !stopped.contains(hour))
            .map(|hour| at(hour, minute)),
    )
}

#[test]
fn a_stretch_without_any_run_is_said_from_the_last_run_before_it_to_the_first_after() {
    let sources = [
        (source("a", "1h"), hourly_but(0, 3..9), None),
        (source("b", "1h"), hourly_but(5, 3..9), None),
        (source("c", "1d"), data([]), None),
    ];
    assert_eq!(
        silences_of(&sources),
        [Silence {
            from: at(2, 5),
            until: at(9, 0)
        }]
    );
}

#[test]
fn a_run_skipped_now_and_then_is_no_silence() {
    // 02:00 to 04:00: one hourly run lost.
    let sources = [(source("a", "1h"), hourly_but(0, 3..4), None)];
    assert_eq!(silences_of(&sources), []);
    // Three minutes without a run of a source collected every minute.
    let minutes = data(
        (0..24 * 60)
            .filter(|minute| !(600..603).contains(minute))
            .map(|minute| at(0, 0) + Duration::minutes(minute)),
    );
    assert_eq!(silences_of(&[(source("m", "1m"), minutes, None)]), []);
}

#[test]
fn a_failed_run_is_a_run_the_collector_made() {
    let mut failing = hourly_but(0, 0..0);
    for run in &mut failing.runs[3..9] {
        run.error = Some("HTTP 503".to_owned());
    }
    assert_eq!(silences_of(&[(source("a", "1h"), failing, None)]), []);
}

#[test]
fn daily_sources_alone_are_silent_between_their_runs_without_a_silence() {
    let sources = [
        (source("d", "1d"), data([at(0, 1)]), None),
        (source("e", "1d"), data([at(4, 0)]), None),
    ];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn before_a_source_first_collected_nothing_was_due() {
    // First known collection at 12:00: the morning without runs is no silence.
    let sources = [(source("a", "1h"), hourly_but(0, 0..12), Some(at(12, 0)))];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_day_without_any_run_is_one_silence_over_the_day() {
    let sources = [(source("a", "1h"), data([]), None)];
    assert_eq!(
        silences_of(&sources),
        [Silence {
            from: day().start(),
            until: day().end()
        }]
    );
}

#[test]
fn a_source_disabled_over_the_stretch_was_not_due() {
    let mut disabled = hourly_but(0, 3..9);
    // Disabled from 03:00 to its first run after being enabled again, at 09:00.
    disabled.disabled = vec![Disabled {
        from: at(3, 0),
        until: at(9, 0),
    }];
    let sources = [
        (source("a", "1h"), disabled, None),
        (source("d", "1d"), data([at(0, 1)]), None),
    ];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_source_whose_last_run_failed_may_have_been_paused() {
    // A 429 at 02:00 paused the only frequent source until 09:00: no sign of a stopped
    // collector.
    let mut paused = hourly_but(0, 3..9);
    paused.runs[2].error = Some("HTTP 429: quota exhausted".to_owned());
    let sources = [
        (source("a", "1h"), paused, None),
        (source("d", "1d"), data([at(0, 1)]), None),
    ];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_source_the_collector_skips_for_want_of_credentials_is_not_due() {
    let period = day();
    let skipped = source("ft", "1h");
    let none = SourceData::default();
    let known = Known {
        first_run: None,
        credentials_missing: true,
        runs_kept_from: None,
        quarantined: 0,
        quarantined_since: 0,
        lost_until: None,
    };
    let completeness = assess(&skipped, &none, known, &period, period.end());
    assert_eq!(completeness.health, Health::Skipped);
    let found = silences([(&skipped, &none, &completeness)], &period, period.end());
    assert_eq!(found, []);
}

#[test]
fn a_source_never_run_is_not_taken_for_a_stopped_collector() {
    // The collector ran the daily source at 06:00; the hourly one was never run (not in this
    // collector's cron lines).
    let never = SourceData::default();
    let sources = [
        (source("d", "1d"), data([at(6, 0)]), None),
        (source("h", "1h"), never, None),
    ];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn the_interval_a_run_recorded_holds_until_the_next() {
    // Daily at 06:00 until `every` became one minute at 20:00: no silence in between.
    let mut changed = data([at(6, 0)]);
    changed.runs[0].every_s = Some(86_400);
    changed.runs.extend((0..240).map(|minute| CollectionRun {
        every_s: Some(60),
        ..run(at(20, 0) + Duration::minutes(minute), None)
    }));
    let sources = [
        (source("a", "1m"), changed, None),
        (source("d", "1d"), data([at(3, 0)]), None),
    ];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_failure_the_evening_before_may_have_paused_the_source_into_the_day() {
    // A quota exhausted at 22:00 the day before paused the only frequent source until 09:00.
    let mut paused = hourly_but(0, 0..9);
    paused.run_before = Some(run(at(22, 0) - Duration::days(1), Some("HTTP 429")));
    let sources = [
        (source("a", "1h"), paused.clone(), None),
        (source("d", "1d"), data([at(10, 1)]), None),
    ];
    assert_eq!(silences_of(&sources), []);
    // Had that run succeeded, the morning without any run is a silence.
    paused.run_before = Some(run(at(23, 0) - Duration::days(1), None));
    let sources = [
        (source("a", "1h"), paused, None),
        (source("d", "1d"), data([at(10, 1)]), None),
    ];
    assert_eq!(
        silences_of(&sources),
        [Silence {
            from: day().start(),
            until: at(9, 0)
        }]
    );
}

#[test]
fn the_interval_of_the_last_run_before_the_period_holds_into_it() {
    // Run every six hours up to the day before, at 22:00; `every` became one hour at 04:00.
    let mut changed = data((4..24).map(|hour| at(hour, 0)));
    for run in &mut changed.runs {
        run.every_s = Some(3_600);
    }
    changed.run_before = Some(CollectionRun {
        every_s: Some(6 * 3_600),
        ..run(at(22, 0) - Duration::days(1), None)
    });
    let sources = [(source("a", "1h"), changed, None)];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_failure_more_than_a_day_before_does_not_explain_a_stretch_without_runs() {
    let mut stopped = data([at(20, 0), at(21, 0), at(22, 0), at(23, 0)]);
    stopped.run_before = Some(run(at(22, 0) - Duration::days(7), Some("HTTP 500")));
    let sources = [(source("a", "1h"), stopped, None)];
    assert_eq!(
        silences_of(&sources),
        [Silence {
            from: day().start(),
            until: at(20, 0)
        }]
    );
}

#[test]
fn a_source_first_collected_later_in_the_day_was_not_due_before_beside_another() {
    // The hourly source first ran at 12:00; a daily one collecting before the day ran at 06:00.
    let sources = [
        (source("a", "1h"), hourly_but(0, 0..12), Some(at(12, 0))),
        (source("d", "1d"), data([at(6, 0)]), None),
    ];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_disabled_stretch_hides_only_the_silences_it_overlaps() {
    // The collector stopped after 02:00 and was back at 09:00, when the hourly source was
    // disabled until its run at 12:00; it stopped again after that run, until 18:00.
    let mut disabled = data((0..3).chain(12..13).chain(18..24).map(|hour| at(hour, 0)));
    disabled.disabled = vec![Disabled {
        from: at(9, 0),
        until: at(12, 0),
    }];
    let sources = [
        (source("a", "1h"), disabled, None),
        (source("d", "1d"), data([at(9, 0)]), None),
    ];
    assert_eq!(
        silences_of(&sources),
        [
            Silence {
                from: at(2, 0),
                until: at(9, 0)
            },
            Silence {
                from: at(12, 0),
                until: at(18, 0)
            }
        ]
    );
}

#[test]
fn a_stretch_of_exactly_two_and_a_half_recorded_intervals_is_no_silence() {
    // Runs every six hours (as recorded; `every` is one hour now) at 01:00 and 16:00: 15 hours
    // apart, two and a half intervals, not more.
    let mut six_hourly = data([at(1, 0), at(16, 0)]);
    for run in &mut six_hourly.runs {
        run.every_s = Some(6 * 3_600);
    }
    assert_eq!(
        silences_of(&[(source("a", "1h"), six_hourly.clone(), None)]),
        []
    );
    // A minute longer is one.
    six_hourly.runs[1].started = at(16, 1);
    assert_eq!(
        silences_of(&[(source("a", "1h"), six_hourly, None)]),
        [Silence {
            from: at(1, 0),
            until: at(16, 1)
        }]
    );
}

#[test]
fn the_interval_recorded_holds_though_every_is_longer_now() {
    // Runs every ten minutes, none from 10:10 to 12:00; `every` is one hour now.
    let mut runs = data(
        (0..144)
            .filter(|i| !(61..72).contains(i))
            .map(|i| at(0, 0) + Duration::minutes(10 * i)),
    );
    for run in &mut runs.runs {
        run.every_s = Some(600);
    }
    assert_eq!(
        silences_of(&[(source("a", "1h"), runs, None)]),
        [Silence {
            from: at(10, 0),
            until: at(12, 0)
        }]
    );
}

#[test]
fn a_failure_excuses_a_stretch_ending_within_a_day_of_it_not_one_past_that() {
    // A 429 at 12:00 the day before pauses the source until 12:00 at the latest; no run all
    // day: the collector was stopped too.
    let mut stopped = data([]);
    stopped.run_before = Some(run(at(12, 0) - Duration::days(1), Some("HTTP 429")));
    let sources = [(source("a", "1h"), stopped.clone(), None)];
    assert_eq!(
        silences_of(&sources),
        [Silence {
            from: day().start(),
            until: day().end()
        }]
    );
    // Back at 11:00: within the day the pause may have lasted.
    stopped.runs = (11..24).map(|hour| run(at(hour, 0), None)).collect();
    let sources = [(source("a", "1h"), stopped, None)];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_full_day_pause_ending_at_the_next_run_is_no_silence() {
    // A 429 asking for a day or more: the collector holds the source until 12:00 and runs it
    // at its next interval.
    let mut paused = data([]);
    paused.run_before = Some(run(at(12, 0) - Duration::days(1), Some("HTTP 429")));
    paused.runs = (12..24).map(|hour| run(at(hour, 1), None)).collect();
    let sources = [(source("a", "1h"), paused, None)];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_failure_excuses_no_more_than_the_retry_it_recorded() {
    // A 503 at 22:00 the evening before, retried from 22:15 (the collector's backoff): the
    // morning without any run is a silence, which a pause of up to a day would have hidden.
    let mut failed = hourly_but(0, 0..9);
    failed.run_before = Some(CollectionRun {
        retry_from: Some(at(22, 15) - Duration::days(1)),
        ..run(at(22, 0) - Duration::days(1), Some("HTTP 503"))
    });
    let sources = [(source("a", "1h"), failed.clone(), None)];
    assert_eq!(
        silences_of(&sources),
        [Silence {
            from: day().start(),
            until: at(9, 0)
        }]
    );
    // A quota's pause recorded to 08:30: the collector ran the source at its next interval.
    failed.run_before = Some(CollectionRun {
        retry_from: Some(at(8, 30)),
        ..run(at(22, 0) - Duration::days(1), Some("HTTP 429"))
    });
    let sources = [(source("a", "1h"), failed, None)];
    assert_eq!(silences_of(&sources), []);
}

#[test]
fn a_pause_ending_just_after_a_minute_leaves_the_run_its_cron_minute() {
    // A minutely source paused to 08:59:01 runs at the next cron minute, 09:00, a few seconds
    // in, and each minute after: no silence.
    let mut paused = data(
        (9 * 60..24 * 60)
            .map(|minute| day().start() + Duration::minutes(minute) + Duration::seconds(3)),
    );
    paused.run_before = Some(CollectionRun {
        retry_from: Some(at(8, 59) + Duration::seconds(1)),
        ..run(at(22, 0) - Duration::days(1), Some("HTTP 429"))
    });
    let sources = [(source("a", "1m"), paused, None)];
    assert_eq!(silences_of(&sources), []);
}

/// The source's own longest stretch without a run, as `assess` finds it over the day.
fn longest_of(source: &Source, data: &SourceData) -> Option<Silence> {
    let known = Known {
        first_run: Some(at(0, 0) - Duration::days(30)),
        credentials_missing: false,
        runs_kept_from: None,
        quarantined: 0,
        quarantined_since: 0,
        lost_until: None,
    };
    let period = day();
    assess(source, data, known, &period, period.end())
        .longest_without_run
        .map(|gap| gap.stretch)
}

#[test]
fn a_sources_longest_stretch_without_a_run_says_when_its_missed_collections_were_due() {
    let a = source("a", "1h");
    // Stopped from 03:00 to 09:00, and 15:00 lost: the longer stretch is said.
    let mut stopped = hourly_but(0, 3..9);
    stopped.runs.retain(|run| run.started != at(15, 0));
    assert_eq!(
        longest_of(&a, &stopped),
        Some(Silence {
            from: at(2, 0),
            until: at(9, 0)
        })
    );
    // From the day's start when its first run came late, to its end when the last came early.
    assert_eq!(
        longest_of(&a, &hourly_but(0, 0..5)),
        Some(Silence {
            from: at(0, 0),
            until: at(5, 0)
        })
    );
    assert_eq!(
        longest_of(&a, &hourly_but(0, 20..24)),
        Some(Silence {
            from: at(19, 0),
            until: at(0, 0) + Duration::days(1)
        })
    );
    // One run lost now and then is no stretch.
    assert_eq!(longest_of(&a, &hourly_but(0, 15..16)), None);
    assert_eq!(longest_of(&a, &hourly_but(0, 0..0)), None);
}

#[test]
fn a_stretch_the_source_was_disabled_is_not_one_without_a_run() {
    let a = source("a", "1h");
    // Disabled from 03:00 to its run at 09:00; the collector stopped from 16:00 to 20:00.
    let mut data = data(
        (0..24)
            .filter(|hour| !(3..9).contains(hour) && !(16..20).contains(hour))
            .map(|hour| at(hour, 0)),
    );
    data.disabled = vec![Disabled {
        from: at(3, 0),
        until: at(9, 0),
    }];
    assert_eq!(
        longest_of(&a, &data),
        Some(Silence {
            from: at(15, 0),
            until: at(20, 0)
        })
    );
}

#[test]
fn the_longest_stretch_holds_to_the_interval_the_runs_recorded() {
    // Hourly runs (recorded every_s = 3600) until 12:00, when `every` became one minute
    // (the configuration now); minute runs after, none from 15:00 to 15:10.
    let a = source("a", "1m");
    let mut runs = data((0..12).map(|hour| at(hour, 0)));
    for run in &mut runs.runs {
        run.every_s = Some(3_600);
    }
    runs.runs.extend(
        (12 * 60..24 * 60)
            .filter(|minute| !(15 * 60..15 * 60 + 10).contains(minute))
            .map(|minute| CollectionRun {
                every_s: Some(60),
                ..run(at(0, 0) + Duration::minutes(minute), None)
            }),
    );
    // The morning's hourly runs were on schedule: the stretch missed is 14:59 to 15:10.
    assert_eq!(
        longest_of(&a, &runs),
        Some(Silence {
            from: at(14, 59),
            until: at(15, 10)
        })
    );
}

#[test]
fn a_stretch_without_a_run_tells_the_failure_that_put_the_source_off() {
    let a = source("a", "1h");
    let stretch = Silence {
        from: at(3, 0),
        until: at(9, 0),
    };
    // Landed at 03:00, then nothing: nothing put it off.
    let mut stopped = hourly_but(0, 4..9);
    assert_eq!(Runs::of(&a, &stopped).before(&stretch), Before::NoFailure);
    // Failed at 03:00, put off until 08:00: its next run, due at 09:00, was on time.
    let failed = |retry_from| CollectionRun {
        retry_from,
        ..run(at(3, 0), Some("HTTP 429"))
    };
    stopped.runs[3] = failed(Some(at(8, 0)));
    assert_eq!(
        Runs::of(&a, &stopped).before(&stretch),
        Before::PutOff {
            retry: at(8, 0),
            covers: true
        }
    );
    // Put off until 05:00 only: the hours after it are not the failure's.
    stopped.runs[3] = failed(Some(at(5, 0)));
    assert_eq!(
        Runs::of(&a, &stopped).before(&stretch),
        Before::PutOff {
            retry: at(5, 0),
            covers: false
        }
    );
    // Stored before relevé recorded its retry: it may have paused the source.
    stopped.runs[3] = failed(None);
    assert_eq!(
        Runs::of(&a, &stopped).before(&stretch),
        Before::MayHavePaused { covers: true }
    );
    // Past the longest pause, a day, it explains nothing.
    let two_days = Silence {
        from: stretch.from,
        until: stretch.from + Duration::days(2),
    };
    assert_eq!(
        Runs::of(&a, &stopped).before(&two_days),
        Before::MayHavePaused { covers: false }
    );
    assert!(
        Runs::of(&a, &stopped)
            .before(&two_days)
            .leaves_unexplained()
    );
    // The last run before the period, for a stretch from the period's start.
    let mut late = hourly_but(0, 0..9);
    late.run_before = Some(CollectionRun {
        retry_from: Some(at(9, 0)),
        ..run(at(22, 0) - Duration::days(1), Some("HTTP 429"))
    });
    let morning = Silence {
        from: at(0, 0),
        until: at(9, 0),
    };
    assert_eq!(
        Runs::of(&a, &late).before(&morning),
        Before::PutOff {
            retry: at(9, 0),
            covers: true
        }
    );
}

/// `every` made `5m` from `1m` after the run of 18:03, the report generated at 18:06: the
/// collector's next run is not due before 18:08, so the three minutes since are no stretch
/// without a run; under `1m` still, they are.
#[test]
fn an_interval_grown_since_the_last_run_holds_up_to_now() {
    let mut minutely = data((0..=3).map(|minute| at(18, minute)));
    for run in &mut minutely.runs {
        run.every_s = Some(60);
    }
    let grown = source("a", "5m");
    assert_eq!(
        stretches_without_run(&grown, &minutely, &[], at(18, 0), (at(18, 6), true)),
        []
    );
    let same = source("a", "1m");
    let stopped = stretches_without_run(&same, &minutely, &[], at(18, 0), (at(18, 6), true));
    assert_eq!(
        stopped.iter().map(|gap| gap.stretch).collect::<Vec<_>>(),
        [Silence {
            from: at(18, 3),
            until: at(18, 6)
        }]
    );
}

/// A past period's last stretch is judged by the interval then, whatever `every` says now:
/// a collector stopped at 22:00 on a `1m` source made `1h` the next morning still shows.
#[test]
fn an_interval_grown_after_the_period_does_not_hide_its_last_stretch() {
    let mut minutely = data((0..22 * 60).map(|minute| at(0, 0) + Duration::minutes(minute)));
    for run in &mut minutely.runs {
        run.every_s = Some(60);
    }
    let end = at(0, 0) + Duration::days(1);
    let stopped = stretches_without_run(&source("a", "1h"), &minutely, &[], at(0, 0), (end, false));
    assert_eq!(
        stopped.iter().map(|gap| gap.stretch).collect::<Vec<_>>(),
        [Silence {
            from: at(21, 59),
            until: end
        }]
    );
}
