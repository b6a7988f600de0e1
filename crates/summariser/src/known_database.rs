//! Keeps a mistyped `--database` or `MONGODB_URI` from taking the raw folder's files into a
//! database nobody reads: `raw/.summariser-database` names the database the files went to,
//! and a run given another database, or finding one without relevé's data where that file
//! says the folder was summarised before, stops, reading and deleting nothing, unless told
//! `--new-database`. And keeps two installations from sharing one database: the database
//! names the raw folder it is summarised from ([`own_database`]).

use std::path::{Path, PathBuf};

use releve::rawfile::SummarisedInto;
use releve::store::Unindexed;
use releve::store::installation::{self, Elsewhere, Installation};
use tracing::warn;

use crate::{Options, SummariseError};

/// The mark a run leaves in the summariser's lock file of a raw folder summarised before the
/// record of its database (2 December 2026), while it has none: a run that failed before
/// writing the record keeps what its lock file said of the folder for the next.
pub const UNRECORDED: &str = "This raw folder was summarised by relevé before 2 December 2026.";

/// Whether the raw folder whose summariser lock file is at `lock` was summarised by a
/// version of before the record of its database (2 December 2026): its lock file holds its
/// last holder's pid alone, as those versions left it, or the mark ([`UNRECORDED`]) a later
/// run left while the folder had no record. A new installation's first run that failed
/// (MongoDB unreachable) leaves a lock file of neither.
pub fn summarised_unrecorded(lock: &Path) -> bool {
    releve::lock::text(lock)
        .is_some_and(|text| releve::lock::pid_alone(&text) || text.contains(UNRECORDED))
}

/// The database a run was about to write into is not the one the raw folder's files went to
/// before: another name (a demo's `--database` copied into a crontab, a second configuration),
/// or the same name holding no relevé data (another server, or dropped). A mistake, most
/// likely.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}, but {}: nothing was read or deleted; {}, or run once with --new-database to {}",
    given(.database, .held_releve_data),
    said_before(.record, .database, .before, .from_uri),
    check_what(.before, .from_uri),
    remedy(.held_releve_data)
)]
pub struct NewDatabase {
    /// The database the run was given.
    pub database: String,
    /// Whether it holds relevé data.
    pub held_releve_data: bool,
    /// `raw/.summariser-database`.
    pub record: PathBuf,
    /// The database it names, or `releve`, which holds relevé data, when there is no record
    /// and the run's database is the one the URI names (`from_uri`).
    pub before: String,
    /// Whether the run's database is the one the URI names in its path, with no record of
    /// the folder's: an installation of before 2 December 2026, summarised into `releve`
    /// then, when the URI's database was not used.
    pub from_uri: bool,
}

fn said_before(record: &Path, database: &str, before: &str, from_uri: &bool) -> String {
    if *from_uri {
        format!(
            "the MongoDB URI names it in its path, and `{before}` holds relevé data (relevé before 5 December 2026, 10:22 UTC wrote there whatever the URI's path, and no {} names this folder's database)",
            record.display()
        )
    } else {
        format!(
            "{} says this raw folder was summarised into {}",
            record.display(),
            before_named(database, before)
        )
    }
}

fn check_what(before: &str, from_uri: &bool) -> String {
    if *from_uri {
        format!(
            "to go on in `{before}`, remove the database from the URI's path (`?authSource=NAME` logs in there all the same) or give --database {before}"
        )
    } else {
        "check --database and MONGODB_URI".to_owned()
    }
}

fn given(database: &str, held_releve_data: &bool) -> String {
    if *held_releve_data {
        format!("the database `{database}` was given")
    } else {
        format!("the database `{database}` holds no relevé data")
    }
}

fn before_named(database: &str, before: &str) -> String {
    if database == before {
        "a database of that name (on another server, or since dropped?)".to_owned()
    } else {
        format!("`{before}`")
    }
}

fn remedy(held_releve_data: &bool) -> &'static str {
    if *held_releve_data {
        "summarise this folder into it from now on"
    } else {
        "start a new database"
    }
}

