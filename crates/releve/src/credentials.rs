//! Credentials read from the environment (which `.env` may fill, see [`crate::dotenv`]), never
//! from `sources.toml`. The collector uses them; `analyser status` checks they are there.

use std::fmt;

use crate::{Source, SourceKind};

/// Environment variable holding France Travail's client id.
pub const FRANCE_TRAVAIL_CLIENT_ID: &str = "FRANCE_TRAVAIL_CLIENT_ID";
/// Environment variable holding France Travail's client secret.
pub const FRANCE_TRAVAIL_CLIENT_SECRET: &str = "FRANCE_TRAVAIL_CLIENT_SECRET";

/// France Travail's OAuth2 client credentials.
#[derive(Clone)]
pub struct FranceTravailCredentials {
    /// Client id.
    pub client_id: String,
    /// Client secret; never printed.
    pub client_secret: String,
}

impl fmt::Debug for FranceTravailCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FranceTravailCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<hidden>")
            .finish()
    }
}

/// France Travail credentials are not in the environment, or only one of the two is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MissingCredentials {
    /// Neither variable is set: the source is not meant to be collected here.
    #[error(
        "no France Travail credentials: set {FRANCE_TRAVAIL_CLIENT_ID} and {FRANCE_TRAVAIL_CLIENT_SECRET} (environment or .env) to collect it, or set `enabled = false`{}",
        misspelt_said(misspelt)
    )]
    Both {
        /// Variables set whose names are near theirs (`FRANCE_TRAVAIL_SECRET`).
        misspelt: Vec<String>,
    },
    /// One is set and not the other: a set-up left half done.
    #[error(
        "France Travail credentials half set: {missing} is not set, or blank (environment or .env), while the other is{}",
        misspelt_said(misspelt)
    )]
    One {
        /// The variable not set.
        missing: &'static str,
        /// Variables set whose names are near its (`FRANCE_TRAVAIL_SECRET`).
        misspelt: Vec<String>,
    },
}

/// The variables set whose names look meant for France Travail's (`FRANCE_TRAVAIL_SECRET`,
/// `FRANCE_TRAVAIL_CLIENTID`, `POLE_EMPLOI_CLIENT_ID`), sorted: said beside a missing one.
fn misspelt_names() -> Vec<String> {
    let mut names: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter(|name| {
            let upper = name.to_uppercase();
            (upper.contains("TRAVAIL") || upper.contains("POLE_EMPLOI"))
                && name != FRANCE_TRAVAIL_CLIENT_ID
                && name != FRANCE_TRAVAIL_CLIENT_SECRET
        })
        .collect();
    names.sort();
    names
}

/// `misspelt`, said as a question, or nothing.
fn misspelt_said(misspelt: &[String]) -> String {
    match misspelt {
        [] => String::new(),
        names => format!(
            " ({} set: a misspelt name?)",
            names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The credentials `source` needs and the environment lacks altogether, if any: what makes
/// the collector skip it, and `analyser status` show it as skipped. Credentials half set are
/// not missing but wrong: the source is collected, and fails saying which one lacks.
pub fn missing_for(source: &Source) -> Option<MissingCredentials> {
    match source.kind {
        SourceKind::FranceTravail(_) => france_travail()
            .err()
            .filter(|missing| matches!(missing, MissingCredentials::Both { .. })),
        // An `http_json` source's `key_env` unset is no skip: its run fails, saying so.
        SourceKind::HttpJson(_) | SourceKind::Opendatasoft(_) | SourceKind::OdsV1(_) => None,
    }
}

/// France Travail's credentials, when both variables are set and not blank.
pub fn france_travail() -> Result<FranceTravailCredentials, MissingCredentials> {
    let read = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    match (
        read(FRANCE_TRAVAIL_CLIENT_ID),
        read(FRANCE_TRAVAIL_CLIENT_SECRET),
    ) {
        (Some(client_id), Some(client_secret)) => Ok(FranceTravailCredentials {
            client_id,
            client_secret,
        }),
        (None, None) => Err(MissingCredentials::Both {
            misspelt: misspelt_names(),
        }),
        (None, Some(_)) => Err(MissingCredentials::One {
            missing: FRANCE_TRAVAIL_CLIENT_ID,
            misspelt: misspelt_names(),
        }),
        (Some(_), None) => Err(MissingCredentials::One {
            missing: FRANCE_TRAVAIL_CLIENT_SECRET,
            misspelt: misspelt_names(),
        }),
    }
}
