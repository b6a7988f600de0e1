//! Hourly statistics: the facts a summary needs from one record, and how a source's records of
//! one UTC hour fold into an [`HourlySummary`]. Records are folded in key order so the same
//! records always give bit-identical sums, whatever order they were read in.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use mongodb::bson;
use releve::Source;
use releve::record::{FieldPath, category, number};
use releve::store::{
    BoundingBox, CategoryCounts, HourlySummary, NumericSummary, ValueCount, bson_date,
};
use serde_json::Value;

/// Category values kept by name; the rest are counted in `other`.
const TOP_VALUES: usize = releve::store::TOP_CATEGORY_VALUES;

/// A record's value of one numeric field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// A number within the field's `plausible` range, if it has one.
    Number(f64),
    /// No number: missing, null or not numeric (`"ND"`).
    Missing,
    /// A number outside the field's `plausible` range.
    Implausible,
}

/// What one record contributes to its hour's summary, in the source's field order.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// One entry per configured numeric field.
    pub numbers: Vec<Reading>,
    /// One entry per configured category field.
    pub categories: Vec<Option<String>>,
    /// Longitude and latitude, when the source is positioned and both are numbers on the globe.
    pub position: Option<(f64, f64)>,
}

impl Facts {
    /// Reads the configured fields of `record`.
    pub fn of(source: &Source, record: &Value) -> Facts {
        Facts {
            numbers: source
                .numeric
                .iter()
                .map(|path| reading(source, path, record))
                .collect(),
            categories: source
                .categories
                .iter()
                .map(|path| path.get(record).and_then(category))
                .collect(),
            position: source.position().and_then(|(lon, lat)| {
                releve::record::on_globe(
                    lon.get(record).and_then(number)?,
                    lat.get(record).and_then(number)?,
                )
            }),
        }
    }

    /// True when a `numeric` field holds a number, or the source has none: false for a row
    /// published ahead of its values (éCO2mix's rows of the day to come).
    pub fn holds_a_number(&self) -> bool {
        self.numbers.is_empty()
            || self
                .numbers
                .iter()
                .any(|reading| !matches!(reading, Reading::Missing))
    }
}

/// The top-level fields of a record [`Facts::of`] reads (those its `numeric`, `categories`,
/// `lon` and `lat` start with), so that records read back to be summarised bring those alone
/// of their `data`; `None` when it reads the whole record (a path naming the record itself) or
/// a field MongoDB cannot project by its name (holding a `.`, or starting with `$`).
pub fn facts_fields(source: &Source) -> Option<BTreeSet<&str>> {
    let position = source
        .position()
        .map(|(lon, lat)| [lon, lat])
        .into_iter()
        .flatten();
    source
        .numeric
        .iter()
        .chain(&source.categories)
        .chain(position)
        .map(|path| {
            path.segments()
                .first()
                .map(String::as_str)
                .filter(|name| !name.is_empty() && !name.contains('.') && !name.starts_with('$'))
        })
        .collect()
}

fn reading(source: &Source, path: &FieldPath, record: &Value) -> Reading {
    let Some(value) = path.get(record).and_then(number) else {
        return Reading::Missing;
    };
    if source.is_plausible(path, value) {
        Reading::Number(value)
    } else {
        Reading::Implausible
    }
}

pub use releve::store::hour_of;

#[derive(Default)]
struct NumericFold {
    count: i64,
    nulls: i64,
    implausible: i64,
    min: Option<f64>,
    max: Option<f64>,
    sum: f64,
    /// The mean so far, kept apart from `sum`: it never overflows, so it still holds when the
    /// sum goes past a double's range (two readings of 1.7e308).
    running_mean: f64,
}

#[derive(Default)]
struct CategoryFold {
    counts: HashMap<String, i64>,
    nulls: i64,
}

/// The records of one source in one hour, folded one at a time.
pub struct HourBucket {
    count: i64,
    numeric: Vec<NumericFold>,
    categories: Vec<CategoryFold>,
    bbox: Option<BoundingBox>,
}

impl HourBucket {
    /// An empty hour of `source`.
    pub fn new(source: &Source) -> HourBucket {
        HourBucket {
            count: 0,
            numeric: source
                .numeric
                .iter()
                .map(|_| NumericFold::default())
                .collect(),
            categories: source
                .categories
                .iter()
                .map(|_| CategoryFold::default())
                .collect(),
            bbox: None,
        }
    }

