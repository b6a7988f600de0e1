//! relevé's indexes, made at each summariser run, and those found in their place: a database
//! restored from another server (mongorestore of nx-27017's dump, whose indexes bear its own
//! names) or indexed by hand holds indexes with relevé's keys under other names, which MongoDB
//! will not make again under relevé's (code 85). One with the same keys and options serves as
//! relevé's; one with other options is named, with how to drop it. Documents with the same
//! keys keeping a unique index of relevé's from being made (E11000) are said, with how to find
//! them.

use std::time::Duration;

use mongodb::bson::{Bson, Document, doc};
use mongodb::error::{Error, ErrorKind};
use mongodb::options::IndexOptions;
use mongodb::{Database, IndexModel};

use super::{HOURLY, RECORDS, REJECTED, REJECTED_RECORDS, RUNS, RUNS_KEPT, StoreError};

mod duplicates;

/// MongoDB's `IndexOptionsConflict`: an index with the same keys and options exists under
/// another name, or one with the same name and other options.
const INDEX_OPTIONS_CONFLICT: i32 = 85;
/// MongoDB's `IndexKeySpecsConflict`: an index bears the name asked for, on other keys.
const INDEX_KEY_SPECS_CONFLICT: i32 = 86;
/// MongoDB's `DuplicateKey`: a unique index's build met documents with the same keys.
const DUPLICATE_KEY: i32 = 11000;

/// relevé's indexes, by collection.
fn releve_indexes() -> [(&'static str, Vec<IndexModel>); 5] {
    let unique = || IndexOptions::builder().unique(true).build();
    let expiring = |after| IndexOptions::builder().expire_after(after).build();
    let index = |keys, options| IndexModel::builder().keys(keys).options(options).build();
    [
        (
            HOURLY,
            vec![index(doc! {"source": 1, "hour": 1}, Some(unique()))],
        ),
        (
            RECORDS,
            vec![
                index(doc! {"source": 1, "key": 1}, Some(unique())),
                index(doc! {"source": 1, "hour": 1}, None),
                index(doc! {"expire_at": 1}, Some(expiring(Duration::ZERO))),
            ],
        ),
        (
            RUNS,
            vec![
                index(doc! {"source": 1, "started": 1, "file": 1}, Some(unique())),
                index(doc! {"finished": 1}, Some(expiring(RUNS_KEPT))),
            ],
        ),
        (
            REJECTED,
            vec![
                index(doc! {"source": 1, "file": 1}, Some(unique())),
                index(doc! {"landed_at": 1}, Some(expiring(RUNS_KEPT))),
            ],
        ),
        (
            REJECTED_RECORDS,
            vec![
                index(doc! {"source": 1, "hash": 1}, Some(unique())),
                index(doc! {"landed_at": 1}, Some(expiring(RUNS_KEPT))),
            ],
        ),
    ]
}

/// Ensures relevé's indexes, one `createIndexes` command a collection: an index already
/// there with the same options is left as it is, under whatever name; one there with other
/// options fails the run, named; so do documents keeping a unique index from being made.
pub(super) async fn ensure_indexes(db: &Database) -> Result<(), StoreError> {
    for (collection, models) in releve_indexes() {
        let created = db
            .collection::<Document>(collection)
            .create_indexes(models.clone())
            .await;
        match created {
            Ok(_) => {}
            Err(cause)
                if refused_with(&cause, &[INDEX_OPTIONS_CONFLICT, INDEX_KEY_SPECS_CONFLICT]) =>
            {
                let missing = missing(db, collection, models.clone()).await?;
                if !missing.is_empty() {
                    db.collection::<Document>(collection)
                        .create_indexes(missing)
                        .await
                        .map_err(|cause| not_made(collection, &models, cause))?;
                }
            }
            Err(cause) => return Err(not_made(collection, &models, cause)),
        }
    }
    Ok(())
}

/// Whether MongoDB refused a command with one of `codes`.
fn refused_with(cause: &Error, codes: &[i32]) -> bool {
    matches!(
        cause.kind.as_ref(),
        ErrorKind::Command(refusal) if codes.contains(&refusal.code)
    )
}

/// The failure to make `models` on `collection`: when documents with the same keys keep its
/// unique index from being made, which keys, and how to find those documents.
fn not_made(collection: &str, models: &[IndexModel], cause: Error) -> StoreError {
    let unique = models.iter().find(|model| Wanted::of(model).unique);
    match unique {
        Some(model) if refused_with(&cause, &[DUPLICATE_KEY]) => {
            duplicates::blocking(collection, &model.keys, &cause)
        }
        _ => StoreError::command(&format!("index creation on `{collection}`"))(cause),
    }
}

/// Those of `models` that `collection` holds no index on the same keys of; fails naming one
/// on the same keys with other options.
async fn missing(
    db: &Database,
    collection: &str,
    models: Vec<IndexModel>,
) -> Result<Vec<IndexModel>, StoreError> {
    let mut found = Vec::new();
    super::each_found(
        db.run_cursor_command(doc! {"listIndexes": collection}),
        &format!("listing of the indexes of `{collection}`"),
        |index: Document| found.push(index),
    )
    .await?;
    let mut missing = Vec::new();
    for model in models {
        let wanted = Wanted::of(&model);
        let same_keys: Vec<&Document> = found
            .iter()
            .filter(|index| {
                index
                    .get_document("key")
                    .is_ok_and(|keys| same_keys(keys, &model.keys))
            })
            .collect();
        if same_keys.iter().any(|index| Wanted::found(index) == wanted) {
            continue;
        }
        match same_keys.first() {
            Some(index) => return Err(differs(collection, index, &model.keys, wanted)),
            None => missing.push(model),
        }
    }
    Ok(missing)
}

/// The options relevé's indexes differ by.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Wanted {
    /// Whether the index refuses two documents with the same keys.
    unique: bool,
    /// After how many seconds past its date MongoDB deletes a document, if it does.
    expire_after_s: Option<i64>,
}

