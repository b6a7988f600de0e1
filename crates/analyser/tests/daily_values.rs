//! What a reader sees of a source of daily values (`resolution = "day"`: one record a day, as
//! Open-Meteo's `daily`) and of a forecast whose hours lie past the report's generation:
//! days counted and charted as days, and hours still to come said as such (rendered from data
//! built in memory, no MongoDB).

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::SourceData;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use releve::Config;
use releve::store::{self, HourlySummary, NumericSummary};

/// Daily maxima and rain totals in Toulouse, each record dated by its day (00:00 UTC, 01:00
/// in Paris); the report is in Paris time.
const DAILY: &str = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "daily"
kind = "http_json"
url = "http://127.0.0.1:9/daily"
every = "1d"
records = "daily"
columns = true
forecast = true
resolution = "day"
key = "time"
time = "time"
numeric = ["tmax", "rain"]
totals = ["rain"]
units = { tmax = "°C", rain = "mm" }
"#;

/// An hourly forecast, in UTC.
const HOURLY_FORECAST: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "hourly"
kind = "http_json"
url = "http://127.0.0.1:9/hourly"
every = "1h"
records = "hourly"
columns = true
forecast = true
key = "time"
time = "time"
numeric = ["temperature"]
units = { temperature = "°C" }
"#;

fn midnight(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0)
        .single()
        .expect("instant")
}

fn numeric(field: &str, value: f64) -> NumericSummary {
    NumericSummary {
        field: field.to_owned(),
        count: 1,
        nulls: 0,
        implausible: 0,
        min: Some(value),
        max: Some(value),
        mean: Some(value),
        sum: value,
    }
}

/// One record in `hour`: `fields` with their values.
fn hour_of(source: &str, hour: DateTime<Utc>, fields: &[(&str, f64)]) -> HourlySummary {
    HourlySummary {
        source: source.to_owned(),
        hour: store::bson_date(hour),
        count: 1,
        numeric: fields.iter().map(|(f, v)| numeric(f, *v)).collect(),
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(hour),
    }
}

/// One record a day from 16 to 22 November 2026, each in its day's 00:00 UTC hour.
fn week_of_days() -> SourceData {
    SourceData {
        hourly: (16..=22)
            .map(|day| {
                let rain = if day % 2 == 0 { 2.5 } else { 0.0 };
                hour_of(
                    "daily",
                    midnight(day),
                    &[("tmax", 10.0 + f64::from(day - 16)), ("rain", rain)],
                )
            })
            .collect(),
        last_success: Some(midnight(22)),
        ..Default::default()
    }
}

/// The report of `kind` holding `date`, of `source`'s `data`, generated at `generated`.
fn render(
    dir: &std::path::Path,
    config: &str,
    source: &str,
    data: SourceData,
    kind: PeriodKind,
    date: &str,
    generated: DateTime<Utc>,
) -> std::path::PathBuf {
    let config = Config::parse(config, std::path::Path::new("sources.toml")).expect("config");
    let period =
        ReportPeriod::containing(kind, date.parse().expect("date"), config.report.timezone);
    let data = BTreeMap::from([(source.to_owned(), data)]);
    let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
    let path = dir.join(period.file_name());
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

/// The number of separate runs of data-coloured columns in `chart`: its bars.
fn bars(chart: &common::Raster) -> usize {
    let coloured = |x: usize| {
        (0..chart.height).any(|y| {
            let at = (y * chart.width + x) * chart.channels;
            let (r, b) = (i32::from(chart.pixels[at]), i32::from(chart.pixels[at + 2]));
            b - r > 40
        })
    };
    let columns: Vec<bool> = (0..chart.width).map(coloured).collect();
    columns
        .windows(2)
        .filter(|pair| pair[1] && !pair[0])
        .count()
        + usize::from(columns.first() == Some(&true))
}

#[test]
fn a_day_of_daily_values_is_said_in_figures_without_a_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = week_of_days();
    data.hourly
        .retain(|h| store::chrono_date(h.hour) == midnight(18));
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        data,
        PeriodKind::Day,
        "2026-11-18",
        midnight(19) + Duration::hours(5),
    );
    let text = common::text(&pdf);
    let flat = common::flat(&text);
    for wanted in [
        "1 record for this day.",
        "tmax (°C) This day: 12 °C (1 value); 0 records without a value.",
        "rain (mm) This day's total: 2.5 mm over 1 value; 0 records without a value.",
    ] {
        assert!(flat.contains(wanted), "{wanted:?} in\n{text}");
    }
    assert!(
        !flat.contains("of 24 hours") && !flat.contains("one hour"),
        "no hour of daily values:\n{text}"
    );
    let pages = common::page_texts(&pdf).len();
    assert_eq!(
        common::images_per_page(&pdf, pages).iter().sum::<usize>(),
        0,
        "a day's one value per field is said, not charted"
    );
    assert_eq!(without_data(&text, "daily"), "0 of 1 day", "{text}");
}

