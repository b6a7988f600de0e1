//! A laptop's days: the machine asleep at night, so no source runs then.

mod common;

use chrono::{Duration, Utc};
use common::golden;
use mongodb::bson::Document;
use releve::store;
use testkit::MongoServer;

/// Two sources collected every 15 minutes, as a student's laptop collects them.
const CONFIG: &str = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "meteo"
kind = "http_json"
url = "http://127.0.0.1:9/meteo"
every = "15m"
records = "current"
key = "time"
time = "time"
numeric = ["t"]

[[source]]
name = "station"
kind = "http_json"
url = "http://127.0.0.1:9/station"
every = "15m"
records = "results"
key = "time"
time = "time"
numeric = ["t"]
"#;

/// The cover of the golden day's report, given the `runs` stored and `config`, written in a
/// database of its own named after `name`.
async fn day_cover(name: &str, runs: &[releve::RunMetrics], config: &str) -> String {
    let (_dir, pdf) = day_report(name, runs, config).await;
    common::flat(&common::page_texts(&pdf)[0])
}

/// The golden day's report, given the `runs` stored and `config`, written in a database of
/// its own named after `name`: its folder (kept while held) and its file.
async fn day_report(
    name: &str,
    runs: &[releve::RunMetrics],
    config: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let server = MongoServer::shared();
    let db = server.fresh_database(name);
    let documents: Vec<Document> = runs
        .iter()
        .map(|run| store::run_document(run).expect("run document"))
        .collect();
    server
        .client_database(&db)
        .await
        .collection::<Document>(store::RUNS)
        .insert_many(documents)
        .await
        .expect("insert runs");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("sources.toml"), config).expect("write sources.toml");
    let output = tokio::task::spawn_blocking({
        let (dir, uri, db) = (dir.path().to_owned(), server.uri().to_owned(), db.clone());
        move || {
            common::analyser(
                &dir,
                &[
                    "--mongodb-uri",
                    &uri,
                    "--database",
                    &db,
                    "--date",
                    &golden::date(0),
                ],
            )
        }
    })
    .await
    .expect("analyser thread");
    assert!(output.status.success(), "{output:?}");
    let pdf = dir.path().join(golden::report(0));
    (dir, pdf)
}

/// The laptop slept from midnight to 08:00: no source started a collection then, and every
/// collection due while it was awake landed. The cover rightly says, in red, that no
/// collection of any source started for 8 hours (its completeness section asks whether the
/// collector or its machine was stopped); but it also names, in red, each source as having "missed a tenth or more of
/// the collections expected", as if the sources were at fault, every morning, for what is the
/// machine's night (already said by the line above). A source that missed nothing while the
/// collector ran is not short.
#[tokio::test(flavor = "multi_thread")]
async fn a_night_asleep_is_not_told_as_each_source_missing_collections() {
    let cover = day_cover("laptopnight", &night_asleep_runs(), CONFIG).await;
    assert!(
        cover.contains("No collection of any source started from"),
        "the night is said as the machine's: {cover}"
    );
    assert!(
        !cover.contains("missed a tenth or more of the collections expected"),
        "the night asleep is told as each source's shortfall: {cover}"
    );
}

