//! The shaded stretches of the hourly charts (to come, no run, disabled, failed), drawn under
//! the grid and the data, and their words, written over the data once it is drawn.

use plotters::prelude::*;

use super::{ChartError, HourlyChart, TimeAxis, dots, label_style, palette};

/// The shaded stretches of the axis, in the order they are drawn: the part still to come when
/// the report was generated (see [`TimeAxis::ahead_from`]), the stretches the source did not
/// run, those it was disabled in and those its every run failed in; each with its colour and
/// its word.
fn shadings(
    axis: &TimeAxis,
    end: f64,
) -> Vec<((f64, f64), plotters::style::RGBColor, &'static str)> {
    let ahead = axis
        .ahead_from()
        .map(|from| ((from, end), palette::AHEAD, "to come"));
    let each = |stretches: Vec<(f64, f64)>, colour, word| {
        stretches
            .into_iter()
            .map(move |stretch| (stretch, colour, word))
    };
    ahead
        .into_iter()
        .chain(each(
            axis.without_run_positions(),
            palette::NO_RUN,
            "no run",
        ))
        .chain(each(
            axis.disabled_positions(),
            palette::DISABLED,
            "disabled",
        ))
        .chain(each(axis.failing_positions(), palette::FAILED, "failed"))
        .collect()
}

/// Shades the stretches of [`shadings`] and draws where days meet (see
/// [`TimeAxis::day_starts`]): under the grid and the data. Their words are written over the
/// data, once it is drawn ([`shading_words`]).
pub(super) fn days_and_ahead(
    chart: &mut HourlyChart<'_, '_>,
    title: &str,
    axis: &TimeAxis,
) -> Result<(), ChartError> {
    let fail = ChartError::from_plotters(title);
    let x = chart.x_range();
    let y = chart.y_range();
    chart
        .draw_series(
            shadings(axis, x.end)
                .into_iter()
                .map(|((from, until), colour, _)| {
                    Rectangle::new([(from, y.start), (until, y.end)], colour.filled())
                }),
        )
        .map_err(&fail)?;
    chart
        .draw_series(
            axis.day_starts().into_iter().map(|start| {
                PathElement::new(vec![(start, y.start), (start, y.end)], palette::GRID)
            }),
        )
        .map_err(&fail)?;
    Ok(())
}

/// Writes each shaded stretch's word (see [`shadings`]) over the data drawn: across its top
/// where that fits, else upwards along it, which reaches down among the bars.
pub(super) fn shading_words(
    chart: &mut HourlyChart<'_, '_>,
    title: &str,
    axis: &TimeAxis,
) -> Result<(), ChartError> {
    let end = chart.x_range().end;
    for (stretch, colour, label) in shadings(axis, end) {
        shade_word(chart, title, stretch, colour, label)?;
    }
    Ok(())
}

/// Writes `label` in `from..until` of the axis, at its top where that fits across, on a patch
/// of the stretch's `colour` that keeps it legible over the data.
fn shade_word(
    chart: &mut HourlyChart<'_, '_>,
    title: &str,
    (from, until): (f64, f64),
    colour: plotters::style::RGBColor,
    label: &'static str,
) -> Result<(), ChartError> {
    let y = chart.y_range();
    let style = label_style().color(&palette::SHADE_WORDS);
    let (left, top) = chart.backend_coord(&(from, y.end));
    let room = chart.backend_coord(&(until, y.end)).0 - left;
    let tall = chart.backend_coord(&(from, y.start)).1 - top;
    // Compared in i64: a size past what a chart holds does not wrap.
    let fits = |needed: i32, extra: f64, within: i32| {
        i64::from(needed) + i64::from(dots(extra)) < i64::from(within)
    };
    let Ok((width, height)) = chart.plotting_area().estimate_text_size(label, &style) else {
        return Ok(());
    };
    let (wide, high) = (to_i32(width), to_i32(height));
    // Set in pixels from the shaded part's top left corner: where the word starts, the top
    // left corner of the room it takes, and that room's width and height.
    let (at, corner, size, style) = if fits(wide, 6.0, room) {
        let at = (dots(3.0), dots(3.0));
        (at, at, (wide, high), style)
    } else if fits(high, 2.0, room) && fits(wide, 6.0, tall) {
        // Too narrow for the word across (a day of a month): written upwards along it, so
        // that each kind of shading is still named on the chart.
        let at = ((room - high) / 2, dots(3.0) + wide);
        let upwards = style.transform(FontTransform::Rotate270);
        (at, (at.0, at.1 - wide), (high, wide), upwards)
    } else {
        return Ok(());
    };
    let pad = dots(2.0);
    let patch = [
        (corner.0 - pad, corner.1 - pad),
        (corner.0 + size.0 + pad, corner.1 + size.1 + pad),
    ];
    chart
        .draw_series(std::iter::once(
            EmptyElement::at((from, y.end))
                + Rectangle::new(patch, colour.filled())
                + Text::new(label, at, style),
        ))
        .map_err(ChartError::from_plotters(title))?;
    Ok(())
}

