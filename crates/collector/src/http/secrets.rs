//! Secrets the source uses (API keys, client secrets, tokens), scrubbed from every message
//! and landed body in any form a request or an echo of it writes them.

use super::retry::api_message;
use super::{FetchError, SourceClient};

/// How much of a body is read for the API's message: an error's JSON, a page's title and a
/// line of text all come early.
const MESSAGE_BYTES: usize = 64 * 1024;

impl SourceClient {
    /// Registers a secret (API key, client secret, token) to scrub from every message, as
    /// written and in any form a request or an echo of it may carry it (see
    /// `secret_pattern`).
    pub fn hide(&self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        // Should the full pattern not compile, the secret as written is still hidden.
        let Ok(pattern) = regex_lite::Regex::new(&secret_pattern(secret))
            .or_else(|_| regex_lite::Regex::new(&regex_lite::escape(secret)))
        else {
            return;
        };
        if let Ok(mut secrets) = self.secrets.lock()
            && !secrets.iter().any(|held| held.as_str() == pattern.as_str())
        {
            secrets.push(pattern);
        }
    }

    /// `text` with every registered secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        self.scrub_in_place(&mut text);
        text
    }

    /// Replaces every registered secret in `text` by `***`; true when it held one. A text
    /// without one is left as it is, not copied.
    pub fn scrub_in_place(&self, text: &mut String) -> bool {
        let mut held = false;
        if let Ok(secrets) = self.secrets.lock() {
            for secret in secrets.iter() {
                if secret.is_match(text) {
                    *text = secret.replace_all(text, "***").into_owned();
                    held = true;
                }
            }
        }
        held
    }

    /// Whether `body` holds a registered secret in any form [`SourceClient::hide`] knows:
    /// one look at a whole answer, before its records are scrubbed one by one.
    pub fn holds_secret(&self, body: &[u8]) -> bool {
        let text = String::from_utf8_lossy(body);
        self.secrets
            .lock()
            .is_ok_and(|secrets| secrets.iter().any(|secret| secret.is_match(&text)))
    }

    /// Replaces every registered secret in every text of `value`, member names included (an
    /// API may key an object by the request it answered); true when some text held one.
    pub fn scrub_value(&self, value: &mut serde_json::Value) -> bool {
        use serde_json::Value;
        match value {
            Value::String(text) => self.scrub_in_place(text),
            Value::Array(items) => items
                .iter_mut()
                .fold(false, |held, item| self.scrub_value(item) | held),
            Value::Object(fields) => {
                let named = self.scrub_names(fields);
                fields
                    .values_mut()
                    .fold(named, |held, field| self.scrub_value(field) | held)
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// Replaces every registered secret in the member names of `fields`, keeping their order;
    /// true when a name held one. Names that become alike keep the last member's value.
    fn scrub_names(&self, fields: &mut serde_json::Map<String, serde_json::Value>) -> bool {
        if !fields.keys().any(|name| self.holds_secret(name.as_bytes())) {
            return false;
        }
        *fields = std::mem::take(fields)
            .into_iter()
            .map(|(mut name, field)| {
                self.scrub_in_place(&mut name);
                (name, field)
            })
            .collect();
        true
    }

    /// The API's own message in a refused answer, read after every secret is scrubbed from
    /// the body: shortening it or blanking its control characters first could leave part of
    /// a secret that no longer matches. Only the body's first [`MESSAGE_BYTES`] are read (a
    /// 200 MB CSV served where JSON was expected is quoted by its start, not copied whole
    /// four times over).
    pub(super) fn api_message(&self, body: &[u8]) -> String {
        let start = &body[..body.len().min(MESSAGE_BYTES)];
        let mut text = String::from_utf8_lossy(start).into_owned();
        self.scrub_in_place(&mut text);
        api_message(text.as_bytes())
    }

    /// `err` with every registered secret scrubbed from the text it quotes.
    pub(super) fn scrub_error(&self, mut err: FetchError) -> FetchError {
        self.scrub_in_place(err.quoted_mut());
        err
    }
}

/// A pattern matching `secret` however an API may write it back: each character as itself,
/// percent-encoded in either case (`%2F`, `%2f`; a space also as `+`), or JSON-escaped (`\/`,
/// `\"`, `\\`, `\u002F`), mixed freely, as encoders differ in what they leave literal.
fn secret_pattern(secret: &str) -> String {
    secret
        .chars()
        .map(|c| {
            let mut utf8 = [0; 4];
            let text = c.encode_utf8(&mut utf8);
            let percent: String = text
                .bytes()
                .map(|byte| format!("%(?i:{byte:02X})"))
                .collect();
            let mut forms = vec![regex_lite::escape(text), percent];
            match c {
                ' ' => forms.push(r"\+".to_owned()),
                '/' | '"' | '\\' => forms.push(format!(r"\\{}", regex_lite::escape(text))),
                _ => {}
            }
            // JSON's `\uXXXX`: beyond the Basic Multilingual Plane, a surrogate pair.
            let mut units = [0; 2];
            let escaped: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|unit| format!(r"\\u(?i:{unit:04X})"))
                .collect();
            forms.push(escaped);
            if !c.is_ascii() {
                // Sent back in a single-byte encoding (Latin-1 `é` as the byte 0xE9), which
                // reading the body as UTF-8 turns into one replacement character.
                forms.push("\u{fffd}".to_owned());
                // Its UTF-8 bytes read back as Latin-1 (`é` as `Ã©`), as servers decoding
                // headers that way echo it, each byte also JSON-escaped.
                forms.push(
                    text.bytes()
                        .map(|byte| {
                            let latin1 = char::from(byte).to_string();
                            format!(r"(?:{}|\\u(?i:{byte:04X}))", regex_lite::escape(&latin1))
                        })
                        .collect(),
                );
            }
            format!("(?:{})", forms.join("|"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::RetryPolicy;
    use super::*;

    #[test]
    fn a_secret_is_scrubbed_however_the_api_echoes_it() {
        let client =
            SourceClient::new(Duration::from_secs(5), 1.0, RetryPolicy::default()).expect("client");
        let secret = "Ab/Cd+Ef= \"x\"";
        client.hide(secret);
        for echoed in [
            secret.to_owned(),
            "Ab%2FCd%2BEf%3D+%22x%22".to_owned(),
            "Ab%2fCd%2bEf%3d%20%22x%22".to_owned(),
            // Reserved characters left literal, as Python's `quote(safe='/=')` does.
            "Ab/Cd%2BEf=%20%22x%22".to_owned(),
            // JSON, plain and with PHP's escaped slashes.
            serde_json::to_string(secret).expect("json"),
            "\"Ab\\/Cd+Ef= \\\"x\\\"\"".to_owned(),
            "Ab\\u002fCd+Ef= \\u0022x\\u0022".to_owned(),
        ] {
            let scrubbed = client.scrub(&format!("before {echoed} after"));
            assert!(!scrubbed.contains("Cd"), "{echoed} → {scrubbed}");
            assert!(
                scrubbed.starts_with("before ") && scrubbed.ends_with(" after"),
                "{scrubbed}"
            );
        }
        assert_eq!(
            client.scrub("Ab/Cd+Ef= \"y\""),
            "Ab/Cd+Ef= \"y\"",
            "only the secret"
        );

        // A key beyond ASCII, echoed by a server that decoded its bytes as Latin-1.
        client.hide("S3cret é");
        for echoed in [
            "S3cret Ã©",
            "S3cret \\u00c3\\u00a9",
            "S3cret \\u00e9",
            "S3cret \u{fffd}",
        ] {
            assert_eq!(client.scrub(echoed), "***", "{echoed}");
        }

        // Beyond the Basic Multilingual Plane, JSON escapes a character as a surrogate pair.
        client.hide("k🔑y");
        for echoed in [
            "k🔑y",
            "k\\ud83d\\udd11y",
            "k\\uD83D\\uDD11y",
            "k%F0%9F%94%91y",
        ] {
            assert_eq!(client.scrub(echoed), "***", "{echoed}");
        }
    }
}
