//! A student whose MongoDB is a continent away reads the day report: each read waits a round
//! trip, so the analyser reads a few sources at once, and the answers come back in whatever
//! order the network brings them. The report, what the run logs and its exit status are those
//! of a report read from a server nearby.

mod common;

use chrono::Duration;
use common::golden;
use mongodb::bson::{Document, doc};
use releve::store;
use testkit::MongoServer;
use testkit::mongo_proxy::{Conduct, MongoProxy};

/// What a user sees of a report run: its exit status, the report's text and the lines it
/// logged, its folder and the times that differ from run to run put aside.
#[derive(Debug, PartialEq)]
struct Seen {
    status: Option<i32>,
    text: String,
    log: Vec<String>,
}

/// The golden day's report of `database` at `uri`, written in a folder of its own, as a user
/// runs it by hand (logging what cron's job logs).
async fn day_report(uri: &str, database: &str) -> Seen {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");
    let date = golden::date(0);
    let args: Vec<String> = [
        "--mongodb-uri",
        uri,
        "--database",
        database,
        "--date",
        &date,
    ]
    .map(str::to_owned)
    .to_vec();
    let root = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::analyser_logging(&root, &args, "info")
    })
    .await
    .expect("analyser thread");
    let pdf = dir.path().join(golden::report(0));
    let folder = dir.path().to_string_lossy().into_owned();
    let log = String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(|line| as_seen_again(&line.replace(&folder, "DIR").replace(uri, "URI")))
        .collect();
    Seen {
        status: output.status.code(),
        text: as_seen_again(&common::text(&pdf)),
        log,
    }
}

/// `text` with what differs between two runs of one report put aside: the time of day it was
/// generated (`Generated 2026-12-06 19:33:07 CET`), a log line's stamps
/// (`2026-12-06T19:34:13.794901Z`, `[2026-12-06T19:34:13+00:00]`) and the milliseconds and
/// bytes a run took. The hours named in the text (`hour 2026-11-21T01:00:00Z)`) are kept.
fn as_seen_again(text: &str) -> String {
    let clock = |word: &str| chrono::NaiveTime::parse_from_str(word, "%H:%M:%S").is_ok();
    let stamp =
        |word: &str| chrono::DateTime::parse_from_rfc3339(word.trim_matches(['[', ']'])).is_ok();
    text.split_whitespace()
        .filter(|word| {
            let measured = word.starts_with("render_ms=") || word.starts_with("bytes=");
            !clock(word) && !stamp(word) && !measured
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Summaries of `source` edited by hand into a shape the analyser cannot read, at these hours
/// of the golden day.
async fn misshape(database: &mongodb::Database, source: &str, hours: &[i64]) {
    let hourly = database.collection::<Document>(store::HOURLY);
    for hour in hours {
        let at = golden::day_start() + Duration::hours(*hour);
        hourly
            .update_one(
                doc! {"source": source, "hour": store::bson_date(at)},
                doc! {"$set": {"count": "four"}},
            )
            .await
            .expect("edit a summary");
    }
}

/// The golden day, with summaries of two sources edited by hand, six in all: the report names
/// the first five it meets, in the configuration's order, and counts the last, and exits 1.
/// Read through a proxy holding each answer back a varied while, its sources read together,
/// the report is the same, page by page, and so are its log and its exit status.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_read_from_afar_out_of_order_is_the_one_read_nearby() {
    let server = MongoServer::shared();
    let name = server.fresh_database("far-away");
    let database = server.client_database(&name).await;
    golden::insert(&database).await;
    misshape(&database, "quakes", &[2, 5, 11]).await;
    misshape(&database, "meteo", &[1, 3, 12]).await;

    let near = day_report(server.uri(), &name).await;
    assert_eq!(near.status, Some(1), "{near:#?}");
    let named: Vec<&String> = near
        .log
        .iter()
        .filter(|line| line.contains("does not have the shape relevé writes"))
        .collect();
    assert_eq!(named.len(), 5, "{near:#?}");
    assert!(named[..3].iter().all(|line| line.contains("(quakes, hour")));
    assert!(named[3..].iter().all(|line| line.contains("(meteo, hour")));

    let proxy = MongoProxy::start(server.uri(), Conduct::far());
    let far = day_report(&proxy.uri(), &name).await;
    assert_eq!(far, near);
    let most = proxy.most_waiting_at_once();
    assert!(
        most.get("find hourly").is_some_and(|most| *most > 1),
        "the sources' summaries were read one after another: {most:?}"
    );
}
