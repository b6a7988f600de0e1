//! A source's pages count its hours with data by the quality table's rule: an hour whose
//! records hold only nulls (Open-Meteo's archive asked up to today serves the hours to come
//! so) is an hour without data on both, so a page and the table of one report agree.

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::{CollectionRun, SourceData};
use chrono::{DateTime, Duration, TimeZone, Utc};
use releve::Config;
use releve::store::{self, CategoryCounts, HourlySummary, NumericSummary, ValueCount};

const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "archive"
kind = "http_json"
url = "http://127.0.0.1:9/archive"
every = "1h"
key = "time"
time = "time"
numeric = ["temperature_2m"]
units = { temperature_2m = "°C" }

[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "http://127.0.0.1:9"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation", "taux_co2"]
categories = ["nature"]

[[source]]
name = "labels"
kind = "http_json"
url = "http://127.0.0.1:9/labels"
every = "1h"
key = "time"
time = "time"
categories = ["nature"]

[[source]]
name = "offers"
kind = "http_json"
url = "http://127.0.0.1:9/offers"
every = "1d"
key = "id"
time = "dateCreation"
numeric = ["nombrePostes"]
totals = ["nombrePostes"]
categories = ["typeContrat"]
"#;

fn hour(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
        .single()
        .expect("instant")
        + Duration::hours(h)
}

/// The summary of hour `h`: `records` records, each with a temperature when `valued`, else
/// each with a null.
fn summary(h: i64, records: i64, valued: bool) -> HourlySummary {
    let (count, nulls) = if valued { (records, 0) } else { (0, records) };
    HourlySummary {
        source: "archive".to_owned(),
        hour: store::bson_date(hour(h)),
        count: records,
        numeric: vec![NumericSummary {
            field: "temperature_2m".to_owned(),
            count,
            nulls,
            implausible: 0,
            min: valued.then_some(4.0),
            max: valued.then_some(6.0),
            mean: valued.then_some(5.0),
            sum: 5.0 * count as f64,
        }],
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(hour(h + 1)),
    }
}

/// The report of 2026-11-21 for `data` of the archive, generated the next morning, as text.
fn report_text(data: SourceData) -> String {
    report_of("archive", data)
}

/// The report of 2026-11-21 for `data` of `source`, generated the next morning, as text.
fn report_of(source: &str, data: SourceData) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::parse(CONFIG, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = BTreeMap::from([(source.to_owned(), data)]);
    let pdf = analyser::render_report(&config, &period, &data, hour(30)).expect("render");
    let path = dir.path().join("2026-11-21.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    common::text(&path)
}

/// The hours with data the source's page counts (`… records in 12 of 24 hours`) and those
/// the quality table does (its hours less those without data), as (page, table).
fn hours_with_data(text: &str) -> (usize, usize) {
    hours_with_data_of(text, "archive")
}

/// [`hours_with_data`] of `source`.
fn hours_with_data_of(text: &str, source: &str) -> (usize, usize) {
    let flat = common::flat(text);
    let page = flat
        .split(" hours")
        .find_map(|before| {
            let words: Vec<&str> = before.split(' ').collect();
            match words.as_slice() {
                [.., "in", busy, "of", _] => busy.parse().ok(),
                _ => None,
            }
        })
        .unwrap_or_else(|| panic!("the page counts its hours with records:\n{flat}"));
    let row = common::row(text, "Completeness and quality", &[source]);
    let of = row
        .iter()
        .position(|word| *word == "of")
        .unwrap_or_else(|| panic!("hours without data in the row {row:?}"));
    let number = |word: &str| -> usize { word.parse().expect("a number of hours") };
    let table = number(row[of + 1]) - number(row[of - 1]);
    (page, table)
}

/// The archive served the day's first 12 hours with temperatures, four records each, and its
/// last 12 with nulls, one record each (asked up to today before they came): the table says
/// 12 hours of 24 without data, and the page counts 12 hours with data, not 24, and names no
/// hour of nulls as the quietest.
#[test]
fn a_source_page_and_the_quality_table_count_the_same_hours_with_data() {
    let text = report_text(SourceData {
        hourly: (0..24)
            .map(|h| summary(h, if h < 12 { 4 } else { 1 }, h < 12))
            .collect(),
        last_success: Some(hour(24)),
        ..Default::default()
    });
    let flat = common::flat(&text);
    assert_eq!(
        hours_with_data(&text),
        (12, 12),
        "the page and the table agree on 12 hours with data:\n{flat}"
    );
    assert!(
        flat.contains(
            "48 records in 12 of 24 hours; 12 more records hold no data, in 12 other hours."
        ),
        "the page says the records of nulls apart:\n{flat}"
    );
    assert!(
        !flat.contains("fewest: 1"),
        "an hour of nulls is no quiet hour with data:\n{flat}"
    );
}

/// The source's first run, at 12:00, landed the archive's day: its hours before 12:00 all
/// nulls. The table counts from 12:00, the run's hour, as no hour before holds data; the page
/// says it was collected from then, its charts holding nothing before.
#[test]
fn a_first_run_after_hours_of_nulls_only_is_said_on_the_page() {
    let run = CollectionRun {
        started: hour(12),
        file: Some("raw/archive/2026-11-21T12-00-00Z.json".to_owned()),
        records: 24,
        ..Default::default()
    };
    let text = report_text(SourceData {
        hourly: (0..24).map(|h| summary(h, 1, h >= 12)).collect(),
        runs: vec![run],
        last_success: Some(hour(12)),
        latest_run: Some(hour(12)),
        ..Default::default()
    });
    let flat = common::flat(&text);
    assert!(
        flat.contains("Collected from its first known collection, 2026-11-21 12:00"),
        "the page says from when it was collected:\n{flat}"
    );
    assert_eq!(
        hours_with_data(&text),
        (12, 12),
        "the page and the table agree on 12 hours with data:\n{flat}"
    );
}

/// The count of the hour `h` of `records` éCO2mix-shaped rows, four an hour, all labelled
/// "Données temps réel" in `nature`.
fn real_time(records: i64) -> Vec<CategoryCounts> {
    vec![CategoryCounts {
        field: "nature".to_owned(),
        values: vec![ValueCount {
            value: "Données temps réel".to_owned(),
            count: records,
        }],
        other: 0,
        nulls: 0,
    }]
}

/// éCO2mix's latest rows, before the hourly refresh, hold null figures but their `nature`
/// ("Données temps réel"): a label alone is no data. Rows of 20 hours with figures, of the
/// last 4 with nulls only: both the table and the page count 20 hours with data.
#[test]
fn rows_whose_figures_are_null_are_without_data_though_labelled() {
    let hourly = (0..24)
        .map(|h| {
            let valued = h < 20;
            let figures = summary(h, 4, valued).numeric;
            let mut summary = summary(h, 4, valued);
            summary.source = "eco2mix".to_owned();
            summary.numeric = ["consommation", "taux_co2"]
                .iter()
                .map(|field| NumericSummary {
                    field: (*field).to_owned(),
                    ..figures[0].clone()
                })
                .collect();
            summary.categories = real_time(4);
            summary
        })
        .collect();
    let text = report_of(
        "eco2mix",
        SourceData {
            hourly,
            last_success: Some(hour(24)),
            ..Default::default()
        },
    );
    let flat = common::flat(&text);
    assert_eq!(
        hours_with_data_of(&text, "eco2mix"),
        (20, 20),
        "20 hours with figures, 4 of labels alone:\n{flat}"
    );
    assert!(
        flat.contains(
            "80 records in 20 of 24 hours; 16 more records hold no data, in 4 other hours."
        ),
        "the page says the labelled rows apart:\n{flat}"
    );
}

/// France Travail's offers are keyed by their own id: an offer is data by itself, though "any
/// attribute may be missing". An hour of 3 offers without `nombrePostes` (their contract type
/// given) is an hour with data, on the page and in the table, not 3 records holding none.
#[test]
fn offers_keyed_by_their_own_id_are_data_without_a_number() {
    let mut offers = summary(9, 3, false);
    offers.source = "offers".to_owned();
    offers.numeric[0].field = "nombrePostes".to_owned();
    offers.categories = vec![CategoryCounts {
        field: "typeContrat".to_owned(),
        values: vec![ValueCount {
            value: "CDI".to_owned(),
            count: 3,
        }],
        other: 0,
        nulls: 0,
    }];
    let text = report_of(
        "offers",
        SourceData {
            hourly: vec![offers],
            last_success: Some(hour(24)),
            ..Default::default()
        },
    );
    let flat = common::flat(&text);
    assert_eq!(
        hours_with_data_of(&text, "offers"),
        (1, 1),
        "the hour of offers is an hour with data:\n{flat}"
    );
    assert!(
        flat.contains("3 records in 1 of 24 hours."),
        "its offers are records with data:\n{flat}"
    );
    assert!(
        !flat.contains("hold no data"),
        "no offer is said to hold no data:\n{flat}"
    );
}

/// A series of slots keyed by its time configuring categories alone has its categories for data: an hour of records
/// labelled is with data, one whose labels are all null is not.
#[test]
fn a_source_of_categories_alone_has_its_labels_for_data() {
    let hourly = (0..24)
        .map(|h| HourlySummary {
            source: "labels".to_owned(),
            hour: store::bson_date(hour(h)),
            count: 2,
            numeric: Vec::new(),
            categories: if h < 18 {
                real_time(2)
            } else {
                vec![CategoryCounts {
                    field: "nature".to_owned(),
                    values: Vec::new(),
                    other: 0,
                    nulls: 2,
                }]
            },
            bbox: None,
            updated_at: store::bson_date(hour(h + 1)),
        })
        .collect();
    let text = report_of(
        "labels",
        SourceData {
            hourly,
            last_success: Some(hour(24)),
            ..Default::default()
        },
    );
    let flat = common::flat(&text);
    assert_eq!(
        hours_with_data_of(&text, "labels"),
        (18, 18),
        "18 hours labelled, 6 of null labels:\n{flat}"
    );
}

/// The archive served the whole day with nulls, four records an hour: no hour of the period
/// holds data, which is said as a period with no record is, in the red "No data" alert naming
/// its records, not as "0 records in 0 of 24 hours".
#[test]
fn a_period_whose_records_all_hold_no_data_gets_the_no_data_alert() {
    let text = report_text(SourceData {
        hourly: (0..24).map(|h| summary(h, 4, false)).collect(),
        last_success: Some(hour(24)),
        ..Default::default()
    });
    let flat = common::flat(&text);
    assert!(
        flat.contains("archive Source: http://127.0.0.1:9/archive")
            && flat.contains(
                "No data for this source in this period: its 96 records of these hours hold no data."
            ),
        "the page gives the alert, naming the records:\n{flat}"
    );
    assert!(
        !flat.contains("0 records in 0 of 24 hours"),
        "no sentence of 0 records:\n{flat}"
    );
}
