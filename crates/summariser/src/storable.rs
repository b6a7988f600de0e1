//! What MongoDB cannot store of a record as served: field names holding a NUL (BSON names are
//! C strings), integers beyond 64 bits (serde_json reads such an integer as the nearest float
//! without a word, so it is looked for in the record's text) and documents past 16 MB.

use mongodb::bson::{Bson, Document};

/// The first field name, at any depth, holding a NUL character.
pub fn nul_field_name(document: &Document) -> Option<String> {
    fn in_value(value: &Bson) -> Option<String> {
        match value {
            Bson::Document(document) => nul_field_name(document),
            Bson::Array(items) => items.iter().find_map(in_value),
            _ => None,
        }
    }
    document.iter().find_map(|(name, value)| {
        if name.contains('\0') {
            Some(name.clone())
        } else {
            in_value(value)
        }
    })
}

/// MongoDB's largest document, in bytes.
const MAX_DOCUMENT: usize = 16 * 1024 * 1024;

/// Room kept under [`MAX_DOCUMENT`] for the fields a document gains on its way (`expire_at`).
const MARGIN: usize = 1024;

/// Refuses a document MongoDB would refuse for its size. Only a record whose JSON text is
/// large (2 MB) is encoded to be measured: BSON takes at most about 6.5 times the text's bytes
/// (a long array of one-digit numbers: `1,` becomes a type byte, the index as a name and four
/// bytes of integer), so smaller ones always fit.
pub fn within_size_limit(text_len: usize, document: &Document) -> Result<(), String> {
    if text_len < (MAX_DOCUMENT - MARGIN) / 8 {
        return Ok(());
    }
    let size = mongodb::bson::to_vec(document).map_or(usize::MAX, |bytes| bytes.len());
    if size > MAX_DOCUMENT - MARGIN {
        return Err(format!(
            "the record takes {:.1} MB as BSON, past MongoDB's 16 MB limit for a document",
            size as f64 / (1024.0 * 1024.0)
        ));
    }
    Ok(())
}

/// The first integer of the JSON `text` outside a signed 64-bit integer's range, as written.
pub fn oversized_integer(text: &str) -> Option<&str> {
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
    fn documents_past_16_mb_are_refused() {
        let big = "x".repeat(17 * 1024 * 1024);
        let document = mongodb::bson::doc! {"data": {"blob": &big}};
        let refused = within_size_limit(big.len(), &document).expect_err("too large");
        assert!(refused.contains("17.0 MB"), "{refused}");
        let fine = mongodb::bson::doc! {"data": {"blob": "x".repeat(1024)}};
        assert!(within_size_limit(1024, &fine).is_ok());
        // 3 MB of JSON text, 19 MB of BSON.
        let digits: Vec<i32> = vec![1; 1_500_000];
        let text = serde_json::to_string(&digits).expect("JSON");
        let document = mongodb::bson::doc! {"data": {"digits": digits}};
        assert!(within_size_limit(text.len(), &document).is_err());
        let near = "x".repeat(15 * 1024 * 1024);
        let document = mongodb::bson::doc! {"data": {"blob": &near}};
        assert!(within_size_limit(near.len(), &document).is_ok());
    }

    #[test]
    fn integers_past_64_bits_are_found_as_written() {
        let record = r#"{"id":"a","val":123456789012345678901234567890,"n":[1,-2]}"#;
        assert_eq!(
            oversized_integer(record),
            Some("123456789012345678901234567890")
        );
        assert_eq!(
            oversized_integer(r#"{"v":-9223372036854775809}"#),
            Some("-9223372036854775809")
        );
        assert_eq!(
            oversized_integer(r#"{"v":18446744073709551615}"#),
            Some("18446744073709551615")
        );
    }

    #[test]
    fn what_fits_floats_and_text_are_left_alone() {
        let record = r#"{"a":9223372036854775807,"b":-9223372036854775808,"c":1e300,
            "d":123456789012345678901234567890.5,"e":"123456789012345678901234567890",
            "f":"say \"99999999999999999999\" twice","g":[0,-0,1.5E+22]}"#;
        assert_eq!(oversized_integer(record), None);
    }
}
