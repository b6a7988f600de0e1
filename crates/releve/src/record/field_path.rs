//! A configured dotted path (`properties.mag`, `geometry.coordinates.0`, or JSONPath's
//! `$.properties.mag`) and how it finds, and removes, a value in a JSON record.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// A dotted path into a JSON record, as written in `sources.toml` (`properties.mag`,
/// `geometry.coordinates.0`). A numeric segment indexes an array; the empty path is the
/// value itself.
#[derive(Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct FieldPath {
    text: String,
    segments: Vec<String>,
}

impl FieldPath {
    /// The path that designates the value itself.
    pub fn root() -> Self {
        FieldPath {
            text: String::new(),
            segments: Vec::new(),
        }
    }

    /// The path to the top-level field `name`.
    pub fn field(name: &str) -> Self {
        FieldPath {
            text: name.to_owned(),
            segments: vec![name.to_owned()],
        }
    }

    /// The path as the user wrote it; this is also the name used in MongoDB documents.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for the empty path.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The value at this path, if every segment exists.
    pub fn get<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        descend(&self.segments, value)
    }

    /// The path's segments, for streaming readers that descend into a document.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The value at this path, mutably, if every segment exists.
    pub fn get_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        descend_mut(&self.segments, value)
    }

    /// Removes the object field at this path from `value` wherever it is, as `drop` does; true
    /// when one was there. An array on the way is indexed by a numeric segment, as by
    /// [`FieldPath::get`]; otherwise the rest of the path is followed in each of its items
    /// (`formations.commentaire` leaves no item of `formations` holding a `commentaire`). The
    /// root and array items are never removed.
    pub fn remove(&self, value: &mut Value) -> bool {
        remove_within(&self.segments, value)
    }

    /// True when `value` holds a member named by some of this path's segments joined with
    /// their dots, at the level they would be read at (`{"pm2.5": 1}` for `pm2.5`,
    /// `{"a": {"b.c": 1}}` for `a.b.c`): a name holding a dot, which no path can name, as
    /// the path reads it as steps (`5` inside `pm2`).
    pub fn names_a_dotted_member(&self, value: &Value) -> bool {
        named_whole(value, &self.segments)
    }

    /// True when this path names an item of an array in `value` (`geometry.coordinates.2`),
    /// which [`FieldPath::remove`] never removes.
    pub fn names_item(&self, value: &Value) -> bool {
        let Some((last, parents)) = self.segments.split_last() else {
            return false;
        };
        array_index(last).is_some() && descend(parents, value).is_some_and(Value::is_array)
    }

    /// True when removing this path (see [`FieldPath::remove`]) would remove what `other`
    /// reads: it is `other` or leads to a field holding it, or reaches it through every item
    /// of an array `other` indexes (`formations.niveau` reaches `formations.0.niveau`).
    pub fn reaches(&self, other: &FieldPath) -> bool {
        let mut read = other.segments.iter();
        self.segments.iter().all(|dropped| {
            loop {
                match read.next() {
                    Some(segment) if segment == dropped => break true,
                    Some(segment)
                        if array_index(segment).is_some() && array_index(dropped).is_none() => {}
                    _ => break false,
                }
            }
        })
    }
}

fn remove_within(segments: &[String], value: &mut Value) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return false;
    };
    match value {
        Value::Object(map) if rest.is_empty() => map.remove(first).is_some(),
        Value::Object(map) => map
            .get_mut(first)
            .is_some_and(|inner| remove_within(rest, inner)),
        Value::Array(items) => match array_index(first) {
            Some(_) if rest.is_empty() => false,
            Some(i) => items
                .get_mut(i)
                .is_some_and(|inner| remove_within(rest, inner)),
            None => items.iter_mut().fold(false, |removed, item| {
                remove_within(segments, item) | removed
            }),
        },
        _ => false,
    }
}

/// The array index a path segment names: a whole number written plainly (`0`, `12`), so each
/// index has one spelling; `01` or `+1` index nothing (they can name object fields).
pub fn array_index(segment: &str) -> Option<usize> {
    let plain = segment.bytes().all(|b| b.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if plain { segment.parse().ok() } else { None }
}

fn descend<'v>(segments: &[String], value: &'v Value) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => array_index(segment).and_then(|i| items.get(i)),
            _ => None,
        })
}

