//! A numeric field over the period: the hourly mean as a line over its min–max band.

use plotters::prelude::*;

use super::{ChartError, ChartImage, TimeAxis, draw, hourly_frame, palette};

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
        let mut chart = hourly_frame(root, title, axis, low..high, span, unit)?;
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
