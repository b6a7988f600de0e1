//! How many collections a period expected of a source: whole intervals of the `every` each run
//! recorded, counted in calendar days for intervals of whole days, less those that fell due
//! while the source was disabled.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use releve::Source;
use releve::config::run_minute;

use super::ExpectedFrom;
use crate::period::ReportPeriod;
use crate::query::{CollectionRun, SourceData};

/// Collections due before `reference`: whole intervals since the period's start, and the one
/// left over at the end (the one under way in a period not over, or the part of an interval
/// that does not divide the period) once a run started in it, but for a source collecting by
/// day; or, from a first run inside the period, that run and every interval after it. Each
/// run records the `every` it collected under: a run whose interval differs from the one
/// before starts a new stretch at that interval one new interval before it (when the
/// collector, whose next run comes an interval after its last, would have scheduled it) or
/// from the last run at the old one (the old interval then expected to its last run and as
/// its schedule had it due after that run; runs placed at the minute they started in, as the
/// collector schedules them), and the first recorded interval holds before its run
/// (the current `every` where no run recorded one), so a period before or across a change of
/// `every` expects what its schedule then called for. An interval of whole days is counted in
/// days of the report's time zone, so a 23-hour day of a daylight-saving change still expects
/// a daily source once (and a week with one, seven times); shorter intervals are counted in
/// elapsed time, so that day expects an hourly source 23 times. None is expected while the
/// source was disabled (see [`skipped_while_disabled`]).
pub(super) fn expected(
    source: &Source,
    data: &SourceData,
    from: ExpectedFrom,
    period: &ReportPeriod,
    reference: DateTime<Utc>,
    now: DateTime<Utc>,
) -> u64 {
    let Some(start) = from.counted_from(period) else {
        return 0;
    };
    let intervals = stretches(source, &data.runs, start, reference);
    let under_way = UnderWay {
        runs: &data.runs,
        by_day: source.collects_by_day(),
        now,
    };
    let due = due(&intervals, &under_way, from, period, reference);
    let skipped = skipped_while_disabled(&intervals, data, start, period, reference);
    // A per-day source catches up on days missed while disabled: those landed were due.
    let landed = super::landed_collections(source, &data.runs);
    let landed = i64::try_from(landed).unwrap_or(i64::MAX);
    u64::try_from((due - skipped).max(landed.min(due))).unwrap_or(0)
}

/// An interval in force from `since` on (see [`stretches`]).
#[derive(Debug, Clone, Copy)]
struct Interval {
    /// When it began to hold.
    since: DateTime<Utc>,
    /// Its length, in seconds.
    every: i64,
    /// True when a run began it; false for a change one new interval before its first run.
    at_run: bool,
    /// The last run under it, when the next began at no run: where its schedule stood then.
    last_run: Option<DateTime<Utc>>,
}

/// Collections due over `stretches`, the intervals in force from where [`expected`] counts.
fn due(
    stretches: &[Interval],
    under_way: &UnderWay<'_>,
    from: ExpectedFrom,
    period: &ReportPeriod,
    reference: DateTime<Utc>,
) -> i64 {
    let mut due = 0;
    for (
        i,
        &Interval {
            since,
            every,
            at_run,
            last_run,
        },
    ) in stretches.iter().enumerate()
    {
        let (until, last, next_at_run) = match stretches.get(i + 1) {
            Some(next) => (next.since, false, next.at_run),
            None => (reference, true, false),
        };
        let in_days = every % SECONDS_PER_DAY == 0;
        let elapsed = wall_seconds(period, since, until, in_days);
        // The period's own stretch to `reference` counts what [`UnderWay::due`] says.
        let begun = i > 0 || from != ExpectedFrom::PeriodStart || !last;
        let begins = match (i, at_run) {
            (0, _) if from == ExpectedFrom::PeriodStart => Begins::PeriodStart,
            (0, _) | (_, true) => Begins::AtRun,
            (_, false) => Begins::IntervalBeforeRun,
        };
        due += if under_way.by_day && last {
            under_way.days_due(period, since, elapsed, every)
        } else if let (true, Some(last_run)) = (begun && !last && !next_at_run, last_run) {
            // Ended by a change at no run: its intervals to its last run, that run, and those
            // its schedule had due after it before the change (one due at the change is the
            // new interval's).
            let to_last_run = wall_seconds(period, since, last_run, in_days);
            let after = wall_seconds(period, last_run, until, in_days);
            counted(to_last_run, every, begins, true) + 1 + ((after + every - 1) / every - 1).max(0)
        } else if begun {
            counted(elapsed, every, begins, next_at_run)
        } else {
            under_way.due(period, elapsed, every, until)
        };
    }
    due
}

/// Where a stretch of one interval begins, for [`counted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Begins {
    /// At the period's start: the source's runs may fall anywhere in their interval.
    PeriodStart,
    /// At a run: the source's first (by hand, off the schedule later runs keep), or the run
    /// that changed the interval before.
    AtRun,
    /// One new interval before the first run under it: nothing was due where it begins.
    IntervalBeforeRun,
}

