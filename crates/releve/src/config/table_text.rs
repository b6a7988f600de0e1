//! The text of one `[[source]]` table, to blank it out when it is refused so that the rest of
//! the file can be read again. Its bytes become spaces and its line breaks stay, so every other
//! key keeps its offset and its line.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::header_line::{LineHeader, header_lines, header_text, headers_read_as_headers};

/// A `[[source]]` table written with headers: from its header to the next table's, with its
/// own sub-tables (`[source.params]`).
pub(super) struct TableText {
    /// Byte ranges: the table's own keys, then each of its sub-tables.
    ranges: Vec<Range<usize>>,
    /// Offset of its `[[source]]` header.
    pub(super) header: usize,
    /// Its `name`, when written as text.
    pub(super) name: Option<String>,
    /// When toml could not read the table and one of its values is left open (a `]` or `}`
    /// missing): the offset of that key's line, where the fault really is (toml stops at a
    /// later key), and the key.
    pub(super) left_open: Option<(usize, String)>,
    /// When toml refused the header line of one of its sub-tables: that line.
    pub(super) refused_header: Option<String>,
}

impl TableText {
    /// The `[[source]]` table that `offset` falls in. `None` when no header-written source
    /// table holds it (`source = [{ ... }]`, or a fault outside the sources), and, for text
    /// that is not TOML, when the table cannot be told for sure.
    pub(super) fn holding(text: &str, offset: usize) -> Option<TableText> {
        if let Ok(root) = DeTable::parse(text) {
            return Self::holding_in(text, &root.into_inner(), offset);
        }
        // TOML that cannot be read (`every = 15m`, a key written twice): the table is found
        // in what toml recovers. When toml stopped at a header line, only a value left open
        // in the table before it (a `]` missing on its last key) can say whose fault it is.
        if line_at(text, offset).trim_start().starts_with('[') {
            let line_start = text[..offset.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let left_open_before = line_start
                .checked_sub(1)
                .and_then(|before| Self::by_lines(text, before));
            // Else a sub-table's header toml refuses (a sub-table written twice, or one
            // extending a key of the table written inline) is its own table's fault.
            // A header toml cannot read alone (`[source.]`) is malformed: not a table's fault.
            let header = header_text(line_at(text, offset));
            let sub_table = matches!(LineHeader::of(header), Some(LineHeader::SourceSubTable))
                && DeTable::parse(header).is_ok();
            return left_open_before.or_else(|| {
                let mut table = sub_table
                    .then(|| Self::by_lines_at(text, line_start, false, Blame::Header))
                    .flatten()?;
                table.refused_header = Some(header.to_owned());
                Some(table)
            });
        }
        let (root, _) = DeTable::parse_recoverable(text);
        Self::holding_in(text, &root.into_inner(), offset)
            .filter(|table| !table.hides_a_header(text))
            .map(|mut table| {
                // An array or inline table still open at the end of its table or of one of its
                // sub-tables (the last of the file) is the fault, whatever key toml stopped
                // at; the brackets are not counted where a multi-line string could hold some.
                let multi_line = |range: &Range<usize>| {
                    let own = &text[range.clone()];
                    own.contains("\"\"\"") || own.contains("'''")
                };
                if !table.ranges.iter().any(multi_line) {
                    table.left_open = table.ranges.iter().find_map(|range| {
                        left_open(&text[range.clone()]).map(|(line, key)| (range.start + line, key))
                    });
                }
                table
            })
            .or_else(|| Self::by_lines(text, offset))
            // Nothing left open before it, no multi-line string about: a fault on a line of
            // the table's own (a key without `=`) is its own.
            .or_else(|| Self::by_lines_at(text, offset, false, Blame::Header))
    }

    /// The `[[source]]` table `offset` falls in, told from the header lines alone: the last
    /// one before `offset` must be that `[[source]]` line or one of its sub-tables'
    /// (`[source.params]`, wherever written), and the table runs to the next table's header,
    /// its sub-tables included. For TOML whose recovery lost the table's end (an array or an
    /// inline table left open, then other keys of the table): the fault lies before the next
    /// header, so the table is certain, unless a multi-line string up to there could hide a
    /// header line or make one, or nothing of the table is left open. When the table at `offset`
    /// holds nothing left open, the one before it is tried: toml may read a header line into
    /// a value left open there and stop only inside the next table.
    fn by_lines(text: &str, offset: usize) -> Option<TableText> {
        Self::by_lines_at(text, offset, true, Blame::LeftOpen)
    }

    /// [`TableText::by_lines`], trying the table before when `and_before`; with
    /// [`Blame::Header`], the table is `offset`'s whether or not a value of it is left open.
    fn by_lines_at(text: &str, offset: usize, and_before: bool, blame: Blame) -> Option<TableText> {
        let headers = header_lines(text);
        // The last header before the fault; a sub-table's belongs to the `[[source]]` before
        // it, wherever it is written.
        let last = headers.iter().rposition(|(start, _)| *start <= offset)?;
        let index = match headers[last].1 {
            LineHeader::SourceItem => last,
            LineHeader::SourceSubTable => headers[..last]
                .iter()
                .rposition(|(_, kind)| matches!(kind, LineHeader::SourceItem))?,
            // A value left open in the table before can make toml stop in this one.
            LineHeader::Report | LineHeader::Other => {
                return headers[last]
                    .0
                    .checked_sub(1)
                    .filter(|_| and_before)
                    .and_then(|before| Self::by_lines_at(text, before, false, blame));
            }
        };
        let header = headers[index].0;
        let ranges = source_ranges(text, &headers, header, index + 1);
        let end = ranges.last().map_or(text.len(), |range| range.end);
        // The header is a header only if the text before it is TOML toml reads (nothing left
        // open there, no string holding it); the table's own text must hold no multi-line
        // string, whose lines the bracket count cannot tell from keys; and the fault is this
        // table's only if one of its values is left open.
        let before = || {
            header
                .checked_sub(1)
                .filter(|_| and_before)
                .and_then(|before| Self::by_lines_at(text, before, false, blame))
        };
        if !headers_read_as_headers(&text[..header]) {
            return before();
        }
        if text[header..end].contains("\"\"\"") || text[header..end].contains("'''") {
            return None;
        }
        if !ranges.iter().any(|range| range.contains(&offset)) {
            return None;
        }
        let left_open = ranges.iter().find_map(|range| {
            left_open(&text[range.clone()]).map(|(line, key)| (range.start + line, key))
        });
        if left_open.is_none() && matches!(blame, Blame::LeftOpen) {
            return before();
        }
        Some(TableText {
            name: name_in(&text[ranges[0].clone()]),
            ranges,
            header,
            left_open,
            refused_header: None,
        })
    }

    /// The `[[source]]` table under the header line at `start` that toml found unclosed
    /// (`[[source]`, which no header line counts): up to the next header line, with the
    /// sub-tables after it.
    pub(super) fn under_unclosed_header(text: &str, start: usize) -> TableText {
        let headers = header_lines(text);
        let next = headers.partition_point(|(at, _)| *at <= start);
        let ranges = source_ranges(text, &headers, start, next);
        TableText {
            name: ranges.first().and_then(|own| name_in(&text[own.clone()])),
            ranges,
            header: start,
            left_open: None,
            refused_header: None,
        }
    }

    /// Its byte ranges: its own keys, then each of its sub-tables.
    pub(super) fn ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.ranges.iter().cloned()
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
                    left_open: None,
                    refused_header: None,
                    name: keys
                        .get("name")
                        .and_then(|name| name.get_ref().as_str())
                        .map(str::to_owned),
                })
        })
    }

    /// Whether a line in the table's text reads as another table's header: toml's recovery
    /// took it for part of a value (an array left open), so blanking the table would silently
    /// take that table with it. Sub-table headers of this source are its own.
    fn hides_a_header(&self, text: &str) -> bool {
        self.ranges.iter().enumerate().any(|(index, range)| {
            let mut lines = text[range.clone()].split_inclusive('\n');
            if index == 0 {
                // The table's own `[[source]]` line.
                lines.next();
            }
            lines.any(|line| {
                matches!(
                    LineHeader::opened_by(line),
                    Some(LineHeader::SourceItem | LineHeader::Report | LineHeader::Other)
                )
            })
        })
    }

    /// The `[report]` table `offset` falls in, from its header line to the next header line,
    /// when the text before it reads as TOML (so its header is one); or the `[report]` right
    /// before the table `offset` falls in when it leaves a value open (`keep = [1,`), which
    /// toml read on into that table, stopping there. A value left open is kept in
    /// [`TableText::left_open`].
    pub(super) fn report_at(text: &str, offset: usize) -> Option<TableText> {
        let headers = header_lines(text);
        let last = headers.iter().rposition(|(start, _)| *start <= offset)?;
        let (index, holding) = match headers[last].1 {
            LineHeader::Report => (last, true),
            _ => (last.checked_sub(1)?, false),
        };
        let (header, LineHeader::Report) = headers[index] else {
            return None;
        };
        if !headers_read_as_headers(&text[..header]) {
            return None;
        }
        let end = headers
            .get(index + 1)
            .map_or(text.len(), |(start, _)| *start);
        let left_open = match left_open(&text[header..end]) {
            Some((line, key)) => Some((header + line, key)),
            None if holding => None,
            None => return None,
        };
        Some(TableText {
            ranges: std::iter::once(header..end).collect(),
            header,
            name: None,
            left_open,
            refused_header: None,
        })
    }

    /// Blanks the table out of `text`, keeping its line breaks.
    pub(super) fn blank(&self, text: &mut String) {
        blank_out(text, &self.ranges);
    }
}

