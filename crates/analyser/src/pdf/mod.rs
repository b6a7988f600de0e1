//! The A4 document the report is laid out on: printpdf pages filled top to bottom with
//! headings, wrapped text, tables and chart images, starting a new page when one is full,
//! with the bundled DejaVu Sans embedded (subset) so accents and symbols print everywhere.

mod chart;
mod credit;
mod finish;
mod information;
mod metrics;
mod picture;
mod reserved;
mod shapes;
mod table;
mod text;

use chrono::{DateTime, Utc};
use printpdf::{Color, FontId, Mm, OffsetDateTime, Op, ParsedFont, PdfDocument, Point, Rgb};

pub use credit::Credit;
pub use information::{generated_at, is_whole, left_out_refused, newest_runs_read};
use metrics::{MM_PER_PT, TextMetrics};
pub use reserved::Reserved;
pub use table::{Column, Table};

/// A4 width in millimetres.
const PAGE_WIDTH: f32 = 210.0;
/// A4 height in millimetres.
const PAGE_HEIGHT: f32 = 297.0;
/// Left and right margins.
const MARGIN: f32 = 18.0;
/// Width between the margins.
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const TOP: f32 = 18.0;
const BOTTOM: f32 = 20.0;

/// Body text size in points.
pub const BODY: f32 = 9.5;
/// Chart caption size in points.
pub const CAPTION: f32 = 8.0;

/// The document could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("the bundled DejaVu Sans font could not be read")]
pub struct FontError;

/// A text colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ink(pub u8, pub u8, pub u8);

impl Ink {
    /// Body text.
    pub const TEXT: Ink = Ink(30, 30, 30);
    /// Secondary text.
    pub const MUTED: Ink = Ink(110, 110, 110);
    /// Titles.
    pub const TITLE: Ink = Ink(31, 96, 160);
    /// Warnings, always bold: printed in black and white, this red is a grey hardly darker
    /// than [`Ink::MUTED`], and only the weight tells a warning from a note.
    pub const ALERT: Ink = Ink(190, 60, 20);

    fn color(self) -> Color {
        Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }
}

/// A report being laid out: finished pages, the page being filled and its cursor.
pub struct ReportDocument {
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    metrics: TextMetrics,
    /// Finished pages, each with the title of the section it continues, if it does.
    pages: Vec<(Option<String>, Vec<Op>)>,
    ops: Vec<Op>,
    /// The title of the section being laid out, repeated atop the pages it runs onto.
    section: Option<String>,
    /// The section the page being filled continues, if it does.
    continues: Option<String>,
    /// Distance of the cursor from the top edge, in millimetres.
    y: f32,
    /// The outline's entries, in the report's order: each title and the page it starts on.
    marks: Vec<(String, usize)>,
    /// The credit of each section that has one, by title, repeated atop the pages it runs
    /// onto under its title.
    credits: std::collections::HashMap<String, Credit>,
}

impl ReportDocument {
    /// An empty document titled `title`, created at `created`, with the bundled fonts loaded.
    pub fn new(title: &str, created: DateTime<Utc>) -> Result<Self, FontError> {
        let mut doc = PdfDocument::new(title);
        // printpdf writes the date's UTC fields with a `+00'00'` offset: give it UTC.
        let date = OffsetDateTime::from_unix_timestamp(created.timestamp())
            .unwrap_or(OffsetDateTime::epoch());
        let info = &mut doc.metadata.info;
        info.creator = "relevé analyser".to_owned();
        info.producer = format!("relevé {}", env!("CARGO_PKG_VERSION"));
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
        let mut warnings = Vec::new();
        let regular =
            ParsedFont::from_bytes(dejavu::sans::regular(), 0, &mut warnings).ok_or(FontError)?;
        let bold =
            ParsedFont::from_bytes(dejavu::sans::bold(), 0, &mut warnings).ok_or(FontError)?;
        Ok(ReportDocument {
            regular: doc.add_font(&regular),
            bold: doc.add_font(&bold),
            doc,
            metrics: TextMetrics::bundled().ok_or(FontError)?,
            pages: Vec::new(),
            ops: Vec::new(),
            section: None,
            continues: None,
            y: TOP,
            marks: Vec::new(),
            credits: std::collections::HashMap::new(),
        })
    }

    /// The text measurer.
    fn metrics(&self) -> &TextMetrics {
        &self.metrics
    }

    /// Millimetres left above the bottom margin.
    fn remaining(&self) -> f32 {
        PAGE_HEIGHT - BOTTOM - self.y
    }

    /// Starts a new page unless the current one is still blank. A page the current section
    /// runs onto says so at its top.
    pub fn new_page(&mut self) {
        // A blank page stays the page it is: a section whose title does not fit at its top
        // still starts there, not on a page that says it continues.
        if !self.ops.is_empty() {
            let continues = self.continues.take();
            self.pages.push((continues, std::mem::take(&mut self.ops)));
            self.continues = self.section.clone();
        }
        self.y = TOP;
    }

    /// Starts a section on a new page with its title as a heading of `size` points, kept with
    /// at least `keep_with` millimetres of what follows; the pages it runs onto repeat the
    /// title at their top.
    pub fn section(&mut self, title: &str, size: f32, keep_with: f32) {
        self.section = None;
        self.new_page();
        self.section = Some(title.to_owned());
        self.heading(title, size, keep_with);
        self.bookmark(title);
    }

    /// Gives the section being laid out the credit its source's licence asks for on every
    /// page it is on: the pages it runs onto repeat it under their title, in the top margin.
    pub fn credit_section(&mut self, credit: &Credit) {
        if let Some(title) = &self.section {
            self.credits.insert(title.clone(), credit.clone());
        }
    }

