//! What a reader sees in a month's report rendered from data built in memory (no MongoDB):
//! a day's bar that adds up only some of its hours, and a source first collected mid-month.

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::{CollectionRun, SourceData};
use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use releve::Config;
use releve::store::{self, HourlySummary, NumericSummary};

/// `gauge`: a rain gauge read every 15 minutes, 0.5 mm an hour all month; `added`: a source
/// first collected on 15 November.
const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "gauge"
kind = "http_json"
url = "http://127.0.0.1:9/gauge"
every = "15m"
key = "id"
time = "t"
numeric = ["rain"]
totals = ["rain"]
units = { rain = "mm" }

[[source]]
name = "added"
kind = "http_json"
url = "http://127.0.0.1:9/added"
every = "1h"
key = "id"
time = "t"
numeric = ["load"]
units = { load = "MW" }
"#;

fn month_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("instant")
}

fn run(started: DateTime<Utc>, records: u64) -> CollectionRun {
    CollectionRun {
        started,
        file: Some("f.json".to_owned()),
        records,
        announced: None,
        retries: 0,
        throttled: 0,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        every_s: None,
        disabled_from: None,
        retry_from: None,
        day: None,
    }
}

/// An hour of `count` records of `field`, `values` of them holding a number, each `value`.
fn hour(
    source: &str,
    at: DateTime<Utc>,
    field: &str,
    count: i64,
    values: i64,
    value: f64,
) -> HourlySummary {
    let numeric = NumericSummary {
        field: field.to_owned(),
        count: values,
        nulls: count - values,
        implausible: 0,
        min: (values > 0).then_some(value),
        max: (values > 0).then_some(value),
        mean: (values > 0).then_some(value),
        sum: value * values as f64,
    };
    HourlySummary {
        source: source.to_owned(),
        hour: store::bson_date(at),
        count,
        numeric: vec![numeric],
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(at + Duration::hours(1)),
    }
}

fn source_data(hourly: Vec<HourlySummary>, runs: Vec<CollectionRun>) -> SourceData {
    SourceData {
        hourly,
        runs,
        last_success: Some(month_start() + Duration::days(30) + Duration::hours(2)),
        latest_run_failed: false,
        latest_run: None,
        rejected: 0,
        positions: None,
        highest: None,
        waiting: Default::default(),
        disabled: Vec::new(),
        run_before: None,
        runs_before: Vec::new(),
        records_before: 0,
        unmatched: None,
        fields_not_in_records: Default::default(),
    }
}

/// The gauge: 4 readings of 0.125 mm an hour (0.5 mm an hour, 12 mm a day), but on
/// 10 November from 06:00 to 18:00, whose records came without a reading (the sensor down).
fn gauge() -> SourceData {
    let start = month_start();
    let hours = 30 * 24;
    let hourly = (0..hours)
        .map(|h| {
            let at = start + Duration::hours(h);
            let down = (9 * 24 + 6..9 * 24 + 18).contains(&h);
            hour("gauge", at, "rain", 4, if down { 0 } else { 4 }, 0.125)
        })
        .collect();
    let runs = (0..hours * 4)
        .map(|q| run(start + Duration::minutes(15 * q), 4))
        .collect();
    source_data(hourly, runs)
}

/// A source configured on 15 November: its first run at 00:00 that day, then one an hour.
fn added() -> SourceData {
    let start = month_start();
    let first = 14 * 24;
    let hourly = (first..30 * 24)
        .map(|h| hour("added", start + Duration::hours(h), "load", 1, 1, 50_000.0))
        .collect();
    let runs = (first..30 * 24)
        .map(|h| run(start + Duration::hours(h), 1))
        .collect();
    source_data(hourly, runs)
}

/// Renders November 2026 (UTC) into `dir`.
fn render(dir: &std::path::Path) -> std::path::PathBuf {
    render_with(dir, gauge())
}

/// Renders November 2026 (UTC) into `dir`, with `gauge` as the gauge's data.
fn render_with(dir: &std::path::Path, gauge: SourceData) -> std::path::PathBuf {
    let config = Config::parse(CONFIG, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Month,
        "2026-11-15".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = BTreeMap::from([("gauge".to_owned(), gauge), ("added".to_owned(), added())]);
    let generated = period.end() + Duration::hours(3);
    let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
    let path = dir.join("2026-11.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

/// The text of `source`'s section: from its heading's line to the next section's.
fn section(text: &str, source: &str, next: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.trim_start_matches('\u{c}'))
        .collect();
    let start = lines
        .iter()
        .position(|line| line.trim() == source)
        .unwrap_or_else(|| panic!("a section for {source} in\n{text}"));
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.trim() == next)
        .map_or(lines.len(), |at| start + 1 + at);
    common::flat(&lines[start..end].join("\n"))
}

/// A month draws a totals field as one bar a day. On 10 November the gauge sent records
/// without a reading for 12 of the day's 24 hours: the day's bar adds up the 12 hours read,
/// 6 mm, half as tall as its neighbours' 12 mm, with nothing on it or under it to say so,
/// where a day without any reading gets a grey mark and is counted in the caption. A reader
/// sees a dry day. The chart's words must name the day whose total leaves hours out.
#[test]
fn a_months_daily_total_missing_half_its_hours_is_said_to_be_partial() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render(dir.path()));
    let gauge = section(&text, "gauge", "added");
    assert!(
        gauge.contains(
            "Period total: 354 mm over 2,832 values; most in a day: 12 mm (2026-11-01 UTC and \
             28 other days); 48 records without a value (2026-11-10 UTC)."
        ),
        "the rain chart's caption: {gauge}"
    );
    assert!(
        gauge.contains("10 Nov") || gauge.contains("2026-11-10"),
        "the daily total of 10 November holds 12 of its 24 hours (6 mm drawn beside days of \
         12 mm) and nothing says so: {gauge}"
    );
}

