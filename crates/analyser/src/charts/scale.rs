//! Where a numeric chart's value axis stops: at the period's lowest and highest values, but
//! for codes a sensor or a service sends for a missing reading (9999, -9999, 32767, 6553.5 …),
//! which would flatten every other hour into a line: they are left past the axis when they lie
//! more than 5 times the range of the middle two thirds of the other values beyond it (a code
//! within reach of the others, 999 hPa among pressures, is a reading; a spike among the others
//! does not carry a code within reach), however many hours they fill. The chart marks the
//! hours holding them at its edge and the report says so.
//!
//! Other values far from all the others are drawn: a value alone cannot tell a fault (a
//! pressure of 0 for an hour) from an event (a storm among showers, a plant tripping to 0 MW).
//! [`spikes`] finds the brief ones that flatten a chart, for the report to say so and how to
//! leave such readings out if they are faults.

use super::HourBand;

/// How many times the other values' range a code must lie beyond them to be left out.
const CODE_APART: f64 = 5.0;
/// How many times the range of the middle two thirds of the values a spike lies beyond it.
const SPIKE_APART: f64 = 20.0;
/// The longest run of hours a spike may last.
const SPIKE_HOURS: usize = 2;

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
    /// codes of a missing reading. `None` without a finite value.
    pub fn of(bands: &[Option<HourBand>]) -> Option<ValueScale> {
        without_codes(bands.iter().flatten().flat_map(|band| [band.min, band.max]))
    }

    /// The scale for `values` (a map's points, a chart's totals): their lowest to their highest
    /// but for codes of a missing reading. `None` without a finite value.
    pub fn of_values(values: impl IntoIterator<Item = f64>) -> Option<ValueScale> {
        without_codes(values)
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

/// Which of the hourly `bands` hold a code of a missing reading that their chart leaves out
/// (see [`ValueScale::of`]).
pub fn hours_with_codes(bands: &[Option<HourBand>]) -> Vec<bool> {
    let extremes = bands.iter().flatten().flat_map(|band| [band.min, band.max]);
    let Some(codes) = without_codes(extremes) else {
        return vec![false; bands.len()];
    };
    bands
        .iter()
        .map(|band| band.is_some_and(|b| codes.leaves_out(b.min) || codes.leaves_out(b.max)))
        .collect()
}

/// The scale of `values` but for codes of a missing reading lying more than [`CODE_APART`]
/// times the range of the middle two thirds of the other values beyond it (of all of them
/// where that middle is one value); `None` without a finite value.
fn without_codes(values: impl IntoIterator<Item = f64>) -> Option<ValueScale> {
    let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
    let whole = |values: &mut dyn Iterator<Item = f64>| {
        let first = values.next()?;
        let (low, high) = values.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)));
        Some(ValueScale { low, high })
    };
    let all = whole(&mut values.iter().copied())?;
    let Some(plain) = whole(&mut values.iter().copied().filter(|v| !is_missing_code(*v))) else {
        // Nothing but codes: they are what there is.
        return Some(all);
    };
    // Measured from the middle two thirds of the other values, so a spike among them does not
    // carry the codes within reach; from all of them when the middle is one value (a field
    // nearly always 0).
    let mut sorted: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| !is_missing_code(*v))
        .collect();
    sorted.sort_by(f64::total_cmp);
    let at = |share: f64| sorted[((sorted.len() - 1) as f64 * share).round() as usize];
    let (low, high) = match (at(1.0 / 6.0), at(5.0 / 6.0)) {
        (low, high) if high > low => (low, high),
        _ => (plain.low, plain.high),
    };
    // Halves, so values spanning most of a double do not overflow.
    let reach = CODE_APART * (high / 2.0 - low / 2.0);
    let kept = |v: &f64| {
        !is_missing_code(*v) || (v / 2.0 - high / 2.0 <= reach && low / 2.0 - v / 2.0 <= reach)
    };
    whole(&mut values.iter().copied().filter(kept))
}

/// An hour whose values lie far from all the others (see [`spikes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spike {
    /// Its index among the bands.
    pub hour: usize,
    /// Its value far above the others, if any.
    pub above: Option<f64>,
    /// Its value far below the others, if any.
    pub below: Option<f64>,
}

