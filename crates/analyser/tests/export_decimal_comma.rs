//! `analyser export --decimal-comma`: a CSV a spreadsheet set to French opens right by a
//! double-click (`;` between fields, decimals with a comma, accents read as UTF-8), through
//! the real binary.

mod common;

use std::path::Path;
use std::process::Output;

use chrono::{Duration, NaiveDateTime};
use common::golden;
use mongodb::bson::{Document, doc};
use releve::store;
use testkit::MongoServer;

/// Runs `analyser export --source quakes` of the golden day in `dir` on `database` with `args`.
async fn export(dir: &Path, database: &str, args: &[&str]) -> Output {
    export_of(dir, database, &golden::date(0), args, "warn").await
}

/// Runs `analyser export --source quakes --date DATE` in `dir` on `database` with `args`,
/// logging from `level` on.
async fn export_of(dir: &Path, database: &str, date: &str, args: &[&str], level: &str) -> Output {
    let uri = MongoServer::shared().uri();
    let mut all: Vec<String> = ["export", "--mongodb-uri", uri, "--database", database]
        .iter()
        .chain(&["--source", "quakes", "--date", date])
        .map(|arg| (*arg).to_owned())
        .collect();
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    let (dir, level) = (dir.to_owned(), level.to_owned());
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        common::analyser_logging(&dir, &args, &level)
    })
    .await
    .expect("analyser thread")
}

/// A folder with the golden `sources.toml`, and a database holding the golden day and one
/// record of a place named in French, of magnitude 4.46, at the day's half (12:30 after its
/// start); one served as an Opendatasoft portal serves it, its numbers as text (`"12.5"`, a
/// place `"4.5 km"`, a postcode `"31000"`), at 13:00:00.120; and two of magnitudes JSON writes
/// with an exponent (`1.5e-7`, `1e+300`), at 14:00 and 15:00.
async fn golden_site_in_toulouse(label: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), golden::CONFIG).expect("sources.toml");
    let server = MongoServer::shared();
    let name = server.fresh_database(label);
    let db = store::connect(server.uri(), &name)
        .await
        .expect("the summariser's collections");
    golden::insert(&db).await;
    let time = golden::day_start() + Duration::hours(12) + Duration::minutes(30);
    let at = store::bson_date(time);
    let record = doc! {"source": "quakes", "key": "compans", "time": at,
    "hour": store::bson_date(store::hour_of(time)), "file": "quakes_compans.json", "landed_at": at,
    "data": {"id": "compans", "properties": {"mag": 4.46, "type": "séisme",
             "place": "Parc Compans-Cafarelli, Été; fermé"},
             "geometry": {"coordinates": [1.4325, 43.6112, 5.0]}}};
    db.collection::<Document>(store::RECORDS)
        .insert_one(record)
        .await
        .expect("the French record");
    let served_as_text = quake(
        "blagnac",
        Duration::hours(13) + Duration::milliseconds(120),
        doc! {"id": "blagnac", "properties": {"mag": "12.5", "type": "4.5",
        "place": "4.5 km", "postcode": "31000", "updated": UPDATED_MS},
        "geometry": {"coordinates": ["1.3634", "43.6355", 5.0]}},
    );
    let tiny = quake(
        "tiny",
        Duration::hours(14),
        doc! {"id": "tiny", "properties": {"mag": 1.5e-7, "type": "earthquake"}},
    );
    let huge = quake(
        "huge",
        Duration::hours(15),
        doc! {"id": "huge", "properties": {"mag": 1e300, "type": "earthquake"}},
    );
    db.collection::<Document>(store::RECORDS)
        .insert_many([served_as_text, tiny, huge])
        .await
        .expect("the records served as text and with exponents");
    (dir, name)
}

/// When the record of Blagnac was updated, in epoch milliseconds as USGS writes it.
const UPDATED_MS: i64 = 1_796_213_251_345;

/// A `quakes` record of key `key`, `after` the golden day's start, holding `data`.
fn quake(key: &str, after: Duration, data: Document) -> Document {
    let time = golden::day_start() + after;
    let at = store::bson_date(time);
    doc! {"source": "quakes", "key": key, "time": at,
    "hour": store::bson_date(store::hour_of(time)), "file": "quakes_more.json",
    "landed_at": at, "data": data}
}