/// The "Hours without data" cell of `source`'s row in the quality table: `0 of 14`, or with a
/// source of daily values in the table `1 of 7 days` beside `3 of 168` (hours).
fn without_data(text: &str, source: &str) -> String {
    let table = &text[text
        .find("Completeness and quality")
        .expect("the quality table")..];
    let mut lines = table.lines().skip_while(|line| !line.starts_with(source));
    let row: Vec<&str> = lines
        .next()
        .expect("the source's row")
        .split_whitespace()
        .collect();
    // The first "n of m" of the row (the coverage comes after it).
    let at = row
        .windows(3)
        .position(|words| words[1] == "of")
        .expect("an `n of m` cell");
    // The unit, where the cell says one, on the row's line: the table's numbers do not wrap.
    let unit = row
        .get(at + 3)
        .copied()
        .filter(|word| word.starts_with("day") || word.starts_with("hour"));
    row[at..at + 3]
        .iter()
        .copied()
        .chain(unit)
        .collect::<Vec<_>>()
        .join(" ")
}

/// With a daily and an hourly source in one report, the quality table's column is headed
/// "Without data" and each cell says what it counts, days or hours.
#[test]
fn a_daily_and_an_hourly_source_say_their_units_without_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "{DAILY}{}",
        r#"
[[source]]
name = "meteo"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "1h"
key = "time"
time = "time"
numeric = ["temperature"]
"#
    );
    let config = Config::parse(&config, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Week,
        "2026-11-18".parse().expect("date"),
        config.report.timezone,
    );
    // Every hour of the week but the last three, in Paris time.
    let first = period.start();
    let meteo = SourceData {
        hourly: (0..165)
            .map(|h| hour_of("meteo", first + Duration::hours(h), &[("temperature", 4.0)]))
            .collect(),
        last_success: Some(first + Duration::hours(164)),
        ..Default::default()
    };
    let data = BTreeMap::from([
        ("daily".to_owned(), week_of_days()),
        ("meteo".to_owned(), meteo),
    ]);
    let generated = midnight(23) + Duration::hours(5);
    let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
    let path = dir.path().join(period.file_name());
    std::fs::write(&path, pdf).expect("write the PDF");
    let text = common::text(&path);
    assert_eq!(without_data(&text, "daily"), "0 of 7 days", "{text}");
    assert_eq!(without_data(&text, "meteo"), "3 of 168", "{text}");
    let flat = common::flat(&text);
    assert!(
        flat.contains("Without data, Records: from the hourly summaries"),
        "the column's key names its header:\n{text}"
    );
    assert!(
        !flat.contains("Hours without data"),
        "no column says hours over a daily source's days:\n{text}"
    );
}