/// A screen reader cannot see which of the rain chart's bars is the tallest: its caption names
/// the wettest day and its total. A storm on 20 November (3 mm an hour from 14:00 to 18:00)
/// makes it 22 mm; 3 November's total holds a code of a missing reading (one reading of
/// 9,999 mm at noon), which the chart leaves past its scale: no rain, and not named.
#[test]
fn the_rain_chart_says_its_wettest_day_in_words() {
    let mut gauge = gauge();
    for summary in &mut gauge.hourly {
        let at = store::chrono_date(summary.hour);
        let Some(rain) = summary.numeric.first_mut() else {
            continue;
        };
        if at.format("%d").to_string() == "20" && (14..18).contains(&at.hour()) {
            (rain.min, rain.max, rain.mean) = (Some(0.75), Some(0.75), Some(0.75));
            rain.sum = 3.0;
        }
        if at.format("%d %H").to_string() == "03 12" {
            rain.max = Some(9_999.0);
            rain.sum = 3.0 * 0.125 + 9_999.0;
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render_with(dir.path(), gauge));
    let said = "Period total: 10,363 mm over 2,832 values; most in a day: 22 mm (2026-11-20 \
                UTC); 48 records without a value (2026-11-10 UTC).";
    let gauge = section(&text, "gauge", "added");
    assert!(gauge.contains(said), "{said} in: {gauge}");
}

/// A source configured on 15 November: its charts are blank for the first two weeks, drawn
/// like hours collected and found empty, with no shade and no word; its section says
/// "384 records in 384 of 720 hours" (half the month lost, one reads), while the table at the
/// end says 0 hours of 384 without data and, in its notes, when it was first collected. Its
/// section must say that it was first collected on 15 November.
#[test]
fn a_source_first_collected_mid_month_says_so_in_its_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render(dir.path()));
    let flat = common::flat(&text);
    assert!(
        flat.contains(
            "added: expected collections counted from its first known collection, 2026-11-15 00:00."
        ),
        "the completeness notes know it: {flat}"
    );
    let added = section(&text, "added", "Completeness and quality");
    assert!(
        added.contains("384 records in 384 of 720 hours."),
        "its section: {added}"
    );
    assert!(
        added.contains("2026-11-15") || added.contains("15 November"),
        "its section, beside charts blank until 15 November, does not say when it was first \
         collected: {added}"
    );
}

/// The README ("a source first collected within the period says from when (its charts hold
/// nothing before …)"). An incremental Opendatasoft source's first run lands the last 24 hours
/// (as `--since`, a forecast's `past_days` or France Travail's day before do): first run on
/// 15 November at 00:00, its records from 14 November 00:00. Its section says "its charts hold
/// nothing before" 15 November 00:00, beside a chart whose bar of 14 November holds 24 records.
#[test]
fn a_source_whose_first_run_landed_older_records_is_not_said_to_hold_nothing_before_it() {
    const BACKFILLED: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "backfilled"
kind = "http_json"
url = "http://127.0.0.1:9/backfilled"
every = "1h"
key = "id"
time = "t"
numeric = ["load"]
units = { load = "MW" }
"#;
    let start = month_start();
    let first_run = 14 * 24;
    let hourly = (first_run - 24..30 * 24)
        .map(|h| {
            hour(
                "backfilled",
                start + Duration::hours(h),
                "load",
                1,
                1,
                50_000.0,
            )
        })
        .collect();
    let runs = (first_run..30 * 24)
        .map(|h| {
            run(
                start + Duration::hours(h),
                if h == first_run { 25 } else { 1 },
            )
        })
        .collect();
    let config = Config::parse(BACKFILLED, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Month,
        "2026-11-15".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = BTreeMap::from([("backfilled".to_owned(), source_data(hourly, runs))]);
    let pdf = analyser::render_report(&config, &period, &data, period.end() + Duration::hours(3))
        .expect("render");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("2026-11.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let text = common::text(&path);
    let section = section(&text, "backfilled", "Completeness and quality");
    assert!(
        section.contains("408 records in 408 of 720 hours"),
        "its records, 24 of them on 14 November: {section}"
    );
    assert!(
        !section.contains("its charts hold nothing before"),
        "its charts hold 14 November's 24 records, before the first collection the section \
         names: {section}"
    );
}
