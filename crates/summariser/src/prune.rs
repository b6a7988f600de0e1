//! Reading a record for its configured fields only: the record's JSON is parsed into a sparse
//! `Value` that holds the key, time, numeric, category, position and version paths and nothing else
//! (other members are skipped without being built; array elements before a wanted index are
//! `null` placeholders so indices keep their meaning). `FieldPath::get` reads it as the full record.

use std::collections::BTreeMap;
use std::fmt;

use releve::{FieldPath, Source};
use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The configured paths of a source, as a tree of segments.
#[derive(Debug, Default)]
pub struct FieldTree {
    children: BTreeMap<String, FieldTree>,
    whole: bool,
}

impl FieldTree {
    /// Every path the summariser reads from `source`'s records.
    pub fn of(source: &Source) -> FieldTree {
        let mut tree = FieldTree::default();
        let positions = source.lon.iter().chain(&source.lat);
        let paths = source
            .key
            .paths()
            .iter()
            .chain([&source.time])
            .chain(&source.numeric)
            .chain(&source.categories)
            .chain(positions)
            .chain(&source.version);
        for path in paths {
            tree.insert(path);
        }
        tree
    }

    fn insert(&mut self, path: &FieldPath) {
        let mut node = self;
        for segment in path.segments() {
            node = node.children.entry(segment.clone()).or_default();
        }
        node.whole = true;
    }

    /// Parses `json` keeping only this tree's paths.
    pub fn parse(&self, json: &str) -> Result<Value, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let value = Prune(self).deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }
}

struct Prune<'t>(&'t FieldTree);

impl<'de> DeserializeSeed<'de> for Prune<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.0.whole {
            Value::deserialize(deserializer)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Prune<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(wanted) = map.next_key_seed(ChildKey(self.0))? {
            match wanted {
                Some((key, child)) => {
                    let value = map.next_value_seed(Prune(child))?;
                    kept.insert(key.clone(), value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let last_wanted = self
            .0
            .children
            .keys()
            .filter_map(|k| releve::record::array_index(k))
            .max();
        let mut kept = Vec::new();
        let mut index = 0usize;
        loop {
            // Past the last index wanted, no element is looked up (nor its index written).
            let wanted = last_wanted
                .filter(|last| index <= *last)
                .and_then(|_| self.0.children.get(&index.to_string()));
            let more = match wanted {
                Some(child) => match seq.next_element_seed(Prune(child))? {
                    Some(value) => {
                        kept.push(value);
                        true
                    }
                    None => false,
                },
                None => {
                    let present = seq.next_element::<IgnoredAny>()?.is_some();
                    if present && last_wanted.is_some_and(|last| index < last) {
                        kept.push(Value::Null);
                    }
                    present
                }
            };
            if !more {
                return Ok(Value::Array(kept));
            }
            index += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// A member name, looked up among the wanted children without allocating.
struct ChildKey<'t>(&'t FieldTree);

impl<'de, 't> DeserializeSeed<'de> for ChildKey<'t> {
    type Value = Option<(&'t String, &'t FieldTree)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'t> Visitor<'_> for ChildKey<'t> {
    type Value = Option<(&'t String, &'t FieldTree)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.children.get_key_value(v))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    #[test]
    fn only_configured_paths_are_kept_and_array_indices_still_match() {
        let text = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1/usgs"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag", "geometry.coordinates.2", "geometry.coordinates.01"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"
"#;
        let source = releve::Config::parse(text, Path::new("t.toml"))
            .expect("config")
            .sources
            .remove(0);
        let record = r#"{"type":"Feature","id":"hv1","properties":{"mag":1.5,"place":"x","time":1755299541200,"types":[1,2]},
            "geometry":{"type":"Point","coordinates":[-155.2,19.3,3.9,7]}}"#;
        let sparse = FieldTree::of(&source).parse(record).expect("valid record");
        assert_eq!(
            sparse,
            json!({"id":"hv1","properties":{"mag":1.5,"time":1_755_299_541_200_i64},"geometry":{"coordinates":[-155.2,19.3,3.9]}})
        );
        let full: Value = serde_json::from_str(record).expect("valid record");
        for path in [
            &source.key.paths()[0],
            &source.time,
            &source.numeric[0],
            &source.numeric[1],
            &source.numeric[2],
        ] {
            assert_eq!(path.get(&sparse), path.get(&full), "{path}");
        }
    }

    /// A source reading one position of an array alone (a USGS depth without its longitude and
    /// latitude) reads it where the full record has it: the positions before it are kept as
    /// placeholders.
    #[test]
    fn an_array_index_wanted_alone_still_matches() {
        let text = r#"
[[source]]
name = "usgs-depth"
kind = "http_json"
url = "http://127.0.0.1/usgs"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["geometry.coordinates.2"]
"#;
        let source = releve::Config::parse(text, Path::new("t.toml"))
            .expect("config")
            .sources
            .remove(0);
        let record = r#"{"id":"hv1","properties":{"time":1755299541200},"geometry":{"coordinates":[-155.2,19.3,3.9,7]}}"#;
        let sparse = FieldTree::of(&source).parse(record).expect("valid record");
        let depth = &source.numeric[0];
        assert_eq!(depth.get(&sparse), Some(&json!(3.9)), "{sparse}");
        assert_eq!(
            sparse["geometry"]["coordinates"],
            json!([null, null, 3.9]),
            "nothing kept past the index wanted"
        );
    }
}
