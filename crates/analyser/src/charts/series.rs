//! A numeric field over the period: the mean as a line over its min–max band, per hour, or for
//! a month (or a source of daily values) per local day (720 hours draw a month's daily cycle
//! 30 times over; 30 days show how the days compare, the band still showing each day's range).

use plotters::prelude::*;

use super::{
    ChartError, ChartImage, Span, Step, TimeAxis, ValueScale, dots, draw, hourly_frame,
    mark_past_scale, palette, per_hour, value_axis,
};

/// One hour's minimum, mean and maximum of a field, and the number of values behind them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourBand {
    /// Smallest value.
    pub min: f64,
    /// Mean.
    pub mean: f64,
    /// Largest value.
    pub max: f64,
    /// Values in the hour.
    pub values: i64,
}

/// How often a numeric chart on `axis` draws a mean: `hourly`, or `daily` (a month, or a
/// source of daily values).
pub fn numeric_step(axis: &TimeAxis) -> &'static str {
    match axis.step() {
        Step::Hour => "hourly",
        Step::Day => "daily",
    }
}

/// The mean line over the min–max band of `bands` (one per hour of the axis), per hour or, for
/// a month, per local day; hours or days without a value break the line. The value axis spans
/// `scale`; a band reaching past it is drawn to the chart's edge, marked there with a triangle.
pub fn numeric_band(
    axis: &TimeAxis,
    bands: &[Option<HourBand>],
    scale: ValueScale,
    title: &str,
    unit: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let ValueScale { low, high } = scale;
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
        // (high - low) * 0.06, without overflowing when the values span most of a double; an
        // axis of values on one side of zero does not cross it.
        let pad = high * 0.06 - low * 0.06;
        let floor = if low >= 0.0 { 0.0 } else { f64::MIN };
        let ceiling = if high <= 0.0 { 0.0 } else { f64::MAX };
        ((low - pad).max(floor), (high + pad).min(ceiling))
    };
    let on_chart = |v: f64| v.clamp(low, high);
    let span = (high - low).min(f64::MAX);
    // Hours past the scale are marked; a month's day leaves them out of its band and mean
    // when it has others, which a code would drag to the chart's edge.
    let past: Vec<(bool, bool)> = bands
        .iter()
        .map(|band| band.map_or((false, false), |band| scale.beyond(&band)))
        .collect();
    let (steps, marked) = match axis.step() {
        Step::Day => {
            let hours: Vec<(Option<HourBand>, bool)> = bands
                .iter()
                .zip(&past)
                .map(|(band, past)| (*band, *past != (false, false)))
                .collect();
            let days = axis.per_local_day(&hours, |hours| {
                let within: Vec<Option<HourBand>> = hours
                    .iter()
                    .filter(|(_, past)| !past)
                    .map(|(band, _)| *band)
                    .collect();
                match day_band(&within) {
                    Some(band) => Some(band),
                    None => day_band(&hours.iter().map(|(band, _)| *band).collect::<Vec<_>>()),
                }
            });
            let marked = axis.per_local_day(&past, |hours| {
                hours
                    .iter()
                    .fold((false, false), |(a, b), (c, d)| (a || *c, b || *d))
            });
            (days, marked)
        }
        Step::Hour => (per_hour(bands), per_hour(&past)),
    };
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let mut chart = hourly_frame(root, title, axis, value_axis(low..high), span, unit)?;
        for run in runs(&steps) {
            let upper = run.iter().map(|s| (s.middle(), on_chart(s.value.max)));
            let lower = run
                .iter()
                .rev()
                .map(|s| (s.middle(), on_chart(s.value.min)));
            let outline: Vec<(f64, f64)> = if let [step] = run.as_slice() {
                let (b, x) = (step.value, step.middle());
                let half = (step.end - step.start) * 0.3;
                let (max, min) = (on_chart(b.max), on_chart(b.min));
                vec![
                    (x - half, max),
                    (x + half, max),
                    (x + half, min),
                    (x - half, min),
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
                    run.iter().map(|s| (s.middle(), on_chart(s.value.mean))),
                    palette::DATA.stroke_width(dots(3.0) as u32),
                ))
                .map_err(&fail)?;
            if let [step] = run.as_slice() {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (step.middle(), on_chart(step.value.mean)),
                        dots(4.0),
                        palette::DATA.filled(),
                    )))
                    .map_err(&fail)?;
            }
        }
        let marks = marked.iter().flat_map(|step| {
            let (above, below) = step.value;
            let x = step.middle();
            [(above, (x, high, true)), (below, (x, low, false))]
                .into_iter()
                .filter_map(|(past, mark)| past.then_some(mark))
        });
        mark_past_scale(&mut chart, title, marks)?;
        super::shading_words(&mut chart, title, axis)?;
        Ok(())
    })
}