/// The collections due in a stretch of `elapsed` seconds of intervals of `every`, begun as
/// `begins` says, and ended by the run that changed the interval again (`at_run`: that run is
/// the next stretch's) or else (the reference, or a change one interval before its first run).
/// Runs start seconds after their minute, one a little later than another: a stretch between
/// two runs counts the nearest whole number of intervals; one from the period's start to a run,
/// the intervals begun before it; one to anything else, every interval begun in it.
fn counted(elapsed: i64, every: i64, begins: Begins, at_run: bool) -> i64 {
    let intervals = match (begins, at_run) {
        (Begins::PeriodStart, true) => elapsed / every,
        (_, true) => (elapsed + every / 2) / every,
        (_, false) => (elapsed + every - 1) / every,
    };
    if begins == Begins::IntervalBeforeRun {
        (intervals - 1).max(0)
    } else {
        intervals
    }
}

/// Of the collections [`due`] counts, those that fell due while the source was disabled, at
/// the interval in force at each part of each stretch disabled (`intervals`, from `start`). A stretch
/// starts when its first skipped collection was due and ends with the run that took up again,
/// which stands for the last one skipped: it skipped one per whole interval in it. A part cut
/// short, by `reference` or a change of interval, skipped every collection begun in it; a
/// change that starts one new interval before its first run has nothing due where it starts.
fn skipped_while_disabled(
    intervals: &[Interval],
    data: &SourceData,
    start: DateTime<Utc>,
    period: &ReportPeriod,
    reference: DateTime<Utc>,
) -> i64 {
    let mut skipped = 0;
    for stretch in &data.disabled {
        let (from, until) = (stretch.from.max(start), stretch.until.min(reference));
        for (
            i,
            &Interval {
                since,
                every,
                at_run,
                ..
            },
        ) in intervals.iter().enumerate()
        {
            let next = intervals.get(i + 1).map_or(reference, |next| next.since);
            let (part_from, part_until) = (from.max(since), until.min(next));
            if part_from >= part_until {
                continue;
            }
            let elapsed = wall_seconds(period, part_from, part_until, every % SECONDS_PER_DAY == 0);
            let mut part = if part_until == stretch.until {
                elapsed / every
            } else {
                (elapsed + every - 1) / every
            };
            if i > 0 && !at_run && part_from == since {
                part = (part - 1).max(0);
            }
            skipped += part;
        }
    }
    skipped
}

/// The intervals in force from `start` to `reference`, in seconds, each from when it began
/// and whether a run began it: see [`expected`].
fn stretches(
    source: &Source,
    runs: &[CollectionRun],
    start: DateTime<Utc>,
    reference: DateTime<Utc>,
) -> Vec<Interval> {
    let mut recorded: Vec<(DateTime<Utc>, i64)> = runs
        .iter()
        .filter_map(|run| Some((run.started, run.every_s.filter(|every| *every > 0)?)))
        .collect();
    recorded.sort_by_key(|(started, _)| *started);
    let configured = source
        .every
        .as_chrono()
        .max(Duration::seconds(1))
        .num_seconds();
    let first = recorded.first().map_or(configured, |(_, every)| *every);
    let opening = Interval {
        since: start,
        every: first,
        at_run: true,
        last_run: None,
    };
    let mut stretches = vec![opening];
    let mut previous: Option<DateTime<Utc>> = None;
    for (started, every) in recorded {
        let current = stretches.last().copied().unwrap_or(opening);
        let in_period = start < started && started < reference;
        // The collector schedules by the minute a run started in: a run 40 s late under load
        // is on time.
        let started = run_minute(started);
        if in_period && every != current.every {
            // The collector runs next one interval after its last run, the new one once the
            // configuration has changed: the new interval holds from then, or from the last run
            // at the old one when the change came later, or came then (its first run one new
            // interval after it, but for the seconds a run starts late).
            let due_from = started - Duration::seconds(every);
            let late = Duration::seconds((every / 10).clamp(2, 60));
            let from = match previous {
                Some(previous) if (due_from - previous).abs() <= late => previous,
                _ => due_from.max(previous.unwrap_or(start)),
            }
            .max(run_minute(current.since));
            let at_run = Some(from) == previous;
            if let (false, Some(stretch)) = (at_run, stretches.last_mut()) {
                stretch.last_run = previous.filter(|previous| *previous >= stretch.since);
            }
            stretches.push(Interval {
                since: from,
                every,
                at_run,
                last_run: None,
            });
        }
        previous = Some(started);
    }
    stretches
}

/// The runs that tell which collections of the period's own stretch (from its start, at one
/// interval, up to `reference`) were due.
struct UnderWay<'a> {
    runs: &'a [CollectionRun],
    /// True for a source collecting by day, whose run of a (UTC) day comes after it (France
    /// Travail's from 00:00 UTC the day after: in Paris the next day, in New York the evening
    /// of the same day): its days are due once collected, or once they could have been.
    by_day: bool,
    /// When the report is generated: a day could have been collected by then.
    now: DateTime<Utc>,
}

