//! `http_json` sources run in-process: the schedule, dropped fields, locks between runs and
//! retries after a failure. The binary's own tests are in `cli.rs`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use collector::SourceResult;
use collector::state::Running;
use common::{Site, fast_policy, numbered_feed, usgs_body, usgs_source, usgs_source_every};
use releve::rawfile;
use testkit::http::LocalServer;

fn feed(body: String) -> LocalServer {
    LocalServer::start(Router::new().route("/feed", get(move || async move { body })))
}

/// [`feed`], with the number of calls it answered.
fn counting_feed(body: String) -> (LocalServer, Arc<AtomicUsize>) {
    numbered_feed(move |_| {
        let body = body.clone();
        async move { body }
    })
}

/// Changes the state saved for `source` as `edit` says, as an earlier run could have left it.
#[tokio::test]
async fn dropped_fields_never_land() {
    let server = feed(usgs_body(5));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "drop = [\"properties.type\", \"geometry\"]",
    ));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let files = site.data_files("usgs");
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    let features = landed["features"].as_array().expect("features");
    assert_eq!(features.len(), 5);
    assert!(
        features
            .iter()
            .all(|f| f["properties"].get("type").is_none()
                && f.get("geometry").is_none()
                && f["properties"]["mag"].is_number()),
        "{landed}"
    );
}

#[tokio::test]
async fn a_field_dropped_through_an_array_never_lands_from_any_item() {
    let body = r#"{"features":[{"id":"a","properties":{"mag":1.5,"time":1764000000000,"type":"earthquake",
        "contacts":[{"role":"reviewer","phone":"06 12 34 56 78"},{"role":"author","phone":"05 61 00 00 00"},{"role":"none"}]}}]}"#;
    let server = feed(body.to_owned());
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "drop = [\"properties.contacts.phone\"]",
    ));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let files = site.data_files("usgs");
    let landed = std::fs::read_to_string(&files[0]).expect("read");
    assert!(!landed.contains("phone"), "no item keeps a phone: {landed}");
    assert_eq!(
        landed.matches("\"role\"").count(),
        3,
        "the items stay, with their other fields: {landed}"
    );
}

#[tokio::test]
async fn a_body_rewritten_without_dropped_fields_keeps_its_numbers_to_the_last_digit() {
    // Seventeen-digit numbers, which a fast float parser moves a unit in the last place.
    let numbers = [
        "1.4419140000000001",
        "-159.37576306563093",
        "-25.088732904202942",
    ];
    let body = format!(
        r#"{{"features":[{{"id":"a","properties":{{"mag":{},"time":1764000000000,"type":"earthquake"}},
        "geometry":{{"coordinates":[{},{},4.0]}}}}]}}"#,
        numbers[0], numbers[1], numbers[2]
    );
    let server = feed(body);
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "drop = [\"properties.type\"]",
    ));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let files = site.data_files("usgs");
    let landed = std::fs::read_to_string(&files[0]).expect("read");
    assert!(!landed.contains("earthquake"), "dropped: {landed}");
    for number in numbers {
        assert!(landed.contains(number), "{number} in {landed}");
    }
}

#[tokio::test]
async fn a_body_starting_with_a_byte_order_mark_lands_as_json() {
    let server = feed(format!("\u{feff}{}", usgs_body(3)));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let run = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(run.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        run.sources[0].1
    );
    let files = site.data_files("usgs");
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    assert_eq!(landed["features"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_body_giving_its_records_twice_does_not_land_with_either_copy_alone() {
    // Parsed, the body keeps the second `features` only: re-written for `drop`, the first
    // copy's two records would be lost without a word.
    let body = format!(
        "\u{feff}{{\"features\":{},\"features\":[]}}",
        serde_json::from_str::<serde_json::Value>(&usgs_body(2)).expect("JSON")["features"]
    );
    let server = feed(body);
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "drop = [\"properties.type\"]",
    ));
    let run = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    match &run.sources[0].1 {
        SourceResult::Failed(reason) => assert!(
            reason.contains("`records` path `features` appears twice"),
            "{reason}"
        ),
        other => panic!("the run must fail: {other:?}"),
    }
    assert!(site.data_files("usgs").is_empty(), "nothing lands");
}

#[tokio::test]
async fn a_source_is_not_fetched_again_before_its_interval_unless_forced() {
    let (server, calls) = counting_feed(usgs_body(2));
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "5m",
        "",
    ));
    let first = site.run().await;
    assert!(matches!(
        first.sources[0].1,
        SourceResult::Landed { records: 2, .. }
    ));
    // The summariser deletes landed files; the schedule must not depend on them.
    for file in site.data_files("usgs") {
        std::fs::remove_file(file).expect("delete landed file");
    }
    let second = site.run().await;
    assert!(
        matches!(second.sources[0].1, SourceResult::NotDue(_)),
        "{:?}",
        second.sources
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a source that is not due is not called"
    );
    let forced = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(matches!(forced.sources[0].1, SourceResult::Landed { .. }));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(site.data_files("usgs").len(), 1);
    assert!(site.file_names("usgs").contains(&".state.json".to_owned()));
}

