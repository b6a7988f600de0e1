//! Where a positioned source's records were: a lon/lat scatter in degrees over land, coasts
//! and borders, points coloured and sized by the source's first numeric field, with the
//! outline of the data's bounding box and, under the map, a key to the colours.

mod basemap;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use releve::store::BoundingBox;

use super::framing::{
    MapFrame, across_antimeridian, eastward, frames_across_antimeridian, within_frame,
};
use super::{
    ChartError, ChartImage, ValueScale, desc_style, dots, draw, fitted, fitted_title, font_px,
    label_style, palette, tick, title_style, y_label_area,
};
use crate::format::value;
use crate::query::Position;

/// The colour scale, low to high values: viridis from violet through blue and teal to green,
/// stopping short of its pale yellow; every step stays far from the grey of missing values in
/// colour (not in a print's grey, where its teal matches it: those points are rings).
const SCALE: [RGBColor; 5] = [
    RGBColor(68, 1, 84),
    RGBColor(59, 82, 139),
    RGBColor(33, 145, 140),
    RGBColor(94, 201, 98),
    RGBColor(170, 220, 50),
];

/// The land's fill, its coasts and the borders between countries: light and colourless, under
/// the grid, so the points stand out.
const LAND: RGBColor = RGBColor(236, 235, 230);
const COAST: RGBColor = RGBColor(178, 178, 172);
const BORDER: RGBColor = RGBColor(200, 200, 195);

/// What the points' colour stands for: the field's name as the key shows it, `mag (magnitude)`.
#[derive(Debug, Clone, Copy)]
pub struct ColourKey<'a> {
    /// The field, with its unit.
    pub field: &'a str,
}

/// The scatter of `points` within `frame` (around them and the outline of the hourly bounding
/// boxes, which is drawn, or the source's configured box). With `key`,
/// points are coloured and sized by their value (a grey ring without one) and a key under the map
/// tells the colours; without, they are all drawn alike.
pub fn position_map(
    points: &[Position],
    frame: MapFrame,
    key: Option<ColourKey<'_>>,
    title: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let key_height = if key.is_some() {
        font_px(16.0) as u32
    } else {
        0
    };
    let map_size = (size.0, size.1 - key_height);
    let Placed {
        points,
        outline,
        lon,
        lat,
    } = placed(points, frame, map_size);
    let points = points.as_slice();
    let range = ValueRange::of(points);
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let (map_area, key_area) = root.split_vertically(map_size.1);
        let ticks = |range: (f64, f64), count: usize| {
            plotters::coord::types::RangedCoordf64::from(range.0..range.1).key_points(count)
        };
        let (lon_ticks, lat_ticks) = (ticks(lon, 8), ticks(lat, 6));
        let lon_degrees = degrees(&lon_ticks, ['E', 'W']);
        let lon_label = |lon: &f64| lon_degrees(&if *lon > 180.0 { lon - 360.0 } else { *lon });
        let lat_label = degrees(&lat_ticks, ['N', 'S']);
        let y_area = y_label_area(&map_area, lat_ticks.iter().map(&lat_label));
        let mut chart = ChartBuilder::on(&map_area)
            .caption(fitted_title(&map_area, title), title_style())
            .margin(font_px(6.0) as u32)
            .x_label_area_size(font_px(24.0) as u32)
            .y_label_area_size(y_area)
            .build_cartesian_2d(lon.0..lon.1, lat.0..lat.1)
            .map_err(&fail)?;
        // Thinned to about a pixel of the plot: the world's 180,000 points would otherwise
        // mostly overlap.
        let (width, height) = chart.plotting_area().dim_in_pixel();
        let resolution = (
            (lon.1 - lon.0) / f64::from(width.max(1)),
            (lat.1 - lat.0) / f64::from(height.max(1)),
        );
        if let Some(backdrop) = basemap::backdrop(lon, lat, resolution) {
            draw_backdrop(&mut chart, &backdrop).map_err(&fail)?;
        }
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .set_all_tick_mark_size(tick())
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&lon_label)
            .y_label_formatter(&lat_label)
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .x_desc("Longitude (degrees)")
            .y_desc("Latitude (degrees)")
            .draw()
            .map_err(&fail)?;
        chart
            .draw_series(marks(points, key.is_some(), &range))
            .map_err(&fail)?;
        // Over the points, which would hide it on a dense map.
        if let Some(b) = outline {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(b.min_lon, b.min_lat), (b.max_lon, b.max_lat)],
                    palette::DATA.stroke_width(dots(2.0) as u32),
                )))
                .map_err(&fail)?;
        }
        if let Some(key) = key {
            let left = font_px(6.0) as i32 + y_area as i32;
            draw_key(&key_area, left, key, &range, points).map_err(&fail)?;
        }
        Ok(())
    })
}

