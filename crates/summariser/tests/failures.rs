//! What users see when things go wrong: bad files quarantined with a reason while the others
//! go through, an unreachable MongoDB that deletes nothing, and a second run kept out by the lock.

mod common;

use common::{Workspace, count, eco2mix, exists, quake, snapshot, stderr};
use serde_json::json;

/// Times written without an offset and dated ahead of the clock are most likely local times
/// read as UTC: the run says so, naming the file and one such time, and stores them as read.
/// A record whose `numeric` fields are all null (an archive's hour served before its values,
/// as Open-Meteo's up to today) is no sign.
#[tokio::test]
async fn records_ahead_of_the_clock_written_without_an_offset_are_said() {
    let ws = Workspace::new("naiveahead");
    let ahead = chrono::Utc::now() + chrono::TimeDelta::hours(2);
    let naive = ahead.format("%Y-%m-%dT%H:%M:%S").to_string();
    let zoned = ahead.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    let later = (ahead + chrono::TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let body = serde_json::json!({"features": [
        {"id": "local", "properties": {"time": naive, "mag": 1.2}},
        {"id": "to-come", "properties": {"time": later, "mag": null}},
        {"id": "forecast", "properties": {"time": zoned}},
        {"id": "past", "properties": {"time": "2026-11-21T10:00:00"}},
    ]});
    let file = ws.land_bytes("usgs", (10, 0, 0), body.to_string().as_bytes());
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    let said: Vec<&str> = errors
        .lines()
        .filter(|line| line.contains("written without a UTC offset"))
        .collect();
    assert_eq!(said.len(), 1, "{errors}");
    assert!(
        said[0].contains("records=1")
            && said[0].contains(&format!("example=\"{naive}\""))
            && said[0].contains(&*file.file_name().expect("name").to_string_lossy()),
        "the local one holding a value only, with its file: {errors}"
    );
    assert!(
        said[0].contains("mark its source `forecast = true`"),
        "a forecast's way out is named: {errors}"
    );

    // A source marked `forecast` has hours ahead of the clock by design: no such warning.
    let config = common::CONFIG.replace(
        "lat = \"geometry.coordinates.1\"\n",
        "lat = \"geometry.coordinates.1\"\nforecast = true\n",
    );
    assert_ne!(config, common::CONFIG, "the usgs table is marked");
    std::fs::write(ws.dir.path().join("sources.toml"), config).expect("config");
    let body = serde_json::json!({"features": [{"id": "hour", "properties": {"time": naive}}]});
    ws.land_bytes("usgs", (10, 1, 0), body.to_string().as_bytes());
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    assert!(!errors.contains("written without a UTC offset"), "{errors}");
    assert_eq!(ws.remaining("usgs"), 0, "stored: {errors}");
}

/// A numeric field holding only text that is not a number (a decimal comma) is summarised as
/// nulls: the run says so once per file, naming the field and one such text; placeholders
/// among numbers are no sign.
#[tokio::test]
async fn a_numeric_field_holding_only_text_is_said() {
    let ws = Workspace::new("numerictext");
    let reading = |id: &str, mag: serde_json::Value| json!({"id": id, "properties": {"time": "2026-11-21T10:00:00Z", "mag": mag}});
    let commas = json!({"features": [
        reading("a", json!("2,5")),
        reading("b", json!("3,1")),
        reading("c", json!(null)),
    ]});
    let placeholders = json!({"features": [reading("d", json!("ND")), reading("e", json!(2.5))]});
    let file = ws.land_bytes("usgs", (10, 0, 0), commas.to_string().as_bytes());
    ws.land_bytes("usgs", (10, 1, 0), placeholders.to_string().as_bytes());
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    let said: Vec<&str> = errors
        .lines()
        .filter(|line| line.contains("A numeric field holds text that is not a number"))
        .collect();
    assert_eq!(said.len(), 1, "the file of commas only: {errors}");
    assert!(
        said[0].contains("field=properties.mag")
            && said[0].contains("records=2")
            && said[0].contains("example=\"2,5\"")
            && said[0].contains(&*file.file_name().expect("name").to_string_lossy()),
        "{errors}"
    );
}

#[tokio::test]
async fn unusable_files_are_quarantined_with_a_reason_and_never_block_the_others() {
    let ws = Workspace::new("quarantine");
    let broken = ws.land_bytes("usgs", (10, 1, 0), br#"{"features": [{"id": "x""#);
    let no_records = ws.land_bytes("usgs", (10, 2, 0), br#"{"type": "FeatureCollection"}"#);
    let keyless = ws.land_bytes(
        "usgs",
        (10, 3, 0),
        br#"{"features": [{"properties": {"mag": 1}}, {"id": "a", "properties": {"time": "02/12/2026 10:00"}}]}"#,
    );
    // A number past a double's range in a field the summary does not read: the records are
    // still said to lack their key.
    let huge = ws.land_bytes(
        "usgs",
        (10, 3, 10),
        br#"{"features": [{"properties": {"time": "2026-11-21T10:00:00Z", "x": 1e400}}]}"#,
    );
    let latin1 = ws.land_bytes(
        "usgs",
        (10, 3, 30),
        b"{\"features\": [{\"id\": \"Z\xfcrich\"}]}",
    );
    let repeated = ws.land_bytes(
        "usgs",
        (10, 3, 45),
        format!(
            r#"{{"features": [{}], "features": [{}]}}"#,
            quake("twice-a", (10, 6), 1.0),
            quake("twice-b", (10, 6), 1.0)
        )
        .as_bytes(),
    );
    let mut mixed = snapshot(vec![quake("good", (10, 5), 1.0)]);
    mixed["features"]
        .as_array_mut()
        .expect("features")
        .push(serde_json::json!({"id": "no-time"}));
    ws.land("usgs", (10, 4, 0), &mixed);

    let output = ws.summarise_with(&[]);
    assert!(
        !output.status.success(),
        "quarantined files make the run fail"
    );
    let errors = stderr(&output);
    let quarantine = ws.raw().join("_quarantine");
    for (file, reason) in [
        (&broken, "not valid JSON"),
        (&no_records, "records path `features` is missing"),
        (
            &keyless,
            "has both a key at `id` and a time at `properties.time`: 1 has no key at `id`; \
             1 has no time at `properties.time`; 1 has a time at `properties.time` that reads \
             as none, e.g. `\"02/12/2026 10:00\"`",
        ),
        (
            &huge,
            "has both a key at `id` and a time at `properties.time`: 1 has no key at `id`",
        ),
        (&latin1, "not UTF-8"),
        (
            &repeated,
            "a member of records path `features` appears twice in one object",
        ),
    ] {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(!file.exists(), "{name} left the source folder");
        assert!(quarantine.join(&name).exists(), "{name} is in quarantine");
        let why = std::fs::read_to_string(quarantine.join(format!("{name}.reason")))
            .expect("reason file");
        assert!(why.contains(reason), "{name}: {why}");
        let lines: Vec<&str> = errors.lines().filter(|l| l.contains(&name)).collect();
        assert_eq!(lines.len(), 1, "one stderr line names {name}: {errors}");
    }
    assert_eq!(
        count(&ws.hour("usgs", 10).await.expect("good file summarised")),
        1
    );
    assert_eq!(ws.remaining("usgs"), 0);

    // Every later run says they still wait (a run killed after moving them wrote no line),
    // metrics files counted too.
    let broken_name = broken
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let metrics_name = broken_name.replace(".json", ".metrics.json");
    std::fs::write(quarantine.join(&metrics_name), "{}").expect("a quarantined metrics file");
    let output = ws.summarise_with(&[]);
    assert!(output.status.success(), "nothing failed in this run");
    let said = stderr(&output);
    let warning = said
        .lines()
        .find(|line| line.contains("Files of this source wait in quarantine"))
        .unwrap_or_else(|| panic!("the files still waiting are said: {said}"));
    assert!(warning.contains("source=\"usgs\""), "{warning}");
    assert!(warning.contains("files=7"), "{warning}");
}

#[test]
fn a_raw_folder_that_does_not_exist_is_an_error_not_created() {
    let ws = Workspace::new("no-raw");
    if exists(&ws.raw()) {
        std::fs::remove_dir_all(ws.raw()).expect("remove raw/");
    }
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains(&format!(
            "the raw folder raw (in the working folder {}) does not exist",
            ws.dir.path().display()
        )),
        "{errors}"
    );
    assert!(!exists(&ws.raw()), "the folder is not created");
    // A file where the folder should be is told apart from a missing folder.
    std::fs::write(ws.raw(), "").expect("a file in the way");
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains("the raw folder raw cannot be read: it is not a folder: check --raw-dir"),
        "{errors}"
    );
}

/// A configuration that cannot be read stops the run before it starts, with exit code 2 as
/// every stage gives it, and one line naming the file and line; the landed files stay. A
/// fault in `[report]`, which the summariser does not read, stops the report alone.
#[test]
fn a_configuration_that_cannot_be_read_exits_2_and_touches_nothing() {
    let ws = Workspace::new("bad-config");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let config = ws.dir.path().join("sources.toml");
    let sources = std::fs::read_to_string(&config).expect("sources.toml");
    std::fs::write(&config, format!("[reprot]\nkeep = 3\n{sources}")).expect("write");
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert!(
        errors.lines().count() == 1 && errors.starts_with("summariser: sources.toml:1"),
        "{errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1);

    std::fs::write(
        &config,
        format!("[report]\ntimezone = \"Mars/Olympus\"\n{sources}"),
    )
    .expect("write");
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    let line = errors
        .lines()
        .find(|line| line.starts_with("summariser: sources.toml:2: key `timezone`"))
        .unwrap_or_else(|| panic!("the fault named: {errors}"));
    assert!(line.contains("the sources are summarised"), "{line}");
    assert_eq!(ws.remaining("usgs"), 0, "summarised all the same");
}

#[test]
fn a_uri_that_is_not_mongodb_is_named_in_one_plain_line() {
    let ws = Workspace::new("bad-uri");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let output = ws
        .command("mongo://alice:s3cret@127.0.0.1:1")
        .output()
        .expect("summariser runs");
    assert_eq!(
        output.status.code(),
        Some(2),
        "a URI that cannot be used: cannot start"
    );
    let errors = stderr(&output);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains("MongoDB URI mongo://***@127.0.0.1:1 is invalid")
            && errors.contains("unsupported connection string scheme"),
        "{errors}"
    );
    assert!(
        !errors.contains("labels:") && !errors.contains("s3cret"),
        "{errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
}

/// A MongoDB URI or `--database` name that cannot be used is a command line that cannot be
/// read (exit 2, as the README says), whatever the raw folder: it is not reported as a missing
/// raw folder (exit 1), nor hidden behind another run's lock (exit 0, "nothing done"), where
/// fixing what is said leads to the refusal only at the next try. So is a URI asking for no
/// acknowledgement (`w=0`, refused with one line, found by a later review).
#[test]
fn a_uri_or_database_that_cannot_be_used_is_said_before_the_raw_folder_and_the_lock() {
    use std::io::BufRead as _;
    let ws = Workspace::new("bad-uri-first");
    let lines: [(&[&str], &str); 3] = [
        (&["--mongodb-uri", "mongdb://127.0.0.1:1"], "is invalid"),
        (
            &["--database", "phd.data"],
            "is not a MongoDB database name",
        ),
        (
            &["--mongodb-uri", "mongodb://127.0.0.1:1/?w=0"],
            "unacknowledged",
        ),
    ];
    let refused = |case: &str| {
        for (args, says) in lines {
            let output = ws.command_with(args);
            let errors = stderr(&output);
            assert!(
                output.status.code() == Some(2) && errors.contains(says),
                "{case}: `summariser {}` exits {:?}: {errors}",
                args.join(" "),
                output.status.code()
            );
        }
    };
    // A fresh folder: no raw folder yet.
    std::fs::remove_dir_all(ws.raw()).expect("remove raw/");
    refused("no raw folder");
    // The raw folder there, while cron's run holds the lock.
    std::fs::create_dir_all(ws.raw()).expect("raw/");
    let mut holder = std::process::Command::new("flock")
        .arg("-o")
        .arg(releve::rawfile::summariser_lock(&ws.raw()))
        .args(["-c", "echo held; read _ || true"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run flock(1)");
    let mut said = String::new();
    std::io::BufReader::new(holder.stdout.take().expect("holder stdout"))
        .read_line(&mut said)
        .expect("the holder says it holds the lock");
    assert_eq!(said.trim(), "held");
    let held = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| refused("lock held")));
    holder.kill().expect("kill the holder");
    holder.wait().expect("the holder ends");
    if let Err(panic) = held {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test]
async fn a_file_larger_than_max_file_mb_waits_in_place_and_the_files_after_it_go_on() {
    let ws = Workspace::new("too-large");
    // `k` at 1.0 before the large file, 2.0 in it, 1.0 again after it: the later file's
    // version must win however late the large file is summarised.
    ws.land("usgs", (9, 10, 0), &snapshot(vec![quake("k", (9, 5), 1.0)]));
    let mut many: Vec<_> = (0..6000)
        .map(|i| quake(&format!("q{i}"), (9, i % 60), 1.0))
        .collect();
    many.push(quake("k", (9, 5), 2.0));
    let large = ws.land("usgs", (9, 59, 0), &snapshot(many));
    let large_path = large.path_in(&ws.raw());
    let size = std::fs::metadata(&large_path).expect("landed").len();
    assert!(size > 1024 * 1024, "the file is over 1 MiB: {size}");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("late", (10, 5), 2.0), quake("k", (9, 5), 1.0)]),
    );

    let uri = testkit::MongoServer::shared().uri().to_owned();
    let output = ws
        .command(&uri)
        .args(["--max-file-mb", "1"])
        .output()
        .expect("summariser runs");
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    let failures: Vec<&str> = errors
        .lines()
        .filter(|line| line.starts_with("summariser: "))
        .collect();
    assert_eq!(failures.len(), 1, "{errors}");
    assert!(
        failures[0].contains(&large.file_name())
            && failures[0].contains("more than the 1 MiB a file may take")
            && failures[0].contains("--max-file-mb"),
        "{errors}"
    );
    assert!(exists(&large_path), "the large file waits in place");
    assert!(
        ws.record("usgs", "late").await.is_some(),
        "the next file went on"
    );
    assert_eq!(ws.remaining("usgs"), 1, "only the large file is left");

    ws.summarise();
    assert_eq!(
        ws.remaining("usgs"),
        0,
        "summarised under the default limit"
    );
    let hour = ws.hour("usgs", 9).await.expect("hour 9 summarised");
    assert_eq!(count(&hour), 6001);
    let k = ws.record_data("usgs", "k").await.expect("k stored");
    assert_eq!(
        k["properties"]["mag"],
        json!(1.0),
        "the file landed after the large one keeps its version"
    );
}

