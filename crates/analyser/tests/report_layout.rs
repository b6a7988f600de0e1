//! What a reader sees on the pages of a report rendered from data built in memory (no
//! MongoDB): counts in grammatical agreement, every chart caption on its chart's page, the
//! creation date, collections expected only from a source's first run, and positions outside
//! a configured map frame counted in the map's caption.

mod common;

use std::collections::BTreeMap;

use analyser::period::{PeriodKind, ReportPeriod};
use analyser::query::{CollectionRun, Position, Positions, SourceData};
use chrono::{DateTime, Duration, TimeZone, Utc};
use releve::Config;
use releve::store::{self, CategoryCounts, HourlySummary, NumericSummary, ValueCount};

/// `single`: one record, one value, one position, collected every minute from 13:00 on.
/// `busy`: six category fields whose charts, laid out one after the other, leave the fifth
/// chart's caption no room under it on its page; healthy now but without a run in the period.
const CONFIG: &str = r#"
[report]
timezone = "UTC"

[[source]]
name = "single"
kind = "http_json"
url = "http://127.0.0.1:9/single"
every = "1m"
key = "id"
time = "t"
numeric = ["level"]
categories = ["kind"]
lon = "lon"
lat = "lat"
units = { level = "m" }

[[source]]
name = "busy"
kind = "http_json"
url = "http://127.0.0.1:9/busy"
every = "15m"
key = "id"
time = "t"
numeric = ["load"]
categories = ["c1", "c2", "c3", "c4", "c5", "c6"]
"#;

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("instant")
}

fn generated() -> DateTime<Utc> {
    at(22, 0, 15)
}

fn hour_summary(source: &str, hour: DateTime<Utc>, count: i64) -> HourlySummary {
    HourlySummary {
        source: source.to_owned(),
        hour: store::bson_date(hour),
        count,
        numeric: Vec::new(),
        categories: Vec::new(),
        bbox: None,
        updated_at: store::bson_date(hour + Duration::hours(1)),
    }
}

fn numeric(field: &str, count: i64, value: f64) -> NumericSummary {
    NumericSummary {
        field: field.to_owned(),
        count,
        nulls: 0,
        implausible: 0,
        min: Some(value),
        max: Some(value),
        mean: Some(value),
        sum: value * count as f64,
    }
}

fn categories(field: &str, values: usize) -> CategoryCounts {
    CategoryCounts {
        field: field.to_owned(),
        values: (0..values)
            .map(|n| ValueCount {
                value: format!("{field}-value-{n}"),
                count: 1 + n as i64,
            })
            .collect(),
        other: 0,
        nulls: 0,
    }
}

fn single() -> SourceData {
    let hour = at(21, 13, 0);
    let mut summary = hour_summary("single", hour, 1);
    summary.numeric = vec![numeric("level", 1, 2.5)];
    summary.categories = vec![categories("kind", 1)];
    SourceData {
        hourly: vec![summary],
        runs: (0..60 * 11)
            .map(|m| CollectionRun {
                started: hour + Duration::minutes(m),
                file: None,
                records: u64::from(m == 0),
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
            })
            .collect(),
        last_success: Some(generated() - Duration::minutes(1)),
        latest_run_failed: false,
        latest_run: None,
        rejected: 0,
        waiting: Default::default(),
        disabled: Vec::new(),
        run_before: None,
        runs_before: Vec::new(),
        records_before: 0,
        unmatched: None,
        fields_not_in_records: Default::default(),
        highest: None,
        positions: Some(Positions {
            points: vec![Position {
                lon: 1.44,
                lat: 43.6,
                value: Some(2.5),
            }],
            records: 1,
            unplaced: 0,
            sampled_every: 1,
            extremes_added: 0,
        }),
    }
}

fn busy() -> SourceData {
    let fields = [
        ("c1", 10),
        ("c2", 3),
        ("c3", 7),
        ("c4", 9),
        ("c5", 5),
        ("c6", 6),
    ];
    let hourly = (0..24)
        .map(|h| {
            let mut summary = hour_summary("busy", at(21, h, 0), 60);
            summary.numeric = vec![numeric("load", 60, f64::from(h))];
            summary.categories = fields.iter().map(|(f, n)| categories(f, *n)).collect();
            // Values beyond the hour's top 20.
            summary.categories[1].other = 4;
            summary
        })
        .collect();
    SourceData {
        hourly,
        runs: Vec::new(),
        last_success: Some(generated() - Duration::minutes(5)),
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

/// Renders the day 2026-11-21 (UTC) and writes it into `dir`.
fn render(dir: &std::path::Path) -> std::path::PathBuf {
    render_with(dir, single())
}

/// Renders the day with `single` as the first source's data.
fn render_with(dir: &std::path::Path, single: SourceData) -> std::path::PathBuf {
    render_config(dir, CONFIG, single)
}

/// Renders the day from the configuration `text`, with `single` as the first source's data.
fn render_config(dir: &std::path::Path, text: &str, single: SourceData) -> std::path::PathBuf {
    render_sources(dir, text, single, busy())
}

/// Renders the day from the configuration `text`, with both sources' data.
fn render_sources(
    dir: &std::path::Path,
    text: &str,
    single: SourceData,
    busy: SourceData,
) -> std::path::PathBuf {
    render_all(dir, text, single, busy, generated())
}

/// Renders the day from the configuration `text`, with both sources' data, as generated at
/// `generated`.
fn render_all(
    dir: &std::path::Path,
    text: &str,
    single: SourceData,
    busy: SourceData,
    generated: DateTime<Utc>,
) -> std::path::PathBuf {
    let config = Config::parse(text, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = BTreeMap::from([("single".to_owned(), single), ("busy".to_owned(), busy)]);
    let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
    let path = dir.join("2026-11-21.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render(dir.path()));
    let flat = common::flat(&text);
    for wanted in [
        "1 record in 1 of 24 hours.",
        "2.5 m (1 value); 0 records without a value.",
        "1,441 records from 2 of 2 sources in the period.",
        "The point holds level = 2.5 m. The one position drawn is at longitude 1.4400°, latitude 43.6000°.",
    ] {
        assert!(flat.contains(wanted), "{wanted:?} in\n{text}");
    }
    assert!(
        !flat.contains("Other values: 0 records") && !flat.contains("without a value: 0 records"),
        "a category chart showing every value, none missing, has no caption of zeros: {flat}"
    );
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        assert!(
            !(pair[0] == "1"
                && ["records", "values", "hours", "sources"]
                    .iter()
                    .any(|plural| pair[1].starts_with(plural))),
            "{} {} in\n{text}",
            pair[0],
            pair[1]
        );
    }
}

/// A list of 171 stations cut at 100 a page, fetched each minute: each run announces 171 and
/// lands 100. The line of announced records past the page says its sum is over the runs, and
/// how many one run left, not that 46,860 records were lost; the same 100 landed at each run
/// (keyed by station: 100 records), or new ones each time (keyed by station and stamp: 6,000
/// an hour), it stays red and says how to get them all. A list of the newest first whose runs
/// landed records again and whose period holds as many as a run was told of: grey.
#[test]
fn a_list_cut_at_each_run_says_its_shortfall_is_summed_over_the_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cut = single();
    for run in &mut cut.runs {
        run.records = 100;
        run.announced = Some(171);
        run.shortfall = 71;
    }
    let lost = "single: 46,860 announced records past the page each run landed over 660 runs, at most 71 in a run (one request a run), which later runs did not land again: ask for them all in one answer";
    cut.hourly[0].count = 100;
    let flat = common::flat(&common::text(&render_with(dir.path(), cut.clone())));
    assert!(flat.contains(lost), "{flat}");
    let mut stamped = cut.clone();
    stamped.hourly = (13..24)
        .map(|h| hour_summary("single", at(21, h, 0), 6_000))
        .collect();
    let flat = common::flat(&common::text(&render_with(dir.path(), stamped)));
    assert!(flat.contains(lost), "{flat}");
    cut.hourly[0].count = 432;
    let flat = common::flat(&common::text(&render_with(dir.path(), cut)));
    assert!(
        flat.contains(
            "(one request a run); its runs landed records again, and the period holds 432 records, at least as many as a run was told of: later runs most likely landed them"
        ),
        "{flat}"
    );
}

/// A numeric field with values in one hour gets a line, not a chart of one point on an axis
/// made up around it.
#[test]
fn a_numeric_field_with_values_in_one_hour_is_a_line_not_a_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render(dir.path()));
    let flat = common::flat(&text);
    assert!(
        flat.contains("level (m) Values in one hour only, 2026-11-21 13:00–14:00 UTC: 2.5 m (1 value); 0 records without a value."),
        "{flat}"
    );
    // Chart titles are drawn, not written: the pages' text holds captions only.
    let pdf = dir.path().join("2026-11-21.pdf");
    let pages = common::page_texts(&pdf);
    let images = common::images_per_page(&pdf, pages.len());
    assert_eq!(
        images.iter().sum::<usize>(),
        3 + 8,
        "single's record counts, kind's values and map, no chart for level; busy's record counts, load and 6 category fields"
    );
    // single alone: its three charts, none for level.
    let alone = CONFIG
        .split("[[source]]")
        .filter(|table| !table.contains("name = \"busy\""))
        .collect::<Vec<_>>()
        .join("[[source]]");
    let pdf = render_config(dir.path(), &alone, single());
    let pages = common::page_texts(&pdf).len();
    assert_eq!(
        common::images_per_page(&pdf, pages).iter().sum::<usize>(),
        3
    );
    assert!(
        flat.contains("Period: min 0 (2026-11-21 00:00–01:00 UTC), mean 11.5, max 23 (2026-11-21 23:00–00:00 UTC) over 1,440 values;"),
        "a field with values in many hours keeps its chart and caption: {flat}"
    );
}

