//! A checkout kept on the Windows drive under WSL (`/mnt/c/Users/<name>/releve`), whose
//! `.env` a student writes with Notepad or VS Code: what each such file does to a collector
//! run, the real binary against the local double of France Travail.

mod common;

use std::process::Output;

use chrono::NaiveDate;
use common::Site;
use testkit::france_travail::{API_PATH, DayPlan, DoubleSettings, FranceTravailDouble, TOKEN_PATH};
use testkit::http::LocalServer;

const SOURCE: &str = "france-travail";

/// A small day of offers.
fn double() -> FranceTravailDouble {
    FranceTravailDouble::new(DoubleSettings::new(DayPlan {
        date: NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date"),
        spread: 20,
        bursts: Vec::new(),
        seed: 7,
    }))
}

/// The collector run once, by hand from the checkout (as cron's line does after its `cd`),
/// for the double's day, with `dotenv` written by the student as `dotenv_name`, and no
/// credential in the environment.
fn collect(double: &FranceTravailDouble, dotenv_name: &str, dotenv: &[u8]) -> (Output, Site) {
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
    std::fs::write(site.dir.path().join(dotenv_name), dotenv).expect("write the .env");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .args(["--config", "sources.toml", "--raw-dir", "raw", "--force"])
        .args(["--date", "2026-11-21"])
        .env_remove("FRANCE_TRAVAIL_CLIENT_ID")
        .env_remove("FRANCE_TRAVAIL_CLIENT_SECRET")
        .env("COLLECTOR_BACKOFF_MS", "50")
        .output()
        .expect("run the collector");
    (output, site)
}

/// Autocorrect in a Windows editor (Word, Outlook, a web page copied from) turns `"…"` into
/// `“…”`. dotenv quotes only with straight quotes, so the curly ones become part of the id
/// and secret, which France Travail refuses: the run fails with "check
/// FRANCE_TRAVAIL_CLIENT_ID and FRANCE_TRAVAIL_CLIENT_SECRET", and the student, checking,
/// sees the values right, quoted. Either the quotes are no part of the values (the day is
/// collected), or the stage says which line of `.env` holds typographic quotes.
#[test]
fn credentials_in_typographic_quotes_in_dotenv_are_not_sent_with_their_quotes() {
    let double = double();
    let settings = double.settings();
    let dotenv = format!(
        "FRANCE_TRAVAIL_CLIENT_ID=\u{201c}{}\u{201d}\r\nFRANCE_TRAVAIL_CLIENT_SECRET=\u{201c}{}\u{201d}\r\n",
        settings.client_id, settings.client_secret
    );
    let (output, site) = collect(&double, ".env", dotenv.as_bytes());
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        assert_eq!(site.data_files(SOURCE).len(), 1, "the day lands: {stderr}");
    } else {
        assert!(
            stderr.contains(".env:1") && !stderr.contains("invalid_client"),
            "the failure names the line of .env holding curly quotes, not wrong credentials: {stderr}"
        );
    }
}

/// Notepad saves a new file as "Text Documents (*.txt)" unless told otherwise: the student's
/// `.env` is `.env.txt`, which Windows' Explorer shows as `.env` (extensions hidden). No
/// stage reads it, and none says so: France Travail is skipped with "no France Travail
/// credentials: set … (environment or .env)", which the student believes done (and a
/// `MONGODB_URI` there would be left for the default server). The stage names the file it
/// does not read.
#[test]
fn a_dotenv_saved_as_dotenv_txt_is_named_rather_than_ignored() {
    let double = double();
    let settings = double.settings();
    let dotenv = format!(
        "FRANCE_TRAVAIL_CLIENT_ID={}\r\nFRANCE_TRAVAIL_CLIENT_SECRET='{}'\r\n",
        settings.client_id, settings.client_secret
    );
    let (output, site) = collect(&double, ".env.txt", dotenv.as_bytes());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".env.txt"),
        "nothing says `.env.txt` is not read (landed: {:?}): {stderr}",
        site.data_files(SOURCE)
    );
}
