use super::*;

pub(super) const USGS: &str = r#"
[[source]]
name = "usgs-earthquakes"
kind = "http_json"
url = "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
categories = ["properties.type"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
description = "Earthquakes worldwide, past hour"
"#;

/// The configuration when it accepts every source, else why not: the file's refusal or the
/// first table's.
pub(super) fn parse(text: &str) -> Result<Config, String> {
    let config = Config::parse(text, Path::new("sources.toml")).map_err(|err| err.to_string())?;
    match config.refused.first() {
        Some(refused) => Err(refused.to_string()),
        None => Ok(config),
    }
}

/// The `totals` the configuration kept for its first source, by name.
pub(super) fn first_totals(config: &Config) -> Vec<&str> {
    config.sources[0]
        .totals
        .iter()
        .map(|f| f.as_str())
        .collect()
}

pub(super) fn error(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("configuration should be refused"),
        Err(message) => message,
    }
}

#[test]
fn reads_the_documented_contract() {
    let config = parse(USGS).expect("valid configuration");
    let source = &config.sources[0];
    assert_eq!(source.name, "usgs-earthquakes");
    assert_eq!(source.every, Every::from_secs(60));
    assert_eq!(source.kind.name(), "http_json");
    assert_eq!(source.records_path().as_str(), "features");
    assert_eq!(source.line, 2);
    assert!(source.position().is_some());
    assert_eq!(config.report.timezone, chrono_tz::Europe::Paris);
}

#[test]
fn the_report_time_zone_is_parsed_at_load_or_refused() {
    let config = parse(&format!("[report]\ntimezone = \"America/Cayenne\"\n{USGS}"))
        .expect("valid configuration");
    assert_eq!(config.report.timezone, chrono_tz::America::Cayenne);
    let message = error(&format!("[report]\ntimezone = \"Mars/Olympus\"\n{USGS}"));
    assert!(
        message.starts_with("sources.toml:2: key `timezone`: `Mars/Olympus` is not an IANA"),
        "the message names the line and key: {message}"
    );
}

#[test]
fn a_fault_in_report_stops_the_report_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sources.toml");
    for (report, says) in [
        (
            "timezone = \"Europe/Toulouse\"",
            "sources.toml:2: key `timezone`: `Europe/Toulouse` is not an IANA",
        ),
        (
            "kep = 3",
            "sources.toml:2: `[report]`: unknown key `kep` (did you mean `keep`?)",
        ),
    ] {
        std::fs::write(&path, format!("[report]\n{report}\n{USGS}")).expect("write");
        let config = Config::load_sources(&path).expect("the sources are read");
        assert_eq!(config.sources.len(), 1, "{report}");
        assert!(config.refused.is_empty(), "{report}");
        let fault = config.report_fault.expect("the fault kept").to_string();
        assert!(fault.contains(says), "{report}: {fault}");
        assert_eq!(
            config.report.timezone,
            chrono_tz::Europe::Paris,
            "the defaults"
        );
        let refused = Config::load(&path).expect_err("the analyser's reading refuses it");
        assert_eq!(refused.to_string(), fault, "{report}");
    }
}

#[test]
fn a_value_left_open_next_to_report_is_blamed_on_its_own_table() {
    // `[report]` first, as the repository's file has it, with an array left open: toml reads
    // on into the source table and stops at one of its keys.
    let text = format!("[report]\nkeep = [1,\n{USGS}");
    let config = parse::parse(&text, Path::new("sources.toml")).expect("the file is read");
    assert_eq!(config.sources.len(), 1, "the source is read");
    let fault = config
        .report_fault
        .expect("the fault is `[report]`'s")
        .to_string();
    assert!(
        fault.starts_with("sources.toml:2: key `keep`: its `[` or `{` is not closed"),
        "{fault}"
    );
    // A source table left open before `[report]`: toml stops at `[report]`'s key.
    let text = format!("{USGS}drop = [\"properties.url\",\n\n[report]\ntimezone = \"UTC\"\n");
    let config = parse::parse(&text, Path::new("sources.toml")).expect("the file is read");
    assert_eq!(config.report_fault, None, "`[report]` is sound");
    assert_eq!(config.report.timezone, chrono_tz::UTC);
    let refused = config
        .refused
        .first()
        .expect("the source is refused")
        .to_string();
    assert!(
        refused.starts_with(
            "sources.toml:15: source `usgs-earthquakes`: key `drop`: its `[` or `{` is not closed"
        ),
        "{refused}"
    );
}

#[test]
fn plausible_ranges_apply_to_numeric_fields_in_order() {
    // A range of a field not summarised presents nothing: left out, the source kept.
    let config = parse(&format!("{USGS}plausible = {{ depth = [0, 700] }}\n"))
        .expect("a range left behind is no refusal");
    assert!(config.sources[0].plausible.is_empty());
    let message = error(&format!(
        "{USGS}plausible = {{ \"properties.mag\" = [10, -2] }}\n"
    ));
    assert!(
        message.contains("must be [low, high] with low <= high"),
        "{message}"
    );
    let message = error(&format!(
        "{USGS}plausible = {{ \"properties.mag\" = [-2, 10, 20] }}\n"
    ));
    assert!(
        message.ends_with(
            "key `plausible`: the range of `properties.mag` must be two numbers, [low, high], not 3"
        ),
        "{message}"
    );
    let config = parse(&format!(
        "{USGS}plausible = {{ \"properties.mag\" = [-2, 10] }}\n"
    ))
    .expect("valid");
    assert_eq!(config.sources[0].plausible["properties.mag"], [-2.0, 10.0]);
}

