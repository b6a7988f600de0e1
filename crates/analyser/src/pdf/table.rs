//! Tables that wrap long cells and continue on the next page under a repeated header row.

use super::{CONTENT_WIDTH, Ink, MARGIN, MM_PER_PT, ReportDocument};

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// One column: its header and its share of the content width.
#[derive(Debug, Clone)]
pub struct Column {
    /// Header text.
    pub title: String,
    /// Relative width; the shares of all columns fill the content width.
    pub share: f32,
    /// Alignment of the cells.
    pub align: Align,
    /// Names (of sources): their words are never broken while the table fits the page.
    pub names: bool,
}

impl Column {
    /// A left-aligned text column.
    pub fn text(title: &str, share: f32) -> Self {
        Column {
            title: title.to_owned(),
            share,
            align: Align::Left,
            names: false,
        }
    }

    /// A left-aligned column of names, which a broken word would misname
    /// (`open-meteo-/toulouse`): they keep their room before numbers do.
    pub fn names(title: &str, share: f32) -> Self {
        Column {
            names: true,
            ..Column::text(title, share)
        }
    }

    /// A right-aligned number column.
    pub fn number(title: &str, share: f32) -> Self {
        Column {
            title: title.to_owned(),
            share,
            align: Align::Right,
            names: false,
        }
    }
}

/// A table to lay out: columns and rows of cell text.
#[derive(Debug, Clone)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, one string per column.
    pub rows: Vec<Vec<String>>,
    /// Text size in points.
    pub size: f32,
}

const PADDING: f32 = 1.2;
/// The most lines a cell shows: about a third of a page at table sizes.
const MOST_LINES: usize = 24;
const HEADER_SHADE: Ink = Ink(228, 236, 245);
const STRIPE_SHADE: Ink = Ink(246, 246, 246);

impl ReportDocument {
    /// Lays out `table` at the cursor, breaking pages between rows.
    pub fn table(&mut self, table: &Table) {
        let widths = self.column_widths(table);
        let header: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        let header_lines = self.cell_lines(&header, &widths, table.size, true);
        let header_height = row_height(&header_lines, table.size);
        for (index, row) in table.rows.iter().enumerate() {
            let lines = self.cell_lines(row, &widths, table.size, false);
            let height = row_height(&lines, table.size);
            if index == 0 || self.remaining() < height {
                self.ensure(header_height + height);
                self.draw_row(
                    &table.columns,
                    &widths,
                    &header_lines,
                    table.size,
                    true,
                    Some(HEADER_SHADE),
                );
            }
            let shade = (index % 2 == 1).then_some(STRIPE_SHADE);
            self.draw_row(&table.columns, &widths, &lines, table.size, false, shade);
        }
        if table.rows.is_empty() {
            self.ensure(header_height);
            self.draw_row(
                &table.columns,
                &widths,
                &header_lines,
                table.size,
                true,
                Some(HEADER_SHADE),
            );
        }
        self.gap(2.0);
    }

