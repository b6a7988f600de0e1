//! The France Travail source end to end: the real `collector` binary against the local double
//! of the API (`testkit::france_travail`), which enforces the real window, range and rate
//! rules. What a user would check: every offer that can be reached lands exactly once, what
//! cannot is counted, expired tokens and 429s do not stop the run, bad credentials fail
//! clearly, and no secret leaks into files or logs.

mod common;

use std::collections::{HashMap, HashSet};
use std::process::Output;

use axum::response::IntoResponse;
use chrono::{NaiveDate, NaiveTime};
use common::Site;
use releve::RunMetrics;
use serde_json::Value;
use testkit::france_travail::{
    API_PATH, Burst, DayPlan, DoubleSettings, FranceTravailDouble, Offer, RequestCounts, TOKEN_PATH,
};
use testkit::http::LocalServer;

const DAY: &str = "2026-11-21";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date")
}

fn at(h: u32, m: u32, s: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, s).expect("valid time")
}

/// A day of `spread` offers and no burst.
fn plain_day(spread: usize, seed: u64) -> DayPlan {
    DayPlan {
        date: day(),
        spread,
        bursts: Vec::new(),
        seed,
    }
}

const SOURCE: &str = "france-travail";

/// One run of the real binary, and the folder it ran in.
struct Run {
    output: Output,
    site: Site,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Fails the test, with the run's stderr, unless the collector exited 0.
    fn assert_succeeded(&self) {
        assert!(
            self.output.status.success(),
            "collector failed:\n{}",
            self.stderr()
        );
    }

    fn landed_offers(&self) -> Vec<Value> {
        let data = self.site.data_files(SOURCE);
        assert_eq!(
            data.len(),
            1,
            "one file for the day: {data:?}\n{}",
            self.stderr()
        );
        let bytes = std::fs::read(&data[0]).expect("read the landed file");
        serde_json::from_slice(&bytes).expect("the landed file is a JSON array of offers")
    }

    fn metrics(&self) -> RunMetrics {
        let mut metrics = self.site.metrics(SOURCE);
        assert_eq!(metrics.len(), 1, "one metrics file: {metrics:?}");
        metrics.remove(0)
    }

    /// Everything the run wrote or printed, to search for secrets.
    fn everything_written(&self) -> String {
        let mut text = self.stderr();
        text.push_str(&String::from_utf8_lossy(&self.output.stdout));
        for (_, contents) in self.site.everything_written() {
            text.push_str(&contents);
        }
        text
    }
}

/// Runs the collector once for `DAY` against `double`, with the credentials given.
fn collect(double: &FranceTravailDouble, rate_limit: u32, secret: &str) -> Run {
    collect_with(double, rate_limit, secret, "")
}

/// [`collect`] with `extra` lines in the source's table.
fn collect_with(double: &FranceTravailDouble, rate_limit: u32, secret: &str, extra: &str) -> Run {
    collect_from(double.router(), double, rate_limit, secret, extra)
}

/// [`collect_with`] from `router`, the double's routes as a test wraps them.
fn collect_from(
    router: axum::Router,
    double: &FranceTravailDouble,
    rate_limit: u32,
    secret: &str,
    extra: &str,
) -> Run {
    let server = LocalServer::start(router);
    let site = Site::new(&format!(
        r#"[[source]]
name = "{SOURCE}"
kind = "france_travail"
url = "{base}{API_PATH}"
token_url = "{base}{TOKEN_PATH}?realm=/partenaire"
every = "1d"
key = "id"
time = "dateCreation"
rate_limit = {rate_limit}
timeout = "30s"
{extra}
"#,
        base = server.url()
    ));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .args(["--config", "sources.toml", "--raw-dir", "raw", "--force"])
        .args(["--date", DAY])
        .env("FRANCE_TRAVAIL_CLIENT_ID", &double.settings().client_id)
        .env("FRANCE_TRAVAIL_CLIENT_SECRET", secret)
        .env("RUST_LOG", "debug")
        .env("COLLECTOR_BACKOFF_MS", "50")
        .output()
        .expect("run the collector");
    Run { output, site }
}