/// A sensor's absurd reading does not flatten every other hour of its chart: the chart's scale
/// leaves it out, and the caption says how far and when it went, and how to leave such
/// readings out when the field has no `plausible` range.
#[test]
fn a_reading_far_beyond_the_others_is_said_under_its_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut faulty = busy();
    if let Some(load) = faulty.hourly[14].numeric.first_mut() {
        load.max = Some(9_999.0);
    }
    let said = "1 hour reaches past the chart's scale, drawn to its edge and marked: up to 9,999 (2026-11-21 14:00–15:00 UTC).";
    let advice = "Sensors send such codes for a reading they lack: a `plausible` range for `load` in sources.toml leaves them out of the summaries; `summariser --resummarise busy` summarises the stored hours again.";
    let pdf = render_sources(dir.path(), CONFIG, single(), faulty.clone());
    let flat = common::flat(&common::text(&pdf));
    assert!(flat.contains(&format!("{said} {advice}")), "{flat}");
    assert!(
        flat.contains("Period: min 0 (2026-11-21 00:00–01:00 UTC), mean 11.5, max 9,999 (2026-11-21 14:00–15:00 UTC) over 1,440 values;"),
        "the period's figures keep the reading: {flat}"
    );

    // Within a configured range the reading is a real one: no advice.
    let config = CONFIG.replace(
        "numeric = [\"load\"]",
        "numeric = [\"load\"]\nplausible = { load = [0, 10000] }",
    );
    let pdf = render_sources(dir.path(), &config, single(), faulty.clone());
    let flat = common::flat(&common::text(&pdf));
    assert!(flat.contains(said), "{flat}");
    assert!(!flat.contains("If such readings are faults"), "{flat}");
    assert!(!flat.contains("outside the `plausible` range"), "{flat}");

    // Outside a range set since, its hours were summarised before it: summarise them again.
    let config = CONFIG.replace(
        "numeric = [\"load\"]",
        "numeric = [\"load\"]\nplausible = { load = [0, 100] }",
    );
    let pdf = render_sources(dir.path(), &config, single(), faulty.clone());
    let flat = common::flat(&common::text(&pdf));
    let wanted = format!(
        "{said} Such readings lie outside the `plausible` range of `load`: their hours were summarised before it was set; `summariser --resummarise busy` summarises the stored hours again."
    );
    assert!(flat.contains(&wanted), "{wanted:?} in {flat}");

    // A brief spike that is no code: perhaps a fault, perhaps an event; drawn, and said.
    let mut spike = busy();
    if let Some(load) = spike.hourly[9].numeric.first_mut() {
        load.max = Some(5_000.0);
    }
    let pdf = render_sources(dir.path(), CONFIG, single(), spike);
    let flat = common::flat(&common::text(&pdf));
    let wanted = "1 hour lies far from all the others, which flattens the chart: up to 5,000 (2026-11-21 09:00–10:00 UTC). If such readings are faults, a `plausible` range for `load`";
    assert!(flat.contains(wanted), "{wanted:?} in {flat}");

    // Codes beside a spike: the codes are left out all the same, the spike drawn; each said.
    let mut both = busy();
    for (hour, min, max) in [(3, -9_999.0, 3.0), (9, 9.0, 5_000.0), (14, 14.0, 9_999.0)] {
        if let Some(load) = both.hourly[hour].numeric.first_mut() {
            (load.min, load.max) = (Some(min), Some(max));
        }
    }
    let pdf = render_sources(dir.path(), CONFIG, single(), both.clone());
    let flat = common::flat(&common::text(&pdf));
    for wanted in [
        "2 hours reach past the chart's scale, drawn to its edge and marked: up to 9,999 (2026-11-21 14:00–15:00 UTC) and down to -9,999 (2026-11-21 03:00–04:00 UTC). Sensors send such codes",
        "1 hour lies far from all the others, which flattens the chart: up to 5,000 (2026-11-21 09:00–10:00 UTC). If such readings are faults",
    ] {
        assert!(flat.contains(wanted), "{wanted:?} in {flat}");
    }
    // A range set since, outside which some of the spikes lie.
    if let Some(load) = both.hourly[17].numeric.first_mut() {
        load.max = Some(7_000.0);
    }
    let config = CONFIG.replace(
        "numeric = [\"load\"]",
        "numeric = [\"load\"]\nplausible = { load = [0, 6000] }",
    );
    let pdf = render_sources(dir.path(), &config, single(), both);
    let flat = common::flat(&common::text(&pdf));
    let wanted = "2 hours lie far from all the others, which flattens the chart: up to 7,000 (2026-11-21 17:00–18:00 UTC). Some of these readings lie outside the `plausible` range of `load`";
    assert!(flat.contains(wanted), "{wanted:?} in {flat}");

    // A totals chart too: one hour's total holds a code, which the sum hides.
    let config = CONFIG.replace(
        "numeric = [\"load\"]",
        "numeric = [\"load\"]\ntotals = [\"load\"]",
    );
    let mut faulty_total = busy();
    if let Some(load) = faulty_total.hourly[14].numeric.first_mut() {
        // One of its 60 readings of 14 is 9,999.
        load.max = Some(9_999.0);
        load.sum = 60.0 * 14.0 - 14.0 + 9_999.0;
    }
    let pdf = render_sources(dir.path(), &config, single(), faulty_total);
    let flat = common::flat(&common::text(&pdf));
    let wanted = format!(
        "1 hour's total, holding a code of a missing reading, reaches past the chart's scale, drawn to its edge and marked: up to 10,825 (2026-11-21 14:00–15:00 UTC). {advice}"
    );
    assert!(flat.contains(&wanted), "{wanted:?} in {flat}");

    // Hours like the others are all drawn, and nothing is said.
    let flat = common::flat(&common::text(&render(dir.path())));
    assert!(!flat.contains("past the chart's scale"), "{flat}");
}