/// The map's chart: degrees of longitude across, of latitude up.
type MapChart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Land filled, then borders and coasts stroked, under everything else.
fn draw_backdrop(
    chart: &mut MapChart<'_, '_>,
    backdrop: &basemap::Backdrop,
) -> Result<(), AreaError> {
    let filled = |rings: &[basemap::Line], colour: RGBColor| -> Vec<Polygon<(f64, f64)>> {
        rings
            .iter()
            .map(|ring| Polygon::new(ring.clone(), colour.filled()))
            .collect()
    };
    let stroked = |lines: &[basemap::Line], colour: RGBColor| -> Vec<PathElement<(f64, f64)>> {
        lines
            .iter()
            .map(|line| PathElement::new(line.clone(), colour.stroke_width(1)))
            .collect()
    };
    chart.draw_series(filled(&backdrop.land, LAND))?;
    chart.draw_series(stroked(&backdrop.borders, BORDER))?;
    chart.draw_series(stroked(&backdrop.coasts, COAST))?;
    Ok(())
}

/// The radius, before shrinking for many points, of the lowest value's points and of those
/// without a value.
const LOWEST_RADIUS: f64 = 4.0;

/// A dot per position, coloured and sized by its value when `by_value` (a ring without one),
/// the highest values drawn last (on top), the positions without one first.
fn marks(points: &[Position], by_value: bool, range: &ValueRange) -> Vec<Circle<(f64, f64), i32>> {
    let mut ordered: Vec<&Position> = points.iter().collect();
    ordered.sort_by(|a, b| {
        a.value
            .unwrap_or(f64::MIN)
            .total_cmp(&b.value.unwrap_or(f64::MIN))
    });
    ordered
        .into_iter()
        .map(|p| {
            if by_value {
                range.dot((p.lon, p.lat), p.value, range.opacity)
            } else {
                let ink = palette::DATA.mix(range.opacity).filled();
                Circle::new((p.lon, p.lat), range.radius(4.0), ink)
            }
        })
        .collect()
}

/// The map's positions in the frame's longitudes, the hourly boxes' outline when drawn, and
/// the longitude and latitude ranges of the drawing.
struct Placed {
    points: Vec<Position>,
    outline: Option<BoundingBox>,
    lon: (f64, f64),
    lat: (f64, f64),
}

