//! `highest`: the record of a numeric field's highest value, which the report names under the
//! field's chart by its time and, when configured, the fields saying what kind of value it is
//! and where it was taken (USGS's strongest earthquake: its `magType` and its `place`).

use serde::Deserialize;

use crate::record::FieldPath;

/// Which numeric field's highest record the report names, and by which of its fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Highest {
    /// One of the source's `numeric` fields (not a `totals` one).
    pub field: FieldPath,
    /// A field qualifying the value, said after it (USGS's `properties.magType`: `mww`).
    pub kind: Option<FieldPath>,
    /// A field naming where the record was taken (USGS's `properties.place`).
    pub place: Option<FieldPath>,
}

impl Highest {
    /// Its paths, each with the name `sources.toml` gives it.
    pub fn paths(&self) -> impl Iterator<Item = (&'static str, &FieldPath)> {
        [
            ("field", Some(&self.field)),
            ("kind", self.kind.as_ref()),
            ("place", self.place.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, path)| Some((name, path?)))
    }
}
