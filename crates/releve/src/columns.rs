//! Text in a terminal's columns: how many a text takes (a Japanese or Chinese character takes
//! two, a combining accent none), so tables stay aligned whatever the names hold.

use unicode_width::UnicodeWidthStr;

/// The columns `text` takes in a terminal.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` followed by the spaces that make it `columns` wide (as it is, when wider).
pub fn padded(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(width(text));
    format!("{text}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns_and_combining_marks_none() {
        assert_eq!(width("usgs"), 4);
        assert_eq!(width("東京-meteo"), 10);
        assert_eq!(width("cafe\u{301}"), 4);
        assert_eq!(padded("東京", 6), "東京  ");
        assert_eq!(padded("usgs", 2), "usgs");
    }
}