/// The hours of `bands` drawn on `scale` whose values lie more than [`SPIKE_APART`] times the
/// range of the middle two thirds of the values beyond it, in runs of at most [`SPIKE_HOURS`]
/// hours between hours without such a value: brief spikes that flatten the chart. A run at the
/// period's start or end may be part of an event that lasts, and is not one.
pub fn spikes(bands: &[Option<HourBand>], scale: ValueScale) -> Vec<Spike> {
    let on_scale = |v: f64| v.is_finite() && !scale.leaves_out(v);
    let hours: Vec<Option<(f64, f64)>> = bands
        .iter()
        .map(|band| {
            let band = (*band)?;
            let kept = [band.min, band.max].into_iter().filter(|v| on_scale(*v));
            Some((kept.clone().reduce(f64::min)?, kept.reduce(f64::max)?))
        })
        .collect();
    let mut values: Vec<f64> = hours
        .iter()
        .flatten()
        .flat_map(|(lo, hi)| [*lo, *hi])
        .collect();
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return Vec::new();
    }
    let at = |share: f64| values[((values.len() - 1) as f64 * share).round() as usize];
    let (lower, upper) = (at(1.0 / 6.0), at(5.0 / 6.0));
    // Halves, so values spanning most of a double do not overflow.
    let reach = SPIKE_APART * (upper / 2.0 - lower / 2.0);
    if reach <= 0.0 {
        return Vec::new();
    }
    let spike = |hour: usize, (lo, hi): (f64, f64)| {
        let above = (hi / 2.0 - upper / 2.0 > reach).then_some(hi);
        let below = (lower / 2.0 - lo / 2.0 > reach).then_some(lo);
        (above.is_some() || below.is_some()).then_some(Spike { hour, above, below })
    };
    let mut found = Vec::new();
    let mut run: Vec<Spike> = Vec::new();
    // Whether an hour without a spike came before the run.
    let mut after_others = false;
    for (index, hour) in hours.iter().enumerate() {
        let Some(hour) = *hour else { continue };
        match spike(index, hour) {
            Some(spike) => run.push(spike),
            None => {
                if after_others && run.len() <= SPIKE_HOURS {
                    found.append(&mut run);
                }
                run.clear();
                after_others = true;
            }
        }
    }
    found
}

