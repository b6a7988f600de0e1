//! Text set on the page in the bundled fonts: single lines, wrapped paragraphs and headings.

use printpdf::{Op, PdfFontHandle, Pt, TextItem};

use super::{CONTENT_WIDTH, Ink, MARGIN, MM_PER_PT, ReportDocument, TOP, point};

impl ReportDocument {
    /// Writes one line of text with its top at the cursor's line, at `x` from the left edge.
    pub(super) fn text_at(
        &mut self,
        x: f32,
        top: f32,
        text: &str,
        size: f32,
        bold: bool,
        ink: Ink,
    ) {
        let baseline = top + size * MM_PER_PT * 0.8;
        let font = if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: ink.color() },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Whether `text` written as a paragraph fits on the current page.
    pub fn paragraph_fits(&self, text: &str, size: f32, bold: bool) -> bool {
        self.paragraph_height(text, size, bold) <= self.remaining()
    }

    /// Height of `text` laid out by [`ReportDocument::paragraph`], in millimetres.
    pub fn paragraph_height(&self, text: &str, size: f32, bold: bool) -> f32 {
        let lines = self.metrics.wrap(text, size, bold, CONTENT_WIDTH).len();
        lines as f32 * size * MM_PER_PT * 1.35
    }

    /// Wrapped text across the content width, continuing on a new page when needed.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool, ink: Ink) {
        // A warning is bold whatever its caller said (see `Ink::ALERT`).
        let bold = bold || ink == Ink::ALERT;
        let line_height = size * MM_PER_PT * 1.35;
        for line in self.metrics.wrap(text, size, bold, CONTENT_WIDTH) {
            self.ensure(line_height);
            self.text_at(MARGIN, self.y, &line, size, bold, ink);
            self.y += line_height;
        }
    }

    /// A section title, wrapped across the content width, kept with at least `keep_with`
    /// millimetres of what follows it.
    pub fn heading(&mut self, text: &str, size: f32, keep_with: f32) {
        let lines = self.metrics.wrap(text, size, true, CONTENT_WIDTH);
        let line_height = size * MM_PER_PT * 1.3;
        let height = size * MM_PER_PT * 1.6 + line_height * (lines.len().max(1) - 1) as f32;
        self.ensure(height + keep_with);
        if self.y > TOP {
            self.y += size * MM_PER_PT * 0.6;
        }
        for (n, line) in lines.iter().enumerate() {
            let top = self.y + n as f32 * line_height;
            self.text_at(MARGIN, top, line, size, true, Ink::TITLE);
        }
        self.y += height;
    }

    /// `text` as it fits in `room` millimetres: whole, or cut in its middle with `…`.
    pub(super) fn fitted(&self, text: &str, size: f32, bold: bool, room: f32) -> String {
        crate::format::cut_to_fit(text, |candidate| {
            self.metrics.width(candidate, size, bold) <= room
        })
    }
}
