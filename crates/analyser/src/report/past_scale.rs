//! What the report says under a numeric chart whose axis leaves out readings far beyond all the
//! others (see `charts::ValueScale`): how many hours reach past it, how far and when, and, for
//! a field without a `plausible` range, how to leave such readings out.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use releve::Source;

use super::source_pages::one_hour;
use crate::charts::{HourBand, ValueScale};
use crate::format::{after_value, counted, value};
use crate::naming::unit_of;

/// The sentence for the hourly `bands` (one per hour of `hours`) of `field` drawn on `scale`;
/// `None` when every value is on the chart.
pub fn past_scale(
    source: &Source,
    field: &str,
    bands: &[Option<HourBand>],
    hours: &[DateTime<Utc>],
    scale: ValueScale,
    tz: Tz,
) -> Option<String> {
    let past: Vec<(HourBand, DateTime<Utc>, (bool, bool))> = bands
        .iter()
        .zip(hours)
        .filter_map(|(band, hour)| {
            let band = (*band)?;
            let beyond = scale.beyond(&band);
            (beyond != (false, false)).then_some((band, *hour, beyond))
        })
        .collect();
    let suffix = after_value(unit_of(source, field));
    let highest = past
        .iter()
        .filter(|(_, _, (above, _))| *above)
        .max_by(|a, b| a.0.max.total_cmp(&b.0.max))
        .map(|(band, hour, _)| {
            format!(
                "up to {}{suffix} ({})",
                value(band.max),
                one_hour(*hour, tz)
            )
        });
    let lowest = past
        .iter()
        .filter(|(_, _, (_, below))| *below)
        .min_by(|a, b| a.0.min.total_cmp(&b.0.min))
        .map(|(band, hour, _)| {
            format!(
                "down to {}{suffix} ({})",
                value(band.min),
                one_hour(*hour, tz)
            )
        });
    let how_far = match (highest, lowest) {
        (None, None) => return None,
        (Some(one), None) | (None, Some(one)) => one,
        (Some(high), Some(low)) => format!("{high} and {low}"),
    };
    let reach = if past.len() == 1 { "reaches" } else { "reach" };
    let said = format!(
        "{} {reach} past the chart's scale, drawn to its edge and marked: {how_far}.",
        counted(past.len() as u64, "hour")
    );
    if source.plausible.contains_key(field) {
        return Some(said);
    }
    Some(format!(
        "{said} If such readings are faults, a `plausible` range for `{field}` in sources.toml leaves them out of the summaries; `summariser --resummarise {}` then summarises the stored hours again.",
        source.name
    ))
}
