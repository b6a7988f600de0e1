//! The shadings of a source's charts other than those of its hours to come: the stretches it
//! was disabled in, those no run of it started in and those every run of it failed in, and the
//! notes under its first chart saying what each means.

use chrono::{DateTime, Utc};
use releve::Source;

use crate::completeness::Completeness;
use crate::completeness::failing::Failing;
use crate::completeness::silence::WithoutRun;
use crate::format::{counted, local_time};
use crate::period::ReportPeriod;
use crate::query::Disabled;
use crate::report::silences::{after_words, stretch_words};

/// The stretches of the period `source` was disabled in, as its charts shade them: those it
/// was enabled again after, and for a source disabled when the report was `generated`, from
/// its next collection after its last run in the period (all of the period without one) until
/// then: the hours still to come are shaded so, not "disabled". None for a source collecting
/// by day (its runs collect the days before them, and it catches up the days it missed), nor
/// for one of daily values (its API serves past days, which its next runs fetch): the times
/// it was disabled are not those of its data.
pub(super) fn disabled_stretches(
    source: &Source,
    completeness: &Completeness,
    period: &ReportPeriod,
    generated: DateTime<Utc>,
) -> Vec<Disabled> {
    if !crate::completeness::runs_tell_hours(source) {
        return Vec::new();
    }
    let mut stretches = completeness.disabled.clone();
    let until = period.end().min(generated);
    match completeness.disabled_after {
        // From where its collections stop being expected, as the counts have it.
        Some(Some(_)) => {
            if let Some(from) = completeness.disabled_due.filter(|from| *from < until) {
                stretches.push(Disabled { from, until });
            }
        }
        // Unless its runs of then are no longer kept: it may have run then. A daily axis
        // may begin before the period (a day's UTC hours west of UTC): all of it.
        Some(None) if !completeness.expected_from.unknown() => {
            stretches.push(Disabled {
                from: DateTime::<Utc>::MIN_UTC,
                until: if generated < period.end() {
                    generated
                } else {
                    DateTime::<Utc>::MAX_UTC
                },
            });
        }
        Some(None) => {}
        None => {}
    }
    stretches
}

/// What the shading `disabled` on a source's charts means, when they have any: the source was
/// disabled then, no collection being due, so that a step without a value there is no fault.
/// A stretch begun before the period is named from its start, as the quality section names it.
pub(super) fn disabled_note(
    stretches: &[Disabled],
    still_disabled: bool,
    period: &ReportPeriod,
    generated: DateTime<Utc>,
) -> Option<String> {
    let named: Vec<String> = stretches
        .iter()
        .filter(|stretch| stretch.overlaps(period))
        .map(|stretch| {
            let open = still_disabled && stretch.until >= period.end().min(generated);
            let so_far = open && generated < period.end();
            let whole = stretch.from <= period.start();
            let from = local_time(stretch.from, period.tz);
            match (whole, open || stretch.until >= period.end()) {
                (true, true) if so_far => {
                    "throughout the period so far, still disabled when the report was generated"
                        .to_owned()
                }
                (true, true) => "throughout the period".to_owned(),
                (false, true) if so_far => {
                    format!("from {from} on, still disabled when the report was generated")
                }
                (false, true) => format!("from {from} on"),
                (_, false) if stretch.from == DateTime::<Utc>::MIN_UTC => format!(
                    "from before the period until its run of {}",
                    local_time(stretch.until, period.tz)
                ),
                (_, false) => format!(
                    "from {from} until its run of {}",
                    local_time(stretch.until, period.tz)
                ),
            }
        })
        .collect();
    if named.is_empty() {
        return None;
    }
    Some(format!(
        "Shaded \"disabled\" on its charts: this source was disabled (enabled = false) {}, no collection being due: its records of that time are those a later run could still fetch.",
        named.join("; ")
    ))
}

/// The shortest stretch without a run the charts shade: a minute source's run lost now and
/// then under load would be a hair on them, and a line in the note.
const SHORTEST_SHADED: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The stretches without a run its charts shade (see [`Completeness::without_run`]), but for
/// those within a stretch shaded "failed" (an API asking to be left alone for hours): its
/// failure says why.
pub(super) fn shaded_without_run(completeness: &Completeness) -> Vec<WithoutRun> {
    completeness
        .without_run_outside_failures()
        .filter(|gap| gap.stretch.until - gap.stretch.from >= SHORTEST_SHADED)
        .copied()
        .collect()
}

/// The stretches named one by one in the note on those without a run; the others are counted.
const WITHOUT_RUN_NAMED: usize = 3;

