//! Room kept for a paragraph whose words are known only once the rest is laid out: the cover's
//! contents, which name the pages the sections start on.

use super::{CONTENT_WIDTH, Ink, MARGIN, MM_PER_PT, ReportDocument};

/// A paragraph's room on a page, written by [`ReportDocument::fill`].
#[derive(Debug)]
pub struct Reserved {
    /// The page, counted from 0.
    page: usize,
    top: f32,
    size: f32,
    ink: Ink,
}

impl ReportDocument {
    /// Keeps on the current page the room `widest` would take as a paragraph (text as long
    /// as the paragraph's longest words); `None`, and nothing kept, when it does not fit there.
    pub fn reserve(&mut self, widest: &str, size: f32, ink: Ink) -> Option<Reserved> {
        if !self.paragraph_fits(widest, size, false) {
            return None;
        }
        let reserved = Reserved {
            page: self.pages.len(),
            top: self.y,
            size,
            ink,
        };
        self.y += self.paragraph_height(widest, size, false);
        Some(reserved)
    }

    /// The page being filled, numbered from 1 as the footers are.
    pub fn page_number(&self) -> usize {
        self.pages.len() + 1
    }

    /// The page the latest section or bookmark starts on, numbered from 1.
    pub fn last_marked_page(&self) -> Option<usize> {
        self.marks.last().map(|(_, page)| *page)
    }

    /// Writes `text` in the room `reserved` kept, on whichever page that was.
    pub fn fill(&mut self, reserved: Reserved, text: &str) {
        let on_earlier_page = reserved.page < self.pages.len();
        if on_earlier_page {
            std::mem::swap(&mut self.ops, &mut self.pages[reserved.page].1);
        }
        let line_height = reserved.size * MM_PER_PT * 1.35;
        let lines = self.metrics.wrap(text, reserved.size, false, CONTENT_WIDTH);
        for (n, line) in lines.iter().enumerate() {
            let top = reserved.top + n as f32 * line_height;
            self.text_at(MARGIN, top, line, reserved.size, false, reserved.ink);
        }
        if on_earlier_page {
            std::mem::swap(&mut self.ops, &mut self.pages[reserved.page].1);
        }
    }
}
