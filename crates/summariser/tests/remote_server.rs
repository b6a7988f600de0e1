//! A MongoDB a continent away (an Atlas cluster in Europe, summarised from Nouméa: 300 ms a
//! round trip): what a run costs there is its number of commands, so a batch's records must
//! not cost one command each, nor its set-up one command per source or per index.

mod common;

use std::collections::BTreeMap;

use common::{Workspace, eco2mix, quake, snapshot, stderr};
use serde_json::{Value, json};
use testkit::mongo_proxy::{Conduct, MongoProxy};

/// The day's 96 éCO2mix quarter-hours, their consumption `base` plus their index.
fn quarter_hours(base: i64) -> Value {
    let rows: Vec<Value> = (0..96u32)
        .map(|q| eco2mix((q / 4, q % 4 * 15), json!(base + i64::from(q))))
        .collect();
    Value::Array(rows)
}

/// The write commands a run makes (through a counting proxy) that lands the day again with
/// its first `revised` quarter-hours revised, after a run that stored the day.
fn writes_to_revise(label: &str, revised: usize) -> usize {
    let ws = Workspace::new(label);
    ws.land("eco2mix", (23, 50, 0), &quarter_hours(50_000));
    ws.summarise();
    let mut day = quarter_hours(50_000);
    if let Value::Array(rows) = &mut day {
        for row in rows.iter_mut().take(revised) {
            row["consommation"] = json!(row["consommation"].as_i64().unwrap_or(0) + 7);
            row["nature"] = json!("Données consolidées");
        }
    }
    ws.land("eco2mix", (23, 55, 0), &day);
    let proxy = MongoProxy::start(testkit::MongoServer::shared().uri(), Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("updated={revised} ")),
        "{revised} records replaced: {}",
        stderr(&output)
    );
    proxy.writes()
}

/// éCO2mix's quarter-hours are consolidated weeks after they first landed, and `recheck`
/// lands them again, revised (about 3,400 rows a day with `recheck = "35d"`). Replaced one
/// `replaceOne` at a time, a day of 96 revised rows took 96 round trips: 29 s of a 49 s run at
/// 300 ms, and a recheck of 3,000 revised rows 15 minutes. Revising the whole day costs the
/// writes revising one row does.
#[tokio::test]
async fn a_day_of_revised_records_costs_the_writes_of_one_revised_record() {
    let one = writes_to_revise("remote-revise-one", 1);
    let day = writes_to_revise("remote-revise-day", 96);
    assert_eq!(
        day, one,
        "a run replacing 96 revised records makes {day} write commands, one replacing 1 makes {one}"
    );
}

/// The revised versions are what is stored, each record once.
#[tokio::test]
async fn revised_records_replace_the_stored_versions() {
    let ws = Workspace::new("remote-revised-stored");
    ws.land("eco2mix", (23, 50, 0), &quarter_hours(50_000));
    ws.summarise();
    ws.land("eco2mix", (23, 55, 0), &quarter_hours(60_000));
    ws.summarise();
    let key = format!("{}T13:45:00+00:00", common::day());
    let stored = ws.record_data("eco2mix", &key).await.expect("the record");
    assert_eq!(stored["consommation"], json!(60_055));
    let all = ws.documents("records").await;
    assert_eq!(all.len(), 96, "each quarter-hour stored once");
}

/// A configuration of `sources` USGS-shaped sources, `quakes-0` to `quakes-<sources - 1>`.
fn quake_sources(sources: usize) -> String {
    (0..sources)
        .map(|n| {
            format!(
                "[[source]]\nname = \"quakes-{n}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/q\"\nevery = \"1m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\nnumeric = [\"properties.mag\"]\n\n"
            )
        })
        .collect()
}

/// The commands (by name) a run with nothing landed sends through a proxy, on a database
/// holding a run and a record of each of `sources` sources, stored by the run before.
fn commands_of_a_quiet_run(label: &str, sources: usize) -> BTreeMap<String, usize> {
    let ws = Workspace::new(label);
    std::fs::write(ws.dir.path().join("sources.toml"), quake_sources(sources)).expect("config");
    for n in 0..sources {
        let source = format!("quakes-{n}");
        let landed = ws.land(
            &source,
            (9, 30, 0),
            &snapshot(vec![quake("a", (9, 5), 1.0)]),
        );
        ws.metrics(&landed, 1, None);
    }
    ws.summarise();
    let proxy = MongoProxy::start(testkit::MongoServer::shared().uri(), Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Nothing to summarise"),
        "{}",
        stderr(&output)
    );
    proxy.commands()
}

/// The `find` commands among `commands`.
fn finds(commands: &BTreeMap<String, usize>) -> usize {
    commands.get("find").copied().unwrap_or(0)
}

/// An hourly run with nothing new to summarise, from a laptop in Nouméa to an Atlas cluster
/// in Europe, took 14 s for the repository's seven sources, 18 s once each held runs: six
/// reads one after another for each source (its pending hours, its newest file summarised,
/// its oldest and newest run at the start and again at the end), 300 ms each. Each source
/// now costs the reads of its oldest and newest run, once a run (sent together, see the
/// README's bench notes); what the run found pending or summarised is read for all at once.
#[tokio::test]
async fn a_run_with_nothing_landed_reads_each_sources_runs_once_and_nothing_more() {
    let two = commands_of_a_quiet_run("remote-quiet-two", 2);
    let eight = commands_of_a_quiet_run("remote-quiet-eight", 8);
    assert!(
        finds(&eight) <= finds(&two) + 2 * 6,
        "a run of eight sources sends {eight:?}, one of two {two:?}: more than two reads for each source more"
    );
}

/// Each run ensures relevé's indexes: ten of them on five collections, one `createIndexes`
/// each took 3 s at 300 ms. One command a collection makes them (an index already there with
/// the same options is left as it is).
#[tokio::test]
async fn a_run_ensures_each_collections_indexes_in_one_command() {
    let commands = commands_of_a_quiet_run("remote-indexes", 1);
    assert_eq!(
        commands.get("createIndexes"),
        Some(&5),
        "one `createIndexes` for each of hourly, records, runs, rejected and rejected_records: {commands:?}"
    );
}

/// A run opened two clients to a single server, one to ping it and one for its work: each a
/// TLS handshake, a login and a monitor of its own, two round trips or more before the first
/// command (2.1 s at 300 ms), five connections in all. The ping's client does the run's work:
/// a run through the proxy opens the connections of one client (its monitor, and one
/// connection for each of the two reads it sends together).
#[tokio::test]
async fn a_run_on_a_single_server_connects_once() {
    let ws = Workspace::new("remote-one-client");
    ws.land("eco2mix", (23, 50, 0), &quarter_hours(50_000));
    let proxy = MongoProxy::start(testkit::MongoServer::shared().uri(), Conduct::counting());
    let output = ws.command(&proxy.uri()).output().expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let connections = proxy.connections();
    assert!(
        connections <= 3,
        "{connections} connections, more than one client's: {:?}",
        proxy.commands()
    );
}