#[test]
fn dropped_fields_must_spare_the_fields_the_summary_needs() {
    let message = error(&format!("{USGS}drop = [\"geometry\"]\n"));
    assert_eq!(
        message,
        "sources.toml:15: source `usgs-earthquakes`: key `drop`: `geometry` would remove \
         `geometry.coordinates.0`, which key `lon` needs"
    );
    let tags = USGS.replace(
        "categories = [\"properties.type\"]",
        "categories = [\"properties.tags.0.name\"]",
    );
    let message = error(&format!("{tags}drop = [\"properties.tags.name\"]\n"));
    assert!(
        message.ends_with(
            "key `drop`: `properties.tags.name` would remove `properties.tags.0.name`, which key `categories` needs"
        ),
        "a field dropped through an array is dropped from the item read too: {message}"
    );
    let config = parse(&format!("{USGS}drop = [\"properties.place\"]\n")).expect("valid");
    assert_eq!(
        config.sources[0].dropped_fields()[0].as_str(),
        "properties.place"
    );
    let offers = parse(
        "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://x\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n",
    )
    .expect("valid");
    assert_eq!(
        offers.sources[0].dropped_fields(),
        vec![FieldPath::field("contact")],
        "France Travail drops the recruiters' contacts unless told otherwise"
    );
}

#[test]
fn a_numeric_last_segment_of_drop_is_accepted_as_an_object_field() {
    // `values.2024` in year-keyed data is an object's field; what an array's item would do is
    // told at run time, when the records show which it is.
    for path in [
        "properties.2024",
        "geometry.coordinates.2",
        "properties.products.0.code",
    ] {
        let config = parse(&format!("{USGS}drop = [\"{path}\"]\n")).expect("accepted");
        assert_eq!(config.sources[0].dropped_fields()[0].as_str(), path);
    }
}

