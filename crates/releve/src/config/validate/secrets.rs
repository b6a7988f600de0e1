//! Headers and query parameters whose names say they carry a secret (`Authorization`,
//! `X-API-Key`, `apikey`, `access_token`, ...): written in `headers`, `params` or the address,
//! the secret would sit in sources.toml, which is shared, copied and committed. `key_env` names
//! the environment variable holding it instead, and `key_header` or `key_param` where it goes.
//! Refused without repeating the value.

use std::collections::BTreeMap;

use url::Url;

use super::{BadValue, bad};

/// Names, lowercased without `-` and `_`, that carry a secret whatever their prefix.
const SECRET_ENDINGS: [&str; 9] = [
    "apikey",
    "appkey",
    "accesskey",
    "secretkey",
    "subscriptionkey",
    "token",
    "secret",
    "password",
    "passwd",
];

/// Words of paging parameters, whose tokens are the API's cursors, not secrets
/// (`pageToken`, `nextPageToken`, `next_token`, `resumptionToken`, `continuationToken`): the
/// word right before a closing `token`, so `X-Homepage-Token` or `nextauth_secret` is no
/// paging parameter.
const PAGING_WORDS: [&str; 4] = ["page", "next", "resumption", "continuation"];

/// Header names, lowercased without `-` and `_`, that carry a secret.
const SECRET_HEADERS: [&str; 3] = ["authorization", "proxyauthorization", "cookie"];

/// Query parameter names, lowercased without `-` and `_`, that carry a secret (Google's `key`,
/// OpenWeatherMap's `appid`).
const SECRET_PARAMS: [&str; 3] = ["key", "appid", "auth"];

/// Refuses a header of `headers`, a parameter of `params` or of `url`'s query whose name says
/// it carries a secret, and whose value is not empty.
pub(super) fn check_no_named_secrets(
    url: &Url,
    headers: &BTreeMap<String, String>,
    params: &BTreeMap<String, String>,
) -> Result<(), BadValue> {
    if let Some(name) = headers
        .iter()
        .find(|(name, value)| !value.is_empty() && is_secret(name, &SECRET_HEADERS))
        .map(|(name, _)| name)
    {
        let sent_as = if name.eq_ignore_ascii_case("authorization") {
            "(it is sent in `Authorization` unless `key_header` says otherwise)".to_owned()
        } else {
            format!("and `key_header = \"{name}\"`")
        };
        return Err(refusal("headers", &format!("header `{name}`"), &sent_as));
    }
    let in_params = params
        .iter()
        .find(|(name, value)| !value.is_empty() && is_secret(name, &SECRET_PARAMS))
        .map(|(name, _)| ("params", name.clone()));
    let in_url = || {
        url.query_pairs()
            .find(|(name, value)| !value.is_empty() && is_secret(name, &SECRET_PARAMS))
            .map(|(name, _)| ("url", name.into_owned()))
    };
    if let Some((key, name)) = in_params.or_else(in_url) {
        let sent_as = format!("and `key_param = \"{name}\"`");
        return Err(refusal(key, &format!("query parameter `{name}`"), &sent_as));
    }
    Ok(())
}

/// Whether `name` (lowercased, without `-` and `_`) is one of `exact` or ends as a secret's
/// name does (`apiKey`, `client_secret`), unless it is a paging cursor (`nextPageToken`).
pub(in crate::config) fn is_secret(name: &str, exact: &[&str]) -> bool {
    let plain: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if is_paging_token(name) {
        return false;
    }
    exact.contains(&plain.as_str()) || SECRET_ENDINGS.iter().any(|end| plain.ends_with(end))
}

