//! The cover's line naming the sources that missed a tenth or more of their collections,
//! the collections due while the machine could not collect (no source ran, or every source
//! failed at once) set aside as the machine's.

use chrono::{DateTime, Utc};
use releve::config::run_minute;

use crate::completeness::Completeness;
use crate::completeness::silence::Silence;
use crate::format::{counted, grouped};
use crate::period::ReportPeriod;

/// Sources named at most in the cover's line on collections short of the expected.
const SHORT_NAMED: usize = 4;

/// `stretches` with those that overlap or touch merged, oldest first.
pub(super) fn united(stretches: impl Iterator<Item = Machine>) -> Vec<Machine> {
    let mut sorted: Vec<Machine> = stretches.collect();
    sorted.sort_by_key(|machine| machine.stretch.from);
    let mut united: Vec<Machine> = Vec::with_capacity(sorted.len());
    for machine in sorted {
        match united.last_mut() {
            Some(last) if machine.stretch.from <= last.stretch.until => {
                last.stretch.until = last.stretch.until.max(machine.stretch.until);
            }
            _ => united.push(machine),
        }
    }
    united
}

/// A stretch whose collections were the machine's to miss, not a source's: one no source ran
/// in, from the last run before it, or one every source failed in at once, from the first
/// failure.
#[derive(Debug, Clone, Copy)]
pub(super) struct Machine {
    stretch: Silence,
    /// Whether the collection at its start was missed (a failure), not made (a run before it).
    from_a_failure: bool,
}

impl Machine {
    pub(super) fn after_a_run(stretch: Silence) -> Machine {
        Machine {
            stretch,
            from_a_failure: false,
        }
    }

    pub(super) fn from_a_failure(stretch: Silence) -> Machine {
        Machine {
            stretch,
            from_a_failure: true,
        }
    }
}

/// What the cover says of the sources that missed a tenth or more of the collections expected
/// in the period (as the completeness section says in red), however healthy they are now (a
/// month a source was down for three weeks reads `OK` in the table below): how many landed of
/// how many expected. The collections due within the stretches no source ran in, or every
/// source failed in at once (`silences`, said on the lines above: a laptop asleep, a machine
/// off, a captive portal), are the machine's, not a source's.
pub(super) fn short_of_expected(
    assessed: &[(&releve::Source, Completeness)],
    silences: &[Machine],
    period: &ReportPeriod,
) -> Option<String> {
    let short: Vec<String> = assessed
        .iter()
        .filter(|(source, c)| {
            let Some(from) = c.expected_from.counted_from(period) else {
                return false;
            };
            let machine = due_in_silences(source, c, silences, from, period).min(c.expected);
            let (expected, missed) = (
                c.expected - machine,
                c.expected.saturating_sub(c.landed).saturating_sub(machine),
            );
            !c.expected_from.unknown() && missed > 0 && missed.saturating_mul(10) >= expected
        })
        .map(|(source, c)| {
            format!(
                "{} ({} landed of {} expected)",
                source.name,
                grouped(i128::from(c.landed)),
                grouped(i128::from(c.expected))
            )
        })
        .collect();
    let named = match short.len() {
        0 => return None,
        n if n <= SHORT_NAMED => crate::format::listed(&short),
        n => format!(
            "{} and {} more",
            short[..SHORT_NAMED].join(", "),
            n - SHORT_NAMED
        ),
    };
    Some(format!(
        "In this period, {} missed a tenth or more of the collections expected: {named}; see the completeness table at the end.",
        counted(short.len() as u64, "source")
    ))
}

/// The collections `source` was due within the stretches no source ran in (`silences`: a
/// laptop asleep, a machine off), while it was expected to collect: the machine's to miss,
/// not the source's (see [`due_in_silences`]).
pub(super) fn due_while_no_source_ran(
    source: &releve::Source,
    c: &Completeness,
    silences: &[Silence],
    period: &ReportPeriod,
) -> u64 {
    let Some(from) = c.expected_from.counted_from(period) else {
        return 0;
    };
    let machines = united(
        silences
            .iter()
            .map(|&stretch| Machine::after_a_run(stretch)),
    );
    due_in_silences(source, c, &machines, from, period).min(c.expected)
}

