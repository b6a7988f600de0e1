//! Command-line options the three binaries share, so their names and defaults agree, and
//! the start every binary makes.

use std::path::PathBuf;

use crate::store::{DEFAULT_DATABASE, DEFAULT_URI};

/// The configuration file read when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "sources.toml";

/// The exit code of a stage that cannot start: its `.env`, configuration or command line
/// cannot be read (1 is a run that started and failed).
pub fn cannot_start() -> std::process::ExitCode {
    std::process::ExitCode::from(2)
}

/// The exit code of a run: 0 when it succeeded, else 1.
pub fn exit_code(succeeded: bool) -> std::process::ExitCode {
    if succeeded {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// Says on stderr, one line each as `stage: …`, the `[[source]]` tables the configuration
/// refused, each with what the stage does about it (`consequence`), and the `[report]` fault,
/// if any, with `report_consequence`, when given.
pub fn say_refused(
    stage: &str,
    refused: &[crate::config::RefusedSource],
    consequence: &str,
    report: Option<(&crate::config::ReportFault, &str)>,
) {
    for source in refused {
        let consequence = source.consequence(consequence);
        crate::logging::failure_line(stage, &format_args!("{source} ({consequence})"));
    }
    if let Some((fault, consequence)) = report {
        crate::logging::failure_line(stage, &fault.with_consequence(consequence));
    }
}

/// Logs the entries left out of the sources `reads` takes (see
/// [`crate::config::Config::left_out`]), one warning each: a stage says those of the sources
/// it reads, a check shows them in its rows instead.
pub fn say_left_out(left_out: &[crate::config::LeftOut], reads: impl Fn(&str) -> bool) {
    for entry in left_out.iter().filter(|entry| reads(&entry.source)) {
        tracing::warn!("{entry}");
    }
}

/// What every stage does first: keep a file-size limit from killing it (see
/// [`crate::stop::file_size_limit_as_error`]), load the working folder's `.env`, or the one beside the
/// `--config` file given (see [`crate::dotenv`]), then start logging. A `.env` that cannot be
/// read is said in one line as `stage: …`, and the stage must exit with the code returned
/// (2), before reading anything else.
pub fn start(stage: &str) -> Result<(), std::process::ExitCode> {
    crate::stop::file_size_limit_as_error();
    let config = config_given(std::env::args_os().skip(1));
    let folder = config.as_deref().and_then(folder_of);
    let warnings = match crate::dotenv::load(folder.as_deref()) {
        Ok(warnings) => warnings,
        Err(err) => {
            crate::logging::failure_line(stage, &err);
            return Err(cannot_start());
        }
    };
    crate::logging::init();
    let config = config.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    let written = crate::shared_access::config_written_by_others(&config);
    for warning in warnings.into_iter().chain(written) {
        tracing::warn!("{warning}");
    }
    if uri_with_secret_given(std::env::args_os().skip(1)) {
        tracing::warn!(
            "`--mongodb-uri` holds a password (or a secret option), which every user of this machine can read in this run's command line (`ps`) while it runs: give the URI in MONGODB_URI instead, in .env (chmod 600) or the environment"
        );
    }
    Ok(())
}

/// Whether `args` give `--mongodb-uri URI` (or `--mongodb-uri=URI`) with credentials or a
/// secret option in the URI: a command line is open to every user of the machine.
fn uri_with_secret_given(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let mut args = args;
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let uri = if arg == "--mongodb-uri" {
            args.next()
        } else {
            arg.to_str()
                .and_then(|arg| arg.strip_prefix("--mongodb-uri="))
                .map(std::ffi::OsString::from)
        };
        if let Some(uri) = uri {
            let uri = uri.to_string_lossy();
            // Read as the run reads it (`uri_or_default` trims it).
            let uri = uri.trim();
            // One the run refuses at once (another scheme, a login not percent-encoded: a
            // `:`, `/` or `@` in the password) is said in that refusal's one line alone: the
            // driver's own reading of its text (no DNS lookup) tells which.
            let readable = mongodb::options::ConnectionString::parse(uri).is_ok();
            return readable && crate::store::redact(uri) != uri;
        }
    }
    false
}

/// The configuration file given as `--config FILE` or `--config=FILE` in `args` (read before
/// clap, which reads the environment `.env` sets).
fn config_given(args: impl Iterator<Item = std::ffi::OsString>) -> Option<PathBuf> {
    let mut args = args;
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(file) = arg.to_str().and_then(|arg| arg.strip_prefix("--config=")) {
            return Some(file.into());
        }
    }
    None
}

