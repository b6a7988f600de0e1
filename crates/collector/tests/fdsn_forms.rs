//! The forms USGS's catalogue query reads that a seismologist may write in a source's `url` or
//! `params`, as USGS's service reads them (its `fdsnws/event/1` code, `usgs/earthquake-event-ws`):
//! a time's fraction of a second dropped, an empty value taken as left out, and FDSN's short
//! names (`minmag`, `minlat`, …) read as the long ones. testkit's double of the catalogue reads
//! them so; the collector lands what USGS would serve.

mod common;

use common::{Site, fast_policy, usgs_source_every};
use testkit::http::LocalServer;
use testkit::usgs::{Catalogue, QUERY_PATH};

/// Ten events of 1 January 2026 from midnight, one every half second (`us00000000` at
/// 00:00:00.000, `us00000001` at 00:00:00.500, …).
fn half_seconds() -> Catalogue {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("time")
        .to_utc();
    Catalogue::evenly(start, 10, 500)
}

/// The ids of the events landed by one run of a source of `catalogue`'s query at its `url`
/// followed by `url_query`, beside `params` (a line of TOML), which must not fail.
async fn landed_ids(catalogue: &Catalogue, url_query: &str, params: &str) -> Vec<String> {
    let server = LocalServer::start(catalogue.router());
    let site = Site::new(&usgs_source_every(
        "usgs-catalogue",
        &format!("{}{QUERY_PATH}{url_query}", server.url()),
        "1d",
        params,
    ));
    let outcome = collector::run_with(&site.args(&[], true), fast_policy())
        .await
        .expect("the collector runs");
    let failures: Vec<_> = outcome.failures().collect();
    assert!(failures.is_empty(), "no failure: {failures:?}");
    let files = site.data_files("usgs-catalogue");
    assert_eq!(files.len(), 1, "one file lands: {:?}", outcome.sources);
    let landed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("read")).expect("JSON");
    landed["features"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter_map(|event| event["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A bound's fraction of a second is dropped, as USGS reads times to the second: from
/// `00:00:00.700` to `00:00:02.700` serves the events of 00:00:00 to 00:00:02, both ends
/// inclusive (the one at 00:00:00.000 and the one at 00:00:02.000 among them, not the one at
/// 00:00:02.500). Before, the double kept the fraction and served another window than USGS.
#[tokio::test]
async fn a_bound_s_fraction_of_a_second_is_dropped_as_usgs_does() {
    let ids = landed_ids(
        &half_seconds(),
        "",
        "params = { format = \"geojson\", starttime = \"2026-01-01T00:00:00.700\", endtime = \"2026-01-01T00:00:02.700\" }",
    )
    .await;
    assert_eq!(
        ids,
        [
            "us00000000",
            "us00000001",
            "us00000002",
            "us00000003",
            "us00000004"
        ],
        "the events of 00:00:00 to 00:00:02"
    );
}

/// FDSN's short names, which USGS reads as the long ones, are read: `minmag = 2` beside
/// events of magnitude 1.5 is a window without events (`204`, no events landed, no failure),
/// and a box (`minlat`, `maxlat`, `minlon`, `maxlon`) holding the first events keeps them
/// alone. Before, the double refused them as unknown parameters, and the run failed.
#[tokio::test]
async fn fdsn_short_names_are_read_as_usgs_reads_them() {
    let window = "format = \"geojson\", starttime = \"2026-01-01\", endtime = \"2026-01-02\"";
    let ids = landed_ids(
        &half_seconds(),
        "?minmag=2",
        &format!("params = {{ {window} }}"),
    )
    .await;
    assert!(ids.is_empty(), "no event of magnitude 2 or more: {ids:?}");
    let ids = landed_ids(
        &half_seconds(),
        "",
        &format!(
            "params = {{ {window}, minlat = 34, maxlat = 36, minlon = -120.5, maxlon = -119.99975 }}"
        ),
    )
    .await;
    assert_eq!(
        ids,
        ["us00000000", "us00000001", "us00000002"],
        "the box's events"
    );
}

/// An empty bound (`endtime=`, as a form left blank writes it) is left out as USGS reads it: its
/// default, the run's time for `endtime`, so January 2026's 45,000 events, past the cap, land
/// whole, each once, asked in parts up to now; an empty one in `params` is sent in place of the
/// url's (`endtime=2026-01-15` there): the month lands whole too. Before, the collector took it
/// for a time it could not read and failed the run.
#[tokio::test]
async fn an_empty_bound_is_usgs_s_default() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("time")
        .to_utc();
    for (url_query, params) in [
        ("?starttime=2026-01-01&endtime=", "format = \"geojson\""),
        (
            "?endtime=2026-01-15",
            "format = \"geojson\", starttime = \"2026-01-01\", endtime = \"\"",
        ),
    ] {
        let month = Catalogue::evenly(start, 45_000, 50_000);
        let ids = landed_ids(&month, url_query, &format!("params = {{ {params} }}")).await;
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            (ids.len(), distinct.len()),
            (45_000, 45_000),
            "the month lands whole, each event once: {url_query} {params}"
        );
        assert!(
            month.asked().len() > 1,
            "asked in parts: {:?}",
            month.asked()
        );
    }
}
