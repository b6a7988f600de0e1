//! Collector runs whose metrics files still wait in `raw/<source>/` for the summariser: the
//! freshest news of a source's health (MongoDB's `runs` gets them at the summariser's next
//! hourly run). Read by `analyser status`, and by a report given `--raw-dir`, so a report
//! written at 04:15 does not call a minutely source late for runs summarised at 05:05.

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use releve::{RawFileRole, RunMetrics, rawfile};

use crate::period::ReportPeriod;
use crate::query::{CollectionRun, Disabled, SourceData, placed_at};

/// What waits in `raw/<source>/` for the summariser.
#[derive(Debug, Default)]
pub struct Waiting {
    /// The run metrics; a file that cannot be read is logged and skipped.
    pub runs: Vec<RunMetrics>,
    /// When the earliest data file landed: the summariser is behind when that was hours ago
    /// (as `analyser status` judges it, whether or not its run's metrics were taken).
    pub oldest_landed: Option<DateTime<Utc>>,
}

/// What waits in `raw/<source>/`. A folder that does not exist holds nothing; one that cannot
/// be listed is an error.
pub fn read(raw_dir: &Path, source: &str) -> std::io::Result<Waiting> {
    let mut waiting = Waiting::default();
    for name in rawfile::list(raw_dir, source)? {
        match name.role {
            RawFileRole::Metrics => waiting.runs.extend(read_metrics(&name.path_in(raw_dir))),
            RawFileRole::Data => {
                let oldest = waiting.oldest_landed.get_or_insert(name.landed_at);
                *oldest = (*oldest).min(name.landed_at);
            }
        }
    }
    Ok(waiting)
}

/// A run waiting in `raw/`, as it tells when its source collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunMark {
    /// When it began.
    pub started: DateTime<Utc>,
    /// Until when a failure put its source off (a pause the API asked for, a backoff), if it
    /// did.
    pub retry_from: Option<DateTime<Utc>>,
    /// Since when its source had been disabled (`enabled = false`), for the first run after.
    pub disabled_from: Option<DateTime<Utc>>,
    /// The `every` it collected under, when its metrics say (a source's `every` may have been
    /// changed since: the runs made before are judged by their own).
    pub every: Option<TimeDelta>,
}

impl From<&RunMetrics> for RunMark {
    fn from(run: &RunMetrics) -> Self {
        RunMark {
            started: run.started,
            retry_from: run.retry_from,
            disabled_from: run.disabled_from,
            every: run
                .every_s
                .and_then(|secs| i64::try_from(secs).ok())
                .map(TimeDelta::seconds),
        }
    }
}

/// When the collector ran on this machine since the summariser last took its files: the runs
/// waiting in `raw/`, of every source. A stretch between two runs is the machine asleep or off
/// (a laptop's night, when cron ran no summariser either) when it is longer than twice the
/// `every` (30 minutes at least, the longest wait after failures) of the most frequent source
/// that was collecting on both sides of it, not put off by a failure nor disabled across it;
/// with no such source, nothing tells. A source's `every` there is the longer of those its runs
/// on either side of the stretch collected under, when their metrics say, else the one
/// configured now (the one now for the stretch since its last run).
#[derive(Debug, Clone, Default)]
pub struct CollectorRuns {
    /// Each source's interval and runs, in time order.
    sources: Vec<(TimeDelta, Vec<RunMark>)>,
    /// Every run's start, in time order.
    starts: Vec<DateTime<Utc>>,
}

impl CollectorRuns {
    /// The runs of each source: its `every` now (`None` when not known, or for a source
    /// disabled now, which tells nothing of a stretch since its last run) and its waiting runs.
    pub fn new(
        sources: impl IntoIterator<Item = (Option<releve::Every>, Vec<RunMark>)>,
    ) -> CollectorRuns {
        let mut runs = CollectorRuns::default();
        for (every, mut marks) in sources {
            runs.starts.extend(marks.iter().map(|mark| mark.started));
            if let Some(every) = every
                && !marks.is_empty()
            {
                marks.sort_unstable_by_key(|mark| mark.started);
                runs.sources.push((every.as_chrono(), marks));
            }
        }
        runs.starts.sort_unstable();
        runs
    }

