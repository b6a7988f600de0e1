//! Where a numeric chart's value axis stops: at the period's lowest and highest values, unless
//! a few hours hold readings so absurd beside all the others that drawing them would flatten
//! every other hour into a line (a sensor's 9,999 °C, or its -9,999 for hours it was down,
//! among readings of 5 to 20 °C). The axis then stops at the others' values and the hours
//! beyond it are named, for the chart to mark and the report to say.
//!
//! "Absurd" is judged against the median of the period's hourly minima and maxima, which a
//! quarter of the hours being faulty does not move: a value lies beyond when it is more than
//! a hundred times the median's own size, or a hundred interquartile ranges if that is more,
//! away from it. A river's flood, an indoor temperature's drop, a storm among drizzle or a cold
//! night stay on the chart however narrow the usual spread; a -9,999 among temperatures does
//! not. Where the middle half of the values is one value (a field that is nearly always 0),
//! nothing is left out: its other values are what there is to see.

use super::HourBand;

/// How many times the median's size (or the interquartile range, if larger) away from the
/// median a value may lie and still set the axis.
const SIZES: f64 = 100.0;

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
        let mut values: Vec<f64> = values
            .into_iter()
            .filter(|value| value.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        let (&lowest, &highest) = (values.first()?, values.last()?);
        let at = |share: f64| values[((values.len() - 1) as f64 * share).round() as usize];
        let (lower, median, upper) = (at(0.25), at(0.5), at(0.75));
        // Halves, so values spanning most of a double do not overflow.
        let spread = upper / 2.0 - lower / 2.0;
        let whole = ValueScale {
            low: lowest,
            high: highest,
        };
        if spread <= 0.0 {
            return Some(whole);
        }
        let reach = SIZES * median.abs().max(2.0 * spread);
        let within = |v: &f64| (v / 2.0 - median / 2.0).abs() * 2.0 <= reach;
        let kept = || values.iter().copied().filter(within);
        Some(ValueScale {
            low: kept().fold(median, f64::min),
            high: kept().fold(median, f64::max),
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
    fn hours_a_sensor_was_down_are_left_past_the_axis() {
        // Hours that read -9,999 throughout, as some stations report a reading they lack.
        let mut down = temperatures();
        down[5] = hour(-9_999.0, -9_999.0);
        down[6] = hour(-9_999.0, -9_999.0);
        assert_eq!(scale(&down), (4.0, 21.0));
        // A month with 40 such hours.
        let month: Vec<_> = (0..720)
            .map(|i| match i % 18 {
                0 => hour(-9_999.0, -9_999.0),
                n => hour(f64::from(n), f64::from(n) + 5.0),
            })
            .collect();
        assert_eq!(scale(&month), (1.0, 22.0));
        // Among three hours too.
        let few = vec![hour(10.0, 12.0), hour(11.0, 9_999.0), hour(9.0, 13.0)];
        assert_eq!(scale(&few), (9.0, 13.0));
    }

    #[test]
    fn real_readings_stay_however_narrow_the_usual_spread() {
        let steady = |low: f64, high: f64, odd: (f64, f64)| {
            let mut hours: Vec<_> = (0..24)
                .map(|i| hour(low + (high - low) * f64::from(i % 3) / 4.0, high))
                .collect();
            hours[13] = hour(odd.0, odd.1);
            scale(&hours)
        };
        // Indoors, 20 to 20.5 °C, and a window opened in winter.
        assert_eq!(steady(20.0, 20.5, (14.0, 20.2)), (14.0, 20.5));
        // A river at 2.50 m rising to 3.4 m.
        assert_eq!(steady(2.5, 2.51, (2.5, 3.4)), (2.5, 3.4));
        // Humidity at 96 to 99 %, one dry hour.
        assert_eq!(steady(96.0, 99.0, (35.0, 60.0)), (35.0, 99.0));
        // A month of drizzle, one hour in eight, and a storm.
        let mut drizzle: Vec<_> = (0..720)
            .map(|i| {
                let mm = if i % 8 == 0 {
                    0.2 + f64::from(i % 5) * 0.2
                } else {
                    0.0
                };
                hour(0.0, mm)
            })
            .collect();
        drizzle[400] = hour(0.0, 30.0);
        assert_eq!(scale(&drizzle), (0.0, 30.0));
    }
}
