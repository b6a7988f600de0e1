//! Record counts as bars over the period's time axis: one per hour, or for a month one per
//! local day (720 hourly bars merge into a block; 30 daily ones read at a glance).

use plotters::prelude::*;

use super::{
    ChartError, ChartImage, Span, TimeAxis, count_axis, draw, hourly_frame, palette, per_hour,
};
use crate::period::PeriodKind;

/// A bar: from one axis position to another, and its height.
type Bar = Span<i64>;

/// Bars of the records counted per hour (`counts[i]` for the axis's hour `i`), per day for a
/// month, over whole-number ticks.
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
        Ok(())
    })
}

/// The chart's title, its bars and the gap between them: per day for a month, else per hour.
fn bars(axis: &TimeAxis, counts: &[i64]) -> (&'static str, Vec<Bar>, f64) {
    match axis.kind {
        PeriodKind::Month => (
            "Records per day",
            axis.per_local_day(counts, |hours| hours.iter().sum()),
            2.0,
        ),
        PeriodKind::Day | PeriodKind::Week => (
            "Records per hour",
            per_hour(counts),
            if axis.len() > 48 { 0.0 } else { 0.12 },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::ReportPeriod;

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
}
