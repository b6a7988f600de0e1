//! `analyser export`: the golden day's records and hourly summaries as CSV, through the real
//! binary, and what a user meets when the export cannot be made.

mod common;

use std::path::Path;
use std::process::Output;

use chrono::{DateTime, Duration, Utc};
use common::golden;
use mongodb::Database;
use mongodb::bson::{Document, doc};
use releve::store;
use testkit::MongoServer;

/// A folder with the golden `sources.toml`, and a fresh database holding the golden day.
async fn golden_site(label: &str) -> (tempfile::TempDir, String, Database) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    let db = store::connect(server.uri(), &name)
        .await
        .expect("the summariser's collections");
    golden::insert(&db).await;
    (dir, name, db)
}

/// Runs `analyser export` in `dir` on `database` with `args`, off the async runtime.
async fn export(dir: &Path, database: &str, args: &[&str]) -> Output {
    let mut all: Vec<String> = ["export", "--mongodb-uri", MongoServer::shared().uri()]
        .iter()
        .chain(&["--database", database])
        .chain(args)
        .map(|arg| (*arg).to_owned())
        .collect();
    all.extend(["--date".to_owned(), golden::date(0)]);
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        common::analyser(&dir, &all.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 CSV")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A `quakes` record at `time`, outside the summaries: a decoy when just outside the day.
fn quake_record(key: &str, time: DateTime<Utc>) -> Document {
    let at = store::bson_date(time);
    doc! {"source": "quakes", "key": key, "time": at, "hour": store::bson_date(store::hour_of(time)),
    "file": "quakes_decoy.json", "landed_at": at,
    "data": {"id": key, "properties": {"mag": 9.9, "type": "earthquake", "place": "decoy"},
             "geometry": {"coordinates": [1.4, 43.6, 5.0]}}}
}

/// A source name in another case (`QUAKES`, `Quakes`) is pointed to the configured
/// one, as a zone name in another case is (`europe/paris`).
#[tokio::test]
async fn a_source_name_in_another_case_is_suggested() {
    let (dir, database, _db) = golden_site("export_case").await;
    for written in ["QUAKES", "Quakes"] {
        let output = export(dir.path(), &database, &["--source", written]).await;
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("(did you mean `quakes`?)"),
            "{written}: {}",
            stderr(&output)
        );
    }
}

#[tokio::test]
async fn the_days_records_come_in_time_order_with_the_configured_fields() {
    let (dir, database, db) = golden_site("export_records").await;
    let day_end = golden::day_start() + Duration::days(1);
    let decoys = [
        quake_record("before", golden::day_start() - Duration::milliseconds(1)),
        quake_record("after", day_end),
    ];
    db.collection::<Document>(store::RECORDS)
        .insert_many(decoys)
        .await
        .expect("decoys");
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "time,key,properties.mag,properties.type,geometry.coordinates.0,geometry.coordinates.1"
    );
    assert_eq!(
        lines.len() as i64 - 1,
        golden::QUAKES_RECORDS,
        "the day's records, not the decoys: {csv}"
    );
    let first = golden::day_start()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    assert!(
        lines[1].starts_with(&format!("{first},q0-0,")),
        "the day's first record first: {}",
        lines[1]
    );
    assert!(!csv.contains("decoy") && !csv.contains("9.9"), "{csv}");
    let times: Vec<&str> = lines[1..]
        .iter()
        .map(|line| line.split(',').next().expect("a time"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");

    let with_place = export(
        dir.path(),
        &database,
        &[
            "--source",
            "quakes",
            "--field",
            "properties.place",
            "--field",
            "id",
        ],
    )
    .await;
    let header = stdout(&with_place).lines().next().map(str::to_owned);
    assert_eq!(
        header.as_deref(),
        Some(
            "time,key,properties.mag,properties.type,geometry.coordinates.0,geometry.coordinates.1,properties.place,id"
        )
    );
    let row = stdout(&with_place).lines().nth(1).map(str::to_owned);
    assert!(
        row.as_deref().is_some_and(|row| row.ends_with(",,q0-0")),
        "a field the record lacks is an empty cell: {row:?}"
    );
    // No record holds it: the path is most likely wrong, which stderr says.
    let said = stderr(&with_place);
    assert!(
        with_place.status.success()
            && said.contains("No record exported holds these --field paths")
            && said.contains("fields=`properties.place`"),
        "{said}"
    );
}

/// `--field ""` (a variable left empty in a script: `--field "$FIELD"`) names no field: it is
/// refused as `--field properties.` is, not exported as a column headed by nothing that holds
/// each whole record as JSON.
#[tokio::test]
async fn an_empty_field_path_is_refused_not_exported_as_the_whole_record() {
    let (dir, database, _db) = golden_site("export_empty_field").await;
    let trailing = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--field", "properties."],
    )
    .await;
    assert_eq!(trailing.status.code(), Some(2), "{}", stderr(&trailing));
    let empty = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--field", ""],
    )
    .await;
    let header = stdout(&empty).lines().next().map(str::to_owned);
    assert!(
        empty.status.code() == Some(2) && stdout(&empty).is_empty(),
        "`--field \"\"` exits {:?}, header {header:?}, first row {:?}: {}",
        empty.status.code(),
        stdout(&empty).lines().nth(1),
        stderr(&empty)
    );
}

