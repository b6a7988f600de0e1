//! A source's `version` field: a stale copy of a record served after a newer version (a cache,
//! a lagging mirror) does not replace it, however the files are split into runs and batches.

mod common;

use common::{Workspace, at, count, numeric, quake, quake_at, snapshot};
use mongodb::bson::Bson;
use serde_json::{Value, json};

/// The tests' USGS source, its records versioned by `properties.updated`.
fn versioned_config() -> String {
    common::CONFIG.replace(
        "time = \"properties.time\"\n",
        "time = \"properties.time\"\nversion = \"properties.updated\"\n",
    )
}

/// Event `id` at 10:05 with magnitude `mag`, as USGS served it after its update at minute
/// `updated` past 10:00.
fn updated_quake(id: &str, mag: f64, updated: u32) -> Value {
    let mut event = quake(id, (10, 5), mag);
    event["properties"]["updated"] = json!(at(10, updated, 0).timestamp_millis());
    event
}

/// The newest version (updated at 10:20) lands, then a cache serves the version updated at
/// 10:10 again, then the event leaves the feed.
fn land_a_stale_copy_after_the_newest(ws: &Workspace) {
    ws.land(
        "usgs",
        (10, 15, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10)]),
    );
    ws.land(
        "usgs",
        (10, 25, 0),
        &snapshot(vec![updated_quake("a", 2.5, 20), quake("b", (10, 30), 1.0)]),
    );
    ws.land(
        "usgs",
        (10, 35, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10), quake("b", (10, 30), 1.0)]),
    );
    ws.land(
        "usgs",
        (10, 45, 0),
        &snapshot(vec![quake("b", (10, 30), 1.0)]),
    );
}

#[tokio::test]
async fn a_stale_copy_served_later_does_not_replace_the_newest_version() {
    let config = versioned_config();
    let mut states = Vec::new();
    for batch_files in [1, 2, 500] {
        let ws = Workspace::new("stale-copy");
        land_a_stale_copy_after_the_newest(&ws);
        let options = ws.options(&config, batch_files);
        let outcome = summariser::run(&options).await.expect("a run");
        assert!(outcome.failures().is_empty());
        let hour = ws.hour("usgs", 10).await.expect("hour 10");
        assert_eq!(count(&hour), 2);
        assert_eq!(
            numeric(&hour, "properties.mag", "max"),
            Bson::Double(2.5),
            "the magnitude of the latest update stays ({batch_files} file(s) a batch)"
        );
        let data = ws.record_data("usgs", "a").await.expect("record a");
        assert_eq!(data, updated_quake("a", 2.5, 20));
        assert_eq!(ws.remaining("usgs"), 0, "every file is summarised");
        states.push(ws.dump().await);
    }
    assert_eq!(states[0], states[1], "two files a batch as one");
    assert_eq!(states[0], states[2], "all files in one batch as one by one");
}

#[tokio::test]
async fn a_stale_copy_in_a_later_run_leaves_the_stored_version() {
    let ws = Workspace::new("stale-copy-later-run");
    std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
    ws.land(
        "usgs",
        (10, 25, 0),
        &snapshot(vec![updated_quake("a", 2.5, 20)]),
    );
    ws.summarise();
    let before = ws.dump_exact().await;
    ws.land(
        "usgs",
        (10, 35, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10)]),
    );
    let output = common::stderr(&ws.summarise());
    assert_eq!(
        ws.dump_exact().await,
        before,
        "nothing is written, the hour's write time included"
    );
    assert!(
        output.contains("inserted=0 updated=0 hours=0"),
        "the log says nothing was written: {output}"
    );
    assert_eq!(ws.remaining("usgs"), 0, "the stale copy's file is deleted");
}

/// One answer holding an event twice, its latest update first and a stale copy further on (a
/// lagging mirror behind a page that shifted): the latest update is stored, and the hour shows
/// its magnitude, whatever the order within the file.
#[tokio::test]
async fn a_stale_copy_further_in_the_same_file_leaves_the_newest_version() {
    for (order, events) in [
        (
            "newest first",
            [updated_quake("a", 2.5, 20), updated_quake("a", 1.0, 10)],
        ),
        (
            "stale first",
            [updated_quake("a", 1.0, 10), updated_quake("a", 2.5, 20)],
        ),
    ] {
        let ws = Workspace::new("stale-copy-same-file");
        std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
        ws.land("usgs", (10, 25, 0), &snapshot(events.to_vec()));
        ws.summarise();
        let data = ws.record_data("usgs", "a").await.expect("record a");
        assert_eq!(data, updated_quake("a", 2.5, 20), "{order}");
        let hour = ws.hour("usgs", 10).await.expect("hour 10");
        assert_eq!(
            numeric(&hour, "properties.mag", "max"),
            Bson::Double(2.5),
            "{order}"
        );
    }
}