/// On the map too, a faulty reading takes the colour scale's end rather than leaving every
/// other point one colour, and the caption says how far the values really run.
#[test]
fn a_position_far_beyond_the_others_takes_the_colour_scales_end() {
    let mut data = single();
    let positions = data.positions.as_mut().expect("positions");
    positions.points = (0..40)
        .map(|i| Position {
            lon: 1.3 + f64::from(i) * 0.01,
            lat: 43.6,
            value: Some(if i == 7 {
                9_999.0
            } else {
                4.0 + f64::from(i % 18)
            }),
        })
        .collect();
    positions.records = 40;
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::flat(&common::text(&render_with(dir.path(), data)));
    let wanted = "sized by level: 4 m to 21 m among the drawn points, the highest on top where they overlap; 1 point holding a code of a missing reading (the values run from 4 m to 9,999 m) is drawn in the colour and size of the scale's nearer end.";
    assert!(text.contains(wanted), "{wanted:?} in\n{text}");

    // Every other point one value.
    let mut data = single();
    let positions = data.positions.as_mut().expect("positions");
    positions.points = (0..10)
        .map(|i| Position {
            lon: 1.3 + f64::from(i) * 0.01,
            lat: 43.6,
            value: Some(if i == 7 { 9_999.0 } else { 5.0 }),
        })
        .collect();
    positions.records = 10;
    let text = common::flat(&common::text(&render_with(dir.path(), data)));
    let wanted = "Every other point holds level = 5 m; 1 point holding a code of a missing reading (the values run from 5 m to 9,999 m) is drawn alike.";
    assert!(text.contains(wanted), "{wanted:?} in\n{text}");
}

/// Labels name fields in the report's words; the catalogue says which path each stands for,
/// as users query them in MongoDB.
#[test]
fn labels_name_the_fields_and_the_catalogue_says_their_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let labelled = CONFIG.replace(
        "units = { level = \"m\" }",
        "units = { level = \"m\" }\nlabels = { level = \"water level\", kind = \"gauge kind\" }",
    );
    let text = common::text(&render_config(dir.path(), &labelled, single()));
    let flat = common::flat(&text);
    for wanted in [
        // The catalogue's cells wrap beside the others; a field a line.
        "• water level (m) = level",
        "• gauge kind = kind",
        "water level (m) Values in one hour only, 2026-11-21 13:00–14:00 UTC:",
        "The point holds water level = 2.5 m.",
    ] {
        assert!(flat.contains(wanted), "{wanted:?} in\n{text}");
    }
}

/// A field that adds up (rain, positions) is charted as its totals, captioned with the
/// period's total and the hour of the largest (which a screen reader cannot see), not as means
/// within a range.
#[test]
fn a_field_listed_in_totals_is_charted_as_totals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = CONFIG.replace(
        "numeric = [\"load\"]",
        "numeric = [\"load\"]\ntotals = [\"load\"]",
    );
    let pdf = render_config(dir.path(), &config, single());
    let flat = common::flat(&common::text(&pdf));
    // busy's load is the hour's number in each of its 60 records: 60 × (0 + 1 + … + 23).
    assert!(
        flat.contains(
            "Period total: 16,560 over 1,440 values; most in an hour: 1,380 (2026-11-21 \
             23:00–00:00 UTC); 0 records without a value."
        ),
        "{flat}"
    );
    assert!(!flat.contains("Period: min 0, mean 11.5"), "{flat}");
}

/// Fields added to the configuration after the period's hours were summarised are in no
/// summary: the report says why, rather than that they had no value.
#[test]
fn a_field_added_after_its_hours_were_summarised_is_said_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = CONFIG.replace(
        "numeric = [\"load\"]\ncategories = [\"c1\"",
        "numeric = [\"load\", \"late\"]\ncategories = [\"late_kind\", \"c1\"",
    );
    assert_ne!(config, CONFIG);
    let pdf = render_config(dir.path(), &config, single());
    let flat = common::flat(&common::text(&pdf));
    for (field, key) in [("late", "numeric"), ("late_kind", "categories")] {
        let said = format!(
            "No summary of this period holds {field}: its hours were summarised before `{field}` was added to `{key}` in sources.toml. Its values are kept in `records`: `summariser --resummarise busy` summarises the stored hours again with it, but for an hour whose records are no longer all there."
        );
        assert!(flat.contains(&said), "{said}\n{flat}");
    }
    assert!(!flat.contains("No value of late_kind"), "{flat}");
    assert!(!flat.contains("No numeric value of late"), "{flat}");
}

/// Fields added to the configuration during the period are in the summaries of its later
/// hours only: the captions say the figures leave the earlier hours out.
#[test]
fn a_field_added_during_the_period_is_said_to_leave_hours_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = CONFIG.replace(
        "numeric = [\"load\"]\ncategories = [\"c1\"",
        "numeric = [\"load\", \"late\"]\ncategories = [\"late_kind\", \"c1\"",
    );
    assert_ne!(config, CONFIG);
    let mut data = busy();
    for summary in data.hourly.iter_mut().skip(14) {
        summary.numeric.push(numeric("late", 60, 3.0));
        summary.categories.push(categories("late_kind", 2));
    }
    let pdf = render_sources(dir.path(), &config, single(), data);
    let flat = common::flat(&common::text(&pdf));
    for (field, key) in [("late", "numeric"), ("late_kind", "categories")] {
        let said = format!(
            "14 of the period's 24 summarised hours were summarised before `{field}` was added to `{key}` and hold no {field}: these figures leave them out; `summariser --resummarise busy` summarises them again with it, but for an hour whose records are no longer all in `records`."
        );
        assert!(flat.contains(&said), "{said}\n{flat}");
    }
    assert!(flat.contains("Period: 3 in each of 600 values"), "{flat}");
    // `load`, in every hour, leaves none out.
    assert_eq!(
        flat.matches("summarised hours were summarised before")
            .count(),
        2
    );
}

/// A cover too long for its contents line (many sources, several of them late) leaves the line
/// out rather than carrying it alone onto a page of its own.
#[test]
fn a_long_cover_never_spills_onto_a_page_of_its_own() {
    for sources in 5..9 {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = CONFIG.to_owned();
        for n in 0..sources {
            config.push_str(&format!(
                "\n[[source]]\nname = \"a-station-with-a-rather-long-name-{n:02}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/s{n}\"\nevery = \"15m\"\nkey = \"id\"\ntime = \"t\"\n"
            ));
        }
        let pdf = render_config(dir.path(), &config, single());
        let pages = common::page_texts(&pdf);
        // Page 2 is the catalogue, or the health table going on (its header repeated).
        assert!(
            pages[1].contains("Source catalogue") || pages[1].contains("Health now"),
            "{sources} sources: page 2 is\n{}",
            pages[1]
        );
    }
}