#[test]
fn unknown_keys_name_the_key_and_line() {
    let message = error(&format!("{USGS}colour = \"red\"\n"));
    assert!(
        message.starts_with("sources.toml:15: source `usgs-earthquakes`: unknown key `colour`"),
        "{message}"
    );
    assert!(
        message.contains("`categories`") && message.contains("`records`"),
        "the hint lists the common keys and the kind's own: {message}"
    );
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn bad_values_name_the_key_and_its_line() {
    let message = error(&USGS.replace("every = \"1m\"", "every = \"often\""));
    assert!(
        message.starts_with("sources.toml:6: source `usgs-earthquakes`: key `every`:"),
        "{message}"
    );
    assert!(message.contains("often"), "{message}");
}

#[test]
fn missing_keys_are_named() {
    let message = error(&USGS.replace("key = \"id\"\n", ""));
    assert!(message.contains("`key`"), "{message}");
}

#[test]
fn bad_names_and_duplicates_are_refused_at_the_name() {
    let bad_name = error(&USGS.replace("usgs-earthquakes", "USGS quakes"));
    assert!(
        bad_name
            == "sources.toml:3: source `USGS quakes`: key `name` must match [a-z0-9-]+: `usgs-quakes` would",
        "{bad_name}"
    );
    let accented = error(&USGS.replace("usgs-earthquakes", "éCO2mix_National"));
    assert!(
        accented.ends_with("key `name` must match [a-z0-9-]+: `eco2mix-national` would"),
        "{accented}"
    );
    let nothing_like = error(&USGS.replace("usgs-earthquakes", "___"));
    assert!(
        nothing_like.ends_with("key `name` must match [a-z0-9-]+"),
        "{nothing_like}"
    );
    let dash = error(&USGS.replace("usgs-earthquakes", "-rf"));
    assert!(
        dash.starts_with("sources.toml:3: source `-rf`: key `name` starts with `-`"),
        "{dash}"
    );
    let long = "a".repeat(101);
    let too_long = error(&USGS.replace("usgs-earthquakes", &long));
    assert!(
        too_long.ends_with(
            "key `name` is 101 characters long: at most 100, as it names the source's files"
        ),
        "{too_long}"
    );
    parse(&USGS.replace("usgs-earthquakes", &"a".repeat(100))).expect("100 characters");
    let twice = error(&format!("{USGS}{USGS}"));
    assert!(
        twice.starts_with("sources.toml:17: source `usgs-earthquakes`: key `name` repeats"),
        "{twice}"
    );
}

#[test]
fn addresses_need_a_scheme_and_a_host() {
    for (url, why) in [
        (
            "127.0.0.1:18777/a.json",
            "must be an http:// or https:// address",
        ),
        ("htp://example.org/a.json", "the scheme is `htp`"),
        ("https://", "must be an http:// or https:// address"),
        ("", "must not be empty"),
    ] {
        let text = USGS.replace(
            "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson",
            url,
        );
        let message = error(&text);
        assert!(
            message.starts_with("sources.toml:5: source `usgs-earthquakes`: key `url`")
                && message.contains(why),
            "{url:?}: {message}"
        );
    }
    let with_secret = USGS.replace("https://earthquake.usgs.gov", "htp://user:hunter2@x");
    assert!(
        !error(&with_secret).contains("hunter2"),
        "an address is never echoed"
    );
}

#[test]
fn fields_listed_twice_and_units_of_no_field_are_refused() {
    let twice = error(&USGS.replace(
        "numeric = [\"properties.mag\"]",
        "numeric = [\"properties.mag\", \"properties.mag\"]",
    ));
    assert!(
        twice.contains("key `numeric` lists `properties.mag` twice"),
        "{twice}"
    );
    // A unit, label, total or values' labels of a field not summarised (dropped from
    // `numeric`, its unit forgotten) presents nothing: left out with a warning, the source
    // collected all the same (found by the data manager's probe of stop 56).
    let left_out = |extra: &str| {
        let config = parse(&format!("{USGS}{extra}\n")).expect("left behind is no refusal");
        let source = &config.sources[0];
        assert!(
            source.units.is_empty()
                && source.labels.is_empty()
                && source.totals.is_empty()
                && source.value_labels.is_empty(),
            "{extra}: {source:?}"
        );
    };
    left_out("units = { nope = \"km\" }");
    left_out("labels = { nope = \"depth\" }");
    let config = parse(&format!(
        "{USGS}labels = {{ \"properties.mag\" = \"magnitude\", \"properties.type\" = \"event type\" }}\n"
    ))
    .expect("labels of a numeric and a category field");
    assert_eq!(config.sources[0].labels["properties.type"], "event type");
    left_out("totals = [\"properties.type\"]");
    let config = parse(&format!("{USGS}totals = [\"properties.mag\"]\n")).expect("a total");
    assert_eq!(config.sources[0].totals[0].as_str(), "properties.mag");
    left_out("value_labels = { \"properties.mag\" = { \"1\" = \"weak\" } }");
    let config = parse(&format!(
        "{USGS}value_labels = {{ \"properties.type\" = {{ \"quarry blast\" = \"blast\" }} }}\n"
    ))
    .expect("labels of a category's values");
    assert_eq!(
        config.sources[0].value_labels["properties.type"]["quarry blast"],
        "blast"
    );
    for (from, to, said) in [
        (
            "numeric = [\"properties.mag\"]",
            "numeric = [\"properties.mag\", \"\"]",
            "key `numeric` lists an empty field path",
        ),
        (
            "categories = [\"properties.type\"]",
            "categories = [\"\"]",
            "key `categories` lists an empty field path",
        ),
        (
            "lon = \"geometry.coordinates.0\"",
            "lon = \"\"",
            "key `lon` is an empty field path",
        ),
    ] {
        let message = error(&USGS.replace(from, to));
        assert!(message.contains(said), "{to}: {message}");
    }
    // Accepted, it would order nothing: every record's version would read as none.
    let message = error(&format!("{USGS}version = \"\"\n"));
    assert!(
        message.contains("key `version` is an empty field path"),
        "{message}"
    );
}

#[test]
fn kinds_refuse_keys_of_other_kinds() {
    let message = error(&USGS.replace("records = \"features\"", "dataset = \"x\""));
    assert!(message.contains("dataset"), "{message}");
}

#[test]
fn unknown_kind_is_refused() {
    let message = error(&USGS.replace("http_json", "ftp"));
    assert!(message.contains("ftp"), "{message}");
}

#[test]
fn a_retention_of_zero_days_or_past_a_century_is_refused() {
    let message = error(&format!("{USGS}keep_days = 0\n"));
    assert!(
        message.starts_with("sources.toml:15: source `usgs-earthquakes`: key `keep_days`"),
        "{message}"
    );
    let message = error(&format!("{USGS}keep_days = 100000000\n"));
    assert!(
        message.contains("key `keep_days` is at most 36500 (a hundred years), not 100000000"),
        "{message}"
    );
    assert!(parse(&format!("{USGS}keep_days = 36500\n")).is_ok());
}

/// A publisher's wording of the credit it asks for is kept as written; an empty one, one of
/// several lines or one as long as a paragraph is refused at its line (found by an open-data
/// officer).
#[test]
fn a_publisher_s_attribution_is_kept_as_written_or_refused() {
    let config = parse(&format!(
        "{USGS}attribution = \"Weather data by Open-Meteo.com\"\n"
    ))
    .expect("an attribution is accepted");
    assert_eq!(
        config.sources[0].attribution.as_deref(),
        Some("Weather data by Open-Meteo.com")
    );
    assert_eq!(parse(USGS).expect("config").sources[0].attribution, None);
    let message = error(&format!("{USGS}attribution = \" \"\n"));
    assert!(
        message
            .starts_with("sources.toml:15: source `usgs-earthquakes`: key `attribution` is empty"),
        "{message}"
    );
    let message = error(&format!("{USGS}attribution = \"RTE\\nvia ODRÉ\"\n"));
    assert!(
        message.contains("key `attribution` holds a line break"),
        "{message}"
    );
    let message = error(&format!("{USGS}attribution = \"{}\"\n", "word ".repeat(70)));
    assert!(
        message.contains("key `attribution` is 350 characters long: at most 300"),
        "{message}"
    );
}

#[test]
fn lon_without_lat_is_refused() {
    let message = error(&USGS.replace("lat = \"geometry.coordinates.1\"\n", ""));
    assert!(message.contains("`lat`"), "{message}");
}

#[test]
fn the_shipped_configuration_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sources.toml");
    let config = Config::load(&path).expect("shipped sources.toml is valid");
    assert!(config.sources.len() >= 5);
    assert_eq!(config.refused, [], "every shipped source is accepted");
}

