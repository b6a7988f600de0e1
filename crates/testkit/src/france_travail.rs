//! A local double of France Travail's Offres d'emploi v2 API that enforces what the real one
//! enforces (see `api-notes.md` §3), so the collector's tests, its benchmark and the demo can
//! exercise the hard parts offline: OAuth2 client credentials with short-lived tokens (401 with
//! an empty body once a token is expired or unknown), the `range` caps (150 per call, start
//! ≤ 3000, end ≤ 3149) with the real 400 messages, `Content-Range` totals with 200/206/204, a
//! token bucket of calls per second per client id answering 429 (with `Retry-After` unless
//! told otherwise: the real header is unverified), and a
//! generated day of offers ([`DayPlan`]) served in a stable order (newest first, then by id).
//!
//! Search filters: `minCreationDate`/`maxCreationDate` (both or neither, seconds, both bounds
//! inclusive), `typeContrat`, `region`, `departement`, `codeROME`, `commune` and `motsCles`
//! (comma-separated values; a keyword matches the title or the description). An offer lacking
//! the filtered attribute is never returned by a filtered query, as with the real one. The
//! parameters of every search admitted are kept, for tests to check what was asked.

mod day;
mod places;
mod search;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

pub use day::{Burst, CONTRACTS, DayPlan, Offer, REGIONS, departements, region_of};

/// Where the double serves the search API (the source's `url`), under the server's root.
pub const API_PATH: &str = "/partenaire/offresdemploi/v2";
/// Where the double serves the token endpoint (the source's `token_url`), without the query.
pub const TOKEN_PATH: &str = "/connexion/oauth2/access_token";

/// How the double behaves.
#[derive(Debug, Clone)]
pub struct DoubleSettings {
    /// The only client id accepted.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// `expires_in` announced and enforced for each token, in seconds.
    pub token_lifetime: u64,
    /// When set, a token also dies after this many API calls (a revocation the client only
    /// learns about through a 401).
    pub token_calls: Option<u64>,
    /// Sustained calls per second per client id (the real service: 10).
    pub calls_per_second: f64,
    /// Calls allowed at once before the rate applies (the real service: 10).
    pub burst: u32,
    /// When set, every n-th API call is answered 429 whatever the bucket holds (a gateway
    /// under load), so tests see throttling however slow the machine is.
    pub throttle_every: Option<u64>,
    /// Whether a 429 says how long to wait in `Retry-After` (whether the real one does is
    /// unverified, so tests try both).
    pub retry_after: bool,
    /// The day of offers served.
    pub day: DayPlan,
}

impl DoubleSettings {
    /// The real service's limits serving `day`, for the test client id.
    pub fn new(day: DayPlan) -> Self {
        DoubleSettings {
            client_id: "releve-test-client".to_owned(),
            client_secret: "s3cret-never-printed-0451".to_owned(),
            token_lifetime: 1499,
            token_calls: None,
            calls_per_second: 10.0,
            burst: 10,
            throttle_every: None,
            retry_after: true,
            day,
        }
    }
}

/// What the double has been asked, for assertions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Token requests, accepted or not.
    pub tokens: u64,
    /// Tokens issued.
    pub tokens_issued: u64,
    /// API calls (search and reference lists), whatever the answer.
    pub api_calls: u64,
    /// Search calls answered with offers or 204.
    pub searches_served: u64,
    /// Offers sent in search answers.
    pub offers_served: u64,
    /// Answers 401.
    pub unauthorized: u64,
    /// Answers 429.
    pub throttled: u64,
    /// Answers 400 from the API.
    pub bad_requests: u64,
}

#[derive(Default)]
struct Counters {
    tokens: AtomicU64,
    tokens_issued: AtomicU64,
    api_calls: AtomicU64,
    searches_served: AtomicU64,
    offers_served: AtomicU64,
    unauthorized: AtomicU64,
    throttled: AtomicU64,
    bad_requests: AtomicU64,
}

struct IssuedToken {
    client_id: String,
    expires: Instant,
    calls_left: Option<u64>,
}

struct Bucket {
    level: f64,
    at: Instant,
}

#[derive(Default)]
struct Sessions {
    tokens: HashMap<String, IssuedToken>,
    buckets: HashMap<String, Bucket>,
}

struct Shared {
    settings: DoubleSettings,
    offers: Vec<Offer>,
    counters: Counters,
    sessions: Mutex<Sessions>,
    /// The parameters of each search admitted, in order.
    searches: Mutex<Vec<Vec<(String, String)>>>,
}

/// The double: build it, serve [`FranceTravailDouble::router`], then read its counts.
#[derive(Clone)]
pub struct FranceTravailDouble {
    shared: Arc<Shared>,
}

