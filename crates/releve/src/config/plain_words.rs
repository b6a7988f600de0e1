//! serde's words for a value of the wrong type, said for people who write TOML rather than
//! Rust: a whole number rather than `u32`, a table rather than a struct, and what to write
//! instead where the fix is not plain.

use super::kinds::KindName;

/// Whether `line` writes its value as an inline table on purpose (`key = { a = 1 }`), without
/// a dotted key in it (`{ properties.mag = "Mw" }` is one).
pub(super) fn written_inline(line: &str) -> bool {
    let Some(members) = line
        .split_once('=')
        .and_then(|(_, value)| value.trim_start().strip_prefix('{'))
    else {
        return false;
    };
    let dotted = |member: &str| {
        member
            .split_once('=')
            .is_some_and(|(key, _)| !key.contains('"') && key.contains('.'))
    };
    !members.split(',').any(dotted)
}

/// What `line` writes as its value when it is an unquoted TOML date or time (`every =
/// 2024-01-01`, `every = 12:30:00`), which serde sees as a table.
fn written_date(line: &str) -> Option<&'static str> {
    let (_, value) = line.split_once('=')?;
    let value = value.trim_start().as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        value
            .get(range)
            .is_some_and(|bytes| bytes.iter().all(u8::is_ascii_digit))
    };
    if digits(0..4) && value.get(4) == Some(&b'-') {
        Some("a date")
    } else if digits(0..2) && value.get(2) == Some(&b':') {
        Some("a time")
    } else {
        None
    }
}

/// `message` about a `line` writing a date or a time where text was expected: "found a date"
/// rather than "found a table", with how an interval is written when an interval was expected.
pub(super) fn for_a_date(message: String, line: &str) -> String {
    let Some(written) = written_date(line) else {
        return message;
    };
    if !message.contains(", found a table") {
        return message;
    }
    let mut message = message
        .replacen(", found a table", &format!(", found {written}"), 1)
        .replace(DOTTED_NAME_HINT, "");
    if let Some(key) = interval_key(&message) {
        message.push_str(interval_hint(key));
    }
    message
}

/// `message` about a sub-table header with an unquoted dotted field
/// (`[source.value_labels.a.b]`): naming the key refused, and the header to write.
pub(super) fn for_a_header(message: String, line: &str) -> String {
    let Some((key, header)) = dotted_header(line) else {
        return message;
    };
    // A header line names no key of its own: the sub-table's field is the one refused.
    let message = if message.contains(&format!("key `{key}`")) {
        message
    } else {
        match message.split_once(": ") {
            Some((source, rest)) if source.starts_with("source `") => {
                format!("{source}: key `{key}`: {rest}")
            }
            _ => format!("key `{key}`: {message}"),
        }
    };
    message.replace(
        DOTTED_NAME_HINT,
        &format!(" (a dotted field name in a header makes a table in TOML: quote it, `{header}`)"),
    )
}

/// The sub-table header `line` names with an unquoted dotted field
/// (`[source.value_labels.a.b]`): the key refused (`value_labels.a`) and the header to write
/// (`[source.value_labels."a.b"]`).
fn dotted_header(line: &str) -> Option<(String, String)> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let path = inner.strip_prefix("source.")?;
    if path.contains('"') || path.contains('\'') || path.starts_with('[') {
        return None;
    }
    let parts: Vec<&str> = path.split('.').map(str::trim).collect();
    let [table, field, _, ..] = parts.as_slice() else {
        return None;
    };
    let rest = parts[1..].join(".");
    Some((
        format!("{table}.{field}"),
        format!("[source.{table}.\"{rest}\"]"),
    ))
}

/// serde's words for what it expected, said for people who write TOML rather than Rust: a
/// whole number rather than `u32`, and why a table came where a value was expected; `kind`,
/// that of the `[[source]]` table the message is about, if any.
pub(super) fn plain_words(message: &str, inline_table: bool, kind: Option<KindName>) -> String {
    let mut plain = message.to_owned();
    // Keys whose own bounds are narrower than their type's.
    for (key, rust, words) in [
        ("keep_days", "u32", "a whole number of days from 1 to 36500"),
        ("rows", "u32", "a whole number from 1 to 10000"),
    ] {
        if plain.contains(&format!("key `{key}`:")) {
            plain = plain.replace(&format!("expected {rust}"), &format!("expected {words}"));
        }
    }
    for (rust, words) in [
        ("u8", "a whole number from 0 to 255"),
        ("u16", "a whole number from 0 to 65535"),
        ("u32", "a whole number from 0 to 4294967295"),
        ("u64", "a whole number, 0 or more"),
        ("usize", "a whole number, 0 or more"),
        ("i64", "a whole number"),
        ("f64", "a number"),
    ] {
        plain = plain.replace(&format!("expected {rust}"), &format!("expected {words}"));
    }
    // A table where a value was expected: serde names the Rust type.
    if let Some(at) = plain.find("expected struct ") {
        plain.truncate(at);
        plain.push_str("expected a table");
    }
    let hint = hint(&plain, inline_table, kind);
    let mut plain = found_last(&plain).replace("unknown variant `", "unknown value `");
    if let Some(hint) = hint {
        plain.push_str(hint);
    }
    plain
}

