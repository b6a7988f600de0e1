//! Record counts, and totals of fields that add up (rain, positions), as bars over the
//! period's time axis: one per hour, or one per local day for a month (720 hourly bars merge
//! into a block; 30 daily ones read at a glance) or a source of daily values.

use plotters::prelude::*;

use chrono::{DateTime, Utc};

use super::{
    ChartError, ChartImage, Span, Step, TimeAxis, ValueScale, count_axis, dots, draw, hourly_frame,
    mark_past_scale, palette, per_hour, value_axis,
};

/// A bar: from one axis position to another, and its height.
type Bar = Span<i64>;

/// Bars of the records counted per hour (`counts[i]` for the axis's hour `i`), per day on a
/// daily axis (a month's, or a source of daily values), over whole-number ticks.
pub fn record_counts(
    axis: &TimeAxis,
    counts: &[i64],
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let (title, bars, gap) = bars(axis, counts);
    let top = bars.iter().map(|bar| bar.value).max().unwrap_or(0).max(1) as f64 * 1.1;
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let mut chart = hourly_frame(root, title, axis, count_axis(top), top, title)?;
        chart
            .draw_series(bars.iter().filter(|bar| bar.value > 0).map(|bar| {
                Rectangle::new(
                    [(bar.start + gap, 0.0), (bar.end - gap, bar.value as f64)],
                    palette::DATA.filled(),
                )
            }))
            .map_err(&fail)?;
        super::shading_words(&mut chart, title, axis)?;
        Ok(())
    })
}

/// The records counted per step as the chart's bars draw them (`counts[i]` for the axis's
/// hour `i`): per hour, or per local day on a daily axis, each with its first hour.
pub fn count_steps(axis: &TimeAxis, counts: &[i64]) -> Vec<(DateTime<Utc>, i64)> {
    let (bars, _) = steps(axis, counts);
    bars.iter()
        .filter_map(|bar| Some((*axis.hours().get(bar.start as usize)?, bar.value)))
        .collect()
}

/// A step of a totals chart: an hour, or a local day on a daily axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TotalStep {
    /// Its first hour.
    pub hour: DateTime<Utc>,
    /// Its total.
    pub total: f64,
    /// Whether an hour of it holds a code of a missing reading (see [`hours_with_codes`]).
    pub holds_code: bool,
}

/// A field's totals as its chart draws them: per hour (`sums[i]` for the axis's hour `i`), or
/// per local day on a daily axis; `with_codes[i]` tells whether hour `i` holds a code of a missing
/// reading.
pub fn total_steps(axis: &TimeAxis, sums: &[f64], with_codes: &[bool]) -> Vec<TotalStep> {
    let (bars, _) = steps(axis, sums);
    let flags = flagged_steps(axis, with_codes, sums.len());
    bars.iter()
        .zip(flags)
        .filter_map(|(bar, flag)| {
            Some(TotalStep {
                hour: *axis.hours().get(bar.start as usize)?,
                total: bar.value,
                holds_code: flag.value > 0,
            })
        })
        .collect()
}

/// The scale of a totals chart's `steps`: from zero to their totals but for those of steps
/// holding a code of a missing reading, which a sum hides (9,999 mm among readings of 0.2).
/// A total is never judged by its size alone: a storm's rain is rain.
pub fn totals_scale(steps: &[TotalStep]) -> ValueScale {
    let (low, high) = steps
        .iter()
        .filter(|step| !step.holds_code && step.total.is_finite())
        .fold((0.0_f64, 0.0_f64), |(low, high), step| {
            (low.min(step.total), high.max(step.total))
        });
    ValueScale { low, high }
}

/// The steps of a totals chart (hours, or local days on a daily axis) that had begun when the
/// report was generated, and not ended before the source's first known collection, not within
/// a stretch it was disabled in, and hold no value of the field (`with_value[i]` for the axis's
/// hour `i`): no record, or none holding a number. Their total, 0, is no measurement of 0.
pub fn steps_without_value(axis: &TimeAxis, with_value: &[bool]) -> Vec<(f64, f64)> {
    let ahead = axis.ahead_from().unwrap_or(f64::INFINITY);
    let collected_from = axis.collected_from_position();
    flagged_steps(axis, with_value, axis.len())
        .iter()
        .filter(|step| step.value == 0 && step.start < ahead && step.end > collected_from)
        .filter(|step| !axis.while_disabled(step.start, step.end))
        .map(|step| (step.start, step.end))
        .collect()
}

