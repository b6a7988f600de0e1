//! The text of one `[[source]]` table, to blank it out when it is refused so that the rest of
//! the file can be read again. Its bytes become spaces and its line breaks stay, so every other
//! key keeps its offset and its line.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A `[[source]]` table written with headers: from its header to the next table's, with its
/// own sub-tables (`[source.params]`).
pub(super) struct TableText {
    /// Byte ranges: the table's own keys, then each of its sub-tables.
    ranges: Vec<Range<usize>>,
    /// Offset of its `[[source]]` header.
    pub(super) header: usize,
    /// Its `name`, when written as text.
    pub(super) name: Option<String>,
}

impl TableText {
    /// The `[[source]]` table that `offset` falls in. `None` when no header-written source
    /// table holds it (`source = [{ ... }]`, or a fault outside the sources, or a line that
    /// should be a header and is not one).
    pub(super) fn holding(text: &str, offset: usize) -> Option<TableText> {
        match DeTable::parse(text) {
            Ok(root) => Self::holding_in(text, &root.into_inner(), offset),
            // TOML cannot be read (`every = 15m`, a key written twice): the table is found
            // from its lines.
            Err(_) => Self::holding_by_lines(text, offset),
        }
    }

    fn holding_in(text: &str, root: &DeTable<'_>, offset: usize) -> Option<TableText> {
        let mut headers = Vec::new();
        for (_, value) in root.iter() {
            collect_headers(text, value, &mut headers);
        }
        headers.sort_unstable();
        let next_header = |start: usize| {
            headers
                .iter()
                .copied()
                .find(|&h| h > start)
                .unwrap_or(text.len())
        };
        let DeValue::Array(tables) = root.get("source")?.get_ref() else {
            return None;
        };
        tables.iter().find_map(|table| {
            let header = table.span().start;
            if !text[header..].starts_with("[[") {
                return None;
            }
            let DeValue::Table(keys) = table.get_ref() else {
                return None;
            };
            let mut own = Vec::new();
            for (_, value) in keys.iter() {
                collect_headers(text, value, &mut own);
            }
            let ranges: Vec<Range<usize>> = std::iter::once(header)
                .chain(own)
                .map(|start| start..next_header(start))
                .collect();
            ranges
                .iter()
                .any(|r| r.contains(&offset))
                .then(|| TableText {
                    ranges,
                    header,
                    name: keys
                        .get("name")
                        .and_then(|name| name.get_ref().as_str())
                        .map(str::to_owned),
                })
        })
    }

    /// The table holding `offset` in text that is not TOML, from the header lines around it:
    /// back to its `[[source]]` line across its own sub-table headers, on to the next header
    /// of anything else. `None` when the offending line is itself a header or is not in a
    /// source table.
    fn holding_by_lines(text: &str, offset: usize) -> Option<TableText> {
        let lines: Vec<(usize, &str)> = text
            .split_inclusive('\n')
            .scan(0, |start, line| {
                let at = *start;
                *start += line.len();
                Some((at, line))
            })
            .collect();
        let faulty = lines
            .iter()
            .rposition(|(start, _)| *start <= offset)
            .unwrap_or(0);
        if lines
            .get(faulty)
            .is_some_and(|(_, line)| line.trim_start().starts_with('['))
        {
            return None;
        }
        let mut item = None;
        for index in (0..faulty).rev() {
            match LineHeader::of(lines[index].1) {
                Some(LineHeader::SourceItem) => {
                    item = Some(index);
                    break;
                }
                Some(LineHeader::SourceSubTable) | None => {}
                Some(LineHeader::Other) => return None,
            }
        }
        let item = item?;
        let end = lines[item + 1..]
            .iter()
            .find(|(_, line)| {
                matches!(
                    LineHeader::of(line),
                    Some(LineHeader::SourceItem | LineHeader::Other)
                )
            })
            .map_or(text.len(), |(start, _)| *start);
        let header = lines[item].0;
        Some(TableText {
            ranges: std::iter::once(header..end).collect(),
            header,
            name: lines[item..]
                .iter()
                .take_while(|(start, _)| *start < end)
                .find_map(|(_, line)| name_on_line(line)),
        })
    }

    /// Blanks the table out of `text`, keeping its line breaks.
    pub(super) fn blank(&self, text: &mut String) {
        let mut blanked = String::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            if matches!(c, '\n' | '\r') || !self.ranges.iter().any(|r| r.contains(&at)) {
                blanked.push(c);
            } else {
                // As many spaces as the character's bytes: every offset after it stays.
                blanked.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        *text = blanked;
    }
}

/// What a line that looks like a table header opens.
enum LineHeader {
    /// `[[source]]`.
    SourceItem,
    /// `[source.params]` and the like: part of the table above.
    SourceSubTable,
    /// Any other table.
    Other,
}

impl LineHeader {
    fn of(line: &str) -> Option<LineHeader> {
        let line = line.trim();
        let line = line
            .split_once(" #")
            .map_or(line, |(header, _)| header)
            .trim_end();
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
        } else if path.starts_with("source.") {
            LineHeader::SourceSubTable
        } else {
            LineHeader::Other
        })
    }
}

/// The name a `name = "..."` line gives.
fn name_on_line(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    if key.trim() != "name" {
        return None;
    }
    let value = value.trim().strip_prefix('"')?;
    Some(value.split('"').next()?.to_owned())
}

/// The starts of the table headers (`[x]`, `[[x]]`) that define `value` and the tables in it.
fn collect_headers(text: &str, value: &Spanned<DeValue<'_>>, headers: &mut Vec<usize>) {
    match value.get_ref() {
        DeValue::Table(keys) => {
            let start = value.span().start;
            if text[start..].starts_with('[') {
                headers.push(start);
            }
            for (_, inner) in keys.iter() {
                collect_headers(text, inner, headers);
            }
        }
        DeValue::Array(items) => {
            for item in items {
                collect_headers(text, item, headers);
            }
        }
        _ => {}
    }
}
