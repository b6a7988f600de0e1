//! The variables `.env` sets, as dotenv reads them, and what is said of them: a value between
//! curly quotes, a name set twice, a name the environment already holds with another value.

/// The typographic quotes `value` is written between, as dotenv kept them: `“…”` or `‘…’`.
pub(super) fn curly(value: &str) -> Option<&'static str> {
    let value = value.trim();
    let between = |open: &[char], close: &[char]| {
        value.starts_with(open) && value.ends_with(close) && value.chars().count() >= 2
    };
    if between(&['\u{201c}', '\u{201e}'], &['\u{201d}', '\u{201c}']) {
        Some("“…”")
    } else if between(&['\u{2018}', '\u{201a}'], &['\u{2019}', '\u{2018}']) {
        Some("‘…’")
    } else {
        None
    }
}

/// The variables `content` sets, as dotenv reads them, in order (a name set twice twice).
pub(super) fn variables(content: &str) -> Vec<(String, String)> {
    dotenvy::from_read_iter(content.as_bytes())
        .flatten()
        .collect()
}

/// The names `.env` sets that the environment already holds with another value, which hides
/// `.env`'s (its values are never said: they may be secrets).
pub(super) fn hidden_by_environment(set: &[(String, String)]) -> Vec<String> {
    let mut hidden: Vec<String> = set
        .iter()
        .filter(|(name, value)| {
            std::env::var_os(name).is_some_and(|set| set.to_str() != Some(value.as_str()))
        })
        .map(|(name, _)| name.clone())
        .collect();
    hidden.sort();
    hidden.dedup();
    hidden
}

/// The names `.env` sets more than once, as dotenv reads it: the first value is kept, where a
/// shell would keep the last.
pub(super) fn repeated_names(set: &[(String, String)]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut repeated = std::collections::BTreeSet::new();
    for (name, _) in set {
        if !seen.insert(name) {
            repeated.insert(name.clone());
        }
    }
    repeated.into_iter().collect()
}