#[tokio::test]
async fn the_hourly_summaries_come_one_row_per_hour_with_their_statistics() {
    let (dir, database, _db) = golden_site("export_hourly").await;
    let output = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "hour,count,properties.mag count,properties.mag nulls,properties.mag implausible,properties.mag min,properties.mag mean,properties.mag max,properties.mag sum"
    );
    assert_eq!(
        lines.len(),
        25,
        "24 hours, not the decoy hours around them: {csv}"
    );
    let counts: i64 = lines[1..]
        .iter()
        .map(|line| {
            let count = line.split(',').nth(1).expect("a count");
            count.parse::<i64>().expect("a whole count")
        })
        .sum();
    assert_eq!(counts, golden::QUAKES_RECORDS);
    let first = golden::day_start().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert!(
        lines[1].starts_with(&format!("{first},3,3,0,0,")),
        "{}",
        lines[1]
    );
}

/// The golden configuration in `dir`, its `quakes` keeping its records `days`.
fn quakes_kept(dir: &Path, days: i64) {
    std::fs::write(
        dir.join("sources.toml"),
        golden::CONFIG.replacen(
            "name = \"quakes\"\n",
            &format!("name = \"quakes\"\nkeep_days = {days}\n"),
            1,
        ),
    )
    .expect("sources.toml");
}

/// A source keeping its records `keep_days`: an export of a period reaching back past it whose
/// records expired says so (a header alone would pass for a period without records), and points
/// to its hours, which stay; while its records are there (stored before `keep_days` was set,
/// they do not expire), and for an export of the hours, nothing is said.
#[tokio::test]
async fn an_export_reaching_past_keep_days_says_the_records_expired() {
    let (dir, database, db) = golden_site("export_expired").await;
    quakes_kept(dir.path(), 1);
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).lines().count() - 1,
        golden::QUAKES_RECORDS as usize,
        "every record exported"
    );
    assert!(!stderr(&output).contains("expired"), "{}", stderr(&output));

    // MongoDB's TTL at work, which runs once a minute: the period's last record still there.
    let records = db.collection::<Document>(store::RECORDS);
    let last = records
        .find_one(doc! {"source": "quakes"})
        .sort(doc! {"time": -1})
        .await
        .expect("read")
        .expect("a record");
    let last_id = last.get_object_id("_id").expect("its id");
    records
        .delete_many(doc! {"source": "quakes", "_id": {"$ne": last_id}})
        .await
        .expect("records expired");
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert_eq!(stdout(&output).lines().count() - 1, 1, "the one left");
    let said = stderr(&output);
    assert!(
        said.contains(&format!(
            "`quakes` keeps its records `keep_days = 1`: {} of the {} records of this period timed before ",
            golden::QUAKES_RECORDS - 1,
            golden::QUAKES_RECORDS
        )) && said.contains("`--hourly` exports its hourly summaries"),
        "{said}"
    );
    records
        .delete_many(doc! {"source": "quakes"})
        .await
        .expect("records expired");
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains(&format!(
            "{n} of the {n} records of this period timed before ",
            n = golden::QUAKES_RECORDS
        )),
        "{said}"
    );
    let output = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(
        !stderr(&output).contains("keep_days"),
        "{}",
        stderr(&output)
    );
}

/// An export of the day `keep_days` ago: the horizon falls within one of its hours, whose
/// records timed after it have not expired (MongoDB's TTL removes a record `keep_days` after its
/// own time) and are exported. While every record is there (stored before `keep_days` was set,
/// they do not expire), nothing is said to have expired.
#[tokio::test]
async fn an_export_of_the_day_holding_the_keep_days_horizon_says_nothing_while_its_records_are_there()
 {
    use chrono::Timelike;
    let (dir, database, db) = golden_site("export_horizon").await;
    // Not in an hour's last seconds: the analyser reads its own clock a moment later.
    while Utc::now().minute() == 59 && Utc::now().second() >= 30 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    let now = Utc::now();
    let days = (now - golden::day_start()).num_days();
    let horizon = now - Duration::days(days);
    let hour = store::hour_of(horizon);
    assert!(hour >= golden::day_start() && hour < golden::day_start() + Duration::hours(24));
    // A record of the horizon's hour timed in its last second, after the horizon, counted in
    // its hour as the summariser counts it.
    db.collection::<Document>(store::RECORDS)
        .insert_one(quake_record("late", hour + Duration::seconds(3599)))
        .await
        .expect("insert the record");
    db.collection::<Document>(store::HOURLY)
        .update_one(
            doc! {"source": "quakes", "hour": store::bson_date(hour)},
            doc! {"$inc": {"count": 1_i64}},
        )
        .await
        .expect("count it in its hour");
    quakes_kept(dir.path(), days);
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).lines().count() - 1,
        golden::QUAKES_RECORDS as usize + 1,
        "every record exported"
    );
    assert!(
        !stderr(&output).contains("expired"),
        "keep_days = {days}, horizon {horizon}: {}",
        stderr(&output)
    );
}

