//! The `collector` binary run as cron runs it: what lands, what it logs, and its one-line errors
//! for bad input. These tests spawn processes, so they live apart from the tests that run the
//! collector in-process: a child forked while an in-process run holds a source's lock keeps
//! that lock until it execs, and the next in-process run would find the source busy.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::routing::get;
use common::{Site, numbered_feed, usgs_body, usgs_source, usgs_source_every};
use releve::RawFileRole;
use testkit::http::LocalServer;

/// The real `collector` binary, to run in `site`'s folder.
fn collector(site: &Site) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    // The tests read its info lines, whatever the caller's RUST_LOG.
    command.current_dir(site.dir.path()).env("RUST_LOG", "info");
    command
}

/// The stderr of a run that must succeed.
fn succeeded(output: std::io::Result<std::process::Output>) -> String {
    let output = output.expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// The stderr of a run in which a source failed (exit status 1).
fn failed(output: std::io::Result<std::process::Output>) -> String {
    let output = output.expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    stderr
}

/// The stderr of a run refused before it started (exit status 2), in one line.
fn refused(output: std::io::Result<std::process::Output>) -> String {
    let output = output.expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

/// The first line of `stderr` holding `needle`; the test fails without one.
fn line_with<'s>(stderr: &'s str, needle: &str) -> &'s str {
    stderr
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("a line holding {needle:?}: {stderr}"))
}

fn feed(body: String) -> LocalServer {
    LocalServer::start(Router::new().route("/feed", get(move || async move { body })))
}

/// A feed that answers 503 once, then a good body.
fn busy_once() -> LocalServer {
    let body = usgs_body(4);
    let (server, _) = numbered_feed(move |call| {
        let body = body.clone();
        async move {
            if call == 0 {
                (StatusCode::SERVICE_UNAVAILABLE, "busy".to_owned())
            } else {
                (StatusCode::OK, body)
            }
        }
    });
    server
}

#[test]
fn a_feed_lands_as_served_under_its_name_with_metrics_beside_it() {
    let body = usgs_body(5);
    let server = feed(body.clone());
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let before = chrono::Utc::now();
    let output = collector(&site).output().expect("collector runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = site.data_files("usgs");
    assert_eq!(files.len(), 1);
    let name = files[0]
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    let landed = releve::RawFileName::parse(name).expect("a landed-file name");
    assert_eq!(landed.source, "usgs");
    assert!(landed.landed_at >= before - chrono::TimeDelta::seconds(1));
    assert!(
        name.starts_with("usgs_") && name.ends_with("Z.json"),
        "{name}"
    );
    assert_eq!(
        std::fs::read_to_string(&files[0]).expect("read"),
        body,
        "the body lands exactly as served"
    );
    let metrics = site.metrics("usgs");
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0].records, 5);
    assert_eq!(metrics[0].http_calls, Some(1));
    assert_eq!(metrics[0].file.as_deref(), Some(name));
    assert_eq!(metrics[0].every_s, Some(60), "the run's `every`, 1m");
    assert!(metrics[0].succeeded());
}

/// Run by hand, even from a script (no terminal), a named source that is not due says so and
/// how to collect it all the same; cron's run without a source named stays silent.
#[test]
fn a_named_source_not_due_says_so_and_how_to_collect_it_now() {
    let server = feed(usgs_body(2));
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "5m",
        "",
    ));
    succeeded(collector(&site).output());
    let again = succeeded(collector(&site).args(["--source", "usgs"]).output());
    let line = line_with(&again, "Not due: next run due at ");
    assert!(line.contains("`--force` collects it now"), "{line}");
    assert_eq!(site.data_files("usgs").len(), 1, "nothing more landed");
    let routine = succeeded(collector(&site).output());
    assert!(!routine.contains("Not due"), "{routine}");
}

/// Signs of a configuration that misreads the records, said when they land: which of key
/// and time is missing with a time that does not read, a numeric field holding only text
/// (a decimal comma), times ahead of the clock written without an offset (local times) of
/// records holding a value.
#[test]
fn records_the_configuration_misreads_land_with_what_is_wrong() {
    let ahead = (chrono::Utc::now() + chrono::TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let body = serde_json::json!({"features": [
        {"id": "a", "properties": {"time": "02/12/2026 10:00", "mag": "2,5"}},
        {"properties": {"time": "2026-11-21T10:00:00Z", "mag": "3,1"}},
        {"id": "c", "properties": {"time": ahead, "mag": null, "depth": 10.0}},
    ]});
    let server = feed(body.to_string());
    let config = usgs_source("usgs", &format!("{}/feed", server.url()), "").replace(
        "numeric = [\"properties.mag\"]",
        "numeric = [\"properties.mag\", \"properties.depth\"]",
    );
    assert!(config.contains("properties.depth"), "{config}");
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let unusable = line_with(&stderr, "without a `key` value or a `time` that reads");
    assert!(
        unusable.contains("unusable=2")
            && unusable.contains("without_key=1")
            && unusable.contains("unreadable_time=\"02/12/2026 10:00\""),
        "{unusable}"
    );
    let text = line_with(&stderr, "numeric fields hold text that is not a number");
    assert!(text.contains("fields=`properties.mag` (\"2,5\")"), "{text}");
    let local = line_with(&stderr, "written without a UTC offset");
    assert!(
        local.contains("records=1")
            && local.contains(&format!("example=\"{ahead}\""))
            && local.contains("mark its source `forecast = true`"),
        "{local}"
    );
}

/// Open-Meteo's hourly forecast configured without `columns`: its parallel arrays read as one
/// record whose `time` is an array; the warning names the way out, not only the paths.
#[test]
fn parallel_arrays_read_without_columns_are_said_to_want_columns() {
    let body = serde_json::json!({"hourly": {
        "time": ["2026-12-03T00:00", "2026-12-03T01:00"],
        "temperature_2m": [7.5, 7.1],
    }});
    let server = feed(body.to_string());
    let config = format!(
        "[[source]]\nname = \"hourly\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\n\
         records = \"hourly\"\nkey = \"time\"\ntime = \"time\"\nnumeric = [\"temperature_2m\"]\n",
        server.url()
    );
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let unusable = line_with(&stderr, "without a `key` value or a `time` that reads");
    assert!(
        unusable.contains("parallel arrays") && unusable.contains("set `columns = true`"),
        "{unusable}"
    );
}

/// The warnings of a run landing `body`, served on loopback, as an hourly `http_json` source
/// of the configuration `keys` (`key`, `time` and the like).
fn landing_warnings(body: &serde_json::Value, keys: &str) -> String {
    let server = feed(body.to_string());
    let config = format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\n{keys}",
        server.url()
    );
    let site = Site::new(&config);
    succeeded(collector(&site).env("RUST_LOG", "warn").output())
}

/// A record dated 9999-12-31 (a placeholder for a date the API does not know, in epoch
/// milliseconds) lands, and the landing says so: the summariser stores it in an hour no report
/// shows (found by the research engineer's probe of stop 56).
#[test]
fn a_record_dated_years_ahead_lands_with_a_warning() {
    let body = serde_json::json!({"items": [
        {"id": "a", "ts": 253_402_214_400_000_i64, "v": 1},
        {"id": "b", "ts": "2026-12-03T10:00:00Z", "v": 2},
    ]});
    let stderr = landing_warnings(&body, "records = \"items\"\nkey = \"id\"\ntime = \"ts\"\n");
    let warning = line_with(&stderr, "more than a year ahead of the clock");
    assert!(
        warning.contains("records=1") && warning.contains("example=253402214400000"),
        "{warning}"
    );
}

/// A body that is itself the one record (`records` = the body): its members are the record's
/// fields, a `total` among them no count of pages.
#[test]
fn a_single_record_body_holding_a_total_lands_without_a_paging_warning() {
    let body = serde_json::json!({
        "id": "capitole", "ts": "2026-12-03T10:00:00Z", "total": 400, "free": 123,
    });
    let stderr = landing_warnings(
        &body,
        "key = \"id\"\ntime = \"ts\"\nnumeric = [\"total\", \"free\"]\n",
    );
    assert!(!stderr.contains("tells of more records"), "{stderr}");
}

/// USGS's fdsnws `query` answers at most `limit` events (20,000 at most) without an error when
/// the request sets one, newest first by default, and echoes `limit` and `offset` beside
/// `count` in its `metadata`: an answer whose `count` reaches its `limit` has its older events
/// on the pages after it (`offset`), so a seismologist's window is cut unseen. The landing
/// warns of it as of any other sign of more pages.
#[test]
fn a_usgs_query_answer_filled_to_its_limit_warns_that_older_events_are_not_collected() {
    let quake = |id: &str, time: i64| {
        serde_json::json!({"type": "Feature", "id": id,
            "properties": {"mag": 1.2, "time": time, "updated": time + 60_000, "type": "earthquake"},
            "geometry": {"type": "Point", "coordinates": [-117.6, 35.7, 8.1]}})
    };
    let body = serde_json::json!({
        "type": "FeatureCollection",
        "metadata": {"generated": 1_764_900_000_000_i64,
            "url": "https://earthquake.usgs.gov/fdsnws/event/1/query?format=geojson&starttime=2019-07-01&endtime=2019-08-01&limit=3",
            "title": "USGS Earthquakes", "status": 200, "api": "1.14.1",
            "limit": 3, "offset": 1, "count": 3},
        "features": [
            quake("ci38999001", 1_564_000_000_000),
            quake("ci38999000", 1_563_999_000_000),
            quake("ci38998999", 1_563_998_000_000),
        ],
    });
    let stderr = landing_warnings(
        &body,
        "records = \"features\"\nkey = \"id\"\ntime = \"properties.time\"\nparams = { format = \"geojson\", limit = 3 }\n",
    );
    let warning = line_with(&stderr, "tells of more records");
    assert!(warning.contains("records=3"), "{warning}");
}

/// An answer that echoes its page size and says outright that no page follows (`has_more:
/// false`, `next: null`, as the README reads them) is the whole selection, even when it
/// happens to hold exactly a page: its landing must not warn that pages after it are not
/// collected (a false alarm every time the last page of an API is full).
#[test]
fn an_answer_saying_no_page_follows_does_not_warn_of_pages_after_it_when_its_page_is_full() {
    let body = serde_json::json!({
        "limit": 2,
        "has_more": false,
        "next": null,
        "data": [
            {"id": "a", "ts": "2026-12-03T10:00:00Z", "v": 1},
            {"id": "b", "ts": "2026-12-03T10:05:00Z", "v": 2},
        ],
    });
    let stderr = landing_warnings(
        &body,
        "records = \"data\"\nkey = \"id\"\ntime = \"ts\"\nparams = { limit = 2 }\n",
    );
    assert!(!stderr.contains("tells of more records"), "{stderr}");
}

/// The warnings of a run forced on `site` that succeeded.
fn forced_with_warnings(site: &Site) -> String {
    succeeded(
        collector(site)
            .arg("--force")
            .env("RUST_LOG", "warn")
            .output(),
    )
}

/// A feed answering a list at the root of one record with the header `name` = `value`, and a
/// site collecting it as `own` (`records` left unset).
fn one_record_with_header(name: &'static str, value: &'static str) -> (LocalServer, Site) {
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move || async move {
            (
                [(name, value)],
                r#"[{"id": "a", "ts": "2026-12-03T10:00:00Z"}]"#,
            )
        }),
    ));
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    (server, site)
}

/// An API paging by its `Link` header (GitHub's way): the warning says so, without the
/// link's address (it may carry the key).
#[test]
fn a_link_header_to_a_next_page_is_said() {
    let (_server, site) = one_record_with_header(
        "link",
        "<http://127.0.0.1:9/feed?page=2&access_token=abc>; rel=\"next\"",
    );
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, "tells of more records");
    assert!(
        warning.contains("(a `Link` header with rel=\"next\")") && !warning.contains("abc"),
        "{warning}"
    );
}

/// A total of every page the answer announces above the records landed is the run's
/// `announced`: the report's coverage shows the cut the log warns of.
#[test]
fn a_total_announced_above_the_records_landed_is_recorded() {
    let body = serde_json::json!({
        "items": [{"id": "a", "ts": "2026-12-03T10:00:00Z"}],
        "meta": {"total": 72},
    });
    let server = feed(body.to_string());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"items\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    succeeded(collector(&site).output());
    let metrics = site.metrics("own");
    assert_eq!(
        (
            metrics[0].announced,
            metrics[0].records,
            metrics[0].shortfall
        ),
        (Some(72), 1, 71)
    );
}

