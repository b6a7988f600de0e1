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

/// The `[min_lon, min_lat, max_lon, max_lat]` of a `map_frame` as a box.
pub fn configured(frame: [f64; 4]) -> BoundingBox {
    let [min_lon, min_lat, max_lon, max_lat] = frame;
    BoundingBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    }
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
        (b.min_lon..=b.max_lon).contains(&p.lon) && (b.min_lat..=b.max_lat).contains(&p.lat)
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
    fn without_a_frame_every_position_is_shown() {
        let points = [at(-120.0, 37.0), at(142.0, 38.0)];
        let framed = frame(&points, None);
        assert_eq!(framed.shown.len(), 2);
        assert!(framed.outside.is_empty() && framed.outside_extent().is_none());
    }
}
