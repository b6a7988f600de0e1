//! Unit tests of the bundled land, coasts and borders and of their cutting to a frame.

use super::*;

/// The area inside `ring`, by the shoelace formula.
fn area(ring: &Line) -> f64 {
    let mut twice = 0.0;
    for (i, &(x0, y0)) in ring.iter().enumerate() {
        let (x1, y1) = ring[(i + 1) % ring.len()];
        twice += x0 * y1 - x1 * y0;
    }
    (twice / 2.0).abs()
}

fn frame(west: f64, east: f64, south: f64, north: f64) -> Frame {
    Frame {
        west,
        east,
        south,
        north,
    }
}

#[test]
fn the_bundled_world_reads_whole() {
    let world = read(BUNDLED).expect("the bundled basemap reads");
    assert!(
        world.land.len() > 1_000,
        "{} rings of land",
        world.land.len()
    );
    assert!(world.coasts.len() > 1_000, "{} coasts", world.coasts.len());
    assert!(world.borders.len() > 300, "{} borders", world.borders.len());
    assert_eq!(world, *super::world());
}

#[test]
fn a_file_in_another_shape_is_not_read() {
    assert_eq!(
        read(b"RLVBASE0\0\0\0\0\0\0\0\0\0\0\0\0"),
        None,
        "another magic"
    );
    let empty: Vec<u8> = [b"RLVBASE1".as_slice(), &[0; 12]].concat();
    assert_eq!(read(&empty), Some(World::default()), "three empty sections");
    assert_eq!(read(&empty[..16]), None, "a section missing");
    assert_eq!(
        read(&[empty.as_slice(), &[0]].concat()),
        None,
        "bytes left over"
    );
    let short: Vec<u8> = [b"RLVBASE1".as_slice(), &[1, 0, 0, 0, 2, 0, 0, 0, 1, 2]].concat();
    assert_eq!(read(&short), None, "a line shorter than it says");
}

#[test]
fn no_bundled_line_jumps_across_the_world() {
    // world-atlas joins land across the 180° meridian; a ring read as it stands there would
    // fill a band round the whole world at Chukotka's latitudes.
    let world = read(BUNDLED).expect("the bundled basemap reads");
    for (kind, lines) in [
        ("coast", &world.coasts),
        ("border", &world.borders),
        ("land", &world.land),
    ] {
        for line in lines {
            let round_the_pole = line.iter().all(|&(_, lat)| lat < -60.0);
            for pair in line.windows(2) {
                let step = (pair[1].0 - pair[0].0).abs();
                let along_the_pole = pair[0].1 == -90.0 && pair[1].1 == -90.0;
                assert!(
                    step < 180.0 || (kind == "land" && round_the_pole && along_the_pole),
                    "a {kind} steps {step}° from {:?} to {:?}",
                    pair[0],
                    pair[1]
                );
            }
        }
    }
}

#[test]
fn no_coast_runs_along_the_180th_meridian() {
    // Natural Earth splits Fiji's Taveuni there: an edge of the land, not a coast.
    let world = read(BUNDLED).expect("the bundled basemap reads");
    let on_meridian = |lon: f64| (lon.rem_euclid(360.0) - 180.0).abs() < 0.006;
    for coast in &world.coasts {
        for pair in coast.windows(2) {
            assert!(
                !(on_meridian(pair[0].0) && on_meridian(pair[1].0)),
                "a coast along the meridian: {:?} to {:?}",
                pair[0],
                pair[1]
            );
        }
    }
}

#[test]
fn a_ring_is_cut_at_the_frame() {
    let square: Line = vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
    let inside = frame(2.0, 4.0, 2.0, 5.0).clip_ring(&square);
    assert!(
        (area(&inside) - 6.0).abs() < 1e-9,
        "the frame itself: {inside:?}"
    );
    let half = frame(5.0, 20.0, -5.0, 20.0).clip_ring(&square);
    assert!((area(&half) - 50.0).abs() < 1e-9, "the east half: {half:?}");
    assert!(half.iter().all(|&(x, _)| (5.0..=10.0).contains(&x)));
    let elsewhere = frame(20.0, 30.0, 0.0, 10.0).clip_ring(&square);
    assert!(elsewhere.is_empty(), "nothing of it: {elsewhere:?}");
    let whole = frame(-1.0, 11.0, -1.0, 11.0).clip_ring(&square);
    assert_eq!(whole, square, "a ring inside the frame is kept as it is");
}

