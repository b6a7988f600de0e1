//! A source whose query the configuration changed and whose runs have landed no record since:
//! most often a value misspelt in a filter (`where = "perimetre = 'Frnace'"`), which matches
//! nothing and fails nothing. The collector notes it in the source's state file (its
//! `unmatched` member) and warns; `analyser status` says it until a run lands a record.

use std::hash::{Hash, Hasher};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Source, SourceKind, rawfile};

/// Runs under a changed query that landed no record, as the state file holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    /// When the first of them started.
    pub since: DateTime<Utc>,
}

/// The query `source` sends, as a fingerprint of its kind's keys (its address, dataset,
/// filters, parameters, paging): two configurations asking the same thing give the same one.
/// A hash, so that the state file keeps none of the query's text.
pub fn fingerprint(source: &Source) -> String {
    let mut hasher = siphasher::sip::SipHasher13::new();
    format!("{:?}", source.kind).hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The keys that choose what `source` collects, in words: "`where` and `refine`".
pub fn keys(source: &Source) -> &'static str {
    match &source.kind {
        SourceKind::HttpJson(_) => "`params` and `url`",
        SourceKind::Opendatasoft(_) => "`where` and `refine`",
        SourceKind::OdsV1(_) => "`q` and `refine`",
        SourceKind::FranceTravail(_) => "its search parameters",
    }
}

/// The part of the state file read here.
#[derive(Deserialize)]
struct StateFile {
    #[serde(default)]
    unmatched: Option<Unmatched>,
}

/// What the state file of `source` in `raw_dir` says of runs under a changed query that landed
/// nothing; `None` as well when it cannot be read (the collector says why at its next run).
pub fn unmatched(raw_dir: &Path, source: &str) -> Option<Unmatched> {
    let text = std::fs::read_to_string(rawfile::state_file(raw_dir, source)).ok()?;
    serde_json::from_str::<StateFile>(&text).ok()?.unmatched
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn source(table: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"eco\"\nkind = \"opendatasoft\"\nurl = \"https://odre.opendatasoft.com\"\ndataset = \"eco2mix-national-tr\"\nevery = \"15m\"\nkey = \"date_heure\"\ntime = \"date_heure\"\n{table}"
        );
        let config = Config::parse(&text, Path::new("sources.toml")).expect("config");
        config.sources.into_iter().next().expect("a source")
    }

    #[test]
    fn a_query_changes_its_fingerprint_and_other_keys_do_not() {
        let france = fingerprint(&source("where = \"perimetre = 'France'\"\n"));
        assert_eq!(
            france,
            fingerprint(&source("where = \"perimetre = 'France'\"\n"))
        );
        assert_ne!(
            france,
            fingerprint(&source("where = \"perimetre = 'Frnace'\"\n"))
        );
        assert_eq!(
            france,
            fingerprint(&source(
                "where = \"perimetre = 'France'\"\nnumeric = [\"consommation\"]\n"
            )),
            "the fields read are no part of the query"
        );
        assert_eq!(france.len(), 16);
    }
}
