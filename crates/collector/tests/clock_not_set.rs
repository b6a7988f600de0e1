//! A Raspberry Pi without a real-time clock, run from the README's crontab: some images boot
//! with the clock at 1970-01-01 and keep it there until NTP sets it, a minute or more later,
//! while cron already starts the collector every minute. The real `collector` binary runs
//! under libfaketime (`testkit::faketime`; `scripts/test.sh` installs it).

mod common;

use std::process::{Command, Output};

use common::{
    Site, answering_each_request, closing_answer, numbered_feed, usgs_body, usgs_source,
    usgs_source_every,
};

/// The real `collector` binary in `site`'s folder, as cron starts it (no `--force`), with its
/// clock at `instant` (`YYYY-MM-DD HH:MM:SS` UTC, the clock running on from there).
/// `timedatectl` there says NTP has not synchronised the clock, whatever this machine's says.
fn collector_at(site: &Site, instant: &str) -> Output {
    collector_at_with(site, instant, "no")
}

/// As [`collector_at`], `timedatectl` answering `synchronised` (`yes` or `no`) whether NTP
/// keeps the clock synchronised: a script of that name first on the `PATH`.
fn collector_at_with(site: &Site, instant: &str, synchronised: &str) -> Output {
    collector_asked_at(site, instant, synchronised, &[])
}

/// As [`collector_at_with`], the collector given `args` (`--force`, as by hand).
fn collector_asked_at(site: &Site, instant: &str, synchronised: &str, args: &[&str]) -> Output {
    collector_command(site, instant, synchronised)
        .args(args)
        .output()
        .expect("the collector runs")
}

/// The command [`collector_asked_at`] runs, for a test to give it more or spawn it.
fn collector_command(site: &Site, instant: &str, synchronised: &str) -> Command {
    let bin = site.dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("a folder for timedatectl");
    let script = bin.join("timedatectl");
    std::fs::write(&script, format!("#!/bin/sh\necho {synchronised}\n")).expect("timedatectl");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("timedatectl runs");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    let mut command = testkit::faketime::command(env!("CARGO_BIN_EXE_collector"), instant);
    command
        .current_dir(site.dir.path())
        .env("PATH", std::env::join_paths(paths).expect("a PATH"))
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "1");
    command
}

/// The real `collector` binary in `site`'s folder at this machine's clock, which succeeded.
fn collected_at_the_right_time(site: &Site) {
    let first = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .output()
        .expect("collector runs");
    assert!(first.status.success(), "{first:?}");
}