/// True when `name`'s last word is `token` and the one before it a paging word: the name's
/// words split at `-`, `_` and where a lowercase letter meets a capital (`nextPageToken`).
fn is_paging_token(name: &str) -> bool {
    let mut words: Vec<String> = vec![String::new()];
    let mut previous_lower = false;
    for c in name.chars() {
        if matches!(c, '-' | '_') || (c.is_uppercase() && previous_lower) {
            words.push(String::new());
        }
        if let Some(word) = words.last_mut().filter(|_| !matches!(c, '-' | '_')) {
            word.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    words.retain(|word| !word.is_empty());
    matches!(
        words.as_slice(),
        [.., before, last] if last == "token" && PAGING_WORDS.contains(&before.as_str())
    )
}

fn refusal(key: &'static str, what: &str, sent_as: &str) -> BadValue {
    let from = if key == "url" {
        "remove it from the address"
    } else {
        "remove it"
    };
    bad(
        key,
        format!(
            "key `{key}`: the {what} carries a secret, and secrets never go in sources.toml: {from}, put its value in an environment variable (or `.env`) and name that variable in `key_env` {sent_as}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{USGS, error, parse};

    /// The refusal of the `usgs-earthquakes` table with `extra` added, checked not to repeat
    /// the secret.
    fn refused(extra: &str) -> String {
        let message = error(&format!("{USGS}{extra}\n"));
        assert!(
            !message.contains("s3cret"),
            "the value is never repeated: {message}"
        );
        message
    }

    #[test]
    fn a_header_carrying_a_secret_is_refused_and_key_env_named_instead() {
        assert_eq!(
            refused("headers = { Authorization = \"Bearer s3cret\" }"),
            "sources.toml:15: source `usgs-earthquakes`: key `headers`: the header `Authorization` carries a secret, and secrets never go in sources.toml: remove it, put its value in an environment variable (or `.env`) and name that variable in `key_env` (it is sent in `Authorization` unless `key_header` says otherwise)"
        );
        for name in [
            "X-API-Key",
            "x-auth-token",
            "Cookie",
            "X_Client_Secret",
            "X-Homepage-Token",
            "X-Next-Auth-Secret",
        ] {
            let message = refused(&format!("headers = {{ \"{name}\" = \"s3cret\" }}"));
            assert!(
                message.contains(&format!("the header `{name}` carries a secret"))
                    && message.ends_with(&format!("`key_env` and `key_header = \"{name}\"`")),
                "{message}"
            );
        }
    }

    #[test]
    fn a_parameter_carrying_a_secret_is_refused_in_params_or_the_address() {
        let message = refused("params = { apikey = \"s3cret\" }");
        assert!(
            message.starts_with("sources.toml:15: source `usgs-earthquakes`: key `params`: the query parameter `apikey` carries a secret")
                && message.ends_with("`key_env` and `key_param = \"apikey\"`"),
            "{message}"
        );
        for name in [
            "key",
            "access_token",
            "appid",
            "api-key",
            "secret_key",
            "passwd",
        ] {
            let message = refused(&format!("params = {{ \"{name}\" = \"s3cret\" }}"));
            assert!(
                message.contains(&format!("`{name}` carries a secret")),
                "{message}"
            );
        }
        let address = USGS.replace(
            "all_hour.geojson\"",
            "all_hour.geojson?format=json&token=s3cret\"",
        );
        assert_ne!(address, USGS, "the test's address changed");
        let message = error(&address);
        assert!(
            message.contains("key `url`: the query parameter `token` carries a secret")
                && message.contains("remove it from the address")
                && !message.contains("s3cret"),
            "{message}"
        );
    }

    #[test]
    fn names_that_carry_no_secret_and_empty_values_are_accepted() {
        for extra in [
            "headers = { Accept = \"application/json\", \"X-Key\" = \"1\", Authorization = \"\" }",
            "params = { format = \"geojson\", keyword = \"flood\", sort_key = \"time\", apikey = \"\" }",
            "params = { pageToken = \"abc\", next_token = \"x\", nextPageToken = \"y\", resumptionToken = \"z\" }",
        ] {
            assert!(parse(&format!("{USGS}{extra}\n")).is_ok(), "{extra}");
        }
    }
}