/// The time `after` the golden day's start as a spreadsheet reads it: `2026-12-07 14:00:00`.
fn spreadsheet_time(after: Duration) -> String {
    (golden::day_start() + after)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The table of a `--decimal-comma` export, its byte-order mark checked and taken off.
fn table_of(csv: &str) -> &str {
    match csv.strip_prefix('\u{feff}') {
        Some(table) => table,
        None => panic!("no UTF-8 byte-order mark first, so Excel reads accents wrong: {csv:?}"),
    }
}

/// The row of the record of `key` (in the second column).
fn row_of<'t>(table: &'t str, key: &str) -> &'t str {
    table
        .lines()
        .find(|line| line.split(';').nth(1) == Some(key))
        .unwrap_or_else(|| panic!("no row of `{key}`: {table}"))
}

/// Adds `records` of `quakes` to `database`.
async fn insert(database: &str, records: Vec<Document>) {
    let db = store::connect(MongoServer::shared().uri(), database)
        .await
        .expect("the summariser's collections");
    db.collection::<Document>(store::RECORDS)
        .insert_many(records)
        .await
        .expect("the records");
}

/// The lines of `stderr` naming `field` and holding `words`.
fn lines_saying<'s>(stderr: &'s str, field: &str, words: &str) -> Vec<&'s str> {
    stderr
        .lines()
        .filter(|line| line.contains(field) && line.contains(words))
        .collect()
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_decimal_comma_export_opens_in_a_french_spreadsheet_with_its_numbers_and_accents() {
    let (dir, database) = golden_site_in_toulouse("export_decimal_comma").await;
    let output = export(
        dir.path(),
        &database,
        &["--decimal-comma", "--field", "properties.place"],
    )
    .await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let Some(table) = csv.strip_prefix('\u{feff}') else {
        panic!("no UTF-8 byte-order mark first, so Excel reads accents wrong: {csv:?}");
    };
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "time (UTC);key;properties.mag;properties.type;geometry.coordinates.0;geometry.coordinates.1;properties.place"
    );
    let row = lines
        .iter()
        .find(|line| line.contains(";compans;"))
        .expect("the record of Compans");
    assert!(
        row.ends_with(";compans;4,46;séisme;1,4325;43,6112;\"Parc Compans-Cafarelli, Été; fermé\""),
        "numbers with a decimal comma, text as served: {row}"
    );
    // The hours' statistics too: their means and sums with a comma.
    let hourly = export(dir.path(), &database, &["--decimal-comma", "--hourly"]).await;
    let csv = String::from_utf8(hourly.stdout).expect("UTF-8 CSV");
    let cells: Vec<&str> = csv
        .lines()
        .skip(1)
        .flat_map(|hour| hour.split(';').skip(1))
        .collect();
    assert!(
        cells.iter().all(|cell| !cell.contains('.')) && cells.iter().any(|cell| cell.contains(',')),
        "{csv}"
    );
}

#[tokio::test]
async fn an_export_without_decimal_comma_stays_as_pandas_reads_it() {
    let (dir, database) = golden_site_in_toulouse("export_decimal_point").await;
    let output = export(dir.path(), &database, &[]).await;
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    assert!(csv.starts_with("time,key,"), "{csv}");
    let at = (golden::day_start() + Duration::hours(12) + Duration::minutes(30))
        .format("%Y-%m-%dT%H:%M:%S.000Z");
    assert!(
        csv.contains(&format!("\n{at},compans,4.46,séisme,1.4325,43.6112")),
        "{csv}"
    );
    let blagnac = (golden::day_start() + Duration::hours(13)).format("%Y-%m-%dT%H:%M:%S.120Z");
    assert!(
        csv.contains(&format!("\n{blagnac},blagnac,12.5,4.5,1.3634,43.6355\n")),
        "numbers served as text, as served: {csv}"
    );
    assert!(csv.contains(",tiny,1.5e-7,"), "{csv}");
    assert!(csv.contains(",huge,1e+300,"), "{csv}");
    let hourly = export(dir.path(), &database, &["--hourly"]).await;
    let hours = String::from_utf8(hourly.stdout).expect("UTF-8 CSV");
    assert!(hours.starts_with("hour,count,"), "{hours}");
    let first = hours.lines().nth(1).and_then(|hour| hour.split(',').next());
    assert!(
        first.is_some_and(|hour| NaiveDateTime::parse_from_str(hour, "%Y-%m-%dT%H:%M:%SZ").is_ok()),
        "{hours}"
    );
}

