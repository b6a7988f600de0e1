//! Reading `sources.toml`: toml and serde first, then the checks serde cannot make. A fault
//! in one `[[source]]` table refuses that table alone: its text is blanked out (lines kept) and
//! the rest read again, so one typo never stops the other sources.

use std::path::Path;

use serde::Deserialize;

use super::plain_words::{self, plain_words, written_inline};
use super::source_table::{Refusal, SourceTable, naming_source};
use super::table_text::TableText;
use super::unclosed::{Unclosed, UnclosedHeader, UnclosedString};
use super::validate::validate;
use super::{Config, ConfigError, RefusedSource, ReportFault, ReportSettings, Source};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, rename = "source")]
    sources: Vec<toml::Spanned<Source>>,
    #[serde(default)]
    report: ReportSettings,
}

/// Reads and checks configuration text; see [`Config::parse`].
pub(super) fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let Tables {
        file,
        readable,
        mut refused,
        report_fault,
    } = read_tables(text, path)?;
    if file.sources.is_empty() && refused.is_empty() {
        if let Some(fault) = report_fault {
            return Err(fault.into());
        }
        return Err(ConfigError::Invalid {
            path: path.to_owned(),
            line: 1,
            message: "no `[[source]]` table: the file names no API to collect".to_owned(),
        });
    }
    // The text with the refused tables blanked out: toml reads it, so keys can be found.
    let sources = check_sources(&readable, path, file.sources, &mut refused);
    for table in &mut refused {
        table.duplicate = sources
            .iter()
            .any(|source| table.name.as_ref() == Some(&source.name));
    }
    refused.sort_by_key(|r| r.line);
    Ok(Config {
        sources,
        refused,
        report: file.report,
        report_fault,
    })
}

/// What [`read_tables`] reads.
struct Tables {
    file: ConfigFile,
    readable: String,
    refused: Vec<RefusedSource>,
    report_fault: Option<ReportFault>,
}

/// The line and message of `table`'s fault: toml's `message` at `line`, or, when a value of the
/// table is left open there or above, its key's line and a message naming it (toml complained
/// where it gave up reading it, at a later key). A fault above the key left open (`every = 15m`)
/// is said where it is.
fn fault_of(
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
    match left_open {
        Some((open_line, key)) => (
            open_line,
            format!(
                "key `{key}`: its `[` or `{{` is not closed, so the lines after it were read as part of its value (toml at line {line}: {})",
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

/// What toml and serde accept of the file, the text they read (the refused tables blanked
/// out, every other byte where it was), the `[[source]]` tables they refuse and the fault of
/// `[report]`, if any. Each refused table is blanked out and the rest read again (`[report]`
/// too: its settings are then the defaults); any other fault outside the source tables
/// refuses the file.
fn read_tables(text: &str, path: &Path) -> Result<Tables, ConfigError> {
    let mut reading = Reading {
        text,
        path,
        readable: text.to_owned(),
        refused: Vec::new(),
        report_fault: None,
    };
    // An unclosed header first: toml's recovery reads the lines after it into the table
    // before (sources after `[report` would seem written inside it).
    while let Some(header) = UnclosedHeader::first(&reading.readable) {
        reading.refuse_unclosed(header)?;
    }
    if let Some(offset) = sources_not_in_tables(&reading.readable) {
        return Err(ConfigError::Invalid {
            path: path.to_owned(),
            line: line_of(&reading.readable, offset),
            message: sources_not_in_tables_message(&reading.readable, offset),
        });
    }
    loop {
        match toml::from_str(&reading.readable) {
            Ok(file) => {
                return Ok(Tables {
                    file,
                    readable: reading.readable,
                    refused: reading.refused,
                    report_fault: reading.report_fault,
                });
            }
            Err(err) => reading.refuse(err)?,
        }
    }
}

/// toml's fault on the file's first line at fault. toml reports the faults of the file's
/// structure (a `]` or a comma missing) before those of single values (`15m` unquoted),
/// wherever they are: the table at fault is told for sure only from the first line, as the
/// text before it reads as TOML. Of several faults on that line, toml's first is said.
fn first_in_file(text: &str) -> Option<toml::de::Error> {
    let (_, errors) = toml::de::DeTable::parse_recoverable(text);
    let line_start = |offset: usize| {
        text.get(..offset)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |newline| newline + 1)
    };
    errors
        .into_iter()
        .filter_map(|err| Some((line_start(err.span()?.start), err)))
        .min_by_key(|(line, _)| *line)
        .map(|(_, err)| err)
}

/// The file's text as [`read_tables`] reads it, with what it has refused so far.
struct Reading<'a> {
    /// The file's text.
    text: &'a str,
    /// The file, as refusals name it.
    path: &'a Path,
    /// The text with the refused tables blanked out, every line where it was.
    readable: String,
    /// The `[[source]]` tables refused so far.
    refused: Vec<RefusedSource>,
    /// The first fault of `[report]`.
    report_fault: Option<ReportFault>,
}

impl Reading<'_> {
    /// Blanks out the table whose header `header` leaves unclosed, keeping what it costs: its
    /// source table refused, or the report's fault (the first one found).
    fn refuse_unclosed(&mut self, header: UnclosedHeader) -> Result<(), ConfigError> {
        match header.refuse(&mut self.readable, self.path)? {
            Unclosed::Source(table) => self.refused.push(table),
            Unclosed::Report(report) => {
                self.report_fault.get_or_insert(report);
            }
        }
        Ok(())
    }

    /// Blanks out the table holding the first fault in the file, toml's, or else `err`,
    /// serde's, refusing it; a fault outside the tables, or in `[report]` once it has been
    /// refused, refuses the file.
    fn refuse(&mut self, err: toml::de::Error) -> Result<(), ConfigError> {
        let path = self.path;
        // An unclosed header still first, such as one after a table refused for another fault.
        if let Some(header) = UnclosedHeader::first(&self.readable) {
            return self.refuse_unclosed(header);
        }
        let err = &first_in_file(&self.readable).unwrap_or(err);
        if let Some(string) = UnclosedString::at(&self.readable, err) {
            return Err(string.refusal(&self.readable, path));
        }
        let refusal = refusal_of(&self.readable, err);
        let line = line_of(&self.readable, refusal.offset);
        let Some(table) = TableText::holding(&self.readable, refusal.offset) else {
            if self.report_fault.is_none()
                && let Some(report) = TableText::report_at(&self.readable, refusal.offset)
            {
                let (line, message) = fault_of(&report, &self.readable, line, err, refusal.message);
                report.blank(&mut self.readable);
                self.report_fault = Some(ReportFault {
                    path: path.to_owned(),
                    line,
                    message,
                });
                return Ok(());
            }
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                line,
                message: refusal.message,
            });
        };
        // One `[[source]]` header fewer each time round: the reading ends.
        table.blank(&mut self.readable);
        let (line, message) = fault_of(&table, &self.readable, line, err, refusal.message);
        // TOML that cannot be read is explained without its table: name the source.
        let message = match &table.name {
            Some(name) => naming_source(name, message),
            None => message,
        };
        self.refused.push(RefusedSource {
            name: table.name,
            path: path.to_owned(),
            line,
            table_line: line_of(self.text, table.header),
            duplicate: false,
            message,
        });
        Ok(())
    }
}

