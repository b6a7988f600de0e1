//! The options the three binaries share (`--config`, `--raw-dir`, `--mongodb-uri` and
//! `--database`), so their names and defaults agree.

use std::path::PathBuf;

use super::DEFAULT_CONFIG;
use crate::store::{DEFAULT_DATABASE, DEFAULT_URI};

/// `--config`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Sources configuration file.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
}

/// `--raw-dir`.
#[derive(Debug, Clone, clap::Args)]
pub struct RawDirArgs {
    /// Folder the collector lands raw files in, one sub-folder per source.
    #[arg(long, value_name = "DIR", default_value = "raw")]
    pub raw_dir: PathBuf,
}

/// `--mongodb-uri` and `--database`.
#[derive(Clone, clap::Args)]
pub struct MongoArgs {
    /// MongoDB connection string; an empty one means the default.
    #[arg(long = "mongodb-uri", value_name = "URI", env = "MONGODB_URI", hide_env_values = true, default_value = DEFAULT_URI, value_parser = uri_or_default)]
    pub uri: String,
    /// Database name (default: the one the URI names, `mongodb://host/<DB>`, else `releve`).
    #[arg(long = "database", value_name = "DB")]
    pub given_database: Option<String>,
}

impl MongoArgs {
    /// The database: as given, else the one the URI names in its path (the default database
    /// of MongoDB's own tools, a university's one database a user may write in), else
    /// `releve`.
    pub fn database(&self) -> String {
        self.given_database
            .clone()
            .or_else(|| crate::store::uri_database(&self.uri))
            .unwrap_or_else(|| DEFAULT_DATABASE.to_owned())
    }

    /// Whether [`MongoArgs::database`] is the one the URI names, no `--database` given.
    pub fn database_from_uri(&self) -> bool {
        self.given_database.is_none() && crate::store::uri_database(&self.uri).is_some()
    }
}

/// A URI left empty (`MONGODB_URI=` in a crontab or `.env`) means the default, as if unset.
fn uri_or_default(uri: &str) -> Result<String, std::convert::Infallible> {
    let uri = uri.trim();
    Ok(if uri.is_empty() { DEFAULT_URI } else { uri }.to_owned())
}

impl std::fmt::Debug for MongoArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoArgs")
            .field("uri", &crate::store::redact(&self.uri))
            .field("database", &self.given_database)
            .finish()
    }
}