#[tokio::test]
async fn without_version_the_copy_landed_last_wins() {
    let ws = Workspace::new("stale-copy-unversioned");
    land_a_stale_copy_after_the_newest(&ws);
    ws.summarise();
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(
        numeric(&hour, "properties.mag", "max"),
        Bson::Double(1.0),
        "the README's default: latest by landing"
    );
}

#[tokio::test]
async fn a_newer_version_moved_back_from_quarantine_replaces_an_older_one_landed_after() {
    let ws = Workspace::new("newer-moved-back");
    std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
    let newest = serde_json::to_vec(&snapshot(vec![updated_quake("a", 2.5, 20)])).expect("JSON");
    let cut = ws.land_bytes("usgs", (10, 25, 0), &newest[..newest.len() - 2]);
    ws.land(
        "usgs",
        (10, 35, 0),
        &snapshot(vec![updated_quake("a", 1.0, 10)]),
    );
    assert!(
        !ws.summarise_with(&[]).status.success(),
        "the cut file fails the run"
    );
    ws.move_back(&cut, &newest);
    ws.summarise();
    let data = ws.record_data("usgs", "a").await.expect("record a");
    assert_eq!(
        data,
        updated_quake("a", 2.5, 20),
        "the most recent version wins, though its file landed first"
    );
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(numeric(&hour, "properties.mag", "mean"), Bson::Double(2.5));
}

#[tokio::test]
async fn a_stale_copy_between_two_repeats_keeps_the_first_file_of_the_version() {
    let config = versioned_config();
    let land = |ws: &Workspace, (h, m, s), event: Value| {
        ws.land("usgs", (h, m, s), &snapshot(vec![event]))
    };
    // In one run: the newest version, a stale copy, the newest again.
    let whole = Workspace::new("stale-between-whole");
    let first = land(&whole, (10, 25, 0), updated_quake("a", 2.5, 20));
    land(&whole, (10, 35, 0), updated_quake("a", 1.0, 10));
    land(&whole, (10, 45, 0), updated_quake("a", 2.5, 20));
    let outcome = summariser::run(&whole.options(&config, 500))
        .await
        .expect("a run");
    assert!(outcome.failures().is_empty());
    // In two runs: the stale copy and the repeat summarised together after the first.
    let split = Workspace::new("stale-between-split");
    land(&split, (10, 25, 0), updated_quake("a", 2.5, 20));
    summariser::run(&split.options(&config, 500))
        .await
        .expect("first run");
    land(&split, (10, 35, 0), updated_quake("a", 1.0, 10));
    land(&split, (10, 45, 0), updated_quake("a", 2.5, 20));
    summariser::run(&split.options(&config, 500))
        .await
        .expect("second run");
    let record = split.record("usgs", "a").await.expect("record a");
    assert_eq!(
        record.get_str("file").expect("file"),
        first.file_name(),
        "the version still comes from the file that first held it"
    );
    assert_eq!(whole.dump().await, split.dump().await);
}

#[tokio::test]
async fn a_stale_copy_of_an_unstorable_version_is_stored_and_the_newest_waits() {
    let config = versioned_config();
    let mut states = Vec::new();
    for batch_files in [1, 500] {
        let ws = Workspace::new("stale-of-unstorable");
        let mut unstorable = updated_quake("a", 2.5, 20);
        unstorable["properties"]["energy"] = json!(u64::MAX);
        let newest = ws.land("usgs", (10, 25, 0), &snapshot(vec![unstorable]));
        ws.land(
            "usgs",
            (10, 35, 0),
            &snapshot(vec![updated_quake("a", 1.0, 10)]),
        );
        let outcome = summariser::run(&ws.options(&config, batch_files))
            .await
            .expect("a run");
        assert_eq!(
            outcome.failures().len(),
            1,
            "the newest version's file only ({batch_files} file(s) a batch)"
        );
        let waiting = ws.raw().join("_quarantine").join(newest.file_name());
        assert!(common::exists(&waiting), "the newest version waits");
        let data = ws.record_data("usgs", "a").await.expect("record a");
        assert_eq!(
            data,
            updated_quake("a", 1.0, 10),
            "the stale copy is stored meanwhile, not lost with its file"
        );
        assert_eq!(ws.remaining("usgs"), 0);
        states.push(ws.dump().await);
    }
    assert_eq!(states[0], states[1]);
}

