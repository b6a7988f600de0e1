//! A numeric field over the period: the hourly mean as a line over its min–max band.

use plotters::prelude::*;

use super::{ChartError, ChartImage, TimeAxis, dots, draw, hourly_frame, palette, value_axis};

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
    let magnitude = low.abs().max(high.abs());
    let (low, high) = if low > high {
        (0.0, 1.0)
    } else if high - low <= magnitude * 1e-9 {
        // Constant, as far as a chart can tell at the values' own scale: a band around it,
        // wide enough to be seen at that scale (±1 vanishes next to 1e17, swamps 1e-10).
        let pad = match magnitude * 0.06 {
            pad if pad > 0.0 => pad,
            // The smallest doubles: 6 % of them rounds to nothing.
            _ if magnitude > 0.0 => magnitude,
            _ => 1.0,
        };
        ((low - pad).max(f64::MIN), (high + pad).min(f64::MAX))
    } else {
        // (high - low) * 0.06, without overflowing when the values span most of a double.
        let pad = high * 0.06 - low * 0.06;
        ((low - pad).max(f64::MIN), (high + pad).min(f64::MAX))
    };
    let span = (high - low).min(f64::MAX);
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let mut chart = hourly_frame(root, title, axis, value_axis(low..high), span, unit)?;
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
                    palette::DATA.stroke_width(dots(3.0) as u32),
                ))
                .map_err(&fail)?;
            if run.len() == 1 {
                let (x, b) = run[0];
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (x, b.mean),
                        dots(4.0),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{PeriodKind, ReportPeriod};

    fn day_axis() -> TimeAxis {
        let period = ReportPeriod::containing(
            PeriodKind::Day,
            "2026-11-21".parse().expect("date"),
            chrono_tz::Europe::Paris,
        );
        TimeAxis::new(period.hours(), period.tz, period.kind)
    }

    /// Hourly bands swinging between `low` and `high`.
    fn bands(low: f64, high: f64) -> Vec<Option<HourBand>> {
        (0..24)
            .map(|i| {
                let mean = low + (high - low) * (f64::from(i) / 23.0);
                Some(HourBand {
                    min: mean - (high - low) * 0.02,
                    mean,
                    max: mean + (high - low) * 0.02,
                })
            })
            .collect()
    }

    fn dark(image: &ChartImage, x: usize, y: usize) -> bool {
        let at = (y * image.width as usize + x) * 3;
        image.rgb[at..at + 3].iter().all(|&v| v < 200)
    }

    #[test]
    fn values_spanning_most_of_a_double_are_drawn() {
        // 1.7e308 beside 0 once sent plotters' tick search into an endless loop.
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let mut extreme: Vec<Option<HourBand>> = vec![None; 24];
        extreme[14] = Some(HourBand {
            min: 1.7e308,
            mean: 1.7e308,
            max: 1.7e308,
        });
        extreme[15] = Some(HourBand {
            min: -1.7e308,
            mean: 0.0,
            max: 0.0,
        });
        let chart = numeric_band(&day_axis(), &extreme, "t", "", size).expect("chart");
        assert!(chart.width > 0);
    }

    #[test]
    fn a_constant_value_is_drawn_mid_height_whatever_its_scale() {
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        // The rows of the mean line's colour in the column a fraction `x` across the chart.
        let line_rows = |low: f64, high: f64, x: f64| {
            let chart = numeric_band(&day_axis(), &bands(low, high), "t", "", size).expect("chart");
            let data = palette::DATA;
            let width = chart.width as usize;
            let column = (width as f64 * x) as usize;
            let rows: Vec<usize> = (0..chart.height as usize)
                .filter(|row| {
                    let at = (row * width + column) * 3;
                    chart.rgb[at..at + 3] == [data.0, data.1, data.2]
                })
                .collect();
            assert!(!rows.is_empty(), "{low}..{high}: a line is drawn at {x}");
            rows[rows.len() / 2]
        };
        let line_row = |value: f64| line_rows(value, value, 0.5);
        for (low, high) in [(1e-10, 6e-10), (1e-17, 4.83e-17), (1e-300, 1.96e-300)] {
            let (early, late) = (line_rows(low, high, 0.3), line_rows(low, high, 0.8));
            assert!(
                early > late + 40,
                "{low}..{high} rises across the chart at its own scale: row {early}, then {late}"
            );
        }
        let small = line_row(5.0);
        for large in [1e17, -1e17, 1e300, 3e-10, 2e-15, 1e-310, 5e-324, 0.0] {
            let row = line_row(large);
            assert!(
                row.abs_diff(small) <= 2,
                "{large} is drawn at row {row}, like 5.0 at row {small}"
            );
        }
    }

    #[test]
    fn the_y_axis_title_keeps_clear_of_the_widest_tick_labels() {
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        // Pressure in Pa (101.5k), a narrow span of large values (1234.56), a negative range.
        for (low, high, unit) in [
            (101_352.0, 101_649.0, "Pa"),
            (1_234.1, 1_234.9, "hPa"),
            (-9_000.0, -8_000.0, "MW"),
        ] {
            let with =
                numeric_band(&day_axis(), &bands(low, high), "t", unit, size).expect("chart");
            let without =
                numeric_band(&day_axis(), &bands(low, high), "t", "", size).expect("chart");
            let (w, h) = (with.width as usize, with.height as usize);
            // The title is what differs; everything else, tick labels included, is alike.
            let title: Vec<(usize, usize)> = (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let at = (y * w + x) * 3;
                    with.rgb[at..at + 3] != without.rgb[at..at + 3]
                })
                .collect();
            assert!(!title.is_empty(), "{unit}: the axis title is drawn");
            let left = title
                .iter()
                .map(|p| p.0)
                .min()
                .unwrap_or(0)
                .saturating_sub(2);
            let right = title.iter().map(|p| p.0).max().unwrap_or(0) + 2;
            let top = title
                .iter()
                .map(|p| p.1)
                .min()
                .unwrap_or(0)
                .saturating_sub(2);
            let bottom = title.iter().map(|p| p.1).max().unwrap_or(0) + 2;
            let clashes = (top..=bottom.min(h - 1))
                .flat_map(|y| (left..=right.min(w - 1)).map(move |x| (x, y)))
                .filter(|&(x, y)| dark(&without, x, y))
                .count();
            assert_eq!(clashes, 0, "{unit}: the title's box touches tick labels");
        }
    }
}
