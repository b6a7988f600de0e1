//! One installation copied whole to another machine (a spare, a laptop it moved from still
//! running), both summarising into one database: the database names the machine whose
//! summariser wrote last, and a run on another machine says so.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Workspace, quake, snapshot, stderr};
use mongodb::bson::{Document, doc};

/// Names `host` in the database's installation document as the machine whose summariser took
/// the database over `ago` before now, as that machine's run would have.
async fn taken_over_by(ws: &Workspace, host: &str, ago: TimeDelta) {
    let installation = ws.db().await.collection::<Document>("installation");
    let mut named = installation
        .find_one(doc! {"_id": "summariser"})
        .await
        .expect("read")
        .expect("the installation is named");
    named.insert("host", host);
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

/// The spare's summariser ran ten minutes ago into this database (its copy of the raw folder
/// holding the same id): this machine's run says so, naming the other machine, and what to do;
/// its own data is summarised all the same, and the database names this machine from then on.
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
    taken_over_by(&ws, "lab-spare", TimeDelta::minutes(10)).await;

    ws.land(
        "usgs",
        (9, 30, 0),
        &snapshot(vec![quake("b", (9, 10), 2.0)]),
    );
    let output = ws.summarise();
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("ran on another machine") && said.contains("lab-spare"),
        "a copy of the installation summarising into the same database is told: {said}"
    );
    assert!(ws.record("usgs", "b").await.is_some(), "{said}");
    assert_eq!(named_host(&ws).await, Some(here));
}

/// A machine the installation moved from, whose last run took the database over three hours
/// ago, is not said: the move is over. Nor is this machine's own earlier run.
#[tokio::test]
async fn a_run_long_after_another_machines_or_after_its_own_says_nothing() {
    let ws = Workspace::new("two-machines-old");
    ws.land(
        "usgs",
        (8, 30, 0),
        &snapshot(vec![quake("a", (8, 10), 1.0)]),
    );
    ws.summarise();
    taken_over_by(&ws, "old-laptop", TimeDelta::hours(3)).await;
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