/// The folder of the configuration file `file`, when it names one other than the working
/// folder.
fn folder_of(file: &std::path::Path) -> Option<PathBuf> {
    let folder = file.parent()?;
    (!folder.as_os_str().is_empty()).then(|| folder.to_owned())
}

/// The stage's command line, read by clap. `--help` and `--version` print as clap prints
/// them and exit 0; a command line that cannot be read is said in one line as `stage: …`
/// (clap's first line and its suggestion for a misspelling, without its usage, which `--help`
/// shows), and the stage must exit with the code returned (2).
/// Piped without a width told (`--help | less`), the help is wrapped to the terminal's
/// columns all the same (see [`crate::columns::help_width_when_piped`]).
pub fn arguments<A: clap::Parser>(stage: &str) -> Result<A, std::process::ExitCode> {
    // A subcommand's `--version` says `analyser status 0.1.0`, not clap's `analyser-status`.
    let mut command = A::command().mut_subcommands(|sub| {
        let name = format!("{stage} {}", sub.get_name());
        sub.display_name(name)
    });
    if let Some(columns) = crate::columns::help_width_when_piped() {
        command = command.term_width(columns);
    }
    if command.has_subcommands() && help_of_help(std::env::args_os().skip(1)) {
        return Err(print_help_of_help(stage, command));
    }
    command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| A::from_arg_matches_mut(&mut matches))
        .map_err(|err| {
            let err = err.format(&mut command);
            refused_arguments(stage, &command, &err)
        })
}

/// Whether `args` ask for the help of `help` (`help --help`, `help -h`), which clap reads as
/// the help of a subcommand called `--help`, and refuses.
fn help_of_help(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<std::ffi::OsString> = args.take(3).collect();
    matches!(args.as_slice(), [help, flag] if help == "help" && (flag == "--help" || flag == "-h"))
}

/// Prints the help of the `help` subcommand clap adds to a stage with subcommands (the
/// stage's own help, should it have none), and gives the exit code of a help shown.
fn print_help_of_help(stage: &str, mut command: clap::Command) -> std::process::ExitCode {
    command.build();
    let name = format!("{stage} help");
    let printed = match command.find_subcommand_mut("help") {
        Some(help) => help.clone().display_name(name).print_help(),
        None => command.print_help(),
    };
    match printed {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::FAILURE,
    }
}

fn refused_arguments(
    stage: &str,
    command: &clap::Command,
    err: &clap::Error,
) -> std::process::ExitCode {
    if !err.use_stderr() {
        // `--help`, `--version`.
        let _ = err.print();
        return std::process::ExitCode::SUCCESS;
    }
    // Said by the subcommand that refused it (`analyser export: … --source`), as its other
    // refusals are.
    crate::logging::failure_line(
        &refused_by(stage, command, err),
        &format_args!("{} ({})", first_line(err), advice(stage, command, err)),
    );
    cannot_start()
}