/// With `keep_days = 1`: a version of `a` in an hour past retention (not stored), and copies
/// of `a` timed an hour ago, less recent, landed before and after it, in every order: one
/// batch, a batch per file and a run per file give the same database. A version that is not
/// stored hides nothing landed after it.
#[tokio::test]
async fn versions_past_keep_days_give_the_same_database_however_the_files_are_split() {
    let config = versioned_config().replace(
        "time = \"properties.time\"\n",
        "time = \"properties.time\"\nkeep_days = 1\n",
    );
    let recent = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let past = |mag: f64, updated: i64| {
        let mut event = quake("a", (10, 5), mag);
        event["properties"]["updated"] = json!(updated);
        event
    };
    let fresh = |mag: f64, updated: i64| {
        let mut event = common::quake_at("a", recent, mag);
        event["properties"]["updated"] = json!(updated);
        event
    };
    let orders: [Vec<Value>; 3] = [
        vec![past(2.5, 20), fresh(1.0, 10)],
        vec![fresh(1.0, 10), past(2.5, 20), fresh(1.5, 10)],
        vec![fresh(1.0, 10), past(2.5, 20), fresh(1.0, 10)],
    ];
    for events in orders {
        let mut states = Vec::new();
        for (batch_files, runs) in [(500, false), (1, false), (500, true)] {
            let ws = Workspace::new("versions-past-keep-days");
            for (n, event) in events.iter().enumerate() {
                let minute = u32::try_from(n).expect("few") * 10;
                ws.land("usgs", (11, minute, 0), &snapshot(vec![event.clone()]));
                if runs {
                    summariser::run(&ws.options(&config, batch_files))
                        .await
                        .expect("a run per file");
                }
            }
            let outcome = summariser::run(&ws.options(&config, batch_files))
                .await
                .expect("a run");
            assert!(outcome.failures().is_empty());
            states.push(ws.dump().await);
        }
        assert_eq!(states[0], states[1], "a batch per file: {events:?}");
        assert_eq!(states[0], states[2], "a run per file: {events:?}");
    }
}

#[tokio::test]
async fn an_empty_version_is_the_least_recent() {
    let ws = Workspace::new("empty-version");
    std::fs::write(ws.dir.path().join("sources.toml"), versioned_config()).expect("config");
    let dated = |mag: f64, updated: &str| {
        let mut event = quake("a", (10, 5), mag);
        event["properties"]["updated"] = json!(updated);
        event
    };
    ws.land(
        "usgs",
        (10, 15, 0),
        &snapshot(vec![dated(1.0, "2026-12-05T10:00:00Z")]),
    );
    ws.land("usgs", (10, 25, 0), &snapshot(vec![dated(9.0, "")]));
    let revised = dated(2.5, "2026-12-05T11:00:00Z");
    ws.land("usgs", (10, 35, 0), &snapshot(vec![revised.clone()]));
    ws.summarise();
    assert_eq!(
        ws.record_data("usgs", "a").await.expect("record a"),
        revised,
        "the revision of 11:00 is the most recent; the copy without a version hid nothing"
    );
}

