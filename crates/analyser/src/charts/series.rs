//! A numeric field over the period: the hourly mean as a line over its min–max band.

use plotters::prelude::*;

use super::{
    ChartError, ChartImage, KeyedAxis, TimeAxis, desc_style, draw, font_px, label_style,
    number_label, palette, title_style,
};

/// One hour's minimum, mean and maximum of a field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourBand {
    /// Smallest value.
    pub min: f64,
    /// Mean.
    pub mean: f64,
    /// Largest value.
    pub max: f64,
}

/// The mean line over the min–max band; `None` hours break the line.
pub fn numeric_band(
    axis: &TimeAxis,
    bands: &[Option<HourBand>],
    title: &str,
    unit: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let (low, high) = bands
        .iter()
        .flatten()
        .fold((f64::MAX, f64::MIN), |(lo, hi), b| {
            (lo.min(b.min), hi.max(b.max))
        });
    let (low, high) = if low > high {
        (0.0, 1.0)
    } else if (high - low).abs() < f64::EPSILON {
        (low - 1.0, high + 1.0)
    } else {
        let pad = (high - low) * 0.06;
        (low - pad, high + pad)
    };
    let span = high - low;
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let x_range = KeyedAxis::new(0.0..axis.len().max(1) as f64, axis.key_points());
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_style())
            .margin(font_px(6.0) as u32)
            .x_label_area_size(font_px(24.0) as u32)
            .y_label_area_size(font_px(30.0) as u32)
            .build_cartesian_2d(x_range, low..high)
            .map_err(&fail)?;
        let x_label = |x: &f64| axis.label(*x);
        let y_label = |y: &f64| number_label(*y, span);
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
            .y_desc(unit)
            .draw()
            .map_err(&fail)?;
        for run in runs(bands) {
            let upper = run.iter().map(|(x, b)| (*x, b.max));
            let lower = run.iter().rev().map(|(x, b)| (*x, b.min));
            let outline: Vec<(f64, f64)> = if run.len() == 1 {
                let (x, b) = run[0];
                vec![
                    (x - 0.3, b.max),
                    (x + 0.3, b.max),
                    (x + 0.3, b.min),
                    (x - 0.3, b.min),
                ]
            } else {
                upper.chain(lower).collect()
            };
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    palette::BAND.filled(),
                )))
                .map_err(&fail)?;
            chart
                .draw_series(LineSeries::new(
                    run.iter().map(|(x, b)| (*x, b.mean)),
                    palette::DATA.stroke_width(3),
                ))
                .map_err(&fail)?;
            if run.len() == 1 {
                let (x, b) = run[0];
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (x, b.mean),
                        4,
                        palette::DATA.filled(),
                    )))
                    .map_err(&fail)?;
            }
        }
        Ok(())
    })
}

/// Contiguous hours holding a value, each hour at its middle.
fn runs(bands: &[Option<HourBand>]) -> Vec<Vec<(f64, HourBand)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (i, band) in bands.iter().enumerate() {
        match band {
            Some(band) => current.push((i as f64 + 0.5, *band)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}
