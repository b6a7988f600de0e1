//! What USGS serves beside a window's `features`: its `type`, its `metadata` and its `bbox`, the
//! box holding the events (`[min lon, min lat, min depth, max lon, max lat, max depth]`), before
//! or after the events. A window asked in parts lands the first part's `type` and `metadata` (its
//! `count` the events landed) before the events and the union of the parts' boxes after them, as
//! USGS writes a window's; a part whose events come without a readable box leaves the union
//! unknown, and the landed file without `bbox` (never a box that leaves events out).

use std::ops::Range;

use serde_json::{Map, Value};

/// The members beside one part's records.
#[derive(serde::Deserialize)]
pub(super) struct Beside {
    #[serde(rename = "type")]
    kind: Option<Value>,
    metadata: Option<Map<String, Value>>,
    bbox: Option<Value>,
}

impl Beside {
    /// The members beside the records of `text`, read from the text around their `span` (their
    /// array left empty), not over every record again.
    pub(super) fn read(text: &str, span: Option<Range<usize>>) -> Option<Beside> {
        let around = span.and_then(|span| Some([text.get(..span.start)?, text.get(span.end..)?]));
        match around {
            Some([before, after]) => serde_json::from_str(&format!("{before}{after}")).ok(),
            None => serde_json::from_str(text).ok(),
        }
    }

    /// The box served beside the part's events, if any.
    pub(super) fn bbox(&self) -> Option<&Value> {
        self.bbox.as_ref()
    }

    /// The members written before the records, each followed by a comma, `metadata.count` set
    /// to `count`.
    pub(super) fn written(&self, count: usize) -> String {
        let mut written = String::new();
        if let Some(kind) = &self.kind {
            written.push_str(&format!("\"type\":{kind},"));
        }
        if let Some(metadata) = &self.metadata {
            let mut metadata = metadata.clone();
            if metadata.contains_key("count") {
                metadata.insert("count".to_owned(), Value::from(count));
            }
            written.push_str(&format!("\"metadata\":{},", Value::Object(metadata)));
        }
        written
    }
}

/// The box holding the events of the parts answered so far.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Bbox {
    /// No part served events yet.
    NoEvents,
    /// The union of the boxes served beside the parts' events: the first half of its numbers
    /// the least of each, the second half the greatest, each as served.
    Union(Vec<Value>),
    /// A part served events without a box, or with one unreadable or of another length.
    Unknown,
}

impl Bbox {
    /// The box holding these events and those of a part whose box is `served`.
    pub(super) fn with(self, served: Option<&Value>) -> Bbox {
        let Some(served) = served.and_then(numbers) else {
            return Bbox::Unknown;
        };
        match self {
            Bbox::NoEvents => Bbox::Union(served),
            Bbox::Union(held) => union(held, served).map_or(Bbox::Unknown, Bbox::Union),
            Bbox::Unknown => Bbox::Unknown,
        }
    }

    /// The member written after the records (`,"bbox":[…]`), nothing when the box is unknown
    /// or no part served events.
    pub(super) fn written(&self) -> String {
        match self {
            Bbox::Union(numbers) => format!(",\"bbox\":{}", Value::Array(numbers.clone())),
            Bbox::NoEvents | Bbox::Unknown => String::new(),
        }
    }
}

/// The numbers of a box: an even count, at least four.
fn numbers(bbox: &Value) -> Option<Vec<Value>> {
    let numbers = bbox.as_array()?;
    let shaped = numbers.len() >= 4 && numbers.len() % 2 == 0;
    (shaped && numbers.iter().all(Value::is_number)).then(|| numbers.clone())
}

/// The box holding both `held` and `served`, of the same length.
fn union(held: Vec<Value>, served: Vec<Value>) -> Option<Vec<Value>> {
    if held.len() != served.len() {
        return None;
    }
    let half = held.len() / 2;
    held.into_iter()
        .zip(served)
        .enumerate()
        .map(|(at, (held, served))| {
            let (kept, new) = (held.as_f64()?, served.as_f64()?);
            let wider = if at < half { new < kept } else { new > kept };
            Some(if wider { served } else { held })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each bound is the widest of the parts', as served; a part without a box, or with one of
    /// another length, leaves the union unknown and unwritten.
    #[test]
    fn the_box_of_parts_is_the_union_of_theirs() {
        let first = json!([-120.0, 35.0, 0.5, -118.0, 35.9, 49.5]);
        let second = json!([-118.0, 34.5, 1.5, -115.5, 35.2, 40]);
        let union = Bbox::NoEvents.with(Some(&first)).with(Some(&second));
        assert_eq!(
            union.written(),
            r#","bbox":[-120.0,34.5,0.5,-115.5,35.9,49.5]"#
        );
        assert_eq!(union.clone().with(None), Bbox::Unknown);
        assert_eq!(union.with(Some(&json!([0, 0, 1, 1]))), Bbox::Unknown);
        assert_eq!(Bbox::NoEvents.written(), "");
    }
}
