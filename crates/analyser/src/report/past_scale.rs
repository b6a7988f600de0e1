//! What the report says under a numeric chart: of the codes of a missing reading its axis
//! leaves out (see `charts::ValueScale`), and of the brief spikes it draws (see
//! `charts::spikes`): how many hours (days, of daily values), how far and when, and how to
//! leave such values out: a `plausible` range, or for one set after those hours were
//! summarised, `--resummarise`, where it still reaches them.

use chrono::{DateTime, Utc};
use releve::{Resolution, Source};

use super::added_fields::AddedField;
use super::numeric_page::{one_day, one_hour};
use crate::charts::{HourBand, Spike, Step, TimeAxis, TotalStep, ValueScale, is_missing_code};
use crate::format::{after_value, counted, grouped, value};
use crate::naming::unit_of;

/// A step of the chart (an hour, or a day's total) reaching past the scale.
struct Past {
    /// Its value above the scale, if any.
    above: Option<f64>,
    /// Its value below the scale, if any.
    below: Option<f64>,
    /// Its first hour.
    hour: DateTime<Utc>,
    /// When it was, as the sentence writes it.
    when: String,
}

/// The sentence for the hourly `bands` (one per hour of `axis`) of `field` drawn on `scale`;
/// `None` when every value is on the chart. `added` tells which hours `--resummarise` reaches.
pub fn past_scale(
    source: &Source,
    added: &AddedField<'_>,
    field: &str,
    bands: &[Option<HourBand>],
    axis: &TimeAxis,
    scale: ValueScale,
) -> Option<String> {
    let past: Vec<Past> = bands
        .iter()
        .zip(axis.hours())
        .filter_map(|(band, hour)| {
            let band = (*band)?;
            let (above, below) = scale.beyond(&band);
            (above || below).then(|| Past {
                above: above.then_some(band.max),
                below: below.then_some(band.min),
                hour: *hour,
                when: when(*hour, axis),
            })
        })
        .collect();
    if past.is_empty() {
        return None;
    }
    let days = days_of(&past, axis);
    let lead = if daily(axis) {
        let reach = if days == 1 { "reaches" } else { "reach" };
        format!(
            "{} {reach} past the chart's scale, drawn to its edge and marked",
            counted(days as u64, "day")
        )
    } else {
        // A daily chart marks days: say how many the hours fall on.
        let days = match axis.step() {
            Step::Day if past.len() > 1 => format!(", on {},", counted(days as u64, "day")),
            _ => String::new(),
        };
        let reach = if past.len() == 1 { "reaches" } else { "reach" };
        format!(
            "{}{days} {reach} past the chart's scale, drawn to its edge and marked",
            counted(past.len() as u64, "hour")
        )
    };
    let values = || past.iter().flat_map(|p| p.above.into_iter().chain(p.below));
    let kind = if values().all(is_missing_code) {
        Kind::Codes
    } else {
        Kind::Readings
    };
    let kind = plausible_kind(source, field, values(), kind);
    Some(sentence(
        source,
        added,
        field,
        &lead,
        &past,
        kind,
        step_of(axis),
    ))
}

/// The sentence for the brief `spikes` of `field`'s hourly chart on `axis`: drawn, they flatten
/// it; `None` without one.
pub fn spikes_said(
    source: &Source,
    added: &AddedField<'_>,
    field: &str,
    spikes: &[Spike],
    axis: &TimeAxis,
    scale: ValueScale,
) -> Option<String> {
    let past: Vec<Past> = spikes
        .iter()
        .filter_map(|spike| {
            let hour = *axis.hours().get(spike.hour)?;
            Some(Past {
                above: spike.above,
                below: spike.below,
                hour,
                when: when(hour, axis),
            })
        })
        .collect();
    // Of daily values, the days (a day's records may share it in more than one hour).
    let steps = if daily(axis) {
        days_of(&past, axis)
    } else {
        past.len()
    };
    let lie = match steps {
        0 => return None,
        1 => "lies",
        _ => "lie",
    };
    // They flatten the chart when they set its ends, not beside a larger event that lasts.
    let values = || past.iter().flat_map(|p| p.above.into_iter().chain(p.below));
    let ends = values().any(|v| v == scale.high || v == scale.low);
    let lead = format!(
        "{} {lie} far from all the others{}",
        counted(steps as u64, step_of(axis)),
        if ends {
            ", which flattens the chart"
        } else {
            ""
        }
    );
    let kind = plausible_kind(source, field, values(), Kind::Readings);
    Some(sentence(
        source,
        added,
        field,
        &lead,
        &past,
        kind,
        step_of(axis),
    ))
}