/// A small deterministic generator for [`random_versions_give_one_database_however_split`].
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Two to five files of one to three copies of `a` or `b`: two hours of the test day (past a
/// one-day `keep_days`) or an hour ago, two magnitudes, and a version missing, null or 1 to 3.
fn random_files(rng: &mut Lcg) -> Vec<Vec<Value>> {
    let recent = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    (0..2 + rng.below(4))
        .map(|_| {
            (0..1 + rng.below(3))
                .map(|_| {
                    let id = ["a", "b"][usize::from(rng.below(2) == 1)];
                    let time = match rng.below(3) {
                        0 => at(10, 5, 0),
                        1 => at(11, 5, 0),
                        _ => recent,
                    };
                    let mag = [1.0, 2.0][usize::from(rng.below(2) == 1)];
                    let mut event = common::quake_at(id, time, mag);
                    match rng.below(5) {
                        0 => {}
                        1 => event["properties"]["updated"] = Value::Null,
                        n => event["properties"]["updated"] = json!(n - 1),
                    }
                    event
                })
                .collect()
        })
        .collect()
}

/// The database after summarising `files` with `config`: `batch_files` a batch, in one run,
/// or in two runs, the first after `first_run` files.
async fn summarised(
    config: &str,
    files: &[Vec<Value>],
    batch_files: usize,
    first_run: Option<usize>,
) -> Vec<String> {
    let ws = Workspace::new("random-versions");
    for (n, file) in files.iter().enumerate() {
        if first_run == Some(n) {
            summariser::run(&ws.options(config, batch_files))
                .await
                .expect("first run");
        }
        let minute = u32::try_from(n).expect("few files");
        ws.land("usgs", (12, minute, 0), &snapshot(file.clone()));
    }
    let outcome = summariser::run(&ws.options(config, batch_files))
        .await
        .expect("a run");
    assert!(outcome.failures().is_empty());
    assert_eq!(ws.remaining("usgs"), 0);
    ws.dump().await
}

/// Versions in random order, with and without `keep_days`: one batch, a batch per file, two
/// files a batch, and two runs give the same database.
#[tokio::test]
async fn random_versions_give_one_database_however_split() {
    let mut rng = Lcg(52);
    let versioned = versioned_config();
    let keeping = versioned.replace(
        "time = \"properties.time\"\n",
        "time = \"properties.time\"\nkeep_days = 1\n",
    );
    for scenario in 0..24 {
        let files = random_files(&mut rng);
        for config in [&versioned, &keeping] {
            let whole = summarised(config, &files, 500, None).await;
            for (batch_files, first_run) in [(1, None), (2, None), (500, Some(1))] {
                assert_eq!(
                    summarised(config, &files, batch_files, first_run).await,
                    whole,
                    "scenario {scenario}, {batch_files} file(s) a batch, runs split at \
                     {first_run:?}, keep_days: {}: {files:?}",
                    config.contains("keep_days = 1")
                );
            }
        }
    }
}

/// The skipped count of the summariser's warning "Skipped records of hours that began more
/// than keep_days ago", from its stderr.
fn skipped_past_keep_days(stderr: &str) -> Vec<u64> {
    stderr
        .lines()
        .filter(|line| line.contains("Skipped records of hours that began more than keep_days"))
        .filter_map(|line| {
            let at = line.find("records=")? + "records=".len();
            line[at..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

/// Four files landed a minute apart (as USGS's past-day feed is fetched), each serving the
/// same old event `a` (two days ago, past `keep_days = 1`) and a fresh one: one record past
/// `keep_days`, so the warning says `records=1`, as it does for the same source without
/// `version`.
#[tokio::test]
async fn a_record_past_keep_days_is_counted_once_however_many_files_repeat_it() {
    let mut counts = Vec::new();
    for version in [false, true] {
        let ws = Workspace::new("past-keep-days-count");
        let mut config = common::CONFIG.replace(
            "time = \"properties.time\"\n",
            "time = \"properties.time\"\nkeep_days = 1\n",
        );
        if version {
            config = config.replace(
                "time = \"properties.time\"\n",
                "time = \"properties.time\"\nversion = \"properties.updated\"\n",
            );
        }
        std::fs::write(ws.dir.path().join("sources.toml"), &config).expect("config");
        let fresh_time = chrono::Utc::now() - chrono::TimeDelta::hours(1);
        for minute in 0..4 {
            let mut old = quake("a", (10, 5), 2.0);
            old["properties"]["updated"] = json!(1_000);
            let mut fresh = quake_at("b", fresh_time, 1.0);
            fresh["properties"]["updated"] = json!(1_000);
            ws.land("usgs", (11, minute, 0), &snapshot(vec![old, fresh]));
        }
        let output = ws.summarise();
        let stderr = common::stderr(&output);
        counts.push((version, skipped_past_keep_days(&stderr), stderr));
    }
    let (_, unversioned, _) = &counts[0];
    let (_, versioned, stderr) = &counts[1];
    assert_eq!(unversioned, &vec![1], "without version: one record skipped");
    assert_eq!(
        versioned, unversioned,
        "with `version`, the same one record past keep_days is said as {versioned:?} records: {stderr}"
    );
}
