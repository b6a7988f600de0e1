//! Stretches in which every collection of a source failed (an API down for hours): its charts
//! shade them, so that an hour without records there reads as an outage, not as an hour
//! without events.

use chrono::{DateTime, Duration, Utc};
use releve::Source;

use super::silence::Silence;
use crate::query::{CollectionRun, SourceData};

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

/// The stretches, of an hour or more, in which every source collecting then failed at once, two
/// or more of them: what is most likely the machine's network (a captive portal, a proxy, a
/// connection down), not each API. Each source's failing stretch is compared with the others':
/// any source that landed a collection started within it (reaching its API from this machine
/// then), whatever it collects, rules the stretch out, but in its last hour, where it ends the
/// stretch (the network back, a retry landing first); one whose own stretch began and ended
/// together with it failed with it; any other (no run then: disabled, added since, collected
/// daily; or failures too few to make a stretch of) is left out of that stretch. Two stretches
/// began together when the later began within an hour, or within the later's interval (its
/// first collection due then: a source collected every 6 hours meets the outage at its next
/// run), of the earlier; they ended together within an hour (a failing source is tried again
/// within 15 minutes, however long its interval). Sources whose failures are not told
/// (collecting by day, or of daily values), or never run here, are left out.
pub(crate) fn together<'a>(
    sources: impl IntoIterator<Item = (&'a Source, &'a SourceData, &'a super::Completeness)>,
) -> Vec<Silence> {
    let sources: Vec<_> = sources.into_iter().collect();
    // Each source told, with its interval, its failing stretches narrowed to its failures (a
    // run stopped by a signal on this machine, a shutdown or an orchestrator's timeout, says
    // its cause: not the network's nor an API's), and when they failed.
    let told: Vec<(Duration, Vec<Silence>, Vec<DateTime<Utc>>)> = sources
        .iter()
        .filter(|(source, _, c)| {
            super::runs_tell_hours(source)
                && !matches!(c.health, super::Health::Skipped | super::Health::Never)
        })
        .map(|(source, data, c)| {
            let failures: Vec<DateTime<Utc>> = data
                .runs
                .iter()
                .filter(|run| failed(run))
                .map(|run| run.started)
                .collect();
            let stretches = c
                .failing
                .iter()
                .flat_map(|failing| narrowed(failing.stretch, &data.runs))
                .collect();
            (source.every.as_chrono(), stretches, failures)
        })
        .collect();
    let landings: Vec<DateTime<Utc>> = sources
        .iter()
        .flat_map(|(_, data, _)| data.runs.iter())
        .filter(|run| run.error.is_none())
        .map(|run| run.started)
        .collect();
    let mut found: Vec<Silence> = Vec::new();
    for (every, stretches, failures) in &told {
        for &stretch in stretches {
            if ended_by_landing(stretch, &landings, failures).is_none() {
                continue;
            }
            let mut matched: Vec<(Duration, Silence)> = Vec::new();
            let mut matched_failures: Vec<DateTime<Utc>> = Vec::new();
            for (other_every, others, other_failures) in &told {
                let found = others.iter().find(|other| {
                    began_together((stretch.from, *every), (other.from, *other_every))
                        && (other.until - stretch.until).abs() <= SHORTEST
                });
                if let Some(found) = found {
                    matched.push((*other_every, *found));
                    matched_failures.extend(other_failures);
                }
            }
            let failed_with = matched.len();
            // The stretch said may begin before this source's (a frequent source's earlier
            // first failure): no landing in it either.
            let common = common_stretch(&matched).unwrap_or(stretch);
            let Some(common) = ended_by_landing(common, &landings, &matched_failures) else {
                continue;
            };
            // Found once, from whichever source's stretch comes first.
            let known = found
                .iter()
                .any(|other| other.from < common.until && other.until > common.from);
            if failed_with >= 2 && !known && common.until - common.from >= SHORTEST {
                found.push(common);
            }
        }
    }
    found.sort_by_key(|stretch| stretch.from);
    found
}

/// Whether `run` failed: a run stopped by a signal on this machine did not (a shutdown, an
/// orchestrator's timeout: not the network's nor an API's doing).
fn failed(run: &CollectionRun) -> bool {
    run.error
        .as_deref()
        .is_some_and(|error| !releve::stop::is_stopped(error))
}

