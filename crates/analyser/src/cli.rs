//! The analyser's command line: writing a report is the default action; subcommands add
//! other actions (one variant each in [`Command`]).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use releve::cli::{ConfigArgs, MongoArgs};

use crate::period::PeriodKind;

/// `analyser [OPTIONS] [COMMAND]`.
#[derive(Debug, clap::Parser)]
#[command(
    name = "analyser",
    version,
    about = "Writes relevé's PDF report from MongoDB."
)]
#[command(args_conflicts_with_subcommands = true, propagate_version = true)]
pub struct Cli {
    /// What to do instead of writing a report.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The report options (the default action).
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Actions other than the default report.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the report (the same as giving no subcommand).
    Report(ReportArgs),
    /// Show per source whether collection and summaries keep up; non-zero exit when not.
    Status(crate::status::StatusArgs),
    /// Write a source's records (or hourly summaries) of a day, week or month as CSV.
    Export(crate::export::ExportArgs),
}

/// Options of a report run.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Sources configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// MongoDB connection.
    #[command(flatten)]
    pub mongo: MongoArgs,
    /// Folder the reports are written to.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports_dir: PathBuf,
    /// Raw folder whose quarantined files (`_quarantine/`) the report counts, and whose run
    /// metrics not yet summarised tell each source's health now and are named as waiting
    /// (optional).
    #[arg(long, value_name = "DIR")]
    pub raw_dir: Option<PathBuf>,
    /// A day of the period to report, in the report's time zone (default: the last day of the
    /// latest period over by the start of the UTC day two hours ago, when France Travail's day
    /// is collected and stored: yesterday, or the last day of last week or last month; behind
    /// UTC, or before 02:00 UTC, the one before).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = report_date)]
    pub date: Option<NaiveDate>,
    /// The period to report: the day, ISO week or month holding `--date`.
    #[arg(long, value_enum, default_value = "day")]
    pub period: PeriodKind,
    /// Write the report only when the reports folder lacks one written (last modified) once
    /// the period's data was stored, two hours into the UTC day after its end, or when hours of
    /// its period were summarised since; otherwise leave it as it is, print its path and exit 0
    /// (the crontab's day, week and month jobs run with it hourly from 04:15 to 23:15, so each
    /// period is reported at the first run that can, and again when late data comes). A period
    /// that ended before the first known collection and holds nothing is not reported: nothing
    /// printed, exit 0.
    #[arg(long)]
    pub if_missing: bool,
}

/// `--date`: a day whose week or month lies within the years MongoDB-compatible servers store
/// as dates (a week holding 1 January of year 1 starts in year 0).
pub(crate) fn report_date(text: &str) -> Result<NaiveDate, String> {
    let date: NaiveDate = text
        .parse()
        .map_err(|err| format!("`{text}` is not a date written YYYY-MM-DD: {err}"))?;
    let first = NaiveDate::from_ymd_opt(2, 1, 1);
    let last = NaiveDate::from_ymd_opt(9998, 12, 31);
    match (first, last) {
        (Some(first), Some(last)) if (first..=last).contains(&date) => Ok(date),
        _ => Err(format!(
            "`{text}` is outside the years a report can cover, 2 to 9998"
        )),
    }
}

/// The options of a run that another run reads alike, for a command it gives.
pub(crate) struct Given<'a> {
    pub raw_dir: Option<&'a Path>,
    pub config: &'a Path,
    pub reports_dir: &'a Path,
    pub database: &'a str,
    /// The MongoDB URI the run read.
    pub uri: &'a str,
}

/// A command that can be pasted where this analyser was run (status's for a missing report,
/// the warning of a report held back): [`program`], `words`, then the options `given`, each
/// only when not its default, quoted for a shell. The MongoDB URI is left to `MONGODB_URI` when
/// that is the one read (as cron passes it); else it is given as `--mongodb-uri`, its
/// credentials as `***` when it holds a password (to be put back: the command still names the
/// server the run read, never the one `MONGODB_URI` may hold).
pub(crate) fn pasteable(words: &[&str], given: Given<'_>) -> Pasteable {
    command_line(words, given, std::env::var("MONGODB_URI").ok().as_deref())
}

/// A command to paste (see [`pasteable`]).
pub(crate) struct Pasteable {
    /// The command, quoted for a shell.
    pub command: String,
    /// Whether it shows the MongoDB URI with its credentials as `***`.
    pub hides_credentials: bool,
}

