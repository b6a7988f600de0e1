//! The API's own error message read out of a refused answer: its JSON fields, the fields it
//! refused, or the heading of an HTML page, on one line.

use serde_json::Value;

/// The API's own error message from a refused answer's body: the usual JSON fields
/// (`message`, `error`, `reason`, `error_description`, with `error_code` in front when given),
/// else the start of the body as text.
pub fn api_message(body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        // A blank text says nothing (Hub'Eau's `"message": ""` beside its `code`).
        let text = |key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        // `detail` and `title`: an RFC 9457 problem (`application/problem+json`).
        let message = [
            "message",
            "error_description",
            "detail",
            "error",
            "reason",
            "title",
        ]
        .iter()
        .find_map(|key| text(key));
        // OAuth2 answers `error` (a code) beside `error_description` (its words).
        let oauth_code = text("error_description").and_then(|_| text("error"));
        let code = text("error_code")
            .or_else(|| text("codeErreur"))
            .or(oauth_code)
            .or_else(|| text("code"));
        let message = match (message, fields_refused(&map)) {
            (Some(message), Some(fields)) => Some(format!("{message} ({fields})")),
            (message, fields) => message.or(fields),
        };
        match (code, message) {
            (Some(code), Some(message)) => return shorten(&format!("{code}: {message}")),
            (None, Some(text)) => return shorten(&text),
            // A code alone says less than the body it came in (whose message may be an object).
            (Some(_), None) | (None, None) => {}
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A proxy's or a maintenance page: its title says it, its markup would not.
    if text.starts_with('<') {
        let lower = text.to_ascii_lowercase();
        let page = if is_html(&lower) {
            "an HTML page"
        } else {
            "an XML document"
        };
        let element = |tag| element_text(&text, &lower, tag);
        return match (element("title"), element("h1")) {
            (Some(title), _) => format!("{page} titled \"{}\"", shorten(title)),
            (None, Some(heading)) => format!("{page} headed \"{}\"", shorten(heading)),
            (None, None) => page.to_owned(),
        };
    }
    if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        shorten(&text)
    }
}

/// What a refusal's fields refused say: an `errors` object of the fields' names (ASP.NET
/// Core's, express-validator's, see [`fields_by_name`]), else a list (`field_errors`, as
/// Hub'Eau and Spring write it, `errors` as JSON:API and GraphQL do): each field named with its
/// message.
fn fields_refused(map: &serde_json::Map<String, Value>) -> Option<String> {
    if let Some(said) = map
        .get("errors")
        .and_then(Value::as_object)
        .and_then(fields_by_name)
    {
        return Some(said);
    }
    let listed = ["field_errors", "fieldErrors", "errors"]
        .iter()
        .find_map(|key| map.get(*key)?.as_array())?;
    let said: Vec<String> = listed
        .iter()
        .filter_map(|refused| {
            let text = |key: &str| refused.get(key)?.as_str().map(str::trim);
            let message = ["message", "detail", "defaultMessage"]
                .iter()
                .find_map(|key| text(key))
                .filter(|message| !message.is_empty())?;
            Some(
                match ["field", "parameter"].iter().find_map(|key| text(key)) {
                    Some(field) if !field.is_empty() => format!("{field}: {message}"),
                    _ => message.to_owned(),
                },
            )
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// The fields refused as an object of their names, each with its messages (a text, a list of
/// texts, or objects holding one): ASP.NET Core's validation problem, `{"errors":{"starttime":
/// ["The value … is not valid …"]}}`, express-validator's `{"errors":{"starttime":{"msg":
/// "…"}}}`.
fn fields_by_name(by_field: &serde_json::Map<String, Value>) -> Option<String> {
    // A message: a text, or an object's `msg`, `message` or `detail`.
    let message = |value: &Value| -> Option<String> {
        match value {
            Value::String(text) => Some(text.trim().to_owned()),
            Value::Object(members) => ["msg", "message", "detail"]
                .iter()
                .find_map(|key| members.get(*key)?.as_str())
                .map(|text| text.trim().to_owned()),
            _ => None,
        }
    };
    let said: Vec<String> = by_field
        .iter()
        .filter_map(|(field, messages)| {
            let messages: Vec<String> = match messages {
                Value::Array(messages) => messages.iter().filter_map(message).collect(),
                one => message(one).into_iter().collect(),
            };
            let messages: Vec<String> = messages.into_iter().filter(|m| !m.is_empty()).collect();
            if messages.is_empty() {
                return None;
            }
            let field = field.trim();
            let messages = messages.join(" ");
            Some(if field.is_empty() {
                messages
            } else {
                format!("{field}: {messages}")
            })
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// Whether a body in ASCII lower case, beginning with `<`, is an HTML page rather than XML (an
/// RSS or Atom feed, a SOAP envelope): its first element, past an XML declaration and
/// comments, is HTML's (`<!doctype html>`, `<html>`, a page cut to its heading,
/// `<h1>502 Bad Gateway</h1>`, or opening on its `<meta>` or `<style>`).
fn is_html(lower: &str) -> bool {
    const HTML: &[&str] = &[
        "html", "head", "body", "title", "h1", "h2", "p", "div", "center", "meta", "style",
        "script", "link", "br", "hr",
    ];
    let mut rest = lower.trim_start();
    loop {
        let skipped = if rest.starts_with("<?") {
            rest.find("?>").map(|end| end + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|end| end + 3)
        } else {
            break;
        };
        let Some(skipped) = skipped else {
            return false;
        };
        rest = rest[skipped..].trim_start();
    }
    if let Some(declared) = rest.strip_prefix("<!doctype") {
        return declared.trim_start().starts_with("html");
    }
    let name: String = rest
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    HTML.contains(&name.as_str())
}

/// The text of the first `<tag>` element of a page, up to its first inner tag (`<h1
/// class="x">502 Bad Gateway</h1>` gives `502 Bad Gateway`); `None` when it has none, or it
/// is empty. `lower` is the page in ASCII lower case, which keeps every byte where it was.
fn element_text<'t>(page: &'t str, lower: &str, tag: &str) -> Option<&'t str> {
    let open = format!("<{tag}");
    let at = lower.match_indices(&open).map(|(at, _)| at).find(|at| {
        lower[at + open.len()..]
            .chars()
            .next()
            .is_some_and(|next| next == '>' || next.is_ascii_whitespace())
    })?;
    let content = at + lower[at..].find('>')? + 1;
    let end = content + lower[content..].find('<')?;
    Some(page[content..end].trim()).filter(|text| !text.is_empty())
}

/// The API's text on one line, without control characters (a terminal's escape codes, a
/// bell, line breaks), at most 300 characters.
fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    let text = releve::logging::one_line(text.trim());
    if text.chars().count() <= MAX {
        text
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