/// serde's "invalid type: string \"x\", expected a sequence" said the other way round, in
/// TOML's words: "expected a list, found the text \"x\"".
fn found_last(message: &str) -> String {
    let Some((lead, rest)) = ["invalid type: ", "invalid value: "]
        .into_iter()
        .find_map(|word| message.split_once(word))
    else {
        return message.to_owned();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    format!(
        "{lead}expected {}, found {}",
        toml_expected(expected),
        toml_found(found)
    )
}

/// What serde expected, as a TOML value.
fn toml_expected(expected: &str) -> &str {
    match expected {
        "a sequence" => "a list `[...]`",
        "a map" => "a table",
        "a boolean" => "`true` or `false`",
        "a string" | "a borrowed string" => "text between double quotes",
        other => other,
    }
}

/// What serde found, as a TOML value: `integer `5`` is the number 5.
fn toml_found(found: &str) -> String {
    let quoted = |word: &str| {
        found
            .strip_prefix(word)
            .and_then(|value| value.strip_prefix(" `"))
            .and_then(|value| value.strip_suffix('`'))
    };
    if let Some(text) = found.strip_prefix("string ") {
        return format!("the text {text}");
    }
    if let Some(number) = quoted("integer").or_else(|| quoted("floating point")) {
        return format!("the number {number}");
    }
    if let Some(boolean) = quoted("boolean") {
        return format!("`{boolean}`");
    }
    match found {
        "sequence" => "a list".to_owned(),
        "map" => "a table".to_owned(),
        other => other.to_owned(),
    }
}

/// What to write instead, for a value of the wrong type whose fix is not plain from serde's
/// words, in a table of kind `kind` when in one.
fn hint(message: &str, inline_table: bool, kind: Option<KindName>) -> Option<&'static str> {
    let about = |key: &str| message.contains(&format!("key `{key}`:"));
    if about("refine")
        && let Some(hint) = kind.and_then(|kind| refine_hint(kind, message))
    {
        return Some(hint);
    }
    let interval = interval_key(message);
    if message.contains("string values must be quoted") {
        return Some(match interval {
            Some(key) => interval_hint(key),
            None => " (write text between double quotes: `key = \"text\"`)",
        });
    }
    if let Some(key) = interval
        && message.contains("expected a string")
        && (message.contains("invalid type: integer")
            || message.contains("invalid type: floating point"))
    {
        return Some(interval_hint(key));
    }
    (message.contains("invalid type: map") && !inline_table).then_some(DOTTED_NAME_HINT)
}

/// How a kind's `refine` is written, when `message` says it was written the other kind's way.
fn refine_hint(kind: KindName, message: &str) -> Option<&'static str> {
    match kind {
        KindName::Opendatasoft => message
            .contains("invalid type: map, expected a sequence")
            .then_some(
                " (for `opendatasoft`, `refine` lists \"facet:value\" texts, e.g. `refine = [\"nature:Gaz\"]`; `{ facet = \"value\" }` is the `ods_v1` form)",
            ),
        KindName::OdsV1 => message
            .contains("invalid type: sequence, expected a map")
            .then_some(
                " (for `ods_v1`, `refine` is a table of facet values, e.g. `refine = { polluant = \"NO2\" }`; `[\"facet:value\"]` is the `opendatasoft` form)",
            ),
        // The kinds taking no `refine`.
        KindName::HttpJson | KindName::FranceTravail => None,
    }
}

/// The interval key (`every`, `timeout`, `lookback`) `message` is about, if any.
fn interval_key(message: &str) -> Option<&'static str> {
    ["every", "timeout", "lookback", "recheck"]
        .into_iter()
        .find(|key| message.contains(&format!("key `{key}`:")))
}

/// How the interval of `key` is written: a timeout in seconds, most often.
fn interval_hint(key: &str) -> &'static str {
    match key {
        "timeout" => " (a timeout is text with its unit: `\"20s\"`, `\"2m\"`)",
        _ => " (an interval is text with its unit: `\"15m\"`, `\"1h\"`, `\"1d\"`)",
    }
}

/// Why a table came where a value was expected, in a `key = value` line.
const DOTTED_NAME_HINT: &str =
    " (a dotted name such as `m.pm25 = ...` makes a table in TOML: quote it, `\"m.pm25\" = ...`)";
