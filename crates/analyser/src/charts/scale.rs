//! Where a numeric chart's value axis stops: at the period's lowest and highest values, unless
//! a few hours hold readings so far from all the others that drawing them would flatten every
//! other hour into a line (a sensor's 9,999 °C, or the -9,999 it sends for hours it was down,
//! among readings of 5 to 20 °C; a pressure of 0 Pa among 101,300s). The axis then stops at
//! the others' values and the hours beyond it are named, for the chart to mark and the report
//! to say.
//!
//! "So far" is a gap: the values left out lie apart from all the others by more than 50 times
//! the others' own range (5 times for the codes sensors send for a missing reading: 999, 9999,
//! 32767 and the like), they are no more spread among themselves than that gap, and they are at
//! most a third of the values. A flood, a storm among drizzle, a cold night or a humid morning
//! stay on the chart: they rise by steps, or not that far. A single hour's excursion that far
//! from a narrow range is left past the axis too, and said: from its values alone a chart
//! cannot tell it from a fault. Where all the other values are one value, nothing is left out:
//! the excursion is what there is to see.

use super::HourBand;

/// How many times the others' range the gap before values left out must exceed.
const APART: f64 = 50.0;
/// The same for values that are all codes for a missing reading.
const CODE_APART: f64 = 5.0;
/// The most rounds of leaving values out, a group at one end or at both each round.
const ROUNDS: usize = 6;

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
    /// values far from all the others. `None` without a finite value.
    pub fn of(bands: &[Option<HourBand>]) -> Option<ValueScale> {
        ValueScale::of_values(bands.iter().flatten().flat_map(|band| [band.min, band.max]))
    }

    /// The scale for `values` (a map's points, a chart's totals): their lowest to their highest
    /// but for values far from all the others. `None` without a finite value.
    pub fn of_values(values: impl IntoIterator<Item = f64>) -> Option<ValueScale> {
        let mut values: Vec<f64> = values
            .into_iter()
            .filter(|value| value.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        // The values kept: `values[low..high]`; each round leaves out the values beyond the
        // widest step at one end or both, while they lie apart enough (a few kinds of fault at
        // most: a code, another code, an absurd reading).
        let (mut low, mut high) = (0, values.len());
        let most = values.len() / 3;
        for _ in 0..ROUNDS {
            let kept = &values[low..high];
            let room = most - (low + values.len() - high);
            let top = widest_step(kept.iter().rev().map(|v| -v), room);
            let bottom = widest_step(kept.iter().copied(), room);
            let cut = [(0, top), (bottom, 0), (bottom, top)]
                .into_iter()
                .filter(|&(below, above)| below + above > 0 && below + above <= room)
                .find(|&(below, above)| lies_apart(kept, below, above));
            match cut {
                Some((below, above)) => {
                    low += below;
                    high -= above;
                }
                None => break,
            }
        }
        let kept = values.get(low..high)?;
        Some(ValueScale {
            low: *kept.first()?,
            high: *kept.last()?,
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

/// How many of the first of the ascending `values` (at most `room`, leaving two) lie before
/// the widest step between two of them, the fewest if several are as wide; 0 without a step.
fn widest_step(values: impl Iterator<Item = f64>, room: usize) -> usize {
    let values: Vec<f64> = values.collect();
    let last = room.min(values.len().saturating_sub(2));
    let mut widest = (0, 0.0);
    for before in 1..=last {
        // Halves, so values spanning most of a double do not overflow.
        let step = values[before] / 2.0 - values[before - 1] / 2.0;
        if step > widest.1 {
            widest = (before, step);
        }
    }
    widest.0
}

/// Whether, of the ascending `values`, the `below` lowest and the `above` highest lie apart
/// from the others enough to be left out: each end's gap more than [`APART`] times the others'
/// range ([`CODE_APART`] for codes of a missing reading), and no wider spread among themselves
/// than their gap.
fn lies_apart(values: &[f64], below: usize, above: usize) -> bool {
    let n = values.len();
    if n < below + above + 2 {
        return false;
    }
    let (lowest, kept, highest) = (
        &values[..below],
        &values[below..n - above],
        &values[n - above..],
    );
    let (first, last) = (kept[0], kept[kept.len() - 1]);
    // Halves, so values spanning most of a double do not overflow.
    let range = last / 2.0 - first / 2.0;
    let apart = |group: &[f64], gap: f64| {
        let (Some(&low), Some(&high)) = (group.first(), group.last()) else {
            return true;
        };
        let times = if group.iter().all(|v| is_missing_code(*v)) {
            CODE_APART
        } else {
            APART
        };
        gap > times * range && high / 2.0 - low / 2.0 <= gap
    };
    range > 0.0
        && apart(
            lowest,
            first / 2.0 - lowest.last().copied().unwrap_or(first) / 2.0,
        )
        && apart(
            highest,
            highest.first().copied().unwrap_or(last) / 2.0 - last / 2.0,
        )
}

/// Whether `value` is one of the codes sensors and services send for a missing reading: 999,
/// 9999, 99999… and 999.9, 9999.9…, the limits of 16-bit integers (32767, 65535), either sign.
fn is_missing_code(value: f64) -> bool {
    let size = value.abs();
    let nines = |v: f64| v >= 999.0 && v.fract() == 0.0 && ((v + 1.0).log10().fract() == 0.0);
    nines(size)
        || size >= 999.0
            && nines((size * 10.0).round())
            && (size * 10.0 - (size * 10.0).round()).abs() < 1e-6
        || [32_767.0, 32_768.0, 65_535.0].contains(&size)
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
        // Seven hours of a day.
        let mut night = temperatures();
        for hour_down in &mut night[..7] {
            *hour_down = hour(-9_999.0, -9_999.0);
        }
        assert_eq!(scale(&night), (4.0, 21.0));
        // Whatever the field's size: power in MW, a pressure of 0 Pa, a code of -999, a
        // sensor of whole degrees, a year of temperatures with a code of 999.
        let around = |low: f64, high: f64, odd: f64| {
            let mut hours: Vec<_> = (0..24)
                .map(|i| hour(low, low + (high - low) * f64::from(i % 4) / 3.0))
                .collect();
            hours[9] = hour(odd, odd);
            scale(&hours)
        };
        assert_eq!(around(480.0, 516.0, -9_999.0), (480.0, 516.0));
        assert_eq!(around(101_351.0, 101_649.0, 0.0), (101_351.0, 101_649.0));
        assert_eq!(around(4.0, 21.0, -999.0), (4.0, 21.0));
        assert_eq!(around(19.0, 23.0, 9_999.0), (19.0, 23.0));
        assert_eq!(around(-10.0, 35.0, 999.0), (-10.0, 35.0));
        assert_eq!(around(-10.0, 35.0, 999.9), (-10.0, 35.0));
        assert_eq!(around(0.0, 1_000.0, 32_767.0), (0.0, 1_000.0));
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
        // A creek at 0.01 to 0.03 m, flooding for four hours.
        let mut creek: Vec<_> = (0..24)
            .map(|i| hour(0.01, 0.01 + f64::from(i % 3) * 0.01))
            .collect();
        for (i, (low, high)) in [(0.5, 1.2), (1.2, 2.5), (1.8, 2.2), (0.6, 1.8)]
            .into_iter()
            .enumerate()
        {
            creek[16 + i] = hour(low, high);
        }
        assert_eq!(scale(&creek), (0.01, 2.5));
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