/// Ids of the offers no query can reach: past position 3149 of their narrowest query (same
/// creation second and contract type, and same département when they have one), in the API's
/// order.
fn unreachable(offers: &[Offer]) -> HashSet<String> {
    let mut by_place: HashMap<(i64, &str, &str), usize> = HashMap::new();
    let mut by_contract: HashMap<(i64, &str), usize> = HashMap::new();
    let mut lost = HashSet::new();
    for offer in offers {
        let second = offer.created.timestamp();
        let contract = by_contract.entry((second, offer.contract)).or_default();
        let ahead = match &offer.departement {
            Some(departement) => {
                let place = by_place
                    .entry((second, offer.contract, departement.as_str()))
                    .or_default();
                *place += 1;
                *place - 1
            }
            None => *contract,
        };
        *contract += 1;
        if ahead >= 3150 {
            lost.insert(offer.id.clone());
        }
    }
    lost
}

fn ids(offers: &[Value]) -> Vec<String> {
    offers
        .iter()
        .map(|o| o["id"].as_str().expect("every offer has an id").to_owned())
        .collect()
}

fn assert_no_secret(run: &Run, double: &FranceTravailDouble) {
    let written = run.everything_written();
    assert!(
        !written.contains(&double.settings().client_secret),
        "the client secret leaked"
    );
    assert!(!written.contains("ft-token-"), "an access token leaked");
}

#[test]
fn a_busy_day_lands_every_reachable_offer_once_and_counts_the_rest() {
    let plan = DayPlan {
        date: day(),
        spread: 13_000,
        bursts: vec![
            Burst {
                at: at(10, 0, 0),
                offers: 3_600,
                contract: "CDI",
                departement: None,
                without_place: 0.12,
            },
            Burst {
                at: at(14, 30, 0),
                offers: 4_000,
                contract: "CDI",
                departement: Some("75"),
                without_place: 0.0,
            },
        ],
        seed: 2026,
    };
    let mut settings = DoubleSettings::new(plan);
    settings.calls_per_second = 2000.0;
    settings.burst = 2000;
    let double = FranceTravailDouble::new(settings);
    let offers = double.offers();
    assert!(offers.len() > 20_000);
    let lost = unreachable(offers);
    assert!(!lost.is_empty(), "the day holds offers no query can reach");
    assert!(
        offers.iter().any(|o| !o
            .json
            .as_object()
            .is_some_and(|m| m.contains_key("lieuTravail"))),
        "the day holds offers without a place"
    );
    assert!(offers.iter().any(|o| o.json.get("romeCode").is_none()));

    let run = collect(&double, 2000, &double.settings().client_secret);
    run.assert_succeeded();
    let landed_offers = run.landed_offers();
    assert!(offers.iter().all(|o| o.json.get("contact").is_some()));
    assert!(
        landed_offers
            .iter()
            .all(|o| o.get("contact").is_none() && o.get("intitule").is_some()),
        "the recruiters' contacts (personal data) never land; the rest does"
    );
    let landed = ids(&landed_offers);
    let distinct: HashSet<String> = landed.iter().cloned().collect();
    assert_eq!(distinct.len(), landed.len(), "an offer landed twice");
    let reachable: HashSet<String> = offers
        .iter()
        .map(|o| o.id.clone())
        .filter(|id| !lost.contains(id))
        .collect();
    assert_eq!(
        distinct, reachable,
        "every reachable offer lands, nothing else"
    );

    let metrics = run.metrics();
    assert_eq!(
        metrics.day,
        Some(day()),
        "the run names the day it collected"
    );
    assert_eq!(metrics.announced, Some(offers.len() as u64));
    assert_eq!(metrics.records, reachable.len() as u64);
    assert_eq!(
        metrics.shortfall,
        lost.len() as u64,
        "the shortfall is exactly the unreachable"
    );
    let stderr = run.stderr();
    assert!(
        stderr.lines().any(|line| line.contains("WARN")
            && line.contains("Offers no query can reach")
            && line.contains(&format!("unreachable={}", lost.len()))),
        "the unreachable offers are warned of: {stderr}"
    );
    let coverage = metrics.coverage.expect("coverage");
    assert!((coverage - reachable.len() as f64 / offers.len() as f64).abs() < 1e-9);
    assert_eq!(
        double.counts().bad_requests,
        0,
        "no request broke the API's rules"
    );
    assert_no_secret(&run, &double);
}

/// A day of 3,000 offers collected at 8 calls a second from a double whose tokens `tokens`
/// limits; every offer lands, none is counted short. Returns what the double counted.
fn collect_renewing(rate_limit: u32, tokens: impl FnOnce(&mut DoubleSettings)) -> RequestCounts {
    let mut settings = DoubleSettings::new(plain_day(3_000, 5));
    settings.calls_per_second = 2000.0;
    settings.burst = 2000;
    tokens(&mut settings);
    let double = FranceTravailDouble::new(settings);
    let run = collect(&double, rate_limit, &double.settings().client_secret);
    run.assert_succeeded();
    assert_eq!(run.landed_offers().len(), 3_000);
    assert_eq!(run.metrics().shortfall, 0);
    assert_no_secret(&run, &double);
    double.counts()
}

