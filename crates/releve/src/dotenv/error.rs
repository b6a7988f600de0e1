//! Why `.env` could not be loaded: each fault named by its file and line, never echoing the
//! line (it may hold a secret).

/// Why `.env` could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DotenvError {
    /// A line that is not `NAME=value`.
    #[error(
        "{}: not a `NAME=value` line (quote values holding spaces; values holding `\\`, in single quotes); nothing runs until it is fixed",
        where_in(file, *line)
    )]
    Line {
        /// The file as named to the user.
        file: String,
        /// 1-based line number, 0 when it could not be found.
        line: usize,
    },
    /// A `$` outside single quotes: dotenv would replace it and the name after it with another
    /// variable's value, silently changing a secret.
    #[error(
        "{file}:{line}: a `$` outside single quotes is read as another variable's value: write the value in single quotes, NAME='...'; nothing runs until it is fixed"
    )]
    Dollar {
        /// The file as named to the user.
        file: String,
        /// 1-based line number.
        line: usize,
    },
    /// A control character (a NUL, which no environment variable can hold, a Ctrl-Z an old
    /// editor left, ...): invisible in an editor, and never meant in a name or a secret.
    #[error(
        "{file}:{line}: holds an invisible control character (U+{code:04X}{}), which no credential holds; delete it (it may look like an empty line or the end of a value); nothing runs until it is fixed",
        control_name(*code)
    )]
    Control {
        /// The file as named to the user.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The character's code point.
        code: u32,
    },
    /// A value between typographic quotes (`“…”`, `‘…’`), which dotenv keeps as part of it: a
    /// credential sent so is refused as wrong, with no word of the quotes.
    #[error(
        "{file}:{line}: the value is between curly quotes ({quotes}), as a word processor or autocorrect writes them, which would be read as part of it: retype them as straight quotes, or remove them; nothing runs until it is fixed"
    )]
    Curly {
        /// The file as named to the user.
        file: String,
        /// 1-based line number.
        line: usize,
        /// The quotes: `“…”` or `‘…’`.
        quotes: &'static str,
    },
    /// The file exists but cannot be read.
    #[error("{file}: cannot be read: {why}")]
    Read {
        /// The file as named to the user.
        file: String,
        /// Why.
        why: String,
    },
}

/// The name of a control character users meet: ` NUL`, ` Ctrl-Z`.
fn control_name(code: u32) -> &'static str {
    match code {
        0 => ", NUL",
        0x1a => ", Ctrl-Z",
        0xfeff => ", a byte-order mark, as Notepad's \"UTF-8 with BOM\" saves first",
        0x0d => {
            ", a carriage return without a line feed, a classic Mac's line end, joining two lines"
        }
        _ => "",
    }
}

/// `file:line`, or `file` alone when the line could not be found (0).
fn where_in(file: &str, line: usize) -> String {
    if line == 0 {
        file.to_owned()
    } else {
        format!("{file}:{line}")
    }
}
