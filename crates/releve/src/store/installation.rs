//! Which raw folder a database is summarised from: one installation per database. Each raw
//! folder holds an id of its own (`raw/.installation`, see [`crate::rawfile::installation`]);
//! the database holds, in the collection [`INSTALLATION`], one document naming the folder
//! whose summariser writes it, put there by that folder's first run before anything else:
//!
//! ```json
//! { "_id": "summariser", "folder": "6752f0c1a9e3b2d4c5f60718", "raw_dir": "/home/ana/releve/raw",
//!   "since": ISODate("2026-12-05T10:05:00Z"),
//!   "host": "lab-pc", "host_since": ISODate("2026-12-05T10:05:00Z"), "host_before": "spare" }
//! ```
//!
//! Two installations given one database (two checkouts on a shared server, both left at the
//! default `releve`) would otherwise fold each other's records, hours and runs together. One
//! installation copied whole to another machine (a spare, a laptop it moved from still
//! running) keeps its id: `host` names the machine whose summariser wrote last, from
//! `host_since`, having taken over from `host_before`, so a machine whose database another
//! took over from it sees it (machines that never come back, a Kubernetes pod a run, do not).

use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use mongodb::Database;
use mongodb::bson::{Document, doc};

use super::StoreError;

/// The collection naming the raw folder a database is summarised from.
pub const INSTALLATION: &str = "installation";

/// The `_id` of its one document.
const NAMED: &str = "summariser";

/// The raw folder a database is summarised from.
#[derive(Debug, Clone, PartialEq)]
pub struct Installation {
    /// The folder's id (`raw/.installation`).
    pub folder: String,
    /// Where the folder was when it last wrote the database, as its summariser saw it.
    pub raw_dir: String,
    /// When it was first named.
    pub since: DateTime<Utc>,
    /// The machine whose summariser wrote the database last (`None` before 6 December 2026).
    pub host: Option<String>,
    /// Since when that machine's has (it took over from another then, or was first named).
    pub host_since: Option<DateTime<Utc>>,
    /// The machine whose summariser wrote the database before `host` took over.
    pub host_before: Option<String>,
}

/// This machine's name, as `uname` gives it.
fn this_host() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// Where the raw folder `raw_dir` is, as its path reads from `/` (as given when it cannot be
/// resolved).
pub fn place(raw_dir: &Path) -> String {
    std::fs::canonicalize(raw_dir)
        .unwrap_or_else(|_| raw_dir.to_owned())
        .display()
        .to_string()
}

impl Installation {
    /// The raw folder `raw_dir`, of id `folder`, named now.
    pub fn here(raw_dir: &Path, folder: String) -> Installation {
        let now = Utc::now();
        Installation {
            folder,
            raw_dir: place(raw_dir),
            since: now,
            host: Some(this_host()),
            host_since: Some(now),
            host_before: None,
        }
    }

    /// What the database is to name once this installation's run, `self` here, finds it
    /// naming `theirs`, the same folder: its place and machine kept up to date (a machine
    /// taking the database over from another noted with it), its first naming kept; `None`
    /// when neither changed.
    pub fn seen_over(&self, theirs: &Installation) -> Option<Installation> {
        let same_host = theirs.host == self.host;
        if theirs.raw_dir == self.raw_dir && same_host {
            return None;
        }
        Some(Installation {
            since: theirs.since,
            host_since: if same_host {
                theirs.host_since
            } else {
                self.host_since
            },
            host_before: if same_host {
                theirs.host_before.clone()
            } else {
                theirs.host.clone()
            },
            ..self.clone()
        })
    }

    fn document(&self) -> Document {
        let date = |at: DateTime<Utc>| mongodb::bson::DateTime::from_millis(at.timestamp_millis());
        let mut document = doc! {
            "_id": NAMED,
            "folder": &self.folder,
            "raw_dir": &self.raw_dir,
            "since": date(self.since),
        };
        if let Some(host) = &self.host {
            document.insert("host", host);
        }
        if let Some(host_since) = self.host_since {
            document.insert("host_since", date(host_since));
        }
        if let Some(host_before) = &self.host_before {
            document.insert("host_before", host_before);
        }
        document
    }

    fn from_document(document: &Document) -> Option<Installation> {
        let date = |field: &str| {
            let millis = document.get_datetime(field).ok()?.timestamp_millis();
            DateTime::from_timestamp_millis(millis)
        };
        Some(Installation {
            folder: document.get_str("folder").ok()?.to_owned(),
            raw_dir: document.get_str("raw_dir").unwrap_or_default().to_owned(),
            since: date("since")?,
            host: document.get_str("host").ok().map(str::to_owned),
            host_since: date("host_since"),
            host_before: document.get_str("host_before").ok().map(str::to_owned),
        })
    }
}