#[test]
fn a_week_of_daily_values_counts_and_charts_its_days() {
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = midnight(23) + Duration::hours(5);
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        week_of_days(),
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    let flat = common::flat(&text);
    assert!(flat.contains("7 records in 7 of 7 days."), "{text}");
    assert!(
        // Beside the fields, a line each: the cell's lines interleave with theirs.
        flat.contains("daily values,") && flat.contains("collected every day"),
        "the catalogue says the source holds daily values:\n{text}"
    );
    let charts = common::charts(&pdf, dir.path());
    assert_eq!(charts.len(), 3, "records, tmax and rain");
    assert_eq!(bars(&charts[0]), 7, "a bar of records per day");
    assert_eq!(bars(&charts[2]), 4, "a bar of rain per rainy day");
    let mut missing = week_of_days();
    missing.hourly.remove(2);
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        missing,
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains("6 records in 6 of 7 days."),
        "{text}"
    );
    assert_eq!(
        without_data(&text, "daily"),
        "1 of 7 days",
        "18 November has no value:\n{text}"
    );
    let mut lone = week_of_days();
    lone.hourly
        .retain(|h| store::chrono_date(h.hour) == midnight(18));
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        lone,
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text)
            .contains("tmax (°C) Values on one day only, 2026-11-18: 12 °C (1 value)"),
        "a lone day's value is a line:\n{text}"
    );
}

/// The day report of 21 November of the hourly forecast holding a record in each of `hours`
/// (5 °C at midnight, half a degree more each hour), generated at 13:20.
fn forecast_day(dir: &std::path::Path, hours: std::ops::Range<i64>) -> std::path::PathBuf {
    let day = midnight(21);
    let data = SourceData {
        hourly: hours
            .map(|h| {
                hour_of(
                    "hourly",
                    day + Duration::hours(h),
                    &[("temperature", 5.0 + h as f64 / 2.0)],
                )
            })
            .collect(),
        last_success: Some(day + Duration::hours(13)),
        ..Default::default()
    };
    let generated = day + Duration::minutes(13 * 60 + 20);
    render(
        dir,
        HOURLY_FORECAST,
        "hourly",
        data,
        PeriodKind::Day,
        "2026-11-21",
        generated,
    )
}

#[test]
fn a_forecast_says_how_many_of_its_hours_were_still_to_come() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = forecast_day(dir.path(), 0..24);
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains(
            "24 records in 24 of 24 hours (14 of the 24 begun when the report was generated; the charts shade the rest); 10 of these hours were still to come when the report was generated."
        ),
        "14:00 to 23:00 lie ahead of 13:20:\n{text}"
    );
    assert_eq!(
        without_data(&text, "hourly"),
        "0 of 14",
        "the hours elapsed, 00:00 to 13:00, all hold data:\n{text}"
    );
    // 5.0 to 11.5 °C in the hours begun, 12.0 to 16.5 °C forecast: apart (a mean of 14.25
    // exactly reads 14.3, as a spreadsheet rounds it).
    let flat = common::flat(&text);
    assert!(
        flat.contains(
            "Until the report was generated: min 5 °C (2026-11-21 00:00–01:00 UTC), mean 8.25 °C, max 11.5 °C (2026-11-21 13:00–14:00 UTC) over 14 values; 0 records without a value."
        ) && flat.contains(
            "Still to come then (values published ahead, such as forecasts): min 12 °C (2026-11-21 14:00–15:00 UTC), mean 14.3 °C, max 16.5 °C (2026-11-21 23:00–00:00 UTC) over 10 values; 0 records without a value."
        ),
        "the forecast hours are not counted with the hours begun:\n{text}"
    );
}

/// A forecast collected for the first time mid-day holds records of hours to come only: the
/// hours begun say they hold none, not "0 records without a value".
#[test]
fn a_forecast_of_hours_to_come_only_says_the_hours_begun_hold_no_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = forecast_day(dir.path(), 14..24);
    let flat = common::flat(&common::text(&pdf));
    assert!(
        flat.contains("Until the report was generated: no record.")
            && flat.contains(
                "Still to come then (values published ahead, such as forecasts): min 12 °C"
            ),
        "{flat}"
    );
}

/// The week of 16 November of daily values with a `sky` category, each day's value (none: a
/// record without one) as `sky` gives it for the day of the month, and `others` records of
/// values past the day's top 20, generated on its Thursday at 10:00: the report's text.
fn week_of_skies(sky: impl Fn(u32) -> Option<&'static str>, others: i64) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!("{DAILY}categories = [\"sky\"]\n");
    let mut data = week_of_days();
    for hour in &mut data.hourly {
        let day = store::chrono_date(hour.hour).day();
        hour.categories = vec![store::CategoryCounts {
            field: "sky".to_owned(),
            values: sky(day)
                .map(|value| store::ValueCount {
                    value: value.to_owned(),
                    count: 1,
                })
                .into_iter()
                .collect(),
            other: others,
            nulls: i64::from(sky(day).is_none()),
        }];
    }
    let pdf = render(
        dir.path(),
        &config,
        "daily",
        data,
        PeriodKind::Week,
        "2026-11-19",
        midnight(19) + Duration::hours(10),
    );
    common::flat(&common::text(&pdf))
}

