//! Two installations, one MongoDB server, both at the default database: what each team's
//! `analyser status` says of its own sources.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use releve::RunMetrics;
use releve::rawfile;

const CONFIG: &str = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
key = "id"
time = "time"
"#;

/// One team's checkout: its own `sources.toml` and `raw/`.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), CONFIG).expect("sources.toml");
    std::fs::create_dir_all(dir.path().join("raw")).expect("raw");
    dir
}

/// A successful run of `usgs` landed at `started`, as the collector lands it.
fn land_run(raw: &Path, started: DateTime<Utc>) {
    let metrics = RunMetrics {
        window_parts: None,
        scheduled_from: None,
        source: "usgs".to_owned(),
        kind: "http_json".to_owned(),
        file: Some(format!("usgs_{}.json", started.timestamp())),
        started,
        finished: started + TimeDelta::seconds(2),
        duration_ms: Some(2000),
        http_calls: Some(1),
        retries: Some(0),
        throttled: Some(0),
        announced: None,
        records: 1,
        coverage: None,
        shortfall: 0,
        key_clashes: 0,
        clash_key: None,
        error: None,
        day: None,
        every_s: None,
        disabled_from: None,
        retry_from: None,
    };
    let body = format!(
        r#"[{{"id": "q{}", "time": "{}"}}]"#,
        started.timestamp(),
        started.to_rfc3339()
    );
    let name = rawfile::land(raw, "usgs", started, body.as_bytes()).expect("landed");
    let json = serde_json::to_vec(&metrics).expect("metrics");
    rawfile::write_metrics(raw, &name, &json).expect("metrics written");
}

