//! A header or a multi-line string left unclosed is said where it is written: toml gives up
//! later (at the end of the line or of the file) and would blame what it reached.

use super::table_tests::{accepted, read};
use super::*;

/// A source table with `name_line` for its name.
fn source(header: &str, name_line: &str) -> String {
    format!(
        "{header}\n{name_line}\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n\n"
    )
}

#[test]
fn an_unclosed_source_header_refuses_its_own_table_not_the_report() {
    let text = format!(
        "[report]\ntimezone = \"Europe/Paris\"\n\n{}{}",
        source("[[source]", "name = \"first\""),
        source("[[source]]", "name = \"second\"")
    );
    let config = read(&text).expect("`[report]` and the other source are read");
    assert_eq!(accepted(&config), ["second"]);
    assert_eq!(
        config.refused[0].to_string(),
        "sources.toml:4: source `first`: header `[[source]` is not closed: write `[[source]]`"
    );
    assert_eq!(config.refused[0].name.as_deref(), Some("first"));
    assert_eq!(config.refused[0].table_line, 4);
    // A name that cannot be read: the table is refused all the same, unnamed.
    let text = format!(
        "[report]\n\n{}{}",
        source("[[source]", "name = 42"),
        source("[[source]]", "name = \"second\"")
    );
    let config = read(&text).expect("the other source is read");
    assert_eq!(accepted(&config), ["second"]);
    assert_eq!(config.refused[0].name, None);
    assert_eq!(
        config.refused[0].to_string(),
        "sources.toml:3: header `[[source]` is not closed: write `[[source]]`"
    );
}

#[test]
fn an_unclosed_source_header_takes_its_sub_tables_with_it() {
    let text = format!(
        "{}{}[source.params]\nq = \"1\"\n\n{}[[source]\n",
        source("[[source]]", "name = \"a\""),
        source("[[source  # the second", "name = \"b\""),
        source("[[source]]", "name = \"c\"")
    );
    let config = read(&text).expect("the other sources are read");
    assert_eq!(accepted(&config), ["a", "c"]);
    let SourceKind::HttpJson(http) = &config.sources[0].kind else {
        panic!("http_json");
    };
    assert!(
        http.params.is_empty(),
        "b's params went to a: {:?}",
        http.params
    );
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(
        refused,
        [
            "sources.toml:9: source `b`: header `[[source` is not closed: write `[[source]]`",
            "sources.toml:28: header `[[source]` is not closed: write `[[source]]`",
        ]
    );
}