/// How many of each step's first `hours` hours `flags` holds (`flags[i]` for the axis's hour
/// `i`; an hour it does not cover is not flagged).
fn flagged_steps(axis: &TimeAxis, flags: &[bool], hours: usize) -> Vec<Span<u32>> {
    let flags: Vec<u32> = (0..hours)
        .map(|hour| u32::from(flags.get(hour).copied().unwrap_or(false)))
        .collect();
    steps(axis, &flags).0
}

/// Bars of a field's totals per hour (`sums[i]` for the axis's hour `i`), per day on a daily axis,
/// on `scale` (see [`totals_scale`]); a bar past the scale is drawn to the chart's
/// edge and marked there. `title` names the field, the chart says which step. Negative totals
/// go below the axis. A step without any value (see [`steps_without_value`]) is marked by a
/// grey stub on the zero line, so it is not read as a total of 0, which has no bar.
pub fn totals(
    axis: &TimeAxis,
    sums: &[f64],
    with_value: &[bool],
    scale: ValueScale,
    title: &str,
    unit: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let (bars, gap) = steps(axis, sums);
    let unvalued = steps_without_value(axis, with_value);
    let step = match axis.step() {
        Step::Day => "daily total",
        Step::Hour => "hourly total",
    };
    let title = format!("{title}: {step}");
    let (low, high) = (scale.low, scale.high);
    let (low, high) = match (low * 1.1, high * 1.1) {
        (low, high) if high > low => (low.max(f64::MIN), high.min(f64::MAX)),
        _ => (0.0, 1.0),
    };
    let fail = ChartError::from_plotters(&title);
    draw(&title, size, |root| {
        let span = (high - low).min(f64::MAX);
        let mut chart = hourly_frame(root, &title, axis, value_axis(low..high), span, unit)?;
        chart
            .draw_series(
                bars.iter()
                    .filter(|bar| bar.value.is_finite() && bar.value != 0.0)
                    .map(|bar| {
                        Rectangle::new(
                            [
                                (bar.start + gap, 0.0),
                                (bar.end - gap, bar.value.clamp(low, high)),
                            ],
                            palette::DATA.filled(),
                        )
                    }),
            )
            .map_err(&fail)?;
        let past = bars.iter().filter_map(|bar| {
            let edge = if bar.value > scale.high {
                high
            } else if bar.value < scale.low {
                low
            } else {
                return None;
            };
            Some(((bar.start + bar.end) / 2.0, edge, edge == high))
        });
        mark_past_scale(&mut chart, &title, past)?;
        // Hours in a row make one mark, a little above the zero line so that a week's hours,
        // a few pixels each, do not vanish into the axis.
        let stub = palette::MUTED.stroke_width(dots(3.0).unsigned_abs());
        let lift = dots(4.0);
        // Each mark's start and width in pixels, measured before the chart is drawn on.
        let marks: Vec<(f64, i32)> = merged(&unvalued)
            .into_iter()
            .map(|(start, end)| {
                let inset = gap.max((end - start).min(1.0) * 0.15);
                let (start, end) = (start + inset, end - inset);
                let pixel = |x: f64| chart.backend_coord(&(x, 0.0)).0;
                (start, (pixel(end) - pixel(start)).max(1))
            })
            .collect();
        chart
            .draw_series(marks.iter().map(|(start, width)| {
                EmptyElement::at((*start, 0.0))
                    + PathElement::new(vec![(0, -lift), (*width, -lift)], stub)
            }))
            .map_err(&fail)?;
        super::shading_words(&mut chart, &title, axis)?;
        Ok(())
    })
}

