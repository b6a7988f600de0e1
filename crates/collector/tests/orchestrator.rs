//! The `collector` binary run by an orchestrator (an Airflow task, a Jenkins job, a scheduled
//! GitHub Actions workflow) rather than cron: a task past its timeout is sent SIGTERM, and the
//! orchestrator then retries it, a few minutes later, relying on its exit code. These tests
//! spawn processes.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Site, numbered_feed, usgs_body, usgs_source_every};

/// The collector in `site`'s folder, as an orchestrator's task runs it: its log on stderr.
fn collector(site: &Site) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    command
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status();
}

/// Sends `signal` to the collector `run` once the API has had more than `calls_before` calls
/// (its request under way), and returns its output once it has ended, within 5 s.
fn stopped_while_calling(
    mut run: Child,
    calls: &AtomicUsize,
    calls_before: usize,
    signal_name: &str,
) -> Output {
    let started = Instant::now();
    while calls.load(Ordering::SeqCst) <= calls_before {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the collector called the API"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(run.id(), signal_name);
    let asked = Instant::now();
    while run.try_wait().expect("wait").is_none() {
        if asked.elapsed() > Duration::from_secs(5) {
            let _ = run.kill();
            panic!("the collector still runs 5 s after SIG{signal_name}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    run.wait_with_output().expect("its output")
}

/// An hourly source whose API is slow: the orchestrator's timeout stops the run with SIGTERM
/// (exit 1, "stopped by SIGTERM"), and its retry, moments later, finds the API answering. The
/// stop was this machine's, not the API refusing, yet the run it cut is counted as a failure
/// of the source and its backoff applies: the retry collects nothing for 15 minutes, says
/// nothing and exits 0, so the orchestrator marks the task done with no file landed.
#[test]
fn a_run_retried_after_the_orchestrator_stopped_it_collects_the_source() {
    let (server, calls) = numbered_feed(|call| async move {
        if call == 0 {
            // The first run's call: the API is slow, the task's timeout comes first.
            tokio::time::sleep(Duration::from_secs(120)).await;
        }
        usgs_body(3)
    });
    let site = Site::new(&usgs_source_every(
        "hourly",
        &format!("{}/feed", server.url()),
        "1h",
        "",
    ));
    let first = collector(&site).spawn().expect("the collector starts");
    // The orchestrator's timeout.
    let stopped = stopped_while_calling(first, &calls, 0, "TERM");
    assert_eq!(
        stopped.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );
    assert!(site.data_files("hourly").is_empty(), "nothing landed yet");
    // Its metrics say it is tried again by the next minute's run: the reports do not take it
    // for a run of before retry times were recorded, which may have paused the source a day.
    let metrics = site.metrics("hourly");
    let run = metrics.first().expect("the stopped run's metrics");
    assert!(
        run.retry_from
            .is_some_and(|retry| retry - run.started <= chrono::TimeDelta::minutes(2)),
        "{run:?}"
    );

    // The orchestrator's retry (Airflow's default `retry_delay` is 5 minutes; this one comes
    // at once, which changes nothing for a 15-minute wait).
    let retry = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .output()
        .expect("the collector runs again");
    let stderr = String::from_utf8_lossy(&retry.stderr);
    assert_eq!(retry.status.code(), Some(0), "{stderr}");
    assert_eq!(
        site.data_files("hourly").len(),
        1,
        "the retry collects the source its stop cut short (the API answers now): \
         exit {:?}, {} API call(s), state {:?}, log: {stderr:?}",
        retry.status.code(),
        calls.load(Ordering::SeqCst),
        site.state("hourly"),
    );
}

/// An orchestrator's timeout stops a run (SIGTERM): the source under way is recorded as
/// stopped, and the next run tries it at once, no backoff (README, "From an orchestrator
/// instead"). The run's last line, the one the task's log ends with, still says each source
/// under way was "recorded as failed", which is what a failure's 15-minute backoff follows:
/// the user is told the opposite of what the collector did.
#[test]
fn a_run_stopped_by_its_timeout_does_not_say_its_sources_were_recorded_as_failed() {
    let (server, calls) = numbered_feed(|_| async move {
        tokio::time::sleep(Duration::from_secs(120)).await;
        usgs_body(3)
    });
    let site = Site::new(&usgs_source_every(
        "hourly",
        &format!("{}/feed", server.url()),
        "1h",
        "",
    ));
    let run = collector(&site).spawn().expect("the collector starts");
    let output = stopped_while_calling(run, &calls, 0, "TERM");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        site.state("hourly").stopped,
        "recorded as stopped: {stderr}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        !last.contains("recorded as failed"),
        "the source was recorded as stopped, to be tried at once by the next run, yet the run's last line says: {last}"
    );
}

/// An hourly source whose API's daily quota ran out, asking to wait ten hours: the user runs
/// `collector --source hourly --force`, which hangs, and stops it (Ctrl-C, or an orchestrator's
/// timeout). The run's last line says the source was "recorded as stopped, which the next run
/// tries at once", but the stopped run keeps the wait the API asked for (as it should): the
/// next run does not call the API, says nothing, and the user who read the line waits for a
/// collection that comes ten hours later.
#[test]
fn a_stopped_run_does_not_promise_an_immediate_retry_the_apis_wait_forbids() {
    let (server, calls) = numbered_feed(|call| async move {
        if call == 1 {
            tokio::time::sleep(Duration::from_secs(120)).await;
        }
        usgs_body(3)
    });
    let site = Site::new(&usgs_source_every(
        "hourly",
        &format!("{}/feed", server.url()),
        "1h",
        "",
    ));
    let task = |force: bool| {
        let mut command = collector(&site);
        if force {
            command.args(["--source", "hourly", "--force"]);
        }
        command
    };
    let first = task(false).output().expect("the first run");
    assert!(first.status.success(), "{first:?}");
    let now = chrono::Utc::now();
    site.edit_state("hourly", |state| {
        state.failed(
            now - chrono::TimeDelta::minutes(5),
            "HTTP 429: daily quota exceeded",
            Some(now + chrono::TimeDelta::hours(10)),
        )
    });
    let run = task(true).spawn().expect("the forced run starts");
    let output = stopped_while_calling(run, &calls, 1, "INT");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default().to_owned();
    let next = task(false).output().expect("the next run");
    let next_stderr = String::from_utf8_lossy(&next.stderr);
    let retried = calls.load(Ordering::SeqCst) > 2;
    assert!(
        retried || !last.contains("tries at once"),
        "the stopped run's last line says: {last}\nbut the next run did not call the API (it keeps the API's wait of ten hours): {next_stderr}"
    );
}