/// `--new-database` given with the database the raw folder is summarised into already: most
/// likely a shell whose `MONGODB_URI` still names the old one, where the refused run was
/// given the new one (cron's). Going on would summarise the waiting files into the old
/// database, and delete them.
#[derive(Debug, thiserror::Error)]
#[error(
    "--new-database was given, but {} says this raw folder is summarised into `{database}` already, the database this run was given, which names this folder: nothing was read or deleted; there is nothing to change, so run without --new-database (a database copied under its name to a new server needs nothing more), or give the database to summarise into from now on (--database NAME, or --mongodb-uri naming it in its path: this shell's MONGODB_URI may still name the old one)",
    .record.display()
)]
pub struct NothingNew {
    /// The database the run was given, and the one the folder is summarised into.
    pub database: String,
    /// `raw/.summariser-database`.
    pub record: PathBuf,
}

/// Refuses a database other than the one the raw folder was summarised into before (`noted`,
/// see [`noted`]), or one of that name without relevé data (`held_releve_data` false), unless
/// `new_database`.
pub fn check(
    raw_dir: &Path,
    noted: Option<&str>,
    database: &str,
    held_releve_data: bool,
    new_database: bool,
) -> Result<(), NewDatabase> {
    match noted {
        Some(before) if (before != database || !held_releve_data) && !new_database => {
            Err(NewDatabase {
                database: database.to_owned(),
                held_releve_data,
                record: releve::rawfile::summariser_database(raw_dir),
                before: before.to_owned(),
                from_uri: false,
            })
        }
        _ => Ok(()),
    }
}

/// The database holds relevé data, but the raw folder was never summarised: no
/// `raw/.summariser-database`, no lock file of a version before it. Another installation's
/// database, most likely: two checkouts given one MongoDB server, both left at the default
/// database, would fold each other's records and runs together.
#[derive(Debug, thiserror::Error)]
#[error(
    "the database `{database}` holds relevé data, but this raw folder was never summarised into it (no {}): another installation's, on a server they share? nothing was read or deleted; give each installation a database of its own (--database NAME, or the MongoDB URI's path), or, if that data is this folder's (its raw folder replaced, or copied without its hidden files), run once with --new-database to summarise this folder into it from now on",
    .record.display()
)]
pub struct SharedDatabase {
    /// The database the run was given.
    pub database: String,
    /// `raw/.summariser-database`.
    pub record: PathBuf,
}

/// The database names another raw folder as the one it is summarised from.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.said())]
pub struct OthersDatabase(pub Box<Elsewhere>);

impl OthersDatabase {
    fn said(&self) -> String {
        let (fact, remedy) = (self.0.fact(), self.0.remedy("run"));
        match self.0.lost_id() {
            true => format!("{fact}: nothing was read or deleted; {remedy}"),
            false => format!(
                "{fact}: another installation's, on a server they share? nothing was read or deleted; {remedy}"
            ),
        }
    }
}

