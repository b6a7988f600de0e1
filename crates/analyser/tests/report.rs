//! End to end: golden MongoDB documents in the summariser's and collector's shapes → the real
//! `analyser` binary → a PDF whose pages, charts and tables are checked with poppler; and the
//! map's positions read from `records`, sampled evenly past the cap.

mod common;

use std::path::Path;
use std::process::Output;

use analyser::period::{PeriodKind, ReportPeriod};
use chrono::{DateTime, Datelike, Duration, Utc};
use common::golden;
use mongodb::bson::{self, Bson, Document, doc};
use releve::Config;
use releve::store::{self, HourlySummary, StoredRecord};
use testkit::MongoServer;

fn setup(dir: &Path, config: &str) {
    std::fs::write(dir.join("sources.toml"), config).expect("write sources.toml");
}

/// Runs the analyser on `db` with `extra` arguments, off the async runtime (it blocks), and
/// returns what it printed.
async fn analyse(dir: &Path, uri: &str, db: &str, extra: &[&str]) -> String {
    let (dir, args) = (dir.to_owned(), analyser_args(uri, db, extra));
    tokio::task::spawn_blocking(move || {
        common::analyser_ok(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread")
}

/// Runs the analyser like [`analyse`], whatever its outcome.
async fn analyse_output(dir: &Path, uri: &str, db: &str, extra: &[&str]) -> Output {
    let (dir, args) = (dir.to_owned(), analyser_args(uri, db, extra));
    tokio::task::spawn_blocking(move || {
        common::analyser(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .expect("analyser thread")
}

fn analyser_args(uri: &str, db: &str, extra: &[&str]) -> Vec<String> {
    ["--mongodb-uri", uri, "--database", db]
        .iter()
        .chain(extra)
        .map(|arg| (*arg).to_owned())
        .collect()
}

/// Runs the analyser for the day report of `date`.
async fn day_report(dir: &Path, uri: &str, db: &str, date: &str) {
    analyse(dir, uri, db, &["--date", date]).await;
}

/// Runs the analyser for the day report of the golden day, reading the raw folder `raw`.
async fn golden_day_reading_raw(dir: &Path, uri: &str, db: &str) {
    analyse(
        dir,
        uri,
        db,
        &["--date", &golden::date(0), "--raw-dir", "raw"],
    )
    .await;
}

/// Lands the metrics of `run` in `raw`, waiting there for the summariser.
fn metrics_waiting(raw: &Path, run: &releve::RunMetrics) {
    let landed = releve::RawFileName::data(&run.source, run.started, 1);
    releve::rawfile::write_metrics(
        raw,
        &landed,
        &serde_json::to_vec(run).expect("metrics JSON"),
    )
    .expect("metrics file");
}

/// Writes the report of the golden day into `dir` and returns its text on one line.
async fn golden_day_text(dir: &Path, uri: &str, db: &str) -> String {
    day_report(dir, uri, db, &golden::date(0)).await;
    common::flat(&common::text(&dir.join(golden::report(0))))
}

/// A fresh database holding the summariser's collections and nothing else.
async fn summariser_database(label: &str) -> String {
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    store::connect(server.uri(), &name)
        .await
        .expect("the summariser's collections");
    name
}

/// A fresh database whose `runs` holds `runs`, as the summariser loads them.
async fn database_with_runs(label: &str, runs: &[releve::RunMetrics]) -> String {
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    let collection = server
        .client_database(&name)
        .await
        .collection::<Document>(store::RUNS);
    for run in runs {
        collection
            .insert_one(store::run_document(run).expect("run document"))
            .await
            .expect("insert run");
    }
    name
}

/// Marks the first `hourly` document `hour` finds as summarised now, as a summariser run
/// writing it again does; how many documents changed. (Replaced whole, as the summariser
/// writes it: nx-27017's `$set` stores a date as text.)
async fn summarised_again(database: &mongodb::Database, hour: Document) -> u64 {
    let hourly = database.collection::<Document>(store::HOURLY);
    let mut summary = hourly
        .find_one(hour)
        .await
        .expect("read an hour")
        .expect("an hour");
    summary.insert("updated_at", store::bson_date(Utc::now()));
    let id = summary.get("_id").cloned().expect("its _id");
    hourly
        .replace_one(doc! {"_id": id}, summary)
        .await
        .expect("summarise an hour again")
        .modified_count
}

async fn golden_database(label: &str) -> (String, String) {
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    golden::insert(&server.client_database(&name).await).await;
    (server.uri().to_owned(), name)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_golden_day_reports_the_stored_numbers_with_drawn_charts() {
    let (uri, db) = golden_database("golden").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let quarantine = dir.path().join("raw/_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine folder");
    let bad = quarantine.join(format!("quakes_{}T10-00-00Z.json", golden::date(0)));
    std::fs::write(bad, b"{oops").expect("quarantined file");
    let stdout = analyse(
        dir.path(),
        &uri,
        &db,
        &["--date", &golden::date(0), "--raw-dir", "raw"],
    )
    .await;
    let pdf = dir.path().join(golden::report(0));
    assert_eq!(
        stdout.trim(),
        pdf.display().to_string(),
        "the analyser prints where the PDF is, whatever the working folder"
    );
    assert!(pdf.exists());

    let scratch = tempfile::tempdir().expect("scratch dir");
    let pages = common::pages(&pdf, scratch.path());
    assert_eq!(
        pages.len(),
        6,
        "cover; catalogue and quakes; the rest of quakes; meteo (with its stretch without a \
         run said); offres; completeness"
    );
    // Sources follow one another where they fit; a page a source runs onto says so on top; a
    // source that fits whole on a page (meteo) is not split to fill the one before.
    let texts = common::page_texts(&pdf);
    for (page, first_line) in [(2, "quakes (continued)"), (3, "meteo"), (4, "offres")] {
        assert_eq!(
            texts[page]
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty()),
            Some(first_line),
            "page {}: {}",
            page + 1,
            texts[page]
        );
    }
    assert!(
        texts[4].contains("No data for this source in this period"),
        "offres follows meteo: {}",
        texts[4]
    );
    assert!(
        common::flat(&texts[3]).contains(&format!("Shaded \"no run\" on its charts: the stretch in which no collection of this source started, from {day} 05:45 to {day} 10:00 (about 4 hours)", day = golden::day())),
        "meteo's section says when it was not collected: {}",
        texts[3]
    );
    for (n, page) in pages.iter().enumerate() {
        assert!(page.ink() > 0.005, "page {} is not blank", n + 1);
    }
    let charts = common::charts(&pdf, scratch.path());
    assert_eq!(
        charts.len(),
        7,
        "quakes: counts, magnitude, type, map; meteo: counts and 2 fields"
    );
    for (n, chart) in charts.iter().enumerate() {
        assert!(
            chart.data_colour() > 0.003,
            "chart {} holds drawn data ({:.4})",
            n + 1,
            chart.data_colour()
        );
    }

    let text = common::text(&pdf);
    assert!(
        text.contains(&golden::day().format("%A %-d %B %Y").to_string()),
        "the cover names the day"
    );
    assert!(
        common::flat(&text).contains(
            "Sources now: 1 OK · 2 failing (quakes, offres) · 1 with files of this period quarantined (quakes)."
        ),
        "health line:\n{text}"
    );
    assert!(
        text.contains("Métropole") && text.contains("°C") && text.contains("éCO2mix"),
        "accents print"
    );
    let quakes = common::row(&text, "Health now", &["quakes"]);
    assert_eq!(
        quakes[1..7],
        ["failing,", "1", "file", "quarantined", "108", "1,000"],
        "the cover's health and records of quakes, in the day and the day before (the decoy \
         hour before it): {quakes:?}"
    );
    let meteo = common::row(&text, "Health now", &["meteo"]);
    assert_eq!(
        meteo.get(2),
        Some(&"80"),
        "the cover's records of meteo: {meteo:?}"
    );
    let quakes = common::row(&text, "Completeness and quality", &["quakes", "failing"]);
    assert_eq!(
        quakes[2..],
        [
            "96", "94", "2", "0", "of", "24", "108", "98.0%", "of", "9,400", "over", "94", "runs",
            "5", "3", "1"
        ],
        "completeness of quakes: {quakes:?}"
    );
    let meteo = common::row(&text, "Completeness and quality", &["meteo", "OK"]);
    assert_eq!(
        meteo[2..7],
        ["96", "80", "0", "4", "of"],
        "completeness of meteo: {meteo:?}"
    );
    let flat = common::flat(&text);
    assert!(
        flat.contains(
            "offres: 1 collection of 1 failed; latest failure: HTTP 401 from the token endpoint"
        ),
        "{flat}"
    );
    assert!(
        flat.contains("quakes: 2 collections of 96 failed; latest failure:"),
        "{flat}"
    );
    assert!(
        flat.contains("quakes: 3 records dropped by the summariser (no key, or no time it could read) from files landed in this period"),
        "the day's dropped records, not the next day's: {flat}"
    );
    assert!(
        flat.contains(
            "(a record too large for it keeps its file in the raw folder's _quarantine/)"
        ),
        "the raw folder, whatever `--raw-dir` names: {flat}"
    );
    assert!(
        text.contains("No data for this source in this period"),
        "offres has no data"
    );
}

/// A screen reader cannot see the bars of records per hour: the line under the chart says its
/// busiest and quietest hours and their counts, read after the chart's title.
#[tokio::test(flavor = "multi_thread")]
async fn the_records_chart_says_its_busiest_and_quietest_hours_in_words() {
    let (uri, db) = golden_database("records-in-words").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let text = golden_day_text(dir.path(), &uri, &db).await;
    let day = golden::date(0);
    let said = format!(
        "Records per hour Most records in an hour: 6 ({day} 03:00–04:00 CET and 5 other hours); \
         fewest: 3 ({day} 00:00–01:00 CET and 5 other hours)."
    );
    assert!(text.contains(&said), "{said} in: {text}");
}

/// A screen reader cannot see where a numeric chart peaks: the line under it says the hours of
/// its lowest and highest values beside them.
#[tokio::test(flavor = "multi_thread")]
async fn a_numeric_chart_says_when_its_lowest_and_highest_values_were() {
    let (uri, db) = golden_database("extremes-in-words").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let text = golden_day_text(dir.path(), &uri, &db).await;
    let day = golden::date(0);
    let said = format!(
        "Period: min 1.4 °C ({day} 22:00–23:00 CET), mean 7.09 °C, max 14.5 °C ({day} 10:00–11:00 CET) \
         over 80 values; 0 records without a value."
    );
    assert!(text.contains(&said), "{said} in: {text}");
}

/// Once `keep_days` has dropped a period's records, the map draws those still stored and says
/// how many are gone, rather than calling what is left the period's records (the chart's
/// title, drawn in the image, says "still stored").
#[tokio::test(flavor = "multi_thread")]
async fn a_map_of_a_period_whose_records_expired_says_how_many_are_gone() {
    let (uri, db) = golden_database("expired").await;
    let server = MongoServer::shared();
    let records = server
        .client_database(&db)
        .await
        .collection::<Document>(store::RECORDS);
    let noon = golden::day_start() + Duration::hours(12);
    let expired = doc! {"source": "quakes", "hour": {"$lt": bson::DateTime::from_millis(noon.timestamp_millis())}};
    let left = records
        .count_documents(doc! {"source": "quakes"})
        .await
        .expect("count")
        - records
            .count_documents(expired.clone())
            .await
            .expect("count");
    records.delete_many(expired).await.expect("expire records");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = golden::CONFIG.replacen("every = \"15m\"", "every = \"15m\"\nkeep_days = 2", 1);
    setup(dir.path(), &config);
    day_report(dir.path(), &uri, &db, &golden::date(0)).await;
    let text = common::text(&dir.path().join(golden::report(0)));
    let flat = common::flat(&text);
    let gone = 108 - left;
    assert!(
        flat.contains(&format!("{gone} of the period's 108 records are no longer stored: keep_days = 2 drops a record from MongoDB once it is 2 days old (the hourly summaries keep them); not drawn.")),
        "{flat}"
    );
}

/// A field whose every value was left out as implausible (a broken sensor) says so, rather
/// than reading as a field no record holds.
#[tokio::test(flavor = "multi_thread")]
async fn a_field_of_implausible_values_only_says_they_were_left_out() {
    use futures_util::TryStreamExt;
    let (uri, db) = golden_database("implausible").await;
    let server = MongoServer::shared();
    let hourly = server
        .client_database(&db)
        .await
        .collection::<HourlySummary>(store::HOURLY);
    let meteo = doc! {"source": "meteo"};
    let mut summaries: Vec<HourlySummary> = hourly
        .find(meteo.clone())
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("read");
    for summary in &mut summaries {
        for field in &mut summary.numeric {
            let gone = field.count;
            (field.min, field.max, field.mean, field.sum, field.count) = (None, None, None, 0.0, 0);
            if field.field == "temperature_2m" {
                field.implausible = gone;
            } else {
                field.nulls = gone;
            }
        }
    }
    hourly.delete_many(meteo).await.expect("delete");
    hourly.insert_many(&summaries).await.expect("insert");
    let dir = tempfile::tempdir().expect("temp dir");
    // Every magnitude of the quakes the map draws, implausible by this range.
    let config = golden::CONFIG.replacen(
        "every = \"15m\"",
        "every = \"15m\"\nplausible = { \"properties.mag\" = [10, 20] }",
        1,
    );
    setup(dir.path(), &config);
    day_report(dir.path(), &uri, &db, &golden::date(0)).await;
    let text = common::text(&dir.path().join(golden::report(0)));
    let flat = common::flat(&text);
    // Where they were: a reader can look for them in the records.
    assert!(
        flat.contains(&format!(
            "No numeric value of temperature_2m in this period: 80 values left out as implausible (outside its plausible range, in 20 hours, the first {} 00:00–01:00 CET).",
            golden::date(0)
        )),
        "{flat}"
    );
    assert!(
        flat.contains(
            "No numeric value of relative_humidity_2m in this period: 80 records without one (absent, null, or text that is not a number, such as a decimal comma)."
        ),
        "{flat}"
    );
    assert!(
        flat.contains("No record drawn holds a plausible number in properties.mag: each holds none (absent, null, or text that is not a number, such as a decimal comma) or one out of its plausible range; points drawn as grey rings."),
        "{flat}"
    );
}

/// A `plausible` range set after the period's hours were summarised leaves their values
/// outside it in the min, mean and max: the caption says how many hours hold such values,
/// rather than printing figures outside the range beside "implausible values left out".
#[tokio::test(flavor = "multi_thread")]
async fn a_range_set_after_hours_were_summarised_says_their_figures_count_values_outside_it() {
    let (uri, db) = golden_database("range-after").await;
    let dir = tempfile::tempdir().expect("temp dir");
    // The golden temperatures stay below 15 °C: each of meteo's 20 hours holds one below 20.
    let config = golden::CONFIG.replacen(
        "units = { temperature_2m",
        "plausible = { temperature_2m = [20, 40] }\nunits = { temperature_2m",
        1,
    );
    setup(dir.path(), &config);
    let flat = golden_day_text(dir.path(), &uri, &db).await;
    assert!(
        flat.contains("20 of the period's 20 summarised hours hold values of temperature_2m outside its `plausible` range [20, 40]: they were summarised before the range was set, and these figures count those values. `summariser --resummarise meteo` summarises them again with it"),
        "{flat}"
    );
    assert!(!flat.contains("of relative_humidity_2m outside"), "{flat}");

    setup(dir.path(), golden::CONFIG);
    let flat = golden_day_text(dir.path(), &uri, &db).await;
    assert!(!flat.contains("outside its `plausible` range"), "{flat}");
}

/// A source renamed or removed from the configuration keeps its history in MongoDB under its
/// old name: the reports of periods it has records in say they leave those records out,
/// rather than counting "of 2 sources" as if there were no others.
#[tokio::test(flavor = "multi_thread")]
async fn records_of_a_source_removed_from_the_configuration_are_said_left_out() {
    let (uri, db) = golden_database("removed").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let meteo = golden::CONFIG
        .find("[[source]]\nname = \"meteo\"")
        .expect("meteo's table");
    let offres = golden::CONFIG
        .find("[[source]]\nname = \"offres\"")
        .expect("offres' table");
    let without_meteo = format!("{}{}", &golden::CONFIG[..meteo], &golden::CONFIG[offres..]);
    setup(dir.path(), &without_meteo);
    let flat = golden_day_text(dir.path(), &uri, &db).await;
    assert!(
        flat.contains(&format!(
            "Left out of this report: MongoDB holds {} records of this period from 1 source no longer in the configuration, meteo ({}): a source renamed keeps its history under its old name; keep a table with `enabled = false` to report it.",
            golden::METEO_RECORDS,
            golden::METEO_RECORDS
        )),
        "{flat}"
    );

    setup(dir.path(), golden::CONFIG);
    let flat = golden_day_text(dir.path(), &uri, &db).await;
    assert!(!flat.contains("Left out of this report"), "{flat}");
}

/// Every record holds the field, as text that is not a number (`"2,0"`, a decimal comma,
/// which the summaries count as `nulls`): the chart's line and the map's caption say what
/// such records hold, not that none holds the field.
#[tokio::test(flavor = "multi_thread")]
async fn a_field_held_as_text_with_a_decimal_comma_is_said_not_a_number_not_missing() {
    use futures_util::TryStreamExt;
    let (uri, db) = golden_database("decimal-comma").await;
    let database = MongoServer::shared().client_database(&db).await;
    let hourly = database.collection::<HourlySummary>(store::HOURLY);
    let quakes = doc! {"source": "quakes"};
    let mut summaries: Vec<HourlySummary> = hourly
        .find(quakes.clone())
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("read");
    for field in summaries.iter_mut().flat_map(|s| s.numeric.iter_mut()) {
        field.nulls += field.count;
        (field.min, field.max, field.mean, field.sum, field.count) = (None, None, None, 0.0, 0);
    }
    hourly.delete_many(quakes.clone()).await.expect("delete");
    hourly.insert_many(&summaries).await.expect("insert");
    let records = database.collection::<Document>(store::RECORDS);
    let mut stored: Vec<Document> = records
        .find(quakes.clone())
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("read");
    for record in &mut stored {
        let properties = record
            .get_document_mut("data")
            .and_then(|data| data.get_document_mut("properties"))
            .expect("a quake's properties");
        properties.insert("mag", "2,0");
    }
    records.delete_many(quakes).await.expect("delete");
    records.insert_many(&stored).await.expect("insert");
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let flat = golden_day_text(dir.path(), &uri, &db).await;
    assert!(
        flat.contains(
            "No numeric value of properties.mag in this period: 108 records without one (absent, null, or text that is not a number, such as a decimal comma)."
        ),
        "{flat}"
    );
    assert!(
        flat.contains(
            "No record drawn holds a number in properties.mag (absent, null, or text that is not a number, such as a decimal comma); points drawn as grey rings."
        ),
        "{flat}"
    );
}

/// A configuration that cannot be read stops the report before it starts, with exit code 2
/// as every stage gives it, in one line naming the file and line; no report is written.
#[test]
fn a_configuration_that_cannot_be_read_exits_2_and_writes_no_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), "[report]\ntimezone = \"Mars/Olympus\"\n");
    let output = common::analyser(
        dir.path(),
        &analyser_args("mongodb://127.0.0.1:1", "releve", &[])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.lines().count() == 1
            && stderr.starts_with("analyser: no report was written: sources.toml:2"),
        "{stderr}"
    );
    assert!(!dir.path().join("reports").exists(), "no report");
}

/// A database the summariser never wrote (a mistyped `--database`) is refused: the day's
/// good report is not replaced by an empty one.
#[tokio::test(flavor = "multi_thread")]
async fn a_database_without_releve_data_replaces_no_report() {
    let server = MongoServer::shared();
    let typo = server.fresh_database("typo");
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let pdf = dir.path().join(golden::report(0));
    std::fs::create_dir_all(dir.path().join("reports")).expect("reports");
    std::fs::write(&pdf, b"the good report").expect("a report");
    let output = analyse_output(
        dir.path(),
        server.uri(),
        &typo,
        &["--date", &golden::date(0)],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("database `{typo}` holds no relevé data")),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&pdf).expect("the report"),
        b"the good report",
        "the report is left as it was"
    );
}

/// The machine's clock (the laptop's, MongoDB's on it too) ran a year ahead for a while, then
/// NTP set it right: hours the summariser wrote in that while carry an `updated_at` a year
/// ahead. The crontab's day job (`--if-missing`, hourly from 04:15 to 23:15) then finds them
/// "summarised since" the report at every run: it writes the report again each hour, for the
/// eight days it looks back (the week and month jobs too), each time claiming on the cover
/// "replacing the report written before: hours of the period were summarised since", though
/// nothing changed. Written once, it should be left as it is.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_does_not_write_a_report_again_at_every_run_after_a_clock_that_ran_ahead() {
    let (uri, db) = golden_database("ahead-then-right").await;
    let database = MongoServer::shared().client_database(&db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    // An hour of the day summarised while the clock read a year ahead.
    let hourly = database.collection::<Document>(store::HOURLY);
    let in_day = doc! {"source": "quakes", "hour": {"$gte": store::bson_date(golden::day_start())}};
    let mut summary = hourly
        .find_one(in_day)
        .await
        .expect("read an hour")
        .expect("an hour");
    summary.insert(
        "updated_at",
        store::bson_date(Utc::now() + Duration::days(365)),
    );
    let id = summary.get("_id").cloned().expect("its _id");
    hourly
        .replace_one(doc! {"_id": id}, summary)
        .await
        .expect("an hour summarised ahead");
    let day = ["--date", &golden::date(0), "--if-missing"];
    let report = dir.path().join(golden::report(0));
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .expect("the report's time")
    };
    analyse(dir.path(), &uri, &db, &day).await;
    let written = modified(&report);
    // The next hour's job: nothing was summarised since.
    analyse(dir.path(), &uri, &db, &day).await;
    assert_eq!(
        modified(&report),
        written,
        "nothing summarised since the report was written, yet it is written again at every run"
    );
}

