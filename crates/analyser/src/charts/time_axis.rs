//! The time axis the charts over a period share: the period's UTC hours, labelled in the
//! report's time zone, drawn per hour or per local day.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use releve::Resolution;

use super::Span;
use crate::period::PeriodKind;

/// What one bar or point of a chart over the period stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An hour.
    Hour,
    /// A local day.
    Day,
}

/// The hours of the period on an x axis, labelled in the report's time zone.
#[derive(Debug, Clone)]
pub struct TimeAxis {
    hours: Vec<DateTime<Utc>>,
    tz: Tz,
    kind: PeriodKind,
    step: Step,
    resolution: Resolution,
    /// When the report was generated, where the axis may run past it.
    generated: Option<DateTime<Utc>>,
    /// The source's first known collection, where it came after the axis begins.
    collected_from: Option<DateTime<Utc>>,
    /// The stretches in which no run of the source started (see
    /// [`crate::completeness::Completeness::without_run`]).
    without_run: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// The stretches the source was disabled in: no collection was due then (its charts shade
    /// them, and draw no mark for a step without a value in them).
    disabled: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// The stretches in which every run of the source failed (see
    /// [`crate::completeness::Completeness::failing`]).
    failing: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl TimeAxis {
    /// An axis over `hours` (UTC hour starts) shown in `tz`, drawn per hour, or per local day
    /// for a month (720 hourly steps merge into a block; 30 daily ones read at a glance).
    pub fn new(hours: Vec<DateTime<Utc>>, tz: Tz, kind: PeriodKind) -> Self {
        let step = match kind {
            PeriodKind::Day | PeriodKind::Week => Step::Hour,
            PeriodKind::Month => Step::Day,
        };
        TimeAxis {
            hours,
            tz,
            kind,
            step,
            resolution: Resolution::Hour,
            generated: None,
            collected_from: None,
            without_run: Vec::new(),
            disabled: Vec::new(),
            failing: Vec::new(),
        }
    }

    /// The axis of a source disabled in the stretches `from..until` of `stretches`.
    pub fn disabled(self, stretches: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Self {
        TimeAxis {
            disabled: stretches,
            ..self
        }
    }

    /// Where `instant` lies on the axis, in hours from its first, clipped to it.
    fn position_of(&self, instant: DateTime<Utc>) -> f64 {
        let end = self.hours.len() as f64;
        self.hours.first().map_or(0.0, |first| {
            ((instant - *first).num_seconds() as f64 / 3600.0).clamp(0.0, end)
        })
    }

    /// Whether the positions `start..end` lie within a stretch the source was disabled in.
    pub(super) fn while_disabled(&self, start: f64, end: f64) -> bool {
        self.disabled.iter().any(|(from, until)| {
            self.position_of(*from) <= start && end <= self.position_of(*until)
        })
    }

    /// Where the stretches the source was disabled in lie on the axis, as `(start, end)`
    /// positions (hours from its first), clipped to it.
    pub(super) fn disabled_positions(&self) -> Vec<(f64, f64)> {
        self.positions(&self.disabled)
    }

    /// Where `stretches` lie on the axis, as `(start, end)` positions, clipped to it; those
    /// outside it left out.
    fn positions(&self, stretches: &[(DateTime<Utc>, DateTime<Utc>)]) -> Vec<(f64, f64)> {
        stretches
            .iter()
            .map(|(from, until)| (self.position_of(*from), self.position_of(*until)))
            .filter(|(from, until)| until > from)
            .collect()
    }

    /// The axis of a source that did not run in the stretches `from..until` of `stretches`
    /// over two and a half of its intervals: its charts shade them.
    pub fn without_run(self, stretches: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Self {
        TimeAxis {
            without_run: stretches,
            ..self
        }
    }

    /// Where the stretches without a run lie on the axis, as `(start, end)` positions (hours
    /// from its first), clipped to it.
    pub(super) fn without_run_positions(&self) -> Vec<(f64, f64)> {
        self.positions(&self.without_run)
    }

    /// The axis of a source whose every run failed in the stretches `from..until` of
    /// `stretches`: its charts shade them.
    pub fn failing(self, stretches: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Self {
        TimeAxis {
            failing: stretches,
            ..self
        }
    }

    /// Where the stretches of failed runs lie on the axis, as `(start, end)` positions,
    /// clipped to it.
    pub(super) fn failing_positions(&self) -> Vec<(f64, f64)> {
        self.positions(&self.failing)
    }

    /// The axis of a source first collected at `at`: nothing was collected before.
    pub fn collected_from(self, at: Option<DateTime<Utc>>) -> Self {
        TimeAxis {
            collected_from: at,
            ..self
        }
    }

    /// Where the hours begin that were not all over before the source's first known
    /// collection (0 without one on the axis): before it, no value could be collected.
    pub(super) fn collected_from_position(&self) -> f64 {
        let Some(first) = self.collected_from else {
            return 0.0;
        };
        self.hours
            .iter()
            .position(|hour| *hour + chrono::TimeDelta::hours(1) > first)
            .unwrap_or(self.hours.len()) as f64
    }

    /// The axis of a report generated at `at`: the part of it still to come then (a period
    /// not over, a forecast's hours) is shaded on its charts.
    pub fn generated_at(self, at: DateTime<Utc>) -> Self {
        TimeAxis {
            generated: Some(at),
            ..self
        }
    }

    /// Where the part of the axis still to come when the report was generated begins, if it
    /// holds one: the first hour that had not begun (within its day's bar on a month's axis,
    /// as the statistics split it, see [`TimeAxis::is_to_come`]), or for daily values the
    /// first day after the one it was generated on (the records sentence counts them so).
    pub(super) fn ahead_from(&self) -> Option<f64> {
        let generated = self.generated?;
        let from = match self.resolution {
            Resolution::Hour => self.hours.iter().position(|hour| *hour >= generated)? as f64,
            Resolution::Day => {
                let today = generated.with_timezone(&self.tz).date_naive();
                self.local_days()
                    .iter()
                    .find(|day| day.value.is_some_and(|day| day > today))?
                    .start
            }
        };
        Some(from)
    }

    /// Whether the figures of `hour` were still to come when the report was generated: an
    /// hour that had not begun, or for daily values a day after the one it was generated on
    /// (the records sentence counts them so). Their values were published ahead (forecasts,
    /// éCO2mix's rows of measures to come): the statistics of the period leave them out.
    pub fn is_to_come(&self, hour: DateTime<Utc>) -> bool {
        let Some(generated) = self.generated else {
            return false;
        };
        match self.resolution {
            Resolution::Hour => hour >= generated,
            Resolution::Day => self.day_of(hour) > generated.with_timezone(&self.tz).date_naive(),
        }
    }

    /// Whether `hour` was over when the report was generated: an hour ended by then, or for
    /// daily values a day before the one it was generated on (that day's value may yet change).
    pub fn is_over(&self, hour: DateTime<Utc>) -> bool {
        let Some(generated) = self.generated else {
            return true;
        };
        match self.resolution {
            Resolution::Hour => hour + chrono::TimeDelta::hours(1) <= generated,
            Resolution::Day => self.day_of(hour) < generated.with_timezone(&self.tz).date_naive(),
        }
    }

    /// The axis drawn per local day whatever the period: for a source of daily values, whose
    /// hours hold one record a day, each hour in its day as [`crate::period::local_day`] says.
    pub fn per_day(self) -> Self {
        TimeAxis {
            step: Step::Day,
            resolution: Resolution::Day,
            ..self
        }
    }

    /// The local day the figures of `hour` count in (see [`crate::period::local_day`]).
    pub fn day_of(&self, hour: DateTime<Utc>) -> chrono::NaiveDate {
        crate::period::local_day(hour, self.tz, self.resolution)
    }

    /// The time step of the records drawn on it: hours, or days for a source of daily values.
    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// What one bar or point stands for.
    pub fn step(&self) -> Step {
        self.step
    }

    /// Number of hours on the axis.
    pub fn len(&self) -> usize {
        self.hours.len()
    }

    /// The axis's hours.
    pub fn hours(&self) -> &[DateTime<Utc>] {
        &self.hours
    }

    /// The period the axis spans.
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The time zone it is shown in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// `values`, one per hour of the axis, as one span per local day (24 hours, 23 or 25
    /// where the clocks change) holding what `day` makes of that day's values.
    pub(super) fn per_local_day<T, D>(
        &self,
        values: &[T],
        day: impl Fn(&[T]) -> D,
    ) -> Vec<Span<D>> {
        let mut days: Vec<std::ops::Range<usize>> = Vec::new();
        let mut previous = None;
        for (i, hour) in self.hours.iter().enumerate() {
            let date = self.day_of(*hour);
            match days.last_mut() {
                Some(day) if previous == Some(date) => day.end = i + 1,
                _ => days.push(i..i + 1),
            }
            previous = Some(date);
        }
        days.into_iter()
            .map(|hours| Span {
                start: hours.start as f64,
                end: hours.end as f64,
                // Values shorter than the axis leave its last hours without one.
                value: day(&values[hours.start.min(values.len())..hours.end.min(values.len())]),
            })
            .collect()
    }

    /// Labelled positions: every 3 local hours for a day; the middle of each local day for a
    /// week, of every third local day for a month, so a day's label stands under its bar (or
    /// point), not at its edge, where it would read as the day before's. In a zone offset by a
    /// half hour the hours start at :30 local, and the hour starting in the labelled one is
    /// labelled (`00:30`). Where clocks go back an hour is labelled once (two `03:00` would
    /// overlap), and a day whose midnight the clocks skip is labelled all the same.
    pub(super) fn key_points(&self) -> Vec<f64> {
        use chrono::Datelike;
        let every = match self.kind {
            PeriodKind::Day => return self.hour_points(),
            PeriodKind::Week => 1,
            PeriodKind::Month => 3,
        };
        self.local_days()
            .iter()
            .filter(|day| day.value.is_some_and(|d| (d.day() - 1) % every == 0))
            .map(Span::middle)
            .collect()
    }

    /// Where each local day after the first begins, on a week's or a month's axis (their
    /// labels stand in the days' middles, so these lines show where days meet); none on a day's.
    pub(super) fn day_starts(&self) -> Vec<f64> {
        if self.kind == PeriodKind::Day {
            return Vec::new();
        }
        self.local_days()
            .iter()
            .skip(1)
            .map(|day| day.start)
            .collect()
    }

    /// The axis's local days, each spanning its hours.
    fn local_days(&self) -> Vec<Span<Option<chrono::NaiveDate>>> {
        self.per_local_day(&self.hours, |hours| {
            hours.first().map(|hour| self.day_of(*hour))
        })
    }

    /// A day's labelled positions: every 3 local hours (see [`TimeAxis::key_points`]).
    fn hour_points(&self) -> Vec<f64> {
        let mut previous: Option<chrono::DateTime<Tz>> = None;
        let mut points = Vec::new();
        for (i, hour) in self.hours.iter().enumerate() {
            let local = hour.with_timezone(&self.tz);
            if local.hour().is_multiple_of(3) && previous.is_none_or(|p| p.hour() != local.hour()) {
                points.push(i as f64);
            }
            previous = Some(local);
        }
        points
    }

    pub(super) fn label(&self, x: f64) -> String {
        let Some(hour) = self.hours.get(x.round().max(0.0) as usize) else {
            return String::new();
        };
        match self.kind {
            PeriodKind::Day => hour.with_timezone(&self.tz).format("%H:%M").to_string(),
            PeriodKind::Week => self.day_of(*hour).format("%a %-d").to_string(),
            PeriodKind::Month => self.day_of(*hour).format("%-d %b").to_string(),
        }
    }

    pub(super) fn description(&self) -> String {
        let unit = match self.kind {
            PeriodKind::Day => "Hour",
            PeriodKind::Week | PeriodKind::Month => "Day",
        };
        match self.clock_change() {
            Some(change) => format!("{unit} ({}; {change})", self.tz.name()),
            None => format!("{unit} ({})", self.tz.name()),
        }
    }

    /// What the axis says where the clocks change within it, so a day's 23 or 25 hours read
    /// right: on a day's axis `02:00 comes twice: the clocks went back an hour`, on a week's or
    /// a month's `Sun 29 has 23 hours: the clocks went forward an hour` (its bar is shorter).
    fn clock_change(&self) -> Option<String> {
        use chrono::Offset;
        let offset = |hour: &DateTime<Utc>| {
            hour.with_timezone(&self.tz)
                .offset()
                .fix()
                .local_minus_utc()
        };
        // Every change: a zone may change twice in a month (Gaza's October 2040). One at the
        // period's start (clocks going forward at midnight, Havana's) is seen from the hour
        // before it.
        let first = self.hours.first()?;
        let before = *first - chrono::TimeDelta::hours(1);
        let skipped_midnight = offset(&before) < offset(first);
        let changes: Vec<String> = std::iter::once([before, *first])
            .filter(|_| skipped_midnight)
            .chain(self.hours.windows(2).map(|pair| [pair[0], pair[1]]))
            .filter(|[before, after]| offset(before) != offset(after))
            .filter_map(|[before, after]| {
                self.change_said(&before, &after, offset(&after) - offset(&before))
            })
            .collect();
        (!changes.is_empty()).then(|| changes.join("; "))
    }

    /// One change of the clocks between the hours `before` and `after`, by `shift` seconds; on
    /// a week's or a month's axis, none when the day's bar spans 24 hours all the same (daily
    /// values west of UTC, whose days are counted by the UTC hours they cover).
    fn change_said(
        &self,
        before: &DateTime<Utc>,
        after: &DateTime<Utc>,
        shift: i32,
    ) -> Option<String> {
        let local = |hour: &DateTime<Utc>| hour.with_timezone(&self.tz);
        let amount = match shift.unsigned_abs() / 60 {
            60 => "an hour".to_owned(),
            minutes if minutes % 60 == 0 => format!("{} hours", minutes / 60),
            minutes => format!("{minutes} minutes"),
        };
        let went = if shift < 0 { "back" } else { "forward" };
        if self.kind != PeriodKind::Day {
            let minutes = 24 * 60 - shift / 60;
            let length = if minutes % 60 == 0 {
                format!("{} hours", minutes / 60)
            } else {
                format!("{} hours {} minutes", minutes / 60, minutes % 60)
            };
            let day = self.day_of(*after);
            let spanned = self.hours.iter().filter(|hour| self.day_of(**hour) == day);
            if spanned.count() == 24 {
                return None;
            }
            let day = match self.kind {
                PeriodKind::Month => day.format("%-d %b"),
                _ => day.format("%a %-d"),
            };
            return Some(format!(
                "{day} has {length}: the clocks went {went} {amount}"
            ));
        }
        Some(if shift < 0 {
            format!(
                "{} comes twice: the clocks went {went} {amount}",
                local(after).format("%H:%M")
            )
        } else {
            let skipped = local(before).naive_local() + chrono::TimeDelta::hours(1);
            format!(
                "no {}: the clocks went {went} {amount}",
                skipped.format("%H:%M")
            )
        })
    }
}

#[cfg(test)]
mod tests;
