//! The pages of one source: hourly record counts, each numeric field's hourly mean within its
//! min–max band, the top category values and, for positioned sources, the map of positions.

use std::collections::{BTreeMap, HashMap};

use releve::Source;
use releve::store::{BoundingBox, HourlySummary, chrono_date};

use crate::charts::{self, ChartError, ColourKey, HourBand, MapFrame, TimeAxis, px};
use crate::format::{counted, grouped, unit_of, value, values_apart, with_unit};
use crate::pdf::{BODY, CONTENT_WIDTH, Ink, ReportDocument};
use crate::period::ReportPeriod;
use crate::query::{Positions, SourceData};

/// Category values shown per field.
const TOP_VALUES: usize = 10;

/// Lays out the section of `source`.
pub fn source_section(
    doc: &mut ReportDocument,
    source: &Source,
    data: &SourceData,
    period: &ReportPeriod,
) -> Result<(), ChartError> {
    doc.new_page();
    doc.heading(&source.name, 16.0, 10.0);
    if !source.description.is_empty() {
        doc.paragraph(&source.description, BODY, false, Ink::MUTED);
    }
    let axis = TimeAxis::new(period.hours(), period.tz, period.kind);
    let by_hour: HashMap<i64, &HourlySummary> = data
        .hourly
        .iter()
        .map(|h| (chrono_date(h.hour).timestamp(), h))
        .collect();
    let hourly: Vec<Option<&HourlySummary>> = axis
        .hours()
        .iter()
        .map(|hour| by_hour.get(&hour.timestamp()).copied())
        .collect();
    let records = data.records();
    if records == 0 {
        doc.gap(4.0);
        doc.paragraph(
            "No data for this source in this period: MongoDB holds no hourly summary with records.",
            11.0,
            true,
            Ink::ALERT,
        );
        return Ok(());
    }
    let busy = hourly.iter().flatten().filter(|h| h.count > 0).count();
    doc.paragraph(
        &format!(
            "{} in {busy} of {}.",
            counted(records, "record"),
            counted(axis.len() as u64, "hour")
        ),
        BODY,
        false,
        Ink::TEXT,
    );
    doc.gap(2.0);
    let width = px(CONTENT_WIDTH);
    let counts: Vec<i64> = hourly.iter().map(|h| h.map_or(0, |h| h.count)).collect();
    doc.chart(
        charts::hourly_counts(&axis, &counts, "Records per hour", (width, px(62.0)))?,
        &[],
    );
    for field in &source.numeric {
        numeric_chart(doc, source, field.as_str(), &hourly, &axis)?;
    }
    for field in &source.categories {
        category_chart(doc, field.as_str(), &data.hourly)?;
    }
    if let Some(positions) = &data.positions {
        map_chart(doc, source, positions, &data.hourly, records)?;
    }
    Ok(())
}

