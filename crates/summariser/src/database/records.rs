//! Writing a batch's new and changed records, and telling the ones MongoDB refuses.

use super::*;

fn record_document(
    source: &Source,
    key: &str,
    version: &Version,
    file: &RawFileName,
    last_file: &RawFileName,
) -> Result<Document, String> {
    let text = version.raw.get();
    let data = storable::data_of(text)?;
    let mut document = doc! {
        "source": &source.name,
        "key": key,
        "time": bson_date(version.time),
        "hour": bson_date(hour_of(version.time)),
        "file": file.file_name(),
        "landed_at": bson_date(file.landed_at),
        "last_file": last_file.file_name(),
        "data": data,
    };
    storable::within_size_limit(text.len(), &document)?;
    if let Some(days) = source.keep_days {
        // Within the years servers store as dates (a record of 9990 kept 36,500 days): at
        // most 9999-12-31.
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
            .map_or(DateTime::<Utc>::MAX_UTC, |day| {
                day.and_time(chrono::NaiveTime::MIN).and_utc()
            });
        let expire_at = version
            .time
            .checked_add_signed(TimeDelta::days(i64::from(days)))
            .map_or(last, |at| at.min(last));
        document.insert("expire_at", bson_date(expire_at));
    }
    Ok(document)
}

/// What [`write_records`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// New records inserted.
    pub inserted: usize,
    /// Stored records replaced by a newer version.
    pub updated: usize,
    /// Stored records removed: their newer version lies in an hour past `keep_days`.
    pub removed: usize,
    /// Versions MongoDB cannot store (numbers out of BSON's range, NUL characters in field
    /// names), not written.
    pub unstorable: Vec<Unstorable>,
}

/// Writes the planned records. A record the server refuses (a write error naming it, not a
/// failure of the server or of its write concern) is unstorable like one that cannot be
/// made into BSON: its file is held back, and the other records go through.
pub async fn write_records(
    db: &Database,
    source: &Source,
    batch: &Batch,
    plan: &Plan,
) -> Result<Written, StoreError> {
    let mut writer = Writer {
        db,
        source,
        batch,
        plan,
        written: Written::default(),
    };
    writer.insert_new().await?;
    writer.update_changed().await?;
    writer.remove_moved_out().await?;
    confirm_records(db, source, batch, plan).await?;
    Ok(writer.written)
}

/// One batch's records on their way to `records`.
struct Writer<'a> {
    db: &'a Database,
    source: &'a Source,
    batch: &'a Batch,
    plan: &'a Plan,
    written: Written,
}