/// A failing `stretch` of a source whose `runs` some signal stopped in it, as the spans of its
/// real failures (stops left out): each from a failure to the next run that is not one (a
/// stop, a landing), or the stretch's end. A stretch without a stop is as it is.
fn narrowed(stretch: Silence, runs: &[CollectionRun]) -> Vec<Silence> {
    let within = |at: &DateTime<Utc>| (stretch.from..stretch.until).contains(at);
    let mut inside: Vec<&CollectionRun> = runs.iter().filter(|run| within(&run.started)).collect();
    let stopped = inside
        .iter()
        .any(|run| run.error.as_deref().is_some_and(releve::stop::is_stopped));
    if !stopped {
        return match inside.iter().any(|run| failed(run)) {
            true => vec![stretch],
            false => Vec::new(),
        };
    }
    inside.sort_by_key(|run| run.started);
    let mut spans = Vec::new();
    let mut since: Option<DateTime<Utc>> = None;
    for run in inside {
        match (since, failed(run)) {
            (None, true) => since = Some(run.started),
            (Some(from), false) => {
                spans.push(Silence {
                    from,
                    until: run.started,
                });
                since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        spans.push(Silence {
            from,
            until: stretch.until,
        });
    }
    spans
}

/// `stretch` without a landing (`landings`: any source's) in it, or ended by the first one
/// when it came in its last hour and none of the sources failing together failed after it
/// (`failures`: the network back, one source's retry landing minutes before the others'), or
/// `None` when a source landed earlier in it, or they went on failing after (an API reached
/// from this machine then).
fn ended_by_landing(
    stretch: Silence,
    landings: &[DateTime<Utc>],
    failures: &[DateTime<Utc>],
) -> Option<Silence> {
    let within = |at: &&DateTime<Utc>| (stretch.from..stretch.until).contains(*at);
    let Some(&first) = landings.iter().filter(within).min() else {
        return Some(stretch);
    };
    let failed_after = failures.iter().filter(within).any(|at| *at > first);
    (first >= stretch.until - SHORTEST && !failed_after).then_some(Silence {
        from: stretch.from,
        until: first,
    })
}

/// Where the failing stretches `matched` (each with its source's interval) hold together, to
/// the earliest end: from the latest start of the sources collected hourly or more often, which
/// tell when each began failing; without such a source, from the earliest start (a source
/// collected every few hours meets an outage at its next run, and had no collection due
/// before).
fn common_stretch(matched: &[(Duration, Silence)]) -> Option<Silence> {
    let frequent = matched
        .iter()
        .filter(|(every, _)| *every <= SHORTEST)
        .map(|(_, stretch)| stretch.from)
        .max();
    let from = match frequent {
        Some(from) => from,
        None => matched.iter().map(|(_, stretch)| stretch.from).min()?,
    };
    let until = matched.iter().map(|(_, stretch)| stretch.until).min()?;
    Some(Silence { from, until })
}

/// Whether two failing stretches, each with its start and its source's interval, began
/// together: the later within an hour, or its own interval, of the earlier.
fn began_together(
    (one, one_every): (DateTime<Utc>, Duration),
    (other, other_every): (DateTime<Utc>, Duration),
) -> bool {
    let later_every = if one >= other { one_every } else { other_every };
    (one - other).abs() <= SHORTEST.max(later_every)
}

/// The shortest stretch of failures shaded of a source collected every `interval`: an hour,
/// and two and a half intervals.
pub(crate) fn shortest(interval: Duration) -> Duration {
    SHORTEST.max(interval * 5 / 2)
}

/// The stretch of failures under way: its first failed run known (`run_before`, or one of the
/// period's), when its failures began, the period's failed runs in it, and the latest failure.
struct Open<'a> {
    first: &'a CollectionRun,
    began: DateTime<Utc>,
    runs: usize,
    /// Its failed runs, `run_before` included: one alone, however long the pause it asked
    /// for, is a stretch without runs after a failure, which that stretch says.
    failures: usize,
    latest: Option<&'a str>,
}

/// The stretches from `from` to `until` in which every run of `source` failed, each at least an
/// hour and two and a half of the interval in force at its start long (counted from its first
/// failed run: when `run_before` failed, the first of the failures in a row it ends among
/// `runs_before` (see [`failing_since`]), so an outage begun before the period is shaded from
/// the period's start). A stretch ends at the next run that did not fail, or where one of `cut`
/// begins (a stretch without any run, or one the source was disabled in, which say what
/// happened then). None for a source collecting by day (its runs are retried the next
/// minutes and its days fetched again) or of daily values (its API serves past days).
pub(super) fn failing_stretches(
    source: &Source,
    (run_before, runs_before, runs): (Option<&CollectionRun>, &[CollectionRun], &[CollectionRun]),
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    cut: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<Failing> {
    if !super::runs_tell_hours(source) {
        return Vec::new();
    }
    let mut stretches = Vec::new();
    let mut close = |open: Open<'_>, end: DateTime<Utc>| {
        let first = open.first;
        let end = cut_within(cut, first.started, end).unwrap_or(end);
        let interval = first.interval().unwrap_or_else(|| source.every.as_chrono());
        if end - open.began >= shortest(interval)
            && end > from
            && open.runs > 0
            && open.failures > 1
        {
            stretches.push(Failing {
                stretch: Silence {
                    from: first.started.max(from),
                    until: end,
                },
                runs: open.runs,
                error: open.latest.map(str::to_owned),
            });
        }
    };
    let mut open: Option<Open<'_>> = run_before.and_then(|run| {
        run.error.as_deref().map(|error| Open {
            first: run,
            began: failing_since(source, runs_before)
                .map_or(run.started, |since| since.min(run.started)),
            runs: 0,
            failures: 1,
            latest: Some(error),
        })
    });
    for run in runs.iter().filter(|run| run.started < until) {
        // A stretch without runs or disabled since the stretch's first failure ends it: the
        // runs after it start anew.
        if let Some(stretch) =
            open.take_if(|stretch| cut_within(cut, stretch.first.started, run.started).is_some())
        {
            close(stretch, run.started);
        }
        match (&mut open, &run.error) {
            (Some(stretch), Some(error)) => {
                stretch.runs += 1;
                stretch.failures += 1;
                stretch.latest = Some(error.as_str());
            }
            (None, Some(error)) => {
                open = Some(Open {
                    first: run,
                    began: run.started,
                    runs: 1,
                    failures: 1,
                    latest: Some(error.as_str()),
                });
            }
            (Some(_), None) => {
                if let Some(stretch) = open.take() {
                    close(stretch, run.started);
                }
            }
            (None, None) => {}
        }
    }
    if let Some(stretch) = open {
        close(stretch, until);
    }
    stretches
}

