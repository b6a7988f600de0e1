//! The land under a map: Natural Earth's 1:50m countries (public domain), their coasts and
//! the borders between them, bundled as `assets/basemap-50m.bin`, which
//! `scripts/derive-basemap.py` makes and describes.
//!
//! A frame gets the part of it that falls inside, cut at the frame's edges and thinned to the
//! drawing's resolution, as polygons to fill and lines to stroke. The bundled lines run on
//! across the 180° meridian (Russia's ring reaches 190°), so the world is laid a turn east
//! and a turn west of itself as well: frames across that meridian, whose longitudes run past
//! 180°, get both sides of it.

use std::sync::OnceLock;

/// A line or ring of (longitude, latitude) points in degrees.
pub type Line = Vec<(f64, f64)>;

/// The bundled file, in the format `scripts/derive-basemap.py` documents.
const BUNDLED: &[u8] = include_bytes!("../../../assets/basemap-50m.bin");

/// The maps of frames less tall than this, in degrees of latitude, get no land: at a city's
/// scale the 1:50m coast would sit visibly off the true one.
const SMALLEST_SPAN: f64 = 2.0;

/// The whole bundled world.
#[derive(Debug, Default, PartialEq)]
struct World {
    /// The rings of land.
    land: Vec<Line>,
    /// The coasts.
    coasts: Vec<Line>,
    /// The borders between countries.
    borders: Vec<Line>,
}

/// The part of the world inside a frame.
#[derive(Debug, Default, PartialEq)]
pub struct Backdrop {
    /// Land to fill, cut at the frame.
    pub land: Vec<Line>,
    /// Coasts to stroke.
    pub coasts: Vec<Line>,
    /// Borders between countries to stroke.
    pub borders: Vec<Line>,
}

/// The land, coasts and borders inside the frame of `lon` and `lat` ranges, with no two
/// points closer than `resolution` degrees (of longitude, of latitude: a pixel of each) on
/// both axes; `None` for a frame too small to show them truly.
pub fn backdrop(lon: (f64, f64), lat: (f64, f64), resolution: (f64, f64)) -> Option<Backdrop> {
    if lat.1 - lat.0 < SMALLEST_SPAN {
        return None;
    }
    let frame = Frame {
        west: lon.0,
        east: lon.1,
        south: lat.0,
        north: lat.1,
    };
    let world = world();
    // The world laid a turn west or east of itself where that copy reaches into the frame:
    // its lines run past ±180° (Chukotka to 190°, Wrangel Island to -181°).
    let (west, east) = world_extent();
    let turns: Vec<f64> = [-360.0, 0.0, 360.0]
        .into_iter()
        .filter(|turn| lon.1 >= west + turn && lon.0 <= east + turn)
        .collect();
    let thin = |lines: &[Line]| -> Vec<Line> {
        lines.iter().map(|line| thinned(line, resolution)).collect()
    };
    let (land, coasts, borders) = (thin(&world.land), thin(&world.coasts), thin(&world.borders));
    let mut backdrop = Backdrop::default();
    for turn in turns {
        let placed = |line: &Line| -> Line { line.iter().map(|&(x, y)| (x + turn, y)).collect() };
        backdrop.land.extend(
            land.iter()
                .map(|ring| frame.clip_ring(&placed(ring)))
                .filter(|ring| ring.len() >= 3),
        );
        for coast in &coasts {
            backdrop.coasts.extend(frame.clip_line(&placed(coast)));
        }
        for border in &borders {
            backdrop.borders.extend(frame.clip_line(&placed(border)));
        }
    }
    Some(backdrop)
}

/// The westernmost and easternmost longitudes the bundled world's lines reach, found once.
fn world_extent() -> (f64, f64) {
    static EXTENT: OnceLock<(f64, f64)> = OnceLock::new();
    *EXTENT.get_or_init(|| {
        let world = world();
        world
            .land
            .iter()
            .chain(&world.coasts)
            .chain(&world.borders)
            .flatten()
            .fold((f64::MAX, f64::MIN), |(west, east), &(lon, _)| {
                (west.min(lon), east.max(lon))
            })
    })
}

/// The bundled world, read once; empty should the bundled file not read (a build defect the
/// tests catch), so maps are then drawn without land rather than not at all.
fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| read(BUNDLED).unwrap_or_default())
}

/// The world in `bytes`, or `None` when they are not in the bundled format.
fn read(bytes: &[u8]) -> Option<World> {
    let mut rest = bytes.strip_prefix(b"RLVBASE1")?;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    let mut section = || -> Option<Vec<Line>> {
        let count = u32::from_le_bytes(take(4)?.try_into().ok()?);
        (0..count)
            .map(|_| {
                let points = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
                let data = take(points.checked_mul(4)?)?;
                Some(
                    data.chunks_exact(4)
                        .map(|p| {
                            let lon = i16::from_le_bytes([p[0], p[1]]);
                            let lat = i16::from_le_bytes([p[2], p[3]]);
                            (f64::from(lon) / 100.0, f64::from(lat) / 100.0)
                        })
                        .collect(),
                )
            })
            .collect()
    };
    let world = World {
        land: section()?,
        coasts: section()?,
        borders: section()?,
    };
    rest.is_empty().then_some(world)
}