/// The real summariser, as cron runs it in `dir`, into `database`.
fn summarise(dir: &Path, database: &str) -> String {
    let binary: PathBuf = testkit::binary("summariser");
    let output = Command::new(binary)
        .current_dir(dir)
        .args(["--mongodb-uri", testkit::MongoServer::shared().uri()])
        .args(["--database", database])
        .env_remove("MONGODB_URI")
        .env("RUST_LOG", "warn")
        .output()
        .expect("summariser runs");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Team A's collector stopped two hours ago (its machine is being moved, a crontab lost); team
/// B, another research team given the same MongoDB server and leaving the database at its
/// default too, collects its own `usgs` every minute. Team A's `analyser status` reads the
/// `runs` of every installation writing there as its own: it shows `usgs` as `ok`, last
/// collected seconds ago, exit 0, so the department's alert mail never comes, while team A
/// has collected nothing for two hours and its `raw/` holds no file of that time. Expected:
/// team A's `usgs` is `STALE` (exit 1), as it is when team A has the database alone.
#[tokio::test]
async fn a_stopped_installation_is_not_reported_fresh_by_another_installation_s_runs() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("sharedstatus");
    let now = Utc::now();

    let team_a = checkout();
    land_run(&team_a.path().join("raw"), now - TimeDelta::hours(2));
    let said_a = summarise(team_a.path(), &database);

    let team_b = checkout();
    land_run(&team_b.path().join("raw"), now - TimeDelta::seconds(30));
    let said_b = summarise(team_b.path(), &database);

    let output = common::analyser(
        team_a.path(),
        &[
            "status",
            "--mongodb-uri",
            server.uri(),
            "--database",
            &database,
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let row = stdout
        .lines()
        .find(|line| line.starts_with("usgs "))
        .unwrap_or_else(|| panic!("no usgs row:\n{stdout}"));
    assert!(
        row.contains("STALE") && output.status.code() == Some(1),
        "team A's usgs has not been collected for two hours: {row}\n(exit {:?})\n{stderr}\n\
         summariser A: {said_a}\nsummariser B: {said_b}",
        output.status.code()
    );
}

/// A class on one MongoDB server, one MongoDB user for the class, a database per student named
/// in `.env`'s `MONGODB_URI`. Student C copies classmate A's `.env` (or types A's database
/// name): C's summariser rightly stops, "the database … holds relevé data, but this raw folder
/// was never summarised into it", but only in `logs/summariser.log`. C then checks the
/// installation as the README says, with `analyser status` from the checkout, as cron's
/// lines would read that `.env`: it reads A's `runs` and `hourly` as C's own and shows `usgs`
/// as `ok`, collected seconds ago (A's run), exit 0, with C's own run waiting unsummarised;
/// C's day report at 04:15 is drawn from A's data just as silently, and the lecturer grades
/// two identical PDFs. Expected: `status`, reading a raw folder whose
/// `raw/.summariser-database` is missing while the database holds relevé data (or names
/// another database), says so and exits 1, as the summariser does.
#[tokio::test]
async fn status_of_a_raw_folder_never_summarised_into_the_database_it_reads_says_so() {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database("classstatus");
    let now = Utc::now();

    let student_a = checkout();
    land_run(&student_a.path().join("raw"), now - TimeDelta::seconds(40));
    let said_a = summarise(student_a.path(), &database);
    assert!(
        student_a.path().join("raw/.summariser-database").exists(),
        "A's run stored its files: {said_a}"
    );

    let student_c = checkout();
    land_run(&student_c.path().join("raw"), now - TimeDelta::seconds(30));
    let said_c = summarise(student_c.path(), &database);
    assert!(
        said_c.contains("summarised from another raw folder"),
        "C's summariser stops: {said_c}"
    );

    let output = common::analyser(
        student_c.path(),
        &[
            "status",
            "--mongodb-uri",
            server.uri(),
            "--database",
            &database,
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code() == Some(1)
            && format!("{stdout}{stderr}").contains("summarised from another raw folder"),
        "C's status says C's raw folder was never summarised into `{database}` (exit {:?}):\n\
         {stdout}\n{stderr}",
        output.status.code()
    );
    // Cron's day report, given the raw folder, is not drawn from A's data; A's is.
    let report = |dir: &Path| {
        common::analyser(
            dir,
            &[
                "--raw-dir",
                "raw",
                "--mongodb-uri",
                server.uri(),
                "--database",
                &database,
            ],
        )
    };
    let c_report = report(student_c.path());
    let said = String::from_utf8_lossy(&c_report.stderr);
    assert!(
        !c_report.status.success() && said.contains("summarised from another raw folder"),
        "C's report: {said}"
    );
    let a_report = report(student_a.path());
    assert!(
        a_report.status.success(),
        "A's report: {}",
        String::from_utf8_lossy(&a_report.stderr)
    );
    // Cron's own line (`--if-missing`) finding the day's report already there (C copied A's
    // `reports/`) still says the database is another installation's, exit 1: the PDF there
    // is not C's.
    let copied = student_c.path().join("reports");
    std::fs::create_dir_all(&copied).expect("reports");
    for entry in std::fs::read_dir(student_a.path().join("reports")).expect("A's reports") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), copied.join(entry.file_name())).expect("copied");
    }
    let cron = common::analyser(
        student_c.path(),
        &[
            "--raw-dir",
            "raw",
            "--period",
            "day",
            "--if-missing",
            "--mongodb-uri",
            server.uri(),
            "--database",
            &database,
        ],
    );
    let said = String::from_utf8_lossy(&cron.stderr);
    assert!(
        cron.status.code() == Some(1) && said.contains("summarised from another raw folder"),
        "C's cron report (exit {:?}): {said}",
        cron.status.code()
    );
}

/// A checkout whose run of 40 s ago is summarised into a fresh database named from `name`:
/// the shared server, the database, the run's start and the checkout.
fn summarised_checkout(
    name: &str,
) -> (
    &'static testkit::MongoServer,
    String,
    DateTime<Utc>,
    tempfile::TempDir,
) {
    let server = testkit::MongoServer::shared();
    let database = server.fresh_database(name);
    let started = Utc::now() - TimeDelta::seconds(40);
    let site = checkout();
    land_run(&site.path().join("raw"), started);
    let said = summarise(site.path(), &database);
    assert!(
        site.path().join("raw/.summariser-database").exists(),
        "{said}"
    );
    (server, database, started, site)
}

/// The day `at` falls on in the report's zone, the one `--date` names: `CONFIG` sets none, so
/// Paris, the default. Its UTC date is the day before from 23:00 UTC (22:00 in summer).
fn report_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
        .to_string()
}

/// `analyser export` of `usgs`'s `day` from `database`, run from the folder `from` with
/// `--config config`, as a user runs it by hand from another folder.
fn export_from(from: &Path, day: &str, database: &str, config: &Path) -> Command {
    let mut export = Command::new(testkit::binary("analyser"));
    export
        .current_dir(from)
        .args([
            "export",
            "--source",
            "usgs",
            "--date",
            day,
            "--database",
            database,
        ])
        .arg("--config")
        .arg(config);
    export
}

