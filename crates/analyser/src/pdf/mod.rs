//! The A4 document the report is laid out on: printpdf pages filled top to bottom with
//! headings, wrapped text, tables and chart images, starting a new page when one is full,
//! with the bundled DejaVu Sans embedded (subset) so accents and symbols print everywhere.

mod metrics;
mod picture;
mod reserved;
mod table;

use chrono::{DateTime, Utc};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, OffsetDateTime, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
    XObjectTransform,
};

use metrics::{MM_PER_PT, TextMetrics};
pub use reserved::Reserved;
pub use table::{Column, Table};

use crate::charts::{ChartImage, DPI};

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
const CAPTION: f32 = 8.0;

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
}

/// The keyword of a report leaving out tables the configuration refused.
const LEFT_OUT: &str = "releve:left-out-refused-tables";

/// The language the reports are written in (BCP 47), in the PDF's catalogue.
const LANGUAGE: &str = "en";

/// Whether `bytes` are a whole PDF file: one ends with its `%%EOF` marker (a line end or
/// blanks may follow). A file left empty or cut short (a power cut while it was written, on a
/// card that lost writes it said were saved) has none.
pub fn is_whole(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let end = tail
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |at| at + 1);
    tail[..end].ends_with(b"%%EOF")
}

/// Whether the PDF `bytes` were marked by [`ReportDocument::mark_left_out`]: printpdf writes
/// the keywords in the document's information, in UTF-16 as hexadecimal digits.
pub fn left_out_refused(bytes: &[u8]) -> bool {
    let hex: String = LEFT_OUT
        .encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect();
    [hex.clone(), hex.to_ascii_lowercase()].iter().any(|hex| {
        bytes
            .windows(hex.len())
            .any(|window| window == hex.as_bytes())
    })
}

/// The keywords' prefix of the newest run of a source the report read.
const NEWEST_RUN: &str = "releve:newest-run:";

/// The newest run of each source the report in the PDF `bytes` read, as
/// [`ReportDocument::mark_newest_runs`] recorded them (none in a report of an earlier version).
pub fn newest_runs_read(bytes: &[u8]) -> releve::store::restored::NewestRuns {
    let mut read = releve::store::restored::NewestRuns::new();
    let prefix: String = NEWEST_RUN
        .encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect();
    for case in [prefix.clone(), prefix.to_ascii_lowercase()] {
        let mut rest = bytes;
        while let Some(at) = rest
            .windows(case.len())
            .position(|window| window == case.as_bytes())
        {
            rest = &rest[at + case.len()..];
            // The keyword's own characters, four hexadecimal digits each, up to its end.
            let units: Vec<u16> = rest
                .chunks(4)
                .map_while(|digits| {
                    std::str::from_utf8(digits)
                        .ok()
                        .and_then(|digits| u16::from_str_radix(digits, 16).ok())
                })
                // A source's name (at most 100 characters), `=` and its time, and more.
                .take(160)
                .collect();
            let keyword = String::from_utf16_lossy(&units);
            let keyword = keyword.split(['\0', ';', ' ']).next().unwrap_or_default();
            if let Some((source, at)) = keyword.split_once('=')
                && let Ok(at) = DateTime::parse_from_rfc3339(&at[..at.len().min(20)])
            {
                read.insert(source.to_owned(), at.with_timezone(&Utc));
            }
        }
    }
    read
}

/// When the report in the PDF `bytes` read its data, as its information's
/// `/CreationDate` says (`D:YYYYMMDDHHmmSS`, UTC as [`ReportDocument::new`] writes it): what a
/// copy keeps, where its file's modification time is the copy's.
pub fn generated_at(bytes: &[u8]) -> Option<DateTime<Utc>> {
    const KEY: &[u8] = b"/CreationDate";
    let after = bytes.windows(KEY.len()).position(|window| window == KEY)? + KEY.len();
    let rest = bytes.get(after..)?;
    let start = rest
        .windows(3)
        .take(8)
        .position(|window| window == b"(D:")?
        + 3;
    let digits = std::str::from_utf8(rest.get(start..start + 14)?).ok()?;
    chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S")
        .ok()
        .map(|at| at.and_utc())
}

impl ReportDocument {
    /// Marks the document as a report leaving out `[[source]]` tables the configuration
    /// refused, which [`left_out_refused`] reads: `--if-missing` writes it again once none is.
    pub fn mark_left_out(&mut self) {
        self.doc.metadata.info.keywords.push(LEFT_OUT.to_owned());
    }

    /// Records the newest run of each source the report read, which [`newest_runs_read`]
    /// reads: a database found later to have gone back in time tells a report written from it
    /// whole (`--if-missing` keeps it) from one written from it restored.
    pub fn mark_newest_runs(&mut self, newest: &releve::store::restored::NewestRuns) {
        for (source, at) in newest {
            let at = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            self.doc
                .metadata
                .info
                .keywords
                .push(format!("{NEWEST_RUN}{source}={at}"));
        }
    }

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

