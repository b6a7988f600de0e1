//! The contracts the three relevé stages agree on: the configuration (`sources.toml`), the raw
//! folder's file naming, the record model, the collector's run metrics and the MongoDB
//! document shapes users query.

pub mod api_pause;
pub mod cli;
pub mod clock_behind;
pub mod clock_unset;
pub mod columns;
pub mod config;
pub mod credentials;
pub mod disk_fault;
pub mod dotenv;
pub mod held_back;
pub mod local_day;
pub mod locate;
pub mod lock;
pub mod logging;
pub mod metrics;
pub mod rawfile;
pub mod recency;
pub mod record;
pub mod record_data;
pub mod record_key;
pub mod selection;
pub mod shared_access;
pub mod shell;
pub mod stop;
pub mod store;
mod text_file;
pub mod under_way;
pub mod wide_integer;
pub mod working_folder;

pub use config::{
    CATCH_UP_DAYS, Config, ConfigError, Every, Highest, LeftOut, RefusedSource, ReportFault,
    Resolution, Source, SourceKind,
};
pub use lock::RunLock;
pub use metrics::RunMetrics;
pub use rawfile::{RawFileName, RawFileRole};
pub use record::FieldPath;
pub use record_key::RecordKey;