/// Places `points` in `frame`, drawn at `map_size`.
fn placed(points: &[Position], frame: MapFrame, map_size: (u32, u32)) -> Placed {
    // Across the 180° meridian, longitudes are read eastward (-170° as 190°) and labelled back;
    // the hourly boxes, which cannot cross it, are not outlined.
    let across = match frame {
        MapFrame::Data { .. } => across_antimeridian(points),
        MapFrame::Configured(configured) => frames_across_antimeridian(&configured),
    };
    let turned = |p: &Position| match frame {
        MapFrame::Data { .. } if across => eastward(p.lon),
        MapFrame::Data { .. } => p.lon,
        MapFrame::Configured(configured) => within_frame(p.lon, &configured).unwrap_or(p.lon),
    };
    let points: Vec<Position> = points
        .iter()
        .map(|p| Position {
            lon: turned(p),
            ..*p
        })
        .collect();
    let (extent, outline) = match frame {
        MapFrame::Data { .. } if across => (extent(&points, None), None),
        MapFrame::Data { outline } => (extent(&points, outline), outline),
        // The configured frame outlined: the map around it is wider, and draws nothing.
        MapFrame::Configured(configured) if across => (configured, None),
        MapFrame::Configured(configured) => (configured, Some(configured)),
    };
    // A turn of longitudes centred on the frame, so padding goes to both sides of it.
    let lon_limits = match frame {
        MapFrame::Configured(configured) if across => {
            let middle = (configured.min_lon + configured.max_lon) / 2.0;
            (middle - 180.0, middle + 180.0)
        }
        _ if across => (0.0, 360.0),
        _ => (-180.0, 180.0),
    };
    let (lon, lat) = framed(extent, map_size, lon_limits);
    Placed {
        points,
        outline,
        lon,
        lat,
    }
}

/// Tick labels in degrees with as many decimals as tell `ticks` apart, and the hemisphere's
/// letter (`[east, west]` or `[north, south]`): `50° N`, `1.45° E`, `150° W`, `0°`.
fn degrees(ticks: &[f64], [positive, negative]: [char; 2]) -> impl Fn(&f64) -> String {
    let step = ticks
        .windows(2)
        .map(|pair| (pair[1] - pair[0]).abs())
        .fold(f64::MAX, f64::min);
    let decimals = (0..6)
        .find(|&d| step * 10f64.powi(d as i32) >= 0.999)
        .unwrap_or(6);
    move |v: &f64| {
        let shown = format!("{:.decimals$}", v.abs());
        // A value that rounds to 0 is on the equator or the prime meridian.
        if shown.bytes().all(|b| matches!(b, b'0' | b'.')) {
            return "0°".to_owned();
        }
        let letter = if *v > 0.0 { positive } else { negative };
        format!("{shown}° {letter}")
    }
}

/// Up to this many points are drawn at full size; more shrink so a dense map stays readable.
const SPARSE_POINTS: f64 = 500.0;

/// Up to this many points are drawn nearly opaque; more, more translucent.
const DENSE_POINTS: f64 = 2_000.0;

/// The values the colour scale spans (the points' lowest to highest, but for values far
/// beyond all the others, which take its end's colour and size), whether points lie below or
/// above it, and how much the marks shrink.
#[derive(Debug, Clone, Copy)]
struct ValueRange {
    low: f64,
    high: f64,
    below: bool,
    above: bool,
    /// 1 up to `SPARSE_POINTS` points, down to 0.35 as the map fills: marks cover about the
    /// same share of the map whatever the number of points.
    shrink: f64,
    /// The marks' opacity: 0.85, down to 0.4 past some 9,000 points, so where they pile up
    /// reads darker than where they are few, rather than one solid block.
    opacity: f64,
}

impl ValueRange {
    fn of(points: &[Position]) -> Self {
        let values = || points.iter().filter_map(|p| p.value);
        let (low, high) = ValueScale::of_values(values())
            .map_or((f64::MAX, f64::MIN), |scale| (scale.low, scale.high));
        let shrink = (SPARSE_POINTS / points.len().max(1) as f64)
            .sqrt()
            .clamp(0.35, 1.0);
        let opacity = (0.85 * (DENSE_POINTS / points.len().max(1) as f64).sqrt()).clamp(0.4, 0.85);
        ValueRange {
            low,
            high,
            below: values().any(|v| v < low),
            above: values().any(|v| v > high),
            shrink,
            opacity,
        }
    }