/// Makes sure `connected` is summarised from the raw folder of `options` alone: names the
/// folder there when it names none (after refusing a database that holds another
/// installation's data, of a version before the naming), and refuses one naming another
/// folder, unless `--new-database`. A folder that moved with its id keeps its name, and its
/// place is updated.
pub async fn own_database(
    connected: &Unindexed,
    options: &Options,
    summarised_before: bool,
    noted: Option<&str>,
) -> Result<(), SummariseError> {
    let db = connected.database();
    let raw_dir = &options.raw_dir;
    let id_failed = |cause| SummariseError::FolderId {
        path: releve::rawfile::installation(raw_dir),
        cause,
    };
    let kept = installation::folder_id(raw_dir).map_err(id_failed)?;
    let ours = Installation::here(
        raw_dir,
        kept.clone().unwrap_or_else(installation::new_folder_id),
    );
    // Kept once the database is to name it, before it does: a refused run creates nothing.
    let keep = |ours: &Installation| match kept {
        Some(_) => Ok(()),
        None => installation::keep_folder_id(raw_dir, &ours.folder).map_err(id_failed),
    };
    let others = |theirs: Installation| {
        OthersDatabase(Box::new(Elsewhere::of(&options.database, theirs, raw_dir)))
    };
    match installation::named(db).await? {
        Some(theirs) if theirs.folder == ours.folder => {
            // Nothing for `--new-database` to change: the database is the folder's, and names
            // it (a folder that lost its id is named by another, and needs it).
            if options.new_database
                && connected.held_releve_data
                && noted == Some(options.database.as_str())
            {
                return Err(NothingNew {
                    database: options.database.clone(),
                    record: releve::rawfile::summariser_database(raw_dir),
                }
                .into());
            }
            warn_other_host(&theirs, &ours);
            if let Some(moved) = ours.seen_over(&theirs) {
                installation::rename(db, &moved).await?;
            }
            Ok(())
        }
        // An id file left empty (a power cut as it was written, on a card that lost the write)
        // in the very place the database names, of the database this folder was summarised
        // into: the database's id is this folder's, taken back.
        Some(theirs)
            if kept.is_none() && id_left_empty(raw_dir) && others(theirs.clone()).0.lost_id() =>
        {
            warn!(file = %releve::rawfile::installation(raw_dir).display(), "This raw folder's id file was empty (a power cut as it was written?): the id the database names for this folder, in this place, is written back.");
            installation::keep_folder_id(raw_dir, &theirs.folder).map_err(id_failed)?;
            Ok(())
        }
        // Another installation's folder on this machine (still holding its id, or another user's):
        // `--new-database` would fold this folder's data into its (a classmate's `.env` copied),
        // not take a moved folder's place.
        Some(theirs)
            if options.new_database
                && others(theirs.clone())
                    .0
                    .theirs_here
                    .is_another_installation() =>
        {
            Err(others(theirs).into())
        }
        Some(theirs) if options.new_database => {
            warn!(database = %options.database, other = %theirs.raw_dir, "This database was summarised from another raw folder: from now on from this one (--new-database).");
            keep(&ours)?;
            installation::rename(db, &ours).await?;
            Ok(())
        }
        Some(theirs) => Err(others(theirs).into()),
        None => {
            if connected.held_releve_data
                && never_summarised(raw_dir, summarised_before, options.new_database)
                && connected.holds_stored_data().await?
            {
                return Err(SharedDatabase {
                    database: options.database.clone(),
                    record: releve::rawfile::summariser_database(raw_dir),
                }
                .into());
            }
            keep(&ours)?;
            let named = installation::claim(db, &ours).await?;
            if named.folder != ours.folder {
                return Err(others(named).into());
            }
            Ok(())
        }
    }
}

/// Whether the raw folder's id file is there but holds no id (blank).
fn id_left_empty(raw_dir: &Path) -> bool {
    std::fs::read(releve::rawfile::installation(raw_dir)).is_ok_and(|bytes| {
        bytes.iter().all(u8::is_ascii_whitespace) || bytes.iter().all(|b| *b == 0)
    })
}

/// How recently another machine's summariser must have taken the database over for this one's
/// to be said to share it: two copies running hourly take it over from each other every hour.
const OTHER_HOST_RECENT: chrono::TimeDelta = chrono::TimeDelta::hours(2);

/// Warns when another machine's summariser of this installation (`theirs`, as the database
/// names it) took the database over from this one within [`OTHER_HOST_RECENT`]: both write it,
/// a copy of the checkout with its hidden files running there, most likely, and two summarisers
/// of one database race on its hours. A machine that never comes back (the installation moved
/// from it; a Kubernetes pod each run, its hostname new) is not said.
fn warn_other_host(theirs: &Installation, ours: &Installation) {
    let (Some(other), Some(since), Some(host)) = (&theirs.host, theirs.host_since, &ours.host)
    else {
        return;
    };
    let took_over_from_us = theirs.host_before.as_ref() == Some(host);
    if other == host || !took_over_from_us || chrono::Utc::now() - since > OTHER_HOST_RECENT {
        return;
    }
    warn!(
        other_host = %other,
        this_host = %host,
        since = %since.format("%Y-%m-%d %H:%M UTC"),
        "This installation's summariser on another machine took the database over from this one within the last two hours: a copy of this checkout with its hidden files (a spare, a machine it moved from) still running there? Two summarisers of one database race on its hours (one may count one machine's records only) and the collections table counts both machines' runs: stop relevé's cron lines on one of them, or give it a database of its own."
    );
}

