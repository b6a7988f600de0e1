//! Helpers of the crate's unit tests.

use chrono::{DateTime, Utc};
use releve::Source;
use releve::rawfile::LandingOrder;

/// The one source `text`, a `sources.toml`, configures.
pub(crate) fn configured(text: &str) -> Source {
    releve::Config::parse(text, std::path::Path::new("sources.toml"))
        .expect("valid config")
        .sources
        .remove(0)
}

/// A station feed every 15 minutes, `id` and `t`, numbers `val` and `rain`, category `kind`.
pub(crate) fn stations() -> Source {
    configured(
        r#"
[[source]]
name = "stations"
kind = "http_json"
url = "http://127.0.0.1:9/stations"
every = "15m"
key = "id"
time = "t"
numeric = ["val", "rain"]
categories = ["kind"]
"#,
    )
}

/// An `http_json` source collected every minute.
pub(crate) fn minutely() -> Source {
    configured(
        "[[source]]\nname = \"usgs\"\nkind = \"http_json\"\nurl = \"https://example.org/feed\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"time\"\n",
    )
}

/// A landing in the second `at`, first of its second.
pub(crate) fn landing(at: DateTime<Utc>) -> LandingOrder {
    LandingOrder {
        landed_at: at,
        sequence: 1,
    }
}