    /// Adds one distinct record.
    pub fn add(&mut self, facts: &Facts) {
        self.count += 1;
        for (fold, value) in self.numeric.iter_mut().zip(&facts.numbers) {
            match *value {
                Reading::Number(v) => {
                    fold.count += 1;
                    fold.sum += v;
                    let n = fold.count as f64;
                    fold.running_mean = fold.running_mean * ((n - 1.0) / n) + v / n;
                    fold.min = Some(fold.min.map_or(v, |m| m.min(v)));
                    fold.max = Some(fold.max.map_or(v, |m| m.max(v)));
                }
                Reading::Missing => fold.nulls += 1,
                Reading::Implausible => fold.implausible += 1,
            }
        }
        for (fold, value) in self.categories.iter_mut().zip(&facts.categories) {
            match value {
                // The value is copied once, when first seen.
                Some(v) => match fold.counts.get_mut(v.as_str()) {
                    Some(count) => *count += 1,
                    None => {
                        fold.counts.insert(v.clone(), 1);
                    }
                },
                None => fold.nulls += 1,
            }
        }
        if let Some((lon, lat)) = facts.position {
            let point = BoundingBox::around(lon, lat);
            self.bbox = Some(self.bbox.map_or(point, |b| b.union(point)));
        }
    }

    /// The summary document of the hour starting at `hour`.
    pub fn finish(
        self,
        source: &Source,
        hour: DateTime<Utc>,
        updated_at: bson::DateTime,
    ) -> HourlySummary {
        let numeric = source
            .numeric
            .iter()
            .zip(self.numeric)
            .map(|(path, fold)| NumericSummary {
                field: path.as_str().to_owned(),
                count: fold.count,
                nulls: fold.nulls,
                implausible: fold.implausible,
                min: fold.min,
                max: fold.max,
                // Rounding can put a quotient past the extremes (three readings of 0.1 add
                // up to 0.30000000000000004): a mean lies between them.
                #[allow(clippy::cast_precision_loss)]
                mean: fold.min.zip(fold.max).map(|(min, max)| {
                    if fold.sum.is_finite() {
                        fold.sum / fold.count as f64
                    } else {
                        fold.running_mean
                    }
                    .clamp(min, max)
                }),
                // A running sum that went past a double's range stays infinite even when later
                // readings bring the total back within it: the mean, which never overflows,
                // gives it then. MongoDB-compatible servers need not store an infinity: past a
                // double's range the sum saturates (documented).
                #[allow(clippy::cast_precision_loss)]
                sum: if fold.sum.is_finite() {
                    fold.sum
                } else {
                    fold.running_mean * fold.count as f64
                }
                .clamp(f64::MIN, f64::MAX),
            })
            .collect();
        let categories = source
            .categories
            .iter()
            .zip(self.categories)
            .map(|(path, fold)| top_values(path.as_str(), fold))
            .collect();
        HourlySummary {
            source: source.name.clone(),
            hour: bson_date(hour),
            count: self.count,
            numeric,
            categories,
            bbox: self.bbox,
            updated_at,
        }
    }
}

fn top_values(field: &str, fold: CategoryFold) -> CategoryCounts {
    let mut values: Vec<ValueCount> = fold
        .counts
        .into_iter()
        .map(|(value, count)| ValueCount { value, count })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    let other = values.iter().skip(TOP_VALUES).map(|v| v.count).sum();
    values.truncate(TOP_VALUES);
    CategoryCounts {
        field: field.to_owned(),
        values,
        other,
        nulls: fold.nulls,
    }
}

/// Summarises hours from `(hour, key, facts)` triples of distinct records, in any order.
pub fn summarise_hours(
    source: &Source,
    mut records: Vec<(DateTime<Utc>, String, Facts)>,
    updated_at: bson::DateTime,
) -> Vec<HourlySummary> {
    records.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut summaries = Vec::new();
    let mut current: Option<(DateTime<Utc>, HourBucket)> = None;
    for (hour, _, facts) in &records {
        match &mut current {
            Some((h, bucket)) if h == hour => bucket.add(facts),
            _ => {
                if let Some((h, bucket)) = current.take() {
                    summaries.push(bucket.finish(source, h, updated_at));
                }
                let mut bucket = HourBucket::new(source);
                bucket.add(facts);
                current = Some((*hour, bucket));
            }
        }
    }
    if let Some((h, bucket)) = current {
        summaries.push(bucket.finish(source, h, updated_at));
    }
    summaries
}

#[cfg(test)]
mod tests;
