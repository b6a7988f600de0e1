//! `NaN`, `Infinity` and `-Infinity` written as numbers: not JSON, but Python's `json.dumps`
//! writes them for such floats, so an API built on it serves them where a value is missing;
//! and `nan`, `-nan`, `inf` and `-inf`, as C's `printf` and Swift write them (Open-Meteo's
//! server, for the coordinates it echoes of a point outside a model's domain). Read as
//! `null`, the rest of the answer is kept as served.

/// The words standing for a number that is not finite, longest first.
const WORDS: &[&[u8]] = &[
    b"-Infinity",
    b"Infinity",
    b"-NaN",
    b"-nan",
    b"-inf",
    b"NaN",
    b"nan",
    b"inf",
];

/// `body` with each word of [`WORDS`] written outside a string replaced by `null`, and how
/// many were; `None` when it holds none.
pub(super) fn as_null(body: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut edits = super::edits::Edits::new(body);
    let mut in_string = false;
    let mut escaped = false;
    let mut at = 0;
    while let Some(&byte) = body.get(at) {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        } else if let Some(word) = non_finite_at(&body[at..]) {
            edits.replace(at, word.len(), b"null");
            at += word.len();
            continue;
        }
        at += 1;
    }
    edits.finish()
}

/// The word for a number that is not finite `rest` starts with, as a whole word.
fn non_finite_at(rest: &[u8]) -> Option<&'static [u8]> {
    WORDS.iter().copied().find(|word| {
        rest.starts_with(word)
            && rest
                .get(word.len())
                .is_none_or(|next| !next.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Option<(String, usize)> {
        as_null(body.as_bytes()).map(|(out, n)| (String::from_utf8(out).expect("UTF-8"), n))
    }

    #[test]
    fn numbers_that_are_not_finite_are_read_as_null_outside_strings_only() {
        assert_eq!(
            read(r#"[{"v": NaN, "w": -Infinity, "x": [Infinity,1.5]}]"#),
            Some((r#"[{"v": null, "w": null, "x": [null,1.5]}]"#.to_owned(), 3))
        );
        assert_eq!(
            read(r#"{"note": "NaN \" Infinity", "v": NaN}"#),
            Some((r#"{"note": "NaN \" Infinity", "v": null}"#.to_owned(), 1))
        );
        assert_eq!(read(r#"{"note": "NaN", "v": 1}"#), None);
        assert_eq!(
            read(r#"{"lat":-nan,"lon":nan,"t":[inf,-inf,1]}"#),
            Some((r#"{"lat":null,"lon":null,"t":[null,null,1]}"#.to_owned(), 4))
        );
        assert_eq!(
            read("{\"v\":\n\tNaN\n}"),
            Some(("{\"v\":\n\tnull\n}".to_owned(), 1))
        );
    }
}
