//! A numeric field's values over a period, and the sentences said of them: under its chart,
//! in place of a chart, and of the records without a number.

use releve::store::NumericSummary;
use releve::{Resolution, Source};

use super::numeric_page::one_hour;
use super::source_pages::NOT_A_NUMBER;
use super::steps_in_words::named_steps;
use crate::charts::{self, HourBand, TimeAxis};
use crate::format::{after_value, counted, value, values_apart};
use crate::naming::unit_of;

/// A numeric field's values over the period's hours.
pub(super) struct FieldTotals {
    pub(super) count: i64,
    /// The hourly means weighted by each hour's share of the values: a sum of sums could
    /// overflow where every mean is a number.
    pub(super) mean: f64,
    pub(super) nulls: i64,
    pub(super) implausible: i64,
    /// Where the values left out as implausible were, and the range they fell outside, in
    /// words: ` (outside its plausible range, -30 to 50 °C, in the hour 2026-12-03
    /// 14:00–15:00 UTC)`, the hour named as captions name it; empty without any.
    pub(super) implausible_where: String,
    /// The steps holding records without a value, in words: ` (2026-12-05 11:00–12:00 and 5
    /// other hours)`, as a mean over the others leaves them out; empty without any.
    pub(super) nulls_where: String,
}

impl FieldTotals {
    /// The totals of `stats`, one per hour of `axis`, of a field whose values count within
    /// `range` (see [`plausible_range`]), if it has one.
    pub(super) fn of(
        stats: &[Option<&NumericSummary>],
        axis: &TimeAxis,
        range: Option<&str>,
    ) -> FieldTotals {
        let outside = match range {
            Some(range) => format!("outside its plausible range, {range}"),
            None => "outside its plausible range".to_owned(),
        };
        let count: i64 = stats.iter().flatten().map(|n| n.count).sum();
        let implausible_hours: Vec<_> = axis
            .hours()
            .iter()
            .zip(stats)
            .filter(|(_, n)| n.is_some_and(|n| n.implausible > 0))
            .map(|(hour, _)| *hour)
            .collect();
        let implausible_where = match axis.resolution() {
            Resolution::Hour => match implausible_hours.as_slice() {
                [] => String::new(),
                [hour] => format!(" ({outside}, in the hour {})", one_hour(*hour, axis.tz())),
                [first, ..] => format!(
                    " ({outside}, in {}, the first {})",
                    counted(implausible_hours.len() as u64, "hour"),
                    one_hour(*first, axis.tz())
                ),
            },
            // A daily value's hour is its day's, dated by the API (00:00 UTC for Open-Meteo).
            Resolution::Day => {
                let days: std::collections::BTreeSet<_> = implausible_hours
                    .iter()
                    .map(|hour| axis.day_of(*hour))
                    .collect();
                match (days.len(), days.first()) {
                    (_, None) => String::new(),
                    (1, Some(day)) => {
                        format!(" ({outside}, on {day})")
                    }
                    (n, Some(first)) => format!(
                        " ({outside}, on {}, the first on {first})",
                        counted(n as u64, "day")
                    ),
                }
            }
        };
        let null_hours = axis
            .hours()
            .iter()
            .zip(stats)
            .filter(|(_, n)| n.is_some_and(|n| n.nulls > 0))
            .map(|(hour, _)| *hour);
        let nulls_where = match named_steps(axis, null_hours) {
            steps if steps.is_empty() => steps,
            steps => format!(" ({steps})"),
        };
        FieldTotals {
            implausible_where,
            nulls_where,
            count,
            mean: stats
                .iter()
                .flatten()
                .filter_map(|n| Some(n.mean? * (n.count as f64 / count.max(1) as f64)))
                .sum(),
            nulls: stats.iter().flatten().map(|n| n.nulls).sum(),
            implausible: stats.iter().flatten().map(|n| n.implausible).sum(),
        }
    }

    /// Whether any record counts in these totals, with a value or without.
    pub(super) fn holds_records(&self) -> bool {
        self.count + self.nulls + self.implausible > 0
    }