#[test]
fn a_uri_asking_for_unacknowledged_writes_is_refused_and_deletes_nothing() {
    let ws = Workspace::new("unacknowledged");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let uri = format!(
        "{}/?w=0",
        testkit::MongoServer::shared().uri().trim_end_matches('/')
    );
    let output = ws.command(&uri).output().expect("summariser runs");
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("unacknowledged writes (w=0)"), "{errors}");
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
}

#[tokio::test]
async fn an_unreachable_mongodb_fails_with_one_line_and_deletes_nothing() {
    let ws = Workspace::new("down");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    // Port 1 (tcpmux) is closed on any ordinary machine; a port bound and released could be
    // taken by a test running beside this one.
    let uri = "mongodb://127.0.0.1:1";
    let output = ws.command(uri).output().expect("summariser runs");
    assert!(!output.status.success());
    let errors = stderr(&output);
    let lines: Vec<&str> = errors.lines().collect();
    assert!(
        lines.len() == 1 && lines[0].contains("unreachable"),
        "one line, saying MongoDB is unreachable: {errors}"
    );
    assert!(
        lines[0].contains(uri),
        "the line names the server: {errors}"
    );
    assert!(
        lines[0].contains("no file was deleted whose data MongoDB had not acknowledged"),
        "and that nothing is lost: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
    assert!(!exists(&ws.raw().join("_quarantine")), "nothing is moved");
}

/// A mistyped `--database` (or a URI pointing at another, empty server) finds a database
/// without relevé data where the raw folder went to another before, or names another
/// database holding relevé data: the run stops with one line, deleting nothing and creating
/// nothing there, until told `--new-database`.
#[tokio::test]
async fn a_mistyped_database_does_not_take_the_files() {
    let ws = Workspace::new("typo");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    ws.summarise();
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 2.0)]),
    );
    let server = testkit::MongoServer::shared();
    let typo = server.fresh_database("typo-mistyped");
    let run_into = |database: &str, extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_summariser"))
            .current_dir(ws.dir.path())
            .args(["--config", "sources.toml", "--raw-dir", "raw"])
            .args(["--mongodb-uri", server.uri(), "--database", database])
            .env("RUST_LOG", "info")
            .args(extra)
            .output()
            .expect("summariser runs")
    };
    let refused = run_into(&typo, &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let errors = stderr(&refused);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains(&format!("the database `{typo}` holds no relevé data"))
            && errors.contains(&format!("summarised into `{}`", ws.database))
            && errors.contains("--new-database"),
        "{errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
    let created = server
        .client_database(&typo)
        .await
        .list_collection_names()
        .await
        .expect("collections");
    assert!(created.is_empty(), "nothing is created there: {created:?}");

    // The same name on an empty server reads alike; here, the database dropped by hand.
    let emptied = run_into(&ws.database, &[]);
    assert!(emptied.status.success(), "{}", stderr(&emptied));
    ws.db().await.drop().await.expect("drop");
    ws.land(
        "usgs",
        (11, 30, 0),
        &snapshot(vec![quake("c", (11, 5), 3.0)]),
    );
    let dropped = run_into(&ws.database, &[]);
    assert_eq!(dropped.status.code(), Some(2), "{}", stderr(&dropped));
    assert!(
        stderr(&dropped).contains("a database of that name (on another server, or since dropped?)"),
        "{}",
        stderr(&dropped)
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");

    // Told so, the run starts the new database, which later runs then take as the folder's.
    let started = run_into(&typo, &["--new-database"]);
    assert!(started.status.success(), "{}", stderr(&started));
    assert_eq!(ws.remaining("usgs"), 0);
    ws.land(
        "usgs",
        (12, 30, 0),
        &snapshot(vec![quake("d", (12, 5), 4.0)]),
    );
    assert!(run_into(&typo, &[]).status.success());
    let records = server
        .client_database(&typo)
        .await
        .collection::<mongodb::bson::Document>("records")
        .count_documents(mongodb::bson::doc! {})
        .await
        .expect("count");
    assert_eq!(records, 2, "c and d went to the new database");

    // Another database holding relevé data (another installation's, a demo's): still not
    // the folder's, which a copied command line or a second configuration would name.
    let other = server.fresh_database("typo-other");
    server
        .client_database(&other)
        .await
        .create_collection("hourly")
        .await
        .expect("hourly created");
    ws.land(
        "usgs",
        (13, 30, 0),
        &snapshot(vec![quake("e", (13, 5), 5.0)]),
    );
    let refused = run_into(&other, &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let errors = stderr(&refused);
    assert!(
        errors.contains(&format!("the database `{other}` was given"))
            && errors.contains(&format!("summarised into `{typo}`"))
            && errors.contains("--new-database to summarise this folder into it from now on"),
        "{errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
    let moved = run_into(&other, &["--new-database"]);
    assert!(moved.status.success(), "{}", stderr(&moved));
    assert_eq!(ws.remaining("usgs"), 0, "told so, the run takes the files");
    assert!(run_into(&other, &[]).status.success());
}

/// Asserts `output` is that of a run that found the lock held: it succeeds, saying so.
fn found_the_lock_held(output: &std::process::Output) {
    assert!(output.status.success(), "{}", stderr(output));
    assert!(
        stderr(output).contains("holds the lock"),
        "{}",
        stderr(output)
    );
}

/// Another process holds the lock (`flock(1)`, as a summariser run would): a run touches
/// nothing; once that holder is killed (`kill -9`, no clean-up), the next run does the work.
#[tokio::test]
async fn a_run_started_while_another_holds_the_lock_touches_nothing() {
    use std::io::BufRead as _;
    let ws = Workspace::new("lock");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    // `-o`: the lock is flock's alone, not its child's, so it goes with flock.
    let mut holder = std::process::Command::new("flock")
        .arg("-o")
        .arg(releve::rawfile::summariser_lock(&ws.raw()))
        .args(["-c", "echo held; read _ || true"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run flock(1)");
    let mut said = String::new();
    std::io::BufReader::new(holder.stdout.take().expect("holder stdout"))
        .read_line(&mut said)
        .expect("the holder says it holds the lock");
    assert_eq!(said.trim(), "held");

    found_the_lock_held(&ws.summarise());
    assert_eq!(ws.remaining("usgs"), 1, "the files wait for the holder");
    assert!(ws.hour("usgs", 10).await.is_none());
    // Asked to summarise stored hours again, which no cron run will do: a failure.
    let asked = ws
        .command(testkit::MongoServer::shared().uri())
        .arg("--resummarise")
        .output()
        .expect("summariser runs");
    assert_eq!(asked.status.code(), Some(1), "{}", stderr(&asked));
    assert!(
        stderr(&asked)
            .contains("no hour was summarised again; run --resummarise again once it has finished"),
        "{}",
        stderr(&asked)
    );

    holder.kill().expect("kill -9 the holder");
    holder.wait().expect("the holder ends");
    drop(holder.stdin.take());
    let output = ws.summarise();
    assert!(
        !stderr(&output).contains("holds the lock"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(count(&ws.hour("usgs", 10).await.expect("summarised")), 1);
}

/// A summariser run started in `ws`, held once its pending hours are written (its lookups done,
/// its lock taken) until the file `held` is removed.
fn held_at_pending_hours(ws: &Workspace, held: &std::path::Path) -> std::process::Child {
    let run = ws
        .command(testkit::MongoServer::shared().uri())
        .env(
            "RELEVE_HOLD_AT",
            format!("pending-written:{}", held.display()),
        )
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("summariser starts");
    let waited = std::time::Instant::now();
    while !held.exists() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "the run never reached its pending hours"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    run
}

/// A run started while another is halfway through its work (held there by the test hook, its
/// lock taken, its pending hours written) touches nothing; the first run then finishes alone.
#[tokio::test]
async fn a_run_started_while_another_is_halfway_touches_nothing() {
    let ws = Workspace::new("concurrent");
    for minute in 0..20 {
        ws.land(
            "usgs",
            (10, 30 + minute, 0),
            &snapshot(vec![quake("a", (10, 5), 1.0 + f64::from(minute))]),
        );
    }
    let held = ws.dir.path().join("held");
    let first = held_at_pending_hours(&ws, &held);
    found_the_lock_held(&ws.summarise_with(&[]));
    assert_eq!(ws.remaining("usgs"), 20, "the second run deleted nothing");
    std::fs::remove_file(&held).expect("let the first run go on");
    let output = first.wait_with_output().expect("summariser ends");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(ws.remaining("usgs"), 0);
    let hour = ws.hour("usgs", 10).await.expect("summarised");
    assert_eq!(count(&hour), 1);
    assert_eq!(
        common::numeric(&hour, "properties.mag", "max"),
        mongodb::bson::Bson::Double(20.0)
    );
    let db = ws.db().await;
    let records = db.collection::<mongodb::bson::Document>("records");
    assert_eq!(
        records
            .count_documents(mongodb::bson::doc! {})
            .await
            .expect("count"),
        1
    );
}

/// A record another writer stored between the run's lookup and its insertion (two
/// summarisers on one database, a lock file deleted by hand) is no fault of the record: the
/// run stops with its files in place, none quarantined, saying so; the next run looks the
/// record up again and writes the newer version.
#[tokio::test]
async fn a_record_stored_meanwhile_by_another_writer_stops_the_run_without_quarantine() {
    let ws = Workspace::new("stored-meanwhile");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 2.5), quake("b", (10, 6), 1.5)]),
    );
    let held = ws.dir.path().join("held");
    let run = held_at_pending_hours(&ws, &held);
    // Its lookup found no `a`; another writer stores one now.
    ws.db()
        .await
        .collection::<mongodb::bson::Document>("records")
        .insert_one(mongodb::bson::doc! {"source": "usgs", "key": "a", "data": {}})
        .await
        .expect("another writer's record");
    std::fs::remove_file(&held).expect("let the run go on");
    let output = run.wait_with_output().expect("summariser ends");
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    assert!(
        errors.contains("was stored by another writer since this run looked it up"),
        "{errors}"
    );
    assert!(
        !ws.raw().join("_quarantine").exists(),
        "nothing quarantined: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "its file waits");

    let output = ws.summarise();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(ws.remaining("usgs"), 0, "its file deleted once stored");
    let stored = ws.record("usgs", "a").await.expect("stored");
    assert_eq!(
        stored
            .get_document("data")
            .and_then(|data| data.get_document("properties"))
            .and_then(|properties| properties.get_f64("mag")),
        Ok(2.5),
        "the run's version replaced the other's: {stored:?}"
    );
    let hour = ws.hour("usgs", 10).await.expect("summarised");
    assert_eq!(count(&hour), 2);
}

/// A file misnamed or put in the wrong source's folder by hand is never read: each run names
/// it, and leaves it as it is.
#[tokio::test]
async fn a_misnamed_file_is_named_at_each_run_and_left_alone() {
    let ws = Workspace::new("misnamed");
    let body = serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 1.0)])).expect("JSON");
    let folder = ws.raw().join("usgs");
    std::fs::create_dir_all(&folder).expect("folder");
    for name in [
        format!("eco2mix_{}T10-01-00Z.json", common::day()),
        format!("usgs_{}T10-02-00.json", common::day()),
    ] {
        std::fs::write(folder.join(name), &body).expect("misnamed file");
    }
    ws.land(
        "usgs",
        (10, 3, 0),
        &snapshot(vec![quake("b", (10, 6), 1.0)]),
    );
    let errors = stderr(&ws.summarise());
    for name in [
        format!("eco2mix_{}T10-01-00Z.json", common::day()),
        format!("usgs_{}T10-02-00.json", common::day()),
    ] {
        let line = errors
            .lines()
            .find(|line| line.contains(&format!("file=raw/usgs/{name}")))
            .unwrap_or_else(|| panic!("a line names {name}: {errors}"));
        assert!(
            line.contains("WARN") && line.contains("expected=usgs_YYYY-MM-DDTHH-MM-SSZ[-N].json"),
            "{line}"
        );
        assert!(exists(&folder.join(&name)), "{name} is left as it is");
    }
    assert!(ws.record("usgs", "a").await.is_none());
    assert!(ws.record("usgs", "b").await.is_some());
}

