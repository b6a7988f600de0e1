//! Signs in an answer that it is one page of more: an `http_json` source makes one request per
//! run, so the records of the other pages are not collected, which nothing else would show
//! (the report reads them as hours without data).

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

/// Members that link to, or name, the next page, or say there is one (lower case, `_` and `-`
/// left out): ArcGIS REST's `exceededTransferLimit` says an answer was cut at the server's
/// cap.
const NEXT: &[&str] = &[
    "next",
    "nextpage",
    "nextpagetoken",
    "nextpageurl",
    "nextlink",
    "nexturl",
    "nextcursor",
    "hasmore",
    "hasnext",
    "hasnextpage",
    "exceededtransferlimit",
];

/// Members that count the records of every page (OGC API Features' `numberMatched`).
const TOTAL: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalitems",
    "totalrecords",
    "totalhits",
    "nhits",
    "numbermatched",
];

/// Opendatasoft's totals beside the member that holds the records (Explore v2.1's
/// `total_count` beside `results`, v1's `nhits` beside `records`): the whole selection's
/// count, over the records of one answer unless its query selects fewer than a page.
const OPENDATASOFT_TOTALS: &[(&str, &str)] = &[("total_count", "results"), ("nhits", "records")];

/// Members that echo how many records one answer holds at most (USGS's `metadata.limit`): an
/// answer holding that many may have been cut there, when it announces no total.
const LIMIT: &[&str] = &["limit", "pagesize", "perpage", "maxresults"];

/// What in an answer tells of records beyond those landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MorePages {
    /// The sign in words: `` `next` = "https://…?page=2" `` or `` `meta.total` = 72 ``.
    pub sign: String,
    /// True when the sign is an Opendatasoft total: the `opendatasoft` and `ods_v1` kinds page
    /// such a dataset by themselves.
    pub opendatasoft: bool,
}

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

/// What an answer tells of its pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Paging {
    /// A sign of records beyond those landed.
    pub more: Option<MorePages>,
    /// The total of every page announced, when not below the records landed (see
    /// [`total_in`]).
    pub announced: Option<u64>,
}

/// What `body` and `headers` tell of records beyond the `records` landed. The body's top-level
/// members are read once (a pass over the whole body), unless it is no object or is itself the
/// one record (`records_at_root`: its members are the record's fields, a `total` or a `next`
/// departure among them); the headers are read whatever the body (json-server's and
/// WordPress's totals come beside a list at the root).
pub(super) fn paging(
    body: &str,
    headers: &reqwest::header::HeaderMap,
    records: u64,
    records_at_root: bool,
) -> Paging {
    // In name order, so that of two signs the same is always said.
    let members: Option<BTreeMap<String, &RawValue>> = (!records_at_root)
        .then(|| serde_json::from_str(body).ok())
        .flatten();
    let members = members.as_ref();
    let announced = members
        .and_then(|members| total_in(members, records))
        .or_else(|| header_total(headers).map(|(_, total)| total))
        .filter(|total| *total >= records);
    Paging {
        more: members
            .and_then(|members| more_pages(members, records))
            .or_else(|| more_pages_in_headers(headers, records))
            .or_else(|| {
                announced
                    .is_none()
                    .then(|| {
                        members
                            .filter(|members| !says_no_page_follows(members))
                            .and_then(|members| filled_to_limit(members, records))
                    })
                    .flatten()
            }),
        announced,
    }
}

/// Whether the answer says no page follows it: a member that would name or flag the next page
/// (`has_more`, `next`, `links.next`) holding `false`, `null` or nothing, at the top level or
/// in a paging group.
fn says_no_page_follows(members: &BTreeMap<String, &RawValue>) -> bool {
    let none = |value: &Value| match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        Value::Number(_) | Value::Bool(true) => false,
    };
    named_member(members, NEXT, |_, value| none(value).then_some(())).is_some()
}