/// What the shading `no run` on a source's charts means, when they have any: when no run of
/// it started, and after what (a failed run that put it off, or nothing the collector
/// recorded: then it was most likely stopped), so that its data of then is what later runs
/// could still fetch (a day of a month's chart drawn from a few hours, a gap in a line).
pub(super) fn without_run_note(
    stretches: &[WithoutRun],
    period: &ReportPeriod,
    generated: DateTime<Utc>,
) -> Option<String> {
    if stretches.is_empty() {
        return None;
    }
    let ongoing = (generated < period.end()).then_some(generated);
    let (stretch, named) = named_stretches(stretches, |gap| {
        stretch_words(&gap.stretch, period.tz, ongoing, "") + &after_words(gap.before, period.tz)
    });
    // A stretch no failure accounts for: the collector did not start the source.
    let unexplained = stretches.iter().any(|gap| gap.before.leaves_unexplained());
    let stopped = if unexplained {
        " Where no failed run put it off, the collector did not start it: was the collector stopped, its cron line removed, or its table refused by the configuration (logs/collector.log says which)?"
    } else {
        ""
    };
    Some(format!(
        "Shaded \"no run\" on its charts: {stretch} in which no collection of this source started, {named}: its records of that time are those a later run could still fetch.{stopped}"
    ))
}

/// What the shading `failed` on a source's charts means, when they have any: when every run of
/// it failed, and the latest failure, so that an hour without records there reads as an outage
/// of the API (or of the machine's network), not as an hour without events.
pub(super) fn failing_note(
    stretches: &[Failing],
    period: &ReportPeriod,
    generated: DateTime<Utc>,
) -> Option<String> {
    let latest = stretches.last()?;
    let ongoing = (generated < period.end()).then_some(generated);
    let (stretch, named) = named_stretches(stretches, |failing| {
        format!(
            "{}, {}",
            stretch_words(&failing.stretch, period.tz, ongoing, ""),
            counted(failing.runs as u64, "run")
        )
    });
    let error = latest
        .error
        .as_deref()
        .map(|error| error.trim().trim_end_matches('.'))
        .filter(|error| !error.is_empty())
        .map_or(String::new(), |error| {
            format!(" The latest failure: {error}.")
        });
    Some(format!(
        "Shaded \"failed\" on its charts: {stretch} in which every collection of this source failed, {named}: its records of that time are those a later run could still fetch, and an hour without records there may have had some.{error}"
    ))
}

/// How a note on a shading calls `stretches` (`the stretch`, `the stretches`), and their
/// words: the first [`WITHOUT_RUN_NAMED`] each in `words`, the others counted.
fn named_stretches<T>(stretches: &[T], words: impl Fn(&T) -> String) -> (&'static str, String) {
    let mut named: Vec<String> = stretches
        .iter()
        .take(WITHOUT_RUN_NAMED)
        .map(words)
        .collect();
    let more = stretches.len().saturating_sub(WITHOUT_RUN_NAMED);
    if more > 0 {
        named.push(format!("and {more} more"));
    }
    let stretch = if stretches.len() == 1 {
        "the stretch"
    } else {
        "the stretches"
    };
    (stretch, named.join("; "))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::completeness::{Known, assess};
    use crate::period::PeriodKind;
    use crate::query::{CollectionRun, SourceData};

    /// A source collected hourly, disabled after its run at 02:00 and its `every` made `1d`
    /// at the same time: the report expects collections up to 03:00, the interval its last
    /// run recorded (`CollectionRun::next_due`, its hours without data counted up to there),
    /// but its charts shade "disabled" from the configured day later, outside the period, so
    /// 03:00 to midnight is neither expected nor shaded. The shading re-derives the next
    /// collection from `every` instead of using `next_due`, as `expected_until` does.
    #[test]
    fn a_disabled_source_s_charts_shade_from_where_its_collections_stop_being_expected() {
        let text = "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"1d\"\nenabled = false\nkey = \"id\"\ntime = \"t\"\n";
        let config =
            releve::Config::parse(text, std::path::Path::new("test.toml")).expect("config");
        let source = &config.sources[0];
        let period = ReportPeriod::containing(
            PeriodKind::Day,
            "2026-11-21".parse().expect("date"),
            chrono_tz::UTC,
        );
        let at = |hour| {
            Utc.with_ymd_and_hms(2026, 11, 21, hour, 0, 0)
                .single()
                .expect("instant")
        };
        let runs: Vec<CollectionRun> = (0..=2)
            .map(|hour| CollectionRun {
                started: at(hour),
                records: 10,
                every_s: Some(3_600),
                ..CollectionRun::default()
            })
            .collect();
        let data = SourceData {
            last_success: Some(at(2)),
            latest_run: Some(at(2)),
            runs,
            ..Default::default()
        };
        let known = Known {
            first_run: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single(),
            credentials_missing: false,
            runs_kept_from: None,
            quarantined: 0,
            quarantined_since: 0,
            lost_until: None,
        };
        let generated = period.end() + Duration::hours(6);
        let completeness = assess(source, &data, known, &period, generated);
        assert_eq!(completeness.expected, 3, "00:00, 01:00 and 02:00");
        assert_eq!(
            disabled_stretches(source, &completeness, &period, generated),
            vec![Disabled {
                from: at(3),
                until: period.end()
            }],
            "shaded from 03:00, where collections stop being expected"
        );
    }
}