/// A report written while a day was not collected yet (France Travail's credentials wrong at
/// 04:15, fixed at 07:00) is written again by the next `--if-missing` run once hours of its
/// period were summarised since, the day's report and those of the eight days before it alike;
/// reports whose hours did not change are left as they are.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_again_a_report_whose_hours_were_summarised_since() {
    let (uri, db) = golden_database("outdated").await;
    let database = MongoServer::shared().client_database(&db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let day = ["--date", &golden::date(0), "--if-missing"];
    let (today, before) = (
        dir.path().join(golden::report(0)),
        dir.path().join(golden::report(-1)),
    );
    analyse(dir.path(), &uri, &db, &["--date", &golden::date(-1)]).await;
    analyse(dir.path(), &uri, &db, &day).await;
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .expect("the report's time")
    };
    let written = (modified(&today), modified(&before));
    analyse(dir.path(), &uri, &db, &day).await;
    assert_eq!(
        (modified(&today), modified(&before)),
        written,
        "nothing summarised since: both left as they are"
    );

    // An hour of the day before summarised again: its report is written again, the day's not.
    let summarised_now = |hour: Document| summarised_again(&database, hour);
    let day_start = store::bson_date(golden::day_start());
    let day_before = doc! {"source": "meteo", "hour": {
        "$gte": store::bson_date(golden::day_start() - Duration::days(1)),
        "$lt": day_start,
    }};
    assert_eq!(summarised_now(day_before).await, 1);
    let printed = analyse(dir.path(), &uri, &db, &day).await;
    assert_eq!(printed.trim(), today.display().to_string());
    assert_eq!(
        modified(&today),
        written.0,
        "the day's report left as it is"
    );
    assert!(
        modified(&before) > written.1,
        "the day before's written again"
    );
    let cover = common::flat(&common::page_texts(&before)[0]);
    assert!(
        cover.contains(
            "(Europe/Paris), replacing the report written before: hours of the period were summarised since"
        ),
        "{cover}"
    );
    let first = common::flat(&common::page_texts(&today)[0]);
    assert!(!first.contains("replacing"), "{first}");
    let rewritten = modified(&before);

    // Then an hour of the day itself.
    let in_day = doc! {"source": "quakes", "hour": {"$gte": day_start}};
    assert_eq!(summarised_now(in_day).await, 1);
    analyse(dir.path(), &uri, &db, &day).await;
    assert!(
        modified(&today) > written.0,
        "the day's report written again"
    );
    assert_eq!(modified(&before), rewritten);
    assert!(
        std::fs::read(&today).expect("report").starts_with(b"%PDF-"),
        "a whole report"
    );

    // With a table refused, a report written already is left as it is whatever its hours: it
    // may hold that source's section, which writing it again would lose.
    let today_written = modified(&today);
    setup(
        dir.path(),
        &golden::CONFIG.replacen("every = ", "evry = ", 1),
    );
    let in_day = doc! {"source": "meteo", "hour": {"$gte": day_start}};
    assert_eq!(summarised_now(in_day).await, 1);
    let output = analyse_output(dir.path(), &uri, &db, &day).await;
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        today.display().to_string(),
        "its path, as when it is left"
    );
    assert_eq!(modified(&today), today_written, "left as it is");
    // A warning, as the report lacks the hours summarised since, naming what holds it back
    // and the command writing it again.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warned = stderr
        .lines()
        .find(|line| line.contains("left as it is, without them"));
    assert!(
        warned.is_some_and(|line| line.contains("WARN")
            && line.contains("the configuration does not collect `")
            && line.contains(&format!(
                "`{} --period day --date {} --database {db} --mongodb-uri {uri}`",
                env!("CARGO_BIN_EXE_analyser"),
                golden::date(0)
            ))),
        "{stderr}"
    );

    // A table refused that holds nothing of the period (a source being added, mistyped) has no
    // section to lose: the report is written again, its cover naming the table refused.
    setup(
        dir.path(),
        &format!(
            "{}\n[[source]]\nname = \"added\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/added\"\nevry = \"1h\"\nkey = \"id\"\n",
            golden::CONFIG
        ),
    );
    analyse_output(dir.path(), &uri, &db, &day).await;
    assert!(modified(&today) > today_written, "written again");
    let cover = common::flat(&common::page_texts(&today)[0]);
    assert!(cover.contains("added"), "the refused table named: {cover}");
}

/// A source whose table is refused (an upgrade, a typo) that only failed in the period (the
/// golden day's `offres`: one run refused by its token endpoint, no hour): a report holding its
/// failure is not written again without it when an hour of the period changes.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_keeps_the_section_of_a_refused_source_that_ran_in_the_period() {
    let (uri, db) = golden_database("outdated_refused_ran").await;
    let database = MongoServer::shared().client_database(&db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let today = dir.path().join(golden::report(0));
    let date = golden::date(0);
    let day = ["--date", &date, "--if-missing", "--raw-dir", "raw data"];
    std::fs::create_dir(dir.path().join("raw data")).expect("raw folder");
    analyse(dir.path(), &uri, &db, &day).await;
    let said = |path: &Path| common::flat(&common::page_texts(path).join(" "));
    assert!(said(&today).contains("HTTP 401 from the token endpoint"));
    let written = std::fs::metadata(&today)
        .and_then(|m| m.modified())
        .expect("time");
    setup(
        dir.path(),
        &golden::CONFIG.replacen("every = \"1d\"", "evry = \"1d\"", 1),
    );
    let day_start = store::bson_date(golden::day_start());
    let in_day = doc! {"source": "meteo", "hour": {"$gte": day_start}};
    assert_eq!(summarised_again(&database, in_day).await, 1);
    let output = analyse_output(dir.path(), &uri, &db, &day).await;
    let now = std::fs::metadata(&today)
        .and_then(|m| m.modified())
        .expect("time");
    assert_eq!(now, written, "left as it is: {}", said(&today));
    // Its warning names the source holding it back, whose runs alone the day holds, and the
    // command writing it again with the raw folder and the database this run read, quoted.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .lines()
            .any(|line| line.contains("left as it is, without them")
                && line.contains("does not collect `offres`, whose runs this period holds")
                && line.contains(&format!(
                    "`{} --period day --date {date} --raw-dir 'raw data' --database {db} --mongodb-uri {uri}`",
                    env!("CARGO_BIN_EXE_analyser")
                ))),
        "{stderr}"
    );
}