/// Blanks `ranges` out of `text`, keeping its line breaks and every offset.
pub(super) fn blank_out(text: &mut String, ranges: &[Range<usize>]) {
    let mut blanked = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if matches!(c, '\n' | '\r') || !ranges.iter().any(|r| r.contains(&at)) {
            blanked.push(c);
        } else {
            // As many spaces as the character's bytes: every offset after it stays.
            blanked.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    *text = blanked;
}

/// Why a table found by its header lines is at fault.
#[derive(Clone, Copy)]
enum Blame {
    /// One of its values is left open (a `]` or `}` missing); without one, it is not.
    LeftOpen,
    /// toml refused one of its sub-tables' headers.
    Header,
}

/// The key whose array or inline table is still open at the end of `text` (a run of TOML
/// lines), with the offset of its line; `None` when every bracket opened is closed. Strings,
/// multi-line ones included, and comments are skipped.
pub(super) fn left_open(text: &str) -> Option<(usize, String)> {
    let (mut depth, mut open, mut at) = (0i32, None, 0);
    // The delimiter of a multi-line string read on, line after line.
    let mut multi_line: Option<&'static str> = None;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let mut rest = line;
        if let Some(delimiter) = multi_line {
            match line.find(delimiter) {
                Some(end) => rest = &line[end + delimiter.len()..],
                None => continue,
            }
        } else if depth == 0 {
            if LineHeader::of(line).is_some() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if key.contains('#') {
                continue;
            }
            let key = key.trim().trim_matches(['"', '\'']).to_owned();
            rest = value;
            open = Some((start, key));
        }
        multi_line = scan_brackets(rest, &mut depth);
    }
    if depth > 0 { open } else { None }
}

