//! The stage's command line, read by clap, and what a user is told when it cannot be read:
//! clap's first line and advice (a misspelling, a URI without its option, an option given
//! before its subcommand or to another one).

use super::cannot_start;

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
pub(super) fn advice(stage: &str, command: &clap::Command, err: &clap::Error) -> String {
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
pub(super) fn refused_option(err: &clap::Error) -> Option<String> {
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
pub(super) fn taken_elsewhere(
    stage: &str,
    command: &clap::Command,
    err: &clap::Error,
) -> Option<String> {
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
pub(super) fn suggestion(err: &clap::Error) -> Option<String> {
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
pub(super) fn options_before(
    command: &clap::Command,
    err: &clap::Error,
) -> Option<(String, Option<String>)> {
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
pub(super) fn first_line(err: &clap::Error) -> String {
    let text = err.to_string();
    let paragraph: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let line = paragraph.join(" ");
    line.strip_prefix("error: ").unwrap_or(&line).to_owned()
}