impl FranceTravailDouble {
    /// Generates the day and prepares the double.
    pub fn new(settings: DoubleSettings) -> Self {
        let offers = settings.day.offers();
        FranceTravailDouble {
            shared: Arc::new(Shared {
                settings,
                offers,
                counters: Counters::default(),
                sessions: Mutex::new(Sessions::default()),
                searches: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The axum router: token endpoint at [`TOKEN_PATH`], API under [`API_PATH`].
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/offres/search", get(search::search))
            .route("/referentiel/typesContrats", get(search::contract_types))
            .route("/referentiel/departements", get(search::departements_list))
            .route("/referentiel/regions", get(search::regions_list));
        Router::new()
            .route(TOKEN_PATH, post(token))
            .nest(API_PATH, api)
            .with_state(self.clone())
    }

    /// The settings it runs with.
    pub fn settings(&self) -> &DoubleSettings {
        &self.shared.settings
    }

    /// The environment a collector run needs to log in to it
    /// (`FRANCE_TRAVAIL_CLIENT_ID` and `_SECRET`), for `Command::envs`.
    pub fn credentials(&self) -> [(&'static str, &str); 2] {
        let settings = self.settings();
        [
            ("FRANCE_TRAVAIL_CLIENT_ID", settings.client_id.as_str()),
            (
                "FRANCE_TRAVAIL_CLIENT_SECRET",
                settings.client_secret.as_str(),
            ),
        ]
    }

    /// Every offer of the day, in the API's order.
    pub fn offers(&self) -> &[Offer] {
        &self.shared.offers
    }

    /// What it has been asked so far.
    pub fn counts(&self) -> RequestCounts {
        let c = &self.shared.counters;
        let read = |n: &AtomicU64| n.load(Ordering::Relaxed);
        RequestCounts {
            tokens: read(&c.tokens),
            tokens_issued: read(&c.tokens_issued),
            api_calls: read(&c.api_calls),
            searches_served: read(&c.searches_served),
            offers_served: read(&c.offers_served),
            unauthorized: read(&c.unauthorized),
            throttled: read(&c.throttled),
            bad_requests: read(&c.bad_requests),
        }
    }

    /// The query parameters of every search admitted so far (past the token and rate checks),
    /// in the order they came.
    pub fn searches(&self) -> Vec<Vec<(String, String)>> {
        self.shared
            .searches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn record_search(&self, params: &[(String, String)]) {
        self.shared
            .searches
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(params.to_vec());
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.shared
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn count(&self, pick: impl Fn(&Counters) -> &AtomicU64, n: u64) {
        pick(&self.shared.counters).fetch_add(n, Ordering::Relaxed);
    }

    /// Checks the bearer token and takes a call from its client's bucket: `Err` is the 401 or
    /// 429 answer to send instead.
    fn admit(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let call = self
            .shared
            .counters
            .api_calls
            .fetch_add(1, Ordering::Relaxed)
            + 1;
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let now = Instant::now();
        let mut sessions = self.sessions();
        let client_id = match bearer.and_then(|t| sessions.tokens.get_mut(t)) {
            Some(token) if token.expires > now && token.calls_left != Some(0) => {
                token.calls_left = token.calls_left.map(|n| n - 1);
                token.client_id.clone()
            }
            _ => {
                self.count(|c| &c.unauthorized, 1);
                return Err(Refusal::Unauthorized);
            }
        };
        let settings = &self.shared.settings;
        let capacity = f64::from(settings.burst.max(1));
        let bucket = sessions.buckets.entry(client_id).or_insert(Bucket {
            level: capacity,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * settings.calls_per_second;
        bucket.level = (bucket.level + refill).min(capacity);
        bucket.at = now;
        let forced = settings
            .throttle_every
            .is_some_and(|n| call.is_multiple_of(n.max(1)));
        if bucket.level >= 1.0 && !forced {
            bucket.level -= 1.0;
            return Ok(());
        }
        self.count(|c| &c.throttled, 1);
        let wait = ((1.0 - bucket.level) / settings.calls_per_second)
            .ceil()
            .max(1.0);
        Err(Refusal::Throttled {
            wait_secs: settings.retry_after.then_some(wait as u64),
        })
    }
}

/// Why the API refused a call.
enum Refusal {
    /// Expired, revoked or unknown token: 401, empty body.
    Unauthorized,
    /// Over the client's rate: 429, with `Retry-After` when the settings say so.
    Throttled { wait_secs: Option<u64> },
    /// Invalid parameters: 400 with the API's message.
    BadRequest(String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED.into_response(),
            Refusal::Throttled { wait_secs } => {
                let body = json!({
                    "message": "Limite de requêtes atteinte, veuillez réessayer plus tard.",
                    "codeHttp": 429,
                });
                let mut answer = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
                if let Some(wait) = wait_secs {
                    answer
                        .headers_mut()
                        .insert(header::RETRY_AFTER, header::HeaderValue::from(wait));
                }
                answer
            }
            Refusal::BadRequest(message) => {
                let body = json!({ "message": message, "codeHttp": 400, "codeErreur": "INVALID_PARAMETER" });
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
            }
        }
    }
}

/// `POST /connexion/oauth2/access_token?realm=/partenaire`, form `grant_type`, `client_id`,
/// `client_secret`, `scope`.
async fn token(
    State(double): State<FranceTravailDouble>,
    Query(query): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    double.count(|c| &c.tokens, 1);
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let refuse = |error: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": error })),
        )
            .into_response()
    };
    if !query
        .iter()
        .any(|(k, v)| k == "realm" && v == "/partenaire")
    {
        return refuse("invalid_request");
    }
    if field("grant_type") != Some("client_credentials") {
        return refuse("unsupported_grant_type");
    }
    let settings = &double.shared.settings;
    if field("client_id") != Some(settings.client_id.as_str())
        || field("client_secret") != Some(settings.client_secret.as_str())
    {
        return refuse("invalid_client");
    }
    let scope = field("scope").unwrap_or_default();
    if !scope.split(' ').any(|s| s == "api_offresdemploiv2") {
        return refuse("invalid_scope");
    }
    let issued = double
        .shared
        .counters
        .tokens_issued
        .fetch_add(1, Ordering::Relaxed)
        + 1;
    let access_token = format!(
        "ft-token-{issued}-{:x}",
        settings.day.seed ^ (issued * 7919)
    );
    double.sessions().tokens.insert(
        access_token.clone(),
        IssuedToken {
            client_id: settings.client_id.clone(),
            expires: Instant::now() + Duration::from_secs(settings.token_lifetime),
            calls_left: settings.token_calls,
        },
    );
    axum::Json(json!({
        "access_token": access_token,
        "scope": scope,
        "token_type": "Bearer",
        "expires_in": settings.token_lifetime,
    }))
    .into_response()
}
