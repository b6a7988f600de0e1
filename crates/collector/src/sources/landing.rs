//! The landed JSON array, written as records come: a run holds each record it keeps as the
//! bytes that land, not as a parsed tree (ten to thirty times the size of its text), so a
//! run's memory follows the bytes it lands. Also the reading side of the same idea: the
//! records of an array handed over one at a time as they are parsed ([`EachElement`]).

use std::fmt;
use std::ops::Range;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

/// The JSON array that lands, written one record at a time. A record that cannot be written
/// (none can: a parsed record always can) is reported by [`Landing::finish`], and nothing
/// after it is written.
#[derive(Debug)]
pub(crate) struct Landing {
    /// `[` and the records written so far, separated by commas.
    body: Vec<u8>,
    /// Where each record starts in `body`.
    starts: Vec<usize>,
    /// Why a record could not be written.
    failed: Option<serde_json::Error>,
    /// Which `drop` paths removed something from a record written (see
    /// [`super::records::drop_fields`]).
    dropped: u64,
}

impl Default for Landing {
    fn default() -> Self {
        Landing {
            body: b"[".to_vec(),
            starts: Vec::new(),
            failed: None,
            dropped: 0,
        }
    }
}

impl Landing {
    /// Notes which `drop` paths removed something from a record about to be written.
    pub(crate) fn note_dropped(&mut self, removed: u64) {
        self.dropped |= removed;
    }

    /// Which `drop` paths removed something from a record written.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Writes `record` after the others.
    pub(crate) fn push(&mut self, record: &Value) {
        if self.failed.is_some() {
            return;
        }
        let start = self.body.len();
        if !self.starts.is_empty() {
            self.body.push(b',');
        }
        self.starts.push(self.body.len());
        if let Err(err) = serde_json::to_writer(&mut self.body, record) {
            self.body.truncate(start);
            self.starts.pop();
            self.failed = Some(err);
        }
    }

    /// Records written.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// The text of the record at `index`, as it lands.
    pub(crate) fn record(&self, index: usize) -> &[u8] {
        &self.body[self.span(index)]
    }

    /// Where the record at `index` lies in the body.
    fn span(&self, index: usize) -> Range<usize> {
        let end = match self.starts.get(index + 1) {
            Some(next) => next - 1,
            None => self.body.len(),
        };
        self.starts[index]..end
    }

    /// The array that lands, or why a record could not be written.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, serde_json::Error> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        self.body.push(b']');
        Ok(self.body)
    }

    /// The records written, parsed again.
    #[cfg(test)]
    pub(crate) fn records(&self) -> Vec<Value> {
        (0..self.len())
            .filter_map(|index| serde_json::from_slice(self.record(index)).ok())
            .collect()
    }
}

/// Reads a JSON array, handing each element to a closure as soon as it is parsed: only one
/// element is ever held as a tree. Yields the count of elements.
pub(crate) struct EachElement<F>(pub(crate) F);

impl<'de, F: FnMut(Value)> DeserializeSeed<'de> for EachElement<F> {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Value)> Visitor<'de> for EachElement<F> {
    type Value = u64;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut elements: A) -> Result<u64, A::Error> {
        let mut count = 0;
        while let Some(element) = elements.next_element::<Value>()? {
            (self.0)(element);
            count += 1;
        }
        Ok(count)
    }
}

/// Calls `each` with every element of the JSON array `body`, one at a time.
pub(crate) fn for_each_element(
    body: &[u8],
    each: impl FnMut(Value),
) -> Result<u64, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let count = EachElement(each).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn records_land_as_the_array_a_parsed_list_would_write() {
        let records = vec![
            json!({"id": "b", "t": "2026-11-21T10:00:00Z", "nested": {"z": 1, "a": [1.5, null]}}),
            json!({"id": "a", "note": "comma, \"quoted\" ]"}),
            json!(3),
        ];
        let mut landing = Landing::default();
        for record in &records {
            landing.push(record);
        }
        assert_eq!(
            landing.record(1),
            br#"{"id":"a","note":"comma, \"quoted\" ]"}"#
        );
        let body = landing.finish().expect("written");
        assert_eq!(body, serde_json::to_vec(&records).expect("written"));
        assert_eq!(
            Landing::default().finish().expect("written"),
            b"[]",
            "no record"
        );
    }

    #[test]
    fn an_array_is_read_one_element_at_a_time_in_order() {
        let mut seen = Vec::new();
        let count = for_each_element(br#"[{"id": 1}, 2, "three"]"#, |value| seen.push(value))
            .expect("an array");
        assert_eq!(count, 3);
        assert_eq!(seen, vec![json!({"id": 1}), json!(2), json!("three")]);
        let err = for_each_element(br#"{"id": 1}"#, |_| {})
            .err()
            .map(|err| err.to_string())
            .unwrap_or_default();
        assert!(err.contains("expected a sequence"), "{err}");
    }
}
