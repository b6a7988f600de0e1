//! The sentences under a numeric chart of a period not over whose hours still to come when
//! the report was generated hold records (forecasts): said apart for the hours begun then and
//! for those to come, a forecast not being a value measured.

use releve::store::NumericSummary;

use super::field_totals::FieldTotals;
use super::largest_total::largest_total;
use crate::charts::{HourBand, TimeAxis};

/// The hours a caption's figures cover: the period's, when none still to come when the
/// report was generated holds a record; else those begun then, or those still to come.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Share {
    Period,
    Begun,
    Ahead,
}

impl Share {
    /// What a caption of these hours leads with: those begun and those to come are said
    /// apart, a forecast's values ahead of their time (of a source that is no `forecast`, a
    /// clock ahead at the source too).
    fn lead(self, forecast: bool) -> String {
        match self {
            Share::Period => "Period".to_owned(),
            Share::Begun => "Until the report was generated".to_owned(),
            Share::Ahead => format!("Still to come then ({})", why_ahead(forecast)),
        }
    }
}

/// Why records lie in hours still to come when the report was generated: a `forecast`
/// source's are forecasts; another's may be rows published ahead (éCO2mix's) or times a clock
/// ahead wrote (a bike-share station's `last_update` hours ahead), which the report cannot
/// tell apart.
pub(super) fn why_ahead(forecast: bool) -> &'static str {
    if forecast {
        "values published ahead, such as forecasts"
    } else {
        "dated ahead: values published ahead, such as forecasts, or a clock ahead at the source"
    }
}

/// `per_hour` (one item per hour of `axis`) split into the hours begun when the report was
/// generated and those still to come then, each keeping its place on the axis.
fn split_by_generation<T: Copy>(axis: &TimeAxis, per_hour: &[Option<T>]) -> [Vec<Option<T>>; 2] {
    let part = |ahead: bool| {
        per_hour
            .iter()
            .zip(axis.hours())
            .map(|(item, hour)| item.filter(|_| axis.is_to_come(*hour) == ahead))
            .collect()
    };
    [part(false), part(true)]
}

/// The sentences said of `stats` and of `values` drawn from them (each one per hour of
/// `axis`): `whole` of the period's; or, when some of its hours were still to come when the
/// report was generated and hold records (forecasts), `part` of the hours begun then and,
/// apart, of the hours to come, each after its lead: a forecast is not a value measured.
/// `range`: the field's plausible range in words (see [`super::field_totals::plausible_range`]).
fn said_apart<T: Copy>(
    stats: &[Option<&NumericSummary>],
    values: &[Option<T>],
    axis: &TimeAxis,
    range: Option<&str>,
    whole: impl Fn(&FieldTotals, &[Option<T>]) -> String,
    part: impl Fn(&FieldTotals, Share, &[Option<T>]) -> String,
) -> Vec<String> {
    let [begun, ahead] = split_by_generation(axis, stats);
    let ahead = FieldTotals::of(&ahead, axis, range);
    if !ahead.holds_records() {
        return vec![whole(&FieldTotals::of(stats, axis, range), values)];
    }
    let [begun_values, ahead_values] = split_by_generation(axis, values);
    vec![
        part(
            &FieldTotals::of(&begun, axis, range),
            Share::Begun,
            &begun_values,
        ),
        part(&ahead, Share::Ahead, &ahead_values),
    ]
}

/// The sentences under a numeric chart: the min, mean and max of `bands`, apart for the hours
/// still to come when the report was generated (see [`said_apart`]).
pub(super) fn band_captions(
    stats: &[Option<&NumericSummary>],
    bands: &[Option<HourBand>],
    axis: &TimeAxis,
    unit: Option<&str>,
    range: Option<&str>,
    forecast: bool,
) -> Vec<String> {
    said_apart(
        stats,
        bands,
        axis,
        range,
        |totals, bands| totals.caption_with_steps(&Share::Period.lead(forecast), bands, axis, unit),
        |totals, share, bands| {
            let lead = share.lead(forecast);
            if !totals.holds_records() {
                format!("{lead}: no record.")
            } else if bands.iter().any(Option::is_some) {
                totals.caption_with_steps(&lead, bands, axis, unit)
            } else {
                format!("{lead}: no value; {}.", totals.lacking())
            }
        },
    )
}

/// The sentences under a totals chart: the total of the hourly `sums` and the step of the
/// largest (see [`largest_total`]; `with_codes[i]`: whether hour `i` holds a code of a missing
/// reading), apart for the hours still to come when the report was generated (see
/// [`said_apart`]).
pub(super) fn total_captions(
    stats: &[Option<&NumericSummary>],
    sums: &[f64],
    with_codes: &[bool],
    axis: &TimeAxis,
    unit: Option<&str>,
    range: Option<&str>,
    forecast: bool,
) -> Vec<String> {
    let sums: Vec<Option<f64>> = sums.iter().copied().map(Some).collect();
    let caption = |totals: &FieldTotals, lead: &str, sums: &[Option<f64>], share| {
        let per_hour: Vec<f64> = sums.iter().map(|sum| sum.unwrap_or(0.0)).collect();
        let most = largest_total(axis, &per_hour, with_codes, share, unit);
        totals.total_caption_said(lead, &per_hour, unit, &most)
    };
    said_apart(
        stats,
        &sums,
        axis,
        range,
        |totals, sums| caption(totals, "Period total", sums, Share::Period),
        |totals, share, sums| {
            let lead = share.lead(forecast);
            if !totals.holds_records() {
                format!("{lead}: no record.")
            } else if totals.count > 0 {
                caption(totals, &format!("{lead}, total"), sums, share)
            } else {
                format!("{lead}: no value; {}.", totals.lacking())
            }
        },
    )
}