/// A summary edited by hand into a shape the analyser cannot read is left out and named, with
/// what does not fit, on the cover and in one line, and the run exits 1; a count written as a
/// whole double, as mongosh writes numbers, reads as the count it is; a run without `started`
/// is named too, and is not taken for the first collection.
#[tokio::test(flavor = "multi_thread")]
async fn a_misshapen_summary_is_left_out_and_named_by_its_source_and_hour() {
    let (uri, db) = golden_database("misshapen").await;
    let database = MongoServer::shared().client_database(&db).await;
    let hourly = database.collection::<Document>(store::HOURLY);
    let edited = golden::day_start() + Duration::hours(3);
    let retyped = golden::day_start() + Duration::hours(5);
    for (hour, count) in [(edited, Bson::from("four")), (retyped, Bson::from(4.0))] {
        hourly
            .update_one(
                doc! {"source": "meteo", "hour": store::bson_date(hour)},
                doc! {"$set": {"count": count}},
            )
            .await
            .expect("edit a summary");
    }
    database
        .collection::<Document>(store::RUNS)
        .insert_one(doc! {"source": "meteo", "finished": store::bson_date(golden::day_start()), "records": 4})
        .await
        .expect("a run without `started`");
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let output = analyse_output(dir.path(), &uri, &db, &["--date", &golden::date(0)]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let named = format!(
        "the `hourly` document (meteo, hour {}) does not have the shape relevé writes",
        edited.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let failures: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("analyser:"))
        .collect();
    assert_eq!(failures.len(), 2, "{stderr}");
    assert!(
        failures[1].contains("the `runs` document (meteo, _id ObjectId(")
            && failures[1].contains("missing field `started`: left out"),
        "{stderr}"
    );
    assert!(failures[0].contains(&named), "{named:?} in {stderr}");
    assert!(
        failures[0].contains("\"four\""),
        "what does not fit: {stderr}"
    );
    assert!(failures[0].contains("left out"), "{stderr}");
    let pdf = dir.path().join(golden::report(0));
    assert!(pdf.exists(), "the report is written all the same");
    let text = common::text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains(&format!("hour {}-", edited.format("%Y"))) && text.contains("left out"),
        "the cover says it: {text}"
    );
    assert!(
        text.contains(&format!("{} records", golden::METEO_RECORDS - 4)),
        "every hour but the one left out counts, the retyped one too: {text}"
    );
}

/// A URI or a database name that cannot be used at all is a command line that cannot be
/// read: one line, exit 2, and the password never shown.
#[tokio::test(flavor = "multi_thread")]
async fn a_uri_or_database_name_that_cannot_be_used_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    for (uri, database, says) in [
        (
            "mongodb://releve:Xy7?kQ2p@db.example.org:27017/",
            "releve",
            "must be percent-encoded",
        ),
        (
            "mongodb://127.0.0.1:1",
            "a.b",
            "--database `a.b` is not a MongoDB database name",
        ),
    ] {
        let output = analyse_output(dir.path(), uri, database, &["--date", &golden::date(0)]).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says) && !stderr.contains("Xy7"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reports_dir_that_is_a_file_is_named() {
    let server = MongoServer::shared();
    let db = summariser_database("reportsfile").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    std::fs::write(dir.path().join("repfile"), b"a file").expect("a file");
    let extra = ["--date", &golden::date(0), "--reports-dir", "repfile"];
    let output = analyse_output(dir.path(), server.uri(), &db, &extra).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("repfile: cannot write the report: it is not a folder: check --reports-dir"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_period_gives_a_valid_report_saying_no_data() {
    let server = MongoServer::shared();
    // The summariser has run (its collections exist) and stored nothing of the period.
    let db = summariser_database("empty").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
    let pdf = dir.path().join(golden::report(0));
    let scratch = tempfile::tempdir().expect("scratch dir");
    assert_eq!(
        common::pages(&pdf, scratch.path()).len(),
        3,
        "cover, catalogue and the 3 sources' lines, completeness"
    );
    let catalogue = &common::page_texts(&pdf)[1];
    assert_eq!(
        catalogue
            .matches("No data for this source in this period")
            .count(),
        3,
        "a source without data takes a line, not a page: {catalogue}"
    );
    let text = common::text(&pdf);
    assert!(
        text.contains("No data in this period"),
        "the cover says so:\n{text}"
    );
    assert_eq!(
        text.matches("No data for this source in this period")
            .count(),
        3
    );
    assert!(
        text.contains("Quarantined files: n/a"),
        "no raw folder, no quarantine count"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_source_table_is_named_on_the_cover_and_fails_the_run() {
    let (uri, db) = golden_database("refused").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = golden::CONFIG.replacen(
        "every = \"15m\"",
        "every = \"15m\"\nmap_frame = [1, 2, 3]",
        1,
    );
    setup(dir.path(), &config);
    let output = analyse_output(dir.path(), &uri, &db, &["--date", &golden::date(0)]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        dir.path().join(golden::report(0)).display().to_string(),
        "the report of the other sources is written"
    );
    let line = "sources.toml:11: source `quakes`: key `map_frame`: expected [min_lon, min_lat, max_lon, max_lat], four numbers, not 3";
    assert!(stderr.contains(line), "{stderr}");
    let pdf = dir.path().join(golden::report(0));
    let pages = common::page_texts(&pdf);
    let cover = common::flat(&pages[0]);
    assert!(
        cover.contains("Left out of this report: the configuration refused 1 source table"),
        "{cover}"
    );
    assert!(
        cover.contains(line),
        "the cover names the table and why: {cover}"
    );
    assert!(
        !common::text(&pdf).contains("quakes ·"),
        "no section for the refused source"
    );
}

/// A source never collected for lack of credentials, and one just added, have no run known:
/// named on the cover as such, none of their collections is expected ("0 landed of 96
/// expected" said of a source added this morning).
#[tokio::test(flavor = "multi_thread")]
async fn a_source_never_collected_for_lack_of_credentials_reads_skipped_not_late() {
    let (uri, db) = golden_database("skipped").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "{}\n[[source]]\nname = \"offres-ft\"\nkind = \"france_travail\"\nurl = \"http://127.0.0.1:9/ft\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n\n[[source]]\nname = \"added\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/added\"\nevery = \"15m\"\nkey = \"id\"\ntime = \"t\"\n",
        golden::CONFIG
    );
    setup(dir.path(), &config);
    // The analyser runs without France Travail's credentials (`common::analyser`).
    day_report(dir.path(), &uri, &db, &golden::date(0)).await;
    let pages = common::page_texts(&dir.path().join(golden::report(0)));
    let cover = common::flat(&pages[0]);
    assert!(
        cover.contains("skipped, no credentials set (offres-ft)"),
        "{cover}"
    );
    assert!(cover.contains("offres-ft skipped"), "{cover}");
    assert!(!cover.contains("late (offres-ft"), "{cover}");
    assert!(cover.contains("1 never collected (added)"), "{cover}");
    assert!(
        !cover.contains("offres-ft (0 landed") && !cover.contains("added (0 landed"),
        "no collection of theirs is expected: {cover}"
    );
    let text = common::flat(&common::text(&dir.path().join(golden::report(0))));
    for note in [
        "offres-ft: no run known, so no collection expected (its credentials are not set here, and the collector skips a source without them).",
        "added: no run known, so no collection expected (a source just added is collected from cron's next minute).",
    ] {
        assert!(text.contains(note), "{note} in {text}");
    }
}

/// A source whose runs land no record since its query changed (the collector notes it in its
/// state) reads `empty` on the cover, in red, when the report reads the raw folder.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_landing_nothing_since_its_query_changed_reads_empty() {
    let (uri, db) = golden_database("empty").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let folder = dir.path().join("raw/meteo");
    std::fs::create_dir_all(&folder).expect("source folder");
    let state = serde_json::json!({
        "query": "0123456789abcdef",
        "unmatched": {"since": (Utc::now() - Duration::hours(3)).to_rfc3339()},
    });
    std::fs::write(folder.join(".state.json"), state.to_string()).expect("state");
    golden_day_reading_raw(dir.path(), &uri, &db).await;
    let pages = common::page_texts(&dir.path().join(golden::report(0)));
    let cover = common::flat(&pages[0]);
    assert!(
        cover.contains("1 landing no record since its query changed (meteo)"),
        "{cover}"
    );
    assert!(cover.contains("meteo empty"), "{cover}");
}

/// `--if-missing`, as the crontab's daily week and month jobs run it: the first run writes the
/// period's report, the next ones leave it as it is, unless it was written before the period
/// was complete (by hand while it ran), which is written again.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_a_period_s_report_once_it_is_complete() {
    let (uri, db) = golden_database("if-missing").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let week = [
        "--period",
        "week",
        "--date",
        &golden::date(0),
        "--if-missing",
    ];
    let path = dir.path().join("reports").join(golden::week_report());
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .expect("the report's time")
    };
    let printed = analyse(dir.path(), &uri, &db, &week).await;
    assert_eq!(printed.trim(), path.display().to_string());
    let written = modified(&path);
    let printed = analyse(dir.path(), &uri, &db, &week).await;
    assert_eq!(
        printed.trim(),
        path.display().to_string(),
        "its path, as when it is written"
    );
    assert_eq!(modified(&path), written, "left as it is");

    // Written while the week ran: its last days were still to come.
    let period =
        ReportPeriod::containing(PeriodKind::Week, golden::day(), chrono_tz::Europe::Paris);
    let early = std::time::SystemTime::from(period.start() + Duration::days(2));
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(early))
        .expect("backdate the report");
    analyse(dir.path(), &uri, &db, &week).await;
    assert!(modified(&path) > early, "written again");
    assert!(
        std::fs::read(&path).expect("report").starts_with(b"%PDF-"),
        "a whole report"
    );
}

/// A laptop asleep at 04:15 misses its day job: the next job it is awake for
/// (`--if-missing`) writes the reports of the days missed too, those holding a collection; the
/// days before the first collection stay without one, and the next run leaves them all as
/// they are.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_the_reports_of_days_whose_job_did_not_run() {
    let (uri, db) = golden_database("missed").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let next = ["--date", &golden::date(1), "--if-missing"];
    let output = analyse_output(dir.path(), &uri, &db, &next).await;
    assert!(output.status.success(), "{output:?}");
    let path = |days: i64| dir.path().join(golden::report(days));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        path(1).display().to_string(),
        "the asked day's path, as ever"
    );
    let pdf = std::fs::read(path(0)).expect("the golden day's report, missed");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        !path(-1).exists(),
        "no report of a day before the first collection (nor of the days before it)"
    );
    let cover = common::flat(&common::page_texts(&path(0))[0]);
    assert!(!cover.contains("replacing"), "{cover}");

    let modified = |days: i64| {
        std::fs::metadata(path(days))
            .and_then(|meta| meta.modified())
            .expect("the report's time")
    };
    let written = [modified(1), modified(0)];
    analyse(dir.path(), &uri, &db, &next).await;
    assert_eq!([modified(1), modified(0)], written, "left as they are");

    // Written by hand while the day ran, it lacks the day's end: it is written again.
    let early = std::time::SystemTime::from(golden::day_start() + Duration::hours(12));
    std::fs::File::options()
        .write(true)
        .open(path(0))
        .and_then(|file| file.set_modified(early))
        .expect("backdate the report");
    analyse(dir.path(), &uri, &db, &next).await;
    assert!(modified(0) > early, "written again");
    assert_eq!(modified(1), written[0]);
}

/// The only source renamed (`meteo` → `weather`) the day after a day whose job did not run
/// (the laptop off that night): the day was collected, under the old name, and its report is
/// written when asked for with `--if-missing` (its cover naming the records of a source no
/// longer configured). The next job's `--if-missing` writes it as missed too, as `analyser
/// status` advises, rather than taking it for a day before the first collection.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_a_missed_day_collected_under_a_source_s_former_name() {
    let server = MongoServer::shared();
    let db = server.fresh_database("missedrenamed");
    let database = server.client_database(&db).await;
    golden::insert(&database).await;
    let renamed = golden::run(
        "weather",
        golden::day_start() + Duration::hours(34),
        1,
        None,
        None,
    );
    database
        .collection::<Document>(store::RUNS)
        .insert_one(store::run_document(&renamed).expect("run document"))
        .await
        .expect("insert run");
    let dir = tempfile::tempdir().expect("temp dir");
    let meteo = meteo_renamed_weather();
    setup(
        dir.path(),
        &format!("[report]\ntimezone = \"Europe/Paris\"\nkeep = 5\n\n[[source]]{meteo}"),
    );
    let uri = server.uri();
    let asked = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        dir.path().join("sources.toml"),
        asked.path().join("sources.toml"),
    )
    .expect("the same configuration");
    analyse(
        asked.path(),
        uri,
        &db,
        &["--date", &golden::date(0), "--if-missing"],
    )
    .await;
    assert!(
        asked.path().join(golden::report(0)).exists(),
        "asked for, the day is reported"
    );
    analyse(
        dir.path(),
        uri,
        &db,
        &["--date", &golden::date(1), "--if-missing"],
    )
    .await;
    let missed = dir.path().join(golden::report(0));
    assert!(
        missed.exists(),
        "the day collected under `meteo` was taken for a day before the first collection: no report of it"
    );
}