    /// Each column gets room for its longest word (header or cell) where the page allows it;
    /// the width left over is shared out by the columns' shares.
    fn column_widths(&self, table: &Table) -> Vec<f32> {
        let total: f32 = table
            .columns
            .iter()
            .map(|c| c.share)
            .sum::<f32>()
            .max(f32::EPSILON);
        let longest_word = |text: &str, bold: bool| {
            text.split_whitespace()
                .map(|word| self.metrics().width(word, table.size, bold))
                .fold(0.0f32, f32::max)
        };
        // The widest piece of a name the lines may break it into, after a `-`, `_`, `/` or `.`
        // (see `TextMetrics::wrap`): `open-meteo-` of `open-meteo-toulouse-hourly`.
        let longest_piece = |text: &str| {
            text.split_whitespace()
                .flat_map(|word| word.split_inclusive(['-', '_', '/', '.']))
                .map(|piece| self.metrics().width(piece, table.size, false))
                .fold(0.0f32, f32::max)
        };
        // First try: names and numbers stay on one line; prose may wrap and, past an eighth of
        // the page, break long words. If that does not fit, names break after their hyphens
        // (`toulouse-metropole-` / `parkings`), then numbers' cells wrap between words too.
        let minimum_with = |numbers_whole: bool, names_whole: bool| -> Vec<f32> {
            table
                .columns
                .iter()
                .enumerate()
                .map(|(i, column)| {
                    let cells = table.rows.iter().filter_map(|row| row.get(i));
                    let cell_need = if column.align == Align::Right && numbers_whole {
                        cells
                            .map(|cell| self.metrics().width(cell, table.size, false))
                            .fold(0.0f32, f32::max)
                    } else if column.names && names_whole {
                        cells
                            .map(|cell| longest_word(cell, false))
                            .fold(0.0f32, f32::max)
                            .min(CONTENT_WIDTH / 4.0)
                    } else if column.names {
                        cells
                            .map(|cell| longest_piece(cell))
                            .fold(0.0f32, f32::max)
                            .min(CONTENT_WIDTH / 4.0)
                    } else {
                        cells
                            .map(|cell| longest_word(cell, false))
                            .fold(0.0f32, f32::max)
                            .min(CONTENT_WIDTH / 8.0)
                    };
                    longest_word(&column.title, true).max(cell_need) + 2.0 * PADDING + 0.5
                })
                .collect()
        };
        let fits = |minimum: &Vec<f32>| minimum.iter().sum::<f32>() <= CONTENT_WIDTH;
        let mut minimum = minimum_with(true, true);
        if !fits(&minimum) {
            minimum = minimum_with(true, false);
        }
        if !fits(&minimum) {
            minimum = minimum_with(false, false);
        }
        let spare = CONTENT_WIDTH - minimum.iter().sum::<f32>();
        if spare < 0.0 {
            let headers: Vec<f32> = table
                .columns
                .iter()
                .map(|column| longest_word(&column.title, true) + 2.0 * PADDING + 0.5)
                .collect();
            return narrowed(minimum, &table.columns, &headers, -spare);
        }
        minimum
            .iter()
            .zip(&table.columns)
            .map(|(min, column)| min + spare * column.share / total)
            .collect()
    }

    /// Each cell's lines; a cell longer than [`MOST_LINES`] ends its last line with `…`, so a
    /// row always fits a page.
    fn cell_lines(
        &self,
        cells: &[String],
        widths: &[f32],
        size: f32,
        bold: bool,
    ) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| {
                let room = width - 2.0 * PADDING;
                let mut lines = self.metrics().wrap(cell, size, bold, room);
                if lines.len() > MOST_LINES {
                    lines.truncate(MOST_LINES);
                    if let Some(last) = lines.last_mut() {
                        while !last.is_empty()
                            && self.metrics().width(&format!("{last}…"), size, bold) > room
                        {
                            last.pop();
                        }
                        last.push('…');
                    }
                }
                lines
            })
            .collect()
    }

    fn draw_row(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        lines: &[Vec<String>],
        size: f32,
        bold: bool,
        shade: Option<Ink>,
    ) {
        let height = row_height(lines, size);
        let top = self.cursor();
        if let Some(ink) = shade {
            self.shade(MARGIN, top, CONTENT_WIDTH, height, ink);
        }
        let line_height = size * MM_PER_PT * 1.3;
        let mut x = MARGIN;
        for ((column, width), cell) in columns.iter().zip(widths).zip(lines) {
            for (n, line) in cell.iter().enumerate() {
                let left = match column.align {
                    Align::Left => x + PADDING,
                    Align::Right => x + width - PADDING - self.metrics().width(line, size, bold),
                };
                let line_top = top + PADDING + n as f32 * line_height;
                self.text_at(left, line_top, line, size, bold, Ink::TEXT);
            }
            x += width;
        }
        self.set_cursor(top + height);
    }
}