#[tokio::test]
async fn a_source_is_due_again_once_its_interval_has_passed() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let state = r#"{"last_success_started":"2020-01-01T00:00:00Z","last_success_landed":"2020-01-01T00:00:01Z","last_attempt":"2020-01-01T00:00:00Z","last_error":null,"cursor":null,"days":[]}"#;
    std::fs::create_dir_all(site.raw().join("usgs")).expect("dir");
    std::fs::write(site.raw().join("usgs/.state.json"), state).expect("state");
    let outcome = site.run().await;
    assert!(
        matches!(outcome.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        outcome.sources
    );
}

/// A state file that is not a run's (`{}`) or not JSON is put aside, kept, and rebuilt from the
/// landed files; one that cannot be read at all (here a folder in its place) fails the run
/// before it calls the API, rather than being replaced with its cursor and landed days lost.
#[tokio::test]
async fn an_unreadable_state_file_is_kept_aside_or_fails_the_run_never_replaced() {
    let (server, calls) = counting_feed(usgs_body(1));
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "5m",
        "",
    ));
    site.run().await;
    let state = site.raw().join("usgs/.state.json");
    let aside = || {
        site.file_names("usgs")
            .into_iter()
            .filter(|name| name.starts_with(".state.") && name.ends_with(".unreadable.json"))
            .collect::<Vec<_>>()
    };
    std::fs::write(&state, "{}").expect("an empty state");
    let again = site.run().await;
    assert!(
        matches!(again.sources[0].1, SourceResult::NotDue(_)),
        "the landed file says when it ran: {:?}",
        again.sources
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(aside().len(), 1, "the empty state is kept aside");

    std::fs::write(&state, r#"{"cursor": "2026-11-3"#).expect("a state cut short");
    site.run().await;
    let kept: Vec<String> = aside()
        .iter()
        .map(|name| std::fs::read_to_string(site.raw().join("usgs").join(name)).expect("kept"))
        .collect();
    assert!(
        kept.contains(&"{}".to_owned()) && kept.contains(&r#"{"cursor": "2026-11-3"#.to_owned()),
        "the state cut short is kept aside as it was: {kept:?}"
    );
    let rebuilt = std::fs::read_to_string(&state).expect("rebuilt state");
    assert!(rebuilt.contains("last_success_landed"), "{rebuilt}");

    std::fs::remove_file(&state).expect("state removed");
    std::fs::create_dir(&state).expect("a folder in its place");
    let unread = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let failures: Vec<(&str, &str)> = unread.failures().collect();
    assert_eq!(failures.len(), 1, "{:?}", unread.sources);
    assert!(
        failures[0].1.starts_with("cannot read the state file ")
            && failures[0].1.contains("usgs/.state.json")
            && failures[0]
                .1
                .contains("make it a file the collector can read"),
        "{}",
        failures[0].1
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the API is not called");
    assert!(state.is_dir(), "what stands there is left as it is");
}

/// `analyser status` holds a source's lock for an instant to see whether a run is going on: a
/// run asked to collect now in that instant waits it out rather than failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_for_an_instant_is_waited_out() {
    let (server, calls) = counting_feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let lock = site.raw().join("usgs/.lock");
    std::fs::create_dir_all(site.raw().join("usgs")).expect("source folder");
    let looking = std::fs::File::create(&lock).expect("lock file");
    looking.lock_shared().expect("status's look");
    let status = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        drop(looking);
    });
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    status.join().expect("status");
    assert!(
        matches!(outcome.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        outcome.sources
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_source_another_run_is_collecting_is_skipped_not_fetched_twice() {
    let (server, calls) = counting_feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let held = releve::RunLock::try_acquire(&site.raw().join("usgs/.lock"))
        .expect("lock file")
        .expect("the other run's lock");
    let outcome = site.run().await;
    assert!(
        matches!(outcome.sources[0].1, SourceResult::Skipped(_)),
        "{:?}",
        outcome.sources
    );
    assert!(outcome.succeeded(), "a skipped source is not a failure");
    // Asked to collect it now, the run says it did not.
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(
        matches!(&outcome.sources[0].1, SourceResult::Failed(why)
            if why.starts_with("not collected: another collector run holds it")),
        "{:?}",
        outcome.sources
    );
    assert!(!outcome.succeeded(), "--force did not collect it");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    drop(held);
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    assert!(matches!(outcome.sources[0].1, SourceResult::Landed { .. }));
}

#[tokio::test]
async fn a_failed_source_is_tried_again_once_its_retry_wait_has_passed() {
    let (server, calls) = numbered_feed(|n| async move {
        if n == 0 {
            (
                StatusCode::NOT_FOUND,
                "{\"message\":\"not yet\"}".to_owned(),
            )
        } else {
            (StatusCode::OK, usgs_body(1))
        }
    });
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "5m",
        "",
    ));
    let first = site.run().await;
    assert!(!first.succeeded());
    let at_once = site.run().await;
    assert!(
        matches!(at_once.sources[0].1, SourceResult::NotDue(_)),
        "a source waits its interval after a failure: {:?}",
        at_once.sources
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    rewind_last_attempt(&site, "usgs", chrono::TimeDelta::minutes(5));
    let later = site.run().await;
    assert!(
        matches!(later.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        later.sources
    );
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 2, "one metrics file per run, failed or not");
    assert_eq!(metrics.iter().filter(|m| m.succeeded()).count(), 1);
}

/// Moves the source's last attempt back by `by`, as if that much time had passed.
fn rewind_last_attempt(site: &Site, source: &str, by: chrono::TimeDelta) {
    site.edit_state(source, |state| {
        state.last_attempt = Some(state.last_attempt.expect("a last attempt") - by);
    });
}

#[tokio::test]
async fn a_clock_stepped_back_names_the_next_file_after_the_last_landed() {
    let server = LocalServer::start(Router::new().route("/feed", get(|| async { usgs_body(2) })));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    // As the last run left it had the clock been 40 seconds ahead then.
    let last =
        site.state("usgs").last_success_landed.expect("a landing") + chrono::TimeDelta::seconds(40);
    site.edit_state("usgs", |state| state.last_success_landed = Some(last));

    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let files = site.data_files("usgs");
    let newest = files.last().expect("two landed files");
    let expected = (last + chrono::TimeDelta::seconds(1))
        .format("usgs_%Y-%m-%dT%H-%M-%SZ.json")
        .to_string();
    assert_eq!(
        newest.file_name().and_then(|name| name.to_str()),
        Some(expected.as_str()),
        "{files:?}"
    );
}

#[tokio::test]
async fn a_run_killed_before_its_end_counts_as_failed_and_waits_its_backoff() {
    let (server, calls) = counting_feed(usgs_body(2));
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "5m",
        "",
    ));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    for metrics in site.metrics("usgs") {
        assert!(metrics.error.is_none());
    }
    // As a run leaves the state when it is killed 30 s after it started, the last success
    // 5 minutes before, its files summarised since: the next minute's run finds it.
    for role in [releve::RawFileRole::Data, releve::RawFileRole::Metrics] {
        for file in site.files("usgs", role) {
            std::fs::remove_file(file).expect("summarised");
        }
    }
    let now = chrono::Utc::now();
    let killed = now - chrono::TimeDelta::seconds(30);
    site.edit_state("usgs", |state| {
        state.last_success_started = Some(now - chrono::TimeDelta::minutes(5));
        state.last_attempt = state.last_success_started;
        state.running = Some(Running {
            started: killed,
            day: None,
            waiting_ahead: Vec::new(),
        });
    });

    let before = calls.load(Ordering::SeqCst);
    let run = site.run().await;
    assert!(
        matches!(run.sources[0].1, SourceResult::NotDue(_)),
        "a failed run waits its interval: {:?}",
        run.sources
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        before,
        "the API is not called"
    );
    let failed: Vec<_> = site
        .metrics("usgs")
        .into_iter()
        .filter(|metrics| metrics.error.is_some())
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].started.timestamp(), killed.timestamp());
    assert!(
        failed[0]
            .error
            .as_deref()
            .is_some_and(|error| error.contains("did not finish")),
        "{failed:?}"
    );
    let state = site.state("usgs");
    assert_eq!((state.running, state.failures_in_a_row), (None, 1));
}