/// The golden configuration's `meteo` table (after its `[[source]]` line), renamed `weather`.
fn meteo_renamed_weather() -> String {
    golden::CONFIG
        .split("[[source]]")
        .find(|table| table.contains("name = \"meteo\""))
        .expect("meteo's table")
        .replace("name = \"meteo\"", "name = \"weather\"")
}

/// A fresh database where `meteo`'s runs of the golden day all failed and `weather`, its new
/// name, first ran the day after, and a folder whose configuration collects `weather` alone.
async fn renamed_after_failed_runs(name: &str) -> (String, tempfile::TempDir) {
    let server = MongoServer::shared();
    let db = server.fresh_database(name);
    let database = server.client_database(&db).await;
    let day_start = golden::day_start();
    let failed = Some("HTTP 503");
    let runs = [
        golden::run("meteo", day_start + Duration::hours(10), 0, None, failed),
        golden::run("weather", day_start + Duration::hours(34), 1, None, None),
    ];
    for run in &runs {
        database
            .collection::<Document>(store::RUNS)
            .insert_one(store::run_document(run).expect("run document"))
            .await
            .expect("insert run");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let meteo = meteo_renamed_weather();
    setup(dir.path(), &format!("[[source]]{meteo}"));
    (db, dir)
}

/// The same with runs alone under the former name (every run of that day failed): they are a
/// collection too, and the day is written as missed by the next day's job, or when asked for
/// itself (the crontab's hourly day job once the renamed source has run), not taken for one
/// that ended before the first collection.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_a_day_whose_only_runs_are_a_former_name_s() {
    let uri = MongoServer::shared().uri();
    let (db, dir) = renamed_after_failed_runs("missedrunsonly").await;
    let next_day = ["--date", &golden::date(1), "--if-missing"];
    let output = analyse_output(dir.path(), uri, &db, &next_day).await;
    assert!(
        dir.path().join(golden::report(0)).exists(),
        "the day of meteo's failed runs is reported as missed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The day before may be reported too (a run of a per-day source collects the day before
    // it, and a removed source's kind is not known), not the one before it.
    assert!(!dir.path().join(golden::report(-2)).exists());

    let (db, dir) = renamed_after_failed_runs("askedrunsonly").await;
    let output = analyse_output(
        dir.path(),
        uri,
        &db,
        &["--date", &golden::date(0), "--if-missing"],
    )
    .await;
    assert!(
        dir.path().join(golden::report(0)).exists(),
        "the day of meteo's failed runs, asked for, is reported: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The morning after relevé is installed, the crontab's day, week and month jobs
/// (`--if-missing`) find yesterday, last week and last month ended before the first
/// collection: they write no report of nothing, and exit 0. Asked for by hand, without `--if-missing`, the report is written.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_no_report_of_a_period_before_the_first_collection() {
    let (uri, db) = golden_database("before-first").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let week_before = golden::date(-7);
    let week = ["--period", "week", "--date", &week_before, "--if-missing"];
    let output = analyse_output(dir.path(), &uri, &db, &week).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "",
        "no path printed"
    );
    let reports = dir.path().join("reports");
    let written = || std::fs::read_dir(&reports).map_or(0, |entries| entries.count());
    assert_eq!(written(), 0, "no report of a week before any collection");
    // Nor of a day before it, as the crontab's day job asks.
    let day_before = golden::date(-2);
    let day = ["--period", "day", "--date", &day_before, "--if-missing"];
    let output = analyse_output(dir.path(), &uri, &db, &day).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(written(), 0, "no report of a day before any collection");

    let printed = analyse(dir.path(), &uri, &db, &week[..4]).await;
    assert!(
        printed.trim().ends_with(".pdf"),
        "written when asked: {printed}"
    );
    assert_eq!(written(), 1);

    // A refused table may be of a source that collected long before: the period is reported,
    // its cover saying so, and the run exits 1 as for any refused table.
    let dir = tempfile::tempdir().expect("temp dir");
    let refused = "\n[[source]]\nname = \"older\"\nkind = \"http_json\"\n";
    setup(dir.path(), &format!("{}{refused}", golden::CONFIG));
    let output = analyse_output(dir.path(), &uri, &db, &week).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .ends_with(".pdf"),
        "{output:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn periods_are_named_and_only_the_last_reports_are_kept() {
    let (uri, db) = golden_database("periods").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let (dir_path, uri_then, db_then) = (dir.path().to_owned(), uri.clone(), db.clone());
    let printed = tokio::task::spawn_blocking(move || {
        let run = |extra: &[&str]| {
            let mut args = vec![
                "--mongodb-uri",
                uri_then.as_str(),
                "--database",
                db_then.as_str(),
            ];
            args.extend_from_slice(extra);
            common::analyser_ok(&dir_path, &args).trim().to_owned()
        };
        vec![
            run(&["--date", &golden::date(-2)]),
            run(&["--date", &golden::date(-1)]),
            run(&["--date", &golden::date(0)]),
            run(&["--period", "week", "--date", &golden::date(0)]),
            run(&["--period", "month", "--date", &golden::date(0)]),
        ]
    })
    .await
    .expect("analyser thread");
    let (week, month) = (golden::week_report(), golden::month_report());
    let reports = dir.path().join("reports");
    assert_eq!(printed[3], reports.join(&week).display().to_string());
    assert_eq!(printed[4], reports.join(&month).display().to_string());
    let mut kept: Vec<String> = std::fs::read_dir(dir.path().join("reports"))
        .expect("reports folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            format!("{}.pdf", golden::date(-1)),
            format!("{}.pdf", golden::date(0)),
            month.clone(),
            week.clone()
        ],
        "keep = 2 keeps the last two daily reports and leaves other periods alone"
    );
    // A write that fails (here a folder in the report's place; on a full disk, no room) still
    // removes the reports past `keep`, so the next write may find room.
    let reports = dir.path().join("reports");
    for old in [golden::date(-6), golden::date(-5)] {
        std::fs::write(reports.join(format!("{old}.pdf")), b"%PDF-").expect("older report");
    }
    std::fs::create_dir(dir.path().join(golden::report(-3))).expect("folder in the report's place");
    let dir_path = dir.path().to_owned();
    let failed = tokio::task::spawn_blocking(move || {
        let args = [
            "--mongodb-uri",
            uri.as_str(),
            "--database",
            db.as_str(),
            "--date",
            &golden::date(-3),
        ];
        common::analyser(&dir_path, &args)
    })
    .await
    .expect("analyser thread");
    assert!(!failed.status.success(), "the write fails");
    for old in [golden::date(-6), golden::date(-5)] {
        assert!(
            !reports.join(format!("{old}.pdf")).exists(),
            "{old}.pdf is past keep = 2 and goes even though the write failed"
        );
    }
    for kept in [golden::report(-1), golden::report(0)] {
        assert!(dir.path().join(&kept).is_file(), "{kept} stays");
    }
    let text = common::text(&dir.path().join("reports").join(&week));
    // The golden day is a Saturday: its week runs from 5 days before to the day after.
    let iso = golden::day().iso_week();
    let (monday, sunday) = (
        golden::day() - Duration::days(5),
        golden::day() + Duration::days(1),
    );
    let first = if monday.year() == sunday.year() {
        monday.format("%-d %B")
    } else {
        monday.format("%-d %B %Y")
    };
    let (name, days) = (
        format!("Week {} of {}", iso.week(), iso.year()),
        format!("{first} to {}", sunday.format("%-d %B %Y")),
    );
    let title = format!("{name} ({days})");
    assert!(text.contains(&title), "{title} in\n{text}");
    // On the cover, the week's days on a line of their own: no date broken across two.
    let cover = common::page_texts(&dir.path().join("reports").join(&week))[0].clone();
    let lines: Vec<&str> = cover.lines().map(str::trim).collect();
    assert!(
        lines.contains(&name.as_str()) && lines.contains(&days.as_str()),
        "{cover}"
    );
    let week = common::row(&text, "Health now", &["quakes"]);
    assert_eq!(
        week.get(2),
        Some(&"2,108"),
        "the week holds the golden day and the hours around it"
    );
    assert_eq!(
        week.get(3),
        Some(&"–"),
        "nothing was collected the week before, so there is no figure to compare: {week:?}"
    );
    let quakes = common::row(&text, "Completeness and quality", &["quakes", "failing"]);
    assert_eq!(
        quakes[2..4],
        ["192", "94"],
        "collections are expected from the first run on, the golden day's start: {quakes:?}"
    );
    assert!(
        text.contains(&format!(
            "quakes and meteo, each: expected collections counted from its first known collection, {} 00:00.",
            golden::date(0)
        )),
        "the table says where expected collections start:\n{text}"
    );

    // The day before the first run: nothing of meteo was expected or landed that day, but the
    // first run brought records of its last hours (a backfill), so it reads its health now,
    // not "not started".
    let text = common::text(&dir.path().join(golden::report(-1)));
    let meteo = common::row(&text, "Completeness and quality", &["meteo"]);
    assert_eq!(
        meteo[1..4],
        ["OK", "0", "0"],
        "meteo has records of the day, with nothing expected: {meteo:?}"
    );
    // Cells are split at blanks: "23 of 24" hours without data, then records and coverage.
    assert_eq!(
        meteo.get(9..11),
        Some(&["no", "run"][..]),
        "no run of the day, so nothing announced or not: {meteo:?}"
    );
    let records = meteo.get(8).expect("records cell");
    assert_ne!(*records, "0", "{meteo:?}");
    let flat = common::flat(&text);
    assert!(
        flat.contains(&format!(
            "quakes and meteo, each: first known collection, {} 00:00, after this period: no collection expected; its {records} records in the period were landed by collections made after it.",
            golden::date(0)
        )),
        "the records of a day without a run are explained: {text}"
    );
}

#[test]
fn an_unreachable_mongodb_fails_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let output = common::analyser(
        dir.path(),
        &[
            "--mongodb-uri",
            "mongodb://127.0.0.1:1",
            "--date",
            &golden::date(0),
        ],
    );
    assert!(!output.status.success(), "the analyser fails");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {stderr}");
    assert!(
        lines[0].contains("MongoDB at mongodb://127.0.0.1:1 is unreachable"),
        "{stderr}"
    );
    assert!(!dir.path().join(golden::report(0)).exists());
}

#[test]
fn a_period_that_has_not_begun_is_refused_with_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let output = common::analyser(
        dir.path(),
        &[
            "--mongodb-uri",
            "mongodb://127.0.0.1:1",
            "--date",
            "2099-01-01",
            "--period",
            "week",
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("--date 2099-01-01: the week it falls in has not begun yet"),
        "{stderr}"
    );
    let written = std::fs::read_dir(dir.path().join("reports")).map_or(0, |files| files.count());
    assert_eq!(written, 0, "no report is written");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_per_day_source_is_reported_with_the_run_that_collected_that_day() {
    let at = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&chrono::Utc)
    };
    // France Travail collects a day once it has ended: the golden day's run starts the day
    // after. Days and start days are counted from the golden day.
    let mut runs = Vec::new();
    for (source, day, (start_day, start_time), announced, records) in [
        ("offres", Some(-1), (0, "00:00:30"), 100, 50),
        ("offres", Some(0), (1, "00:00:30"), 40_000, 39_000),
        // Stored before runs carried `day`: it collected the day before it started, the day
        // after the golden day.
        ("offres", None, (2, "00:00:30"), 30_000, 30_000),
        // Another source's run, which never carries `day`, started while the golden day was
        // collected: it is none of this source's business.
        ("quakes", None, (1, "06:00:00"), 1_000, 1_000),
    ] {
        let kind = if source == "offres" {
            "france_travail"
        } else {
            "http_json"
        };
        let started = at(&format!("{}T{start_time}Z", golden::date(start_day)));
        runs.push(releve::RunMetrics {
            window_parts: None,
            scheduled_from: None,
            source: source.into(),
            kind: kind.into(),
            file: Some(format!("{source}_{}.json", golden::date(start_day))),
            started,
            finished: started + chrono::TimeDelta::minutes(4),
            duration_ms: Some(240_000),
            http_calls: Some(300),
            retries: Some(0),
            throttled: Some(0),
            announced: Some(announced),
            records,
            coverage: None,
            shortfall: announced - records,
            key_clashes: 0,
            clash_key: None,
            error: None,
            day: day.map(|d| golden::day() + Duration::days(d)),
            every_s: None,
            disabled_from: None,
            retry_from: None,
        });
    }
    let server = MongoServer::shared();
    let db = database_with_runs("per-day", &runs).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), OFFRES);
    day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
    let text = common::text(&dir.path().join(golden::report(0)));
    assert!(
        text.contains("97.5% of 40,000"),
        "the golden day's coverage is the run that collected it:\n{text}"
    );
    assert!(!text.contains("50.0% of 100"), "{text}");
    day_report(dir.path(), server.uri(), &db, &golden::date(1)).await;
    let legacy = common::text(&dir.path().join(golden::report(1)));
    assert!(
        legacy.contains("100.0% of 30,000"),
        "a run stored without `day` counts for the day before it started:\n{legacy}"
    );
    let row = text
        .lines()
        .find(|line| line.starts_with("offres") && line.contains("of 40,000"))
        .unwrap_or_else(|| panic!("a quality row:\n{text}"));
    assert!(
        !row.contains("not started") && !row.contains("none landed"),
        "the source collected its day, though its run came after the day ended: {row}"
    );
    analyse(
        dir.path(),
        server.uri(),
        &db,
        &["--date", &golden::date(0), "--period", "week"],
    )
    .await;
    let week = common::text(&dir.path().join("reports").join(golden::week_report()));
    let week = common::flat(&week);
    assert!(
        week.contains(&format!(
            "offres: expected collections counted from its first scheduled day, {}.",
            golden::date(-1)
        )),
        "a per-day source's first collection is the first day it collected:\n{week}"
    );
    // West of UTC the day before the first one collected has not started either (its end,
    // 05:00 UTC, falls after the first collected day's UTC midnight).
    setup(
        dir.path(),
        "[report]\ntimezone = \"America/New_York\"\n\n[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"http://127.0.0.1:9\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n",
    );
    day_report(dir.path(), server.uri(), &db, &golden::date(-2)).await;
    let before = common::text(&dir.path().join(golden::report(-2)));
    let before = common::flat(&before);
    assert!(
        before.contains(&format!(
            "offres: first scheduled day, {}, after this period: no collection expected.",
            golden::date(-1)
        )),
        "the day before the first collected one:\n{before}"
    );
    // Empty for that reason alone, which the cover and the source's line say, not in red.
    assert!(
        before.contains(&format!(
            "No data in this period: it ended before relevé's first scheduled day, {}.",
            golden::date(-1)
        )) && before.contains(&format!(
                "No data for this source in this period: it ended before the source's first scheduled day, {}.",
                golden::date(-1)
            )),
        "{before}"
    );
}

