//! What a journalist quoting a figure must credit, on the page the figure is on: the source's
//! licence, the address of the dataset it was published at, and when the report's figures of
//! it last changed (Etalab's Licence Ouverte asks for the source and the date of its last
//! update; ODbL and CC BY for an attribution).

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::SourceData;
use chrono::{DateTime, Duration, TimeZone, Utc};
use releve::Config;
use releve::store::{self, CategoryCounts, HourlySummary, NumericSummary, ValueCount};

/// `grid`: an Opendatasoft dataset whose six category charts run over several pages.
/// `weather`: an `http_json` API whose address holds a query, and no licence.
const CONFIG: &str = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "grid"
kind = "opendatasoft"
url = "https://odre.opendatasoft.com/"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation"]
categories = ["c1", "c2", "c3", "c4", "c5", "c6"]
units = { consommation = "MW" }
description = "French electricity consumption (RTE éCO2mix via ODRÉ)"
licence = "Licence Ouverte v2.0 (RTE, via ODRÉ)"

[[source]]
name = "weather"
kind = "http_json"
url = "https://api.open-meteo.com/v1/forecast?latitude=43.6"
every = "1h"
key = "time"
time = "time"
numeric = ["temperature_2m"]
units = { temperature_2m = "°C" }
"#;

const GRID_ADDRESS: &str = "https://odre.opendatasoft.com/explore/dataset/eco2mix-national-tr/";

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("instant")
}

fn summary(source: &str, hour: DateTime<Utc>, field: &str, value: f64) -> HourlySummary {
    HourlySummary {
        source: source.to_owned(),
        hour: store::bson_date(hour),
        count: 4,
        numeric: vec![NumericSummary {
            field: field.to_owned(),
            count: 4,
            nulls: 0,
            implausible: 0,
            min: Some(value - 1.0),
            max: Some(value + 1.0),
            mean: Some(value),
            sum: value * 4.0,
        }],
        categories: Vec::new(),
        bbox: None,
        // Summarised ten minutes after its hour ended.
        updated_at: store::bson_date(hour + Duration::minutes(70)),
    }
}

/// The Paris day of 21 November 2026: 20 November 23:00 UTC to 21 November 23:00 UTC.
fn paris_hours() -> impl Iterator<Item = DateTime<Utc>> {
    (0..24).map(|h| at(20, 23, 0) + Duration::hours(h))
}

fn grid() -> SourceData {
    let hourly = paris_hours()
        .map(|hour| {
            let mut summary = summary("grid", hour, "consommation", 52_000.0);
            summary.categories = (1..=6)
                .map(|n| CategoryCounts {
                    field: format!("c{n}"),
                    values: (0..10)
                        .map(|v| ValueCount {
                            value: format!("c{n}-value-{v}"),
                            count: 1 + v,
                        })
                        .collect(),
                    other: 0,
                    nulls: 0,
                })
                .collect();
            summary
        })
        .collect();
    SourceData {
        hourly,
        last_success: Some(at(22, 6, 52)),
        ..Default::default()
    }
}

fn weather() -> SourceData {
    SourceData {
        hourly: paris_hours()
            .map(|hour| summary("weather", hour, "temperature_2m", 9.5))
            .collect(),
        last_success: Some(at(22, 6, 52)),
        ..Default::default()
    }
}

/// The Paris day's report, generated the next morning, written into `dir`.
fn render(dir: &std::path::Path) -> std::path::PathBuf {
    let data = BTreeMap::from([
        ("grid".to_owned(), grid()),
        ("weather".to_owned(), weather()),
    ]);
    render_of(CONFIG, data, dir)
}

/// The Paris day's report of `config`'s sources holding `data`, written into `dir`.
fn render_of(
    config: &str,
    data: BTreeMap<String, SourceData>,
    dir: &std::path::Path,
) -> std::path::PathBuf {
    let config = Config::parse(config, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::Europe::Paris,
    );
    let pdf =
        analyser::render_report(&config, &period, &data, at(22, 7, 0)).expect("render the report");
    let path = dir.join("2026-11-21.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

/// The pages holding `source`'s section (its heading, then its name continued), as flat text.
fn pages_of(pages: &[String], source: &str) -> Vec<String> {
    let start = pages
        .iter()
        .position(|page| page.lines().any(|line| line.trim() == source))
        .unwrap_or_else(|| panic!("a page opens {source}'s section"));
    let continued = format!("{source} (continued)");
    std::iter::once(common::flat(&pages[start]))
        .chain(
            pages[start + 1..]
                .iter()
                .map(|page| common::flat(page))
                .take_while(|page| page.starts_with(&continued)),
        )
        .collect()
}

/// A reporter quoting the national consumption from any page of its section finds there whom
/// to credit, under which licence, and where the dataset is published, not only on the
/// catalogue's page (found by a data journalist).
#[test]
fn every_page_of_a_source_credits_its_licence_and_its_dataset_s_address() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = common::page_texts(&render(dir.path()));
    let grid = pages_of(&pages, "grid");
    assert!(
        grid.len() > 1,
        "the grid's six categories run onto a second page"
    );
    for (n, page) in grid.iter().enumerate() {
        assert!(
            page.contains(&format!(
                "Source: Licence Ouverte v2.0 (RTE, via ODRÉ), {GRID_ADDRESS}"
            )),
            "page {} of the grid's section credits it:\n{page}",
            n + 1
        );
    }
}

/// An API is credited by its address, without the query the collection asks it (the place
/// and fields collected, which `params` holds besides); a source without a `licence` says so
/// rather than crediting nothing (found by a data journalist).
#[test]
fn an_api_is_credited_by_its_address_without_its_query() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = common::page_texts(&render(dir.path()));
    let weather = pages_of(&pages, "weather").join(" ");
    assert!(
        weather.contains(
            "Source: https://api.open-meteo.com/v1/forecast (its licence is not stated: \
             `licence` in sources.toml)"
        ),
        "{weather}"
    );
}