#[test]
fn tokens_that_expire_or_are_revoked_mid_run_are_renewed() {
    // Revoked: each token answers 10 calls, then 401, long before it would expire.
    let counts = collect_renewing(8, |settings| settings.token_calls = Some(10));
    assert!(
        counts.unauthorized >= 1,
        "a revoked token was met: {counts:?}"
    );
    assert!(counts.tokens_issued >= 2, "tokens were renewed: {counts:?}");

    // Expired: tokens live 8 s and the 20 or so calls take at least 10 s at 2 calls a second;
    // whether a token is renewed before it expires or after its 401 (a call that took it
    // before its renewal and waited its turn past its end), none stops the run. A lifetime
    // shorter than the 5 s the collector uses any token for would have every call in flight
    // meet a 401 at each renewal, and a loaded machine could keep one waiting past its fresh
    // token's life three times running.
    let counts = collect_renewing(2, |settings| settings.token_lifetime = 8);
    assert!(
        counts.tokens_issued >= 2,
        "tokens were renewed as they expired: {counts:?}"
    );
}

#[test]
fn a_later_page_answered_416_lands_the_pages_before_it_and_counts_the_rest_short() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(300, 4)));
    // As if offers were withdrawn once the first page had announced 300: the second page's
    // range starts past the total left, and the API answers 416 (Range Not Satisfiable).
    let router = double.router().layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let past_the_end = request
                .uri()
                .query()
                .is_some_and(|query| query.contains("range=150-"));
            if past_the_end {
                axum::http::StatusCode::RANGE_NOT_SATISFIABLE.into_response()
            } else {
                next.run(request).await
            }
        },
    ));
    let run = collect_from(router, &double, 40, &double.settings().client_secret, "");
    run.assert_succeeded();
    assert_eq!(run.landed_offers().len(), 150);
    let metrics = run.metrics();
    assert_eq!(
        (metrics.announced, metrics.shortfall),
        (Some(300), 150),
        "{metrics:?}"
    );
}

/// An economist's Occitanie day (`region = "76"`) holding a bulk import of fixed-term offers in
/// Haute-Garonne, all created in one second: more than the API's window of them, cut by
/// contract type and département, still. The warning counted them out of reach without saying
/// which offers they were, so the day's contract counts read as Occitanie's, their CDD in 31
/// short; it now names the query left past the window, its second, contract type and
/// département, and its total (found by a labour-market economist).
#[test]
fn offers_out_of_reach_are_warned_of_with_the_query_that_holds_them() {
    let plan = DayPlan {
        date: day(),
        spread: 300,
        bursts: vec![Burst {
            at: at(9, 0, 0),
            offers: 3_800,
            contract: "CDD",
            departement: Some("31"),
            without_place: 0.0,
        }],
        seed: 76,
    };
    let mut settings = DoubleSettings::new(plan);
    settings.calls_per_second = 2000.0;
    settings.burst = 2000;
    let double = FranceTravailDouble::new(settings);
    let crowded = double
        .offers()
        .iter()
        .filter(|o| {
            o.created == day().and_time(at(9, 0, 0)).and_utc()
                && o.contract == "CDD"
                && o.departement.as_deref() == Some("31")
        })
        .count();
    assert!(crowded > 3_150, "the second's CDD in 31 outgrow the window");

    let run = collect_with(
        &double,
        2000,
        &double.settings().client_secret,
        "params = { region = \"76\" }",
    );
    run.assert_succeeded();
    assert_eq!(run.metrics().shortfall, crowded as u64 - 3_150);
    let stderr = run.stderr();
    let warning = stderr
        .lines()
        .find(|line| line.contains("WARN") && line.contains("Offers no query can reach"))
        .unwrap_or_else(|| panic!("a warning of the offers out of reach:\n{stderr}"));
    let named = format!(
        "created {DAY}T09:00:00Z..{DAY}T09:00:00Z, region=76, typeContrat=CDD, departement=31: {crowded} announced, 3150 reachable"
    );
    assert!(
        warning.contains(&named),
        "the query past the window is named ({named}):\n{warning}"
    );
}

