//! `summariser --resummarise`: after a source's summary fields change in `sources.toml`, its
//! stored hours are summarised again from `records`, as a clean run with the new fields would
//! summarise them, except hours whose records are no longer all there.

mod common;

use chrono::{DateTime, Days, TimeDelta, TimeZone, Utc};
use common::{Workspace, quake_at, snapshot, stderr};
use mongodb::bson::{Document, doc};
use releve::store::bson_date;
use testkit::mongo_proxy::{Conduct, MongoProxy};

/// USGS as first configured: magnitudes only.
const BEFORE: &str = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
"#;

/// Then with depth, event types, a plausible range for magnitudes, and positions.
const AFTER: &str = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag", "geometry.coordinates.2"]
categories = ["properties.type"]
plausible = { "properties.mag" = [0, 2.5] }
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
"#;

/// The first hour of the events: 30 hours, more than one pass of the summariser's.
fn first_hour() -> DateTime<Utc> {
    common::at(0, 0, 0)
}

/// Lands two snapshots of events in 30 consecutive hours, the second revising magnitudes.
fn land_events(ws: &Workspace, start: DateTime<Utc>) {
    for (snapshot_at, revision) in [((23, 0, 0), 0.0), ((23, 30, 0), 0.25)] {
        let events = (0..30)
            .flat_map(|hour| {
                let time = start + TimeDelta::hours(hour);
                let mag = f64::from(u32::try_from(hour % 4).expect("small")) + revision;
                [
                    quake_at(&format!("q{hour}a"), time, mag),
                    quake_at(
                        &format!("q{hour}b"),
                        time + TimeDelta::minutes(30),
                        mag + 0.5,
                    ),
                ]
            })
            .collect();
        ws.land("usgs", snapshot_at, &snapshot(events));
    }
}

/// A workspace configured with `config`, holding the events summarised.
fn summarised(label: &str, config: &str, start: DateTime<Utc>) -> Workspace {
    let ws = Workspace::new(label);
    write_config(&ws, config);
    land_events(&ws, start);
    ws.summarise();
    ws
}

fn write_config(ws: &Workspace, config: &str) {
    std::fs::write(ws.dir.path().join("sources.toml"), config).expect("config");
}

/// `hourly`'s documents of `source`, without `_id` and `updated_at`, by hour.
async fn summaries(ws: &Workspace) -> Vec<Document> {
    let mut documents = ws.documents("hourly").await;
    for document in &mut documents {
        document.remove("_id");
        document.remove("updated_at");
    }
    documents.sort_by_key(|document| document.get_datetime("hour").copied().ok());
    documents
}

fn resummarise(ws: &Workspace, sources: &[&str]) -> std::process::Output {
    let mut command = ws.command(testkit::MongoServer::shared().uri());
    let output = command
        .arg("--resummarise")
        .args(sources)
        .output()
        .expect("summariser runs");
    assert!(
        output.status.success(),
        "summariser --resummarise failed: {}",
        stderr(&output)
    );
    output
}

/// `summariser --resummarise`, killed once its first pass is noted pending.
fn resummarise_killed_once_noted(ws: &Workspace) {
    let crashed = ws
        .command(testkit::MongoServer::shared().uri())
        .arg("--resummarise")
        .env("RELEVE_CRASH_AFTER", "pending-written:1")
        .output()
        .expect("summariser runs");
    assert!(!crashed.status.success(), "{}", stderr(&crashed));
}

/// Whether an hourly summary counts the events' types, which [`AFTER`] added.
fn counts_types(hour: &Document) -> bool {
    hour.get_array("categories")
        .is_ok_and(|categories| !categories.is_empty())
}

fn hour_filter(hour: DateTime<Utc>) -> Document {
    doc! {"source": "usgs", "hour": mongodb::bson::DateTime::from_millis(hour.timestamp_millis())}
}