    /// A full-size radius shrunk for the number of points, never under 2 pixels.
    fn radius(&self, full: f64) -> i32 {
        dots(full * self.shrink).max(dots(2.0))
    }

    /// The radius of a point `area` times the lowest value's in area, however shrunk.
    fn radius_of_area(&self, area: f64) -> i32 {
        let lowest = f64::from(self.radius(LOWEST_RADIUS));
        (lowest * area.sqrt()).round() as i32
    }

    /// The colour and radius of a point holding `value`: its area, not its radius, grows
    /// with the value, from the lowest's to 3 times that for the highest (a radius growing
    /// with the value made the highest points look 9 times the lowest).
    fn mark(&self, value: Option<f64>) -> (RGBColor, i32) {
        match value {
            Some(v) if self.high > self.low => {
                let t = ((v - self.low) / (self.high - self.low)).clamp(0.0, 1.0);
                (scale_colour(t), self.radius_of_area(1.0 + 2.0 * t))
            }
            Some(_) => (scale_colour(0.5), self.radius_of_area(2.0)),
            None => (palette::MUTED, self.radius(LOWEST_RADIUS)),
        }
    }

    /// The mark of a point holding `value` at `at`, `opacity` opaque: a disc of its colour
    /// and size (see [`ValueRange::mark`]), or a grey ring for a point without a value, told
    /// by its shape on a black-and-white print, where a disc's grey matches a step of the
    /// scale (its teal prints as that grey), and to a reader who does not see the hues.
    fn dot<C>(&self, at: C, value: Option<f64>, opacity: f64) -> Circle<C, i32> {
        let (colour, radius) = self.mark(value);
        let ink = colour.mix(opacity);
        match value {
            Some(_) => Circle::new(at, radius, ink.filled()),
            None => Circle::new(at, radius, ink.stroke_width(dots(1.5).unsigned_abs())),
        }
    }
}

/// The colour of the scale at `t`, 0 for the lowest value and 1 for the highest.
fn scale_colour(t: f64) -> RGBColor {
    let at = t.clamp(0.0, 1.0) * (SCALE.len() - 1) as f64;
    let i = (at.floor() as usize).min(SCALE.len() - 2);
    blend(SCALE[i], SCALE[i + 1], at - i as f64)
}

/// A failure to draw on a bitmap area.
type AreaError = DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;

/// One line under the map: the field, its lowest value, marks from low to high, its highest
/// value and, when some record has none, the grey ring of a missing value.
fn draw_key(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    left: i32,
    key: ColourKey<'_>,
    range: &ValueRange,
    points: &[Position],
) -> Result<(), AreaError> {
    let middle = area.dim_in_pixel().1 as i32 / 2;
    let text = label_style().pos(Pos::new(HPos::Left, VPos::Center));
    let width = |s: &str| {
        area.estimate_text_size(s, &text)
            .map_or(0, |(w, _)| w as i32)
    };
    let mut x = left;
    let write = |x: &mut i32, s: &str| -> Result<(), AreaError> {
        area.draw(&Text::new(s.to_owned(), (*x, middle), text.clone()))?;
        *x += width(s) + font_px(4.0) as i32;
        Ok(())
    };
    // Marks sit a largest point's diameter apart, whatever their size.
    let widest = range.mark(Some(range.high)).1.max(range.mark(None).1);
    let marks = |x: &mut i32, values: &[Option<f64>]| {
        for value in values {
            area.draw(&range.dot((*x + widest, middle), *value, 0.85))?;
            *x += 2 * widest + font_px(1.5) as i32;
        }
        *x += font_px(3.0) as i32;
        Ok::<(), AreaError>(())
    };
    // The field's name gives way, cut in its middle, so the scale and `no number` always show.
    let gap = font_px(4.0) as i32;
    let mark_room = |count: i32| count * (2 * widest + font_px(1.5) as i32) + font_px(3.0) as i32;
    // A scale leaving values out says so at its ends: `≤ 4`, `≥ 21`.
    let low = format!(
        "{}{}",
        if range.below { "≤ " } else { "" },
        value(range.low)
    );
    let high = format!(
        "{}{}",
        if range.above { "≥ " } else { "" },
        value(range.high)
    );
    let mut scale_room = if range.high > range.low {
        width(&low) + mark_room(7) + width(&high) + 2 * gap
    } else if range.high == range.low {
        mark_room(1) + width(&value(range.low)) + gap
    } else {
        0
    };
    if points.iter().any(|p| p.value.is_none()) {
        scale_room += font_px(6.0) as i32 + mark_room(1) + width("no number") + gap;
    }
    let prefix = "Colour and size: ";
    let room = area.dim_in_pixel().0 as i32 - left - scale_room - gap - font_px(6.0) as i32;
    let field = fitted(
        area,
        key.field,
        &text,
        f64::from((room - width(prefix)).max(0)),
    );
    write(&mut x, &format!("{prefix}{field}"))?;
    if range.high > range.low {
        write(&mut x, &low)?;
        let steps: Vec<Option<f64>> = (0..7)
            .map(|i| Some(range.low + (range.high - range.low) * f64::from(i) / 6.0))
            .collect();
        marks(&mut x, &steps)?;
        write(&mut x, &high)?;
    } else if range.high == range.low {
        marks(&mut x, &[Some(range.low)])?;
        write(&mut x, &value(range.low))?;
    }
    if points.iter().any(|p| p.value.is_none()) {
        x += font_px(6.0) as i32;
        marks(&mut x, &[None])?;
        write(&mut x, "no number")?;
    }
    Ok(())
}