/// A count set again by hand in mongosh is a double (`3`), which every reader reads as the
/// whole number it is (`store::count`): the expired warning counts that hour's records too.
#[tokio::test]
async fn the_expired_warning_counts_an_hour_whose_count_is_a_double() {
    let (dir, database, db) = golden_site("export_expired_double").await;
    quakes_kept(dir.path(), 1);
    db.collection::<Document>(store::HOURLY)
        .update_one(
            doc! {"source": "quakes", "hour": store::bson_date(golden::day_start())},
            doc! {"$set": {"count": 3.0_f64}},
        )
        .await
        .expect("the first hour's count, as mongosh writes it");
    db.collection::<Document>(store::RECORDS)
        .delete_many(doc! {"source": "quakes"})
        .await
        .expect("records expired");
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains(&format!(
            "{n} of the {n} records of this period timed before ",
            n = golden::QUAKES_RECORDS
        )),
        "{said}"
    );
}

#[tokio::test]
async fn an_export_to_a_file_appears_whole_and_a_failed_one_leaves_none() {
    let (dir, database, db) = golden_site("export_file").await;
    let file = dir.path().join("quakes.csv");
    let path = file.to_str().expect("a UTF-8 path");
    let output = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--output", path],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the CSV goes to the file only");
    let written = std::fs::read_to_string(&file).expect("the export");
    assert_eq!(written.lines().count() as i64, golden::QUAKES_RECORDS + 1);
    let mode = |path: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .expect("a file")
            .permissions()
            .mode()
            & 0o777
    };
    let plain = dir.path().join("plain.csv");
    std::fs::write(&plain, "").expect("a plain file");
    assert_eq!(
        format!("{:o}", mode(&file)),
        format!("{:o}", mode(&plain)),
        "the export is shared as a file written by `> quakes.csv` would be"
    );
    // `-` is standard output, not a file of that name.
    let dashed = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--output", "-"],
    )
    .await;
    assert!(dashed.status.success(), "{}", stderr(&dashed));
    assert_eq!(stdout(&dashed), written);
    assert!(!dir.path().join("-").exists());

    let unknown = export(
        dir.path(),
        &database,
        &["--source", "quake", "--output", "none.csv"],
    )
    .await;
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains(
            "analyser export: nothing was exported: no source `quake` in the configuration"
        ),
        "{}",
        stderr(&unknown)
    );
    assert!(!dir.path().join("none.csv").exists());
    assert!(
        stderr(&unknown).contains("(did you mean `quakes`?)"),
        "{}",
        stderr(&unknown)
    );

    // Renamed in the configuration: its records under its old name are said to be there.
    let config = dir.path().join("sources.toml");
    std::fs::write(
        &config,
        golden::CONFIG.replace("name = \"quakes\"", "name = \"seismes\""),
    )
    .expect("renamed");
    let renamed = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--output", "none.csv"],
    )
    .await;
    assert_eq!(renamed.status.code(), Some(2), "{}", stderr(&renamed));
    assert!(
        stderr(&renamed).contains(
            "no source `quakes` in the configuration, though MongoDB holds its records (a source renamed, or its table removed): put its `[[source]]` table back, with `enabled = false`"
        ),
        "{}",
        stderr(&renamed)
    );
    std::fs::write(&config, golden::CONFIG).expect("restored");

    // A mistyped database holds no relevé data: refused, as the report refuses it, and the
    // export written before is left as it was rather than replaced by a header alone.
    let typo = format!("{database}_typo");
    let mistyped = export(dir.path(), &typo, &["--source", "quakes", "--output", path]).await;
    assert_eq!(mistyped.status.code(), Some(1), "{}", stderr(&mistyped));
    assert!(
        stderr(&mistyped).contains(&format!(
            "analyser export: nothing was exported: database `{typo}` holds no relevé data"
        )),
        "{}",
        stderr(&mistyped)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("the export"), written);
    let to_stdout = export(dir.path(), &typo, &["--source", "quakes"]).await;
    assert_eq!(to_stdout.status.code(), Some(1), "{}", stderr(&to_stdout));
    assert!(to_stdout.stdout.is_empty(), "not even a header");

    // A record without `data` (written by hand) is left out and named; the others are written.
    let mut broken = quake_record("broken", golden::day_start() + Duration::minutes(1));
    broken.remove("data");
    db.collection::<Document>(store::RECORDS)
        .insert_one(broken)
        .await
        .expect("a misshapen record");
    let output = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--output", path],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("(quakes, hour ")
            && stderr(&output).contains("`data`")
            && stderr(&output).contains("left out of the export"),
        "{}",
        stderr(&output)
    );
    let written = std::fs::read_to_string(&file).expect("the export");
    assert_eq!(written.lines().count() as i64, golden::QUAKES_RECORDS + 1);
}

