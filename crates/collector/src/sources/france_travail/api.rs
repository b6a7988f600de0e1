//! The Offres d'emploi v2 API as the collection sees it: searches and reference lists sent
//! with a cached bearer token, renewed shortly before it expires and again when the API
//! answers 401. Retries of 429/5xx, their backoff and the rate limit belong to the shared HTTP layer
//! underneath ([`SourceClient`]); this module only adds what is particular to France Travail.

use std::time::Instant;

use serde_json::Value;
use tokio::sync::Mutex;

use super::harvest::OfferSearch;
use super::paging::{Dimension, PageError, Reference, SearchPage, SearchQuery};
use super::token::{AccessToken, TokenCache, parse_token};
use crate::http::{Answer, FetchError, SourceClient};
use releve::credentials::{
    FRANCE_TRAVAIL_CLIENT_ID, FRANCE_TRAVAIL_CLIENT_SECRET, FranceTravailCredentials,
};

/// Fresh tokens one request may ask for after 401s (calls in flight share a token, so one
/// renewal can be used up by the others before this request is sent again).
const MAX_RENEWALS: u32 = 3;

/// Why the collection of a day failed. Messages never hold a secret.
#[derive(Debug, thiserror::Error)]
pub enum FranceTravailError {
    /// The token endpoint refused the credentials.
    #[error(
        "the token endpoint refused the client credentials ({code}): check {id} and {secret}, and that the application has accepted the \"Licence Offres d'emploi\" on francetravail.io (without it the endpoint answers invalid_client too)",
        id = FRANCE_TRAVAIL_CLIENT_ID,
        secret = FRANCE_TRAVAIL_CLIENT_SECRET
    )]
    Credentials {
        /// The OAuth2 error code, e.g. `invalid_client`.
        code: String,
    },
    /// The token endpoint refused the scope asked for.
    #[error(
        "the token endpoint refused the scope `{scope}` ({code}): check the source's `scope` (default `{default}`) and that the application subscribes to Offres d'emploi v2",
        default = releve::config::FranceTravail::DEFAULT_SCOPE
    )]
    Scope {
        /// The scope asked for.
        scope: String,
        /// The OAuth2 error code, e.g. `invalid_scope`.
        code: String,
    },
    /// The token endpoint refused the request itself.
    #[error(
        "the token endpoint refused the request ({code}): check the source's `token_url` (the real one ends in `?realm=/partenaire`)"
    )]
    TokenRequest {
        /// The OAuth2 error code, e.g. `invalid_request`.
        code: String,
    },
    /// The token endpoint answered something that is not a token.
    #[error("the token endpoint answered HTTP {status} without a usable token: {lack}")]
    TokenAnswer {
        /// Status code.
        status: u16,
        /// What the answer lacks.
        lack: &'static str,
    },
    /// The API ignores the creation-date bounds, or announces more than its queries can
    /// hold, so the day cannot be cut within reach.
    #[error(transparent)]
    FiltersIgnored(#[from] super::partition::FiltersIgnored),
    /// The API refused tokens just issued.
    #[error(
        "the API answered 401 to fresh tokens: check the application's access to Offres d'emploi v2"
    )]
    Unauthorized,
    /// A search answer could not be read.
    #[error("offres/search {what}: {error}")]
    Page {
        /// The request: its range and query, in words.
        what: String,
        /// What is wrong with the answer.
        error: PageError,
    },
    /// A reference list could not be read.
    #[error("{0}: the answer is not a list of codes")]
    Reference(&'static str),
    /// The request failed in the HTTP layer.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// The API of one source, for one run.
pub(crate) struct OffersApi<'a> {
    client: &'a SourceClient,
    base: String,
    token_url: &'a str,
    scope: &'a str,
    credentials: &'a FranceTravailCredentials,
    tokens: Mutex<TokenCache>,
}

impl<'a> OffersApi<'a> {
    /// Talks to the API at `base` with tokens from `token_url`.
    pub(crate) fn new(
        client: &'a SourceClient,
        base: &str,
        token_url: &'a str,
        scope: &'a str,
        credentials: &'a FranceTravailCredentials,
    ) -> Self {
        OffersApi {
            client,
            base: base.trim_end_matches('/').to_owned(),
            token_url,
            scope,
            credentials,
            tokens: Mutex::new(TokenCache::default()),
        }
    }