/// A week of daily values generated on its Thursday: the totals and the categories of the
/// days to come (forecasts) are said apart from those of the days begun, not mixed in.
#[test]
fn a_forecast_s_days_to_come_are_not_counted_with_the_days_begun() {
    let flat = week_of_skies(|day| Some(if day < 20 { "sunny" } else { "rain" }), 0);
    // Rain on the 16th and 18th begun, the 20th and 22nd to come: 2.5 mm each. The 19th,
    // begun, is not over: its value may yet change.
    assert!(
        flat.contains(
            "Until the report was generated, total: 5 mm over 4 values; of the days over then, most in one: 2.5 mm (2026-11-16 and 1 other day); 0 records without a value."
        ) && flat.contains(
            "Still to come then (values published ahead, such as forecasts), total: 5 mm over 3 values; most in a day: 2.5 mm (2026-11-20 and 1 other day); 0 records without a value."
        ),
        "{flat}"
    );
    assert!(
        flat.contains("min 10 °C (2026-11-16), mean 11.5 °C, max 13 °C (2026-11-19) over 4 values"),
        "the maxima of the days begun, 16th to 19th: {flat}"
    );
    assert!(
        flat.contains(
                "Not counted: 3 records of days still to come when the report was generated (values published ahead, such as forecasts)."
            ),
        "the rain to come is not counted with the sunny days seen: {flat}"
    );
}

/// Values past each day's top 20 are counted over the days begun, as the bars are.
#[test]
fn other_values_are_counted_over_the_days_begun() {
    let flat = week_of_skies(|day| Some(if day < 20 { "sunny" } else { "rain" }), 2);
    assert!(
        flat.contains(
            "as other values (8 records in the days begun when the report was generated)"
        ),
        "16 to 19 November, two a day: {flat}"
    );
}

/// Days begun whose records hold no value of a category field, and forecasts that do: the
/// field has no value in the days begun, not none in the period.
#[test]
fn a_category_without_a_value_in_the_days_begun_is_not_said_to_have_none() {
    let flat = week_of_skies(|day| (day >= 20).then_some("rain"), 0);
    assert!(
        flat.contains("No value of sky in the days begun when the report was generated.")
            && !flat.contains("No value of sky in this period.")
            && flat.contains("Not counted: 3 records of days still to come"),
        "{flat}"
    );
}

#[test]
fn a_daily_value_past_the_scale_is_said_as_a_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = midnight(23) + Duration::hours(5);
    let mut spike = week_of_days();
    spike.hourly[3] = hour_of("daily", midnight(19), &[("tmax", 1000.0), ("rain", 0.0)]);
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        spike,
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains(
            "1 day lies far from all the others, which flattens the chart: up to 1,000 °C (2026-11-19)."
        ),
        "19 November's maximum, a day and not its 01:00 hour:\n{text}"
    );
    let mut codes = week_of_days();
    for (at, day) in [(3, 19), (4, 20)] {
        codes.hourly[at] = hour_of("daily", midnight(day), &[("tmax", 9999.0), ("rain", 0.0)]);
    }
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        codes,
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    let flat = common::flat(&text);
    assert!(
        flat.contains(
            "2 days reach past the chart's scale, drawn to its edge and marked: up to 9,999 °C (2026-11-19)."
        ),
        "{text}"
    );
    assert!(
        !flat.contains("01:00–02:00"),
        "no hour of daily values:\n{text}"
    );
}