#[test]
fn the_readmes_example_tables_are_accepted() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let tables: Vec<&str> = readme
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("```").map(|(table, _)| table))
        // Tables of `sources.toml`, not of cargo's `.cargo/config.toml` (an offline install).
        .filter(|table| table.contains("[[source]]"))
        .collect();
    assert!(!tables.is_empty(), "the README shows how to add a source");
    for table in tables {
        let config = parse(table).unwrap_or_else(|err| panic!("{err}:\n{table}"));
        assert_eq!(config.sources.len(), 1, "{table}");
    }
}

#[test]
fn the_readme_documents_every_kind() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let kind_row = readme
        .lines()
        .find(|line| line.starts_with("| `kind` | yes |"))
        .expect("the README's table of keys has a `kind` row");
    for kind in SourceKind::NAMES {
        let name = format!("`{kind}`");
        assert!(kind_row.contains(&name), "the `kind` row names {name}");
        assert!(
            readme.contains(&format!("\n| {name} | ")),
            "the README's table of the keys of each kind has a row for {name}"
        );
        assert!(
            readme.contains(&format!("\n#### {name}\n")),
            "the README has a section `#### {name}` under \"Keys of each kind in detail\""
        );
        assert!(
            readme
                .split("```toml\n")
                .skip(1)
                .filter_map(|rest| rest.split_once("\n```").map(|(block, _)| block))
                .any(|block| block.contains("[[source]]")
                    && block.contains(&format!("kind = \"{kind}\"\n"))),
            "the README has a `[[source]]` example of kind {name}"
        );
    }
}