/// An Opendatasoft portal serves numbers as text (`"12.5"`): a `numeric` field, or a position,
/// so served is a number to the spreadsheet too, with its decimal comma, as is a category
/// `"4.5"` (a label written as a number), where text that is no number (a place `"4.5 km"`, a
/// postcode `"31000"`) stays as served. It kept its point, which a French spreadsheet reads as
/// text or a date.
#[tokio::test]
async fn numbers_served_as_text_get_a_decimal_comma_and_other_text_stays_as_served() {
    let (dir, database) = golden_site_in_toulouse("export_comma_text").await;
    let fields = [
        "--field",
        "properties.place",
        "--field",
        "properties.postcode",
    ];
    let output = export(
        dir.path(),
        &database,
        &[&["--decimal-comma"][..], &fields].concat(),
    )
    .await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let row = row_of(table_of(&csv), "blagnac");
    assert!(
        row.ends_with(";blagnac;12,5;4,5;1,3634;43,6355;4.5 km;31000"),
        "a numeric field and a position served as text get a decimal comma, other text stays as served: {row}"
    );
}

/// JSON writes a magnitude of 1.5e-7 `1.5e-7` and one of 1e300 `1e+300`: written as Excel writes
/// them in French, `1,5E-07` and `1E+300`, which Excel and LibreOffice in French read as numbers.
#[tokio::test]
async fn numbers_json_writes_with_an_exponent_are_written_as_a_french_spreadsheet_writes_them() {
    let (dir, database) = golden_site_in_toulouse("export_comma_exponent").await;
    let output = export(dir.path(), &database, &["--decimal-comma"]).await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let table = table_of(&csv);
    assert!(row_of(table, "tiny").contains(";tiny;1,5E-07;"), "{table}");
    assert!(row_of(table, "huge").contains(";huge;1E+300;"), "{table}");
}

/// Excel reads `2026-12-07T14:00:00.000Z` as text, not a time: sorted as text, charted as
/// nothing. Written `2026-12-07 14:00:00`, its zone said in the heading, both Excel and
/// LibreOffice in French read a date and time; the milliseconds are left out (`13:00:00.120` is
/// `13:00:00`), as a time with them is shown as minutes and seconds alone.
#[tokio::test]
async fn a_decimal_comma_export_writes_times_a_french_spreadsheet_reads_in_a_column_saying_utc() {
    let (dir, database) = golden_site_in_toulouse("export_comma_times").await;
    let output = export(dir.path(), &database, &["--decimal-comma"]).await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let table = table_of(&csv);
    assert!(table.starts_with("time (UTC);key;"), "{table}");
    let compans = spreadsheet_time(Duration::hours(12) + Duration::minutes(30));
    assert!(
        row_of(table, "compans").starts_with(&format!("{compans};compans;")),
        "{table}"
    );
    let blagnac = spreadsheet_time(Duration::hours(13));
    assert!(
        row_of(table, "blagnac").starts_with(&format!("{blagnac};blagnac;")),
        "{table}"
    );
    // A `--time-field` is a column of times too, written and headed alike.
    let times = ["--decimal-comma", "--time-field", "properties.updated"];
    let output = export(dir.path(), &database, &times).await;
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let table = table_of(&csv);
    assert!(
        table
            .lines()
            .next()
            .is_some_and(|header| header.ends_with(";properties.updated (UTC)")),
        "{table}"
    );
    let updated = chrono::DateTime::from_timestamp_millis(UPDATED_MS).expect("a time");
    let updated = updated.format("%Y-%m-%d %H:%M:%S").to_string();
    assert!(
        row_of(table, "blagnac").ends_with(&format!(";{updated}")),
        "{table}"
    );
}

/// `--hourly --decimal-comma`: the hours as a spreadsheet reads them, their zone said in the
/// heading, the statistics with a decimal comma, after the byte-order mark.
#[tokio::test]
async fn an_hourly_decimal_comma_export_writes_its_hours_and_statistics_for_a_french_spreadsheet() {
    let (dir, database) = golden_site_in_toulouse("export_comma_hourly").await;
    let output = export(dir.path(), &database, &["--hourly", "--decimal-comma"]).await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let table = table_of(&csv);
    assert!(
        table.starts_with("hour (UTC);count;properties.mag count;"),
        "{table}"
    );
    let first = table.lines().nth(1).and_then(|hour| hour.split(';').next());
    assert!(
        first.is_some_and(|hour| NaiveDateTime::parse_from_str(hour, "%Y-%m-%d %H:%M:%S").is_ok()),
        "{table}"
    );
    let hours: Vec<&str> = table.lines().skip(1).collect();
    assert!(
        hours.iter().any(|hour| hour.contains(',')) && hours.iter().all(|hour| !hour.contains('.')),
        "decimals with a comma: {table}"
    );
}

