//! A numeric field's values over a period, and the sentences said of them: under its chart,
//! in place of a chart, and of the records without a number.

use releve::store::NumericSummary;

use super::source_pages::NOT_A_NUMBER;
use crate::charts::{self, HourBand, TimeAxis};
use crate::format::{after_value, counted, value, values_apart};

/// A numeric field's values over the period's hours.
pub(super) struct FieldTotals {
    pub(super) count: i64,
    /// The hourly means weighted by each hour's share of the values: a sum of sums could
    /// overflow where every mean is a number.
    pub(super) mean: f64,
    pub(super) nulls: i64,
    pub(super) implausible: i64,
}

impl FieldTotals {
    pub(super) fn of(stats: &[Option<&NumericSummary>]) -> FieldTotals {
        let count: i64 = stats.iter().flatten().map(|n| n.count).sum();
        FieldTotals {
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
                ": {} left out as implausible",
                counted(implausible, "value")
            ),
            (nulls, implausible) => format!(
                ": {} left out as implausible, {} without one ({NOT_A_NUMBER})",
                counted(implausible, "value"),
                counted(nulls, "record")
            ),
        };
        format!("No numeric value of {field} in this period{not_numbers}.")
    }

    /// A totals chart's caption, after `lead` (`Period total`): the total of the hourly
    /// `sums`, and the values it lacks.
    pub(super) fn total_caption(&self, lead: &str, sums: &[f64], unit: Option<&str>) -> String {
        format!(
            "{lead}: {}{} over {}; {}.",
            value(sums.iter().sum()),
            after_value(unit),
            counted(self.count, "value"),
            self.lacking()
        )
    }

    /// What a caption ends with: the records without a value, and the values left out.
    pub(super) fn lacking(&self) -> String {
        let left_out = match self.implausible {
            0 => String::new(),
            n => format!("; {} left out", counted(n, "implausible value")),
        };
        format!(
            "{} without a value{left_out}",
            counted(self.nulls, "record")
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
        let [low, mean, high] = values_apart([low, mean, high]);
        format!(
            "{lead}: min {low}{suffix}, mean {mean}{suffix}, max {high}{suffix} over {}; {}.",
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