/// The quality table's columns are explained under it, one line each, after its rows.
#[test]
fn the_quality_columns_are_explained_under_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flat = common::flat(&common::text(&render(dir.path())));
    let quality = flat
        .split("Completeness and quality")
        .last()
        .expect("the quality page");
    let table_row = quality.find("busy").expect("busy's row");
    for column in [
        "Health: the source's health when the report was generated",
        "Expected: collections the source's interval calls for",
        "Landed, Failed, Retries, 429s: the collector's runs in the period",
        "Hours without data, Records: from the hourly summaries",
        "Coverage: the records the period's runs landed",
    ] {
        let at = quality
            .find(column)
            .unwrap_or_else(|| panic!("{column:?} in {quality}"));
        assert!(
            at > table_row,
            "{column:?} comes under the table: {quality}"
        );
    }
    // Without the raw folder, no column of quarantined files, but a line saying why.
    assert!(
        !quality.contains("Quarantined:")
            && quality
                .contains("Quarantined files: n/a, the raw folder was not given (--raw-dir)."),
        "{quality}"
    );
}

#[test]
fn a_ranking_of_values_says_when_it_comes_from_hourly_top_lists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::flat(&common::text(&render(dir.path())));
    let said = "Each hour's summary keeps its 20 most frequent values and counts the others as other values (96 records in this period): the ranking is of the values kept.";
    assert_eq!(
        text.matches(said).count(),
        1,
        "said under c2's chart only, the one field with other values:\n{text}"
    );
    assert!(text.contains("Other values: 96 records."), "{text}");
}

#[test]
fn every_chart_caption_stays_under_its_chart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render(dir.path());
    let pages = common::page_texts(&pdf);
    assert!(pages.len() > 4, "the busy source spans pages");
    let images = common::images_per_page(&pdf, pages.len());
    let words = common::placed_words(&pdf);
    // The top margin is 18 mm (51 pt) and the smallest chart is over 25 mm (71 pt) tall: a
    // caption higher than that opens its page, away from its chart on the page before.
    let under_a_chart = 51.0 + 71.0;
    let mut captions = 0;
    for pair in words.windows(2) {
        let opening = (pair[0].text.as_str(), pair[1].text.as_str());
        if matches!(
            opening,
            ("Other", "values:") | ("Period:", "min") | ("Every" | "The", "point")
        ) {
            captions += 1;
            let page = pair[0].page;
            assert!(
                pair[0].top > under_a_chart,
                "page {page}: a caption ({} {}) at the top of the page, {:.0} pt",
                opening.0,
                opening.1,
                pair[0].top
            );
            assert!(images[page - 1] > 0, "page {page}: a caption and no chart");
        }
    }
    // single: its map (its numeric field has values in one hour: a line, no chart; its
    // category shows its one value, none missing: no caption); busy: its numeric field and
    // the one of its six categories with values past the top ones shown.
    assert_eq!(captions, 1 + 1 + 1, "every caption was checked");
}

#[test]
fn the_creation_date_is_when_the_report_was_generated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let info = common::info(&render(dir.path()));
    let created = info
        .lines()
        .find(|l| l.starts_with("CreationDate:"))
        .unwrap_or_default();
    assert!(created.contains("2026-11-22T00:15:00"), "{info}");
}

#[test]
fn collections_are_expected_from_the_first_run_and_none_landed_is_not_ok() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render(dir.path()));
    let single = common::row(&text, "Completeness and quality", &["single"]);
    assert_eq!(
        single[1..4],
        ["OK", "660", "660"],
        "every minute from 13:00 to midnight: {single:?}"
    );
    assert!(
        text.contains("single: expected collections counted from its first known collection, 2026-11-21 13:00."),
        "{text}"
    );
    let busy = common::row(&text, "Completeness and quality", &["busy"]);
    assert_eq!(
        busy[1..4],
        ["none", "96", "0"],
        "healthy now, but nothing landed in the day: {busy:?}"
    );
    let cover = &common::page_texts(&dir.path().join("2026-11-21.pdf"))[0];
    assert!(
        common::flat(cover).contains("In this period, 1 source missed a tenth or more of the collections expected: busy (0 landed of 96 expected); see the completeness table at the end."),
        "the cover says it, whatever the health now: {cover}"
    );
    let below = text[text.find("Completeness and quality").unwrap_or(0)..]
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("busy"))
        .nth(1)
        .unwrap_or_default();
    assert_eq!(below.trim(), "landed", "the cell reads \"none landed\"");
    let flat = common::flat(&text);
    assert!(
        flat.contains("busy: no collection in this period, of 96 expected (no run in it).")
            && !flat.contains("No failed collection in this period."),
        "a source that landed nothing is named below the table: {flat}"
    );
    // Where its last run before the period is known, that says when it stopped.
    let single_data = self::single();
    let mut stopped = self::busy();
    stopped.run_before = Some(CollectionRun {
        started: at(20, 23, 45),
        ..single_data.runs[0].clone()
    });
    let path = render_sources(dir.path(), CONFIG, single_data, stopped);
    let flat = common::flat(&common::text(&path));
    assert!(
        flat.contains("busy: no collection in this period, of 96 expected (no run in it; its last run before the period was at 2026-11-20 23:45)."),
        "{flat}"
    );
}

/// The single source's day without its runs from 15:00 to 20:00, the run started at `failed`
/// (if any) failed, put off until `retry_from`; rendered into `dir`.
fn without_runs_from_15_to_20(
    dir: &std::path::Path,
    failed: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> std::path::PathBuf {
    let mut data = single();
    data.runs
        .retain(|run| run.started < at(21, 15, 0) || run.started >= at(21, 20, 0));
    if let Some((started, retry_from)) = failed
        && let Some(run) = data.runs.iter_mut().find(|run| run.started == started)
    {
        run.error = Some("HTTP 503".to_owned());
        run.retry_from = Some(retry_from);
    }
    render_with(dir, data)
}

#[test]
fn collections_that_did_not_run_are_said_below_the_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The collector stopped from 15:00 to 20:00: 300 of the 660 minutes without a run, while
    // no source ran (the line above asks whether the collector or its machine was stopped).
    let stopped = without_runs_from_15_to_20(dir.path(), None);
    let flat = common::flat(&common::text(&stopped));
    assert!(
        flat.contains(
            "single: 300 collections of 660 expected did not run (all while no source ran, as said above)."
        ) && !flat.contains("No failed collection in this period."),
        "{flat}"
    );
    // Its section says it too, where its charts shade the stretch.
    assert!(
        flat.contains(
            "Shaded \"no run\" on its charts: the stretch in which no collection of this source started, from 2026-11-21 14:59 to 2026-11-21 20:00 (about 5 hours): its records of that time are those a later run could still fetch. Where no failed run put it off, the collector did not start it: was the collector stopped, its cron line removed, or its table refused by the configuration (logs/collector.log says which)?"
        ),
        "{flat}"
    );
    // A failed run before the stretch, which put the source off until its end: no stopped
    // collector is suggested (its next run at 20:00, the cron minute after its retry).
    let paused_dir = tempfile::tempdir().expect("temp dir");
    let paused = without_runs_from_15_to_20(
        paused_dir.path(),
        Some((at(21, 14, 59), at(21, 19, 59) + Duration::seconds(30))),
    );
    let flat = common::flat(&common::text(&paused));
    let said = "from 2026-11-21 14:59 to 2026-11-21 20:00 (about 5 hours), after a failed run put it off until 2026-11-21 20:00: its records of that time are those a later run could still fetch.";
    let after = flat.find(said).map(|at| &flat[at + said.len()..]);
    assert!(
        after.is_some_and(|after| !after.starts_with(" Where no failed run put it off"))
            && !flat.contains("single: no run from"),
        "{flat}"
    );
    // A failure earlier in the day, its retry kept: the completeness section, whose line of
    // collections that did not run is for sources without failures, says the stretch no
    // failure accounts for, once: no source ran in it (`busy` none all day), so the line of
    // the stretch no source ran in says it, not the source's own again.
    let failing_dir = tempfile::tempdir().expect("temp dir");
    let failing =
        without_runs_from_15_to_20(failing_dir.path(), Some((at(21, 13, 30), at(21, 13, 31))));
    let flat = common::flat(&common::text(&failing));
    assert!(
        flat.contains("single: 1 collection of 360 failed; latest failure: HTTP 503")
            && flat.contains("No collection of any source started from 2026-11-21 14:59 to 2026-11-21 20:00 (about 5 hours without a run): was the collector, or its machine, stopped?")
            && !flat.contains("single: no run from"),
        "{flat}"
    );
    let shaded = |pdf: &std::path::Path| -> Vec<usize> {
        let scratch = tempfile::tempdir().expect("temp dir");
        common::charts(pdf, scratch.path())
            .iter()
            .map(|chart| {
                chart
                    .pixels
                    .chunks(chart.channels)
                    .filter(|p| p == &[245, 210, 196])
                    .count()
            })
            .collect()
    };
    // Its first chart, of its records per hour: five of the day's 24 hours shaded.
    let records_chart = shaded(&stopped)[0];
    assert!(
        records_chart > 1_000,
        "the record counts shade the stretch: {records_chart} pixels"
    );
    let whole_pdf = render(dir.path());
    let whole = common::flat(&common::text(&whole_pdf));
    assert!(
        !whole.contains("expected did not run")
            && !whole.contains("no collection of this source started, from 2026-11-21 14"),
        "every expected collection ran: {whole}"
    );
    assert_eq!(shaded(&whole_pdf)[0], 0, "nothing shaded");
}

