//! Whether a run says the tables `sources.toml` refused and its `[report]` fault: a run by hand
//! always; a run without a terminal (cron's each minute, a systemd timer's, a CI job's) when
//! they changed since a run last said them, or an hour after, so cron's log holds them once an
//! hour, not 60 times, and a run that fails for them always says why. What was said last is
//! noted in `raw/.collector-refusals` (the time, and a fingerprint of what was said); where it
//! cannot be, a run without a terminal says them in the first minute of each hour.

use std::hash::{Hash, Hasher};
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use releve::{RefusedSource, ReportFault};

/// How long a routine run leaves unchanged refusals unsaid after one said them.
const SAID_FOR: TimeDelta = TimeDelta::hours(1);

/// What is refused, as a fingerprint of what would be said; `None` when nothing is.
pub fn fingerprint(refused: &[RefusedSource], fault: Option<&ReportFault>) -> Option<u64> {
    if refused.is_empty() && fault.is_none() {
        return None;
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for table in refused {
        table.to_string().hash(&mut hasher);
    }
    fault.map(ToString::to_string).hash(&mut hasher);
    Some(hasher.finish())
}

/// Whether a routine run at `now` says the refusals of `fingerprint`: not said within the last
/// hour, as they are now, by a run of this raw folder.
pub fn due(raw_dir: &Path, fingerprint: u64, now: DateTime<Utc>) -> bool {
    let Ok(noted) = std::fs::read_to_string(releve::rawfile::refusals_said(raw_dir)) else {
        return true;
    };
    let mut words = noted.split_whitespace();
    let said_at = words
        .next()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map(|at| at.with_timezone(&Utc));
    let said = words
        .next()
        .and_then(|said| u64::from_str_radix(said, 16).ok());
    match (said_at, said) {
        // By the runs' minutes: cron's run of the hour after is due, whatever its seconds.
        (Some(at), Some(said)) => {
            let (at, now) = (
                releve::config::run_minute(at),
                releve::config::run_minute(now),
            );
            said != fingerprint || now < at || now - at >= SAID_FOR
        }
        _ => true,
    }
}

/// Notes that a run at `now` said the refusals of `fingerprint`, the raw folder made if it is
/// not yet (a first configuration whose every table is refused lands nothing), the note
/// replaced by a rename (one another user left is replaced all the same); false when it cannot
/// be written (a full disk, a folder of another user's).
pub fn noted(raw_dir: &Path, fingerprint: u64, now: DateTime<Utc>) -> bool {
    let note = releve::rawfile::refusals_said(raw_dir);
    let part = raw_dir.join(format!(".collector-refusals.{}.tmp", std::process::id()));
    let text = format!("{} {fingerprint:016x}\n", now.to_rfc3339());
    let written = std::fs::create_dir_all(raw_dir)
        .and_then(|()| std::fs::write(&part, text))
        .and_then(|()| std::fs::rename(&part, &note));
    if written.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    written.is_ok()
}

/// Forgets what was said: a run finding nothing refused, so that a refusal coming back (a
/// table broken again) is said at once.
pub fn cleared(raw_dir: &Path) {
    let _ = std::fs::remove_file(releve::rawfile::refusals_said(raw_dir));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_said_at_once_when_they_change_else_once_an_hour() {
        let dir = tempfile::tempdir().expect("temp dir");
        let at = |minutes: i64| {
            DateTime::parse_from_rfc3339("2026-12-06T10:07:00Z")
                .expect("time")
                .with_timezone(&Utc)
                + TimeDelta::minutes(minutes)
        };
        assert!(due(dir.path(), 7, at(0)), "never said");
        noted(dir.path(), 7, at(0));
        assert!(!due(dir.path(), 7, at(1)), "said a minute ago");
        assert!(!due(dir.path(), 7, at(59)));
        assert!(due(dir.path(), 7, at(60)), "an hour after");
        let cron_an_hour_after = at(60) - TimeDelta::milliseconds(300);
        assert!(due(dir.path(), 7, cron_an_hour_after), "its seconds aside");
        assert!(due(dir.path(), 8, at(1)), "changed since");
        assert!(due(dir.path(), 7, at(-5)), "a clock set back");
    }
}