#[test]
fn a_line_leaving_and_entering_the_frame_is_cut_into_runs() {
    let f = frame(0.0, 10.0, 0.0, 10.0);
    assert_eq!(
        f.clip_line(&vec![(-5.0, 3.0), (15.0, 3.0)]),
        vec![vec![(0.0, 3.0), (10.0, 3.0)]]
    );
    let zigzag = vec![(5.0, 5.0), (5.0, 15.0), (7.0, 15.0), (7.0, 5.0), (8.0, 5.0)];
    assert_eq!(
        f.clip_line(&zigzag),
        vec![
            vec![(5.0, 5.0), (5.0, 10.0)],
            vec![(7.0, 10.0), (7.0, 5.0), (8.0, 5.0)]
        ],
        "out over the top edge and back in: two runs"
    );
    assert!(f.clip_line(&vec![(20.0, 0.0), (20.0, 10.0)]).is_empty());
}

#[test]
fn thinning_keeps_the_ends_and_drops_what_a_pixel_would_not_show() {
    let line: Line = (0..=100).map(|i| (f64::from(i) * 0.01, 0.0)).collect();
    let thin = thinned(&line, (0.1, 0.1));
    assert_eq!(thin.first(), Some(&(0.0, 0.0)));
    assert_eq!(thin.last(), line.last());
    assert!(thin.len() <= 12, "{} points left", thin.len());
    assert_eq!(
        thinned(&line, (0.001, 0.001)),
        line,
        "finer than its points: all kept"
    );
    let upright: Line = (0..=100).map(|i| (0.0, f64::from(i) * 0.01)).collect();
    assert_eq!(
        thinned(&upright, (1.0, 0.001)),
        upright,
        "each axis by its own step"
    );
}

#[test]
fn france_has_land_coasts_and_borders_and_the_open_sea_has_none() {
    let france = backdrop((-5.0, 9.0), (42.0, 51.0), (0.02, 0.02)).expect("a country's frame");
    assert!(!france.land.is_empty() && !france.coasts.is_empty() && !france.borders.is_empty());
    let in_frame = |lines: &[Line]| {
        lines.iter().flatten().all(|&(lon, lat)| {
            (-5.0 - 1e-9..=9.0 + 1e-9).contains(&lon) && (42.0 - 1e-9..=51.0 + 1e-9).contains(&lat)
        })
    };
    assert!(in_frame(&france.land) && in_frame(&france.coasts) && in_frame(&france.borders));
    let pacific = backdrop((-140.0, -125.0), (20.0, 30.0), (0.02, 0.02)).expect("an ocean's frame");
    assert_eq!(pacific, Backdrop::default(), "open sea: nothing to draw");
}

#[test]
fn a_city_frame_gets_no_land() {
    assert_eq!(backdrop((1.3, 1.6), (43.5, 43.7), (0.001, 0.001)), None);
}

#[test]
fn a_frame_across_the_180th_meridian_gets_land_on_both_sides() {
    // Chukotka runs from 170°E across the meridian to 169.7°W, read eastward as 190.3°.
    let chukotka = backdrop((170.0, 190.0), (62.0, 72.0), (0.02, 0.02)).expect("a frame");
    let lons: Vec<f64> = chukotka.land.iter().flatten().map(|p| p.0).collect();
    assert!(lons.iter().any(|&lon| lon < 179.0), "land west of 180°");
    assert!(lons.iter().any(|&lon| lon > 181.0), "land east of 180°");
    let west = backdrop((-190.0, -170.0), (62.0, 72.0), (0.02, 0.02)).expect("a frame");
    assert!(
        west.land.iter().flatten().any(|p| p.0 < -181.0),
        "read westward too"
    );
}

#[test]
fn a_map_of_alaska_shows_chukotka_across_the_bering_strait() {
    // A frame around Alaska's earthquakes starts east of -180°: Chukotka's tip, east of the
    // meridian, comes from Russia's ring laid a turn west.
    let alaska = backdrop((-178.0, -150.0), (58.0, 70.0), (0.02, 0.02)).expect("a frame");
    assert!(
        alaska
            .land
            .iter()
            .flatten()
            .any(|&(lon, lat)| lon < -170.0 && lat > 64.0),
        "Chukotka's land west of 170°W"
    );
    // Wrangel Island reaches west past the meridian: a frame ending short of 180° gets it.
    let wrangel = backdrop((170.0, 179.5), (68.0, 74.0), (0.02, 0.02)).expect("a frame");
    assert!(
        wrangel
            .land
            .iter()
            .flatten()
            .any(|&(lon, lat)| lon > 179.0 && lat > 70.5),
        "Wrangel Island's west end"
    );
}