/// France Travail's day lands the day after (from 00:00 UTC): the records the summariser
/// dropped from that day's file are said in the report of the day it collected, beside its run,
/// not in the next day's.
#[tokio::test(flavor = "multi_thread")]
async fn a_per_day_source_s_dropped_records_are_said_in_the_day_it_collected() {
    let server = MongoServer::shared();
    let started = offres_started();
    let file = format!("offres_{}.json", started.format("%Y-%m-%dT%H-%M-%SZ"));
    let metrics = offres_run(started, &file);
    let db = database_with_runs("per-day-rejected", std::slice::from_ref(&metrics)).await;
    server
        .client_database(&db)
        .await
        .collection::<Document>(store::REJECTED)
        .insert_one(doc! {"source": "offres", "file": &file,
        "landed_at": store::bson_date(metrics.finished), "count": 12})
        .await
        .expect("insert rejected");
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), OFFRES);
    let dropped = "offres: 12 records dropped by the summariser";
    day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
    let day = common::flat(&common::text(&dir.path().join(golden::report(0))));
    assert!(day.contains(dropped), "the day its file collected:\n{day}");
    day_report(dir.path(), server.uri(), &db, &golden::date(1)).await;
    let next = common::flat(&common::text(&dir.path().join(golden::report(1))));
    assert!(!next.contains(dropped), "not the day it landed:\n{next}");
}

/// A per-day source's file waiting in quarantine is said in the report of the day it
/// collected, whose records it holds, not in the report of the day it landed.
#[tokio::test(flavor = "multi_thread")]
async fn a_per_day_source_s_quarantined_file_is_said_in_the_day_it_collected() {
    let server = MongoServer::shared();
    let started = offres_started();
    let landed = releve::RawFileName::data("offres", started + Duration::minutes(4), 1);
    let db = database_with_runs(
        "per-day-quarantined",
        &[offres_run(started, &landed.file_name())],
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), OFFRES);
    let quarantine = dir.path().join("raw/_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine folder");
    std::fs::write(quarantine.join(landed.file_name()), b"[{\"id\": 1}]").expect("file");
    let quarantined = "1 with files of this period quarantined (offres)";
    for (days, said) in [(0, true), (1, false)] {
        let date = golden::date(days);
        analyse(
            dir.path(),
            server.uri(),
            &db,
            &["--date", &date, "--raw-dir", "raw"],
        )
        .await;
        let cover = common::flat(&common::page_texts(&dir.path().join(golden::report(days)))[0]);
        assert_eq!(cover.contains(quarantined), said, "{date}:\n{cover}");
    }
}

/// A report written at 04:15 counts the runs waiting in `raw/` for the summariser's next
/// hourly run: a source that collected a minute ago is not late, nor failing.
#[tokio::test(flavor = "multi_thread")]
async fn runs_waiting_for_the_summariser_tell_a_sources_health_now() {
    let (uri, db) = golden_database("waiting-runs").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let raw = dir.path().join("raw");
    let started = chrono::Utc::now() - Duration::minutes(1);
    metrics_waiting(&raw, &golden::run("quakes", started, 3, None, None));
    golden_day_reading_raw(dir.path(), &uri, &db).await;
    let text = common::text(&dir.path().join(golden::report(0)));
    assert!(
        text.contains("Sources now: 2 OK · 1 failing (offres)."),
        "quakes' waiting run is its latest: {text}"
    );
}

/// The golden day's text, its quakes' `numeric` written `numeric` (the fields listed).
async fn golden_day_text_with_numeric(dir: &Path, uri: &str, db: &str, numeric: &str) -> String {
    setup(
        dir,
        &golden::CONFIG.replacen(
            "numeric = [\"properties.mag\"]",
            &format!("numeric = [{numeric}]"),
            1,
        ),
    );
    golden_day_text(dir, uri, db).await
}

/// `text` without the page breaks inside a source's section (a page's footer and the next
/// page's "… (continued)" heading), which may fall inside a sentence.
fn without_page_breaks(text: &str) -> String {
    let mut joined = String::new();
    let mut rest = text;
    const FOOTER: &str = " relevé report: ";
    while let Some(at) = rest.find(FOOTER) {
        match rest[at..].find(" (continued)").filter(|&end| end < 120) {
            Some(continued) => {
                joined.push_str(&rest[..at]);
                rest = &rest[at + continued + " (continued)".len()..];
            }
            None => {
                joined.push_str(&rest[..at + FOOTER.len()]);
                rest = &rest[at + FOOTER.len()..];
            }
        }
    }
    joined.push_str(rest);
    joined
}

/// What the report says of `field`, added to `numeric` after its hours were summarised.
fn added_field_note<'t>(text: &'t str, field: &str) -> &'t str {
    text.split("No summary of this period holds")
        .find(|part| part.trim_start().starts_with(field))
        .unwrap_or_else(|| panic!("a paragraph on {field}: {text}"))
}

/// Two fields added to `numeric` after the day was summarised: depth, which the stored records
/// hold, can be summarised again from them (`--resummarise`); `properties.gap`, which no record
/// holds (not fetched then: a `select` that left it out), cannot, and the report says so
/// rather than advise a `--resummarise` that would only count records without a value.
#[tokio::test(flavor = "multi_thread")]
async fn a_field_added_that_the_records_never_held_is_not_said_to_be_in_them() {
    let (uri, db) = golden_database("added_not_fetched").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let numeric = r#""properties.mag", "geometry.coordinates.2", "properties.gap""#;
    let text = golden_day_text_with_numeric(dir.path(), &uri, &db, numeric).await;
    let depth = added_field_note(&text, "geometry.coordinates.2");
    assert!(
        depth.contains("Its values are kept in `records`: `summariser --resummarise quakes`"),
        "{text}"
    );
    let gap = added_field_note(&text, "properties.gap");
    assert!(
        gap.contains("None of their records read holds `properties.gap`, not even as null: it was not fetched then")
            && !gap.contains("Its values are kept in `records`"),
        "{text}"
    );
}

/// A field most records lack (`properties.felt`, left out of a record that has none, as APIs
/// written in Go omit empty members), added after the day was summarised: 600 quakes of the
/// first hour lack it, one of the evening holds it, so `--resummarise` adds it and is advised,
/// not a collection again.
#[tokio::test(flavor = "multi_thread")]
async fn a_field_added_that_few_records_hold_is_not_said_unfetched() {
    let (uri, db) = golden_database("added_sparse").await;
    let database = MongoServer::shared().client_database(&db).await;
    let start = golden::day_start();
    let quake = |key: String, hour: chrono::DateTime<Utc>, felt: Option<i32>| {
        let mut data = doc! {"id": &key, "properties": {"mag": 1.5, "type": "earthquake"},
        "geometry": {"coordinates": [1.4, 43.6, 5.0]}};
        if let Some(felt) = felt {
            data.get_document_mut("properties")
                .expect("properties")
                .insert("felt", felt);
        }
        bson::to_document(&StoredRecord {
            source: "quakes".to_owned(),
            key,
            time: store::bson_date(hour + Duration::minutes(5)),
            hour: store::bson_date(hour),
            file: format!("quakes_{}T00-00-00Z.json", golden::day()),
            landed_at: store::bson_date(hour + Duration::minutes(5)),
            last_file: None,
            data,
            expire_at: None,
        })
        .expect("record as BSON")
    };
    let mut records: Vec<Document> = (0..600)
        .map(|n| quake(format!("busy-{n}"), start, None))
        .collect();
    records.push(quake(
        "felt-1".to_owned(),
        start + Duration::hours(20),
        Some(12),
    ));
    database
        .collection::<Document>(store::RECORDS)
        .insert_many(records)
        .await
        .expect("insert records");
    let dir = tempfile::tempdir().expect("temp dir");
    let numeric = r#""properties.mag", "properties.felt""#;
    let text = golden_day_text_with_numeric(dir.path(), &uri, &db, numeric).await;
    let text = without_page_breaks(&text);
    let felt = added_field_note(&text, "properties.felt");
    assert!(
        !felt.contains("it was not fetched then")
            && felt.contains("summariser --resummarise quakes"),
        "{felt}"
    );
}