/// Where `source` is written as a value (`source = [{ ... }]`) rather than as `[[source]]`
/// tables, whose faults could not be told apart table by table.
fn sources_not_in_tables(text: &str) -> Option<usize> {
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let sources = root.get_ref().get("source")?;
    let span = sources.span();
    let written = text.get(span.clone())?;
    (!written.starts_with("[[")).then_some(span.start)
}

/// What is wrong with sources written at `offset` other than as `[[source]]` tables.
fn sources_not_in_tables_message(text: &str, offset: usize) -> String {
    let line_start = text.get(..offset).map_or(0, |before| {
        before.rfind('\n').map_or(0, |newline| newline + 1)
    });
    let line = text.get(line_start..).and_then(|rest| rest.lines().next());
    let header = line
        .map(str::trim_start)
        .filter(|line| line.starts_with('[') && !line.starts_with("[["))
        .and_then(|line| line.split(']').next())
        .map(|header| format!("{header}]"));
    match header {
        Some(header) if header.contains('.') => format!(
            "`{header}` comes before any `[[source]]` table: write it after the `[[source]]` table it belongs to"
        ),
        Some(header) => format!(
            "write each source as a `[[source]]` table, not as `{header}` (a fault in one table then refuses that table alone)"
        ),
        None => "write each source as a `[[source]]` table, not as `source = ...` (a fault in \
                 one table then refuses that table alone)"
            .to_owned(),
    }
}

/// The sources that pass the checks serde cannot make, in file order; the others join
/// `refused`. Of two tables with one name, the later is refused.
fn check_sources(
    text: &str,
    path: &Path,
    tables: Vec<toml::Spanned<Source>>,
    refused: &mut Vec<RefusedSource>,
) -> Vec<Source> {
    let sources: Vec<(usize, Source)> = tables
        .into_iter()
        .map(|spanned| {
            let offset = spanned.span().start;
            let mut source = spanned.into_inner();
            source.line = line_of(text, offset);
            (offset, source)
        })
        .collect();
    // Every table's name and line, refused or not, to tell which of two came first.
    let names: Vec<(String, usize)> = refused
        .iter()
        .filter_map(|r| Some((r.name.clone()?, r.table_line)))
        .chain(sources.iter().map(|(_, s)| (s.name.clone(), s.line)))
        .collect();
    let mut accepted = Vec::with_capacity(sources.len());
    for (offset, source) in sources {
        // At the offending key's line when it is written, else at the `[[source]]` line.
        let at_key = |key: &str| {
            SourceTable::holding(text, offset)
                .and_then(|table| table.key_start(key))
                .map_or(source.line, |start| line_of(text, start))
        };
        let earlier = names
            .iter()
            .filter(|(name, line)| *name == source.name && *line < source.line)
            .map(|(_, line)| *line)
            .min();
        let refusal = match (validate(&source), earlier) {
            (Err(bad), _) => Some((at_key(bad.key), bad.message)),
            (Ok(()), Some(first)) => Some((
                at_key("name"),
                format!("key `name` repeats the source of line {first}"),
            )),
            (Ok(()), None) => None,
        };
        match refusal {
            Some((line, message)) => refused.push(RefusedSource {
                name: Some(source.name.clone()),
                path: path.to_owned(),
                line,
                table_line: source.line,
                duplicate: false,
                message: naming_source(&source.name, message),
            }),
            None => accepted.push(source),
        }
    }
    accepted
}

/// Why toml refused the file. An error serde's flatten left at a `[[source]]` line is
/// explained again from the table's keys; any other names the key on its line.
fn refusal_of(text: &str, err: &toml::de::Error) -> Refusal {
    let offset = err.span().map_or(0, |span| span.start);
    let message = err.message().trim().replace('\n', " ");
    // A code written as a number (`departement = 09`): toml's words say nothing of quotes.
    let message = if message.contains("leading zero") {
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
    let message = plain_words(&refusal.message, written_inline(line));
    let message = plain_words::for_a_header(plain_words::for_a_date(message, line), line);
    Refusal { message, ..refusal }
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

/// The 1-based line `offset` falls on.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