/// The clock at 1970 reads the state's every run, and a France Travail source's every landed
/// day, as ahead of it: they were forgotten (taken for a clock that had run ahead), each
/// source was collected at once into a file named 1970, its records warned of as "dated more
/// than a year ahead" (check `time`, it said), France Travail's day 1969-12-31 collected, and
/// once NTP had set the clock a warning listed the 20,000 days since 1970 as never collected.
/// A clock before relevé existed is not set yet: the run waits for it, calling no API.
#[test]
fn a_clock_at_1970_after_a_boot_collects_nothing_and_forgets_nothing() {
    let (feed, calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let state = std::fs::read(site.raw().join("quakes/.state.json")).expect("the state");

    let booted = collector_at(&site, "1970-01-01 00:01:00");
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert_eq!(booted.status.code(), Some(2), "{stderr}");
    let said: Vec<&str> = stderr.lines().collect();
    assert_eq!(said.len(), 1, "one line, the clock's: {stderr}");
    assert!(
        said[0].contains("1970-01-01") && said[0].contains("NTP"),
        "says the clock is not set yet: {stderr}"
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "no API called at 1970: {stderr}"
    );
    assert_eq!(
        site.file_names("quakes")
            .iter()
            .filter(|name| name.contains("1970"))
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "no file named 1970"
    );
    assert_eq!(
        std::fs::read(site.raw().join("quakes/.state.json")).expect("the state"),
        state,
        "the state kept as it was: {stderr}"
    );
}

/// A run of the collector, its clock three days behind the API's, `timedatectl` answering
/// `synchronised`, on a checkout of a USGS feed: the API was called once.
fn three_days_behind(synchronised: &str) -> (Site, Output) {
    let (feed, calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    let three_days_ago = (chrono::Utc::now() - chrono::TimeDelta::days(3))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let run = collector_at_with(&site, &three_days_ago, synchronised);
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (site, run)
}

/// The usual Raspberry Pi OS boot: `fake-hwclock` sets the clock to when it was last saved
/// (the last shutdown, days ago after a weekend off), and cron runs the collector before NTP
/// sets it right. The run landed its answer in a file named days ago: its records (a
/// snapshot's `stamp`) and its run were dated then, in a day long reported, and a source
/// writing times without an offset was warned of as a local time misread, advising
/// `local_times`. The API's `Date` header tells the clock is behind: nothing lands.
#[test]
fn a_clock_days_behind_the_apis_lands_nothing_dated_days_ago() {
    let (site, booted) = three_days_behind("no");
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert_eq!(booted.status.code(), Some(1), "{stderr}");
    let said = stderr
        .lines()
        .find(|line| line.contains("source `quakes` failed:"))
        .unwrap_or_else(|| panic!("the source's failure: {stderr}"));
    assert!(
        said.contains("behind the API's") && said.contains("NTP"),
        "says this clock is behind: {said}"
    );
    assert!(said.contains(", 3 days behind"), "the gap rounded: {said}");
    assert!(site.data_files("quakes").is_empty(), "{stderr}");
    assert!(
        !stderr.contains("local_times"),
        "no advice to change the configuration: {stderr}"
    );
}

/// The same boot: the failed run was recorded at the clock's time, three days back (its
/// metrics file named then, its failure counted in the state): `analyser status` said FAILING
/// and a report of that day, written again, showed a failure of a day long past, and the next
/// run, once NTP had set the clock, waited out a backoff. Nothing is recorded, as at 1970:
/// the run's one line says it, and the next run collects at once.
#[test]
fn a_clock_days_behind_the_apis_records_no_run_days_back() {
    let (site, booted) = three_days_behind("no");
    let stderr = String::from_utf8_lossy(&booted.stderr);
    let names = site.file_names("quakes");
    let recorded: Vec<&String> = names
        .iter()
        .filter(|name| name.ends_with(".metrics.json"))
        .collect();
    assert!(
        recorded.is_empty(),
        "no run recorded: {recorded:?} {stderr}"
    );
    let state = site.state("quakes");
    assert_eq!(state.failures_in_a_row, 0, "no failure counted: {stderr}");
    assert!(
        state.last_attempt.is_none(),
        "no attempt dated days back: {stderr}"
    );
    collected_at_the_right_time(&site);
    assert_eq!(
        site.data_files("quakes").len(),
        1,
        "collected once the clock is set"
    );
}

/// The same boot, the API written in PHP, which labels its JSON `text/html` unless told
/// otherwise: its answer, parsed and landed, was taken for a web page (a captive portal's),
/// whose `Date` tells nothing of the API's clock, and landed days back. Its body is the API's
/// JSON: the clock is said behind and nothing lands.
#[test]
fn a_json_answer_labelled_a_web_page_tells_the_clock_behind() {
    let (feed, _calls) = numbered_feed(|_| async {
        (
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=UTF-8")],
            usgs_body(2),
        )
    });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    let three_days_ago = (chrono::Utc::now() - chrono::TimeDelta::days(3))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let booted = collector_at(&site, &three_days_ago);
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert!(
        stderr.contains("behind the API's"),
        "says this clock is behind: {stderr}"
    );
    assert!(site.data_files("quakes").is_empty(), "{stderr}");
}

/// A machine NTP keeps synchronised, calling an API whose own clock runs days ahead (its
/// `Date` header wrong): were its clock taken for not set, the source would fail at every run
/// and never be collected again. Its answer lands, the API's clock said wrong once.
#[test]
fn an_api_whose_clock_is_ahead_of_a_synchronised_one_still_lands() {
    let (site, run) = three_days_behind("yes");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(site.data_files("quakes").len(), 1, "landed: {stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("the API's clock is wrong"))
        .collect();
    assert_eq!(said.len(), 1, "said once: {stderr}");
    assert!(said[0].contains("NTP"), "{stderr}");
}

/// A `fake-hwclock` boot a few minutes after the last run (a reboot): the clock, restored to
/// when it was last saved, is behind the run the state dates, by less than the API's `Date`
/// tells. The warning that the state dates runs in the future asked only "a clock that ran
/// ahead?", though this clock being behind now is the likelier cause: it says both.
#[test]
fn runs_in_the_future_after_a_boot_say_this_clock_may_be_behind() {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let restored = (chrono::Utc::now() - chrono::TimeDelta::minutes(10))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let booted = collector_at(&site, &restored);
    let stderr = String::from_utf8_lossy(&booted.stderr);
    let said = stderr
        .lines()
        .find(|line| line.contains("dates runs or landed days in the future"))
        .unwrap_or_else(|| panic!("the state's runs in the future: {stderr}"));
    assert!(
        said.contains("this clock behind now") && said.contains("fake-hwclock"),
        "says this clock may be behind: {said}"
    );
    assert!(
        said.contains("ran ahead"),
        "and that it may have run ahead: {said}"
    );
}

/// A `fake-hwclock` boot after a power cut: the clock, restored to when it was last saved (up
/// to an hour before), is behind the runs the state dates. They were forgotten, and the state
/// saved without them, before the API's `Date` told the clock was behind, more than the 15
/// minutes it lands under: a run that landed nothing forgot the source's last runs for good.
/// The state is kept as it was, the clock being the one wrong (the source backing off).
#[test]
fn runs_in_the_future_of_a_clock_the_api_finds_behind_are_kept() {
    let (feed, calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let state = std::fs::read(site.raw().join("quakes/.state.json")).expect("the state");
    let restored = (chrono::Utc::now() - chrono::TimeDelta::minutes(40))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let booted = collector_at(&site, &restored);
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the API called, its `Date` telling the clock is behind: {stderr}"
    );
    assert!(stderr.contains("behind the API's"), "{stderr}");
    let read = |bytes: &[u8]| -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_slice(bytes).expect("the state's JSON")
    };
    let mut kept = read(&std::fs::read(site.raw().join("quakes/.state.json")).expect("the state"));
    assert!(
        kept.remove("clock_behind").is_some(),
        "the source backs off: {stderr}"
    );
    assert_eq!(
        kept,
        read(&state),
        "the state kept as it was, but for the backoff: {stderr}"
    );
}

/// The same power cut, killing a run midway: the state still noted it running. The boot's run
/// (`collector --force`, by hand) settled it, a failed run counted, and the API's `Date` then
/// told the clock was behind: the state was put back whole as read, the killed run's entry
/// with it, which the run then cleared: its failure (or its landing, France Travail's landed
/// day, the cursor) was lost for good. Only the runs taken for future ones are put back.
#[test]
fn a_run_killed_by_a_power_cut_stays_settled_when_the_api_finds_the_clock_behind() {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let landed = site.state("quakes");
    // Summarised since: its files are no longer in the raw folder.
    for role in [releve::RawFileRole::Data, releve::RawFileRole::Metrics] {
        for file in site.files("quakes", role) {
            std::fs::remove_file(file).expect("summarised");
        }
    }
    site.edit_state("quakes", |state| {
        state.running = Some(collector::state::Running {
            started: chrono::Utc::now(),
            day: None,
            waiting_ahead: Vec::new(),
        });
    });
    let restored = (chrono::Utc::now() - chrono::TimeDelta::minutes(40))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let booted = collector_asked_at(&site, &restored, "no", &["--force"]);
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert!(stderr.contains("behind the API's"), "{stderr}");
    let state = site.state("quakes");
    assert!(state.running.is_none(), "{stderr}");
    assert_eq!(
        state.failures_in_a_row, 1,
        "the killed run counted: {stderr}"
    );
    assert!(
        state
            .last_error
            .is_some_and(|error| error.contains("did not finish")),
        "the killed run's failure kept: {stderr}"
    );
    assert_eq!(
        (state.last_success_started, state.last_success_landed),
        (landed.last_success_started, landed.last_success_landed),
        "the last landing, dated ahead of the clock, kept: {stderr}"
    );
}

/// The same boot, the network not up yet either (NTP has not set the clock for that reason):
/// the run fails to connect before any `Date` is read. The runs the state dated in the future
/// of this clock were saved forgotten with its failure, though the README says they are kept
/// whenever the clock may be the one wrong. With no answer, the clock could not be judged:
/// they are kept, the failure counted.
#[test]
fn runs_in_the_future_are_kept_when_no_api_answered() {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let landed = site.state("quakes");
    let (_held, closed) = testkit::http::refusing_port();
    std::fs::write(
        site.config(),
        usgs_source("quakes", &format!("http://{closed}/feed"), ""),
    )
    .expect("the network not up");
    let restored = (chrono::Utc::now() - chrono::TimeDelta::minutes(40))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let booted = collector_at(&site, &restored);
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert!(stderr.contains("source `quakes` failed"), "{stderr}");
    let state = site.state("quakes");
    assert_eq!(state.failures_in_a_row, 1, "its failure counted: {stderr}");
    assert_eq!(
        (state.last_success_started, state.last_success_landed),
        (landed.last_success_started, landed.last_success_landed),
        "the last landing, dated ahead of the clock, kept: {stderr}"
    );
    assert!(
        state.last_attempt < landed.last_attempt,
        "the failed attempt last, for its backoff: {stderr}"
    );
}

/// The same power cut three days after the last landing was fully recorded, its metrics still
/// in the raw folder (not summarised yet): the boot's clock, days behind, pulled the killed
/// run's start back to its own time, and the settling took the run before's metrics for the
/// killed run's: counted as landed ("wrote its metrics but not its state"), not as failed.
/// A killed run is settled by its own files only.
#[test]
fn a_killed_run_is_not_settled_by_the_run_befores_metrics_at_a_clock_behind() {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    site.edit_state("quakes", |state| {
        state.running = Some(collector::state::Running {
            started: chrono::Utc::now(),
            day: None,
            waiting_ahead: Vec::new(),
        });
    });
    let restored = (chrono::Utc::now() - chrono::TimeDelta::days(3))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let booted = collector_asked_at(&site, &restored, "no", &["--force"]);
    let stderr = String::from_utf8_lossy(&booted.stderr);
    assert!(
        !stderr.contains("wrote its metrics but not its state"),
        "the run before's metrics taken for the killed run's: {stderr}"
    );
    let state = site.state("quakes");
    assert_eq!(
        state.failures_in_a_row, 1,
        "the killed run counted failed: {stderr}"
    );
}

/// The boot's network still down a minute later: the runs dated ahead were put back over the
/// failed run's own attempt, forgotten again by the next run, which found the source due at
/// once, every cron minute, without the backoff a failure brings. The failure's attempt holds.
#[test]
fn a_failure_with_no_api_answering_backs_off_at_a_clock_behind() {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let (_held, closed) = testkit::http::refusing_port();
    std::fs::write(
        site.config(),
        usgs_source("quakes", &format!("http://{closed}/feed"), ""),
    )
    .expect("the network not up");
    let boot = chrono::Utc::now() - chrono::TimeDelta::minutes(40);
    for minutes in 0..3 {
        let at = (boot + chrono::TimeDelta::minutes(minutes))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        let booted = collector_at(&site, &at);
        assert!(booted.status.code().is_some(), "{booted:?}");
    }
    let state = site.state("quakes");
    assert!(
        state.failures_in_a_row <= 2,
        "retried each minute without backoff: {} failures in 3 minutes",
        state.failures_in_a_row
    );
}

/// A boot's clock three days behind this machine's, at noon to the second (whatever this
/// machine's second): read once per test, so that its minutes stay of one boot should the
/// test run across 00:00 UTC.
fn boot_noon() -> chrono::DateTime<chrono::Utc> {
    (chrono::Utc::now().date_naive() - chrono::Days::new(3))
        .and_hms_opt(12, 0, 5)
        .expect("noon")
        .and_utc()
}

/// The boot's clock `minute` cron minutes after its `noon` ([`boot_noon`]), as the collector's
/// clock is given.
fn boot_minute(noon: chrono::DateTime<chrono::Utc>, minute: i64) -> String {
    (noon + chrono::TimeDelta::minutes(minute))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The source `quakes` of `site` pointed at a port that refuses connections: the network
/// not up yet.
fn network_down(site: &Site, every: &str) -> impl Sized {
    let (held, closed) = testkit::http::refusing_port();
    std::fs::write(
        site.config(),
        usgs_source_every("quakes", &format!("http://{closed}/feed"), every, ""),
    )
    .expect("the network not up");
    held
}

/// A boot's clock behind, the network down at each cron minute `minutes` after it: the runs
/// put back after the first failure were forgotten again by the next run, and a run that found
/// the source not due (backing off) saved the state without them: the last landing was lost for
/// good, and once NTP set the clock the source ran as if it had never landed. Each minute keeps
/// them, the source scheduled from its failures alone (`failures`, the runs due).
fn landings_dated_ahead_outlive_a_boot_s_minutes(every: &str, minutes: &[i64], failures: u32) {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", feed.url()),
        every,
        "",
    ));
    collected_at_the_right_time(&site);
    let landed = site.state("quakes");
    let _held = network_down(&site, every);
    let boot = boot_noon();
    for minute in minutes {
        let run = collector_at(&site, &boot_minute(boot, *minute));
        let stderr = String::from_utf8_lossy(&run.stderr);
        let state = site.state("quakes");
        assert_eq!(
            (state.last_success_started, state.last_success_landed),
            (landed.last_success_started, landed.last_success_landed),
            "a {every} source at the boot's minute {minute}: the last landing, dated ahead of the clock, kept: {stderr}"
        );
    }
    assert_eq!(
        site.state("quakes").failures_in_a_row,
        failures,
        "a {every} source backed off from its failures, not from its landing dated ahead"
    );
}

#[test]
fn a_minutely_source_keeps_its_landing_dated_ahead_through_a_boot_s_minutes() {
    // Due at 0, 1 and 3; backing off at 2.
    landings_dated_ahead_outlive_a_boot_s_minutes("1m", &[0, 1, 2, 3], 3);
}

#[test]
fn an_hourly_source_keeps_its_landing_dated_ahead_through_a_boot_s_minutes() {
    // Due at 0 and 15; backing off at 1 and 2.
    landings_dated_ahead_outlive_a_boot_s_minutes("1h", &[0, 1, 2, 15], 2);
}

/// France Travail after a boot three days behind, the network down: the days it landed are
/// not over by this clock, forgotten, put back after the failed run, and lost at the next
/// minute (backing off), when its state was saved without them: once NTP set the clock the
/// days were collected again, spending the quota. They are kept at every minute.
#[test]
fn a_per_day_source_keeps_its_landed_days_through_a_boot_s_minutes() {
    let (_held, closed) = testkit::http::refusing_port();
    let site = Site::new(&format!(
        r#"[[source]]
name = "offers"
kind = "france_travail"
url = "http://{closed}/partenaire/offresdemploi/v2/offres/search"
token_url = "http://{closed}/connexion/oauth2/access_token?realm=/partenaire"
every = "1d"
key = "id"
time = "dateCreation"
"#
    ));
    let now = chrono::Utc::now();
    let landed_day = now.date_naive() - chrono::Days::new(1);
    let landed_at = (now - chrono::TimeDelta::hours(1)).to_rfc3339();
    std::fs::create_dir_all(site.raw().join("offers")).expect("the source's folder");
    std::fs::write(
        site.raw().join("offers/.state.json"),
        format!(
            r#"{{"last_success_started":"{landed_at}","last_success_landed":"{landed_at}","last_attempt":"{landed_at}","last_error":null,"cursor":null,"days":["{landed_day}"]}}"#
        ),
    )
    .expect("the state");
    let landed = site.state("offers");
    let boot = boot_noon();
    for minute in [0, 1, 2, 15] {
        let run = collector_command(&site, &boot_minute(boot, minute), "no")
            .env("FRANCE_TRAVAIL_CLIENT_ID", "an-id")
            .env("FRANCE_TRAVAIL_CLIENT_SECRET", "a-secret")
            .output()
            .expect("the collector runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        let state = site.state("offers");
        assert!(
            state.days.contains(&landed_day),
            "minute {minute}: the day landed, {landed_day}, kept: {stderr}"
        );
        assert_eq!(
            (state.last_success_started, state.last_success_landed),
            (landed.last_success_started, landed.last_success_landed),
            "minute {minute}: the last landing kept: {stderr}"
        );
    }
    assert_eq!(
        site.state("offers").failures_in_a_row,
        2,
        "due at the boot's minutes 0 and 15 only"
    );
}

/// A collector killed (out of memory, a power cut) while its API had not answered, at a boot's
/// clock behind: the state it noted the run in before calling the API was saved without the
/// runs dated ahead, which the kill then left forgotten for good. They are kept, and the next
/// run counts the killed one failed. A file waiting with no metrics beside it (the summariser
/// refused it as too large, its metrics taken), landed before the last landing, was taken for
/// the killed run's landing (metrics written beside it again, the run counted landed): not any
/// more; nor is one whose metrics were still beside it when the run began, taken by the
/// summariser only after the kill.
#[test]
fn a_collector_killed_at_a_clock_behind_keeps_the_runs_dated_ahead() {
    let (called, calling) = std::sync::mpsc::channel();
    let (feed, _calls) = numbered_feed(move |n| {
        let called = called.clone();
        async move {
            if n > 0 {
                let _ = called.send(n);
                std::future::pending::<()>().await;
            }
            usgs_body(2)
        }
    });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collected_at_the_right_time(&site);
    let landed = site.state("quakes");
    let [file] = site
        .data_files("quakes")
        .try_into()
        .expect("one file landed");
    let refused = releve::RawFileName::data(
        "quakes",
        landed.last_success_landed.expect("landed") - chrono::TimeDelta::hours(1),
        1,
    );
    std::fs::copy(&file, refused.path_in(&site.raw())).expect("a file refused as too large");
    let refused_later = releve::RawFileName::data(
        "quakes",
        landed.last_success_landed.expect("landed") - chrono::TimeDelta::hours(2),
        1,
    );
    std::fs::copy(&file, refused_later.path_in(&site.raw())).expect("a file waiting");
    let [mut its_run] = site
        .metrics("quakes")
        .try_into()
        .expect("one run's metrics");
    its_run.file = Some(refused_later.file_name());
    its_run.started -= chrono::TimeDelta::hours(2);
    let its_metrics = refused_later.metrics().path_in(&site.raw());
    std::fs::write(&its_metrics, serde_json::to_vec(&its_run).expect("JSON"))
        .expect("its metrics beside it");
    let boot = boot_noon();
    let mut run = collector_command(&site, &boot_minute(boot, 0), "no")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the collector runs");
    calling
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the collector called the API");
    run.kill().expect("the collector killed");
    run.wait().expect("the collector ended");
    let state = site.state("quakes");
    assert!(state.running.is_some(), "killed mid-run");
    assert_eq!(
        (state.last_success_started, state.last_success_landed),
        (landed.last_success_started, landed.last_success_landed),
        "the last landing, dated ahead of the clock, kept when killed"
    );
    std::fs::remove_file(&its_metrics).expect("its metrics taken, the file refused as too large");
    let _held = network_down(&site, "1m");
    let next = collector_at(&site, &boot_minute(boot, 0));
    let stderr = String::from_utf8_lossy(&next.stderr);
    let state = site.state("quakes");
    assert!(
        state
            .last_error
            .is_some_and(|error| error.contains("did not finish")),
        "the killed run counted failed: {stderr}"
    );
    assert_eq!(
        (state.last_success_started, state.last_success_landed),
        (landed.last_success_started, landed.last_success_landed),
        "the last landing kept by the run after: {stderr}"
    );
    for waiting in [&refused, &refused_later] {
        assert!(
            site.metrics("quakes")
                .iter()
                .all(|run| run.file != Some(waiting.file_name())),
            "{} refused as too large not taken for the killed run's: {stderr}",
            waiting.file_name()
        );
    }
}

/// An hourly source `quakes` landed at the right time, then pointed at an API sending no
/// `Date` (nothing tells a clock wrong): its site, its state after that landing, and the
/// count of the undated API's requests.
fn landed_then_asking_an_undated_api() -> (
    Site,
    collector::state::SourceState,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let (feed, _calls) = numbered_feed(|_| async { usgs_body(2) });
    let hourly = |url: &str| usgs_source_every("quakes", url, "1h", "");
    let site = Site::new(&hourly(&format!("{}/feed", feed.url())));
    collected_at_the_right_time(&site);
    let landed = site.state("quakes");
    let undated = closing_answer("200 OK", "", "application/json", &usgs_body(2));
    let (port, requests) = answering_each_request("127.0.0.1:0", undated);
    std::fs::write(
        site.config(),
        hourly(&format!("http://127.0.0.1:{port}/feed")),
    )
    .expect("an API sending no Date");
    (site, landed, requests)
}

/// A boot's clock three days behind, the network up, the API one that sends no `Date` header
/// (nothing tells the clock wrong): the run lands, and its state was saved without the landing
/// dated ahead of that clock, forgotten for good though no API had told the clock right (a
/// France Travail source lost its landed days so, collected again once NTP set the clock). A
/// landing at a clock that may be behind keeps the later ones; then the next minute forgot
/// them again, the source due at once: an hourly source landed every minute until NTP set the
/// clock. It is scheduled from its own landing, due an hour of this clock after it.
#[test]
fn a_landing_at_a_clock_behind_no_api_dated_keeps_the_later_landing() {
    let (site, landed, requests) = landed_then_asking_an_undated_api();
    let boot = boot_noon();
    for minute in [0, 1] {
        let booted = collector_at(&site, &boot_minute(boot, minute));
        let stderr = String::from_utf8_lossy(&booted.stderr);
        assert!(booted.status.success(), "minute {minute}: {stderr}");
        let state = site.state("quakes");
        assert_eq!(
            (state.last_success_started, state.last_success_landed),
            (landed.last_success_started, landed.last_success_landed),
            "minute {minute}: the landing dated ahead of the clock kept: {stderr}"
        );
        assert!(
            state.last_attempt < landed.last_attempt,
            "minute {minute}: the run landed at this clock last, for its schedule: {stderr}"
        );
    }
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the hourly source landed at the boot's minute 0, not due again at minute 1"
    );
}

/// A boot's clock three days behind, the API one that sends no `Date`: a run lands, and is
/// killed before its metrics and state (a power cut). The next run settled it as landed and
/// saved its start and landing as the last, erasing the landing dated ahead though no API had
/// told the clock right: once NTP set the clock, the source was due at once. The later landing
/// stays the last in the state file, and the source waits an hour of this clock all the same,
/// then an hour from that landing once the clock is set right.
#[test]
fn a_run_killed_after_landing_at_a_clock_behind_keeps_the_later_landing() {
    let (site, landed, requests) = landed_then_asking_an_undated_api();
    let boot = boot_noon();
    let booted = collector_at(&site, &boot_minute(boot, 0));
    assert!(booted.status.success(), "{booted:?}");
    // Killed once its file had landed: its metrics (the oldest, named by the boot's clock) not
    // written, its state as noted at its start.
    let metrics = site.files("quakes", releve::RawFileRole::Metrics);
    std::fs::remove_file(&metrics[0]).expect("the killed run's metrics not written");
    let started = site.state("quakes").last_attempt.expect("its start");
    site.edit_state("quakes", |state| {
        state.running = Some(collector::state::Running {
            started,
            day: None,
            waiting_ahead: Vec::new(),
        });
        state.last_attempt = landed.last_attempt;
    });
    let next = collector_at(&site, &boot_minute(boot, 1));
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(
        stderr.contains("counted as landed"),
        "the killed run counted landed: {stderr}"
    );
    let state = site.state("quakes");
    assert_eq!(
        (state.last_success_started, state.last_success_landed),
        (landed.last_success_started, landed.last_success_landed),
        "the landing dated ahead of the clock kept: {stderr}"
    );
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "not collected again: {stderr}"
    );
    // NTP has set the clock: the source landed at this clock's time moments ago.
    collected_at_the_right_time(&site);
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "not collected again once the clock is set right"
    );
}

