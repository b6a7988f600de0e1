//! Tells the original database from its copy: a database copied under its name to a new
//! server holds the same data and names the same raw folder, so a cron line (or a
//! `MONGODB_URI` above relevé's crontab block) still giving the old server's URI would have
//! the runs go to one server and the other in turn, unsaid: the reports read one, the records
//! land on the other. `raw/.summariser-database` notes the server beside the database's name,
//! and a run finding that name on another server says so.

use std::path::Path;

use releve::rawfile::SummarisedInto;
use tracing::warn;

/// The server the raw folder's database was last summarised on, when the run writes the
/// database of that name (`database`) on another (`server`); `None` otherwise, or when
/// either is not known (a record of before 8 December 2026, completed by this run unsaid).
pub fn moved_from<'a>(
    noted: Option<&'a SummarisedInto>,
    database: &str,
    server: Option<&str>,
) -> Option<&'a str> {
    let noted = noted.filter(|noted| noted.database == database)?;
    let before = noted.server.as_deref()?;
    (!releve::store::same_server(before, server?)).then_some(before)
}

/// Warns, in one line naming both servers, when the run writes the raw folder's database on
/// another server than the last run did (see [`moved_from`]).
pub fn say_if_moved(
    raw_dir: &Path,
    noted: Option<&SummarisedInto>,
    database: &str,
    server: Option<&str>,
) {
    let (Some(before), Some(now)) = (moved_from(noted, database, server), server) else {
        return;
    };
    warn!(
        file = %releve::rawfile::summariser_database(raw_dir).display(),
        "The database `{database}` was last summarised on the server {before}, and this run writes the database of that name on {now}: expected once after moving it to a new server; otherwise the runs go to one server and the other in turn (the reports read one, records land on both): look at which MongoDB URI cron's lines and .env give (a MONGODB_URI line above relevé's crontab block wins over .env, a line's --mongodb-uri over both)."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noted(server: Option<&str>) -> SummarisedInto {
        SummarisedInto {
            database: "releve".to_owned(),
            server: server.map(str::to_owned),
        }
    }

    /// A record of the name alone (an upgrade) or of another database is no move to say.
    #[test]
    fn only_the_same_database_on_another_known_server_is_a_move() {
        let old = noted(Some("127.0.0.1:27017"));
        let atlas = Some("mongodb+srv://cluster0.ab1cd.mongodb.net");
        assert_eq!(
            moved_from(Some(&old), "releve", atlas),
            Some("127.0.0.1:27017")
        );
        assert_eq!(
            moved_from(Some(&old), "releve", Some("127.0.0.1:27017")),
            None
        );
        assert_eq!(moved_from(Some(&old), "other", atlas), None);
        assert_eq!(moved_from(Some(&noted(None)), "releve", atlas), None);
        assert_eq!(moved_from(None, "releve", atlas), None);
    }
}