/// A report written while the summariser has not taken a file for hours, the machine up all
/// along (the source collected every 10 minutes since), says the source is behind on its
/// cover, in red, as `analyser status` says BEHIND: its records since are not in the report,
/// though its collections are fine. So does a file waiting alone, its run's metrics taken (a
/// file too large for the summariser).
#[tokio::test(flavor = "multi_thread")]
async fn a_source_whose_files_wait_hours_for_the_summariser_reads_behind() {
    let (uri, db) = golden_database("behind").await;
    let behind = "Sources now: 1 OK · 1 failing (offres) · 1 behind, files waiting over 3 hours for the summariser (quakes).";
    for with_metrics in [true, false] {
        let dir = tempfile::tempdir().expect("temp dir");
        setup(dir.path(), golden::CONFIG);
        let raw = dir.path().join("raw");
        for minutes_ago in (1..=30).rev().map(|tens| tens * 10) {
            let started = chrono::Utc::now() - Duration::minutes(minutes_ago);
            let landed = releve::RawFileName::data("quakes", started, 1);
            let file = landed.path_in(&raw);
            std::fs::create_dir_all(file.parent().expect("its folder")).expect("raw/quakes");
            std::fs::write(&file, br#"{"features": []}"#).expect("a landed file");
            if with_metrics || minutes_ago < 5 * 60 {
                metrics_waiting(&raw, &golden::run("quakes", started, 3, None, None));
            }
        }
        golden_day_reading_raw(dir.path(), &uri, &db).await;
        let text = common::flat(&common::text(&dir.path().join(golden::report(0))));
        assert!(
            text.contains(behind),
            "quakes' file landed 5 hours ago still waits (its metrics too: {with_metrics}): {text}"
        );
    }
}

/// A source whose files of the period all wait in quarantine (a wrong `time` path) reads as
/// needing attention on the cover, not `OK`, and its section says where the files are and
/// what to do (in the raw folder given); the report is written and the run succeeds (the
/// summariser's run failed, and `analyser status` alerts on it).
#[tokio::test(flavor = "multi_thread")]
async fn a_source_whose_files_wait_in_quarantine_says_so_on_the_cover_and_in_its_section() {
    let (uri, db) = golden_database("quarantined").await;
    let server = MongoServer::shared();
    server
        .client_database(&db)
        .await
        .collection::<Document>(store::HOURLY)
        .delete_many(doc! {"source": "meteo"})
        .await
        .expect("meteo's records never summarised");
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    // Another raw folder than `raw`: the lines name the one given.
    let quarantine = dir.path().join("collected/_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine folder");
    let file = format!("meteo_{}T10-00-00Z.json", golden::date(0));
    std::fs::write(quarantine.join(&file), b"{\"results\": []}").expect("quarantined file");
    std::fs::write(
        quarantine.join(format!("{file}.reason")),
        b"every record lacks its time",
    )
    .expect("its reason");
    let output = analyse_output(
        dir.path(),
        &uri,
        &db,
        &["--date", &golden::date(0), "--raw-dir", "collected"],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pdf = dir.path().join(golden::report(0));
    let pages = common::page_texts(&pdf);
    let cover = common::flat(&pages[0]);
    assert!(
        cover.contains(
            "Sources now: 2 failing (quakes, offres) · 1 with files of this period quarantined (meteo)."
        ),
        "meteo is not counted OK: {cover}"
    );
    let meteo = common::row(&pages[0], "Health now", &["meteo"]);
    assert_eq!(
        meteo[1..6],
        ["OK,", "1", "file", "quarantined", "0"],
        "the cover's health of meteo: {meteo:?}"
    );
    // With files in quarantine, the completeness table has their column.
    let whole = common::text(&pdf);
    let table = common::row(&whole, "Completeness and quality", &["Quarantined"]);
    assert_eq!(table.last(), Some(&"Quarantined"), "{whole}");
    let meteo = common::row(&whole, "Completeness and quality", &["meteo"]);
    assert_eq!(meteo.last(), Some(&"1"), "{meteo:?}");
    let text = common::flat(&whole);
    assert!(
        text.contains(
            "No data for this source in this period: no record of it was summarised for these hours. \
             1 file of meteo landed in this period waits in collected/_quarantine/: the summariser could not use it, and the records only it holds are not summarised (of a file set aside for one record MongoDB cannot store, only that record). \
             Read the .reason beside it, fix the cause, move the file back into collected/meteo/ and delete its .reason: the summariser's next run takes it."
        ),
        "{text}"
    );
}

/// A source whose files landed after the period wait in quarantine (every landing refused,
/// its key misspelt): the cover's health, which is now's, does not count it OK, and the
/// quarantine note says they wait.
#[tokio::test(flavor = "multi_thread")]
async fn files_landed_since_the_period_waiting_in_quarantine_are_on_the_cover() {
    let (uri, db) = golden_database("quarantined_since").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let quarantine = dir.path().join("raw/_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine folder");
    let file = format!("meteo_{}T10-00-00Z.json", golden::date(1));
    std::fs::write(quarantine.join(&file), b"{\"results\": []}").expect("quarantined file");
    std::fs::write(quarantine.join(format!("{file}.reason")), b"no key").expect("its reason");
    let output = analyse_output(
        dir.path(),
        &uri,
        &db,
        &["--date", &golden::date(0), "--raw-dir", "raw"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    let pdf = dir.path().join(golden::report(0));
    let cover = common::flat(&common::page_texts(&pdf)[0]);
    assert!(
        cover.contains(
            "1 with files landed since quarantined (meteo: `analyser status` names them)"
        ) && !cover.contains("1 OK"),
        "meteo is not counted OK: {cover}"
    );
    let pages = common::page_texts(&pdf);
    let meteo = common::row(&pages[0], "Health now", &["meteo"]);
    assert_eq!(
        meteo[1..6],
        ["OK,", "1", "file", "quarantined", "since"],
        "the cover's health of meteo: {meteo:?}"
    );
    let text = common::flat(&common::text(&pdf));
    assert!(
        text.contains(
            "Quarantined files: no file of this period waits in raw/_quarantine/ (1 file landed since does: `analyser status` names them)."
        ),
        "{text}"
    );
}

/// Every collection of quakes failed from 12:00 to 14:30 UTC (an outage of the API): its
/// charts shade that stretch "failed" and its section says so, with the latest failure, so
/// that an hour without records there is not read as an hour without events. A failure alone
/// (10:30) is no such stretch.
#[tokio::test(flavor = "multi_thread")]
async fn a_stretch_of_failed_collections_is_shaded_and_said() {
    let (uri, db) = golden_database("failing_stretch").await;
    let server = MongoServer::shared();
    let at = golden::utc_at;
    let runs = server
        .client_database(&db)
        .await
        .collection::<Document>(store::RUNS);
    let outage = doc! {"source": "quakes", "started": {"$gte": store::bson_date(at(12, 0)), "$lt": store::bson_date(at(14, 30))}};
    runs.delete_many(outage).await.expect("the outage's runs");
    for k in 0..10 {
        let failed = failed_quakes_run(at(12, 0) + Duration::minutes(15 * k));
        runs.insert_one(store::run_document(&failed).expect("run document"))
            .await
            .expect("a failed run");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let text = golden_day_text(dir.path(), &uri, &db).await;
    assert!(
        text.contains(
            "Shaded \"failed\" on its charts: the stretch in which every collection of this source failed, from "
        ) && text.contains(
            "(about 3 hours), 10 runs: its records of that time are those a later run could still fetch, and an hour without records there may have had some. The latest failure: HTTP 503: Service Unavailable."
        ),
        "{text}"
    );
    assert_eq!(
        text.matches("Shaded \"failed\"").count(),
        1,
        "quakes' failed run of 02:30 alone is no stretch, nor are meteo's: {text}"
    );
}

/// Every collection of quakes failed from 22:00 the evening before (Paris) to 00:00 of the
/// golden day, which lands at 00:15, two and a quarter hours: the day's report shades its
/// first quarter hour `failed` and says so, as the evening's report shades 22:00 to midnight.
#[tokio::test(flavor = "multi_thread")]
async fn an_outage_begun_the_evening_before_is_shaded_from_the_day_s_start() {
    let start = golden::day_start();
    let evening = (1..=8)
        .rev()
        .map(|quarters| failed_quakes_run(start - Duration::minutes(15 * quarters)))
        .collect();
    let text = day_text_failing_from_midnight("failing_before", evening).await;
    assert!(
        text.contains("Shaded \"failed\" on its charts"),
        "quakes failed from 22:00 the evening before to 00:15, yet its first quarter hour is not said failed: {text}"
    );
}

/// The golden day's text, its quakes runs from 00:00 to 00:15 replaced and `before` added.
async fn day_text_failing_from_midnight(label: &str, before: Vec<releve::RunMetrics>) -> String {
    day_text_failing_from_midnight_waiting(label, before, Vec::new()).await
}

/// As [`day_text_failing_from_midnight`], `waiting` runs' metrics waiting in `raw/quakes/` for the summariser,
/// the report given `--raw-dir raw`.
async fn day_text_failing_from_midnight_waiting(
    label: &str,
    before: Vec<releve::RunMetrics>,
    waiting: Vec<releve::RunMetrics>,
) -> String {
    let server = MongoServer::shared();
    let db = server.fresh_database(label);
    let database = server.client_database(&db).await;
    golden::insert(&database).await;
    let runs = database.collection::<Document>(store::RUNS);
    let start = golden::day_start();
    // The period's first run (00:00 Paris) fails; 00:15 succeeds, as the golden run.
    runs.delete_many(doc! {"source": "quakes", "started": store::bson_date(start)})
        .await
        .expect("the first run");
    let failed = |started: DateTime<Utc>| {
        golden::run(
            "quakes",
            started,
            0,
            None,
            Some("HTTP 503: Service Unavailable."),
        )
    };
    for run in before.into_iter().chain([failed(start)]) {
        runs.insert_one(store::run_document(&run).expect("run document"))
            .await
            .expect("a run");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let raw = dir.path().join("raw");
    for run in &waiting {
        metrics_waiting(&raw, run);
    }
    let date = golden::date(0);
    let mut args = vec![
        "--mongodb-uri",
        server.uri(),
        "--database",
        &db,
        "--date",
        &date,
    ];
    if !waiting.is_empty() {
        args.extend(["--raw-dir", "raw"]);
    }
    common::analyser_ok(dir.path(), &args);
    common::flat(&common::text(&dir.path().join(golden::report(0))))
}

fn failed_quakes_run(started: DateTime<Utc>) -> releve::RunMetrics {
    golden::run(
        "quakes",
        started,
        0,
        None,
        Some("HTTP 503: Service Unavailable."),
    )
}

/// An outage before the period is measured as the period's runs would measure it: quakes
/// (every 15 minutes) fails from 23:30 the evening before (Paris) to 00:00, and lands at 00:15,
/// 45 minutes of failures, no stretch to shade, whatever failed before a stretch disabled, a
/// stretch without runs, or a success whose metrics still wait in `raw/`.
#[tokio::test(flavor = "multi_thread")]
async fn an_outage_before_the_period_begins_anew_after_a_stretch_disabled_or_without_runs() {
    let start = golden::day_start();
    let minutes_before = |minutes: i64| start - Duration::minutes(minutes);
    let failed = |minutes: i64| failed_quakes_run(minutes_before(minutes));
    // Failed at 22:00 and 22:15, disabled until 23:30.
    let mut enabled_again = failed(30);
    enabled_again.disabled_from = Some(minutes_before(90));
    let disabled = vec![failed(120), failed(105), enabled_again, failed(15)];
    // Failed at 22:00 and 22:15 (put off to 22:30), then no run until 23:30.
    let mut put_off = failed(105);
    put_off.retry_from = Some(minutes_before(90));
    let without_runs = vec![failed(120), put_off, failed(30), failed(15)];
    for (label, before) in [
        ("failing_after_disabled", disabled),
        ("failing_after_no_run", without_runs),
        ("failing_45_minutes", vec![failed(30), failed(15)]),
    ] {
        let text = day_text_failing_from_midnight(label, before).await;
        assert!(
            !text.contains("Shaded \"failed\" on its charts"),
            "{label}: {text}"
        );
    }
    // Stored: failed at 22:30, 22:45 and 23:00. Waiting in raw/: 23:15 succeeded, 23:30 and
    // 23:45 failed.
    let stored = vec![failed(90), failed(75), failed(60)];
    let waiting = vec![
        golden::run("quakes", minutes_before(45), 3, None, None),
        failed(30),
        failed(15),
    ];
    let text =
        day_text_failing_from_midnight_waiting("failing_after_waiting", stored, waiting).await;
    assert!(!text.contains("Shaded \"failed\" on its charts"), "{text}");
}

/// A raw folder the report cannot read leaves the report written, its cover saying in red
/// what it could not count, and the run failed with the same lines: neither no report nor a
/// silent gap.
#[tokio::test(flavor = "multi_thread")]
async fn a_raw_folder_it_cannot_read_is_named_on_the_cover_and_fails_the_run() {
    let (uri, db) = golden_database("raw-unreadable").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let raw = dir.path().join("raw");
    std::fs::create_dir_all(&raw).expect("raw folder");
    // Files where folders should be: they cannot be listed (as root, unlike a folder without
    // permissions).
    std::fs::write(raw.join("quakes"), "").expect("a file in the way");
    std::fs::write(raw.join("_quarantine"), "").expect("a file in the way");
    let output = analyse_output(
        dir.path(),
        &uri,
        &db,
        &["--date", &golden::date(0), "--raw-dir", "raw"],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        dir.path().join(golden::report(0)).display().to_string(),
        "the report is written"
    );
    let source_line = "cannot read raw/quakes: not a folder; its runs not yet summarised are not counted, so its health may be out of date";
    let quarantine_line =
        "cannot read raw/_quarantine: not a folder; quarantined files are not counted";
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(&format!(
            "analyser: {source_line} (the report's cover says so)"
        )),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(&format!("analyser: {quarantine_line}")),
        "{stderr}"
    );

    let pdf = dir.path().join(golden::report(0));
    let pages = common::page_texts(&pdf);
    let cover = common::flat(&pages[0]);
    for line in [source_line, quarantine_line] {
        let sentence = format!("C{}.", &line[1..]);
        assert!(cover.contains(&sentence), "{sentence}\n{cover}");
    }
    let text = common::text(&pdf);
    let quakes = common::row(&text, "Completeness and quality", &["quakes"]);
    assert_eq!(
        quakes.last(),
        Some(&"?"),
        "quarantined files unknown: {quakes:?}"
    );
    let flat = common::flat(&text);
    assert!(flat.contains("Quarantined files: ?, the quarantine could not be read."));
}

/// A `--raw-dir` that does not exist (a typo) or is a file is said once, not taken for an
/// empty folder nor named once per source folder.
#[tokio::test(flavor = "multi_thread")]
async fn a_raw_dir_missing_or_not_a_folder_is_named_once() {
    let (uri, db) = golden_database("raw-dir-typo").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let missing = format!(
        "the raw folder rwa (in the working folder {}) does not exist (check --raw-dir); ",
        dir.path().display()
    );
    for (raw_dir, says) in [
        ("rwa", missing.as_str()),
        (
            "sources.toml",
            "the raw folder sources.toml is not a folder (check --raw-dir); ",
        ),
    ] {
        let extra = ["--date", &golden::date(0), "--raw-dir", raw_dir];
        let output = analyse_output(dir.path(), &uri, &db, &extra).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(
            lines[0].starts_with(&format!("analyser: {says}")),
            "{stderr}"
        );
        let cover = common::flat(&common::page_texts(&dir.path().join(golden::report(0)))[0]);
        assert!(cover.contains(&format!("T{}", &says[1..])), "{cover}");
    }
}

/// An installation upgraded to 5 December 2026: its summariser's first run named the raw folder
/// in the database (`installation`, its id in `raw/.installation`). The operator runs the day
/// report by hand with a mistyped `--raw-dir` (`rwa`), or one that is a file, as the README's
/// "Defaults" describe: before, the report was written, its cover and stderr saying "the raw
/// folder rwa ... does not exist (check --raw-dir)", exit 1. Now no report is written and the
/// one line says the database "is summarised from another raw folder, .../raw ... not from
/// .../rwa: another installation's data", pointing at `--new-database`: the folder given has
/// no id because it is not there, not because it is another installation's. Expected: a raw
/// folder that does not exist or is not a folder is said as before, the report written.
#[tokio::test(flavor = "multi_thread")]
async fn a_raw_dir_missing_or_not_a_folder_is_not_taken_for_another_installation_s() {
    let (uri, db) = golden_database("raw-dir-typo-named").await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let raw = dir.path().join("raw");
    std::fs::create_dir_all(&raw).expect("raw folder");
    std::fs::write(raw.join(".installation"), "6752f0c1a9e3b2d4c5f60718\n").expect("id");
    MongoServer::shared()
        .client_database(&db)
        .await
        .collection::<Document>("installation")
        .insert_one(doc! {
            "_id": "summariser",
            "folder": "6752f0c1a9e3b2d4c5f60718",
            "raw_dir": raw.display().to_string(),
            "since": bson::DateTime::now(),
        })
        .await
        .expect("the database names this raw folder");
    // This installation's own raw folder: read.
    analyse(
        dir.path(),
        &uri,
        &db,
        &["--date", &golden::date(0), "--raw-dir", "raw"],
    )
    .await;
    for (raw_dir, says) in [
        ("rwa", "the raw folder rwa (in the working folder"),
        (
            "sources.toml",
            "the raw folder sources.toml is not a folder (check --raw-dir); ",
        ),
    ] {
        let extra = ["--date", &golden::date(0), "--raw-dir", raw_dir];
        let output = analyse_output(dir.path(), &uri, &db, &extra).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("another raw folder"),
            "`--raw-dir {raw_dir}` taken for another installation's raw folder: {stderr}"
        );
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.starts_with(&format!("analyser: {says}")), "{stderr}");
    }
}

/// A record of the golden `quakes` source at `lon`, `lat`, `minutes` after 00:00 UTC on the
/// golden day.
fn quake(key: &str, minutes: i64, lon: f64, lat: f64) -> Document {
    let midnight = golden::day()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let time = midnight + Duration::minutes(minutes);
    let hour = time - Duration::minutes(minutes % 60);
    let date = |t: chrono::DateTime<Utc>| bson::DateTime::from_millis(t.timestamp_millis());
    let record = StoredRecord {
        source: "quakes".to_owned(),
        key: key.to_owned(),
        time: date(time),
        hour: date(hour),
        file: format!("quakes_{}T23-59-00Z.json", golden::date(0)),
        landed_at: date(time),
        last_file: None,
        data: doc! {"id": key, "properties": {"mag": 2.0, "type": "earthquake", "place": "x".repeat(500)},
        "geometry": {"coordinates": [lon, lat, 5.0]}},
        expire_at: None,
    };
    bson::to_document(&record).expect("record as BSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_cap_the_map_samples_every_place_of_the_period_not_its_first_records() {
    let server = MongoServer::shared();
    let name = server.fresh_database("positions");
    let db = server.client_database(&name).await;
    // Stored in the order a collector lands regions: Toulouse's 200 first, then Paris's 200.
    let mut records: Vec<Document> = (0..200)
        .map(|n| quake(&format!("toulouse-{n}"), n * 7, 1.44, 43.6))
        .chain((0..200).map(|n| quake(&format!("paris-{n}"), n * 7, 2.35, 48.85)))
        .collect();
    // Outside the UTC day: never read.
    records.push(quake("the-day-after", 24 * 60 + 5, -70.0, -30.0));
    db.collection::<Document>(store::RECORDS)
        .insert_many(records)
        .await
        .expect("insert records");
    let config =
        Config::parse(golden::CONFIG, std::path::Path::new("sources.toml")).expect("golden config");
    let quakes = config
        .sources
        .iter()
        .find(|s| s.name == "quakes")
        .expect("quakes source");
    let period = ReportPeriod::containing(PeriodKind::Day, golden::day(), chrono_tz::UTC);

    let sampled = analyser::positions::load(&db, quakes, &period, 40)
        .await
        .expect("positions");
    assert_eq!(sampled.records, 400, "the period's records, all counted");
    assert!(
        sampled.sampled_every >= 16 && (1..=40).contains(&sampled.points.len()),
        "about one record in {}: {} drawn",
        sampled.sampled_every,
        sampled.points.len()
    );
    let near = |lat: f64| sampled.points.iter().filter(|p| p.lat == lat).count();
    assert!(
        near(43.6) > 0 && near(48.85) > 0,
        "both places, whatever order MongoDB returns records in: {:?}",
        sampled.points
    );
    assert!(
        sampled
            .points
            .iter()
            .all(|p| p.value == Some(2.0) && (p.lon == 1.44 || p.lon == 2.35)),
        "longitude, latitude and magnitude read through the projection: {:?}",
        sampled.points
    );

    let whole = analyser::positions::load(&db, quakes, &period, 400)
        .await
        .expect("positions");
    assert_eq!((whole.points.len(), whole.sampled_every), (400, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_period_older_than_the_runs_kept_says_its_collections_are_no_longer_known() {
    let server = MongoServer::shared();
    let name = summariser_database("expired-runs").await;
    let db = server.client_database(&name).await;
    // Runs are kept 90 days: the oldest left ended just after that horizon, and the day
    // reported, 100 days ago, has records but no run any more.
    let now = Utc::now();
    let day = (now - Duration::days(100)).date_naive();
    let hour = day.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    let summary = HourlySummary {
        source: "quakes".to_owned(),
        hour: store::bson_date(hour),
        count: 7,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(hour),
    };
    db.collection::<Document>(store::HOURLY)
        .insert_one(bson::to_document(&summary).expect("hourly document"))
        .await
        .expect("insert hourly");
    let oldest_kept = now - Duration::days(90) + Duration::minutes(30);
    let runs = [
        golden::run("quakes", oldest_kept, 3, None, None),
        golden::run("quakes", now - Duration::minutes(5), 3, None, None),
    ];
    for run in &runs {
        db.collection::<Document>(store::RUNS)
            .insert_one(store::run_document(run).expect("run document"))
            .await
            .expect("insert run");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    day_report(dir.path(), server.uri(), &name, &day.to_string()).await;
    let text = common::text(&dir.path().join(format!("reports/{day}.pdf")));
    let flat = common::flat(&text);
    assert!(
        flat.contains("This period ended more than 90 days ago, and runs and dropped records are kept that long: the collection figures (expected, landed, failed, retries, 429s, coverage) of every source, and the records the summariser dropped, are no longer known"),
        "{flat}"
    );
    let quakes = common::row(&text, "Completeness and quality", &["quakes"]);
    assert_eq!(
        quakes[2..5],
        ["–", "–", "–"],
        "expected, landed and failed are not known: {quakes:?}"
    );
    assert!(
        !flat.contains("No failed collection in this period"),
        "failures are not known either: {flat}"
    );
    assert!(
        !flat.contains("no collection expected"),
        "the oldest run kept is not taken for the first: {flat}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn records_sharing_a_key_within_a_run_are_said_under_the_table() {
    let server = MongoServer::shared();
    // The first two under the present key, one recorded before relevé told the key, one
    // telling it; two under a key since changed.
    let runs: Vec<_> = [
        (8, 3, None),
        (9, 4, Some("station_id")),
        (10, 0, None),
        (6, 5, Some("name")),
        (7, 1, Some("name")),
    ]
    .into_iter()
    .map(|(hour, key_clashes, key)| {
        let started = golden::day()
            .and_hms_opt(hour, 0, 0)
            .expect("time")
            .and_utc();
        releve::RunMetrics {
            key_clashes,
            clash_key: key.map(str::to_owned),
            ..stations_run(started)
        }
    })
    .collect();
    let db = database_with_runs("key-clashes", &runs).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), STATIONS);
    let text = golden_day_text(dir.path(), server.uri(), &db).await;
    assert!(
        text.contains(
            "stations: 7 records landed in this period shared their key (`station_id`) with a different record of the same run, and only the last of each is summarised: is `key` unique?"
        ),
        "the report says why the source holds fewer records than it landed:\n{text}"
    );
    assert!(
        common::flat(&text).contains(
            "stations: 6 records landed in this period shared their key with a different record of the same run under a `key` since changed (`name`); files summarised after the change were read with the `key` now, `station_id`"
        ),
        "clashes under a key since changed are told apart:\n{text}"
    );
}

/// A source disabled for part of the day and enabled again: the first run after tells when its
/// first skipped collection was due, and the report expects none from then to that run, saying
/// so under the table, instead of counting them missed.
#[tokio::test(flavor = "multi_thread")]
async fn collections_skipped_while_a_source_was_disabled_are_not_expected() {
    let server = MongoServer::shared();
    let at = golden::utc_at;
    let runs: Vec<_> = (0..10)
        .map(|hour| at(hour, 0))
        .chain((15..24).map(|hour| at(hour, 20)))
        .map(|started| releve::RunMetrics {
            disabled_from: (started == at(15, 20)).then(|| at(10, 0)),
            ..stations_run(started)
        })
        .collect();
    let db = database_with_runs("disabled-stretch", &runs).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), STATIONS);
    day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
    let text = common::text(&dir.path().join(golden::report(0)));
    let stations = common::row(&text, "Completeness and quality", &["stations"]);
    assert_eq!(
        stations[2..5],
        ["19", "19", "0"],
        "10 runs, 5 collections skipped while disabled and 9 runs after: {stations:?}"
    );
    let flat = common::flat(&text);
    let day = golden::date(0);
    assert!(
        flat.contains(&format!(
            "stations: disabled (enabled = false) from {day} 10:00 until its run of {day} 15:20: no collection expected then."
        )),
        "{flat}"
    );

    // Disabled again after its last run, 23:20, and still disabled when the report is written.
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), &format!("{STATIONS}enabled = false\n"));
    day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
    let flat = common::flat(&common::text(&dir.path().join(golden::report(0))));
    assert!(
        flat.contains(&format!(
            "stations: disabled (enabled = false) when this report was written: collections expected up to its last run in the period, {day} 23:20, none after."
        )),
        "{flat}"
    );
}

/// A France Travail source of job offers, collected by day.
const OFFRES: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"http://127.0.0.1:9\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n";

/// When `offres` collects the golden day: 30 seconds into the next UTC day.
fn offres_started() -> chrono::DateTime<chrono::Utc> {
    (golden::day() + Duration::days(1))
        .and_hms_opt(0, 0, 30)
        .expect("time")
        .and_utc()
}

/// The run of `offres` started at `started` collecting the golden day into `file`.
fn offres_run(started: chrono::DateTime<chrono::Utc>, file: &str) -> releve::RunMetrics {
    releve::RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: "offres".into(),
        kind: "france_travail".into(),
        file: Some(file.to_owned()),
        started,
        finished: started + Duration::minutes(4),
        duration_ms: Some(240_000),
        http_calls: Some(30),
        retries: Some(0),
        throttled: Some(0),
        announced: Some(2_500),
        records: 2_500,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: Some(golden::day()),
        every_s: None,
        disabled_from: None,
        retry_from: None,
    }
}

/// An hourly source of stations' latest readings, as the runs below land it.
const STATIONS: &str = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"stations\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9\"\nevery = \"1h\"\nkey = \"station_id\"\ntime = \"updated\"\n";

/// A successful run of `stations` started at `started`, landing 20 records.
fn stations_run(started: chrono::DateTime<chrono::Utc>) -> releve::RunMetrics {
    releve::RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: "stations".into(),
        kind: "http_json".into(),
        file: Some(format!("stations_{}.json", started.timestamp())),
        started,
        finished: started + Duration::seconds(2),
        duration_ms: Some(2_000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: 20,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: None,
        every_s: Some(3_600),
        disabled_from: None,
        retry_from: None,
    }
}

/// A quota exhausted the evening before may pause a source into the day: its morning without
/// runs is said as such, not as a stopped collector, which a success then would have meant. A
/// failure that recorded its retry explains the morning only when that retry was its end.
#[tokio::test(flavor = "multi_thread")]
async fn a_failure_the_evening_before_is_told_as_the_likely_cause_of_a_morning_without_runs() {
    let server = MongoServer::shared();
    let evening_before = (golden::day() - Duration::days(1))
        .and_hms_opt(22, 0, 0)
        .expect("time")
        .and_utc();
    let day = golden::date(0);
    // Said of each: when the collections missed were due.
    let when = format!(
        "; the longest stretch without a run: from {day} 00:00 to {day} 09:00 (about 9 hours)."
    );
    let paused = format!(
        "stations: 9 collections of 24 expected did not run (its last run before the period failed: it may have been paused, or backing off, into the period){when}"
    );
    let put_off = format!(
        "stations: 9 collections of 24 expected did not run (its last run before the period failed: the collector put it off until {day} 09:00){when}"
    );
    // The only source: its morning is a stretch no source ran in, said above it as such.
    let stopped = "stations: 9 collections of 24 expected did not run (all while no source ran, as said above).".to_owned();
    let at_nine = golden::day().and_hms_opt(9, 0, 0).expect("time").and_utc();
    let mornings = [
        // Metrics written before relevé recorded the retry: a pause of up to a day.
        (
            Some("HTTP 429: quota exhausted"),
            None,
            "paused-evening-before",
            paused,
            false,
        ),
        (
            Some("HTTP 429: quota exhausted"),
            Some(at_nine),
            "paused-until-nine",
            put_off,
            false,
        ),
        // A 503's backoff: tried again at 22:15, so the morning is the collector's.
        (
            Some("HTTP 503"),
            Some(evening_before + Duration::minutes(15)),
            "backing-off-evening-before",
            stopped.clone(),
            true,
        ),
        (None, None, "ran-evening-before", stopped, true),
    ];
    for (error, retry_from, label, line, silent) in mornings {
        let runs: Vec<_> = std::iter::once(releve::RunMetrics {
            error: error.map(str::to_owned),
            file: None,
            retry_from,
            ..stations_run(evening_before)
        })
        .chain((9..24).map(|hour| {
            stations_run(
                golden::day()
                    .and_hms_opt(hour, 0, 0)
                    .expect("time")
                    .and_utc(),
            )
        }))
        .collect();
        let db = database_with_runs(label, &runs).await;
        let dir = tempfile::tempdir().expect("temp dir");
        setup(dir.path(), STATIONS);
        day_report(dir.path(), server.uri(), &db, &day).await;
        let flat = common::flat(&common::text(&dir.path().join(golden::report(0))));
        let silence =
            format!("No collection of any source started from {day} 00:00 to {day} 09:00");
        assert!(flat.contains(&line), "{label}: {flat}");
        assert_eq!(flat.contains(&silence), silent, "{label}: {flat}");
    }
}

/// A URI given without `--mongodb-uri`, as mongosh takes it, after the analyser's own options:
/// clap takes it for a subcommand, and the line's advice quotes it as one ("`analyser URI`
/// takes none of these options; `analyser URI --help` lists its own"). That line goes to
/// `logs/analyser.log` and cron's mail: it must not show the password, nor send the user to a
/// subcommand that does not exist (found by the review of stop 56), nor for the same URI with
/// a `/` of its scheme lost in the copy (`mongodb:/`; found by the review of stop 56's fixes).
#[test]
fn a_uri_given_without_its_option_never_shows_its_password_in_the_advice() {
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    for uri in [
        "mongodb://alice:Zebra42@db.example.org/?authSource=admin",
        "mongodb:/alice:Zebra42@db.example.org/?authSource=admin",
    ] {
        let output = common::analyser(
            dir.path(),
            &["--config", "sources.toml", "--raw-dir", "raw", uri],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{uri}: {stderr}");
        assert!(
            !stderr.contains("Zebra42"),
            "{uri}: the password is shown: {stderr}"
        );
        assert!(
            !stderr.contains("--help` lists its own"),
            "{uri}: a URI is no subcommand: {stderr}"
        );
    }
    assert!(!dir.path().join("reports").exists(), "no report");
}

/// A colleague's syntax error in one `[[source]]` table at 03:00, fixed at 09:00: the 04:15
/// day report leaves that source out ("Left out of this report"), though every hour of its day
/// was summarised before the error. Once the table is fixed, the next `--if-missing` run, as
/// cron's 10:15 one, writes the day's report again with the source's section: nothing of the
/// period is missing any more, and the cover said the report would be completed once fixed.
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_again_a_report_that_left_out_a_table_refused_then_fixed() {
    let (uri, db) = golden_database("refused-then-fixed").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let day = ["--date", &golden::date(0), "--if-missing"];
    let report = dir.path().join(golden::report(0));
    setup(
        dir.path(),
        &golden::CONFIG.replacen("every = ", "every = [", 1),
    );
    let _ = analyse_output(dir.path(), &uri, &db, &day).await;
    let first = common::flat(&common::page_texts(&report)[0]);
    assert!(first.contains("Left out of this report"), "{first}");

    setup(dir.path(), golden::CONFIG);
    analyse(dir.path(), &uri, &db, &day).await;
    let cover = common::flat(&common::page_texts(&report)[0]);
    assert!(
        !cover.contains("Left out of this report"),
        "the table fixed, the next cron run still leaves the report without it: {cover}"
    );
}

/// The same report caught up by the next day's job, as a day before the one asked: its log
/// line says why it is written again, not "written before its data was complete (by hand, or
/// by an older version's crontab at 00:15)" (found by the review of stop 56).
#[tokio::test(flavor = "multi_thread")]
async fn a_report_that_left_out_a_table_refused_then_is_said_so_when_caught_up() {
    let (uri, db) = golden_database("refused-then-caught-up").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join(golden::report(0));
    setup(
        dir.path(),
        &golden::CONFIG.replacen("every = ", "every = [", 1),
    );
    let _ = analyse_output(dir.path(), &uri, &db, &["--date", &golden::date(0)]).await;
    setup(dir.path(), golden::CONFIG);
    let next_day = ["--date", &golden::date(1), "--if-missing"];
    let (at, args) = (dir.path().to_owned(), analyser_args(&uri, &db, &next_day));
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::analyser_logging(&at, &args, "info")
    })
    .await
    .expect("analyser thread");
    let log = String::from_utf8_lossy(&output.stderr);
    let line = log
        .lines()
        .find(|line| line.contains(&golden::date(0)))
        .unwrap_or_else(|| panic!("a line for the report caught up: {log}"));
    assert!(
        line.contains("left out [[source]] tables the configuration refused then"),
        "{line}"
    );
    let cover = common::flat(&common::page_texts(&report)[0]);
    assert!(!cover.contains("Left out of this report"), "{cover}");
}

/// A report written by hand while its day ran (before its data was complete), a table of
/// the configuration refused then and still refused: the next day's `--if-missing` job writes
/// it again because it was written early, and must say so, not that "the configuration
/// refused then, and reads them all now", which it does not (the table is still refused).
#[tokio::test(flavor = "multi_thread")]
async fn a_report_written_early_while_a_table_is_still_refused_is_said_written_early() {
    let (uri, db) = golden_database("early-still-refused").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join(golden::report(0));
    let refused = golden::CONFIG.replacen("every = ", "every = [", 1);
    setup(dir.path(), &refused);
    let _ = analyse_output(dir.path(), &uri, &db, &["--date", &golden::date(0)]).await;
    // Written at noon of its own day, by hand.
    let early =
        std::time::SystemTime::from(golden::day().and_hms_opt(12, 0, 0).expect("time").and_utc());
    std::fs::File::options()
        .write(true)
        .open(&report)
        .and_then(|file| file.set_modified(early))
        .expect("backdate the report");
    let next_day = ["--date", &golden::date(1), "--if-missing"];
    let (at, args) = (dir.path().to_owned(), analyser_args(&uri, &db, &next_day));
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::analyser_logging(&at, &args, "info")
    })
    .await
    .expect("analyser thread");
    let log = String::from_utf8_lossy(&output.stderr);
    let line = log
        .lines()
        .find(|line| line.contains(&golden::date(0)) && line.contains("written again"))
        .unwrap_or_else(|| panic!("a line for the report written again: {log}"));
    assert!(
        line.contains("written before its data was complete"),
        "the table is still refused, the report was written early: {line}"
    );
}

