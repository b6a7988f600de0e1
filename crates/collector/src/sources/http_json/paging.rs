//! Signs in an answer that it is one page of more: an `http_json` source makes one request per
//! run, so the records of the other pages are not collected, which nothing else would show
//! (the report reads them as hours without data).

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

/// Members that link to, or name, the next page (lower case, `_` and `-` left out).
const NEXT: &[&str] = &[
    "next",
    "nextpage",
    "nextpagetoken",
    "nextpageurl",
    "nextlink",
    "nexturl",
    "nextcursor",
    "hasmore",
    "hasnextpage",
];

/// Members that count the records of every page.
const TOTAL: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalitems",
    "totalrecords",
    "totalhits",
    "nhits",
];

/// Members grouping paging details, looked into for the members above.
const GROUPS: &[&str] = &[
    "links",
    "meta",
    "metadata",
    "pagination",
    "paging",
    "pageinfo",
    "hits",
];

/// What in `body` tells of records beyond the `records` landed, in words: `` `next` =
/// "https://…?page=2" `` or `` `meta.total` = 72 ``; `None` when nothing does, or `body` is
/// no object.
pub(super) fn more_pages(body: &str, records: u64) -> Option<String> {
    // In name order, so that of two signs the same is always said.
    let members: BTreeMap<String, &RawValue> = serde_json::from_str(body).ok()?;
    let mut found = None;
    for (name, value) in &members {
        let named = normalised(name);
        if let Some(sign) = sign(name, &named, value.get(), records) {
            return Some(sign);
        }
        if found.is_none() && GROUPS.contains(&named.as_str()) {
            let Ok(Value::Object(group)) = serde_json::from_str::<Value>(value.get()) else {
                continue;
            };
            found = group.iter().find_map(|(inner, value)| {
                let text = value.to_string();
                sign(
                    &format!("{name}.{inner}"),
                    &normalised(inner),
                    &text,
                    records,
                )
            });
        }
    }
    found
}

/// The sign a member `name` (`named` normalised) holding `value` gives, if any: a next page
/// named (not null, false or empty), or a total over the `records` landed.
fn sign(name: &str, named: &str, value: &str, records: u64) -> Option<String> {
    if NEXT.contains(&named) {
        let more = !matches!(value.trim(), "null" | "false" | "\"\"" | "{}" | "[]");
        return more.then(|| format!("`{name}` = {}", shortened(value.trim())));
    }
    if TOTAL.contains(&named) {
        let total: u64 = value.trim().parse().ok()?;
        return (total > records).then(|| format!("`{name}` = {total}"));
    }
    None
}

fn normalised(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A value as a log line shows it: at most 80 characters.
fn shortened(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_the_next_page_or_a_larger_total_tells_of_more_pages() {
        let paged =
            r#"{"items": [{"id": 1}], "total": 72, "next": "http://127.0.0.1:9/paged?page=2"}"#;
        let sign = more_pages(paged, 10).expect("more pages");
        assert!(
            sign == "`total` = 72" || sign == "`next` = \"http://127.0.0.1:9/paged?page=2\"",
            "{sign}"
        );
        assert_eq!(
            more_pages(r#"{"items": [], "meta": {"total_count": 72}}"#, 10).as_deref(),
            Some("`meta.total_count` = 72")
        );
        assert_eq!(
            more_pages(r#"{"data": [], "links": {"next": "/p/2"}}"#, 10).as_deref(),
            Some("`links.next` = \"/p/2\"")
        );
        assert_eq!(
            more_pages(r#"{"data": [], "nextPageToken": "abc"}"#, 10).as_deref(),
            Some("`nextPageToken` = \"abc\"")
        );
    }

    #[test]
    fn a_last_page_or_a_total_landed_tells_of_none() {
        for body in [
            r#"{"items": [], "total": 10, "next": null}"#,
            r#"{"items": [], "links": {"next": ""}, "has_more": false}"#,
            r#"{"items": [], "total": 12.5}"#,
            r#"[{"id": 1}]"#,
            r#"{"features": [], "metadata": {"count": 3}}"#,
        ] {
            assert_eq!(more_pages(body, 10), None, "{body}");
        }
    }
}
