//! A laptop's network failing every source together, beside sources of other schedules (daily,
//! of daily values, every 3 or 6 hours) and a landing within the stretch: when the stretch is
//! the network's, and from when.

mod common;

use chrono::{Duration, Utc};
use common::golden;
use common::laptop::{CONFIG, day_cover, train_runs, with_quakes};

/// The train again, beside `daily`, an `http_json` source collected once a day (`every =
/// "1d"`, at 06:00, landing each time): no collection of it was due on the train. meteo and
/// station, the only sources due there, failed together, yet the cover does not say so: a
/// daily source, whose failures are shaded only past two and a half days, is compared with
/// every stretch of a few hours, and keeps the line off for good.
#[tokio::test(flavor = "multi_thread")]
async fn a_daily_source_does_not_hide_every_other_failing_together() {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        let six = at - start - Duration::hours(6);
        (six.num_seconds() % 86_400 == 0).then(|| {
            let mut run = golden::run("daily", at, 1, None, None);
            run.every_s = Some(86_400);
            run
        })
    });
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/daily\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"mag\"]\n"
    );
    let cover = day_cover("laptoptraindaily", &runs, &config).await;
    assert!(
        cover.contains("Every source's collections failed at once"),
        "meteo and station, the only sources due on the train (daily collected at 06:00), failed together there, not said as the network's: {cover}"
    );
}

/// The train again; `quakes`, collected every 15 minutes, landed each of its collections up to
/// 15:00, an hour into the train (its API reached from the same machine while meteo and
/// station failed), and was paused then (`enabled = false` since). The day's report says on
/// its cover that "Every source's collections failed at once from 14:00 to 17:00: most likely
/// the machine's network": quakes, disabled during part of the stretch, is left out whole,
/// though five of its collections landed in it.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_landing_during_the_outage_then_paused_does_not_read_as_failing_with_the_others() {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        (at <= start + Duration::hours(15)).then(|| golden::run("quakes", at, 1, None, None))
    });
    let cover = day_cover("laptoptrainpausedmidway", &runs, &with_quakes(false)).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "quakes landed every collection from 14:00 to 15:00, on the train, before it was paused, yet the cover says every source's collections failed at once there, the machine's network to blame: {cover}"
    );
}

/// The train again, beside `forecast-daily`, a source of daily values (`resolution = "day"`,
/// Open-Meteo's daily forecast) collected every hour, which landed each of its collections on
/// the train, 14:00, 15:00 and 16:00 (its API reached from this machine all the while). The
/// README: the line is said "while no source landed a collection". The cover says "Every
/// source's collections failed at once from 14:00 to 17:00: most likely the machine's network
/// (a captive portal to sign in to, …)": a source of daily values is left out whole, its
/// landings too, though they show the network was up (meteo's and station's shared API down).
#[tokio::test(flavor = "multi_thread")]
async fn a_source_of_daily_values_landing_through_the_outage_rules_out_the_machines_network() {
    let start = golden::day_start();
    let hourly = |at| {
        let mut run = golden::run("forecast-daily", at, 1, None, None);
        run.every_s = Some(3_600);
        run
    };
    let mut runs = train_runs(|at| ((at - start).num_seconds() % 3_600 == 0).then(|| hourly(at)));
    runs.push(hourly(Utc::now() - Duration::minutes(1)));
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"forecast-daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/daily\"\nevery = \"1h\"\nresolution = \"day\"\nrecords = \"daily\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
    );
    let cover = day_cover("laptoptraindailyvalues", &runs, &config).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "forecast-daily landed its collections at 14:00, 15:00 and 16:00 on the train, yet the cover says every source's collections failed at once there, the machine's network to blame: {cover}"
    );
}