/// The runs of `meteo` and `station`, every 15 minutes from the day before the golden day to
/// the day after it, but from midnight to 08:00 of the golden day (the laptop asleep), and
/// one a minute ago (health is judged when the report is generated: both collect now).
fn night_asleep_runs() -> Vec<releve::RunMetrics> {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let asleep = at >= start && at < start + Duration::hours(8);
        if !asleep {
            runs.push(golden::run("meteo", at, 1, None, None));
            runs.push(golden::run("station", at, 1, None, None));
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    runs
}

/// The same night asleep, in the completeness section: its red line says no source ran from
/// midnight to 08:00 and asks whether the machine was stopped. Below it, each source's line
/// ("meteo: 32 collections of 96 expected did not run (no run recorded for them: was the
/// collector stopped?)") was red and bold too, every morning, for each source: the night said
/// again as each source's fault, though the cover had set it aside as the machine's. A
/// laptop's reports read as alarms a student can do nothing about (found by a laptop user).
#[tokio::test(flavor = "multi_thread")]
async fn a_night_asleep_is_not_each_sources_alarm_in_the_completeness_section() {
    let (_dir, pdf) = day_report("laptopquality", &night_asleep_runs(), CONFIG).await;
    let lines = tokio::task::spawn_blocking(move || common::styled_lines(&pdf))
        .await
        .expect("styled lines");
    let red = "#be3c14";
    assert!(
        lines.iter().any(
            |line| line.text.contains("No collection of any source started") && line.colour == red
        ),
        "the night is said, in red, as the machine's: {lines:#?}"
    );
    for source in ["meteo", "station"] {
        let line = lines
            .iter()
            .find(|line| {
                line.text.starts_with(&format!("{source}: ")) && line.text.contains("did not run")
            })
            .unwrap_or_else(|| panic!("{source}'s collections not run are said: {lines:#?}"));
        assert!(
            line.colour != red && !line.bold,
            "{source}'s night asleep is its own alarm, in red: {line:?}"
        );
        assert!(
            line.text.contains("while no source ran"),
            "{source}'s line does not say its collections were missed while no source ran: {line:?}"
        );
    }
}

/// The same night asleep, the laptop's Wi-Fi not yet up at its first collector run on waking
/// (08:00: every source failed, as cron starts the collector the moment the machine wakes),
/// every collection landing from 08:15. A source that failed once falls out of the line of
/// collections that did not run into the one naming its stretch without a run: each source's
/// night was said again, in red, as "no run from 00:00 to 08:00: was the collector stopped,
/// its cron line removed, or its table refused by the configuration?", below the line saying
/// no source ran then (found by a laptop user).
#[tokio::test(flavor = "multi_thread")]
async fn a_night_asleep_then_a_failed_first_run_is_not_each_sources_stopped_collector() {
    let wake = golden::day_start() + Duration::hours(8);
    let runs: Vec<releve::RunMetrics> = night_asleep_runs()
        .into_iter()
        .map(|run| match run.started == wake {
            true => golden::run(&run.source, wake, 0, None, Some("dns error: no network")),
            false => run,
        })
        .collect();
    let (_dir, pdf) = day_report("laptopwifi", &runs, CONFIG).await;
    let text = common::flat(&common::text(&pdf));
    assert!(
        text.contains("No collection of any source started from"),
        "the night is said as the machine's: {text}"
    );
    for source in ["meteo", "station"] {
        assert!(
            text.contains(&format!("{source}: 1 collection of")),
            "{source}'s failure on waking is said: {text}"
        );
        assert!(
            !text.contains(&format!("{source}: no run from")),
            "{source}'s night asleep is said as its own stopped collector: {text}"
        );
    }
}

/// The same laptop asleep from midnight to 08:00; a third source, `quakes`, added that morning
/// (its first run at 10:00), failed every run from 14:00 to 18:00, its API down: 16 of its 56
/// collections expected since it was added were missed while the collector ran (the other two
/// sources collected all afternoon), over a tenth, a shortfall the cover names in red whatever
/// the health now. It was no longer named once the night was left out of the line (found by the
/// third review): the collections a `15m` source would have been due in the night's silence
/// (31) were taken off every source's missed count, `quakes`'s too, though it did not exist
/// then and its count of expected collections starts at 10:00.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_added_after_a_night_asleep_that_then_failed_for_hours_is_named_short() {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let asleep = at >= start && at < start + Duration::hours(8);
        if !asleep {
            runs.push(golden::run("meteo", at, 1, None, None));
            runs.push(golden::run("station", at, 1, None, None));
            if at >= start + Duration::hours(10) {
                let down = at >= start + Duration::hours(14) && at < start + Duration::hours(18);
                let error = down.then_some("HTTP 503 Service Unavailable");
                runs.push(golden::run("quakes", at, u64::from(!down), None, error));
            }
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station", "quakes"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/quakes\"\nevery = \"15m\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"mag\"]\n"
    );
    let cover = day_cover("laptopadded", &runs, &config).await;
    assert!(
        cover.contains("missed a tenth or more of the collections expected")
            && cover.contains("quakes"),
        "quakes missed 16 of its 56 collections while the collector ran, not named on the cover: {cover}"
    );
}

/// The same laptop, asleep this time from 16:00 to the next morning; a third source, `quakes`,
/// collected every 15 minutes, failed every run from midnight to 06:00 (its API down, the
/// other two sources collecting all the while) and was disabled at noon (`enabled = false`,
/// its last run at 11:45). Of the 48 collections expected of it (midnight to noon) it missed
/// 24, half, all while the collector ran: the cover's red line names it. It was not named
/// (found by the fourth review): the evening's silence (16:00 to midnight, some 32 collections
/// of a `15m` source) was taken off its missed count, though it was disabled hours before and
/// its expected count ends at noon.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_disabled_before_a_night_asleep_that_missed_half_its_collections_is_named_short() {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let asleep = at >= start + Duration::hours(16) && at < start + Duration::hours(32);
        if !asleep {
            runs.push(golden::run("meteo", at, 1, None, None));
            runs.push(golden::run("station", at, 1, None, None));
        }
        if at >= start && at < start + Duration::hours(12) {
            let down = at < start + Duration::hours(6);
            let error = down.then_some("HTTP 503 Service Unavailable");
            runs.push(golden::run("quakes", at, u64::from(!down), None, error));
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/quakes\"\nevery = \"15m\"\nenabled = false\nrecords = \"features\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"mag\"]\n"
    );
    let cover = day_cover("laptopdisabled", &runs, &config).await;
    assert!(
        cover.contains("missed a tenth or more of the collections expected")
            && cover.contains("quakes"),
        "quakes missed 24 of its 48 collections while the collector ran, not named on the cover: {cover}"
    );
}