/// A stretch a source was disabled in is shaded `disabled`, not `no run`, and said under its
/// records sentence: a step without a value there is no fault.
#[test]
fn a_stretch_a_source_was_disabled_in_is_shaded_and_said() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = single();
    data.runs
        .retain(|run| run.started < at(21, 15, 0) || run.started >= at(21, 20, 0));
    data.disabled = vec![analyser::query::Disabled {
        from: at(21, 15, 0),
        until: at(21, 20, 0),
    }];
    let pdf = render_with(dir.path(), data);
    let flat = common::flat(&common::text(&pdf));
    assert!(
        flat.contains(
            "Shaded \"disabled\" on its charts: this source was disabled (enabled = false) from 2026-11-21 15:00 until its run of 2026-11-21 20:00, no collection being due: its records of that time are those a later run could still fetch."
        ) && !flat.contains("no collection of this source started, from 2026-11-21 1"),
        "{flat}"
    );
    let scratch = tempfile::tempdir().expect("temp dir");
    let charts = common::charts(&pdf, scratch.path());
    let tinted = |rgb: [u8; 3]| {
        charts[0]
            .pixels
            .chunks(charts[0].channels)
            .filter(|p| *p == rgb)
            .count()
    };
    assert!(
        tinted([240, 232, 204]) > 1_000 && tinted([245, 210, 196]) == 0,
        "its records chart shades the stretch disabled, not as no run"
    );
}

/// When no source collected at all for a while, the section says when, before each source's
/// line: the collector, or its machine, was most likely stopped.
#[test]
fn a_stretch_when_no_source_collected_is_said_with_its_times() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut single = single();
    single
        .runs
        .retain(|run| run.started < at(21, 15, 0) || run.started >= at(21, 20, 0));
    let mut busy = busy();
    // Every 15 minutes all day, but from 15:00 to 20:00.
    busy.runs = (0..96)
        .map(|quarter| at(21, 0, 0) + Duration::minutes(15 * quarter))
        .filter(|started| *started < at(21, 15, 0) || *started >= at(21, 20, 0))
        .map(|started| CollectionRun {
            started,
            ..single.runs[0].clone()
        })
        .collect();
    let path = render_sources(dir.path(), CONFIG, single, busy);
    let cover = common::flat(&common::page_texts(&path)[0]);
    assert!(
        cover.contains("No collection of any source started from 2026-11-21 14:59 to 2026-11-21 20:00 (about 5 hours): see the completeness section."),
        "the cover says it: {cover}"
    );
    let flat = common::flat(&common::text(&path));
    let stopped = "No collection of any source started from 2026-11-21 14:59 to 2026-11-21 20:00 (about 5 hours without a run): was the collector, or its machine, stopped?";
    assert!(flat.contains(stopped), "{flat}");
    assert_eq!(
        flat.matches("No collection of any source").count(),
        2,
        "on the cover and in the section: {flat}"
    );
    assert!(
        flat.find(stopped) < flat.find("single: 300 collections of 660 expected did not run"),
        "first: {flat}"
    );
}

#[test]
fn a_source_whose_every_collection_failed_says_why_in_its_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = single();
    data.hourly.clear();
    data.positions = None;
    data.latest_run_failed = true;
    for run in &mut data.runs {
        run.records = 0;
        run.error = Some("HTTP 503 Service Unavailable: upstream timed out".to_owned());
    }
    let flat = common::flat(&common::text(&render_with(dir.path(), data)));
    let said = "No data for this source in this period: no record of it was summarised for these hours. All 660 collections of this period failed; the latest: HTTP 503 Service Unavailable: upstream timed out.";
    assert!(flat.contains(said), "said under its No data line: {flat}");
}

#[test]
fn a_failure_stored_without_a_message_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = single();
    if let Some(run) = data.runs.last_mut() {
        run.error = Some(String::new());
        run.records = 0;
    }
    let flat = common::flat(&common::text(&render_with(dir.path(), data)));
    assert!(
        flat.contains("single: 1 collection of 660 failed; latest failure: (no message recorded)"),
        "{flat}"
    );
}

#[test]
fn records_without_a_position_are_counted_under_the_map() {
    let mut data = single();
    let positions = data.positions.as_mut().expect("positions");
    positions.records += 195;
    positions.unplaced = 195;
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::flat(&common::text(&render_with(dir.path(), data)));
    let wanted = "195 records without a position (no longitude or latitude, or a longitude or latitude out of range): not drawn.";
    assert!(text.contains(wanted), "{wanted:?} in\n{text}");
}

#[test]
fn records_landed_and_not_summarised_yet_are_said_next_to_the_coverage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::flat(&common::text(&render(dir.path())));
    assert!(!text.contains("Not summarised yet"), "{text}");
    let mut data = single();
    data.waiting = analyser::query::WaitingRuns {
        runs: 4,
        records: 96,
        oldest_landed: None,
        waited: None,
    };
    let text = common::flat(&common::text(&render_with(dir.path(), data)));
    let wanted = "Not summarised yet: single: 4 runs landing 96 records, whose files wait in the raw folder for the summariser";
    assert!(text.contains(wanted), "{wanted:?} in\n{text}");
    assert!(
        !text.contains("Most collections of"),
        "4 of its 660 collections: {text}"
    );

    // Most collections waiting (a day's collection landed just before a report by hand): the
    // cover says the report lacks their records.
    let mut data = single();
    data.runs.truncate(1);
    data.waiting = analyser::query::WaitingRuns {
        runs: 1,
        records: 4_398,
        oldest_landed: None,
        waited: None,
    };
    let cover = common::flat(&common::page_texts(&render_with(dir.path(), data))[0]);
    let wanted = "Most collections of single (1 of 1, landing 4,398 records) in this period wait in the raw folder for the summariser: their records are not in this report's records or charts; run `summariser`, then this report again.";
    assert!(cover.contains(wanted), "{wanted:?} in\n{cover}");
}