/// What a user is told to do about the command line clap refused, after clap's complaint.
fn advice(stage: &str, command: &clap::Command, err: &clap::Error) -> String {
    match (suggestion(err), options_before(command, err)) {
        // A URI given without its option, as mongosh takes it, which clap takes for a
        // subcommand or an argument.
        _ if given_uri(command, err) => {
            "a MongoDB URI goes in MONGODB_URI, or after --mongodb-uri".to_owned()
        }
        _ if let Some(owners) = taken_elsewhere(stage, command, err) => format!(
            "`{}` is an option of {owners}, not of `{}`; see its --help",
            refused_option(err).unwrap_or_default(),
            refused_by(stage, command, err)
        ),
        (Some(suggested), _) => format!("did you mean `{suggested}`? see --help"),
        (None, Some((subcommand, Some(option)))) => format!(
            "a subcommand's options go after it: `{stage} {subcommand} {option} …`; `{stage} {subcommand} --help` lists them"
        ),
        (None, Some((subcommand, None))) => format!(
            "`{stage} {subcommand}` takes none of these options; `{stage} {subcommand} --help` lists its own"
        ),
        (None, None) => "see --help".to_owned(),
    }
}

/// Whether the argument clap refused is a MongoDB URI (`mongodb://…`, `mongodb:/…` missing a
/// slash, `MONGO_URL=mongodb://…`) given to a stage that takes `--mongodb-uri`.
fn given_uri(command: &clap::Command, err: &clap::Error) -> bool {
    use clap::error::{ContextKind, ContextValue};
    let takes_uri = command
        .get_arguments()
        .chain(
            command
                .get_subcommands()
                .flat_map(clap::Command::get_arguments),
        )
        .any(|arg| arg.get_long() == Some("mongodb-uri"));
    takes_uri
        && [ContextKind::InvalidSubcommand, ContextKind::InvalidArg]
            .into_iter()
            .any(|kind| {
                matches!(err.get(kind), Some(ContextValue::String(given))
                    if given.to_ascii_lowercase().contains("mongodb:")
                        || given.to_ascii_lowercase().contains("mongodb+srv:"))
            })
}

/// The long option clap refused as unknown (`--date` of `--date 2026-01-01` or
/// `--date=2026-01-01`).
fn refused_option(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let name = given.split('=').next().unwrap_or(given);
    name.starts_with("--").then(|| name.to_owned())
}

/// The commands of this stage taking the option clap refused as unknown, quoted as a user
/// types them (`` `analyser`, `analyser report` ``): an option given to a subcommand that does
/// not take it (`analyser status --date …`) is another's, not a misspelling of its own
/// `--database`.
fn taken_elsewhere(stage: &str, command: &clap::Command, err: &clap::Error) -> Option<String> {
    let option = refused_option(err)?;
    let long = option.strip_prefix("--")?;
    let takes = |command: &clap::Command| {
        command
            .get_arguments()
            .any(|arg| arg.get_long() == Some(long))
    };
    let root = takes(command).then(|| format!("`{stage}`"));
    let subcommands = command
        .get_subcommands()
        .filter(|sub| takes(sub))
        .map(|sub| format!("`{stage} {}`", sub.get_name()));
    let owners: Vec<String> = root.into_iter().chain(subcommands).collect();
    (!owners.is_empty()).then(|| owners.join(", "))
}

/// The command that refused the argument, as a user types it: `` `stage status` `` when clap
/// read a subcommand (its usage names it), else `` `stage` `` (no subcommand given).
fn refused_by(stage: &str, command: &clap::Command, err: &clap::Error) -> String {
    let text = err.to_string();
    let subcommand = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Usage:"))
        .and_then(|usage| usage.split_whitespace().nth(1))
        .filter(|word| command.find_subcommand(word).is_some());
    match subcommand {
        Some(subcommand) => format!("{stage} {subcommand}"),
        None => stage.to_owned(),
    }
}

/// What clap suggests for a misspelt argument, subcommand or value (`--force` for `--forse`).
fn suggestion(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|kind| match err.get(kind)? {
        ContextValue::String(one) => Some(one.clone()),
        ContextValue::Strings(many) => many.first().cloned(),
        _ => None,
    })
}

