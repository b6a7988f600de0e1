//! The part of ODSQL the Explore v2.1 double reads, and applies like the portal:
//! - `where`: conditions `<field> <op> <literal>` joined by `AND` and grouped by parentheses;
//!   `op` is one of `=`, `!=`, `>`, `>=`, `<`, `<=`; a literal is `'text'`, `"text"`, a number
//!   or `date'<ISO 8601>'`. A record without the field matches no condition on it.
//! - `refine`: `facet:value`, the record's value equal to `value` (a date by its day, month or
//!   year prefix, `2026-01`).
//! - `select`: `*` or fields, each optionally renamed (`field as name`).
//! - `order_by`: `field [asc|desc], ...`. Without it the portal promises no order, so the double
//!   serves a fixed order of its own that is not the dataset's.
//!
//! Anything else (`OR`, `NOT`, functions, `group_by`, ...) is answered as a malformed query: a
//! real portal reads more, but the collector sends nothing else, and a test must not pass on a
//! clause the double ignored.

use std::cmp::Ordering;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::http::query_param;

/// A selection read from the request's parameters.
pub(super) struct Selection {
    conditions: Vec<Condition>,
    refine: Vec<(String, String)>,
    /// `(field, name)` pairs; `None` selects every field.
    fields: Option<Vec<(String, String)>>,
    /// `(field, descending)` pairs.
    order: Vec<(String, bool)>,
}

struct Condition {
    field: String,
    op: Op,
    literal: Literal,
}

#[derive(Clone, Copy)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

enum Literal {
    Text(String),
    Number(f64),
    Date(DateTime<Utc>),
}

impl Selection {
    /// Reads `where`, `refine`, `select` and `order_by`; `Err` holds what the portal's
    /// `ODSQLError` message says after "ODSQL query is malformed: ".
    pub(super) fn read(params: &[(String, String)]) -> Result<Selection, String> {
        let conditions = match query_param(params, "where") {
            Some(clause) => conditions(&clause)?,
            None => Vec::new(),
        };
        let refine = params
            .iter()
            .filter(|(name, _)| name == "refine")
            .map(|(_, value)| {
                value
                    .split_once(':')
                    .map(|(facet, v)| (facet.to_owned(), v.to_owned()))
                    .ok_or_else(|| format!("refine `{value}` is not `facet:value`"))
            })
            .collect::<Result<_, _>>()?;
        let fields = match query_param(params, "select") {
            Some(select) if select.trim() != "*" => Some(selected(&select)?),
            _ => None,
        };
        let order = match query_param(params, "order_by") {
            Some(order_by) => ordering(&order_by)?,
            None => Vec::new(),
        };
        Ok(Selection {
            conditions,
            refine,
            fields,
            order,
        })
    }