/// Column widths `over` narrower in all than `minimum`. Prose columns give way first, the
/// widest first, down to their header's longest word: their long words break, where a number
/// or a header broken in two would be misread. Only if that is not enough does every column
/// narrow in proportion.
fn narrowed(mut minimum: Vec<f32>, columns: &[Column], headers: &[f32], mut over: f32) -> Vec<f32> {
    while over > 0.0 {
        let widest = columns
            .iter()
            .enumerate()
            .filter(|(i, column)| column.align == Align::Left && minimum[*i] > headers[*i])
            .max_by(|(a, _), (b, _)| {
                (minimum[*a] - headers[*a]).total_cmp(&(minimum[*b] - headers[*b]))
            })
            .map(|(i, _)| i);
        let Some(widest) = widest else {
            let scale = CONTENT_WIDTH / minimum.iter().sum::<f32>();
            return minimum.iter().map(|width| width * scale).collect();
        };
        // Down to the next widest prose column's room, or as far as needed.
        let room = minimum[widest] - headers[widest];
        let next = columns
            .iter()
            .enumerate()
            .filter(|(i, column)| *i != widest && column.align == Align::Left)
            .map(|(i, _)| (minimum[i] - headers[i]).max(0.0))
            .fold(0.0f32, f32::max);
        let step = (room - next).max(room.min(0.5)).min(over);
        minimum[widest] -= step;
        over -= step;
    }
    minimum
}

fn row_height(lines: &[Vec<String>], size: f32) -> f32 {
    let count = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    count as f32 * size * MM_PER_PT * 1.3 + 2.0 * PADDING
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Source names too long for the table to keep whole beside its figures break after a
    /// hyphen, not the figures between their words, nor a name inside a word.
    #[test]
    fn long_names_break_after_their_hyphens_before_numbers_wrap() {
        let doc = ReportDocument::new("t", chrono::Utc::now()).expect("document");
        let mut columns = vec![Column::names("Source", 6.0), Column::text("Health", 0.6)];
        for title in [
            "Expected", "Landed", "Failed", "Hours", "Records", "Coverage",
        ] {
            columns.push(Column::number(title, 0.3));
        }
        for title in ["Retries", "429s", "Quarantined"] {
            columns.push(Column::number(title, 0.3));
        }
        let name = "toulouse-metropole-parkings-relais-disponibilites";
        let row: Vec<String> = [
            name,
            "none landed",
            "1,440",
            "1,440",
            "1,440",
            "23 of 24",
            "1,234,567",
            "98.0% of 123,456",
            "1,440",
            "1,440",
            "1,440",
        ]
        .iter()
        .map(|cell| (*cell).to_owned())
        .collect();
        let table = Table {
            columns,
            rows: vec![row.clone()],
            size: 7.0,
        };
        let widths = doc.column_widths(&table);
        let lines = doc.cell_lines(&row, &widths, table.size, false);
        for (cell, lines) in row.iter().zip(&lines).skip(2) {
            assert_eq!(
                lines,
                std::slice::from_ref(cell),
                "figures on one line: {lines:?}"
            );
        }
        assert!(lines[0].len() > 1, "the name breaks: {:?}", lines[0]);
        assert!(
            lines[0][..lines[0].len() - 1]
                .iter()
                .all(|line| line.ends_with('-')),
            "after its hyphens: {:?}",
            lines[0]
        );
        assert_eq!(lines[0].concat(), name);
    }

    #[test]
    fn prose_columns_give_way_before_numbers_and_headers() {
        let columns = [
            Column::text("Source", 1.0),
            Column::text("Health", 1.0),
            Column::number("Records", 1.0),
        ];
        let headers = [12.0, 12.0, 14.0];
        let over = 5.0;
        let minimum = vec![30.0, 16.0, CONTENT_WIDTH - 46.0 + over];
        let widths = narrowed(minimum.clone(), &columns, &headers, over);
        assert!(
            (widths.iter().sum::<f32>() - CONTENT_WIDTH).abs() < 0.01,
            "{widths:?}"
        );
        assert!(
            (widths[0] - 25.0).abs() < 0.01,
            "the widest prose column gives: {widths:?}"
        );
        assert_eq!(widths[1..], minimum[1..], "the others keep their room");

        let too_much = narrowed(minimum.clone(), &columns, &headers, 40.0);
        assert!(
            (too_much.iter().sum::<f32>() - CONTENT_WIDTH).abs() < 0.01,
            "{too_much:?}"
        );
        let scale = too_much[2] / minimum[2];
        assert!(
            (too_much[0] - headers[0] * scale).abs() < 0.01
                && (too_much[1] - headers[1] * scale).abs() < 0.01,
            "prose columns down to their headers, then every column in proportion: {too_much:?}"
        );
    }
}
