//! The cover's contents line of a report of many sources: the pages its parts start on.

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::SourceData;
use chrono::{TimeZone, Utc};
use releve::Config;

/// The page of the first word `text` written in letters taller than body text (a heading).
fn heading_page(words: &[common::PlacedWord], text: &str) -> usize {
    words
        .iter()
        .find(|word| word.text == text && word.bottom - word.top > 13.0)
        .unwrap_or_else(|| panic!("no heading {text}"))
        .page
}

/// A report of thirty sources runs over pages that its outline finds; its cover's contents
/// line named no page. It names the pages the catalogue and the completeness section start
/// on, and those the sources' sections run over, as their headings stand.
#[test]
fn the_contents_line_names_the_pages_of_a_report_of_many_sources() {
    let names: Vec<String> = (1..=30).map(|n| format!("station-{n:02}")).collect();
    let text: String = std::iter::once("[report]\ntimezone = \"UTC\"\n".to_owned())
        .chain(names.iter().map(|name| {
            format!(
                "\n[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/{name}\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"level\"]\ndescription = \"A water-level station of the river network, read every minute\"\n"
            )
        }))
        .collect();
    let config = Config::parse(&text, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data: BTreeMap<String, SourceData> = BTreeMap::new();
    let generated = Utc
        .with_ymd_and_hms(2026, 11, 21, 22, 0, 15)
        .single()
        .expect("time");
    let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("2026-11-21.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let words = common::placed_words(&path);
    let first = heading_page(&words, "station-01");
    let last = heading_page(&words, "station-30");
    let quality = heading_page(&words, "Completeness");
    assert!(first < last && last < quality, "{first} {last} {quality}");
    let flat = common::flat(&common::text(&path));
    let said = format!(
        "Contents: source catalogue, page {}; one section per source, pages {first} to {} \
         (records over time, numeric fields, categories, positions); completeness and quality, \
         page {quality}.",
        heading_page(&words, "Source"),
        quality - 1
    );
    assert!(flat.contains(&said), "{said} in: {flat}");
}
