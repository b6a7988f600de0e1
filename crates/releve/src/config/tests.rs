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
fn plausible_ranges_apply_to_numeric_fields_in_order() {
    let message = error(&format!("{USGS}plausible = {{ depth = [0, 700] }}\n"));
    assert!(
        message.ends_with("key `plausible`: `depth` is not one of the `numeric` fields"),
        "{message}"
    );
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
            .starts_with("sources.toml:3: source `USGS quakes`: key `name` must match [a-z0-9-]+"),
        "{bad_name}"
    );
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
    let units = error(&format!("{USGS}units = {{ nope = \"km\" }}\n"));
    assert!(
        units.starts_with("sources.toml:15: source `usgs-earthquakes`: key `units`: `nope`"),
        "{units}"
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
fn a_retention_of_zero_days_is_refused() {
    let message = error(&format!("{USGS}keep_days = 0\n"));
    assert!(
        message.starts_with("sources.toml:15: source `usgs-earthquakes`: key `keep_days`"),
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

/// A source table for the isolation tests, with `extra` lines.
fn meteo(name: &str, extra: &str) -> String {
    format!(
        r#"
[[source]]
name = "{name}"
kind = "http_json"
url = "https://api.open-meteo.com/v1/forecast"
every = "1h"
key = "time"
time = "time"
{extra}
[source.params]
latitude = "43.6"
"#
    )
}

#[test]
fn an_api_asked_for_local_times_is_refused_as_they_would_read_as_utc() {
    let with = |zone: &str| {
        meteo("m", "").replace("latitude = \"43.6\"", &format!("timezone = \"{zone}\""))
    };
    let message = error(&with("Europe/Paris"));
    assert!(
        message.contains("key `params`: timezone = `Europe/Paris` asks the API for local times"),
        "{message}"
    );
    assert!(error(&with("auto")).contains("timezone = `auto`"));
    for utc in ["UTC", "GMT", "utc", "Etc/UTC"] {
        parse(&with(utc)).unwrap_or_else(|err| panic!("{utc}: {err}"));
    }
    // As copied from Open-Meteo's address builder.
    let in_url = meteo("m", "").replace(
        "/v1/forecast\"",
        "/v1/forecast?current=temperature_2m&timezone=Europe%2FParis\"",
    );
    let message = error(&in_url);
    assert!(
        message.contains("key `url`: timezone = `Europe/Paris` asks the API for local times"),
        "{message}"
    );
    // Both are sent: a UTC one in `params` does not hide the address's.
    let both = in_url.replace("latitude = \"43.6\"", "timezone = \"UTC\"");
    assert!(error(&both).contains("key `url`: timezone = `Europe/Paris`"));
}

#[test]
fn query_parameters_may_be_written_as_numbers_and_booleans() {
    let text = meteo("m", "").replace(
        "latitude = \"43.6\"",
        "latitude = 43.6\nlongitude = 1.44\nforecast_days = 1\npast = false",
    );
    let config = parse(&text).expect("numbers are sent as written");
    let SourceKind::HttpJson(http) = &config.sources[0].kind else {
        panic!("http_json");
    };
    let sent: Vec<(&str, &str)> = http
        .params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        sent,
        [
            ("forecast_days", "1"),
            ("latitude", "43.6"),
            ("longitude", "1.44"),
            ("past", "false")
        ]
    );
    let message = error(&meteo("m", "").replace("latitude = \"43.6\"", "latitude = [1, 2]"));
    assert!(
        message.contains("key `params`: each value is text, a number or true/false"),
        "{message}"
    );
}

#[test]
fn a_refused_source_leaves_the_others_running() {
    let text = format!(
        "{}{}{}{}\n[report]\ntimezone = \"UTC\"\n",
        meteo("first", ""),
        meteo("typo", "numerik = [\"temperature\"]"),
        meteo("bad-range", "numeric = [\"t\"]\nplausible = { t = [5, 1] }"),
        meteo("last", "numeric = [\"t\"]"),
    );
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["first", "last"]);
    assert_eq!(config.sources[1].line, 36, "lines stay those of the file");
    for source in &config.sources {
        let SourceKind::HttpJson(http) = &source.kind else {
            panic!("{} is http_json", source.name);
        };
        assert_eq!(
            http.params.get("latitude").map(String::as_str),
            Some("43.6"),
            "each source keeps its own sub-table"
        );
    }
    assert_eq!(config.report.timezone, chrono_tz::UTC);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with(
            "sources.toml:20: source `typo`: unknown key `numerik` (did you mean `numeric`?)"
        ),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with("sources.toml:32: source `bad-range`: key `plausible`"),
        "{refused:?}"
    );
    assert_eq!(config.refused_source("typo").map(|r| r.line), Some(20));
    assert!(config.refused_source("first").is_none());
}

