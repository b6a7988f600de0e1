//! Sources sharing an API host, as a user with many datasets on one portal or several France
//! Travail sources sees them: a portal that hangs holds up only its own sources, never the
//! minute feeds of other hosts nor the next minute's run, and sources of one API keep to its
//! rate limit together, not each to its own.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use collector::SourceResult;
use common::{Site, fast_policy, numbered_feed, usgs_body, usgs_source, usgs_source_every};
use testkit::http::LocalServer;

/// A portal whose `/records` answers nothing until `release` says `true`, and the calls it got.
fn hung_portal() -> (
    LocalServer,
    tokio::sync::watch::Sender<bool>,
    Arc<AtomicUsize>,
) {
    let (release, released) = tokio::sync::watch::channel(false);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = LocalServer::start(Router::new().route(
        "/records",
        get(move || {
            let mut released = released.clone();
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let _ = released.wait_for(|open| *open).await;
                usgs_body(1)
            }
        }),
    ));
    (server, release, calls)
}

/// Six hourly datasets of the hung portal, the minute feed at `feed` listed after five of them.
fn portal_and_feed(portal: &LocalServer, feed: &LocalServer) -> String {
    let dataset = |n| {
        usgs_source_every(
            &format!("portal-{n}"),
            &format!("{}/records", portal.url()),
            "1h",
            "",
        )
    };
    let mut config: String = (1..=5).map(dataset).collect();
    config.push_str(&usgs_source("usgs", &format!("{}/feed", feed.url()), ""));
    config.push_str(&dataset(6));
    config
}