/// The subcommand given after options of the default action (`analyser --config x status`),
/// which it cannot take there, and the first of them the subcommand takes (`--config`), if
/// any.
fn options_before(command: &clap::Command, err: &clap::Error) -> Option<(String, Option<String>)> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::ArgumentConflict {
        return None;
    }
    let Some(ContextValue::String(subcommand)) = err.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let given: Vec<&str> = match err.get(ContextKind::PriorArg)? {
        ContextValue::String(one) => vec![one.as_str()],
        ContextValue::Strings(many) => many.iter().map(String::as_str).collect(),
        _ => return None,
    };
    let takes = |option: &str| {
        let long = option.strip_prefix("--");
        command.find_subcommand(subcommand).is_some_and(|sub| {
            sub.get_arguments()
                .any(|arg| long.is_some() && arg.get_long() == long)
        })
    };
    // `--config <FILE>`: the name alone.
    let taken = given
        .iter()
        .filter_map(|option| option.split_whitespace().next())
        .find(|option| takes(option))
        .map(str::to_owned);
    Some((subcommand.clone(), taken))
}

/// clap's complaint (its first paragraph: the fault and, for a value, the possible ones) on
/// one line, without its `error: ` prefix, usage and tips.
fn first_line(err: &clap::Error) -> String {
    let text = err.to_string();
    let paragraph: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let line = paragraph.join(" ");
    line.strip_prefix("error: ").unwrap_or(&line).to_owned()
}

/// `--config`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Sources configuration file.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
}

/// `--raw-dir`.
#[derive(Debug, Clone, clap::Args)]
pub struct RawDirArgs {
    /// Folder the collector lands raw files in, one sub-folder per source.
    #[arg(long, value_name = "DIR", default_value = "raw")]
    pub raw_dir: PathBuf,
}

/// `--mongodb-uri` and `--database`.
#[derive(Clone, clap::Args)]
pub struct MongoArgs {
    /// MongoDB connection string; an empty one means the default.
    #[arg(long = "mongodb-uri", value_name = "URI", env = "MONGODB_URI", hide_env_values = true, default_value = DEFAULT_URI, value_parser = uri_or_default)]
    pub uri: String,
    /// Database name (default: the one the URI names, `mongodb://host/<DB>`, else `releve`).
    #[arg(long = "database", value_name = "DB")]
    pub given_database: Option<String>,
}

impl MongoArgs {
    /// The database: as given, else the one the URI names in its path (the default database
    /// of MongoDB's own tools, a university's one database a user may write in), else
    /// `releve`.
    pub fn database(&self) -> String {
        self.given_database
            .clone()
            .or_else(|| crate::store::uri_database(&self.uri))
            .unwrap_or_else(|| DEFAULT_DATABASE.to_owned())
    }

    /// Whether [`MongoArgs::database`] is the one the URI names, no `--database` given.
    pub fn database_from_uri(&self) -> bool {
        self.given_database.is_none() && crate::store::uri_database(&self.uri).is_some()
    }
}

/// A URI left empty (`MONGODB_URI=` in a crontab or `.env`) means the default, as if unset.
fn uri_or_default(uri: &str) -> Result<String, std::convert::Infallible> {
    let uri = uri.trim();
    Ok(if uri.is_empty() { DEFAULT_URI } else { uri }.to_owned())
}

