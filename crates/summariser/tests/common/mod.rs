//! Shared helpers of the summariser's end-to-end tests: a raw folder with landed USGS-shaped
//! snapshots and éCO2mix-shaped arrays, the real binary, and a database dump to compare.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use std::sync::LazyLock;

use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};
use releve::rawfile;
use serde_json::{Value, json};

pub const CONFIG: &str = r#"
[[source]]
name = "usgs"
kind = "http_json"
url = "http://127.0.0.1:9/usgs"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
categories = ["properties.type"]
lon = "geometry.coordinates.0"
lat = "geometry.coordinates.1"

[[source]]
name = "eco2mix"
kind = "opendatasoft"
url = "http://127.0.0.1:9"
dataset = "eco2mix-national-tr"
every = "15m"
key = "date_heure"
time = "date_heure"
numeric = ["consommation"]
keep_days = 36500
"#;

/// A test's own folder with `sources.toml` and `raw/`.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub database: String,
}

impl Workspace {
    pub fn new(label: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("sources.toml"), CONFIG).expect("config");
        std::fs::create_dir_all(dir.path().join("raw")).expect("raw dir");
        let database = testkit::MongoServer::shared().fresh_database(label);
        Workspace { dir, database }
    }

    pub fn raw(&self) -> PathBuf {
        self.dir.path().join("raw")
    }

    /// Options to run the summariser in-process on this workspace with the configuration
    /// `config` and at most `batch_files` files a batch.
    pub fn options(&self, config: &str, batch_files: usize) -> summariser::Options {
        summariser::Options {
            config: releve::Config::parse(config, Path::new("sources.toml")).expect("config"),
            raw_dir: self.raw(),
            mongodb_uri: testkit::MongoServer::shared().uri().to_owned(),
            database: self.database.clone(),
            batch_files,
            max_file_bytes: summariser::MAX_FILE_MB * summariser::MIB,
            resummarise: summariser::Resummarise::Nothing,
            new_database: false,
            database_from_uri: false,
        }
    }

    /// Lands `body` for `source` at `hh:mm:ss` on [`day`].
    pub fn land(
        &self,
        source: &str,
        (h, m, s): (u32, u32, u32),
        body: &Value,
    ) -> releve::RawFileName {
        let bytes = serde_json::to_vec(body).expect("JSON");
        rawfile::land(&self.raw(), source, at(h, m, s), &bytes).expect("landed")
    }

    /// Lands raw bytes for `source`.
    pub fn land_bytes(&self, source: &str, (h, m, s): (u32, u32, u32), bytes: &[u8]) -> PathBuf {
        rawfile::land(&self.raw(), source, at(h, m, s), bytes)
            .expect("landed")
            .path_in(&self.raw())
    }

    /// Moves the quarantined copy of the landed file at `landed` back, fixed to `fixed`, as
    /// the README says: the copy and its `.reason` go.
    pub fn move_back(&self, landed: &Path, fixed: &[u8]) {
        let name = landed.file_name().expect("a file name");
        let quarantined = self.raw().join("_quarantine").join(name);
        std::fs::write(landed, fixed).expect("moved back, fixed");
        std::fs::remove_file(&quarantined).expect("quarantine emptied");
        let mut reason = quarantined.into_os_string();
        reason.push(".reason");
        std::fs::remove_file(reason).expect("reason removed");
    }

    /// Writes run metrics beside `data` (which may never have landed).
    pub fn metrics(&self, data: &releve::RawFileName, records: u64, error: Option<&str>) {
        let metrics = json!({
            "source": data.source, "kind": "http_json",
            "file": error.is_none().then(|| data.file_name()),
            "started": data.landed_at, "finished": data.landed_at, "duration_ms": 120,
            "http_calls": 1, "retries": 0, "throttled": 0, "announced": null,
            "records": records, "coverage": null, "shortfall": 0, "error": error,
        });
        rawfile::write_metrics(
            &self.raw(),
            data,
            &serde_json::to_vec(&metrics).expect("JSON"),
        )
        .expect("metrics");
    }

    /// The real binary on this workspace's configuration and raw folder, against `uri`.
    pub fn command(&self, uri: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_summariser"));
        command
            .current_dir(self.dir.path())
            .args(["--config", "sources.toml", "--raw-dir", "raw"])
            .args(["--mongodb-uri", uri, "--database", &self.database])
            // The tests read its info lines, whatever the caller's RUST_LOG.
            .env("RUST_LOG", "info")
            .env_remove("RELEVE_CRASH_AFTER")
            .env_remove("RELEVE_HOLD_AT");
        command
    }

    /// The real binary on this workspace's files with `args` alone: no `--mongodb-uri` or
    /// `--database`, nor `MONGODB_URI` (a URI given elsewhere, or naming its database).
    pub fn command_with(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_summariser"))
            .current_dir(self.dir.path())
            .args(["--config", "sources.toml", "--raw-dir", "raw"])
            .args(args)
            .env_remove("MONGODB_URI")
            .env("RUST_LOG", "info")
            .output()
            .expect("summariser runs")
    }

    /// Runs the real binary with extra environment variables.
    pub fn summarise_with(&self, env: &[(&str, &str)]) -> Output {
        let mut command = self.command(testkit::MongoServer::shared().uri());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("summariser runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("panicked at"),
            "the summariser panicked: {stderr}"
        );
        output
    }

    /// Runs the real binary and expects success.
    pub fn summarise(&self) -> Output {
        let output = self.summarise_with(&[]);
        assert!(
            output.status.success(),
            "summariser failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// The landed files still in the raw folder of `source`.
    pub fn remaining(&self, source: &str) -> usize {
        rawfile::list(&self.raw(), source).expect("list").len()
    }

    pub async fn db(&self) -> mongodb::Database {
        testkit::MongoServer::shared()
            .client_database(&self.database)
            .await
    }

    /// The hourly document of `source` for hour `h` of the test day.
    pub async fn hour(&self, source: &str, h: u32) -> Option<Document> {
        self.db()
            .await
            .collection::<Document>("hourly")
            .find_one(doc! {"source": source, "hour": mongodb::bson::DateTime::from_millis(at(h, 0, 0).timestamp_millis())})
            .await
            .expect("hourly lookup")
    }

    /// The stored record of `source` with `key`.
    pub async fn record(&self, source: &str, key: &str) -> Option<Document> {
        self.db()
            .await
            .collection::<Document>("records")
            .find_one(doc! {"source": source, "key": key})
            .await
            .expect("record lookup")
    }

    /// The `data` of the stored record of `source` with `key`, read from the raw BSON as
    /// the summariser reads it.
    pub async fn record_data(&self, source: &str, key: &str) -> Option<serde_json::Value> {
        let record = self
            .db()
            .await
            .collection::<mongodb::bson::RawDocumentBuf>("records")
            .find_one(doc! {"source": source, "key": key})
            .await
            .expect("record lookup")?;
        let data = record.get_document("data").expect("data");
        Some(releve::record_data::as_json(data).expect("BSON"))
    }

    /// The database copied under its name to the server at `uri`, as `mongodump` then
    /// `mongorestore` would: the copy, there.
    pub async fn copy_to(&self, uri: &str) -> mongodb::Database {
        let client = mongodb::Client::with_uri_str(uri)
            .await
            .expect("client of the other server");
        let copy = client.database(&self.database);
        let names = self.db().await.list_collection_names().await;
        for name in names.expect("collections") {
            let documents = self.documents(&name).await;
            copy.create_collection(&name).await.expect("created");
            if !documents.is_empty() {
                copy.collection::<Document>(&name)
                    .insert_many(documents)
                    .await
                    .expect("copied");
            }
        }
        copy
    }

    /// Every document of `collection`.
    pub async fn documents(&self, collection: &str) -> Vec<Document> {
        self.db()
            .await
            .collection::<Document>(collection)
            .find(doc! {})
            .await
            .expect("find")
            .try_collect()
            .await
            .expect("documents")
    }

    /// Every document of every collection, sorted, without `_id` and `updated_at` (a clean
    /// run and a crashed one write at different times).
    pub async fn dump(&self) -> Vec<String> {
        self.dump_keeping_times(false).await
    }

    /// [`Workspace::dump`] with `updated_at`: what a run that writes nothing leaves as it was.
    pub async fn dump_exact(&self) -> Vec<String> {
        self.dump_keeping_times(true).await
    }

    async fn dump_keeping_times(&self, keep_times: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for collection in [
            "hourly",
            "records",
            "runs",
            "summariser_pending",
            "rejected",
            "rejected_records",
        ] {
            for mut document in self.documents(collection).await {
                document.remove("_id");
                if !keep_times {
                    document.remove("updated_at");
                }
                lines.push(format!(
                    "{collection} {}",
                    Bson::Document(document).into_relaxed_extjson()
                ));
            }
        }
        lines.sort();
        lines
    }
}

/// The day the tests land their files on: two days before the day they run, fixed for the
/// test process. A fixed date would age past the 90 days `runs` keeps (a TTL index, which
/// nx-27017 applies at once), and two days ago is past a one-day `keep_days`.
pub fn day() -> NaiveDate {
    static DAY: LazyLock<NaiveDate> = LazyLock::new(|| Utc::now().date_naive() - Days::new(2));
    *DAY
}

/// [`day`] at `h:m:s` UTC.
pub fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    day().and_hms_opt(h, m, s).expect("valid time").and_utc()
}

