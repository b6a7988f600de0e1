//! Text widths of the bundled DejaVu Sans faces, so the layout can wrap, align and cut text
//! before printpdf places it.

use ab_glyph::{Font, FontRef};

/// Millimetres per typographic point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

/// The regular and bold faces' glyph advances.
pub struct TextMetrics {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl TextMetrics {
    /// Reads the bundled faces; `None` only if the bundled bytes are not a font.
    pub fn bundled() -> Option<Self> {
        Some(TextMetrics {
            regular: FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
            bold: FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
        })
    }

    /// Width of `text` at `size` points, in millimetres.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units_per_em = face.units_per_em().unwrap_or(2048.0);
        // A character the face lacks is drawn as its empty box, one em wide in the PDF (the
        // width a PDF viewer gives a glyph the font's widths do not list), not as wide as the
        // face's own `.notdef`.
        let units: f32 = text
            .chars()
            .map(|c| match face.glyph_id(c) {
                ab_glyph::GlyphId(0) if !c.is_control() => units_per_em,
                glyph => face.h_advance_unscaled(glyph),
            })
            .sum();
        units / units_per_em * size * MM_PER_PT
    }

    /// `text` broken into lines no wider than `width` millimetres, at word boundaries; a word
    /// longer than a line is cut.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line = self.cut_long_word(word, size, bold, width, &mut lines);
            }
            lines.push(line);
        }
        lines
    }

    /// Cuts a word wider than a line, after the last `-`, `_`, `/` or `.` or before the last
    /// capital of a camelCase word (`secteurActivite|Libelle`) that fits, else where the line
    /// is full.
    fn cut_long_word(
        &self,
        word: &str,
        size: f32,
        bold: bool,
        width: f32,
        lines: &mut Vec<String>,
    ) -> String {
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                let overflow = piece.split_off(piece.len() - c.len_utf8());
                let chars: Vec<(usize, char)> = piece.char_indices().collect();
                let cut = chars
                    .windows(2)
                    .rev()
                    .find_map(|pair| {
                        let [(first, before), (at, ch)] = [pair[0], pair[1]];
                        // Not after a leading `-` or capital: a line of one character.
                        if first == 0 {
                            None
                        } else if matches!(before, '-' | '_' | '/' | '.') {
                            Some(at)
                        } else {
                            (before.is_lowercase() && ch.is_uppercase()).then_some(at)
                        }
                    })
                    .unwrap_or(piece.len());
                let rest = piece.split_off(cut);
                lines.push(std::mem::take(&mut piece));
                piece = rest + &overflow;
            }
        }
        piece
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_within_the_width() {
        let metrics = TextMetrics::bundled().expect("bundled fonts");
        let text =
            "French electricity consumption and generation mix, real time (RTE éCO2mix via ODRÉ)";
        let lines = metrics.wrap(text, 9.0, false, 40.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| metrics.width(l, 9.0, false) <= 40.0));
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn long_names_break_after_a_separator() {
        let metrics = TextMetrics::bundled().expect("bundled fonts");
        let lines = metrics.wrap("usgs-earthquakes", 7.0, false, 18.0);
        assert_eq!(lines, ["usgs-", "earthquakes"]);
        let width = metrics.width("secteurActiviteLib", 7.0, false);
        let lines = metrics.wrap("secteurActiviteLibelle", 7.0, false, width);
        assert_eq!(
            lines,
            ["secteurActivite", "Libelle"],
            "before a camelCase hump"
        );
        let lines = metrics.wrap("geometry.coordinates.2", 7.0, false, width);
        assert_eq!(lines, ["geometry.", "coordinates.2"]);
        // A leading separator is no place to break: a line would hold it alone.
        let width = metrics.width("_abcdefghij", 7.0, false);
        let lines = metrics.wrap("_abcdefghijklmnop", 7.0, false, width);
        assert_ne!(lines.first().map(String::as_str), Some("_"), "{lines:?}");
    }

    /// The strongest earthquake's caption, with a long place of non-ASCII letters as USGS
    /// serves some, wraps within a chart's caption width and loses no letter.
    #[test]
    fn a_long_earthquake_place_wraps_within_the_caption_width() {
        let metrics = TextMetrics::bundled().expect("bundled fonts");
        let caption = "Highest magnitude (mixed types): 4.5 mww, 23 km NNO de \
                       Saint-Étienne-de-Saint-Geoirs, Auvergne-Rhône-Alpes, Ísafjarðarbær \
                       (Çukurova–Łódź), at 2026-12-07 10:04 CET, the first of 3 records of 4.5.";
        let (size, width) = (super::super::CAPTION, super::super::CONTENT_WIDTH);
        let lines = metrics.wrap(caption, size, false, width);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().all(|l| metrics.width(l, size, false) <= width),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), caption);
    }

    #[test]
    fn widths_grow_with_size_and_text() {
        let metrics = TextMetrics::bundled().expect("bundled fonts");
        let small = metrics.width("Métropole", 9.0, false);
        assert!(small > 10.0 && small < 30.0, "{small}");
        assert!(metrics.width("Métropole", 18.0, false) > 1.9 * small);
    }
}