    /// The records selected, in order, with the selected fields.
    pub(super) fn apply(&self, records: &[Value]) -> Vec<Value> {
        let mut chosen: Vec<(usize, &Value)> = records
            .iter()
            .enumerate()
            .filter(|(_, record)| self.conditions.iter().all(|c| c.holds(record)))
            .filter(|(_, record)| {
                self.refine
                    .iter()
                    .all(|(facet, value)| refined(record.get(facet), value))
            })
            .collect();
        if self.order.is_empty() {
            chosen.sort_by_key(|(at, _)| scrambled(*at));
        } else {
            chosen.sort_by(|(_, a), (_, b)| {
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
        chosen
            .into_iter()
            .map(|(_, record)| match &self.fields {
                None => record.clone(),
                Some(fields) => {
                    let mut projected = Map::new();
                    for (field, name) in fields {
                        let value = record.get(field).cloned().unwrap_or(Value::Null);
                        projected.insert(name.clone(), value);
                    }
                    Value::Object(projected)
                }
            })
            .collect()
    }
}

/// A fixed order that is not the dataset's: by a hash of each record's place in it.
fn scrambled(at: usize) -> u64 {
    let mut hasher = DefaultHasher::new();
    at.hash(&mut hasher);
    hasher.finish()
}

impl Condition {
    fn holds(&self, record: &Value) -> bool {
        let Some(value) = record.get(&self.field).filter(|v| !v.is_null()) else {
            return false;
        };
        let order = match &self.literal {
            Literal::Date(bound) => instant(value).map(|at| at.cmp(bound)),
            Literal::Number(bound) => number(value).and_then(|n| n.partial_cmp(bound)),
            Literal::Text(bound) => value.as_str().map(|text| text.cmp(bound.as_str())),
        };
        order.is_some_and(|order| match self.op {
            Op::Eq => order.is_eq(),
            Op::Ne => order.is_ne(),
            Op::Gt => order.is_gt(),
            Op::Ge => order.is_ge(),
            Op::Lt => order.is_lt(),
            Op::Le => order.is_le(),
        })
    }
}

fn refined(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(text)) => {
            text == wanted
                || instant(&Value::String(text.clone())).is_some_and(|at| {
                    !wanted.is_empty() && at.format("%Y-%m-%d").to_string().starts_with(wanted)
                })
        }
        Some(Value::Number(n)) => n.to_string() == wanted,
        Some(Value::Bool(b)) => b.to_string() == wanted,
        _ => false,
    }
}

fn instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Numbers by value, times by instant, other text by its characters; a missing value last.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
                return x.total_cmp(&y);
            }
            if let (Some(x), Some(y)) = (instant(a), instant(b)) {
                return x.cmp(&y);
            }
            a.to_string().cmp(&b.to_string())
        }
    }
}

fn selected(select: &str) -> Result<Vec<(String, String)>, String> {
    select
        .split(',')
        .map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            match words.as_slice() {
                [field] if is_field(field) => Ok(((*field).to_owned(), (*field).to_owned())),
                [field, as_word, name]
                    if as_word.eq_ignore_ascii_case("as") && is_field(field) && is_field(name) =>
                {
                    Ok(((*field).to_owned(), (*name).to_owned()))
                }
                _ => Err(format!("the double reads no select item `{}`", item.trim())),
            }
        })
        .collect()
}

fn ordering(order_by: &str) -> Result<Vec<(String, bool)>, String> {
    order_by
        .split(',')
        .map(|item| {
            let words: Vec<&str> = item.split_whitespace().collect();
            match words.as_slice() {
                [field] if is_field(field) => Ok(((*field).to_owned(), false)),
                [field, direction] if is_field(field) => {
                    match direction.to_ascii_lowercase().as_str() {
                        "asc" => Ok(((*field).to_owned(), false)),
                        "desc" => Ok(((*field).to_owned(), true)),
                        _ => Err(format!("unexpected `{direction}` in order_by")),
                    }
                }
                _ => Err(format!(
                    "the double reads no order_by item `{}`",
                    item.trim()
                )),
            }
        })
        .collect()
}

fn is_field(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Op(&'static str),
    Text(String),
    Date(String),
}

fn tokens(clause: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = clause.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '\'' | '"' => tokens.push(Token::Text(quoted(&mut chars, c)?)),
            '=' => tokens.push(Token::Op("=")),
            '!' | '>' | '<' => {
                let equals = chars.next_if(|(_, next)| *next == '=').is_some();
                tokens.push(Token::Op(match (c, equals) {
                    ('!', true) => "!=",
                    ('>', true) => ">=",
                    ('>', false) => ">",
                    ('<', true) => "<=",
                    ('<', false) => "<",
                    _ => return Err(format!("unexpected `!` at {at}")),
                }));
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' => {
                let mut word = String::from(c);
                while let Some((_, next)) =
                    chars.next_if(|(_, n)| n.is_alphanumeric() || matches!(n, '_' | '.' | '-'))
                {
                    word.push(next);
                }
                if word.eq_ignore_ascii_case("date")
                    && chars.next_if(|(_, next)| *next == '\'').is_some()
                {
                    tokens.push(Token::Date(quoted(&mut chars, '\'')?));
                } else {
                    tokens.push(Token::Word(word));
                }
            }
            other => return Err(format!("unexpected `{other}` at {at}")),
        }
    }
    Ok(tokens)
}