/// Counts the brackets `rest` of a line opens and closes into `depth`, skipping strings and
/// comments; the delimiter of a multi-line string it leaves open, if any.
fn scan_brackets(rest: &str, depth: &mut i32) -> Option<&'static str> {
    let mut at = 0;
    while let Some(c) = rest[at..].chars().next() {
        let after = &rest[at + c.len_utf8()..];
        at += c.len_utf8();
        match c {
            '#' => break,
            '"' | '\'' => {
                let delimiter = if c == '"' { "\"\"\"" } else { "\'\'\'" };
                if rest[at - 1..].starts_with(delimiter) {
                    // A multi-line string: read on to its end, on this line or a later one.
                    let inner = &rest[at + 2..];
                    match inner.find(delimiter) {
                        Some(end) => at += 2 + end + delimiter.len(),
                        None => return Some(delimiter),
                    }
                    continue;
                }
                // To the closing quote; a basic string's `\"` does not close it.
                let mut chars = after.char_indices();
                let mut end = after.len();
                while let Some((i, ch)) = chars.next() {
                    if ch == '\\' && c == '"' {
                        chars.next();
                    } else if ch == c {
                        end = i + 1;
                        break;
                    }
                }
                at += end;
            }
            '[' | '{' => *depth += 1,
            ']' | '}' => *depth = (*depth - 1).max(0),
            _ => {}
        }
    }
    None
}

/// The byte ranges of the `[[source]]` table whose header is at `header`, `next` being the
/// index in `headers` of the first header line after it: its keys and the sub-tables right
/// after them; then, up to the next `[[source]]`, the sub-tables written after other tables,
/// which TOML gives it too.
fn source_ranges(
    text: &str,
    headers: &[(usize, LineHeader)],
    header: usize,
    next: usize,
) -> Vec<Range<usize>> {
    let start_of = |i: usize| headers.get(i).map_or(text.len(), |(start, _)| *start);
    let mut after = next;
    while matches!(headers.get(after), Some((_, LineHeader::SourceSubTable))) {
        after += 1;
    }
    let mut ranges: Vec<Range<usize>> = std::iter::once(header..start_of(after)).collect();
    for (i, (start, kind)) in headers.iter().enumerate().skip(after) {
        match kind {
            LineHeader::SourceItem => break,
            LineHeader::SourceSubTable => ranges.push(*start..start_of(i + 1)),
            LineHeader::Report | LineHeader::Other => {}
        }
    }
    ranges
}

/// The `name` a table's own lines give as text, read line by line.
pub(super) fn name_in(own: &str) -> Option<String> {
    own.lines().find_map(|line| {
        let key_value = toml::from_str::<toml::Table>(line).ok()?;
        key_value.get("name")?.as_str().map(str::to_owned)
    })
}

/// The line of `text` that `offset` falls on.
fn line_at(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[start..].lines().next().unwrap_or("")
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
