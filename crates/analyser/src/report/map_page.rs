//! A positioned source's map: where the period's records are, coloured by its first numeric
//! field, with captions saying which frame is drawn, what lies outside it and what is missing.

use releve::Source;
use releve::store::{BoundingBox, HourlySummary};

use super::source_pages::NOT_A_NUMBER;
use crate::charts::{self, ChartError, ColourKey, MapFrame, ValueScale, px};
use crate::format::{after_value, counted, grouped, value, values_apart};
use crate::naming::{name_of, unit_of, with_unit};
use crate::pdf::{BODY, CONTENT_WIDTH, Ink, ReportDocument};
use crate::positions::Position;
use crate::query::Positions;

/// Lays out the map of `positions`, the period's stored positioned records; `summarised`
/// counts the records its hourly summaries hold.
pub fn map_chart(
    doc: &mut ReportDocument,
    source: &Source,
    positions: &Positions,
    hourly: &[HourlySummary],
    summarised: i64,
) -> Result<(), ChartError> {
    let configured = source.map_frame.map(charts::configured_frame);
    let framed = charts::frame_positions(&positions.points, configured);
    let shown = framed.shown.as_slice();
    let gone = no_longer_stored(source, positions.records, summarised);
    let title = format!(
        "Positions of the period's records{} ({} drawn, {})",
        if gone.is_some() { " still stored" } else { "" },
        counted(shown.len() as u64, "position"),
        counted(positions.records, "record")
    );
    if shown.is_empty() && framed.outside.is_empty() {
        nothing_to_draw(doc, &title, positions.records, gone);
        return Ok(());
    }
    let outside = framed.outside_extent().map(|extent| Outside {
        count: framed.outside.len(),
        extent,
        sampled: positions.sampled_every > 1,
    });
    let (map_frame, frame) = frame_and_caption(configured, outside, hourly, shown);
    let field = source
        .numeric
        .first()
        .map(|field| with_unit(source, field.as_str()));
    let chart = charts::position_map(
        shown,
        map_frame,
        field.as_deref().map(|field| ColourKey { field }),
        &title,
        (px(CONTENT_WIDTH), px(105.0)),
    )?;
    let mut captions = vec![
        [colour_legend(source, shown), frame]
            .join(" ")
            .trim()
            .to_owned(),
    ];
    captions.extend(gone);
    if positions.unplaced > 0 {
        captions.push(format!(
            "{} without a position (no longitude or latitude, or a longitude or latitude out of range): not drawn.",
            counted(positions.unplaced, "record")
        ));
    }
    if positions.sampled_every > 1 {
        captions.push(format!(
            "A sample is drawn: about one record in {} of the period's {}, picked by key so it spreads over places and hours{}.",
            positions.sampled_every,
            counted(positions.records, "record"),
            match positions.extremes_added {
                0 => String::new(),
                added => format!(
                    ", with {} of the period's highest and lowest values it left out",
                    counted(added as u64, "record")
                ),
            }
        ));
    }
    let captions: Vec<&str> = captions.iter().map(String::as_str).collect();
    doc.chart(chart, &captions);
    Ok(())
}

/// The map's place when no position can be drawn: why, in place of the chart.
fn nothing_to_draw(doc: &mut ReportDocument, title: &str, stored: u64, gone: Option<String>) {
    doc.heading(title, 10.0, 8.0);
    match gone {
        Some(gone) if stored == 0 => {
            doc.paragraph(&gone, BODY, false, Ink::MUTED);
        }
        _ => {
            doc.paragraph(
                "No positioned record in this period.",
                BODY,
                true,
                Ink::ALERT,
            );
            if let Some(gone) = gone {
                doc.paragraph(&gone, BODY, false, Ink::MUTED);
            }
        }
    }
}

/// The positions a configured frame leaves out.
struct Outside {
    count: usize,
    extent: BoundingBox,
    /// Whether they are positions of a sample.
    sampled: bool,
}