    /// The sentence standing for the chart of a field without a value in the period. The
    /// summaries' `nulls` cannot tell an absent field from a null or a text that is not a
    /// number, so the sentence names all three: a field every record holds as `"20,0"` reads
    /// as one no record holds otherwise.
    pub(super) fn no_value(&self, field: &str) -> String {
        let not_numbers = match (self.nulls, self.implausible) {
            (0, 0) => String::new(),
            (nulls, 0) => format!(
                ": {} without one ({NOT_A_NUMBER})",
                counted(nulls, "record")
            ),
            (0, implausible) => format!(
                ": {} left out as implausible{}",
                counted(implausible, "value"),
                self.implausible_where
            ),
            (nulls, implausible) => format!(
                ": {} left out as implausible{}, {} without one ({NOT_A_NUMBER})",
                counted(implausible, "value"),
                self.implausible_where,
                counted(nulls, "record")
            ),
        };
        format!("No numeric value of {field} in this period{not_numbers}.")
    }

    /// A totals chart's caption, after `lead` (`Period total`): the total of the hourly
    /// `sums`, and the values it lacks.
    pub(super) fn total_caption(&self, lead: &str, sums: &[f64], unit: Option<&str>) -> String {
        self.total_caption_said(lead, sums, unit, "")
    }

    /// A totals chart's caption as [`FieldTotals::total_caption`] says it, `most` (see
    /// [`super::largest_total::largest_total`]) after the total.
    pub(super) fn total_caption_said(
        &self,
        lead: &str,
        sums: &[f64],
        unit: Option<&str>,
        most: &str,
    ) -> String {
        format!(
            "{lead}: {}{} over {}{most}; {}.",
            value(sums.iter().sum()),
            after_value(unit),
            counted(self.count, "value"),
            self.lacking()
        )
    }

    /// What a caption ends with: the records without a value and when, and the values left
    /// out.
    pub(super) fn lacking(&self) -> String {
        let left_out = match self.implausible {
            0 => String::new(),
            n => format!(
                "; {} left out{}",
                counted(n, "implausible value"),
                self.implausible_where
            ),
        };
        format!(
            "{} without a value{}{left_out}",
            counted(self.nulls, "record"),
            self.nulls_where
        )
    }

    /// The chart's caption, after `lead` (what the figures cover): the min, mean and max, and
    /// the values it lacks.
    pub(super) fn caption(
        &self,
        lead: &str,
        bands: &[Option<HourBand>],
        unit: Option<&str>,
    ) -> String {
        self.caption_said(lead, bands, unit, None)
    }

    /// The caption of a chart of `bands` (one per hour of `axis`), as [`FieldTotals::caption`]
    /// says it, the min and max each followed by the steps they were reached in: `min 4.6 °C
    /// (2026-12-05 03:00–04:00)`, where the picture alone showed when.
    pub(super) fn caption_with_steps(
        &self,
        lead: &str,
        bands: &[Option<HourBand>],
        axis: &TimeAxis,
        unit: Option<&str>,
    ) -> String {
        self.caption_said(lead, bands, unit, Some(axis))
    }

    fn caption_said(
        &self,
        lead: &str,
        bands: &[Option<HourBand>],
        unit: Option<&str>,
        axis: Option<&TimeAxis>,
    ) -> String {
        let low = bands
            .iter()
            .flatten()
            .map(|b| b.min)
            .fold(f64::MAX, f64::min);
        let high = bands
            .iter()
            .flatten()
            .map(|b| b.max)
            .fold(f64::MIN, f64::max);
        let suffix = after_value(unit);
        if low == high {
            // One value, or the same every time: min, mean and max would repeat it.
            let every = match self.count {
                1 => "(1 value)".to_owned(),
                n => format!("in each of {}", counted(n, "value")),
            };
            return format!(
                "{lead}: {}{suffix} {every}; {}.",
                value(low),
                self.lacking()
            );
        }
        // A mean of the smallest doubles can round below their minimum: it lies between them.
        let mean = self.mean.clamp(low, high.max(low));
        // A value that is not a number is reached nowhere: nothing said.
        let reached = |extreme: f64, of: fn(&HourBand) -> f64| {
            axis.map(|axis| {
                let hours = bands
                    .iter()
                    .zip(axis.hours())
                    .filter(|(band, _)| band.is_some_and(|band| of(&band) == extreme))
                    .map(|(_, hour)| *hour);
                named_steps(axis, hours)
            })
            .filter(|steps| !steps.is_empty())
            .map(|steps| format!(" ({steps})"))
            .unwrap_or_default()
        };
        let (low_when, high_when) = (reached(low, |b| b.min), reached(high, |b| b.max));
        let [low, mean, high] = values_apart([low, mean, high]);
        format!(
            "{lead}: min {low}{suffix}{low_when}, mean {mean}{suffix}, max {high}{suffix}{high_when} over {}; {}.",
            counted(self.count, "value"),
            self.lacking()
        )
    }
}

