//! A header line or a multi-line string left unclosed: toml gives up where it can read no
//! further (the header line's end, the file's) and would blame what it reached. Said at its own
//! line: under a `[[source]` header, or a sub-table's (`[source.units`) below a `[[source]]`
//! table, the table is refused alone; under `[report`, the report alone is at fault
//! (collecting and summarising go on); a `"""` string never closed refuses the file (where its
//! table was meant to end cannot be told), at its key.

use std::path::Path;

use toml::de::DeTable;

use super::header_line::{LineHeader, header_lines, header_text};
use super::source_table::naming_source;
use super::table_text::{TableText, blank_out, name_in};
use super::{ConfigError, RefusedSource, ReportFault};

/// A header line toml found unclosed, nothing left open before it.
pub(super) struct UnclosedHeader {
    /// Offset of its line.
    start: usize,
    /// The header as written, without a comment after it (`[[source]`).
    written: String,
}

/// What an unclosed header costs, when not the whole file.
pub(super) enum Unclosed {
    /// Its `[[source]]` table, refused alone.
    Source(RefusedSource),
    /// The `[report]` table, at fault: no report is written until it is fixed.
    Report(ReportFault),
}

impl UnclosedHeader {
    /// The first header line of `text` that toml finds unclosed, nothing left open before it,
    /// wherever toml reports it among its faults (after a bracket missing further down).
    pub(super) fn first(text: &str) -> Option<UnclosedHeader> {
        let (_, errors) = DeTable::parse_recoverable(text);
        errors
            .iter()
            .filter_map(|err| Self::at(text, err))
            .min_by_key(|header| header.start)
    }

    /// The header line toml refused with `err`, when it is left unclosed.
    fn at(text: &str, err: &toml::de::Error) -> Option<UnclosedHeader> {
        let message = err.message();
        if !(message.starts_with("unclosed table") || message.starts_with("unclosed array table")) {
            return None;
        }
        let offset = err.span()?.start.min(text.len());
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[start..].lines().next()?;
        let written = header_text(line.trim_start_matches('\u{feff}'));
        if !written.starts_with('[') || !nothing_left_open(&text[..start]) {
            return None;
        }
        Some(UnclosedHeader {
            start,
            written: written.to_owned(),
        })
    }

    /// Refuses the `[[source]]` table under a `[[source]` header, or faults `[report]` under a
    /// `[report` one, and blanks the table out of `readable`, its sub-tables included; any
    /// other header refuses the file, as does a table whose end cannot be told.
    pub(super) fn refuse(
        &self,
        readable: &mut String,
        path: &Path,
    ) -> Result<Unclosed, ConfigError> {
        let line = super::parse::line_of(readable, self.start);
        let message = self.message();
        let file_refused = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            line,
            message,
        };
        if self.opens_the_report() {
            // To the next header line: `[report]` has no sub-tables.
            let end = header_lines(readable)
                .into_iter()
                .map(|(at, _)| at)
                .find(|&at| at > self.start)
                .unwrap_or(readable.len());
            if self.end_unclear(readable, self.start..end) {
                return Err(file_refused(message));
            }
            blank_out(readable, std::slice::from_ref(&(self.start..end)));
            return Ok(Unclosed::Report(ReportFault {
                path: path.to_owned(),
                line,
                message,
            }));
        }
        // A sub-table's header (`[source.units`) is part of the `[[source]]` table above it,
        // when the header line before it is that table's or one of its sub-tables'.
        let table_start = if self.opens_a_source() {
            self.start
        } else if let Some(start) = self.source_above(readable) {
            start
        } else {
            return Err(file_refused(message));
        };
        let table = TableText::under_unclosed_header(readable, table_start);
        // Where the table ends is told from the header lines after it: a line that opens
        // another one toml would not count (left unclosed too), or a multi-line string that
        // could hide or fake one, leaves it unknown, and the file is refused at this line.
        let message = match &table.name {
            Some(name) => naming_source(name, message),
            None => message,
        };
        if table
            .ranges()
            .any(|range| self.end_unclear(readable, range))
        {
            return Err(file_refused(message));
        }
        table.blank(readable);
        Ok(Unclosed::Source(RefusedSource {
            message,
            name: table.name,
            path: path.to_owned(),
            line,
            table_line: super::parse::line_of(readable, table_start),
            duplicate: false,
        }))
    }

    /// For a sub-table's header (`[source.units`), the offset of the `[[source]]` header line
    /// whose table it is part of: the last one before it, with none but its sub-tables'
    /// header lines between.
    fn source_above(&self, text: &str) -> Option<usize> {
        if self.written.starts_with("[[") || !self.path().starts_with("source.") {
            return None;
        }
        let headers = header_lines(&text[..self.start]);
        let item = headers
            .iter()
            .rposition(|(_, kind)| !matches!(kind, LineHeader::SourceSubTable))?;
        matches!(headers[item].1, LineHeader::SourceItem).then_some(headers[item].0)
    }

    /// Whether `range` of `text`, part of the table under this header, holds a line other than
    /// a header line that starts like one (`[report`, `[[source]`), or a multi-line string.
    fn end_unclear(&self, text: &str, range: std::ops::Range<usize>) -> bool {
        let mut at = range.start;
        text[range].split_inclusive('\n').any(|line| {
            let line_start = at;
            at += line.len();
            let opens = line
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('[');
            let header = line_start == self.start || LineHeader::of(line).is_some();
            (opens && !header) || line.contains("\"\"\"") || line.contains("'''")
        })
    }

    /// Whether it opens a `[[source]]` table.
    fn opens_a_source(&self) -> bool {
        self.written.starts_with("[[") && self.path() == "source"
    }

    /// Whether it opens the `[report]` table.
    fn opens_the_report(&self) -> bool {
        !self.written.starts_with("[[") && self.path() == "report"
    }

    /// The table's path without spaces or quotes.
    fn path(&self) -> String {
        self.inner()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
            .collect()
    }

    /// What is wrong, with the header to write.
    fn message(&self) -> String {
        let depth = if self.written.starts_with("[[") { 2 } else { 1 };
        format!(
            "header `{}` is not closed: write `{}{}{}`",
            self.written,
            "[".repeat(depth),
            self.inner(),
            "]".repeat(depth)
        )
    }

    /// The table's path, as written between the brackets.
    fn inner(&self) -> &str {
        self.written
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim()
    }
}

