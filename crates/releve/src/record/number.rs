//! Numbers: a numeric field's value read from a JSON number or from text holding one, in
//! Western, Arabic-Indic or Persian digits.

use serde_json::Value;

/// A numeric field's value: a JSON number, or text holding one (éCO2mix sends `"1586"`),
/// in Western digits or in Arabic-Indic or Persian ones (`"٣٫٥"` is 3.5: their decimal
/// separator is never a thousands one). Placeholders such as `"ND"`, `"-"` and nulls are no
/// number.
pub fn number(value: &Value) -> Option<f64> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => western_digits(s.trim())?.parse::<f64>().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// `text` with its Arabic-Indic (`٠`–`٩`) and Persian (`۰`–`۹`) digits written as `0`–`9`,
/// the Arabic decimal separator (`٫`) as a point and the Arabic thousands separator (`٬`)
/// left out where it groups thousands (`None` where it does not: `"٣٬٥"` may be 3.5 written
/// with the wrong mark); as it is when it holds none.
fn western_digits(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    let eastern = |c: char| matches!(c, '\u{0660}'..='\u{066C}' | '\u{06F0}'..='\u{06F9}');
    if text.is_ascii() || !text.chars().any(eastern) {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    let western: String = text
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (u32::from(c) - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (u32::from(c) - 0x06F0) as u8),
            '\u{066B}' => '.',
            other => other,
        })
        .collect();
    if western.contains('\u{066C}') {
        // Groups of three digits between the marks and before the decimal point, one to
        // three before the first mark.
        let whole = western.split(['.', 'e', 'E']).next().unwrap_or("");
        let whole = whole.trim_start_matches(['+', '-']);
        let mut groups = whole.split('\u{066C}');
        let first = groups.next().unwrap_or("");
        let digits = |group: &str| group.bytes().all(|b| b.is_ascii_digit());
        let grouped = (1..=3).contains(&first.len())
            && digits(first)
            && groups.all(|group| group.len() == 3 && digits(group));
        if !grouped {
            return None;
        }
    }
    Some(western.replace('\u{066C}', "").into())
}