/// The same laptop, on a train from 14:00 to 17:00: its Wi-Fi's captive portal answered every
/// request with its login page until the student signed in at the next station, so every
/// source's runs failed together, each saying `an HTML page titled "Wi-Fi SNCF"`, and
/// collected again at 17:00. The cover says, in red, that each source "missed a tenth or more
/// of the collections expected" (84 landed of 96), three APIs at fault, and nowhere that every
/// source failed at the same times: what is the machine's network, as the night asleep is the
/// machine's (`a_night_asleep_is_not_told_as_each_source_missing_collections`), is told as
/// each source's shortfall. The cover should say once that every source failed from 14:00 (to
/// 17:00).
#[tokio::test(flavor = "multi_thread")]
async fn every_source_failing_together_on_a_captive_network_is_said_once_as_such() {
    let start = golden::day_start();
    let runs = train_runs(|_| None);
    let cover = day_cover("laptoptrain", &runs, CONFIG).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    let together = format!(
        "Every source's collections failed at once from {day} 14:00 to {day} 17:00 (about 3 hours): most likely the machine's network (a captive portal to sign in to, a proxy, the connection down)"
    );
    assert!(
        common::flat(&cover).contains(&together),
        "the stretch every source failed together (the machine's network) is not said as such, only each source as short: {cover}"
    );
}

/// The same train from 14:00 to 17:00, its captive portal failing every source's runs
/// together. The cover now says once that every source failed at once, "rather than each
/// source" (as the README puts it, "said once rather than as each source's fault"); but the
/// next red line still names meteo and station as having "missed a tenth or more of the
/// collections expected" (84 landed of 96), the 12 collections due on the train counted as
/// each source's shortfall, as the night asleep's are not: the same three hours blamed on the
/// network and on each source, on the same cover.
#[tokio::test(flavor = "multi_thread")]
async fn a_stretch_every_source_failed_together_is_not_also_told_as_each_source_short() {
    let runs = train_runs(|_| None);
    let cover = day_cover("laptoptrainshort", &runs, CONFIG).await;
    assert!(
        cover.contains("Every source's collections failed at once"),
        "the stretch on the train is said once as the network's: {cover}"
    );
    assert!(
        !cover.contains("missed a tenth or more of the collections expected"),
        "the train's three hours are blamed on the network and, on the next line, on each source: {cover}"
    );
}

/// meteo's API key expired at 09:00: every run of it failed from then to the end of the day,
/// `HTTP 401: Invalid API key`, while station collected; station's own API was down from
/// 14:00 to 17:00 (`HTTP 503`), meteo's key still expired. Nothing failed together: each
/// source failed for its own reason, at its own time, the network fine throughout (station
/// collected from 09:00 to 14:00). The cover says, in red, "Every source's collections failed
/// at once from … 14:00 to … 17:00: most likely the machine's network (a captive portal to
/// sign in to, a proxy, the connection down) … rather than each source": any outage of one
/// source, while another is broken for the whole period (a month's report with a key expired
/// in its first week), is told as the machine's network.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_broken_all_day_does_not_make_another_sources_outage_read_as_the_network() {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let key_expired = at >= start + Duration::hours(9) && at < start + Duration::days(1);
        let station_down = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        let meteo_error = key_expired.then_some("GET: HTTP 401: Invalid API key");
        let station_error = station_down.then_some("GET: HTTP 503: Service Unavailable");
        runs.push(golden::run(
            "meteo",
            at,
            u64::from(!key_expired),
            None,
            meteo_error,
        ));
        runs.push(golden::run(
            "station",
            at,
            u64::from(!station_down),
            None,
            station_error,
        ));
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let cover = day_cover("laptopalone", &runs, CONFIG).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "two sources failing each for its own reason, one of them all day, are told as the machine's network failing them together: {cover}"
    );
}

/// The train from 14:00 to 17:00 again, its captive portal failing meteo's and station's runs
/// together, on a laptop whose third source, `quakes`, was paused the day before
/// (`enabled = false`, its last run the day before at noon): no collection of it was due on
/// the train, so none failed. The cover does not say that every source failed at once (the
/// README: "two sources or more, those collecting by day or of daily values left out"), and
/// its next line blames meteo and station each for the collections the network lost: a
/// source paused keeps the line off for good, as it has no failure to match.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_paused_before_the_period_does_not_hide_every_other_failing_together() {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        (at < start - Duration::hours(12)).then(|| golden::run("quakes", at, 1, None, None))
    });
    let config = with_quakes(false);
    let cover = day_cover("laptoptrainpaused", &runs, &config).await;
    assert!(
        cover.contains("Every source's collections failed at once"),
        "meteo and station, the only sources collecting, failed together on the train, not said as the network's because quakes, paused the day before, did not fail then: {cover}"
    );
}

/// The runs of the train from 14:00 to 17:00, its portal (or an API they both call) failing
/// meteo's and station's runs together, beside `quakes`' runs from `quakes`.
fn train_runs(
    quakes: impl Fn(chrono::DateTime<Utc>) -> Option<releve::RunMetrics>,
) -> Vec<releve::RunMetrics> {
    let start = golden::day_start();
    let portal = "GET: the answer is not the expected JSON: expected value at line 1 column 1 (served as text/html): an HTML page titled \"Wi-Fi SNCF\"";
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let on_the_train = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        for source in ["meteo", "station"] {
            let error = on_the_train.then_some(portal);
            runs.push(golden::run(
                source,
                at,
                u64::from(!on_the_train),
                None,
                error,
            ));
        }
        runs.extend(quakes(at));
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    runs
}

/// `quakes`, collected every 15 minutes, `enabled` as given.
fn with_quakes(enabled: bool) -> String {
    format!(
        "{CONFIG}\n[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/quakes\"\nevery = \"15m\"\nenabled = {enabled}\nrecords = \"features\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"mag\"]\n"
    )
}