/// A `key` changed in place: the records stored are not re-keyed, so those landed again are
/// stored twice. The first run under the new key warns, once.
#[test]
fn a_key_changed_in_place_is_warned_of_once() {
    let own = Rekeyed::new("\"id\"");
    assert!(!own.run().contains("`key` changed"));
    summarised(&own.site, "own");
    own.set_key("[\"id\", \"properties.time\"]");
    // `collector --check` says it before any run does.
    let said = own.check();
    assert!(
        said.contains(
            "`key` = [id, properties.time] is not the one its stored records were stored under"
        ),
        "{said}"
    );
    let warned = own.run();
    let warning = line_with(&warned, "`key` changed since records were stored under it");
    assert!(
        warning.contains("stored a second time under its new key"),
        "{warning}"
    );
    assert!(!own.run().contains("`key` changed"), "said once");
}

/// The summariser's work on `source`'s landed data files: once stored, they are deleted.
fn summarised(site: &Site, source: &str) {
    for file in site.data_files(source) {
        std::fs::remove_file(file).expect("a landed file summarised");
    }
}

/// A `key` fixed after a run whose file the summariser has not read yet, then put back, and
/// fixed again: nothing was stored under the key before, so nothing is stored twice and no run
/// warns, nor does `collector --check`. Once a file landed under a key is summarised, a change
/// from it is warned of.
#[test]
fn a_key_changed_before_the_summariser_ran_is_not_warned_of() {
    let own = Rekeyed::new("\"properties.time\"");
    assert!(!own.run().contains("`key` changed"));
    for key in ["\"id\"", "\"properties.time\"", "\"id\""] {
        own.set_key(key);
        assert!(!own.check().contains("stored records"), "{key}");
        assert!(
            !own.run().contains("`key` changed"),
            "{key}: nothing stored yet"
        );
    }
    summarised(&own.site, "own");
    own.set_key("\"properties.time\"");
    assert!(
        own.check()
            .contains("is not the one its stored records were stored under")
    );
    assert!(
        own.run()
            .contains("`key` changed since records were stored under it")
    );
}

/// A USGS-shaped source `own` served on loopback, whose `key` a test changes.
struct Rekeyed {
    server: LocalServer,
    site: Site,
}

impl Rekeyed {
    fn new(key: &str) -> Rekeyed {
        let server = feed(usgs_body(2));
        let site = Site::new(&Rekeyed::table(&server, key));
        Rekeyed { server, site }
    }

    fn table(server: &LocalServer, key: &str) -> String {
        format!(
            "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = {key}\ntime = \"properties.time\"\n",
            server.url()
        )
    }

    /// Writes the configuration with `key`.
    fn set_key(&self, key: &str) {
        std::fs::write(self.site.config(), Rekeyed::table(&self.server, key)).expect("config");
    }

    /// A forced run's warnings.
    fn run(&self) -> String {
        forced_with_warnings(&self.site)
    }

    /// What `collector --check` says.
    fn check(&self) -> String {
        let output = collector(&self.site)
            .arg("--check")
            .output()
            .expect("collector runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

/// json-server and WordPress send their total header beside a list at the root (`records`
/// left unset): the log warns of it, and the run records it.
#[test]
fn a_total_header_beside_a_list_at_the_root_is_recorded() {
    let (_server, site) = one_record_with_header("x-total-count", "72");
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, "tells of more records");
    assert!(warning.contains("x-total-count"), "{warning}");
    let metrics = site.metrics("own");
    assert_eq!(
        (
            metrics[0].announced,
            metrics[0].records,
            metrics[0].shortfall
        ),
        (Some(72), 1, 71),
        "{stderr}"
    );
}

/// Opendatasoft's own answer fetched as http_json: the warning points to the kinds that page
/// it.
#[test]
fn an_opendatasoft_answer_fetched_as_http_json_is_pointed_to_its_kind() {
    let body = serde_json::json!({
        "total_count": 52000,
        "results": [{"date_heure": "2026-12-03T10:00:00+00:00", "consommation": 51000}],
    });
    let stderr = landing_warnings(
        &body,
        "records = \"results\"\nkey = \"date_heure\"\ntime = \"date_heure\"\n",
    );
    let warning = line_with(&stderr, "tells of more records");
    assert!(
        warning.contains("`total_count` = 52000") && warning.contains("kind = \"opendatasoft\""),
        "{warning}"
    );
}

/// An API answering an empty list as null (`{"data": null}`, as APIs written in Go do): the
/// run lands no record, with an empty array where the records go, and says so.
#[test]
fn null_where_the_records_go_lands_as_no_records() {
    let server = feed(r#"{"data": null, "count": 0}"#.to_owned());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"data\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "info").output());
    line_with(&stderr, "null where the records go: read as no records");
    let landed = site.data_files("own");
    assert_eq!(landed.len(), 1, "{stderr}");
    let body: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&landed[0]).expect("landed")).expect("JSON");
    assert_eq!(body, serde_json::json!({"data": [], "count": 0}));

    // A null on the way to the records: the objects down to an empty array.
    let server = feed(r#"{"data": null}"#.to_owned());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"data.items\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "info").output());
    let landed = site.data_files("own");
    assert_eq!(landed.len(), 1, "{stderr}");
    let body: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&landed[0]).expect("landed")).expect("JSON");
    assert_eq!(body, serde_json::json!({"data": {"items": []}}));

    // Beside an error, the null is the API's failure: the run fails with its words.
    let server = feed(r#"{"error": "invalid api key", "data": null}"#.to_owned());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"data\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let output = collector(&site).output().expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "the answer holds no records at `records` = `data`, beside an error: `error` = \"invalid api key\""
        ),
        "{stderr}"
    );
    assert!(site.data_files("own").is_empty());
}

/// README names a refusal status, `"REQUEST_DENIED"`, among the answers saying they failed.
/// Google Maps Platform, whose status that is, answers it with an empty `results` list, not a
/// null (`{"error_message": "The provided API key is invalid.", "results": [], "status":
/// "REQUEST_DENIED"}`, HTTP 200): the run must fail with the API's words, not land 0 records.
#[test]
fn a_refusal_status_beside_an_empty_list_fails_the_run() {
    let server = feed(
        r#"{"error_message": "The provided API key is invalid.", "results": [], "status": "REQUEST_DENIED"}"#
            .to_owned(),
    );
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"results\"\nkey = \"place_id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let output = collector(&site).output().expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && site.data_files("own").is_empty(),
        "a refusal landed as an empty run: {stderr}"
    );
    assert!(
        stderr.contains("The provided API key is invalid."),
        "{stderr}"
    );
}

/// An error code of 0 beside null records is many APIs' success (`{"error": 0,
/// "message": "ok", "data": null}`): the run lands no record, as for a null alone, and does
/// not fail.
#[test]
fn an_error_code_of_zero_beside_null_records_lands_no_records() {
    let server = feed(r#"{"error": 0, "message": "ok", "data": null}"#.to_owned());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"data\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "info").output());
    assert_eq!(site.data_files("own").len(), 1, "{stderr}");
}

/// The API's error quoted in a failed run's metrics (which `analyser status` and the
/// report show) holds no bidirectional control or line separator: the API's text is made one
/// line elsewhere (`api_message`, `what_is_there`).
#[test]
fn an_error_beside_null_records_is_stored_on_one_line() {
    let server = feed(
        r#"{"error": "key \u202erevoked\u202c\u2028see \u009b2Jportal", "data": null}"#.to_owned(),
    );
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nrecords = \"data\"\nkey = \"id\"\ntime = \"ts\"\n",
        server.url()
    ));
    let output = collector(&site).output().expect("collector runs");
    assert!(!output.status.success());
    let metrics = site.metrics("own");
    let error = metrics[0].error.as_deref().expect("the run failed");
    assert!(
        !error.contains(|c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{202a}'..='\u{202e}')),
        "{error:?}"
    );
}

/// A query changed into one that matches nothing (`N02`, a zero for an O) lands no record: the
/// run warns and notes it in the source's state, which `analyser status` reads, until a run
/// lands a record again; whether the query is in `params` or in the `url`, where many
/// `http_json` sources keep it.
#[test]
fn a_query_changed_into_one_matching_nothing_is_noted_until_a_record_lands() {
    let body = usgs_body(2);
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move |RawQuery(query): RawQuery| {
            let body = body.clone();
            async move {
                if query.as_deref() == Some("pollutant=NO2") {
                    body
                } else {
                    "[]".to_owned()
                }
            }
        }),
    ));
    let table = |url: String, params: &str| {
        format!(
            "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{url}\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"properties.time\"\n{params}"
        )
    };
    let in_params = |pollutant: &str| {
        table(
            format!("{}/feed", server.url()),
            &format!("params = {{ pollutant = \"{pollutant}\" }}\n"),
        )
    };
    let in_url =
        |pollutant: &str| table(format!("{}/feed?pollutant={pollutant}", server.url()), "");
    for config in [&in_params as &dyn Fn(&str) -> String, &in_url] {
        let site = Site::new(&config("NO2"));
        let state = || {
            let text = std::fs::read_to_string(site.raw().join("own/.state.json")).expect("state");
            serde_json::from_str::<serde_json::Value>(&text).expect("JSON")
        };
        let run = || forced_with_warnings(&site);
        run();
        assert!(state().get("unmatched").is_none());

        std::fs::write(site.config(), config("N02")).expect("config");
        let warned = run();
        assert_eq!(
            site.data_files("own").len(),
            2,
            "the run landing nothing lands its file too: {warned}"
        );
        let warning = line_with(&warned, "query changed since its last run");
        assert!(
            warning.contains(
                "this run landed no record: check its `params` and `url` in sources.toml"
            ),
            "{warning}"
        );
        let since = state()["unmatched"]["since"].clone();
        assert!(since.is_string(), "{}", state());
        let again = run();
        assert!(!again.contains("query changed"), "said once: {again}");
        assert_eq!(state()["unmatched"]["since"], since, "kept from the first");

        std::fs::write(site.config(), config("NO2")).expect("config");
        // Landing records under a query changed is said too, not warned of (an edit on purpose).
        let said = succeeded(collector(&site).arg("--force").output());
        let line = line_with(&said, "query changed since its last run");
        assert!(
            line.contains("INFO")
                && line.contains("the records landed from this run on are those it chooses"),
            "{line}"
        );
        assert!(state().get("unmatched").is_none(), "cleared: {}", state());
    }
}

/// A first landing without a record (a filter value misspelt): said once, not at every run.
#[test]
fn a_first_landing_without_a_record_is_said_once() {
    let server = feed("[]".to_owned());
    let site = Site::new(&format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"ts\"\nparams = {{ pollutant = \"N02\" }}\n",
        server.url()
    ));
    let first = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&first, "first landing holds no record");
    assert!(
        warning.contains("check its selection (`params` and `url`)"),
        "{warning}"
    );
    let again = succeeded(
        collector(&site)
            .arg("--force")
            .env("RUST_LOG", "warn")
            .output(),
    );
    assert!(!again.contains("holds no record"), "{again}");
}

/// Local times written without an offset: the warning names `local_times`; once the zone is
/// named there, a record of the present hour on its clock is no longer dated ahead.
#[test]
fn local_times_written_without_an_offset_read_on_the_named_zones_clock() {
    let tokyo_now = (chrono::Utc::now() + chrono::TimeDelta::hours(9))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let body = serde_json::json!([{"id": "a", "ts": tokyo_now}]);
    let keys = "key = \"id\"\ntime = \"ts\"\n";
    let as_utc = landing_warnings(&body, keys);
    let local = line_with(&as_utc, "written without a UTC offset, read as UTC");
    assert!(
        local.contains("`local_times = \"Europe/Paris\"`"),
        "{local}"
    );
    let named = landing_warnings(&body, &format!("{keys}local_times = \"Asia/Tokyo\"\n"));
    assert!(!named.contains("written without a UTC offset"), "{named}");
}