/// Whether `value` is one of the codes sensors and services send for a missing reading: 999,
/// 9999, 99999… and 999.9, 9999.9…, the limits of 16-bit integers (32767, 65535) and their
/// tenths (3276.7, 6553.5), either sign.
pub fn is_missing_code(value: f64) -> bool {
    let size = value.abs();
    let nines = |v: f64| v >= 999.0 && v.fract() == 0.0 && ((v + 1.0).log10().fract() == 0.0);
    nines(size)
        || size >= 999.0
            && nines((size * 10.0).round())
            && (size * 10.0 - (size * 10.0).round()).abs() < 1e-6
        || [32_767.0, 32_768.0, 65_535.0].contains(&size)
        || [32_767.0, 32_768.0, 65_535.0].contains(&(size * 10.0).round())
            && (size * 10.0 - (size * 10.0).round()).abs() < 1e-6
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

    /// A day between `low` and `high`, with the hours of `odd` replaced.
    fn day_with(low: f64, high: f64, odd: &[(usize, f64, f64)]) -> (f64, f64) {
        let mut hours: Vec<_> = (0..24)
            .map(|i| hour(low, low + (high - low) * f64::from(i % 4) / 3.0))
            .collect();
        for &(at, min, max) in odd {
            hours[at] = hour(min, max);
        }
        scale(&hours)
    }

    #[test]
    fn codes_of_a_missing_reading_are_left_past_the_axis() {
        let mut faulty = temperatures();
        faulty[14] = hour(9.0, 9_999.0);
        faulty[2] = hour(-9_999.0, 10.0);
        let found = ValueScale::of(&faulty).expect("values");
        assert_eq!((found.low, found.high), (4.0, 21.0));
        assert_eq!(found.beyond(&faulty[14].expect("hour")), (true, false));
        assert_eq!(found.beyond(&faulty[2].expect("hour")), (false, true));
        assert_eq!(found.beyond(&faulty[5].expect("hour")), (false, false));
        // However many hours the sensor was down, and whichever codes it sends.
        let mut night = temperatures();
        for down in &mut night[..12] {
            *down = hour(-9_999.0, -9_999.0);
        }
        night[20] = hour(10.0, 32_767.0);
        assert_eq!(scale(&night), (4.0, 21.0));
        let month: Vec<_> = (0..720)
            .map(|i| match i % 18 {
                0 => hour(-9_999.0, -9_999.0),
                n => hour(f64::from(n), f64::from(n) + 5.0),
            })
            .collect();
        assert_eq!(scale(&month), (1.0, 22.0));
        for code in [-999.0, 999.9, 6_553.5, 65_535.0] {
            assert_eq!(
                day_with(-10.0, 35.0, &[(9, code, code)]),
                (-10.0, 35.0),
                "{code}"
            );
        }
        assert_eq!(
            day_with(480.0, 516.0, &[(9, -9_999.0, 500.0)]),
            (480.0, 516.0)
        );
        // Among three hours, or a field always one value.
        let few = vec![hour(10.0, 12.0), hour(11.0, 9_999.0), hour(9.0, 13.0)];
        assert_eq!(scale(&few), (9.0, 13.0));
        let mut flat: Vec<_> = (0..48).map(|_| hour(0.0, 0.0)).collect();
        flat[30] = hour(0.0, 9_999.0);
        assert_eq!(scale(&flat), (0.0, 0.0));
        // A code within reach of the readings is one: 999 hPa.
        assert_eq!(
            day_with(985.0, 1_012.0, &[(9, 999.0, 999.0)]),
            (985.0, 1_012.0)
        );
        assert_eq!(ValueScale::of(&[None, None]), None);
    }

    /// The hours `spikes` finds in a day between `low` and `high` with the hours of `odd`.
    fn spikes_in(low: f64, high: f64, odd: &[(usize, f64, f64)]) -> Vec<usize> {
        let mut hours: Vec<_> = (0..24)
            .map(|i| hour(low, low + (high - low) * f64::from(i % 4) / 3.0))
            .collect();
        for &(at, min, max) in odd {
            hours[at] = hour(min, max);
        }
        let scale = ValueScale::of(&hours).expect("values");
        spikes(&hours, scale)
            .iter()
            .map(|spike| spike.hour)
            .collect()
    }

    #[test]
    fn readings_far_from_the_others_are_drawn_and_brief_ones_found() {
        // A pressure of 0 Pa for an hour, on a calm day and on a stormy one: drawn, and found.
        let calm = [(9, 0.0, 101_400.0)];
        assert_eq!(day_with(101_351.0, 101_649.0, &calm), (0.0, 101_649.0));
        assert_eq!(spikes_in(101_351.0, 101_649.0, &calm), [9]);
        assert_eq!(
            spikes_in(980.0, 1_005.0, &[(9, 0.0, 0.0), (10, 0.0, 990.0)]),
            [9, 10]
        );
        // A reading a hundred times too large, twice, beside a code still left out.
        assert_eq!(
            spikes_in(4.0, 21.0, &[(3, 5.0, 600.0), (15, 1_500.0, 1_800.0)]),
            [3, 15]
        );
        assert_eq!(
            spikes_in(
                4.0,
                21.0,
                &[
                    (3, 5.0, 600.0),
                    (15, 1_500.0, 1_800.0),
                    (20, 9_999.0, 9_999.0)
                ]
            ),
            [3, 15]
        );
        // Not events that last, nor runs at the period's start or end, nor the weather.
        let four = [
            (16, 0.5, 1.2),
            (17, 1.2, 2.5),
            (18, 1.8, 2.2),
            (19, 0.6, 1.8),
        ];
        assert!(spikes_in(0.01, 0.03, &four).is_empty());
        assert!(spikes_in(0.01, 0.03, &[(22, 0.02, 1.9), (23, 1.9, 2.7)]).is_empty());
        assert!(spikes_in(10.0, 13.0, &[(0, 5_000.0, 5_000.0), (1, 5_000.0, 5_000.0)]).is_empty());
        assert!(spikes_in(20.0, 20.5, &[(13, 14.0, 20.2)]).is_empty());
        assert!(spikes_in(-10.0, 35.0, &[(3, -12.0, 2.0), (15, 20.0, 38.0)]).is_empty());
    }

    #[test]
    fn events_stay_on_the_chart() {
        // A cold night and a hot afternoon; indoors with a window opened in winter.
        let mut weather = temperatures();
        weather[3] = hour(-12.0, 2.0);
        weather[15] = hour(20.0, 38.0);
        assert_eq!(scale(&weather), (-12.0, 38.0));
        assert_eq!(day_with(20.0, 20.5, &[(13, 13.0, 20.2)]), (13.0, 20.5));
        // Showers and a cloudburst, a creek's flood, a gauge that drops for good.
        let mut rain: Vec<_> = (0..24).map(|_| hour(0.0, 0.0)).collect();
        for i in [2, 4, 5, 6, 9, 10, 11, 13, 14] {
            rain[i] = hour(0.0, 0.2);
        }
        rain[17] = hour(0.0, 24.0);
        assert_eq!(scale(&rain), (0.0, 24.0));
        let four = [
            (16, 0.5, 1.2),
            (17, 1.2, 2.5),
            (18, 1.8, 2.2),
            (19, 0.6, 1.8),
        ];
        assert_eq!(day_with(0.01, 0.03, &four), (0.01, 2.5));
        let dropped: Vec<(usize, f64, f64)> = (18..24).map(|h| (h, 1_000.0, 1_020.0)).collect();
        assert_eq!(day_with(12_000.0, 12_050.0, &dropped), (1_000.0, 12_050.0));
        // A plant tripping to 0 MW.
        assert_eq!(day_with(480.0, 516.0, &[(9, 0.0, 0.0)]), (0.0, 516.0));
    }

    #[test]
    fn totals_and_maps_leave_out_codes_only() {
        let values = |odd: f64| {
            let scale = ValueScale::of_values((0..30).map(|i| f64::from(i % 3) * 0.2).chain([odd]))
                .expect("values");
            (scale.low, scale.high)
        };
        assert_eq!(values(9_999.0), (0.0, 0.4));
        assert_eq!(values(180.0), (0.0, 180.0), "a storm is rain");
    }
}