fn descend_mut<'v>(segments: &[String], value: &'v mut Value) -> Option<&'v mut Value> {
    segments
        .iter()
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get_mut(segment),
            Value::Array(items) => array_index(segment).and_then(|i| items.get_mut(i)),
            _ => None,
        })
}

impl TryFrom<String> for FieldPath {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        if text.is_empty() {
            return Ok(FieldPath::root());
        }
        if let Some(dotted) = from_json_path(&text) {
            return Err(format!(
                "`{text}` is JSONPath, not a dotted path: write {dotted} (a numeric segment indexes an array; an array's records need no `[*]`)"
            ));
        }
        let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
        // A blank pasted with a name from a web page (a tab, a non-breaking space) is invisible,
        // and no API names a field with it. A plain space may end a name as served (a CSV's
        // header): a name no record holds is said when the source is collected.
        let pasted = |c: char| c.is_whitespace() && c != ' ';
        let blank_edge =
            |segment: &String| segment.starts_with(pasted) || segment.ends_with(pasted);
        if segments.iter().any(blank_edge) {
            return Err(format!(
                "`{}` has a tab or a non-breaking space at the start or end of a name (pasted with it?): remove it",
                text.escape_debug()
            ));
        }
        if segments.iter().any(String::is_empty) {
            return Err(format!(
                "`{text}` is not a field path: segments are separated by single dots"
            ));
        }
        Ok(FieldPath { text, segments })
    }
}

/// The dotted path a JSONPath (`$.features`, `features[*]`, `geometry.coordinates[0]`,
/// `['a b']`) means, when `text` is written as one: it starts with `$`, or holds a bracketed
/// index, `*` or quoted name. `None` for a dotted path (a field named `[x]` stays one).
fn from_json_path(text: &str) -> Option<String> {
    // `$oid`, `$date`: a member of MongoDB's extended JSON, not a JSONPath root.
    let rooted = text == "$" || text.starts_with("$.") || text.starts_with("$[");
    let bracketed = text.match_indices('[').any(|(at, _)| {
        let inside = text[at + 1..].split(']').next().unwrap_or_default();
        text[at + 1..].contains(']')
            && (inside == "*"
                || (!inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()))
                || (inside.len() >= 2
                    && (inside.starts_with('\'') && inside.ends_with('\'')
                        || inside.starts_with('"') && inside.ends_with('"'))))
    });
    if !rooted && !bracketed {
        return None;
    }
    let mut dotted = text.trim_start_matches('$').to_owned();
    for wildcard in ["[*]", ".*"] {
        dotted = dotted.replace(wildcard, "");
    }
    let dotted = dotted
        .replace("['", ".")
        .replace("[\"", ".")
        .replace("']", "")
        .replace("\"]", "")
        .replace('[', ".")
        .replace(']', "");
    // Only a spelling that means the same: no recursive descent, wildcard within the path,
    // filter, or quoted name holding a dot.
    let trimmed = dotted.trim_matches('.');
    let quoted_dot = ["['", "[\""].iter().any(|open| {
        text.split(open).skip(1).any(|rest| {
            rest.split([']', '\'', '"'])
                .next()
                .is_some_and(|name| name.contains('.'))
        })
    });
    let exact = !text.contains("..")
        && !quoted_dot
        && !text.trim_end_matches("[*]").contains('*')
        && !trimmed.contains(['*', '?', '(', '@'])
        && !trimmed.contains("..");
    let spelling = match trimmed {
        // The whole body or record: what `records` takes; a field (`lon`, `version`) is a path.
        "" => {
            "`\"\"` where the whole body is meant (`records`), or a field's dotted path".to_owned()
        }
        dotted if exact => format!("`{dotted}`"),
        _ => "the fields' names joined by dots".to_owned(),
    };
    Some(spelling)
}

impl std::str::FromStr for FieldPath {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FieldPath::try_from(text.to_owned())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldPath({:?})", self.text)
    }
}

/// Whether `value` holds a member named by some of `segments` joined with their dots, at the
/// level they would be read at.
fn named_whole(value: &Value, segments: &[String]) -> bool {
    let Value::Object(members) = value else {
        return false;
    };
    (2..=segments.len()).any(|n| members.contains_key(&segments[..n].join(".")))
        || segments
            .first()
            .and_then(|first| members.get(first))
            .is_some_and(|inner| named_whole(inner, &segments[1..]))
}
