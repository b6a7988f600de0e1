//! Who besides its owner can read a `.env` holding credentials on a shared machine (see
//! [`crate::shared_access`]): said at each run until the file is made `chmod 600`.

use std::path::Path;

use crate::shared_access::{Access, Others, others_with};

/// Who besides its owner can reach and read the `.env` at `path`, of metadata `file`, when it
/// `set`s a credential (a password in `MONGODB_URI`, a client secret).
pub(super) fn readable_by_others(
    path: &Path,
    file: &std::fs::Metadata,
    set: &[(String, String)],
) -> Option<Others> {
    if !set.iter().any(|(name, value)| secret_like(name, value)) {
        return None;
    }
    others_with(path, file, Access::Read).filter(|others| !crate::shared_access::trusted(others))
}

/// Whether a variable named `name` holding `value` looks like a credential: a name holding
/// SECRET, TOKEN, KEY, PASSWORD, PASSWD or PWD, France Travail's, or a URI with a user (a
/// `MONGODB_URI`'s password).
fn secret_like(name: &str, value: &str) -> bool {
    let name = name.to_ascii_uppercase();
    !value.is_empty()
        && ([
            "SECRET",
            "TOKEN",
            "KEY",
            "PASSWORD",
            "PASSWD",
            "PWD",
            "FRANCE_TRAVAIL",
        ]
        .iter()
        .any(|word| name.contains(word))
            || (value.contains("://") && value.contains('@')))
}