/// A source whose `every` went from `15m` to `1h` at noon, collected on time under each: the
/// first hourly run comes an hour after the last quarter-hourly one, as the collector schedules
/// it. That hour is the new interval, not a stopped collector: the report must not ask whether
/// the collector or its machine was stopped, nor shade it "no run".
#[tokio::test(flavor = "multi_thread")]
async fn an_every_lengthened_is_not_told_as_a_stopped_collector() {
    let server = MongoServer::shared();
    let quarter_hours = (0..48).map(|k| {
        let started = golden::day_start() + Duration::minutes(15 * k);
        releve::RunMetrics {
            every_s: Some(900),
            ..stations_run(started)
        }
    });
    // The last quarter-hourly run at 11:45 after the day start; the next due an hour later.
    let hours = (0..12).map(|k| {
        stations_run(golden::day_start() + Duration::minutes(12 * 60 + 45) + Duration::hours(k))
    });
    let runs: Vec<_> = quarter_hours.chain(hours).collect();
    let db = database_with_runs("every-lengthened", &runs).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), STATIONS);
    day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
    let flat = common::flat(&common::text(&dir.path().join(golden::report(0))));
    assert!(
        !flat.contains("No collection of any source started"),
        "every run came on time under the interval it recorded: {flat}"
    );
    assert!(!flat.contains("Shaded \"no run\""), "{flat}");
}
/// MongoDB down for days (a server on another machine), the crontab's day job fails each hour.
/// What its log says must be the report it could not write, yesterday's, so that the days
/// missed can be told from the log; not a report of a day before any the folder holds (before
/// relevé was installed, whose report no run would ever write), as a "missed report".
#[test]
fn a_day_job_failing_for_mongodb_names_the_report_it_did_not_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    std::fs::create_dir(dir.path().join("raw")).expect("raw folder");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).expect("reports folder");
    let today = Utc::now().date_naive();
    let day = |back: u64| today - chrono::Days::new(back);
    for back in [4, 5] {
        std::fs::write(reports.join(format!("{}.pdf", day(back))), b"%PDF").expect("report");
    }
    let asked = day(3).to_string();
    let output = common::analyser(
        dir.path(),
        &[
            "--raw-dir",
            "raw",
            "--period",
            "day",
            "--if-missing",
            "--date",
            &asked,
            "--mongodb-uri",
            "mongodb://127.0.0.1:9",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&asked),
        "the log names the day whose report was not written: {stderr}"
    );
    assert!(
        !stderr.contains(&day(6).to_string()),
        "no report of a day before any the folder holds is called missed: {stderr}"
    );
}