#[test]
fn a_refused_sub_table_goes_with_its_source() {
    let broken = meteo("broken", "").replace("latitude = \"43.6\"", "latitude = [1, 2]");
    let text = format!("{broken}{}", meteo("fine", ""));
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["fine"]);
    assert_eq!(config.refused.len(), 1, "{:?}", config.refused);
    assert_eq!(config.refused[0].name.as_deref(), Some("broken"));
    assert_eq!(config.refused[0].line, 10, "{}", config.refused[0]);
}

#[test]
fn a_name_written_twice_refuses_the_later_table() {
    let text = format!("{}{}", meteo("same", ""), meteo("same", ""));
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    assert_eq!(config.sources.len(), 1);
    assert_eq!(config.sources[0].line, 2);
    assert_eq!(
        config.refused[0].to_string(),
        "sources.toml:14: source `same`: key `name` repeats the source of line 2"
    );
    // The earlier table refused, the later one is still a second source of that name.
    let text = format!("{}{}", meteo("same", "every2 = 1"), meteo("same", ""));
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    assert!(config.sources.is_empty(), "{:?}", config.sources);
    assert_eq!(config.refused.len(), 2);
}

#[test]
fn toml_that_cannot_be_read_in_one_table_refuses_that_table() {
    let text = format!(
        "{}{}{}",
        meteo("unquoted", "timeout = 15s"),
        meteo("twice", "url = \"https://example.org\""),
        meteo("fine", ""),
    );
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["fine"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with("sources.toml:9: source `unquoted`: key `timeout`:"),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with("sources.toml:20: source `twice`: key `url`:"),
        "{refused:?}"
    );
    assert_eq!(
        [config.refused[0].table_line, config.refused[1].table_line],
        [2, 13]
    );
    assert_eq!(config.sources[0].line, 24);
}

#[test]
fn a_repeated_name_quotes_the_first_tables_line_and_runs_it() {
    let text = format!("{}{}", meteo("same", "every2 = 1"), meteo("same", ""));
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    assert!(
        config.refused[1]
            .to_string()
            .ends_with("key `name` repeats the source of line 2"),
        "the first table's header, not its faulty key: {}",
        config.refused[1]
    );
    assert!(
        !config.refused.iter().any(|r| r.duplicate),
        "no `same` runs"
    );
    let text = format!("{}{}", meteo("same", ""), meteo("same", "every2 = 1"));
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    assert_eq!(config.sources.len(), 1);
    assert!(config.refused[0].duplicate, "the first `same` runs");
}

#[test]
fn a_refused_name_stays_on_one_line() {
    let text = meteo("line\\nbreak\\u001b[31m", "");
    let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is readable");
    let message = config.refused[0].to_string();
    assert!(
        !message.contains('\n') && !message.contains('\u{1b}'),
        "{message:?}"
    );
    assert!(
        message.contains("source `line\\nbreak\\u{1b}[31m`"),
        "{message}"
    );
}

/// A source table without sub-tables, with `extra` lines.
fn plain(name: &str, extra: &str) -> String {
    format!(
        "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"https://example.org\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n{extra}\n"
    )
}

fn read(text: &str) -> Result<Config, String> {
    Config::parse(text, Path::new("sources.toml")).map_err(|err| err.to_string())
}

fn accepted(config: &Config) -> Vec<&str> {
    config.sources.iter().map(|s| s.name.as_str()).collect()
}