impl Pasteable {
    /// What a line giving the command adds after it: that the credentials shown as `***` are to
    /// be put back, as pasted as given it would be refused the login; nothing otherwise.
    pub(crate) fn note(&self) -> &'static str {
        if self.hides_credentials {
            " (with the URI's user and password in place of its ***, or without `--mongodb-uri` \
             and the URI in MONGODB_URI: a command line is open to every user of this machine)"
        } else {
            ""
        }
    }
}

/// [`pasteable`], `MONGODB_URI` being `uri_in_env`.
fn command_line(words: &[&str], given: Given<'_>, uri_in_env: Option<&str>) -> Pasteable {
    let shown = |path: &Path| path.to_string_lossy().into_owned();
    let mut all: Vec<String> = std::iter::once(program())
        .chain(words.iter().map(|word| (*word).to_owned()))
        .collect();
    if let Some(raw_dir) = given.raw_dir {
        all.extend(["--raw-dir".to_owned(), shown(raw_dir)]);
    }
    if given.config != Path::new(releve::cli::DEFAULT_CONFIG) {
        all.extend(["--config".to_owned(), shown(given.config)]);
    }
    if given.reports_dir != Path::new("reports") {
        all.extend(["--reports-dir".to_owned(), shown(given.reports_dir)]);
    }
    if given.database != releve::store::DEFAULT_DATABASE {
        all.extend(["--database".to_owned(), given.database.to_owned()]);
    }
    let from_env = uri_in_env == Some(given.uri);
    let with_password = releve::store::redact(given.uri) != given.uri;
    let read_elsewhere = !from_env && given.uri != releve::store::DEFAULT_URI;
    if read_elsewhere {
        // A password is not shown: its credentials read `***`, to be put back.
        let uri = if with_password {
            releve::store::redact(given.uri)
        } else {
            given.uri.to_owned()
        };
        all.extend(["--mongodb-uri".to_owned(), uri]);
    }
    Pasteable {
        command: shlex::try_join(all.iter().map(String::as_str)).unwrap_or_else(|_| all.join(" ")),
        hides_credentials: read_elsewhere && with_password,
    }
}

/// This analyser as it can be run from the current folder: as it was run when that was a path
/// (cron's `target/release/analyser`, kept through a `target` that is a symbolic link), else
/// `target/release/analyser` under it, else its whole path (`analyser` when it cannot be
/// told).
pub(crate) fn program() -> String {
    if let Some(run_as) = std::env::args_os().next().map(std::path::PathBuf::from)
        && run_as.components().count() > 1
        && run_as.is_file()
    {
        return run_as.to_string_lossy().into_owned();
    }
    let Ok(exe) = std::env::current_exe() else {
        return "analyser".to_owned();
    };
    let under_here = std::env::current_dir()
        .ok()
        .and_then(|here| exe.strip_prefix(here).ok().map(Path::to_path_buf))
        // `analyser` alone would be looked up on PATH: `./analyser`.
        .map(|relative| match relative.parent() {
            Some(parent) if parent.as_os_str().is_empty() => Path::new(".").join(relative),
            _ => relative,
        });
    under_here.unwrap_or(exe).to_string_lossy().into_owned()
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn a_report_date_stays_within_the_years_a_server_stores() {
        assert!(report_date("2026-11-21").is_ok());
        assert!(report_date("0002-01-01").is_ok());
        for outside in ["0000-01-01", "0001-06-01", "9999-01-01"] {
            let refused = report_date(outside).expect_err(outside);
            assert!(
                refused.contains("outside the years a report can cover"),
                "{refused}"
            );
        }
        assert!(report_date("2026-02-30").is_err());
    }
}

#[cfg(test)]
mod help_tests {
    use clap::CommandFactory;

    use super::*;

    /// `analyser --help` says which day a report without `--date` covers. Since a job picks
    /// the period two hours back (`ReportPeriod::asked`, `STORED_WITHIN`), from 00:00 to
    /// 02:00 UTC it is the period before; the help still says "the latest period over by the
    /// start of the current UTC day" (yesterday), which is what a user running `analyser` by
    /// hand at 01:00 UTC expects and does not get (the README says "the UTC day two hours
    /// ago").
    #[test]
    fn the_help_of_date_says_which_day_a_report_covers_at_every_hour() {
        let help = Cli::command().render_long_help().to_string();
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        let date = flat
            .split_once("--date <YYYY-MM-DD>")
            .and_then(|(_, rest)| rest.split_once("--period"))
            .map_or(flat.as_str(), |(date, _)| date);
        assert!(
            !date.contains("start of the current UTC day") && date.contains("two hours"),
            "the default of --date is stale: {date}"
        );
    }
}