/// A run paused by a quota that wrote its metrics but could not save its state (a full disk):
/// the next run keeps the pause its metrics recorded, rather than calling the API again at its
/// backoff.
#[tokio::test]
async fn a_pause_whose_state_was_not_saved_stands_as_its_metrics_recorded() {
    let (server, calls) = numbered_feed(|_| async {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "3600")],
            "{\"error\": \"daily quota exhausted\"}",
        )
    });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let paused = site.state("usgs");
    let until = paused.paused_until.expect("paused");
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0].retry_from, Some(until), "{metrics:?}");
    // As the state stood before the run, the run noted under way: its save after failing lost.
    site.edit_state("usgs", |state| {
        state.last_error = None;
        state.failures_in_a_row = 0;
        state.paused_until = None;
        state.last_attempt = None;
        state.running = Some(Running {
            started: metrics[0].started,
            day: None,
            waiting_ahead: Vec::new(),
        });
    });
    let before = calls.load(Ordering::SeqCst);
    let run = site.run().await;
    assert_eq!(
        run.sources[0].1,
        SourceResult::NotDue(format!("next run due at {until}")),
        "the pause stands"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        before,
        "the API is not called"
    );
    assert_eq!(site.state("usgs").paused_until, Some(until));
}

/// A run that landed its file and then could not save its state (a full disk), or was killed
/// right after landing: when its metrics were written they stand, and the next run adds no
/// failure; when they could not be written either, the next run writes them, its records
/// counted from the landed file, and adds no failure either.
#[tokio::test]
async fn a_run_that_landed_but_could_not_save_its_state_is_not_counted_twice() {
    for metrics_written in [true, false] {
        let (server, _) = counting_feed(usgs_body(2));
        let site = Site::new(&usgs_source_every(
            "usgs",
            &format!("{}/feed", server.url()),
            "5m",
            "",
        ));
        collector::run_with(&site.args(&[], true), fast_policy())
            .await
            .expect("run");
        let landed = site.data_files("usgs");
        let name = landed[0]
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        // The state as the run saved it before fetching, the save after landing lost: the run
        // noted under way at the start its metrics carry.
        let started = site.metrics("usgs")[0].started;
        site.edit_state("usgs", |state| {
            let earlier = started - chrono::TimeDelta::hours(1);
            state.last_success_started = Some(earlier);
            state.last_success_landed = Some(earlier);
            state.last_attempt = Some(earlier);
            state.running = Some(Running {
                started,
                day: None,
                waiting_ahead: Vec::new(),
            });
        });
        if !metrics_written {
            for metrics in site.files("usgs", releve::RawFileRole::Metrics) {
                std::fs::remove_file(metrics).expect("metrics removed");
            }
        }

        site.run().await;
        let failed: Vec<String> = site
            .metrics("usgs")
            .into_iter()
            .filter_map(|metrics| metrics.error)
            .collect();
        let state = site.state("usgs");
        assert!(state.running.is_none());
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(state.failures_in_a_row, 0);
        assert_eq!(
            site.data_files("usgs").len(),
            1,
            "the landed run counts: the source is not due again at once"
        );
        assert_eq!(state.last_success_started, Some(started));
        let runs = site.metrics("usgs");
        assert_eq!(runs.len(), 1, "one run's metrics: {runs:?}");
        assert_eq!(runs[0].file.as_deref(), Some(name));
        assert_eq!(runs[0].records, 2, "counted from its file");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_waited_for_a_slot_is_scheduled_from_the_start_of_the_run() {
    // Six `1m` sources on two hosts, four slots, two per host: each host's first two calls
    // take 8 s, so one source of each starts 8 s late; of those, one call lands and one is
    // refused. Both are scheduled from the run's start: from their own, a run begun at
    // 10:00:55 would count from 10:01 and skip cron's 10:02 run (the one that landed), or wait
    // a minute more than its backoff (the refused one).
    let host = |refuses_late: bool| {
        numbered_feed(move |call| async move {
            if call < 2 {
                tokio::time::sleep(std::time::Duration::from_secs(8)).await;
            }
            if call == 2 && refuses_late {
                return (StatusCode::BAD_REQUEST, "{}".to_owned());
            }
            (StatusCode::OK, usgs_body(1))
        })
    };
    let ((refusing, _), (landing, _)) = (host(true), host(false));
    let names = ["a", "b", "c", "d", "e", "f"];
    let config: String = names
        .iter()
        .zip([
            &refusing, &refusing, &refusing, &landing, &landing, &landing,
        ])
        .map(|(name, server)| usgs_source(name, &format!("{}/feed", server.url()), ""))
        .collect();
    let site = Site::new(&config);
    let began = chrono::Utc::now();
    site.run().await;
    let (mut late, mut failed) = (0, 0);
    for name in names {
        let metrics = &site.metrics(name)[0];
        if metrics.started - began >= chrono::TimeDelta::seconds(7) {
            late += 1;
        }
        let state = site.state(name);
        let scheduled = if metrics.error.is_some() {
            failed += 1;
            state.last_attempt
        } else {
            state.last_success_started
        }
        .expect("a run");
        assert!(
            scheduled >= began && scheduled - began < chrono::TimeDelta::seconds(2),
            "`{name}` started at {}, scheduled from {scheduled}, not from the run's start {began}",
            metrics.started
        );
    }
    assert_eq!((late, failed), (2, 1), "two sources waited for a slot");
}

#[tokio::test]
async fn a_state_dated_in_the_future_does_not_stop_collection() {
    let server = LocalServer::start(Router::new().route("/feed", get(|| async { usgs_body(2) })));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let first = site.run().await;
    assert!(matches!(first.sources[0].1, SourceResult::Landed { .. }));
    // As a run leaves it when the clock was a month ahead.
    let ahead = |time: Option<chrono::DateTime<chrono::Utc>>| {
        time.map(|time| time + chrono::TimeDelta::days(30))
    };
    site.edit_state("usgs", |state| {
        state.last_success_started = ahead(state.last_success_started);
        state.last_success_landed = ahead(state.last_success_landed);
        state.last_attempt = ahead(state.last_attempt);
    });

    let second = site.run().await;
    assert!(
        matches!(second.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        second.sources
    );
}

/// A source disabled after it collected: the next collector run notes when it found it so,
/// and the first run once it is enabled again says in its metrics from when no collection was
/// expected (its first skipped one, due an interval after its last run), then forgets it.
#[tokio::test]
async fn the_first_run_after_a_source_is_enabled_again_says_since_when_it_was_disabled() {
    let server = feed(usgs_body(1));
    let url = format!("{}/feed", server.url());
    let site = Site::new(&usgs_source("usgs", &url, ""));
    site.run().await;
    // Its last run three hours ago, as if the source had been disabled since.
    let three_hours_ago = chrono::Utc::now() - chrono::TimeDelta::hours(3);
    let mut state = site.state("usgs");
    state.last_success_started = Some(three_hours_ago);
    state
        .save(&site.raw(), "usgs")
        .expect("state three hours back");
    std::fs::write(site.config(), usgs_source("usgs", &url, "enabled = false")).expect("disabled");
    let disabled = site.run().await;
    assert!(disabled.sources.is_empty(), "{:?}", disabled.sources);
    let noted = site.state("usgs").disabled_since.expect("noted disabled");

    std::fs::write(site.config(), usgs_source("usgs", &url, "")).expect("enabled again");
    site.run().await;
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 2, "{metrics:?}");
    assert_eq!(metrics[0].disabled_from, None);
    assert_eq!(
        metrics[1].disabled_from,
        Some(noted.max(three_hours_ago + chrono::TimeDelta::minutes(1))),
        "from the later of its next run due and when it was found disabled"
    );
    assert_eq!(
        site.state("usgs").disabled_since,
        None,
        "forgotten once told"
    );
}

/// A source disabled under a collector that did not note it (before 3 December 2026) and still
/// disabled when the upgraded collector first runs: its stretch disabled starts at the first
/// collection it skipped, an interval after its last run, as the state file that collector left
/// tells, not when the upgraded collector found it (the report would count the hours between
/// as collections missed).
#[tokio::test]
async fn a_source_disabled_before_an_upgrade_is_disabled_from_its_next_run_after_its_last() {
    let server = feed(usgs_body(1));
    let url = format!("{}/feed", server.url());
    let site = Site::new(&usgs_source("usgs", &url, ""));
    // The state an older collector left: its last run three hours ago, no interval recorded.
    let last = chrono::Utc::now() - chrono::TimeDelta::hours(3);
    let stamp = last.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::fs::create_dir_all(site.raw().join("usgs")).expect("source folder");
    std::fs::write(
        rawfile::state_file(&site.raw(), "usgs"),
        format!(
            r#"{{"last_success_started": "{stamp}", "last_success_landed": "{stamp}", "last_attempt": "{stamp}", "last_error": null, "cursor": null, "days": []}}"#
        ),
    )
    .expect("an older collector's state");
    std::fs::write(site.config(), usgs_source("usgs", &url, "enabled = false")).expect("disabled");
    site.run().await;

    std::fs::write(site.config(), usgs_source("usgs", &url, "")).expect("enabled again");
    site.run().await;
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 1, "{metrics:?}");
    let last = chrono::DateTime::parse_from_rfc3339(&stamp)
        .expect("stamp")
        .to_utc();
    // Its next run an interval after its last, counted from that run's minute as the schedule
    // counts it (the next minute's, for a run begun in a minute's last two seconds).
    let minute = chrono::TimeDelta::minutes(1);
    assert_eq!(
        metrics[0].disabled_from,
        Some((last + minute).max(releve::config::run_minute(last) + minute)),
        "from its first collection skipped, not from the upgraded collector's first run"
    );
}

/// A source whose `every` was lengthened while it was disabled: its first skipped collection
/// was due at the interval it collected under, so the report expects none from then.
#[tokio::test]
async fn a_stretch_disabled_starts_at_the_interval_the_source_collected_under() {
    let server = feed(usgs_body(1));
    let url = format!("{}/feed", server.url());
    let site = Site::new(&usgs_source("usgs", &url, ""));
    site.run().await;
    std::fs::write(site.config(), usgs_source("usgs", &url, "enabled = false")).expect("disabled");
    site.run().await;
    // All of it three hours ago: collected every minute, found disabled right after.
    let three_hours = chrono::TimeDelta::hours(3);
    let mut state = site.state("usgs");
    let last = state.last_success_started.expect("collected") - three_hours;
    let noted = state.disabled_since.expect("noted disabled") - three_hours;
    state.last_success_started = Some(last);
    state.disabled_since = Some(noted);
    state
        .save(&site.raw(), "usgs")
        .expect("state three hours back");

    let hourly = usgs_source("usgs", &url, "").replace(r#"every = "1m""#, r#"every = "1h""#);
    std::fs::write(site.config(), hourly).expect("enabled again, every hour");
    site.run().await;
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 2, "{metrics:?}");
    // From the minute its last run is counted in, as the schedule counts (`Every::due_after`):
    // the next minute for a run begun in a minute's last two seconds.
    let last_minute = releve::config::run_minute(last);
    assert_eq!(
        metrics[1].disabled_from,
        Some(noted.max(last_minute + chrono::TimeDelta::minutes(1))),
        "its next collection every minute, not an hour after its last run"
    );
}

/// A feed of each station's current state, whose records carry no time.
const STATIONS: &str = r#"[{"station": "a", "bikes": 3}, {"station": "b", "bikes": 5}]"#;

fn stations_source(url: &str) -> String {
    format!(
        "[[source]]\nname = \"stations\"\nkind = \"http_json\"\nurl = \"{url}/feed\"\nevery = \"1m\"\nstamp = \"collected_at\"\nkey = [\"station\", \"collected_at\"]\ntime = \"collected_at\"\nnumeric = [\"bikes\"]\n"
    )
}

#[tokio::test]
async fn a_stamp_dates_each_record_of_a_snapshot_by_when_the_api_answered() {
    let server = feed(STATIONS.to_owned());
    let site = Site::new(&stations_source(&server.url()));
    let before = chrono::Utc::now();
    let outcome = site.run().await;
    let after = chrono::Utc::now();
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    let files = site.data_files("stations");
    assert_eq!(files.len(), 1);
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("landed")).expect("JSON");
    let records = landed.as_array().expect("an array of records");
    assert_eq!(records.len(), 2);
    let stamps: Vec<&str> = records
        .iter()
        .map(|record| record["collected_at"].as_str().expect("a stamp"))
        .collect();
    assert_eq!(stamps[0], stamps[1], "one answer, one time");
    let stamped = chrono::DateTime::parse_from_rfc3339(stamps[0]).expect("RFC 3339");
    assert!(
        stamps[0].ends_with('Z') && !stamps[0].contains('.'),
        "{}",
        stamps[0]
    );
    assert!(
        before.timestamp() <= stamped.timestamp() && stamped.timestamp() <= after.timestamp(),
        "{stamped} within the run"
    );
    assert_eq!(records[1]["bikes"], 5, "the records otherwise as served");
    assert_eq!(
        releve::record::timestamp(&records[0]["collected_at"]).map(|at| at.timestamp()),
        Some(stamped.timestamp()),
        "the summariser reads the stamp as the records' time"
    );
}

