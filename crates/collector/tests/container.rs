//! The `collector` binary run as a container runs it: the image's command, so the first
//! process of its own PID namespace (`docker run IMAGE collector …`, the Kubernetes CronJobs
//! of `deploy/kubernetes/`, which name no init). These tests spawn processes.

mod common;

use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::{Site, numbered_feed, usgs_source};

/// Whether this machine lets a test start a process in a PID namespace of its own, as a
/// container runtime does (`unshare` of util-linux, unprivileged user namespaces).
fn pid_namespaces() -> bool {
    Command::new("unshare")
        .args(["--user", "--map-root-user", "--pid", "--fork", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The pids of the children of `pid` (its threads' children alike).
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|text| {
            text.split_whitespace()
                .filter_map(|pid| pid.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

fn signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status();
}

/// `docker stop`, a pod deleted, a node drained or a Job past its `activeDeadlineSeconds` send
/// the container's first process SIGTERM, then SIGKILL after the grace period (10 s for docker,
/// 30 s for Kubernetes). The kernel applies no default action to a signal PID 1 has no handler
/// for, and the collector installs none: as the image runs it, SIGTERM is ignored, the run goes
/// on calling its APIs (here a hung one) until the SIGKILL, every stop takes the whole grace
/// period and ends in exit status 137, a kill. A run asked to stop should stop.
#[test]
fn a_collector_that_is_a_containers_first_process_stops_at_sigterm() {
    if !pid_namespaces() {
        eprintln!("skipped: no PID namespace can be made here (unshare, user namespaces)");
        return;
    }
    // An API that answers nothing for two minutes: the source's call waits its `timeout`.
    let (server, calls) = numbered_feed(|_| async {
        tokio::time::sleep(Duration::from_secs(120)).await;
        "{}".to_owned()
    });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let mut container = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--pid",
            "--fork",
            "--kill-child",
        ])
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unshare starts the collector");
    let started = Instant::now();
    while calls.load(Ordering::SeqCst) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the collector called the API"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let [collector] = children(container.id())[..] else {
        panic!("unshare forked the collector as its one child");
    };
    signal(collector, "TERM");
    let asked = Instant::now();
    let stopped = loop {
        if let Some(status) = container.try_wait().expect("wait") {
            break Some(status);
        }
        if asked.elapsed() > Duration::from_secs(5) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if stopped.is_none() {
        // What the runtime does at the end of the grace period.
        signal(collector, "KILL");
        let _ = container.wait();
    }
    assert!(
        stopped.is_some(),
        "the collector, the container's first process, was still running 5 s after SIGTERM \
         (docker stop waits 10 s, then kills it: exit status 137)"
    );
    let mut stderr = String::new();
    std::io::Read::read_to_string(
        &mut container.stderr.take().expect("its stderr"),
        &mut stderr,
    )
    .expect("its log");
    assert!(
        stderr.contains("collector: stopped by SIGTERM before it finished"),
        "one line says why the run ended: {stderr}"
    );
    // The run is recorded as failed, saying why, not left for the next run to call a crash.
    let metrics: Vec<String> = std::fs::read_dir(site.dir.path().join("raw/usgs"))
        .expect("raw/usgs")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".metrics.json"))
        .map(|path| std::fs::read_to_string(path).expect("metrics"))
        .collect();
    assert!(
        metrics.len() == 1 && metrics[0].contains("stopped by SIGTERM before it finished"),
        "{metrics:?}"
    );
}

/// The same stop outside a container (`systemctl stop`, a shutdown, `kill`), where the kernel's
/// default for SIGTERM would end the run on the spot: the collector records the source under
/// way as a failed run saying why, rather than leaving it for the next run to call "killed or
/// crashed". This runs wherever the tests do (no PID namespace needed).
#[test]
fn a_collector_stopped_by_sigterm_records_the_run_under_way_as_stopped() {
    let (server, calls) = numbered_feed(|_| async {
        tokio::time::sleep(Duration::from_secs(120)).await;
        "{}".to_owned()
    });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let mut collector = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the collector starts");
    let started = Instant::now();
    while calls.load(Ordering::SeqCst) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the collector called the API"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(collector.id(), "TERM");
    let asked = Instant::now();
    while collector.try_wait().expect("wait").is_none() {
        if asked.elapsed() > Duration::from_secs(5) {
            let _ = collector.kill();
            panic!("the collector still runs 5 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = collector.wait_with_output().expect("its output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("collector: stopped by SIGTERM before it finished"),
        "{stderr}"
    );
    let metrics: Vec<String> = std::fs::read_dir(site.dir.path().join("raw/usgs"))
        .expect("raw/usgs")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".metrics.json"))
        .map(|path| std::fs::read_to_string(path).expect("metrics"))
        .collect();
    assert!(
        metrics.len() == 1 && metrics[0].contains("stopped by SIGTERM before it finished"),
        "{metrics:?}"
    );
}