/// A local day's band: the lowest minimum, the highest maximum and the mean of all the day's
/// values (each hour's mean weighted by its share of them); `None` for a day without one.
fn day_band(hours: &[Option<HourBand>]) -> Option<HourBand> {
    let hours: Vec<HourBand> = hours.iter().flatten().copied().collect();
    let values: i64 = hours.iter().map(|b| b.values).sum();
    (!hours.is_empty()).then(|| HourBand {
        min: hours.iter().map(|b| b.min).fold(f64::MAX, f64::min),
        max: hours.iter().map(|b| b.max).fold(f64::MIN, f64::max),
        // Shares, not a sum of products, which could overflow where every mean is a number;
        // hours counting no value weigh alike.
        mean: if values > 0 {
            hours
                .iter()
                .map(|b| b.mean * (b.values as f64 / values as f64))
                .sum()
        } else {
            hours.iter().map(|b| b.mean / hours.len() as f64).sum()
        },
        values,
    })
}

/// Contiguous steps holding a value.
fn runs(steps: &[Span<Option<HourBand>>]) -> Vec<Vec<Span<HourBand>>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for step in steps {
        match step.value {
            Some(band) => current.push(Span {
                start: step.start,
                end: step.end,
                value: band,
            }),
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
    use crate::period::PeriodKind;

    /// Hourly bands swinging between `low` and `high`.
    fn bands(low: f64, high: f64) -> Vec<Option<HourBand>> {
        (0..24)
            .map(|i| {
                let mean = low + (high - low) * (f64::from(i) / 23.0);
                Some(HourBand {
                    min: mean - (high - low) * 0.02,
                    mean,
                    max: mean + (high - low) * 0.02,
                    values: 10,
                })
            })
            .collect()
    }

    /// `bands` over a day, on their own scale, at the report's width.
    fn day_chart(bands: &[Option<HourBand>], unit: &str) -> ChartImage {
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        numeric_band(
            &crate::charts::day_axis(),
            bands,
            scale_of(bands),
            "t",
            unit,
            size,
        )
        .expect("chart")
    }

    fn scale_of(bands: &[Option<HourBand>]) -> ValueScale {
        ValueScale::of(bands).expect("a value")
    }

    fn dark(image: &ChartImage, x: usize, y: usize) -> bool {
        let at = (y * image.width as usize + x) * 3;
        image.rgb[at..at + 3].iter().all(|&v| v < 200)
    }

    #[test]
    fn a_month_draws_one_step_per_local_day_weighing_each_hour_by_its_values() {
        let axis = crate::charts::october_in_paris();
        let mut bands: Vec<Option<HourBand>> = vec![
            Some(HourBand {
                min: 1.0,
                mean: 2.0,
                max: 3.0,
                values: 1,
            });
            axis.len()
        ];
        // 1 October: one hour of 3 values at 10, hotter and wider than the others.
        bands[5] = Some(HourBand {
            min: -4.0,
            mean: 10.0,
            max: 30.0,
            values: 3,
        });
        // 2 October: no value at all.
        for band in &mut bands[24..48] {
            *band = None;
        }
        let days = axis.per_local_day(&bands, day_band);
        assert_eq!(days.len(), 31, "October");
        let first = days[0].value.expect("1 October has values");
        assert_eq!((first.min, first.max, first.values), (-4.0, 30.0, 26));
        let mean = (23.0 * 2.0 + 3.0 * 10.0) / 26.0;
        assert!(
            (first.mean - mean).abs() < 1e-12,
            "{} vs {mean}",
            first.mean
        );
        assert_eq!(days[1].value, None, "a day without values breaks the line");
        assert_eq!(
            (days[24].start, days[24].end),
            (576.0, 601.0),
            "25 October has 25 hours"
        );
        assert_eq!(runs(&days).len(), 2);
        assert_eq!(per_hour(&bands).len(), axis.len());
        let week = |date: &str| {
            let period = crate::period::ReportPeriod::containing(
                PeriodKind::Week,
                date.parse().expect("date"),
                chrono_tz::Europe::Paris,
            );
            TimeAxis::new(period.hours(), period.tz, period.kind)
        };
        assert_eq!(
            (
                numeric_step(&axis),
                numeric_step(&week("2026-10-15")),
                numeric_step(&week("2026-10-15").per_day())
            ),
            ("daily", "hourly", "daily")
        );
    }

    #[test]
    fn values_spanning_most_of_a_double_are_drawn() {
        // 1.7e308 beside 0 once sent plotters' tick search into an endless loop.
        let mut extreme: Vec<Option<HourBand>> = vec![None; 24];
        extreme[14] = Some(HourBand {
            min: 1.7e308,
            mean: 1.7e308,
            max: 1.7e308,
            values: 1,
        });
        extreme[15] = Some(HourBand {
            min: -1.7e308,
            mean: 0.0,
            max: 0.0,
            values: 2,
        });
        let chart = day_chart(&extreme, "");
        assert!(chart.width > 0);
    }

    #[test]
    fn a_reading_far_beyond_the_others_is_marked_at_the_edge_without_flattening_them() {
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let mut faulty = bands(4.0, 21.0);
        if let Some(hour) = faulty[14].as_mut() {
            hour.max = 9_999.0;
            hour.mean = 400.0;
        }
        let chart = day_chart(&faulty, "°C");
        let (width, height) = (chart.width as usize, chart.height as usize);
        let pixels_of = |colour: RGBColor, column: usize| -> Vec<usize> {
            (0..height)
                .filter(|row| {
                    let at = (row * width + column) * 3;
                    chart.rgb[at..at + 3] == [colour.0, colour.1, colour.2]
                })
                .collect()
        };
        // The line still rises across the chart's height from 4 to 21 °C.
        let line_row = |x: f64| {
            let rows = pixels_of(palette::DATA, (width as f64 * x) as usize);
            assert!(!rows.is_empty(), "the line is drawn at {x}");
            rows[rows.len() / 2]
        };
        assert!(
            line_row(0.25) > line_row(0.9) + 100,
            "not flattened: row {} then {}",
            line_row(0.25),
            line_row(0.9)
        );
        // One mark, at the top edge, over the faulty hour only (hour 14 of 24, right of the
        // value labels).
        let marked: Vec<usize> = (0..width)
            .filter(|&x| !pixels_of(palette::ALERT, x).is_empty())
            .collect();
        let (first, last) = (marked[0], marked[marked.len() - 1]);
        assert!(
            last - first < width / 40,
            "one mark: columns {first}..{last}"
        );
        let middle = (first + last) as f64 / 2.0 / width as f64;
        assert!((0.55..0.7).contains(&middle), "over hour 14: at {middle}");
        let top = pixels_of(palette::ALERT, (first + last) / 2);
        assert!(top[top.len() - 1] < height / 4, "at the top: {top:?}");

        let on_full_scale = ValueScale {
            low: 3.0,
            high: 9_999.0,
        };
        let flattened = numeric_band(
            &crate::charts::day_axis(),
            &faulty,
            on_full_scale,
            "t",
            "°C",
            size,
        )
        .expect("chart");
        assert!(
            !flattened
                .rgb
                .chunks(3)
                .any(|p| p == [palette::ALERT.0, palette::ALERT.1, palette::ALERT.2]),
            "nothing is marked on a scale holding every value"
        );
    }

    #[test]
    fn a_months_day_holding_a_code_keeps_its_mean_among_the_others() {
        let axis = crate::charts::october_in_paris();
        let size = (crate::charts::px(174.0), crate::charts::px(58.0));
        let mut bands = crate::charts::temperature_bands(axis.len());
        if let Some(hour) = bands[30].as_mut() {
            hour.max = 9_999.0;
            hour.mean = 2_000.0;
        }
        let chart = numeric_band(&axis, &bands, scale_of(&bands), "t", "°C", size).expect("chart");
        let width = chart.width as usize;
        let coloured = |colour: RGBColor, rows: std::ops::Range<usize>| {
            rows.flat_map(|row| (0..width).map(move |x| (row * width + x) * 3))
                .filter(|&at| chart.rgb[at..at + 3] == [colour.0, colour.1, colour.2])
                .count()
        };
        let top = 0..chart.height as usize / 6;
        assert!(
            coloured(palette::ALERT, top.clone()) > 0,
            "2 October is marked"
        );
        assert_eq!(
            coloured(palette::DATA, top),
            0,
            "no day's mean line runs up to the top edge"
        );
    }

    #[test]
    fn a_constant_value_is_drawn_mid_height_whatever_its_scale() {
        // The rows of the mean line's colour in the column a fraction `x` across the chart.
        let line_rows = |low: f64, high: f64, x: f64| {
            let chart = day_chart(&bands(low, high), "");
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
        // Pressure in Pa (101.5k), a narrow span of large values (1234.56), a negative range.
        for (low, high, unit) in [
            (101_352.0, 101_649.0, "Pa"),
            (1_234.1, 1_234.9, "hPa"),
            (-9_000.0, -8_000.0, "MW"),
        ] {
            let with = day_chart(&bands(low, high), unit);
            let without = day_chart(&bands(low, high), "");
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
