//! Documents read from MongoDB for the report and `analyser status`. A document that does not
//! have the shape relevé writes (edited by hand, written by another program) is left out and
//! noted in [`Unread`], so one such document cannot stop the report of a month or hide every
//! source's status: the report names it on its cover and the run exits non-zero.
//!
//! The sources are read a few at a time ([`each_source`]): on a MongoDB far away each read
//! waits a round trip, and the sources' reads wait together. What they find is given back,
//! and their documents left out named, in the configuration's order, as if read one after
//! another, whatever order MongoDB answers in.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures_util::{StreamExt, TryStreamExt};
use mongodb::Database;
use mongodb::bson::{Bson, Document, RawDocument, RawDocumentBuf};
use mongodb::options::FindOptions;
use releve::store::{self, StoreError};
use serde::de::DeserializeOwned;

/// At most this many unread documents are named one by one, on the cover, on stderr and in
/// the log; the others are counted.
const NAMED: usize = 5;

/// Sources read at once: enough that a MongoDB a round trip of 100 ms away answers several
/// sources' reads in the time of one, few enough to leave room in the driver's pool (10
/// connections) and to keep a small server unhurried.
pub(crate) const SOURCES_AT_ONCE: usize = 4;

/// A document, by its collection and `_id`.
type DocumentKey = (String, Vec<u8>);

/// The documents a reading left out, each counted once however many queries met it.
#[derive(Debug, Default)]
pub struct Unread(Mutex<Left>);

/// What [`Unread`] holds.
#[derive(Debug, Default)]
struct Left {
    /// Each document met.
    seen: HashSet<DocumentKey>,
    /// The first [`NAMED`] documents, each with what is wrong with it.
    named: Vec<(DocumentKey, String)>,
}

impl Unread {
    /// Notes a document left out; the first few are named (see [`Unread::lines`]).
    pub(crate) fn note(&self, collection: &str, document: &RawDocument, why: String) {
        let id = match document.get("_id") {
            Ok(Some(id)) => format!("{id:?}").into_bytes(),
            _ => document.as_bytes().to_vec(),
        };
        let key = (collection.to_owned(), id);
        let mut left = self.left();
        if !left.seen.insert(key.clone()) || left.named.len() >= NAMED {
            return;
        }
        let misshapen = StoreError::Misshapen {
            collection: collection.to_owned(),
            document: document_label(document),
            why,
        };
        left.named.push((key, misshapen.to_string()));
    }

    /// Notes the documents `later` left out, as if met after those noted here: the reading of
    /// a source, done beside others', is noted in the configuration's order. It names what
    /// noting them one by one would, unless a document is in both (no two sources' readings
    /// share one), when it may name fewer.
    pub(crate) fn note_later(&self, later: Unread) {
        let later = later.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut left = self.left();
        for (key, misshapen) in later.named {
            if left.seen.insert(key.clone()) && left.named.len() < NAMED {
                left.named.push((key, misshapen));
            }
        }
        left.seen.extend(later.seen);
    }

    fn left(&self) -> MutexGuard<'_, Left> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One line per document left out of the figures, the first five by name and the others
    /// counted.
    pub fn lines(&self) -> Vec<String> {
        self.lines_left_out_of("the figures")
    }

    /// One line per document left out of `what`, the first five by name and the others
    /// counted.
    pub(crate) fn lines_left_out_of(&self, what: &str) -> Vec<String> {
        let left = self.left();
        let mut said: Vec<String> = left
            .named
            .iter()
            .map(|(_, misshapen)| format!("{misshapen}: left out of {what}"))
            .collect();
        if left.seen.len() > left.named.len() {
            said.push(format!(
                "{} more documents without the shape relevé writes were left out of {what}",
                left.seen.len() - left.named.len()
            ));
        }
        said
    }
}

/// `read` of each of `sources` (a configuration's, or what is known of each), [`SOURCES_AT_ONCE`]
/// at a time, in the order of `sources` whatever order MongoDB answers in; the documents each
/// reading leaves out are noted in `unread` in that order too. The first failure in that order
/// is returned, the readings after it given up.
pub(crate) async fn each_source<'s, S, T>(
    sources: &'s [S],
    unread: &Unread,
    read: impl AsyncFn(&'s S, &Unread) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let read = &read;
    let mut readings = std::pin::pin!(
        futures_util::stream::iter(sources)
            .map(|source| async move {
                let own = Unread::default();
                let reading = read(source, &own).await;
                (reading, own)
            })
            .buffered(SOURCES_AT_ONCE)
    );
    let mut read_all = Vec::with_capacity(sources.len());
    while let Some((reading, own)) = readings.next().await {
        unread.note_later(own);
        read_all.push(reading?);
    }
    Ok(read_all)
}

