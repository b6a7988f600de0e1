//! Logging set-up shared by the three binaries: one line per event on stderr, filtered by
//! `RUST_LOG` (default `info`, also when it is blank), with a UTC timestamp.
//!
//! Under cron, stderr is appended to `logs/<stage>.log` by the crontab line, which also keeps
//! that file bounded (see `deploy/cron/rotate-log`): the binaries never open log files
//! themselves, so a panic or a failure line lands in the same file.
//! Colours are only used when stderr is a terminal, so log files hold no escape codes, and not
//! there either when `NO_COLOR` is set or `TERM` is `dumb` or unset (see `coloured`).

use std::io::{IsTerminal, Write};

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger once; later calls do nothing.
pub fn init() {
    // Unset or blank (a crontab's `RUST_LOG=`) is `info`; set and unreadable is worth a line.
    let (filter, refused) = match std::env::var(EnvFilter::DEFAULT_ENV) {
        Ok(directives) if !directives.trim().is_empty() => {
            match misread_word(&directives).map_or_else(
                || EnvFilter::try_new(directives.trim()).map_err(|err| err.to_string()),
                Err,
            ) {
                Ok(filter) => (filter, None),
                Err(err) => (EnvFilter::new("info"), Some(err)),
            }
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            (EnvFilter::new("info"), Some("not UTF-8 text".to_owned()))
        }
        _ => (EnvFilter::new("info"), None),
    };
    // The certificate checker's own `ERROR failed to verify TLS certificate`, at each attempt,
    // repeats what the stage's line says of the certificate refused: off unless named
    // (`rustls_platform_verifier=debug`), or all of rustls is (`rustls=debug`).
    let named = std::env::var(EnvFilter::DEFAULT_ENV).is_ok_and(|text| {
        text.split(',').any(|directive| {
            let target = directive.split(['=', '[']).next().unwrap_or("").trim();
            target == "rustls" || target.starts_with("rustls_platform_verifier")
        })
    });
    let filter = match "rustls_platform_verifier=off".parse() {
        Ok(quiet) if !named => filter.add_directive(quiet),
        _ => filter,
    };
    // A line that cannot be written (a full disk under the log file) is lost, never the run:
    // by default the subscriber says so with `eprintln!`, which panics there.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(coloured(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
            std::env::var_os("TERM"),
        ))
        .with_target(false)
        .log_internal_errors(false)
        .try_init();
    if let Some(err) = refused {
        tracing::warn!(error = %err, "RUST_LOG cannot be read; logging at info.");
    }
}

/// Whether the log's lines are coloured: on a terminal only, and not when the user asked for
/// none (`NO_COLOR` set and not empty, <https://no-color.org>) or the terminal cannot show
/// them (`TERM` unset or `dumb`: a serial console, Emacs' shell), where each escape code would
/// show as `^[[2m`.
fn coloured(
    terminal: bool,
    no_color: Option<std::ffi::OsString>,
    term: Option<std::ffi::OsString>,
) -> bool {
    terminal
        && no_color.is_none_or(|set| set.is_empty())
        && term.is_some_and(|term| !term.is_empty() && term != "dumb")
}

/// The levels `RUST_LOG` takes alone (besides their numbers, 0 to 5).
const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
/// Words people write for a level that `RUST_LOG` does not know.
const NOT_LEVELS: [&str; 13] = [
    "all", "verbose", "quiet", "silent", "none", "on", "fatal", "critical", "crit", "notice",
    "alert", "emerg", "dbg",
];

/// A bare word of `RUST_LOG` that looks meant as a level but is none, said as a reason to log
/// at `info`. The filter reads any bare word as a module to log at every level, and every
/// other line is then off: `RUST_LOG=debg` (a typo) would silence the errors of a cron job.
/// A word that reads as a module path (`hyper_util`, `summariser::pipeline`) is left alone.
fn misread_word(directives: &str) -> Option<String> {
    directives
        .split(',')
        .map(str::trim)
        .filter(|word| !word.is_empty() && !word.contains(['=', '[', '{']))
        .find(|word| meant_as_a_level(word))
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let nearest = LEVELS
                .iter()
                .min_by_key(|level| strsim::osa_distance(&lower, level))
                .filter(|level| {
                    strsim::osa_distance(&lower, level) <= 3 || lower.starts_with(**level)
                });
            let hint = nearest
                .map(|level| format!("; did you mean `{level}`?"))
                .unwrap_or_default();
            format!(
                "`{}` is not a level ({}, or 0 to 5){hint}",
                one_line(word),
                LEVELS.join(", ")
            )
        })
}