/// `--decimal-comma --output FILE`: the file holds what standard output would, the byte-order
/// mark first and `;` between fields; standard output nothing.
#[tokio::test]
async fn a_decimal_comma_export_to_a_file_has_the_byte_order_mark_and_semicolons() {
    let (dir, database) = golden_site_in_toulouse("export_comma_file").await;
    let file = dir.path().join("séismes.csv");
    let path = file.to_string_lossy().into_owned();
    let output = export(
        dir.path(),
        &database,
        &["--decimal-comma", "--output", &path],
    )
    .await;
    assert!(output.status.success(), "{}", said(&output));
    assert!(output.stdout.is_empty(), "the CSV goes to the file only");
    let csv = std::fs::read_to_string(&file).expect("the export's file");
    let table = table_of(&csv);
    assert!(
        table.starts_with("time (UTC);key;properties.mag;"),
        "{table}"
    );
    assert!(
        row_of(table, "compans").contains(";compans;4,46;séisme;"),
        "{table}"
    );
}

/// A period without records: the header alone, still after the byte-order mark (so a French
/// spreadsheet reads its accents and columns as it would a full one's), and the line the
/// export gives of any period, `rows=0`.
#[tokio::test]
async fn a_decimal_comma_export_of_an_empty_period_is_its_header_after_the_byte_order_mark() {
    let (dir, database) = golden_site_in_toulouse("export_comma_empty").await;
    let output = export_of(
        dir.path(),
        &database,
        &golden::date(-5),
        &["--decimal-comma"],
        "info",
    )
    .await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout.clone()).expect("UTF-8 CSV");
    assert_eq!(
        csv,
        "\u{feff}time (UTC);key;properties.mag;properties.type;geometry.coordinates.0;geometry.coordinates.1\n"
    );
    let stderr = said(&output);
    assert!(
        stderr.contains("Exported.") && stderr.contains("rows=0") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

/// `--local-time`: a French student reads the times on the clock of the report's zone
/// (`[report] timezone`, Paris here), which the headings name, in both layouts; without it
/// they stay in UTC.
#[tokio::test]
async fn local_time_writes_the_times_on_the_report_zones_clock_and_names_it_in_the_headings() {
    let (dir, database) = golden_site_in_toulouse("export_comma_local").await;
    let paris =
        |after: Duration| (golden::day_start() + after).with_timezone(&chrono_tz::Europe::Paris);
    let args = [
        "--decimal-comma",
        "--local-time",
        "--time-field",
        "properties.updated",
    ];
    let output = export(dir.path(), &database, &args).await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let table = table_of(&csv);
    let header = table.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("time (Europe/Paris);key;")
            && header.ends_with(";properties.updated (Europe/Paris)"),
        "{table}"
    );
    let compans = paris(Duration::hours(12) + Duration::minutes(30));
    assert!(
        row_of(table, "compans")
            .starts_with(&format!("{};compans;", compans.format("%Y-%m-%d %H:%M:%S"))),
        "{table}"
    );
    let updated = chrono::DateTime::from_timestamp_millis(UPDATED_MS).expect("a time");
    let updated = updated.with_timezone(&chrono_tz::Europe::Paris);
    assert!(
        row_of(table, "blagnac").ends_with(&format!(";{}", updated.format("%Y-%m-%d %H:%M:%S"))),
        "{table}"
    );
    let hourly = export(
        dir.path(),
        &database,
        &["--decimal-comma", "--local-time", "--hourly"],
    )
    .await;
    let csv = String::from_utf8(hourly.stdout).expect("UTF-8 CSV");
    let first = paris(Duration::zero())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert!(
        table_of(&csv).starts_with("hour (Europe/Paris);count;")
            && table_of(&csv)
                .lines()
                .nth(1)
                .is_some_and(|hour| hour.starts_with(&first)),
        "{csv}"
    );
    // Without --decimal-comma: ISO 8601 with the zone's offset.
    let output = export(dir.path(), &database, &["--local-time"]).await;
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let compans = compans.format("%Y-%m-%dT%H:%M:%S%.3f%:z");
    assert!(
        csv.starts_with("time (Europe/Paris),key,")
            && csv.contains(&format!("\n{compans},compans,")),
        "{csv}"
    );
}