/// The frame the map is drawn in, and the sentence saying which it is.
fn frame_and_caption(
    configured: Option<BoundingBox>,
    outside: Option<Outside>,
    hourly: &[HourlySummary],
    shown: &[Position],
) -> (MapFrame, String) {
    match (configured, outside) {
        (None, _) => (
            MapFrame::Data {
                outline: BoundingBox::enclosing(hourly.iter().filter_map(|h| h.bbox).filter(on_globe)),
            },
            match one_place(shown) {
                Some((lon, lat)) if shown.len() == 1 => format!(
                    "The one position drawn is at longitude {lon:.4}°, latitude {lat:.4}°."
                ),
                Some((lon, lat)) => format!(
                    "All {} drawn are at one place, longitude {lon:.4}°, latitude {lat:.4}°.",
                    counted(shown.len() as u64, "position")
                ),
                None if charts::across_antimeridian(shown) => {
                    "Frame: around the positions, across the 180° meridian.".to_owned()
                }
                None => "Frame: around the positions; the blue outline is their bounding box, from the hourly summaries.".to_owned(),
            },
        ),
        (Some(configured), None) => (
            MapFrame::Configured(configured),
            format!("Frame: the source's map_frame{}.", outlined(configured)),
        ),
        (Some(configured), Some(outside)) => (
            MapFrame::Configured(configured),
            format!(
                "Frame: the source's map_frame{}; {} outside it (longitude {}, latitude {}) not drawn.{}",
                outlined(configured),
                counted(
                    outside.count as u64,
                    if outside.sampled {
                        "sampled position"
                    } else {
                        "position"
                    }
                ),
                degrees(outside.extent.min_lon, outside.extent.max_lon),
                degrees(outside.extent.min_lat, outside.extent.max_lat),
                match (shown.is_empty() && within_swapped(&configured, &outside.extent), outside.count) {
                    (false, _) => "",
                    (true, 1) => " It lies within it read with its longitudes and latitudes swapped: map_frame is [west, south, east, north], longitudes first.",
                    (true, _) => " All of them lie within it read with its longitudes and latitudes swapped: map_frame is [west, south, east, north], longitudes first.",
                }
            ),
        ),
    }
}

/// Whether `extent` lies within `frame` read the other way round, its longitudes as
/// latitudes: a map_frame written latitudes first.
fn within_swapped(frame: &BoundingBox, extent: &BoundingBox) -> bool {
    frame.min_lat <= extent.min_lon
        && extent.max_lon <= frame.max_lat
        && frame.min_lon <= extent.min_lat
        && extent.max_lat <= frame.max_lon
}

/// What the points' colours and sizes say: the range of the source's first numeric field
/// among the drawn positions, or nothing without such a field or a drawn point.
fn colour_legend(source: &Source, shown: &[Position]) -> String {
    let Some(field) = source.numeric.first().filter(|_| !shown.is_empty()) else {
        // Nothing drawn: the frame sentence says why.
        return String::new();
    };
    let values = || shown.iter().filter_map(|p| p.value);
    let (low, high) = values().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
    let unit = after_value(unit_of(source, field.as_str()));
    let name = name_of(source, field.as_str());
    let missing = match shown.iter().any(|p| p.value.is_none()) {
        false => "",
        true if source.plausible.contains_key(field.as_str()) => {
            "; grey rings: no number, or an implausible one"
        }
        true => "; grey rings: no number",
    };
    if low == high {
        let points = if shown.len() == 1 {
            "The point"
        } else {
            "Every point"
        };
        format!("{points} holds {name} = {}{unit}{missing}.", value(low))
    } else if let Some(scale) = ValueScale::of_values(values()).filter(|_| low < high) {
        // Codes of a missing reading would leave every other point one colour.
        let past = values().filter(|v| scale.leaves_out(*v)).count();
        let [all_low, all_high] = values_apart([low, high]);
        let are = if past == 1 { "is" } else { "are" };
        let codes = counted(past as u64, "point");
        if scale.low == scale.high {
            return format!(
                "Every other point holds {name} = {}{unit}; {codes} holding a code of a missing reading (the values run from {all_low}{unit} to {all_high}{unit}) {are} drawn alike{missing}.",
                value(scale.low)
            );
        }
        let ends = if past == 0 {
            String::new()
        } else {
            format!(
                "; {codes} holding a code of a missing reading (the values run from {all_low}{unit} to {all_high}{unit}) {are} drawn in the colour and size of the scale's nearer end"
            )
        };
        let [low, high] = values_apart([scale.low, scale.high]);
        format!(
            "Points coloured from violet through teal to green and sized by {name}: {low}{unit} to {high}{unit} among the drawn points, the highest on top where they overlap{ends}{missing}."
        )
    } else if source.plausible.contains_key(field.as_str()) {
        format!(
            "No record drawn holds a plausible number in {name}: each holds none ({NOT_A_NUMBER}) or one out of its plausible range; points drawn as grey rings."
        )
    } else {
        format!(
            "No record drawn holds a number in {name} ({NOT_A_NUMBER}); points drawn as grey rings."
        )
    }
}

