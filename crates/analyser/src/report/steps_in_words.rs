//! The steps of a chart over the period (hours, or days) named in its caption: for a reader
//! who cannot see the picture (a screen reader) or who copies the figures out, the busiest and
//! quietest steps of its records and the steps of a numeric field's lowest and highest values,
//! which the picture alone showed (a totals field's largest: see [`super::largest_total`]).

use chrono::{DateTime, Utc};
use releve::Resolution;

use super::numeric_page::{one_day, one_hour};
use crate::charts::{self, Step, TimeAxis};
use crate::format::{counted, grouped};

/// `Most records in an hour: 19 (2026-12-05 09:00–10:00); fewest: 4 (2026-12-05
/// 15:00–16:00 and 2 other hours).`, over the steps of the chart of `counts` (`counts[i]` for
/// the axis's hour `i`) over when the report was generated; `4 records in each hour.` when
/// they are all alike; the quietest left unsaid when it holds no record, which the records
/// sentence says (but for a month's days of an hourly source: it counts hours); `None` for
/// fewer than two steps over, which the records sentence says.
/// A step under way then (a period not over) holds its records so far, not its step's, and
/// one to come, forecasts at most: left out, and the line says so.
pub(super) fn busiest_and_quietest(axis: &TimeAxis, counts: &[i64]) -> Option<String> {
    let (over, left_out) = steps_over(axis, counts);
    let most = over.iter().map(|(_, count)| *count).max()?;
    let fewest = over.iter().map(|(_, count)| *count).min()?;
    if over.len() < 2 {
        return None;
    }
    let step = match axis.step() {
        Step::Hour => "hour",
        Step::Day => "day",
    };
    let over_then = if left_out {
        " over when the report was generated"
    } else {
        ""
    };
    if most == fewest {
        return Some(format!(
            "{} in each {step}{over_then}.",
            counted(most, "record")
        ));
    }
    let article = if step == "hour" { "an" } else { "a" };
    let lead = if left_out {
        format!("Of the {step}s{over_then}, most records in one")
    } else {
        format!("Most records in {article} {step}")
    };
    // The records sentence counts the steps holding records (`in 1 of 24 hours`): those
    // without are said there, but for a month's days of an hourly source (it counts hours).
    let fewest =
        if fewest == 0 && (axis.step() == Step::Hour || axis.resolution() == Resolution::Day) {
            String::new()
        } else {
            format!(
                "; fewest: {} ({})",
                grouped(fewest),
                steps_with(axis, &over, fewest)
            )
        };
    Some(format!(
        "{lead}: {} ({}){fewest}.",
        grouped(most),
        steps_with(axis, &over, most),
    ))
}

/// The chart's steps of `counts` (each with its first hour and its count) that were over when
/// the report was generated, and whether any was not.
fn steps_over(axis: &TimeAxis, counts: &[i64]) -> (Vec<(DateTime<Utc>, i64)>, bool) {
    let steps = charts::count_steps(axis, counts);
    let whole = steps_wholly(axis, |hour| axis.is_over(hour));
    let over: Vec<_> = steps
        .iter()
        .zip(&whole)
        .filter(|(_, whole)| **whole)
        .map(|(step, _)| *step)
        .collect();
    let left_out = over.len() < steps.len();
    (over, left_out)
}

/// Whether each of the chart's steps (hours, or days) lies wholly among the hours `within`
/// holds.
pub(super) fn steps_wholly(axis: &TimeAxis, within: impl Fn(DateTime<Utc>) -> bool) -> Vec<bool> {
    let hours_outside: Vec<i64> = axis
        .hours()
        .iter()
        .map(|hour| i64::from(!within(*hour)))
        .collect();
    charts::count_steps(axis, &hours_outside)
        .iter()
        .map(|(_, outside)| *outside == 0)
        .collect()
}

/// The first of the `steps` holding `count`, and how many others do: `2026-12-05 09:00–10:00
/// and 2 other hours`.
fn steps_with(axis: &TimeAxis, steps: &[(DateTime<Utc>, i64)], count: i64) -> String {
    named_steps(
        axis,
        steps
            .iter()
            .filter(|(_, n)| *n == count)
            .map(|(hour, _)| *hour),
    )
}

/// The first step of the axis holding one of `hours` (in time order), and how many other
/// steps do: `2026-12-05 09:00–10:00 and 2 other hours`, or on a daily axis `2026-10-03 and
/// 1 other day` (hours of one day are one step).
pub(super) fn named_steps(axis: &TimeAxis, hours: impl Iterator<Item = DateTime<Utc>>) -> String {
    let mut labels: Vec<String> = hours.map(|hour| step_label(axis, hour)).collect();
    labels.dedup();
    let step = match axis.step() {
        Step::Hour => "hour",
        Step::Day => "day",
    };
    match labels.as_slice() {
        [] => String::new(),
        [first] => first.clone(),
        [first, others @ ..] => format!(
            "{first} and {}",
            counted(others.len() as u64, &format!("other {step}"))
        ),
    }
}