    /// A token good for now: the cached one, or a new one (one request at a time).
    pub(crate) async fn token(&self) -> Result<AccessToken, FranceTravailError> {
        let mut cache = self.tokens.lock().await;
        if let Some(token) = cache.valid_at(Instant::now()) {
            return Ok(token);
        }
        let form = [
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", self.credentials.client_id.clone()),
            ("client_secret", self.credentials.client_secret.clone()),
            ("scope", self.scope.to_owned()),
        ];
        let answer = self
            .client
            .send_json("token endpoint", |http| {
                http.post(self.token_url).form(&form)
            })
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => match err.refusal() {
                Some((status, message)) if status == 400 || status == 401 => {
                    return Err(token_refusal(status, message.to_owned(), self.scope));
                }
                _ => return Err(err.into()),
            },
        };
        let token = parse_token(&answer.body, Instant::now()).map_err(|lack| {
            FranceTravailError::TokenAnswer {
                status: answer.status,
                lack,
            }
        })?;
        self.client.hide(token.secret());
        tracing::debug!("Obtained a France Travail access token.");
        cache.store(token.clone());
        Ok(token)
    }

    /// `GET base/path`, renewing the token once if the API answers 401.
    async fn get(
        &self,
        path: &'static str,
        params: &[(&'static str, String)],
        what: &str,
    ) -> Result<Answer, FranceTravailError> {
        let url = format!("{}/{path}", self.base);
        let mut renewals = 0;
        loop {
            let token = self.token().await?;
            let bearer = token.bearer();
            let answer = self
                .client
                .send_json(what, |http| {
                    http.get(&url)
                        .query(params)
                        .header(reqwest::header::AUTHORIZATION, &bearer)
                })
                .await;
            match answer {
                Err(err) if refused_with(&err, 401) && renewals < MAX_RENEWALS => {
                    tracing::info!("France Travail refused the access token; renewing it.");
                    self.tokens.lock().await.forget(&token);
                    renewals += 1;
                }
                Err(err) if refused_with(&err, 401) => {
                    return Err(FranceTravailError::Unauthorized);
                }
                other => return Ok(other?),
            }
        }
    }
}

impl OfferSearch for OffersApi<'_> {
    type Error = FranceTravailError;

    async fn search(&self, query: &SearchQuery, start: u64) -> Result<SearchPage, Self::Error> {
        let params = query.params(start);
        let what = format!("range {} of offers {query}", params[0].1);
        let answer = match self
            .get("offres/search", &params, &format!("offres/search {what}"))
            .await
        {
            Err(err) if past_the_end(start, &err) => {
                tracing::debug!(request = %what, "A range past the end answered 416; read as an empty page.");
                return SearchPage::from_answer(204, None, b"")
                    .map_err(|error| FranceTravailError::Page { what, error });
            }
            other => other?,
        };
        let content_range = answer
            .headers
            .get(reqwest::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok());
        let mut page = SearchPage::from_answer(answer.status, content_range, &answer.body)
            .map_err(|error| FranceTravailError::Page { what, error })?;
        // An offer echoing the token or the credentials (a recruiter's text quoting a
        // request): they never land.
        if self.client.holds_secret(&answer.body) {
            for offer in &mut page.offers {
                self.client.scrub_value(offer);
            }
        }
        Ok(page)
    }

    async fn reference(&self, dimension: Dimension) -> Result<Vec<Reference>, Self::Error> {
        let path = dimension.reference_path();
        let answer = self.get(path, &[], path).await?;
        let list: Vec<Value> = serde_json::from_slice(&answer.body)
            .map_err(|_| FranceTravailError::Reference(path))?;
        let text =
            |item: &Value, field: &str| item.get(field).and_then(Value::as_str).map(str::to_owned);
        let codes: Vec<Reference> = list
            .iter()
            .filter_map(|item| {
                Some(Reference {
                    code: text(item, "code")?,
                    region: item.get("region").and_then(|r| text(r, "code")),
                })
            })
            .collect();
        if codes.is_empty() {
            return Err(FranceTravailError::Reference(path));
        }
        Ok(codes)
    }
}
/// Why the token endpoint refused a request, from its status and its OAuth2 error code, which
/// leads `message` (`invalid_scope`, or `invalid_request: Invalid realm`): the credentials
/// (`invalid_client`, or any 401), the scope, or the request itself (a token URL without its
/// realm answers `invalid_request`). Another refusal is taken for the credentials.
fn token_refusal(status: u16, message: String, scope: &str) -> FranceTravailError {
    let code = message.split(':').next().unwrap_or_default().trim();
    match code {
        _ if status == 401 => FranceTravailError::Credentials { code: message },
        // OAuth2 refuses credentials in JSON (`invalid_client`): a 400 in HTML is a gateway's
        // refusal of the request itself (a wrong `token_url` path, a request blocked).
        _ if message.starts_with("an HTML page") => {
            FranceTravailError::TokenRequest { code: message }
        }
        "invalid_scope" => FranceTravailError::Scope {
            scope: scope.to_owned(),
            code: message,
        },
        "invalid_request" | "unsupported_grant_type" | "invalid_grant" => {
            FranceTravailError::TokenRequest { code: message }
        }
        _ => FranceTravailError::Credentials { code: message },
    }
}

