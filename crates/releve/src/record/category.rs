//! Categories and examples: a value as the label it is counted under, and a value's text cut
//! to the size a summary or a log line keeps.

use serde_json::Value;

/// A category field's value as the label it is counted under.
pub fn category(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(cut_category(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The most characters a category value keeps in a summary: a longer one (a description in a
/// field counted as a category) keeps its first [`CATEGORY_CHARS`]` - 1` and `…`, so that an
/// hour's twenty values stay far below MongoDB's 16 MB per document.
pub const CATEGORY_CHARS: usize = 200;

/// `text` as a summary counts it: cut past [`CATEGORY_CHARS`] (see [`category`]).
pub fn cut_category(text: &str) -> String {
    cut_to(text, CATEGORY_CHARS)
}

/// The most characters a value quoted as an example in a log line or a `.reason` keeps.
pub const EXAMPLE_CHARS: usize = 61;

/// A value's text quoted as an example: cut past [`EXAMPLE_CHARS`], as a category is.
pub fn cut_example(text: &str) -> String {
    cut_to(text, EXAMPLE_CHARS)
}

/// `text` in at most `chars` characters: a longer one keeps its first `chars - 1` and `…`,
/// fewer where the cut would part a character as a reader sees it (a letter and its accent
/// written apart, a kana and its voicing mark, a flag's two letters).
fn cut_to(text: &str, chars: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    // Where each character starts: the one at `chars - 1` is where a longer text is cut, when
    // another follows it.
    let mut starts = text.char_indices().map(|(at, _)| at);
    match starts.nth(chars.saturating_sub(1)) {
        Some(cut) if starts.next().is_some() => {
            // The last boundary between whole characters as read, at the cut or before it; a
            // line break (`\r\n`, one character as read) is cut where it always was.
            let whole = text
                .grapheme_indices(true)
                .map(|(at, _)| at)
                .take_while(|at| *at <= cut)
                .last()
                .unwrap_or(0);
            let cut = if text[whole..cut].chars().all(char::is_control) {
                cut
            } else {
                whole
            };
            format!("{}…", &text[..cut])
        }
        _ => text.to_owned(),
    }
}