/// A landed file edited by hand and saved with a byte-order mark is read, as the collector
/// reads an API's.
#[tokio::test]
async fn a_file_saved_with_a_byte_order_mark_is_read() {
    let ws = Workspace::new("bom");
    let folder = ws.raw().join("usgs");
    std::fs::create_dir_all(&folder).expect("folder");
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 1.0)])).expect("JSON"));
    std::fs::write(
        folder.join(format!("usgs_{}T10-01-00Z.json", common::day())),
        body,
    )
    .expect("file");
    let output = ws.summarise_with(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(ws.record("usgs", "a").await.is_some());
    assert_eq!(ws.remaining("usgs"), 0);
}

/// An entry named as a landed file that is not a file (a named pipe would block its reader
/// for ever, and every later run on the lock) is named and left alone.
#[tokio::test]
async fn a_named_pipe_named_as_a_landed_file_is_left_alone() {
    let ws = Workspace::new("notfiles");
    let folder = ws.raw().join("usgs");
    std::fs::create_dir_all(&folder).expect("folder");
    let made = std::process::Command::new("mkfifo")
        .arg(folder.join(format!("usgs_{}T10-02-00Z.json", common::day())))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    ws.land(
        "usgs",
        (10, 3, 0),
        &snapshot(vec![quake("b", (10, 6), 1.0)]),
    );
    let errors = stderr(&ws.summarise());
    let name = format!("usgs_{}T10-02-00Z.json", common::day());
    let line = errors
        .lines()
        .find(|line| line.contains(&format!("file=raw/usgs/{name}")))
        .unwrap_or_else(|| panic!("a line names {name}: {errors}"));
    assert!(
        line.contains("WARN") && line.contains("not a file (a folder, a named pipe"),
        "{line}"
    );
    assert!(exists(&folder.join(&name)), "{name} is left as it is");
    assert!(ws.record("usgs", "b").await.is_some());
}