/// A feed asking, at its first call, to wait an hour (an exhausted quota), then answering.
fn feed_pausing_once() -> (
    testkit::http::LocalServer,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use axum::response::IntoResponse;
    numbered_feed(|n| async move {
        if n == 0 {
            return (
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "3600")],
                "{\"error\": \"daily quota exhausted\"}",
            )
                .into_response();
        }
        usgs_body(2).into_response()
    })
}

/// A clock two hours ahead when the API asked to wait an hour (an exhausted quota), set
/// right since: the pause, set at a time ahead of the clock, was dropped with the runs dated
/// ahead, and the next run called the API at once. It holds its own length from the first run
/// that finds it set ahead, which says so once.
#[test]
fn a_pause_set_at_a_clock_ahead_holds_its_own_length_once_the_clock_is_set_right() {
    let (feed, calls) = feed_pausing_once();
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    let ahead = (chrono::Utc::now() + chrono::TimeDelta::hours(2))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    collector_at(&site, &ahead);
    let paused = site.state("quakes");
    let (Some(set_at), Some(until)) = (paused.paused_at, paused.paused_until) else {
        panic!("paused: {paused:?}");
    };
    let mut said = Vec::new();
    let before = chrono::Utc::now();
    for _ in 0..2 {
        let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
        let run = collector_at(&site, &now);
        said.push(String::from_utf8_lossy(&run.stderr).into_owned());
    }
    let said = said.join("");
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the API not called during its pause: {said}"
    );
    let redated: Vec<&str> = said
        .lines()
        .filter(|line| line.contains("was set at a time ahead of this clock"))
        .collect();
    assert_eq!(redated.len(), 1, "said once: {said}");
    assert!(redated[0].contains("holds its own length"), "{said}");
    let state = site.state("quakes");
    let (Some(now_set_at), Some(now_until)) = (state.paused_at, state.paused_until) else {
        panic!("still paused: {state:?}");
    };
    // The hour asked for, counted from the runs above: over by the minute after it.
    let hour = chrono::TimeDelta::hours(1);
    let stderr = the_pause_ends(&site, &calls, chrono::Utc::now() + hour);
    assert_eq!(site.data_files("quakes").len(), 1, "landed: {stderr}");
    assert!(now_set_at < set_at, "dated by this clock: {state:?}");
    assert_eq!(now_until - now_set_at, until - set_at, "its own length");
    let second = chrono::TimeDelta::seconds(1);
    assert!(
        before + hour - second <= now_until && now_until <= before + hour * 2,
        "an hour from the run that found it: {state:?}"
    );
}