#[test]
fn an_unclosed_source_header_after_another_fault_refuses_both_tables_alone() {
    let text = format!(
        "{}x = 15m\n\n{}{}",
        source("[[source]]", "name = \"a\""),
        source("[[source]", "name = \"b\""),
        source("[[source]]", "name = \"c\"")
    );
    let config = read(&text).expect("the other source is read");
    assert_eq!(accepted(&config), ["c"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with("sources.toml:9: source `a`: key `x`"),
        "{refused:?}"
    );
    assert_eq!(
        refused[1],
        "sources.toml:11: source `b`: header `[[source]` is not closed: write `[[source]]`"
    );
    // Inside an array left open, a header-like line is no header: the open array is the fault.
    let text = format!(
        "{}numeric = [\"x\",\n{}",
        source("[[source]]", "name = \"a\""),
        source("[[source]", "name = \"b\"")
    );
    let refused = read(&text).map_or_else(|err| err, |config| config.refused[0].to_string());
    assert!(!refused.contains("header `[[source]`"), "{refused}");
}

#[test]
fn an_unclosed_source_header_whose_table_end_is_unclear_refuses_the_file_at_its_line() {
    let a = source("[[source]]", "name = \"a\"");
    let b = source("[[source]", "name = \"b\"");
    let says = "sources.toml:9: source `b`: header `[[source]` is not closed: write `[[source]]`";
    // A header-like line inside a string would end it early.
    let text = format!(
        "{a}{}description = \"\"\"\n[report]\n\"\"\"\n{}",
        b.trim_end(),
        source("[[source]]", "name = \"c\"")
    );
    let refused = read(&text).map(|config| accepted(&config).join(", "));
    assert_eq!(refused, Err(says.to_owned()));
}

#[test]
fn an_unclosed_header_ends_the_table_under_the_unclosed_header_before() {
    let a = source("[[source]]", "name = \"a\"");
    let b = source("[[source]", "name = \"b\"");
    let b_says = "sources.toml:9: source `b`: header `[[source]` is not closed: write `[[source]]`";
    let text = format!("{a}{b}{}", source("[[source]", "name = \"c\""));
    let config = read(&text).expect("`a` is read");
    assert_eq!(accepted(&config), ["a"]);
    let refused: Vec<String> = config.refused.iter().map(ToString::to_string).collect();
    assert_eq!(
        refused,
        [
            b_says,
            "sources.toml:17: source `c`: header `[[source]` is not closed: write `[[source]]`"
        ]
    );
    // The report's keys stay its own: the sources run, the report alone is at fault.
    let text = format!("{a}{b}[report\ntimezone = \"America/New_York\"\nkeep = 3\n");
    let config = parse::parse(&text, Path::new("sources.toml")).expect("the sources are read");
    assert_eq!(accepted(&config), ["a"]);
    assert_eq!(config.refused[0].to_string(), b_says);
    let fault = config
        .report_fault
        .expect("the report is at fault")
        .to_string();
    assert_eq!(
        fault,
        "sources.toml:17: header `[report` is not closed: write `[report]`"
    );
}

#[test]
fn an_unclosed_report_header_faults_the_report_alone() {
    let a = source("[[source]]", "name = \"a\"");
    let b = source("[[source]]", "name = \"b\"");
    for (text, line) in [
        (format!("[report\ntimezone = \"Europe/Paris\"\n\n{a}"), 1),
        (format!("{a}[report # oops\n\n"), 9),
        (format!("{a}[report\nkeep = 3\n\n{b}"), 9),
    ] {
        let config = parse::parse(&text, Path::new("sources.toml")).expect("the sources are read");
        let want: &[&str] = if text.contains("\"b\"") {
            &["a", "b"]
        } else {
            &["a"]
        };
        assert_eq!(accepted(&config), want, "{text}");
        assert_eq!(
            config.report_fault.map(|fault| fault.to_string()),
            Some(format!(
                "sources.toml:{line}: header `[report` is not closed: write `[report]`"
            )),
            "{text}"
        );
        // Its keys are not read as the defaults' or a source's.
        assert_eq!(config.report.keep, ReportSettings::default().keep, "{text}");
    }
    // Where it ends cannot be told: a string could hide or fake the next header.
    let text = format!("{a}[report\ntimezone = \"\"\"\n[[source]]\n\"\"\"\n{b}");
    assert_eq!(
        parse::parse(&text, Path::new("sources.toml"))
            .map_err(|err| err.to_string())
            .map(|_| ()),
        Err("sources.toml:9: header `[report` is not closed: write `[report]`".to_owned())
    );
    // Every stage that reads `[report]` refuses the file at its line.
    assert_eq!(
        read(&format!("{a}[report\nkeep = 3\n")).map(|_| ()),
        Err("sources.toml:9: header `[report` is not closed: write `[report]`".to_owned())
    );
}

#[test]
fn an_unclosed_header_of_another_table_is_named_at_its_line() {
    let a = source("[[source]]", "name = \"a\"");
    let refused = read(&format!("{a}[extras # not relevé's\nx = \"m\"\n"))
        .expect_err("the whole file is refused");
    assert_eq!(
        refused,
        "sources.toml:9: header `[extras` is not closed: write `[extras]`"
    );
    // A sub-table's header after `[report]`: whose table it would be part of is unclear.
    let refused = read(&format!("{a}[report]\n[source.units\nx = \"m\"\n"))
        .expect_err("the whole file is refused");
    assert_eq!(
        refused,
        "sources.toml:10: header `[source.units` is not closed: write `[source.units]`"
    );
}

#[test]
fn an_unclosed_sub_table_header_refuses_its_source_alone() {
    let text = format!(
        "{}[source.params]\nq = \"1\"\n[source.units # of a\nx = \"m\"\n\n{}",
        source("[[source]]", "name = \"a\""),
        source("[[source]]", "name = \"b\"")
    );
    let config = read(&text).expect("the other source is read");
    assert_eq!(accepted(&config), ["b"]);
    assert_eq!(
        config.refused[0].to_string(),
        "sources.toml:11: source `a`: header `[source.units` is not closed: write `[source.units]`"
    );
    assert_eq!(config.refused[0].table_line, 1);
    let SourceKind::HttpJson(http) = &config.sources[0].kind else {
        panic!("http_json");
    };
    assert!(
        http.params.is_empty(),
        "a's params went to b: {:?}",
        http.params
    );
}

#[test]
fn an_unclosed_multi_line_string_is_said_where_it_opens() {
    let text = format!(
        "[report]\ntimezone = \"Europe/Paris\"\n{}description = \"\"\"never closed\n\n{}",
        source("[[source]]", "name = \"a\""),
        source("[[source]]", "name = \"b\"")
    );
    assert_eq!(
        read(&text).expect_err("the whole file is refused"),
        "sources.toml:11: source `a`: key `description`: its `\"\"\"` string is not closed, so toml read the rest of the file into it: close it with `\"\"\"`"
    );
    // In a sub-table, after strings that are closed, and a literal one.
    let text = format!(
        "{}access = \"\"\"open\"\"\"\nlicence = '''Etalab'''\n[source.labels]\n\"x.y\" = '''the\n",
        source("[[source]]", "name = \"a\"")
    );
    assert_eq!(
        read(&text).expect_err("the whole file is refused"),
        "sources.toml:12: source `a`: key `labels.\"x.y\"`: its `'''` string is not closed, so toml read the rest of the file into it: close it with `'''`"
    );
}
