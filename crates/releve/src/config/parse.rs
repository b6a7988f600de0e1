//! Reading `sources.toml`: toml and serde first, then the checks serde cannot make. A fault
//! in one `[[source]]` table refuses that table alone: its text is blanked out (lines kept) and
//! the rest read again, so one typo never stops the other sources.

use std::path::Path;

use serde::Deserialize;

use super::git_conflict::refusing_the_file;
use super::source_table::{SourceTable, naming_source};
use super::table_text::TableText;
use super::toml_fault::{fault_of, first_in_file, refusal_of};
use super::unclosed::{Unclosed, UnclosedHeader, UnclosedString};
use super::validate::{leftover_presentation, validate};
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
    } = lone_carriage_return(text, path).map_or_else(|| read_tables(text, path), Err)?;
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
    let mut left_out = Vec::new();
    let mut sources = check_sources(&readable, path, file.sources, &mut refused, &mut left_out);
    for source in &mut sources {
        source.days_in = file.report.timezone;
    }
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
        left_out,
    })
}

/// A carriage return without a line feed (a classic Mac's line end, which Notepad keeps):
/// TOML reads none, and toml's own words name no remedy.
fn lone_carriage_return(text: &str, path: &Path) -> Option<ConfigError> {
    let bytes = text.as_bytes();
    let at = bytes
        .iter()
        .enumerate()
        .position(|(at, byte)| *byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'))?;
    Some(ConfigError::Invalid {
        path: path.to_owned(),
        line: line_of(text, at),
        message: "a carriage return without a line feed ends a line (a classic Mac's line end, which Notepad keeps), which TOML does not read: save it with Unix (LF) or Windows (CRLF) line ends".to_owned(),
    })
}

/// What [`read_tables`] reads.
struct Tables {
    file: ConfigFile,
    readable: String,
    refused: Vec<RefusedSource>,
    report_fault: Option<ReportFault>,
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
        let refusal = refusal_of(&self.readable, self.text, path, err);
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
                message: refusing_the_file(
                    &self.readable,
                    self.text,
                    refusal.offset,
                    refusal.message,
                ),
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
    left_out: &mut Vec<super::LeftOut>,
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
    for (offset, mut source) in sources {
        let table_line = source.line;
        // At the offending key's line when it is written, else at the `[[source]]` line.
        let at_key = |key: &str| {
            SourceTable::holding(text, offset)
                .and_then(|table| table.key_start(key))
                .map_or(table_line, |start| line_of(text, start))
        };
        let mut entries = Vec::new();
        for left in leftover_presentation(&mut source) {
            let at = at_key(left.key);
            // A disabled source is not collected: the files it landed before are summarised.
            let without = match source.enabled {
                true => "the source collected and summarised without it",
                false => "the files the source landed summarised without it",
            };
            let line = format!(
                "{}:{at}: {}: the entry is left out, and {without} ({})",
                path.display(),
                naming_source(&source.name, left.message.clone()),
                left.mend
            );
            entries.push(super::LeftOut {
                source: source.name.clone(),
                line,
                at,
                what: left.message,
            });
        }
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
            None => {
                // Said by each stage (`cli::say_left_out`), and shown by the checks.
                left_out.extend(entries);
                accepted.push(source);
            }
        }
    }
    accepted
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
