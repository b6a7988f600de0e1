//! The part of ODSQL the Explore v2.1 double reads, and applies like the portal:
//! - `where`: see [`super::where_clause`];
//! - `refine`: `facet:value`, the record's value equal to `value`, a time also by its day,
//!   month or year (`2026-01-02`, `2026-01`, `2026`);
//! - `select`: `*` or fields, each optionally renamed (`field as name`);
//! - `order_by`: `name [asc|desc], ...`, a name being a field or a `select` alias. Without it
//!   the portal promises no order, so the double serves a fixed order of its own that is not
//!   the dataset's.
//!
//! A field the dataset does not hold is refused in each of them (the dataset's fields are the
//! keys of its records; an empty dataset knows none and refuses none). Anything else
//! (functions, `group_by`, ...) is answered as a malformed query: a real portal reads more, but
//! the collector sends nothing else, and a test must not pass on a clause the double ignored.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Map, Value};

use super::where_clause::{self, Clause, compare, instant};
use crate::http::query_param;

/// A selection read from the request's parameters.
pub(super) struct Selection {
    /// The `where` clause, if any.
    filter: Option<Clause>,
    refine: Vec<(String, String)>,
    /// `(field, name)` pairs; `None` selects every field.
    fields: Option<Vec<(String, String)>>,
    /// `(field, descending)` pairs, aliases resolved.
    order: Vec<(String, bool)>,
}

/// The fields of a dataset, to refuse the others.
pub(super) struct Schema(BTreeSet<String>);

impl Schema {
    /// The keys of `records`.
    pub(super) fn of(records: &[Value]) -> Schema {
        Schema(
            records
                .iter()
                .filter_map(Value::as_object)
                .flat_map(|record| record.keys().cloned())
                .collect(),
        )
    }

    /// `Err` names a field the dataset does not hold.
    fn check(&self, field: &str) -> Result<(), String> {
        if self.0.is_empty() || self.0.contains(field) {
            Ok(())
        } else {
            Err(format!("unknown field `{field}`"))
        }
    }
}

impl Selection {
    /// Reads `where`, `refine`, `select` and `order_by`; `Err` holds what the portal's
    /// `ODSQLError` message says after "ODSQL query is malformed: ".
    pub(super) fn read(params: &[(String, String)], schema: &Schema) -> Result<Selection, String> {
        let filter = match query_param(params, "where") {
            Some(clause) => Some(where_clause::clause(&clause)?),
            None => None,
        };
        for field in filter.iter().flat_map(Clause::fields) {
            schema.check(field)?;
        }
        let mut refine = Vec::new();
        for (_, value) in params.iter().filter(|(name, _)| name == "refine") {
            let (facet, wanted) = value
                .split_once(':')
                .ok_or_else(|| format!("refine `{value}` is not `facet:value`"))?;
            schema.check(facet)?;
            refine.push((facet.to_owned(), wanted.to_owned()));
        }
        let fields = match query_param(params, "select") {
            Some(select) if select.trim() != "*" => Some(selected(&select, schema)?),
            _ => None,
        };
        let order = match query_param(params, "order_by") {
            Some(order_by) => ordering(&order_by, fields.as_deref(), schema)?,
            None => Vec::new(),
        };
        Ok(Selection {
            filter,
            refine,
            fields,
            order,
        })
    }

    /// How many records of `records` (in the order the double serves them without
    /// `order_by`: see [`served_order`]) are selected, and those of them from position `skip`
    /// on, at most `take`, in order, with the selected fields.
    pub(super) fn apply(&self, records: &[Value], skip: usize, take: usize) -> (usize, Vec<Value>) {
        let mut chosen: Vec<&Value> = records
            .iter()
            .filter(|record| self.filter.as_ref().is_none_or(|c| c.holds(record)))
            .filter(|record| {
                self.refine
                    .iter()
                    .all(|(facet, value)| refined(record.get(facet), value))
            })
            .collect();
        if !self.order.is_empty() {
            chosen.sort_by(|a, b| {
                self.order
                    .iter()
                    .map(|(field, descending)| {
                        let order = compare(a.get(field), b.get(field));
                        if *descending { order.reverse() } else { order }
                    })
                    .find(|order| order.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
        }
        let window = chosen
            .iter()
            .skip(skip)
            .take(take)
            .map(|record| self.project(record))
            .collect();
        (chosen.len(), window)
    }

    /// `record` with the selected fields.
    fn project(&self, record: &Value) -> Value {
        let Some(fields) = &self.fields else {
            return record.clone();
        };
        let mut projected = Map::new();
        for (field, name) in fields {
            let value = record.get(field).cloned().unwrap_or(Value::Null);
            projected.insert(name.clone(), value);
        }
        Value::Object(projected)
    }
}

/// `records` in the order the double serves them without `order_by`: a fixed order that is
/// not the dataset's, by a hash of each record's place in it. Done once, when the double is
/// made, so that serving costs no more than the portal's answer.
pub(super) fn served_order(records: Vec<Value>) -> Vec<Value> {
    let mut keyed: Vec<(u64, Value)> = records
        .into_iter()
        .enumerate()
        .map(|(at, record)| {
            let mut hasher = DefaultHasher::new();
            at.hash(&mut hasher);
            (hasher.finish(), record)
        })
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, record)| record).collect()
}

/// True when a record's facet value is `wanted`: the same text or number, or a time in the
/// year, month or day `wanted` writes as `2026`, `2026-01` or `2026-01-02`.
fn refined(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(text)) if text == wanted => true,
        Some(value @ Value::String(_)) => {
            let period = ["%Y", "%Y-%m", "%Y-%m-%d"]
                .into_iter()
                .find(|format| is_period(wanted, format));
            match (period, instant(value)) {
                (Some(format), Some(at)) => at.format(format).to_string() == wanted,
                _ => false,
            }
        }
        Some(Value::Number(n)) => n.to_string() == wanted,
        Some(Value::Bool(b)) => b.to_string() == wanted,
        _ => false,
    }
}