/// Every document of `collection` matching `filter`, sorted, projected or limited by `options`;
/// `action` says what was being read when MongoDB fails. Documents without the shape of `T`
/// are left out and noted in `unread`.
pub(crate) async fn find_all<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    options: impl Into<Option<FindOptions>>,
    action: &str,
    unread: &Unread,
) -> Result<Vec<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    find_all_kept(db, collection, filter, options, action, unread, |_| true).await
}

/// [`find_all`] of the documents `keep` accepts: the others are passed over unread, as if
/// `filter` had not matched them (a query broader than what is asked, for an index's sake).
pub(crate) async fn find_all_kept<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    options: impl Into<Option<FindOptions>>,
    action: &str,
    unread: &Unread,
    keep: impl Fn(&RawDocument) -> bool,
) -> Result<Vec<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    let raw: Vec<RawDocumentBuf> = db
        .collection::<RawDocumentBuf>(collection)
        .find(filter)
        .with_options(options)
        .await
        .map_err(StoreError::command(action))?
        .try_collect()
        .await
        .map_err(StoreError::command(action))?;
    Ok(raw
        .iter()
        .filter(|document| keep(document))
        .filter_map(|document| shaped(collection, document, unread))
        .collect())
}

/// The document of `collection` matching `filter` with the greatest `field`, passing over
/// (and noting in `unread`) those without the shape of `T`.
pub(crate) async fn find_latest<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    field: &str,
    action: &str,
    unread: &Unread,
) -> Result<Option<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    let sort = mongodb::bson::doc! {field: -1};
    find_first(db, collection, filter, sort, action, unread).await
}

/// The first document of `collection` matching `filter` in the order `sort` that has the
/// shape of `T`; those before it are noted in `unread`. Asked for a few at a time, so the
/// server keeps only the top of its sort, as for `find_one`.
pub(crate) async fn find_first<T>(
    db: &Database,
    collection: &str,
    filter: Document,
    sort: Document,
    action: &str,
    unread: &Unread,
) -> Result<Option<T>, StoreError>
where
    T: DeserializeOwned + Send + Sync,
{
    let (mut skip, mut take) = (0_u64, 4_i64);
    loop {
        let page: Vec<RawDocumentBuf> = db
            .collection::<RawDocumentBuf>(collection)
            .find(filter.clone())
            .sort(sort.clone())
            .skip(skip)
            .limit(take)
            .await
            .map_err(StoreError::command(action))?
            .try_collect()
            .await
            .map_err(StoreError::command(action))?;
        for document in &page {
            if let Some(read) = shaped(collection, document, unread) {
                return Ok(Some(read));
            }
        }
        if (page.len() as i64) < take {
            return Ok(None);
        }
        skip += take.unsigned_abs();
        take = take.saturating_mul(4);
    }
}

/// A document of `collection` read as `T`; `None`, noted in `unread`, when it does not fit.
fn shaped<T: DeserializeOwned>(
    collection: &str,
    document: &RawDocument,
    unread: &Unread,
) -> Option<T> {
    match mongodb::bson::from_slice(document.as_bytes()) {
        Ok(read) => Some(read),
        Err(err) => {
            unread.note(collection, document, err.to_string());
            None
        }
    }
}

/// How a user finds a document again: `(toulouse-meteo-compans, hour 2026-11-30T05:00:00Z)`,
/// from its source and its hour or start when it has them, else its `_id`.
fn document_label(document: &RawDocument) -> String {
    let source = document.get_str("source").ok();
    let time = ["hour", "started", "landed_at"]
        .into_iter()
        .find_map(|field| {
            let at = document.get_datetime(field).ok()?;
            Some(format!(
                "{field} {}",
                store::chrono_date(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ))
        });
    match (source, time) {
        (Some(source), Some(time)) => format!("({source}, {time})"),
        (Some(source), None) => format!("({source}, _id {})", id_text(document)),
        (None, _) => format!("(_id {})", id_text(document)),
    }
}

fn id_text(document: &RawDocument) -> String {
    match document.get("_id") {
        Ok(Some(id)) => id
            .to_raw_bson()
            .try_into()
            .map(|id: Bson| id.to_string())
            .unwrap_or_else(|_| "unreadable".to_owned()),
        _ => "missing".to_owned(),
    }
}