#[tokio::test]
async fn resummarising_after_adding_fields_gives_what_a_clean_run_with_them_gives() {
    let ws = summarised("resum_added", BEFORE, first_hour());
    let before = summaries(&ws).await;
    assert_eq!(before.len(), 30);
    assert!(before.iter().all(|hour| !counts_types(hour)), "{before:?}");

    write_config(&ws, AFTER);
    let output = resummarise(&ws, &[]);
    assert!(
        stderr(&output).contains("resummarised=30"),
        "{}",
        stderr(&output)
    );

    let clean = summarised("resum_clean", AFTER, first_hour());
    let after = summaries(&ws).await;
    assert_eq!(after, summaries(&clean).await);
    // What a user would look for: the added fields, in every hour, and the counts unchanged.
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old.get("count"), new.get("count"));
        assert!(new.get_document("bbox").is_ok(), "{new:?}");
        let categories = new.get_array("categories").expect("categories");
        assert!(!categories.is_empty(), "{new:?}");
        let numeric = new.get_array("numeric").expect("numeric");
        assert_eq!(numeric.len(), 2, "{new:?}");
    }
}

/// Summarised again with nothing changed, no hour is written: `updated_at` says when an hour
/// last changed, which a user syncing the changed hours (and `analyser --if-missing`) reads.
#[tokio::test]
async fn resummarising_with_nothing_changed_writes_no_hour() {
    let ws = summarised("resum_same", AFTER, first_hour());
    let written = ws.documents("hourly").await;
    let output = resummarise(&ws, &[]);
    assert!(
        stderr(&output).contains("resummarised=0"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.documents("hourly").await, written, "updated_at kept");
}

/// `--resummarise` with nothing changed, killed once its pass is noted pending, then finished
/// by cron's next run or by `--resummarise` again: no summary changed, so no hour is written,
/// as an uninterrupted `--resummarise` writes none.
#[tokio::test]
async fn an_interrupted_resummarise_with_nothing_changed_writes_no_hour() {
    for (label, again) in [("resum_same_again", true), ("resum_same_cron", false)] {
        let ws = summarised(label, AFTER, first_hour());
        let written = ws.documents("hourly").await;
        // Let `updated_at` (millisecond precision) tell a rewrite apart.
        std::thread::sleep(std::time::Duration::from_millis(20));
        resummarise_killed_once_noted(&ws);
        let output = if again {
            resummarise(&ws, &[])
        } else {
            // Cron's next run, which knows nothing of --resummarise.
            ws.summarise()
        };
        assert!(
            ws.documents("summariser_pending").await.is_empty(),
            "{label}: the pass is finished"
        );
        assert_eq!(
            ws.documents("hourly").await,
            written,
            "{label}: no summary changed, yet hours were written again (updated_at moved): {}",
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn an_hour_missing_records_it_counted_is_left_as_it_was() {
    let ws = summarised("resum_missing", BEFORE, first_hour());
    let gone_hour = first_hour() + TimeDelta::hours(3);
    let db = ws.db().await;
    db.collection::<Document>("records")
        .delete_one(doc! {"source": "usgs", "key": "q3a"})
        .await
        .expect("deleted by hand");
    // And every record of another hour: `records` holds nothing of it.
    db.collection::<Document>("records")
        .delete_many(doc! {"source": "usgs", "key": {"$in": ["q5a", "q5b"]}})
        .await
        .expect("deleted by hand");
    let kept = db
        .collection::<Document>("hourly")
        .find_one(hour_filter(gone_hour))
        .await
        .expect("read")
        .expect("summarised");

    write_config(&ws, AFTER);
    let output = resummarise(&ws, &["usgs"]);
    let said = stderr(&output);
    assert!(
        said.lines()
            .any(|line| line.contains("Left hours as they were summarised")
                && line.contains("hours=2")),
        "{said}"
    );
    assert!(said.contains("resummarised=28"), "{said}");
    let emptied = first_hour() + TimeDelta::hours(5);
    let left = db
        .collection::<Document>("hourly")
        .find_one(hour_filter(emptied))
        .await
        .expect("read")
        .expect("its summary stays");
    assert!(!counts_types(&left), "{left:?}");

    let hour = db
        .collection::<Document>("hourly")
        .find_one(hour_filter(gone_hour))
        .await
        .expect("read")
        .expect("still summarised");
    assert_eq!(hour, kept, "the hour's summary changed");
    assert_eq!(common::count(&hour), 2);
    let next = db
        .collection::<Document>("hourly")
        .find_one(hour_filter(gone_hour + TimeDelta::hours(1)))
        .await
        .expect("read")
        .expect("summarised");
    assert!(counts_types(&next), "{next:?}");
}

/// Two hours before midnight 19 days ago: 30 hours from then hold, whatever the time of day,
/// the horizon of `keep_days = 19` (now less 19 days).
fn straddling_19_days_ago() -> DateTime<Utc> {
    Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(19))
        .expect("a day")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        - TimeDelta::hours(2)
}

#[tokio::test]
async fn hours_past_keep_days_keep_their_summaries() {
    // 30 hours of events from 2 hours before midnight 19 days ago, then `keep_days = 19`:
    // whatever the time of day, the horizon (now less 19 days) falls among them.
    let start = straddling_19_days_ago();
    let ws = summarised("resum_keep", BEFORE, start);
    let before = summaries(&ws).await;
    write_config(&ws, &format!("{AFTER}keep_days = 19\n"));
    let output = resummarise(&ws, &[]);
    let after = summaries(&ws).await;
    let horizon = Utc::now() - TimeDelta::days(19);
    let mut recent = 0;
    for (old, new) in before.iter().zip(&after) {
        let hour = releve::store::chrono_date(*new.get_datetime("hour").expect("hour"));
        if hour < horizon {
            assert_eq!(old, new, "an hour past keep_days changed");
        } else {
            recent += 1;
            assert!(counts_types(new), "{new:?}");
        }
    }
    assert!(
        (1..30).contains(&recent),
        "the events straddle keep_days: {recent} recent hours"
    );
    let said = stderr(&output);
    assert!(said.contains(&format!("resummarised={recent}")), "{said}");
    let final_hours = 30 - recent;
    assert!(
        said.lines().any(|line| line
            .contains("Left hours that began more than keep_days ago as they were summarised")
            && line.contains(&format!("hours={final_hours}"))),
        "{said}"
    );
}

#[tokio::test]
async fn an_interrupted_resummarise_is_finished_by_the_next_run_or_by_itself_again() {
    let clean = summarised("resum_crash_clean", AFTER, first_hour());
    for (label, again) in [("resum_crash_cron", false), ("resum_crash_again", true)] {
        let ws = summarised(label, BEFORE, first_hour());
        write_config(&ws, AFTER);
        resummarise_killed_once_noted(&ws);
        assert!(
            summaries(&ws).await.iter().all(|hour| !counts_types(hour)),
            "killed before any hour was written"
        );
        if again {
            resummarise(&ws, &[]);
        } else {
            // Cron's next run, which knows nothing of --resummarise: the pass under way was
            // noted as pending.
            ws.summarise();
        }
        assert_eq!(summaries(&ws).await, summaries(&clean).await, "{label}");
        assert!(
            ws.documents("summariser_pending").await.is_empty(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_name_that_is_not_a_source_stops_the_run_before_it_starts() {
    let ws = Workspace::new("resum_unknown");
    let config = format!("{BEFORE}\n[[source]]\nname = \"broken\"\nkind = \"http_json\"\n");
    write_config(&ws, &config);
    land_events(&ws, first_hour());
    for (name, said) in [
        (
            "usgs_typo",
            "no source named `usgs_typo` for --resummarise (see the `name` keys)",
        ),
        ("broken", "the `[[source]]` table named `broken` is refused"),
    ] {
        let output = ws
            .command(testkit::MongoServer::shared().uri())
            .args(["--resummarise", "usgs", name])
            .output()
            .expect("summariser runs");
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(said), "{}", stderr(&output));
        assert!(
            !stderr(&output).contains("the other sources are summarised"),
            "a run that summarises nothing does not say it does: {}",
            stderr(&output)
        );
        assert_eq!(ws.remaining("usgs"), 2, "files were summarised");
    }
    assert!(
        ws.documents("hourly").await.is_empty(),
        "the run wrote summaries"
    );
}

/// `key` changed in place to `[id, properties.time]`: each event stored again under its new key.
fn rekeyed(config: &str) -> String {
    config.replace("key = \"id\"", "key = [\"id\", \"properties.time\"]")
}

/// Lands one snapshot of two events in each of 30 hours from `start`, at `landed`.
fn land_snapshot(ws: &Workspace, start: DateTime<Utc>, landed: (u32, u32, u32)) {
    let events = (0..30)
        .flat_map(|hour| {
            let time = start + TimeDelta::hours(hour);
            [
                quake_at(&format!("q{hour}a"), time, 1.0),
                quake_at(&format!("q{hour}b"), time + TimeDelta::minutes(30), 1.5),
            ]
        })
        .collect();
    ws.land("usgs", landed, &snapshot(events));
}

/// Each hour's `count`.
async fn counts(ws: &Workspace) -> Vec<i64> {
    summaries(ws).await.iter().map(common::count).collect()
}

/// README, `key`: the repair of a `key` changed in place, as written (its deletions in pymongo's
/// words), on a source whose doubled hours passed `keep_days` meanwhile (set at the repair, the
/// clock of the test not moving): every hour is summarised again from the records left.
#[tokio::test]
async fn the_readmes_repair_of_a_key_changed_in_place_gives_back_every_hour() {
    let start = straddling_19_days_ago();
    let ws = Workspace::new("resum_rekeyed");
    write_config(&ws, BEFORE);
    land_snapshot(&ws, start, (22, 0, 0));
    ws.summarise();
    write_config(&ws, &rekeyed(BEFORE));
    land_snapshot(&ws, start, (23, 0, 0));
    ws.summarise();
    assert!(counts(&ws).await.iter().all(|count| *count == 4), "doubled");

    // Step 1: the source disabled, the summariser run once.
    write_config(&ws, &format!("{}enabled = false\n", rekeyed(BEFORE)));
    ws.summarise();
    // Step 2, from the summariser's last run before the change.
    let db = ws.db().await;
    let since = doc! {"source": "usgs", "landed_at": {"$gte": releve::store::bson_date(common::at(22, 5, 0))}};
    let records = db.collection::<Document>("records");
    let hours = records
        .distinct("hour", since.clone())
        .await
        .expect("distinct");
    records.delete_many(since).await.expect("records deleted");
    let each_hour: Vec<Document> = hours
        .into_iter()
        .map(|hour| doc! {"source": "usgs", "hour": hour})
        .collect();
    db.collection::<Document>("hourly")
        .delete_many(doc! {"$or": each_hour})
        .await
        .expect("hours deleted");
    // Step 3, the doubled hours now past `keep_days`.
    write_config(&ws, &format!("{}enabled = false\nkeep_days = 19\n", BEFORE));
    let output = resummarise(&ws, &["usgs"]);
    let counted = counts(&ws).await;
    assert_eq!(counted.len(), 30, "{counted:?}\n{}", stderr(&output));
    assert!(counted.iter().all(|count| *count == 2), "{counted:?}");
    let said = stderr(&output);
    assert!(
        !said.contains("Left hours that began more than keep_days ago"),
        "every hour was summarised again, none left as it was: {said}"
    );
}

/// An hourly summary edited by hand out of shape (its `count` made text): `--resummarise`
/// leaves it out of the summaries it compares with, so its hour is taken for one without a
/// summary and its new summary inserted, which the `(source, hour)` index refuses as a
/// duplicate. The hour is then replaced: the run ends well, with one summary of the hour, as a
/// clean run writes it.
#[tokio::test]
async fn an_hourly_summary_edited_out_of_shape_is_replaced() {
    let ws = summarised("resum_misshapen", AFTER, first_hour());
    let clean = summaries(&ws).await;
    let edited = first_hour() + TimeDelta::hours(3);
    ws.db()
        .await
        .collection::<Document>("hourly")
        .replace_one(
            hour_filter(edited),
            doc! {"source": "usgs", "hour": bson_date(edited), "count": "x"},
        )
        .await
        .expect("edited by hand");
    let output = resummarise(&ws, &["usgs"]);
    let said = stderr(&output);
    let after = summaries(&ws).await;
    let of_the_hour = |documents: &[Document]| -> Vec<Document> {
        documents
            .iter()
            .filter(|hour| hour.get_datetime("hour") == Ok(&bson_date(edited)))
            .cloned()
            .collect()
    };
    assert_eq!(
        of_the_hour(&after),
        of_the_hour(&clean),
        "one summary of the hour edited, as a clean run writes it: {said}"
    );
    assert!(after == clean, "every other hour as it was: {said}");
    assert!(said.contains("resummarised=1"), "{said}");
}

/// `--resummarise` of a source holding records of an hour in 2023 and of the test day's hours,
/// with the summaries of 40 hours in between whose records were deleted: the summaries it
/// compares its new ones with are read for the hours it summarises again, not for every hour
/// from the first to the last (years of a source's summaries, on a remote server).
#[tokio::test]
async fn resummarising_an_hour_years_back_beside_recent_ones_reads_only_their_summaries() {
    let ws = Workspace::new("resum_far_apart");
    write_config(&ws, BEFORE);
    let years_back = Utc
        .with_ymd_and_hms(2023, 3, 1, 5, 10, 0)
        .single()
        .expect("a date");
    let gone_from = Utc
        .with_ymd_and_hms(2025, 6, 1, 0, 0, 0)
        .single()
        .expect("a date");
    let recent = (10..13).map(|h| common::at(h, 10, 0));
    let events = std::iter::once(years_back)
        .chain((0..40).map(|h| gone_from + TimeDelta::minutes(60 * h + 10)))
        .chain(recent)
        .enumerate()
        .map(|(n, time)| quake_at(&format!("q{n}"), time, 1.5))
        .collect();
    ws.land("usgs", (20, 0, 0), &snapshot(events));
    ws.summarise();
    let db = ws.db().await;
    let gone = doc! {"source": "usgs", "hour": {
        "$gte": bson_date(gone_from),
        "$lt": bson_date(gone_from + TimeDelta::hours(40)),
    }};
    let deleted = db
        .collection::<Document>("records")
        .delete_many(gone)
        .await
        .expect("deleted by hand");
    assert_eq!(deleted.deleted_count, 40);

    write_config(&ws, AFTER);
    let proxy = MongoProxy::start(testkit::MongoServer::shared().uri(), Conduct::counting());
    let output = ws
        .command(&proxy.uri())
        .args(["--resummarise", "usgs"])
        .output()
        .expect("summariser runs");
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("resummarised=4"), "{said}");
    let returned = proxy.documents_returned();
    let read: usize = ["find hourly", "getMore hourly"]
        .iter()
        .filter_map(|kind| returned.get(*kind))
        .sum();
    // The hours' counts read every summary of the source once (44); the summaries compared
    // with are those of the 4 hours summarised again.
    assert!(
        read <= 44 + 4,
        "documents read from `hourly` by --resummarise of 4 hours among 44 summaries: {read} \
         ({returned:?})"
    );
}

/// Events in every other hour from the first: their hours make `runs` runs of one hour.
fn land_scattered_events(ws: &Workspace, runs: i64) {
    let events = (0..runs)
        .flat_map(|run| {
            let time = first_hour() + TimeDelta::hours(2 * run);
            [
                quake_at(&format!("s{run}a"), time, 1.0),
                quake_at(&format!("s{run}b"), time + TimeDelta::minutes(20), 2.0),
            ]
        })
        .collect();
    ws.land("usgs", (23, 0, 0), &snapshot(events));
}

/// Hours scattered over more runs than the summariser reads by range (four) have their stored
/// summaries read by a list of hours: summarised again with nothing changed, every one is
/// found the same and none written; with fields added, each is rewritten as a clean run gives.
#[tokio::test]
async fn scattered_hours_resummarised_read_their_summaries_by_a_list_of_hours() {
    let ws = Workspace::new("resum_scattered");
    write_config(&ws, AFTER);
    land_scattered_events(&ws, 6);
    ws.summarise();
    let written = ws.documents("hourly").await;
    assert_eq!(written.len(), 6, "one summary per scattered hour");

    let proxy = testkit::mongo_proxy::MongoProxy::start(
        testkit::MongoServer::shared().uri(),
        testkit::mongo_proxy::Conduct::counting(),
    );
    let output = ws
        .command(&proxy.uri())
        .arg("--resummarise")
        .output()
        .expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("resummarised=0"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.documents("hourly").await, written, "updated_at kept");
    let kinds = proxy.commands_by_kind();
    for write in ["insert hourly", "update hourly", "delete hourly"] {
        assert_eq!(kinds.get(write), None, "no summary written: {kinds:?}");
    }
    let filters = proxy.find_filters("hourly");
    assert!(
        filters.iter().any(|filter| filter
            .get_document("hour")
            .is_ok_and(|hour| hour.contains_key("$in"))),
        "the six hours' summaries read by a list of hours: {filters:?}"
    );

    // The same hours with fields added: rewritten as a clean run with them writes them.
    let changed = Workspace::new("resum_scattered_changed");
    write_config(&changed, BEFORE);
    land_scattered_events(&changed, 6);
    changed.summarise();
    write_config(&changed, AFTER);
    resummarise(&changed, &[]);
    assert_eq!(summaries(&changed).await, summaries(&ws).await);
}