/// The id of the raw folder `raw_dir`; `None` when it has none yet (never summarised by a
/// version of 5 December 2026 or later).
pub fn folder_id(raw_dir: &Path) -> io::Result<Option<String>> {
    match std::fs::read_to_string(crate::rawfile::installation(raw_dir)) {
        // NULs: what a power cut leaves of a file whose write the disk had not kept.
        Ok(text) => Ok(Some(
            text.trim_matches(|c: char| c.is_whitespace() || c == '\0')
                .to_owned(),
        )
        .filter(|id| !id.is_empty())),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// A new id for a raw folder that has none.
pub fn new_folder_id() -> String {
    mongodb::bson::oid::ObjectId::new().to_hex()
}

/// Keeps `id` as the id of the raw folder `raw_dir`.
pub fn keep_folder_id(raw_dir: &Path, id: &str) -> io::Result<()> {
    crate::rawfile::replace_file(
        &crate::rawfile::installation(raw_dir),
        format!("{id}\n").as_bytes(),
    )
}

/// The installation `db` names; `None` when it names none (a database of before 5 December
/// 2026, or never summarised).
pub async fn named(db: &Database) -> Result<Option<Installation>, StoreError> {
    let found = db
        .collection::<Document>(INSTALLATION)
        .find_one(doc! { "_id": NAMED })
        .await
        .map_err(StoreError::command(
            "reading which raw folder the database is summarised from",
        ))?;
    Ok(found.as_ref().and_then(Installation::from_document))
}

/// Names `ours` as the installation of `db` unless one is named already, and returns the one
/// named: `ours`, or the one a run of another folder named first (two first runs at once).
pub async fn claim(db: &Database, ours: &Installation) -> Result<Installation, StoreError> {
    let inserted = db
        .collection::<Document>(INSTALLATION)
        .insert_one(ours.document())
        .await;
    match inserted {
        Ok(_) => Ok(ours.clone()),
        // Named by another run in between (a duplicate `_id`): that one stands.
        Err(err) => match named(db).await? {
            Some(named) => Ok(named),
            None => Err(StoreError::command(
                "naming the raw folder the database is summarised from",
            )(err)),
        },
    }
}

/// Names `ours` as the installation of `db`, in place of any other (`--new-database`, or the
/// folder moved: its place kept up to date), the rest of the document kept.
pub async fn rename(db: &Database, ours: &Installation) -> Result<(), StoreError> {
    let action = "naming the raw folder the database is summarised from";
    let collection = db.collection::<Document>(INSTALLATION);
    // Its other fields (the runs it lost, see `restored`) stay. Replaced whole: nx-27017
    // stores a date given to `$set` as text.
    let mut named = ours.document();
    let before = collection
        .find_one(doc! { "_id": NAMED })
        .await
        .map_err(StoreError::command(action))?;
    for (field, value) in before.into_iter().flatten() {
        if !named.contains_key(&field) {
            named.insert(field, value);
        }
    }
    collection
        .replace_one(doc! { "_id": NAMED }, named)
        .upsert(true)
        .await
        .map_err(StoreError::command(action))?;
    Ok(())
}

/// A database naming another raw folder than the one at hand: what every stage says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Elsewhere {
    /// The database.
    pub database: String,
    /// The raw folder it names.
    pub theirs: Installation,
    /// The raw folder at hand, as its path reads from `/` ([`place`]).
    pub ours: String,
    /// Whether the raw folder at hand was summarised into the database (its
    /// `raw/.summariser-database` names it).
    pub summarised_here: bool,
    /// The machine whose summariser wrote the database last, when another than this one.
    pub other_machine: Option<String>,
    /// Whether the raw folder the database names is another installation's on this machine.
    pub theirs_here: TheirFolder,
}

/// What is known of the raw folder a database names, at another path of this machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TheirFolder {
    /// Gone, on another machine, or its id another: maybe this folder moved.
    Unknown,
    /// Still there, holding the id the database names: another installation.
    Holding,
    /// Out of this user's reach (another user's home): not this user's folder moved.
    OutOfReach,
}

impl TheirFolder {
    /// What is known of `theirs`'s folder, seen from the folder at `ours` on machine `here`.
    fn of(theirs: &Installation, ours: &str, here: &str) -> TheirFolder {
        if theirs.host.as_deref() != Some(here) || theirs.raw_dir == ours {
            return TheirFolder::Unknown;
        }
        match folder_id(Path::new(&theirs.raw_dir)) {
            Ok(Some(id)) if id == theirs.folder => TheirFolder::Holding,
            Err(err) if err.kind() == io::ErrorKind::PermissionDenied => TheirFolder::OutOfReach,
            _ => TheirFolder::Unknown,
        }
    }

