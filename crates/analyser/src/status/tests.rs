//! Unit tests of `analyser status`'s verdicts and problems.

use chrono::{TimeDelta, TimeZone};
use releve::Every;

use super::*;

/// A status of `sources` with MongoDB reachable and nothing else to say but `quarantined`.
fn reachable(
    now: DateTime<Utc>,
    sources: Vec<SourceStatus>,
    quarantined: BTreeMap<String, usize>,
) -> StatusReport {
    StatusReport {
        now,
        sources,
        database: DatabaseState::Reachable {
            shown: "db".to_owned(),
        },
        others_database: None,
        lost_runs: Vec::new(),
        last_report: None,
        unreadable: None,
        unread: Vec::new(),
        unconfigured: Vec::new(),
        quarantined,
        raw_dir: PathBuf::from("raw"),
        missing_reports: Vec::new(),
        report_fault: None,
        left_out: Vec::new(),
        free_space: Vec::new(),
        unwritable: Vec::new(),
    }
}

fn source(every_secs: u64) -> SourceStatus {
    SourceStatus {
        name: "usgs".to_owned(),
        enabled: true,
        every: Some(Every::from_secs(every_secs)),
        history_read: true,
        ..SourceStatus::default()
    }
}

/// `--json`'s `reason`, as the table's LAST ERROR: credentials missing where status runs
/// are said of a source skipped (never collected), not of one whose runs say it collects
/// (on Kubernetes only the collector holds them).
#[test]
fn json_gives_the_missing_credentials_as_a_reason_only_for_a_source_skipped() {
    let now = Utc::now();
    let mut collecting = source(60);
    collecting.unavailable = Some("no France Travail credentials".to_owned());
    collecting.last_success = Some(now - TimeDelta::seconds(30));
    let mut skipped = collecting.clone();
    skipped.name = "offres".to_owned();
    skipped.last_success = None;
    let report = reachable(now, vec![collecting, skipped], BTreeMap::new());
    let json: serde_json::Value =
        serde_json::from_str(&report.render_json()).expect("a JSON document");
    let sources = json["sources"].as_array().expect("sources");
    assert_eq!(
        (&sources[0]["state"], &sources[0]["reason"]),
        (&serde_json::json!("ok"), &serde_json::Value::Null)
    );
    assert_eq!(
        (&sources[1]["state"], &sources[1]["reason"]),
        (
            &serde_json::json!("skipped"),
            &serde_json::json!("no France Travail credentials")
        )
    );
}

#[test]
fn a_source_is_stale_past_three_intervals() {
    let now = Utc::now();
    let mut usgs = source(60);
    usgs.last_success = Some(now - TimeDelta::seconds(170));
    assert_eq!(usgs.health(now), Health::Ok);
    usgs.last_success = Some(now - TimeDelta::seconds(190));
    assert_eq!(usgs.health(now), Health::Stale);
    assert!(usgs.problem(now).expect("a problem").contains("3m"));
}

#[test]
fn a_failure_older_than_the_last_success_is_history_not_an_alert() {
    let now = Utc::now();
    let mut usgs = source(60);
    usgs.last_success = Some(now - TimeDelta::seconds(30));
    usgs.last_error = Some((now - TimeDelta::seconds(90), "HTTP 503".to_owned()));
    assert_eq!(usgs.health(now), Health::Ok);
    usgs.last_error = Some((now - TimeDelta::seconds(10), "HTTP 503".to_owned()));
    assert_eq!(usgs.health(now), Health::Failing);
    assert!(usgs.problem(now).expect("a problem").contains("HTTP 503"));
}

#[test]
fn a_failing_source_says_when_the_collector_tries_it_again() {
    let now = Utc
        .with_ymd_and_hms(2026, 12, 4, 3, 0, 0)
        .single()
        .expect("time");
    let mut odre = source(3600);
    odre.last_error = Some((
        now - TimeDelta::hours(5),
        "HTTP 429: quota exhausted".to_owned(),
    ));
    odre.retry_from = Some(now + TimeDelta::hours(4));
    assert_eq!(
        odre.problem(now).expect("a problem"),
        "source `usgs` is failing: its last run failed: HTTP 429: quota exhausted (the collector tries it again from 2026-12-04 07:00 UTC, in 4h)"
    );
    // Between two minutes: the cron minute after it, when the collector runs it.
    odre.retry_from = Some(now + TimeDelta::minutes(41) + TimeDelta::seconds(47));
    assert_eq!(
        odre.problem(now).expect("a problem"),
        "source `usgs` is failing: its last run failed: HTTP 429: quota exhausted (the collector tries it again from 2026-12-04 03:42 UTC, in 42m)"
    );
    // A retry past: the next run is due, nothing to add.
    odre.retry_from = Some(now - TimeDelta::minutes(1));
    assert_eq!(
        odre.problem(now).expect("a problem"),
        "source `usgs` is failing: its last run failed: HTTP 429: quota exhausted"
    );
}

