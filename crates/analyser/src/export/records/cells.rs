//! A record's value as a CSV cell, and the values a spreadsheet would alter, said once per
//! field in the `--decimal-comma` layout: numbers past the range of its own, written as
//! served, and whole numbers of more than 15 significant digits, which it rounds.

use releve::FieldPath;
use releve::record::cut_example;
use serde_json::Value;

use super::columns::ColumnKind;
use crate::export::spreadsheet::{self, Layout};

/// The fields holding values a spreadsheet cannot hold as served, each with its first.
#[derive(Default)]
pub(super) struct Unfit {
    /// Text of numbers past a double's range (`1e-400`, `1e400`), written as served.
    past_range: Vec<(FieldPath, String)>,
    /// Whole numbers of more than 15 significant digits (`12345678901234567`).
    wide: Vec<(FieldPath, String)>,
}

impl Unfit {
    /// The cell of `value` of the field `path`, in a column of `kind`: text as it is (as the
    /// `layout` writes a number, of a [`ColumnKind::Number`] column, or a label written as a
    /// number), a number or a boolean as JSON writes it (a number as the `layout` writes it),
    /// an object or an array as its JSON, nothing for null or a field the record lacks. In the
    /// [`Layout::DecimalComma`] layout, text of a number past a double's range is written as
    /// served, and noted, as are whole numbers of more than 15 significant digits.
    pub(super) fn cell(
        &mut self,
        path: &FieldPath,
        value: Option<&Value>,
        layout: Layout,
        kind: ColumnKind,
    ) -> String {
        let spreadsheet = layout == Layout::DecimalComma;
        match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) if spreadsheet && spreadsheet::past_range(text) => {
                note(&mut self.past_range, path, text);
                text.clone()
            }
            Some(Value::String(text)) => {
                if spreadsheet && spreadsheet::past_15_digits(text) {
                    note(&mut self.wide, path, text);
                }
                match kind {
                    ColumnKind::Number => layout.numeric_text(text),
                    _ => layout.label_text(text),
                }
            }
            Some(number @ Value::Number(_)) => {
                let written = number.to_string();
                if spreadsheet && spreadsheet::past_15_digits(&written) {
                    note(&mut self.wide, path, &written);
                }
                layout.number(written)
            }
            Some(other) => other.to_string(),
        }
    }

    /// Warns of each field noted, once, with its first value.
    pub(super) fn warn(&self, source: &str) {
        for (field, first) in &self.past_range {
            tracing::warn!(
                source = %source,
                field = %field,
                first = %first,
                "Numbers of this field lie past the range of a spreadsheet's (a double's, about 2.2E-308 to 1.8E+308): they are written as served, as text (`first` of them)."
            );
        }
        for (field, first) in &self.wide {
            tracing::warn!(
                source = %source,
                field = %field,
                first = %first,
                "Whole numbers of this field have more than the 15 significant digits a spreadsheet keeps: it reads them as other numbers (`first` of them, an id?). Import the column as text (Excel: Data > From Text/CSV; LibreOffice: column type Text) to keep them."
            );
        }
    }
}

/// Notes `value` as the first of `path` in `fields`, unless `path` is there already.
fn note(fields: &mut Vec<(FieldPath, String)>, path: &FieldPath, value: &str) {
    if !fields.iter().any(|(field, _)| field == path) {
        fields.push((path.clone(), cut_example(value)));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cells_hold_values_as_served_and_nothing_for_none() {
        let record = json!({"t": "2026-12-02T10:00", "mag": 2.5, "n": 3, "ok": true, "none": null,
                            "place": "12 km N of Volcano, Hawaii", "xy": [1.5, 2]});
        let mut unfit = Unfit::default();
        let mut at = |path: &str| {
            let path = path.parse::<FieldPath>().expect("path");
            unfit.cell(
                &path,
                path.get(&record),
                Layout::DecimalPoint,
                ColumnKind::Served,
            )
        };
        assert_eq!(at("mag"), "2.5");
        assert_eq!(at("n"), "3");
        assert_eq!(at("ok"), "true");
        assert_eq!(at("none"), "");
        assert_eq!(at("missing"), "");
        assert_eq!(at("place"), "12 km N of Volcano, Hawaii");
        assert_eq!(at("xy"), "[1.5,2]");
        assert_eq!(at("xy.0"), "1.5");
    }

    /// Only the first value of each field is kept, to be said once.
    #[test]
    fn each_field_is_noted_once_with_its_first_value() {
        let mut unfit = Unfit::default();
        let (id, mag): (FieldPath, FieldPath) =
            ("id".parse().expect("path"), "mag".parse().expect("path"));
        for (path, value) in [
            (&id, json!(12_345_678_901_234_567_i64)),
            (&id, json!("98765432109876543")),
            (&mag, json!("1e-400")),
            (&mag, json!("1e400")),
        ] {
            unfit.cell(path, Some(&value), Layout::DecimalComma, ColumnKind::Number);
        }
        assert_eq!(unfit.wide, [(id.clone(), "12345678901234567".to_owned())]);
        assert_eq!(unfit.past_range, [(mag.clone(), "1e-400".to_owned())]);
        let mut plain = Unfit::default();
        plain.cell(
            &id,
            Some(&json!("1e-400")),
            Layout::DecimalPoint,
            ColumnKind::Number,
        );
        assert!(plain.past_range.is_empty(), "the default CSV is as served");
    }
}
