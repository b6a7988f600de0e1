//! The value axes the charts share: axes ticked at chosen positions, whole-number ticks for
//! counts, short tick labels, and a label area wide enough for its labels and axis title.

use plotters::prelude::*;

use super::{font_px, label_style, tick};

/// Width of a left label area holding the tick `labels` and, beside them, the rotated axis
/// description, with a gap between the two however wide the labels are.
pub(super) fn y_label_area(
    root: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    labels: impl Iterator<Item = String>,
) -> u32 {
    let widest = labels
        .map(|label| {
            root.estimate_text_size(&label, &label_style())
                .map_or(0, |(width, _)| width)
        })
        .max()
        .unwrap_or(0);
    let description = font_px(8.0) * 1.3;
    let gap = font_px(3.0);
    widest + 2 * tick() as u32 + (description + gap).ceil() as u32
}

/// Whole-number ticks from 0 up to `top`, a round step apart, at most six: a count axis never
/// shows fractions.
pub(super) fn count_ticks(top: f64) -> Vec<f64> {
    let top = if top.is_finite() { top.max(1.0) } else { 1.0 };
    let mut magnitude = 1.0;
    let step = loop {
        if let Some(step) = [1.0, 2.0, 5.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|step| top / step < 6.0)
        {
            break step;
        }
        magnitude *= 10.0;
    };
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|tick| *tick <= top)
        .collect()
}

/// A count axis from 0 to `top` with whole-number ticks.
pub(super) fn count_axis(top: f64) -> KeyedAxis {
    KeyedAxis::new(0.0..top, count_ticks(top))
}

/// A value axis over `range` with plotters' round-number ticks; over a range too wide for a
/// double's arithmetic (1.7e308 beside 0, where plotters' tick search never ends) or too
/// narrow for plotters (under `f64::EPSILON`, where it gives one tick: values of 1e-17),
/// six evenly spaced ticks.
pub(super) fn value_axis(range: std::ops::Range<f64>) -> KeyedAxis {
    let (start, end) = (range.start, range.end);
    let span = (end - start).abs();
    let keys = if start.is_finite() && end.is_finite() && (f64::EPSILON..1e300).contains(&span) {
        round_ticks(start, end)
    } else {
        (0..6)
            .map(|i| f64::from(i) / 5.0)
            .map(|t| start * (1.0 - t) + end * t)
            .filter(|key| key.is_finite())
            .collect()
    };
    KeyedAxis::new(range, keys)
}

/// Ticks at the multiples of the finest round step (1, 2, 2.5 or 5 times a power of ten) that
/// gives at most seven in `start..=end`: four to seven (plotters' 1-2-5 steps give two or three
/// where 2.5 gives six: 12.3 to 24.1 read 15 and 20 only). `start < end`, both finite.
fn round_ticks(start: f64, end: f64) -> Vec<f64> {
    let span = end - start;
    let magnitude = (span / 7.0).log10().floor() as i32;
    for power in magnitude - 1..=magnitude + 2 {
        for mantissa in [1.0, 2.0, 2.5, 5.0] {
            let step = mantissa * 10f64.powi(power);
            let (first, last) = ((start / step).ceil(), (end / step).floor());
            if last - first + 1.0 <= 7.0 {
                return (0..=(last - first) as i64)
                    .map(|k| (first + k as f64) * step)
                    .collect();
            }
        }
    }
    vec![start, end]
}

/// A linear f64 axis whose ticks sit exactly at the given positions (local midnights, every
/// third hour, category rows, whole counts) instead of plotters' choice.
pub(super) struct KeyedAxis {
    range: std::ops::Range<f64>,
    pub(super) keys: Vec<f64>,
}

impl KeyedAxis {
    pub(super) fn new(range: std::ops::Range<f64>, keys: Vec<f64>) -> Self {
        KeyedAxis { range, keys }
    }
}