#[test]
fn disabled_and_never_collected_sources() {
    let now = Utc::now();
    let mut usgs = source(60);
    assert_eq!(usgs.health(now), Health::Never);
    assert!(
        usgs.problem(now)
            .expect("a problem")
            .starts_with("source `usgs` has no run known (none in raw/ or in `runs`): a new source runs at cron's next minute")
    );
    // Hours summarised, no run kept: not said a new source (found by the clock probe of
    // stop 57, a MongoDB on a clock a year ahead expiring every run).
    usgs.last_hour = Some(now - TimeDelta::days(2));
    assert!(
        usgs.problem(now)
            .expect("a problem")
            .contains("though `hourly` holds its hours up to")
    );
    usgs.last_hour = None;
    usgs.history_read = false;
    assert_eq!(usgs.health(now), Health::Unknown, "MongoDB was down");
    assert!(usgs.problem(now).is_none(), "the MongoDB line says it");
    usgs.enabled = false;
    assert_eq!(usgs.health(now), Health::Disabled);
    assert!(usgs.problem(now).is_none());
}

#[test]
fn a_source_without_credentials_is_shown_skipped_not_alerted_on() {
    let now = Utc::now();
    let mut offers = source(86_400);
    offers.unavailable = Some("no France Travail credentials: set X".to_owned());
    assert_eq!(offers.health(now), Health::Skipped);
    assert!(offers.problem(now).is_none(), "no mail every hour");
    offers.last_success = Some(now - TimeDelta::days(5));
    assert_eq!(
        offers.health(now),
        Health::Stale,
        "it collected, then stopped: an alert, whatever the credentials here"
    );
}

#[test]
fn files_waiting_hours_for_the_summariser_alert() {
    let now = Utc::now();
    let mut usgs = source(60);
    usgs.last_success = Some(now - TimeDelta::minutes(1));
    usgs.waiting = 11;
    usgs.oldest_waiting = Some(now - TimeDelta::minutes(50));
    assert_eq!(usgs.health(now), Health::Ok, "an hour's files are normal");
    usgs.oldest_waiting = Some(now - TimeDelta::hours(10));
    assert_eq!(usgs.health(now), Health::Behind);
    // Of those 10 hours, the summariser could have taken it in 25 minutes alone (a night
    // asleep).
    usgs.waited_for_summariser = Some(TimeDelta::minutes(25));
    assert_eq!(usgs.health(now), Health::Ok, "a night asleep");
    usgs.waited_for_summariser = None;
    // Landing nothing since its query changed as well: BEHIND takes the row, both are said.
    usgs.unmatched = Some((now - TimeDelta::hours(2), "`params` and `url`"));
    assert_eq!(usgs.health(now), Health::Behind);
    let problems = reachable(now, vec![usgs.clone()], BTreeMap::new()).problems();
    assert!(
        problems.iter().any(|p| p.contains("is behind")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("has landed no record since its query changed")),
        "{problems:?}"
    );
    let problem = usgs.problem(now).expect("alerted");
    assert!(
        problem.contains("11 files") && problem.contains("10h"),
        "{problem}"
    );
}

#[test]
fn a_raw_folder_that_cannot_be_read_is_unknown_and_alerts_once() {
    let now = Utc::now();
    let unreadable = "cannot read raw/usgs: Permission denied (os error 13)".to_owned();
    let mut usgs = source(60);
    usgs.raw_unreadable = Some(unreadable.clone());
    assert_eq!(
        usgs.health(now),
        Health::Unknown,
        "not NEVER: its runs may wait in the folder"
    );
    let report = reachable(now, vec![usgs.clone(), usgs], BTreeMap::new());
    assert_eq!(report.problems(), vec![unreadable]);
}

#[test]
fn quarantined_files_alert_however_healthy_the_source() {
    let now = Utc::now();
    let mut usgs = source(60);
    usgs.last_success = Some(now - TimeDelta::seconds(30));
    assert_eq!(usgs.health(now), Health::Ok);
    let quarantined = BTreeMap::from([("usgs".to_owned(), 7)]);
    let report = reachable(now, vec![usgs], quarantined);
    let problems = report.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("source `usgs`: 7 files in raw/_quarantine/ not summarised"),
        "{problems:?}"
    );
    // The raw folder given is the one named.
    let elsewhere = StatusReport {
        raw_dir: PathBuf::from("/srv/releve/raw3"),
        ..report
    };
    assert_eq!(
        elsewhere.problems(),
        [
            "source `usgs`: 7 files in /srv/releve/raw3/_quarantine/ not summarised: read the .reason beside each, fix it and move it back into /srv/releve/raw3/usgs/, or delete it with its .reason"
        ]
    );
}

#[test]
fn runs_elsewhere_speak_before_credentials_missing_here() {
    // On Kubernetes only the collector's pods hold the France Travail secret.
    let now = Utc::now();
    let mut offers = source(86_400);
    offers.unavailable = Some("no France Travail credentials: set X".to_owned());
    offers.last_success = Some(now - TimeDelta::hours(20));
    assert_eq!(offers.health(now), Health::Ok);
    offers.last_error = Some((now - TimeDelta::hours(1), "invalid_client".to_owned()));
    assert_eq!(offers.health(now), Health::Failing);
    assert!(
        offers
            .problem(now)
            .expect("alerted")
            .contains("invalid_client")
    );
}
