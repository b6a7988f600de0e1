//! The steps of a chart over the period (hours, or days) named in its caption: for a reader
//! who cannot see the picture (a screen reader) or who copies the figures out, the busiest and
//! quietest steps of its records, the steps of a numeric field's lowest and highest values,
//! and the step of a totals field's largest total, which the picture alone showed.

use chrono::{DateTime, Utc};
use releve::Resolution;

use super::field_totals::Share;
use super::numeric_page::one_hour;
use crate::charts::{self, Step, TimeAxis, TotalStep};
use crate::format::{after_value, counted, grouped, value};

/// `Most records in an hour: 19 (2026-12-05 09:00–10:00); fewest: 4 (2026-12-05
/// 15:00–16:00 and 2 other hours).`, over the steps of the chart of `counts` (`counts[i]` for
/// the axis's hour `i`) over when the report was generated; `4 records in each hour.` when
/// they are all alike; the quietest left unsaid when none holds a record, which the records
/// sentence says; `None` for fewer than two steps over, which the records sentence says.
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
fn steps_wholly(axis: &TimeAxis, within: impl Fn(DateTime<Utc>) -> bool) -> Vec<bool> {
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

/// `; most in an hour: 1.2 mm (2026-12-05 14:00–15:00)`, said after a totals chart's total:
/// the step (hour, or day) of the largest total of `sums` (`sums[i]` for the axis's hour `i`),
/// among those wholly in `share`, the steps of a total written alike counted after it
/// (`and 2 other hours`), or `; 1 mm in each hour` when all are. A step holding a code of a
/// missing reading (`with_codes`, its sum no measure) is never named: the chart leaves it past
/// its scale (see [`charts::totals_scale`]). A step under way when the report was generated
/// holds part of its total: left out, and the words say so (`; of the hours over then, most in
/// one: …`). Nothing when no total is above
/// 0 (a dry day), or fewer than two steps are whole in `share`.
pub(super) fn largest_total(
    axis: &TimeAxis,
    sums: &[f64],
    with_codes: &[bool],
    share: Share,
    unit: Option<&str>,
) -> String {
    let (whole, left_out) = steps_whole_in(axis, share);
    let steps = charts::total_steps(axis, sums, with_codes);
    let named: Vec<&TotalStep> = steps
        .iter()
        .zip(&whole)
        .filter(|(step, whole)| **whole && !step.holds_code && step.total.is_finite())
        .map(|(step, _)| step)
        .collect();
    let most = named.iter().map(|step| step.total).fold(0.0, f64::max);
    if most <= 0.0 || whole.iter().filter(|whole| **whole).count() < 2 {
        return String::new();
    }
    let step = match axis.step() {
        Step::Hour => "hour",
        Step::Day => "day",
    };
    let then = match (left_out, share) {
        (false, _) => "",
        (true, Share::Period) => " over when the report was generated",
        (true, Share::Begun) => " over then",
        (true, Share::Ahead) => " wholly to come",
    };
    let most_said = format!("{}{}", value(most), after_value(unit));
    let tied: Vec<DateTime<Utc>> = named
        .iter()
        .filter(|step| value(step.total) == value(most))
        .map(|step| step.hour)
        .collect();
    if tied.len() == whole.iter().filter(|whole| **whole).count() {
        return format!("; {most_said} in each {step}{then}");
    }
    // Led as the records' line is ("Of the hours over …, most records in one").
    let lead = if then.is_empty() {
        let article = if step == "hour" { "an" } else { "a" };
        format!("most in {article} {step}")
    } else {
        format!("of the {step}s{then}, most in one")
    };
    format!(
        "; {lead}: {most_said} ({})",
        named_steps(axis, tied.into_iter())
    )
}

/// Which of the chart's steps lie wholly in `share` (over when the report was generated, or
/// still to come then), and whether a step it holds hours of is left out for holding others.
fn steps_whole_in(axis: &TimeAxis, share: Share) -> (Vec<bool>, bool) {
    match share {
        Share::Period | Share::Begun => {
            let over = steps_wholly(axis, |hour| axis.is_over(hour));
            let left_out = over.contains(&false);
            (over, left_out)
        }
        Share::Ahead => {
            let to_come = steps_wholly(axis, |hour| axis.is_to_come(hour));
            let begun = steps_wholly(axis, |hour| !axis.is_to_come(hour));
            let left_out = to_come
                .iter()
                .zip(&begun)
                .any(|(ahead, past)| !ahead && !past);
            (to_come, left_out)
        }
    }
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

/// The step beginning at `hour` as the report names it: `2026-12-05 09:00–10:00`, or its
/// local day, `2026-12-05`.
fn step_label(axis: &TimeAxis, hour: DateTime<Utc>) -> String {
    match axis.step() {
        Step::Hour => one_hour(hour, axis.tz()),
        Step::Day => axis.day_of(hour).format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{PeriodKind, ReportPeriod};

    fn day_in_paris() -> TimeAxis {
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
            Some("Most records in a day: 50 (2026-10-25); fewest: 0 (2026-10-03).")
        );
    }

    #[test]
    fn ties_are_counted_and_hours_to_come_left_out() {
        let axis = day_in_paris();
        let counts: Vec<i64> = (0..axis.len() as i64).map(|i| 1 + i % 3).collect();
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some(
                "Most records in an hour: 3 (2026-11-21 02:00–03:00 and 7 other hours); \
                 fewest: 1 (2026-11-21 00:00–01:00 and 7 other hours)."
            )
        );
        // Generated at 02:00: of the two hours over, the second is the busiest.
        let early = axis.clone().generated_at(axis.hours()[2]);
        assert_eq!(
            busiest_and_quietest(&early, &counts).as_deref(),
            Some(
                "Of the hours over when the report was generated, most records in one: 2 \
                 (2026-11-21 01:00–02:00); fewest: 1 (2026-11-21 00:00–01:00)."
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
        let paris = chrono_tz::Europe::Paris;
        let generated = chrono::NaiveDate::from_ymd_opt(2026, 10, 10)
            .and_then(|day| day.and_hms_opt(6, 30, 0))
            .and_then(|at| at.and_local_timezone(paris).single())
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_default();
        let axis = crate::charts::october_in_paris().generated_at(generated);
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
                 (2026-11-21 02:00–03:00); fewest: 1 (2026-11-21 00:00–01:00)."
            )
        );
        assert_eq!(
            busiest_and_quietest(&at(1, 20), &counts),
            None,
            "one hour over"
        );
    }

    /// A screen reader cannot see which bar of a rain chart is the tallest: the caption names
    /// the wettest hour, never one whose sum holds a code of a missing reading (9,999 mm),
    /// which the chart leaves past its scale.
    #[test]
    fn a_totals_chart_names_its_wettest_hour_not_one_holding_a_code() {
        let axis = day_in_paris();
        let mut sums = vec![0.2; axis.len()];
        sums[14] = 1.2;
        sums[3] = 9_999.0;
        let mut with_codes = vec![false; axis.len()];
        with_codes[3] = true;
        let most =
            |sums: &[f64]| largest_total(&axis, sums, &with_codes, Share::Period, Some("mm"));
        assert_eq!(
            most(&sums),
            "; most in an hour: 1.2 mm (2026-11-21 14:00–15:00)"
        );
        sums[16] = 1.2;
        assert_eq!(
            most(&sums),
            "; most in an hour: 1.2 mm (2026-11-21 14:00–15:00 and 1 other hour)"
        );
        assert_eq!(most(&vec![0.0; axis.len()]), "", "a dry day");
        assert_eq!(
            largest_total(
                &axis,
                &vec![0.2; axis.len()],
                &[],
                Share::Period,
                Some("mm")
            ),
            "; 0.2 mm in each hour"
        );
    }

    /// A report generated at 10:20: the hour from 10:00 holds the rain of its first 20 minutes,
    /// not its total, and is not named; the words say the hours named were those over.
    #[test]
    fn the_hour_under_way_is_not_named_the_wettest() {
        let day = day_in_paris();
        let axis = day
            .clone()
            .generated_at(day.hours()[10] + chrono::Duration::minutes(20));
        let mut sums = vec![0.0; axis.len()];
        (sums[2], sums[5], sums[10]) = (1.0, 0.4, 2.0);
        assert_eq!(
            largest_total(&axis, &sums, &[], Share::Period, Some("mm")),
            "; of the hours over when the report was generated, most in one: 1 mm (2026-11-21 \
             02:00–03:00)"
        );
        assert_eq!(
            largest_total(&axis, &sums, &[], Share::Begun, Some("mm")),
            "; of the hours over then, most in one: 1 mm (2026-11-21 02:00–03:00)"
        );
    }

    /// A month's forecast generated on the 10th at 06:30: of the days begun, the 10th holds
    /// the rain of its first hours; of the days to come, it holds the rest of its forecast.
    /// Each caption names a whole day.
    #[test]
    fn a_month_names_its_wettest_whole_day_begun_and_to_come() {
        let paris = chrono_tz::Europe::Paris;
        let generated = chrono::NaiveDate::from_ymd_opt(2026, 10, 10)
            .and_then(|day| day.and_hms_opt(6, 30, 0))
            .and_then(|at| at.and_local_timezone(paris).single())
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_default();
        let axis = crate::charts::october_in_paris().generated_at(generated);
        let day = |hour: &DateTime<Utc>| axis.day_of(*hour).format("%d").to_string();
        let sums = |ahead: bool| -> Vec<f64> {
            axis.hours()
                .iter()
                .map(|hour| match (axis.is_to_come(*hour), day(hour).as_str()) {
                    (to_come, _) if to_come != ahead => 0.0,
                    (_, "05" | "20") => 1.0,
                    _ => 0.1,
                })
                .collect()
        };
        assert_eq!(
            largest_total(&axis, &sums(false), &[], Share::Begun, Some("mm")),
            "; of the days over then, most in one: 24 mm (2026-10-05)"
        );
        assert_eq!(
            largest_total(&axis, &sums(true), &[], Share::Ahead, Some("mm")),
            "; of the days wholly to come, most in one: 24 mm (2026-10-20)"
        );
    }

    /// `1 record in 1 of 24 hours.` already says that 23 hours hold none: a line naming the
    /// first of them as the quietest (`fewest: 0 (… 00:00–01:00 and 22 other hours)`) tells a
    /// screen reader user nothing more. A month's chart of days, whose sentence counts hours,
    /// still names its days without a record.
    #[test]
    fn hours_without_a_record_are_not_said_again() {
        let axis = day_in_paris();
        let mut counts = vec![0; axis.len()];
        counts[12] = 1;
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some("Most records in an hour: 1 (2026-11-21 12:00–13:00).")
        );
        counts[15] = 3;
        counts[16] = 3;
        assert_eq!(
            busiest_and_quietest(&axis, &counts).as_deref(),
            Some("Most records in an hour: 3 (2026-11-21 15:00–16:00 and 1 other hour).")
        );
    }
}