/// The step beginning at `hour` as the report names it: `2026-12-05 09:00–10:00 CET`, or its
/// local day, `2026-12-05 CET` (see [`one_day`]).
fn step_label(axis: &TimeAxis, hour: DateTime<Utc>) -> String {
    match axis.step() {
        Step::Hour => one_hour(hour, axis.tz()),
        Step::Day => one_day(axis, hour),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::period::{PeriodKind, ReportPeriod};

    pub(in crate::report) fn day_in_paris() -> TimeAxis {
        let period = ReportPeriod::containing(
            PeriodKind::Day,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
            chrono_tz::Europe::Paris,
        );
        TimeAxis::new(period.hours(), period.tz, PeriodKind::Day)
    }

    #[test]
    fn a_month_names_its_busiest_and_quietest_days() {
        let axis = crate::charts::october_in_paris();
        // 2 records an hour, 25 October (25 hours) the busiest, 3 October empty.
        let counts: Vec<i64> = axis
            .hours()
            .iter()
            .map(|hour| {
                if axis.day_of(*hour).to_string() == "2026-10-03" {
                    0
                } else {
                    2
                }
            })
            .collect();
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some("Most records in a day: 50 (2026-10-25 CEST–CET); fewest: 0 (2026-10-03 CEST).")
        );
    }

    #[test]
    fn ties_are_counted_and_hours_to_come_left_out() {
        let axis = day_in_paris();
        let counts: Vec<i64> = (0..axis.len() as i64).map(|i| 1 + i % 3).collect();
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some(
                "Most records in an hour: 3 (2026-11-21 02:00–03:00 CET and 7 other hours); \
                 fewest: 1 (2026-11-21 00:00–01:00 CET and 7 other hours)."
            )
        );
        // Generated at 02:00: of the two hours over, the second is the busiest.
        let early = axis.clone().generated_at(axis.hours()[2]);
        assert_eq!(
            busiest_and_quietest(&early, &counts).as_deref(),
            Some(
                "Of the hours over when the report was generated, most records in one: 2 \
                 (2026-11-21 01:00–02:00 CET); fewest: 1 (2026-11-21 00:00–01:00 CET)."
            )
        );
        let first_hour = axis.clone().generated_at(axis.hours()[0]);
        assert_eq!(
            busiest_and_quietest(&first_hour, &counts),
            None,
            "no hour begun"
        );
        assert_eq!(
            busiest_and_quietest(&axis, &vec![4; axis.len()]).as_deref(),
            Some("4 records in each hour.")
        );
    }

    /// A month reported on its 10th at 06:30 (`--date` today): the 10th had 7 of its hours,
    /// 14 records, while each day before had 48. The 10th is not the quietest day, only one
    /// not over: a screen reader user, who cannot see its bar shaded, must not hear it named so.
    #[test]
    fn a_step_under_way_is_not_named_the_quietest() {
        let (axis, generated) = crate::charts::october_in_paris_on_the_10th();
        let counts: Vec<i64> = axis
            .hours()
            .iter()
            .map(|hour| if *hour < generated { 2 } else { 0 })
            .collect();
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some("48 records in each day over when the report was generated.")
        );
        let day = day_in_paris();
        let counts: Vec<i64> = (0..day.len() as i64).map(|i| 1 + i % 3).collect();
        let at = |hour: usize, minutes: i64| {
            day.clone()
                .generated_at(day.hours()[hour] + chrono::Duration::minutes(minutes))
        };
        assert_eq!(
            busiest_and_quietest(&at(3, 20), &counts).as_deref(),
            Some(
                "Of the hours over when the report was generated, most records in one: 3 \
                 (2026-11-21 02:00–03:00 CET); fewest: 1 (2026-11-21 00:00–01:00 CET)."
            )
        );
        assert_eq!(
            busiest_and_quietest(&at(1, 20), &counts),
            None,
            "one hour over"
        );
    }

    /// `1 record in 1 of 24 hours.` already says that 23 hours hold none: a line naming the
    /// first of them as the quietest (`fewest: 0 (… 00:00–01:00 CET and 22 other hours)`) tells a
    /// screen reader user nothing more. A month's chart of days, whose sentence counts hours,
    /// still names its days without a record.
    #[test]
    fn hours_without_a_record_are_not_said_again() {
        let axis = day_in_paris();
        let mut counts = vec![0; axis.len()];
        counts[12] = 1;
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some("Most records in an hour: 1 (2026-11-21 12:00–13:00 CET).")
        );
        counts[15] = 3;
        counts[16] = 3;
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some("Most records in an hour: 3 (2026-11-21 15:00–16:00 CET and 1 other hour).")
        );
    }
}