/// The train again, but `quakes` collected every 15 minutes all through it, each run landing
/// its record (its API reached from the train: whatever failed meteo and station, it was not
/// the machine's network), and was paused at 18:00 (`enabled = false` since). The day's
/// report, written the next morning, says on its cover that "Every source's collections failed
/// at once from 14:00 to 17:00: most likely the machine's network": quakes, disabled *now*, is
/// left out of the comparison, though it was collecting, and landing, all through the stretch.
/// The same day's report written before the pause says nothing of the kind.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_collecting_through_the_outage_and_paused_after_it_does_not_read_as_failing_with_the_others()
 {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        (at < start + Duration::hours(18)).then(|| golden::run("quakes", at, 1, None, None))
    });
    let cover = day_cover("laptoptrainpausedafter", &runs, &with_quakes(false)).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "quakes landed every collection from 14:00 to 17:00 and was paused only at 18:00, yet the cover says every source's collections failed at once on the train, the machine's network to blame: {cover}"
    );
}

/// The train again; `quakes` was paused at noon, before the train (so no collection of it was
/// due on it), and enabled again at 18:00, its first run then telling the stretch disabled
/// (`disabled_from`, 12:15). meteo and station, the only sources collecting on the train,
/// failed together there, as in
/// `a_source_paused_before_the_period_does_not_hide_every_other_failing_together`, yet the
/// cover does not say every source failed at once: `quakes`, enabled now, is compared though
/// it was disabled for the whole stretch, and having no failure there to match, keeps the line
/// off.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_paused_during_the_outage_and_enabled_again_does_not_hide_every_other_failing_together()
 {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        let paused = at > start + Duration::hours(12) && at < start + Duration::hours(18);
        let mut run = (!paused).then(|| golden::run("quakes", at, 1, None, None))?;
        if at == start + Duration::hours(18) {
            run.disabled_from = Some(start + Duration::hours(12) + Duration::minutes(15));
        }
        Some(run)
    });
    let cover = day_cover("laptoptrainpausedduring", &runs, &with_quakes(true)).await;
    assert!(
        cover.contains("Every source's collections failed at once"),
        "meteo and station, the only sources collecting on the train (quakes disabled from 12:15 to 18:00), failed together there, not said as the network's: {cover}"
    );
}

/// The train again; `quakes` was added to `sources.toml` at 18:00, after the train (its first
/// run then, every run landing since). meteo and station, the only sources collecting on the
/// train, failed together there, yet the cover does not say every source failed at once:
/// `quakes`, which did not exist then, is compared, and having no failure there to match, keeps
/// the line off, as a source paused then no longer does.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_added_after_the_outage_does_not_hide_every_other_failing_together() {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        (at >= start + Duration::hours(18)).then(|| golden::run("quakes", at, 1, None, None))
    });
    let cover = day_cover("laptoptrainaddedafter", &runs, &with_quakes(true)).await;
    assert!(
        cover.contains("Every source's collections failed at once"),
        "meteo and station, the only sources collecting on the train (quakes added at 18:00), failed together there, not said as the network's: {cover}"
    );
}

/// The train again, beside `daily`, an `http_json` source collected once a day (`every =
/// "1d"`, at 06:00, landing each time): no collection of it was due on the train. meteo and
/// station, the only sources due there, failed together, yet the cover does not say so: a
/// daily source, whose failures are shaded only past two and a half days, is compared with
/// every stretch of a few hours, and keeps the line off for good.
#[tokio::test(flavor = "multi_thread")]
async fn a_daily_source_does_not_hide_every_other_failing_together() {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        let six = at - start - Duration::hours(6);
        (six.num_seconds() % 86_400 == 0).then(|| {
            let mut run = golden::run("daily", at, 1, None, None);
            run.every_s = Some(86_400);
            run
        })
    });
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/daily\"\nevery = \"1d\"\nrecords = \"features\"\nkey = \"id\"\ntime = \"time\"\nnumeric = [\"mag\"]\n"
    );
    let cover = day_cover("laptoptraindaily", &runs, &config).await;
    assert!(
        cover.contains("Every source's collections failed at once"),
        "meteo and station, the only sources due on the train (daily collected at 06:00), failed together there, not said as the network's: {cover}"
    );
}

/// The train again; `quakes`, collected every 15 minutes, landed each of its collections up to
/// 15:00, an hour into the train (its API reached from the same machine while meteo and
/// station failed), and was paused then (`enabled = false` since). The day's report says on
/// its cover that "Every source's collections failed at once from 14:00 to 17:00: most likely
/// the machine's network": quakes, disabled during part of the stretch, is left out whole,
/// though five of its collections landed in it.
#[tokio::test(flavor = "multi_thread")]
async fn a_source_landing_during_the_outage_then_paused_does_not_read_as_failing_with_the_others() {
    let start = golden::day_start();
    let runs = train_runs(|at| {
        (at <= start + Duration::hours(15)).then(|| golden::run("quakes", at, 1, None, None))
    });
    let cover = day_cover("laptoptrainpausedmidway", &runs, &with_quakes(false)).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "quakes landed every collection from 14:00 to 15:00, on the train, before it was paused, yet the cover says every source's collections failed at once there, the machine's network to blame: {cover}"
    );
}

