//! Stretches in which every collection of a source failed (an API down for hours): its charts
//! shade them, so that an hour without records there reads as an outage, not as an hour
//! without events.

use chrono::{DateTime, Duration, Utc};
use releve::Source;

use super::silence::Silence;
use crate::query::CollectionRun;

/// The shortest stretch of failures shaded: a feed covering its past hour (USGS's) loses
/// nothing to a few minutes of them, and a source collected hourly shows two failed runs.
const SHORTEST: Duration = Duration::hours(1);

/// A stretch in which every run of a source failed: from the first failed run's start (or the
/// period's) to the start of the next that did not fail (or the end of what the report covers,
/// or a stretch without runs or disabled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub stretch: Silence,
    /// The failed runs in it within the period.
    pub runs: usize,
    /// The latest failure's message.
    pub error: Option<String>,
}

/// The stretches from `from` to `until` in which every run of `source` failed, each at least an
/// hour and two and a half of the interval in force at its start long (counted from its first
/// failed run, `run_before` included: an outage begun before the period is shaded from the
/// period's start). A stretch ends at the next run that did not fail, or where one of `cut`
/// begins (a stretch without any run, or one the source was disabled in, which say what
/// happened then). None for a source collecting by day (its runs are retried the next
/// minutes and its days fetched again) or of daily values (its API serves past days).
pub(super) fn failing_stretches(
    source: &Source,
    (run_before, runs): (Option<&CollectionRun>, &[CollectionRun]),
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    cut: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<Failing> {
    if source.collects_by_day() || source.resolution == releve::Resolution::Day {
        return Vec::new();
    }
    let mut stretches = Vec::new();
    let mut close =
        |first: &CollectionRun, count: usize, error: Option<&str>, end: DateTime<Utc>| {
            let end = cut_within(cut, first.started, end).unwrap_or(end);
            let interval = first.interval().unwrap_or_else(|| source.every.as_chrono());
            let shortest = SHORTEST.max(interval * 5 / 2);
            if end - first.started >= shortest && end > from && count > 0 {
                stretches.push(Failing {
                    stretch: Silence {
                        from: first.started.max(from),
                        until: end,
                    },
                    runs: count,
                    error: error.map(str::to_owned),
                });
            }
        };
    // The first failed run of the stretch under way, the period's failed runs in it, and the
    // latest failure.
    let mut open: Option<(&CollectionRun, usize, Option<&str>)> =
        run_before.and_then(|run| run.error.as_deref().map(|error| (run, 0, Some(error))));
    for run in runs.iter().filter(|run| run.started < until) {
        // A stretch without runs or disabled since the stretch's first failure ends it: the
        // runs after it start anew.
        if let Some((first, count, latest)) = open
            && cut_within(cut, first.started, run.started).is_some()
        {
            close(first, count, latest, run.started);
            open = None;
        }
        match (&mut open, &run.error) {
            (Some((_, count, latest)), Some(error)) => {
                *count += 1;
                *latest = Some(error.as_str());
            }
            (None, Some(error)) => open = Some((run, 1, Some(error.as_str()))),
            (Some((first, count, latest)), None) => {
                close(first, *count, *latest, run.started);
                open = None;
            }
            (None, None) => {}
        }
    }
    if let Some((first, count, latest)) = open {
        close(first, count, latest, until);
    }
    stretches
}

/// The earliest start of `cut` from `from` (a stretch without runs begins at the last run
/// that started, which may be the failed one) and before `until`.
fn cut_within(
    cut: &[(DateTime<Utc>, DateTime<Utc>)],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    cut.iter()
        .map(|(start, _)| *start)
        .filter(|start| *start >= from && *start < until)
        .min()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn source(every: &str) -> Source {
        let text = format!(
            "[[source]]\nname = \"s\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/\"\nevery = \"{every}\"\nkey = \"id\"\ntime = \"t\"\n"
        );
        let config =
            releve::Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
        config.sources[0].clone()
    }

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, hour, minute, 0)
            .single()
            .expect("time")
    }

    /// Runs every 15 minutes from `from` to `until` (exclusive), failed as `failed` says.
    fn runs(
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        failed: impl Fn(DateTime<Utc>) -> bool,
    ) -> Vec<CollectionRun> {
        let mut runs = Vec::new();
        let mut started = from;
        while started < until {
            runs.push(CollectionRun {
                started,
                file: None,
                records: 0,
                announced: None,
                retries: 0,
                throttled: 0,
                shortfall: 0,
                key_clashes: 0,
                clash_key: None,
                error: failed(started).then(|| format!("HTTP 503 at {started}")),
                every_s: Some(900),
                disabled_from: None,
                day: None,
                retry_from: None,
            });
            started += Duration::minutes(15);
        }
        runs
    }

    #[test]
    fn an_hour_of_failures_is_a_stretch_and_one_failure_is_none() {
        let runs = runs(at(0, 0), at(23, 0), |started| {
            started == at(3, 0) || (at(10, 0)..at(11, 30)).contains(&started)
        });
        let stretches =
            failing_stretches(&source("15m"), (None, &runs), (at(0, 0), at(23, 0)), &[]);
        assert_eq!(
            stretches,
            [Failing {
                stretch: Silence {
                    from: at(10, 0),
                    until: at(11, 30)
                },
                runs: 6,
                error: Some(format!("HTTP 503 at {}", at(11, 15))),
            }]
        );
    }

    #[test]
    fn failures_up_to_the_end_are_a_stretch_to_it() {
        let runs = runs(at(0, 0), at(12, 0), |started| started >= at(10, 0));
        let stretches =
            failing_stretches(&source("15m"), (None, &runs), (at(0, 0), at(11, 40)), &[]);
        assert_eq!(stretches.len(), 1);
        assert_eq!(stretches[0].stretch.until, at(11, 40));
        assert_eq!(stretches[0].runs, 7, "the runs started before the end only");
    }
}