/// Whether the chart on `axis` draws daily values (`resolution = "day"`): its steps are days,
/// said by their date, whatever hour of it a record's time falls in.
fn daily(axis: &TimeAxis) -> bool {
    axis.resolution() == Resolution::Day
}

/// What the steps of the chart on `axis` are called: `hour`, or `day` for daily values.
fn step_of(axis: &TimeAxis) -> &'static str {
    if daily(axis) { "day" } else { "hour" }
}

/// When `hour` was, as a sentence under the chart on `axis` writes it: the hour, or the local
/// date of a daily value.
fn when(hour: DateTime<Utc>, axis: &TimeAxis) -> String {
    if daily(axis) {
        axis.day_of(hour).to_string()
    } else {
        one_hour(hour, axis.tz())
    }
}

/// The local days on `axis` the `past` steps fall on.
fn days_of(past: &[Past], axis: &TimeAxis) -> usize {
    let mut days: Vec<_> = past.iter().map(|p| axis.day_of(p.hour)).collect();
    days.dedup();
    days.len()
}

/// The sentence for a totals chart's `steps` (each step's first hour and total: per hour, or per
/// local day on a daily axis) of `field` drawn on `scale`; `None` when every total is on the chart.
pub fn totals_past_scale(
    source: &Source,
    added: &AddedField<'_>,
    field: &str,
    steps: &[TotalStep],
    axis: &TimeAxis,
    scale: ValueScale,
) -> Option<String> {
    let by_day = axis.step() == Step::Day;
    let past: Vec<Past> = steps
        .iter()
        .filter(|step| step.holds_code && scale.leaves_out(step.total))
        .map(|&TotalStep { hour, total, .. }| Past {
            above: (total > scale.high).then_some(total),
            below: (total < scale.low).then_some(total),
            hour,
            when: if by_day {
                one_day(axis, hour)
            } else {
                one_hour(hour, axis.tz())
            },
        })
        .collect();
    let step = if by_day { "day" } else { "hour" };
    let lead = match past.len() {
        0 => return None,
        1 => format!(
            "1 {step}'s total, holding a code of a missing reading, reaches past the chart's scale, drawn to its edge and marked"
        ),
        n => format!(
            "{} {step}s' totals, holding codes of a missing reading, reach past the chart's scale, drawn to its edge and marked",
            grouped(n as u64)
        ),
    };
    // Only totals holding a code are left out; whether a total lies outside `plausible`
    // tells nothing, as it is no reading.
    Some(sentence(
        source,
        added,
        field,
        &lead,
        &past,
        Kind::Codes,
        step,
    ))
}

/// What the values said are, as far as the report can tell.
enum Kind {
    /// Codes of a missing reading.
    Codes,
    /// Readings, which may be faults.
    Readings,
    /// Values outside the field's `plausible` range, set after their hours were summarised:
    /// all of them, or only some.
    OutsidePlausible { all: bool },
}

/// `kind`, unless some of `values` lie outside the `plausible` range of `field`.
fn plausible_kind(
    source: &Source,
    field: &str,
    values: impl Iterator<Item = f64> + Clone,
    kind: Kind,
) -> Kind {
    let Some([low, high]) = source.plausible.get(field) else {
        return kind;
    };
    let outside = |v: &f64| v > high || v < low;
    match (
        values.clone().any(|v| outside(&v)),
        values.into_iter().all(|v| outside(&v)),
    ) {
        (false, _) => kind,
        (true, all) => Kind::OutsidePlausible { all },
    }
}

