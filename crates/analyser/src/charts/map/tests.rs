//! Unit tests of the map chart.

use super::*;

fn distance(a: RGBColor, b: RGBColor) -> f64 {
    let d = |x: u8, y: u8| (f64::from(x) - f64::from(y)).powi(2);
    (d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)).sqrt()
}

fn chroma(c: RGBColor) -> u8 {
    c.0.max(c.1).max(c.2) - c.0.min(c.1).min(c.2)
}

#[test]
fn degree_labels_tell_close_ticks_apart() {
    let close = [43.58, 43.59, 43.6, 43.61];
    let labels: Vec<String> = close.iter().map(degrees(&close, ['N', 'S'])).collect();
    assert_eq!(labels, ["43.58° N", "43.59° N", "43.60° N", "43.61° N"]);
}

#[test]
fn marks_shrink_as_the_map_fills_but_stay_visible() {
    let points = |n: u32| -> Vec<Position> {
        (0..n)
            .map(|i| Position {
                lon: f64::from(i % 100),
                lat: f64::from(i / 100),
                value: Some(f64::from(i % 3)),
            })
            .collect()
    };
    let largest = |n| ValueRange::of(&points(n)).mark(Some(2.0)).1;
    let smallest = |n| ValueRange::of(&points(n)).mark(Some(0.0)).1;
    assert_eq!(
        (smallest(300), largest(300)),
        (
            dots(4.0),
            (f64::from(dots(4.0)) * 3.0_f64.sqrt()).round() as i32
        ),
        "a sparse map: full size, the highest value's area 3 times the lowest's"
    );
    let middle = ValueRange::of(&points(300)).mark(Some(1.0)).1;
    assert_eq!(
        middle,
        (f64::from(dots(4.0)) * 2.0_f64.sqrt()).round() as i32,
        "area grows with the value"
    );
    assert!(largest(2_500) < largest(300), "2,500 points: smaller marks");
    assert!(largest(20_000) <= largest(2_500));
    assert!(smallest(20_000) >= dots(2.0) && largest(20_000) > smallest(20_000));
    // Translucent as they pile up: a dense map shows where points are many.
    let opacity = |n| ValueRange::of(&points(n)).opacity;
    assert_eq!(opacity(300), 0.85);
    assert!(opacity(5_000) < 0.85 && opacity(5_000) > 0.4);
    assert_eq!(opacity(20_000), 0.4);
}

#[test]
fn a_value_far_beyond_the_others_takes_the_scales_end_without_greying_the_others() {
    // Stations reading 4 to 21 °C, one of them a faulty 9,999.
    let mut points: Vec<Position> = (0..40)
        .map(|i| Position {
            lon: f64::from(i),
            lat: 0.0,
            value: Some(4.0 + f64::from(i % 18)),
        })
        .collect();
    points[7].value = Some(9_999.0);
    let range = ValueRange::of(&points);
    assert_eq!((range.low, range.high), (4.0, 21.0));
    assert!(range.above && !range.below);
    assert_eq!(range.mark(Some(9_999.0)), range.mark(Some(21.0)));
    assert_ne!(
        range.mark(Some(4.0)).0,
        range.mark(Some(21.0)).0,
        "the other stations keep the scale's colours"
    );
    points[7].value = Some(11.0);
    let range = ValueRange::of(&points);
    assert_eq!((range.low, range.high, range.above), (4.0, 21.0, false));
}

#[test]
fn no_step_of_the_scale_looks_like_the_grey_of_missing_values() {
    for i in 0..=100 {
        let colour = scale_colour(f64::from(i) / 100.0);
        assert!(
            distance(colour, palette::MUTED) > 80.0 && chroma(colour) >= 60,
            "{i}%: {colour:?} is too close to grey"
        );
    }
}

/// How a mark of `colour` looks on white once drawn 85% opaque.
fn on_white(colour: RGBColor) -> [u8; 3] {
    let mix = |c: u8| (f64::from(c) * 0.85 + 255.0 * 0.15).round() as u8;
    [mix(colour.0), mix(colour.1), mix(colour.2)]
}

fn holds(image: &ChartImage, rows: std::ops::Range<u32>, colour: [u8; 3]) -> bool {
    let w = image.width as usize;
    rows.flat_map(|y| (0..w).map(move |x| (y as usize * w + x) * 3))
        .any(|at| {
            image.rgb[at..at + 3]
                .iter()
                .zip(colour)
                .all(|(&a, b)| a.abs_diff(b) <= 6)
        })
}

/// The leftmost and rightmost columns holding `colour`.
fn columns_holding(image: &ChartImage, colour: [u8; 3]) -> Option<(u32, u32)> {
    let w = image.width as usize;
    let columns: Vec<u32> = (0..image.rgb.len() / 3)
        .filter(|at| {
            image.rgb[at * 3..at * 3 + 3]
                .iter()
                .zip(colour)
                .all(|(&a, b)| a.abs_diff(b) <= 6)
        })
        .map(|at| (at % w) as u32)
        .collect();
    Some((*columns.iter().min()?, *columns.iter().max()?))
}

