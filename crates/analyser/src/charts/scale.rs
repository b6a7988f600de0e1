//! Where a numeric chart's value axis stops: at the period's lowest and highest values, unless
//! a few hours lie so far beyond all the others that drawing them would flatten every other
//! hour into a line (a sensor's 9,999 °C among readings of 5 to 20 °C). The axis then stops at
//! the others' values and the hours beyond it are named, for the chart to mark and the report to
//! say.
//!
//! "So far beyond" is judged against the core of the period's hourly minima and maxima, from
//! their 5th to their 95th percentile: a value lies beyond when it is more than ten core widths
//! past it. That leaves a normal spread and a skewed one (rain, earthquake magnitudes, job
//! openings) drawn whole, and cuts only readings no chart of the others could show. A core
//! without width (a field that is nearly always one value) cuts nothing: its rare other values
//! are what there is to see.

use super::HourBand;

/// The share of the hourly extremes at each end left out of the core.
const TAIL: f64 = 0.05;
/// How many core widths past the core a value may lie and still set the axis.
const REACH: f64 = 10.0;

/// The values a numeric chart's axis spans, before its margins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueScale {
    /// The lowest value the axis shows.
    pub low: f64,
    /// The highest value the axis shows.
    pub high: f64,
}

impl ValueScale {
    /// The scale for the hourly `bands`: their lowest minimum to their highest maximum but for
    /// values far beyond the others. `None` without a finite value.
    pub fn of(bands: &[Option<HourBand>]) -> Option<ValueScale> {
        ValueScale::of_values(bands.iter().flatten().flat_map(|band| [band.min, band.max]))
    }

    /// The scale for `values` (a map's points): their lowest to their highest but for values
    /// far beyond the others. `None` without a finite value.
    pub fn of_values(values: impl IntoIterator<Item = f64>) -> Option<ValueScale> {
        let mut extremes: Vec<f64> = values
            .into_iter()
            .filter(|value| value.is_finite())
            .collect();
        extremes.sort_by(f64::total_cmp);
        let (&lowest, &highest) = (extremes.first()?, extremes.last()?);
        let at = |share: f64| extremes[((extremes.len() - 1) as f64 * share).round() as usize];
        let (core_low, core_high) = (at(TAIL), at(1.0 - TAIL));
        // Halves, so a core spanning most of a double does not overflow.
        let width = core_high / 2.0 - core_low / 2.0;
        if width <= 0.0 {
            return Some(ValueScale {
                low: lowest,
                high: highest,
            });
        }
        let (floor, ceiling) = (
            core_low - REACH * 2.0 * width,
            core_high + REACH * 2.0 * width,
        );
        let within = || {
            extremes
                .iter()
                .copied()
                .filter(|v| (floor..=ceiling).contains(v))
        };
        Some(ValueScale {
            low: within().fold(core_low, f64::min),
            high: within().fold(core_high, f64::max),
        })
    }

    /// Whether `band` reaches past the scale: above it, below it.
    pub fn beyond(&self, band: &HourBand) -> (bool, bool) {
        (band.max > self.high, band.min < self.low)
    }

    /// Whether `value` lies past the scale.
    pub fn leaves_out(&self, value: f64) -> bool {
        value > self.high || value < self.low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(min: f64, max: f64) -> Option<HourBand> {
        Some(HourBand {
            min,
            mean: (min + max) / 2.0,
            max,
            values: 4,
        })
    }

    /// A day of temperatures between 4 and 21 °C.
    fn temperatures() -> Vec<Option<HourBand>> {
        (0..24)
            .map(|i| {
                let low = 4.0 + f64::from(i % 12);
                hour(low, low + 6.0)
            })
            .collect()
    }

    fn scale(bands: &[Option<HourBand>]) -> (f64, f64) {
        let scale = ValueScale::of(bands).expect("values");
        (scale.low, scale.high)
    }

    #[test]
    fn values_like_the_others_are_all_drawn() {
        assert_eq!(scale(&temperatures()), (4.0, 21.0));
        // A cold night and a hot afternoon are weather, not faults.
        let mut weather = temperatures();
        weather[3] = hour(-12.0, 2.0);
        weather[15] = hour(20.0, 38.0);
        assert_eq!(scale(&weather), (-12.0, 38.0));
        // Rain: dry hours, a few showers and one cloudburst.
        let mut rain: Vec<_> = (0..24).map(|_| hour(0.0, 0.0)).collect();
        for (i, mm) in [(4, 0.4), (5, 1.2), (6, 2.5), (9, 0.2), (10, 3.0), (11, 1.0)] {
            rain[i] = hour(0.0, mm);
        }
        rain[17] = hour(0.0, 24.0);
        assert_eq!(scale(&rain), (0.0, 24.0));
    }

    #[test]
    fn a_reading_far_beyond_the_others_is_left_past_the_axis() {
        let mut faulty = temperatures();
        faulty[14] = hour(9.0, 9_999.0);
        faulty[2] = hour(-9_999.0, 10.0);
        let found = ValueScale::of(&faulty).expect("values");
        assert_eq!((found.low, found.high), (4.0, 21.0));
        assert_eq!(found.beyond(&faulty[14].expect("hour")), (true, false));
        assert_eq!(found.beyond(&faulty[2].expect("hour")), (false, true));
        assert_eq!(found.beyond(&faulty[5].expect("hour")), (false, false));
    }

    #[test]
    fn a_field_nearly_always_one_value_shows_its_other_values() {
        let mut flat: Vec<_> = (0..48).map(|_| hour(0.0, 0.0)).collect();
        flat[30] = hour(0.0, 9_999.0);
        assert_eq!(scale(&flat), (0.0, 9_999.0));
        assert_eq!(ValueScale::of(&[None, None]), None);
    }

    #[test]
    fn a_faulty_reading_among_few_hours_is_drawn_rather_than_judged() {
        let few = vec![hour(10.0, 12.0), hour(11.0, 9_999.0), hour(9.0, 13.0)];
        assert_eq!(scale(&few), (9.0, 9_999.0));
    }
}
