//! The finished file: continued pages' headers, numbered footers, the outline, the language.

use printpdf::{Mm, PdfPage, PdfSaveOptions};

use super::credit::CREDIT;
use super::{
    BOTTOM, CONTENT_WIDTH, Ink, MARGIN, MM_PER_PT, PAGE_HEIGHT, PAGE_WIDTH, ReportDocument, TOP,
};

/// The language the reports are written in (BCP 47), in the PDF's catalogue.
const LANGUAGE: &str = "en";

impl ReportDocument {
    /// The finished PDF: every page gets a footer with `footer` and its number.
    pub fn finish(mut self, footer: &str) -> Vec<u8> {
        self.new_page();
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut finished = Vec::with_capacity(total);
        for (index, (continues, ops)) in pages.into_iter().enumerate() {
            self.ops = ops;
            if let Some(section) = continues {
                self.continued_header(&section);
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

    /// Atop a page a section runs onto: its title, `(continued)`, and under it the section's
    /// credit in up to two lines, all within the top margin.
    fn continued_header(&mut self, section: &str) {
        // A long name is cut in its middle, so the header stays within the margins.
        let room = CONTENT_WIDTH - self.metrics.width(" (continued)", 8.5, true);
        let header = format!("{} (continued)", self.fitted(section, 8.5, true, room));
        let credit = self
            .credits
            .get(section)
            .map(|credit| self.credit_lines(credit))
            .unwrap_or_default();
        let line = CREDIT * MM_PER_PT * 1.35;
        // The credit ends 1.5 mm above the content; the title stands above it (where it stood
        // alone before: 9 mm above the content).
        let credit_top = TOP - 1.5 - line * credit.len() as f32;
        let header_top = (credit_top - 8.5 * MM_PER_PT * 1.35).min(TOP - 9.0);
        self.text_at(MARGIN, header_top, &header, 8.5, true, Ink::TITLE);
        for (n, text) in credit.iter().enumerate() {
            let top = credit_top + line * n as f32;
            self.text_at(MARGIN, top, text, CREDIT, false, Ink::MUTED);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::BODY;
    use chrono::DateTime;

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
}
