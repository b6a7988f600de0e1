//! What toml's faults are said as: which one a round of the recovery refuses first, at which
//! line, and in which words (the key named, the key left open rather than the later one toml
//! stopped at).

use std::path::Path;

use super::header_line::{LineHeader, header_lines};
use super::parse::line_of;
use super::plain_words::{self, plain_words, written_inline};
use super::source_table::{Refusal, SourceTable};
use super::table_text::{TableText, left_open};

/// toml's fault on the file's first line at fault. toml reports the faults of the file's
/// structure (a `]` or a comma missing) before those of single values (`15m` unquoted),
/// wherever they are: the table at fault is told for sure only from the first line, as the
/// text before it reads as TOML. Of several faults on that line, toml's first is said. A fault
/// toml gives no place for (see [`placeless_fault`]) counts at its line, when found.
pub(super) fn first_in_file(text: &str) -> Option<toml::de::Error> {
    let (_, errors) = toml::de::DeTable::parse_recoverable(text);
    let line_start = |offset: usize| {
        text.get(..offset)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |newline| newline + 1)
    };
    let mut placeless = None;
    errors
        .into_iter()
        .filter_map(|err| match err.span() {
            Some(span) => Some((line_start(span.start), err)),
            None => {
                let at = *placeless.get_or_insert_with(|| placeless_fault(text));
                (at > 0).then_some((at, err))
            }
        })
        .min_by_key(|(line, _)| *line)
        .map(|(_, err)| err)
}

/// The line and message of `table`'s fault: toml's `message` at `line`, or, when a value of the
/// table is left open there or above, its key's line and a message naming it (toml complained
/// where it gave up reading it, at a later key). A fault above the key left open (`every = 15m`)
/// is said where it is.
pub(super) fn fault_of(
    table: &TableText,
    readable: &str,
    line: usize,
    err: &toml::de::Error,
    message: String,
) -> (usize, String) {
    let left_open = table
        .left_open
        .as_ref()
        .map(|(at, key)| (line_of(readable, *at), key))
        .filter(|(open_line, _)| *open_line <= line);
    // Where toml stopped, which `line` (the refusal's) may have moved up from.
    let toml_line = err
        .span()
        .map_or(line, |span| line_of(readable, span.start));
    match left_open {
        Some((open_line, key)) => (
            open_line,
            format!(
                "key `{key}`: its `[` or `{{` is not closed, so the lines after it were read as part of its value (toml at line {toml_line}: {})",
                err.message().trim().replace('\n', " ")
            ),
        ),
        None => match &table.refused_header {
            Some(header) => (
                line,
                format!(
                    "table `{header}`: {message} (a sub-table written twice, or over a key of the same name written in the table)"
                ),
            ),
            None => (line, message),
        },
    }
}

/// Why toml refused the file at `path`, `text` with the tables refused so far blanked out,
/// `original` as written (every offset the same). An error serde's flatten left at a `[[source]]` line is
/// explained again from the table's keys; any other names the key on its line.
pub(super) fn refusal_of(
    text: &str,
    original: &str,
    path: &Path,
    err: &toml::de::Error,
) -> Refusal {
    let offset = err
        .span()
        .map_or_else(|| placeless_fault(text), |span| span.start);
    let message = err.message().trim().replace('\n', " ");
    if let Some(refusal) = left_open_above(text, offset, &message) {
        return refusal;
    }
    // A code written as a number (`departement = 09`): toml's words say nothing of quotes.
    let message = if let Some(conflict) = super::git_conflict::around(text, original, path, offset)
    {
        conflict
    } else if message.contains("leading zero") {
        format!("{message}: a number cannot start with 0; write a code such as \"09\" in quotes")
    } else {
        message
    };
    let refusal = match SourceTable::at_header(text, offset) {
        Some(table) => table.explain(message),
        None => {
            let (_, line) = line_around(text, offset);
            let message = match super::top_level::explain(line, &message) {
                Some(plain) => plain,
                None => name_the_key(text, offset, message),
            };
            Refusal {
                offset,
                message: match SourceTable::holding(text, offset) {
                    Some(table) => table.naming_source(message),
                    None => message,
                },
            }
        }
    };
    let (_, line) = line_around(text, offset);
    let kind = SourceTable::holding(text, refusal.offset).and_then(|table| table.kind_name());
    let message = plain_words(&refusal.message, written_inline(line), kind);
    let message = plain_words::for_a_header(plain_words::for_a_date(message, line), line);
    let message = match extra_bracket(line) {
        Some(header) => format!("{message} (the header line has a `]` too many: write `{header}`)"),
        None => message,
    };
    let message = match curly_quotes(line) {
        Some(quotes) => format!(
            "{message} (the line's quotes are curly, {quotes}, as a word processor or autocorrect writes them: retype them as straight double quotes, \"…\")"
        ),
        None => message,
    };
    Refusal { message, ..refusal }
}