/// The train again, beside `forecast-daily`, a source of daily values (`resolution = "day"`,
/// Open-Meteo's daily forecast) collected every hour, which landed each of its collections on
/// the train, 14:00, 15:00 and 16:00 (its API reached from this machine all the while). The
/// README: the line is said "while no source landed a collection". The cover says "Every
/// source's collections failed at once from 14:00 to 17:00: most likely the machine's network
/// (a captive portal to sign in to, …)": a source of daily values is left out whole, its
/// landings too, though they show the network was up (meteo's and station's shared API down).
#[tokio::test(flavor = "multi_thread")]
async fn a_source_of_daily_values_landing_through_the_outage_rules_out_the_machines_network() {
    let start = golden::day_start();
    let hourly = |at| {
        let mut run = golden::run("forecast-daily", at, 1, None, None);
        run.every_s = Some(3_600);
        run
    };
    let mut runs = train_runs(|at| ((at - start).num_seconds() % 3_600 == 0).then(|| hourly(at)));
    runs.push(hourly(Utc::now() - Duration::minutes(1)));
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"forecast-daily\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/daily\"\nevery = \"1h\"\nresolution = \"day\"\nrecords = \"daily\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
    );
    let cover = day_cover("laptoptraindailyvalues", &runs, &config).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "forecast-daily landed its collections at 14:00, 15:00 and 16:00 on the train, yet the cover says every source's collections failed at once there, the machine's network to blame: {cover}"
    );
}

/// `station`, collected every 15 minutes, its API down from 14:00 to 17:00 (`HTTP 503`), beside
/// `daily`, an `http_json` source collected once a day whose API key expired four days ago:
/// every run of it has failed since (`HTTP 401: Invalid API key`), tried again every 15 minutes
/// as the collector tries a daily source that keeps failing. Nothing failed together: each
/// source failed for its own reason, at its own time, as in
/// `a_source_broken_all_day_does_not_make_another_sources_outage_read_as_the_network`. The
/// cover says "Every source's collections failed at once from 14:00 to 17:00: most likely the
/// machine's network": stretches are matched within the longer of the two intervals, a day, so
/// a daily source failing for days "begins and ends together" with any outage of the day.
#[tokio::test(flavor = "multi_thread")]
async fn a_daily_source_broken_for_days_does_not_make_another_sources_outage_read_as_the_network() {
    let start = golden::day_start();
    let mut runs = Vec::new();
    let mut at = start - Duration::days(4);
    while at < start + Duration::days(2) {
        let mut run = golden::run("daily", at, 0, None, Some("GET: HTTP 401: Invalid API key"));
        run.every_s = Some(86_400);
        run.retry_from = Some(at + Duration::minutes(15));
        runs.push(run);
        if at >= start - Duration::days(1) {
            let down = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
            let error = down.then_some("GET: HTTP 503: Service Unavailable");
            runs.push(golden::run("station", at, u64::from(!down), None, error));
        }
        at += Duration::minutes(15);
    }
    runs.push(golden::run(
        "station",
        Utc::now() - Duration::minutes(1),
        1,
        None,
        None,
    ));
    let config = r#"
[report]
timezone = "Europe/Paris"

[[source]]
name = "station"
kind = "http_json"
url = "http://127.0.0.1:9/station"
every = "15m"
records = "results"
key = "time"
time = "time"
numeric = ["t"]

[[source]]
name = "daily"
kind = "http_json"
url = "http://127.0.0.1:9/daily"
every = "1d"
records = "features"
key = "id"
time = "time"
numeric = ["mag"]
"#;
    let cover = day_cover("laptopdailybroken", &runs, config).await;
    assert!(
        !cover.contains("Every source's collections failed at once"),
        "station's three hours down and daily's key expired four days ago, each failing for its own reason, are told as the machine's network failing them together: {cover}"
    );
}

/// A day the machine's network was down from 03:30 to 23:00 (its router failed at night and
/// was replaced in the evening): meteo and station, collected every 15 minutes, failed every
/// run from 03:30; `forecast`, collected every 6 hours (00:00, 06:00, …), landed at 00:00 and
/// met the outage at its next run, 06:00, failing every try from then (every 15 minutes) to
/// 23:00. Every source collecting failed from 03:30 (`forecast` had no collection due before
/// 06:00: "a source collected every 6 hours meets the outage at its next run", as the README
/// says), yet the cover says "Every source's collections failed at once from … 06:00 to …
/// 23:00": the stretch said is cut to where the 6-hour source's first try fell, two and a
/// half hours of the outage left to meteo's and station's own failures, and the next red line
/// names them as having "missed a tenth or more of the collections expected" (18 landed of
/// 96): the network's outage blamed on each source.
#[tokio::test(flavor = "multi_thread")]
async fn a_six_hourly_source_meeting_the_outage_at_its_next_run_does_not_move_its_start() {
    let start = golden::day_start();
    let (down_from, down_until) = (
        start + Duration::minutes(3 * 60 + 30),
        start + Duration::hours(23),
    );
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let down = at >= down_from && at < down_until;
        let error = down.then_some("GET: error sending request: connection refused");
        for source in ["meteo", "station"] {
            runs.push(golden::run(source, at, u64::from(!down), None, error));
        }
        let six_hourly = (at - start).num_seconds() % 21_600 == 0;
        let tried = if down {
            at >= start + Duration::hours(6)
        } else {
            six_hourly || at == down_until
        };
        if tried {
            let mut run = golden::run("forecast", at, u64::from(!down), None, error);
            run.every_s = Some(21_600);
            if down {
                run.retry_from = Some(at + Duration::minutes(15));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station", "forecast"] {
        let mut run = golden::run(source, Utc::now() - Duration::minutes(1), 1, None, None);
        if source == "forecast" {
            run.every_s = Some(21_600);
        }
        runs.push(run);
    }
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"forecast\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/forecast\"\nevery = \"6h\"\nrecords = \"hourly\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
    );
    let cover = day_cover("laptopsixhourly", &runs, &config).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    assert!(
        cover.contains(&format!(
            "Every source's collections failed at once from {day} 03:30"
        )),
        "every source collecting failed from 03:30 (forecast had none due before 06:00), not said from then: {cover}"
    );
    assert!(
        !cover.contains("missed a tenth or more of the collections expected"),
        "the outage's first two and a half hours are blamed on meteo and station each: {cover}"
    );
}