/// A French Excel reads `4.5` as 4 May, and `4.05` too: a label (a category, a `--field`)
/// written as a number with a point, served as a JSON number or as text, gets a decimal
/// comma alike, which both spreadsheets read as the number it is. Text that is no number
/// (`4.5 km`) stays as served.
#[tokio::test]
async fn a_label_written_as_a_number_gets_a_decimal_comma_whether_served_as_text_or_number() {
    let (dir, database) = golden_site_in_toulouse("export_comma_labels").await;
    let labelled = quake(
        "labelled",
        Duration::hours(16),
        doc! {"id": "labelled", "properties": {"mag": 2.5, "type": 4.5, "place": "4.05"}},
    );
    insert(&database, vec![labelled]).await;
    let args = ["--decimal-comma", "--field", "properties.place"];
    let output = export(dir.path(), &database, &args).await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let table = table_of(&csv);
    assert!(
        row_of(table, "labelled").ends_with(";labelled;2,5;4,5;;;4,05"),
        "{table}"
    );
    assert!(
        row_of(table, "blagnac").ends_with(";blagnac;12,5;4,5;1,3634;43,6355;4.5 km"),
        "{table}"
    );
}

/// `"1e-400"` and `"1e400"` are numbers past the range of a spreadsheet's (a double's): the
/// first was written `1E-400`, a number no spreadsheet holds. They are written as served, and
/// said once per field on stderr, naming the source and the field.
#[tokio::test]
async fn numeric_text_past_a_spreadsheets_range_is_written_as_served_and_said_once() {
    let (dir, database) = golden_site_in_toulouse("export_comma_range").await;
    let tiny = quake(
        "subtiny",
        Duration::hours(16),
        doc! {"id": "subtiny", "properties": {"mag": "1e-400", "type": "earthquake"}},
    );
    let vast = quake(
        "vast",
        Duration::hours(17),
        doc! {"id": "vast", "properties": {"mag": "1e400", "type": "earthquake"}},
    );
    insert(&database, vec![tiny, vast]).await;
    let output = export(dir.path(), &database, &["--decimal-comma"]).await;
    assert!(output.status.success(), "{}", said(&output));
    let csv = String::from_utf8(output.stdout.clone()).expect("UTF-8 CSV");
    let table = table_of(&csv);
    assert!(
        row_of(table, "subtiny").contains(";subtiny;1e-400;"),
        "{table}"
    );
    assert!(row_of(table, "vast").contains(";vast;1e400;"), "{table}");
    let stderr = said(&output);
    let lines = lines_saying(&stderr, "properties.mag", "range");
    assert!(lines.len() == 1 && lines[0].contains("quakes"), "{stderr}");
}

/// A spreadsheet keeps 15 significant digits: an id of 17 digits, served as a number or as
/// text, is read as another number, unsaid. Said once per field on stderr, naming the source
/// and the field.
#[tokio::test]
async fn whole_numbers_past_15_digits_are_said_once_per_field() {
    let (dir, database) = golden_site_in_toulouse("export_comma_wide").await;
    let ids = ["12345678901234567", "98765432109876543"];
    let records = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let serial: i64 = id.parse().expect("an id");
            quake(
                id,
                Duration::hours(16) + Duration::minutes(n as i64),
                doc! {"id": *id, "properties": {"mag": 2.0, "serial": serial, "code": *id}},
            )
        })
        .collect();
    insert(&database, records).await;
    let args = [
        "--decimal-comma",
        "--field",
        "properties.serial",
        "--field",
        "properties.code",
    ];
    let output = export(dir.path(), &database, &args).await;
    assert!(output.status.success(), "{}", said(&output));
    let stderr = said(&output);
    for field in ["properties.serial", "properties.code"] {
        let lines = lines_saying(&stderr, field, "15 significant digits");
        assert!(
            lines.len() == 1 && lines[0].contains("quakes"),
            "{field}: {stderr}"
        );
    }
    let plain = export(dir.path(), &database, &["--field", "properties.serial"]).await;
    assert!(
        !said(&plain).contains("15 significant digits"),
        "the default CSV is for data frames: {}",
        said(&plain)
    );
}
