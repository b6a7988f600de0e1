//! Which `drop` paths written in a source's table removed nothing from any record of a run
//! while the records hold a field named alike (`contact` for the API's `contacts`): misspelt,
//! most likely, the field they were meant to remove landing as served. A path no record holds
//! and no name is alike is an optional field absent from that run's records (France Travail
//! offers relayed without `contact`), not told: it would be, at every quiet run.

use std::collections::{BTreeMap, HashSet};

use releve::record::{FieldPath, array_index};
use serde_json::Value;

/// The most names noted beside one path: a record's members, a few dozen in a sound answer.
const NAMES_BESIDE: usize = 256;

/// What the records tell of each `drop` path that has not removed anything yet.
#[derive(Debug, Default)]
pub(crate) struct DropCheck {
    /// Per path of the `drop` (by index), by step, the names records held where they lacked
    /// that step, the first of the path they lacked.
    beside: Vec<BTreeMap<usize, HashSet<String>>>,
}

impl DropCheck {
    /// A check of `dropped`, the `drop` paths in order.
    pub(crate) fn new(dropped: &[FieldPath]) -> Self {
        DropCheck {
            beside: vec![BTreeMap::new(); dropped.len()],
        }
    }

    /// Notes the names `record` holds where it lacks a path of `dropped` that has not removed
    /// anything yet (its bit unset in `removed`).
    pub(crate) fn note(&mut self, dropped: &[FieldPath], removed: u64, record: &Value) {
        for (index, (path, beside)) in dropped.iter().zip(&mut self.beside).enumerate() {
            if removed_something(removed, index) {
                continue;
            }
            note_names_beside(record, path, beside);
        }
    }

    /// The paths of `dropped` that removed nothing (`removed`, all records together), each
    /// told with the name alike the records hold (`` `contact` (records hold `contacts`) ``).
    pub(crate) fn misspelt(&self, dropped: &[FieldPath], removed: u64) -> Vec<String> {
        removed_nothing(dropped, removed)
            .into_iter()
            .filter_map(|index| {
                let path = &dropped[index];
                let held = alike_held(path, self.beside.get(index)?)?;
                Some(format!("`{path}` (records hold `{held}`)"))
            })
            .collect()
    }
}

/// The most items of an array looked into for one path: their members are alike.
const ITEMS_LOOKED_INTO: usize = 16;

/// Notes the names `record` holds at the first step of `path` it lacks, through arrays as
/// [`FieldPath::remove`] goes (each item, or the one a numeric step names).
fn note_names_beside(
    record: &Value,
    path: &FieldPath,
    beside: &mut BTreeMap<usize, HashSet<String>>,
) {
    note_from(record, path.segments(), 0, beside);
}

fn note_from(
    value: &Value,
    segments: &[String],
    step: usize,
    beside: &mut BTreeMap<usize, HashSet<String>>,
) {
    let Some(segment) = segments.get(step) else {
        return;
    };
    match value {
        Value::Object(members) => match members.get(segment) {
            Some(inner) => note_from(inner, segments, step + 1, beside),
            None => {
                let names = beside.entry(step).or_default();
                for name in members.keys() {
                    if names.len() >= NAMES_BESIDE {
                        break;
                    }
                    // Looked up first: most names are seen again, and need no copy.
                    if !names.contains(name.as_str()) {
                        names.insert(name.clone());
                    }
                }
            }
        },
        Value::Array(items) => match array_index(segment) {
            Some(index) => {
                if let Some(item) = items.get(index) {
                    note_from(item, segments, step + 1, beside);
                }
            }
            None => {
                for item in items.iter().take(ITEMS_LOOKED_INTO) {
                    note_from(item, segments, step, beside);
                }
            }
        },
        _ => {}
    }
}

/// The path a record holds whose name at the step `path` lacked is alike that step's, the
/// nearest first (`lieuTravail.codepostal` → `lieuTravail.codePostal`).
fn alike_held(path: &FieldPath, beside: &BTreeMap<usize, HashSet<String>>) -> Option<String> {
    let segments = path.segments();
    beside
        .iter()
        .filter_map(|(step, names)| {
            let written = segments.get(*step)?;
            names
                .iter()
                .filter_map(|name| distance(written, name).map(|d| (d, name)))
                .min()
                .map(|(d, name)| (d, *step, name))
        })
        .min()
        .map(|(_, step, name)| {
            let mut held = segments[..step].to_vec();
            held.push(name.clone());
            held.join(".")
        })
}

/// How far `held` is from `written` when the two are alike: the same but for case, `_` or
/// `-` (0), one edit apart for a name of four letters or more, two for one of eight or more
/// (`name` and `time` are two apart, and no misspelling of each other); `None` otherwise.
fn distance(written: &str, held: &str) -> Option<usize> {
    if written == held {
        return None;
    }
    let plain = |name: &str| -> String {
        name.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (written, held) = (plain(written), plain(held));
    let edits = strsim::osa_distance(&written, &held);
    let letters = written.chars().count();
    let allowed = match letters {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    (edits <= allowed).then_some(edits)
}

/// Whether the `drop` path of `index` removed something, of `removed`'s bits (one a path, the
/// first 64).
fn removed_something(removed: u64, index: usize) -> bool {
    index < 64 && removed & (1 << index) != 0
}

/// The indices of the `dropped` paths that no record had removed, of `removed`, the bits
/// [`super::records::drop_fields`] returned, all records together. An array's item is told
/// apart (see `Hints::items_not_dropped`).
fn removed_nothing(dropped: &[FieldPath], removed: u64) -> Vec<usize> {
    // A path within another dropped path (`contact.courriel` beside `contact`) finds nothing
    // left to remove.
    let within_another = |path: &FieldPath| {
        dropped.iter().any(|other| {
            path.as_str()
                .strip_prefix(other.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
        })
    };
    dropped
        .iter()
        .enumerate()
        .filter(|(index, _)| *index < 64 && !removed_something(removed, *index))
        .filter(|(_, path)| !within_another(path))
        .filter(|(_, path)| {
            path.segments()
                .last()
                .is_none_or(|last| array_index(last).is_none())
        })
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_alike_are_those_a_typo_or_a_case_apart() {
        assert_eq!(distance("contact", "contacts"), Some(1));
        assert_eq!(distance("codepostal", "codePostal"), Some(0));
        assert_eq!(distance("code_postal", "codePostal"), Some(0));
        assert_eq!(distance("lieuTravial", "lieuTravail"), Some(1));
        assert_eq!(distance("contact", "agence"), None);
        assert_eq!(distance("id", "ip"), None, "short names are told apart");
        assert_eq!(distance("name", "time"), None);
        assert_eq!(distance("phone", "photo"), None);
        assert_eq!(distance("couriel", "courriel"), Some(1));
        assert_eq!(distance("codePostl", "codePostal"), Some(1));
        assert_eq!(distance("dateCreaton", "dateCreation"), Some(1));
        assert_eq!(distance("contact", "contact"), None);
    }
}