#[tokio::test]
async fn a_forecasts_hours_of_tomorrow_are_exported() {
    use chrono::TimeZone;
    let (dir, database, db) = golden_site("export_forecast").await;
    let config = golden::CONFIG.replace(
        "lat = \"geometry.coordinates.1\"\n",
        "lat = \"geometry.coordinates.1\"\nforecast = true\n",
    );
    assert_ne!(config, golden::CONFIG, "the quakes table is marked");
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let paris = chrono_tz::Europe::Paris;
    let tomorrow = Utc::now().with_timezone(&paris).date_naive() + Duration::days(1);
    let noon = paris
        .from_local_datetime(&tomorrow.and_hms_opt(12, 0, 0).expect("noon"))
        .single()
        .expect("one noon")
        .with_timezone(&Utc);
    db.collection::<Document>(store::RECORDS)
        .insert_one(quake_record("ahead", noon))
        .await
        .expect("a forecast hour");
    let date = tomorrow.to_string();
    let uri = MongoServer::shared().uri().to_owned();
    let args = [
        "export",
        "--mongodb-uri",
        &uri,
        "--database",
        &database,
        "--source",
        "quakes",
        "--date",
        &date,
    ];
    let dir_path = dir.path().to_owned();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let output = tokio::task::spawn_blocking(move || {
        common::analyser(
            &dir_path,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    })
    .await
    .expect("analyser thread");
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|row| row.contains(",ahead,")),
        "tomorrow's forecast hour, held in MongoDB, is exported: {csv}"
    );
}

#[tokio::test]
async fn an_hours_values_outside_the_plausible_range_are_counted_in_its_row() {
    let (dir, database, db) = golden_site("export_implausible").await;
    // The first hour's three magnitudes came with a fourth outside `plausible`.
    let hours = db.collection::<Document>(store::HOURLY);
    let first = doc! {"source": "quakes", "hour": store::bson_date(golden::day_start())};
    let mut hour = hours
        .find_one(first.clone())
        .await
        .expect("find")
        .expect("the first hour");
    let mut mag = hour.get_array("numeric").expect("numeric")[0]
        .as_document()
        .expect("a field's statistics")
        .clone();
    mag.insert("implausible", 1_i64);
    hour.insert("numeric", vec![mag]);
    hour.insert("count", 4_i64);
    hours
        .replace_one(first, hour)
        .await
        .expect("an implausible value");
    let output = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let rows: Vec<Vec<&str>> = csv.lines().map(|line| line.split(',').collect()).collect();
    let column = rows[0]
        .iter()
        .position(|name| *name == "properties.mag implausible")
        .unwrap_or_else(|| panic!("a column of implausible values: {}", rows[0].join(",")));
    assert_eq!(
        (rows[1][1], rows[1][2], rows[1][3], rows[1][column]),
        ("4", "3", "0", "1"),
        "4 records: 3 values, no null, 1 implausible"
    );
}

/// The hourly table of a source of daily values names the day each hour counts in: every hour
/// of a day's export, in Paris, counts in that day.
#[tokio::test]
async fn the_hourly_table_of_daily_values_names_each_hours_day() {
    let (dir, database, _db) = golden_site("export_daily_hours").await;
    let config = golden::CONFIG.replace(
        "lat = \"geometry.coordinates.1\"\n",
        "lat = \"geometry.coordinates.1\"\nresolution = \"day\"\n",
    );
    assert!(config.contains("resolution"), "quakes holds daily values");
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let output = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("hour,day,count,"), "{}", lines[0]);
    let days: Vec<&str> = lines[1..]
        .iter()
        .filter_map(|line| line.split(',').nth(1))
        .collect();
    assert!(!days.is_empty(), "{csv}");
    assert!(days.iter().all(|day| *day == golden::date(0)), "{csv}");
}

/// A source of daily values dated by the day alone (00:00 UTC), exported in New York: a day's
/// export holds the day its report counts (the UTC day, not the evening before it).
#[tokio::test]
async fn a_day_of_daily_values_is_exported_west_of_utc() {
    use chrono::TimeZone;
    let (dir, database, db) = golden_site("export_daily").await;
    let config = golden::CONFIG
        .replace(
            "lat = \"geometry.coordinates.1\"\n",
            "lat = \"geometry.coordinates.1\"\nresolution = \"day\"\n",
        )
        .replace(
            "timezone = \"Europe/Paris\"",
            "timezone = \"America/New_York\"",
        );
    assert!(
        config.contains("resolution") && config.contains("New_York"),
        "the quakes table holds daily values, reported in New York"
    );
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let day = |d| {
        Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0)
            .single()
            .expect("day")
    };
    for (key, at) in [("nov-10", day(10)), ("nov-11", day(11))] {
        db.collection::<Document>(store::RECORDS)
            .insert_one(quake_record(key, at))
            .await
            .expect("a daily record");
    }
    let uri = MongoServer::shared().uri().to_owned();
    let args: Vec<String> = [
        "export",
        "--mongodb-uri",
        &uri,
        "--database",
        &database,
        "--source",
        "quakes",
        "--date",
        "2026-11-10",
    ]
    .iter()
    .map(|arg| (*arg).to_owned())
    .collect();
    let dir_path = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        common::analyser(
            &dir_path,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    })
    .await
    .expect("analyser thread");
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    assert!(
        csv.starts_with("time,day,key,"),
        "the day each counts in, after its instant: {csv}"
    );
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|row| row.split(',').take(3).collect())
        .collect();
    assert_eq!(
        rows,
        [["2026-11-10T00:00:00.000Z", "2026-11-10", "nov-10"]],
        "10 November's value alone, on 10 November though 19:00 the evening before in New York: {csv}"
    );
}