/// `ranges` (in order) with those that touch made one.
fn merged(ranges: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for &(start, end) in ranges {
        match merged.last_mut() {
            Some(last) if last.1 >= start => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The record counts chart's title, its bars and the gap between them.
fn bars(axis: &TimeAxis, counts: &[i64]) -> (&'static str, Vec<Bar>, f64) {
    let title = match axis.step() {
        Step::Day => "Records per day",
        Step::Hour => "Records per hour",
    };
    let (bars, gap) = steps(axis, counts);
    (title, bars, gap)
}

/// Bars of `values` (one per hour of the axis), summed per local day on a daily axis, else
/// one per hour; and the gap between them.
fn steps<T: Copy + std::iter::Sum<T>>(axis: &TimeAxis, values: &[T]) -> (Vec<Span<T>>, f64) {
    match axis.step() {
        // Two hours each side: days stand apart on a week's axis as on a month's.
        Step::Day => (
            axis.per_local_day(values, |hours| hours.iter().copied().sum()),
            2.0,
        ),
        Step::Hour => (per_hour(values), if axis.len() > 48 { 0.0 } else { 0.12 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{PeriodKind, ReportPeriod};

    /// The tallest run of the data colour in each column of `chart`.
    fn bar_heights(chart: &ChartImage) -> Vec<usize> {
        let data = palette::DATA;
        let width = chart.width as usize;
        (0..width)
            .map(|column| {
                (0..chart.height as usize)
                    .filter(|row| {
                        let at = (row * width + column) * 3;
                        chart.rgb[at..at + 3] == [data.0, data.1, data.2]
                    })
                    .count()
            })
            .collect()
    }

    #[test]
    fn totals_are_bars_as_tall_as_their_sums_and_odd_values_draw() {
        let axis = crate::charts::day_axis();
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let mut sums = vec![0.0; 24];
        sums[3] = 10.0;
        sums[20] = 5.0;
        let scale = totals_scale(&total_steps(&axis, &sums, &[false; 24]));
        let chart =
            totals(&axis, &sums, &[true; 24], scale, "rain (mm)", "mm", size).expect("chart");
        let heights = bar_heights(&chart);
        let tallest = heights.iter().copied().max().unwrap_or(0);
        let second = heights
            .iter()
            .copied()
            .filter(|h| *h > 0 && *h < tallest - 2)
            .max()
            .unwrap_or(0);
        assert!(tallest > 40, "a bar is drawn: {tallest} px");
        let ratio = tallest as f64 / second as f64;
        assert!(
            (ratio - 2.0).abs() < 0.1,
            "10 mm stands twice as tall as 5 mm: {tallest} and {second} px"
        );
        for odd in [
            vec![-3.0; 24],
            vec![f64::NAN; 24],
            vec![f64::INFINITY; 24],
            vec![1.7e308; 24],
        ] {
            let scale = totals_scale(&total_steps(&axis, &odd, &[]));
            assert_eq!(total_steps(&axis, &odd, &[]).len(), 24, "a step per hour");
            totals(&axis, &odd, &[true; 24], scale, "t", "", size).expect("drawn");
        }
        let month = crate::charts::october_in_paris();
        let ones = vec![1.0; month.len()];
        let scale = totals_scale(&total_steps(&month, &ones, &[]));
        assert_eq!(
            (scale.low, scale.high),
            (0.0, 25.0),
            "25 October has 25 hours"
        );
        let chart = totals(
            &month,
            &ones,
            &vec![true; month.len()],
            scale,
            "t",
            "",
            size,
        )
        .expect("month");
        assert!(bar_heights(&chart).iter().any(|h| *h > 0), "daily bars");
    }

    #[test]
    fn a_total_holding_a_code_is_marked_without_flattening_the_others() {
        let axis = crate::charts::day_axis();
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let mut sums: Vec<f64> = (0..24).map(|h| f64::from(h % 6 + 1)).collect();
        // 9,999 among a few readings of 0.2 mm.
        sums[9] = 9_999.6;
        let mut codes = vec![false; 24];
        codes[9] = true;
        let scale = totals_scale(&total_steps(&axis, &sums, &codes));
        assert_eq!((scale.low, scale.high), (0.0, 6.0));
        let chart =
            totals(&axis, &sums, &[true; 24], scale, "rain (mm)", "mm", size).expect("chart");
        let heights = bar_heights(&chart);
        let tallest = heights.iter().copied().max().unwrap_or(0);
        let smallest = heights
            .iter()
            .copied()
            .filter(|h| *h > 0)
            .min()
            .unwrap_or(0);
        assert!(
            smallest * 8 > tallest / 2,
            "1 mm stands a sixth of 6 mm, not a ten-thousandth of the fault: {smallest} and {tallest} px"
        );
        let alert = palette::ALERT;
        assert!(
            chart
                .rgb
                .chunks(3)
                .any(|p| p == [alert.0, alert.1, alert.2]),
            "the fault is marked"
        );
        // A storm's hour, without a code, is rain.
        sums[9] = 180.0;
        let scale = totals_scale(&total_steps(&axis, &sums, &[false; 24]));
        assert_eq!((scale.low, scale.high), (0.0, 180.0));
        // A month's day holding the hour.
        let month = crate::charts::october_in_paris();
        let mut codes = vec![false; month.len()];
        codes[30] = true;
        let steps = total_steps(&month, &vec![1.0; month.len()], &codes);
        let flagged: Vec<bool> = steps.iter().map(|step| step.holds_code).collect();
        assert_eq!(flagged.iter().filter(|f| **f).count(), 1);
        assert!(flagged[1], "2 October holds hour 30");
    }

    #[test]
    fn a_month_counts_per_local_day_and_a_day_per_hour() {
        let axis = crate::charts::october_in_paris();
        let counts = vec![1; axis.len()];
        let bars = axis.per_local_day(&counts, |hours| hours.iter().sum::<i64>());
        assert_eq!(bars.len(), 31, "October");
        assert_eq!(bars[0].value, 24);
        assert_eq!(bars[24].value, 25, "25 October: the clocks go back an hour");
        assert_eq!((bars[24].start, bars[24].end), (576.0, 601.0));
        assert_eq!(
            bars.iter().map(|bar| bar.value).sum::<i64>(),
            axis.len() as i64
        );
        let (title, days, _) = super::bars(&axis, &counts);
        assert_eq!((title, days.len()), ("Records per day", 31));
        for kind in [PeriodKind::Day, PeriodKind::Week] {
            let period = ReportPeriod::containing(
                kind,
                "2026-10-25".parse().expect("date"),
                chrono_tz::Europe::Paris,
            );
            let axis = TimeAxis::new(period.hours(), period.tz, kind);
            let counts: Vec<i64> = (0..axis.len() as i64).collect();
            let (title, hours, _) = super::bars(&axis, &counts);
            assert_eq!(title, "Records per hour", "{kind:?}");
            assert_eq!(hours.len(), axis.len(), "{kind:?}: a bar per hour");
            assert_eq!(hours[7].value, 7, "{kind:?}");
        }
    }

    /// The columns of `chart` holding the shade of what was still to come.
    fn shaded_columns(chart: &ChartImage) -> Vec<usize> {
        let ahead = palette::AHEAD;
        let width = chart.width as usize;
        (0..width)
            .filter(|column| {
                (0..chart.height as usize).any(|row| {
                    let at = (row * width + column) * 3;
                    chart.rgb[at..at + 3] == [ahead.0, ahead.1, ahead.2]
                })
            })
            .collect()
    }

    #[test]
    fn the_hours_still_to_come_when_the_report_was_generated_are_shaded() {
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let axis = crate::charts::day_axis();
        let counts = vec![3; axis.len()];
        let done = record_counts(&axis, &counts, size).expect("chart");
        assert!(shaded_columns(&done).is_empty(), "a day over: no shade");
        // Generated at 13:20 Paris: 14:00 onwards, 10 of the 24 hours, had not begun.
        let generated = axis.hours()[13] + chrono::Duration::minutes(20);
        let running =
            record_counts(&axis.clone().generated_at(generated), &counts, size).expect("chart");
        let shaded = shaded_columns(&running);
        let (first, last) = (shaded[0], shaded[shaded.len() - 1]);
        let width = running.width as usize;
        assert!(
            first > width / 2 && last > width * 9 / 10,
            "the right part, from 14:00: columns {first} to {last} of {width}"
        );
        assert!(
            (last - first) * 24 > (width / 2) * 8,
            "about 10 hours' width: {first} to {last}"
        );
        // A month's axis shades from the first hour that had not begun, within its day's bar.
        let month = crate::charts::october_in_paris();
        assert_eq!(
            month.generated_at(generated).ahead_from(),
            None,
            "after October"
        );
        let month = crate::charts::october_in_paris();
        let mid_october = month.hours()[24 * 14 + 5];
        assert_eq!(
            month.clone().generated_at(mid_october).ahead_from(),
            Some(24.0 * 14.0 + 5.0),
            "from the hour it was generated at, 15 October's sixth"
        );
        let later = mid_october + chrono::Duration::minutes(20);
        assert_eq!(
            month.generated_at(later).ahead_from(),
            Some(24.0 * 14.0 + 6.0),
            "from the next hour, when it was generated within one"
        );
    }

    #[test]
    fn hours_without_a_value_are_marked_apart_from_totals_of_zero() {
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let axis = crate::charts::day_axis();
        // Rain of 0 all day, measured but for 05:00 to 08:00.
        let sums = vec![0.0; 24];
        let mut with_value = [true; 24];
        with_value[5..8].fill(false);
        assert_eq!(
            steps_without_value(&axis, &with_value),
            [(5.0, 6.0), (6.0, 7.0), (7.0, 8.0)]
        );
        let muted = |chart: &ChartImage| {
            let grey = palette::MUTED;
            chart
                .rgb
                .chunks(3)
                .filter(|p| *p == [grey.0, grey.1, grey.2])
                .count()
        };
        let scale = totals_scale(&total_steps(&axis, &sums, &[]));
        let measured = totals(&axis, &sums, &[true; 24], scale, "rain", "mm", size).expect("chart");
        let marked = totals(&axis, &sums, &with_value, scale, "rain", "mm", size).expect("chart");
        assert!(
            muted(&marked) > muted(&measured) + 3 * 20,
            "three grey marks: {} against {} grey pixels",
            muted(&marked),
            muted(&measured)
        );
        // Hours still to come are shaded, not marked; a month counts its days.
        let generated = axis.hours()[6];
        assert_eq!(
            steps_without_value(&axis.clone().generated_at(generated), &with_value),
            [(5.0, 6.0)]
        );
        let month = crate::charts::october_in_paris();
        let mut with_value = vec![true; month.len()];
        with_value[24..48].fill(false);
        assert_eq!(steps_without_value(&month, &with_value), [(24.0, 48.0)]);
        // Nor before the source's first collection, which nothing was collected before.
        let mut with_value = [false; 24];
        with_value[12..].fill(true);
        let first = axis.hours()[10] + chrono::Duration::minutes(30);
        assert_eq!(
            steps_without_value(&axis.clone().collected_from(Some(first)), &with_value),
            [(10.0, 11.0), (11.0, 12.0)],
            "from the hour holding the first collection"
        );
        // Nor while the source was disabled, from 12:30 to 15:00: 13:00 and 14:00 within it.
        let mut with_value = [true; 24];
        with_value[12..16].fill(false);
        let stretch = (
            axis.hours()[12] + chrono::Duration::minutes(30),
            axis.hours()[15],
        );
        assert_eq!(
            steps_without_value(&axis.clone().disabled(vec![stretch]), &with_value),
            [(12.0, 13.0), (15.0, 16.0)],
            "the hours it was enabled in, or partly"
        );
        assert_eq!(
            merged(&[(1.0, 2.0), (2.0, 3.0), (5.0, 6.0)]),
            [(1.0, 3.0), (5.0, 6.0)]
        );
    }

    #[test]
    fn a_week_of_daily_values_counts_and_totals_per_local_day() {
        let period = ReportPeriod::containing(
            PeriodKind::Week,
            "2026-10-25".parse().expect("date"),
            chrono_tz::Europe::Paris,
        );
        let axis = TimeAxis::new(period.hours(), period.tz, period.kind).per_day();
        // One record a day, in its local day's second hour.
        let daily: Vec<i64> = (0..axis.len()).map(|i| i64::from(i % 24 == 1)).collect();
        let (title, days, _) = super::bars(&axis, &daily);
        assert_eq!(title, "Records per day");
        assert_eq!(
            days.iter().map(|day| day.value).collect::<Vec<_>>(),
            [1; 7],
            "a bar of 1 per day, 25 October's 25 hours included"
        );
        let rain: Vec<f64> = daily.iter().map(|&n| n as f64 * 2.5).collect();
        let steps = total_steps(&axis, &rain, &[]);
        assert_eq!(steps.len(), 7, "a total per day");
        assert_eq!(
            steps[0].hour,
            axis.hours()[0],
            "each day from its first hour"
        );
        assert!(steps.iter().all(|step| step.total == 2.5));
    }

    /// Printed on a black-and-white printer (the grey pdftoppm `-gray` and most printer
    /// drivers make: 0.30 R + 0.59 G + 0.11 B), a week's stretch whose runs all failed and one
    /// without a run read as the same pale grey, a few levels from white and from each other;
    /// a stretch of a few hours of a week is too narrow for its word (`failed`, `no run`), so
    /// nothing tells them apart on paper.
    #[test]
    fn failed_and_no_run_stretches_differ_in_grey() {
        let period = ReportPeriod::containing(
            PeriodKind::Week,
            "2026-11-18".parse().expect("date"),
            chrono_tz::UTC,
        );
        let hours = period.hours();
        let axis = TimeAxis::new(hours.clone(), period.tz, PeriodKind::Week)
            .failing(vec![(hours[30], hours[33])])
            .without_run(vec![(hours[100], hours[103])]);
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let chart = record_counts(&axis, &vec![2; axis.len()], size).expect("chart");
        let grey = |colour: RGBColor| -> Option<f64> {
            chart
                .rgb
                .chunks(3)
                .any(|p| p == [colour.0, colour.1, colour.2])
                .then(|| {
                    0.30 * f64::from(colour.0)
                        + 0.59 * f64::from(colour.1)
                        + 0.11 * f64::from(colour.2)
                })
        };
        let failed = grey(palette::FAILED).expect("the failed stretch is shaded");
        let no_run = grey(palette::NO_RUN).expect("the stretch without a run is shaded");
        assert!(
            (failed - no_run).abs() >= 25.0 && 255.0 - failed.max(no_run) >= 25.0,
            "in grey, failed reads {failed:.0} and no run {no_run:.0} (white 255)"
        );
    }
}
