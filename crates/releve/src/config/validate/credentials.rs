//! An address holding credentials (`https://user:password@host/`): they would sit in
//! sources.toml, where secrets never go, and over http:// cross the network readable by anyone
//! on the way. Refused without repeating them: the password is shown as `***`.

use url::Url;

use super::{BadValue, bad};
use crate::config::SourceKind;

/// Refuses `url`, the value of `key`, when it holds a user name or a password; `kind` says
/// where a source of its kind takes its credentials from instead.
pub(super) fn check_no_credentials(
    key: &'static str,
    url: &Url,
    kind: &SourceKind,
) -> Result<(), BadValue> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(());
    }
    // Neither part is shown: a user name is often a token (`TOKEN:x-oauth-basic@`, `APIKEY:X@`),
    // and France Travail's client id is half its credentials.
    let written = match url.password() {
        Some(_) => "***:***@",
        None => "***@",
    };
    let instead = match kind {
        SourceKind::HttpJson(_) => {
            " and name the environment variable holding them in `key_env` (its value is sent in the `key_header` header, default `Authorization`, e.g. `Basic <base64 of user:password>`)"
        }
        SourceKind::FranceTravail(_) => {
            ": the client id and secret come from FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET (environment or .env)"
        }
        SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) => "",
    };
    let message = if url.scheme() == "http" && !super::kind::is_loopback(url) {
        format!(
            "key `{key}`: its credentials (`{written}`) would cross the network unencrypted over http://, and secrets never go in sources.toml: remove them from the address{instead}"
        )
    } else {
        format!(
            "key `{key}` holds credentials (`{written}`): secrets never go in sources.toml: remove them from the address{instead}"
        )
    };
    Err(bad(key, message))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;

    /// The refusal of a table of `kind` whose `url` is `url`.
    fn refusal(kind: &str, url: &str) -> String {
        let text = format!(
            "[[source]]\nname = \"feed\"\nkind = \"{kind}\"\nurl = \"{url}\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\ndataset = \"d\"\n"
        )
        .replace("dataset = \"d\"\n", if kind == "opendatasoft" { "dataset = \"d\"\n" } else { "" });
        let config = Config::parse(&text, Path::new("sources.toml")).expect("the file is read");
        let refused = config
            .refused
            .first()
            .map(ToString::to_string)
            .unwrap_or_else(|| format!("accepted: {url}"));
        assert!(
            !refused.contains("s3cret") && !refused.contains("alice"),
            "neither the password nor the user name, often a token: {refused}"
        );
        refused
    }

    #[test]
    fn an_address_holding_credentials_is_refused_without_its_password() {
        let key_env = " and name the environment variable holding them in `key_env` (its value is sent in the `key_header` header, default `Authorization`, e.g. `Basic <base64 of user:password>`)";
        assert_eq!(
            refusal("http_json", "http://alice:s3cret@example.org/feed"),
            format!(
                "sources.toml:4: source `feed`: key `url`: its credentials (`***:***@`) would cross the network unencrypted over http://, and secrets never go in sources.toml: remove them from the address{key_env}"
            )
        );
        assert_eq!(
            refusal("http_json", "https://alice:s3cret@example.org/feed"),
            format!(
                "sources.toml:4: source `feed`: key `url` holds credentials (`***:***@`): secrets never go in sources.toml: remove them from the address{key_env}"
            )
        );
        // A user name alone may be a token; on the loopback nothing crosses the network.
        assert!(
            refusal("http_json", "https://s3cret@example.org/feed")
                .contains("key `url` holds credentials (`***@`)")
        );
        assert!(
            refusal("http_json", "http://alice:s3cret@127.0.0.1:9/")
                .contains("key `url` holds credentials (`***:***@`)")
        );
        assert_eq!(
            refusal("opendatasoft", "https://alice:s3cret@data.example.org"),
            "sources.toml:4: source `feed`: key `url` holds credentials (`***:***@`): secrets never go in sources.toml: remove them from the address"
        );
        assert!(
            refusal("france_travail", "https://alice:s3cret@api.example.org").ends_with(
                "remove them from the address: the client id and secret come from FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET (environment or .env)"
            )
        );
    }

    #[test]
    fn an_at_sign_in_a_path_or_query_is_no_credential() {
        for url in [
            "https://example.org/feed?contact=ops@example.org",
            "https://example.org/@station/feed",
        ] {
            assert_eq!(refusal("http_json", url), format!("accepted: {url}"));
        }
    }

    #[test]
    fn a_token_address_holding_credentials_is_refused_too() {
        let text = "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\ntoken_url = \"https://id:s3cret@auth.example.org/token\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\n";
        let config = Config::parse(text, Path::new("sources.toml")).expect("the file is read");
        let refused = config.refused.first().map(ToString::to_string);
        assert_eq!(
            refused.as_deref(),
            Some(
                "sources.toml:5: source `offres`: key `token_url` holds credentials (`***:***@`): secrets never go in sources.toml: remove them from the address: the client id and secret come from FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET (environment or .env)"
            )
        );
    }
}