/// A folder named as a landed file (made by hand: the collector lands files only) is named and
/// left alone, as a named pipe is: it is no data to wait for, and no reason to fail every run.
#[tokio::test]
async fn a_folder_named_as_a_landed_file_is_left_alone() {
    let ws = Workspace::new("folder-named");
    let name = format!("usgs_{}T10-02-00Z.json", common::day());
    let folder = ws.raw().join("usgs").join(&name);
    std::fs::create_dir_all(&folder).expect("folder");
    ws.land(
        "usgs",
        (10, 3, 0),
        &snapshot(vec![quake("b", (10, 6), 1.0)]),
    );
    let errors = stderr(&ws.summarise());
    let line = errors
        .lines()
        .find(|line| line.contains(&format!("file=raw/usgs/{name}")))
        .unwrap_or_else(|| panic!("a line names {name}: {errors}"));
    assert!(
        line.contains("WARN") && line.contains("not a file (a folder"),
        "{line}"
    );
    assert!(folder.is_dir(), "{name} is left as it is");
    assert!(ws.record("usgs", "b").await.is_some());
}

/// `MONGODB_URI` set in the checkout's `.env` is the summariser's too, as it is the other
/// stages': the report never reads one database while the summariser writes another.
#[tokio::test]
async fn the_mongodb_uri_of_dot_env_is_used() {
    let ws = Workspace::new("dotenv");
    ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let uri = testkit::MongoServer::shared().uri();
    std::fs::write(ws.dir.path().join(".env"), format!("MONGODB_URI={uri}\n")).expect(".env");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_summariser"))
        .current_dir(ws.dir.path())
        .args(["--database", &ws.database])
        .env_remove("MONGODB_URI")
        .env_remove("RELEVE_CRASH_AFTER")
        .output()
        .expect("summariser runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(ws.record("usgs", "a").await.is_some());

    std::fs::write(
        ws.dir.path().join(".env"),
        "MONGODB_URI=mongodb://u:pa$word@x\n",
    )
    .expect(".env");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_summariser"))
        .current_dir(ws.dir.path())
        .env_remove("MONGODB_URI")
        .output()
        .expect("summariser runs");
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert!(
        errors.starts_with("summariser: .env:1: a `$` outside single quotes"),
        "{errors}"
    );
    assert!(!errors.contains("pa$word"), "{errors}");
}

/// A file that cannot be read (an I/O error) stays for the next run; read then, after newer
/// files repeated the version it had replaced, it does not bring its older version back.
#[tokio::test]
async fn a_file_read_late_after_an_io_error_does_not_override_newer_files() {
    let ws = Workspace::new("read-late");
    let snap = |mag| snapshot(vec![quake("a", (10, 5), mag)]);
    ws.land("usgs", (10, 1, 0), &snap(1.0));
    // Where the second file lands, a link to nothing for now (its file on a disk not
    // mounted): reading it fails as I/O does.
    let unreadable = ws
        .raw()
        .join(format!("usgs/usgs_{}T10-02-00Z.json", common::day()));
    std::os::unix::fs::symlink(ws.dir.path().join("unmounted/file.json"), &unreadable)
        .expect("a link to nothing in the way");
    ws.land("usgs", (10, 3, 0), &snap(1.0));
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success(), "{}", stderr(&output));
    assert_eq!(ws.remaining("usgs"), 1, "only the unreadable file is left");

    std::fs::remove_file(&unreadable).expect("remove the link");
    ws.land("usgs", (10, 2, 0), &snap(2.0));
    ws.summarise();
    assert_newest_file_version_stored(&ws).await;
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(
        common::numeric(&hour, "properties.mag", "max"),
        mongodb::bson::Bson::Double(1.0)
    );
    assert_eq!(ws.remaining("usgs"), 0);
}

/// Record `a` holds the magnitude of the newest of three files (1.0), as one run over the
/// three files stores it, not the 2.0 of the middle file summarised after the others.
async fn assert_newest_file_version_stored(ws: &Workspace) {
    let a = ws.record_data("usgs", "a").await.expect("a stored");
    assert_eq!(
        a["properties"]["mag"],
        json!(1.0),
        "the version of the newest file, as one run over the three files stores"
    );
}

/// A file refused (cut short) that cannot be moved to quarantine stays in place and waits as a
/// quarantined file does: repaired in place, it does not bring its version back over the
/// newer files that repeated the version it had replaced.
#[tokio::test]
async fn a_refused_file_that_cannot_be_quarantined_waits_in_place() {
    let ws = Workspace::new("refused-in-place");
    let snap = |mag| snapshot(vec![quake("a", (10, 5), mag)]);
    ws.land("usgs", (10, 1, 0), &snap(1.0));
    let cut = ws.land_bytes("usgs", (10, 2, 0), b"{\"features\": [");
    ws.land("usgs", (10, 3, 0), &snap(1.0));
    // A file where the quarantine folder goes: the cut file cannot be moved there.
    std::fs::write(ws.raw().join("_quarantine"), b"in the way").expect("a file in the way");
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("could not be quarantined"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.remaining("usgs"), 1, "only the cut file is left");

    std::fs::remove_file(ws.raw().join("_quarantine")).expect("clear the way");
    std::fs::write(&cut, serde_json::to_vec(&snap(2.0)).expect("JSON")).expect("repaired in place");
    ws.summarise();
    assert_newest_file_version_stored(&ws).await;
    assert_eq!(ws.remaining("usgs"), 0);
}

/// A record the server refuses on insert holds back its file alone, with the server's reason:
/// the file's other records and the other sources go through. nx-27017 (pinned in
/// `scripts/mongo-local.sh`) takes keys that differ only after a NUL character for the same
/// key, which makes the second such insert a write error; MongoDB refuses others (a document
/// nested past 100 levels).
#[tokio::test]
async fn a_record_the_server_refuses_holds_back_its_file_alone() {
    let ws = Workspace::new("server-refuses");
    let refused_file = ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![
            quake("a\u{0}b", (10, 5), 1.0),
            quake("a\u{0}c", (10, 6), 1.0),
            quake("fine", (10, 7), 1.0),
        ]),
    );
    ws.land("eco2mix", (10, 2, 0), &json!([eco2mix((10, 0), json!(1))]));
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert!(
        !errors.contains("InsertManyError"),
        "no driver dump: {errors}"
    );
    let reason = std::fs::read_to_string(
        ws.raw()
            .join("_quarantine")
            .join(format!("{}.reason", refused_file.file_name())),
    )
    .unwrap_or_else(|err| panic!("the file is in quarantine with a reason ({err}): {errors}"));
    // One of the two keys is refused: which one depends on the order they were sent in.
    assert!(
        reason.contains("1 record(s) MongoDB cannot store, among them `a\u{0}")
            && reason.contains("`: the server refused it: "),
        "{reason}"
    );
    assert!(ws.record("usgs", "fine").await.is_some(), "{errors}");
    assert_eq!(ws.remaining("eco2mix"), 0, "the next source went through");
    let hour = ws.hour("usgs", 10).await.expect("hour 10");
    assert_eq!(count(&hour), 2, "`fine` and the key stored first");
}