#[test]
fn a_configured_frame_across_the_180th_meridian_draws_both_sides() {
    let at = |lon: f64| Position {
        lon,
        lat: -17.0,
        value: None,
    };
    let size = (crate::charts::px(174.0), crate::charts::px(105.0));
    let frame = MapFrame::Configured(super::super::framing::configured([
        170.0, -25.0, -170.0, -10.0,
    ]));
    let image = position_map(&[at(172.0), at(-172.0)], frame, None, "t", size).expect("map");
    let (left, right) = columns_holding(&image, on_white(palette::DATA)).expect("points drawn");
    assert!(
        right - left > image.width / 4,
        "172°E and 172°W are both drawn, 16° apart: columns {left} to {right} of {}",
        image.width
    );
}

#[test]
fn the_key_under_the_map_shows_both_ends_of_the_scale_and_the_missing_grey() {
    let points: Vec<Position> = (0..20)
        .map(|n| Position {
            lon: 1.0 + f64::from(n) / 10.0,
            lat: 43.0 + f64::from(n % 5) / 10.0,
            value: (n != 7).then_some(f64::from(n)),
        })
        .collect();
    let size = (crate::charts::px(174.0), crate::charts::px(105.0));
    let key = ColourKey { field: "mag" };
    let image = position_map(
        &points,
        MapFrame::Data { outline: None },
        Some(key),
        "t",
        size,
    )
    .expect("map");
    let key_rows = size.1 - font_px(16.0) as u32..size.1;
    for colour in [scale_colour(0.0), scale_colour(1.0), palette::MUTED] {
        assert!(
            holds(&image, key_rows.clone(), on_white(colour)),
            "the key shows {colour:?}"
        );
    }
    // A long Opendatasoft field name gives way to the scale, which stays whole.
    let long = ColourKey {
        field: "fields.concentration_moyenne_journaliere_en_microgrammes_par_metre_cube_de_particules_fines_pm10 (µg/m³)",
    };
    let image = position_map(
        &points,
        MapFrame::Data { outline: None },
        Some(long),
        "t",
        size,
    )
    .expect("map");
    let w = image.width as usize;
    let rightmost = key_rows
        .clone()
        .flat_map(|y| (0..w).map(move |x| (x, (y as usize * w + x) * 3)))
        .filter(|&(_, at)| image.rgb[at..at + 3].iter().any(|&c| c < 250))
        .map(|(x, _)| x)
        .max()
        .expect("a key");
    assert!(
        rightmost + font_px(4.0) as usize <= w,
        "the key ends inside the image, `no value` included: {rightmost} of {w}"
    );
    let plain =
        position_map(&points, MapFrame::Data { outline: None }, None, "t", size).expect("map");
    assert!(
        !holds(&plain, 0..size.1, on_white(scale_colour(1.0))),
        "without a field, no colour scale and no key"
    );
}

/// The share of the image's pixels in `colour`.
fn share_of(image: &ChartImage, colour: RGBColor) -> f64 {
    let matching = image
        .rgb
        .chunks_exact(3)
        .filter(|p| p[0] == colour.0 && p[1] == colour.1 && p[2] == colour.2)
        .count();
    matching as f64 / f64::from(image.width * image.height)
}

#[test]
fn a_country_sized_map_is_drawn_over_land_and_a_city_sized_one_is_not() {
    let size = (crate::charts::px(174.0), crate::charts::px(105.0));
    let paris = Position {
        lon: 2.35,
        lat: 48.85,
        value: None,
    };
    let france = MapFrame::Configured(super::super::framing::configured([-5.0, 42.0, 9.0, 51.0]));
    let image = position_map(&[paris], france, None, "t", size).expect("map");
    assert!(
        share_of(&image, LAND) > 0.2,
        "France and its neighbours fill much of the map: {:.3}",
        share_of(&image, LAND)
    );
    let toulouse = MapFrame::Configured(super::super::framing::configured([1.3, 43.5, 1.6, 43.7]));
    let image = position_map(&[paris], toulouse, None, "t", size).expect("map");
    assert_eq!(
        share_of(&image, LAND),
        0.0,
        "no 1:50m land at a city's scale"
    );
}

#[test]
fn tick_labels_read_as_degrees_with_their_hemisphere_and_no_idle_decimals() {
    let whole = degrees(&[-150.0, -100.0, -50.0, 0.0, 50.0], ['E', 'W']);
    let labels: Vec<String> = [-150.0, 0.0, 50.0].iter().map(&whole).collect();
    assert_eq!(labels, ["150° W", "0°", "50° E"]);
    let fine = degrees(&[43.55, 43.6, 43.65], ['N', 'S']);
    assert_eq!(fine(&43.6), "43.60° N");
    assert_eq!(fine(&-0.001), "0°", "rounds to the equator");
    let tenths = degrees(&[-1.2, -1.0, -0.8], ['N', 'S']);
    assert_eq!(tenths(&-0.8), "0.8° S");
}

