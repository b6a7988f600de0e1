//! Where a positioned source's records were: a lon/lat scatter in degrees, points coloured
//! and sized by the source's first numeric field, with the outline of the data's bounding box.

use plotters::prelude::*;
use releve::store::BoundingBox;

use super::{ChartError, ChartImage, desc_style, draw, font_px, label_style, palette, title_style};
use crate::query::Position;

/// The scatter of `points`; `outline` is the union of the hourly bounding boxes.
pub fn position_map(
    points: &[Position],
    outline: Option<BoundingBox>,
    title: &str,
    size: (u32, u32),
) -> Result<ChartImage, ChartError> {
    let extent = extent(points, outline);
    let (lon, lat) = framed(extent, size);
    let (low, high) = points
        .iter()
        .filter_map(|p| p.value)
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let scale = |value: Option<f64>| -> (RGBColor, i32) {
        match value {
            Some(v) if high > low => {
                let t = ((v - low) / (high - low)).clamp(0.0, 1.0);
                (
                    blend(palette::BAND, palette::ACCENT, t),
                    3 + (t * 6.0).round() as i32,
                )
            }
            Some(_) => (palette::DATA, 4),
            None => (palette::MUTED, 3),
        }
    };
    let fail = ChartError::from_plotters(title);
    draw(title, size, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_style())
            .margin(font_px(6.0) as u32)
            .x_label_area_size(font_px(24.0) as u32)
            .y_label_area_size(font_px(30.0) as u32)
            .build_cartesian_2d(lon.0..lon.1, lat.0..lat.1)
            .map_err(&fail)?;
        let degrees = |v: &f64| format!("{v:.1}°");
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&degrees)
            .y_label_formatter(&degrees)
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .x_desc("Longitude (degrees)")
            .y_desc("Latitude (degrees)")
            .draw()
            .map_err(&fail)?;
        if let Some(b) = outline {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(b.min_lon, b.min_lat), (b.max_lon, b.max_lat)],
                    palette::DATA.stroke_width(2),
                )))
                .map_err(&fail)?;
        }
        let mut ordered: Vec<&Position> = points.iter().collect();
        ordered.sort_by(|a, b| {
            a.value
                .unwrap_or(f64::MIN)
                .total_cmp(&b.value.unwrap_or(f64::MIN))
        });
        chart
            .draw_series(ordered.into_iter().map(|p| {
                let (colour, radius) = scale(p.value);
                Circle::new((p.lon, p.lat), radius, colour.mix(0.85).filled())
            }))
            .map_err(&fail)?;
        Ok(())
    })
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
fn framed(b: BoundingBox, (width, height): (u32, u32)) -> ((f64, f64), (f64, f64)) {
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
    let clamp = |mid: f64, span: f64, limit: f64| {
        let lo = (mid - span / 2.0).max(-limit);
        let hi = (lo + span).min(limit);
        (hi - span, hi)
    };
    (
        clamp(lon_mid, lon_span, 180.0),
        clamp(lat_mid, lat_span, 90.0),
    )
}

fn blend(from: RGBColor, to: RGBColor, t: f64) -> RGBColor {
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
}