/// An API serving its records a page at a time: the first page lands, and the warning says the
/// others are not collected, with what in the answer tells of them.
#[test]
fn a_first_page_of_more_lands_with_a_warning_that_the_others_are_not_collected() {
    let body = serde_json::json!({
        "items": [
            {"id": "a", "ts": "2026-12-03T10:00:00Z"},
            {"id": "b", "ts": "2026-12-03T10:05:00Z"},
        ],
        "meta": {"total_count": 72},
    });
    let stderr = landing_warnings(&body, "records = \"items\"\nkey = \"id\"\ntime = \"ts\"\n");
    let warning = line_with(&stderr, "tells of more records than this run landed");
    assert!(
        warning.contains("(`meta.total_count` = 72)")
            && warning.contains("records=2")
            && warning.contains("makes one request per run"),
        "{warning}"
    );
}

/// Rows served as arrays: an array's items are no fields to the summariser, which sets such
/// records aside; the collector says so as they land.
#[test]
fn records_that_are_not_objects_land_with_a_warning() {
    let body = serde_json::json!({"rows": [
        ["r0", "2026-12-03T10:00:00Z", 0],
        ["r1", "2026-12-03T10:05:00Z", 1],
    ]});
    let stderr = landing_warnings(&body, "records = \"rows\"\nkey = \"0\"\ntime = \"1\"\n");
    let warning = line_with(&stderr, "without a `key` value or a `time` that reads");
    assert!(
        warning.contains("unusable=2")
            && warning.contains("not_objects=2")
            && warning.contains("`records` must lead to an array of objects"),
        "{warning}"
    );
}

/// A field whose name holds a dot (`pm2.5`) cannot be named by a path, which reads the dot as
/// a step: the warning says so, not that no record holds the field.
#[test]
fn a_field_named_with_a_dot_is_said_to_be_unnamable() {
    let body = serde_json::json!([
        {"id": "a", "ts": "2026-12-03T10:00:00Z", "pm2.5": 5, "m": {"no2.avg": 3}},
    ]);
    let stderr = landing_warnings(
        &body,
        "key = \"id\"\ntime = \"ts\"\nnumeric = [\"pm2.5\", \"m.no2.avg\"]\n",
    );
    let warning = line_with(&stderr, "as one member whose name holds a dot");
    assert!(
        warning.contains("fields=`pm2.5` (numeric), `m.no2.avg` (numeric)"),
        "{warning}"
    );
    assert!(
        !stderr.contains("No landed record holds these fields"),
        "{stderr}"
    );
}

/// A `time` whose member name holds a dot leaves every record unusable: the warning about
/// dotted names says why.
#[test]
fn a_time_named_with_a_dot_is_said_to_be_unnamable() {
    let body = serde_json::json!([{"id": "a", "date.heure": "2026-12-03T10:00:00Z"}]);
    let stderr = landing_warnings(&body, "key = \"id\"\ntime = \"date.heure\"\n");
    line_with(&stderr, "without a `key` value or a `time` that reads");
    let warning = line_with(&stderr, "as one member whose name holds a dot");
    assert!(warning.contains("fields=`date.heure` (time)"), "{warning}");
}

/// An API whose answer is the one record (`records` left unset) answering an error with status
/// 200: the run fails with the API's words, where it landed a record without key or time that
/// the summariser quarantined for its paths; a record holding a `status` of its own lands.
#[test]
fn an_error_answered_for_the_one_record_fails_the_run_with_its_words() {
    let config = |server: &LocalServer| {
        format!(
            "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"ts\"\n",
            server.url()
        )
    };
    let server = feed(r#"{"status": "error", "message": "database is locked"}"#.to_owned());
    let site = Site::new(&config(&server));
    let stderr = failed(collector(&site).output());
    assert!(
        stderr.contains(
            "says the call failed: `status` = \"error\", `message` = \"database is locked\""
        ),
        "{stderr}"
    );
    assert!(site.data_files("own").is_empty(), "nothing landed");

    let server = feed(
        r#"{"id": "pump-3", "ts": "2026-12-03T10:00:00Z", "status": "error", "message": "overheated"}"#
            .to_owned(),
    );
    let site = Site::new(&config(&server));
    succeeded(collector(&site).output());
    assert_eq!(
        site.metrics("own")[0].records,
        1,
        "a record with a status of its own"
    );
}

/// A body Python's `json.dumps` wrote with a NaN and an Infinity for missing floats: read as
/// nulls, the run lands its records and says so (it failed the run, losing every record).
#[test]
fn a_nan_in_the_body_is_read_as_null_and_said() {
    let server = feed(
        r#"[{"id": "a", "ts": "2026-12-03T10:00:00Z", "v": NaN, "note": "NaN"}, {"id": "b", "ts": "2026-12-03T10:05:00Z", "v": -Infinity}]"#
            .to_owned(),
    );
    let config = format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"ts\"\nnumeric = [\"v\"]\n",
        server.url()
    );
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(
        &stderr,
        "`NaN` or `Infinity` (or `nan`, `inf`), which are not JSON",
    );
    assert!(warning.contains("values=2"), "{warning}");
    let files = site.data_files("own");
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("landed")).expect("JSON");
    assert_eq!(landed[0]["v"], serde_json::Value::Null);
    assert_eq!(landed[0]["note"], "NaN", "a text left as it is");
    assert_eq!(landed[1]["v"], serde_json::Value::Null);
    assert_eq!(site.metrics("own")[0].records, 2);
}

/// Two records whose ids are integers past 64 bits: every JSON reader holds each as the nearest
/// double, so the second was taken for a repeat of the first, said only as a `key` not unique
/// (found by fuzzing at stop 57). The run says why, naming the integer, in an answer mended
/// for a `NaN` too; it does not fail, as such an integer may lie where no record is read (an
/// envelope's checksum, a field dropped), which would stop the source for good (found by the
/// review of stop 57's fixes).
#[test]
fn an_answer_holding_integers_past_64_bits_is_said_naming_one() {
    for (body, extra) in [
        (
            r#"[{"id": 123456789012345678901234567890, "ts": "2026-12-03T10:00:00Z", "v": 1}, {"id": 123456789012345678901234567891, "ts": "2026-12-03T10:00:00Z", "v": 2}]"#,
            "",
        ),
        (
            r#"[{"id": 123456789012345678901234567890, "ts": "2026-12-03T10:00:00Z", "v": NaN}, {"id": 123456789012345678901234567891, "ts": "2026-12-03T10:00:00Z", "v": 2}]"#,
            "",
        ),
        (
            r#"{"checksum": 123456789012345678901234567890, "data": [{"id": "a", "ts": "2026-12-03T10:00:00Z", "v": 1, "hash": 123456789012345678901234567891}]}"#,
            "records = \"data\"\ndrop = [\"hash\"]\n",
        ),
    ] {
        let server = feed(body.to_owned());
        let config = format!(
            "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"ts\"\nnumeric = [\"v\"]\n{extra}",
            server.url()
        );
        let site = Site::new(&config);
        let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
        let line = line_with(&stderr, "outside the signed 64-bit range");
        assert!(line.contains("123456789012345678901234567890"), "{line}");
        assert_eq!(site.data_files("own").len(), 1, "{stderr}");
    }
}

/// Open-Meteo's daily values, dated by a day alone, on a source counted per hour: the warning
/// names `resolution = "day"`; once set, it is silent.
#[test]
fn records_dated_by_a_day_alone_are_said_to_want_a_daily_resolution() {
    let body = serde_json::json!({"daily": {
        "time": ["2026-12-02", "2026-12-03"],
        "temperature_2m_max": [11.5, 12.1],
    }});
    let server = feed(body.to_string());
    let config = format!(
        "[[source]]\nname = \"daily\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1d\"\n\
         records = \"daily\"\ncolumns = true\nforecast = true\nkey = \"time\"\ntime = \"time\"\n\
         numeric = [\"temperature_2m_max\"]\n",
        server.url()
    );
    let wanted = "Every landed record with a time is dated by a day alone";
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, wanted);
    assert!(
        warning.contains("records=2") && warning.contains("set `resolution = \"day\"`"),
        "{warning}"
    );
    let site = Site::new(&format!("{config}resolution = \"day\"\n"));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    assert!(!stderr.contains(wanted), "{stderr}");
}

/// Open-Meteo's hourly series on a source of daily values: it lands, but the warning says its
/// records are hours apart, so its reports would count hours as days.
#[test]
fn hourly_records_on_a_source_of_daily_values_are_said_to_be_hours_apart() {
    let daily_source = |url: String, records: &str, field: &str| {
        format!(
            "[[source]]\nname = \"values\"\nkind = \"http_json\"\nurl = \"{url}/feed\"\n\
             every = \"1d\"\nrecords = \"{records}\"\ncolumns = true\nforecast = true\n\
             key = \"time\"\ntime = \"time\"\nnumeric = [\"{field}\"]\nresolution = \"day\"\n"
        )
    };
    let hours = serde_json::json!({"hourly": {
        "time": ["2026-12-02T00:00", "2026-12-02T01:00", "2026-12-02T02:00"],
        "temperature_2m": [7.5, 7.1, 6.8],
    }});
    let server = feed(hours.to_string());
    let site = Site::new(&daily_source(server.url(), "hourly", "temperature_2m"));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let wanted = "are dated hours apart";
    let warning = line_with(&stderr, wanted);
    assert!(
        warning.contains("earlier=2026-12-02T00:00:00+00:00")
            && warning.contains("later=2026-12-02T01:00:00+00:00")
            && warning.contains("Remove `resolution = \"day\"` if the records are hourly"),
        "{warning}"
    );
    assert_eq!(site.data_files("values").len(), 1, "the body still lands");
    // Local midnights with their offset across a clock change (23 hours apart) are days.
    let days = serde_json::json!({"daily": {
        "time": ["2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"],
        "temperature_2m_max": [11.5, 12.1, 13.0],
    }});
    let server = feed(days.to_string());
    let site = Site::new(&daily_source(server.url(), "daily", "temperature_2m_max"));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    assert!(!stderr.contains(wanted), "{stderr}");
    assert_eq!(site.data_files("values").len(), 1, "{stderr}");
}

#[test]
fn records_without_the_configured_key_land_with_a_warning() {
    let server = feed(usgs_body(3));
    let config = usgs_source("usgs", &format!("{}/feed", server.url()), "")
        .replace("key = \"id\"", "key = \"properties.id\"");
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(
        &stderr,
        "without a `key` value or a `time` that reads as a time",
    );
    assert!(
        warning.contains("unusable=3") && warning.contains("key=properties.id"),
        "{warning}"
    );
    assert_eq!(site.data_files("usgs").len(), 1, "the body still lands");

    // A key that does not tell records apart: warned about while the file is still there.
    let config = usgs_source("quakes", &format!("{}/feed", server.url()), "")
        .replace("key = \"id\"", "key = \"properties.type\"");
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, "sharing their `key` with a different record");
    assert!(
        warning.contains("sharing=2") && warning.contains("key=properties.type"),
        "{warning}"
    );
    assert!(
        warning.contains(
            "differ in `id`, `properties.mag`, `properties.time`, their times among them: \
             records of different times, of which only the last would be kept. If one of these \
             fields is unique to each record (an id), key on it; else add the time to the key: \
             `key = [\"properties.type\", \"properties.time\"]`."
        ),
        "the fields telling the events apart are named, their time among them, and the key \
         with the time added written out: {warning}"
    );
    assert_eq!(
        (
            site.metrics("quakes")[0].key_clashes,
            site.metrics("quakes")[0].clash_key.as_deref()
        ),
        (2, Some("properties.type")),
        "the run's metrics count them under the key they shared, for `runs` and the report"
    );

    // Records differing only in a dropped field land alike: no clash. Records without a time
    // are not stored, so they clash with none.
    let body = r#"{"features":[
        {"id":"a","properties":{"mag":1.0,"time":1763795000000,"seen":1}},
        {"id":"a","properties":{"mag":1.0,"time":1763795000000,"seen":2}},
        {"id":"b","properties":{"mag":1.0}},
        {"id":"b","properties":{"mag":2.0}}]}"#;
    let server = feed(body.to_owned());
    let url = format!("{}/feed", server.url());
    let site = Site::new(&usgs_source(
        "dropped",
        &url,
        "drop = [\"properties.seen\"]",
    ));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    assert!(!stderr.contains("sharing their `key`"), "{stderr}");
    assert!(
        !std::fs::read_to_string(&site.files("dropped", RawFileRole::Metrics)[0])
            .expect("metrics")
            .contains("key_clashes"),
        "a run without clashes writes no `key_clashes`"
    );
    let site = Site::new(&usgs_source("kept", &url, ""));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, "sharing their `key` with a different record");
    assert!(warning.contains("sharing=1"), "the `seen` kept: {warning}");
    assert!(warning.contains("differ in `properties.seen`"), "{warning}");
}

