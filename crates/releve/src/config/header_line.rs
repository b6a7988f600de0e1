//! Lines that look like table headers (`[[source]]`, `[source.params]`, `[report]`), told
//! from the text alone: where toml cannot read the file, they still say which table a line
//! belongs to.

use toml::de::DeTable;

/// The offset of every line that looks like a table header, closed or not, with what it
/// opens.
pub(super) fn header_lines(text: &str) -> Vec<(usize, LineHeader)> {
    let mut headers = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if let Some(kind) = LineHeader::opened_by(line) {
            headers.push((at, kind));
        }
        at += line.len();
    }
    headers
}

/// What a line that looks like a table header opens.
pub(super) enum LineHeader {
    /// `[[source]]`.
    SourceItem,
    /// `[source.params]` and the like: part of the table above.
    SourceSubTable,
    /// `[report]`.
    Report,
    /// Any other table.
    Other,
}

impl LineHeader {
    /// What `line` opens as a header, closed or left unclosed: `[[source]` and `[[source` open a
    /// source table as `[[source]]` does, where toml, reading a value left open before it,
    /// would not say so.
    pub(super) fn opened_by(line: &str) -> Option<LineHeader> {
        LineHeader::of(line).or_else(|| {
            let header = header_text(line.trim_start_matches('\u{feff}'));
            if !header.starts_with('[') {
                return None;
            }
            ["]", "]]"].into_iter().find_map(|close| {
                let closed = format!("{header}{close}");
                DeTable::parse(&closed).ok()?;
                LineHeader::of(&closed)
            })
        })
    }

    /// What `line` opens as a header written whole.
    pub(super) fn of(line: &str) -> Option<LineHeader> {
        // A comment may follow a header, glued to it or not: `[[source]]#c`.
        let line = line.trim_start_matches('\u{feff}').trim();
        let close = if line.starts_with("[[") { "]]" } else { "]" };
        let end = line.find(close)? + close.len();
        let rest = line[end..].trim_start();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        let line = &line[..end];
        let inner = line.strip_prefix('[')?.strip_suffix(']')?;
        let (array, inner) = match inner.strip_prefix('[').zip(inner.strip_suffix(']')) {
            Some(_) => (true, &inner[1..inner.len() - 1]),
            None => (false, inner),
        };
        let path: String = inner
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
            .collect();
        Some(if array && path == "source" {
            LineHeader::SourceItem
        } else if !array && path == "report" {
            LineHeader::Report
        } else if path.starts_with("source.") {
            LineHeader::SourceSubTable
        } else {
            LineHeader::Other
        })
    }
}

/// Whether toml reads `text` to its end without anything left open (an array, an inline table
/// or a string), so that a header line after it is a header: a key written twice there is
/// another table's fault and does not hide one.
pub(super) fn headers_read_as_headers(text: &str) -> bool {
    let (_, errors) = DeTable::parse_recoverable(text);
    errors
        .iter()
        .all(|err| err.message().starts_with("duplicate key"))
}

/// A header line without its comment (`[source.units] # again`).
pub(super) fn header_text(line: &str) -> &str {
    let line = line.trim();
    line[..line.find('#').unwrap_or(line.len())].trim_end()
}
