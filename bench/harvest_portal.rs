//! A librarian's harvest of one Opendatasoft portal: 200 datasets (20 every 10 minutes, 170
//! hourly, 10 daily) served by the local Explore v2.1 double with one daily quota for the
//! portal, collected by the real `collector` binary started every minute as cron does (a run
//! never waits for the one before), then the summariser and the day's report.
//!
//! Run: `cargo bench -p collector --bench harvest_portal` (builds nothing else: build the
//! binaries first, `cargo build -p collector -p summariser -p analyser`, release with
//! `HARVEST_BIN=target/release`). Environment:
//! - `HARVEST_MINUTES` (default 3): cron minutes to run;
//! - `HARVEST_QUOTA` (default 100,000): the portal's calls a day;
//! - `HARVEST_RENEW_AT` (no default): the cron minute (0 first) at whose start the portal's day
//!   turns, its quota renewed (the 429s name that minute as the reset);
//! - `HARVEST_SLOW` (default none): a dataset name the portal answers 40 s late;
//! - `HARVEST_WORK` (default a temp folder, removed): where the configuration, `raw/`, `logs/`,
//!   `reports/` and the nx-27017 data go (kept when given);
//! - `HARVEST_SKIP_DATABASE=1`: stop after the collector's minutes.
//!
//! Prints, per cron minute: its run's wall time, exit status, the sources it landed, failed,
//! skipped as held by another run, and the portal's calls then; then the summariser's and the
//! analyser's wall times and the report's pages. Not a test: nothing is asserted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};
use testkit::http::LocalServer;
use testkit::opendatasoft::OpendatasoftDouble;

type Failure = Box<dyn std::error::Error>;

/// One dataset of the portal and how often it is harvested.
struct Harvested {
    dataset: String,
    every: &'static str,
    records: Vec<Value>,
    table: String,
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A weather station's readings every 10 minutes over the last three days, up to `now`.
fn station(n: usize, now: DateTime<Utc>) -> Vec<Value> {
    let first = now - TimeDelta::days(3);
    (0..432)
        .map(|i| {
            let at = first + TimeDelta::minutes(10 * i);
            json!({
                "heure_utc": stamp(at),
                "temperature_en_degre_c": 5.0 + ((i + n as i64) % 40) as f64 / 4.0,
                "humidite": 60 + (i % 30),
                "pluie": if i % 17 == 0 { 0.2 } else { 0.0 },
            })
        })
        .collect()
}

/// A bike-share snapshot: 80 stations as of `now`.
fn bike_share(now: DateTime<Utc>) -> Vec<Value> {
    (0..80)
        .map(|i| {
            json!({
                "number": i,
                "name": format!("Station {i:03}"),
                "available_bikes": (i * 7) % 20,
                "available_bike_stands": 20 - (i * 7) % 20,
                "status": if i % 13 == 0 { "CLOSED" } else { "OPEN" },
                "last_update": stamp(now - TimeDelta::minutes(i % 10)),
            })
        })
        .collect()
}

/// A daily register of 2,500 facilities, each dated by its last revision.
fn register(now: DateTime<Utc>) -> Vec<Value> {
    let kinds = ["école", "crèche", "gymnase", "bibliothèque"];
    (0..2_500)
        .map(|i| {
            json!({
                "id": format!("F{i:05}"),
                "commune": format!("Commune {}", i % 37),
                "type": kinds[i % 4],
                "places": 20 + i % 200,
                "mis_a_jour": stamp(now - TimeDelta::hours((i % 48) as i64)),
            })
        })
        .collect()
}

fn station_table(name: &str, url: &str, every: &str) -> String {
    format!(
        "[[source]]\nname = \"{name}\"\nkind = \"opendatasoft\"\nurl = \"{url}\"\ndataset = \"{name}\"\n\
         order_by = \"heure_utc\"\nincremental = true\nevery = \"{every}\"\nkey = \"heure_utc\"\ntime = \"heure_utc\"\n\
         numeric = [\"temperature_en_degre_c\", \"humidite\", \"pluie\"]\ntotals = [\"pluie\"]\n\
         units = {{ temperature_en_degre_c = \"°C\", humidite = \"%\", pluie = \"mm\" }}\n\
         description = \"Weather station {name}\"\nlicence = \"ODbL\"\n\n"
    )
}

fn bike_table(name: &str, url: &str) -> String {
    format!(
        "[[source]]\nname = \"{name}\"\nkind = \"opendatasoft\"\nurl = \"{url}\"\ndataset = \"{name}\"\n\
         every = \"10m\"\nkey = \"number\"\ntime = \"last_update\"\n\
         numeric = [\"available_bikes\", \"available_bike_stands\"]\ncategories = [\"status\"]\n\
         description = \"Bike share {name}, real time\"\nlicence = \"ODbL\"\n\n"
    )
}

fn register_table(name: &str, url: &str) -> String {
    format!(
        "[[source]]\nname = \"{name}\"\nkind = \"opendatasoft\"\nurl = \"{url}\"\ndataset = \"{name}\"\n\
         every = \"1d\"\nkey = \"id\"\ntime = \"mis_a_jour\"\nnumeric = [\"places\"]\ncategories = [\"type\"]\n\
         description = \"Register {name}, revised daily\"\nlicence = \"Licence Ouverte v2.0\"\n\n"
    )
}

/// The 200 datasets, each with its `[[source]]` table asking the portal at `url`.
fn harvest(url: &str, now: DateTime<Utc>) -> Vec<Harvested> {
    let mut datasets = Vec::new();
    for n in 0..20 {
        let dataset = format!("velo-temps-reel-{n:03}");
        let table = bike_table(&dataset, url);
        datasets.push(Harvested {
            dataset,
            every: "10m",
            records: bike_share(now),
            table,
        });
    }
    for n in 0..170 {
        let dataset = format!("station-meteo-{n:03}");
        let table = station_table(&dataset, url, "1h");
        datasets.push(Harvested {
            records: station(n, now),
            dataset,
            every: "1h",
            table,
        });
    }
    for n in 0..10 {
        let dataset = format!("equipements-{n:03}");
        let table = register_table(&dataset, url);
        datasets.push(Harvested {
            dataset,
            every: "1d",
            records: register(now),
            table,
        });
    }
    datasets
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace(',', "").parse().ok())
        .unwrap_or(default)
}