    /// Whether the folder is another installation's: `--new-database` is no way out then.
    pub fn is_another_installation(self) -> bool {
        self != TheirFolder::Unknown
    }
}

impl Elsewhere {
    /// The database `database`, naming `theirs`, seen from the raw folder `raw_dir`.
    pub fn of(database: &str, theirs: Installation, raw_dir: &Path) -> Elsewhere {
        let noted = crate::rawfile::summarised_into(raw_dir).ok().flatten();
        let here = this_host();
        let ours = place(raw_dir);
        let theirs_here = TheirFolder::of(&theirs, &ours, &here);
        Elsewhere {
            database: database.to_owned(),
            other_machine: theirs.host.clone().filter(|host| *host != here),
            theirs,
            ours,
            summarised_here: noted.as_deref() == Some(database),
            theirs_here,
        }
    }

    /// Whether the folder the database names is this one, in its place, its id deleted or
    /// replaced: no other installation. A folder never summarised into the database, or last
    /// by another machine, is another installation at the same path (two machines, two
    /// deployments at `/data/raw`, two made from one disk image).
    pub fn lost_id(&self) -> bool {
        self.theirs.raw_dir == self.ours && self.summarised_here && self.other_machine.is_none()
    }

    /// What is wrong, said alike by every stage.
    pub fn fact(&self) -> String {
        let since = self.theirs.since.format("%Y-%m-%d %H:%M UTC");
        match self.case() {
            Case::LostId => format!(
                "the database `{}` names this raw folder, {}, by an id its .installation no longer holds (deleted, or copied over from another folder?)",
                self.database, self.ours
            ),
            Case::SamePathOtherMachine(machine) => format!(
                "the database `{}` is summarised from a raw folder of the same path, {}, by the summariser of another machine, `{machine}` (since {since}), not from this one: another installation (a machine made from the same disk image?), or this one's before its machine was renamed",
                self.database, self.ours
            ),
            Case::SamePath => {
                // Never summarised into it: this machine's own folder on a disk not mounted
                // now (the folder under its mount point, on this machine's disk), or a folder
                // of the same path elsewhere.
                let elsewhere = match self.theirs.host {
                    // Written last by this very machine: not another machine's.
                    Some(_) => "another deployment of that path on this machine (a container)",
                    None => "a folder of that path on another machine or deployment",
                };
                format!(
                    "the database `{}` is summarised from another raw folder of the same path, {} (since {since}), not from this one, never summarised into it: this folder's disk not mounted (a USB stick, a network share: this folder is then the one under its mount point, on this machine's own disk)?, or {elsewhere}",
                    self.database, self.ours
                )
            }
            Case::OtherFolder => format!(
                "the database `{}` is summarised from another raw folder, {} (since {since}), not from {}",
                self.database, self.theirs.raw_dir, self.ours
            ),
        }
    }

    /// What to do about it, `run` naming how the summariser is run (`run the summariser`).
    pub fn remedy(&self, run: &str) -> String {
        let (first, moved) = match self.case() {
            Case::LostId => {
                return format!(
                    "if this folder's data is the database's, {run} once with --new-database to name it again"
                );
            }
            Case::SamePathOtherMachine(_) => (
                String::new(),
                ", or its machine renamed (a Kubernetes pod, a laptop on another network) and its id file emptied",
            ),
            Case::SamePath => (self.before_mounting(), ""),
            Case::OtherFolder if self.theirs_here.is_another_installation() => {
                return self.another_here(run);
            }
            Case::OtherFolder => (String::new(), ""),
        };
        format!(
            "{first}give this installation a database of its own (its MONGODB_URI's path, or --database NAME), or, if that folder is this one moved or replaced{moved}, {run} once with --new-database"
        )
    }

    /// What to do when the folder the database names is another installation's on this
    /// machine ([`TheirFolder`]): a database of its own, `--new-database` once that one retired.
    fn another_here(&self, run: &str) -> String {
        let id_file = crate::rawfile::installation(Path::new(&self.theirs.raw_dir));
        let rm = crate::shell::word(&id_file.display().to_string()).into_owned();
        let (where_, who) = match self.theirs_here {
            TheirFolder::OutOfReach => (
                "on this machine, out of this user's reach (another user's home?)",
                format!("its user deletes its id, `rm {rm}`"),
            ),
            _ => (
                "still on this machine, holding the id the database names",
                format!("delete its id, `rm {rm}`"),
            ),
        };
        format!(
            "give this installation a database of its own (its MONGODB_URI's path, or --database NAME): that folder is {where_}, so it is another installation (a classmate's or a colleague's checkout, another copy), not this one moved (if that installation is retired, {who}, then {run} once with --new-database)"
        )
    }