/// An offer quoting the request (a recruiter pasting it into a description) lands without the
/// access token or the client secret it echoes.
#[test]
fn an_offer_echoing_the_token_or_the_secret_lands_without_them() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(300, 4)));
    let secret = double.settings().client_secret.clone();
    let router = double.router().layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let secret = secret.clone();
            async move {
                let authorization = request
                    .headers()
                    .get(axum::http::header::AUTHORIZATION)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let (mut parts, body) = next.run(request).await.into_parts();
                let bytes = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .expect("the double's body");
                let Ok(mut page) = serde_json::from_slice::<Value>(&bytes) else {
                    return axum::response::Response::from_parts(
                        parts,
                        axum::body::Body::from(bytes),
                    );
                };
                if let Some(offer) = page
                    .get_mut("resultats")
                    .and_then(|offers| offers.get_mut(0))
                {
                    offer["description"] = Value::from(format!(
                        "Sent with {authorization}, token={}, secret {secret}",
                        authorization.trim_start_matches("Bearer ")
                    ));
                }
                parts.headers.remove(axum::http::header::CONTENT_LENGTH);
                let body = serde_json::to_vec(&page).expect("a page");
                axum::response::Response::from_parts(parts, axum::body::Body::from(body))
            }
        },
    ));
    let run = collect_from(router, &double, 40, &double.settings().client_secret, "");
    run.assert_succeeded();
    let offers = run.landed_offers();
    assert_eq!(offers.len(), 300);
    let echoed: Vec<&str> = offers
        .iter()
        .filter_map(|offer| offer["description"].as_str())
        .filter(|text| text.starts_with("Sent with"))
        .collect();
    assert!(!echoed.is_empty(), "the echoing offers landed");
    for text in echoed {
        assert_eq!(text, "Sent with Bearer ***, token=***, secret ***");
    }
    assert_no_secret(&run, &double);
}

#[test]
fn throttled_calls_wait_and_are_retried_with_or_without_retry_after() {
    for retry_after in [true, false] {
        let mut settings = DoubleSettings::new(plain_day(2_400, 9));
        settings.throttle_every = Some(6);
        settings.retry_after = retry_after;
        let double = FranceTravailDouble::new(settings);
        assert_eq!(double.settings().calls_per_second, 10.0);
        let run = collect(&double, 40, &double.settings().client_secret);
        run.assert_succeeded();
        assert_eq!(
            run.landed_offers().len(),
            2_400,
            "Retry-After: {retry_after}"
        );
        let metrics = run.metrics();
        assert!(
            metrics.throttled > Some(0),
            "the API answered 429: {metrics:?}\n{}",
            run.stderr()
        );
        assert!(
            metrics.retries >= metrics.throttled,
            "each 429 was retried: {metrics:?}"
        );
        assert_eq!(metrics.throttled, Some(double.counts().throttled));
        assert_no_secret(&run, &double);
    }
}

/// A client id without its secret is a set-up left half done, not a source meant to be
/// skipped: the run fails, naming the variable to set, and calls nothing.
#[test]
fn a_missing_secret_fails_the_source_naming_the_variable_to_set() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(10, 3)));
    let run = collect(&double, 10, "");
    let stderr = run.stderr();
    assert!(!run.output.status.success(), "a failure:\n{stderr}");
    assert!(
        stderr.contains(
            "France Travail credentials half set: FRANCE_TRAVAIL_CLIENT_SECRET is not set, or blank (environment or .env), while the other is"
        ),
        "only the missing variable is named:\n{stderr}"
    );
    assert_eq!(double.counts().api_calls, 0);
}

#[test]
fn a_scope_the_api_does_not_grant_is_named_rather_than_the_credentials() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(10, 3)));
    let run = collect_with(
        &double,
        10,
        &double.settings().client_secret.clone(),
        r#"scope = "o2dsoffre""#,
    );
    assert!(!run.output.status.success(), "the run must fail");
    let stderr = run.stderr();
    let failure = stderr
        .lines()
        .find(|l| l.starts_with("collector: source `france-travail` failed"))
        .unwrap_or_else(|| panic!("a failure line:\n{stderr}"));
    assert!(
        failure
            .contains("refused the scope `o2dsoffre` (invalid_scope): check the source's `scope`"),
        "{failure}"
    );
    assert!(
        !failure.contains("FRANCE_TRAVAIL_CLIENT_SECRET"),
        "{failure}"
    );
}