impl std::fmt::Debug for MongoArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoArgs")
            .field("uri", &crate::store::redact(&self.uri))
            .field("database", &self.given_database)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    /// A URI given with spaces around it (a quoted variable) is read trimmed by the run, so its
    /// password on the command line is warned of as without them.
    #[test]
    fn a_password_uri_with_spaces_around_is_warned_of() {
        let given = |uri: &str| {
            uri_with_secret_given(
                ["--mongodb-uri", uri]
                    .map(std::ffi::OsString::from)
                    .into_iter(),
            )
        };
        assert!(given("mongodb://alice:s3cret@db.example.org/x"));
        assert!(given("  mongodb://alice:s3cret@db.example.org/x "));
        assert!(!given(" mongodb://db.example.org/x"));
        for refused_at_once in [
            "mongodb://alice:s3:cret@db.example.org/x",
            "mongodb://alice:s3/cret@db.example.org/x",
            "mongodb://alice:s3%cret@db.example.org/x",
            "mongodb://alice:s3@cret@db.example.org/x",
            "mongodb+srv://alice:s3:cret@cluster0.example.net/x",
            "mysql://alice:s3cret@db.example.org/x",
        ] {
            assert!(!given(refused_at_once), "{refused_at_once}");
        }
        assert!(given("mongodb+srv://alice:s3cret@cluster0.example.net/x"));
    }

    #[test]
    fn the_configuration_s_folder_is_read_from_the_command_line_before_clap() {
        let folder = |args: &[&str]| {
            config_given(args.iter().map(std::ffi::OsString::from))
                .as_deref()
                .and_then(folder_of)
                .map(|folder| folder.display().to_string())
        };
        assert_eq!(
            folder(&["--force", "--config", "/srv/releve/sources.toml"]).as_deref(),
            Some("/srv/releve")
        );
        assert_eq!(
            folder(&["--config=../releve/sources.toml"]).as_deref(),
            Some("../releve")
        );
        assert_eq!(
            folder(&["--config", "sources.toml"]),
            None,
            "the working folder"
        );
        assert_eq!(folder(&["--force"]), None);
        assert_eq!(folder(&["--", "--config", "/x/sources.toml"]), None);
    }

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        mongo: MongoArgs,
    }

    #[test]
    fn a_command_line_that_cannot_be_read_is_said_in_clap_s_first_line() {
        let err = Cli::try_parse_from(["stage", "--bogus"])
            .err()
            .expect("refused");
        assert_eq!(first_line(&err), "unexpected argument '--bogus' found");
        assert!(err.use_stderr());
        let err = Cli::try_parse_from(["stage", "--mongodb-uri"])
            .err()
            .expect("refused");
        assert_eq!(
            first_line(&err),
            "a value is required for '--mongodb-uri <URI>' but none was supplied"
        );
        assert_eq!(suggestion(&err), None);
        let err = Cli::try_parse_from(["stage", "--databse", "x"])
            .err()
            .expect("refused");
        assert_eq!(suggestion(&err).as_deref(), Some("--database"), "{err}");
        let help = Cli::try_parse_from(["stage", "--help"])
            .err()
            .expect("help");
        assert!(!help.use_stderr(), "help is printed, not refused");
    }

    #[derive(clap::Parser)]
    #[command(args_conflicts_with_subcommands = true)]
    struct WithSubcommands {
        #[command(subcommand)]
        command: Option<Subcommand>,
        #[command(flatten)]
        mongo: MongoArgs,
        #[arg(long)]
        only_here: bool,
    }

    #[derive(clap::Subcommand)]
    enum Subcommand {
        Status {
            #[command(flatten)]
            mongo: MongoArgs,
            #[arg(long)]
            json: bool,
        },
    }

    #[test]
    fn options_before_a_subcommand_are_said_to_go_after_it() {
        let err = WithSubcommands::try_parse_from(["stage", "--database", "x", "status"])
            .err()
            .expect("refused");
        let command = WithSubcommands::command();
        assert_eq!(
            options_before(&command, &err),
            Some(("status".to_owned(), Some("--database".to_owned()))),
            "{err}"
        );
        let err = WithSubcommands::try_parse_from(["stage", "--only-here", "status"])
            .err()
            .expect("refused");
        assert_eq!(
            options_before(&command, &err),
            Some(("status".to_owned(), None)),
            "`status` takes no `--only-here`: {err}"
        );
        let err = Cli::try_parse_from(["stage", "--bogus"])
            .err()
            .expect("refused");
        assert_eq!(options_before(&Cli::command(), &err), None);
        let parsed = WithSubcommands::try_parse_from(["stage", "status", "--database", "x"]);
        assert!(
            matches!(parsed, Ok(WithSubcommands { command: Some(Subcommand::Status { ref mongo, .. }), .. }) if mongo.database() == "x")
        );
    }

    /// `analyser status --date 2026-01-01`: `--date` is the report's, and clap's "did you
    /// mean `--database`?" sent the user to another option altogether.
    #[test]
    fn an_option_of_another_subcommand_is_said_to_be_its() {
        let command = WithSubcommands::command();
        let err = WithSubcommands::try_parse_from(["stage", "status", "--only-here"])
            .err()
            .expect("refused");
        assert_eq!(
            taken_elsewhere("stage", &command, &err).as_deref(),
            Some("`stage`"),
            "{err}"
        );
        let err = WithSubcommands::try_parse_from(["stage", "status", "--only-here=yes"])
            .err()
            .expect("refused");
        assert_eq!(
            refused_option(&err).as_deref(),
            Some("--only-here"),
            "{err}"
        );
        let err = WithSubcommands::try_parse_from(["stage", "status", "--databse", "x"])
            .err()
            .expect("refused");
        assert_eq!(
            taken_elsewhere("stage", &command, &err),
            None,
            "a misspelling: {err}"
        );
    }

    /// `analyser --json`, no subcommand given: `--json` is `analyser status`'s, and the line
    /// said "not of the subcommand given" of a command line that gave none. The command that
    /// refused it is named, whether a subcommand or the stage alone.
    #[test]
    fn an_option_of_a_subcommand_given_to_none_is_said_not_to_be_the_stage_s() {
        let command = WithSubcommands::command();
        let err = WithSubcommands::try_parse_from(["stage", "--json"])
            .err()
            .expect("refused");
        assert_eq!(
            advice("stage", &command, &err),
            "`--json` is an option of `stage status`, not of `stage`; see its --help",
            "{err}"
        );
        let err = WithSubcommands::try_parse_from(["stage", "status", "--only-here=yes"])
            .err()
            .expect("refused");
        assert_eq!(
            advice("stage", &command, &err),
            "`--only-here` is an option of `stage`, not of `stage status`; see its --help",
            "{err}"
        );
    }

    /// clap quotes the value it could not place: a URI given without `--mongodb-uri` (as
    /// mongosh takes it), or after another option, must not show its password in that line.
    #[test]
    fn a_refused_command_line_never_shows_a_uri_s_password() {
        let uri = "mongodb://alice:s3cret@db.example.org/?authSource=admin";
        for args in [vec!["stage", uri], vec!["stage", "status", uri]] {
            let err = WithSubcommands::try_parse_from(&args)
                .err()
                .expect("refused");
            let line = crate::logging::shown(&first_line(&err));
            assert!(!line.contains("s3cret"), "{args:?}: {line}");
        }
    }

    /// A password written unencoded with a space or a quote in it (the README asks only
    /// `@ : / ? # %` to be percent-encoded) is quoted whole by clap: no part of it may show.
    #[test]
    fn a_refused_uri_never_shows_a_password_holding_a_space_or_a_quote() {
        for (uri, secret) in [
            (
                "mongodb://alice:correct horse@db.example.org/?authSource=admin",
                "horse",
            ),
            (
                "mongodb://alice:it's-Zebra@db.example.org/?authSource=admin",
                "Zebra",
            ),
            (
                "mongodb://alice:say\"Zebra\"@db.example.org/?authSource=admin",
                "Zebra",
            ),
        ] {
            let err = WithSubcommands::try_parse_from(["stage", uri])
                .err()
                .expect("refused");
            let line = crate::logging::shown(&first_line(&err));
            assert!(!line.contains(secret), "{uri}: {line}");
        }
    }

    /// A URI missing a `/` of its scheme, or its scheme, given without `--mongodb-uri`: clap
    /// quotes it, and the line goes to `logs/<stage>.log` and cron's mail. `redact` hides these
    /// forms' password in `MONGODB_URI`; the line must not show it either (found by the review
    /// of stop 55).
    #[test]
    fn a_refused_uri_missing_its_scheme_s_slashes_never_shows_its_password() {
        for uri in [
            "mongodb:/alice:Zebra42@db.example.org/?authSource=admin",
            "alice:Zebra42@db.example.org:27017",
        ] {
            let err = WithSubcommands::try_parse_from(["stage", uri])
                .err()
                .expect("refused");
            let line = crate::logging::shown(&first_line(&err));
            assert!(!line.contains("Zebra42"), "{uri}: {line}");
        }
    }

    /// A URI glued to the text before it (an environment line pasted from a compose file,
    /// `MONGO_URL=mongodb://…`, or one written between `<` and `>`), whose password holds a `/`
    /// left unencoded (the case `uri_database` guards against): clap quotes it whole, and
    /// `redact_uris` must still read it as a MongoDB URI, hiding up to its last `@`, as it did
    /// before other URLs' credentials were made to end within their host part (found by the
    /// review of stop 56's fixes).
    #[test]
    fn a_refused_uri_glued_to_other_text_never_shows_a_password_holding_a_slash() {
        for given in [
            "MONGO_URL=mongodb://alice:Zeb/ra42@db.example.org/phd",
            "<mongodb://alice:Zeb/ra42@db.example.org/phd>",
            "(mongodb://alice:Zeb?ra42@db.example.org/phd)",
        ] {
            let err = WithSubcommands::try_parse_from(["stage", "status", given])
                .err()
                .expect("refused");
            let line = crate::logging::shown(&first_line(&err));
            assert!(!line.contains("ra42"), "{given}: {line}");
        }
    }

    /// A URI given without `--mongodb-uri` whose options quote another address (`appName=`
    /// a lab's URL, an OIDC `TOKEN_RESOURCE:api://…`): `redact_uris` slices the line backwards
    /// at the second `://` and panics, and the panic message prints the whole line, password
    /// included, to `logs/<stage>.log` and cron's mail, with a backtrace instead of the line.
    #[test]
    fn a_refused_uri_whose_options_quote_another_address_never_shows_its_password() {
        let uri = "mongodb://alice:s3cret@db.example.org/phd?authSource=admin&appName=https://lab.example.org";
        let err = WithSubcommands::try_parse_from(["stage", uri])
            .err()
            .expect("refused");
        let said = first_line(&err);
        let line = std::panic::catch_unwind(|| crate::logging::shown(&said))
            .unwrap_or_else(|_| panic!("the failure line panics, quoting the password: {said}"));
        assert!(!line.contains("s3cret"), "{line}");
    }

    /// A passphrase of five words or more (diceware's advice: `correct horse battery staple
    /// orbit`), written unencoded as the README allows (only `@ : / ? # %` need encoding):
    /// credentials run on across three words at most, and the rest of the passphrase is
    /// printed in the failure line.
    #[test]
    fn a_refused_uri_never_shows_a_passphrase_of_five_words() {
        let uri = "mongodb://alice:correct horse battery staple orbit@db.example.org/phd";
        let err = WithSubcommands::try_parse_from(["stage", uri])
            .err()
            .expect("refused");
        let line = crate::logging::shown(&first_line(&err));
        for word in ["correct", "horse", "battery", "staple", "orbit"] {
            assert!(!line.contains(word), "`{word}` is shown: {line}");
        }
    }

    /// A client key's passphrase holding spaces, written unencoded in the URI's options as
    /// the README allows (only `@ : / ? # %` need encoding), as a password may be: only its
    /// first word is hidden, the rest of it printed in the failure line.
    #[test]
    fn a_refused_uri_never_shows_a_key_passphrase_holding_spaces() {
        let uri = "mongodb://db.example.org/phd?tls=true&tlsCertificateKeyFilePassword=correct horse battery";
        let err = WithSubcommands::try_parse_from(["stage", uri])
            .err()
            .expect("refused");
        let line = crate::logging::shown(&first_line(&err));
        for word in ["correct", "horse", "battery"] {
            assert!(!line.contains(word), "`{word}` is shown: {line}");
        }
    }

    #[test]
    fn an_empty_uri_means_the_default() {
        let parsed = Cli::parse_from(["stage", "--mongodb-uri", " "]);
        assert_eq!(parsed.mongo.uri, DEFAULT_URI);
        let parsed = Cli::parse_from(["stage", "--mongodb-uri", "mongodb://db:27017"]);
        assert_eq!(parsed.mongo.uri, "mongodb://db:27017");
    }
}