/// A run at the minute after `until`, when the pause `quakes` holds should be over, calls the
/// API again (the `calls` of its feed): the pause ends. Returns what the run said.
fn the_pause_ends(
    site: &Site,
    calls: &std::sync::atomic::AtomicUsize,
    until: chrono::DateTime<chrono::Utc>,
) -> String {
    let after = (until + chrono::TimeDelta::minutes(1))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let run = collector_at(site, &after);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the API called once the pause is over, at {after}: {stderr}"
    );
    stderr.into_owned()
}

/// A pause the API asked for at a right clock, read at a boot's clock days behind (restored by
/// `fake-hwclock` from before the pause was set): the pause, set ahead of that clock, was
/// dropped with the runs dated ahead, and the API that asked to wait was called at every cron
/// minute of the boot. The pause holds at that clock too, counted from the boot's first run.
#[test]
fn a_pause_read_at_a_boot_s_clock_behind_holds_through_its_minutes() {
    let (feed, calls) = feed_pausing_once();
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
    collector_at(&site, &now);
    assert!(site.state("quakes").paused_until.is_some(), "paused");
    let mut said = String::new();
    let boot = boot_noon();
    for minute in 0..3 {
        let run = collector_at(&site, &boot_minute(boot, minute));
        said.push_str(&String::from_utf8_lossy(&run.stderr));
    }
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the API not called during its pause: {said}"
    );
    assert_eq!(
        said.lines()
            .filter(|line| line.contains("was set at a time ahead of this clock"))
            .count(),
        1,
        "said once: {said}"
    );
    // The hour asked for, counted from the boot's first run: over by the minute after it.
    // The boot's clock, behind the API's, lands nothing: the call is what ends the pause.
    let slow_run = chrono::TimeDelta::seconds(50);
    the_pause_ends(&site, &calls, boot + chrono::TimeDelta::hours(1) + slow_run);
}