/// Whether a database holding relevé data is to be checked for another installation's
/// stored data ([`SharedDatabase`]): the raw folder was never summarised (no record of its database, not
/// even one that cannot be read, and not `summarised_before` it was kept), and the run was not
/// told `new_database`.
pub fn never_summarised(raw_dir: &Path, summarised_before: bool, new_database: bool) -> bool {
    let record = releve::rawfile::summariser_database(raw_dir);
    !summarised_before && !new_database && std::fs::symlink_metadata(record).is_err()
}

/// What `raw/.summariser-database` says; `None` when there is no such file yet (or it is
/// empty). One that cannot be read is a warning: the check is a safeguard, not a condition of
/// the run.
pub fn noted(raw_dir: &Path) -> Option<SummarisedInto> {
    releve::rawfile::database_record(raw_dir)
        .inspect_err(|err| {
            let record = releve::rawfile::summariser_database(raw_dir);
            warn!(file = %record.display(), error = %err, "Cannot read which database this raw folder was summarised into; not checked.");
        })
        .ok()
        .flatten()
}

/// Notes `database`, on `server`, as the one the raw folder's files go to, once it holds
/// relevé's collections, unless `noted` says so already; a record naming the database alone
/// (of before 8 December 2026) is completed. A failure is a warning.
pub fn remember(
    raw_dir: &Path,
    noted: Option<&SummarisedInto>,
    database: &str,
    server: Option<&str>,
) {
    let server = server.map(str::to_owned).or_else(|| {
        noted
            .filter(|noted| noted.database == database)?
            .server
            .clone()
    });
    let now = SummarisedInto {
        database: database.to_owned(),
        server,
    };
    if noted == Some(&now) {
        return;
    }
    let record = releve::rawfile::summariser_database(raw_dir);
    if let Err(err) = releve::rawfile::replace_file(&record, now.text().as_bytes()) {
        warn!(file = %record.display(), error = %err, "Cannot note which database this raw folder is summarised into.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upgrade from before 2 December 2026 whose URI names a database: the line says where
    /// the data is and how to go on there.
    #[test]
    fn a_database_taken_from_the_uri_away_from_the_data_says_how_to_go_on() {
        let refused = NewDatabase {
            database: "phd_db".to_owned(),
            held_releve_data: false,
            record: PathBuf::from("raw/.summariser-database"),
            before: "releve".to_owned(),
            from_uri: true,
        }
        .to_string();
        assert_eq!(
            refused,
            "the database `phd_db` holds no relevé data, but the MongoDB URI names it in its path, and `releve` holds relevé data (relevé before 5 December 2026, 10:22 UTC wrote there whatever the URI's path, and no raw/.summariser-database names this folder's database): nothing was read or deleted; to go on in `releve`, remove the database from the URI's path (`?authSource=NAME` logs in there all the same) or give --database releve, or run once with --new-database to start a new database"
        );
    }

    /// A first run on a full disk cannot keep the raw folder's id, which the database is to
    /// name: the line said "cannot read or write raw/.installation" alone, not that the disk is
    /// full nor what to do. It says what to free.
    #[test]
    fn a_full_disk_keeping_the_folders_id_says_what_to_free() {
        let said = SummariseError::FolderId {
            path: PathBuf::from("raw/.installation"),
            cause: std::io::Error::from(std::io::ErrorKind::StorageFull),
        }
        .to_string();
        assert!(said.starts_with("cannot write raw/.installation"), "{said}");
        assert!(said.contains("its disk is full"), "{said}");
        assert!(said.contains("free space on its disk"), "{said}");
        assert_eq!(said.lines().count(), 1, "{said}");
    }
}
