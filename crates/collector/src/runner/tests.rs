//! Unit tests of a source's run.

use std::path::PathBuf;

use chrono::{DateTime, TimeZone};

use super::*;
use crate::http::RetryPolicy;

#[test]
fn an_unsaved_state_says_what_the_next_run_will_know() {
    let full = std::io::Error::other("No space left on device");
    let said = |noted| match unsaved_state(
        SourceResult::Failed("cannot land the file".to_owned()),
        std::path::Path::new("raw/usgs/.state.json"),
        &full,
        noted,
    ) {
        SourceResult::Failed(why) => why,
        other => panic!("a failure: {other:?}"),
    };
    assert!(
        said(true).ends_with("the next run counts this run as failed, from its metrics or as not finished, and collects its data again (the summariser keeps each record once)"),
        "{}",
        said(true)
    );
    let landed = unsaved_state(
        SourceResult::Landed {
            file: RawFileName::parse("usgs_2026-12-04T10-00-00Z.json").expect("a name"),
            records: 2,
        },
        std::path::Path::new("raw/usgs/.state.json"),
        &full,
        true,
    );
    assert_eq!(
        landed,
        SourceResult::Failed("landed usgs_2026-12-04T10-00-00Z.json (2 records), but cannot save the state file raw/usgs/.state.json: No space left on device; the next run counts this run as landed, from its metrics or its data file (as not finished if the summariser has stored that file and deleted it first)".to_owned())
    );
    let unnoted = said(false);
    assert!(
        unnoted.starts_with("cannot land the file; and cannot save the state file raw/usgs/.state.json: No space left on device; this run leaves no trace there"),
        "{unnoted}"
    );
    assert!(!unnoted.contains("not finished"), "{unnoted}");
}

/// An éCO2mix-like incremental source with `recheck = "10d"` (README: "the source's first
/// run of each UTC day ... starts that far before the newest `time` landed"). A collector
/// run begun a moment before midnight UTC (cron's 00:00 a moment ahead of the machine's
/// clock, the case the schedule now counts from 00:00) whose source starts after midnight
/// (its slot freed behind midnight's daily sources): that run is the day's first, asks
/// ten days back, and is recorded as attempted at the run's start, the day before. The
/// next run, a quarter of an hour later, reads its last attempt as yesterday's and asks
/// the portal for the ten days (11,520 rows here) once more: two rechecks that day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recheck_is_asked_once_a_day_when_the_days_first_run_began_before_midnight() {
    use testkit::http::LocalServer;
    use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

    let newest = Utc::now() - chrono::TimeDelta::hours(1);
    let rows = 96 * 12;
    let first = newest - chrono::TimeDelta::minutes(15 * (rows as i64 - 1));
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(rows, first));
    let server = LocalServer::start(double.router());
    let source = crate::testing::configured(&format!(
        r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "{url}"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
rate_limit = 1000
incremental = true
order_by = "date_heure"
lookback = "3h"
recheck = "10d"
"#,
        url = server.url()
    ));
    let raw = tempfile::tempdir().expect("raw folder");
    let run = |began: DateTime<Utc>| RunSettings {
        raw_dir: raw.path().to_path_buf(),
        routine: true,
        ..settings(true, began)
    };
    let collect_once = |settings: RunSettings| {
        let source = source.clone();
        async move {
            let ready = match prepare(&source, &settings) {
                Ok(ready) => ready,
                Err(verdict) => panic!("not collected: {verdict:?}"),
            };
            let limiter = Arc::new(RateLimiter::new(1000.0));
            collect(&source, ready, &settings, limiter, None).await
        }
    };
    // A first run lands the last 24 hours and sets the cursor.
    let landed = collect_once(run(Utc::now())).await;
    assert!(matches!(landed, SourceResult::Landed { .. }), "{landed:?}");
    // Its last run yesterday, 23:44 (a quarter of an hour before midnight).
    let today = Utc::now().date_naive();
    let midnight = today.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let mut state = SourceState::load(raw.path(), &source).expect("state");
    state.last_success_started = Some(midnight - chrono::TimeDelta::minutes(16));
    state.last_attempt = state.last_success_started;
    state.save(raw.path(), &source.name).expect("state saved");
    // Cron's 00:00 run, begun at 23:59:59.9 on this clock; its source starts after
    // midnight: the day's recheck.
    let asked_before = double.requests().len();
    let rechecked = collect_once(run(midnight - chrono::TimeDelta::milliseconds(100))).await;
    assert!(
        matches!(rechecked, SourceResult::Landed { .. }),
        "{rechecked:?}"
    );
    let asked_from = |requests: &[String]| {
        let request = requests.first().expect("a request");
        let from = request
            .split("date'")
            .nth(1)
            .and_then(|rest| rest.split('\'').next());
        from.and_then(|from| DateTime::parse_from_rfc3339(from).ok())
            .map(|from| from.with_timezone(&Utc))
            .unwrap_or_else(|| panic!("a start in {request}"))
    };
    let recheck_from = asked_from(&double.requests()[asked_before..]);
    // The day's next run (the schedule's quarter of an hour later, forced here).
    let asked_before = double.requests().len();
    let next = collect_once(RunSettings {
        force: true,
        ..run(Utc::now())
    })
    .await;
    assert!(matches!(next, SourceResult::Landed { .. }), "{next:?}");
    let next_from = asked_from(&double.requests()[asked_before..]);
    let far_back = |from: DateTime<Utc>| from < Utc::now() - chrono::TimeDelta::days(9);
    assert_eq!(
        [recheck_from, next_from]
            .into_iter()
            .filter(|from| far_back(*from))
            .count(),
        1,
        "one of the day's two runs asks the recheck's ten days, the other its `lookback`: the first asked from {recheck_from}, the second from {next_from}"
    );
}

fn settings(routine: bool, began: DateTime<Utc>) -> RunSettings {
    RunSettings {
        raw_dir: PathBuf::from("raw"),
        day: began.date_naive(),
        catch_up: true,
        force: false,
        since: None,
        policy: RetryPolicy::default(),
        began,
        routine,
    }
}

#[test]
fn cron_says_a_source_lacks_credentials_once_an_hour_a_run_by_hand_each_time() {
    let at = |h, m, s| {
        Utc.with_ymd_and_hms(2026, 11, 30, h, m, s)
            .single()
            .expect("time")
    };
    assert!(settings(true, at(10, 0, 0)).says_skips());
    assert!(settings(true, at(10, 0, 57)).says_skips());
    assert!(!settings(true, at(10, 1, 0)).says_skips());
    assert!(!settings(true, at(10, 59, 0)).says_skips());
    // Cron's early start: begun in a minute's last two seconds, the run is the next minute's.
    assert!(settings(true, at(10, 59, 58)).says_skips());
    assert!(!settings(true, at(10, 0, 58)).says_skips());
    assert!(settings(false, at(10, 17, 0)).says_skips());
}