/// An answer holding as many records as the limit it echoes (`metadata.limit` = 20000 beside
/// 20,000 features, as USGS's `query` writes it when asked for a `limit`): its next records,
/// if any, are on the pages after it. Read at the top level and in a paging group.
fn filled_to_limit(members: &BTreeMap<String, &RawValue>, records: u64) -> Option<MorePages> {
    if records == 0 {
        return None;
    }
    named_member(members, LIMIT, |name, value| {
        (value.as_u64() == Some(records)).then(|| MorePages {
            sign: format!(
                "`{name}` = {records}, as many records as it holds: the next ones, if any, are on the pages after it"
            ),
            opendatasoft: false,
        })
    })
}

/// The first of the members named as one of `names` (lower case, `_` and `-` left out), at the
/// top level or in a paging group (`metadata.limit`), for which `found` gives something, given
/// its name as written (`metadata.limit`) and its value.
fn named_member<T>(
    members: &BTreeMap<String, &RawValue>,
    names: &[&str],
    found: impl Fn(&str, &Value) -> Option<T>,
) -> Option<T> {
    members.iter().find_map(|(name, raw)| {
        let named = normalised(name);
        if names.contains(&named.as_str()) {
            return found(name, &serde_json::from_str(raw.get()).ok()?);
        }
        if !(GROUPS.contains(&named.as_str()) && opens(raw, '{')) {
            return None;
        }
        match serde_json::from_str::<Value>(raw.get()).ok()? {
            Value::Object(group) => group.iter().find_map(|(inner, value)| {
                names
                    .contains(&normalised(inner).as_str())
                    .then(|| found(&format!("{name}.{inner}"), value))
                    .flatten()
            }),
            _ => None,
        }
    })
}

/// What the body's top-level `members` tell of records beyond the `records` landed.
fn more_pages(members: &BTreeMap<String, &RawValue>, records: u64) -> Option<MorePages> {
    let mut found = None;
    for (name, value) in members {
        let named = normalised(name);
        if let Some(sign) = sign(name, &named, value.get(), records) {
            let opendatasoft = OPENDATASOFT_TOTALS
                .iter()
                .any(|(total, beside)| name == total && members.contains_key(*beside));
            return Some(MorePages { sign, opendatasoft });
        }
        // A group is an object, or a list of links: a list under another name may be the
        // records themselves (Algolia's `hits`), not worth parsing.
        let group = opens(value, '{') || (named == "links" && opens(value, '['));
        if found.is_none() && GROUPS.contains(&named.as_str()) && group {
            found = match serde_json::from_str::<Value>(value.get()) {
                Ok(Value::Object(group)) => group.iter().find_map(|(inner, value)| {
                    let text = value.to_string();
                    let sign = sign(
                        &format!("{name}.{inner}"),
                        &normalised(inner),
                        &text,
                        records,
                    )?;
                    Some(MorePages {
                        sign,
                        opendatasoft: false,
                    })
                }),
                Ok(Value::Array(links)) => next_link(name, &links),
                _ => None,
            };
        }
    }
    found
}

/// Headers that count the records of every page: json-server's and many APIs'
/// `X-Total-Count`, GitLab's `X-Total`, WordPress's `X-WP-Total`.
const TOTAL_HEADERS: &[&str] = &["x-total-count", "x-total", "x-wp-total"];

