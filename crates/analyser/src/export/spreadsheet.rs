//! How the CSV is laid out for the spreadsheet that opens it. By default: commas between
//! fields, decimals with a point, no byte-order mark, as pandas, R and an English spreadsheet
//! read it. With `--decimal-comma`: what a spreadsheet set to French or German opens as a
//! table by a double-click, `;` between fields, decimals with a comma (`4,46`) and a UTF-8
//! byte-order mark, without which Excel reads `Été` as `Ã‰tÃ©`.

use std::io::Write;

/// The layout of the CSV's fields and numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// `,` between fields, `4.46`.
    DecimalPoint,
    /// `;` between fields, `4,46`, and a byte-order mark first.
    DecimalComma,
}

impl Layout {
    /// The layout `--decimal-comma` asks for, or the default.
    pub(super) fn asked(decimal_comma: bool) -> Layout {
        match decimal_comma {
            true => Layout::DecimalComma,
            false => Layout::DecimalPoint,
        }
    }

    /// The CSV writer of this layout on `out`, the byte-order mark written first if it has one.
    pub(super) fn writer<W: Write>(self, mut out: W) -> std::io::Result<csv::Writer<W>> {
        let delimiter = match self {
            Layout::DecimalPoint => b',',
            Layout::DecimalComma => {
                out.write_all("\u{feff}".as_bytes())?;
                b';'
            }
        };
        Ok(csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(out))
    }

    /// A number's cell, `written` as JSON writes it (`4.46`, `-1.5e-7`): its decimal point a
    /// comma in the [`Layout::DecimalComma`] layout.
    pub(super) fn number(self, written: String) -> String {
        match self {
            Layout::DecimalPoint => written,
            Layout::DecimalComma => written.replace('.', ","),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn a_decimal_comma_layout_writes_a_numbers_point_as_a_comma() {
        assert_eq!(
            Layout::DecimalComma.number("-70.4325".to_owned()),
            "-70,4325"
        );
        assert_eq!(Layout::DecimalComma.number("1.5e-7".to_owned()), "1,5e-7");
        assert_eq!(Layout::DecimalComma.number("42".to_owned()), "42");
        assert_eq!(Layout::DecimalPoint.number("4.46".to_owned()), "4.46");
    }

    #[test]
    fn a_decimal_comma_layout_begins_with_a_byte_order_mark_and_parts_fields_with_semicolons() {
        let mut out = Vec::new();
        {
            let mut csv = Layout::DecimalComma.writer(&mut out).expect("a writer");
            csv.write_record(["Été", "4,46"]).expect("a row");
            csv.flush().expect("flushed");
        }
        assert_eq!(String::from_utf8_lossy(&out), "\u{feff}Été;4,46\n");
    }
}