/// A source of daily values keeping its records five days, reported in `zone`.
fn daily_values_config(zone: &str) -> String {
    format!(
        r#"
[report]
timezone = "{zone}"

[[source]]
name = "daily"
kind = "http_json"
url = "http://127.0.0.1:9/daily"
every = "1d"
records = "daily"
key = "time"
time = "time"
resolution = "day"
numeric = ["temperature_2m_max"]
keep_days = 5
"#
    )
}

/// `analyser export` of a day of daily values 20 days ago, whose hour is summarised and whose
/// record expired: a header alone, and what it says.
async fn export_of_an_expired_day(zone: &str) -> String {
    let day = Utc::now().date_naive() - chrono::Days::new(20);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), daily_values_config(zone))
        .expect("sources.toml");
    let server = MongoServer::shared();
    let name = server.fresh_database("export_expired_day");
    let db = store::connect(server.uri(), &name)
        .await
        .expect("collections");
    // The day's value, dated 00:00 UTC as Open-Meteo's daily values are; its record expired.
    let hour = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let summary = store::HourlySummary {
        source: "daily".to_owned(),
        hour: store::bson_date(hour),
        count: 1,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(hour),
    };
    db.collection::<store::HourlySummary>(store::HOURLY)
        .insert_one(summary)
        .await
        .expect("hour");
    let args = [
        "export",
        "--mongodb-uri",
        server.uri(),
        "--database",
        name.as_str(),
        "--source",
        "daily",
        "--date",
        &day.to_string(),
    ]
    .map(str::to_owned);
    let path = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        common::analyser(&path, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).lines().count(),
        1,
        "a header alone"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn an_expired_day_of_daily_values_is_said_whatever_the_zone() {
    let paris = export_of_an_expired_day("Europe/Paris").await;
    assert!(
        paris.contains("keeps its records `keep_days = 5`"),
        "Paris: {paris}"
    );
    let new_york = export_of_an_expired_day("America/New_York").await;
    assert!(
        new_york.contains("keeps its records `keep_days = 5`"),
        "New York: a header alone, and no word of the records expired: {new_york:?}"
    );
}

/// A source's `version` field is a column after its position, as the README lists them.
#[tokio::test]
async fn the_version_field_is_exported_after_the_position() {
    let (dir, database, _db) = golden_site("export_version").await;
    let config = golden::CONFIG.replacen(
        "time = \"properties.time\"\n",
        "time = \"properties.time\"\nversion = \"properties.updated\"\n",
        1,
    );
    assert_ne!(config, golden::CONFIG, "the quakes table has a version");
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).lines().next(),
        Some(
            "time,key,properties.mag,properties.type,geometry.coordinates.0,\
             geometry.coordinates.1,properties.updated"
        )
    );
}

/// A student in Bengaluru (`[report] timezone = "Asia/Kolkata"`, UTC+5:30) exports a day's
/// USGS events to check the report's count. The report counts the UTC hours that begin in
/// its day (19:00Z the day before to 19:00Z, as its cover and `--hourly` say), but the records
/// export took the records timed from local midnight to local midnight (18:30Z to 18:30Z): an
/// event at 00:15 local on the day after (18:45Z, in the last hour the report counts) was left
/// out, and one at 00:15 local that day (18:45Z the day before, counted in the day before's
/// report) was listed. The spreadsheet's count and the report's then differ, and so do the
/// records export and `--hourly` of the same `--date`.
#[tokio::test]
async fn a_half_hour_zone_s_records_export_holds_the_records_its_day_report_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = golden::CONFIG.replace("Europe/Paris", "Asia/Kolkata");
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let server = MongoServer::shared();
    let database = server.fresh_database("export_kolkata");
    let db = store::connect(server.uri(), &database)
        .await
        .expect("the summariser's collections");
    let day = golden::day();
    let utc = |days: i64, hour: u32, minute: u32| {
        (day + Duration::days(days))
            .and_hms_opt(hour, minute, 0)
            .expect("time")
            .and_utc()
    };
    // 00:15 local on the day (18:45Z the day before), noon local, 00:15 local the day after.
    let events = [
        ("early", utc(-1, 18, 45)),
        ("noon", utc(0, 6, 30)),
        ("late", utc(0, 18, 45)),
    ];
    db.collection::<Document>(store::RECORDS)
        .insert_many(events.iter().map(|(key, at)| quake_record(key, *at)))
        .await
        .expect("records");
    let hourly = events.iter().map(|(_, at)| {
        doc! {"source": "quakes", "hour": store::bson_date(store::hour_of(*at)), "count": 1_i64,
        "numeric": [{"field": "properties.mag", "count": 1_i64, "nulls": 0_i64, "implausible": 0_i64,
                     "min": 9.9, "max": 9.9, "mean": 9.9, "sum": 9.9}],
        "categories": [], "bbox": null, "updated_at": store::bson_date(*at)}
    });
    db.collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("hourly");
    let records = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(records.status.success(), "{}", stderr(&records));
    let hours = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(hours.status.success(), "{}", stderr(&hours));
    let keys: Vec<String> = stdout(&records)
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(1).expect("a key").to_owned())
        .collect();
    let counted: i64 = stdout(&hours)
        .lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .nth(1)
                .expect("a count")
                .parse::<i64>()
                .expect("count")
        })
        .sum();
    assert_eq!(
        counted,
        2,
        "the day's report and --hourly count noon's and the next 00:15's events: {}",
        stdout(&hours)
    );
    assert_eq!(
        keys,
        ["noon", "late"],
        "the records export lists the records the day's report counts ({counted}), not those of local midnight to midnight:\n{}\n--hourly:\n{}",
        stdout(&records),
        stdout(&hours)
    );
}