#[test]
fn bad_credentials_fail_with_one_clear_line_and_land_nothing() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(500, 3)));
    let wrong_secret = "wrong-secret-4711";
    let run = collect(&double, 10, wrong_secret);
    assert!(!run.output.status.success(), "the run must fail");
    let stderr = run.stderr();
    let failures: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("collector: source `france-travail` failed"))
        .collect();
    assert_eq!(failures.len(), 1, "one failure line:\n{stderr}");
    assert!(failures[0].contains("invalid_client"), "{}", failures[0]);
    assert!(
        failures[0].contains("FRANCE_TRAVAIL_CLIENT_SECRET"),
        "{}",
        failures[0]
    );
    assert!(run.site.data_files(SOURCE).is_empty(), "nothing lands");
    assert!(
        run.metrics().error.is_some(),
        "the metrics record the failure"
    );
    assert!(
        !run.everything_written().contains(wrong_secret),
        "the secret leaked"
    );
    assert_eq!(double.counts().api_calls, 0, "no search without a token");
}

/// The binary takes yesterday from the clock: waits past midnight when it is less than two
/// minutes away, so a test's runs fall inside one UTC day.
fn away_from_midnight() {
    let to_midnight = chrono::Utc::now()
        .date_naive()
        .succ_opt()
        .and_then(|tomorrow| tomorrow.and_hms_opt(0, 0, 0))
        .map(|midnight| midnight.and_utc() - chrono::Utc::now());
    if let Some(wait) = to_midnight.filter(|wait| *wait < chrono::TimeDelta::seconds(120)) {
        std::thread::sleep(wait.to_std().unwrap_or_default() + std::time::Duration::from_secs(1));
    }
}

/// Days missed while the collector was down are collected by the next runs, newest first,
/// one day per run, without `--date`.
#[test]
fn days_missed_while_the_collector_was_down_are_caught_up() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(10, 3)));
    let server = LocalServer::start(double.router());
    let site = Site::new(&format!(
        r#"[[source]]
name = "{SOURCE}"
kind = "france_travail"
url = "{base}{API_PATH}"
token_url = "{base}{TOKEN_PATH}?realm=/partenaire"
every = "1d"
key = "id"
time = "dateCreation"
"#,
        base = server.url()
    ));
    away_from_midnight();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let last_landed = yesterday - chrono::Days::new(3);
    let folder = site.raw().join(SOURCE);
    std::fs::create_dir_all(&folder).expect("source folder");
    std::fs::write(
        folder.join(".state.json"),
        format!(r#"{{"last_error":null,"days":["{last_landed}"]}}"#),
    )
    .expect("state file");
    let run = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
            .current_dir(site.dir.path())
            .args(["--config", "sources.toml", "--raw-dir", "raw"])
            .envs(double.credentials())
            .env("COLLECTOR_BACKOFF_MS", "50")
            .output()
            .expect("run the collector");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    for _ in 0..4 {
        run();
    }
    let days: Vec<_> = site.metrics(SOURCE).iter().map(|m| m.day).collect();
    assert_eq!(
        days,
        [1, 2, 3].map(|back| Some(last_landed + chrono::Days::new(4 - back))),
        "yesterday first, then the two days before it; the fourth run has nothing to do"
    );
}

/// An outage of ten days: the two days before the week a catch-up reaches, never landed, are
/// said once as they leave it, with the command that collects them; the next run says
/// nothing of them again.
#[test]
fn days_an_outage_left_past_the_catch_up_are_said_once_with_the_command_that_collects_them() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(10, 3)));
    let server = LocalServer::start(double.router());
    let site = Site::new(&format!(
        r#"[[source]]
name = "{SOURCE}"
kind = "france_travail"
url = "{base}{API_PATH}"
token_url = "{base}{TOKEN_PATH}?realm=/partenaire"
every = "1d"
key = "id"
time = "dateCreation"
"#,
        base = server.url()
    ));
    away_from_midnight();
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let back = |days: u64| today - chrono::Days::new(days);
    // Last landed ten days ago; the last run two days ago, when the week reached back nine.
    let folder = site.raw().join(SOURCE);
    std::fs::create_dir_all(&folder).expect("source folder");
    std::fs::write(
        folder.join(".state.json"),
        format!(
            r#"{{"last_attempt":"{}","last_error":"HTTP 503","failures_in_a_row":1,"days":["{}","{}"]}}"#,
            (now - chrono::TimeDelta::days(2)).to_rfc3339(),
            back(12),
            back(10)
        ),
    )
    .expect("state file");
    let run = || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
            .current_dir(site.dir.path())
            .args(["--config", "sources.toml", "--raw-dir", "raw"])
            .envs(double.credentials())
            .env("COLLECTOR_BACKOFF_MS", "50")
            .output()
            .expect("run the collector");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let said = run();
    assert!(
        said.contains(&format!("{}, {}", back(9), back(8)))
            && said.contains(&format!("collector --source {SOURCE} --date {}", back(9))),
        "the two days past the week, with the command: {said}"
    );
    let again = run();
    assert!(!again.contains("past the week"), "said once: {again}");
}

