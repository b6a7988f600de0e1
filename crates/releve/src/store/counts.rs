//! How the readers read the counts and hours of stored documents: leniently where a hand
//! edit changes the type and not the meaning, strictly where the value cannot be one relevé
//! wrote. mongosh and most drivers write `5` as a double, so a `count` fixed by hand in the
//! shell reads as the whole number it is; a negative count, a fraction or a count past any
//! real one (which would wrap the report's totals) does not read, and neither does an
//! `hourly` document whose `hour` is not the start of an hour.

use mongodb::bson::{self, Bson};
use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// More records than any hour, run or file holds (a million a second for a week and more):
/// a count past it is not one, and the report's sums of counts cannot overflow.
pub(super) const MOST: i64 = 1_000_000_000_000;

/// A count, for `#[serde(deserialize_with)]`: a whole number from 0 to 10^12, stored as an
/// integer or a double.
pub fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    whole(&Bson::deserialize(deserializer)?).map_err(D::Error::custom)
}

/// An optional count: absent or null is `None`, anything else reads as [`count`].
pub fn optional_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<Bson>::deserialize(deserializer)? {
        None | Some(Bson::Null) => Ok(None),
        Some(value) => whole(&value).map(Some).map_err(D::Error::custom),
    }
}

/// The start of an hour, as every `hour` of `hourly` is, for `#[serde(deserialize_with)]`.
pub fn hour_start<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bson::DateTime, D::Error> {
    let hour = bson::DateTime::deserialize(deserializer)?;
    match hour.timestamp_millis().rem_euclid(3_600_000) {
        0 => Ok(hour),
        _ => Err(D::Error::custom(format!(
            "`hour` {} is not the start of an hour",
            super::chrono_date(hour).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        ))),
    }
}

/// The epoch, for a date no reader needs that a hand-written document lacks.
pub(super) fn epoch() -> bson::DateTime {
    bson::DateTime::from_millis(0)
}

fn whole(value: &Bson) -> Result<i64, String> {
    let number = match value {
        Bson::Int32(n) => Some(i64::from(*n)),
        Bson::Int64(n) => Some(*n),
        // Exact below 2^53, and MOST is far below it.
        Bson::Double(x) if x.fract() == 0.0 && x.abs() <= MOST as f64 => Some(*x as i64),
        _ => None,
    };
    number.filter(|n| (0..=MOST).contains(n)).ok_or_else(|| {
        format!("a count is a whole number from 0 to 1,000,000,000,000, not {value}")
    })
}

#[cfg(test)]
mod tests {
    use mongodb::bson::{self, doc};
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Counted {
        #[serde(deserialize_with = "super::count")]
        count: i64,
        #[serde(default, deserialize_with = "super::optional_count")]
        announced: Option<i64>,
    }

    fn read(document: bson::Document) -> Result<Counted, String> {
        bson::from_document(document).map_err(|err| err.to_string())
    }

    #[test]
    fn a_count_written_as_a_whole_double_reads_and_no_other_non_count_does() {
        let read_count = |count: bson::Bson| read(doc! {"count": count}).map(|c| c.count);
        assert_eq!(read_count(5_i32.into()), Ok(5));
        assert_eq!(read_count(5_i64.into()), Ok(5));
        assert_eq!(
            read_count(5.0.into()),
            Ok(5),
            "mongosh writes 5 as a double"
        );
        for bad in [
            bson::Bson::from(5.5),
            bson::Bson::from(-4),
            bson::Bson::from(1_i64 << 62),
            bson::Bson::from("5"),
            bson::Bson::Null,
        ] {
            let err = read_count(bad.clone()).expect_err("not a count");
            assert!(err.contains("a count is a whole number"), "{bad}: {err}");
        }
    }

    #[test]
    fn an_optional_count_may_be_absent_or_null() {
        assert_eq!(read(doc! {"count": 1}).map(|c| c.announced), Ok(None));
        assert_eq!(
            read(doc! {"count": 1, "announced": null}).map(|c| c.announced),
            Ok(None)
        );
        assert_eq!(
            read(doc! {"count": 1, "announced": 12.0}).map(|c| c.announced),
            Ok(Some(12))
        );
        assert!(read(doc! {"count": 1, "announced": -1}).is_err());
    }
}
