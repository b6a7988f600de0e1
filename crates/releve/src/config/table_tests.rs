//! A fault in one `[[source]]` table refuses that table alone, wherever TOML or the values go
//! wrong, and the other sources run; and what a table's values may be written as.

use super::tests::{error, parse};
use super::*;

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
        message.contains("key `params`: timezone = `Europe/Paris` asks the API for local times")
            && message.contains(
                "whose hour repeated when summer time ends would make two records of one time"
            ),
        "{message}"
    );
    assert!(error(&with("auto")).contains("timezone = `auto`"));
    for utc in [
        "UTC",
        "GMT",
        "utc",
        "Etc/UTC",
        "Etc/GMT+0",
        "Zulu",
        " UTC ",
        "",
    ] {
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
    // One in `params` is sent in place of the address's: UTC there asks for UTC alone.
    let both = in_url.replace("latitude = \"43.6\"", "timezone = \"UTC\"");
    parse(&both).unwrap_or_else(|err| panic!("{err}"));
    // Each of an address's `timezone` parameters is sent: an API may read the last.
    let twice = meteo("m", "").replace(
        "/v1/forecast\"",
        "/v1/forecast?timezone=UTC&timezone=Europe%2FParis\"",
    );
    assert!(error(&twice).contains("key `url`: timezone = `Europe/Paris`"));
    // On one line, whatever the address decodes to.
    let broken = meteo("m", "").replace(
        "/v1/forecast\"",
        "/v1/forecast?timezone=Europe%2FParis%0Aforged\"",
    );
    let message = error(&broken);
    assert!(
        !message.contains('\n') && message.contains("timezone = `Europe/Paris\\nforged`"),
        "{message}"
    );
    assert!(message.contains("`resolution = \"day\"`, may ask for its days in a local zone"));
}