/// What the answer's headers tell of records beyond the `records` landed: a `Link` header
/// with `rel="next"` (RFC 8288, as GitHub pages), or a total above them. The link itself is
/// not said: its address may carry the API key.
fn more_pages_in_headers(headers: &reqwest::header::HeaderMap, records: u64) -> Option<MorePages> {
    let next = headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|link| {
            link.split(';').skip(1).any(|param| {
                // RFC 8288 allows spaces around the `=` (`rel = "next"`).
                let Some((name, rel)) = param.split_once('=') else {
                    return false;
                };
                name.trim().eq_ignore_ascii_case("rel")
                    && rel
                        .trim()
                        .trim_matches('"')
                        .split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
    if next {
        return Some(MorePages {
            sign: "a `Link` header with rel=\"next\"".to_owned(),
            opendatasoft: false,
        });
    }
    header_total(headers)
        .filter(|(_, total)| *total > records)
        .map(|(name, total)| MorePages {
            sign: format!("header `{name}` = {total}"),
            opendatasoft: false,
        })
}

/// A total header, with its name.
fn header_total(headers: &reqwest::header::HeaderMap) -> Option<(&str, u64)> {
    TOTAL_HEADERS.iter().find_map(|name| {
        let total: u64 = headers.get(*name)?.to_str().ok()?.trim().parse().ok()?;
        Some((*name, total))
    })
}

/// The total of every page the body's top-level `members` announce, when it is not below the
/// `records` landed: a member, or one in a paging group, named as a total (`total`,
/// `meta.total_count`, `numberMatched`). Recorded as the run's `announced`, so the report's
/// coverage shows the cut the log warns of, against the runs that landed all; a total below
/// the records landed is not taken (it counts something else).
fn total_in(members: &BTreeMap<String, &RawValue>, records: u64) -> Option<u64> {
    let total_of = |named: &str, value: &Value| {
        TOTAL
            .contains(&named)
            .then(|| value.as_u64())
            .flatten()
            .filter(|total| *total >= records)
    };
    let named = members.iter().find_map(|(name, raw)| {
        let named = normalised(name);
        let group = GROUPS.contains(&named.as_str()) && opens(raw, '{');
        if !TOTAL.contains(&named.as_str()) && !group {
            return None;
        }
        match serde_json::from_str::<Value>(raw.get()).ok()? {
            Value::Object(group) if GROUPS.contains(&named.as_str()) => group
                .iter()
                .find_map(|(inner, value)| total_of(&normalised(inner), value)),
            value => total_of(&named, &value),
        }
    });
    // `count` beside a next page is every page's (Hub'Eau, Django REST framework); alone, it
    // may be the answer's own (USGS's `metadata.count`); beside a total named as one, it may
    // be the page's.
    let next_page = members.iter().any(|(name, raw)| {
        NEXT.contains(&normalised(name).as_str())
            && !matches!(raw.get().trim(), "null" | "false" | "\"\"")
    });
    named.or_else(|| {
        members
            .iter()
            .find(|(name, _)| normalised(name) == "count")
            .and_then(|(_, raw)| serde_json::from_str::<Value>(raw.get()).ok()?.as_u64())
            .filter(|total| next_page && *total >= records)
    })
}

/// A link to the next page in an array of links, as OGC API Features and JSON:API-like APIs
/// write them: `"links": [{"rel": "next", "href": "…"}]`.
fn next_link(name: &str, links: &[Value]) -> Option<MorePages> {
    links.iter().find_map(|link| {
        let rel = link.get("rel")?.as_str()?;
        let href = link.get("href")?;
        (rel.eq_ignore_ascii_case("next") && !matches!(href, Value::Null)).then(|| MorePages {
            sign: format!("`{name}` rel next = {}", shortened(&href.to_string())),
            opendatasoft: false,
        })
    })
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

/// Whether `value` opens with `bracket`: an object or a list, told without parsing it.
fn opens(value: &RawValue, bracket: char) -> bool {
    value.get().trim_start().starts_with(bracket)
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

    /// What `body` alone tells of more than `records` records.
    fn more_pages(body: &str, records: u64, records_at_root: bool) -> Option<MorePages> {
        paging(
            body,
            &reqwest::header::HeaderMap::new(),
            records,
            records_at_root,
        )
        .more
    }

    /// The total `body` and `headers` announce above `records`.
    fn announced_total(
        body: &str,
        headers: &reqwest::header::HeaderMap,
        records: u64,
        records_at_root: bool,
    ) -> Option<u64> {
        paging(body, headers, records, records_at_root).announced
    }

    /// The sign `body` gives of more than 10 records.
    fn sign_of(body: &str) -> Option<String> {
        more_pages(body, 10, false).map(|more| more.sign)
    }

    #[test]
    fn an_answer_filled_to_the_limit_it_echoes_may_have_more_pages() {
        let usgs = r#"{"metadata": {"limit": 10, "offset": 1, "count": 10}, "features": []}"#;
        let sign = sign_of(usgs).expect("filled to its limit");
        assert!(sign.starts_with("`metadata.limit` = 10, as many"), "{sign}");
        assert!(sign_of(r#"{"limit": 10, "items": []}"#).is_some());
        assert_eq!(
            more_pages(usgs, 7, false),
            None,
            "fewer records than the limit: the whole answer"
        );
        assert_eq!(
            sign_of(r#"{"meta": {"limit": 10, "total": 10}, "items": []}"#),
            None,
            "a total as many as landed says the answer is whole"
        );
        assert_eq!(more_pages(r#"{"limit": 0, "items": []}"#, 0, false), None);
    }

    #[test]
    fn a_link_to_the_next_page_or_a_larger_total_tells_of_more_pages() {
        let paged =
            r#"{"items": [{"id": 1}], "total": 72, "next": "http://127.0.0.1:9/paged?page=2"}"#;
        let sign = more_pages(paged, 10, false).expect("more pages").sign;
        assert!(
            sign == "`total` = 72" || sign == "`next` = \"http://127.0.0.1:9/paged?page=2\"",
            "{sign}"
        );
        assert_eq!(
            sign_of(r#"{"items": [], "meta": {"total_count": 72}}"#).as_deref(),
            Some("`meta.total_count` = 72")
        );
        assert_eq!(
            sign_of(r#"{"data": [], "links": {"next": "/p/2"}}"#).as_deref(),
            Some("`links.next` = \"/p/2\"")
        );
        assert_eq!(
            sign_of(r#"{"data": [], "nextPageToken": "abc"}"#).as_deref(),
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
            assert_eq!(more_pages(body, 10, false), None, "{body}");
        }
    }

    #[test]
    fn other_common_signs_of_more_pages_are_read() {
        assert_eq!(
            sign_of(r#"{"features": [], "exceededTransferLimit": true}"#).as_deref(),
            Some("`exceededTransferLimit` = true"),
            "ArcGIS REST's cut answer"
        );
        assert_eq!(
            sign_of(r#"{"features": [], "links": [{"rel": "self", "href": "/items"}, {"rel": "next", "href": "/items?offset=10"}]}"#).as_deref(),
            Some("`links` rel next = \"/items?offset=10\""),
        );
        assert_eq!(
            sign_of(r#"{"features": [], "numberMatched": 50, "numberReturned": 10}"#).as_deref(),
            Some("`numberMatched` = 50")
        );
        assert_eq!(
            sign_of(r#"{"results": [], "has_next": true}"#).as_deref(),
            Some("`has_next` = true")
        );
        assert_eq!(
            sign_of(
                r#"{"features": [], "links": [{"rel": "self", "href": "/items"}], "exceededTransferLimit": false}"#
            ),
            None
        );
    }

    #[test]
    fn a_link_header_to_a_next_page_or_a_total_header_tells_of_more_pages() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = reqwest::header::HeaderMap::new();
            for (name, value) in pairs {
                map.append(*name, reqwest::header::HeaderValue::from_static(value));
            }
            map
        };
        let github = headers(&[(
            "link",
            "<https://api.example/items?page=2&key=abc>; rel=\"next\", <https://api.example/items?page=5>; rel=\"last\"",
        )]);
        let sign = more_pages_in_headers(&github, 30).map(|more| more.sign);
        assert_eq!(sign.as_deref(), Some("a `Link` header with rel=\"next\""));
        let last_page = headers(&[(
            "link",
            "<https://api.example/items?page=1>; rel=\"prev first\"",
        )]);
        assert_eq!(more_pages_in_headers(&last_page, 30), None);
        let counted = headers(&[("x-total-count", "72")]);
        assert_eq!(
            more_pages_in_headers(&counted, 10)
                .map(|more| more.sign)
                .as_deref(),
            Some("header `x-total-count` = 72")
        );
        assert_eq!(more_pages_in_headers(&counted, 72), None);
    }

    /// RFC 8288 allows spaces around a link parameter's `=` (`rel = "next"`).
    #[test]
    fn a_link_header_with_spaces_around_rel_tells_of_more_pages() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.append(
            reqwest::header::LINK,
            reqwest::header::HeaderValue::from_static(
                "<https://api.example/items?page=2>; rel = \"next\"",
            ),
        );
        assert!(more_pages_in_headers(&headers, 30).is_some());
    }

    #[test]
    fn a_total_above_the_records_landed_is_announced() {
        let none = reqwest::header::HeaderMap::new();
        let announced = |body: &str| announced_total(body, &none, 10, false);
        assert_eq!(announced(r#"{"items": [], "total": 72}"#), Some(72));
        assert_eq!(
            announced(r#"{"items": [], "meta": {"total_count": 72}}"#),
            Some(72)
        );
        assert_eq!(
            announced(r#"{"items": [], "total": 10}"#),
            Some(10),
            "all landed"
        );
        assert_eq!(
            announced(r#"{"items": [], "total": 3}"#),
            None,
            "a count of something else"
        );
        assert_eq!(
            announced(r#"{"items": [], "next": "/p/2"}"#),
            None,
            "no total"
        );
        assert_eq!(
            announced(r#"{"items": [], "count": 10, "next": "/p/2", "total": 72}"#),
            Some(72),
            "a total named as one, beside a count of the page's"
        );
        assert_eq!(
            announced(r#"{"items": [], "count": 72, "next": "/p/2"}"#),
            Some(72),
            "a count beside a next page, as Hub'Eau's"
        );
        assert_eq!(announced_total(r#"{"total": 72}"#, &none, 1, true), None);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-total-count",
            reqwest::header::HeaderValue::from_static("30"),
        );
        assert_eq!(announced_total("[]", &headers, 10, false), Some(30));
        // json-server and WordPress: a total header beside the list at the root.
        assert_eq!(announced_total("[]", &headers, 10, true), Some(30));
    }

    /// A body that is itself the one record: a `total` or a `next` among its members is one
    /// of its fields (a car park's places, a next departure).
    #[test]
    fn a_body_that_is_the_record_tells_of_no_pages() {
        let car_park = r#"{"id": "capitole", "total": 400, "free": 123, "next": "10:05"}"#;
        assert_eq!(more_pages(car_park, 1, true), None);
    }

    #[test]
    fn an_opendatasoft_total_is_told_apart() {
        let more = more_pages(r#"{"results": [], "total_count": 52000}"#, 100, false);
        assert_eq!(more.map(|more| more.opendatasoft), Some(true));
        let more = more_pages(r#"{"records": [], "nhits": 52000}"#, 10, false);
        assert_eq!(more.map(|more| more.opendatasoft), Some(true));
        let more = more_pages(r#"{"items": [], "total": 72}"#, 10, false);
        assert_eq!(more.map(|more| more.opendatasoft), Some(false));
        // GitHub's `total_count`, a GraphQL `totalCount`: no Opendatasoft answer.
        let more = more_pages(r#"{"items": [], "total_count": 72}"#, 10, false);
        assert_eq!(more.map(|more| more.opendatasoft), Some(false));
        let more = more_pages(r#"{"nodes": [], "totalCount": 72}"#, 10, false);
        assert_eq!(more.map(|more| more.opendatasoft), Some(false));
    }
}