/// The typographic quotes `line`'s value opens with where TOML expects a string's quote
/// (`key = “…”`, `key = [‘…’]`), which TOML reads as no quotes: `“…”` or `‘…’`. An
/// apostrophe within a value (`'Hauteur d’eau'`, `Hauteur d’eau` unquoted) is none.
fn curly_quotes(line: &str) -> Option<&'static str> {
    let (_, value) = line.split_once('=')?;
    let opening = value
        .trim_start()
        .trim_start_matches(|c: char| c == '[' || c.is_whitespace())
        .chars()
        .next()?;
    match opening {
        '\u{201c}' | '\u{201d}' | '\u{201e}' => Some("“…”"),
        '\u{2018}' | '\u{2019}' | '\u{201a}' => Some("‘…’"),
        _ => None,
    }
}

/// Where a fault toml gives no place for lies (`recursion limit`, at a dotted key of 80 parts
/// and more): the start of the first line by which the text's beginning holds such a fault, 0
/// when none does.
fn placeless_fault(text: &str) -> usize {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    let placeless = |end: &usize| {
        let (_, errors) = toml::de::DeTable::parse_recoverable(&text[..*end]);
        errors.iter().any(|err| err.span().is_none())
    };
    match ends.partition_point(|end| !placeless(end)) {
        0 => 0,
        line if line == ends.len() => 0,
        line => ends[line - 1],
    }
}

/// A header line closed with a `]` too many (`[[source]]]`, `[report]]`): the header as it
/// should be written.
fn extra_bracket(line: &str) -> Option<&str> {
    let line = line.split('#').next().unwrap_or_default().trim();
    let header = line.strip_suffix(']')?;
    (LineHeader::of(line).is_none() && LineHeader::of(header).is_some()).then_some(header)
}

/// A value left open above the line at `offset`, a header or a key's (`labels = …`), in the
/// table that line is in or ends, where toml gave up reading it (`missing comma between array
/// elements`): said at its key's line, as a table's own value left open is (see
/// [`fault_of`]), when the file is refused whole (a multi-line string in the table).
fn left_open_above(text: &str, offset: usize, message: &str) -> Option<Refusal> {
    let (line_start, line) = line_around(text, offset);
    if LineHeader::opened_by(line).is_none() && !sets_a_key(line) {
        return None;
    }
    let from = header_lines(&text[..line_start])
        .last()
        .map_or(0, |(start, _)| *start);
    let (at, key) = left_open(&text[from..line_start])?;
    let offset = from + at;
    let said = format!(
        "key `{key}`: its `[` or `{{` is not closed, so the lines after it were read as part of its value (toml at line {}: {message})",
        line_of(text, line_start)
    );
    Some(Refusal {
        offset,
        message: match SourceTable::holding(text, offset) {
            Some(table) => table.naming_source(said),
            None => said,
        },
    })
}

/// Whether `line` sets a key (`labels = …`): an element of an array, which a line inside a
/// value left open would be, does not.
fn sets_a_key(line: &str) -> bool {
    line.split_once('=').is_some_and(|(key, _)| {
        let key = key.trim();
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
    })
}

/// The start of the line holding `offset`, and that line.
fn line_around(text: &str, offset: usize) -> (usize, &str) {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    (start, text[start..].lines().next().unwrap_or(""))
}

/// Prefixes a value's error with its key when the offending line is `key = value` and the
/// message does not name the key already (`every = "often"` → "key `every`: ...").
pub(super) fn name_the_key(text: &str, offset: usize, message: String) -> String {
    let (line_start, line) = line_around(text, offset);
    let key = line
        .split_once('=')
        .map(|(key, _)| key.trim().trim_matches('"'))
        .filter(|key| !key.is_empty() && !key.starts_with('[') && !key.contains(' '));
    match key {
        Some(key) if !message.contains(&format!("`{key}`")) => {
            // In a sub-table (`[source.units]`), the key is a member of the table's key.
            let key = match sub_table_above(&text[..line_start]) {
                Some(table) if key.contains('.') => format!("{table}.\"{key}\""),
                Some(table) => format!("{table}.{key}"),
                None => key.to_owned(),
            };
            format!("key `{key}`: {message}")
        }
        _ => message,
    }
}

/// The key a `[source.<key>]` sub-table header above gives its lines (`units`,
/// `value_labels.weather_code`), when the last header before is one.
fn sub_table_above(before: &str) -> Option<&str> {
    let header = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| line.starts_with('['))?;
    let inner = header.strip_prefix('[')?.split(']').next()?.trim();
    inner.strip_prefix("source.")
}