impl Writer<'_> {
    /// Inserts the planned new records, unordered, by chunks.
    async fn insert_new(&mut self) -> Result<(), StoreError> {
        let unordered = InsertManyOptions::builder().ordered(false).build();
        let mut keys = self.plan.inserts.iter().peekable();
        while keys.peek().is_some() {
            // Up to CHUNK records or CHUNK_BYTES of their text a call, so large records never
            // pile up in memory as BSON.
            let (mut documents, mut sent, mut bytes) = (Vec::new(), Vec::new(), 0);
            while documents.len() < CHUNK && bytes < CHUNK_BYTES {
                let Some(key) = keys.next() else { break };
                bytes += self.batch.records.get(key).map_or(0, |v| v.raw.get().len());
                if let Some(document) = self.document(key) {
                    documents.push(document);
                    sent.push(key);
                }
            }
            if documents.is_empty() {
                continue;
            }
            let action = format!("insertion of `{}` records", self.source.name);
            let refused = match records(self.db)
                .insert_many(documents)
                .with_options(unordered.clone())
                .await
            {
                Ok(_) => Vec::new(),
                Err(err) => {
                    refused_documents(&err).ok_or_else(|| StoreError::command(&action)(err))?
                }
            };
            let duplicates: Vec<(&str, &str)> = refused
                .iter()
                .filter(|(_, code, _)| *code == DUPLICATE_KEY)
                .filter_map(|(index, _, said)| {
                    sent.get(*index).map(|key| (key.as_str(), said.as_str()))
                })
                .collect();
            self.refused_by_a_foreign_index(&action, &duplicates)
                .await?;
            self.written.inserted += sent.len() - refused.len();
            let duplicates: Vec<&str> = duplicates.iter().map(|(key, _)| *key).collect();
            self.stored_meanwhile(&duplicates).await?;
            for (index, _, reason) in refused {
                if let Some(key) = sent.get(index) {
                    self.unstorable(key, server_refusal(&reason));
                }
            }
            crash::passed("records-inserted");
        }
        Ok(())
    }

    /// Stops the run when a unique index relevé did not make refused any of `duplicates`
    /// (keys, with the server's words): see [`foreign_index`].
    async fn refused_by_a_foreign_index(
        &self,
        action: &str,
        duplicates: &[(&str, &str)],
    ) -> Result<(), StoreError> {
        let refused: Vec<(String, &str)> = duplicates
            .iter()
            .map(|(key, said)| (self.in_words(key), *said))
            .collect();
        match foreign_index::refusal(self.db, RECORDS, action, &refused).await? {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }

    /// The batch's version of `key` in words, naming its file: `record `a` of usgs_….json`.
    fn in_words(&self, key: &str) -> String {
        let file = self
            .batch
            .records
            .get(key)
            .map_or_else(String::new, |version| {
                format!(" of {}", self.batch.data_files[version.file()].file_name())
            });
        format!("record `{key}`{file}")
    }

    /// Stops the run when a key the lookup did not find and the server refused as a duplicate
    /// is stored now: another writer stored it meanwhile (two summarisers on one database),
    /// which only a new lookup, at the next run, can weigh against this version. A key still
    /// not found is a duplicate of another key for the server (nx-27017 takes keys that
    /// differ after a NUL character for one): the record's own fault.
    async fn stored_meanwhile(&self, keys: &[&str]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let name = self.source.name.as_str();
        let action = format!("lookup of `{name}` records refused as duplicates");
        let found = records(self.db)
            .find_one(doc! {"source": name, "key": {"$in": keys}})
            .projection(doc! {"_id": 0, "key": 1})
            .await
            .map_err(StoreError::command(&action))?;
        match found.as_ref().and_then(|stored| stored.get_str("key").ok()) {
            Some(key) => Err(StoreError::Refused {
                action: format!("insertion of `{name}` records"),
                reason: format!(
                    "record `{key}` was stored by another writer since this run looked it up: is a second summariser writing to this database? The files wait for the next run"
                ),
            }),
            None => Ok(()),
        }
    }

    /// Replaces the stored records the batch holds a newer version of, by `update` commands of
    /// up to [`UPDATES_PER_COMMAND`] replacements and [`REPLACEMENT_BYTES`] of record text
    /// (one round trip for many: a server a continent away costs a third of a second each).
    async fn update_changed(&mut self) -> Result<(), StoreError> {
        let name = self.source.name.as_str();
        let plan = self.plan;
        let mut keys = plan.updates.iter().peekable();
        while keys.peek().is_some() {
            let (mut updates, mut sent, mut bytes) = (Vec::new(), Vec::new(), 0);
            while let Some(&key) = keys.peek()
                && updates.len() < UPDATES_PER_COMMAND
            {
                let text = self.batch.records.get(key).map_or(0, |v| v.raw.get().len());
                if !updates.is_empty() && bytes + text > REPLACEMENT_BYTES {
                    break;
                }
                keys.next();
                bytes += text;
                if let Some(document) = self.document(key) {
                    // An upsert: the TTL monitor may have dropped the stored version since the
                    // lookup.
                    updates.push(doc! {
                        "q": {"source": name, "key": key.as_str()},
                        "u": document,
                        "upsert": true,
                    });
                    sent.push(key);
                }
            }
            if updates.is_empty() {
                continue;
            }
            let action = format!("update of `{name}` records");
            let answer = send_updates(self.db, RECORDS, updates, &action).await?;
            let refused = refused_statements(&answer).map_err(|reason| StoreError::Refused {
                action: action.clone(),
                reason,
            })?;
            let said: Vec<(String, &str)> = refused
                .iter()
                .filter_map(|(index, said)| Some((self.in_words(sent.get(*index)?), said.as_str())))
                .collect();
            if let Some(refusal) = foreign_index::refusal(self.db, RECORDS, &action, &said).await? {
                return Err(refusal);
            }
            self.written.updated += sent.len() - refused.len();
            for (index, reason) in refused {
                if let Some(key) = sent.get(index) {
                    self.unstorable(key, server_refusal(&reason));
                }
            }
            crash::passed("records-updated");
        }
        Ok(())
    }

    /// Removes the stored records whose newer version lies in an hour past `keep_days`.
    async fn remove_moved_out(&mut self) -> Result<(), StoreError> {
        let name = self.source.name.as_str();
        for chunk in self.plan.removals.chunks(CHUNK) {
            let removed = records(self.db)
                .delete_many(doc! {"source": name, "key": {"$in": chunk}})
                .await
                .map_err(StoreError::command(&format!(
                    "removal of `{name}` records moved past keep_days"
                )))?;
            self.written.removed += usize::try_from(removed.deleted_count).unwrap_or(usize::MAX);
            crash::passed("records-removed");
        }
        Ok(())
    }

    /// The document of the batch's version of `key`, or `None` when it cannot be stored
    /// (noted as unstorable) or the batch holds none.
    fn document(&mut self, key: &str) -> Option<Document> {
        let version = self.batch.records.get(key)?;
        let file = &self.batch.data_files[version.file()];
        let last_file = &self.batch.data_files[self.plan.last_file(self.batch, version)];
        match record_document(self.source, key, version, file, last_file) {
            Ok(document) => Some(document),
            Err(reason) => {
                self.unstorable(key, reason);
                None
            }
        }
    }

    /// Notes the batch's version of `key` as one MongoDB cannot store, for `reason`.
    fn unstorable(&mut self, key: &str, reason: String) {
        if let Some(version) = self.batch.records.get(key) {
            self.written.unstorable.push(Unstorable {
                files: version.holders.clone(),
                superseded: version.superseded.clone(),
                record: format!("`{key}`"),
                reason,
            });
        }
    }
}