/// A USGS event: id, time (h, m), magnitude.
pub fn quake(id: &str, (h, m): (u32, u32), mag: f64) -> Value {
    quake_at(id, at(h, m, 0), mag)
}

/// A USGS event at any time.
pub fn quake_at(id: &str, time: DateTime<Utc>, mag: f64) -> Value {
    json!({"type": "Feature", "id": id,
        "properties": {"mag": mag, "place": "somewhere", "time": time.timestamp_millis(), "type": "earthquake"},
        "geometry": {"type": "Point", "coordinates": [-155.2 + mag, 19.3, 4.0]}})
}

/// A USGS event without its `id`: a record with no key, which the summariser drops.
pub fn keyless_quake((h, m): (u32, u32), mag: f64) -> Value {
    let mut event = quake("keyless", (h, m), mag);
    if let Some(fields) = event.as_object_mut() {
        fields.remove("id");
    }
    event
}

/// A USGS all_hour snapshot holding `features`.
pub fn snapshot(features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection", "metadata": {"title": "USGS All Earthquakes, Past Hour", "count": features.len()}, "features": features})
}

/// An éCO2mix record.
pub fn eco2mix((h, m): (u32, u32), consommation: Value) -> Value {
    json!({"date_heure": format!("{}T{h:02}:{m:02}:00+00:00", day()), "consommation": consommation, "nature": "Données temps réel"})
}