/// Checks that `text` yields source `a` alone, without the refused `b`'s `[source.params]`
/// written after `[report] keep = 3`.
fn only_a_without_params(text: &str) {
    let config = read(text).expect("the file is readable");
    assert_eq!(accepted(&config), ["a"]);
    let SourceKind::HttpJson(http) = &config.sources[0].kind else {
        panic!("http_json");
    };
    assert!(http.params.is_empty(), "{:?}", http.params);
    assert_eq!(config.report.keep, 3);
}

#[test]
fn a_table_after_one_toml_cannot_read_keeps_its_header_however_written() {
    for header in ["[[source]]#c", "[[source]]\t# c", "[[ source ]] # c"] {
        let third = plain("c", "").replacen("[[source]]", header, 1);
        let text = format!("{}{}{third}", plain("a", ""), plain("b", "x = 15m"));
        let config = read(&text).expect("the file is readable");
        assert_eq!(accepted(&config), ["a", "c"], "{header}");
        assert_eq!(config.refused.len(), 1, "{header}: {:?}", config.refused);
        assert_eq!(config.refused[0].name.as_deref(), Some("b"));
    }
}

#[test]
fn a_sub_table_written_after_the_report_stays_with_its_unreadable_source() {
    let text = format!(
        "{}{}[report]\nkeep = 3\n[source.params]\nlatitude = \"b-only\"\n",
        plain("a", ""),
        plain("b", "x = 15m")
    );
    only_a_without_params(&text);
}

#[test]
fn an_array_or_inline_table_left_open_inside_a_table_refuses_that_table_alone() {
    for (extra, says) in [
        (
            "numeric = [\"a\", \"b\"\ncategories = [\"c\"]",
            "sources.toml:16: source `b`: key `numeric`: its `[` or `{` is not closed, so the lines after it were read as part of its value (toml at line 17: ",
        ),
        (
            "units = { a = \"m\"\ndescription = \"x\"",
            "sources.toml:16: source `b`: key `units`: its `[` or `{` is not closed",
        ),
    ] {
        let text = format!("{}{}{}", plain("a", ""), plain("b", extra), meteo("c", ""));
        let config = read(&text).unwrap_or_else(|err| panic!("{extra}: {err}"));
        assert_eq!(accepted(&config), ["a", "c"], "{extra}");
        let refused = config.refused[0].to_string();
        assert!(refused.starts_with(says), "{refused}");
        assert_eq!(config.refused[0].table_line, 9);
    }
}

