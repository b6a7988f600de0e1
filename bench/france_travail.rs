//! Benchmark of the France Travail collection (issue 3): the release `collector` binary
//! collects a 40,000-offer day from the local double at the real limit of 10 calls/s (burst
//! 10), and this prints the wall time against the bound the limit sets (calls made / 10 per
//! second) and the calls made against the fewest possible (one per 150 offers landed).
//!
//! It also prints the collector's peak RSS against the bytes it landed, read by GNU time
//! (`/usr/bin/time`), when the machine has it.
//!
//! Run: `cargo bench -p collector --bench france_travail` (about 65 s, two days); set
//! `COLLECTOR_BIN` to measure another collector binary (an earlier build) against the same
//! double. Not a test: nothing here fails on a slow machine; the numbers go in
//! `bench/README.md`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::{NaiveDate, NaiveTime};
use releve::{RawFileName, RawFileRole, RunMetrics};
use testkit::france_travail::{
    API_PATH, Burst, DayPlan, DoubleSettings, FranceTravailDouble, TOKEN_PATH,
};
use testkit::http::LocalServer;

const RATE: f64 = 10.0;

/// GNU time, which reports a child's peak RSS.
const GNU_TIME: &str = "/usr/bin/time";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let date = NaiveDate::from_ymd_opt(2026, 11, 21).ok_or("date")?;
    let ordinary = DayPlan {
        date,
        spread: 40_000,
        bursts: Vec::new(),
        seed: 40_000,
    };
    let with_burst = DayPlan {
        spread: 36_600,
        bursts: vec![Burst {
            at: NaiveTime::from_hms_opt(9, 0, 0).ok_or("time")?,
            offers: 3_400,
            contract: "CDI",
            departement: None,
            without_place: 0.08,
        }],
        ..ordinary.clone()
    };
    measure("ordinary day", ordinary)?;
    measure("day with a 3,400-offer second", with_burst)?;
    Ok(())
}

/// Collects `plan` with the release binary and prints the numbers.
fn measure(name: &str, plan: DayPlan) -> Result<(), Box<dyn std::error::Error>> {
    let double = FranceTravailDouble::new(DoubleSettings::new(plan));
    let server = LocalServer::start(double.router());
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("sources.toml"),
        format!(
            "[[source]]\nname = \"france-travail\"\nkind = \"france_travail\"\n\
             url = \"{base}{API_PATH}\"\ntoken_url = \"{base}{TOKEN_PATH}?realm=/partenaire\"\n\
             every = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\nrate_limit = {RATE}\n",
            base = server.url()
        ),
    )?;
    let collector =
        std::env::var("COLLECTOR_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_collector").into());
    let peak_file = dir.path().join("peak-rss-kib");
    let timed = Path::new(GNU_TIME).exists();
    let mut command = if timed {
        let mut command = Command::new(GNU_TIME);
        command
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&peak_file)
            .arg(&collector);
        command
    } else {
        Command::new(&collector)
    };
    let started = Instant::now();
    let output = command
        .current_dir(dir.path())
        .args([
            "--config",
            "sources.toml",
            "--raw-dir",
            "raw",
            "--force",
            "--date",
            "2026-11-21",
        ])
        .envs(double.credentials())
        .env("RUST_LOG", "warn")
        .output()?;
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "collector failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let metrics_file = std::fs::read_dir(dir.path().join("raw/france-travail"))?
        .flatten()
        .find(|e| {
            e.file_name()
                .to_str()
                .and_then(RawFileName::parse)
                .is_some_and(|n| n.role == RawFileRole::Metrics)
        })
        .ok_or("no metrics file")?;
    let metrics: RunMetrics = serde_json::from_slice(&std::fs::read(metrics_file.path())?)?;
    let landed = landed_bytes(&dir.path().join("raw/france-travail"))?;
    // A run that finished says its calls and length.
    let http_calls = metrics.http_calls.unwrap_or(0);
    let (throttled, retries) = (metrics.throttled.unwrap_or(0), metrics.retries.unwrap_or(0));
    let duration_ms = metrics.duration_ms.unwrap_or(0);
    let bound = http_calls as f64 / RATE;
    println!("== {name}");
    let minimum = metrics.records.div_ceil(150);
    println!(
        "France Travail day: {} offers announced, {} landed, shortfall {}",
        metrics.announced.unwrap_or(0),
        metrics.records,
        metrics.shortfall
    );
    println!(
        "calls: {} made (429: {}, retries: {}), minimum {minimum} -> {:.3}x",
        http_calls,
        throttled,
        retries,
        http_calls as f64 / minimum as f64
    );
    println!(
        "wall: {wall:.1} s (collector's own: {:.1} s), bound {bound:.1} s at {RATE} calls/s -> {:.3}x",
        duration_ms as f64 / 1000.0,
        wall / bound
    );
    match std::fs::read_to_string(&peak_file) {
        Ok(kib) if timed => {
            let peak = kib.trim().parse::<f64>()? * 1024.0;
            println!(
                "peak RSS: {:.1} MB for {:.1} MB landed -> {:.2}x",
                peak / 1e6,
                landed as f64 / 1e6,
                peak / landed as f64
            );
        }
        _ => println!("peak RSS: not measured ({GNU_TIME} missing)"),
    }
    println!("double saw: {:?}", double.counts());
    Ok(())
}

/// The size of the data file landed in `folder`.
fn landed_bytes(folder: &Path) -> Result<u64, Box<dyn std::error::Error>> {
    for entry in std::fs::read_dir(folder)?.flatten() {
        let data = entry
            .file_name()
            .to_str()
            .and_then(RawFileName::parse)
            .is_some_and(|n| n.role == RawFileRole::Data);
        if data {
            return Ok(entry.metadata()?.len());
        }
    }
    Err("no data file".into())
}
