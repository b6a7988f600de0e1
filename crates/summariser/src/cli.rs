//! The summariser's command line, and the run [`Options`] it stands for: kept in the library so
//! that the flags and their reading can be tested without the binary.

use releve::cli::{ConfigArgs, MongoArgs, RawDirArgs};

use crate::{Options, Resummarise};

/// De-duplicates landed records into hourly summaries in MongoDB.
#[derive(Debug, clap::Parser)]
#[command(name = "summariser", version, about)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub raw: RawDirArgs,
    #[command(flatten)]
    pub mongo: MongoArgs,
    /// The largest landed file to read, in MiB: a file is read whole and takes about twice its
    /// size of memory; a larger one waits in place, named on stderr.
    #[arg(long, value_name = "MIB", default_value_t = crate::MAX_FILE_MB,
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub max_file_mb: u64,
    /// After the landed files, summarise again from `records` every stored hour of these
    /// sources (of every source when none is named), within their `keep_days`: run it once
    /// after changing a source's `numeric`, `categories`, `plausible`, `lon` or `lat`.
    #[arg(long, value_name = "SOURCE", num_args = 0..)]
    pub resummarise: Option<Vec<String>>,
    /// Write into a database that holds no relevé data although this raw folder was
    /// summarised into one before (a new MongoDB server, a database started afresh), or into
    /// another database than before, or into one summarised from another raw folder (this
    /// one replaced, or copied without its hidden files; the database then names this one):
    /// without it such a run stops, so that a mistyped --database or MONGODB_URI cannot take
    /// the files, nor two installations share a database.
    #[arg(long)]
    pub new_database: bool,
}

impl Args {
    /// The run these arguments ask for, of `config`'s sources.
    pub fn options(self, config: releve::Config, resummarise: Resummarise) -> Options {
        Options {
            database: self.mongo.database(),
            database_from_uri: self.mongo.database_from_uri(),
            config,
            raw_dir: self.raw.raw_dir,
            mongodb_uri: self.mongo.uri,
            batch_files: crate::BATCH_FILES,
            max_file_bytes: self.max_file_mb * crate::MIB,
            resummarise,
            new_database: self.new_database,
        }
    }
}
