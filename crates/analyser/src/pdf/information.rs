//! What a report's PDF says of itself (keywords, creation date, its end), read back from bytes.

use chrono::{DateTime, Utc};

use super::ReportDocument;

/// The keyword of a report leaving out tables the configuration refused.
const LEFT_OUT: &str = "releve:left-out-refused-tables";

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
