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

/// The query `source` sends, as a fingerprint of the keys that choose its records (see
/// [`keys`]): its `url` and `params` (a France Travail source's search filters), or its
/// dataset and filters. Other keys (paging, fields,
/// `lookback`, a default written out) leave it as it is, so that an edit choosing the same
/// records is not taken for a changed query. A hash, so that the state file keeps none of the
/// query's text.
pub fn fingerprint(source: &Source) -> String {
    let mut hasher = siphasher::sip::SipHasher13::new();
    source.kind.name().hash(&mut hasher);
    source.url.hash(&mut hasher);
    match &source.kind {
        SourceKind::HttpJson(http) => http.params.hash(&mut hasher),
        SourceKind::Opendatasoft(ods) => {
            ods.dataset.hash(&mut hasher);
            ods.where_clause.hash(&mut hasher);
            ods.refine.hash(&mut hasher);
        }
        SourceKind::OdsV1(v1) => {
            v1.dataset.hash(&mut hasher);
            v1.q.hash(&mut hasher);
            v1.refine.hash(&mut hasher);
            // Hashed only when set: a source without it keeps the fingerprint its state file
            // holds from before `exclude` existed.
            if !v1.exclude.is_empty() {
                v1.exclude.hash(&mut hasher);
            }
        }
        // Hashed only when set: a source without filters keeps the fingerprint its state
        // file holds from before `params` existed.
        SourceKind::FranceTravail(france_travail) if !france_travail.params.is_empty() => {
            france_travail.params.hash(&mut hasher);
        }
        SourceKind::FranceTravail(_) => {}
    }
    format!("{:016x}", hasher.finish())
}

/// The keys that choose what `source` collects, in words: "`where`, `refine` and `dataset`".
pub fn keys(source: &Source) -> &'static str {
    match &source.kind {
        SourceKind::HttpJson(_) => "`params` and `url`",
        SourceKind::Opendatasoft(_) => "`where`, `refine` and `dataset`",
        SourceKind::OdsV1(_) => "`q`, `refine`, `exclude` and `dataset`",
        SourceKind::FranceTravail(_) => "`params` and `url`",
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
    rawfile::read_state::<StateFile>(raw_dir, source)?.unmatched
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

    /// README: a query changed in "`where`, `refine`, `q`, `params`, `url`, the dataset" is
    /// noted, and the EMPTY line says to check "`params` and `url`". An `http_json` source's
    /// query often sits in its `url` (`…/feed?pollutant=NO2`), and `url` is a key of the
    /// `[[source]]` table, not of its kind: misspelt there, it must change the fingerprint.
    #[test]
    fn a_query_changed_in_the_url_changes_the_fingerprint() {
        let http = |url: &str| {
            let text = format!(
                "[[source]]\nname = \"aq\"\nkind = \"http_json\"\nurl = \"{url}\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n"
            );
            let config = Config::parse(&text, Path::new("sources.toml")).expect("config");
            config.sources.into_iter().next().expect("a source")
        };
        assert_ne!(
            fingerprint(&http("https://api.example/feed?pollutant=NO2")),
            fingerprint(&http("https://api.example/feed?pollutant=N02")),
            "a value misspelt in the url's query"
        );
    }

    /// A France Travail source's filters choose its offers: another département is another
    /// query, and the same filter written as a list or as one text is the same one. A source
    /// without filters keeps the fingerprint its state file holds.
    #[test]
    fn a_france_travail_filter_is_part_of_the_query() {
        let offers = |params: &str| {
            let text = format!(
                "[[source]]\nname = \"ft\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n{params}"
            );
            let config = Config::parse(&text, Path::new("sources.toml")).expect("config");
            config.sources.into_iter().next().expect("a source")
        };
        let everywhere = fingerprint(&offers(""));
        let haute_garonne = fingerprint(&offers("params = { departement = \"31\" }\n"));
        assert_ne!(everywhere, haute_garonne);
        assert_ne!(
            haute_garonne,
            fingerprint(&offers("params = { departement = \"81\" }\n"))
        );
        assert_eq!(
            fingerprint(&offers("params = { departement = [\"31\", \"81\"] }\n")),
            fingerprint(&offers("params = { departement = \"31,81\" }\n"))
        );
        assert_eq!(
            everywhere, "f2ded1cd58bc6aa8",
            "the fingerprint before `params`"
        );
        assert_eq!(keys(&offers("")), "`params` and `url`");
    }

    /// The same départements written in another order (or one twice) choose the same offers:
    /// the same query, as the same filter written as a list or as one text is; a filtered
    /// source's next empty day is not taken for a query changed to match nothing.
    #[test]
    fn france_travail_filters_in_another_order_are_the_same_query() {
        let offers = |params: &str| {
            let text = format!(
                "[[source]]\nname = \"ft\"\nkind = \"france_travail\"\nurl = \"https://api.example.org\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"dateCreation\"\n{params}"
            );
            let config = Config::parse(&text, Path::new("sources.toml")).expect("config");
            config.sources.into_iter().next().expect("a source")
        };
        let written = fingerprint(&offers("params = { departement = [\"31\", \"81\"] }\n"));
        assert_eq!(
            written,
            fingerprint(&offers("params = { departement = [\"81\", \"31\"] }\n")),
            "reordered"
        );
        assert_eq!(
            written,
            fingerprint(&offers("params = { departement = \"31, 81, 31\" }\n")),
            "one written twice"
        );
    }

    /// "Two configurations asking the same thing give the same one": writing a kind's default
    /// out (`lookback = "3h"`, Opendatasoft's default) sends the same query, so it must not be
    /// taken for a changed query (a sparse source's next empty run would read EMPTY).
    #[test]
    fn a_default_written_out_is_the_same_query() {
        assert_eq!(
            fingerprint(&source("incremental = true\n")),
            fingerprint(&source("incremental = true\nlookback = \"3h\"\n")),
        );
    }
    /// A v1 portal's `exclude` chooses records as `refine` does: one that leaves out every
    /// record (a facet's value misspelt the other way round) is a changed query, said as such
    /// when its runs land nothing; a source without it keeps its fingerprint.
    #[test]
    fn a_legacy_exclusion_is_part_of_the_query() {
        let legacy = |table: &str| {
            let text = format!(
                "[[source]]\nname = \"v1\"\nkind = \"ods_v1\"\nurl = \"https://data.example.fr\"\ndataset = \"compans\"\nevery = \"1h\"\nkey = \"id\"\ntime = \"t\"\n{table}"
            );
            let config = Config::parse(&text, Path::new("sources.toml")).expect("config");
            config.sources.into_iter().next().expect("a source")
        };
        let everything = fingerprint(&legacy(""));
        let without_one = fingerprint(&legacy("exclude = { station = \"Compans\" }\n"));
        assert_ne!(everything, without_one);
        assert_ne!(
            without_one,
            fingerprint(&legacy("exclude = { station = \"Compens\" }\n"))
        );
        assert_eq!(keys(&legacy("")), "`q`, `refine`, `exclude` and `dataset`");
    }
}
