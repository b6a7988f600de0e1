//! `collector --check`: what a run would do with each source, said without calling any API or
//! writing any file, and an exit code a script can test.

mod common;

use std::process::{Command, Output};
use std::sync::atomic::Ordering;

use common::{Site, numbered_feed, usgs_body, usgs_source};

/// The line of `--check`'s `stdout` about the source `name`.
fn source_line(stdout: &str, name: &str) -> String {
    stdout
        .lines()
        .find(|line| line.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("a line for {name}: {stdout}"))
        .to_owned()
}

fn check(site: &Site, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env_remove("RELEVE_TEST_UNSET_KEY")
        .arg("--check")
        .args(args)
        .output()
        .expect("collector runs")
}

#[test]
fn a_check_says_what_a_run_would_do_with_each_source_and_calls_nothing() {
    let body = usgs_body(1);
    let (server, calls) = numbered_feed(move |_| {
        let body = body.clone();
        async move { body }
    });
    let url = format!("{}/feed", server.url());
    let config = [
        usgs_source("quakes", &url, ""),
        usgs_source("keyed", &url, "key_env = \"RELEVE_TEST_UNSET_KEY\""),
        usgs_source("typo", &url, "evrey = \"5m\""),
        usgs_source("off", &url, "enabled = false"),
    ]
    .concat();
    let site = Site::new(&config);

    let output = check(&site, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "sources.toml: 1 ready, 1 disabled, 1 failing, 1 refused"
    );
    let line_of = |name: &str| {
        lines
            .iter()
            .find(|line| line.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("a line for {name}: {stdout}"))
    };
    assert!(line_of("quakes").starts_with("ready "), "{stdout}");
    assert!(
        line_of("quakes").ends_with("http_json, every 1m"),
        "{stdout}"
    );
    let keyed = line_of("keyed");
    assert!(
        keyed.starts_with("FAILING")
            && keyed.contains("`RELEVE_TEST_UNSET_KEY` (key `key_env`) is not set"),
        "{stdout}"
    );
    let typo = line_of("typo");
    assert!(
        typo.starts_with("REFUSED")
            && typo.contains("source `typo`: unknown key `evrey` (did you mean `every`?)"),
        "{stdout}"
    );
    assert!(line_of("off").starts_with("disabled"), "{stdout}");
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no API called");
    assert!(!site.raw().exists(), "nothing written");

    let output = check(&site, &["--source", "typo"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("sources.toml: 1 refused\nREFUSED   typo"),
        "a refused table named is listed with why: {stdout}"
    );

    // Run from a folder without a raw folder: said, as a run would create it there.
    let output = check(&site, &["--source", "quakes"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(
        stdout.lines().nth(2).is_some_and(|line| line
            .starts_with("NO RAW    the raw folder raw (in the working folder ")
            && line.contains("does not exist: a run would create it there")),
        "{stdout}"
    );
    // Given by its whole path (the Kubernetes manifests' `--raw-dir /data/raw`), the other
    // stages given the same read it.
    let absolute = site.dir.path().join("data").join("raw");
    let output = check(
        &site,
        &[
            "--source",
            "quakes",
            "--raw-dir",
            absolute.to_str().expect("UTF-8"),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().nth(2).is_some_and(|line| line.ends_with(
            "does not exist: the first run creates it (give the other stages the same --raw-dir)"
        )),
        "{stdout}"
    );
    std::fs::create_dir(site.raw()).expect("raw folder");
    let output = check(&site, &["--source", "quakes"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    std::fs::remove_dir(site.raw()).expect("raw folder");

    let output = check(&site, &["--source", "off"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "ready     off  http_json, every 1m: enabled = false: collected only when named by --source; cron's runs skip it"
        ),
        "a disabled source named is collected, and the check says cron's runs are not: {stdout}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_fault_in_report_is_checked_without_stopping_the_sources() {
    let site = Site::new(&format!(
        "[report]\ntimezone = \"Europe/Toulouse\"\n{}",
        usgs_source("quakes", "https://example.org/feed", "")
    ));
    let output = check(&site, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("sources.toml: 1 ready, [report] refused\n"),
        "the summary says it too: {stdout}"
    );
    assert!(stdout.contains("\nready     quakes"), "{stdout}");
    assert!(
        stdout.contains(
            "REFUSED   [report]: sources.toml:2: key `timezone`: `Europe/Toulouse` is not an IANA time zone"
        ),
        "{stdout}"
    );
}

#[test]
fn a_check_of_a_file_that_cannot_be_read_exits_2_in_one_line() {
    let site = Site::new("[report\nkeep = 3\n");
    let output = check(&site, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "collector: sources.toml:1: header `[report` is not closed: write `[report]`"
        ),
        "{stderr}"
    );
}

#[test]
fn a_rate_limit_above_france_travails_own_and_a_drop_landing_contacts_are_pointed_out() {
    let table = |name: &str, rate: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n{rate}\n"
        )
    };
    let site = Site::new(
        &[
            table("fast", "rate_limit = 25"),
            table("own", "rate_limit = 10"),
            table("short", "drop = [\"description\"]"),
            table("knowing", "drop = []"),
        ]
        .concat(),
    );
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("FRANCE_TRAVAIL_CLIENT_ID", "id")
        .env("FRANCE_TRAVAIL_CLIENT_SECRET", "not-a-secret")
        .arg("--check")
        .output()
        .expect("collector runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "a faster rate is not refused: {stdout}"
    );
    let line_of = |name: &str| source_line(&stdout, name);
    // And, sharing its host's calls with `own`, it goes at `own`'s rate when both run.
    assert!(
        line_of("fast").ends_with(
            "france_travail, every 1d: `rate_limit` 25/s is above France Travail's 10/s per client id: the API answers the calls past it with 429s, each waited out; set it to 10 or less; shares the calls of api.example.org:443 with `own` (rate_limit 10/s): a run collecting both makes 10 calls a second for them together, not 25"
        ),
        "{stdout}"
    );
    assert!(
        line_of("own").ends_with("france_travail, every 1d"),
        "{stdout}"
    );
    // A `drop` of other fields replaces the default, `contact`: said before any offer lands.
    assert!(
        line_of("short").ends_with(
            "france_travail, every 1d: offers would land with their `contact` (recruiters' names, e-mails and phone numbers): `drop` lists other fields and not it; add \"contact\" to `drop`, or write `drop = []` to keep it knowingly"
        ),
        "{stdout}"
    );
    assert!(
        line_of("knowing").ends_with("france_travail, every 1d"),
        "{stdout}"
    );
}

#[test]
fn france_travail_credentials_half_set_would_fail_rather_than_be_skipped() {
    let site = Site::new(
        "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n",
    );
    let check = |id: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
        command
            .current_dir(site.dir.path())
            .env_remove("FRANCE_TRAVAIL_CLIENT_ID")
            .env_remove("FRANCE_TRAVAIL_CLIENT_SECRET")
            .arg("--check");
        if let Some(id) = id {
            command.env("FRANCE_TRAVAIL_CLIENT_ID", id);
        }
        command.output().expect("collector runs")
    };
    let output = check(None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("\nSKIPPED   offres"), "{stdout}");
    let output = check(Some("my-app"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("\nFAILING   offres")
            && stdout.contains(
                "France Travail credentials half set: FRANCE_TRAVAIL_CLIENT_SECRET is not set, or blank (environment or .env), while the other is"
            ),
        "{stdout}"
    );

    // The secret set under a misspelt name (`.env`'s `FRANCE_TRAVAIL_SECRET=`): named, its
    // value never said.
    std::fs::write(
        site.dir.path().join(".env"),
        "FRANCE_TRAVAIL_SECRET=hunter2\n",
    )
    .expect("write .env");
    let output = check(Some("my-app"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("while the other is (`FRANCE_TRAVAIL_SECRET` set: a misspelt name?)")
            && !stdout.contains("hunter2"),
        "{stdout}"
    );
}

/// A source renamed or removed leaves its landed files in its old folder: the check names
/// it, as nothing reads it, but a run would still do what it says (exit 0).
#[test]
fn a_check_names_a_folder_of_landed_files_without_a_table() {
    let site = Site::new(&usgs_source("quakes", "http://127.0.0.1:9/feed", ""));
    let old = site.raw().join("old-quakes");
    std::fs::create_dir_all(&old).expect("old folder");
    std::fs::write(old.join("old-quakes_2026-11-30T10-00-00Z.json"), "[]").expect("landed");
    std::fs::create_dir_all(site.raw().join("quakes")).expect("its folder");

    let output = check(&site, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let line = stdout
        .lines()
        .find(|line| line.starts_with("NO TABLE"))
        .unwrap_or_else(|| panic!("a line for the folder: {stdout}"));
    assert!(
        line.contains("raw/old-quakes: 1 landed file of a source missing from the configuration waits there, never summarised"),
        "{stdout}"
    );
    let named = check(&site, &["--source", "quakes"]);
    assert!(
        !String::from_utf8_lossy(&named.stdout).contains("NO TABLE"),
        "a check of named sources says nothing of the others"
    );
}

/// What stands in the way of landing in `raw/<source>/` fails the run: the check says so, as
/// FAILING, and exits 1, rather than "ready".
#[test]
fn a_source_folder_a_run_could_not_land_in_would_fail() {
    let site = Site::new(&usgs_source("quakes", "http://127.0.0.1:9/feed", ""));
    let folder = site.raw().join("quakes");
    let failing = |site: &Site| {
        let output = check(site, &[]);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        stdout
            .lines()
            .find(|line| line.starts_with("FAILING"))
            .unwrap_or_else(|| panic!("a FAILING line: {stdout}"))
            .to_owned()
    };
    std::fs::create_dir_all(site.raw()).expect("raw folder");
    std::fs::write(&folder, "not a folder").expect("a file in its place");
    let line = failing(&site);
    assert!(
        line.contains("raw/quakes is a file, not the source's folder: move it away"),
        "{line}"
    );
    std::fs::remove_file(&folder).expect("remove the file");
    std::fs::create_dir_all(folder.join(".lock")).expect("a folder in the lock's place");
    let line = failing(&site);
    assert!(
        line.contains("raw/quakes/.lock is a folder: the run cannot take its lock there"),
        "{line}"
    );
    std::fs::remove_dir(folder.join(".lock")).expect("remove it");
    std::fs::create_dir_all(folder.join(".state.json")).expect("a folder in the state's place");
    let line = failing(&site);
    assert!(
        line.contains("raw/quakes/.state.json is a folder: the run cannot read its state there"),
        "{line}"
    );
    std::fs::remove_dir(folder.join(".state.json")).expect("remove it");
    std::os::unix::fs::symlink(site.raw().join("elsewhere"), folder.join(".lock"))
        .expect("a link in the lock's place");
    let line = failing(&site);
    assert!(
        line.contains("raw/quakes/.lock is a symbolic link, which the run's lock never follows"),
        "{line}"
    );
    std::fs::remove_file(folder.join(".lock")).expect("remove it");
    let output = check(&site, &[]);
    assert_eq!(output.status.code(), Some(0), "ready again");
}

#[test]
fn a_check_leaves_an_unreadable_state_file_where_it_is() {
    let site = Site::new(&usgs_source("quakes", "http://127.0.0.1:9/feed", ""));
    let folder = site.raw().join("quakes");
    std::fs::create_dir_all(&folder).expect("source folder");
    let state = folder.join(".state.json");
    let cut_short = "{\"cursor\": \"2026-11-2";
    std::fs::write(&state, cut_short).expect("a state file cut short");
    let output = check(&site, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let listed: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(listed, [".state.json"], "a check writes no file");
    assert_eq!(
        std::fs::read_to_string(&state).expect("state file"),
        cut_short,
        "a check leaves the state file as it was, for a run to put aside"
    );
}

/// A legacy Opendatasoft source keyed on `recordid`, which portals compute from the record's
/// fields, and one reading `fields.geo_point_2d` as [lon, lat]: both said before any run.
#[test]
fn a_v1_source_keyed_on_recordid_or_reading_its_point_backwards_is_pointed_out() {
    let table = |name: &str, extra: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"ods_v1\"\nurl = \"http://127.0.0.1:9\"\ndataset = \"air\"\nevery = \"1h\"\ntime = \"fields.date_debut\"\n{extra}\n"
        )
    };
    let site = Site::new(
        &[
            table("hashed", "key = \"recordid\""),
            table(
                "backwards",
                "key = \"fields.id\"\nlon = \"fields.geo_point_2d.0\"\nlat = \"fields.geo_point_2d.1\"",
            ),
            table(
                "velib",
                "key = \"fields.stationcode\"\nlon = \"fields.coordonnees_geo.0\"\nlat = \"fields.coordonnees_geo.1\"",
            ),
            table(
                "shape",
                "key = \"fields.id\"\nlon = \"fields.geo_shape.coordinates.0\"\nlat = \"fields.geo_shape.coordinates.1\"",
            ),
            table(
                "right",
                "key = [\"fields.code_station\", \"fields.date_debut\"]\nlon = \"fields.geo_point_2d.1\"\nlat = \"fields.geo_point_2d.0\"",
            ),
        ]
        .concat(),
    );
    let output = check(&site, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "cautions, not refusals: {stdout}");
    let line_of = |name: &str| source_line(&stdout, name);
    assert!(
        line_of("hashed").contains(
            "`key` reads `recordid`, which many portals compute from the record's fields"
        ),
        "{stdout}"
    );
    assert!(
        line_of("backwards")
            .contains("v1 writes its point fields (`geopoint`, `geo_point_2d`) as [lat, lon]"),
        "{stdout}"
    );
    assert!(
        line_of("velib").contains("as [lat, lon]"),
        "a point field of another name: {stdout}"
    );
    assert!(line_of("right").ends_with("ods_v1, every 1h"), "{stdout}");
    assert!(
        line_of("shape").ends_with("ods_v1, every 1h"),
        "a GeoJSON point is [lon, lat]: {stdout}"
    );
}

/// A legacy Opendatasoft source dated by `record_timestamp`, when the portal last indexed the
/// record: a republished or reindexed dataset would move every record into that hour. Said
/// before any run (found by an open-data officer).
#[test]
fn a_v1_source_dated_by_its_index_time_is_pointed_out() {
    let site = Site::new(
        "[[source]]\nname = \"indexed\"\nkind = \"ods_v1\"\nurl = \"http://127.0.0.1:9\"\ndataset = \"air\"\nevery = \"1h\"\nkey = \"fields.id\"\ntime = \"record_timestamp\"\n",
    );
    let output = check(&site, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "a caution, not a refusal: {stdout}"
    );
    assert!(
        source_line(&stdout, "indexed")
            .contains("`time` reads `record_timestamp`, when the portal last indexed the record"),
        "{stdout}"
    );
}

/// A source's folder left by `sudo collector --source quakes` (root's, mode 0755, its `.lock`
/// and `.state.json` root's, 0644), then the user's own runs: each one fails "cannot take the
/// lock raw/quakes/.lock: Permission denied", yet `collector --check`, which the README says
/// "makes sure the raw folder can be written" and exits 1 when "a source would fail", lists
/// the source `ready` and exits 0. Run as root, the stages run as `nobody` (uid 65534) and the
/// folder stays root's; run as any other user, the folder is made read-only (0555), which a
/// run meets alike.
#[test]
fn a_source_folder_another_user_owns_is_not_said_ready_by_the_check() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let site = Site::new(&usgs_source("quakes", "http://127.0.0.1:9/feed", ""));
    let folder = site.raw().join("quakes");
    std::fs::create_dir_all(&folder).expect("source folder");
    std::fs::write(folder.join(".lock"), "4242\n").expect("the sudo run's lock");
    std::fs::write(folder.join(".state.json"), "{}").expect("the sudo run's state");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    let stage = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
        command.current_dir(site.dir.path()).args(args);
        if root {
            command.uid(65534).gid(65534);
        }
        command.output().expect("collector runs")
    };
    let mode = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    if root {
        // The checkout is the user's (`nobody` here), the source's folder root's.
        mode(site.dir.path(), 0o755);
        for path in [site.dir.path().to_path_buf(), site.raw()] {
            std::os::unix::fs::chown(&path, Some(65534), Some(65534)).expect("chown");
        }
        mode(&site.config(), 0o644);
        mode(&folder, 0o755);
        mode(&folder.join(".lock"), 0o644);
        mode(&folder.join(".state.json"), 0o644);
    } else {
        mode(&folder.join(".lock"), 0o444);
        mode(&folder, 0o555);
    }

    let run = stage(&["--source", "quakes", "--force"]);
    let run_stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.code() == Some(1) && run_stderr.contains("raw/quakes"),
        "the run fails on the folder: {run_stderr}"
    );

    let output = stage(&["--check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = source_line(&stdout, "quakes");
    if !root {
        mode(&folder, 0o755);
    }
    assert!(
        line.starts_with("FAILING") && line.contains("raw/quakes"),
        "a run fails on raw/quakes, which the check should say: {stdout}"
    );
    assert_eq!(output.status.code(), Some(1), "{stdout}");
}

/// `recheck = "35d"` makes the source's first run of each UTC day ask 35 days again (about
/// 3,400 rows for éCO2mix) instead of its `lookback`. `--check`, which "prints what a run would
/// do with each", says the same `opendatasoft, every 15m` with it or without it: no word of the
/// daily recheck nor of how far back it asks, so a user cannot see that it took. No help text
/// (`collector --help`) names it either.
#[test]
fn a_check_says_an_incremental_sources_daily_recheck_and_how_far_back_it_asks() {
    let config = r#"[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "http://127.0.0.1:9"
dataset = "eco2mix-national-tr"
incremental = true
lookback = "3h"
recheck = "35d"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation"]
"#;
    let site = Site::new(config);
    std::fs::create_dir_all(site.raw()).expect("raw folder");
    let output = check(&site, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = source_line(&stdout, "eco2mix");
    assert!(
        line.contains("recheck") && line.contains("35d"),
        "the check's line of a source with `recheck = \"35d\"` says nothing of it: {line}"
    );
}