#[test]
fn a_value_left_open_is_told_apart_from_comments_and_keeps_its_later_sub_tables() {
    let open = "numeric = [\"a\", \"b\"\ncategories = [\"c\"]";
    // Commented-out brackets, before the tables and inside the faulty one.
    for text in [
        format!("# numeric = [\"x\"\n{}{}", plain("a", ""), plain("b", open)),
        format!(
            "{}{}",
            plain("a", "# numeric = [\n#   \"x\",\n# ]"),
            plain("b", open)
        ),
        format!(
            "{}{}",
            plain("a", ""),
            plain("b", &format!("# units = {{\n{open}"))
        ),
    ] {
        let config = read(&text).unwrap_or_else(|err| panic!("{text}\n{err}"));
        assert_eq!(accepted(&config), ["a"], "{text}");
        let refused = config.refused[0].to_string();
        assert!(
            refused.contains("source `b`: key `numeric`: its `[` or `{` is not closed"),
            "{refused}"
        );
    }
    // A multi-line string's brackets are not counted: toml's own message, at its key.
    let text = format!(
        "{}{}",
        plain("a", ""),
        plain(
            "b",
            "description = \"\"\"\nReadings x = [0, 100) per hour\n\"\"\"\nx = 15m"
        )
    );
    let config = read(&text).expect("the file is readable");
    let refused = config.refused[0].to_string();
    assert!(refused.contains("source `b`: key `x`:"), "{refused}");
    // A bracket left open in a sub-table of the last table is named too.
    let text = format!(
        "{}{}[source.plausible]\ntemp = [-30, 50\nhum = [0, 100]\n",
        plain("a", ""),
        plain("b", "")
    );
    let config = read(&text).expect("the file is readable");
    let refused = config.refused[0].to_string();
    assert!(
        refused
            .starts_with("sources.toml:18: source `b`: key `temp`: its `[` or `{` is not closed"),
        "{refused}"
    );
    // A bracket left open in a sub-table written after `[report]`, another table after it.
    let text = format!(
        "{}{}[report]\nkeep = 3\n[source.plausible]\ntemp = [-30, 50\nhum = [0, 100]\n{}",
        plain("a", ""),
        plain("b", ""),
        plain("c", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(accepted(&config), ["a", "c"]);
    let refused = config.refused[0].to_string();
    assert!(
        refused
            .starts_with("sources.toml:20: source `b`: key `temp`: its `[` or `{` is not closed"),
        "{refused}"
    );
    // A `]` missing on the last key of a table or sub-table: toml stops at the next header,
    // or reads it into the value and stops inside the next table.
    for (text, key) in [
        (
            format!(
                "{}{}[source.plausible]\ntemp = [-30, 50\n{}",
                plain("a", ""),
                plain("b", ""),
                plain("c", "")
            ),
            "temp",
        ),
        (
            format!(
                "{}{}\n{}",
                plain("a", ""),
                plain("b", "numeric = [\"a\",").trim_end(),
                plain("c", "")
            ),
            "numeric",
        ),
        (
            format!(
                "{}{}[source.plausible]\ntemp = [-30, 50\n[source.units]\ntemp = \"C\"\n[report]\nkeep = 3\n",
                plain("a", ""),
                plain("b", "")
            ),
            "temp",
        ),
    ] {
        let config = read(&text).unwrap_or_else(|err| panic!("{text}\n{err}"));
        let accepted = accepted(&config);
        assert!(
            accepted.contains(&"a") && !accepted.contains(&"b"),
            "{text}"
        );
        let refused = config.refused[0].to_string();
        assert!(
            refused.contains(&format!(
                "source `b`: key `{key}`: its `[` or `{{` is not closed"
            )),
            "{refused}"
        );
    }
    // A multi-line string in an earlier table, which toml reads: the table at fault is certain.
    let text = format!(
        "{}{}{}",
        plain("a", "description = \"\"\"\nmulti\n[report]\n\"\"\""),
        plain("b", open),
        plain("c", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(accepted(&config), ["a", "c"]);
    assert!(
        config.refused[0]
            .to_string()
            .contains("source `b`: key `numeric`")
    );
    // The refused table's sub-table written after `[report]` goes with it, not to `a`.
    let text = format!(
        "{}{}[report]\nkeep = 3\n[source.params]\nq = \"2\"\n",
        plain("a", ""),
        plain("b", open)
    );
    only_a_without_params(&text);
}

#[test]
fn when_the_table_cannot_be_told_for_sure_the_file_is_refused() {
    // A header-like line in a multi-line string of the unreadable table: blanking would drop
    // or invent tables.
    let text = format!(
        "{}{}",
        plain(
            "b",
            "x = 15m\ndescription = \"\"\"\n[report]\nkeep = 3 #\"\"\""
        ),
        plain("a", "")
    );
    let refused = read(&text).expect_err("the whole file is refused");
    assert!(refused.starts_with("sources.toml:"), "{refused}");
}

#[test]
fn other_tables_are_refused_at_their_key_beside_one_toml_cannot_read() {
    let text = format!(
        "{}{}{}",
        plain("a", ""),
        plain("b", "x = 15m"),
        plain("a", "")
    );
    let config = read(&text).expect("the file is readable");
    let repeat = config
        .refused
        .iter()
        .find(|r| r.duplicate)
        .expect("the second `a` is refused");
    assert_eq!(repeat.table_line, 17);
    assert_eq!(repeat.line, 18, "at its `name` key: {repeat}");
}

#[test]
fn every_source_refused_is_still_a_readable_file() {
    let config = Config::parse(&meteo("only", "every2 = 1"), Path::new("sources.toml"))
        .expect("the file is readable");
    assert!(config.sources.is_empty());
    assert_eq!(config.refused.len(), 1);
}

#[test]
fn faults_outside_the_sources_refuse_the_file() {
    for (text, says) in [
        (format!("{}[[source]\n", meteo("a", "")), "sources.toml:12:"),
        (
            format!("{}[report]\ntimezone = Europe/Paris\n", meteo("a", "")),
            "sources.toml:13: key `timezone`",
        ),
        (
            format!("[report]\ntimezone = \"Mars/Olympus\"\n{}", meteo("a", "")),
            "sources.toml:2: key `timezone`",
        ),
        (
            format!("{}\n[extra]\nx = 1\n", meteo("a", "")),
            "sources.toml:",
        ),
        // Sources as a value, valid or not, and a single `[source]` table.
        (
            "source = [{ name = \"g\", kind = \"http_json\", url = \"http://127.0.0.1:9/\", every = \"1m\", key = \"id\", time = \"t\" }]\n".to_owned(),
            "sources.toml:1: write each source as a `[[source]]` table",
        ),
        (
            format!("# sources\n\nsource = [\n  {{ name = \"g\", every = \"often\" }},\n]\n{}", meteo("a", "")),
            "sources.toml:3: write each source as a `[[source]]` table",
        ),
        (
            "[source]\nname = \"g\"\n".to_owned(),
            "sources.toml:1: write each source as a `[[source]]` table, not as `[source]`",
        ),
        (
            format!("[source.params]\nlatitude = 1\n\n{}", meteo("a", "")),
            "sources.toml:1: `[source.params]` comes before any `[[source]]` table: write it after the `[[source]]` table it belongs to",
        ),
    ] {
        let refused = Config::parse(&text, Path::new("sources.toml"))
            .expect_err("the whole file is refused")
            .to_string();
        assert!(refused.starts_with(says), "{refused}");
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
fn a_bad_kind_specific_value_names_the_source_key_and_line() {
    assert_eq!(
        error(&format!("{ECO2MIX}incremental = \"yes\"\n")),
        "sources.toml:10: source `eco2mix`: key `incremental`: invalid type: string \"yes\", \
         expected a boolean"
    );
}

#[test]
fn a_bad_value_inside_a_kind_specific_table_names_the_key() {
    assert_eq!(
        error(&format!("{USGS}params = {{ latitude = [43.6] }}\n")),
        "sources.toml:15: source `usgs-earthquakes`: key `params`: each value is text, a number \
         or true/false"
    );
    assert_eq!(
        error(&format!("{USGS}params.latitude = [43.6]\n")),
        "sources.toml:15: source `usgs-earthquakes`: key `params`: each value is text, a number \
         or true/false",
        "a dotted key is named too"
    );
}

#[test]
fn a_bad_lookback_names_the_key() {
    assert_eq!(
        error(&format!(
            "{ECO2MIX}incremental = true\nlookback = \"3 hours\"\n"
        )),
        "sources.toml:11: source `eco2mix`: key `lookback`: `3 hours` is not an interval: \
         write a whole number and a unit s, m, h or d, e.g. `15m`"
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
        "sources.toml:4: source `usgs-earthquakes`: key `kind`: unknown variant `ftp`, \
         expected one of `http_json`, `opendatasoft`, `ods_v1`, `france_travail`"
    );
}

/// Naming every field of `Source` here makes a new field fail to compile until it is added
/// below, and then this test fails until `COMMON_KEYS` lists it (`Source` renames no field).
#[test]
fn every_common_key_is_listed() {
    macro_rules! fields_of_source {
        ($source:expr, $($field:ident),*) => {{
            let Source { $($field: _,)* kind: _, line: _ } = $source;
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
        numeric,
        categories,
        lon,
        lat,
        map_frame,
        units,
        plausible,
        description,
        periodicity,
        access,
        licence,
        keep_days,
        drop,
        rate_limit,
        timeout,
        enabled
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
    ] {
        parse(&keyed(fine)).unwrap_or_else(|err| panic!("{fine}: {err}"));
    }
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
