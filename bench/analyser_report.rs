//! Benchmark of the month report: the repository's `sources.toml` (5 sources), 30 days of
//! hourly summaries per source and up to 20,000 positions per positioned source, rendered to
//! PDF in memory (MongoDB excluded). Run: `cargo bench -p analyser --bench analyser_report`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::{CollectionRun, Position, Positions, SourceData};
use chrono::{DateTime, Utc};
use releve::Config;
use releve::store::{
    BoundingBox, CategoryCounts, HourlySummary, NumericSummary, ValueCount, bson_date,
};

fn summary(source: &releve::Source, hour: DateTime<Utc>, i: usize) -> HourlySummary {
    let wave = (i as f64 / 24.0 * std::f64::consts::TAU).sin();
    let numeric = source
        .numeric
        .iter()
        .enumerate()
        .map(|(k, field)| {
            let mean = 100.0 * (k + 1) as f64 + 20.0 * wave;
            NumericSummary {
                field: field.to_string(),
                count: 40,
                nulls: 1,
                implausible: 0,
                min: Some(mean - 15.0),
                max: Some(mean + 12.0),
                mean: Some(mean),
                sum: mean * 40.0,
            }
        })
        .collect();
    let categories = source
        .categories
        .iter()
        .map(|field| CategoryCounts {
            field: field.to_string(),
            values: (0..20)
                .map(|v| ValueCount {
                    value: format!("value number {v} of {field}"),
                    count: 40 - v,
                })
                .collect(),
            other: 3,
            nulls: 1,
        })
        .collect();
    HourlySummary {
        source: source.name.clone(),
        hour: bson_date(hour),
        count: 40 + (i % 7) as i64,
        numeric,
        categories,
        bbox: source.position().map(|_| BoundingBox {
            min_lon: -5.0,
            min_lat: 42.0,
            max_lon: 8.0,
            max_lat: 51.0,
        }),
        updated_at: bson_date(hour),
    }
}

fn month_data(config: &Config, period: &ReportPeriod) -> BTreeMap<String, SourceData> {
    let hours = period.hours();
    config
        .sources
        .iter()
        .map(|source| {
            let hourly = hours
                .iter()
                .enumerate()
                .map(|(i, hour)| summary(source, *hour, i))
                .collect();
            let runs = hours
                .iter()
                .map(|hour| CollectionRun {
                    started: *hour,
                    file: None,
                    records: 40,
                    announced: Some(41),
                    retries: 1,
                    throttled: 0,
                    shortfall: 0,
                    key_clashes: 0,
                    clash_key: None,
                    error: None,
                    every_s: None,
                    disabled_from: None,
                    retry_from: None,
                    day: None,
                })
                .collect();
            let positions = source.position().map(|_| Positions {
                points: (0..20_000)
                    .map(|n| Position {
                        lon: -5.0 + (n % 130) as f64 / 10.0,
                        lat: 42.0 + (n % 90) as f64 / 10.0,
                        value: Some((n % 50) as f64 / 10.0),
                    })
                    .collect(),
                records: 40_000,
                unplaced: 0,
                sampled_every: 2,
                extremes_added: 0,
            });
            let data = SourceData {
                hourly,
                runs,
                last_success: hours.last().copied(),
                latest_run_failed: false,
                latest_run: None,
                rejected: 0,
                positions,
                highest: None,
                waiting: Default::default(),
                disabled: Vec::new(),
                run_before: None,
                runs_before: Vec::new(),
                records_before: 0,
                unmatched: None,
                fields_not_in_records: Default::default(),
            };
            (source.name.clone(), data)
        })
        .collect()
}

fn main() {
    // `ANALYSER_BENCH_CONFIG=path` renders another configuration's month (more sources).
    let path = std::env::var_os("ANALYSER_BENCH_CONFIG").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sources.toml"),
        std::path::PathBuf::from,
    );
    let config = Config::load(&path).expect("a sources.toml (the repository's by default)");
    let tz = config.report.timezone;
    let day = "2026-11-21".parse().expect("date");
    let period = ReportPeriod::containing(PeriodKind::Month, day, tz);
    let data = month_data(&config, &period);
    let generated = period.end();
    let mut times: Vec<Duration> = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
        times.push(started.elapsed());
        size = pdf.len();
        std::fs::write(std::env::temp_dir().join("analyser-bench-month.pdf"), &pdf)
            .expect("write the benchmark PDF");
    }
    times.sort();
    println!(
        "month report, {} sources x {} hours: min {:.2} s, median {:.2} s, max {:.2} s, {} KB",
        config.sources.len(),
        period.hours().len(),
        times[0].as_secs_f64(),
        times[times.len() / 2].as_secs_f64(),
        times[times.len() - 1].as_secs_f64(),
        size / 1024
    );
}
