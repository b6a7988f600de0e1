//! Halves of a UTF-16 surrogate pair escaped alone (`"Caf\ud83d"`): not JSON that serde_json
//! reads, but what Python's `json.dumps` and JavaScript's `JSON.stringify` write for a string
//! cut in the middle of an emoji. Each is read as U+FFFD (`\ufffd`, the replacement
//! character), as Python, browsers and jq read it; the rest of the answer is kept as served.

/// Whether `body` may hold an escaped half of a surrogate pair (`\ud83d`): worth reading
/// with [`replaced`].
pub(super) fn may_hold(body: &[u8]) -> bool {
    body.windows(4).any(|four| {
        four[0] == b'\\'
            && four[1] == b'u'
            && matches!(four[2], b'd' | b'D')
            && matches!(four[3], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
    })
}

/// `body` with each escaped surrogate that is not half of a pair replaced by `\ufffd`, and
/// how many were; `None` when it holds none.
pub(super) fn replaced(body: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut edits = super::edits::Edits::new(body);
    let mut in_string = false;
    let mut at = 0;
    while let Some(&byte) = body.get(at) {
        if !in_string {
            in_string = byte == b'"';
        } else if byte == b'"' {
            in_string = false;
        } else if byte == b'\\' {
            let escape = &body[at..];
            at += match surrogate_at(escape) {
                Some(Half::High) if surrogate_at(&escape[6..]) == Some(Half::Low) => 12,
                Some(_) => {
                    edits.replace(at, 6, br"\ufffd");
                    6
                }
                // Any other escape: its two bytes as they are (`\"` does not end the string).
                None => 2,
            };
            continue;
        }
        at += 1;
    }
    edits.finish()
}

/// A half of a surrogate pair.
#[derive(Debug, PartialEq)]
enum Half {
    /// `\ud800` to `\udbff`, which comes first.
    High,
    /// `\udc00` to `\udfff`.
    Low,
}

/// The half of a surrogate pair the `\uXXXX` escape `rest` starts with is, if it is one.
fn surrogate_at(rest: &[u8]) -> Option<Half> {
    let hex = rest.strip_prefix(br"\u")?.get(..4)?;
    let code = u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    match code {
        0xD800..=0xDBFF => Some(Half::High),
        0xDC00..=0xDFFF => Some(Half::Low),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Option<(String, usize)> {
        replaced(body.as_bytes()).map(|(out, n)| (String::from_utf8(out).expect("UTF-8"), n))
    }

    #[test]
    fn a_lone_half_of_a_surrogate_pair_is_read_as_the_replacement_character() {
        assert_eq!(
            read(r#"[{"place": "Caf\ud83d"}, {"place": "\udca9 x"}]"#),
            Some((
                r#"[{"place": "Caf\ufffd"}, {"place": "\ufffd x"}]"#.to_owned(),
                2
            ))
        );
        // A whole pair, and escapes that are no surrogate, stay as they are.
        assert_eq!(
            read(r#"{"e": "\ud83d\ude00 \u00e9 \\ud83d \" \ud83d"}"#).map(|(_, n)| n),
            Some(1)
        );
        assert_eq!(read(r#"{"e": "\ud83d\ude00 \u00e9 \\ud83d"}"#), None);
        // Outside strings nothing is read as an escape.
        assert_eq!(read(r#"{"a": 1}"#), None);
        // A pair's halves in the wrong order are two lone halves.
        assert_eq!(read(r#"["\ude00\ud83d"]"#).map(|(_, n)| n), Some(2));
    }
}