    /// Writes one line of text with its top at the cursor's line, at `x` from the left edge.
    fn text_at(&mut self, x: f32, top: f32, text: &str, size: f32, bold: bool, ink: Ink) {
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

    /// A thin horizontal rule across the content width.
    pub fn rule(&mut self) {
        self.line(
            MARGIN,
            self.y,
            MARGIN + CONTENT_WIDTH,
            self.y,
            0.4,
            Ink(190, 190, 190),
        );
        self.y += 2.0;
    }

    /// A straight line between two points given from the top-left corner.
    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, ink: Ink) {
        self.ops.extend([
            Op::SetOutlineColor { col: ink.color() },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(x1, y1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(x2, y2),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A filled rectangle whose top-left corner is `(x, top)`.
    fn shade(&mut self, x: f32, top: f32, width: f32, height: f32, ink: Ink) {
        let lower_left = point(x, top + height);
        self.ops.extend([
            Op::SetFillColor { col: ink.color() },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(
                        lower_left.x,
                        lower_left.y,
                        Mm(width).into_pt(),
                        Mm(height).into_pt(),
                    )
                },
            },
        ]);
    }

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

    /// The cursor's distance from the top edge.
    fn cursor(&self) -> f32 {
        self.y
    }

    /// Moves the cursor to `y` millimetres from the top edge.
    fn set_cursor(&mut self, y: f32) {
        self.y = y;
    }

    /// `text` as it fits in `room` millimetres: whole, or cut in its middle with `…`.
    fn fitted(&self, text: &str, size: f32, bold: bool, room: f32) -> String {
        crate::format::cut_to_fit(text, |candidate| {
            self.metrics.width(candidate, size, bold) <= room
        })
    }

    /// The finished PDF: every page gets a footer with `footer` and its number.
    pub fn finish(mut self, footer: &str) -> Vec<u8> {
        self.new_page();
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut finished = Vec::with_capacity(total);
        for (index, (continues, ops)) in pages.into_iter().enumerate() {
            self.ops = ops;
            if let Some(section) = continues {
                // A long name is cut in its middle, so the header stays within the margins.
                let room = CONTENT_WIDTH - self.metrics.width(" (continued)", 8.5, true);
                let header = format!("{} (continued)", self.fitted(&section, 8.5, true, room));
                self.text_at(MARGIN, TOP - 9.0, &header, 8.5, true, Ink::TITLE);
            }
            let number = format!("page {} of {total}", index + 1);
            let top = PAGE_HEIGHT - BOTTOM + 8.0;
            self.text_at(MARGIN, top, footer, 7.5, false, Ink::MUTED);
            let width = self.metrics.width(&number, 7.5, false);
            self.text_at(
                MARGIN + CONTENT_WIDTH - width,
                top,
                &number,
                7.5,
                false,
                Ink::MUTED,
            );
            finished.push(PdfPage::new(
                Mm(PAGE_WIDTH),
                Mm(PAGE_HEIGHT),
                std::mem::take(&mut self.ops),
            ));
        }
        // Numbered: printpdf lists the entries of one page by their titles, which the number
        // keeps in the report's order (`03 usgs`, `04 open-meteo`, `05 Airparif`).
        let width = self.marks.len().to_string().len();
        for (n, (title, page)) in self.marks.iter().enumerate() {
            self.doc
                .add_bookmark(&format!("{:0width$} {title}", n + 1), *page);
        }
        let mut warnings = Vec::new();
        let options = PdfSaveOptions::default();
        let mut pdf =
            printpdf::to_lopdf_doc(self.doc.with_pages(finished), &options, &mut warnings);
        // The report's language, which a screen reader chooses its voice by.
        if let Ok(catalog) = pdf.catalog_mut() {
            catalog.set("Lang", lopdf::Object::string_literal(LANGUAGE));
        }
        // `/Lang` came with PDF 1.4; printpdf says 1.3.
        if pdf.version.as_str() < "1.4" {
            pdf.version = "1.4".to_owned();
        }
        if options.optimize {
            pdf.compress();
        }
        let mut bytes = Vec::new();
        // Writing into memory fails only where memory does.
        let _ = pdf.save_to(&mut bytes);
        bytes
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

    /// The outline lists the sections in the order the report lays them out, numbered:
    /// sources that share a page are not listed by name, and a source flowing onto the
    /// catalogue's page is not listed above it (found by the review of stop 55).
    #[test]
    fn the_outline_lists_the_sections_in_the_report_s_order() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.bookmark("Cover");
        doc.paragraph("Cover.", BODY, false, Ink::TEXT);
        doc.section("Source catalogue", 14.0, 20.0);
        let laid_out = [
            "Cover",
            "Source catalogue",
            "usgs",
            "open-meteo",
            "Airparif",
        ];
        for source in &laid_out[2..] {
            doc.flowing_section(source, 16.0, 15.0, 15.0);
        }
        let bytes = doc.finish("footer");
        let text = String::from_utf8_lossy(&bytes).to_ascii_uppercase();
        // Each bookmark's title, as printpdf writes it: UTF-16BE in hexadecimal; the items
        // are written in the order of their `/Next` chain.
        let at = |title: &str| {
            let hex: String = std::iter::once(0xFEFF)
                .chain(title.encode_utf16())
                .map(|unit| format!("{unit:04X}"))
                .collect();
            text.find(&hex)
                .unwrap_or_else(|| panic!("`{title}` is not in the outline"))
        };
        let numbered: Vec<String> = laid_out
            .iter()
            .enumerate()
            .map(|(n, title)| format!("{} {title}", n + 1))
            .collect();
        let mut listed = numbered.clone();
        listed.sort_by_key(|title| at(title));
        assert_eq!(listed, numbered);
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

    #[test]
    fn a_long_name_is_cut_to_fit_the_header() {
        let doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        let name = "a-source-name-much-longer-than-any-page-can-hold-".repeat(4);
        let room = CONTENT_WIDTH - doc.metrics.width(" (continued)", 8.5, true);
        let cut = doc.fitted(&name, 8.5, true, room);
        assert!(doc.metrics.width(&cut, 8.5, true) <= room, "{cut}");
        assert!(
            cut.starts_with("a-source-name") && cut.contains('…'),
            "{cut}"
        );
        assert_eq!(doc.fitted("quakes", 8.5, true, room), "quakes");
    }

    #[test]
    fn a_report_leaving_out_refused_tables_is_known_from_its_file() {
        let mut doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        doc.mark_left_out();
        assert!(left_out_refused(&doc.finish("t")));
        let doc = ReportDocument::new("t", DateTime::UNIX_EPOCH).expect("fonts");
        assert!(!left_out_refused(&doc.finish("t")));
    }

    #[test]
    fn the_newest_run_read_of_a_source_with_a_long_name_is_read_back_from_its_pdf() {
        // Names of up to 100 characters are valid (`[a-z0-9-]+`): a Hub'Eau station's series,
        // named after its river and station, passes 60 easily. A report that read such a
        // source must record it as read, else `--if-missing` takes a report written from the
        // database whole for one written from it restored, and replaces it.
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|day| day.and_hms_opt(3, 0, 0))
            .expect("a time")
            .and_utc();
        let long = "hubeau-hydrometrie-garonne-toulouse-pont-neuf-hauteur-debit-horaire";
        assert!(long.len() <= 100 && releve::rawfile::is_source_name(long));
        let newest: releve::store::restored::NewestRuns =
            [("quakes".to_owned(), at), (long.to_owned(), at)]
                .into_iter()
                .collect();
        let mut doc = ReportDocument::new("t", Utc::now()).expect("fonts");
        doc.mark_newest_runs(&newest);
        assert_eq!(newest_runs_read(&doc.finish("t")), newest);
    }

    #[test]
    fn the_newest_runs_a_report_read_are_read_back_from_its_pdf() {
        let at = |hour| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
                .and_then(|day| day.and_hms_opt(hour, 0, 0))
                .expect("a time")
                .and_utc()
        };
        let newest: releve::store::restored::NewestRuns = [
            ("quakes".to_owned(), at(3)),
            ("open-meteo-toulouse".to_owned(), at(4)),
        ]
        .into_iter()
        .collect();
        let mut doc = ReportDocument::new("t", Utc::now()).expect("fonts");
        doc.mark_newest_runs(&newest);
        doc.mark_left_out();
        let bytes = doc.finish("t");
        assert_eq!(newest_runs_read(&bytes), newest);
        assert!(left_out_refused(&bytes));
        let plain = ReportDocument::new("t", Utc::now()).expect("fonts");
        assert!(newest_runs_read(&plain.finish("t")).is_empty());
    }

    #[test]
    fn the_creation_date_is_the_generation_time() {
        let generated = "2026-11-22T00:15:07Z".parse().expect("instant");
        let doc = ReportDocument::new("t", generated).expect("fonts");
        let bytes = doc.finish("t");
        let text = String::from_utf8_lossy(&bytes);
        let info = text
            .find("/CreationDate")
            .map(|at| &text[at..(at + 40).min(text.len())])
            .unwrap_or_default();
        assert!(info.contains("D:20261122001507+00'00'"), "{info}");
        assert_eq!(generated_at(&bytes), Some(generated));
        assert_eq!(generated_at(b"%PDF-1.7 no information"), None);
    }
}