#[test]
fn the_bounding_box_outline_is_drawn_over_the_points() {
    // A dense grid of points coloured by value (none in the outline's blue), covering the
    // outline's edges.
    let points: Vec<Position> = (0..4_000)
        .map(|i| Position {
            lon: 1.0 + f64::from(i % 80) * 0.01,
            lat: 43.0 + f64::from(i / 80) * 0.016,
            value: Some(f64::from(i % 7)),
        })
        .collect();
    let outline = BoundingBox {
        min_lon: 1.0,
        min_lat: 43.0,
        max_lon: 1.79,
        max_lat: 43.784,
    };
    let size = (crate::charts::px(174.0), crate::charts::px(105.0));
    let key = ColourKey { field: "v" };
    let frame = MapFrame::Data {
        outline: Some(outline),
    };
    let image = position_map(&points, frame, Some(key), "t", size).expect("map");
    let blue = [palette::DATA.0, palette::DATA.1, palette::DATA.2];
    let outline_pixels = image.rgb.chunks(3).filter(|p| *p == blue).count();
    assert!(
        outline_pixels > image.width as usize,
        "the outline's blue shows over the points: {outline_pixels} pixels"
    );
}

/// The grey a black-and-white printer gives a pixel (ITU-R BT.601 luma).
fn printed_grey(pixel: &[u8]) -> f64 {
    0.299 * f64::from(pixel[0]) + 0.587 * f64::from(pixel[1]) + 0.114 * f64::from(pixel[2])
}

/// The pixels (x, y) where two drawings of one size differ.
fn differing(a: &ChartImage, b: &ChartImage) -> Vec<(usize, usize)> {
    let w = a.width as usize;
    a.rgb
        .chunks_exact(3)
        .zip(b.rgb.chunks_exact(3))
        .enumerate()
        .filter(|(_, (p, q))| p != q)
        .map(|(at, _)| (at % w, at / w))
        .collect()
}

/// A lecturer prints the report on a black-and-white laser printer: a point whose record holds
/// no number was a disc of grey 150, and the scale's teal-to-green middle prints as the same
/// grey (viridis runs dark to light), so a station without a reading read as one of middling
/// value; for a deuteranope the grey sits between the scale's blues and yellows too. Its mark
/// must differ from a valued one's by its shape: hollow, where every valued point is filled.
#[test]
fn a_point_without_a_number_is_told_from_the_scale_on_a_black_and_white_print() {
    let printed = |c: RGBColor| printed_grey(&[c.0, c.1, c.2]);
    let alike = (0..=100)
        .map(|i| scale_colour(f64::from(i) / 100.0))
        .find(|&c| (printed(c) - printed(palette::MUTED)).abs() < 8.0);
    assert!(
        alike.is_some(),
        "a step of the scale prints as the missing grey"
    );

    // A city's frame (no land drawn), valued points in its corners, one point in its middle.
    let size = (crate::charts::px(174.0), crate::charts::px(105.0));
    let frame = MapFrame::Configured(super::super::framing::configured([1.3, 43.5, 1.6, 43.7]));
    let at = |lon: f64, lat: f64, value: Option<f64>| Position { lon, lat, value };
    let corners = [
        at(1.32, 43.52, Some(0.0)),
        at(1.58, 43.68, Some(10.0)),
        at(1.32, 43.68, Some(5.0)),
    ];
    let key = Some(ColourKey { field: "v" });
    let map = |middle: Option<Position>| {
        let points: Vec<Position> = corners.iter().copied().chain(middle).collect();
        position_map(&points, frame, key, "t", size).expect("map")
    };
    let without = map(None);
    let centre_ink = |middle: Position| {
        let drawn = map(Some(middle));
        // The map above its key, which adds `no number` when a point lacks one.
        let map_rows = (size.1 - font_px(16.0) as u32) as usize;
        let mark: Vec<(usize, usize)> = differing(&without, &drawn)
            .into_iter()
            .filter(|&(_, y)| y < map_rows)
            .collect();
        let (xs, ys): (Vec<usize>, Vec<usize>) = mark.iter().copied().unzip();
        let centre = (
            (xs.iter().min().unwrap_or(&0) + xs.iter().max().unwrap_or(&0)) / 2,
            (ys.iter().min().unwrap_or(&0) + ys.iter().max().unwrap_or(&0)) / 2,
        );
        let at = (centre.1 * drawn.width as usize + centre.0) * 3;
        let inked = mark.contains(&centre);
        (mark.len(), inked, printed_grey(&drawn.rgb[at..at + 3]))
    };
    let (valued_pixels, valued, _) = centre_ink(at(1.437, 43.613, Some(7.0)));
    let (missing_pixels, missing, grey) = centre_ink(at(1.437, 43.613, None));
    assert!(
        valued_pixels > 20 && missing_pixels > 20,
        "both marks are drawn"
    );
    assert!(valued, "a valued point is a filled disc");
    assert!(
        !missing,
        "a point without a number prints as a filled disc of grey {grey:.0}, a shade the scale also prints: it must be hollow"
    );
}