/// The smallest box holding the points and the outline; the whole world when both are empty.
fn extent(points: &[Position], outline: Option<BoundingBox>) -> BoundingBox {
    let around_points = points.iter().map(|p| BoundingBox::around(p.lon, p.lat));
    BoundingBox::enclosing(outline.into_iter().chain(around_points)).unwrap_or(BoundingBox {
        min_lon: -180.0,
        min_lat: -90.0,
        max_lon: 180.0,
        max_lat: 90.0,
    })
}

/// Longitude and latitude ranges around `b`, padded, with about equal ground distances per
/// pixel on both axes so shapes are not stretched.
fn framed(
    b: BoundingBox,
    (width, height): (u32, u32),
    lon_limits: (f64, f64),
) -> ((f64, f64), (f64, f64)) {
    let pad = |lo: f64, hi: f64| ((hi - lo) * 0.08).max(0.02);
    let (mut lon_span, mut lat_span) = (
        b.max_lon - b.min_lon + 2.0 * pad(b.min_lon, b.max_lon),
        b.max_lat - b.min_lat + 2.0 * pad(b.min_lat, b.max_lat),
    );
    let (lon_mid, lat_mid) = ((b.min_lon + b.max_lon) / 2.0, (b.min_lat + b.max_lat) / 2.0);
    let squeeze = lat_mid.to_radians().cos().max(0.2);
    let area_ratio = f64::from(width) * 0.85 / (f64::from(height) * 0.75);
    if lon_span * squeeze / lat_span < area_ratio {
        lon_span = lat_span * area_ratio / squeeze;
    } else {
        lat_span = lon_span * squeeze / area_ratio;
    }
    let lon_span = lon_span.min(360.0);
    let lat_span = lat_span.min(180.0);
    let clamp = |mid: f64, span: f64, (low, high): (f64, f64)| {
        let lo = (mid - span / 2.0).max(low);
        let hi = (lo + span).min(high);
        (hi - span, hi)
    };
    (
        clamp(lon_mid, lon_span, lon_limits),
        clamp(lat_mid, lat_span, (-90.0, 90.0)),
    )
}

fn blend(from: RGBColor, to: RGBColor, t: f64) -> RGBColor {
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
}

#[cfg(test)]
mod tests;
