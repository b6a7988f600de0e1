//! Golden MongoDB documents for a recent Paris day ([`day`]), written in exactly the shapes the
//! summariser and the collector store, plus decoys just outside the day that a correct report
//! never counts.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Paris;
use mongodb::Database;
use mongodb::bson::{self, Document, doc};
use releve::RunMetrics;
use releve::store::{
    self, BoundingBox, CategoryCounts, HourlySummary, NumericSummary, StoredRecord, ValueCount,
};

/// The sources of the golden day.
pub const CONFIG: &str = r#"
[report]
timezone = "Europe/Paris"
keep = 2

[[source]]
name = "quakes"
kind = "http_json"
url = "http://127.0.0.1:9/quakes"
every = "15m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
categories = ["properties.type"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
units = { "properties.mag" = "magnitude" }
description = "Earthquakes around Toulouse Métropole"
periodicity = "updated every minute"
access = "open, no key"
licence = "Public domain (USGS)"

[[source]]
name = "meteo"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "15m"
records = "current"
key = "time"
time = "time"
numeric = ["temperature_2m", "relative_humidity_2m"]
units = { temperature_2m = "°C", relative_humidity_2m = "%" }
description = "Current weather in Toulouse, éCO2mix-style accents: °C"
periodicity = "15-minute grid"
access = "open, no key"
licence = "CC BY 4.0 (Open-Meteo)"

[[source]]
name = "offres"
kind = "http_json"
url = "http://127.0.0.1:9/offres"
every = "1d"
records = "resultats"
key = "id"
time = "dateCreation"
categories = ["typeContrat"]
description = "Job offers"
periodicity = "daily"
access = "OAuth2 client credentials"
licence = "Licence Offres d'emploi"
"#;

/// Records of `quakes` in the day: hour `i` holds `3 + i % 4`.
pub const QUAKES_RECORDS: i64 = 6 * (3 + 4 + 5 + 6);
/// Records of `meteo`: 4 an hour except the 4 hours from 06:00 Paris.
pub const METEO_RECORDS: i64 = 20 * 4;

/// The golden day: the Saturday 9 to 15 days before the day the tests run (fixed for the test
/// process), or the one a week earlier when the Sunday after it changes Paris's clocks.
///
/// Recent, because a report reads a period whose runs may have gone with the 90 days `runs`
/// keeps as no longer known; a Saturday whose week ends with a 24-hour Sunday, because the
/// week report's tests count the collections expected from the day's start to the week's end.
pub fn day() -> NaiveDate {
    static DAY: LazyLock<NaiveDate> = LazyLock::new(|| {
        let mut day = Utc::now().date_naive() - Days::new(9);
        while day.weekday() != Weekday::Sat {
            day = day.pred_opt().expect("a day before");
        }
        let offset = |day: NaiveDate| paris_midnight(day).with_timezone(&Paris).offset().fix();
        if offset(day + Days::new(1)) != offset(day + Days::new(2)) {
            day = day - Days::new(7);
        }
        day
    });
    *DAY
}

/// [`day`] moved by `days`, as `--date` takes it.
pub fn date(days: i64) -> String {
    (day() + Duration::days(days)).to_string()
}

/// Where the analyser writes the report of [`day`] moved by `days`: `reports/2026-11-21.pdf`.
pub fn report(days: i64) -> String {
    format!("reports/{}.pdf", date(days))
}

/// The file name of the report of the week holding [`day`]: `week-2026-W47.pdf`.
pub fn week_report() -> String {
    let week = day().iso_week();
    format!("week-{}-W{:02}.pdf", week.year(), week.week())
}

/// The file name of the report of the month holding [`day`]: `month-2026-11.pdf`.
pub fn month_report() -> String {
    format!("month-{}.pdf", day().format("%Y-%m"))
}

fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    Paris
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("Paris never changes its clocks at midnight")
        .with_timezone(&Utc)
}

/// `hour:minute` UTC of the golden day.
pub fn utc_at(hour: u32, minute: u32) -> DateTime<Utc> {
    day().and_hms_opt(hour, minute, 0).expect("time").and_utc()
}