/// A reporter can date the figures she quotes: when relevé's copy of them last changed, in
/// the report's time zone, named (found by a data journalist).
#[test]
fn a_source_s_credit_says_when_its_figures_were_last_updated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = common::page_texts(&render(dir.path()));
    let grid = pages_of(&pages, "grid");
    // The last hour, 22:00 UTC, summarised at 23:10 UTC: 00:10 in Paris, the next day.
    assert!(
        grid[0].contains("figures last updated 2026-11-22 00:10 CET."),
        "{}",
        grid[0]
    );
}

/// An API taking its key in its address's path (which `key_param` and `key_header` cannot
/// send): the key, a configured key's segment and the query never reach the PDF, which is
/// mailed to the city's users; the credit keeps the address up to them (found by an open-data
/// officer).
#[test]
fn a_key_written_into_an_address_is_never_printed() {
    let config = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "hashed"
kind = "http_json"
url = "https://api.example.org/v1/3f9a2c7b1e8d4f6a9b0c5d2e7f1a8b3c/observations?station=7"
every = "1h"
key = "time"
time = "time"
numeric = ["temperature_2m"]
licence = "ODbL"

[[source]]
name = "named"
kind = "http_json"
url = "https://api.example.net/data/apikey/Zq8sLmTxw/readings"
every = "1h"
key = "time"
time = "time"
numeric = ["temperature_2m"]
licence = "ODbL"
"#;
    let data = BTreeMap::from([
        ("hashed".to_owned(), weather()),
        ("named".to_owned(), weather()),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_of(config, data, dir.path());
    let text = common::flat(&common::text(&pdf));
    for secret in ["3f9a2c7b1e8d4f6a9b0c5d2e7f1a8b3c", "Zq8sLmTxw", "station=7"] {
        assert!(!text.contains(secret), "the PDF prints {secret}:\n{text}");
    }
    assert!(
        text.contains("Source: ODbL, https://api.example.org/v1/;"),
        "{text}"
    );
    assert!(
        text.contains("Source: ODbL, https://api.example.net/data/;"),
        "{text}"
    );
}

/// A publisher's own wording of the credit it asks for (Open-Meteo's "Weather data by
/// Open-Meteo.com"; an Opendatasoft dataset's `attributions`) is printed as written on every
/// page of its section, beside the licence (found by an open-data officer).
#[test]
fn a_publisher_s_attribution_is_credited_word_for_word() {
    let config = CONFIG.replace(
        "licence = \"Licence Ouverte v2.0 (RTE, via ODRÉ)\"",
        "licence = \"Licence Ouverte v2.0\"\nattribution = \"Données éCO2mix : RTE, via ODRÉ\"",
    );
    let data = BTreeMap::from([
        ("grid".to_owned(), grid()),
        ("weather".to_owned(), weather()),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = common::page_texts(&render_of(&config, data, dir.path()));
    let grid = pages_of(&pages, "grid");
    assert!(grid.len() > 1, "the grid's section runs onto a second page");
    for (n, page) in grid.iter().enumerate() {
        assert!(
            page.contains(&format!(
                "Source: Données éCO2mix : RTE, via ODRÉ, Licence Ouverte v2.0, {GRID_ADDRESS}"
            )),
            "page {} of the grid's section credits its publisher's wording:\n{page}",
            n + 1
        );
    }
}

/// A credit too long for a continued page's two lines is shortened in its wording, never in
/// its address: a reader can still type the dataset's address from any page (found by an
/// open-data officer).
#[test]
fn a_long_credit_keeps_its_address_whole_on_continued_pages() {
    let wording = "Métropole de Toulouse, Direction du Numérique, service de la donnée \
                   ouverte, d'après les relevés des stations de comptage des vélos de la \
                   voirie métropolitaine, mis à jour chaque nuit";
    let config = CONFIG.replace(
        "licence = \"Licence Ouverte v2.0 (RTE, via ODRÉ)\"",
        &format!("licence = \"ODbL\"\nattribution = \"{wording}\""),
    );
    let data = BTreeMap::from([
        ("grid".to_owned(), grid()),
        ("weather".to_owned(), weather()),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = common::page_texts(&render_of(&config, data, dir.path()));
    let grid = pages_of(&pages, "grid");
    assert!(grid.len() > 1, "the grid's section runs onto a second page");
    assert!(
        grid[0].contains(&format!("Source: {wording}, ODbL, {GRID_ADDRESS};")),
        "the section's first page gives the credit whole:\n{}",
        grid[0]
    );
    for (n, page) in grid.iter().enumerate().skip(1) {
        assert!(
            page.contains("Source: Métropole de Toulouse")
                && page.contains(&format!(
                    "ODbL, {GRID_ADDRESS}; figures last updated 2026-11-22 00:10 CET."
                )),
            "continued page {} keeps the address whole:\n{page}",
            n + 1
        );
    }
}