#[test]
fn a_drop_path_naming_an_array_item_is_warned_about_as_it_lands() {
    let server = feed(usgs_body(2));
    let url = format!("{}/feed", server.url());
    let site = Site::new(&usgs_source(
        "usgs",
        &url,
        "drop = [\"geometry.coordinates.2\"]",
    ));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, "name an array's item, which is never removed");
    assert!(
        warning.contains("paths=geometry.coordinates.2"),
        "{warning}"
    );
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&site.data_files("usgs")[0]).expect("read"))
            .expect("JSON");
    assert_eq!(
        landed["features"][0]["geometry"]["coordinates"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "the item lands as served: {landed}"
    );
    // A numeric name in an object is a field like any other: removed, and no warning.
    let body =
        r#"{"features":[{"id":"a","properties":{"mag":1.0,"time":1763795000000,"2024":"x"}}]}"#;
    let server = feed(body.to_owned());
    let url = format!("{}/feed", server.url());
    let site = Site::new(&usgs_source("years", &url, "drop = [\"properties.2024\"]"));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    assert!(!stderr.contains("array's item"), "{stderr}");
    let landed = std::fs::read_to_string(&site.data_files("years")[0]).expect("read");
    assert!(!landed.contains("2024"), "{landed}");
}

#[test]
fn an_api_key_from_the_environment_never_appears_in_files_or_logs() {
    const SECRET: &str = "s3cr3t-k3y-0123456789";
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let body = usgs_body(3);
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move |RawQuery(query): RawQuery| {
            let body = body.clone();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let query = query.unwrap_or_default();
                if !query.contains(&format!("api_key={SECRET}")) {
                    return (
                        StatusCode::UNAUTHORIZED,
                        "{\"error\":\"missing key\"}".to_owned(),
                    );
                }
                if n == 0 {
                    // A careless API echoing the request, key included.
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!("{{\"error\":\"busy, try again: {query}\"}}"),
                    );
                }
                // Echoing the request in the answer, as USGS's `metadata.url` does.
                let mut body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                body["metadata"]["url"] = format!("https://api.example.org/feed?{query}").into();
                // And as a member name, an object keyed by the request it answered.
                body["metadata"]["answered"] =
                    serde_json::json!({ format!("https://api.example.org/feed?{query}"): true });
                (StatusCode::OK, body.to_string())
            }
        }),
    ));
    let extra =
        "key_env = \"USGS_TEST_KEY\"\nkey_param = \"api_key\"\nparams = { format = \"geojson\" }";
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        extra,
    ));
    let stderr = succeeded(
        collector(&site)
            .env("USGS_TEST_KEY", SECRET)
            .env("COLLECTOR_BACKOFF_MS", "5")
            .env("RUST_LOG", "debug")
            .output(),
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2, "the 503 was retried");
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(
        !stderr.contains(SECRET),
        "the key leaked into the logs: {stderr}"
    );
    let written = site.everything_written();
    assert!(written.len() >= 3, "data, metrics and state were written");
    for (path, text) in written {
        assert!(
            !text.contains(SECRET),
            "the key leaked into {}",
            path.display()
        );
    }
    assert_eq!(site.metrics("usgs")[0].retries, Some(1));
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&site.data_files("usgs")[0]).expect("read"))
            .expect("JSON");
    assert_eq!(
        landed["metadata"]["url"],
        "https://api.example.org/feed?format=geojson&api_key=***"
    );
    assert_eq!(
        landed["metadata"]["answered"],
        serde_json::json!({ "https://api.example.org/feed?format=geojson&api_key=***": true }),
        "a member name echoing the key lands with the key replaced"
    );
    assert_eq!(landed["features"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_key_header_never_follows_a_redirect_to_another_host() {
    const SECRET: &str = "h3ad3r-k3y-0123456789";
    let (elsewhere, reached) = numbered_feed(|_| async { usgs_body(1) });
    // The same loopback server named another way: another host to the client.
    let moved_to = elsewhere.url().replace("127.0.0.1", "localhost") + "/feed";
    let body = usgs_body(2);
    let api = LocalServer::start(
        Router::new()
            .route(
                "/moved",
                get(|| async { axum::response::Redirect::permanent("/feed") }),
            )
            .route("/feed", get(move || async move { body }))
            .route(
                "/away",
                get(move || async move { axum::response::Redirect::temporary(&moved_to) }),
            )
            .route(
                "/nowhere",
                get(|| async { (StatusCode::FOUND, usgs_body(1)) }),
            ),
    );
    let extra = "key_env = \"USGS_TEST_KEY\"\nkey_header = \"X-API-Key\"";
    let run = |path: &str| {
        let site = Site::new(&usgs_source("usgs", &format!("{}{path}", api.url()), extra));
        let output = collector(&site)
            .env("USGS_TEST_KEY", SECRET)
            .output()
            .expect("collector runs");
        (site, output)
    };

    let (site, output) = run("/moved");
    assert!(
        output.status.success(),
        "a move within the API's host is followed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(site.data_files("usgs").len(), 1);

    let (site, output) = run("/away");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let line = line_with(&stderr, "source `usgs` failed");
    assert!(
        line.contains("redirected to another host, localhost") && !line.contains(SECRET),
        "{line}"
    );
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the other host never got the request, nor its key"
    );
    assert!(site.data_files("usgs").is_empty());

    let (site, output) = run("/nowhere");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("HTTP 302: a redirect without an address to follow"),
        "a redirect's body is no answer: {stderr}"
    );
    assert!(site.data_files("usgs").is_empty());
}

#[test]
fn a_missing_key_variable_fails_the_source_naming_it() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "key_env = \"RELEVE_TEST_UNSET_KEY\"",
    ));
    let stderr = failed(
        collector(&site)
            .env_remove("RELEVE_TEST_UNSET_KEY")
            .output(),
    );
    let line = line_with(&stderr, "source `usgs` failed");
    assert!(line.contains("RELEVE_TEST_UNSET_KEY"), "{line}");
    assert!(site.data_files("usgs").is_empty());
}

/// A key no header can carry (a line break, as `$(cat key.txt)` keeps from a file written on
/// Windows) fails the source naming the variable, and never the key; a check says so first.
#[test]
fn a_key_a_header_cannot_carry_fails_the_source_naming_its_variable() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "key_env = \"RELEVE_TEST_CR_KEY\"",
    ));
    let key = "s3cr3t-k3y\r";
    let stderr = failed(collector(&site).env("RELEVE_TEST_CR_KEY", key).output());
    let line = line_with(&stderr, "source `usgs` failed");
    assert!(
        line.contains("environment variable `RELEVE_TEST_CR_KEY` (key `key_env`) holds a character no API key holds nor request header can carry"),
        "{line}"
    );
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
    assert!(site.data_files("usgs").is_empty());
    let check = collector(&site)
        .arg("--check")
        .env("RELEVE_TEST_CR_KEY", key)
        .output()
        .expect("collector runs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAILING") && stdout.contains("RELEVE_TEST_CR_KEY"),
        "{stdout}"
    );
}

/// The same key, read by `$(cat key.txt)` from a file saved by a Windows editor (`\r` kept),
/// sent as a query parameter (`key_param`) rather than a header: a check says `ready` and the
/// run sends `api_key=s3cr3t-k3y%0D`, which the API refuses as a wrong key, where the header case
/// above fails naming the variable.
#[test]
fn a_key_param_holding_a_carriage_return_is_failing_as_a_header_key_is() {
    let queries = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = queries.clone();
    let body = usgs_body(1);
    let server = LocalServer::start(Router::new().route(
        "/feed",
        get(move |RawQuery(query): RawQuery| {
            let body = body.clone();
            let seen = seen.clone();
            async move {
                seen.lock()
                    .expect("queries")
                    .push(query.unwrap_or_default());
                body
            }
        }),
    ));
    let site = Site::new(&usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "key_env = \"RELEVE_TEST_CR_PARAM_KEY\"\nkey_param = \"api_key\"",
    ));
    let key = "s3cr3t-k3y\r";
    let check = collector(&site)
        .arg("--check")
        .env("RELEVE_TEST_CR_PARAM_KEY", key)
        .output()
        .expect("collector runs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("FAILING") && stdout.contains("RELEVE_TEST_CR_PARAM_KEY"),
        "a check says the key cannot be sent as it is: {stdout}"
    );
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    let output = collector(&site)
        .env("RELEVE_TEST_CR_PARAM_KEY", key)
        .output()
        .expect("collector runs");
    let sent = queries.lock().expect("queries").clone();
    assert!(
        sent.iter().all(|query| !query.contains("%0D")),
        "the key went out with its carriage return: {sent:?}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        line_with(&stderr, "source `usgs` failed").contains("RELEVE_TEST_CR_PARAM_KEY"),
        "{stderr}"
    );
}

#[test]
fn a_temporary_file_left_by_a_killed_run_is_removed_by_the_next() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source_every(
        "usgs",
        &format!("{}/feed", server.url()),
        "5m",
        "",
    ));
    let folder = site.dir.path().join("raw/usgs");
    std::fs::create_dir_all(&folder).expect("source folder");
    let orphan = folder.join(".usgs_4242.0.tmp");
    std::fs::write(&orphan, b"[{\"partial").expect("an orphan");
    let output = collector(&site)
        .arg("--force")
        .output()
        .expect("collector runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!orphan.exists(), "the orphan is gone");
    assert_eq!(site.data_files("usgs").len(), 1);

    // Killed again while writing, its run noted in the state: the next run removes what it
    // left though the source is not due yet.
    let state_path = folder.join(".state.json");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state_path).expect("state")).expect("JSON");
    state["running"] = serde_json::json!({"started": chrono::Utc::now().to_rfc3339()});
    std::fs::write(&state_path, state.to_string()).expect("a run under way");
    std::fs::write(&orphan, b"[{\"partial").expect("an orphan");
    let output = collector(&site).output().expect("collector runs");
    assert!(
        !orphan.exists(),
        "removed at once: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        site.data_files("usgs").len(),
        1,
        "not due: nothing collected"
    );
}

/// A log that cannot be written (a full disk under `logs/`) loses its lines, never the run:
/// the file lands, its metrics and the source's state are saved, and the run exits 0.
#[test]
fn a_log_that_cannot_be_written_loses_lines_not_the_run() {
    let server = feed(usgs_body(2));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = collector(&site)
        .arg("--force")
        .stderr(full)
        .status()
        .expect("collector runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(site.data_files("usgs").len(), 1);
    let metrics = site.metrics("usgs");
    assert!(
        metrics.len() == 1 && metrics[0].error.is_none() && metrics[0].records == 2,
        "{metrics:?}"
    );
    let state = site.state("usgs");
    assert!(state.last_success_landed.is_some() && state.running.is_none());
}

/// Cron starts a line in the home folder (or `/`): a run that does not find `sources.toml`
/// there says which folder it looked in.
#[test]
fn a_configuration_not_found_names_the_folder_it_was_looked_for_in() {
    let folder = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(folder.path())
        .env("RUST_LOG", "info")
        .output();
    let stderr = refused(output);
    let folder = folder.path().canonicalize().expect("folder");
    assert!(
        stderr.starts_with("collector: sources.toml: cannot read the configuration: "),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "(looked for in the working folder {}: ",
            folder.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_raw_dir_that_is_a_file_is_named_once() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    std::fs::write(site.dir.path().join("rawfile"), b"hello").expect("a file");
    let stderr = refused(collector(&site).args(["--raw-dir", "rawfile"]).output());
    assert!(
        stderr.starts_with("collector: the raw folder rawfile is not a folder: check --raw-dir"),
        "{stderr}"
    );
}

/// The one line a forced run and a check each refuse `raw_dir` with.
fn refused_by_run_and_check(site: &Site, raw_dir: &str) -> [String; 2] {
    ["--force", "--check"]
        .map(|mode| refused(collector(site).args(["--raw-dir", raw_dir, mode]).output()))
}

#[test]
fn a_raw_dir_that_cannot_be_written_is_named_once_by_a_run_and_by_a_check() {
    // Nothing can be made in /proc, whoever runs the test (root included).
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    for stderr in refused_by_run_and_check(&site, "/proc/releve-test/raw") {
        assert!(
            stderr.starts_with(
                "collector: the raw folder /proc/releve-test/raw cannot be created in /proc ("
            ) && stderr.contains("check --raw-dir and its permissions"),
            "{stderr}"
        );
    }
}

#[test]
fn a_raw_dir_below_a_link_to_nothing_is_named_once() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    std::os::unix::fs::symlink("/nonexistent/unmounted-disk", site.dir.path().join("disk"))
        .expect("a link");
    for stderr in refused_by_run_and_check(&site, "disk/raw") {
        assert!(
            stderr.starts_with(
                "collector: disk, on the way to the raw folder disk/raw, is a symbolic link to /nonexistent/unmounted-disk, which does not exist"
            ),
            "{stderr}"
        );
    }
}

#[test]
fn a_raw_dir_linking_to_nothing_is_named_once() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    std::os::unix::fs::symlink(
        "/nonexistent/unmounted-disk/raw",
        site.dir.path().join("raw"),
    )
    .expect("a link");
    let stderr = refused(collector(&site).args(["--raw-dir", "raw"]).output());
    assert!(
        stderr.starts_with(
            "collector: the raw folder raw is a symbolic link to /nonexistent/unmounted-disk/raw, which does not exist"
        ),
        "{stderr}"
    );
}

