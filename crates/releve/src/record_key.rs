//! A record's identity as `sources.toml` gives it: one dotted path (`key = "id"`), or several
//! whose values together tell records apart (`key = ["number", "last_update"]`: a station's
//! reading at a time, in a feed that serves every station at every update).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use crate::record::{FieldPath, identity};

/// The paths of a record's identity, one or more.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordKey {
    paths: Vec<FieldPath>,
}

impl RecordKey {
    /// The key of one path.
    pub fn one(path: FieldPath) -> RecordKey {
        RecordKey { paths: vec![path] }
    }

    /// The paths, in the order given.
    pub fn paths(&self) -> &[FieldPath] {
        &self.paths
    }

    /// The paths as a fingerprint, so that a state file can tell a key changed without
    /// keeping its text: SipHash-1-3 of the paths as written, fed as bytes (not through
    /// `Hash`, whose feeding the standard library may change between compilers).
    pub fn fingerprint(&self) -> String {
        use std::hash::Hasher;
        let mut hasher = siphasher::sip::SipHasher13::new();
        hasher.write(self.to_string().as_bytes());
        format!("{:016x}", hasher.finish())
    }

    /// The record's identity as text. One path gives its value as text (`"hv74753377"`, or
    /// `"42"` for a number); several give a JSON array of their values as text
    /// (`["42","2026-11-30T10:00:00+00:00"]`). `None` when a value is missing or empty.
    pub fn get(&self, record: &Value) -> Option<String> {
        let part = |path: &FieldPath| path.get(record).and_then(identity);
        match self.paths.as_slice() {
            [path] => part(path),
            paths => {
                let parts = paths.iter().map(part).collect::<Option<Vec<String>>>()?;
                serde_json::to_string(&parts).ok()
            }
        }
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.paths.as_slice() {
            [path] => write!(f, "{path}"),
            paths => {
                let names: Vec<String> = paths.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", names.join(", "))
            }
        }
    }
}

impl fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordKey({self})")
    }
}

impl<'de> Deserialize<'de> for RecordKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = RecordKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field path, or an array of field paths")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<RecordKey, E> {
        text.parse().map(RecordKey::one).map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<RecordKey, A::Error> {
        let mut paths = Vec::new();
        while let Some(path) = items.next_element::<FieldPath>()? {
            paths.push(path);
        }
        Ok(RecordKey { paths })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key(text: &str) -> RecordKey {
        #[derive(Deserialize)]
        struct Holder {
            key: RecordKey,
        }
        toml::from_str::<Holder>(&format!("key = {text}"))
            .expect("a key")
            .key
    }

    #[test]
    fn one_path_is_the_value_as_text_and_several_a_json_array() {
        let record = json!({"number": 42, "last_update": "2026-11-30T10:00:00+00:00", "name": ""});
        assert_eq!(key("\"number\"").get(&record), Some("42".to_owned()));
        assert_eq!(key("[\"number\"]").get(&record), Some("42".to_owned()));
        let both = key("[\"number\", \"last_update\"]");
        assert_eq!(
            both.get(&record),
            Some(r#"["42","2026-11-30T10:00:00+00:00"]"#.to_owned())
        );
        assert_eq!(both.to_string(), "[number, last_update]");
        assert_eq!(
            key("[\"number\", \"name\"]").get(&record),
            None,
            "an empty part"
        );
        assert_eq!(
            key("[\"number\", \"nowhere\"]").get(&record),
            None,
            "a missing part"
        );
    }

    /// A changed `key` is told by its fingerprint in the state file (records landed again
    /// under a new key are stored twice): another key has another, the same key the same, and
    /// the value is the one state files already hold, so an upgrade reads as no change.
    #[test]
    fn a_changed_key_changes_its_fingerprint_and_the_same_key_keeps_it() {
        let id = key("\"id\"");
        assert_eq!(id.fingerprint(), key("[\"id\"]").fingerprint());
        assert_ne!(id.fingerprint(), key("\"properties.code\"").fingerprint());
        assert_ne!(
            key("[\"number\", \"last_update\"]").fingerprint(),
            key("\"number\"").fingerprint()
        );
        assert_eq!(id.fingerprint(), "d560c7e4a29451c2");
    }
}