/// The collections of an interval source due within the stretches that were the machine's
/// (see [`Machine`]), while it was expected to collect (`c`'s count): from `from` on (a source
/// added after a night was not expected in it), up to where a source disabled since stops
/// being expected, and outside the stretches it was disabled; up to the run that ends it,
/// from the run before it (not counted) or the failure that begins it (counted), runs placed
/// at their minute as the collector places them. A source of whole days is due from each
/// day's start on `zone`'s clock (see [`releve::Every::due_after`]) and collected whenever the
/// machine is up that day: only the days a stretch covers whole are the machine's. A stretch
/// begun before the period counts the collection due at its start.
fn due_in_silences(
    source: &releve::Source,
    c: &Completeness,
    silences: &[Machine],
    from: DateTime<Utc>,
    period: &ReportPeriod,
) -> u64 {
    let zone = period.tz;
    let every = source.every.duration().as_secs();
    if every == 0 || source.collects_by_day() {
        return 0;
    }
    let seconds = |from: DateTime<Utc>, until: DateTime<Utc>| {
        u64::try_from((until - from).num_seconds()).unwrap_or(0)
    };
    let mut due = 0;
    for &Machine {
        stretch: silence,
        from_a_failure,
    } in silences
    {
        let start = silence.from.max(from);
        let end = c
            .disabled_due
            .map_or(silence.until, |stop| silence.until.min(stop));
        if end <= start {
            continue;
        }
        let off: u64 = c
            .disabled
            .iter()
            .map(|disabled| seconds(disabled.from.max(start), disabled.until.min(end)))
            .sum();
        if let Some(days) = source.every.whole_days() {
            due += whole_days_within(start, end, &c.disabled, zone) / days;
            continue;
        }
        let expected = seconds(start, end).saturating_sub(off);
        // From a run, the collections after it (strictly within, to a run); from a failure
        // or the period's start, those due from then on; cut by where the source was
        // expected, whole intervals.
        let from_a_run = !from_a_failure && silence.from > period.start();
        due += match (start, end) == (silence.from, silence.until) && off == 0 {
            true => seconds(run_minute(start), run_minute(end))
                .div_ceil(every)
                .saturating_sub(u64::from(from_a_run)),
            false => expected / every,
        };
    }
    due
}

