//! The sentence under a numeric chart naming the record of the period's highest value (its
//! value, kind, place and time: "which earthquake was that, and where?"), for a source's
//! `highest` field, read from `records`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use releve::Source;
use releve::store::NumericSummary;

use crate::format::{after_value, counted, grouped, local_time, repeated_offset, value};
use crate::highest::HighestRecord;
use crate::naming::{name_of, unit_of};

/// `Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, at 2026-12-07 10:04
/// CET.`, with `, the first of 3 records of 4.5` when others share it; when the summaries count
/// records no longer read (`keep_days`), which may have held it too, with `among the 12 still
/// stored of the period's 40` (`, the only record of 4.5 among …` when no other read holds it),
/// said when another hour than the record's reached the value.
/// `None` when the record read is not of the highest value the summaries (`stats`, one per
/// hour) hold: its hour's records are no longer stored (`keep_days`) or changed since, and the
/// chart's caption alone says the maximum, with its hour.
pub(super) fn highest_said(
    source: &Source,
    record: &HighestRecord,
    stats: &[Option<&NumericSummary>],
    summarised_records: i64,
    tz: Tz,
) -> Option<String> {
    let summarised_max = stats
        .iter()
        .flatten()
        .filter_map(|n| n.max)
        .fold(f64::NEG_INFINITY, f64::max);
    if summarised_max != record.value {
        return None;
    }
    let field = record.field.as_str();
    let shown = format!(
        "{}{}",
        value(record.value),
        after_value(unit_of(source, field))
    );
    let kind = record
        .kind
        .as_deref()
        .map(|kind| format!(" {kind}"))
        .unwrap_or_default();
    let place = record
        .place
        .as_deref()
        .map(|place| format!(", {place}"))
        .unwrap_or_default();
    // Records of the period no longer stored may have held the value too when another hour
    // than the record's reached it: the line then says it is of those still stored, alone or
    // tied. Reached in one hour only, the record's own, it is the period's.
    let read = i128::from(record.records);
    let hours_reaching_it = stats
        .iter()
        .flatten()
        .filter(|n| n.max == Some(record.value))
        .count();
    let still_stored = match read < i128::from(summarised_records) && hours_reaching_it > 1 {
        true => format!(
            " among the {} still stored of the period's {}",
            grouped(read),
            grouped(summarised_records)
        ),
        false => String::new(),
    };
    let others = match (record.sharing, still_stored.is_empty()) {
        (0 | 1, true) => String::new(),
        (0 | 1, false) => format!(", the only record of {shown}{still_stored}"),
        (n, _) => format!(
            ", the first of {} of {shown}{still_stored}",
            counted(n, "record")
        ),
    };
    Some(format!(
        "Highest {}: {shown}{kind}{place}, at {}{others}.",
        name_of(source, field),
        time_with_zone(record.time, tz)
    ))
}

/// `2026-12-07 10:04 CET`; in an hour a clock change repeats, with its offset instead.
fn time_with_zone(time: DateTime<Utc>, tz: Tz) -> String {
    match repeated_offset(time, tz).is_empty() {
        true => format!(
            "{} {}",
            local_time(time, tz),
            time.with_timezone(&tz).format("%Z")
        ),
        false => local_time(time, tz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usgs() -> Source {
        let text = r#"
[[source]]
name = "usgs-earthquakes"
kind = "http_json"
url = "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson"
every = "1m"
records = "features"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
labels = { "properties.mag" = "magnitude (mixed types)" }
highest = { field = "properties.mag", kind = "properties.magType", place = "properties.place" }
"#;
        let config = releve::Config::parse(text, std::path::Path::new("sources.toml"));
        config.expect("valid").sources[0].clone()
    }

    fn summary(max: f64) -> NumericSummary {
        NumericSummary {
            field: "properties.mag".to_owned(),
            count: 2,
            nulls: 0,
            implausible: 0,
            min: Some(1.0),
            max: Some(max),
            mean: Some(2.0),
            sum: 4.0,
        }
    }

    fn record(sharing: u64, records: u64) -> HighestRecord {
        HighestRecord {
            field: "properties.mag".to_owned(),
            value: 4.5,
            time: "2026-12-07T09:04:31Z".parse().expect("a time"),
            kind: Some("mww".to_owned()),
            place: Some("12 km SW of Ridgecrest, CA".to_owned()),
            sharing,
            records,
        }
    }

    /// The strongest event is named by its magnitude, type, place and local time; ties say how
    /// many share it, and a record of another value than the summaries' maximum is not named.
    #[test]
    fn the_strongest_earthquake_is_named_with_its_place_and_time() {
        let source = usgs();
        let (high, low) = (summary(4.5), summary(3.0));
        let stats = [Some(&low), None, Some(&high)];
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            highest_said(&source, &record(1, 4), &stats, 4, paris).as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 10:04 CET."
            )
        );
        assert_eq!(
            highest_said(&source, &record(3, 4), &stats, 4, paris).as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 10:04 CET, the first of 3 records of 4.5."
            )
        );
        assert_eq!(
            highest_said(&source, &record(2, 3), &stats, 4, paris).as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 10:04 CET, the first of 2 records of 4.5."
            ),
            "the value reached in the record's hour alone: no record gone held it"
        );
        let stats = [Some(&low), Some(&high), Some(&high)];
        let said = highest_said(&source, &record(2, 3), &stats, 4, paris);
        assert!(
            said.as_deref().is_some_and(|said| said.ends_with(
                "the first of 2 records of 4.5 among the 3 still stored of the period's 4."
            )),
            "{said:?}"
        );
        let expired = [Some(&low)];
        assert_eq!(
            highest_said(&source, &record(1, 4), &expired, 4, paris),
            None
        );
    }

    /// keep_days = 7 and a month's report: an M4.5 of day 3, no longer stored, and one of day
    /// 20, read alone; the line says it is the only one of the records still stored, not the
    /// only one of the period (found by a review).
    #[test]
    fn a_record_read_alone_among_records_expired_says_it_is_of_those_still_stored() {
        let source = usgs();
        let (day_3, day_20) = (summary(4.5), summary(4.5));
        let stats = [Some(&day_3), Some(&day_20)];
        let said = highest_said(&source, &record(1, 2), &stats, 4, chrono_tz::UTC);
        assert_eq!(
            said.as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 09:04 UTC, the only record of 4.5 among the 2 still stored of \
                 the period's 4."
            )
        );
    }
}