impl Ranged for KeyedAxis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let (start, end) = (self.range.start, self.range.end);
        let t = if (end - start).is_finite() {
            // At the range's own scale: a span of 1e-17 is as tall as one of 1e17.
            (value - start) / (end - start)
        } else {
            // In halves, so a range spanning most of a double does not overflow.
            (value / 2.0 - start / 2.0) / (end / 2.0 - start / 2.0)
        };
        // An empty range puts everything mid-way.
        let t = if t.is_finite() { t } else { 0.5 };
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.keys.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// A tick label for a value on an axis spanning `span`, written as the report's text writes
/// numbers — thousands grouped: `61,500`, `101,600`, `1.2`, `0.05` — with just the decimals
/// that tell ticks `span / 6` apart; `2.5M` past a million when the ticks are that far apart,
/// and scientific notation past 1e12 or below what two decimals show.
pub(super) fn number_label(value: f64, span: f64) -> String {
    // Plotters' tick at zero can carry rounding noise (-2.1e-25 on a ±1e-9 axis).
    if value == 0.0 || value.abs() < span.abs() * 1e-9 {
        return "0".to_owned();
    }
    let magnitude = value.abs().max(span.abs());
    if magnitude >= 1e12 || span < 1e-4 {
        // Mantissa digits down to about a tenth of the span, so close ticks differ: 1.01e12,
        // 1.02e12, not 1e12 five times.
        let ratio = value.abs() / span;
        let decimals = if ratio.is_finite() && ratio > 1.0 {
            ratio.log10().ceil().clamp(1.0, 14.0) as usize + 1
        } else {
            1
        };
        trim_exponent(format!("{value:.decimals$e}"))
    } else if magnitude >= 1e6 && span >= 1e6 {
        trim(format!("{:.1}", value / 1e6)) + "M"
    } else if span >= 10.0 && decimals_of(value) == 0 {
        crate::format::grouped(value.round() as i64)
    } else if span >= 10.0 {
        // A tick of a step of 2.5 (7.5, on an axis of 5 to 20) keeps its half.
        crate::format::with_decimals(value, 1)
    } else if span >= 1.0 {
        crate::format::with_decimals(value, decimals_of(value).clamp(1, 2))
    } else {
        // Two decimals under a span of 1, one more per tenfold closer: 12.042, not 1.2e1.
        let decimals = (-span.log10()).ceil().clamp(0.0, 10.0) as usize + 1;
        crate::format::with_decimals(
            value,
            decimals.max(2).max(decimals_of(value).min(decimals + 1)),
        )
    }
}