/// `single` as a France Travail source whose day of the 21st was collected at each of
/// `minutes` past midnight (`--date DAY --force` after the first), with what it renders.
fn single_day_collected_at(minutes: &[i64], change: impl FnOnce(&mut SourceData)) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let offers = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"single\"\nkind = \"france_travail\"\nurl = \"http://127.0.0.1:9\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\n";
    let mut data = single();
    data.runs.truncate(minutes.len());
    for (run, minute) in data.runs.iter_mut().zip(minutes) {
        run.started = at(22, 0, 0) + Duration::minutes(*minute);
        run.day = chrono::NaiveDate::from_ymd_opt(2026, 11, 21);
        run.every_s = Some(86_400);
    }
    change(&mut data);
    common::flat(&common::text(&render_config(dir.path(), offers, data)))
}

/// A France Travail day collected again counts once in Landed, while its runs count as runs:
/// both waiting in the raw folder, the cover's waiting collections are two of two runs, not "2
/// of 1"; a third run failing is one collection of three failed.
#[test]
fn a_day_collected_again_is_one_day_landed_and_its_runs_are_runs() {
    let text = single_day_collected_at(&[5, 10], |data| {
        for run in &mut data.runs {
            run.records = 4_400;
        }
        data.waiting = analyser::query::WaitingRuns {
            runs: 2,
            records: 8_800,
            oldest_landed: None,
            waited: None,
        };
    });
    assert!(
        text.contains("Most collections of single (2 of 2, landing 8,800 records)"),
        "{text}"
    );
    let text = single_day_collected_at(&[5, 10, 12], |data| {
        data.runs[2].error = Some("HTTP 503".to_owned());
    });
    assert!(
        text.contains("single: 1 collection of 3 failed; latest failure: HTTP 503"),
        "{text}"
    );
}

#[test]
fn positions_outside_the_configured_map_frame_are_counted_instead_of_framed() {
    let mut data = single();
    let near_toulouse = |i: u32| Position {
        lon: 1.3 + f64::from(i % 8) * 0.05,
        lat: 43.5 + f64::from(i / 8) * 0.05,
        value: Some(2.5),
    };
    let mut points: Vec<Position> = (0..40).map(near_toulouse).collect();
    points.push(Position {
        lon: 55.45,
        lat: -20.88,
        value: Some(4.0),
    });
    data.positions = Some(Positions {
        points,
        records: 41,
        unplaced: 0,
        sampled_every: 1,
        extremes_added: 0,
    });
    let framed = CONFIG.replace(
        "lat = \"lat\"\n",
        "lat = \"lat\"\nmap_frame = [-5.5, 41.0, 10.0, 51.5]\n",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render_config(dir.path(), &framed, data.clone()));
    let text = common::flat(&text);
    // The map's title, "40 positions drawn, 41 records", is drawn in the chart's bitmap.
    for wanted in [
        "Every point holds level = 2.5 m.",
        "Frame: the source's map_frame, outlined in blue; 1 position outside it (longitude 55.5°, latitude -20.9°) not drawn.",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in\n{text}");
    }
    // Written latitudes first, Toulouse's frame leaves every position out, which it says.
    let swapped = CONFIG.replace(
        "lat = \"lat\"\n",
        "lat = \"lat\"\nmap_frame = [43.0, 1.0, 44.0, 2.0]\n",
    );
    let mut near = data.clone();
    if let Some(positions) = near.positions.as_mut() {
        positions.points.pop();
    }
    let text = common::flat(&common::text(&render_config(dir.path(), &swapped, near)));
    assert!(
        text.contains("40 positions outside it (longitude 1.3° to 1.7°, latitude 43.5° to 43.7°) not drawn. All of them lie within it read with its longitudes and latitudes swapped: map_frame is [west, south, east, north], longitudes first."),
        "{text}"
    );
    let whole = common::text(&render_with(dir.path(), data.clone()));
    let whole = common::flat(&whole);
    assert!(
        whole.contains("Frame: around the positions; the blue outline is their bounding box, from the hourly summaries."),
        "without map_frame every position is framed"
    );
    assert!(
        whole.contains("among the drawn points, the highest on top where they overlap."),
        "what a dot among others shows: {whole}"
    );

    let positions = data.positions.as_mut().expect("positions");
    positions.records = 164;
    positions.sampled_every = 4;
    let sampled = common::text(&render_config(dir.path(), &framed, data));
    let sampled = common::flat(&sampled);
    for wanted in [
        "1 sampled position outside it",
        "A sample is drawn: about one record in 4 of the period's 164 records, picked by key so it spreads over places and hours.",
    ] {
        assert!(sampled.contains(wanted), "{wanted:?} in\n{sampled}");
    }
}

#[test]
fn an_empty_unit_is_no_unit_in_the_catalogue_as_on_the_charts() {
    let config = CONFIG.replace("units = { level = \"m\" }", "units = { level = \"\" }");
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_config(dir.path(), &config, single());
    let catalogue = common::page_texts(&pdf)
        .into_iter()
        .find(|page| page.contains("Source catalogue"))
        .expect("a catalogue page");
    assert!(
        catalogue.contains("level") && !catalogue.contains("level ()"),
        "{catalogue}"
    );
}