/// An installation of two sources collected every 3 hours alone: `forecast` at 00:00, 03:00,
/// … and `outlook` at 01:30, 04:30, … (each first run at its own minute). The machine's
/// network is down from 07:00 to 20:00: `outlook` meets it at 07:30, `forecast` at its next
/// run, 09:00 (none due before), each then failing every try (every 15 minutes) to 20:00.
/// Every source collecting failed from 07:30, by the rule of
/// `a_six_hourly_source_meeting_the_outage_at_its_next_run_does_not_move_its_start` (a source
/// meets an outage at its next run, and had no collection due before); yet the cover says
/// "failed at once from … 09:00": every source being collected every 3 hours, each counts as
/// one "collected most often", and the start is the one that met the outage last. The next
/// red line then blames `outlook` alone ("4 landed of 8 expected") for the network's outage,
/// its 07:30 failure left outside the stretch said.
#[tokio::test(flavor = "multi_thread")]
async fn two_three_hourly_sources_meeting_the_outage_at_different_hours_are_said_failed_from_the_first()
 {
    let start = golden::day_start();
    let (down_from, down_until) = (start + Duration::hours(7), start + Duration::hours(20));
    let every = Duration::hours(3);
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let down = at >= down_from && at < down_until;
        let error = down.then_some("GET: error sending request: connection refused");
        for (source, offset, first_failed) in [
            ("forecast", Duration::zero(), Duration::hours(9)),
            (
                "outlook",
                Duration::minutes(90),
                Duration::minutes(7 * 60 + 30),
            ),
        ] {
            let due = (at - start - offset)
                .num_seconds()
                .rem_euclid(every.num_seconds())
                == 0;
            let tried = if down {
                at >= start + first_failed
            } else {
                due || at == down_until
            };
            if tried {
                let mut run = golden::run(source, at, u64::from(!down), None, error);
                run.every_s = Some(10_800);
                if down {
                    run.retry_from = Some(at + Duration::minutes(15));
                }
                runs.push(run);
            }
        }
        at += Duration::minutes(15);
    }
    for source in ["forecast", "outlook"] {
        let mut run = golden::run(source, Utc::now() - Duration::minutes(1), 1, None, None);
        run.every_s = Some(10_800);
        runs.push(run);
    }
    let table = |name: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/{name}\"\nevery = \"3h\"\nrecords = \"hourly\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
        )
    };
    let config = format!(
        "[report]\ntimezone = \"Europe/Paris\"\n\n{}\n{}",
        table("forecast"),
        table("outlook")
    );
    let cover = day_cover("laptoptwothreehourly", &runs, &config).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    assert!(
        cover.contains(&format!(
            "Every source's collections failed at once from {day} 07:30"
        )),
        "every source collecting failed from 07:30 (forecast had none due before 09:00), not said from then: {cover}"
    );
}

