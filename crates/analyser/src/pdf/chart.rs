//! Charts placed at print size with their captions and the words a screen reader reads of them.

use printpdf::{Op, TextRenderingMode, XObjectTransform};

use super::{CAPTION, CONTENT_WIDTH, Ink, MARGIN, MM_PER_PT, ReportDocument, picture, point};
use crate::charts::{ChartImage, DPI};

impl ReportDocument {
    /// Places a chart at the cursor at its print size with its caption paragraphs below it,
    /// both on a new page if they do not fit together.
    pub fn chart(&mut self, mut chart: ChartImage, captions: &[&str]) {
        let words = std::mem::take(&mut chart.words);
        let width = chart.width as f32 / DPI * 25.4;
        let height = chart.height as f32 / DPI * 25.4;
        let caption_height: f32 = captions
            .iter()
            .map(|caption| self.paragraph_height(caption, CAPTION, false))
            .sum();
        self.ensure(height + 2.0 + caption_height);
        let id = self.doc.add_xobject(&picture::compressed(&chart));
        let lower_left = point(
            MARGIN + (CONTENT_WIDTH - width).max(0.0) / 2.0,
            self.y + height,
        );
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(lower_left.x),
                translate_y: Some(lower_left.y),
                dpi: Some(DPI),
                ..Default::default()
            },
        });
        self.unseen_lines(&words, self.y, height);
        self.y += height + 2.0;
        for caption in captions {
            self.paragraph(caption, CAPTION, false, Ink::MUTED);
        }
    }

    /// `lines` as text the page does not show, one under the other over the picture whose top
    /// is `top` and height `height`: what a screen reader reads of the picture, and a search
    /// finds, in order, before its captions.
    fn unseen_lines(&mut self, lines: &[String], top: f32, height: f32) {
        // Wrapped across the content width, as a caption: a long value stays on the page.
        let lines: Vec<String> = lines
            .iter()
            .flat_map(|line| self.metrics.wrap(line, CAPTION, false, CONTENT_WIDTH))
            .collect();
        if lines.is_empty() {
            return;
        }
        let step = (height / lines.len() as f32).min(CAPTION * MM_PER_PT * 1.35);
        let size = (step / (MM_PER_PT * 1.35)).min(CAPTION);
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetTextRenderingMode {
                mode: TextRenderingMode::Invisible,
            },
        ]);
        for (i, line) in lines.iter().enumerate() {
            self.text_at(MARGIN, top + i as f32 * step, line, size, false, Ink::MUTED);
        }
        self.ops.push(Op::RestoreGraphicsState);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::BODY;
    use chrono::DateTime;

    fn blank_chart(height_mm: f32) -> ChartImage {
        let (width, height) = (
            crate::charts::px(CONTENT_WIDTH),
            crate::charts::px(height_mm),
        );
        ChartImage {
            rgb: vec![255; width as usize * height as usize * 3],
            width,
            height,
            words: Vec::new(),
        }
    }

    fn images(ops: &[Op]) -> usize {
        ops.iter()
            .filter(|op| matches!(op, Op::UseXobject { .. }))
            .count()
    }

    fn texts(ops: &[Op]) -> usize {
        ops.iter()
            .filter(|op| matches!(op, Op::ShowText { .. }))
            .count()
    }

    #[test]
    fn a_caption_that_no_longer_fits_takes_its_chart_to_the_next_page() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.paragraph("Above.", BODY, false, Ink::TEXT);
        let chart = blank_chart(50.0);
        let chart_height = chart.height as f32 / DPI * 25.4;
        // Room for the chart, not for its caption.
        doc.gap(doc.remaining() - chart_height - 3.0);
        doc.chart(
            chart,
            &["Other values: 3 records; without a value: 0 records."],
        );
        assert_eq!(doc.pages.len(), 1, "the chart moved to a second page");
        assert_eq!(images(&doc.pages[0].1), 0, "no chart left behind");
        assert_eq!(images(&doc.ops), 1, "the chart is on the second page");
        assert_eq!(texts(&doc.ops), 1, "with its caption");
    }
}