    /// Whether the machine was asleep or off between the runs at `from` and `until` (`now`,
    /// for the stretch since the last run): see [`CollectorRuns`].
    fn asleep(&self, from: DateTime<Utc>, until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let collecting = self.sources.iter().filter_map(|(every, marks)| {
            // Its last run at `from` or before: recent, not put off past `until`; its next run
            // at `until` or after, not after a stretch disabled that began by `from`.
            let before = marks.partition_point(|mark| mark.started <= from);
            let last = marks.get(before.checked_sub(1)?)?;
            let next = marks.get(before);
            // An `every` changed within the stretch: the longer of the intervals on its two
            // sides explains it (the run after it recorded the new one; none yet, the one now).
            let after = next.map_or(*every, |next| next.every.unwrap_or(*every));
            let every = &last.every.unwrap_or(*every).max(after);
            let recent = from - last.started <= *every * 2;
            let put_off = last.retry_from.is_some_and(|retry| retry >= until);
            let disabled = next
                .and_then(|next| next.disabled_from)
                .is_some_and(|off| off <= from + *every * 2);
            let after = until == now || next.is_some_and(|next| next.started >= until);
            (recent && !put_off && !disabled && after).then_some(*every)
        });
        collecting
            .min()
            .is_some_and(|every| until - from > (every * 2).max(TimeDelta::minutes(30)))
    }

    /// How long a file landed at `landed` has waited for the summariser: the time from then to
    /// `now` the machine was up, less each stretch between runs in which it was asleep or off
    /// (cron ran no summariser then; a summariser run that failed once after a laptop woke
    /// does not make its night hours waited).
    pub fn waited_for_summariser(&self, landed: DateTime<Utc>, now: DateTime<Utc>) -> TimeDelta {
        let after = self
            .starts
            .iter()
            .copied()
            .filter(|start| *start > landed && *start < now)
            .chain([now]);
        let mut asleep = TimeDelta::zero();
        let mut before = landed;
        for start in after {
            if self.asleep(before, start, now) {
                asleep += start - before;
            }
            before = start;
        }
        (now - landed - asleep).max(TimeDelta::zero())
    }
}

/// One run metrics file; `None`, logged, when it cannot be read.
pub fn read_metrics(path: &Path) -> Option<RunMetrics> {
    RunMetrics::read(path)
        .inspect_err(|error| tracing::warn!(%error, "Cannot read a run metrics file."))
        .ok()
}

/// Folds runs not yet in MongoDB into what the report reads of a source, as if they were
/// stored: the period's runs (by the day they collected, for a per-day source), the last run
/// before the period (of a source whose runs belong to when they started) and its health.
/// Their successes count as successes; the newest of those newer than every stored run says
/// whether the latest run failed (a file that could not be deleted can be older than stored
/// runs). Only runs started by `now` (the report's generation, give or take the minute
/// `analyser status` allows a clock) count. A run is known by its
/// start to the millisecond, as MongoDB keeps it: its file says nanoseconds.
pub fn fold_into(
    data: &mut SourceData,
    runs: &[RunMetrics],
    period: &ReportPeriod,
    now: DateTime<Utc>,
) {
    let until = crate::status::not_after(now);
    let runs = runs.iter().filter(|run| run.started <= until);
    let placed = |run: &RunMetrics| placed_at(run.started, run.scheduled_from);
    for run in runs.clone() {
        let in_period = match run.day {
            Some(day) => (period.first_day..period.end_day).contains(&day),
            None => (period.start()..period.end()).contains(&placed(run)),
        };
        let millis = placed(run).timestamp_millis();
        let stored = data
            .runs
            .iter()
            .any(|known| known.started.timestamp_millis() == millis);
        if in_period && !stored {
            data.runs.push(CollectionRun::from(run));
            if run.succeeded() {
                data.waiting.runs += 1;
                data.waiting.records += run.records;
            }
        }
    }
    data.runs.sort_by_key(|run| run.started);
    // The runs before the period a stretch of failures may run through into it, beside those
    // read from MongoDB (see `SourceData::runs_before`).
    for run in runs
        .clone()
        .filter(|run| run.day.is_none() && placed(run) < period.start())
    {
        let millis = placed(run).timestamp_millis();
        if !data
            .runs_before
            .iter()
            .any(|known| known.started.timestamp_millis() == millis)
        {
            data.runs_before.push(CollectionRun::from(run));
        }
    }
    data.runs_before.sort_by_key(|run| run.started);
    // The last run before the period, of a source whose runs belong to when they started.
    let before = runs
        .clone()
        .filter(|run| run.day.is_none() && placed(run) < period.start())
        .max_by_key(|run| placed(run));
    if let Some(before) = before
        && data
            .run_before
            .as_ref()
            .is_none_or(|known| known.started < placed(before))
    {
        data.run_before = Some(CollectionRun::from(before));
    }
    for disabled in runs
        .clone()
        .filter_map(|run| Disabled::told_by(&CollectionRun::from(run)))
    {
        // Known by the run's start to the millisecond, as MongoDB keeps it.
        let millis = disabled.until.timestamp_millis();
        let stored = data
            .disabled
            .iter()
            .any(|known| known.until.timestamp_millis() == millis);
        if disabled.overlaps(period) && !stored {
            data.disabled.push(disabled);
        }
    }
    data.disabled.sort_by_key(|disabled| disabled.from);
    let newest_success = runs
        .clone()
        .filter(|run| run.error.is_none())
        .map(|run| run.finished)
        .max();
    data.last_success = data.last_success.max(newest_success);
    let newest = runs
        .filter(|run| {
            data.latest_run
                .is_none_or(|stored| run.started.timestamp_millis() > stored.timestamp_millis())
        })
        .max_by_key(|run| run.started);
    if let Some(newest) = newest {
        data.latest_run_failed = newest.error.is_some();
        data.latest_run = Some(newest.started);
    }
}

