//! One installation copied whole to another machine (a spare, a laptop it moved from still
//! running), both summarising into one database: the database names the machine whose
//! summariser wrote last, and a run on another machine says so.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Workspace, quake, snapshot, stderr};
use mongodb::bson::{Document, doc};

/// Names `host` in the database's installation document as the machine whose summariser took
/// the database over `ago` before now from `before`, as that machine's run would have.
async fn taken_over_by(ws: &Workspace, host: &str, ago: TimeDelta, before: &str) {
    let installation = ws.db().await.collection::<Document>("installation");
    let mut named = installation
        .find_one(doc! {"_id": "summariser"})
        .await
        .expect("read")
        .expect("the installation is named");
    named.insert("host", host);
    named.insert("host_before", before);
    let since = Utc::now() - ago;
    named.insert(
        "host_since",
        mongodb::bson::DateTime::from_millis(since.timestamp_millis()),
    );
    installation
        .replace_one(doc! {"_id": "summariser"}, named)
        .await
        .expect("replace");
}

async fn named_host(ws: &Workspace) -> Option<String> {
    let installation = ws.documents("installation").await;
    installation[0].get_str("host").ok().map(str::to_owned)
}

/// The spare's summariser took the database over from this machine's ten minutes ago (its copy
/// of the raw folder holding the same id): this machine's run says so, naming the other
/// machine, and what to do; its own data is summarised all the same, and the database names
/// this machine from then on, taken over from the spare (whose next run says so in turn).
#[tokio::test]
async fn a_run_after_another_machines_summariser_says_a_copy_runs_there() {
    let ws = Workspace::new("two-machines-recent");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    let here = named_host(&ws)
        .await
        .expect("the first run names its machine");
    taken_over_by(&ws, "lab-spare", TimeDelta::minutes(10), &here).await;

    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let output = ws.summarise();
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("on another machine took the database over") && said.contains("lab-spare"),
        "a copy of the installation summarising into the same database is told: {said}"
    );
    assert!(ws.record("usgs", "b").await.is_some(), "{said}");
    assert_eq!(named_host(&ws).await, Some(here));
    let installation = ws.documents("installation").await;
    assert_eq!(
        installation[0].get_str("host_before").ok(),
        Some("lab-spare")
    );
}

/// A machine that took the database over from another, not from this one (the machine the
/// installation moved from, which a Kubernetes pod or a laptop renamed by its network never
/// returns to), is not said.
#[tokio::test]
async fn a_run_after_a_machine_that_took_over_from_another_says_nothing() {
    let ws = Workspace::new("two-machines-elsewhere");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    taken_over_by(&ws, "pod-2", TimeDelta::minutes(10), "pod-1").await;
    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let said = stderr(&ws.summarise());
    assert!(!said.contains("another machine"), "{said}");
}

/// A machine that took the database over from this one three hours ago is not said: a copy
/// running hourly would have taken it over within the hour. Nor is this machine's own earlier
/// run.
#[tokio::test]
async fn a_run_long_after_another_machines_or_after_its_own_says_nothing() {
    let ws = Workspace::new("two-machines-old");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    let here = named_host(&ws)
        .await
        .expect("the first run names its machine");
    taken_over_by(&ws, "old-laptop", TimeDelta::hours(3), &here).await;
    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let said = stderr(&ws.summarise());
    assert!(!said.contains("another machine"), "{said}");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("c", (10, 10), 2.0)]),
    );
    let said = stderr(&ws.summarise());
    assert!(!said.contains("another machine"), "{said}");
}

/// Whether this machine lets a test give a process a hostname of its own, as a container
/// runtime does (`unshare` of util-linux, a UTS namespace in a user namespace).
fn uts_namespaces() -> bool {
    std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--uts", "hostname", "pod"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The summariser run as the Kubernetes CronJob of `deploy/kubernetes/summariser.yaml` runs it:
/// each hourly Job is a new pod, whose hostname is the pod's name (`releve-summariser-<n>-<x>`).
fn summarise_in_pod(ws: &Workspace, pod: &str) -> std::process::Output {
    let summariser = ws.command(testkit::MongoServer::shared().uri());
    let mut command = std::process::Command::new("unshare");
    command
        .args(["--user", "--map-root-user", "--uts", "sh", "-c"])
        .arg(r#"hostname "$0" && exec "$@""#)
        .arg(pod)
        .arg(summariser.get_program())
        .args(summariser.get_args())
        .current_dir(ws.dir.path())
        .env("RUST_LOG", "info")
        .env("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    let output = command.output().expect("unshare runs the summariser");
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

/// The README's Kubernetes set-up (one summariser CronJob, `concurrencyPolicy: Forbid`): every
/// hourly run is a new pod with a new hostname, so each reads the database as written within
/// the hour by "another machine" and warns that a copy of the checkout runs there and that two
/// summarisers race on its hours. Only one summariser ever runs: the warning is false at every
/// run (24 a day), and tells the user to stop one of two machines that do not exist. The
/// machines seen never come back (no pod's hostname is seen twice): no two of them race.
#[tokio::test]
async fn a_summariser_in_a_new_kubernetes_pod_each_hour_is_not_told_another_machine_runs() {
    if !uts_namespaces() {
        eprintln!("skipped: no UTS namespace can be made here (unshare, user namespaces)");
        return;
    }
    let ws = Workspace::new("two-machines-pods");
    let pods = [
        "releve-summariser-29418245-8xk2p",
        "releve-summariser-29418305-q7d4m",
        "releve-summariser-29418365-zt9wc",
    ];
    for (hour, pod) in pods.iter().enumerate() {
        let h = 8 + u32::try_from(hour).expect("an hour");
        ws.land(
            "usgs",
            (h, 30, 0),
            &snapshot(vec![quake(&format!("q{h}"), (h, 10), 1.0)]),
        );
        let said = stderr(&summarise_in_pod(&ws, pod));
        assert!(
            !said.contains("another machine"),
            "the run in pod {pod} is the one summariser of the database: {said}"
        );
        assert_eq!(named_host(&ws).await.as_deref(), Some(*pod));
    }
}