/// Whether `err` answers a page after the first with 416 (Range Not Satisfiable): its range
/// starts past a total that shrank since the query's first page (offers withdrawn while the
/// day is read). It is read as the 204 of a query without more offers, whose offers the
/// first page announced count as shortfall, rather than failing the day.
fn past_the_end(start: u64, err: &FranceTravailError) -> bool {
    start > 0 && matches!(err, FranceTravailError::Fetch(err) if refused_with(err, 416))
}

/// Whether `err` is a refusal with `status`, in JSON or in HTML (the API's gateway's page).
fn refused_with(err: &FetchError, status: u16) -> bool {
    err.refusal().is_some_and(|(refused, _)| refused == status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_page_answered_416_reads_as_the_end_of_the_query() {
        let refused = |status| {
            FranceTravailError::Fetch(FetchError::Rejected {
                what: "offres/search".to_owned(),
                status,
                message: String::new(),
            })
        };
        assert!(past_the_end(150, &refused(416)));
        assert!(
            !past_the_end(0, &refused(416)),
            "a first page has no end to be past"
        );
        assert!(!past_the_end(150, &refused(400)));
    }

    /// The API's host (not the token endpoint's) answering its first request with an HTML
    /// 401 or a later one with an HTML 416: the sign-in question yields to the status.
    #[test]
    fn a_refusal_in_html_is_read_by_its_status() {
        let page = |status| FetchError::SignInPage {
            what: "offres/search".to_owned(),
            status,
            page: "an HTML page titled \"Error\"".to_owned(),
        };
        assert!(refused_with(&page(401), 401));
        assert!(past_the_end(150, &FranceTravailError::Fetch(page(416))));
        assert!(!refused_with(&page(200), 200), "an HTML 200 is no refusal");
    }

    #[test]
    fn a_token_refusal_names_what_to_check() {
        let said = |status, code: &str| token_refusal(status, code.to_owned(), "x").to_string();
        assert!(said(400, "invalid_client").contains("check FRANCE_TRAVAIL_CLIENT_ID"));
        assert!(
            said(400, "invalid_client").contains("accepted the \"Licence Offres d'emploi\""),
            "a licence not accepted is refused alike"
        );
        assert!(said(401, "Unauthorized").contains("check FRANCE_TRAVAIL_CLIENT_ID"));
        assert!(said(400, "invalid_scope").contains("refused the scope `x`"));
        assert!(said(400, "invalid_request").contains("check the source's `token_url`"));
        assert!(said(400, "unsupported_grant_type").contains("`token_url`"));
        assert!(said(400, "something else").contains("client credentials"));
        assert!(
            said(400, "an HTML page titled \"Bad Request\"").contains("`token_url`"),
            "a gateway's HTML 400 is the request's, not the credentials'"
        );
        assert!(
            said(400, "invalid_scope: Scope not allowed for this client").contains("scope `x`"),
            "the code decides, not words of the description"
        );
        assert!(said(400, "invalid_request: Invalid realm").contains("`token_url`"));
        assert!(said(400, "invalid_client: Invalid authentication").contains("client credentials"));
    }
}