/// The first UTC hour of the golden Paris day.
pub fn day_start() -> DateTime<Utc> {
    paris_midnight(day())
}

fn hour(i: i64) -> DateTime<Utc> {
    day_start() + Duration::hours(i)
}

fn bson_date(t: DateTime<Utc>) -> bson::DateTime {
    store::bson_date(t)
}

fn numeric(field: &str, values: &[f64]) -> NumericSummary {
    let sum: f64 = values.iter().sum();
    NumericSummary {
        field: field.to_owned(),
        count: values.len() as i64,
        nulls: 0,
        implausible: 0,
        min: values.iter().copied().reduce(f64::min),
        max: values.iter().copied().reduce(f64::max),
        mean: Some(sum / values.len() as f64),
        sum,
    }
}

fn summary(source: &str, at: DateTime<Utc>, count: i64) -> HourlySummary {
    HourlySummary {
        source: source.to_owned(),
        hour: bson_date(at),
        count,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: bson_date(at + Duration::hours(1)),
    }
}

fn quake(i: i64, n: i64) -> (f64, f64, f64) {
    let k = (i * 7 + n * 3) as f64;
    (
        1.2 + (k % 17.0) / 10.0,
        43.2 + (k % 11.0) / 20.0,
        0.5 + (k % 9.0) * 0.45,
    )
}

fn quakes_hour(i: i64) -> (HourlySummary, Vec<StoredRecord>) {
    let at = hour(i);
    let count = 3 + i % 4;
    let points: Vec<_> = (0..count).map(|n| quake(i, n)).collect();
    let mut s = summary("quakes", at, count);
    let mags: Vec<f64> = points.iter().map(|p| p.2).collect();
    s.numeric = vec![numeric("properties.mag", &mags)];
    s.categories = vec![CategoryCounts {
        field: "properties.type".to_owned(),
        values: vec![
            ValueCount {
                value: "earthquake".to_owned(),
                count: count - 1,
            },
            ValueCount {
                value: "quarry blast".to_owned(),
                count: 1,
            },
        ],
        other: 0,
        nulls: 0,
    }];
    s.bbox = Some(BoundingBox {
        min_lon: points.iter().map(|p| p.0).fold(f64::MAX, f64::min),
        min_lat: points.iter().map(|p| p.1).fold(f64::MAX, f64::min),
        max_lon: points.iter().map(|p| p.0).fold(f64::MIN, f64::max),
        max_lat: points.iter().map(|p| p.1).fold(f64::MIN, f64::max),
    });
    let records = points
        .iter()
        .enumerate()
        .map(|(n, (lon, lat, mag))| {
            let time = at + Duration::minutes(n as i64 * 10);
            StoredRecord {
                source: "quakes".to_owned(),
                key: format!("q{i}-{n}"),
                time: bson_date(time),
                hour: bson_date(at),
                file: format!("quakes_{}T00-00-00Z.json", day()),
                landed_at: bson_date(time),
                last_file: None,
                data: doc! {"id": format!("q{i}-{n}"), "properties": {"mag": *mag, "type": "earthquake"},
                            "geometry": {"coordinates": [*lon, *lat, 5.0]}},
                expire_at: None,
            }
        })
        .collect();
    (s, records)
}

fn meteo_hour(i: i64) -> HourlySummary {
    let mut s = summary("meteo", hour(i), 4);
    let base = 8.0 + 6.0 * ((i as f64 - 4.0) / 24.0 * std::f64::consts::TAU).sin();
    s.numeric = vec![
        numeric(
            "temperature_2m",
            &[base - 0.6, base - 0.2, base + 0.3, base + 0.5],
        ),
        numeric(
            "relative_humidity_2m",
            &[70.0 - base, 72.0 - base, 75.0 - base, 78.0 - base],
        ),
    ];
    s
}

