//! The report's charts, drawn with plotters into RGB bitmaps at print resolution, in one
//! palette and one bundled font (DejaVu Sans), ready to be embedded in the PDF.
//!
//! Each chart kind has its own module; this one holds what they share: the canvas size, the
//! palette, the text sizes and the frame of the charts over the period; `time_axis` holds
//! their time axis in the report's time zone, `axes` the value axes and their labels,
//! `shading` the shaded stretches of the hourly charts and their words.

mod axes;
mod categories;
mod counts;
mod framing;
mod map;
mod scale;
mod series;
mod shading;
mod time_axis;

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::FontStyle;

use axes::{KeyedAxis, count_axis, number_label, value_axis, y_label_area};
pub use categories::category_bars;
pub use counts::{
    TotalStep, count_steps, record_counts, steps_without_value, total_steps, totals, totals_scale,
};
pub use framing::{
    MapFrame, across_antimeridian, configured as configured_frame, frame as frame_positions,
    frames_across_antimeridian,
};
pub use map::{ColourKey, position_map};
pub use scale::{Spike, ValueScale, hours_with_codes, is_missing_code, spikes};
pub use series::{HourBand, numeric_band, numeric_step};
use shading::{days_and_ahead, shading_words};
pub use time_axis::{Step, TimeAxis};

#[cfg(test)]
use crate::period::PeriodKind;

/// Print resolution of the charts: at 150 dpi plotters' whole-pixel glyph placement spaced
/// letters unevenly ("U TC"); at 200 it no longer shows.
pub const DPI: f32 = 200.0;

/// A stroke or mark size chosen in pixels of a 150 dpi bitmap, in pixels at [`DPI`], so lines
/// and marks keep their printed size whatever the resolution.
fn dots(pixels_at_150: f64) -> i32 {
    (pixels_at_150 * f64::from(DPI) / 150.0).round() as i32
}

/// Length of the axes' tick marks; labels stand twice as far from the axis.
fn tick() -> i32 {
    dots(5.0)
}

/// The font family name registered with plotters.
const FAMILY: &str = "sans-serif";

/// The report's palette: one hue for data, greys for the frame; the map's colour scale is its own.
mod palette {
    use plotters::style::RGBColor;

    /// Bars, lines and points.
    pub const DATA: RGBColor = RGBColor(31, 96, 160);
    /// The min–max band behind a line.
    pub const BAND: RGBColor = RGBColor(176, 203, 232);
    /// Axis text.
    pub const TEXT: RGBColor = RGBColor(40, 40, 40);
    /// Grid lines.
    pub const GRID: RGBColor = RGBColor(225, 225, 225);
    /// Values that are missing.
    pub const MUTED: RGBColor = RGBColor(150, 150, 150);
    /// Marks of values past a chart's edge; the report's alert ink.
    pub const ALERT: RGBColor = RGBColor(190, 60, 20);
    /// Behind the part of a chart still to come when the report was generated.
    pub const AHEAD: RGBColor = RGBColor(236, 239, 243);
    /// Behind the stretches in which no run of the source started. Each shade below reads as
    /// its own grey on a black-and-white print (0.30 R + 0.59 G + 0.11 B): to come 239,
    /// disabled 231, no run 219, failed 193.
    pub const NO_RUN: RGBColor = RGBColor(245, 210, 196);
    /// Behind the stretches in which the source was disabled.
    pub const DISABLED: RGBColor = RGBColor(240, 232, 204);
    /// Behind the stretches in which every run of the source failed.
    pub const FAILED: RGBColor = RGBColor(204, 182, 222);
    /// The words on those stretches (`no run`, `failed`): legible on each shade, at least 4.5
    /// to 1 (WCAG's contrast for text of their size).
    pub const SHADE_WORDS: RGBColor = RGBColor(64, 64, 64);
}

/// A chart drawn into memory: `width × height` RGB pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartImage {
    /// Row-major RGB bytes.
    pub rgb: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The chart's words for a reader who cannot see its picture (a screen reader, a search):
    /// its title, whole, then what its marks say that no caption does (each ranked value
    /// and its count). The report writes them over the picture as text it does not show.
    pub words: Vec<String>,
}

/// A chart plotters could not draw.
#[derive(Debug, thiserror::Error)]
#[error("drawing the chart `{chart}` failed: {message}")]
pub struct ChartError {
    /// The chart's title.
    pub chart: String,
    /// plotters' complaint.
    pub message: String,
}

