//! Text in a terminal's columns: how many a text takes (a Japanese or Chinese character takes
//! two, a combining accent none), so tables stay aligned whatever the names hold.

use unicode_width::UnicodeWidthStr;

/// The columns `text` takes in a terminal.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to at most `columns` columns, its last one an ellipsis when it is cut (a wide
/// character that would not fit is left out whole).
pub fn cut(text: &str, columns: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if width(text) <= columns {
        return text.to_owned();
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let wide = c.width().unwrap_or(0);
        if used + wide + 1 > columns {
            break;
        }
        kept.push(c);
        used += wide;
    }
    kept.push('…');
    kept
}

/// The width of the terminal standard output is, in columns; `None` when it is no terminal
/// (a pipe, a file, cron's mail). A terminal telling no size (a serial console: `stty size`
/// says `0 0`) is taken as `COLUMNS` says, else as 80 columns.
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    Some(width_of(stdout).or_else(told_columns).unwrap_or(80))
}

/// The columns to wrap `--help` at when clap would not know them: standard output no terminal
/// of a known size and no `COLUMNS` (which a shell does not export), as in `collector --help |
/// less`. The terminal standard error is still on then, else 80; `None` when clap knows.
pub fn help_width_when_piped() -> Option<usize> {
    if told_columns().is_some() || width_of(std::io::stdout()).is_some() {
        return None;
    }
    Some(width_of(std::io::stderr()).unwrap_or(80))
}

/// The width of the terminal standard error is, in columns (where logs and progress bars
/// go); `None` when it is no terminal or tells no size.
pub fn stderr_width() -> Option<usize> {
    width_of(std::io::stderr())
}

/// `COLUMNS`, when it holds a width.
fn told_columns() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok()?.parse::<u16>().ok()?;
    (columns > 0).then_some(usize::from(columns))
}

fn width_of(terminal: impl std::os::fd::AsFd) -> Option<usize> {
    let size = rustix::termios::tcgetwinsize(terminal).ok()?;
    (size.ws_col > 0).then_some(usize::from(size.ws_col))
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
        assert_eq!(cut("usgs", 4), "usgs");
        assert_eq!(cut("HTTP 503 from x", 6), "HTTP …");
        assert_eq!(cut("東京都千代田区", 6), "東京…");
        assert_eq!(width(&cut("東京都千代田区", 6)), 5);
    }
}