/// Whether a bare word is a level misspelt or misnamed: not a level or its number, and
/// either one edit away from a level (`debg`, `wanr`), a level cut short or with letters
/// added (`err`, `warning`), a word for a level no filter knows (`verbose`, `crit`), a
/// number past 5, a single letter, or no module path at all (`garbage!!`).
fn meant_as_a_level(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if LEVELS.contains(&lower.as_str())
        || matches!(lower.as_str(), "0" | "1" | "2" | "3" | "4" | "5")
    {
        return false;
    }
    let path = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-'));
    let letters = lower.chars().all(|c| c.is_ascii_alphabetic());
    !path
        || NOT_LEVELS.contains(&lower.as_str())
        || lower.chars().all(|c| c.is_ascii_digit())
        || (letters && lower.len() == 1)
        || LEVELS.iter().any(|level| {
            strsim::osa_distance(&lower, level) <= 1
                || (letters && (lower.starts_with(level) || level.starts_with(lower.as_str())))
        })
}

/// Prints a run's failure as one line on stderr, `stage: what`. Written to a log file (stderr
/// not a terminal) the line ends with its UTC time as `date -u -Iseconds` writes it, like the
/// crontab's "skipped" lines, ` [2026-10-27T05:05:01+00:00]`, so an outage can be dated even
/// when no timestamped line comes just before it. Credentials in it (a URI's `user:password@`,
/// a secret option) are hidden, as [`crate::store::redact_uris`] hides them.
///
/// A stderr that cannot be written (a full disk, a closed pipe) loses the line, never the
/// run: `eprintln!` would panic there.
pub fn failure_line(stage: &str, what: &dyn std::fmt::Display) {
    let what = shown(&what.to_string());
    let mut stderr = std::io::stderr().lock();
    let _ = if stderr.is_terminal() {
        writeln!(stderr, "{stage}: {what}")
    } else {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        writeln!(stderr, "{stage}: {what} [{now}]")
    };
}

/// A failure as [`failure_line`] shows it: on one line, and a URI quoted where it was not
/// expected (given without `--mongodb-uri`, as mongosh takes it, as a source's name or a
/// database's) without its password.
pub fn shown(what: &str) -> String {
    one_line(&crate::store::redact_uris(what))
}

/// `text` on one line: each control character (a line break, a tab, a terminal's escape
/// code, a bell, NUL), Unicode line separator or bidirectional control becomes a space (see
/// `breaks_the_line`), and trailing ones go, so a message quoting an API or a file keeps to
/// its line and cannot drive the terminal or the mail it is read in. Other characters,
/// spaces included, stay as they are: a path is shown as it is.
pub fn one_line(text: &str) -> String {
    text.trim_end_matches(|c: char| c.is_whitespace() || breaks_the_line(c))
        .chars()
        .map(|c| if breaks_the_line(c) { ' ' } else { c })
        .collect()
}