/// Grading as "A class on one server" says: the lecturer, logged in as a Unix user of their
/// own, exports a student's source with `--config ~alice/releve/sources.toml`, the `grader`
/// URI exported in their shell, from a folder of their own (no `.env` there). Alice keeps her
/// `.env`, holding her database's password, `chmod 600` as the README tells her. The analyser
/// reads the `.env` beside `--config`, Alice's: it cannot, and stops, exit 2, "cannot be read:
/// Permission denied", for every student who followed the README (and, for one who did not,
/// it loads her variables into the lecturer's run). Expected: another user's `.env` is not
/// read, said in one line naming it, and the export is written from the lecturer's own
/// environment. Needs root, to run the analyser as `nobody`, the lecturer here.
#[test]
fn the_lecturer_exports_a_student_s_source_though_her_dotenv_is_private() {
    // A home every user can enter, as Debian's `useradd -m` makes it.
    lecturer_exports_alice_s_source("grading", 0o755);
}

/// As above, Alice's home of mode 0711, which others may enter but not list (her files
/// reached by their names): her `.env` was taken for none, silently, its folder opened as to
/// list it, where the lecturer is told it is another user's and not read.
#[test]
fn the_lecturer_is_told_of_a_student_s_dotenv_in_a_home_others_cannot_list() {
    lecturer_exports_alice_s_source("grading-0711", 0o711);
}

/// The lecturer (`nobody`) exports Alice's source with `--config`, her home of mode
/// `home_mode` and her `.env` hers alone (`chmod 600`): the export is written and one line
/// says her `.env` is another user's, not read. Needs root.
fn lecturer_exports_alice_s_source(name: &str, home_mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    assert!(
        rustix::process::geteuid().is_root(),
        "this test needs root: the lecturer is another user (nobody) than the student (root)"
    );
    let (server, database, started, alice) = summarised_checkout(name);
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    mode(alice.path(), home_mode);
    let dotenv = alice.path().join(".env");
    std::fs::write(
        &dotenv,
        format!("MONGODB_URI='mongodb://alice:s3cret@127.0.0.1:9/{database}'\n"),
    )
    .expect(".env");
    mode(&dotenv, 0o600);
    let lecturer = tempfile::tempdir().expect("the lecturer's folder");
    std::os::unix::fs::chown(lecturer.path(), Some(65_534), Some(65_534)).expect("chown");
    let config = alice.path().join("sources.toml");
    let day = report_day(started);
    let output = export_from(lecturer.path(), &day, &database, &config)
        .env("MONGODB_URI", server.uri())
        .env("RUST_LOG", "warn")
        .uid(65_534)
        .gid(65_534)
        .output()
        .expect("analyser runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(&format!("q{}", started.timestamp())),
        "the lecturer's export of Alice's source (exit {:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
    let shown = dotenv.display().to_string();
    assert!(
        stderr.lines().count() == 1
            && stderr.contains(&shown)
            && stderr.contains("another user")
            && !stderr.contains("s3cret"),
        "one line says Alice's .env is not read: {stderr}"
    );
}

/// A checkout whose `.env` is a link of its owner's to a secrets file another user keeps
/// (`.env -> /etc/releve/env`, root's, or a team account's): run by hand from another folder
/// with `--config`, the link is this user's, so the `.env` is read, as it was before another
/// user's `.env` was left unread. Judged by the file's owner it was taken for another user's,
/// and the run went to the default server. Needs root, to give the secrets file to `nobody`.
#[test]
fn a_dotenv_linked_by_its_owner_to_another_s_file_is_read() {
    assert!(
        rustix::process::geteuid().is_root(),
        "this test needs root: the secrets file is another user's (nobody)"
    );
    let (server, database, started, site) = summarised_checkout("linked-dotenv");
    let secrets = tempfile::tempdir().expect("the secrets' folder");
    let kept = secrets.path().join("env");
    std::fs::write(&kept, format!("MONGODB_URI='{}'\n", server.uri())).expect("env");
    std::os::unix::fs::chown(&kept, Some(65_534), Some(65_534)).expect("chown");
    std::os::unix::fs::symlink(&kept, site.path().join(".env")).expect("link");
    let elsewhere = tempfile::tempdir().expect("another folder");
    let day = report_day(started);
    let output = export_from(
        elsewhere.path(),
        &day,
        &database,
        &site.path().join("sources.toml"),
    )
    .env_remove("MONGODB_URI")
    .env("RUST_LOG", "warn")
    .output()
    .expect("analyser runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success()
            && stdout.contains(&format!("q{}", started.timestamp()))
            && !stderr.contains("another user"),
        "the export read through the linked .env (exit {:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
}
