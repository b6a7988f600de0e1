//! Where the double's offers are: a place of work in each département's région, most near its
//! main city, so a day's map looks like France's, overseas included.

use super::day::{Dice, region_of};

/// Where a region's offers are: its INSEE code, its main city, and a box around the region
/// (its middle and half-spans), every pair as (latitude, longitude) in degrees.
struct RegionPlace {
    code: &'static str,
    city: (f64, f64),
    middle: (f64, f64),
    half: (f64, f64),
}

const fn region(
    code: &'static str,
    city: (f64, f64),
    middle: (f64, f64),
    half: (f64, f64),
) -> RegionPlace {
    RegionPlace {
        code,
        city,
        middle,
        half,
    }
}

/// Every region, overseas included.
#[rustfmt::skip]
const REGION_PLACES: [RegionPlace; 18] = [
    region("84", (45.76, 4.84), (45.35, 4.65), (1.1, 2.5)),
    region("27", (47.32, 5.04), (47.3, 5.0), (1.0, 2.0)),
    region("53", (48.11, -1.68), (48.1, -2.85), (0.7, 1.8)),
    region("24", (47.90, 1.91), (47.6, 1.6), (1.1, 1.4)),
    region("94", (41.93, 8.74), (42.15, 9.05), (0.6, 0.3)),
    region("44", (48.58, 7.75), (48.7, 5.8), (1.2, 2.2)),
    region("32", (50.63, 3.06), (49.9, 2.8), (0.9, 1.3)),
    region("11", (48.86, 2.35), (48.7, 2.5), (0.4, 0.8)),
    region("28", (49.44, 1.10), (49.0, -0.1), (0.6, 1.6)),
    region("75", (44.84, -0.58), (45.0, 0.4), (1.7, 1.8)),
    region("76", (43.60, 1.44), (43.7, 2.3), (1.0, 2.2)),
    region("52", (47.22, -1.55), (47.4, -0.9), (0.9, 1.4)),
    region("93", (43.30, 5.37), (43.9, 6.0), (0.7, 1.4)),
    region("01", (16.24, -61.55), (16.2, -61.5), (0.2, 0.3)),
    region("02", (14.64, -61.02), (14.65, -61.0), (0.15, 0.1)),
    region("03", (4.93, -52.33), (4.0, -53.0), (1.0, 0.8)),
    region("04", (-20.88, 55.45), (-21.1, 55.5), (0.2, 0.25)),
    region("06", (-12.78, 45.23), (-12.8, 45.15), (0.1, 0.1)),
];

/// A place of work in the département's region: most near its main city, the rest anywhere
/// in a box around the region, so the offers' map looks like France's, overseas included.
pub(super) fn position_in(departement: &str, dice: &mut Dice) -> (f64, f64) {
    const FRANCE: RegionPlace = region("", (46.6, 2.4), (46.6, 2.4), (4.0, 6.0));
    let region = region_of(departement);
    let place = REGION_PLACES
        .iter()
        .find(|place| Some(place.code) == region)
        .unwrap_or(&FRANCE);
    let (centre, half) = if dice.chance(0.6) {
        (place.city, (0.15, 0.2))
    } else {
        (place.middle, place.half)
    };
    let mut offset = |half: f64| (dice.below(2001) as f64 / 1000.0 - 1.0) * half;
    (centre.0 + offset(half.0), centre.1 + offset(half.1))
}

#[cfg(test)]
mod tests {
    use super::super::day::DayPlan;
    use chrono::NaiveDate;

    #[test]
    fn places_of_work_lie_in_their_departement_s_region() {
        let plan = DayPlan {
            date: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
            spread: 2_000,
            bursts: Vec::new(),
            seed: 7,
        };
        let mut overseas = 0;
        for offer in plan.offers() {
            let place = &offer.json["lieuTravail"];
            let (Some(lat), Some(lon), Some(code)) = (
                place["latitude"].as_f64(),
                place["longitude"].as_f64(),
                offer.departement.as_deref(),
            ) else {
                continue;
            };
            let expected = match code {
                "974" => (-21.4..-20.6, 55.1..55.9),
                "971" => (15.9..16.5, -61.9..-61.1),
                "2A" | "2B" => (41.3..42.9, 8.5..9.5),
                _ if code.len() == 3 => continue,
                _ => (41.3..51.2, -5.2..9.6),
            };
            overseas += usize::from(code.len() == 3);
            assert!(
                expected.0.contains(&lat) && expected.1.contains(&lon),
                "{code}: ({lat}, {lon}) is outside its region"
            );
        }
        assert!(overseas > 0, "some offers are overseas");
    }
}
