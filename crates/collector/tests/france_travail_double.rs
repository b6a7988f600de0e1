//! The France Travail double refuses what the real API refuses (api-notes §3), so the
//! collector's tests prove something: bad credentials, missing or unknown tokens, ranges past
//! the caps with the real messages, half a date filter, and the 200/206/204 answers with a
//! clamped `Content-Range`.

use serde_json::Value;
use testkit::france_travail::{API_PATH, DayPlan, DoubleSettings, FranceTravailDouble, TOKEN_PATH};
use testkit::http::LocalServer;

struct Api {
    base: String,
    token_url: String,
    http: reqwest::Client,
    double: FranceTravailDouble,
}

fn start(offers: usize) -> Api {
    collector::http::install_tls_provider();
    let plan = DayPlan {
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
        spread: offers,
        bursts: Vec::new(),
        seed: 1,
    };
    let mut settings = DoubleSettings::new(plan);
    settings.calls_per_second = 1000.0;
    settings.burst = 1000;
    let double = FranceTravailDouble::new(settings);
    let server = LocalServer::start(double.router());
    Api {
        base: format!("{}{API_PATH}", server.url()),
        token_url: format!("{}{TOKEN_PATH}?realm=/partenaire", server.url()),
        http: reqwest::Client::new(),
        double,
    }
}

impl Api {
    async fn token(&self, secret: &str) -> reqwest::Response {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.double.settings().client_id.as_str()),
            ("client_secret", secret),
            ("scope", "api_offresdemploiv2 o2dsoffre"),
        ];
        self.http
            .post(&self.token_url)
            .form(&form)
            .send()
            .await
            .expect("token request")
    }

    async fn bearer(&self) -> String {
        let secret = self.double.settings().client_secret.clone();
        let answer: Value = self.token(&secret).await.json().await.expect("token JSON");
        assert_eq!(answer["token_type"], "Bearer");
        assert_eq!(answer["expires_in"], 1499);
        format!("Bearer {}", answer["access_token"].as_str().expect("token"))
    }

    async fn search(&self, bearer: &str, params: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(format!("{}/offres/search", self.base))
            .header("Authorization", bearer)
            .query(params)
            .send()
            .await
            .expect("search request")
    }
}

async fn message(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON error body");
    (
        status,
        body["message"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn credentials_and_tokens_are_checked() {
    let api = start(10);
    let refused = api.token("not-the-secret").await;
    assert_eq!(refused.status().as_u16(), 400);
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body, serde_json::json!({"error": "invalid_client"}));
    let unknown = api.search("Bearer forged", &[]).await;
    assert_eq!(unknown.status().as_u16(), 401);
    assert!(
        unknown.bytes().await.expect("body").is_empty(),
        "401 has an empty body"
    );
    let bearer = api.bearer().await;
    assert_eq!(api.search(&bearer, &[]).await.status().as_u16(), 200);
}

#[tokio::test]
async fn ranges_past_the_caps_get_the_real_messages() {
    let api = start(400);
    let bearer = api.bearer().await;
    let cases = [
        (
            "0-150",
            "La plage de résultats demandée est trop importante.",
        ),
        (
            "3001-3100",
            "La position de début doit être inférieure ou égale à 3000.",
        ),
        (
            "3001-3150",
            "La position de fin doit être inférieure ou égale à 3149.",
        ),
        (
            "abc",
            "Format du paramètre « range » incorrect. <entier>-<entier> attendu.",
        ),
    ];
    for (range, expected) in cases {
        let (status, text) = message(api.search(&bearer, &[("range", range)]).await).await;
        assert_eq!((status, text.as_str()), (400, expected), "range={range}");
    }
    let half = api
        .search(&bearer, &[("minCreationDate", "2026-11-21T00:00:00Z")])
        .await;
    assert_eq!(half.status().as_u16(), 400, "min without max is refused");
}

#[tokio::test]
async fn pages_carry_content_range_and_the_right_status() {
    let api = start(353);
    let bearer = api.bearer().await;
    let first = api.search(&bearer, &[("range", "0-149")]).await;
    assert_eq!(first.status().as_u16(), 206);
    assert_eq!(first.headers()["content-range"], "offres 0-149/353");
    let last = api.search(&bearer, &[("range", "300-450")]).await;
    assert_eq!(last.status().as_u16(), 400, "151 offers asked");
    let last = api.search(&bearer, &[("range", "300-399")]).await;
    assert_eq!(last.headers()["content-range"], "offres 300-352/353");
    let body: Value = last.json().await.expect("JSON");
    assert_eq!(body["resultats"].as_array().map(Vec::len), Some(53));
    let day = [
        ("minCreationDate", "2026-11-22T00:00:00Z"),
        ("maxCreationDate", "2026-11-22T23:59:59Z"),
    ];
    assert_eq!(
        api.search(&bearer, &day).await.status().as_u16(),
        204,
        "no offer the next day"
    );
    let all = api
        .search(&bearer, &[("range", "0-149"), ("typeContrat", "XYZ")])
        .await;
    assert_eq!(all.status().as_u16(), 204);
}