/// Waits until `done` holds, checking every 20 ms, for `limit` at most; whether it came.
async fn within(limit: Duration, done: impl Fn() -> bool) -> bool {
    let until = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < until {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

/// A cron run of `site`, going on while the test looks at its doubles.
fn in_background(site: &Arc<Site>) -> tokio::task::JoinHandle<collector::Outcome> {
    let site = Arc::clone(site);
    tokio::spawn(async move { site.run().await })
}

/// How long a test waits for what a run that is not held up does at once.
const AT_ONCE: Duration = Duration::from_secs(10);

/// Asserts that every source of the run landed a file.
fn all_landed(outcome: &collector::Outcome) {
    for (name, result) in &outcome.sources {
        assert!(
            matches!(result, SourceResult::Landed { .. }),
            "{name}: {result:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_portal_does_not_hold_up_another_hosts_minute_feed() {
    let (portal, release, portal_calls) = hung_portal();
    let (feed, feed_calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Arc::new(Site::new(&portal_and_feed(&portal, &feed)));
    let run = in_background(&site);
    let fed = within(AT_ONCE, || feed_calls.load(Ordering::SeqCst) > 0).await;
    let hung_at_once = portal_calls.load(Ordering::SeqCst);
    release.send_replace(true);
    let outcome = run.await.expect("the run ends");
    assert!(
        fed,
        "the minute feed was not called while the portal hung: {:?}",
        outcome.sources
    );
    assert!(
        hung_at_once <= 2,
        "{hung_at_once} calls at once to one hung portal"
    );
    all_landed(&outcome);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_minutes_run_skips_the_sources_a_hung_portal_holds_and_ends() {
    let (portal, release, portal_calls) = hung_portal();
    let (feed, _) = numbered_feed(|_| async { usgs_body(2) });
    let site = Arc::new(Site::new(&portal_and_feed(&portal, &feed)));
    let first = in_background(&site);
    // The first run is under way: the portal holds its first calls.
    assert!(within(AT_ONCE, || portal_calls.load(Ordering::SeqCst) > 0).await);
    let second = tokio::time::timeout(
        AT_ONCE,
        collector::run_with(&site.args(&[], false), fast_policy()),
    )
    .await;
    let calls_by_then = portal_calls.load(Ordering::SeqCst);
    release.send_replace(true);
    let first = first.await.expect("the first run ends");
    let second = second
        .expect("the second run ended without waiting for the hung portal")
        .expect("the second run runs");
    for (name, result) in second.sources.iter().filter(|(name, _)| name != "usgs") {
        assert!(
            matches!(result, SourceResult::Skipped(_)),
            "{name} is the first run's: {result:?}"
        );
    }
    assert!(
        calls_by_then <= 2,
        "{calls_by_then} calls to the hung portal"
    );
    all_landed(&first);
}

/// Two France Travail sources with the one client id, each allowed 4 calls a second by its
/// `rate_limit`, against an API allowing that client 4 a second in bursts of 6: apart they
/// would send it about 8 a second and draw 429s within a second or two; together they keep to
/// 4, two calls inside what the API allows however the calls are spaced, and it never answers
/// 429.
#[test]
fn two_france_travail_sources_keep_together_to_the_client_ids_rate() {
    use testkit::france_travail::{
        API_PATH, DayPlan, DoubleSettings, FranceTravailDouble, TOKEN_PATH,
    };
    let mut settings = DoubleSettings::new(DayPlan {
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("a day"),
        spread: 6_000,
        bursts: Vec::new(),
        seed: 7,
    });
    (settings.calls_per_second, settings.burst) = (4.0, 6);
    let double = FranceTravailDouble::new(settings);
    let server = LocalServer::start(double.router());
    let source = |name: &str, contract: &str| {
        format!(
            r#"
[[source]]
name = "{name}"
kind = "france_travail"
url = "{base}{API_PATH}"
token_url = "{base}{TOKEN_PATH}?realm=/partenaire"
every = "1d"
key = "id"
time = "dateCreation"
params = {{ typeContrat = "{contract}" }}
rate_limit = 4
"#,
            base = server.url()
        )
    };
    let site = Site::new(&(source("offres-cdi", "CDI") + &source("offres-cdd", "CDD")));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .args([
            "--config",
            "sources.toml",
            "--raw-dir",
            "raw",
            "--date",
            "2026-11-21",
        ])
        .envs(double.credentials())
        .env("COLLECTOR_BACKOFF_MS", "50")
        .output()
        .expect("run the collector");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let counts = double.counts();
    for name in ["offres-cdi", "offres-cdd"] {
        assert_eq!(site.data_files(name).len(), 1, "{name} landed its day");
        assert!(
            site.metrics(name)[0].http_calls >= Some(5),
            "{name}: {counts:?}"
        );
    }
    assert_eq!(
        counts.throttled, 0,
        "calls the API refused with 429: {counts:?}\n{stderr}"
    );
}

/// Two minute feeds of one host, and a daily source of that host with `rate_limit = 0.01`
/// that is not due in this run. The host's bucket is at the smallest `rate_limit` among the
/// sources the run *collects* (README, `rate_limit`): the feeds' 2 calls a second, half a
/// second between them. A source the run does not collect says nothing of this run's calls:
/// counted, it holds the second feed 100 s for its token, every minute, while the same run
/// with `--source a --source b` takes a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sibling_not_due_does_not_slow_its_hosts_sources_to_its_rate_limit() {
    let (feed, _) = numbered_feed(|_| async { usgs_body(1) });
    let url = format!("{}/feed", feed.url());
    let config = usgs_source("a", &url, "")
        + &usgs_source("b", &url, "")
        + &usgs_source_every("daily", &url, "1d", "rate_limit = 0.01");
    let site = Site::new(&config);
    let first = collector::run_with(&site.args(&["daily"], false), fast_policy())
        .await
        .expect("the first run runs");
    assert!(
        matches!(first.sources[0].1, SourceResult::Landed { .. }),
        "{:?}",
        first.sources
    );
    let cron = tokio::time::timeout(Duration::from_secs(20), site.run())
        .await
        .expect("two one-call feeds at 2 calls a second are collected within seconds");
    for (name, result) in &cron.sources {
        let expected = if name == "daily" {
            matches!(result, SourceResult::NotDue(_))
        } else {
            matches!(result, SourceResult::Landed { .. })
        };
        assert!(expected, "{name}: {result:?}");
    }
}

/// A dataset of a portal that hangs waits for the portal's two slots, holding its lock. A run
/// by hand with `--force` then fails it, saying the other run may be waiting to collect it
/// behind its host, not only "collecting it", which would send the user to look for a
/// collection that has not begun (found by the review of stop 55).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_run_says_the_source_is_waiting_for_a_slot_not_being_collected() {
    let (portal, release, portal_calls) = hung_portal();
    let dataset = |n| {
        usgs_source_every(
            &format!("portal-{n}"),
            &format!("{}/records", portal.url()),
            "1h",
            "",
        )
    };
    let site = Arc::new(Site::new(&(1..=3).map(dataset).collect::<String>()));
    let cron = in_background(&site);
    // Two datasets hang at the portal; the third waits for one of their slots.
    assert!(within(AT_ONCE, || portal_calls.load(Ordering::SeqCst) == 2).await);
    let by_hand = collector::run_with(&site.args(&["portal-3"], true), fast_policy()).await;
    release.send_replace(true);
    let cron = cron.await.expect("cron's run ends");
    let by_hand = by_hand.expect("the run by hand runs");
    let Some((_, SourceResult::Failed(why))) = by_hand.sources.first() else {
        panic!(
            "the forced run fails the source cron's run holds: {:?}",
            by_hand.sources
        );
    };
    assert!(
        matches!(cron.sources[2].1, SourceResult::Landed { .. }),
        "cron's run collected it once the portal answered: {:?}",
        cron.sources
    );
    assert!(
        why.contains("waiting") && !why.contains("is collecting it"),
        "the message says the other run waits for a slot of its host: {why}"
    );
}
