use super::*;
use crate::period::{PeriodKind, ReportPeriod};

#[test]
fn a_daily_values_implausible_value_is_said_with_its_day_not_an_hour() {
    // Open-Meteo's daily values are dated 00:00 UTC, 01:00 in Paris.
    let day = "2026-12-03".parse().expect("date");
    let paris = chrono_tz::Europe::Paris;
    let period = ReportPeriod::containing(PeriodKind::Week, day, paris);
    let axis =
        TimeAxis::new(period.hours_of(releve::Resolution::Day), paris, period.kind).per_day();
    let odd = NumericSummary {
        field: "t".to_owned(),
        count: 0,
        nulls: 0,
        implausible: 1,
        min: None,
        max: None,
        mean: None,
        sum: 0.0,
    };
    let mut stats: Vec<Option<&NumericSummary>> = vec![None; axis.len()];
    let at = axis
        .hours()
        .iter()
        .position(|h| {
            h.with_timezone(&paris).format("%Y-%m-%d %H:%M").to_string() == "2026-12-03 01:00"
        })
        .expect("hour");
    stats[at] = Some(&odd);
    let totals = FieldTotals::of(&stats, &axis, None);
    assert_eq!(
        totals.implausible_where,
        " (outside its plausible range, on 2026-12-03)"
    );
}

/// éCO2mix's real-time rows stayed null from 11:00 to 17:00 on a past day: the caption said
/// "mean 49,300 MW over 72 values; 24 records without a value", the mean of the night
/// alone for a day of 52,000, and not when the values lacked (found by an energy analyst).
#[test]
fn records_without_a_value_are_said_with_their_hours() {
    let day = "2026-12-05".parse().expect("date");
    let period = ReportPeriod::containing(PeriodKind::Day, day, chrono_tz::Europe::Paris);
    let axis = TimeAxis::new(period.hours(), period.tz, period.kind);
    let measured = NumericSummary {
        field: "consommation".to_owned(),
        count: 4,
        nulls: 0,
        implausible: 0,
        min: Some(50_000.0),
        max: Some(52_000.0),
        mean: Some(51_000.0),
        sum: 204_000.0,
    };
    let unpublished = NumericSummary {
        count: 0,
        nulls: 4,
        min: None,
        max: None,
        mean: None,
        sum: 0.0,
        ..measured.clone()
    };
    let mut stats: Vec<Option<&NumericSummary>> = vec![Some(&measured); axis.len()];
    for hour in &mut stats[11..17] {
        *hour = Some(&unpublished);
    }
    assert_eq!(
        FieldTotals::of(&stats, &axis, None).lacking(),
        "24 records without a value (2026-12-05 11:00–12:00 CET and 5 other hours)"
    );
}

#[test]
fn values_left_out_as_implausible_are_said_with_their_hour() {
    let day = "2026-12-03".parse().expect("date");
    let period = ReportPeriod::containing(PeriodKind::Day, day, chrono_tz::Europe::Paris);
    let axis = TimeAxis::new(period.hours(), period.tz, period.kind);
    let summary = |implausible| NumericSummary {
        field: "temperature".to_owned(),
        count: 4,
        nulls: 0,
        implausible,
        min: Some(4.0),
        max: Some(6.0),
        mean: Some(5.0),
        sum: 20.0,
    };
    let (plain, odd) = (summary(0), summary(1));
    let mut stats: Vec<Option<&NumericSummary>> = vec![Some(&plain); axis.len()];
    stats[14] = Some(&odd);
    let totals = FieldTotals::of(&stats, &axis, None);
    assert_eq!(
        totals.lacking(),
        "0 records without a value; 1 implausible value left out (outside its plausible range, in the hour 2026-12-03 14:00–15:00 CET)"
    );
    stats[20] = Some(&odd);
    assert_eq!(
        FieldTotals::of(&stats, &axis, None).implausible_where,
        " (outside its plausible range, in 2 hours, the first 2026-12-03 14:00–15:00 CET)"
    );
}