#[test]
fn a_day_without_a_single_offer_lands_empty_with_a_warning() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(0, 3)));
    let run = collect(&double, 10, &double.settings().client_secret.clone());
    assert!(run.output.status.success(), "{}", run.stderr());
    assert!(run.landed_offers().is_empty());
    let metrics = run.metrics();
    assert_eq!((metrics.announced, metrics.records), (Some(0), 0));
    let day = metrics.day.expect("the day collected");
    let again = format!("`collector --source {SOURCE} --date {day} --force`");
    assert!(
        run.stderr().lines().any(|line| line.contains("WARN")
            && line.contains("answered no offer for the whole day")
            && line.contains(&again)),
        "{}",
        run.stderr()
    );
}

/// A source whose `params` choose few offers (one trade in one town) has days without any, as
/// a matter of course: no warning that the API is more likely at fault, nor advice to collect
/// the day again (found by the review of stop 54).
#[test]
fn a_filtered_day_without_a_matching_offer_is_no_warning_of_the_api() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(3_000, 5)));
    assert!(
        !double
            .offers()
            .iter()
            .any(|o| o.json.get("romeCode").and_then(Value::as_str) == Some("K2111")),
        "no offer of the filtered trade that day"
    );
    let run = collect_with(
        &double,
        100,
        &double.settings().client_secret,
        "params = { codeROME = \"K2111\", commune = \"31555\" }",
    );
    run.assert_succeeded();
    assert!(run.landed_offers().is_empty());
    assert!(
        !run.stderr()
            .lines()
            .any(|line| line.contains("WARN")
                && line.contains("answered no offer for the whole day")),
        "a filtered day without offers is warned of as the API's fault: {}",
        run.stderr()
    );
    assert!(
        run.stderr().contains(
            "No offer matched the source's filters (codeROME=K2111, commune=31555) that day."
        ),
        "{}",
        run.stderr()
    );
}

/// A broad filter (Haute-Garonne, the README's own `departement = "31"`, has hundreds of offers
/// a day) keeps the warning of a day without a single offer, with the command that collects it
/// again (found by the review of stop 55).
#[test]
fn a_departement_s_day_without_a_single_offer_still_warns() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(0, 3)));
    let run = collect_with(
        &double,
        10,
        &double.settings().client_secret.clone(),
        "params = { departement = \"31\" }",
    );
    run.assert_succeeded();
    assert!(run.landed_offers().is_empty());
    let day = run.metrics().day.expect("the day collected");
    let again = format!("`collector --source {SOURCE} --date {day} --force`");
    assert!(
        run.stderr().lines().any(|line| line.contains("WARN")
            && line.contains("no offer matching the source's filters (departement=31)")
            && line.contains(&again)),
        "a département's day without a single offer is no warning: {}",
        run.stderr()
    );
}