/// A numeric field of a summary.
pub fn numeric(hour: &Document, field: &str, stat: &str) -> Bson {
    hour.get_array("numeric")
        .expect("numeric")
        .iter()
        .filter_map(Bson::as_document)
        .find(|n| n.get_str("field") == Ok(field))
        .and_then(|n| n.get(stat).cloned())
        .expect("field in summary")
}

pub fn count(hour: &Document) -> i64 {
    integer(hour.get("count").expect("count"))
}

/// An integer whatever width the server chose.
pub fn integer(value: &Bson) -> i64 {
    match value {
        Bson::Int64(n) => *n,
        Bson::Int32(n) => i64::from(*n),
        other => panic!("{other:?} is not an integer"),
    }
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// Starts `run`, held the first time it passes `step` until the file `held` goes; sends it
/// `SIGTERM` there, lets it go on and waits for its end.
pub fn stopped_at(mut run: Command, step: &str, held: &Path) -> Output {
    let child: std::process::Child = run
        .env("RELEVE_HOLD_AT", format!("{step}:{}", held.display()))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("summariser starts");
    let waited = std::time::Instant::now();
    while !held.exists() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "the run never reached {step}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    // The signal is taken while the run waits at the hook, and acted on at its next step.
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::remove_file(held).expect("let the run go on");
    child.wait_with_output().expect("summariser ends")
}