/// The longest a collector waits after a failure unless the API asks for longer, which a run
/// records in `retry_from` (runs stored before relevé recorded it are read with it).
const BACKED_OFF: Duration = Duration::minutes(15);

/// The start of the first of the failed runs in a row that end `runs_before` (oldest first),
/// as the period's runs would make a stretch of them: it begins anew after a stretch without
/// runs (over two and a half intervals between a run and the next, counted from when the next
/// was due: a failure puts it off) and at the first run after a stretch disabled. `None` when
/// the last of them did not fail.
fn failing_since(source: &Source, runs_before: &[CollectionRun]) -> Option<DateTime<Utc>> {
    let mut since = None;
    let mut newer: Option<&CollectionRun> = None;
    for run in runs_before.iter().rev() {
        if run.error.is_none() {
            break;
        }
        // The next run was due at the interval, or when the collector was to try again
        // after this failure (it backs off, up to 15 minutes, or as long as an API asks).
        let interval = run.interval().unwrap_or_else(|| source.every.as_chrono());
        let due = run
            .retry_from
            .map_or(run.started + BACKED_OFF, |retry| retry.max(run.started));
        if newer.is_some_and(|newer| newer.started - due > interval * 5 / 2) {
            break;
        }
        since = Some(run.started);
        if run.disabled_from.is_some() {
            break;
        }
        newer = Some(run);
    }
    since
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
                error: failed(started).then(|| format!("HTTP 503 at {started}")),
                every_s: Some(900),
                ..CollectionRun::default()
            });
            started += Duration::minutes(15);
        }
        runs
    }

    /// A source collected every 6 hours meets an outage begun at 13:20 at its next run, 18:00:
    /// together. A daily source failing since midnight (its key expired) and one failing from
    /// 14:00 did not begin together, the later collected every 15 minutes.
    #[test]
    fn the_later_stretch_may_begin_within_its_own_interval_of_the_earlier() {
        let (minute, quarter) = (Duration::minutes(1), Duration::minutes(15));
        let (six_hours, day) = (Duration::hours(6), Duration::days(1));
        assert!(began_together((at(13, 20), minute), (at(18, 0), six_hours)));
        assert!(began_together((at(18, 0), six_hours), (at(13, 20), minute)));
        assert!(!began_together((at(0, 0), day), (at(14, 0), quarter)));
        assert!(!began_together((at(14, 0), quarter), (at(0, 0), day)));
        assert!(began_together((at(14, 0), quarter), (at(14, 50), quarter)));
    }

    #[test]
    fn an_hour_of_failures_is_a_stretch_and_one_failure_is_none() {
        let runs = runs(at(0, 0), at(23, 0), |started| {
            started == at(3, 0) || (at(10, 0)..at(11, 30)).contains(&started)
        });
        let stretches = failing_stretches(
            &source("15m"),
            (None, &[], &runs),
            (at(0, 0), at(23, 0)),
            &[],
        );
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
        let stretches = failing_stretches(
            &source("15m"),
            (None, &[], &runs),
            (at(0, 0), at(11, 40)),
            &[],
        );
        assert_eq!(stretches.len(), 1);
        assert_eq!(stretches[0].stretch.until, at(11, 40));
        assert_eq!(stretches[0].runs, 7, "the runs started before the end only");
    }

    /// Failures from 09:00, the period starting at 10:00 (the last run before it, 09:45,
    /// failed) and the first success at 10:30: an outage of an hour and a half, shaded from
    /// 10:00. Begun at 09:45, after a stretch without runs or the first run after a stretch
    /// disabled, it is 45 minutes: no stretch, as within a period.
    #[test]
    fn an_outage_begun_before_the_period_is_measured_from_its_first_failure() {
        let all = runs(at(9, 0), at(12, 0), |started| started < at(10, 30));
        let (before, period): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|run| run.started < at(10, 0));
        let shaded = |runs_before: &[CollectionRun]| {
            failing_stretches(
                &source("15m"),
                (runs_before.last(), runs_before, &period),
                (at(10, 0), at(12, 0)),
                &[],
            )
            .iter()
            .map(|failing| (failing.stretch, failing.runs))
            .collect::<Vec<_>>()
        };
        let since_nine = [(
            Silence {
                from: at(10, 0),
                until: at(10, 30),
            },
            2,
        )];
        assert_eq!(shaded(&before), since_nine);
        assert_eq!(shaded(&before[3..]), [], "from 09:45 only");
        let mut after_a_gap = runs(at(8, 0), at(8, 30), |_| true);
        after_a_gap.push(before[3].clone());
        assert_eq!(shaded(&after_a_gap), [], "no run from 08:15 to 09:45");
        let mut after_disabled = before.clone();
        after_disabled[3].disabled_from = Some(at(9, 40));
        assert_eq!(shaded(&after_disabled), [], "disabled until 09:45");
    }

    /// A `1m` source failing from 08:00, backing off as the collector does (1, 2, 4, 8, then
    /// 15 minutes, each failure recording when it tries again), until a success at 10:30,
    /// the period beginning at 10:00: the backoff's gaps are no stretch without runs, and the
    /// outage, two and a half hours long, is shaded from 10:00 to 10:30.
    #[test]
    fn an_outage_backing_off_before_the_period_is_measured_from_its_first_failure() {
        let mut starts = vec![at(8, 0), at(8, 1), at(8, 3), at(8, 7), at(8, 15)];
        let mut next = at(8, 30);
        while next < at(10, 30) {
            starts.push(next);
            next += Duration::minutes(15);
        }
        let failed = |started: DateTime<Utc>, retry: DateTime<Utc>| {
            let mut run = runs(started, started + Duration::minutes(1), |_| true).remove(0);
            run.every_s = Some(60);
            run.retry_from = Some(retry);
            run
        };
        let all: Vec<CollectionRun> = starts
            .windows(2)
            .map(|pair| failed(pair[0], pair[1]))
            .chain(starts.last().map(|last| failed(*last, at(10, 30))))
            .collect();
        let (before, mut period): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|run| run.started < at(10, 0));
        period.extend(runs(at(10, 30), at(10, 31), |_| false));
        let stretches = failing_stretches(
            &source("1m"),
            (before.last(), &before, &period),
            (at(10, 0), at(12, 0)),
            &[],
        );
        assert_eq!(
            stretches
                .iter()
                .map(|failing| failing.stretch)
                .collect::<Vec<_>>(),
            [Silence {
                from: at(10, 0),
                until: at(10, 30)
            }]
        );
    }
}