/// A record's latest version MongoDB cannot store, in the same run as its earlier, storable
/// version: the earlier file is kept, not deleted, and the next run stores that version.
#[tokio::test]
async fn an_unstorable_version_leaves_the_version_it_replaced_stored_in_the_same_run() {
    let ws = Workspace::new("unstorable-later");
    let earlier = ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("b", (10, 5), 1.0), quake("a", (10, 6), 5.0)]),
    );
    let mut huge = quake("b", (10, 5), 1.0);
    huge["properties"]["energy"] = json!(u64::MAX);
    let later = ws.land("usgs", (10, 2, 0), &snapshot(vec![huge]));

    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(
        !output.status.success(),
        "the unstorable version fails the run"
    );
    assert!(
        exists(&ws.raw().join("_quarantine").join(later.file_name())),
        "the file of the unstorable version is quarantined"
    );
    // The earlier file's version of `b` was replaced in the batch by the unstorable one:
    // summarised alone, as a run that died after the batch would on its rerun.
    assert!(
        !exists(&earlier.path_in(&ws.raw())),
        "the earlier file is summarised and deleted in the same run: {errors}"
    );
    assert!(
        !errors.contains(&earlier.file_name()),
        "nothing to say of the earlier file: {errors}"
    );
    let b = ws.record_data("usgs", "b").await.expect("b stored");
    assert_eq!(b["properties"]["mag"], json!(1.0));
    let hour = ws.hour("usgs", 10).await.expect("hour 10 summarised");
    assert_eq!(count(&hour), 2, "a and b");

    let before = ws.dump().await;
    let again = ws.summarise();
    assert_eq!(
        ws.dump().await,
        before,
        "a rerun changes nothing: {}",
        stderr(&again)
    );
}

#[tokio::test]
async fn records_mongodb_cannot_store_keep_their_file_in_quarantine_and_block_nothing() {
    let ws = Workspace::new("unstorable");
    let mut huge = quake("huge", (10, 6), 1.0);
    huge["properties"]["energy"] = json!(u64::MAX);
    let holding_huge = ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("fine", (10, 5), 1.0), huge]),
    );
    // Beyond 64 bits: serde_json would read it as the nearest float, so it lands as text.
    let mut vast = quake("vast", (10, 6), 1.0);
    vast["properties"]["energy"] = json!("VAST");
    let vast_text = serde_json::to_string(&snapshot(vec![vast]))
        .expect("JSON")
        .replace("\"VAST\"", "123456789012345678901234567890");
    let holding_vast = ws.land_bytes("usgs", (10, 1, 30), vast_text.as_bytes());
    let mut bulky = quake("bulky", (10, 6), 1.0);
    bulky["properties"]["blob"] = json!("x".repeat(17 * 1024 * 1024));
    let holding_bulky = ws.land("usgs", (10, 1, 45), &snapshot(vec![bulky]));
    // A magnitude beyond a double: serde_json cannot read it, in a summarised field or not.
    let mut boundless = quake("boundless", (10, 6), 1.0);
    boundless["properties"]["mag"] = json!("BOUNDLESS");
    let boundless_text = serde_json::to_string(&snapshot(vec![boundless]))
        .expect("JSON")
        .replace("\"BOUNDLESS\"", "1e400");
    let holding_boundless = ws.land_bytes("usgs", (10, 1, 50), boundless_text.as_bytes());
    let mut nul = quake("nul", (10, 7), 1.0);
    nul["properties"]["bad\u{0}name"] = json!(1);
    let holding_nul = ws.land("usgs", (10, 2, 0), &snapshot(vec![nul]));
    let mut micro = quake("micro", (10, 9), 1.0);
    micro["properties"]["time"] = json!(1_763_805_900_000_000_i64);
    let holding_micro = ws.land("usgs", (10, 2, 30), &snapshot(vec![micro]));
    ws.land(
        "usgs",
        (10, 3, 0),
        &snapshot(vec![quake("other", (10, 8), 2.0)]),
    );
    let eco2mix_run = ws.land("eco2mix", (10, 4, 0), &json!([eco2mix((10, 0), json!(1))]));
    let absurd_metrics = json!({
        "source": "eco2mix", "kind": "opendatasoft", "file": eco2mix_run.file_name(),
        "started": eco2mix_run.landed_at, "finished": eco2mix_run.landed_at,
        "duration_ms": u64::MAX, "http_calls": 1, "retries": 0, "throttled": 0,
        "announced": null, "records": 1, "coverage": null, "shortfall": 0, "error": null,
    });
    let metrics_path = releve::rawfile::write_metrics(
        &ws.raw(),
        &eco2mix_run,
        &serde_json::to_vec(&absurd_metrics).expect("JSON"),
    )
    .expect("metrics");
    // An eco2mix run's metrics in usgs's folder, renamed to its name (a source renamed while
    // its last run waited, by hand): stored as a usgs run, with a warning.
    let usgs_run = releve::RawFileName::parse("usgs_2026-11-21T10-04-30Z.json").expect("a name");
    let mut misplaced = absurd_metrics.clone();
    misplaced["duration_ms"] = json!(120);
    let misplaced_path = releve::rawfile::write_metrics(
        &ws.raw(),
        &usgs_run,
        &serde_json::to_vec(&misplaced).expect("JSON"),
    )
    .expect("metrics");

    let output = ws.summarise_with(&[]);
    assert!(
        !output.status.success(),
        "held-back files make the run fail"
    );
    let errors = stderr(&output);
    let quarantine = ws.raw().join("_quarantine");
    for (path, reason) in [
        (
            holding_huge.path_in(&ws.raw()),
            "MongoDB cannot store, among them `huge`",
        ),
        (
            holding_vast,
            "the integer 123456789012345678901234567890 is outside the signed 64-bit range",
        ),
        (
            holding_bulky.path_in(&ws.raw()),
            "past MongoDB's 16 MB limit",
        ),
        (holding_boundless, "number out of range"),
        (holding_nul.path_in(&ws.raw()), "NUL character"),
        (
            holding_micro.path_in(&ws.raw()),
            "a time at `properties.time`",
        ),
        (metrics_path, "run metrics MongoDB cannot store"),
    ] {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let why = std::fs::read_to_string(quarantine.join(format!("{name}.reason")))
            .unwrap_or_else(|err| panic!("{name} is in quarantine with a reason: {err}"));
        assert!(why.contains(reason), "{name}: {why}");
        assert_eq!(
            errors.lines().filter(|l| l.contains(&name)).count(),
            1,
            "one stderr line names {name}: {errors}"
        );
    }
    assert!(
        !misplaced_path.exists(),
        "the renamed run's metrics are stored"
    );
    assert!(
        errors.lines().any(|line| line.contains("WARN")
            && line.contains("names another source inside")
            && line.contains("named_inside=eco2mix")),
        "{errors}"
    );
    for stored in ["fine", "other"] {
        assert!(ws.record("usgs", stored).await.is_some(), "{stored} stored");
    }
    for refused in ["huge", "vast", "bulky", "boundless", "nul", "micro"] {
        assert!(
            ws.record("usgs", refused).await.is_none(),
            "{refused} not stored"
        );
    }
    let usgs_summary = errors
        .lines()
        .find(|l| l.contains("Summarised a source") && l.contains("usgs"))
        .unwrap_or_else(|| panic!("a summary line for usgs: {errors}"));
    assert!(
        usgs_summary.contains("inserted=2"),
        "only stored records count as inserted: {usgs_summary}"
    );
    let hour = ws.hour("usgs", 10).await.expect("hour 10 summarised");
    assert_eq!(count(&hour), 2, "the hour counts what MongoDB holds");
    assert_eq!(count(&ws.hour("eco2mix", 10).await.expect("eco2mix")), 1);
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(ws.remaining("eco2mix"), 0);
}

#[tokio::test]
async fn a_source_folder_that_cannot_be_listed_fails_that_source_only() {
    let ws = Workspace::new("unlistable");
    std::fs::write(ws.raw().join("usgs"), b"not a folder").expect("a file where a folder goes");
    ws.land("eco2mix", (10, 4, 0), &json!([eco2mix((10, 0), json!(1))]));
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert!(
        errors.contains("summariser: raw/usgs: cannot list the folder"),
        "{errors}"
    );
    assert_eq!(count(&ws.hour("eco2mix", 10).await.expect("eco2mix")), 1);
    assert_eq!(ws.remaining("eco2mix"), 0);
}

/// A source's folder that is a link to a disk not mounted may hold landed files: the run says
/// so and fails, rather than finding nothing to summarise.
#[tokio::test]
async fn a_source_folder_linking_to_a_disk_not_mounted_fails_naming_it() {
    let ws = Workspace::new("unmounted-folder");
    std::os::unix::fs::symlink(ws.dir.path().join("unmounted/usgs"), ws.raw().join("usgs"))
        .expect("a link to nothing");
    ws.land("eco2mix", (10, 4, 0), &json!([eco2mix((10, 0), json!(1))]));
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    assert!(
        errors.contains("summariser: raw/usgs: cannot list the folder: it is a symbolic link to "),
        "{errors}"
    );
    assert!(errors.contains("which does not exist"), "{errors}");
    assert_eq!(count(&ws.hour("eco2mix", 10).await.expect("eco2mix")), 1);
}

/// The hours a crashed run left pending are summarised by the next run even when the source's
/// folder cannot be listed then.
#[tokio::test]
async fn hours_left_pending_are_summarised_even_when_the_folder_cannot_be_listed() {
    let ws = Workspace::new("unlistable-pending");
    ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let crashed = ws.summarise_with(&[("RELEVE_CRASH_AFTER", "records-inserted:1")]);
    assert!(
        stderr(&crashed).contains("aborting"),
        "{}",
        stderr(&crashed)
    );
    assert!(
        ws.hour("usgs", 10).await.is_none(),
        "the crash left hour 10 pending"
    );
    let folder = ws.raw().join("usgs");
    let aside = ws.raw().join("usgs-aside");
    std::fs::rename(&folder, &aside).expect("move the folder aside");
    std::fs::write(&folder, b"not a folder").expect("a file where the folder goes");
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("raw/usgs: cannot list the folder"),
        "{}",
        stderr(&output)
    );
    let hour = ws
        .hour("usgs", 10)
        .await
        .expect("the pending hour is summarised");
    assert_eq!(count(&hour), 1);
}