/// `lead` (what the `past` steps do), how far and when, and the advice for values of `kind`;
/// `step` names the steps (`hour`, `day`).
fn sentence(
    source: &Source,
    added: &AddedField<'_>,
    field: &str,
    lead: &str,
    past: &[Past],
    kind: Kind,
    step: &str,
) -> String {
    let suffix = after_value(unit_of(source, field));
    // The first step holding the highest value, the first holding the lowest.
    let first_max = past.iter().filter_map(|p| Some((p.above?, p))).fold(
        None::<(f64, &Past)>,
        |found, (v, p)| match found {
            Some((best, _)) if best >= v => found,
            _ => Some((v, p)),
        },
    );
    let first_min = past.iter().filter_map(|p| Some((p.below?, p))).fold(
        None::<(f64, &Past)>,
        |found, (v, p)| match found {
            Some((best, _)) if best <= v => found,
            _ => Some((v, p)),
        },
    );
    let up = first_max.map(|(v, p)| format!("up to {}{suffix} ({})", value(v), p.when));
    let down = first_min.map(|(v, p)| format!("down to {}{suffix} ({})", value(v), p.when));
    let how_far = [up, down]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ");
    let said = format!("{lead}: {how_far}.");
    // A day is one step, though its daily values fall in several of its hours (two
    // stations' values dated at different offsets): said by its date, named once.
    let mut steps: Vec<&Past> = past.iter().collect();
    if step == "day" {
        steps.dedup_by(|later, earlier| later.when == earlier.when);
    }
    let hours: Vec<DateTime<Utc>> = steps.iter().map(|p| p.hour).collect();
    let again = resummarise(source, added, &hours, step);
    let plausible = source.plausible.contains_key(field);
    match kind {
        Kind::OutsidePlausible { all } => format!(
            "{said} {} outside the `plausible` range of `{field}`: their hours were summarised before it was set{again}",
            if all {
                "Such readings lie"
            } else {
                "Some of these readings lie"
            }
        ),
        _ if plausible => said,
        Kind::Codes => format!(
            "{said} Sensors send such codes for a reading they lack: a `plausible` range for `{field}` in sources.toml leaves them out of the summaries{again}"
        ),
        Kind::Readings => format!(
            "{said} If such readings are faults, a `plausible` range for `{field}` in sources.toml leaves them out of the summaries{again}"
        ),
    }
}