/// `meteo`, collected every 15 minutes, failed every run from 14:15 to 22:00; `air`, collected
/// every 2 hours, failed at its 16:00 run and every retry after it, a quarter-hour apart, until
/// 22:00; `daily`, collected once a day at 15:00, landed its collection at 15:00, its API
/// reached from this machine in the middle of meteo's failures. The cover says "Every
/// source's collections failed at once from … 14:15 to … 22:00: most likely the machine's
/// network", though a source landed at 15:00, within that stretch: the README says the line
/// is said "while no source, whatever it collects, landed a collection". The landing is looked
/// for in each source's own stretch only (air's, from 16:00), while the stretch said starts at
/// meteo's first failure, the source collected most often.
#[tokio::test(flavor = "multi_thread")]
async fn a_landing_within_the_stretch_said_keeps_it_from_reading_as_every_source_failing_at_once() {
    let start = golden::day_start();
    let portal = "GET: the answer is not the expected JSON: expected value at line 1 column 1 (served as text/html): an HTML page titled \"Wi-Fi SNCF\"";
    let (outage_from, outage_until) = (
        start + Duration::hours(14) + Duration::minutes(15),
        start + Duration::hours(22),
    );
    let failing = |at: chrono::DateTime<Utc>| at >= outage_from && at < outage_until;
    let with_every = |mut run: releve::RunMetrics, every: u64| {
        run.every_s = Some(every);
        run
    };
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let error = failing(at).then_some(portal);
        runs.push(with_every(
            golden::run("meteo", at, u64::from(error.is_none()), None, error),
            900,
        ));
        // air: every 2 hours, and a quarter-hour after each failure.
        let since_start = (at - start).num_minutes();
        let air_due = since_start % 120 == 0
            || (failing(at) && at >= start + Duration::hours(16))
            || at == outage_until;
        if air_due {
            runs.push(with_every(
                golden::run("air", at, u64::from(error.is_none()), None, error),
                7200,
            ));
        }
        if (at - start - Duration::hours(15)).num_seconds() % 86_400 == 0 {
            runs.push(with_every(golden::run("daily", at, 1, None, None), 86_400));
        }
        at += Duration::minutes(15);
    }
    for (source, every) in [("meteo", 900), ("air", 7200), ("daily", 86_400)] {
        runs.push(with_every(
            golden::run(source, Utc::now() - Duration::minutes(1), 1, None, None),
            every,
        ));
    }
    let source = |name: &str, every: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/{name}\"\nevery = \"{every}\"\nrecords = \"results\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"t\"]\n"
        )
    };
    let config = format!(
        "[report]\ntimezone = \"Europe/Paris\"\n\n{}\n{}\n{}",
        source("meteo", "15m"),
        source("air", "2h"),
        source("daily", "1d")
    );
    let cover = day_cover("laptoplandedwithin", &runs, &config).await;
    let day = (start + Duration::hours(12)).format("%Y-%m-%d");
    assert!(
        !cover.contains(&format!("failed at once from {day} 14:15")),
        "daily landed at 15:00, yet the stretch from 14:15 is said as every source failing at once: {cover}"
    );
}

/// The laptop shut down at midnight and switched on again at 08:00: systemd's SIGTERM at the
/// shutdown stopped the collector's runs under way (both sources' run of 00:00), which the
/// collector records as stopped, its error the signal's, retried by the next minute's run (it
/// recorded no retry time at first, which reads to the report as a run of before relevé
/// recorded retries, which "may have paused" the source for up to a day: the stopped runs
/// explained the whole night away). The night without a run is the machine's, as on the night
/// asleep above, and the cover says it.
#[tokio::test(flavor = "multi_thread")]
async fn a_night_after_a_shutdown_stopped_the_collector_is_said_as_no_collection() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let off = at > start && at < start + Duration::hours(8);
        let error = (at == start).then_some(stopped.as_str());
        if !off {
            // As the collector writes a stopped run: retried by the next minute's run.
            for source in ["meteo", "station"] {
                let mut run = golden::run(source, at, 1, None, error);
                if error.is_some() {
                    run.retry_from = Some(at + Duration::minutes(1));
                }
                runs.push(run);
            }
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let cover = day_cover("laptopshutdown", &runs, CONFIG).await;
    assert!(
        cover.contains("No collection of any source started from"),
        "the night the machine was off, after the shutdown stopped the collector, is not said: {cover}"
    );
}

