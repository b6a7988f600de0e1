//! What an answer holds where the `records` path stops, said when the path is not in it.

use releve::FieldPath;
use releve::record::cut_example;
use serde_json::Value;

const NAMES_SAID: usize = 10;

/// What the answer holds where the `records` path stops: ` (its top level holds `type`,
/// `metadata`, `features`; did you mean `features`?)`, or at an array of objects holding the
/// path's next name (Open-Meteo asked for several places) how to reach one item's; empty when
/// it stops at no object.
pub(super) fn what_is_there(body: &Value, path: &FieldPath) -> String {
    let mut at = body;
    let mut walked: Vec<&str> = Vec::new();
    let place = |walked: &[&str]| {
        if walked.is_empty() {
            "its top level".to_owned()
        } else {
            format!("`{}`", shown(&walked.join(".")))
        }
    };
    for (depth, segment) in path.segments().iter().enumerate() {
        if let Value::Array(items) = at {
            match segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(item) => {
                    at = item;
                    walked.push(segment);
                    continue;
                }
                None => {
                    return in_each_item(
                        &place(&walked),
                        items,
                        &walked,
                        &path.segments()[depth..],
                    );
                }
            }
        }
        let Value::Object(members) = at else {
            return String::new();
        };
        match members.get(segment) {
            Some(next) => {
                at = next;
                walked.push(segment);
            }
            None => {
                let names: Vec<&str> = members.keys().map(String::as_str).collect();
                let place = place(&walked);
                let mut said: Vec<String> = names
                    .iter()
                    .take(NAMES_SAID)
                    .map(|name| format!("`{}`", shown(name)))
                    .collect();
                if names.len() > NAMES_SAID {
                    said.push(format!("and {} more", names.len() - NAMES_SAID));
                }
                let near = releve::config::closest(segment, &names)
                    .map(|near| {
                        let mut fixed = walked.clone();
                        fixed.push(near);
                        format!("; did you mean `{}`?", shown(&fixed.join(".")))
                    })
                    .unwrap_or_default();
                return if names.is_empty() {
                    format!(" ({place} is an empty object)")
                } else {
                    format!(" ({place} holds {}{near})", said.join(", "))
                };
            }
        }
    }
    String::new()
}

/// A name or path of the answer as a message shows it: the API's text on one line, no terminal
/// codes, cut as an example is.
fn shown(name: &str) -> String {
    cut_example(&releve::logging::one_line(name))
}

/// What [`what_is_there`] says of the array `items` at `place` where the path goes on with
/// `rest`, a name: its items, and when they hold that name, the path to the first one's
/// (one source per item: an API asked for several places answers one item each).
fn in_each_item(place: &str, items: &[Value], walked: &[&str], rest: &[String]) -> String {
    let held = |item: &Value| item.get(&rest[0]).is_some();
    if items.is_empty() || !items.iter().all(held) {
        return format!(" ({place} is an array of {} items)", items.len());
    }
    let path = |index: usize| {
        let index = index.to_string();
        let segments: Vec<&str> = walked
            .iter()
            .copied()
            .chain(std::iter::once(index.as_str()))
            .chain(rest.iter().map(String::as_str))
            .collect();
        shown(&segments.join("."))
    };
    let last = match items.len() {
        1 => String::new(),
        n => format!(" … `{}` the last's", path(n - 1)),
    };
    format!(
        " ({place} is an array of {} items, each holding `{}`: `{}` reads the first's{last}, one source each, as an API asked for several places answers one item per place)",
        items.len(),
        shown(&rest[0]),
        path(0),
    )
}
