//! The `where` clauses the Explore v2.1 double reads: conditions `<field> <op> <literal>` joined
//! by `AND` and `OR` (in any case, `AND` binding tighter, as in SQL and ODSQL) and grouped by
//! parentheses; `op` is one of `=`, `!=`, `>`, `>=`, `<`, `<=`; a field is a plain name or
//! any name in back-quotes (see [`super::odsql::field_name`]); a literal is `'text'`,
//! `"text"`, a number or `date'<ISO 8601>'`. Anything else (`NOT`, functions, escapes) is
//! refused, never guessed.

use std::cmp::Ordering;
use std::iter::Peekable;
use std::str::CharIndices;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

/// A `where` clause read.
pub(super) enum Clause {
    /// One condition.
    Condition(Condition),
    /// Clauses joined by `AND`: all must hold.
    All(Vec<Clause>),
    /// Clauses joined by `OR`: one must hold.
    Any(Vec<Clause>),
}

impl Clause {
    /// True when `record` meets the clause.
    pub(super) fn holds(&self, record: &Value) -> bool {
        match self {
            Clause::Condition(condition) => condition.holds(record),
            Clause::All(clauses) => clauses.iter().all(|clause| clause.holds(record)),
            Clause::Any(clauses) => clauses.iter().any(|clause| clause.holds(record)),
        }
    }

    /// The dataset fields the clause compares.
    pub(super) fn fields(&self) -> Vec<&str> {
        match self {
            Clause::Condition(condition) => vec![condition.field.as_str()],
            Clause::All(clauses) | Clause::Any(clauses) => {
                clauses.iter().flat_map(Clause::fields).collect()
            }
        }
    }
}

/// One condition on a record's field.
pub(super) struct Condition {
    /// The dataset field compared.
    field: String,
    op: Op,
    literal: Literal,
}

/// A comparison operator.
#[derive(Clone, Copy)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// What a field is compared with.
enum Literal {
    Text(String),
    Number(f64),
    Date(DateTime<Utc>),
}

impl Condition {
    /// True when `record` meets the condition. A missing or null value meets none, and a
    /// value of another type than the literal (text against a number) meets none either:
    /// whether the portal converts is not known, so the double does not.
    pub(super) fn holds(&self, record: &Value) -> bool {
        let Some(value) = record.get(&self.field).filter(|v| !v.is_null()) else {
            return false;
        };
        let order = match (&self.literal, value) {
            (Literal::Date(bound), value) => instant(value).map(|at| at.cmp(bound)),
            (Literal::Number(bound), Value::Number(n)) => {
                n.as_f64().and_then(|n| n.partial_cmp(bound))
            }
            (Literal::Text(bound), Value::String(text)) => Some(
                match (instant(value), instant(&Value::from(bound.as_str()))) {
                    (Some(at), Some(bound)) => at.cmp(&bound),
                    _ => text.as_str().cmp(bound.as_str()),
                },
            ),
            _ => None,
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

/// A time written as RFC 3339 (any offset) or as a day.
pub(super) fn instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// A lexical unit of a `where` clause.
#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Op(&'static str),
    Text(String),
    Date(String),
}

/// The clause's tokens, or what could not be read.
fn tokens(clause: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = clause.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '\'' | '"' => tokens.push(Token::Text(quoted(&mut chars, c)?)),
            '`' => tokens.push(Token::Word(format!("`{}`", quoted(&mut chars, c)?))),
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
            c if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') => {
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

/// The text up to the closing `quote`, which is consumed.
fn quoted(chars: &mut Peekable<CharIndices<'_>>, quote: char) -> Result<String, String> {
    let mut text = String::new();
    for (_, c) in chars.by_ref() {
        if c == quote {
            return Ok(text);
        }
        text.push(c);
    }
    Err(format!("missing closing {quote}"))
}

/// A `where` clause read.
pub(super) fn clause(text: &str) -> Result<Clause, String> {
    let tokens = tokens(text)?;
    let mut at = 0;
    let read = disjunction(&tokens, &mut at)?;
    match tokens.get(at) {
        None => Ok(read),
        Some(token) => Err(format!("unexpected {token:?}")),
    }
}

/// Whether `token` is the keyword `keyword`, in any case.
fn is_keyword(token: Option<&Token>, keyword: &str) -> bool {
    matches!(token, Some(Token::Word(word)) if word.eq_ignore_ascii_case(keyword))
}

/// Conjunctions joined by `OR`, from token `at` on.
fn disjunction(tokens: &[Token], at: &mut usize) -> Result<Clause, String> {
    let mut either = vec![conjunction(tokens, at)?];
    while is_keyword(tokens.get(*at), "or") {
        *at += 1;
        either.push(conjunction(tokens, at)?);
    }
    Ok(match either.len() {
        1 => either.remove(0),
        _ => Clause::Any(either),
    })
}

/// Conditions and parenthesised clauses joined by `AND`, from token `at` on, up to an `OR`,
/// a closing parenthesis or the end.
fn conjunction(tokens: &[Token], at: &mut usize) -> Result<Clause, String> {
    let mut all = Vec::new();
    loop {
        if tokens.get(*at) == Some(&Token::Open) {
            *at += 1;
            all.push(disjunction(tokens, at)?);
            if tokens.get(*at) != Some(&Token::Close) {
                return Err("missing closing parenthesis".to_owned());
            }
            *at += 1;
        } else {
            all.push(Clause::Condition(condition(tokens, at)?));
        }
        match tokens.get(*at) {
            token if is_keyword(token, "and") => *at += 1,
            token if is_keyword(token, "or") => break,
            Some(Token::Word(word)) => {
                return Err(format!("the double reads no `{word}`, only AND and OR"));
            }
            _ => break,
        }
    }
    Ok(match all.len() {
        1 => all.remove(0),
        _ => Clause::All(all),
    })
}

/// `<field> <op> <literal>` at token `at`.
fn condition(tokens: &[Token], at: &mut usize) -> Result<Condition, String> {
    let (Some(Token::Word(field)), Some(Token::Op(op)), Some(literal)) =
        (tokens.get(*at), tokens.get(*at + 1), tokens.get(*at + 2))
    else {
        return Err(format!(
            "expected `<field> <operator> <literal>` at token {}",
            *at + 1
        ));
    };
    let field = super::odsql::field_name(field)?;
    let literal = match literal {
        Token::Text(text) => Literal::Text(text.clone()),
        Token::Date(text) => Literal::Date(
            instant(&Value::from(text.as_str())).ok_or_else(|| format!("invalid date '{text}'"))?,
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
        field: field.to_owned(),
        op,
        literal,
    })
}

/// How two values of a field sort: numbers by value, times by instant, other text by its
/// characters; a missing value last.
pub(super) fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
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
