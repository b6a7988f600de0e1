//! What the configuration reads of an Opendatasoft ODSQL `select` clause: the names of the
//! fields it returns, when it can tell them, so a `select` leaving out a field the source reads
//! is refused when `sources.toml` is read instead of landing records the summariser cannot key.

/// A field `select` returns.
#[derive(Debug, PartialEq)]
pub(super) struct Selected {
    /// Its name in the records.
    pub(super) name: String,
    /// True when the name is an alias of another field or of an expression, which `where` and
    /// `order_by` do not know.
    pub(super) renamed: bool,
}

/// The fields `select` returns, or `None` when it cannot tell: `*`, `include(…)` and
/// `exclude(…)` return fields the portal knows, an expression without `as` gets a name the
/// portal makes up, and a clause it cannot split is the portal's to refuse.
pub(super) fn selected_names(select: &str) -> Option<Vec<Selected>> {
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

/// One item's field: its alias, or the field it names.
fn item_name(item: &str) -> Option<Selected> {
    let words: Vec<&str> = item.split_whitespace().collect();
    match words.as_slice() {
        [field] => Some(Selected {
            name: field_name(field)?,
            renamed: false,
        }),
        [expression @ .., as_word, alias] if as_word.eq_ignore_ascii_case("as") => {
            let name = field_name(alias)?;
            let renamed = match expression {
                [field] => field_name(field).is_none_or(|field| field != name),
                _ => true,
            };
            Some(Selected { name, renamed })
        }
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
        selected_names(select).map(|fields| fields.into_iter().map(|f| f.name).collect())
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
    fn an_alias_is_told_from_a_field_selected_under_its_own_name() {
        let renamed: Vec<bool> = selected_names("heure_utc, t AS t, heure_utc as h, round(x) as x")
            .expect("read")
            .into_iter()
            .map(|field| field.renamed)
            .collect();
        assert_eq!(renamed, [false, false, true, true]);
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
