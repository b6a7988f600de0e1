//! What a run reads once for every source before summarising any: the hours a crashed run left
//! pending and the newest file summarised, of each source. Only this raw folder's run (it holds
//! the lock) changes them, each source's in its own turn, so a read at the start is what each
//! source would have read in its turn: two commands a run instead of two a source, which on a
//! MongoDB a continent away were 600 ms a source.

use std::collections::BTreeMap;

use mongodb::Database;
use releve::rawfile::LandingOrder;
use releve::store::StoreError;

use crate::database::{self, PendingHours};
use crate::progress;

/// Each source's pending hours and newest file summarised, as the run found them.
#[derive(Debug, Default)]
pub struct Started {
    pending: BTreeMap<String, PendingHours>,
    newest: BTreeMap<String, LandingOrder>,
}

impl Started {
    /// Reads them from `db`, for every source at once.
    pub async fn read(db: &Database) -> Result<Started, StoreError> {
        let (pending, newest) =
            tokio::try_join!(database::pending_hours(db), progress::newest(db))?;
        Ok(Started { pending, newest })
    }

    /// The hours a crashed run noted pending for `source` and did not recompute.
    pub(super) fn pending(&self, source: &str) -> PendingHours {
        self.pending.get(source).cloned().unwrap_or_default()
    }

    /// The newest file of `source` summarised before this run, if any.
    pub(super) fn newest(&self, source: &str) -> Option<LandingOrder> {
        self.newest.get(source).copied()
    }
}
