//! What the configuration reads of an Opendatasoft ODSQL `select` clause: the names of the
//! fields it returns, when it can tell them, so a `select` leaving out a field the source reads
//! is refused when `sources.toml` is read instead of landing records the summariser cannot key.

/// The names of the fields `select` returns, or `None` when it cannot tell: `*`,
/// `include(…)` and `exclude(…)` return fields the portal knows, an expression without `as`
/// gets a name the portal makes up, and a clause it cannot split is the portal's to refuse.
pub(super) fn selected_names(select: &str) -> Option<Vec<String>> {
    items(select)?.into_iter().map(item_name).collect()
}

/// The clause's items: split at commas outside parentheses and quotes.
fn items(select: &str) -> Option<Vec<&str>> {
    let mut items = Vec::new();
    let mut depth = 0_u32;
    let mut quote = None;
    let mut start = 0;
    for (at, c) in select.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.checked_sub(1)?,
            (None, ',') if depth == 0 => {
                items.push(&select[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    if quote.is_some() || depth != 0 {
        return None;
    }
    items.push(&select[start..]);
    Some(items)
}

/// The name of one item's field: its alias, or the field it names.
fn item_name(item: &str) -> Option<String> {
    let words: Vec<&str> = item.split_whitespace().collect();
    match words.as_slice() {
        [field] => field_name(field),
        [.., as_word, alias] if as_word.eq_ignore_ascii_case("as") => field_name(alias),
        _ => None,
    }
}

/// A plain or back-quoted field name; `None` for anything else (`*`, a call, a literal).
fn field_name(word: &str) -> Option<String> {
    if let Some(quoted) = word
        .strip_prefix('`')
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return (!quoted.is_empty()).then(|| quoted.to_owned());
    }
    let mut chars = word.chars();
    let plain = chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_');
    plain.then(|| word.to_owned())
}

#[cfg(test)]
mod tests {
    use super::selected_names;

    fn names(select: &str) -> Option<Vec<String>> {
        selected_names(select)
    }

    #[test]
    fn fields_and_aliases_are_named() {
        assert_eq!(
            names("date_heure, consommation,taux_co2"),
            Some(vec![
                "date_heure".into(),
                "consommation".into(),
                "taux_co2".into()
            ])
        );
        assert_eq!(
            names("heure_utc, round(temperature_en_degre_c, 1) AS temperature, `élément`"),
            Some(vec![
                "heure_utc".into(),
                "temperature".into(),
                "élément".into()
            ])
        );
    }

    #[test]
    fn a_clause_returning_fields_it_does_not_name_is_not_read() {
        for select in [
            "*",
            "date_heure, *",
            "exclude(nature)",
            "include(ech_comm_*), date_heure",
            "consommation * 2",
            "count(*)",
            "a, (b",
            "'a, b",
            "a,",
        ] {
            assert_eq!(names(select), None, "{select}");
        }
    }
}