#[tokio::test]
async fn a_lock_that_cannot_be_taken_says_why_once() {
    let ws = Workspace::new("lockdir");
    std::fs::create_dir_all(ws.raw().join(".summariser.lock")).expect("a folder in its place");
    let output = ws.summarise_with(&[]);
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    let line = errors
        .lines()
        .find(|l| l.starts_with("summariser: cannot take the lock"))
        .unwrap_or_else(|| panic!("one line says so: {errors}"));
    assert_eq!(
        line.matches("os error").count(),
        1,
        "the cause once: {line}"
    );
}

#[tokio::test]
async fn a_dropped_record_too_large_to_keep_keeps_its_file_in_quarantine() {
    let ws = Workspace::new("rejected-too-large");
    let mut keyless = common::keyless_quake((10, 6), 1.0);
    keyless["properties"]["blob"] = json!("x".repeat(15 * 1024 * 1024 + 1));
    let landed = ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("fine", (10, 5), 1.0), keyless]),
    );
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success(), "a held-back file fails the run");
    let reason = std::fs::read_to_string(
        ws.raw()
            .join("_quarantine")
            .join(format!("{}.reason", landed.file_name())),
    )
    .expect("the file waits in quarantine with its reason");
    assert!(
        reason.contains("too large to keep in `rejected_records`"),
        "{reason}"
    );
    assert!(
        ws.record("usgs", "fine").await.is_some(),
        "the file's usable record is stored"
    );
    assert!(
        ws.documents(releve::store::REJECTED_RECORDS)
            .await
            .is_empty()
    );
}

/// A log that cannot be written (a full disk under `logs/`) loses its lines, never the run:
/// every source is summarised and the run exits 0.
#[tokio::test]
async fn a_log_that_cannot_be_written_loses_lines_not_the_run() {
    let ws = Workspace::new("log-full");
    // A stray file warned of before the first source, and files of both sources.
    std::fs::create_dir_all(ws.raw().join("usgs")).expect("folder");
    std::fs::write(ws.raw().join("usgs").join("notes.txt"), "x").expect("stray");
    ws.land(
        "usgs",
        (10, 0, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    ws.land(
        "eco2mix",
        (10, 1, 0),
        &serde_json::json!([common::eco2mix((10, 0), serde_json::json!(50000))]),
    );
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = ws
        .command(testkit::MongoServer::shared().uri())
        .stderr(full)
        .status()
        .expect("summariser runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(ws.remaining("usgs"), 0);
    assert_eq!(ws.remaining("eco2mix"), 0);
    assert!(ws.record("usgs", "a").await.is_some());
}

/// A record whose object holds a member twice with different values (`"id": 11, "id": 12`):
/// JSON readers keep the last, so storing it would lose the other with the file. The file is
/// quarantined (its other records stored), nothing deleted.
#[tokio::test]
async fn a_member_written_twice_with_different_values_quarantines_its_file() {
    let ws = Workspace::new("twice");
    let fine = serde_json::to_string(&quake("fine", (10, 5), 1.0)).expect("JSON");
    let twice = serde_json::to_string(&quake("twice", (10, 6), 2.0))
        .expect("JSON")
        .replacen("\"mag\":2.0", "\"mag\":2.0,\"mag\":3.5", 1);
    let file = ws.land_bytes(
        "usgs",
        (10, 30, 0),
        format!(r#"{{"type":"FeatureCollection","features":[{fine},{twice}]}}"#).as_bytes(),
    );
    let output = ws.summarise_with(&[]);
    assert!(!output.status.success(), "a quarantined file fails the run");
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let quarantine = ws.raw().join("_quarantine");
    let why = std::fs::read_to_string(quarantine.join(format!("{name}.reason"))).expect("reason");
    assert!(
        why.contains("the member `mag` is written twice in one object with different values"),
        "{why}"
    );
    assert!(quarantine.join(&name).exists(), "the file is kept whole");
    assert!(ws.record("usgs", "fine").await.is_some());
    assert!(ws.record("usgs", "twice").await.is_none());
}

/// A file named with a landing time far ahead (a clock that ran ahead): its records win over
/// every later file's until then, which the run says.
#[test]
fn a_file_named_in_the_future_is_warned_of() {
    let ws = Workspace::new("future-name");
    let ahead = chrono::Utc::now() + chrono::TimeDelta::days(400);
    let body = serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 1.0)])).expect("JSON");
    let landed = releve::rawfile::land(&ws.raw(), "usgs", ahead, &body).expect("landed");
    let output = ws.summarise();
    let said = stderr(&output);
    assert!(
        said.contains("Files named with a landing time in the future")
            && said.contains(&landed.file_name()),
        "{said}"
    );
}

/// A clock that ran a year ahead, then set right (the README's "The clock was ahead, then set
/// right"): the summariser ran while it was ahead, so the file named then was summarised and
/// deleted, and nothing in the raw folder is named in the future any more. A revision landed
/// once the clock is right replaces the version stored then, and the run says why: the old
/// forecast or the éCO2mix row with nulls stayed, silently, until the clock passed the wrong
/// landing time a year later (found by the clock probe of stop 57).
#[tokio::test]
async fn a_revision_after_a_clock_that_ran_ahead_is_stored_and_said() {
    let ws = Workspace::new("future-then-right");
    let ahead = chrono::Utc::now() + chrono::TimeDelta::days(365);
    let first = serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 1.0)])).expect("JSON");
    let landed = releve::rawfile::land(&ws.raw(), "usgs", ahead, &first).expect("landed ahead");
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0, "summarised and deleted");
    // While the clock ran ahead, that file was no file of the future: the run noted it as the
    // newest summarised, as it notes any.
    ws.db()
        .await
        .collection::<mongodb::bson::Document>("summariser_progress")
        .update_one(
            mongodb::bson::doc! {"source": "usgs"},
            mongodb::bson::doc! {"$set": {"newest_file": landed.file_name()}},
        )
        .upsert(true)
        .await
        .expect("progress noted");
    // The clock is set right; the next run lands the revised event.
    let revised = serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 2.5)])).expect("JSON");
    releve::rawfile::land(&ws.raw(), "usgs", chrono::Utc::now(), &revised).expect("landed");
    let said = stderr(&ws.summarise());
    let stored = ws.record_data("usgs", "a").await.expect("record a");
    assert_eq!(
        stored["properties"]["mag"],
        serde_json::json!(2.5),
        "the revision is dropped as older than the version landed while the clock was ahead: {said}"
    );
    assert!(
        said.contains("named ahead of this clock"),
        "the run says why: {said}"
    );
}

/// A clock that ran twenty minutes ahead, then set right (an NTP step, a VM resumed): the
/// collector forgets a last landing more than a minute ahead and names its next file by the
/// clock (the README's "What lands where"), so the revision it lands is named before the file
/// landed while the clock was ahead. The summariser takes only files named more than an hour
/// ahead as older than those landed since: the revision is dropped as a stale version and the
/// record keeps its older value, with no warning, until the source serves it again after the
/// wrong landing time (an incremental feed never does).
#[tokio::test]
async fn a_revision_landed_after_a_clock_twenty_minutes_ahead_is_set_right_is_stored() {
    let ws = Workspace::new("minutes-ahead");
    let ahead = chrono::Utc::now() + chrono::TimeDelta::minutes(20);
    let first = serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 1.0)])).expect("JSON");
    releve::rawfile::land(&ws.raw(), "usgs", ahead, &first).expect("landed ahead");
    ws.summarise();
    assert_eq!(ws.remaining("usgs"), 0, "summarised and deleted");
    // The clock is set right; the collector's next run lands the revised event, named now.
    let revised = serde_json::to_vec(&snapshot(vec![quake("a", (10, 5), 2.5)])).expect("JSON");
    releve::rawfile::land(&ws.raw(), "usgs", chrono::Utc::now(), &revised).expect("landed");
    let said = stderr(&ws.summarise());
    let stored = ws.record_data("usgs", "a").await.expect("record a");
    assert_eq!(
        stored["properties"]["mag"],
        serde_json::json!(2.5),
        "the revision landed after the clock was set right is dropped as older: {said}"
    );
}

