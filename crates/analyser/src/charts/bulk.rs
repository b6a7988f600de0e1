//! Which positions a map frames. A few positions far from all the others — France Travail's
//! offers overseas, 7,000 km from the mainland's — would stretch the frame until the bulk of
//! the map is one blot; when the rest fits a country, those few are set aside and the caption
//! counts them. Positions spread over the world, like earthquakes, are all kept.

use releve::store::BoundingBox;

use crate::query::Position;

/// Below this many positions, every one is framed.
const FEW: usize = 20;
/// A position is far when its distance to the median position is over this many times the
/// median distance.
const FAR: f64 = 10.0;
/// At most this share of the positions can be set aside.
const AT_MOST: f64 = 0.08;
/// Set aside only when the frame shrinks at least this much (in area)...
const SHRINK: f64 = 16.0;
/// ... to the size of a country (degrees on each side): a world map keeps all its points.
const COUNTRY: f64 = 30.0;

/// The positions a map draws, and those it sets aside.
#[derive(Debug, Clone, PartialEq)]
pub struct Framed {
    /// The positions to draw.
    pub shown: Vec<Position>,
    /// The positions set aside, far from all the others; empty when all are drawn.
    pub far: Vec<Position>,
}

impl Framed {
    /// The box around the positions set aside, when there are some.
    pub fn far_extent(&self) -> Option<BoundingBox> {
        extent(&self.far)
    }
}

/// Splits `points` into the bulk and the few far from it, when setting those aside frames
/// the bulk much more closely; otherwise every point is shown.
pub fn frame(points: &[Position]) -> Framed {
    let all = || Framed {
        shown: points.to_vec(),
        far: Vec::new(),
    };
    if points.len() < FEW {
        return all();
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let lon = median(&mut points.iter().map(|p| p.lon).collect());
    let lat = median(&mut points.iter().map(|p| p.lat).collect());
    let distance = |p: &Position| (p.lon - lon).abs().max((p.lat - lat).abs());
    let typical = median(&mut points.iter().map(distance).collect()).max(0.5);
    let (far, shown): (Vec<Position>, Vec<Position>) =
        points.iter().partition(|p| distance(p) > FAR * typical);
    if far.is_empty() || far.len() as f64 > AT_MOST * points.len() as f64 {
        return all();
    }
    match (extent(points), extent(&shown)) {
        (Some(whole), Some(bulk))
            if area(whole) >= SHRINK * area(bulk)
                && bulk.max_lon - bulk.min_lon <= COUNTRY
                && bulk.max_lat - bulk.min_lat <= COUNTRY =>
        {
            Framed { shown, far }
        }
        _ => all(),
    }
}

fn extent(points: &[Position]) -> Option<BoundingBox> {
    BoundingBox::enclosing(points.iter().map(|p| BoundingBox::around(p.lon, p.lat)))
}

/// The box's area in square degrees, at least a tenth of a degree on each side.
fn area(b: BoundingBox) -> f64 {
    (b.max_lon - b.min_lon).max(0.1) * (b.max_lat - b.min_lat).max(0.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` positions on a grid of `step` degrees from (`lon`, `lat`).
    fn grid(n: usize, lon: f64, lat: f64, step: f64) -> Vec<Position> {
        (0..n)
            .map(|i| Position {
                lon: lon + (i % 30) as f64 * step,
                lat: lat + (i / 30) as f64 * step,
                value: None,
            })
            .collect()
    }

    #[test]
    fn overseas_offers_are_set_aside_from_the_mainland_map() {
        let mut points = grid(1_000, -4.5, 42.5, 0.4);
        let overseas = [(-61.5, 16.2), (-61.0, 14.6), (-53.0, 4.0), (55.5, -21.1)];
        for (lon, lat) in overseas.iter().cycle().take(30) {
            points.push(Position {
                lon: *lon,
                lat: *lat,
                value: None,
            });
        }
        let framed = frame(&points);
        assert_eq!((framed.shown.len(), framed.far.len()), (1_000, 30));
        let far = framed.far_extent().expect("some set aside");
        assert_eq!((far.min_lon, far.max_lon), (-61.5, 55.5));
        assert_eq!((far.min_lat, far.max_lat), (-21.1, 16.2));
    }

    #[test]
    fn positions_spread_over_the_world_are_all_shown() {
        let points = grid(600, -180.0, -60.0, 12.0);
        assert!(frame(&points).far.is_empty());
    }

    #[test]
    fn a_cluster_with_a_distant_share_too_large_to_ignore_is_all_shown() {
        let mut points = grid(100, 1.0, 43.0, 0.01);
        points.extend(grid(10, 140.0, 35.0, 0.01));
        assert!(frame(&points).far.is_empty(), "10 of 110 is not a few");
    }

    #[test]
    fn a_day_of_earthquakes_keeps_its_distant_events() {
        // Most events in California, many in Alaska, some in Hawaii and Puerto Rico, a few
        // strong ones elsewhere in the world: the map is the world's.
        let mut points = grid(180, -124.0, 32.0, 0.3);
        points.extend(grid(60, -165.0, 55.0, 0.5));
        points.extend(grid(25, -156.0, 19.0, 0.05));
        points.extend(grid(10, -67.0, 17.0, 0.1));
        for (lon, lat) in [(142.0, 38.0), (120.0, -8.0), (-71.0, -33.0), (28.0, 39.0)] {
            points.push(Position {
                lon,
                lat,
                value: None,
            });
        }
        assert!(frame(&points).far.is_empty());
    }

    #[test]
    fn a_few_positions_are_all_shown() {
        let mut points = grid(15, 1.0, 43.0, 0.01);
        points.push(Position {
            lon: 55.5,
            lat: -21.1,
            value: None,
        });
        assert_eq!(frame(&points).shown.len(), 16);
    }
}
