//! The hourly table: one row per UTC hour of the period (for daily values, of its days), each
//! numeric field's statistics.

use std::io::Write;

use chrono::SecondsFormat;
use mongodb::Database;
use mongodb::bson::doc;
use releve::store::{self, HourlySummary};
use releve::{Resolution, Source};
use serde_json::Value;

use super::TableError;
use super::clock::Clock;
use crate::period::{ReportPeriod, local_day};
use crate::reading::{self, Unread};

/// One row per UTC hour of the period (for daily values, the hours of its days, see
/// `period::local_day`) that `hourly` holds: `hour`, for daily values `day` (the report zone's
/// day the hour counts in), `count`, then per numeric
/// field its count, nulls, implausible values (outside `plausible`, left out of the others), min,
/// mean, max and sum (empty when the hour lacks the field), their decimals as the `clock`'s
/// layout writes them, the hours on the `clock`.
pub(super) async fn hourly_table<W: Write>(
    db: &Database,
    source: &Source,
    period: &ReportPeriod,
    unread: &Unread,
    csv: &mut csv::Writer<W>,
    rows: &mut u64,
    clock: Clock,
) -> Result<(), TableError> {
    let layout = clock.layout();
    const STATS: [&str; 7] = ["count", "nulls", "implausible", "min", "mean", "max", "sum"];
    let daily = source.resolution == Resolution::Day;
    let mut header = vec![clock.heading("hour")];
    if daily {
        header.push("day".to_owned());
    }
    header.push("count".to_owned());
    for field in &source.numeric {
        header.extend(STATS.iter().map(|stat| format!("{field} {stat}")));
    }
    csv.write_record(&header)?;
    let filter = crate::query::hours_of(source, period);
    let options = mongodb::options::FindOptions::builder()
        .sort(doc! {"hour": 1})
        .build();
    let action = format!("reading `hourly` of {}", source.name);
    let hours: Vec<HourlySummary> =
        reading::find_all(db, store::HOURLY, filter, options, &action, unread).await?;
    for hour in &hours {
        let at = store::chrono_date(hour.hour);
        let mut row = vec![clock.time(at, SecondsFormat::Secs)];
        if daily {
            row.push(local_day(at, period.tz, Resolution::Day).to_string());
        }
        row.push(hour.count.to_string());
        for field in &source.numeric {
            match hour.numeric.iter().find(|n| n.field == field.as_str()) {
                Some(n) => row.extend([
                    n.count.to_string(),
                    n.nulls.to_string(),
                    n.implausible.to_string(),
                    layout.number(reading(n.min)),
                    layout.number(mean(n.mean, n.min, n.max)),
                    layout.number(reading(n.max)),
                    layout.number(computed(Some(n.sum))),
                ]),
                None => row.extend(STATS.iter().map(|_| String::new())),
            }
        }
        csv.write_record(&row)?;
        *rows += 1;
    }
    Ok(())
}

/// A reading (a min, a max) as a cell: as JSON writes the double, nothing when there is none.
fn reading(value: Option<f64>) -> String {
    value
        .map(|x| Value::from(x).to_string())
        .unwrap_or_default()
}

/// A statistic computed from readings (a mean, a sum) as a cell, to 15 significant digits:
/// its arithmetic's rounding error past them (`29.399999999999995` for a mean of 29.4) is no
/// reading's.
fn computed(value: Option<f64>) -> String {
    reading(value.map(to_15_digits))
}

/// A mean as [`computed`] writes it, kept within the `min` and `max` written beside it: a
/// reading of more than 15 significant digits (a USGS longitude, `-159.37576306563093`) is
/// its hour's mean alone, which rounding would put past it.
fn mean(value: Option<f64>, min: Option<f64>, max: Option<f64>) -> String {
    let rounded = value.map(to_15_digits).map(|mean| match (min, max) {
        (Some(min), _) if mean < min => min,
        (_, Some(max)) if mean > max => max,
        _ => mean,
    });
    reading(rounded)
}

fn to_15_digits(x: f64) -> f64 {
    format!("{x:.14e}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::{computed, mean, reading};

    #[test]
    fn a_computed_statistic_keeps_15_significant_digits_not_its_rounding_error() {
        assert_eq!(computed(Some(29.399999999999995)), "29.4");
        assert_eq!(computed(Some(88.19999999999999)), "88.2");
        assert_eq!(computed(Some(0.1 + 0.2)), "0.3");
        assert_eq!(computed(Some(2.3844444444444446)), "2.38444444444444");
        assert_eq!(computed(Some(1_586.0)), "1586.0");
        assert_eq!(computed(Some(-0.000_012_5)), "-0.0000125");
        assert_eq!(computed(None), "");
        assert_eq!(
            reading(Some(1_764_759_600_123_456.0)),
            "1764759600123456.0",
            "a reading is written as stored"
        );
    }

    #[test]
    fn a_mean_rounded_past_its_hours_min_or_max_is_written_as_that_bound() {
        let lone = -159.375_763_065_630_93;
        assert_eq!(
            mean(Some(lone), Some(lone), Some(lone)),
            "-159.37576306563093"
        );
        assert_eq!(
            mean(
                Some(1_764_759_600_123_456.0),
                Some(1.0),
                Some(1_764_759_600_123_456.0)
            ),
            "1764759600123456.0"
        );
        assert_eq!(
            mean(Some(29.399999999999995), Some(29.0), Some(30.0)),
            "29.4"
        );
        assert_eq!(mean(None, None, None), "");
    }
}