/// Daily values are days: asked in a local zone (Open-Meteo then sums and ranges each local
/// day), they are written by the day alone, which counts in its own day in any zone. Whether
/// the records are days written alone is known only from the answer, which the collector
/// checks; Open-Meteo's `timeformat = "unixtime"`, which dates them by their local midnights
/// as instants, is refused here already.
#[test]
fn a_source_of_daily_values_may_ask_for_its_days_in_a_local_zone() {
    let text = meteo("m", "resolution = \"day\"")
        .replace("latitude = \"43.6\"", "timezone = \"Europe/Paris\"");
    let config = parse(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(config.sources[0].resolution, crate::Resolution::Day);
    let iso = text.replace("timezone =", "timeformat = \"iso8601\"\ntimezone =");
    parse(&iso).unwrap_or_else(|err| panic!("{err}"));
    let unixtime = text.replace("timezone =", "timeformat = \"unixtime\"\ntimezone =");
    let message = error(&unixtime);
    assert!(
        message.contains("key `params`: timeformat = `unixtime` with timezone = `Europe/Paris` dates each day by its local midnight as an instant"),
        "{message}"
    );
    let in_url = text.replace("/v1/forecast\"", "/v1/forecast?timeformat=unixtime\"");
    assert!(error(&in_url).contains("key `url`: timeformat = `unixtime`"));
    // `params`' `timeformat` is sent in place of the address's.
    let replaced = in_url.replace("timezone =", "timeformat = \"iso8601\"\ntimezone =");
    parse(&replaced).unwrap_or_else(|err| panic!("{err}"));
    // In GMT, a midnight as an instant is the day's own.
    parse(&unixtime.replace("Europe/Paris", "GMT")).unwrap_or_else(|err| panic!("{err}"));
}

/// An API's query parameter written as a key of the source is pointed to `params`.
#[test]
fn a_query_parameter_written_as_a_key_is_pointed_to_params() {
    let message = error(&meteo("m", "past_days = 7"));
    assert!(
        message.contains("unknown key `past_days`, expected one of"),
        "{message}"
    );
    assert!(
        message.contains(
            "; if it is a query parameter of the API, it goes in `params` (`params = { past_days = \"…\" }`)"
        ),
        "{message}"
    );
    // A zone: the records' own, or the API's parameter.
    let message = error(&meteo("m", "timezone = \"Europe/Paris\""));
    assert!(
        message.contains(
            "unknown key `timezone`: the zone of times the API writes without an offset is `local_times = \"Europe/Paris\"`; an API's own `timezone` parameter, in `params`, is taken only for a source of daily values (`resolution = \"day\"`)"
        ),
        "{message}"
    );
    let message = error(&meteo("m", "tz = \"Europe/Paris\""));
    assert!(
        message.contains(
            "unknown key `tz`: the zone of times the API writes without an offset is `local_times = \"Europe/Paris\"`; an API's own `tz` parameter goes in `params` (`params = { tz = \"…\" }`)"
        ),
        "{message}"
    );
}

/// A table in `params` (`filter.year = 2026`, meant as `filter[year]`) is said to be a table,
/// with how to write a name holding a dot or brackets.
#[test]
fn a_table_in_query_parameters_is_refused_as_a_table() {
    let message = error(&meteo("m", "").replace("latitude = \"43.6\"", "filter.year = 2026"));
    assert!(
        message.contains(
            "key `params`: `filter` is a table (`filter.year = …` or `filter = { … }`), and each value is text, a number or true/false: quote a parameter name holding a dot or brackets, `\"filter.year\" = …` or `\"filter[year]\" = …`"
        ),
        "{message}"
    );
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
        error(&meteo("m", "").replace(
            "latitude = \"43.6\"",
            "hourly = [\"temperature_2m\", \"precipitation\"]"
        ))
        .contains("(`hourly = \"temperature_2m,precipitation\"`)"),
        "the user's own values are joined, not an example's"
    );
    assert!(
        message.contains("key `params`: `latitude`: each value is text, a number or true/false; write a list as the one text the API reads (`latitude = \"1,2\"`)"),
        "{message}"
    );
    let message = error(&meteo("m", "").replace("latitude = \"43.6\"", "start = 2026-12-03"));
    assert!(
        message.contains("key `params`: `start` = 2026-12-03 is a TOML date: write it as text, `start = \"2026-12-03\"`, to send it as written"),
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

pub(super) fn read(text: &str) -> Result<Config, String> {
    Config::parse(text, Path::new("sources.toml")).map_err(|err| err.to_string())
}

pub(super) fn accepted(config: &Config) -> Vec<&str> {
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
fn a_key_written_twice_in_one_table_and_a_value_left_open_in_another_refuse_those_two() {
    let text = format!(
        "{}{}{}{}",
        plain("a", ""),
        plain("b", "every = \"2h\""),
        plain("c", "numeric = [\"a\", \"b\"\ncategories = [\"c\"]"),
        meteo("d", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(accepted(&config), ["a", "d"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].contains("source `b`: key `every`: duplicate key"),
        "{refused:?}"
    );
    assert!(
        refused[1].contains("source `c`: key `numeric`: its `[` or `{` is not closed"),
        "{refused:?}"
    );
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

#[test]
fn a_sub_table_toml_refuses_refuses_its_own_table_alone() {
    for (extra, says) in [
        (
            "categories = [\"c\"]\n[source.value_labels.c]\n\"1\" = \"one\"\n[source.value_labels.c]\n\"2\" = \"two\"",
            "sources.toml:19: source `b`: table `[source.value_labels.c]`: duplicate key",
        ),
        (
            "units = { a = \"m\" }\n[source.units] # again\nb = \"s\"",
            "sources.toml:17: source `b`: table `[source.units]`: duplicate key (a sub-table written twice, or over a key of the same name written in the table)",
        ),
    ] {
        let text = format!("{}{}{}", plain("a", ""), plain("b", extra), meteo("c", ""));
        let config = read(&text).unwrap_or_else(|err| panic!("{extra}: {err}"));
        assert_eq!(accepted(&config), ["a", "c"], "{extra}");
        assert_eq!(config.refused.len(), 1, "{extra}");
        let refused = config.refused[0].to_string();
        assert!(refused.starts_with(says), "{refused}");
        assert_eq!(config.refused[0].table_line, 9);
    }
    // A header toml cannot read alone is malformed, not a table's fault: the file stops.
    let text = format!("{}{}", plain("a", ""), plain("b", "[source.]\nx = \"1\""));
    let err = read(&text).expect_err("a malformed header stops the file");
    assert!(err.starts_with("sources.toml:"), "{err}");
}

#[test]
fn an_unquoted_value_in_one_table_and_a_value_left_open_in_a_later_one_refuse_those_two() {
    // Probe (many sources): in a 40-source file, `every = 1h` unquoted in one table and a `]`
    // missing in a later one refused the whole file (exit 2, naming the key after the open
    // one), so none of the other sources ran; each fault alone refuses its table alone.
    let text = format!(
        "{}{}{}{}",
        plain("a", ""),
        plain("b", "x = 15m"),
        plain("c", "numeric = [\"a\", \"b\"\ncategories = [\"c\"]"),
        meteo("d", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(accepted(&config), ["a", "d"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].contains("source `b`: key `x`"), "{refused:?}");
    assert!(
        refused[1].contains("source `c`: key `numeric`: its `[` or `{` is not closed"),
        "{refused:?}"
    );
}

#[test]
fn a_value_toml_cannot_read_and_a_later_one_left_open_refuse_their_two_tables() {
    // toml says a `]` or `}` missing before a value it cannot read, wherever each is: the
    // first in the file is refused first, so that the text before the other reads as TOML.
    let left_open = [
        (
            plain("c", "numeric = [\"a\", \"b\"\ncategories = [\"c\"]"),
            "sources.toml:24: source `c`: key `numeric`: its `[` or `{` is not closed",
        ),
        (
            plain("c", "numeric = [\"a\", \"b\""),
            "sources.toml:24: source `c`: key `numeric`: its `[` or `{` is not closed",
        ),
        (
            plain("c", "units = { a = \"m\"\ndescription = \"x\""),
            "sources.toml:24: source `c`: key `units`: its `[` or `{` is not closed",
        ),
        // Left open before a sub-table, and in one.
        (
            meteo("c", "units = { a = \"m\""),
            "sources.toml:25: source `c`: key `units`: its `[` or `{` is not closed",
        ),
        (
            meteo("c", "").replace("= \"43.6\"", "= [\"43.6\"\nlongitude = \"1.4\""),
            "sources.toml:27: source `c`: key `latitude`: its `[` or `{` is not closed",
        ),
    ];
    for (bad, says) in [
        (
            "x = 15m",
            "sources.toml:16: source `b`: key `x`: string values must be quoted",
        ),
        (
            "description = \"abc",
            "sources.toml:16: source `b`: key `description`: invalid basic string",
        ),
        (
            "x = 1.5.3",
            "sources.toml:16: source `b`: key `x`: invalid float",
        ),
    ] {
        for (open, open_says) in &left_open {
            let text = format!(
                "{}{}{open}{}",
                plain("a", ""),
                plain("b", bad),
                meteo("d", "")
            );
            let config = read(&text).unwrap_or_else(|err| panic!("{bad} / {open}: {err}"));
            assert_eq!(accepted(&config), ["a", "d"], "{bad} / {open}");
            let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
            assert_eq!(refused.len(), 2, "{refused:?}");
            assert!(refused[0].starts_with(says), "{refused:?}");
            assert!(refused[1].starts_with(open_says), "{refused:?}");
        }
    }
}

#[test]
fn a_header_left_unclosed_after_two_faulty_tables_refuses_its_own_table_too() {
    // toml says the unclosed header first, though the other two come before it in the file.
    let text = format!(
        "{}{}{}{}{}",
        plain("a", ""),
        plain("b", "numeric = [\"a\", \"b\"\ncategories = [\"c\"]"),
        plain("c", "x = 15m"),
        plain("d", "[source.units\ntemperature = \"°C\""),
        meteo("e", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(accepted(&config), ["a", "e"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(
        refused[0].starts_with(
            "sources.toml:16: source `b`: key `numeric`: its `[` or `{` is not closed"
        ),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with("sources.toml:25: source `c`: key `x`"),
        "{refused:?}"
    );
    assert!(
        refused[2].starts_with("sources.toml:33: source `d`: header `[source.units` is not closed"),
        "{refused:?}"
    );
}

#[test]
fn a_header_left_unclosed_after_a_value_left_open_is_not_taken_into_its_table() {
    // toml reads `[[source]` as part of the open value: blanking the table up to the next
    // header it counts took the next table with it, neither run nor refused.
    let next = plain("c", "").replacen("[[source]]", "[[source]", 1);
    for (open, says) in [
        (
            "numeric = [\"a\", \"b\"",
            "sources.toml:16: source `b`: key `numeric`: its `[` or `{` is not closed",
        ),
        (
            "units = { a = \"m\"",
            "sources.toml:16: source `b`: key `units`: its `[` or `{` is not closed",
        ),
        (
            "[source.units\na = \"m\"",
            "sources.toml:16: source `b`: header `[source.units` is not closed",
        ),
    ] {
        let text = format!(
            "{}{}{next}{}",
            plain("a", ""),
            plain("b", open),
            meteo("d", "")
        );
        let config = read(&text).unwrap_or_else(|err| panic!("{open}: {err}"));
        assert_eq!(accepted(&config), ["a", "d"], "{open}");
        let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(refused[0].starts_with(says), "{refused:?}");
        // At its header's line, after `b`'s one or two lines.
        let c_line = 16 + open.lines().count();
        assert_eq!(
            refused[1],
            format!(
                "sources.toml:{c_line}: source `c`: header `[[source]` is not closed: write `[[source]]`"
            )
        );
    }
}

#[test]
fn a_table_with_a_value_toml_cannot_read_above_one_left_open_is_refused_at_the_first() {
    // Its first fault in the file's order is said, at its line: the `[` left open below it is
    // not said as where toml stopped reading above it.
    let open = "numeric = [\"a\", \"b\"\ncategories = [\"c\"]";
    let text = format!(
        "{}{}{}",
        plain("a", ""),
        plain("b", &format!("x = 15m\n{open}")),
        meteo("c", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(accepted(&config), ["a", "c"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(
        refused,
        [
            "sources.toml:16: source `b`: key `x`: string values must be quoted, expected literal string (write text between double quotes: `key = \"text\"`)"
        ]
    );
}

/// A `drop` left open in a table holding a multi-line `description`: the README lets the whole
/// file be refused then ("TOML that cannot be read when the table it belongs to is not
/// certain"), but the line must still point at the key left open, not at the next table's
/// `[[source]]` header with toml's "missing comma" there, a line that holds no comma to miss
/// (found by the review of stop 56; stop 55's test for it was moved to the known list).
/// The same with a key after the one left open, as in most tables (`numeric` left open,
/// `labels` below it): toml stops at `labels`, read as an array element, and the file was
/// refused at line 12 naming key `labels`, a line holding nothing wrong (found at stop
/// 57).
#[test]
fn a_value_left_open_beside_a_multi_line_string_is_said_at_its_own_key() {
    for (open, key) in [
        ("drop = [\"x\"", "`drop`"),
        ("numeric = [\"x\"\nlabels = { x = \"X\" }", "`numeric`"),
    ] {
        let text = format!(
            "{}{}",
            plain(
                "a",
                &format!("description = \"\"\"a\nmulti-line\n\"\"\"\n{open}")
            ),
            plain("b", "")
        );
        // Line 11 is the key left open.
        let said = match read(&text) {
            Err(err) => err,
            Ok(config) => config
                .refused
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        };
        assert!(
            said.starts_with("sources.toml:11:") && said.contains(key),
            "{said}"
        );
    }
}

/// A key left without `=` and its value (a half-typed line, a comma for a letter) is a TOML
/// mistake inside its table, as `every = 15m` is: that table alone is refused, at the line.
#[test]
fn a_key_without_a_value_refuses_its_own_table_alone() {
    for line in ["periodicity", "t,ime = \"t\"", "drop [\"x\"]"] {
        let text = format!("{}{}", plain("a", line), plain("b", ""));
        let config =
            read(&text).unwrap_or_else(|err| panic!("{line}: the file is readable: {err}"));
        assert_eq!(accepted(&config), ["b"], "{line}");
        let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
        assert_eq!(refused.len(), 1, "{line}: {refused:?}");
        assert!(
            refused[0].starts_with("sources.toml:8: source `a`:"),
            "{line}: {refused:?}"
        );
    }
}

/// toml stops at a dotted key of 80 parts or more with a fault that has no place in the file:
/// it is still the fault of the table holding the key, refused alone at the key's line.
#[test]
fn a_dotted_key_too_deep_for_toml_refuses_its_own_table_alone() {
    let deep = format!("units{} = \"km\"", ".x".repeat(80));
    let text = format!("{}{}", plain("a", ""), plain("b", &deep));
    let config = read(&text).expect("the file is readable");
    assert_eq!(accepted(&config), ["a"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].starts_with("sources.toml:16: source `b`: key `units"),
        "{refused:?}"
    );
}

/// A table with a dotted key too deep for toml above one with a key left without `=`: each
/// fault alone refuses its own table (as does the same pair in the other order), but together
/// the whole file is refused at the second table's line and every stage stops, the sources
/// without a fault included.
#[test]
fn a_dotted_key_too_deep_above_a_key_without_a_value_refuses_their_tables_alone() {
    let deep = format!("units{} = \"km\"", ".x".repeat(80));
    let text = format!(
        "{}{}{}",
        plain("a", &deep),
        plain("b", "periodicity"),
        plain("c", "")
    );
    let config = read(&text).unwrap_or_else(|err| panic!("the file is refused whole: {err}"));
    assert_eq!(accepted(&config), ["c"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with("sources.toml:8: source `a`:")
            && refused[1].starts_with("sources.toml:16: source `b`:"),
        "{refused:?}"
    );
}