/// The values of `param` in one search's parameters, each.
fn sent(search: &[(String, String)], param: &str) -> Vec<String> {
    search
        .iter()
        .filter(|(name, _)| name == param)
        .flat_map(|(_, values)| values.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// `params = { departement = ["31", "81"] }`: a day holding more than one query reaches for
/// these two départements, with one second crowded in both (and in Paris), lands exactly their
/// offers, all of them, and no query asks for another département nor goes without the filter.
#[test]
fn a_departement_filter_lands_exactly_its_offers_though_they_fill_more_than_a_query() {
    let burst = |departement, offers| Burst {
        at: at(10, 0, 0),
        offers,
        contract: "CDI",
        departement: Some(departement),
        without_place: 0.0,
    };
    let plan = DayPlan {
        bursts: vec![burst("31", 3_000), burst("81", 3_000), burst("75", 3_000)],
        ..plain_day(13_000, 31)
    };
    let mut settings = DoubleSettings::new(plan);
    settings.calls_per_second = 2000.0;
    settings.burst = 2000;
    let double = FranceTravailDouble::new(settings);
    let expected: HashSet<String> = double
        .offers()
        .iter()
        .filter(|o| matches!(o.departement.as_deref(), Some("31" | "81")))
        .map(|o| o.id.clone())
        .collect();
    assert!(expected.len() > 3_149, "{}", expected.len());

    let run = collect_with(
        &double,
        2000,
        &double.settings().client_secret,
        "params = { departement = [\"31\", \"81\"] }",
    );
    run.assert_succeeded();
    let landed = ids(&run.landed_offers());
    let distinct: HashSet<String> = landed.iter().cloned().collect();
    assert_eq!(distinct.len(), landed.len(), "an offer landed twice");
    assert!(
        distinct == expected,
        "{} offers of the two départements missing, {} from elsewhere",
        expected.difference(&distinct).count(),
        distinct.difference(&expected).count()
    );
    let metrics = run.metrics();
    assert_eq!(metrics.announced, Some(expected.len() as u64));
    assert_eq!(metrics.records, expected.len() as u64);
    assert_eq!(metrics.shortfall, 0, "the filtered day lands whole");

    let searches = double.searches();
    assert!(!searches.is_empty());
    for search in &searches {
        let departements = sent(search, "departement");
        assert!(
            !departements.is_empty() && departements.iter().all(|d| d == "31" || d == "81"),
            "{search:?}"
        );
        assert!(sent(search, "region").is_empty(), "{search:?}");
    }
    assert!(
        searches
            .iter()
            .any(|search| sent(search, "departement") == ["81"]),
        "the crowded second is cut by the two départements"
    );
    assert_eq!(double.counts().bad_requests, 0);
}

/// Filters the collector never cuts by go with every query as written, and the offers land
/// that match them all: Occitanie's web developers.
#[test]
fn filters_on_trade_and_region_go_with_every_query() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(3_000, 76)));
    let expected: HashSet<String> = double
        .offers()
        .iter()
        .filter(|o| {
            o.departement
                .as_deref()
                .and_then(testkit::france_travail::region_of)
                == Some("76")
                && o.json.get("romeCode").and_then(Value::as_str) == Some("M1805")
        })
        .map(|o| o.id.clone())
        .collect();
    assert!(!expected.is_empty());
    let run = collect_with(
        &double,
        100,
        &double.settings().client_secret,
        "params = { region = \"76\", codeROME = [\"M1805\"] }",
    );
    run.assert_succeeded();
    let landed: HashSet<String> = ids(&run.landed_offers()).into_iter().collect();
    assert_eq!(landed, expected);
    for search in double.searches() {
        assert_eq!(sent(&search, "region"), ["76"], "{search:?}");
        assert_eq!(sent(&search, "codeROME"), ["M1805"], "{search:?}");
    }
}

/// The log of a run collecting a day of 40 offers none of which carries a `contact`, the
/// source's table ending with `extra`.
fn a_day_without_contacts(extra: &str) -> String {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(40, 9)));
    let router = double.router().layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let (mut parts, body) = next.run(request).await.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .expect("the double's body");
            let Ok(mut page) = serde_json::from_slice::<Value>(&bytes) else {
                return axum::response::Response::from_parts(parts, axum::body::Body::from(bytes));
            };
            if let Some(offers) = page.get_mut("resultats").and_then(Value::as_array_mut) {
                for offer in offers {
                    if let Some(offer) = offer.as_object_mut() {
                        offer.remove("contact");
                    }
                }
            }
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            let body = serde_json::to_vec(&page).expect("a page");
            axum::response::Response::from_parts(parts, axum::body::Body::from(body))
        },
    ));
    let run = collect_from(router, &double, 40, &double.settings().client_secret, extra);
    run.assert_succeeded();
    assert_eq!(run.landed_offers().len(), 40);
    run.stderr()
}

/// A France Travail source with no `drop` written: its offers' `contact` is removed by default
/// (the README). On a day whose offers carry no `contact` (offers relayed from partner sites, a
/// small `commune`'s few offers), the log warns "These `drop` paths removed nothing from any
/// record of this run … (misspelt?)", naming `contact`: a path the user never wrote, said as
/// a mistake in their configuration, each day such a day lands.
#[test]
fn a_day_of_offers_without_contacts_does_not_call_the_default_drop_misspelt() {
    let stderr = a_day_without_contacts("");
    assert!(
        !stderr.contains("removed nothing"),
        "a source whose `drop` is the default is told its `contact` path may be misspelt:\n{stderr}"
    );
}

/// The README's own `drop` for France Travail, `["contact", "lieuTravail.codePostal"]` (written
/// to drop a postcode besides the default `contact`). On a day whose offers carry no `contact`
/// (offers relayed from partner sites, a small `commune`'s few offers), the log warns "These
/// `drop` paths removed nothing from any record of this run … (misspelt?)", naming `contact`:
/// the very path that is exempted when it is the default, here right, said as a mistake each
/// day such a day lands.
#[test]
fn a_day_of_offers_without_contacts_does_not_call_a_written_contact_drop_misspelt() {
    let stderr = a_day_without_contacts("drop = [\"contact\", \"lieuTravail.codePostal\"]");
    assert!(
        !stderr.contains("removed nothing"),
        "a source whose `drop` is the README's example is told its `contact` path may be misspelt on a day whose offers hold no contact:\n{stderr}"
    );
}

