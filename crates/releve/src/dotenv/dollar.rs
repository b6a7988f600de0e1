//! The `$` dotenv would substitute: where dotenvy 0.15, joining and reading `.env`'s lines as
//! it does, would replace a `$` and the name after it with another variable's value.

/// The 1-based number of the first line of the first variable whose value holds a `$` dotenv
/// would substitute. This follows dotenvy 0.15's own reading: lines joined while a quote or an
/// escape is left open, a line starting with `#` skipped, then the value read in unquoted,
/// `'single'` and `"double"` parts, where a `$` neither escaped (`\$`) nor in single quotes is
/// a substitution, and an unquoted space or tab ends the value.
pub(super) fn dollar_line(content: &str) -> Option<usize> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut physical = content.split_inclusive('\n');
    let mut read = 0;
    loop {
        let first = read + 1;
        let mut line = String::new();
        let mut state = Join::Complete;
        loop {
            let next = physical.next()?;
            read += 1;
            let start = line.len();
            line.push_str(next);
            if line.trim_start().starts_with('#') {
                line.clear();
                break;
            }
            let (at, end) = join_state(state, &line[start..]);
            state = end;
            match state {
                Join::Complete => break,
                Join::Comment => {
                    line.truncate(start + at);
                    break;
                }
                _ => {}
            }
        }
        if substitutes(&line) {
            return Some(first);
        }
    }
}

/// Where dotenvy's line joining stands at the end of a physical line.
#[derive(Clone, Copy)]
enum Join {
    Complete,
    Escape,
    Single,
    SingleEscape,
    Double,
    DoubleEscape,
    Comment,
    WhiteSpace,
}

/// dotenvy's joining state after `text`, from `state`, and where a comment starts.
fn join_state(mut state: Join, text: &str) -> (usize, Join) {
    let mut at = 0;
    for (position, c) in text.char_indices() {
        at = position;
        state = match (state, c) {
            (Join::WhiteSpace, '#') => return (at, Join::Comment),
            (Join::WhiteSpace | Join::Complete, '\\') => Join::Escape,
            (Join::WhiteSpace | Join::Complete, '"') => Join::Double,
            (Join::WhiteSpace | Join::Complete, '\'') => Join::Single,
            (Join::Complete, c) if c.is_whitespace() && c != '\n' && c != '\r' => Join::WhiteSpace,
            (Join::WhiteSpace | Join::Complete | Join::Escape, _) => Join::Complete,
            (Join::Double, '\\') => Join::DoubleEscape,
            (Join::Double, '"') => Join::Complete,
            (Join::Double | Join::DoubleEscape, _) => Join::Double,
            (Join::Single, '\\') => Join::SingleEscape,
            (Join::Single, '\'') => Join::Complete,
            (Join::Single | Join::SingleEscape, _) => Join::Single,
            (Join::Comment, _) => return (at, Join::Comment),
        };
    }
    (at, state)
}

/// Whether dotenvy would substitute a variable in this (joined) line's value.
fn substitutes(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return false;
    }
    let key_end = |text: &str| {
        text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(text.len())
    };
    let (key, mut rest) = line.split_at(key_end(line));
    rest = rest.trim_start();
    if key == "export" && !rest.starts_with('=') {
        rest = rest[key_end(rest)..].trim_start();
    }
    let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
        return false;
    };
    if value.starts_with('#') {
        return false;
    }
    let (mut single, mut double, mut escaped, mut ended) = (false, false, false, false);
    for c in value.chars() {
        if ended {
            if c != ' ' && c != '\t' {
                return false;
            }
        } else if escaped {
            escaped = false;
        } else if single {
            single = c != '\'';
        } else if c == '$' {
            return true;
        } else if double {
            match c {
                '"' => double = false,
                '\\' => escaped = true,
                _ => {}
            }
        } else {
            match c {
                '\'' => single = true,
                '"' => double = true,
                '\\' => escaped = true,
                ' ' | '\t' => ended = true,
                _ => {}
            }
        }
    }
    false
}
