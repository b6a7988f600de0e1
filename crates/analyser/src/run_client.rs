//! The one MongoDB client of a report run: opened when the run first reads MongoDB, lent to
//! each report the run writes (the one asked for, those missed, those written again) and shut
//! down when the run ends. A client costs round trips before its first read (a ping and a
//! `hello`, then its pool's connections), seconds on a server a continent away.

use mongodb::Database;
use releve::cli::MongoArgs;
use releve::store::StoreError;
use tokio::sync::OnceCell;

/// The run's client, opened at its first use (see the module's note).
pub(crate) struct RunClient<'a> {
    mongo: &'a MongoArgs,
    opened: OnceCell<Database>,
}

impl<'a> RunClient<'a> {
    /// A client of the server and database `mongo` names, not opened yet.
    pub(crate) fn new(mongo: &'a MongoArgs) -> RunClient<'a> {
        RunClient {
            mongo,
            opened: OnceCell::new(),
        }
    }

    /// The database, connected at the first call (see [`releve::store::connect_read_only`]);
    /// a connection that failed is tried again at the next.
    pub(crate) async fn database(&self) -> Result<&Database, StoreError> {
        let connect = async || {
            releve::store::connect_read_only(&self.mongo.uri, &self.mongo.database()).await
        };
        self.opened.get_or_try_init(connect).await
    }

    /// Shuts the client down, if it was opened.
    pub(crate) async fn shut_down(self) {
        if let Some(db) = self.opened.into_inner() {
            releve::store::shut_down(db).await;
        }
    }
}
