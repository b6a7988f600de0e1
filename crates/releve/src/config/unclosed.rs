//! A header line left unclosed (`[[source]`, `[report`): toml gives up at the end of the line,
//! and its recovery reads the lines after it into the table before, which would take the
//! blame. Said at its own line; under a `[[source]` header, the table is refused alone.

use std::path::Path;

use toml::de::DeTable;

use super::header_line::header_text;
use super::source_table::naming_source;
use super::table_text::TableText;
use super::{ConfigError, RefusedSource};

/// A header line toml found unclosed, nothing left open before it.
pub(super) struct UnclosedHeader {
    /// Offset of its line.
    start: usize,
    /// The header as written, without a comment after it (`[[source]`).
    written: String,
}

impl UnclosedHeader {
    /// The header line toml refused with `err`, when it is left unclosed.
    pub(super) fn at(text: &str, err: &toml::de::Error) -> Option<UnclosedHeader> {
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

    /// Refuses the `[[source]]` table under a `[[source]` header and blanks it out of
    /// `readable`, its sub-tables included; any other header refuses the file.
    pub(super) fn refuse(
        &self,
        readable: &mut String,
        path: &Path,
    ) -> Result<RefusedSource, ConfigError> {
        let line = super::parse::line_of(readable, self.start);
        let message = self.message();
        if !self.opens_a_source() {
            return Err(ConfigError::Invalid {
                path: path.to_owned(),
                line,
                message,
            });
        }
        let table = TableText::under_unclosed_header(readable, self.start);
        table.blank(readable);
        Ok(RefusedSource {
            message: match &table.name {
                Some(name) => naming_source(name, message),
                None => message,
            },
            name: table.name,
            path: path.to_owned(),
            line,
            table_line: line,
            duplicate: false,
        })
    }

    /// Whether it opens a `[[source]]` table.
    fn opens_a_source(&self) -> bool {
        let path: String = self
            .inner()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
            .collect();
        self.written.starts_with("[[") && path == "source"
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