/// An hour of one reading of 17 significant digits (a USGS longitude, `-159.37576306563093`, as
/// the summariser's tests store one): its mean is that reading, and a data frame checking
/// `min <= mean <= max` (the summariser clamps the mean so) must find it so in `--hourly`.
#[tokio::test]
async fn an_hours_mean_in_the_hourly_export_lies_between_its_min_and_max() {
    let (dir, database, db) = golden_site("export_mean_in_range").await;
    let hours = db.collection::<Document>(store::HOURLY);
    let first = doc! {"source": "quakes", "hour": store::bson_date(golden::day_start())};
    let mut hour = hours
        .find_one(first.clone())
        .await
        .expect("find")
        .expect("the first hour");
    let reading = -159.375_763_065_630_93_f64;
    let mut mag = hour.get_array("numeric").expect("numeric")[0]
        .as_document()
        .expect("a field's statistics")
        .clone();
    for (name, value) in [
        ("min", reading),
        ("max", reading),
        ("mean", reading),
        ("sum", reading),
    ] {
        mag.insert(name, value);
    }
    mag.insert("count", 1_i64);
    mag.insert("nulls", 0_i64);
    mag.insert("implausible", 0_i64);
    hour.insert("numeric", vec![mag]);
    hour.insert("count", 1_i64);
    hours.replace_one(first, hour).await.expect("one reading");
    let output = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let rows: Vec<Vec<&str>> = csv.lines().map(|line| line.split(',').collect()).collect();
    let cell = |stat: &str| -> f64 {
        let name = format!("properties.mag {stat}");
        let column = rows[0]
            .iter()
            .position(|header| *header == name)
            .unwrap_or_else(|| panic!("a column {name}: {}", rows[0].join(",")));
        rows[1][column].parse().expect("a number")
    };
    let (min, mean, max) = (cell("min"), cell("mean"), cell("max"));
    assert!(
        min <= mean && mean <= max,
        "an hour of one reading exports min {min:?}, mean {mean:?}, max {max:?}: its mean lies outside its own range:\n{csv}"
    );
}

