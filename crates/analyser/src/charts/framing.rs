//! What a map frames: by default every position, with the outline of the hourly bounding
//! boxes; with the source's `map_frame`, that box of the world, the positions outside it being
//! counted in the caption instead of stretching the map (France Travail's overseas offers,
//! 7,000 km from the mainland's, would shrink mainland France to a blot).

use releve::store::BoundingBox;

use crate::query::Position;

/// Where a map looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MapFrame {
    /// Around the positions and the outline, which is drawn.
    Data {
        /// The union of the hourly bounding boxes.
        outline: Option<BoundingBox>,
    },
    /// The configured box of the world.
    Configured(BoundingBox),
}

/// The positions a map draws, and those outside its configured frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Framed {
    /// The positions to draw.
    pub shown: Vec<Position>,
    /// The positions outside the configured frame; empty without one.
    pub outside: Vec<Position>,
}

impl Framed {
    /// The box around the positions outside the frame, when there are some.
    pub fn outside_extent(&self) -> Option<BoundingBox> {
        BoundingBox::enclosing(
            self.outside
                .iter()
                .map(|p| BoundingBox::around(p.lon, p.lat)),
        )
    }
}

/// True when `points` sit on both sides of the 180° meridian and span less than half the
/// longitudes when read eastward across it (a drifting buoy, Fiji and Samoa): their map is
/// then drawn across that meridian instead of stretching over the whole world.
pub fn across_antimeridian(points: &[Position]) -> bool {
    let span = |lons: &mut dyn Iterator<Item = f64>| {
        let (low, high) = lons.fold((f64::MAX, f64::MIN), |(l, h), lon| (l.min(lon), h.max(lon)));
        high - low
    };
    let direct = span(&mut points.iter().map(|p| p.lon));
    let across = span(&mut points.iter().map(|p| eastward(p.lon)));
    points.len() > 1 && across < direct / 2.0
}

/// A longitude read eastward past 180°: -170° is 190°.
pub fn eastward(lon: f64) -> f64 {
    if lon < 0.0 { lon + 360.0 } else { lon }
}

/// The `[min_lon, min_lat, max_lon, max_lat]` of a `map_frame` as a box. A west longitude over
/// the east one frames across the 180° meridian: the box's east edge is then read a turn
/// further east, past 180° (`[170, -25, -170, -10]` runs from 170° to 190°).
pub fn configured(frame: [f64; 4]) -> BoundingBox {
    let [min_lon, min_lat, max_lon, max_lat] = frame;
    BoundingBox {
        min_lon,
        min_lat,
        max_lon: if min_lon > max_lon {
            max_lon + 360.0
        } else {
            max_lon
        },
        max_lat,
    }
}

/// True when a configured box runs across the 180° meridian (its east edge past 180°).
pub fn frames_across_antimeridian(frame: &BoundingBox) -> bool {
    frame.max_lon > 180.0
}

/// `lon` as it lies between a configured box's edges, a turn further east or west when
/// needed (-170° is 190° in a box from 170° to 190°; 180° is -180° in one from -180°); `None`
/// when it lies outside the box's longitudes.
pub fn within_frame(lon: f64, frame: &BoundingBox) -> Option<f64> {
    [lon, lon + 360.0, lon - 360.0]
        .into_iter()
        .find(|turned| (frame.min_lon..=frame.max_lon).contains(turned))
}