#[test]
fn a_file_in_place_of_the_source_folder_is_named() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let raw = site.dir.path().join("raw");
    std::fs::create_dir_all(&raw).expect("raw folder");
    std::fs::write(raw.join("usgs"), b"hello").expect("a file named like the folder");
    let stderr = failed(collector(&site).arg("--force").output());
    assert!(
        stderr.contains("raw/usgs is a file, not the source's folder"),
        "{stderr}"
    );
}

#[test]
fn a_source_folder_that_is_a_link_to_nowhere_is_named() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let raw = site.dir.path().join("raw");
    std::fs::create_dir_all(&raw).expect("raw folder");
    std::os::unix::fs::symlink("usgs", raw.join("usgs")).expect("a link to itself");
    let stderr = failed(collector(&site).arg("--force").output());
    assert!(
        stderr.contains(
            "raw/usgs is a symbolic link that leads nowhere (a loop, or its target is gone)"
        ),
        "{stderr}"
    );
}

#[test]
fn an_env_that_is_a_folder_is_said_not_to_be_read() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    std::fs::create_dir(site.dir.path().join(".env")).expect("a folder named .env");
    let output = collector(&site)
        .arg("--force")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(".env is not a file: no variable is read from it"),
        "{stderr}"
    );
}

/// A run that creates the raw folder (run from another folder than the checkout's, whose raw
/// folder the summariser reads) says so, naming the folder it is relative to; later runs do
/// not.
#[test]
fn a_run_creating_the_raw_folder_says_where() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let first = succeeded(collector(&site).arg("--force").output());
    let warning = line_with(&first, "The raw folder does not exist: this run creates it");
    assert!(
        warning.contains("(in the working folder")
            && warning.contains("run every stage from the same folder"),
        "{warning}"
    );
    let again = succeeded(collector(&site).arg("--force").output());
    assert!(!again.contains("raw folder does not exist"), "{again}");
}

/// The raw folder missing because its USB stick is unplugged: the run creates it under the
/// mount point and lands its files there. "mount it" alone has the stick mounted over them,
/// hiding them from every stage (never summarised). The line says to move the folder aside
/// first, then its files onto the disk.
#[test]
fn a_run_creating_the_raw_folder_does_not_advise_a_mount_over_its_files() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let first = succeeded(collector(&site).arg("--force").output());
    let warning = line_with(&first, "The raw folder does not exist: this run creates it");
    assert!(
        warning.contains("aside") && warning.contains("would hide them"),
        "the stick to be mounted over the files this run lands: {warning}"
    );
}

/// A variable left exported in the shell (or set blank in a crontab) hides `.env`'s value: said,
/// without either value, so the wrong credentials are not looked for in `.env` in vain.
#[test]
fn a_variable_the_environment_sets_otherwise_than_env_is_named() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    std::fs::write(
        site.dir.path().join(".env"),
        "FRANCE_TRAVAIL_CLIENT_ID=right-id\nFRANCE_TRAVAIL_CLIENT_SECRET=same\n",
    )
    .expect("write .env");
    let output = collector(&site)
        .arg("--force")
        .env("FRANCE_TRAVAIL_CLIENT_ID", "old-wrong-id")
        .env("FRANCE_TRAVAIL_CLIENT_SECRET", "same")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("`FRANCE_TRAVAIL_CLIENT_ID` is set in the environment and, to another value, in .env: the environment's is used"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("CLIENT_SECRET` is set"),
        "the same value: {stderr}"
    );
    assert!(
        !stderr.contains("right-id") && !stderr.contains("old-wrong-id"),
        "{stderr}"
    );
}

/// The same `.env` saved by Windows Notepad as "UTF-8 with BOM" (CRLF line ends): the file's
/// values are read (the BOM is skipped), but the warnings about its first variable are lost,
/// both the one for a value the environment hides and the one for a name set twice.
#[test]
fn a_variable_hidden_by_the_environment_is_named_in_an_env_saved_with_a_bom() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let run = |env: &str| {
        std::fs::write(site.dir.path().join(".env"), env).expect("write .env");
        let output = collector(&site)
            .arg("--force")
            .env("FRANCE_TRAVAIL_CLIENT_ID", "old-wrong-id")
            .env("FRANCE_TRAVAIL_CLIENT_SECRET", "same")
            .output()
            .expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        stderr
    };
    let hidden =
        run("\u{feff}FRANCE_TRAVAIL_CLIENT_ID=right-id\r\nFRANCE_TRAVAIL_CLIENT_SECRET=same\r\n");
    assert!(
        hidden.contains("`FRANCE_TRAVAIL_CLIENT_ID` is set in the environment and, to another value, in .env: the environment's is used"),
        "the first variable of a .env with a BOM: {hidden}"
    );
    let twice = run("\u{feff}RELEVE_TEST_TWICE=first\r\nRELEVE_TEST_TWICE=second\r\n");
    assert!(
        twice.contains(".env sets `RELEVE_TEST_TWICE` more than once"),
        "the first variable of a .env with a BOM, set again: {twice}"
    );
}

/// Run by hand from another folder with `--config` naming the checkout's file, a stage reads
/// the `.env` beside it when the working folder has none (the credentials are found); the
/// working folder's wins when there is one.
#[test]
fn the_env_beside_the_configuration_is_read_from_another_folder() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    std::fs::write(
        site.dir.path().join(".env"),
        "FRANCE_TRAVAIL_CLIENT_ID=checkout-id\n",
    )
    .expect("write .env");
    let elsewhere = tempfile::tempdir().expect("another folder");
    let config = site.dir.path().join("sources.toml");
    let run_from_elsewhere = || {
        let output = Command::new(env!("CARGO_BIN_EXE_collector"))
            .current_dir(elsewhere.path())
            .arg(format!("--config={}", config.display()))
            .args(["--force", "--raw-dir"])
            .arg(site.dir.path().join("raw"))
            .env("RUST_LOG", "warn")
            .env("FRANCE_TRAVAIL_CLIENT_ID", "exported-id")
            .output();
        succeeded(output)
    };
    let stderr = run_from_elsewhere();
    assert!(
        stderr.contains(&format!(
            "`FRANCE_TRAVAIL_CLIENT_ID` is set in the environment and, to another value, in {}",
            site.dir.path().join(".env").display()
        )),
        "the checkout's .env read, named by its path: {stderr}"
    );
    std::fs::write(elsewhere.path().join(".env"), "A=1\n").expect("write .env");
    let stderr = run_from_elsewhere();
    assert!(
        !stderr.contains("FRANCE_TRAVAIL_CLIENT_ID"),
        "the working folder's .env only: {stderr}"
    );
}

/// Run from another folder, a stage stopped by the `.env` beside `--config` (saved as Latin-1)
/// names that file by its path, as a malformed line of it is named: the working folder has no
/// `.env`, so "`.env`: cannot be read" sends the user to a file that is not there.
#[test]
fn an_unreadable_env_beside_the_configuration_is_named_by_its_path() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let beside = site.dir.path().join(".env");
    std::fs::write(&beside, b"A=1\n# caf\xe9\n").expect("write .env");
    let elsewhere = tempfile::tempdir().expect("another folder");
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(elsewhere.path())
        .arg("--config")
        .arg(site.dir.path().join("sources.toml"))
        .args(["--force", "--raw-dir"])
        .arg(site.dir.path().join("raw"))
        .output()
        .expect("run collector");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot be read", beside.display())),
        "the .env read is not named: {stderr}"
    );
}

#[test]
fn a_malformed_env_file_stops_the_run_naming_its_line_but_not_its_content() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    std::fs::write(
        site.dir.path().join(".env"),
        "# credentials\nMY SECRET=hunter2\nFRANCE_TRAVAIL_CLIENT_ID=x\n",
    )
    .expect("write .env");
    let stderr = refused(collector(&site).output());
    assert!(stderr.starts_with("collector: .env:2: "), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(site.data_files("usgs").is_empty());

    // A NUL character no environment can hold: named, not echoed, and no panic.
    std::fs::write(
        site.dir.path().join(".env"),
        "A=1\nFRANCE_TRAVAIL_CLIENT_SECRET=hunter2\0x\n",
    )
    .expect("write .env");
    let output = collector(&site).output().expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("collector: .env:2: holds an invisible control character (U+0000, NUL)"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    // Text that is not UTF-8: the line of a Latin-1 byte, and UTF-16 (a Windows editor's
    // "Unicode") said as such.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("A=1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for (content, said) in [
        (
            b"A=1\nFRANCE_TRAVAIL_CLIENT_SECRET=hunter\xe92\n".to_vec(),
            "collector: .env: cannot be read: line 2 is not UTF-8 text: save the file as UTF-8",
        ),
        (
            utf16,
            "collector: .env: cannot be read: the file is UTF-16 text: save it as UTF-8",
        ),
    ] {
        std::fs::write(site.dir.path().join(".env"), content).expect("write .env");
        let output = collector(&site).output().expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.starts_with(said), "{stderr}");
        assert!(!stderr.contains("hunter"), "{stderr}");
    }
}

/// A `.env` ending in the DOS end-of-file mark, Ctrl-Z (0x1A), as `copy` in a Windows
/// command prompt or an old editor leaves it, right after the last value: the mark is read as
/// the secret's last character, which trimming keeps (it is no white space), and the client
/// secret goes to the token endpoint as `hunter2%1A`, which France Travail answers
/// `invalid_client` with nothing to see in the file. A NUL there stops the run naming its
/// line; this control character is sent.
#[test]
fn a_dos_end_of_file_mark_never_goes_out_in_the_france_travail_secret() {
    let bodies = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = bodies.clone();
    let server = LocalServer::start(
        Router::new()
            .route(
                "/token",
                axum::routing::post(move |body: String| {
                    let seen = seen.clone();
                    async move {
                        seen.lock().expect("bodies").push(body);
                        r#"{"access_token":"t0k","token_type":"Bearer","expires_in":1499,"scope":"api_offresdemploiv2 o2dsoffre"}"#
                    }
                }),
            )
            .route(
                "/offres/search",
                get(|| async { StatusCode::NO_CONTENT }),
            ),
    );
    let site = Site::new(&format!(
        "[[source]]\nname = \"offres\"\nkind = \"france_travail\"\nurl = \"{url}\"\ntoken_url = \"{url}/token\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n",
        url = server.url()
    ));
    std::fs::write(
        site.dir.path().join(".env"),
        "FRANCE_TRAVAIL_CLIENT_ID=my-id\r\nFRANCE_TRAVAIL_CLIENT_SECRET=hunter2\u{1a}",
    )
    .expect("write .env");
    let output = collector(&site)
        .arg("--force")
        .env_remove("FRANCE_TRAVAIL_CLIENT_ID")
        .env_remove("FRANCE_TRAVAIL_CLIENT_SECRET")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let sent = bodies.lock().expect("bodies").clone();
    assert!(
        sent.iter().all(|body| !body.contains("%1A")),
        "the client secret went out with the end-of-file mark: {sent:?}\n{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn a_stderr_that_cannot_be_written_loses_lines_not_the_run() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full (Linux), where every write fails");
    let output = collector(&site)
        .env("COLLECTOR_BACKOFF_MS", "1")
        .stderr(full)
        .output()
        .expect("collector runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "the source's failure, not a panic (101)"
    );
}

