//! The `collector` binary on a machine with little memory (a 512 MB VPS), where it collects
//! four sources at a time: an answer it accepts must leave room for three more beside it, or
//! the allocator ends the whole run with every source it was collecting.

mod common;

use std::process::Command;

use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use common::Site;
use testkit::http::LocalServer;

/// What an Opendatasoft portal answers for a dataset of `rows`: its first page of 100 (with
/// the count of all), and the whole of it as `/exports/json` serves it.
fn answers(rows: &[String]) -> (Bytes, Bytes) {
    let first = format!(
        "{{\"total_count\":{},\"results\":[{}]}}",
        rows.len(),
        rows[..100].join(",")
    );
    let export = format!("[{}]", rows.join(","));
    (Bytes::from(first), Bytes::from(export))
}

/// The four sources of a run on a small machine.
const FOUR: [&str; 4] = ["north", "south", "east", "west"];

/// The tables of the [`FOUR`] sources, each `table` of its name and its portal's URL, two a
/// portal: two sources a host at most.
fn four_sources(portals: &[LocalServer; 2], table: impl Fn(&str, &str) -> String) -> String {
    FOUR.iter()
        .enumerate()
        .map(|(i, name)| table(name, &portals[i % 2].url()))
        .collect()
}

/// A local portal serving every dataset it is asked for with `first` and `export`.
fn serve(first: Bytes, export: Bytes) -> LocalServer {
    let base = "/api/explore/v2.1/catalog/datasets/{dataset}";
    LocalServer::start(
        Router::new()
            .route(
                &format!("{base}/records"),
                get(move || async move { first }),
            )
            .route(
                &format!("{base}/exports/json"),
                get(move || async move { export }),
            ),
    )
}

