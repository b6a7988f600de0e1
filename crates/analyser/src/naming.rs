//! What the report calls a source's fields and their values: labels and units from
//! `sources.toml`, else the fields' paths and the values as stored.

use std::collections::BTreeMap;

use releve::Source;

/// The unit configured for `field` of `source`; an empty one is none.
pub fn unit_of<'a>(source: &'a Source, field: &str) -> Option<&'a str> {
    source
        .units
        .get(field)
        .map(String::as_str)
        .filter(|unit| !unit.is_empty())
}

/// What the report calls `field` of `source`: its configured label, else its path.
pub fn name_of<'a>(source: &'a Source, field: &'a str) -> &'a str {
    source
        .labels
        .get(field)
        .map(String::as_str)
        .filter(|label| !label.trim().is_empty())
        .unwrap_or(field)
}

/// A field's name with its unit, as charts show it: `depth (km)`, or `depth`.
pub fn with_unit(source: &Source, field: &str) -> String {
    let name = name_of(source, field);
    match unit_of(source, field) {
        Some(unit) => format!("{name} ({unit})"),
        None => name.to_owned(),
    }
}

/// A field as the catalogue lists it: its name and unit, and the path it names in the
/// records when a label stands for it (`depth (km) = geometry.coordinates.2`).
pub fn catalogued(source: &Source, field: &str) -> String {
    let shown = with_unit(source, field);
    if name_of(source, field) == field {
        shown
    } else {
        format!("{shown} = {field}")
    }
}

/// What the report calls `value` of the category `field`: `overcast (3)` when `sources.toml`
/// labels it, the value kept beside its label as MongoDB's documents hold it; else the value.
/// A value cut in the summaries (past [`releve::record::CATEGORY_CHARS`]) keeps the label
/// written for it whole.
pub fn value_named(source: &Source, field: &str, value: &str) -> String {
    let label = source
        .value_labels
        .get(field)
        .and_then(|labels| label_of(labels, value))
        .filter(|label| !label.trim().is_empty());
    match label {
        // A blank value reads as the bars write it.
        Some(label) if value.trim().is_empty() => format!("{label} (empty)"),
        Some(label) => format!("{label} ({value})"),
        None => value.to_owned(),
    }
}

/// The label `labels` give `value`, written for it or, for a value cut in the summaries, for
/// its whole text.
fn label_of<'a>(labels: &'a BTreeMap<String, String>, value: &str) -> Option<&'a String> {
    if let Some(label) = labels.get(value) {
        return Some(label);
    }
    if !value.ends_with('…') {
        return None;
    }
    labels
        .iter()
        .find(|(whole, _)| releve::record::cut_category(whole) == value)
        .map(|(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(extra: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"geometry.coordinates.2\", \"mag\"]\ncategories = [\"code\", \"kind\"]\n{extra}"
        );
        let config = releve::Config::parse(&text, std::path::Path::new("sources.toml"))
            .expect("configuration");
        config.sources[0].clone()
    }

    #[test]
    fn a_labelled_blank_value_reads_as_empty() {
        let s = source("value_labels = { code = { \"\" = \"not given\" } }\n");
        assert_eq!(value_named(&s, "code", ""), "not given (empty)");
    }

    #[test]
    fn labels_name_fields_and_values_and_the_catalogue_keeps_the_paths() {
        let s = source(
            "units = { \"geometry.coordinates.2\" = \"km\" }\nlabels = { \"geometry.coordinates.2\" = \"depth\", code = \" \" }\nvalue_labels = { code = { \"3\" = \"overcast\", \"4\" = \"\" } }\n",
        );
        assert_eq!(with_unit(&s, "geometry.coordinates.2"), "depth (km)");
        assert_eq!(
            catalogued(&s, "geometry.coordinates.2"),
            "depth (km) = geometry.coordinates.2"
        );
        assert_eq!(catalogued(&s, "mag"), "mag", "no label, no unit");
        assert_eq!(name_of(&s, "code"), "code", "a blank label is none");
        assert_eq!(value_named(&s, "code", "3"), "overcast (3)");
        assert_eq!(value_named(&s, "code", "4"), "4", "an empty label is none");
        assert_eq!(value_named(&s, "code", "5"), "5");
        assert_eq!(value_named(&s, "kind", "3"), "3", "another field's values");
    }

    #[test]
    fn a_long_value_cut_in_the_summaries_keeps_its_label() {
        let long = "a very long category value ".repeat(10);
        let s = source(&format!(
            "value_labels = {{ code = {{ \"{long}\" = \"long one\" }} }}\n"
        ));
        let cut = releve::record::cut_category(&long);
        assert_ne!(cut, long, "the value is cut in the summaries");
        assert_eq!(value_named(&s, "code", &cut), format!("long one ({cut})"));
        assert_eq!(value_named(&s, "code", &long), format!("long one ({long})"));
    }
}
