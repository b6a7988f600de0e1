//! Hourly record counts as bars over the period's time axis.

use plotters::prelude::*;

use super::{
    ChartError, ChartImage, KeyedAxis, TimeAxis, desc_style, draw, font_px, label_style,
    number_label, palette, title_style,
};

/// Bars of `counts[i]` records for the axis's hour `i`.
pub fn hourly_counts(
    axis: &TimeAxis,
    counts: &[i64],
    title: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let x_range = KeyedAxis::new(0.0..axis.len().max(1) as f64, axis.key_points());
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_style())
            .margin(font_px(6.0) as u32)
            .x_label_area_size(font_px(24.0) as u32)
            .y_label_area_size(font_px(30.0) as u32)
            .build_cartesian_2d(x_range, 0.0..top)
            .map_err(&fail)?;
        let x_label = |x: &f64| axis.label(*x);
        let y_label = |y: &f64| number_label(*y, top);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .y_labels(6)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .x_desc(axis.description())
            .y_desc("Records per hour")
            .draw()
            .map_err(&fail)?;
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