/// What one cron minute's run did, read from its stderr.
struct MinuteRun {
    minute: u64,
    started: Instant,
    child: std::process::Child,
    log: PathBuf,
}

fn count_lines(text: &str, needle: &str) -> usize {
    text.lines().filter(|line| line.contains(needle)).count()
}

fn finish(run: MinuteRun, double: &OpendatasoftDouble) -> Result<String, Failure> {
    let MinuteRun {
        minute,
        started,
        mut child,
        log,
    } = run;
    let status = child.wait()?;
    let wall = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&log)?;
    Ok(format!(
        "minute {minute}: {wall:.1} s, exit {}, landed {}, failed {}, held by another run {}, portal calls so far {}",
        status.code().unwrap_or(-1),
        count_lines(&text, "Landed a file"),
        count_lines(&text, "failed:"),
        count_lines(&text, "another collector run holds it"),
        double.requests().len()
    ) + &text
        .lines()
        .find(|line| line.contains("failed:"))
        .map(|line| format!("\n  first failure: {line}"))
        .unwrap_or_default())
}

/// Waits until `at`, saying each run as it ends; the runs still going then.
fn finished_before(
    at: DateTime<Utc>,
    running: Vec<MinuteRun>,
    double: &OpendatasoftDouble,
) -> Result<Vec<MinuteRun>, Failure> {
    let mut running = running;
    loop {
        let mut still = Vec::new();
        for mut run in running {
            if run.child.try_wait()?.is_some() {
                println!("{}", finish(run, double)?);
            } else {
                still.push(run);
            }
        }
        running = still;
        let left = (at - Utc::now()).to_std().unwrap_or_default();
        if left.is_zero() {
            return Ok(running);
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

fn timed(what: &str, command: &mut Command, log: &Path) -> Result<f64, Failure> {
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?)
        .status()?;
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{what}: {wall:.1} s, exit {} (log {})",
        status.code().unwrap_or(-1),
        log.display()
    );
    Ok(wall)
}

fn main() -> Result<(), Failure> {
    let bin = PathBuf::from(std::env::var("HARVEST_BIN").unwrap_or_else(|_| {
        std::env::var("CARGO_TARGET_DIR")
            .map_or("target/debug".to_owned(), |t| format!("{t}/debug"))
    }));
    let minutes = env_number("HARVEST_MINUTES", 3);
    let quota = env_number("HARVEST_QUOTA", 100_000);
    let renew_at = std::env::var("HARVEST_RENEW_AT")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let slow = std::env::var("HARVEST_SLOW").ok();
    let (work, _temp) = match std::env::var("HARVEST_WORK") {
        Ok(dir) => (PathBuf::from(dir), None),
        Err(_) => {
            let temp = tempfile::tempdir()?;
            (temp.path().to_owned(), Some(temp))
        }
    };
    for dir in ["raw", "logs", "reports"] {
        std::fs::create_dir_all(work.join(dir))?;
    }
    let now = Utc::now();
    let first_minute = now.duration_trunc(TimeDelta::minutes(1))? + TimeDelta::minutes(1);
    let resets = renew_at.map_or(first_minute + TimeDelta::days(1), |m| {
        first_minute + TimeDelta::minutes(m as i64)
    });

    // The tables name the portal's URL, known once it is served: written with a placeholder.
    let mut double = OpendatasoftDouble::new("unused", Vec::new()).with_daily_quota(quota, resets);
    let placeholder = "PORTAL_URL";
    let datasets = harvest(placeholder, now);
    let mut config = String::new();
    for harvested in &datasets {
        double = double.with_dataset(&harvested.dataset, harvested.records.clone());
        config.push_str(&harvested.table);
    }
    let router = match &slow {
        Some(slow) => {
            let slow = format!("/datasets/{slow}/");
            double.router().layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    let late = request.uri().path().contains(&slow);
                    async move {
                        if late {
                            tokio::time::sleep(Duration::from_secs(40)).await;
                        }
                        next.run(request).await
                    }
                },
            ))
        }
        None => double.router(),
    };
    let server = LocalServer::start(router);
    let config = config.replace(placeholder, &server.url());
    let config_path = work.join("sources.toml");
    std::fs::write(&config_path, &config)?;
    let mut counts = String::new();
    for every in ["10m", "1h", "1d"] {
        let n = datasets.iter().filter(|d| d.every == every).count();
        let _ = write!(counts, "{n} every {every}, ");
    }
    println!(
        "portal {} with {} datasets ({counts}quota {quota} calls, reset {}); work folder {}",
        server.url(),
        datasets.len(),
        stamp(resets),
        work.display()
    );

    // Cron: a run at the start of each minute, whether or not the one before has ended.
    let mut running: Vec<MinuteRun> = Vec::new();
    for minute in 0..minutes {
        let at = first_minute + TimeDelta::minutes(minute as i64);
        running = finished_before(at, running, &double)?;
        if renew_at == Some(minute) {
            double.renew_quota(at + TimeDelta::days(1));
            println!("minute {minute}: the portal's day turns, its quota renewed");
        }
        let log = work.join(format!("logs/collector-{minute:03}.log"));
        let child = Command::new(bin.join("collector"))
            .arg("--config")
            .arg(&config_path)
            .arg("--raw-dir")
            .arg(work.join("raw"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        running.push(MinuteRun {
            minute,
            started: Instant::now(),
            child,
            log,
        });
    }
    while !running.is_empty() {
        running = finished_before(Utc::now() + TimeDelta::seconds(1), running, &double)?;
    }
    let requests = double.requests();
    println!(
        "portal: {} calls in all ({} exports)",
        requests.len(),
        requests
            .iter()
            .filter(|r| r.starts_with("exports/json"))
            .count()
    );
    if std::env::var("HARVEST_SKIP_DATABASE").is_ok_and(|v| v == "1") {
        return Ok(());
    }

    let mongo = work.join("mongo");
    let script = testkit::workspace_root().join("scripts/mongo-local.sh");
    let started = Command::new(&script).arg("start").arg(&mongo).output()?;
    if !started.status.success() {
        return Err(format!(
            "nx-27017 did not start: {}",
            String::from_utf8_lossy(&started.stderr)
        )
        .into());
    }
    let uri = String::from_utf8_lossy(&started.stdout).trim().to_owned();
    let stage = |name: &str| {
        let mut command = Command::new(bin.join(name));
        command
            .current_dir(&work)
            .env("MONGODB_URI", &uri)
            .arg("--config")
            .arg(&config_path)
            .arg("--database")
            .arg("harvest");
        command
    };
    let outcome = (|| -> Result<(), Failure> {
        timed(
            "summariser",
            stage("summariser").arg("--raw-dir").arg(work.join("raw")),
            &work.join("logs/summariser.log"),
        )?;
        timed(
            "summariser, nothing new",
            stage("summariser").arg("--raw-dir").arg(work.join("raw")),
            &work.join("logs/summariser-again.log"),
        )?;
        let today = Utc::now().date_naive().to_string();
        timed(
            "analyser, day report",
            stage("analyser")
                .arg("--raw-dir")
                .arg(work.join("raw"))
                .arg("--reports-dir")
                .arg(work.join("reports"))
                .arg("--date")
                .arg(&today),
            &work.join("logs/analyser.log"),
        )?;
        timed(
            "analyser status",
            Command::new(bin.join("analyser"))
                .current_dir(&work)
                .env("MONGODB_URI", &uri)
                .arg("status")
                .arg("--config")
                .arg(&config_path)
                .arg("--database")
                .arg("harvest")
                .arg("--raw-dir")
                .arg(work.join("raw")),
            &work.join("logs/status.log"),
        )?;
        let pdf = work.join(format!("reports/{today}.pdf"));
        let info = Command::new("pdfinfo").arg(&pdf).output()?;
        let pages = String::from_utf8_lossy(&info.stdout)
            .lines()
            .find(|line| line.starts_with("Pages:"))
            .map(str::to_owned)
            .unwrap_or_default();
        let size = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
        println!("report {}: {pages}, {} KB", pdf.display(), size / 1024);
        Ok(())
    })();
    let _ = Command::new(&script).arg("stop").arg(&mongo).status();
    outcome
}
