//! An installation run as cron runs it, in a folder of its own (`raw/`, `reports/`, its
//! `sources.toml`), on a database of its own of the shared test server: the stages run as the
//! real binaries, the database copied and put back as a `mongodump` and a `mongorestore` would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use mongodb::bson::Document;

/// Lands one collection of `source` at `at`, its records `features` under `features`, with its
/// metrics, as the collector writes them (`every_s` its interval).
pub fn land(
    raw: &Path,
    source: &str,
    at: DateTime<Utc>,
    features: Vec<serde_json::Value>,
    every_s: i64,
) {
    let records = features.len();
    let body = serde_json::to_vec(&serde_json::json!({ "features": features })).expect("JSON");
    let name = releve::rawfile::land(raw, source, at, &body).expect("landed");
    let metrics = serde_json::json!({
        "source": source, "kind": "http_json", "file": name.file_name(),
        "started": at, "finished": at, "duration_ms": 120,
        "http_calls": 1, "retries": 0, "throttled": 0, "announced": null,
        "records": records, "coverage": null, "shortfall": 0, "error": null, "every_s": every_s,
    });
    releve::rawfile::write_metrics(raw, &name, &serde_json::to_vec(&metrics).expect("JSON"))
        .expect("metrics");
}

/// An installation: its folder, and the server and database its stages are given.
pub struct Installation {
    pub dir: tempfile::TempDir,
    pub uri: String,
    pub database: String,
}

impl Installation {
    /// A new folder, configured by `config`, on a fresh database labelled `label`.
    pub fn new(label: &str, config: &str) -> Installation {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("sources.toml"), config).expect("sources.toml");
        for folder in ["raw", "reports"] {
            std::fs::create_dir_all(dir.path().join(folder)).expect("folder");
        }
        let mongo = testkit::MongoServer::shared();
        Installation {
            database: mongo.fresh_database(label),
            uri: mongo.uri().to_owned(),
            dir,
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn raw(&self) -> PathBuf {
        self.root().join("raw")
    }

    /// Its configuration, replaced by `config`.
    pub fn configure(&self, config: &str) {
        std::fs::write(self.root().join("sources.toml"), config).expect("sources.toml");
    }

    /// The day report of `day` in `reports/`.
    pub fn report(&self, day: NaiveDate) -> PathBuf {
        self.root().join("reports").join(format!("{day}.pdf"))
    }

    /// The text of the report `args` ask for (`--date DAY`, and `--period` if not a day),
    /// written by hand from this installation's database and raw folder, on one line.
    pub fn report_text(&self, args: &[&str]) -> String {
        let mut all = vec![
            "--mongodb-uri",
            &self.uri,
            "--database",
            &self.database,
            "--raw-dir",
            "raw",
        ];
        all.extend_from_slice(args);
        let printed = super::analyser_ok(self.root(), &all);
        super::flat(&super::text(Path::new(printed.trim())))
    }

    /// Cron's summariser line, whatever its exit.
    pub fn summarise_as_it_goes(&self) -> Output {
        let _forking = super::writing_or_forking();
        Command::new(testkit::binary("summariser"))
            .current_dir(self.root())
            .args(["--mongodb-uri", &self.uri, "--database", &self.database])
            .env_remove("MONGODB_URI")
            .env("RUST_LOG", "info")
            .output()
            .expect("summariser runs")
    }

    /// Cron's summariser line, which must succeed.
    pub fn summarise(&self) -> Output {
        let output = self.summarise_as_it_goes();
        assert!(
            output.status.success(),
            "summariser: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Cron's day job (`--if-missing`, with the raw folder): the report's path.
    pub fn day_job(&self) -> String {
        super::analyser_ok(
            self.root(),
            &[
                "--mongodb-uri",
                &self.uri,
                "--database",
                &self.database,
                "--raw-dir",
                "raw",
                "--if-missing",
            ],
        )
    }

    /// `analyser status`.
    pub fn status(&self) -> Output {
        super::analyser(
            self.root(),
            &[
                "status",
                "--mongodb-uri",
                &self.uri,
                "--database",
                &self.database,
            ],
        )
    }

    /// Its database, as a user's client reaches it.
    pub async fn db(&self) -> mongodb::Database {
        mongodb::Client::with_uri_str(&self.uri)
            .await
            .expect("client")
            .database(&self.database)
    }

    /// Copies every collection of the database `from` to `to` (a `mongodump`, or a restore).
    pub async fn copy(&self, from: &str, to: &str) {
        let client = mongodb::Client::with_uri_str(&self.uri)
            .await
            .expect("client");
        let (from, to) = (client.database(from), client.database(to));
        to.drop().await.expect("drop");
        for name in from.list_collection_names().await.expect("collections") {
            let documents: Vec<Document> = from
                .collection::<Document>(&name)
                .find(mongodb::bson::doc! {})
                .await
                .expect("find")
                .try_collect()
                .await
                .expect("documents");
            if !documents.is_empty() {
                to.collection::<Document>(&name)
                    .insert_many(documents)
                    .await
                    .expect("insert");
            }
        }
    }
}