#[test]
fn a_day_without_a_daily_value_names_the_field_not_a_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = week_of_days();
    data.hourly
        .retain(|h| store::chrono_date(h.hour) == midnight(18));
    // 18 November's maximum served as null.
    let tmax = &mut data.hourly[0].numeric[0];
    (
        tmax.count, tmax.nulls, tmax.min, tmax.max, tmax.mean, tmax.sum,
    ) = (0, 1, None, None, None, 0.0);
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        data,
        PeriodKind::Day,
        "2026-11-18",
        midnight(19) + Duration::hours(5),
    );
    let text = common::text(&pdf);
    let flat = common::flat(&text);
    assert!(
        flat.contains("tmax (°C) No numeric value of tmax in this period: 1 record without one"),
        "{text}"
    );
    assert!(
        !flat.contains("mean and min–max range"),
        "a day of daily values draws no chart to name:\n{text}"
    );
}

#[test]
fn a_day_without_daily_values_is_said_as_a_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 18 November's value not served yet: the period holds no record.
    let mut data = week_of_days();
    data.hourly.clear();
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        data,
        PeriodKind::Day,
        "2026-11-18",
        midnight(19) + Duration::hours(5),
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains(
            "No data for this source in this period: no record of it was summarised for this day."
        ),
        "{text}"
    );
}

#[test]
fn a_day_of_daily_values_says_its_categories_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "{DAILY}categories = [\"code\"]\nvalue_labels = {{ code = {{ \"3\" = \"overcast\" }} }}\n"
    );
    let mut data = week_of_days();
    data.hourly
        .retain(|h| store::chrono_date(h.hour) == midnight(18));
    data.hourly[0].categories = vec![store::CategoryCounts {
        field: "code".to_owned(),
        values: vec![store::ValueCount {
            value: "3".to_owned(),
            count: 1,
        }],
        other: 0,
        nulls: 0,
    }];
    let pdf = render(
        dir.path(),
        &config,
        "daily",
        data,
        PeriodKind::Day,
        "2026-11-18",
        midnight(19) + Duration::hours(5),
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains("code This day: overcast (3) in 1 record."),
        "{text}"
    );
    let pages = common::page_texts(&pdf).len();
    assert_eq!(
        common::images_per_page(&pdf, pages).iter().sum::<usize>(),
        0,
        "a day's one value is said, not a chart of one bar"
    );
}

#[test]
fn a_begun_day_holding_its_value_is_not_counted_without_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = week_of_days();
    data.hourly
        .retain(|h| store::chrono_date(h.hour) == midnight(18));
    // 00:30 in Paris on 18 November: the day has begun, its value (dated 01:00 in Paris) is
    // a forecast already stored.
    let generated = midnight(18) - Duration::minutes(30);
    let pdf = render(
        dir.path(),
        DAILY,
        "daily",
        data,
        PeriodKind::Day,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains("1 record for this day."),
        "{text}"
    );
    assert_eq!(
        without_data(&text, "daily"),
        "0 of 1 day",
        "the day shown with its value holds data:\n{text}"
    );
}

/// Daily values written at their local midnight in Asia/Kolkata (UTC+5:30), as a portal of the
/// zone writes a daily series: `2026-11-18T00:00:00+05:30` is 18:30 UTC on 17 November, in the
/// UTC hour from 23:30 to 00:30 local.
#[test]
fn a_day_written_at_its_local_midnight_counts_in_its_day_in_a_half_hour_zone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = DAILY.replace("Europe/Paris", "Asia/Kolkata");
    let local_midnight = |day: u32| midnight(day) - Duration::minutes(5 * 60 + 30);
    let hour_of_day = |day: u32| {
        let at = local_midnight(day);
        at - Duration::minutes(30)
    };
    let week = SourceData {
        hourly: (16..=22)
            .map(|day| {
                hour_of(
                    "daily",
                    hour_of_day(day),
                    &[("tmax", 10.0 + f64::from(day - 16)), ("rain", 1.0)],
                )
            })
            .collect(),
        last_success: Some(local_midnight(22)),
        ..Default::default()
    };
    let generated = midnight(23) + Duration::hours(5);
    let pdf = render(
        dir.path(),
        &config,
        "daily",
        week.clone(),
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains("7 records in 7 of 7 days."),
        "{text}"
    );
    assert_eq!(without_data(&text, "daily"), "0 of 7 days", "{text}");
    let charts = common::charts(&pdf, dir.path());
    assert_eq!(bars(&charts[0]), 7, "a bar of records per day");
    let mut lone = week;
    lone.hourly
        .retain(|h| store::chrono_date(h.hour) == hour_of_day(18));
    let pdf = render(
        dir.path(),
        &config,
        "daily",
        lone.clone(),
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text)
            .contains("tmax (°C) Values on one day only, 2026-11-18: 12 °C (1 value)"),
        "18 November's value, not 17 November's:\n{text}"
    );
    let pdf = render(
        dir.path(),
        &config,
        "daily",
        lone,
        PeriodKind::Day,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    let flat = common::flat(&text);
    assert!(
        flat.contains("1 record for this day.") && flat.contains("tmax (°C) This day: 12 °C"),
        "18 November's report holds its value:\n{text}"
    );
    assert_eq!(without_data(&text, "daily"), "0 of 1 day", "{text}");
}