/// The first collection these runs tell of (see `query::first_runs`): the midnight in `tz`,
/// the report's time zone, starting the first day a per-day source collected (not before the
/// day before its earliest run began: a past day collected by hand), else the earliest run's
/// placement ([`placed_at`]).
pub fn first_collection(runs: &[RunMetrics], per_day: bool, tz: Tz) -> Option<DateTime<Utc>> {
    if per_day {
        let day_before_first = runs
            .iter()
            .map(|run| run.started)
            .min()?
            .date_naive()
            .pred_opt()?;
        runs.iter()
            .filter_map(|run| run.day)
            .min()
            .map(|day| crate::period::local_midnight(tz, day.max(day_before_first)))
    } else {
        runs.iter()
            .map(|run| placed_at(run.started, run.scheduled_from))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_file_waits_for_the_summariser_while_the_machine_is_up_alone() {
        let now = "2026-12-02T08:30:00Z"
            .parse::<DateTime<Utc>>()
            .expect("now");
        let minutely = releve::Every::from_secs(60);
        let hourly = releve::Every::from_secs(3_600);
        let minutes = |m: i64| now - TimeDelta::minutes(m);
        let marks = |starts: &[i64]| -> Vec<RunMark> {
            starts
                .iter()
                .map(|m| RunMark {
                    started: minutes(*m),
                    retry_from: None,
                    disabled_from: None,
                    every: None,
                })
                .collect()
        };
        let up_since = |sources: &[(releve::Every, Vec<RunMark>)], landed| {
            let runs = CollectorRuns::new(
                sources
                    .iter()
                    .map(|(every, marks)| (Some(*every), marks.clone())),
            );
            runs.waited_for_summariser(landed, now)
        };
        // Landed at 22:05, collected every minute until 22:30, asleep until 08:29.
        let landed = minutes(625);
        let evening: Vec<i64> = (600..=625).rev().chain([1]).collect();
        assert_eq!(
            up_since(&[(minutely, marks(&evening))], landed),
            TimeDelta::minutes(26),
            "the evening's 25 minutes and the last"
        );
        // A source collected every 6 hours, its file of 22:05 waiting: the minutely source's
        // runs tell the night.
        let six_hours = releve::Every::from_secs(6 * 3_600);
        let sparse = marks(&[625, 1]);
        assert_eq!(
            up_since(
                &[(six_hours, sparse.clone()), (minutely, marks(&evening))],
                landed
            ),
            TimeDelta::minutes(26)
        );
        // Alone, its runs tell nothing of a night: all of it counts.
        assert_eq!(up_since(&[(six_hours, sparse)], landed), now - landed);
        // Up all along: the whole time.
        let up: Vec<i64> = (0..=625).rev().collect();
        assert_eq!(up_since(&[(minutely, marks(&up))], landed), now - landed);
        // An hourly source's 8 hours, a minutely source added 10 minutes ago: the hourly
        // source's hour between runs is no sleep (found by the fourth review).
        let hours: Vec<i64> = (0..=8).rev().map(|h| h * 60 + 5).collect();
        let added: Vec<i64> = (0..10).rev().collect();
        assert_eq!(
            up_since(
                &[(hourly, marks(&hours)), (minutely, marks(&added))],
                minutes(485)
            ),
            TimeDelta::minutes(485)
        );
        // A minutely source put off for hours by a failure (a quota), the hourly one running:
        // up.
        let mut paused = marks(&[485]);
        paused[0].retry_from = Some(minutes(5));
        paused.extend(marks(&[4, 3, 2, 1]));
        assert_eq!(
            up_since(&[(hourly, marks(&hours)), (minutely, paused)], minutes(485)),
            TimeDelta::minutes(485)
        );
        // A minutely source disabled by hand for 8 hours and enabled again, alone: its stretch
        // disabled is no sleep (found by the last review).
        let mut again = marks(&[485, 484, 483, 2, 1]);
        again[3].disabled_from = Some(minutes(482));
        assert_eq!(
            up_since(&[(minutely, again)], minutes(485)),
            TimeDelta::minutes(485)
        );
        // A daily source's day between runs is no sleep.
        let daily = releve::Every::from_secs(86_400);
        let yesterday = now - TimeDelta::hours(24);
        assert_eq!(
            up_since(
                &[(
                    daily,
                    vec![RunMark {
                        started: yesterday,
                        retry_from: None,
                        disabled_from: None,
                        every: None,
                    }]
                )],
                yesterday
            ),
            TimeDelta::hours(24)
        );
        // Runs every 20 minutes (waits after failures): up.
        let spaced: Vec<i64> = (0..=300).rev().step_by(20).collect();
        assert_eq!(
            up_since(&[(minutely, marks(&spaced))], minutes(300)),
            TimeDelta::minutes(300)
        );
        // Nothing tells of a night: all the time counts.
        let runs = CollectorRuns::default();
        assert_eq!(runs.waited_for_summariser(landed, now), now - landed);
    }

    fn run(minute: u32, error: Option<&str>) -> RunMetrics {
        let started = Utc
            .with_ymd_and_hms(2026, 11, 22, 4, minute, 0)
            .single()
            .expect("time");
        RunMetrics {
            scheduled_from: None,
            source: "usgs".to_owned(),
            kind: "http_json".to_owned(),
            file: None,
            started,
            // A success counts from when it finished, as in `analyser status`.
            finished: started + chrono::TimeDelta::seconds(30),
            duration_ms: Some(30_000),
            http_calls: Some(1),
            retries: Some(0),
            throttled: Some(0),
            announced: None,
            records: 1,
            coverage: None,
            shortfall: 0,
            key_clashes: 0,
            clash_key: None,
            error: error.map(str::to_owned),
            day: None,
            every_s: None,
            disabled_from: None,
            retry_from: None,
        }
    }

    fn period() -> ReportPeriod {
        ReportPeriod::containing(
            crate::period::PeriodKind::Day,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
            chrono_tz::UTC,
        )
    }

    #[test]
    fn runs_waiting_for_the_summariser_count_in_their_period() {
        let mut data = SourceData::default();
        let mut yesterdays = run(10, None);
        yesterdays.started -= chrono::TimeDelta::days(1);
        // The collector's file says nanoseconds; MongoDB keeps milliseconds.
        let mut waiting = run(12, None);
        waiting.started += chrono::TimeDelta::nanoseconds(123_456_789);
        let mut stored = CollectionRun::from(&run(12, None));
        stored.started += chrono::TimeDelta::milliseconds(123);
        data.runs.push(stored.clone());
        fold_into(
            &mut data,
            &[waiting, run(11, Some("HTTP 503")), yesterdays],
            &period(),
            run(30, None).started,
        );
        let started: Vec<u32> = data
            .runs
            .iter()
            .map(|r| chrono::Timelike::minute(&r.started))
            .collect();
        assert_eq!(started, [11, 12], "the period's runs, each once, by start");
        assert_eq!(data.runs[0].error.as_deref(), Some("HTTP 503"));
        assert_eq!(
            data.waiting.runs, 0,
            "a failed run landed nothing; the run at 12 is stored, yesterday's is not this period's"
        );

        let mut offers = run(1, None);
        offers.day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22);
        offers.started += chrono::TimeDelta::days(1);
        let mut day_data = SourceData::default();
        fold_into(&mut day_data, &[offers.clone()], &period(), offers.started);
        assert_eq!(day_data.runs.len(), 1, "a per-day run counts for its day");
        assert_eq!(
            day_data.waiting,
            crate::query::WaitingRuns {
                runs: 1,
                records: offers.records,
                oldest_landed: None,
                waited: None,
            },
            "its records wait for the summariser"
        );
        assert_eq!(
            first_collection(&[offers.clone()], true, chrono_tz::UTC),
            Some(period().start()),
            "the first day it collected"
        );
        // West of UTC the day starts at local midnight, 05:00 UTC in New York: at UTC
        // midnight the report of the day before would expect a collection of it.
        let new_york = ReportPeriod::containing(
            crate::period::PeriodKind::Day,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
            chrono_tz::America::New_York,
        );
        assert_eq!(
            first_collection(&[offers], true, chrono_tz::America::New_York),
            Some(new_york.start()),
            "local midnight, {}",
            new_york.start()
        );
    }

    #[test]
    fn runs_waiting_for_the_summariser_are_the_latest_news() {
        let stored = Utc
            .with_ymd_and_hms(2026, 11, 22, 3, 59, 0)
            .single()
            .expect("time");
        let now = run(15, None).started;
        let stored_data = || SourceData {
            last_success: Some(stored),
            latest_run: Some(stored),
            ..SourceData::default()
        };
        let mut data = stored_data();
        fold_into(&mut data, &[run(13, None), run(14, None)], &period(), now);
        assert_eq!(data.last_success, Some(run(14, None).finished));
        assert!(!data.latest_run_failed);

        let mut data = stored_data();
        fold_into(
            &mut data,
            &[run(13, None), run(14, Some("HTTP 503"))],
            &period(),
            now,
        );
        assert!(data.latest_run_failed, "the newest run failed");
        assert_eq!(data.last_success, Some(run(13, None).finished));

        let mut untouched = SourceData {
            last_success: Some(stored),
            latest_run_failed: true,
            latest_run: Some(stored),
            ..SourceData::default()
        };
        fold_into(&mut untouched, &[run(20, None)], &period(), now);
        assert_eq!(
            (untouched.last_success, untouched.latest_run_failed),
            (Some(stored), true),
            "a run after the report's generation does not count"
        );

        let mut newer_stored = SourceData {
            last_success: Some(run(14, None).finished),
            latest_run: Some(run(14, None).started),
            ..SourceData::default()
        };
        fold_into(
            &mut newer_stored,
            &[run(3, Some("HTTP 503"))],
            &period(),
            now,
        );
        assert!(
            !newer_stored.latest_run_failed,
            "a failed run left in raw/, older than the stored ones, is not the latest"
        );
    }

    #[test]
    fn a_failure_before_the_period_waiting_in_raw_is_the_last_run_before_it() {
        let evening = |hour: u32, error| {
            let mut run = run(0, error);
            run.started = Utc
                .with_ymd_and_hms(2026, 11, 21, hour, 0, 0)
                .single()
                .expect("time");
            run.finished = run.started + chrono::TimeDelta::seconds(30);
            run
        };
        let mut data = SourceData {
            run_before: Some(CollectionRun::from(&evening(17, None))),
            ..SourceData::default()
        };
        let waiting = [evening(22, Some("HTTP 429: quota exhausted"))];
        fold_into(&mut data, &waiting, &period(), run(30, None).started);
        assert_eq!(
            data.run_before
                .map(|run| (chrono::Timelike::hour(&run.started), run.error.is_some())),
            Some((22, true)),
            "the waiting failure is the last run before the period"
        );
    }

    /// A run waiting in `raw/` whose source started at 00:00:00.4, its collector run begun at
    /// 23:59:57 the day before, belongs to that day, as a stored one does: the day it started
    /// in does not count it, and has it as its last run before.
    #[test]
    fn a_waiting_run_begun_late_the_evening_before_belongs_to_it() {
        let start = period().start();
        let mut late = run(0, None);
        late.started = start + chrono::TimeDelta::milliseconds(400);
        late.scheduled_from = Some(start - chrono::TimeDelta::seconds(3));
        let mut data = SourceData::default();
        fold_into(&mut data, &[late], &period(), run(30, None).started);
        assert!(
            data.runs.is_empty(),
            "the day counts the evening before's run"
        );
        assert_eq!(
            data.run_before.map(|run| run.started),
            Some(start - chrono::TimeDelta::seconds(3)),
            "the evening before's run is not the last run before the day"
        );
    }
}