#[tokio::test]
async fn a_stamp_never_overwrites_a_field_the_api_served() {
    let body = r#"[{"station": "a", "bikes": 3}, {"station": "b", "collected_at": "yesterday"}]"#;
    let server = feed(body.to_owned());
    let site = Site::new(&stations_source(&server.url()));
    let reason = site.failed_run(false).await;
    assert_eq!(
        reason,
        "key `stamp` adds `collected_at` to each record, but record 1 (counting from 0) holds that field already, so nothing landed: name the stamp otherwise, or point `time` at the records' own field"
    );
    let server = feed("[3, 4]".to_owned());
    let site = Site::new(&stations_source(&server.url()));
    let reason = site.failed_run(false).await;
    assert!(
        reason.contains("record 0 (counting from 0) is no object"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_stamp_is_no_local_time_of_an_api_asked_for_a_zone() {
    // A daily snapshot asking its API for Paris days: the stamp, a UTC instant, is no local
    // time the API wrote.
    let server = feed(STATIONS.to_owned());
    let config = stations_source(&server.url()).replace(
        "every = \"1m\"\n",
        "every = \"1d\"\nresolution = \"day\"\nparams = { timezone = \"Europe/Paris\" }\n",
    );
    let site = Site::new(&config);
    let outcome = site.run().await;
    assert!(outcome.succeeded(), "{:?}", outcome.sources);
    assert_eq!(site.data_files("stations").len(), 1);
}

/// Runs a source reading `results` from a feed answering `body`; the run's result.
async fn run_on_status_feed(body: &str) -> (SourceResult, usize) {
    let server = feed(body.to_owned());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"results\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let run = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("run");
    let landed = site.data_files("own").len();
    (run.sources[0].1.clone(), landed)
}

/// An import API's status counting no errors and some warnings, beside an empty list: nothing
/// failed, so the run lands its empty list, as it does for `"errors: 0, warnings: 2"` and for
/// `"error: 0"` alone (README: not `"error: 0"`).
#[tokio::test]
async fn a_status_counting_no_error_then_more_does_not_fail_the_run() {
    for status in [
        "errors: 0, warnings: 2",
        "error: 0",
        "error: 0, warnings: 2",
        "failed: 0, skipped: 3",
    ] {
        let body = format!(r#"{{"results": [], "status": "{status}"}}"#);
        let (result, landed) = run_on_status_feed(&body).await;
        assert!(
            matches!(result, SourceResult::Landed { .. }) && landed == 1,
            "status {status:?} counts no error, yet the run did not land: {result:?}"
        );
    }
}

/// A status line after its `HTTP/1.1` is a status line whatever words follow its code (README:
/// "or the start of a status line"): an upstream's 503 with a reason phrase of its own, beside
/// an empty list, is the API's failure, not a selection matching nothing.
#[tokio::test]
async fn a_status_line_after_its_protocol_fails_the_run_whatever_its_reason_phrase() {
    for status in [
        "HTTP/1.1 503",
        "HTTP/1.1 503 maintenance",
        "HTTP/1.1 429 slow down",
    ] {
        let body = format!(r#"{{"results": [], "status": "{status}"}}"#);
        let (result, landed) = run_on_status_feed(&body).await;
        assert!(
            matches!(result, SourceResult::Failed(_)) && landed == 0,
            "status {status:?} is an HTTP status line of a failure, yet the run landed: {result:?}"
        );
    }
}

/// A refusal said with `not` fails the run (README: `"Not Found"`, `"NOT_AUTHORIZED"`), and so
/// must its obvious siblings beside an empty list: a success denied (`"NOT OK"`, a health
/// check's word), a login refused (`"Not authenticated"`), Google's `"API key not valid"`, a
/// service down (`"Service not available"`), HTTP 501's reason phrase (`"Not Implemented"`),
/// a quota spent (`"Daily run limit reached"`).
/// Landed, each reads as a selection matching nothing, and the run counts as a success (found
/// by the review of stop 56).
#[tokio::test]
async fn a_refusal_said_with_not_other_than_the_listed_ones_fails_the_run() {
    for status in [
        "NOT OK",
        "not_ok",
        "Not authenticated",
        "API key not valid",
        "Service not available",
        "Not Implemented",
        // `limit` after a word ending in `un`, as `unlimited` has it.
        "Daily run limit reached",
    ] {
        let body = format!(r#"{{"results": [], "status": "{status}"}}"#);
        let (result, landed) = run_on_status_feed(&body).await;
        assert!(
            matches!(result, SourceResult::Failed(_)) && landed == 0,
            "status {status:?} says the call failed, yet the run landed: {result:?}"
        );
    }
}

/// An API refusing a request with an RFC 9457 problem document carrying a text `code` beside
/// its `detail` (`{"title": …, "detail": …, "code": "invalid_parameter"}`, as many APIs
/// write it): before this stop the failure line quoted the body, the detail with it; since a
/// text `code` is read as the API's own code, the line says `HTTP 400: invalid_parameter` and
/// nothing of what was wrong, nor which parameter.
#[tokio::test]
async fn a_refusal_with_a_text_code_beside_its_detail_still_says_the_detail() {
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(|| async {
            (
                StatusCode::BAD_REQUEST,
                [("content-type", "application/problem+json")],
                r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"starttime must be before endtime","code":"invalid_parameter"}"#,
            )
        }),
    ));
    let site = Site::new(&usgs_source(
        "quakes",
        &format!("{}/feed", server.url()),
        "",
    ));
    let reason = site.failed_run(true).await;
    assert!(reason.contains("HTTP 400"), "{reason}");
    assert!(
        reason.contains("starttime must be before endtime"),
        "the failure line says what the API found wrong, not its code alone: {reason}"
    );
}

/// An ASP.NET Core API refusing a request with its validation problem (RFC 9457, as
/// `ValidationProblemDetails` writes it): a generic `title` and the fields refused in an
/// `errors` object, each with its messages, no `detail`. Before this stop the failure line
/// quoted the body, the field and its message with it; since `title` is read as the API's
/// message, the line says `HTTP 400: One or more validation errors occurred.` and nothing of
/// which parameter was wrong, nor why.
#[tokio::test]
async fn a_validation_problem_with_a_generic_title_still_says_the_field_refused() {
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(|| async {
            (
                StatusCode::BAD_REQUEST,
                [("content-type", "application/problem+json")],
                r#"{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"starttime":["The value '2026-13-01' is not valid for starttime."]},"traceId":"00-84c1fd4063c38d9f3900d06e56542d48-85d1d4-00"}"#,
            )
        }),
    ));
    let site = Site::new(&usgs_source(
        "quakes",
        &format!("{}/feed", server.url()),
        "",
    ));
    let reason = site.failed_run(true).await;
    assert!(reason.contains("HTTP 400"), "{reason}");
    assert!(
        reason.contains("starttime"),
        "the failure line says the API's generic title, not which field it refused nor why: {reason}"
    );
}