#[cfg(test)]
mod pasteable_tests {
    use super::*;

    /// What a run given `uri` and nothing else is given.
    fn given(uri: &str) -> Given<'_> {
        Given {
            raw_dir: None,
            config: Path::new(releve::cli::DEFAULT_CONFIG),
            reports_dir: Path::new("reports"),
            database: releve::store::DEFAULT_DATABASE,
            uri,
        }
    }

    fn command_with(uri: &str, uri_in_env: Option<&str>) -> String {
        command_line(&["--if-missing"], given(uri), uri_in_env).command
    }

    fn command(uri: &str) -> String {
        command_with(uri, None)
    }

    /// A URI given on the command line (`status --mongodb-uri …`, no `MONGODB_URI`) is in the
    /// command, one holding a password with its credentials as `***`, never the password; one
    /// read from `MONGODB_URI` is left to it, as cron passes it.
    #[test]
    fn a_command_given_reads_the_server_the_run_read_without_showing_a_password() {
        assert!(!command(releve::store::DEFAULT_URI).contains("--mongodb-uri"));
        let secret = "mongodb://alice:S3cret@db.example.org/releve";
        assert!(!command_with(secret, Some(secret)).contains("--mongodb-uri"));
        assert!(
            command("mongodb://db.example.org:27017")
                .ends_with("--if-missing --mongodb-uri mongodb://db.example.org:27017")
        );
        let with_password = command("mongodb://alice:S3cret@db.example.org/releve");
        assert!(
            with_password
                .ends_with("--if-missing --mongodb-uri 'mongodb://***@db.example.org/releve'")
                && !with_password.contains("S3cret"),
            "{with_password}"
        );
    }

    /// The note beside a command hiding a password says how to keep it off the command line,
    /// which a stage given `--mongodb-uri` with a password warns of (`ps`): in MONGODB_URI.
    #[test]
    fn a_command_hiding_a_password_points_to_mongodb_uri() {
        let hiding = command_line(&[], given("mongodb://alice:S3cret@db.example.org/x"), None);
        assert!(
            hiding.note().contains("in place of its ***")
                && hiding.note().contains("the URI in MONGODB_URI"),
            "{}",
            hiding.note()
        );
        let plain = command_line(&[], given("mongodb://db.example.org/x"), None);
        assert_eq!(plain.note(), "");
    }

    /// The URI the analyser reads when `command` is pasted in a shell where `MONGODB_URI` is
    /// `exported` (or unset).
    fn pasted_uri(command: &str, exported: Option<&str>) -> String {
        use clap::Parser;
        let mut shell = std::process::Command::new("sh");
        shell
            .arg("-c")
            .arg(format!("printf '%s\\n' {command}"))
            .env_remove("MONGODB_URI");
        if let Some(exported) = exported {
            shell.env("MONGODB_URI", exported);
        }
        let printed = shell.output().expect("run sh");
        assert!(printed.status.success(), "the shell runs `{command}`");
        let printed = String::from_utf8_lossy(&printed.stdout).into_owned();
        let words: Vec<&str> = printed.lines().collect();
        let cli = Cli::try_parse_from(&words).expect("the pasted command is read");
        cli.report.mongo.uri
    }

    /// `analyser status --mongodb-uri 'mongodb://alice:S3cret@staging.example.org/releve'`,
    /// in a shell without `MONGODB_URI` or with another server's exported (the README's
    /// set-up, and "`--mongodb-uri URI` overrides MONGODB_URI"): the command it gives for a
    /// missing report, pasted there, reads the server status read (its credentials to be put
    /// back in place of `***`), never the default server (a first `"$MONGODB_URI"` became
    /// `''`) nor the exported one (a `"${MONGODB_URI:?…}"` next), found by two reviews.
    #[test]
    fn a_command_pasted_where_status_ran_reads_the_server_status_read() {
        let uri = "mongodb://alice:S3cret@staging.example.org/releve";
        let exported = "mongodb://releve:Pr0d@db.example.org/releve";
        for (in_env, case) in [
            (None, "no MONGODB_URI"),
            (Some(exported), "another exported"),
        ] {
            let command = command_with(uri, in_env);
            let read = pasted_uri(&command, in_env);
            assert!(
                read.ends_with("@staging.example.org/releve") && !read.contains("S3cret"),
                "`{command}`, pasted where status ran ({case}), reads {read}"
            );
        }
    }
}
