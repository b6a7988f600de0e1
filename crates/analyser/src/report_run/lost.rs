//! What a report says of the stretches a database lost, and from when each source's
//! collections are counted there.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use releve::Config;

use crate::period::ReportPeriod;
use crate::query::SourceData;

/// What the report of `period` says of the stretches a database lost (`lost`), one line per
/// stretch overlapping it, and from when each source's collections are counted there: after
/// its last run lost, or, of a source collecting by day, after the last day of the period that
/// a run lost may have collected (see [`days_lost`]).
pub(super) fn lost_in_period(
    lost: &[releve::store::restored::LostRuns],
    config: &Config,
    data: &BTreeMap<String, SourceData>,
    first_runs: &BTreeMap<String, DateTime<Utc>>,
    period: &ReportPeriod,
) -> (Vec<String>, BTreeMap<String, DateTime<Utc>>) {
    let mut lost_runs = Vec::new();
    let mut lost_until: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    // A source collecting by day (France Travail) collects days, not the time it runs: its
    // runs lost collected the days of the period the database holds no run of (see
    // `days_lost`).
    let by_day = |name: &str| {
        config
            .source(name)
            .is_some_and(releve::Source::collects_by_day)
    };
    let mut last_day_lost: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    for lost in lost {
        let mut overlapping: Vec<_> = lost
            .overlapping(period.start(), period.end())
            .into_iter()
            .filter(|source| !by_day(&source.name))
            .collect();
        for source in &lost.sources {
            if !by_day(&source.name) {
                continue;
            }
            let held = data.get(&source.name);
            let first = first_runs.get(&source.name).copied();
            if let Some(day) = days_lost(source, lost.until, held, first, period) {
                overlapping.push(source);
                // Its midnight on the report's clock: a France Travail day counts in the report's
                // day of that date, and its collections from the next.
                let day = crate::period::local_midnight(period.tz, day);
                let last = last_day_lost.entry(source.name.clone()).or_insert(day);
                *last = (*last).max(day);
            }
        }
        if overlapping.is_empty() {
            continue;
        }
        lost_runs.push(format!(
            "{}: this period's collections and records of that stretch are missing from this report, not uncollected",
            lost.fact_of(&overlapping)
        ));
        for source in overlapping {
            // Of a source collecting by day, counted from the day after the last one lost.
            let last = last_day_lost
                .get(&source.name)
                .copied()
                .unwrap_or(source.until);
            let until = lost_until.entry(source.name.clone()).or_insert(last);
            *until = (*until).max(last);
        }
    }
    (lost_runs, lost_until)
}

/// The last of the days of `period` that the runs of `source` a database lost may have collected,
/// `source` collecting by day: a run collects the day before it starts, or, catching up, up to
/// [`releve::CATCH_UP_DAYS`] before, so the days from that far before the first run lost to the
/// day before the last, that the database holds no successful run of (`held`, the period's
/// runs). A source whose runs the database held before the stretch is counted from its first
/// known collection (`first`); one it held none of, from the day before its first run noted
/// (a new source's first run collects yesterday alone). `None` when no such day is in the
/// period.
fn days_lost(
    source: &releve::store::restored::LostSource,
    until: DateTime<Utc>,
    held: Option<&SourceData>,
    first: Option<DateTime<Utc>>,
    period: &ReportPeriod,
) -> Option<chrono::NaiveDate> {
    let earliest = match (source.after, source.from) {
        (Some(after), _) => {
            // Given as its first day's midnight on the report's clock.
            let first_day = first
                .filter(|first| *first <= after)
                .map_or(chrono::NaiveDate::MIN, |first| {
                    first.with_timezone(&period.tz).date_naive()
                });
            (after.date_naive() - chrono::Days::new(releve::CATCH_UP_DAYS)).max(first_day)
        }
        (None, Some(from)) => from.date_naive() - chrono::Days::new(1),
        (None, None) => (until - chrono::TimeDelta::days(90)).date_naive(),
    };
    let from = earliest.max(period.first_day);
    let last = (source.until.date_naive() - chrono::Days::new(1))
        .min(period.end_day - chrono::Days::new(1));
    let held_days: BTreeSet<chrono::NaiveDate> = held
        .map(|data| {
            data.runs
                .iter()
                .filter(|run| run.error.is_none())
                .filter_map(crate::query::CollectionRun::collected_day)
                .collect()
        })
        .unwrap_or_default();
    from.iter_days()
        .take_while(|day| *day <= last)
        .filter(|day| !held_days.contains(day))
        .last()
}