/// USGS times carry milliseconds, so a day's quakes mix `…:49.120Z` with the odd `…:50Z` (a
/// quake at a whole second). pandas' `read_csv(parse_dates=["time"])` infers one format from
/// the first row and, meeting the other, leaves the whole column as text (and
/// `pd.to_datetime` raises "doesn't match format"): every cell of the `time` column must be
/// written in one format, as the `hour` column is.
#[tokio::test]
async fn pandas_reads_the_time_column_as_dates_when_some_records_have_milliseconds() {
    let (dir, database, db) = golden_site("export_time_format").await;
    let with_millis = golden::day_start() + Duration::minutes(30) + Duration::milliseconds(120);
    db.collection::<Document>(store::RECORDS)
        .insert_one(quake_record("q-ms", with_millis))
        .await
        .expect("a record timed to the millisecond");
    let output = export(dir.path(), &database, &["--source", "quakes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let times: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().expect("a time"))
        .collect();
    let millis = times.iter().filter(|time| time.contains('.')).count();
    assert!(
        millis == 0 || millis == times.len(),
        "{millis} of the {} times have a fraction of a second, the others none: {:?}",
        times.len(),
        times
            .iter()
            .filter(|time| time.contains('.'))
            .chain(times.iter().take(2))
            .collect::<Vec<_>>()
    );
}

/// The README's section on `analyser export`, up to the next heading.
fn readme_export_section() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme
        .find("### A table of one source: `analyser export`")
        .expect("the README's export section");
    let section = &readme[start..];
    let end = section[4..].find("\n#").map_or(section.len(), |at| at + 4);
    section[..end].to_owned()
}

/// The export is "CSV, for a spreadsheet", of French sources (Toulouse, éCO2mix, France
/// Travail) reported in Europe/Paris. A spreadsheet in a French locale reads it otherwise:
/// Excel opened by a double-click splits on `;` (each row lands in one cell), and LibreOffice
/// Calc in French (its CSV import, language French) takes every decimal written with a point
/// (`4.46`, `-70.4325`, `11.4`) for text, so sums and charts of them are empty (checked:
/// `soffice --infilter="CSV:44,34,76,1,,1036"` on the USGS export, every `properties.mag` a
/// string; in English the same cells are numbers). The README does not say how to open the
/// file so that its numbers stay numbers (import as comma-separated, UTF-8, language English).
#[test]
fn the_readme_tells_a_french_spreadsheet_user_how_to_open_the_export_with_its_numbers() {
    let section = readme_export_section();
    let names_a_spreadsheet = ["Excel", "LibreOffice", "Calc"]
        .iter()
        .any(|name| section.contains(name));
    let says_the_decimal_point = ["decimal", "separator", "locale", "language"]
        .iter()
        .any(|word| section.to_lowercase().contains(word));
    assert!(
        names_a_spreadsheet && says_the_decimal_point,
        "the export section names no spreadsheet ({names_a_spreadsheet}) or says nothing of \
         its decimal points and separator ({says_the_decimal_point}):\n{section}"
    );
}

/// The README offers the export to `pandas.read_csv` and says a cell holds "text as served".
/// Read as it says, pandas guesses types and alters that text: a France Travail
/// `--field lieuTravail.codePostal` of `01000` (Ain, Ardennes… every département 01 to 09)
/// becomes `1000.0`, so a département taken from its first two digits is wrong, and a text
/// `NA`, `None` or `null` (a company named `NA`) becomes a missing value (R's `read.csv` does
/// both too, and Excel drops the zero). Checked on the demo's France Travail export. The README
/// should say how to keep text as text (`dtype=str`, `keep_default_na=False`, or R's
/// `colClasses = "character"`, `na.strings = ""`).
#[test]
fn the_readme_tells_a_pandas_user_how_to_keep_postcodes_and_texts_as_served() {
    let section = readme_export_section();
    let keeps_text = ["dtype", "keep_default_na", "colClasses", "na.strings"]
        .iter()
        .any(|option| section.contains(option));
    assert!(
        keeps_text,
        "the export section names pandas.read_csv but not how to keep a postcode `01000` or \
         a text `NA` as served:\n{section}"
    );
}

/// The README's "Opening it" paragraph (this stop) tells a user how to read the export: "its
/// times in UTC with milliseconds (`2026-12-02T10:00:00.120Z`)", and to convert them with
/// `pd.to_datetime(df.time)`. The `--hourly` table, which the same section offers beside the
/// records, writes its `hour` column in whole seconds (`2026-12-02T10:00:00Z`) and has no
/// `time` column at all: a user who sets an import's date format (Excel's, LibreOffice's
/// `YYYY-MM-DDTHH:MM:SS.000Z`) or a parser by the README's words meets another shape there. The
/// paragraph must not promise milliseconds of every export while `--hourly` writes none (or
/// `--hourly` must write them).
#[tokio::test]
async fn the_hourly_exports_hours_are_written_in_the_format_the_readme_gives_the_exports_times() {
    let (dir, database, _db) = golden_site("export_readme_hour_format").await;
    let output = export(dir.path(), &database, &["--source", "quakes", "--hourly"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    let hour = csv
        .lines()
        .nth(1)
        .and_then(|line| line.split(',').next())
        .expect("an hour")
        .to_owned();
    let section = readme_export_section();
    let opening = section
        .find("Opening it")
        .map(|at| {
            let rest = &section[at..];
            rest[..rest.find("\n\n").unwrap_or(rest.len())].to_owned()
        })
        .expect("the README's paragraph on opening the export");
    let promises_milliseconds = opening.contains("with milliseconds");
    let tells_hourly_apart = opening.contains("--hourly") || opening.contains("`hour`");
    assert!(
        !promises_milliseconds || tells_hourly_apart || hour.contains('.'),
        "the README says the export's times are \"in UTC with milliseconds\", but `--hourly` \
         writes its hours as {hour} (whole seconds):\n{opening}"
    );
}

/// `analyser export > quakes.csv` (the CSV's default place) on a disk that fills mid-way: the
/// file holds the header and the first rows, cut mid-row, and the line said "nothing was
/// exported: -: cannot write the export: No space left on device" (found on a 64 KiB tmpfs,
/// 118 of 300 rows written). The rows written are there, so "nothing" is false, and `-` names
/// no file. The write is made to fail past the first bytes here by a file-size limit, its
/// signal ignored (`EFBIG`, as a full disk's `ENOSPC`).
#[tokio::test]
async fn an_export_to_standard_output_cut_by_a_full_disk_does_not_say_nothing_was_exported() {
    let (dir, database, _db) = golden_site("export_stdout_full").await;
    let folder = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 4 && exec \"$0\" \"$@\" > quakes.csv")
            .arg(env!("CARGO_BIN_EXE_analyser"))
            .args(["export", "--mongodb-uri", MongoServer::shared().uri()])
            .args(["--database", &database, "--source", "quakes"])
            .args(["--date", &golden::date(0)])
            .current_dir(&folder)
            .env_remove("MONGODB_URI")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the analyser")
    })
    .await
    .expect("analyser thread");
    let written = std::fs::read_to_string(dir.path().join("quakes.csv")).expect("the CSV");
    let lines = written.lines().count() as i64;
    assert!(
        lines > 1 && lines < golden::QUAKES_RECORDS + 1,
        "the write failed mid-way, after some rows: {lines} lines"
    );
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("nothing was exported"),
        "{lines} lines were written to the file: {stderr}"
    );
    assert!(
        stderr.contains("standard output"),
        "says standard output holds part of the export: {stderr}"
    );
}

