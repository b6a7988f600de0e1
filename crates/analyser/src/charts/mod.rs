//! The report's charts, drawn with plotters into RGB bitmaps at print resolution, in one
//! palette and one bundled font (DejaVu Sans), ready to be embedded in the PDF.
//!
//! Each chart kind has its own module; this one holds what they share: the canvas size, the
//! palette, the text sizes, the frame of the hourly charts and the time axis in the report's
//! time zone; `axes` holds the value axes and their labels.

mod axes;
mod categories;
mod counts;
mod framing;
mod map;
mod scale;
mod series;

use std::sync::OnceLock;

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use plotters::prelude::*;
use plotters::style::FontStyle;

use axes::{KeyedAxis, count_axis, number_label, value_axis, y_label_area};
pub use categories::category_bars;
pub use counts::{TotalStep, record_counts, total_steps, totals, totals_scale};
pub use framing::{
    MapFrame, across_antimeridian, configured as configured_frame, frame as frame_positions,
    frames_across_antimeridian,
};
pub use map::{ColourKey, position_map};
pub use scale::{Spike, ValueScale, hours_with_codes, is_missing_code, spikes};
pub use series::{HourBand, numeric_band, numeric_step};

use releve::Resolution;

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
    Ok(ChartImage { rgb, width, height })
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

/// What one bar or point of a chart over the period stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An hour.
    Hour,
    /// A local day.
    Day,
}

/// The hours of the period on an x axis, labelled in the report's time zone.
#[derive(Debug, Clone)]
pub struct TimeAxis {
    hours: Vec<DateTime<Utc>>,
    tz: Tz,
    kind: PeriodKind,
    step: Step,
    resolution: Resolution,
}

impl TimeAxis {
    /// An axis over `hours` (UTC hour starts) shown in `tz`, drawn per hour, or per local day
    /// for a month (720 hourly steps merge into a block; 30 daily ones read at a glance).
    pub fn new(hours: Vec<DateTime<Utc>>, tz: Tz, kind: PeriodKind) -> Self {
        let step = match kind {
            PeriodKind::Day | PeriodKind::Week => Step::Hour,
            PeriodKind::Month => Step::Day,
        };
        TimeAxis {
            hours,
            tz,
            kind,
            step,
            resolution: Resolution::Hour,
        }
    }

    /// The axis drawn per local day whatever the period: for a source of daily values, whose
    /// hours hold one record a day, each hour in its day as [`crate::period::local_day`] says.
    pub fn per_day(self) -> Self {
        TimeAxis {
            step: Step::Day,
            resolution: Resolution::Day,
            ..self
        }
    }

    /// The local day the figures of `hour` count in (see [`crate::period::local_day`]).
    pub fn day_of(&self, hour: DateTime<Utc>) -> chrono::NaiveDate {
        crate::period::local_day(hour, self.tz, self.resolution)
    }

    /// The time step of the records drawn on it: hours, or days for a source of daily values.
    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// What one bar or point stands for.
    pub fn step(&self) -> Step {
        self.step
    }

    /// Number of hours on the axis.
    pub fn len(&self) -> usize {
        self.hours.len()
    }

    /// The axis's hours.
    pub fn hours(&self) -> &[DateTime<Utc>] {
        &self.hours
    }

    /// The period the axis spans.
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The time zone it is shown in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// `values`, one per hour of the axis, as one span per local day (24 hours, 23 or 25
    /// where the clocks change) holding what `day` makes of that day's values.
    fn per_local_day<T, D>(&self, values: &[T], day: impl Fn(&[T]) -> D) -> Vec<Span<D>> {
        let mut days: Vec<std::ops::Range<usize>> = Vec::new();
        let mut previous = None;
        for (i, hour) in self.hours.iter().enumerate() {
            let date = self.day_of(*hour);
            match days.last_mut() {
                Some(day) if previous == Some(date) => day.end = i + 1,
                _ => days.push(i..i + 1),
            }
            previous = Some(date);
        }
        days.into_iter()
            .map(|hours| Span {
                start: hours.start as f64,
                end: hours.end as f64,
                // Values shorter than the axis leave its last hours without one.
                value: day(&values[hours.start.min(values.len())..hours.end.min(values.len())]),
            })
            .collect()
    }

    /// Labelled positions: every 3 local hours for a day, the first hour of each local day for
    /// a week, of every third local day for a month. In a zone offset by a half hour the hours
    /// start at :30 local, and the hour starting in the labelled one is labelled (`00:30`).
    /// Where clocks go back an hour is labelled once (two `03:00` would overlap), and a day
    /// whose midnight the clocks skip is labelled at its first hour.
    fn key_points(&self) -> Vec<f64> {
        use chrono::Datelike;
        let mut previous: Option<chrono::DateTime<Tz>> = None;
        let mut previous_day = None;
        let mut points = Vec::new();
        for (i, hour) in self.hours.iter().enumerate() {
            let local = hour.with_timezone(&self.tz);
            let day = self.day_of(*hour);
            let new_day = previous_day != Some(day);
            let labelled = match self.kind {
                PeriodKind::Day => {
                    local.hour().is_multiple_of(3)
                        && previous.is_none_or(|p| p.hour() != local.hour())
                }
                PeriodKind::Week => new_day,
                PeriodKind::Month => new_day && (day.day() - 1).is_multiple_of(3),
            };
            if labelled {
                points.push(i as f64);
            }
            previous = Some(local);
            previous_day = Some(day);
        }
        points
    }