/// The map's sentence for the period's records its hourly summaries count but `records` no
/// longer holds: those `keep_days` dropped as they aged (the summaries stay), which the map
/// cannot draw.
fn no_longer_stored(source: &Source, stored: u64, summarised: i64) -> Option<String> {
    let summarised = u64::try_from(summarised).unwrap_or(0);
    let gone = summarised.checked_sub(stored).filter(|gone| *gone > 0)?;
    let gone = grouped(i128::from(gone));
    let of = counted(summarised, "record");
    Some(match source.keep_days {
        Some(days) => format!(
            "{gone} of the period's {of} are no longer stored: keep_days = {days} drops a record from MongoDB once it is {} old (the hourly summaries keep them); not drawn.",
            counted(u64::from(days), "day")
        ),
        None => format!(
            "{gone} of the period's {of} counted by the hourly summaries are not in `records`: not drawn."
        ),
    })
}

/// `, across the 180° meridian` when the configured frame runs across it, else where the map
/// shows it (the map around it is wider, to keep its proportions), for its caption.
fn outlined(frame: BoundingBox) -> &'static str {
    if charts::frames_across_antimeridian(&frame) {
        ", across the 180° meridian"
    } else {
        ", outlined in blue"
    }
}

/// True when both corners of an hourly box are on the globe. Summarisers before 2026-11-30
/// boxed positions off it too (a projected x of 574,000 read as a longitude), which the map
/// leaves out as it leaves out the positions themselves: such a box would frame the whole world.
fn on_globe(bbox: &BoundingBox) -> bool {
    releve::record::on_globe(bbox.min_lon, bbox.min_lat).is_some()
        && releve::record::on_globe(bbox.max_lon, bbox.max_lat).is_some()
}

/// The one place all `shown` positions share, if they do: a map of one dot, whose outline
/// is a point.
fn one_place(shown: &[Position]) -> Option<(f64, f64)> {
    let first = shown.first()?;
    shown
        .iter()
        .all(|p| p.lon == first.lon && p.lat == first.lat)
        .then_some((first.lon, first.lat))
}

/// Longitudes or latitudes from `low` to `high` in a caption: `-61.5° to 55.5°`, or `55.5°`.
fn degrees(low: f64, high: f64) -> String {
    let (low, high) = (format!("{low:.1}°"), format!("{high:.1}°"));
    if low == high {
        low
    } else {
        format!("{low} to {high}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use releve::store::bson_date;

    fn hour_with(bbox: BoundingBox) -> HourlySummary {
        HourlySummary {
            source: "stations".to_owned(),
            hour: bson_date(chrono::DateTime::UNIX_EPOCH),
            count: 1,
            numeric: Vec::new(),
            categories: Vec::new(),
            bbox: Some(bbox),
            updated_at: bson_date(chrono::DateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn an_hourly_box_off_the_globe_does_not_frame_the_map() {
        // Toulouse, and an hour a summariser older than 2026-11-30 boxed with a position off
        // the globe (a Lambert-93 x of 574,000 read as a longitude): the map frames Toulouse.
        let toulouse = BoundingBox::around(1.44, 43.6);
        let off_globe = BoundingBox {
            max_lon: 574_000.0,
            ..toulouse
        };
        let shown = [Position {
            lon: 1.44,
            lat: 43.6,
            value: None,
        }];
        let hourly = [hour_with(toulouse), hour_with(off_globe)];
        let (frame, _) = frame_and_caption(None, None, &hourly, &shown);
        assert_eq!(
            frame,
            MapFrame::Data {
                outline: Some(toulouse)
            }
        );
    }
}
