//! Logging set-up shared by the three binaries: one line per event on stderr, filtered by
//! `RUST_LOG` (default `info`), with a UTC timestamp.
//!
//! Under cron, stderr is appended to `logs/<stage>.log` by the crontab line, which also keeps
//! that file bounded (see `deploy/cron/rotate-log`): the binaries never open log files
//! themselves, so a panic or a failure line printed with `eprintln!` lands in the same file.
//! Colours are only used when stderr is a terminal, so log files hold no escape codes.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger once; later calls do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Prints a run's failure as one line on stderr, `stage: what`. Written to a log file (stderr
/// not a terminal) the line ends with its UTC time as `date -u -Iseconds` writes it, like the
/// crontab's "skipped" lines, ` [2026-10-27T05:05:01+00:00]`, so an outage can be dated even
/// when no timestamped line comes just before it.
pub fn failure_line(stage: &str, what: &dyn std::fmt::Display) {
    if std::io::stderr().is_terminal() {
        eprintln!("{stage}: {what}");
    } else {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        eprintln!("{stage}: {what} [{now}]");
    }
}