pub(super) const ECO2MIX: &str = r#"
[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "https://odre.opendatasoft.com"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
"#;

#[test]
fn an_incremental_source_looks_back_three_hours_unless_told() {
    let lookback = |text: &str| match &parse(text).expect("valid").sources[0].kind {
        SourceKind::Opendatasoft(ods) => ods.lookback(),
        other => panic!("opendatasoft, not {}", other.name()),
    };
    let incremental = format!("{ECO2MIX}incremental = true\n");
    assert_eq!(lookback(&incremental), Every::from_secs(3 * 3600));
    assert_eq!(
        lookback(&format!("{incremental}lookback = \"1d\"\n")),
        Every::from_secs(86_400)
    );
    let message = error(&format!("{ECO2MIX}lookback = \"1h\"\n"));
    assert!(
        message.starts_with("sources.toml:10: source `eco2mix`: key `lookback`"),
        "{message}"
    );
}

#[test]
fn a_recheck_reaches_further_than_the_lookback_at_the_days_first_run_only() {
    let incremental = format!("{ECO2MIX}incremental = true\n");
    let reach = |text: &str, first_of_its_day| match &parse(text).expect("valid").sources[0].kind {
        SourceKind::Opendatasoft(ods) => ods.reach(first_of_its_day),
        other => panic!("opendatasoft, not {}", other.name()),
    };
    let rechecked = format!("{incremental}recheck = \"35d\"\n");
    assert_eq!(reach(&rechecked, true), Every::from_secs(35 * 86_400));
    assert_eq!(reach(&rechecked, false), Every::from_secs(3 * 3600));
    assert_eq!(reach(&incremental, true), Every::from_secs(3 * 3600));
    let message = error(&format!("{ECO2MIX}recheck = \"35d\"\n"));
    assert!(
        message.starts_with("sources.toml:10: source `eco2mix`: key `recheck` only applies with `incremental = true`"),
        "{message}"
    );
    let message = error(&format!(
        "{incremental}lookback = \"2d\"\nrecheck = \"1d\"\n"
    ));
    assert!(
        message.contains("key `recheck` (1d) must reach further back than `lookback` (2d)"),
        "{message}"
    );
}

#[test]
fn a_bad_kind_specific_value_names_the_source_key_and_line() {
    assert_eq!(
        error(&format!("{ECO2MIX}incremental = \"yes\"\n")),
        "sources.toml:10: source `eco2mix`: key `incremental`: expected `true` or `false`, \
         found the text \"yes\""
    );
}

#[test]
fn a_bad_value_inside_a_kind_specific_table_names_the_key() {
    assert_eq!(
        error(&format!("{USGS}params = {{ latitude = [43.6] }}\n")),
        "sources.toml:15: source `usgs-earthquakes`: key `params`: `latitude`: each value is \
         text, a number or true/false; write a list as the one text the API reads (`latitude = \
         \"43.6\"`)"
    );
    assert_eq!(
        error(&format!("{USGS}params.latitude = [43.6]\n")),
        "sources.toml:15: source `usgs-earthquakes`: key `params`: `latitude`: each value is \
         text, a number or true/false; write a list as the one text the API reads (`latitude = \
         \"43.6\"`)",
        "a dotted key is named too"
    );
}

#[test]
fn a_parameter_that_is_no_number_an_api_reads_is_refused() {
    for value in ["nan", "inf", "-inf"] {
        assert_eq!(
            error(&format!("{USGS}params = {{ latitude = {value} }}\n")),
            format!(
                "sources.toml:15: source `usgs-earthquakes`: key `params`: `latitude` = {value} is \
                 no number an API reads: write it as text to send it as written"
            ),
        );
    }
}

#[test]
fn a_bad_lookback_names_the_key() {
    assert_eq!(
        error(&format!(
            "{ECO2MIX}incremental = true\nlookback = \"3 hours\"\n"
        )),
        "sources.toml:11: source `eco2mix`: key `lookback`: `3 hours` is not an interval: \
         write a whole number and a unit m, h or d, e.g. `15m`, `1h` or `1d` (or s, seconds, for a timeout or \
         a lookback, e.g. `20s`)"
    );
}

#[test]
fn a_misspelt_common_key_is_named_with_the_right_one() {
    assert_eq!(
        error(&format!("{USGS}catgories = [\"properties.net\"]\n")),
        "sources.toml:15: source `usgs-earthquakes`: unknown key `catgories` \
         (did you mean `categories`?)"
    );
}

#[test]
fn a_misspelt_required_key_is_named_rather_than_missing() {
    assert_eq!(
        error(&USGS.replace("every = ", "evry = ")),
        "sources.toml:6: source `usgs-earthquakes`: unknown key `evry` (did you mean `every`?)"
    );
}

#[test]
fn a_missing_kind_specific_key_names_the_source() {
    assert_eq!(
        error(&ECO2MIX.replace("dataset = \"eco2mix-national-tr\"\n", "")),
        "sources.toml:2: source `eco2mix`: missing key `dataset`"
    );
}

#[test]
fn an_unknown_kind_is_named_at_its_line() {
    assert_eq!(
        error(&USGS.replace("http_json", "ftp")),
        "sources.toml:4: source `usgs-earthquakes`: key `kind`: unknown value `ftp`, \
         expected one of `http_json`, `opendatasoft`, `ods_v1`, `france_travail`"
    );
}

/// Naming every field of `Source` here makes a new field fail to compile until it is added
/// below, and then this test fails until `COMMON_KEYS` lists it (`Source` renames no field).
#[test]
fn every_common_key_is_listed() {
    macro_rules! fields_of_source {
        ($source:expr, $($field:ident),*) => {{
            let Source { $($field: _,)* kind: _, line: _, days_in: _ } = $source;
            [$(stringify!($field)),*]
        }};
    }
    let config = parse(USGS).expect("valid configuration");
    let fields = fields_of_source!(
        &config.sources[0],
        name,
        every,
        url,
        key,
        time,
        version,
        numeric,
        totals,
        categories,
        lon,
        lat,
        map_frame,
        units,
        labels,
        value_labels,
        plausible,
        highest,
        description,
        periodicity,
        access,
        licence,
        attribution,
        keep_days,
        drop,
        rate_limit,
        timeout,
        enabled,
        forecast,
        local_times,
        resolution
    );
    assert_eq!(COMMON_KEYS, fields);
}

#[test]
fn every_kind_lists_its_keys_for_the_hints() {
    let unknown = toml::from_str::<SourceKind>("kind = \"?\"")
        .err()
        .map(|err| err.message().to_owned())
        .unwrap_or_default();
    let kinds: Vec<&str> = unknown
        .split_once("expected one of")
        .map(|(_, kinds)| kinds.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    assert!(kinds.len() >= 4, "serde lists the kinds: {unknown}");
    for kind in kinds {
        let keys = source_table::valid_keys(kind).unwrap_or_default();
        assert!(
            keys.len() > COMMON_KEYS.len() + 1,
            "`{kind}` lists its own keys"
        );
    }
}

#[test]
fn a_file_without_sources_is_refused() {
    let message = error("[report]\ntimezone = \"UTC\"\n");
    assert!(message.contains("no `[[source]]` table"), "{message}");
}

#[test]
fn local_times_names_an_iana_zone() {
    let config = parse(&format!("{USGS}local_times = \"Europe/Paris\"\n")).expect("valid");
    assert_eq!(
        config.sources[0].local_times,
        Some(chrono_tz::Europe::Paris)
    );
    assert_eq!(parse(USGS).expect("valid").sources[0].local_times, None);
    let message = error(&format!("{USGS}local_times = \"Paris\"\n"));
    assert!(
        message.starts_with("sources.toml:15: source `usgs-earthquakes`: key `local_times`")
            && message.contains("`Paris` is not an IANA time zone such as `Europe/Paris`"),
        "{message}"
    );
    for (written, hint) in [
        ("Europe/Pariss", "(did you mean `Europe/Paris`?)"),
        ("europe/paris", "(did you mean `Europe/Paris`?)"),
        ("+01:00", "`Etc/GMT-1` for UTC+1"),
        ("UTC-5", "`Etc/GMT+5` for UTC-5"),
    ] {
        let message = error(&format!("{USGS}local_times = \"{written}\"\n"));
        assert!(message.contains(hint), "{written}: {message}");
    }
}

/// An offset is pointed to the `Etc/GMT` zone of that offset only when one exists:
/// `+0100` (`%z`'s form) is UTC+1, not UTC+100; `+05:30` has no `Etc/GMT` zone (`Etc/GMT-5` is
/// half an hour off); `+15:00` and `-13:00` have none at all.
#[test]
fn an_offset_is_pointed_only_to_its_own_etc_zone() {
    for (written, hint) in [("+0100", "`Etc/GMT-1`"), ("UTC-0500", "`Etc/GMT+5`")] {
        let message = error(&format!("{USGS}local_times = \"{written}\"\n"));
        assert!(message.contains(hint), "{written}: {message}");
    }
    for (written, wrong) in [
        ("+05:30", "`Etc/GMT-5`"),
        ("+15:00", "`Etc/GMT-15`"),
        ("-13:00", "`Etc/GMT+13`"),
    ] {
        let message = error(&format!("{USGS}local_times = \"{written}\"\n"));
        assert!(!message.contains(wrong), "{written}: {message}");
    }
}

/// A figure that reads as an offset but is none is refused, not a panic (`-hours`
/// overflows for i32::MIN in a debug build; a release build names `Etc/GMT-2147483648`).
#[test]
fn a_huge_offset_is_refused_without_a_panic() {
    let message = error(&format!("{USGS}local_times = \"-2147483648\"\n"));
    assert!(message.contains("is not an IANA time zone"), "{message}");
    assert!(!message.contains("Etc/GMT-2147483648"), "{message}");
}

/// A zone abbreviation is one letter off another zone's name, hours away: `PST`,
/// `IST`, `JST`, `BST` or `AEST` are not `EST` (UTC-5), US `CST` is not `CET` (UTC+1), `MSK`
/// is not `MST` (UTC-7), `Z` (ISO 8601's UTC) is not `NZ` (New Zealand). Such a "did you
/// mean", once followed, reads the API's times hours off.
#[test]
fn a_zone_abbreviation_is_not_pointed_to_an_unrelated_zone() {
    for (written, wrong) in [
        ("PST", "EST"),
        ("CST", "CET"),
        ("IST", "EST"),
        ("JST", "EST"),
        ("AEST", "EST"),
        ("BST", "EST"),
        ("MSK", "MST"),
        ("Z", "NZ"),
    ] {
        let message = error(&format!("{USGS}local_times = \"{written}\"\n"));
        assert!(
            !message.contains(&format!("(did you mean `{wrong}`?)")),
            "{written}: {message}"
        );
    }
}

#[test]
fn a_map_frame_is_four_degrees_in_order_on_a_positioned_source() {
    let config = parse(&format!("{USGS}map_frame = [-5.5, 41.0, 10.0, 51.5]\n")).expect("valid");
    assert_eq!(config.sources[0].map_frame, Some([-5.5, 41.0, 10.0, 51.5]));
    let across = parse(&format!(
        "{USGS}map_frame = [170.0, -25.0, -170.0, -10.0]\n"
    ))
    .expect("west over east: across the 180th meridian");
    assert_eq!(
        across.sources[0].map_frame,
        Some([170.0, -25.0, -170.0, -10.0])
    );
    for frame in [
        "[10.0, 41.0, 10.0, 51.5]",
        "[-5.5, 51.5, 10.0, 41.0]",
        "[-5.5, 41.0, 10.0, 95.0]",
        "[-5.5, 41.0, 190.0, 51.5]",
        "[180.0, -25.0, -180.0, -10.0]",
    ] {
        let message = error(&format!("{USGS}map_frame = {frame}\n"));
        assert!(
            message
                .starts_with("sources.toml:15: source `usgs-earthquakes`: key `map_frame` must be"),
            "{message}"
        );
    }
    let swapped = error(&format!("{USGS}map_frame = [10.0, 41.0, -5.5, 51.5]\n"));
    assert!(
        swapped.contains("frames 344.5° across the 180° meridian: are they swapped?"),
        "{swapped}"
    );
    let five = error(&format!("{USGS}map_frame = [-5.5, 41.0, 10.0, 51.5, 3]\n"));
    assert!(
        five.contains("key `map_frame`") && five.contains("four numbers, not 5"),
        "{five}"
    );
    let unpositioned = USGS
        .replace("lon = \"geometry.coordinates.0\"\n", "")
        .replace("lat = \"geometry.coordinates.1\"\n", "");
    let message = error(&format!("{unpositioned}map_frame = [0.0, 0.0, 1.0, 1.0]\n"));
    assert!(message.contains("needs `lon` and `lat`"), "{message}");
}

#[test]
fn a_key_of_several_fields_lists_each_once() {
    let config = parse(&USGS.replace("key = \"id\"", "key = [\"id\", \"properties.time\"]"))
        .expect("a key of two fields");
    assert_eq!(config.sources[0].key.paths().len(), 2);
    for key in ["[]", "[\"id\", \"id\"]", "[\"id\", \"\"]"] {
        let message = error(&USGS.replace("key = \"id\"", &format!("key = {key}")));
        assert!(
            message.starts_with("sources.toml:8: source `usgs-earthquakes`: key `key`"),
            "{key}: {message}"
        );
    }
}

#[test]
fn intervals_and_rates_past_what_schedules_can_count_are_refused() {
    assert_eq!(
        error(&USGS.replace("every = \"1m\"", "every = \"99999999d\"")),
        "sources.toml:6: source `usgs-earthquakes`: key `every`: `99999999d` is too long an \
         interval: at most a year, `366d`"
    );
    assert_eq!(
        error(&format!("{USGS}rate_limit = 1e-30\n")),
        "sources.toml:15: source `usgs-earthquakes`: key `rate_limit` must be a number of calls \
         per second of at least 0.001 (one call every 1,000 s)"
    );
}

#[test]
fn a_key_parameter_without_the_variable_holding_the_key_is_refused() {
    assert_eq!(
        error(&format!("{USGS}key_param = \"apikey\"\n")),
        "sources.toml:15: source `usgs-earthquakes`: key `key_param` names where the key goes, and needs `key_env`, the environment variable holding it"
    );
}

#[test]
fn a_secret_is_never_sent_over_plain_http_beyond_the_machine() {
    let keyed = |url: &str| {
        format!(
            "[[source]]\nname = \"k\"\nkind = \"http_json\"\nurl = \"{url}\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nkey_env = \"API_KEY\"\n"
        )
    };
    let message = error(&keyed("http://api.example.org/v1"));
    assert!(
        message.contains("key `url`: the API key would cross the network unencrypted over http://"),
        "{message}"
    );
    for fine in [
        "https://api.example.org/v1",
        "http://127.0.0.1:8080/v1",
        "http://localhost/v1",
        "http://[::1]:9/v1",
        "http://[::ffff:127.0.0.1]:8080/v1",
        "http://LOCALHOST:8080/v1",
    ] {
        parse(&keyed(fine)).unwrap_or_else(|err| panic!("{fine}: {err}"));
    }
    // A name ending in a dot is asked of DNS, not of this machine's hosts file, whose answer
    // may be any address: refused, saying how to name this machine.
    let message = error(&keyed("http://localhost.:8080/v1"));
    assert!(
        message.contains("unencrypted") && message.contains("`localhost` without its final dot"),
        "{message}"
    );
    let open = keyed("http://api.example.org/v1").replace("key_env = \"API_KEY\"\n", "");
    parse(&open).expect("no key, nothing to hide");

    let france_travail = |url: &str, token_url: &str| {
        format!(
            "[[source]]\nname = \"ft\"\nkind = \"france_travail\"\nurl = \"{url}\"\ntoken_url = \"{token_url}\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n"
        )
    };
    let message = error(&france_travail(
        "https://api.francetravail.io/partenaire/offresdemploi/v2",
        "http://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire",
    ));
    assert!(
        message.contains("key `token_url`: the client secret would cross the network unencrypted"),
        "{message}"
    );
}

/// A header line closed with a `]` too many: toml's "expected newline" says nothing of it
/// (found by the data manager's probe of stop 56).
#[test]
fn a_header_with_a_bracket_too_many_is_said_so() {
    for (written, header) in [("[[source]]]", "[[source]]"), ("[report]]", "[report]")] {
        let message = error(&format!("{written}\nname = \"a\"\n"));
        assert!(
            message.starts_with("sources.toml:1:")
                && message.ends_with(&format!(
                    "(the header line has a `]` too many: write `{header}`)"
                )),
            "{message}"
        );
    }
}

/// Notepad on Windows (a WSL student's editor) may save a byte-order mark first, and `copy`
/// a Ctrl-Z last: the file is read as the text it shows.
#[test]
fn a_file_saved_by_a_windows_editor_is_read_as_it_shows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sources.toml");
    let crlf = USGS.replace('\n', "\r\n");
    std::fs::write(&path, format!("\u{feff}{crlf}\u{1a}")).expect("write");
    let config = Config::load(&path).map_err(|err| err.to_string());
    let config = config.expect("the file is read");
    assert!(config.refused.is_empty(), "{:?}", config.refused);
    assert_eq!(config.sources[0].name, "usgs-earthquakes");
}

/// Two files Notepad saved "UTF-8 with BOM" joined into one (`type usgs.toml meteo.toml >
/// sources.toml` in a Windows prompt, or PowerShell's `Get-Content`): the second file's mark
/// stays at the start of its first line, invisible in any editor, and the parse said
/// "key with no value, expected `=`" at that line. Expected: read as it shows.
#[test]
fn two_files_saved_with_a_bom_and_joined_are_read_as_they_show() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sources.toml");
    let crlf = USGS.replace('\n', "\r\n");
    let second = crlf.replace("usgs-earthquakes", "usgs-second");
    std::fs::write(&path, format!("\u{feff}{crlf}\u{feff}{second}")).expect("write");
    let config = Config::load(&path).map_err(|err| err.to_string());
    let config = config.expect("the file is read");
    assert!(config.refused.is_empty(), "{:?}", config.refused);
    assert_eq!(config.sources.len(), 2);
}