#[test]
fn long_names_and_descriptions_stay_inside_the_page() {
    let name =
        "reseau-de-mesure-de-la-qualite-de-l-air-station-jacquier-particules-fines-pm10-pm25";
    let description =
        "Concentrations moyennes journalières mesurées par le réseau régional. ".repeat(40);
    let field = "fields.concentration_moyenne_journaliere_en_microgrammes_par_metre_cube";
    let config = format!(
        "{CONFIG}
[[source]]
name = \"{name}\"
kind = \"http_json\"
url = \"http://127.0.0.1:9/air\"
every = \"1h\"
key = \"id\"
time = \"t\"
numeric = [\"{field}\"]
units = {{ \"{field}\" = \"microgrammes par mètre cube (µg/m³), moyenne glissante\" }}
description = \"{description}\"
"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_config(dir.path(), &config, single());
    // A4 is 595 × 842 pt; the margins are 18 mm (51 pt) at the sides and 20 mm (57 pt) below,
    // where the footer sits on its own line.
    for word in common::placed_words(&pdf) {
        let above_the_margin = word.bottom <= 842.0 - 57.0 + 1.0;
        let footer = word.top >= 842.0 - 57.0 + 5.0 && word.bottom <= 842.0 - 20.0;
        assert!(
            word.right <= 595.0 - 51.0 + 1.0 && (above_the_margin || footer),
            "page {}: `{}` runs past the margin (right {:.0} pt, bottom {:.0} pt)",
            word.page,
            word.text,
            word.right,
            word.bottom
        );
    }
    let text = common::text(&pdf);
    let flat = common::flat(&text);
    assert!(
        flat.contains(&name[..40]) && flat.contains("pm10-pm25"),
        "the heading wraps the whole name"
    );
    let catalogue = common::page_texts(&pdf)
        .into_iter()
        .find(|page| page.contains("Source catalogue"))
        .expect("a catalogue page");
    assert!(
        catalogue.contains("…"),
        "the catalogue cuts the description with an ellipsis:\n{catalogue}"
    );
    assert_eq!(
        flat.matches(description.trim()).count(),
        1,
        "the source's page has the whole description"
    );
}

#[test]
fn a_report_generated_before_its_period_ends_says_so() {
    let config = Config::parse(CONFIG, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data = BTreeMap::from([("single".to_owned(), single()), ("busy".to_owned(), busy())]);
    let dir = tempfile::tempdir().expect("temp dir");
    let said = "This period was not over when the report was generated";
    for (generated, partial) in [(at(21, 18, 0), true), (generated(), false)] {
        let pdf = analyser::render_report(&config, &period, &data, generated).expect("render");
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, pdf).expect("write the PDF");
        let cover = common::page_texts(&path).remove(0);
        let cover = common::flat(&cover);
        assert_eq!(
            cover.contains(said),
            partial,
            "generated {generated}:\n{cover}"
        );
    }
}

#[test]
fn positions_across_the_180th_meridian_are_mapped_across_it() {
    let mut data = single();
    let drift = |i: u32| Position {
        lon: 175.0 + f64::from(i) * 0.25 - if i > 20 { 360.0 } else { 0.0 },
        lat: -17.0 + f64::from(i % 5) * 0.2,
        value: Some(2.5),
    };
    data.positions = Some(Positions {
        points: (0..48).map(drift).collect(),
        records: 48,
        unplaced: 0,
        sampled_every: 1,
        extremes_added: 0,
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_with(dir.path(), data);
    let text = common::text(&pdf);
    let text = common::flat(&text);
    assert!(
        text.contains("Frame: around the positions, across the 180° meridian."),
        "{text}"
    );

    let mut positions = single();
    let mut points: Vec<Position> = (0..48).map(drift).collect();
    points.push(Position {
        lon: 0.0,
        lat: -18.0,
        value: Some(2.5),
    });
    positions.positions = Some(Positions {
        points,
        records: 49,
        unplaced: 0,
        sampled_every: 1,
        extremes_added: 0,
    });
    let framed = CONFIG.replace(
        "lat = \"lat\"\n",
        "lat = \"lat\"\nmap_frame = [170.0, -25.0, -170.0, -10.0]\n",
    );
    let text = common::text(&render_config(dir.path(), &framed, positions));
    let text = common::flat(&text);
    assert!(
        text.contains(
            "Frame: the source's map_frame, across the 180° meridian; 1 position outside it (longitude 0.0°, latitude -18.0°) not drawn."
        ),
        "a configured frame west over east runs across the meridian:\n{text}"
    );
}

/// A per-day source disabled when the report is written: its last run counted in the day
/// started after it (France Travail collects a day from 00:00 UTC the next), and the sentence
/// under the table says it is the run counted in the period, by its start.
#[test]
fn a_per_day_source_disabled_now_is_said_by_its_run_counted_in_the_period() {
    let dir = tempfile::tempdir().expect("temp dir");
    let offers = "[report]\ntimezone = \"UTC\"\n\n[[source]]\nname = \"single\"\nkind = \"france_travail\"\nurl = \"http://127.0.0.1:9\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\nenabled = false\n";
    let mut data = single();
    data.runs.truncate(1);
    data.runs[0].started = at(22, 0, 5);
    let flat = common::flat(&common::text(&render_config(dir.path(), offers, data)));
    assert!(
        flat.contains(
            "single: disabled (enabled = false) when this report was written: collections expected up to its last run counted in the period, started 2026-11-22 00:05, none after."
        ),
        "{flat}"
    );
}

#[test]
fn an_empty_period_before_the_first_collection_says_so_beside_a_source_never_run() {
    // `single` first collected the day after; `busy` never ran (a source without credentials
    // where the collector runs, as France Travail in many installations).
    let mut later = single();
    later.hourly.clear();
    later.positions = None;
    for run in &mut later.runs {
        run.started += Duration::days(1);
    }
    let never = SourceData {
        last_success: None,
        ..SourceData::default()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::text(&render_sources(dir.path(), CONFIG, later, never));
    let flat = common::flat(&text);
    assert!(
        flat.contains("No data in this period: it ended before relevé's first known collection, 2026-11-22 13:00."),
        "{flat}"
    );
}

/// Renders the day 2026-11-21 generated at `generated`, with `single` as the first source's
/// data.
fn render_generated_at(
    dir: &std::path::Path,
    text: &str,
    single: SourceData,
    generated: DateTime<Utc>,
) -> std::path::PathBuf {
    render_all(dir, text, single, busy(), generated)
}

/// How many pixels of the first chart are of colour `rgb`.
fn tinted(pdf: &std::path::Path, rgb: [u8; 3]) -> usize {
    let scratch = tempfile::tempdir().expect("temp dir");
    let charts = common::charts(pdf, scratch.path());
    charts[0]
        .pixels
        .chunks(charts[0].channels)
        .filter(|p| *p == rgb)
        .count()
}

/// A source disabled when a report of its day so far is generated, at 17:30: the hours still
/// to come are shaded "to come", not "disabled", and the note names no time after the
/// report's; with its next collection not yet due then, there is no disabled stretch at all.
#[test]
fn a_source_disabled_now_is_not_said_disabled_in_the_hours_to_come() {
    let beige = [240, 232, 204];
    let mut data = single();
    data.runs.truncate(1);
    data.last_success = Some(at(21, 13, 0));
    let hourly = CONFIG.replacen("every = \"1m\"", "every = \"1h\"\nenabled = false", 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_generated_at(dir.path(), &hourly, data.clone(), at(21, 17, 30));
    let flat = common::flat(&common::text(&pdf));
    assert!(
        flat.contains(
            "disabled (enabled = false) from 2026-11-21 14:00 on, still disabled when the report was generated"
        ),
        "{flat}"
    );
    // 14:00 to 17:30: three and a half of the chart's 24 hours.
    let shaded = tinted(&pdf, beige);
    let six_hourly = CONFIG.replacen("every = \"1m\"", "every = \"6h\"\nenabled = false", 1);
    let pdf = render_generated_at(dir.path(), &six_hourly, data, at(21, 17, 30));
    let flat = common::flat(&common::text(&pdf));
    assert!(!flat.contains("Shaded \"disabled\""), "{flat}");
    assert_eq!(tinted(&pdf, beige), 0, "not due again before 19:00");
    assert!(shaded > 0, "{shaded}");
}

/// A stretch disabled from before the period is said from its start, as the quality section
/// says it.
#[test]
fn a_stretch_disabled_from_before_the_period_is_said_from_its_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = single();
    data.disabled = vec![analyser::query::Disabled {
        from: at(19, 8, 0),
        until: at(21, 13, 0),
    }];
    let flat = common::flat(&common::text(&render_with(dir.path(), data)));
    assert!(
        flat.contains(
            "disabled (enabled = false) from 2026-11-19 08:00 until its run of 2026-11-21 13:00"
        ) && !flat.contains("disabled (enabled = false) from 2026-11-21 00:00"),
        "two starts for one stretch: {flat}"
    );
}

/// A source with failures whose longest stretch without a run a failure explains, and a
/// shorter one none does while the other source ran: the quality section names the shorter.
#[test]
fn a_stretch_no_failure_explains_is_said_beside_a_longer_one_a_failure_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut data = single();
    let put_off = at(21, 14, 1)..at(21, 16, 0);
    let stopped = at(21, 18, 0)..at(21, 19, 0);
    data.runs
        .retain(|run| !put_off.contains(&run.started) && !stopped.contains(&run.started));
    if let Some(run) = data
        .runs
        .iter_mut()
        .find(|run| run.started == at(21, 14, 0))
    {
        run.error = Some("HTTP 503".to_owned());
        run.retry_from = Some(at(21, 15, 59) + Duration::seconds(30));
    }
    let mut other = busy();
    let landed = single().runs.remove(1);
    other.runs = (0..96)
        .map(|quarter| CollectionRun {
            started: at(21, 0, 0) + Duration::minutes(15 * quarter),
            ..landed.clone()
        })
        .collect();
    let flat = common::flat(&common::text(&render_sources(
        dir.path(),
        CONFIG,
        data,
        other,
    )));
    assert!(
        flat.contains(
            "single: no run from 2026-11-21 17:59 to 2026-11-21 19:00 (61 minutes): was the collector stopped, its cron line removed, or its table refused by the configuration (logs/collector.log says which)?"
        ),
        "{flat}"
    );
}

/// A source added disabled (`enabled = false`, to switch on later) has no run known: the note
/// under the table must not say it "is collected from cron's next minute", which the collector
/// never does while it is disabled (before `NoRunKnown` it had no note).
#[test]
fn a_disabled_source_never_run_is_not_said_to_be_collected_at_the_next_minute() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = CONFIG.replacen("every = \"1m\"", "every = \"1m\"\nenabled = false", 1);
    let flat = common::flat(&common::text(&render_config(
        dir.path(),
        &text,
        SourceData::default(),
    )));
    assert!(flat.contains("1 disabled (single)"), "{flat}");
    assert!(
        !flat.contains("single: no run known, so no collection expected (a source just added is collected from cron's next minute)"),
        "{flat}"
    );
}

/// A new installation of twelve sources, all first collected by the same cron run at 13:00:
/// the notes under the completeness table say once where their expected collections are
/// counted from, not twelve times the same sentence (with 40 sources, a page of it).
#[test]
fn sources_first_collected_together_share_one_note_under_the_completeness_table() {
    let names: Vec<String> = (1..=12).map(|n| format!("station-{n:02}")).collect();
    let text: String = std::iter::once("[report]\ntimezone = \"UTC\"\n".to_owned())
        .chain(names.iter().map(|name| {
            format!(
                "\n[[source]]\nname = \"{name}\"\nkind = \"opendatasoft\"\nurl = \"http://127.0.0.1:9\"\ndataset = \"{name}\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"level\"]\n"
            )
        }))
        .collect();
    let config = Config::parse(&text, std::path::Path::new("sources.toml")).expect("config");
    let period = ReportPeriod::containing(
        PeriodKind::Day,
        "2026-11-21".parse().expect("date"),
        chrono_tz::UTC,
    );
    let data: BTreeMap<String, SourceData> = names
        .iter()
        .map(|name| {
            let mut data = single();
            data.positions = None;
            for hour in &mut data.hourly {
                hour.source = name.clone();
                hour.categories.clear();
            }
            (name.clone(), data)
        })
        .collect();
    let pdf = analyser::render_report(&config, &period, &data, generated()).expect("render");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("2026-11-21.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let flat = common::flat(&common::text(&path));
    let said = flat
        .matches("expected collections counted from its first known collection, 2026-11-21 13:00.")
        .count();
    assert!(
        said <= 1,
        "the same note, once per source, {said} times under the table: {flat}"
    );
    assert!(
        flat.contains("station-01, station-02, station-03,")
            && flat.contains("station-11 and station-12, each: expected collections counted from its first known collection, 2026-11-21 13:00."),
        "one note names them all: {flat}"
    );
}

/// A screen reader reads a chart's title: which field the caption under it speaks of. The
/// chart of `busy`'s `load` is titled in its picture alone, so its caption ("Period: min 0,
/// mean 11.5, max 23 …") is read without the field it is of.
#[test]
fn a_chart_s_title_is_text_a_screen_reader_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flat = common::flat(&common::text(&render(dir.path())));
    let caption = flat
        .find("Period: min 0 (2026-11-21 00:00–01:00 UTC), mean 11.5, max 23")
        .unwrap_or_else(|| panic!("the load chart's caption: {flat}"));
    let section = flat[..caption].rfind("busy").expect("busy's section");
    let before = &flat[section..caption];
    assert!(
        before.contains("load: hourly mean and min–max range"),
        "the load chart's title is not text before its caption: {before:?}"
    );
    assert!(
        flat.contains("Records per hour"),
        "the records chart's title is not text: {flat}"
    );
}

/// A screen reader reads a ranking of values: `busy`'s `c1` counts 240 records of
/// `c1-value-9`, drawn as a labelled bar only; the text under the chart gives no value.
#[test]
fn a_category_ranking_is_text_a_screen_reader_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flat = common::flat(&common::text(&render(dir.path())));
    assert!(
        flat.contains("c1-value-9") && flat.contains("240"),
        "the top value of c1 and its count are not in the text: {flat}"
    );
}

/// A screen reader picks its voice from the document's language: the PDF names none
/// (`/Lang` in its catalogue), so the reader guesses, and the French of `éCO2mix`, `Métropole`
/// or a `value_labels` label is read as the reader's default.
#[test]
fn the_pdf_names_its_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = std::fs::read(render(dir.path())).expect("read the PDF");
    assert!(
        bytes.windows(5).any(|window| window == b"/Lang"),
        "no /Lang in the PDF's catalogue"
    );
    assert!(
        bytes.starts_with(b"%PDF-1.4"),
        "a PDF of 1.4 or later holds /Lang"
    );
}

/// A ranking's value longer than the page is wide (a sector's or an address's label): the
/// README says the picture is overlaid with "each value with its count" for a screen reader
/// or a search, yet the value's text runs on past the page's right edge on one line, where a
/// reader, a search or a copy finds it cut, and its count with it.
#[test]
fn a_long_value_of_a_ranking_is_text_whole_with_its_count() {
    let long = format!(
        "{}end-of-label",
        "Activites-de-services-administratifs-et-de-soutien ".repeat(6)
    );
    let mut data = busy();
    for summary in &mut data.hourly {
        summary.categories[0].values[9].value = long.clone();
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_sources(dir.path(), CONFIG, single(), data);
    let flat = common::flat(&common::text(&pdf));
    assert!(
        flat.contains(&format!("{}: 240", common::flat(&long))),
        "the long value and its count are not whole in the text: {flat}"
    );
}

/// A Japanese description, written without spaces as Japanese is, wraps within the page as a
/// French one does: its characters the bundled font lacks print as boxes (the README says
/// so), but none runs past the right margin, where the end of the sentence would be lost.
#[test]
fn a_japanese_description_stays_inside_the_page() {
    let description = "気象庁の観測データ。東京都千代田区などの観測所の一時間ごとの気温と天気。\
        これは観測所ごとの記録を一時間ごとにまとめたものであり、毎時更新されます。";
    let config = CONFIG.replace(
        "units = { level = \"m\" }",
        &format!("units = {{ level = \"m\" }}\ndescription = \"{description}\""),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = render_config(dir.path(), &config, single());
    let scratch = dir.path().join("pages");
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    // At 50 dpi, A4 is 413 px wide; the side margins are 18 mm (51 pt, 35 px): nothing is
    // drawn right of 378 px above the footer (the bottom 20 mm, 39 px).
    for (page, raster) in common::pages(&pdf, &scratch).iter().enumerate() {
        let right_margin = 595.0_f64 * 50.0 / 72.0 - 51.0 * 50.0 / 72.0;
        let first = right_margin.ceil() as usize + 2;
        let inked: Vec<(usize, usize)> = (0..raster.height - 39)
            .flat_map(|y| (first..raster.width).map(move |x| (x, y)))
            .filter(|&(x, y)| raster.pixels[y * raster.width + x] < 200)
            .collect();
        assert!(
            inked.is_empty(),
            "page {}: the description runs past the right margin and off the page ({} inked pixels there, first at {:?})",
            page + 1,
            inked.len(),
            inked.first()
        );
    }
}