/// Splits `points` by the configured frame, if any (edges included).
pub fn frame(points: &[Position], configured: Option<BoundingBox>) -> Framed {
    let Some(b) = configured else {
        return Framed {
            shown: points.to_vec(),
            outside: Vec::new(),
        };
    };
    let (shown, outside) = points.iter().partition(|p| {
        within_frame(p.lon, &b).is_some() && (b.min_lat..=b.max_lat).contains(&p.lat)
    });
    Framed { shown, outside }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lon: f64, lat: f64) -> Position {
        Position {
            lon,
            lat,
            value: None,
        }
    }

    #[test]
    fn positions_outside_the_configured_frame_are_set_aside() {
        let points = [
            at(2.35, 48.86),
            at(-61.5, 16.2),
            at(55.5, -21.1),
            at(10.0, 41.0),
        ];
        let framed = frame(&points, Some(configured([-5.5, 41.0, 10.0, 51.5])));
        assert_eq!(
            framed.shown,
            vec![at(2.35, 48.86), at(10.0, 41.0)],
            "edges count in"
        );
        let outside = framed.outside_extent().expect("two outside");
        assert_eq!((outside.min_lon, outside.max_lon), (-61.5, 55.5));
        assert_eq!((outside.min_lat, outside.max_lat), (-21.1, 16.2));
    }

    #[test]
    fn positions_both_sides_of_the_180th_meridian_are_framed_across_it() {
        let fiji_samoa = [at(178.4, -18.1), at(-171.8, -13.8), at(179.9, -16.0)];
        assert!(across_antimeridian(&fiji_samoa));
        assert_eq!(eastward(-171.8), 188.2);
        let world = [
            at(-155.0, 19.4),
            at(142.0, 38.0),
            at(-70.0, -33.0),
            at(25.0, 38.0),
        ];
        assert!(
            !across_antimeridian(&world),
            "a world-wide spread stays as it is"
        );
        let france = [at(-1.5, 47.2), at(7.3, 43.7)];
        assert!(!across_antimeridian(&france));
        assert!(!across_antimeridian(&[at(179.0, 0.0)]));
    }

    #[test]
    fn a_configured_frame_west_over_east_runs_across_the_180th_meridian() {
        let b = configured([170.0, -25.0, -170.0, -10.0]);
        assert!(frames_across_antimeridian(&b));
        assert_eq!((b.min_lon, b.max_lon), (170.0, 190.0));
        let points = [
            at(178.4, -18.1),
            at(-171.8, -13.8),
            at(180.0, -16.0),
            at(-180.0, -16.0),
            at(0.0, -18.0),
            at(-160.0, -15.0),
            at(165.0, -15.0),
        ];
        let framed = frame(&points, Some(b));
        assert_eq!(
            framed.shown,
            vec![
                at(178.4, -18.1),
                at(-171.8, -13.8),
                at(180.0, -16.0),
                at(-180.0, -16.0)
            ]
        );
        assert_eq!(
            framed.outside.len(),
            3,
            "Greenwich, east of Samoa, west of Vanuatu"
        );
        assert!(!frames_across_antimeridian(&configured([
            -5.5, 41.0, 10.0, 51.5
        ])));

        // West of Greenwich to further west: all but 10 degrees of the world.
        let b = configured([-10.0, -25.0, -20.0, -10.0]);
        assert_eq!((b.min_lon, b.max_lon), (-10.0, 340.0));
        let framed = frame(
            &[at(-5.0, -18.0), at(-15.0, -18.0), at(170.0, -18.0)],
            Some(b),
        );
        assert_eq!(framed.shown, vec![at(-5.0, -18.0), at(170.0, -18.0)]);
        // -180° and 180° are one meridian, on a box's east edge as on its west.
        let to_the_meridian = configured([170.0, -25.0, -180.0, -10.0]);
        let framed = frame(
            &[at(180.0, -18.0), at(-180.0, -18.0)],
            Some(to_the_meridian),
        );
        assert_eq!(framed.shown.len(), 2);
        let from_the_meridian = configured([-180.0, -25.0, -170.0, -10.0]);
        let framed = frame(
            &[at(180.0, -18.0), at(-180.0, -18.0)],
            Some(from_the_meridian),
        );
        assert_eq!(framed.shown.len(), 2);
    }

    #[test]
    fn without_a_frame_every_position_is_shown() {
        let points = [at(-120.0, 37.0), at(142.0, 38.0)];
        let framed = frame(&points, None);
        assert_eq!(framed.shown.len(), 2);
        assert!(framed.outside.is_empty() && framed.outside_extent().is_none());
    }
}
