//! The step of a totals chart (hour, or day) holding its largest total, named in its caption
//! for a reader who cannot see the tallest bar (a screen reader) or who copies the figures out.

use chrono::{DateTime, Utc};

use super::begun_and_ahead::Share;
use super::steps_in_words::{named_steps, steps_wholly};
use crate::charts::{self, Step, TimeAxis, TotalStep};
use crate::format::{after_value, value};

/// `; most in an hour: 1.2 mm (2026-12-05 14:00–15:00)`, said after a totals chart's total:
/// the step (hour, or day) of the largest total of `sums` (`sums[i]` for the axis's hour `i`),
/// among those wholly in `share`, the steps of a total written alike counted after it
/// (`and 2 other hours`), or `; 1 mm in each hour` when all are. A step holding a code of a
/// missing reading (`with_codes`, its sum no measure) is never named: the chart leaves it past
/// its scale (see [`charts::totals_scale`]). A step under way when the report was generated
/// holds part of its total: left out, and the words say so (`; of the hours over then, most in
/// one: …`). Nothing when no total is above 0 (a dry day), or fewer than two steps are whole
/// in `share`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::steps_in_words::tests::day_in_paris;

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
            "; most in an hour: 1.2 mm (2026-11-21 14:00–15:00 CET)"
        );
        sums[16] = 1.2;
        assert_eq!(
            most(&sums),
            "; most in an hour: 1.2 mm (2026-11-21 14:00–15:00 CET and 1 other hour)"
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
             02:00–03:00 CET)"
        );
        assert_eq!(
            largest_total(&axis, &sums, &[], Share::Begun, Some("mm")),
            "; of the hours over then, most in one: 1 mm (2026-11-21 02:00–03:00 CET)"
        );
    }

    /// A month's forecast generated on the 10th at 06:30: of the days begun, the 10th holds
    /// the rain of its first hours; of the days to come, it holds the rest of its forecast.
    /// Each caption names a whole day.
    #[test]
    fn a_month_names_its_wettest_whole_day_begun_and_to_come() {
        let (axis, _) = crate::charts::october_in_paris_on_the_10th();
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
            "; of the days over then, most in one: 24 mm (2026-10-05 CEST)"
        );
        assert_eq!(
            largest_total(&axis, &sums(true), &[], Share::Ahead, Some("mm")),
            "; of the days wholly to come, most in one: 24 mm (2026-10-20 CEST)"
        );
    }
}