/// Four Opendatasoft exports of a million small rows (40 MB each: a year of 30-second
/// readings), collected at once on a 4-core machine of about 580 MiB (an address space, as
/// `ulimit -v` sets it; a runtime thread per core, glibc's arenas pinned as in `cli.rs`).
/// Each answer was under the cap (an eighth of the 472 MiB it may use there, 59 MiB) and is
/// read one record at a time into what lands and the repeat and key checks, about 5 times its
/// size, on a thread of its own: four of them need about 800 MB, so the allocator aborts the run
/// ("memory allocation of … bytes failed", SIGABRT), every source with it. An answer the cap
/// lets in must fit four times over: the run ends by itself, each source landing or failing
/// alone, saying why.
#[test]
fn four_exports_under_the_answer_cap_do_not_kill_the_run_on_a_small_machine() {
    let rows: Vec<String> = (0..1_000_000u32)
        .map(|i| {
            format!(
                r#"{{"k":{i},"t":"2026-12-05T{:02}:{:02}:{:02}Z"}}"#,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    let (first, export) = answers(&rows);
    drop(rows);
    assert!(export.len() > 38_000_000, "{}", export.len());
    let portals = [serve(first.clone(), export.clone()), serve(first, export)];
    let config = four_sources(&portals, |name, url| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"opendatasoft\"\nurl = \"{url}\"\ndataset = \"{name}\"\nevery = \"1d\"\nkey = \"k\"\ntime = \"t\"\ntimeout = \"300s\"\n"
        )
    });
    let site = Site::new(&config);
    let output = collect_on_small_machine(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "the run ends by itself, not killed ({:?}): {stderr}",
        output.status
    );
    for name in FOUR {
        if site.data_files(name).is_empty() {
            let failed = line_with(&stderr, &format!("collector: source `{name}` failed"));
            assert!(failed.contains("MiB of memory"), "{failed}");
        }
    }
}

/// A dataset of 8,000 wide rows (3 KB each: a parcel's outline, a station's 60 readings),
/// 24 MB: read record by record it takes about twice its size (its text and what lands; a
/// record's checks about a hundred bytes), 50 MB, four at a time well within the 480 MiB or so
/// the collector may use there. It lands, rather than being refused as if each row were a tiny one
/// (5 times its size).
#[test]
fn an_export_of_wide_rows_that_fits_four_times_over_lands_on_a_small_machine() {
    let shape = "x".repeat(3_000);
    let rows: Vec<String> = (0..8_000u32)
        .map(|i| {
            format!(
                r#"{{"k":{i},"t":"2026-12-05T{:02}:00:00Z","shape":"{shape}"}}"#,
                i % 24
            )
        })
        .collect();
    let (first, export) = answers(&rows);
    drop(rows);
    assert!(export.len() > 24_000_000, "{}", export.len());
    let portal = serve(first, export);
    let site = Site::new(&format!(
        "[[source]]\nname = \"parcels\"\nkind = \"opendatasoft\"\nurl = \"{}\"\ndataset = \"parcels\"\nevery = \"1d\"\nkey = \"k\"\ntime = \"t\"\ntimeout = \"300s\"\n",
        portal.url()
    ));
    let output = collect_on_small_machine(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(site.data_files("parcels").len(), 1, "{stderr}");
}

/// A data4citizen (Opendatasoft v1) download too large to read on a small machine fails its
/// source with advice its user can follow: the keys of an `ods_v1` source that narrow it
/// (`q`, `refine`), not the v2.1 keys (`where`, `select`, `incremental`) its configuration
/// would refuse as unknown.
#[test]
fn a_v1_download_too_large_to_read_names_the_keys_of_its_kind() {
    let rows: Vec<String> = (0..800_000u32)
        .map(|i| {
            format!(
                r#"{{"fields":{{"k":{i},"t":"2026-12-05T{:02}:00:00Z"}}}}"#,
                i % 24
            )
        })
        .collect();
    let first = Bytes::from(format!(
        "{{\"nhits\":{},\"records\":[{}]}}",
        rows.len(),
        rows[..1000].join(",")
    ));
    let download = Bytes::from(format!("[{}]", rows.join(",")));
    drop(rows);
    let base = "/api/records/1.0";
    let portal = LocalServer::start(
        Router::new()
            .route(
                &format!("{base}/search/"),
                get(move || async move { first }),
            )
            .route(
                &format!("{base}/download/"),
                get(move || async move { download }),
            ),
    );
    let site = Site::new(&format!(
        "[[source]]\nname = \"stations\"\nkind = \"ods_v1\"\nurl = \"{}\"\ndataset = \"stations\"\nevery = \"1d\"\nkey = \"fields.k\"\ntime = \"fields.t\"\ntimeout = \"300s\"\n",
        portal.url()
    ));
    let output = collect_on_small_machine(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failed = line_with(&stderr, "collector: source `stations` failed: download:");
    assert!(
        failed.contains("narrow the selection (`q` or `refine`)"),
        "{failed}"
    );
}

/// Four legacy Opendatasoft (v1) sources asking pages of `rows = 10000`, whose whole selection
/// (10,000 records of 200 numeric fields, about 24 MB) comes in its first page. Parsed whole as
/// a tree, a page took about 16 times its size (382 MB): four at once are more than the
/// machine, and the allocator ended the run with every source. Read record by record, as an
/// export is, each takes about twice its size, and all four land.
#[test]
fn four_v1_pages_of_ten_thousand_wide_records_land_on_a_small_machine() {
    let measures: String = (0..200)
        .map(|m| format!(",\"m{m}\":{}.5", m % 97))
        .collect();
    let rows: Vec<String> = (0..10_000u32)
        .map(|i| {
            format!(
                r#"{{"datasetid":"mesures","recordid":"{i:040x}","fields":{{"t":"2026-12-05T{:02}:00:00Z"{measures}}},"record_timestamp":"2026-12-05T23:00:00+00:00"}}"#,
                i % 24
            )
        })
        .collect();
    let page = Bytes::from(format!(
        "{{\"nhits\":10000,\"parameters\":{{\"rows\":10000}},\"records\":[{}],\"facet_groups\":[]}}",
        rows.join(",")
    ));
    drop(rows);
    assert!(page.len() > 22_000_000, "{}", page.len());
    let serve_page = || {
        let page = page.clone();
        LocalServer::start(
            Router::new().route("/api/records/1.0/search/", get(move || async move { page })),
        )
    };
    let portals = [serve_page(), serve_page()];
    let config = four_sources(&portals, |name, url| {
        format!(
            "[[source]]\nname = \"{name}\"\nkind = \"ods_v1\"\nurl = \"{url}\"\ndataset = \"mesures\"\nrows = 10000\nevery = \"1d\"\nkey = \"recordid\"\ntime = \"fields.t\"\ntimeout = \"300s\"\n"
        )
    });
    let site = Site::new(&config);
    let output = collect_on_small_machine(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    for name in FOUR {
        assert_eq!(site.data_files(name).len(), 1, "{name}: {stderr}");
    }
}

/// `n` rows of `width` bytes each (49 at least), as an export lists them.
fn rows_of(n: u32, width: usize) -> Vec<String> {
    let filler = "x".repeat(width.saturating_sub(49));
    (0..n)
        .map(|i| {
            format!(
                r#"{{"k":"{i:07}","t":"2026-12-05T{:02}:00:00Z","f":"{filler}"}}"#,
                i % 24
            )
        })
        .collect()
}

/// A portal whose first page announces `announced` records of the dataset `rows` (its first
/// 100), and whose export serves them all.
fn announcing(announced: usize, rows: &[String]) -> LocalServer {
    let (_, export) = answers(rows);
    let first = format!(
        "{{\"total_count\":{announced},\"results\":[{}]}}",
        rows[..100].join(",")
    );
    serve(Bytes::from(first), export)
}

/// The configuration of one `opendatasoft` source `name` of `portal`.
fn export_source(name: &str, portal: &LocalServer) -> String {
    format!(
        "[[source]]\nname = \"{name}\"\nkind = \"opendatasoft\"\nurl = \"{}\"\ndataset = \"{name}\"\nevery = \"1d\"\nkey = \"k\"\ntime = \"t\"\ntimeout = \"300s\"\n",
        portal.url()
    )
}

/// A portal whose first page announces ten times the records its export holds (a count gone
/// wrong, a dataset emptied between the two calls): 100,000 rows of 200 bytes, 20 MB, about
/// 53 MB read record by record, well within a small machine's room for one. Reckoned from the
/// million announced (128 MB for their checks alone) the export was refused, naming that
/// count; reckoned from what its size can hold, it lands, the rest the run's shortfall.
#[test]
fn an_export_announced_ten_times_larger_than_it_is_lands_on_a_small_machine() {
    let rows = rows_of(100_000, 200);
    let portal = announcing(1_000_000, &rows);
    drop(rows);
    let site = Site::new(&export_source("readings", &portal));
    let output = collect_on_small_machine(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(site.data_files("readings").len(), 1, "{stderr}");
    assert_eq!(site.metrics("readings")[0].shortfall, 900_000, "{stderr}");
}

/// A portal whose first page announces fewer records than it holds (50, beside its 100): its
/// export of 600,000 rows of 60 bytes, 36 MB, takes about 150 MB read record by record, more
/// than a small machine's room for one. Reckoned from the 50 announced it was read, where four
/// such would end the run; reckoned from what its size holds, it is refused as an export
/// announced honestly is, saying why.
#[test]
fn an_export_announced_far_smaller_than_it_is_is_refused_as_if_announced_honestly() {
    let rows = rows_of(600_000, 60);
    let portal = announcing(50, &rows);
    drop(rows);
    let site = Site::new(&export_source("readings", &portal));
    let output = collect_on_small_machine(&site);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(site.data_files("readings").is_empty(), "{stderr}");
    let failed = line_with(
        &stderr,
        "collector: source `readings` failed: exports/json:",
    );
    assert!(
        failed.contains("would take about") && failed.contains("narrow the selection"),
        "{failed}"
    );
}

/// The collector run once in `site` on a 4-core machine whose memory is an address space of
/// about 580 MiB (`ulimit -v`; a runtime thread per core, glibc's arenas pinned as in
/// `cli.rs`): it may use about 480 MiB.
fn collect_on_small_machine(site: &Site) -> std::process::Output {
    Command::new("sh")
        .args(["-c", "ulimit -v 600000 && exec \"$0\""])
        .arg(env!("CARGO_BIN_EXE_collector"))
        .current_dir(site.dir.path())
        .env("RUST_LOG", "info")
        .env("TOKIO_WORKER_THREADS", "4")
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .expect("collector runs")
}

/// The first line of `stderr` holding `needle`; the test fails without one.
fn line_with<'s>(stderr: &'s str, needle: &str) -> &'s str {
    stderr
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("a line holding {needle:?}: {stderr}"))
}
