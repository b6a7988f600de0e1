//! Access to the records of a JSON document's text: the parser descends a source's records
//! path without building the surrounding document, and hands each record over as a borrowed
//! slice of the text, so nothing is copied or built beyond what the caller keeps. The
//! summariser reads landed files through it; the collector checks a body it re-writes with it.

use std::cell::Cell;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// What the records path led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Located {
    /// The path does not exist in the document.
    Missing,
    /// The path leads to a number, text, boolean or null.
    NotRecords,
    /// The path leads to an array (each element a record) or an object (one record).
    Records,
    /// A member the path names appears twice in one object: which one holds the records is
    /// unclear, and reading either would lose the other's records without a word.
    Repeated,
}

/// Parses the JSON document `json` and calls `on_record` for each record found at the path
/// given by `segments` (an empty path is the document itself).
pub fn for_each_record<'a>(
    json: &'a str,
    segments: &[String],
    mut on_record: impl FnMut(&'a RawValue),
) -> Result<Located, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let located = Cell::new(Located::Missing);
    Descend {
        segments,
        on_record: &mut on_record,
        located: &located,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(located.get())
}

struct Descend<'p, 'c, F> {
    segments: &'p [String],
    on_record: &'c mut F,
    located: &'c Cell<Located>,
}

impl<'de, F: FnMut(&'de RawValue)> DeserializeSeed<'de> for Descend<'_, '_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if !self.segments.is_empty() {
            return deserializer.deserialize_any(self);
        }
        let found = <&'de RawValue>::deserialize(deserializer)?;
        match found.get().trim_start().as_bytes().first() {
            Some(b'[') => {
                self.located.set(Located::Records);
                let mut elements = serde_json::Deserializer::from_str(found.get());
                elements
                    .deserialize_seq(Elements(self.on_record))
                    .map_err(de::Error::custom)
            }
            Some(b'{') => {
                self.located.set(Located::Records);
                (self.on_record)(found);
                Ok(())
            }
            _ => {
                self.located.set(Located::NotRecords);
                Ok(())
            }
        }
    }
}

/// Hands each element of an array over as it is met.
struct Elements<'c, F>(&'c mut F);

impl<'de, F: FnMut(&'de RawValue)> Visitor<'de> for Elements<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<&'de RawValue>()? {
            (self.0)(record);
        }
        Ok(())
    }
}

impl<'de, F: FnMut(&'de RawValue)> Visitor<'de> for Descend<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let wanted = crate::record::array_index(&self.segments[0]);
        let mut index = 0usize;
        let mut seed = Some(self);
        loop {
            let more = match (wanted == Some(index), seed.take()) {
                (true, Some(this)) => seq
                    .next_element_seed(Descend {
                        segments: &this.segments[1..],
                        on_record: this.on_record,
                        located: this.located,
                    })?
                    .is_some(),
                (_, this) => {
                    seed = this;
                    seq.next_element::<IgnoredAny>()?.is_some()
                }
            };
            if !more {
                return Ok(());
            }
            index += 1;
        }
    }

    /// Descends the member named by the path; a second member of that name makes the whole
    /// [`Located::Repeated`].
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let wanted = self.segments[0].as_str();
        let located = self.located;
        let mut seed = Some(self);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key != wanted {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let Some(this) = seed.take() else {
                located.set(Located::Repeated);
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            map.next_value_seed(Descend {
                segments: &this.segments[1..],
                on_record: this.on_record,
                located: this.located,
            })?;
        }
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(json: &str, path: &str) -> (Located, Vec<String>) {
        let segments: Vec<String> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').map(str::to_owned).collect()
        };
        let mut found = Vec::new();
        let located = for_each_record(json, &segments, |raw| {
            found.push(raw.get().to_owned());
        })
        .expect("valid JSON");
        (located, found)
    }

    #[test]
    fn records_are_found_under_a_nested_path_and_nothing_else_is_kept() {
        let body = r#"{"type":"FeatureCollection","metadata":{"count":2},
            "features":[{"id":"a","n":[1,2]},{"id":"b"}],"bbox":[1,2]}"#;
        let (located, found) = records(body, "features");
        assert_eq!(located, Located::Records);
        assert_eq!(found, vec![r#"{"id":"a","n":[1,2]}"#, r#"{"id":"b"}"#]);
    }

    #[test]
    fn an_object_at_the_path_is_one_record_and_arrays_are_indexed() {
        let (located, found) = records(
            r#"{"current":{"time":"2026-10-06T14:00","t":17.3}}"#,
            "current",
        );
        assert_eq!(located, Located::Records);
        assert_eq!(found.len(), 1);
        let (_, found) = records(r#"{"pages":[[{"id":1}],[{"id":2},{"id":3}]]}"#, "pages.1");
        assert_eq!(found, vec![r#"{"id":2}"#, r#"{"id":3}"#]);
        let (located, found) = records(r#"[{"id":1}]"#, "");
        assert_eq!((located, found.len()), (Located::Records, 1));
    }

    #[test]
    fn a_records_path_member_given_twice_is_refused_not_half_read() {
        for (body, path) in [
            (
                r#"{"features":[{"id":"a"}],"features":[{"id":"b"}]}"#,
                "features",
            ),
            (r#"{"data":{"rows":[{"id":1}],"rows":[]}}"#, "data.rows"),
            (
                r#"{"data":{"rows":[{"id":1}]},"data":{"rows":[]}}"#,
                "data.rows",
            ),
        ] {
            assert_eq!(records(body, path).0, Located::Repeated, "{body}");
        }
        let (_, found) = records(r#"{"meta":1,"meta":2,"features":[{"id":"a"}]}"#, "features");
        assert_eq!(found.len(), 1, "other members may repeat");
    }

    #[test]
    fn missing_paths_and_scalars_are_told_apart() {
        assert_eq!(records(r#"{"other":[1]}"#, "features").0, Located::Missing);
        assert_eq!(
            records(r#"{"features":null}"#, "features").0,
            Located::NotRecords
        );
        assert!(
            for_each_record(
                "{\"features\":[{\"id\":1}",
                &["features".to_owned()],
                |_| {}
            )
            .is_err()
        );
    }
}
