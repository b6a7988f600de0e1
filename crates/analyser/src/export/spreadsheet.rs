//! How the CSV is laid out for the spreadsheet that opens it. By default: commas between
//! fields, decimals with a point, no byte-order mark, as pandas, R and an English spreadsheet
//! read it. With `--decimal-comma`: what a spreadsheet set to French or German opens as a
//! table by a double-click, `;` between fields, decimals with a comma (`4,46`) and a UTF-8
//! byte-order mark, without which Excel reads `Été` as `Ã‰tÃ©`; numbers as Excel writes them
//! in French (`1,5E-07`), the source's numbers served as text (`"12.5"`) too, as are labels
//! written as numbers (`"4.5"`, which a French Excel reads as 4 May). How times are written is
//! [`super::clock`]'s.

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

    /// A number's cell, `written` as JSON writes it (`4.46`, `-1.5e-7`, `1e+300`): in the
    /// [`Layout::DecimalComma`] layout as Excel writes it in French (`4,46`, `-1,5E-07`,
    /// `1E+300`), which Excel and LibreOffice set to French read as a number.
    pub(super) fn number(self, written: String) -> String {
        match self {
            Layout::DecimalPoint => written,
            Layout::DecimalComma => with_decimal_comma(&written).unwrap_or(written),
        }
    }

    /// The cell of `text` served in a field the source reads as a number (a `numeric` field,
    /// `lon`, `lat`): as served, but in the [`Layout::DecimalComma`] layout, text the
    /// summariser reads as a number (`"12.5"`, `" 3.25"`, `"٣٫٥"`) is written as a number is
    /// (`12,5`, `3,25`, `3,5`). Other text (`"ND"`) stays as served.
    pub(super) fn numeric_text(self, text: &str) -> String {
        let read = releve::record::number(&serde_json::Value::from(text));
        match (self, read) {
            (Layout::DecimalComma, Some(read)) => with_decimal_comma(text.trim())
                .unwrap_or_else(|| self.number(serde_json::Value::from(read).to_string())),
            _ => text.to_owned(),
        }
    }

    /// The cell of `text` served in a field that is no number to the source (a category,
    /// `version`, a `--field`): as served, but in the [`Layout::DecimalComma`] layout, text
    /// written as a number with a point (`"4.5"`, `"-0.25"`, `"1.5e-7"`) is written as that
    /// number served as a number is (`4,5`), which a French spreadsheet reads as the number it
    /// is, where it reads `4.5` as 4 May. Other text (`"4.5 km"`, `"31000"`) stays as served.
    pub(super) fn label_text(self, text: &str) -> String {
        match self {
            Layout::DecimalComma if text.contains('.') => {
                with_decimal_comma(text).unwrap_or_else(|| text.to_owned())
            }
            _ => text.to_owned(),
        }
    }
}

/// Whether `text` writes a number past the range of a spreadsheet's numbers, a double's:
/// `1e400`, past the largest, or `1e-400`, nearer 0 than the smallest, which no spreadsheet
/// holds (Rust reads it as 0). `inf` and `NaN` are words, not numbers.
pub(super) fn past_range(text: &str) -> bool {
    let text = text.trim();
    let Ok(read) = text.parse::<f64>() else {
        return false;
    };
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    if !mantissa.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let nonzero = mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    read.is_infinite() || (nonzero && read.abs() < f64::MIN_POSITIVE)
}

/// Whether `written`, a number as JSON or an API writes it, is a whole number of more than 15
/// significant digits (`12345678901234567`, `1764759600123456.0`), which a spreadsheet, keeping
/// 15, reads as another (`12345678901234500`).
pub(super) fn past_15_digits(written: &str) -> bool {
    let unsigned = written.trim().trim_start_matches(['-', '+']);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let whole_number = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b == b'0');
    whole_number && whole.trim_start_matches('0').trim_end_matches('0').len() > 15
}