/// How many days on `zone`'s clock lie whole within `start..end`, none of them within a
/// stretch the source was disabled.
fn whole_days_within(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    disabled: &[crate::query::Disabled],
    zone: chrono_tz::Tz,
) -> u64 {
    let mut day = start.with_timezone(&zone).date_naive();
    let mut whole = 0;
    while let Some(next) = day.succ_opt() {
        let (from, until) = (
            releve::local_day::midnight(zone, day),
            releve::local_day::midnight(zone, next),
        );
        if until > end {
            break;
        }
        let off = disabled
            .iter()
            .any(|stretch| stretch.from < until && stretch.until > from);
        if from >= start && !off {
            whole += 1;
        }
        day = next;
    }
    whole
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::completeness;
    use crate::period::PeriodKind;
    use crate::query::{CollectionRun, SourceData};

    fn source(name: &str, every: &str) -> releve::Source {
        let text = format!(
            "[[source]]\nname = \"{name}\"\nkind = \"http_json\"\nurl = \"http://127.0.0.1:9/{name}\"\nevery = \"{every}\"\nkey = \"id\"\ntime = \"t\"\n"
        );
        let config =
            releve::Config::parse(&text, std::path::Path::new("test.toml")).expect("config");
        config.sources[0].clone()
    }

    fn run(started: DateTime<Utc>, every_s: i64, error: Option<&str>) -> CollectionRun {
        CollectionRun {
            started,
            file: None,
            records: 10,
            announced: None,
            retries: 0,
            throttled: 0,
            shortfall: 0,
            key_clashes: 0,
            clash_key: None,
            error: error.map(str::to_owned),
            every_s: Some(every_s),
            disabled_from: None,
            retry_from: None,
            day: None,
        }
    }

    fn data(runs: Vec<CollectionRun>, before: CollectionRun) -> SourceData {
        let last = runs.iter().map(|run| run.started).max();
        SourceData {
            last_success: last,
            latest_run: last,
            run_before: Some(before),
            runs,
            ..SourceData::default()
        }
    }

    /// A laptop shut for the weekend: up all week (a `15m` source collected throughout) until
    /// Friday 18:00, opened again on Sunday 20:00. Its daily source, due from each day's start
    /// (`Every::after`), ran Monday to Friday at midnight and on Sunday when the laptop woke:
    /// Saturday alone is the machine's. Its API was also down all Tuesday (one failed run, no
    /// collection that day): a day the source missed while the machine was up, 1 of the 6
    /// collections left once Saturday is set aside, which the cover should name. The cover's
    /// count of collections "due within the silence" takes the 50 hours as elapsed time (two
    /// days of 24 hours), so it sets two days aside as the machine's, Tuesday's failure among
    /// them, and says nothing of the daily source.
    #[test]
    fn a_daily_source_s_own_failure_is_named_after_a_weekend_shut() {
        let tz = chrono_tz::UTC;
        let period =
            ReportPeriod::containing(PeriodKind::Week, "2026-11-16".parse().expect("date"), tz);
        let monday = period.start();
        let day = |n: i64, hour: i64| monday + Duration::days(n) + Duration::hours(hour);
        let daily = source("daily", "1d");
        let quarter = source("quarter", "15m");
        let mut daily_runs = vec![run(day(0, 0), 86_400, None)];
        daily_runs.push(run(day(1, 0), 86_400, Some("HTTP 503")));
        for n in 2..=4 {
            daily_runs.push(run(day(n, 0), 86_400, None));
        }
        daily_runs.push(run(day(6, 20), 86_400, None));
        let shut = day(4, 18);
        let woken = day(6, 20);
        let mut quarter_runs = Vec::new();
        let mut at = monday;
        while at < period.end() {
            if at <= shut || at >= woken {
                quarter_runs.push(run(at, 900, None));
            }
            at += Duration::minutes(15);
        }
        let first = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single();
        let known = || completeness::Known {
            first_run: first,
            credentials_missing: false,
            runs_kept_from: None,
            quarantined: 0,
            quarantined_since: 0,
            lost_until: None,
        };
        let daily_data = data(daily_runs, run(monday - Duration::days(1), 86_400, None));
        let quarter_data = data(quarter_runs, run(monday - Duration::minutes(15), 900, None));
        let now = period.end() + Duration::hours(5);
        let assessed = vec![
            (
                &daily,
                completeness::assess(&daily, &daily_data, known(), &period, now),
            ),
            (
                &quarter,
                completeness::assess(&quarter, &quarter_data, known(), &period, now),
            ),
        ];
        assert_eq!(
            (assessed[0].1.expected, assessed[0].1.landed),
            (7, 5),
            "a collection a day expected, Tuesday and Saturday missed"
        );
        let silences = completeness::silence::silences(
            [
                (&daily, &daily_data, &assessed[0].1),
                (&quarter, &quarter_data, &assessed[1].1),
            ],
            &period,
            now.min(period.end()),
        );
        assert_eq!(
            silences
                .iter()
                .map(|silence| (silence.from, silence.until))
                .collect::<Vec<_>>(),
            [(shut, woken)],
            "the weekend shut"
        );
        let machines: Vec<Machine> = silences.iter().map(|&s| Machine::after_a_run(s)).collect();
        let said = short_of_expected(&assessed, &machines, &period);
        let machine = due_in_silences(&daily, &assessed[0].1, &machines, period.start(), &period);
        assert!(
            said.as_deref().is_some_and(|said| said.contains("daily")),
            "Tuesday's failure, 1 of the 6 collections due while the machine was up, is not named ({machine} daily collections set aside as the machine's, Saturday alone was): {said:?}"
        );
    }
}