/// A file whose records MongoDB acknowledged but that cannot be deleted after is said, in one
/// line, and fails the run (the next run finds its records stored); one already gone by then
/// (removed by hand) was summarised all the same: nothing to say of it.
#[tokio::test]
async fn a_summarised_file_that_cannot_be_deleted_is_said_and_one_already_gone_is_not() {
    let ws = Workspace::new("undeletable");
    let gone = ws.land(
        "usgs",
        (10, 1, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let stuck = ws.land(
        "usgs",
        (10, 2, 0),
        &snapshot(vec![quake("b", (10, 6), 2.0)]),
    );
    let held = ws.dir.path().join("held");
    let run = ws
        .command(testkit::MongoServer::shared().uri())
        .env(
            "RELEVE_HOLD_AT",
            format!("progress-noted:{}", held.display()),
        )
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("summariser starts");
    let waited = std::time::Instant::now();
    while !held.exists() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "the run never reached the deletion of its files"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // Both files' records are acknowledged: one file goes by hand, the other becomes a folder,
    // which no one can delete as a file.
    std::fs::remove_file(gone.path_in(&ws.raw())).expect("removed by hand");
    let stuck_path = stuck.path_in(&ws.raw());
    std::fs::remove_file(&stuck_path).expect("replaced");
    std::fs::create_dir(&stuck_path).expect("a folder in its place");
    std::fs::remove_file(&held).expect("let the run go on");
    let output = run.wait_with_output().expect("summariser ends");
    let errors = stderr(&output);
    assert!(!output.status.success(), "{errors}");
    let said: Vec<&str> = errors
        .lines()
        .filter(|line| line.contains("cannot be deleted"))
        .collect();
    assert_eq!(said.len(), 1, "{errors}");
    assert!(said[0].contains(&stuck.file_name()), "{errors}");
    for key in ["a", "b"] {
        assert!(ws.record("usgs", key).await.is_some(), "{key} stored");
    }
}

/// A URI given where the command line expects something else (as mongosh takes it, without
/// `--mongodb-uri`; or after `--database`) is refused, exit 2, without its password: the line
/// goes to `logs/summariser.log` and into the status mail.
#[test]
fn a_uri_given_in_the_wrong_place_never_shows_its_password() {
    let ws = Workspace::new("uri-astray");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let uri = "mongodb://alice:s3cret@127.0.0.1:1/?authSource=admin";
    for args in [vec![uri], vec!["--database", uri]] {
        let output = ws.command_with(&args);
        let errors = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {errors}");
        assert!(
            !errors.contains("s3cret"),
            "{args:?}: the password is shown: {errors}"
        );
        assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
    }
}

/// On a shared server every user sees a running stage's command line (`ps -ef`,
/// `/proc/PID/cmdline`), for as long as it runs: a student who copies a URI holding her
/// password after `--mongodb-uri`, as the usage line shows it, hands it to the class, and no
/// stage says so (the README's advice to prefer `MONGODB_URI` sits in another section).
/// Expected: a warning naming `--mongodb-uri`, `ps` and `MONGODB_URI`, never the password;
/// none for a URI without credentials, nor for the same URI given in `MONGODB_URI`.
#[test]
fn a_password_given_on_the_command_line_is_warned_of() {
    let ws = Workspace::new("uri-in-argv");
    let warned = |uri: &str| {
        let output = ws.command_with(&["--mongodb-uri", uri]);
        let errors = stderr(&output);
        assert!(
            !errors.contains("s3cret"),
            "the password is shown: {errors}"
        );
        errors.contains("`--mongodb-uri` holds a password")
            && errors.contains("this run's command line (`ps`)")
            && errors.contains("give the URI in MONGODB_URI instead")
    };
    assert!(
        warned("mongodb://alice:s3cret@127.0.0.1:1/?serverSelectionTimeoutMS=300"),
        "a password on the command line is warned of"
    );
    assert!(!warned(
        "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"
    ));
    let from_env = std::process::Command::new(env!("CARGO_BIN_EXE_summariser"))
        .current_dir(ws.dir.path())
        .args(["--config", "sources.toml", "--raw-dir", "raw"])
        .env(
            "MONGODB_URI",
            "mongodb://alice:s3cret@127.0.0.1:1/?serverSelectionTimeoutMS=300",
        )
        .env("RUST_LOG", "info")
        .output()
        .expect("summariser runs");
    assert!(
        !stderr(&from_env).contains("`--mongodb-uri`"),
        "{}",
        stderr(&from_env)
    );
}

/// A password holding `:` or `/` (or a bare `%`) left unencoded, given with `--mongodb-uri`:
/// the run refuses the URI at once, in one line saying to percent-encode it. A `:` was first
/// warned of as a password on the command line, then refused (two lines for one mistake),
/// while a `/` was refused alone: the warning guessed a refusal by counting `@`. Expected:
/// one line in each case, the refusal, never the password; a URI the run reads is warned of.
#[test]
fn a_uri_refused_at_once_is_said_in_one_line_whatever_its_password_holds() {
    let ws = Workspace::new("uri-unencoded");
    for uri in [
        "mongodb://alice:Zeb:ra42@127.0.0.1:1/x",
        "mongodb://alice:Zeb/ra42@127.0.0.1:1/x",
        "mongodb://alice:Zeb%ra42@127.0.0.1:1/x",
        "mongodb://alice:Zeb@ra42@127.0.0.1:1/x",
    ] {
        let output = ws.command_with(&["--mongodb-uri", uri]);
        let errors = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{uri}: {errors}");
        assert!(
            !errors.contains("`--mongodb-uri` holds a password"),
            "{uri}: warned of, then refused: {errors}"
        );
        assert!(
            errors
                .lines()
                .filter(|line| line.contains("invalid"))
                .count()
                == 1
                && !errors.contains("ra42"),
            "{uri}: one line refuses it, without the password: {errors}"
        );
    }
}

/// A university gives one database a user may write in, named in the URI's path
/// (`mongodb://user:password@host/phd_db?authSource=admin`), and the crontab's lines take no
/// `--database`: the database the URI names is the one written, not `releve`.
#[tokio::test]
async fn the_database_named_in_the_uri_is_written_when_no_database_is_given() {
    let ws = Workspace::new("uri-path-db");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    ws.summarise();
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 2.0)]),
    );
    let server = testkit::MongoServer::shared().uri();
    let uri = format!("{}/{}", server.trim_end_matches('/'), ws.database);
    let output = ws.command_with(&["--mongodb-uri", &uri]);
    assert!(
        output.status.success(),
        "the URI names the database the folder went to: {}",
        stderr(&output)
    );
    assert_eq!(ws.remaining("usgs"), 0);
    assert!(
        ws.record("usgs", "b").await.is_some(),
        "b stored in the URI's database"
    );
}

/// A URI naming one database and `--database` another: the run does not silently pick one.
#[test]
fn a_database_in_the_uri_and_another_given_are_not_silently_reconciled() {
    let ws = Workspace::new("uri-db-conflict");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let server = testkit::MongoServer::shared().uri();
    let named = "phd_smith_in_uri";
    let uri = format!("{}/{named}", server.trim_end_matches('/'));
    let output = ws.command(&uri).output().expect("summariser runs");
    let errors = stderr(&output);
    assert!(
        errors.contains(named) && errors.contains(&ws.database),
        "the URI's database and --database are both named: {errors}"
    );
}

/// A client certificate file that is not there (`tlsCertificateKeyFile`, as a university's
/// X.509 set-up asks) is named, and not taken for a server that stopped.
#[test]
fn a_missing_client_certificate_is_named_not_blamed_on_the_server() {
    let ws = Workspace::new("tls-cert-missing");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let server = testkit::MongoServer::shared().uri();
    let uri = format!(
        "{}/?tls=true&tlsCertificateKeyFile=/nonexistent/client.pem",
        server.trim_end_matches('/')
    );
    let output = ws.command(&uri).output().expect("summariser runs");
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert!(
        errors.contains("/nonexistent/client.pem"),
        "the file is named: {errors}"
    );
    assert!(
        !errors.contains("did the server stop or restart"),
        "no server was reached: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
}

/// The README's upgrade note: an installation whose URI names a database in its path and
/// whose data is in `releve` stops at the summariser's next run. One upgraded from before
/// 2 December 2026 has no `raw/.summariser-database` yet: its files must not go, silently,
/// into the URI's empty database while its history stays in `releve`.
#[tokio::test]
async fn an_upgrade_from_before_the_database_record_does_not_move_the_files_to_the_uri_s_database()
{
    let ws = Workspace::new("upgrade-uri-path");
    let server = testkit::MongoServer::shared();
    let run = |uri: &str| ws.command_with(&["--mongodb-uri", uri]);
    // The installation as it ran before: the URI without a path, its data in `releve`
    // (this test process's own server; no other test writes there).
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    let before = run(server.uri());
    assert!(before.status.success(), "{}", stderr(&before));
    std::fs::remove_file(ws.raw().join(".summariser-database"))
        .expect("the record a version before 2 December 2026 never wrote");
    std::fs::write(ws.raw().join(".summariser.lock"), "4242\n")
        .expect("the lock file as those versions left it: its holder's pid alone");
    // Upgraded, with the URI naming where its user logs in; its first run after the upgrade
    // finds MongoDB down, which must not make the folder look new.
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 2.0)]),
    );
    let down = run("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500");
    assert!(!down.status.success(), "{}", stderr(&down));
    let uri = format!("{}/{}", server.uri().trim_end_matches('/'), ws.database);
    let after = run(&uri);
    let errors = stderr(&after);
    server
        .client_database("releve")
        .await
        .drop()
        .await
        .expect("releve dropped");
    assert_eq!(after.status.code(), Some(2), "{errors}");
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted: {errors}");
    assert!(
        ws.record("usgs", "b").await.is_none(),
        "b went to the URI's database, away from the history in `releve`: {errors}"
    );
}