/// A decimal number written with a point (`-4.46`, `.5`, `+7`, `1.5e-7`) written as Excel
/// writes it in French: a decimal comma, no `+` before it, an `E` and a signed exponent of two
/// digits at least (`-4,46`, `0,5`, `7`, `1,5E-07`); `None` for anything else.
fn with_decimal_comma(written: &str) -> Option<String> {
    let (negative, unsigned) = match written.as_bytes().first()? {
        b'-' => (true, &written[1..]),
        b'+' => (false, &written[1..]),
        _ => (false, written),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    let mut cell = String::from(if negative { "-" } else { "" });
    cell.push_str(if whole.is_empty() { "0" } else { whole });
    if !fraction.is_empty() {
        cell.push(',');
        cell.push_str(fraction);
    }
    if let Some(exponent) = exponent {
        let (sign, power) = match exponent.as_bytes().first()? {
            b'-' => ('-', &exponent[1..]),
            b'+' => ('+', &exponent[1..]),
            _ => ('+', exponent),
        };
        if power.is_empty() || !digits(power) {
            return None;
        }
        let power = power.trim_start_matches('0');
        cell.push_str(&format!("E{sign}{power:0>2}"));
    }
    Some(cell)
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
        assert_eq!(Layout::DecimalComma.number("42".to_owned()), "42");
        assert_eq!(Layout::DecimalPoint.number("4.46".to_owned()), "4.46");
    }

    #[test]
    fn a_decimal_comma_layout_writes_exponents_as_excel_writes_them_in_french() {
        for (json, french) in [
            ("1.5e-7", "1,5E-07"),
            ("-1.5e-7", "-1,5E-07"),
            ("1e+300", "1E+300"),
            ("1e16", "1E+16"),
            ("2.5E-300", "2,5E-300"),
            ("1e-05", "1E-05"),
            ("1e0", "1E+00"),
        ] {
            assert_eq!(Layout::DecimalComma.number(json.to_owned()), french);
        }
        assert_eq!(Layout::DecimalPoint.number("1e+300".to_owned()), "1e+300");
    }

    #[test]
    fn numeric_text_read_as_a_number_gets_a_decimal_comma_and_other_text_stays() {
        for (served, french) in [
            ("12.5", "12,5"),
            (" 3.25", "3,25"),
            ("+7", "7"),
            (".5", "0,5"),
            ("7e0", "7E+00"),
            ("1586", "1586"),
            ("-0.000125", "-0,000125"),
            ("٣٫٥", "3,5"),
        ] {
            assert_eq!(
                Layout::DecimalComma.numeric_text(served),
                french,
                "{served}"
            );
        }
        for served in ["ND", "-", "12,5", "4.5 km", "1e400", ""] {
            assert_eq!(Layout::DecimalComma.numeric_text(served), served);
        }
        assert_eq!(Layout::DecimalPoint.numeric_text("12.5"), "12.5");
    }

    #[test]
    fn a_label_written_as_a_number_with_a_point_gets_a_comma_and_other_text_stays() {
        for (served, french) in [("4.5", "4,5"), ("-0.25", "-0,25"), ("1.5e-7", "1,5E-07")] {
            assert_eq!(Layout::DecimalComma.label_text(served), french, "{served}");
        }
        for served in ["4.5 km", "31000", "1.2.3", " 4.5", "v1.5", ""] {
            assert_eq!(Layout::DecimalComma.label_text(served), served);
        }
        assert_eq!(Layout::DecimalPoint.label_text("4.5"), "4.5");
    }

    #[test]
    fn numbers_past_a_doubles_range_are_told_from_words_and_zeros() {
        for past in ["1e400", "-1e400", "1e-400", " 2.5E-330 "] {
            assert!(super::past_range(past), "{past}");
        }
        for within in ["0e-400", "0.0", "1e300", "2.5e-300", "inf", "NaN", "ND", ""] {
            assert!(!super::past_range(within), "{within}");
        }
    }

    #[test]
    fn whole_numbers_past_15_significant_digits_are_told_apart() {
        for wide in [
            "12345678901234567",
            "-1234567890123456",
            "1764759600123456.0",
        ] {
            assert!(super::past_15_digits(wide), "{wide}");
        }
        for kept in [
            "123456789012345",
            "1000000000000000",
            "10000000000000000000",
            "1.5e17",
        ] {
            assert!(!super::past_15_digits(kept), "{kept}");
        }
        assert!(
            !super::past_15_digits("3.14159265358979323"),
            "no whole number"
        );
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