/// `station`, collected every 15 minutes, its API down from 14:00 to 17:00 (`HTTP 503`), beside
/// `daily`, an `http_json` source collected once a day whose API key expired four days ago:
/// every run of it has failed since (`HTTP 401: Invalid API key`), tried again every 15 minutes
/// as the collector tries a daily source that keeps failing. Nothing failed together: each
/// source failed for its own reason, at its own time, as in
/// `a_source_broken_all_day_does_not_make_another_sources_outage_read_as_the_network`. The
/// cover says "Every source's collections failed at once from 14:00 to 17:00: most likely the
/// machine's network": stretches are matched within the longer of the two intervals, a day, so
/// a daily source failing for days "begins and ends together" with any outage of the day.
#[tokio::test(flavor = "multi_thread")]
async fn a_daily_source_broken_for_days_does_not_make_another_sources_outage_read_as_the_network() {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(4);
    while at < start + Duration::days(2) {
        let mut run = golden::run("daily", at, 0, None, Some("GET: HTTP 401: Invalid API key"));
        run.every_s = Some(86_400);
        run.retry_from = Some(at + Duration::minutes(15));
        runs.push(run);
        if at >= start - Duration::days(1) {
            let down = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
            let error = down.then_some("GET: HTTP 503: Service Unavailable");
            runs.push(golden::run("station", at, u64::from(!down), None, error));
        }
        at += Duration::minutes(15);
    }
    runs.push(golden::run(
        "station",
        Utc::now() - Duration::minutes(1),
        1,
        None,
        None,
    ));
    let config = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "station"
kind = "http_json"
url = "http://127.0.0.1:9/station"
every = "15m"
records = "results"
key = "time"
time = "time"
numeric = ["t"]

[[source]]
name = "daily"
kind = "http_json"
url = "http://127.0.0.1:9/daily"
every = "1d"
records = "features"
key = "id"
time = "time"
numeric = ["mag"]
"#;
    let cover = day_cover("laptopdailybroken", &runs, config).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "station's three hours down and daily's key expired four days ago, each failing for its own reason, are told as the machine's network failing them together: {cover}"
    );
}

/// A day the machine's network was down from 03:30 to 23:00 (its router failed at night and
/// was replaced in the evening): meteo and station, collected every 15 minutes, failed every
/// run from 03:30; `forecast`, collected every 6 hours (00:00, 06:00, …), landed at 00:00 and
/// met the outage at its next run, 06:00, failing every try from then (every 15 minutes) to
/// 23:00. Every source collecting failed from 03:30 (`forecast` had no collection due before
/// 06:00: "a source collected every 6 hours meets the outage at its next run", as the README
/// says), yet the cover says "Every source's collections failed at once from … 06:00 to …
/// 23:00": the stretch said is cut to where the 6-hour source's first try fell, two and a
/// half hours of the outage left to meteo's and station's own failures, and the next red line
/// names them as having "missed a tenth or more of the collections expected" (18 landed of
/// 96): the network's outage blamed on each source.
#[tokio::test(flavor = "multi_thread")]
async fn a_six_hourly_source_meeting_the_outage_at_its_next_run_does_not_move_its_start() {
    let start = golden::day_start();
    let (down_from, down_until) = (
        start + Duration::minutes(3 * 60 + 30),
        start + Duration::hours(23),
    );
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let down = at >= down_from && at < down_until;
        let error = down.then_some("GET: error sending request: connection refused");
        for source in ["meteo", "station"] {
            runs.push(golden::run(source, at, u64::from(!down), None, error));
        }
        let six_hourly = (at - start).num_seconds() % 21_600 == 0;
        let tried = if down {
            at >= start + Duration::hours(6)
        } else {
            six_hourly || at == down_until
        };
        if tried {
            let mut run = golden::run("forecast", at, u64::from(!down), None, error);
            run.every_s = Some(21_600);
            if down {
                run.retry_from = Some(at + Duration::minutes(15));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station", "forecast"] {
        let mut run = golden::run(source, Utc::now() - Duration::minutes(1), 1, None, None);
        if source == "forecast" {
            run.every_s = Some(21_600);
        }
        runs.push(run);
    }
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"forecast\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/forecast\"\nevery = \"6h\"\nrecords = \"hourly\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
    );
    let cover = day_cover("laptopsixhourly", &runs, &config).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    assert!(
        cover.contains(&format!(
            "Every source's collections failed at once from {day} 03:30"
        )),
        "every source collecting failed from 03:30 (forecast had none due before 06:00), not said from then: {cover}"
    );
    assert!(
        !cover.contains("missed a tenth or more of the collections expected"),
        "the outage's first two and a half hours are blamed on meteo and station each: {cover}"
    );
}