/// Open-Meteo's daily values in America/New_York (UTC−5): a day alone, `2026-11-18`, is
/// 00:00 UTC, 19:00 on 17 November in New York, and counts in 18 November all the same.
#[test]
fn a_day_alone_counts_in_its_own_day_west_of_utc() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = DAILY.replace("Europe/Paris", "America/New_York");
    let generated = midnight(23) + Duration::hours(12);
    let pdf = render(
        dir.path(),
        &config,
        "daily",
        week_of_days(),
        PeriodKind::Week,
        "2026-11-18",
        generated,
    );
    let text = common::text(&pdf);
    assert!(
        common::flat(&text).contains("7 records in 7 of 7 days."),
        "16 to 22 November, each in its own day:\n{text}"
    );
    assert_eq!(without_data(&text, "daily"), "0 of 7 days", "{text}");
    let mut lone = week_of_days();
    lone.hourly
        .retain(|h| store::chrono_date(h.hour) == midnight(18));
    for (kind, wanted) in [
        (
            PeriodKind::Week,
            "tmax (°C) Values on one day only, 2026-11-18: 12 °C (1 value)",
        ),
        (PeriodKind::Day, "tmax (°C) This day: 12 °C (1 value)"),
    ] {
        let pdf = render(
            dir.path(),
            &config,
            "daily",
            lone.clone(),
            kind,
            "2026-11-18",
            generated,
        );
        let text = common::text(&pdf);
        assert!(
            common::flat(&text).contains(wanted),
            "{kind:?}: 18 November's value, not 17 November's:\n{text}"
        );
    }
}

/// Daily values disabled for a while: their API serves past days, which the next runs fetch,
/// so no "disabled" shading is said, on a day's page without charts or a week's with them.
#[test]
fn daily_values_disabled_for_a_while_say_no_shading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = week_of_days();
    data.disabled = vec![analyser::query::Disabled {
        from: midnight(18) + Duration::hours(3),
        until: midnight(18) + Duration::hours(15),
    }];
    for (kind, date) in [
        (PeriodKind::Day, "2026-11-18"),
        (PeriodKind::Week, "2026-11-18"),
    ] {
        let pdf = render(
            dir.path(),
            DAILY,
            "daily",
            data.clone(),
            kind,
            date,
            midnight(23) + Duration::hours(5),
        );
        let flat = common::flat(&common::text(&pdf));
        assert!(!flat.contains("Shaded \"disabled\""), "{kind:?}: {flat}");
    }
}

/// A forecast holding one hour, still to come when the report was generated: the chart's
/// caption says so, as the records sentence does.
#[test]
fn a_forecasts_lone_hour_to_come_says_so_under_its_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flat = common::flat(&common::text(&forecast_day(dir.path(), 20..21)));
    assert!(
        flat.contains(
            "Values in one hour only, 2026-11-21 20:00–21:00 UTC, still to come when the report was generated"
        ),
        "{flat}"
    );
    let flat = common::flat(&common::text(&forecast_day(dir.path(), 10..11)));
    assert!(
        flat.contains("Values in one hour only, 2026-11-21 10:00–11:00 UTC:"),
        "{flat}"
    );
}
