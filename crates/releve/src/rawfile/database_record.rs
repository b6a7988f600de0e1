//! `raw/.summariser-database`: the database the summariser last wrote the raw folder's files
//! into, and the server it is on, so that a run finding that database empty stops instead of
//! taking the files into the wrong one, and a run finding it on another server says so (the
//! same name on two servers, a copy and its original, cannot be told apart otherwise).
//!
//! The database's name is the file's first line, `server HOSTS` its second (see
//! [`crate::store::server`]). A record of before 8 December 2026 holds the name alone: it is
//! read as before, and completed by the next run.

use std::io;
use std::path::{Path, PathBuf};

/// The word before the server on the record's second line.
const SERVER: &str = "server ";

/// `raw/.summariser-database`: see the module.
pub fn summariser_database(raw_dir: &Path) -> PathBuf {
    raw_dir.join(".summariser-database")
}

/// What `raw/.summariser-database` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarisedInto {
    /// The database's name.
    pub database: String,
    /// The server it is on, as [`crate::store::server`] writes it; `None` in a record of
    /// before 8 December 2026.
    pub server: Option<String>,
}

impl SummarisedInto {
    /// The record's text: `NAME\n` then `server HOSTS\n` when the server is known.
    pub fn text(&self) -> String {
        match &self.server {
            Some(server) => format!("{}\n{SERVER}{server}\n", self.database),
            None => format!("{}\n", self.database),
        }
    }

    /// The record `text` holds; `None` when it is empty. Surrounding blanks and carriage
    /// returns (a record saved by a Windows editor) are not part of it.
    fn read(text: &str) -> Option<SummarisedInto> {
        let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
        let database = lines.next()?.to_owned();
        let server = lines
            .find_map(|line| line.strip_prefix(SERVER))
            .map(|server| server.trim().to_owned())
            .filter(|server| !server.is_empty());
        Some(SummarisedInto { database, server })
    }
}

/// What `raw/.summariser-database` says; `None` when there is no such file yet (or it is
/// empty).
pub fn database_record(raw_dir: &Path) -> io::Result<Option<SummarisedInto>> {
    match std::fs::read_to_string(summariser_database(raw_dir)) {
        Ok(text) => Ok(SummarisedInto::read(&text)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// The database `raw/.summariser-database` names; `None` when there is no such file yet (or it
/// is empty).
pub fn summarised_into(raw_dir: &Path) -> io::Result<Option<String>> {
    Ok(database_record(raw_dir)?.map(|record| record.database))
}

#[cfg(test)]
mod tests {
    use super::SummarisedInto;

    /// A record of before 8 December 2026 names the database alone, and is read as before.
    #[test]
    fn a_record_of_the_name_alone_is_read_as_before() {
        let read = SummarisedInto::read("releve\r\n").expect("a record");
        assert_eq!((read.database.as_str(), read.server), ("releve", None));
        assert_eq!(SummarisedInto::read(" \n"), None);
    }

    #[test]
    fn a_record_with_its_server_is_read_back() {
        let record = SummarisedInto {
            database: "releve".to_owned(),
            server: Some("mongodb+srv://cluster0.ab1cd.mongodb.net".to_owned()),
        };
        assert_eq!(
            record.text(),
            "releve\nserver mongodb+srv://cluster0.ab1cd.mongodb.net\n"
        );
        assert_eq!(SummarisedInto::read(&record.text()), Some(record));
    }
}
