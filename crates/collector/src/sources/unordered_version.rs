//! A `version` the summariser cannot order by: it orders versions by numbers, times and text
//! ([`releve::recency::Recency`]), and ranks a boolean (a validation flag served as
//! `true`/`false`), an object or an array there as no version, so the copies of a record
//! holding one are kept by landing, the one landed last winning.

use releve::Source;
use releve::record::cut_example;
use serde_json::Value;

/// What landed records hold at the source's `version` that orders no version.
#[derive(Debug, Clone, PartialEq)]
pub struct UnorderedVersion {
    /// The kinds held, in the order first met: `booleans`, `objects`, `arrays`.
    pub kinds: Vec<&'static str>,
    /// Records holding one of them.
    pub records: u64,
    /// The first one, as served (`true`).
    pub example: String,
}

impl UnorderedVersion {
    /// The kinds held, as a log line says them: `booleans`, `booleans and objects`.
    pub fn found(&self) -> String {
        self.kinds.join(" and ")
    }
}

/// Notes in `noted` the version `record` holds, a record of `source`, when it orders nothing.
pub(super) fn note(noted: &mut Option<UnorderedVersion>, source: &Source, record: &Value) {
    let Some(value) = source.version.as_ref().and_then(|path| path.get(record)) else {
        return;
    };
    let Some(kind) = unordered_kind(value) else {
        return;
    };
    let noted = noted.get_or_insert_with(|| UnorderedVersion {
        kinds: Vec::new(),
        records: 0,
        example: cut_example(&value.to_string()),
    });
    noted.records += 1;
    if !noted.kinds.contains(&kind) {
        noted.kinds.push(kind);
    }
}

/// The kind of `value` when a version holding it ranks as none (a null or empty text is said
/// by the README as a version without the field, and not warned of: an API may leave a new
/// record's version unset).
fn unordered_kind(value: &Value) -> Option<&'static str> {
    match value {
        Value::Bool(_) => Some("booleans"),
        Value::Object(_) => Some("objects"),
        Value::Array(_) => Some("arrays"),
        Value::Null | Value::Number(_) | Value::String(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use releve::recency::Recency;
    use serde_json::json;

    use super::*;

    fn source() -> Source {
        crate::testing::configured(
            "[[source]]\nname = \"air\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/f\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\nversion = \"v\"\n",
        )
    }

    /// Each kind warned of is one the summariser ranks as no version, and each it orders by
    /// is not warned of.
    #[test]
    fn the_kinds_noted_are_those_the_summariser_ranks_as_no_version() {
        let source = source();
        for v in [json!(true), json!(false), json!({"code": "V"}), json!([2])] {
            let record = json!({"id": 1, "t": "2026-12-06T10:00:00Z", "v": v});
            let mut noted = None;
            note(&mut noted, &source, &record);
            assert!(noted.is_some(), "{v}");
            assert!(
                matches!(Recency::of(&source, &record), Recency::Unknown),
                "{v}"
            );
        }
        for v in [json!(3), json!("2026-12-06T10:00:00Z"), json!("V")] {
            let record = json!({"id": 1, "t": "2026-12-06T10:00:00Z", "v": v});
            let mut noted = None;
            note(&mut noted, &source, &record);
            assert_eq!(noted, None, "{v}");
            assert!(
                !matches!(Recency::of(&source, &record), Recency::Unknown),
                "{v}"
            );
        }
    }

    #[test]
    fn kinds_are_named_once_in_the_order_met_with_the_first_example() {
        let source = source();
        let mut noted = None;
        for v in [json!(true), json!(3), json!({"code": "V"}), json!(false)] {
            note(
                &mut noted,
                &source,
                &json!({"id": 1, "t": "2026-12-06T10:00:00Z", "v": v}),
            );
        }
        let noted = noted.expect("noted");
        assert_eq!(
            (noted.found(), noted.records, noted.example.as_str()),
            ("booleans and objects".to_owned(), 3, "true")
        );
    }
}