    /// Marks the page being filled in the PDF's outline (its bookmarks), as `title`: a report
    /// of forty sources runs over seventy pages.
    pub fn bookmark(&mut self, title: &str) {
        // printpdf numbers pages from 1.
        self.marks.push((title.to_owned(), self.pages.len() + 1));
    }

    /// Starts a section like [`ReportDocument::section`], but on the current page, under a
    /// rule, when its title and `keep_with` millimetres of what follows fit there and, for a
    /// section of about `whole` millimetres that fits whole on a page, when all of it does: a
    /// source of one line or one chart does not take a page alone, nor is it split in two.
    pub fn flowing_section(&mut self, title: &str, size: f32, keep_with: f32, whole: f32) {
        self.section = None;
        let title_height = self.metrics.wrap(title, size, true, CONTENT_WIDTH).len() as f32
            * size
            * MM_PER_PT
            * 1.6;
        // Within a margin for what `whole` could not foresee (captions longer than thought).
        let page = PAGE_HEIGHT - TOP - BOTTOM - 20.0;
        let needed = if title_height + whole <= page {
            title_height + whole.max(keep_with)
        } else {
            title_height + keep_with
        };
        if self.ops.is_empty() || self.remaining() < needed + 10.0 {
            self.new_page();
        } else {
            self.gap(6.0);
            self.rule();
        }
        self.section = Some(title.to_owned());
        self.heading(title, size, keep_with);
        self.bookmark(title);
    }

    /// Starts a new page when less than `height` millimetres are left.
    fn ensure(&mut self, height: f32) {
        if self.remaining() < height {
            self.new_page();
        }
    }

    /// Moves the cursor down.
    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// The cursor's distance from the top edge.
    fn cursor(&self) -> f32 {
        self.y
    }

    /// Moves the cursor to `y` millimetres from the top edge.
    fn set_cursor(&mut self, y: f32) {
        self.y = y;
    }
}

/// A point given in millimetres from the top-left corner, in PDF coordinates.
fn point(x: f32, y_from_top: f32) -> Point {
    Point {
        x: Mm(x).into_pt(),
        y: Mm(PAGE_HEIGHT - y_from_top).into_pt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_a_section_runs_onto_name_it() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.paragraph("Cover.", BODY, false, Ink::TEXT);
        doc.section("usgs-earthquakes", 16.0, 10.0);
        while doc.pages.len() < 3 {
            doc.paragraph("A line of the section.", BODY, false, Ink::TEXT);
        }
        doc.section("Completeness and quality", 14.0, 20.0);
        doc.new_page();
        let continues: Vec<Option<&str>> = doc.pages.iter().map(|(c, _)| c.as_deref()).collect();
        assert_eq!(
            continues,
            [
                None,
                None,
                Some("usgs-earthquakes"),
                Some("usgs-earthquakes"),
                None
            ],
            "the cover, the section's first page, the two it runs onto, the next section"
        );
    }

    /// Each section is in the PDF's outline, at the page it starts on, and the viewer opens
    /// with the outline shown: a report of forty sources runs over seventy pages.
    #[test]
    fn each_section_is_a_bookmark_of_the_page_it_starts_on() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.bookmark("Cover");
        doc.paragraph("Cover.", BODY, false, Ink::TEXT);
        doc.section("Catalogue", 14.0, 20.0);
        doc.flowing_section("usgs", 16.0, 15.0, 15.0);
        doc.flowing_section("open-meteo", 16.0, 15.0, 600.0);
        assert_eq!(
            doc.marks,
            [
                ("Cover".to_owned(), 1),
                ("Catalogue".to_owned(), 2),
                ("usgs".to_owned(), 2),
                ("open-meteo".to_owned(), 2)
            ]
        );
        let bytes = doc.finish("footer");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Type/Outlines"), "no outline in the PDF");
    }

    #[test]
    fn a_section_flows_on_when_it_fits_whole_and_keeps_together_when_it_would_split() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.section("Catalogue", 14.0, 20.0);
        doc.paragraph("A short table.", BODY, false, Ink::TEXT);
        doc.flowing_section("no-data", 16.0, 15.0, 15.0);
        doc.paragraph("No data.", BODY, false, Ink::TEXT);
        assert!(doc.pages.is_empty(), "a one-line source shares the page");
        let before = doc.cursor();
        doc.gap(240.0 - before);
        // 40 mm left: a section of 100 mm would split, so it starts a page.
        doc.flowing_section("small", 16.0, 15.0, 100.0);
        assert_eq!(doc.pages.len(), 1, "it starts the next page");
        assert_eq!(doc.section.as_deref(), Some("small"));
        // A section taller than a page starts wherever its title and first chart fit.
        doc.gap(60.0);
        doc.flowing_section("large", 16.0, 80.0, 600.0);
        assert_eq!(doc.pages.len(), 1, "it flows on under the last section");
    }

    #[test]
    fn a_section_whose_title_does_not_fit_a_blank_page_does_not_say_it_continues() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.paragraph("Cover.", BODY, false, Ink::TEXT);
        doc.flowing_section("long", 16.0, 400.0, 400.0);
        doc.paragraph("Its description.", BODY, false, Ink::TEXT);
        doc.new_page();
        let continues: Vec<Option<&str>> = doc.pages.iter().map(|(c, _)| c.as_deref()).collect();
        assert_eq!(
            continues,
            [None, None],
            "the cover, the section's first page"
        );
    }
}