/// The decimals `value` holds, as a tick written from a round step does (float noise aside):
/// 0 for 20, 1 for 7.5, 2 for 1.25; at most 10.
fn decimals_of(value: f64) -> usize {
    (0..10)
        .find(|decimals| {
            let scaled = value * 10f64.powi(*decimals);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .map_or(10, |decimals| decimals as usize)
}

/// `1.0e300` → `1e300`, `2.5e14` unchanged.
fn trim_exponent(text: String) -> String {
    match text.split_once('e') {
        Some((mantissa, exponent)) => format!("{}e{exponent}", trim(mantissa.to_owned())),
        None => text,
    }
}

fn trim(text: String) -> String {
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        if trimmed == "-0" {
            "0".to_owned()
        } else {
            trimmed.to_owned()
        }
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_stay_short() {
        assert_eq!(number_label(61_500.0, 20_000.0), "61,500");
        assert_eq!(number_label(101_600.0, 200.0), "101,600");
        assert_eq!(number_label(101_600.5, 2.0), "101,600.5");
        assert_eq!(number_label(-1_234.25, 0.5), "-1,234.25");
        assert_eq!(number_label(2_000_100.0, 500.0), "2,000,100");
        assert_eq!(
            number_label(1.25, 4.0),
            "1.25",
            "a step of 0.25 keeps its hundredths"
        );
        assert_eq!(
            number_label(7.5, 15.0),
            "7.5",
            "a step of 2.5 keeps its half"
        );
        assert_eq!(number_label(12.500000000000002, 15.0), "12.5");
        assert_eq!(number_label(0.05, 0.2), "0.05");
        assert_eq!(number_label(12.0, 50.0), "12");
        assert_eq!(number_label(1_500.0, 1_600.0), "1,500");
        assert_eq!(number_label(1e300, 1e300), "1e300");
        assert_eq!(number_label(2.5e14, 1e15), "2.5e14");
        assert_eq!(number_label(1.5e-5, 3e-5), "1.5e-5");
        assert_eq!(number_label(0.0, 3e-5), "0");
        assert_eq!(number_label(0.0, 1e13), "0");
        assert_eq!(number_label(-2.1e-25, 2e-9), "0", "rounding noise at zero");
    }

    #[test]
    fn a_value_axis_has_four_to_seven_round_ticks() {
        // 12.3 to 24.1 km/h, padded: steps of 5 would give two ticks.
        let keys = value_axis(11.6..24.8).keys;
        assert_eq!(keys, [12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0]);
        assert_eq!(
            value_axis(-49.63..-30.63).keys,
            [-47.5, -45.0, -42.5, -40.0, -37.5, -35.0, -32.5]
        );
        assert_eq!(
            value_axis(0.0..100.0).keys,
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        // Spans of every size, at any place: four to seven ticks, all within the range.
        for (start, span) in [
            (0.0, 1.0),
            (-3.7, 0.013),
            (1e12, 4.7e10),
            (7.0, 9.0),
            (0.2, 0.35),
        ] {
            for scale in [1.0, 1.3, 1.7, 2.2, 3.1, 4.4, 6.0, 8.5] {
                let end = start + span * scale;
                let keys = value_axis(start..end).keys;
                assert!((4..=7).contains(&keys.len()), "{start}..{end}: {keys:?}");
                assert!(keys.iter().all(|k| (start..=end).contains(k)), "{keys:?}");
            }
        }
    }

    #[test]
    fn close_ticks_keep_distinct_labels() {
        for (start, end) in [
            (1.0e12, 1.047e12),
            (12.04, 12.046),
            (1e-9, 1.6e-9),
            (0.0, 0.03),
        ] {
            let axis = value_axis(start..end);
            let labels: Vec<String> = axis
                .keys
                .iter()
                .map(|key| number_label(*key, end - start))
                .collect();
            let mut distinct = labels.clone();
            distinct.dedup();
            assert_eq!(distinct, labels, "{start}..{end}");
            assert!(labels.iter().all(|l| l.len() <= 10), "{labels:?}");
        }
        assert_eq!(number_label(12.042, 0.006), "12.042");
        assert_eq!(number_label(1.01e12, 4.7e10), "1.01e12");
    }

    #[test]
    fn a_range_past_a_double_s_arithmetic_still_gets_ticks() {
        let axis = value_axis(-1.7e308..1.7e308);
        assert_eq!(axis.keys.len(), 6);
        assert!(axis.keys.iter().all(|key| key.is_finite()));
        assert_eq!(value_axis(0.0..10.0).keys.first(), Some(&0.0));
        assert_eq!(number_label(2_500_000.0, 1e6), "2.5M");
        for tiny in [9.4e-18..5.1e-17, 9.4e-301..2.0e-300, 1e-310..2e-310] {
            let axis = value_axis(tiny.clone());
            assert_eq!(axis.keys.len(), 6, "{tiny:?}: {:?}", axis.keys);
            let span = tiny.end - tiny.start;
            let labels: Vec<String> = axis.keys.iter().map(|k| number_label(*k, span)).collect();
            let distinct: std::collections::BTreeSet<&String> = labels.iter().collect();
            assert!(distinct.len() >= 5, "{tiny:?}: readable apart: {labels:?}");
        }
    }

    #[test]
    fn count_axes_have_whole_ticks_only() {
        for top in [
            1.1, 2.2, 3.3, 5.5, 7.7, 11.0, 22.0, 57.2, 110.0, 1_100.0, 61_000.0,
        ] {
            let ticks = count_ticks(top);
            assert!(
                (2..=6).contains(&ticks.len()),
                "{top}: {} ticks: {ticks:?}",
                ticks.len()
            );
            assert_eq!(ticks[0], 0.0);
            assert!(
                ticks.iter().all(|t| t.fract() == 0.0 && *t <= top),
                "{ticks:?}"
            );
            let labels: Vec<String> = ticks.iter().map(|t| number_label(*t, top)).collect();
            assert!(labels.iter().all(|l| !l.contains('.')), "{labels:?}");
        }
        assert_eq!(count_ticks(1.1), [0.0, 1.0]);
        assert_eq!(count_ticks(22.0), [0.0, 5.0, 10.0, 15.0, 20.0]);
    }
}
