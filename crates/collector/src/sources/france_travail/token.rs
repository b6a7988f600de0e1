//! OAuth2 client-credentials tokens: the answer of the token endpoint, and a cache that keeps
//! a token until shortly before its `expires_in` and forgets it when the API answers 401.
//! Neither the token nor the client secret ever reaches a log, a metric or an error message.

use std::fmt;
use std::time::{Duration, Instant};

/// The longest a token is given up before its announced expiry.
const MAX_EARLY_RENEWAL: Duration = Duration::from_secs(60);
/// Announced lifetimes are capped to this (a token is never trusted for longer).
const MAX_LIFETIME: Duration = Duration::from_secs(86_400);
/// A token is used at least this long whatever its announced lifetime (`expires_in: 0`
/// would ask for a token before every call); one the API rejects earlier is renewed on its
/// 401.
const MIN_USE: Duration = Duration::from_secs(5);

/// An access token and when to stop using it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AccessToken {
    value: String,
    renew_at: Instant,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"<hidden>")
            .field("renew_at", &self.renew_at)
            .finish()
    }
}

impl AccessToken {
    /// The token itself, to register with the HTTP layer's scrubber.
    pub(crate) fn secret(&self) -> &str {
        &self.value
    }

    /// The `Authorization` header value.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.value)
    }
}

/// How long a token whose answer gives no usable `expires_in` is used (OAuth 2.0 only
/// recommends the field): short, as one the API rejects earlier is renewed on its 401 anyway.
const UNANNOUNCED_LIFETIME: Duration = Duration::from_secs(300);

/// Reads a successful token answer received at `now`, or says what it lacks (never quoting
/// it: it may hold the token). `expires_in` is read as a number or as text holding one; a
/// token without it is used for [`UNANNOUNCED_LIFETIME`].
pub(crate) fn parse_token(body: &[u8], now: Instant) -> Result<AccessToken, &'static str> {
    let answer: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| "its body is not JSON")?;
    let value = match answer.get("access_token") {
        None => return Err("it holds no `access_token`"),
        Some(serde_json::Value::String(value)) if !value.is_empty() => value.clone(),
        Some(_) => return Err("its `access_token` is empty or not text"),
    };
    let expires_in = match answer.get("expires_in") {
        Some(serde_json::Value::Number(seconds)) => seconds.as_f64(),
        Some(serde_json::Value::String(seconds)) => seconds.trim().parse::<f64>().ok(),
        _ => None,
    };
    let lifetime = expires_in
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map_or(UNANNOUNCED_LIFETIME, |seconds| {
            Duration::from_secs_f64(seconds.min(MAX_LIFETIME.as_secs_f64()))
        });
    let early = (lifetime / 10).min(MAX_EARLY_RENEWAL);
    Ok(AccessToken {
        value,
        renew_at: now + lifetime.saturating_sub(early).max(MIN_USE),
    })
}

/// The token in use, if still good.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    current: Option<AccessToken>,
}

impl TokenCache {
    /// The cached token when it is not due for renewal at `now`.
    pub(crate) fn valid_at(&self, now: Instant) -> Option<AccessToken> {
        self.current.clone().filter(|t| now < t.renew_at)
    }

    /// Keeps a fresh token.
    pub(crate) fn store(&mut self, token: AccessToken) {
        self.current = Some(token);
    }

    /// Drops `rejected` (the API answered 401 to it), unless it was already replaced.
    pub(crate) fn forget(&mut self, rejected: &AccessToken) {
        if self.current.as_ref() == Some(rejected) {
            self.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_shortly_before_it_expires() {
        let now = Instant::now();
        let body = br#"{"access_token":"abc","scope":"api_offresdemploiv2 o2dsoffre","token_type":"Bearer","expires_in":1499}"#;
        let token = parse_token(body, now).expect("token");
        let mut cache = TokenCache::default();
        cache.store(token.clone());
        assert_eq!(
            cache.valid_at(now + Duration::from_secs(1400)),
            Some(token.clone())
        );
        assert_eq!(cache.valid_at(now + Duration::from_secs(1440)), None);
        let short = parse_token(br#"{"access_token":"x","expires_in":10}"#, now).expect("token");
        cache.store(short.clone());
        assert_eq!(cache.valid_at(now + Duration::from_secs(8)), Some(short));
        assert_eq!(cache.valid_at(now + Duration::from_secs(9)), None);
        let instant = parse_token(br#"{"access_token":"y","expires_in":0}"#, now).expect("token");
        cache.store(instant.clone());
        assert_eq!(
            cache.valid_at(now + Duration::from_secs(4)),
            Some(instant),
            "`expires_in: 0` is not a token per call"
        );
    }

    #[test]
    fn a_rejected_token_is_forgotten_but_not_its_replacement() {
        let now = Instant::now();
        let old = parse_token(br#"{"access_token":"old","expires_in":100}"#, now).expect("old");
        let new = parse_token(br#"{"access_token":"new","expires_in":100}"#, now).expect("new");
        let mut cache = TokenCache::default();
        cache.store(new.clone());
        cache.forget(&old);
        assert_eq!(cache.valid_at(now), Some(new.clone()));
        cache.forget(&new);
        assert_eq!(cache.valid_at(now), None);
    }

    #[test]
    fn tokens_stay_out_of_debug_output() {
        let token = parse_token(
            br#"{"access_token":"tok-secret","expires_in":100}"#,
            Instant::now(),
        )
        .expect("token");
        assert!(!format!("{token:?}").contains("tok-secret"));
        assert_eq!(
            parse_token(br#"{"error":"invalid_client"}"#, Instant::now()),
            Err("it holds no `access_token`")
        );
    }

    #[test]
    fn a_token_without_a_usable_lifetime_is_used_for_five_minutes() {
        let now = Instant::now();
        for body in [
            r#"{"access_token":"a","token_type":"Bearer"}"#,
            r#"{"access_token":"a","expires_in":null}"#,
            r#"{"access_token":"a","expires_in":"soon"}"#,
            r#"{"access_token":"a","expires_in":-5}"#,
        ] {
            let token = parse_token(body.as_bytes(), now).expect(body);
            let mut cache = TokenCache::default();
            cache.store(token.clone());
            assert_eq!(
                cache.valid_at(now + Duration::from_secs(260)),
                Some(token),
                "{body}"
            );
            assert_eq!(
                cache.valid_at(now + Duration::from_secs(300)),
                None,
                "{body}"
            );
        }
        let text = parse_token(br#"{"access_token":"a","expires_in":"1499"}"#, now).expect("text");
        let mut cache = TokenCache::default();
        cache.store(text.clone());
        assert_eq!(
            cache.valid_at(now + Duration::from_secs(1400)),
            Some(text),
            "read as a number"
        );
        assert_eq!(
            parse_token(br#"{"access_token":"","expires_in":100}"#, now),
            Err("its `access_token` is empty or not text")
        );
    }
}
