//! Integers past 64 bits in JSON text. serde_json reads such an integer as the nearest double
//! without a word: two records told apart by one would be taken for one, and MongoDB stores no
//! integer past a signed 64-bit one. They are looked for in the text, as written.

/// The first integer of the JSON `text` outside a signed 64-bit integer's range, as written.
pub fn first_in(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => at = after_string(bytes, at + 1),
            b'-' | b'0'..=b'9' => {
                let start = at;
                while at < bytes.len()
                    && matches!(bytes[at], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    at += 1;
                }
                let number = &text[start..at];
                let integer = !number.contains(['.', 'e', 'E']);
                if integer && number.parse::<i64>().is_err() {
                    return Some(number);
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// The index just past the string whose content starts at `at`.
fn after_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_past_64_bits_are_found_as_written() {
        let record = r#"{"id":"a","val":123456789012345678901234567890,"n":[1,-2]}"#;
        assert_eq!(first_in(record), Some("123456789012345678901234567890"));
        assert_eq!(
            first_in(r#"{"v":-9223372036854775809}"#),
            Some("-9223372036854775809")
        );
        assert_eq!(
            first_in(r#"{"v":18446744073709551615}"#),
            Some("18446744073709551615")
        );
    }

    #[test]
    fn what_fits_floats_and_text_are_left_alone() {
        let record = r#"{"a":9223372036854775807,"b":-9223372036854775808,"c":1e300,
            "d":123456789012345678901234567890.5,"e":"123456789012345678901234567890",
            "f":"say \"99999999999999999999\" twice","g":[0,-0,1.5E+22]}"#;
        assert_eq!(first_in(record), None);
    }
}