    fn label(&self, x: f64) -> String {
        let Some(hour) = self.hours.get(x.round().max(0.0) as usize) else {
            return String::new();
        };
        match self.kind {
            PeriodKind::Day => hour.with_timezone(&self.tz).format("%H:%M").to_string(),
            PeriodKind::Week => self.day_of(*hour).format("%a %-d").to_string(),
            PeriodKind::Month => self.day_of(*hour).format("%-d %b").to_string(),
        }
    }

    fn description(&self) -> String {
        match self.kind {
            PeriodKind::Day => match self.clock_change() {
                Some(change) => format!("Hour ({}; {change})", self.tz.name()),
                None => format!("Hour ({})", self.tz.name()),
            },
            PeriodKind::Week | PeriodKind::Month => format!("Day ({})", self.tz.name()),
        }
    }

    /// What a day's axis says where the clocks change within it, so its 23 or 25 hours read
    /// right: `02:00 comes twice: the clocks went back an hour`.
    fn clock_change(&self) -> Option<String> {
        use chrono::Offset;
        let local = |hour: &DateTime<Utc>| hour.with_timezone(&self.tz);
        let offset = |hour: &DateTime<Utc>| local(hour).offset().fix().local_minus_utc();
        let (before, after) = self
            .hours
            .windows(2)
            .map(|pair| (&pair[0], &pair[1]))
            .find(|(before, after)| offset(before) != offset(after))?;
        let shift = offset(after) - offset(before);
        let amount = match shift.unsigned_abs() / 60 {
            60 => "an hour".to_owned(),
            minutes if minutes % 60 == 0 => format!("{} hours", minutes / 60),
            minutes => format!("{minutes} minutes"),
        };
        Some(if shift < 0 {
            format!(
                "{} comes twice: the clocks went back {amount}",
                local(after).format("%H:%M")
            )
        } else {
            let skipped = local(before).naive_local() + chrono::TimeDelta::hours(1);
            format!(
                "no {}: the clocks went forward {amount}",
                skipped.format("%H:%M")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paris_day_is_labelled_every_three_local_hours() {
        let period = crate::period::ReportPeriod::containing(
            PeriodKind::Day,
            "2026-11-21".parse().expect("date"),
            chrono_tz::Europe::Paris,
        );
        let axis = TimeAxis::new(period.hours(), period.tz, PeriodKind::Day);
        let labels: Vec<String> = axis.key_points().iter().map(|&x| axis.label(x)).collect();
        assert_eq!(labels.first().map(String::as_str), Some("00:00"));
        assert_eq!(labels.len(), 8);
        assert_eq!(labels.last().map(String::as_str), Some("21:00"));
    }

    #[test]
    fn a_day_whose_clocks_change_says_so_under_its_hours() {
        let description = |tz: Tz, date: &str| {
            let period = crate::period::ReportPeriod::containing(
                PeriodKind::Day,
                date.parse().expect("date"),
                tz,
            );
            TimeAxis::new(period.hours(), period.tz, PeriodKind::Day).description()
        };
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(description(paris, "2026-11-21"), "Hour (Europe/Paris)");
        assert_eq!(
            description(paris, "2026-10-25"),
            "Hour (Europe/Paris; 02:00 comes twice: the clocks went back an hour)"
        );
        assert_eq!(
            description(paris, "2026-03-29"),
            "Hour (Europe/Paris; no 02:00: the clocks went forward an hour)"
        );
        assert_eq!(
            description(chrono_tz::Australia::Lord_Howe, "2026-10-04"),
            "Hour (Australia/Lord_Howe; no 02:30: the clocks went forward 30 minutes)"
        );
        assert_eq!(description(chrono_tz::UTC, "2026-10-25"), "Hour (UTC)");
    }

    #[test]
    fn clock_changes_neither_repeat_nor_lose_a_label() {
        let labels = |tz: Tz, kind: PeriodKind, date: &str| -> Vec<String> {
            let period =
                crate::period::ReportPeriod::containing(kind, date.parse().expect("date"), tz);
            let axis = TimeAxis::new(period.hours(), period.tz, kind);
            axis.key_points().iter().map(|&x| axis.label(x)).collect()
        };
        // Helsinki goes back from 04:00 to 03:00: 03:00 is shown once.
        let helsinki = labels(chrono_tz::Europe::Helsinki, PeriodKind::Day, "2026-10-25");
        assert_eq!(
            helsinki,
            [
                "00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00"
            ],
        );
        // Havana skips its midnight in March and goes back from 01:00 to 00:00 in November:
        // each day of those weeks is labelled once.
        for date in ["2026-03-08", "2026-11-01"] {
            let week = labels(chrono_tz::America::Havana, PeriodKind::Week, date);
            assert_eq!(week.len(), 7, "{date}: {week:?}");
        }
    }

    #[test]
    fn a_half_hour_zone_is_labelled_on_its_half_hours() {
        let kolkata = chrono_tz::Asia::Kolkata;
        let day = "2026-11-21".parse().expect("date");
        for (kind, count, first) in [
            (PeriodKind::Day, 8, "00:30"),
            (PeriodKind::Week, 7, "Mon 16"),
            (PeriodKind::Month, 10, "1 Nov"),
        ] {
            let period = crate::period::ReportPeriod::containing(kind, day, kolkata);
            let axis = TimeAxis::new(period.hours(), period.tz, kind);
            let labels: Vec<String> = axis.key_points().iter().map(|&x| axis.label(x)).collect();
            assert_eq!(labels.len(), count, "{kind:?}: {labels:?}");
            assert_eq!(labels.first().map(String::as_str), Some(first), "{kind:?}");
        }
    }

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