/// The collector run by an orchestrator whose timeout is shorter than the runs took from 14:00
/// to 17:00 (a Kubernetes CronJob's `activeDeadlineSeconds`, an Airflow `execution_timeout`,
/// the node overloaded by a backup): every run of both sources was stopped by SIGTERM, each
/// recorded as the collector writes a stopped run ("stopped by SIGTERM before it finished",
/// retried by the next minute's run). The cover blames "most likely the machine's network (a
/// captive portal to sign in to, a proxy, the connection down) or an API they all call": no
/// API and no network failed, every error says the runs were stopped on this machine, and the
/// user sent to sign in to a Wi-Fi portal looks in the wrong place.
#[tokio::test(flavor = "multi_thread")]
async fn runs_stopped_by_a_signal_together_are_not_blamed_on_the_network_or_an_api() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let cut = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        for source in ["meteo", "station"] {
            let mut run = golden::run(
                source,
                at,
                u64::from(!cut),
                None,
                cut.then_some(stopped.as_str()),
            );
            if cut {
                // As the collector writes a stopped run: retried by the next minute's run.
                run.retry_from = Some(at + Duration::minutes(1));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let cover = day_cover("laptopstoppedtogether", &runs, CONFIG).await;
    assert!(
        !cover.contains("most likely the machine's network"),
        "every failed run of 14:00 to 17:00 was stopped by SIGTERM on this machine, yet the cover blames its network or an API: {cover}"
    );
}

/// The same orchestrator's too-short timeout stopping every run of both sources from 14:00 to
/// 17:00, but for the 15:30 run, whose requests timed out inside the run just before the
/// orchestrator's deadline (the node overloaded by a backup: "operation timed out", a real
/// failure of a quarter of an hour). The cover says every source failed at once for the three
/// hours, "most likely the machine's network": the stretch said is the whole stretch of stops,
/// the one real failure in it enough to have it blamed on the network, though a quarter of an
/// hour of real failures alone is below the hour the cover ever says.
#[tokio::test(flavor = "multi_thread")]
async fn one_real_failure_among_hours_of_stops_does_not_blame_the_hours_on_the_network() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let timed_out = "error sending request: operation timed out";
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let cut = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        let failed = at == start + Duration::hours(15) + Duration::minutes(30);
        for source in ["meteo", "station"] {
            let error = match (cut, failed) {
                (true, true) => Some(timed_out),
                (true, false) => Some(stopped.as_str()),
                _ => None,
            };
            let mut run = golden::run(source, at, u64::from(!cut), None, error);
            if cut {
                run.retry_from = Some(at + Duration::minutes(if failed { 15 } else { 1 }));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let cover = day_cover("laptopstopsandonefailure", &runs, CONFIG).await;
    assert!(
        !cover.contains("most likely the machine's network"),
        "a quarter of an hour of real failures among three hours of runs stopped by SIGTERM is said as the network down for the three hours: {cover}"
    );
}

/// The orchestrator's too-short timeout stopping every run of both sources from 14:00 to
/// 17:00 (the node overloaded by a backup), but for the first and the last, 14:00 and 16:45,
/// whose requests timed out inside the run just before the orchestrator's deadline ("operation
/// timed out": real failures, a quarter of an hour each). The cover says every source failed
/// at once from 14:00 to 17:00, "most likely the machine's network": the stretch is narrowed
/// to run from the first real failure to the run after the last, so the ten runs stopped by
/// SIGTERM between them are counted as the network's, where one such failure alone is not.
#[tokio::test(flavor = "multi_thread")]
async fn two_real_failures_hours_apart_among_stops_do_not_blame_the_hours_on_the_network() {
    let start = golden::day_start();
    let stopped = releve::stop::stopped_by("SIGTERM");
    let timed_out = "error sending request: operation timed out";
    let mut runs = Vec::new();
    let mut at = start - Duration::days(1);
    while at < start + Duration::days(2) {
        let cut = at >= start + Duration::hours(14) && at < start + Duration::hours(17);
        let failed = at == start + Duration::hours(14)
            || at == start + Duration::hours(16) + Duration::minutes(45);
        for source in ["meteo", "station"] {
            let error = match (cut, failed) {
                (true, true) => Some(timed_out),
                (true, false) => Some(stopped.as_str()),
                _ => None,
            };
            let mut run = golden::run(source, at, u64::from(!cut), None, error);
            if cut {
                run.retry_from = Some(at + Duration::minutes(if failed { 15 } else { 1 }));
            }
            runs.push(run);
        }
        at += Duration::minutes(15);
    }
    for source in ["meteo", "station"] {
        runs.push(golden::run(
            source,
            Utc::now() - Duration::minutes(1),
            1,
            None,
            None,
        ));
    }
    let cover = day_cover("laptopstopsbetweentwofailures", &runs, CONFIG).await;
    assert!(
        !cover.contains("most likely the machine's network"),
        "two quarter-hours of real failures, at either end of three hours of runs stopped by SIGTERM, are said as the network down for the three hours: {cover}"
    );
}

/// `meteo` and `station` as above, with `tides` collected every 3 hours; the laptop asleep
/// from 08:00 to 12:00 (its lid closed in class). `tides` failed at 00:00, landed at 03:00,
/// then its table was refused until 18:00: 15 hours without a run, 11 of them while the
/// machine was awake. The completeness section said that stretch nowhere (only one failure of
/// four): each end of it lay within two and a half of its intervals of the morning no source
/// ran in, so it was taken for the machine's (found by a review).
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_source_around_a_shorter_sleep_is_still_said() {
    let start = golden::day_start();
    let config = format!(
        "{CONFIG}\n[[source]]\nname = \"tides\"\nkind = \"http_json\"\n\
         url = \"http://127.0.0.1:9/tides\"\nevery = \"3h\"\nrecords = \"results\"\n\
         key = \"time\"\ntime = \"time\"\nnumeric = [\"h\"]\n"
    );
    let asleep = |at| at >= start + Duration::hours(8) && at < start + Duration::hours(12);
    let mut runs: Vec<releve::RunMetrics> = night_asleep_runs()
        .into_iter()
        .filter(|run| run.started >= start + Duration::days(1) || run.started < start)
        .collect();
    let mut at = start;
    while at < start + Duration::days(1) {
        if !asleep(at) {
            runs.push(golden::run("meteo", at, 1, None, None));
            runs.push(golden::run("station", at, 1, None, None));
        }
        at += Duration::minutes(15);
    }
    for hour in [-6, -3, 3, 18, 21, 24, 27] {
        runs.push(golden::run(
            "tides",
            start + Duration::hours(hour),
            1,
            None,
            None,
        ));
    }
    runs.push(golden::run("tides", start, 0, None, Some("HTTP 503")));
    runs.push(golden::run(
        "tides",
        Utc::now() - Duration::minutes(1),
        1,
        None,
        None,
    ));
    let (_dir, pdf) = day_report("laptoptides", &runs, &config).await;
    let text = common::flat(&common::text(&pdf));
    assert!(
        text.contains("No collection of any source started from"),
        "the morning asleep is said as the machine's: {text}"
    );
    assert!(
        text.contains("tides: no run from"),
        "tides's 15 hours without a run, 11 of them awake, are not said: {text}"
    );
}