/// The end of the advice: whether `--resummarise` reaches `hours` (those within `keep_days`),
/// the first hours of steps named `step` (`hour`, `day`).
fn resummarise(
    source: &Source,
    added: &AddedField<'_>,
    hours: &[DateTime<Utc>],
    step: &str,
) -> String {
    let name = &source.name;
    let within = added.within_keep_days(hours);
    let days = counted(source.keep_days.unwrap_or_default(), "day");
    match (within, hours.len()) {
        (n, all) if n == all => {
            format!("; `summariser --resummarise {name}` summarises the stored hours again.")
        }
        (0, 1) => format!(
            "; this {step} began more than keep_days ({days}) ago and stays as it was summarised."
        ),
        (0, _) => format!(
            "; these {step}s began more than keep_days ({days}) ago and stay as they were summarised."
        ),
        (n, all) => {
            let which = if n == 1 {
                "one".to_owned()
            } else {
                grouped(n as u64)
            };
            let others = if all - n == 1 {
                "the other stays as it was"
            } else {
                "the others stay as they were"
            };
            format!(
                "; `summariser --resummarise {name}` summarises again the {which} of these {step}s within keep_days, {others} summarised."
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn a_month_names_the_first_faulty_hour_and_the_days_it_marks() {
        let config = releve::Config::parse(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"temp\"]\nunits = { temp = \"°C\" }\n",
            std::path::Path::new("sources.toml"),
        )
        .expect("configuration");
        let source = &config.sources[0];
        let axis = crate::charts::october_in_paris();
        let end = axis.hours().last().copied().expect("hours") + TimeDelta::hours(1);
        let mut bands = crate::charts::temperature_bands(axis.len());
        // 2 October 06:00 and 07:00 (local), then 5 October 04:00, all at 9,999: the first is named.
        for hour in [30, 31, 100] {
            if let Some(band) = bands[hour].as_mut() {
                band.max = 9_999.0;
            }
        }
        let scale = ValueScale::of(&bands).expect("values");
        let added = AddedField::new(source, "temp", "numeric", end, true);
        let said = past_scale(source, &added, "temp", &bands, &axis, scale).expect("said");
        assert!(
            said.starts_with("3 hours, on 2 days, reach past the chart's scale, drawn to its edge and marked: up to 9,999 °C (2026-10-02 06:00–07:00 CEST)."),
            "{said}"
        );
    }

    #[test]
    fn summarising_again_is_advised_only_for_hours_within_keep_days() {
        let config = releve::Config::parse(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1m\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"temp\"]\nkeep_days = 10\n",
            std::path::Path::new("sources.toml"),
        )
        .expect("configuration");
        let source = &config.sources[0];
        let generated = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(100);
        let added = AddedField::new(source, "temp", "numeric", generated, true);
        let ago = |days: i64| generated - TimeDelta::days(days);
        assert_eq!(
            resummarise(source, &added, &[ago(2)], "hour"),
            "; `summariser --resummarise s` summarises the stored hours again."
        );
        assert_eq!(
            resummarise(source, &added, &[ago(12), ago(11)], "hour"),
            "; these hours began more than keep_days (10 days) ago and stay as they were summarised."
        );
        assert_eq!(
            resummarise(source, &added, &[ago(12)], "day"),
            "; this day began more than keep_days (10 days) ago and stays as it was summarised."
        );
        assert_eq!(
            resummarise(source, &added, &[ago(12), ago(13), ago(3)], "day"),
            "; `summariser --resummarise s` summarises again the one of these days within keep_days, the others stay as they were summarised."
        );
        assert_eq!(
            resummarise(source, &added, &[ago(12), ago(3), ago(2)], "hour"),
            "; `summariser --resummarise s` summarises again the 2 of these hours within keep_days, the other stays as it was summarised."
        );
    }

    #[test]
    fn a_day_of_daily_values_past_the_scale_in_two_hours_is_said_as_one_day() {
        let config = releve::Config::parse(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1d\"\nkey = \"id\"\ntime = \"t\"\nnumeric = [\"temp\"]\nresolution = \"day\"\nkeep_days = 10\n",
            std::path::Path::new("sources.toml"),
        )
        .expect("configuration");
        let source = &config.sources[0];
        let axis = crate::charts::october_in_paris().per_day();
        // One station's value a day in its 01:00 hour, and on 2 October a second station's at
        // 22:00: both 9,999.
        let mut bands: Vec<Option<HourBand>> = (0..axis.len())
            .map(|hour| {
                (hour % 24 == 1).then_some(HourBand {
                    min: 10.0 + (hour / 24 % 5) as f64,
                    mean: 10.0 + (hour / 24 % 5) as f64,
                    max: 10.0 + (hour / 24 % 5) as f64,
                    values: 1,
                })
            })
            .collect();
        for hour in [25, 46] {
            bands[hour] = Some(HourBand {
                min: 9_999.0,
                mean: 9_999.0,
                max: 9_999.0,
                values: 1,
            });
        }
        let scale = ValueScale::of(&bands).expect("values");
        let generated = axis.hours().last().copied().expect("hours") + TimeDelta::days(30);
        let added = AddedField::new(source, "temp", "numeric", generated, true);
        let said = past_scale(source, &added, "temp", &bands, &axis, scale).expect("said");
        assert_eq!(
            said,
            "1 day reaches past the chart's scale, drawn to its edge and marked: up to 9,999 (2026-10-02). \
             Sensors send such codes for a reading they lack: a `plausible` range for `temp` in sources.toml \
             leaves them out of the summaries; this day began more than keep_days (10 days) ago and stays as \
             it was summarised."
        );
    }
}
