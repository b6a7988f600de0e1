//! Helpers of the crate's unit tests.

use releve::Source;

/// The one source `text`, a `sources.toml`, configures.
pub(crate) fn configured(text: &str) -> Source {
    releve::Config::parse(text, std::path::Path::new("sources.toml"))
        .expect("valid config")
        .sources
        .remove(0)
}
