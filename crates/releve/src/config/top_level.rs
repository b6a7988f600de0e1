//! serde's and toml's words for a fault outside the `[[source]]` tables (`unknown field
//! `sourcez`, expected `source` or `report``, `duplicate key`), said in the file's terms.

use super::source_table::{closest, is_source_key};

/// The fault toml or serde reported as `message` at `line` (the line's text), outside any
/// `[[source]]` table, in the file's terms; `None` when its words are already plain.
pub(super) fn explain(line: &str, message: &str) -> Option<String> {
    let header = line.trim_start().starts_with('[');
    // The header without a comment after it (`[report] # settings`).
    let header_text = line.split_once('#').map_or(line, |(header, _)| header);
    let table = header_text
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    // Whatever serde makes of a list where it reads one table.
    if header && header_text.trim().starts_with("[[") && table == "report" {
        return Some("`[report]` is one table: write `[report]`, not `[[report]]`".to_owned());
    }
    // A sub-table written twice (`[source.units]`) is said with its source's table.
    if message == "duplicate key" && header && !table.contains('.') {
        return Some(format!(
            "table `[{table}]` is written twice: write its keys under one `[{table}]` line"
        ));
    }
    let (key, expected) = message
        .strip_prefix("unknown field `")?
        .split_once("`, expected ")?;
    let expected: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if expected == ["source", "report"] {
        return Some(if header {
            let near = match closest(key, &["source", "report"]) {
                Some("source") => " (did you mean `[[source]]`?)",
                Some(_) => " (did you mean `[report]`?)",
                None => "",
            };
            format!(
                "unknown table `{key}`: the file holds `[[source]]` tables and one `[report]` table{near}"
            )
        } else if is_source_key(key) {
            format!(
                "key `{key}` comes before any `[[source]]` line: write it under the `[[source]]` line of its source"
            )
        } else if REPORT_KEYS.contains(&key) {
            format!("key `{key}` comes before the `[report]` line: write it under that line")
        } else {
            format!(
                "unknown key `{key}` outside any table: the file holds `[[source]]` tables and one `[report]` table"
            )
        });
    }
    if expected == REPORT_KEYS {
        let near = match closest(key, &expected) {
            Some(near) => format!(" (did you mean `{near}`?)"),
            None => ", expected `timezone` or `keep`".to_owned(),
        };
        return Some(format!("`[report]`: unknown key `{key}`{near}"));
    }
    None
}

/// The keys `[report]` takes, as serde lists them.
const REPORT_KEYS: [&str; 2] = ["timezone", "keep"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_outside_the_source_tables_are_said_in_the_file_s_terms() {
        let said = |line: &str, message: &str| explain(line, message).unwrap_or_default();
        let tables = "unknown field `sourcez`, expected `source` or `report`";
        assert_eq!(
            said("[sourcez]", tables),
            "unknown table `sourcez`: the file holds `[[source]]` tables and one `[report]` table (did you mean `[[source]]`?)"
        );
        assert_eq!(
            said(
                "[[sources]]",
                "unknown field `sources`, expected `source` or `report`"
            ),
            "unknown table `sources`: the file holds `[[source]]` tables and one `[report]` table (did you mean `[[source]]`?)"
        );
        assert_eq!(
            said(
                "every = \"1m\"",
                "unknown field `every`, expected `source` or `report`"
            ),
            "key `every` comes before any `[[source]]` line: write it under the `[[source]]` line of its source"
        );
        assert_eq!(
            said(
                "keep = 3",
                "unknown field `keep`, expected `source` or `report`"
            ),
            "key `keep` comes before the `[report]` line: write it under that line"
        );
        assert_eq!(
            said(
                "kepe = 3",
                "unknown field `kepe`, expected `timezone` or `keep`"
            ),
            "`[report]`: unknown key `kepe` (did you mean `keep`?)"
        );
        assert_eq!(
            said(
                "colour = 3",
                "unknown field `colour`, expected `timezone` or `keep`"
            ),
            "`[report]`: unknown key `colour`, expected `timezone` or `keep`"
        );
        assert_eq!(
            said("[report]  # settings", "duplicate key"),
            "table `[report]` is written twice: write its keys under one `[report]` line"
        );
        assert_eq!(explain("every = 15m", "string values must be quoted"), None);
    }

    #[test]
    fn report_written_as_a_list_of_tables_is_said_to_be_one_table() {
        let text = "[[report]]\ntimezone = \"Europe/Paris\"\n\n[[source]]\nname = \"a\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\n";
        let refused = crate::config::Config::parse(text, std::path::Path::new("sources.toml"))
            .expect_err("the file is refused")
            .to_string();
        assert_eq!(
            refused,
            "sources.toml:1: `[report]` is one table: write `[report]`, not `[[report]]`"
        );
    }
}
