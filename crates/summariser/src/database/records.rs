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
    if let Some(number) = storable::oversized_integer(text) {
        return Err(format!(
            "the integer {number} is outside the signed 64-bit range, which MongoDB cannot store"
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
    let data = storable::record_document(&value)?;
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
        let expire_at = version
            .time
            .checked_add_signed(TimeDelta::days(i64::from(days)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
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
    let name = source.name.as_str();
    let mut unstorable = Vec::new();
    let (mut inserted, mut updated) = (0, 0);
    let unstorable_version = |key: &str, version: &Version, reason: String| Unstorable {
        file: version.file(),
        superseded: version.superseded.clone(),
        record: format!("`{key}`"),
        reason,
    };
    let document_of = |key: &String, unstorable: &mut Vec<Unstorable>| {
        let version = batch.records.get(key)?;
        let file = &batch.data_files[version.file()];
        let last_file = &batch.data_files[plan.last_file(batch, version)];
        match record_document(source, key, version, file, last_file) {
            Ok(document) => Some(document),
            Err(reason) => {
                unstorable.push(unstorable_version(key, version, reason));
                None
            }
        }
    };
    let unordered = InsertManyOptions::builder().ordered(false).build();
    let mut keys = plan.inserts.iter().peekable();
    while keys.peek().is_some() {
        // Up to CHUNK records or CHUNK_BYTES of their text a call, so large records never
        // pile up in memory as BSON.
        let (mut documents, mut sent, mut bytes) = (Vec::new(), Vec::new(), 0);
        while documents.len() < CHUNK && bytes < CHUNK_BYTES {
            let Some(key) = keys.next() else { break };
            bytes += batch.records.get(key).map_or(0, |v| v.raw.get().len());
            if let Some(document) = document_of(key, &mut unstorable) {
                documents.push(document);
                sent.push(key);
            }
        }
        if documents.is_empty() {
            continue;
        }
        let action = format!("insertion of `{name}` records");
        let refused = match records(db)
            .insert_many(documents)
            .with_options(unordered.clone())
            .await
        {
            Ok(_) => Vec::new(),
            Err(err) => refused_documents(&err).ok_or_else(|| StoreError::command(&action)(err))?,
        };
        inserted += sent.len() - refused.len();
        for (index, reason) in refused {
            if let Some(key) = sent.get(index)
                && let Some(version) = batch.records.get(*key)
            {
                unstorable.push(unstorable_version(key, version, server_refusal(&reason)));
            }
        }
        crash::passed("records-inserted");
    }
    for key in &plan.updates {
        let Some(document) = document_of(key, &mut unstorable) else {
            continue;
        };
        // An upsert: the TTL monitor may have dropped the stored version since the lookup.
        let replaced = records(db)
            .replace_one(doc! {"source": name, "key": key}, document)
            .upsert(true)
            .await;
        match replaced {
            Ok(_) => updated += 1,
            Err(err) => match (refused_document(&err), batch.records.get(key)) {
                (Some(reason), Some(version)) => {
                    unstorable.push(unstorable_version(key, version, server_refusal(&reason)));
                }
                _ => {
                    let action = format!("update of `{name}` record `{key}`");
                    return Err(StoreError::command(&action)(err));
                }
            },
        }
        crash::passed("record-updated");
    }
    confirm_records(db, source, batch, plan).await?;
    Ok(Written {
        inserted,
        updated,
        unstorable,
    })
}

/// Why the server refused a record, for its file's quarantine reason.
fn server_refusal(message: &str) -> String {
    format!("the server refused it: {message}")
}

/// The documents of an unordered `insert_many` the server refused, by index in the call,
/// with its message; `None` when the call failed otherwise (the server, the network, an
/// unmet write concern), which stops the run.
fn refused_documents(err: &mongodb::error::Error) -> Option<Vec<(usize, String)>> {
    match err.kind.as_ref() {
        ErrorKind::InsertMany(failure) if failure.write_concern_error.is_none() => {
            let errors = failure.write_errors.as_ref()?;
            Some(
                errors
                    .iter()
                    .map(|error| (error.index, error.message.clone()))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The server's message when it refused the one document written; `None` for any other
/// failure.
fn refused_document(err: &mongodb::error::Error) -> Option<String> {
    match err.kind.as_ref() {
        ErrorKind::Write(mongodb::error::WriteFailure::WriteError(error)) => {
            Some(error.message.clone())
        }
        _ => None,
    }
}

/// Sets the `last_file` of the records later files repeated unchanged.
async fn confirm_records(
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
            &format!("confirming `{name}` records"),
        )
        .await?;
        crash::passed("records-confirmed");
    }
    Ok(())
}

/// Runs one `update` command and turns its first write error, or a write concern it could
/// not meet (a replica set short of members), into a refusal: the driver's helpers do so, but
/// it hands a command's answer back as it came.
pub(super) async fn run_updates(
    db: &Database,
    collection: &str,
    updates: Vec<Document>,
    action: &str,
) -> Result<(), StoreError> {
    let command = doc! {"update": collection, "updates": updates, "ordered": false};
    let answer = db
        .run_command(command)
        .await
        .map_err(StoreError::command(action))?;
    refusal(&answer).map_or(Ok(()), |reason| {
        Err(StoreError::Refused {
            action: action.to_owned(),
            reason,
        })
    })
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