pub fn run(
    source: &str,
    started: DateTime<Utc>,
    records: u64,
    announced: Option<u64>,
    error: Option<&str>,
) -> RunMetrics {
    RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: source.to_owned(),
        kind: "http_json".to_owned(),
        file: error
            .is_none()
            .then(|| format!("{source}_{}.json", started.format("%Y-%m-%dT%H-%M-%SZ"))),
        started,
        finished: started + Duration::seconds(2),
        duration_ms: Some(2000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced,
        records,
        coverage: announced.map(|a| records as f64 / a as f64),
        // As the collector counts it: what was announced and did not land.
        shortfall: announced.map_or(0, |a| a.saturating_sub(records)),
        key_clashes: 0,
        clash_key: None,
        error: error.map(str::to_owned),
        day: None,
        every_s: None,
        disabled_from: None,
        retry_from: None,
    }
}

/// `quakes`: 96 runs, 2 failed, 5 retries, 3 429s, 98 of 100 announced records each.
/// `meteo`: 80 runs, none during its 4 hours without data, and one a minute before the report.
/// `offres`: its only run failed.
fn runs() -> Vec<RunMetrics> {
    let mut runs = Vec::new();
    for k in 0..96 {
        let started = day_start() + Duration::minutes(15 * k);
        let failed = k == 10 || k == 95;
        let mut r = if failed {
            run(
                "quakes",
                started,
                0,
                None,
                Some("HTTP 503 from http://127.0.0.1:9/quakes"),
            )
        } else {
            run("quakes", started, 98, Some(100), None)
        };
        r.retries = Some(u64::from(k < 5));
        r.throttled = Some(u64::from(k < 3));
        runs.push(r);
    }
    for k in (0..96).filter(|k| !(24..40).contains(k)) {
        runs.push(run(
            "meteo",
            day_start() + Duration::minutes(15 * k),
            1,
            None,
            None,
        ));
    }
    // Health is judged when the report is generated: meteo is still collecting now.
    runs.push(run(
        "meteo",
        Utc::now() - Duration::minutes(1),
        1,
        None,
        None,
    ));
    runs.push(run(
        "offres",
        day_start() + Duration::hours(2),
        0,
        None,
        Some("HTTP 401 from the token endpoint"),
    ));
    runs
}

/// Inserts the golden day and its decoys.
pub async fn insert(db: &Database) {
    let mut hourly = Vec::new();
    let mut records = Vec::new();
    for i in 0..24 {
        let (s, r) = quakes_hour(i);
        hourly.push(s);
        records.extend(r);
        if !(6..10).contains(&i) {
            hourly.push(meteo_hour(i));
        }
    }
    // Decoys: the UTC hours just before and just after the Paris day.
    hourly.push(summary("quakes", hour(-1), 1000));
    hourly.push(summary("quakes", hour(24), 1000));
    hourly.push(summary("meteo", hour(-1), 1000));
    let to_doc = |v: &HourlySummary| bson::to_document(v).expect("summary as BSON");
    let hourly: Vec<Document> = hourly.iter().map(to_doc).collect();
    db.collection::<Document>(store::HOURLY)
        .insert_many(hourly)
        .await
        .expect("insert hourly");
    let records: Vec<Document> = records
        .iter()
        .map(|r| bson::to_document(r).expect("record as BSON"))
        .collect();
    db.collection::<Document>(store::RECORDS)
        .insert_many(records)
        .await
        .expect("insert records");
    let runs: Vec<Document> = runs()
        .iter()
        .map(|r| store::run_document(r).expect("run as BSON"))
        .collect();
    db.collection::<Document>(store::RUNS)
        .insert_many(runs)
        .await
        .expect("insert runs");
    // Records the summariser dropped from a file of the day, and from one landed the day after.
    let dropped = |at: DateTime<Utc>, count: i64| {
        doc! {"source": "quakes", "file": format!("quakes_{}.json", at.format("%Y-%m-%dT%H-%M-%SZ")),
        "landed_at": bson_date(at), "count": count}
    };
    db.collection::<Document>(store::REJECTED)
        .insert_many([dropped(hour(3), 3), dropped(hour(25), 1000)])
        .await
        .expect("insert rejected");
}
