//! The steps (hours, or days of a source of daily values) of a period a source is assessed
//! over, and those holding a record: how many hours are without data.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use releve::{Resolution, Source};

use super::ExpectedFrom;
use crate::hour_data::holds_data;
use crate::period::ReportPeriod;
use crate::query::{CollectionRun, SourceData};

/// A stretch of time, from its start to its end (excluded).
type Stretch = (DateTime<Utc>, DateTime<Utc>);

/// The stretches in which the source was disabled, whose hours (or days) without a record are
/// not without data: it was not collected on purpose. Those its runs told of (not of a source
/// of daily values or a per-day source, whose API serves the past days its next runs fetch, as
/// the charts, which shade none of theirs), and for a source disabled when the report is
/// written, from the end of its last run's interval in the period on (of a per-day source, from
/// the end of the latest day it collected: a catch-up runs newest first), or the whole period
/// when it ran in none of it, unless the period's runs are gone (then nothing is known).
pub(super) fn off_stretches(
    source: &Source,
    data: &SourceData,
    period: &ReportPeriod,
    expected_from: ExpectedFrom,
    until: Option<DateTime<Utc>>,
) -> Vec<Stretch> {
    let runs_tell = super::runs_tell_hours(source);
    let mut off: Vec<Stretch> = data
        .disabled
        .iter()
        .filter(|_| runs_tell)
        .map(|disabled| (disabled.from, disabled.until))
        .collect();
    if !source.enabled && !expected_from.unknown() {
        let last_day_end = data
            .runs
            .iter()
            .filter(|_| source.collects_by_day())
            .filter_map(CollectionRun::collected_day)
            .max()
            .map(|day| {
                (day + chrono::Days::new(1))
                    .and_time(chrono::NaiveTime::MIN)
                    .and_utc()
            });
        let from = match (last_day_end, until) {
            (Some(end), _) => end,
            (None, Some(until)) if !data.runs.is_empty() => until,
            _ => period.start(),
        };
        off.push((from, DateTime::<Utc>::MAX_UTC));
    }
    off
}

/// The period's hours begun before `reference`, or for a source of daily values its local days
/// begun before it, and how many of them hold a record (a day, dated in any of its hours).
/// Counted from the source's first collection (`first_run`) when it came in or after the
/// period; a step without a record that lies wholly in a stretch the source was disabled in
/// (`off`) is not counted (one it was enabled again in, or partly, is, as the charts mark it).
pub(super) fn elapsed_steps(
    source: &Source,
    data: &SourceData,
    period: &ReportPeriod,
    reference: DateTime<Utc>,
    first_run: Option<DateTime<Utc>>,
    off: &[Stretch],
) -> (usize, usize) {
    let was_off = |start: DateTime<Utc>, end: DateTime<Utc>| {
        off.iter()
            .any(|(from, until)| *from <= start && end <= *until)
    };
    let with_data = data
        .hourly
        .iter()
        .filter(|h| holds_data(source, h))
        .map(|h| releve::store::chrono_date(h.hour));
    // A source first collected in the period, or after it: the steps before both its first
    // collection and its first record are before it was collected, not without data.
    let from = first_run.map(|first| {
        with_data
            .clone()
            .fold(releve::store::hour_of(first), DateTime::min)
    });
    let resolution = source.resolution;
    match resolution {
        Resolution::Hour => {
            let held: BTreeSet<DateTime<Utc>> = with_data.clone().collect();
            (
                period
                    .hours()
                    .iter()
                    .filter(|h| **h < reference && from.is_none_or(|from| from <= **h))
                    .filter(|h| {
                        held.contains(*h) || !was_off(**h, **h + chrono::TimeDelta::hours(1))
                    })
                    .count(),
                with_data.filter(|hour| *hour < reference).count(),
            )
        }
        // A begun day holds its value whatever hour the value is dated in: Open-Meteo's
        // 00:00 UTC is 01:00 in Paris, and a forecast's value is there before that hour.
        Resolution::Day => {
            let first_day = from.map(|from| period.day_of(from, resolution));
            let held: BTreeSet<_> = with_data
                .map(|hour| period.day_of(hour, resolution))
                .collect();
            let days: BTreeSet<_> = period
                .first_day
                .iter_days()
                .take_while(|day| *day < period.end_day)
                .filter(|day| period.day_begun(*day, reference))
                .filter(|day| first_day.is_none_or(|first| first <= *day))
                .filter(|day| {
                    let midnight = |day| crate::period::local_midnight(period.tz, day);
                    held.contains(day)
                        || day
                            .succ_opt()
                            .is_none_or(|next| !was_off(midnight(*day), midnight(next)))
                })
                .collect();
            let with_data = held.iter().filter(|d| days.contains(*d)).count();
            (days.len(), with_data)
        }
    }
}