/// `router` with every answer of `status` under `API_PATH` replaced by an HTML page of that
/// status (the API's gateway's error page, where the double answers JSON or nothing).
fn html_refusals(router: axum::Router, status: u16) -> axum::Router {
    router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let picked = request.uri().path().starts_with(API_PATH);
            let answer = next.run(request).await;
            if picked && answer.status().as_u16() == status {
                let page = "<html><head><title>Error</title></head><body>Refused</body></html>";
                (answer.status(), [("content-type", "text/html")], page).into_response()
            } else {
                answer
            }
        },
    ))
}

/// A revoked token's 401 with an HTML page (the API's gateway) failed the run as maybe a
/// Wi-Fi's sign-in page, where the API's own 401 renews the token: renewed all the same.
#[test]
fn a_revoked_token_refused_with_an_html_page_is_renewed() {
    let mut settings = DoubleSettings::new(plain_day(300, 5));
    settings.token_calls = Some(1);
    let double = FranceTravailDouble::new(settings);
    let router = html_refusals(double.router(), 401);
    let run = collect_from(router, &double, 40, &double.settings().client_secret, "");
    run.assert_succeeded();
    assert!(!run.stderr().contains("Wi-Fi"), "{}", run.stderr());
    assert_eq!(run.landed_offers().len(), 300);
    let counts = double.counts();
    assert!(counts.unauthorized >= 1, "a revoked token met: {counts:?}");
    assert!(counts.tokens_issued >= 2, "tokens renewed: {counts:?}");
}

/// A later page's 416 with an HTML page is the end of its query, as the API's own 416 is.
#[test]
fn a_later_page_answered_416_with_an_html_page_ends_its_query() {
    let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(300, 4)));
    let router = double.router().layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let past_the_end = request
                .uri()
                .query()
                .is_some_and(|query| query.contains("range=150-"));
            if past_the_end {
                let page = "<html><head><title>416 Range Not Satisfiable</title></head></html>";
                let status = axum::http::StatusCode::RANGE_NOT_SATISFIABLE;
                (status, [("content-type", "text/html")], page).into_response()
            } else {
                next.run(request).await
            }
        },
    ));
    let run = collect_from(router, &double, 40, &double.settings().client_secret, "");
    run.assert_succeeded();
    assert_eq!(run.landed_offers().len(), 150);
    assert_eq!(run.metrics().shortfall, 150);
}

/// The token endpoint refusing with an HTML page names the credentials to check (401), as its
/// JSON refusal does, or its `token_url` (400), not a Wi-Fi's sign-in page.
#[test]
fn credentials_refused_with_an_html_page_are_named() {
    // A 401 refuses the credentials; a 400 in HTML is a gateway's refusal of the request (OAuth2
    // says `invalid_client` in JSON): its `token_url` is named instead.
    for (status, named) in [
        (
            401,
            "refused the client credentials (an HTML page titled \"Error\")",
        ),
        (
            400,
            "refused the request (an HTML page titled \"Error\"): check the source's `token_url`",
        ),
    ] {
        let double = FranceTravailDouble::new(DoubleSettings::new(plain_day(10, 3)));
        let router = double.router().layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| async move {
                if request.uri().path() == TOKEN_PATH {
                    let page = "<html><head><title>Error</title></head><body>Refused</body></html>";
                    let status = axum::http::StatusCode::from_u16(status).expect("a status");
                    (status, [("content-type", "text/html")], page).into_response()
                } else {
                    next.run(request).await
                }
            },
        ));
        let run = collect_from(router, &double, 10, "wrong-secret-4711", "");
        assert!(!run.output.status.success(), "the run must fail");
        let stderr = run.stderr();
        let failure = stderr
            .lines()
            .find(|l| l.starts_with("collector: source `france-travail` failed"))
            .unwrap_or_else(|| panic!("a failure line:\n{stderr}"));
        assert!(failure.contains(named), "HTTP {status}: {failure}");
        assert_eq!(
            failure.contains("FRANCE_TRAVAIL_CLIENT_SECRET"),
            status == 401,
            "{failure}"
        );
        assert!(!failure.contains("Wi-Fi"), "HTTP {status}: {failure}");
    }
}
