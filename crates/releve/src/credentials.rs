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

/// France Travail credentials are not in the environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no France Travail credentials: set {missing} (environment or .env) to collect it, or set `enabled = false`"
)]
pub struct MissingCredentials {
    /// The variables not set, `A and B`.
    pub missing: String,
}

/// The credentials `source` needs and the environment lacks, if any: what makes the collector
/// skip it, and `analyser status` show it as skipped.
pub fn missing_for(source: &Source) -> Option<MissingCredentials> {
    match source.kind {
        SourceKind::FranceTravail(_) => france_travail().err(),
        _ => None,
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
        (id, secret) => {
            let missing: Vec<&str> = [
                (id, FRANCE_TRAVAIL_CLIENT_ID),
                (secret, FRANCE_TRAVAIL_CLIENT_SECRET),
            ]
            .into_iter()
            .filter(|(value, _)| value.is_none())
            .map(|(_, name)| name)
            .collect();
            Err(MissingCredentials {
                missing: missing.join(" and "),
            })
        }
    }
}