fn numeric_chart(
    doc: &mut ReportDocument,
    source: &Source,
    field: &str,
    hourly: &[Option<&HourlySummary>],
    axis: &TimeAxis,
) -> Result<(), ChartError> {
    let unit = unit_of(source, field);
    let title = match unit {
        Some(unit) => format!("{field} ({unit}): hourly mean and min–max range"),
        None => format!("{field}: hourly mean and min–max range"),
    };
    let stats: Vec<_> = hourly
        .iter()
        .map(|h| h.and_then(|h| h.numeric.iter().find(|n| n.field == field)))
        .collect();
    let bands: Vec<Option<HourBand>> = stats
        .iter()
        .map(|n| {
            let n = (*n)?;
            Some(HourBand {
                min: n.min?,
                mean: n.mean?,
                max: n.max?,
            })
        })
        .collect();
    let count: i64 = stats.iter().flatten().map(|n| n.count).sum();
    // The hourly means weighted by each hour's share of the values: a sum of sums could
    // overflow where every mean is a number.
    let mean: f64 = stats
        .iter()
        .flatten()
        .filter_map(|n| Some(n.mean? * (n.count as f64 / count.max(1) as f64)))
        .sum();
    let nulls: i64 = stats.iter().flatten().map(|n| n.nulls).sum();
    let implausible: i64 = stats.iter().flatten().map(|n| n.implausible).sum();
    if count == 0 {
        let not_numbers = match (nulls, implausible) {
            (0, 0) => String::new(),
            (nulls, 0) => format!(": {} without one", counted(nulls, "record")),
            (0, implausible) => format!(
                ": {} left out as implausible",
                counted(implausible, "value")
            ),
            (nulls, implausible) => format!(
                ": {} left out as implausible, {} without one",
                counted(implausible, "value"),
                counted(nulls, "record")
            ),
        };
        doc.heading(&title, 10.0, 8.0);
        doc.paragraph(
            &format!("No numeric value of {field} in this period{not_numbers}."),
            BODY,
            false,
            Ink::ALERT,
        );
        return Ok(());
    }
    let chart = charts::numeric_band(
        axis,
        &bands,
        &title,
        unit.unwrap_or(field),
        (px(CONTENT_WIDTH), px(58.0)),
    )?;
    let low = bands
        .iter()
        .flatten()
        .map(|b| b.min)
        .fold(f64::MAX, f64::min);
    let high = bands
        .iter()
        .flatten()
        .map(|b| b.max)
        .fold(f64::MIN, f64::max);
    let suffix = after_value(unit);
    let left_out = match implausible {
        0 => String::new(),
        n => format!("; {} left out", counted(n, "implausible value")),
    };
    // A mean of the smallest doubles can round below their minimum: it lies between them.
    let mean = mean.clamp(low, high.max(low));
    let [low, mean, high] = values_apart([low, mean, high]);
    let caption = format!(
        "Period: min {low}{suffix}, mean {mean}{suffix}, max {high}{suffix} over {}; {} without a value{left_out}.",
        counted(count, "value"),
        counted(nulls, "record")
    );
    doc.chart(chart, &[&caption]);
    Ok(())
}

