//! The README's mongosh queries read as extended JSON, so that the pipeline test can hold them
//! to the queries it runs: names quoted or not, `ISODate("…")` a date, `//` comments left out.

/// The argument of the first `call` (such as `db.hourly.aggregate(`) in `text`, a bracketed
/// array or object, as extended JSON text; none when `text` holds no such call or it is left
/// open.
pub fn argument_of(text: &str, call: &str) -> Option<String> {
    let start = text.find(call)? + call.len();
    let mut rest = text[start..].trim_start();
    let mut json = String::new();
    let mut depth = 0usize;
    loop {
        let c = rest.chars().next()?;
        if rest.starts_with("//") {
            rest = &rest[rest.find('\n')?..];
        } else if c == '"' {
            let end = quoted_end(rest)?;
            json.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if let Some(date) = rest.strip_prefix("ISODate(") {
            let end = quoted_end(date)?;
            json.push_str(&format!("{{\"$date\": {}}}", &date[..end]));
            rest = date[end..].strip_prefix(')')?;
        } else if c == '$' || c == '_' || c.is_ascii_alphabetic() {
            let end = rest
                .find(|c: char| !(c == '$' || c == '_' || c.is_ascii_alphanumeric()))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if rest[end..].trim_start().starts_with(':') {
                json.push_str(&format!("\"{name}\""));
            } else {
                json.push_str(name);
            }
            rest = &rest[end..];
        } else {
            match c {
                '[' | '{' => depth += 1,
                ']' | '}' => depth = depth.checked_sub(1)?,
                _ => {}
            }
            json.push(c);
            rest = &rest[c.len_utf8()..];
            if depth == 0 && matches!(c, ']' | '}') {
                return Some(json);
            }
        }
    }
}

/// Where the quoted text that `text` begins with ends, past its closing quote.
fn quoted_end(text: &str) -> Option<usize> {
    if !text.starts_with('"') {
        return None;
    }
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(at + 1),
            _ => escaped = false,
        }
    }
    None
}