/// Record text per `update` command of replacements, at most (a larger record goes alone):
/// BSON takes at most about 8 times the text (see [`storable::within_size_limit`]), and a
/// command is one document of at most 16 MB.
const REPLACEMENT_BYTES: usize = 1024 * 1024;

/// Why the server refused a record, for its file's quarantine reason.
fn server_refusal(message: &str) -> String {
    format!("the server refused it: {message}")
}

/// The documents of an unordered `insert_many` the server refused, by index in the call,
/// with its code and message; `None` when the call failed otherwise (the server, the
/// network, an unmet write concern, a write error that tells of the server's state), which
/// stops the run.
pub(super) fn refused_documents(err: &mongodb::error::Error) -> Option<Vec<(usize, i32, String)>> {
    match err.kind.as_ref() {
        ErrorKind::InsertMany(failure) if failure.write_concern_error.is_none() => {
            let errors = failure.write_errors.as_ref()?;
            if errors.iter().any(|error| tells_of_the_server(error.code)) {
                return None;
            }
            Some(
                errors
                    .iter()
                    .map(|error| (error.index, error.code, error.message.clone()))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Write-error codes that tell of the server's state, not of the document written, besides a
/// primary changing ([`PRIMARY_CHANGING`]): a full disk (nx-27017 answers one with 8,
/// UnknownError; MongoDB with 14031, OutOfDiskSpace), a lost network, a time limit, a write
/// conflict, missing rights, and MongoDB Atlas's own refusals (8000, AtlasError: a shared
/// tier over its space quota, an action its user may not do). The run stops and the files wait
/// for the next, which writes them once the server can: taken as the record's own fault, they
/// would put good files in quarantine.
const SERVER_STATE_CODES: [i32; 12] = [6, 7, 8, 13, 50, 64, 89, 112, 262, 8000, 9001, 14031];

/// The write error of a document whose key a unique index already holds.
const DUPLICATE_KEY: i32 = 11000;

fn tells_of_the_server(code: i32) -> bool {
    SERVER_STATE_CODES.contains(&code) || PRIMARY_CHANGING.contains(&code)
}

/// Sets the `last_file` of the records later files repeated unchanged.
pub async fn confirm_records(
    db: &Database,
    source: &Source,
    batch: &Batch,
    plan: &Plan,
) -> Result<(), StoreError> {
    let name = source.name.as_str();
    for chunk in plan.confirmations.chunks(UPDATES_PER_COMMAND) {
        let updates: Vec<Document> = chunk
            .iter()
            .map(|(key, holder)| {
                let last_file = batch.data_files[*holder].file_name();
                doc! {
                    "q": {"source": name, "key": key},
                    "u": {"$set": {"last_file": last_file}},
                }
            })
            .collect();
        run_updates(
            db,
            RECORDS,
            updates,
            &format!("update of `{name}` records' last files"),
        )
        .await?;
        crash::passed("records-confirmed");
    }
    Ok(())
}

/// Runs one `update` command, with the database's write concern (a command is sent as written,
/// where the driver's helpers add it), and turns its first write error, or a write concern it
/// could not meet (a replica set short of members), into a refusal: the driver's helpers do
/// so, but it hands a command's answer back as it came.
pub(super) async fn run_updates(
    db: &Database,
    collection: &str,
    updates: Vec<Document>,
    action: &str,
) -> Result<(), StoreError> {
    let answer = send_updates(db, collection, updates, action).await?;
    let Some(reason) = refusal(&answer) else {
        return Ok(());
    };
    let refused = [("a document".to_owned(), reason.as_str())];
    if let Some(refusal) = foreign_index::refusal(db, collection, action, &refused).await? {
        return Err(refusal);
    }
    Err(StoreError::Refused {
        action: action.to_owned(),
        reason,
    })
}

/// Sends one `update` command (see [`run_updates`]) and hands its answer back as it came.
async fn send_updates(
    db: &Database,
    collection: &str,
    updates: Vec<Document>,
    action: &str,
) -> Result<Document, StoreError> {
    let command = update_command(collection, updates, db.write_concern()).map_err(|err| {
        StoreError::Refused {
            action: action.to_owned(),
            reason: format!("the write concern cannot be sent: {err}"),
        }
    })?;
    // A command is not retried by the driver as its write helpers are: a primary stepping
    // down (a replica set's maintenance) is waited out here, the next attempt selecting the
    // new one. The updates set values, so sent twice they leave what once would.
    let mut attempts = 0;
    let answer = loop {
        attempts += 1;
        match db.run_command(command.clone()).await {
            Err(err) if attempts < 3 && primary_changing(&err) => {
                tracing::debug!(error = %err, "The primary changed: the update is sent again.");
            }
            // Written, and its majority not awaited: the primary stepped down meanwhile.
            Ok(answer) if attempts < 3 && concern_cut_short(&answer) => {
                tracing::debug!(
                    "The primary stepped down before a majority held the update: it is sent again."
                );
            }
            answer => break answer.map_err(StoreError::command(action))?,
        }
    };
    Ok(answer)
}

/// The statements of an unordered `update` command's `answer` the server refused, by index in
/// the command, with its message; an error when the answer tells of the server's state (an
/// unmet write concern, a write error of [`tells_of_the_server`]), which stops the run.
fn refused_statements(answer: &Document) -> Result<Vec<(usize, String)>, String> {
    if let Ok(error) = answer.get_document("writeConcernError") {
        let message = error.get_str("errmsg").unwrap_or("no detail");
        return Err(format!("write concern not met: {message}"));
    }
    let Ok(errors) = answer.get_array("writeErrors") else {
        return Ok(Vec::new());
    };
    let mut refused = Vec::with_capacity(errors.len());
    for error in errors {
        let error = error.as_document();
        let code = error.and_then(|e| e.get_i32("code").ok());
        let message = error
            .and_then(|e| e.get_str("errmsg").ok())
            .unwrap_or("a write error")
            .to_owned();
        let index = error
            .and_then(|e| e.get_i32("index").ok())
            .and_then(|index| usize::try_from(index).ok());
        match (index, code) {
            (Some(index), Some(code)) if !tells_of_the_server(code) => {
                refused.push((index, message));
            }
            _ => return Err(message),
        }
    }
    Ok(refused)
}

/// Error codes of a server shutting down, or no longer primary (stepping down).
const PRIMARY_CHANGING: [i32; 7] = [91, 189, 10107, 11600, 11602, 13435, 13436];

/// Whether `err` tells of a primary stepping down, shutting down or cutting the connection (the
/// command may be sent again to the next primary), as the driver reads a retryable write's
/// error.
fn primary_changing(err: &mongodb::error::Error) -> bool {
    err.contains_label("RetryableWriteError")
        || matches!(
            err.kind.as_ref(),
            mongodb::error::ErrorKind::Io(_)
                | mongodb::error::ErrorKind::ConnectionPoolCleared { .. }
        )
        || matches!(
            err.kind.as_ref(),
            mongodb::error::ErrorKind::Command(command) if PRIMARY_CHANGING.contains(&command.code)
        )
}

/// Whether a write command's `answer` says its write concern was cut short by the primary
/// stepping down or shutting down.
fn concern_cut_short(answer: &Document) -> bool {
    answer
        .get_document("writeConcernError")
        .ok()
        .and_then(|error| error.get_i32("code").ok())
        .is_some_and(|code| PRIMARY_CHANGING.contains(&code))
}

/// An unordered `update` command of `updates` on `collection`, with `concern` when set.
fn update_command(
    collection: &str,
    updates: Vec<Document>,
    concern: Option<&mongodb::options::WriteConcern>,
) -> Result<Document, bson::ser::Error> {
    let mut command = doc! {"update": collection, "updates": updates, "ordered": false};
    if let Some(concern) = concern {
        command.insert("writeConcern", bson::to_document(concern)?);
    }
    Ok(command)
}

/// The server's message for a write command's first write error or its write concern error.
fn refusal(answer: &Document) -> Option<String> {
    let message =
        |error: &Document, otherwise: &str| error.get_str("errmsg").unwrap_or(otherwise).to_owned();
    if let Ok(errors) = answer.get_array("writeErrors")
        && let Some(first) = errors.first()
    {
        return Some(first.as_document().map_or_else(
            || "a write error".to_owned(),
            |error| message(error, "a write error"),
        ));
    }
    answer
        .get_document("writeConcernError")
        .ok()
        .map(|error| format!("write concern not met: {}", message(error, "no detail")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_commands_carry_the_write_concern_the_driver_would_add() {
        let updates = vec![doc! {"q": {"key": "a"}, "u": {"$set": {"n": 1}}}];
        let concern = mongodb::options::WriteConcern::majority();
        let command = update_command("hourly", updates.clone(), Some(&concern)).expect("command");
        assert_eq!(command.get_str("update"), Ok("hourly"));
        assert_eq!(
            command.get_document("writeConcern"),
            Ok(&doc! {"w": "majority"})
        );
        let bare = update_command("hourly", updates, None).expect("command");
        assert!(!bare.contains_key("writeConcern"));
    }

    #[test]
    fn a_full_disk_or_a_server_stepping_down_is_no_fault_of_the_record() {
        for code in [8, 14031, 91, 11600, 10107, 8000] {
            assert!(tells_of_the_server(code), "{code}");
        }
        // Document too large, bad value, failed validation, duplicate key (unless another
        // writer stored it meanwhile, which a new lookup tells): the record's own.
        for code in [10334, 2, 121, 11000, 17419] {
            assert!(!tells_of_the_server(code), "{code}");
        }
    }

    #[test]
    fn a_replacement_refused_for_itself_is_told_apart_from_the_server_s_state() {
        assert_eq!(refused_statements(&doc! {"ok": 1, "n": 3}), Ok(Vec::new()));
        let one_too_large = doc! {"ok": 1, "n": 2, "writeErrors": [
            {"index": 1, "code": 10334, "errmsg": "object to insert too large"},
        ]};
        assert_eq!(
            refused_statements(&one_too_large),
            Ok(vec![(1, "object to insert too large".to_owned())])
        );
        let disk_full = doc! {"ok": 1, "writeErrors": [
            {"index": 0, "code": 10334, "errmsg": "too large"},
            {"index": 2, "code": 14031, "errmsg": "out of disk space"},
        ]};
        assert_eq!(
            refused_statements(&disk_full),
            Err("out of disk space".to_owned())
        );
        let unacknowledged =
            doc! {"ok": 1, "n": 3, "writeConcernError": {"code": 64, "errmsg": "timed out"}};
        assert_eq!(
            refused_statements(&unacknowledged),
            Err("write concern not met: timed out".to_owned())
        );
    }

    #[test]
    fn write_errors_and_unmet_write_concerns_are_refusals() {
        assert_eq!(refusal(&doc! {"ok": 1, "n": 3, "nModified": 3}), None);
        let written_wrong =
            doc! {"ok": 1, "writeErrors": [{"index": 0, "code": 2, "errmsg": "bad update"}]};
        assert_eq!(refusal(&written_wrong).as_deref(), Some("bad update"));
        let unacknowledged = doc! {"ok": 1, "n": 3, "writeConcernError": {"code": 64, "errmsg": "waiting for replication timed out"}};
        assert_eq!(
            refusal(&unacknowledged).as_deref(),
            Some("write concern not met: waiting for replication timed out")
        );
    }
}