#[test]
fn an_unknown_source_name_is_refused_before_any_call() {
    let body = usgs_body(1);
    let (server, calls) = numbered_feed(move |_| {
        let body = body.clone();
        async move { body }
    });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let output = collector(&site)
        .args(["--source", "usgs", "--source", "nope"])
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`nope`"), "{stderr}");
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "not even `usgs` is called"
    );
    assert!(site.data_files("usgs").is_empty());
}

/// A MongoDB URI pasted where the collector takes a source's name, or alone as mongosh takes
/// it: the line refusing it never shows its password (found by the review of stop 56).
#[test]
fn a_uri_given_as_a_source_or_an_argument_never_shows_its_password() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    let uri = "mongodb://alice:Zebra42@db.example.org/phd_db";
    for args in [vec!["--source", uri], vec![uri]] {
        let stderr = refused(collector(&site).args(&args).output());
        assert!(!stderr.contains("Zebra42"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("mongodb://***@db.example.org"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_refused_source_table_costs_that_source_alone() {
    let body = usgs_body(3);
    let (server, calls) = numbered_feed(move |_| {
        let body = body.clone();
        async move { body }
    });
    let url = format!("{}/feed", server.url());
    let config = format!(
        "{}{}",
        usgs_source("typo", &url, "evrey = \"5m\""),
        usgs_source("usgs", &url, "")
    );
    let site = Site::new(&config);
    let stderr = failed(collector(&site).arg("--force").output());
    assert_eq!(
        site.data_files("usgs").len(),
        1,
        "the other source is collected"
    );
    assert!(site.data_files("typo").is_empty());
    let refusal = line_with(&stderr, "`typo`");
    assert!(
        refusal.starts_with(
            "collector: sources.toml:11: source `typo`: unknown key `evrey` (did you mean `every`?)"
        ),
        "{stderr}"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one call, for the accepted source"
    );
    // Asked for by name, the refused source stops the run before any call, as exit 2.
    let output = collector(&site)
        .args(["--source", "typo"])
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("source `typo`: unknown key `evrey`"),
        "{stderr}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // A run of named sources is about them alone.
    let stderr = succeeded(
        collector(&site)
            .args(["--source", "usgs", "--force"])
            .output(),
    );
    assert!(!stderr.contains("typo"), "{stderr}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A first `sources.toml` whose only table is refused: its line said "the other sources due
/// were" collected, of a file that has no other source.
#[test]
fn a_refused_table_alone_is_not_said_beside_other_sources_collected() {
    let site = Site::new(&usgs_source(
        "typo",
        "http://127.0.0.1:9/feed",
        "evrey = \"5m\"",
    ));
    let stderr = failed(collector(&site).arg("--force").output());
    let refusal = line_with(&stderr, "`typo`");
    assert!(
        refusal.contains("(not collected)") && !refusal.contains("other sources"),
        "{refusal}"
    );
}

#[test]
fn a_fault_in_report_fails_the_run_but_not_the_collection() {
    let server = feed(usgs_body(2));
    let site = Site::new(&format!(
        "[report]\nkeep = -1\n{}",
        usgs_source("usgs", &format!("{}/feed", server.url()), "")
    ));
    // By hand (`--force`): cron's runs say the fault in the first minute of each hour only.
    let stderr = failed(collector(&site).arg("--force").output());
    assert_eq!(site.data_files("usgs").len(), 1, "collected: {stderr}");
    let line = line_with(&stderr, "sources.toml:2");
    assert!(
        line.contains("key `keep`")
            && line.contains("writes no report until it is fixed; the sources due were collected"),
        "{line}"
    );
}

#[test]
fn a_table_repeating_a_name_is_ignored_and_the_first_runs() {
    let server = feed(usgs_body(2));
    let url = format!("{}/feed", server.url());
    let config = format!(
        "{}{}",
        usgs_source("usgs", &url, ""),
        usgs_source("usgs", &url, "")
    );
    let site = Site::new(&config);
    let stderr = failed(collector(&site).arg("--force").output());
    assert!(
        stderr.contains(
            "sources.toml:14: source `usgs`: key `name` repeats the source of line 2 (this table is ignored)"
        ),
        "{stderr}"
    );
    // Asked for by name, the first table runs, and the ignored one is still named.
    let stderr = failed(
        collector(&site)
            .args(["--source", "usgs", "--force"])
            .output(),
    );
    assert!(
        stderr.contains("sources.toml:14: source `usgs`: key `name` repeats the source of line 2"),
        "{stderr}"
    );
    assert_eq!(
        site.data_files("usgs").len(),
        2,
        "both runs collected `usgs`"
    );
}

#[test]
fn a_command_line_that_cannot_be_read_is_one_line_naming_the_fault() {
    let site = Site::new(&usgs_source("usgs", "https://example.org/feed", ""));
    let stderr = refused(collector(&site).args(["--since", "2026-13-01"]).output());
    assert!(
        stderr.starts_with(
            "collector: invalid value '2026-13-01' for '--since <YYYY-MM-DD>': input is out of range (see --help)"
        ),
        "{stderr}"
    );
    let stderr = refused(collector(&site).arg("--bogus").output());
    assert!(
        stderr.starts_with("collector: unexpected argument '--bogus' found (see --help)"),
        "{stderr}"
    );
    let help = collector(&site)
        .arg("--help")
        .output()
        .expect("collector runs");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--check"));
}

#[test]
fn a_day_in_the_future_is_refused_before_any_call() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    for flag in ["--since", "--date"] {
        let output = collector(&site)
            .args([flag, "2099-01-01"])
            .output()
            .expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("{flag} 2099-01-01 is in the future")),
            "{stderr}"
        );
    }
    assert!(site.data_files("usgs").is_empty());
}

#[test]
fn today_is_refused_as_a_per_day_sources_date() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    // Around midnight UTC the day may turn between the test and the run: ask again then.
    let refused = (0..2).any(|_| {
        let today = chrono::Utc::now().date_naive().to_string();
        let output = collector(&site)
            .args(["--date", &today])
            .output()
            .expect("collector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        output.status.code() == Some(2)
            && stderr.contains(&format!("--date {today} is today (UTC)"))
    });
    assert!(refused, "a day that has not ended is refused");
    assert!(site.data_files("usgs").is_empty());
}

#[test]
fn retry_lines_name_their_source() {
    let server = busy_once();
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let stderr = succeeded(
        collector(&site)
            .env("COLLECTOR_BACKOFF_MS", "5")
            .env("RUST_LOG", "warn")
            .output(),
    );
    let retry = line_with(&stderr, "Request failed, retrying.");
    assert!(retry.contains("source=usgs"), "{retry}");
}

#[test]
fn a_misspelt_log_level_is_named_and_logging_stays_at_info() {
    let server = feed(usgs_body(1));
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "debg").output());
    let warning = line_with(&stderr, "RUST_LOG cannot be read; logging at info.");
    assert!(
        warning.contains("`debg` is not a level") && warning.contains("did you mean `debug`?"),
        "{warning}"
    );
    assert!(
        stderr.lines().any(|l| l.contains("INFO")),
        "info lines still print: {stderr}"
    );
}

#[test]
fn a_portal_selection_holding_no_record_lands_with_a_warning() {
    let double = testkit::opendatasoft::OpendatasoftDouble::new("eco2mix-national-tr", Vec::new());
    let server = LocalServer::start(double.router());
    let site = Site::new(&format!(
        r#"[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "{}"
dataset = "eco2mix-national-tr"
where = "perimetre = 'Frnace'"
every = "15m"
key = "date_heure"
time = "date_heure"
"#,
        server.url()
    ));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    assert_eq!(
        site.data_files("eco2mix").len(),
        1,
        "the empty selection lands"
    );
    let warning = line_with(&stderr, "The portal's selection holds no record");
    assert!(
        warning.contains("source=eco2mix") && warning.contains("`where`"),
        "{warning}"
    );
}

/// A server announcing `length` bytes for every answer, and hanging up after a few.
fn overannouncing_feed(length: u64) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/feed", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n{{\"features\":[{{\"id\":"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

/// An answer announcing nearly the largest body read, and cut off after a few bytes, on a
/// machine with less memory to give (an address space of about 900 MB, as `ulimit -v` sets
/// it): the run neither sets that memory aside before the bytes come nor dies of it; the
/// source fails in one line, and the others land. The address space a run takes grows with
/// the machine's cores (a runtime thread each, and glibc's 64 MiB arena per thread), so
/// both are pinned to a 2-core machine's: on 8 cores the run would die of them alone.
#[test]
fn a_length_announced_and_never_sent_costs_no_memory_set_aside_for_it() {
    let big = overannouncing_feed(1_000_000_000);
    let server = feed(usgs_body(2));
    let site = Site::new(&format!(
        "{}{}",
        usgs_source("big", &big, ""),
        usgs_source("usgs", &format!("{}/feed", server.url()), "")
    ));
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 900000 && exec \"$0\"")
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("COLLECTOR_BACKOFF_MS", "1")
        .env("TOKIO_WORKER_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .output();
    let stderr = failed(output);
    // Refused from its announced length when past what the run may hold of one answer
    // there, else cut off.
    let said = line_with(&stderr, "source `big` failed:");
    assert!(
        said.contains("the body was cut off") || said.contains("the answer is larger than"),
        "{stderr}"
    );
    assert_eq!(site.data_files("usgs").len(), 1, "{stderr}");
}

/// A date column served as a time at midnight (`2026-12-02T00:00:00.000`, as some portals write
/// one) on a source counted per hour: the warning names `resolution = "day"`; records with a
/// time of day, or a midnight or two among them, raise none.
#[test]
fn records_all_dated_at_midnight_utc_are_said_to_want_a_daily_resolution() {
    let source = |url: String| {
        format!(
            "[[source]]\nname = \"counts\"\nkind = \"http_json\"\nurl = \"{url}/feed\"\nevery = \"1d\"\n\
             key = \"id\"\ntime = \"date\"\nnumeric = [\"count\"]\n"
        )
    };
    let records = |dates: &[&str]| {
        let records: Vec<serde_json::Value> = dates
            .iter()
            .enumerate()
            .map(|(id, date)| serde_json::json!({"id": id, "date": date, "count": 4}))
            .collect();
        serde_json::Value::from(records).to_string()
    };
    let wanted = "Every landed record with a time is dated at 00:00:00 UTC";
    let server = feed(records(&[
        "2026-12-01T00:00:00.000",
        "2026-12-02T00:00:00.000",
        "2026-12-03T00:00:00.000",
    ]));
    let site = Site::new(&source(server.url()));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    let warning = line_with(&stderr, wanted);
    assert!(
        warning.contains("records=3")
            && warning.contains("example=\"2026-12-01T00:00:00.000\"")
            && warning.contains("set `resolution = \"day\"`"),
        "{warning}"
    );
    let daily = Site::new(&format!("{}resolution = \"day\"\n", source(server.url())));
    let stderr = succeeded(collector(&daily).env("RUST_LOG", "warn").output());
    assert!(!stderr.contains(wanted), "{stderr}");
    let server = feed(records(&[
        "2026-12-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
        "2026-12-02T13:10:00Z",
    ]));
    let site = Site::new(&source(server.url()));
    let stderr = succeeded(collector(&site).env("RUST_LOG", "warn").output());
    assert!(!stderr.contains(wanted), "{stderr}");
}

/// The first file landed under a new `key` waits in place (larger than the summariser's
/// `--max-file-mb`) while the next one is stored under it: putting the old key back is warned
/// of. And a `key` whose only file was quarantined (nothing stored under it) is put back
/// without a warning.
#[test]
fn a_key_put_back_is_warned_of_as_far_as_files_landed_under_the_other_were_stored() {
    let own = Rekeyed::new("\"id\"");
    let site = &own.site;
    let (a, b) = ("\"id\"", "[\"id\", \"properties.time\"]");
    own.run();
    summarised(site, "own");
    own.set_key(b);
    assert!(
        own.run().contains("`key` changed"),
        "A to B, A's records stored"
    );
    own.run();
    // The summariser: B's first file waits in place, the second is stored under B.
    let files = site.data_files("own");
    assert_eq!(files.len(), 2, "{files:?}");
    std::fs::remove_file(&files[1]).expect("summarised under B");
    own.set_key(a);
    assert!(
        own.check()
            .contains("is not the one its stored records were stored under")
    );
    assert!(
        own.run().contains("`key` changed"),
        "B to A, B's records stored"
    );
    summarised(site, "own");

    // A to B again, B's only file quarantined, then back to A.
    own.set_key(b);
    assert!(own.run().contains("`key` changed"), "A to B");
    let quarantine = site.raw().join("_quarantine");
    std::fs::create_dir_all(&quarantine).expect("quarantine");
    for file in site.data_files("own") {
        let name = file.file_name().expect("a file name").to_owned();
        std::fs::rename(&file, quarantine.join(name)).expect("quarantined");
    }
    own.set_key(a);
    assert!(
        !own.check().contains("stored records"),
        "nothing stored under B"
    );
    assert!(
        !own.run().contains("`key` changed"),
        "nothing stored under B"
    );
}

/// A USGS feed of 3 records answering in a second: a source whose run is still going while
/// another's answer is read.
fn slow_feed() -> LocalServer {
    LocalServer::start(Router::new().route(
        "/feed",
        get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            usgs_body(3)
        }),
    ))
}

