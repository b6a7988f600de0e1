//! Command-line options the three binaries share, so their names and defaults agree.

use std::path::PathBuf;

use crate::store::{DEFAULT_DATABASE, DEFAULT_URI};

/// `--config`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Sources configuration file.
    #[arg(long, value_name = "FILE", default_value = "sources.toml")]
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
    /// MongoDB connection string (default: $MONGODB_URI, else mongodb://127.0.0.1:27017).
    #[arg(long = "mongodb-uri", value_name = "URI", env = "MONGODB_URI", hide_env_values = true, default_value = DEFAULT_URI)]
    pub uri: String,
    /// Database name.
    #[arg(long, value_name = "DB", default_value = DEFAULT_DATABASE)]
    pub database: String,
}

impl std::fmt::Debug for MongoArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoArgs")
            .field("uri", &crate::store::redact(&self.uri))
            .field("database", &self.database)
            .finish()
    }
}