/// A field name copied from an API's web page often brings a non-breaking space or a tab
/// with it, invisible in the editor. `url` and `name` refuse such blanks; a field path takes
/// them as part of the name: `--check` says `ready`, every record then lands "without a
/// `key` value" (the warning shows `key=id ` as if right) and the summariser skips them all.
#[test]
fn a_field_path_with_a_blank_pasted_at_its_end_is_refused_at_its_key() {
    for (key, pasted) in [
        ("key", "key = \"id\u{a0}\""),
        ("time", "time = \"properties.time\t\""),
    ] {
        let text = USGS
            .lines()
            .map(|line| {
                if line.starts_with(&format!("{key} =")) {
                    pasted
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains(pasted), "{text}");
        match parse(&text) {
            Ok(config) => panic!(
                "accepted, with `{key}` = {:?}: no record holds that field",
                match key {
                    "key" => config.sources[0].key.to_string(),
                    _ => config.sources[0].time.to_string(),
                }
            ),
            Err(message) => assert!(
                message.contains(&format!("key `{key}`")),
                "the refusal names the key: {message}"
            ),
        }
    }
}

/// Autocorrect (VS Code's paste from a web page, Word, a chat) turns `"…"` into `“…”` or
/// `‘…’`. TOML reads neither as quotes, and the refusal says "string values must be quoted
/// … write text between double quotes": the student, whose values are quoted on screen, is
/// not told that these quotes are the typographic ones to retype.
#[test]
fn a_value_in_typographic_quotes_is_refused_saying_the_quotes_are_curly() {
    for (written, quotes) in [
        ("every = \u{201c}1m\u{201d}", "“…”"),
        ("description = \u{2018}Earthquakes\u{2019}", "‘…’"),
    ] {
        let key = written.split(' ').next().unwrap_or_default();
        let text = USGS
            .lines()
            .map(|line| {
                if line.starts_with(&format!("{key} =")) {
                    written
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let message = error(&text);
        assert!(message.contains(&format!("key `{key}`")), "{message}");
        let said = ["typographic", "curly", "straight", "smart"]
            .iter()
            .any(|word| message.to_lowercase().contains(word));
        assert!(
            said,
            "the refusal of {quotes} does not say they are typographic quotes: {message}"
        );
    }
}

/// A French description holds the apostrophe autocorrect writes, `’` (U+2019), or a word in
/// “…”, inside TOML's straight single quotes (a literal string, as valid as double quotes). A
/// fault of that line that has nothing to do with quotes (the key written twice, after a
/// table copied and edited) is said with "the line's quotes are curly … retype them as
/// straight double quotes": the quotes are straight, the apostrophe is no quote, and the user
/// retyping them is still refused for the duplicate. `curly_quotes` tracks `"` alone, so text
/// in `'…'` is read as outside any quotes.
#[test]
fn a_line_in_straight_single_quotes_holding_an_apostrophe_is_not_said_to_have_curly_quotes() {
    for written in [
        "description = 'Hauteur d\u{2019}eau à Toulouse'",
        "description = 'Séismes \u{201c}majeurs\u{201d}'",
    ] {
        // The description written a second time: a duplicate key, its quotes straight.
        let message = error(&format!("{USGS}{written}\n"));
        assert!(
            message.contains("duplicate key"),
            "refused for the duplicate: {message}"
        );
        assert!(
            !message.contains("curly"),
            "{written} is said to have curly quotes: {message}"
        );
    }
}

/// Open data converted from a spreadsheet keeps its column headers as written, a trailing
/// space included (`"Débit "`, `"Code INSEE "`: data.gouv.fr's tabular API serves a CSV's
/// columns verbatim). Before this stop, `numeric = ["Débit "]` named that field and was
/// summarised; now every path with a blank at a name's edge is refused at its key, so the
/// source of an existing installation is refused after the upgrade ("remove it", which names
/// no field the records hold), and there is no way left to name the field at all. The blank
/// the records really hold is no paste from a web page.
#[test]
fn a_field_an_api_names_with_a_trailing_space_can_still_be_named() {
    let text = USGS.replace(
        "numeric = [\"properties.mag\"]",
        "numeric = [\"properties.mag\", \"properties.Débit \"]",
    );
    let config = match parse(&text) {
        Ok(config) => config,
        Err(message) => panic!("a sources.toml that named the field is now refused: {message}"),
    };
    let record = serde_json::json!({"properties": {"Débit ": 12.5, "Débit": null}});
    assert_eq!(
        config.sources[0].numeric[1].get(&record),
        Some(&serde_json::json!(12.5))
    );
}

/// A `sources.toml` saved with a classic Mac's line ends (a carriage return alone, which
/// Notepad keeps) was refused in toml's words, "carriage return must be followed by newline"
/// at line 1, naming no remedy.
#[test]
fn a_file_whose_lines_end_in_a_carriage_return_alone_says_how_to_save_it() {
    let text = "[[source]]\rname = \"quakes\"\rkind = \"http_json\"\r";
    let refused = Config::parse(text, Path::new("sources.toml"))
        .expect_err("a carriage return alone")
        .to_string();
    assert!(refused.starts_with("sources.toml:1: "), "{refused}");
    assert!(
        refused.contains("carriage return without a line feed")
            && refused.contains("save it with Unix (LF) or Windows (CRLF) line ends"),
        "{refused}"
    );
}

/// `highest` names a numeric field's record by its kind and place; one of a field not charted
/// by its values (no `numeric` field, or a `totals` one) is left out, the source kept.
#[test]
fn the_highest_record_is_named_by_fields_of_a_numeric_field_s_record() {
    let config = parse(&format!(
        "{USGS}highest = {{ field = \"properties.mag\", kind = \"properties.magType\", place = \"properties.place\" }}\n"
    ))
    .expect("a highest record");
    let highest = config.sources[0].highest.as_ref().expect("kept");
    assert_eq!(highest.field.as_str(), "properties.mag");
    assert_eq!(
        highest.kind.as_ref().map(FieldPath::as_str),
        Some("properties.magType")
    );
    assert_eq!(
        highest.place.as_ref().map(FieldPath::as_str),
        Some("properties.place")
    );
    for extra in [
        "highest = { field = \"properties.type\" }",
        "totals = [\"properties.mag\"]\nhighest = { field = \"properties.mag\" }",
    ] {
        let config = parse(&format!("{USGS}{extra}\n")).expect("left out is no refusal");
        assert_eq!(config.sources[0].highest, None, "{extra}");
    }
    let empty = error(&format!(
        "{USGS}highest = {{ field = \"properties.mag\", place = \"\" }}\n"
    ));
    assert!(
        empty.contains("key `highest`: `place` is an empty field path"),
        "{empty}"
    );
    let unknown = error(&format!(
        "{USGS}highest = {{ field = \"properties.mag\", where = \"x\" }}\n"
    ));
    assert!(unknown.contains("where"), "{unknown}");
}