impl Wanted {
    /// The options of relevé's `model`.
    fn of(model: &IndexModel) -> Wanted {
        let options = model.options.as_ref();
        Wanted {
            unique: options.and_then(|options| options.unique) == Some(true),
            expire_after_s: options
                .and_then(|options| options.expire_after)
                .map(|after| i64::try_from(after.as_secs()).unwrap_or(i64::MAX)),
        }
    }

    /// The options of an index as `listIndexes` lists it.
    fn found(index: &Document) -> Wanted {
        Wanted {
            unique: match index.get("unique") {
                Some(Bson::Boolean(unique)) => *unique,
                Some(number) => number_of(number).is_some_and(|n| n != 0.0),
                None => false,
            },
            expire_after_s: index
                .get("expireAfterSeconds")
                .and_then(number_of)
                .map(|seconds| seconds as i64),
        }
    }
}

/// A BSON number as a float (an index's direction or option, written as any of them).
fn number_of(value: &Bson) -> Option<f64> {
    match value {
        Bson::Int32(n) => Some(f64::from(*n)),
        Bson::Int64(n) => Some(*n as f64),
        Bson::Double(n) => Some(*n),
        _ => None,
    }
}

/// Whether two key patterns index the same fields in the same order and directions (`1`,
/// `1.0` and `NumberLong(1)` alike).
fn same_keys(found: &Document, wanted: &Document) -> bool {
    found.len() == wanted.len()
        && found.iter().zip(wanted).all(|((field, by), (on, how))| {
            field == on
                && match (number_of(by), number_of(how)) {
                    (Some(by), Some(how)) => by == how,
                    _ => by == how,
                }
        })
}

/// The failure naming `index` of `collection`, on relevé's `keys` with other options than
/// `wanted`.
fn differs(collection: &str, index: &Document, keys: &Document, wanted: Wanted) -> StoreError {
    let found = Wanted::found(index);
    let what = if found.unique == wanted.unique {
        let seconds = |after: Option<i64>| after.map_or("not set".to_owned(), |s| s.to_string());
        format!(
            "its `expireAfterSeconds` is {}, relevé's {}",
            seconds(found.expire_after_s),
            seconds(wanted.expire_after_s)
        )
    } else {
        format!(
            "its `unique` is {}, relevé's {}",
            found.unique, wanted.unique
        )
    };
    StoreError::IndexDiffers {
        collection: collection.to_owned(),
        name: index.get_str("name").unwrap_or("without a name").to_owned(),
        keys: keys.to_string(),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_same_in_any_number_type_and_only_in_the_same_order() {
        let releve = doc! {"source": 1, "hour": 1};
        assert!(same_keys(&doc! {"source": 1.0, "hour": 1_i64}, &releve));
        assert!(!same_keys(&doc! {"hour": 1, "source": 1}, &releve));
        assert!(!same_keys(&doc! {"source": 1, "hour": -1}, &releve));
        assert!(!same_keys(&doc! {"source": 1}, &releve));
    }

    /// Before MongoDB 5 (where `unique` is not part of an index's identity), one on relevé's
    /// keys that is not unique is refused as the same (code 85).
    #[test]
    fn an_index_differing_by_unique_says_both() {
        let index = doc! {"name": "mine", "key": {"source": 1, "hour": 1}};
        let wanted = Wanted {
            unique: true,
            expire_after_s: None,
        };
        let said = differs("hourly", &index, &doc! {"source": 1, "hour": 1}, wanted).to_string();
        assert!(
            said.contains("`hourly` index `mine`")
                && said.contains("its `unique` is false, relevé's true")
                && said.contains("db.hourly.dropIndex(\"mine\")"),
            "{said}"
        );
    }

    #[test]
    fn an_index_differing_by_its_expiry_says_both() {
        let index =
            doc! {"name": "idx_runs_finished", "key": {"finished": 1}, "expireAfterSeconds": 60};
        let wanted = Wanted {
            unique: false,
            expire_after_s: Some(7_776_000),
        };
        let said = differs("runs", &index, &doc! {"finished": 1}, wanted).to_string();
        assert!(
            said.contains("`idx_runs_finished`")
                && said.contains("its `expireAfterSeconds` is 60, relevé's 7776000")
                && said.contains("db.runs.dropIndex(\"idx_runs_finished\")"),
            "{said}"
        );
    }
}