fn category_chart(
    doc: &mut ReportDocument,
    field: &str,
    hourly: &[HourlySummary],
) -> Result<(), ChartError> {
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    let (mut other, mut nulls) = (0, 0);
    for counts in hourly
        .iter()
        .flat_map(|h| h.categories.iter().filter(|c| c.field == field))
    {
        for v in &counts.values {
            *totals.entry(v.value.as_str()).or_default() += v.count;
        }
        other += counts.other;
        nulls += counts.nulls;
    }
    let title = if other > 0 {
        format!(
            "{field}: most frequent values (top {TOP_VALUES} of the hours' top {})",
            releve::store::TOP_CATEGORY_VALUES
        )
    } else {
        format!("{field}: most frequent values (top {TOP_VALUES})")
    };
    if totals.is_empty() {
        doc.heading(&title, 10.0, 8.0);
        doc.paragraph(
            &format!("No value of {field} in this period."),
            BODY,
            false,
            Ink::ALERT,
        );
        return Ok(());
    }
    let mut ranked: Vec<(String, i64)> =
        totals.into_iter().map(|(v, c)| (v.to_owned(), c)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let beyond: i64 = ranked.iter().skip(TOP_VALUES).map(|(_, c)| c).sum();
    ranked.truncate(TOP_VALUES);
    let height = 20.0 + 6.5 * ranked.len() as f32;
    let chart = charts::category_bars(&ranked, &title, (px(CONTENT_WIDTH), px(height)))?;
    let caption = format!(
        "Other values: {}; without a value: {}.",
        counted(other + beyond, "record"),
        counted(nulls, "record")
    );
    // `hourly` keeps each hour's top 20 values and counts the rest as `other`: the ranking
    // is of those, which a value common over the period but never in an hour's top 20 misses.
    let approximate = format!(
        "Ranked from each hour's top {} values: {} outside an hour's top {} count as other values.",
        releve::store::TOP_CATEGORY_VALUES,
        counted(other, "record"),
        releve::store::TOP_CATEGORY_VALUES,
    );
    if other > 0 {
        doc.chart(chart, &[&caption, &approximate]);
    } else {
        doc.chart(chart, &[&caption]);
    }
    Ok(())
}

fn map_chart(
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
    let title = match gone {
        None => format!(
            "Positions of the period's records ({} drawn, {})",
            counted(shown.len() as u64, "position"),
            counted(positions.records, "record")
        ),
        Some(_) => format!(
            "Positions of the period's records still stored ({} drawn, {})",
            counted(shown.len() as u64, "position"),
            counted(positions.records, "record")
        ),
    };
    if shown.is_empty() && framed.outside.is_empty() {
        doc.heading(&title, 10.0, 8.0);
        match gone {
            Some(gone) if positions.records == 0 => {
                doc.paragraph(&gone, BODY, false, Ink::MUTED);
            }
            _ => {
                doc.paragraph(
                    "No positioned record in this period.",
                    BODY,
                    false,
                    Ink::ALERT,
                );
                if let Some(gone) = gone {
                    doc.paragraph(&gone, BODY, false, Ink::MUTED);
                }
            }
        }
        return Ok(());
    }
    let (map_frame, frame) = match (configured, framed.outside_extent()) {
        (None, _) => (
            MapFrame::Data {
                outline: BoundingBox::enclosing(hourly.iter().filter_map(|h| h.bbox)),
            },
            if charts::across_antimeridian(shown) {
                "Frame: around the positions, across the 180° meridian.".to_owned()
            } else {
                "Frame: bounding box of the hourly summaries.".to_owned()
            },
        ),
        (Some(configured), None) => (
            MapFrame::Configured(configured),
            format!("Frame: the source's map_frame{}.", across(configured)),
        ),
        (Some(configured), Some(outside)) => (
            MapFrame::Configured(configured),
            format!(
                "Frame: the source's map_frame{}; {} outside it (longitude {}, latitude {}) not drawn.",
                across(configured),
                counted(
                    framed.outside.len() as u64,
                    if positions.sampled_every > 1 {
                        "sampled position"
                    } else {
                        "position"
                    }
                ),
                degrees(outside.min_lon, outside.max_lon),
                degrees(outside.min_lat, outside.max_lat)
            ),
        ),
    };
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
    let legend = match source.numeric.first() {
        // Nothing drawn: the frame sentence says why.
        _ if shown.is_empty() => String::new(),
        Some(field) => {
            let values = shown.iter().filter_map(|p| p.value);
            let (low, high) = values.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
            let unit = after_value(unit_of(source, field.as_str()));
            let missing = match shown.iter().any(|p| p.value.is_none()) {
                false => "",
                true if source.plausible.contains_key(field.as_str()) => {
                    "; grey: no value, or an implausible one"
                }
                true => "; grey: no value",
            };
            if low == high {
                format!("Every point holds {field} = {}{unit}{missing}.", value(low))
            } else if low < high {
                let [low, high] = values_apart([low, high]);
                format!(
                    "Points coloured from violet through teal to green and sized by {field}: {low}{unit} to {high}{unit}{missing}."
                )
            } else if source.plausible.contains_key(field.as_str()) {
                format!("No record holds a plausible {field}; points in grey.")
            } else {
                format!("No record holds {field}; points in grey.")
            }
        }
        None => String::new(),
    };
    let mut captions = vec![[legend, frame].join(" ").trim().to_owned()];
    captions.extend(gone);
    if positions.sampled_every > 1 {
        captions.push(format!(
            "A sample is drawn: about one record in {} of the period's {}, picked by key so it spreads over places and hours.",
            positions.sampled_every,
            counted(positions.records, "record")
        ));
    }
    let captions: Vec<&str> = captions.iter().map(String::as_str).collect();
    doc.chart(chart, &captions);
    Ok(())
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

/// `, across the 180° meridian` when the configured frame runs across it, for its caption.
fn across(frame: BoundingBox) -> &'static str {
    if charts::frames_across_antimeridian(&frame) {
        ", across the 180° meridian"
    } else {
        ""
    }
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

/// What follows a value of that unit: ` hPa`, or nothing.
fn after_value(unit: Option<&str>) -> String {
    unit.map(|unit| format!(" {unit}")).unwrap_or_default()
}
