//! Hourly record counts as bars over the period's time axis.

use plotters::prelude::*;

use super::{ChartError, ChartImage, TimeAxis, count_axis, draw, hourly_frame, palette};

/// Bars of `counts[i]` records for the axis's hour `i`, over whole-number ticks.
pub fn hourly_counts(
    axis: &TimeAxis,
    counts: &[i64],
    title: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let mut chart = hourly_frame(root, title, axis, count_axis(top), top, "Records per hour")?;
        let gap = if axis.len() > 48 { 0.0 } else { 0.12 };
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, &c)| {
                        let x = i as f64;
                        Rectangle::new(
                            [(x + gap, 0.0), (x + 1.0 - gap, c as f64)],
                            palette::DATA.filled(),
                        )
                    }),
            )
            .map_err(&fail)?;
        Ok(())
    })
}