/// `line` without the points closer than `resolution` (degrees of longitude, of latitude) on
/// both axes to the last one kept; its last point stays, so rings still close and lines still
/// meet.
fn thinned(line: &Line, (lon_step, lat_step): (f64, f64)) -> Line {
    let mut kept: Line = Vec::with_capacity(line.len());
    for (i, &(lon, lat)) in line.iter().enumerate() {
        let last = i + 1 == line.len();
        match kept.last() {
            Some(&(x, y)) if !last && (lon - x).abs() < lon_step && (lat - y).abs() < lat_step => {}
            _ => kept.push((lon, lat)),
        }
    }
    kept
}

/// A map's frame, in degrees.
#[derive(Debug, Clone, Copy)]
struct Frame {
    west: f64,
    east: f64,
    south: f64,
    north: f64,
}

impl Frame {
    /// The part of the polygon `ring` inside the frame (Sutherland–Hodgman, one edge of the
    /// frame after the other); a ring crossing the frame gets the frame's edge as its own.
    fn clip_ring(&self, ring: &Line) -> Line {
        let edges = [
            (Axis::Lon, self.west, Side::Above),
            (Axis::Lon, self.east, Side::Below),
            (Axis::Lat, self.south, Side::Above),
            (Axis::Lat, self.north, Side::Below),
        ];
        let mut points = ring.clone();
        for (axis, at, side) in edges {
            let inside = |p: (f64, f64)| side.keeps(axis.of(p), at);
            let Some(&last) = points.last() else {
                break;
            };
            let mut kept = Vec::with_capacity(points.len());
            let mut previous = last;
            for &point in &points {
                match (inside(previous), inside(point)) {
                    (true, true) => kept.push(point),
                    (true, false) => kept.push(axis.crossing(previous, point, at)),
                    (false, true) => {
                        kept.push(axis.crossing(previous, point, at));
                        kept.push(point);
                    }
                    (false, false) => {}
                }
                previous = point;
            }
            points = kept;
        }
        points
    }

    /// The runs of `line` inside the frame: each segment cut to the frame (Liang–Barsky),
    /// consecutive pieces joined.
    fn clip_line(&self, line: &Line) -> Vec<Line> {
        let mut runs: Vec<Line> = Vec::new();
        let mut current: Line = Vec::new();
        for pair in line.windows(2) {
            match self.clip_segment(pair[0], pair[1]) {
                Some((a, b)) => {
                    if current.last() != Some(&a) {
                        if current.len() > 1 {
                            runs.push(std::mem::take(&mut current));
                        }
                        current = vec![a];
                    }
                    current.push(b);
                }
                None => {
                    if current.len() > 1 {
                        runs.push(std::mem::take(&mut current));
                    }
                    current.clear();
                }
            }
        }
        if current.len() > 1 {
            runs.push(current);
        }
        runs
    }

    /// The part of the segment from `a` to `b` inside the frame, if any.
    fn clip_segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut enter, mut leave) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, a.0 - self.west),
            (dx, self.east - a.0),
            (-dy, a.1 - self.south),
            (dy, self.north - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    enter = enter.max(t);
                } else {
                    leave = leave.min(t);
                }
            }
        }
        (enter <= leave).then(|| {
            // An end inside the frame is kept as it is, so consecutive pieces still join.
            let at = |t: f64| match t {
                0.0 => a,
                1.0 => b,
                _ => (a.0 + t * dx, a.1 + t * dy),
            };
            (at(enter), at(leave))
        })
    }
}

/// Which coordinate an edge of the frame fixes.
#[derive(Debug, Clone, Copy)]
enum Axis {
    Lon,
    Lat,
}

impl Axis {
    /// The point's coordinate on this axis.
    fn of(self, (lon, lat): (f64, f64)) -> f64 {
        match self {
            Axis::Lon => lon,
            Axis::Lat => lat,
        }
    }

    /// Where the segment from `a` to `b` crosses the edge at `at` on this axis.
    fn crossing(self, a: (f64, f64), b: (f64, f64), at: f64) -> (f64, f64) {
        match self {
            Axis::Lon => (at, a.1 + (b.1 - a.1) * (at - a.0) / (b.0 - a.0)),
            Axis::Lat => (a.0 + (b.0 - a.0) * (at - a.1) / (b.1 - a.1), at),
        }
    }
}

/// Which side of an edge of the frame is inside it.
#[derive(Debug, Clone, Copy)]
enum Side {
    /// At or above the edge's coordinate (east of the west edge, north of the south one).
    Above,
    /// At or below it.
    Below,
}

impl Side {
    fn keeps(self, coordinate: f64, edge: f64) -> bool {
        match self {
            Side::Above => coordinate >= edge,
            Side::Below => coordinate <= edge,
        }
    }
}

#[cfg(test)]
mod tests;