impl ChartError {
    fn from_plotters<E: std::fmt::Display>(chart: &str) -> impl Fn(E) -> ChartError + '_ {
        move |err| ChartError {
            chart: chart.to_owned(),
            message: err.to_string(),
        }
    }
}

/// Pixels for a length in millimetres at [`DPI`].
pub fn px(mm: f32) -> u32 {
    (mm / 25.4 * DPI).round() as u32
}

/// Pixels for a font size in points at [`DPI`].
fn font_px(points: f64) -> f64 {
    points * f64::from(DPI) / 72.0
}

fn register_font() {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        // The bytes are the bundled DejaVu Sans: a failure here is a build defect, and the
        // charts then show no text rather than failing the report.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular());
    });
}

/// Axis tick labels.
fn label_style() -> TextStyle<'static> {
    register_font();
    (FAMILY, font_px(7.5)).into_font().color(&palette::TEXT)
}

/// Axis descriptions.
fn desc_style() -> TextStyle<'static> {
    register_font();
    (FAMILY, font_px(8.0)).into_font().color(&palette::TEXT)
}

/// Chart titles.
fn title_style() -> TextStyle<'static> {
    register_font();
    (FAMILY, font_px(9.5)).into_font().color(&palette::TEXT)
}

/// `text` as it fits in `room` pixels of `style` on `root`: whole, or cut in its middle with
/// `…`, so both its start (a field's name) and its end (its unit, "hourly …") stay.
fn fitted(
    root: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    text: &str,
    style: &TextStyle<'_>,
    room: f64,
) -> String {
    let width = |candidate: &str| {
        root.estimate_text_size(candidate, style)
            .map_or(0.0, |(width, _)| f64::from(width))
    };
    crate::format::cut_to_fit(text, |candidate| width(candidate) <= room)
}

/// A chart title cut to the width of `root`, less the chart's margins.
fn fitted_title(
    root: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    title: &str,
) -> String {
    let room = f64::from(root.dim_in_pixel().0) - 2.0 * font_px(6.0);
    fitted(root, title, &title_style(), room)
}

/// Draws into a white `width × height` canvas and returns its pixels.
fn draw(
    title: &str,
    (width, height): (u32, u32),
    paint: impl FnOnce(
        &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    ) -> Result<(), ChartError>,
) -> Result<ChartImage, ChartError> {
    register_font();
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(ChartError::from_plotters(title))?;
        paint(&root)?;
        root.present().map_err(ChartError::from_plotters(title))?;
    }
    Ok(ChartImage {
        rgb,
        width,
        height,
        words: vec![title.to_owned()],
    })
}

/// A stretch of a chart's time axis, an hour or a local day, and what is drawn over it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span<T> {
    /// Its first hour's position on the axis.
    start: f64,
    /// Its last hour's end.
    end: f64,
    value: T,
}

impl<T> Span<T> {
    fn middle(&self) -> f64 {
        (self.start + self.end) / 2.0
    }
}

/// The axis of October 2026 in Paris, whose 25 October has 25 hours: for tests of days.
#[cfg(test)]
pub(crate) fn october_in_paris() -> TimeAxis {
    let period = crate::period::ReportPeriod::containing(
        PeriodKind::Month,
        chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap_or_default(),
        chrono_tz::Europe::Paris,
    );
    TimeAxis::new(period.hours(), period.tz, PeriodKind::Month)
}

/// October 2026 in Paris reported on its 10th at 06:30 (`--date` today), and that instant:
/// for tests of a month under way.
#[cfg(test)]
pub(crate) fn october_in_paris_on_the_10th() -> (TimeAxis, chrono::DateTime<chrono::Utc>) {
    let generated = chrono::NaiveDate::from_ymd_opt(2026, 10, 10)
        .and_then(|day| day.and_hms_opt(6, 30, 0))
        .and_then(|at| at.and_local_timezone(chrono_tz::Europe::Paris).single())
        .map(|at| at.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    (october_in_paris().generated_at(generated), generated)
}

/// `hours` hours of temperatures, each of 4 values between a minimum of 4 to 15 °C, in a
/// 12-hour cycle, and 6 °C more: for tests.
#[cfg(test)]
pub(crate) fn temperature_bands(hours: usize) -> Vec<Option<HourBand>> {
    (0..hours)
        .map(|i| {
            let low = 4.0 + (i % 12) as f64;
            Some(HourBand {
                min: low,
                mean: low + 3.0,
                max: low + 6.0,
                values: 4,
            })
        })
        .collect()
}

/// The axis of 21 November 2026 in Paris, 24 hours: for tests of one day.
#[cfg(test)]
fn day_axis() -> TimeAxis {
    let period = crate::period::ReportPeriod::containing(
        PeriodKind::Day,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
        chrono_tz::Europe::Paris,
    );
    TimeAxis::new(period.hours(), period.tz, PeriodKind::Day)
}

/// `values`, one per hour of the axis, as one span per hour.
fn per_hour<T: Copy>(values: &[T]) -> Vec<Span<T>> {
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| Span {
            start: i as f64,
            end: i as f64 + 1.0,
            value,
        })
        .collect()
}

