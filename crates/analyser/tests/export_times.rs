//! `analyser export --time-field`: a record's other times, as USGS's `properties.updated`
//! (epoch milliseconds), written as the `time` column is, through the real binary.

mod common;

use std::path::Path;
use std::process::Output;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use common::golden;
use mongodb::bson::{Document, doc};
use releve::store;
use testkit::MongoServer;

/// Runs `analyser export --source quakes` of the golden day in `dir` on `database` with `args`.
async fn export(dir: &Path, database: &str, args: &[&str]) -> Output {
    let mut all: Vec<String> = ["export", "--mongodb-uri", MongoServer::shared().uri()]
        .iter()
        .chain(&["--database", database, "--source", "quakes"])
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

/// A `quakes` record at `time` whose `properties.updated` holds `updated` as served.
fn revised_quake(key: &str, time: DateTime<Utc>, updated: serde_json::Value) -> Document {
    let at = store::bson_date(time);
    let updated = mongodb::bson::to_bson(&updated).expect("BSON");
    doc! {"source": "quakes", "key": key, "time": at, "hour": store::bson_date(store::hour_of(time)),
    "file": "quakes_revised.json", "landed_at": at,
    "data": {"id": key, "properties": {"mag": 2.5, "type": "earthquake",
             "time": time.timestamp_millis(), "updated": updated},
             "geometry": {"coordinates": [1.4, 43.6, 5.0]}}}
}

/// The first quake's time, and when it was last revised.
fn first_quake() -> DateTime<Utc> {
    golden::day_start() + Duration::minutes(7)
}

fn first_quake_updated() -> DateTime<Utc> {
    first_quake() + Duration::hours(2) + Duration::milliseconds(345)
}

/// A folder with `config` and a fresh database holding two quakes of the golden day, revised
/// at [`first_quake_updated`] and at `"ND"`.
async fn two_revised_quakes(config: &str, label: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
    let server = MongoServer::shared();
    let database = server.fresh_database(label);
    let db = store::connect(server.uri(), &database)
        .await
        .expect("the summariser's collections");
    let at = first_quake();
    db.collection::<Document>(store::RECORDS)
        .insert_many([
            revised_quake("q-ms", at, first_quake_updated().timestamp_millis().into()),
            revised_quake("q-nd", at + Duration::minutes(1), "ND".into()),
        ])
        .await
        .expect("two revised quakes");
    (dir, database)
}

/// USGS serves `properties.updated`, when an event was last revised, in epoch milliseconds,
/// as it serves `properties.time`. `--field properties.updated` writes `1764670000000`: R's
/// `as.POSIXct`, readr and pandas read it as a number, and a user must know to divide by 1000
/// from 1970 (stop 72's Known list). `--time-field` reads such a field as the source's `time`
/// is read and writes it as the `time` column is; a value that reads as no time is left empty
/// and said on stderr, with its text, so that the column holds times alone.
#[tokio::test]
async fn a_time_field_in_epoch_milliseconds_is_written_as_a_utc_time() {
    let (dir, database) = two_revised_quakes(golden::CONFIG, "export_time_field").await;
    let (at, updated) = (first_quake(), first_quake_updated());
    let output = export(
        dir.path(),
        &database,
        &[
            "--time-field",
            "properties.updated",
            "--time-field",
            "properties.time",
        ],
    )
    .await;
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{said}");
    let csv = String::from_utf8(output.stdout).expect("UTF-8 CSV");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "time,key,properties.mag,properties.type,geometry.coordinates.0,geometry.coordinates.1,properties.updated,properties.time"
        )
    );
    let millis = |time: DateTime<Utc>| time.to_rfc3339_opts(SecondsFormat::Millis, true);
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "{},q-ms,2.5,earthquake,1.4,43.6,{},{}",
                millis(at),
                millis(updated),
                millis(at)
            )
            .as_str()
        ),
        "{csv}"
    );
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "{},q-nd,2.5,earthquake,1.4,43.6,,{}",
                millis(at + Duration::minutes(1)),
                millis(at + Duration::minutes(1))
            )
            .as_str()
        ),
        "a value that reads as no time is left empty: {csv}"
    );
    assert!(
        said.contains("properties.updated") && said.contains("\"ND\""),
        "the value left out is said, with its text: {said}"
    );
}

/// The shipped USGS source's `version` is `properties.updated`, a column of every export,
/// written as served (epoch milliseconds). `--time-field properties.updated` writes that
/// column as times, in its place, not as a second column of the same name.
#[tokio::test]
async fn a_version_named_as_a_time_field_is_written_as_times_in_its_place() {
    let config = golden::CONFIG.replacen(
        "lat = \"geometry.coordinates.1\"\n",
        "lat = \"geometry.coordinates.1\"\nversion = \"properties.updated\"\n",
        1,
    );
    let (dir, database) = two_revised_quakes(&config, "export_time_version").await;
    let served = export(dir.path(), &database, &[]).await;
    let as_times = export(
        dir.path(),
        &database,
        &["--time-field", "properties.updated"],
    )
    .await;
    let csv = |output: &Output| String::from_utf8_lossy(&output.stdout).into_owned();
    let header = "time,key,properties.mag,properties.type,geometry.coordinates.0,geometry.coordinates.1,properties.updated";
    let second_line = |text: &str| text.lines().take(2).collect::<Vec<_>>().join("\n");
    let at = first_quake().to_rfc3339_opts(SecondsFormat::Millis, true);
    assert_eq!(
        second_line(&csv(&served)),
        format!(
            "{header}\n{at},q-ms,2.5,earthquake,1.4,43.6,{}",
            first_quake_updated().timestamp_millis()
        ),
        "the version as served by default"
    );
    assert_eq!(
        second_line(&csv(&as_times)),
        format!(
            "{header}\n{at},q-ms,2.5,earthquake,1.4,43.6,{}",
            first_quake_updated().to_rfc3339_opts(SecondsFormat::Millis, true)
        ),
        "{}",
        String::from_utf8_lossy(&as_times.stderr)
    );
}

/// A value of a `--time-field` that reads as no time is left empty, and the warning said to
/// export the field with `--field` to see it as served: given beside `--time-field`, `--field`
/// is the same column, still written as times, so the advice did nothing. The warning now says
/// to remove the `--time-field`, and a `--time-field` no record holds is said as one, not as a
/// `--field`.
#[tokio::test]
async fn the_advice_for_values_read_as_no_time_is_to_remove_the_time_field() {
    let (dir, database) = two_revised_quakes(golden::CONFIG, "export_time_advice").await;
    let output = export(
        dir.path(),
        &database,
        &[
            "--field",
            "properties.updated",
            "--time-field",
            "properties.updated",
            "--time-field",
            "properties.revised",
        ],
    )
    .await;
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("remove `--time-field properties.updated`"),
        "{said}"
    );
    assert!(
        said.contains("No record exported holds these --time-field paths")
            && said.contains("`properties.revised`")
            && !said.contains("these --field paths"),
        "{said}"
    );
    let served = export(dir.path(), &database, &["--field", "properties.updated"]).await;
    assert!(
        String::from_utf8_lossy(&served.stdout).contains(",ND\n"),
        "the advice followed shows the value as served"
    );
}
