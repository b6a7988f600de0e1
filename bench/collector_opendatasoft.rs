//! Benchmark of the Opendatasoft collection (issue 3), in-process against the local double:
//! (1) a 100,000-record selection, past the 10,000 window, and (2) a 9,900-record selection
//! within it, both fetched through `/exports/json` after a first page of 100: wall time, calls
//! and bytes landed; for (2), next to the calls and the time paging by 100 at `rate_limit`
//! 20/s would take (calls / 20 per second, less the first burst).
//!
//! Run: `cargo bench -p collector --bench collector_opendatasoft` (about 6 s once built). Not a test.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use collector::{Args, RetryPolicy};
use releve::cli::{ConfigArgs, RawDirArgs};
use testkit::http::LocalServer;
use testkit::opendatasoft::{OpendatasoftDouble, eco2mix_records};

const RATE: f64 = 20.0;

fn config(url: &str) -> String {
    format!(
        "[[source]]\nname = \"eco2mix\"\nkind = \"opendatasoft\"\nurl = \"{url}\"\n\
         dataset = \"eco2mix-national-tr\"\nevery = \"15m\"\ntimeout = \"5m\"\n\
         key = \"date_heure\"\ntime = \"date_heure\"\nrate_limit = {RATE}\n"
    )
}

async fn collect(records: usize) -> Result<(f64, u64, u64, u64), Box<dyn std::error::Error>> {
    let start = Utc
        .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
        .single()
        .ok_or("time")?;
    let double = OpendatasoftDouble::new("eco2mix-national-tr", eco2mix_records(records, start));
    let server = LocalServer::start(double.router());
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("sources.toml"), config(&server.url()))?;
    let args = Args {
        config: ConfigArgs {
            config: dir.path().join("sources.toml"),
        },
        raw_dir: RawDirArgs {
            raw_dir: dir.path().join("raw"),
        },
        sources: Vec::new(),
        force: true,
        date: None,
        since: None,
        check: false,
    };
    let started = Instant::now();
    let outcome = collector::run_with(&args, RetryPolicy::default()).await?;
    let wall = started.elapsed().as_secs_f64();
    if !outcome.succeeded() {
        return Err(format!("collection failed: {:?}", outcome.sources).into());
    }
    let mut bytes = 0;
    let mut landed = 0;
    for name in releve::rawfile::list(&dir.path().join("raw"), "eco2mix")? {
        if name.role == releve::RawFileRole::Data {
            let body = std::fs::read(name.path_in(&dir.path().join("raw")))?;
            bytes += body.len() as u64;
            landed += serde_json::from_slice::<Vec<serde_json::Value>>(&body)?.len() as u64;
        }
    }
    Ok((wall, double.requests().len() as u64, bytes, landed))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (wall, calls, bytes, landed) = collect(100_000).await?;
    println!(
        "export: {landed} records landed in {wall:.2} s with {calls} calls, {:.1} MB, {:.0} records/s",
        bytes as f64 / 1e6,
        landed as f64 / wall
    );
    let (wall, calls, _, landed) = collect(9_900).await?;
    let pages = landed.div_ceil(100);
    let paging_bound = (pages as f64 - RATE) / RATE;
    println!(
        "within the window: {landed} records landed in {wall:.2} s with {calls} calls; paging by 100 would take {pages} calls and at least {paging_bound:.2} s at {RATE} calls/s"
    );
    Ok(())
}
