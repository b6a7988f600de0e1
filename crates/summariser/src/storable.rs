//! A record as BSON, and what MongoDB cannot store of it: field names holding a NUL (BSON names
//! are C strings), integers beyond 64 bits (serde_json reads such an integer as the nearest
//! float without a word, so it is looked for in the record's text) and documents past 16 MB.

use mongodb::bson::{Bson, Document};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The `data` document of a record served as the JSON `text`, or why MongoDB cannot store it
/// (or which of two values a member written twice in one object holds is unclear: JSON
/// readers keep the last, and the file would be deleted with the other).
///
/// The record is read field for field: integers as 64-bit integers, other numbers as doubles.
/// An object stays a document whatever its field names, so one shaped like MongoDB's extended
/// JSON (`{"$numberLong": "5"}`, `{"$date": …}`) is kept as served, where `bson::to_document`
/// would turn it into a typed value.
pub fn data_of(text: &str) -> Result<Document, String> {
    if let Some(number) = releve::wide_integer::first_in(text) {
        return Err(format!(
            "the integer {number} is outside the signed 64-bit range, which MongoDB cannot store"
        ));
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    let read = BsonOf
        .deserialize(&mut reader)
        .and_then(|value| reader.end().map(|()| value));
    match read {
        Ok(Bson::Document(document)) => Ok(document),
        Ok(_) => Err("not a JSON object".to_owned()),
        // The visitor's own words, without serde_json's position within the record's text,
        // which would read as one within the file.
        Err(err) if err.is_data() => {
            let said = err.to_string();
            let suffix = format!(" at line {} column {}", err.line(), err.column());
            Err(said.strip_suffix(&suffix).unwrap_or(&said).to_owned())
        }
        Err(err) => Err(format!("not JSON: {err}")),
    }
}

/// Reads a JSON value straight into BSON (see [`data_of`]).
struct BsonOf;

impl<'de> DeserializeSeed<'de> for BsonOf {
    type Value = Bson;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Bson, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BsonOf {
    type Value = Bson;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Bson, E> {
        Ok(Bson::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Bson, E> {
        Ok(Bson::Boolean(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Bson, E> {
        Ok(Bson::Int64(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Bson, E> {
        i64::try_from(value).map(Bson::Int64).map_err(|_| {
            E::custom(format!(
                "the integer {value} is outside the signed 64-bit range, which MongoDB cannot store"
            ))
        })
    }

    fn visit_f64<E>(self, value: f64) -> Result<Bson, E> {
        Ok(Bson::Double(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Bson, E> {
        Ok(Bson::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Bson, E> {
        Ok(Bson::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Bson, A::Error> {
        let mut array = Vec::with_capacity(items.size_hint().unwrap_or(0));
        while let Some(item) = items.next_element_seed(BsonOf)? {
            array.push(item);
        }
        Ok(Bson::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<Bson, A::Error> {
        let mut document = Document::new();
        while let Some(name) = fields.next_key::<String>()? {
            if name.contains('\0') {
                return Err(de::Error::custom(format!(
                    "field name {name:?} holds a NUL character, which BSON cannot store"
                )));
            }
            let value = fields.next_value_seed(BsonOf)?;
            match document.get(&name) {
                // Written twice alike: nothing is lost whichever is kept.
                Some(held) if alike(held, &value) => {}
                Some(_) => {
                    return Err(de::Error::custom(format!(
                        "the member `{name}` is written twice in one object with different values, and which one is meant is unclear"
                    )));
                }
                None => {
                    document.insert(name, value);
                }
            }
        }
        Ok(Bson::Document(document))
    }
}

/// Whether two values of a member written twice say the same: equal, or equal numbers written
/// differently (`1.0` and `1`).
fn alike(held: &Bson, other: &Bson) -> bool {
    let number = |value: &Bson| match value {
        Bson::Int64(n) => Some(*n as f64),
        Bson::Double(x) => Some(*x),
        _ => None,
    };
    held == other || matches!((number(held), number(other)), (Some(a), Some(b)) if a == b)
}

/// MongoDB's largest document, in bytes.
const MAX_DOCUMENT: usize = 16 * 1024 * 1024;

/// Room kept under [`MAX_DOCUMENT`] for the fields a document gains on its way (`expire_at`).
const MARGIN: usize = 1024;

/// Refuses a document MongoDB would refuse for its size. Only a record whose JSON text is
/// large (1.6 MB) is encoded to be measured: BSON takes at most about 8 times the text's bytes
/// (a long array of one-digit numbers: `1,` becomes a type byte, the index as a name of up to
/// seven bytes and an eight-byte integer), so smaller ones always fit.
pub fn within_size_limit(text_len: usize, document: &Document) -> Result<(), String> {
    if text_len < (MAX_DOCUMENT - MARGIN) / 10 {
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
    fn records_keep_their_shape_even_when_it_looks_like_extended_json() {
        let record = serde_json::json!({
            "id": "a",
            "n": {"$numberLong": "5"},
            "at": {"$date": "2026-11-30T10:00:00Z"},
            "ref": {"$oid": "65a1b2c3d4e5f60718293a4b"},
            "v": [1, -2, 2.5, null, true, "x"],
        });
        let document = data_of(&record.to_string()).expect("storable");
        assert_eq!(
            Bson::Document(document.clone()).into_relaxed_extjson(),
            record,
            "read back as served"
        );
        assert_eq!(document.get_document("n").map(Document::len), Ok(1));
        assert_eq!(
            document.get_array("v").map(|v| v[0].clone()),
            Ok(Bson::Int64(1)),
            "integers as 64-bit integers, as before"
        );
        let nul = serde_json::json!({"a": {"b\u{0}c": 1}});
        let refused = data_of(&nul.to_string()).expect_err("a NUL in a name");
        assert!(refused.contains("NUL"), "{refused}");
        assert!(data_of("[1]").is_err());
        let twice = data_of(r#"{"id":11,"t":1,"id":12}"#).expect_err("a member twice");
        assert!(
            twice.starts_with("the member `id` is written twice in one object"),
            "{twice}"
        );
        let nested = data_of(r#"{"a":{"b":1,"b":2}}"#).expect_err("nested too");
        assert!(nested.contains("`b` is written twice"), "{nested}");
        assert!(
            data_of(r#"{"a":{"b":1,"b":1}}"#).is_ok(),
            "alike: nothing is lost"
        );
        assert!(data_of(r#"{"a":1.0,"a":1}"#).is_ok(), "the same number");
        assert!(
            !twice.contains("at line"),
            "no position within the record: {twice}"
        );
        assert!(!refused.contains("at line"), "{refused}");
        assert!(data_of(r#"{"a":{"b":1},"c":{"b":1}}"#).is_ok());
        assert!(
            data_of(r#"{"a":1} x"#)
                .expect_err("trailing")
                .starts_with("not JSON")
        );
    }
}