/// A control character, a Unicode line or paragraph separator (many mail readers and editors
/// break lines there), or a bidirectional control (which reorders the text shown).
fn breaks_the_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Prints `text` on stdout, as `print!` does, except that a stdout that cannot be written
/// does not panic: a reader that stopped reading (`| head -1`) loses the rest quietly; any
/// other failure (a full disk under `> status.json`) is said as `stage: cannot write
/// standard output: …`, and false returned, for the stage to exit 1.
pub fn print_out(stage: &str, text: &dyn std::fmt::Display) -> bool {
    let mut out = std::io::stdout().lock();
    match write!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => true,
        Err(err) => {
            failure_line(
                stage,
                &format!(
                    "cannot write standard output: {err}{}",
                    crate::disk_fault::advice_after(&err)
                ),
            );
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_word_meant_as_a_level_is_refused_rather_than_silencing_every_line() {
        for typo in [
            "debg",
            "wanr",
            "garbage!!",
            "info,Warning",
            "verbose",
            "INFORMATION",
            "err",
            "crit",
            "dbg",
            "e",
            "on",
            "6",
        ] {
            let reason = misread_word(typo).unwrap_or_else(|| panic!("{typo} refused"));
            assert!(reason.contains("is not a level"), "{reason}");
        }
        assert_eq!(
            misread_word("debg").as_deref(),
            Some(
                "`debg` is not a level (off, error, warn, info, debug, trace, or 0 to 5); did you mean `debug`?"
            )
        );
        assert!(misread_word("warning").is_some_and(|r| r.ends_with("did you mean `warn`?")));
        for fine in [
            "debug",
            "WARN",
            "3",
            "info,summariser=debug",
            "collector",
            "hyper_util",
            "tower_http",
            "hickory_resolver",
            "h2",
            "hyper",
            "tracing",
            "error_chain",
            "summariser::pipeline",
            "mongodb=trace,warn",
            "warn,hyper_util=off",
            "analyser[report]=debug",
            "[span]=debug",
            " info , ",
        ] {
            assert_eq!(misread_word(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_message_keeps_to_one_line_without_control_characters() {
        assert_eq!(
            one_line("HTTP 403: line1\nline2\u{1b}[31mRED\u{1b}[0m\u{7}bell\0\n"),
            "HTTP 403: line1 line2 [31mRED [0m bell"
        );
        assert_eq!(one_line("déjà  vu"), "déjà  vu", "spaces stay as written");
        assert_eq!(
            one_line("first\u{2028}second\u{2029}third \u{202e}txt.exe"),
            "first second third  txt.exe"
        );
    }

    /// A source's failure quoting the API's own words, which give a contact as a `mailto:`
    /// link (an address, no password): every failure line now goes through `redact_uris`,
    /// and the address must stay whole, not become `***@example.org`, so the user knows whom
    /// to write to (found by the review of stop 56's fixes).
    #[test]
    fn an_api_s_contact_address_in_a_failure_line_stays_whole() {
        for line in [
            "source `x` failed: GET https://api.example.org/v1: HTTP 403: `message` = \"key revoked: write to mailto:opendata@example.org\"",
            "source `x` failed: GET https://api.example.org/v1: HTTP 403: {\"contact\":\"mailto:opendata@example.org\"}",
        ] {
            assert_eq!(shown(line), line);
        }
    }

    /// An API's refusal giving the time its quota resets and whom to write to: the time is
    /// shaped `user:pass` to `without_userinfo` (a `:` after a word not all digits), and the
    /// contact address two words on is taken for its host, so the line reads "resets at
    /// ***@opendatasoft.com": the reset time and the address are lost, though neither is a
    /// secret.
    #[test]
    fn a_reset_time_before_an_api_s_contact_address_stays_whole() {
        let line = "source `x` failed: GET https://data.example.org/api: HTTP 429: `message` = \"Quota exceeded: resets at 2026-12-06T00:00:00Z. Contact support@opendatasoft.com\"";
        assert_eq!(shown(line), line);
    }

    /// An API's refusal giving a code or a field as `name:value` (`code:AUTH_FAILED`,
    /// `error:forbidden;`) and whom to write to within three words: the word is shaped
    /// `user:pass` to `without_userinfo`, and the line reads "HTTP 403: Forbidden
    /// ***@example.org", the code and the address lost, though neither is a secret.
    #[test]
    fn a_code_before_an_api_s_contact_address_stays_whole() {
        for line in [
            "source `x` failed: GET https://api.example.org/v1: HTTP 403: Forbidden (code:AUTH_FAILED) - support@example.org",
            "source `x` failed: GET https://api.example.org/v1: HTTP 403: error:forbidden; contact ops@example.org",
        ] {
            assert_eq!(shown(line), line);
        }
    }
}