/// How long after the end of its UTC day a per-day source's day is due: the collector takes
/// it from 00:00 UTC, in minutes.
const DAY_COLLECTED_WITHIN: Duration = Duration::hours(1);

impl UnderWay<'_> {
    /// Collections due in the period's own stretch, `elapsed` seconds of intervals of `every`
    /// up to `until`: each whole interval, and the one under way once a run started in it
    /// (when in it the collection falls due is not known before: a daily run at 06:00 is not
    /// due at 05:00, but a run counted as landed was due).
    fn due(&self, period: &ReportPeriod, elapsed: i64, every: i64, until: DateTime<Utc>) -> i64 {
        let whole = elapsed / every;
        let start = interval_start(period, whole, every);
        let ran = elapsed % every != 0
            && self
                .runs
                .iter()
                .any(|run| (start..until).contains(&run.started));
        whole + i64::from(ran)
    }

    /// Of a source collecting by day, the days due of the last stretch, `elapsed` seconds of
    /// intervals of `every` from `since` (the period's start, or its first scheduled day):
    /// each day begun whose day was collected or could have been.
    fn days_due(
        &self,
        period: &ReportPeriod,
        since: DateTime<Utc>,
        elapsed: i64,
        every: i64,
    ) -> i64 {
        let begun = (elapsed + every - 1) / every;
        let first = since.with_timezone(&period.tz).date_naive();
        let days = (0..begun).filter_map(|index| {
            let days = u64::try_from(index * (every / SECONDS_PER_DAY).max(1)).ok()?;
            Some(first + chrono::Days::new(days))
        });
        let due = days.filter(|day| self.day_due(*day)).count();
        i64::try_from(due).unwrap_or(i64::MAX)
    }

    /// True when a run collected `day`, or the report is generated late enough for it to have.
    fn day_due(&self, day: NaiveDate) -> bool {
        let collectable = (day + chrono::Days::new(1))
            .and_time(NaiveTime::MIN)
            .and_utc()
            + DAY_COLLECTED_WITHIN;
        collectable <= self.now || self.runs.iter().any(|run| run.collected_day() == Some(day))
    }
}

/// Where the period's interval number `index` (from 0) of `every` seconds begins: for an
/// interval of whole days, at a midnight of the report's zone.
fn interval_start(period: &ReportPeriod, index: i64, every: i64) -> DateTime<Utc> {
    if every % SECONDS_PER_DAY == 0 {
        let days = u64::try_from(index * (every / SECONDS_PER_DAY)).unwrap_or(0);
        let day = period.first_day + chrono::Days::new(days);
        return crate::period::local_midnight(period.tz, day);
    }
    let start = period.start();
    start
        .checked_add_signed(Duration::seconds(index * every))
        .unwrap_or(start)
}

/// Seconds from `since` to `until`, in wall-clock time of the report's zone when `in_days`.
fn wall_seconds(
    period: &ReportPeriod,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    in_days: bool,
) -> i64 {
    let elapsed = if in_days {
        // The period's bounds are its days' midnights, even where a time change skips
        // midnight and the day starts at 01:00.
        let wall_clock = |at: DateTime<Utc>| match at {
            at if at == period.start() => period.first_day.and_time(NaiveTime::MIN),
            at if at == period.end() => period.end_day.and_time(NaiveTime::MIN),
            at => at.with_timezone(&period.tz).naive_local(),
        };
        wall_clock(until) - wall_clock(since)
    } else {
        until - since
    };
    elapsed.num_seconds().max(0)
}

/// A day of wall-clock time.
const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    /// A quarter-hour source's stretches of 12 intervals, its runs a few seconds late.
    #[test]
    fn a_stretch_counts_its_intervals_as_where_it_begins_and_ends_says() {
        let every = 900;
        let twelve = 12 * every;
        // From the period's start to a run 2 s late: the 12 begun before it.
        assert_eq!(counted(twelve + 2, every, Begins::PeriodStart, true), 12);
        // From the period's start to a run at a quarter past: the intervals begun before it.
        assert_eq!(counted(twelve + 300, every, Begins::PeriodStart, true), 12);
        // Between two runs, one a second earlier or later in its minute than the other.
        assert_eq!(counted(twelve - 1, every, Begins::AtRun, true), 12);
        assert_eq!(counted(twelve + 1, every, Begins::AtRun, true), 12);
        assert_eq!(
            counted(twelve - 1, every, Begins::IntervalBeforeRun, true),
            11
        );
        // To the reference: every interval begun.
        assert_eq!(counted(twelve + 1, every, Begins::AtRun, false), 13);
        assert_eq!(
            counted(twelve + 1, every, Begins::IntervalBeforeRun, false),
            12
        );
        assert_eq!(counted(0, every, Begins::IntervalBeforeRun, false), 0);
    }
}