    /// What to do first if this folder is the one made under a disk's mount point while the
    /// disk was out: move it aside, or the mounted disk hides the files landed in it.
    fn before_mounting(&self) -> String {
        // Into the home folder: beside this one, it could still be under the mount point
        // (`/mnt/usb` of `/mnt/usb/raw`), hidden with it.
        let folder_name = Path::new(&self.ours)
            .file_name()
            .map_or_else(|| "raw".into(), |name| name.to_string_lossy());
        format!(
            "if the disk the folder is on is not mounted, first pause the crontab's jobs and move this folder aside, out from under the disk's mount point (`mv {} ~/{}`: the mount would hide the files landed in it meanwhile; make the folder again if it is the mount point itself), mount the disk, move those data files into the same folders on it, and run again; else ",
            crate::shell::word(&self.ours),
            crate::shell::word(&format!("{folder_name}.landed")),
        )
    }

    /// Which of the ways a database names another folder this is.
    fn case(&self) -> Case<'_> {
        match (self.theirs.raw_dir == self.ours, &self.other_machine) {
            _ if self.lost_id() => Case::LostId,
            (true, Some(machine)) => Case::SamePathOtherMachine(machine),
            (true, None) => Case::SamePath,
            (false, _) => Case::OtherFolder,
        }
    }

    /// As a reader of the database is told it.
    fn said_to_a_reader(&self) -> String {
        match self.lost_id() {
            true => format!("{}: {}", self.fact(), self.remedy("run the summariser")),
            false => format!(
                "{}: another installation's data, not reported here; {}",
                self.fact(),
                self.remedy("run the summariser")
            ),
        }
    }
}

/// The ways a database names another raw folder than the one at hand (see [`Elsewhere`]).
enum Case<'a> {
    /// This folder, its id lost.
    LostId,
    /// A folder of the same path, written last by another machine.
    SamePathOtherMachine(&'a str),
    /// A folder of the same path, never summarised from this one, by this machine or one not
    /// recorded.
    SamePath,
    /// A folder of another path.
    OtherFolder,
}

impl std::fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said_to_a_reader())
    }
}

/// What `db` names when the raw folder `raw_dir` is not it: a folder that holds another id, or
/// none (never summarised). `None` when it is, when the database names none (of before 5
/// December 2026, or a reader not allowed to read `installation`), and when the folder cannot
/// tell (missing, not a folder, its id unreadable: said elsewhere, as such).
pub async fn elsewhere(db: &Database, raw_dir: &Path) -> Option<Elsewhere> {
    let theirs = named(db).await.ok().flatten()?;
    if !raw_dir.is_dir() {
        return None;
    }
    let ours = folder_id(raw_dir).ok()?;
    (ours.as_deref() != Some(theirs.folder.as_str()))
        .then(|| Elsewhere::of(db.name(), theirs, raw_dir))
}

/// Refuses `db` to a reader of the raw folder `raw_dir` (the analyser's `--raw-dir`) when the
/// database is summarised from another raw folder ([`elsewhere`]): another installation's data.
pub async fn require_own(db: &Database, raw_dir: &Path) -> Result<(), StoreError> {
    match elsewhere(db, raw_dir).await {
        Some(elsewhere) => Err(StoreError::OthersDatabase(Box::new(elsewhere))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(host: &str, raw_dir: &str, since: DateTime<Utc>) -> Installation {
        Installation {
            folder: "6752f0c1a9e3b2d4c5f60718".to_owned(),
            raw_dir: raw_dir.to_owned(),
            since,
            host: Some(host.to_owned()),
            host_since: Some(since),
            host_before: None,
        }
    }

    /// The database names what the last run saw: a machine taking it over noted with the one
    /// it took it over from and when; a folder moved on the same machine keeps its machine's
    /// takeover; nothing written when nothing changed.
    #[test]
    fn the_database_names_the_machine_that_took_it_over_and_from_which() {
        let first = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 10, 5, 0).unwrap();
        let now = first + chrono::TimeDelta::days(5);
        let lab = on("lab-pc", "/home/ana/releve/raw", first);
        let spare = on("spare", "/home/ana/releve/raw", now);
        let named = spare.seen_over(&lab).expect("another machine");
        assert_eq!(named.host.as_deref(), Some("spare"));
        assert_eq!(named.host_before.as_deref(), Some("lab-pc"));
        assert_eq!((named.since, named.host_since), (first, Some(now)));

        let moved = on("lab-pc", "/data/releve/raw", now);
        let named = moved.seen_over(&lab).expect("another place");
        assert_eq!(named.host_since, Some(first), "the same machine's takeover");
        assert_eq!(named.raw_dir, "/data/releve/raw");

        assert_eq!(
            on("lab-pc", "/home/ana/releve/raw", now).seen_over(&lab),
            None
        );
    }
}