/// The boot's clock of [`boot_minute`] at its `minute`'s start, as a run says it.
fn boot_clock(noon: chrono::DateTime<chrono::Utc>, minute: i64) -> String {
    (noon - chrono::TimeDelta::seconds(5) + chrono::TimeDelta::minutes(minute))
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// A boot's clock three days behind, NTP blocked for hours (a campus firewall): each cron
/// minute called the API, said the clock behind in two long lines in cron's mail and landed
/// nothing, the source never backed off (an hourly source's API called 60 times an hour).
/// The source backs off, 5 minutes by this clock, then 10, silent in cron's mail meanwhile
/// and said in one line by hand; once NTP sets the clock, the next run collects at once.
#[test]
fn a_clock_found_behind_backs_off_until_ntp_sets_it() {
    let boot = boot_noon();
    let (feed, calls) = numbered_feed(|_| async { usgs_body(2) });
    let calls = move || calls.load(std::sync::atomic::Ordering::SeqCst);
    let site = Site::new(&usgs_source_every(
        "quakes",
        &format!("{}/feed", feed.url()),
        "1h",
        "",
    ));
    let first = collector_at(&site, &boot_minute(boot, 0));
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(calls(), 1, "{stderr}");
    assert!(
        stderr.contains("behind the API's") && stderr.contains(&boot_clock(boot, 5)),
        "the failure says when the source is tried again: {stderr}"
    );

    let cron = collector_at(&site, &boot_minute(boot, 1));
    let stderr = String::from_utf8_lossy(&cron.stderr);
    assert_eq!(calls(), 1, "no API called while backing off: {stderr}");
    assert!(cron.status.success(), "{stderr}");
    assert_eq!(stderr, "", "nothing in cron's mail while backing off");
    let by_hand = collector_command(&site, &boot_minute(boot, 1), "no")
        .args(["--source", "quakes"])
        .output()
        .expect("the collector runs");
    let stderr = String::from_utf8_lossy(&by_hand.stderr);
    assert_eq!(calls(), 1, "no API called by hand either: {stderr}");
    let said: Vec<&str> = stderr.lines().collect();
    assert_eq!(said.len(), 1, "one line: {stderr}");
    assert!(
        said[0].contains("quakes")
            && said[0].contains(&boot_clock(boot, 5))
            && said[0].contains("clock was found")
            && said[0].contains("behind the API's"),
        "names the source, when and why: {stderr}"
    );
    assert!(
        said[0].contains(
            "once `timedatectl` says NTP has synchronised the clock, `--force` collects it now \
             (before, it fails the same way)"
        ),
        "says what helps once NTP set the clock (the wait itself may last 45 minutes more), \
         and that --force before that finds the clock behind again: {stderr}"
    );

    let again = collector_at(&site, &boot_minute(boot, 5));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(calls(), 2, "called once the backoff is over: {stderr}");
    assert!(
        stderr.contains(&boot_clock(boot, 15)),
        "the backoff doubled: {stderr}"
    );
    collector_at(&site, &boot_minute(boot, 14));
    assert_eq!(calls(), 2, "backing off 10 minutes");

    // NTP sets the clock.
    collected_at_the_right_time(&site);
    assert_eq!(calls(), 3, "collected at once");
    assert_eq!(site.data_files("quakes").len(), 1, "landed");
}

/// Another boot after a clock found behind, its clock restored to a time before that run (a
/// `fake-hwclock` file saved before it): the backoff counted from the first boot's clock ends,
/// the API is called at once.
#[test]
fn a_boot_after_a_clock_found_behind_calls_the_api_at_once() {
    let boot = boot_noon();
    let (feed, calls) = numbered_feed(|_| async { usgs_body(2) });
    let calls = move || calls.load(std::sync::atomic::Ordering::SeqCst);
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    collector_at(&site, &boot_minute(boot, 0));
    collector_at(&site, &boot_minute(boot, 1));
    assert_eq!(calls(), 1, "backing off");
    let rebooted = collector_at(&site, &boot_minute(boot, -10));
    let stderr = String::from_utf8_lossy(&rebooted.stderr);
    assert_eq!(calls(), 2, "called at the new boot's clock: {stderr}");
    assert!(stderr.contains(&boot_clock(boot, -5)), "{stderr}");
}

/// A clock 18 minutes behind (`fake-hwclock` restoring the time it saved before a power cut,
/// NTP blocked): 4 minutes on, 14 minutes behind the API's `Date`, it was taken for set by NTP
/// and the API called again, every few minutes for hours. The source backs off as for a clock
/// days behind.
#[test]
fn a_clock_minutes_behind_backs_off_as_its_minutes_pass() {
    let (feed, calls) = numbered_feed(|_| async { usgs_body(2) });
    let calls = move || calls.load(std::sync::atomic::Ordering::SeqCst);
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    // 18 minutes behind, give or take a minute: its run starts 5 seconds into a minute.
    let now = chrono::Utc::now();
    let behind =
        now - chrono::TimeDelta::minutes(18) - chrono::TimeDelta::seconds(now.timestamp() % 60)
            + chrono::TimeDelta::seconds(5);
    let at = |minute: i64| {
        (behind + chrono::TimeDelta::minutes(minute))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let first = collector_at(&site, &at(0));
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(calls(), 1, "{stderr}");
    assert!(stderr.contains("behind the API's"), "{stderr}");
    let later = collector_at(&site, &at(4));
    let stderr = String::from_utf8_lossy(&later.stderr);
    assert_eq!(calls(), 1, "no API called while backing off: {stderr}");
    assert_eq!(stderr, "", "nothing in cron's mail while backing off");
}

/// A run that found the clock behind, its state file then unsaved (a folder in its place): the
/// failure promised "not called again before" a time, and the next run called the API again,
/// the backoff never saved. It says the state file could not be saved, and promises nothing.
#[test]
fn a_backoff_not_saved_is_not_promised() {
    let boot = boot_noon();
    let state = std::sync::Arc::new(std::sync::OnceLock::<std::path::PathBuf>::new());
    let in_the_call = state.clone();
    let (feed, _calls) = numbered_feed(move |_| {
        let state = in_the_call.clone();
        async move {
            // The run noted under way; its state file becomes a folder before it ends.
            if let Some(path) = state.get() {
                std::fs::remove_file(path).expect("the state noted");
                std::fs::create_dir(path).expect("a folder in its place");
            }
            usgs_body(2)
        }
    });
    let site = Site::new(&usgs_source("quakes", &format!("{}/feed", feed.url()), ""));
    state
        .set(site.raw().join("quakes/.state.json"))
        .expect("set once");
    let run = collector_at(&site, &boot_minute(boot, 0));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let failed = stderr
        .lines()
        .find(|line| line.contains("source `quakes` failed"))
        .unwrap_or_else(|| panic!("a failure: {stderr}"));
    assert!(
        failed.contains("behind the API's") && failed.contains("cannot save the state file"),
        "{failed}"
    );
    assert!(
        !failed.contains("not called again"),
        "no backoff promised, none saved: {failed}"
    );
}