/// A password written unencoded with a `/` and a `?` in it (the README says such a password
/// is still hidden): the URI's "database", read from its path before its options, is then a
/// piece of the password, which must be said nowhere: not as a `--database` refused, nor in
/// the warning that the URI names another database than `--database` (found by the review
/// of stop 56).
#[test]
fn a_password_holding_a_slash_and_a_question_mark_is_never_shown_as_a_database() {
    let ws = Workspace::new("uri-password-path");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    for (uri, secret) in [
        // A piece MongoDB cannot take as a name: refused as `--database`, never given.
        ("mongodb://alice:Zeb/ra.42?x@127.0.0.1:1/", "ra.42"),
        // A piece it can: said in the warning beside `--database releve`.
        ("mongodb://alice:Zeb/ra42?x@127.0.0.1:1/", "ra42"),
    ] {
        for args in [
            vec!["--mongodb-uri", uri],
            vec!["--mongodb-uri", uri, "--database", "releve"],
        ] {
            let output = ws.command_with(&args);
            let errors = stderr(&output);
            assert!(!output.status.success(), "{args:?}: {errors}");
            assert!(
                !errors.contains(secret),
                "{args:?}: a piece of the password is shown: {errors}"
            );
            assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
        }
    }
}

/// A URI naming in its path a database MongoDB cannot take (`phd.data`), no `--database`
/// given: the line blames the URI's path, not a `--database` the user never gave (found by
/// the review of stop 56).
#[test]
fn a_database_name_refused_from_the_uri_s_path_is_not_blamed_on_database() {
    let ws = Workspace::new("uri-path-bad-name");
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("a", (10, 5), 1.0)]),
    );
    let server = testkit::MongoServer::shared().uri();
    let uri = format!("{}/phd.data", server.trim_end_matches('/'));
    let output = ws.command_with(&["--mongodb-uri", &uri]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{errors}");
    assert!(
        !errors.contains("--database `phd.data`"),
        "no --database was given: {errors}"
    );
    assert!(
        errors.contains("URI") && errors.contains("phd.data"),
        "the URI's path is named: {errors}"
    );
    assert_eq!(ws.remaining("usgs"), 1, "nothing is deleted");
}

/// A `mongodb+srv://` URI asking for unacknowledged writes (`w=0`) is refused like any other
/// (exit 2, one line saying `w=0`): `w` is in the URI's text, read without DNS. It is let
/// through the first check (only a URI's reading resolves it), so while its name does not
/// resolve (DNS down, a cluster paused, here a `.invalid` name) the run says "unreachable"
/// and exits 1, as a MongoDB outage, and the `w=0` is said only once DNS answers, after the
/// raw folder and the lock (found by the stop-60 review of the first check).
#[test]
fn an_srv_uri_asking_for_unacknowledged_writes_is_refused_first_whatever_its_dns() {
    let ws = Workspace::new("srv-w0");
    let output = ws.command_with(&[
        "--mongodb-uri",
        "mongodb+srv://alice:s3cret@cluster0.example.invalid/releve?w=0",
    ]);
    let errors = stderr(&output);
    assert!(
        output.status.code() == Some(2) && errors.contains("unacknowledged writes (w=0)"),
        "exits {:?}: {errors}",
        output.status.code()
    );
    assert!(!errors.contains("s3cret"), "{errors}");
}

/// A PhD student renames her database, keeping her history: the data copied under the new
/// name (`mongodump`/`mongorestore --nsFrom releve.* --nsTo phd.*`), the new name put in the
/// crontab's `MONGODB_URI` above relevé's block, her shell still exporting the old one (as the
/// README's MongoDB section sets it up: `export MONGODB_URI=…`, then `target/release/summariser`).
/// Cron's :05 run is refused: "run once with --new-database to summarise this folder into it
/// from now on". She does so from the checkout, as the line says; that run reads her shell's
/// URI, finds the old database named in `raw/.summariser-database`,
/// takes `--new-database` without a word and summarises the waiting files into the OLD
/// database, deleting them: their records never reach the database cron's stages read (its
/// reports miss them), and cron's next run is refused again. The advice names neither the
/// database it means nor how to run it, and the run given `--new-database` for nothing does
/// not say it changed nothing.
#[tokio::test]
async fn following_the_new_database_advice_by_hand_never_puts_the_files_into_the_old_database() {
    let ws = Workspace::new("renamed-old");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    ws.summarise();
    let server = testkit::MongoServer::shared();
    let base = server.uri().trim_end_matches('/').to_owned();
    // The history copied under the new name, as mongorestore does.
    let renamed = server.fresh_database("renamed-phd");
    let (old_db, new_db) = (ws.db().await, server.client_database(&renamed).await);
    for name in old_db.list_collection_names().await.expect("collections") {
        let documents = ws.documents(&name).await;
        new_db.create_collection(&name).await.expect("created");
        if !documents.is_empty() {
            new_db
                .collection::<mongodb::bson::Document>(&name)
                .insert_many(documents)
                .await
                .expect("copied");
        }
    }
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 2.0)]),
    );

    // Cron's run: refused, saying what to do.
    let cron = std::process::Command::new(env!("CARGO_BIN_EXE_summariser"))
        .current_dir(ws.dir.path())
        .env("MONGODB_URI", format!("{base}/{renamed}"))
        .env("RUST_LOG", "info")
        .output()
        .expect("summariser runs");
    assert_eq!(cron.status.code(), Some(2), "{}", stderr(&cron));
    let advice = stderr(&cron);
    assert!(advice.contains("--new-database"), "{advice}");

    // Followed by hand in the checkout: the command the line gives, if it gives one, else
    // the summariser with --new-database.
    let advised: Vec<String> = advice
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|quoted| quoted.contains("--new-database") && quoted.contains(' '))
        .map(|command| {
            command
                .split_whitespace()
                .skip(1)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_else(|| vec!["--new-database".to_owned()]);
    let by_hand = std::process::Command::new(env!("CARGO_BIN_EXE_summariser"))
        .current_dir(ws.dir.path())
        .args(&advised)
        // Her shell's, as before the rename.
        .env("MONGODB_URI", format!("{base}/{}", ws.database))
        .env("RUST_LOG", "info")
        .output()
        .expect("summariser runs");
    assert!(
        ws.record("usgs", "b").await.is_none(),
        "following `{advice}` by hand ({advised:?}) stored the waiting file into the old database `{}`, deleting it, not into `{renamed}`, which cron's stages read: {}",
        ws.database,
        stderr(&by_hand)
    );
    assert_eq!(by_hand.status.code(), Some(2), "{}", stderr(&by_hand));
    assert!(
        stderr(&by_hand).contains(&format!(
            "--new-database was given, but {} says this raw folder is summarised into `{}` already",
            std::path::Path::new("raw")
                .join(".summariser-database")
                .display(),
            ws.database
        )),
        "{}",
        stderr(&by_hand)
    );
}

/// The README's MongoDB section: "To move to another database or a new server […] on purpose,
/// run `summariser --new-database` once, given that database as cron's lines will give it
/// (`--mongodb-uri URI` naming it […]) […] To keep the history under the new name or server,
/// copy the database first". A student moving her database to a new server keeps its name and
/// copies it there first, as advised, then runs the summariser once with `--new-database` and
/// the new server's URI: it is refused (exit 2) as "summarised into `releve` already, the
/// database this run was given […] this shell's MONGODB_URI may still name the old one",
/// though the URI names the new server, and the files waiting stay out of it.
#[tokio::test]
async fn moving_to_a_new_server_with_its_history_copied_as_the_readme_says_is_not_refused() {
    let ws = Workspace::new("newserver");
    ws.land("usgs", (9, 30, 0), &snapshot(vec![quake("a", (9, 5), 1.0)]));
    ws.summarise();
    // The new server, the history copied there under the same name (mongodump/mongorestore).
    let new_server = testkit::MongoServer::another();
    let new_db = ws.copy_to(new_server.uri()).await;
    ws.land(
        "usgs",
        (10, 30, 0),
        &snapshot(vec![quake("b", (10, 5), 2.0)]),
    );

    // With --new-database, as the README said: nothing to change, said so (the same name on
    // the old server, from a shell, would take the waiting files there, and cannot be told
    // from it), and nothing read or deleted.
    let refused = ws
        .command(new_server.uri())
        .arg("--new-database")
        .env_remove("MONGODB_URI")
        .output()
        .expect("summariser runs");
    let said = stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{said}");
    assert!(
        said.contains("there is nothing to change, so run without --new-database (a database copied under its name to a new server needs nothing more)"),
        "{said}"
    );
    // As the README says now: the new server's URI, nothing more.
    let moved = ws
        .command(new_server.uri())
        .env_remove("MONGODB_URI")
        .output()
        .expect("summariser runs");
    let said = stderr(&moved);
    assert_eq!(
        moved.status.code(),
        Some(0),
        "the README's way to move to a new server, its history copied first, is refused: {said}"
    );
    let stored = new_db
        .collection::<mongodb::bson::Document>("records")
        .find_one(mongodb::bson::doc! {"source": "usgs", "key": "b"})
        .await
        .expect("record lookup");
    assert!(
        stored.is_some(),
        "the waiting file's record is not in the new server's database: {said}"
    );
}