/// A multi-line string (`"""` or `'''`) that nothing closes: toml read the rest of the file into
/// it and complains at the file's end.
pub(super) struct UnclosedString {
    /// Offset of its opening delimiter.
    start: usize,
    /// `"""` or `'''`.
    delimiter: &'static str,
}

impl UnclosedString {
    /// The string toml refused with `err` at the file's end, found by its opening delimiter,
    /// when nothing is left open before its line.
    pub(super) fn at(text: &str, err: &toml::de::Error) -> Option<UnclosedString> {
        if !err.message().starts_with("invalid multi-line") {
            return None;
        }
        let (start, delimiter) = unclosed_multi_line(text)?;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        nothing_left_open(&text[..line_start]).then_some(UnclosedString { start, delimiter })
    }

    /// The file's refusal, at the line the string opens, naming its key and source.
    pub(super) fn refusal(&self, text: &str, path: &Path) -> ConfigError {
        let delimiter = self.delimiter;
        let message = super::toml_fault::name_the_key(
            text,
            self.start,
            format!(
                "its `{delimiter}` string is not closed, so toml read the rest of the file into it: close it with `{delimiter}`"
            ),
        );
        ConfigError::Invalid {
            path: path.to_owned(),
            line: super::parse::line_of(text, self.start),
            message: match source_above(text, self.start) {
                Some(name) => naming_source(&name, message),
                None => message,
            },
        }
    }
}

/// The `name` of the `[[source]]` table that `offset` falls in, told from the header lines
/// before it.
fn source_above(text: &str, offset: usize) -> Option<String> {
    let headers = header_lines(&text[..offset]);
    if matches!(
        headers.last(),
        None | Some((_, LineHeader::Report | LineHeader::Other))
    ) {
        return None;
    }
    let item = headers
        .iter()
        .rposition(|(_, kind)| matches!(kind, LineHeader::SourceItem))?;
    let end = headers.get(item + 1).map_or(offset, |(start, _)| *start);
    name_in(&text[headers[item].0..end])
}

/// The opening delimiter of the multi-line string nothing closes, with its offset. Comments and
/// one-line strings are skipped; a closing delimiter may be followed by one or two quotes of
/// the string's own.
fn unclosed_multi_line(text: &str) -> Option<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        at = match byte {
            b'#' => text[at..].find('\n').map_or(bytes.len(), |end| at + end),
            b'"' | b'\'' if bytes[at..].starts_with(&[byte; 3]) => {
                let delimiter = if byte == b'"' { "\"\"\"" } else { "'''" };
                match closing(bytes, at + 3, byte) {
                    Some(end) => end,
                    None => return Some((at, delimiter)),
                }
            }
            b'"' | b'\'' => one_line_string_end(bytes, at + 1, byte),
            _ => at + 1,
        };
    }
    None
}

/// Where the multi-line string whose text starts at `from`, between `quote`s, ends (after its
/// closing delimiter); `None` when nothing closes it.
fn closing(bytes: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut at = from;
    while at < bytes.len() {
        if quote == b'"' && bytes[at] == b'\\' {
            at += 2;
        } else if bytes[at..].starts_with(&[quote; 3]) {
            let extra = bytes[at + 3..]
                .iter()
                .take(2)
                .take_while(|&&b| b == quote)
                .count();
            return Some(at + 3 + extra);
        } else {
            at += 1;
        }
    }
    None
}

/// Where the one-line string whose text starts at `from` ends: after its closing `quote`, or at
/// its line's end when it has none.
fn one_line_string_end(bytes: &[u8], from: usize, quote: u8) -> usize {
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' if quote == b'"' => at += 2,
            b'\n' => return at,
            _ if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Whether toml's reading of `text` leaves nothing open at its end (an array, an inline table,
/// a multi-line string) that could hold the line after it; a fault of another kind there
/// (`every = 15m`) is its own table's, found once the unclosed header is.
fn nothing_left_open(text: &str) -> bool {
    let (_, errors) = DeTable::parse_recoverable(text);
    !errors.iter().any(|err| {
        let message = err.message();
        [
            "unclosed array,",
            "unclosed inline table",
            "invalid multi-line",
        ]
        .iter()
        .any(|open| message.starts_with(open))
    })
}
