//! The sentence under a numeric chart naming the record of the period's highest value (its
//! value, kind, place and time: "which earthquake was that, and where?"), for a source's
//! `highest` field, read from `records`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use releve::Source;
use releve::store::{HourlySummary, NumericSummary, chrono_date};

use crate::format::{after_value, counted, grouped, local_time, repeated_offset, value};
use crate::highest::HighestRecord;
use crate::naming::{name_of, unit_of};

/// `Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, at 2026-12-07 10:04
/// CET.`, with `, the first of 3 records of 4.5` when others share it; when the summaries count
/// records no longer read (`keep_days`), which may have held it too, with `among the 12 still
/// stored of the period's 40` (`, the only record of 4.5 among …` when no other read holds it),
/// said when an hour whose records are (partly) gone reached the value, the record's own too.
/// `None` when the record read is not of the highest value the summaries (`hourly`, of the
/// field `stats`, one per hour) hold: its hour's records are no longer stored (`keep_days`) or
/// changed since, and the chart's caption alone says the maximum, with its hour.
pub(super) fn highest_said(
    source: &Source,
    record: &HighestRecord,
    hourly: &[Option<&HourlySummary>],
    stats: &[Option<&NumericSummary>],
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
    // Records no longer stored may have held the value too when an hour some of whose records
    // are gone reached it: the line then says it is of those still stored, alone or tied.
    let read = i128::from(record.records());
    let summarised_records: i64 = hourly.iter().flatten().map(|hour| hour.count).sum();
    let gone_held_it = hourly.iter().zip(stats).any(|(hour, n)| match (hour, n) {
        (Some(hour), Some(n)) => {
            n.max == Some(record.value)
                && i128::from(record.read_in(chrono_date(hour.hour))) < i128::from(hour.count)
        }
        _ => false,
    });
    let still_stored = match gone_held_it {
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

    /// The summary of the UTC hour `hour` (`HH`, of 2026-12-07) counting `count` records, its
    /// magnitudes up to `max`.
    fn hour(hour: &str, count: i64, max: f64) -> HourlySummary {
        let start: DateTime<Utc> = format!("2026-12-07T{hour}:00:00Z")
            .parse()
            .expect("an hour");
        HourlySummary {
            source: "usgs-earthquakes".to_owned(),
            hour: releve::store::bson_date(start),
            count,
            numeric: vec![NumericSummary {
                field: "properties.mag".to_owned(),
                count,
                nulls: 0,
                implausible: 0,
                min: Some(1.0),
                max: Some(max),
                mean: Some(2.0),
                sum: 4.0,
            }],
            categories: Vec::new(),
            bbox: None,
            updated_at: releve::store::bson_date(start),
        }
    }

    /// The record of 4.5 first in time, `sharing` it, of `read` records by their hour (`HH`).
    fn record(sharing: u64, read: &[(&str, u64)]) -> HighestRecord {
        let read_by_hour = read
            .iter()
            .map(|(hour, n)| {
                let start = format!("2026-12-07T{hour}:00:00Z")
                    .parse()
                    .expect("an hour");
                (start, *n)
            })
            .collect();
        HighestRecord {
            field: "properties.mag".to_owned(),
            value: 4.5,
            time: "2026-12-07T09:04:31Z".parse().expect("a time"),
            kind: Some("mww".to_owned()),
            place: Some("12 km SW of Ridgecrest, CA".to_owned()),
            sharing,
            read_by_hour,
        }
    }

    /// The line of `record` under the chart of `hours`, in `tz`.
    fn said(record: &HighestRecord, hours: &[Option<HourlySummary>], tz: Tz) -> Option<String> {
        let hourly: Vec<Option<&HourlySummary>> = hours.iter().map(Option::as_ref).collect();
        let stats: Vec<Option<&NumericSummary>> = hourly
            .iter()
            .map(|hour| hour.and_then(|hour| hour.numeric.first()))
            .collect();
        highest_said(&usgs(), record, &hourly, &stats, tz)
    }

    /// The strongest event is named by its magnitude, type, place and local time; ties say how
    /// many share it, and a record of another value than the summaries' maximum is not named.
    #[test]
    fn the_strongest_earthquake_is_named_with_its_place_and_time() {
        let hours = [Some(hour("07", 2, 3.0)), None, Some(hour("09", 2, 4.5))];
        let paris = chrono_tz::Europe::Paris;
        let all_read = [("07", 2), ("09", 2)];
        assert_eq!(
            said(&record(1, &all_read), &hours, paris).as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 10:04 CET."
            )
        );
        assert_eq!(
            said(&record(3, &all_read), &hours, paris).as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 10:04 CET, the first of 3 records of 4.5."
            )
        );
        assert_eq!(
            said(&record(2, &[("07", 1), ("09", 2)]), &hours, paris).as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 10:04 CET, the first of 2 records of 4.5."
            ),
            "a record gone of an hour below the value: none gone held it"
        );
        let hours = [
            Some(hour("07", 1, 3.0)),
            Some(hour("08", 1, 4.5)),
            Some(hour("09", 2, 4.5)),
        ];
        let line = said(&record(2, &[("07", 1), ("09", 2)]), &hours, paris);
        assert!(
            line.as_deref().is_some_and(|line| line.ends_with(
                "the first of 2 records of 4.5 among the 3 still stored of the period's 4."
            )),
            "{line:?}"
        );
        let expired = [Some(hour("07", 2, 3.0))];
        assert_eq!(said(&record(1, &[("09", 1)]), &expired, paris), None);
    }

    /// keep_days = 7 and a month's report: an M4.5 of day 3, no longer stored, and one of day
    /// 20, read alone; the line says it is the only one of the records still stored, not the
    /// only one of the period (found by a review).
    #[test]
    fn a_record_read_alone_among_records_expired_says_it_is_of_those_still_stored() {
        let hours = [Some(hour("03", 2, 4.5)), Some(hour("09", 2, 4.5))];
        let line = said(&record(1, &[("09", 2)]), &hours, chrono_tz::UTC);
        assert_eq!(
            line.as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 09:04 UTC, the only record of 4.5 among the 2 still stored of \
                 the period's 4."
            )
        );
    }

    /// Two hours reached 4.5, every record of both still read; an hour of weaker records lost
    /// some (keep_days): none of the records gone held 4.5, and the line said "among the 4
    /// still stored" all the same (found by a review). It says the period's record.
    #[test]
    fn hours_reaching_the_value_all_read_say_no_records_gone() {
        let hours = [
            Some(hour("07", 3, 3.0)),
            Some(hour("08", 2, 4.5)),
            Some(hour("09", 1, 4.5)),
        ];
        let line = said(
            &record(2, &[("07", 1), ("08", 2), ("09", 1)]),
            &hours,
            chrono_tz::UTC,
        );
        assert_eq!(
            line.as_deref(),
            Some(
                "Highest magnitude (mixed types): 4.5 mww, 12 km SW of Ridgecrest, CA, \
                 at 2026-12-07 09:04 UTC, the first of 2 records of 4.5."
            )
        );
    }

    /// The record's own hour alone reached 4.5, and some of its records are gone (keep_days):
    /// they may have held 4.5 too, and the line said the period's record without a word of
    /// them (found by a review). It says it is of the records still stored.
    #[test]
    fn a_record_whose_own_hour_lost_records_says_it_is_of_those_still_stored() {
        let hours = [Some(hour("07", 1, 3.0)), Some(hour("09", 3, 4.5))];
        let line = said(&record(1, &[("07", 1), ("09", 2)]), &hours, chrono_tz::UTC);
        assert!(
            line.as_deref().is_some_and(|line| line
                .ends_with(", the only record of 4.5 among the 3 still stored of the period's 4.")),
            "{line:?}"
        );
    }
}
