//! Documents with the same keys, which keep MongoDB from making one of relevé's unique
//! indexes (E11000 at its build, on any version): which keys, and the mongosh command that
//! finds them.

use mongodb::bson::Document;
use mongodb::error::Error;

use crate::store::StoreError;
use crate::store::error::gist;

/// The failure to make relevé's unique index on `keys` of `collection`, refused by MongoDB
/// as `cause` for documents with the same keys.
pub(super) fn blocking(collection: &str, keys: &Document, cause: &Error) -> StoreError {
    let said = gist(cause);
    // MongoDB's words start with the build's and the collection's ids; from `E11000` on they
    // name the index and the first keys found twice.
    let said = said
        .find("E11000")
        .map_or(said.as_str(), |at| &said[at..])
        .to_owned();
    StoreError::DuplicatesBlockIndex {
        collection: collection.to_owned(),
        fields: fields(keys),
        keys: keys.to_string(),
        said,
        find: finding(collection, keys),
    }
}

/// The fields of `keys`, in words: `` `source` and `hour` ``.
fn fields(keys: &Document) -> String {
    let named: Vec<String> = keys.keys().map(|field| format!("`{field}`")).collect();
    match named.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, others)) => format!("{} and {last}", others.join(", ")),
        None => String::new(),
    }
}

/// The mongosh command listing the keys of `collection` held by more than one document, with
/// how many hold each.
fn finding(collection: &str, keys: &Document) -> String {
    let grouped: Vec<String> = keys
        .keys()
        .map(|field| format!("\"{field}\": \"${field}\""))
        .collect();
    format!(
        "db.{collection}.aggregate([{{$group: {{_id: {{{}}}, documents: {{$sum: 1}}}}}}, \
         {{$match: {{documents: {{$gt: 1}}}}}}])",
        grouped.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use mongodb::bson::doc;

    use super::*;

    #[test]
    fn the_keys_are_said_in_words_and_grouped_on_to_find_the_duplicates() {
        let keys = doc! {"source": 1, "started": 1, "file": 1};
        assert_eq!(fields(&keys), "`source`, `started` and `file`");
        assert_eq!(
            fields(&doc! {"source": 1, "hour": 1}),
            "`source` and `hour`"
        );
        assert_eq!(
            finding("runs", &keys),
            "db.runs.aggregate([{$group: {_id: {\"source\": \"$source\", \"started\": \
             \"$started\", \"file\": \"$file\"}, documents: {$sum: 1}}}, \
             {$match: {documents: {$gt: 1}}}])"
        );
    }
}