/// `analyser export > /full/quakes.csv`: standard output on a disk already full refuses the
/// very first bytes written (here `/dev/full`, `ENOSPC` at the first write). Nothing reaches
/// the file, yet the rows counted into the export's buffers before its first flush make the
/// line say "standard output refused the export after its first rows, which it holds, cut
/// short": the user looks for rows in a file that is empty.
#[tokio::test]
async fn an_export_to_standard_output_refused_at_its_first_write_does_not_say_it_holds_rows() {
    let (dir, database, _db) = golden_site("export_stdout_full_at_once").await;
    let folder = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_analyser"))
            .args(["export", "--mongodb-uri", MongoServer::shared().uri()])
            .args(["--database", &database, "--source", "quakes"])
            .args(["--date", &golden::date(0)])
            .current_dir(&folder)
            .env_remove("MONGODB_URI")
            .env("RUST_LOG", "warn")
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
            .output()
            .expect("run the analyser")
    })
    .await
    .expect("analyser thread");
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("which it holds"),
        "standard output holds nothing (its first write failed), yet: {stderr}"
    );
}

/// `--output` naming a folder (`--output exports`, meaning "into it"), or a file in a folder
/// not made yet (`--output exports/quakes.csv`), is said in the system's words alone:
/// `exports: cannot write the export: Is a directory (os error 21)`, and `exports/quakes.csv:
/// cannot write the export: No such file or directory (os error 2)`, which reads as though
/// the CSV itself had to exist. Each should say which is wrong, a folder given or a folder
/// missing, and what to do, as a device given is ("write to standard output and redirect
/// it").
#[tokio::test]
async fn an_output_naming_a_folder_or_inside_a_missing_one_says_which_and_what_to_do() {
    let (dir, database, _db) = golden_site("export_output_folder").await;
    std::fs::create_dir(dir.path().join("exports")).expect("a folder");
    for output in ["exports", "missing/quakes.csv"] {
        let run = export(
            dir.path(),
            &database,
            &["--source", "quakes", "--output", output],
        )
        .await;
        let said = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{said}");
        assert!(
            said.contains("folder") && !said.contains("(os error"),
            "--output {output}: the line should name the folder at fault and what to do, not the system's words alone: {said}"
        );
    }
}

/// `--output exports/` (a folder not made yet, written as one with its trailing slash, meaning
/// "into it", as `cp` and `mv` take it) goes by the new folder checks: the export is read
/// whole, then its rename fails in the system's words alone ("Not a directory (os error 20)"),
/// where a folder named without the slash, or one missing before a file name, is refused
/// before the export with what to do.
#[tokio::test]
async fn an_output_naming_a_missing_folder_with_its_slash_says_the_folder_is_missing() {
    let (dir, database, _db) = golden_site("export_output_slash").await;
    let run = export(
        dir.path(),
        &database,
        &["--source", "quakes", "--output", "exports/"],
    )
    .await;
    let said = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(
        said.contains("folder") && !said.contains("(os error"),
        "--output exports/: the line should say the folder does not exist and what to do, not the system's words alone: {said}"
    );
}

/// An `http_json` answer may name a member `pm2.5`, which a `--field` path reads as `5` inside
/// `pm2`: its column is empty, and telling the user to check the path against the record, which
/// shows `"pm2.5"` as written, sends her looking for a typo that is not there.
#[tokio::test]
async fn a_field_whose_name_holds_a_dot_is_said_so_not_a_path_to_check() {
    let (dir, database, db) = golden_site("export_dotted_name").await;
    let time = golden::day_start() + Duration::minutes(30);
    let mut record = quake_record("air", time);
    record.insert(
        "data",
        doc! {"id": "air", "pm2.5": 12.5, "sensor": {"location.name": "Capitole"}},
    );
    db.collection::<Document>(store::RECORDS)
        .insert_one(record)
        .await
        .expect("a record holding dotted names");
    let args = [
        "--source",
        "quakes",
        "--field",
        "pm2.5",
        "--field",
        "sensor.location.name",
        "--field",
        "properties.nowhere",
    ];
    let output = export(dir.path(), &database, &args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("one member whose name holds a dot")
            && said.contains("`pm2.5`, `sensor.location.name`"),
        "the dotted names are told as such: {said}"
    );
    assert!(
        said.contains("No record exported holds these --field paths")
            && said.contains("fields=`properties.nowhere`"),
        "a path no record holds is still told apart: {said}"
    );
}
