//! Benchmark helper (see `bench/README.md`): times, per source of a configuration, reading a
//! raw folder into hourly summaries in memory (parse + aggregate, no database), next to a bare
//! `serde_json` parse of the same files into `Value` (from memory and from a reader).
//!
//! `cargo run --release -p summariser --example summariser_parse -- CONFIG RAW_DIR [parse|bare]`

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use releve::{RawFileRole, rawfile};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let config = PathBuf::from(args.next().context("usage: CONFIG RAW_DIR [parse|bare]")?);
    let raw_dir = PathBuf::from(args.next().context("usage: CONFIG RAW_DIR [parse|bare]")?);
    let mode = args.next().unwrap_or_else(|| "parse".to_owned());
    let config = releve::Config::load(&config)?;
    let mut total = (0u64, 0usize, 0f64);
    for source in &config.sources {
        let started = Instant::now();
        let (bytes, records) = match mode.as_str() {
            "bare" => bare_parse(&raw_dir, &source.name, false)?,
            "bare-reader" => bare_parse(&raw_dir, &source.name, true)?,
            _ => {
                let summary = summariser::offline::summarise(&raw_dir, source)?;
                anyhow::ensure!(
                    summary.refused.is_empty(),
                    "refused files: {:?}",
                    summary.refused
                );
                println!(
                    "{}: {} files, {} versions, {} distinct records, {} hours",
                    source.name,
                    summary.files,
                    summary.versions,
                    summary.records,
                    summary.hours.len()
                );
                (summary.bytes, summary.versions)
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        report(&format!("{} {mode}", source.name), bytes, records, seconds);
        total = (total.0 + bytes, total.1 + records, total.2 + seconds);
    }
    report(&format!("all {mode}"), total.0, total.1, total.2);
    Ok(())
}

#[allow(clippy::cast_precision_loss)]
fn report(label: &str, bytes: u64, records: usize, seconds: f64) {
    println!(
        "{label}: {:.1} MB in {seconds:.3} s = {:.1} MB/s, {:.0} records/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / seconds,
        records as f64 / seconds
    );
}

/// Parses every data file of `source` into a `serde_json::Value` and counts top-level
/// array elements (or `features` elements) as records.
fn bare_parse(raw_dir: &Path, source: &str, reader: bool) -> anyhow::Result<(u64, usize)> {
    let mut bytes = 0u64;
    let mut records = 0usize;
    for name in rawfile::list(raw_dir, source)? {
        if name.role != RawFileRole::Data {
            continue;
        }
        let path = name.path_in(raw_dir);
        let value: serde_json::Value = if reader {
            bytes += fs::metadata(&path)?.len();
            serde_json::from_reader(BufReader::new(fs::File::open(&path)?))?
        } else {
            let text = fs::read(&path)?;
            bytes += text.len() as u64;
            serde_json::from_slice(&text)?
        };
        records += match &value {
            serde_json::Value::Array(items) => items.len(),
            other => other
                .get("features")
                .and_then(|f| f.as_array())
                .map_or(1, Vec::len),
        };
    }
    Ok((bytes, records))
}