/// True when `text` is a year, month or day written as `format` says, digits padded.
fn is_period(text: &str, format: &str) -> bool {
    let digits = match format {
        "%Y" => [4].as_slice(),
        "%Y-%m" => &[4, 2],
        _ => &[4, 2, 2],
    };
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == digits.len()
        && parts
            .iter()
            .zip(digits)
            .all(|(part, n)| part.len() == *n && part.bytes().all(|b| b.is_ascii_digit()))
}

/// `select`'s `(field, name)` pairs.
fn selected(select: &str, schema: &Schema) -> Result<Vec<(String, String)>, String> {
    select
        .split(',')
        .map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            let (field, name) = match words.as_slice() {
                [field] => (field_name(field)?, field_name(field)?),
                [field, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
                    (field_name(field)?, field_name(name)?)
                }
                _ => return Err(format!("the double reads no select item `{}`", item.trim())),
            };
            schema.check(field)?;
            Ok((field.to_owned(), name.to_owned()))
        })
        .collect()
}

/// `order_by`'s `(field, descending)` pairs, a `select` alias read as its field.
fn ordering(
    order_by: &str,
    fields: Option<&[(String, String)]>,
    schema: &Schema,
) -> Result<Vec<(String, bool)>, String> {
    order_by
        .split(',')
        .map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            let (name, descending) = match words.as_slice() {
                [name] => (field_name(name)?, false),
                [name, direction] => match direction.to_ascii_lowercase().as_str() {
                    "asc" => (field_name(name)?, false),
                    "desc" => (field_name(name)?, true),
                    _ => return Err(format!("unexpected `{direction}` in order_by")),
                },
                _ => {
                    return Err(format!(
                        "the double reads no order_by item `{}`",
                        item.trim()
                    ));
                }
            };
            let aliased = fields
                .into_iter()
                .flatten()
                .find(|(field, alias)| alias == name && field != name);
            let field = match aliased {
                Some((field, _)) => field.clone(),
                None => {
                    schema.check(name)?;
                    name.to_owned()
                }
            };
            Ok((field, descending))
        })
        .collect()
}

/// Words ODSQL reserves, which name a field only in back-quotes. The portal's own list is
/// longer and unpublished in `api-notes.md`; these are the clause words and literals its
/// documentation shows, enough to refuse the mistake a client makes with a field named `date`.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "like", "is", "null", "true", "false", "date", "geom", "as", "asc",
    "desc", "by", "select", "where", "group", "order", "limit", "offset",
];