/// A hostile or broken portal answers 2 MB of gzip that expands to hundreds of MB. The
/// collector reads up to 1 GiB of it before refusing it, in a process that collects 4 sources
/// at a time, while the shipped Kubernetes manifest gives it 256 MiB: there the whole run dies
/// ("memory allocation of … bytes failed", killed by signal), with every source it was
/// collecting, at each retry, instead of the one-line failure the README promises. An address
/// space limit of 256 MiB stands in for the pod's memory limit.
#[test]
fn a_gzip_bomb_fails_its_source_alone_within_the_collector_pods_memory() {
    let bomb = Command::new("sh")
        .args(["-c", "head -c 600M /dev/zero | gzip -1"])
        .output()
        .expect("gzip")
        .stdout;
    assert!(bomb.len() < 4 << 20, "a few MB on the wire");
    let portal = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            let bomb = bomb.clone();
            async move {
                (
                    [
                        (axum::http::header::CONTENT_ENCODING, "gzip"),
                        (axum::http::header::CONTENT_TYPE, "application/json"),
                    ],
                    bomb,
                )
            }
        }),
    ));
    // Another portal, answering in a second: its run is still going while the bomb is read.
    let other = slow_feed();
    let config = format!(
        "{}{}",
        usgs_source("bombed", &format!("{}/feed", portal.url()), ""),
        usgs_source("other", &format!("{}/feed", other.url()), "")
    );
    let site = Site::new(&config);
    let output = Command::new("sh")
        .args(["-c", "ulimit -v 262144 && exec \"$0\""])
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "one source failed: {stderr}");
    let failed = line_with(&stderr, "collector: source `bombed` failed");
    assert!(
        failed.contains("MiB of memory"),
        "the limit is said as the memory's: {failed}"
    );
    assert_eq!(
        site.data_files("other").len(),
        1,
        "the other source's run lands: {stderr}"
    );
}

/// A Raspberry Pi's collector, with the memory a small machine gives it (an address space of
/// about 440 MiB, as `ulimit -v` sets it; threads and arenas pinned to a 2-core machine's as
/// above), collects a 30 MB USGS-shaped body from a source with a `drop` field: well under the
/// answer cap the collector derives from that memory, so it is read. But a body with `drop`
/// (or `stamp`, `columns`, an echoed key) is parsed whole into a tree at ≈ 16 × its size
/// (500 MB peak RSS for this body, 52 MB without `drop`), so the allocator aborts the whole
/// process ("memory allocation of 8 bytes failed", SIGABRT): every source collected beside it
/// dies too, and each is later counted as "did not finish … (out of memory, a deadline?)".
/// The cap's promise is that an answer too large for the memory fails its source alone, in
/// one line; or the body lands. Either way the run lives and the other source lands.
#[test]
fn a_body_with_drop_fields_under_the_answer_cap_does_not_kill_the_whole_run() {
    let mut body =
        String::from(r#"{"type":"FeatureCollection","metadata":{"count":150000},"features":["#);
    for i in 0..150_000u64 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"type":"Feature","id":"us{i:06}","properties":{{"mag":{}.{},"time":{},"type":"earthquake","url":"https://earthquake.usgs.gov/x"}},"geometry":{{"type":"Point","coordinates":[-155.2,19.3,3.9]}}}}"#,
            1 + i % 7,
            i % 10,
            1_763_795_000_000u64 + i * 1000
        ));
    }
    body.push_str("]}");
    assert!(
        body.len() > 25_000_000 && body.len() < 35_000_000,
        "{}",
        body.len()
    );
    let dropped = feed(body);
    // Another source, answering in a second: its run is still going while the body is read.
    let other = slow_feed();
    let config = format!(
        "{}{}",
        usgs_source(
            "dropped",
            &format!("{}/feed", dropped.url()),
            "drop = [\"properties.url\"]\ntimeout = \"120s\""
        ),
        usgs_source("other", &format!("{}/feed", other.url()), "")
    );
    let site = Site::new(&config);
    let output = Command::new("sh")
        .args(["-c", "ulimit -v 450000 && exec \"$0\""])
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("TOKIO_WORKER_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "the run ends by itself, not killed ({:?}): {stderr}",
        output.status
    );
    assert_eq!(
        site.data_files("other").len(),
        1,
        "the other source's run lands: {stderr}"
    );
    if site.data_files("dropped").is_empty() {
        let failed = line_with(&stderr, "collector: source `dropped` failed");
        assert!(failed.contains("MiB of memory"), "{failed}");
    }
}

/// On a small machine (an address space of about 460 MiB, as `ulimit -v` sets it; threads and
/// arenas pinned to a 2-core machine's as above) the collector lands a 40 MB array of a million
/// small records: within its answer cap there, landed as served. An SD card then loses the
/// source's state file (cut short; the README's "Ignoring an unreadable state file" case).
/// The next run rebuilds the state "from the newest landed file" by parsing that whole file
/// into a tree (`SourceState::from_landed`: 625 MB peak RSS in release for this file, where
/// the run with its state holds 11 MB), so it dies ("memory allocation of 1 bytes failed",
/// SIGABRT) with no line naming the source; the state was already put aside, so every later
/// run dies the same way until the summariser takes the file. Rebuilding a state must cost no
/// more than landing the file did: the run ends by itself and the state is saved again.
#[test]
fn a_state_file_lost_beside_a_large_landed_file_is_rebuilt_without_killing_the_run() {
    let mut body = String::from("[");
    for i in 0..1_000_000u32 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"k":{i},"t":"2026-12-05T18:{:02}:00Z"}}"#,
            i % 60
        ));
    }
    body.push(']');
    assert!(body.len() > 35_000_000, "{}", body.len());
    let server = feed(body);
    let site = Site::new(&format!(
        "[[source]]\nname = \"tiny\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1m\"\nkey = \"k\"\ntime = \"t\"\ntimeout = \"120s\"\n",
        server.url()
    ));
    let small_machine = || {
        let mut command = Command::new("sh");
        command
            .args(["-c", "ulimit -v 470000 && exec \"$0\" --force"])
            .arg(env!("CARGO_BIN_EXE_collector"))
            .current_dir(site.dir.path())
            .env("RUST_LOG", "info")
            .env("TOKIO_WORKER_THREADS", "2")
            .env("MALLOC_ARENA_MAX", "2");
        command.output().expect("collector runs")
    };
    let landing = small_machine();
    assert!(
        landing.status.success() && site.data_files("tiny").len() == 1,
        "the machine lands the answer: {}",
        String::from_utf8_lossy(&landing.stderr)
    );
    let state = site.raw().join("tiny").join(".state.json");
    std::fs::write(&state, "{\"last_success_sta").expect("a state cut short");
    let next = small_machine();
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(
        matches!(next.status.code(), Some(0 | 1)),
        "the run ends by itself, not killed ({:?}): {stderr}",
        next.status
    );
    assert!(state.is_file(), "the state is rebuilt: {stderr}");
}

/// A Python API writes a string holding a lone surrogate as `"\ud83d"` (`json.dumps` does;
/// Python, browsers and jq read it back). One such character in one record's text fails the
/// whole source at every run, with nothing landed and only "unexpected end of hex escape" to
/// say why. As for `NaN`, the run should land its records (the character read as U+FFFD).
#[test]
fn a_lone_surrogate_in_one_record_does_not_fail_every_record_of_the_source() {
    let server = feed(
        r#"[{"id": "a", "ts": "2026-12-03T10:00:00Z", "v": 1, "place": "Caf\ud83d"}, {"id": "b", "ts": "2026-12-03T10:05:00Z", "v": 2, "place": "Albi"}]"#
            .to_owned(),
    );
    let config = format!(
        "[[source]]\nname = \"own\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"ts\"\nnumeric = [\"v\"]\n",
        server.url()
    );
    let site = Site::new(&config);
    let stderr = succeeded(collector(&site).output());
    let files = site.data_files("own");
    assert_eq!(files.len(), 1, "{stderr}");
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("landed")).expect("JSON");
    assert_eq!(landed[0]["place"], "Caf\u{fffd}");
    line_with(
        &stderr,
        "read and landed as the replacement character U+FFFD",
    );
    assert_eq!(landed[1]["place"], "Albi");
    assert_eq!(site.metrics("own")[0].records, 2);
}

/// She drops a field from `numeric` (or moves it to `categories`) and forgets its `units`
/// entry: a chart's axis label with nothing to label. The whole source is then refused and
/// not collected until someone notices, and a snapshot API's readings of those hours are lost
/// for good. A presentation key naming a field no longer summarised is worth a warning, not
/// a stop of the collection. Said in a run by hand (here, `--source`), and in cron's runs once
/// an hour, not each minute.
#[test]
fn a_units_entry_left_behind_by_a_field_dropped_from_numeric_does_not_stop_collection() {
    let server = feed(usgs_body(3));
    let config = usgs_source(
        "usgs",
        &format!("{}/feed", server.url()),
        "categories = [\"properties.type\"]\nunits = { \"properties.mag\" = \"M\", \"properties.depth\" = \"km\" }",
    );
    let site = Site::new(&config);
    let output = collector(&site)
        .args(["--source", "usgs"])
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        site.data_files("usgs").len(),
        1,
        "the source is collected whatever its units say: {stderr}"
    );
    let warned = line_with(&stderr, "properties.depth");
    assert!(
        warned.contains("sources.toml:")
            && warned.contains("key `units`")
            && warned.contains("left out"),
        "the entry left behind is said at its line: {warned}"
    );
}