/// Moving an installation with `cp -r` (no `-a`): every report in `reports/` gets the copy's
/// time as its modification time. A day report written at 04:15, some of whose hours the
/// summariser stored again at the :05 before cron was stopped for the move (a portal's late
/// rows, a France Travail day caught up), was due to be written again by the next job; on the
/// new machine `--if-missing` takes the copy's time for the time it was written, later than
/// those hours, and leaves it for ever without them. The report itself says when it was
/// written (its `/CreationDate`).
#[tokio::test(flavor = "multi_thread")]
async fn if_missing_writes_again_a_report_copied_without_its_time_whose_hours_changed_before_the_copy()
 {
    let (uri, db) = golden_database("copied-r").await;
    let database = MongoServer::shared().client_database(&db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    setup(dir.path(), golden::CONFIG);
    let day = ["--date", &golden::date(0), "--if-missing"];
    let report = dir.path().join(golden::report(0));
    analyse(dir.path(), &uri, &db, &day).await;

    // Late data: an hour of the day summarised again, before cron is stopped.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let in_day = doc! {"source": "quakes", "hour": {"$gte": store::bson_date(golden::day_start())}};
    assert_eq!(summarised_again(&database, in_day).await, 1);
    // Then cron stopped and the checkout copied by `cp -r`: the report's time is the copy's.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let copied = std::time::SystemTime::now();
    std::fs::File::options()
        .write(true)
        .open(&report)
        .and_then(|file| file.set_modified(copied))
        .expect("the copy's time");

    // The new machine's first day job.
    analyse(dir.path(), &uri, &db, &day).await;
    let cover = common::flat(&common::page_texts(&report)[0]);
    assert!(
        cover.contains(
            "replacing the report written before: hours of the period were summarised since"
        ),
        "the report lacking the hours summarised before the copy was left as it is: {cover}"
    );
}

/// An economist's Occitanie offers reported in Europe/Paris: the completeness table's Records
/// count the Paris day's hours (from 23:00 UTC the day before) while its coverage is of the UTC
/// day France Travail's run collected, so "306 … 100.0% of 309" read as three offers lost.
/// The note under the table says the two days differ; a report in UTC, whose day is the run's,
/// has no such note (found by a labour-market economist), nor one in Reykjavik, whose days
/// are UTC's all year though the zone is not named so (found by a last review).
#[tokio::test(flavor = "multi_thread")]
async fn a_per_day_source_s_utc_day_is_told_apart_from_a_report_day_in_another_zone() {
    let started = offres_started();
    let file = format!("offres_{}.json", started.format("%Y-%m-%dT%H-%M-%SZ"));
    let db = database_with_runs("per-day-zone", &[offres_run(started, &file)]).await;
    let server = MongoServer::shared();
    let dir = tempfile::tempdir().expect("temp dir");
    let note = "offres: its coverage is of the UTC days its runs collected";
    for (zone, said) in [
        ("Europe/Paris", true),
        ("UTC", false),
        ("Atlantic/Reykjavik", false),
    ] {
        setup(
            dir.path(),
            &OFFRES.replace("timezone = \"UTC\"", &format!("timezone = \"{zone}\"")),
        );
        day_report(dir.path(), server.uri(), &db, &golden::date(0)).await;
        let text = common::flat(&common::text(&dir.path().join(golden::report(0))));
        assert_eq!(text.contains(note), said, "{zone}:\n{text}");
        if said {
            assert!(
                text.contains("while Records counts the period's hours in Europe/Paris"),
                "{text}"
            );
        }
    }
}

/// The day's strongest earthquake is named under the magnitude chart, read from `records`:
/// its magnitude, type and place as served (a long one, not in ASCII, wrapped whole) and its
/// Paris time. The day's records of its magnitude tie; only the first in time has this type
/// and place, so a report naming a weaker, a later or the last record fails.
#[tokio::test(flavor = "multi_thread")]
async fn the_day_s_strongest_earthquake_is_named_under_its_chart_with_its_place() {
    use futures_util::TryStreamExt;
    let (uri, db) = golden_database("highest").await;
    let server = MongoServer::shared();
    let records = server
        .client_database(&db)
        .await
        .collection::<StoredRecord>(store::RECORDS);
    let quakes = doc! {"source": "quakes"};
    let mut stored: Vec<StoredRecord> = records
        .find(quakes.clone())
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("read");
    let magnitude = |record: &StoredRecord| {
        let properties = record.data.get_document("properties").expect("properties");
        properties.get_f64("mag").expect("a magnitude")
    };
    let in_day = |record: &&StoredRecord| {
        let time = store::chrono_date(record.time);
        time >= golden::day_start() && time < golden::day_start() + Duration::days(1)
    };
    let strongest = stored
        .iter()
        .filter(in_day)
        .map(magnitude)
        .fold(f64::MIN, f64::max);
    let tied: Vec<&StoredRecord> = stored
        .iter()
        .filter(in_day)
        .filter(|record| magnitude(record) == strongest)
        .collect();
    let first = tied
        .iter()
        .min_by_key(|record| record.time)
        .map(|record| (record.key.clone(), store::chrono_date(record.time)))
        .expect("a strongest record");
    let tied = tied.len();
    assert!(tied >= 2, "the golden day's magnitudes tie");
    let place = "23 km NNO de Saint-Étienne-de-Saint-Geoirs, Auvergne-Rhône-Alpes (Ísafjarðarbær)";
    for record in &mut stored {
        let named = record.key == first.0;
        let properties = record
            .data
            .get_document_mut("properties")
            .expect("properties");
        properties.insert("magType", if named { "mww" } else { "ml" });
        properties.insert("place", if named { place } else { "elsewhere" });
    }
    records.delete_many(quakes).await.expect("delete");
    records.insert_many(&stored).await.expect("insert");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = golden::CONFIG.replacen(
        "units = { \"properties.mag\" = \"magnitude\" }",
        "units = { \"properties.mag\" = \"magnitude\" }\nhighest = { field = \"properties.mag\", \
         kind = \"properties.magType\", place = \"properties.place\" }",
        1,
    );
    setup(dir.path(), &config);
    let flat = golden_day_text(dir.path(), &uri, &db).await;
    let paris = first.1.with_timezone(&chrono_tz::Europe::Paris);
    let said = format!(
        "Highest properties.mag: {strongest} magnitude mww, {place}, at {}, the first of {tied} \
         records of {strongest} magnitude.",
        paris.format("%Y-%m-%d %H:%M %Z")
    );
    assert!(flat.contains(&said), "not said: {said}\n{flat}");
}