/// The field a word of a clause names: a plain name (letters, digits and `_`, not starting
/// with a digit, not a keyword), or any name in back-quotes, as ODSQL writes a field whose
/// name is a keyword or only digits.
pub(super) fn field_name(word: &str) -> Result<&str, String> {
    if let Some(quoted) = word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        return match quoted.is_empty() || quoted.contains('`') {
            true => Err(format!("`{word}` is not a field")),
            false => Ok(quoted),
        };
    }
    let mut chars = word.chars();
    let plain = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_');
    if !plain {
        return Err(format!("`{word}` is not a field"));
    }
    match KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word)) {
        true => Err(format!(
            "`{word}` is a keyword: write the field `{word}` in back-quotes"
        )),
        false => Ok(word),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn dataset() -> Vec<Value> {
        vec![
            json!({"t": "2026-01-01T00:00:00+00:00", "p": "France", "n": 3, "s": "1586"}),
            json!({"t": "2026-01-01T01:00:00+01:00", "p": "Occitanie", "n": 1, "s": "ND"}),
            json!({"t": "2026-01-02T00:00:00+00:00", "p": "France", "n": 2, "s": null}),
        ]
    }

    fn chosen(pairs: &[(&str, &str)]) -> Result<Vec<Value>, String> {
        let records = served_order(dataset());
        let selection = Selection::read(&params(pairs), &Schema::of(&records))?;
        Ok(selection.apply(&records, 0, usize::MAX).1)
    }

    #[test]
    fn conditions_refinements_fields_and_order_apply_like_the_portal() {
        let got = chosen(&[
            (
                "where",
                "(p = 'France') AND t >= date'2026-01-01T00:00:00Z'",
            ),
            ("select", "t, n as value"),
            ("order_by", "value desc"),
        ])
        .expect("read");
        assert_eq!(
            got,
            vec![
                json!({"t": "2026-01-01T00:00:00+00:00", "value": 3}),
                json!({"t": "2026-01-02T00:00:00+00:00", "value": 2}),
            ]
        );
        assert_eq!(
            chosen(&[("refine", "t:2026-01-02")]).expect("read").len(),
            1
        );
        assert_eq!(chosen(&[("refine", "t:2026-01")]).expect("read").len(), 3);
        assert_eq!(chosen(&[("refine", "t:2026-1")]).expect("read").len(), 0);
        let got = chosen(&[
            ("where", "t < date'2026-01-01T00:30:00Z'"),
            ("order_by", "t"),
        ])
        .expect("read");
        assert_eq!(got.len(), 2, "times compare as instants, offsets read");
        let got = chosen(&[("where", "t < '2026-01-01T00:30:00Z'")]).expect("read");
        assert_eq!(got.len(), 2, "so does a time written as text");
    }

    #[test]
    fn a_value_of_another_type_than_the_literal_meets_no_condition() {
        assert_eq!(chosen(&[("where", "s > 1000")]).expect("read").len(), 0);
        assert_eq!(chosen(&[("where", "n = '3'")]).expect("read").len(), 0);
        assert_eq!(chosen(&[("where", "s = '1586'")]).expect("read").len(), 1);
    }

    #[test]
    fn or_joins_conditions_and_binds_looser_than_and() {
        let count = |clause: &str| chosen(&[("where", clause)]).expect(clause).len();
        assert_eq!(count("p = 'Occitanie' or n = 3"), 2);
        assert_eq!(count("p = 'Occitanie' OR p = 'France' AND n > 2"), 2);
        assert_eq!(count("(p = 'Occitanie' OR p = 'France') AND n > 2"), 1);
        assert_eq!(count("n = 1 or (n = 2 or n = 3) and p = 'France'"), 3);
    }

    #[test]
    fn without_order_by_the_order_is_not_the_datasets() {
        let got = chosen(&[]).expect("read");
        assert_eq!(got.len(), 3);
        assert_ne!(got, dataset());
    }

    #[test]
    fn what_the_double_cannot_read_is_refused() {
        for (name, value) in [
            ("where", "p = France"),
            ("where", "NOT p = 'France'"),
            ("where", "p = 'France' OR"),
            ("where", "p = 'France' or perimetre = 'France'"),
            ("where", "(p = 'France'"),
            ("where", "p = 'France"),
            ("where", "t > date'yesterday'"),
            ("where", "perimetre = 'France'"),
            ("select", "count(*)"),
            ("select", "t, perimetre"),
            ("order_by", "n sideways"),
            ("order_by", "perimetre"),
            ("refine", "France"),
            ("refine", "perimetre:France"),
            ("where", "date > date'2026-01-01T00:00:00Z'"),
            ("order_by", "date desc"),
            ("order_by", "``"),
        ] {
            assert!(chosen(&[(name, value)]).is_err(), "{name}={value}");
        }
    }

    #[test]
    fn a_field_named_like_a_keyword_is_read_in_back_quotes() {
        let mut records = dataset();
        for record in &mut records {
            record["date"] = record["t"].take();
        }
        let records = served_order(records);
        let pairs = params(&[
            ("where", "`date` >= date'2026-01-01T00:00:00Z'"),
            ("order_by", "`date` desc, `n` desc"),
            ("select", "`date`, `n` as `value`"),
        ]);
        let selection = Selection::read(&pairs, &Schema::of(&records)).expect("read");
        assert_eq!(
            selection.apply(&records, 0, usize::MAX).1,
            vec![
                json!({"date": "2026-01-02T00:00:00+00:00", "value": 2}),
                json!({"date": "2026-01-01T00:00:00+00:00", "value": 3}),
                json!({"date": "2026-01-01T01:00:00+01:00", "value": 1}),
            ]
        );
    }
}