/// A `plausible` range whose field is mistyped (`properties.magg` for `properties.mag`) was
/// refused until stop 56; it is now left out with a log line, and the source's means take the
/// values it was written to leave out (−50 °C at a Toulouse station). `collector --check`, the
/// command a user runs after editing sources.toml, names the entry left out, exits 1 and calls
/// the source neither ready in its row nor in its summary (found by the reviews of stop 56's
/// fixes). It names it once, in its row, not in a log line too; and a check of another source
/// (`--source`) says nothing of it.
#[test]
fn a_check_names_a_plausible_range_left_out_for_a_mistyped_field() {
    let site = Site::new(&format!(
        "{}{}",
        usgs_source(
            "usgs",
            "http://127.0.0.1:9/feed",
            "plausible = { \"properties.magg\" = [-2, 10] }",
        ),
        usgs_source("quakes", "http://127.0.0.1:9/feed", "")
    ));
    let check = collector(&site)
        .arg("--check")
        .output()
        .expect("collector runs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!stderr.contains("properties.magg"), "said twice: {stderr}");
    let other = collector(&site)
        .args(["--check", "--source", "quakes"])
        .output()
        .expect("collector runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&other.stdout),
        String::from_utf8_lossy(&other.stderr)
    );
    assert_eq!(other.status.code(), Some(0), "{said}");
    assert!(!said.contains("properties.magg"), "{said}");
    let row = stdout
        .lines()
        .find(|line| line.contains("usgs"))
        .unwrap_or_else(|| panic!("a row for usgs: {stdout}"));
    assert!(
        row.starts_with("MEND ") && row.contains("plausible") && row.contains("properties.magg"),
        "{stdout}"
    );
    let summary = stdout.lines().next().unwrap_or_default();
    assert!(summary.ends_with(": 1 ready, 1 to mend"), "{stdout}");
}

/// The collector reads no MongoDB and has no `--mongodb-uri`: a URL given on its command line
/// (a feed's, as curl takes it, or a MongoDB URI pasted from another stage's line) must not be
/// answered "a MongoDB URI goes in MONGODB_URI, or after --mongodb-uri", which the collector
/// then refuses in turn (found by the review of stop 56's fixes).
#[test]
fn a_url_given_to_the_collector_is_not_sent_to_an_option_it_lacks() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    for given in [
        "https://api.example.org/feed",
        "mongodb://localhost:27017/releve",
    ] {
        let stderr = refused(collector(&site).arg(given).output());
        assert!(!stderr.contains("--mongodb-uri"), "{given}: {stderr}");
    }
}

/// A URI missing a slash (`mongodb:/…`, which the stages' advice names) or its scheme, whose
/// password holds a space: each word is looked at alone, none holds both `:` and `@`, and the
/// line quoting it shows the password whole (found by the review of stop 56's fixes, second round).
#[test]
fn a_uri_missing_a_slash_never_shows_a_password_holding_a_space() {
    let site = Site::new(&usgs_source("usgs", "http://127.0.0.1:9/feed", ""));
    for uri in [
        "mongodb:/alice:correct horse@db.example.org/phd_db",
        "alice:correct horse@db.example.org/phd_db",
    ] {
        for args in [vec!["--source", uri], vec![uri]] {
            let stderr = refused(collector(&site).args(&args).output());
            assert!(!stderr.contains("correct"), "{args:?}: {stderr}");
        }
    }
}

/// A run killed midway (out of memory, a deadline, `kill -9`) after it had called a throttling
/// API for seconds is recorded by the next run as a failed run "did not finish". Its metrics,
/// which feed `runs` and the operator's graphs of duration, HTTP calls and 429s per source,
/// must not claim it made no call and took no time: the README says its calls are unknown, yet
/// they are written `http_calls: 0, retries: 0, throttled: 0, duration_ms: 0` (`finished` =
/// `started`), so a source killed at each run by a hung API reads as the quickest and quietest
/// of all. Unknown is null (or absent), or else the figures as they were.
#[test]
fn a_run_killed_midway_is_not_recorded_as_making_no_call_in_no_time() {
    let (server, calls) = numbered_feed(|_| async {
        (
            StatusCode::TOO_MANY_REQUESTS,
            "{\"error\": \"slow down\"}".to_owned(),
        )
    });
    let site = Site::new(&usgs_source("usgs", &format!("{}/feed", server.url()), ""));
    // A 429 naming no wait waits at least ten times the base: 1 s, then 2 s.
    let mut run = collector(&site)
        .env("COLLECTOR_BACKOFF_MS", "100")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("collector starts");
    let started = std::time::Instant::now();
    while calls.load(Ordering::SeqCst) < 2 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the API was called twice"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    run.kill().expect("kill -9 the run");
    run.wait().expect("the run ends");
    let ran = started.elapsed();
    let served = calls.load(Ordering::SeqCst) as u64;

    // The next run (by hand, as cron's would) records the one killed.
    let _ = collector(&site)
        .args(["--source", "usgs", "--force"])
        .env("COLLECTOR_BACKOFF_MS", "1")
        .output()
        .expect("collector runs");
    let killed: Vec<serde_json::Value> = site
        .files("usgs", RawFileRole::Metrics)
        .into_iter()
        .map(|path| {
            serde_json::from_str(&std::fs::read_to_string(path).expect("metrics")).expect("JSON")
        })
        .filter(|metrics: &serde_json::Value| {
            metrics["error"]
                .as_str()
                .is_some_and(|error| error.contains("did not finish"))
        })
        .collect();
    let [metrics] = killed.as_slice() else {
        panic!("one run recorded as not finished: {killed:?}")
    };
    // Null or absent (unknown), or at least what the API and the clock saw.
    let unknown_or_at_least = |field: &str, least: u64| {
        let value = &metrics[field];
        value.is_null() || value.as_u64().is_some_and(|n| n >= least)
    };
    assert!(
        unknown_or_at_least("http_calls", served),
        "the API served {served} calls to the killed run: {metrics}"
    );
    assert!(
        unknown_or_at_least("throttled", served),
        "all {served} were 429s: {metrics}"
    );
    assert!(
        unknown_or_at_least("retries", served - 1),
        "{} of them retries: {metrics}",
        served - 1
    );
    let least_ms = u64::try_from(ran.as_millis()).unwrap_or(u64::MAX) / 2;
    assert!(
        unknown_or_at_least("duration_ms", least_ms),
        "the run went on for {} ms before it was killed: {metrics}",
        ran.as_millis()
    );
}

/// A new source on a small machine (the address space of
/// `a_body_with_drop_fields_under_the_answer_cap_does_not_kill_the_whole_run`), its `records`
/// misspelt (`feature` for `features`), and a 20 MB feed: it has no `drop`, `stamp`,
/// `columns` nor key, so nothing needs its answer parsed whole to land it. The collector says
/// what is wrong with the configuration, as it does for a smaller answer ("key `records` =
/// `feature` is not in the answer ... did you mean `features`?"); it must not say the answer
/// is too large for the memory because "`drop`, `stamp`, `columns` or a key the API echoes
/// need the answer parsed", none of which the source has, sending the user to narrow
/// `params` or buy memory.
#[test]
fn a_misspelt_records_path_on_a_large_feed_is_said_as_such_not_as_too_large_for_the_memory() {
    let description = "x".repeat(100_000);
    let mut body =
        String::from(r#"{"type":"FeatureCollection","metadata":{"count":200},"features":["#);
    for i in 0..200u64 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"type":"Feature","id":"us{i:06}","properties":{{"mag":1.5,"time":{},"description":"{description}"}}}}"#,
            1_763_795_000_000u64 + i * 1000
        ));
    }
    body.push_str("]}");
    assert!(body.len() > 19_000_000, "{}", body.len());
    let server = feed(body);
    let config = format!(
        "[[source]]\nname = \"quakes\"\nkind = \"http_json\"\nurl = \"{}/feed\"\nevery = \"1m\"\nrecords = \"feature\"\nkey = \"id\"\ntime = \"properties.time\"\ntimeout = \"120s\"\n",
        server.url()
    );
    let site = Site::new(&config);
    let output = Command::new("sh")
        .args(["-c", "ulimit -v 450000 && exec \"$0\""])
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("TOKIO_WORKER_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .expect("collector runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failed = line_with(&stderr, "collector: source `quakes` failed");
    assert!(
        failed.contains("key `records` = `feature` is not in the answer")
            && !failed.contains("MiB of memory"),
        "a misspelt `records` said as an answer too large for the memory: {failed}"
    );
}

/// A source that fails says so on stderr as it fails, not when the run's slowest source ends:
/// in a log, its line is dated by the failure (found by stop 59's SRE: a failure while France
/// Travail's day was collected read as minutes later).
#[test]
fn a_failed_source_is_said_while_a_slower_one_is_still_collected() {
    use std::io::{BufRead, BufReader};
    let broken = LocalServer::start(Router::new().route(
        "/feed",
        get(|| async { (StatusCode::NOT_FOUND, "no such feed") }),
    ));
    let (release, released) = tokio::sync::watch::channel(false);
    let body = usgs_body(2);
    let slow = LocalServer::start(Router::new().route(
        "/feed",
        get(move || {
            let mut released = released.clone();
            let body = body.clone();
            async move {
                let _ = released.wait_for(|go| *go).await;
                body
            }
        }),
    ));
    let site = Site::new(
        &(usgs_source("broken", &format!("{}/feed", broken.url()), "")
            + &usgs_source("slow", &format!("{}/feed", slow.url()), "")),
    );
    let mut run = collector(&site)
        .env("COLLECTOR_BACKOFF_MS", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("collector runs");
    let (lines, said) = std::sync::mpsc::channel();
    let stderr = run.stderr.take().expect("its stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let while_slow = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match said.recv_timeout(left) {
            Ok(line) if line.contains("collector: source `broken` failed: ") => break true,
            Ok(line) => seen.push(line),
            Err(_) => break false,
        }
    };
    let _ = release.send(true);
    let status = run.wait().expect("collector ends");
    seen.extend(said.try_iter());
    assert!(
        while_slow,
        "`broken` was not said failed while `slow` was collected: {seen:#?}"
    );
    assert_eq!(status.code(), Some(1), "{seen:#?}");
    assert_eq!(site.data_files("slow").len(), 1, "{seen:#?}");
    assert!(
        !seen
            .iter()
            .any(|line| line.contains("source `broken` failed")),
        "said once: {seen:#?}"
    );
}

/// A `[[source]]` table refused by the configuration (a key misspelt) is said by cron's
/// collector line at every run, each minute: 1,440 identical failure lines a day in
/// `logs/collector.log` until someone fixes it, among which a source's real failure (an API
/// down) is one line in a hundred. What else a routine run finds wrong with the configuration
/// every minute, an entry left out of an accepted table or a source lacking its credentials,
/// it says once an hour (`RunSettings::says_skips`), and `analyser status` shows the table as
/// REFUSED at every run (and mails it hourly with alerting on). Runs as cron makes them: no
/// source named, no `--force`, stderr not a terminal; kept off a minute :00, where a routine
/// run says what it says once an hour.
#[test]
fn a_refused_table_is_not_said_again_at_every_minute_of_cron() {
    use chrono::Timelike;
    let server = feed(usgs_body(2));
    let url = format!("{}/feed", server.url());
    let config = format!(
        "{}{}",
        usgs_source("typo", &url, "evrey = \"5m\""),
        usgs_source_every("usgs", &url, "5m", "")
    );
    let site = Site::new(&config);
    while chrono::Utc::now().minute() == 0 {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    let lines: Vec<String> = (0..3)
        .flat_map(|_| {
            let output = collector(&site).output().expect("collector runs");
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .filter(|line| line.contains("source `typo`"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(site.data_files("usgs").len(), 1, "the other source runs");
    assert!(
        lines.len() <= 1,
        "three runs in a row of cron's collector line say the refused table {} times: {lines:#?}",
        lines.len()
    );
}

/// `collector --help` says `--check` exits "0 when every source can run, 1 when a table or
/// `[report]` is refused or a source would fail for what it lacks (a key)". A source with an
/// entry left out (a `units` of a field it does not summarise: `MEND`, "the source collected
/// without them") can run, yet the check exits 1 for it, as the README says: a script reading
/// the help takes exit 1 for a refused table or a missing key, neither of which the check
/// lists.
#[test]
fn the_checks_help_names_every_case_it_exits_1_for_an_entry_to_mend_among_them() {
    let site = Site::new(&usgs_source(
        "quakes",
        "http://127.0.0.1:9/feed",
        "units = { \"properties.magg\" = \"Mw\" }\n",
    ));
    std::fs::create_dir_all(site.raw()).expect("raw folder");
    let checked = collector(&site)
        .arg("--check")
        .output()
        .expect("collector runs");
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert!(
        stdout.contains("MEND") && checked.status.code() == Some(1),
        "the check of an entry left out: exit {:?}\n{stdout}",
        checked.status.code()
    );
    let help = collector(&site)
        .arg("--help")
        .output()
        .expect("collector runs");
    let help = String::from_utf8_lossy(&help.stdout);
    // Its paragraph, wrapped to the terminal: up to the next option.
    let check_help = help
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("--check"))
        .take_while(|line| !line.trim_start().starts_with("-h, --help"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!check_help.is_empty(), "--check in the help: {help}");
    assert!(
        check_help.contains("mend") || check_help.contains("left out"),
        "the help of --check does not say it exits 1 for an entry to mend (MEND), which it does: {check_help}"
    );
}