/// Marks on `chart` the values past its scale: for each `(x, edge, top)`, a triangle at
/// `(x, edge)`, its tip on the edge, pointing up at the top edge (`top`), down at the bottom one.
fn mark_past_scale(
    chart: &mut HourlyChart<'_, '_>,
    title: &str,
    marks: impl Iterator<Item = (f64, f64, bool)>,
) -> Result<(), ChartError> {
    let side = dots(5.0);
    chart
        .draw_series(marks.map(|(x, edge, top)| {
            let rise = if top { dots(8.0) } else { -dots(8.0) };
            EmptyElement::at((x, edge))
                + Polygon::new(
                    vec![(0, 0), (-side, rise), (side, rise)],
                    palette::ALERT.filled(),
                )
        }))
        .map_err(ChartError::from_plotters(title))?;
    Ok(())
}

/// The chart both hourly charts stand on: the period's hours across, `y` up, labelled ticks and
/// a light horizontal grid. `span` sets how precisely y ticks are written.
type HourlyChart<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<KeyedAxis, KeyedAxis>>;

/// The widest tick label hourly charts make room for whatever their own labels.
const ALIGNED_LABEL: &str = "100,000";

fn hourly_frame<'a, 'b>(
    root: &'a DrawingArea<BitMapBackend<'b>, plotters::coord::Shift>,
    title: &str,
    axis: &TimeAxis,
    y: KeyedAxis,
    span: f64,
    y_desc: &str,
) -> Result<HourlyChart<'a, 'b>, ChartError> {
    let fail = ChartError::from_plotters(title);
    let x_range = KeyedAxis::new(0.0..axis.len().max(1) as f64, axis.key_points());
    let y_label = |y: &f64| number_label(*y, span);
    // At least as wide as `100,000`, so a source's charts, stacked on its pages, start their
    // hours at the same x unless one needs wider labels.
    let y_area = y_label_area(
        root,
        y.keys.iter().map(y_label).chain([ALIGNED_LABEL.to_owned()]),
    );
    let mut chart = ChartBuilder::on(root)
        .caption(fitted_title(root, title), title_style())
        .margin(font_px(6.0) as u32)
        .x_label_area_size(font_px(24.0) as u32)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x_range, y)
        .map_err(&fail)?;
    // Written upright along the plotting area's height.
    let y_desc = fitted(
        root,
        y_desc,
        &desc_style(),
        f64::from(chart.plotting_area().dim_in_pixel().1),
    );
    days_and_ahead(&mut chart, title, axis)?;
    let x_label = |x: &f64| axis.label(*x);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GRID)
        .set_all_tick_mark_size(tick())
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(label_style())
        .axis_desc_style(desc_style())
        .x_desc(axis.description())
        .y_desc(&y_desc)
        .draw()
        .map_err(&fail)?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_is_cut_in_its_middle_to_fit() {
        register_font();
        let (width, height) = (600, 100);
        let mut rgb = vec![255u8; width * height * 3];
        let root =
            BitMapBackend::with_buffer(&mut rgb, (width as u32, height as u32)).into_drawing_area();
        let style = title_style();
        let short = "level (m): hourly mean and min–max range";
        assert_eq!(fitted(&root, short, &style, 600.0), short);
        let long = "fields.concentration_moyenne_journaliere_en_microgrammes_par_metre_cube (µg/m³, moyenne glissante): hourly mean and min–max range";
        let cut = fitted(&root, long, &style, 600.0);
        let drawn = root.estimate_text_size(&cut, &style).expect("size").0;
        assert!(drawn <= 600, "{cut}: {drawn} px");
        assert!(
            cut.starts_with("fields.conc") && cut.ends_with("min–max range") && cut.contains('…'),
            "{cut}"
        );
    }
}