/// What the grey marks of a totals chart mean, when it has any: its steps without a value,
/// which a total of 0 is not (see [`charts::steps_without_value`]).
pub(super) fn unvalued_note(axis: &TimeAxis, with_value: &[bool]) -> Option<String> {
    let unvalued = charts::steps_without_value(axis, with_value).len() as u64;
    let (one, step) = match axis.step() {
        charts::Step::Hour => ("an hour", "hour"),
        charts::Step::Day => ("a day", "day"),
    };
    (unvalued > 0).then(|| {
        format!(
            "A grey mark on the zero line is {one} without any value ({} in all): no record, or none holding a number; a total of 0 has no bar.",
            counted(unvalued, step)
        )
    })
}

/// Of a totals chart of one bar a day, the days whose total leaves out records without a
/// value beside the values it adds up (a sensor down for part of the day): their bars are
/// short of the day's, and unlike a day without any value they bear no grey mark. Five are
/// named, by the records each leaves out; the others counted.
pub(super) fn partial_days_note(
    axis: &TimeAxis,
    stats: &[Option<&NumericSummary>],
) -> Option<String> {
    const NAMED: usize = 5;
    if axis.step() != charts::Step::Day {
        return None;
    }
    // Each day's first hour, which names it (see `one_day`), and its values and nulls.
    let mut days: std::collections::BTreeMap<
        chrono::NaiveDate,
        (chrono::DateTime<chrono::Utc>, i64, i64),
    > = std::collections::BTreeMap::new();
    for (hour, stats) in axis.hours().iter().zip(stats) {
        if let Some(stats) = stats {
            let day = days.entry(axis.day_of(*hour)).or_insert((*hour, 0, 0));
            day.1 += stats.count;
            day.2 += stats.nulls;
        }
    }
    let partial: Vec<(String, i64)> = days
        .into_values()
        .filter(|(_, values, nulls)| *values > 0 && *nulls > 0)
        .map(|(first, _, nulls)| (super::numeric_page::one_day(axis, first), nulls))
        .collect();
    match partial.as_slice() {
        [] => None,
        [(day, nulls)] => Some(format!(
            "The total of {day} leaves out {} without a value: its bar may fall short of the day's.",
            counted(*nulls, "record")
        )),
        many => {
            let said: Vec<String> = many
                .iter()
                .take(NAMED)
                .map(|(day, nulls)| format!("{day} ({})", counted(*nulls, "record")))
                .collect();
            let named = match many.len().checked_sub(NAMED) {
                Some(more) if more > 0 => format!("{} and {more} more", said.join(", ")),
                _ => crate::format::listed(&said),
            };
            Some(format!(
                "The totals of these days leave out records without a value, so their bars may fall short of the day's: {named}."
            ))
        }
    }
}

/// The range `source`'s `plausible` keeps `field`'s values to, in words (`-30 to 50 °C`): a
/// reader reproducing a figure from the records, which keep the values left out, needs it.
pub(super) fn plausible_range(source: &Source, field: &str) -> Option<String> {
    let [low, high] = source.plausible.get(field)?;
    Some(format!(
        "{} to {}{}",
        value(*low),
        value(*high),
        after_value(unit_of(source, field))
    ))
}

#[cfg(test)]
mod tests;
