//! The words of stretches without a run: the quality section's lines on those when no source
//! collected at all, and what came before a source's.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::completeness::silence::{Before, Silence};
use crate::format::{counted, cron_minute, local_time};

/// The most stretches named one by one; the others are counted.
const NAMED: usize = 5;

/// When the report was generated, for a period not over then: a stretch ending then had not
/// ended, and is said to run on.
pub(super) type OngoingAt = Option<DateTime<Utc>>;

/// A stretch in words, its length followed by `after`: `from 2026-11-21 03:05 to 2026-11-21
/// 10:00 (about 7 hours…)`, or for one still running when the report was generated, `since
/// 2026-12-04 00:59 (about 10 hours… by 2026-12-04 11:25, when the report was generated)`:
/// no run came at its end.
pub(super) fn stretch_words(
    silence: &Silence,
    tz: Tz,
    ongoing_at: OngoingAt,
    after: &str,
) -> String {
    let length = span(silence.until - silence.from);
    if ongoing_at == Some(silence.until) {
        format!(
            "since {} ({length}{after} by {}, when the report was generated)",
            local_time(silence.from, tz),
            local_time(silence.until, tz)
        )
    } else {
        format!(
            "from {} to {} ({length}{after})",
            local_time(silence.from, tz),
            local_time(silence.until, tz)
        )
    }
}

/// What came before a stretch without a run, in words following it: `, after a failed run
/// put it off until 2026-11-21 20:00`; nothing when no failure did.
pub(super) fn after_words(before: Before, tz: Tz) -> String {
    match before {
        Before::NoFailure => String::new(),
        Before::PutOff { retry, covers } => format!(
            ", after a failed run put it off until {}{}",
            local_time(cron_minute(retry), tz),
            if covers { "" } else { " only" }
        ),
        Before::MayHavePaused { covers: true } => {
            ", after a failed run, which may have paused it".to_owned()
        }
        Before::MayHavePaused { covers: false } => {
            ", after a failed run, which may have paused it for a day at most".to_owned()
        }
    }
}

/// One line per stretch (the first [`NAMED`], then a count of the others), oldest first.
pub(super) fn silence_lines(silences: &[Silence], tz: Tz, ongoing_at: OngoingAt) -> Vec<String> {
    let mut lines: Vec<String> = silences
        .iter()
        .take(NAMED)
        .map(|silence| {
            format!(
                "No collection of any source started {}: was the collector, or its machine, stopped?",
                stretch_words(silence, tz, ongoing_at, " without a run")
            )
        })
        .collect();
    let more = silences.len().saturating_sub(NAMED);
    if more > 0 {
        let stretches = if more == 1 { "stretch" } else { "stretches" };
        lines.push(format!(
            "And {more} more {stretches} without any collection in this period."
        ));
    }
    lines
}

/// The cover's line on the stretches, when there are any: the longest, and how many.
pub(super) fn cover_line(silences: &[Silence], tz: Tz, ongoing_at: OngoingAt) -> Option<String> {
    let longest = silences
        .iter()
        .max_by_key(|silence| silence.until - silence.from)?;
    let when = stretch_words(longest, tz, ongoing_at, "");
    Some(match silences.len() {
        1 => format!("No collection of any source started {when}: see the completeness section."),
        n => format!(
            "No collection of any source started in {n} stretches of this period, the longest {when}: see the completeness section."
        ),
    })
}

/// The cover's line on the stretches every source's collections failed in at once, when there
/// are any: the longest, and how many.
pub(super) fn failing_together_line(
    stretches: &[Silence],
    tz: Tz,
    ongoing_at: OngoingAt,
) -> Option<String> {
    let longest = stretches
        .iter()
        .max_by_key(|stretch| stretch.until - stretch.from)?;
    let when = match stretches.len() {
        1 => stretch_words(longest, tz, ongoing_at, ""),
        n => format!(
            "in {n} stretches of this period, the longest {}",
            stretch_words(longest, tz, ongoing_at, "")
        ),
    };
    Some(format!(
        "Every source's collections failed at once {when}: most likely the machine's network (a captive portal to sign in to, a proxy, the connection down) or an API they all call, rather than each source; see their errors in the completeness section."
    ))
}

/// A stretch's length in words: minutes under two hours, hours under two days, else days.
fn span(length: Duration) -> String {
    let minutes = length.num_minutes();
    if minutes < 120 {
        counted(minutes, "minute")
    } else if minutes < 48 * 60 {
        format!("about {}", counted((minutes + 30) / 60, "hour"))
    } else {
        format!("about {}", counted((minutes + 720) / 1440, "day"))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn a_stretch_is_said_in_the_report_zone_with_its_length() {
        let from = Utc
            .with_ymd_and_hms(2026, 11, 21, 2, 5, 0)
            .single()
            .expect("a time");
        let lines = silence_lines(
            &[Silence {
                from,
                until: from + Duration::minutes(6 * 60 + 55),
            }],
            chrono_tz::Europe::Paris,
            None,
        );
        assert_eq!(
            lines,
            [
                "No collection of any source started from 2026-11-21 03:05 to 2026-11-21 10:00 (about 7 hours without a run): was the collector, or its machine, stopped?"
            ]
        );
        assert_eq!(span(Duration::minutes(75)), "75 minutes");
        assert_eq!(span(Duration::hours(60)), "about 3 days");
        let many: Vec<Silence> = (0..7)
            .map(|day| Silence {
                from: from + Duration::days(day),
                until: from + Duration::days(day) + Duration::hours(3),
            })
            .collect();
        assert_eq!(
            cover_line(&many[..1], chrono_tz::UTC, None).as_deref(),
            Some(
                "No collection of any source started from 2026-11-21 02:05 to 2026-11-21 05:05 (about 3 hours): see the completeness section."
            )
        );
        let mut longer = many.clone();
        longer[3].until += Duration::hours(2);
        assert_eq!(
            cover_line(&longer, chrono_tz::UTC, None).as_deref(),
            Some(
                "No collection of any source started in 7 stretches of this period, the longest from 2026-11-24 02:05 to 2026-11-24 07:05 (about 5 hours): see the completeness section."
            )
        );
        assert_eq!(cover_line(&[], chrono_tz::UTC, None), None);
        // A stretch running on when the report of a period not over was generated: no run
        // came at its end.
        let running = many[0];
        assert_eq!(
            silence_lines(&[running], chrono_tz::UTC, Some(running.until)),
            [
                "No collection of any source started since 2026-11-21 02:05 (about 3 hours without a run by 2026-11-21 05:05, when the report was generated): was the collector, or its machine, stopped?"
            ]
        );
        let lines = silence_lines(&many, chrono_tz::UTC, None);
        assert_eq!(lines.len(), 6);
        assert_eq!(
            lines[5],
            "And 2 more stretches without any collection in this period."
        );
    }
}