fn quoted(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    quote: char,
) -> Result<String, String> {
    let mut text = String::new();
    for (_, c) in chars.by_ref() {
        if c == quote {
            return Ok(text);
        }
        text.push(c);
    }
    Err(format!("missing closing {quote}"))
}

/// `where`: conditions joined by `AND`, parentheses grouping them.
fn conditions(clause: &str) -> Result<Vec<Condition>, String> {
    let tokens = tokens(clause)?;
    let mut at = 0;
    let mut found = Vec::new();
    conjunction(&tokens, &mut at, &mut found)?;
    match tokens.get(at) {
        None => Ok(found),
        Some(token) => Err(format!("unexpected {token:?}")),
    }
}

fn conjunction(tokens: &[Token], at: &mut usize, found: &mut Vec<Condition>) -> Result<(), String> {
    loop {
        if tokens.get(*at) == Some(&Token::Open) {
            *at += 1;
            conjunction(tokens, at, found)?;
            if tokens.get(*at) != Some(&Token::Close) {
                return Err("missing closing parenthesis".to_owned());
            }
            *at += 1;
        } else {
            found.push(condition(tokens, at)?);
        }
        match tokens.get(*at) {
            Some(Token::Word(word)) if word.eq_ignore_ascii_case("and") => *at += 1,
            Some(Token::Word(word)) => {
                return Err(format!("the double reads no `{word}`, only AND"));
            }
            _ => return Ok(()),
        }
    }
}

fn condition(tokens: &[Token], at: &mut usize) -> Result<Condition, String> {
    let (Some(Token::Word(field)), Some(Token::Op(op)), Some(literal)) =
        (tokens.get(*at), tokens.get(*at + 1), tokens.get(*at + 2))
    else {
        return Err(format!(
            "expected `<field> <operator> <literal>` at token {}",
            *at + 1
        ));
    };
    if !is_field(field) {
        return Err(format!("`{field}` is not a field"));
    }
    let literal = match literal {
        Token::Text(text) => Literal::Text(text.clone()),
        Token::Date(text) => Literal::Date(
            instant(&Value::String(text.clone()))
                .ok_or_else(|| format!("invalid date '{text}'"))?,
        ),
        Token::Word(word) => Literal::Number(
            word.parse()
                .map_err(|_| format!("`{word}` is neither a number nor a quoted text"))?,
        ),
        other => return Err(format!("unexpected {other:?} after `{field} {op}`")),
    };
    let op = match *op {
        "=" => Op::Eq,
        "!=" => Op::Ne,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        "<" => Op::Lt,
        _ => Op::Le,
    };
    *at += 3;
    Ok(Condition {
        field: field.clone(),
        op,
        literal,
    })
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
        Ok(Selection::read(&params(pairs))?.apply(&dataset()))
    }

    #[test]
    fn conditions_refinements_fields_and_order_apply_like_the_portal() {
        let got = chosen(&[
            (
                "where",
                "(p = 'France') AND t >= date'2026-01-01T00:00:00Z'",
            ),
            ("select", "t, n as value"),
            ("order_by", "n desc"),
        ])
        .expect("read");
        assert_eq!(
            got,
            vec![
                json!({"t": "2026-01-01T00:00:00+00:00", "value": 3}),
                json!({"t": "2026-01-02T00:00:00+00:00", "value": 2}),
            ]
        );
        let got = chosen(&[("refine", "t:2026-01-02")]).expect("read");
        assert_eq!(got.len(), 1);
        let got = chosen(&[("where", "s > 1000"), ("refine", "p:France")]).expect("read");
        assert_eq!(got.len(), 1, "a number given as text compares as a number");
        let got = chosen(&[
            ("where", "t < date'2026-01-01T00:30:00Z'"),
            ("order_by", "t"),
        ])
        .expect("read");
        assert_eq!(got.len(), 2, "times compare as instants, offsets read");
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
            ("where", "p = 'France' OR n > 1"),
            ("where", "(p = 'France'"),
            ("where", "p = 'France"),
            ("where", "t > date'yesterday'"),
            ("select", "count(*)"),
            ("order_by", "n sideways"),
            ("refine", "France"),
        ] {
            assert!(chosen(&[(name, value)]).is_err(), "{name}={value}");
        }
    }
}