/// An installation of two sources collected every 3 hours alone: `forecast` at 00:00, 03:00,
/// … and `outlook` at 01:30, 04:30, … (each first run at its own minute). The machine's
/// network is down from 07:00 to 20:00: `outlook` meets it at 07:30, `forecast` at its next
/// run, 09:00 (none due before), each then failing every try (every 15 minutes) to 20:00.
/// Every source collecting failed from 07:30, by the rule of
/// `a_six_hourly_source_meeting_the_outage_at_its_next_run_does_not_move_its_start` (a source
/// meets an outage at its next run, and had no collection due before); yet the cover says
/// "failed at once from … 09:00": every source being collected every 3 hours, each counts as
/// one "collected most often", and the start is the one that met the outage last. The next
/// red line then blames `outlook` alone ("4 landed of 8 expected") for the network's outage,
/// its 07:30 failure left outside the stretch said.
#[tokio::test(flavor = "multi_thread")]
async fn two_three_hourly_sources_meeting_the_outage_at_different_hours_are_said_failed_from_the_first()
 {
    let start = golden::day_start();
    let (down_from, down_until) = (start + Duration::hours(7), start + Duration::hours(20));
    let every = Duration::hours(3);
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let down = at >= down_from && at < down_until;
        let error = down.then_some("GET: error sending request: connection refused");
        for (source, offset, first_failed) in [
            ("forecast", Duration::zero(), Duration::hours(9)),
            (
                "outlook",
                Duration::minutes(90),
                Duration::minutes(7 * 60 + 30),
            ),
        ] {
            let due = (at - start - offset)
                .num_seconds()
                .rem_euclid(every.num_seconds())
                == 0;
            let tried = if down {
                at >= start + first_failed
            } else {
                due || at == down_until
            };
            if tried {
                let mut run = golden::run(source, at, u64::from(!down), None, error);
                run.every_s = Some(10_800);
                if down {
                    run.retry_from = Some(at + Duration::minutes(15));
                }
                runs.push(run);
            }
        }
        at += Duration::minutes(15);
    }
    for source in ["forecast", "outlook"] {
        let mut run = golden::run(source, Utc::now() - Duration::minutes(1), 1, None, None);
        run.every_s = Some(10_800);
        runs.push(run);
    }
    let table = |name: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/{name}\"\nevery = \"3h\"\nrecords = \"hourly\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
        )
    };
    let config = format!(
        "[report]\ntimezone = \"Europe/Paris\"\n\n{}\n{}",
        table("forecast"),
        table("outlook")
    );
    let cover = day_cover("laptoptwothreehourly", &runs, &config).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    assert!(
        cover.contains(&format!(
            "Every source's collections failed at once from {day} 07:30"
        )),
        "every source collecting failed from 07:30 (forecast had none due before 09:00), not said from then: {cover}"
    );
}

/// `meteo`, collected every 15 minutes, failed every run from 14:15 to 22:00; `air`, collected
/// every 2 hours, failed at its 16:00 run and every retry after it, a quarter-hour apart, until
/// 22:00; `daily`, collected once a day at 15:00, landed its collection at 15:00, its API
/// reached from this machine in the middle of meteo's failures. The cover says "Every
/// source's collections failed at once from … 14:15 to … 22:00: most likely the machine's
/// network", though a source landed at 15:00, within that stretch: the README says the line
/// is said "while no source, whatever it collects, landed a collection". The landing is looked
/// for in each source's own stretch only (air's, from 16:00), while the stretch said starts at
/// meteo's first failure, the source collected most often.
#[tokio::test(flavor = "multi_thread")]
async fn a_landing_within_the_stretch_said_keeps_it_from_reading_as_every_source_failing_at_once() {
    let start = golden::day_start();
    let portal = "GET: the answer is not the expected JSON: expected value at line 1 column 1 (served as text/html): an HTML page titled \"Wi-Fi SNCF\"";
    let (outage_from, outage_until) = (
        start + Duration::hours(14) + Duration::minutes(15),
        start + Duration::hours(22),
    );
    let failing = |at: chrono::DateTime<Utc>| at >= outage_from && at < outage_until;
    let with_every = |mut run: releve::RunMetrics, every: u64| {
        run.every_s = Some(every);
        run
    };
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let error = failing(at).then_some(portal);
        runs.push(with_every(
            golden::run("meteo", at, u64::from(error.is_none()), None, error),
            900,
        ));
        // air: every 2 hours, and a quarter-hour after each failure.
        let since_start = (at - start).num_minutes();
        let air_due = since_start % 120 == 0
            || (failing(at) && at >= start + Duration::hours(16))
            || at == outage_until;
        if air_due {
            runs.push(with_every(
                golden::run("air", at, u64::from(error.is_none()), None, error),
                7200,
            ));
        }
        if (at - start - Duration::hours(15)).num_seconds() % 86_400 == 0 {
            runs.push(with_every(golden::run("daily", at, 1, None, None), 86_400));
        }
        at += Duration::minutes(15);
    }
    for (source, every) in [("meteo", 900), ("air", 7200), ("daily", 86_400)] {
        runs.push(with_every(
            golden::run(source, Utc::now() - Duration::minutes(1), 1, None, None),
            every,
        ));
    }
    let source = |name: &str, every: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/{name}\"\nevery = \"{every}\"\nrecords = \"results\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
        )
    };
    let config = format!(
        "[report]\ntimezone = \"Europe/Paris\"\n\n{}\n{}\n{}",
        source("meteo", "15m"),
        source("air", "2h"),
        source("daily", "1d")
    );
    let cover = day_cover("laptoplandedwithin", &runs, &config).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    assert!(
        !cover.contains(&format!("failed at once from {day} 14:15")),
        "daily landed at 15:00, yet the stretch from 14:15 is said as every source failing at once: {cover}"
    );
}