/// A text's size in pixels as plotters places it (a size past `i32` is none a chart has).
fn to_i32(pixels: u32) -> i32 {
    i32::try_from(pixels).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{ChartImage, counts, october_in_paris, px};
    use crate::period::PeriodKind;

    /// Dark grey pixels of `shaded` that `plain` lacks: words drawn on the shaded chart only.
    fn words_added(plain: &ChartImage, shaded: &ChartImage) -> usize {
        plain
            .rgb
            .chunks(3)
            .zip(shaded.rgb.chunks(3))
            .filter(|(before, after)| {
                let high = after.iter().copied().max().unwrap_or(255);
                let low = after.iter().copied().min().unwrap_or(0);
                before != after && high < 120 && high - low < 12
            })
            .count()
    }

    /// A month's chart shades a day whose every collection failed and two days the source
    /// was disabled in, in lilac and beige, about 5 and 10 mm wide: too narrow for its word
    /// (`failed`, `disabled`), which is left out, and nothing else on or under the chart says
    /// which colour is which (the section's sentences say `Shaded "failed"` and `Shaded
    /// "disabled"`). A reader cannot tell the failed day from the disabled ones. Each kind of
    /// shading a chart draws must be named on it, by its word or a key.
    #[test]
    fn a_months_short_failed_and_disabled_stretches_are_named_on_their_chart() {
        let axis = october_in_paris();
        let hours = axis.hours().to_vec();
        let day = |d: usize| hours[d * 24];
        let mut counts = vec![4_i64; hours.len()];
        for count in &mut counts[8 * 24..9 * 24] {
            *count = 0;
        }
        for count in &mut counts[12 * 24..14 * 24] {
            *count = 0;
        }
        let size = (px(174.0), px(58.0));
        let plain = counts::record_counts(&axis, &counts, size).expect("chart");
        // Ten days failing leave room for the word: it is seen.
        let long = axis.clone().failing(vec![(day(8), day(18))]);
        let long = counts::record_counts(&long, &counts, size).expect("chart");
        assert!(words_added(&plain, &long) > 50, "the measure sees a word");
        let short = axis
            .clone()
            .failing(vec![(day(8), day(9))])
            .disabled(vec![(day(12), day(14))]);
        let short = counts::record_counts(&short, &counts, size).expect("chart");
        let words = words_added(&plain, &short);
        assert!(
            words > 100,
            "a failed day and two disabled days are shaded in two colours that no word on the \
             chart names ({words} dark pixels added)"
        );
    }

    /// A week's chart of records per hour shades six hours whose runs all failed (or a
    /// stretch without a run) whose records a later run fetched, as an incremental source's
    /// lookback or a snapshot feed brings them: the word, too wide across, is written upwards
    /// along the stretch, but under the bars, so only its last letters show above them ("ed"
    /// of `failed`, "un" of `no run`), and a reader cannot tell the lilac from the salmon.
    /// The word must read as whole as over a stretch without records.
    #[test]
    fn a_word_written_upwards_along_a_stretch_whose_hours_hold_records_is_not_hidden_by_the_bars() {
        let period = crate::period::ReportPeriod::containing(
            PeriodKind::Week,
            chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap_or_default(),
            chrono_tz::Europe::Paris,
        );
        let axis = TimeAxis::new(period.hours(), period.tz, PeriodKind::Week);
        let hours = axis.hours().to_vec();
        let failing = axis.clone().failing(vec![(hours[30], hours[36])]);
        let size = (px(174.0), px(58.0));
        let drawn = |counts: &[i64]| {
            let plain = counts::record_counts(&axis, counts, size).expect("chart");
            let shaded = counts::record_counts(&failing, counts, size).expect("chart");
            words_added(&plain, &shaded)
        };
        let mut empty = vec![3_i64; hours.len()];
        for count in &mut empty[30..36] {
            *count = 0;
        }
        let over_nothing = drawn(&empty);
        let over_records = drawn(&vec![3_i64; hours.len()]);

        assert!(
            over_nothing > 100,
            "the measure sees the word ({over_nothing})"
        );
        assert!(
            over_records * 10 >= over_nothing * 8,
            "the word `failed` along six failed hours whose records came later is hidden by \
             their bars: {over_records} dark pixels of it show, against {over_nothing} over \
             hours without records"
        );
    }

    /// WCAG 2 contrast ratio of two colours (1 to 21).
    fn contrast(a: RGBColor, b: RGBColor) -> f64 {
        let luminance = |c: RGBColor| {
            let channel = |v: u8| {
                let v = f64::from(v) / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// The words on a chart's shaded stretches (`to come`, `no run`, `disabled`, `failed`),
    /// 7.5 pt, are written in the frame's light grey on the tinted shade: about 2.3 to 2.6 to
    /// 1, under the 4.5 to 1 WCAG asks of text that size, so a reader with low vision sees a
    /// smudge where the chart says why a stretch is empty.
    #[test]
    fn the_words_on_shaded_stretches_are_legible() {
        for (shade, word) in [
            (palette::AHEAD, "to come"),
            (palette::NO_RUN, "no run"),
            (palette::DISABLED, "disabled"),
            (palette::FAILED, "failed"),
        ] {
            let ratio = contrast(palette::SHADE_WORDS, shade);
            assert!(ratio >= 4.5, "`{word}`: {ratio:.2} to 1");
        }
    }
}
